//! V-HIST-04: metadata integrity. No transaction changes an election's metadata (vochain-api.md
//! §5.4): NEW_PROCESS sets the URI once, so it must be the election's `metadataURL`, and the
//! document fetched from IPFS must hash to the CID in it (the UnixFS file rebuilt as `ipfs add`
//! and the node's `data/ipfs/cid.go` chunk it; CIDs compared by multihash, as `CIDequals` does).
//! Per document, as Vocdoni's report words it: `verified`, `mismatch`, `unrecorded` (no CID to
//! check against) or `unreachable`. A metadata history route (`/elections/{id}/metadata/history`,
//! served by newer gateways, not by vocdoni-node `8e2adfd0`) is reported when present; its
//! versions are not modelled yet, so they are flagged for review rather than judged.

use crate::protocol::unixfs::{Cid, CidCheck};
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::{CheckResult, Location};

pub struct MetadataIntegrity;

impl ElectionCheck for MetadataIntegrity {
    fn id(&self) -> &'static str {
        "V-HIST-04"
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let h = &ctx.history;
        let url = ctx.election.metadata_url.as_str();
        let cid = Cid::parse(url);
        let word = match (&cid, &h.metadata) {
            (Err(e), _) => {
                out.add(
                    Level::Note,
                    ctx.at(),
                    format!("unrecorded: metadataURL {url:?} names no CID to check the document against ({e})"),
                    None,
                    None,
                );
                "unrecorded"
            }
            (Ok(_), None) => {
                out.add(
                    Level::Note,
                    ctx.at(),
                    "not checked: the metadata document was not fetched",
                    None,
                    None,
                );
                "not fetched"
            }
            (Ok(_), Some(Err(why))) => {
                out.add(
                    Level::Warn,
                    ctx.at(),
                    format!("unreachable: {why}"),
                    None,
                    None,
                );
                "unreachable"
            }
            (Ok(cid), Some(Ok(bytes))) => match cid.check(bytes) {
                CidCheck::Matches => {
                    out.pass();
                    "verified"
                }
                CidCheck::Differs { computed } => {
                    out.add(
                        Level::Fail,
                        ctx.at(),
                        "mismatch: the metadata document served does not hash to the CID in metadataURL",
                        Some(url.to_string()),
                        Some(format!("sha256 of the dag-pb/raw block {}", hex::encode(computed))),
                    );
                    "mismatch"
                }
                CidCheck::CannotReproduce { computed } => {
                    out.add(
                        Level::Warn,
                        ctx.at(),
                        "cannot verify: the document spans several chunks and its DAG was not reproduced",
                        Some(url.to_string()),
                        Some(hex::encode(computed)),
                    );
                    "cannot verify"
                }
            },
        };
        // NEW_PROCESS set the URI the election must still show.
        if let Some((e, p)) = h.created() {
            let created = p.metadata.as_deref().unwrap_or_default();
            let same = match (Cid::parse(created), &cid) {
                (Ok(a), Ok(b)) => a.digest == b.digest,
                _ => created == url,
            };
            if same {
                out.pass();
            } else {
                out.add(
                    Level::Fail,
                    Location {
                        tx_hash: Some(e.hash.clone()),
                        ..ctx.at()
                    },
                    "the metadata URI NEW_PROCESS set is not the election's metadataURL (no transaction changes it)",
                    Some(created.to_string()),
                    Some(url.to_string()),
                );
            }
        }
        if h.metadata_history.is_some() {
            out.add(
                Level::Warn,
                ctx.at(),
                "the node serves a metadata history; its versions are not verified by this version of vocaudit",
                None,
                None,
            );
        }
        out.conclude(&self.info(), format!("metadata document {word}"))
    }
}
