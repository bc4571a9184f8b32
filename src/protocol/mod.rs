//! Pure protocol primitives, no I/O: each mirrors one piece of vocdoni-node bit for bit and is
//! checked against the vectors in `tests/vectors/`.

pub mod abi;
pub mod arbo;
pub mod ballot;
pub mod csp;
pub mod gojson;
pub mod hash;
pub mod hex_bytes;
pub mod identity;
pub mod process_id;
pub mod proto;
pub mod sealed_box;
pub mod tally;
pub mod tx;
pub mod unixfs;
pub mod zk;
