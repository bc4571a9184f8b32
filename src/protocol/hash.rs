//! The three hash functions the Vochain uses, with typed 32-byte outputs.
//!
//! BLAKE2b-256 is *unkeyed BLAKE2b with a 32-byte digest* (arbo's `HashBlake2b`,
//! `golang.org/x/crypto/blake2b.New256(nil)`), which differs from BLAKE2b-512 cut to 32 bytes.
//! keccak256 is the Ethereum (pre-SHA3 padding) variant used for nullifiers, process ids and EIP-191.

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use sha3::Keccak256;

/// A 32-byte hash, root or identifier.
pub type Hash32 = [u8; 32];
/// A 20-byte Ethereum-style address.
pub type Address = [u8; 20];

/// BLAKE2b with a 32-byte digest over the concatenation of `parts`.
pub fn blake2b256(parts: &[&[u8]]) -> Hash32 {
    let mut h = Blake2b::<U32>::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// SHA-256 over the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> Hash32 {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// Ethereum keccak256 over the concatenation of `parts`.
pub fn keccak256(parts: &[&[u8]]) -> Hash32 {
    let mut h = Keccak256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        // vocdoni/vocdoni-node:tree/arbo/hash_test.go
        assert_eq!(
            hex::encode(blake2b256(&[b"test"])),
            "928b20366943e2afd11ebc0eae2e53a93bf177a4fcf35bcc64d503704e65e202"
        );
        assert_eq!(
            hex::encode(sha256(&[b"te", b"st"])),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        );
        assert_eq!(
            hex::encode(keccak256(&[b""])),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }
}
