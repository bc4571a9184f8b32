//! V-CENSUS-05: every counted vote's eligibility can be checked. A verdict `pass` means each
//! vote's signature or proof, census membership and weight were verified (DESIGN.md, "An honest
//! verdict"); when the election's census is of a kind vocaudit does not verify — token storage
//! proofs, Farcaster frames, anything unknown — the other checks can only skip its votes, so this
//! check names what could not run and why, and the election's verdict becomes `incomplete`
//! (exit 2), never `pass`.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{result, ElectionCheck, Remarks};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::result::{CheckResult, Status};

pub struct EligibilityChecked;

/// Why the eligibility of this election's votes cannot be checked, or `None` when it can
/// (the reason names the census kind, the check that could not run and the node's verifier).
pub fn unchecked_eligibility(ctx: &ElectionContext, agg: &Aggregate) -> Option<String> {
    let origin = ctx.election.census.census_origin.as_str();
    match ctx.census_kind() {
        CensusKind::Arbo | CensusKind::Csp => None,
        CensusKind::Zk => match (&ctx.circuits, ctx.unknown_node_circuit()) {
            (Err(e), _) => Some(format!(
                "anonymous votes: no circuit key to verify their proofs with ({e})"
            )),
            (Ok(_), Some((version, hash))) if agg.zk_unverifiable > 0 => Some(format!(
                "unknown circuit: the node verifies anonymous votes with circuit {version:?} \
                 (verifying key sha256 {hash}), whose key vocaudit does not hold, and {} proofs \
                 verify under none of the keys it holds; trust that key with --zk-key if it is \
                 the right one (a key served by the node is never trusted by itself)",
                agg.zk_unverifiable
            )),
            _ => None,
        },
        CensusKind::Other(_) if ctx.election.vote_mode.anonymous => Some(format!(
            "anonymous votes with census origin {origin:?}: only OFF_CHAIN_TREE(_WEIGHTED) \
             anonymous censuses have Groth16 proofs vocaudit checks, so no vote's census \
             membership or weight was checked"
        )),
        CensusKind::Other(_) if origin.starts_with("ERC") || origin == "MINI_ME" => Some(format!(
            "token census ({origin}): votes carry Ethereum storage proofs against a storage root \
             (vocdoni-node:vochain/transaction/proofs/ethereumproof), which vocaudit does not \
             verify, so no vote's signature, census membership or weight was checked"
        )),
        CensusKind::Other(_) if origin == "FARCASTER_FRAME" => Some(
            "Farcaster census (FARCASTER_FRAME): votes carry ed25519-signed frame messages with an \
             arbo proof (vocdoni-node:vochain/transaction/proofs/farcasterproof), which vocaudit \
             does not verify, so no vote's signature, census membership or weight was checked"
                .to_string(),
        ),
        CensusKind::Other(_) => Some(format!(
            "census origin {origin:?}: vocaudit does not know how the node verifies these votes, \
             so no vote's census membership or weight was checked"
        )),
    }
}

impl ElectionCheck for EligibilityChecked {
    fn id(&self) -> &'static str {
        "V-CENSUS-05"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, _out: Remarks) -> CheckResult {
        match unchecked_eligibility(ctx, agg) {
            Some(why) => result(
                &self.info(),
                Status::Skip,
                format!("verdict incomplete: {why}"),
                Vec::new(),
            ),
            None => result(
                &self.info(),
                Status::Pass,
                format!(
                    "{}: every vote's signature or proof, census membership and weight are checked",
                    ctx.census_kind()
                ),
                Vec::new(),
            ),
        }
    }
}
