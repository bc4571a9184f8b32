//! Ballot checks: each vote's last envelope decoded and validated as the node's tally does
//! (vocdoni-node:vochain/results: `unmarshalVote`, `(*Results).AddVote`).

mod v_ballot_01_validated;
mod v_ballot_02_safe_range;

pub use v_ballot_01_validated::Validated;
pub use v_ballot_02_safe_range::SafeRange;
