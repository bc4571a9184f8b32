//! Content identifiers of files as IPFS adds them: reading a CID (v0 base58btc, v1 multibase) and
//! recomputing the CID of a file's bytes, so a metadata document can be checked against the
//! `ipfs://` URI an election names. Mirrors `vocdoni/vocdoni-node:data/ipfs/cid.go`
//! (`CalculateCIDv1json`: boxo's balanced layout with `DagBuilderParams{}` and chunker
//! `size-262144`; `CIDequals` compares multihashes only), and the formats of
//! `ipfs/specs` (UnixFS `Data`, dag-pb `PBNode`/`PBLink`).
//!
//! Exact cases: a file that fits one chunk (the dag-pb UnixFS leaf, CIDv0 or CIDv1 `dag-pb`) and a
//! raw-codec CID (the sha256 of the bytes). A larger file is rebuilt as a one-level balanced DAG
//! (≤ 174 chunks, the importer's default fan-out); that shape is an expectation, not a certainty,
//! so callers treat its mismatch as "cannot verify".
//!
//! CID text (multibase, versions, multihash) is the `cid` crate's. The dag-pb nodes are encoded
//! here with prost's wire primitives rather than derived messages: dag-pb's canonical form writes
//! `Links` (field 2) before `Data` (field 1), the reverse of field order, which derived encoders
//! follow.

use prost::encoding::{encode_key, encode_varint, WireType};
use thiserror::Error;

use crate::protocol::hash::sha256;

/// The importer's chunk size (`size-262144`).
pub const CHUNK_SIZE: usize = 262_144;
/// Links per node of the balanced layout (`helpers.DefaultLinksPerBlock`).
pub const MAX_LINKS: usize = 174;

/// Multicodec of a dag-pb node.
const DAG_PB: u64 = 0x70;
/// Multicodec of raw bytes.
const RAW: u64 = 0x55;
/// Multihash code of sha2-256.
const SHA2_256: u64 = 0x12;
/// UnixFS `DataType.File`.
const UNIXFS_FILE: u64 = 2;

/// A CID that cannot be read or names something other than a sha2-256 file.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CidError {
    #[error("empty CID")]
    Empty,
    /// Not a CID at all (multibase, varint or multihash): the `cid` crate's reason.
    #[error("not a CID: {0}")]
    Invalid(String),
    #[error("unsupported codec 0x{0:x} (only dag-pb and raw)")]
    Codec(u64),
    #[error("unsupported multihash 0x{0:x} (only sha2-256)")]
    Hash(u64),
}

/// What a CID commits to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// A dag-pb (UnixFS) node: the file as `ipfs add` chunks it.
    DagPb,
    /// The raw bytes themselves (`--raw-leaves`, a single block).
    Raw,
}

/// A parsed CID: its version, codec and sha2-256 digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cid {
    pub version: u8,
    pub codec: Codec,
    pub digest: [u8; 32],
}

/// How a document's bytes compare with the CID it is published under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CidCheck {
    /// The bytes hash to the CID.
    Matches,
    /// They do not, and the recomputation is exact (one block): the document is not the one
    /// the CID names.
    Differs { computed: [u8; 32] },
    /// They do not, but the file spans several chunks whose DAG shape is only an expectation.
    CannotReproduce { computed: [u8; 32] },
}

impl Cid {
    /// Parses `Qm…` (CIDv0) or any multibase CIDv1, with an optional `ipfs://` or `/ipfs/`
    /// prefix and a path after the CID ignored.
    pub fn parse(text: &str) -> Result<Cid, CidError> {
        let text = text
            .trim()
            .trim_start_matches("ipfs://")
            .trim_start_matches("/ipfs/");
        let text = text.split(['/', '?', '#']).next().unwrap_or_default();
        if text.is_empty() {
            return Err(CidError::Empty);
        }
        let cid = cid::Cid::try_from(text).map_err(|e| CidError::Invalid(e.to_string()))?;
        let codec = match cid.codec() {
            DAG_PB => Codec::DagPb,
            RAW => Codec::Raw,
            other => return Err(CidError::Codec(other)),
        };
        let hash = cid.hash();
        if hash.code() != SHA2_256 {
            return Err(CidError::Hash(hash.code()));
        }
        let digest: [u8; 32] = hash
            .digest()
            .try_into()
            .map_err(|_| CidError::Invalid(format!("a {}-byte sha2-256 digest", hash.size())))?;
        Ok(Cid {
            version: match cid.version() {
                cid::Version::V0 => 0,
                cid::Version::V1 => 1,
            },
            codec,
            digest,
        })
    }

    /// Compares `bytes` with this CID.
    pub fn check(&self, bytes: &[u8]) -> CidCheck {
        let (computed, exact) = match self.codec {
            Codec::Raw => (sha256(&[bytes]), true),
            Codec::DagPb => (file_root(bytes), bytes.len() <= CHUNK_SIZE),
        };
        if computed == self.digest {
            CidCheck::Matches
        } else if exact {
            CidCheck::Differs { computed }
        } else {
            CidCheck::CannotReproduce { computed }
        }
    }
}

/// The CIDv0 (`Qm…`) of a file as `ipfs add` (and the node's `CalculateCIDv1json`) builds it.
pub fn cid_v0(bytes: &[u8]) -> String {
    let hash = cid::multihash::Multihash::<64>::wrap(SHA2_256, &file_root(bytes))
        .expect("a 32-byte digest fits a 64-byte multihash");
    cid::Cid::new_v0(hash)
        .expect("a sha2-256 multihash is a valid CIDv0")
        .to_string()
}

/// sha256 of the root dag-pb node of `bytes` chunked at [`CHUNK_SIZE`].
fn file_root(bytes: &[u8]) -> [u8; 32] {
    if bytes.len() <= CHUNK_SIZE {
        return sha256(&[&leaf_node(bytes)]);
    }
    // One level: a root linking every leaf (more than MAX_LINKS leaves would need a deeper
    // tree; the caller reports such a file as not reproducible either way).
    let mut links = Vec::new();
    let mut sizes = Vec::new();
    for chunk in bytes.chunks(CHUNK_SIZE).take(MAX_LINKS) {
        let leaf = leaf_node(chunk);
        links.push((sha256(&[&leaf]), leaf.len() as u64));
        sizes.push(chunk.len() as u64);
    }
    let mut data = Vec::new();
    put_varint_field(&mut data, 1, UNIXFS_FILE);
    put_varint_field(&mut data, 3, bytes.len() as u64);
    for s in sizes {
        put_varint_field(&mut data, 4, s);
    }
    let mut node = Vec::new();
    for (digest, tsize) in links {
        let mut link = Vec::new();
        let mut mh = vec![SHA2_256 as u8, 32];
        mh.extend_from_slice(&digest);
        put_bytes_field(&mut link, 1, &mh);
        put_bytes_field(&mut link, 2, b"");
        put_varint_field(&mut link, 3, tsize);
        put_bytes_field(&mut node, 2, &link);
    }
    put_bytes_field(&mut node, 1, &data);
    sha256(&[&node])
}

/// `PBNode{Data: UnixFS{Type: File, Data: chunk, filesize: len}}`.
fn leaf_node(chunk: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    put_varint_field(&mut data, 1, UNIXFS_FILE);
    if !chunk.is_empty() {
        put_bytes_field(&mut data, 2, chunk);
    }
    put_varint_field(&mut data, 3, chunk.len() as u64);
    let mut node = Vec::new();
    put_bytes_field(&mut node, 1, &data);
    node
}

fn put_varint_field(out: &mut Vec<u8>, tag: u32, v: u64) {
    encode_key(tag, WireType::Varint, out);
    encode_varint(v, out);
}

fn put_bytes_field(out: &mut Vec<u8>, tag: u32, b: &[u8]) {
    encode_key(tag, WireType::LengthDelimited, out);
    encode_varint(b.len() as u64, out);
    out.extend_from_slice(b);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    // `ipfs add` (kubo, defaults: CIDv0, size-262144) of these contents.
    #[rstest]
    #[case(b"hello world\n".as_slice(), "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")]
    #[case(b"".as_slice(), "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH")]
    fn cid_v0_matches_ipfs_add(#[case] bytes: &[u8], #[case] cid: &str) {
        assert_eq!(cid_v0(bytes), cid);
        let parsed = Cid::parse(&format!("ipfs://{cid}")).unwrap();
        assert_eq!(parsed.check(bytes), CidCheck::Matches);
    }

    #[test]
    fn raw_cid_v1_is_the_sha256() {
        // CIDv1 raw sha2-256 of the empty string (`ipfs add --raw-leaves --cid-version 1`).
        let cid =
            Cid::parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku").unwrap();
        assert_eq!((cid.version, cid.codec), (1, Codec::Raw));
        assert_eq!(cid.check(b""), CidCheck::Matches);
        assert!(matches!(cid.check(b"x"), CidCheck::Differs { .. }));
    }

    #[test]
    fn a_changed_byte_is_an_exact_mismatch_below_one_chunk() {
        let cid = Cid::parse(&cid_v0(b"{\"title\":\"a\"}")).unwrap();
        assert!(matches!(
            cid.check(b"{\"title\":\"b\"}"),
            CidCheck::Differs { .. }
        ));
        let big = vec![7u8; CHUNK_SIZE + 1];
        let cid = Cid::parse(&cid_v0(&big)).unwrap();
        assert_eq!(cid.check(&big), CidCheck::Matches);
        let other = vec![8u8; CHUNK_SIZE + 1];
        assert!(matches!(
            cid.check(&other),
            CidCheck::CannotReproduce { .. }
        ));
    }

    #[test]
    fn every_multibase_of_one_cid_parses_alike() {
        // The same CIDv1 dag-pb sha2-256 in base32 (`b`), base16 (`f`) and base58btc (`z`).
        let v0 = Cid::parse("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o").unwrap();
        let digest = hex::encode(v0.digest);
        let base16 = format!("f01701220{digest}");
        let v1 = Cid::parse(&base16).unwrap();
        assert_eq!(
            (v1.version, v1.codec, v1.digest),
            (1, Codec::DagPb, v0.digest)
        );
        let text = cid::Cid::try_from(base16.as_str()).unwrap().to_string();
        assert!(text.starts_with("bafy"), "{text}");
        assert_eq!(Cid::parse(&text).unwrap(), v1);
    }

    #[rstest]
    #[case("".to_string(), CidError::Empty)]
    #[case("ipfs://".to_string(), CidError::Empty)]
    // CIDv1 dag-cbor (0x71) of a zero sha2-256 digest.
    #[case(format!("f01711220{}", "00".repeat(32)), CidError::Codec(0x71))]
    // CIDv1 raw with a sha2-512 (0x13) multihash of 64 zero bytes.
    #[case(format!("f01551340{}", "00".repeat(64)), CidError::Hash(0x13))]
    fn unsupported_cids_are_typed_errors(#[case] text: String, #[case] err: CidError) {
        assert_eq!(Cid::parse(&text), Err(err));
    }

    #[rstest]
    #[case("xabc")]
    #[case("b!!")]
    #[case("f0155")]
    #[case("f02551220")]
    #[case("Qm")]
    fn unreadable_cids_are_errors_not_panics(#[case] text: &str) {
        assert!(
            matches!(Cid::parse(text), Err(CidError::Invalid(_))),
            "{text}"
        );
    }
}
