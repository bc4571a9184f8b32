//! The acceptance matrix: every simulator scenario × every tamper, end to end through the
//! loopback HTTP node, the fetcher, the bundle loader and the verifier. A clean world passes with
//! no failing check; a tampered world fails exactly the tamper's category, at the location the
//! tamper names, and nothing else; the exit status follows the verdict.

use rstest::rstest;
use tempfile::TempDir;

use vocaudit::audit::{audit, AuditOptions, AuditRun};
use vocaudit::fetch::{FetchConfig, Target};
use vocaudit::sim::tamper::LocationKind;
use vocaudit::sim::{apply_tamper, scenario, serve_local, FaultPlan, TamperError, World};
use vocaudit::verify::result::{
    AuditResult, Category, CheckResult, ElectionAudit, Location, Status, Verdict,
};

/// Voters per election: small, so the debug build stays quick.
const VOTES: usize = 24;
const SEED: u64 = 7;

/// What to audit for election `id`: the SaaS process that holds it as a question, else the
/// election itself.
fn target_of(world: &World, saas_url: &str, id: &str) -> Target {
    let process = world.saas_processes.iter().find(|(_, p)| {
        p.process
            .questions
            .iter()
            .any(|q| q.upstream_id.eq_ignore_ascii_case(id))
    });
    match process {
        Some((pid, _)) => Target::Saas {
            base: reqwest::Url::parse(saas_url).expect("saas url"),
            process_id: pid.clone(),
            bundle_id: None,
        },
        None => Target::Election(id.to_string()),
    }
}

/// Vocdoni's circuit keys plus the world's test key (as `--zk-key` adds it), for worlds with
/// anonymous elections.
fn trusting(world: &World) -> Option<std::sync::Arc<vocaudit::protocol::zk::CircuitRegistry>> {
    let key = world.zk_key.as_ref()?;
    let mut registry = vocaudit::protocol::zk::CircuitRegistry::vocdoni().expect("pinned keys");
    registry
        .add_trusted_key(
            "sim-zk-key.json",
            key,
            vocaudit::protocol::zk::SignalLayout::V1_0_0,
        )
        .expect("test key");
    Some(std::sync::Arc::new(registry))
}

/// Serves `world` on loopback and audits the target holding each election of `ids` (each
/// target once), returning one run per target.
async fn audit_world(world: &World, ids: &[String]) -> Vec<AuditRun> {
    let server = serve_local(world, FaultPlan::none()).await.expect("serve");
    let node = reqwest::Url::parse(&server.node_url()).expect("node url");
    let gateway = reqwest::Url::parse(&server.base_url()).expect("gateway url");
    let mut targets: Vec<Target> = Vec::new();
    for id in ids {
        let target = target_of(world, &server.saas_url(), id);
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    let mut runs = Vec::new();
    for target in targets {
        let dir = TempDir::new().expect("tempdir");
        let mut config = FetchConfig::new(node.clone(), target, dir.path().join("bundle"));
        config.ipfs_gateways = vec![gateway.clone()];
        config.quiet = true;
        let options = AuditOptions {
            sign_with: None,
            generated_at: Some("2026-06-01T12:00:00Z".into()),
            circuits: trusting(world),
            ..Default::default()
        };
        runs.push(audit(config, dir.path(), &options).await.expect("audit"));
    }
    server.shutdown().await.expect("shutdown");
    runs
}

fn failing(result: &AuditResult) -> Vec<&CheckResult> {
    result
        .all_checks()
        .filter(|c| c.status == Status::Fail)
        .collect()
}

fn describe(checks: &[&CheckResult]) -> String {
    checks
        .iter()
        .map(|c| format!("{} {:?}: {}", c.id, c.category, c.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `found` names what `expected` names, for the parts `kind` says the tamper breaks.
fn location_matches(kind: LocationKind, expected: &Location, found: &Location) -> bool {
    let same = |a: &Option<String>, b: &Option<String>| {
        a.as_deref().map(str::to_ascii_lowercase) == b.as_deref().map(str::to_ascii_lowercase)
    };
    found
        .election_id
        .eq_ignore_ascii_case(&expected.election_id)
        && match kind {
            LocationKind::Election => true,
            LocationKind::Vote => same(&expected.vote_id, &found.vote_id),
            LocationKind::VoteTx => {
                same(&expected.vote_id, &found.vote_id) && same(&expected.tx_hash, &found.tx_hash)
            }
            LocationKind::Tx => same(&expected.tx_hash, &found.tx_hash),
            LocationKind::Cell => expected.cell == found.cell,
            LocationKind::Key => expected.key_index == found.key_index,
        }
}

fn scenario_world(name: &str) -> World {
    scenario(name, VOTES, SEED).unwrap_or_else(|e| panic!("scenario {name}: {e}"))
}

#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_world_passes(
    #[values(
        "demo",
        "saas-csp",
        "weighted-encrypted",
        "csp-ecdsa",
        "quadratic",
        "budget",
        "approval",
        "multiple-choice",
        "overwrites",
        "invalid-ballots",
        "anonymous",
        "anonymous-encrypted",
        "early-end"
    )]
    name: &str,
) {
    let world = scenario_world(name);
    let ids: Vec<String> = world.elections.keys().cloned().collect();
    let runs = audit_world(&world, &ids).await;
    let audited: usize = runs.iter().map(|r| r.result.elections.len()).sum();
    assert_eq!(audited, ids.len(), "{name}: every election audited once");
    for run in runs {
        let fails = failing(&run.result);
        assert!(
            fails.is_empty(),
            "{name}: failing checks\n{}",
            describe(&fails)
        );
        assert_eq!(run.result.verdict, Verdict::Pass, "{name}");
        assert_eq!(run.result.exit_code(), 0, "{name}");
        for election in &run.result.elections {
            shows_metadata_titles(name, election);
            legacy_salt_flagged_once(name, election);
        }
    }
}

#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tamper_fails_its_category_only(
    #[values(
        "demo",
        "saas-csp",
        "weighted-encrypted",
        "csp-ecdsa",
        "quadratic",
        "budget",
        "approval",
        "multiple-choice",
        "overwrites",
        "invalid-ballots",
        "anonymous",
        "anonymous-encrypted",
        "early-end"
    )]
    name: &str,
    #[values(
        "result-cell",
        "scrutiny-differs",
        "weight-inflated",
        "voter-signature",
        "csp-signature",
        "duplicate-nullifier",
        "census-dump-root",
        "vote-outside-window",
        "vote-count",
        "wrong-revealed-key",
        "ciphertext-mismatch",
        "saas-results",
        "tx-hash",
        "overwrite-limit",
        "saas-census-size",
        "vote-after-early-end",
        "key-revealed-early",
        "metadata-cid-mismatch",
        "metadata-version-mismatch",
        "status-by-stranger",
        "hidden-envelope",
        "zk-proof",
        "zk-election",
        "zk-census-root",
        "zk-vote-hash"
    )]
    tamper: &str,
) {
    let mut world = scenario_world(name);
    let applied = match apply_tamper(&mut world, tamper) {
        Ok(applied) => applied,
        Err(TamperError::NotApplicable { needs, .. }) => {
            println!("skipped: {name} × {tamper}: the tamper needs {needs}");
            return;
        }
        Err(e) => panic!("{name} × {tamper}: {e}"),
    };
    let mut runs = audit_world(&world, std::slice::from_ref(&applied.location.election_id)).await;
    let run = runs.pop().expect("one audit");
    let fails = failing(&run.result);
    let case = format!("{name} × {tamper}");
    assert!(!fails.is_empty(), "{case}: nothing failed");
    let others: Vec<_> = fails
        .iter()
        .copied()
        .filter(|c| c.category.as_str() != applied.info.category)
        .collect();
    assert!(
        others.is_empty(),
        "{case}: expected only {:?} to fail, also failing:\n{}",
        applied.info.category,
        describe(&others)
    );
    let located = fails
        .iter()
        .flat_map(|c| c.findings.iter())
        .any(|f| location_matches(applied.info.location, &applied.location, &f.location));
    assert!(
        located,
        "{case}: no failing finding at {:?} ({:?}); findings:\n{:#?}",
        applied.location,
        applied.info.location,
        fails
            .iter()
            .flat_map(|c| c.findings.iter().map(|f| &f.location))
            .collect::<Vec<_>>()
    );
    assert_eq!(run.result.verdict, Verdict::Fail, "{case}");
    assert_eq!(run.result.exit_code(), 1, "{case}");
}

/// The report names the election and its questions and choices from the node's metadata, one
/// per results row and column, never the generic "Question n" / "Option v".
fn shows_metadata_titles(name: &str, election: &ElectionAudit) {
    assert!(election.title.is_some(), "{name}: no election title");
    if let Some(reading) = election
        .by_choice
        .as_ref()
        .filter(|r| r.mode == "multiple-choice")
    {
        // The SDK's shape: one question; every row (a selected position) offers its choices
        // and the abstain values past them.
        assert_eq!(election.questions.len(), 1, "{name}: one question");
        let q = &election.questions[0];
        let abstain = reading.abstain.as_ref().map_or(0, |a| a.values.len());
        for row in election.tally.published.iter().flatten() {
            assert_eq!(q.choices.len() + abstain, row.len(), "{name}: {}", q.title);
        }
        assert!(!q.title.starts_with("Question "), "{name}: {}", q.title);
        assert!(q
            .choices
            .iter()
            .all(|c| !c.is_empty() && !c.starts_with("Option ")));
        return;
    }
    let rows = election.tally.published.as_ref().map_or(0, Vec::len);
    assert_eq!(
        election.questions.len(),
        rows,
        "{name}: one question per row"
    );
    for (q, row) in election
        .questions
        .iter()
        .zip(election.tally.published.iter().flatten())
    {
        assert!(!q.title.starts_with("Question "), "{name}: {}", q.title);
        assert_eq!(q.choices.len(), row.len(), "{name}: {}", q.title);
        for c in &q.choices {
            assert!(!c.is_empty() && !c.starts_with("Option "), "{name}: {c:?}");
        }
    }
}

/// V-CENSUS-04 is one election-level remark saying how many proofs use the legacy salt.
fn legacy_salt_flagged_once(name: &str, election: &ElectionAudit) {
    let Some(check) = election.checks.iter().find(|c| c.id == "V-CENSUS-04") else {
        panic!("{name}: V-CENSUS-04 missing");
    };
    match check.status {
        Status::Warn => {
            assert_eq!(check.findings.len(), 1, "{name}: {:?}", check.findings);
            let finding = &check.findings[0];
            assert_eq!(finding.location, Location::election(&election.election_id));
            let legacy: u64 = finding.actual.as_deref().unwrap_or("").parse().unwrap_or(0);
            assert!(legacy > 0, "{name}: {finding:?}");
            assert!(
                finding.message.starts_with(&format!("{legacy} of ")),
                "{name}: {}",
                finding.message
            );
        }
        _ => assert!(check.findings.is_empty(), "{name}: {:?}", check.findings),
    }
}

/// Every tamper of the catalogue is in the matrix above, and every scenario too.
#[test]
fn matrix_covers_the_catalogues() {
    let tampers: Vec<_> = vocaudit::sim::tampers().iter().map(|t| t.name).collect();
    assert_eq!(tampers, TAMPERS, "update the #[values] list of tampers");
    let scenarios: Vec<_> = vocaudit::sim::scenarios().iter().map(|s| s.name).collect();
    assert_eq!(
        scenarios, SCENARIOS,
        "update the #[values] lists of scenarios"
    );
}

/// The simulator names the category a tamper must trip in report.json's words, without
/// importing the verifier: each of those names must be one of the verifier's categories.
#[test]
fn tamper_categories_are_report_categories() {
    for t in vocaudit::sim::tampers() {
        let parsed: Result<Category, _> = serde_json::from_value(serde_json::json!(t.category));
        assert_eq!(
            parsed.map(Category::as_str).ok(),
            Some(t.category),
            "tamper {} names an unknown category",
            t.name
        );
    }
}

/// The names in the `#[values]` lists above (rstest needs them as literals).
const SCENARIOS: [&str; 13] = [
    "demo",
    "saas-csp",
    "weighted-encrypted",
    "csp-ecdsa",
    "quadratic",
    "budget",
    "approval",
    "multiple-choice",
    "overwrites",
    "invalid-ballots",
    "anonymous",
    "anonymous-encrypted",
    "early-end",
];
const TAMPERS: [&str; 25] = [
    "result-cell",
    "scrutiny-differs",
    "weight-inflated",
    "voter-signature",
    "csp-signature",
    "duplicate-nullifier",
    "census-dump-root",
    "vote-outside-window",
    "vote-count",
    "wrong-revealed-key",
    "ciphertext-mismatch",
    "saas-results",
    "tx-hash",
    "overwrite-limit",
    "saas-census-size",
    "vote-after-early-end",
    "key-revealed-early",
    "metadata-cid-mismatch",
    "metadata-version-mismatch",
    "status-by-stranger",
    "hidden-envelope",
    "zk-proof",
    "zk-election",
    "zk-census-root",
    "zk-vote-hash",
];
