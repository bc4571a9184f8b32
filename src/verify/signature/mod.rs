//! Signature checks: signed votes recover to their voter
//! (vocdoni-node:crypto/ethereum/vocdoni_tx.go, vote template; EIP-191 over secp256k1).

mod v_sig_01_signature;

pub use v_sig_01_signature::Signature;
