//! V-COUNT-03: every vote's `overwriteCount` is at most `tallyMode.maxVoteOverwrites`
//! (an overwrite is accepted only while `overwriteCount < maxVoteOverwrites`, vote_tx.go).

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

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

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        let max = ctx.election.tally_mode.max_vote_overwrites;
        out.conclude(&self.info(), format!("maxVoteOverwrites {max}"))
    }
}
