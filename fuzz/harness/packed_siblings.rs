//! Census proofs as the verifier meets them (`verify::derive::arbo_grant`: `check_proof` over
//! the vote's packed siblings, key and leaf value, against the published root).
//!
//! Input: `[hash u8][len(key) u8][key][len(value) u8][value][root 32][packed siblings…]`
//! (hash: 0 = Blake2b, 1 = SHA-256, other = Poseidon).
//!
//! Invariants: unpacked siblings pack and unpack to themselves up to their last non-empty one
//! (Go's `UnpackSiblings` keeps empty siblings a bitmap marks before the stored ones run out,
//! `PackSiblings` cannot say where such a tail ends); folding the leaf over them gives
//! a root `check_proof` accepts; a proof checks against that root and no other.

use vocaudit::protocol::arbo::proof::{
    check_non_existence, check_proof, fold_siblings, pack_siblings, unpack_siblings,
};
use vocaudit::protocol::arbo::{HashKind, EMPTY_NODE};

/// Checks one proof; `Ok` is whether it verifies against the given root, `Err` the error text.
pub fn run(data: &[u8]) -> Result<bool, String> {
    let (kind, rest) = data.split_first().ok_or("empty input")?;
    let kind = match kind {
        0 => HashKind::Blake2b,
        1 => HashKind::Sha256,
        _ => HashKind::Poseidon,
    };
    let (key, rest) = take_prefixed(rest).ok_or("truncated key")?;
    let (value, rest) = take_prefixed(rest).ok_or("truncated value")?;
    let (root, packed) = rest.split_first_chunk::<32>().ok_or("truncated root")?;

    let verified = check_proof(kind, key, value, root, packed).map_err(|e| e.to_string());
    let _ = check_non_existence(kind, key, value, &[], root, packed);
    let _ = check_non_existence(kind, key, key, value, root, packed);

    let siblings = unpack_siblings(packed).map_err(|e| e.to_string())?;
    let repacked = pack_siblings(&siblings).expect("unpacked siblings pack again");
    let kept = siblings
        .iter()
        .rposition(|s| *s != EMPTY_NODE)
        .map_or(0, |i| i + 1);
    let head = siblings.get(..kept).map(<[_]>::to_vec);
    assert_eq!(unpack_siblings(&repacked).ok(), head, "pack/unpack");
    if let Ok(leaf) = kind.leaf(key, value) {
        let folded = fold_siblings(kind, key, leaf, &siblings).map_err(|e| e.to_string())?;
        assert_eq!(check_proof(kind, key, value, &folded, packed), Ok(true));
        assert_eq!(verified.clone(), Ok(folded == *root));
    }
    verified
}

/// A one-byte length and that many bytes.
fn take_prefixed(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = data.split_first()?;
    rest.split_at_checked(usize::from(*len))
}
