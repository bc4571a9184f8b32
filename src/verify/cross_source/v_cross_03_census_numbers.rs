//! V-CROSS-03: the SaaS process's own numbers hold together with the chain, and every SaaS field
//! the audit reads could be read.
//!
//! saas-backend (`api/apicommon/voting_processes.go` `CensusSpec`, `api/processes.go`
//! `censusTotalWeight`, `api/census_guard.go`) says: `census.size` is the live member count and
//! a member who may still vote is never removed, so an election never has more distinct voters
//! than `size`; `totalWeight` equals `size` for a non-weighted census; a question's `maxCensusSize`
//! is `size` for a whole-census question and smaller for an eligibility subset, and only ever
//! grows, so a larger one (members removed once voting closed) is worth a look, not a failure;
//! likewise a census dump weighing more than `totalWeight`.

use num_bigint::BigUint;

use crate::api::saas::GoInt;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::CheckResult;

pub struct CensusNumbers;

/// A census number as a count: `Err` with the served text when it is not one (negative).
fn count(value: &GoInt) -> Result<BigUint, String> {
    value.as_str().parse().map_err(|_| value.to_string())
}

impl ElectionCheck for CensusNumbers {
    fn id(&self) -> &'static str {
        "V-CROSS-03"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let Some(saas) = &ctx.saas else {
            return skip(&self.info(), "no SaaS question names this election");
        };
        let at = ctx.at();
        let route = format!("/processes/{}", saas.process_id);
        for (route, field) in &saas.unreadable {
            out.add(
                Level::Fail,
                at.clone(),
                format!("SaaS {route} {}: {}", field.path, field.why),
                None,
                Some(field.raw.clone()),
            );
        }
        let census = &saas.census;
        let mut number = |path: &str, value: &Option<GoInt>| match value.as_ref().map(count) {
            Some(Ok(n)) => Some(n),
            Some(Err(served)) => {
                out.add(
                    Level::Fail,
                    at.clone(),
                    format!("SaaS {route} {path} is not a count"),
                    Some("a non-negative integer".into()),
                    Some(served),
                );
                None
            }
            None => None,
        };
        let size = number("census.size", &census.size);
        let total_weight = number("census.totalWeight", &census.total_weight);
        if size.is_none() && total_weight.is_none() {
            return out.conclude(
                &self.info(),
                "the SaaS process gives no census size or total weight",
            );
        }
        let e = &ctx.election;
        if let Some(size) = &size {
            // The voters the audit listed, not the published voteCount: a wrong count is the
            // count checks' finding, not the census's.
            if BigUint::from(agg.distinct) > *size {
                out.add(
                    Level::Fail,
                    at.clone(),
                    format!(
                        "the election has more distinct voters than SaaS {route} census.size: \
                         the backend never removes a member who may still vote"
                    ),
                    Some(format!("at most {size}")),
                    Some(agg.distinct.to_string()),
                );
            } else {
                out.pass();
            }
            if BigUint::from(e.census.max_census_size) > *size {
                out.add(
                    Level::Warn,
                    at.clone(),
                    format!(
                        "the chain's maxCensusSize exceeds SaaS {route} census.size (members \
                         removed after voting closed, or a census the SaaS does not describe)"
                    ),
                    Some(format!("at most {size}")),
                    Some(e.census.max_census_size.to_string()),
                );
            } else {
                out.pass();
            }
        }
        if let (Some(size), Some(total), false) = (&size, &total_weight, census.weighted) {
            if size == total {
                out.pass();
            } else {
                out.add(
                    Level::Fail,
                    at.clone(),
                    format!(
                        "SaaS {route} census.totalWeight differs from census.size for a \
                         non-weighted census (each member weighs 1)"
                    ),
                    Some(size.to_string()),
                    Some(total.to_string()),
                );
            }
        }
        if let (Some(total), Some(Ok(dump))) = (&total_weight, &ctx.dump) {
            let dumped = &dump.total_weight;
            if dumped > total {
                out.add(
                    Level::Warn,
                    at.clone(),
                    format!(
                        "the census dump weighs more than SaaS {route} census.totalWeight (a \
                         census the SaaS does not describe, or weights changed after publishing)"
                    ),
                    Some(format!("at most {total}")),
                    Some(dumped.to_string()),
                );
            } else {
                out.pass();
            }
        }
        out.conclude(
            &self.info(),
            "SaaS census numbers compared with the chain's election",
        )
    }
}
