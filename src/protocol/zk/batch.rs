//! Many Groth16 proofs of one key checked with one pairing check: a random linear combination
//! of their equations (the standard small-exponent batch test). Not something the node does; it
//! lets an audit check an election's proofs several times faster than one by one.
//!
//! For proofs `(A_i, B_i, C_i)` with folded inputs `vk_x,i` and random nonzero 128-bit `ρ_i`:
//!
//! ```text
//! Π e(ρ_i·A_i, B_i) · e(−Σρ_i·vk_x,i, γ) · e(−Σρ_i·C_i, δ) · e(−(Σρ_i)·α, β) = 1
//! ```
//!
//! — `n + 3` Miller loops and one final exponentiation instead of `3n` and `n`. A batch holding
//! an invalid proof passes with probability at most about 2^-128 **provided the ρ_i are
//! unpredictable to whoever made the proofs**: use [`verify_batch_os`] (OS randomness) in
//! production; a seeded RNG is for tests only. When the batch fails, every proof is checked on
//! its own, so the answer is always per proof.

use super::field::Fr;
use super::groth16::{Groth16Error, Proof, VerifyingKey};
use ark_bn254::{Bn254, G1Affine, G1Projective};
use ark_ec::pairing::{MillerLoopOutput, Pairing};
use ark_ec::VariableBaseMSM;
use ark_ff::{One, Zero};
use rand::RngCore;
use rayon::prelude::*;

type G1Prepared = <Bn254 as Pairing>::G1Prepared;
type G2Prepared = <Bn254 as Pairing>::G2Prepared;

/// One proof and its public inputs.
pub type BatchItem<'a> = (&'a Proof, &'a [Fr]);

/// Checks every item's input count first (an error names the item), so that a batch only ever
/// answers about proofs.
fn check_counts(key: &VerifyingKey, items: &[BatchItem<'_>]) -> Result<(), Groth16Error> {
    match items
        .iter()
        .position(|(_, inputs)| inputs.len() != key.n_public())
    {
        Some(i) => Err(Groth16Error::Shape {
            what: format!("public inputs of proof {i}"),
            expected: key.n_public(),
            found: items[i].1.len(),
        }),
        None => Ok(()),
    }
}

/// Verifies each proof on its own, on rayon's threads. One `bool` per item, in order.
pub fn verify_each(key: &VerifyingKey, items: &[BatchItem<'_>]) -> Result<Vec<bool>, Groth16Error> {
    check_counts(key, items)?;
    Ok(items
        .par_iter()
        .map(|(proof, inputs)| key.verify(proof, inputs).unwrap_or(false))
        .collect())
}

/// The batch test alone: true when the random combination of all items' equations holds, which
/// (with unpredictable `rng`) means every proof verifies. An empty batch holds.
pub fn batch_holds<R: RngCore>(
    key: &VerifyingKey,
    items: &[BatchItem<'_>],
    rng: &mut R,
) -> Result<bool, Groth16Error> {
    check_counts(key, items)?;
    if items.is_empty() {
        return Ok(true);
    }
    let rho: Vec<Fr> = items
        .iter()
        .map(|_| loop {
            let r = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
            if r != 0 {
                break Fr::from(r);
            }
        })
        .collect();
    let pvk = key.prepared();
    let vk = &pvk.vk;
    let n_public = key.n_public();

    // Σρ_i·vk_x,i = (Σρ_i)·IC[0] + Σ_j (Σ_i ρ_i·x_ij)·IC[j+1]: one MSM over the key's points.
    let rho_sum: Fr = rho.iter().sum();
    let mut input_scalars = vec![Fr::zero(); n_public + 1];
    input_scalars[0] = rho_sum;
    for (r, (_, inputs)) in rho.iter().zip(items) {
        for (s, x) in input_scalars[1..].iter_mut().zip(inputs.iter()) {
            *s += *r * x;
        }
    }
    let vk_x = G1Projective::msm_unchecked(&vk.gamma_abc_g1, &input_scalars);
    let cs: Vec<G1Affine> = items.iter().map(|(p, _)| p.0.c).collect();
    let c = G1Projective::msm_unchecked(&cs, &rho);
    let alpha = vk.alpha_g1 * rho_sum;
    let fixed = Bn254::multi_miller_loop(
        [
            G1Prepared::from(-vk_x),
            G1Prepared::from(-c),
            G1Prepared::from(-alpha),
        ],
        [
            G2Prepared::from(vk.gamma_g2),
            G2Prepared::from(vk.delta_g2),
            G2Prepared::from(vk.beta_g2),
        ],
    );

    // e(ρ_i·A_i, B_i): each B_i is new, so these Miller loops are the per-proof cost; split
    // across rayon's threads, one partial product per chunk.
    let chunk = items.len().div_ceil(rayon::current_num_threads()).max(1);
    let proofs = items
        .par_chunks(chunk)
        .zip(rho.par_chunks(chunk))
        .map(|(items, rho)| {
            let a = items
                .iter()
                .zip(rho)
                .map(|((p, _), r)| G1Prepared::from(p.0.a * r));
            let b = items.iter().map(|(p, _)| G2Prepared::from(p.0.b));
            Bn254::multi_miller_loop(a, b)
        })
        .reduce(
            || MillerLoopOutput(<Bn254 as Pairing>::TargetField::one()),
            |x, y| MillerLoopOutput(x.0 * y.0),
        );
    let product = MillerLoopOutput(fixed.0 * proofs.0);
    Ok(Bn254::final_exponentiation(product).is_some_and(|gt| gt.0.is_one()))
}

/// Verifies many proofs of one key: the batch test first, and only when it fails each proof on
/// its own to find the bad ones. One `bool` per item, in order.
pub fn verify_batch<R: RngCore>(
    key: &VerifyingKey,
    items: &[BatchItem<'_>],
    rng: &mut R,
) -> Result<Vec<bool>, Groth16Error> {
    if batch_holds(key, items, rng)? {
        return Ok(vec![true; items.len()]);
    }
    verify_each(key, items)
}

/// [`verify_batch`] with the operating system's randomness, the form to use on proofs someone
/// else made.
pub fn verify_batch_os(
    key: &VerifyingKey,
    items: &[BatchItem<'_>],
) -> Result<Vec<bool>, Groth16Error> {
    verify_batch(key, items, &mut rand::rngs::OsRng)
}
