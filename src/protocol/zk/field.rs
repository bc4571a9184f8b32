//! Elements of the BN254 scalar field `r` as anonymous votes carry them: canonical decimal strings
//! in proofs and public signals (snarkjs, `ProofZkSNARK`), 32-byte little-endian words in arbo
//! trees and census roots (vocdoni/vocdoni-node:tree/arbo/utils.go `BytesLEToBigInt`).
//!
//! go-rapidsnark (`verifier/groth16.go`) rejects a public input `>= r` ("input value is not in
//! the fields") and a count other than `len(IC) − 1`. Its `big.Int.SetString` would also take a
//! sign, leading zeros or a `0x` prefix; this parser does not, and says so with its own error
//! ([`FieldError::NotCanonical`]) so that a caller can tell "not what a client writes" from
//! "not a field element".

use ark_ff::{BigInteger, PrimeField};
use num_bigint::BigUint;
use thiserror::Error;

/// The BN254 scalar field (circom's field, `r`).
pub type Fr = ark_bn254::Fr;

/// `r`, the order of the BN254 scalar field, in decimal (vocdoni-node `util/zk.go`).
pub const R_DECIMAL: &str =
    "21888242871839275222246405745257275088548364400416034343698204186575808495617";

/// Why a string or byte string is not a field element.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FieldError {
    /// Not the canonical decimal of a non-negative integer: empty, a sign, a space, a leading
    /// zero, a `0x` prefix or any non-digit. go-rapidsnark accepts some of these (a sign,
    /// leading zeros, `0x`); no client writes them.
    #[error("{what}: {value:?} is not a canonical decimal (digits only, no sign, space or leading zero)")]
    NotCanonical {
        /// Which value (e.g. `publicSignals[3]`).
        what: String,
        /// The text found, cut to 100 characters.
        value: String,
    },
    /// A value `>= r` (go-rapidsnark: "input value is not in the fields").
    #[error("{what}: {value} is not in the field (>= r)")]
    OutOfField {
        /// Which value.
        what: String,
        /// The value, decimal, cut to 100 characters.
        value: String,
    },
    /// A list of the wrong length (go-rapidsnark: "len(inputs)+1 != len(vk.IC)").
    #[error("{what}: {found} values, expected {expected}")]
    WrongCount {
        /// Which list.
        what: String,
        /// How many the key or the layout needs.
        expected: usize,
        /// How many there are.
        found: usize,
    },
}

fn cut(s: &str) -> String {
    s.chars().take(100).collect()
}

/// Parses the canonical decimal text of a value below `modulus`: ASCII digits only, no leading
/// zero except `"0"` itself. Shared by the scalar field and the base field (point coordinates).
pub(crate) fn parse_decimal_below(
    what: &str,
    text: &str,
    modulus: &BigUint,
) -> Result<BigUint, FieldError> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(FieldError::NotCanonical {
            what: what.to_string(),
            value: cut(text),
        });
    }
    // Digits only, so the parse cannot fail; a value above 2^256 fails the bound below.
    let value = BigUint::parse_bytes(text.as_bytes(), 10).unwrap_or_default();
    if &value >= modulus {
        return Err(FieldError::OutOfField {
            what: what.to_string(),
            value: cut(text),
        });
    }
    Ok(value)
}

/// The modulus of a prime field as a `BigUint`.
pub(crate) fn modulus_of<F: PrimeField>() -> BigUint {
    F::MODULUS.into()
}

/// An element of `F` from a value already checked to be below its modulus.
pub(crate) fn from_reduced<F: PrimeField>(value: &BigUint) -> F {
    // `F::from` reduces modulo the field order; the value is already below it.
    F::from(value.clone())
}

/// One canonical decimal field element (`what` names it in errors).
pub fn parse_fr(what: &str, text: &str) -> Result<Fr, FieldError> {
    let modulus = modulus_of::<Fr>();
    Ok(from_reduced(&parse_decimal_below(what, text, &modulus)?))
}

/// A list of public signals: exactly `expected` canonical decimals, each below `r`.
pub fn parse_public_signals<S: AsRef<str>>(
    signals: &[S],
    expected: usize,
) -> Result<Vec<Fr>, FieldError> {
    if signals.len() != expected {
        return Err(FieldError::WrongCount {
            what: "publicSignals".to_string(),
            expected,
            found: signals.len(),
        });
    }
    let modulus = modulus_of::<Fr>();
    signals
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let value = parse_decimal_below(&format!("publicSignals[{i}]"), s.as_ref(), &modulus)?;
            Ok(from_reduced(&value))
        })
        .collect()
}

/// The canonical decimal of a field element (what snarkjs and the node print).
pub fn fr_to_decimal(value: &Fr) -> String {
    BigUint::from(value.into_bigint()).to_string()
}

/// A byte string read as a little-endian integer (arbo `BytesLEToBigInt`, any length), which
/// must be below `r` (go-iden3-crypto's Poseidon rejects larger inputs).
pub fn fr_from_le_bytes(what: &str, bytes: &[u8]) -> Result<Fr, FieldError> {
    fr_from_le_slice(bytes).ok_or_else(|| out_of_field_le(what, bytes))
}

/// The error for a little-endian byte string whose integer is `>= r`.
pub(crate) fn out_of_field_le(what: &str, bytes: &[u8]) -> FieldError {
    FieldError::OutOfField {
        what: what.to_string(),
        value: cut(&BigUint::from_bytes_le(bytes).to_string()),
    }
}

/// [`fr_from_le_bytes`] without the error's text, for hot paths (tree hashing): `None` when the
/// integer is `>= r`. No allocation.
pub fn fr_from_le_slice(bytes: &[u8]) -> Option<Fr> {
    // High zero bytes do not change the integer.
    let len = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    if len > 32 {
        return None;
    }
    let mut words = [0u64; 4];
    for (i, b) in bytes[..len].iter().enumerate() {
        words[i / 8] |= u64::from(*b) << (8 * (i % 8));
    }
    Fr::from_bigint(ark_ff::BigInt(words))
}

/// A field element as 32 little-endian bytes (arbo `BigIntToBytesLE(32, x)`): how roots and
/// node hashes are stored.
pub fn fr_to_le32(value: &Fr) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&value.into_bigint().to_bytes_le());
    out
}

/// The minimal big-endian bytes of a field element (Go `big.Int.Bytes()`: empty for 0).
pub fn fr_to_minimal_be(value: &Fr) -> Vec<u8> {
    let bytes = value.into_bigint().to_bytes_be();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes[first..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_constant_is_the_modulus() {
        assert_eq!(modulus_of::<Fr>().to_string(), R_DECIMAL);
    }

    #[test]
    fn le32_and_minimal_be() {
        let x = Fr::from(0x0102u64);
        let le = fr_to_le32(&x);
        assert_eq!(&le[..3], &[2, 1, 0]);
        assert_eq!(fr_from_le_bytes("x", &le).unwrap(), x);
        assert_eq!(fr_to_minimal_be(&x), vec![1, 2]);
        assert_eq!(fr_to_minimal_be(&Fr::from(0u64)), Vec::<u8>::new());
    }
}
