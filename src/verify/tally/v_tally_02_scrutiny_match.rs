//! V-TALLY-02: the tally recomputed from the ballots equals the consensus results served by
//! `/elections/{id}/scrutiny` (state, once RESULTS).

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::CheckResult;

pub struct ScrutinyMatch;

impl ElectionCheck for ScrutinyMatch {
    fn id(&self) -> &'static str {
        "V-TALLY-02"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let Some(scrutiny) = &ctx.scrutiny else {
            return skip(&self.info(), "no scrutiny (served only once RESULTS)");
        };
        let computed = match agg.computed_tally() {
            Ok(c) => c,
            Err(why) => return skip(&self.info(), format!("cannot recompute the tally: {why}")),
        };
        super::compare_cells(
            &computed,
            &scrutiny.results,
            &ctx.at(),
            "scrutiny results",
            if agg.manual_review > 0 {
                Level::Warn
            } else {
                Level::Fail
            },
            &mut out,
        );
        out.conclude(
            &self.info(),
            format!(
                "scrutiny compared with the tally of {} counted ballots",
                agg.counted
            ),
        )
    }
}
