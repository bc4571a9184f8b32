//! Hostile behaviours for the loopback node: what a compromised node, gateway or proxy may send
//! instead of an honest answer — huge or endless bodies, deeply nested JSON, gigantic or negative
//! numbers, non-UTF-8 bytes, HTML error pages served with 200, wrong content types, redirects to
//! other hosts, and equivocation (a second read of the same URL answers differently).
//!
//! They are fault kinds of the `--fault` syntax ([`super::faults`]), so scope and trigger work as
//! for every fault, and `vocaudit sim serve --fault …` can show them:
//!
//! ```text
//! huge=BYTES              200 with a BYTES-long body of spaces, declared in Content-Length
//! endless[=DURATION]      200 with a chunked body of spaces that never ends (64 KiB chunks,
//!                         DURATION apart; as fast as the client reads without one)
//! nested=DEPTH            200 application/json body of DEPTH `[`
//! rewrite=FIELD/VALUE     every leaf under each key FIELD of the real JSON body becomes VALUE
//!                         (a string leaf stays a string); VALUE `D*N` is the digit D N times,
//!                         e.g. rewrite=weight/9*1000000, rewrite=voteCount/-1, rewrite=result/1e999999
//! nonutf8                 the real body with a 0xFF byte inside its first JSON string
//! html                    200 text/html error page instead of the body
//! content-type=MIME       the real body labelled MIME (e.g. application/octet-stream)
//! redirect=URL            302 Found to URL (a value holding `:` is fine: `redirect=http://h:1/x`)
//! equivocate=FIELD        from the second read of a path on, every leaf under FIELD changes
//!                         (a decimal +1, a hex string's last digit flipped)
//! ```

use std::collections::HashMap;
use std::io;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use futures::stream;
use serde_json::Value;

/// One hostile behaviour (see the module doc for the syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hostile {
    Huge { bytes: u64 },
    Endless { interval: Duration },
    Nested { depth: usize },
    Rewrite { field: String, value: String },
    NonUtf8,
    Html,
    ContentType(String),
    Redirect(String),
    Equivocate { field: String },
}

/// Why a hostile fault spec is wrong (the fault parser wraps it with the whole spec).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostileParseError {
    Missing,
    Unexpected,
    Bad(&'static str),
}

/// Bytes per chunk of a huge or endless body.
const CHUNK: usize = 64 * 1024;
/// The largest `D*N` expansion and nesting depth accepted (the server builds them in memory).
const MAX_GENERATED: usize = 64 * 1024 * 1024;

impl Hostile {
    /// The behaviour named `name` with `value`, or `None` when `name` is not a hostile kind.
    pub(crate) fn parse(
        name: &str,
        value: Option<&str>,
        duration: impl Fn(&str) -> Option<Duration>,
    ) -> Option<Result<Hostile, HostileParseError>> {
        use HostileParseError::{Bad, Missing, Unexpected};
        let none = |h: Hostile| match value {
            None => Ok(h),
            Some(_) => Err(Unexpected),
        };
        let needs = || value.filter(|v| !v.is_empty()).ok_or(Missing);
        let count = |what| {
            needs().and_then(|v| {
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_GENERATED).contains(n))
                    .ok_or(Bad(what))
            })
        };
        let pair = || {
            needs().and_then(|v| {
                v.split_once('/')
                    .filter(|(f, _)| !f.is_empty())
                    .map(|(f, v)| (f.to_string(), v.to_string()))
                    .ok_or(Bad("FIELD/VALUE"))
            })
        };
        Some(match name {
            "huge" => needs().and_then(|v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|&n| n > 0)
                    .map(|bytes| Hostile::Huge { bytes })
                    .ok_or(Bad("byte count"))
            }),
            "endless" => match value {
                None => Ok(Hostile::Endless {
                    interval: Duration::ZERO,
                }),
                Some(v) => duration(v)
                    .map(|interval| Hostile::Endless { interval })
                    .ok_or(Bad("duration")),
            },
            "nested" => count("depth").map(|depth| Hostile::Nested { depth }),
            "rewrite" => pair().and_then(|(field, value)| {
                expand(&value)
                    .map(|value| Hostile::Rewrite { field, value })
                    .ok_or(Bad("VALUE (D*N repeats at most 64 Mi digits)"))
            }),
            "nonutf8" => none(Hostile::NonUtf8),
            "html" => none(Hostile::Html),
            "content-type" => needs().and_then(|v| {
                HeaderValue::from_str(v)
                    .map(|_| Hostile::ContentType(v.to_string()))
                    .map_err(|_| Bad("MIME type"))
            }),
            "redirect" => needs().map(|v| Hostile::Redirect(v.to_string())),
            "equivocate" => needs().map(|field| Hostile::Equivocate {
                field: field.to_string(),
            }),
            _ => return None,
        })
    }
}

/// `D*N` → the character D repeated N times; any other text as is.
fn expand(value: &str) -> Option<String> {
    match value.split_once('*') {
        Some((d, n)) if d.chars().count() == 1 => {
            let n: usize = n.parse().ok().filter(|&n| n <= MAX_GENERATED)?;
            Some(d.repeat(n))
        }
        Some(_) => None,
        None => Some(value.to_string()),
    }
}

/// What hostile rules remember between requests: how often each path was read (equivocation).
#[derive(Debug, Default)]
pub(crate) struct Memory {
    reads: Mutex<HashMap<String, u64>>,
}

impl Memory {
    /// Counts one read of `path`; returns how many reads it has had, this one included.
    fn read(&self, path: &str) -> u64 {
        let mut reads = self.reads.lock().unwrap_or_else(|p| p.into_inner());
        let n = reads.entry(path.to_string()).or_insert(0);
        *n += 1;
        *n
    }
}

fn with_type(status: StatusCode, content_type: &str, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
}

/// The response `hostile` sends for a request of `path` whose honest reply would have been
/// `status`, `content_type`, `body`.
pub(crate) fn respond(
    hostile: &Hostile,
    memory: &Memory,
    path: &str,
    (status, content_type, body): (StatusCode, &str, Bytes),
) -> Response {
    const JSON: &str = "application/json";
    match hostile {
        Hostile::Huge { bytes } => {
            let total = *bytes;
            let chunks = stream::unfold(0u64, move |sent| async move {
                (sent < total).then(|| {
                    let n = (total - sent).min(CHUNK as u64);
                    let piece = Bytes::from(vec![b' '; n as usize]);
                    (Ok::<_, io::Error>(piece), sent + n)
                })
            });
            let mut r = with_type(StatusCode::OK, JSON, Body::from_stream(chunks));
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
            r
        }
        Hostile::Endless { interval } => {
            let interval = *interval;
            let piece = Bytes::from(vec![b' '; CHUNK]);
            let chunks = stream::unfold(piece, move |piece| async move {
                if !interval.is_zero() {
                    tokio::time::sleep(interval).await;
                }
                Some((Ok::<_, io::Error>(piece.clone()), piece))
            });
            with_type(StatusCode::OK, JSON, Body::from_stream(chunks))
        }
        Hostile::Nested { depth } => {
            with_type(StatusCode::OK, JSON, Body::from(vec![b'['; *depth]))
        }
        Hostile::Rewrite { field, value } => {
            let body = rewrite(&body, field, |leaf| Some(Leaf::Raw(leaf, value.clone())));
            with_type(status, content_type, Body::from(body))
        }
        Hostile::NonUtf8 => with_type(status, content_type, Body::from(non_utf8(&body))),
        Hostile::Html => with_type(
            StatusCode::OK,
            "text/html; charset=utf-8",
            Body::from(
                "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n\
                 <body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>\n",
            ),
        ),
        Hostile::ContentType(mime) => with_type(status, mime, Body::from(body)),
        Hostile::Redirect(to) => {
            let mut r = with_type(StatusCode::FOUND, "text/html; charset=utf-8", Body::empty());
            if let Ok(v) = HeaderValue::from_str(to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Hostile::Equivocate { field } => {
            let body = if memory.read(path) > 1 {
                Bytes::from(rewrite(&body, field, perturb))
            } else {
                body
            };
            with_type(status, content_type, Body::from(body))
        }
    }
}

/// A leaf of the rewritten field: its new text, raw JSON or a string.
enum Leaf {
    /// Written as `value` when the old leaf was a number, as a JSON string otherwise.
    Raw(Value, String),
    Json(Value),
}

/// Placeholder of a raw leaf while the JSON is re-serialised (printable, so serde keeps it as is).
const MARK: &str = "@@hostile-leaf-";

/// Rewrites every leaf under each key `field` of the JSON `body` with `change`; a body that is
/// not JSON is returned unchanged. The node's trailing newline is kept.
fn rewrite(body: &[u8], field: &str, change: impl Fn(Value) -> Option<Leaf>) -> Vec<u8> {
    let Ok(mut json) = serde_json::from_slice::<Value>(body) else {
        return body.to_vec();
    };
    let mut raws: Vec<String> = Vec::new();
    visit(&mut json, field, false, &mut |leaf: &mut Value| {
        match change(leaf.clone()) {
            Some(Leaf::Json(v)) => *leaf = v,
            Some(Leaf::Raw(old, text)) => {
                let text = if old.is_number() {
                    text
                } else {
                    // A string leaf stays a string (escaped as JSON).
                    Value::String(text).to_string()
                };
                *leaf = Value::String(format!("{MARK}{}", raws.len()));
                raws.push(text);
            }
            None => {}
        }
    });
    let mut out = json.to_string();
    for (i, text) in raws.iter().enumerate() {
        out = out.replacen(&format!("\"{MARK}{i}\""), text, 1);
    }
    if body.ends_with(b"\n") {
        out.push('\n');
    }
    out.into_bytes()
}

/// Calls `f` on every scalar leaf under each key `field` (at any depth).
fn visit(v: &mut Value, field: &str, inside: bool, f: &mut impl FnMut(&mut Value)) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                visit(child, field, inside || k == field, f);
            }
        }
        Value::Array(items) => {
            for child in items {
                visit(child, field, inside, f);
            }
        }
        leaf if inside => f(leaf),
        _ => {}
    }
}

/// The equivocating change of one leaf: a decimal number (or decimal string) plus one, a hex
/// string with its last digit flipped, a boolean negated.
fn perturb(leaf: Value) -> Option<Leaf> {
    match &leaf {
        Value::Number(n) => Some(Leaf::Raw(leaf.clone(), increment(&n.to_string())?)),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Some(Leaf::Json(Value::String(increment(s)?)))
        }
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            let (head, last) = s.split_at(s.len() - 1);
            let flipped = if last == "0" { "1" } else { "0" };
            Some(Leaf::Json(Value::String(format!("{head}{flipped}"))))
        }
        Value::Bool(b) => Some(Leaf::Json(Value::Bool(!b))),
        _ => None,
    }
}

/// A decimal digit string plus one (`None` for anything else).
fn increment(digits: &str) -> Option<String> {
    let mut out: Vec<u8> = digits.bytes().collect();
    if out.is_empty() || !out.iter().all(u8::is_ascii_digit) {
        return None;
    }
    for d in out.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return String::from_utf8(out).ok();
        }
    }
    out.insert(0, b'1');
    String::from_utf8(out).ok()
}

/// The body with a 0xFF byte right after the opening quote of its first string (or appended
/// when it has none).
fn non_utf8(body: &[u8]) -> Vec<u8> {
    let mut out = body.to_vec();
    match out.iter().position(|&b| b == b'"') {
        Some(i) => out.insert(i + 1, 0xFF),
        None => out.push(0xFF),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn parse(name: &str, value: Option<&str>) -> Option<Result<Hostile, HostileParseError>> {
        Hostile::parse(name, value, |v| {
            v.strip_suffix("ms")?
                .parse()
                .ok()
                .map(Duration::from_millis)
        })
    }

    #[rstest]
    #[case("huge", Some("100"), Hostile::Huge { bytes: 100 })]
    #[case("endless", None, Hostile::Endless { interval: Duration::ZERO })]
    #[case("endless", Some("5ms"), Hostile::Endless { interval: Duration::from_millis(5) })]
    #[case("nested", Some("100000"), Hostile::Nested { depth: 100_000 })]
    #[case("rewrite", Some("weight/9*5"), Hostile::Rewrite { field: "weight".into(), value: "99999".into() })]
    #[case("rewrite", Some("voteCount/-1"), Hostile::Rewrite { field: "voteCount".into(), value: "-1".into() })]
    #[case("nonutf8", None, Hostile::NonUtf8)]
    #[case("content-type", Some("application/octet-stream"), Hostile::ContentType("application/octet-stream".into()))]
    #[case("redirect", Some("http://elsewhere:1/x"), Hostile::Redirect("http://elsewhere:1/x".into()))]
    #[case("equivocate", Some("weight"), Hostile::Equivocate { field: "weight".into() })]
    fn parses(#[case] name: &str, #[case] value: Option<&str>, #[case] expected: Hostile) {
        assert_eq!(parse(name, value), Some(Ok(expected)));
    }

    #[rstest]
    #[case("huge", None, HostileParseError::Missing)]
    #[case("huge", Some("0"), HostileParseError::Bad("byte count"))]
    #[case("nested", Some("x"), HostileParseError::Bad("depth"))]
    #[case("rewrite", Some("weight"), HostileParseError::Bad("FIELD/VALUE"))]
    #[case("html", Some("1"), HostileParseError::Unexpected)]
    #[case("endless", Some("soon"), HostileParseError::Bad("duration"))]
    fn refuses(
        #[case] name: &str,
        #[case] value: Option<&str>,
        #[case] expected: HostileParseError,
    ) {
        assert_eq!(parse(name, value), Some(Err(expected)));
    }

    #[test]
    fn other_names_are_not_hostile() {
        assert_eq!(parse("latency", Some("1ms")), None);
    }

    #[test]
    fn rewrite_keeps_leaf_types_and_framing() {
        let body = br#"{"weight":"1","voteCount":3,"result":[["1","2"]],"x":"1"}
"#;
        let out = rewrite(body, "weight", |l| Some(Leaf::Raw(l, "-5".into())));
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["weight"], "-5");
        assert_eq!(v["x"], "1");
        assert!(out.ends_with(b"\n"));
        let out = rewrite(body, "voteCount", |l| Some(Leaf::Raw(l, "1e999999".into())));
        assert!(String::from_utf8(out)
            .unwrap()
            .contains(r#""voteCount":1e999999"#));
        let out = rewrite(body, "result", |l| Some(Leaf::Raw(l, "77".into())));
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["result"], serde_json::json!([["77", "77"]]));
    }

    #[test]
    fn perturbation_changes_every_kind_of_leaf() {
        let body = br#"{"a":{"n":9,"d":"199","h":"ab","b":true,"s":"x y"}}"#;
        let out = rewrite(body, "a", perturb);
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v["a"],
            serde_json::json!({"n":10,"d":"200","h":"a0","b":false,"s":"x y"})
        );
    }

    #[test]
    fn equivocation_starts_at_the_second_read_of_a_path() {
        let memory = Memory::default();
        assert_eq!(memory.read("/v2/votes/ab"), 1);
        assert_eq!(memory.read("/v2/votes/cd"), 1);
        assert_eq!(memory.read("/v2/votes/ab"), 2);
    }

    #[test]
    fn non_utf8_lands_inside_the_first_string() {
        let out = non_utf8(br#"{"a":"b"}"#);
        assert_eq!(out, b"{\"\xffa\":\"b\"}");
        assert!(std::str::from_utf8(&out).is_err());
        assert_eq!(non_utf8(b"12"), b"12\xff");
    }
}
