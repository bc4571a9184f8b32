//! What the verifier reads: everything the fetcher obtained about an audit, as typed evidence.
//!
//! The shapes are the wire models of [`crate::api`] (node API v2 and SaaS API) plus what the
//! fetcher could not obtain ([`Gap`]). Votes arrive through a [`VoteSource`] in batches so that
//! an election of a million votes never sits in memory at once; the bundle loader adapts the
//! on-disk evidence onto these types and the tests build them by hand.

use crate::api::node::{
    Account, Election, ElectionKeys, Scrutiny, TransactionResponse, TxInfo, VoteDetail, VoteRow,
};
use crate::api::saas::{Process, ProcessResults};
use crate::api::Unreadable;
use crate::bundle::Disagreement;
use serde::{Deserialize, Serialize};

/// Everything one audit is computed from.
pub struct AuditInput {
    pub source: Source,
    /// The bundle the evidence was loaded from, if any, with the loader's integrity verdict.
    pub bundle: Option<BundleEvidence>,
    /// The SaaS process when the audit started from one.
    pub saas: Option<SaasEvidence>,
    pub elections: Vec<ElectionEvidence>,
    /// What could not be obtained beyond any single election (SaaS routes, the election list).
    pub gaps: Vec<Gap>,
    /// The organisations' accounts the node served (for their names; nothing is checked).
    pub accounts: Vec<Account>,
    /// What the node said about its zk circuit and SIK roots (fetched for anonymous elections).
    pub zk: ZkChainEvidence,
}

/// What the node said about its zk circuit and the SIK roots valid at fetch time: evidence to
/// compare with the keys vocaudit holds, never a source of keys.
#[derive(Debug, Clone, Default)]
pub struct ZkChainEvidence {
    /// `chain/circuit.json` (`GET /chain/info/circuit`), when the node answered 200 and it reads
    /// as `circuit.Config`.
    pub circuit: Option<crate::api::node::CircuitConfig>,
    /// `chain/siks-roots.json` (`GET /siks/roots`), likewise: hex roots.
    pub sik_roots: Option<Vec<String>>,
}

/// The bundle as the loader found it.
#[derive(Debug, Clone)]
pub struct BundleEvidence {
    pub info: BundleInfo,
    /// Files whose sha256 differs from the manifest, or that the manifest names and are missing,
    /// each with the loader's explanation. Empty when the manifest checked out.
    pub integrity_errors: Vec<String>,
}

/// What the SaaS API published about the process: one question = one Vochain election.
#[derive(Debug, Clone, Default)]
pub struct SaasEvidence {
    /// `GET /processes/{id}`.
    pub process: Option<Process>,
    /// `GET /processes/{id}/results`.
    pub results: Option<ProcessResults>,
    /// Fields of `/processes/{id}` the model could not take, set aside by the reader
    /// ([`crate::api::read_lenient`]) and reported by V-CROSS-03.
    pub process_unreadable: Vec<Unreadable>,
    /// The same for `/processes/{id}/results`.
    pub results_unreadable: Vec<Unreadable>,
}

/// Everything obtained about one Vochain election.
pub struct ElectionEvidence {
    /// `GET /elections/{id}`.
    pub election: Election,
    /// `GET /elections/{id}/keys` (encrypted elections).
    pub keys: Option<ElectionKeys>,
    /// `GET /elections/{id}/scrutiny` (once RESULTS).
    pub scrutiny: Option<Scrutiny>,
    /// `GET /elections/{id}/votes/count`.
    pub votes_count: Option<u64>,
    /// `pagination.totalItems` of the vote list.
    pub list_total: Option<u64>,
    /// The raw object at `census.censusURL` (an arbo census dump), or why it is missing.
    pub census_dump: Option<Result<Vec<u8>, String>>,
    /// What the fetcher could not obtain for this election.
    pub gaps: Vec<Gap>,
    /// Questions the fetcher asked twice, and the answers that differed.
    pub rereads: Rereads,
    /// The listed votes with their detail and transaction.
    pub votes: Box<dyn VoteSource>,
    /// What the chain's transaction index shows happened to the election.
    pub history: History,
}

/// An election's history as the chain's transaction index and IPFS gave it (vochain-api.md
/// §5.4): which of the bodies name this election is the verifier's to decide.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Whether the fetcher read the filtered transaction list (false: an older bundle, or a node
    /// without it; `notes` says which).
    pub listed: bool,
    /// Whether the organisation's delegations (`setAccount` ADD/DEL_DELEGATE_FOR_ACCOUNT signed
    /// by it) were listed: only then is a signer that is neither it nor a delegate a finding.
    pub delegations_listed: bool,
    /// Bodies of the history transactions read (`/chain/transactions/{hash}`, any election's),
    /// in the order stored.
    pub txs: Vec<TransactionResponse>,
    /// Vote rows of the scanned blocks (every election's), from the index.
    pub vote_rows: Vec<TxInfo>,
    /// The scanned heights, lowest and highest.
    pub scanned: Option<(u64, u64)>,
    /// The metadata document at `metadataURL` from IPFS, or why it is missing (`None`: the URL is
    /// not `ipfs://` or it was not asked).
    pub metadata: Option<Result<Vec<u8>, String>>,
    /// Block times (RFC 3339) by height, for the blocks the bundle holds.
    pub block_times: std::collections::BTreeMap<u64, String>,
    /// `GET /elections/{id}/metadata/history` as the node answered it (`None`: not asked).
    pub metadata_history: Option<MetadataHistoryAnswer>,
    /// Each history version's document by its URL, or why it was not obtained.
    pub metadata_versions: std::collections::BTreeMap<String, Result<Vec<u8>, String>>,
    /// What the fetcher could not obtain for the history (nodes without the routes, a partial
    /// scan, an unreachable gateway): never a discrepancy, each a located remark.
    pub notes: Vec<String>,
}

/// What the node answered to `GET /elections/{id}/metadata/history`.
#[derive(Debug, Clone, PartialEq)]
pub enum MetadataHistoryAnswer {
    /// HTTP 404, as vocdoni-node `8e2adfd0` (which has no such route) answers: what it said.
    NotServed(String),
    /// Another error status, or a 200 whose body is not a history: why.
    Unreadable(String),
    Read(crate::api::node::MetadataHistory),
}

/// The fetcher's second reads of one election (vote details, the election itself) and every
/// pair of answers that differed, as the bundle recorded them.
#[derive(Debug, Clone, Default)]
pub struct Rereads {
    /// Questions asked a second time.
    pub asked: u64,
    pub disagreements: Vec<Disagreement>,
}

/// One listed vote: its list row, `/votes/{id}` detail and `/chain/transactions/{txHash}`.
#[derive(Debug, Clone, Default)]
pub struct VoteEvidence {
    pub row: Option<VoteRow>,
    pub detail: Option<VoteDetail>,
    pub tx: Option<TransactionResponse>,
    /// Problems the loader met reading this vote (unparsable file, …).
    pub errors: Vec<String>,
}

/// A failure to read the next batch of votes (a corrupt bundle file, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("reading votes: {0}")]
pub struct VoteSourceError(pub String);

/// Streams an election's votes in batches, in list order.
pub trait VoteSource: Send + Sync {
    /// The next batch, `None` once every vote was yielded.
    fn next_batch(&mut self) -> Option<Result<Vec<VoteEvidence>, VoteSourceError>>;
}

/// Votes held in memory (tests, small elections), yielded `batch_size` at a time.
pub struct InMemoryVotes {
    votes: std::vec::IntoIter<VoteEvidence>,
    batch_size: usize,
}

impl InMemoryVotes {
    pub fn new(votes: Vec<VoteEvidence>, batch_size: usize) -> Self {
        InMemoryVotes {
            votes: votes.into_iter(),
            batch_size: batch_size.max(1),
        }
    }
}

impl VoteSource for InMemoryVotes {
    fn next_batch(&mut self) -> Option<Result<Vec<VoteEvidence>, VoteSourceError>> {
        let batch: Vec<VoteEvidence> = self.votes.by_ref().take(self.batch_size).collect();
        (!batch.is_empty()).then_some(Ok(batch))
    }
}

/// Something the fetcher could not obtain, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub subject: GapSubject,
    pub kind: GapKind,
    /// The election concerned, for audit-level gaps (SaaS question → missing election).
    pub election_id: Option<String>,
    pub vote_id: Option<String>,
    pub tx_hash: Option<String>,
    /// What the source answered or what went wrong, e.g. `HTTP 204 code 4007`.
    pub reason: String,
}

/// What is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GapSubject {
    Election,
    VoteList,
    VoteCount,
    VoteDetail,
    Transaction,
    Keys,
    Scrutiny,
    CensusDump,
    Metadata,
    Block,
    SaasProcess,
    SaasResults,
}

impl GapSubject {
    /// Without this data the tally cannot be recomputed, so the audit is incomplete.
    pub fn blocks_recomputation(self) -> bool {
        matches!(
            self,
            GapSubject::Election | GapSubject::VoteList | GapSubject::VoteDetail | GapSubject::Keys
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GapSubject::Election => "election",
            GapSubject::VoteList => "vote list",
            GapSubject::VoteCount => "vote count",
            GapSubject::VoteDetail => "vote detail",
            GapSubject::Transaction => "transaction",
            GapSubject::Keys => "election keys",
            GapSubject::Scrutiny => "scrutiny",
            GapSubject::CensusDump => "census dump",
            GapSubject::Metadata => "metadata",
            GapSubject::Block => "block",
            GapSubject::SaasProcess => "SaaS process",
            GapSubject::SaasResults => "SaaS results",
        }
    }
}

/// Why it is missing: the source said so, or it could not be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GapKind {
    /// The source answered that it does not have it (404, 204, an empty page it promised):
    /// published data that is not served is a discrepancy.
    NotServed,
    /// It could not be obtained (network, timeouts after retries): nothing is proven either way.
    Unreachable,
}

/// Where the evidence came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saas: Option<String>,
    /// SaaS process id, when the audit started from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<String>,
}

/// The evidence bundle the audit was computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleInfo {
    /// sha256 of the bundle's manifest.json, hex.
    pub manifest_sha256: String,
    pub files: u64,
    /// When the fetch finished (RFC 3339).
    #[serde(default)]
    pub fetched_at: String,
}

/// Where a finding is: always the election, plus whatever narrows it down.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// 64-hex election id.
    pub election_id: String,
    /// Vote id (nullifier), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote_id: Option<String>,
    /// Transaction hash, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<String>,
    /// Results cell `[question, value]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<[usize; 2]>,
    /// Encryption key index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_index: Option<u32>,
}

impl Location {
    /// A location naming only the election.
    pub fn election(election_id: impl Into<String>) -> Self {
        Location {
            election_id: election_id.into(),
            ..Default::default()
        }
    }
}
