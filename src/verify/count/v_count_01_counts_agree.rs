//! V-COUNT-01: the distinct listed votes equal the election's `voteCount` (indexer) and
//! `/votes/count` (state), and the rows read equal the list's `totalItems`.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::CheckResult;

pub struct CountsAgree;

impl ElectionCheck for CountsAgree {
    fn id(&self) -> &'static str {
        "V-COUNT-01"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let mut compare =
            |what: &str, published: Option<u64>, seen: u64, seen_as: &str| match published {
                Some(p) if p != seen => out.add(
                    Level::Fail,
                    ctx.at(),
                    format!("{what} differs from the {seen_as}"),
                    Some(p.to_string()),
                    Some(seen.to_string()),
                ),
                Some(_) => out.pass(),
                None => {}
            };
        compare(
            "voteCount",
            Some(ctx.election.vote_count),
            agg.distinct,
            "number of distinct listed votes",
        );
        compare(
            "/votes/count",
            ctx.votes_count,
            agg.distinct,
            "number of distinct listed votes",
        );
        compare(
            "the list's totalItems",
            ctx.list_total,
            agg.listed,
            "number of rows read",
        );
        out.conclude(
            &self.info(),
            format!(
                "{} votes listed, voteCount {}",
                agg.distinct, ctx.election.vote_count
            ),
        )
    }
}
