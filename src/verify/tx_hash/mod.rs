//! Transaction-hash checks: the published txHash is the sha256 of the SignedTx bytes
//! (vocdoni-node:vochain/transaction/vochaintx: `TxKey`, CometBFT `Tx.Key`).

mod v_txhash_01_tx_hash;

pub use v_txhash_01_tx_hash::TxHash;
