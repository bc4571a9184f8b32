//! Published census dumps and the census leaf rules: the `CensusDump` JSON of
//! vocdoni/vocdoni-node:api/censusdb/censusdb.go, its zstd framing (data/compressor), the binary
//! leaf records of tree/arbo/tree.go (`Dump` / `ImportDump`), and how censustree and the census
//! API turn an address and a weight into a leaf (api/censuses.go, censustree/censustree.go).
//!
//! Binary dump: records concatenated with no header,
//!
//! ```text
//! [ u8 len(k) ][ u16 LE len(v) ][ k ][ v ]
//! ```
//!
//! in path order when arbo writes it (any order is accepted on import). A weighted-census record
//! is `14 20 00` + 20-byte key + 32-byte value = 55 bytes.

use super::census_tree::CensusTree;
use super::tree::LeafSet;
use super::{ArboError, HashKind};
use crate::protocol::hash::{blake2b256, Hash32};
use crate::protocol::hex_bytes::{self, HexError};
use base64::Engine;
use num_bigint::BigUint;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::io::Read;
use thiserror::Error;

/// `censustree.DefaultMaxLevels`: depth of every census tree (Poseidon trees add one).
pub const DEFAULT_MAX_LEVELS: usize = 160;

/// Largest decompressed dump accepted (about 39 million weighted leaves), so that a hostile zstd
/// frame cannot exhaust memory.
pub const MAX_DUMP_BYTES: u64 = 2 << 30;

/// The first bytes of a zstd frame; dump data without them is taken as uncompressed (legacy).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// What went wrong reading or writing a census dump.
#[derive(Debug, Error)]
pub enum DumpError {
    /// The JSON document does not parse as a `CensusDump`.
    #[error("census dump JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A field Go requires (`importTreeCommon`: "missing dump or root parameters").
    #[error("census dump: missing field {field}")]
    MissingField {
        /// The JSON name.
        field: &'static str,
    },
    /// A hex field that does not decode.
    #[error("census dump: {0}")]
    Hex(#[from] HexError),
    /// `rootHash` is neither 32 bytes of hex nor (legacy) 32 bytes of base64.
    #[error("census dump: rootHash {value:?} is not 32 bytes of hex or base64")]
    RootHash {
        /// The string found.
        value: String,
    },
    /// `data` is not standard padded base64.
    #[error("census dump: data is not base64: {reason}")]
    Base64 {
        /// The decoder's message.
        reason: String,
    },
    /// `data` starts with the zstd magic but does not decompress.
    #[error("census dump: data is not a valid zstd frame: {reason}")]
    Zstd {
        /// The decoder's message.
        reason: String,
    },
    /// The decompressed data exceeds [`MAX_DUMP_BYTES`].
    #[error("census dump: decompressed data exceeds {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// A record is cut short.
    #[error(
        "census dump: record {record} at byte {offset} is truncated: its {part} needs {needed} \
         bytes, {available} left"
    )]
    Truncated {
        /// Index of the record (0-based).
        record: usize,
        /// Byte offset of the part that is cut.
        offset: usize,
        /// `header`, `key` or `value`.
        part: &'static str,
        /// Bytes that part needs.
        needed: usize,
        /// Bytes left in the data.
        available: usize,
    },
    /// A `type` other than `ARBO_BLAKE2B` (1) or `ARBO_POSEIDON` (2).
    #[error("census dump: census type {census_type} has no arbo tree")]
    UnknownCensusType {
        /// The integer found.
        census_type: i64,
    },
    /// A weight that does not fit the 32-byte leaf value.
    #[error("weight {weight} does not fit in 32 bytes")]
    WeightTooLarge {
        /// The weight, decimal.
        weight: String,
    },
    /// Building the tree from the records failed.
    #[error("census dump: {0}")]
    Arbo(#[from] ArboError),
}

/// One leaf record: (key, value), borrowed from the dump bytes.
pub type Record<'a> = (&'a [u8], &'a [u8]);

/// The two census types that are arbo trees (`models.Census_Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CensusTreeType {
    /// `ARBO_BLAKE2B` = 1, API name `weighted`: Blake2b tree, key = `blake2b256(address)[:20]`.
    Weighted,
    /// `ARBO_POSEIDON` = 2, API name `zkweighted`: Poseidon tree, key = the raw address.
    ZkWeighted,
}

impl CensusTreeType {
    /// From the `models.Census_Type` integer.
    pub fn from_census_type(census_type: i64) -> Result<Self, DumpError> {
        match census_type {
            1 => Ok(CensusTreeType::Weighted),
            2 => Ok(CensusTreeType::ZkWeighted),
            _ => Err(DumpError::UnknownCensusType { census_type }),
        }
    }

    /// The `models.Census_Type` integer.
    pub fn census_type(self) -> i64 {
        match self {
            CensusTreeType::Weighted => 1,
            CensusTreeType::ZkWeighted => 2,
        }
    }

    /// The tree's hash function.
    pub fn hash_kind(self) -> HashKind {
        match self {
            CensusTreeType::Weighted => HashKind::Blake2b,
            CensusTreeType::ZkWeighted => HashKind::Poseidon,
        }
    }

    /// The arbo depth for a dump's `maxLevels`: 0 (what `/export` writes) or anything above
    /// 160 means 160, and Poseidon trees add one level to emulate the circom SMT
    /// (`censustree.New`). Only key-length limits and collisions depend on it, never the root
    /// of a valid census.
    pub fn max_levels(self, dump_max_levels: usize) -> usize {
        let base = match dump_max_levels {
            0 => DEFAULT_MAX_LEVELS,
            n => n.min(DEFAULT_MAX_LEVELS),
        };
        match self {
            CensusTreeType::Weighted => base,
            CensusTreeType::ZkWeighted => base + 1,
        }
    }

    /// The leaf key of a participant (the voter's address): hashed for weighted censuses,
    /// as is for zkweighted ones.
    pub fn leaf_key(self, address: &[u8]) -> Vec<u8> {
        match self {
            CensusTreeType::Weighted => weighted_census_key(address).to_vec(),
            CensusTreeType::ZkWeighted => address.to_vec(),
        }
    }
}

/// The leaf key of a weighted (Blake2b) census: `blake2b256(address)[:20]`
/// (`censusAddHandler`, and `arboproof.go` on chain).
pub fn weighted_census_key(address: &[u8]) -> [u8; 20] {
    let h = blake2b256(&[address]);
    let mut key = [0u8; 20];
    key.copy_from_slice(&h[..20]);
    key
}

/// A weight as the leaf value: 32-byte little-endian, zero-padded (`BigIntToBytesLE(32, w)`).
pub fn weight_to_value(weight: &BigUint) -> Result<[u8; 32], DumpError> {
    let le = weight.to_bytes_le();
    if le.len() > 32 {
        return Err(DumpError::WeightTooLarge {
            weight: weight.to_string(),
        });
    }
    let mut value = [0u8; 32];
    value[..le.len()].copy_from_slice(&le);
    Ok(value)
}

/// A leaf value as a weight: the bytes read as a little-endian integer, any length
/// (`BytesLEToBigInt`; an empty value is 0).
pub fn value_to_weight(value: &[u8]) -> BigUint {
    BigUint::from_bytes_le(value)
}

/// Splits a binary dump into its records, borrowing from `data`.
pub fn decode_records(data: &[u8]) -> Result<Vec<Record<'_>>, DumpError> {
    let mut records = Vec::with_capacity(data.len() / 55);
    let mut offset = 0;
    while offset < data.len() {
        let record = records.len();
        let take = |offset: usize, needed: usize, part: &'static str| {
            data.get(offset..offset + needed)
                .ok_or(DumpError::Truncated {
                    record,
                    offset,
                    part,
                    needed,
                    available: data.len() - offset,
                })
        };
        let header = take(offset, 3, "header")?;
        let key_len = usize::from(header[0]);
        let value_len = usize::from(u16::from_le_bytes([header[1], header[2]]));
        offset += 3;
        let key = take(offset, key_len, "key")?;
        offset += key_len;
        let value = take(offset, value_len, "value")?;
        offset += value_len;
        records.push((key, value));
    }
    Ok(records)
}

/// Writes records in the given order (use [`LeafSet::leaves`] for arbo's path order).
pub fn encode_records<'a>(
    records: impl IntoIterator<Item = Record<'a>>,
) -> Result<Vec<u8>, DumpError> {
    let mut out = Vec::new();
    for (key, value) in records {
        let (Ok(k), Ok(v)) = (u8::try_from(key.len()), u16::try_from(value.len())) else {
            return Err(ArboError::LeafTooLong {
                key_len: key.len(),
                value_len: value.len(),
            }
            .into());
        };
        out.push(k);
        out.extend_from_slice(&v.to_le_bytes());
        out.extend_from_slice(key);
        out.extend_from_slice(value);
    }
    Ok(out)
}

/// The census dump published on IPFS (`censusdb.CensusDump`).
///
/// JSON: `{"type": <int>, "rootHash": "<hex>", "data": "<base64>", "maxLevels": <int>,
/// "censusID"?: "<hex>", "token"?: "<uuid>", "size"?: <int>, "uri"?: "<string>"}`. Older nodes
/// wrote `rootHash` as base64 (a Go `[]byte`); both forms are read, hex is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusDump {
    /// `models.Census_Type` (1 weighted, 2 zkweighted).
    pub census_type: i64,
    /// The census root claimed by the dump.
    pub root_hash: Hash32,
    /// The leaf records as carried: zstd-compressed, or raw in legacy dumps.
    pub data: Vec<u8>,
    /// `maxLevels` as written (0 from the `/export` endpoint).
    pub max_levels: usize,
    /// `censusID`, when present.
    pub census_id: Option<Vec<u8>>,
    /// `token` (the owner's UUID), when present.
    pub token: Option<String>,
    /// `size` (number of leaves), when present.
    pub size: Option<u64>,
    /// `uri`, when present.
    pub uri: Option<String>,
}

/// The JSON shape, with Go's field names and order. `data` is borrowed from the document when it
/// holds no escape (base64 never does): a million-leaf dump's ~75 MB of base64 is not copied.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CensusDumpJson<'a> {
    #[serde(rename = "type", default)]
    census_type: i64,
    root_hash: Option<String>,
    #[serde(borrow)]
    data: Option<Cow<'a, str>>,
    #[serde(default)]
    max_levels: usize,
    #[serde(rename = "censusID", default, skip_serializing_if = "Option::is_none")]
    census_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
}

impl CensusDump {
    /// Parses the JSON document.
    pub fn from_json(json: &[u8]) -> Result<Self, DumpError> {
        let wire: CensusDumpJson = serde_json::from_slice(json)?;
        let root = wire
            .root_hash
            .ok_or(DumpError::MissingField { field: "rootHash" })?;
        let data = wire.data.ok_or(DumpError::MissingField { field: "data" })?;
        let data = base64::engine::general_purpose::STANDARD
            .decode(data.as_bytes())
            .map_err(|e| DumpError::Base64 {
                reason: e.to_string(),
            })?;
        let census_id = match wire.census_id {
            Some(id) => Some(hex_bytes::decode("censusID", &id)?),
            None => None,
        };
        Ok(CensusDump {
            census_type: wire.census_type,
            root_hash: decode_root_hash(&root)?,
            data,
            max_levels: wire.max_levels,
            census_id,
            token: wire.token,
            size: wire.size,
            uri: wire.uri,
        })
    }

    /// Writes the JSON document as Go's `json.Marshal` of `CensusDump` does.
    pub fn to_json(&self) -> Result<Vec<u8>, DumpError> {
        let wire = CensusDumpJson {
            census_type: self.census_type,
            root_hash: Some(hex::encode(self.root_hash)),
            data: Some(Cow::Owned(
                base64::engine::general_purpose::STANDARD.encode(&self.data),
            )),
            max_levels: self.max_levels,
            census_id: self.census_id.as_ref().map(hex::encode),
            token: self.token.clone(),
            size: self.size,
            uri: self.uri.clone(),
        };
        Ok(serde_json::to_vec(&wire)?)
    }

    /// Builds a publishable dump of `leaves` as `BuildExportDump` does: records in path order,
    /// zstd-compressed, with the root. `max_levels` is written as given (160 for censuses).
    pub fn build<K: AsRef<[u8]> + Sync, V: AsRef<[u8]> + Sync>(
        tree_type: CensusTreeType,
        max_levels: usize,
        leaves: &[(K, V)],
    ) -> Result<Self, DumpError> {
        let set = LeafSet::new(
            tree_type.hash_kind(),
            tree_type.max_levels(max_levels),
            leaves,
        )?;
        let records = encode_records(set.leaves())?;
        let data = zstd::bulk::compress(&records, 0).map_err(|e| DumpError::Zstd {
            reason: e.to_string(),
        })?;
        Ok(CensusDump {
            census_type: tree_type.census_type(),
            root_hash: set.root()?,
            data,
            max_levels,
            census_id: None,
            token: None,
            size: None,
            uri: None,
        })
    }

    /// The census type, if it is an arbo tree.
    pub fn tree_type(&self) -> Result<CensusTreeType, DumpError> {
        CensusTreeType::from_census_type(self.census_type)
    }

    /// The binary records: `data` decompressed when it starts with the zstd magic, as is
    /// otherwise (`compressor.DecompressBytes`).
    pub fn records_bytes(&self) -> Result<Vec<u8>, DumpError> {
        if !self.data.starts_with(&ZSTD_MAGIC) {
            return Ok(self.data.clone());
        }
        let zstd_error = |e: std::io::Error| DumpError::Zstd {
            reason: e.to_string(),
        };
        let decoder = zstd::stream::read::Decoder::new(self.data.as_slice()).map_err(zstd_error)?;
        let mut out = Vec::new();
        decoder
            .take(MAX_DUMP_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(zstd_error)?;
        if out.len() as u64 > MAX_DUMP_BYTES {
            return Err(DumpError::TooLarge {
                limit: MAX_DUMP_BYTES,
            });
        }
        Ok(out)
    }

    /// Recomputes the root of the dump's leaves (what `importTreeCommon` compares with
    /// `rootHash`), keeping no node; zkweighted dumps are hashed with Poseidon.
    pub fn rebuild_root(&self) -> Result<Hash32, DumpError> {
        Ok(self.leaf_set()?.root()?)
    }

    /// The census tree of the dump's leaves, for proofs and lookups; compare its root with
    /// `root_hash`.
    pub fn census_tree(&self) -> Result<CensusTree, DumpError> {
        Ok(CensusTree::from_leaf_set(self.leaf_set()?)?)
    }

    /// The dump's leaves, validated for the census type's depth.
    fn leaf_set(&self) -> Result<LeafSet, DumpError> {
        let bytes = self.records_bytes()?;
        self.leaf_set_of(&decode_records(&bytes)?)
    }

    /// `records` (this dump's, decoded once by the caller) as a leaf set for the census type's
    /// depth and hash.
    pub fn leaf_set_of(&self, records: &[Record<'_>]) -> Result<LeafSet, DumpError> {
        let tree_type = self.tree_type()?;
        Ok(LeafSet::new(
            tree_type.hash_kind(),
            tree_type.max_levels(self.max_levels),
            records,
        )?)
    }
}

/// `rootHash`: hex (`types.HexBytes`, current nodes) or base64 (`[]byte`, older nodes), 32 bytes.
fn decode_root_hash(s: &str) -> Result<Hash32, DumpError> {
    let bad = || DumpError::RootHash {
        value: s.to_string(),
    };
    let bytes = hex_bytes::decode("rootHash", s)
        .ok()
        .or_else(|| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .ok_or_else(bad)?;
    bytes.try_into().map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_value_round_trip() {
        let w = BigUint::from(10u32);
        let v = weight_to_value(&w).unwrap();
        assert_eq!(v[0], 0x0a);
        assert!(v[1..].iter().all(|&b| b == 0));
        assert_eq!(value_to_weight(&v), w);
        assert_eq!(value_to_weight(&[]), BigUint::from(0u32));
        let too_big = BigUint::from(1u32) << 256;
        assert!(matches!(
            weight_to_value(&too_big),
            Err(DumpError::WeightTooLarge { .. })
        ));
    }

    #[test]
    fn root_hash_hex_or_legacy_base64() {
        let root = [0xabu8; 32];
        assert_eq!(decode_root_hash(&hex::encode(root)).unwrap(), root);
        assert_eq!(
            decode_root_hash(&format!("0x{}", hex::encode(root))).unwrap(),
            root
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(root);
        assert_eq!(decode_root_hash(&b64).unwrap(), root);
        assert!(matches!(
            decode_root_hash("abcd"),
            Err(DumpError::RootHash { .. })
        ));
    }

    #[test]
    fn max_levels_rule() {
        assert_eq!(CensusTreeType::Weighted.max_levels(0), 160);
        assert_eq!(CensusTreeType::Weighted.max_levels(160), 160);
        assert_eq!(CensusTreeType::ZkWeighted.max_levels(160), 161);
        assert_eq!(CensusTreeType::Weighted.max_levels(256), 160);
    }
}
