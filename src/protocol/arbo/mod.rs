//! The arbo sparse Merkle tree behind Vocdoni census trees: hashing, the root of a leaf set, a
//! cached census tree for proofs and lookups, packed siblings and census dumps. It mirrors
//! vocdoni/vocdoni-node:tree/arbo/ (the node's fork of vocdoni/arbo; `hash.go`, `utils.go`, `navigate.go`, `proof.go`, `tree.go`).
//!
//! The tree rules, shared by every module here:
//! - leaf = `H(key ‖ value ‖ 0x01)`, key and value exactly as given (never padded); Poseidon
//!   takes the three as separate little-endian field elements, `Poseidon(key, value, 1)`;
//! - intermediate node = `H(left ‖ right)`; an empty subtree is 32 zero bytes (never `H(0, 0)`);
//! - a subtree that holds one leaf *is* that leaf (the "compressed" shape), so the root depends
//!   only on the leaf set, not on insertion order;
//! - path bit `n` = `(key[n / 8] >> (n % 8)) & 1` (1 = right), the key zero-padded to
//!   `ceil(max_levels / 8)` bytes for the path only.

pub mod census_tree;
pub mod dump;
pub mod proof;
mod rounds;
pub mod tree;

pub use census_tree::CensusTree;
pub use dump::{
    decode_records, encode_records, value_to_weight, weight_to_value, weighted_census_key,
    CensusDump, CensusTreeType, DumpError, Record, DEFAULT_MAX_LEVELS,
};
pub use proof::{
    bitmap_to_bytes, bytes_to_bitmap, check_non_existence, check_proof, fold_siblings,
    pack_siblings, unpack_siblings, Proof,
};
pub use tree::{root, LeafSet};

use crate::protocol::hash::{blake2b256, sha256, Hash32};
use crate::protocol::zk::poseidon::{poseidon_le, PoseidonError};
use thiserror::Error;

/// The hash of an empty subtree, and the root of an empty tree: 32 zero bytes.
pub const EMPTY_NODE: Hash32 = [0u8; 32];

/// Longest key arbo accepts in a leaf (`checkKeyValueLen`: the dump stores it in one byte).
pub const MAX_KEY_LEN: usize = u8::MAX as usize;
/// Longest value arbo accepts in a leaf (`checkKeyValueLen`: the dump stores it in two bytes).
pub const MAX_VALUE_LEN: usize = u16::MAX as usize;

/// The hash function of a tree. A proof does not name it: the verifier knows it from the census
/// type (`ARBO_BLAKE2B` = weighted → Blake2b, `ARBO_POSEIDON` = zkweighted → Poseidon).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashKind {
    /// Unkeyed BLAKE2b with a 32-byte digest over the concatenated inputs (arbo `HashBlake2b`).
    Blake2b,
    /// SHA-256 over the concatenated inputs (arbo `HashSha256`; the node's state trees).
    Sha256,
    /// iden3 (circomlib) Poseidon over BN254 (arbo `HashPoseidon`): each part is a separate
    /// input read as a little-endian integer below `r`, the output 32 little-endian bytes; a
    /// leaf is `Poseidon(key, value, 1)`, a node `Poseidon(left, right)`, as circomlib's SMT.
    Poseidon,
}

impl HashKind {
    /// arbo `HashFunction.Hash`: Blake2b and SHA-256 hash the plain concatenation of `parts`;
    /// Poseidon hashes them as separate field elements, and fails on a part whose
    /// little-endian integer is `>= r` (as go-iden3-crypto does).
    pub fn hash(self, parts: &[&[u8]]) -> Result<Hash32, ArboError> {
        match self {
            HashKind::Blake2b => Ok(blake2b256(parts)),
            HashKind::Sha256 => Ok(sha256(parts)),
            HashKind::Poseidon => Ok(poseidon_le(parts)?),
        }
    }

    /// The leaf hash `H(key ‖ value ‖ 0x01)` (arbo `newLeafValue`), with arbo's length limits.
    pub fn leaf(self, key: &[u8], value: &[u8]) -> Result<Hash32, ArboError> {
        if key.len() > MAX_KEY_LEN || value.len() > MAX_VALUE_LEN {
            return Err(ArboError::LeafTooLong {
                key_len: key.len(),
                value_len: value.len(),
            });
        }
        self.hash(&[key, value, &[1u8]])
    }

    /// The intermediate node hash `H(left ‖ right)` (arbo `newIntermediate`).
    pub fn node(self, left: &Hash32, right: &Hash32) -> Result<Hash32, ArboError> {
        self.hash(&[left, right])
    }
}

/// Everything that can go wrong building, proving or checking an arbo tree.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ArboError {
    /// A Poseidon input that is not a field element (a key or value whose little-endian
    /// integer is `>= r`), as go-iden3-crypto refuses it.
    #[error("poseidon tree: {0}")]
    Poseidon(#[from] PoseidonError),
    /// A key longer than the tree's path (arbo `keyPathFromKey`).
    #[error(
        "len(k) can not be bigger than ceil(maxLevels/8), where len(k): {key_len}, \
         maxLevels: {max_levels}, max key len=ceil(maxLevels/8): {max_key_len}"
    )]
    KeyTooLong {
        /// Length of the offending key.
        key_len: usize,
        /// The tree's maximum depth.
        max_levels: usize,
        /// `ceil(max_levels / 8)`.
        max_key_len: usize,
    },
    /// More leaves than a tree index holds (2^32; far beyond any census that fits in memory).
    #[error("too many leaves: {count} (at most 2^32 - 1)")]
    TooManyLeaves {
        /// Number of leaves given.
        count: usize,
    },
    /// A key over 255 bytes or a value over 65535 bytes (arbo `checkKeyValueLen`).
    #[error("leaf too long: len(k) = {key_len} (max 255), len(v) = {value_len} (max 65535)")]
    LeafTooLong {
        /// Length of the key.
        key_len: usize,
        /// Length of the value.
        value_len: usize,
    },
    /// Two distinct keys share their first `max_levels` path bits (arbo `ErrMaxVirtualLevel`).
    #[error("max virtual level reached: keys {key_a} and {key_b} share the first {max_levels} path bits")]
    MaxVirtualLevel {
        /// The tree's maximum depth.
        max_levels: usize,
        /// One key, hex.
        key_a: String,
        /// The other key, hex.
        key_b: String,
    },
    /// The same key appears twice in a leaf set (arbo `ErrKeyAlreadyExists`).
    #[error("key {key} appears more than once")]
    DuplicateKey {
        /// The repeated key, hex.
        key: String,
    },
    /// A packed proof that `UnpackSiblings` rejects.
    #[error("packed siblings: {0}")]
    Packed(#[from] PackedError),
}

/// Why packed siblings could not be unpacked or packed (arbo `UnpackSiblings` / `PackSiblings`).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PackedError {
    /// Fewer than the 4 header bytes.
    #[error("no packed siblings provided: {len} bytes, the header alone is 4")]
    TooShort {
        /// Bytes given.
        len: usize,
    },
    /// The `fullLen` header (bytes 0..2) is not the byte length.
    #[error("expected len: {declared} (fullLen at byte 0), current len: {actual}")]
    LengthMismatch {
        /// `fullLen` as declared.
        declared: usize,
        /// Actual byte length.
        actual: usize,
    },
    /// The bitmap (length at bytes 2..4) runs past the end.
    #[error("bitmap of {bitmap_len} bytes (declared at byte 2) ends at byte {needed}, past the end ({actual})")]
    BitmapOverrun {
        /// Declared bitmap length.
        bitmap_len: usize,
        /// `4 + bitmap_len`.
        needed: usize,
        /// Actual byte length.
        actual: usize,
    },
    /// The sibling bytes after the bitmap are not a whole number of 32-byte hashes.
    #[error(
        "bad formatted siblings: {len} sibling bytes from byte {offset} is not a multiple of 32"
    )]
    SiblingBytes {
        /// Where the sibling bytes start.
        offset: usize,
        /// How many there are.
        len: usize,
    },
    /// Too many siblings to fit the u16 length fields.
    #[error("too many siblings to pack: {len} bytes exceed 65535")]
    TooLong {
        /// The length that would be needed.
        len: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poseidon_leaf_and_node() {
        // arbo hash_test.go TestHashPoseidon: Poseidon(1, 2), little-endian in and out.
        let (mut one, mut two) = ([0u8; 32], [0u8; 32]);
        one[0] = 1;
        two[0] = 2;
        assert_eq!(
            hex::encode(HashKind::Poseidon.node(&one, &two).unwrap()),
            "9a1817447a60199e51453274f217362acfe962966b4cf63d4190d6e7f5c05c11"
        );
        // A key whose little-endian integer is >= r is refused, not reduced.
        assert!(matches!(
            HashKind::Poseidon.leaf(&[0xff; 32], &[1]),
            Err(ArboError::Poseidon(PoseidonError::Input(_)))
        ));
    }

    #[test]
    fn leaf_length_limits() {
        let long_key = [0u8; 256];
        assert!(matches!(
            HashKind::Blake2b.leaf(&long_key, b""),
            Err(ArboError::LeafTooLong { key_len: 256, .. })
        ));
        let long_value = vec![0u8; 65536];
        assert!(matches!(
            HashKind::Sha256.leaf(b"", &long_value),
            Err(ArboError::LeafTooLong {
                value_len: 65536,
                ..
            })
        ));
        // D3: a single leaf (05 → empty) hashes as Blake2b(05 ‖ 01).
        assert_eq!(
            hex::encode(HashKind::Blake2b.leaf(&[5], b"").unwrap()),
            "10cf59f23d7835077c2f54d2cf4192048147214001aad42941e6753c2d6afe78"
        );
    }
}
