//! V-BUNDLE-03: everything the node publishes about the election was obtained; each gap the
//! fetcher recorded (a vote detail, a transaction, the keys, the census dump) is a finding.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct ElectionGaps;

impl ElectionCheck for ElectionGaps {
    fn id(&self) -> &'static str {
        "V-BUNDLE-03"
    }

    fn per_vote(&self, _ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        for e in &vote.evidence_errors {
            out.add(Level::Warn, vote.location.clone(), e.clone(), None, None);
        }
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, remarks: Remarks) -> CheckResult {
        let mut out = super::gap_remarks(&ctx.gaps, &ctx.id_hex).merge(remarks);
        if let Some(e) = &agg.source_error {
            out.add(
                Level::Warn,
                ctx.at(),
                format!("the vote stream stopped early: {e}"),
                None,
                None,
            );
        }
        let summary = if out.total() == 0 {
            "nothing missing".to_string()
        } else {
            "evidence missing".to_string()
        };
        out.conclude(&self.info(), summary)
    }
}
