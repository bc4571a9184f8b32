//! V-BALLOT-01: every ballot is decoded and validated; the ones the protocol skips (undecryptable,
//! not a vote package, over maxCount, repeated values, over maxValue, over the cost limit) are
//! listed with the node's reason. Skipping them is the protocol's rule, not a discrepancy, so
//! they are flagged for review only.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct Validated;

impl ElectionCheck for Validated {
    fn id(&self) -> &'static str {
        "V-BALLOT-01"
    }

    fn per_vote(&self, _ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        match step_value(out, &vote.location, "ballot", &vote.ballot).map(|b| &b.counted) {
            Some(Ok(())) => out.pass(),
            Some(Err(why)) => out.add(
                Level::Warn,
                vote.location.clone(),
                format!("ballot skipped by the protocol: {why}"),
                None,
                None,
            ),
            None => {}
        }
    }

    fn conclude(&self, _ctx: &ElectionContext, agg: &Aggregate, out: Remarks) -> CheckResult {
        out.conclude(
            &self.info(),
            format!("{} ballots counted, {} skipped", agg.counted, agg.skipped),
        )
    }
}
