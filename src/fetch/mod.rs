//! Fetching: pulls what a Vocdoni node (API v2), the SaaS API and IPFS gateways publish about an
//! election into an evidence [`crate::bundle`]. It records and never judges: an incomplete answer
//! becomes a bundle gap, and fetch fails only when the data cannot be obtained at all.
//!
//! [`http`] is the transport (shared client, bounded concurrency, retries honouring
//! `Retry-After`, typed outcomes for the node's error bodies, redacted bearer tokens);
//! [`progress`] is the progress display the crawler drives.

pub mod http;
pub mod progress;
