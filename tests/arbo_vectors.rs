//! Every arbo vector in tests/vectors/arbo-blake2b.json and arbo-sha256-poseidon.json: roots,
//! roots after each add, GenProof packed bytes, CheckProof results, non-existence proofs, dumps,
//! error cases, sequence B, the 10,000-leaf census, packing and bitmap cases; and, for every
//! vector tree, the census tree's proof of each leaf and of absent keys against the model; the
//! Poseidon known answer, the upstream Poseidon roots and the zkweighted census (root, proofs,
//! dump round trip).

use num_bigint::BigUint;
use rstest::rstest;
use serde_json::Value;
use std::sync::OnceLock;
use vocaudit::protocol::arbo::{
    bitmap_to_bytes, bytes_to_bitmap, check_non_existence, check_proof, decode_records,
    encode_records, fold_siblings, pack_siblings, root, unpack_siblings, value_to_weight,
    weight_to_value, weighted_census_key, ArboError, CensusDump, CensusTree, CensusTreeType,
    HashKind, LeafSet, PackedError,
};
use vocaudit::protocol::hash::Hash32;

mod arbo_model;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn blake() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| load("arbo-blake2b.json"))
}

fn sha_poseidon() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| load("arbo-sha256-poseidon.json"))
}

fn hx(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("valid hex")
}

fn h32(v: &Value) -> Hash32 {
    hx(v).try_into().expect("32 bytes")
}

fn usize_of(v: &Value) -> usize {
    v.as_u64().expect("number") as usize
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

/// (key, value) pairs.
type Leaves = Vec<(Vec<u8>, Vec<u8>)>;

fn leaves(tree: &Value) -> Vec<(Vec<u8>, Vec<u8>)> {
    arr(&tree["leaves"])
        .iter()
        .map(|l| (hx(&l["key"]), hx(&l["value"])))
        .collect()
}

fn blake_tree(id: &str) -> &'static Value {
    arr(&blake()["trees"])
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no tree {id}"))
}

fn sp_tree(id: &str) -> &'static Value {
    arr(&sha_poseidon()["trees"])
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no tree {id}"))
}

fn le32(n: u64) -> Vec<u8> {
    weight_to_value(&BigUint::from(n)).unwrap().to_vec()
}

/// sequence_B / extra_generated leaf rule: address_i = i as 20-byte big-endian, weight i.
fn address_leaf(i: u64) -> (Vec<u8>, Vec<u8>) {
    let mut address = [0u8; 20];
    address[12..].copy_from_slice(&i.to_be_bytes());
    (weighted_census_key(&address).to_vec(), le32(i))
}

fn address_leaves(n: u64) -> Vec<(Vec<u8>, Vec<u8>)> {
    (1..=n).map(address_leaf).collect()
}

/// GenProof from the leaf set gives the packed bytes of the vector, CheckProof accepts them.
fn assert_proofs(kind: HashKind, max_levels: usize, leaves: &[(Vec<u8>, Vec<u8>)], vector: &Value) {
    let tree = CensusTree::build(kind, max_levels, leaves).unwrap();
    let root_hash = tree.root();
    for (n, p) in arr(&vector["proofs"]).iter().enumerate() {
        let (key, value, packed) = (hx(&p["key"]), hx(&p["value"]), hx(&p["packed"]));
        let proof = tree.proof(&key).unwrap();
        assert!(proof.existence, "proof {n}");
        assert_eq!(proof.leaf_value, value, "proof {n}");
        assert_eq!(
            hex::encode(proof.packed().unwrap()),
            hex::encode(&packed),
            "proof {n}"
        );
        if let Some(ns) = p.get("num_siblings") {
            assert_eq!(proof.siblings.len(), usize_of(ns), "proof {n}");
        }
        let expected = p["expected_check_proof"].as_bool().unwrap_or(true);
        assert_eq!(
            check_proof(kind, &key, &value, &root_hash, &packed),
            Ok(expected),
            "proof {n}"
        );
    }
}

fn assert_check_cases(kind: HashKind, cases: &Value) {
    for (n, c) in arr(cases).iter().enumerate() {
        let got = check_proof(
            kind,
            &hx(&c["key"]),
            &hx(&c["value"]),
            &h32(&c["root"]),
            &hx(&c["packed"]),
        );
        assert_eq!(
            got,
            Ok(c["expected"].as_bool().unwrap()),
            "case {n}: {}",
            c["note"]
        );
    }
}

fn assert_non_existence(
    kind: HashKind,
    max_levels: usize,
    leaves: &[(Vec<u8>, Vec<u8>)],
    cases: &Value,
) {
    let tree = CensusTree::build(kind, max_levels, leaves).unwrap();
    let root_hash = tree.root();
    for (n, c) in arr(cases).iter().enumerate() {
        let key = hx(&c["key"]);
        let proof = tree.proof(&key).unwrap();
        assert!(!proof.existence, "case {n}");
        assert_eq!(proof.leaf_key, hx(&c["found_key"]), "case {n}");
        assert_eq!(proof.leaf_value, hx(&c["found_value"]), "case {n}");
        assert_eq!(
            proof.siblings.len(),
            usize_of(&c["num_siblings"]),
            "case {n}"
        );
        let packed = hx(&c["packed"]);
        assert_eq!(
            hex::encode(proof.packed().unwrap()),
            hex::encode(&packed),
            "case {n}"
        );
        let ok = check_non_existence(
            kind,
            &key,
            &proof.leaf_key,
            &proof.leaf_value,
            &root_hash,
            &packed,
        );
        assert_eq!(ok, Ok(true), "case {n}");
        // The same siblings do not prove the absence of a key that is present.
        if let Some((k, v)) = leaves.first() {
            assert_eq!(
                check_non_existence(kind, k, k, v, &root_hash, &packed),
                Ok(false)
            );
        }
    }
}

#[rstest]
#[case::blake2b_test("blake2b256(\"test\")")]
#[case::blake2b_zero64("blake2b256(zero32 || zero32)")]
fn blake2b_known_answers(#[case] name: &str) {
    let c = arr(&blake()["hash_known_answers"])
        .iter()
        .find(|c| c["name"] == name)
        .unwrap();
    assert_eq!(
        HashKind::Blake2b.hash(&[&hx(&c["input_hex"])]).unwrap(),
        h32(&c["output_hex"])
    );
}

#[test]
fn sha256_known_answer() {
    let c = &arr(&sha_poseidon()["hash_known_answers"])[0];
    assert_eq!(c["function"], "sha256");
    let inputs: Vec<Vec<u8>> = arr(&c["inputs_hex"]).iter().map(hx).collect();
    let parts: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    assert_eq!(
        HashKind::Sha256.hash(&parts).unwrap(),
        h32(&c["output_hex"])
    );
}

#[rstest]
#[case::a("A")]
#[case::w("W")]
#[case::d1_short_keys("D1")]
#[case::d2_padded_keys("D2")]
#[case::d3_empty_value("D3")]
#[case::keylen("KeyLen")]
fn blake2b_tree_root(#[case] id: &str) {
    let t = blake_tree(id);
    let got = root(HashKind::Blake2b, usize_of(&t["max_levels"]), &leaves(t)).unwrap();
    assert_eq!(hex::encode(got), t["root"].as_str().unwrap());
}

#[test]
fn d1_and_d2_differ_because_keys_are_hashed_unpadded() {
    assert_ne!(blake_tree("D1")["root"], blake_tree("D2")["root"]);
}

#[rstest]
#[case::blake2b_a(HashKind::Blake2b, blake_tree("A"), "roots_after_each_add")]
#[case::sha256(
    HashKind::Sha256,
    sp_tree("sha256.TestAddTestVectors"),
    "roots_after_each_add_hex"
)]
fn roots_after_each_add(#[case] kind: HashKind, #[case] t: &Value, #[case] field: &str) {
    let all = leaves(t);
    let roots = arr(&t[field]);
    assert_eq!(roots.len(), all.len() + 1);
    for (i, expected) in roots.iter().enumerate() {
        let got = root(kind, usize_of(&t["max_levels"]), &all[..i]).unwrap();
        assert_eq!(
            hex::encode(got),
            expected.as_str().unwrap(),
            "after {i} adds"
        );
    }
}

#[test]
fn sha256_roots_le_decimal_match_hex() {
    let t = sp_tree("sha256.TestAddTestVectors");
    for (dec, hexroot) in arr(&t["roots_after_each_add_le_decimal"])
        .iter()
        .zip(arr(&t["roots_after_each_add_hex"]))
    {
        assert_eq!(
            value_to_weight(&hx(hexroot)).to_string(),
            dec.as_str().unwrap()
        );
    }
}

#[rstest]
#[case::a("A")]
#[case::w("W")]
#[case::d1("D1")]
#[case::d3("D3")]
#[case::keylen("KeyLen")]
fn blake2b_tree_proofs(#[case] id: &str) {
    let t = blake_tree(id);
    assert_proofs(HashKind::Blake2b, usize_of(&t["max_levels"]), &leaves(t), t);
}

#[test]
fn sha256_tree_proofs() {
    let t = sp_tree("sha256.TestAddTestVectors");
    assert_proofs(HashKind::Sha256, usize_of(&t["max_levels"]), &leaves(t), t);
}

#[rstest]
#[case::w("W")]
#[case::keylen("KeyLen")]
fn blake2b_check_proof_cases(#[case] id: &str) {
    assert_check_cases(HashKind::Blake2b, &blake_tree(id)["check_proof_cases"]);
}

#[rstest]
#[case::a_empty_slot("A")]
#[case::w_other_leaf("W")]
fn blake2b_non_existence(#[case] id: &str) {
    let t = blake_tree(id);
    assert_non_existence(
        HashKind::Blake2b,
        usize_of(&t["max_levels"]),
        &leaves(t),
        &t["non_existence"],
    );
}

#[test]
fn w_leaves_follow_the_weighted_census_rule() {
    let t = blake_tree("W");
    for l in arr(&t["leaves"]) {
        let address = hx(&l["address"]);
        assert_eq!(
            CensusTreeType::Weighted.leaf_key(&address),
            hx(&l["key"]),
            "key = blake2b256(address)[:20]"
        );
        let weight: BigUint = l["weight"].as_str().unwrap().parse().unwrap();
        assert_eq!(weight_to_value(&weight).unwrap().to_vec(), hx(&l["value"]));
        assert_eq!(
            HashKind::Blake2b
                .leaf(&hx(&l["key"]), &hx(&l["value"]))
                .unwrap(),
            h32(&l["leaf_hash"])
        );
    }
}

#[test]
fn w_worked_example_steps() {
    let ex = &blake_tree("W")["worked_example"];
    let key = hx(&ex["key"]);
    let leaf = HashKind::Blake2b.leaf(&key, &hx(&ex["value"])).unwrap();
    assert_eq!(leaf, h32(&ex["leaf_hash"]));
    let mut node = leaf;
    let mut siblings = vec![[0u8; 32]; arr(&ex["steps"]).len()];
    for step in arr(&ex["steps"]) {
        let i = usize_of(&step["i"]);
        let sibling = h32(&step["sibling"]);
        siblings[i] = sibling;
        let bit = (key[i / 8] >> (i % 8)) & 1;
        assert_eq!(u64::from(bit), step["path_bit"].as_u64().unwrap());
        node = if bit == 1 {
            HashKind::Blake2b.node(&sibling, &node).unwrap()
        } else {
            HashKind::Blake2b.node(&node, &sibling).unwrap()
        };
        assert_eq!(node, h32(&step["result"]), "step i = {i}");
    }
    let w_root = h32(&blake_tree("W")["root"]);
    assert_eq!(node, w_root);
    assert_eq!(
        fold_siblings(HashKind::Blake2b, &key, leaf, &siblings).unwrap(),
        w_root
    );
}

#[test]
fn w_example_api_proof_response_verifies() {
    let t = blake_tree("W");
    let resp = &t["example_api_proof_response"]["json"];
    let address = hx(&t["worked_example"]["address"]);
    let key = weighted_census_key(&address);
    let value = hx(&resp["value"]);
    assert_eq!(
        check_proof(
            HashKind::Blake2b,
            &key,
            &value,
            &h32(&resp["censusRoot"]),
            &hx(&resp["censusProof"])
        ),
        Ok(true)
    );
    assert_eq!(
        value_to_weight(&value).to_string(),
        resp["weight"].as_str().unwrap()
    );
}

#[rstest]
#[case::w(blake_tree("W"), 160)]
#[case::b2(&arr(&blake()["sequence_B"]["trees"])[1], 160)]
#[case::b5(&arr(&blake()["sequence_B"]["trees"])[2], 160)]
fn dump_hex_is_arbo_dump_order_and_rebuilds_root(#[case] t: &Value, #[case] max_levels: usize) {
    let dump = hx(&t["dump_hex"]);
    let listed = leaves(t);
    let set = LeafSet::new(HashKind::Blake2b, max_levels, &listed).unwrap();
    assert_eq!(
        hex::encode(encode_records(set.leaves()).unwrap()),
        hex::encode(&dump),
        "records in path order"
    );
    let records = decode_records(&dump).unwrap();
    assert_eq!(records.len(), set.len());
    let rebuilt = root(HashKind::Blake2b, max_levels, &records).unwrap();
    assert_eq!(hex::encode(rebuilt), t["root"].as_str().unwrap());
}

#[test]
fn b5_dump_record_order() {
    let t = &arr(&blake()["sequence_B"]["trees"])[2];
    let dump = hx(&t["dump_hex"]);
    let keys: Vec<Vec<u8>> = decode_records(&dump)
        .unwrap()
        .iter()
        .map(|(k, _)| k.to_vec())
        .collect();
    let expected: Vec<Vec<u8>> = arr(&t["dump_record_order_i"])
        .iter()
        .map(|i| address_leaf(i.as_u64().unwrap()).0)
        .collect();
    assert_eq!(keys, expected);
}

#[rstest]
#[case::d4_key_too_long("D4.key_too_long")]
#[case::d4_max_virtual_level("D4.max_virtual_level")]
#[case::test_key_len("TestKeyLen")]
fn error_cases(#[case] id: &str) {
    let c = arr(&blake()["error_cases"])
        .iter()
        .find(|c| c["id"] == id)
        .unwrap();
    let max_levels = usize_of(&c["max_levels"]);
    let leaves: Vec<(Vec<u8>, Vec<u8>)> = if let Some(keys) = c.get("keys") {
        arr(keys).iter().map(|k| (hx(k), vec![0x0a])).collect()
    } else if let Some(ls) = c.get("leaves") {
        arr(ls)
            .iter()
            .map(|l| (hx(&l["key"]), hx(&l["value"])))
            .collect()
    } else {
        vec![(vec![0xab; usize_of(&c["key_length"])], vec![1])]
    };
    let err = root(HashKind::Blake2b, max_levels, &leaves).unwrap_err();
    match c["error"].as_str().unwrap() {
        "key_too_long" => assert!(matches!(err, ArboError::KeyTooLong { .. }), "{err}"),
        "max_virtual_level" => {
            assert!(matches!(err, ArboError::MaxVirtualLevel { .. }), "{err}")
        }
        other => panic!("unknown error kind {other}"),
    }
    let go = c
        .get("go_message_prefix")
        .or_else(|| c.get("go_message"))
        .and_then(Value::as_str)
        .unwrap();
    // Our messages start with Go's wording (Go adds a hint after the numbers).
    let ours = err.to_string();
    let common = go.trim_end_matches('.').split(". Might").next().unwrap();
    assert!(ours.starts_with(common), "ours: {ours}\ngo:   {go}");
    // GenProof rejects a too-long key the same way.
    if matches!(err, ArboError::KeyTooLong { .. }) {
        let empty: [(Vec<u8>, Vec<u8>); 0] = [];
        let tree = CensusTree::build(HashKind::Blake2b, max_levels, &empty).unwrap();
        assert!(matches!(
            tree.proof(&leaves[0].0),
            Err(ArboError::KeyTooLong { .. })
        ));
    }
}

#[rstest]
#[case::n1(0)]
#[case::n2(1)]
#[case::n5(2)]
#[case::n100(3)]
#[case::n1000(4)]
fn sequence_b(#[case] index: usize) {
    let sb = &blake()["sequence_B"];
    let t = &arr(&sb["trees"])[index];
    let n = t["n"].as_u64().unwrap();
    let generated = address_leaves(n);
    if let Some(listed) = t.get("leaves") {
        let listed: Vec<(Vec<u8>, Vec<u8>)> = arr(listed)
            .iter()
            .map(|l| (hx(&l["key"]), hx(&l["value"])))
            .collect();
        assert_eq!(listed, generated, "leaf_rule reproduces the listed leaves");
    }
    let max_levels = usize_of(&sb["max_levels"]);
    let got = root(HashKind::Blake2b, max_levels, &generated).unwrap();
    assert_eq!(hex::encode(got), t["root"].as_str().unwrap());
    assert_proofs(HashKind::Blake2b, max_levels, &generated, t);
}

#[test]
fn sequence_b_sample_leaf_keys() {
    for s in arr(&blake()["sequence_B"]["sample_leaf_keys"]) {
        assert_eq!(
            weighted_census_key(&hx(&s["address"])).to_vec(),
            hx(&s["key"])
        );
        assert_eq!(address_leaf(s["i"].as_u64().unwrap()).0, hx(&s["key"]));
    }
}

fn extra() -> &'static Value {
    &blake()["extra_generated"]
}

fn extra_leaves() -> &'static Vec<(Vec<u8>, Vec<u8>)> {
    static L: OnceLock<Vec<(Vec<u8>, Vec<u8>)>> = OnceLock::new();
    L.get_or_init(|| address_leaves(extra()["n"].as_u64().unwrap()))
}

#[test]
fn extra_generated_root() {
    let got = root(
        HashKind::Blake2b,
        usize_of(&extra()["max_levels"]),
        extra_leaves(),
    )
    .unwrap();
    assert_eq!(hex::encode(got), extra()["root"].as_str().unwrap());
}

#[test]
fn extra_generated_proofs() {
    let e = extra();
    assert_proofs(
        HashKind::Blake2b,
        usize_of(&e["max_levels"]),
        extra_leaves(),
        e,
    );
}

#[test]
fn extra_generated_non_existence() {
    let e = extra();
    for c in arr(&e["non_existence"]) {
        let (key, _) = address_leaf(c["i"].as_u64().unwrap());
        assert_eq!(key, hx(&c["key"]));
    }
    assert_non_existence(
        HashKind::Blake2b,
        usize_of(&e["max_levels"]),
        extra_leaves(),
        &e["non_existence"],
    );
}

#[test]
fn extra_generated_check_proof_cases() {
    assert_check_cases(HashKind::Blake2b, &extra()["check_proof_cases"]);
}

fn pack_case(i: usize) -> &'static Value {
    &arr(&sha_poseidon()["packed_siblings"]["pack_cases"])[i]
}

#[rstest]
#[case::zeros_and_small(0)]
#[case::real_hashes(1)]
fn pack_cases(#[case] i: usize) {
    let c = pack_case(i);
    let siblings: Vec<Hash32> = arr(&c["siblings"]).iter().map(h32).collect();
    let packed = hx(&c["packed"]);
    assert_eq!(
        hex::encode(pack_siblings(&siblings).unwrap()),
        hex::encode(&packed)
    );
    // Both upstream lists end with a non-empty sibling, so unpacking gives them back whole.
    assert_eq!(unpack_siblings(&packed).unwrap(), siblings);
}

#[rstest]
#[case::empty(0)]
#[case::two_bytes(1)]
#[case::full_len_1(2)]
#[case::three_bytes(3)]
#[case::bitmap_past_end(4)]
fn unpack_must_fail(#[case] i: usize) {
    let c = &arr(&sha_poseidon()["packed_siblings"]["unpack_must_fail"])[i];
    let packed = hx(&c["packed"]);
    let err = unpack_siblings(&packed).unwrap_err();
    assert!(matches!(err, ArboError::Packed(_)), "{err}");
    let root_hash = [0u8; 32];
    assert!(check_proof(HashKind::Blake2b, b"k", b"v", &root_hash, &packed).is_err());
}

#[test]
fn unpack_must_fail_reasons() {
    let f = |s: &str| unpack_siblings(&hex::decode(s).unwrap()).unwrap_err();
    assert_eq!(f(""), ArboError::Packed(PackedError::TooShort { len: 0 }));
    assert_eq!(
        f("01000100"),
        ArboError::Packed(PackedError::LengthMismatch {
            declared: 1,
            actual: 4
        })
    );
    assert_eq!(
        f("04000100"),
        ArboError::Packed(PackedError::BitmapOverrun {
            bitmap_len: 1,
            needed: 5,
            actual: 4
        })
    );
}

#[rstest]
#[case::one_byte(0)]
#[case::three_bytes(1)]
fn bitmap_cases(#[case] i: usize) {
    let c = &arr(&sha_poseidon()["packed_siblings"]["bitmap_cases"])[i];
    let bytes = hx(&c["bytes_hex"]);
    let bits: Vec<bool> = arr(&c["bits"])
        .iter()
        .map(|b| b.as_bool().unwrap())
        .collect();
    assert_eq!(bytes_to_bitmap(&bytes), bits);
    assert_eq!(bitmap_to_bytes(&bits), bytes);
}

// Poseidon (zkweighted) trees: the upstream known answer and roots, and the zkweighted census.

#[test]
fn poseidon_known_answer() {
    let c = &arr(&sha_poseidon()["hash_known_answers"])[1];
    assert_eq!(c["function"], "poseidon");
    let inputs: Vec<Vec<u8>> = arr(&c["inputs_hex"]).iter().map(hx).collect();
    let parts: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    let out = HashKind::Poseidon.hash(&parts).unwrap();
    assert_eq!(hex::encode(out), c["output_hex"].as_str().unwrap());
    assert_eq!(
        value_to_weight(&out).to_string(),
        c["output_le_decimal"].as_str().unwrap()
    );
}

/// The leaves of a Poseidon vector tree: listed, or generated by its `leaf_rule`
/// (`i = a..b` inclusive, key `le32(i)`, value `le32(0)`, `le32(i)` or `le32(2*i)`), plus
/// `extra_leaves`.
fn poseidon_leaves(t: &Value) -> Leaves {
    if t.get("leaves").is_some() {
        return leaves(t);
    }
    let rule = &t["leaf_rule"];
    assert_eq!(rule["key"], "le32(i)");
    let range = rule["index_range"].as_str().unwrap();
    let (a, b) = range
        .strip_prefix("i = ")
        .and_then(|r| r.split_once(".."))
        .unwrap_or_else(|| panic!("index_range {range}"));
    let (a, b): (u64, u64) = (a.parse().unwrap(), b.parse().unwrap());
    let value = |i: u64| match rule["value"].as_str().unwrap() {
        "le32(0)" => 0,
        "le32(i)" => i,
        "le32(2*i)" => 2 * i,
        other => panic!("value rule {other}"),
    };
    let mut out: Leaves = (a..=b).map(|i| (le32(i), le32(value(i)))).collect();
    if let Some(extra) = t.get("extra_leaves") {
        out.extend(arr(extra).iter().map(|l| (hx(&l["key"]), hx(&l["value"]))));
    }
    out
}

#[rstest]
#[case::add_test_vectors("poseidon.TestAddTestVectors")]
#[case::add_batch("poseidon.TestAddBatch")]
#[case::add_different_order("poseidon.TestAddDifferentOrder")]
#[case::dump_and_import("poseidon.TestDumpAndImportDump")]
#[case::set_root("poseidon.TestSetRoot")]
#[case::set_root_plus1000("poseidon.TestSetRoot.plus1000")]
#[case::snapshot_plus_test("poseidon.TestSnapshot.plusTest")]
fn poseidon_tree_root(#[case] id: &str) {
    let t = sp_tree(id);
    assert_eq!(t["hash"], "poseidon");
    assert_eq!(
        value_to_weight(&hx(&t["root_hex"])).to_string(),
        t["root_le_decimal"].as_str().unwrap()
    );
    let max_levels = usize_of(&t["max_levels"]);
    let mut leaves = poseidon_leaves(t);
    assert_eq!(
        root(HashKind::Poseidon, max_levels, &leaves).unwrap(),
        h32(&t["root_hex"])
    );
    if let Some(roots) = t.get("roots_after_each_add_hex") {
        for (n, expected) in arr(roots).iter().enumerate() {
            assert_eq!(
                root(HashKind::Poseidon, max_levels, &leaves[..n]).unwrap(),
                h32(expected),
                "root after {n} leaves"
            );
        }
    }
    // Insertion order does not matter, and every leaf's proof checks against the root.
    leaves.reverse();
    let tree = CensusTree::build(HashKind::Poseidon, max_levels, &leaves).unwrap();
    assert_eq!(tree.root(), h32(&t["root_hex"]));
    for (k, v) in leaves.iter().step_by(97) {
        let packed = tree.proof(k).unwrap().packed().unwrap();
        assert_eq!(
            check_proof(HashKind::Poseidon, k, v, &tree.root(), &packed),
            Ok(true)
        );
    }
}

fn zk_census() -> &'static Value {
    &sha_poseidon()["zkweighted_census"]
}

fn zk_leaves() -> Leaves {
    arr(&zk_census()["leaves"])
        .iter()
        .map(|l| {
            let address = hx(&l["address"]);
            let weight: u64 = l["weight"].as_str().unwrap().parse().unwrap();
            assert_eq!(CensusTreeType::ZkWeighted.leaf_key(&address), hx(&l["key"]));
            assert_eq!(le32(weight), hx(&l["value"]));
            (address, le32(weight))
        })
        .collect()
}

#[test]
fn zkweighted_census_root_and_dump() {
    let z = zk_census();
    let max_levels = usize_of(&z["max_levels"]);
    let leaves = zk_leaves();
    let expected = h32(&z["root_hex"]);
    assert_eq!(
        value_to_weight(&expected).to_string(),
        z["root_le_decimal"].as_str().unwrap()
    );
    assert_eq!(
        root(HashKind::Poseidon, max_levels, &leaves).unwrap(),
        expected
    );
    // A published zkweighted dump (type 2, maxLevels 160, zstd records) rebuilds to the root,
    // through its JSON form, and its tree gives the same proofs.
    let dump = CensusDump::build(CensusTreeType::ZkWeighted, 160, &leaves).unwrap();
    assert_eq!(dump.census_type, 2);
    assert_eq!(dump.root_hash, expected);
    let json = dump.to_json().unwrap();
    let read = CensusDump::from_json(&json).unwrap();
    assert_eq!(read.tree_type().unwrap(), CensusTreeType::ZkWeighted);
    assert_eq!(read.rebuild_root().unwrap(), expected);
    let records = read.records_bytes().unwrap();
    assert_eq!(records.len(), 5 * 55, "20-byte keys, 32-byte values");
    let tree = read.census_tree().unwrap();
    for p in arr(&z["proofs"]) {
        assert_eq!(
            tree.proof(&hx(&p["key"])).unwrap().packed().unwrap(),
            hx(&p["packed"])
        );
    }
    // A dump whose leaves changed rebuilds to another root.
    let mut other = leaves.clone();
    other[0].1 = le32(11);
    let changed = CensusDump::build(CensusTreeType::ZkWeighted, 160, &other).unwrap();
    assert_ne!(changed.rebuild_root().unwrap(), expected);
}

#[rstest]
#[case::address_22(0)]
#[case::address_11(1)]
fn zkweighted_proof_check(#[case] i: usize) {
    let z = zk_census();
    let p = &arr(&z["proofs"])[i];
    let (key, value, root) = (hx(&p["key"]), hx(&p["value"]), h32(&z["root_hex"]));
    let packed = hx(&p["packed"]);
    assert_eq!(
        CensusTreeType::ZkWeighted.leaf_key(&hx(&p["address"])),
        key,
        "zkweighted key = raw address"
    );
    assert_eq!(
        check_proof(HashKind::Poseidon, &key, &value, &root, &packed),
        Ok(true)
    );
    if let Some(leaf_hash) = p.get("leaf_hash") {
        assert_eq!(
            HashKind::Poseidon.leaf(&key, &value).unwrap(),
            h32(leaf_hash)
        );
    }
    // Another weight, or another census root, does not check.
    assert_eq!(
        check_proof(HashKind::Poseidon, &key, &le32(99), &root, &packed),
        Ok(false)
    );
    let mut other_root = root;
    other_root[0] ^= 1;
    assert_eq!(
        check_proof(HashKind::Poseidon, &key, &value, &other_root, &packed),
        Ok(false)
    );
    let siblings = unpack_siblings(&packed).unwrap();
    assert_eq!(siblings.len(), usize_of(&p["num_siblings"]));
    if let Some(census) = p.get("census_siblings") {
        let census = arr(census);
        assert_eq!(census.len(), 161);
        for (j, dec) in census.iter().enumerate() {
            let expected = siblings
                .get(j)
                .map_or_else(|| "0".to_string(), |s| value_to_weight(s).to_string());
            assert_eq!(dec.as_str().unwrap(), expected, "censusSiblings[{j}]");
        }
    }
}

#[test]
fn zkweighted_census_max_levels() {
    let z = &sha_poseidon()["zkweighted_census"];
    assert_eq!(
        CensusTreeType::ZkWeighted.max_levels(160),
        usize_of(&z["max_levels"])
    );
}

/// The leaves of a vector tree by name: a listed tree, a sequence B tree, or extra_generated.
fn vector_tree(id: &str) -> (HashKind, usize, Leaves) {
    if let Some(n) = id.strip_prefix("B") {
        let n: u64 = n.parse().unwrap();
        return (
            HashKind::Blake2b,
            usize_of(&blake()["sequence_B"]["max_levels"]),
            address_leaves(n),
        );
    }
    if id == "extra_generated" {
        return (
            HashKind::Blake2b,
            usize_of(&extra()["max_levels"]),
            extra_leaves().clone(),
        );
    }
    let (kind, t) = match id.strip_prefix("sha256.") {
        Some(_) => (HashKind::Sha256, sp_tree(id)),
        None => (HashKind::Blake2b, blake_tree(id)),
    };
    (kind, usize_of(&t["max_levels"]), leaves(t))
}

/// The census tree (hashed once) gives the model's `GenProof` for every leaf, and for absent
/// keys: each of the first leaves with any one path bit flipped (paths that leave the tree at
/// every depth, inside runs of shared bits too) and the next addresses of the leaf rule.
#[rstest]
#[case::a("A")]
#[case::w("W")]
#[case::d1("D1")]
#[case::d2("D2")]
#[case::d3("D3")]
#[case::keylen("KeyLen")]
#[case::sha256("sha256.TestAddTestVectors")]
#[case::b1("B1")]
#[case::b2("B2")]
#[case::b5("B5")]
#[case::b100("B100")]
#[case::b1000("B1000")]
#[case::extra_generated("extra_generated")]
fn census_tree_proofs_match_the_model(#[case] id: &str) {
    let (kind, max_levels, leaves) = vector_tree(id);
    let model = arbo_model::model_tree(kind, max_levels, &leaves).unwrap();
    let tree = CensusTree::build(kind, max_levels, &leaves).unwrap();
    assert_eq!(tree.root(), model.hash());
    assert_eq!(tree.len(), leaves.len());
    for (k, v) in &leaves {
        assert_eq!(
            tree.get(k),
            Some(v.as_slice()),
            "{id}: get {}",
            hex::encode(k)
        );
        let p = tree.proof(k).unwrap();
        assert!(p.existence);
        let got = (p.existence, p.leaf_key, p.leaf_value, p.siblings);
        assert_eq!(got, model.proof(k), "{id}: proof of {}", hex::encode(k));
    }
    let flipped = leaves.iter().take(3).flat_map(|(k, _)| {
        (0..8 * k.len()).map(move |bit| {
            let mut k = k.clone();
            k[bit / 8] ^= 1 << (bit % 8);
            k
        })
    });
    let next = (leaves.len() as u64 + 1..leaves.len() as u64 + 64).map(|i| address_leaf(i).0);
    let mut absent = 0;
    for k in flipped
        .chain(next)
        .filter(|k| k.len() <= max_levels.div_ceil(8))
    {
        if leaves.iter().any(|(l, _)| *l == k) {
            continue;
        }
        absent += 1;
        assert_eq!(tree.get(&k), None, "{id}: get {}", hex::encode(&k));
        let p = tree.proof(&k).unwrap();
        assert!(!p.existence);
        let got = (p.existence, p.leaf_key, p.leaf_value, p.siblings);
        assert_eq!(
            got,
            model.proof(&k),
            "{id}: proof of absent {}",
            hex::encode(&k)
        );
    }
    assert!(absent > 0, "{id}: some absent keys were checked");
}
