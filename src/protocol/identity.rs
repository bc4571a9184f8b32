//! Voter identity on the Vochain: EIP-191 hashing, secp256k1 signatures in Ethereum's 65-byte
//! `r‖s‖v` form, public-key recovery, addresses, the VOTE transaction's signed message and the
//! nullifier. Mirrors `vocdoni/vocdoni-node:crypto/ethereum/ethereum.go` (`Hash`,
//! `PubKeyFromSignature`), `crypto/ethereum/vocdoni_tx.go` and `vochain/state/utils.go`
//! (`GenerateNullifier`).

use k256::ecdsa::{RecoveryId, Signature, SigningKey};
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::PublicKey;
use thiserror::Error;

use crate::protocol::hash::{keccak256, Address, Hash32};
use crate::protocol::proto::{ProcessStatus, ProtoEnum, Tx, TxPayload, TxType};

/// Length of an Ethereum signature `r[32] ‖ s[32] ‖ v[1]`.
pub const SIGNATURE_LEN: usize = 65;

/// A signature that cannot be used for recovery, or a key that cannot sign.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// Not 65 bytes. (`PubKeyFromSignature` lets 65..=77 bytes through its own check, but
    /// go-ethereum's `Ecrecover` then refuses anything but 65.)
    #[error("signature is {len} bytes, expected {SIGNATURE_LEN}")]
    WrongLength {
        /// Length of the input.
        len: usize,
    },
    /// `v` is not one of 0, 1, 27, 28.
    #[error("signature recovery byte v = {v} is not 0, 1, 27 or 28")]
    BadRecoveryByte {
        /// The offending byte.
        v: u8,
    },
    /// `r` or `s` is zero or not below the curve order.
    #[error("signature r or s is zero or not below the secp256k1 order")]
    ScalarOutOfRange,
    /// No public key recovers from this signature and hash (`r` is not the x of a curve point,
    /// or the result is the point at infinity).
    #[error("no public key recovers from this signature")]
    NotRecoverable,
    /// A private key that is zero or not below the curve order.
    #[error("secp256k1 private key is zero or not below the curve order")]
    InvalidSecretKey,
    /// The signer refused to sign (a degenerate nonce; never seen in practice).
    #[error("signing failed")]
    SigningFailed,
}

/// Bytes that are not a secp256k1 public key in SEC1 form.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PublicKeyError {
    /// Neither 33 (compressed) nor 65 (uncompressed) bytes.
    #[error("public key is {len} bytes, expected 33 (compressed) or 65 (uncompressed)")]
    WrongLength {
        /// Length of the input.
        len: usize,
    },
    /// Right length, but the prefix byte is wrong or the point is not on secp256k1.
    #[error("public key is not a point on secp256k1")]
    NotOnCurve,
}

/// The EIP-191 hash the node signs and recovers against:
/// `keccak256("\x19Ethereum Signed Message:\n" ‖ decimal(len(message)) ‖ message)`.
pub fn eip191_hash(message: &[u8]) -> Hash32 {
    let len = message.len().to_string();
    keccak256(&[b"\x19Ethereum Signed Message:\n", len.as_bytes(), message])
}

/// A parsed 65-byte `r ‖ s ‖ v` signature, ready for recovery.
///
/// Accepted exactly as go-ethereum's `Ecrecover` (behind vocdoni's `PubKeyFromSignature`) accepts
/// it: `v` ∈ {0, 1} or {27, 28} (the node subtracts 27), `r` and `s` in `[1, n-1]`, and **high-s
/// values allowed** — libsecp256k1's recovery and decred's `RecoverCompact` do not enforce low-s
/// (only `VerifySignature` does). A high-s signature recovers the same key as its low-s twin
/// `(r, n-s, v^1)`; it is stored normalised and flagged by [`Signature65::is_high_s`], which a
/// verifier may report (it is a malleated form: another txHash, same voter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature65 {
    low_s: Signature,
    recovery_id: RecoveryId,
    high_s: bool,
}

impl Signature65 {
    /// Parses `r[32] ‖ s[32] ‖ v[1]`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SignatureError> {
        let [rs @ .., v] = <[u8; SIGNATURE_LEN]>::try_from(bytes)
            .map_err(|_| SignatureError::WrongLength { len: bytes.len() })?;
        let y_odd = match v {
            0 | 27 => false,
            1 | 28 => true,
            _ => return Err(SignatureError::BadRecoveryByte { v }),
        };
        let sig = Signature::from_slice(&rs).map_err(|_| SignatureError::ScalarOutOfRange)?;
        let (low_s, high_s, y_odd) = match sig.normalize_s() {
            Some(normalised) => (normalised, true, !y_odd),
            None => (sig, false, y_odd),
        };
        Ok(Self {
            low_s,
            recovery_id: RecoveryId::new(y_odd, false),
            high_s,
        })
    }

    /// Whether the signature as sent had `s > n/2` (see the type's documentation).
    pub fn is_high_s(&self) -> bool {
        self.high_s
    }

    /// Recovers the signer's public key from a 32-byte message hash.
    ///
    /// Recovery runs in libsecp256k1 (the `secp256k1` crate, the library go-ethereum's
    /// `Ecrecover` itself wraps): it is the verifier's hot path — one or two recoveries per vote
    /// — and libsecp256k1's variable-time recovery is ~5× faster than k256's constant-time one
    /// (measured: 29.5 µs against 145 µs per recovery). Secrets are never involved, so constant
    /// time buys nothing here. The key is handed back as a k256 [`PublicKey`], the type the rest
    /// of the crate computes with.
    pub fn recover(&self, hash: &Hash32) -> Result<PublicKey, SignatureError> {
        let recovery_id =
            secp256k1::ecdsa::RecoveryId::try_from(i32::from(self.recovery_id.to_byte()))
                .map_err(|_| SignatureError::NotRecoverable)?;
        let signature = secp256k1::ecdsa::RecoverableSignature::from_compact(
            &self.low_s.to_bytes(),
            recovery_id,
        )
        .map_err(|_| SignatureError::NotRecoverable)?;
        let key = secp256k1::SECP256K1
            .recover_ecdsa(&secp256k1::Message::from_digest(*hash), &signature)
            .map_err(|_| SignatureError::NotRecoverable)?;
        PublicKey::from_sec1_bytes(&key.serialize_uncompressed())
            .map_err(|_| SignatureError::NotRecoverable)
    }
}

/// `PubKeyFromSignature(message, signature)`: recovers the key that signed the EIP-191 hash of
/// `message`.
pub fn recover_eip191(message: &[u8], signature: &[u8]) -> Result<PublicKey, SignatureError> {
    Signature65::from_bytes(signature)?.recover(&eip191_hash(message))
}

/// Parses a SEC1 public key: 33-byte compressed (`02|03 ‖ X`) or 65-byte uncompressed
/// (`04 ‖ X ‖ Y`), the two forms go-ethereum's `DecompressPubkey`/`UnmarshalPubkey` take.
pub fn parse_public_key(bytes: &[u8]) -> Result<PublicKey, PublicKeyError> {
    let prefix_ok = match (bytes.len(), bytes.first()) {
        (33, Some(0x02 | 0x03)) | (65, Some(0x04)) => true,
        (33 | 65, _) => false,
        (len, _) => return Err(PublicKeyError::WrongLength { len }),
    };
    if !prefix_ok {
        return Err(PublicKeyError::NotOnCurve);
    }
    PublicKey::from_sec1_bytes(bytes).map_err(|_| PublicKeyError::NotOnCurve)
}

/// The 33-byte compressed form `02|03 ‖ X` (the voter's key in `VoterID`, a CSP census root).
pub fn compressed(public: &PublicKey) -> [u8; 33] {
    let mut out = [0u8; 33];
    out.copy_from_slice(public.to_encoded_point(true).as_bytes());
    out
}

/// The 65-byte uncompressed form `04 ‖ X ‖ Y` (go-ethereum `FromECDSAPub`).
pub fn uncompressed(public: &PublicKey) -> [u8; 65] {
    let mut out = [0u8; 65];
    out.copy_from_slice(public.to_encoded_point(false).as_bytes());
    out
}

/// The Ethereum address of a key: the last 20 bytes of `keccak256(X ‖ Y)`.
pub fn address_of(public: &PublicKey) -> Address {
    let point = uncompressed(public);
    let hash = keccak256(&[&point[1..]]);
    let mut address = [0u8; 20];
    address.copy_from_slice(&hash[12..]);
    address
}

/// The text a voter signs for a VOTE transaction (`BuildVocdoniProtoTxMessage`):
/// process id and `keccak256(tx_bytes)` as lowercase hex without `0x`, then the chain id
/// (e.g. `vocdoni/LTS/1.2`). `tx_bytes` is `SignedTx.tx` exactly as it was sent.
pub fn vote_tx_message(process_id: &Hash32, tx_bytes: &[u8], chain_id: &str) -> String {
    format!(
        "You are signing a Vocdoni transaction of type VOTE for process ID {}.\n\n\
         The hash of this transaction is {} and the destination chain is {}.",
        hex::encode(process_id),
        hex::encode(keccak256(&[tx_bytes])),
        chain_id
    )
}

/// The text signed for any transaction (`BuildVocdoniProtoTxMessage`): the VOTE, NEW_PROCESS and
/// SET_PROCESS_* templates, and `Vocdoni signed transaction:\n{chain}\n{hash}` for the rest
/// (admin transactions: key additions and reveals). Hex is lowercase without `0x`; a status is
/// its enum name lower-cased (`ended`), another SET_PROCESS type its enum name. `tx_bytes` is
/// `SignedTx.tx` exactly as it was sent.
pub fn tx_message(tx: &Tx, tx_bytes: &[u8], chain_id: &str) -> String {
    let hash = hex::encode(keccak256(&[tx_bytes]));
    let tail = format!(
        "\n\nThe hash of this transaction is {hash} and the destination chain is {chain_id}."
    );
    let typed =
        |what: String| format!("You are signing a Vocdoni transaction of type {what}.{tail}");
    match &tx.payload {
        Some(TxPayload::Vote(v)) => typed(format!(
            "VOTE for process ID {}",
            hex::encode(&v.process_id)
        )),
        Some(TxPayload::NewProcess(_)) => typed("NEW_PROCESS".to_string()),
        Some(TxPayload::SetProcess(s)) => {
            let pid = hex::encode(&s.process_id);
            match TxType::try_from(s.txtype) {
                Ok(TxType::SetProcessCensus) => typed(format!(
                    "SET_PROCESS_CENSUS for process ID {pid} and census {}",
                    hex::encode(s.census_root.as_deref().unwrap_or_default())
                )),
                Ok(TxType::SetProcessStatus) => {
                    let status = ProcessStatus::name_of(s.status.unwrap_or_default())
                        .map_or_else(|| s.status.unwrap_or_default().to_string(), str::to_string);
                    typed(format!(
                        "SET_PROCESS_STATUS for process ID {pid} and status {}",
                        status.to_lowercase()
                    ))
                }
                _ => {
                    let name = TxType::name_of(s.txtype)
                        .map_or_else(|| s.txtype.to_string(), str::to_string);
                    typed(format!("SET_PROCESS/{name} with process ID {pid}"))
                }
            }
        }
        _ => format!("Vocdoni signed transaction:\n{chain_id}\n{hash}"),
    }
}

/// The nullifier (= vote id) of a signed vote: `keccak256(address[20] ‖ processId[32])`.
pub fn nullifier(address: &Address, process_id: &Hash32) -> Hash32 {
    keccak256(&[address, process_id])
}

/// A secp256k1 signing key from its 32 raw bytes.
pub fn signing_key(secret: &[u8; 32]) -> Result<SigningKey, SignatureError> {
    SigningKey::from_bytes(secret.into()).map_err(|_| SignatureError::InvalidSecretKey)
}

/// Signs a 32-byte hash like go-ethereum's `crypto.Sign`: deterministic RFC 6979 nonce, low-s,
/// `v` ∈ {0, 1}.
pub fn sign_prehash(key: &SigningKey, hash: &Hash32) -> Result<[u8; 65], SignatureError> {
    let (sig, recovery_id) = key
        .sign_prehash_recoverable(hash)
        .map_err(|_| SignatureError::SigningFailed)?;
    let mut out = [0u8; 65];
    out[..64].copy_from_slice(&sig.to_bytes());
    out[64] = recovery_id.to_byte();
    Ok(out)
}

/// Signs the EIP-191 hash of `message` (`SignKeys.SignEthereum`).
pub fn sign_eip191(key: &SigningKey, message: &[u8]) -> Result<[u8; 65], SignatureError> {
    sign_prehash(key, &eip191_hash(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_s_recovers_the_same_key() {
        let key = signing_key(&[7u8; 32]).unwrap();
        let hash = eip191_hash(b"m");
        let low = sign_prehash(&key, &hash).unwrap();
        // s' = n - s, v' = v ^ 1
        let sig = Signature::from_slice(&low[..64]).unwrap();
        let (r, s) = sig.split_scalars();
        let high = Signature::from_scalars((*r).to_bytes(), (-*s).to_bytes()).unwrap();
        let mut bytes = [0u8; 65];
        bytes[..64].copy_from_slice(&high.to_bytes());
        bytes[64] = (low[64] ^ 1) + 27;
        let parsed = Signature65::from_bytes(&bytes).unwrap();
        assert!(parsed.is_high_s());
        assert!(!Signature65::from_bytes(&low).unwrap().is_high_s());
        assert_eq!(
            parsed.recover(&hash).unwrap(),
            PublicKey::from(key.verifying_key())
        );
    }
}
