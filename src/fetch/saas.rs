//! The SaaS side of a fetch: the process, its results, the legacy process and bundle records,
//! and the Vochain elections they name (`upstreamId`, legacy `address`, bundle `processes`), as
//! served by `vocdoni/saas-backend:api/{processes,process,process_bundles}.go`. Requests carry the
//! bearer token when one is configured; it never reaches the bundle or any message.

use crate::api::saas::{LegacyProcess, Process, ProcessBundle, ProcessResults};

use super::http::Outcome;
use super::node::election_id;
use super::{Ctx, FetchError};

fn refused(outcome: &Outcome, what: String) -> FetchError {
    let r = outcome.response();
    let what = match &r.redirect {
        Some(to) => format!("{what}: redirect to {to} not followed (not the configured host)"),
        None => what,
    };
    FetchError::Refused {
        url: r.url.clone(),
        status: r.status,
        what,
    }
}

/// Fetches the SaaS records and returns the election ids they name, in order, without repeats.
pub(crate) async fn crawl(
    ctx: &Ctx,
    base: &str,
    process_id: &str,
    bundle_id: Option<&str>,
) -> Result<Vec<String>, FetchError> {
    let mut named: Vec<String> = Vec::new();
    let process_url = format!("{base}/processes/{process_id}");
    let process = match ctx.get_saas(&process_url).await? {
        Outcome::Ok(r) => {
            let p: Option<Process> = serde_json::from_slice(&r.body).ok();
            ctx.store.put("saas/process.json", r).await?;
            p
        }
        Outcome::NotFound(_) => None,
        other => return Err(refused(&other, "SaaS process refused".into())),
    };
    let had_process = process.is_some();
    if let Some(p) = process {
        named.extend(p.questions.into_iter().map(|q| q.upstream_id));
        let results_url = format!("{process_url}/results");
        let outcome = ctx.get_saas(&results_url).await?;
        if let Outcome::Ok(r) = &outcome {
            if let Ok(res) = serde_json::from_slice::<ProcessResults>(&r.body) {
                named.extend(res.questions.into_iter().map(|q| q.upstream_id));
            }
        } else {
            let answer = outcome.response().describe();
            ctx.store
                .gap(
                    "saas-results-unavailable",
                    format!("GET {results_url}: {answer}"),
                )
                .await?;
        }
        ctx.store
            .put("saas/results.json", outcome.into_response())
            .await?;
    }
    let legacy_url = format!("{base}/process/{process_id}");
    let had_legacy = match ctx.get_saas(&legacy_url).await? {
        Outcome::Ok(r) => {
            if let Ok(l) = serde_json::from_slice::<LegacyProcess>(&r.body) {
                named.push(l.address);
            }
            ctx.store.put("saas/legacy-process.json", r).await?;
            true
        }
        _ => false,
    };
    if !had_process && !had_legacy {
        return Err(FetchError::Target(format!(
            "SaaS process {process_id} not found at {process_url} nor {legacy_url}"
        )));
    }
    if let Some(bid) = bundle_id {
        let url = format!("{base}/process/bundle/{bid}");
        match ctx.get_saas(&url).await? {
            Outcome::Ok(r) => {
                if let Ok(b) = serde_json::from_slice::<ProcessBundle>(&r.body) {
                    named.extend(b.processes);
                }
                ctx.store.put("saas/bundle.json", r).await?;
            }
            other => return Err(refused(&other, "SaaS process bundle refused".into())),
        }
    }
    let mut elections: Vec<String> = Vec::new();
    for raw in named.into_iter().filter(|n| !n.is_empty()) {
        match election_id(&raw) {
            Ok(id) if !elections.contains(&id) => elections.push(id),
            Ok(_) => {}
            Err(_) => {
                ctx.store
                    .gap(
                        "saas-bad-upstream-id",
                        format!("SaaS process {process_id} names election {raw:?}, not 64 hex"),
                    )
                    .await?
            }
        }
    }
    if elections.is_empty() {
        return Err(FetchError::Target(format!(
            "SaaS process {process_id} names no Vochain election (not published yet?)"
        )));
    }
    Ok(elections)
}
