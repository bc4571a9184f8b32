//! Real SaaS shapes (issue "Real API shapes"): saas-backend's `CensusSpec` declares `Size` and
//! `TotalWeight` as `int64`, so `/processes/{id}` carries them as JSON numbers. A body of that
//! shape used to be unreadable and the process was reported "not found"; these tests keep the
//! simulator serving the Go shape and the audit of such a process passing end to end.

use tempfile::TempDir;

use vocaudit::api::saas::Process;
use vocaudit::audit::{audit, AuditOptions};
use vocaudit::fetch::{FetchConfig, Target};
use vocaudit::sim::{scenario, serve_local, FaultPlan};

/// A `VotingProcessResponse` as saas-backend marshals it (field names and Go types from
/// `api/apicommon/voting_processes.go`), with the fields no check reads (`legacy`, `groupId`,
/// `authFields`, `twoFaFields`, `updatedAt`, `header`, `streamUri`, `metadata`) present.
const GO_SHAPED_PROCESS: &str = r#"{
  "id": "65e1a0b2c3d4e5f6a7b8c9d0",
  "orgAddress": "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a",
  "published": true,
  "legacy": false,
  "groupId": "",
  "authFields": null,
  "twoFaFields": ["email"],
  "census": {"weighted": false, "size": 30, "totalWeight": 30},
  "title": {"default": "Assemblea"},
  "header": "", "streamUri": "",
  "metadata": {"anything": [1, 2.5, {"x": null}]},
  "startDate": "2024-05-01T10:00:00Z",
  "endDate": "2024-05-02T10:00:00Z",
  "updatedAt": "2024-05-01T09:00:00.123456789Z",
  "questions": [],
  "chainId": "vocdoni/LTS/1.2"
}"#;

#[test]
fn a_go_shaped_process_body_is_read() {
    let process: Process = serde_json::from_str(GO_SHAPED_PROCESS).expect("Go shape reads");
    assert_eq!(process.census.size.and_then(|s| s.as_u64()), Some(30));
    assert_eq!(
        process.census.total_weight.as_ref().map(|w| w.as_str()),
        Some("30")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saas_process_served_with_go_numbers_audits_clean() {
    let world = scenario("saas-csp", 12, 7).expect("scenario");
    let (pid, sim_process) = world.saas_processes.iter().next().expect("a SaaS process");
    let server = serve_local(&world, FaultPlan::none()).await.expect("serve");

    // The simulator serves the census numbers as Go's encoding/json writes an int64.
    let bytes = reqwest::get(format!("{}/processes/{pid}", server.saas_url()))
        .await
        .expect("GET process")
        .bytes()
        .await
        .expect("body");
    let body: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON body");
    let size = sim_process.process.census.size.as_ref().expect("size");
    assert!(body["census"]["size"].is_u64(), "{}", body["census"]);
    assert!(body["census"]["totalWeight"].is_u64(), "{}", body["census"]);
    assert_eq!(body["census"]["size"].to_string(), size.as_str());

    let dir = TempDir::new().expect("tempdir");
    let target = Target::Saas {
        base: server.saas_url().parse().expect("saas url"),
        process_id: pid.clone(),
        bundle_id: None,
    };
    let mut config = FetchConfig::new(
        server.node_url().parse().expect("node url"),
        target,
        dir.path().join("bundle"),
    );
    config.ipfs_gateways = vec![server.base_url().parse().expect("gateway url")];
    config.quiet = true;
    let run = audit(config, dir.path(), &AuditOptions::default())
        .await
        .expect("the process is found and audited");
    server.shutdown().await.expect("shutdown");

    assert_eq!(
        run.result.elections.len(),
        sim_process.process.questions.len()
    );
    assert_eq!(run.result.exit_code(), 0, "{:?}", run.result.verdict);
}
