//! Issue #15 end to end on the loopback node: the election's history read from the chain's
//! transaction index (scheduled and actual end, status and census changes, keys, metadata), the
//! checks that judge it, and what a node that does not serve the index still gives.

use serde_json::Value;
use tempfile::TempDir;

use vocaudit::audit::{audit, AuditOptions, AuditRun};
use vocaudit::fetch::{FetchConfig, Target};
use vocaudit::sim::{apply_tamper, scenario, serve, serve_local, FaultPlan, SimServer, World};
use vocaudit::verify::result::{CheckResult, ElectionAudit, Status, Verdict};

const VOTES: usize = 24;
const SEED: u64 = 7;

/// Serves `world` and audits its only election.
async fn audit_only(world: &World, faults: FaultPlan) -> (AuditRun, TempDir) {
    let server = serve_local(world, faults).await.expect("serve");
    audit_served(world, server).await
}

/// Audits the only election of `world`, served by `server`.
async fn audit_served(world: &World, server: SimServer) -> (AuditRun, TempDir) {
    let id = world.elections.keys().next().expect("one election").clone();
    let dir = TempDir::new().expect("tempdir");
    let mut config = FetchConfig::new(
        server.node_url().parse().expect("node url"),
        Target::Election(id),
        dir.path().join("bundle"),
    );
    config.ipfs_gateways = vec![server.base_url().parse().expect("gateway")];
    config.quiet = true;
    let options = AuditOptions {
        sign_with: None,
        generated_at: Some("2026-06-01T12:00:00Z".into()),
        ..Default::default()
    };
    let run = audit(config, dir.path(), &options).await.expect("audit");
    server.shutdown().await.expect("shutdown");
    (run, dir)
}

fn check<'a>(e: &'a ElectionAudit, id: &str) -> &'a CheckResult {
    e.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn statuses(e: &ElectionAudit) -> String {
    e.checks
        .iter()
        .map(|c| format!("{} {:?}: {}", c.id, c.status, c.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_end_shows_scheduled_and_actual_end_and_passes() {
    let world = scenario("early-end", VOTES, SEED).expect("scenario");
    let (run, dir) = audit_only(&world, FaultPlan::none()).await;
    assert_eq!(run.result.verdict, Verdict::Pass);
    let e = &run.result.elections[0];
    for id in [
        "V-HIST-01",
        "V-HIST-02",
        "V-HIST-03",
        "V-HIST-04",
        "V-HIST-05",
    ] {
        assert_eq!(check(e, id).status, Status::Pass, "{}", statuses(e));
    }
    assert!(
        check(e, "V-HIST-02").message.contains("by hand"),
        "{}",
        check(e, "V-HIST-02").message
    );
    assert!(check(e, "V-HIST-04").message.contains("verified"));
    assert!(check(e, "V-HIST-01").message.contains("(organisation)"));
    assert!(check(e, "V-COUNT-03").message.contains("superseded"));
    // report.json: the schedule and the manual end, a transaction apart by many blocks.
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let history = &json["elections"][0]["history"];
    let scheduled = history["scheduledEnd"].as_str().expect("scheduledEnd");
    let actual = &history["actualEnd"];
    assert_eq!(actual["by"], "manual");
    assert_eq!(actual["status"], "ENDED");
    assert!(actual["time"].as_str().expect("time") < scheduled);
    let kinds: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "key-added",
            "key-added",
            "census",
            "status",
            "status",
            "status",
            "key-revealed",
            "key-revealed"
        ]
    );
    // The node's metadata history: the creation document and the amendment before voting,
    // both verified, the reworded choice shown as a word diff.
    let versions = history["metadataVersions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    assert!(
        versions.iter().all(|v| v["status"] == "verified"),
        "{versions:?}"
    );
    assert_eq!(versions[0]["txHash"], history["events"][0]["txHash"]);
    let change = &versions[1]["changes"][0];
    assert_eq!(change["field"], "question 1 choice 1 [default]");
    assert!(
        change["diff"].as_str().unwrap().contains("{+(amended)+}"),
        "{change}"
    );
    assert_eq!(versions[1]["afterVotingStarted"], false);
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("History on chain"),
        "the HTML has the history table"
    );
    assert!(
        html.contains("Metadata versions"),
        "and the metadata versions"
    );
    assert!(
        html.contains("ended by hand at block"),
        "and the actual end"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_without_the_transaction_index_still_audits() {
    let mut world = scenario("early-end", VOTES, SEED).expect("scenario");
    // release-lts-2 registers /chain/transactions for POST only.
    world.no_tx_index = true;
    let (run, _dir) = audit_only(&world, FaultPlan::none()).await;
    let e = &run.result.elections[0];
    assert_eq!(run.result.verdict, Verdict::Pass, "{}", statuses(e));
    for id in ["V-HIST-01", "V-HIST-02", "V-HIST-03", "V-HIST-05"] {
        let c = check(e, id);
        assert_eq!(c.status, Status::Warn, "{id}: {}", c.message);
        assert!(
            c.findings[0].message.contains("history-unavailable"),
            "{id}"
        );
    }
    // The metadata comes from IPFS, not from the index.
    assert_eq!(check(e, "V-HIST-04").status, Status::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vote_after_early_end_fails_at_its_vote_although_inside_the_schedule() {
    let mut world = scenario("early-end", VOTES, SEED).expect("scenario");
    let applied = apply_tamper(&mut world, "vote-after-early-end").expect("tamper");
    let (run, _dir) = audit_only(&world, FaultPlan::none()).await;
    assert_eq!(run.result.exit_code(), 1);
    let e = &run.result.elections[0];
    assert_eq!(
        check(e, "V-WINDOW-01").status,
        Status::Pass,
        "{}",
        statuses(e)
    );
    let c = check(e, "V-HIST-02");
    assert_eq!(c.status, Status::Fail);
    assert_eq!(c.findings[0].location.vote_id, applied.location.vote_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metadata_version_that_does_not_hash_to_its_record_fails_at_its_transaction() {
    let mut world = scenario("early-end", VOTES, SEED).expect("scenario");
    let applied = apply_tamper(&mut world, "metadata-version-mismatch").expect("tamper");
    let (run, dir) = audit_only(&world, FaultPlan::none()).await;
    assert_eq!(run.result.exit_code(), 1);
    let e = &run.result.elections[0];
    let failing: Vec<&str> = e
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(failing, ["V-HIST-04"], "{}", statuses(e));
    let c = check(e, "V-HIST-04");
    assert_eq!(c.findings.len(), 1, "{:?}", c.findings);
    assert_eq!(c.findings[0].location, applied.location);
    assert!(
        c.findings[0].message.contains("mismatch"),
        "{}",
        c.findings[0].message
    );
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let versions = &json["elections"][0]["history"]["metadataVersions"];
    assert_eq!(versions[0]["status"], "mismatch");
    assert_eq!(versions[1]["status"], "verified");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_without_the_metadata_history_route_is_a_note() {
    let mut world = scenario("early-end", VOTES, SEED).expect("scenario");
    for sim in world.elections.values_mut() {
        sim.metadata_history = None;
        // Without a metadata-changing transaction the election still shows NEW_PROCESS's URI.
        let created = world
            .transactions
            .values()
            .find_map(|json| {
                let v: Value = serde_json::from_str(json).ok()?;
                v["tx"]["newProcess"]["process"]["metadata"]
                    .as_str()
                    .map(str::to_string)
            })
            .expect("NEW_PROCESS");
        sim.election.metadata_url = created;
    }
    let (run, dir) = audit_only(&world, FaultPlan::none()).await;
    let e = &run.result.elections[0];
    assert_eq!(run.result.verdict, Verdict::Pass, "{}", statuses(e));
    let c = check(e, "V-HIST-04");
    assert_eq!(c.status, Status::Pass, "{}", c.message);
    assert!(
        c.message.contains("metadata history not served"),
        "{}",
        c.message
    );
    assert!(c
        .findings
        .iter()
        .any(|f| f.message.contains("does not serve a metadata history")));
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert!(json["elections"][0]["history"]
        .get("metadataVersions")
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_no_one_can_fetch_is_unreachable_not_a_failure() {
    let mut world = scenario("early-end", VOTES, SEED).expect("scenario");
    for sim in world.elections.values_mut() {
        let history = sim.metadata_history.as_mut().expect("a metadata history");
        let mut odd = history.versions[1].clone();
        odd.metadata_url = "ftp://example.org/metadata.json".into();
        history.versions.insert(1, odd);
    }
    let (run, dir) = audit_only(&world, FaultPlan::none()).await;
    let e = &run.result.elections[0];
    assert_eq!(run.result.exit_code(), 0, "{}", statuses(e));
    let c = check(e, "V-HIST-04");
    assert_eq!(c.status, Status::Warn, "{}", c.message);
    assert!(
        c.findings.iter().any(|f| f.message.contains("unreachable")),
        "{:?}",
        c.findings
    );
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let versions = json["elections"][0]["history"]["metadataVersions"]
        .as_array()
        .expect("versions");
    let statuses: Vec<&str> = versions
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["verified", "unreachable", "verified"]);
    assert!(versions[1]["reason"].as_str().unwrap().contains("neither"));
    // Versions are compared only with the one right before them.
    assert!(versions[2].get("changes").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_choice_reworded_after_the_first_vote_is_a_warning_with_its_diff() {
    let mut world = scenario("early-end", VOTES, SEED).expect("scenario");
    for sim in world.elections.values_mut() {
        let last_vote = sim
            .votes
            .iter()
            .map(|v| v.block_height)
            .max()
            .expect("votes");
        let history = sim.metadata_history.as_mut().expect("a metadata history");
        history.versions[1].block_height = last_vote;
    }
    let (run, _dir) = audit_only(&world, FaultPlan::none()).await;
    let e = &run.result.elections[0];
    assert_eq!(run.result.exit_code(), 0, "a warning only: {}", statuses(e));
    let c = check(e, "V-HIST-04");
    assert_eq!(c.status, Status::Warn, "{}", c.message);
    let f = &c.findings[0];
    assert!(f.message.contains("after voting started"), "{}", f.message);
    assert!(f.message.contains("No {+(amended)+}"), "{}", f.message);
    let history = e.history.as_ref().expect("history");
    assert_eq!(
        history.metadata_versions[1].after_voting_started,
        Some(true)
    );
}

/// A node that answers the history route with something else than a history: the route is
/// reported as unreadable (a warning) and the metadata URI that moved since NEW_PROCESS, which
/// that history would explain, is flagged for review, not failed.
#[rstest::rstest]
#[case::html_page("metadata-history:html", Status::Warn, "unreadable")]
#[case::error_status("metadata-history:500", Status::Warn, "unreadable")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_route_that_answers_badly(
    #[case] fault: &str,
    #[case] status: Status,
    #[case] says: &str,
) {
    let world = scenario("early-end", VOTES, SEED).expect("scenario");
    let faults = FaultPlan::parse(&[fault]).expect("fault");
    let (run, _dir) = audit_only(&world, faults).await;
    let e = &run.result.elections[0];
    let c = check(e, "V-HIST-04");
    assert_eq!(c.status, status, "{}", c.message);
    assert!(c.message.contains(says), "{}", c.message);
    assert!(c.findings.iter().any(|f| f
        .message
        .starts_with("cannot verify: the metadata URI NEW_PROCESS set")));
}

/// A version published at an http(s) URL is read with the node's transport and verified like
/// the IPFS ones; a URL the fetch already stored (here the gateway's own for the CID) is not
/// fetched twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_at_an_http_url_is_fetched_and_verified() {
    let mut world = scenario("early-end", VOTES, SEED).expect("scenario");
    // The address the node will have, so a version can point at its gateway over plain HTTP.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    for sim in world.elections.values_mut() {
        let history = sim.metadata_history.as_mut().expect("a metadata history");
        let amended = history.versions[1].clone();
        let cid = amended
            .metadata_url
            .trim_start_matches("ipfs://")
            .to_string();
        for url in [
            format!("http://{addr}/ipfs/{cid}?copy"),
            format!("http://{addr}/ipfs/{cid}"),
        ] {
            let mut web = amended.clone();
            web.metadata_url = url;
            history.versions.insert(1, web);
        }
    }
    let server = serve(&world, FaultPlan::none(), addr).await.expect("serve");
    let (run, dir) = audit_served(&world, server).await;
    let e = &run.result.elections[0];
    assert_eq!(run.result.verdict, Verdict::Pass, "{}", statuses(e));
    let history = e.history.as_ref().expect("history");
    let statuses: Vec<&str> = history
        .metadata_versions
        .iter()
        .map(|v| v.status.as_str())
        .collect();
    assert_eq!(statuses, ["verified"; 4]);
    assert!(history.metadata_versions[1].url.starts_with("http://"));
    // The reworded choice shows between the first two; the others repeat the second.
    assert!(!history.metadata_versions[1].changes.is_empty());
    assert!(history.metadata_versions[2..]
        .iter()
        .all(|v| v.changes.is_empty()));
    // `?copy` is stored under its URL's hash; the gateway's own URL for the CID was stored
    // already and is found by its URL, not fetched twice.
    let web: Vec<String> = std::fs::read_dir(dir.path().join("bundle/metadata"))
        .expect("metadata files")
        .filter_map(|f| f.ok())
        .map(|f| f.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("url-"))
        .collect();
    assert_eq!(web.len(), 1, "{web:?}");
}
