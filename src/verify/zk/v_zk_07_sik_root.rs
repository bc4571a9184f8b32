//! V-ZK-07: the proof's sikRoot. A vote is valid only if its sikRoot was among the SIK-tree
//! roots the node kept for the last 32 blocks when it was cast (vote_tx.go `ExpiredSIKRoot`), a
//! set kept outside consensus and not published by API v2 (`/siks/roots` lists the currently
//! valid roots only). That cannot be checked offline, so this check is an explicit skip that
//! says so, with what the evidence shows: how many votes, how many distinct roots.

use super::not_anonymous;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Remarks};
use crate::verify::context::{normal_hex, ElectionContext};
use crate::verify::result::CheckResult;

pub struct SikRoot;

impl ElectionCheck for SikRoot {
    fn id(&self) -> &'static str {
        "V-ZK-07"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, _out: Remarks) -> CheckResult {
        if let Some(s) = not_anonymous(ctx, &self.info()) {
            return s;
        }
        // What the node served at fetch time: the roots valid *then*, which says nothing about
        // the roots valid when a vote was cast unless the fetch was within 32 blocks of it.
        let now = match &ctx.zk_chain.sik_roots {
            Some(roots) => {
                let served: Vec<String> = roots.iter().map(|r| normal_hex(r)).collect();
                let named = agg
                    .zk_sik_roots
                    .iter()
                    .filter(|r| served.contains(&hex::encode(r)))
                    .count();
                format!(
                    "; {named} of them among the {} roots /siks/roots listed as valid at fetch time",
                    served.len()
                )
            }
            None => String::new(),
        };
        skip(
            &self.info(),
            format!(
                "cannot be checked offline: the SIK roots valid when each vote was cast are kept \
                 only in the node's non-consensus store for 32 blocks and API v2 does not publish \
                 them; the validators checked them (vote_tx.go ExpiredSIKRoot). {} proofs name {} \
                 distinct SIK root(s); census membership itself is proven against censusRoot \
                 (V-ZK-01, V-ZK-03){now}",
                agg.zk_proofs,
                agg.zk_sik_roots.len()
            ),
        )
    }
}
