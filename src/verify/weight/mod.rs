//! Weight checks: the weight the node stored for each vote (`StateDBVote.Weight`, the API's
//! `weight`) is the weight its census proof grants (vochain-api.md §2.6).

mod v_weight_01_weight;

pub use v_weight_01_weight::Weight;
