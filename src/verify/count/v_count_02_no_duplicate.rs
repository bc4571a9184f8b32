//! V-COUNT-02: no vote id (nullifier) is listed twice; the node keeps one entry per nullifier
//! (`REPLACE INTO votes`), so a repeat is a discrepancy. Only the first listing is tallied.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::CheckResult;

pub struct NoDuplicate;

impl ElectionCheck for NoDuplicate {
    fn id(&self) -> &'static str {
        "V-COUNT-02"
    }

    fn conclude(&self, _ctx: &ElectionContext, agg: &Aggregate, out: Remarks) -> CheckResult {
        out.merge(agg.duplicates.clone()).conclude(
            &self.info(),
            format!("{} rows, {} distinct vote ids", agg.listed, agg.distinct),
        )
    }
}
