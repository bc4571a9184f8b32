//! The exports beside report.json: results.csv (one row per election × question × choice),
//! votes.csv (one row per listed vote) and results.nist.json, validated against NIST SP 1500-100
//! Rev. 2's own schema (tests/standards/). Fixtures pin the formats; simulated audits tie the
//! vote ledger to the tally it produced.

mod report_common;

use std::path::Path;

use num_bigint::BigUint;
use report_common::*;
use rstest::rstest;
use serde_json::{json, Value};
use vocaudit::report::{render_all, results_csv, results_nist_json, votes_csv, RenderOptions};
use vocaudit::sim::{self, FaultPlan};
use vocaudit::verify::result::{
    AuditResult, EligibleSource, HexId, Verdict, VoteOutcome, VoteRecord,
};
use vocaudit::{audit, fetch};

fn records(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn nist_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/standards/NIST_V2_election_results_reporting.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    jsonschema::draft4::new(&schema).expect("the NIST schema compiles")
}

fn nist_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

#[test]
fn results_csv_has_a_row_per_cell_with_match_and_share() {
    let (header, rows) = records(&results_csv(&failing()).unwrap());
    assert_eq!(
        header,
        [
            "election_id",
            "question",
            "question_title",
            "choice",
            "choice_title",
            "computed",
            "published",
            "match",
            "percent_of_counted",
            "percent_of_eligible"
        ]
    );
    // Two elections × (3 + 2) choices.
    assert_eq!(rows.len(), 10);
    let row = |e: &str, q: &str, c: &str| {
        rows.iter()
            .find(|r| r[0] == e && r[1] == q && r[3] == c)
            .unwrap_or_else(|| panic!("no row {e} {q} {c}"))
            .clone()
    };
    // [120, 75, 5] of 200; the tampered cell publishes 95 against 75 computed.
    assert_eq!(
        row(E1, "1", "2"),
        [
            E1,
            "1",
            "Approve the 2025 budget?",
            "2",
            "No",
            "75",
            "95",
            "no",
            "37.50",
            "18.75"
        ]
    );
    assert_eq!(row(E1, "1", "1")[7..], ["yes", "60.00", "30.00"]);
    assert_eq!(row(E1, "1", "3")[7..], ["yes", "2.50", "1.25"]);
    // [60, 140]: 30 % and 70 % of the counted power, 15 % and 35 % of the census's power.
    assert_eq!(
        row(E2, "2", "2")[4..],
        ["Bob O'Neil", "140", "140", "yes", "70.00", "35.00"]
    );
    assert_eq!(
        rows.iter().filter(|r| r[7] == "no").count(),
        1,
        "only the tampered cell differs"
    );
}

#[test]
fn results_csv_quotes_titles_with_commas_quotes_and_newlines() {
    let mut result = passing();
    let hostile = "Yes, \"absolutely\"\nno doubt";
    result.elections[0].questions[0].choices[0] = hostile.into();
    let bytes = results_csv(&result).unwrap();
    let (_, rows) = records(&bytes);
    assert_eq!(rows.len(), 10, "a newline inside a title is not a new row");
    assert_eq!(rows[0][4], hostile);
}

#[test]
fn results_csv_marks_one_sided_cells_and_empty_questions() {
    let mut result = passing();
    result.elections[0].tally.published = None;
    result.elections[1].tally.computed = Some(vec![vec!["0".into(), "0".into()]]);
    result.elections[1].shares = Default::default();
    let (_, rows) = records(&results_csv(&result).unwrap());
    let e1: Vec<_> = rows.iter().filter(|r| r[0] == E1).collect();
    assert!(e1.iter().all(|r| r[6].is_empty() && r[7].is_empty()));
    // No shares in the result: none in the export either (the reporter never computes one).
    let zero = rows
        .iter()
        .find(|r| r[0] == E2 && r[1] == "1" && r[3] == "1")
        .unwrap();
    assert_eq!(zero[5..], ["0", "120", "no", "", ""]);
}

fn vote(n: u8, outcome: VoteOutcome) -> VoteRecord {
    VoteRecord {
        vote_id: HexId::new(&format!("{n:064x}")),
        nullifier: n.is_multiple_of(2).then(|| {
            let mut b = [0u8; 32];
            b[30..].copy_from_slice(&(u16::from(n) + 1000).to_be_bytes());
            b
        }),
        tx_hash: Some(HexId::new(&format!("{:064x}", u32::from(n) + 5000))),
        block: Some(100 + u64::from(n)),
        time: Some(1_740_816_000 + i64::from(n) * 61),
        weight: Some("340282366920938463463374607431768211456".into()),
        overwrites: Some(u32::from(n % 3)),
        outcome,
    }
}

#[test]
fn votes_csv_has_one_row_per_listed_vote_in_order() {
    let mut result = passing();
    assert_eq!(
        votes_csv(&result).unwrap(),
        None,
        "a result without ledgers (read back from report.json) writes no votes.csv"
    );
    result.elections[0].ballots = Some(vec![
        vote(1, VoteOutcome::Counted),
        vote(
            2,
            VoteOutcome::Skipped("the ballot has 4 values, the election 3".into()),
        ),
        vote(3, VoteOutcome::ManualReview),
        vote(4, VoteOutcome::Undetermined("no transaction".into())),
        vote(1, VoteOutcome::Duplicate),
    ]);
    result.elections[1].ballots = Some(vec![]);
    let (header, rows) = records(&votes_csv(&result).unwrap().unwrap());
    assert_eq!(
        header,
        [
            "election_id",
            "vote_id",
            "nullifier",
            "tx_hash",
            "block",
            "time",
            "weight",
            "outcome",
            "reason",
            "overwrites"
        ]
    );
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r[0] == E1));
    assert_eq!(rows[0][1], format!("{:064x}", 1));
    assert_eq!(rows[0][2], "", "no recomputed nullifier");
    assert_eq!(rows[1][2], format!("{:064x}", 1002));
    assert_eq!(
        rows[0][4..8],
        [
            "101",
            "2025-03-01T08:01:01Z",
            "340282366920938463463374607431768211456",
            "counted"
        ]
    );
    let outcomes: Vec<(&str, &str)> = rows.iter().map(|r| (&*r[7], &*r[8])).collect();
    assert_eq!(
        outcomes,
        [
            ("counted", ""),
            ("skipped", "the ballot has 4 values, the election 3"),
            (
                "manual-review",
                "a value outside the node's safe range [0, 2^32)"
            ),
            ("undetermined", "no transaction"),
            ("duplicate", "vote id listed more than once"),
        ]
    );
    assert_eq!(rows[2][9], "0");
    assert_eq!(rows[1][9], "2");
}

#[test]
fn results_nist_json_is_valid_err_and_says_what_it_counts() {
    let validator = nist_validator();
    for (name, result) in [
        ("passing", passing()),
        ("failing", failing()),
        ("hostile", hostile()),
    ] {
        let doc: Value = serde_json::from_str(&results_nist_json(&result).unwrap()).unwrap();
        let errors = nist_errors(&validator, &doc);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let doc: Value = serde_json::from_str(&results_nist_json(&passing()).unwrap()).unwrap();
    assert_eq!(doc["@type"], "ElectionResults.ElectionReport");
    assert_eq!(doc["Format"], "summary-contest");
    assert_eq!(doc["GeneratedDate"], "2025-03-02T10:00:00Z");
    assert_eq!(
        doc["VendorApplicationId"],
        format!("vocaudit {}", env!("CARGO_PKG_VERSION"))
    );
    // The organisation by the name its account gives, and its address.
    assert_eq!(
        doc["Issuer"],
        "Cooperativa de Prova (0x5e1c2b7d9a3f4e6c8b0a1d2f3e4c5b6a7d8e9f01)"
    );
    assert_eq!(
        doc["GpUnit"][0]["Name"]["Text"][0]["Content"],
        "Cooperativa de Prova (0x5e1c2b7d9a3f4e6c8b0a1d2f3e4c5b6a7d8e9f01)"
    );
    let elections = doc["Election"].as_array().unwrap();
    assert_eq!(elections.len(), 2);
    let e = &elections[0];
    assert_eq!(e["ExternalIdentifier"][0]["Value"], E1);
    assert_eq!(
        (e["StartDate"].as_str(), e["EndDate"].as_str()),
        (Some("2025-03-01"), Some("2025-03-01"))
    );
    assert_eq!(e["Contest"].as_array().unwrap().len(), 2);
    let yes = &e["Contest"][0]["ContestSelection"][0];
    assert_eq!(yes["Selection"]["Text"][0]["Content"], "Yes");
    // The fixture's census is weighted: the counts are voting power, and say so.
    assert_eq!(
        yes["VoteCounts"][0],
        json!({"@type": "ElectionResults.VoteCounts", "Count": 120, "GpUnitId": e["ElectionScopeId"],
               "OtherType": "voting-power", "Type": "other"})
    );
    assert_eq!(doc["GpUnit"][0]["@id"], e["ElectionScopeId"]);
    assert_eq!(e["BallotCounts"][0]["BallotsCast"], 200);
}

#[rstest]
#[case::pass_and_final(Verdict::Pass, true, "unofficial-complete")]
#[case::pass_not_final(Verdict::Pass, false, "unofficial-partial")]
#[case::fail_and_final(Verdict::Fail, true, "unofficial-partial")]
#[case::incomplete(Verdict::Incomplete, true, "unofficial-partial")]
fn nist_status_is_complete_only_for_final_results_that_passed(
    #[case] verdict: Verdict,
    #[case] final_results: bool,
    #[case] status: &str,
) {
    let mut result = passing();
    result.verdict = verdict;
    result.elections[1].final_results = final_results;
    let doc: Value = serde_json::from_str(&results_nist_json(&result).unwrap()).unwrap();
    assert_eq!(doc["Status"], status);
    assert_eq!(
        doc["Election"][1]["CountStatus"][0]["Status"],
        if final_results {
            "completed"
        } else {
            "in-process"
        }
    );
}

#[test]
fn nist_counts_keep_every_digit_of_big_weights() {
    let mut result = passing();
    let big = (BigUint::from(1u8) << 70u32).to_string(); // 1180591620717411303424
    result.elections[0].tally.computed.as_mut().unwrap()[0][0] = big.clone();
    let text = results_nist_json(&result).unwrap();
    assert!(
        text.contains(&format!("\"Count\": {big}")),
        "exact digits as a JSON number"
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(nist_errors(&nist_validator(), &doc).is_empty());
    // A cell that is not a decimal integer never reaches the JSON.
    result.elections[0].tally.computed.as_mut().unwrap()[0][0] = "1, \"x\": 2".into();
    assert!(results_nist_json(&result).is_err());
}

#[test]
fn the_nist_schema_refuses_what_err_forbids() {
    let validator = nist_validator();
    let good: Value = serde_json::from_str(&results_nist_json(&failing()).unwrap()).unwrap();
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: Vec<Mutation> = vec![
        ("no issuer", |v| {
            v.as_object_mut().unwrap().remove("Issuer");
        }),
        ("unknown status", |v| v["Status"] = json!("final")),
        ("string count", |v| {
            v["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"][0]["Count"] =
                json!("120")
        }),
        ("unknown count type", |v| {
            v["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"][0]["Type"] =
                json!("weighted")
        }),
        ("text without language", |v| {
            v["Election"][0]["Name"]["Text"][0]
                .as_object_mut()
                .unwrap()
                .remove("Language");
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(
            !nist_errors(&validator, &bad).is_empty(),
            "schema accepted: {what}"
        );
    }
}

async fn audit_scenario(name: &str, dir: &Path) -> AuditResult {
    let world = sim::scenario(name, 40, 7).unwrap();
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let id = world.elections.keys().next().unwrap().clone();
    let mut config = fetch::FetchConfig::new(
        server.node_url().parse().unwrap(),
        fetch::Target::Election(id),
        dir.join("bundle"),
    );
    config.quiet = true;
    config.ipfs_gateways = vec![server.base_url().parse().unwrap()];
    audit::audit(config, dir, &Default::default())
        .await
        .unwrap()
        .result
}

/// An audit writes the three exports beside report.json; the vote ledger lists every vote once,
/// its outcomes add up to the counts, and (single-choice questions) each question's computed
/// row adds up to the weight of the counted votes.
#[rstest]
#[case::invalid_ballots("invalid-ballots")]
#[case::overwrites("overwrites")]
#[case::weighted_encrypted("weighted-encrypted")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_writes_exports_that_agree_with_its_tally(#[case] scenario: &str) {
    let dir = tempfile::tempdir().unwrap();
    let result = audit_scenario(scenario, dir.path()).await;
    assert_eq!(result.verdict, Verdict::Pass, "{scenario}");
    let e = &result.elections[0];
    for file in ["results.csv", "votes.csv", "results.nist.json"] {
        assert!(
            dir.path().join(file).is_file(),
            "{scenario}: {file} written"
        );
    }

    let (_, votes) = records(&std::fs::read(dir.path().join("votes.csv")).unwrap());
    assert_eq!(
        votes.len() as u64,
        e.votes.listed,
        "{scenario}: one row per vote"
    );
    let with = |o: &str| votes.iter().filter(|r| r[7] == o).count() as u64;
    assert_eq!(with("counted"), e.votes.counted);
    assert_eq!(with("skipped"), e.votes.skipped);
    assert!(
        votes
            .iter()
            .filter(|r| r[7] == "skipped")
            .all(|r| !r[8].is_empty()),
        "a skip says why"
    );
    assert!(votes
        .iter()
        .all(|r| r[1].len() == 64 && r[3].len() == 64 && !r[4].is_empty()));
    let counted_weight: BigUint = votes
        .iter()
        .filter(|r| r[7] == "counted")
        .map(|r| r[6].parse::<BigUint>().unwrap())
        .sum();
    for row in e.tally.computed.as_ref().unwrap() {
        let total: BigUint = row.iter().map(|c| c.parse::<BigUint>().unwrap()).sum();
        assert_eq!(
            total, counted_weight,
            "{scenario}: a question's total is the counted weight"
        );
    }
    // Turnout: the skips' reasons add up to the skips, and a weighted census's used power is
    // the counted votes' weight.
    let t = &e.turnout;
    assert_eq!(
        t.skipped_reasons.iter().map(|r| r.ballots).sum::<u64>(),
        e.votes.skipped
    );
    assert!(
        t.eligible.is_some_and(|n| n >= e.votes.listed),
        "{scenario}: {t:?}"
    );
    if t.weighted {
        assert_eq!(t.power_used, Some(counted_weight.to_string()));
        let all: BigUint = t.eligible_power.as_ref().unwrap().parse().unwrap();
        assert!(all >= counted_weight);
        let expected = f64::from(u32::try_from(&counted_weight).unwrap()) * 100.0
            / f64::from(u32::try_from(&all).unwrap());
        let stated: f64 = t.power_percent.as_ref().unwrap().parse().unwrap();
        assert!((stated - expected).abs() <= 0.005, "{stated} vs {expected}");
    }
    match scenario {
        "invalid-ballots" => assert!(e.votes.skipped > 0 && t.weighted),
        "overwrites" => assert!(votes.iter().any(|r| r[9] != "0")),
        _ => {
            assert!(votes.iter().any(|r| r[6] != "1"), "weights other than 1");
            assert_eq!(t.eligible_source, Some(EligibleSource::CensusDump));
        }
    }

    let (_, cells) = records(&std::fs::read(dir.path().join("results.csv")).unwrap());
    let width: usize = e
        .tally
        .computed
        .as_ref()
        .unwrap()
        .iter()
        .map(Vec::len)
        .sum();
    assert_eq!(cells.len(), width);
    assert!(cells.iter().all(|r| r[7] == "yes"));
    // Single-choice questions: each question's shares of the counted ballots add up to 100 %
    // give or take the rounding of each cell (half a hundredth).
    for q in 1..=e.tally.computed.as_ref().unwrap().len() {
        let shares: Vec<f64> = cells
            .iter()
            .filter(|r| r[1] == q.to_string())
            .map(|r| r[8].parse().unwrap())
            .collect();
        let sum: f64 = shares.iter().sum();
        assert!(
            (sum - 100.0).abs() <= 0.005 * shares.len() as f64 + 1e-9,
            "{scenario} q{q}: {sum}"
        );
    }

    let doc: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("results.nist.json")).unwrap())
            .unwrap();
    let errors = nist_errors(&nist_validator(), &doc);
    assert!(errors.is_empty(), "{scenario}: {errors:#?}");

    // Re-rendered from report.json, the ledger is gone: no votes.csv rather than an empty one.
    let back: AuditResult =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let again = tempfile::tempdir().unwrap();
    let rendered = render_all(&back, again.path(), &RenderOptions::default()).unwrap();
    assert_eq!(rendered.votes_csv, None);
    assert_eq!(
        std::fs::read(rendered.results_csv).unwrap(),
        std::fs::read(dir.path().join("results.csv")).unwrap()
    );
}
