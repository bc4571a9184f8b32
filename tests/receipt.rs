//! Voter receipts against simulated nodes: a counted vote and what it adds, an overwritten vote,
//! an invalid ballot, an unknown vote id, the address form, an encrypted vote before and after
//! the keys are revealed, and the `vocaudit receipt` exit statuses (0 counted, 1 not counted or
//! unknown, 2 bad input or unreachable) with its transport options.

use std::process::Command;

use num_bigint::BigUint;
use rstest::rstest;
use vocaudit::api::node::VoteDetail;
use vocaudit::protocol::ballot::{check_package, BallotVerdict};
use vocaudit::protocol::tally::{Results, TallyParams};
use vocaudit::receipt::{self, CheckStatus, Receipt, ReceiptError, VoteRef};
use vocaudit::sim::{
    self, FaultPlan, LiveStage, LiveVotes, SimElection, SimServer, StageTrigger, World,
};

const VOTES: usize = 12;
const SEED: u64 = 5;

async fn serve(name: &str) -> (World, SimServer) {
    let world = sim::scenario(name, VOTES, SEED).unwrap();
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    (world, server)
}

fn only_election(world: &World) -> (&String, &SimElection) {
    assert_eq!(world.elections.len(), 1);
    world.elections.iter().next().unwrap()
}

fn params(e: &SimElection) -> TallyParams {
    let (t, v) = (&e.election.tally_mode, &e.election.vote_mode);
    TallyParams {
        max_count: t.max_count,
        max_value: t.max_value,
        max_total_cost: t.max_total_cost,
        cost_exponent: t.cost_exponent,
        max_vote_overwrites: t.max_vote_overwrites,
        unique_values: v.unique_values,
        cost_from_weight: v.cost_from_weight,
    }
}

/// What the node's own (served, plaintext) package says about a vote: its values and verdict.
fn served_verdict(e: &SimElection, v: &VoteDetail) -> (Vec<i64>, BallotVerdict) {
    let weight: BigUint = v.weight.parse().unwrap();
    let (package, verdict) = check_package(v.package.get().as_bytes(), &weight, &params(e));
    (package.map(|p| p.votes).unwrap_or_default(), verdict)
}

fn no_failed_check(r: &Receipt) {
    for c in &r.checks {
        assert_ne!(c.status, CheckStatus::Fail, "{}: {}", c.name, c.detail);
    }
}

/// The receipts of every voter add up to the results the election publishes: each counted
/// ballot's cells are exactly its share, and skipped ballots add nothing.
#[rstest]
#[case::plain_weighted("approval")]
#[case::encrypted("weighted-encrypted")]
#[case::budget("budget")]
#[case::overwrites("overwrites")]
#[case::invalid_ballots("invalid-ballots")]
#[tokio::test]
async fn contributions_add_up_to_the_published_results(#[case] name: &str) {
    let (world, server) = serve(name).await;
    let (id, e) = only_election(&world);
    let published = Results::from_decimal_strings(e.election.result.as_ref().unwrap()).unwrap();
    let mut sum = vec![vec![BigUint::default(); published.shape().cols]; published.shape().rows];
    let mut counted = 0;
    for v in &e.votes {
        let r = receipt::check(&server.node_url(), id, VoteRef::VoteId(v.vote_id.clone()))
            .await
            .unwrap();
        no_failed_check(&r);
        let (values, verdict) = served_verdict(e, v);
        assert_eq!(r.ballot.values.as_ref(), Some(&values), "{}", v.vote_id);
        assert_eq!(r.ballot.source.as_deref(), Some("transaction"));
        assert_eq!(r.counted, verdict == BallotVerdict::Valid, "{}", v.vote_id);
        assert_eq!(r.exit_code(), if r.counted { 0 } else { 1 });
        counted += usize::from(r.counted);
        for cell in &r.contribution {
            sum[cell.question][cell.value] += cell.adds.parse::<BigUint>().unwrap();
        }
        if e.election.vote_mode.encrypted_votes {
            let served = r
                .checks
                .iter()
                .find(|c| c.name == "served package")
                .unwrap();
            assert_eq!(served.status, CheckStatus::Pass, "{}", served.detail);
        }
    }
    assert!(counted > 0);
    let sum: Vec<Vec<String>> = sum
        .iter()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(Results::from_decimal_strings(&sum).unwrap(), published);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn counted_vote_reports_chain_position_and_checks() {
    let (world, server) = serve("approval").await;
    let (id, e) = only_election(&world);
    let v = &e.votes[0];
    let r = receipt::check(&server.node_url(), id, VoteRef::VoteId(v.vote_id.clone()))
        .await
        .unwrap();
    assert!(r.counted && r.not_counted_because.is_empty());
    assert_eq!(r.on_chain.tx_hash, v.tx_hash);
    assert_eq!(r.on_chain.block_height, v.block_height);
    assert_eq!(r.on_chain.transaction_index, v.transaction_index);
    assert_eq!(r.on_chain.time, v.date);
    assert_eq!(r.ballot.weight, v.weight);
    for name in [
        "transaction on chain",
        "transaction hash",
        "signature",
        "nullifier",
        "census proof",
        "weight",
    ] {
        let c = r.checks.iter().find(|c| c.name == name).unwrap();
        assert_eq!(c.status, CheckStatus::Pass, "{name}: {}", c.detail);
    }
    // maxValue 1: each answer adds the voter's weight to column value of its question.
    let (values, _) = served_verdict(e, v);
    let expected: Vec<(usize, usize, String)> = values
        .iter()
        .enumerate()
        .map(|(q, &val)| (q, val as usize, v.weight.clone()))
        .collect();
    let got: Vec<(usize, usize, String)> = r
        .contribution
        .iter()
        .map(|c| (c.question, c.value, c.adds.clone()))
        .collect();
    assert_eq!(got, expected);
    let text = r.to_string();
    assert!(
        text.contains("COUNTED") && text.contains(&v.tx_hash),
        "{text}"
    );
    for (q, value, adds) in &expected {
        assert!(
            text.contains(&format!("\n  question {q} value {value}: +{adds}\n")),
            "{text}"
        );
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn overwritten_vote_counts_only_the_last_envelope() {
    let (world, server) = serve("overwrites").await;
    let (id, e) = only_election(&world);
    let v = e
        .votes
        .iter()
        .find(|v| v.overwrite_count > 0)
        .expect("some voter overwrote");
    let r = receipt::check(&server.node_url(), id, VoteRef::VoteId(v.vote_id.clone()))
        .await
        .unwrap();
    assert_eq!(r.overwrite_count, v.overwrite_count);
    assert!(
        r.last_envelope.contains("last envelope"),
        "{}",
        r.last_envelope
    );
    assert!(
        r.last_envelope.contains(&format!(
            "{} earlier envelope(s) are not counted",
            v.overwrite_count
        )),
        "{}",
        r.last_envelope
    );
    // The receipt is about the final envelope's transaction, not an earlier one.
    assert_eq!(r.on_chain.tx_hash, v.tx_hash);
    assert_eq!(r.ballot.values, Some(served_verdict(e, v).0));
    let single = e.votes.iter().find(|v| v.overwrite_count == 0).unwrap();
    let r1 = receipt::check(
        &server.node_url(),
        id,
        VoteRef::VoteId(single.vote_id.clone()),
    )
    .await
    .unwrap();
    assert!(
        r1.last_envelope.contains("only envelope"),
        "{}",
        r1.last_envelope
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn invalid_ballot_is_not_counted_with_the_nodes_reason() {
    let (world, server) = serve("invalid-ballots").await;
    let (id, e) = only_election(&world);
    let (v, why) = e
        .votes
        .iter()
        .find_map(|v| match served_verdict(e, v).1 {
            BallotVerdict::Invalid(why) => Some((v, why)),
            _ => None,
        })
        .expect("the scenario has invalid ballots");
    let r = receipt::check(&server.node_url(), id, VoteRef::VoteId(v.vote_id.clone()))
        .await
        .unwrap();
    assert!(!r.counted);
    assert_eq!(r.exit_code(), 1);
    assert!(r.contribution.is_empty());
    assert_eq!(r.ballot.invalid_reason, Some(why.to_string()));
    assert!(
        r.not_counted_because
            .iter()
            .any(|m| m.contains(&why.to_string())),
        "{:?}",
        r.not_counted_because
    );
    assert!(r.to_string().contains("NOT COUNTED"));
    server.shutdown().await.unwrap();
}

/// A defect planted in the tampered vote shows in exactly the receipt check that covers it, as a
/// failure (exit 1 although the node counted the ballot). A txHash the voter's signed bytes do
/// not hash to is a failure too: the signature pins the encoding (see V-TXHASH-01).
#[rstest]
#[case::signature("voter-signature", "approval", "signature", CheckStatus::Fail)]
#[case::ciphertext(
    "ciphertext-mismatch",
    "weighted-encrypted",
    "served package",
    CheckStatus::Fail
)]
#[case::weight("weight-inflated", "approval", "weight", CheckStatus::Fail)]
#[case::tx_hash("tx-hash", "approval", "transaction hash", CheckStatus::Fail)]
#[tokio::test]
async fn tampered_vote_shows_in_its_check(
    #[case] tamper: &str,
    #[case] scenario: &str,
    #[case] check: &str,
    #[case] status: CheckStatus,
) {
    let mut world = sim::scenario(scenario, VOTES, SEED).unwrap();
    let applied = sim::apply_tamper(&mut world, tamper).unwrap();
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let at = &applied.location;
    let vote_id = at.vote_id.clone().unwrap_or_else(|| {
        let tx = at.tx_hash.as_deref().unwrap();
        let e = &world.elections[&at.election_id];
        e.votes
            .iter()
            .find(|v| v.tx_hash == tx)
            .unwrap()
            .vote_id
            .clone()
    });
    let r = receipt::check(
        &server.node_url(),
        &applied.location.election_id,
        VoteRef::VoteId(vote_id),
    )
    .await
    .unwrap();
    let flagged: Vec<(&str, CheckStatus)> = r
        .checks
        .iter()
        .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::CannotVerify))
        .map(|c| (c.name, c.status))
        .collect();
    assert_eq!(flagged, [(check, status)], "{r}");
    assert!(r.counted);
    assert_eq!(r.exit_code(), u8::from(status == CheckStatus::Fail));
    server.shutdown().await.unwrap();
}

/// A valid ballot of an election still open is not counted yet; it says what it will add.
#[tokio::test]
async fn open_election_is_not_counted_yet() {
    let mut world = sim::scenario("approval", VOTES, SEED).unwrap();
    let id = only_election(&world).0.clone();
    if let Some(e) = world.elections.get_mut(&id) {
        e.election.status = "READY".into();
    }
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let v = &world.elections[&id].votes[0];
    let r = receipt::check(&server.node_url(), &id, VoteRef::VoteId(v.vote_id.clone()))
        .await
        .unwrap();
    assert!(!r.counted);
    assert_eq!(r.exit_code(), 1);
    assert!(r.ballot.invalid_reason.is_none());
    assert!(!r.contribution.is_empty());
    assert_eq!(r.not_counted_because.len(), 1);
    assert!(r.not_counted_because[0].contains("READY"), "{r}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_vote_id_is_not_counted_with_a_clear_message() {
    let (world, server) = serve("approval").await;
    let (id, _) = only_election(&world);
    let unknown = "ab".repeat(32);
    let err = receipt::check(&server.node_url(), id, VoteRef::VoteId(unknown.clone()))
        .await
        .unwrap_err();
    assert!(matches!(err, ReceiptError::NoSuchVote { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(
        err.to_string(),
        format!("no vote with id {unknown} in election {id}")
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn vote_of_another_election_is_unknown_here() {
    let (world, server) = serve("saas-csp").await;
    let mut ids = world.elections.iter();
    let (first, _) = ids.next().unwrap();
    let (second, e2) = ids.next().unwrap();
    let err = receipt::check(
        &server.node_url(),
        first,
        VoteRef::VoteId(e2.votes[0].vote_id.clone()),
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 1);
    assert!(err.to_string().contains(second.as_str()), "{err}");
    server.shutdown().await.unwrap();
}

#[rstest]
#[case::plain("approval")]
#[case::csp("csp-ecdsa")]
#[tokio::test]
async fn by_address_equals_by_vote_id(#[case] name: &str) {
    let (world, server) = serve(name).await;
    let (id, e) = only_election(&world);
    let v = &e.votes[1];
    let address = v.voter_id.clone().unwrap();
    let by_id = receipt::check(&server.node_url(), id, VoteRef::VoteId(v.vote_id.clone()))
        .await
        .unwrap();
    let mut by_address = receipt::check(&server.node_url(), id, VoteRef::Address(address))
        .await
        .unwrap();
    let pos = by_address
        .checks
        .iter()
        .position(|c| c.name == "voter address")
        .expect("an address receipt checks the address");
    let address_check = by_address.checks.remove(pos);
    assert_eq!(
        address_check.status,
        CheckStatus::Pass,
        "{}",
        address_check.detail
    );
    assert_eq!(by_address, by_id);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_input_is_a_typed_error() {
    let election = "00".repeat(32);
    let cases = [
        ("zz", VoteRef::VoteId("00".repeat(32)), "election id"),
        (election.as_str(), VoteRef::VoteId("abc".into()), "vote id"),
        (
            election.as_str(),
            VoteRef::Address("00".repeat(19)),
            "address",
        ),
    ];
    // Nothing listens on the discard port: bad input must be refused before any request.
    for (election, vote, what) in cases {
        let err = receipt::check("http://127.0.0.1:9", election, vote)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ReceiptError::BadInput { what: w, .. } if w == what),
            "{err}"
        );
        assert_eq!(err.exit_code(), 2);
    }
}

/// The binary: 0 for a counted vote (text and JSON), 1 for an invalid ballot and an unknown id,
/// 2 for malformed input.
#[test]
fn cli_exit_statuses() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (world, server) = runtime.block_on(serve("invalid-ballots"));
    let (id, e) = only_election(&world);
    let valid = e
        .votes
        .iter()
        .find(|v| served_verdict(e, v).1 == BallotVerdict::Valid)
        .unwrap();
    let invalid = e
        .votes
        .iter()
        .find(|v| matches!(served_verdict(e, v).1, BallotVerdict::Invalid(_)))
        .unwrap();
    let node = server.node_url();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "receipt",
            "--node",
            node.as_str(),
            "--election",
            id.as_str(),
        ];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_vocaudit"))
            .args(&args)
            .output()
            .unwrap()
    };
    let out = run(&["--vote-id", &valid.vote_id]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("COUNTED"));

    let out = run(&["--vote-id", &valid.vote_id, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["counted"], true);
    assert_eq!(json["onChain"]["txHash"], valid.tx_hash.as_str());

    let out = run(&["--address", valid.voter_id.as_deref().unwrap()]);
    assert_eq!(out.status.code(), Some(0));

    let out = run(&["--vote-id", &invalid.vote_id]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("NOT COUNTED"));

    let unknown = "cd".repeat(32);
    let out = run(&["--vote-id", &unknown]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains(&format!("no vote with id {unknown} in election {id}")));

    let out = run(&["--vote-id", "nothex"]);
    assert_eq!(out.status.code(), Some(2));
    runtime.block_on(server.shutdown()).unwrap();
}

/// An encrypted election whose node serves sealed packages and no private key until it reveals
/// them (with RESULTS) on its second election read: the same vote is first not counted because
/// its ballot cannot be read yet, then counted with the values decrypted from its transaction.
#[tokio::test]
async fn encrypted_vote_before_and_after_the_keys_are_revealed() {
    let mut world = sim::scenario("weighted-encrypted", VOTES, SEED).unwrap();
    let id = only_election(&world).0.clone();
    let e = world.elections.get_mut(&id).unwrap();
    let revealed = e.keys.clone().unwrap();
    let plain = e.votes.clone();
    if let Some(keys) = e.keys.as_mut() {
        keys.private_keys.clear();
    }
    assert!(e.keys.as_ref().is_some_and(|k| !k.public_keys.is_empty()));
    let sealed = sim::envelopes_in_chain_order(&world, &id).unwrap();
    let e = world.elections.get_mut(&id).unwrap();
    e.votes = sealed;
    e.election.status = "ENDED".into();
    e.live = Some(LiveVotes {
        stages: vec![LiveStage {
            keys: Some(revealed),
            ..LiveStage::at(StageTrigger::Reads(2)).status("RESULTS")
        }],
        ..LiveVotes::default()
    });
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let e = &world.elections[&id];
    let v = plain
        .iter()
        .find(|v| served_verdict(e, v).1 == BallotVerdict::Valid)
        .unwrap();
    assert!(e
        .votes
        .iter()
        .any(|s| s.vote_id == v.vote_id && s.package.get().contains("encrypted")));

    let before = receipt::check(&server.node_url(), &id, VoteRef::VoteId(v.vote_id.clone()))
        .await
        .unwrap();
    assert!(!before.counted);
    assert_eq!(before.exit_code(), 1);
    assert!(before.ballot.encrypted && !before.ballot.key_indexes.is_empty());
    assert_eq!(before.ballot.values, None);
    assert!(before.contribution.is_empty());
    assert_eq!(before.not_counted_because.len(), 1, "{before}");
    assert!(
        before.not_counted_because[0].starts_with("the ballot could not be read")
            && before.not_counted_because[0].contains("no private key revealed"),
        "{before}"
    );
    no_failed_check(&before);

    let after = receipt::check(&server.node_url(), &id, VoteRef::VoteId(v.vote_id.clone()))
        .await
        .unwrap();
    assert_eq!(after.election_status, "RESULTS");
    assert!(after.counted, "{after}");
    assert_eq!(after.exit_code(), 0);
    assert_eq!(after.ballot.values, Some(served_verdict(e, v).0));
    assert_eq!(after.ballot.source.as_deref(), Some("transaction"));
    assert!(!after.contribution.is_empty());
    assert_eq!(after.on_chain, before.on_chain);
    no_failed_check(&after);
    server.shutdown().await.unwrap();
}

/// `--max-attempts` and `--timeout` are the transport settings `audit` and `fetch` take: one
/// attempt gives up on a node that fails the vote route once (exit 2), three ride it out.
#[test]
fn cli_transport_options() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let world = sim::scenario("approval", VOTES, SEED).unwrap();
    let (id, e) = only_election(&world);
    let vote_id = e.votes[0].vote_id.clone();
    let receipt = |server: &SimServer, extra: &[&str]| {
        let node = server.node_url();
        Command::new(env!("CARGO_BIN_EXE_vocaudit"))
            .args(["receipt", "--node", &node, "--election", id, "--vote-id"])
            .arg(&vote_id)
            .args(extra)
            .output()
            .unwrap()
    };
    for (attempts, code) in [("1", 2), ("3", 0)] {
        let plan = FaultPlan::parse(&["vote:503@first=1"]).unwrap();
        let server = runtime.block_on(sim::serve_local(&world, plan)).unwrap();
        let out = receipt(&server, &["--max-attempts", attempts, "--timeout", "5"]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "--max-attempts {attempts}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        runtime.block_on(server.shutdown()).unwrap();
    }
    let server = runtime
        .block_on(sim::serve_local(&world, FaultPlan::none()))
        .unwrap();
    let out = receipt(&server, &["--timeout", "0"]);
    assert_eq!(out.status.code(), Some(2), "a zero timeout is refused");
    runtime.block_on(server.shutdown()).unwrap();
}
