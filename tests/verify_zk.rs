//! The V-ZK checks on hand-built anonymous elections: a Poseidon census dump, votes carrying
//! real Groth16 proofs of the seeded test circuit (v1.0.0's public-signal layout), served as the
//! node serves them. A clean election passes with its key trusted; each defect fails exactly its
//! own check at its own vote; without the key no proof verifies.

use std::sync::{Arc, OnceLock};

use num_bigint::BigUint;
use vocaudit::api::node::{
    Election, ElectionCensus, TallyMode, TransactionResponse, VoteDetail, VoteMode, VoteRow,
};
use vocaudit::bundle::evidence::{AuditInput, ElectionEvidence, InMemoryVotes, VoteEvidence};
use vocaudit::protocol::arbo::dump::{weight_to_value, CensusDump, CensusTreeType};
use vocaudit::protocol::process_id::{EnvelopeType, ProcessId};
use vocaudit::protocol::proto::{Proof, ProofPayload, ProofZkSnark, Tx, TxPayload, VoteEnvelope};
use vocaudit::protocol::tally::{Tally, TallyParams};
use vocaudit::protocol::tx::{
    encode_signed_tx, encode_tx, tx_hash, tx_to_node_json, ClientEncoding,
};
use vocaudit::protocol::zk::field::fr_to_decimal;
use vocaudit::protocol::zk::inputs::root_to_fr;
use vocaudit::protocol::zk::registry::SignalLayout;
use vocaudit::protocol::zk::testcircuit::{TestCircuit, VoteStatement};
use vocaudit::protocol::zk::{bytes_to_arbo_split, nullifier_bytes, CircuitRegistry, Fr};
use vocaudit::verify::result::{AuditResult, Status, Verdict};
use vocaudit::verify::{verify, VerifyOptions};

const VOTERS: usize = 6;
const CHAIN: &str = "vocdoni/test";

fn circuit() -> &'static TestCircuit {
    static C: OnceLock<TestCircuit> = OnceLock::new();
    C.get_or_init(|| TestCircuit::generate(7).unwrap())
}

fn pid(nonce: u32) -> [u8; 32] {
    ProcessId::new(CHAIN, [0x11; 20], 2, EnvelopeType(0x02), nonce).encode()
}

/// What to do to one vote.
#[derive(Clone, Copy, PartialEq)]
enum Defect {
    None,
    /// The proof of another voter's statement, with this vote's signals.
    Proof,
    /// Proved for another election.
    Election,
    /// Proved against another census root.
    CensusRoot,
    /// The proof of one package, the envelope carrying another (counted by the node).
    VoteHash,
}

fn run(defect: Defect, at: usize, trust: bool) -> AuditResult {
    let id = pid(1);
    let weights: Vec<u64> = (0..VOTERS as u64).map(|i| i + 1).collect();
    let leaves: Vec<([u8; 20], [u8; 32])> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            (
                [i as u8 + 1; 20],
                weight_to_value(&BigUint::from(*w)).unwrap(),
            )
        })
        .collect();
    let dump = CensusDump::build(CensusTreeType::ZkWeighted, 160, &leaves).unwrap();
    let root = dump.root_hash;
    let params = TallyParams {
        max_count: 2,
        max_value: 1,
        cost_exponent: 1,
        ..Default::default()
    };
    let mut tally = Tally::new(params).unwrap();
    let votes: Vec<VoteEvidence> = (0..VOTERS)
        .map(|i| {
            let package = format!(r#"{{"nonce":"{i:02x}","votes":[1,0]}}"#).into_bytes();
            let mut statement = VoteStatement {
                election_id: bytes_to_arbo_split(&id),
                available_weight: Fr::from(weights[i]),
                vote_hash: bytes_to_arbo_split(&package),
                sik_root: Fr::from(77u64),
                census_root: root_to_fr(&root).unwrap(),
                secret: Fr::from(1000 + i as u64),
            };
            let mut counted = package.clone();
            if i == at {
                match defect {
                    Defect::Election => statement.election_id = bytes_to_arbo_split(&pid(2)),
                    Defect::CensusRoot => statement.census_root = Fr::from(12345u64),
                    Defect::VoteHash => {
                        counted = format!(r#"{{"nonce":"{i:02x}","votes":[0,1]}}"#).into_bytes()
                    }
                    Defect::None | Defect::Proof => {}
                }
            }
            let mut proof = circuit().prove(&statement, i as u64).unwrap();
            if i == at && defect == Defect::Proof {
                let mut other = statement;
                other.secret = Fr::from(1u64);
                proof = circuit().prove(&other, 99).unwrap();
            }
            let (a, b, c) = proof.protobuf_strings();
            let signals: Vec<String> = statement
                .public_signals()
                .iter()
                .map(fr_to_decimal)
                .collect();
            let nullifier = nullifier_bytes(&statement.nullifier());
            let vp = vocaudit::protocol::ballot::VotePackage::decode(&counted).unwrap();
            tally.add(&vp.votes, &BigUint::from(weights[i]));
            let envelope = VoteEnvelope {
                nonce: vec![i as u8],
                process_id: id.to_vec(),
                proof: Some(Proof {
                    payload: Some(ProofPayload::ZkSnark(ProofZkSnark {
                        circuit_parameters_index: 0,
                        a,
                        b,
                        c,
                        public_inputs: signals,
                    })),
                }),
                vote_package: counted.clone(),
                ..Default::default()
            };
            let tx = Tx {
                payload: Some(TxPayload::Vote(envelope)),
            };
            let signed = encode_signed_tx(&encode_tx(&tx, ClientEncoding::GoCanonical), None);
            let hash = hex::encode(tx_hash(&signed));
            let detail: VoteDetail = serde_json::from_value(serde_json::json!({
                "txHash": hash,
                "voteID": hex::encode(&nullifier),
                "package": serde_json::from_slice::<serde_json::Value>(&counted).unwrap(),
                "weight": weights[i].to_string(),
                "electionID": hex::encode(id),
                "blockHeight": 10 + i,
                "date": format!("2026-05-01T10:{:02}:00Z", 10 + i),
            }))
            .unwrap();
            let tx: TransactionResponse = serde_json::from_value(serde_json::json!({
                "tx": tx_to_node_json(&tx),
                "txInfo": {"hash": hash, "height": 10 + i, "index": 0, "type": "vote"},
                "signature": "",
            }))
            .unwrap();
            VoteEvidence {
                row: Some(VoteRow {
                    tx_hash: detail.tx_hash.clone(),
                    vote_id: detail.vote_id.clone(),
                    ..Default::default()
                }),
                detail: Some(detail),
                tx: Some(tx),
                errors: Vec::new(),
            }
        })
        .collect();
    let election = Election {
        election_id: hex::encode(id),
        organization_id: hex::encode([0x11; 20]),
        status: "RESULTS".into(),
        start_date: "2026-05-01T10:00:00Z".into(),
        end_date: "2026-05-02T10:00:00Z".into(),
        vote_count: VOTERS as u64,
        final_results: true,
        chain_id: CHAIN.into(),
        result: Some(tally.results().to_decimal_strings()),
        vote_mode: VoteMode {
            anonymous: true,
            ..Default::default()
        },
        census: ElectionCensus {
            census_origin: "OFF_CHAIN_TREE_WEIGHTED".into(),
            census_root: hex::encode(root),
            census_url: "ipfs://bafycensus".into(),
            max_census_size: 10,
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
    let mut registry = CircuitRegistry::vocdoni().unwrap();
    if trust {
        registry
            .add_trusted_key(
                "sim-key.json",
                circuit().verification_key_json(),
                SignalLayout::V1_0_0,
            )
            .unwrap();
    }
    let ev = ElectionEvidence {
        election,
        keys: None,
        scrutiny: None,
        votes_count: Some(VOTERS as u64),
        list_total: Some(VOTERS as u64),
        census_dump: Some(Ok(dump.to_json().unwrap())),
        gaps: Vec::new(),
        rereads: Default::default(),
        votes: Box::new(InMemoryVotes::new(votes, 4)),
        history: Default::default(),
    };
    verify(
        AuditInput {
            source: Default::default(),
            zk: Default::default(),
            bundle: None,
            saas: None,
            elections: vec![ev],
            gaps: Vec::new(),
            accounts: Vec::new(),
        },
        &VerifyOptions {
            generated_at: Some("2026-06-01T00:00:00Z".into()),
            circuits: Some(Arc::new(registry)),
        },
    )
}

fn status(r: &AuditResult, id: &str) -> Status {
    r.all_checks().find(|c| c.id == id).unwrap().status
}

/// `(check id, vote id)` of every finding of a failing check, but V-ZK-01's election-level
/// remark that the trusted key is not Vocdoni's.
fn failures(r: &AuditResult) -> Vec<(String, Option<String>)> {
    r.all_checks()
        .filter(|c| c.status == Status::Fail)
        .flat_map(|c| {
            c.findings
                .iter()
                .filter(move |f| c.id != "V-ZK-01" || f.location.vote_id.is_some())
                .map(move |f| (c.id.clone(), f.location.vote_id.clone()))
        })
        .collect()
}

fn vote_id(r: &AuditResult, at: usize) -> Option<String> {
    r.elections[0].ballots.as_ref().unwrap()[at]
        .vote_id
        .to_string()
        .into()
}

#[test]
fn a_clean_anonymous_election_passes_with_every_zk_check_reported() {
    let r = run(Defect::None, 0, true);
    assert_eq!(failures(&r), []);
    assert_eq!(r.verdict, Verdict::Pass, "{:#?}", r.elections[0].checks);
    for id in [
        "V-ZK-02",
        "V-ZK-03",
        "V-ZK-04",
        "V-ZK-05",
        "V-ZK-06",
        "V-CENSUS-01",
        "V-CENSUS-05",
        "V-TALLY-01",
        "V-TXHASH-01",
    ] {
        assert_eq!(status(&r, id), Status::Pass, "{id}");
    }
    // Verified under a key that is not Vocdoni's: flagged, not failed.
    assert_eq!(status(&r, "V-ZK-01"), Status::Warn);
    let zk01 = r.all_checks().find(|c| c.id == "V-ZK-01").unwrap();
    assert!(
        zk01.message.contains("trusted key sim-key.json"),
        "{}",
        zk01.message
    );
    // report.json names the key and flags it.
    let keys = &r.elections[0].zk_keys;
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (keys[0].name.as_str(), keys[0].vocdoni, keys[0].proofs),
        ("trusted key sim-key.json", false, VOTERS as u64)
    );
    assert_eq!(status(&r, "V-ZK-07"), Status::Skip);
    for id in ["V-SIG-01", "V-NULL-01", "V-CENSUS-02", "V-WEIGHT-01"] {
        assert_eq!(status(&r, id), Status::Skip, "{id}");
    }
}

#[rstest::rstest]
#[case::proof(Defect::Proof, "V-ZK-01")]
#[case::election(Defect::Election, "V-ZK-02")]
#[case::census_root(Defect::CensusRoot, "V-ZK-03")]
#[case::vote_hash(Defect::VoteHash, "V-ZK-04")]
fn each_defect_fails_exactly_its_check_at_its_vote(#[case] defect: Defect, #[case] check: &str) {
    let r = run(defect, 2, true);
    assert_eq!(failures(&r), [(check.to_string(), vote_id(&r, 2))]);
    assert_eq!(r.verdict, Verdict::Fail);
    if defect == Defect::VoteHash {
        let f = &r.all_checks().find(|c| c.id == check).unwrap().findings[0];
        assert!(
            f.message
                .contains("the package counted may not be the one the voter proved"),
            "{}",
            f.message
        );
    }
}

#[test]
fn without_the_key_no_proof_verifies() {
    let r = run(Defect::None, 0, false);
    let failed = failures(&r);
    assert_eq!(failed.len(), VOTERS);
    assert!(failed.iter().all(|(id, _)| id == "V-ZK-01"), "{failed:?}");
    assert_eq!(r.verdict, Verdict::Fail);
}
