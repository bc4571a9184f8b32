//! CSP (credential service provider) census proofs: `ProofCA` signatures over the protobuf-encoded
//! `CAbundle`, checked against the census root (the CSP's secp256k1 key), and a signer for the
//! simulator. Mirrors `vocdoni/vocdoni-node:vochain/transaction/proofs/cspproof/cspproof.go`,
//! `crypto/saltedkey/saltedkey.go` (legacy and `OFF_CHAIN_CA_V2` salts) and the blind scheme of
//! `arnaucube/go-blindsecp256k1:blindsecp256k1.go` (`Verify`).
//!
//! What this module does **not** check (the caller holds the decoded bundle): that the bundle's
//! address is the transaction signer's and its processId the envelope's. Both are conditions the
//! node checks before the signature.

use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::sec1::{EncodedPoint, FromEncodedPoint};
use k256::elliptic_curve::{Field, PrimeField};
use k256::{AffinePoint, ProjectivePoint, PublicKey, Scalar, Secp256k1, U256};
use rand::{CryptoRng, RngCore};
use thiserror::Error;

use crate::protocol::hash::{keccak256, Hash32};
use crate::protocol::identity::{
    self, compressed, parse_public_key, PublicKeyError, SignatureError,
};

/// `CensusOrigin.OFF_CHAIN_CA`.
pub const OFF_CHAIN_CA: u8 = 3;
/// `CensusOrigin.OFF_CHAIN_CA_V2` (vocdoni-node PR #1434).
pub const OFF_CHAIN_CA_V2: u8 = 4;

/// Length of a blind signature: `S[32 LE] ‖ F.x[32 LE] ‖ F.y[32 LE]`.
pub const BLIND_SIGNATURE_LEN: usize = 96;

/// Number of salt bytes the salting uses (`saltedkey.SaltSize`).
pub const SALT_LEN: usize = 20;

/// secp256k1 field prime, big-endian.
const FIELD_PRIME: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xfc, 0x2f,
];

/// `ProofCA.Type`: how the CSP signed the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaProofType {
    /// 1: Ethereum signature by the census-root key.
    Ecdsa,
    /// 2: Ethereum signature by the census-root key salted for the election.
    EcdsaPidSalted,
    /// 3: blind signature by the census-root key.
    EcdsaBlind,
    /// 4: blind signature by the salted key.
    EcdsaBlindPidSalted,
}

impl CaProofType {
    /// From the protobuf enum value; `None` for `UNKNOWN` (0) and anything unassigned.
    pub fn from_proto(value: i32) -> Option<Self> {
        match value {
            1 => Some(Self::Ecdsa),
            2 => Some(Self::EcdsaPidSalted),
            3 => Some(Self::EcdsaBlind),
            4 => Some(Self::EcdsaBlindPidSalted),
            _ => None,
        }
    }

    /// The protobuf enum value.
    pub fn to_proto(self) -> i32 {
        match self {
            Self::Ecdsa => 1,
            Self::EcdsaPidSalted => 2,
            Self::EcdsaBlind => 3,
            Self::EcdsaBlindPidSalted => 4,
        }
    }

    fn is_salted(self) -> bool {
        matches!(self, Self::EcdsaPidSalted | Self::EcdsaBlindPidSalted)
    }
}

/// How the salt of the salted proof types is derived, fixed by the election's census origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaltRule {
    /// `OFF_CHAIN_CA`: salt = `processId[..20]` = `chainPrefix[6] ‖ organization[..14]`.
    ///
    /// **Weakness (vocdoni-node#1424):** the nonce is not in the salt, so every election of one
    /// organisation on one chain has the same salted key, and a CSP signature made for one of them
    /// verifies for all of them (see [`legacy_salt_shared`]). The weight is not bound either.
    LegacyProcessId,
    /// `OFF_CHAIN_CA_V2`: salt = `keccak256(processId ‖ weight as 32-byte big-endian)[..20]`, with
    /// weight = `bundle.voteWeight` (big-endian) or 1 when absent, refused if `>= 2^160`.
    ProcessIdAndWeight,
}

impl SaltRule {
    /// The rule of a CSP census origin; `None` for any other origin.
    pub fn for_census_origin(census_origin: u8) -> Option<Self> {
        match census_origin {
            OFF_CHAIN_CA => Some(Self::LegacyProcessId),
            OFF_CHAIN_CA_V2 => Some(Self::ProcessIdAndWeight),
            _ => None,
        }
    }
}

/// Whether two `OFF_CHAIN_CA` elections share one salted CSP key (same chain prefix and the same
/// first 14 organisation bytes, i.e. the same `processId[..20]`). When true, a salted CSP
/// signature for one also verifies for the other; a verifier should warn about it.
pub fn legacy_salt_shared(process_id: &Hash32, other: &Hash32) -> bool {
    process_id[..SALT_LEN] == other[..SALT_LEN]
}

/// The 20 salt bytes for `rule` (`saltedkey.Salt` for V2, the raw process id for legacy).
/// Fails only for a V2 weight of 2^160 or more.
pub fn salt(
    rule: SaltRule,
    process_id: &Hash32,
    vote_weight: Option<&[u8]>,
) -> Result<[u8; SALT_LEN], CspInvalid> {
    let mut out = [0u8; SALT_LEN];
    match rule {
        SaltRule::LegacyProcessId => out.copy_from_slice(&process_id[..SALT_LEN]),
        SaltRule::ProcessIdAndWeight => {
            let mut weight = [0u8; 32];
            match vote_weight {
                // Go: big.NewInt(1) when the optional field is absent; SetBytes(empty) = 0.
                None => weight[31] = 1,
                Some(bytes) => {
                    let significant = bytes
                        .iter()
                        .position(|&b| b != 0)
                        .map_or(&[][..], |first| &bytes[first..]);
                    if significant.len() > SALT_LEN {
                        return Err(CspInvalid::WeightTooLarge);
                    }
                    weight[32 - significant.len()..].copy_from_slice(significant);
                }
            }
            out.copy_from_slice(&keccak256(&[process_id, &weight])[..SALT_LEN]);
        }
    }
    Ok(out)
}

/// A `ProofCA` as carried by a vote envelope.
#[derive(Debug, Clone, Copy)]
pub struct CaProof<'a> {
    /// `ProofCA.type` as the raw protobuf enum value.
    pub proof_type: i32,
    /// `proto.Marshal(bundle)` as the node re-encodes it (fields 1, 2, 3 in order, `voteWeight`
    /// only when present): the exact bytes the CSP signed.
    pub bundle_bytes: &'a [u8],
    /// `CAbundle.voteWeight` (`None` when the optional field is absent), needed for the V2 salt.
    pub bundle_vote_weight: Option<&'a [u8]>,
    /// `ProofCA.signature`.
    pub signature: &'a [u8],
}

/// The verdict on one CSP proof. There is no silent pass: anything this module cannot reproduce
/// exactly is `NotVerifiable`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CspOutcome {
    /// The node's check passes.
    Valid,
    /// The node's check fails: the node would have refused this vote.
    Invalid(CspInvalid),
    /// The node's behaviour on this input cannot be reproduced exactly (degenerate arithmetic
    /// whose result depends on go-ethereum internals, or not a CSP election).
    NotVerifiable(CspUnverifiable),
}

/// Why the node refuses a CSP proof.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CspInvalid {
    /// `ProofCA.type` is UNKNOWN or unassigned ("CSP proof … type not supported").
    #[error("ProofCA type {0} is not supported")]
    UnsupportedProofType(i32),
    /// The 65-byte signature cannot be parsed or recovered.
    #[error("CSP signature: {0}")]
    Signature(SignatureError),
    /// The census root is not a secp256k1 public key.
    #[error("census root is not a CSP public key: {0}")]
    CensusRoot(PublicKeyError),
    /// The V2 salt refuses weights of 2^160 or more.
    #[error("bundle voteWeight is 2^160 or more, which the V2 salt refuses")]
    WeightTooLarge,
    /// The signature is valid but by another key than the (salted) census root.
    #[error("CSP signature is by key {recovered}, expected {expected}")]
    KeyMismatch {
        /// The key the node compares against (hex, compressed or uncompressed as the node does).
        expected: String,
        /// The key recovered from the signature (hex, same form).
        recovered: String,
    },
    /// A blind signature is not 96 bytes.
    #[error("blind CSP signature is {0} bytes, expected {BLIND_SIGNATURE_LEN}")]
    BlindSignatureLength(usize),
    /// The blind signature's point F is not on the curve.
    #[error("blind CSP signature point F is not on secp256k1")]
    BlindPointNotOnCurve,
    /// `S·G ≠ F + (F.x mod n)·h·Q`.
    #[error("blind CSP signature does not verify against the census root")]
    BlindEquation,
}

/// Why a CSP proof cannot be judged.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CspUnverifiable {
    /// The election's census origin is not `OFF_CHAIN_CA` or `OFF_CHAIN_CA_V2`.
    #[error("census origin {0} is not a CSP origin")]
    NotACspOrigin(u8),
    /// Salt scalar 0, or the census root is ±salt·G: go-ethereum's affine arithmetic on the
    /// point at infinity or a doubling is not reproduced.
    #[error("salting the census root is degenerate (zero salt or root = ±salt·G)")]
    DegenerateSalt,
    /// Blind S is 0 or not below the curve order (go-ethereum's scalar multiplication refuses it).
    #[error("blind signature S is zero or not below the curve order")]
    BlindScalarOutOfRange,
    /// A coordinate of F is not below the field prime (go-blindsecp256k1 reads it unreduced).
    #[error("blind signature point F has a coordinate not below the field prime")]
    BlindCoordinateOutOfRange,
    /// `(F.x mod n)·h ≡ 0` or `F = ±(F.x mod n)·h·Q`: degenerate arithmetic.
    #[error("blind signature verification equation is degenerate")]
    BlindDegenerate,
}

/// Verifies `proof` as the node does for an election with this `census_root` (the CSP key,
/// 33-byte compressed; 65-byte uncompressed also parses), `process_id` (the envelope's, the salt
/// source) and `census_origin` (selects the salt rule).
///
/// - `ECDSA`: the compressed key recovered from the EIP-191 signature of `bundle_bytes` must equal
///   the census root bytes.
/// - `ECDSA_PIDSALTED`: the recovered key must equal `Q' = Q + s·G`, s = the 20 salt bytes as a
///   big-endian integer.
/// - `ECDSA_BLIND` / `ECDSA_BLIND_PIDSALTED`: `S·G == F + ((F.x mod n)·h·Q)` with
///   `m = keccak256(bundle_bytes)`, `h = keccak256(minimal big-endian bytes of m)`, Q or Q'.
pub fn verify_ca_proof(
    proof: &CaProof<'_>,
    census_root: &[u8],
    process_id: &Hash32,
    census_origin: u8,
) -> CspOutcome {
    match check(proof, census_root, process_id, census_origin) {
        Ok(()) => CspOutcome::Valid,
        Err(Verdict::Invalid(reason)) => CspOutcome::Invalid(reason),
        Err(Verdict::NotVerifiable(reason)) => CspOutcome::NotVerifiable(reason),
    }
}

/// Internal short-circuit carrier for the two non-valid outcomes.
enum Verdict {
    Invalid(CspInvalid),
    NotVerifiable(CspUnverifiable),
}

impl From<CspInvalid> for Verdict {
    fn from(reason: CspInvalid) -> Self {
        Self::Invalid(reason)
    }
}

impl From<CspUnverifiable> for Verdict {
    fn from(reason: CspUnverifiable) -> Self {
        Self::NotVerifiable(reason)
    }
}

fn check(
    proof: &CaProof<'_>,
    census_root: &[u8],
    process_id: &Hash32,
    census_origin: u8,
) -> Result<(), Verdict> {
    let rule = SaltRule::for_census_origin(census_origin)
        .ok_or(CspUnverifiable::NotACspOrigin(census_origin))?;
    let proof_type = CaProofType::from_proto(proof.proof_type)
        .ok_or(CspInvalid::UnsupportedProofType(proof.proof_type))?;
    match proof_type {
        CaProofType::Ecdsa => {
            let recovered = identity::recover_eip191(proof.bundle_bytes, proof.signature)
                .map_err(CspInvalid::Signature)?;
            // The node compares the compressed recovered key with the root bytes as stored.
            let recovered = compressed(&recovered);
            if recovered[..] != *census_root {
                return Err(CspInvalid::KeyMismatch {
                    expected: hex::encode(census_root),
                    recovered: hex::encode(recovered),
                }
                .into());
            }
            Ok(())
        }
        CaProofType::EcdsaPidSalted => {
            let recovered = identity::recover_eip191(proof.bundle_bytes, proof.signature)
                .map_err(CspInvalid::Signature)?;
            let root = parse_public_key(census_root).map_err(CspInvalid::CensusRoot)?;
            let salt = salt(rule, process_id, proof.bundle_vote_weight)?;
            let expected = salted_point(root.to_projective(), &salt)?;
            if recovered.to_projective() != expected {
                let expected = PublicKey::from_affine(expected.to_affine())
                    .map(|key| hex::encode(identity::uncompressed(&key)))
                    .unwrap_or_default();
                return Err(CspInvalid::KeyMismatch {
                    expected,
                    recovered: hex::encode(identity::uncompressed(&recovered)),
                }
                .into());
            }
            Ok(())
        }
        CaProofType::EcdsaBlind | CaProofType::EcdsaBlindPidSalted => {
            let root = parse_public_key(census_root).map_err(CspInvalid::CensusRoot)?;
            let signature = BlindSignature::parse(proof.signature)?;
            let mut key = root.to_projective();
            if proof_type.is_salted() {
                key = salted_point(key, &salt(rule, process_id, proof.bundle_vote_weight)?)?;
            }
            signature.verify(proof.bundle_bytes, key)
        }
    }
}

/// The salt as a scalar: the 20 bytes read big-endian (always below the curve order).
fn salt_scalar(salt: &[u8; SALT_LEN]) -> Scalar {
    let mut repr = [0u8; 32];
    repr[32 - SALT_LEN..].copy_from_slice(salt);
    <Scalar as Reduce<U256>>::reduce_bytes(&repr.into())
}

/// `Q + s·G` (`SaltECDSAPubKey`, `SaltBlindPubKey`), refusing the cases go-ethereum's affine
/// addition handles in ways not reproduced here.
fn salted_point(
    root: ProjectivePoint,
    salt: &[u8; SALT_LEN],
) -> Result<ProjectivePoint, CspUnverifiable> {
    let s = salt_scalar(salt);
    let s_g = ProjectivePoint::GENERATOR * s;
    if bool::from(s.is_zero()) || root == s_g || root == -s_g {
        return Err(CspUnverifiable::DegenerateSalt);
    }
    Ok(root + s_g)
}

/// A go-blindsecp256k1 signature `(S, F)` read from its 96-byte little-endian form.
struct BlindSignature {
    s: Scalar,
    f: ProjectivePoint,
    f_x: [u8; 32],
}

impl BlindSignature {
    fn parse(bytes: &[u8]) -> Result<Self, Verdict> {
        let bytes: &[u8; BLIND_SIGNATURE_LEN] = bytes
            .try_into()
            .map_err(|_| CspInvalid::BlindSignatureLength(bytes.len()))?;
        let be = |range: std::ops::Range<usize>| {
            let mut word = [0u8; 32];
            word.copy_from_slice(&bytes[range]);
            word.reverse();
            word
        };
        let (s, x, y) = (be(0..32), be(32..64), be(64..96));
        let s = Option::<Scalar>::from(Scalar::from_repr(s.into()))
            .filter(|s| !bool::from(s.is_zero()))
            .ok_or(CspUnverifiable::BlindScalarOutOfRange)?;
        if x >= FIELD_PRIME || y >= FIELD_PRIME {
            return Err(CspUnverifiable::BlindCoordinateOutOfRange.into());
        }
        let encoded =
            EncodedPoint::<Secp256k1>::from_affine_coordinates(&x.into(), &y.into(), false);
        let f = Option::<AffinePoint>::from(AffinePoint::from_encoded_point(&encoded))
            .ok_or(CspInvalid::BlindPointNotOnCurve)?;
        Ok(Self {
            s,
            f: f.into(),
            f_x: x,
        })
    }

    /// `S·G == F + ((F.x mod n)·h·Q)`.
    fn verify(&self, bundle_bytes: &[u8], key: ProjectivePoint) -> Result<(), Verdict> {
        let e = challenge(&self.f_x, bundle_bytes);
        if bool::from(e.is_zero()) {
            return Err(CspUnverifiable::BlindDegenerate.into());
        }
        let e_q = key * e;
        if self.f == e_q || self.f == -e_q {
            return Err(CspUnverifiable::BlindDegenerate.into());
        }
        if ProjectivePoint::GENERATOR * self.s == self.f + e_q {
            Ok(())
        } else {
            Err(CspInvalid::BlindEquation.into())
        }
    }
}

/// `(F.x mod n) · h mod n`, with `h = keccak256(m.Bytes())` and `m = keccak256(bundle)` as an
/// integer, so `m.Bytes()` drops leading zero bytes.
fn challenge(f_x: &[u8; 32], bundle_bytes: &[u8]) -> Scalar {
    let m = keccak256(&[bundle_bytes]);
    let minimal = m
        .iter()
        .position(|&b| b != 0)
        .map_or(&[][..], |first| &m[first..]);
    let h = keccak256(&[minimal]);
    let rx = <Scalar as Reduce<U256>>::reduce_bytes(&(*f_x).into());
    rx * <Scalar as Reduce<U256>>::reduce_bytes(&h.into())
}

/// Why the simulator's CSP signer could not sign.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CspSignError {
    /// The CSP private key is not a valid secp256k1 scalar.
    #[error("CSP private key is zero or not below the curve order")]
    InvalidKey,
    /// The salted private key `priv + s mod n` is zero.
    #[error("salted CSP private key is zero")]
    DegenerateSaltedKey,
    /// The V2 salt refuses weights of 2^160 or more.
    #[error("vote weight is 2^160 or more, which the V2 salt refuses")]
    WeightTooLarge,
    /// ECDSA signing failed.
    #[error("CSP signing failed: {0}")]
    Signing(SignatureError),
    /// The random source kept producing degenerate blind nonces.
    #[error("blind signing found no usable nonce")]
    BlindNonce,
}

/// A CSP signing key for the simulator: signs bundles the way `vocdoni/saas-backend:csp/sign.go`
/// does (salted private key `priv' = priv + s mod n`, `saltedkey.SaltECDSAPrivKey`), so that
/// [`verify_ca_proof`] accepts them.
pub struct CspSigner {
    secret: Scalar,
}

impl CspSigner {
    /// A signer from the CSP's 32-byte private key.
    pub fn new(secret: &[u8; 32]) -> Result<Self, CspSignError> {
        let secret = Option::<Scalar>::from(Scalar::from_repr((*secret).into()))
            .filter(|s| !bool::from(s.is_zero()))
            .ok_or(CspSignError::InvalidKey)?;
        Ok(Self { secret })
    }

    /// The census root of elections using this CSP: its compressed public key (33 bytes).
    pub fn census_root(&self) -> [u8; 33] {
        let point = (ProjectivePoint::GENERATOR * self.secret).to_affine();
        // A non-zero scalar never gives the identity, so this key always exists.
        let mut out = [0u8; 33];
        out[0] = if bool::from(point.y_is_odd()) {
            0x03
        } else {
            0x02
        };
        out[1..].copy_from_slice(&point.x());
        out
    }

    /// Signs `bundle_bytes` for `proof_type` in an election with `process_id` and salt `rule`:
    /// 65 bytes for the ECDSA types (deterministic, RFC 6979), 96 bytes for the blind types.
    ///
    /// Blind signatures are produced directly in their unblinded form: with a nonce t from `rng`,
    /// `F = t·G` and `S = t + (F.x mod n)·h·priv`. That is exactly what blinding, signing and
    /// unblinding yield (`F = a·R + b·G`, `S = a·ŝ + b`), without the voter/CSP round trip.
    pub fn sign<R: RngCore + CryptoRng>(
        &self,
        rng: &mut R,
        proof_type: CaProofType,
        rule: SaltRule,
        process_id: &Hash32,
        bundle_bytes: &[u8],
        vote_weight: Option<&[u8]>,
    ) -> Result<Vec<u8>, CspSignError> {
        let key = if proof_type.is_salted() {
            let salt =
                salt(rule, process_id, vote_weight).map_err(|_| CspSignError::WeightTooLarge)?;
            let salted = self.secret + salt_scalar(&salt);
            if bool::from(salted.is_zero()) {
                return Err(CspSignError::DegenerateSaltedKey);
            }
            salted
        } else {
            self.secret
        };
        match proof_type {
            CaProofType::Ecdsa | CaProofType::EcdsaPidSalted => {
                let signing =
                    identity::signing_key(&key.to_bytes().into()).map_err(CspSignError::Signing)?;
                identity::sign_eip191(&signing, bundle_bytes)
                    .map(|sig| sig.to_vec())
                    .map_err(CspSignError::Signing)
            }
            CaProofType::EcdsaBlind | CaProofType::EcdsaBlindPidSalted => {
                blind_sign(rng, key, bundle_bytes)
            }
        }
    }
}

/// A go-blindsecp256k1 signature by `key`, in the 96-byte little-endian form.
fn blind_sign<R: RngCore + CryptoRng>(
    rng: &mut R,
    key: Scalar,
    bundle_bytes: &[u8],
) -> Result<Vec<u8>, CspSignError> {
    // Degenerate nonces have probability ~2^-256; a few attempts bound a broken RNG.
    for _ in 0..8 {
        let t = Scalar::random(&mut *rng);
        if bool::from(t.is_zero()) {
            continue;
        }
        let f = (ProjectivePoint::GENERATOR * t).to_affine();
        let encoded = k256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&f, false);
        let (Some(x), Some(y)) = (encoded.x(), encoded.y()) else {
            continue;
        };
        let mut f_x = [0u8; 32];
        f_x.copy_from_slice(x);
        let e = challenge(&f_x, bundle_bytes);
        let s = t + e * key;
        if bool::from(e.is_zero()) || bool::from(s.is_zero()) {
            continue;
        }
        let mut out = Vec::with_capacity(BLIND_SIGNATURE_LEN);
        for word in [&s.to_bytes()[..], &x[..], &y[..]] {
            out.extend(word.iter().rev());
        }
        return Ok(out);
    }
    Err(CspSignError::BlindNonce)
}
