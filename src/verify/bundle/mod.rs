//! Bundle checks: the evidence itself — its manifest integrity, what the fetcher could not
//! obtain, and whether the source gave the same answer when asked twice. The loader verifies the manifest; these checks turn its verdict and the fetcher's
//! recorded gaps into located findings.

mod v_bundle_01_integrity;
mod v_bundle_02_audit_gaps;
mod v_bundle_03_election_gaps;
mod v_bundle_04_same_answer;

pub use v_bundle_01_integrity::integrity;
pub use v_bundle_02_audit_gaps::audit_gaps;
pub use v_bundle_03_election_gaps::ElectionGaps;
pub use v_bundle_04_same_answer::SameAnswer;

use crate::bundle::evidence::{Gap, GapKind};
use crate::verify::check::{Level, Remarks};
use crate::verify::result::Location;

/// Records each gap: data the source says it does not have fails (published data must be
/// served), data that could not be reached warns (nothing is proven, the audit is incomplete).
fn gap_remarks(gaps: &[Gap], election_id: &str) -> Remarks {
    let mut out = Remarks::default();
    for g in gaps {
        let (level, what) = match g.kind {
            GapKind::NotServed => (Level::Fail, "not served"),
            GapKind::Unreachable => (Level::Warn, "could not be obtained"),
        };
        let location = Location {
            vote_id: g.vote_id.clone(),
            tx_hash: g.tx_hash.clone(),
            ..Location::election(g.election_id.as_deref().unwrap_or(election_id))
        };
        out.add(
            level,
            location,
            format!("{} {what}: {}", g.subject.as_str(), g.reason),
            None,
            None,
        );
    }
    out
}
