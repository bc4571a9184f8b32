//! The loopback Vocdoni node: an axum server answering the node API v2 routes an audit uses
//! (under `/v2`), the SaaS routes (under `/saas`) and a path-style IPFS gateway (`/ipfs/{cid}`)
//! from a [`World`], with the faults of a [`FaultPlan`].
//!
//! Statuses, error codes, messages and framing mirror `vocdoni/vocdoni-node:api/*.go` and
//! `httprouter/message.go` (JSON bodies end with `\n`; HTTP 204 carries no body; Go's HTML
//! escaping of `<`, `>`, `&`), and `vocdoni/saas-backend:api/apicommon/helpers.go` (`\n\n`).
//! Every body is serialised once when the server starts, so a request costs a map lookup and a
//! `Bytes` clone, and the same world always yields the same bytes.

use std::cmp::Reverse;
use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use futures::{stream, StreamExt};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::node::{codes, ApiError, Election, ElectionKeys, Pagination, VoteDetail, VoteRow};

use super::faults::{BodyFault, FaultPlan, FaultState, Replacement};
use super::hostile;
use super::live::Schedule;
use super::world::{full_election_id, SimElection, World};
use super::SimError;

/// Route names a fault scope may use (see [`super::faults`]).
pub const ROUTE_NAMES: &[&str] = &[
    "chain-info",
    "election",
    "keys",
    "scrutiny",
    "count",
    "legacy-votes",
    "votes",
    "vote",
    "verify",
    "tx",
    "tx-list",
    "tx-ref",
    "block",
    "ipfs",
    "saas-process",
    "saas-results",
    "saas-legacy-process",
    "saas-bundle",
    "account",
    "circuit",
    "sik-roots",
    "metadata-history",
];

/// `DefaultItemsPerPage` and `MaxItemsPerPage` of `api/api.go`.
const DEFAULT_LIMIT: u64 = 10;
const MAX_LIMIT: u64 = 100;

/// How long a truncated body waits after its prefix before failing.
const FLUSH_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";
const OCTETS: &str = "application/octet-stream";

/// A running simulated node. Dropping it shuts the server down too (without waiting).
#[derive(Debug)]
pub struct SimServer {
    addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

impl SimServer {
    /// The bound address (the real port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, also the path-style IPFS gateway base (`{base}/ipfs/{cid}`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The node API base, as `--node` takes it: `{base}/v2`.
    pub fn node_url(&self) -> String {
        format!("{}/v2", self.base_url())
    }

    /// The SaaS API base, as `--saas` takes it: `{base}/saas`.
    pub fn saas_url(&self) -> String {
        format!("{}/saas", self.base_url())
    }

    /// Stops accepting connections, lets in-flight requests finish and waits for the server.
    pub async fn shutdown(self) -> Result<(), SimError> {
        // The receiver is gone only if the server already stopped; the join below reports why.
        let _ = self.shutdown.send(());
        match self.task.await {
            Ok(result) => result.map_err(SimError::Server),
            Err(_) => Err(SimError::Join),
        }
    }
}

/// Serves `world` with `faults` on `addr` (use port 0 for a free port). The world is serialised
/// up front; later changes to it are not seen by the server.
pub async fn serve(
    world: &World,
    faults: FaultPlan,
    addr: SocketAddr,
) -> Result<SimServer, SimError> {
    let node = Arc::new(Node::build(world, faults)?);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| SimError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SimError::Bind { addr, source })?;
    let app = Router::new().fallback(handle).with_state(node);
    let (shutdown, stop) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                // A dropped sender also stops the server.
                let _ = stop.await;
            })
            .await
    });
    Ok(SimServer {
        addr,
        shutdown,
        task,
    })
}

/// [`serve`] on `127.0.0.1` with a free port.
pub async fn serve_local(world: &World, faults: FaultPlan) -> Result<SimServer, SimError> {
    serve(world, faults, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
}

/// The routes served, with their path parameters as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route<'a> {
    ChainInfo,
    Circuit,
    SikRoots,
    Election(&'a str),
    Keys(&'a str),
    Scrutiny(&'a str),
    MetadataHistory(&'a str),
    Count(&'a str),
    LegacyVotes(&'a str, &'a str),
    Votes,
    Vote(&'a str),
    Verify(&'a str, &'a str),
    Tx(&'a str),
    TxList,
    TxRef(&'a str),
    Block(&'a str),
    Ipfs(&'a str),
    SaasProcess(&'a str),
    SaasResults(&'a str),
    SaasLegacyProcess(&'a str),
    SaasBundle(&'a str),
    Account(&'a str),
}

impl<'a> Route<'a> {
    fn parse(path: &'a str) -> Option<Self> {
        let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        if segments.iter().any(|s| s.is_empty()) {
            return None;
        }
        Some(match segments[..] {
            ["v2", "chain", "info"] => Route::ChainInfo,
            ["v2", "chain", "info", "circuit"] => Route::Circuit,
            ["v2", "siks", "roots"] => Route::SikRoots,
            ["v2", "chain", "transactions"] => Route::TxList,
            ["v2", "chain", "transactions", "reference", hash] => Route::TxRef(hash),
            ["v2", "chain", "transactions", hash] => Route::Tx(hash),
            ["v2", "chain", "blocks", height] => Route::Block(height),
            ["v2", "accounts", address] => Route::Account(address),
            ["v2", "elections", id] => Route::Election(id),
            ["v2", "elections", id, "keys"] => Route::Keys(id),
            ["v2", "elections", id, "scrutiny"] => Route::Scrutiny(id),
            ["v2", "elections", id, "metadata", "history"] => Route::MetadataHistory(id),
            ["v2", "elections", id, "votes", "count"] => Route::Count(id),
            ["v2", "elections", id, "votes", "page", page] => Route::LegacyVotes(id, page),
            ["v2", "votes"] => Route::Votes,
            ["v2", "votes", "verify", election, vote] => Route::Verify(election, vote),
            ["v2", "votes", id] => Route::Vote(id),
            ["ipfs", cid] => Route::Ipfs(cid),
            ["saas", "processes", id] => Route::SaasProcess(id),
            ["saas", "processes", id, "results"] => Route::SaasResults(id),
            ["saas", "process", "bundle", id] => Route::SaasBundle(id),
            ["saas", "process", id] => Route::SaasLegacyProcess(id),
            _ => return None,
        })
    }

    fn name(&self) -> &'static str {
        match self {
            Route::ChainInfo => "chain-info",
            Route::Circuit => "circuit",
            Route::SikRoots => "sik-roots",
            Route::Election(_) => "election",
            Route::Keys(_) => "keys",
            Route::Scrutiny(_) => "scrutiny",
            Route::MetadataHistory(_) => "metadata-history",
            Route::Count(_) => "count",
            Route::LegacyVotes(..) => "legacy-votes",
            Route::Votes => "votes",
            Route::Vote(_) => "vote",
            Route::Verify(..) => "verify",
            Route::Tx(_) => "tx",
            Route::TxList => "tx-list",
            Route::TxRef(_) => "tx-ref",
            Route::Block(_) => "block",
            Route::Ipfs(_) => "ipfs",
            Route::SaasProcess(_) => "saas-process",
            Route::SaasResults(_) => "saas-results",
            Route::SaasLegacyProcess(_) => "saas-legacy-process",
            Route::Account(_) => "account",
            Route::SaasBundle(_) => "saas-bundle",
        }
    }
}

/// A response before faults touch it.
#[derive(Debug, Clone)]
struct Reply {
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
}

impl Reply {
    fn ok_json(body: Bytes) -> Self {
        Self {
            status: StatusCode::OK,
            content_type: JSON,
            body,
        }
    }

    /// The node's `APIerror.Send`: `{"error","code"}` with the error's HTTP status; a 204 error
    /// sends no body at all (`httprouter/message.go`).
    fn node_error(status: u16, code: u32, error: impl Into<String>) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status == StatusCode::NO_CONTENT {
            return Self {
                status,
                content_type: JSON,
                body: Bytes::new(),
            };
        }
        let body = node_json(&ApiError {
            error: error.into(),
            code,
        })
        .unwrap_or_else(|_| Bytes::from_static(b"marshal failed\n"));
        Self {
            status,
            content_type: JSON,
            body,
        }
    }

    /// A handler that returns a plain Go error: HTTP 500 with the error text as the body (still
    /// labelled `application/json` by `HTTPContext.Send`).
    fn plain_error(text: String) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            content_type: JSON,
            body: Bytes::from(text + "\n"),
        }
    }

    /// chi's default for an unknown path.
    fn unknown_route() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            content_type: TEXT,
            body: Bytes::from_static(b"404 page not found\n"),
        }
    }
}

/// Errors of `api/errors.go` the routes use.
mod node_errors {
    use super::{codes, Reply};

    pub fn election_not_found() -> Reply {
        Reply::node_error(404, codes::ELECTION_NOT_FOUND, "election not found")
    }
    pub fn vote_not_found() -> Reply {
        Reply::node_error(404, codes::VOTE_NOT_FOUND, "vote not found")
    }
    pub fn page_not_found() -> Reply {
        Reply::node_error(404, codes::PAGE_NOT_FOUND, "page not found")
    }
    pub fn cant_parse_number(s: &str) -> Reply {
        Reply::node_error(400, 4019, format!("cannot parse number: {s}"))
    }
    pub fn cant_parse_election_id(param: &str, err: &str) -> Reply {
        Reply::node_error(
            400,
            4017,
            format!("cannot parse electionId: ({param}): {err}"),
        )
    }
    pub fn cant_parse_vote_id(err: &str) -> Reply {
        Reply::node_error(400, 4021, format!("cannot parse voteId: {err}"))
    }
    pub fn vote_id_malformed(hex: &str) -> Reply {
        Reply::node_error(400, 4023, format!("voteId is malformed: {hex}"))
    }
    pub fn marshal_failed(err: &str) -> Reply {
        Reply::node_error(
            500,
            5006,
            format!("marshaling (server-side) JSON failed: {err}"),
        )
    }
}

/// SaaS errors (`vocdoni/saas-backend:errors/errors_definition.go`).
fn saas_error(status: StatusCode, code: u32, error: String) -> Reply {
    let body = serde_json::to_vec(&ApiError { error, code })
        .map(|json| frame(go_escape(json), b"\n"))
        .unwrap_or_else(|_| Bytes::from_static(b"marshal failed\n"));
    Reply {
        status,
        content_type: JSON,
        body,
    }
}

/// The node's framing of a JSON value: Go-escaped JSON and a newline.
fn node_json<T: Serialize>(value: &T) -> Result<Bytes, serde_json::Error> {
    serde_json::to_vec(value).map(|json| frame(go_escape(json), b"\n"))
}

/// The SaaS framing: `json.Encoder.Encode` (JSON + newline) followed by another newline.
fn saas_json<T: Serialize>(value: &T) -> Result<Bytes, serde_json::Error> {
    serde_json::to_vec(value).map(|json| frame(go_escape(json), b"\n\n"))
}

/// JSON of one list row (Go-escaped, no newline).
fn row_json(row: &VoteRow) -> Result<Bytes, serde_json::Error> {
    serde_json::to_vec(row).map(|json| Bytes::from(go_escape(json)))
}

fn frame(mut json: Vec<u8>, end: &[u8]) -> Bytes {
    json.extend_from_slice(end);
    Bytes::from(json)
}

/// Go's `encoding/json` escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings; outside strings
/// JSON never holds those characters, so a byte-level rewrite is exact.
fn go_escape(json: Vec<u8>) -> Vec<u8> {
    if !json.iter().any(|&b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 16);
    let mut rest = json.as_slice();
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            0xE2 if tail.starts_with(&[0x80, 0xA8]) || tail.starts_with(&[0x80, 0xA9]) => {
                let last = tail.get(1).copied().unwrap_or_default();
                out.extend_from_slice(if last == 0xA8 { b"\\u2028" } else { b"\\u2029" });
                rest = tail.get(2..).unwrap_or_default();
            }
            _ => out.push(b),
        }
    }
    out
}

/// Go's `hex.DecodeString(util.TrimHex(s))` with Go's error texts.
fn go_hex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    let invalid = |c: u8| format!("encoding/hex: invalid byte: U+{:04X} {:?}", c, c as char);
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut pairs = s.as_bytes().chunks_exact(2);
    for pair in pairs.by_ref() {
        let (hi, lo) = (pair.first().copied(), pair.get(1).copied());
        let (Some(hi), Some(lo)) = (hi, lo) else {
            continue;
        };
        let h = hex_value(hi).ok_or_else(|| invalid(hi))?;
        let l = hex_value(lo).ok_or_else(|| invalid(lo))?;
        out.push((h << 4) | l);
    }
    if let Some(&last) = pairs.remainder().first() {
        hex_value(last).ok_or_else(|| invalid(last))?;
        return Err("encoding/hex: odd length hex string".to_string());
    }
    Ok(out)
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// One row of the indexer's transaction table (`indexertypes.TransactionMetadata`).
#[derive(Debug)]
struct TxMeta {
    height: u64,
    index: u32,
    /// Lower-cased for the filters.
    tx_type: String,
    subtype: String,
    signer: String,
    hash: String,
    /// The row as served (`{"hash","height","index","type","subtype","signer"}`).
    json: Bytes,
}

impl TxMeta {
    /// The rows of every served transaction, newest first; the hash is the one the world serves
    /// the transaction under (a tamper may make it differ from the bytes' hash).
    fn index(transactions: &BTreeMap<String, String>) -> Result<Vec<TxMeta>, serde_json::Error> {
        let mut rows = Vec::with_capacity(transactions.len());
        for (hash, json) in transactions {
            // Hand-planted bodies that are not transactions are served by hash only.
            let Ok(tx) = serde_json::from_str::<crate::api::node::TransactionResponse>(json) else {
                continue;
            };
            let mut info = tx.tx_info;
            info.hash = hash.to_ascii_lowercase();
            rows.push(TxMeta {
                height: info.height,
                index: info.index,
                tx_type: info.tx_type.to_ascii_lowercase(),
                subtype: info.subtype.to_ascii_lowercase(),
                signer: info.signer.to_ascii_lowercase(),
                hash: info.hash.clone(),
                json: Bytes::from(serde_json::to_vec(&info)?),
            });
        }
        rows.sort_by_key(|t| (Reverse(t.height), Reverse(t.index)));
        Ok(rows)
    }
}

/// One vote-list row, pre-serialised for both list routes.
#[derive(Debug, Clone)]
struct Row {
    height: u64,
    nullifier: String,
    /// `/votes?electionId=` row (with `electionID`, `blockTime`).
    modern: Bytes,
    /// Legacy page row (no `electionID`, no `blockTime`).
    legacy: Bytes,
}

impl Row {
    /// `ORDER BY block_height DESC, nullifier ASC`.
    fn key(&self) -> (Reverse<u64>, &str) {
        (Reverse(self.height), self.nullifier.as_str())
    }

    fn of(vote: &VoteDetail) -> Result<Self, serde_json::Error> {
        let mut row = VoteRow {
            tx_hash: vote.tx_hash.clone(),
            vote_id: vote.vote_id.clone(),
            voter_id: vote.voter_id.clone(),
            election_id: Some(vote.election_id.clone()),
            block_height: vote.block_height,
            transaction_index: vote.transaction_index,
            block_time: (!vote.date.is_empty()).then(|| vote.date.clone()),
        };
        let modern = row_json(&row)?;
        row.election_id = None;
        row.block_time = None;
        Ok(Self {
            height: vote.block_height,
            nullifier: vote.vote_id.to_ascii_lowercase(),
            modern,
            legacy: row_json(&row)?,
        })
    }
}

/// The vote table of one election plus the votes still to arrive.
#[derive(Debug)]
struct VoteBook {
    election: Election,
    /// `voteCount` as the world states it, before any live vote arrived.
    base_vote_count: u64,
    initial_distinct: usize,
    election_body: Bytes,
    /// Sorted by [`Row::key`].
    rows: Vec<Row>,
    /// Vote detail bodies by lowercase nullifier; also the set of nullifiers in "state".
    details: BTreeMap<String, (u64, Bytes)>,
    pending: VecDeque<VoteDetail>,
    reveal_per_list_request: usize,
    /// Pending votes revealed so far.
    revealed: usize,
    /// The live election's stages still to apply.
    schedule: Schedule,
    /// `/keys` as a stage revealed them (`None`: the world's keys).
    staged_keys: Option<Bytes>,
}

impl VoteBook {
    fn build(sim: &SimElection) -> Result<Self, serde_json::Error> {
        let mut latest: BTreeMap<String, &VoteDetail> = BTreeMap::new();
        for vote in &sim.votes {
            latest.insert(vote.vote_id.to_ascii_lowercase(), vote);
        }
        let mut rows = Vec::with_capacity(latest.len());
        let mut details = BTreeMap::new();
        for (nullifier, vote) in latest {
            rows.push(Row::of(vote)?);
            details.insert(nullifier, (vote.block_height, node_json(vote)?));
        }
        for extra in &sim.extra_rows {
            rows.push(Row::of(extra)?);
        }
        rows.sort_by(|a, b| a.key().cmp(&b.key()));
        let (pending, reveal, schedule) = match &sim.live {
            Some(live) => (
                live.pending.iter().cloned().collect(),
                live.reveal_per_list_request,
                Schedule::new(&live.stages),
            ),
            None => (VecDeque::new(), 0, Schedule::default()),
        };
        let mut book = Self {
            election: sim.election.clone(),
            base_vote_count: sim.election.vote_count,
            initial_distinct: details.len(),
            election_body: node_json(&sim.election)?,
            rows,
            details,
            pending,
            reveal_per_list_request: reveal,
            revealed: 0,
            schedule,
            staged_keys: None,
        };
        book.apply_stages()?;
        Ok(book)
    }

    /// `GET /elections/{id}`: counts the read for the live stages, then answers.
    fn read_election(&mut self) -> Result<Bytes, serde_json::Error> {
        self.schedule.count_read(self.pending.is_empty());
        self.apply_stages()?;
        Ok(self.election_body.clone())
    }

    /// Applies the live stages now due (see [`super::world::LiveStage`]).
    fn apply_stages(&mut self) -> Result<(), serde_json::Error> {
        let mut keys: Option<ElectionKeys> = None;
        let drained = self.pending.is_empty();
        if self
            .schedule
            .apply_due(self.revealed, drained, &mut self.election, &mut keys)
        {
            self.election_body = node_json(&self.election)?;
        }
        if let Some(keys) = keys {
            self.staged_keys = Some(node_json(&keys)?);
        }
        Ok(())
    }

    /// Makes the next pending votes visible (see [`super::world::LiveVotes`]).
    fn reveal(&mut self) -> Result<(), serde_json::Error> {
        let mut changed = false;
        for _ in 0..self.reveal_per_list_request {
            let Some(vote) = self.pending.pop_front() else {
                break;
            };
            self.insert(&vote)?;
            self.revealed += 1;
            changed = true;
        }
        if changed {
            let grown = self.details.len().saturating_sub(self.initial_distinct) as u64;
            self.election.vote_count = self.base_vote_count.saturating_add(grown);
            self.election_body = node_json(&self.election)?;
            self.apply_stages()?;
        }
        Ok(())
    }

    /// `REPLACE INTO votes`: a repeated nullifier moves to its new height.
    fn insert(&mut self, vote: &VoteDetail) -> Result<(), serde_json::Error> {
        let row = Row::of(vote)?;
        let detail = node_json(vote)?;
        if let Some((old_height, _)) = self.details.get(&row.nullifier) {
            let old_key = (Reverse(*old_height), row.nullifier.as_str());
            if let Ok(i) = self.rows.binary_search_by(|r| r.key().cmp(&old_key)) {
                self.rows.remove(i);
            }
        }
        let at = self
            .rows
            .binary_search_by(|r| r.key().cmp(&row.key()))
            .unwrap_or_else(|i| i);
        self.details
            .insert(row.nullifier.clone(), (vote.block_height, detail));
        self.rows.insert(at, row);
        Ok(())
    }
}

/// `/scrutiny` before the election has results.
fn not_yet_results() -> Reply {
    Reply::node_error(
        500,
        codes::RESULTS_NOT_AVAILABLE,
        "election results are not yet available",
    )
}

/// One election's precomputed answers.
#[derive(Debug)]
struct ServedElection {
    /// `None` for an unencrypted election (404/4047).
    keys: Option<Bytes>,
    /// The answer while the status is RESULTS.
    scrutiny: Result<Bytes, Reply>,
    /// `/metadata/history`, when the world serves it.
    metadata_history: Option<Bytes>,
    book: Mutex<VoteBook>,
}

impl ServedElection {
    fn book(&self) -> MutexGuard<'_, VoteBook> {
        // A panic while holding the lock cannot leave the book half-updated in a way that
        // matters to a test server; keep serving.
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Everything the server answers, serialised once.
#[derive(Debug)]
struct Node {
    chain_info: Bytes,
    /// `/chain/info/circuit` and `/siks/roots`, when the world has them.
    circuit: Option<Bytes>,
    sik_roots: Option<Bytes>,
    elections: BTreeMap<String, ServedElection>,
    transactions: BTreeMap<String, Bytes>,
    /// The indexer's transaction table, `block_height DESC, block_index DESC`.
    tx_index: Vec<TxMeta>,
    no_tx_index: bool,
    blocks: BTreeMap<u64, Bytes>,
    ipfs: BTreeMap<String, Bytes>,
    saas_processes: BTreeMap<String, Bytes>,
    saas_results: BTreeMap<String, Bytes>,
    legacy_processes: BTreeMap<String, Bytes>,
    process_bundles: BTreeMap<String, Bytes>,
    accounts: BTreeMap<String, Bytes>,
    faults: FaultState,
}

impl Node {
    fn build(world: &World, faults: FaultPlan) -> Result<Self, SimError> {
        let ser = SimError::Serialize;
        let mut elections = BTreeMap::new();
        for (id, sim) in &world.elections {
            let id = full_election_id(id).ok_or_else(|| SimError::InvalidId {
                what: "electionId",
                id: id.clone(),
            })?;
            let keys = if sim.election.vote_mode.encrypted_votes {
                Some(node_json(&sim.keys.clone().unwrap_or_default()).map_err(ser)?)
            } else {
                None
            };
            // The answer once the status is RESULTS (the route checks the current status).
            let scrutiny = match &sim.scrutiny {
                None => Err(Reply::node_error(500, 5025, "election results is nil")),
                Some(s) => Ok(node_json(s).map_err(ser)?),
            };
            let book = Mutex::new(VoteBook::build(sim).map_err(ser)?);
            elections.insert(
                id,
                ServedElection {
                    keys,
                    scrutiny,
                    metadata_history: sim
                        .metadata_history
                        .as_ref()
                        .map(node_json)
                        .transpose()
                        .map_err(ser)?,
                    book,
                },
            );
        }
        let framed = |json: &String| frame(json.as_bytes().to_vec(), b"\n");
        Ok(Self {
            chain_info: node_json(&world.chain_info).map_err(ser)?,
            circuit: world
                .circuit
                .as_ref()
                .map(node_json)
                .transpose()
                .map_err(ser)?,
            sik_roots: world
                .sik_roots
                .as_ref()
                .map(|roots| {
                    node_json(&crate::api::node::SikRoots {
                        sikroots: Some(roots.clone()),
                    })
                })
                .transpose()
                .map_err(ser)?,
            elections,
            transactions: world
                .transactions
                .iter()
                .map(|(h, json)| (h.to_ascii_lowercase(), framed(json)))
                .collect(),
            tx_index: TxMeta::index(&world.transactions).map_err(ser)?,
            no_tx_index: world.no_tx_index,
            blocks: world
                .blocks
                .iter()
                .map(|(h, b)| Ok((*h, node_json(b).map_err(ser)?)))
                .collect::<Result<_, SimError>>()?,
            ipfs: world
                .ipfs
                .iter()
                .map(|(cid, bytes)| (cid.clone(), Bytes::from(bytes.clone())))
                .collect(),
            saas_processes: saas_map(&world.saas_processes, |p| match &p.process_body {
                Some(body) => Ok(frame(body.clone().into_bytes(), b"\n\n")),
                None => saas_json(&p.process),
            })?,
            saas_results: saas_map(&world.saas_processes, |p| match &p.results_body {
                Some(body) => Ok(frame(body.clone().into_bytes(), b"\n\n")),
                None => saas_json(&p.results),
            })?,
            legacy_processes: saas_map(&world.legacy_processes, saas_json)?,
            process_bundles: saas_map(&world.process_bundles, saas_json)?,
            accounts: world
                .accounts
                .iter()
                .map(|(address, a)| Ok((address.to_ascii_lowercase(), node_json(a).map_err(ser)?)))
                .collect::<Result<_, SimError>>()?,
            faults: FaultState::new(faults),
        })
    }

    fn answer(&self, route: Route<'_>, query: &str) -> Reply {
        match route {
            Route::ChainInfo => Reply::ok_json(self.chain_info.clone()),
            Route::Circuit => match &self.circuit {
                Some(body) => Reply::ok_json(body.clone()),
                None => Reply::unknown_route(),
            },
            Route::SikRoots => match &self.sik_roots {
                Some(body) => Reply::ok_json(body.clone()),
                None => Reply::unknown_route(),
            },
            Route::Election(id) => self.with_election(id, |e| {
                e.book()
                    .read_election()
                    .map(Reply::ok_json)
                    .unwrap_or_else(|err| node_errors::marshal_failed(&err.to_string()))
            }),
            Route::Keys(id) => self.with_election(id, |e| match &e.keys {
                Some(body) => Reply::ok_json(e.book().staged_keys.clone().unwrap_or(body.clone())),
                None => {
                    Reply::node_error(404, codes::NO_ELECTION_KEYS, "no election keys available")
                }
            }),
            Route::Scrutiny(id) => self.with_election(id, |e| match &e.scrutiny {
                // A live election may reach RESULTS while served.
                _ if e.book().election.status != "RESULTS" => not_yet_results(),
                Ok(body) => Reply::ok_json(body.clone()),
                Err(reply) => reply.clone(),
            }),
            Route::MetadataHistory(id) => self.with_election(id, |e| match &e.metadata_history {
                Some(body) => Reply::ok_json(body.clone()),
                None => Reply::unknown_route(),
            }),
            Route::Count(id) => self.with_election(id, |e| {
                let count = e.book().details.len();
                node_json(&crate::api::node::VoteCount {
                    count: count as u64,
                })
                .map(Reply::ok_json)
                .unwrap_or_else(|err| node_errors::marshal_failed(&err.to_string()))
            }),
            Route::Votes => self.votes_list(query),
            Route::LegacyVotes(id, page) => self.legacy_votes(id, page),
            Route::Vote(id) => self.vote(id),
            Route::Verify(election, vote) => self.verify(election, vote),
            Route::Tx(hash) => match go_hex(hash) {
                Err(err) => Reply::node_error(
                    400,
                    4056,
                    format!("cannot parse string into hex bytes: {err}"),
                ),
                Ok(bytes) => match self.transactions.get(&hex::encode(bytes)) {
                    Some(body) => Reply::ok_json(body.clone()),
                    None => Reply::node_error(204, codes::TX_NOT_FOUND, "transaction not found"),
                },
            },
            Route::TxList if self.no_tx_index => Reply {
                status: StatusCode::METHOD_NOT_ALLOWED,
                content_type: TEXT,
                body: Bytes::new(),
            },
            Route::TxList => self.tx_list(query),
            Route::TxRef(hash) => match go_hex(hash) {
                Err(err) => Reply::plain_error(format!("encoding/hex: {err}")),
                Ok(bytes) => {
                    let hash = hex::encode(bytes);
                    match self.tx_index.iter().find(|t| t.hash == hash) {
                        Some(t) => Reply::ok_json(frame(t.json.to_vec(), b"\n")),
                        None => {
                            Reply::node_error(204, codes::TX_NOT_FOUND, "transaction not found")
                        }
                    }
                }
            },
            Route::Block(height) => match parse_uint(height) {
                Err(err) => Reply::plain_error(err),
                Ok(h) => match self.blocks.get(&h) {
                    Some(body) => Reply::ok_json(body.clone()),
                    None => Reply::node_error(404, 4008, "block not found"),
                },
            },
            Route::Ipfs(cid) => match self.ipfs.get(cid) {
                Some(bytes) => Reply {
                    status: StatusCode::OK,
                    content_type: OCTETS,
                    body: bytes.clone(),
                },
                None => Reply {
                    status: StatusCode::NOT_FOUND,
                    content_type: TEXT,
                    body: Bytes::from(format!("ipfs resolve -r /ipfs/{cid}: not found\n")),
                },
            },
            Route::SaasProcess(id) => saas_lookup(&self.saas_processes, id, "processId"),
            Route::SaasResults(id) => saas_lookup(&self.saas_results, id, "processId"),
            Route::SaasLegacyProcess(id) => saas_lookup(&self.legacy_processes, id, "processId"),
            Route::SaasBundle(id) => saas_lookup(&self.process_bundles, id, "bundleId"),
            Route::Account(address) => self.account(address),
        }
    }

    /// `accountHandler` of `api/accounts.go`: 40 hex digits (`0x` optional) or 400/4000, an
    /// unknown account 404/4003.
    fn account(&self, param: &str) -> Reply {
        let hex = param.strip_prefix("0x").unwrap_or(param);
        if hex.len() != 40 {
            return Reply::node_error(400, 4000, "address malformed");
        }
        match self.accounts.get(&hex.to_ascii_lowercase()) {
            Some(body) => Reply::ok_json(body.clone()),
            None => Reply::node_error(404, 4003, format!("account not found: 0x{hex}")),
        }
    }

    /// `GET /chain/transactions?page&limit&hash&height&type&subtype&signer`
    /// (`api/chain.go: chainTxListHandler`, `indexer/queries/transactions.sql: SearchTransactions`):
    /// type, subtype and signer compared case-insensitively, a full hash exactly and a shorter one
    /// as a substring, height 0 = any; newest first.
    fn tx_list(&self, query: &str) -> Reply {
        let page = match parse_page(query_param(query, "page")) {
            Ok(page) => page,
            Err(reply) => return reply,
        };
        let limit = match parse_limit(query_param(query, "limit")) {
            Ok(limit) => limit,
            Err(reply) => return reply,
        };
        let height = match parse_number(query_param(query, "height")) {
            Ok(h) => h as u64,
            Err(reply) => return reply,
        };
        let trim = |s: &str| s.strip_prefix("0x").unwrap_or(s).to_ascii_lowercase();
        let (hash, signer) = (
            trim(query_param(query, "hash")),
            trim(query_param(query, "signer")),
        );
        let (tx_type, subtype) = (
            query_param(query, "type").to_ascii_lowercase(),
            query_param(query, "subtype").to_ascii_lowercase(),
        );
        let rows: Vec<&TxMeta> = self
            .tx_index
            .iter()
            .filter(|t| height == 0 || t.height == height)
            .filter(|t| tx_type.is_empty() || t.tx_type == tx_type)
            .filter(|t| subtype.is_empty() || t.subtype == subtype)
            .filter(|t| signer.is_empty() || t.signer == signer)
            .filter(|t| {
                hash.is_empty()
                    || (hash.len() == 64 && t.hash == hash)
                    || (hash.len() < 64 && t.hash.contains(&hash))
            })
            .collect();
        let Some(pagination) = pagination(page, limit, rows.len() as u64) else {
            return node_errors::page_not_found();
        };
        let start = usize::try_from(page.saturating_mul(limit)).unwrap_or(usize::MAX);
        let mut out = b"{\"transactions\":[".to_vec();
        for (i, t) in rows.iter().skip(start).take(limit as usize).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&t.json);
        }
        out.extend_from_slice(b"],\"pagination\":");
        if let Ok(json) = serde_json::to_vec(&pagination) {
            out.extend_from_slice(&json);
        }
        out.extend_from_slice(b"}\n");
        Reply::ok_json(Bytes::from(out))
    }

    /// Decodes an `{electionId}` path parameter as the state handlers do and finds it.
    fn with_election(&self, param: &str, f: impl FnOnce(&ServedElection) -> Reply) -> Reply {
        match go_hex(param) {
            Err(err) => node_errors::cant_parse_election_id(param, &err),
            Ok(bytes) => match self.elections.get(&hex::encode(bytes)) {
                Some(election) => f(election),
                None => node_errors::election_not_found(),
            },
        }
    }

    /// `GET /votes?electionId=&page=&limit=` (`api/vote.go: votesListHandler`).
    fn votes_list(&self, query: &str) -> Reply {
        let page = match parse_page(query_param(query, "page")) {
            Ok(page) => page,
            Err(reply) => return reply,
        };
        let limit = match parse_limit(query_param(query, "limit")) {
            Ok(limit) => limit,
            Err(reply) => return reply,
        };
        let election_param = query_param(query, "electionId");
        if election_param.is_empty() {
            return self.all_votes(page, limit);
        }
        let Some(election) =
            full_election_id(election_param).and_then(|id| self.elections.get(&id))
        else {
            return node_errors::election_not_found();
        };
        let mut book = election.book();
        if let Err(err) = book.reveal() {
            return node_errors::marshal_failed(&err.to_string());
        }
        modern_page(&book.rows, page, limit)
    }

    /// `/votes` without `electionId`: every election's votes in the same order.
    fn all_votes(&self, page: u64, limit: u64) -> Reply {
        let mut rows: Vec<Row> = Vec::new();
        for election in self.elections.values() {
            rows.extend(election.book().rows.iter().cloned());
        }
        rows.sort_by(|a, b| a.key().cmp(&b.key()));
        modern_page(&rows, page, limit)
    }

    /// `GET /elections/{id}/votes/page/{page}` as older nodes serve it: 10 rows without
    /// `electionID`, no `pagination`, an empty list instead of 4057.
    fn legacy_votes(&self, id: &str, page: &str) -> Reply {
        let page = match parse_page(page) {
            Ok(page) => page,
            Err(reply) if reply.status == StatusCode::NOT_FOUND => return empty_votes(),
            Err(reply) => return reply,
        };
        let Some(election) = full_election_id(id).and_then(|id| self.elections.get(&id)) else {
            return node_errors::election_not_found();
        };
        let mut book = election.book();
        if let Err(err) = book.reveal() {
            return node_errors::marshal_failed(&err.to_string());
        }
        let start = page.saturating_mul(DEFAULT_LIMIT);
        let rows = usize::try_from(start)
            .ok()
            .and_then(|start| book.rows.get(start..))
            .unwrap_or_default();
        let rows = rows.iter().take(DEFAULT_LIMIT as usize).map(|r| &r.legacy);
        Reply::ok_json(list_body(rows, None))
    }

    /// `GET /votes/{voteId}` (`api/vote.go: getVoteHandler`).
    fn vote(&self, param: &str) -> Reply {
        let nullifier = match go_hex(param) {
            Err(err) => return node_errors::cant_parse_vote_id(&err),
            Ok(bytes) if bytes.is_empty() => return node_errors::vote_id_malformed(""),
            Ok(bytes) => hex::encode(bytes),
        };
        for election in self.elections.values() {
            if let Some((_, body)) = election.book().details.get(&nullifier) {
                return Reply::ok_json(body.clone());
            }
        }
        node_errors::vote_not_found()
    }

    /// `GET /votes/verify/{electionId}/{voteId}`: 200 with the bare newline `Send(nil)` writes.
    fn verify(&self, election_param: &str, vote_param: &str) -> Reply {
        let vote = match go_hex(vote_param) {
            Err(err) => return node_errors::cant_parse_vote_id(&err),
            Ok(bytes) if bytes.is_empty() => return node_errors::vote_id_malformed(""),
            Ok(bytes) => bytes,
        };
        let election = match go_hex(election_param) {
            Err(err) => return node_errors::cant_parse_election_id(election_param, &err),
            Ok(bytes) => hex::encode(bytes),
        };
        if vote.len() != 32 {
            return node_errors::vote_id_malformed(&hex::encode(vote));
        }
        let found = self
            .elections
            .get(&election)
            .is_some_and(|e| e.book().details.contains_key(&hex::encode(&vote)));
        if found {
            Reply::ok_json(Bytes::from_static(b"\n"))
        } else {
            node_errors::vote_not_found()
        }
    }
}

fn saas_map<T>(
    map: &BTreeMap<String, T>,
    to_json: impl Fn(&T) -> Result<Bytes, serde_json::Error>,
) -> Result<BTreeMap<String, Bytes>, SimError> {
    map.iter()
        .map(|(id, v)| {
            Ok((
                id.to_ascii_lowercase(),
                to_json(v).map_err(SimError::Serialize)?,
            ))
        })
        .collect()
}

/// A SaaS `{processId}`/`{bundleId}` must be a 24-hex ObjectID (`internal.ObjectIDFromHex`).
fn saas_lookup(map: &BTreeMap<String, Bytes>, id: &str, param: &str) -> Reply {
    if id.len() != 24 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return saas_error(
            StatusCode::BAD_REQUEST,
            40010,
            format!("invalid URL parameter: invalid {param}: {id}"),
        );
    }
    match map.get(&id.to_ascii_lowercase()) {
        Some(body) => Reply::ok_json(body.clone()),
        None => saas_error(StatusCode::NOT_FOUND, 40038, "process not found".into()),
    }
}

/// The first value of a query parameter, `""` when absent (Go's `Query().Get`).
fn query_param<'a>(query: &'a str, key: &str) -> &'a str {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
        .unwrap_or("")
}

/// `parseNumber`: `""` is 0, otherwise Go's `strconv.Atoi`.
fn parse_number(s: &str) -> Result<i64, Reply> {
    if s.is_empty() {
        return Ok(0);
    }
    s.parse::<i64>()
        .map_err(|_| node_errors::cant_parse_number(s))
}

/// `parsePage`: a negative page is "page not found".
fn parse_page(s: &str) -> Result<u64, Reply> {
    u64::try_from(parse_number(s)?).map_err(|_| node_errors::page_not_found())
}

/// `parseLimit`: clamped to 100, and 10 when `<= 0`.
fn parse_limit(s: &str) -> Result<u64, Reply> {
    let limit = parse_number(s)?;
    Ok(match u64::try_from(limit) {
        Ok(0) | Err(_) => DEFAULT_LIMIT,
        Ok(n) => n.min(MAX_LIMIT),
    })
}

/// Go's `strconv.ParseUint(s, 10, 64)` with its error text.
fn parse_uint(s: &str) -> Result<u64, String> {
    let digits_only = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match s.parse::<u64>() {
        Ok(n) if digits_only => Ok(n),
        Err(_) if digits_only => Err(format!(
            "strconv.ParseUint: parsing {s:?}: value out of range"
        )),
        _ => Err(format!("strconv.ParseUint: parsing {s:?}: invalid syntax")),
    }
}

/// `calculatePagination` of `api/helpers.go`.
fn pagination(page: u64, limit: u64, total: u64) -> Option<Pagination> {
    let last_page = if total == 0 {
        0
    } else {
        total.div_ceil(limit) - 1
    };
    (page <= last_page).then(|| Pagination {
        total_items: total,
        previous_page: page.checked_sub(1),
        current_page: page,
        next_page: (page < last_page).then_some(page + 1),
        last_page,
    })
}

fn modern_page(rows: &[Row], page: u64, limit: u64) -> Reply {
    let Some(pagination) = pagination(page, limit, rows.len() as u64) else {
        return node_errors::page_not_found();
    };
    let start = usize::try_from(page.saturating_mul(limit)).unwrap_or(usize::MAX);
    let page_rows = rows
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take(limit as usize)
        .map(|r| &r.modern);
    Reply::ok_json(list_body(page_rows, Some(&pagination)))
}

/// `{"votes":[rows…]}` or `{"votes":[rows…],"pagination":{…}}` plus the newline, the bytes
/// serde produces for [`crate::api::node::VoteList`].
fn list_body<'a>(rows: impl Iterator<Item = &'a Bytes>, pagination: Option<&Pagination>) -> Bytes {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(b"{\"votes\":[");
    for (i, row) in rows.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(row);
    }
    out.push(b']');
    if let Some(p) = pagination {
        out.extend_from_slice(b",\"pagination\":");
        // Pagination holds only integers and nulls: serialising it cannot fail.
        if let Ok(json) = serde_json::to_vec(p) {
            out.extend_from_slice(&json);
        }
    }
    out.extend_from_slice(b"}\n");
    Bytes::from(out)
}

fn empty_votes() -> Reply {
    Reply::ok_json(Bytes::from_static(b"{\"votes\":[]}\n"))
}

/// The single handler: route, apply faults, answer.
async fn handle(State(node): State<Arc<Node>>, method: Method, uri: Uri) -> Response {
    let path = uri.path();
    let query = uri.query().unwrap_or("");
    let route = Route::parse(path);
    let decision = node.faults.decide(path, route.map(|r| r.name()));
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    if let Some(replacement) = decision.replacement {
        return replaced(replacement);
    }
    let reply = match route {
        None => Reply::unknown_route(),
        Some(_) if method != Method::GET && method != Method::HEAD => Reply {
            status: StatusCode::METHOD_NOT_ALLOWED,
            content_type: TEXT,
            body: Bytes::new(),
        },
        Some(route) => node.answer(route, query),
    };
    if let Some(hostile) = &decision.hostile {
        let honest = (reply.status, reply.content_type, reply.body);
        return hostile::respond(hostile, node.faults.memory(), path, honest);
    }
    deliver(reply, decision.body)
}

fn response(status: StatusCode, content_type: &'static str, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn simulated_io_error(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, format!("simulated {what}"))
}

/// The response a replacing fault sends instead of the real one.
fn replaced(replacement: Replacement) -> Response {
    match replacement {
        // chi's Throttle middleware answers a full backlog like this.
        Replacement::TooManyRequests { retry_after_secs } => {
            let mut r = response(
                StatusCode::TOO_MANY_REQUESTS,
                TEXT,
                Body::from("Server capacity exceeded.\n"),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            r
        }
        Replacement::Status(code) => {
            let reply = if code == 503 {
                Reply::node_error(503, 5030, "vochain overloaded")
            } else {
                Reply::node_error(code, 5000, "simulated internal error")
            };
            response(reply.status, reply.content_type, Body::from(reply.body))
        }
        // The body fails before hyper flushes the head, so the connection closes with no
        // response at all.
        Replacement::Reset => response(
            StatusCode::OK,
            JSON,
            Body::from_stream(stream::once(async {
                Err::<Bytes, _>(simulated_io_error("connection reset"))
            })),
        ),
    }
}

/// The real reply, possibly with its body truncated or trickled.
fn deliver(reply: Reply, fault: Option<BodyFault>) -> Response {
    let Reply {
        status,
        content_type,
        body,
    } = reply;
    match fault {
        None => response(status, content_type, Body::from(body)),
        Some(BodyFault::Truncate { keep }) => {
            let declared = body.len().max(1);
            let keep = keep.unwrap_or(body.len() / 2).min(declared - 1);
            let sent = body.slice(..keep.min(body.len()));
            // The pause lets hyper flush the head and the prefix before the error closes the
            // connection (an immediate error would discard them, as for `Reset`).
            let cut = stream::once(async {
                tokio::time::sleep(FLUSH_PAUSE).await;
                Err(simulated_io_error("truncated body"))
            });
            let body = stream::once(async { Ok::<_, io::Error>(sent) }).chain(cut);
            let mut r = response(status, content_type, Body::from_stream(body));
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(declared));
            r
        }
        Some(BodyFault::Slow { chunk, interval }) => {
            let chunk = chunk.max(1);
            let len = body.len();
            let pieces: Vec<Bytes> = (0..len)
                .step_by(chunk)
                .map(|start| body.slice(start..(start + chunk).min(len)))
                .collect();
            let trickle = stream::unfold(
                (pieces.into_iter(), true),
                move |(mut it, first)| async move {
                    let piece = it.next()?;
                    if !first {
                        tokio::time::sleep(interval).await;
                    }
                    Some((Ok::<_, io::Error>(piece), (it, false)))
                },
            );
            let mut r = response(status, content_type, Body::from_stream(trickle));
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::node::VoteList;
    use rstest::rstest;

    #[rstest]
    #[case(0, 10, 0, Some((None, None, 0)))]
    #[case(1, 10, 0, None)]
    #[case(0, 10, 10, Some((None, None, 0)))]
    #[case(0, 10, 11, Some((None, Some(1), 1)))]
    #[case(1, 10, 11, Some((Some(0), None, 1)))]
    #[case(2, 10, 11, None)]
    #[case(1, 100, 250, Some((Some(0), Some(2), 2)))]
    fn pagination_matches_calculate_pagination(
        #[case] page: u64,
        #[case] limit: u64,
        #[case] total: u64,
        #[case] expected: Option<(Option<u64>, Option<u64>, u64)>,
    ) {
        let got =
            pagination(page, limit, total).map(|p| (p.previous_page, p.next_page, p.last_page));
        assert_eq!(got, expected);
    }

    #[rstest]
    #[case("", Some(10))]
    #[case("0", Some(10))]
    #[case("-3", Some(10))]
    #[case("7", Some(7))]
    #[case("1000", Some(100))]
    #[case("x", None)]
    fn limits(#[case] s: &str, #[case] expected: Option<u64>) {
        assert_eq!(parse_limit(s).ok(), expected);
    }

    #[test]
    fn go_hex_errors_read_like_go() {
        assert_eq!(go_hex("0xAb01"), Ok(vec![0xab, 0x01]));
        assert_eq!(
            go_hex("zz").unwrap_err(),
            "encoding/hex: invalid byte: U+007A 'z'"
        );
        assert_eq!(
            go_hex("abc").unwrap_err(),
            "encoding/hex: odd length hex string"
        );
        assert_eq!(
            go_hex("abg").unwrap_err(),
            "encoding/hex: invalid byte: U+0067 'g'"
        );
    }

    #[test]
    fn parse_uint_is_strict_like_go() {
        assert_eq!(parse_uint("12"), Ok(12));
        assert_eq!(
            parse_uint("+1").unwrap_err(),
            "strconv.ParseUint: parsing \"+1\": invalid syntax"
        );
        assert!(parse_uint("99999999999999999999")
            .unwrap_err()
            .ends_with("value out of range"));
    }

    #[test]
    fn go_escape_rewrites_html_and_line_separators_only() {
        let json = "{\"t\":\"a<b>&c\u{2028}d\u{2029}é\"}".as_bytes().to_vec();
        assert_eq!(
            String::from_utf8(go_escape(json)).unwrap(),
            "{\"t\":\"a\\u003cb\\u003e\\u0026c\\u2028d\\u2029é\"}"
        );
    }

    #[test]
    fn concatenated_list_equals_serde_of_vote_list() {
        let rows: Vec<VoteRow> = (0..3u64)
            .map(|i| VoteRow {
                tx_hash: format!("{i:02x}"),
                vote_id: format!("{:064x}", i),
                voter_id: Some("ab".into()),
                election_id: Some("cd".into()),
                block_height: 10 - i,
                transaction_index: 0,
                block_time: Some("2024-01-01T00:00:00Z".into()),
            })
            .collect();
        let p = pagination(0, 10, 3).unwrap();
        let bytes: Vec<Bytes> = rows.iter().map(|r| row_json(r).unwrap()).collect();
        let ours = list_body(bytes.iter(), Some(&p));
        let serde = serde_json::to_vec(&VoteList {
            votes: rows,
            pagination: Some(p),
        })
        .unwrap();
        assert_eq!(&ours[..ours.len() - 1], serde.as_slice());
        assert_eq!(ours.last(), Some(&b'\n'));
    }

    #[rstest]
    #[case("/v2/chain/info", Some("chain-info"))]
    #[case("/v2/elections/ab/votes/page/3", Some("legacy-votes"))]
    #[case("/v2/votes/verify/ab/cd", Some("verify"))]
    #[case("/v2/votes/ab", Some("vote"))]
    #[case("/saas/process/bundle/ab", Some("saas-bundle"))]
    #[case("/saas/process/ab", Some("saas-legacy-process"))]
    #[case("/v2/elections/", None)]
    #[case("/v2/nothing", None)]
    #[case("v2/chain/info", None)]
    fn routes(#[case] path: &str, #[case] name: Option<&str>) {
        let route = Route::parse(path);
        assert_eq!(route.map(|r| r.name()), name);
        if let Some(name) = name {
            assert!(ROUTE_NAMES.contains(&name));
        }
    }
}
