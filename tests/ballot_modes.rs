//! Ballot modes whose results matrix is not one row per question, read end to end: the
//! simulator's multiple-choice election carries the SDK's metadata (one question, abstain values
//! past its choices), and the report adds its results by choice — each choice's column summed
//! over the positions, the abstentions apart — in report.json, report.html and report.pdf.

use num_bigint::BigUint;
use tempfile::TempDir;

use vocaudit::audit::{audit, AuditOptions};
use vocaudit::fetch::{FetchConfig, Target};
use vocaudit::sim::{scenario, serve_local, FaultPlan};

const VOTES: usize = 40;
const SEED: u64 = 5;

fn column_sum(matrix: &[Vec<String>], columns: &[u64]) -> BigUint {
    matrix
        .iter()
        .flat_map(|row| columns.iter().map(move |c| &row[*c as usize]))
        .map(|cell| cell.parse::<BigUint>().expect("decimal"))
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multiple_choice_results_are_read_by_choice_with_abstentions_apart() {
    let world = scenario("multiple-choice", VOTES, SEED).expect("scenario");
    let id = world.elections.keys().next().expect("election").clone();
    let server = serve_local(&world, FaultPlan::none()).await.expect("serve");
    let dir = TempDir::new().expect("tempdir");
    let mut config = FetchConfig::new(
        reqwest::Url::parse(&server.node_url()).expect("node url"),
        Target::Election(id.clone()),
        dir.path().join("bundle"),
    );
    config.ipfs_gateways = vec![reqwest::Url::parse(&server.base_url()).expect("gateway")];
    config.quiet = true;
    let run = audit(config, dir.path(), &AuditOptions::default())
        .await
        .expect("audit");
    server.shutdown().await.expect("shutdown");

    let election = &run.result.elections[0];
    let computed = election.tally.computed.as_ref().expect("computed tally");
    let published = election.tally.published.as_ref().expect("published tally");
    // Three positions of six values: choices 0..=2, abstentions 3..=5.
    assert_eq!((computed.len(), computed[0].len()), (3, 6));
    let reading = election.by_choice.as_ref().expect("results by choice");
    assert_eq!(reading.mode, "multiple-choice");
    assert_eq!(reading.choices.len(), 3);
    for (value, total) in reading.choices.iter().enumerate() {
        assert_eq!(total.values, [value as u64]);
        let expected = column_sum(computed, &[value as u64]).to_string();
        assert_eq!(total.computed.as_deref(), Some(expected.as_str()));
        let expected = column_sum(published, &[value as u64]).to_string();
        assert_eq!(total.published.as_deref(), Some(expected.as_str()));
    }
    let abstain = reading.abstain.as_ref().expect("abstentions");
    assert_eq!(abstain.values, [3, 4, 5]);
    let expected = column_sum(computed, &[3, 4, 5]);
    assert_eq!(abstain.computed, Some(expected.to_string()));
    // Every counted ballot fills the three positions with choices or abstentions.
    let all: BigUint = (0..6).map(|v| column_sum(computed, &[v])).sum();
    assert_eq!(all, BigUint::from(3 * election.votes.counted));

    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("report.json")).expect("report.json"),
    )
    .expect("json");
    assert_eq!(
        json["elections"][0]["byChoice"]["abstain"]["values"],
        serde_json::json!([3, 4, 5])
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).expect("report.html");
    for needle in [
        "Results by choice",
        "Abstention",
        "Which activities for the retreat? (selection 2)",
        "Cooking class",
    ] {
        assert!(html.contains(needle), "{needle:?} not in report.html");
    }
}
