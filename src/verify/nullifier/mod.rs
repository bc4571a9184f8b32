//! Nullifier checks: a signed vote's id is `keccak256(address ‖ processId)`
//! (vocdoni-node:vochain/state: `GenerateNullifier`) and its envelope names the election.

mod v_null_01_nullifier;

pub use v_null_01_nullifier::Nullifier;
