//! V-BALLOT-02: ballot values outside `[0, 2^32)` meet Go truncations and out-of-range indexes in
//! the node's tally (vochain-api.md §2.8): the outcome there is not defined, so each such ballot
//! is flagged for manual review.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct SafeRange;

impl ElectionCheck for SafeRange {
    fn id(&self) -> &'static str {
        "V-BALLOT-02"
    }

    fn per_vote(&self, _ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let Some(ballot) = vote.ballot.done() else {
            return;
        };
        if ballot.out_of_safe_range {
            out.add(
                Level::Warn,
                vote.location.clone(),
                "ballot values outside [0, 2^32): manual review",
                None,
                Some(format!("{:?}", ballot.values)),
            );
        } else {
            out.pass();
        }
    }

    fn conclude(&self, _ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        out.conclude(&self.info(), "ballot values inspected")
    }
}
