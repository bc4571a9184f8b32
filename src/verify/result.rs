//! The outcome of an audit: what `verify` produces and every reporter renders (never recomputes).
//!
//! This is the machine contract of `report.json` (see README "report.json"): field names are
//! camelCase, tallies are matrices of decimal strings, and every finding carries its location.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where a finding is; a place in the evidence, shared with the simulator's tampers.
pub use crate::bundle::evidence::Location;
use crate::bundle::evidence::{BundleInfo, Source};

/// Schema identifier written into every report.json.
pub const REPORT_SCHEMA: &str = "vocaudit.report/2";

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
    /// What the chain's transactions show happened: status, end, census, metadata, keys.
    History,
    /// Anonymous votes' Groth16 proofs and their public inputs.
    Zk,
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
            Category::History => "history",
            Category::Zk => "zk",
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
    /// The title and choices in the other languages the metadata gives, by language code
    /// (`es`, `ca`, …); an empty text means that language lacks it (show the default).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, QuestionText>,
}

/// A question's title and choice titles in one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionText {
    pub title: String,
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

/// When an election's results can be seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResultsVisibility {
    /// Plaintext votes: the running results are public while the vote goes on.
    #[default]
    Live,
    /// Encrypted votes: nothing can be counted until the keys are revealed after the end.
    SecretUntilEnd,
}

/// How voters prove their right to vote, from the census origin and vote mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Authentication {
    /// A credential service provider signs each voter's right (`OFF_CHAIN_CA`).
    Csp,
    /// A list of voters, one vote each (`OFF_CHAIN_TREE`).
    List,
    /// A list of voters with a voting power each (`OFF_CHAIN_TREE_WEIGHTED`).
    WeightedList,
    /// Token holders (`ERC20`, `MINI_ME`, …).
    Token,
    /// Anonymous votes (zk proofs of census membership).
    Anonymous,
    /// Any other origin.
    #[default]
    Other,
}

/// Where the number of eligible voters comes from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EligibleSource {
    /// The leaves of the census dump at `censusURL`.
    CensusDump,
    /// The SaaS process's `census.size`.
    SaasCensusSize,
    /// The election's `maxCensusSize` (an upper bound the organisation declared).
    MaxCensusSize,
}

/// Where the total eligible voting power comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PowerSource {
    /// The sum of the census dump's leaf weights.
    CensusDump,
    /// The SaaS process's `census.totalWeight`.
    SaasTotalWeight,
}

/// How many skipped ballots gave one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasonCount {
    pub reason: String,
    pub ballots: u64,
}

/// Who could vote and who did. Percentages are decimal strings with two decimals, computed
/// exactly on big integers and rounded half up; absent when the whole is unknown or zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Turnout {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_source: Option<EligibleSource>,
    /// Ballots cast (distinct vote ids listed) as a percentage of the eligible voters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<String>,
    /// The reasons of the skipped ballots, most frequent first.
    #[serde(default)]
    pub skipped_reasons: Vec<ReasonCount>,
    /// The results count voting power, not ballots (a weighted census, or any counted ballot
    /// weighing other than 1).
    #[serde(default)]
    pub weighted: bool,
    /// Total voting power of the census, decimal (weighted elections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_power: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_power_source: Option<PowerSource>,
    /// Voting power of the counted ballots, decimal (weighted elections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_used: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_percent: Option<String>,
}

/// Each computed cell `[question][value]` as a percentage (two decimals, exact, half up) of the
/// counted ballots (their voting power when weighted) and of the eligible voters (the census's
/// voting power when weighted); a matrix is absent when its whole is unknown or zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shares {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of_counted: Option<Vec<Vec<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of_eligible: Option<Vec<Vec<String>>>,
}

/// The results by choice, for a ballot mode whose results matrix is not one row per question
/// (metadata `type.name`): `multiple-choice` (one row per selectable position: a choice's total
/// is its column summed over the rows, abstentions the `abstainValues` columns), `approval`
/// (one row per choice: its approvals are column 1) and `budget` (one row per choice: its
/// amount is column 0) — as vocdoni-sdk's `ElectionService` reads them for the app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceReading {
    /// The metadata's `type.name`.
    pub mode: String,
    /// One total per choice of the (only) question, in metadata order.
    pub choices: Vec<ChoiceTotal>,
    /// The abstentions, when the ballot mode names abstain values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abstain: Option<ChoiceTotal>,
}

/// One choice's total (or the abstentions'), computed and published, decimal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceTotal {
    /// The results columns summed (the choice's value, or the abstain values).
    pub values: Vec<u64>,
    /// Absent when the matrix lacks a cell of the total, or a cell is not a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The computed total as a share of the counted ballots (their voting power when weighted),
    /// percent with two decimals; in a multiple-choice ballot the shares add up to more than 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of_counted: Option<String>,
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
    /// The title in the other languages the metadata gives, by language code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub title_translations: BTreeMap<String, String>,
    /// Status reported by the node (`READY`, `ENDED`, `RESULTS`, …).
    pub status: String,
    /// The organisation that created the election (its address, hex), as the node reports it.
    #[serde(default)]
    pub organization_id: String,
    /// `startDate` as the node reports it (RFC 3339).
    #[serde(default)]
    pub start_date: String,
    /// `endDate` as the node reports it (RFC 3339): the scheduled end, or later when the
    /// election was ended early or the results block moved it.
    #[serde(default)]
    pub end_date: String,
    /// The node's `finalResults`: the published results will not change any more.
    #[serde(default)]
    pub final_results: bool,
    /// The node's `manuallyEnded`: the organisation ended the election before `endDate`.
    #[serde(default)]
    pub manually_ended: bool,
    /// When the results can be seen: as votes arrive, or only after the end (encrypted votes).
    #[serde(default)]
    pub results_visibility: ResultsVisibility,
    /// How voters prove their right to vote.
    #[serde(default)]
    pub authentication: Authentication,
    /// `census.censusRoot` as published (an arbo root, or a CSP's public key).
    #[serde(default)]
    pub census_root: String,
    /// `census.censusURL` as published (where the census dump lives).
    #[serde(default)]
    pub census_uri: String,
    /// Census origin, e.g. `OFF_CHAIN_CA` or `OFF_CHAIN_TREE_WEIGHTED`.
    #[serde(default)]
    pub census_origin: String,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default)]
    pub questions: Vec<Question>,
    pub votes: VoteCounts,
    #[serde(default)]
    pub turnout: Turnout,
    pub tally: TallyPair,
    /// The computed tally's cells as percentages (see [`Shares`]).
    #[serde(default)]
    pub shares: Shares,
    /// The results by choice, for ballot modes whose matrix rows are not questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_choice: Option<ChoiceReading>,
    #[serde(default)]
    pub participation: Vec<ParticipationBucket>,
    pub checks: Vec<CheckResult>,
    /// The scheduled and the actual end, and the transactions that changed the election, as
    /// the chain's transaction index shows them (absent when it was not read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<ElectionHistory>,
    /// The verifying keys the anonymous votes' proofs verified under, each flagged when it is
    /// not one of Vocdoni's (absent for other elections).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zk_keys: Vec<ZkKeyUse>,
    /// Every listed vote in list order, as the tally saw it: the ledger behind votes.csv. Kept
    /// out of report.json (a million votes would make it hundreds of megabytes), so a result
    /// read back from report.json has `None` and re-rendering it writes no votes.csv.
    #[serde(skip)]
    pub ballots: Option<Vec<VoteRecord>>,
}

/// A verifying key anonymous votes' proofs verified under.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZkKeyUse {
    /// `Vocdoni census circuit v1.0.0`, or `trusted key PATH` for a `--zk-key` file.
    pub name: String,
    /// sha256 of the key's JSON, hex.
    pub sha256: String,
    /// One of Vocdoni's pinned keys; false for a key trusted only because the user named it.
    pub vocdoni: bool,
    /// How many listed votes' proofs verified under it.
    pub proofs: u64,
}

/// What happened to an election on chain, beyond its schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElectionHistory {
    /// NEW_PROCESS `startTime + duration` (SET_PROCESS_DURATION applied), RFC 3339; absent when
    /// the index holds no NEW_PROCESS for the election.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_end: Option<String>,
    /// When voting really closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_end: Option<ActualEnd>,
    /// The transactions that created and changed the election, in chain order.
    #[serde(default)]
    pub events: Vec<HistoryEvent>,
    /// The metadata versions the node's `/elections/{id}/metadata/history` lists, oldest first
    /// (absent when the node served none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metadata_versions: Vec<MetadataVersion>,
}

/// One version of the election's metadata as the node's history lists it, judged by its bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataVersion {
    pub url: String,
    /// The SHA-256 the history records for it, as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_hash: Option<String>,
    /// SHA-256 of the document's bytes as fetched, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_hash: Option<String>,
    pub status: MetadataStatus,
    /// Why an `unrecorded` or `unreachable` version could not be checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The block of the transaction that set it (absent: not located).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<String>,
    /// RFC 3339, when the history gives a usable time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// What voters read that differs from the version before (when both could be compared).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<TextChange>,
    /// Whether it was set once voting had started (absent: it changed nothing, or when is
    /// unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_voting_started: Option<bool>,
}

/// A metadata version's standing, as Vocdoni's report words it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetadataStatus {
    /// Its bytes hash to the recorded SHA-256.
    Verified,
    /// Its bytes do not.
    Mismatch,
    /// No usable hash is recorded.
    #[default]
    Unrecorded,
    /// Its bytes could not be obtained.
    Unreachable,
}

impl MetadataStatus {
    /// The name report.json gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            MetadataStatus::Verified => "verified",
            MetadataStatus::Mismatch => "mismatch",
            MetadataStatus::Unrecorded => "unrecorded",
            MetadataStatus::Unreachable => "unreachable",
        }
    }
}

/// One text voters read that changed between two metadata versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextChange {
    /// `title [default]`, `question 1 choice 2 [es]`, …
    pub field: String,
    /// Word-level diff: `[-removed-]` and `{+added+}` around the words that changed.
    pub diff: String,
}

/// The actual end: a manual SET_PROCESS_STATUS (ENDED or CANCELED), or the schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActualEnd {
    /// `manual` (a status transaction) or `scheduled`.
    pub by: String,
    /// RFC 3339, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<String>,
    /// `ENDED` or `CANCELED` for a manual end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// One history transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEvent {
    pub height: u64,
    pub index: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    pub tx_hash: String,
    /// `created`, `status`, `census`, `duration`, `set-process`, `key-added`, `key-revealed`.
    pub kind: String,
    pub description: String,
    /// The signer recovered over the transaction's message (hex), when it could be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
}

/// One listed vote: its identifiers, when it landed, its weight and what the tally made of it.
/// Held for every vote of an audit, so identifiers are kept as bytes (~200 bytes a vote, against
/// ~400 as hex text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteRecord {
    /// Vote id as listed (for signed votes the nullifier the node stored).
    pub vote_id: HexId,
    /// keccak256(voterID ‖ electionId) recomputed by vocaudit; `None` when it could not be
    /// (no voterID, anonymous vote).
    pub nullifier: Option<[u8; 32]>,
    pub tx_hash: Option<HexId>,
    /// Block height of the (last) envelope.
    pub block: Option<u64>,
    /// Block time of the (last) envelope, unix seconds.
    pub time: Option<i64>,
    /// The weight the node stored, decimal.
    pub weight: Option<Box<str>>,
    /// How many times the voter replaced an earlier envelope.
    pub overwrites: Option<u32>,
    pub outcome: VoteOutcome,
}

pub use crate::protocol::hex_bytes::HexId;

/// What the recomputed tally did with one listed vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteOutcome {
    /// Added to the tally.
    Counted,
    /// Skipped as the node skips it; the node's reason.
    Skipped(Box<str>),
    /// Values outside the node's safe range: not counted, left for manual review.
    ManualReview,
    /// Its ballot could not be determined (the tally is not recomputed then); why.
    Undetermined(Box<str>),
    /// The vote id was listed before: counted once only.
    Duplicate,
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
    /// The SaaS process's title, or the election's when the audit is of one election.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The organisation's address (hex): the SaaS process's `orgAddress`, else the elections'
    /// `organizationId` when they all agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The organisation's name in its account metadata (`name.default`, else its one
    /// language), when the node served it; presentation only, nothing checks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    /// The same name in the metadata's other languages, by lowercase language code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub organization_name_translations: BTreeMap<String, String>,
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

    #[test]
    fn hex_ids_display_as_the_text_they_came_from() {
        let id = "00ff".repeat(16);
        for text in [
            id.as_str(),
            &id[..62],        // a 31-byte zk nullifier
            "",               // none listed
            "0FF",            // odd length
            "00FF",           // uppercase: kept as given
            "zz",             // not hex
            &"ab".repeat(33), // longer than 32 bytes
        ] {
            assert_eq!(HexId::new(text).to_string(), text);
        }
        assert!(matches!(HexId::new(&id), HexId::Bytes { len: 32, .. }));
    }
}
