//! Properties of the arbo implementation (proptest, fixed seeds via the default config) and
//! malformed-input handling: the root equals what incremental inserts build, whatever the order;
//! the census tree's proofs and lookups equal the model's `GenProof` and `Get`; every proof verifies and any flipped byte breaks it; packing and dumps round-trip; bad input
//! gives typed errors, never a panic.

use num_bigint::BigUint;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::collections::BTreeMap;
use vocaudit::protocol::arbo::{
    check_proof, decode_records, encode_records, pack_siblings, root, unpack_siblings,
    value_to_weight, weight_to_value, ArboError, CensusDump, CensusTree, CensusTreeType, DumpError,
    HashKind, Proof,
};

use vocaudit::protocol::hash::Hash32;

mod arbo_model;
use arbo_model::{model_tree, ModelProof};

/// Distinct 4-byte keys (max_levels 32) with short values: keys are equal-length, so two
/// distinct keys always separate within 32 levels.
fn leaf_set(max: usize) -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>)>> {
    prop::collection::btree_map(
        prop::array::uniform4(any::<u8>()),
        prop::collection::vec(any::<u8>(), 0..8),
        0..max,
    )
    .prop_map(|m: BTreeMap<[u8; 4], Vec<u8>>| m.into_iter().map(|(k, v)| (k.to_vec(), v)).collect())
}

/// 3-byte keys whose bytes are mostly 00, 01 or 80, so that many share long path prefixes: the
/// tree gets runs of single-child nodes, and absent keys leave the path inside such runs.
fn clustered_key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0x80), any::<u8>()], 3)
}

/// A census tree proof in the model's shape.
fn as_model(p: Proof) -> ModelProof {
    (p.existence, p.leaf_key, p.leaf_value, p.siblings)
}

/// The model's root of `leaves`; `None` when `Add` would fail.
fn model_root(kind: HashKind, max_levels: usize, leaves: &[(Vec<u8>, Vec<u8>)]) -> Option<Hash32> {
    model_tree(kind, max_levels, leaves).map(|t| t.hash())
}

fn kind() -> impl Strategy<Value = HashKind> {
    prop_oneof![Just(HashKind::Blake2b), Just(HashKind::Sha256)]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: RngSeed::Fixed(0xa7b0_a7b0),
        ..ProptestConfig::default()
    })]

    #[test]
    fn root_is_independent_of_order_and_equals_incremental_adds(
        kind in kind(),
        (leaves, shuffled) in leaf_set(40).prop_flat_map(|l| (Just(l.clone()), Just(l).prop_shuffle())),
    ) {
        let sorted_root = root(kind, 32, &leaves).unwrap();
        prop_assert_eq!(root(kind, 32, &shuffled).unwrap(), sorted_root);
        prop_assert_eq!(model_root(kind, 32, &shuffled), Some(sorted_root));
    }

    #[test]
    fn short_keys_agree_with_the_model_including_collisions(
        leaves in prop::collection::btree_map(
            prop::collection::vec(any::<u8>(), 0..3), prop::collection::vec(any::<u8>(), 0..3), 0..12),
        max_levels in 1usize..24,
    ) {
        // Keys of 0–2 bytes can share a padded path ("01" vs "0100") or exceed the length limit:
        // whenever the model can build the tree, root() agrees; whenever it cannot, root() errs.
        let leaves: Vec<(Vec<u8>, Vec<u8>)> = leaves.into_iter().collect();
        let max_key = max_levels.div_ceil(8);
        let ours = root(HashKind::Blake2b, max_levels, &leaves);
        if leaves.iter().any(|(k, _)| k.len() > max_key) {
            prop_assert!(
                matches!(ours, Err(ArboError::KeyTooLong { .. })),
                "expected KeyTooLong, got {:?}",
                ours
            );
        } else {
            match model_root(HashKind::Blake2b, max_levels, &leaves) {
                Some(r) => prop_assert_eq!(ours, Ok(r)),
                None => prop_assert!(
                    matches!(ours, Err(ArboError::MaxVirtualLevel { .. })),
                    "expected MaxVirtualLevel, got {:?}",
                    ours
                ),
            }
        }
    }

    #[test]
    fn every_leaf_proof_verifies(kind in kind(), leaves in leaf_set(30)) {
        let tree = CensusTree::build(kind, 32, &leaves).unwrap();
        let r = tree.root();
        for (k, v) in &leaves {
            let proof = tree.proof(k).unwrap();
            prop_assert!(proof.existence);
            prop_assert_eq!(&proof.leaf_value, v);
            prop_assert_eq!(check_proof(kind, k, v, &r, &proof.packed().unwrap()), Ok(true));
        }
    }

    #[test]
    fn census_tree_proofs_and_lookups_match_the_model(
        kind in kind(),
        leaves in prop::collection::btree_map(clustered_key(), prop::collection::vec(any::<u8>(), 0..4), 0..40),
        absent in prop::collection::vec(clustered_key(), 0..24),
        max_levels in 24usize..=40,
    ) {
        let leaves: Vec<(Vec<u8>, Vec<u8>)> = leaves.into_iter().collect();
        let model = model_tree(kind, max_levels, &leaves).unwrap();
        let tree = CensusTree::build(kind, max_levels, &leaves).unwrap();
        prop_assert_eq!(tree.root(), model.hash());
        prop_assert_eq!(tree.len(), leaves.len());
        for (k, v) in &leaves {
            prop_assert_eq!(tree.get(k), Some(v.as_slice()));
            prop_assert_eq!(as_model(tree.proof(k).unwrap()), model.proof(k));
        }
        for k in absent.iter().filter(|k| !leaves.iter().any(|(l, _)| l == *k)) {
            prop_assert_eq!(tree.get(k), None);
            let proof = tree.proof(k).unwrap();
            prop_assert!(!proof.existence);
            prop_assert_eq!(as_model(proof), model.proof(k));
        }
    }

    #[test]
    fn flipped_bytes_break_the_proof(
        leaves in leaf_set(20).prop_filter("non-empty", |l| !l.is_empty()),
        pick in any::<prop::sample::Index>(),
        pos in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let tree = CensusTree::build(HashKind::Blake2b, 32, &leaves).unwrap();
        let r = tree.root();
        let (k, v) = pick.get(&leaves);
        let packed = tree.proof(k).unwrap().packed().unwrap();

        let mut k2 = k.clone();
        let i = pos.index(k2.len());
        k2[i] ^= mask;
        prop_assert_eq!(check_proof(HashKind::Blake2b, &k2, v, &r, &packed), Ok(false));

        let mut r2 = r;
        r2[pos.index(32)] ^= mask;
        prop_assert_eq!(check_proof(HashKind::Blake2b, k, v, &r2, &packed), Ok(false));

        if !v.is_empty() {
            let mut v2 = v.clone();
            v2[pos.index(v.len())] ^= mask;
            prop_assert_eq!(check_proof(HashKind::Blake2b, k, &v2, &r, &packed), Ok(false));
        }

        let mut p2 = packed.clone();
        let j = pos.index(p2.len());
        p2[j] ^= mask;
        // Go ignores bitmap bits past the last stored sibling, so a flip there still unpacks
        // to the same siblings; any other flip must fail (Ok(false) or a typed error).
        if let Ok(true) = check_proof(HashKind::Blake2b, k, v, &r, &p2) {
            prop_assert_eq!(unpack_siblings(&p2).unwrap(), unpack_siblings(&packed).unwrap());
        }
    }

    #[test]
    fn pack_unpack_round_trip(
        siblings in prop::collection::vec(
            prop_oneof![Just([0u8; 32]), prop::array::uniform32(any::<u8>())], 0..300),
    ) {
        let packed = pack_siblings(&siblings).unwrap();
        prop_assert_eq!(packed.len(), usize::from(u16::from_le_bytes([packed[0], packed[1]])));
        // Unpacking drops trailing empty siblings, exactly as Go does.
        let mut expected = siblings.clone();
        while expected.last() == Some(&[0u8; 32]) {
            expected.pop();
        }
        prop_assert_eq!(unpack_siblings(&packed).unwrap(), expected);
    }

    #[test]
    fn unpack_and_decode_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = unpack_siblings(&bytes);
        let _ = decode_records(&bytes);
        let _ = check_proof(HashKind::Blake2b, &bytes, &bytes, &[0u8; 32], &bytes);
        let _ = CensusDump::from_json(&bytes);
    }

    #[test]
    fn records_round_trip(leaves in leaf_set(30)) {
        let encoded = encode_records(leaves.iter().map(|(k, v)| (k.as_slice(), v.as_slice()))).unwrap();
        let decoded = decode_records(&encoded).unwrap();
        let back: Vec<(Vec<u8>, Vec<u8>)> = decoded.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
        prop_assert_eq!(back, leaves);
    }

    #[test]
    fn census_dump_round_trip(weights in prop::collection::btree_map(
        prop::array::uniform20(any::<u8>()), any::<u128>(), 0..40)) {
        let leaves: Vec<([u8; 20], [u8; 32])> = weights
            .iter()
            .map(|(address, w)| {
                let key: [u8; 20] = CensusTreeType::Weighted.leaf_key(address).try_into().unwrap();
                (key, weight_to_value(&BigUint::from(*w)).unwrap())
            })
            .collect();
        let dump = CensusDump::build(CensusTreeType::Weighted, 160, &leaves).unwrap();
        prop_assert_eq!(dump.root_hash, root(HashKind::Blake2b, 160, &leaves).unwrap());
        let parsed = CensusDump::from_json(&dump.to_json().unwrap()).unwrap();
        prop_assert_eq!(&parsed, &dump);
        prop_assert_eq!(parsed.rebuild_root().unwrap(), dump.root_hash);
        let tree = parsed.census_tree().unwrap();
        prop_assert_eq!(tree.root(), dump.root_hash);
        for (k, v) in &leaves {
            prop_assert_eq!(tree.get(k), Some(v.as_slice()));
        }
        let bytes = parsed.records_bytes().unwrap();
        let total: BigUint = decode_records(&bytes).unwrap().iter().map(|(_, v)| value_to_weight(v)).sum();
        prop_assert_eq!(total, weights.values().map(|w| BigUint::from(*w)).sum::<BigUint>());
    }

    #[test]
    fn truncated_records_report_the_offset(leaves in leaf_set(10).prop_filter("non-empty", |l| !l.is_empty()), cut in any::<prop::sample::Index>()) {
        let encoded = encode_records(leaves.iter().map(|(k, v)| (k.as_slice(), v.as_slice()))).unwrap();
        let boundaries: Vec<usize> = leaves.iter().scan(0, |o, (k, v)| { *o += 3 + k.len() + v.len(); Some(*o) }).collect();
        let cut = cut.index(encoded.len());
        let result = decode_records(&encoded[..cut]);
        if cut == 0 || boundaries.contains(&cut) {
            prop_assert!(result.is_ok());
        } else {
            match result {
                Err(DumpError::Truncated { offset, available, needed, .. }) => {
                    prop_assert!(offset <= cut);
                    prop_assert_eq!(offset + available, cut);
                    prop_assert!(needed > available);
                }
                other => prop_assert!(false, "expected Truncated, got {:?}", other),
            }
        }
    }
}

fn w_dump_json(data: &[u8]) -> String {
    use base64::Engine;
    format!(
        r#"{{"type":1,"rootHash":"53b35fdbf3ded1528ae5a6635514de5f5c9cb151cae8f62bb7fc67c1704a8487","data":"{}","maxLevels":160}}"#,
        base64::engine::general_purpose::STANDARD.encode(data)
    )
}

/// Leaves of vector W (arbo-blake2b.json): weighted census of addresses 0x11…11 … 0x55…55.
fn w_leaves() -> Vec<([u8; 20], [u8; 32])> {
    (1u8..=5)
        .map(|i| {
            let key: [u8; 20] = CensusTreeType::Weighted
                .leaf_key(&[0x11 * i; 20])
                .try_into()
                .unwrap();
            (
                key,
                weight_to_value(&BigUint::from(10u32 * u32::from(i))).unwrap(),
            )
        })
        .collect()
}

#[test]
fn legacy_uncompressed_dump_rebuilds_root() {
    let leaves = w_leaves();
    let raw = encode_records(leaves.iter().map(|(k, v)| (&k[..], &v[..]))).unwrap();
    let dump = CensusDump::from_json(w_dump_json(&raw).as_bytes()).unwrap();
    assert_eq!(dump.records_bytes().unwrap(), raw);
    assert_eq!(dump.rebuild_root().unwrap(), dump.root_hash);
}

#[test]
fn built_dump_is_zstd_and_matches_vector_w() {
    let dump = CensusDump::build(CensusTreeType::Weighted, 160, &w_leaves()).unwrap();
    assert_eq!(&dump.data[..4], &[0x28, 0xb5, 0x2f, 0xfd]);
    assert_eq!(
        hex::encode(dump.root_hash),
        "53b35fdbf3ded1528ae5a6635514de5f5c9cb151cae8f62bb7fc67c1704a8487"
    );
    let json: serde_json::Value = serde_json::from_slice(&dump.to_json().unwrap()).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert_eq!(json["type"], 1);
    assert_eq!(json["maxLevels"], 160);
}

#[test]
fn truncated_zstd_is_a_typed_error() {
    let dump = CensusDump::build(CensusTreeType::Weighted, 160, &w_leaves()).unwrap();
    let cut = &dump.data[..dump.data.len() - 5];
    let parsed = CensusDump::from_json(w_dump_json(cut).as_bytes()).unwrap();
    assert!(matches!(
        parsed.records_bytes(),
        Err(DumpError::Zstd { .. })
    ));
    assert!(matches!(parsed.rebuild_root(), Err(DumpError::Zstd { .. })));
}

#[test]
fn truncated_records_name_the_byte() {
    let leaves = w_leaves();
    let raw = encode_records(leaves.iter().map(|(k, v)| (&k[..], &v[..]))).unwrap();
    // Two whole 55-byte records, then 10 bytes of the third (its header and 7 key bytes).
    let err = decode_records(&raw[..120]).unwrap_err();
    assert!(
        matches!(
            err,
            DumpError::Truncated {
                record: 2,
                offset: 113,
                part: "key",
                needed: 20,
                available: 7
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("at byte 113"), "{err}");
    let err = decode_records(&raw[..111]).unwrap_err();
    assert!(matches!(
        err,
        DumpError::Truncated {
            record: 2,
            offset: 110,
            part: "header",
            ..
        }
    ));
}

#[test]
fn malformed_census_dump_json() {
    type IsExpected = fn(&DumpError) -> bool;
    let cases: [(&str, IsExpected); 8] = [
        ("not json", |e| matches!(e, DumpError::Json(_))),
        (r#"{"type":1,"data":""}"#, |e| {
            matches!(e, DumpError::MissingField { field: "rootHash" })
        }),
        (r#"{"type":1,"rootHash":"00"}"#, |e| {
            matches!(e, DumpError::MissingField { field: "data" })
        }),
        (r#"{"type":1,"rootHash":"zz","data":""}"#, |e| {
            matches!(e, DumpError::RootHash { .. })
        }),
        (r#"{"type":1,"rootHash":"abcd","data":""}"#, |e| {
            matches!(e, DumpError::RootHash { .. })
        }),
        (
            r#"{"type":1,"rootHash":"53b35fdbf3ded1528ae5a6635514de5f5c9cb151cae8f62bb7fc67c1704a8487","data":"!!"}"#,
            |e| matches!(e, DumpError::Base64 { .. }),
        ),
        (
            r#"{"type":1,"rootHash":"53b35fdbf3ded1528ae5a6635514de5f5c9cb151cae8f62bb7fc67c1704a8487","data":"","censusID":"xyz"}"#,
            |e| matches!(e, DumpError::Hex(_)),
        ),
        (r#"{"type":"weighted","rootHash":"00","data":""}"#, |e| {
            matches!(e, DumpError::Json(_))
        }),
    ];
    for (json, is_expected) in cases {
        let err = CensusDump::from_json(json.as_bytes()).unwrap_err();
        assert!(is_expected(&err), "{json}: {err:?}");
    }
}

#[test]
fn dump_census_type_and_poseidon() {
    let json = w_dump_json(&[]).replace(r#""type":1"#, r#""type":5"#);
    let csp = CensusDump::from_json(json.as_bytes()).unwrap();
    assert!(matches!(
        csp.rebuild_root(),
        Err(DumpError::UnknownCensusType { census_type: 5 })
    ));
    // The same records as a zkweighted dump are hashed with Poseidon: another root.
    let leaves = w_leaves();
    let data = encode_records(leaves.iter().map(|(k, v)| (&k[..], &v[..]))).unwrap();
    let json = w_dump_json(&data).replace(r#""type":1"#, r#""type":2"#);
    let zk = CensusDump::from_json(json.as_bytes()).unwrap();
    let records = zk.records_bytes().unwrap();
    let leaves = decode_records(&records).unwrap();
    assert_eq!(
        zk.rebuild_root().unwrap(),
        root(HashKind::Poseidon, 161, &leaves).unwrap()
    );
    assert_ne!(zk.rebuild_root().unwrap(), zk.root_hash);
}

#[test]
fn bad_hex_and_wrong_lengths_in_proof_inputs() {
    use vocaudit::protocol::hex_bytes::{decode, decode_array};
    assert!(decode("censusProof", "4500zz").is_err());
    assert!(decode_array::<32>("censusRoot", "53b3").is_err());
    // A proof cut by one byte, or grown by one byte, no longer matches its fullLen.
    let leaves = w_leaves();
    let tree = CensusTree::build(HashKind::Blake2b, 160, &leaves).unwrap();
    let (k, v) = leaves[0];
    let packed = tree.proof(&k).unwrap().packed().unwrap();
    let r = tree.root();
    assert_eq!(
        check_proof(HashKind::Blake2b, &k, &v, &r, &packed),
        Ok(true)
    );
    assert!(check_proof(HashKind::Blake2b, &k, &v, &r, &packed[..packed.len() - 1]).is_err());
    let mut longer = packed.clone();
    longer.push(0);
    assert!(check_proof(HashKind::Blake2b, &k, &v, &r, &longer).is_err());
    // Sibling bytes that are not a multiple of 32, with a consistent fullLen.
    let mut odd = packed[..packed.len() - 1].to_vec();
    odd[0] -= 1;
    assert!(matches!(
        unpack_siblings(&odd),
        Err(ArboError::Packed(
            vocaudit::protocol::arbo::PackedError::SiblingBytes { .. }
        ))
    ));
}

/// A tree large enough to be hashed partly by recursion (in parallel), partly in batched
/// rounds, with keys that tie on their first 8 path bytes (sorted by the rest) and clustered
/// keys (long single-child runs): its root and every proof equal the model's.
#[test]
fn large_trees_with_tied_prefixes_equal_the_model() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(16);
    let mut keys = BTreeMap::new();
    while keys.len() < 5000 {
        let mut key = [0u8; 20];
        match keys.len() % 3 {
            // Same first 8 bytes, differing only further on.
            0 => rng.fill(&mut key[8..]),
            // Clustered: a shared prefix, then the last 16 bits random.
            1 => rng.fill(&mut key[18..]),
            _ => rng.fill(&mut key[..]),
        }
        keys.insert(key.to_vec(), rng.gen::<[u8; 4]>().to_vec());
    }
    let leaves: Vec<(Vec<u8>, Vec<u8>)> = keys.into_iter().collect();
    for kind in [HashKind::Blake2b, HashKind::Sha256] {
        let model = model_tree(kind, 160, &leaves).expect("the model builds it");
        assert_eq!(root(kind, 160, &leaves), Ok(model.hash()), "{kind:?}");
        let tree = CensusTree::build(kind, 160, &leaves).unwrap();
        for (key, _) in leaves.iter().step_by(97) {
            assert_eq!(
                as_model(tree.proof(key).unwrap()),
                model.proof(key),
                "{kind:?} {}",
                hex::encode(key)
            );
        }
    }
}
