//! The per-vote derivation stage, computed once per vote and shared by every check.
//!
//! In the node's order of acceptance (vocdoni-node:vochain/transaction/vote_tx.go) it decodes the
//! transaction JSON, finds the byte encoding whose sha256 is the published txHash, recovers the
//! signer over the vote template with the election's chain id, derives the nullifier, checks the
//! census proof and the weight it grants, decrypts the package and decodes and validates the
//! ballot (vochain/results). Each step records its result or the reason it could not run, so a
//! check reads the step instead of recomputing it.

use num_bigint::BigUint;
use rayon::prelude::*;

use crate::api::node::{TransactionResponse, VoteDetail};
use crate::bundle::evidence::VoteEvidence;
use crate::protocol::arbo::dump::{value_to_weight, weighted_census_key};
use crate::protocol::arbo::proof::check_proof;
use crate::protocol::arbo::HashKind;
use crate::protocol::ballot::{check_package, BallotVerdict};
use crate::protocol::csp::{verify_ca_proof, CaProof, CaProofType, CspOutcome, SaltRule};
use crate::protocol::hash::{Address, Hash32};
use crate::protocol::hex_bytes;
use crate::protocol::identity;
use crate::protocol::proto::{
    CensusOrigin, ProofArbo, ProofCa, ProofPayload, ProofZkSnark, ProtoEnum, Tx, TxPayload,
    VoteEnvelope,
};
use crate::protocol::sealed_box::{open_layers, LayeredOpenError};
use crate::protocol::tally::parse_decimal;
use crate::protocol::tx::{
    decode_tx_json, encode_signed_tx, encode_tx, reproduce_tx_bytes, tx_hash, ClientEncoding,
    Reproduction,
};
use crate::protocol::zk::batch::{batch_holds, BatchItem};
use crate::protocol::zk::field::fr_to_minimal_be;
use crate::protocol::zk::registry::SignalLayout;
use crate::protocol::zk::{bytes_to_arbo_split, parse_public_signals, CircuitKey, Fr, Proof};
use crate::verify::context::{normal_hex, parse_time, CensusKind, ElectionContext};
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
    /// The same outcome for a step that depends on this one and could not run without it.
    pub fn relay<U>(&self) -> Step<U> {
        match self {
            Step::Done(_) => Step::NotRun("prerequisite produced no value".into()),
            Step::Bad(m) => Step::Bad(m.clone()),
            Step::Unverifiable(m) => Step::Unverifiable(m.clone()),
            Step::NotRun(m) => Step::NotRun(m.clone()),
        }
    }

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
    /// Block height of the (last) envelope; `None` when neither the detail nor the list row
    /// gives one (the node's JSON omits it as 0).
    pub block_height: Option<u64>,
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
    /// An anonymous vote's Groth16 proof and public signals (anonymous elections only).
    pub zk: Step<ZkVote>,
    /// The package from the transaction, decrypted when encrypted.
    pub package: Step<Package>,
    pub ballot: Step<Ballot>,
}

/// The package of a vote's transaction as the tally sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Package {
    /// The plaintext package bytes.
    Plain(Vec<u8>),
    /// Encrypted and, by the protocol's rules, undecryptable (a key index out of range, a layer
    /// that does not open): the node skips the ballot.
    Undecryptable(String),
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

/// An anonymous vote's proof as its envelope carries it (vochain-zk.md §2.1, §3.2).
#[derive(Debug, Clone, PartialEq)]
pub struct ZkVote {
    pub proof: Proof,
    /// The public signals, canonical decimals below r, as many as the layout has.
    pub signals: Vec<Fr>,
    /// The signal order of the circuit in force at the vote's height (v0.0.1 before the
    /// chain's Voceremony fork, v1.0.0 after; a trusted key uses v1.0.0's).
    pub layout: SignalLayout,
    /// The vote's height, 0 when the node gives none.
    pub height: u64,
    /// Which rule the voteHash signals follow for the envelope's `votePackage`.
    pub vote_hash: VoteHashRule,
    /// The proof verified, and under which key ([`check_zk_proofs`] sets it).
    pub verified: Step<VerifiedBy>,
}

impl ZkVote {
    /// The signal at `index` of the layout, or zero when the list is short (never: the signals
    /// are parsed with the layout's count).
    pub fn signal(&self, index: usize) -> Fr {
        self.signals.get(index).copied().unwrap_or_default()
    }
}

/// The key an anonymous vote's proof verified under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBy {
    /// The key's name (`Vocdoni census circuit v1.0.0`, `trusted key PATH`).
    pub key: String,
    /// One of Vocdoni's embedded keys (otherwise a key the user trusted with `--zk-key`).
    pub vocdoni: bool,
    /// sha256 of the key's JSON, hex.
    pub sha256: String,
}

/// How an anonymous vote's voteHash signals relate to the package its envelope carries
/// (vochain-zk.md §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteHashRule {
    /// `split(sha256(votePackage))`: the current rule (Go client; SDK since 2024-02-28).
    Package,
    /// `split(sha256(votePackage without its leading zero bytes))`: the SDK's BigInt round trip
    /// drops them (about 1 in 256 encrypted packages).
    PackageWithoutLeadingZeros,
    /// `split(sha256(weight's minimal big-endian bytes))`: the legacy rule of clients before
    /// 2024-02-28 (vocdoni-node#1252).
    LegacyWeight,
    /// None of them: the hash proved is of another package.
    Mismatch {
        /// sha256 of the envelope's package, hex.
        package_sha256: String,
    },
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
        tx,
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
        tx_hash: tx_hash_hex.clone(),
        ..ctx.at()
    };
    let vote_id = match &vote_id_hex {
        None => Step::NotRun("the vote has neither a list row nor a detail".into()),
        Some(h) => match hex_bytes::decode("voteID", h) {
            Ok(b) if b.len() == 31 || b.len() == 32 => Step::Done(b),
            // An anonymous vote's id is the nullifier's minimal big-endian bytes.
            Ok(b) if ctx.election.vote_mode.anonymous && !b.is_empty() && b.len() <= 32 => {
                Step::Done(b)
            }
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

    // The transaction: decoded, then its broadcast bytes recovered from the published hash.
    let decoded = decode_vote_tx(tx.as_ref());
    let envelope = decoded.as_ref().map(|t| &t.envelope);
    let key_indexes = match envelope {
        Ok(env) => env.encryption_key_indexes.clone(),
        Err(_) => detail
            .as_ref()
            .map(|d| d.encryption_keys.clone())
            .unwrap_or_default(),
    };
    let envelope_election = match (envelope, &ctx.id) {
        (Err(why), _) => why.clone(),
        (_, Err(e)) => Step::NotRun(format!("election id: {e}")),
        (Ok(env), Ok(id)) if env.process_id.as_slice() == id.as_slice() => Step::Done(()),
        (Ok(env), Ok(_)) => Step::Bad(format!(
            "the envelope names election {}",
            hex::encode(&env.process_id)
        )),
    };
    let tx_bytes = match (&decoded, &tx_hash_hex) {
        (Err(why), _) => why.relay(),
        (_, None) => Step::NotRun("the node publishes no txHash".into()),
        (Ok(t), Some(h)) => match_tx_bytes(ctx, t, h, &voter),
    };
    let signer = match (&decoded, &tx_bytes) {
        _ if ctx.election.vote_mode.anonymous => Step::NotRun("anonymous vote".into()),
        (Ok(t), Step::Done(m)) => recover_signer(ctx, t, m),
        (_, other) => Step::NotRun(format!(
            "skipped, the signed bytes are not known: {}",
            other.why_not().unwrap_or_default()
        )),
    };
    let nullifier = match (&voter, &ctx.id) {
        (Step::Done(address), Ok(id)) => Step::Done(identity::nullifier(address, id)),
        (_, Err(e)) => Step::NotRun(format!("election id: {e}")),
        (other, _) => Step::NotRun(other.why_not().unwrap_or_default().to_string()),
    };
    // Census proofs are checked for the published voterID (the recovered signer when none is
    // published); V-SIG-01 ties the two together, so each defect fails in one place only.
    let address = match (&voter, &signer) {
        (Step::Done(a), _) | (_, Step::Done(a)) => Step::Done(*a),
        (other, _) => other.clone(),
    };
    let census = match envelope {
        Err(why) => why.relay(),
        Ok(env) => census_grant(ctx, env, &address),
    };
    let block_height = detail
        .as_ref()
        .map(|d| d.block_height)
        .or(row.as_ref().map(|r| r.block_height))
        .filter(|h| *h > 0);
    let zk = match envelope {
        _ if ctx.census_kind() != CensusKind::Zk => {
            Step::NotRun("not an anonymous election".into())
        }
        Err(why) => why.relay(),
        Ok(env) => zk_vote(ctx, env, block_height.unwrap_or(0)),
    };
    let package = match envelope {
        Err(why) => why.relay(),
        Ok(env) => open_package(ctx, env),
    };
    let ballot = ballot(ctx, &package, &served_package, &stored_weight);
    DerivedVote {
        location,
        vote_id,
        voter,
        time,
        block_height,
        overwrite_count: detail.as_ref().map(|d| d.overwrite_count),
        evidence_errors: errors,
        stored_weight,
        served_package,
        key_indexes,
        envelope_election,
        tx_bytes,
        signer,
        nullifier,
        census,
        zk,
        package,
        ballot,
    }
}

/// Reads an anonymous vote's `ProofZkSNARK`: the proof points, the public signals (go-rapidsnark's
/// rules: the layout's count of canonical decimals below r) and the voteHash rule they follow.
fn zk_vote(ctx: &ElectionContext, env: &VoteEnvelope, height: u64) -> Step<ZkVote> {
    let Some(ProofPayload::ZkSnark(zk)) = env.proof.as_ref().and_then(|p| p.payload.as_ref())
    else {
        return Step::Bad("the anonymous vote carries no zkSnark proof".into());
    };
    let circuits = match &ctx.circuits {
        Ok(c) => c,
        Err(e) => return Step::Unverifiable(format!("circuit keys: {e}")),
    };
    let layout = circuits
        .vocdoni_key_at(&ctx.election.chain_id, height)
        .layout();
    let ProofZkSnark {
        a,
        b,
        c,
        public_inputs,
        ..
    } = zk;
    let proof = match Proof::from_protobuf(a, b, c) {
        Ok(p) => p,
        Err(e) => return Step::Bad(format!("zkSnark proof: {e}")),
    };
    let signals = match parse_public_signals(public_inputs, SignalLayout::COUNT) {
        Ok(s) => s,
        Err(e) => return Step::Bad(format!("zkSnark public inputs: {e}")),
    };
    let at = layout.indices();
    let proved = [signals[at.vote_hash[0]], signals[at.vote_hash[1]]];
    let vote_hash = vote_hash_rule(&env.vote_package, proved, &signals[at.weight]);
    Step::Done(ZkVote {
        proof,
        signals,
        layout,
        height,
        vote_hash,
        verified: Step::NotRun("the proof was not verified".into()),
    })
}

/// Which rule the `proved` voteHash signals follow for `package` (vochain-zk.md §3.3): the
/// package's hash, the SDK's hash of the package without its leading zero bytes, or the legacy
/// hash of the weight's minimal big-endian bytes.
fn vote_hash_rule(package: &[u8], proved: [Fr; 2], weight: &Fr) -> VoteHashRule {
    let trimmed = &package[package.iter().take_while(|b| **b == 0).count()..];
    if bytes_to_arbo_split(package) == proved {
        VoteHashRule::Package
    } else if trimmed.len() < package.len() && bytes_to_arbo_split(trimmed) == proved {
        VoteHashRule::PackageWithoutLeadingZeros
    } else if bytes_to_arbo_split(&fr_to_minimal_be(weight)) == proved {
        VoteHashRule::LegacyWeight
    } else {
        VoteHashRule::Mismatch {
            package_sha256: hex::encode(crate::protocol::hash::sha256(&[package])),
        }
    }
}

/// Verifies the Groth16 proofs of a batch of an election's anonymous votes and records, on each,
/// the key it verified under.
///
/// Candidate keys are Vocdoni's key in force at each vote's height, then every key the user
/// trusted, in that order (vochain-zk.md §3.1). For each candidate, the proofs not yet verified
/// are tested together with one random linear combination ([`batch_holds`], OS randomness: the
/// coefficients must be unpredictable to whoever made the proofs); only when no batch holds is
/// each remaining proof checked on its own under every candidate, which locates the bad ones.
pub fn check_zk_proofs(ctx: &ElectionContext, votes: &mut [DerivedVote]) {
    let Ok(circuits) = &ctx.circuits else {
        return;
    };
    let chain = ctx.election.chain_id.as_str();
    let unknown_circuit = ctx.unknown_node_circuit();
    // Votes whose proof parsed, grouped by the candidate keys of their height.
    let mut by_candidates: Vec<(Vec<&CircuitKey>, Vec<usize>)> = Vec::new();
    for (i, vote) in votes.iter().enumerate() {
        let Some(zk) = vote.zk.done() else {
            continue;
        };
        let keys = circuits.keys_at(chain, zk.height);
        match by_candidates.iter_mut().find(|(k, _)| {
            k.len() == keys.len() && k.iter().zip(&keys).all(|(a, b)| std::ptr::eq(*a, *b))
        }) {
            Some((_, group)) => group.push(i),
            None => by_candidates.push((keys, vec![i])),
        }
    }
    let mut outcome: Vec<(usize, Step<VerifiedBy>)> = Vec::new();
    for (keys, group) in by_candidates {
        let mut left = group;
        for key in &keys {
            if left.is_empty() {
                break;
            }
            let items: Vec<BatchItem<'_>> = left
                .iter()
                .filter_map(|&i| votes[i].zk.done().map(|z| (&z.proof, z.signals.as_slice())))
                .collect();
            if batch_holds(key.key(), &items, &mut rand::rngs::OsRng).unwrap_or(false) {
                outcome.extend(left.drain(..).map(|i| (i, Step::Done(verified_by(key)))));
            }
        }
        // No batch held for these: each on its own, under every candidate.
        let singles: Vec<(usize, Step<VerifiedBy>)> = left
            .par_iter()
            .map(|&i| {
                let Some(z) = votes[i].zk.done() else {
                    return (i, Step::NotRun("no proof".into()));
                };
                let found = keys
                    .iter()
                    .find(|k| k.key().verify(&z.proof, &z.signals).unwrap_or(false));
                let step = match (found, &unknown_circuit) {
                    (Some(k), _) => Step::Done(verified_by(k)),
                    (None, Some((version, hash))) => Step::Unverifiable(format!(
                        "the proof verifies under none of the keys vocaudit holds, and the node \
                         says it verifies with circuit {version:?} (verifying key sha256 {hash}), \
                         which vocaudit does not hold"
                    )),
                    (None, None) => Step::Bad(format!(
                        "the Groth16 proof does not verify under {}",
                        keys.iter()
                            .map(|k| k.name())
                            .collect::<Vec<_>>()
                            .join(" nor ")
                    )),
                };
                (i, step)
            })
            .collect();
        outcome.extend(singles);
    }
    for (i, step) in outcome {
        if let Step::Done(z) = &mut votes[i].zk {
            z.verified = step;
        }
    }
}

fn verified_by(key: &CircuitKey) -> VerifiedBy {
    VerifiedBy {
        key: key.name(),
        vocdoni: key.is_vocdoni(),
        sha256: hex::encode(key.sha256()),
    }
}

/// A vote transaction as the node serves it, decoded.
struct VoteTx {
    envelope: VoteEnvelope,
    tx: Tx,
    signature: Vec<u8>,
    /// Members the protocol model does not know; they make the bytes unreproducible.
    ignored_fields: Vec<String>,
}

fn decode_vote_tx(tx: Option<&TransactionResponse>) -> Result<VoteTx, Step<()>> {
    let Some(tx) = tx else {
        return Err(Step::NotRun("no transaction".into()));
    };
    let value: serde_json::Value = serde_json::from_str(tx.tx.get())
        .map_err(|e| Step::Bad(format!("transaction JSON: {e}")))?;
    let decoded = decode_tx_json(&value).map_err(|e| Step::Bad(format!("transaction: {e}")))?;
    let signature =
        hex_bytes::decode("signature", &tx.signature).map_err(|e| Step::Bad(e.to_string()))?;
    let envelope = match &decoded.tx.payload {
        Some(TxPayload::Vote(env)) => env.clone(),
        _ => return Err(Step::Bad("the transaction is not a vote".into())),
    };
    Ok(VoteTx {
        envelope,
        tx: decoded.tx,
        signature,
        ignored_fields: decoded.ignored_fields,
    })
}

/// Finds the client encoding whose SignedTx hashes to the published txHash (vochain-api.md §5.2a).
///
/// When none does, the signature may still pin the bytes: if the voter's signature recovers to
/// the published voterID over one known encoding, those are the bytes the voter signed and
/// broadcast (`SignedTx` itself has one encoding), so a hash that differs is a discrepancy.
/// Otherwise the encoding is unknown and the hash "cannot verify".
fn match_tx_bytes(
    ctx: &ElectionContext,
    tx: &VoteTx,
    tx_hash_hex: &str,
    voter: &Step<Address>,
) -> Step<MatchedTx> {
    let published = match hex_bytes::decode_array::<32>("txHash", tx_hash_hex) {
        Ok(h) => h,
        Err(e) => return Step::Bad(e.to_string()),
    };
    match reproduce_tx_bytes(&tx.tx, &tx.signature, &published) {
        Reproduction::Reproduced(r) => Step::Done(MatchedTx {
            tx: r.tx_bytes,
            encoding: client_name(r.encoding.client),
        }),
        Reproduction::CannotReproduce { tried } => {
            if let Some((client, signed)) = signed_encoding(ctx, tx, voter) {
                return Step::Bad(format!(
                    "the voter's signature covers the {} encoding, whose SignedTx hashes to {}, \
                     not to txHash",
                    client_name(client),
                    hex::encode(tx_hash(&encode_signed_tx(&signed, Some(&tx.signature))))
                ));
            }
            let unknown = if tx.ignored_fields.is_empty() {
                String::new()
            } else {
                format!(
                    "; the transaction has members vocaudit does not model: {}",
                    tx.ignored_fields.join(", ")
                )
            };
            Step::Unverifiable(format!(
                "no known client encoding hashes to txHash ({} tried){unknown}",
                tried.len()
            ))
        }
    }
}

fn client_name(client: ClientEncoding) -> &'static str {
    match client {
        ClientEncoding::GoCanonical => "Go proto.Marshal",
        ClientEncoding::TsProto => "ts-proto (@vocdoni/proto)",
    }
}

/// The known encoding (and its `Tx` bytes) over which the vote's signature recovers to the
/// published voterID, if any; `None` for anonymous votes or when no voterID is published.
fn signed_encoding(
    ctx: &ElectionContext,
    tx: &VoteTx,
    voter: &Step<Address>,
) -> Option<(ClientEncoding, Vec<u8>)> {
    let (Step::Done(voter), Ok(id)) = (voter, &ctx.id) else {
        return None;
    };
    if ctx.election.vote_mode.anonymous || tx.signature.is_empty() {
        return None;
    }
    [ClientEncoding::GoCanonical, ClientEncoding::TsProto]
        .into_iter()
        .map(|client| (client, encode_tx(&tx.tx, client)))
        .find(|(_, bytes)| {
            let message = identity::vote_tx_message(id, bytes, &ctx.election.chain_id);
            identity::recover_eip191(message.as_bytes(), &tx.signature)
                .is_ok_and(|public| identity::address_of(&public) == *voter)
        })
}

/// Verifies the envelope's census proof and returns the weight it grants (vochain-api.md §2.6,
/// §4.3, §4.5).
fn census_grant(
    ctx: &ElectionContext,
    env: &VoteEnvelope,
    voter: &Step<Address>,
) -> Step<CensusGrant> {
    let Some(payload) = env.proof.as_ref().and_then(|p| p.payload.as_ref()) else {
        return Step::Bad("the envelope carries no census proof".into());
    };
    match (ctx.census_kind(), payload) {
        (CensusKind::Arbo, ProofPayload::Arbo(proof)) => arbo_grant(ctx, proof, voter),
        (CensusKind::Csp, ProofPayload::Ca(proof)) => csp_grant(ctx, env, proof, voter),
        (CensusKind::Zk, _) => Step::NotRun(
            "anonymous vote: its census membership and weight are the zk proof's (V-ZK checks)"
                .into(),
        ),
        (CensusKind::Other(origin), _) => {
            Step::NotRun(format!("census proofs of {origin} are not verified"))
        }
        (kind, _) => Step::Bad(format!("the proof does not fit a {kind}")),
    }
}

/// EIP-191 recovery over the vote template (vocdoni-node:crypto/ethereum/vocdoni_tx.go).
fn recover_signer(ctx: &ElectionContext, tx: &VoteTx, matched: &MatchedTx) -> Step<Address> {
    let id = match &ctx.id {
        Ok(id) => id,
        Err(e) => return Step::NotRun(format!("election id: {e}")),
    };
    let message = identity::vote_tx_message(id, &matched.tx, &ctx.election.chain_id);
    match identity::recover_eip191(message.as_bytes(), &tx.signature) {
        Ok(public) => Step::Done(identity::address_of(&public)),
        Err(e) => Step::Bad(format!("signature does not recover: {e}")),
    }
}

/// cspproof.go: the bundle names the signer and the envelope's election, and the CSP signature
/// verifies against the census key; weight = big-endian `voteWeight`, 1 when absent.
fn csp_grant(
    ctx: &ElectionContext,
    env: &VoteEnvelope,
    proof: &ProofCa,
    voter: &Step<Address>,
) -> Step<CensusGrant> {
    let Some(bundle) = &proof.bundle else {
        return Step::Bad("the CSP proof carries no bundle".into());
    };
    if let Step::Done(address) = voter {
        if bundle.address.as_slice() != address.as_slice() {
            return Step::Bad(format!(
                "the CSP bundle names {} but the voter is {}",
                hex::encode(&bundle.address),
                hex::encode(address)
            ));
        }
    }
    if bundle.process_id != env.process_id {
        return Step::Bad(format!(
            "the CSP bundle names election {}",
            hex::encode(&bundle.process_id)
        ));
    }
    let Ok(process_id) = <[u8; 32]>::try_from(env.process_id.as_slice()) else {
        return Step::Bad("the envelope's processId is not 32 bytes".into());
    };
    let root = match hex_bytes::decode("census.censusRoot", &ctx.election.census.census_root) {
        Ok(r) => r,
        Err(e) => return Step::Bad(e.to_string()),
    };
    let origin = CensusOrigin::value_of(&ctx.election.census.census_origin).unwrap_or(0);
    let ca = CaProof {
        proof_type: proof.r#type,
        bundle_bytes: &bundle.signed_bytes(),
        bundle_vote_weight: bundle.vote_weight.as_deref(),
        signature: &proof.signature,
    };
    match verify_ca_proof(&ca, &root, &process_id, origin as u8) {
        CspOutcome::Valid => {}
        CspOutcome::Invalid(e) => return Step::Bad(format!("CSP proof: {e}")),
        CspOutcome::NotVerifiable(e) => return Step::Unverifiable(format!("CSP proof: {e}")),
    }
    let legacy_salt = SaltRule::for_census_origin(origin as u8) == Some(SaltRule::LegacyProcessId)
        && matches!(
            CaProofType::from_proto(proof.r#type),
            Some(CaProofType::EcdsaPidSalted | CaProofType::EcdsaBlindPidSalted)
        );
    let weight = match &bundle.vote_weight {
        Some(w) => BigUint::from_bytes_be(w),
        None => BigUint::from(1u8),
    };
    Step::Done(CensusGrant {
        weight,
        proof: ProofKind::Csp { legacy_salt },
    })
}

/// arbo `CheckProof` with key `blake2b256(address)[:20]` and the leaf value as sent; weight =
/// `voteWeight` (little-endian) when set and ≤ `availableWeight`, else `availableWeight`, 1 when
/// empty (arboproof.go).
fn arbo_grant(
    ctx: &ElectionContext,
    proof: &ProofArbo,
    voter: &Step<Address>,
) -> Step<CensusGrant> {
    let address = match voter {
        Step::Done(a) => a,
        other => {
            return Step::NotRun(format!(
                "no voter address: {}",
                other.why_not().unwrap_or_default()
            ))
        }
    };
    let root = match &ctx.census_root {
        Ok(r) => r,
        Err(e) => return Step::Bad(e.clone()),
    };
    let key = weighted_census_key(address);
    match check_proof(
        HashKind::Blake2b,
        &key,
        &proof.available_weight,
        root,
        &proof.siblings,
    ) {
        Err(e) => return Step::Bad(format!("census proof: {e}")),
        // A dynamic census may have changed its root since the vote (SET_PROCESS_CENSUS); only
        // the latest root is published, so a proof for an earlier one cannot be judged.
        Ok(false) if ctx.election.election_mode.dynamic_census => {
            return Step::Unverifiable(
                "the proof does not verify against the current censusRoot of this dynamic census"
                    .into(),
            )
        }
        Ok(false) => {
            return Step::Bad("the census proof does not verify against censusRoot".into())
        }
        Ok(true) => {}
    }
    let available = if proof.available_weight.is_empty() {
        BigUint::from(1u8)
    } else {
        value_to_weight(&proof.available_weight)
    };
    let weight = if proof.vote_weight.is_empty() {
        available
    } else {
        let partial = value_to_weight(&proof.vote_weight);
        if partial > available {
            return Step::Bad(format!(
                "voteWeight {partial} exceeds the available weight {available}"
            ));
        }
        partial
    };
    let in_dump = match &ctx.dump {
        Some(Ok(d)) => {
            Some(d.leaves.get(key.as_slice()) == Some(proof.available_weight.as_slice()))
        }
        _ => None,
    };
    Step::Done(CensusGrant {
        weight,
        proof: ProofKind::Arbo { in_dump },
    })
}

/// The package bytes the state stores for the vote: as sent, or opened with the revealed keys in
/// reverse index order (vocdoni-node:vochain/results/compute.go: `unmarshalVote`).
fn open_package(ctx: &ElectionContext, env: &VoteEnvelope) -> Step<Package> {
    if !ctx.encrypted() {
        return Step::Done(Package::Plain(env.vote_package.clone()));
    }
    if let Some(index) = env
        .encryption_key_indexes
        .iter()
        .find(|i| ctx.mismatched_keys.contains(i))
    {
        return Step::Unverifiable(format!(
            "key index {index}: the revealed private key does not derive its public key, so the \
             key the node decrypted with is unknown"
        ));
    }
    match open_layers(
        &env.vote_package,
        &env.encryption_key_indexes,
        &ctx.revealed,
    ) {
        Ok(plain) => Step::Done(Package::Plain(plain)),
        Err(e @ LayeredOpenError::NotRevealed { .. }) => Step::NotRun(e.to_string()),
        Err(e) => Step::Done(Package::Undecryptable(e.to_string())),
    }
}

/// Decodes and validates the ballot as the tally does. The transaction's package is
/// authoritative; without it, the package the node served (plaintext or node-decrypted).
fn ballot(
    ctx: &ElectionContext,
    package: &Step<Package>,
    served: &Step<ServedPackage>,
    weight: &Step<BigUint>,
) -> Step<Ballot> {
    let Step::Done(weight) = weight else {
        return Step::NotRun(format!(
            "no stored weight: {}",
            weight.why_not().unwrap_or_default()
        ));
    };
    let served_bytes;
    let bytes: &[u8] = match (package, served) {
        (Step::Done(Package::Plain(p)), _) => p,
        (Step::Done(Package::Undecryptable(why)), _) => {
            return Step::Done(Ballot {
                values: Vec::new(),
                counted: Err(format!("cannot decrypt: {why}")),
                out_of_safe_range: false,
            })
        }
        (_, Step::Done(ServedPackage::Json(v))) => {
            served_bytes = v.to_string().into_bytes();
            &served_bytes
        }
        (p, _) => return Step::NotRun(format!("no package: {}", p.why_not().unwrap_or_default())),
    };
    let (decoded, verdict) = check_package(bytes, weight, &ctx.tally_params());
    let values = decoded.map(|p| p.votes).unwrap_or_default();
    Step::Done(match verdict {
        BallotVerdict::Valid => Ballot {
            values,
            counted: Ok(()),
            out_of_safe_range: false,
        },
        BallotVerdict::Invalid(why) => Ballot {
            values,
            counted: Err(why.to_string()),
            out_of_safe_range: false,
        },
        BallotVerdict::ManualReview(why) => Ballot {
            values,
            counted: Err(format!("manual review: {why}")),
            out_of_safe_range: true,
        },
    })
}

/// The node's decimal weight string (`types.BigInt`), at most `MAX_DECIMAL_DIGITS` long.
fn parse_weight(s: &str) -> Step<BigUint> {
    match parse_decimal(s) {
        Ok(w) => Step::Done(w),
        Err(e) => Step::Bad(e.to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;

    const SEALED: &[u8] = &[0, 0, 7, 1, 2, 3];

    #[rstest::rstest]
    #[case::the_package(SEALED, SEALED, VoteHashRule::Package)]
    #[case::sdk_drops_leading_zeros(&SEALED[2..], SEALED, VoteHashRule::PackageWithoutLeadingZeros)]
    #[case::legacy_weight(&[10], SEALED, VoteHashRule::LegacyWeight)]
    #[case::another_package(b"{}", SEALED, VoteHashRule::Mismatch {
        package_sha256: hex::encode(crate::protocol::hash::sha256(&[SEALED])),
    })]
    fn vote_hash_rules(#[case] hashed: &[u8], #[case] package: &[u8], #[case] rule: VoteHashRule) {
        let proved = bytes_to_arbo_split(hashed);
        assert_eq!(vote_hash_rule(package, proved, &Fr::from(10u64)), rule);
    }
}
