//! `vocaudit bench`: throughput of the protocol primitives the verifier spends its time in, each
//! set against a bound measured in the same run on the same machine, so that the figures can be
//! compared across machines as ratios (1.0 = as fast as the bound allows).
//!
//! The bounds: an arbo root needs at least one BLAKE2b per leaf and per branch node, each timed
//! one by one (the root itself hashes independent nodes four at a time in AVX2 lanes, and also
//! pays the single-child nodes of a sparse tree, about 0.44 more per leaf for random keys); a proof
//! check at least one BLAKE2b per level; recovering a signer costs at least an ECDSA
//! verification; opening a sealed box costs at least its X25519 scalar multiplication; decoding
//! a ballot with Go semantics costs at least what serde_json needs to read the same bytes; a
//! Groth16 verification costs at least the pairing product of the key with the inputs folded in.

pub mod census;
pub mod fetch;
pub mod verify;

use std::fmt;
use std::hint::black_box;
use std::time::{Duration, Instant};

use num_bigint::BigUint;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::protocol::arbo::{self, CensusTree, HashKind};
use crate::protocol::hash::blake2b256;
use crate::protocol::{ballot, gojson, identity, sealed_box, tally::TallyParams};

/// One measured primitive.
#[derive(Debug, Clone)]
pub struct BenchLine {
    pub name: &'static str,
    /// Operations timed.
    pub count: u64,
    pub elapsed: Duration,
    /// Operations per second the same-run bound allows.
    pub bound_per_sec: f64,
    /// What the bound is.
    pub bound: &'static str,
}

impl BenchLine {
    /// Operations per second measured.
    pub fn per_sec(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Measured rate over the bound's rate.
    pub fn ratio(&self) -> f64 {
        self.per_sec() / self.bound_per_sec.max(1e-9)
    }
}

impl fmt::Display for BenchLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<34} {:>9} ops {:>9.3} s {:>12.0}/s  bound {:>12.0}/s  ratio {:>5.2}  ({})",
            self.name,
            self.count,
            self.elapsed.as_secs_f64(),
            self.per_sec(),
            self.bound_per_sec,
            self.ratio(),
            self.bound
        )
    }
}

/// Each timed primitive is repeated over its inputs until it has run at least this long.
const MIN_TIMING: Duration = Duration::from_millis(100);

/// Seconds per item of `f` over `n` items, repeating the pass until [`MIN_TIMING`] has elapsed.
pub(crate) fn seconds_per_item(n: usize, mut f: impl FnMut(usize)) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let start = Instant::now();
    let mut passes = 0u32;
    while passes == 0 || start.elapsed() < MIN_TIMING {
        for i in 0..n {
            f(i);
        }
        passes += 1;
    }
    start.elapsed().as_secs_f64() / (n as f64 * f64::from(passes))
}

/// Seconds per BLAKE2b of an arbo leaf (key‖value‖0x01, 20+32+1 bytes) and of a branch node
/// (two 32-byte hashes): the units of every arbo bound.
pub(crate) fn blake2b_costs() -> (f64, f64) {
    let leaf_input = [7u8; 53];
    let node_input = [9u8; 64];
    let h_leaf = seconds_per_item(200_000, |_| {
        black_box(blake2b256(&[black_box(&leaf_input)]));
    });
    let h_node = seconds_per_item(200_000, |_| {
        black_box(blake2b256(&[black_box(&node_input)]));
    });
    (h_leaf, h_node)
}

/// Runs every measurement; the arbo root uses a census of `leaves` leaves.
pub fn run(leaves: usize) -> Vec<BenchLine> {
    let threads = rayon::current_num_threads() as f64;
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let mut lines = Vec::new();

    let (h_leaf, h_node) = blake2b_costs();

    // Census of `leaves` weighted leaves.
    let census: Vec<([u8; 20], [u8; 32])> = (0..leaves as u64)
        .map(|i| {
            let mut address = [0u8; 20];
            address[12..].copy_from_slice(&(i + 1).to_be_bytes());
            let value = arbo::weight_to_value(&BigUint::from(i + 1)).unwrap_or([0; 32]);
            (arbo::weighted_census_key(&address), value)
        })
        .collect();
    let start = Instant::now();
    let root = arbo::root(HashKind::Blake2b, 160, &census);
    let elapsed = start.elapsed();
    let hashes = leaves as f64 * h_leaf + leaves.saturating_sub(1) as f64 * h_node;
    lines.push(BenchLine {
        name: "arbo root (BLAKE2b, weighted census)",
        count: leaves as u64,
        elapsed,
        bound_per_sec: leaves as f64 / (hashes / threads),
        bound: "n leaf + (n-1) node BLAKE2b hashes one by one over all cores",
    });
    black_box(root.ok());

    // Proof checks against a tree of the same census.
    if let Ok(tree) = CensusTree::build(HashKind::Blake2b, 160, &census) {
        let picks: Vec<usize> = (0..20_000.min(leaves))
            .map(|_| (rng.next_u64() % leaves as u64) as usize)
            .collect();
        let proofs: Vec<(usize, Vec<u8>, usize)> = picks
            .iter()
            .filter_map(|&i| {
                let p = tree.proof(&census[i].0).ok()?;
                let n = p.siblings.len();
                Some((i, p.packed().ok()?, n))
            })
            .collect();
        let root = tree.root();
        let levels: usize = proofs.iter().map(|p| p.2 + 1).sum();
        let start = Instant::now();
        for (i, packed, _) in &proofs {
            let ok = arbo::check_proof(
                HashKind::Blake2b,
                &census[*i].0,
                &census[*i].1,
                &root,
                packed,
            );
            black_box(ok.ok());
        }
        let elapsed = start.elapsed();
        let per_proof = levels as f64 / proofs.len().max(1) as f64;
        lines.push(BenchLine {
            name: "arbo proofs verified (1 core)",
            count: proofs.len() as u64,
            elapsed,
            bound_per_sec: 1.0 / (per_proof * h_node),
            bound: "one BLAKE2b per level of each proof",
        });
    }

    // Signer recovery against ECDSA verification of the same signatures, both in libsecp256k1
    // (the library recovery runs in): recovery is a verification plus a square root.
    let n_sig = 2_000;
    let mut secret = [0u8; 32];
    rng.fill_bytes(&mut secret);
    secret[0] = 1;
    if let Ok(key) = identity::signing_key(&secret) {
        let verifying = secp256k1::PublicKey::from_slice(&identity::compressed(
            &k256::PublicKey::from(key.verifying_key()),
        ));
        let messages: Vec<Vec<u8>> = (0..n_sig)
            .map(|i| format!("vote {i}").into_bytes())
            .collect();
        let sigs: Vec<[u8; 65]> = messages
            .iter()
            .filter_map(|m| identity::sign_eip191(&key, m).ok())
            .collect();
        let start = Instant::now();
        for (m, s) in messages.iter().zip(&sigs) {
            black_box(identity::recover_eip191(m, s).ok());
        }
        let elapsed = start.elapsed();
        let verify = seconds_per_item(sigs.len(), |i| {
            let hash = secp256k1::Message::from_digest(identity::eip191_hash(&messages[i]));
            if let (Ok(key), Ok(sig)) = (
                &verifying,
                secp256k1::ecdsa::Signature::from_compact(&sigs[i][..64]),
            ) {
                black_box(secp256k1::SECP256K1.verify_ecdsa(&hash, &sig, key).is_ok());
            }
        });
        lines.push(BenchLine {
            name: "secp256k1 recoveries (1 core)",
            count: sigs.len() as u64,
            elapsed,
            bound_per_sec: 1.0 / verify,
            bound: "libsecp256k1 ECDSA verify of the same signatures",
        });
    }

    // Sealed boxes against one X25519 scalar multiplication.
    let mut sk = [0u8; 32];
    rng.fill_bytes(&mut sk);
    let pk = sealed_box::public_from_private(&sk);
    let package = br#"{"nonce":"0123456789abcdef","votes":[1,0,2]}"#;
    let boxes: Vec<Vec<u8>> = (0..2_000)
        .filter_map(|_| sealed_box::seal(&mut rng, &pk, package).ok())
        .collect();
    // As verification does: the key's public half derived once, not per box.
    let opener = sealed_box::Opener::new(&sk);
    let start = Instant::now();
    for b in &boxes {
        black_box(opener.open(b).ok());
    }
    let elapsed = start.elapsed();
    let x25519 = seconds_per_item(2_000, |_| {
        black_box(sealed_box::public_from_private(black_box(&sk)));
    });
    lines.push(BenchLine {
        name: "sealed boxes opened (1 core)",
        count: boxes.len() as u64,
        elapsed,
        bound_per_sec: 1.0 / x25519,
        bound: "one X25519 scalar multiplication",
    });

    // Ballots: Go-semantics decode + validation against serde_json reading the same bytes.
    let params = TallyParams {
        max_count: 4,
        max_value: 3,
        max_total_cost: 6,
        cost_exponent: 2,
        max_vote_overwrites: 0,
        unique_values: false,
        cost_from_weight: false,
    };
    let ballots: Vec<Vec<u8>> = (0..100_000u64)
        .map(|i| {
            let v = rng.next_u64();
            format!(
                r#"{{"nonce":"{i:016x}","votes":[{},{},{},{}]}}"#,
                v % 4,
                (v >> 8) % 4,
                (v >> 16) % 4,
                (v >> 24) % 4
            )
            .into_bytes()
        })
        .collect();
    let weight = BigUint::from(1u8);
    let start = Instant::now();
    for b in &ballots {
        if let Ok(p) = gojson::decode_vote_package(b) {
            black_box(ballot::check_ballot(&p.votes, &weight, &params));
        }
    }
    let elapsed = start.elapsed();
    #[derive(serde::Deserialize)]
    struct Plain {
        nonce: String,
        votes: Vec<i64>,
    }
    let serde_cost = seconds_per_item(ballots.len(), |i| {
        let plain = serde_json::from_slice::<Plain>(&ballots[i]).ok();
        black_box(plain.map(|p| (p.nonce.len(), p.votes.len())));
    });
    lines.push(BenchLine {
        name: "ballots decoded + validated (1 core)",
        count: ballots.len() as u64,
        elapsed,
        bound_per_sec: 1.0 / serde_cost,
        bound: "serde_json reading the same bytes",
    });
    lines.extend(groth16_lines(threads));
    lines
}

/// The real v0.0.1 census-circuit proof and its public signals (tests/vectors/zk/).
const GROTH16_PROOF: &[u8] = include_bytes!("../tests/vectors/zk/v0.0.1-proof.json");
const GROTH16_SIGNALS: &[u8] = include_bytes!("../tests/vectors/zk/v0.0.1-signals.json");
/// Proofs per timed pass (copies of the real proof: the work per proof does not depend on it).
const GROTH16_PROOFS: usize = 256;

/// Groth16 on the real v0.0.1 proof, three lines:
/// - one by one over all cores (rayon, one proof per task) against the bound: per proof, the
///   MSM of the 8 inputs into `IC` + one multi-Miller loop of the 4 pairs
///   `(A,B)(−α,β)(−vk_x,γ)(−C,δ)` (β, γ, δ prepared once, B prepared per proof) + one final
///   exponentiation, timed on one core and scaled by the number of cores;
/// - the same against the tighter bound of arkworks' form, 3 pairs with `e(α,β)` precomputed;
/// - batched (one random linear combination over all the proofs, OS randomness, per-proof
///   Miller loops split over the cores) against the one-by-one rate of this run, so its ratio
///   is the speed-up.
fn groth16_lines(threads: f64) -> Vec<BenchLine> {
    use crate::protocol::zk::batch::{batch_holds, verify_each, BatchItem};
    use crate::protocol::zk::{parse_public_signals, CircuitRegistry, Proof};
    use ark_bn254::{Bn254, G1Affine, G1Projective};
    use ark_ec::pairing::Pairing;
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_ff::One;

    let Ok(registry) = CircuitRegistry::vocdoni() else {
        return Vec::new();
    };
    let key = registry.vocdoni_key_at("vocdoni/LTS/1.2", 0).key();
    let proof = Proof::from_snarkjs_json(GROTH16_PROOF);
    let signals = serde_json::from_slice::<Vec<String>>(GROTH16_SIGNALS)
        .ok()
        .and_then(|s| parse_public_signals(&s, 8).ok());
    let (Ok(proof), Some(signals)) = (proof, signals) else {
        return Vec::new();
    };
    let items: Vec<BatchItem<'_>> = vec![(&proof, &signals[..]); GROTH16_PROOFS];
    let timed = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        let mut passes = 0u32;
        while passes == 0 || start.elapsed() < Duration::from_secs(1) {
            f();
            passes += 1;
        }
        (u64::from(passes) * GROTH16_PROOFS as u64, start.elapsed())
    };

    // The bounds, on one core.
    let vk = &key.prepared().vk;
    type G2Prepared = <Bn254 as Pairing>::G2Prepared;
    let (beta, gamma, delta) = (
        G2Prepared::from(vk.beta_g2),
        G2Prepared::from(vk.gamma_g2),
        G2Prepared::from(vk.delta_g2),
    );
    let minus_alpha: G1Affine = (-vk.alpha_g1.into_group()).into_affine();
    let four_pairs = seconds_per_item(64, |_| {
        let vk_x: G1Projective = key.fold_inputs(black_box(&signals)).unwrap_or_default();
        let p = &black_box(&proof).0;
        let mml = Bn254::multi_miller_loop(
            [
                p.a,
                minus_alpha,
                (-vk_x).into_affine(),
                (-p.c.into_group()).into_affine(),
            ],
            [
                G2Prepared::from(p.b),
                beta.clone(),
                gamma.clone(),
                delta.clone(),
            ],
        );
        black_box(Bn254::final_exponentiation(mml).map(|gt| gt.0.is_one()));
    });
    let three_pairs = seconds_per_item(64, |_| {
        let vk_x: G1Projective = key.fold_inputs(black_box(&signals)).unwrap_or_default();
        black_box(key.verify_folded(black_box(&proof), &vk_x));
    });

    let mut lines = Vec::new();
    let (count, elapsed) = timed(&mut || {
        black_box(verify_each(key, black_box(&items)).ok());
    });
    let single = count as f64 / elapsed.as_secs_f64().max(1e-9);
    lines.push(BenchLine {
        name: "Groth16 verified one by one (all cores)",
        count,
        elapsed,
        bound_per_sec: threads / four_pairs,
        bound: "MSM(8 inputs) + 4-pair Miller loop + final exp, per core",
    });
    lines.push(BenchLine {
        name: "Groth16 one by one, tight bound",
        count,
        elapsed,
        bound_per_sec: threads / three_pairs,
        bound: "MSM + 3-pair Miller loop (e(a,b) precomputed) + final exp, per core",
    });
    let mut rng = rand::rngs::OsRng;
    let (count, elapsed) = timed(&mut || {
        black_box(batch_holds(key, black_box(&items), &mut rng).ok());
    });
    lines.push(BenchLine {
        name: "Groth16 verified batched (all cores)",
        count,
        elapsed,
        bound_per_sec: single,
        bound: "one-by-one rate of this run: ratio = batch speed-up",
    });
    lines
}
