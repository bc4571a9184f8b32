//! V-ZK-02: the proof's electionId signals are `BytesToArboSplit(processId)` =
//! split(sha256(processId)) (vocdoni-node:util/zk.go; vote_tx.go compares them with the
//! process since 2024-02-07): a proof made for another election fails here.

use super::{not_anonymous, proof_of};
use crate::protocol::zk::bytes_to_arbo_split;
use crate::protocol::zk::field::fr_to_decimal;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct ElectionBound;

impl ElectionCheck for ElectionBound {
    fn id(&self) -> &'static str {
        "V-ZK-02"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let Some(zk) = proof_of(ctx, vote, out) else {
            return;
        };
        let Ok(id) = &ctx.id else {
            out.add(
                Level::Note,
                vote.location.clone(),
                "not checked: the election id does not decode",
                None,
                None,
            );
            return;
        };
        let at = zk.layout.indices().election_id;
        let proved = [zk.signal(at[0]), zk.signal(at[1])];
        let expected = bytes_to_arbo_split(id);
        if proved == expected {
            out.pass();
        } else {
            let pair = |v: &[crate::protocol::zk::Fr; 2]| {
                format!("[{}, {}]", fr_to_decimal(&v[0]), fr_to_decimal(&v[1]))
            };
            out.add(
                Level::Fail,
                vote.location.clone(),
                "the proof was made for another election: its electionId signals are not split(sha256(processId))",
                Some(pair(&expected)),
                Some(pair(&proved)),
            );
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        if let Some(s) = not_anonymous(ctx, &self.info()) {
            return s;
        }
        out.conclude(
            &self.info(),
            "electionId signals compared with split(sha256(processId))",
        )
    }
}
