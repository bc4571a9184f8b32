//! Wire models of what the services publish: the Vochain node API v2 ([`node`]) and the Vocdoni
//! SaaS API ([`saas`]).
//!
//! Each model names the Go type it mirrors, its file and the commit read (README, "Real API
//! shapes", tabulates them per route). Field types follow Go's `encoding/json`: integers are JSON
//! numbers, `*big.Int`/`types.BigInt` decimal strings, `HexBytes` hex strings, `time.Time`
//! RFC 3339, an `omitempty` field may be absent and a nil slice or map is `null`.
//! They are tolerant by design: unknown fields are ignored and every field that is not part of
//! the long-standing core (vochain-api.md §0) is optional, because auditors meet nodes of
//! several vintages; a field no check reads is not typed at all ([`Opaque`]). The simulator
//! serialises the same types, so what it serves and what the fetcher reads cannot drift apart.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_path_to_error::Segment;

pub mod node;
pub mod saas;

/// Reads a served body as the model `T`, or says what made it unreadable and where: the JSON
/// path of the field and serde's reason (`census.totalWeight: expected a decimal integer, …`).
/// The fetcher and the bundle loader read every model through this, so an error names the field
/// wherever the body is read.
pub fn from_json_slice<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let mut json = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut json).map_err(|e| match e.path().to_string() {
        path if path == "." => e.inner().to_string(),
        path => format!("{path}: {}", e.inner()),
    })
}

/// A field of a served body the model could not take: where it is, why, and what it held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// JSON path from the body's root, e.g. `census.totalWeight` or `questions[1].results.voteCount`.
    pub path: String,
    /// What the model expected, in serde's words.
    pub why: String,
    /// The JSON the field held.
    pub raw: String,
}

/// How many unreadable fields one body may have before it is refused as a whole.
const MAX_UNREADABLE: usize = 64;

/// Reads a served body as the model `T`, setting aside every field whose value the model cannot
/// take instead of refusing the body: the field is dropped (so the model sees it absent) and
/// returned as [`Unreadable`], for a check to report where it reads that field. Only a body that
/// is not JSON, or whose root is not what `T` is, is refused (with the path and the reason, as
/// [`from_json_slice`] says it).
pub fn read_lenient<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<(T, Vec<Unreadable>), String> {
    let mut value: serde_json::Value = from_json_slice(body)?;
    let mut unreadable = Vec::new();
    loop {
        let error = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(model) => return Ok((model, unreadable)),
            Err(error) => error,
        };
        let why = error.inner().to_string();
        let mut segments: Vec<Segment> = error.path().iter().cloned().collect();
        // A bad cell of a list of scalars (a results matrix) costs the whole list: dropping the
        // cell alone would shift the others. A bad element of a list of objects (a question)
        // costs that element only.
        while let Some((Segment::Seq { .. }, parent)) = segments.split_last() {
            let of_objects = at(&value, parent)
                .and_then(serde_json::Value::as_array)
                .is_some_and(|items| items.iter().any(serde_json::Value::is_object));
            if of_objects {
                break;
            }
            segments.pop();
        }
        // A path set aside already that fails again (an element `{}` cannot stand for) is not
        // a field to drop but a body the model cannot take.
        let again = unreadable
            .last()
            .is_some_and(|u: &Unreadable| u.path == path_text(&segments));
        let removed = (unreadable.len() < MAX_UNREADABLE && !again)
            .then(|| take_at(&mut value, &segments))
            .flatten();
        match removed {
            Some(raw) => unreadable.push(Unreadable {
                path: path_text(&segments),
                why,
                raw: raw.to_string(),
            }),
            None if segments.is_empty() => return Err(why),
            None => return Err(format!("{}: {why}", path_text(&segments))),
        }
    }
}

/// `census.totalWeight`, `questions[1].results`: the notation of `serde_path_to_error`.
fn path_text(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => out.push_str(if out.is_empty() { "?" } else { ".?" }),
        }
    }
    out
}

/// The value at `segments`, if there is one.
fn at<'v>(value: &'v serde_json::Value, segments: &[Segment]) -> Option<&'v serde_json::Value> {
    segments.iter().try_fold(value, |v, segment| match segment {
        Segment::Map { key } => v.get(key),
        Segment::Seq { index } => v.get(index),
        _ => None,
    })
}

/// Removes the value at `segments` (an object member, or an array element of a list of
/// objects, left as `{}`) and returns it; `None` for the root or a path not found.
fn take_at(value: &mut serde_json::Value, segments: &[Segment]) -> Option<serde_json::Value> {
    let (last, parents) = segments.split_last()?;
    let parent = parents.iter().try_fold(value, |v, segment| match segment {
        Segment::Map { key } => v.get_mut(key),
        Segment::Seq { index } => v.get_mut(index),
        _ => None,
    })?;
    match (last, parent) {
        (Segment::Map { key }, serde_json::Value::Object(map)) => map.remove(key),
        (Segment::Seq { index }, serde_json::Value::Array(items)) => {
            // An element becomes an empty object, so the others keep their indexes (the paths
            // already set aside stay true).
            items
                .get_mut(*index)
                .map(|item| std::mem::replace(item, serde_json::Value::Object(Default::default())))
        }
        _ => None,
    }
}

/// A value no check reads, kept exactly as served: any JSON is accepted, so such a field never
/// makes a body unreadable, and it is written back byte for byte (the simulator builds it from
/// a Go-ordered value to serve the real shape).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Opaque(Box<RawValue>);

impl Opaque {
    /// The JSON of `value`, in its own field order.
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Self {
        // Serialising plain data (no maps with non-string keys) cannot fail.
        Opaque(serde_json::value::to_raw_value(value).unwrap_or_else(|_| null_raw()))
    }

    /// The JSON text as served.
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

fn null_raw() -> Box<RawValue> {
    RawValue::from_string("null".into()).expect("null is JSON")
}

impl PartialEq for Opaque {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// Go writes a nil slice or map as `null` where the field has no `omitempty`: read it as empty.
pub(crate) fn go_nil<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A field only the report reads: its value when it has the expected shape, else the default
/// (a metadata `type` that is a string, say, must not cost the questions beside it).
pub(crate) fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

/// A multilingual text as the metadata carries it (`{"default": "…", "en": "…"}`) or a plain
/// string; [`text`] picks the best single string for display.
pub fn text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(map) => map
            .get("default")
            .and_then(|v| v.as_str())
            .or_else(|| map.values().find_map(|v| v.as_str()))
            .map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A field the model cannot take is set aside with its path; the rest of the body is read,
    /// fields kept as served included.
    #[rstest::rstest]
    #[case::census_number(
        r#"{"title":{"default":"T"},"census":{"size":30,"totalWeight":true}}"#,
        &["census.totalWeight"]
    )]
    #[case::results_cell(
        r#"{"questions":[{"id":"q","results":{"voteCount":1,"results":[["1",2]]}}]}"#,
        &["questions[0].results.results"]
    )]
    #[case::two_fields(
        r#"{"chainId":7,"questions":[{"upstreamId":[1],"status":"RESULTS"}]}"#,
        &["chainId", "questions[0].upstreamId"]
    )]
    #[case::question_not_an_object(r#"{"questions":["x",{"id":"q2"}]}"#, &["questions[0]"])]
    #[case::clean(r#"{"census":{"size":"30"},"anything":[1,{"x":null}]}"#, &[])]
    fn lenient_read_sets_aside_what_it_cannot_take(#[case] body: &str, #[case] paths: &[&str]) {
        let (process, unreadable) = read_lenient::<saas::Process>(body.as_bytes()).unwrap();
        let found: Vec<&str> = unreadable.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(found, paths);
        if body.contains("\"title\"") {
            assert_eq!(process.title.unwrap().get(), r#"{"default":"T"}"#);
        }
        if body.contains("q2") {
            assert_eq!(process.questions[0].id, "", "the element is left as {{}}");
            assert_eq!(process.questions[1].id, "q2", "the others keep their index");
        }
    }

    #[rstest::rstest]
    #[case::not_json("<html>", "expected value")]
    #[case::root_not_an_object("7", "invalid type: integer `7`")]
    fn lenient_read_refuses_what_is_not_a_body(#[case] body: &str, #[case] says: &str) {
        let why = read_lenient::<saas::Process>(body.as_bytes()).unwrap_err();
        assert!(why.contains(says), "{why}");
    }

    #[test]
    fn multilingual_text() {
        assert_eq!(text(&json!("x")).as_deref(), Some("x"));
        assert_eq!(
            text(&json!({"ca": "a", "default": "b"})).as_deref(),
            Some("b")
        );
        assert_eq!(text(&json!({"ca": "a"})).as_deref(), Some("a"));
        assert_eq!(text(&json!(3)), None);
    }
}
