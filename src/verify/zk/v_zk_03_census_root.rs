//! V-ZK-03: the proof's censusRoot signal, as the 32 little-endian bytes the process stores, is
//! the election's census root (vote_tx.go since 2024-02-07); for a dynamic census whose history
//! was read, the root in force at the vote's height (NEW_PROCESS, then each SET_PROCESS_CENSUS).

use super::{not_anonymous, proof_of};
use crate::protocol::zk::inputs::fr_to_root;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::history::EventKind;
use crate::verify::result::CheckResult;

pub struct CensusRootBound;

/// The census root in force at `height` by the election's history, when it was read.
fn root_at(ctx: &ElectionContext, height: u64) -> Option<Vec<u8>> {
    if !ctx.history.listed || height == 0 {
        return None;
    }
    ctx.history
        .events
        .iter()
        .rev()
        .filter(|e| e.height <= height)
        .find_map(|e| match &e.kind {
            EventKind::Created(p) => Some(p.census_root.clone()),
            EventKind::Census { root, .. } => Some(root.clone()),
            _ => None,
        })
}

impl ElectionCheck for CensusRootBound {
    fn id(&self) -> &'static str {
        "V-ZK-03"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let Some(zk) = proof_of(ctx, vote, out) else {
            return;
        };
        let proved = fr_to_root(&zk.signal(zk.layout.indices().census_root));
        let current = match &ctx.census_root {
            Ok(r) => r,
            Err(e) => {
                out.add(
                    Level::Fail,
                    vote.location.clone(),
                    e.clone(),
                    None,
                    Some(hex::encode(proved)),
                );
                return;
            }
        };
        if proved == *current {
            out.pass();
            return;
        }
        let dynamic = ctx.election.election_mode.dynamic_census;
        match root_at(ctx, zk.height) {
            Some(root) if dynamic && root == proved => out.pass(),
            None if dynamic => out.add(
                Level::Warn,
                vote.location.clone(),
                "cannot verify: the proof's censusRoot is not the current root of this dynamic census, and the census history at the vote's height is unknown",
                Some(hex::encode(current)),
                Some(hex::encode(proved)),
            ),
            _ => out.add(
                Level::Fail,
                vote.location.clone(),
                "the proof was made against another census: its censusRoot signal is not the election's census root",
                Some(hex::encode(current)),
                Some(hex::encode(proved)),
            ),
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        if let Some(s) = not_anonymous(ctx, &self.info()) {
            return s;
        }
        out.conclude(
            &self.info(),
            "censusRoot signals compared with the election's census root",
        )
    }
}
