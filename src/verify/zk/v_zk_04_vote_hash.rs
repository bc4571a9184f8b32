//! V-ZK-04: the proof's voteHash signals are split(sha256(votePackage)) of the package the
//! envelope carries — the package the tally counts (vochain-zk.md §3.3–§3.5).
//!
//! The rule depends on when the vote was cast: clients before 2024-02-28 (SDK `331c2f8a`)
//! hashed the weight instead, which is accepted before that date; the SDK's BigInt round trip
//! drops the package's leading zero bytes, recognised and flagged (`warn`). Any other mismatch
//! fails. The node enforced the match from 2024-02-23 (`127c88b7`) and stopped on 2025-11-18
//! (`4f55c2aa`): since then a valid proof seen in the mempool can be replayed with another
//! package, and only an auditor can see it.

use super::{not_anonymous, proof_of};
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::{DerivedVote, Step, VoteHashRule};
use crate::verify::result::CheckResult;

/// 2024-02-23T00:00:00Z: the node starts comparing voteHash with the package (`127c88b7`).
const ENFORCED_FROM: i64 = 1_708_646_400;
/// 2024-02-28T00:00:00Z: the SDK hashes the package instead of the weight (`331c2f8a`).
const PACKAGE_RULE_FROM: i64 = 1_709_078_400;
/// 2025-11-18T00:00:00Z: the node stops comparing them (`4f55c2aa`).
const UNCHECKED_FROM: i64 = 1_763_424_000;

pub struct VoteHashBound;

impl ElectionCheck for VoteHashBound {
    fn id(&self) -> &'static str {
        "V-ZK-04"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let Some(zk) = proof_of(ctx, vote, out) else {
            return;
        };
        // Without a block time the vote is judged by the current rule.
        let time = match vote.time {
            Step::Done(t) => t,
            _ => i64::MAX,
        };
        let at = vote.location.clone();
        match &zk.vote_hash {
            VoteHashRule::Package => out.pass(),
            VoteHashRule::LegacyWeight if time < PACKAGE_RULE_FROM => out.pass(),
            VoteHashRule::PackageWithoutLeadingZeros => out.add(
                Level::Warn,
                at,
                "voteHash is the hash of the package without its leading zero bytes: the \
                 JavaScript SDK's known quirk (BigInt round trip), not the exact package bytes",
                None,
                None,
            ),
            VoteHashRule::LegacyWeight | VoteHashRule::Mismatch { .. } if time < ENFORCED_FROM => {
                out.add(
                    Level::Warn,
                    at,
                    "cannot verify: the voteHash is neither the package's nor the weight's hash, \
                     and the node did not check it before 2024-02-23",
                    None,
                    None,
                )
            }
            rule => {
                let then = if time < UNCHECKED_FROM {
                    "; when this vote was cast it did (from 2024-02-23), and should have refused it"
                } else {
                    ""
                };
                let actual = match rule {
                    VoteHashRule::Mismatch { package_sha256 } => Some(package_sha256.clone()),
                    _ => Some("the hash of the weight (legacy rule, after 2024-02-28)".into()),
                };
                out.add(
                    Level::Fail,
                    at,
                    format!(
                        "the proof's voteHash is not split(sha256(votePackage)) of the package \
                         counted, so the package counted may not be the one the voter proved (a \
                         valid proof replayed with another package): the chain no longer checks \
                         this (vocdoni-node 4f55c2aa, 2025-11-18){then}"
                    ),
                    Some("split(sha256(votePackage)) in the voteHash signals".into()),
                    actual.map(|h| format!("votePackage sha256 {h}")),
                );
            }
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        if let Some(s) = not_anonymous(ctx, &self.info()) {
            return s;
        }
        out.conclude(
            &self.info(),
            "voteHash signals compared with sha256 of each envelope's votePackage",
        )
    }
}
