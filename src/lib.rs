//! vocaudit — an independent verifier of Vocdoni (Vochain) election results.
//!
//! Data flows one way: [`fetch`] pulls everything a node, the SaaS API and IPFS publish into an
//! evidence [`bundle`]; [`verify`] recomputes and cross-checks it into an
//! [`verify::result::AuditResult`]; [`report`] renders that result. [`protocol`] holds the pure
//! primitives (hashes, arbo, ballots, tally, signatures, transactions) and [`sim`] builds
//! synthetic elections served by a loopback node for tests and the demo. [`audit`] chains the
//! stages, [`watch`] follows a live election and [`receipt`] checks one voter's vote.
//!
//! A whole audit from a script (here against the simulator's loopback node):
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use vocaudit::{audit, fetch, sim};
//!
//! let world = sim::scenario("weighted-encrypted", 10, 1).unwrap();
//! let server = sim::serve_local(&world, sim::FaultPlan::none()).await.unwrap();
//! let election = world.elections.keys().next().unwrap().clone();
//!
//! let out = tempfile::tempdir().unwrap();
//! let mut config = fetch::FetchConfig::new(
//!     server.node_url().parse().unwrap(),
//!     fetch::Target::Election(election),
//!     out.path().join("bundle"),
//! );
//! config.ipfs_gateways = vec![server.base_url().parse().unwrap()]; // the census dump
//! config.quiet = true;
//! let run = audit::audit(config, out.path(), &audit::AuditOptions::default())
//!     .await
//!     .unwrap();
//!
//! assert_eq!(run.result.exit_code(), 0); // 0 pass, 1 a check failed, 2 incomplete
//! for check in run.result.all_checks() {
//!     println!("{} {:?} {}", check.id, check.status, check.message);
//! }
//! # });
//! ```

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
