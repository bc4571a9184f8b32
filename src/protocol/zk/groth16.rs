//! Groth16 over BN254 as the node verifies anonymous votes: snarkjs `verification_key.json`,
//! snarkjs `proof.json` (or the protobuf `ProofZkSNARK` arrays) and decimal public signals,
//! checked with arkworks. Mirrors iden3/go-rapidsnark `verifier/groth16.go` + `parser.go`
//! (v0.0.3, the node's), stricter where the text is malformed.
//!
//! The check is `e(A,B) · e(−vk_x, γ) · e(−C, δ) = e(α, β)` with
//! `vk_x = IC[0] + Σ inputs[i]·IC[i+1]`. Rules:
//! - exactly `nPublic = len(IC) − 1` inputs, each a canonical decimal below `r`;
//! - coordinates are canonical decimals below the base field's modulus; a point must be on the
//!   curve and in the prime-order subgroup (arkworks; go-ethereum's bn256 checks the curve);
//! - snarkjs writes affine points with a third coordinate `"1"` (G2: `["1","0"]`) and the
//!   identity as `["0","1","0"]` (G2: `[["0","0"],["1","0"],["0","0"]]`); go-rapidsnark ignores
//!   the third coordinate, this parser refuses any other value ([`Groth16Error::NotAffine`]);
//! - snarkjs G2 `[c0, c1]` is `Fq2::new(c0, c1)`.
//!
//! Nothing here panics on bad input: every malformed key, proof or signal is a typed error.

use super::field::{from_reduced, modulus_of, parse_decimal_below, FieldError, Fr};
use crate::protocol::hash::{sha256, Hash32};
use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G1Projective, G2Affine};
use ark_ec::{AffineRepr, VariableBaseMSM};
use ark_groth16::{Groth16, PreparedVerifyingKey};
use num_bigint::BigUint;
use serde::Deserialize;
use thiserror::Error;

/// Why a key, a proof or its inputs could not be read or checked.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Groth16Error {
    /// The JSON does not have the snarkjs shape.
    #[error("{what}: not snarkjs JSON: {reason}")]
    Json {
        /// `verification key` or `proof`.
        what: &'static str,
        /// The parser's message.
        reason: String,
    },
    /// A `protocol` other than `groth16` or a `curve` other than `bn128`.
    #[error("verification key: {field} is {found:?}, expected {expected:?}")]
    NotBn254Groth16 {
        /// `protocol` or `curve`.
        field: &'static str,
        /// What the file says.
        found: String,
        /// What this verifier handles.
        expected: &'static str,
    },
    /// A list of the wrong length: coordinates of a point, `IC` against `nPublic`, the
    /// protobuf arrays (a: 3, b: 6, c: 3).
    #[error("{what}: {found} elements, expected {expected}")]
    Shape {
        /// Which list.
        what: String,
        /// The length required.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// A coordinate or a public input that is not a canonical decimal below its modulus.
    #[error("{0}")]
    Field(#[from] FieldError),
    /// A third (projective) coordinate other than snarkjs's affine `1` (or the identity's).
    #[error("{what}: projective coordinate {found:?}, expected the affine form")]
    NotAffine {
        /// Which point.
        what: String,
        /// The coordinate found.
        found: String,
    },
    /// A point that is not on the curve.
    #[error("{what}: not on the BN254 curve")]
    NotOnCurve {
        /// Which point.
        what: String,
    },
    /// A point on the curve but outside the prime-order subgroup (G2 only: G1 has cofactor 1).
    #[error("{what}: not in the prime-order subgroup")]
    NotInSubgroup {
        /// Which point.
        what: String,
    },
}

/// A parsed snarkjs Groth16 verifying key, prepared for verification, with the sha256 of the
/// exact bytes it was read from (what the node pins).
#[derive(Clone, Debug)]
pub struct VerifyingKey {
    prepared: PreparedVerifyingKey<Bn254>,
    sha256: Hash32,
}

/// A Groth16 proof (A ∈ G1, B ∈ G2, C ∈ G1), its points checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Proof(pub(crate) ark_groth16::Proof<Bn254>);

/// `verification_key.json` as snarkjs writes it (`vk_alphabeta_12` is not needed).
#[derive(Deserialize)]
struct KeyJson {
    protocol: String,
    curve: String,
    #[serde(rename = "nPublic")]
    n_public: usize,
    vk_alpha_1: Vec<String>,
    vk_beta_2: Vec<Vec<String>>,
    vk_gamma_2: Vec<Vec<String>>,
    vk_delta_2: Vec<Vec<String>>,
    #[serde(rename = "IC")]
    ic: Vec<Vec<String>>,
}

/// `proof.json` as snarkjs writes it (`protocol` and `curve` are optional there).
#[derive(Deserialize)]
struct ProofJson {
    pi_a: Vec<String>,
    pi_b: Vec<Vec<String>>,
    pi_c: Vec<String>,
}

impl VerifyingKey {
    /// Reads a snarkjs `verification_key.json`: `protocol` groth16, `curve` bn128,
    /// `len(IC) = nPublic + 1`, every point valid.
    pub fn from_snarkjs_json(bytes: &[u8]) -> Result<Self, Groth16Error> {
        let json: KeyJson = serde_json::from_slice(bytes).map_err(|e| Groth16Error::Json {
            what: "verification key",
            reason: e.to_string(),
        })?;
        if json.protocol != "groth16" {
            return Err(Groth16Error::NotBn254Groth16 {
                field: "protocol",
                found: json.protocol,
                expected: "groth16",
            });
        }
        if json.curve != "bn128" {
            return Err(Groth16Error::NotBn254Groth16 {
                field: "curve",
                found: json.curve,
                expected: "bn128",
            });
        }
        if json.ic.len() != json.n_public + 1 {
            return Err(Groth16Error::Shape {
                what: "IC (nPublic + 1 points)".to_string(),
                expected: json.n_public + 1,
                found: json.ic.len(),
            });
        }
        let gamma_abc_g1 = json
            .ic
            .iter()
            .enumerate()
            .map(|(i, p)| g1(&format!("IC[{i}]"), p))
            .collect::<Result<Vec<_>, _>>()?;
        let vk = ark_groth16::VerifyingKey::<Bn254> {
            alpha_g1: g1("vk_alpha_1", &json.vk_alpha_1)?,
            beta_g2: g2("vk_beta_2", &json.vk_beta_2)?,
            gamma_g2: g2("vk_gamma_2", &json.vk_gamma_2)?,
            delta_g2: g2("vk_delta_2", &json.vk_delta_2)?,
            gamma_abc_g1,
        };
        Ok(VerifyingKey {
            prepared: ark_groth16::prepare_verifying_key(&vk),
            sha256: sha256(&[bytes]),
        })
    }

    /// A key from arkworks' own form (a key made by a test circuit), with the sha256 of its
    /// snarkjs JSON.
    pub(crate) fn from_arkworks(vk: &ark_groth16::VerifyingKey<Bn254>, json: &[u8]) -> Self {
        VerifyingKey {
            prepared: ark_groth16::prepare_verifying_key(vk),
            sha256: sha256(&[json]),
        }
    }

    /// Number of public inputs (`nPublic`).
    pub fn n_public(&self) -> usize {
        self.prepared.vk.gamma_abc_g1.len() - 1
    }

    /// sha256 of the JSON bytes the key was read from.
    pub fn sha256(&self) -> Hash32 {
        self.sha256
    }

    /// The arkworks key, prepared.
    pub(crate) fn prepared(&self) -> &PreparedVerifyingKey<Bn254> {
        &self.prepared
    }

    /// `vk_x = IC[0] + Σ inputs[i]·IC[i+1]` (one multi-scalar multiplication), after checking
    /// that there are exactly `nPublic` inputs.
    pub fn fold_inputs(&self, inputs: &[Fr]) -> Result<G1Projective, Groth16Error> {
        let ic = &self.prepared.vk.gamma_abc_g1;
        if inputs.len() + 1 != ic.len() {
            return Err(Groth16Error::Shape {
                what: "public inputs".to_string(),
                expected: ic.len() - 1,
                found: inputs.len(),
            });
        }
        Ok(G1Projective::msm_unchecked(&ic[1..], inputs) + ic[0])
    }

    /// Verifies `proof` for `inputs`. `Ok(false)` is a proof that does not verify; an error is
    /// a wrong number of inputs.
    pub fn verify(&self, proof: &Proof, inputs: &[Fr]) -> Result<bool, Groth16Error> {
        let vk_x = self.fold_inputs(inputs)?;
        Ok(self.verify_folded(proof, &vk_x))
    }

    /// The pairing check with the inputs already folded into `vk_x`: one multi-Miller loop of
    /// three pairs (`e(α, β)` is precomputed), one final exponentiation.
    pub fn verify_folded(&self, proof: &Proof, vk_x: &G1Projective) -> bool {
        // ark-groth16 returns an error only from its R1CS plumbing, never here; any error is
        // a proof that did not verify.
        Groth16::<Bn254>::verify_proof_with_prepared_inputs(&self.prepared, &proof.0, vk_x)
            .unwrap_or(false)
    }
}

impl Proof {
    /// Reads a snarkjs `proof.json` (`pi_a`, `pi_b`, `pi_c`).
    pub fn from_snarkjs_json(bytes: &[u8]) -> Result<Self, Groth16Error> {
        let json: ProofJson = serde_json::from_slice(bytes).map_err(|e| Groth16Error::Json {
            what: "proof",
            reason: e.to_string(),
        })?;
        Ok(Proof(ark_groth16::Proof {
            a: g1("pi_a", &json.pi_a)?,
            b: g2("pi_b", &json.pi_b)?,
            c: g1("pi_c", &json.pi_c)?,
        }))
    }

    /// Reads the protobuf `ProofZkSNARK` arrays: `a` and `c` are snarkjs `pi_a`/`pi_c` (3
    /// strings), `b` is `pi_b` flattened row by row (6 strings:
    /// `x.c0, x.c1, y.c0, y.c1, "1", "0"`).
    pub fn from_protobuf<S: AsRef<str>>(a: &[S], b: &[S], c: &[S]) -> Result<Self, Groth16Error> {
        let strings = |v: &[S]| v.iter().map(|s| s.as_ref().to_string()).collect::<Vec<_>>();
        if b.len() != 6 {
            return Err(Groth16Error::Shape {
                what: "b".to_string(),
                expected: 6,
                found: b.len(),
            });
        }
        let b = strings(b);
        let rows: Vec<Vec<String>> = b.chunks(2).map(<[String]>::to_vec).collect();
        Ok(Proof(ark_groth16::Proof {
            a: g1("a", &strings(a))?,
            b: g2("b", &rows)?,
            c: g1("c", &strings(c))?,
        }))
    }

    /// The protobuf `ProofZkSNARK` arrays `(a, b, c)`: 3, 6 and 3 decimal strings, `b` being
    /// snarkjs `pi_b` flattened row by row (what the SDK sends).
    pub fn protobuf_strings(&self) -> (Vec<String>, Vec<String>, Vec<String>) {
        (
            g1_strings(&self.0.a),
            g2_strings(&self.0.b).concat(),
            g1_strings(&self.0.c),
        )
    }

    /// The proof as snarkjs `proof.json` (`pi_a`, `pi_b`, `pi_c`, `protocol`, `curve`).
    pub fn to_snarkjs_json(&self) -> serde_json::Value {
        serde_json::json!({
            "pi_a": g1_strings(&self.0.a),
            "pi_b": g2_strings(&self.0.b),
            "pi_c": g1_strings(&self.0.c),
            "protocol": "groth16",
            "curve": "bn128",
        })
    }
}

/// A snarkjs verifying key JSON for an arkworks key (what `snarkjs zkey export verificationkey`
/// writes, without `vk_alphabeta_12`).
pub(crate) fn key_to_snarkjs_json(vk: &ark_groth16::VerifyingKey<Bn254>) -> serde_json::Value {
    serde_json::json!({
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.gamma_abc_g1.len() - 1,
        "vk_alpha_1": g1_strings(&vk.alpha_g1),
        "vk_beta_2": g2_strings(&vk.beta_g2),
        "vk_gamma_2": g2_strings(&vk.gamma_g2),
        "vk_delta_2": g2_strings(&vk.delta_g2),
        "IC": vk.gamma_abc_g1.iter().map(g1_strings).collect::<Vec<_>>(),
    })
}

fn fq_string(x: &Fq) -> String {
    use ark_ff::PrimeField;
    BigUint::from(x.into_bigint()).to_string()
}

fn g1_strings(p: &G1Affine) -> Vec<String> {
    match p.xy() {
        Some((x, y)) => vec![fq_string(&x), fq_string(&y), "1".into()],
        None => vec!["0".into(), "1".into(), "0".into()],
    }
}

fn g2_strings(p: &G2Affine) -> Vec<Vec<String>> {
    match p.xy() {
        Some((x, y)) => vec![
            vec![fq_string(&x.c0), fq_string(&x.c1)],
            vec![fq_string(&y.c0), fq_string(&y.c1)],
            vec!["1".into(), "0".into()],
        ],
        None => vec![
            vec!["0".into(), "0".into()],
            vec!["1".into(), "0".into()],
            vec!["0".into(), "0".into()],
        ],
    }
}

/// One base-field coordinate.
fn fq(what: &str, text: &str, modulus: &BigUint) -> Result<Fq, Groth16Error> {
    Ok(from_reduced(&parse_decimal_below(what, text, modulus)?))
}

fn shape(what: &str, expected: usize, found: usize) -> Result<(), Groth16Error> {
    if expected == found {
        return Ok(());
    }
    Err(Groth16Error::Shape {
        what: what.to_string(),
        expected,
        found,
    })
}

/// A G1 point `[x, y, z]`: z = "1" (affine) or the identity `["0", "1", "0"]`.
fn g1(what: &str, p: &[String]) -> Result<G1Affine, Groth16Error> {
    shape(what, 3, p.len())?;
    if p[2] == "0" && p[0] == "0" && p[1] == "1" {
        return Ok(G1Affine::identity());
    }
    if p[2] != "1" {
        return Err(Groth16Error::NotAffine {
            what: what.to_string(),
            found: p[2].chars().take(100).collect(),
        });
    }
    let q = modulus_of::<Fq>();
    let point = G1Affine::new_unchecked(
        fq(&format!("{what}.x"), &p[0], &q)?,
        fq(&format!("{what}.y"), &p[1], &q)?,
    );
    if !point.is_on_curve() {
        return Err(Groth16Error::NotOnCurve {
            what: what.to_string(),
        });
    }
    // BN254's G1 has cofactor 1: every point on the curve is in the subgroup.
    Ok(point)
}

/// A G2 point `[[x.c0, x.c1], [y.c0, y.c1], [z.c0, z.c1]]`: z = `["1","0"]` (affine) or the
/// identity `[["0","0"],["1","0"],["0","0"]]`.
fn g2(what: &str, p: &[Vec<String>]) -> Result<G2Affine, Groth16Error> {
    shape(what, 3, p.len())?;
    for (i, row) in p.iter().enumerate() {
        shape(&format!("{what}[{i}]"), 2, row.len())?;
    }
    let is = |row: &Vec<String>, a: &str, b: &str| row[0] == a && row[1] == b;
    if is(&p[2], "0", "0") && is(&p[0], "0", "0") && is(&p[1], "1", "0") {
        return Ok(G2Affine::identity());
    }
    if !is(&p[2], "1", "0") {
        return Err(Groth16Error::NotAffine {
            what: what.to_string(),
            found: format!("{:?}", p[2]).chars().take(100).collect(),
        });
    }
    let q = modulus_of::<Fq>();
    let coordinate = |row: &Vec<String>, name: &str| -> Result<Fq2, Groth16Error> {
        Ok(Fq2::new(
            fq(&format!("{what}.{name}.c0"), &row[0], &q)?,
            fq(&format!("{what}.{name}.c1"), &row[1], &q)?,
        ))
    };
    let point = G2Affine::new_unchecked(coordinate(&p[0], "x")?, coordinate(&p[1], "y")?);
    if !point.is_on_curve() {
        return Err(Groth16Error::NotOnCurve {
            what: what.to_string(),
        });
    }
    if !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err(Groth16Error::NotInSubgroup {
            what: what.to_string(),
        });
    }
    Ok(point)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::One;

    #[test]
    fn g2_point_outside_the_subgroup_is_refused() {
        // Points of the twist with x = c0 + i: the first one found is outside the r-torsion
        // (the cofactor is large), which arkworks' checked parsing must catch.
        let point = (1u64..)
            .filter_map(|c0| {
                G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(c0), Fq::one()), true)
            })
            .find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
            .unwrap_or_default();
        assert!(point.is_on_curve() && !point.is_zero());
        let err = g2("pi_b", &g2_strings(&point)).unwrap_err();
        assert!(matches!(err, Groth16Error::NotInSubgroup { .. }), "{err}");
        // Its G1 counterpart: identity and a valid point round-trip through the strings.
        assert_eq!(
            g1("x", &g1_strings(&G1Affine::identity())),
            Ok(G1Affine::identity())
        );
        let g = G1Affine::generator();
        assert_eq!(g1("x", &g1_strings(&g)), Ok(g));
    }
}
