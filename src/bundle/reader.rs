//! Opening a finished bundle for verification: the manifest is checked against every file first
//! (missing, modified and extra files are refused by name), then singletons are read whole and
//! streams are read record by record in bounded memory.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::layout::{self, io_err, MANIFEST};
use super::manifest::{BundleMeta, FileEntry, Gap, Manifest, SegmentEntry};
use super::record::{decode_head, decode_line, Record};
use super::{BundleError, FileProblem};
use crate::protocol::hash::{sha256, Hash32};

/// A finished, manifest-checked bundle.
#[derive(Debug)]
pub struct Bundle {
    dir: PathBuf,
    manifest: Manifest,
    manifest_sha256: Hash32,
}

impl Bundle {
    /// Opens `dir`, refusing it unless the fetch finished and every file matches the manifest:
    /// each listed file exists with the listed size and sha256, and no unlisted file is present.
    /// All problems are reported together in [`BundleError::Refused`]. Files are hashed in
    /// parallel (rayon), streaming, so memory stays bounded whatever the bundle size.
    pub fn open(dir: impl AsRef<Path>) -> Result<Bundle, BundleError> {
        let dir = dir.as_ref().to_path_buf();
        let (manifest, manifest_sha256) = Manifest::load(&dir)?;
        if manifest.fetch_end.is_none() {
            return Err(BundleError::Unfinished { dir });
        }
        let listed: Vec<(&str, &str, u64)> = manifest.listed_paths().collect();
        let mut problems: Vec<FileProblem> = listed
            .par_iter()
            .map(|&(rel, expected, size)| check_file(&dir, rel, expected, size))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        let known: std::collections::HashSet<&str> = listed.iter().map(|l| l.0).collect();
        problems.extend(
            layout::walk_files(&dir)?
                .into_iter()
                .filter(|rel| rel != MANIFEST && !known.contains(rel.as_str()))
                .map(|path| FileProblem::Extra { path }),
        );
        if !problems.is_empty() {
            problems.sort_by(|a, b| a.path().cmp(b.path()));
            return Err(BundleError::Refused { dir, problems });
        }
        Ok(Bundle {
            dir,
            manifest,
            manifest_sha256,
        })
    }

    /// sha256 of `manifest.json` as stored: one hash that pins the whole bundle, for reports and
    /// signed summaries.
    pub fn manifest_sha256(&self) -> Hash32 {
        self.manifest_sha256
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn meta(&self) -> &BundleMeta {
        &self.manifest.meta
    }

    pub fn gaps(&self) -> &[Gap] {
        &self.manifest.gaps
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The manifest entry of a singleton file, if the bundle has it.
    pub fn file(&self, rel_path: &str) -> Option<&FileEntry> {
        self.manifest.files.iter().find(|f| f.path == rel_path)
    }

    /// Reads a singleton file, checking its sha256 again (the file could change after `open`).
    pub fn read_file(&self, rel_path: &str) -> Result<Vec<u8>, BundleError> {
        let entry = self
            .file(rel_path)
            .ok_or_else(|| BundleError::NotInManifest {
                path: rel_path.to_string(),
            })?;
        let path = layout::resolve(&self.dir, rel_path);
        let bytes = std::fs::read(&path).map_err(io_err(&path))?;
        let actual = hex::encode(sha256(&[&bytes]));
        if actual != entry.sha256 {
            return Err(BundleError::Refused {
                dir: self.dir.clone(),
                problems: vec![FileProblem::Modified {
                    path: rel_path.to_string(),
                    expected_sha256: entry.sha256.clone(),
                    actual_sha256: actual,
                }],
            });
        }
        Ok(bytes)
    }

    /// Names of the streams the bundle holds, sorted.
    pub fn streams(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .manifest
            .segments
            .iter()
            .map(|s| s.stream.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The sealed segments of `stream` in order. Each can be read independently with
    /// [`Bundle::segment_records`], e.g. one rayon task per segment.
    pub fn segments(&self, stream: &str) -> Vec<&SegmentEntry> {
        let mut segs: Vec<&SegmentEntry> = self
            .manifest
            .segments
            .iter()
            .filter(|s| s.stream == stream)
            .collect();
        segs.sort_by_key(|s| s.seq);
        segs
    }

    /// Every record of `stream`, in append order, one line in memory at a time. An unknown
    /// stream yields nothing.
    pub fn records<'a>(
        &'a self,
        stream: &str,
    ) -> impl Iterator<Item = Result<Record, BundleError>> + 'a {
        self.segments(stream)
            .into_iter()
            .flat_map(move |seg| match self.segment_records(seg) {
                Ok(records) => Box::new(records) as Box<dyn Iterator<Item = _>>,
                Err(e) => Box::new(std::iter::once(Err(e))),
            })
    }

    /// The records of one segment, streaming. A line that does not decode or whose body does
    /// not match its sha256, and a record count different from the manifest's, are errors.
    pub fn segment_records(&self, seg: &SegmentEntry) -> Result<Records, BundleError> {
        let path = layout::resolve(&self.dir, &seg.path);
        Records::open(path, Some(seg.records))
    }
}

/// Hashes one listed file; `Ok(None)` when it matches.
fn check_file(
    dir: &Path,
    rel: &str,
    expected: &str,
    size: u64,
) -> Result<Option<FileProblem>, BundleError> {
    let path = layout::resolve(dir, rel);
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(FileProblem::Missing {
                path: rel.to_string(),
            }))
        }
        Err(e) => return Err(io_err(&path)(e)),
    };
    let (actual, actual_size) = hash_reader(file).map_err(io_err(&path))?;
    let actual = hex::encode(actual);
    Ok(
        (actual != expected || actual_size != size).then(|| FileProblem::Modified {
            path: rel.to_string(),
            expected_sha256: expected.to_string(),
            actual_sha256: actual,
        }),
    )
}

/// sha256 and length of everything `r` yields, read in 64 KiB blocks.
pub(crate) fn hash_reader(mut r: impl std::io::Read) -> std::io::Result<(Hash32, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        total += n as u64;
    }
    Ok((h.finalize().into(), total))
}

/// Streaming iterator over the records of one segment file.
pub struct Records {
    path: PathBuf,
    reader: BufReader<File>,
    line: u64,
    expected: Option<u64>,
    buf: String,
    done: bool,
}

impl Records {
    /// `expected`: the record count the manifest promises (checked at end of file), if any.
    pub(crate) fn open(path: PathBuf, expected: Option<u64>) -> Result<Records, BundleError> {
        let file = File::open(&path).map_err(io_err(&path))?;
        Ok(Records {
            path,
            reader: BufReader::with_capacity(256 * 1024, file),
            line: 0,
            expected,
            buf: String::new(),
            done: false,
        })
    }

    fn error(&self, reason: String) -> BundleError {
        BundleError::BadRecord {
            path: self.path.clone(),
            line: self.line,
            reason,
        }
    }

    /// Reads the next line into `buf` (its `\n` kept): `None` at a clean end of file; an error
    /// for a short count, an unterminated last line or a read failure.
    fn read_line(&mut self) -> Option<Result<(), BundleError>> {
        self.buf.clear();
        match self.reader.read_line(&mut self.buf) {
            Ok(0) => match self.expected {
                Some(n) if n != self.line => Some(Err(self.error(format!(
                    "segment ends after {} records, manifest says {n}",
                    self.line
                )))),
                _ => None,
            },
            Ok(_) => {
                self.line += 1;
                if self.buf.ends_with('\n') {
                    Some(Ok(()))
                } else {
                    Some(Err(self.error(
                        "last line is not terminated (truncated write)".into(),
                    )))
                }
            }
            Err(e) => {
                self.line += 1;
                Some(Err(self.error(e.to_string())))
            }
        }
    }

    /// The line just read, without its `\n`.
    fn text(&self) -> &str {
        self.buf.strip_suffix('\n').unwrap_or(&self.buf)
    }

    /// Calls `visit(url, body)` for every record, in order, without copying, decoding or
    /// hashing the bodies stored verbatim: what indexing a stream needs. [`Bundle::open`]
    /// hashed the whole file already, and each record's own sha256 is still checked when it is
    /// read as a [`Record`]. A base64 body is decoded (and checked) as the iterator would.
    pub fn visit_heads(mut self, mut visit: impl FnMut(&str, &[u8])) -> Result<(), BundleError> {
        while let Some(read) = self.read_line() {
            read?;
            let text = self.text();
            match decode_head(text) {
                Ok(head) => match head.body {
                    Some(raw) => visit(&head.url, raw.get().as_bytes()),
                    None => {
                        let record = decode_line(text).map_err(|r| self.error(r))?;
                        visit(&record.url, &record.body);
                    }
                },
                Err(reason) => return Err(self.error(reason)),
            }
        }
        Ok(())
    }
}

impl Iterator for Records {
    type Item = Result<Record, BundleError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = match self.read_line()? {
            Ok(()) => decode_line(self.text()).map_err(|reason| self.error(reason)),
            Err(e) => Err(e),
        };
        self.done = item.is_err();
        Some(item)
    }
}
