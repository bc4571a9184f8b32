//! Census dumps as the verifier meets them (`verify::context::DumpFacts::parse`): the
//! `CensusDump` JSON, zstd or raw leaf records, the rebuilt root and the proofs of its leaves.
//!
//! Input: `[0][CensusDump JSON…]`, or `[mode ≠ 0][census type u8][maxLevels u8][data…]` for the
//! dump's `data` bytes (zstd frame or raw records) without the JSON and base64 around them.
//!
//! Invariants: JSON → dump → JSON → dump is the identity; records re-encode to the exact bytes
//! they came from; the leaf set's root equals the tree's root; every leaf's proof checks.

use vocaudit::protocol::arbo::dump::{decode_records, encode_records, CensusDump};
use vocaudit::protocol::arbo::proof::check_proof;
use vocaudit::verify::context::DumpFacts;

/// Proofs checked per input (each costs a tree walk).
const PROOFS_CHECKED: usize = 8;

/// Decodes one dump; `Ok` is the rebuilt root as hex, `Err` the error text.
pub fn run(data: &[u8]) -> Result<String, String> {
    match data {
        [0, json @ ..] => from_json(json),
        [_, census_type, max_levels, records @ ..] => from_records(CensusDump {
            census_type: i64::from(*census_type),
            root_hash: [0; 32],
            data: records.to_vec(),
            max_levels: usize::from(*max_levels),
            census_id: None,
            token: None,
            size: None,
            uri: None,
        }),
        _ => Err("input shorter than its mode header".into()),
    }
}

fn from_json(json: &[u8]) -> Result<String, String> {
    let facts = DumpFacts::parse(json);
    let dump = CensusDump::from_json(json).map_err(|e| e.to_string());
    assert_eq!(
        facts.is_ok(),
        dump.is_ok() && records_decode(dump.as_ref().ok())
    );
    let dump = dump?;
    let text = dump.to_json().expect("a decoded dump encodes");
    let again = CensusDump::from_json(&text).expect("an encoded dump decodes");
    assert_eq!(again, dump, "JSON round trip");
    let facts = facts?;
    assert_eq!(facts.claimed_root, dump.root_hash);
    facts.rebuilt_root.map(hex_of).map_err(|e| e.to_string())
}

fn records_decode(dump: Option<&CensusDump>) -> bool {
    dump.and_then(|d| d.records_bytes().ok())
        .is_some_and(|bytes| decode_records(&bytes).is_ok())
}

fn from_records(dump: CensusDump) -> Result<String, String> {
    let bytes = dump.records_bytes().map_err(|e| e.to_string())?;
    let records = decode_records(&bytes).map_err(|e| e.to_string())?;
    let encoded = encode_records(records.iter().copied()).expect("decoded records encode");
    assert_eq!(encoded, bytes, "records round trip");

    let rebuilt = dump.rebuild_root().map_err(|e| e.to_string());
    let tree = dump.census_tree().map_err(|e| e.to_string());
    assert_eq!(
        rebuilt.as_ref().ok(),
        tree.as_ref().ok().map(|t| t.root()).as_ref()
    );
    let tree = tree?;
    let root = tree.root();
    let kind = tree.leaf_set().kind();
    for (key, value) in tree.leaf_set().leaves().take(PROOFS_CHECKED) {
        let proof = tree.proof(key).expect("a leaf of the tree has a proof");
        assert!(proof.existence && proof.leaf_value == value);
        let packed = proof.packed().expect("a proof packs");
        assert_eq!(check_proof(kind, key, value, &root, &packed), Ok(true));
    }
    Ok(hex_of(root))
}

fn hex_of(root: [u8; 32]) -> String {
    root.iter().map(|b| format!("{b:02x}")).collect()
}
