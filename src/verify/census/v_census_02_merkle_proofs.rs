//! V-CENSUS-02: every vote's arbo proof verifies against `censusRoot` with key
//! `blake2b256(address)[:20]`, and its leaf is in the published census dump.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::derive::{DerivedVote, ProofKind};
use crate::verify::result::CheckResult;

pub struct MerkleProofs;

impl ElectionCheck for MerkleProofs {
    fn id(&self) -> &'static str {
        "V-CENSUS-02"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        if ctx.census_kind() != CensusKind::Arbo {
            return;
        }
        match step_value(out, &vote.location, "census proof", &vote.census).map(|g| &g.proof) {
            Some(ProofKind::Arbo {
                in_dump: Some(false),
            }) => out.add(
                Level::Fail,
                vote.location.clone(),
                "the proof verifies but its leaf is not in the census dump",
                None,
                None,
            ),
            Some(ProofKind::Arbo { .. }) => out.pass(),
            Some(ProofKind::Csp { .. }) => out.add(
                Level::Fail,
                vote.location.clone(),
                "a CSP proof in an arbo-census election",
                None,
                None,
            ),
            None => {}
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        match ctx.census_kind() {
            CensusKind::Arbo => out.conclude(&self.info(), "arbo census proofs checked"),
            CensusKind::Zk => skip(
                &self.info(),
                "anonymous election: each vote proves its census membership in its zk proof \
                 (V-ZK-01, V-ZK-03), not with an arbo proof",
            ),
            other => skip(&self.info(), format!("not an arbo census ({other})")),
        }
    }
}
