//! The outcome of an audit: what `verify` produces and every reporter renders (never recomputes).
//!
//! This is the machine contract of `report.json` (see README "report.json"): field names are
//! camelCase, tallies are matrices of decimal strings, and every finding carries its location.

use serde::{Deserialize, Serialize};

/// Where a finding is; a place in the evidence, shared with the simulator's tampers.
pub use crate::bundle::evidence::Location;
use crate::bundle::evidence::{BundleInfo, Source};

/// Schema identifier written into every report.json.
pub const REPORT_SCHEMA: &str = "vocaudit.report/1";

/// Overall verdict. Maps onto the process exit status (see [`AuditResult::exit_code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every check passed (warnings and skips allowed).
    Pass,
    /// At least one check failed: a discrepancy was found.
    Fail,
    /// The audit could not be completed (data missing, bundle refused, …).
    Incomplete,
}

/// Status of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Checked and found correct.
    Pass,
    /// Checked; the data does not fit the protocol here. Makes the verdict `fail`.
    Fail,
    /// Could not be verified exactly ("cannot verify"), or worth a human look. Never a failure.
    Warn,
    /// Not applicable or not possible for this election; the message says why.
    Skip,
}

/// The fixed check categories of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Tally,
    Ballot,
    Census,
    Weight,
    Signature,
    Nullifier,
    TxHash,
    Keys,
    Window,
    Count,
    CrossSource,
    ProcessId,
    Bundle,
}

impl Category {
    /// The category's name as written in report.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Tally => "tally",
            Category::Ballot => "ballot",
            Category::Census => "census",
            Category::Weight => "weight",
            Category::Signature => "signature",
            Category::Nullifier => "nullifier",
            Category::TxHash => "tx-hash",
            Category::Keys => "keys",
            Category::Window => "window",
            Category::Count => "count",
            Category::CrossSource => "cross-source",
            Category::ProcessId => "process-id",
            Category::Bundle => "bundle",
        }
    }
}

/// One located discrepancy (or, for `warn`/`skip` checks, one located remark).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

/// The result of running one catalogue check on one election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// Stable id, e.g. `V-TALLY-01`.
    pub id: String,
    pub category: Category,
    /// Short human title from the catalogue.
    pub title: String,
    pub status: Status,
    /// Summary: what was checked and the outcome, or why it was skipped.
    pub message: String,
    #[serde(default)]
    pub findings: Vec<Finding>,
}

/// Computed and published results, as matrices of decimal strings (`[question][value]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TallyPair {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<Vec<Vec<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Vec<Vec<String>>>,
}

/// A question's display data from the election metadata (for reporters only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub title: String,
    /// Choice titles by results column (value).
    #[serde(default)]
    pub choices: Vec<String>,
}

/// Vote counts as the verifier saw them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoteCounts {
    /// Distinct nullifiers in the fetched vote list.
    pub listed: u64,
    /// Ballots that contributed to the recomputed tally.
    pub counted: u64,
    /// Ballots the protocol skips (invalid content, undecryptable).
    pub skipped: u64,
    /// The election's own `voteCount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<u64>,
}

/// Number of votes whose (last) envelope landed in one time bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipationBucket {
    /// Bucket start, RFC 3339 UTC.
    pub start: String,
    pub votes: u64,
}

/// Everything verified about one Vochain election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElectionAudit {
    pub election_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Status reported by the node (`READY`, `ENDED`, `RESULTS`, …).
    pub status: String,
    /// Census origin, e.g. `OFF_CHAIN_CA` or `OFF_CHAIN_TREE_WEIGHTED`.
    #[serde(default)]
    pub census_origin: String,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default)]
    pub questions: Vec<Question>,
    pub votes: VoteCounts,
    pub tally: TallyPair,
    #[serde(default)]
    pub participation: Vec<ParticipationBucket>,
    pub checks: Vec<CheckResult>,
}

/// Name and version of the tool that produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The whole audit: the verdict, where the evidence came from, and every election's checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditResult {
    pub schema: String,
    pub tool: ToolInfo,
    /// When the verification ran (RFC 3339).
    pub generated_at: String,
    pub verdict: Verdict,
    pub source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<BundleInfo>,
    /// The SaaS process audited, when the audit started from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saas: Option<SaasProcessFacts>,
    /// Checks about the evidence as a whole (bundle integrity, SaaS process), not one election.
    #[serde(default)]
    pub checks: Vec<CheckResult>,
    pub elections: Vec<ElectionAudit>,
}

/// What the SaaS says about its process that the report uses: the census numbers as
/// `/processes/{id}` served them (`census.size`: eligible voters; `census.totalWeight`: voting
/// power), decimal, checked by V-CROSS-03.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasProcessFacts {
    pub process_id: String,
    pub census_weighted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub census_size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub census_total_weight: Option<String>,
}

impl AuditResult {
    /// Every check, process-level first, then per election.
    pub fn all_checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks
            .iter()
            .chain(self.elections.iter().flat_map(|e| e.checks.iter()))
    }

    /// The verdict the checks imply: `fail` if any failed, otherwise `pass`.
    /// `incomplete` is decided by the caller (data could not be obtained), never derived here.
    pub fn verdict_from_checks(&self) -> Verdict {
        if self.all_checks().any(|c| c.status == Status::Fail) {
            Verdict::Fail
        } else {
            Verdict::Pass
        }
    }

    /// Process exit status: 0 pass, 1 fail, 2 incomplete.
    pub fn exit_code(&self) -> i32 {
        match self.verdict {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Incomplete => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_names() {
        let c = CheckResult {
            id: "V-TALLY-01".into(),
            category: Category::TxHash,
            title: "t".into(),
            status: Status::Warn,
            message: "m".into(),
            findings: vec![Finding {
                location: Location {
                    cell: Some([1, 2]),
                    ..Location::election("ab")
                },
                message: "x".into(),
                expected: Some("1".into()),
                actual: None,
            }],
        };
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["category"], "tx-hash");
        assert_eq!(v["status"], "warn");
        assert_eq!(v["findings"][0]["location"]["electionId"], "ab");
        assert_eq!(v["findings"][0]["location"]["cell"][1], 2);
        assert!(v["findings"][0]["location"].get("voteId").is_none());
        assert_eq!(Category::CrossSource.as_str(), "cross-source");
    }
}
