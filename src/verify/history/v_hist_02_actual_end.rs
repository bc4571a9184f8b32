//! V-HIST-02: the actual end. The election ends at its scheduled time (NEW_PROCESS
//! `startTime + duration`, moved by SET_PROCESS_DURATION) or earlier by a SET_PROCESS_STATUS
//! ENDED/CANCELED transaction; the chain refuses votes once the status is not READY
//! (`vochain/transaction/vote_tx.go`), so a vote after a manual end, or while the election was
//! paused, fails at its vote id even when the schedule admits it. Votes past the schedule are
//! V-WINDOW-01's finding. An end before the schedule is information, not a defect.

use crate::protocol::proto::ProcessStatus;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::{DerivedVote, Step};
use crate::verify::result::CheckResult;

use super::{rfc3339, EventKind};

pub struct ActualEnd;

/// A chain position: height, then index in the block.
type Position = (u64, u32);

impl ElectionCheck for ActualEnd {
    fn id(&self) -> &'static str {
        "V-HIST-02"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let h = &ctx.history;
        if !h.listed {
            return;
        }
        let Some(height) = vote.block_height else {
            return;
        };
        // Past the schedule: V-WINDOW-01 reports it.
        if let (Some(end), Step::Done(t)) = (h.scheduled_end(), &vote.time) {
            if *t > end {
                return;
            }
        }
        let index = vote
            .location
            .tx_hash
            .as_deref()
            .and_then(|t| h.positions.get(&t.to_ascii_lowercase()))
            .map(|(_, i)| *i);
        let time = match vote.time {
            Step::Done(t) => rfc3339(t),
            _ => "?".into(),
        };
        for (from, until, why) in closed_periods(ctx) {
            let after_from = after(height, index, from);
            let before_until = until.is_none_or(|u| !after(height, index, u).unwrap_or(true));
            match after_from {
                Some(true) if before_until => {
                    out.add(
                        Level::Fail,
                        vote.location.clone(),
                        format!("vote accepted while the election was {why}"),
                        Some(format!(
                            "before height {} (status change at index {}){}",
                            from.0,
                            from.1,
                            until
                                .map(|u| format!(" or after height {}", u.0))
                                .unwrap_or_default()
                        )),
                        Some(format!("height {height}, {time}")),
                    );
                    return;
                }
                // The same block as the change, its position unknown: cannot tell.
                None if before_until => {
                    out.add(
                        Level::Warn,
                        vote.location.clone(),
                        format!("vote in the block where the election became {why}; its order in the block is unknown"),
                        None,
                        Some(format!("height {height}")),
                    );
                    return;
                }
                _ => {}
            }
        }
        out.pass();
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, mut out: Remarks) -> CheckResult {
        if let Some(result) = super::unavailable(&self.info(), ctx, &mut out) {
            return result;
        }
        let h = &ctx.history;
        let scheduled = h
            .scheduled_end()
            .map(rfc3339)
            .unwrap_or_else(|| format!("unknown (endDate {})", ctx.election.end_date));
        let summary = match h.manual_end() {
            Some(e) => {
                let when = e.time.map(rfc3339).unwrap_or_else(|| "time unknown".into());
                let early = match (e.time, h.scheduled_end()) {
                    (Some(t), Some(s)) if t < s => format!(", {} s before the schedule", s - t),
                    _ => String::new(),
                };
                format!(
                    "scheduled end {scheduled}; actual end: {} by hand at height {} ({when}, tx {}){early}",
                    super::status_name(match e.kind {
                        EventKind::Status(s) => s,
                        _ => 0,
                    })
                    .to_lowercase(),
                    e.height,
                    e.hash
                )
            }
            None => format!("scheduled end {scheduled}; ended by its schedule"),
        };
        out.conclude(&self.info(), summary)
    }
}

/// Whether position `(height, index)` comes after `at`; `None` when in the same block and the
/// index is unknown.
fn after(height: u64, index: Option<u32>, at: Position) -> Option<bool> {
    if height != at.0 {
        return Some(height > at.0);
    }
    index.map(|i| i > at.1)
}

/// The periods in which the chain refuses votes, from the status changes: paused (until the
/// next READY) and ended by hand (for good).
fn closed_periods(ctx: &ElectionContext) -> Vec<(Position, Option<Position>, &'static str)> {
    let mut periods = Vec::new();
    let mut open: Option<Position> = None;
    for e in &ctx.history.events {
        let EventKind::Status(s) = e.kind else {
            continue;
        };
        let at = (e.height, e.index);
        if s == ProcessStatus::Paused as i32 {
            open.get_or_insert(at);
        } else if s == ProcessStatus::Ready as i32 {
            if let Some(from) = open.take() {
                periods.push((from, Some(at), "paused"));
            }
        } else if s == ProcessStatus::Ended as i32 || s == ProcessStatus::Canceled as i32 {
            if let Some(from) = open.take() {
                periods.push((from, Some(at), "paused"));
            }
            periods.push((at, None, "ended by hand"));
            break;
        }
    }
    if let Some(from) = open {
        periods.push((from, None, "paused"));
    }
    periods
}

#[cfg(test)]
mod tests {
    use super::after;

    #[test]
    fn chain_order() {
        assert_eq!(after(10, None, (9, 5)), Some(true));
        assert_eq!(after(9, None, (10, 0)), Some(false));
        assert_eq!(after(10, Some(3), (10, 2)), Some(true));
        assert_eq!(after(10, Some(1), (10, 2)), Some(false));
        assert_eq!(after(10, None, (10, 2)), None);
    }
}
