//! An election's history from the chain's transaction index (vochain-api.md §5.4): the
//! NEW_PROCESS that created it, every SET_PROCESS (status, census, duration) and key
//! addition/reveal that names it, and every vote transaction in the blocks it was open — the
//! envelopes the vote list hides (superseded ones) included. Also its metadata document from
//! IPFS and, where a node serves it, `/elections/{id}/metadata/history`.
//!
//! The index has no election filter (`api/chain.go: chainTxListHandler`,
//! `indexer/queries/transactions.sql: SearchTransactions`, newest first): the crawl lists each
//! type/subtype, reads the bodies of rows at or above the election's creation height and leaves
//! the choice of those naming the election to the loader. Filtering by the organisation as
//! signer would hide a stranger's change, so it is never done. Nodes without the filtered list
//! (`release-lts-2` only has `/chain/transactions/page/{page}`) get a `history-unavailable` gap.

use std::collections::{BTreeSet, HashSet};

use futures::{stream, StreamExt};

use crate::api::node::{Election, MetadataHistory, TransactionList, TxInfo};
use crate::bundle::load::{history_stream, metadata_path, HISTORY_GAPS};
use crate::protocol::hex_bytes::HexId;
use crate::protocol::proto::{ProcessStatus, TxPayload, TxType};
use crate::protocol::tx::decode_node_transaction_str;

use super::http::Outcome;
use super::{ipfs, Ctx, FetchError};

/// Rows per list page (`MaxItemsPerPage`).
const PAGE_LIMIT: u64 = 100;
/// Most blocks scanned for an election's vote transactions; beyond, a `history-scan-partial` gap.
pub const MAX_SCAN_BLOCKS: u64 = 5_000;

/// The kinds of transaction that change an election, as the index names them (`type`, `subtype`).
pub const HISTORY_KINDS: &[(&str, &str)] = &[
    ("newProcess", "new_process"),
    ("setProcess", "set_process_status"),
    ("setProcess", "set_process_census"),
    ("setProcess", "set_process_duration"),
    ("admin", "add_process_keys"),
    ("admin", "reveal_process_keys"),
];

/// Subtypes of the organisation's delegations (`setAccount`).
pub const DELEGATION_SUBTYPES: [&str; 2] = ["add_delegate_for_account", "del_delegate_for_account"];

/// What the history crawl learnt while listing, for the vote scan.
#[derive(Default)]
struct Found {
    /// Height of this election's NEW_PROCESS.
    created: Option<u64>,
    /// Highest height of a status change to ENDED or CANCELED naming the election.
    ended: Option<u64>,
    /// Highest height of any history transaction naming the election.
    last: Option<u64>,
    /// Heights of the history transactions naming the election.
    heights: BTreeSet<u64>,
}

/// Crawls the history of `election`; `listed` are the vote list's `(txHash, height)` pairs,
/// whose transactions the vote crawl already stored.
pub(crate) async fn history(
    ctx: &Ctx,
    election: &Election,
    listed: &[(&HexId, u64)],
) -> Result<(), FetchError> {
    let id = election.election_id.to_ascii_lowercase();
    ctx.store.forget_gaps(HISTORY_GAPS.to_vec()).await?;
    metadata(ctx, &id, election).await?;
    let stream = history_stream(&id);
    let mut found = Found::default();
    let floor = listed.iter().map(|(_, h)| *h).min();
    for &(tx_type, subtype) in HISTORY_KINDS {
        let floor = found.created.or(floor);
        let Some(rows) = list_kind(ctx, &id, &stream, tx_type, subtype, "", floor).await? else {
            return Ok(());
        };
        // A missing NEW_PROCESS is the verifier's finding (V-HIST-01), not a fetch gap.
        bodies(ctx, &id, &stream, &rows, &mut found).await?;
    }
    // The organisation's delegates may sign for it: every delegation it ever signed (here the
    // signer filter is right, only the account itself can add or remove its delegates).
    let org = election.organization_id.to_ascii_lowercase();
    for subtype in DELEGATION_SUBTYPES {
        let signer = format!("&signer={org}");
        if let Some(rows) =
            list_kind(ctx, &id, &stream, "setAccount", subtype, &signer, None).await?
        {
            bodies(ctx, &id, &stream, &rows, &mut found).await?;
        }
    }
    blocks(ctx, &found.heights).await?;
    scan_votes(ctx, &id, &stream, listed, &found).await
}

/// Stores the blocks of the election's history transactions (their times), in the `blocks`
/// stream the vote crawl uses.
async fn blocks(ctx: &Ctx, heights: &BTreeSet<u64>) -> Result<(), FetchError> {
    let urls: Vec<String> = heights
        .iter()
        .map(|h| format!("{}/chain/blocks/{h}", ctx.node))
        .collect();
    let stored = ctx.store.has(urls.clone()).await?;
    for (url, _) in urls.into_iter().zip(stored).filter(|(_, s)| !s) {
        let r = ctx.get(&url).await?.into_response();
        ctx.store.append("blocks", r).await?;
    }
    Ok(())
}

/// Lists one type/subtype newest first, down to `floor` (the creation height once known; the
/// lowest vote height before; everything when neither is known). `None` when the node does not
/// serve the filtered list (a gap is recorded).
async fn list_kind(
    ctx: &Ctx,
    id: &str,
    stream: &str,
    tx_type: &str,
    subtype: &str,
    extra: &str,
    floor: Option<u64>,
) -> Result<Option<Vec<TxInfo>>, FetchError> {
    let mut rows = Vec::new();
    let mut page = 0u64;
    loop {
        let url = format!(
            "{}/chain/transactions?type={tx_type}&subtype={subtype}{extra}&limit={PAGE_LIMIT}&page={page}",
            ctx.node
        );
        let r = match ctx.get(&url).await? {
            Outcome::Ok(r) => r,
            // No row of this kind at all (an empty list has no page 0 on some versions).
            Outcome::PastLastPage(r) => {
                ctx.store.append(stream, r).await?;
                return Ok(Some(rows));
            }
            other => {
                ctx.store
                    .gap(
                        "history-unavailable",
                        format!(
                            "election {id}: GET {url}: {} (the node does not serve the filtered transaction list)",
                            other.response().describe()
                        ),
                    )
                    .await?;
                ctx.store.append(stream, other.into_response()).await?;
                return Ok(None);
            }
        };
        let list: Result<TransactionList, _> = serde_json::from_slice(&r.body);
        ctx.store.append(stream, r.clone()).await?;
        let list = match list {
            Ok(list) => list,
            Err(e) => {
                ctx.store
                    .gap(
                        "history-unavailable",
                        format!("election {id}: GET {url}: not a transaction list: {e}"),
                    )
                    .await?;
                return Ok(None);
            }
        };
        let page_rows = list.transactions.unwrap_or_default();
        let below = page_rows
            .last()
            .is_some_and(|t| floor.is_some_and(|f| t.height < f));
        rows.extend(
            page_rows
                .into_iter()
                .filter(|t| floor.is_none_or(|f| t.height >= f) || tx_type == "newProcess"),
        );
        let next = list.pagination.and_then(|p| p.next_page);
        // NEW_PROCESS is looked for until found (it is below every vote); the rest stop at the floor.
        let stop = below && tx_type != "newProcess";
        match next {
            Some(n) if n > page && !stop => page = n,
            _ => return Ok(Some(rows)),
        }
    }
}

/// Stores the bodies of `rows` and notes what they say about the election.
async fn bodies(
    ctx: &Ctx,
    id: &str,
    stream: &str,
    rows: &[TxInfo],
    found: &mut Found,
) -> Result<(), FetchError> {
    let urls: Vec<String> = rows
        .iter()
        .map(|t| {
            format!(
                "{}/chain/transactions/{}",
                ctx.node,
                t.hash.to_ascii_lowercase()
            )
        })
        .collect();
    let mut got = stream::iter(urls.into_iter().zip(rows))
        .map(|(url, row)| async move { (ctx.get(&url).await, row) })
        .buffered(ctx.buffer);
    while let Some((outcome, row)) = got.next().await {
        let r = outcome?.into_response();
        if r.status == 200 {
            if let Ok(text) = std::str::from_utf8(&r.body) {
                note(id, text, row.height, found);
            }
        }
        ctx.store.append(stream, r).await?;
        // NEW_PROCESS of this election found: older ones are not needed.
        if found.created.is_some() && row.tx_type.eq_ignore_ascii_case("newProcess") {
            break;
        }
    }
    Ok(())
}

/// Notes a body that names election `id`.
fn note(id: &str, body: &str, height: u64, found: &mut Found) {
    let Ok(tx) = decode_node_transaction_str(body) else {
        return;
    };
    let (pid, ended) = match &tx.tx.tx.payload {
        Some(TxPayload::NewProcess(n)) => (
            n.process
                .as_ref()
                .map(|p| p.process_id.clone())
                .unwrap_or_default(),
            false,
        ),
        Some(TxPayload::SetProcess(s)) => (
            s.process_id.clone(),
            s.txtype == TxType::SetProcessStatus as i32
                && matches!(
                    s.status.and_then(|v| ProcessStatus::try_from(v).ok()),
                    Some(ProcessStatus::Ended | ProcessStatus::Canceled)
                ),
        ),
        Some(TxPayload::Admin(a)) => (a.process_id.clone(), false),
        _ => return,
    };
    if hex::encode(&pid) != id {
        return;
    }
    if matches!(tx.tx.tx.payload, Some(TxPayload::NewProcess(_))) {
        found.created = Some(found.created.map_or(height, |c| c.min(height)));
    }
    if ended {
        found.ended = Some(found.ended.map_or(height, |e| e.max(height)));
    }
    found.last = Some(found.last.map_or(height, |l| l.max(height)));
    found.heights.insert(height);
}

/// Lists the vote transactions of every block from the creation (or first vote) to the end (or
/// last vote) and stores the bodies the vote crawl did not: the superseded envelopes, and any
/// the vote list does not show.
async fn scan_votes(
    ctx: &Ctx,
    id: &str,
    stream: &str,
    listed: &[(&HexId, u64)],
    found: &Found,
) -> Result<(), FetchError> {
    let lowest_vote = listed.iter().map(|(_, h)| *h).min();
    let highest_vote = listed.iter().map(|(_, h)| *h).max();
    let Some(lo) = found.created.or(lowest_vote) else {
        return Ok(());
    };
    let hi = [highest_vote, found.ended, found.last]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(lo)
        .max(lo);
    let mut top = hi;
    if hi - lo + 1 > MAX_SCAN_BLOCKS {
        top = lo + MAX_SCAN_BLOCKS - 1;
        ctx.store
            .gap(
                "history-scan-partial",
                format!(
                    "election {id}: vote transactions scanned at heights {lo}..={top} only, not up to {hi} (at most {MAX_SCAN_BLOCKS} blocks)"
                ),
            )
            .await?;
    }
    // Lowercased: the transaction list's hashes are, a vote row's may not be (hex held as
    // bytes is lowercase already).
    let known: HashSet<HexId> = listed
        .iter()
        .map(|(h, _)| match h {
            HexId::Text(t) => HexId::new(&t.to_ascii_lowercase()),
            bytes => (*bytes).clone(),
        })
        .collect();
    let mut pages = stream::iter(lo..=top)
        .map(|height| async move { (height, vote_rows(ctx, stream, height).await) })
        .buffer_unordered(ctx.buffer);
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    while let Some((_, rows)) = pages.next().await {
        for row in rows? {
            let hash = row.hash.to_ascii_lowercase();
            if !known.contains(&HexId::new(&hash)) {
                wanted.insert(hash);
            }
        }
    }
    let urls: Vec<String> = wanted
        .iter()
        .map(|h| format!("{}/chain/transactions/{h}", ctx.node))
        .collect();
    let stored = ctx.store.has(urls.clone()).await?;
    let mut got = stream::iter(urls.into_iter().zip(stored).filter(|(_, s)| !s))
        .map(|(url, _)| async move { ctx.get(&url).await })
        .buffer_unordered(ctx.buffer);
    while let Some(outcome) = got.next().await {
        ctx.store.append(stream, outcome?.into_response()).await?;
    }
    Ok(())
}

/// The vote rows of one block, every page of them.
async fn vote_rows(ctx: &Ctx, stream: &str, height: u64) -> Result<Vec<TxInfo>, FetchError> {
    let mut rows = Vec::new();
    let mut page = 0u64;
    loop {
        let url = format!(
            "{}/chain/transactions?type=vote&height={height}&limit={PAGE_LIMIT}&page={page}",
            ctx.node
        );
        let r = ctx.get(&url).await?.into_response();
        let list = (r.status == 200)
            .then(|| serde_json::from_slice::<TransactionList>(&r.body).ok())
            .flatten();
        ctx.store.append(stream, r).await?;
        let Some(list) = list else {
            return Ok(rows);
        };
        rows.extend(list.transactions.unwrap_or_default());
        match list.pagination.and_then(|p| p.next_page) {
            Some(n) if n > page => page = n,
            _ => return Ok(rows),
        }
    }
}

/// Stores the metadata document (`metadata/{cid}`) from the first gateway that has it, then the
/// node's `/elections/{id}/metadata/history` whatever it answers (a 404 says the node does not
/// serve it) and, when it is a history, each version's document ([`version_document`]).
/// Documents stored already are skipped, so a resumed run asks only for what is missing; the
/// history itself is one small request, asked again (its file replaced).
async fn metadata(ctx: &Ctx, id: &str, election: &Election) -> Result<(), FetchError> {
    match ipfs::cid_of(&election.metadata_url) {
        Some(cid) => ipfs::object(ctx, id, cid, &format!("metadata/{cid}"), "metadata").await?,
        None if !election.metadata_url.is_empty() => {
            ctx.store
                .gap(
                    "metadata-unavailable",
                    format!(
                        "election {id}: metadataURL {:?} is not an ipfs:// CID",
                        election.metadata_url
                    ),
                )
                .await?;
        }
        None => {}
    }
    let url = format!("{}/elections/{id}/metadata/history", ctx.node);
    let path = format!("elections/{id}/metadata-history.json");
    // An optional route: a node that keeps failing on it (a 5xx after every retry) leaves a
    // gap, not a failed fetch.
    let r = match ctx.get(&url).await {
        Ok(outcome) => outcome.into_response(),
        Err(e) => {
            let message = format!("election {id}: metadata history not obtained: {e}");
            return Ok(ctx.store.gap("metadata-unavailable", message).await?);
        }
    };
    let history = (r.status == 200)
        .then(|| serde_json::from_slice::<MetadataHistory>(&r.body).ok())
        .flatten();
    ctx.store.put(path, r).await?;
    let Some(history) = history else {
        return Ok(());
    };
    let mut seen = BTreeSet::new();
    for v in history.versions {
        if seen.insert(v.metadata_url.clone()) {
            version_document(ctx, id, &v.metadata_url).await?;
        }
    }
    Ok(())
}

/// Stores the document of one metadata version at [`metadata_path`]: an `ipfs://` CID through
/// the gateways (the current document's file when it is the same CID), an `http(s)://` URL
/// with the node's transport; anything else, or a URL that does not answer 200, is a
/// `metadata-unavailable` (`-unreachable` when it could not be asked) gap with the reason.
async fn version_document(ctx: &Ctx, id: &str, url: &str) -> Result<(), FetchError> {
    let path = match metadata_path(url) {
        Ok(path) => path,
        Err(why) => {
            let message = format!("election {id}: metadata version {url:?} not fetched: {why}");
            return Ok(ctx.store.gap("metadata-unavailable", message).await?);
        }
    };
    if let Some(cid) = ipfs::cid_of(url) {
        return ipfs::object(ctx, id, cid, &path, "metadata").await;
    }
    if ctx.store.has(vec![url.to_string()]).await?.contains(&true) {
        return Ok(());
    }
    let (kind, why) = match ctx.get(url).await {
        Ok(Outcome::Ok(r)) => return Ok(ctx.store.put(path, r).await?),
        Ok(other) => ("metadata-unavailable", other.response().describe()),
        Err(e) => ("metadata-unreachable", e.to_string()),
    };
    let message = format!("election {id}: metadata {url} not obtained: {why}");
    Ok(ctx.store.gap(kind, message).await?)
}
