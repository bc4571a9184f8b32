//! Evidence bundles as `vocaudit verify` meets them (`bundle::Bundle::open`, then
//! `Bundle::records` for each stream): the manifest and the NDJSON segment reader.
//!
//! Input: `[even][manifest.json…]` opens a bundle holding only that manifest;
//! `[odd][segment…]` opens a bundle whose manifest lists those bytes as segment 0 of stream
//! `votes` (right sha256 and size, one record per `\n`) and reads its records.
//!
//! Invariants: an opened manifest survives a serde round trip; a segment that matches its
//! manifest entry always opens; each record read carries the sha256 of its body; reading stops
//! at the first bad line; a segment that reads cleanly has as many records as lines.

use vocaudit::bundle::{Bundle, Manifest};
use vocaudit::protocol::hash::sha256;

/// Opens one bundle; `Ok` is the number of records read, `Err` the error text.
pub fn run(data: &[u8]) -> Result<usize, String> {
    let (mode, rest) = data.split_first().ok_or("empty input")?;
    let dir = tempfile::tempdir().expect("a temporary directory");
    if mode % 2 == 0 {
        std::fs::write(dir.path().join("manifest.json"), rest).expect("write manifest");
        let bundle = Bundle::open(dir.path()).map_err(|e| e.to_string())?;
        let text = serde_json::to_vec(bundle.manifest()).expect("a manifest serializes");
        let again: Manifest = serde_json::from_slice(&text).expect("a manifest parses again");
        assert_eq!(&again, bundle.manifest(), "manifest round trip");
        return Ok(0);
    }

    let lines = rest.iter().filter(|&&b| b == b'\n').count();
    let manifest = serde_json::json!({
        "format": vocaudit::bundle::FORMAT,
        "toolVersion": "fuzz",
        "meta": { "nodeUrl": "http://127.0.0.1/v2" },
        "fetchStart": "2026-01-01T00:00:00Z",
        "fetchEnd": "2026-01-01T00:00:01Z",
        "files": [],
        "segments": [{
            "stream": "votes",
            "seq": 0,
            "path": "streams/votes/000000.ndjson",
            "sha256": hex(&sha256(&[rest])),
            "size": rest.len(),
            "records": lines,
            "firstFetchedAt": "2026-01-01T00:00:00Z",
            "lastFetchedAt": "2026-01-01T00:00:01Z",
        }],
        "gaps": [],
    });
    std::fs::create_dir_all(dir.path().join("streams/votes")).expect("create stream dir");
    std::fs::write(dir.path().join("streams/votes/000000.ndjson"), rest).expect("write segment");
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).expect("write manifest");
    let bundle = Bundle::open(dir.path()).expect("a bundle matching its manifest opens");

    let mut read = 0;
    let mut records = bundle.records("votes");
    for record in records.by_ref() {
        let record = record.map_err(|e| e.to_string());
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                assert!(records.next().is_none(), "reading goes on after a bad line");
                return Err(e);
            }
        };
        assert_eq!(record.sha256, sha256(&[&record.body]));
        read += 1;
    }
    assert_eq!(read, lines, "a clean segment has one record per line");
    Ok(read)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
