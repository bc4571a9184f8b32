//! V-BUNDLE-02: what the audit needed beyond single elections (the SaaS process, its results,
//! the elections it names) was obtained.

use crate::bundle::evidence::Gap;
use crate::verify::check::catalogue_info;
use crate::verify::result::CheckResult;

pub fn audit_gaps(gaps: &[Gap]) -> CheckResult {
    let info = catalogue_info("V-BUNDLE-02");
    let summary = if gaps.is_empty() {
        "nothing missing".to_string()
    } else {
        format!("{} pieces of evidence missing", gaps.len())
    };
    super::gap_remarks(gaps, "").conclude(&info, summary)
}
