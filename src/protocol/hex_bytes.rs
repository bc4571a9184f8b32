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
}
