//! Adapts a stored bundle onto the verifier's evidence ([`crate::bundle::evidence`]).
//!
//! The names read here are the fetcher's bundle contract (see [`crate::fetch`]). Votes are
//! joined from three streams — the vote list pages, the vote details and the transactions —
//! without holding them all: the details and transactions are indexed by nullifier and tx hash
//! (segment number only), and each batch of listed votes loads just the segments it needs.
//! Fetching keeps those streams in nearly the same order, so a batch touches few segments.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Deserialize;
use thiserror::Error;

use crate::api::node::{
    Account, Block, CircuitConfig, Election, ElectionKeys, MetadataHistory, Scrutiny, SikRoots,
    TransactionList, TransactionResponse, VoteCount, VoteDetail, VoteList, VoteRow,
};
use crate::api::saas::{Process, ProcessResults};
use crate::bundle::evidence::{
    AuditInput, BundleEvidence, BundleInfo, ElectionEvidence, Gap, GapKind, GapSubject, History,
    MetadataHistoryAnswer, Rereads, SaasEvidence, Source, VoteEvidence, VoteSource,
    VoteSourceError, ZkChainEvidence,
};
use crate::bundle::{Bundle, BundleError, Records, SegmentEntry};

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
        let (process, process_unreadable) = lenient_file::<Process>(&bundle, "saas/process.json")?;
        let (results, results_unreadable) =
            lenient_file::<ProcessResults>(&bundle, "saas/results.json")?;
        Some(SaasEvidence {
            process,
            results,
            process_unreadable,
            results_unreadable,
        })
    } else {
        None
    };

    let (mut per_election, audit_gaps) = gaps_of(&bundle);
    let mut rereads = rereads_of(&bundle);
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
        let mut ev = load_election(&bundle, &id, gaps, blocks.clone())?;
        ev.rereads = rereads.remove(&id).unwrap_or_default();
        elections.push(ev);
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
        accounts: accounts(&bundle),
        zk: zk_chain(&bundle),
    })
}

/// `chain/circuit.json` and `chain/siks-roots.json`, when the node answered them: a body the
/// model cannot read is left out (the zk checks then compare nothing), never an error.
fn zk_chain(bundle: &Bundle) -> ZkChainEvidence {
    ZkChainEvidence {
        circuit: lenient_file::<CircuitConfig>(bundle, "chain/circuit.json")
            .ok()
            .and_then(|(c, _)| c),
        sik_roots: lenient_file::<SikRoots>(bundle, "chain/siks-roots.json")
            .ok()
            .and_then(|(r, _)| r)
            .and_then(|r| r.sikroots),
    }
}

/// The organisations' accounts (`accounts/ADDR.json`) the node answered 200 for. They only name
/// the organisation in the report, so a field the model cannot take is dropped, never an error.
fn accounts(bundle: &Bundle) -> Vec<Account> {
    let paths: Vec<String> = bundle
        .manifest()
        .files
        .iter()
        .filter(|f| f.path.starts_with("accounts/") && f.path.ends_with(".json"))
        .map(|f| f.path.clone())
        .collect();
    let mut accounts = Vec::new();
    for path in paths {
        if let Ok((Some(account), _)) = lenient_file::<Account>(bundle, &path) {
            accounts.push(account);
        }
    }
    accounts
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
    let list_total = listing.total;
    let mut history = history(bundle, id, &election)?;
    history.block_times = blocks.iter().map(|(h, t)| (*h, t.clone())).collect();
    let votes = BundleVotes::new(bundle.clone(), id, listing, blocks)?;
    Ok(ElectionEvidence {
        election,
        keys,
        scrutiny,
        votes_count,
        list_total,
        census_dump,
        gaps,
        rereads: Rereads::default(),
        votes: Box::new(votes),
        history,
    })
}

/// The stream of election `id`'s history: transaction list pages and bodies (see
/// [`crate::fetch::history`]).
pub fn history_stream(id: &str) -> String {
    format!("history-{id}")
}

/// Gap kinds of the history crawl: none is a discrepancy (a node that does not serve the
/// filtered transaction list, a partial block scan, a metadata document no gateway had), so the
/// loader hands them to the history checks as notes instead of to V-BUNDLE-03.
pub const HISTORY_GAPS: &[&str] = &[
    "history-unavailable",
    "history-scan-partial",
    "metadata-unavailable",
    "metadata-unreachable",
];

/// The history crawl of election `id` (stream `history-ID`, `metadata/{cid}`,
/// `elections/ID/metadata-history.json`, and its gaps as notes). A body that does not parse is
/// kept out with a note, never a refusal of the bundle.
fn history(bundle: &Bundle, id: &str, election: &Election) -> Result<History, LoadError> {
    let mut h = History::default();
    let stream = history_stream(id);
    for record in bundle.records(&stream) {
        let record = record?;
        let Some((_, route)) = record.url.split_once("/chain/transactions") else {
            continue;
        };
        if let Some(query) = route.strip_prefix('?') {
            if record.status != 200 {
                continue;
            }
            let Ok(list) = serde_json::from_slice::<TransactionList>(&record.body) else {
                continue;
            };
            h.listed = true;
            if query.contains("subtype=add_delegate_for_account") {
                h.delegations_listed = true;
            }
            if query
                .split('&')
                .any(|kv| kv.eq_ignore_ascii_case("type=vote"))
            {
                if let Some(height) = query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("height="))
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    h.scanned = Some(match h.scanned {
                        None => (height, height),
                        Some((lo, hi)) => (lo.min(height), hi.max(height)),
                    });
                }
                h.vote_rows.extend(list.transactions.unwrap_or_default());
            }
        } else if record.status == 200 {
            match serde_json::from_slice::<TransactionResponse>(&record.body) {
                Ok(tx) => h.txs.push(tx),
                Err(e) => h
                    .notes
                    .push(format!("{}: not a transaction: {e}", record.url)),
            }
        }
    }
    h.metadata = match crate::protocol::unixfs::Cid::parse(&election.metadata_url) {
        Err(_) => None,
        Ok(_) => {
            let cid = election
                .metadata_url
                .trim_start_matches("ipfs://")
                .split('/')
                .next()
                .unwrap_or_default();
            let path = format!("metadata/{cid}");
            match bundle.file(&path) {
                None => Some(Err(format!("{} was not fetched", election.metadata_url))),
                Some(entry) if entry.status != 200 => Some(Err(format!(
                    "the gateway answered HTTP {} for {}",
                    entry.status, entry.url
                ))),
                Some(_) => Some(Ok(bundle.read_file(&path)?)),
            }
        }
    };
    for g in bundle.gaps() {
        let ours = hex_after(&g.message, "election ").as_deref() == Some(id);
        let history_kind = HISTORY_GAPS.contains(&g.kind.as_str());
        if ours && history_kind {
            h.notes.push(format!("{}: {}", g.kind, g.message));
        }
    }
    metadata_history(bundle, id, &mut h)?;
    Ok(h)
}

/// Where the bundle keeps the metadata document at `url`: `metadata/{cid}` for `ipfs://CID`
/// (shared with the current document), `metadata/url-{sha256 of the URL, hex}` for an
/// `http(s)://` URL; for anything else, why it cannot be fetched.
pub fn metadata_path(url: &str) -> Result<String, String> {
    if let Some(rest) = url.strip_prefix("ipfs://") {
        let cid = rest.split('/').next().unwrap_or_default();
        return if !cid.is_empty() && cid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(format!("metadata/{cid}"))
        } else {
            Err(format!("{url:?} names no plain CID"))
        };
    }
    if url.starts_with("https://") || url.starts_with("http://") {
        return Ok(format!(
            "metadata/url-{}",
            hex::encode(crate::protocol::hash::sha256(&[url.as_bytes()]))
        ));
    }
    Err(format!(
        "{url:?} is neither an ipfs:// nor an http(s):// URL"
    ))
}

/// The node's metadata history (`elections/ID/metadata-history.json`) and the document of each
/// version. Neither refuses the bundle: a body that is not a history is kept as unreadable, and
/// a version's document missing says why (the fetcher's gap when it left one).
fn metadata_history(bundle: &Bundle, id: &str, h: &mut History) -> Result<(), LoadError> {
    let path = format!("elections/{id}/metadata-history.json");
    let Some(entry) = bundle.file(&path) else {
        return Ok(());
    };
    // chi's 404 for a route it does not register, as vocdoni-node `8e2adfd0` answers; any
    // other failure is a history that may exist but could not be read.
    let answered = format!("GET {} answered HTTP {}", entry.url, entry.status);
    if entry.status == 404 {
        h.metadata_history = Some(MetadataHistoryAnswer::NotServed(answered));
        return Ok(());
    }
    if entry.status != 200 {
        h.metadata_history = Some(MetadataHistoryAnswer::Unreadable(answered));
        return Ok(());
    }
    let bytes = bundle.read_file(&path)?;
    let history = match crate::api::from_json_slice::<MetadataHistory>(&bytes) {
        Ok(history) => history,
        Err(why) => {
            h.metadata_history = Some(MetadataHistoryAnswer::Unreadable(format!(
                "{}: {why}",
                entry.url
            )));
            return Ok(());
        }
    };
    for v in &history.versions {
        let url = &v.metadata_url;
        if h.metadata_versions.contains_key(url) {
            continue;
        }
        // An http(s) URL the fetch had already stored under another name (a gateway's
        // `/ipfs/` URL, say) was not fetched again: found by its URL.
        let stored = |path: &str| {
            bundle.file(path).or_else(|| {
                (!url.starts_with("ipfs://"))
                    .then(|| bundle.manifest().files.iter().find(|f| f.url == *url))
                    .flatten()
            })
        };
        let document = match metadata_path(url) {
            Err(why) => Err(why),
            Ok(path) => match stored(&path) {
                // The fetcher's gap names the CID (IPFS) or the URL.
                None => {
                    let named = if url.starts_with("ipfs://") {
                        path.trim_start_matches("metadata/")
                    } else {
                        url.as_str()
                    };
                    Err(h
                        .notes
                        .iter()
                        .find(|n| n.contains(named))
                        .cloned()
                        .unwrap_or_else(|| format!("{url} was not fetched")))
                }
                Some(entry) if entry.status != 200 => {
                    Err(format!("{} answered HTTP {}", entry.url, entry.status))
                }
                Some(entry) => Ok(bundle.read_file(&entry.path)?),
            },
        };
        h.metadata_versions.insert(url.clone(), document);
    }
    h.metadata_history = Some(MetadataHistoryAnswer::Read(history));
    Ok(())
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
    crate::api::from_json_slice(&bytes)
        .map(Some)
        .map_err(|reason| LoadError::Malformed {
            path: format!("{path} (from {})", entry.url),
            reason,
        })
}

/// Reads a singleton JSON file as [`json_file`] does, setting aside the fields the model cannot
/// take ([`crate::api::read_lenient`]) for a check to report instead of refusing the bundle.
fn lenient_file<T: serde::de::DeserializeOwned>(
    bundle: &Bundle,
    path: &str,
) -> Result<(Option<T>, Vec<crate::api::Unreadable>), LoadError> {
    let Some(entry) = bundle.file(path) else {
        return Ok((None, Vec::new()));
    };
    if entry.status != 200 {
        return Ok((None, Vec::new()));
    }
    let bytes = bundle.read_file(path)?;
    crate::api::read_lenient(&bytes)
        .map(|(model, unreadable)| (Some(model), unreadable))
        .map_err(|reason| LoadError::Malformed {
            path: format!("{path} (from {})", entry.url),
            reason,
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

/// The vote list as the last listing round saw it: which stream, and where each page's answer
/// sits in it. The rows themselves are read again, page by page, while votes are streamed
/// ([`ListReader`]), so the loader never holds a million list rows at once.
struct Listing {
    stream: Option<String>,
    /// The ordinal (in stream order) of each page's answer → the page's position in page order.
    order: HashMap<u64, usize>,
    total: Option<u64>,
}

/// Finds the final listing round (`list-ID`, or the highest `list-ID-rN`) and checks that each
/// of its pages parses, keeping only where each page's answer is (a later answer for a page
/// replaces an earlier one) and the largest `pagination.totalItems`.
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
            stream: None,
            order: HashMap::new(),
            total: None,
        });
    };
    let mut pages: BTreeMap<u64, u64> = BTreeMap::new();
    let mut total: Option<u64> = None;
    for (ordinal, record) in (0u64..).zip(bundle.records(&stream)) {
        let record = record?;
        if record.status != 200 {
            continue;
        }
        let list: VoteList =
            serde_json::from_slice(&record.body).map_err(|e| LoadError::Malformed {
                path: record.url.clone(),
                reason: e.to_string(),
            })?;
        if let Some(p) = list.pagination {
            total = total.max(Some(p.total_items));
        }
        pages.insert(page_number(&record.url), ordinal);
    }
    let order = pages
        .into_values()
        .enumerate()
        .map(|(position, ordinal)| (ordinal, position))
        .collect();
    Ok(Listing {
        stream: Some(stream),
        order,
        total,
    })
}

/// Reads a listing's rows in page order from its stream, one record at a time. Pages are stored
/// in the order their answers arrived, which is close to page order (the fetcher asks a window
/// of pages at once), so the few pages that arrive early wait in `early`.
struct ListReader {
    segments: VecDeque<SegmentEntry>,
    current: Option<Records>,
    /// Ordinal of the next record read.
    ordinal: u64,
    order: HashMap<u64, usize>,
    /// Position (in page order) of the next page to hand out.
    next: usize,
    early: BTreeMap<usize, Vec<VoteRow>>,
}

impl ListReader {
    fn new(bundle: &Bundle, listing: Listing) -> ListReader {
        let segments = match &listing.stream {
            Some(stream) => bundle.segments(stream).into_iter().cloned().collect(),
            None => VecDeque::new(),
        };
        ListReader {
            segments,
            current: None,
            ordinal: 0,
            order: listing.order,
            next: 0,
            early: BTreeMap::new(),
        }
    }

    /// The rows of the next page in page order, `None` after the last page.
    fn next_page(&mut self, bundle: &Bundle) -> Result<Option<Vec<VoteRow>>, VoteSourceError> {
        let source = |e: BundleError| VoteSourceError(e.to_string());
        while self.next < self.order.len() {
            if let Some(rows) = self.early.remove(&self.next) {
                self.next += 1;
                return Ok(Some(rows));
            }
            let record = match self.current.as_mut().and_then(Iterator::next) {
                Some(record) => record.map_err(source)?,
                None => {
                    let Some(seg) = self.segments.pop_front() else {
                        return Err(VoteSourceError(format!(
                            "list page {} of {} is no longer in the bundle",
                            self.next + 1,
                            self.order.len()
                        )));
                    };
                    self.current = Some(bundle.segment_records(&seg).map_err(source)?);
                    continue;
                }
            };
            let ordinal = self.ordinal;
            self.ordinal += 1;
            if let Some(&position) = self.order.get(&ordinal) {
                let list: VoteList = serde_json::from_slice(&record.body)
                    .map_err(|e| VoteSourceError(format!("list page {}: {e}", record.url)))?;
                self.early.insert(position, list.votes);
            }
        }
        Ok(None)
    }
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
        let kind = gap_kind(&g.kind);
        let subject = match g.kind.as_str() {
            "vote-detail-missing" => GapSubject::VoteDetail,
            "tx-missing" => GapSubject::Transaction,
            "block-missing" => GapSubject::Block,
            "census-unavailable" | "census-unreachable" => GapSubject::CensusDump,
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
            kind,
            election_id: election_id.clone(),
            vote_id: hex_after(&g.message, "/votes/"),
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

/// The second reads per election: vote details re-read (records of stream `reread-ID`), the
/// election read again (`elections/ID/election-end.json`), and the disagreements recorded.
fn rereads_of(bundle: &Bundle) -> HashMap<String, Rereads> {
    let mut per_election: HashMap<String, Rereads> = HashMap::new();
    let manifest = bundle.manifest();
    for seg in &manifest.segments {
        if let Some(id) = seg.stream.strip_prefix("reread-") {
            per_election.entry(id.to_string()).or_default().asked += seg.records;
        }
    }
    for f in &manifest.files {
        let end = f.path.strip_prefix("elections/");
        if let Some(id) = end.and_then(|p| p.strip_suffix("/election-end.json")) {
            per_election.entry(id.to_string()).or_default().asked += 1;
        }
    }
    for d in &manifest.disagreements {
        per_election
            .entry(d.election_id.to_ascii_lowercase())
            .or_default()
            .disagreements
            .push(d.clone());
    }
    per_election
}

/// Every gap the fetcher records is an answer the source gave (a discrepancy), except a census
/// no gateway could be asked about: that one proves nothing either way.
fn gap_kind(fetch_kind: &str) -> GapKind {
    match fetch_kind {
        "census-unreachable" => GapKind::Unreachable,
        _ => GapKind::NotServed,
    }
}

/// The 64-hex token right after `prefix` in `text`, if any.
fn hex_after(text: &str, prefix: &str) -> Option<String> {
    let rest = &text[text.find(prefix)? + prefix.len()..];
    let token: String = rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    (token.len() == 64).then(|| token.to_ascii_lowercase())
}

/// Where a keyed record sits: its segment's position in the stream, by [`index_key`].
type SegmentIndex = HashMap<IndexKey, u32>;

/// The index's compact form of a key, whatever its case: the 32 bytes of a 64-hex id
/// (nullifiers and tx hashes are), or the sha256 of anything else, lowercased, so that
/// malformed ids still join. A million-vote election keeps two such indexes, so 32 bytes
/// instead of a 64-character string per entry is what holds the loader's memory down.
fn index_key(key: &str) -> IndexKey {
    let mut bytes = [0u8; 32];
    match hex::decode_to_slice(key, &mut bytes) {
        Ok(()) => bytes,
        Err(_) => crate::protocol::hash::sha256(&[key.to_ascii_lowercase().as_bytes()]),
    }
}

/// A record's key as [`index_key`] makes it.
type IndexKey = [u8; 32];

/// Decoded segments kept between batches, at most (more only while one batch needs them all).
/// The detail and transaction streams follow the list's order closely, so one segment serves
/// several consecutive batches and is decoded once rather than once per batch.
const CACHED_SEGMENTS: usize = 3;

/// One segment's records by key: status and body.
type KeyedRecords = HashMap<IndexKey, (u16, Vec<u8>)>;

/// How a stream's records are keyed, from a record's url and body.
type KeyOf = fn(&str, &[u8]) -> Option<IndexKey>;

/// A stream of records looked up by key (details by nullifier, transactions by hash).
struct KeyedStream {
    segments: Vec<SegmentEntry>,
    index: SegmentIndex,
    key_of: KeyOf,
    /// Decoded segments by position, with the batch that last used them.
    cache: BTreeMap<u32, (u64, KeyedRecords)>,
    batch: u64,
}

impl KeyedStream {
    /// Indexes the records of `segments` by `key_of` (segments in parallel), remembering only
    /// each key's segment.
    fn new(bundle: &Bundle, segments: Vec<SegmentEntry>, key_of: KeyOf) -> Result<Self, LoadError> {
        let keys: Vec<Vec<IndexKey>> = segments
            .par_iter()
            .map(|seg| -> Result<Vec<IndexKey>, BundleError> {
                let mut keys = Vec::with_capacity(seg.records as usize);
                bundle
                    .segment_records(seg)?
                    .visit_heads(|url, body| keys.extend(key_of(url, body)))?;
                Ok(keys)
            })
            .collect::<Result<_, _>>()?;
        let mut index = SegmentIndex::with_capacity(keys.iter().map(Vec::len).sum());
        for (n, keys) in keys.into_iter().enumerate() {
            for key in keys {
                // A later answer (e.g. a retry that succeeded) replaces an earlier one.
                index.insert(key, n as u32);
            }
        }
        Ok(KeyedStream {
            segments,
            index,
            key_of,
            cache: BTreeMap::new(),
            batch: 0,
        })
    }

    /// Makes the records of `wanted` available to [`KeyedStream::get`]: decodes each needed
    /// segment that is not cached (in parallel), then evicts the least recently used ones.
    fn load(&mut self, bundle: &Bundle, wanted: &[String]) -> Result<(), VoteSourceError> {
        self.batch += 1;
        let needed: BTreeSet<u32> = wanted
            .iter()
            .filter_map(|k| self.index.get(&index_key(k)).copied())
            .collect();
        let missing: Vec<u32> = needed
            .iter()
            .copied()
            .filter(|n| !self.cache.contains_key(n))
            .collect();
        let (segments, key_of) = (&self.segments, self.key_of);
        let decoded: Vec<(u32, KeyedRecords)> = missing
            .par_iter()
            .map(|&n| {
                let entry = segments.get(n as usize).ok_or_else(|| {
                    VoteSourceError(format!("segment {n} is not in the manifest"))
                })?;
                decode_segment(bundle, entry, key_of).map(|r| (n, r))
            })
            .collect::<Result<_, _>>()?;
        for (n, records) in decoded {
            self.cache.insert(n, (self.batch, records));
        }
        for n in &needed {
            if let Some(entry) = self.cache.get_mut(n) {
                entry.0 = self.batch;
            }
        }
        while self.cache.len() > CACHED_SEGMENTS {
            let Some(oldest) = self
                .cache
                .iter()
                .filter(|(_, (used, _))| *used < self.batch)
                .min_by_key(|(_, (used, _))| *used)
                .map(|(n, _)| *n)
            else {
                break;
            };
            self.cache.remove(&oldest);
        }
        Ok(())
    }

    /// The status and body stored under `key`, once [`KeyedStream::load`] was asked for it.
    fn get(&self, key: &str) -> Option<&(u16, Vec<u8>)> {
        let key = index_key(key);
        let n = self.index.get(&key)?;
        self.cache.get(n)?.1.get(&key)
    }
}

/// Reads one segment whole, keyed by `key_of` (a later record replaces an earlier one).
fn decode_segment(
    bundle: &Bundle,
    entry: &SegmentEntry,
    key_of: KeyOf,
) -> Result<KeyedRecords, VoteSourceError> {
    let records = bundle
        .segment_records(entry)
        .map_err(|e| VoteSourceError(e.to_string()))?;
    let mut found = KeyedRecords::with_capacity(entry.records as usize);
    for record in records {
        let record = record.map_err(|e| VoteSourceError(e.to_string()))?;
        if let Some(key) = key_of(&record.url, &record.body) {
            found.insert(key, (record.status, record.body));
        }
    }
    Ok(found)
}

/// Streams an election's listed votes joined with their details and transactions.
struct BundleVotes {
    bundle: Arc<Bundle>,
    list: ListReader,
    /// Rows of pages read but not yet handed out.
    pending: VecDeque<VoteRow>,
    details: KeyedStream,
    txs: KeyedStream,
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

/// A detail record's key: the detail URL ends in the nullifier.
fn detail_key(url: &str, _body: &[u8]) -> Option<IndexKey> {
    url.rsplit('/').next().map(index_key)
}

/// A transaction record's key: `txInfo.hash` of its body.
fn tx_key(_url: &str, body: &[u8]) -> Option<IndexKey> {
    let key: TxKey = serde_json::from_slice(body).ok()?;
    Some(key.tx_info.hash)
        .filter(|h| !h.is_empty())
        .map(|h| index_key(&h))
}

impl BundleVotes {
    fn new(
        bundle: Arc<Bundle>,
        id: &str,
        listing: Listing,
        blocks: Arc<HashMap<u64, String>>,
    ) -> Result<Self, LoadError> {
        let segments = |stream: String| -> Vec<SegmentEntry> {
            bundle.segments(&stream).into_iter().cloned().collect()
        };
        let list = ListReader::new(&bundle, listing);
        let details = KeyedStream::new(&bundle, segments(format!("votes-{id}")), detail_key)?;
        let txs = KeyedStream::new(&bundle, segments(format!("txs-{id}")), tx_key)?;
        Ok(BundleVotes {
            bundle,
            list,
            pending: VecDeque::new(),
            details,
            txs,
            blocks,
        })
    }

    /// Reads list pages, in page order, until a batch of rows is pending or no page is left.
    fn fill(&mut self) -> Result<(), VoteSourceError> {
        while self.pending.len() < BATCH {
            match self.list.next_page(&self.bundle)? {
                Some(rows) => self.pending.extend(rows),
                None => break,
            }
        }
        Ok(())
    }

    /// Joins a batch of rows with their details and transactions, parsing each vote's JSON in
    /// parallel.
    fn batch(&mut self, rows: Vec<VoteRow>) -> Result<Vec<VoteEvidence>, VoteSourceError> {
        let wanted: Vec<String> = rows
            .iter()
            .map(|r| r.vote_id.to_ascii_lowercase())
            .collect();
        self.details.load(&self.bundle, &wanted)?;
        let (details, blocks) = (&self.details, &self.blocks);
        let mut out: Vec<(VoteEvidence, String)> = rows
            .into_par_iter()
            .zip(wanted.par_iter())
            .map(|(row, key)| {
                let mut vote = VoteEvidence {
                    row: Some(row),
                    ..Default::default()
                };
                match details.get(key) {
                    Some((200, body)) => match serde_json::from_slice::<VoteDetail>(body) {
                        Ok(mut d) => {
                            if d.date.is_empty() {
                                if let Some(t) = blocks.get(&d.block_height) {
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
                    .map(|d| d.tx_hash.as_str())
                    .filter(|h| !h.is_empty())
                    .or_else(|| vote.row.as_ref().map(|r| r.tx_hash.as_str()))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                (vote, tx_hash)
            })
            .collect();
        let tx_wanted: Vec<String> = out.iter().map(|(_, h)| h.clone()).collect();
        self.txs.load(&self.bundle, &tx_wanted)?;
        let txs = &self.txs;
        out.par_iter_mut().for_each(|(vote, hash)| {
            if let Some((200, body)) = txs.get(hash) {
                match parse_tx(body) {
                    Ok(tx) => vote.tx = Some(tx),
                    Err(e) => vote.errors.push(format!("transaction {hash}: {e}")),
                }
            }
        });
        Ok(out.into_iter().map(|(vote, _)| vote).collect())
    }
}

/// The transaction response, its `tx` kept raw for the verifier to decode.
fn parse_tx(body: &[u8]) -> Result<TransactionResponse, serde_json::Error> {
    serde_json::from_slice(body)
}

impl VoteSource for BundleVotes {
    fn next_batch(&mut self) -> Option<Result<Vec<VoteEvidence>, VoteSourceError>> {
        if let Err(e) = self.fill() {
            return Some(Err(e));
        }
        let n = self.pending.len().min(BATCH);
        if n == 0 {
            return None;
        }
        let rows: Vec<VoteRow> = self.pending.drain(..n).collect();
        Some(self.batch(rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each metadata version's document has one bundle name: its CID's, or its URL's hash.
    #[rstest::rstest]
    #[case::ipfs("ipfs://QmAbc", Ok("metadata/QmAbc".to_string()))]
    #[case::ipfs_path("ipfs://QmAbc/x.json", Ok("metadata/QmAbc".to_string()))]
    #[case::ipfs_escape("ipfs://../x", Err("names no plain CID"))]
    #[case::https(
        "https://example.org/m.json",
        Ok(format!("metadata/url-{}", hex::encode(crate::protocol::hash::sha256(&[b"https://example.org/m.json"]))))
    )]
    #[case::ftp("ftp://example.org/m.json", Err("neither"))]
    #[case::empty("", Err("neither"))]
    fn metadata_documents_have_one_name(#[case] url: &str, #[case] expected: Result<String, &str>) {
        match (metadata_path(url), expected) {
            (Ok(path), Ok(want)) => assert_eq!(path, want),
            (Err(why), Err(says)) => assert!(why.contains(says), "{why}"),
            (got, want) => panic!("{url}: {got:?}, expected {want:?}"),
        }
    }

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
    fn gaps_from_an_unreachable_source_prove_nothing() {
        assert_eq!(gap_kind("census-unreachable"), GapKind::Unreachable);
        assert_eq!(gap_kind("census-unavailable"), GapKind::NotServed);
        assert_eq!(gap_kind("vote-detail-missing"), GapKind::NotServed);
    }

    #[test]
    fn index_keys_are_the_id_bytes_or_a_digest() {
        let id = "ab".repeat(32);
        assert_eq!(index_key(&id), [0xab; 32]);
        assert_ne!(index_key("0xnot-hex"), index_key("0xnot-hex2"));
        assert_eq!(index_key("0xnot-hex"), index_key("0xnot-hex"));
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

    /// Pages stored in the order their answers arrived, across segments and with a failed
    /// answer among them, are handed out in page order, each once.
    #[test]
    fn list_pages_are_read_back_in_page_order() {
        use crate::bundle::{BundleMeta, BundleWriter, Capture, WriterOptions};

        let dir = tempfile::tempdir().expect("tempdir");
        let id = "cd".repeat(32);
        let opts = WriterOptions {
            seal_records: 2,
            seal_bytes: u64::MAX,
        };
        let mut w = BundleWriter::create_or_resume_with(dir.path(), BundleMeta::default(), opts)
            .expect("writer");
        let at = chrono::Utc::now();
        let stream = format!("list-{id}");
        let row = |page: u64, i: u64| VoteRow {
            tx_hash: String::new(),
            vote_id: format!("{:064x}", page * 10 + i),
            voter_id: None,
            election_id: None,
            block_height: page,
            transaction_index: i as u32,
            block_time: None,
        };
        for (page, status) in [(3, 200), (0, 200), (7, 500), (4, 200), (1, 200), (2, 200)] {
            let list = VoteList {
                votes: (0..3).map(|i| row(page, i)).collect(),
                pagination: None,
            };
            let body = serde_json::to_vec(&list).expect("json");
            let url = format!("http://x/v2/votes?electionId={id}&page={page}&limit=3");
            let capture = Capture {
                url: &url,
                fetched_at: at,
                status,
                body: &body,
            };
            w.append_record(&stream, capture).expect("append");
        }
        w.finish().expect("finish");
        let bundle = Bundle::open(dir.path()).expect("open");

        let listing = read_listing(&bundle, &id).expect("listing");
        let mut reader = ListReader::new(&bundle, listing);
        let mut heights = Vec::new();
        while let Some(rows) = reader.next_page(&bundle).expect("page") {
            heights.extend(rows.iter().map(|r| (r.block_height, r.transaction_index)));
        }
        let expected: Vec<(u64, u32)> = (0..5).flat_map(|p| (0..3).map(move |i| (p, i))).collect();
        assert_eq!(heights, expected);
    }

    #[test]
    fn joins_every_vote_when_the_streams_run_in_another_order() {
        use crate::api::node::TxInfo;
        use crate::bundle::{BundleMeta, BundleWriter, Capture, WriterOptions};
        use serde_json::value::RawValue;

        let dir = tempfile::tempdir().expect("tempdir");
        let id = "ab".repeat(32);
        let n = BATCH + 700;
        let opts = WriterOptions {
            seal_records: 97,
            seal_bytes: u64::MAX,
        };
        let mut w = BundleWriter::create_or_resume_with(dir.path(), BundleMeta::default(), opts)
            .expect("writer");
        let at = chrono::Utc::now();
        let put = |w: &mut BundleWriter, stream: Option<&str>, url: &str, body: Vec<u8>| {
            let capture = Capture {
                url,
                fetched_at: at,
                status: 200,
                body: &body,
            };
            match stream {
                Some(s) => w.append_record(s, capture).map(|_| ()),
                None => w.put_file(&format!("elections/{id}/election.json"), capture),
            }
            .expect("write");
        };
        let election = Election {
            election_id: id.clone(),
            ..Election::default()
        };
        put(
            &mut w,
            None,
            "http://x/v2/elections",
            serde_json::to_vec(&election).unwrap(),
        );
        let vote_id = |i: usize| format!("{i:064x}");
        let tx_hash = |i: usize| format!("{:064x}", i + 1_000_000);
        let rows: Vec<VoteRow> = (0..n)
            .map(|i| VoteRow {
                tx_hash: String::new(),
                vote_id: vote_id(i),
                voter_id: None,
                election_id: None,
                block_height: 0,
                transaction_index: 0,
                block_time: None,
            })
            .collect();
        let list = VoteList {
            votes: rows,
            pagination: None,
        };
        let list_url = format!("http://x/v2/votes?electionId={id}&page=0");
        put(
            &mut w,
            Some(&format!("list-{id}")),
            &list_url,
            serde_json::to_vec(&list).unwrap(),
        );
        // Details in reverse list order, transactions scattered: every batch needs more
        // segments than the cache keeps.
        for i in (0..n).rev() {
            let detail = VoteDetail {
                tx_hash: tx_hash(i),
                vote_id: vote_id(i),
                encryption_keys: Vec::new(),
                package: RawValue::from_string("{}".into()).unwrap(),
                weight: "1".into(),
                election_id: id.clone(),
                voter_id: None,
                block_height: 1,
                transaction_index: 0,
                overwrite_count: 0,
                memo: None,
                date: "2025-01-01T00:00:00Z".into(),
            };
            let url = format!("http://x/v2/votes/{}", vote_id(i));
            put(
                &mut w,
                Some(&format!("votes-{id}")),
                &url,
                serde_json::to_vec(&detail).unwrap(),
            );
        }
        for k in 0..n {
            let i = k * 7919 % n;
            let tx = TransactionResponse {
                tx: RawValue::from_string("{}".into()).unwrap(),
                tx_info: TxInfo {
                    hash: tx_hash(i),
                    ..TxInfo::default()
                },
                signature: String::new(),
            };
            let url = format!("http://x/v2/chain/transactions/{}", tx_hash(i));
            put(
                &mut w,
                Some(&format!("txs-{id}")),
                &url,
                serde_json::to_vec(&tx).unwrap(),
            );
        }
        w.finish().expect("finish");

        let input = load(dir.path()).expect("load");
        let mut votes = input.elections.into_iter().next().expect("election").votes;
        let mut seen = 0;
        while let Some(batch) = votes.next_batch() {
            for v in batch.expect("batch") {
                let row = v.row.expect("row");
                let detail = v.detail.expect("detail");
                let tx = v.tx.expect("tx");
                assert!(v.errors.is_empty(), "{:?}", v.errors);
                assert_eq!(detail.vote_id, row.vote_id);
                assert_eq!(tx.tx_info.hash, detail.tx_hash);
                assert_eq!(row.vote_id, vote_id(seen));
                seen += 1;
            }
        }
        assert_eq!(seen, n);
    }
}
