//! The verifier on a hand-built arbo-census election with real transactions, census proofs and
//! a census dump: clean it passes, and each defect fails exactly its category at its vote.

use num_bigint::BigUint;
use vocaudit::api::node::{
    Election, ElectionCensus, TallyMode, TransactionResponse, VoteDetail, VoteRow,
};
use vocaudit::bundle::evidence::{AuditInput, ElectionEvidence, InMemoryVotes, VoteEvidence};
use vocaudit::protocol::arbo::dump::{
    weight_to_value, weighted_census_key, CensusDump, CensusTreeType,
};
use vocaudit::protocol::arbo::{CensusTree, HashKind};
use vocaudit::protocol::hash::keccak256;
use vocaudit::protocol::identity;
use vocaudit::protocol::proto::{Proof, ProofArbo, ProofPayload, Tx, TxPayload, VoteEnvelope};
use vocaudit::protocol::tally::{Tally, TallyParams};
use vocaudit::protocol::tx::{
    encode_signed_tx, encode_tx, tx_hash, tx_to_node_json, ClientEncoding,
};
use vocaudit::verify::result::{AuditResult, Category, Status};
use vocaudit::verify::{verify, VerifyOptions};

const ELECTION: &str = "6b342d99f218d8da6bf26964af9d7eed9e03e53415d37aa96045020000000001";
const VOTERS: usize = 4;

/// One voter's part of the evidence, before it is assembled; defects edit these.
struct VoteParts {
    envelope: VoteEnvelope,
    /// What `/votes/{id}` serves.
    served_package: serde_json::Value,
    stored_weight: String,
    date: String,
    /// A txHash published instead of the transaction's real hash.
    published_hash: Option<String>,
    /// Signs with this secret instead of the voter's.
    signed_by: Option<[u8; 32]>,
    /// A voteID published instead of the voter's nullifier.
    published_vote_id: Option<String>,
}

struct ArboElection {
    election: Election,
    /// Each voter's signing secret; `voters` are their addresses.
    secrets: Vec<[u8; 32]>,
    voters: Vec<[u8; 20]>,
    votes: Vec<VoteParts>,
    dump: Vec<u8>,
}

fn pid() -> [u8; 32] {
    hex::decode(ELECTION).unwrap().try_into().unwrap()
}

/// Four voters with census weights 1, 2, 3, 4, each voting `[i % 2, 1]`.
fn arbo_election() -> ArboElection {
    let secrets: Vec<[u8; 32]> = (0..VOTERS).map(|i| [i as u8 + 1; 32]).collect();
    let voters: Vec<[u8; 20]> = secrets.iter().map(address).collect();
    let leaves: Vec<([u8; 20], [u8; 32])> = voters
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                weighted_census_key(a),
                weight_to_value(&BigUint::from(i as u32 + 1)).unwrap(),
            )
        })
        .collect();
    let set = CensusTree::build(HashKind::Blake2b, 160, &leaves).unwrap();
    let root = set.root();
    let dump = CensusDump::build(CensusTreeType::Weighted, 160, &leaves)
        .unwrap()
        .to_json()
        .unwrap();
    let votes = voters
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let proof = set.proof(&weighted_census_key(a)).unwrap();
            let package = serde_json::json!({"votes": [i % 2, 1]});
            VoteParts {
                envelope: VoteEnvelope {
                    nonce: vec![i as u8],
                    process_id: pid().to_vec(),
                    proof: Some(Proof {
                        payload: Some(ProofPayload::Arbo(ProofArbo {
                            siblings: proof.packed().unwrap(),
                            available_weight: leaves[i].1.to_vec(),
                            key_type: 1,
                            ..Default::default()
                        })),
                    }),
                    vote_package: package.to_string().into_bytes(),
                    ..Default::default()
                },
                served_package: package,
                stored_weight: (i + 1).to_string(),
                date: format!("2024-05-01T1{i}:00:00Z"),
                published_hash: None,
                signed_by: None,
                published_vote_id: None,
            }
        })
        .collect();
    let election = Election {
        election_id: ELECTION.into(),
        organization_id: "d8da6bf26964af9d7eed9e03e53415d37aa96045".into(),
        status: "RESULTS".into(),
        start_date: "2024-05-01T10:00:00Z".into(),
        end_date: "2024-05-02T10:00:00Z".into(),
        vote_count: VOTERS as u64,
        final_results: true,
        chain_id: "vocdoni/LTS/1.2".into(),
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
    ArboElection {
        election,
        secrets,
        voters,
        votes,
        dump,
    }
}

fn address(secret: &[u8; 32]) -> [u8; 20] {
    let key = identity::signing_key(secret).unwrap();
    identity::address_of(&k256::PublicKey::from(key.verifying_key()))
}

fn vote_id(voter: &[u8; 20]) -> String {
    hex::encode(keccak256(&[voter, &pid()]))
}

/// Assembles the evidence as the node would serve it, with the results the node computes from
/// its stored packages and weights.
fn run(mut a: ArboElection) -> AuditResult {
    if a.election.result.is_none() {
        let mut tally = Tally::new(TallyParams {
            max_count: 2,
            max_value: 1,
            cost_exponent: 1,
            ..Default::default()
        })
        .unwrap();
        for v in &a.votes {
            let vp =
                vocaudit::protocol::ballot::VotePackage::decode(&v.envelope.vote_package).unwrap();
            tally.add(&vp.votes, &v.stored_weight.parse().unwrap());
        }
        a.election.result = Some(tally.results().to_decimal_strings());
    }
    let chain_id = a.election.chain_id.clone();
    let votes = a
        .votes
        .into_iter()
        .zip(a.voters.iter().zip(&a.secrets))
        .enumerate()
        .map(|(i, (v, (voter, secret)))| {
            let tx = Tx {
                payload: Some(TxPayload::Vote(v.envelope)),
            };
            let tx_bytes = encode_tx(&tx, ClientEncoding::GoCanonical);
            let message = identity::vote_tx_message(&pid(), &tx_bytes, &chain_id);
            let key = identity::signing_key(v.signed_by.as_ref().unwrap_or(secret)).unwrap();
            let signature = identity::sign_eip191(&key, message.as_bytes()).unwrap();
            let signed = encode_signed_tx(&tx_bytes, Some(&signature));
            let hash = v
                .published_hash
                .unwrap_or_else(|| hex::encode(tx_hash(&signed)));
            let detail: VoteDetail = serde_json::from_value(serde_json::json!({
                "txHash": hash,
                "voteID": v.published_vote_id.clone().unwrap_or_else(|| vote_id(voter)),
                "voterID": hex::encode(voter),
                "package": v.served_package,
                "weight": v.stored_weight,
                "electionID": ELECTION,
                "blockHeight": 10 + i,
                "date": v.date,
            }))
            .unwrap();
            let tx: TransactionResponse = serde_json::from_value(serde_json::json!({
                "tx": tx_to_node_json(&tx),
                "txInfo": {"hash": hash, "height": 10 + i, "index": 0, "type": "vote"},
                "signature": hex::encode(signature),
            }))
            .unwrap();
            VoteEvidence {
                row: Some(VoteRow {
                    tx_hash: detail.tx_hash.clone(),
                    vote_id: detail.vote_id.clone(),
                    voter_id: detail.voter_id.clone(),
                    ..Default::default()
                }),
                detail: Some(detail),
                tx: Some(tx),
                errors: Vec::new(),
            }
        })
        .collect();
    let ev = ElectionEvidence {
        election: a.election,
        keys: None,
        scrutiny: None,
        votes_count: Some(VOTERS as u64),
        list_total: Some(VOTERS as u64),
        census_dump: Some(Ok(a.dump)),
        gaps: Vec::new(),
        rereads: Default::default(),
        votes: Box::new(InMemoryVotes::new(votes, 3)),
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
            generated_at: Some("2024-06-01T00:00:00Z".into()),
            ..Default::default()
        },
    )
}

fn status(r: &AuditResult, id: &str) -> Status {
    r.all_checks().find(|c| c.id == id).unwrap().status
}

/// `(check id, category, vote id)` of every failing finding.
fn failures(r: &AuditResult) -> Vec<(String, Category, Option<String>)> {
    r.all_checks()
        .filter(|c| c.status == Status::Fail)
        .flat_map(|c| {
            c.findings
                .iter()
                .map(move |f| (c.id.clone(), c.category, f.location.vote_id.clone()))
        })
        .collect()
}

fn only_failure(r: &AuditResult) -> (String, Category, Option<String>) {
    let f = failures(r);
    assert_eq!(f.len(), 1, "{f:#?}");
    f.into_iter().next().unwrap()
}

#[test]
fn clean_arbo_election_passes() {
    let r = run(arbo_election());
    assert_eq!(failures(&r), []);
    for id in [
        "V-CENSUS-01",
        "V-TXHASH-01",
        "V-NULL-01",
        "V-CENSUS-02",
        "V-WEIGHT-01",
        "V-KEYS-03",
        "V-TALLY-01",
        "V-BALLOT-01",
    ] {
        assert_eq!(status(&r, id), Status::Pass, "{id}");
    }
    assert_eq!(r.elections[0].votes.counted, VOTERS as u64);
}

#[test]
fn a_wrong_stored_weight_fails_weight() {
    let mut a = arbo_election();
    a.votes[2].stored_weight = "5".into();
    let voter = a.voters[2];
    let r = run(a);
    assert_eq!(
        only_failure(&r),
        (
            "V-WEIGHT-01".into(),
            Category::Weight,
            Some(vote_id(&voter))
        )
    );
}

#[test]
fn a_bad_census_proof_fails_census() {
    let mut a = arbo_election();
    if let Some(ProofPayload::Arbo(p)) = a.votes[1]
        .envelope
        .proof
        .as_mut()
        .and_then(|p| p.payload.as_mut())
    {
        p.available_weight = weight_to_value(&BigUint::from(9u8)).unwrap().to_vec();
    }
    let voter = a.voters[1];
    let r = run(a);
    assert_eq!(
        only_failure(&r),
        (
            "V-CENSUS-02".into(),
            Category::Census,
            Some(vote_id(&voter))
        )
    );
}

#[test]
fn a_served_package_differing_from_the_transaction_fails_keys() {
    let mut a = arbo_election();
    a.votes[0].served_package = serde_json::json!({"votes": [1, 1]});
    let voter = a.voters[0];
    let r = run(a);
    assert_eq!(
        only_failure(&r),
        ("V-KEYS-03".into(), Category::Keys, Some(vote_id(&voter)))
    );
}

#[test]
fn a_census_dump_with_another_root_is_noticed_per_vote() {
    let mut a = arbo_election();
    a.dump = CensusDump::build(
        CensusTreeType::Weighted,
        160,
        &[(
            weighted_census_key(&a.voters[0]),
            weight_to_value(&BigUint::from(1u8)).unwrap(),
        )],
    )
    .unwrap()
    .to_json()
    .unwrap();
    let r = run(a);
    let fails = failures(&r);
    assert!(fails.iter().all(|f| f.1 == Category::Census), "{fails:#?}");
    // The dump's leaves rebuild its own rootHash but not the election's censusRoot.
    let dump = r.all_checks().find(|c| c.id == "V-CENSUS-01").unwrap();
    assert_eq!((dump.status, dump.findings.len()), (Status::Fail, 1));
    // Votes 1..3 verify against censusRoot but their leaves are not in this dump.
    assert_eq!(
        fails.iter().filter(|f| f.0 == "V-CENSUS-02").count(),
        VOTERS - 1
    );
}

/// No known encoding hashes to txHash and the signature recovers to the voter over none of
/// them either: the client's bytes are unknown, "cannot verify".
#[test]
fn a_transaction_no_known_encoding_reproduces_warns_without_failing() {
    let mut a = arbo_election();
    a.votes[3].published_hash = Some("ab".repeat(32));
    a.votes[3].signed_by = Some([0x55; 32]);
    let voter = a.voters[3];
    let r = run(a);
    assert_eq!(failures(&r), []);
    let c = r.all_checks().find(|c| c.id == "V-TXHASH-01").unwrap();
    assert_eq!(c.status, Status::Warn);
    assert_eq!(c.findings.len(), 1);
    assert_eq!(
        c.findings[0].location.vote_id.as_deref(),
        Some(vote_id(&voter).as_str())
    );
    assert!(
        c.findings[0].message.contains("cannot verify"),
        "{}",
        c.findings[0].message
    );
}

/// The voter's signature pins the bytes (it recovers to the voterID over the Go encoding), so
/// a txHash those bytes do not have is a discrepancy, not an unknown encoding.
#[test]
fn a_tx_hash_the_signed_bytes_do_not_have_fails_tx_hash() {
    let mut a = arbo_election();
    a.votes[3].published_hash = Some("ab".repeat(32));
    let voter = a.voters[3];
    let r = run(a);
    assert_eq!(
        only_failure(&r),
        (
            "V-TXHASH-01".into(),
            Category::TxHash,
            Some(vote_id(&voter))
        )
    );
}

#[test]
fn a_signature_by_another_key_fails_signature() {
    let mut a = arbo_election();
    a.votes[1].signed_by = Some([0x55; 32]);
    let voter = a.voters[1];
    let r = run(a);
    assert_eq!(
        only_failure(&r),
        (
            "V-SIG-01".into(),
            Category::Signature,
            Some(vote_id(&voter))
        )
    );
}

#[test]
fn a_vote_id_not_derived_from_the_voter_fails_nullifier() {
    let mut a = arbo_election();
    let forged = "cd".repeat(32);
    a.votes[2].published_vote_id = Some(forged.clone());
    let r = run(a);
    assert_eq!(
        only_failure(&r),
        ("V-NULL-01".into(), Category::Nullifier, Some(forged))
    );
}
