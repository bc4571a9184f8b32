//! Census checks: every vote was entitled to vote — an arbo Merkle proof against the census
//! root (vocdoni-node:vochain/transaction/proofs/arboproof) or a CSP signature
//! (…/proofs/cspproof) — and the published census dump rebuilds the root.

mod v_census_01_dump_root;
mod v_census_02_merkle_proofs;
mod v_census_03_csp_proofs;
mod v_census_04_csp_salt;
mod v_census_05_eligibility_checked;

pub use v_census_01_dump_root::DumpRoot;
pub use v_census_02_merkle_proofs::MerkleProofs;
pub use v_census_03_csp_proofs::CspProofs;
pub use v_census_04_csp_salt::CspSalt;
pub use v_census_05_eligibility_checked::{unchecked_eligibility, EligibilityChecked};
