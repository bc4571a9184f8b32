//! The evidence bundle: every response the fetcher received, stored byte for byte, plus a sha256
//! manifest. The fetcher only writes it ([`BundleWriter`]); the verifier only reads it ([`Bundle`]),
//! and a bundle whose files do not match its manifest is refused before anything is verified.
//!
//! # On-disk layout (format `vocaudit-bundle/1`)
//!
//! ```text
//! BUNDLE/
//!   manifest.json                      the index below; written atomically after every change
//!   <singleton files>                  one response per file, path chosen by the fetcher
//!                                      (e.g. election.json, keys.json, census/dump.bin)
//!   streams/<stream>/<seq>.ndjson      sealed segments: many responses of one kind
//!                                      (e.g. stream "votes", "transactions"), seq = 000000, 000001, …
//!   streams/<stream>/<seq>.ndjson.partial   the segment being written (only while fetching)
//! ```
//!
//! A segment holds one JSON record per line, in append order:
//! `{"url":…,"fetchedAt":RFC3339,"status":200,"sha256":hex(body),"body":<the body verbatim>}`.
//! The body is embedded verbatim when it is one JSON value on a single line (what the node sends);
//! otherwise it is stored as `"bodyBase64":…` (standard alphabet, padded). Either way `sha256` is the
//! hash of the exact bytes received, checked again on every read. A segment is sealed (fsynced,
//! renamed from `.partial`, entered in the manifest) at 10,000 records or 256 MiB, whichever comes
//! first ([`WriterOptions`]), so a million-vote election needs a few hundred manifest entries, not
//! two million files.
//!
//! `manifest.json` (camelCase): `format`, `toolVersion`, `meta` ([`BundleMeta`]: node URL, SaaS URL,
//! process id, election id, chain id, height), `fetchStart`, `fetchEnd` (null until
//! [`BundleWriter::finish`]), `files[]` ([`FileEntry`]: path, sha256, size, url, status, fetchedAt),
//! `segments[]` ([`SegmentEntry`]: stream, seq, path, sha256, size, records, first/last fetchedAt)
//! `gaps[]` ([`Gap`]: completeness problems the fetcher recorded without judging them) and, when
//! there are any, `disagreements[]` ([`Disagreement`]: two answers to the same question that differ).
//!
//! # Crash safety and resume
//!
//! Every file and the manifest are written as temp file + fsync + rename + directory fsync, so a
//! reader never sees a partial file under a final name. The manifest is the only source of truth: a
//! re-run ([`BundleWriter::create_or_resume`]) keeps what the manifest lists (and still matches its
//! size and hash), salvages the complete, hash-valid leading records of any unsealed segment, and
//! deletes everything else it finds (temp files, files written after the last manifest update).
//! [`BundleWriter::has`] then tells the crawler which URLs are already stored.

pub mod evidence;
mod layout;
pub mod load;
mod manifest;
mod reader;
mod record;
mod writer;

use std::path::PathBuf;

pub use manifest::{
    BundleMeta, Disagreement, FieldChange, FileEntry, Gap, Manifest, SegmentEntry, FORMAT,
};
pub use reader::{Bundle, Records};
pub use record::{Capture, Record};
pub use writer::{BundleWriter, WriterOptions};

/// Why a bundle could not be written, resumed or opened. The CLI maps every variant to exit 2.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{dir}: not a bundle (no manifest.json)")]
    MissingManifest { dir: PathBuf },
    #[error("{dir}: directory is not empty and holds no manifest.json; refusing to write a bundle there")]
    NotABundle { dir: PathBuf },
    #[error("{path}: malformed manifest: {reason}")]
    BadManifest { path: PathBuf, reason: String },
    #[error("bundle format {found:?} is not supported (expected {FORMAT:?})")]
    UnsupportedFormat { found: String },
    #[error(
        "{dir}: the fetch did not finish (manifest has no fetchEnd); re-run fetch to resume it"
    )]
    Unfinished { dir: PathBuf },
    #[error("{dir}: bundle refused: {}", list_problems(problems))]
    Refused {
        dir: PathBuf,
        problems: Vec<FileProblem>,
    },
    #[error("{path:?}: unsafe or reserved bundle path: {reason}")]
    BadPath { path: String, reason: &'static str },
    #[error("cannot resume: bundle {field} is {bundle:?}, this run asks for {requested:?}")]
    ResumeMismatch {
        field: &'static str,
        bundle: Option<String>,
        requested: Option<String>,
    },
    #[error("{path}:{line}: bad record: {reason}")]
    BadRecord {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{path:?} is not listed in the bundle manifest")]
    NotInManifest { path: String },
}

/// One file that does not match the manifest (reported by [`Bundle::open`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Listed in the manifest but absent.
    Missing { path: String },
    /// Present, but its size or sha256 differs from the manifest.
    Modified {
        path: String,
        expected_sha256: String,
        actual_sha256: String,
    },
    /// Present but not listed in the manifest.
    Extra { path: String },
}

impl FileProblem {
    /// The bundle-relative path the problem is about.
    pub fn path(&self) -> &str {
        match self {
            FileProblem::Missing { path }
            | FileProblem::Modified { path, .. }
            | FileProblem::Extra { path } => path,
        }
    }
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileProblem::Missing { path } => write!(f, "{path} is missing"),
            FileProblem::Modified {
                path,
                expected_sha256,
                actual_sha256,
            } => write!(
                f,
                "{path} was modified (manifest sha256 {expected_sha256}, file sha256 {actual_sha256})"
            ),
            FileProblem::Extra { path } => write!(f, "{path} is not in the manifest"),
        }
    }
}

fn list_problems(problems: &[FileProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
