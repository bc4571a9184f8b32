//! Crawling one election from a node: election, keys, scrutiny, counts, the full vote listing
//! (modern `/votes?electionId=` pagination or the legacy page route), every vote's detail,
//! transaction and (when the detail has no date) block, with the completeness gaps of the module
//! doc. Routes and their answers: `vocdoni/vocdoni-node:api/{vote,elections,chain}.go`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::Ordering;

use futures::{stream, StreamExt};
use serde::Deserialize;

use crate::api::from_json_slice;
use crate::api::node::{ChainInfo, Election, TransactionResponse, VoteCount, VoteDetail, VoteList};
use crate::protocol::hash::{sha256, Hash32};
use crate::protocol::hex_bytes::HexId;

use super::http::{Outcome, Response};
use super::listed::ListedRow;
use super::progress::Task;
use super::reread::{self, DetailFields, FirstRead};
use super::{history, ipfs, Ctx, FetchError};

/// Rows per page asked of the modern list route (`MaxItemsPerPage`).
const PAGE_LIMIT: u64 = 100;
/// Rows per page of the legacy page route.
const LEGACY_PAGE: usize = 10;

/// Gap kinds the listing re-checks on every run (stale ones are dropped first).
pub(crate) const LISTING_GAPS: &[&str] = &[
    "vote-list-total",
    "vote-list-duplicate",
    "vote-count",
    "vote-count-route",
    "live-listing-unstable",
];

/// The lowercase 64-hex form of an election id (`0x` dropped), as the vote list requires.
pub(crate) fn election_id(id: &str) -> Result<String, FetchError> {
    let hex = id.strip_prefix("0x").unwrap_or(id);
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hex.to_ascii_lowercase())
    } else {
        Err(FetchError::Target(format!(
            "election id {id:?} is not 64 hex characters"
        )))
    }
}

/// A 200 whose body the model cannot take: the reason names the JSON path of the field and what
/// was expected (`answered 200 but census.censusRoot: invalid type: …`); the body itself is
/// stored in the bundle for the record before this is returned.
fn malformed(r: &Response, e: impl std::fmt::Display) -> FetchError {
    FetchError::Malformed {
        url: r.url.clone(),
        reason: format!("answered {} but {e}", r.status),
    }
}

fn refused(r: &Response, what: &str) -> FetchError {
    let detail = match (&r.redirect, r.api_error()) {
        (Some(to), _) => format!("{what}: redirect to {to} not followed (not the configured host)"),
        (None, Some(e)) => format!("{what} (node says: {} [code {}])", e.error, e.code),
        (None, None) => what.to_string(),
    };
    FetchError::Refused {
        url: r.url.clone(),
        status: r.status,
        what: detail,
    }
}

/// A response the fetch cannot do without: stored as `path` when 200 (and returned with its
/// parsed body), an error otherwise.
async fn required<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    url: &str,
    path: String,
    what: &str,
) -> Result<(T, Response), FetchError> {
    match ctx.get(url).await? {
        Outcome::Ok(r) => {
            let parsed = from_json_slice(&r.body).map_err(|e| malformed(&r, e));
            ctx.store.put(path, r.clone()).await?;
            parsed.map(|t| (t, r))
        }
        other => Err(refused(other.response(), what)),
    }
}

/// `GET /chain/info`, stored as `path`.
pub(crate) async fn chain_info(ctx: &Ctx, path: &str) -> Result<ChainInfo, FetchError> {
    let url = format!("{}/chain/info", ctx.node);
    let (info, _) = required(ctx, &url, path.to_string(), "chain info unavailable").await?;
    Ok(info)
}

/// Stores an optional singleton whatever the node answered; a non-200 answer is a gap.
async fn optional(
    ctx: &Ctx,
    id: &str,
    url: String,
    path: String,
    gap: &str,
) -> Result<(), FetchError> {
    let outcome = ctx.get(&url).await?;
    if !matches!(outcome, Outcome::Ok(_)) {
        let r = outcome.response();
        ctx.store
            .gap(gap, format!("election {id}: GET {url}: {}", r.describe()))
            .await?;
    }
    ctx.store.put(path, outcome.into_response()).await?;
    Ok(())
}

/// The account of the organisation `address` (hex), stored as `accounts/{address}.json` whatever
/// the node answers: it only gives the report the organisation's name, so a node without the
/// route or without metadata is no gap in the evidence, and one that cannot be reached for it
/// (after the usual retries) leaves the name out rather than failing the fetch.
pub(crate) async fn account(ctx: &Ctx, address: &str) -> Result<(), FetchError> {
    let address = norm_hex(address);
    let url = format!("{}/accounts/{address}", ctx.node);
    let Ok(outcome) = ctx.get(&url).await else {
        return Ok(());
    };
    ctx.store
        .put(format!("accounts/{address}.json"), outcome.into_response())
        .await?;
    Ok(())
}

/// Everything about one election (see the module doc of [`super`] for the names written);
/// returns the organisation that created it.
pub(crate) async fn election(ctx: &Ctx, id: &str) -> Result<String, FetchError> {
    let node = &ctx.node;
    let dir = format!("elections/{id}");
    let election_url = format!("{node}/elections/{id}");
    let (mut election, first_read): (Election, _) = required(
        ctx,
        &election_url,
        format!("{dir}/election.json"),
        "election not found",
    )
    .await?;
    let first_read = FirstRead::of(String::new(), &first_read);
    // A paused election may resume and take votes before the fetch ends, like a running one.
    let receiving = matches!(election.status.as_str(), "READY" | "PAUSED");
    ctx.store.forget_gaps(LISTING_GAPS.to_vec()).await?;

    if election.vote_mode.encrypted_votes {
        optional(
            ctx,
            id,
            format!("{election_url}/keys"),
            format!("{dir}/keys.json"),
            "keys-unavailable",
        )
        .await?;
    }
    if election.status == "RESULTS" {
        optional(
            ctx,
            id,
            format!("{election_url}/scrutiny"),
            format!("{dir}/scrutiny.json"),
            "scrutiny-unavailable",
        )
        .await?;
    }
    ipfs::census(ctx, &election).await?;
    if election.vote_mode.anonymous {
        super::zk::circuit_evidence(ctx).await?;
    }
    let txs = format!("txs-{id}");
    if let Some(hash) = election
        .key_reveal_tx_hash
        .as_deref()
        .filter(|h| !h.is_empty())
    {
        fetch_tx(ctx, &txs, hash).await?;
    }

    let list_task = ctx.progress.task("vote list", None);
    let live = election.status == "READY";
    let listing = if live {
        let listing = live_listing(ctx, id).await?;
        chain_info(ctx, "chain/info-after.json").await?;
        (election, _) = required(
            ctx,
            &election_url,
            format!("{dir}/election.json"),
            "election not found",
        )
        .await?;
        listing
    } else {
        list_once(ctx, id, 1).await?
    };
    list_task.inc(listing.rows.len() as u64);
    list_task.finish();

    let count_url = format!("{election_url}/votes/count");
    let count = match ctx.get(&count_url).await? {
        Outcome::Ok(r) => {
            let c = serde_json::from_slice::<VoteCount>(&r.body).ok();
            ctx.store.put(format!("{dir}/votes-count.json"), r).await?;
            c.map(|c| c.count)
        }
        other => {
            ctx.store
                .put(format!("{dir}/votes-count.json"), other.into_response())
                .await?;
            None
        }
    };
    let distinct = listing.distinct();
    completeness(ctx, id, &listing, &distinct, &election, count).await?;
    let sampled = reread::sample(
        distinct.rows.iter().map(|(r, _)| r.vote_id()),
        reread::sample_size(ctx.reread, distinct.rows.len()),
    );
    let firsts = votes(ctx, id, &distinct.rows, receiving, &sampled).await?;
    let listed: Vec<(&HexId, u64)> = distinct
        .rows
        .iter()
        .map(|(r, _)| (&r.tx_hash, r.block_height))
        .collect();
    drop(distinct);
    let read_now: HashSet<&str> = firsts.iter().map(|f| f.nullifier.as_str()).collect();
    let earlier: HashMap<String, String> = sampled
        .iter()
        .filter(|n| !read_now.contains(n.as_str()))
        .map(|n| (n.clone(), format!("{}/votes/{n}", ctx.node)))
        .collect();
    reread::vote_details(ctx, id, receiving, firsts, earlier).await?;
    reread::election(ctx, id, receiving, &first_read).await?;
    history::history(ctx, &election, &listed).await?;
    Ok(election.organization_id)
}

/// A listing's rows, one per nullifier, computed once for the completeness checks, the re-read
/// sample and the crawl.
#[derive(Default)]
struct Distinct<'a> {
    rows: Vec<(&'a ListedRow, Option<&'a Hash32>)>,
    /// Nullifiers listed again after their first row.
    repeated: Vec<String>,
}

/// One listing of an election's votes.
#[derive(Debug, Default)]
struct Listing {
    /// Rows in page order, duplicates kept.
    rows: Vec<ListedRow>,
    /// Distinct `pagination.totalItems` values seen (modern route only).
    totals: BTreeSet<u64>,
    /// Per row, the index in `pages` of the page it came from.
    row_page: Vec<u32>,
    /// sha256 of each page body, in the order the pages were added.
    pages: Vec<Hash32>,
}

impl Listing {
    fn add_page(&mut self, rows: Vec<ListedRow>, sha: Hash32) {
        let page = self.pages.len() as u32;
        self.pages.push(sha);
        self.row_page.resize(self.row_page.len() + rows.len(), page);
        self.rows.extend(rows);
    }

    /// Each row with the sha256 of the page that listed it.
    fn rows_with_pages(&self) -> impl Iterator<Item = (&ListedRow, Option<&Hash32>)> {
        let pages = &self.pages;
        self.rows
            .iter()
            .zip(&self.row_page)
            .map(move |(r, &p)| (r, pages.get(p as usize)))
    }

    /// Each nullifier's first row with its page, in list order, and every later row of a
    /// nullifier already listed (nullifiers compare case-insensitively).
    fn distinct(&self) -> Distinct<'_> {
        let mut seen: HashSet<&HexId> = HashSet::with_capacity(self.rows.len());
        let mut out = Distinct::default();
        for (row, page) in self.rows_with_pages() {
            if seen.insert(&row.vote_id) {
                out.rows.push((row, page));
            } else {
                out.repeated.push(row.vote_id());
            }
        }
        out
    }

    /// What two listings must agree on: every row's nullifier and height, in order.
    fn key(&self) -> Vec<(&HexId, u64)> {
        self.rows
            .iter()
            .map(|r| (&r.vote_id, r.block_height))
            .collect()
    }
}

/// A list page as the crawl keeps it: its rows and the `pagination.totalItems` it announced.
struct ListedPage {
    rows: Vec<ListedRow>,
    total_items: Option<u64>,
}

impl From<VoteList> for ListedPage {
    fn from(list: VoteList) -> Self {
        ListedPage {
            total_items: list.pagination.map(|p| p.total_items),
            rows: list.votes.into_iter().map(ListedRow::from).collect(),
        }
    }
}

/// Lists until two consecutive rounds agree, at most `ctx.live_rounds` rounds (see
/// [`list_once`] for where each round goes).
async fn live_listing(ctx: &Ctx, id: &str) -> Result<Listing, FetchError> {
    let mut previous = list_once(ctx, id, 1).await?;
    for round in 2..=ctx.live_rounds {
        let next = list_once(ctx, id, round).await?;
        let agreed = next.key() == previous.key();
        previous = next;
        if agreed {
            return Ok(previous);
        }
    }
    ctx.store
        .gap(
            "live-listing-unstable",
            format!(
                "election {id} is live and {} consecutive listings never agreed; the last one \
                 (stream list-{id}-r{}) has {} rows",
                ctx.live_rounds,
                ctx.live_rounds,
                previous.rows.len()
            ),
        )
        .await?;
    Ok(previous)
}

/// The stream of listing round `round` (1-based) and the query suffix that keeps its URLs
/// distinct from earlier rounds' (a bundle stores each URL once; the node ignores `round`).
fn round_names(id: &str, round: usize) -> (String, String) {
    if round <= 1 {
        (format!("list-{id}"), String::new())
    } else {
        (format!("list-{id}-r{round}"), format!("round={round}"))
    }
}

/// Lists every page once (round `round`): the modern route, or the legacy page route when the
/// node does not have it (404 without code 4057).
async fn list_once(ctx: &Ctx, id: &str, round: usize) -> Result<Listing, FetchError> {
    let (stream, suffix) = round_names(id, round);
    let stream = stream.as_str();
    let url = |page: u64| {
        let extra = if suffix.is_empty() {
            String::new()
        } else {
            format!("&{suffix}")
        };
        format!(
            "{}/votes?electionId={id}&page={page}&limit={PAGE_LIMIT}{extra}",
            ctx.node
        )
    };
    let first = match ctx.get(&url(0)).await? {
        Outcome::Ok(r) => r,
        // Page 0 past the last page: an empty election.
        Outcome::PastLastPage(r) => {
            ctx.store.append(stream, r).await?;
            return Ok(Listing::default());
        }
        Outcome::NotFound(_) => return legacy_list(ctx, id, stream, &suffix).await,
        other => return Err(refused(other.response(), "vote list refused")),
    };
    let mut pages: Vec<(u64, ListedPage, Hash32)> = Vec::new();
    let list0: VoteList = from_json_slice(&first.body).map_err(|e| malformed(&first, e))?;
    let sha0 = sha256(&[&first.body]);
    ctx.store.append(stream, first).await?;
    let last = list0
        .pagination
        .as_ref()
        .and_then(|p| p.next_page.map(|_| p.last_page))
        .unwrap_or(0);
    pages.push((0, ListedPage::from(list0), sha0));
    // A page past the end means the list shrank while we read it (live election): the rounds
    // will tell.
    pages.extend(fetch_pages(ctx, stream, 1..=last, ctx.buffer, url, PastEnd::Skip).await?);
    let mut listing = Listing::default();
    // Sized once: growing by doubling would hold the old and new row buffers together.
    let rows: usize = pages.iter().map(|(_, list, _)| list.rows.len()).sum();
    listing.rows.reserve_exact(rows);
    listing.row_page.reserve_exact(rows);
    for (_, list, sha) in pages {
        if let Some(total) = list.total_items {
            listing.totals.insert(total);
        }
        listing.add_page(list.rows, sha);
    }
    Ok(listing)
}

/// The legacy `/elections/{id}/votes/page/{n}` route (10 rows, an empty page past the end),
/// read in windows of concurrent pages until a short page.
async fn legacy_list(
    ctx: &Ctx,
    id: &str,
    stream: &str,
    suffix: &str,
) -> Result<Listing, FetchError> {
    let url = |page: u64| {
        let extra = if suffix.is_empty() {
            String::new()
        } else {
            format!("?{suffix}")
        };
        format!("{}/elections/{id}/votes/page/{page}{extra}", ctx.node)
    };
    let window = ctx.buffer.max(1);
    let mut listing = Listing::default();
    let mut start = 0u64;
    loop {
        let window_pages = start..start + window as u64;
        let pages = fetch_pages(ctx, stream, window_pages, window, url, PastEnd::Refuse).await?;
        for (_, list, sha) in pages {
            let short = list.rows.len() < LEGACY_PAGE;
            listing.add_page(list.rows, sha);
            if short {
                return Ok(listing);
            }
        }
        start += window as u64;
    }
}

/// What a 4057 "page not found" means to a listing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PastEnd {
    /// The list shrank while it was read: keep the answer as evidence and go on.
    Skip,
    /// Not an answer the route gives (the legacy route returns an empty page): refuse.
    Refuse,
}

/// Fetches the list `pages` with at most `window` in flight, stores every answer in `stream`,
/// and returns the parsed pages sorted by page number; any other answer than a page (or a
/// skipped 4057) is refused.
async fn fetch_pages(
    ctx: &Ctx,
    stream: &str,
    pages: impl Iterator<Item = u64>,
    window: usize,
    url: impl Fn(u64) -> String,
    past_end: PastEnd,
) -> Result<Vec<(u64, ListedPage, Hash32)>, FetchError> {
    let mut got = stream::iter(pages)
        .map(|page| {
            let u = url(page);
            async move { (page, ctx.get(&u).await) }
        })
        .buffer_unordered(window);
    let mut lists = Vec::new();
    while let Some((page, outcome)) = got.next().await {
        match outcome? {
            Outcome::Ok(r) => {
                let list: VoteList = from_json_slice(&r.body).map_err(|e| malformed(&r, e))?;
                let sha = sha256(&[&r.body]);
                ctx.store.append(stream, r).await?;
                lists.push((page, ListedPage::from(list), sha));
            }
            Outcome::PastLastPage(r) if past_end == PastEnd::Skip => {
                ctx.store.append(stream, r).await?
            }
            other => return Err(refused(other.response(), "vote list page refused")),
        }
    }
    lists.sort_by_key(|(page, _, _)| *page);
    Ok(lists)
}

/// Records the completeness gaps of a listing (never judging: the verifier decides).
async fn completeness(
    ctx: &Ctx,
    id: &str,
    listing: &Listing,
    unique: &Distinct<'_>,
    election: &Election,
    count: Option<u64>,
) -> Result<(), FetchError> {
    let rows = listing.rows.len() as u64;
    let dups = &unique.repeated;
    let distinct = unique.rows.len() as u64;
    let store = &ctx.store;
    if listing.totals.len() > 1 || listing.totals.iter().any(|&t| t != rows) {
        let totals: Vec<String> = listing.totals.iter().map(u64::to_string).collect();
        store
            .gap(
                "vote-list-total",
                format!(
                    "election {id}: the vote list has {rows} rows, pagination totalItems is {}",
                    totals.join(" then ")
                ),
            )
            .await?;
    }
    if !dups.is_empty() {
        let shown: Vec<&str> = dups.iter().take(5).map(String::as_str).collect();
        store
            .gap(
                "vote-list-duplicate",
                format!(
                    "election {id}: {} nullifier(s) listed more than once (raw pages kept), e.g. {}",
                    dups.len(),
                    shown.join(", ")
                ),
            )
            .await?;
    }
    if distinct != election.vote_count {
        store
            .gap(
                "vote-count",
                format!(
                    "election {id}: {distinct} distinct nullifiers listed, election voteCount is {}",
                    election.vote_count
                ),
            )
            .await?;
    }
    match count {
        Some(c) if c == distinct => {}
        Some(c) => {
            store
                .gap(
                    "vote-count-route",
                    format!(
                    "election {id}: {distinct} distinct nullifiers listed, votes/count says {c}"
                ),
                )
                .await?
        }
        None => {
            store
                .gap(
                    "vote-count-route",
                    format!("election {id}: votes/count did not answer a count"),
                )
                .await?
        }
    }
    Ok(())
}

enum Job<'a> {
    /// A vote's detail, with the sha256 of the list page that listed it.
    Detail(&'a ListedRow, Option<&'a Hash32>),
    Tx(String),
}

/// Votes handled per round of [`votes_chunk`]: the URLs probed, the jobs and the details read
/// are held for one chunk at a time, so the crawler's memory does not grow with the election
/// (at a million votes, probing every URL at once held 4M URL strings twice over, 1.4 GB).
/// Each chunk boundary drains at most `ctx.buffer` requests, well under 1% of a chunk.
const VOTE_CHUNK: usize = 8192;

/// Each `distinct` listed vote's detail and transaction (concurrently), then the transactions
/// only the detail names and the blocks of votes without a date. Already-stored URLs are
/// skipped, so a resumed run fetches only what is missing. Each detail read is compared with
/// its list row (`live`: the election was receiving votes); the first reads of the `sampled`
/// nullifiers are returned for re-reading.
async fn votes(
    ctx: &Ctx,
    id: &str,
    distinct: &[(&ListedRow, Option<&Hash32>)],
    live: bool,
    sampled: &HashSet<String>,
) -> Result<Vec<FirstRead>, FetchError> {
    let node = &ctx.node;
    let block_url = |h: u64| format!("{node}/chain/blocks/{h}");

    let task = ctx.progress.task("votes+txs", Some(distinct.len() as u64));
    let mut heights: BTreeSet<u64> = BTreeSet::new();
    let mut firsts = Vec::new();
    let compare = Compare { live, sampled };
    for chunk in distinct.chunks(VOTE_CHUNK) {
        let chunk_firsts = votes_chunk(ctx, id, chunk, &compare, &mut heights, &task).await?;
        firsts.extend(chunk_firsts);
    }
    task.finish();

    let blocks_task = ctx.progress.task("blocks", Some(heights.len() as u64));
    let mut blocks = stream::iter(heights)
        .map(|h| async move {
            let url = block_url(h);
            let outcome = ctx.get(&url).await?;
            if !matches!(outcome, Outcome::Ok(_)) {
                let r = outcome.response();
                ctx.store
                    .gap(
                        "block-missing",
                        format!("election {id}: GET {url}: {}", r.describe()),
                    )
                    .await?;
            }
            ctx.store.append("blocks", outcome.into_response()).await?;
            Ok::<_, FetchError>(())
        })
        .buffer_unordered(ctx.buffer);
    while let Some(r) = blocks.next().await {
        r?;
        blocks_task.inc(1);
    }
    blocks_task.finish();
    Ok(firsts)
}

/// What [`votes_chunk`] needs to compare each detail with its row and keep the sampled ones.
struct Compare<'a> {
    live: bool,
    sampled: &'a HashSet<String>,
}

/// One chunk of [`votes`]: details and transactions of `rows` not stored yet, then the
/// transactions only their details name; heights of votes without a date are added to
/// `heights` (their blocks are read once, after every chunk). `task` advances by the chunk's
/// votes in proportion to its requests done. Returns the first reads of sampled votes.
async fn votes_chunk(
    ctx: &Ctx,
    id: &str,
    rows: &[(&ListedRow, Option<&Hash32>)],
    compare: &Compare<'_>,
    heights: &mut BTreeSet<u64>,
    task: &Task,
) -> Result<Vec<FirstRead>, FetchError> {
    let node = &ctx.node;
    let detail_url = |r: &ListedRow| format!("{node}/votes/{}", r.vote_id);
    let block_url = |h: u64| format!("{node}/chain/blocks/{h}");

    // What is stored already: details, row txs (either route), row blocks.
    let mut probe = Vec::with_capacity(rows.len() * 4);
    for (r, _) in rows {
        probe.push(detail_url(r));
        probe.extend(tx_urls(
            ctx,
            &r.tx_hash(),
            r.block_height,
            r.transaction_index,
        ));
        probe.push(block_url(r.block_height));
    }
    let stored: HashSet<String> = {
        let has = ctx.store.has(probe.clone()).await?;
        probe
            .into_iter()
            .zip(has)
            .filter_map(|(u, h)| h.then_some(u))
            .collect()
    };
    let tx_done = |r: &ListedRow| {
        tx_urls(ctx, &r.tx_hash(), r.block_height, r.transaction_index)
            .iter()
            .any(|u| stored.contains(u))
    };
    let mut jobs: Vec<Job> = Vec::new();
    for &(r, page) in rows {
        // Re-read a stored detail when it is the only source of the tx hash or the vote time.
        let need_detail = !stored.contains(&detail_url(r))
            || r.tx_hash.is_empty()
            || (!r.has_block_time && !stored.contains(&block_url(r.block_height)));
        if need_detail {
            jobs.push(Job::Detail(r, page));
        }
        if !r.tx_hash.is_empty() && !tx_done(r) {
            jobs.push(Job::Tx(r.tx_hash()));
        }
    }

    let votes_stream = format!("votes-{id}");
    let txs_stream = format!("txs-{id}");
    let mut details: HashMap<String, DetailFields> = HashMap::new();
    let mut firsts: Vec<FirstRead> = Vec::new();
    let (total_jobs, mut jobs_done, mut votes_shown) = (jobs.len().max(1), 0usize, 0usize);
    let mut results = stream::iter(jobs)
        .map(|job| {
            let (votes_stream, txs_stream) = (&votes_stream, &txs_stream);
            async move {
                match job {
                    Job::Detail(r, page) => {
                        let url = detail_url(r);
                        let outcome = ctx.get(&url).await?;
                        let nullifier = r.vote_id();
                        let first = compare
                            .sampled
                            .contains(&nullifier)
                            .then(|| FirstRead::of(nullifier.clone(), outcome.response()));
                        let info = match &outcome {
                            Outcome::Ok(resp) => {
                                // One strict parse; only a detail the verifier will reject is
                                // read again leniently, for the transaction it still names.
                                let fields = match serde_json::from_slice::<VoteDetail>(&resp.body)
                                {
                                    Ok(detail) => Some(DetailFields::from(detail)),
                                    Err(e) => {
                                        let status = resp.status;
                                        let why = format!(
                                            "election {id}: GET {url}: HTTP {status}, not a vote detail: {e}"
                                        );
                                        ctx.store.gap("vote-detail-missing", why).await?;
                                        serde_json::from_slice::<DetailFields>(&resp.body).ok()
                                    }
                                };
                                match fields {
                                    Some(fields) => {
                                        let live = compare.live;
                                        reread::row_against_detail(
                                            ctx, id, live, r, page, resp, &fields,
                                        )
                                        .await?;
                                        Some((nullifier, fields))
                                    }
                                    None => None,
                                }
                            }
                            other => {
                                let resp = other.response();
                                ctx.store
                                    .gap(
                                        "vote-detail-missing",
                                        format!(
                                            "election {id}: GET {url}: {}",
                                            resp.describe()
                                        ),
                                    )
                                    .await?;
                                None
                            }
                        };
                        ctx.store
                            .append(votes_stream, outcome.into_response())
                            .await?;
                        Ok::<_, FetchError>((info, first))
                    }
                    Job::Tx(hash) => {
                        fetch_tx(ctx, txs_stream, &hash).await?;
                        Ok((None, None))
                    }
                }
            }
        })
        .buffer_unordered(ctx.buffer);
    while let Some(result) = results.next().await {
        let (info, first) = result?;
        if let Some((nullifier, info)) = info {
            details.insert(nullifier, info);
        }
        firsts.extend(first);
        jobs_done += 1;
        let votes_done = rows.len() * jobs_done / total_jobs;
        task.inc((votes_done - votes_shown) as u64);
        votes_shown = votes_done;
    }
    drop(results);
    task.inc((rows.len() - votes_shown) as u64);

    // Second pass: txs named only by the detail, blocks of votes without a date.
    let mut txs: BTreeSet<String> = BTreeSet::new();
    for (r, _) in rows {
        let Some(d) = details.get(&r.vote_id()) else {
            continue;
        };
        if r.tx_hash.is_empty() {
            if d.tx_hash.is_empty() {
                ctx.store
                    .gap(
                        "tx-missing",
                        format!(
                            "election {id}: vote {} names no transaction (list row and detail)",
                            r.vote_id
                        ),
                    )
                    .await?;
            } else if !tx_urls(ctx, &d.tx_hash, d.block_height, r.transaction_index)
                .iter()
                .any(|u| stored.contains(u))
            {
                txs.insert(d.tx_hash.clone());
            }
        }
        if d.date.is_empty() && !stored.contains(&block_url(d.block_height)) {
            heights.insert(d.block_height);
        }
    }
    let mut more = stream::iter(txs)
        .map(|hash| {
            let txs_stream = &txs_stream;
            async move { fetch_tx(ctx, txs_stream, &hash).await }
        })
        .buffer_unordered(ctx.buffer);
    while let Some(r) = more.next().await {
        r?;
    }
    Ok(firsts)
}

/// The URLs under which a transaction may already be stored: the modern route, and the legacy
/// `{height}/{index}` route.
fn tx_urls(ctx: &Ctx, hash: &str, height: u64, index: u32) -> Vec<String> {
    let mut urls = Vec::with_capacity(2);
    if !hash.is_empty() {
        urls.push(format!(
            "{}/chain/transactions/{}",
            ctx.node,
            hash.to_ascii_lowercase()
        ));
    }
    urls.push(format!("{}/chain/transactions/{height}/{index}", ctx.node));
    urls
}

/// `txInfo` position as the reference route gives it (old names accepted).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TxRef {
    #[serde(alias = "blockHeight")]
    height: u64,
    #[serde(alias = "transactionIndex")]
    index: u32,
}

/// Fetches one transaction into `stream`: `/chain/transactions/{hash}`, or on a node without
/// that route `/chain/transactions/reference/{hash}` → `/chain/transactions/{height}/{index}`.
/// A transaction the node does not know is stored as answered and recorded as a gap.
pub(crate) async fn fetch_tx(ctx: &Ctx, stream: &str, hash: &str) -> Result<(), FetchError> {
    let hash = hash.to_ascii_lowercase();
    let node = &ctx.node;
    if !ctx.legacy_tx.load(Ordering::Relaxed) {
        let url = format!("{node}/chain/transactions/{hash}");
        match ctx.get(&url).await? {
            Outcome::Ok(r) => return tx_answer(ctx, stream, &hash, r).await,
            Outcome::NotFound(_) => ctx.legacy_tx.store(true, Ordering::Relaxed),
            other => return tx_gap(ctx, stream, &hash, other).await,
        }
    }
    let ref_url = format!("{node}/chain/transactions/reference/{hash}");
    let reference = match ctx.get(&ref_url).await? {
        Outcome::Ok(r) => r,
        other => return tx_gap(ctx, stream, &hash, other).await,
    };
    let at: TxRef = from_json_slice(&reference.body).map_err(|e| malformed(&reference, e))?;
    ctx.store.append(stream, reference).await?;
    let url = format!("{node}/chain/transactions/{}/{}", at.height, at.index);
    match ctx.get(&url).await? {
        Outcome::Ok(r) => tx_answer(ctx, stream, &hash, r).await,
        other => tx_gap(ctx, stream, &hash, other).await,
    }
}

fn norm_hex(h: &str) -> String {
    h.trim_start_matches("0x").to_ascii_lowercase()
}

/// Stores a 200 answer for transaction `hash`; one that is not that transaction (not a
/// transaction response, or `txInfo.hash` names another) is also a `tx-missing` gap.
async fn tx_answer(ctx: &Ctx, stream: &str, hash: &str, r: Response) -> Result<(), FetchError> {
    let problem = match serde_json::from_slice::<TransactionResponse>(&r.body) {
        Err(e) => Some(format!("not a transaction: {e}")),
        Ok(tx) if !tx.tx_info.hash.is_empty() && norm_hex(&tx.tx_info.hash) != norm_hex(hash) => {
            Some(format!("it is transaction {:?}", tx.tx_info.hash))
        }
        Ok(_) => None,
    };
    if let Some(problem) = problem {
        ctx.store
            .gap(
                "tx-missing",
                format!(
                    "election {}: transaction {hash}: GET {}: HTTP {}, {problem}",
                    stream.strip_prefix("txs-").unwrap_or(stream),
                    r.url,
                    r.status
                ),
            )
            .await?;
    }
    Ok(ctx.store.append(stream, r).await?)
}

async fn tx_gap(ctx: &Ctx, stream: &str, hash: &str, outcome: Outcome) -> Result<(), FetchError> {
    let r = outcome.response();
    ctx.store
        .gap(
            "tx-missing",
            format!(
                "election {}: transaction {hash}: GET {}: {}",
                stream.strip_prefix("txs-").unwrap_or(stream),
                r.url,
                r.describe()
            ),
        )
        .await?;
    ctx.store.append(stream, outcome.into_response()).await?;
    Ok(())
}
