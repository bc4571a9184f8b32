//! Anonymous elections end to end: the simulator's `anonymous` worlds served on loopback,
//! fetched, verified and reported. A clean world passes (exit 0) with every V-ZK check
//! reported and the test key flagged; each `zk-*` tamper fails exactly its check at its vote
//! id (exit 1); the fetched bundle re-verifies offline; without the test key the verdict is never pass.

use std::path::Path;
use std::sync::Arc;

use rstest::rstest;
use tempfile::TempDir;

use vocaudit::audit::{audit, circuits_with, verify_bundle, AuditOptions, AuditRun};
use vocaudit::fetch::{FetchConfig, Target};
use vocaudit::protocol::zk::registry::SignalLayout;
use vocaudit::protocol::zk::CircuitRegistry;
use vocaudit::sim::{apply_tamper, scenario, serve_local, FaultPlan, World};
use vocaudit::verify::result::{AuditResult, CheckResult, Status, Verdict};

const VOTES: usize = 30;
const SEED: u64 = 7;

/// Vocdoni's keys plus the world's test key, as `--zk-key` would add it.
fn trusting(world: &World) -> Option<Arc<CircuitRegistry>> {
    let mut registry = CircuitRegistry::vocdoni().unwrap();
    registry
        .add_trusted_key(
            "sim-zk-key.json",
            world.zk_key.as_ref().unwrap(),
            SignalLayout::V1_0_0,
        )
        .unwrap();
    Some(Arc::new(registry))
}

/// Serves `world`, audits its one election into `dir` with `circuits`.
async fn audit_in(world: &World, dir: &Path, circuits: Option<Arc<CircuitRegistry>>) -> AuditRun {
    let server = serve_local(world, FaultPlan::none()).await.expect("serve");
    let id = world.elections.keys().next().unwrap().clone();
    let mut config = FetchConfig::new(
        server.node_url().parse().unwrap(),
        Target::Election(id),
        dir.join("bundle"),
    );
    config.ipfs_gateways = vec![server.base_url().parse().unwrap()];
    config.quiet = true;
    let options = AuditOptions {
        generated_at: Some("2026-06-01T12:00:00Z".into()),
        circuits,
        ..Default::default()
    };
    let run = audit(config, dir, &options).await.expect("audit");
    server.shutdown().await.expect("shutdown");
    run
}

fn check<'a>(r: &'a AuditResult, id: &str) -> &'a CheckResult {
    r.all_checks()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} not reported"))
}

fn failing(r: &AuditResult) -> Vec<&CheckResult> {
    r.all_checks()
        .filter(|c| c.status == Status::Fail)
        .collect()
}

#[rstest]
#[case::plain("anonymous")]
#[case::encrypted("anonymous-encrypted")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_anonymous_world_passes_and_re_verifies_offline(#[case] name: &str) {
    let world = scenario(name, VOTES, SEED).unwrap();
    let dir = TempDir::new().unwrap();
    let run = audit_in(&world, dir.path(), trusting(&world)).await;
    let r = &run.result;
    assert!(failing(r).is_empty(), "{name}: {:#?}", failing(r));
    assert_eq!((r.verdict, r.exit_code()), (Verdict::Pass, 0), "{name}");
    for id in [
        "V-ZK-02",
        "V-ZK-03",
        "V-ZK-04",
        "V-ZK-05",
        "V-ZK-06",
        "V-CENSUS-01",
        "V-CENSUS-05",
        "V-TALLY-01",
        "V-TALLY-02",
    ] {
        assert_eq!(
            check(r, id).status,
            Status::Pass,
            "{name} {id}: {}",
            check(r, id).message
        );
    }
    // The proofs verify only under the test key, which the report flags.
    assert_eq!(check(r, "V-ZK-01").status, Status::Warn);
    assert_eq!(check(r, "V-ZK-07").status, Status::Skip);
    let keys = &r.elections[0].zk_keys;
    assert_eq!(keys.len(), 1);
    assert!(!keys[0].vocdoni);
    assert_eq!(keys[0].proofs, VOTES as u64);
    let json = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(json.contains("\"zkKeys\""), "report.json names the key");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("sim-zk-key.json"),
        "report.html names the key"
    );
    // At least one voter overwrote (the node counts the last envelope).
    assert!(
        r.elections[0]
            .ballots
            .iter()
            .flatten()
            .any(|b| b.overwrites.unwrap_or(0) > 0),
        "{name}: no overwrite in the world"
    );

    // Offline: the bundle alone, with the same key.
    let out = TempDir::new().unwrap();
    let options = AuditOptions {
        generated_at: Some("2026-06-01T12:00:00Z".into()),
        circuits: trusting(&world),
        ..Default::default()
    };
    let again = verify_bundle(&dir.path().join("bundle"), out.path(), &options).unwrap();
    assert_eq!(again.result.verdict, Verdict::Pass);
    assert_eq!(check(&again.result, "V-ZK-01").status, Status::Warn);
}

#[rstest]
#[case::proof("zk-proof", "V-ZK-01")]
#[case::election("zk-election", "V-ZK-02")]
#[case::census_root("zk-census-root", "V-ZK-03")]
#[case::vote_hash("zk-vote-hash", "V-ZK-04")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_zk_tamper_fails_exactly_its_check_at_its_vote(
    #[case] tamper: &str,
    #[case] id: &str,
    #[values("anonymous", "anonymous-encrypted")] name: &str,
) {
    let mut world = scenario(name, VOTES, SEED).unwrap();
    let applied = apply_tamper(&mut world, tamper).unwrap();
    let dir = TempDir::new().unwrap();
    let run = audit_in(&world, dir.path(), trusting(&world)).await;
    let r = &run.result;
    let failed: Vec<&str> = failing(r).iter().map(|c| c.id.as_str()).collect();
    assert_eq!(failed, [id], "{name} × {tamper}: {:#?}", failing(r));
    let findings: Vec<_> = check(r, id)
        .findings
        .iter()
        .filter(|f| f.location.vote_id.is_some())
        .collect();
    assert_eq!(findings.len(), 1, "{name} × {tamper}: {findings:#?}");
    assert_eq!(
        findings[0].location.vote_id, applied.location.vote_id,
        "{name} × {tamper}"
    );
    assert_eq!((r.verdict, r.exit_code()), (Verdict::Fail, 1));
    if tamper == "zk-vote-hash" {
        assert!(
            findings[0]
                .message
                .contains("the chain no longer checks this"),
            "{}",
            findings[0].message
        );
    }
}

/// Without the test key: when the node names its circuit (a key vocaudit does not hold), the
/// proofs cannot be judged and the verdict is incomplete (exit 2), V-CENSUS-05 saying why; when
/// it names none, the proofs simply do not verify (exit 1). Never pass.
#[rstest]
#[case::node_names_an_unknown_circuit(true)]
#[case::node_names_no_circuit(false)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_test_key_the_verdict_is_never_pass(#[case] names_circuit: bool) {
    let mut world = scenario("anonymous", VOTES, SEED).unwrap();
    if !names_circuit {
        world.circuit = None;
    }
    let dir = TempDir::new().unwrap();
    let run = audit_in(&world, dir.path(), None).await;
    let r = &run.result;
    assert!(r.elections[0].zk_keys.is_empty());
    if names_circuit {
        assert!(failing(r).is_empty(), "{:#?}", failing(r));
        assert_eq!((r.verdict, r.exit_code()), (Verdict::Incomplete, 2));
        assert_eq!(check(r, "V-ZK-01").status, Status::Warn);
        let why = check(r, "V-CENSUS-05");
        assert_eq!(why.status, Status::Skip);
        assert!(
            why.message.contains("unknown circuit") && why.message.contains("sim-test"),
            "{}",
            why.message
        );
    } else {
        let failed: Vec<&str> = failing(r).iter().map(|c| c.id.as_str()).collect();
        assert_eq!(failed, ["V-ZK-01"]);
        assert_eq!((r.verdict, r.exit_code()), (Verdict::Fail, 1));
    }
}

/// The node's `/chain/info/circuit` is compared, never trusted: a node claiming Vocdoni's
/// v1.0.0 while the proofs verify under the test key is flagged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_claiming_another_circuit_is_flagged() {
    let mut world = scenario("anonymous", VOTES, SEED).unwrap();
    let circuit = world.circuit.as_mut().unwrap();
    circuit.version = "v1.0.0".into();
    circuit.verification_key_hash = vocaudit::protocol::zk::registry::V1_0_0_SHA256.into();
    let dir = TempDir::new().unwrap();
    let run = audit_in(&world, dir.path(), trusting(&world)).await;
    let r = &run.result;
    assert_eq!(r.verdict, Verdict::Pass);
    let zk01 = check(r, "V-ZK-01");
    assert!(
        zk01.findings
            .iter()
            .any(|f| f.message.contains("but the proofs verify under other keys")),
        "{zk01:#?}"
    );
    let stored = std::fs::read_to_string(dir.path().join("bundle/chain/circuit.json")).unwrap();
    assert!(stored.contains("vKeyHash"), "{stored}");
    assert!(dir.path().join("bundle/chain/siks-roots.json").exists());
}

#[test]
fn a_zk_key_file_is_trusted_and_a_bad_one_refused() {
    let world = scenario("anonymous", 4, SEED).unwrap();
    let dir = TempDir::new().unwrap();
    let good = dir.path().join("key.json");
    std::fs::write(&good, world.zk_key.as_ref().unwrap()).unwrap();
    let registry = circuits_with(std::slice::from_ref(&good)).unwrap().unwrap();
    assert_eq!(registry.keys().filter(|k| !k.is_vocdoni()).count(), 1);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, b"{\"protocol\": \"plonk\"}").unwrap();
    let e = circuits_with(&[bad]).unwrap_err();
    assert!(e.contains("bad.json"), "{e}");
    assert!(circuits_with(&[]).unwrap().is_none());
}

/// `sim serve --scenario anonymous` prints `zk-key: PATH`; `audit --zk-key PATH` passes on it
/// (exit 0); without the key the node's circuit is unknown and the verdict incomplete (exit 2);
/// `receipt --zk-key PATH --vote-id NULLIFIER` checks one vote (exit 0).
#[test]
fn the_binary_audits_sim_serve_with_the_printed_zk_key() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let bin = env!("CARGO_BIN_EXE_vocaudit");
    let tmp = TempDir::new().unwrap();
    let key_path = tmp.path().join("zk-key.json");
    let mut serve = Command::new(bin)
        .args([
            "sim",
            "serve",
            "--scenario",
            "anonymous",
            "--votes",
            "8",
            "--seed",
            "3",
        ])
        .arg("--zk-key-out")
        .arg(&key_path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(serve.stdout.take().unwrap()).lines();
    let (mut node, mut ipfs, mut election, mut key) = (None, None, None, None);
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(v) = line.strip_prefix("node:") {
            node = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("ipfs:") {
            ipfs = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("election ") {
            election = v.split_whitespace().next().map(str::to_string);
        } else if let Some(v) = line.strip_prefix("zk-key:") {
            key = Some(v.trim().to_string());
            break;
        }
    }
    let (node, ipfs, election, key) = (
        node.unwrap(),
        ipfs.unwrap(),
        election.unwrap(),
        key.unwrap(),
    );
    assert_eq!(Path::new(&key), key_path);
    let audit = |out: &str, zk_key: Option<&str>| {
        let mut cmd = Command::new(bin);
        cmd.args([
            "audit",
            "--node",
            &node,
            "--election",
            &election,
            "--ipfs-gateway",
            &ipfs,
            "--quiet",
            "--out",
        ])
        .arg(tmp.path().join(out));
        if let Some(k) = zk_key {
            cmd.args(["--zk-key", k]);
        }
        cmd.output().unwrap()
    };
    let trusted = audit("trusted", Some(&key));
    // The node names its circuit, whose key vocaudit does not hold: incomplete.
    let untrusted = audit("untrusted", None);
    let bad_key = audit("bad-key", Some("/nonexistent/key.json"));
    // The same world, generated here, names a vote id (its proof's nullifier) for a receipt.
    let world = scenario("anonymous", 8, 3).unwrap();
    let vote_id = world.elections[&election].votes[0].vote_id.clone();
    let receipt = Command::new(bin)
        .args([
            "receipt",
            "--node",
            &node,
            "--election",
            &election,
            "--vote-id",
            &vote_id,
        ])
        .args(["--zk-key", &key])
        .output()
        .unwrap();
    serve.kill().unwrap();
    serve.wait().unwrap();
    assert_eq!(
        receipt.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&receipt.stdout)
    );
    assert!(String::from_utf8_lossy(&receipt.stdout).contains("V-ZK-01"));
    assert_eq!(
        trusted.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&trusted.stdout)
    );
    assert_eq!(
        untrusted.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&untrusted.stdout)
    );
    assert_eq!(bad_key.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_key.stderr).contains("--zk-key"));
    let report = std::fs::read_to_string(tmp.path().join("trusted/report.json")).unwrap();
    assert!(report.contains(&key), "report.json names the key file");
}

/// `vocaudit receipt` for an anonymous vote, given its nullifier: counted, its proof checks pass
/// under the trusted test key, and a tampered vote shows the failing check.
#[rstest]
#[case::clean(None, None)]
#[case::vote_hash(Some("zk-vote-hash"), Some("V-ZK-04"))]
#[case::proof(Some("zk-proof"), Some("V-ZK-01"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_checks_an_anonymous_vote_by_its_nullifier(
    #[case] tamper: Option<&str>,
    #[case] failing_check: Option<&str>,
) {
    use vocaudit::fetch::http::{HttpClient, HttpConfig};
    use vocaudit::receipt::{check_with_circuits, CheckStatus, VoteRef};
    let mut world = scenario("anonymous", VOTES, SEED).unwrap();
    let target = tamper.map(|t| apply_tamper(&mut world, t).unwrap());
    let server = serve_local(&world, FaultPlan::none()).await.unwrap();
    let (id, sim) = world.elections.iter().next().unwrap();
    let vote_id = match &target {
        Some(t) => t.location.vote_id.clone().unwrap(),
        None => sim.votes[0].vote_id.clone(),
    };
    let http = HttpClient::new(HttpConfig::default()).unwrap();
    let r = check_with_circuits(
        &http,
        &server.node_url(),
        id,
        VoteRef::VoteId(vote_id.clone()),
        trusting(&world),
    )
    .await
    .unwrap();
    server.shutdown().await.unwrap();
    assert_eq!(r.vote_id, vote_id);
    assert!(r.counted, "{:?}", r.not_counted_because);
    let zk: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.detail.starts_with("V-ZK-"))
        .collect();
    assert_eq!(zk.len(), 6, "{zk:#?}");
    let failed: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| c.detail.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        failed,
        failing_check.into_iter().collect::<Vec<_>>(),
        "{:#?}",
        r.checks
    );
    assert_eq!(r.exit_code(), u8::from(failing_check.is_some()));
    if failing_check.is_none() {
        let proof = zk.iter().find(|c| c.detail.starts_with("V-ZK-01")).unwrap();
        assert!(
            proof.detail.contains("not one of Vocdoni's keys"),
            "{}",
            proof.detail
        );
    }
}

/// `watch --until-results` on a live anonymous election: each vote judged as it arrives (the
/// replayed proof of `zk-vote-hash` flagged at its vote id by V-ZK-04), then the one-shot
/// audit's verdict, with the test key trusted as `--zk-key` adds it.
#[rstest]
#[case::clean(None, 0)]
#[case::vote_hash(Some("zk-vote-hash"), 1)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_judges_anonymous_votes_as_they_arrive(
    #[case] tamper: Option<&str>,
    #[case] exit: i32,
) {
    use std::time::Duration;
    use vocaudit::watch::{self, Event, WatchConfig};
    let mut world = scenario("anonymous", 12, SEED).unwrap();
    let target = tamper.map(|t| apply_tamper(&mut world, t).unwrap());
    vocaudit::sim::live::make_live(&mut world, 4).unwrap();
    let server = serve_local(&world, FaultPlan::none()).await.unwrap();
    let id = world.elections.keys().next().unwrap().clone();
    let dir = TempDir::new().unwrap();
    let config = WatchConfig {
        interval: Duration::from_millis(20),
        until_results: true,
        ipfs_gateways: vec![server.base_url().parse().unwrap()],
        audit: AuditOptions {
            generated_at: Some("2026-06-01T12:00:00Z".into()),
            circuits: trusting(&world),
            ..Default::default()
        },
        ..WatchConfig::new(server.node_url().parse().unwrap(), &id, dir.path())
    };
    let mut events = Vec::new();
    let code = tokio::time::timeout(
        Duration::from_secs(120),
        watch::watch(config, &mut |e: &Event| events.push(e.clone())),
    )
    .await
    .expect("watch ends")
    .expect("watch runs");
    server.shutdown().await.unwrap();
    assert_eq!(code, exit);
    let anomalies: Vec<(String, Option<String>)> = events
        .iter()
        .filter_map(|e| match e {
            Event::Anomaly {
                check,
                status,
                finding,
                ..
            } if *status == Status::Fail => Some((check.clone(), finding.location.vote_id.clone())),
            _ => None,
        })
        .collect();
    match target {
        None => assert!(anomalies.is_empty(), "{anomalies:?}"),
        Some(t) => assert!(
            anomalies.contains(&("V-ZK-04".to_string(), t.location.vote_id.clone())),
            "{anomalies:?}"
        ),
    }
}
