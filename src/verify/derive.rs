//! The per-vote derivation stage, computed once per vote and shared by every check.
//!
//! In the node's order of acceptance (vocdoni-node:vochain/transaction/vote_tx.go) it decodes the
//! transaction JSON, finds the byte encoding whose sha256 is the published txHash, recovers the
//! signer over the vote template with the election's chain id, derives the nullifier, checks the
//! census proof and the weight it grants, decrypts the package and decodes and validates the
//! ballot (vochain/results). Each step records its result or the reason it could not run, so a
//! check reads the step instead of recomputing it.

use num_bigint::BigUint;

use crate::api::node::VoteDetail;
use crate::protocol::hash::{Address, Hash32};
use crate::protocol::hex_bytes;
use crate::verify::context::{normal_hex, parse_time, ElectionContext};
use crate::verify::evidence::VoteEvidence;
use crate::verify::result::Location;

/// The outcome of one derivation step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<T> {
    /// The step ran and produced this.
    Done(T),
    /// The step ran and the data contradicts the protocol: a discrepancy.
    Bad(String),
    /// The step could not reproduce the node's behaviour exactly: "cannot verify".
    Unverifiable(String),
    /// The step did not run: not applicable, or a prerequisite is missing (the reason says which).
    NotRun(String),
}

impl DerivedVote {
    pub fn key_indexes(&self) -> &[u32] {
        &self.key_indexes
    }
}

impl<T> Step<T> {
    pub fn done(&self) -> Option<&T> {
        match self {
            Step::Done(t) => Some(t),
            _ => None,
        }
    }

    /// The reason a step that did not produce a value gives, for the steps that depend on it.
    pub fn why_not(&self) -> Option<&str> {
        match self {
            Step::Done(_) => None,
            Step::Bad(m) | Step::Unverifiable(m) | Step::NotRun(m) => Some(m),
        }
    }
}

/// The package the node served in `/votes/{id}`.
#[derive(Debug, Clone, PartialEq)]
pub enum ServedPackage {
    /// A JSON package (plaintext, or decrypted by the node with the revealed keys).
    Json(serde_json::Value),
    /// `{"encrypted": "<base64>"}`: the node could not decrypt it.
    Encrypted(String),
}

/// A vote's ballot as the tally sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// The decoded values (Go `int`).
    pub values: Vec<i64>,
    /// Whether the node counts it; otherwise why it skips it (the node's own reason).
    pub counted: Result<(), String>,
    /// Values outside `[0, 2^32)`: the node's behaviour is undefined there (vochain-api.md §2.8).
    pub out_of_safe_range: bool,
}

/// Everything derived from one listed vote.
#[derive(Debug, Clone)]
pub struct DerivedVote {
    /// Election, vote id and tx hash, for every finding about this vote.
    pub location: Location,
    /// The decoded vote id (nullifier).
    pub vote_id: Step<Vec<u8>>,
    /// The published voter address (`voterID`), if any.
    pub voter: Step<Address>,
    /// Block time of the (last) envelope, unix seconds.
    pub time: Step<i64>,
    pub overwrite_count: Option<u32>,
    /// Problems the loader met reading this vote.
    pub evidence_errors: Vec<String>,
    /// The weight the node stored (`/votes/{id}.weight`).
    pub stored_weight: Step<BigUint>,
    pub served_package: Step<ServedPackage>,
    /// The key indexes the vote was encrypted with: the envelope's, else the node's
    /// `encryptionKeys`.
    pub key_indexes: Vec<u32>,
    /// The envelope's processId equals the election.
    pub envelope_election: Step<()>,
    /// The transaction bytes whose sha256 equals txHash, and which client encoding matched.
    pub tx_bytes: Step<MatchedTx>,
    /// The signer recovered over the vote template.
    pub signer: Step<Address>,
    /// keccak256(signer ‖ electionId).
    pub nullifier: Step<Hash32>,
    /// The census proof verified; the weight it grants.
    pub census: Step<CensusGrant>,
    /// The plaintext package from the transaction (decrypted when encrypted).
    pub package: Step<Vec<u8>>,
    pub ballot: Step<Ballot>,
}

/// The transaction bytes as the client signed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedTx {
    /// `SignedTx.tx` exactly as broadcast.
    pub tx: Vec<u8>,
    /// Which known encoding reproduced txHash.
    pub encoding: &'static str,
}

/// What a verified census proof grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusGrant {
    pub weight: BigUint,
    pub proof: ProofKind,
}

/// Which census proof a vote carried, with what only that kind tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofKind {
    /// An arbo Merkle proof; whether its leaf is in the census dump (`None`: no dump).
    Arbo { in_dump: Option<bool> },
    /// A CSP signature; `legacy_salt` when salted with processId[:20] only, which binds the
    /// organisation and not the election (vocdoni-node#1424).
    Csp { legacy_salt: bool },
}

/// Runs every derivation step for one vote.
pub fn derive(ctx: &ElectionContext, ev: VoteEvidence) -> DerivedVote {
    let VoteEvidence {
        row,
        detail,
        tx: _tx,
        errors,
    } = ev;
    let vote_id_hex = detail
        .as_ref()
        .map(|d| d.vote_id.as_str())
        .or(row.as_ref().map(|r| r.vote_id.as_str()))
        .map(normal_hex);
    let tx_hash_hex = detail
        .as_ref()
        .map(|d| d.tx_hash.as_str())
        .filter(|h| !h.is_empty())
        .or(row.as_ref().map(|r| r.tx_hash.as_str()))
        .filter(|h| !h.is_empty())
        .map(normal_hex);
    let location = Location {
        vote_id: vote_id_hex.clone(),
        tx_hash: tx_hash_hex,
        ..ctx.at()
    };
    let vote_id = match &vote_id_hex {
        None => Step::NotRun("the vote has neither a list row nor a detail".into()),
        Some(h) => match hex_bytes::decode("voteID", h) {
            Ok(b) if b.len() == 31 || b.len() == 32 => Step::Done(b),
            Ok(b) => Step::Bad(format!("voteID is {} bytes, not 32", b.len())),
            Err(e) => Step::Bad(e.to_string()),
        },
    };
    let voter_hex = detail
        .as_ref()
        .and_then(|d| d.voter_id.clone())
        .or(row.as_ref().and_then(|r| r.voter_id.clone()));
    let voter = match voter_hex {
        None => Step::NotRun("the node publishes no voterID for this vote".into()),
        Some(h) => match hex_bytes::decode_array::<20>("voterID", &h) {
            Ok(a) => Step::Done(a),
            Err(e) => Step::Bad(e.to_string()),
        },
    };
    let time_str = detail
        .as_ref()
        .map(|d| d.date.clone())
        .filter(|d| !d.is_empty())
        .or(row.as_ref().and_then(|r| r.block_time.clone()));
    let time = match time_str {
        None => Step::NotRun("the node publishes no block time for this vote".into()),
        Some(s) => match parse_time("vote date", &s) {
            Ok(t) => Step::Done(t.timestamp()),
            Err(e) => Step::Bad(e),
        },
    };
    let stored_weight = match &detail {
        None => Step::NotRun("no vote detail".into()),
        Some(d) => parse_weight(&d.weight),
    };
    let served_package = match &detail {
        None => Step::NotRun("no vote detail".into()),
        Some(d) => served_package(d),
    };
    DerivedVote {
        location,
        vote_id,
        voter,
        time,
        overwrite_count: detail.as_ref().map(|d| d.overwrite_count),
        evidence_errors: errors,
        stored_weight,
        served_package,
        key_indexes: detail
            .as_ref()
            .map(|d| d.encryption_keys.clone())
            .unwrap_or_default(),
        envelope_election: not_yet(),
        tx_bytes: not_yet(),
        signer: not_yet(),
        nullifier: not_yet(),
        census: not_yet(),
        package: not_yet(),
        ballot: not_yet(),
    }
}

/// The node's decimal weight string (`types.BigInt`).
fn parse_weight(s: &str) -> Step<BigUint> {
    match s.parse::<BigUint>() {
        Ok(w) => Step::Done(w),
        Err(_) => Step::Bad(format!("stored weight {s:?} is not a decimal integer")),
    }
}

fn served_package(d: &VoteDetail) -> Step<ServedPackage> {
    match serde_json::from_str::<serde_json::Value>(d.package.get()) {
        Err(e) => Step::Bad(format!("the served package is not JSON: {e}")),
        Ok(v) => match v.as_object().and_then(|o| {
            (o.len() == 1)
                .then(|| o.get("encrypted"))
                .flatten()
                .and_then(|e| e.as_str())
        }) {
            Some(b64) => Step::Done(ServedPackage::Encrypted(b64.to_string())),
            None => Step::Done(ServedPackage::Json(v)),
        },
    }
}

fn not_yet<T>() -> Step<T> {
    Step::NotRun("derivation not implemented".into())
}
