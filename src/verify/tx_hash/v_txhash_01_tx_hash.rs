//! V-TXHASH-01: each vote's transaction, re-encoded as the known clients encode it, hashes to
//! the published txHash. When no known encoding reproduces it the bytes cannot be re-created,
//! which is "cannot verify" (warn), not a discrepancy (vochain-api.md §5.2a).

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{step_value, ElectionCheck, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct TxHash;

impl ElectionCheck for TxHash {
    fn id(&self) -> &'static str {
        "V-TXHASH-01"
    }

    fn per_vote(&self, _ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        if step_value(out, &vote.location, "transaction hash", &vote.tx_bytes).is_some() {
            out.pass();
        }
    }

    fn conclude(&self, _ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        out.conclude(&self.info(), "transactions re-encoded and hashed")
    }
}
