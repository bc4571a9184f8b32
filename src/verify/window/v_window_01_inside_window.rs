//! V-WINDOW-01: every vote's block time lies inside the voting window.
//!
//! `startDate` is exact, so a vote before it is provably outside. `endDate` is not the cutoff
//! (vochain-api.md §1.3): it is the scheduled end, the block time of a manual end, or — once
//! RESULTS — the time of the block that committed the results. Votes are refused after the
//! election ends and results come later, so after RESULTS a vote past `endDate` is provably
//! outside; before that the end may still have moved (SET_PROCESS_DURATION), so it is flagged
//! for review. When the chain's history was read, the end is the schedule itself (NEW_PROCESS
//! `startTime + duration`, SET_PROCESS_DURATION applied): exact, so a vote past it fails, and a
//! vote after a manual end but inside the schedule is V-HIST-02's finding. The state compares
//! whole seconds (`uint32(blockTime.Unix())`), and so does this.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct InsideWindow;

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| t.to_string())
}

impl ElectionCheck for InsideWindow {
    fn id(&self) -> &'static str {
        "V-WINDOW-01"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let Ok(start) = &ctx.start else { return };
        let Some(&t) = step_value(out, &vote.location, "vote time", &vote.time) else {
            return;
        };
        let start = start.timestamp();
        if t < start {
            out.add(
                Level::Fail,
                vote.location.clone(),
                "vote cast before startDate",
                Some(format!(">= {}", rfc3339(start))),
                Some(rfc3339(t)),
            );
            return;
        }
        // The schedule NEW_PROCESS set is exact; after a manual end the actual end is V-HIST-02's.
        if let Some(end) = ctx.history.scheduled_end() {
            if t <= end {
                out.pass();
            } else {
                out.add(
                    Level::Fail,
                    vote.location.clone(),
                    "vote cast after the scheduled end (NEW_PROCESS startTime + duration)",
                    Some(format!("<= {}", rfc3339(end))),
                    Some(rfc3339(t)),
                );
            }
            return;
        }
        let Ok(end) = &ctx.end else {
            out.pass();
            return;
        };
        let end = end.timestamp();
        if t <= end {
            out.pass();
        } else if ctx.election.status == "RESULTS" {
            out.add(
                Level::Fail,
                vote.location.clone(),
                "vote cast after the block that committed the results",
                Some(format!("<= {}", rfc3339(end))),
                Some(rfc3339(t)),
            );
        } else {
            out.add(
                Level::Warn,
                vote.location.clone(),
                "vote cast after endDate; the end may have been moved (check the setProcess transactions)",
                Some(format!("<= {}", rfc3339(end))),
                Some(rfc3339(t)),
            );
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        match (&ctx.start, &ctx.end) {
            (Err(e), _) => skip(&self.info(), format!("no voting window: {e}")),
            (Ok(s), end) => {
                let end = match ctx.history.scheduled_end() {
                    Some(end) => format!("{} (scheduled)", rfc3339(end)),
                    None => end
                        .as_ref()
                        .map(|e| e.to_rfc3339())
                        .unwrap_or_else(|e| e.clone()),
                };
                out.conclude(&self.info(), format!("window {} – {end}", s.to_rfc3339()))
            }
        }
    }
}
