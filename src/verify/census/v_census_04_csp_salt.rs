//! V-CENSUS-04: CSP proofs salted with processId[:20] (= chain prefix ‖ organisation) verify
//! for every election of the organisation (vocdoni-node#1424); each such proof is flagged.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::derive::{DerivedVote, ProofKind, Step};
use crate::verify::result::CheckResult;

pub struct CspSalt;

impl ElectionCheck for CspSalt {
    fn id(&self) -> &'static str {
        "V-CENSUS-04"
    }

    fn per_vote(&self, _ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        if let Step::Done(g) = &vote.census {
            match g.proof {
                ProofKind::Csp { legacy_salt: true } => out.add(
                    Level::Warn,
                    vote.location.clone(),
                    "the CSP proof is salted with processId[:20] only: it would verify for any election of this organisation",
                    None,
                    None,
                ),
                ProofKind::Csp { legacy_salt: false } => out.pass(),
                ProofKind::Arbo { .. } => {}
            }
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        match ctx.census_kind() {
            CensusKind::Csp => out.conclude(&self.info(), "CSP salts inspected"),
            other => skip(&self.info(), format!("not a CSP census ({other})")),
        }
    }
}
