//! The in-memory "world" the loopback node serves: chain info, elections with their votes, keys
//! and scrutiny, transactions, blocks, IPFS objects and SaaS processes, all held in the wire
//! models of [`crate::api`]. It mirrors what a `vocdoni/vocdoni-node` indexer + state and a
//! `vocdoni/saas-backend` would publish; building one by hand needs no cryptography.
//!
//! Every collection is a `BTreeMap` (or a `Vec` whose order is defined), so the bytes the server
//! derives from a world are the same on every run.

use std::collections::BTreeMap;

use crate::api::node::{
    Account, Block, ChainInfo, CircuitConfig, Election, ElectionKeys, MetadataHistory, Scrutiny,
    TransactionResponse, VoteDetail,
};
use crate::api::saas::{LegacyProcess, Process, ProcessBundle, ProcessResults};

use super::SimError;

/// Everything the simulated node, SaaS API and IPFS gateway publish.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// `GET /chain/info`, served as is.
    pub chain_info: ChainInfo,
    /// Elections by lowercase 64-hex id.
    pub elections: BTreeMap<String, SimElection>,
    /// `GET /chain/transactions/{hash}` bodies by lowercase hex hash: the exact JSON the node
    /// would serve (without the trailing newline the server appends), so a test can plant
    /// bytes no Rust type would produce (base64 bytes of old nodes, odd field orders).
    pub transactions: BTreeMap<String, String>,
    /// `GET /chain/blocks/{height}`.
    pub blocks: BTreeMap<u64, Block>,
    /// Raw IPFS objects by CID, served by the path gateway `/ipfs/{cid}`.
    pub ipfs: BTreeMap<String, Vec<u8>>,
    /// SaaS multi-question processes by 24-hex id.
    pub saas_processes: BTreeMap<String, SaasProcess>,
    /// Legacy single-election SaaS processes (`/process/{id}`) by 24-hex id.
    pub legacy_processes: BTreeMap<String, LegacyProcess>,
    /// Legacy SaaS process bundles (`/process/bundle/{id}`) by 24-hex id.
    pub process_bundles: BTreeMap<String, ProcessBundle>,
    /// `GET /accounts/{address}` by lowercase 40-hex address (the organisations').
    pub accounts: BTreeMap<String, Account>,
    /// Answer as `release-lts-2` nodes do, which register `/chain/transactions` for POST only:
    /// no filtered transaction list (HTTP 405).
    pub no_tx_index: bool,
    /// The snarkjs `verification_key.json` of the test circuit the world's anonymous votes are
    /// proved with (`sim serve` writes it for `--zk-key`); `None` without anonymous elections.
    pub zk_key: Option<Vec<u8>>,
    /// The seed of that circuit ([`super::generate::test_circuit`]), for tampers that re-prove.
    pub zk_seed: Option<u64>,
    /// `GET /chain/info/circuit` (404 when `None`): the circuit the simulated node says it
    /// verifies anonymous votes with.
    pub circuit: Option<CircuitConfig>,
    /// `GET /siks/roots` (404 when `None`): the SIK roots valid now, hex.
    pub sik_roots: Option<Vec<String>>,
}

/// One SaaS process: `GET /processes/{id}` and `GET /processes/{id}/results`.
#[derive(Debug, Clone, Default)]
pub struct SaasProcess {
    pub process: Process,
    pub results: ProcessResults,
    /// Exact bodies served instead of `process` / `results` (without the framing newlines), so
    /// a test can plant shapes no Rust type would produce: a string where Go writes a number,
    /// fields of a newer backend. Live stages do not rewrite them.
    pub process_body: Option<String>,
    pub results_body: Option<String>,
}

/// One election as the node knows it.
///
/// `votes` holds the indexer's vote table: one [`VoteDetail`] per nullifier, the last accepted
/// envelope (`REPLACE INTO votes`). If two entries share a nullifier the later one replaces the
/// earlier, exactly like an overwrite on chain.
#[derive(Debug, Clone)]
pub struct SimElection {
    /// `GET /elections/{id}`; `status` decides whether `/scrutiny` answers.
    pub election: Election,
    /// `GET /elections/{id}/keys` for an election with `voteMode.encryptedVotes`; `None` serves
    /// `{}` (no key added yet). Ignored for unencrypted elections, which answer 404/4047.
    pub keys: Option<ElectionKeys>,
    /// `GET /elections/{id}/scrutiny`, served only while `election.status == "RESULTS"`
    /// (otherwise HTTP 500 code 5024; RESULTS without a scrutiny is HTTP 500 code 5025).
    pub scrutiny: Option<Scrutiny>,
    /// Votes visible from the start.
    pub votes: Vec<VoteDetail>,
    /// Votes still to arrive (a "live" election), see [`LiveVotes`].
    pub live: Option<LiveVotes>,
    /// Extra vote-list rows a broken indexer lists besides the table's: each repeats a row of
    /// `votes` (same nullifier) in the list routes only. `/votes/{id}`, the state routes and
    /// `voteCount` keep following `votes`; a test that wants `voteCount` to follow sets it.
    pub extra_rows: Vec<VoteDetail>,
    /// The end NEW_PROCESS scheduled (`startTime + duration`, Unix seconds), when the world
    /// holds the election's history; `election.endDate` differs from it after a manual end.
    pub scheduled_end: Option<i64>,
    /// `GET /elections/{id}/metadata/history` (a newer gateway's route); `None` answers as
    /// vocdoni-node `8e2adfd0`, which does not register it (chi's 404).
    pub metadata_history: Option<MetadataHistory>,
}

/// The arrival model of a live election.
///
/// Every vote-list request for the election (`/votes?electionId=` or the legacy page route)
/// first makes the next `reveal_per_list_request` pending votes visible, in `pending` order, then
/// answers. A revealed vote appears in the list, `/votes/{id}`, `/votes/verify`, the count route
/// and the election's `voteCount`; its nullifier may repeat an earlier one (an overwrite: the row
/// moves to its new height, the count does not grow). Because new votes carry higher block
/// heights and the list is ordered by height descending, earlier pages shift while a client
/// reads: exactly the hazard the real node has before an election ends. Transactions of pending
/// votes are served from the start (the world's transaction map is static).
///
/// `stages` then move the election through its life (`READY → ENDED → RESULTS`, a live
/// `result` that appears or changes, keys revealed), each once its [`StageTrigger`] is met.
/// [`super::live::envelopes_in_chain_order`] builds a `pending` list that includes the
/// envelopes later overwritten.
#[derive(Debug, Clone, Default)]
pub struct LiveVotes {
    pub pending: Vec<VoteDetail>,
    pub reveal_per_list_request: usize,
    /// Applied in order; a stage waits for the one before it.
    pub stages: Vec<LiveStage>,
}

/// One change of a live election's published state. `None` fields keep their value.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveStage {
    pub trigger: StageTrigger,
    /// The election's new `status` (`ENDED`, `RESULTS`, …). `/scrutiny` answers from the stage
    /// whose status is `RESULTS` on, with the world's `scrutiny`.
    pub status: Option<String>,
    /// The new live `result`; `Some(None)` withdraws it.
    pub result: Option<Option<Vec<Vec<String>>>>,
    pub final_results: Option<bool>,
    /// The new `/keys` answer (private keys revealed), for an encrypted election.
    pub keys: Option<ElectionKeys>,
}

impl LiveStage {
    /// A stage that changes nothing yet; set the fields that change.
    pub fn at(trigger: StageTrigger) -> Self {
        Self {
            trigger,
            status: None,
            result: None,
            final_results: None,
            keys: None,
        }
    }

    /// This stage with the election's status set to `status`.
    pub fn status(mut self, status: &str) -> Self {
        self.status = Some(status.to_string());
        self
    }

    /// This stage with the live `result` set to `result`.
    pub fn result(mut self, result: Option<Vec<Vec<String>>>) -> Self {
        self.result = Some(result);
        self
    }
}

/// When a [`LiveStage`] applies. Both count from the moment the stage before it applied, so a
/// schedule is a deterministic function of the requests a client makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageTrigger {
    /// As soon as this many pending votes have been revealed in all (0: from the start).
    Revealed(usize),
    /// At the `n`-th read of `GET /elections/{id}` once every pending vote is revealed (`1`:
    /// the first such read already answers with the stage applied). A watcher reads the
    /// election once per poll, so this counts its polls.
    Reads(u64),
}

impl SimElection {
    /// An election with no votes, keys or scrutiny.
    pub fn new(election: Election) -> Self {
        Self {
            election,
            keys: None,
            scrutiny: None,
            votes: Vec::new(),
            live: None,
            extra_rows: Vec::new(),
            scheduled_end: None,
            metadata_history: None,
        }
    }
}

impl World {
    /// An empty world on the given chain.
    pub fn new(chain_info: ChainInfo) -> Self {
        Self {
            chain_info,
            ..Self::default()
        }
    }

    /// Adds an election under its `electionId`, which must be 64 hex characters (the node's
    /// vote list only accepts a full id); it is stored lowercase.
    pub fn add_election(&mut self, election: SimElection) -> Result<(), SimError> {
        let id = full_election_id(&election.election.election_id).ok_or_else(|| {
            SimError::InvalidId {
                what: "electionId",
                id: election.election.election_id.clone(),
            }
        })?;
        if self.elections.contains_key(&id) {
            return Err(SimError::Duplicate {
                what: "election",
                id,
            });
        }
        self.elections.insert(id, election);
        Ok(())
    }

    /// Stores a transaction under `txInfo.hash` (lowercase) as the JSON serde produces for it.
    pub fn add_transaction(&mut self, tx: &TransactionResponse) -> Result<(), SimError> {
        let json = serde_json::to_string(tx).map_err(SimError::Serialize)?;
        self.transactions
            .insert(tx.tx_info.hash.to_ascii_lowercase(), json);
        Ok(())
    }

    /// Stores a block under its header height.
    pub fn add_block(&mut self, block: Block) {
        self.blocks.insert(block.header.height, block);
    }
}

/// The lowercase form of a full 64-hex election id (an optional `0x` is dropped, as the node's
/// `util.TrimHex` does), or `None` when it is not exactly 32 bytes of hex.
pub(crate) fn full_election_id(id: &str) -> Option<String> {
    let id = id.strip_prefix("0x").unwrap_or(id);
    (id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn election_ids_must_be_full_hex() {
        let upper = "AB".repeat(32);
        assert_eq!(full_election_id(&upper), Some("ab".repeat(32)));
        assert_eq!(
            full_election_id(&format!("0x{}", "0f".repeat(32))),
            Some("0f".repeat(32))
        );
        assert_eq!(full_election_id(&"ab".repeat(31)), None);
        assert_eq!(full_election_id(&"zz".repeat(32)), None);
    }

    #[test]
    fn add_election_refuses_short_and_duplicate_ids() {
        let mut world = World::default();
        let mut e = Election {
            election_id: "abcd".into(),
            ..Election::default()
        };
        assert!(matches!(
            world.add_election(SimElection::new(e.clone())),
            Err(SimError::InvalidId { .. })
        ));
        e.election_id = "CD".repeat(32);
        world.add_election(SimElection::new(e.clone())).unwrap();
        assert!(world.elections.contains_key(&"cd".repeat(32)));
        assert!(matches!(
            world.add_election(SimElection::new(e)),
            Err(SimError::Duplicate { .. })
        ));
    }
}
