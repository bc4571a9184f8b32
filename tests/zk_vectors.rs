//! Every file of tests/vectors/zk/ as table cases: the pinned files, the real v0.0.1 Groth16
//! proof (verifies with its signals, fails with any one changed and under the v1.0.0 key), the
//! v1.0.0 key, every formula of the census circuit recomputed from the sample's private inputs
//! (nullifier, SIK root, census root, voteHash), canonical decimal parsing, malformed keys and
//! proofs, and batch verification locating a bad proof.

use num_bigint::BigUint;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rstest::rstest;
use serde_json::Value;
use vocaudit::protocol::arbo::{fold_siblings, HashKind};
use vocaudit::protocol::hash::{sha256, Hash32};
use vocaudit::protocol::zk::batch::{batch_holds, verify_batch};
use vocaudit::protocol::zk::field::{fr_to_decimal, fr_to_le32, R_DECIMAL};
use vocaudit::protocol::zk::inputs::root_to_fr;
use vocaudit::protocol::zk::registry::{V0_0_1_SHA256, V1_0_0_SHA256};
use vocaudit::protocol::zk::{
    bytes_to_arbo_split, nullifier_bytes, parse_fr, parse_public_signals, poseidon, vote_id,
    CircuitRegistry, FieldError, Fr, Groth16Error, KeyOrigin, Proof, SignalLayout, VerifyingKey,
};

fn bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/vectors/zk/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(name: &str) -> Value {
    serde_json::from_slice(&bytes(name)).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn v0_key() -> VerifyingKey {
    VerifyingKey::from_snarkjs_json(&bytes("v0.0.1-verification_key.json")).unwrap()
}

fn v0_proof() -> Proof {
    Proof::from_snarkjs_json(&bytes("v0.0.1-proof.json")).unwrap()
}

fn v0_signals() -> Vec<Fr> {
    parse_public_signals(&strings(&json("v0.0.1-signals.json")), 8).unwrap()
}

#[rstest]
#[case::v1_key(
    "v1.0.0-census_verification_key.json",
    "2a47ff7e511926290fedfa406886944eeb0a3df9021ca26333c0c124c89aa7b0"
)]
#[case::v0_key(
    "v0.0.1-verification_key.json",
    "235e55571812f8e324e73e37e53829db0c4ac8f68469b9b953876127c97b425f"
)]
#[case::v0_proof(
    "v0.0.1-proof.json",
    "14ec15ff56ecf6a77de19431d3d77a5777052f44f35db27ec4a4e86611d9d0d7"
)]
#[case::v0_signals(
    "v0.0.1-signals.json",
    "44bcb4c16820285eecb8a1fd984136eedc928bd09390ae1713863f3d913cbf83"
)]
#[case::v0_inputs(
    "v0.0.1-inputs_example.json",
    "72f6f21ba7655a446dc03e14bfa8d0699ce3d1c58b42fb911fac01e6a6dee24f"
)]
fn vector_files_are_the_published_bytes(#[case] name: &str, #[case] sha: &str) {
    assert_eq!(hex::encode(sha256(&[&bytes(name)])), sha);
    let readme = String::from_utf8(bytes("README.md")).unwrap();
    assert!(
        readme.contains(name) && readme.contains(sha),
        "README lists {name}"
    );
}

#[test]
fn embedded_keys_are_the_vector_files_and_pinned() {
    let registry = CircuitRegistry::vocdoni().unwrap();
    let pins = [
        (
            "v1.0.0-census_verification_key.json",
            V1_0_0_SHA256,
            "v1.0.0",
        ),
        ("v0.0.1-verification_key.json", V0_0_1_SHA256, "v0.0.1"),
    ];
    for (file, pin, version) in pins {
        let sha: Hash32 = sha256(&[&bytes(file)]);
        assert_eq!(hex::encode(sha), pin);
        let key = registry.find_by_sha256(&sha).expect("embedded");
        assert_eq!(key.origin(), &KeyOrigin::Vocdoni { version });
        assert!(key.is_vocdoni());
        assert_eq!(key.key().n_public(), 8);
    }
}

#[test]
fn v1_key_parses_with_nine_ic_points() {
    let key =
        VerifyingKey::from_snarkjs_json(&bytes("v1.0.0-census_verification_key.json")).unwrap();
    assert_eq!(key.n_public(), 8);
    assert_eq!(hex::encode(key.sha256()), V1_0_0_SHA256);
}

#[test]
fn real_v0_proof_verifies() {
    assert_eq!(v0_key().verify(&v0_proof(), &v0_signals()), Ok(true));
    // The same proof in the protobuf form (b flattened row by row).
    let p = json("v0.0.1-proof.json");
    let b: Vec<String> = p["pi_b"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(strings)
        .collect();
    let proto = Proof::from_protobuf(&strings(&p["pi_a"]), &b, &strings(&p["pi_c"])).unwrap();
    assert_eq!(proto, v0_proof());
    // Exported and read back as snarkjs JSON, it is the same proof.
    let again = serde_json::to_vec(&proto.to_snarkjs_json()).unwrap();
    assert_eq!(Proof::from_snarkjs_json(&again).unwrap(), proto);
}

#[rstest]
fn real_v0_proof_fails_with_any_signal_changed(#[values(0, 1, 2, 3, 4, 5, 6, 7)] index: usize) {
    let mut signals = v0_signals();
    signals[index] += Fr::from(1u64);
    assert_eq!(
        v0_key().verify(&v0_proof(), &signals),
        Ok(false),
        "{}",
        SignalLayout::V0_0_1.names()[index]
    );
}

#[test]
fn real_v0_proof_fails_under_the_v1_key() {
    let v1 =
        VerifyingKey::from_snarkjs_json(&bytes("v1.0.0-census_verification_key.json")).unwrap();
    assert_eq!(v1.verify(&v0_proof(), &v0_signals()), Ok(false));
}

#[rstest]
#[case::seven(7)]
#[case::nine(9)]
#[case::none(0)]
fn wrong_input_count_is_an_error(#[case] n: usize) {
    let mut signals = v0_signals();
    signals.resize(n, Fr::from(0u64));
    assert!(matches!(
        v0_key().verify(&v0_proof(), &signals),
        Err(Groth16Error::Shape { expected: 8, .. })
    ));
    let text: Vec<String> = signals.iter().map(fr_to_decimal).collect();
    assert!(matches!(
        parse_public_signals(&text, 8),
        Err(FieldError::WrongCount {
            expected: 8,
            found,
            ..
        }) if found == n
    ));
}

fn r_plus(delta: i64) -> String {
    let r: BigUint = R_DECIMAL.parse().unwrap();
    if delta >= 0 {
        (r + BigUint::from(delta as u64)).to_string()
    } else {
        (r - BigUint::from(delta.unsigned_abs())).to_string()
    }
}

#[rstest]
#[case::zero("0", true)]
#[case::one("1", true)]
#[case::r_minus_1(&r_plus(-1), true)]
#[case::r(R_DECIMAL, false)]
#[case::r_plus_1(&r_plus(1), false)]
#[case::two_pow_256(
    "115792089237316195423570985008687907853269984665640564039457584007913129639936",
    false
)]
#[case::empty("", false)]
#[case::leading_zero("01", false)]
#[case::double_zero("00", false)]
#[case::plus("+1", false)]
#[case::minus("-1", false)]
#[case::space(" 1", false)]
#[case::trailing_space("1 ", false)]
#[case::hex("0x1", false)]
#[case::underscore("1_000", false)]
#[case::fraction("1.0", false)]
#[case::exponent("1e3", false)]
#[case::unicode_digit("١", false)]
fn canonical_decimal_parsing(#[case] text: &str, #[case] ok: bool) {
    let parsed = parse_fr("x", text);
    assert_eq!(parsed.is_ok(), ok, "{text:?}: {parsed:?}");
    if let Ok(x) = parsed {
        assert_eq!(fr_to_decimal(&x), text, "round trip");
    } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0')
    {
        assert!(matches!(parsed, Err(FieldError::OutOfField { .. })));
    } else {
        assert!(matches!(parsed, Err(FieldError::NotCanonical { .. })));
    }
}

fn fr(v: &Value) -> Fr {
    parse_fr("inputs_example", v.as_str().unwrap()).unwrap()
}

/// The SMT root of leaf (key, value) with the circuit's 161 decimal siblings, folded from the
/// deepest non-zero sibling up (the compressed tree).
fn smt_root(key: &Fr, value: &Fr, siblings: &Value) -> Fr {
    let mut siblings: Vec<Hash32> = siblings
        .as_array()
        .unwrap()
        .iter()
        .map(|s| fr_to_le32(&fr(s)))
        .collect();
    while siblings.last() == Some(&[0u8; 32]) {
        siblings.pop();
    }
    let key = fr_to_le32(key);
    let leaf = HashKind::Poseidon.leaf(&key, &fr_to_le32(value)).unwrap();
    let root = fold_siblings(HashKind::Poseidon, &key, leaf, &siblings).unwrap();
    root_to_fr(&root).unwrap()
}

#[test]
fn census_circuit_formulas_from_the_private_inputs() {
    let x = json("v0.0.1-inputs_example.json");
    let election = [fr(&x["electionId"][0]), fr(&x["electionId"][1])];
    let (address, password, signature) =
        (fr(&x["address"]), fr(&x["password"]), fr(&x["signature"]));
    // nullifier = Poseidon(signature, password, electionId[0], electionId[1]).
    let nullifier = poseidon(&[signature, password, election[0], election[1]]).unwrap();
    assert_eq!(nullifier, fr(&x["nullifier"]));
    // SIK = Poseidon(address, password, signature), in the SIK tree at key address.
    let sik = poseidon(&[address, password, signature]).unwrap();
    assert_eq!(
        smt_root(&address, &sik, &x["sikSiblings"]),
        fr(&x["sikRoot"])
    );
    // (address, availableWeight) is in the census tree.
    assert_eq!(
        smt_root(&address, &fr(&x["availableWeight"]), &x["censusSiblings"]),
        fr(&x["censusRoot"])
    );
    // The legacy voteHash rule: split(sha256(weight bytes)), weight 10.
    assert_eq!(
        bytes_to_arbo_split(&[0x0a]).to_vec(),
        vec![fr(&x["voteHash"][0]), fr(&x["voteHash"][1])]
    );
    // The proof's signals are these inputs in v0.0.1 order.
    let signals = v0_signals();
    let at = SignalLayout::V0_0_1.indices();
    assert_eq!(signals[at.nullifier], nullifier);
    assert_eq!(signals[at.election_id[0]], election[0]);
    assert_eq!(signals[at.census_root], fr(&x["censusRoot"]));
    assert_eq!(signals[at.weight], fr(&x["voteWeight"]));
    // The node's names for this vote: minimal big-endian nullifier bytes, and the state key.
    let id = nullifier_bytes(&nullifier);
    assert_eq!(
        BigUint::from_bytes_be(&id).to_string(),
        fr_to_decimal(&nullifier)
    );
    assert_ne!(id.first(), Some(&0));
    let pid = [7u8; 32];
    let mut concat = pid.to_vec();
    concat.extend_from_slice(&id);
    assert_eq!(vote_id(&pid, &id), sha256(&[&concat]));
}

#[test]
fn nullifier_bytes_are_minimal() {
    assert_eq!(nullifier_bytes(&Fr::from(0x00ffu64)), vec![0xff]);
    assert_eq!(nullifier_bytes(&Fr::from(0x0100u64)), vec![1, 0]);
    assert!(nullifier_bytes(&Fr::from(0u64)).is_empty());
}

/// The v0.0.1 key's JSON with one field replaced.
fn key_with(path: &[&str], value: Value) -> Vec<u8> {
    let mut key = json("v0.0.1-verification_key.json");
    let mut slot = &mut key;
    for p in path {
        slot = match p.parse::<usize>() {
            Ok(i) => &mut slot[i],
            Err(_) => &mut slot[*p],
        };
    }
    *slot = value;
    serde_json::to_vec(&key).unwrap()
}

#[rstest]
#[case::not_json(b"{".to_vec(), "json")]
#[case::protocol(key_with(&["protocol"], "plonk".into()), "protocol")]
#[case::curve(key_with(&["curve"], "bls12381".into()), "curve")]
#[case::n_public(key_with(&["nPublic"], 7.into()), "shape")]
#[case::alpha_off_curve(key_with(&["vk_alpha_1", "1"], "5".into()), "curve-point")]
#[case::alpha_two_coordinates(key_with(&["vk_alpha_1"], serde_json::json!(["1", "2"])), "shape")]
#[case::alpha_projective(key_with(&["vk_alpha_1", "2"], "2".into()), "affine")]
#[case::ic_x_equals_q(key_with(&["IC", "3", "0"], "21888242871839275222246405745257275088696311157297823662689037894645226208583".into()), "field")]
#[case::ic_leading_zero(key_with(&["IC", "3", "0"], "0123".into()), "field")]
#[case::beta_off_curve(key_with(&["vk_beta_2", "0", "0"], "1".into()), "curve-point")]
#[case::gamma_one_coordinate(key_with(&["vk_gamma_2", "1"], serde_json::json!(["1"])), "shape")]
fn malformed_keys_are_typed_errors(#[case] key: Vec<u8>, #[case] kind: &str) {
    let err = VerifyingKey::from_snarkjs_json(&key).unwrap_err();
    let matches = match kind {
        "json" => matches!(err, Groth16Error::Json { .. }),
        "protocol" | "curve" => {
            matches!(err, Groth16Error::NotBn254Groth16 { field, .. } if field == kind)
        }
        "shape" => matches!(err, Groth16Error::Shape { .. }),
        "curve-point" => matches!(err, Groth16Error::NotOnCurve { .. }),
        "affine" => matches!(err, Groth16Error::NotAffine { .. }),
        "field" => matches!(err, Groth16Error::Field(_)),
        _ => false,
    };
    assert!(matches, "{kind}: {err}");
}

#[rstest]
#[case::a_short(&["pi_a"], serde_json::json!(["1", "2"]))]
#[case::a_off_curve(&["pi_a", "0"], "1".into())]
#[case::b_off_curve(&["pi_b", "1", "1"], "1".into())]
#[case::b_not_affine(&["pi_b", "2"], serde_json::json!(["1", "1"]))]
#[case::c_sign(&["pi_c", "0"], "-1".into())]
#[case::c_number(&["pi_c", "0"], 1.into())]
fn malformed_proofs_are_typed_errors(#[case] path: &[&str], #[case] value: Value) {
    let mut proof = json("v0.0.1-proof.json");
    let mut slot = &mut proof;
    for p in path {
        slot = match p.parse::<usize>() {
            Ok(i) => &mut slot[i],
            Err(_) => &mut slot[*p],
        };
    }
    *slot = value;
    assert!(Proof::from_snarkjs_json(&serde_json::to_vec(&proof).unwrap()).is_err());
}

#[test]
fn batch_finds_exactly_the_bad_proof() {
    let (key, proof, good) = (v0_key(), v0_proof(), v0_signals());
    let mut bad = good.clone();
    bad[4] += Fr::from(1u64);
    let mut items: Vec<(&Proof, &[Fr])> = vec![(&proof, &good[..]); 12];
    let mut rng = ChaCha20Rng::seed_from_u64(13);
    assert_eq!(batch_holds(&key, &items, &mut rng), Ok(true));
    assert_eq!(verify_batch(&key, &items, &mut rng), Ok(vec![true; 12]));
    items[7] = (&proof, &bad[..]);
    assert_eq!(batch_holds(&key, &items, &mut rng), Ok(false));
    let results = verify_batch(&key, &items, &mut rng).unwrap();
    let failed: Vec<usize> = (0..12).filter(|&i| !results[i]).collect();
    assert_eq!(failed, vec![7]);
    // A wrong input count is an error naming the proof, not a failed batch.
    items[3] = (&proof, &good[..7]);
    assert!(matches!(
        verify_batch(&key, &items, &mut rng),
        Err(Groth16Error::Shape { what, .. }) if what == "public inputs of proof 3"
    ));
    assert_eq!(batch_holds(&key, &[], &mut rng), Ok(true));
}
