//! V-HIST-03: the census history. Every SET_PROCESS_CENSUS naming the election is listed with its
//! height, the root and size it set; the last one must be the census the election publishes. A
//! change once voting had started is flagged for review with what changed (root, size): a
//! dynamic census (`ProcessMode.dynamicCensus`, `vochain/state/process.go`) allows it, but voters
//! proven against the earlier root were judged by another list.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::{CheckResult, Location};

use super::EventKind;

pub struct CensusHistory;

impl ElectionCheck for CensusHistory {
    fn id(&self) -> &'static str {
        "V-HIST-03"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut input: Remarks) -> CheckResult {
        if let Some(result) = super::unavailable(&self.info(), ctx, &mut input) {
            return result;
        }
        let h = &ctx.history;
        let start = ctx.start.as_ref().ok().map(|t| t.timestamp());
        let first_vote = agg.first_height;
        let (mut root, mut size) = match h.created() {
            Some((_, p)) => (p.census_root.clone(), Some(p.max_census_size)),
            None => (Vec::new(), None),
        };
        let mut changes = Vec::new();
        for e in &h.events {
            let EventKind::Census {
                root: new_root,
                size: new_size,
                ..
            } = &e.kind
            else {
                continue;
            };
            let at = Location {
                tx_hash: Some(e.hash.clone()),
                ..ctx.at()
            };
            let what = format!(
                "root {} → {}{}",
                hex::encode(&root),
                hex::encode(new_root),
                match (size, new_size) {
                    (Some(a), Some(b)) if a != *b => format!(", size {a} → {b}"),
                    _ => String::new(),
                }
            );
            changes.push(format!("height {}: {what}", e.height));
            let after_start = match (e.time, start) {
                (Some(t), Some(s)) => t > s,
                _ => false,
            } || first_vote.is_some_and(|v| e.height >= v);
            if after_start {
                input.add(
                    Level::Warn,
                    at,
                    format!(
                        "census changed after voting started (height {}): {what}",
                        e.height
                    ),
                    None,
                    None,
                );
            } else {
                input.pass();
            }
            root.clone_from(new_root);
            if new_size.is_some() {
                size = *new_size;
            }
        }
        if !changes.is_empty()
            && hex::encode(&root)
                != ctx
                    .election
                    .census
                    .census_root
                    .to_ascii_lowercase()
                    .trim_start_matches("0x")
        {
            input.add(
                Level::Fail,
                ctx.at(),
                "the last census change is not the census the election publishes",
                Some(hex::encode(&root)),
                Some(ctx.election.census.census_root.clone()),
            );
        }
        let summary = if changes.is_empty() {
            "no census change".to_string()
        } else {
            format!("census changes: {}", changes.join("; "))
        };
        input.conclude(&self.info(), summary)
    }
}
