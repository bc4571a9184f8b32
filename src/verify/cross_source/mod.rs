//! Cross-source checks: what the Vocdoni SaaS API says about a process agrees with the chain
//! (saas-api.md §2: the SaaS passes the chain's values through, `questionResultsFromElection`).

mod v_cross_01_questions;
mod v_cross_02_saas_matches_chain;
mod v_cross_03_census_numbers;

pub use v_cross_01_questions::questions_on_chain;
pub use v_cross_02_saas_matches_chain::SaasMatchesChain;
pub use v_cross_03_census_numbers::CensusNumbers;
