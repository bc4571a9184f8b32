//! Asking the same question twice: a node that equivocates (answers one client, or one request,
//! differently from another) is exactly what an auditor must catch, and a single read cannot.
//! After the votes are fetched, a deterministic sample of vote details is read again, and the
//! election is read again at the end of the fetch; each vote's list row is compared with its
//! detail (`txHash`, `blockHeight`, `transactionIndex`, `voterID` come from the same indexer row in
//! `vocdoni/vocdoni-node:api/vote.go`). Every difference is recorded in the bundle as a
//! [`Disagreement`] (both bodies' sha256, the route, the vote id, the fields that changed);
//! the verifier decides what a live election explains (V-BUNDLE-04).
//!
//! Cost: [`sample_size`] re-reads 2 % of the distinct votes (at least [`MIN_REREAD`]), about 1 %
//! more requests than the fetch needs anyway (a detail and a transaction per vote), plus one
//! election read. Re-reads go to stream `reread-ID` under the detail URL with the fragment
//! `#reread` (a fragment is never sent, so the node sees the very same request). A resumed fetch
//! re-reads only votes whose detail it read in the same run.

use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet};

use futures::{stream, StreamExt};
use serde_json::value::RawValue;

use super::listed::ListedRow;
use crate::bundle::{Disagreement, FieldChange};
use crate::protocol::hash::{sha256, Hash32};

use super::http::Response;
use super::{Ctx, FetchError};

/// The fewest vote details re-read (all of them in a smaller election).
pub const MIN_REREAD: usize = 16;
/// Share of the distinct votes re-read by default, in percent.
pub const REREAD_PERCENT: usize = 2;

/// How many vote details to re-read: `configured` (`--reread N`), else
/// `max(MIN_REREAD, ⌈distinct · REREAD_PERCENT / 100⌉)`; never more than `distinct`.
pub fn sample_size(configured: Option<usize>, distinct: usize) -> usize {
    let n = configured.unwrap_or_else(|| MIN_REREAD.max((distinct * REREAD_PERCENT).div_ceil(100)));
    n.min(distinct)
}

/// The `n` nullifiers to re-read: those whose sha256(`vocaudit/reread` ‖ nullifier) is smallest.
/// The choice depends on the vote ids only, not on the listing order, so every run over the
/// same election re-reads the same votes. Only the `n` best so far are held (a max-heap), not
/// every listed id.
pub fn sample<S: AsRef<str>>(nullifiers: impl IntoIterator<Item = S>, n: usize) -> HashSet<String> {
    let mut best: BinaryHeap<(Hash32, String)> = BinaryHeap::with_capacity(n + 1);
    for v in nullifiers {
        let v = v.as_ref().to_ascii_lowercase();
        let rank = sha256(&[b"vocaudit/reread", v.as_bytes()]);
        if best.len() < n {
            best.push((rank, v));
        } else if best.peek().is_some_and(|(worst, _)| rank < *worst) {
            best.pop();
            best.push((rank, v));
        }
    }
    best.into_iter().map(|(_, v)| v).collect()
}

/// A body's first answer, kept to compare with its re-read.
pub(crate) struct FirstRead {
    pub nullifier: String,
    pub url: String,
    pub status: u16,
    pub body: Vec<u8>,
}

impl FirstRead {
    pub fn of(nullifier: String, r: &Response) -> FirstRead {
        FirstRead {
            nullifier,
            url: r.url.clone(),
            status: r.status,
            body: r.body.clone(),
        }
    }
}

/// Re-reads each sampled vote detail, stores it in `reread-ID` and records every answer that
/// differs from the first. `firsts` are the details read in this run; a sampled vote whose detail
/// an earlier run stored (`earlier`: nullifier → detail URL) is compared with the stored answer.
pub(crate) async fn vote_details(
    ctx: &Ctx,
    id: &str,
    live: bool,
    mut firsts: Vec<FirstRead>,
    earlier: HashMap<String, String>,
) -> Result<(), FetchError> {
    let stream_name = format!("reread-{id}");
    if !earlier.is_empty() {
        let rereads: Vec<String> = earlier.values().map(|u| format!("{u}#reread")).collect();
        let done = ctx.store.has(rereads).await?;
        let wanted: HashSet<String> = earlier
            .values()
            .zip(done)
            .filter(|(_, done)| !done)
            .map(|(u, _)| u.clone())
            .collect();
        if !wanted.is_empty() {
            let by_url: HashMap<&String, &String> = earlier.iter().map(|(n, u)| (u, n)).collect();
            for r in ctx.store.stored(&format!("votes-{id}"), wanted).await?? {
                if let Some(nullifier) = by_url.get(&r.url) {
                    firsts.push(FirstRead {
                        nullifier: nullifier.to_string(),
                        url: r.url,
                        status: r.status,
                        body: r.body,
                    });
                }
            }
        }
    }
    let urls: Vec<String> = firsts.iter().map(|f| format!("{}#reread", f.url)).collect();
    let done = ctx.store.has(urls.clone()).await?;
    let todo: Vec<(FirstRead, String)> = firsts
        .into_iter()
        .zip(urls)
        .zip(done)
        .filter_map(|(pair, done)| (!done).then_some(pair))
        .collect();
    let task = ctx.progress.task("re-reads", Some(todo.len() as u64));
    let mut results = stream::iter(todo)
        .map(|(first, url)| {
            let stream_name = &stream_name;
            async move {
                let second = ctx.get(&url).await?.into_response();
                if let Some(d) = compare(id, Some(&first.nullifier), "vote", live, &first, &second)
                {
                    ctx.store.disagreement(d).await?;
                }
                ctx.store.append(stream_name, second).await?;
                Ok::<_, FetchError>(())
            }
        })
        .buffer_unordered(ctx.buffer);
    while let Some(r) = results.next().await {
        r?;
        task.inc(1);
    }
    task.finish();
    Ok(())
}

/// Reads the election again at the end of the fetch, stores it as
/// `elections/ID/election-end.json` and records a difference from the first read.
pub(crate) async fn election(
    ctx: &Ctx,
    id: &str,
    live: bool,
    first: &FirstRead,
) -> Result<(), FetchError> {
    let second = ctx.get(&first.url).await?.into_response();
    if let Some(d) = compare(id, None, "election", live, first, &second) {
        ctx.store.disagreement(d).await?;
    }
    ctx.store
        .put(format!("elections/{id}/election-end.json"), second)
        .await?;
    Ok(())
}

/// The disagreement between two answers to one question, `None` when they are byte-identical.
fn compare(
    id: &str,
    vote_id: Option<&str>,
    route: &str,
    live: bool,
    first: &FirstRead,
    second: &Response,
) -> Option<Disagreement> {
    if first.status == second.status && first.body == second.body {
        return None;
    }
    let mut changes = Vec::new();
    if first.status != second.status {
        changes.push(change(
            "(status)",
            first.status.to_string(),
            second.status.to_string(),
        ));
    }
    changes.extend(field_changes(&first.body, &second.body));
    Some(Disagreement {
        election_id: id.to_string(),
        vote_id: vote_id.map(str::to_string),
        route: route.to_string(),
        url: second.url.clone(),
        first_sha256: hex::encode(sha256(&[&first.body])),
        second_sha256: hex::encode(sha256(&[&second.body])),
        live,
        changes,
    })
}

/// The top-level fields whose values differ between two JSON object bodies (sorted by name,
/// values compared as the raw JSON text received, so a number no float holds is still compared);
/// a body that is not a JSON object is compared whole, as field `(body)`.
pub(crate) fn field_changes(first: &[u8], second: &[u8]) -> Vec<FieldChange> {
    let object = |b: &[u8]| serde_json::from_slice::<Object>(b).ok();
    match (object(first), object(second)) {
        (Some(a), Some(b)) => {
            let fields: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            fields
                .into_iter()
                .filter(|f| raw(&a, f) != raw(&b, f))
                .map(|f| change(f, shown(&a, f), shown(&b, f)))
                .collect()
        }
        _ if first == second => Vec::new(),
        _ => vec![change(
            "(body)",
            String::from_utf8_lossy(first).into_owned(),
            String::from_utf8_lossy(second).into_owned(),
        )],
    }
}

/// A JSON object body, each value as the raw text received.
type Object = BTreeMap<String, Box<RawValue>>;

fn raw<'a>(object: &'a Object, field: &str) -> Option<&'a str> {
    object.get(field).map(|v| v.get())
}

fn shown(object: &Object, field: &str) -> String {
    raw(object, field).unwrap_or("(absent)").to_string()
}

fn change(field: &str, first: String, second: String) -> FieldChange {
    FieldChange {
        field: field.to_string(),
        first: cut(first),
        second: cut(second),
    }
}

/// At most [`FieldChange::MAX_CHARS`] characters, `…` marking a cut.
fn cut(mut s: String) -> String {
    if let Some((at, _)) = s.char_indices().nth(FieldChange::MAX_CHARS) {
        s.truncate(at);
        s.push('…');
    }
    s
}

/// The fields of a vote detail the crawler reads (the full body is stored verbatim): those its
/// list row also carries, and the `date` (a block is fetched for a vote without one). Every
/// field is optional, so a detail the verifier will reject still names its transaction.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct DetailFields {
    pub tx_hash: String,
    pub block_height: u64,
    pub transaction_index: u32,
    #[serde(rename = "voterID")]
    pub voter_id: Option<String>,
    pub date: String,
}

impl From<crate::api::node::VoteDetail> for DetailFields {
    fn from(d: crate::api::node::VoteDetail) -> Self {
        DetailFields {
            tx_hash: d.tx_hash,
            block_height: d.block_height,
            transaction_index: d.transaction_index,
            voter_id: d.voter_id,
            date: d.date,
        }
    }
}

/// Records where a vote's list row and its detail disagree on what both carry. A field one
/// side omits (`txHash` of a transaction not indexed yet, `voterID` of an anonymous vote) is
/// not compared.
pub(crate) async fn row_against_detail(
    ctx: &Ctx,
    id: &str,
    live: bool,
    row: &ListedRow,
    page_sha256: Option<&Hash32>,
    detail: &Response,
    fields: &DetailFields,
) -> Result<(), FetchError> {
    let norm = |h: &str| h.trim_start_matches("0x").to_ascii_lowercase();
    let mut changes = Vec::new();
    let tx_hash = row.tx_hash();
    if !tx_hash.is_empty() && !fields.tx_hash.is_empty() && norm(&tx_hash) != norm(&fields.tx_hash)
    {
        changes.push(change("txHash", tx_hash, fields.tx_hash.clone()));
    }
    if row.block_height != fields.block_height {
        let (a, b) = (row.block_height, fields.block_height);
        changes.push(change("blockHeight", a.to_string(), b.to_string()));
    }
    if row.transaction_index != fields.transaction_index {
        let (a, b) = (row.transaction_index, fields.transaction_index);
        changes.push(change("transactionIndex", a.to_string(), b.to_string()));
    }
    if let (Some(a), Some(b)) = (&row.voter_id, &fields.voter_id) {
        let a = a.to_string();
        if norm(&a) != norm(b) {
            changes.push(change("voterID", a, b.clone()));
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    let d = Disagreement {
        election_id: id.to_string(),
        vote_id: Some(row.vote_id()),
        route: "vote-row".into(),
        url: detail.url.clone(),
        first_sha256: page_sha256.map(hex::encode).unwrap_or_default(),
        second_sha256: hex::encode(sha256(&[&detail.body])),
        live,
        changes,
    };
    Ok(ctx.store.disagreement(d).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn default_sample_is_two_percent_with_a_floor() {
        assert_eq!(sample_size(None, 0), 0);
        assert_eq!(sample_size(None, 10), 10);
        assert_eq!(sample_size(None, 100), 16);
        assert_eq!(sample_size(None, 800), 16);
        assert_eq!(sample_size(None, 801), 17);
        assert_eq!(sample_size(None, 1_000_000), 20_000);
        assert_eq!(sample_size(Some(0), 500), 0);
        assert_eq!(sample_size(Some(50), 20), 20);
    }

    #[test]
    fn field_changes_name_the_fields_and_cut_long_values() {
        let long = "9".repeat(1000);
        let a = br#"{"voteCount":3,"censusRoot":"aa","same":1}"#;
        let b = format!(r#"{{"voteCount":{long},"censusRoot":"ab","same":1,"new":true}}"#);
        let changes = field_changes(a, b.as_bytes());
        let names: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(names, ["censusRoot", "new", "voteCount"]);
        assert_eq!(changes[1].first, "(absent)");
        assert_eq!(
            changes[2].second.chars().count(),
            FieldChange::MAX_CHARS + 1
        );
        assert!(changes[2].second.ends_with('…'));
        let whole = field_changes(b"<html>", b"[1]");
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].field, "(body)");
        assert!(field_changes(b"[1]", b"[1]").is_empty());
    }

    proptest! {
        #[test]
        fn sample_is_order_independent_and_sized(
            ids in proptest::collection::hash_set("[0-9a-f]{64}", 0..60),
            n in 0usize..70,
        ) {
            let ids: Vec<String> = ids.into_iter().collect();
            let forward = sample(ids.iter().map(String::as_str), n);
            let backward = sample(ids.iter().rev().map(String::as_str), n);
            prop_assert_eq!(forward.len(), n.min(ids.len()));
            prop_assert_eq!(&forward, &backward);
            // The n smallest ranks, as sorting every id would choose them.
            let mut ranked: Vec<(Hash32, &String)> = ids
                .iter()
                .map(|v| (sha256(&[b"vocaudit/reread", v.as_bytes()]), v))
                .collect();
            ranked.sort();
            let expected: HashSet<String> = ranked.into_iter().take(n).map(|(_, v)| v.clone()).collect();
            prop_assert_eq!(forward, expected);
        }
    }
}
