//! `manifest.json`: what a bundle holds, where each piece came from, and its sha256.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::layout::{self, MANIFEST};
use super::BundleError;
use crate::protocol::hash::{sha256, Hash32};

/// Format identifier written into every manifest; bumped on any incompatible layout change.
pub const FORMAT: &str = "vocaudit-bundle/1";

/// What the bundle is evidence of: the sources asked and the chain state seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleMeta {
    /// Node API base including its version path (e.g. `https://api.vocdoni.io/v2`).
    pub node_url: String,
    /// SaaS API base, when the audit also reads the SaaS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saas_url: Option<String>,
    /// SaaS process id, when the election was named through the SaaS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_id: Option<String>,
    /// Vochain election id (hex), once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub election_id: Option<String>,
    /// `chainId` reported by the node (`/chain/info`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<String>,
    /// Block height reported by the node when the fetch read the chain state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
}

/// One singleton file: a single response stored as its own file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEntry {
    /// Bundle-relative, `/`-separated.
    pub path: String,
    /// Lowercase hex sha256 of the file bytes.
    pub sha256: String,
    pub size: u64,
    /// The URL the bytes were received from.
    pub url: String,
    /// HTTP status of that response.
    pub status: u16,
    pub fetched_at: DateTime<Utc>,
}

/// One sealed segment of a stream (see the layout in the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentEntry {
    pub stream: String,
    pub seq: u32,
    /// Bundle-relative path, `streams/<stream>/<seq>.ndjson`.
    pub path: String,
    /// Lowercase hex sha256 of the whole segment file.
    pub sha256: String,
    pub size: u64,
    /// Number of records (lines) in the segment.
    pub records: u64,
    pub first_fetched_at: DateTime<Utc>,
    pub last_fetched_at: DateTime<Utc>,
}

/// A completeness problem the fetcher noticed and recorded without judging it (e.g. kind
/// `vote-list-short`, message "vote list has 998 rows, election voteCount is 1000"). The verifier
/// turns gaps into findings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Gap {
    /// Stable kebab-case identifier chosen by the fetcher.
    pub kind: String,
    /// Human-readable detail, with the location (URL, vote id, page) it concerns.
    pub message: String,
}

/// Two answers to the same question that differ: a URL read twice (a re-read of a vote detail,
/// the election at the start and at the end of the fetch), or a vote's list row against its
/// detail. The fetcher records the facts; the verifier (V-BUNDLE-04) judges whether a live
/// election explains them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Disagreement {
    /// Lowercase 64-hex election id.
    pub election_id: String,
    /// The vote (nullifier) the answers are about, for vote routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote_id: Option<String>,
    /// What was compared: `vote` (`/votes/{id}` read twice), `vote-row` (a list row against
    /// `/votes/{id}`) or `election` (`/elections/{id}` at the start and at the end).
    pub route: String,
    /// The URL of the second answer.
    pub url: String,
    /// sha256 (hex) of the first and the second body as received.
    pub first_sha256: String,
    pub second_sha256: String,
    /// Whether the election's status was `READY` or `PAUSED` at its first read: an election that
    /// may still receive votes may grow its vote count and overwrite votes between two reads.
    pub live: bool,
    /// The top-level JSON fields whose values differ, in field order.
    pub changes: Vec<FieldChange>,
}

/// One field of a [`Disagreement`]: its two values as compact JSON, each cut to
/// [`FieldChange::MAX_CHARS`] characters (`…` marks a cut).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub first: String,
    pub second: String,
}

impl FieldChange {
    /// Longest value kept, in characters: a hostile body may hold megabytes in one field.
    pub const MAX_CHARS: usize = 120;
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: String,
    /// vocaudit version that wrote the bundle.
    pub tool_version: String,
    pub meta: BundleMeta,
    pub fetch_start: DateTime<Utc>,
    /// `None` while the fetch is running or was interrupted.
    pub fetch_end: Option<DateTime<Utc>>,
    pub files: Vec<FileEntry>,
    pub segments: Vec<SegmentEntry>,
    pub gaps: Vec<Gap>,
    /// Answers that disagree (absent in bundles that recorded none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disagreements: Vec<Disagreement>,
}

impl Manifest {
    pub(crate) fn new(meta: BundleMeta) -> Manifest {
        Manifest {
            format: FORMAT.to_string(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            meta,
            fetch_start: Utc::now(),
            fetch_end: None,
            files: Vec::new(),
            segments: Vec::new(),
            gaps: Vec::new(),
            disagreements: Vec::new(),
        }
    }

    /// Reads and parses `dir/manifest.json`, returning it with the sha256 of its bytes. Checks
    /// the format and that every listed path is a safe relative path.
    pub(crate) fn load(dir: &Path) -> Result<(Manifest, Hash32), BundleError> {
        let path = dir.join(MANIFEST);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BundleError::MissingManifest {
                    dir: dir.to_path_buf(),
                })
            }
            Err(e) => return Err(layout::io_err(&path)(e)),
        };
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|e| BundleError::BadManifest {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        if manifest.format != FORMAT {
            return Err(BundleError::UnsupportedFormat {
                found: manifest.format,
            });
        }
        for f in &manifest.files {
            layout::check_singleton(&f.path)?;
        }
        for s in &manifest.segments {
            layout::check_stream_name(&s.stream)?;
            if s.path != layout::segment_path(&s.stream, s.seq, false) {
                return Err(BundleError::BadManifest {
                    path,
                    reason: format!(
                        "segment {} of stream {} has path {:?}",
                        s.seq, s.stream, s.path
                    ),
                });
            }
        }
        Ok((manifest, sha256(&[&bytes])))
    }

    /// Writes the manifest atomically; returns the sha256 of the bytes written.
    pub(crate) fn save(&self, dir: &Path) -> Result<Hash32, BundleError> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| BundleError::BadManifest {
            path: dir.join(MANIFEST),
            reason: e.to_string(),
        })?;
        bytes.push(b'\n');
        layout::write_atomic(dir, MANIFEST, &bytes)?;
        Ok(sha256(&[&bytes]))
    }

    /// Every path the manifest lists, singletons and segments.
    pub(crate) fn listed_paths(&self) -> impl Iterator<Item = (&str, &str, u64)> {
        self.files
            .iter()
            .map(|f| (f.path.as_str(), f.sha256.as_str(), f.size))
            .chain(
                self.segments
                    .iter()
                    .map(|s| (s.path.as_str(), s.sha256.as_str(), s.size)),
            )
    }
}
