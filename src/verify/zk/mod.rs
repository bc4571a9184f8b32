//! Anonymous votes (vochain-zk.md): each carries a Groth16 proof whose public signals bind it to
//! the election, the census root, the vote package, a nullifier and a weight. The node checks
//! some of these bindings and, since 2025-11-18, no longer the vote package; these checks
//! verify every one of them from the evidence, with keys vocaudit holds (never the node's).

mod v_zk_01_proof;
mod v_zk_02_election;
mod v_zk_03_census_root;
mod v_zk_04_vote_hash;
mod v_zk_05_nullifier;
mod v_zk_06_weight;
mod v_zk_07_sik_root;

pub use v_zk_01_proof::ProofVerifies;
pub use v_zk_02_election::ElectionBound;
pub use v_zk_03_census_root::CensusRootBound;
pub use v_zk_04_vote_hash::VoteHashBound;
pub use v_zk_05_nullifier::NullifierFromProof;
pub use v_zk_06_weight::WeightFromProof;
pub use v_zk_07_sik_root::SikRoot;

use crate::verify::check::{skip, Level, Remarks};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::derive::{DerivedVote, ZkVote};
use crate::verify::result::CheckResult;

/// The vote's proof and signals when they were read; otherwise a note (V-ZK-01 reports why the
/// proof could not be read, so the other checks do not fail the vote again).
fn proof_of<'a>(
    ctx: &ElectionContext,
    vote: &'a DerivedVote,
    out: &mut Remarks,
) -> Option<&'a ZkVote> {
    if ctx.census_kind() != CensusKind::Zk {
        return None;
    }
    match vote.zk.done() {
        Some(z) => Some(z),
        None => {
            out.add(
                Level::Note,
                vote.location.clone(),
                format!(
                    "not checked: no readable zk proof ({})",
                    vote.zk.why_not().unwrap_or_default()
                ),
                None,
                None,
            );
            None
        }
    }
}

/// `Some(skip)` for an election that is not anonymous.
fn not_anonymous(
    ctx: &ElectionContext,
    info: &crate::verify::catalogue::CheckInfo,
) -> Option<CheckResult> {
    match ctx.census_kind() {
        CensusKind::Zk => None,
        other if ctx.election.vote_mode.anonymous => Some(skip(
            info,
            format!(
                "anonymous election on a census vocaudit does not check ({other}): see V-CENSUS-05"
            ),
        )),
        _ => Some(skip(
            info,
            "not an anonymous election: votes carry no zk proof",
        )),
    }
}
