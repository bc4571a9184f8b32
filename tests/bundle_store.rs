//! The evidence bundle on disk: round trip, refusal of tampered/missing/extra files, atomic
//! writes, resume after an interrupted segment, and streaming reads of large streams.

use std::fs;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use vocaudit::bundle::{
    Bundle, BundleError, BundleMeta, BundleWriter, Capture, FileProblem, WriterOptions,
};

fn meta() -> BundleMeta {
    BundleMeta {
        node_url: "http://127.0.0.1:9/v2".into(),
        election_id: Some("ab".repeat(32)),
        ..BundleMeta::default()
    }
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
}

fn vote_url(i: u64) -> String {
    format!("http://127.0.0.1:9/v2/votes/{i:064x}")
}

fn vote_body(i: u64) -> Vec<u8> {
    format!(r#"{{"voteID":"{i:064x}","weight":"{i}","package":"eyJ2b3RlcyI6WzFdfQ=="}}"#)
        .into_bytes()
}

fn append_votes(w: &mut BundleWriter, range: std::ops::Range<u64>) {
    for i in range {
        let (url, body) = (vote_url(i), vote_body(i));
        let stored = w
            .append_record(
                "votes",
                Capture {
                    url: &url,
                    fetched_at: at(i as i64),
                    status: 200,
                    body: &body,
                },
            )
            .unwrap();
        assert!(stored, "vote {i} stored once");
    }
}

fn small_segments() -> WriterOptions {
    WriterOptions {
        seal_records: 4,
        ..WriterOptions::default()
    }
}

/// A finished bundle with one singleton (`election.json`), a binary singleton and 10 votes in
/// segments of 4 (3 segments).
fn sample(dir: &Path) -> [u8; 32] {
    let mut w = BundleWriter::create_or_resume_with(dir, meta(), small_segments()).unwrap();
    w.put_file(
        "election.json",
        Capture {
            url: "http://127.0.0.1:9/v2/elections/abab",
            fetched_at: at(0),
            status: 200,
            body: br#"{"electionId":"abab","voteCount":10}"#,
        },
    )
    .unwrap();
    w.put_file(
        "census/dump.bin",
        Capture {
            url: "http://127.0.0.1:9/ipfs/bafy",
            fetched_at: at(1),
            status: 200,
            body: b"\x00\x01binary\xff",
        },
    )
    .unwrap();
    append_votes(&mut w, 0..10);
    w.record_gap("vote-list-short", "vote list has 10 rows, voteCount is 11")
        .unwrap();
    w.record_gap("vote-list-short", "vote list has 10 rows, voteCount is 11")
        .unwrap();
    w.meta_mut().chain_id = Some("vocdoni/LTS/1.2".into());
    w.meta_mut().height = Some(1234);
    w.finish().unwrap()
}

fn refused(dir: &Path) -> Vec<FileProblem> {
    match Bundle::open(dir) {
        Err(BundleError::Refused { problems, .. }) => problems,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn manifest_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let sha = sample(tmp.path());
    let b = Bundle::open(tmp.path()).unwrap();
    assert_eq!(b.manifest_sha256(), sha);
    let raw = fs::read(tmp.path().join("manifest.json")).unwrap();
    assert_eq!(vocaudit::protocol::hash::sha256(&[&raw]), sha);

    let m = b.meta();
    assert_eq!(m.node_url, "http://127.0.0.1:9/v2");
    assert_eq!(m.chain_id.as_deref(), Some("vocdoni/LTS/1.2"));
    assert_eq!(m.height, Some(1234));
    assert_eq!(b.gaps().len(), 1, "identical gaps are kept once");
    assert_eq!(b.gaps()[0].kind, "vote-list-short");
    assert!(b.manifest().fetch_end.is_some());
    assert_eq!(b.manifest().tool_version, env!("CARGO_PKG_VERSION"));

    assert_eq!(
        b.read_file("census/dump.bin").unwrap(),
        b"\x00\x01binary\xff"
    );
    let e = b.file("election.json").unwrap();
    assert_eq!(
        (e.url.as_str(), e.status, e.fetched_at),
        ("http://127.0.0.1:9/v2/elections/abab", 200, at(0))
    );
    assert!(matches!(
        b.read_file("keys.json"),
        Err(BundleError::NotInManifest { .. })
    ));

    assert_eq!(b.streams(), vec!["votes"]);
    let segs = b.segments("votes");
    assert_eq!(
        segs.iter().map(|s| s.records).collect::<Vec<_>>(),
        vec![4, 4, 2]
    );
    let records: Vec<_> = b.records("votes").map(Result::unwrap).collect();
    assert_eq!(records.len(), 10);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.url, vote_url(i as u64));
        assert_eq!(r.body, vote_body(i as u64));
        assert_eq!(r.fetched_at, at(i as i64));
    }
    assert_eq!(b.records("transactions").count(), 0);
}

#[test]
fn a_modified_byte_is_refused_with_the_file_name() {
    for target in ["election.json", "streams/votes/000001.ndjson"] {
        let tmp = tempfile::tempdir().unwrap();
        sample(tmp.path());
        let path = tmp.path().join(target);
        let mut bytes = fs::read(&path).unwrap();
        let i = bytes.iter().position(|&b| b == b'1').unwrap();
        bytes[i] = b'2';
        fs::write(&path, bytes).unwrap();
        let problems = refused(tmp.path());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(matches!(&problems[0], FileProblem::Modified { path, .. } if path == target));
        let msg = Bundle::open(tmp.path()).unwrap_err().to_string();
        assert!(msg.contains(target), "{msg}");
    }
}

#[test]
fn a_missing_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    sample(tmp.path());
    fs::remove_file(tmp.path().join("streams/votes/000002.ndjson")).unwrap();
    assert_eq!(
        refused(tmp.path()),
        vec![FileProblem::Missing {
            path: "streams/votes/000002.ndjson".into()
        }]
    );
}

#[test]
fn an_extra_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    sample(tmp.path());
    fs::create_dir_all(tmp.path().join("ipfs")).unwrap();
    fs::write(tmp.path().join("ipfs/planted.json"), b"{}").unwrap();
    assert_eq!(
        refused(tmp.path()),
        vec![FileProblem::Extra {
            path: "ipfs/planted.json".into()
        }]
    );
}

#[test]
fn an_unfinished_bundle_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut w = BundleWriter::create_or_resume_with(tmp.path(), meta(), small_segments()).unwrap();
    append_votes(&mut w, 0..5);
    drop(w);
    assert!(matches!(
        Bundle::open(tmp.path()),
        Err(BundleError::Unfinished { .. })
    ));
}

#[test]
fn a_manifest_path_outside_the_bundle_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    sample(tmp.path());
    let path = tmp.path().join("manifest.json");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("\"census/dump.bin\"", "\"../dump.bin\"");
    fs::write(&path, text).unwrap();
    assert!(matches!(
        Bundle::open(tmp.path()),
        Err(BundleError::BadPath { path, .. }) if path == "../dump.bin"
    ));
}

#[test]
fn writes_are_atomic_for_a_concurrent_reader() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let mut w = BundleWriter::create_or_resume(&dir, meta()).unwrap();
    let versions = [vec![b'a'; 1 << 20], vec![b'b'; 1 << 20]];
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (dir, stop, versions) = (dir.clone(), stop.clone(), versions.clone());
        std::thread::spawn(move || {
            let mut seen = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(bytes) = fs::read(dir.join("big.bin")) {
                    assert!(versions.contains(&bytes), "partial file seen");
                    seen += 1;
                }
            }
            seen
        })
    };
    for i in 0..40 {
        w.put_file(
            "big.bin",
            Capture {
                url: "http://127.0.0.1:9/big",
                fetched_at: at(i),
                status: 200,
                body: &versions[(i % 2) as usize],
            },
        )
        .unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0, "the reader saw the file");
    w.finish().unwrap();
    let b = Bundle::open(&dir).unwrap();
    assert_eq!(b.manifest().files.len(), 1, "re-put replaces the entry");
    assert_eq!(b.read_file("big.bin").unwrap(), versions[1]);
}

#[test]
fn resume_salvages_an_interrupted_segment_and_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut w = BundleWriter::create_or_resume_with(dir, meta(), small_segments()).unwrap();
    append_votes(&mut w, 0..10); // segments 0 and 1 sealed, records 8 and 9 in 000002.partial
    drop(w); // interrupted: no finish()

    // A torn write: record 10 cut in the middle, after the two complete lines.
    let partial = dir.join("streams/votes/000002.ndjson.partial");
    assert!(partial.exists());
    let torn = format!(
        r#"{{"url":"{}","fetchedAt":"2023-11-14T22:13:20Z","status":200,"sha256":"00","body":{{"vo"#,
        vote_url(10)
    );
    fs::OpenOptions::new()
        .append(true)
        .open(&partial)
        .unwrap()
        .write_all(torn.as_bytes())
        .unwrap();
    // Leftovers of a crash: a temp file and a singleton written after the last manifest save.
    fs::write(dir.join("keys.json.tmp-1-1"), b"{").unwrap();
    fs::write(dir.join("keys.json"), b"{}").unwrap();

    let mut w = BundleWriter::create_or_resume_with(dir, meta(), small_segments()).unwrap();
    assert!(
        (0..10).all(|i| w.has(&vote_url(i))),
        "sealed and salvaged votes are known"
    );
    assert!(!w.has(&vote_url(10)), "the torn record is not trusted");
    assert!(!dir.join("keys.json").exists() && !dir.join("keys.json.tmp-1-1").exists());
    append_votes(&mut w, 10..13);
    w.finish().unwrap();

    let b = Bundle::open(dir).unwrap();
    let urls: Vec<String> = b.records("votes").map(|r| r.unwrap().url).collect();
    assert_eq!(urls, (0..13).map(vote_url).collect::<Vec<_>>());
}

#[test]
fn resume_of_a_finished_bundle_fetches_nothing_twice() {
    let tmp = tempfile::tempdir().unwrap();
    sample(tmp.path());
    let mut w = BundleWriter::create_or_resume_with(tmp.path(), meta(), small_segments()).unwrap();
    assert_eq!(w.stored_count(), 12);
    let url = vote_url(3);
    let again = w
        .append_record(
            "votes",
            Capture {
                url: &url,
                fetched_at: at(99),
                status: 200,
                body: b"{}",
            },
        )
        .unwrap();
    assert!(!again, "a URL already stored is not appended again");
    assert_eq!(w.meta().chain_id.as_deref(), Some("vocdoni/LTS/1.2"));
    w.retain_gaps(|g| g.kind != "vote-list-short");
    w.finish().unwrap();
    let b = Bundle::open(tmp.path()).unwrap();
    assert_eq!(b.records("votes").count(), 10);
    assert!(b.gaps().is_empty());
}

#[test]
fn resume_refuses_other_sources_and_foreign_directories() {
    let tmp = tempfile::tempdir().unwrap();
    sample(tmp.path());
    let other = BundleMeta {
        node_url: "http://127.0.0.1:10/v2".into(),
        ..meta()
    };
    assert!(matches!(
        BundleWriter::create_or_resume(tmp.path(), other),
        Err(BundleError::ResumeMismatch {
            field: "node URL",
            ..
        })
    ));
    let other_chain = BundleMeta {
        chain_id: Some("vocdoni/STAGE/12".into()),
        ..meta()
    };
    assert!(matches!(
        BundleWriter::create_or_resume(tmp.path(), other_chain),
        Err(BundleError::ResumeMismatch {
            field: "chain id",
            ..
        })
    ));

    let foreign = tempfile::tempdir().unwrap();
    fs::write(foreign.path().join("notes.txt"), b"mine").unwrap();
    assert!(matches!(
        BundleWriter::create_or_resume(foreign.path(), meta()),
        Err(BundleError::NotABundle { .. })
    ));
    assert!(foreign.path().join("notes.txt").exists());
}

#[test]
fn a_hundred_thousand_records_stream_in_order() {
    const N: u64 = 100_000;
    let tmp = tempfile::tempdir().unwrap();
    let mut w = BundleWriter::create_or_resume(tmp.path(), meta()).unwrap();
    append_votes(&mut w, 0..N);
    w.finish().unwrap();

    let b = Bundle::open(tmp.path()).unwrap();
    assert_eq!(b.segments("votes").len(), 10, "sealed every 10,000 records");
    assert_eq!(
        b.manifest().segments.iter().map(|s| s.records).sum::<u64>(),
        N
    );
    let mut next = 0;
    for rec in b.records("votes") {
        let rec = rec.unwrap();
        assert_eq!(rec.url, vote_url(next));
        next += 1;
    }
    assert_eq!(next, N);
}
