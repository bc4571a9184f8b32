//! The deterministic synthetic-election generator: from a [`WorldSpec`] and a seed it builds a
//! [`World`] whose every vote is a real signed Vochain transaction (EIP-191 by the voter's key,
//! arbo census proofs or CSP signatures, layered sealed boxes), with the results, scrutiny and
//! SaaS views a `vocdoni/vocdoni-node` + `vocdoni/saas-backend` pair would publish for it.
//!
//! Reproducibility: there is no wall clock (block times derive from heights on a fixed genesis)
//! and every random draw comes from a ChaCha20 stream keyed by `(seed, election, voter, round)`,
//! so generating in parallel (rayon) gives the same bytes as generating serially.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use k256::ecdsa::SigningKey;
use num_bigint::BigUint;
use rand::seq::SliceRandom;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use serde_json::value::RawValue;
use thiserror::Error;

use crate::api::node::{
    Account, AccountMetadata, Block, BlockHeader, ChainInfo, CircuitConfig, Election,
    ElectionCensus, ElectionKey, ElectionKeys, ElectionMode, MetadataHistory, MetadataVersion,
    Scrutiny, TallyMode, TransactionResponse, TxInfo, VoteDetail, VoteMode,
};
use crate::api::saas::{
    LegacyProcess, Process, ProcessBundle, ProcessCensus, ProcessResults, Question,
    QuestionResults, ResultsQuestion,
};
use crate::api::Opaque;
use crate::protocol::abi::{encode_evm_results_args, AbiError};
use crate::protocol::arbo::{
    weight_to_value, weighted_census_key, ArboError, CensusDump, CensusTree, CensusTreeType,
    DumpError, DEFAULT_MAX_LEVELS,
};
use crate::protocol::ballot::{check_ballot, BallotVerdict};
use crate::protocol::csp::{CaProofType, CspSignError, CspSigner, SaltRule, OFF_CHAIN_CA};
use crate::protocol::hash::{keccak256, sha256, Address, Hash32};
use crate::protocol::identity::{self, SignatureError};
use crate::protocol::process_id::{EnvelopeType, ProcessId};
use crate::protocol::proto::{
    CaBundle, EnvelopeType as ProtoEnvelopeType, Process as ProtoProcess, ProcessMode,
    ProcessStatus, ProcessVoteOptions, Proof, ProofArbo, ProofArboKeyType, ProofArboType, ProofCa,
    ProofPayload, ProofZkSnark, Tx, TxPayload, VoteEnvelope,
};
use crate::protocol::sealed_box::{self, SealedBoxError, X25519Public, X25519Secret};
use crate::protocol::tally::{Tally, TallyError, TallyParams};
use crate::protocol::tx::{encode_signed_tx, encode_tx, tx_hash, tx_to_node_json, ClientEncoding};
use crate::protocol::unixfs;
use crate::protocol::zk::field::{fr_to_decimal, fr_to_le32};
use crate::protocol::zk::inputs::root_to_fr;
use crate::protocol::zk::testcircuit::{TestCircuit, VoteStatement};
use crate::protocol::zk::{bytes_to_arbo_split, nullifier_bytes, parse_fr, Fr, Proof as ZkProof};

use super::history::{self as sim_history, HistoryWriter, Signer};
use super::world::{SaasProcess, SimElection, World};
use super::SimError;

/// The simulated chain's id.
pub const SIM_CHAIN_ID: &str = "vocdoni/SIM/1";
/// The fixed clock: Unix time of block 0 (2024-05-01T10:00:00Z).
pub const GENESIS_UNIX: i64 = 1_714_557_600;
/// Seconds between two blocks.
pub const BLOCK_SECONDS: i64 = 10;
/// An election's votes are spread over at most this many blocks.
const MAX_VOTE_BLOCKS: u64 = 1000;
/// First height used by an election.
const FIRST_HEIGHT: u64 = 100;
/// `censusOrigin` of arbo weighted censuses (`OFF_CHAIN_TREE_WEIGHTED`).
const OFF_CHAIN_TREE_WEIGHTED: u8 = 2;
/// Where the SaaS CSP says it lives (`census.censusURL` of SaaS elections).
pub const SAAS_CSP_URL: &str = "https://saas.sim.vocaudit.invalid/process";
/// Where the simulated SaaS says its process images and streams live (never fetched).
const SAAS_STORAGE_URL: &str = "https://saas.sim.vocaudit.invalid/storage";
/// The stand-alone CSP's URL.
pub const CSP_URL: &str = "https://csp.sim.vocaudit.invalid";
/// Blocks an `early_end` election stays paused.
const PAUSE_BLOCKS: u64 = 3;
/// Blocks between an `early_end` election's manual end and its scheduled end.
pub const EARLY_END_MARGIN: u64 = 30;
/// The largest value a budget ballot draws for one position.
const MAX_BUDGET_VALUE: u64 = 1_000_000_000;

/// Why a world could not be generated.
#[derive(Debug, Error)]
pub enum GenError {
    #[error("invalid simulation spec: {0}")]
    Spec(String),
    #[error(transparent)]
    Sim(#[from] SimError),
    #[error("tally: {0}")]
    Tally(#[from] TallyError),
    #[error("census tree: {0}")]
    Arbo(#[from] ArboError),
    #[error("census dump: {0}")]
    Dump(#[from] DumpError),
    #[error("signing: {0}")]
    Signature(#[from] SignatureError),
    #[error("CSP signing: {0}")]
    Csp(#[from] CspSignError),
    #[error("sealing a vote: {0}")]
    Seal(#[from] SealedBoxError),
    #[error("scrutiny ABI: {0}")]
    Abi(#[from] AbiError),
    #[error("serialising: {0}")]
    Json(#[from] serde_json::Error),
    #[error("zk proof: {0}")]
    Zk(String),
}

/// A whole world: stand-alone elections and SaaS processes on one chain.
#[derive(Debug, Clone)]
pub struct WorldSpec {
    pub seed: u64,
    pub chain_id: String,
    pub elections: Vec<ElectionSpec>,
    pub saas_processes: Vec<SaasSpec>,
}

/// A SaaS process: one CSP (`ECDSA_PIDSALTED`) election per question.
#[derive(Debug, Clone)]
pub struct SaasSpec {
    pub title: String,
    pub questions: Vec<ElectionSpec>,
}

/// The census of an election.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CensusKind {
    /// `OFF_CHAIN_TREE_WEIGHTED`: an arbo Blake2b tree published on IPFS as a census dump.
    WeightedArbo,
    /// `OFF_CHAIN_CA`: a CSP signing bundles with this proof type.
    Csp(CaProofType),
    /// An anonymous `OFF_CHAIN_TREE_WEIGHTED` election: a zkweighted Poseidon census dump on
    /// IPFS (key = the raw address), unsigned votes carrying Groth16 proofs of the simulator's
    /// test circuit ([`test_circuit`], v1.0.0's public signals), trusted through `--zk-key`.
    Anonymous,
}

/// The test circuit of the world seeded `seed`, set up once per process and shared by every
/// world of that seed (a setup costs far more than a proof), so tampers can re-prove.
pub fn test_circuit(seed: u64) -> Result<Arc<TestCircuit>, GenError> {
    static CIRCUITS: OnceLock<Mutex<BTreeMap<u64, Arc<TestCircuit>>>> = OnceLock::new();
    let mut map = CIRCUITS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(c) = map.get(&seed) {
        return Ok(c.clone());
    }
    let circuit = Arc::new(TestCircuit::generate(seed).map_err(|e| GenError::Zk(e.to_string()))?);
    map.insert(seed, circuit.clone());
    Ok(circuit)
}

/// What the simulated node serves at `/chain/info/circuit`: its test circuit, shaped as
/// vocdoni-node's `circuit.Config` of v1.0.0 (same levels and signal indexes), with the test
/// key's sha256 as `vKeyHash`.
pub fn sim_circuit_config(circuit: &TestCircuit) -> CircuitConfig {
    let names = crate::protocol::zk::SignalLayout::V1_0_0.names();
    CircuitConfig {
        version: SIM_CIRCUIT_VERSION.into(),
        uri: "https://sim.vocaudit.invalid/circuits".into(),
        circuit_path: "sim".into(),
        levels: 160,
        verification_key_hash: hex::encode(circuit.verifying_key().sha256()),
        verification_key_filename: "verification_key.json".into(),
        public_signals: names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.replace("availableWeight", "voteWeight"), i as i64))
            .collect(),
        ..CircuitConfig::default()
    }
}

/// The simulated node's circuit version.
pub const SIM_CIRCUIT_VERSION: &str = "sim-test";

/// The secret an anonymous voter's nullifier derives from (the real circuit's signature and
/// password stand-in): 128 bits of `keccak256(address)`.
pub fn zk_secret(address: &Address) -> Fr {
    let h = keccak256(&[b"vocaudit-sim/zk-secret", address]);
    let mut half = [0u8; 16];
    half.copy_from_slice(&h[..16]);
    Fr::from(u128::from_le_bytes(half))
}

/// The SIK root every simulated anonymous vote names (the auditor cannot check it anyway).
pub fn zk_sik_root(seed: u64) -> Fr {
    let h = keccak256(&[b"vocaudit-sim/sik-root", &seed.to_be_bytes()]);
    let mut half = [0u8; 16];
    half.copy_from_slice(&h[..16]);
    Fr::from(u128::from_le_bytes(half))
}

/// The public inputs of voter `address`'s anonymous vote with `vote_package` in election
/// `process_id` on census `census_root` (v1.0.0 meanings).
pub fn zk_statement(
    seed: u64,
    process_id: &[u8],
    census_root: &Hash32,
    address: &Address,
    weight: &BigUint,
    vote_package: &[u8],
) -> Result<VoteStatement, GenError> {
    let weight =
        parse_fr("weight", &weight.to_string()).map_err(|e| GenError::Zk(e.to_string()))?;
    Ok(VoteStatement {
        election_id: bytes_to_arbo_split(process_id),
        available_weight: weight,
        vote_hash: bytes_to_arbo_split(vote_package),
        sik_root: zk_sik_root(seed),
        census_root: root_to_fr(census_root).map_err(|e| GenError::Zk(e.to_string()))?,
        secret: zk_secret(address),
    })
}

/// The protobuf `ProofZkSNARK` of a proof of `statement`.
pub fn zk_proof_payload(proof: &ZkProof, statement: &VoteStatement) -> ProofPayload {
    let (a, b, c) = proof.protobuf_strings();
    ProofPayload::ZkSnark(ProofZkSnark {
        circuit_parameters_index: 0,
        a,
        b,
        c,
        public_inputs: statement
            .public_signals()
            .iter()
            .map(fr_to_decimal)
            .collect(),
    })
}

/// The text of one question in the election metadata: its title and its choices by results
/// column (value). Missing texts fall back to "Question n" / "Option v".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionText {
    pub title: String,
    pub choices: Vec<String>,
}

impl QuestionText {
    pub fn new(title: &str, choices: &[&str]) -> Self {
        QuestionText {
            title: title.to_string(),
            choices: choices.iter().map(|c| c.to_string()).collect(),
        }
    }
}

/// How census weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weights {
    One,
    /// Uniform in `min..=max`.
    Range {
        min: u64,
        max: u64,
    },
}

/// One election to generate.
#[derive(Debug, Clone)]
pub struct ElectionSpec {
    pub title: String,
    /// Question and choice titles for the metadata, by question (results row).
    pub questions: Vec<QuestionText>,
    /// Metadata `type.name` (`single-choice-multiquestion`, `approval`, `quadratic`, …).
    pub question_type: String,
    pub census: CensusKind,
    /// `tallyMode` plus `uniqueValues`/`costFromWeight`.
    pub params: TallyParams,
    /// Number of encryption keys (0 = plain election, at most 15).
    pub encryption_keys: u32,
    /// Distinct voters (= vote rows = `voteCount`).
    pub votes: usize,
    pub weights: Weights,
    /// Voter 1 gets a weight above 2^64.
    pub huge_weight: bool,
    /// Share of voters who overwrite (1..=maxVoteOverwrites times).
    pub overwrite_percent: u8,
    /// Share of final ballots the node skips (count, unique, value or cost).
    pub invalid_percent: u8,
    /// Every `n`-th plain vote is encoded the ts-proto way (0 = never).
    pub ts_proto_every: usize,
    /// A history beyond the schedule: the census grows by one member (SET_PROCESS_CENSUS on a
    /// dynamic census) before voting starts, voting is paused half-way (PAUSED, then READY
    /// three blocks later), and the organisation ends the election by hand (SET_PROCESS_STATUS
    /// ENDED) right after the last vote, long before its scheduled end; the metadata is added to
    /// IPFS as `ipfs add` does (CIDv0), and amended once before voting starts (one choice
    /// reworded), which the node's metadata history route lists as two versions.
    pub early_end: bool,
}

impl ElectionSpec {
    fn validate(&self) -> Result<(), GenError> {
        let bad = |what: &str| Err(GenError::Spec(format!("{}: {what}", self.title)));
        if self.encryption_keys > 15 {
            return bad("at most 15 encryption keys");
        }
        if self.votes == 0 || self.votes > u32::MAX as usize {
            return bad("votes must be in 1..2^32");
        }
        if self.params.max_count == 0 || self.params.max_count > 64 {
            return bad("maxCount must be in 1..=64");
        }
        if self.params.max_vote_overwrites > 8 {
            return bad("at most 8 overwrites");
        }
        if let Weights::Range { min, max } = self.weights {
            if min > max {
                return bad("weight range is empty");
            }
        }
        Ok(())
    }
}

/// Unix time of a block.
pub fn block_time(height: u64) -> i64 {
    GENESIS_UNIX + height as i64 * BLOCK_SECONDS
}

/// RFC 3339 (UTC, seconds) of a Unix time, as Go's `time.Time` marshals it.
pub fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The simulated block at `height` holding `tx_count` transactions.
pub fn block(chain_id: &str, height: u64, tx_count: u64) -> Block {
    Block {
        header: BlockHeader {
            chain_id: chain_id.to_string(),
            height,
            time: rfc3339(block_time(height)),
            proposer_address: hex::encode(&keccak256(&[b"vocaudit-sim/proposer"])[..20]),
        },
        hash: hex::encode(sha256(&[b"vocaudit-sim/block", &height.to_be_bytes()])),
        tx_count,
    }
}

/// The secp256k1 key of voter `index` of an election (a tamper re-derives it to re-sign).
pub fn voter_key(election_id: &Hash32, index: u32) -> SigningKey {
    secp_key(&[b"vocaudit-sim/voter", election_id, &index.to_be_bytes()])
}

/// The first valid secp256k1 key among `keccak256(parts ‖ counter)` (an invalid scalar has
/// probability ~2^-128, so the loop ends at once).
pub fn secp_key(parts: &[&[u8]]) -> SigningKey {
    let mut counter = 0u32;
    loop {
        let mut all: Vec<&[u8]> = parts.to_vec();
        let c = counter.to_be_bytes();
        all.push(&c);
        if let Ok(key) = identity::signing_key(&keccak256(&all)) {
            return key;
        }
        counter = counter.wrapping_add(1);
    }
}

/// The address of a signing key.
pub fn address_of_key(key: &SigningKey) -> Address {
    identity::address_of(&k256::PublicKey::from(key.verifying_key()))
}

/// The X25519 key a key-keeper derives for `slot` of an election (as the node's keykeeper
/// derives `keccak256(validatorKey ‖ processId ‖ slot)`).
pub fn keykeeper_secret(election_id: &Hash32, slot: u32) -> X25519Secret {
    keccak256(&[b"vocaudit-sim/keykeeper", election_id, &slot.to_be_bytes()])
}

/// A deterministic CIDv1 (raw codec, sha2-256) of `bytes`, base32 lowercase with prefix `b`.
pub fn cid_of(bytes: &[u8]) -> String {
    let mut raw = vec![0x01, 0x55, 0x12, 0x20];
    raw.extend_from_slice(&sha256(&[bytes]));
    format!("b{}", base32_lower(&raw))
}

/// RFC 4648 base32, lowercase, no padding (the multibase `b` alphabet).
fn base32_lower(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// A ChaCha20 stream for one purpose of one voter.
fn stream(seed: u64, purpose: &[u8], election: u32, voter: u32, round: u32) -> ChaCha20Rng {
    ChaCha20Rng::from_seed(keccak256(&[
        b"vocaudit-sim/",
        purpose,
        &seed.to_be_bytes(),
        &election.to_be_bytes(),
        &voter.to_be_bytes(),
        &round.to_be_bytes(),
    ]))
}

/// The JSON vote package `{"nonce","votes"}` (`state.VotePackage`).
#[derive(Serialize)]
struct VotePackageJson<'a> {
    nonce: &'a str,
    votes: &'a [i64],
}

/// A census member as planned before any vote is cast.
struct Member {
    key: SigningKey,
    address: Address,
    weight: BigUint,
    overwrites: u32,
    invalid: bool,
}

/// One envelope as it lands on chain.
struct Envelope {
    hash: String,
    json: String,
    height: u64,
}

/// What one voter contributes.
struct VoterOutput {
    envelopes: Vec<Envelope>,
    detail: VoteDetail,
    votes: Vec<i64>,
    weight: BigUint,
}

/// Shared, read-only context of one election while its voters are generated.
struct ElectionCtx<'a> {
    seed: u64,
    index: u32,
    chain_id: &'a str,
    spec: &'a ElectionSpec,
    process_id: Hash32,
    census: CensusCtx<'a>,
    keys: BTreeMap<u32, X25519Public>,
    first_height: u64,
    txs_per_block: u64,
    /// Blocks without votes while the election is paused: (first vote block offset after
    /// which they come, how many).
    pause: Option<(u64, u64)>,
    /// Start of each round's envelopes in the election's sequence.
    round_offsets: Vec<u64>,
    /// For round r ≥ 1: number of voters before voter i that overwrite at least r times.
    round_ranks: Vec<Vec<u32>>,
}

enum CensusCtx<'a> {
    Arbo {
        /// Packed siblings of each member, by member index.
        siblings: Vec<Vec<u8>>,
    },
    Csp {
        signer: &'a CspSigner,
        proof_type: CaProofType,
    },
    Zk {
        circuit: Arc<TestCircuit>,
        census_root: Hash32,
    },
}

/// The simulated organisation's account as the node serves it: its metadata, naming it in the
/// report's four languages, is published on the world's IPFS at `infoURL` and embedded as the
/// node embeds what it retrieved from there.
fn organization_account(
    org: Address,
    elections: u32,
    world: &mut World,
) -> Result<Account, GenError> {
    let name = [
        ("default", "Cooperativa de Prova"),
        ("ca", "Cooperativa de Prova"),
        ("en", "Test Cooperative"),
        ("es", "Cooperativa de Prueba"),
        ("it", "Cooperativa di Prova"),
    ];
    let metadata = AccountMetadata {
        name: name
            .iter()
            .map(|(lang, text)| (lang.to_string(), text.to_string()))
            .collect(),
    };
    let document = serde_json::to_vec(&metadata)?;
    let cid = cid_of(&document);
    world.ipfs.insert(cid.clone(), document);
    Ok(Account {
        address: hex::encode(org),
        nonce: elections,
        election_index: elections,
        info_url: format!("ipfs://{cid}"),
        metadata: Some(metadata),
        ..Account::default()
    })
}

/// Builds the world of `spec`.
pub fn generate(spec: &WorldSpec) -> Result<World, GenError> {
    let org_key = super::history::organization_key(spec.seed);
    let org = address_of_key(&org_key);
    let csp = CspSigner::new(&keccak256(&[b"vocaudit-sim/csp", &spec.seed.to_be_bytes()]))?;
    let mut world = World::new(ChainInfo::default());
    let mut next_height = FIRST_HEIGHT;
    let mut nonce = 0u32;
    let mut stats = ChainStats {
        org_key: Some(org_key),
        ..ChainStats::default()
    };
    for election in &spec.elections {
        let url = if matches!(election.census, CensusKind::Csp(_)) {
            CSP_URL
        } else {
            ""
        };
        generate_election(
            spec,
            election,
            nonce,
            org,
            &csp,
            url,
            &mut next_height,
            &mut world,
            &mut stats,
        )?;
        nonce += 1;
    }
    for (p, saas) in spec.saas_processes.iter().enumerate() {
        let mut ids = Vec::new();
        for question in &saas.questions {
            if !matches!(question.census, CensusKind::Csp(_)) {
                return Err(GenError::Spec(format!(
                    "SaaS question {} must use a CSP census",
                    question.title
                )));
            }
            ids.push(generate_election(
                spec,
                question,
                nonce,
                org,
                &csp,
                SAAS_CSP_URL,
                &mut next_height,
                &mut world,
                &mut stats,
            )?);
            nonce += 1;
        }
        add_saas_process(spec, p as u32, saas, &ids, org, &csp, &mut world)?;
    }
    let account = organization_account(org, nonce, &mut world)?;
    world.accounts.insert(hex::encode(org), account);
    world.chain_info = ChainInfo {
        chain_id: spec.chain_id.clone(),
        height: next_height,
        block_timestamp: block_time(next_height),
        genesis_time: rfc3339(GENESIS_UNIX),
        initial_height: 1,
        election_count: stats.elections,
        vote_count: stats.votes,
        transaction_count: stats.transactions,
        circuit_version: world
            .circuit
            .as_ref()
            .map(|c| c.version.clone())
            .unwrap_or_default(),
    };
    Ok(world)
}

#[derive(Default)]
struct ChainStats {
    elections: u64,
    votes: u64,
    transactions: u64,
    /// The organisation, which signs every NEW_PROCESS and SET_PROCESS.
    org_key: Option<SigningKey>,
    /// The organisation account's nonce: each of its transactions carries the next one.
    org_nonce: u32,
}

/// Generates one election into `world` and returns its id.
#[allow(clippy::too_many_arguments)]
fn generate_election(
    world_spec: &WorldSpec,
    spec: &ElectionSpec,
    nonce: u32,
    org: Address,
    csp: &CspSigner,
    csp_url: &str,
    next_height: &mut u64,
    world: &mut World,
    stats: &mut ChainStats,
) -> Result<Hash32, GenError> {
    spec.validate()?;
    let seed = world_spec.seed;
    let encrypted = spec.encryption_keys > 0;
    let origin = match spec.census {
        CensusKind::WeightedArbo | CensusKind::Anonymous => OFF_CHAIN_TREE_WEIGHTED,
        CensusKind::Csp(_) => OFF_CHAIN_CA,
    };
    let anonymous = spec.census == CensusKind::Anonymous;
    let envelope_type = EnvelopeType::from_flags(
        false,
        anonymous,
        encrypted,
        spec.params.unique_values,
        spec.params.cost_from_weight,
    );
    let process_id =
        ProcessId::new(&world_spec.chain_id, org, origin, envelope_type, nonce).encode();
    let members = plan_members(seed, nonce, &process_id, spec);

    // Census (and, for a dynamic census that grows, the one the election was created with).
    let census_root: Vec<u8>;
    let census_url: String;
    let mut initial_census: Option<(Vec<u8>, u64)> = None;
    let census_ctx = match spec.census {
        CensusKind::WeightedArbo => {
            let leaves: Vec<([u8; 20], [u8; 32])> = members
                .iter()
                .map(|m| Ok((weighted_census_key(&m.address), weight_to_value(&m.weight)?)))
                .collect::<Result<_, DumpError>>()?;
            let dump = CensusDump::build(CensusTreeType::Weighted, DEFAULT_MAX_LEVELS, &leaves)?;
            let tree = CensusTree::build(
                CensusTreeType::Weighted.hash_kind(),
                DEFAULT_MAX_LEVELS,
                &leaves,
            )?;
            let siblings = leaves
                .par_iter()
                .map(|(key, _)| tree.proof(key)?.packed())
                .collect::<Result<Vec<_>, _>>()?;
            census_root = dump.root_hash.to_vec();
            if spec.early_end && leaves.len() > 1 {
                // The last member is never a voter (arbo censuses have more members than voters).
                let before = &leaves[..leaves.len() - 1];
                let tree = CensusTree::build(
                    CensusTreeType::Weighted.hash_kind(),
                    DEFAULT_MAX_LEVELS,
                    before,
                )?;
                initial_census = Some((tree.root().to_vec(), before.len() as u64));
            }
            let json = dump.to_json()?;
            let cid = cid_of(&json);
            world.ipfs.insert(cid.clone(), json);
            census_url = format!("ipfs://{cid}");
            CensusCtx::Arbo { siblings }
        }
        CensusKind::Anonymous => {
            let leaves: Vec<(Address, [u8; 32])> = members
                .iter()
                .map(|m| Ok((m.address, weight_to_value(&m.weight)?)))
                .collect::<Result<_, DumpError>>()?;
            let dump = CensusDump::build(CensusTreeType::ZkWeighted, DEFAULT_MAX_LEVELS, &leaves)?;
            census_root = dump.root_hash.to_vec();
            let json = dump.to_json()?;
            let cid = cid_of(&json);
            world.ipfs.insert(cid.clone(), json);
            census_url = format!("ipfs://{cid}");
            let circuit = test_circuit(seed)?;
            world.zk_key = Some(circuit.verification_key_json().to_vec());
            world.zk_seed = Some(seed);
            world.circuit = Some(sim_circuit_config(&circuit));
            world.sik_roots = Some(vec![hex::encode(fr_to_le32(&zk_sik_root(seed)))]);
            CensusCtx::Zk {
                circuit,
                census_root: dump.root_hash,
            }
        }
        CensusKind::Csp(proof_type) => {
            census_root = csp.census_root().to_vec();
            census_url = csp_url.to_string();
            CensusCtx::Csp {
                signer: csp,
                proof_type,
            }
        }
    };

    // Encryption keys.
    let secrets: BTreeMap<u32, X25519Secret> = (1..=spec.encryption_keys)
        .map(|slot| (slot, keykeeper_secret(&process_id, slot)))
        .collect();
    let keys: BTreeMap<u32, X25519Public> = secrets
        .iter()
        .map(|(&slot, secret)| (slot, sealed_box::public_from_private(secret)))
        .collect();

    // Envelope order: round 0 of every voter, then the first overwrites, and so on.
    let voters = &members[..spec.votes];
    let rounds = spec.params.max_vote_overwrites as usize + 1;
    let mut round_offsets = Vec::with_capacity(rounds + 1);
    let mut round_ranks = Vec::with_capacity(rounds);
    let mut total = 0u64;
    for r in 0..rounds {
        round_offsets.push(total);
        let mut ranks = Vec::with_capacity(if r == 0 { 0 } else { voters.len() });
        let mut count = 0u32;
        for m in voters {
            if r > 0 {
                ranks.push(count);
            }
            if m.overwrites as usize >= r {
                count += 1;
            }
        }
        round_ranks.push(ranks);
        total += u64::from(count);
    }
    let txs_per_block = total.div_ceil(MAX_VOTE_BLOCKS).max(1);
    let vote_blocks = total.div_ceil(txs_per_block);
    let pause = spec.early_end.then_some((vote_blocks / 2, PAUSE_BLOCKS));
    let vote_span = vote_blocks + pause.map_or(0, |(_, len)| len);
    let first_height = *next_height + 1;
    let start = block_time(first_height - 1);
    // An election ended by hand was scheduled to run well past its last vote.
    let late = if spec.early_end { EARLY_END_MARGIN } else { 0 };
    let duration = (vote_span + 3 + late) as i64 * BLOCK_SECONDS;
    *next_height = first_height + vote_span + 5;

    let ctx = ElectionCtx {
        seed,
        index: nonce,
        chain_id: &world_spec.chain_id,
        spec,
        process_id,
        census: census_ctx,
        keys,
        first_height,
        txs_per_block,
        pause,
        round_offsets,
        round_ranks,
    };
    let outputs: Vec<VoterOutput> = voters
        .par_iter()
        .enumerate()
        .map(|(i, m)| cast_votes(&ctx, i as u32, m))
        .collect::<Result<_, _>>()?;

    // Tally by the node's rules.
    let mut tally = Tally::new(spec.params)?;
    for out in &outputs {
        tally.add(&out.votes, &out.weight);
    }
    let results = tally.into_results();
    let result_strings = results.to_decimal_strings();
    let rows: Vec<Vec<BigUint>> = results.rows().map(<[BigUint]>::to_vec).collect();
    let abi = encode_evm_results_args(&process_id, &org, &census_root, &[], &rows)?;

    let metadata = metadata_json(spec);
    let metadata_bytes = serde_json::to_vec(&metadata)?;
    let metadata_cid = if spec.early_end {
        unixfs::cid_v0(&metadata_bytes)
    } else {
        cid_of(&metadata_bytes)
    };
    world
        .ipfs
        .insert(metadata_cid.clone(), metadata_bytes.clone());
    let metadata_url = format!("ipfs://{metadata_cid}");
    // An election with a history beyond its schedule also amends one choice's wording in the
    // block before voting starts: the election then shows the amended document, NEW_PROCESS
    // still the first, and the node's metadata history lists both.
    let amended = spec.early_end.then(|| amend_first_choice(&metadata));
    let (current_url, current_metadata) = match &amended {
        Some(m) => {
            let bytes = serde_json::to_vec(m)?;
            let cid = unixfs::cid_v0(&bytes);
            world.ipfs.insert(cid.clone(), bytes.clone());
            (format!("ipfs://{cid}"), m.clone())
        }
        None => (metadata_url.clone(), metadata.clone()),
    };

    // The election's history: created two blocks before it starts, keys added and the census
    // completed in the block before, paused and resumed, ended by hand or by its schedule, keys
    // revealed in the block after the end.
    let org_key = stats
        .org_key
        .clone()
        .ok_or_else(|| GenError::Spec("no organisation key".into()))?;
    let mut history = HistoryWriter::default();
    let chain_id = world_spec.chain_id.as_str();
    let p = spec.params;
    let (root0, size0) = initial_census
        .clone()
        .unwrap_or_else(|| (census_root.clone(), members.len() as u64));
    let process = ProtoProcess {
        entity_id: org.to_vec(),
        census_root: root0,
        census_uri: Some(census_url.clone()),
        status: ProcessStatus::Ready as i32,
        envelope_type: Some(ProtoEnvelopeType {
            serial: false,
            anonymous,
            encrypted_votes: encrypted,
            unique_values: p.unique_values,
            cost_from_weight: p.cost_from_weight,
        }),
        mode: Some(ProcessMode {
            auto_start: true,
            interruptible: true,
            dynamic_census: spec.early_end,
            encrypted_meta_data: false,
            pre_register: false,
        }),
        vote_options: Some(ProcessVoteOptions {
            max_count: p.max_count,
            max_value: p.max_value,
            max_vote_overwrites: p.max_vote_overwrites,
            max_total_cost: p.max_total_cost,
            cost_exponent: p.cost_exponent,
        }),
        census_origin: i32::from(origin),
        metadata: Some(metadata_url.clone()),
        max_census_size: size0,
        start_time: start as u32,
        duration: duration as u32,
        ..ProtoProcess::default()
    };
    let org_tx = |history: &mut HistoryWriter, tx: &Tx, served: Option<&Tx>, height: u64| {
        history.add(
            chain_id,
            tx,
            served.unwrap_or(tx),
            &org_key,
            Signer::Sdk,
            height,
        )
    };
    let (signed, served) = sim_history::new_process(process, stats.org_nonce, &process_id);
    stats.org_nonce += 1;
    let created = org_tx(&mut history, &signed, Some(&served), first_height - 2)?;
    let metadata_history = match &amended {
        None => None,
        Some(m) => {
            // No transaction of the pinned node changes metadata: the amendment's hash stands
            // for the newer chain's, and is in no block of this one.
            let amendment = hex::encode(sha256(&[b"vocaudit-sim/metadata-amendment", &process_id]));
            Some(MetadataHistory {
                versions: vec![
                    metadata_version(&metadata_url, &metadata_bytes, created, first_height - 2),
                    metadata_version(
                        &current_url,
                        &serde_json::to_vec(m)?,
                        amendment,
                        first_height - 1,
                    ),
                ],
            })
        }
    };
    let keykeeper_nonce = |slot: u32, reveal: bool| {
        let h = keccak256(&[
            b"vocaudit-sim/keykeeper-nonce",
            &process_id,
            &slot.to_be_bytes(),
            &[u8::from(reveal)],
        ]);
        u32::from_be_bytes([h[0], h[1], h[2], h[3]])
    };
    for (&slot, public) in &ctx.keys {
        let tx = sim_history::process_keys(
            &process_id,
            slot,
            public,
            false,
            keykeeper_nonce(slot, false),
        );
        let key = sim_history::keykeeper_key(&process_id, slot);
        history.add(chain_id, &tx, &tx, &key, Signer::Go, first_height - 1)?;
    }
    if initial_census.is_some() {
        let tx = sim_history::set_census(
            &process_id,
            &census_root,
            &census_url,
            members.len() as u64,
            stats.org_nonce,
        );
        stats.org_nonce += 1;
        org_tx(&mut history, &tx, None, first_height - 1)?;
    }
    if let Some((at, len)) = pause {
        for (status, height) in [
            (ProcessStatus::Paused, first_height + at),
            (ProcessStatus::Ready, first_height + at + len - 1),
        ] {
            let tx = sim_history::set_status(&process_id, status, stats.org_nonce);
            stats.org_nonce += 1;
            org_tx(&mut history, &tx, None, height)?;
        }
    }
    let end_height = if spec.early_end {
        let height = first_height + vote_span;
        let tx = sim_history::set_status(&process_id, ProcessStatus::Ended, stats.org_nonce);
        stats.org_nonce += 1;
        org_tx(&mut history, &tx, None, height)?;
        height
    } else {
        // The block whose time reaches start + duration.
        first_height + vote_span + 2
    };
    for (&slot, secret) in &secrets {
        let tx =
            sim_history::process_keys(&process_id, slot, secret, true, keykeeper_nonce(slot, true));
        let key = sim_history::keykeeper_key(&process_id, slot);
        history.add(chain_id, &tx, &tx, &key, Signer::Go, end_height + 1)?;
    }

    // Blocks and transactions.
    let mut per_block: BTreeMap<u64, u64> = BTreeMap::new();
    for tx in history.txs {
        *per_block.entry(tx.height).or_default() += 1;
        world.transactions.insert(tx.hash, tx.json);
        stats.transactions += 1;
    }
    let mut votes = Vec::with_capacity(outputs.len());
    for out in outputs {
        for env in out.envelopes {
            *per_block.entry(env.height).or_default() += 1;
            world.transactions.insert(env.hash, env.json);
            stats.transactions += 1;
        }
        votes.push(out.detail);
    }
    for (height, count) in per_block {
        world.add_block(block(&world_spec.chain_id, height, count));
    }

    let election_id = hex::encode(process_id);
    let (end_date, manually_ended) = if spec.early_end {
        // The node moves endDate to the block that committed the results (§5.4).
        (rfc3339(block_time(end_height + 1)), true)
    } else {
        (rfc3339(start + duration), false)
    };
    let election = Election {
        election_id: election_id.clone(),
        organization_id: hex::encode(org),
        status: "RESULTS".into(),
        start_date: rfc3339(start),
        end_date,
        vote_count: votes.len() as u64,
        final_results: true,
        result: Some(result_strings.clone()),
        manually_ended,
        chain_id: world_spec.chain_id.clone(),
        title: Some(spec.title.clone()),
        key_reveal_height: None,
        key_reveal_tx_hash: None,
        census: ElectionCensus {
            census_origin: match spec.census {
                CensusKind::WeightedArbo | CensusKind::Anonymous => "OFF_CHAIN_TREE_WEIGHTED",
                CensusKind::Csp(_) => "OFF_CHAIN_CA",
            }
            .into(),
            census_root: hex::encode(&census_root),
            post_register_census_root: String::new(),
            census_url,
            max_census_size: members.len() as u64,
        },
        metadata_url: current_url,
        creation_time: Some(rfc3339(start - BLOCK_SECONDS)),
        vote_mode: VoteMode {
            serial: false,
            anonymous,
            encrypted_votes: encrypted,
            unique_values: p.unique_values,
            cost_from_weight: p.cost_from_weight,
        },
        election_mode: ElectionMode {
            auto_start: true,
            interruptible: true,
            dynamic_census: spec.early_end,
            ..ElectionMode::default()
        },
        tally_mode: TallyMode {
            max_count: p.max_count,
            max_value: p.max_value,
            max_vote_overwrites: p.max_vote_overwrites,
            max_total_cost: p.max_total_cost,
            cost_exponent: p.cost_exponent,
        },
        metadata: Some(current_metadata),
    };
    let election_keys = encrypted.then(|| {
        let list = |f: &dyn Fn(u32) -> [u8; 32]| {
            secrets
                .keys()
                .map(|&index| ElectionKey {
                    index,
                    key: hex::encode(f(index)),
                })
                .collect::<Vec<_>>()
        };
        ElectionKeys {
            public_keys: list(&|i| ctx.keys.get(&i).copied().unwrap_or_default()),
            private_keys: list(&|i| secrets.get(&i).copied().unwrap_or_default()),
        }
    });
    let scrutiny = Scrutiny {
        abi_encoded: format!("0x{}", hex::encode(abi)),
        census_root: hex::encode(&census_root),
        election_id: election_id.clone(),
        organization_id: hex::encode(org),
        results: result_strings,
        source_contract_address: None,
    };
    stats.elections += 1;
    stats.votes += votes.len() as u64;
    world.add_election(SimElection {
        election,
        keys: election_keys,
        scrutiny: Some(scrutiny),
        votes,
        live: None,
        extra_rows: Vec::new(),
        scheduled_end: Some(start + duration),
        metadata_history,
    })?;
    Ok(process_id)
}

/// The metadata with its first question's first choice reworded (the same JSON otherwise).
fn amend_first_choice(metadata: &serde_json::Value) -> serde_json::Value {
    let mut amended = metadata.clone();
    if let Some(title) = amended.pointer_mut("/questions/0/choices/0/title/default") {
        let text = title.as_str().unwrap_or_default().to_string();
        *title = json!(format!("{text} (amended)"));
    }
    amended
}

/// One version of a metadata history as a newer node lists it: the document's SHA-256 as
/// `HexBytes`, the block and time of the transaction that set it.
fn metadata_version(url: &str, bytes: &[u8], tx_hash: String, height: u64) -> MetadataVersion {
    MetadataVersion {
        metadata_url: url.to_string(),
        metadata_hash: Some(hex::encode(sha256(&[bytes]))),
        block_height: height,
        tx_index: 0,
        tx_hash,
        timestamp: rfc3339(block_time(height)),
    }
}

/// Keys, weights and the overwrite/invalid plan of every census member (voters first, then
/// members who do not vote: arbo censuses have 10% more members than voters).
fn plan_members(seed: u64, election: u32, process_id: &Hash32, spec: &ElectionSpec) -> Vec<Member> {
    let extra = match spec.census {
        CensusKind::WeightedArbo | CensusKind::Anonymous => spec.votes / 10 + 2,
        CensusKind::Csp(_) => 0,
    };
    (0..(spec.votes + extra) as u32)
        .into_par_iter()
        .map(|i| {
            let mut rng = stream(seed, b"plan", election, i, 0);
            let key = voter_key(process_id, i);
            let mut weight = match spec.weights {
                Weights::One => BigUint::from(1u32),
                Weights::Range { min, max } => BigUint::from(rng.gen_range(min..=max)),
            };
            if spec.huge_weight && i == 1 {
                weight = (BigUint::from(1u32) << 64u32) + BigUint::from(rng.next_u32());
            }
            let overwrites = if spec.params.max_vote_overwrites > 0
                && rng.gen_range(0..100u8) < spec.overwrite_percent
            {
                rng.gen_range(1..=spec.params.max_vote_overwrites)
            } else {
                0
            };
            let invalid = rng.gen_range(0..100u8) < spec.invalid_percent;
            Member {
                address: address_of_key(&key),
                key,
                weight,
                overwrites,
                invalid,
            }
        })
        .collect()
}

/// All envelopes of one voter, the last one becoming the vote detail.
fn cast_votes(ctx: &ElectionCtx<'_>, voter: u32, m: &Member) -> Result<VoterOutput, GenError> {
    let spec = ctx.spec;
    let pid = &ctx.process_id;
    // An anonymous vote's id is its proof's nullifier (minimal big-endian bytes).
    let vote_id = match &ctx.census {
        CensusCtx::Zk { .. } => hex::encode(nullifier_bytes(
            &(zk_secret(&m.address)
                * (bytes_to_arbo_split(pid)[0] + bytes_to_arbo_split(pid)[1] + Fr::from(1u64))),
        )),
        _ => hex::encode(identity::nullifier(&m.address, pid)),
    };
    let mut envelopes = Vec::with_capacity(m.overwrites as usize + 1);
    let mut last = None;
    for round in 0..=m.overwrites {
        let mut rng = stream(ctx.seed, b"vote", ctx.index, voter, round);
        let is_final = round == m.overwrites;
        let votes = if is_final && m.invalid {
            invalid_ballot(&mut rng, &spec.params, &m.weight)
        } else {
            valid_ballot(&mut rng, &spec.params, &m.weight)
        };
        let mut nonce = [0u8; 8];
        rng.fill_bytes(&mut nonce);
        let package = serde_json::to_vec(&VotePackageJson {
            nonce: &hex::encode(nonce),
            votes: &votes,
        })?;
        let (vote_package, key_indexes) = if ctx.keys.is_empty() {
            (package.clone(), Vec::new())
        } else {
            sealed_box::seal_layers(&mut rng, &ctx.keys, &package)?
        };
        let proof = match &ctx.census {
            CensusCtx::Zk {
                circuit,
                census_root,
            } => {
                let statement = zk_statement(
                    ctx.seed,
                    pid,
                    census_root,
                    &m.address,
                    &m.weight,
                    &vote_package,
                )?;
                let proof = circuit
                    .prove(&statement, rng.next_u64())
                    .map_err(|e| GenError::Zk(e.to_string()))?;
                zk_proof_payload(&proof, &statement)
            }
            CensusCtx::Arbo { siblings } => ProofPayload::Arbo(ProofArbo {
                r#type: ProofArboType::Blake2b as i32,
                siblings: siblings.get(voter as usize).cloned().unwrap_or_default(),
                available_weight: weight_to_value(&m.weight)?.to_vec(),
                key_type: ProofArboKeyType::Address as i32,
                vote_weight: Vec::new(),
            }),
            CensusCtx::Csp { signer, proof_type } => {
                let bundle = CaBundle {
                    process_id: pid.to_vec(),
                    address: m.address.to_vec(),
                    vote_weight: Some(m.weight.to_bytes_be()),
                };
                let signature = signer.sign(
                    &mut rng,
                    *proof_type,
                    SaltRule::LegacyProcessId,
                    pid,
                    &bundle.signed_bytes(),
                    bundle.vote_weight.as_deref(),
                )?;
                ProofPayload::Ca(ProofCa {
                    r#type: proof_type.to_proto(),
                    bundle: Some(bundle),
                    signature,
                })
            }
        };
        let mut envelope_nonce = [0u8; 16];
        rng.fill_bytes(&mut envelope_nonce);
        let tx = Tx {
            payload: Some(TxPayload::Vote(VoteEnvelope {
                nonce: envelope_nonce.to_vec(),
                process_id: pid.to_vec(),
                proof: Some(Proof {
                    payload: Some(proof),
                }),
                vote_package,
                nullifier: Vec::new(),
                encryption_key_indexes: key_indexes.clone(),
                memo: None,
            })),
        };
        let client = if spec.ts_proto_every > 0
            && (voter as usize + round as usize) % spec.ts_proto_every == spec.ts_proto_every - 1
        {
            ClientEncoding::TsProto
        } else {
            ClientEncoding::GoCanonical
        };
        let seq = ctx.sequence(voter, round);
        let height = ctx.vote_height(seq / ctx.txs_per_block);
        let index = (seq % ctx.txs_per_block) as u32;
        let (hash, json) = match ctx.census {
            CensusCtx::Zk { .. } => unsigned_vote_json(&tx, client, height, index)?,
            _ => signed_vote_json(ctx.chain_id, &tx, client, &m.key, height, index)?,
        };
        envelopes.push(Envelope {
            hash: hash.clone(),
            json,
            height,
        });
        if is_final {
            last = Some((hash, package, key_indexes, votes, height, index));
        }
    }
    let Some((hash, package, key_indexes, votes, height, index)) = last else {
        return Err(GenError::Spec("a voter cast no envelope".into()));
    };
    let package = RawValue::from_string(String::from_utf8_lossy(&package).into_owned())?;
    Ok(VoterOutput {
        envelopes,
        detail: VoteDetail {
            tx_hash: hash,
            vote_id,
            encryption_keys: key_indexes,
            package,
            weight: m.weight.to_string(),
            election_id: hex::encode(pid),
            voter_id: match ctx.census {
                CensusCtx::Zk { .. } => None,
                _ => Some(hex::encode(m.address)),
            },
            block_height: height,
            transaction_index: index,
            overwrite_count: m.overwrites,
            memo: None,
            date: rfc3339(block_time(height)),
        },
        votes,
        weight: m.weight.clone(),
    })
}

impl ElectionCtx<'_> {
    /// The height of the `block`-th block that holds votes (paused blocks skipped).
    fn vote_height(&self, block: u64) -> u64 {
        let shift = match self.pause {
            Some((at, len)) if block >= at => len,
            _ => 0,
        };
        self.first_height + block + shift
    }

    /// Position of `voter`'s envelope of `round` in the election's sequence.
    fn sequence(&self, voter: u32, round: u32) -> u64 {
        let offset = self
            .round_offsets
            .get(round as usize)
            .copied()
            .unwrap_or_default();
        let rank = if round == 0 {
            voter
        } else {
            self.round_ranks
                .get(round as usize)
                .and_then(|r| r.get(voter as usize))
                .copied()
                .unwrap_or_default()
        };
        offset + u64::from(rank)
    }
}

/// Encodes `tx` as `client` does, signs it with `key` (EIP-191 over the VOTE template) and
/// returns its hash and the `/chain/transactions/{hash}` JSON a node serves for it.
pub fn signed_vote_json(
    chain_id: &str,
    tx: &Tx,
    client: ClientEncoding,
    key: &SigningKey,
    height: u64,
    index: u32,
) -> Result<(String, String), GenError> {
    let process_id: Hash32 = match &tx.payload {
        Some(TxPayload::Vote(env)) => env
            .process_id
            .as_slice()
            .try_into()
            .map_err(|_| GenError::Spec("vote without a 32-byte processId".into()))?,
        _ => return Err(GenError::Spec("not a vote transaction".into())),
    };
    let tx_bytes = encode_tx(tx, client);
    let message = identity::vote_tx_message(&process_id, &tx_bytes, chain_id);
    let signature = identity::sign_eip191(key, message.as_bytes())?;
    let hash = hex::encode(tx_hash(&encode_signed_tx(&tx_bytes, Some(&signature))));
    let signer = hex::encode(address_of_key(key));
    vote_response(tx, hash, height, index, signer, hex::encode(signature))
}

/// An anonymous vote's `/chain/transactions/{hash}` JSON and hash: `SignedTx` without a
/// signature, as the SDK sends it (vochain-zk.md §2.1).
pub fn unsigned_vote_json(
    tx: &Tx,
    client: ClientEncoding,
    height: u64,
    index: u32,
) -> Result<(String, String), GenError> {
    let hash = hex::encode(tx_hash(&encode_signed_tx(&encode_tx(tx, client), None)));
    vote_response(tx, hash, height, index, String::new(), String::new())
}

/// A vote's `/chain/transactions/{hash}` JSON (`api.GenericTransactionWithInfo`) and its hash;
/// `signer` and `signature` are empty for an anonymous vote.
fn vote_response(
    tx: &Tx,
    hash: String,
    height: u64,
    index: u32,
    signer: String,
    signature: String,
) -> Result<(String, String), GenError> {
    let response = TransactionResponse {
        tx: RawValue::from_string(tx_to_node_json(tx).to_string())?,
        tx_info: TxInfo {
            hash: hash.clone(),
            height,
            index,
            tx_type: "vote".into(),
            subtype: String::new(),
            signer,
        },
        signature,
    };
    Ok((hash, serde_json::to_string(&response)?))
}

/// A ballot the node counts, drawn at random (checked with the node's rules; the empty ballot
/// is the fallback, which every election accepts).
pub fn valid_ballot<R: Rng>(rng: &mut R, p: &TallyParams, weight: &BigUint) -> Vec<i64> {
    for _ in 0..16 {
        let votes = candidate_ballot(rng, p, weight);
        if check_ballot(&votes, weight, p) == BallotVerdict::Valid {
            return votes;
        }
    }
    Vec::new()
}

fn candidate_ballot<R: Rng>(rng: &mut R, p: &TallyParams, weight: &BigUint) -> Vec<i64> {
    let n = p.max_count as usize;
    if p.max_value > 0 {
        if p.unique_values {
            let mut values: Vec<i64> = (0..=i64::from(p.max_value)).collect();
            values.shuffle(rng);
            values.truncate(n);
            return values;
        }
        return (0..n)
            .map(|_| i64::from(rng.gen_range(0..=p.max_value)))
            .collect();
    }
    // Budget mode: Σ v^e must stay within the limit; each position gets a fair share.
    let mut remaining = if p.cost_from_weight {
        Some(weight.clone())
    } else if p.max_total_cost > 0 {
        Some(BigUint::from(p.max_total_cost))
    } else {
        None
    };
    let e = p.cost_exponent.max(1);
    (0..n)
        .map(|q| {
            let cap = match &remaining {
                None => 100,
                Some(r) => {
                    let share = r / BigUint::from((n - q) as u64);
                    u64::try_from(share.nth_root(e))
                        .unwrap_or(MAX_BUDGET_VALUE)
                        .min(MAX_BUDGET_VALUE)
                }
            };
            let v = rng.gen_range(0..=cap);
            if let Some(r) = &mut remaining {
                let cost = BigUint::from(v).pow(e);
                *r = if *r >= cost {
                    &*r - cost
                } else {
                    BigUint::default()
                };
            }
            v as i64
        })
        .collect()
}

/// A ballot the node skips: too many values, a repeated value, a value above `maxValue` or a
/// cost above the limit, whichever applies (checked with the node's rules).
pub fn invalid_ballot<R: Rng>(rng: &mut R, p: &TallyParams, weight: &BigUint) -> Vec<i64> {
    let base = valid_ballot(rng, p, weight);
    let mut candidates: Vec<Vec<i64>> = Vec::new();
    if p.unique_values && base.len() >= 2 {
        let mut v = base.clone();
        v[1] = v[0];
        candidates.push(v);
    }
    if p.max_value > 0 {
        let mut v = base.clone();
        if let Some(first) = v.first_mut() {
            *first = i64::from(p.max_value) + 1;
        }
        candidates.push(v);
    }
    if p.max_total_cost > 0 || p.cost_from_weight {
        let limit = if p.cost_from_weight {
            weight.clone()
        } else {
            BigUint::from(p.max_total_cost)
        };
        let e = p.cost_exponent.max(1);
        let over = u64::try_from(limit.nth_root(e) + 1u32).unwrap_or(u64::MAX >> 2);
        let mut v = if p.max_value > 0 {
            vec![i64::from(p.max_value); p.max_count as usize]
        } else {
            base.clone()
        };
        if p.max_value == 0 {
            if let Some(first) = v.first_mut() {
                *first = i64::try_from(over).unwrap_or(i64::MAX >> 2);
            }
        }
        candidates.push(v);
    }
    let mut too_long = base;
    too_long.resize(p.max_count as usize + 1, 0);
    candidates.shuffle(rng);
    candidates.push(too_long);
    candidates
        .into_iter()
        .find(|v| matches!(check_ballot(v, weight, p), BallotVerdict::Invalid(_)))
        .unwrap_or_default()
}

/// The election metadata (`ElectionMetadata`) the node re-serialises.
fn metadata_json(spec: &ElectionSpec) -> serde_json::Value {
    if spec.question_type == "multiple-choice" {
        return multiple_choice_metadata(spec);
    }
    let p = spec.params;
    let questions: Vec<serde_json::Value> = (0..p.max_count)
        .map(|q| {
            let text = spec.questions.get(q as usize);
            let choices: Vec<serde_json::Value> = (0..=p.max_value)
                .map(|v| {
                    let title = text
                        .and_then(|t| t.choices.get(v as usize).cloned())
                        .unwrap_or_else(|| format!("Option {v}"));
                    json!({"title": {"default": title}, "value": v})
                })
                .collect();
            let title = text
                .map(|t| t.title.clone())
                .unwrap_or_else(|| format!("Question {}", q + 1));
            json!({
                "title": {"default": title},
                "description": {"default": ""},
                "choices": choices,
            })
        })
        .collect();
    json!({
        "title": {"default": spec.title},
        "description": {"default": format!("Simulated {} election", spec.question_type)},
        "questions": questions,
        "type": {"name": spec.question_type},
    })
}

/// A multiple-choice election's metadata as vocdoni-sdk writes it (`multichoice.ts`): one
/// question with its choices (values 0..n), and the values past them up to `maxValue` declared
/// as `abstainValues` (decimal strings), one per selectable position.
fn multiple_choice_metadata(spec: &ElectionSpec) -> serde_json::Value {
    let p = spec.params;
    let text = spec.questions.first();
    let titles = text.map(|t| t.choices.as_slice()).unwrap_or_default();
    let n = (titles.len() as u32).min(p.max_value + 1);
    let choices: Vec<serde_json::Value> = titles
        .iter()
        .zip(0..n)
        .map(|(title, v)| json!({"title": {"default": title}, "value": v}))
        .collect();
    let abstain: Vec<String> = (n..=p.max_value).map(|v| v.to_string()).collect();
    json!({
        "title": {"default": spec.title},
        "description": {"default": "Simulated multiple-choice election"},
        "questions": [{
            "title": {"default": text.map(|t| t.title.as_str()).unwrap_or_default()},
            "description": {"default": ""},
            "choices": choices,
        }],
        "type": {
            "name": "multiple-choice",
            "properties": {
                "canAbstain": !abstain.is_empty(),
                "abstainValues": abstain,
                "repeatChoice": !p.unique_values,
                "numChoices": {"min": 0, "max": p.max_count},
            },
        },
    })
}

/// A 24-hex SaaS (Mongo ObjectID-like) id.
fn saas_id(seed: u64, what: &[u8], a: u32, b: u32) -> String {
    let h = keccak256(&[
        b"vocaudit-sim/saas/",
        what,
        &seed.to_be_bytes(),
        &a.to_be_bytes(),
        &b.to_be_bytes(),
    ]);
    hex::encode(&h[..12])
}

/// saas-backend `db.Choice` (`db/types.go`), in Go's field order.
#[derive(Serialize)]
struct GoChoice {
    title: serde_json::Value,
    value: u32,
}

/// saas-backend `db.QuestionTypeSetup` (`db/types.go`), in Go's field order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GoTypeSetup {
    min_choices: u32,
    max_choices: u32,
    unique_choices: bool,
    budget: u32,
    cost_exponent: u32,
}

/// saas-backend `db.BallotProtocol` (`db/types.go`), in Go's field order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GoBallotProtocol {
    max_count: u32,
    max_value: u32,
    max_vote_overwrites: u32,
    cost_exponent: u32,
    max_total_cost: u32,
    unique_values: bool,
    cost_from_weight: bool,
}

/// saas-backend `db.PublishedCensus` (`db/types.go`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GoPublishedCensus {
    uri: String,
    root: String,
    created_at: String,
}

/// saas-backend `db.Census` (`db/types.go`) as the legacy routes embed it, in Go's field order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GoCensus {
    id: String,
    org_address: String,
    #[serde(rename = "type")]
    census_type: &'static str,
    weighted: bool,
    size: u64,
    group_id: String,
    published: GoPublishedCensus,
    auth_fields: Vec<&'static str>,
    two_fa_fields: Vec<&'static str>,
    created_at: String,
    updated_at: String,
}

/// A time as saas-backend writes `StartDate`/`EndDate` (`2006-01-02T15:04:05Z`) and, with
/// `millis`, `UpdatedAt` (`UpdatedAtLayout`, `2006-01-02T15:04:05.000Z`).
fn saas_time(rfc3339: &str, millis: bool) -> String {
    let format = if millis {
        "%Y-%m-%dT%H:%M:%S%.3fZ"
    } else {
        "%Y-%m-%dT%H:%M:%SZ"
    };
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Utc).format(format).to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// The SaaS views of a process whose questions are the elections `ids`, each shaped exactly as
/// saas-backend marshals it (`apicommon.VotingProcessResponse`, `VotingProcessResultsResponse`,
/// `ProcessInfo`, `ProcessBundleInfo` at the commit [`crate::api::saas`] names): Go's field
/// order, `omitempty` fields absent when empty, `int64` census numbers.
fn add_saas_process(
    spec: &WorldSpec,
    index: u32,
    saas: &SaasSpec,
    ids: &[Hash32],
    org: Address,
    csp: &CspSigner,
    world: &mut World,
) -> Result<(), GenError> {
    let id = saas_id(spec.seed, b"process", index, 0);
    let group = saas_id(spec.seed, b"group", index, 0);
    let census_id = saas_id(spec.seed, b"census", index, 0);
    let mut questions = Vec::new();
    let mut result_rows = Vec::new();
    let (mut start, mut end) = (String::new(), String::new());
    let mut census_size = 0;
    for (q, (question, pid)) in saas.questions.iter().zip(ids).enumerate() {
        let upstream = hex::encode(pid);
        let Some(sim) = world.elections.get(&upstream) else {
            return Err(GenError::Spec(format!("SaaS question {upstream} missing")));
        };
        let e = &sim.election;
        if start.is_empty() {
            start = e.start_date.clone();
        }
        end = e.end_date.clone();
        census_size = census_size.max(e.census.max_census_size);
        let question_id = saas_id(spec.seed, b"question", index, q as u32);
        let p = question.params;
        let results = QuestionResults {
            vote_count: Some(e.vote_count),
            max_voters: Some(e.census.max_census_size),
            final_results: Some(e.final_results),
            results: e.result.clone(),
        };
        let choices: Vec<GoChoice> = (0..=p.max_value)
            .map(|v| GoChoice {
                title: json!({"default": format!("Option {v}")}),
                value: v,
            })
            .collect();
        questions.push(Question {
            id: question_id.clone(),
            parent_process_id: Some(Opaque::of(&id)),
            title: Some(Opaque::of(&json!({"default": question.title}))),
            description: None,
            choices: Some(Opaque::of(&choices)),
            question_type: Some(Opaque::of(&question.question_type)),
            type_setup: Some(Opaque::of(&GoTypeSetup {
                min_choices: 1,
                max_choices: p.max_count,
                unique_choices: p.unique_values,
                budget: p.max_total_cost,
                cost_exponent: p.cost_exponent,
            })),
            ballot_protocol: Some(Opaque::of(&GoBallotProtocol {
                max_count: p.max_count,
                max_value: p.max_value,
                max_vote_overwrites: p.max_vote_overwrites,
                cost_exponent: p.cost_exponent,
                max_total_cost: p.max_total_cost,
                unique_values: p.unique_values,
                cost_from_weight: p.cost_from_weight,
            })),
            secret_until_the_end: Some(Opaque::of(&(question.encryption_keys > 0))),
            // Redacted for a public read (`redactQuestionsForPublic`).
            eligible_member_ids: None,
            metadata: None,
            upstream_id: upstream.clone(),
            status: e.status.clone(),
            encryption_keys: None,
            results: Some(results.clone()),
        });
        result_rows.push(ResultsQuestion {
            question_id,
            upstream_id: upstream,
            vote_count: results.vote_count,
            max_voters: results.max_voters,
            final_results: results.final_results,
            results: results.results,
        });
    }
    let created = saas_time(&start, true);
    let census = GoCensus {
        id: census_id,
        org_address: format!("0x{}", hex::encode(org)),
        census_type: "sms_or_mail",
        weighted: false,
        size: census_size,
        group_id: group.clone(),
        published: GoPublishedCensus {
            uri: SAAS_CSP_URL.into(),
            root: hex::encode(csp.census_root()),
            created_at: created.clone(),
        },
        auth_fields: vec!["memberNumber"],
        two_fa_fields: vec!["email"],
        created_at: created.clone(),
        updated_at: created.clone(),
    };
    world.saas_processes.insert(
        id.clone(),
        SaasProcess {
            process: Process {
                id: id.clone(),
                org_address: hex::encode(org),
                published: Some(Opaque::of(&true)),
                census: ProcessCensus {
                    weighted: false,
                    auth_fields: Some(Opaque::of(&census.auth_fields)),
                    two_fa_fields: Some(Opaque::of(&census.two_fa_fields)),
                    group_id: Some(Opaque::of(&group)),
                    member_ids: None,
                    // saas-backend's CensusSpec: int64 numbers; a CSP census weighs 1 a voter.
                    size: Some(census_size.into()),
                    total_weight: Some(census_size.into()),
                },
                title: Some(Opaque::of(&json!({"default": saas.title}))),
                description: Some(Opaque::of(
                    &json!({"default": format!("{} (simulated)", saas.title)}),
                )),
                header: Some(Opaque::of(&format!("{SAAS_STORAGE_URL}/{id}-header.png"))),
                stream_uri: Some(Opaque::of(&format!("{SAAS_STORAGE_URL}/{id}-stream"))),
                start_date: Some(Opaque::of(&saas_time(&start, false))),
                end_date: Some(Opaque::of(&saas_time(&end, false))),
                questions,
                chain_id: spec.chain_id.clone(),
                updated_at: Some(Opaque::of(&created)),
            },
            results: ProcessResults {
                id: id.clone(),
                questions: result_rows,
            },
            process_body: None,
            results_body: None,
        },
    );
    world.legacy_processes.insert(
        id.clone(),
        LegacyProcess {
            id: id.clone(),
            address: ids.first().map(hex::encode).unwrap_or_default(),
            org_address: Some(Opaque::of(&census.org_address)),
            census: Some(Opaque::of(&census)),
            metadata: Some(Opaque::of(&json!({"title": {"default": saas.title}}))),
            metadata_url: None,
            election_params: None,
            status: Some(Opaque::of("RESULTS")),
            published_at: Some(Opaque::of(&created)),
            encryption_keys: None,
            chain_id: spec.chain_id.clone(),
        },
    );
    world.process_bundles.insert(
        id.clone(),
        ProcessBundle {
            id,
            census: Some(Opaque::of(&census)),
            org_address: Some(Opaque::of(&census.org_address)),
            processes: ids.iter().map(hex::encode).collect(),
            chain_id: spec.chain_id.clone(),
        },
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_is_multibase_base32_of_a_raw_sha256_cid() {
        let cid = cid_of(b"");
        // CIDv1 raw sha2-256 of the empty string, as `ipfs add --raw-leaves --cid-version 1`.
        assert_eq!(
            cid,
            "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
        );
    }

    #[test]
    fn budget_ballots_fit_the_weight() {
        let p = TallyParams {
            max_count: 4,
            max_value: 0,
            cost_exponent: 2,
            cost_from_weight: true,
            ..TallyParams::default()
        };
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let weight = (BigUint::from(1u32) << 64u32) + BigUint::from(5u32);
        for _ in 0..50 {
            let v = valid_ballot(&mut rng, &p, &weight);
            assert_eq!(check_ballot(&v, &weight, &p), BallotVerdict::Valid);
            let bad = invalid_ballot(&mut rng, &p, &weight);
            assert!(matches!(
                check_ballot(&bad, &weight, &p),
                BallotVerdict::Invalid(_)
            ));
        }
    }
}
