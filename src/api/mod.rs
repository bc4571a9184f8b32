//! Wire models of what the services publish: the Vochain node API v2 ([`node`]) and the Vocdoni
//! SaaS API ([`saas`]).
//!
//! Shapes follow `vocdoni/vocdoni-node:api/api_types.go` and `vocdoni/saas-backend:api/apicommon`.
//! They are tolerant by design: unknown fields are ignored and every field that is not part of
//! the long-standing core (vochain-api.md §0) is optional, because auditors meet nodes of
//! several vintages. The simulator serialises the same types, so what it serves and what the
//! fetcher reads cannot drift apart.

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
