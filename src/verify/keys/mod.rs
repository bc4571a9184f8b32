//! Key checks for encrypted elections (vochain-api.md §3): the revealed keys are the published
//! ones, every vote's keys were revealed, and decrypting the transaction gives what the node
//! served.

mod v_keys_01_revealed_keys;
mod v_keys_02_indexes_revealed;
mod v_keys_03_decryption_matches;

pub use v_keys_01_revealed_keys::RevealedKeys;
pub use v_keys_02_indexes_revealed::IndexesRevealed;
pub use v_keys_03_decryption_matches::DecryptionMatches;
