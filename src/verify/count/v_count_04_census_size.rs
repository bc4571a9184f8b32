//! V-COUNT-04: the distinct voters are at most `census.maxCensusSize` (new nullifiers are
//! refused once the election holds that many votes, vote_tx.go).

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::CheckResult;

pub struct CensusSize;

impl ElectionCheck for CensusSize {
    fn id(&self) -> &'static str {
        "V-COUNT-04"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let max = ctx.election.census.max_census_size;
        if max == 0 {
            return skip(&self.info(), "the election publishes no maxCensusSize");
        }
        if agg.distinct > max {
            out.add(
                Level::Fail,
                ctx.at(),
                "more distinct voters than maxCensusSize",
                Some(format!("<= {max}")),
                Some(agg.distinct.to_string()),
            );
        } else {
            out.pass();
        }
        out.conclude(
            &self.info(),
            format!("{} voters, maxCensusSize {max}", agg.distinct),
        )
    }
}
