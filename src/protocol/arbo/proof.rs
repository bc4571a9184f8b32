//! Proofs as `GenProof` returns them, packed siblings and proof checking, byte for byte as vocdoni/vocdoni-node:tree/arbo/proof.go
//! (`PackSiblings`, `UnpackSiblings`, `CheckProof`), plus the non-existence check that arbo's
//! `GenProof` output allows (arbo itself has no verifier for it).
//!
//! Packed layout (all integers little-endian):
//!
//! ```text
//! [ u16 fullLen ][ u16 L ][ L bytes bitmap ][ 32 × N non-empty siblings ]
//! ```
//!
//! fullLen = 4 + L + 32·N is the whole length; L = ceil(siblings / 8); bitmap bit i
//! (`(bitmap[i / 8] >> (i % 8)) & 1`) is 1 when sibling i is not 32 zero bytes. Sibling 0 is the
//! root's child.

use super::tree::key_bit;
use super::{ArboError, HashKind, PackedError, EMPTY_NODE};
use crate::protocol::hash::Hash32;

/// What `GenProof` returns for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// True when the key is in the tree.
    pub existence: bool,
    /// The leaf at the end of the key's path: the key itself when `existence`, another key when
    /// the path ends at a different leaf, empty when it ends in an empty slot.
    pub leaf_key: Vec<u8>,
    /// That leaf's value (empty for an empty slot).
    pub leaf_value: Vec<u8>,
    /// Siblings from the root's child down to the leaf's; an empty one is 32 zero bytes.
    pub siblings: Vec<Hash32>,
}

impl Proof {
    /// The siblings packed as `GenProof` returns them (see [`pack_siblings`]).
    pub fn packed(&self) -> Result<Vec<u8>, ArboError> {
        pack_siblings(&self.siblings)
    }
}

/// Packs `siblings` (root level first) as `PackSiblings` does.
pub fn pack_siblings(siblings: &[Hash32]) -> Result<Vec<u8>, ArboError> {
    let bits: Vec<bool> = siblings.iter().map(|s| *s != EMPTY_NODE).collect();
    let bitmap = bitmap_to_bytes(&bits);
    let stored = bits.iter().filter(|&&b| b).count();
    let full_len = 4 + bitmap.len() + 32 * stored;
    let (Ok(full), Ok(l)) = (u16::try_from(full_len), u16::try_from(bitmap.len())) else {
        return Err(PackedError::TooLong { len: full_len }.into());
    };
    let mut out = Vec::with_capacity(full_len);
    out.extend_from_slice(&full.to_le_bytes());
    out.extend_from_slice(&l.to_le_bytes());
    out.extend_from_slice(&bitmap);
    for s in siblings.iter().filter(|s| **s != EMPTY_NODE) {
        out.extend_from_slice(s);
    }
    Ok(out)
}

/// Unpacks siblings as `UnpackSiblings` does, with the same rejections. Walking the bitmap stops
/// as soon as every stored sibling is used, so trailing empty siblings are dropped; when the
/// bitmap runs out first, the remaining stored siblings are ignored, as in Go.
pub fn unpack_siblings(packed: &[u8]) -> Result<Vec<Hash32>, ArboError> {
    let [f0, f1, l0, l1, rest @ ..] = packed else {
        return Err(PackedError::TooShort { len: packed.len() }.into());
    };
    let full_len = usize::from(u16::from_le_bytes([*f0, *f1]));
    if packed.len() != full_len {
        return Err(PackedError::LengthMismatch {
            declared: full_len,
            actual: packed.len(),
        }
        .into());
    }
    let bitmap_len = usize::from(u16::from_le_bytes([*l0, *l1]));
    if rest.len() < bitmap_len {
        return Err(PackedError::BitmapOverrun {
            bitmap_len,
            needed: 4 + bitmap_len,
            actual: packed.len(),
        }
        .into());
    }
    let (bitmap, sibling_bytes) = rest.split_at(bitmap_len);
    if sibling_bytes.len() % 32 != 0 {
        return Err(PackedError::SiblingBytes {
            offset: 4 + bitmap_len,
            len: sibling_bytes.len(),
        }
        .into());
    }
    let mut stored = sibling_bytes.chunks_exact(32);
    let mut siblings = Vec::new();
    for bit in bytes_to_bitmap(bitmap) {
        if stored.len() == 0 {
            break;
        }
        if !bit {
            siblings.push(EMPTY_NODE);
        } else if let Some(s) = stored.next() {
            let mut h = EMPTY_NODE;
            h.copy_from_slice(s);
            siblings.push(h);
        }
    }
    Ok(siblings)
}

/// Bitmap bits to bytes, LSB first in each byte (arbo `bitmapToBytes`).
pub fn bitmap_to_bytes(bits: &[bool]) -> Vec<u8> {
    let mut out = vec![0u8; bits.len().div_ceil(8)];
    for (i, _) in bits.iter().enumerate().filter(|(_, &b)| b) {
        out[i / 8] |= 1 << (i % 8);
    }
    out
}

/// Bytes to bitmap bits, 8 per byte, LSB first (arbo `bytesToBitmap`).
pub fn bytes_to_bitmap(bytes: &[u8]) -> Vec<bool> {
    bytes
        .iter()
        .flat_map(|b| (0..8).map(move |j| (b >> j) & 1 == 1))
        .collect()
}

/// Folds `node` up through `siblings` along `key`'s path: for i = n-1 down to 0,
/// `node = bit(key, i) ? H(sibling ‖ node) : H(node ‖ sibling)` (arbo `CalculateProofNodes`).
pub fn fold_siblings(
    kind: HashKind,
    key: &[u8],
    node: Hash32,
    siblings: &[Hash32],
) -> Result<Hash32, ArboError> {
    let mut node = node;
    for (i, sibling) in siblings.iter().enumerate().rev() {
        node = if key_bit(key, i) {
            kind.node(sibling, &node)?
        } else {
            kind.node(&node, sibling)?
        };
    }
    Ok(node)
}

/// arbo `CheckProof`: true when the leaf `(key, value)` with the packed siblings hashes up to
/// `root`. Malformed packed bytes, an over-long leaf or a Poseidon input `>= r` are errors, not
/// `false`. `max_levels` is not needed.
pub fn check_proof(
    kind: HashKind,
    key: &[u8],
    value: &[u8],
    root: &Hash32,
    packed: &[u8],
) -> Result<bool, ArboError> {
    let siblings = unpack_siblings(packed)?;
    let leaf = kind.leaf(key, value)?;
    Ok(fold_siblings(kind, key, leaf, &siblings)? == *root)
}

/// Checks a non-existence proof as `GenProof` returns it for a `key` not in the tree.
///
/// With an empty `found_key` the path ends in an empty slot: 32 zero bytes folded up through the
/// siblings must give `root`. Otherwise the path ends at another leaf: `found_key` must differ
/// from `key`, share its first `siblings` path bits, and `(found_key, found_value)` must check
/// against `root` (the circom-style exclusion check; arbo has no such verifier).
pub fn check_non_existence(
    kind: HashKind,
    key: &[u8],
    found_key: &[u8],
    found_value: &[u8],
    root: &Hash32,
    packed: &[u8],
) -> Result<bool, ArboError> {
    let siblings = unpack_siblings(packed)?;
    if found_key.is_empty() {
        return Ok(
            found_value.is_empty() && fold_siblings(kind, key, EMPTY_NODE, &siblings)? == *root
        );
    }
    if found_key == key || (0..siblings.len()).any(|i| key_bit(key, i) != key_bit(found_key, i)) {
        return Ok(false);
    }
    let leaf = kind.leaf(found_key, found_value)?;
    Ok(fold_siblings(kind, found_key, leaf, &siblings)? == *root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_leaf_proof_is_four_bytes() {
        assert_eq!(pack_siblings(&[]).unwrap(), vec![4, 0, 0, 0]);
        assert_eq!(
            unpack_siblings(&[4, 0, 0, 0]).unwrap(),
            Vec::<Hash32>::new()
        );
    }

    #[test]
    fn trailing_empty_siblings_are_dropped() {
        let mut one = EMPTY_NODE;
        one[0] = 1;
        let packed = pack_siblings(&[one, EMPTY_NODE, EMPTY_NODE]).unwrap();
        assert_eq!(&packed[..5], &[37, 0, 1, 0, 0b001]);
        assert_eq!(unpack_siblings(&packed).unwrap(), vec![one]);
    }

    #[test]
    fn bitmap_walk_stops_only_when_stored_siblings_run_out() {
        // bitmap 0b01 with two stored siblings: Go takes the first for bit 0, then pushes an
        // empty sibling for each of bits 1..7 and never reaches the second stored one.
        let mut packed = vec![0, 0, 1, 0, 0b01];
        packed.extend_from_slice(&[7u8; 32]);
        packed.extend_from_slice(&[9u8; 32]);
        packed[0] = packed.len() as u8;
        let mut expected = vec![EMPTY_NODE; 8];
        expected[0] = [7u8; 32];
        assert_eq!(unpack_siblings(&packed).unwrap(), expected);
    }

    #[test]
    fn too_many_siblings_to_pack() {
        let many = vec![[1u8; 32]; 2048];
        assert!(matches!(
            pack_siblings(&many),
            Err(ArboError::Packed(PackedError::TooLong { .. }))
        ));
    }
}
