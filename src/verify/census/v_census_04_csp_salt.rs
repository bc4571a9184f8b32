//! V-CENSUS-04: CSP proofs salted with processId[:20] (= chain prefix ‖ organisation) verify
//! for every election of the organisation (vocdoni-node#1424). It is a property of how the CSP
//! signs, not of one vote, so it is flagged once per election with the number of such proofs.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::result::CheckResult;

pub struct CspSalt;

impl ElectionCheck for CspSalt {
    fn id(&self) -> &'static str {
        "V-CENSUS-04"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        if ctx.census_kind() != CensusKind::Csp {
            return skip(
                &self.info(),
                format!("not a CSP census ({})", ctx.census_kind()),
            );
        }
        let (legacy, total) = (agg.csp_legacy_salt, agg.csp_proofs);
        if legacy > 0 {
            out.add(
                Level::Warn,
                ctx.at(),
                format!(
                    "{legacy} of {total} verified CSP proofs are salted with processId[:20] only: \
                     each would verify for any election of this organisation"
                ),
                None,
                Some(legacy.to_string()),
            );
        } else if total > 0 {
            out.pass();
        }
        out.conclude(
            &self.info(),
            format!("salts of {total} verified CSP proofs inspected"),
        )
    }
}
