//! V-WEIGHT-01: each vote's stored weight equals the weight its proof grants: the arbo leaf
//! value (or a partial `voteWeight` ≤ it), the CSP bundle's `voteWeight`, 1 by default.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct Weight;

impl ElectionCheck for Weight {
    fn id(&self) -> &'static str {
        "V-WEIGHT-01"
    }

    fn per_vote(&self, _ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let Some(stored) = step_value(out, &vote.location, "stored weight", &vote.stored_weight)
        else {
            return;
        };
        // A census step that did not run is reported by the census checks, not again here.
        let Some(grant) = vote.census.done() else {
            return;
        };
        if *stored == grant.weight {
            out.pass();
        } else {
            out.add(
                Level::Fail,
                vote.location.clone(),
                "the stored weight differs from the weight the census proof grants",
                Some(grant.weight.to_string()),
                Some(stored.to_string()),
            );
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        if ctx.census_kind() == CensusKind::Zk {
            return skip(
                &self.info(),
                "anonymous election: the weight counted is the proof's weight signal (V-ZK-06)",
            );
        }
        out.conclude(
            &self.info(),
            "stored weights compared with the census proofs",
        )
    }
}
