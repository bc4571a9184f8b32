//! V-CENSUS-03: every CSP proof (ProofCA) verifies for this election against the census key
//! (plain and salted ECDSA; blind signatures as far as they can be checked, else "cannot
//! verify"), and its bundle names the tx signer and the election.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::derive::{DerivedVote, ProofKind};
use crate::verify::result::CheckResult;

pub struct CspProofs;

impl ElectionCheck for CspProofs {
    fn id(&self) -> &'static str {
        "V-CENSUS-03"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        if ctx.census_kind() != CensusKind::Csp {
            return;
        }
        match step_value(out, &vote.location, "CSP proof", &vote.census).map(|g| &g.proof) {
            Some(ProofKind::Csp { .. }) => out.pass(),
            Some(ProofKind::Arbo { .. }) => out.add(
                Level::Fail,
                vote.location.clone(),
                "an arbo proof in a CSP-census election",
                None,
                None,
            ),
            None => {}
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        match ctx.census_kind() {
            CensusKind::Csp => out.conclude(&self.info(), "CSP proofs checked"),
            other => skip(&self.info(), format!("not a CSP census ({other})")),
        }
    }
}
