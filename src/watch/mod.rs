//! Watch mode: follow a live election — or every election of a SaaS process, one per question —
//! from a node (API v2) and report, one JSON object per line, every new vote, every anomaly the
//! verifier's per-vote checks find in it, status and live result changes, and with
//! `until_results` the verdict of a full audit once every election has results.
//!
//! Each poll lists votes by block height descending (vocdoni-node:api/vote.go `votesListHandler`)
//! until it reaches votes already seen below the last seen height, fetches only the new votes'
//! details and transactions, derives and judges them with [`crate::verify`], and keeps a running
//! tally of the latest ballot per nullifier ([`state`]) to compare with the node's live `result`.
//!
//! Following a live election on the simulator's loopback node until it has results:
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use std::time::Duration;
//! use vocaudit::sim::{self, LiveStage, LiveVotes, StageTrigger};
//! use vocaudit::watch::{self, Event, WatchConfig};
//!
//! // Six votes arrive two per listing; once all are in, the node moves to RESULTS.
//! let mut world = sim::scenario("csp-ecdsa", 6, 1).unwrap();
//! let (id, election) = world.elections.iter_mut().next().unwrap();
//! election.election.status = "READY".into();
//! election.election.vote_count = 0;
//! election.live = Some(LiveVotes {
//!     pending: std::mem::take(&mut election.votes),
//!     reveal_per_list_request: 2,
//!     stages: vec![LiveStage::at(StageTrigger::Reads(1)).status("RESULTS")],
//! });
//! let id = id.clone();
//! let server = sim::serve_local(&world, sim::FaultPlan::none()).await.unwrap();
//!
//! let out = tempfile::tempdir().unwrap();
//! let mut config = WatchConfig::new(server.node_url().parse().unwrap(), &id, out.path());
//! config.interval = Duration::from_millis(20);
//! config.until_results = true; // end with a full audit into `out`
//! let mut events = Vec::new();
//! let code = watch::watch(config, &mut |e: &Event| events.push(e.clone())).await.unwrap();
//!
//! assert_eq!(code, 0); // the audit's exit status
//! assert!(matches!(events[0], Event::Votes { new: 2, total: 2, .. }));
//! println!("{}", serde_json::to_string(&events[0]).unwrap()); // {"event":"votes","new":2,…}
//! assert!(matches!(events.last(), Some(Event::Final { .. })));
//! # });
//! ```

pub mod state;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use futures::{stream, StreamExt};
use reqwest::Url;
use serde::Serialize;

use crate::api::node::{
    Election, ElectionKeys, TransactionResponse, VoteDetail, VoteList, VoteRow,
};
use crate::audit::{self, AuditError, AuditOptions};
use crate::bundle::evidence::VoteEvidence;
use crate::fetch::http::{HttpClient, HttpConfig, HttpError, Outcome, Secret};
use crate::fetch::{self, FetchConfig, FetchError, Target};
use crate::protocol::tally::Tally;
use crate::verify::check::{Level, Remarks};
use crate::verify::context::{normal_hex, ElectionContext};
use crate::verify::derive::{self, DerivedVote, Step};
use crate::verify::result::{Finding, Location, Status, Verdict};
use crate::verify::tally::compare_cells;
use state::{KeptBallot, KeptVote, StateError, WatchState};

/// Rows per vote-list page (the node's maximum is 100).
const PAGE_LIMIT: usize = 100;
/// Vote details and transactions fetched at once.
const FETCH_BUFFER: usize = 8;
/// The status after which no vote arrives and the node publishes results.
const RESULTS: &str = "RESULTS";
/// The catalogue check a live result that disagrees with the running tally fails: the
/// published result equals the tally of the counted votes.
const LIVE_RESULT_CHECK: &str = "V-TALLY-01";

/// A results matrix as the node writes it: decimal strings `[question][value]`.
pub type Matrix = Vec<Vec<String>>;

/// How to watch.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    /// Node API base including its version path (`…/v2`).
    pub node: Url,
    /// What to follow: one Vochain election, or every election of a SaaS process (one per
    /// question), resolved as [`crate::fetch`] resolves them.
    pub target: Target,
    /// SaaS bearer token for a SaaS target (never printed, logged or stored).
    pub token: Option<Secret>,
    /// Pause between polls.
    pub interval: Duration,
    /// Stop once every election has results and its vote list is stable, with a full audit.
    pub until_results: bool,
    /// Holds the watch state (see [`state::state_path`]) and, with `until_results`, the audit
    /// (`bundle/`, reports).
    pub out: PathBuf,
    /// Transport settings (retries and backoff within one poll).
    pub http: HttpConfig,
    /// Path-style IPFS gateways for the final audit; empty keeps the fetcher's default.
    pub ipfs_gateways: Vec<Url>,
    /// How the final audit renders.
    pub audit: AuditOptions,
}

impl WatchConfig {
    /// Watch `election` on `node` with the defaults: 30 s between polls, forever (set
    /// `until_results` to stop at results), the default transport and gateway, state in `out`.
    pub fn new(node: Url, election: &str, out: impl Into<PathBuf>) -> Self {
        Self::with_target(node, Target::Election(election.to_string()), out)
    }

    /// Watch every election of SaaS process `process_id` (24 hex) published through the SaaS
    /// API at `saas`, with the defaults of [`WatchConfig::new`] and no bearer token (set
    /// `token` when the SaaS asks for one).
    ///
    /// Following the simulator's two-question process, served live, to its audit:
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use vocaudit::sim;
    /// use vocaudit::watch::{self, Event, WatchConfig};
    ///
    /// let mut world = sim::scenario("saas-csp", 4, 1).unwrap();
    /// sim::live::make_live(&mut world, 2).unwrap(); // as `vocaudit sim serve --live 2`
    /// let process = world.saas_processes.keys().next().unwrap().clone();
    /// let server = sim::serve_local(&world, sim::FaultPlan::none()).await.unwrap();
    ///
    /// let out = tempfile::tempdir().unwrap();
    /// let node = server.node_url().parse().unwrap();
    /// let mut config = WatchConfig::saas(node, server.saas_url().parse().unwrap(), &process, out.path());
    /// config.ipfs_gateways = vec![server.base_url().parse().unwrap()];
    /// config.interval = Duration::from_millis(20);
    /// config.until_results = true;
    /// let mut questions = std::collections::BTreeSet::new();
    /// let code = watch::watch(config, &mut |e: &Event| {
    ///     if let Event::Votes { election_id, .. } = e {
    ///         questions.insert(election_id.clone());
    ///     }
    /// })
    /// .await
    /// .unwrap();
    /// assert_eq!((code, questions.len()), (0, 2)); // both questions followed, audit passed
    /// # });
    /// ```
    pub fn saas(node: Url, saas: Url, process_id: &str, out: impl Into<PathBuf>) -> Self {
        let target = Target::Saas {
            base: saas,
            process_id: process_id.to_string(),
            bundle_id: None,
        };
        Self::with_target(node, target, out)
    }

    fn with_target(node: Url, target: Target, out: impl Into<PathBuf>) -> Self {
        WatchConfig {
            node,
            target,
            token: None,
            interval: Duration::from_secs(30),
            until_results: false,
            out: out.into(),
            http: HttpConfig::default(),
            ipfs_gateways: Vec::new(),
            audit: AuditOptions::default(),
        }
    }

    /// The SaaS process watched, if any.
    fn process_id(&self) -> Option<&str> {
        match &self.target {
            Target::Saas { process_id, .. } => Some(process_id),
            Target::Election(_) => None,
        }
    }
}

/// One line of watch output: a JSON object whose `event` member names the variant in
/// kebab-case (`votes`, `anomaly`, `result-changed`, `status-changed`, `error`, `final`) and
/// whose other members are camelCase. Every event about one election names it (`electionId`),
/// so the events of a SaaS process's questions can be told apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "event",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// Votes first seen in this poll: `new` nullifiers, `overwrites` of seen ones; `total`
    /// distinct nullifiers so far; `height` the highest vote height seen.
    Votes {
        election_id: String,
        new: u64,
        overwrites: u64,
        total: u64,
        height: u64,
    },
    /// A finding of a per-vote check (or of the live tally comparison), as in report.json.
    Anomaly {
        election_id: String,
        check: String,
        status: Status,
        finding: Finding,
    },
    /// The node's live `result` changed (`null` while it publishes none).
    ResultChanged {
        election_id: String,
        from: Option<Matrix>,
        to: Option<Matrix>,
        /// The running tally at this poll, when it can be computed.
        tally: Option<Matrix>,
    },
    /// The election's `status` changed (`from` is `null` at the first poll).
    StatusChanged {
        election_id: String,
        from: Option<String>,
        to: String,
    },
    /// A poll failed (node unreachable, refused, malformed); the next interval retries.
    /// `electionId` names the election whose poll failed (none while resolving a SaaS process).
    Error {
        #[serde(skip_serializing_if = "Option::is_none")]
        election_id: Option<String>,
        message: String,
    },
    /// The full audit once every election has results: of the election, or of the whole SaaS
    /// process (its cross-checks with the chain included).
    Final {
        verdict: Verdict,
        exit_code: i32,
        /// The SaaS process audited, when one was watched.
        #[serde(skip_serializing_if = "Option::is_none")]
        process_id: Option<String>,
        /// The running tally of watch mode (one election watched; `null` for a process).
        tally: Option<Matrix>,
        /// The tally the audit recomputed (likewise).
        computed: Option<Matrix>,
        /// Per election watched, in order: the running tally and the audit's.
        elections: Vec<FinalTally>,
        /// Where report.json was written.
        report: PathBuf,
    },
}

/// The tallies of one election in a [`Event::Final`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FinalTally {
    pub election_id: String,
    /// The running tally of watch mode, when it can be computed.
    pub tally: Option<Matrix>,
    /// The tally the audit recomputed.
    pub computed: Option<Matrix>,
}

/// Why watching cannot start or go on (everything else is an `error` event and a retry).
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("election id {0:?} is not 64 hex characters")]
    ElectionId(String),
    #[error("SaaS process: {0}")]
    Resolve(FetchError),
    #[error("watch state: {0}")]
    State(#[from] StateError),
    #[error("HTTP client: {0}")]
    Http(#[from] HttpError),
    #[error("final audit: {0}")]
    Audit(AuditError),
}

/// A failed poll, reported as an `error` event.
#[derive(Debug, thiserror::Error)]
enum PollError {
    #[error("{0}")]
    Http(#[from] HttpError),
    #[error("GET {url}: HTTP {status}: {body}")]
    Refused {
        url: String,
        status: u16,
        body: String,
    },
    #[error("GET {url}: malformed response: {source}")]
    Malformed {
        url: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("verification task failed: {0}")]
    Task(String),
    #[error("{0}")]
    State(#[from] StateError),
}

/// Watches until every election has results (with `until_results`: returns the audit's exit
/// status) or forever. Each poll polls every election in turn; every event goes to `emit` as
/// it happens.
pub async fn watch(
    config: WatchConfig,
    emit: &mut (dyn FnMut(&Event) + Send),
) -> Result<i32, WatchError> {
    let client = HttpClient::new(config.http.clone())?;
    let elections = match &config.target {
        Target::Election(raw) => {
            let id = normal_hex(raw);
            if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(WatchError::ElectionId(raw.clone()));
            }
            vec![id]
        }
        Target::Saas { .. } => resolve(&config, &client, emit).await?,
    };
    let mut watchers = elections
        .into_iter()
        .map(|id| Watcher::new(&config, client.clone(), id))
        .collect::<Result<Vec<_>, _>>()?;
    loop {
        let mut settled = true;
        for watcher in &mut watchers {
            match watcher.poll(emit).await {
                Ok(done) => settled &= done,
                Err(e) => {
                    settled = false;
                    emit(&Event::Error {
                        election_id: Some(watcher.id.clone()),
                        message: e.to_string(),
                    });
                }
            }
        }
        if config.until_results && settled {
            match final_audit(&config, &watchers, emit).await {
                Ok(code) => return Ok(code),
                // The node may be down again: retry next interval.
                Err(AuditError::Fetch(e)) if outage(&e) => emit(&Event::Error {
                    election_id: None,
                    message: format!("final audit: {e}"),
                }),
                Err(e) => return Err(WatchError::Audit(e)),
            }
        }
        tokio::time::sleep(config.interval).await;
    }
}

/// The elections of the SaaS process, asked again every interval while the SaaS or the node
/// is out; a process that does not exist or names no election ends the watch.
async fn resolve(
    config: &WatchConfig,
    client: &HttpClient,
    emit: &mut (dyn FnMut(&Event) + Send),
) -> Result<Vec<String>, WatchError> {
    loop {
        match fetch::resolve_elections(client, &config.target, config.token.as_ref()).await {
            Ok(elections) => return Ok(elections),
            Err(e) if outage(&e) => emit(&Event::Error {
                election_id: None,
                message: format!("resolving the SaaS process: {e}"),
            }),
            Err(e) => return Err(WatchError::Resolve(e)),
        }
        tokio::time::sleep(config.interval).await;
    }
}

/// Whether a failed fetch may succeed on a later poll: the node was unreachable or answered
/// like a node in trouble. A bundle that cannot be resumed, or a target the node does not have,
/// will not get better by waiting.
fn outage(e: &FetchError) -> bool {
    match e {
        FetchError::Http(_) | FetchError::Malformed { .. } => true,
        FetchError::Refused { status, .. } => *status == 429 || *status >= 500,
        FetchError::Bundle(_) | FetchError::Target(_) | FetchError::WriterGone => false,
    }
}

/// Runs `audit::audit` of the whole target into `out` and reports its verdict next to the
/// running tallies.
async fn final_audit(
    config: &WatchConfig,
    watchers: &[Watcher],
    emit: &mut (dyn FnMut(&Event) + Send),
) -> Result<i32, AuditError> {
    let mut fetch = FetchConfig::new(
        config.node.clone(),
        config.target.clone(),
        config.out.join("bundle"),
    );
    fetch.token = config.token.clone();
    fetch.http = config.http.clone();
    fetch.quiet = true;
    if !config.ipfs_gateways.is_empty() {
        fetch.ipfs_gateways = config.ipfs_gateways.clone();
    }
    let run = audit::audit(fetch, &config.out, &config.audit).await?;
    let elections: Vec<FinalTally> = watchers
        .iter()
        .map(|w| FinalTally {
            election_id: w.id.clone(),
            tally: w.running_tally(),
            computed: run
                .result
                .elections
                .iter()
                .find(|e| e.election_id == w.id)
                .and_then(|e| e.tally.computed.clone()),
        })
        .collect();
    let (tally, computed) = match (config.process_id(), elections.as_slice()) {
        (None, [one]) => (one.tally.clone(), one.computed.clone()),
        _ => (None, None),
    };
    let code = run.result.exit_code();
    emit(&Event::Final {
        verdict: run.result.verdict,
        exit_code: code,
        process_id: config.process_id().map(str::to_string),
        tally,
        computed,
        elections,
        report: run.rendered.report_json.clone(),
    });
    Ok(code)
}

/// The poller of one election.
struct Watcher {
    client: HttpClient,
    /// Node base without a trailing slash.
    node: String,
    id: String,
    /// Where its state file lives ([`state::state_path`]).
    state_path: PathBuf,
    state: WatchState,
    /// The running tally of `state`, rebuilt after an overwrite or a restart.
    tally: Option<Result<Tally, String>>,
    /// The last (computed, published) disagreement reported, so it is reported once.
    reported_mismatch: Option<(Matrix, Matrix)>,
    /// How many private keys were revealed at the last poll.
    keys_revealed: usize,
    /// The circuit keys anonymous votes' proofs are checked with (`--zk-key`).
    circuits: Option<std::sync::Arc<crate::protocol::zk::CircuitRegistry>>,
}

impl Watcher {
    /// The poller of election `id` (lowercase 64 hex), resuming its saved state.
    fn new(config: &WatchConfig, client: HttpClient, id: String) -> Result<Self, StateError> {
        let state_path = state::state_path(&config.out, config.process_id(), &id);
        Ok(Watcher {
            client,
            node: config.node.as_str().trim_end_matches('/').to_string(),
            state: WatchState::load_at(&state_path, config.process_id(), &id)?,
            state_path,
            id,
            tally: None,
            reported_mismatch: None,
            keys_revealed: 0,
            circuits: config.audit.circuits.clone(),
        })
    }

    /// One poll; true when the election has results and this poll found nothing new.
    async fn poll(&mut self, emit: &mut (dyn FnMut(&Event) + Send)) -> Result<bool, PollError> {
        let rows = self.new_rows().await?;
        let evidence = self.evidence(rows).await?;
        // Read after the list, so voteCount and result are at least as recent as the rows.
        let election: Election = self.get_json(&format!("elections/{}", self.id)).await?;
        let keys = if election.vote_mode.encrypted_votes {
            self.get_json::<ElectionKeys>(&format!("elections/{}/keys", self.id))
                .await
                .ok()
        } else {
            None
        };
        let mut ctx = ElectionContext::for_single_votes(election.clone(), keys);
        if let Some(circuits) = &self.circuits {
            ctx.circuits = Ok(circuits.clone());
        }
        let params = ctx.tally_params();
        // Ballots sealed when first seen are read again once more keys are revealed.
        let retry = if ctx.revealed.len() > self.keys_revealed {
            self.undetermined_rows(&evidence)
        } else {
            Vec::new()
        };
        let retried = self.evidence(retry).await?;
        self.keys_revealed = ctx.revealed.len();
        let id = self.id.clone();
        let (judged, rejudged) = tokio::task::spawn_blocking(move || {
            (
                judge_all(&id, &ctx, evidence),
                judge_all(&id, &ctx, retried),
            )
        })
        .await
        .map_err(|e| PollError::Task(e.to_string()))?;

        for (nullifier, vote, anomalies) in rejudged {
            let Some(kept) = self.state.votes.get_mut(&nullifier) else {
                continue;
            };
            if kept.height != vote.height {
                continue;
            }
            kept.ballot = vote.ballot;
            for event in anomalies {
                if let Event::Anomaly { check, .. } = &event {
                    if kept.reported.contains(check) {
                        continue;
                    }
                    kept.reported.push(check.clone());
                }
                emit(&event);
            }
            self.tally = None;
        }

        let (mut new, mut overwrites) = (0u64, 0u64);
        for (nullifier, mut vote, anomalies) in judged {
            for event in anomalies {
                if let Event::Anomaly { check, .. } = &event {
                    if !vote.reported.contains(check) {
                        vote.reported.push(check.clone());
                    }
                }
                emit(&event);
            }
            let tally_ok = matches!(self.tally, Some(Ok(_)));
            match self.state.votes.insert(nullifier.clone(), vote.clone()) {
                Some(_) => {
                    overwrites += 1;
                    self.tally = None;
                }
                None => {
                    new += 1;
                    if tally_ok {
                        if let Some(Ok(t)) = &mut self.tally {
                            if let Err(e) = state::add(t, &nullifier, &vote.ballot) {
                                self.tally = Some(Err(e));
                            }
                        }
                    }
                }
            }
            self.state.last_height = self.state.last_height.max(vote.height);
        }
        if self.tally.is_none() {
            self.tally = Some(self.state.tally(params));
        }
        if new + overwrites > 0 {
            emit(&Event::Votes {
                election_id: self.id.clone(),
                new,
                overwrites,
                total: self.state.votes.len() as u64,
                height: self.state.last_height,
            });
        }
        if self.state.status.as_deref() != Some(election.status.as_str()) {
            emit(&Event::StatusChanged {
                election_id: self.id.clone(),
                from: self.state.status.clone(),
                to: election.status.clone(),
            });
            self.state.status = Some(election.status.clone());
        }
        if self.state.result != election.result {
            emit(&Event::ResultChanged {
                election_id: self.id.clone(),
                from: self.state.result.clone(),
                to: election.result.clone(),
                tally: self.running_tally(),
            });
            self.state.result = election.result.clone();
        }
        let settled = new + overwrites == 0;
        if settled {
            self.compare_live_result(&election, emit);
        }
        self.state.save_at(&self.state_path)?;
        Ok(settled && election.status == RESULTS)
    }

    /// The details and transactions of `rows`, a few at a time.
    async fn evidence(&self, rows: Vec<VoteRow>) -> Result<Vec<VoteEvidence>, PollError> {
        stream::iter(rows)
            .map(|row| self.vote_evidence(row))
            .buffered(FETCH_BUFFER)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect()
    }

    /// Rows for the kept votes whose ballot is undetermined, except those `fresh` re-reads.
    fn undetermined_rows(&self, fresh: &[VoteEvidence]) -> Vec<VoteRow> {
        let fresh: Vec<String> = fresh
            .iter()
            .filter_map(|ev| ev.row.as_ref().map(|r| normal_hex(&r.vote_id)))
            .collect();
        self.state
            .votes
            .iter()
            .filter(|(n, v)| {
                matches!(v.ballot, KeptBallot::Undetermined { .. }) && !fresh.contains(n)
            })
            .map(|(n, v)| VoteRow {
                vote_id: n.clone(),
                block_height: v.height,
                ..VoteRow::default()
            })
            .collect()
    }

    /// The running tally as decimal strings, when it can be computed.
    fn running_tally(&self) -> Option<Vec<Vec<String>>> {
        match &self.tally {
            Some(Ok(t)) => Some(t.results().to_decimal_strings()),
            _ => None,
        }
    }

    /// On a stable listing whose count matches ours, the node's live result must equal the
    /// running tally (when it can be computed: an encrypted election's once its keys are
    /// revealed); each differing cell is an anomaly located at `[question, value]`. The same
    /// disagreement is reported once.
    fn compare_live_result(&mut self, election: &Election, emit: &mut (dyn FnMut(&Event) + Send)) {
        let (Some(published), Some(computed)) = (&election.result, self.running_tally()) else {
            return;
        };
        if election.vote_count != self.state.votes.len() as u64 || *published == computed {
            return;
        }
        let pair = (computed.clone(), published.clone());
        if self.reported_mismatch.as_ref() == Some(&pair) {
            return;
        }
        for finding in result_differences(&self.id, &computed, published) {
            emit(&Event::Anomaly {
                election_id: self.id.clone(),
                check: LIVE_RESULT_CHECK.into(),
                status: Status::Fail,
                finding,
            });
        }
        self.reported_mismatch = Some(pair);
    }

    /// The rows not seen before, latest envelope per nullifier: pages are read until a row
    /// already seen below the last seen height (the list is height-descending, and a row at the
    /// last height may share its block with a new one) or the end of the list.
    async fn new_rows(&self) -> Result<Vec<VoteRow>, PollError> {
        let mut fresh: BTreeMap<String, VoteRow> = BTreeMap::new();
        for page in 0u64.. {
            let path = format!(
                "votes?electionId={}&page={page}&limit={PAGE_LIMIT}",
                self.id
            );
            let url = format!("{}/{path}", self.node);
            let list: VoteList = match self.client.get(&url).await? {
                Outcome::Ok(r) => serde_json::from_slice(&r.body)
                    .map_err(|source| PollError::Malformed { url, source })?,
                Outcome::PastLastPage(_) => break,
                other => return Err(refused(other)),
            };
            let full = list.votes.len() >= PAGE_LIMIT;
            let mut reached = false;
            for row in list.votes {
                let nullifier = normal_hex(&row.vote_id);
                if self.state.seen(&nullifier, row.block_height) {
                    reached |= row.block_height < self.state.last_height;
                    continue;
                }
                // The same nullifier twice in one poll: it moved up while we read; keep the latest.
                match fresh.get(&nullifier) {
                    Some(kept) if kept.block_height >= row.block_height => {}
                    _ => {
                        fresh.insert(nullifier, row);
                    }
                }
            }
            let last = list
                .pagination
                .as_ref()
                .is_some_and(|p| p.next_page.is_none());
            if reached || !full || last {
                break;
            }
        }
        let mut rows: Vec<VoteRow> = fresh.into_values().collect();
        rows.sort_by_key(|r| (r.block_height, r.transaction_index));
        Ok(rows)
    }

    /// The detail and transaction of a listed vote; what the node does not serve becomes an
    /// evidence error the checks report, an unreachable node fails the poll.
    async fn vote_evidence(&self, row: VoteRow) -> Result<VoteEvidence, PollError> {
        let mut ev = VoteEvidence::default();
        let url = format!("{}/votes/{}", self.node, row.vote_id);
        match self.client.get(&url).await? {
            Outcome::Ok(r) => match serde_json::from_slice::<VoteDetail>(&r.body) {
                Ok(d) => ev.detail = Some(d),
                Err(e) => ev
                    .errors
                    .push(format!("GET {url}: malformed vote detail: {e}")),
            },
            Outcome::NotFound(r) | Outcome::NoContent(r) => ev
                .errors
                .push(format!("GET {url}: HTTP {}: not served", r.status)),
            other => return Err(refused(other)),
        }
        let hash = ev
            .detail
            .as_ref()
            .map(|d| d.tx_hash.clone())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| row.tx_hash.clone());
        if !hash.is_empty() {
            let url = format!("{}/chain/transactions/{hash}", self.node);
            match self.client.get(&url).await? {
                Outcome::Ok(r) => match serde_json::from_slice::<TransactionResponse>(&r.body) {
                    Ok(t) => ev.tx = Some(t),
                    Err(e) => ev
                        .errors
                        .push(format!("GET {url}: malformed transaction: {e}")),
                },
                Outcome::NotFound(r) | Outcome::NoContent(r) => ev
                    .errors
                    .push(format!("GET {url}: HTTP {}: not served", r.status)),
                other => return Err(refused(other)),
            }
        }
        ev.row = Some(row);
        Ok(ev)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, PollError> {
        let url = format!("{}/{path}", self.node);
        match self.client.get(&url).await? {
            Outcome::Ok(r) => serde_json::from_slice(&r.body)
                .map_err(|source| PollError::Malformed { url, source }),
            other => Err(refused(other)),
        }
    }
}

/// Derives and judges each vote as an audit would; returns its nullifier, what the tally keeps
/// of it and its anomalies (check failures and warnings; notes of checks that did not apply are
/// left out).
fn judge_all(
    election_id: &str,
    ctx: &ElectionContext,
    evidence: Vec<VoteEvidence>,
) -> Vec<(String, KeptVote, Vec<Event>)> {
    evidence
        .into_iter()
        .map(|ev| {
            let height = ev.row.as_ref().map_or(0, |r| r.block_height);
            let nullifier = ev
                .row
                .as_ref()
                .map(|r| normal_hex(&r.vote_id))
                .unwrap_or_default();
            let mut vote = derive::derive(ctx, ev);
            derive::check_zk_proofs(ctx, std::slice::from_mut(&mut vote));
            let anomalies = crate::verify::judge_vote(ctx, &vote)
                .into_iter()
                .filter(|(_, r)| r.count(Level::Fail) + r.count(Level::Warn) > 0)
                .flat_map(|(check, r)| {
                    let status = r.status();
                    r.findings()
                        .iter()
                        .map(|f| Event::Anomaly {
                            election_id: election_id.to_string(),
                            check: check.to_string(),
                            status,
                            finding: f.clone(),
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            let kept = KeptVote {
                height,
                ballot: kept_ballot(&vote),
                reported: Vec::new(),
            };
            (nullifier, kept, anomalies)
        })
        .collect()
}

/// What the tally counts of a vote, as `verify::aggregate` counts it.
fn kept_ballot(vote: &DerivedVote) -> KeptBallot {
    match (&vote.ballot, &vote.stored_weight) {
        (Step::Done(b), Step::Done(weight)) if b.counted.is_ok() => KeptBallot::Counted {
            values: b.values.clone(),
            weight: weight.to_string(),
        },
        (Step::Done(_), _) => KeptBallot::Skipped,
        (other, _) => KeptBallot::Undetermined {
            why: other.why_not().unwrap_or_default().to_string(),
        },
    }
}

/// The findings of a live result that differs from the running tally: one per differing cell
/// (expected the tally's value, actual the node's), or one for the election when the shapes
/// differ. Cells compare as numbers, so `"007"` equals `"7"`, through the verifier's own
/// [`compare_cells`] (a cell longer than its digit cap differs without being converted).
fn result_differences(election_id: &str, computed: &Matrix, published: &Matrix) -> Vec<Finding> {
    let shape = |m: &Matrix| m.iter().map(Vec::len).collect::<Vec<_>>();
    if shape(computed) != shape(published) {
        return vec![Finding {
            location: Location::election(election_id),
            message: "the node's live result has another shape than the tally of the votes it \
                      lists"
                .into(),
            expected: serde_json::to_string(computed).ok(),
            actual: serde_json::to_string(published).ok(),
        }];
    }
    let mut cells = Remarks::default();
    compare_cells(
        computed,
        published,
        &Location::election(election_id),
        "the node's live result differs from the tally of the votes it lists",
        Level::Fail,
        &mut cells,
    );
    cells.findings().to_vec()
}

fn refused(outcome: Outcome) -> PollError {
    let r = outcome.into_response();
    PollError::Refused {
        url: r.url,
        status: r.status,
        body: String::from_utf8_lossy(&r.body).chars().take(200).collect(),
    }
}
