//! Adapts a stored bundle onto the verifier's evidence ([`crate::verify::evidence`]).
//!
//! The names read here are the fetcher's bundle contract (see [`crate::fetch`]). Votes are
//! joined from three streams — the vote list pages, the vote details and the transactions —
//! without holding them all: the details and transactions are indexed by nullifier and tx hash
//! (segment number only), and each batch of listed votes loads just the segments it needs.
//! Fetching keeps those streams in nearly the same order, so a batch touches few segments.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use thiserror::Error;

use crate::api::node::{
    Block, Election, ElectionKeys, Scrutiny, TransactionResponse, VoteCount, VoteDetail, VoteList,
    VoteRow,
};
use crate::api::saas::{Process, ProcessResults};
use crate::bundle::{Bundle, BundleError, SegmentEntry};
use crate::verify::evidence::{
    AuditInput, BundleEvidence, ElectionEvidence, Gap, GapKind, GapSubject, SaasEvidence,
    VoteEvidence, VoteSource, VoteSourceError,
};
use crate::verify::result::{BundleInfo, Source};

/// Votes handed to the verifier per batch.
const BATCH: usize = 4096;

/// Why a bundle could not be turned into evidence (the CLI exits 2).
#[derive(Debug, Error)]
pub enum LoadError {
    #[error(transparent)]
    Bundle(#[from] BundleError),
    #[error("bundle file {path}: {reason}")]
    Malformed { path: String, reason: String },
    #[error("the bundle holds no election (no elections/<id>/election.json)")]
    NoElection,
}

/// Opens the bundle at `dir` (refusing it if any file differs from the manifest) and builds the
/// verifier's input from it.
pub fn load(dir: &Path) -> Result<AuditInput, LoadError> {
    let bundle = Arc::new(Bundle::open(dir)?);
    let meta = bundle.meta().clone();
    let manifest = bundle.manifest();
    let source = Source {
        node: Some(meta.node_url.clone()).filter(|s| !s.is_empty()),
        saas: meta.saas_url.clone(),
        process_id: meta.process_id.clone(),
        chain_id: meta.chain_id.clone(),
    };
    let info = BundleInfo {
        manifest_sha256: hex::encode(bundle.manifest_sha256()),
        files: (manifest.files.len() + manifest.segments.len()) as u64,
        fetched_at: manifest
            .fetch_end
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default(),
    };

    let saas = if bundle.file("saas/process.json").is_some() {
        Some(SaasEvidence {
            process: json_file::<Process>(&bundle, "saas/process.json")?,
            results: json_file::<ProcessResults>(&bundle, "saas/results.json")?,
        })
    } else {
        None
    };

    let (mut per_election, audit_gaps) = gaps_of(&bundle);
    let ids: Vec<String> = manifest
        .files
        .iter()
        .filter_map(|f| {
            f.path
                .strip_prefix("elections/")?
                .strip_suffix("/election.json")
                .map(str::to_string)
        })
        .collect();
    if ids.is_empty() {
        return Err(LoadError::NoElection);
    }
    let blocks = Arc::new(block_times(&bundle)?);
    let mut elections = Vec::with_capacity(ids.len());
    for id in ids {
        let gaps = per_election.remove(&id).unwrap_or_default();
        elections.push(load_election(&bundle, &id, gaps, blocks.clone())?);
    }
    Ok(AuditInput {
        source,
        bundle: Some(BundleEvidence {
            info,
            integrity_errors: Vec::new(),
        }),
        saas,
        elections,
        gaps: audit_gaps,
    })
}

fn load_election(
    bundle: &Arc<Bundle>,
    id: &str,
    gaps: Vec<Gap>,
    blocks: Arc<HashMap<u64, String>>,
) -> Result<ElectionEvidence, LoadError> {
    let dir = format!("elections/{id}");
    let election: Election =
        json_file(bundle, &format!("{dir}/election.json"))?.ok_or_else(|| {
            LoadError::Malformed {
                path: format!("{dir}/election.json"),
                reason: "the node did not answer 200".into(),
            }
        })?;
    let keys = json_file::<ElectionKeys>(bundle, &format!("{dir}/keys.json"))?;
    let scrutiny = json_file::<Scrutiny>(bundle, &format!("{dir}/scrutiny.json"))?;
    let votes_count =
        json_file::<VoteCount>(bundle, &format!("{dir}/votes-count.json"))?.map(|c| c.count);
    let census_dump = census_dump(bundle, &election)?;
    let listing = read_listing(bundle, id)?;
    let votes = BundleVotes::new(bundle.clone(), id, listing.rows, blocks)?;
    Ok(ElectionEvidence {
        election,
        keys,
        scrutiny,
        votes_count,
        list_total: listing.total,
        census_dump,
        gaps,
        votes: Box::new(votes),
    })
}

/// Reads a singleton JSON file: `None` when absent or when the source answered non-200.
fn json_file<T: for<'de> Deserialize<'de>>(
    bundle: &Bundle,
    path: &str,
) -> Result<Option<T>, LoadError> {
    let Some(entry) = bundle.file(path) else {
        return Ok(None);
    };
    if entry.status != 200 {
        return Ok(None);
    }
    let bytes = bundle.read_file(path)?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| LoadError::Malformed {
            path: path.to_string(),
            reason: e.to_string(),
        })
}

/// The object at `census.censusURL` when it is an `ipfs://` CID the fetcher stored.
fn census_dump(
    bundle: &Bundle,
    election: &Election,
) -> Result<Option<Result<Vec<u8>, String>>, LoadError> {
    let Some(cid) = election.census.census_url.strip_prefix("ipfs://") else {
        return Ok(None);
    };
    let path = format!("census/{cid}");
    Ok(match bundle.file(&path) {
        None => Some(Err(format!(
            "{} was not fetched",
            election.census.census_url
        ))),
        Some(entry) if entry.status != 200 => Some(Err(format!(
            "the gateway answered HTTP {} for {}",
            entry.status, entry.url
        ))),
        Some(_) => Some(Ok(bundle.read_file(&path)?)),
    })
}

/// The vote list as the last listing round saw it.
struct Listing {
    rows: Vec<VoteRow>,
    total: Option<u64>,
}

/// Reads the final listing round (`list-ID`, or the highest `list-ID-rN`), pages in page order.
fn read_listing(bundle: &Bundle, id: &str) -> Result<Listing, LoadError> {
    let base = format!("list-{id}");
    let stream = bundle
        .streams()
        .into_iter()
        .filter_map(|s| {
            if s == base {
                Some((1u32, s.to_string()))
            } else {
                s.strip_prefix(&format!("{base}-r"))?
                    .parse::<u32>()
                    .ok()
                    .map(|n| (n, s.to_string()))
            }
        })
        .max();
    let Some((_, stream)) = stream else {
        return Ok(Listing {
            rows: Vec::new(),
            total: None,
        });
    };
    let mut pages: BTreeMap<u64, VoteList> = BTreeMap::new();
    for record in bundle.records(&stream) {
        let record = record?;
        if record.status != 200 {
            continue;
        }
        let page = page_number(&record.url);
        let list: VoteList =
            serde_json::from_slice(&record.body).map_err(|e| LoadError::Malformed {
                path: record.url.clone(),
                reason: e.to_string(),
            })?;
        pages.insert(page, list);
    }
    let total = pages
        .values()
        .filter_map(|p| p.pagination.as_ref().map(|p| p.total_items))
        .max();
    let rows = pages.into_values().flat_map(|p| p.votes).collect();
    Ok(Listing { rows, total })
}

/// The page number of a list URL (`…page=P…` or `…/votes/page/P`).
fn page_number(url: &str) -> u64 {
    let query_page = url
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("page="));
    let path_page = url.rsplit_once("/page/").map(|(_, p)| p);
    query_page
        .or(path_page)
        .and_then(|p| p.split(['&', '/']).next()?.parse().ok())
        .unwrap_or(0)
}

/// Block times fetched for votes whose detail had no `date`.
fn block_times(bundle: &Bundle) -> Result<HashMap<u64, String>, LoadError> {
    let mut times = HashMap::new();
    for record in bundle.records("blocks") {
        let record = record?;
        if record.status != 200 {
            continue;
        }
        if let Ok(block) = serde_json::from_slice::<Block>(&record.body) {
            times.insert(block.header.height, block.header.time);
        }
    }
    Ok(times)
}

/// Turns the manifest's gaps into the verifier's, split by election. Count mismatches are left
/// out: the verifier recomputes them from the data itself (V-COUNT-*), so reporting them here too
/// would blame the bundle for what is the election's discrepancy.
fn gaps_of(bundle: &Bundle) -> (HashMap<String, Vec<Gap>>, Vec<Gap>) {
    let mut per_election: HashMap<String, Vec<Gap>> = HashMap::new();
    let mut audit = Vec::new();
    for g in bundle.gaps() {
        let subject = match g.kind.as_str() {
            "vote-detail-missing" => GapSubject::VoteDetail,
            "tx-missing" => GapSubject::Transaction,
            "block-missing" => GapSubject::Block,
            "census-unavailable" => GapSubject::CensusDump,
            "scrutiny-unavailable" => GapSubject::Scrutiny,
            "keys-unavailable" => GapSubject::Keys,
            "saas-results-unavailable" => GapSubject::SaasResults,
            "saas-bad-upstream-id" => GapSubject::SaasProcess,
            "live-listing-unstable" => GapSubject::VoteList,
            _ => continue,
        };
        let election_id = hex_after(&g.message, "election ");
        let gap = Gap {
            subject,
            kind: GapKind::NotServed,
            election_id: election_id.clone(),
            vote_id: None,
            tx_hash: hex_after(&g.message, "transaction "),
            reason: g.message.clone(),
        };
        match election_id {
            Some(id) => per_election.entry(id).or_default().push(gap),
            None => audit.push(gap),
        }
    }
    (per_election, audit)
}

/// The 64-hex token right after `prefix` in `text`, if any.
fn hex_after(text: &str, prefix: &str) -> Option<String> {
    let rest = &text[text.find(prefix)? + prefix.len()..];
    let token: String = rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    (token.len() == 64).then(|| token.to_ascii_lowercase())
}

/// Where a keyed record sits: its segment's position in the stream.
type SegmentIndex = HashMap<String, u32>;

/// Streams an election's listed votes joined with their details and transactions.
struct BundleVotes {
    bundle: Arc<Bundle>,
    rows: std::vec::IntoIter<VoteRow>,
    detail_segments: Vec<SegmentEntry>,
    detail_index: SegmentIndex,
    tx_segments: Vec<SegmentEntry>,
    tx_index: SegmentIndex,
    blocks: Arc<HashMap<u64, String>>,
}

/// The few fields needed to index a transaction record.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TxKey {
    #[serde(default)]
    tx_info: TxKeyInfo,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TxKeyInfo {
    #[serde(alias = "transactionHash")]
    hash: String,
}

impl BundleVotes {
    fn new(
        bundle: Arc<Bundle>,
        id: &str,
        rows: Vec<VoteRow>,
        blocks: Arc<HashMap<u64, String>>,
    ) -> Result<Self, LoadError> {
        let detail_segments: Vec<SegmentEntry> = bundle
            .segments(&format!("votes-{id}"))
            .into_iter()
            .cloned()
            .collect();
        let tx_segments: Vec<SegmentEntry> = bundle
            .segments(&format!("txs-{id}"))
            .into_iter()
            .cloned()
            .collect();
        let detail_index = index_segments(&bundle, &detail_segments, |r| {
            // The detail URL ends in the nullifier.
            r.url.rsplit('/').next().map(|s| s.to_ascii_lowercase())
        })?;
        let tx_index = index_segments(&bundle, &tx_segments, |r| {
            let key: TxKey = serde_json::from_slice(&r.body).ok()?;
            Some(key.tx_info.hash.to_ascii_lowercase()).filter(|h| !h.is_empty())
        })?;
        Ok(BundleVotes {
            bundle,
            rows: rows.into_iter(),
            detail_segments,
            detail_index,
            tx_segments,
            tx_index,
            blocks,
        })
    }

    fn batch(&self, rows: Vec<VoteRow>) -> Result<Vec<VoteEvidence>, VoteSourceError> {
        let wanted: Vec<String> = rows
            .iter()
            .map(|r| r.vote_id.to_ascii_lowercase())
            .collect();
        let details = fetch_keyed(
            &self.bundle,
            &self.detail_segments,
            &self.detail_index,
            &wanted,
            |r| r.url.rsplit('/').next().map(|s| s.to_ascii_lowercase()),
        )?;
        let mut out = Vec::with_capacity(rows.len());
        let mut tx_wanted = Vec::new();
        for (row, key) in rows.into_iter().zip(&wanted) {
            let mut vote = VoteEvidence {
                row: Some(row),
                ..Default::default()
            };
            match details.get(key) {
                Some((200, body)) => match serde_json::from_slice::<VoteDetail>(body) {
                    Ok(mut d) => {
                        if d.date.is_empty() {
                            if let Some(t) = self.blocks.get(&d.block_height) {
                                d.date = t.clone();
                            }
                        }
                        vote.detail = Some(d);
                    }
                    Err(e) => vote.errors.push(format!("vote detail {key}: {e}")),
                },
                Some((status, _)) => vote.errors.push(format!(
                    "vote detail {key}: the node answered HTTP {status}"
                )),
                None => {}
            }
            let tx_hash = vote
                .detail
                .as_ref()
                .map(|d| d.tx_hash.clone())
                .filter(|h| !h.is_empty())
                .or_else(|| vote.row.as_ref().map(|r| r.tx_hash.clone()))
                .unwrap_or_default()
                .to_ascii_lowercase();
            tx_wanted.push(tx_hash);
            out.push(vote);
        }
        let txs = fetch_keyed(
            &self.bundle,
            &self.tx_segments,
            &self.tx_index,
            &tx_wanted,
            |r| {
                let key: TxKey = serde_json::from_slice(&r.body).ok()?;
                Some(key.tx_info.hash.to_ascii_lowercase())
            },
        )?;
        for (vote, hash) in out.iter_mut().zip(&tx_wanted) {
            if let Some((200, body)) = txs.get(hash) {
                match parse_tx(body) {
                    Ok(tx) => vote.tx = Some(tx),
                    Err(e) => vote.errors.push(format!("transaction {hash}: {e}")),
                }
            }
        }
        Ok(out)
    }
}

/// The transaction response, its `tx` kept raw for the verifier to decode.
fn parse_tx(body: &[u8]) -> Result<TransactionResponse, serde_json::Error> {
    serde_json::from_slice(body)
}

impl VoteSource for BundleVotes {
    fn next_batch(&mut self) -> Option<Result<Vec<VoteEvidence>, VoteSourceError>> {
        let rows: Vec<VoteRow> = self.rows.by_ref().take(BATCH).collect();
        if rows.is_empty() {
            return None;
        }
        Some(self.batch(rows))
    }
}

/// Indexes the records of `segments` by `key_of`, remembering only each key's segment.
fn index_segments(
    bundle: &Bundle,
    segments: &[SegmentEntry],
    key_of: impl Fn(&crate::bundle::Record) -> Option<String>,
) -> Result<SegmentIndex, LoadError> {
    let mut index = SegmentIndex::new();
    for (n, seg) in segments.iter().enumerate() {
        for record in bundle.segment_records(seg)? {
            let record = record?;
            if let Some(key) = key_of(&record) {
                // A later answer (e.g. a retry that succeeded) replaces an earlier one.
                index.insert(key, n as u32);
            }
        }
    }
    Ok(index)
}

/// Loads the records for `wanted` keys, reading each needed segment once.
fn fetch_keyed(
    bundle: &Bundle,
    segments: &[SegmentEntry],
    index: &SegmentIndex,
    wanted: &[String],
    key_of: impl Fn(&crate::bundle::Record) -> Option<String>,
) -> Result<HashMap<String, (u16, Vec<u8>)>, VoteSourceError> {
    let mut by_segment: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for key in wanted {
        if let Some(&seg) = index.get(key) {
            by_segment.entry(seg).or_default().push(key);
        }
    }
    let mut found = HashMap::with_capacity(wanted.len());
    for (seg, keys) in by_segment {
        let keys: std::collections::HashSet<&str> = keys.into_iter().collect();
        let entry = &segments[seg as usize];
        let records = bundle
            .segment_records(entry)
            .map_err(|e| VoteSourceError(e.to_string()))?;
        for record in records {
            let record = record.map_err(|e| VoteSourceError(e.to_string()))?;
            if let Some(key) = key_of(&record) {
                if keys.contains(key.as_str()) {
                    found.insert(key, (record.status, record.body));
                }
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        assert_eq!(
            page_number("http://x/v2/votes?electionId=ab&page=3&limit=100"),
            3
        );
        assert_eq!(page_number("http://x/v2/elections/ab/votes/page/7"), 7);
        assert_eq!(page_number("http://x/v2/votes?electionId=ab"), 0);
    }

    #[test]
    fn hex_tokens() {
        let id = "ab".repeat(32);
        assert_eq!(
            hex_after(&format!("election {id}: x"), "election "),
            Some(id)
        );
        assert_eq!(hex_after("election abc: x", "election "), None);
        assert_eq!(hex_after("nothing", "election "), None);
    }
}
