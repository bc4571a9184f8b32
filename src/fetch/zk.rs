//! What the node says about its zk circuit and SIK roots, for anonymous elections.
//!
//! `GET /chain/info/circuit` (`circuit.Config`: version, levels, the verifying key's sha256) is
//! stored as `chain/circuit.json` so the verifier can compare the circuit the node claims with
//! the keys it holds; the key itself is never fetched nor trusted. `GET /siks/roots` (the SIK
//! roots valid *now*, vochain-zk.md §2.4) is stored as `chain/siks-roots.json`: API v2 keeps no
//! past roots, so this is all the node serves about them. Both are stored whatever the node
//! answered; a node that lacks a route is no gap (no check depends on them alone), and one that
//! cannot be reached for them leaves them out rather than failing the fetch.

use super::Ctx;
use crate::fetch::FetchError;

/// Fetches and stores `chain/circuit.json` and `chain/siks-roots.json`.
pub(crate) async fn circuit_evidence(ctx: &Ctx) -> Result<(), FetchError> {
    for (route, path) in [
        ("chain/info/circuit", "chain/circuit.json"),
        ("siks/roots", "chain/siks-roots.json"),
    ] {
        let url = format!("{}/{route}", ctx.node);
        if let Ok(outcome) = ctx.get(&url).await {
            ctx.store.put(path, outcome.into_response()).await?;
        }
    }
    Ok(())
}
