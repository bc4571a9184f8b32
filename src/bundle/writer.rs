//! Writing a bundle during a fetch, and resuming an interrupted one (see the module doc for the
//! layout and the crash-safety rules). The writer is synchronous; an async crawler shares it behind
//! a mutex — a record append is a buffered write, only sealing touches the disk synchronously.

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::layout::{self, io_err, MANIFEST, PARTIAL_EXT, SALVAGE_EXT, SEGMENT_EXT, STREAMS_DIR};
use super::manifest::{BundleMeta, Disagreement, FileEntry, Gap, Manifest, SegmentEntry};
use super::reader::{hash_reader, Records};
use super::record::{encode_line, Capture, Record};
use super::BundleError;
use crate::protocol::hash::{sha256, Hash32};

/// When a segment is sealed: after `seal_records` records or `seal_bytes` bytes, whichever first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterOptions {
    pub seal_records: u64,
    pub seal_bytes: u64,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            seal_records: 10_000,
            seal_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Writes (or resumes writing) a bundle. Nothing is final until [`BundleWriter::finish`];
/// dropping the writer without it leaves a resumable, unfinished bundle.
#[derive(Debug)]
pub struct BundleWriter {
    dir: PathBuf,
    manifest: Manifest,
    opts: WriterOptions,
    open: BTreeMap<String, OpenSegment>,
    /// [`url_key`] of every URL stored (singletons, sealed and open segments): what
    /// [`Self::has`] asks.
    stored: HashSet<UrlKey>,
}

/// A stored URL's key: the first 16 bytes of its sha256. A million-vote fetch stores two
/// million URLs; 16 bytes instead of 32 saves ~100 MB of the fetch's peak, and two of a
/// billion URLs sharing a key has a chance below 2^-67.
type UrlKey = [u8; 16];

fn url_key(url: &str) -> UrlKey {
    let mut key = [0u8; 16];
    key.copy_from_slice(&sha256(&[url.as_bytes()])[..16]);
    key
}

#[derive(Debug)]
struct OpenSegment {
    seq: u32,
    out: BufWriter<File>,
    hasher: Sha256,
    records: u64,
    bytes: u64,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

impl BundleWriter {
    /// [`Self::create_or_resume_with`] with the default [`WriterOptions`].
    pub fn create_or_resume(
        dir: impl AsRef<Path>,
        meta: BundleMeta,
    ) -> Result<BundleWriter, BundleError> {
        Self::create_or_resume_with(dir, meta, WriterOptions::default())
    }

    /// Starts a bundle in `dir` (created if needed, must be empty), or resumes the one there.
    ///
    /// Resuming checks that `meta` names the same sources (node URL, SaaS URL, process id, and
    /// election id / chain id when both sides know them), keeps every listed file that still
    /// matches its size and sha256, salvages the valid leading records of unsealed segments,
    /// and deletes anything else (temp files, files written after the last manifest update).
    /// Gaps recorded by earlier runs are kept; see [`Self::retain_gaps`].
    pub fn create_or_resume_with(
        dir: impl AsRef<Path>,
        meta: BundleMeta,
        opts: WriterOptions,
    ) -> Result<BundleWriter, BundleError> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let manifest = match Manifest::load(&dir) {
            Ok((mut existing, _)) => {
                merge_meta(&mut existing.meta, meta)?;
                existing.fetch_end = None;
                existing
            }
            Err(BundleError::MissingManifest { .. }) => {
                let mut entries = fs::read_dir(&dir).map_err(io_err(&dir))?;
                if entries.next().is_some() {
                    return Err(BundleError::NotABundle { dir });
                }
                Manifest::new(meta)
            }
            Err(e) => return Err(e),
        };
        let mut writer = BundleWriter {
            dir,
            manifest,
            opts,
            open: BTreeMap::new(),
            stored: HashSet::new(),
        };
        let salvage = writer.reconcile()?;
        writer.save()?;
        for (stream, path) in salvage {
            writer.salvage(&stream, &path)?;
        }
        writer.save()?;
        Ok(writer)
    }

    /// Whether a response from `url` is already stored (in any file or stream).
    pub fn has(&self, url: &str) -> bool {
        self.stored.contains(&url_key(url))
    }

    /// Number of distinct URLs stored.
    pub fn stored_count(&self) -> usize {
        self.stored.len()
    }

    /// Stores one response as its own file at `rel_path` (atomically) and enters it in the
    /// manifest. Storing the same path again replaces the file and its entry.
    pub fn put_file(&mut self, rel_path: &str, capture: Capture<'_>) -> Result<(), BundleError> {
        layout::check_singleton(rel_path)?;
        layout::write_atomic(&self.dir, rel_path, capture.body)?;
        let entry = FileEntry {
            path: rel_path.to_string(),
            sha256: hex::encode(sha256(&[capture.body])),
            size: capture.body.len() as u64,
            url: capture.url.to_string(),
            status: capture.status,
            fetched_at: capture.fetched_at,
        };
        match self.manifest.files.iter_mut().find(|f| f.path == rel_path) {
            Some(existing) => *existing = entry,
            None => self.manifest.files.push(entry),
        }
        self.stored.insert(url_key(capture.url));
        self.save()?;
        Ok(())
    }

    /// Appends one response to `stream`'s open segment, sealing it when full. Returns `false`
    /// (and writes nothing) when a response from that URL is already stored.
    pub fn append_record(
        &mut self,
        stream: &str,
        capture: Capture<'_>,
    ) -> Result<bool, BundleError> {
        layout::check_stream_name(stream)?;
        let key = url_key(capture.url);
        if self.stored.contains(&key) {
            return Ok(false);
        }
        let line = encode_line(&capture).map_err(|e| BundleError::BadRecord {
            path: PathBuf::from(layout::segment_path(stream, 0, true)),
            line: 0,
            reason: e.to_string(),
        })?;
        if !self.open.contains_key(stream) {
            let seg = self.start_segment(stream, capture.fetched_at)?;
            self.open.insert(stream.to_string(), seg);
        }
        let dir = self.dir.clone();
        let Some(seg) = self.open.get_mut(stream) else {
            return Ok(false);
        };
        let path = layout::resolve(&dir, &layout::segment_path(stream, seg.seq, true));
        seg.out.write_all(&line).map_err(io_err(&path))?;
        seg.hasher.update(&line);
        seg.records += 1;
        seg.bytes += line.len() as u64;
        seg.first = seg.first.min(capture.fetched_at);
        seg.last = seg.last.max(capture.fetched_at);
        let full = seg.records >= self.opts.seal_records || seg.bytes >= self.opts.seal_bytes;
        self.stored.insert(key);
        if full {
            self.seal(stream)?;
        }
        Ok(true)
    }

    /// Records a completeness problem (identical gaps are kept once) and saves the manifest.
    pub fn record_gap(
        &mut self,
        kind: impl Into<String>,
        message: impl Into<String>,
    ) -> Result<(), BundleError> {
        let gap = Gap {
            kind: kind.into(),
            message: message.into(),
        };
        if !self.manifest.gaps.contains(&gap) {
            self.manifest.gaps.push(gap);
            self.save()?;
        }
        Ok(())
    }

    /// The stored records of `stream` whose URL is in `urls` (sealed segments and the open one),
    /// for a resumed fetch that must compare a new answer with one an earlier run stored. Reads
    /// the stream's segments from disk: meant for a few URLs, not for every record.
    pub fn stored_records(
        &mut self,
        stream: &str,
        urls: &HashSet<String>,
    ) -> Result<Vec<Record>, BundleError> {
        let mut paths: Vec<(PathBuf, Option<u64>)> = self
            .manifest
            .segments
            .iter()
            .filter(|s| s.stream == stream)
            .map(|s| (layout::resolve(&self.dir, &s.path), Some(s.records)))
            .collect();
        if let Some(seg) = self.open.get_mut(stream) {
            let path = layout::resolve(&self.dir, &layout::segment_path(stream, seg.seq, true));
            seg.out.flush().map_err(io_err(&path))?;
            paths.push((path, Some(seg.records)));
        }
        let mut found = Vec::new();
        for (path, records) in paths {
            for record in Records::open(path, records)? {
                let record = record?;
                if urls.contains(&record.url) {
                    found.push(record);
                }
            }
        }
        Ok(found)
    }

    /// Records two answers that disagree (an identical record is kept once) and saves the
    /// manifest. Records of earlier runs are kept: they are facts about what the source said.
    pub fn record_disagreement(&mut self, d: Disagreement) -> Result<(), BundleError> {
        if !self.manifest.disagreements.contains(&d) {
            self.manifest.disagreements.push(d);
            self.save()?;
        }
        Ok(())
    }

    /// Gaps recorded so far, including those of earlier runs of a resumed bundle.
    pub fn gaps(&self) -> &[Gap] {
        &self.manifest.gaps
    }

    /// Keeps only the gaps for which `keep` is true: a resumed fetch that re-checks a kind of
    /// completeness drops the stale gaps of that kind first.
    pub fn retain_gaps(&mut self, keep: impl FnMut(&Gap) -> bool) {
        self.manifest.gaps.retain(keep);
    }

    /// The bundle metadata; changes (chain id, height, election id once known) are saved with
    /// the next manifest update.
    pub fn meta_mut(&mut self) -> &mut BundleMeta {
        &mut self.manifest.meta
    }

    pub fn meta(&self) -> &BundleMeta {
        &self.manifest.meta
    }

    /// Seals every open segment, stamps `fetchEnd` and writes the final manifest. Returns the
    /// manifest's sha256 (what [`super::Bundle::manifest_sha256`] will report).
    pub fn finish(mut self) -> Result<Hash32, BundleError> {
        let streams: Vec<String> = self.open.keys().cloned().collect();
        for stream in streams {
            self.seal(&stream)?;
        }
        self.manifest.fetch_end = Some(Utc::now());
        self.save()
    }

    fn save(&self) -> Result<Hash32, BundleError> {
        self.manifest.save(&self.dir)
    }

    fn start_segment(&self, stream: &str, now: DateTime<Utc>) -> Result<OpenSegment, BundleError> {
        let seq = self
            .manifest
            .segments
            .iter()
            .filter(|s| s.stream == stream)
            .map(|s| s.seq + 1)
            .max()
            .unwrap_or(0);
        let path = layout::resolve(&self.dir, &layout::segment_path(stream, seq, true));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .map_err(io_err(&path))?;
        Ok(OpenSegment {
            seq,
            out: BufWriter::with_capacity(256 * 1024, file),
            hasher: Sha256::new(),
            records: 0,
            bytes: 0,
            first: now,
            last: now,
        })
    }

    /// Flushes and fsyncs the open segment of `stream`, renames it to its sealed name and enters
    /// it in the manifest.
    fn seal(&mut self, stream: &str) -> Result<(), BundleError> {
        let Some(seg) = self.open.remove(stream) else {
            return Ok(());
        };
        let partial = layout::resolve(&self.dir, &layout::segment_path(stream, seg.seq, true));
        let sealed_rel = layout::segment_path(stream, seg.seq, false);
        let sealed = layout::resolve(&self.dir, &sealed_rel);
        let file = seg
            .out
            .into_inner()
            .map_err(|e| io_err(&partial)(e.into_error()))?;
        file.sync_all().map_err(io_err(&partial))?;
        drop(file);
        layout::rename_durable(&partial, &sealed)?;
        self.manifest.segments.push(SegmentEntry {
            stream: stream.to_string(),
            seq: seg.seq,
            path: sealed_rel,
            sha256: hex::encode(seg.hasher.finalize()),
            size: seg.bytes,
            records: seg.records,
            first_fetched_at: seg.first,
            last_fetched_at: seg.last,
        });
        self.save()?;
        Ok(())
    }

    /// Brings the directory in line with the manifest (resume only) and fills the URL index.
    /// Returns the unsealed or unlisted segment files to salvage, renamed `*.salvage`.
    fn reconcile(&mut self) -> Result<Vec<(String, PathBuf)>, BundleError> {
        let dir = self.dir.clone();
        // Listed files that no longer match are dropped from the manifest (and re-fetched).
        let mut bad: HashSet<String> = HashSet::new();
        for (rel, expected, size) in self.manifest.listed_paths() {
            let path = layout::resolve(&dir, rel);
            let ok = match File::open(&path) {
                Ok(f) => {
                    let (h, n) = hash_reader(f).map_err(io_err(&path))?;
                    hex::encode(h) == expected && n == size
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
                Err(e) => return Err(io_err(&path)(e)),
            };
            if !ok {
                bad.insert(rel.to_string());
            }
        }
        self.manifest.files.retain(|f| !bad.contains(&f.path));
        self.manifest.segments.retain(|s| !bad.contains(&s.path));
        let listed: HashSet<String> = self
            .manifest
            .listed_paths()
            .map(|(p, _, _)| p.to_string())
            .collect();

        let mut salvage = Vec::new();
        for rel in layout::walk_files(&dir)? {
            if rel == MANIFEST || listed.contains(&rel) {
                continue;
            }
            let path = layout::resolve(&dir, &rel);
            match segment_stream(&rel) {
                Some(stream) if !layout::is_temp(&rel) => {
                    let target = if rel.ends_with(SALVAGE_EXT) {
                        path
                    } else {
                        let renamed = PathBuf::from(format!("{}{SALVAGE_EXT}", path.display()));
                        layout::rename_durable(&path, &renamed)?;
                        renamed
                    };
                    salvage.push((stream, target));
                }
                _ => fs::remove_file(&path).map_err(io_err(&path))?,
            }
        }

        for f in &self.manifest.files {
            self.stored.insert(url_key(&f.url));
        }
        for seg in &self.manifest.segments {
            let path = layout::resolve(&dir, &seg.path);
            for rec in Records::open(path, Some(seg.records))? {
                self.stored.insert(url_key(&rec?.url));
            }
        }
        Ok(salvage)
    }

    /// Re-appends the complete, hash-valid leading records of an interrupted segment (stopping
    /// at the first bad or truncated line), then deletes it.
    fn salvage(&mut self, stream: &str, path: &Path) -> Result<(), BundleError> {
        for rec in Records::open(path.to_path_buf(), None)? {
            let Ok(rec) = rec else { break };
            self.append_record(
                stream,
                Capture {
                    url: &rec.url,
                    fetched_at: rec.fetched_at,
                    status: rec.status,
                    body: &rec.body,
                },
            )?;
        }
        // Make the salvaged copies durable before the only other copy goes away.
        if let Some(seg) = self.open.get_mut(stream) {
            seg.out
                .flush()
                .and_then(|()| seg.out.get_ref().sync_data())
                .map_err(io_err(path))?;
        }
        fs::remove_file(path).map_err(io_err(path))?;
        Ok(())
    }
}

/// The stream a non-listed file under `streams/<stream>/` belongs to, if it is a segment file
/// (sealed, partial or already marked for salvage).
fn segment_stream(rel: &str) -> Option<String> {
    let mut parts = rel.split('/');
    let (Some(STREAMS_DIR), Some(stream), Some(name), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let is_segment = [SEGMENT_EXT, PARTIAL_EXT]
        .iter()
        .any(|ext| name.ends_with(ext) || name.ends_with(&format!("{ext}{SALVAGE_EXT}")));
    (is_segment && layout::check_stream_name(stream).is_ok()).then(|| stream.to_string())
}

/// Merges the metadata of a resumed run into the bundle's: the sources must be the same; ids the
/// bundle already knows must agree; newly learnt values (height, ids) are taken.
fn merge_meta(bundle: &mut BundleMeta, run: BundleMeta) -> Result<(), BundleError> {
    let mismatch = |field, b: &Option<String>, r: &Option<String>| BundleError::ResumeMismatch {
        field,
        bundle: b.clone(),
        requested: r.clone(),
    };
    if bundle.node_url != run.node_url {
        return Err(mismatch(
            "node URL",
            &Some(bundle.node_url.clone()),
            &Some(run.node_url),
        ));
    }
    if bundle.saas_url != run.saas_url {
        return Err(mismatch("SaaS URL", &bundle.saas_url, &run.saas_url));
    }
    if bundle.process_id != run.process_id {
        return Err(mismatch("process id", &bundle.process_id, &run.process_id));
    }
    for (field, have, want) in [
        ("election id", &mut bundle.election_id, run.election_id),
        ("chain id", &mut bundle.chain_id, run.chain_id),
    ] {
        match (&*have, want) {
            (Some(h), Some(w)) if *h != w => return Err(mismatch(field, have, &Some(w))),
            (_, Some(w)) => *have = Some(w),
            (_, None) => {}
        }
    }
    if run.height.is_some() {
        bundle.height = run.height;
    }
    Ok(())
}
