//! The hostile-node suite: the loopback node turned adversary (`vocaudit::sim::hostile`), end to
//! end through HTTP, the fetcher, the bundle, the verifier and the report. Each test names what
//! vocaudit reports for one behaviour — a check id, status and location, or the typed error
//! (exit 2) naming the URL — and that it stays within bounded time, never panicking.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use rstest::rstest;
use tempfile::TempDir;

use vocaudit::audit::{audit, AuditError, AuditOptions, AuditRun};
use vocaudit::bench::fetch::{synthetic_world, vote};
use vocaudit::bundle::Bundle;
use vocaudit::fetch::http::HttpConfig;
use vocaudit::fetch::reread::{sample, sample_size};
use vocaudit::fetch::{run, FetchConfig, Target};
use vocaudit::protocol::gojson::decode_vote_package;
use vocaudit::sim::{apply_tamper, scenario, serve, serve_local, FaultPlan, LiveVotes, World};
use vocaudit::verify::result::{CheckResult, Status, Verdict};

const VOTES: usize = 24;
const SEED: u64 = 7;
/// What every hostile behaviour must stay under in a debug build (they take a few seconds).
const BOUND: Duration = Duration::from_secs(60);

/// The transport of these tests: quick retries, and a body limit the test may lower.
fn http(max_body_bytes: u64, timeout: Duration) -> HttpConfig {
    HttpConfig {
        timeout,
        max_attempts: 2,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(20),
        jitter_seed: Some(SEED),
        max_body_bytes,
        ..HttpConfig::default()
    }
}

/// The world's SaaS process when it has one, else its first election.
fn target(world: &World, saas_url: &str) -> Target {
    match world.saas_processes.keys().next() {
        Some(pid) => Target::Saas {
            base: reqwest::Url::parse(saas_url).expect("saas url"),
            process_id: pid.clone(),
            bundle_id: None,
        },
        None => Target::Election(world.elections.keys().next().expect("election").clone()),
    }
}

/// One audit of a hostile node: what it returned, where it wrote, how long it took.
struct Run {
    result: Result<AuditRun, AuditError>,
    dir: TempDir,
    elapsed: Duration,
    addr: SocketAddr,
}

impl Run {
    fn ok(&self) -> &AuditRun {
        match &self.result {
            Ok(run) => run,
            Err(e) => panic!("the audit stopped: {e}"),
        }
    }

    fn error(&self) -> String {
        match &self.result {
            Ok(run) => panic!("the audit completed: {:?}", run.result.verdict),
            Err(e) => e.to_string(),
        }
    }

    /// The exit status the CLI gives: the verdict's, or 2 for an audit that could not finish.
    fn exit_code(&self) -> i32 {
        self.result.as_ref().map_or(2, |r| r.result.exit_code())
    }

    fn check(&self, id: &str) -> &CheckResult {
        self.ok()
            .result
            .all_checks()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no check {id}"))
    }

    fn failing(&self) -> Vec<&str> {
        let checks = self.ok().result.all_checks();
        checks
            .filter(|c| c.status == Status::Fail)
            .map(|c| c.id.as_str())
            .collect()
    }
}

/// Serves `world` with `faults` and audits its target into a fresh directory.
async fn audit_hostile(
    world: &World,
    faults: &[String],
    tweak: impl FnOnce(&mut FetchConfig),
) -> Run {
    let plan = FaultPlan::parse(faults).expect("fault plan");
    let server = serve_local(world, plan).await.expect("serve");
    let addr = server.addr();
    let dir = TempDir::new().expect("tempdir");
    let started = Instant::now();
    let result = audit_at(world, &server.base_url(), &dir, tweak).await;
    let elapsed = started.elapsed();
    server.shutdown().await.expect("shutdown");
    Run {
        result,
        dir,
        elapsed,
        addr,
    }
}

/// Audits the node at `base` into `dir` (resuming what is there).
async fn audit_at(
    world: &World,
    base: &str,
    dir: &TempDir,
    tweak: impl FnOnce(&mut FetchConfig),
) -> Result<AuditRun, AuditError> {
    let node = reqwest::Url::parse(&format!("{base}/v2")).expect("node url");
    let mut config = FetchConfig::new(
        node,
        target(world, &format!("{base}/saas")),
        dir.path().join("bundle"),
    );
    config.ipfs_gateways = vec![reqwest::Url::parse(base).expect("gateway")];
    config.quiet = true;
    config.http = http(HttpConfig::default().max_body_bytes, Duration::from_secs(5));
    tweak(&mut config);
    let options = AuditOptions {
        sign_with: None,
        generated_at: Some("2026-06-01T12:00:00Z".into()),
        ..Default::default()
    };
    audit(config, dir.path(), &options).await
}

fn world(name: &str) -> World {
    scenario(name, VOTES, SEED).unwrap_or_else(|e| panic!("scenario {name}: {e}"))
}

fn only_election(world: &World) -> String {
    world.elections.keys().next().expect("election").clone()
}

/// The gateway path of the only election's census dump, `/ipfs/CID`: a fault scope.
fn census_object_path(world: &World) -> String {
    let url = &world.elections[&only_election(world)]
        .election
        .census
        .census_url;
    let cid = url.strip_prefix("ipfs://").expect("census on IPFS");
    format!("/ipfs/{cid}")
}

/// The nullifiers of `id`'s votes, lowercase.
fn nullifiers(world: &World, id: &str) -> Vec<String> {
    world.elections[id]
        .votes
        .iter()
        .map(|v| v.vote_id.to_ascii_lowercase())
        .collect()
}

/// A vote the default re-read sample includes.
fn sampled_vote(world: &World, id: &str) -> String {
    let ids = nullifiers(world, id);
    let chosen = sample(ids.iter().map(String::as_str), sample_size(None, ids.len()));
    let mut chosen: Vec<String> = chosen.into_iter().collect();
    chosen.sort();
    chosen.into_iter().next().expect("a sampled vote")
}

// 1. A consistent liar: its published tally matches the votes it serves, but a signature or a
//    census proof does not verify. The passing tally hides nothing.
#[rstest]
#[case("weighted-encrypted", "voter-signature", "V-SIG-01")]
#[case("saas-csp", "csp-signature", "V-CENSUS-03")]
#[case("weighted-encrypted", "weight-inflated", "V-WEIGHT-01")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consistent_liar_fails_at_the_forged_vote_though_the_tally_matches(
    #[case] scenario_name: &str,
    #[case] tamper: &str,
    #[case] check: &str,
) {
    let mut world = world(scenario_name);
    let applied = apply_tamper(&mut world, tamper).expect("tamper applies");
    let run = audit_hostile(&world, &[], |_| {}).await;
    let election = run
        .ok()
        .result
        .elections
        .iter()
        .find(|e| {
            e.election_id
                .eq_ignore_ascii_case(&applied.location.election_id)
        })
        .expect("the tampered election is audited");
    let tally = election.checks.iter().find(|c| c.id == "V-TALLY-01");
    assert_eq!(tally.map(|c| c.status), Some(Status::Pass), "{tamper}");
    let failed = election
        .checks
        .iter()
        .find(|c| c.id == check)
        .expect("the check ran");
    assert_eq!(failed.status, Status::Fail, "{tamper}: {}", failed.message);
    let forged = applied.location.vote_id.as_deref().expect("a vote");
    assert!(
        failed
            .findings
            .iter()
            .any(|f| f.location.vote_id.as_deref() == Some(forged)),
        "{check} does not locate vote {forged}: {:?}",
        failed.findings
    );
    assert_eq!(run.ok().result.verdict, Verdict::Fail);
    assert_eq!(run.exit_code(), 1);
}

// 2. Equivocation: a vote detail that reads differently the second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn equivocating_vote_detail_fails_v_bundle_04_at_the_vote() {
    let world = world("weighted-encrypted");
    let id = only_election(&world);
    let liar = sampled_vote(&world, &id);
    let run = audit_hostile(
        &world,
        &[format!("/v2/votes/{liar}:equivocate=weight")],
        |_| {},
    )
    .await;

    assert_eq!(
        run.failing(),
        ["V-BUNDLE-04"],
        "only the second read differs"
    );
    let check = run.check("V-BUNDLE-04");
    assert_eq!(check.findings.len(), 1, "{:?}", check.findings);
    let finding = &check.findings[0];
    assert_eq!(finding.location.election_id, id);
    assert_eq!(finding.location.vote_id.as_deref(), Some(liar.as_str()));
    assert!(finding.message.contains("weight"), "{}", finding.message);
    assert_eq!(run.exit_code(), 1);

    // The bundle holds both answers and the record names their sha256.
    let bundle = Bundle::open(run.dir.path().join("bundle")).expect("bundle");
    let recorded = &bundle.manifest().disagreements;
    assert_eq!(recorded.len(), 1);
    let d = &recorded[0];
    assert_eq!(
        (d.route.as_str(), d.vote_id.as_deref()),
        ("vote", Some(liar.as_str()))
    );
    let sha_of = |stream: String, url_end: String| {
        bundle
            .records(&stream)
            .map(|r| r.expect("record"))
            .find(|r| r.url.ends_with(&url_end))
            .map(|r| hex::encode(r.sha256))
            .expect("stored answer")
    };
    assert_eq!(d.first_sha256, sha_of(format!("votes-{id}"), liar.clone()));
    assert_eq!(
        d.second_sha256,
        sha_of(format!("reread-{id}"), format!("{liar}#reread"))
    );
    assert_ne!(d.first_sha256, d.second_sha256);
}

// 2a. A resumed fetch compares its re-read with the answer an earlier run stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn equivocation_across_a_resumed_fetch_is_caught() {
    let world = world("weighted-encrypted");
    let id = only_election(&world);
    let liar = sampled_vote(&world, &id);
    // Run 1 stores the honest detail, then its re-read fails: the audit stops (exit 2).
    let first = audit_hostile(&world, &[format!("/v2/votes/{liar}:503@after=1")], |_| {}).await;
    assert!(first.error().contains("503"), "{}", first.error());
    // Run 2, on the same address, serves another weight for that vote.
    let plan = FaultPlan::parse(&[format!("/v2/votes/{liar}:rewrite=weight/2")]).expect("plan");
    let liar_node = serve(&world, plan, first.addr).await.expect("rebind");
    let resumed = audit_at(&world, &liar_node.base_url(), &first.dir, |_| {}).await;
    liar_node.shutdown().await.expect("shutdown");
    let resumed = resumed.expect("the resumed audit completes");
    let check = resumed
        .result
        .all_checks()
        .find(|c| c.id == "V-BUNDLE-04")
        .expect("V-BUNDLE-04");
    assert_eq!(check.status, Status::Fail, "{}", check.message);
    let located: Vec<_> = check
        .findings
        .iter()
        .map(|f| f.location.vote_id.as_deref())
        .collect();
    assert_eq!(located, [Some(liar.as_str())]);
}

// 2b. A list row and the vote detail it points to disagree on a field both carry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_row_and_detail_that_disagree_fail_v_bundle_04_at_the_vote() {
    let world = world("weighted-encrypted");
    let id = only_election(&world);
    let liar = nullifiers(&world, &id).remove(0);
    let fault = format!("/v2/votes/{liar}:rewrite=transactionIndex/7");
    let run = audit_hostile(&world, &[fault], |_| {}).await;
    let check = run.check("V-BUNDLE-04");
    assert_eq!(check.status, Status::Fail);
    let located: Vec<_> = check
        .findings
        .iter()
        .map(|f| f.location.vote_id.as_deref())
        .collect();
    assert_eq!(located, [Some(liar.as_str())]);
    assert!(check.findings[0].message.contains("list row"));
    assert!(check.findings[0].message.contains("transactionIndex"));
    assert_eq!(run.exit_code(), 1);
}

// 2c. The election read at the start and at the end of the fetch differs while it is not live.
#[rstest]
#[case("censusRoot", "census")]
#[case("voteCount", "voteCount")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn election_that_changes_between_reads_fails_v_bundle_04(
    #[case] field: &str,
    #[case] named: &str,
) {
    let world = world("weighted-encrypted");
    let id = only_election(&world);
    let run = audit_hostile(&world, &[format!("election:equivocate={field}")], |_| {}).await;
    let check = run.check("V-BUNDLE-04");
    assert_eq!(check.status, Status::Fail, "{}", check.message);
    let finding = check.findings.first().expect("a finding");
    assert_eq!(finding.location.election_id, id);
    assert_eq!(finding.location.vote_id, None);
    assert!(
        finding.message.contains("start and at the end"),
        "{}",
        finding.message
    );
    assert!(finding.message.contains(named), "{}", finding.message);
    assert_eq!(run.exit_code(), 1);
}

// 2d. A live election growing between the two reads is not equivocation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_election_growing_is_not_equivocation() {
    let (mut world, id) = synthetic_world(30).expect("world");
    let e = world.elections.get_mut(&id).expect("election");
    e.election.status = "READY".into();
    e.election.final_results = false;
    e.scrutiny = None;
    let pending: Vec<_> = (30..35).map(|i| vote(&id, i).expect("vote")).collect();
    for (_, tx) in &pending {
        world.add_transaction(tx).expect("tx");
    }
    world.elections.get_mut(&id).expect("election").live = Some(LiveVotes {
        pending: pending.into_iter().map(|(v, _)| v).collect(),
        reveal_per_list_request: 1,
        ..LiveVotes::default()
    });
    let run = audit_hostile(&world, &[], |c| c.live_rounds = 10).await;
    let check = run.check("V-BUNDLE-04");
    assert_ne!(check.status, Status::Fail, "{:?}", check.findings);
    let bundle = Bundle::open(run.dir.path().join("bundle")).expect("bundle");
    let grown = bundle
        .manifest()
        .disagreements
        .iter()
        .find(|d| d.route == "election")
        .expect("the vote count grew between the reads");
    assert!(grown.live);
    assert!(grown.changes.iter().any(|c| c.field == "voteCount"));
}

// 2e. The re-read sample's cost, measured: about 1 % more requests than the fetch itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_reread_costs_at_most_two_percent_more_requests() {
    let votes = 2000;
    let (world, id) = synthetic_world(votes).expect("world");
    let server = serve_local(&world, FaultPlan::none()).await.expect("serve");
    let mut requests = Vec::new();
    for reread in [Some(0), None] {
        let dir = TempDir::new().expect("tempdir");
        let node = reqwest::Url::parse(&server.node_url()).expect("url");
        let mut config = FetchConfig::new(node, Target::Election(id.clone()), dir.path());
        config.quiet = true;
        config.ipfs_gateways = Vec::new();
        config.reread = reread;
        requests.push(run(config).await.expect("fetch").requests);
    }
    server.shutdown().await.expect("shutdown");
    let extra = requests[1] - requests[0];
    assert_eq!(extra, sample_size(None, votes as usize) as u64);
    let ratio = extra as f64 / requests[0] as f64;
    println!(
        "re-read cost at {votes} votes: {extra} extra requests over {} ({:.2} %)",
        requests[0],
        ratio * 100.0
    );
    assert!(ratio <= 0.02, "{ratio}");
}

// 3. Huge and endless bodies: refused at the body limit or the attempt timeout, the error names
//    the URL, what was fetched stays, and a re-run against an honest node completes it.
#[rstest]
#[case::declared("vote:huge=8388608", "exceeds the limit of 1048576 bytes")]
#[case::chunked("vote:endless", "exceeds the limit of 1048576 bytes")]
#[case::trickled("vote:endless=200ms", "timed out")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_or_endless_body_stops_with_the_url_and_the_fetch_resumes(
    #[case] fault: &str,
    #[case] said: &str,
) {
    let world = world("weighted-encrypted");
    let limited = |c: &mut FetchConfig| c.http = http(1 << 20, Duration::from_secs(1));
    let run = audit_hostile(&world, &[fault.to_string()], limited).await;
    let message = run.error();
    assert!(message.contains(said), "{message}");
    assert!(
        message.contains(&format!("http://{}/v2/votes/", run.addr)),
        "{message}"
    );
    assert_eq!(run.exit_code(), 2);
    assert!(run.elapsed < Duration::from_secs(20), "{:?}", run.elapsed);
    let manifest = std::fs::read_to_string(run.dir.path().join("bundle/manifest.json"))
        .expect("the bundle is kept");
    assert!(manifest.contains("election.json"));

    let honest = serve(&world, FaultPlan::none(), run.addr)
        .await
        .expect("rebind");
    let resumed = audit_at(&world, &honest.base_url(), &run.dir, |_| {}).await;
    honest.shutdown().await.expect("shutdown");
    let resumed = resumed.expect("the resumed audit completes");
    assert_eq!(resumed.result.verdict, Verdict::Pass);
}

/// What vocaudit reports for one hostile answer.
#[derive(Debug, Clone, Copy)]
enum Reported {
    /// The audit stops (exit 2) with an error holding this text and naming the route's URL.
    Error(&'static str),
    /// The audit completes; this check has this status, with this text in a finding.
    Check(&'static str, Status, &'static str),
    /// The audit completes and passes: the behaviour is tolerated.
    Pass,
}

/// The route part every URL of `route` holds, to check that a message names it.
fn url_part(route: &str) -> &'static str {
    match route {
        "chain-info" => "/v2/chain/info",
        "election" => "/v2/elections/",
        "votes" => "/v2/votes?electionId=",
        "keys" => "/keys",
        "scrutiny" => "/scrutiny",
        "count" => "/votes/count",
        "vote" => "/v2/votes/",
        "tx" => "/v2/chain/transactions/",
        "ipfs" => "/ipfs/",
        "saas-process" => "/saas/processes/",
        "saas-results" => "/results",
        other => panic!("no URL part for {other}"),
    }
}

/// Audits the scenario with one hostile rule on `route` and checks what is reported.
async fn expect_reported(scenario_name: &str, route: &str, kind: &str, reported: Reported) {
    let world = world(scenario_name);
    let scope = match route {
        // The census dump's own object: the election's metadata and the organisation's are
        // IPFS objects too, and a metadata document that does not hash to its CID is the
        // history's failure (V-HIST-04), not the census dump's warning under test here.
        "ipfs" => census_object_path(&world),
        other => other.to_string(),
    };
    let run = audit_hostile(&world, &[format!("{scope}:{kind}")], |_| {}).await;
    assert!(run.elapsed < BOUND, "{route}:{kind} took {:?}", run.elapsed);
    match reported {
        Reported::Error(text) => {
            let message = run.error();
            assert!(message.contains(text), "{route}:{kind}: {message}");
            assert!(
                message.contains(url_part(route)),
                "{route}:{kind}: {message}"
            );
            assert_eq!(run.exit_code(), 2);
        }
        Reported::Check(id, status, text) => {
            let check = run.check(id);
            assert_eq!(check.status, status, "{route}:{kind}: {}", check.message);
            let finding = check
                .findings
                .iter()
                .find(|f| f.message.contains(text))
                .unwrap_or_else(|| panic!("{route}:{kind}: no {text:?} in {:?}", check.findings));
            // Located: the URL of a missing answer, the vote, or the results cell.
            if id == "V-BUNDLE-03" {
                assert!(
                    finding.message.contains(url_part(route)),
                    "{}",
                    finding.message
                );
            }
            if route == "vote" {
                assert!(finding.location.vote_id.is_some(), "{finding:?}");
            }
            if text.starts_with("cell") {
                assert_eq!(finding.location.cell, Some([0, 0]), "{finding:?}");
            }
            let expected_exit = if status == Status::Fail { 1 } else { 0 };
            assert_eq!(run.exit_code(), expected_exit, "{route}:{kind}");
        }
        Reported::Pass => {
            assert_eq!(run.ok().result.verdict, Verdict::Pass, "{route}:{kind}");
            assert_eq!(run.exit_code(), 0);
        }
    }
}

// 4. 100,000 nested `[` on every JSON route: a clean parse error (serde_json's recursion
//    limit), never a stack overflow.
#[rstest]
#[case(
    "weighted-encrypted",
    "chain-info",
    Reported::Error("malformed response")
)]
#[case(
    "weighted-encrypted",
    "election",
    Reported::Error("malformed response")
)]
#[case("weighted-encrypted", "votes", Reported::Error("malformed response"))]
#[case("weighted-encrypted", "keys", Reported::Error("keys.json"))]
#[case("weighted-encrypted", "scrutiny", Reported::Error("scrutiny.json"))]
#[case("weighted-encrypted", "count", Reported::Error("votes-count.json"))]
#[case(
    "weighted-encrypted",
    "vote",
    Reported::Check("V-BUNDLE-03", Status::Fail, "not a vote detail")
)]
#[case(
    "weighted-encrypted",
    "tx",
    Reported::Check("V-BUNDLE-03", Status::Fail, "not a transaction")
)]
#[case(
    "weighted-encrypted",
    "ipfs",
    Reported::Check("V-CENSUS-01", Status::Warn, "census dump")
)]
#[case("saas-csp", "saas-process", Reported::Error("saas/process.json"))]
#[case("saas-csp", "saas-results", Reported::Error("saas/results.json"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_json_is_a_clean_error_on_every_route(
    #[case] scenario_name: &str,
    #[case] route: &str,
    #[case] reported: Reported,
) {
    expect_reported(scenario_name, route, "nested=100000", reported).await;
}

#[test]
fn deeply_nested_vote_package_is_refused_by_the_go_json_decoder() {
    let err = decode_vote_package(&[b'['; 100_000]).expect_err("refused");
    assert!(err.to_string().contains("depth"), "{err}");
}

// 5. Gigantic numbers: a million digits, 1e999999, negative where unsigned is expected.
#[rstest]
#[case(
    "vote",
    "rewrite=weight/9*1000000",
    Reported::Check("V-WEIGHT-01", Status::Fail, "more than the 1000 digits")
)]
#[case(
    "vote",
    "rewrite=weight/-5",
    Reported::Check("V-WEIGHT-01", Status::Fail, "not a decimal integer")
)]
#[case(
    "election",
    "rewrite=result/9*1000000",
    Reported::Check("V-TALLY-01", Status::Fail, "cell [0][0]")
)]
#[case(
    "election",
    "rewrite=result/1e999999",
    Reported::Check("V-TALLY-01", Status::Fail, "cell [0][0]")
)]
#[case(
    "election",
    "rewrite=result/-3",
    Reported::Check("V-TALLY-01", Status::Fail, "cell [0][0]")
)]
#[case(
    "scrutiny",
    "rewrite=results/9*1000000",
    Reported::Check("V-TALLY-02", Status::Fail, "cell [0][0]")
)]
#[case(
    "election",
    "rewrite=voteCount/9*1000000",
    Reported::Error("answered 200 but voteCount: number out of range")
)]
#[case(
    "election",
    "rewrite=voteCount/-1",
    Reported::Error("answered 200 but voteCount: invalid value: integer `-1`, expected u64")
)]
#[case(
    "count",
    "rewrite=count/1e999999",
    Reported::Error("number out of range")
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gigantic_numbers_are_bounded_and_reported(
    #[case] route: &str,
    #[case] kind: &str,
    #[case] reported: Reported,
) {
    expect_reported("weighted-encrypted", route, kind, reported).await;
}

// 6. Non-UTF-8 bodies and wrong content types. Policy: the content type is neither trusted nor
//    required; every body is parsed as what its route publishes.
#[rstest]
#[case(
    "vote",
    "nonutf8",
    Reported::Check("V-BUNDLE-03", Status::Fail, "invalid unicode")
)]
#[case("election", "nonutf8", Reported::Error("invalid unicode"))]
#[case(
    "vote",
    "html",
    Reported::Check("V-BUNDLE-03", Status::Fail, "not a vote detail")
)]
#[case(
    "tx",
    "html",
    Reported::Check("V-BUNDLE-03", Status::Fail, "not a transaction")
)]
#[case("election", "html", Reported::Error("malformed response"))]
#[case(
    "ipfs",
    "html",
    Reported::Check("V-CENSUS-01", Status::Warn, "census dump")
)]
#[case("vote", "content-type=application/octet-stream", Reported::Pass)]
#[case("election", "content-type=text/html", Reported::Pass)]
#[case("ipfs", "content-type=text/plain", Reported::Pass)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_utf8_and_wrong_content_types(
    #[case] route: &str,
    #[case] kind: &str,
    #[case] reported: Reported,
) {
    expect_reported("weighted-encrypted", route, kind, reported).await;
}

// 7. Redirects to another host are not followed, and every message says so.
#[rstest]
#[case("vote", Reported::Check("V-BUNDLE-03", Status::Fail, "not followed"))]
#[case("election", Reported::Error("not followed"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_to_another_host_are_not_followed(
    #[case] route: &str,
    #[case] reported: Reported,
) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let elsewhere = Router::new().fallback(get(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async { "not evidence" }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let other = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, elsewhere).await });
    let kind = format!("redirect=http://{other}/stolen");
    let world = world("weighted-encrypted");
    let run = audit_hostile(&world, &[format!("{route}:{kind}")], |_| {}).await;
    let text = match (&run.result, reported) {
        (Err(e), Reported::Error(_)) => e.to_string(),
        (Ok(_), Reported::Check(id, status, _)) => {
            let check = run.check(id);
            assert_eq!(check.status, status);
            check.findings.first().expect("finding").message.clone()
        }
        (other, _) => panic!("unexpected: {:?}", other.as_ref().map(|r| r.result.verdict)),
    };
    assert!(text.contains("not followed"), "{text}");
    assert!(text.contains(&format!("http://{other}/stolen")), "{text}");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the other host was asked");
    assert_ne!(run.exit_code(), 0);
}
