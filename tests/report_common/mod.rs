//! Hand-made AuditResult fixtures for the reporter tests: a passing audit of two elections and a
//! tampered one whose findings span several categories and every kind of location.
#![allow(dead_code)]

use vocaudit::bundle::evidence::{BundleInfo, Source};
use vocaudit::verify::result::*;

pub const E1: &str = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
pub const E2: &str = "4ae20a8eb4ca79b2d1e8c1f4e1a6f0f0c4b2b9c3d7a1e5f2a8b6c4d0e9f1a2b3";
pub const VOTE: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
pub const TX: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
pub const MANIFEST: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn check(id: &str, category: Category, status: Status, message: &str) -> CheckResult {
    CheckResult {
        id: id.into(),
        category,
        title: format!("{} check", category.as_str()),
        status,
        message: message.into(),
        findings: vec![],
    }
}

fn matrix(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

fn election(id: &str, title: &str) -> ElectionAudit {
    let results = matrix(&[&["120", "75", "5"], &["60", "140"]]);
    ElectionAudit {
        election_id: id.into(),
        title: Some(title.into()),
        title_translations: [("ca".to_string(), format!("{title} (CA)"))].into(),
        status: "RESULTS".into(),
        organization_id: "0x5e1c2b7d9a3f4e6c8b0a1d2f3e4c5b6a7d8e9f01".into(),
        start_date: "2025-03-01T08:00:00Z".into(),
        end_date: "2025-03-01T14:00:00Z".into(),
        final_results: true,
        manually_ended: false,
        results_visibility: ResultsVisibility::SecretUntilEnd,
        authentication: Authentication::WeightedList,
        census_root: "1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c4b5a69780f1e2d3c4b5a6978".into(),
        census_uri: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi".into(),
        census_origin: "OFF_CHAIN_TREE_WEIGHTED".into(),
        encrypted: true,
        questions: vec![
            Question {
                title: "Approve the 2025 budget?".into(),
                choices: vec!["Yes".into(), "No".into(), "Abstain".into()],
                // Catalan in full; Spanish with the title and the first choice only.
                translations: [
                    (
                        "ca".to_string(),
                        QuestionText {
                            title: "Aproveu el pressupost del 2025?".into(),
                            choices: vec!["Sí".into(), "No".into(), "Abstenció".into()],
                        },
                    ),
                    (
                        "es".to_string(),
                        QuestionText {
                            title: "¿Aprueba el presupuesto de 2025?".into(),
                            choices: vec!["Sí".into(), String::new(), String::new()],
                        },
                    ),
                ]
                .into(),
            },
            Question {
                title: "Board seat".into(),
                choices: vec!["Alice Martín".into(), "Bob O'Neil".into()],
                translations: Default::default(),
            },
        ],
        votes: VoteCounts {
            listed: 200,
            counted: 200,
            skipped: 0,
            published: Some(200),
        },
        turnout: Turnout {
            eligible: Some(250),
            eligible_source: Some(EligibleSource::CensusDump),
            percent: Some("80.00".into()),
            skipped_reasons: vec![],
            weighted: true,
            eligible_power: Some("400".into()),
            eligible_power_source: Some(PowerSource::CensusDump),
            power_used: Some("200".into()),
            power_percent: Some("50.00".into()),
        },
        tally: TallyPair {
            computed: Some(results.clone()),
            published: Some(results),
        },
        shares: Shares {
            of_counted: Some(matrix(&[&["60.00", "37.50", "2.50"], &["30.00", "70.00"]])),
            of_eligible: Some(matrix(&[&["30.00", "18.75", "1.25"], &["15.00", "35.00"]])),
        },
        by_choice: None,
        participation: (0..6)
            .map(|h| ParticipationBucket {
                start: format!("2025-03-01T{:02}:00:00Z", 8 + h),
                votes: [12, 40, 55, 38, 30, 25][h],
            })
            .collect(),
        checks: vec![
            check(
                "V-TALLY-01",
                Category::Tally,
                Status::Pass,
                "recomputed tally equals the published results",
            ),
            check(
                "V-BALLOT-01",
                Category::Ballot,
                Status::Pass,
                "200 ballots decode",
            ),
            check(
                "V-CENSUS-01",
                Category::Census,
                Status::Pass,
                "census root matches",
            ),
            check(
                "V-SIG-01",
                Category::Signature,
                Status::Pass,
                "200 signatures recover to census keys",
            ),
            check(
                "V-NULL-01",
                Category::Nullifier,
                Status::Pass,
                "nullifiers recompute",
            ),
            check(
                "V-TX-01",
                Category::TxHash,
                Status::Pass,
                "tx hashes recompute",
            ),
            check("V-KEYS-01", Category::Keys, Status::Pass, "keys match"),
            check(
                "V-COUNT-01",
                Category::Count,
                Status::Pass,
                "200 listed = voteCount 200",
            ),
            check(
                "V-WINDOW-01",
                Category::Window,
                Status::Warn,
                "block times not available; cannot verify the window exactly",
            ),
            check(
                "V-CROSS-01",
                Category::CrossSource,
                Status::Skip,
                "no SaaS source given",
            ),
        ],
        history: None,
        zk_keys: Vec::new(),
        ballots: None,
    }
}

fn audit(verdict: Verdict, elections: Vec<ElectionAudit>) -> AuditResult {
    AuditResult {
        schema: REPORT_SCHEMA.into(),
        tool: ToolInfo::default(),
        generated_at: "2025-03-02T10:00:00Z".into(),
        verdict,
        title: Some("General assembly 2025".into()),
        organization: Some("5e1c2b7d9a3f4e6c8b0a1d2f3e4c5b6a7d8e9f01".into()),
        organization_name: Some("Cooperativa de Prova".into()),
        organization_name_translations: [("es".to_string(), "Cooperativa de Prueba".to_string())]
            .into_iter()
            .collect(),
        source: Source {
            node: Some("https://api-dev.vocdoni.net/v2".into()),
            saas: None,
            process_id: None,
            chain_id: Some("vocdoni/DEV/33".into()),
        },
        bundle: Some(BundleInfo {
            manifest_sha256: MANIFEST.into(),
            files: 412,
            fetched_at: "2025-03-02T09:58:12Z".into(),
        }),
        saas: None,
        checks: vec![check(
            "V-BUNDLE-01",
            Category::Bundle,
            Status::Pass,
            "412 files match the manifest",
        )],
        elections,
    }
}

/// The history of an election scheduled to end at `scheduled_end` and ended by hand
/// (status ENDED) at `time`, block `height`; no events or metadata versions yet.
pub fn ended_by_hand(
    scheduled_end: &str,
    time: &str,
    height: u64,
    tx_hash: Option<String>,
) -> ElectionHistory {
    ElectionHistory {
        scheduled_end: Some(scheduled_end.into()),
        actual_end: Some(ActualEnd {
            by: "manual".into(),
            time: Some(time.into()),
            height: Some(height),
            tx_hash,
            status: Some("ENDED".into()),
        }),
        events: Vec::new(),
        metadata_versions: Vec::new(),
    }
}

/// Two elections, every check passes (one warn, one skip).
pub fn passing() -> AuditResult {
    audit(
        Verdict::Pass,
        vec![
            election(E1, "General assembly 2025"),
            election(E2, "Board election"),
        ],
    )
}

/// The first election's published results were tampered with (cell [0][1]), one vote's
/// signature and nullifier are wrong, a tx hash differs, a key does not match, and the vote
/// count is short.
pub fn failing() -> AuditResult {
    let mut result = passing();
    let e = &mut result.elections[0];
    if let Some(published) = e.tally.published.as_mut() {
        published[0][1] = "95".into();
    }
    let fail = |c: &mut CheckResult, message: &str, findings: Vec<Finding>| {
        c.status = Status::Fail;
        c.message = message.into();
        c.findings = findings;
    };
    let at = |f: fn(&mut Location)| {
        let mut l = Location::election(E1);
        f(&mut l);
        l
    };
    for c in e.checks.iter_mut() {
        match c.id.as_str() {
            "V-TALLY-01" => fail(
                c,
                "published results differ from the recomputed tally in 1 cell",
                vec![Finding {
                    location: at(|l| l.cell = Some([0, 1])),
                    message: "published result differs from the recomputed tally".into(),
                    expected: Some("75".into()),
                    actual: Some("95".into()),
                }],
            ),
            "V-SIG-01" => fail(
                c,
                "1 signature does not recover to a census key",
                vec![Finding {
                    location: at(|l| {
                        l.vote_id = Some(VOTE.into());
                        l.tx_hash = Some(TX.into());
                    }),
                    message: "signature recovers to an address not in the census".into(),
                    expected: Some("0x71c7656ec7ab88b098defb751b7401b5f6d8976f".into()),
                    actual: Some("0x0000000000000000000000000000000000000bad".into()),
                }],
            ),
            "V-NULL-01" => fail(
                c,
                "1 nullifier does not recompute",
                vec![Finding {
                    location: at(|l| l.vote_id = Some(VOTE.into())),
                    message: "nullifier differs from keccak256(address ‖ processId)".into(),
                    expected: None,
                    actual: Some(VOTE.into()),
                }],
            ),
            "V-TX-01" => fail(
                c,
                "1 tx hash does not recompute",
                vec![Finding {
                    location: at(|l| l.tx_hash = Some(TX.into())),
                    message: "sha256 of the signed tx differs from the hash the node lists".into(),
                    expected: Some(
                        "1111111111111111111111111111111111111111111111111111111111111111".into(),
                    ),
                    actual: Some(TX.into()),
                }],
            ),
            "V-KEYS-01" => fail(
                c,
                "1 published key does not match its commitment",
                vec![Finding {
                    location: at(|l| l.key_index = Some(3)),
                    message: "public key at index 3 does not match its private key".into(),
                    expected: None,
                    actual: None,
                }],
            ),
            "V-COUNT-01" => fail(
                c,
                "the node lists 199 votes but reports voteCount 200",
                vec![],
            ),
            _ => {}
        }
    }
    e.votes.listed = 199;
    result.verdict = Verdict::Fail;
    result
}

/// An election whose texts try to break out of every format.
pub fn hostile() -> AuditResult {
    let mut result = passing();
    let e = &mut result.elections[0];
    e.title = Some("<script>alert(1)</script> & \"quotes\"".into());
    e.questions[0].title = "<img src=https://evil.example/x.png>".into();
    e.questions[0].choices[0] = "<b>Yes</b>".into();
    e.election_id = "../../etc/passwd".into();
    result.organization_name = Some("<iframe src=x></iframe> Org".into());
    result
}
