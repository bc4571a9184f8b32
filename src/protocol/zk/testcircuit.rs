//! A small Groth16 circuit with exactly the public-input layout of Vocdoni's v1.0.0 census
//! circuit, for the simulator's anonymous elections: its keys are generated from a seed (no
//! ceremony, so they are trusted only through `--zk-key`), and its proofs, exported as snarkjs
//! JSON or the protobuf `ProofZkSNARK` arrays, verify with [`super::groth16`] like real ones.
//!
//! Public signals, in v1.0.0 order: `electionId[0], electionId[1], nullifier, availableWeight,
//! voteHash[0], voteHash[1], sikRoot, censusRoot`. What it proves is deliberately small:
//! knowledge of a `secret` with `nullifier = secret · (electionId[0] + electionId[1] + 1)`, so a
//! proof is bound to its election and its voter; every other signal enters one constraint of
//! its own (`x · x = x²`), which gives it a nonzero IC point, so that changing any signal breaks
//! the proof, as snarkjs's setup guarantees for the real circuit. It does not prove census
//! membership: the auditor's V-ZK checks compare the census root, election id and vote hash
//! signals with the election's, which is what the simulator's tampers exercise.

use super::field::Fr;
use super::groth16::{key_to_snarkjs_json, Proof, VerifyingKey};
use ark_bn254::Bn254;
use ark_groth16::{Groth16, ProvingKey};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use thiserror::Error;

/// The public inputs of one anonymous vote (v1.0.0 meanings) and the voter's secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteStatement {
    /// `BytesToArboSplit(processId)`.
    pub election_id: [Fr; 2],
    /// The voter's census weight (the weight counted).
    pub available_weight: Fr,
    /// `BytesToArboSplit(votePackage)`.
    pub vote_hash: [Fr; 2],
    /// The SIK root (anything: the auditor cannot check it).
    pub sik_root: Fr,
    /// The census root as the circuit's input (`root_to_fr`).
    pub census_root: Fr,
    /// The voter's secret; the nullifier follows from it and the election.
    pub secret: Fr,
}

impl VoteStatement {
    /// `secret · (electionId[0] + electionId[1] + 1)`.
    pub fn nullifier(&self) -> Fr {
        self.secret * (self.election_id[0] + self.election_id[1] + Fr::from(1u64))
    }

    /// The 8 public signals in v1.0.0 order.
    pub fn public_signals(&self) -> [Fr; 8] {
        [
            self.election_id[0],
            self.election_id[1],
            self.nullifier(),
            self.available_weight,
            self.vote_hash[0],
            self.vote_hash[1],
            self.sik_root,
            self.census_root,
        ]
    }
}

/// Why a test key or proof could not be made.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TestCircuitError {
    /// arkworks' setup or prover failed.
    #[error("test circuit: {0}")]
    Synthesis(String),
    /// The key could not be written as JSON.
    #[error("test circuit key JSON: {0}")]
    Json(String),
}

/// The circuit; `None` values during setup.
struct Circuit(Option<VoteStatement>);

impl ConstraintSynthesizer<Fr> for Circuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let value = |f: fn(&VoteStatement) -> Fr| {
            move || {
                self.0
                    .as_ref()
                    .map(f)
                    .ok_or(SynthesisError::AssignmentMissing)
            }
        };
        // Declaration order is the public-signal order.
        let e0 = cs.new_input_variable(value(|s| s.election_id[0]))?;
        let e1 = cs.new_input_variable(value(|s| s.election_id[1]))?;
        let nullifier = cs.new_input_variable(value(VoteStatement::nullifier))?;
        let others = [
            cs.new_input_variable(value(|s| s.available_weight))?,
            cs.new_input_variable(value(|s| s.vote_hash[0]))?,
            cs.new_input_variable(value(|s| s.vote_hash[1]))?,
            cs.new_input_variable(value(|s| s.sik_root))?,
            cs.new_input_variable(value(|s| s.census_root))?,
        ];
        let secret = cs.new_witness_variable(value(|s| s.secret))?;
        cs.enforce_r1cs_constraint(
            || LinearCombination::sum_vars(&[secret]),
            || LinearCombination::sum_vars(&[e0, e1, Variable::one()]),
            || LinearCombination::sum_vars(&[nullifier]),
        )?;
        for (i, x) in [e0, e1].into_iter().chain(others).enumerate() {
            let square = cs.new_witness_variable(|| {
                let s = self.0.as_ref().ok_or(SynthesisError::AssignmentMissing)?;
                let signals = s.public_signals();
                let v = signals[if i < 2 { i } else { i + 1 }];
                Ok(v * v)
            })?;
            cs.enforce_r1cs_constraint(
                || LinearCombination::sum_vars(&[x]),
                || LinearCombination::sum_vars(&[x]),
                || LinearCombination::sum_vars(&[square]),
            )?;
        }
        Ok(())
    }
}

/// The test circuit's keys, generated from a seed.
pub struct TestCircuit {
    proving_key: ProvingKey<Bn254>,
    key_json: Vec<u8>,
    key: VerifyingKey,
}

impl TestCircuit {
    /// A fresh setup from `seed`: the same seed gives the same keys (and the same key file).
    pub fn generate(seed: u64) -> Result<Self, TestCircuitError> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let proving_key =
            Groth16::<Bn254>::generate_random_parameters_with_reduction(Circuit(None), &mut rng)
                .map_err(|e| TestCircuitError::Synthesis(e.to_string()))?;
        let key_json = serde_json::to_vec_pretty(&key_to_snarkjs_json(&proving_key.vk))
            .map_err(|e| TestCircuitError::Json(e.to_string()))?;
        let key = VerifyingKey::from_arkworks(&proving_key.vk, &key_json);
        Ok(TestCircuit {
            proving_key,
            key_json,
            key,
        })
    }

    /// The snarkjs `verification_key.json` bytes: what `sim serve` writes for `--zk-key`.
    pub fn verification_key_json(&self) -> &[u8] {
        &self.key_json
    }

    /// The verifying key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// A proof of `statement`, its randomness from `seed` (deterministic simulations).
    pub fn prove(&self, statement: &VoteStatement, seed: u64) -> Result<Proof, TestCircuitError> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        Groth16::<Bn254>::create_random_proof_with_reduction(
            Circuit(Some(*statement)),
            &self.proving_key,
            &mut rng,
        )
        .map(Proof)
        .map_err(|e| TestCircuitError::Synthesis(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::zk::field::{fr_to_decimal, parse_public_signals};
    use crate::protocol::zk::inputs::bytes_to_arbo_split;
    use crate::protocol::zk::registry::{CircuitRegistry, SignalLayout};

    fn statement() -> VoteStatement {
        VoteStatement {
            election_id: bytes_to_arbo_split(&[7u8; 32]),
            available_weight: Fr::from(10u64),
            vote_hash: bytes_to_arbo_split(br#"{"nonce":"01","votes":[1]}"#),
            sik_root: Fr::from(99u64),
            census_root: Fr::from(12345u64),
            secret: Fr::from(424242u64),
        }
    }

    #[test]
    fn proofs_round_trip_through_snarkjs_and_protobuf_forms() {
        let circuit = TestCircuit::generate(1).unwrap();
        assert_eq!(
            TestCircuit::generate(1).unwrap().verification_key_json(),
            circuit.verification_key_json(),
            "deterministic from the seed"
        );
        // The key file, trusted as --zk-key would, with v1.0.0's layout.
        let mut registry = CircuitRegistry::vocdoni().unwrap();
        let trusted = registry
            .add_trusted_key(
                "sim.json",
                circuit.verification_key_json(),
                SignalLayout::V1_0_0,
            )
            .unwrap();
        assert!(!trusted.is_vocdoni());
        let key = trusted.key().clone();
        assert_eq!(key.sha256(), circuit.verifying_key().sha256());

        let s = statement();
        let proof = circuit.prove(&s, 5).unwrap();
        let (a, b, c) = proof.protobuf_strings();
        let read = Proof::from_protobuf(&a, &b, &c).unwrap();
        let json = serde_json::to_vec(&proof.to_snarkjs_json()).unwrap();
        assert_eq!(Proof::from_snarkjs_json(&json).unwrap(), read);
        let signals: Vec<String> = s.public_signals().iter().map(fr_to_decimal).collect();
        let signals = parse_public_signals(&signals, 8).unwrap();
        assert_eq!(key.verify(&read, &signals), Ok(true));
        // Any signal changed breaks it; so does another key.
        for i in 0..8 {
            let mut changed = signals.clone();
            changed[i] += Fr::from(1u64);
            assert_eq!(key.verify(&read, &changed), Ok(false), "signal {i}");
        }
        let other = TestCircuit::generate(2).unwrap();
        assert_eq!(other.verifying_key().verify(&read, &signals), Ok(false));
        // A statement whose nullifier does not follow from the secret has no proof.
        let mut wrong = s;
        wrong.secret = Fr::from(1u64);
        let forged = circuit.prove(&wrong, 5).unwrap();
        assert_eq!(key.verify(&forged, &signals), Ok(false));
    }
}
