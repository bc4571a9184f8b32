//! V-HIST-04: metadata integrity. No transaction changes an election's metadata (vochain-api.md
//! §5.4): NEW_PROCESS sets the URI once, so it must be the election's `metadataURL`, and the
//! document fetched from IPFS must hash to the CID in it (the UnixFS file rebuilt as `ipfs add`
//! and the node's `data/ipfs/cid.go` chunk it; CIDs compared by multihash, as `CIDequals` does).
//! Per document, as Vocdoni's report words it: `verified`, `mismatch`, `unrecorded` (no CID to
//! check against) or `unreachable`. Where a node serves `/elections/{id}/metadata/history`
//! (newer gateways; not vocdoni-node `8e2adfd0`) each version is judged the same way against
//! the SHA-256 it records ([`super::metadata_versions`]): a `mismatch` fails at the version's
//! transaction; a change of what voters read is a note before voting started and a warning
//! after (with a word-level diff). Such a node has a transaction that changes the metadata, so
//! there NEW_PROCESS must have set the first version and the election shows the last.

use crate::bundle::evidence::MetadataHistoryAnswer;
use crate::protocol::unixfs::{Cid, CidCheck};
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::{CheckResult, Location, MetadataStatus, MetadataVersion};

use super::metadata_versions::{assess, Voting};

pub struct MetadataIntegrity;

impl ElectionCheck for MetadataIntegrity {
    fn id(&self) -> &'static str {
        "V-HIST-04"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let h = &ctx.history;
        let url = ctx.election.metadata_url.as_str();
        let cid = Cid::parse(url);
        let word = match (&cid, &h.metadata) {
            (Err(e), _) => {
                out.add(
                    Level::Note,
                    ctx.at(),
                    format!("unrecorded: metadataURL {url:?} names no CID to check the document against ({e})"),
                    None,
                    None,
                );
                "unrecorded"
            }
            (Ok(_), None) => {
                out.add(
                    Level::Note,
                    ctx.at(),
                    "not checked: the metadata document was not fetched",
                    None,
                    None,
                );
                "not fetched"
            }
            (Ok(_), Some(Err(why))) => {
                out.add(
                    Level::Warn,
                    ctx.at(),
                    format!("unreachable: {why}"),
                    None,
                    None,
                );
                "unreachable"
            }
            (Ok(cid), Some(Ok(bytes))) => match cid.check(bytes) {
                CidCheck::Matches => {
                    out.pass();
                    "verified"
                }
                CidCheck::Differs { computed } => {
                    out.add(
                        Level::Fail,
                        ctx.at(),
                        "mismatch: the metadata document served does not hash to the CID in metadataURL",
                        Some(url.to_string()),
                        Some(format!("sha256 of the dag-pb/raw block {}", hex::encode(computed))),
                    );
                    "mismatch"
                }
                CidCheck::CannotReproduce { computed } => {
                    out.add(
                        Level::Warn,
                        ctx.at(),
                        "cannot verify: the document spans several chunks and its DAG was not reproduced",
                        Some(url.to_string()),
                        Some(hex::encode(computed)),
                    );
                    "cannot verify"
                }
            },
        };
        // Asked but not obtained (a route that kept failing): the fetcher's gap.
        let failed = h
            .notes
            .iter()
            .find(|n| n.contains("metadata history not obtained"));
        let unknown = failed.is_some()
            || matches!(
                h.metadata_history,
                Some(MetadataHistoryAnswer::Unreadable(_))
            );
        let listed = match &h.metadata_history {
            Some(MetadataHistoryAnswer::Read(history)) => history.versions.as_slice(),
            _ => &[],
        };
        creation_uri(ctx, listed, unknown, &mut out);
        let versions = match &h.metadata_history {
            None => {
                if let Some(why) = failed {
                    out.add(Level::Warn, ctx.at(), why.clone(), None, None);
                }
                String::new()
            }
            Some(MetadataHistoryAnswer::NotServed(why)) => {
                out.add(
                    Level::Note,
                    ctx.at(),
                    format!("the node does not serve a metadata history ({why}): only the current document is checked"),
                    None,
                    None,
                );
                "; metadata history not served".into()
            }
            Some(MetadataHistoryAnswer::Unreadable(why)) => {
                out.add(
                    Level::Warn,
                    ctx.at(),
                    format!("the node's metadata history is unreadable: {why}"),
                    None,
                    None,
                );
                "; metadata history unreadable".into()
            }
            Some(MetadataHistoryAnswer::Read(_)) => {
                let versions = versions(ctx, agg).unwrap_or_default();
                for (n, v) in versions.iter().enumerate() {
                    judge_version(ctx, n + 1, v, &mut out);
                }
                let words: Vec<&str> = versions.iter().map(|v| v.status.as_str()).collect();
                format!(
                    "; metadata history: {} version(s) ({})",
                    versions.len(),
                    words.join(", ")
                )
            }
        };
        out.conclude(&self.info(), format!("metadata document {word}{versions}"))
    }
}

/// The metadata versions the node's history lists, judged (`None` when it served none).
pub fn versions(ctx: &ElectionContext, agg: &Aggregate) -> Option<Vec<MetadataVersion>> {
    let h = &ctx.history;
    let Some(MetadataHistoryAnswer::Read(history)) = &h.metadata_history else {
        return None;
    };
    let voting = Voting {
        first_vote: agg.first_height,
        start: ctx.start.as_ref().ok().map(|t| t.timestamp()),
    };
    Some(assess(history, &h.metadata_versions, voting))
}

/// Whether two metadata URIs name the same document: CIDs by multihash (as `CIDequals` does),
/// anything else as text.
fn same_uri(a: &str, b: &str) -> bool {
    match (Cid::parse(a), Cid::parse(b)) {
        (Ok(a), Ok(b)) => a.digest == b.digest,
        _ => a == b,
    }
}

/// NEW_PROCESS set the URI; no transaction of vocdoni-node `8e2adfd0` changes it, so the
/// election must still show it. A node whose history lists versions has a transaction that
/// does: there NEW_PROCESS must have set the first version and the election shows the last.
/// When the history route answered but could not be read (`history_unknown`), which versions
/// the node holds is unknown: a URI that moved is then flagged for review, not failed.
fn creation_uri(
    ctx: &ElectionContext,
    versions: &[crate::api::node::MetadataVersion],
    history_unknown: bool,
    out: &mut Remarks,
) {
    let url = ctx.election.metadata_url.as_str();
    let created = ctx
        .history
        .created()
        .map(|(e, p)| (e, p.metadata.as_deref().unwrap_or_default()));
    let (Some(first), Some(last)) = (versions.first(), versions.last()) else {
        let Some((e, created)) = created else {
            return;
        };
        let (level, message) = if history_unknown {
            (
                Level::Warn,
                "cannot verify: the metadata URI NEW_PROCESS set is not the election's metadataURL, and the node's metadata history that may explain it could not be read",
            )
        } else {
            (
                Level::Fail,
                "the metadata URI NEW_PROCESS set is not the election's metadataURL (no transaction changes it)",
            )
        };
        return compare(ctx, out, level, Some(&e.hash), message, created, url);
    };
    if let Some((e, created)) = created {
        compare(
            ctx,
            out,
            Level::Fail,
            Some(&e.hash),
            "the metadata URI NEW_PROCESS set is not the first version of the node's metadata history",
            created,
            &first.metadata_url,
        );
    }
    compare(
        ctx,
        out,
        Level::Fail,
        last.tx().as_ref(),
        "the election's metadataURL is not the last version of the node's metadata history",
        &last.metadata_url,
        url,
    );
}

/// Passes when `expected` and `actual` name the same document, else a `level` remark at `tx`.
fn compare(
    ctx: &ElectionContext,
    out: &mut Remarks,
    level: Level,
    tx: Option<&String>,
    message: &str,
    expected: &str,
    actual: &str,
) {
    if same_uri(expected, actual) {
        out.pass();
    } else {
        out.add(
            level,
            Location {
                tx_hash: tx.cloned(),
                ..ctx.at()
            },
            message,
            Some(expected.to_string()),
            Some(actual.to_string()),
        );
    }
}

/// The remarks about version `n` (1-based): its status, then what changed for voters.
fn judge_version(ctx: &ElectionContext, n: usize, v: &MetadataVersion, out: &mut Remarks) {
    let at = Location {
        tx_hash: v.tx_hash.clone(),
        ..ctx.at()
    };
    let height = v.height.map_or_else(
        || "height unknown (transaction not located)".into(),
        |h| format!("height {h}"),
    );
    let name = format!("metadata version {n} ({}, {height})", v.url);
    let why = v.reason.as_deref().unwrap_or_default();
    match v.status {
        MetadataStatus::Verified => out.pass(),
        MetadataStatus::Mismatch => out.add(
            Level::Fail,
            at.clone(),
            format!(
                "{name}: mismatch: its document does not hash to the SHA-256 the history records"
            ),
            v.recorded_hash.clone(),
            v.computed_hash.clone(),
        ),
        MetadataStatus::Unrecorded => out.add(
            Level::Note,
            at.clone(),
            format!("{name}: unrecorded: {why}"),
            None,
            v.computed_hash.clone(),
        ),
        MetadataStatus::Unreachable => out.add(
            Level::Warn,
            at.clone(),
            format!("{name}: unreachable: {why}"),
            v.recorded_hash.clone(),
            None,
        ),
    }
    if v.changes.is_empty() {
        return;
    }
    let diffs: Vec<String> = v
        .changes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.diff))
        .collect();
    let (level, when) = match v.after_voting_started {
        Some(false) => (Level::Note, "before voting started"),
        Some(true) => (Level::Warn, "after voting started"),
        None => (
            Level::Warn,
            "at an unknown time (perhaps after voting started)",
        ),
    };
    out.add(
        level,
        at,
        format!(
            "{name}: what voters read changed {when}: {}",
            diffs.join("; ")
        ),
        None,
        None,
    );
}
