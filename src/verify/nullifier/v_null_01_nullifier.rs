//! V-NULL-01: every signed vote's voteID equals keccak256(voterID ‖ electionId), and the
//! envelope's processId is this election.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::{DerivedVote, Step};
use crate::verify::result::CheckResult;

pub struct Nullifier;

impl ElectionCheck for Nullifier {
    fn id(&self) -> &'static str {
        "V-NULL-01"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        if ctx.election.vote_mode.anonymous {
            return;
        }
        step_value(
            out,
            &vote.location,
            "envelope processId",
            &vote.envelope_election,
        );
        let Some(expected) = step_value(out, &vote.location, "nullifier", &vote.nullifier) else {
            return;
        };
        match &vote.vote_id {
            Step::Done(id) if id.as_slice() == expected.as_slice() => out.pass(),
            Step::Done(id) => out.add(
                Level::Fail,
                vote.location.clone(),
                "voteID is not keccak256(voterID ‖ electionId)",
                Some(hex::encode(expected)),
                Some(hex::encode(id)),
            ),
            other => {
                step_value(out, &vote.location, "voteID", other);
            }
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        if ctx.election.vote_mode.anonymous {
            return skip(
                &self.info(),
                "anonymous election: zk nullifiers are not recomputable",
            );
        }
        out.conclude(&self.info(), "nullifiers recomputed")
    }
}
