//! V-TALLY-01: the tally recomputed from the ballots equals the election's published `result`.
//! Before `finalResults` the result is the indexer's live tally, so a difference is only
//! flagged for review.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::CheckResult;

pub struct ResultsMatch;

impl ElectionCheck for ResultsMatch {
    fn id(&self) -> &'static str {
        "V-TALLY-01"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let Some(published) = &ctx.election.result else {
            return skip(&self.info(), "the election publishes no result yet");
        };
        let computed = match agg.computed_tally() {
            Ok(c) => c,
            Err(why) => return skip(&self.info(), format!("cannot recompute the tally: {why}")),
        };
        let (level, kind) = if !ctx.election.final_results {
            (Level::Warn, "live (not final)")
        } else if agg.manual_review > 0 {
            (Level::Warn, "final (ballots under manual review)")
        } else {
            (Level::Fail, "final")
        };
        super::compare_cells(&computed, published, &ctx.at(), "result", level, &mut out);
        out.conclude(
            &self.info(),
            format!(
                "{kind} result compared with the tally of {} counted ballots",
                agg.counted
            ),
        )
    }
}
