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

/// The keys of a JSON object in the order they were written, each with its raw value: Go's
/// `encoding/json` writes a struct's fields in declaration order, so the order is part of the
/// shape (serde_json's `Value` would sort it away).
fn keys_in_order(json: &str) -> Vec<(String, String)> {
    struct Pairs;
    impl<'de> serde::de::Visitor<'de> for Pairs {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((key, value)) =
                map.next_entry::<String, Box<serde_json::value::RawValue>>()?
            {
                out.push((key, value.get().to_string()));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    serde::Deserializer::deserialize_map(&mut de, Pairs).expect("a JSON object")
}

/// `keys` appear in `go_order`'s order, and every field of `required` (no `omitempty`) is there.
fn assert_go_shape(what: &str, json: &str, go_order: &[&str], required: &[&str]) {
    let keys: Vec<String> = keys_in_order(json).into_iter().map(|(k, _)| k).collect();
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| {
            go_order
                .iter()
                .position(|g| g == k)
                .unwrap_or_else(|| panic!("{what}: {k:?} is not a field of the Go type"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{what}: fields {keys:?} are not in the Go type's order {go_order:?}"
    );
    for field in required {
        assert!(
            keys.iter().any(|k| k == field),
            "{what}: {field:?} has no omitempty"
        );
    }
}

/// What the simulator serves at `/processes/{id}` is what saas-backend marshals, field by field:
/// `VotingProcessResponse`, `CensusSpec` (`api/apicommon/voting_processes.go`) and
/// `db.VotingProcessQuestion` (`db/types.go`) at saas-backend fb835a15ba93, in declaration order,
/// with the non-`omitempty` fields always present and the census numbers as JSON numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_serves_the_go_field_order() {
    const PROCESS: &[&str] = &[
        "id",
        "orgAddress",
        "published",
        "census",
        "title",
        "description",
        "header",
        "streamUri",
        "startDate",
        "endDate",
        "questions",
        "chainId",
        "updatedAt",
    ];
    const CENSUS: &[&str] = &[
        "weighted",
        "authFields",
        "twoFaFields",
        "groupId",
        "memberIds",
        "size",
        "totalWeight",
    ];
    const QUESTION: &[&str] = &[
        "id",
        "parentProcessId",
        "title",
        "description",
        "choices",
        "type",
        "typeSetup",
        "ballotProtocol",
        "secretUntilTheEnd",
        "eligibleMemberIds",
        "metadata",
        "upstreamId",
        "status",
        "encryptionKeys",
        "results",
    ];
    let world = scenario("saas-csp", 6, 7).expect("scenario");
    let pid = world
        .saas_processes
        .keys()
        .next()
        .expect("a SaaS process")
        .clone();
    let server = serve_local(&world, FaultPlan::none()).await.expect("serve");
    let body = reqwest::get(format!("{}/processes/{pid}", server.saas_url()))
        .await
        .expect("GET process")
        .text()
        .await
        .expect("body");
    server.shutdown().await.expect("shutdown");

    assert_go_shape(
        "process",
        &body,
        PROCESS,
        &[
            "id",
            "orgAddress",
            "published",
            "census",
            "title",
            "questions",
        ],
    );
    let fields = keys_in_order(&body);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let census = field("census");
    assert_go_shape("census", &census, CENSUS, &["weighted"]);
    for (key, value) in keys_in_order(&census) {
        if key == "size" || key == "totalWeight" {
            assert!(
                value.bytes().all(|b| b.is_ascii_digit()),
                "census.{key} = {value}: an int64 is a JSON number"
            );
        }
    }
    let questions: Vec<Box<serde_json::value::RawValue>> =
        serde_json::from_str(&field("questions")).expect("questions is a list");
    assert!(!questions.is_empty());
    for (i, question) in questions.iter().enumerate() {
        assert_go_shape(
            &format!("questions[{i}]"),
            question.get(),
            QUESTION,
            &[
                "id",
                "parentProcessId",
                "title",
                "choices",
                "type",
                "typeSetup",
                "secretUntilTheEnd",
            ],
        );
    }
}
