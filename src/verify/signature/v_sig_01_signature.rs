//! V-SIG-01: EIP-191 recovery over the vote template (processId, keccak256 of the tx bytes,
//! chain id) gives the published voterID. Votes whose tx bytes could not be re-created are
//! skipped with that reason; anonymous votes carry no signature.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::{DerivedVote, Step};
use crate::verify::result::CheckResult;

pub struct Signature;

impl ElectionCheck for Signature {
    fn id(&self) -> &'static str {
        "V-SIG-01"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        if ctx.election.vote_mode.anonymous {
            return;
        }
        let Some(signer) = step_value(out, &vote.location, "signature", &vote.signer) else {
            return;
        };
        match &vote.voter {
            Step::Done(voter) if voter == signer => out.pass(),
            Step::Done(voter) => out.add(
                Level::Fail,
                vote.location.clone(),
                "the signature recovers another address than the published voterID",
                Some(hex::encode(voter)),
                Some(hex::encode(signer)),
            ),
            other => out.add(
                Level::Fail,
                vote.location.clone(),
                format!(
                    "signed vote without a usable voterID: {}",
                    other.why_not().unwrap_or_default()
                ),
                Some(hex::encode(signer)),
                None,
            ),
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        if ctx.election.vote_mode.anonymous {
            return skip(&self.info(), "anonymous election: votes are not signed");
        }
        out.conclude(&self.info(), "vote signatures recovered")
    }
}
