//! Where things live inside a bundle directory, which relative paths are acceptable, and the
//! atomic-write primitive every bundle file goes through.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::BundleError;

pub(crate) const MANIFEST: &str = "manifest.json";
pub(crate) const STREAMS_DIR: &str = "streams";
pub(crate) const SEGMENT_EXT: &str = ".ndjson";
pub(crate) const PARTIAL_EXT: &str = ".ndjson.partial";
/// Suffix given to an unsealed segment while its records are salvaged on resume.
pub(crate) const SALVAGE_EXT: &str = ".salvage";
/// Marker inside temp-file names (`<name>.tmp-<pid>-<n>`).
const TMP_MARK: &str = ".tmp-";

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Bundle-relative path of segment `seq` of `stream`, sealed or still being written.
pub(crate) fn segment_path(stream: &str, seq: u32, partial: bool) -> String {
    let ext = if partial { PARTIAL_EXT } else { SEGMENT_EXT };
    format!("{STREAMS_DIR}/{stream}/{seq:06}{ext}")
}

pub(crate) fn is_temp(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|name| name.contains(TMP_MARK))
}

/// A stream name is one path component of `[a-z0-9_-]`, so it can never escape `streams/`.
pub(crate) fn check_stream_name(stream: &str) -> Result<(), BundleError> {
    let ok = !stream.is_empty()
        && stream
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(BundleError::BadPath {
            path: stream.to_string(),
            reason: "stream names are [a-z0-9_-]+",
        })
    }
}

/// Checks a bundle-relative path: `/`-separated normal components only (no `..`, no absolute
/// path, no empty component), so a manifest can never point outside its directory.
pub(crate) fn check_relative(rel: &str) -> Result<(), BundleError> {
    let bad = |reason| {
        Err(BundleError::BadPath {
            path: rel.to_string(),
            reason,
        })
    };
    if rel.is_empty() || rel.contains('\\') || rel.split('/').any(str::is_empty) {
        return bad("paths are non-empty, '/'-separated, without empty components");
    }
    if !Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return bad("paths must be relative and may not contain '.' or '..'");
    }
    Ok(())
}

/// A path the fetcher may use for a singleton file: safe, and not one the bundle reserves.
pub(crate) fn check_singleton(rel: &str) -> Result<(), BundleError> {
    check_relative(rel)?;
    let reserved = |reason| {
        Err(BundleError::BadPath {
            path: rel.to_string(),
            reason,
        })
    };
    if rel == MANIFEST {
        return reserved("manifest.json is the bundle's own");
    }
    if rel == STREAMS_DIR || rel.starts_with("streams/") {
        return reserved("streams/ holds segment files only");
    }
    if is_temp(rel) || rel.ends_with(SALVAGE_EXT) {
        return reserved("temp-file names are reserved");
    }
    Ok(())
}

pub(crate) fn resolve(dir: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(dir.to_path_buf(), |p, c| p.join(c))
}

/// Writes `bytes` to `dir/rel` atomically: temp file in the same directory, fsync, rename over the
/// final name, fsync of the directory. A crash leaves either the old file or the new one (plus,
/// at worst, a temp file that resume deletes).
pub(crate) fn write_atomic(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), BundleError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let target = resolve(dir, rel);
    let parent = target.parent().unwrap_or(dir).to_path_buf();
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = parent.join(format!("{name}{TMP_MARK}{}-{n}", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp).map_err(io_err(&tmp))?;
        f.write_all(bytes).map_err(io_err(&tmp))?;
        f.sync_all().map_err(io_err(&tmp))?;
        drop(f);
        rename_durable(&tmp, &target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `rename(from, to)` followed by an fsync of the destination directory, so the rename itself
/// survives a power loss.
pub(crate) fn rename_durable(from: &Path, to: &Path) -> Result<(), BundleError> {
    fs::rename(from, to).map_err(io_err(to))?;
    if let Some(parent) = to.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), BundleError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), BundleError> {
    // Directories cannot be opened for fsync on this platform; the rename is still atomic.
    Ok(())
}

/// Every regular file (or symlink) under `dir`, as sorted bundle-relative `/`-separated paths.
/// Directories themselves are not reported (empty ones are harmless).
pub(crate) fn walk_files(dir: &Path) -> Result<Vec<String>, BundleError> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((abs, rel)) = stack.pop() {
        for entry in fs::read_dir(&abs).map_err(io_err(&abs))? {
            let entry = entry.map_err(io_err(&abs))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child_rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let ty = entry.file_type().map_err(io_err(&entry.path()))?;
            if ty.is_dir() {
                stack.push((entry.path(), child_rel));
            } else {
                out.push(child_rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "./a",
            "a\\b",
            "a/",
        ] {
            assert!(check_relative(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["election.json", "census/dump.bin", "ipfs/bafy.json"] {
            assert!(check_relative(good).is_ok(), "{good:?} refused");
        }
    }

    #[test]
    fn reserved_names_are_refused_for_singletons() {
        for bad in [
            "manifest.json",
            "streams/votes/000000.ndjson",
            "a.json.tmp-1-2",
        ] {
            assert!(check_singleton(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_stream_name("vote-details_2").is_ok());
        for bad in ["", "Votes", "a/b", ".."] {
            assert!(check_stream_name(bad).is_err(), "{bad:?} accepted");
        }
    }
}
