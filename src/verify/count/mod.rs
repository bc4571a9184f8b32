//! Count checks: the numbers of votes the node publishes agree with each other, with the vote
//! list, and with the election's limits (vocdoni-node:vochain/transaction/vote_tx.go).

mod v_count_01_counts_agree;
mod v_count_02_no_duplicate;
mod v_count_03_overwrites;
mod v_count_04_census_size;

pub use v_count_01_counts_agree::CountsAgree;
pub use v_count_02_no_duplicate::NoDuplicate;
pub use v_count_03_overwrites::Overwrites;
pub use v_count_04_census_size::CensusSize;
