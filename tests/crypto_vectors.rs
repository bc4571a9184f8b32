//! The cryptographic identity primitives against tests/vectors/sealed-box.json and misc.json:
//! sealed boxes (the five JS ciphertexts, the two-layer example reproduced byte for byte), process
//! ids, chain prefixes, the scrutiny ABI encoding, the EIP-191 signature vector and the nullifier;
//! then properties (round trips, sign → recover, CSP sign → verify) and malformed inputs.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use base64::Engine;
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::{Field, PrimeField};
use k256::{ProjectivePoint, Scalar, U256};
use num_bigint::BigUint;
use proptest::prelude::*;
use rand::{CryptoRng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rstest::rstest;
use serde_json::Value;

use vocaudit::protocol::abi::{encode_evm_results_args, AbiError};
use vocaudit::protocol::csp::{
    legacy_salt_shared, salt, verify_ca_proof, CaProof, CaProofType, CspInvalid, CspOutcome,
    CspSigner, CspUnverifiable, SaltRule, OFF_CHAIN_CA, OFF_CHAIN_CA_V2,
};
use vocaudit::protocol::hash::{keccak256, Hash32};
use vocaudit::protocol::identity::{
    address_of, compressed, eip191_hash, nullifier, parse_public_key, recover_eip191, sign_eip191,
    signing_key, vote_tx_message, PublicKeyError, Signature65, SignatureError,
};
use vocaudit::protocol::process_id::{chain_prefix, EnvelopeType, ProcessId, ProcessIdError};
use vocaudit::protocol::sealed_box::{
    open, open_layers, public_from_private, seal, seal_layers, LayeredOpenError, Opener,
    SealedBoxError,
};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sealed() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| load("sealed-box.json"))
}

fn misc() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| load("misc.json"))
}

fn hx(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("valid hex")
}

fn arr<const N: usize>(v: &Value) -> [u8; N] {
    hx(v).try_into().expect("fixed-length hex")
}

fn b64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().expect("base64 string"))
        .expect("valid base64")
}

fn find<'a>(list: &'a Value, key: &str, name: &str) -> &'a Value {
    list.as_array()
        .expect("array")
        .iter()
        .find(|c| c[key] == name)
        .unwrap_or_else(|| panic!("no entry with {key} = {name}"))
}

// ---------------------------------------------------------------- sealed boxes

#[test]
fn sealed_box_keypair_derives_its_public_key() {
    let kp = &sealed()["keypair"];
    assert_eq!(
        public_from_private(&arr(&kp["private_key"])),
        arr::<32>(&kp["public_key"])
    );
}

#[rstest]
#[case("Hello")]
#[case("Empty")]
#[case("Symbols")]
#[case("Accents")]
#[case("Emojis")]
fn sealed_box_js_ciphertexts_open(#[case] name: &str) {
    let case = find(&sealed()["cases"], "name", name);
    let secret = arr(&sealed()["keypair"]["private_key"]);
    let ciphertext = b64(&case["ciphertext_base64"]);
    assert_eq!(
        ciphertext.len() as u64,
        case["ciphertext_len"].as_u64().unwrap()
    );
    assert_eq!(ciphertext[..32], hx(&case["ephemeral_public_key"])[..]);
    let plain = open(&secret, &ciphertext).unwrap();
    assert_eq!(plain, hx(&case["plaintext_hex"]));
    assert_eq!(plain, case["plaintext_utf8"].as_str().unwrap().as_bytes());
}

/// An RNG that hands out fixed bytes, to replay the vector's fixed ephemeral keys.
struct Replay(Vec<u8>);

impl RngCore for Replay {
    fn next_u32(&mut self) -> u32 {
        unimplemented!("sealing only fills bytes")
    }
    fn next_u64(&mut self) -> u64 {
        unimplemented!("sealing only fills bytes")
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        assert!(self.0.len() >= dest.len(), "replay exhausted");
        let rest = self.0.split_off(dest.len());
        dest.copy_from_slice(&self.0);
        self.0 = rest;
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for Replay {}

/// Key index → 32-byte X25519 key.
type KeysByIndex = BTreeMap<u32, [u8; 32]>;

/// Revealed keys as the verifier holds them, ready to open boxes.
fn openers(secrets: &KeysByIndex) -> BTreeMap<u32, Opener> {
    secrets.iter().map(|(&i, k)| (i, Opener::new(k))).collect()
}

/// The two-layer example's private keys, public keys and ephemeral private keys (in sealing order).
fn two_layer_keys() -> (KeysByIndex, KeysByIndex, Vec<u8>) {
    let extra = &sealed()["extra_generated"];
    let mut secrets = BTreeMap::new();
    let mut publics = BTreeMap::new();
    let mut ephemerals = Vec::new();
    for key in extra["keys"].as_array().unwrap() {
        let index = key["index"].as_u64().unwrap() as u32;
        secrets.insert(index, arr(&key["private_key"]));
        publics.insert(index, arr(&key["public_key"]));
        ephemerals.extend(hx(&key["ephemeral_private_key_used"]));
    }
    (secrets, publics, ephemerals)
}

#[test]
fn two_layer_example_opens_in_reverse_order() {
    let extra = &sealed()["extra_generated"];
    let (secrets, publics, _) = two_layer_keys();
    for (index, secret) in &secrets {
        assert_eq!(public_from_private(secret), publics[index]);
        assert_eq!(Opener::new(secret).public(), publics[index]);
    }
    let ciphertext = b64(&extra["ciphertext_base64"]);
    let layer1 = b64(&extra["layer1_ciphertext_base64"]);
    assert_eq!(
        ciphertext.len() as u64,
        extra["ciphertext_len"].as_u64().unwrap()
    );
    assert_eq!(layer1.len() as u64, extra["layer1_len"].as_u64().unwrap());
    assert_eq!(open(&secrets[&2], &ciphertext).unwrap(), layer1);
    assert_eq!(
        open(&secrets[&1], &ciphertext),
        Err(SealedBoxError::OpenFailed)
    );
    let indexes: Vec<u32> = extra["encryption_key_indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_u64().unwrap() as u32)
        .collect();
    assert_eq!(
        open_layers(&ciphertext, &indexes, &openers(&secrets)).unwrap(),
        hx(&extra["plaintext_hex"])
    );
    // Listing the indexes the other way round opens key 1 first, which fails at position 1.
    assert_eq!(
        open_layers(&ciphertext, &[2, 1], &openers(&secrets)),
        Err(LayeredOpenError::OpenFailed {
            index: 1,
            position: 1,
            source: SealedBoxError::OpenFailed
        })
    );
}

#[test]
fn two_layer_example_is_reproduced_with_its_ephemeral_keys() {
    let extra = &sealed()["extra_generated"];
    let (_, publics, ephemerals) = two_layer_keys();
    let mut rng = Replay(ephemerals);
    let (ciphertext, indexes) =
        seal_layers(&mut rng, &publics, &hx(&extra["plaintext_hex"])).unwrap();
    assert_eq!(indexes, vec![1, 2]);
    assert_eq!(ciphertext, b64(&extra["ciphertext_base64"]));
}

#[test]
fn layered_open_errors_are_located() {
    let extra = &sealed()["extra_generated"];
    let (secrets, _, _) = two_layer_keys();
    let ciphertext = b64(&extra["ciphertext_base64"]);
    assert_eq!(
        open_layers(&ciphertext, &[1, 16], &openers(&secrets)),
        Err(LayeredOpenError::IndexOutOfRange {
            index: 16,
            position: 1
        })
    );
    let only_one: BTreeMap<u32, [u8; 32]> = secrets
        .iter()
        .filter(|(i, _)| **i == 1)
        .map(|(i, k)| (*i, *k))
        .collect();
    assert_eq!(
        open_layers(&ciphertext, &[1, 2], &openers(&only_one)),
        Err(LayeredOpenError::NotRevealed {
            index: 2,
            position: 1
        })
    );
    assert_eq!(
        open_layers(&ciphertext[..40], &[1, 2], &openers(&secrets)),
        Err(LayeredOpenError::OpenFailed {
            index: 2,
            position: 1,
            source: SealedBoxError::TooShort { len: 40 }
        })
    );
    // No key listed: the package is returned as it is, as the node does.
    assert_eq!(
        open_layers(b"raw", &[], &openers(&secrets)).unwrap(),
        b"raw"
    );
}

// ---------------------------------------------------------------- process ids

fn decoded_matches(pid: &ProcessId, decoded: &Value) {
    assert_eq!(pid.chain_prefix, arr::<6>(&decoded["chain_id_prefix"]));
    assert_eq!(
        pid.organization,
        arr::<20>(&decoded["organization_address"])
    );
    assert_eq!(
        u64::from(pid.census_origin),
        decoded["census_origin"].as_u64().unwrap()
    );
    assert_eq!(
        u64::from(pid.envelope_type.0),
        decoded["envelope_type_byte"].as_u64().unwrap()
    );
    let flags = &decoded["envelope_type"];
    let et = pid.envelope_type;
    assert_eq!(et.serial(), flags["serial"].as_bool().unwrap());
    assert_eq!(et.anonymous(), flags["anonymous"].as_bool().unwrap());
    assert_eq!(
        et.encrypted_votes(),
        flags["encryptedVotes"].as_bool().unwrap()
    );
    assert_eq!(et.unique_values(), flags["uniqueValues"].as_bool().unwrap());
    assert_eq!(
        et.cost_from_weight(),
        flags["costFromWeight"].as_bool().unwrap()
    );
    assert_eq!(u64::from(pid.nonce), decoded["nonce"].as_u64().unwrap());
}

#[rstest]
#[case("TestProcessID.unmarshal")]
#[case("doc_comment_example")]
#[case("TestProcessID.marshal")]
fn process_id_examples_decode(#[case] id: &str) {
    let example = find(&misc()["process_id"]["examples"], "id", id);
    let bytes = hx(&example["process_id"]);
    let pid = ProcessId::from_slice(&bytes).unwrap();
    decoded_matches(&pid, &example["decoded"]);
    assert_eq!(pid.encode()[..], bytes[..]);
    match example["valid_for_unmarshal"].as_bool() {
        Some(false) => assert_eq!(pid.validate(), Err(ProcessIdError::UnknownCensusOrigin)),
        _ => assert_eq!(pid.validate(), Ok(())),
    }
}

#[test]
fn process_id_marshal_of_test_inputs() {
    let example = find(
        &misc()["process_id"]["examples"],
        "id",
        "TestProcessID.marshal",
    );
    let inputs = &example["inputs"];
    let flags = &inputs["envelope_type"];
    let flag = |name: &str| flags[name].as_bool().unwrap();
    let chain_id = inputs["chain_id"].as_str().unwrap();
    let pid = ProcessId::new(
        chain_id,
        arr(&inputs["organization_address"]),
        inputs["census_origin"].as_u64().unwrap() as u8,
        EnvelopeType::from_flags(
            flag("serial"),
            flag("anonymous"),
            flag("encryptedVotes"),
            flag("uniqueValues"),
            flag("costFromWeight"),
        ),
        inputs["nonce"].as_u64().unwrap() as u32,
    );
    assert_eq!(pid.encode()[..], hx(&example["process_id"])[..]);
    assert!(pid.is_from_chain(chain_id));
}

/// README "Not reproduced": the doc comment's prefix 395b41cc9abc is not keccak256("vocdoni-bizono").
#[test]
fn doc_comment_chain_prefix_is_not_bizono() {
    let example = find(
        &misc()["process_id"]["examples"],
        "id",
        "doc_comment_example",
    );
    let pid = ProcessId::from_slice(&hx(&example["process_id"])).unwrap();
    assert!(!pid.is_from_chain("vocdoni-bizono"));
    assert_eq!(hex::encode(chain_prefix("vocdoni-bizono")), "155e67758c0f");
}

#[rstest]
#[case("vocdoni/LTS/1.2")]
#[case("vocdoni/STAGE/12")]
#[case("vocdoni/DEV/36")]
fn derived_chain_prefixes(#[case] chain_id: &str) {
    let entry = find(
        &misc()["process_id"]["derived_chain_prefixes"],
        "chain_id",
        chain_id,
    );
    assert_eq!(chain_prefix(chain_id), arr::<6>(&entry["chain_id_prefix"]));
}

#[test]
fn process_id_malformed() {
    assert_eq!(
        ProcessId::from_slice(&[0u8; 31]),
        Err(ProcessIdError::WrongLength { len: 31 })
    );
    let mut bytes = [0u8; 32];
    bytes[26] = 2;
    bytes[27] = 32;
    assert_eq!(
        ProcessId::decode(&bytes).validate(),
        Err(ProcessIdError::EnvelopeTypeOverflow(32))
    );
}

// ---------------------------------------------------------------- ABI

fn results_of(v: &Value) -> Vec<Vec<BigUint>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().parse().unwrap())
                .collect()
        })
        .collect()
}

#[rstest]
#[case("encodeEVMResultsArgs0")]
#[case("encodeEVMResultsArgs1")]
fn abi_results_encoding(#[case] name: &str) {
    let case = find(&misc()["abi_results_encoding"]["cases"], "name", name);
    let encoded = encode_evm_results_args(
        &hx(&case["election_id"]),
        &hx(&case["organization_id"]),
        &hx(&case["census_root"]),
        &hx(&case["source_contract_address"]),
        &results_of(&case["results"]),
    )
    .unwrap();
    assert_eq!(hex::encode(encoded), case["abi_encoded"].as_str().unwrap());
}

#[test]
fn abi_keeps_the_last_32_bytes_of_a_csp_root_and_refuses_oversized_cells() {
    let case = find(
        &misc()["abi_results_encoding"]["cases"],
        "name",
        "encodeEVMResultsArgs1",
    );
    let mut root33 = vec![0x03];
    root33.extend(hx(&case["census_root"]));
    let encoded = encode_evm_results_args(
        &hx(&case["election_id"]),
        &hx(&case["organization_id"]),
        &root33,
        &hx(&case["source_contract_address"]),
        &results_of(&case["results"]),
    )
    .unwrap();
    assert_eq!(hex::encode(encoded), case["abi_encoded"].as_str().unwrap());

    let too_big = vec![
        vec![BigUint::from(1u8)],
        vec![BigUint::from(0u8), BigUint::from(1u8) << 256],
    ];
    assert_eq!(
        encode_evm_results_args(&[], &[], &[], &[], &too_big),
        Err(AbiError::ValueTooLarge {
            question: 1,
            option: 1
        })
    );
}

// ---------------------------------------------------------------- EIP-191, identity

fn eip191_case() -> &'static Value {
    find(
        &misc()["eip191"]["cases"],
        "name",
        "TestSignature.hardcoded",
    )
}

#[test]
fn eip191_vector() {
    let case = eip191_case();
    let message = hx(&case["message_hex"]);
    let derived = &case["derived"];
    let prefixed = hx(&derived["eip191_prefixed_message_hex"]);
    assert_eq!(keccak256(&[&prefixed]), eip191_hash(&message));
    assert_eq!(eip191_hash(&message), arr::<32>(&derived["message_hash"]));

    let key = signing_key(&arr(&case["private_key"])).unwrap();
    let signature = sign_eip191(&key, &message).unwrap();
    assert_eq!(signature[..], hx(&case["signature"])[..]);
    assert_eq!(signature[64..], hx(&derived["recovery_id"])[..]);

    let public = recover_eip191(&message, &signature).unwrap();
    assert_eq!(
        compressed(&public),
        arr::<33>(&derived["public_key_compressed"])
    );
    assert_eq!(address_of(&public), arr::<20>(&derived["address"]));

    // The SDK's v = 27/28 form recovers the same key.
    let mut ethers_form = signature;
    ethers_form[64] += 27;
    assert_eq!(recover_eip191(&message, &ethers_form).unwrap(), public);
}

#[test]
fn signature_malformed() {
    let signature = hx(&eip191_case()["signature"]);
    assert_eq!(
        recover_eip191(b"hello", &signature[..64]),
        Err(SignatureError::WrongLength { len: 64 })
    );
    let mut long = signature.clone();
    long.push(0);
    assert_eq!(
        recover_eip191(b"hello", &long),
        Err(SignatureError::WrongLength { len: 66 })
    );
    for v in [2u8, 26, 29, 255] {
        let mut bad = signature.clone();
        bad[64] = v;
        assert_eq!(
            Signature65::from_bytes(&bad),
            Err(SignatureError::BadRecoveryByte { v })
        );
    }
    let mut zero_r = signature.clone();
    zero_r[..32].fill(0);
    assert_eq!(
        Signature65::from_bytes(&zero_r),
        Err(SignatureError::ScalarOutOfRange)
    );
    let mut big_s = signature;
    big_s[32..64].fill(0xff);
    assert_eq!(
        Signature65::from_bytes(&big_s),
        Err(SignatureError::ScalarOutOfRange)
    );
}

#[test]
fn vote_message_follows_the_template() {
    let template = misc()["eip191"]["vote_message_template"].as_str().unwrap();
    let pid: Hash32 = arr(&misc()["nullifier"]["derived_example"]["process_id"]);
    let tx = b"\x0a\x03abc";
    let expected = template
        .replacen("%x", &hex::encode(pid), 1)
        .replacen("%x", &hex::encode(keccak256(&[tx])), 1)
        .replacen("%s", "vocdoni/LTS/1.2", 1);
    assert_eq!(vote_tx_message(&pid, tx, "vocdoni/LTS/1.2"), expected);
}

#[test]
fn nullifier_example() {
    let example = &misc()["nullifier"]["derived_example"];
    let address = address_of(
        &recover_eip191(
            &hx(&eip191_case()["message_hex"]),
            &hx(&eip191_case()["signature"]),
        )
        .unwrap(),
    );
    assert_eq!(address, arr::<20>(&example["address"]));
    assert_eq!(
        nullifier(&address, &arr(&example["process_id"])),
        arr::<32>(&example["nullifier"])
    );
}

#[test]
fn public_key_malformed() {
    assert_eq!(
        parse_public_key(&[2u8; 32]).unwrap_err(),
        PublicKeyError::WrongLength { len: 32 }
    );
    // x = 5: 5^3 + 7 = 132 is not a square mod p, so no point has this x.
    let mut not_on_curve = [0u8; 33];
    not_on_curve[0] = 0x02;
    not_on_curve[32] = 5;
    assert_eq!(
        parse_public_key(&not_on_curve).unwrap_err(),
        PublicKeyError::NotOnCurve
    );
    let mut bad_prefix = not_on_curve;
    bad_prefix[0] = 0x04;
    assert_eq!(
        parse_public_key(&bad_prefix).unwrap_err(),
        PublicKeyError::NotOnCurve
    );
}

// ---------------------------------------------------------------- CSP

/// `CAbundle{processId = 1, address = 2, voteWeight = 3}` as protobuf bytes.
fn bundle(pid: &Hash32, address: &[u8; 20], weight: Option<&[u8]>) -> Vec<u8> {
    let mut out = vec![0x0a, 32];
    out.extend(pid);
    out.extend([0x12, 20]);
    out.extend(address);
    if let Some(w) = weight {
        out.extend([0x1a, w.len() as u8]);
        out.extend(w);
    }
    out
}

const ALL_TYPES: [CaProofType; 4] = [
    CaProofType::Ecdsa,
    CaProofType::EcdsaPidSalted,
    CaProofType::EcdsaBlind,
    CaProofType::EcdsaBlindPidSalted,
];

fn csp_pid(origin: u8, nonce: u32) -> Hash32 {
    ProcessId::new(
        "vocdoni/LTS/1.2",
        [0x42; 20],
        origin,
        EnvelopeType(0),
        nonce,
    )
    .encode()
}

fn signed(
    signer: &CspSigner,
    seed: u64,
    proof_type: CaProofType,
    origin: u8,
    pid: &Hash32,
    weight: Option<&[u8]>,
) -> (Vec<u8>, Vec<u8>) {
    let rule = SaltRule::for_census_origin(origin).unwrap();
    let bundle_bytes = bundle(pid, &[0x11; 20], weight);
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let sig = signer
        .sign(&mut rng, proof_type, rule, pid, &bundle_bytes, weight)
        .unwrap();
    (bundle_bytes, sig)
}

fn verify(
    proof_type: CaProofType,
    bundle_bytes: &[u8],
    weight: Option<&[u8]>,
    sig: &[u8],
    root: &[u8],
    pid: &Hash32,
    origin: u8,
) -> CspOutcome {
    let proof = CaProof {
        proof_type: proof_type.to_proto(),
        bundle_bytes,
        bundle_vote_weight: weight,
        signature: sig,
    };
    verify_ca_proof(&proof, root, pid, origin)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha, ..ProptestConfig::default() })]

    #[test]
    fn sealed_box_round_trip(seed in any::<u64>(), secret in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let sealed = seal(&mut rng, &public_from_private(&secret), &message).unwrap();
        prop_assert_eq!(sealed.len(), message.len() + 48);
        prop_assert_eq!(open(&secret, &sealed).unwrap(), message);
    }

    #[test]
    fn layered_round_trip(seed in any::<u64>(), indexes in proptest::collection::btree_set(1u32..16, 1..5), message in proptest::collection::vec(any::<u8>(), 0..100)) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let secrets: BTreeMap<u32, [u8; 32]> = indexes.iter().map(|&i| {
            let mut k = [0u8; 32];
            rng.fill_bytes(&mut k);
            (i, k)
        }).collect();
        let publics = secrets.iter().map(|(&i, k)| (i, public_from_private(k))).collect();
        let (sealed, listed) = seal_layers(&mut rng, &publics, &message).unwrap();
        prop_assert_eq!(&listed, &indexes.iter().copied().collect::<Vec<_>>());
        prop_assert_eq!(sealed.len(), message.len() + 48 * indexes.len());
        prop_assert_eq!(open_layers(&sealed, &listed, &openers(&secrets)).unwrap(), message);
    }

    #[test]
    fn sign_then_recover_gives_the_signer(secret in any::<[u8; 32]>().prop_filter("valid scalar", |s| signing_key(s).is_ok()), message in proptest::collection::vec(any::<u8>(), 0..100)) {
        let key = signing_key(&secret).unwrap();
        let sig = sign_eip191(&key, &message).unwrap();
        prop_assert!(sig[64] <= 1);
        prop_assert!(!Signature65::from_bytes(&sig).unwrap().is_high_s());
        let expected = address_of(&k256::PublicKey::from(key.verifying_key()));
        prop_assert_eq!(address_of(&recover_eip191(&message, &sig).unwrap()), expected);
    }

    #[test]
    fn csp_sign_then_verify(seed in any::<u64>(), type_index in 0usize..4, v2 in any::<bool>(), nonce in any::<u32>(), weight in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..20))) {
        let proof_type = ALL_TYPES[type_index];
        let origin = if v2 { OFF_CHAIN_CA_V2 } else { OFF_CHAIN_CA };
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        secret[0] &= 0x7f; // below the order
        let signer = CspSigner::new(&secret).unwrap();
        let root = signer.census_root();
        let pid = csp_pid(origin, nonce);
        let weight = weight.as_deref();
        let (bundle_bytes, sig) = signed(&signer, seed, proof_type, origin, &pid, weight);
        prop_assert_eq!(verify(proof_type, &bundle_bytes, weight, &sig, &root, &pid, origin), CspOutcome::Valid);

        // Another CSP key.
        let mut other = secret;
        other[31] ^= 1;
        let other_root = CspSigner::new(&other).unwrap().census_root();
        prop_assert!(matches!(verify(proof_type, &bundle_bytes, weight, &sig, &other_root, &pid, origin), CspOutcome::Invalid(_)));

        // Another bundle (another voter).
        let other_bundle = bundle(&pid, &[0x12; 20], weight);
        prop_assert!(matches!(verify(proof_type, &other_bundle, weight, &sig, &root, &pid, origin), CspOutcome::Invalid(_)));

        // Another election of another organisation: the salted types must fail.
        let mut foreign = pid;
        foreign[10] ^= 1;
        let outcome = verify(proof_type, &bundle_bytes, weight, &sig, &root, &foreign, origin);
        if matches!(proof_type, CaProofType::EcdsaPidSalted | CaProofType::EcdsaBlindPidSalted) {
            prop_assert!(matches!(outcome, CspOutcome::Invalid(_)), "{:?}", outcome);
        }

        // Another election of the same organisation: only V2 salts tell them apart (#1424).
        let sibling = csp_pid(origin, nonce.wrapping_add(1));
        let outcome = verify(proof_type, &bundle_bytes, weight, &sig, &root, &sibling, origin);
        prop_assert!(legacy_salt_shared(&pid, &sibling));
        match (proof_type, v2) {
            (CaProofType::EcdsaPidSalted | CaProofType::EcdsaBlindPidSalted, true) => prop_assert!(matches!(outcome, CspOutcome::Invalid(_))),
            _ => prop_assert_eq!(outcome, CspOutcome::Valid),
        }

        // V2 binds the weight: declaring another weight derives another key.
        let declared: &[u8] = &[0x77, 0x01];
        let rule = SaltRule::ProcessIdAndWeight;
        if v2 && salt(rule, &pid, Some(declared)) != salt(rule, &pid, weight)
            && matches!(proof_type, CaProofType::EcdsaPidSalted | CaProofType::EcdsaBlindPidSalted)
        {
            prop_assert!(matches!(verify(proof_type, &bundle_bytes, Some(declared), &sig, &root, &pid, origin), CspOutcome::Invalid(_)));
        }
    }
}

/// The go-blindsecp256k1 protocol run step by step (signer R = k·G; user blinds with a, b:
/// F = a·R + b·G, m̃ = a⁻¹·(F.x mod n)·h; signer ŝ = d·m̃ + k; user S = a·ŝ + b), independently of
/// `CspSigner`'s shortcut, with a bundle whose keccak starts with a zero byte so that
/// `h = keccak256(m.Bytes())` must drop it.
#[test]
fn blind_protocol_flow_verifies() {
    let mut rng = ChaCha20Rng::seed_from_u64(1424);
    let pid = csp_pid(OFF_CHAIN_CA, 9);
    let bundle_bytes = (0u32..)
        .map(|i| bundle(&pid, &[0x11; 20], Some(&i.to_be_bytes())))
        .find(|b| {
            let m = keccak256(&[b]);
            m[0] == 0 && m[1] != 0
        })
        .unwrap();
    let m = keccak256(&[&bundle_bytes]);
    let h = keccak256(&[&m[1..]]);

    let d = Scalar::random(&mut rng);
    let mut secret = [0u8; 32];
    secret.copy_from_slice(&d.to_repr());
    let signer = CspSigner::new(&secret).unwrap();
    let salt_bytes = salt(SaltRule::LegacyProcessId, &pid, None).unwrap();
    let mut salt_repr = [0u8; 32];
    salt_repr[12..].copy_from_slice(&salt_bytes);
    let d_salted = d + <Scalar as Reduce<U256>>::reduce_bytes(&salt_repr.into());

    for (proof_type, key) in [
        (CaProofType::EcdsaBlind, d),
        (CaProofType::EcdsaBlindPidSalted, d_salted),
    ] {
        let k = Scalar::random(&mut rng);
        let r = ProjectivePoint::GENERATOR * k;
        let (a, b) = (Scalar::random(&mut rng), Scalar::random(&mut rng));
        let f = (r * a + ProjectivePoint::GENERATOR * b).to_affine();
        let rx = <Scalar as Reduce<U256>>::reduce_bytes(&f.x());
        let h = <Scalar as Reduce<U256>>::reduce_bytes(&h.into());
        let m_blinded = a.invert().unwrap() * rx * h;
        let s_blind = key * m_blinded + k;
        let s = a * s_blind + b;

        let encoded = k256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&f, false);
        let mut sig = Vec::new();
        for word in [
            &s.to_repr()[..],
            &encoded.x().unwrap()[..],
            &encoded.y().unwrap()[..],
        ] {
            sig.extend(word.iter().rev());
        }
        let root = signer.census_root();
        assert_eq!(
            verify(
                proof_type,
                &bundle_bytes,
                None,
                &sig,
                &root,
                &pid,
                OFF_CHAIN_CA
            ),
            CspOutcome::Valid
        );
        sig[0] ^= 1;
        assert_eq!(
            verify(
                proof_type,
                &bundle_bytes,
                None,
                &sig,
                &root,
                &pid,
                OFF_CHAIN_CA
            ),
            CspOutcome::Invalid(CspInvalid::BlindEquation)
        );
    }
}

#[test]
fn csp_malformed_inputs() {
    let signer = CspSigner::new(&[3u8; 32]).unwrap();
    let root = signer.census_root();
    let pid = csp_pid(OFF_CHAIN_CA_V2, 1);
    let (bundle_bytes, sig) = signed(
        &signer,
        5,
        CaProofType::EcdsaPidSalted,
        OFF_CHAIN_CA_V2,
        &pid,
        None,
    );
    let run = |t: i32, sig: &[u8], root: &[u8], origin: u8, weight: Option<&[u8]>| {
        verify_ca_proof(
            &CaProof {
                proof_type: t,
                bundle_bytes: &bundle_bytes,
                bundle_vote_weight: weight,
                signature: sig,
            },
            root,
            &pid,
            origin,
        )
    };
    assert_eq!(
        run(2, &sig, &root, OFF_CHAIN_CA_V2, None),
        CspOutcome::Valid
    );
    assert_eq!(
        run(0, &sig, &root, OFF_CHAIN_CA_V2, None),
        CspOutcome::Invalid(CspInvalid::UnsupportedProofType(0))
    );
    assert_eq!(
        run(2, &sig[..64], &root, OFF_CHAIN_CA_V2, None),
        CspOutcome::Invalid(CspInvalid::Signature(SignatureError::WrongLength {
            len: 64
        }))
    );
    let mut bad_v = sig.clone();
    bad_v[64] = 5;
    assert_eq!(
        run(2, &bad_v, &root, OFF_CHAIN_CA_V2, None),
        CspOutcome::Invalid(CspInvalid::Signature(SignatureError::BadRecoveryByte {
            v: 5
        }))
    );
    let mut off_curve = [0u8; 33];
    off_curve[0] = 0x02;
    off_curve[32] = 5;
    assert_eq!(
        run(2, &sig, &off_curve, OFF_CHAIN_CA_V2, None),
        CspOutcome::Invalid(CspInvalid::CensusRoot(PublicKeyError::NotOnCurve))
    );
    assert_eq!(
        run(4, &off_curve, &root, OFF_CHAIN_CA_V2, None),
        CspOutcome::Invalid(CspInvalid::BlindSignatureLength(33))
    );
    assert_eq!(
        run(2, &sig, &root, OFF_CHAIN_CA_V2, Some(&[1u8; 21])),
        CspOutcome::Invalid(CspInvalid::WeightTooLarge)
    );
    assert_eq!(
        run(2, &sig, &root, 2, None),
        CspOutcome::NotVerifiable(CspUnverifiable::NotACspOrigin(2))
    );
    // Blind: S = 0 and a coordinate >= p are not judged; F off the curve is refused.
    let mut blind = vec![0u8; 96];
    assert_eq!(
        run(3, &blind, &root, OFF_CHAIN_CA_V2, None),
        CspOutcome::NotVerifiable(CspUnverifiable::BlindScalarOutOfRange)
    );
    blind[0] = 1;
    blind[32..64].fill(0xff);
    assert_eq!(
        run(3, &blind, &root, OFF_CHAIN_CA_V2, None),
        CspOutcome::NotVerifiable(CspUnverifiable::BlindCoordinateOutOfRange)
    );
    blind[32..96].fill(0);
    assert_eq!(
        run(3, &blind, &root, OFF_CHAIN_CA_V2, None),
        CspOutcome::Invalid(CspInvalid::BlindPointNotOnCurve)
    );
}

#[test]
fn v2_salt_weight_rules() {
    let pid = csp_pid(OFF_CHAIN_CA_V2, 1);
    let rule = SaltRule::ProcessIdAndWeight;
    // Absent weight = 1; leading zeros do not change the integer.
    assert_eq!(salt(rule, &pid, None), salt(rule, &pid, Some(&[1])));
    assert_eq!(
        salt(rule, &pid, Some(&[0, 0, 5])),
        salt(rule, &pid, Some(&[5]))
    );
    assert_ne!(salt(rule, &pid, Some(&[5])), salt(rule, &pid, Some(&[6])));
    let mut w = [0u8; 32];
    w[31] = 1;
    assert_eq!(
        salt(rule, &pid, None).unwrap()[..],
        keccak256(&[&pid, &w])[..20]
    );
    // 2^160 - 1 passes, 2^160 does not.
    assert!(salt(rule, &pid, Some(&[0xff; 20])).is_ok());
    let mut two_160 = vec![1u8];
    two_160.extend([0u8; 20]);
    assert_eq!(
        salt(rule, &pid, Some(&two_160)),
        Err(CspInvalid::WeightTooLarge)
    );
    // Legacy: the first 20 bytes of the process id.
    assert_eq!(
        salt(SaltRule::LegacyProcessId, &pid, None).unwrap()[..],
        pid[..20]
    );
}

#[test]
fn csp_signer_refuses_bad_keys() {
    assert!(CspSigner::new(&[0u8; 32]).is_err());
    assert!(CspSigner::new(&[0xff; 32]).is_err());
}
