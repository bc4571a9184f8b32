//! Anonymous (zk-SNARK) votes: the BN254 scalar field and its canonical decimal form, circomlib
//! Poseidon, the encodings of the census circuit's public inputs and the node's vote ids
//! (see the project's protocol notes, vochain-zk.md, for the sources).

pub mod batch;
pub mod field;
pub mod groth16;
pub mod inputs;
pub mod poseidon;
pub mod registry;
pub mod testcircuit;

pub use field::{parse_fr, parse_public_signals, FieldError, Fr};
pub use groth16::{Groth16Error, Proof, VerifyingKey};
pub use inputs::{bytes_to_arbo_split, hash_to_arbo_split, nullifier_bytes, vote_id};
pub use poseidon::{poseidon, poseidon_le, PoseidonError};
pub use registry::{CircuitKey, CircuitRegistry, KeyOrigin, SignalLayout};
