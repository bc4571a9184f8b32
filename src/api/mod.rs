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
