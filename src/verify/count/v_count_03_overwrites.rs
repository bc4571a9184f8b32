//! V-COUNT-03: overwrites within the limit, recomputed from the chain. Every vote's
//! `overwriteCount` is at most `tallyMode.maxVoteOverwrites` (an overwrite is accepted only while
//! `overwriteCount < maxVoteOverwrites`, vote_tx.go). Where the chain's vote transactions of the
//! election's blocks were scanned (vochain-api.md §5.3), every envelope is put in chain order per
//! nullifier: the counted one must be the last, within `1 + maxVoteOverwrites` envelopes, and an
//! envelope whose vote id the node's vote list does not show at all is a hidden vote.

use std::collections::HashMap;

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::{CheckResult, Location};

pub struct Overwrites;

impl ElectionCheck for Overwrites {
    fn id(&self) -> &'static str {
        "V-COUNT-03"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let max = ctx.election.tally_mode.max_vote_overwrites;
        match vote.overwrite_count {
            Some(n) if n > max => out.add(
                Level::Fail,
                vote.location.clone(),
                "overwriteCount exceeds maxVoteOverwrites",
                Some(format!("<= {max}")),
                Some(n.to_string()),
            ),
            Some(_) => out.pass(),
            None => out.add(
                Level::Note,
                vote.location.clone(),
                "not checked: no vote detail",
                None,
                None,
            ),
        }
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let max = ctx.election.tally_mode.max_vote_overwrites;
        let h = &ctx.history;
        let mut superseded: HashMap<&str, u32> = HashMap::new();
        let mut hidden = 0u64;
        for env in &h.envelopes {
            let at = Location {
                vote_id: env.nullifier.clone(),
                tx_hash: Some(env.hash.clone()),
                ..ctx.at()
            };
            let Some(nullifier) = env.nullifier.as_deref() else {
                out.add(
                    Level::Warn,
                    at,
                    "a vote transaction of this election found on chain cannot be attributed to a vote id (unsigned)",
                    None,
                    None,
                );
                continue;
            };
            let Ok(key) = hex::decode(nullifier) else {
                continue;
            };
            if !agg.lists(&key) {
                hidden += 1;
                out.add(
                    Level::Fail,
                    at,
                    format!(
                        "hidden envelope: the chain holds a vote of this election (height {}) whose vote id the node's vote list does not show",
                        env.height
                    ),
                    Some("listed".into()),
                    Some("absent from the vote list".into()),
                );
                continue;
            }
            let count = superseded.entry(nullifier).or_default();
            *count += 1;
            if *count == max + 1 {
                out.add(
                    Level::Fail,
                    at.clone(),
                    "more envelopes on chain for this vote id than maxVoteOverwrites allows",
                    Some(format!("<= {} envelopes", max + 1)),
                    Some(format!(">= {}", max + 2)),
                );
            }
            // The counted envelope is the last accepted one (State.AddVote replaces it).
            let counted = <[u8; 32]>::try_from(key.as_slice())
                .ok()
                .and_then(|k| agg.listed_tx.get(&k))
                .map(hex::encode);
            let counted_at = counted.as_deref().and_then(|c| h.positions.get(c));
            if let Some(&(height, index)) = counted_at {
                if (env.height, env.index) > (height, index) {
                    out.add(
                        Level::Fail,
                        at,
                        "the node counts an envelope that a later one on chain replaced",
                        Some(format!("the envelope at height {} counted", env.height)),
                        Some(format!("the envelope at height {height} counted")),
                    );
                }
            }
        }
        let mut summary = format!("maxVoteOverwrites {max}");
        if let Some((lo, hi)) = h.scanned {
            summary.push_str(&format!(
                "; chain scanned at heights {lo}..={hi}: {} superseded envelope(s), {hidden} hidden",
                superseded.values().sum::<u32>()
            ));
        }
        for note in h
            .notes
            .iter()
            .filter(|n| n.starts_with("history-scan-partial"))
        {
            out.add(
                Level::Warn,
                ctx.at(),
                format!("envelopes outside the scanned blocks were not looked for: {note}"),
                None,
                None,
            );
        }
        out.conclude(&self.info(), summary)
    }
}
