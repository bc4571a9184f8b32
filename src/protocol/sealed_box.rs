//! Anonymous sealed boxes (libsodium `crypto_box_seal`) as used for encrypted Vochain votes, and the
//! multi-key layering of a vote package. Mirrors `vocdoni/vocdoni-node:crypto/nacl/nacl.go`
//! (`box.SealAnonymous`/`OpenAnonymous`) and the reverse-order decryption of
//! `vocdoni/vocdoni-node:vochain/results/compute.go` (`ComputeResults`, `unmarshalVote`).
//!
//! Byte layout of one layer: `ephemeral_pk[32] ‖ XSalsa20-Poly1305 box (tag[16] ‖ ciphertext)`, with
//! nonce = `blake2b-192(ephemeral_pk ‖ recipient_pk)`; 48 bytes of overhead per layer.

use std::collections::BTreeMap;

use crypto_box::aead::Aead;
use crypto_box::{Nonce, PublicKey, SalsaBox, SecretKey};
use rand::{CryptoRng, RngCore};
use thiserror::Error;

/// An X25519 private key as revealed on chain (`REVEAL_PROCESS_KEYS`), 32 raw bytes.
pub type X25519Secret = [u8; 32];
/// An X25519 public key as published on chain (`ADD_PROCESS_KEYS`), 32 raw bytes.
pub type X25519Public = [u8; 32];

/// Bytes a sealed box adds to its plaintext: the ephemeral public key (32) and the Poly1305 tag (16).
pub const SEAL_OVERHEAD: usize = 48;

/// Number of key slots of an encrypted process. `ComputeResults` refuses a vote listing an index
/// `>= 16` (`types.KeyKeeperMaxKeyIndex`) before trying any decryption.
pub const KEY_SLOTS: u32 = 16;

/// A single sealed box that could not be opened or made.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SealedBoxError {
    /// Shorter than the 48-byte overhead, so it cannot be a sealed box at all.
    #[error("sealed box is {len} bytes, shorter than the {SEAL_OVERHEAD}-byte overhead")]
    TooShort {
        /// Length of the input.
        len: usize,
    },
    /// Authentication failed: wrong key, or the ciphertext was altered.
    #[error("sealed box does not open with this key (wrong key or altered ciphertext)")]
    OpenFailed,
    /// The AEAD refused to encrypt (only possible for absurdly long plaintexts).
    #[error("sealing failed")]
    SealFailed,
}

/// A layered vote package that could not be decrypted, located by key index and layer.
///
/// `position` is the place of the key index in the vote's `encryptionKeyIndexes` (0 = the
/// innermost layer, sealed first).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum LayeredOpenError {
    /// The vote lists a key index outside the 16 key slots; the node refuses the whole vote.
    #[error("encryptionKeyIndexes[{position}] = {index} is outside the {KEY_SLOTS} key slots")]
    IndexOutOfRange {
        /// The offending key index.
        index: u32,
        /// Its position in `encryptionKeyIndexes`.
        position: usize,
    },
    /// No private key was revealed for a listed index.
    #[error("encryptionKeyIndexes[{position}] = {index}: no private key revealed for this index")]
    NotRevealed {
        /// The key index.
        index: u32,
        /// Its position in `encryptionKeyIndexes`.
        position: usize,
    },
    /// The layer sealed to `index` did not open.
    #[error("layer {position} (key index {index}) does not open: {source}")]
    OpenFailed {
        /// The key index.
        index: u32,
        /// Its position in `encryptionKeyIndexes`.
        position: usize,
        /// Why the box did not open.
        source: SealedBoxError,
    },
}

/// The X25519 public key of `secret` (`curve25519.X25519(priv, Basepoint)` in the node).
///
/// The chain checks a revealed private key against the published public key this way
/// (`checkRevealProcessKeys`); an auditor repeats the check for every revealed index.
pub fn public_from_private(secret: &X25519Secret) -> X25519Public {
    *SecretKey::from_bytes(*secret).public_key().as_bytes()
}

/// Opens one anonymous sealed box addressed to the key pair of `secret`.
pub fn open(secret: &X25519Secret, sealed: &[u8]) -> Result<Vec<u8>, SealedBoxError> {
    Opener::new(secret).open(sealed)
}

/// A revealed private key ready to open many boxes, with its public key derived once.
/// crypto_box's `SecretKey::unseal` derives the recipient's public key again for every box (for
/// the nonce): a base-point multiplication per box on top of the one Diffie-Hellman the box
/// needs. An election's votes are all opened with the same few keys.
#[derive(Clone)]
pub struct Opener {
    secret: SecretKey,
    public: PublicKey,
}

impl Opener {
    pub fn new(secret: &X25519Secret) -> Self {
        let secret = SecretKey::from_bytes(*secret);
        let public = secret.public_key();
        Opener { secret, public }
    }

    /// The public key the secret derives (`curve25519.X25519(priv, Basepoint)`).
    pub fn public(&self) -> X25519Public {
        *self.public.as_bytes()
    }

    /// `crypto_box_seal_open`: the box's ephemeral public key with this secret gives the
    /// XSalsa20-Poly1305 key, and `blake2b-192(ephemeral_pk ‖ recipient_pk)` the nonce.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SealedBoxError> {
        if sealed.len() < SEAL_OVERHEAD {
            return Err(SealedBoxError::TooShort { len: sealed.len() });
        }
        let (ephemeral, boxed) = sealed.split_at(32);
        let mut ephemeral_pk = [0u8; 32];
        ephemeral_pk.copy_from_slice(ephemeral);
        let ephemeral_pk = PublicKey::from_bytes(ephemeral_pk);
        let nonce = blake2b_simd::Params::new()
            .hash_length(24)
            .to_state()
            .update(ephemeral_pk.as_bytes())
            .update(self.public.as_bytes())
            .finalize();
        SalsaBox::new(&ephemeral_pk, &self.secret)
            .decrypt(Nonce::from_slice(nonce.as_bytes()), boxed)
            .map_err(|_| SealedBoxError::OpenFailed)
    }
}

impl std::fmt::Debug for Opener {
    /// Never prints the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opener")
            .field("public", &hex::encode(self.public.as_bytes()))
            .finish_non_exhaustive()
    }
}

/// Seals `message` to `recipient`, drawing the 32-byte ephemeral private key from `rng`.
///
/// The ephemeral key is the only randomness, so a seeded `rng` makes the output reproducible
/// (the simulator relies on this).
pub fn seal<R: RngCore + CryptoRng>(
    rng: &mut R,
    recipient: &X25519Public,
    message: &[u8],
) -> Result<Vec<u8>, SealedBoxError> {
    PublicKey::from_bytes(*recipient)
        .seal(rng, message)
        .map_err(|_| SealedBoxError::SealFailed)
}

/// Seals `message` to several keys the way clients do (`apiclient/vote.go:
/// prepareVotePackageBytes`, `vocdoni-sdk:src/core/vote.ts`): sorted by ascending key index, the
/// lowest index seals first and each next key seals the previous ciphertext.
///
/// Returns the ciphertext and the `encryptionKeyIndexes` list to send with it (ascending).
pub fn seal_layers<R: RngCore + CryptoRng>(
    rng: &mut R,
    keys: &BTreeMap<u32, X25519Public>,
    message: &[u8],
) -> Result<(Vec<u8>, Vec<u32>), SealedBoxError> {
    let mut sealed = message.to_vec();
    for public in keys.values() {
        sealed = seal(rng, public, &sealed)?;
    }
    Ok((sealed, keys.keys().copied().collect()))
}

/// Decrypts a layered vote package as `ComputeResults` does: every listed index must be `< 16`
/// (checked for the whole list first), then the layers are opened in **reverse** order of
/// `key_indexes`, each with the private key revealed for that index.
///
/// An empty `key_indexes` returns `sealed` unchanged, as the node does; whether an encrypted
/// election's vote may list no key is a separate check (`VoteTxCheck` requires at least one).
pub fn open_layers(
    sealed: &[u8],
    key_indexes: &[u32],
    revealed: &BTreeMap<u32, Opener>,
) -> Result<Vec<u8>, LayeredOpenError> {
    if let Some((position, &index)) = key_indexes
        .iter()
        .enumerate()
        .find(|(_, &index)| index >= KEY_SLOTS)
    {
        return Err(LayeredOpenError::IndexOutOfRange { index, position });
    }
    let mut plain = sealed.to_vec();
    for (position, &index) in key_indexes.iter().enumerate().rev() {
        let opener = revealed
            .get(&index)
            .ok_or(LayeredOpenError::NotRevealed { index, position })?;
        plain = opener
            .open(&plain)
            .map_err(|source| LayeredOpenError::OpenFailed {
                index,
                position,
                source,
            })?;
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn wrong_key_and_tampering_fail() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let a = [1u8; 32];
        let b = [2u8; 32];
        let mut sealed = seal(&mut rng, &public_from_private(&a), b"vote").unwrap();
        assert_eq!(open(&a, &sealed).unwrap(), b"vote");
        assert_eq!(open(&b, &sealed), Err(SealedBoxError::OpenFailed));
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(open(&a, &sealed), Err(SealedBoxError::OpenFailed));
        assert_eq!(
            open(&a, &[0u8; 47]),
            Err(SealedBoxError::TooShort { len: 47 })
        );
    }
}
