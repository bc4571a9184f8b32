//! vocaudit — an independent verifier of Vocdoni (Vochain) election results.
//!
//! Data flows one way: [`fetch`] pulls everything a node, the SaaS API and IPFS publish into an
//! evidence [`bundle`]; [`verify`] recomputes and cross-checks it into an
//! [`verify::result::AuditResult`]; [`report`] renders that result. [`protocol`] holds the pure
//! primitives (hashes, arbo, ballots, tally, signatures, transactions) and [`sim`] builds
//! synthetic elections served by a loopback node for tests and the demo.

pub mod api;
pub mod audit;
pub mod bench;
pub mod bundle;
pub mod fetch;
pub mod protocol;
pub mod receipt;
pub mod report;
pub mod sim;
pub mod verify;
pub mod watch;
