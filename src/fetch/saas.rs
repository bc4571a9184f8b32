//! The SaaS side of a fetch: the process, its results, the legacy process and bundle records,
//! and the Vochain elections they name (`upstreamId`, legacy `address`, bundle `processes`), as
//! served by `vocdoni/saas-backend:api/{processes,process,process_bundles}.go`. Requests carry the
//! bearer token when one is configured; it never reaches the bundle or any message.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::api::read_lenient;
use crate::api::saas::{LegacyProcess, Process, ProcessBundle, ProcessResults};

use super::http::{HttpClient, HttpError, Outcome, Response, Secret};
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

/// The SaaS records of a process, each as served, and the Vochain elections they name.
pub(crate) struct Records {
    /// `/processes/{pid}` when it answered 200.
    process: Option<Response>,
    /// `/processes/{pid}/results`, whatever it answered, when the process was found.
    results: Option<Outcome>,
    /// `/process/{pid}` when it answered 200.
    legacy: Option<Response>,
    /// `/process/bundle/{bid}` when a bundle id was given.
    bundle: Option<Response>,
    /// Election ids named, lowercase, in order, without repeats.
    elections: Vec<String>,
    /// Names that are not a 64-hex election id.
    bad_ids: Vec<String>,
}

/// `elections` when there is one at least.
fn any(elections: Vec<String>, process_id: &str) -> Result<Vec<String>, FetchError> {
    if elections.is_empty() {
        return Err(FetchError::Target(format!(
            "SaaS process {process_id} names no Vochain election (not published yet?)"
        )));
    }
    Ok(elections)
}

/// A GET to the SaaS API, with the bearer token when there is one, counted in `requests`.
async fn get(
    http: &HttpClient,
    token: Option<&Secret>,
    requests: &AtomicU64,
    url: &str,
) -> Result<Outcome, HttpError> {
    let out = match token {
        Some(t) => http.get_authorized(url, t).await,
        None => http.get(url).await,
    };
    requests.fetch_add(1, Ordering::Relaxed);
    out
}

/// Reads the SaaS records of `process_id` (and of the legacy bundle `bundle_id`) without
/// storing them. Fails when neither the process nor the legacy process exists, or the SaaS
/// refuses the process or the bundle.
pub(crate) async fn read(
    http: &HttpClient,
    token: Option<&Secret>,
    requests: &AtomicU64,
    base: &str,
    process_id: &str,
    bundle_id: Option<&str>,
) -> Result<Records, FetchError> {
    let mut named: Vec<String> = Vec::new();
    let process_url = format!("{base}/processes/{process_id}");
    let mut unreadable: Option<String> = None;
    let (process, results) = match get(http, token, requests, &process_url).await? {
        // Leniently, as the loader reads it: a field the model cannot take is a finding later,
        // not a reason to call the process absent.
        Outcome::Ok(r) => match read_lenient::<Process>(&r.body) {
            Ok((p, _)) => {
                named.extend(p.questions.into_iter().map(|q| q.upstream_id));
                let outcome = get(http, token, requests, &format!("{process_url}/results")).await?;
                if let Outcome::Ok(r) = &outcome {
                    if let Ok((res, _)) = read_lenient::<ProcessResults>(&r.body) {
                        named.extend(res.questions.into_iter().map(|q| q.upstream_id));
                    }
                }
                (Some(r), Some(outcome))
            }
            // Kept as served; a body that is not a process names no election.
            Err(why) => {
                unreadable = Some(format!("{process_url} answered 200 but {why}"));
                (Some(r), None)
            }
        },
        Outcome::NotFound(_) => (None, None),
        other => return Err(refused(&other, "SaaS process refused".into())),
    };
    let legacy_url = format!("{base}/process/{process_id}");
    let legacy = match get(http, token, requests, &legacy_url).await? {
        Outcome::Ok(r) => {
            if let Ok((l, _)) = read_lenient::<LegacyProcess>(&r.body) {
                named.push(l.address);
            }
            Some(r)
        }
        _ => None,
    };
    if results.is_none() && legacy.is_none() {
        // A 200 that is not a process is not "not found": say what it was.
        return Err(FetchError::Target(unreadable.unwrap_or_else(|| {
            format!("SaaS process {process_id} not found at {process_url} nor {legacy_url}")
        })));
    }
    let bundle = match bundle_id {
        Some(bid) => {
            let url = format!("{base}/process/bundle/{bid}");
            match get(http, token, requests, &url).await? {
                Outcome::Ok(r) => {
                    if let Ok((b, _)) = read_lenient::<ProcessBundle>(&r.body) {
                        named.extend(b.processes);
                    }
                    Some(r)
                }
                other => return Err(refused(&other, "SaaS process bundle refused".into())),
            }
        }
        None => None,
    };
    let (mut elections, mut bad_ids) = (Vec::new(), Vec::new());
    for raw in named.into_iter().filter(|n| !n.is_empty()) {
        match election_id(&raw) {
            Ok(id) if !elections.contains(&id) => elections.push(id),
            Ok(_) => {}
            Err(_) => bad_ids.push(raw),
        }
    }
    Ok(Records {
        process,
        results,
        legacy,
        bundle,
        elections,
        bad_ids,
    })
}

/// The Vochain elections SaaS process `process_id` names, read as a fetch reads them.
pub(crate) async fn elections(
    http: &HttpClient,
    token: Option<&Secret>,
    base: &str,
    process_id: &str,
    bundle_id: Option<&str>,
) -> Result<Vec<String>, FetchError> {
    let requests = AtomicU64::new(0);
    let records = read(http, token, &requests, base, process_id, bundle_id).await?;
    any(records.elections, process_id)
}

/// Fetches the SaaS records into the bundle and returns the election ids they name, in order,
/// without repeats.
pub(crate) async fn crawl(
    ctx: &Ctx,
    base: &str,
    process_id: &str,
    bundle_id: Option<&str>,
) -> Result<Vec<String>, FetchError> {
    let Records {
        process,
        results,
        legacy,
        bundle,
        elections,
        bad_ids,
    } = read(
        &ctx.http,
        ctx.token.as_ref(),
        &ctx.requests,
        base,
        process_id,
        bundle_id,
    )
    .await?;
    if let Some(r) = process {
        ctx.store.put("saas/process.json", r).await?;
    }
    if let Some(outcome) = results {
        if !matches!(outcome, Outcome::Ok(_)) {
            let r = outcome.response();
            ctx.store
                .gap(
                    "saas-results-unavailable",
                    format!("GET {}: {}", r.url, r.describe()),
                )
                .await?;
        }
        ctx.store
            .put("saas/results.json", outcome.into_response())
            .await?;
    }
    if let Some(r) = legacy {
        ctx.store.put("saas/legacy-process.json", r).await?;
    }
    if let Some(r) = bundle {
        ctx.store.put("saas/bundle.json", r).await?;
    }
    for raw in &bad_ids {
        ctx.store
            .gap(
                "saas-bad-upstream-id",
                format!("SaaS process {process_id} names election {raw:?}, not 64 hex"),
            )
            .await?;
    }
    any(elections, process_id)
}

#[cfg(test)]
mod tests {
    use crate::api::from_json_slice;
    use crate::api::saas::Process;

    /// A 200 whose body is not a process says which field, at which JSON path, was the matter.
    #[rstest::rstest]
    #[case::field(r#"{"census":{"totalWeight":"thirty"}}"#, "census.totalWeight: ")]
    #[case::nested(
        r#"{"questions":[{"results":{"voteCount":"x"}}]}"#,
        "questions[0].results.voteCount: "
    )]
    #[case::not_json("<html>", "expected value")]
    fn unreadable_process_names_the_path(#[case] body: &str, #[case] says: &str) {
        let why = from_json_slice::<Process>(body.as_bytes()).unwrap_err();
        assert!(why.starts_with(says) || why.contains(says), "{why}");
    }

    #[test]
    fn go_numbers_are_a_process() {
        let p = from_json_slice::<Process>(br#"{"census":{"size":30,"totalWeight":30}}"#).unwrap();
        assert_eq!(p.census.size.and_then(|s| s.as_u64()), Some(30));
    }
}
