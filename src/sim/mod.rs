//! Synthetic elections served by a loopback Vocdoni node, for tests and `vocaudit demo`.
//!
//! A [`world::World`] holds what a node (`vocdoni/vocdoni-node` API v2), a SaaS backend
//! (`vocdoni/saas-backend`) and an IPFS gateway publish; [`server::serve`] answers their routes
//! from it on 127.0.0.1 with the node's statuses, error codes and framing, and
//! [`faults::FaultPlan`] injects latency, throttling, errors, resets and broken bodies, and
//! [`hostile`] the answers of a hostile node (huge, nested, non-UTF-8, redirected, equivocating).

pub mod faults;
pub mod generate;
pub mod history;
pub mod hostile;
pub mod live;
pub mod scenario;
pub mod server;
pub mod tamper;
pub mod world;

use std::net::SocketAddr;

use thiserror::Error;

pub use faults::{FaultKind, FaultParseError, FaultPlan, FaultRule, Scope, Trigger};
pub use generate::{generate, GenError, WorldSpec};
pub use hostile::Hostile;
pub use live::envelopes_in_chain_order;
pub use scenario::{scenario, scenarios, ScenarioError, ScenarioInfo};
pub use server::{serve, serve_local, SimServer, ROUTE_NAMES};
pub use tamper::{apply_tamper, tampers, AppliedTamper, TamperError, TamperInfo};
pub use world::{LiveStage, LiveVotes, SaasProcess, SimElection, StageTrigger, World};

/// Failures of building or serving a simulated world.
#[derive(Debug, Error)]
pub enum SimError {
    #[error("invalid {what} `{id}` (expected 64 hex characters)")]
    InvalidId { what: &'static str, id: String },
    #[error("duplicate {what} `{id}` in the world")]
    Duplicate { what: &'static str, id: String },
    #[error("transaction {hash}: not a vote envelope the simulator can replay: {reason}")]
    Envelope { hash: String, reason: String },
    #[error("serialising the world: {0}")]
    Serialize(#[source] serde_json::Error),
    #[error("binding the simulated node to {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("simulated node stopped with an error: {0}")]
    Server(#[source] std::io::Error),
    #[error("simulated node task panicked or was cancelled")]
    Join,
}
