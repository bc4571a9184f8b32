//! circomlib's Poseidon over BN254, as go-iden3-crypto v0.0.13 `poseidon.Hash` computes it for
//! arbo census trees, SIKs and nullifiers (vocdoni/vocdoni-node:tree/arbo/hash.go
//! `HashPoseidon`), through `light-poseidon`'s `new_circom` parameters: x^5 S-box, 8 full
//! rounds, state[0] = 0, inputs in state[1..], output state[0].
//!
//! The hashers are built once per thread and width (building one converts a few hundred round
//! constants), so a census of a million leaves costs no more than its hashes.

use super::field::{fr_from_le_slice, fr_to_le32, out_of_field_le, FieldError, Fr};
use crate::protocol::hash::Hash32;
use light_poseidon::{Poseidon, PoseidonHasher};
use std::cell::RefCell;
use thiserror::Error;

/// Most inputs `new_circom` has parameters for (width 13). go-iden3-crypto goes to 16; Vocdoni
/// uses 2 (tree nodes), 3 (leaves, SIKs) and 4 (nullifiers).
pub const MAX_INPUTS: usize = 12;

/// Why a Poseidon hash could not be computed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PoseidonError {
    /// No input, or more than [`MAX_INPUTS`].
    #[error("poseidon of {count} inputs: 1 to {MAX_INPUTS} are supported")]
    Arity {
        /// Inputs given.
        count: usize,
    },
    /// An input byte string whose little-endian integer is `>= r` (go-iden3-crypto
    /// `CheckBigIntArrayInField`).
    #[error("poseidon input: {0}")]
    Input(#[from] FieldError),
}

thread_local! {
    /// `HASHERS[n - 1]`: this thread's hasher for `n` inputs, built on first use.
    static HASHERS: RefCell<Vec<Option<Poseidon<Fr>>>> = const { RefCell::new(Vec::new()) };
}

/// circomlib `Poseidon(n)` of `inputs` (1 to [`MAX_INPUTS`] field elements).
pub fn poseidon(inputs: &[Fr]) -> Result<Fr, PoseidonError> {
    let count = inputs.len();
    if count == 0 || count > MAX_INPUTS {
        return Err(PoseidonError::Arity { count });
    }
    HASHERS.with(|cell| {
        let mut hashers = cell.borrow_mut();
        if hashers.len() < count {
            hashers.resize_with(count, || None);
        }
        let slot = &mut hashers[count - 1];
        if slot.is_none() {
            *slot = Some(
                Poseidon::<Fr>::new_circom(count).map_err(|_| PoseidonError::Arity { count })?,
            );
        }
        match slot.as_mut() {
            Some(hasher) => hasher
                .hash(inputs)
                .map_err(|_| PoseidonError::Arity { count }),
            None => Err(PoseidonError::Arity { count }),
        }
    })
}

/// arbo `HashPoseidon.Hash`: each part read as a little-endian integer (any length, below `r`),
/// hashed as separate inputs, the output written as 32 little-endian bytes.
pub fn poseidon_le(parts: &[&[u8]]) -> Result<Hash32, PoseidonError> {
    let mut inputs = [Fr::from(0u64); MAX_INPUTS];
    if parts.is_empty() || parts.len() > MAX_INPUTS {
        return Err(PoseidonError::Arity { count: parts.len() });
    }
    for (i, (slot, part)) in inputs.iter_mut().zip(parts).enumerate() {
        *slot = match fr_from_le_slice(part) {
            Some(x) => x,
            None => return Err(out_of_field_le(&format!("input {i}"), part).into()),
        };
    }
    Ok(fr_to_le32(&poseidon(&inputs[..parts.len()])?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::zk::field::fr_to_decimal;

    #[test]
    fn go_iden3_crypto_known_answers() {
        // go-iden3-crypto poseidon_test.go.
        let one = Fr::from(1u64);
        let two = Fr::from(2u64);
        assert_eq!(
            fr_to_decimal(&poseidon(&[one]).unwrap()),
            "18586133768512220936620570745912940619677854269274689475585506675881198879027"
        );
        assert_eq!(
            fr_to_decimal(&poseidon(&[one, two]).unwrap()),
            "7853200120776062878684798364095072458815029376092732009249414926327459813530"
        );
    }

    #[test]
    fn arity_and_field_errors() {
        assert_eq!(poseidon(&[]), Err(PoseidonError::Arity { count: 0 }));
        let many = [Fr::from(1u64); MAX_INPUTS + 1];
        assert_eq!(
            poseidon(&many),
            Err(PoseidonError::Arity {
                count: MAX_INPUTS + 1
            })
        );
        // r itself, little-endian, is not an input.
        let r_le = hex::decode("010000f093f5e1439170b97948e833285d588181b64550b829a031e1724e6430")
            .unwrap();
        assert!(matches!(
            poseidon_le(&[&r_le, &[1]]),
            Err(PoseidonError::Input(FieldError::OutOfField { .. }))
        ));
    }
}
