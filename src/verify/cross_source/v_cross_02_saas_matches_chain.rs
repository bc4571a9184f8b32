//! V-CROSS-02: the SaaS question's results, voteCount, maxVoters, finalResults, status, chainId
//! and organisation equal the chain's election. The SaaS status is synced in the background and
//! may lag, so a status difference is flagged for review only.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::{normal_hex, ElectionContext};
use crate::verify::result::CheckResult;

pub struct SaasMatchesChain;

impl ElectionCheck for SaasMatchesChain {
    fn id(&self) -> &'static str {
        "V-CROSS-02"
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let Some(saas) = &ctx.saas else {
            return skip(&self.info(), "no SaaS question names this election");
        };
        let e = &ctx.election;
        let at = ctx.at();
        let field = |out: &mut Remarks,
                     level: Level,
                     what: &str,
                     saas_value: String,
                     chain_value: String| {
            if saas_value == chain_value {
                out.pass();
            } else {
                out.add(
                    level,
                    at.clone(),
                    format!("SaaS {what} differs from the chain's"),
                    Some(chain_value),
                    Some(saas_value),
                );
            }
        };
        if !saas.chain_id.is_empty() {
            field(
                &mut out,
                Level::Fail,
                "chainId",
                saas.chain_id.clone(),
                e.chain_id.clone(),
            );
        }
        if !saas.org_address.is_empty() {
            field(
                &mut out,
                Level::Fail,
                "orgAddress",
                normal_hex(&saas.org_address),
                normal_hex(&e.organization_id),
            );
        }
        if let Some(q) = &saas.question {
            if !q.status.is_empty() {
                field(
                    &mut out,
                    Level::Warn,
                    "status",
                    q.status.clone(),
                    e.status.clone(),
                );
            }
        }
        // The results as `/processes/{id}` embeds them and as `/processes/{id}/results` lists them.
        // A count the SaaS does not give (or gave unreadably: V-CROSS-03 says so) is not compared.
        let rows = [
            saas.question
                .as_ref()
                .and_then(|q| q.results.clone())
                .map(|r| ("question results", r)),
            saas.results
                .as_ref()
                .map(|r| ("results", r.question_results())),
        ];
        for (src, r) in rows.into_iter().flatten() {
            let results = r.results;
            let pairs = [
                (
                    "voteCount",
                    r.vote_count.map(|v| v.to_string()),
                    e.vote_count.to_string(),
                ),
                (
                    "maxVoters",
                    r.max_voters.map(|v| v.to_string()),
                    e.census.max_census_size.to_string(),
                ),
                (
                    "finalResults",
                    r.final_results.map(|v| v.to_string()),
                    e.final_results.to_string(),
                ),
            ];
            for (what, saas_value, chain_value) in pairs {
                if let Some(saas_value) = saas_value {
                    field(
                        &mut out,
                        Level::Fail,
                        &format!("{src} {what}"),
                        saas_value,
                        chain_value,
                    );
                }
            }
            match (&results, &e.result) {
                (Some(s), Some(c)) => {
                    crate::verify::tally::compare_cells(c, s, &ctx.at(), src, Level::Fail, &mut out)
                }
                (Some(_), None) => out.add(
                    Level::Fail,
                    ctx.at(),
                    format!("the SaaS shows {src} the chain does not publish"),
                    None,
                    None,
                ),
                _ => {}
            }
        }
        out.conclude(
            &self.info(),
            "SaaS question compared with the chain's election",
        )
    }
}
