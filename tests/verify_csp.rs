//! The verifier on a hand-built CSP-census election with encrypted votes (the SaaS shape):
//! clean it passes with the legacy salt flagged, and key defects fail exactly the keys checks.

use std::collections::BTreeMap;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use vocaudit::api::node::{
    Election, ElectionCensus, ElectionKey, ElectionKeys, TallyMode, TransactionResponse,
    VoteDetail, VoteMode, VoteRow,
};
use vocaudit::bundle::evidence::{AuditInput, ElectionEvidence, InMemoryVotes, VoteEvidence};
use vocaudit::protocol::csp::{CaProofType, CspSigner, SaltRule};
use vocaudit::protocol::identity;
use vocaudit::protocol::proto::{
    CaBundle, Proof, ProofCa, ProofPayload, Tx, TxPayload, VoteEnvelope,
};
use vocaudit::protocol::sealed_box::{public_from_private, seal_layers};
use vocaudit::protocol::tx::{
    encode_signed_tx, encode_tx, tx_hash, tx_to_node_json, ClientEncoding,
};
use vocaudit::verify::result::{AuditResult, Category, Status};
use vocaudit::verify::{verify, VerifyOptions};

/// LTS prefix ‖ organisation ‖ origin 3 (OFF_CHAIN_CA) ‖ envelope 0x04 (encrypted) ‖ nonce 2.
const ELECTION: &str = "6b342d99f218d8da6bf26964af9d7eed9e03e53415d37aa96045030400000002";
const KEY_INDEX: u32 = 1;
const PRIVATE_KEY: [u8; 32] = [9; 32];

struct CspElection {
    election: Election,
    keys: ElectionKeys,
    /// Served package per vote (defects replace one).
    served: Vec<serde_json::Value>,
}

fn pid() -> [u8; 32] {
    hex::decode(ELECTION).unwrap().try_into().unwrap()
}

fn csp() -> CspSigner {
    CspSigner::new(&[3; 32]).unwrap()
}

fn csp_election() -> CspElection {
    let election = Election {
        election_id: ELECTION.into(),
        organization_id: "d8da6bf26964af9d7eed9e03e53415d37aa96045".into(),
        status: "RESULTS".into(),
        start_date: "2024-05-01T10:00:00Z".into(),
        end_date: "2024-05-02T10:00:00Z".into(),
        vote_count: 3,
        final_results: true,
        result: Some(vec![vec!["1".into(), "2".into()]]),
        chain_id: "vocdoni/LTS/1.2".into(),
        census: ElectionCensus {
            census_origin: "OFF_CHAIN_CA".into(),
            census_root: hex::encode(csp().census_root()),
            census_url: "https://saas.example/process".into(),
            max_census_size: 3,
            ..Default::default()
        },
        vote_mode: VoteMode {
            encrypted_votes: true,
            ..Default::default()
        },
        tally_mode: TallyMode {
            max_count: 1,
            max_value: 1,
            cost_exponent: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    let keys = ElectionKeys {
        public_keys: vec![ElectionKey {
            index: KEY_INDEX,
            key: hex::encode(public_from_private(&PRIVATE_KEY)),
        }],
        private_keys: vec![ElectionKey {
            index: KEY_INDEX,
            key: hex::encode(PRIVATE_KEY),
        }],
    };
    let served = (0..3)
        .map(|i| serde_json::json!({"nonce": format!("{i:016x}"), "votes": [usize::from(i > 0)]}))
        .collect();
    CspElection {
        election,
        keys,
        served,
    }
}

fn run(e: CspElection) -> AuditResult {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let public: BTreeMap<u32, [u8; 32]> = [(KEY_INDEX, public_from_private(&PRIVATE_KEY))].into();
    let votes = (0..3u8)
        .map(|i| {
            let secret = [i + 0x20; 32];
            let key = identity::signing_key(&secret).unwrap();
            let voter = identity::address_of(&k256::PublicKey::from(key.verifying_key()));
            let bundle = CaBundle {
                process_id: pid().to_vec(),
                address: voter.to_vec(),
                vote_weight: None,
            };
            let csp_signature = csp()
                .sign(
                    &mut rng,
                    CaProofType::EcdsaPidSalted,
                    SaltRule::LegacyProcessId,
                    &pid(),
                    &bundle.signed_bytes(),
                    None,
                )
                .unwrap();
            let plain =
                serde_json::json!({"nonce": format!("{i:016x}"), "votes": [usize::from(i > 0)]});
            let (ciphertext, indexes) =
                seal_layers(&mut rng, &public, plain.to_string().as_bytes()).unwrap();
            let tx = Tx {
                payload: Some(TxPayload::Vote(VoteEnvelope {
                    nonce: vec![i],
                    process_id: pid().to_vec(),
                    proof: Some(Proof {
                        payload: Some(ProofPayload::Ca(ProofCa {
                            r#type: CaProofType::EcdsaPidSalted.to_proto(),
                            bundle: Some(bundle),
                            signature: csp_signature,
                        })),
                    }),
                    vote_package: ciphertext,
                    encryption_key_indexes: indexes.clone(),
                    ..Default::default()
                })),
            };
            let tx_bytes = encode_tx(&tx, ClientEncoding::GoCanonical);
            let message = identity::vote_tx_message(&pid(), &tx_bytes, &e.election.chain_id);
            let signature = identity::sign_eip191(&key, message.as_bytes()).unwrap();
            let hash = hex::encode(tx_hash(&encode_signed_tx(&tx_bytes, Some(&signature))));
            let vote_id = hex::encode(identity::nullifier(&voter, &pid()));
            let detail: VoteDetail = serde_json::from_value(serde_json::json!({
                "txHash": hash,
                "voteID": vote_id,
                "voterID": hex::encode(voter),
                "encryptionKeys": indexes,
                "package": e.served[usize::from(i)],
                "weight": "1",
                "electionID": ELECTION,
                "date": "2024-05-01T12:00:00Z",
            }))
            .unwrap();
            let tx: TransactionResponse = serde_json::from_value(serde_json::json!({
                "tx": tx_to_node_json(&tx),
                "txInfo": {"hash": hash, "type": "vote"},
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
        election: e.election,
        keys: Some(e.keys),
        scrutiny: None,
        votes_count: Some(3),
        list_total: Some(3),
        census_dump: None,
        gaps: Vec::new(),
        rereads: Default::default(),
        votes: Box::new(InMemoryVotes::new(votes, 2)),
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

fn check<'a>(r: &'a AuditResult, id: &str) -> &'a vocaudit::verify::result::CheckResult {
    r.all_checks().find(|c| c.id == id).unwrap()
}

fn failing(r: &AuditResult) -> Vec<(String, Category)> {
    r.all_checks()
        .filter(|c| c.status == Status::Fail)
        .map(|c| (c.id.clone(), c.category))
        .collect()
}

#[test]
fn clean_csp_election_passes_and_flags_the_legacy_salt() {
    let r = run(csp_election());
    assert_eq!(failing(&r), []);
    for id in [
        "V-PID-01",
        "V-SIG-01",
        "V-NULL-01",
        "V-CENSUS-03",
        "V-WEIGHT-01",
        "V-KEYS-01",
        "V-KEYS-02",
        "V-KEYS-03",
        "V-TALLY-01",
    ] {
        assert_eq!(
            check(&r, id).status,
            Status::Pass,
            "{id}: {}",
            check(&r, id).message
        );
    }
    let salt = check(&r, "V-CENSUS-04");
    // One election-level remark that counts the legacy-salted proofs, not one per vote.
    assert_eq!((salt.status, salt.findings.len()), (Status::Warn, 1));
    assert_eq!(salt.findings[0].location.vote_id, None);
    assert!(
        salt.findings[0].message.starts_with("3 of 3 "),
        "{}",
        salt.findings[0].message
    );
    assert_eq!(check(&r, "V-CENSUS-02").status, Status::Skip);
}

#[test]
fn a_published_key_the_revealed_key_does_not_derive_fails_keys() {
    let mut e = csp_election();
    e.keys.public_keys[0].key = "11".repeat(32);
    let r = run(e);
    assert_eq!(failing(&r), [("V-KEYS-01".to_string(), Category::Keys)]);
    let f = &check(&r, "V-KEYS-01").findings;
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location.key_index, Some(KEY_INDEX));
}

#[test]
fn a_served_package_the_ciphertext_does_not_give_fails_keys() {
    let mut e = csp_election();
    e.served[1] = serde_json::json!({"nonce": "0000000000000001", "votes": [0]});
    let r = run(e);
    assert_eq!(failing(&r), [("V-KEYS-03".to_string(), Category::Keys)]);
    assert_eq!(check(&r, "V-KEYS-03").findings.len(), 1);
}
