//! Fetching: pulls what a Vocdoni node (API v2), the SaaS API and IPFS gateways publish about an
//! election into an evidence [`crate::bundle`]. It records and never judges: an incomplete answer
//! becomes a bundle gap, and fetch fails only when the data cannot be obtained at all. Routes and
//! pagination follow `vocdoni/vocdoni-node:api/{vote,elections,chain}.go` and
//! `vocdoni/saas-backend:api/routes.go` (see vochain-api.md §1, saas-api.md §1–2).
//!
//! [`http`] is the transport (shared client, bounded concurrency, retries honouring
//! `Retry-After`, typed outcomes for the node's error bodies, redacted bearer tokens);
//! [`progress`] is the progress display the crawler drives.
//!
//! Fetching an election from the simulator's loopback node into a bundle:
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use vocaudit::{fetch, sim};
//!
//! let world = sim::scenario("csp-ecdsa", 8, 1).unwrap();
//! let server = sim::serve_local(&world, sim::FaultPlan::none()).await.unwrap();
//! let election = world.elections.keys().next().unwrap().clone();
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut config = fetch::FetchConfig::new(
//!     server.node_url().parse().unwrap(),
//!     fetch::Target::Election(election.clone()),
//!     dir.path().join("bundle"),
//! );
//! config.ipfs_gateways = vec![server.base_url().parse().unwrap()]; // the node is a gateway too
//! config.quiet = true; // no progress bars
//! config.http.max_attempts = 3; // retries with backoff, as `--max-attempts`
//! let summary = fetch::run(config).await.unwrap(); // a second run resumes what is stored
//!
//! assert_eq!(summary.elections, [election]);
//! assert!(summary.gaps.is_empty()); // nothing was missing
//! # });
//! ```
//!
//! # Bundle contract (what [`run`] writes; the verifier reads these names)
//!
//! `NODE` is the node base as given (`…/v2`, no trailing slash), `SAAS` the SaaS base, `ID` a
//! lowercase 64-hex election id. Every body is stored byte for byte with its URL and status.
//!
//! | bundle name | URL | when |
//! |---|---|---|
//! | file `chain/info.json` | `NODE/chain/info` | always, first (its `height` is the manifest's) |
//! | file `chain/info-after.json` | `NODE/chain/info` | live elections: read after the last listing |
//! | file `saas/process.json` | `SAAS/processes/{pid}` | SaaS target |
//! | file `saas/results.json` | `SAAS/processes/{pid}/results` | SaaS target (any status kept) |
//! | file `saas/legacy-process.json` | `SAAS/process/{pid}` | SaaS target, if it answers 200 |
//! | file `saas/bundle.json` | `SAAS/process/bundle/{bid}` | SaaS target with a bundle id |
//! | file `elections/ID/election.json` | `NODE/elections/ID` | always (re-read after listing if live) |
//! | file `elections/ID/keys.json` | `NODE/elections/ID/keys` | `voteMode.encryptedVotes` |
//! | file `elections/ID/scrutiny.json` | `NODE/elections/ID/scrutiny` | status `RESULTS` |
//! | file `elections/ID/votes-count.json` | `NODE/elections/ID/votes/count` | always |
//! | file `elections/ID/election-end.json` | `NODE/elections/ID` | always, read again after the votes (equivocation check) |
//! | file `census/{cid}` | `GW/ipfs/{cid}` (first gateway that answers) | `censusURL` is `ipfs://` and the origin is an arbo tree |
//! | stream `list-ID` | `NODE/votes?electionId=ID&page=P&limit=100`, or on nodes without it `NODE/elections/ID/votes/page/P` | one full listing (pages in any order) |
//! | stream `list-ID-rN` (N = 2, 3, …) | the same URLs plus `&round=N` (`?round=N` on the legacy route; the node ignores it, it keeps each round's URLs distinct) | live elections: listing round N; the highest N is the final one |
//! | stream `votes-ID` | `NODE/votes/{nullifier}` | one per distinct listed nullifier |
//! | stream `txs-ID` | `NODE/chain/transactions/{hash}`, or `NODE/chain/transactions/reference/{hash}` then `NODE/chain/transactions/{height}/{index}` | each vote's tx, and the `keyRevealTxHash` tx |
//! | stream `reread-ID` | `NODE/votes/{nullifier}#reread` (the fragment is not sent) | the re-read sample of vote details ([`reread`]) |
//! | file `chain/circuit.json` | `NODE/chain/info/circuit` | anonymous elections (any status kept; evidence to compare with vocaudit's keys, never a key) |
//! | file `chain/siks-roots.json` | `NODE/siks/roots` | anonymous elections (any status kept; the SIK roots valid at fetch time) |
//! | file `accounts/ADDR.json` | `NODE/accounts/ADDR` | each organisation of the elections (any status kept; its name is for the report only) |
//! | stream `blocks` | `NODE/chain/blocks/{height}` | heights of votes whose detail has no `date` |
//! | stream `history-ID` | `NODE/chain/transactions?type=T&subtype=S&limit=100&page=P`, `NODE/chain/transactions?type=vote&height=H&limit=100&page=P`, and `NODE/chain/transactions/{hash}` of the rows read | the election's history ([`history`]) |
//! | file `metadata/{cid}` | `GW/ipfs/{cid}` | `metadataURL` is `ipfs://`, and each `ipfs://` version of the metadata history |
//! | file `elections/ID/metadata-history.json` | `NODE/elections/ID/metadata/history` | always, whatever the status (non-200: the node does not serve it; asked again on resume) |
//! | file `metadata/url-{sha256}` | the version's `http(s)://` `metadataURL` (the hex sha256 of that URL names the file) | each such version of the metadata history |
//!
//! Records keep the node's negative answers too (404 vote not found, 204 transaction not found):
//! read `status` before the body. Transactions are matched by the body's `txInfo.hash`, not by URL.
//! Completeness problems become manifest gaps with these kinds: `vote-list-total`
//! (rows ≠ `totalItems`), `vote-list-duplicate`, `vote-count` (distinct ≠ election `voteCount`),
//! `vote-count-route` (≠ `/votes/count`), `live-listing-unstable`, `vote-detail-missing`,
//! `tx-missing`, `block-missing`, `census-unavailable`, `census-unreachable` (no gateway could be
//! asked), `scrutiny-unavailable`,
//! `saas-bad-upstream-id`, `keys-unavailable`, `saas-results-unavailable`, and those of
//! [`history`]: `history-unavailable`, `history-scan-partial`,
//! `metadata-unavailable`, `metadata-unreachable` (the current document or a history version's:
//! a version URL that is neither `ipfs://` nor `http(s)://` is `metadata-unavailable`). A gap about one
//! election says `election ID` in its message (and `transaction HASH` when about a tx).
//!
//! Two answers to the same question that differ — a re-read vote detail, the election at the
//! start and the end of the fetch, a list row against its detail — are recorded as manifest
//! `disagreements` ([`crate::bundle::Disagreement`]), judged at verify time (V-BUNDLE-04).
//!
//! Hostile answers: a body past [`http::HttpConfig::max_body_bytes`] (declared or streamed) is
//! refused without being buffered, and a body that never ends stops at that limit or at the
//! attempt timeout; either way the error names the URL and what was already stored stays
//! (resumable). Content types are not trusted either way: every body is stored as received and
//! parsed as what the route publishes, so a 200 HTML page or a non-UTF-8 body on a JSON route
//! is a malformed-response error naming the URL (on required routes), or a stored answer the
//! verifier reports (on per-vote routes).

pub mod history;
pub mod http;
mod ipfs;
mod listed;
mod node;
pub mod progress;
pub mod reread;
mod saas;
mod store;
mod zk;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;

use crate::bundle::{BundleError, BundleMeta, BundleWriter, Gap};
use crate::protocol::hash::Hash32;
use http::{HttpClient, HttpConfig, HttpError, Secret};
use progress::{Progress, ProgressMode};

/// What to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One Vochain election by its 64-hex id.
    Election(String),
    /// A SaaS process (24-hex id): every question's `upstreamId` is fetched from the node. An
    /// optional legacy bundle id adds `/process/bundle/{id}` and its elections.
    Saas {
        base: Url,
        process_id: String,
        bundle_id: Option<String>,
    },
}

/// A fetch run. [`FetchConfig::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Node API base including its version path (`…/v2`).
    pub node: Url,
    pub target: Target,
    /// Path-style IPFS gateways (`{gw}/ipfs/{cid}`), tried in order.
    pub ipfs_gateways: Vec<Url>,
    /// Bundle directory (created, or resumed when it holds an unfinished bundle).
    pub out: PathBuf,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// SaaS bearer token (never printed, logged or stored).
    pub token: Option<Secret>,
    pub quiet: bool,
    /// Listing rounds for a live (READY) election before giving up on a stable listing.
    pub live_rounds: usize,
    /// Vote details to read a second time (equivocation check, see [`reread`]); `None` is the
    /// default sample ([`reread::sample_size`]), `Some(0)` re-reads none.
    pub reread: Option<usize>,
    /// Transport settings; `concurrency` above overrides `http.concurrency`.
    pub http: HttpConfig,
    /// Progress display; `None` picks one from `quiet` and the terminal.
    pub progress: Option<Progress>,
}

/// The default public IPFS gateway (path style).
pub const DEFAULT_IPFS_GATEWAY: &str = "https://ipfs.io";

impl FetchConfig {
    /// A config with the defaults: concurrency 16, the public gateway, 6 live rounds.
    pub fn new(node: Url, target: Target, out: impl Into<PathBuf>) -> FetchConfig {
        FetchConfig {
            node,
            target,
            ipfs_gateways: Url::parse(DEFAULT_IPFS_GATEWAY).into_iter().collect(),
            out: out.into(),
            concurrency: 16,
            token: None,
            quiet: false,
            live_rounds: 6,
            reread: None,
            http: HttpConfig::default(),
            progress: None,
        }
    }
}

/// What a finished fetch produced.
#[derive(Debug, Clone)]
pub struct FetchSummary {
    pub out: PathBuf,
    /// Elections fetched, in order.
    pub elections: Vec<String>,
    /// Chain height read first.
    pub height: Option<u64>,
    /// Responses received in this run (including ones already stored by an earlier run).
    pub requests: u64,
    /// Gaps recorded (all runs).
    pub gaps: Vec<Gap>,
    /// sha256 of the final `manifest.json`.
    pub manifest_sha256: Hash32,
    pub elapsed: Duration,
}

/// Why a fetch could not complete. Every variant is an exit-2 condition; what was fetched stays
/// on disk and a re-run resumes it.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("cannot reach the data source: {0}")]
    Http(#[from] HttpError),
    #[error("bundle: {0}")]
    Bundle(#[from] BundleError),
    #[error("{url}: HTTP {status}: {what}")]
    Refused {
        url: String,
        status: u16,
        what: String,
    },
    #[error("{url}: malformed response: {reason}")]
    Malformed { url: String, reason: String },
    #[error("{0}")]
    Target(String),
    #[error("the bundle writer stopped unexpectedly")]
    WriterGone,
}

impl From<store::Stopped> for FetchError {
    fn from(_: store::Stopped) -> Self {
        FetchError::WriterGone
    }
}

/// Shared state of one run.
pub(crate) struct Ctx {
    pub http: HttpClient,
    pub store: store::Store,
    /// Node base without trailing slash.
    pub node: String,
    pub gateways: Vec<String>,
    pub token: Option<Secret>,
    pub progress: Progress,
    pub buffer: usize,
    pub live_rounds: usize,
    pub reread: Option<usize>,
    pub requests: std::sync::atomic::AtomicU64,
    /// Set once the node answered 404 to `/chain/transactions/{hash}`: use the reference route.
    pub legacy_tx: std::sync::atomic::AtomicBool,
}

impl Ctx {
    /// GET through the shared client, counting the request.
    pub async fn get(&self, url: &str) -> Result<http::Outcome, HttpError> {
        let out = self.http.get(url).await;
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        out
    }
}

/// Runs a fetch into `cfg.out` (see the module doc for what is written). Resumes an unfinished
/// bundle there, fetching only what is missing.
pub async fn run(cfg: FetchConfig) -> Result<FetchSummary, FetchError> {
    let started = std::time::Instant::now();
    let node = cfg.node.as_str().trim_end_matches('/').to_string();
    let (saas_url, process_id, election_id) = match &cfg.target {
        Target::Election(id) => (None, None, Some(node::election_id(id)?)),
        Target::Saas {
            base, process_id, ..
        } => (
            Some(base.as_str().trim_end_matches('/').to_string()),
            Some(process_id.clone()),
            None,
        ),
    };
    let meta = BundleMeta {
        node_url: node.clone(),
        saas_url: saas_url.clone(),
        process_id,
        election_id: election_id.clone(),
        chain_id: None,
        height: None,
    };
    let writer = BundleWriter::create_or_resume(&cfg.out, meta)?;
    let (store, task) = store::spawn(writer);
    let http = HttpClient::new(HttpConfig {
        concurrency: cfg.concurrency.max(1),
        ..cfg.http.clone()
    })?;
    let ctx = Ctx {
        http,
        store,
        node,
        gateways: cfg
            .ipfs_gateways
            .iter()
            .map(|g| g.as_str().trim_end_matches('/').to_string())
            .collect(),
        token: cfg.token.clone(),
        progress: cfg
            .progress
            .clone()
            .unwrap_or_else(|| Progress::new(ProgressMode::detect(cfg.quiet))),
        buffer: cfg.concurrency.max(1) * 2,
        live_rounds: cfg.live_rounds.max(2),
        reread: cfg.reread,
        requests: Default::default(),
        legacy_tx: Default::default(),
    };
    let result = crawl(&ctx, &cfg.target, saas_url.as_deref(), election_id).await;
    let finished = match result {
        Ok((elections, height)) => match ctx.store.finish().await {
            Ok(Ok(sha)) => Ok((elections, height, sha)),
            Ok(Err(e)) => Err(FetchError::Bundle(e)),
            Err(e) => Err(e.into()),
        },
        Err(e) => Err(e),
    };
    let gaps = ctx.store.gaps().await.unwrap_or_default();
    drop(ctx.store);
    // A write error stops the writer task: report it rather than the "writer gone" symptom.
    let written = task.await.unwrap_or(Ok(()));
    let (elections, height, manifest_sha256) = match (finished, written) {
        (_, Err(e)) => return Err(FetchError::Bundle(e)),
        (Err(e), Ok(())) => return Err(e),
        (Ok(v), Ok(())) => v,
    };
    Ok(FetchSummary {
        out: cfg.out,
        elections,
        height,
        requests: ctx.requests.into_inner(),
        gaps,
        manifest_sha256,
        elapsed: started.elapsed(),
    })
}

/// Chain info, then the SaaS side (if any), then every election.
async fn crawl(
    ctx: &Ctx,
    target: &Target,
    saas_url: Option<&str>,
    election_id: Option<String>,
) -> Result<(Vec<String>, Option<u64>), FetchError> {
    let info = node::chain_info(ctx, "chain/info.json").await?;
    let height = info.height;
    let chain_id = info.chain_id.clone();
    ctx.store
        .meta(move |m| {
            m.height = Some(height);
            if !chain_id.is_empty() {
                m.chain_id = Some(chain_id);
            }
        })
        .await?;
    let elections = match (target, saas_url, election_id) {
        (Target::Election(_), _, Some(id)) => vec![id],
        (
            Target::Saas {
                process_id,
                bundle_id,
                ..
            },
            Some(base),
            _,
        ) => saas::crawl(ctx, base, process_id, bundle_id.as_deref()).await?,
        _ => return Err(FetchError::Target("no election to fetch".into())),
    };
    let mut organizations = BTreeSet::new();
    for id in &elections {
        organizations.insert(node::election(ctx, id).await?);
    }
    for address in organizations.iter().filter(|a| !a.is_empty()) {
        node::account(ctx, address).await?;
    }
    Ok((elections, Some(height)))
}

/// The Vochain elections `target` names, resolved as [`run`] resolves them but without writing
/// a bundle: an election id checked and lowercased, or every election a SaaS process names
/// (its questions' `upstreamId`s, then the legacy records'), in order, without repeats.
/// `token` is the SaaS bearer token, sent to the SaaS only. Watch mode uses it to learn which
/// elections to follow.
pub async fn resolve_elections(
    http: &HttpClient,
    target: &Target,
    token: Option<&Secret>,
) -> Result<Vec<String>, FetchError> {
    match target {
        Target::Election(id) => Ok(vec![node::election_id(id)?]),
        Target::Saas {
            base,
            process_id,
            bundle_id,
        } => {
            let base = base.as_str().trim_end_matches('/');
            saas::elections(http, token, base, process_id, bundle_id.as_deref()).await
        }
    }
}
