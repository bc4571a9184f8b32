//! The census circuits whose proofs a Vochain accepted, and the keys trusted to check them.
//!
//! Vocdoni's two verifying keys ship inside the binary, each pinned by the sha256 the node pins
//! (vocdoni-node:crypto/zk/circuit/config.go): a key whose bytes do not hash to its pin is an
//! error at load, never a silent substitute. Which one was in force depends on the chain and
//! the height (config/forks.go, `VoceremonyForkBlock`; vochain/app.go `SetZkCircuit`): below
//! the fork height v0.0.1, from it on v1.0.0; chains without a fork always used v1.0.0.
//!
//! Extra keys (`--zk-key`, for development networks and the simulator's test circuit) are
//! trusted only because the user named them, and the registry says so ([`CircuitKey::is_vocdoni`]).
//! A key served by a node is never added here by itself: its hash is evidence to compare
//! ([`CircuitRegistry::find_by_sha256`]).

use super::groth16::{Groth16Error, VerifyingKey};
use crate::protocol::hash::Hash32;
use thiserror::Error;

/// The production census circuit (Vocdoni's zk-census trusted-setup ceremony, "Voceremony").
pub const V1_0_0: &str = "v1.0.0";
/// The "dev" circuit used before the Voceremony fork.
pub const V0_0_1: &str = "v0.0.1";

/// `vKeyHash` of v1.0.0 (`census_verification_key.json` of vocdoni/zk-voceremony).
pub const V1_0_0_SHA256: &str = "2a47ff7e511926290fedfa406886944eeb0a3df9021ca26333c0c124c89aa7b0";
/// The v0.0.1 `VerificationKeyHash` (zk-franchise-proof-circuit `artifacts/zkCensus/dev/160`).
pub const V0_0_1_SHA256: &str = "235e55571812f8e324e73e37e53829db0c4ac8f68469b9b953876127c97b425f";

const V1_0_0_KEY: &[u8] = include_bytes!("keys/v1.0.0-census_verification_key.json");
const V0_0_1_KEY: &[u8] = include_bytes!("keys/v0.0.1-verification_key.json");

/// The Voceremony fork per chain id: votes below this height were checked with v0.0.1
/// (vocdoni-node config/forks.go, final values before its removal in `0696d741`).
pub const VOCEREMONY_FORKS: [(&str, u64); 3] = [
    ("vocdoni/DEV/29", 217_200),
    ("vocdoni/STAGE/9", 250_000),
    ("vocdoni/LTS/1.2", 400_200),
];

/// The order of the census circuit's 8 public signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignalLayout {
    /// v1.0.0: `electionId[2], nullifier, availableWeight, voteHash[2], sikRoot, censusRoot`;
    /// the weight counted is availableWeight (index 3), the full census weight.
    V1_0_0,
    /// v0.0.1: `electionId[2], nullifier, voteHash[2], sikRoot, censusRoot, voteWeight`; the
    /// weight counted is voteWeight (last).
    V0_0_1,
}

/// Where each public input sits in the signals of one layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalIndices {
    /// `electionId[0]`, `electionId[1]`: split(sha256(processId)).
    pub election_id: [usize; 2],
    /// The nullifier.
    pub nullifier: usize,
    /// The weight the node counts (v1.0.0 availableWeight, v0.0.1 voteWeight).
    pub weight: usize,
    /// `voteHash[0]`, `voteHash[1]`: split(sha256(votePackage)) (legacy: of the weight).
    pub vote_hash: [usize; 2],
    /// The SIK tree root, little-endian integer.
    pub sik_root: usize,
    /// The census root, little-endian integer.
    pub census_root: usize,
}

impl SignalLayout {
    /// Number of public signals (8 in both versions).
    pub const COUNT: usize = 8;

    /// The index of each signal.
    pub fn indices(self) -> SignalIndices {
        match self {
            SignalLayout::V1_0_0 => SignalIndices {
                election_id: [0, 1],
                nullifier: 2,
                weight: 3,
                vote_hash: [4, 5],
                sik_root: 6,
                census_root: 7,
            },
            SignalLayout::V0_0_1 => SignalIndices {
                election_id: [0, 1],
                nullifier: 2,
                vote_hash: [3, 4],
                sik_root: 5,
                census_root: 6,
                weight: 7,
            },
        }
    }

    /// The signal names in order, as the circuit declares them.
    pub fn names(self) -> [&'static str; 8] {
        match self {
            SignalLayout::V1_0_0 => [
                "electionId[0]",
                "electionId[1]",
                "nullifier",
                "availableWeight",
                "voteHash[0]",
                "voteHash[1]",
                "sikRoot",
                "censusRoot",
            ],
            SignalLayout::V0_0_1 => [
                "electionId[0]",
                "electionId[1]",
                "nullifier",
                "voteHash[0]",
                "voteHash[1]",
                "sikRoot",
                "censusRoot",
                "voteWeight",
            ],
        }
    }
}

/// Who vouches for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    /// One of Vocdoni's circuits, embedded and pinned (`v1.0.0` or `v0.0.1`).
    Vocdoni {
        /// The circuit version.
        version: &'static str,
    },
    /// A key the user trusted explicitly (`--zk-key FILE`), named by its label (the path).
    Trusted {
        /// What the user called it.
        label: String,
    },
}

/// A verifying key with its signal layout and origin.
#[derive(Debug, Clone)]
pub struct CircuitKey {
    origin: KeyOrigin,
    layout: SignalLayout,
    key: VerifyingKey,
}

impl CircuitKey {
    /// Who vouches for it.
    pub fn origin(&self) -> &KeyOrigin {
        &self.origin
    }

    /// True for Vocdoni's embedded keys; false for a key trusted with `--zk-key`, which a report
    /// must flag.
    pub fn is_vocdoni(&self) -> bool {
        matches!(self.origin, KeyOrigin::Vocdoni { .. })
    }

    /// A name for reports: the version (`v1.0.0`) or `trusted key <label>`.
    pub fn name(&self) -> String {
        match &self.origin {
            KeyOrigin::Vocdoni { version } => format!("Vocdoni census circuit {version}"),
            KeyOrigin::Trusted { label } => format!("trusted key {label}"),
        }
    }

    /// The order of its public signals.
    pub fn layout(&self) -> SignalLayout {
        self.layout
    }

    /// The verifying key.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// sha256 of the key's JSON bytes.
    pub fn sha256(&self) -> Hash32 {
        self.key.sha256()
    }
}

/// Why a key could not be loaded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RegistryError {
    /// An embedded key whose bytes do not hash to its pin.
    #[error("verifying key {version}: sha256 {found}, pinned {expected}")]
    HashMismatch {
        /// The circuit version.
        version: &'static str,
        /// The pin, hex.
        expected: String,
        /// The hash of the bytes, hex.
        found: String,
    },
    /// A key that does not parse as a snarkjs BN254 Groth16 key.
    #[error("verifying key {label}: {source}")]
    Key {
        /// Which key.
        label: String,
        /// Why.
        source: Groth16Error,
    },
    /// A key whose number of public inputs is not the census circuit's 8.
    #[error("verifying key {label}: {n_public} public inputs, the census circuit has 8")]
    NotCensusCircuit {
        /// Which key.
        label: String,
        /// `nPublic`.
        n_public: usize,
    },
}

/// Loads a key and checks it against its pin.
pub fn load_pinned(
    version: &'static str,
    bytes: &[u8],
    pin_hex: &str,
    layout: SignalLayout,
) -> Result<CircuitKey, RegistryError> {
    let found = hex::encode(crate::protocol::hash::sha256(&[bytes]));
    if found != pin_hex {
        return Err(RegistryError::HashMismatch {
            version,
            expected: pin_hex.to_string(),
            found,
        });
    }
    let key = parse_census_key(version, bytes)?;
    Ok(CircuitKey {
        origin: KeyOrigin::Vocdoni { version },
        layout,
        key,
    })
}

fn parse_census_key(label: &str, bytes: &[u8]) -> Result<VerifyingKey, RegistryError> {
    let key = VerifyingKey::from_snarkjs_json(bytes).map_err(|source| RegistryError::Key {
        label: label.to_string(),
        source,
    })?;
    if key.n_public() != SignalLayout::COUNT {
        return Err(RegistryError::NotCensusCircuit {
            label: label.to_string(),
            n_public: key.n_public(),
        });
    }
    Ok(key)
}

/// Vocdoni's circuits plus any key the user trusted.
#[derive(Debug, Clone)]
pub struct CircuitRegistry {
    v1_0_0: CircuitKey,
    v0_0_1: CircuitKey,
    trusted: Vec<CircuitKey>,
}

impl CircuitRegistry {
    /// Vocdoni's two embedded keys, each checked against its pin.
    pub fn vocdoni() -> Result<Self, RegistryError> {
        Ok(CircuitRegistry {
            v1_0_0: load_pinned(V1_0_0, V1_0_0_KEY, V1_0_0_SHA256, SignalLayout::V1_0_0)?,
            v0_0_1: load_pinned(V0_0_1, V0_0_1_KEY, V0_0_1_SHA256, SignalLayout::V0_0_1)?,
            trusted: Vec::new(),
        })
    }

    /// Trusts an extra snarkjs `verification_key.json` (the bytes of `--zk-key FILE`, `label`
    /// its path) whose signals follow `layout` (the simulator's test circuit: v1.0.0's).
    /// A file identical to one of Vocdoni's keys is that key, not an extra one.
    pub fn add_trusted_key(
        &mut self,
        label: &str,
        bytes: &[u8],
        layout: SignalLayout,
    ) -> Result<&CircuitKey, RegistryError> {
        let key = parse_census_key(label, bytes)?;
        if let Some(i) = self.position_by_sha256(&key.sha256()) {
            return Ok(self.by_position(i));
        }
        self.trusted.push(CircuitKey {
            origin: KeyOrigin::Trusted {
                label: label.to_string(),
            },
            layout,
            key,
        });
        Ok(self.by_position(self.trusted.len() + 1))
    }

    /// Vocdoni's key in force on `chain_id` at `height`: v0.0.1 below the chain's Voceremony
    /// fork, v1.0.0 from it on and on every chain without a fork.
    pub fn vocdoni_key_at(&self, chain_id: &str, height: u64) -> &CircuitKey {
        let before_fork = VOCEREMONY_FORKS
            .iter()
            .any(|&(chain, fork)| chain == chain_id && height < fork);
        if before_fork {
            &self.v0_0_1
        } else {
            &self.v1_0_0
        }
    }

    /// The keys a vote at `height` may be checked with, in the order to try them: Vocdoni's key
    /// in force, then every trusted key in the order given.
    pub fn keys_at(&self, chain_id: &str, height: u64) -> Vec<&CircuitKey> {
        let mut keys = vec![self.vocdoni_key_at(chain_id, height)];
        keys.extend(self.trusted.iter());
        keys
    }

    /// Every key: v1.0.0, v0.0.1, then the trusted ones.
    pub fn keys(&self) -> impl Iterator<Item = &CircuitKey> {
        [&self.v1_0_0, &self.v0_0_1]
            .into_iter()
            .chain(self.trusted.iter())
    }

    /// The key whose JSON hashes to `sha256` (e.g. a node's `vKeyHash`), if any.
    pub fn find_by_sha256(&self, sha256: &Hash32) -> Option<&CircuitKey> {
        self.position_by_sha256(sha256).map(|i| self.by_position(i))
    }

    fn position_by_sha256(&self, sha256: &Hash32) -> Option<usize> {
        self.keys().position(|k| k.sha256() == *sha256)
    }

    /// Key `i` in [`Self::keys`] order.
    fn by_position(&self, i: usize) -> &CircuitKey {
        match i {
            0 => &self.v1_0_0,
            1 => &self.v0_0_1,
            n => self.trusted.get(n - 2).unwrap_or(&self.v1_0_0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fork_table_picks_the_circuit() {
        let registry = CircuitRegistry::vocdoni().unwrap();
        let version =
            |chain: &str, height: u64| match registry.vocdoni_key_at(chain, height).origin() {
                KeyOrigin::Vocdoni { version } => *version,
                KeyOrigin::Trusted { .. } => "trusted",
            };
        assert_eq!(version("vocdoni/LTS/1.2", 400_199), V0_0_1);
        assert_eq!(version("vocdoni/LTS/1.2", 400_200), V1_0_0);
        assert_eq!(version("vocdoni/STAGE/9", 249_999), V0_0_1);
        assert_eq!(version("vocdoni/STAGE/9", 250_000), V1_0_0);
        assert_eq!(version("vocdoni/DEV/29", 0), V0_0_1);
        assert_eq!(version("vocdoni/DEV/29", 217_200), V1_0_0);
        assert_eq!(version("vocdoni/LTS/1.3", 0), V1_0_0, "no fork: v1.0.0");
    }

    #[test]
    fn pinned_hash_mismatch_is_an_error() {
        let mut bytes = V1_0_0_KEY.to_vec();
        bytes.push(b'\n');
        assert!(matches!(
            load_pinned(V1_0_0, &bytes, V1_0_0_SHA256, SignalLayout::V1_0_0),
            Err(RegistryError::HashMismatch {
                version: V1_0_0,
                ..
            })
        ));
    }

    #[test]
    fn trusted_keys_are_flagged_and_tried_after_vocdoni() {
        let mut registry = CircuitRegistry::vocdoni().unwrap();
        // The v0.0.1 key's bytes given again are Vocdoni's, not an extra key.
        let same = registry
            .add_trusted_key("dev.json", V0_0_1_KEY, SignalLayout::V1_0_0)
            .unwrap();
        assert!(same.is_vocdoni());
        assert_eq!(registry.keys().count(), 2);
        // The same key reformatted is another file: trusted, flagged, named by its label.
        let mut other = V0_0_1_KEY.to_vec();
        other.extend_from_slice(b"\n\n");
        let trusted = registry
            .add_trusted_key("dev.json", &other, SignalLayout::V1_0_0)
            .unwrap();
        assert!(!trusted.is_vocdoni());
        assert_eq!(trusted.name(), "trusted key dev.json");
        let keys = registry.keys_at("vocdoni/LTS/1.3", 10);
        assert_eq!(keys.len(), 2);
        assert!(keys[0].is_vocdoni() && !keys[1].is_vocdoni());
        assert_eq!(
            registry
                .find_by_sha256(&keys[1].sha256())
                .map(CircuitKey::name),
            Some("trusted key dev.json".to_string())
        );
        assert!(matches!(
            registry.add_trusted_key("bad.json", b"{}", SignalLayout::V1_0_0),
            Err(RegistryError::Key { .. })
        ));
    }
}
