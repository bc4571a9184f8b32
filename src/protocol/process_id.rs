//! The 32-byte election id (processId) and what it encodes. Mirrors
//! `vocdoni/vocdoni-node:vochain/processid/process_id.go` (`Marshal`, `Unmarshal`,
//! `SetEnvelopeType`).
//!
//! Layout: `keccak256(chainID)[0..6] ‖ organization[6..26] ‖ censusOrigin[26] ‖ envelopeType[27] ‖
//! nonce[28..32] (u32 big-endian, the organisation's process index)`.

use thiserror::Error;

use crate::protocol::hash::{keccak256, Address, Hash32};

/// `types.ProcessesContractMaxEnvelopeType`: the highest envelope byte `Unmarshal` accepts.
pub const MAX_ENVELOPE_TYPE: u8 = 31;

/// A process id the node's `Unmarshal` would refuse.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ProcessIdError {
    /// Not 32 bytes.
    #[error("process id is {len} bytes, expected 32")]
    WrongLength {
        /// Length of the input.
        len: usize,
    },
    /// Byte 26 is 0 (`CENSUS_UNKNOWN`): "census origin is invalid".
    #[error("process id census origin (byte 26) is 0, which the node rejects")]
    UnknownCensusOrigin,
    /// Byte 27 is above 31: "overflow on envelope type".
    #[error("process id envelope type (byte 27) is {0}, above the maximum {MAX_ENVELOPE_TYPE}")]
    EnvelopeTypeOverflow(u8),
}

/// The envelope byte of a process id: the vote mode flags packed as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EnvelopeType(pub u8);

impl EnvelopeType {
    /// Bit 0x01: `serial`.
    pub const SERIAL: u8 = 0x01;
    /// Bit 0x02: `anonymous`.
    pub const ANONYMOUS: u8 = 0x02;
    /// Bit 0x04: `encryptedVotes`.
    pub const ENCRYPTED_VOTES: u8 = 0x04;
    /// Bit 0x08: `uniqueValues`.
    pub const UNIQUE_VALUES: u8 = 0x08;
    /// Bit 0x10: `costFromWeight`.
    pub const COST_FROM_WEIGHT: u8 = 0x10;

    /// Packs the five vote-mode flags (as `SetEnvelopeType` does).
    pub fn from_flags(
        serial: bool,
        anonymous: bool,
        encrypted_votes: bool,
        unique_values: bool,
        cost_from_weight: bool,
    ) -> Self {
        let bit = |on: bool, b: u8| if on { b } else { 0 };
        Self(
            bit(serial, Self::SERIAL)
                | bit(anonymous, Self::ANONYMOUS)
                | bit(encrypted_votes, Self::ENCRYPTED_VOTES)
                | bit(unique_values, Self::UNIQUE_VALUES)
                | bit(cost_from_weight, Self::COST_FROM_WEIGHT),
        )
    }

    /// `serial` flag.
    pub fn serial(self) -> bool {
        self.0 & Self::SERIAL != 0
    }
    /// `anonymous` flag.
    pub fn anonymous(self) -> bool {
        self.0 & Self::ANONYMOUS != 0
    }
    /// `encryptedVotes` flag.
    pub fn encrypted_votes(self) -> bool {
        self.0 & Self::ENCRYPTED_VOTES != 0
    }
    /// `uniqueValues` flag.
    pub fn unique_values(self) -> bool {
        self.0 & Self::UNIQUE_VALUES != 0
    }
    /// `costFromWeight` flag.
    pub fn cost_from_weight(self) -> bool {
        self.0 & Self::COST_FROM_WEIGHT != 0
    }
}

/// `keccak256(chain_id)[..6]`, the first six bytes of every process id created on that chain
/// (e.g. `vocdoni/LTS/1.2` → `6b342d99f218`).
pub fn chain_prefix(chain_id: &str) -> [u8; 6] {
    let hash = keccak256(&[chain_id.as_bytes()]);
    let mut prefix = [0u8; 6];
    prefix.copy_from_slice(&hash[..6]);
    prefix
}

/// The fields of a process id, byte for byte (see the module documentation for the layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessId {
    /// Bytes 0..6: `keccak256(chainID)[..6]` of the chain the election was created on.
    pub chain_prefix: [u8; 6],
    /// Bytes 6..26: the organisation (creator) address.
    pub organization: Address,
    /// Byte 26: the `CensusOrigin` enum value (3 = `OFF_CHAIN_CA`, 4 = `OFF_CHAIN_CA_V2`, …).
    pub census_origin: u8,
    /// Byte 27: the vote-mode flags.
    pub envelope_type: EnvelopeType,
    /// Bytes 28..32: the organisation's process index, big-endian.
    pub nonce: u32,
}

impl ProcessId {
    /// Builds the id `ProcessID.Marshal` produces for these inputs.
    pub fn new(
        chain_id: &str,
        organization: Address,
        census_origin: u8,
        envelope_type: EnvelopeType,
        nonce: u32,
    ) -> Self {
        Self {
            chain_prefix: chain_prefix(chain_id),
            organization,
            census_origin,
            envelope_type,
            nonce,
        }
    }

    /// Splits 32 bytes into their fields. Purely structural: every 32-byte value decodes; see
    /// [`ProcessId::validate`] for what the node additionally refuses.
    pub fn decode(bytes: &Hash32) -> Self {
        let mut chain_prefix = [0u8; 6];
        chain_prefix.copy_from_slice(&bytes[..6]);
        let mut organization = [0u8; 20];
        organization.copy_from_slice(&bytes[6..26]);
        let mut nonce = [0u8; 4];
        nonce.copy_from_slice(&bytes[28..]);
        Self {
            chain_prefix,
            organization,
            census_origin: bytes[26],
            envelope_type: EnvelopeType(bytes[27]),
            nonce: u32::from_be_bytes(nonce),
        }
    }

    /// Decodes a byte slice, which must be exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ProcessIdError> {
        let array: &Hash32 = bytes
            .try_into()
            .map_err(|_| ProcessIdError::WrongLength { len: bytes.len() })?;
        Ok(Self::decode(array))
    }

    /// The node's `Unmarshal` checks: census origin non-zero, envelope byte at most 31.
    pub fn validate(&self) -> Result<(), ProcessIdError> {
        if self.census_origin == 0 {
            return Err(ProcessIdError::UnknownCensusOrigin);
        }
        if self.envelope_type.0 > MAX_ENVELOPE_TYPE {
            return Err(ProcessIdError::EnvelopeTypeOverflow(self.envelope_type.0));
        }
        Ok(())
    }

    /// The 32 bytes of this id.
    pub fn encode(&self) -> Hash32 {
        let mut out = [0u8; 32];
        out[..6].copy_from_slice(&self.chain_prefix);
        out[6..26].copy_from_slice(&self.organization);
        out[26] = self.census_origin;
        out[27] = self.envelope_type.0;
        out[28..].copy_from_slice(&self.nonce.to_be_bytes());
        out
    }

    /// Whether this id carries the prefix of `chain_id`. An election keeps the prefix of the
    /// chain id in force when it was created, so a mismatch after a chain-id upgrade is expected.
    pub fn is_from_chain(&self, chain_id: &str) -> bool {
        self.chain_prefix == chain_prefix(chain_id)
    }
}
