//! Hex decoding as the node's `types.HexBytes` does it: lowercase hex, an optional `0x` prefix
//! accepted on input, `""` for empty. Errors say which field was wrong and why.

use thiserror::Error;

/// A hex string that could not be decoded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{field}: invalid hex ({reason})")]
pub struct HexError {
    /// Which value was being decoded (for example `census.censusRoot`).
    pub field: String,
    /// What was wrong with it.
    pub reason: String,
}

/// Decodes `s` (optionally `0x`-prefixed) into bytes.
pub fn decode(field: &str, s: &str) -> Result<Vec<u8>, HexError> {
    let t = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    hex::decode(t).map_err(|e| HexError {
        field: field.to_string(),
        reason: e.to_string(),
    })
}

/// Decodes `s` into exactly `N` bytes.
pub fn decode_array<const N: usize>(field: &str, s: &str) -> Result<[u8; N], HexError> {
    let v = decode(field, s)?;
    let len = v.len();
    v.try_into().map_err(|_| HexError {
        field: field.to_string(),
        reason: format!("expected {N} bytes, got {len}"),
    })
}

/// A lowercase hex identifier of at most 32 bytes, held as its bytes; any other text (a
/// hostile node's) as given. Displays as the text it came from.
///
/// Vote ids and transaction hashes are held this way wherever a million of them are kept (the
/// fetcher's vote list, the verifier's ledger): 40 bytes inline against ~110 for a `String`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HexId {
    Bytes { len: u8, bytes: [u8; 32] },
    Text(Box<str>),
}

impl HexId {
    /// `text` as bytes when it is lowercase hex of at most 32 bytes, else as given.
    pub fn new(text: &str) -> HexId {
        let lowercase = !text.bytes().any(|b| b.is_ascii_uppercase());
        match hex::decode(text) {
            Ok(b) if b.len() <= 32 && lowercase => {
                let mut bytes = [0u8; 32];
                bytes[..b.len()].copy_from_slice(&b);
                HexId::Bytes {
                    len: b.len() as u8,
                    bytes,
                }
            }
            _ => HexId::Text(text.into()),
        }
    }

    /// True for the empty id (`""`, a field the node left empty).
    pub fn is_empty(&self) -> bool {
        match self {
            HexId::Bytes { len, .. } => *len == 0,
            HexId::Text(t) => t.is_empty(),
        }
    }
}

impl std::fmt::Display for HexId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HexId::Bytes { len, bytes } => f.write_str(&hex::encode(&bytes[..usize::from(*len)])),
            HexId::Text(t) => f.write_str(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_errors() {
        assert_eq!(decode("x", "0xab").unwrap(), vec![0xab]);
        assert_eq!(decode("x", "").unwrap(), Vec::<u8>::new());
        let e = decode("census.censusRoot", "zz").unwrap_err();
        assert!(e.to_string().starts_with("census.censusRoot: invalid hex"));
        let e = decode_array::<2>("id", "abcdef").unwrap_err();
        assert!(e.reason.contains("expected 2 bytes, got 3"), "{e}");
    }

    #[rstest::rstest]
    #[case(&"ab".repeat(32), true)]
    #[case("", true)]
    #[case("0a", true)]
    #[case(&"AB".repeat(32), false)]
    #[case(&"ab".repeat(33), false)]
    #[case("abc", false)]
    #[case("<script>", false)]
    fn a_hex_id_shows_the_text_it_came_from(#[case] text: &str, #[case] as_bytes: bool) {
        let id = HexId::new(text);
        assert_eq!(id.to_string(), text);
        assert_eq!(matches!(id, HexId::Bytes { .. }), as_bytes, "{id:?}");
        assert_eq!(id.is_empty(), text.is_empty());
    }
}
