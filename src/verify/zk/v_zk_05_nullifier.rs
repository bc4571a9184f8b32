//! V-ZK-05: an anonymous vote's id is the nullifier its proof carries, as the node stores it
//! (minimal big-endian bytes of the signal, `big.Int.Bytes()`; vochain-zk.md §2.2), so the
//! nullifier comes from the proof and not from the client. Distinct ids per election are
//! V-COUNT-02's check and overwrites (the last envelope per nullifier, within
//! maxVoteOverwrites) V-COUNT-03's, over these same ids.

use super::{not_anonymous, proof_of};
use crate::protocol::zk::field::fr_to_minimal_be;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct NullifierFromProof;

impl ElectionCheck for NullifierFromProof {
    fn id(&self) -> &'static str {
        "V-ZK-05"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let Some(zk) = proof_of(ctx, vote, out) else {
            return;
        };
        let Some(id) = step_value(out, &vote.location, "vote id", &vote.vote_id) else {
            return;
        };
        let nullifier = fr_to_minimal_be(&zk.signal(zk.layout.indices().nullifier));
        if *id == nullifier {
            out.pass();
        } else {
            out.add(
                Level::Fail,
                vote.location.clone(),
                "the vote id is not the nullifier the proof carries",
                Some(hex::encode(&nullifier)),
                Some(hex::encode(id)),
            );
        }
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, out: Remarks) -> CheckResult {
        if let Some(s) = not_anonymous(ctx, &self.info()) {
            return s;
        }
        out.conclude(
            &self.info(),
            format!(
                "vote ids compared with the proofs' nullifiers; {} distinct of {} listed \
                 (duplicates: V-COUNT-02, overwrites: V-COUNT-03)",
                agg.distinct, agg.listed
            ),
        )
    }
}
