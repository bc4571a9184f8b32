//! Every case of `tests/vectors/tally.json`: per-ballot verdicts (through the Go-JSON decoder),
//! chain acceptance of overwrites, final results, total weight, checkpoints and special fields.
//! Plus properties of the results string form and of the cell diff.

use std::collections::HashMap;

use num_bigint::BigUint;
use proptest::prelude::*;
use rstest::rstest;
use serde::Deserialize;

use vocaudit::protocol::ballot::{check_package, BallotVerdict, InvalidBallot};
use vocaudit::protocol::tally::{
    replay_overwrites, CellDiff, Results, ResultsDiff, Tally, TallyParams,
};

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TallyMode {
    max_count: u32,
    max_value: u32,
    max_total_cost: u32,
    cost_exponent: u32,
    max_vote_overwrites: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VoteMode {
    unique_values: bool,
    cost_from_weight: bool,
}

#[derive(Deserialize)]
struct Ballot {
    index: usize,
    voter: String,
    values: Vec<i64>,
    weight: String,
    accepted: bool,
    valid: bool,
    invalid_reason: Option<String>,
    counted: bool,
}

#[derive(Deserialize)]
struct Checkpoint {
    after_ballot: usize,
    results: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    tally_mode: TallyMode,
    vote_mode: VoteMode,
    ballots: Vec<Ballot>,
    expected_results: Vec<Vec<String>>,
    expected_total_weight: String,
    #[serde(default)]
    checkpoints: Vec<Checkpoint>,
    upstream_results_string: Option<String>,
    expected_overwrite_count: Option<HashMap<String, u32>>,
    package_encoding: Option<String>,
    expected_results_with_upstream_packages: Option<Vec<Vec<String>>>,
    expected_total_weight_with_upstream_packages: Option<String>,
}

fn load_case(id: &str) -> Case {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/tally.json");
    let text = std::fs::read_to_string(path).expect("read tally.json");
    let vectors: Vectors = serde_json::from_str(&text).expect("parse tally.json");
    vectors
        .cases
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("case {id} not in tally.json"))
}

fn params(case: &Case) -> TallyParams {
    TallyParams {
        max_count: case.tally_mode.max_count,
        max_value: case.tally_mode.max_value,
        max_total_cost: case.tally_mode.max_total_cost,
        cost_exponent: case.tally_mode.cost_exponent,
        max_vote_overwrites: case.tally_mode.max_vote_overwrites,
        unique_values: case.vote_mode.unique_values,
        cost_from_weight: case.vote_mode.cost_from_weight,
    }
}

fn weight(ballot: &Ballot) -> BigUint {
    ballot.weight.parse().expect("decimal weight")
}

/// The package a client would send: `{"nonce":…,"votes":[…]}`.
fn package_json(ballot: &Ballot) -> Vec<u8> {
    let votes: Vec<String> = ballot.values.iter().map(i64::to_string).collect();
    format!(
        r#"{{"nonce":"{:016x}","votes":[{}]}}"#,
        ballot.index,
        votes.join(",")
    )
    .into_bytes()
}

/// The bare array `vochain.TestVoteOverwrite` actually sends (`json.Marshal([]int)`).
fn bare_array_json(ballot: &Ballot) -> Vec<u8> {
    serde_json::to_vec(&ballot.values).expect("encode array")
}

/// Tallies the final envelope of each voter among `ballots` (as `ComputeResults` iterates the
/// state), decoding each package with `encode`.
fn tally_final(
    case: &Case,
    ballots: &[Ballot],
    encode: fn(&Ballot) -> Vec<u8>,
) -> (Tally, Vec<bool>) {
    let voters: Vec<&str> = ballots.iter().map(|b| b.voter.as_str()).collect();
    let fates = replay_overwrites(&voters, case.tally_mode.max_vote_overwrites);
    let mut tally = Tally::new(params(case)).expect("tally params");
    let mut counted = vec![false; ballots.len()];
    for ((ballot, fate), counted) in ballots.iter().zip(&fates).zip(&mut counted) {
        if !fate.is_final {
            continue;
        }
        let (package, _) = check_package(&encode(ballot), &weight(ballot), tally.params());
        if let Some(package) = package {
            *counted = tally.add(&package.votes, &weight(ballot)) == BallotVerdict::Valid;
        }
    }
    (tally, counted)
}

fn results(rows: &[Vec<String>]) -> Results {
    Results::from_decimal_strings(rows).expect("vector results parse")
}

#[rstest]
#[case::add_vote_a("indexer.TestAddVote.a")]
#[case::add_vote_b("indexer.TestAddVote.b")]
#[case::add_vote_c("indexer.TestAddVote.c")]
#[case::rate_product("indexer.TestBallotProtocolRateProduct")]
#[case::quadratic("indexer.TestBallotProtocolQuadratic")]
#[case::multi_choice("indexer.TestBallotProtocolMultiChoice")]
#[case::overwrite_votes("indexer.TestOverwriteVotes")]
#[case::results_encrypted("indexer.TestResults")]
#[case::live_results("indexer.TestLiveResults")]
#[case::ist_schedule("ist.TestISTCschedule")]
#[case::vote_overwrite("vochain.TestVoteOverwrite")]
#[case::e2e_ranked("end2end.ranked")]
#[case::e2e_quadratic("end2end.quadratic")]
#[case::e2e_range("end2end.range")]
#[case::e2e_approval("end2end.approval")]
#[case::e2e_overwrite("end2end.overwrite")]
fn tally_vector(#[case] id: &str) {
    let case = load_case(id);
    let p = params(&case);

    // Per-ballot content verdict, through the Go-JSON decoder.
    for ballot in &case.ballots {
        let (package, verdict) = check_package(&package_json(ballot), &weight(ballot), &p);
        assert_eq!(
            package.map(|vp| vp.votes).as_deref(),
            Some(ballot.values.as_slice()),
            "{id} ballot {}: decoded votes",
            ballot.index
        );
        let reason = match &verdict {
            BallotVerdict::Valid => None,
            BallotVerdict::Invalid(why) => Some(why.reason()),
            BallotVerdict::ManualReview(r) => panic!("{id} ballot {}: review {r}", ballot.index),
        };
        assert_eq!(
            reason.is_none(),
            ballot.valid,
            "{id} ballot {}",
            ballot.index
        );
        assert_eq!(
            reason,
            ballot.invalid_reason.as_deref(),
            "{id} ballot {}",
            ballot.index
        );
    }

    // Chain acceptance (overwrite limit) and what ends up counted.
    let voters: Vec<&str> = case.ballots.iter().map(|b| b.voter.as_str()).collect();
    let fates = replay_overwrites(&voters, case.tally_mode.max_vote_overwrites);
    let accepted: Vec<bool> = fates.iter().map(|f| f.accepted).collect();
    let expected_accepted: Vec<bool> = case.ballots.iter().map(|b| b.accepted).collect();
    assert_eq!(accepted, expected_accepted, "{id}: accepted");

    let (tally, counted) = tally_final(&case, &case.ballots, package_json);
    let expected_counted: Vec<bool> = case.ballots.iter().map(|b| b.counted).collect();
    assert_eq!(counted, expected_counted, "{id}: counted");

    let diff = results(&case.expected_results).diff(tally.results());
    assert!(diff.is_empty(), "{id}: results differ: {diff:?}");
    assert_eq!(tally.results().to_decimal_strings(), case.expected_results);
    assert_eq!(
        tally.total_weight().to_string(),
        case.expected_total_weight,
        "{id}: total weight"
    );

    for checkpoint in &case.checkpoints {
        let prefix = case
            .ballots
            .get(..=checkpoint.after_ballot)
            .expect("prefix");
        let (tally, _) = tally_final(&case, prefix, package_json);
        assert_eq!(
            tally.results().to_decimal_strings(),
            checkpoint.results,
            "{id}: after ballot {}",
            checkpoint.after_ballot
        );
    }

    if let Some(go_string) = &case.upstream_results_string {
        assert_eq!(&tally.results().to_string(), go_string, "{id}: Go String()");
    }

    if let Some(expected) = &case.expected_overwrite_count {
        for (voter, count) in expected {
            let last = voters
                .iter()
                .zip(&fates)
                .filter(|(v, f)| **v == voter.as_str() && f.is_final)
                .map(|(_, f)| f.overwrite_count)
                .next();
            assert_eq!(last, Some(*count), "{id}: overwriteCount of {voter}");
        }
    }

    if let Some(encoding) = &case.package_encoding {
        assert!(encoding.starts_with("bare JSON array"), "{id}: {encoding}");
        for ballot in &case.ballots {
            let (_, verdict) = check_package(&bare_array_json(ballot), &weight(ballot), &p);
            assert!(
                matches!(verdict, BallotVerdict::Invalid(InvalidBallot::Decode(_))),
                "{id} ballot {}: a bare array must not decode",
                ballot.index
            );
        }
        let (tally, counted) = tally_final(&case, &case.ballots, bare_array_json);
        assert!(counted.iter().all(|c| !c));
        let expected = case
            .expected_results_with_upstream_packages
            .as_ref()
            .expect("upstream-package results");
        assert_eq!(&tally.results().to_decimal_strings(), expected);
        assert_eq!(
            Some(tally.total_weight().to_string()),
            case.expected_total_weight_with_upstream_packages
        );
    }
}

fn matrix() -> impl Strategy<Value = Vec<Vec<String>>> {
    (1usize..6, 1usize..6).prop_flat_map(|(rows, cols)| {
        prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    Just("0".to_owned()),
                    any::<u64>().prop_map(|n| n.to_string()),
                    "[1-9][0-9]{20,80}",
                ],
                cols,
            ),
            rows,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(0x7a11), ..ProptestConfig::default() })]

    #[test]
    fn results_string_round_trip(rows in matrix()) {
        let parsed = Results::from_decimal_strings(&rows).unwrap();
        prop_assert_eq!(parsed.to_decimal_strings(), rows.clone());
        let json = serde_json::to_string(&parsed).unwrap();
        prop_assert_eq!(&json, &serde_json::to_string(&rows).unwrap());
        let back: Results = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, parsed);
    }

    #[test]
    fn diff_names_exactly_the_changed_cell(rows in matrix(), pick in any::<prop::sample::Index>()) {
        let expected = Results::from_decimal_strings(&rows).unwrap();
        prop_assert!(expected.diff(&expected.clone()).is_empty());

        let shape = expected.shape();
        let cell = pick.index(shape.rows * shape.cols);
        let (q, v) = (cell / shape.cols, cell % shape.cols);
        let mut bumped = rows.clone();
        let old = expected.get(q, v).unwrap().clone();
        bumped[q][v] = (&old + 1u32).to_string();
        let actual = Results::from_decimal_strings(&bumped).unwrap();
        prop_assert_eq!(
            expected.diff(&actual),
            ResultsDiff::Cells(vec![CellDiff { question: q, value: v, expected: old.clone(), actual: old + 1u32 }])
        );
    }
}

#[test]
fn diff_reports_shape_mismatch() {
    let two_by_two = results(&[vec!["1".into(), "2".into()], vec!["3".into(), "4".into()]]);
    let two_by_one = results(&[vec!["1".into()], vec!["3".into()]]);
    let diff = two_by_two.diff(&two_by_one);
    assert!(!diff.is_empty());
    assert!(matches!(
        diff,
        ResultsDiff::ShapeMismatch { expected, actual }
            if (expected.rows, expected.cols, actual.rows, actual.cols) == (2, 2, 2, 1)
    ));
}

#[test]
fn deserialize_rejects_bad_cell_with_location() {
    let err = serde_json::from_str::<Results>(r#"[["1","2"],["3","-4"]]"#).unwrap_err();
    assert!(err.to_string().contains("[1][1]"), "{err}");
}
