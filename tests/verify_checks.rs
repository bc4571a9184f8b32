//! The verifier on hand-built evidence: a clean election passes with no failure, and each
//! injected defect fails exactly its own category at its own location, nothing else.

use vocaudit::api::node::{Election, ElectionCensus, TallyMode, VoteDetail, VoteRow};
use vocaudit::api::saas;
use vocaudit::bundle::evidence::{
    AuditInput, ElectionEvidence, Gap, GapKind, GapSubject, InMemoryVotes, SaasEvidence,
    VoteEvidence,
};
use vocaudit::verify::result::{AuditResult, Category, Status, Verdict};
use vocaudit::verify::{verify, VerifyOptions};

const ELECTION: &str = "6b342d99f218d8da6bf26964af9d7eed9e03e53415d37aa96045020000000001";
const ORG: &str = "d8da6bf26964af9d7eed9e03e53415d37aa96045";

/// The results of `n` ballots `[1, 0]` of weight 1: question 0 → column 1, question 1 → column 0.
fn two_questions(n: usize) -> Vec<Vec<String>> {
    vec![
        vec!["0".into(), n.to_string()],
        vec![n.to_string(), "0".into()],
    ]
}

/// A plain (unencrypted) election with `n` votes of weight 1, all `[1, 0]`, evidence without
/// transactions.
struct Fixture {
    election: Election,
    votes: Vec<VoteEvidence>,
    votes_count: Option<u64>,
    list_total: Option<u64>,
    gaps: Vec<Gap>,
    saas: Option<SaasEvidence>,
}

fn vote_id(i: usize) -> String {
    format!("{:064x}", i + 1)
}

fn fixture(n: usize) -> Fixture {
    let election = Election {
        election_id: ELECTION.into(),
        organization_id: ORG.into(),
        status: "RESULTS".into(),
        start_date: "2024-05-01T10:00:00Z".into(),
        end_date: "2024-05-02T10:00:00Z".into(),
        vote_count: n as u64,
        final_results: true,
        result: Some(two_questions(n)),
        chain_id: "vocdoni/LTS/1.2".into(),
        census: ElectionCensus {
            census_origin: "OFF_CHAIN_TREE_WEIGHTED".into(),
            census_root: "00".repeat(32),
            census_url: "ipfs://census".into(),
            max_census_size: 100,
            ..Default::default()
        },
        tally_mode: TallyMode {
            max_count: 2,
            max_value: 1,
            cost_exponent: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    let votes = (0..n)
        .map(|i| {
            let detail: VoteDetail = serde_json::from_value(serde_json::json!({
                "txHash": format!("{:064x}", 1000 + i),
                "voteID": vote_id(i),
                "package": {"votes": [1, 0]},
                "weight": "1",
                "electionID": ELECTION,
                "blockHeight": 10 + i,
                "overwriteCount": 0,
                "date": format!("2024-05-01T{:02}:30:00Z", 10 + i),
            }))
            .unwrap();
            VoteEvidence {
                row: Some(VoteRow {
                    tx_hash: detail.tx_hash.clone(),
                    vote_id: detail.vote_id.clone(),
                    election_id: Some(ELECTION.into()),
                    block_height: detail.block_height,
                    ..Default::default()
                }),
                detail: Some(detail),
                tx: None,
                errors: Vec::new(),
            }
        })
        .collect();
    Fixture {
        election,
        votes,
        votes_count: Some(n as u64),
        list_total: Some(n as u64),
        gaps: Vec::new(),
        saas: None,
    }
}

fn run(f: Fixture) -> AuditResult {
    let ev = ElectionEvidence {
        election: f.election,
        keys: None,
        scrutiny: None,
        votes_count: f.votes_count,
        list_total: f.list_total,
        census_dump: None,
        gaps: f.gaps,
        rereads: Default::default(),
        votes: Box::new(InMemoryVotes::new(f.votes, 2)),
        history: Default::default(),
    };
    verify(
        AuditInput {
            source: Default::default(),
            zk: Default::default(),
            bundle: None,
            saas: f.saas,
            elections: vec![ev],
            gaps: Vec::new(),
            accounts: Vec::new(),
        },
        &VerifyOptions {
            generated_at: Some("2024-06-01T00:00:00Z".into()),
            ..Default::default()
        },
    )
}

/// `(check id, category, vote id, cell)` of a failing finding.
type Failure = (String, Category, Option<String>, Option<[usize; 2]>);

/// Every failing finding.
fn failures(r: &AuditResult) -> Vec<Failure> {
    r.all_checks()
        .filter(|c| c.status == Status::Fail)
        .flat_map(|c| {
            c.findings.iter().map(move |f| {
                (
                    c.id.clone(),
                    c.category,
                    f.location.vote_id.clone(),
                    f.location.cell,
                )
            })
        })
        .collect()
}

fn failing_categories(r: &AuditResult) -> Vec<Category> {
    let mut c: Vec<_> = r
        .all_checks()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.category)
        .collect();
    c.dedup();
    c
}

#[test]
fn clean_election_passes() {
    let r = run(fixture(3));
    assert_eq!(failures(&r), []);
    assert_eq!(r.verdict, Verdict::Pass);
    let e = &r.elections[0];
    assert_eq!(e.votes.listed, 3);
    assert_eq!(e.participation.iter().map(|b| b.votes).sum::<u64>(), 3);
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn vote_count_larger_than_the_list_fails_count() {
    let mut f = fixture(3);
    f.election.vote_count = 4;
    let r = run(f);
    assert_eq!(failing_categories(&r), [Category::Count]);
    let fails = failures(&r);
    assert_eq!(fails.len(), 1);
    assert_eq!(fails[0].0, "V-COUNT-01");
    assert_eq!(r.verdict, Verdict::Fail);
}

#[test]
fn duplicated_nullifier_fails_count_at_the_vote() {
    let mut f = fixture(3);
    let dup = f.votes[1].clone();
    f.votes.push(dup);
    f.list_total = Some(4);
    let r = run(f);
    assert_eq!(failing_categories(&r), [Category::Count]);
    let fails = failures(&r);
    assert_eq!(fails.len(), 1, "{fails:?}");
    assert_eq!(fails[0].0, "V-COUNT-02");
    assert_eq!(fails[0].2.as_deref(), Some(vote_id(1).as_str()));
}

#[test]
fn vote_before_the_window_fails_window() {
    let mut f = fixture(3);
    if let Some(d) = f.votes[2].detail.as_mut() {
        d.date = "2024-05-01T09:59:59Z".into();
    }
    let r = run(f);
    assert_eq!(failing_categories(&r), [Category::Window]);
    let fails = failures(&r);
    assert_eq!(fails.len(), 1);
    assert_eq!(fails[0].2.as_deref(), Some(vote_id(2).as_str()));
}

#[test]
fn vote_after_end_date_warns_before_results() {
    let mut f = fixture(2);
    f.election.status = "ENDED".into();
    f.election.final_results = false;
    if let Some(d) = f.votes[0].detail.as_mut() {
        d.date = "2024-05-02T10:00:01Z".into();
    }
    let r = run(f);
    assert_eq!(failures(&r), []);
    let w = r.all_checks().find(|c| c.id == "V-WINDOW-01").unwrap();
    assert_eq!(w.status, Status::Warn);
}

#[test]
fn overwrites_above_the_limit_fail_count() {
    let mut f = fixture(2);
    if let Some(d) = f.votes[0].detail.as_mut() {
        d.overwrite_count = 1;
    }
    let r = run(f);
    let fails = failures(&r);
    assert_eq!(fails.len(), 1);
    assert_eq!(fails[0].0, "V-COUNT-03");
    assert_eq!(fails[0].2.as_deref(), Some(vote_id(0).as_str()));
}

fn saas_for(f: &Fixture, results: Vec<Vec<String>>) -> SaasEvidence {
    let q = saas::Question {
        id: "q1".into(),
        upstream_id: ELECTION.into(),
        status: f.election.status.clone(),
        results: Some(saas::QuestionResults {
            vote_count: Some(f.election.vote_count),
            max_voters: Some(f.election.census.max_census_size),
            final_results: Some(true),
            results: Some(results),
        }),
        ..Default::default()
    };
    SaasEvidence {
        process: Some(saas::Process {
            id: "65f0".into(),
            org_address: format!("0x{ORG}"),
            chain_id: f.election.chain_id.clone(),
            questions: vec![q],
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[test]
fn saas_agreeing_with_the_chain_passes() {
    let mut f = fixture(2);
    f.saas = Some(saas_for(&f, two_questions(2)));
    let r = run(f);
    assert_eq!(failures(&r), []);
    let c = r.all_checks().find(|c| c.id == "V-CROSS-02").unwrap();
    assert_eq!(c.status, Status::Pass);
    let c = r.all_checks().find(|c| c.id == "V-CROSS-01").unwrap();
    assert_eq!(c.status, Status::Pass);
}

#[test]
fn saas_results_differing_fail_cross_source_at_the_cell() {
    let mut f = fixture(2);
    let mut results = two_questions(2);
    results[1][1] = "1".into();
    f.saas = Some(saas_for(&f, results));
    let r = run(f);
    assert_eq!(failing_categories(&r), [Category::CrossSource]);
    let fails = failures(&r);
    assert_eq!(fails.len(), 1);
    assert_eq!(fails[0].3, Some([1, 1]));
}

#[test]
fn unreachable_vote_details_make_the_audit_incomplete() {
    let mut f = fixture(2);
    f.gaps.push(Gap {
        subject: GapSubject::VoteDetail,
        kind: GapKind::Unreachable,
        election_id: None,
        vote_id: Some(vote_id(5)),
        tx_hash: None,
        reason: "timeout after 5 retries".into(),
    });
    let r = run(f);
    assert_eq!(failures(&r), []);
    assert_eq!(r.verdict, Verdict::Incomplete);
    assert_eq!(r.exit_code(), 2);
}

#[test]
fn a_transaction_the_node_does_not_serve_fails_bundle() {
    let mut f = fixture(2);
    f.gaps.push(Gap {
        subject: GapSubject::Transaction,
        kind: GapKind::NotServed,
        election_id: None,
        vote_id: Some(vote_id(0)),
        tx_hash: Some(format!("{:064x}", 1000)),
        reason: "HTTP 204 code 4007".into(),
    });
    let r = run(f);
    assert_eq!(failing_categories(&r), [Category::Bundle]);
    assert_eq!(r.verdict, Verdict::Fail);
}

#[test]
fn recomputed_tally_passes_on_the_clean_election() {
    let r = run(fixture(3));
    let e = &r.elections[0];
    assert_eq!(e.tally.computed.as_ref(), Some(&two_questions(3)));
    assert_eq!((e.votes.counted, e.votes.skipped), (3, 0));
    let t = r.all_checks().find(|c| c.id == "V-TALLY-01").unwrap();
    assert_eq!(t.status, Status::Pass, "{}", t.message);
}

#[test]
fn a_result_cell_plus_one_fails_tally_at_the_cell() {
    let mut f = fixture(3);
    let mut result = two_questions(3);
    result[0][1] = "4".into();
    f.election.result = Some(result);
    let r = run(f);
    assert_eq!(failing_categories(&r), [Category::Tally]);
    let fails = failures(&r);
    assert_eq!(fails.len(), 1, "{fails:?}");
    assert_eq!(
        (fails[0].0.as_str(), fails[0].3),
        ("V-TALLY-01", Some([0, 1]))
    );
}

#[test]
fn an_invalid_ballot_is_listed_not_failed() {
    let mut f = fixture(3);
    if let Some(d) = f.votes[0].detail.as_mut() {
        d.package = serde_json::value::to_raw_value(&serde_json::json!({"votes": [2, 0]})).unwrap();
    }
    // The node skips the invalid ballot: the result is that of the two others.
    f.election.result = Some(two_questions(2));
    let r = run(f);
    assert_eq!(failures(&r), []);
    let b = r.all_checks().find(|c| c.id == "V-BALLOT-01").unwrap();
    assert_eq!(b.status, Status::Warn);
    assert_eq!(b.findings.len(), 1);
    assert!(
        b.findings[0].message.contains("max value overflow"),
        "{}",
        b.findings[0].message
    );
    assert_eq!(r.elections[0].votes.skipped, 1);
}

/// V-CENSUS-05 on a census kind vocaudit cannot check: the verdict is `incomplete` (exit 2), no
/// check fails, and the check names the kind and why.
#[rstest::rstest]
#[case::erc20("ERC20", false, "token census")]
#[case::mini_me("MINI_ME", false, "token census")]
#[case::farcaster("FARCASTER_FRAME", false, "Farcaster")]
#[case::anonymous_csp("OFF_CHAIN_CA", true, "anonymous votes")]
#[case::erc721("ERC721", false, "token census")]
fn an_uncheckable_census_makes_the_verdict_incomplete(
    #[case] origin: &str,
    #[case] anonymous: bool,
    #[case] why: &str,
) {
    use vocaudit::protocol::process_id::{EnvelopeType, ProcessId};
    use vocaudit::protocol::proto::{CensusOrigin, ProtoEnum};
    let mut f = fixture(3);
    f.election.census.census_origin = origin.into();
    f.election.vote_mode.anonymous = anonymous;
    // The election id carries the census origin and the anonymous bit (V-PID-01).
    let mut id = ProcessId::decode(&hex::decode(ELECTION).unwrap().try_into().unwrap());
    id.census_origin = CensusOrigin::value_of(origin).unwrap_or(42) as u8;
    id.envelope_type = EnvelopeType(id.envelope_type.0 | if anonymous { 0x02 } else { 0 });
    f.election.election_id = hex::encode(id.encode());
    let r = run(f);
    assert_eq!(failures(&r), []);
    assert_eq!(r.verdict, Verdict::Incomplete);
    assert_eq!(r.exit_code(), 2);
    let check = r
        .all_checks()
        .find(|c| c.id == "V-CENSUS-05")
        .expect("V-CENSUS-05 reported");
    assert_eq!(check.status, Status::Skip);
    assert!(
        check.message.contains("verdict incomplete"),
        "{}",
        check.message
    );
    assert!(check.message.contains(why), "{}", check.message);
}

#[test]
fn a_checkable_census_passes_its_eligibility_check() {
    let r = run(fixture(2));
    let check = r.all_checks().find(|c| c.id == "V-CENSUS-05").unwrap();
    assert_eq!(check.status, Status::Pass, "{}", check.message);
}
