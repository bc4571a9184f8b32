//! Transactions: protobuf and node-JSON round trips, hex and base64 node profiles, the ts-proto
//! encoding variant and the tx-hash matcher, and typed errors for malformed input.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use proptest::prelude::*;
use prost::Message;
use rstest::rstest;
use serde_json::{json, Value};

use vocaudit::protocol::hash::sha256;
use vocaudit::protocol::proto::{
    AdminTx, CaBundle, CensusOrigin, EnvelopeType, NewProcessTx, Process, ProcessMode,
    ProcessResult, ProcessStatus, ProcessVoteOptions, Proof, ProofArbo, ProofArboKeyType,
    ProofArboType, ProofCa, ProofCaType, ProofPayload, ProofZkSnark, QuestionResult, SetProcessTx,
    Tx, TxPayload, TxType, VoteEnvelope,
};
use vocaudit::protocol::tx::{
    decode_node_transaction, decode_node_transaction_str, decode_signed_tx, decode_tx_json,
    encode_signed_tx, encode_tx, reproduce_tx_bytes, tx_hash, tx_to_json, tx_to_node_json,
    BytesEncoding, ClientEncoding, Reproduction, SignatureField, TxJsonError,
};

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

fn bytes(min: usize, max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), min..=max)
}

fn arb_arbo() -> impl Strategy<Value = ProofArbo> {
    (0..2i32, bytes(0, 200), bytes(0, 8), 0..2i32, bytes(0, 8)).prop_map(
        |(r#type, siblings, available_weight, key_type, vote_weight)| ProofArbo {
            r#type,
            siblings,
            available_weight,
            key_type,
            vote_weight,
        },
    )
}

fn arb_ca() -> impl Strategy<Value = ProofCa> {
    (
        0..5i32,
        bytes(32, 32),
        bytes(20, 20),
        prop::option::of(bytes(0, 4)),
        bytes(65, 96),
    )
        .prop_map(
            |(r#type, process_id, address, vote_weight, signature)| ProofCa {
                r#type,
                bundle: Some(CaBundle {
                    process_id,
                    address,
                    vote_weight,
                }),
                signature,
            },
        )
}

fn arb_vote() -> impl Strategy<Value = VoteEnvelope> {
    let proof = prop_oneof![
        arb_arbo().prop_map(ProofPayload::Arbo),
        arb_ca().prop_map(ProofPayload::Ca),
    ];
    (
        bytes(0, 32),
        bytes(32, 32),
        proof,
        bytes(1, 300),
        prop_oneof![Just(Vec::new()), bytes(32, 32)],
        prop_oneof![Just(Vec::new()), prop::collection::vec(any::<u32>(), 1..5)],
        prop::option::of(bytes(0, 40)),
    )
        .prop_map(
            |(nonce, process_id, proof, vote_package, nullifier, indexes, memo)| VoteEnvelope {
                nonce,
                process_id,
                proof: Some(Proof {
                    payload: Some(proof),
                }),
                vote_package,
                nullifier,
                encryption_key_indexes: indexes,
                memo,
            },
        )
}

fn vote_tx(env: VoteEnvelope) -> Tx {
    Tx {
        payload: Some(TxPayload::Vote(env)),
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 200,
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x766f_6361),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips and the matcher
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn protobuf_round_trip(env in arb_vote()) {
        let tx = vote_tx(env);
        for client in [ClientEncoding::GoCanonical, ClientEncoding::TsProto] {
            let bytes = encode_tx(&tx, client);
            prop_assert_eq!(Tx::decode(bytes.as_slice()).expect("own encoding decodes"), tx.clone());
        }
    }

    #[test]
    fn node_json_round_trip_hex_and_base64(env in arb_vote()) {
        let tx = vote_tx(env);
        let hex_doc = decode_tx_json(&tx_to_node_json(&tx)).expect("hex form decodes");
        prop_assert_eq!(&hex_doc.tx, &tx);
        prop_assert_eq!(hex_doc.bytes_encoding, Some(BytesEncoding::Hex));
        prop_assert!(hex_doc.ignored_fields.is_empty());
        let b64_doc = decode_tx_json(&tx_to_json(&tx, BytesEncoding::Base64)).expect("base64 form decodes");
        prop_assert_eq!(&b64_doc.tx, &tx);
        prop_assert_eq!(b64_doc.bytes_encoding, Some(BytesEncoding::Base64));
    }

    #[test]
    fn ts_proto_differs_by_exactly_32_00(env in arb_vote()) {
        let tx = vote_tx(env.clone());
        let canonical = encode_tx(&tx, ClientEncoding::GoCanonical);
        let ts = encode_tx(&tx, ClientEncoding::TsProto);
        if !env.encryption_key_indexes.is_empty() {
            prop_assert_eq!(ts, canonical);
            return Ok(());
        }
        // Envelope level: fields 1–5, then `32 00`, then the memo exactly as canonical has it.
        let canonical_env = env.encode_to_vec();
        let head_len = VoteEnvelope { memo: None, ..env.clone() }.encode_to_vec().len();
        let mut expected_env = canonical_env[..head_len].to_vec();
        expected_env.extend_from_slice(&[0x32, 0x00]);
        expected_env.extend_from_slice(&canonical_env[head_len..]);
        // Tx level: the same envelope under field 1, its length prefix 2 larger.
        let mut expected = vec![0x0a];
        prost::encoding::encode_varint(expected_env.len() as u64, &mut expected);
        expected.extend_from_slice(&expected_env);
        prop_assert_eq!(&ts, &expected);
        let mut canonical_expected = vec![0x0a];
        prost::encoding::encode_varint(canonical_env.len() as u64, &mut canonical_expected);
        canonical_expected.extend_from_slice(&canonical_env);
        prop_assert_eq!(&canonical, &canonical_expected);
    }

    #[test]
    fn matcher_finds_the_client_encoding(env in arb_vote(), sig in bytes(65, 65)) {
        let tx = vote_tx(env.clone());
        let empty_indexes = env.encryption_key_indexes.is_empty();
        for client in [ClientEncoding::GoCanonical, ClientEncoding::TsProto] {
            let signed = encode_signed_tx(&encode_tx(&tx, client), Some(&sig));
            let published = sha256(&[&signed]);
            match reproduce_tx_bytes(&tx, &sig, &published) {
                Reproduction::Reproduced(r) => {
                    // With key indexes both clients write the same bytes; canonical is tried first.
                    let expected = if empty_indexes { client } else { ClientEncoding::GoCanonical };
                    prop_assert_eq!(r.encoding.client, expected);
                    prop_assert_eq!(r.encoding.signature, SignatureField::Written);
                    prop_assert_eq!(tx_hash(&r.signed_tx), published);
                    prop_assert_eq!(&r.signed_tx, &signed);
                    let (stx, decoded) = decode_signed_tx(&r.signed_tx).expect("decodes");
                    prop_assert_eq!(stx.tx, r.tx_bytes);
                    prop_assert_eq!(&decoded, &tx);
                }
                Reproduction::CannotReproduce { .. } => prop_assert!(false, "not reproduced"),
            }
        }
    }

    #[test]
    fn truncated_protobuf_never_panics(env in arb_vote(), sig in bytes(65, 65), cut in any::<prop::sample::Index>()) {
        let signed = encode_signed_tx(&encode_tx(&vote_tx(env), ClientEncoding::GoCanonical), Some(&sig));
        let cut = cut.index(signed.len());
        // Either a typed error or (at a field boundary) a shorter valid message.
        let _ = decode_signed_tx(&signed[..cut]);
    }

    #[test]
    fn mangled_json_never_panics(env in arb_vote(), path_pick in any::<prop::sample::Index>(), junk in arb_json()) {
        let mut doc = json!({"tx": tx_to_node_json(&vote_tx(env)), "signature": ""});
        let pointers = leaf_pointers(&doc, String::new());
        let ptr = &pointers[path_pick.index(pointers.len())];
        if let Some(slot) = doc.pointer_mut(ptr) {
            *slot = junk;
        }
        let _ = decode_node_transaction(&doc);
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-zA-Z0-9+/=_-]{0,12}".prop_map(Value::String),
        Just(json!([1, "x", null])),
        Just(json!({"arbo": {}, "ca": {}})),
    ]
}

/// JSON pointers of every value in `v`.
fn leaf_pointers(v: &Value, at: String) -> Vec<String> {
    let mut out = vec![at.clone()];
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                out.extend(leaf_pointers(child, format!("{at}/{k}")));
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                out.extend(leaf_pointers(child, format!("{at}/{i}")));
            }
        }
        _ => {}
    }
    out
}

#[test]
fn matcher_reports_cannot_reproduce() {
    let tx = vote_tx(VoteEnvelope {
        process_id: vec![7; 32],
        vote_package: b"{}".to_vec(),
        ..Default::default()
    });
    match reproduce_tx_bytes(&tx, &[], &[0u8; 32]) {
        Reproduction::CannotReproduce { tried } => {
            // Two clients × (signature absent, written empty), all distinct for an index-less vote.
            assert_eq!(tried.len(), 4, "{tried:?}");
        }
        Reproduction::Reproduced(r) => panic!("reproduced a random hash: {r:?}"),
    }
}

#[test]
fn matcher_handles_unsigned_tx() {
    let tx = vote_tx(VoteEnvelope {
        process_id: vec![7; 32],
        nullifier: vec![1; 32],
        encryption_key_indexes: vec![1],
        ..Default::default()
    });
    let signed = encode_signed_tx(&encode_tx(&tx, ClientEncoding::GoCanonical), None);
    let Reproduction::Reproduced(r) = reproduce_tx_bytes(&tx, &[], &sha256(&[&signed])) else {
        panic!("zk-style vote without signature not reproduced");
    };
    assert_eq!(r.encoding.signature, SignatureField::Absent);
    let signed_empty = encode_signed_tx(&encode_tx(&tx, ClientEncoding::GoCanonical), Some(&[]));
    assert_eq!(signed_empty.len(), signed.len() + 2);
    let Reproduction::Reproduced(r) = reproduce_tx_bytes(&tx, &[], &sha256(&[&signed_empty]))
    else {
        panic!("empty written signature not reproduced");
    };
    assert_eq!(r.encoding.signature, SignatureField::Written);
}

// ---------------------------------------------------------------------------------------------
// The node's JSON
// ---------------------------------------------------------------------------------------------

const PID: &str = "c5d2460186f2a7e5d6a1c9b4e2f1d0c3b4a5968778695a4b3c2d1e0f00000001";
const NONCE: &str = "0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526272829";
const SIBLINGS: &str = "0300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000aa";
const TX_HASH: &str = "75e8f822f5dd13973ac5158d600f0a2a5fea4bfefce9712ab5195bf17884cfad";
const SIGNER: &str = "0e45513942cf95330fc5e9020851b8bdd9b9c9df";

fn sig_hex() -> String {
    "11".repeat(64) + "1b"
}

fn vote_package() -> Vec<u8> {
    br#"{"nonce":"1234","votes":[1,0]}"#.to_vec()
}

/// The §1.6 example vote as a modern node writes it.
fn example_vote_json() -> Value {
    json!({
        "tx": {"vote": {
            "nonce": NONCE,
            "processId": PID,
            "proof": {"arbo": {
                "type": "BLAKE2B",
                "siblings": SIBLINGS,
                "availableWeight": "0a",
                "keyType": "ADDRESS",
                "voteWeight": ""
            }},
            "votePackage": hex::encode(vote_package()),
            "nullifier": "",
            "encryptionKeyIndexes": []
        }},
        "txInfo": {"hash": TX_HASH, "height": 64924, "index": 3, "type": "vote", "subtype": "",
                   "signer": SIGNER},
        "signature": sig_hex()
    })
}

fn b64(h: &str) -> String {
    STANDARD.encode(hex::decode(h).expect("test hex"))
}

/// The same vote as a `release-lts-2` node writes it: base64 bytes, legacy txInfo names.
fn example_vote_json_legacy() -> Value {
    json!({
        "tx": {"vote": {
            "nonce": b64(NONCE),
            "processId": b64(PID),
            "proof": {"arbo": {
                "type": "BLAKE2B",
                "siblings": b64(SIBLINGS),
                "availableWeight": "Cg==",
                "keyType": "ADDRESS",
                "voteWeight": ""
            }},
            "votePackage": STANDARD.encode(vote_package()),
            "nullifier": "",
            "encryptionKeyIndexes": []
        }},
        "txInfo": {"transactionNumber": 944, "transactionHash": TX_HASH, "blockHeight": 64924,
                   "transactionIndex": 3, "transactionType": "vote"},
        "signature": sig_hex()
    })
}

#[test]
fn example_vote_decodes() {
    let t = decode_node_transaction(&example_vote_json()).expect("decodes");
    assert_eq!(t.tx.bytes_encoding, Some(BytesEncoding::Hex));
    assert!(t.tx.ignored_fields.is_empty());
    let Some(TxPayload::Vote(env)) = &t.tx.tx.payload else {
        panic!("not a vote: {:?}", t.tx.tx)
    };
    assert_eq!(hex::encode(&env.process_id), PID);
    assert_eq!(hex::encode(&env.nonce), NONCE);
    assert_eq!(env.vote_package, vote_package());
    assert!(
        env.nullifier.is_empty() && env.encryption_key_indexes.is_empty() && env.memo.is_none()
    );
    let Some(Proof {
        payload: Some(ProofPayload::Arbo(arbo)),
    }) = &env.proof
    else {
        panic!("no arbo proof")
    };
    assert_eq!(arbo.r#type, ProofArboType::Blake2b as i32);
    assert_eq!(arbo.key_type, ProofArboKeyType::Address as i32);
    assert_eq!(hex::encode(&arbo.siblings), SIBLINGS);
    assert_eq!(arbo.available_weight, vec![0x0a]);
    assert_eq!(t.signature.len(), 65);
    assert_eq!(hex::encode(t.info.hash.expect("hash")), TX_HASH);
    assert_eq!(t.info.height, Some(64924));
    assert_eq!(t.info.index, Some(3));
    assert_eq!(t.info.tx_type.as_deref(), Some("vote"));
    assert_eq!(hex::encode(t.info.signer.expect("signer")), SIGNER);
    assert!(!t.info.legacy_names);
    // A node renders the decoded message back to the same document.
    assert_eq!(tx_to_node_json(&t.tx.tx), example_vote_json()["tx"]);
}

#[test]
fn hex_and_base64_forms_decode_alike() {
    let modern = decode_node_transaction(&example_vote_json()).expect("modern");
    let legacy = decode_node_transaction(&example_vote_json_legacy()).expect("legacy");
    assert_eq!(legacy.tx.bytes_encoding, Some(BytesEncoding::Base64));
    assert_eq!(legacy.tx.tx, modern.tx.tx);
    assert_eq!(legacy.signature, modern.signature);
    assert!(legacy.info.legacy_names);
    assert_eq!(legacy.info.hash, modern.info.hash);
    assert_eq!(legacy.info.height, modern.info.height);
    assert_eq!(legacy.info.index, modern.info.index);
    assert_eq!(legacy.info.tx_type, modern.info.tx_type);
    assert_eq!(legacy.info.number, Some(944));
    assert_eq!(legacy.info.signer, None);
}

#[test]
fn node_json_shape_emit_unpopulated() {
    let tx = vote_tx(VoteEnvelope {
        process_id: vec![0xab; 2],
        ..Default::default()
    });
    assert_eq!(
        tx_to_node_json(&tx),
        json!({"vote": {"nonce": "", "processId": "abab", "proof": null, "votePackage": "",
                        "nullifier": "", "encryptionKeyIndexes": []}})
    );
    let tx = Tx {
        payload: Some(TxPayload::NewProcess(NewProcessTx {
            txtype: TxType::NewProcess as i32,
            nonce: 4,
            process: Some(Process {
                max_census_size: 1000,
                census_origin: CensusOrigin::OffChainTreeWeighted as i32,
                status: ProcessStatus::Ready as i32,
                key_index: Some(0),
                ..Default::default()
            }),
            faucet_package: None,
        })),
    };
    let j = tx_to_node_json(&tx);
    let p = &j["newProcess"]["process"];
    assert_eq!(j["newProcess"]["txtype"], "NEW_PROCESS");
    assert_eq!(j["newProcess"]["nonce"], 4);
    assert!(j["newProcess"].get("faucetPackage").is_none());
    assert_eq!(p["maxCensusSize"], "1000");
    assert_eq!(p["censusOrigin"], "OFF_CHAIN_TREE_WEIGHTED");
    assert_eq!(p["status"], "READY");
    assert_eq!(p["sourceNetworkId"], "UNKNOWN");
    assert_eq!(p["keyIndex"], 0);
    assert_eq!(p["results"], Value::Null);
    assert_eq!(p["encryptionPublicKeys"], json!([]));
    assert!(p.get("censusURI").is_none() && p.get("sourceBlockHeight").is_none());
    assert_eq!(decode_tx_json(&j).expect("decodes").tx, tx);
}

fn lifecycle_txs() -> Vec<Tx> {
    let process = Process {
        process_id: vec![1; 32],
        entity_id: vec![2; 20],
        census_root: vec![3; 32],
        census_uri: Some("ipfs://bafy".into()),
        encryption_public_keys: vec![String::new(), "ab".repeat(32)],
        key_index: Some(1),
        status: ProcessStatus::Ready as i32,
        envelope_type: Some(EnvelopeType {
            encrypted_votes: true,
            unique_values: true,
            ..Default::default()
        }),
        mode: Some(ProcessMode {
            auto_start: true,
            interruptible: true,
            ..Default::default()
        }),
        vote_options: Some(ProcessVoteOptions {
            max_count: 3,
            max_value: 2,
            max_vote_overwrites: 1,
            max_total_cost: 0,
            cost_exponent: 10000,
        }),
        census_origin: CensusOrigin::OffChainCa as i32,
        results: Some(ProcessResult {
            votes: vec![QuestionResult {
                question: vec![vec![], vec![5], vec![1, 0]],
            }],
        }),
        source_block_height: Some(u64::MAX),
        metadata: Some("ipfs://meta".into()),
        max_census_size: 1 << 40,
        temp_siks: Some(false),
        start_time: 1_700_000_000,
        duration: 86_400,
        ..Default::default()
    };
    vec![
        Tx {
            payload: Some(TxPayload::NewProcess(NewProcessTx {
                txtype: TxType::NewProcess as i32,
                nonce: 9,
                process: Some(process),
                faucet_package: None,
            })),
        },
        Tx {
            payload: Some(TxPayload::Admin(AdminTx {
                txtype: TxType::RevealProcessKeys as i32,
                process_id: vec![1; 32],
                encryption_private_key: Some(vec![9; 32]),
                key_index: Some(1),
                nonce: 2,
                ..Default::default()
            })),
        },
        Tx {
            payload: Some(TxPayload::SetProcess(SetProcessTx {
                txtype: TxType::SetProcessStatus as i32,
                nonce: 3,
                process_id: vec![1; 32],
                status: Some(ProcessStatus::Ended as i32),
                duration: Some(0),
                census_size: Some(77),
                proof: Some(Proof {
                    payload: Some(ProofPayload::ZkSnark(ProofZkSnark {
                        circuit_parameters_index: -1,
                        a: vec!["1".into(), "2".into()],
                        b: vec![],
                        c: vec!["3".into()],
                        public_inputs: vec!["4".into()],
                    })),
                }),
                ..Default::default()
            })),
        },
    ]
}

#[rstest]
fn lifecycle_round_trips(#[values(0, 1, 2)] which: usize) {
    let tx = &lifecycle_txs()[which];
    let bytes = encode_tx(tx, ClientEncoding::GoCanonical);
    assert_eq!(&Tx::decode(bytes.as_slice()).expect("decodes"), tx);
    // Only votes differ between clients.
    assert_eq!(encode_tx(tx, ClientEncoding::TsProto), bytes);
    for enc in [BytesEncoding::Hex, BytesEncoding::Base64] {
        let d = decode_tx_json(&tx_to_json(tx, enc)).expect("decodes");
        assert_eq!(&d.tx, tx, "{enc:?}");
        assert_eq!(d.bytes_encoding, Some(enc));
    }
}

#[test]
fn ca_bundle_signed_bytes_from_json() {
    let mut doc = json!({"vote": {"processId": PID, "proof": {"ca": {
        "type": "ECDSA_BLIND", "bundle": {"processId": PID, "address": SIGNER}, "signature": "00"}}}});
    let bundle = |doc: &Value| match decode_tx_json(doc).expect("decodes").tx.payload {
        Some(TxPayload::Vote(VoteEnvelope {
            proof: Some(Proof {
                payload: Some(ProofPayload::Ca(ca)),
            }),
            ..
        })) => {
            assert_eq!(ca.r#type, ProofCaType::EcdsaBlind as i32);
            ca.bundle.expect("bundle")
        }
        other => panic!("no CA proof: {other:?}"),
    };
    let expected = format!("0a20{PID}1214{SIGNER}");
    assert_eq!(hex::encode(bundle(&doc).signed_bytes()), expected);
    doc["vote"]["proof"]["ca"]["bundle"]["voteWeight"] = json!("");
    assert_eq!(
        hex::encode(bundle(&doc).signed_bytes()),
        format!("{expected}1a00")
    );
    doc["vote"]["proof"]["ca"]["bundle"]["voteWeight"] = json!("0100");
    assert_eq!(
        hex::encode(bundle(&doc).signed_bytes()),
        format!("{expected}1a020100")
    );
}

#[test]
fn lenient_where_protojson_is() {
    // Enum numbers, integers as strings, nulls as unset, unknown members recorded.
    let doc = json!({"vote": {"processId": PID, "proof": {"arbo": {"type": 1, "keyType": null}},
                              "encryptionKeyIndexes": ["2", 3], "futureField": true}});
    let d = decode_tx_json(&doc).expect("decodes");
    let Some(TxPayload::Vote(env)) = d.tx.payload else {
        panic!("not a vote")
    };
    assert_eq!(env.encryption_key_indexes, vec![2, 3]);
    let Some(Proof {
        payload: Some(ProofPayload::Arbo(arbo)),
    }) = env.proof
    else {
        panic!("no arbo")
    };
    assert_eq!(arbo.r#type, ProofArboType::Poseidon as i32);
    assert_eq!(d.ignored_fields, vec!["tx.vote.futureField".to_string()]);
}

#[test]
fn unmodelled_tx_variant_decodes_to_none() {
    let d = decode_tx_json(&json!({"setSIK": {"txtype": "SET_ACCOUNT_SIK", "SIK": "abcd"}}))
        .expect("decodes");
    assert_eq!(d.tx.payload, None);
    assert_eq!(d.ignored_fields, vec!["tx.setSIK".to_string()]);
}

// ---------------------------------------------------------------------------------------------
// Malformed input → typed errors with the path
// ---------------------------------------------------------------------------------------------

/// The example vote with the member at `pointer` set (replaced or added) to `v`.
fn with(pointer: &str, v: Value) -> Value {
    let mut doc = example_vote_json();
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a key");
    let parent = doc.pointer_mut(parent).and_then(Value::as_object_mut);
    parent
        .expect("parent object in example")
        .insert(key.to_string(), v);
    doc
}

fn path_of(e: &TxJsonError) -> &str {
    match e {
        TxJsonError::NotJson(_) => "",
        TxJsonError::Missing { path }
        | TxJsonError::WrongType { path, .. }
        | TxJsonError::OutOfRange { path, .. }
        | TxJsonError::UnknownEnum { path, .. }
        | TxJsonError::BadBytes { path, .. }
        | TxJsonError::NotHex { path, .. }
        | TxJsonError::OneofConflict { path, .. } => path,
    }
}

#[rstest]
#[case::bad_hex(with("/tx/vote/proof/arbo/siblings", json!("zz")), "tx.vote.proof.arbo.siblings", "NotHex")]
#[case::odd_hex(with("/tx/vote/nonce", json!("abc")), "tx.vote.nonce", "NotHex")]
#[case::bytes_as_number(with("/tx/vote/nonce", json!(5)), "tx.vote.nonce", "WrongType")]
#[case::indexes_not_array(with("/tx/vote/encryptionKeyIndexes", json!("1")), "tx.vote.encryptionKeyIndexes", "WrongType")]
#[case::negative_index(with("/tx/vote/encryptionKeyIndexes", json!([1, -1])), "tx.vote.encryptionKeyIndexes[1]", "OutOfRange")]
#[case::index_too_big(with("/tx/vote/encryptionKeyIndexes", json!([4294967296u64])), "tx.vote.encryptionKeyIndexes[0]", "OutOfRange")]
#[case::unknown_enum(with("/tx/vote/proof/arbo/type", json!("SHA256")), "tx.vote.proof.arbo.type", "UnknownEnum")]
#[case::enum_as_bool(with("/tx/vote/proof/arbo/keyType", json!(true)), "tx.vote.proof.arbo.keyType", "WrongType")]
#[case::proof_not_object(with("/tx/vote/proof", json!([])), "tx.vote.proof", "WrongType")]
#[case::oneof_twice(with("/tx/vote/proof/ca", json!({})), "tx.vote.proof", "OneofConflict")]
#[case::tx_not_object(with("/tx", json!("vote")), "tx", "WrongType")]
#[case::hash_too_short(with("/txInfo/hash", json!("abcd")), "txInfo.hash", "BadBytes")]
#[case::height_string(with("/txInfo/height", json!("tall")), "txInfo.height", "WrongType")]
#[case::signature_bad_hex(with("/signature", json!("xyz")), "signature", "BadBytes")]
#[case::missing_tx(json!({"txInfo": {}}), "tx", "Missing")]
#[case::bad_base64(
    json!({"tx": {"vote": {"processId": "AAEC", "nonce": "A$=="}}}),
    "tx.vote.nonce", "BadBytes")]
#[case::bad_u64(
    json!({"tx": {"newProcess": {"process": {"maxCensusSize": "lots"}}}}),
    "tx.newProcess.process.maxCensusSize", "WrongType")]
#[case::bad_nested_bytes(
    json!({"tx": {"newProcess": {"process": {"results": {"votes": [{"question": ["00", 1]}]}}}}}),
    "tx.newProcess.process.results.votes[0].question[1]", "WrongType")]
fn malformed_json_is_a_located_error(#[case] doc: Value, #[case] path: &str, #[case] kind: &str) {
    let err = decode_node_transaction(&doc).expect_err("must be refused");
    assert_eq!(path_of(&err), path, "{err}");
    assert!(format!("{err:?}").starts_with(kind), "{err:?}");
    assert!(err.to_string().starts_with(path), "{err}");
}

#[test]
fn not_json_text() {
    assert!(matches!(
        decode_node_transaction_str("{\"tx\": "),
        Err(TxJsonError::NotJson(_))
    ));
    let ok = decode_node_transaction_str(&example_vote_json().to_string()).expect("decodes");
    assert!(ok.tx.tx.payload.is_some());
}

#[test]
fn truncated_protobuf_is_a_typed_error() {
    let tx = vote_tx(VoteEnvelope {
        process_id: vec![7; 32],
        vote_package: vec![1; 10],
        ..Default::default()
    });
    let tx_bytes = encode_tx(&tx, ClientEncoding::GoCanonical);
    let signed = encode_signed_tx(&tx_bytes, Some(&[1; 65]));
    let e = decode_signed_tx(&signed[..signed.len() - 1]).expect_err("truncated SignedTx");
    assert_eq!(e.what, "SignedTx");
    // A well-formed SignedTx around a truncated Tx.
    let inner = encode_signed_tx(&tx_bytes[..tx_bytes.len() - 3], Some(&[1; 65]));
    let e = decode_signed_tx(&inner).expect_err("truncated Tx");
    assert_eq!(e.what, "SignedTx.tx (Tx)");
    assert!(e.to_string().starts_with("SignedTx.tx (Tx): "), "{e}");
}
