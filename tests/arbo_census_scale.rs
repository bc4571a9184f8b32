//! Scale check of the census tree, ignored by default: a 1,000,000-leaf weighted census (the
//! sequence B leaf rule: address i as 20-byte big-endian, weight i) is built once, then every
//! voter gets a proof and the verifier checks each one, with the times printed. Run with
//! `cargo test --release --test arbo_census_scale -- --ignored --nocapture`.

use std::time::Instant;
use vocaudit::protocol::arbo::{
    check_proof, root, weight_to_value, weighted_census_key, CensusTree, HashKind,
    DEFAULT_MAX_LEVELS,
};

const VOTERS: u64 = 1_000_000;

#[test]
#[ignore = "slow: a million leaves; run it in release"]
fn million_voter_census_build_proofs_and_checks() {
    let start = Instant::now();
    let leaves: Vec<([u8; 20], [u8; 32])> = (1..=VOTERS)
        .map(|i| {
            let mut address = [0u8; 20];
            address[12..].copy_from_slice(&i.to_be_bytes());
            (
                weighted_census_key(&address),
                weight_to_value(&i.into()).unwrap(),
            )
        })
        .collect();
    println!("leaves: {:?}", start.elapsed());

    let start = Instant::now();
    let cheap_root = root(HashKind::Blake2b, DEFAULT_MAX_LEVELS, &leaves).unwrap();
    println!("root only (no nodes kept): {:?}", start.elapsed());

    let start = Instant::now();
    let tree = CensusTree::build(HashKind::Blake2b, DEFAULT_MAX_LEVELS, &leaves).unwrap();
    println!("census tree build: {:?}", start.elapsed());
    assert_eq!(tree.root(), cheap_root, "stored and unstored roots agree");

    let start = Instant::now();
    let mut siblings = 0;
    for (key, _) in &leaves {
        let proof = tree.proof(key).unwrap();
        assert!(proof.existence);
        siblings += proof.siblings.len();
    }
    println!(
        "{VOTERS} proofs: {:?} (mean {:.1} siblings)",
        start.elapsed(),
        siblings as f64 / VOTERS as f64
    );

    let start = Instant::now();
    for (key, value) in &leaves {
        assert_eq!(tree.get(key), Some(&value[..]));
    }
    println!("{VOTERS} lookups: {:?}", start.elapsed());

    let start = Instant::now();
    let root_hash = tree.root();
    for (key, value) in &leaves {
        let packed = tree.proof(key).unwrap().packed().unwrap();
        assert_eq!(
            check_proof(HashKind::Blake2b, key, value, &root_hash, &packed),
            Ok(true)
        );
    }
    println!("{VOTERS} proofs packed and checked: {:?}", start.elapsed());
}
