//! One stored response and its segment-line encoding:
//! `{"url","fetchedAt","status","sha256","body"|"bodyBase64"}` (see the module doc for when the
//! body is embedded verbatim and when it is base64).

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::protocol::hash::{sha256, Hash32};

/// A response as the fetcher hands it to the bundle (borrowed; nothing is copied until written).
#[derive(Debug, Clone, Copy)]
pub struct Capture<'a> {
    pub url: &'a str,
    pub fetched_at: DateTime<Utc>,
    pub status: u16,
    pub body: &'a [u8],
}

/// A response read back from a segment; `body` is byte-identical to what was received and its
/// sha256 has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub url: String,
    pub fetched_at: DateTime<Utc>,
    pub status: u16,
    pub body: Vec<u8>,
    pub sha256: Hash32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LineOut<'a> {
    url: &'a str,
    fetched_at: DateTime<Utc>,
    status: u16,
    sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LineIn {
    url: String,
    fetched_at: DateTime<Utc>,
    status: u16,
    sha256: String,
    #[serde(default, deserialize_with = "present_raw")]
    body: Option<Box<RawValue>>,
    #[serde(default)]
    body_base64: Option<String>,
}

/// A `body` member that is present is the body, even when it is JSON `null` (a node may answer
/// exactly that); only an absent member means the body is in `bodyBase64`.
fn present_raw<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// The body as a verbatim JSON value, when that keeps the bytes exact and the line single:
/// valid UTF-8, exactly one JSON value with no surrounding whitespace, no line breaks.
fn verbatim_json(body: &[u8]) -> Option<&RawValue> {
    if body.contains(&b'\n') || body.contains(&b'\r') {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    let raw: &RawValue = serde_json::from_str(text).ok()?;
    (raw.get().len() == text.len()).then_some(raw)
}

/// Encodes one segment line (with its trailing `\n`).
pub(crate) fn encode_line(c: &Capture<'_>) -> Result<Vec<u8>, serde_json::Error> {
    let raw = verbatim_json(c.body);
    let line = LineOut {
        url: c.url,
        fetched_at: c.fetched_at,
        status: c.status,
        sha256: hex::encode(sha256(&[c.body])),
        body: raw,
        body_base64: raw.is_none().then(|| STANDARD.encode(c.body)),
    };
    let mut out = serde_json::to_vec(&line)?;
    out.push(b'\n');
    Ok(out)
}

/// A segment line's url and, when stored verbatim, its body, borrowed from the line.
pub(crate) struct LineHead<'a> {
    pub url: Cow<'a, str>,
    /// `None` when the body is stored as `bodyBase64`.
    pub body: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct HeadIn<'a> {
    #[serde(borrow)]
    url: Cow<'a, str>,
    #[serde(borrow, default, deserialize_with = "present_raw")]
    body: Option<&'a RawValue>,
}

/// Reads a segment line's url and verbatim body without copying or hashing anything (the other
/// members are skipped): for indexing, where [`decode_line`] would copy and hash every body.
pub(crate) fn decode_head(line: &str) -> Result<LineHead<'_>, String> {
    let head: HeadIn<'_> = serde_json::from_str(line).map_err(|e| e.to_string())?;
    Ok(LineHead {
        url: head.url,
        body: head.body,
    })
}

/// Decodes one segment line (without its `\n`) and checks the body against its sha256.
pub(crate) fn decode_line(line: &str) -> Result<Record, String> {
    let l: LineIn = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let body = match (l.body, l.body_base64) {
        (Some(raw), None) => raw.get().as_bytes().to_vec(),
        (None, Some(b64)) => STANDARD
            .decode(b64)
            .map_err(|e| format!("bodyBase64: {e}"))?,
        _ => return Err("exactly one of body and bodyBase64 must be present".into()),
    };
    let digest = sha256(&[&body]);
    if hex::encode(digest) != l.sha256 {
        return Err(format!(
            "body sha256 is {}, record says {}",
            hex::encode(digest),
            l.sha256
        ));
    }
    Ok(Record {
        url: l.url,
        fetched_at: l.fetched_at,
        status: l.status,
        body,
        sha256: digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn roundtrip(body: &[u8]) -> (Vec<u8>, Record) {
        let c = Capture {
            url: "http://n/v2/votes/ab",
            fetched_at: DateTime::from_timestamp(1_700_000_000, 5).unwrap(),
            status: 200,
            body,
        };
        let line = encode_line(&c).unwrap();
        let text = std::str::from_utf8(&line).unwrap();
        assert_eq!(text.matches('\n').count(), 1, "one line per record");
        let rec = decode_line(text.trim_end_matches('\n')).unwrap();
        (line, rec)
    }

    #[test]
    fn compact_json_is_embedded_verbatim() {
        let body = br#"{"voteID":"ab","weight":"1","x":[1,2.50,"\u00e9"]}"#;
        let (line, rec) = roundtrip(body);
        assert!(std::str::from_utf8(&line)
            .unwrap()
            .contains(r#""body":{"voteID""#));
        assert_eq!(rec.body, body);
    }

    #[test]
    fn non_json_and_multiline_json_go_base64() {
        for body in [
            &b"{\n  \"a\": 1\n}"[..],
            b" {}",
            b"\xff\x00binary",
            b"",
            b"{} {}",
        ] {
            let (line, rec) = roundtrip(body);
            assert!(std::str::from_utf8(&line).unwrap().contains("bodyBase64"));
            assert_eq!(rec.body, body);
        }
    }

    #[test]
    fn a_json_null_body_reads_back_as_null() {
        let (line, rec) = roundtrip(b"null");
        assert!(std::str::from_utf8(&line)
            .unwrap()
            .contains(r#""body":null"#));
        assert_eq!(rec.body, b"null");
    }

    #[rstest::rstest]
    #[case::verbatim(&br#"{"txInfo":{"hash":"AB"}}"#[..], true)]
    #[case::null(b"null", true)]
    #[case::base64(b"not json", false)]
    fn the_head_borrows_url_and_verbatim_body(#[case] body: &[u8], #[case] verbatim: bool) {
        let (line, _) = roundtrip(body);
        let text = std::str::from_utf8(&line).unwrap().trim_end();
        let head = decode_head(text).unwrap();
        assert_eq!(head.url, "http://n/v2/votes/ab");
        assert_eq!(
            head.body.map(|b| b.get().as_bytes()),
            verbatim.then_some(body)
        );
    }

    #[test]
    fn a_changed_body_fails_its_hash() {
        let (line, _) = roundtrip(br#"{"weight":"1"}"#);
        let text = std::str::from_utf8(&line)
            .unwrap()
            .replace(r#""1""#, r#""2""#);
        let err = decode_line(text.trim_end()).unwrap_err();
        assert!(err.contains("sha256"), "{err}");
    }

    proptest! {
        #[test]
        fn any_body_round_trips(body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let (_, rec) = roundtrip(&body);
            prop_assert_eq!(rec.body, body);
        }

        #[test]
        fn any_json_string_round_trips(s in ".{0,40}") {
            let body = serde_json::to_vec(&serde_json::json!({ "s": s })).unwrap();
            let (_, rec) = roundtrip(&body);
            prop_assert_eq!(rec.body, body);
        }
    }
}
