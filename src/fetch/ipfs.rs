//! IPFS objects an election points to, through path-style gateways (`{gw}/ipfs/{cid}`), trying
//! each configured gateway in turn. Only arbo censuses (`OFF_CHAIN_TREE*`) publish their dump at
//! `censusURL` (`vocdoni/vocdoni-node:api/censusdb/censusdb.go`); CSP censuses point at a service.

use crate::api::node::Election;

use super::http::Outcome;
use super::{Ctx, FetchError};

/// Census origins whose `censusURL` is an IPFS census dump.
const ARBO_ORIGINS: &[&str] = &["OFF_CHAIN_TREE", "OFF_CHAIN_TREE_WEIGHTED"];

/// The CID of an `ipfs://CID[/…]` URL, when it is one and the CID is a plain base-encoded
/// string (so it is safe as a bundle file name).
pub(crate) fn cid_of(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("ipfs://")?;
    let cid = rest.split('/').next()?;
    (!cid.is_empty() && cid.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(cid)
}

/// Stores the census dump as `census/{cid}`, or records a gap naming every gateway tried:
/// `census-unavailable` when a gateway answered without it, `census-unreachable` when none
/// could be asked (so nothing is proven about the census either way).
pub(crate) async fn census(ctx: &Ctx, election: &Election) -> Result<(), FetchError> {
    let census = &election.census;
    if !ARBO_ORIGINS.contains(&census.census_origin.as_str()) {
        return Ok(());
    }
    let Some(cid) = cid_of(&census.census_url) else {
        ctx.store
            .gap(
                "census-unavailable",
                format!(
                    "election {}: censusURL {:?} is not an ipfs:// CID",
                    election.election_id, census.census_url
                ),
            )
            .await?;
        return Ok(());
    };
    object(
        ctx,
        &election.election_id,
        cid,
        &format!("census/{cid}"),
        "census",
    )
    .await
}

/// Stores IPFS object `cid` as `path` from the first gateway that has it, or records a gap
/// naming every gateway tried: `{what}-unavailable` when a gateway answered without it,
/// `{what}-unreachable` when none could be asked (so nothing is proven either way).
pub(crate) async fn object(
    ctx: &Ctx,
    election_id: &str,
    cid: &str,
    path: &str,
    what: &str,
) -> Result<(), FetchError> {
    let urls: Vec<String> = ctx
        .gateways
        .iter()
        .map(|gw| format!("{gw}/ipfs/{cid}"))
        .collect();
    if ctx.store.has(urls.clone()).await?.contains(&true) {
        return Ok(());
    }
    let mut tried = Vec::new();
    let mut answered = false;
    for url in urls {
        match ctx.get(&url).await {
            Ok(Outcome::Ok(r)) => {
                ctx.store.put(path.to_string(), r).await?;
                return Ok(());
            }
            Ok(other) => {
                answered = true;
                tried.push(format!("{url}: {}", other.response().describe()));
            }
            Err(e) => tried.push(e.to_string()),
        }
    }
    if tried.is_empty() {
        tried.push("no IPFS gateway configured".into());
    }
    let kind = if answered {
        format!("{what}-unavailable")
    } else {
        format!("{what}-unreachable")
    };
    ctx.store
        .gap(
            &kind,
            format!(
                "election {election_id}: {what} {cid} not obtained: {}",
                tried.join("; ")
            ),
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::cid_of;

    #[test]
    fn cids_are_plain_names() {
        assert_eq!(cid_of("ipfs://bafyabc"), Some("bafyabc"));
        assert_eq!(cid_of("ipfs://Qm12/dump.json"), Some("Qm12"));
        assert_eq!(cid_of("ipfs://../etc"), None);
        assert_eq!(cid_of("https://x/ipfs/Qm"), None);
        assert_eq!(cid_of("ipfs://"), None);
    }
}
