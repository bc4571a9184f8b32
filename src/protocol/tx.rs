//! Transactions as a node publishes them and as clients encoded them: decoding the
//! `/chain/transactions/{hash}` JSON (protojson with bytes in hex or base64), rendering a [`Tx`] the
//! way a node does, re-encoding it the way known clients did, and finding the encoding whose sha256
//! equals the published hash. Mirrors `vocdoni/vocdoni-node:api/helpers.go` (`protoTxAsJSON`),
//! `api/api_types.go` (`GenericTransactionWithInfo`) and `vochain/transaction/vochaintx/vochaintx.go`
//! (`TxKey` = sha256 of the `SignedTx` bytes).

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use prost::encoding::{encode_key, encode_varint, WireType};
use prost::Message;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::protocol::hash::{sha256, Address, Hash32};
use crate::protocol::hex_bytes;
use crate::protocol::proto::{
    AdminTx, CaBundle, CensusOrigin, EnvelopeType, FaucetPackage, NewProcessTx, Process,
    ProcessMode, ProcessResult, ProcessStatus, ProcessVoteOptions, Proof, ProofArbo,
    ProofArboKeyType, ProofArboType, ProofCa, ProofCaType, ProofFarcasterFrame, ProofPayload,
    ProofZkSnark, ProtoEnum, QuestionResult, SetProcessTx, SignedTx, SourceNetworkId, Tx,
    TxPayload, TxType, VoteEnvelope,
};

// ----------------------------------------------------------------------------------------------
// Errors
// ----------------------------------------------------------------------------------------------

/// A transaction JSON document that cannot be decoded; `path` is the JSON path of the bad value
/// (`tx.vote.proof.arbo.siblings`, `tx.newProcess.process.results.votes[0].question[1]`).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TxJsonError {
    /// The text is not JSON at all.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// A required value is absent.
    #[error("{path}: missing")]
    Missing { path: String },
    /// A value of the wrong JSON type.
    #[error("{path}: expected {expected}, found {found}")]
    WrongType {
        path: String,
        expected: &'static str,
        found: String,
    },
    /// An integer outside its field's range.
    #[error("{path}: {value} is out of range for {ty}")]
    OutOfRange {
        path: String,
        ty: &'static str,
        value: String,
    },
    /// An enum name the protobuf enum does not define.
    #[error("{path}: {value:?} is not a {enum_name} value")]
    UnknownEnum {
        path: String,
        enum_name: &'static str,
        value: String,
    },
    /// A bytes value that does not decode in the document's encoding.
    #[error("{path}: invalid {encoding} bytes ({reason})")]
    BadBytes {
        path: String,
        encoding: &'static str,
        reason: String,
    },
    /// A bytes value that is not lowercase hex in a document whose other values are: either a
    /// corrupt value or the node's first-occurrence hex rewrite hit the wrong place.
    #[error("{path}: not lowercase hex although {hex_path} is")]
    NotHex { path: String, hex_path: String },
    /// Two members of one oneof are set.
    #[error("{path}: oneof members {first} and {second} are both set")]
    OneofConflict {
        path: String,
        first: &'static str,
        second: &'static str,
    },
}

/// Protobuf bytes that do not decode; `what` names the message being decoded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{what}: {source}")]
pub struct TxBytesError {
    /// `SignedTx` or `SignedTx.tx (Tx)`.
    pub what: &'static str,
    /// prost's error, which carries the message.field trail of the failure.
    #[source]
    pub source: prost::DecodeError,
}

type JsonResult<T> = Result<T, TxJsonError>;

// ----------------------------------------------------------------------------------------------
// The node's transaction JSON
// ----------------------------------------------------------------------------------------------

/// How the `bytes` values of a transaction JSON are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BytesEncoding {
    /// Lowercase hex, no `0x` (vocdoni-node since commit `8f73b2a9`, 2024-09-17).
    Hex,
    /// Standard base64 as protojson writes it (`release-lts-2` and older nodes).
    Base64,
}

impl BytesEncoding {
    fn name(self) -> &'static str {
        match self {
            BytesEncoding::Hex => "hex",
            BytesEncoding::Base64 => "base64",
        }
    }

    fn encode(self, b: &[u8]) -> String {
        match self {
            BytesEncoding::Hex => hex::encode(b),
            BytesEncoding::Base64 => STANDARD.encode(b),
        }
    }
}

/// A decoded `tx` object.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedTx {
    /// The transaction.
    pub tx: Tx,
    /// The bytes encoding found; `None` when every bytes value is empty (nothing to tell).
    pub bytes_encoding: Option<BytesEncoding>,
    /// JSON paths of members this model does not know (newer fields, unmodelled `Tx` variants).
    /// When non-empty, re-encoding cannot reproduce the original bytes.
    pub ignored_fields: Vec<String>,
}

/// `txInfo` of a transaction response, under its modern or legacy (`release-lts-2`) names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxInfo {
    /// `hash` / legacy `transactionHash`: sha256 of the SignedTx bytes.
    pub hash: Option<Hash32>,
    /// `height` / legacy `blockHeight`.
    pub height: Option<u32>,
    /// `index` / legacy `transactionIndex`: position within the block.
    pub index: Option<i32>,
    /// `type` / legacy `transactionType`: the `Tx` oneof name (`vote`, `setProcess`, …).
    pub tx_type: Option<String>,
    /// `subtype`: lower-cased `txtype` (modern nodes only).
    pub subtype: Option<String>,
    /// `signer`: address recovered from the signature (modern nodes only; absent for zk votes).
    pub signer: Option<Address>,
    /// Legacy `transactionNumber`: the indexer's sequence number.
    pub number: Option<u64>,
    /// Whether the legacy names were used.
    pub legacy_names: bool,
}

/// A decoded `GET /chain/transactions/{hash}` (or `/{height}/{index}`) response.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeTransaction {
    /// `tx`, decoded.
    pub tx: DecodedTx,
    /// `txInfo` (all fields optional).
    pub info: TxInfo,
    /// `signature` (hex in every node version); empty when the transaction carries none.
    pub signature: Vec<u8>,
}

/// Decodes a transaction response body given as text.
pub fn decode_node_transaction_str(body: &str) -> JsonResult<NodeTransaction> {
    let v: Value = serde_json::from_str(body).map_err(|e| TxJsonError::NotJson(e.to_string()))?;
    decode_node_transaction(&v)
}

/// Decodes `{"tx": <protojson>, "txInfo": {…}, "signature": "hex"}`.
pub fn decode_node_transaction(body: &Value) -> JsonResult<NodeTransaction> {
    let obj = as_object(body, "")?;
    let tx = obj.get("tx").ok_or_else(|| TxJsonError::Missing {
        path: "tx".to_string(),
    })?;
    let tx = decode_tx_json_at(tx, "tx")?;
    let info = match obj.get("txInfo") {
        None | Some(Value::Null) => TxInfo::default(),
        Some(v) => decode_tx_info(v)?,
    };
    let signature = match obj.get("signature") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => {
            let s = v
                .as_str()
                .ok_or_else(|| wrong_type("signature", "a hex string", v))?;
            hex_bytes::decode("signature", s).map_err(hex_error)?
        }
    };
    Ok(NodeTransaction {
        tx,
        info,
        signature,
    })
}

/// Decodes the protojson of a `Tx` (the `tx` member), detecting the bytes encoding: hex when
/// every non-empty bytes value is lowercase hex, base64 otherwise.
pub fn decode_tx_json(tx: &Value) -> JsonResult<DecodedTx> {
    decode_tx_json_at(tx, "tx")
}

fn decode_tx_json_at(tx: &Value, path: &str) -> JsonResult<DecodedTx> {
    // Pass 1 checks the shape and collects the bytes strings; pass 2 decodes with the encoding found.
    let mut ctx = Ctx {
        pass: BytesPass::Collect(Vec::new()),
        ignored: Vec::new(),
    };
    read_message::<Tx>(tx, path.to_string(), &mut ctx)?;
    let seen = match ctx.pass {
        BytesPass::Collect(seen) => seen,
        BytesPass::Decode(_) => Vec::new(),
    };
    let bytes_encoding = detect_bytes_encoding(&seen)?;
    let mut ctx = Ctx {
        pass: BytesPass::Decode(bytes_encoding.unwrap_or(BytesEncoding::Hex)),
        ignored: Vec::new(),
    };
    let decoded = read_message::<Tx>(tx, path.to_string(), &mut ctx)?;
    Ok(DecodedTx {
        tx: decoded,
        bytes_encoding,
        ignored_fields: ctx.ignored,
    })
}

/// Below this many characters a base64 value may look like hex by chance (16 chars: 2^-32).
const HEX_EVIDENCE_MIN_LEN: usize = 16;

fn is_lower_hex(s: &str) -> bool {
    s.len().is_multiple_of(2) && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

fn detect_bytes_encoding(seen: &[(String, String)]) -> JsonResult<Option<BytesEncoding>> {
    if seen.is_empty() {
        return Ok(None);
    }
    let Some((not_hex_path, _)) = seen.iter().find(|(_, s)| !is_lower_hex(s)) else {
        return Ok(Some(BytesEncoding::Hex));
    };
    // A genuine base64 document has no long all-hex value; a hex document with one odd value does.
    if let Some((hex_path, _)) = seen
        .iter()
        .find(|(_, s)| s.len() >= HEX_EVIDENCE_MIN_LEN && is_lower_hex(s))
    {
        return Err(TxJsonError::NotHex {
            path: not_hex_path.clone(),
            hex_path: hex_path.clone(),
        });
    }
    Ok(Some(BytesEncoding::Base64))
}

/// protojson accepts standard and URL-safe base64, padded or not.
const BASE64_STD_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const BASE64_URL_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn decode_bytes(s: &str, enc: BytesEncoding, path: String) -> JsonResult<Vec<u8>> {
    let result = match enc {
        BytesEncoding::Hex => hex::decode(s).map_err(|e| e.to_string()),
        BytesEncoding::Base64 if s.contains(['-', '_']) => {
            BASE64_URL_ANY_PAD.decode(s).map_err(|e| e.to_string())
        }
        BytesEncoding::Base64 => BASE64_STD_ANY_PAD.decode(s).map_err(|e| e.to_string()),
    };
    result.map_err(|reason| TxJsonError::BadBytes {
        path,
        encoding: enc.name(),
        reason,
    })
}

fn decode_tx_info(v: &Value) -> JsonResult<TxInfo> {
    let obj = as_object(v, "txInfo")?;
    let mut info = TxInfo::default();
    // Each field under its modern name, else its legacy one.
    let pick = |modern: &'static str, legacy: Option<&'static str>| {
        let found = |k: &'static str| obj.get(k).filter(|v| !v.is_null()).map(|v| (k, v));
        found(modern).or_else(|| legacy.and_then(found))
    };
    let path = |k: &str| format!("txInfo.{k}");
    if let Some((k, v)) = pick("hash", Some("transactionHash")) {
        info.legacy_names |= k != "hash";
        let s = v
            .as_str()
            .ok_or_else(|| wrong_type(&path(k), "a hex string", v))?;
        info.hash = Some(hex_bytes::decode_array(&path(k), s).map_err(hex_error)?);
    }
    if let Some((k, v)) = pick("height", Some("blockHeight")) {
        info.legacy_names |= k != "height";
        info.height = Some(json_u32(v, &path(k))?);
    }
    if let Some((k, v)) = pick("index", Some("transactionIndex")) {
        info.legacy_names |= k != "index";
        info.index = Some(json_i32(v, &path(k))?);
    }
    if let Some((k, v)) = pick("type", Some("transactionType")) {
        info.legacy_names |= k != "type";
        info.tx_type = Some(json_string(v, &path(k))?);
    }
    if let Some((k, v)) = pick("subtype", None) {
        info.subtype = Some(json_string(v, &path(k))?);
    }
    if let Some((k, v)) = pick("signer", None) {
        let s = v
            .as_str()
            .ok_or_else(|| wrong_type(&path(k), "a hex string", v))?;
        if !s.is_empty() {
            info.signer = Some(hex_bytes::decode_array(&path(k), s).map_err(hex_error)?);
        }
    }
    if let Some((k, v)) = pick("transactionNumber", None) {
        info.legacy_names = true;
        info.number = Some(json_u64(v, &path(k), "uint64", u64::MAX)?);
    }
    Ok(info)
}

// ----------------------------------------------------------------------------------------------
// Rendering like a node
// ----------------------------------------------------------------------------------------------

/// Renders `tx` as a modern node's `tx` member: protojson with `EmitUnpopulated: true` (every
/// non-oneof, non-`optional` field present: empty bytes `""`, empty repeated `[]`, unset messages
/// `null`; unset `optional` fields and oneofs omitted), enums as names, 64-bit integers as
/// strings, bytes as lowercase hex.
pub fn tx_to_node_json(tx: &Tx) -> Value {
    tx_to_json(tx, BytesEncoding::Hex)
}

/// As [`tx_to_node_json`], with bytes in the given encoding (`Base64` = a `release-lts-2` node).
pub fn tx_to_json(tx: &Tx, encoding: BytesEncoding) -> Value {
    write_message(tx, encoding)
}

// ----------------------------------------------------------------------------------------------
// Client encodings and the transaction hash
// ----------------------------------------------------------------------------------------------

/// How a known client serialises a `Tx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientEncoding {
    /// Go `proto.Marshal` (vocdoni-node's own client, the CLI tools): canonical.
    GoCanonical,
    /// ts-proto (`@vocdoni/proto`, the SDK in voters' browsers): canonical except that an empty
    /// packed `VoteEnvelope.encryptionKeyIndexes` is written as the zero-length field `32 00`.
    TsProto,
}

/// Whether an empty signature is written into the `SignedTx` (`optional bytes signature = 2`):
/// the API shows `""` for both "absent" and "present but empty".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureField {
    /// Field 2 written (always the case for a non-empty signature).
    Written,
    /// Field 2 absent (zk votes and other unsigned transactions).
    Absent,
}

/// One way of turning the decoded transaction back into broadcast bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxEncoding {
    /// How the `Tx` was serialised.
    pub client: ClientEncoding,
    /// How the `SignedTx` carries the signature.
    pub signature: SignatureField,
}

/// Serialises `tx` as `client` does.
///
/// Layout of the ts-proto vote with no key indexes: `0a len VoteEnvelope` where `VoteEnvelope` =
/// fields 1–5 as canonical ‖ `32 00` ‖ field 7 (`memo`) if set.
pub fn encode_tx(tx: &Tx, client: ClientEncoding) -> Vec<u8> {
    match (client, &tx.payload) {
        (ClientEncoding::TsProto, Some(TxPayload::Vote(env)))
            if env.encryption_key_indexes.is_empty() =>
        {
            let mut body = VoteEnvelope {
                memo: None,
                ..env.clone()
            }
            .encode_to_vec();
            body.extend_from_slice(&[0x32, 0x00]);
            if let Some(memo) = &env.memo {
                prost::encoding::bytes::encode(7, memo, &mut body);
            }
            let mut out = Vec::with_capacity(body.len() + 6);
            encode_key(1, WireType::LengthDelimited, &mut out);
            encode_varint(body.len() as u64, &mut out);
            out.extend_from_slice(&body);
            out
        }
        _ => tx.encode_to_vec(),
    }
}

/// `SignedTx{1: tx, 2: signature}` bytes; `None` leaves field 2 out.
pub fn encode_signed_tx(tx_bytes: &[u8], signature: Option<&[u8]>) -> Vec<u8> {
    SignedTx {
        tx: tx_bytes.to_vec(),
        signature: signature.map(<[u8]>::to_vec),
    }
    .encode_to_vec()
}

/// The transaction hash: `sha256(SignedTx bytes)` (CometBFT `Tx.Key()`).
pub fn tx_hash(signed_tx: &[u8]) -> Hash32 {
    sha256(&[signed_tx])
}

/// Decodes broadcast `SignedTx` bytes and the `Tx` inside.
pub fn decode_signed_tx(bytes: &[u8]) -> Result<(SignedTx, Tx), TxBytesError> {
    let stx = SignedTx::decode(bytes).map_err(|source| TxBytesError {
        what: "SignedTx",
        source,
    })?;
    let tx = Tx::decode(stx.tx.as_slice()).map_err(|source| TxBytesError {
        what: "SignedTx.tx (Tx)",
        source,
    })?;
    Ok((stx, tx))
}

/// The broadcast bytes recovered for a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReproducedTx {
    /// Which encoding reproduced the hash.
    pub encoding: TxEncoding,
    /// The `Tx` bytes (the signed message is built from `keccak256` of these).
    pub tx_bytes: Vec<u8>,
    /// The `SignedTx` bytes whose sha256 is the published hash.
    pub signed_tx: Vec<u8>,
}

/// Outcome of [`reproduce_tx_bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reproduction {
    /// One known encoding hashes to the published hash.
    Reproduced(ReproducedTx),
    /// None does: "cannot verify", not "invalid". Lists each distinct encoding tried and its hash.
    CannotReproduce { tried: Vec<(TxEncoding, Hash32)> },
}

/// Tries the encodings known clients produce (Go canonical first, then ts-proto; for an empty
/// signature, field 2 absent first, then written empty) and returns the first whose `SignedTx`
/// sha256 equals `published`.
pub fn reproduce_tx_bytes(tx: &Tx, signature: &[u8], published: &Hash32) -> Reproduction {
    let signature_fields: &[SignatureField] = if signature.is_empty() {
        &[SignatureField::Absent, SignatureField::Written]
    } else {
        &[SignatureField::Written]
    };
    let mut tried: Vec<(TxEncoding, Hash32)> = Vec::new();
    let mut seen: Vec<Vec<u8>> = Vec::new();
    for client in [ClientEncoding::GoCanonical, ClientEncoding::TsProto] {
        let tx_bytes = encode_tx(tx, client);
        for &sig_field in signature_fields {
            let sig = match sig_field {
                SignatureField::Written => Some(signature),
                SignatureField::Absent => None,
            };
            let signed_tx = encode_signed_tx(&tx_bytes, sig);
            if seen.contains(&signed_tx) {
                continue;
            }
            let encoding = TxEncoding {
                client,
                signature: sig_field,
            };
            let hash = tx_hash(&signed_tx);
            if &hash == published {
                return Reproduction::Reproduced(ReproducedTx {
                    encoding,
                    tx_bytes,
                    signed_tx,
                });
            }
            tried.push((encoding, hash));
            seen.push(signed_tx);
        }
    }
    Reproduction::CannotReproduce { tried }
}

// ----------------------------------------------------------------------------------------------
// protojson reading and writing, one impl per message
// ----------------------------------------------------------------------------------------------

enum BytesPass {
    /// Record every non-empty bytes string with its path; return empty bytes.
    Collect(Vec<(String, String)>),
    /// Decode bytes strings in this encoding.
    Decode(BytesEncoding),
}

struct Ctx {
    pass: BytesPass,
    ignored: Vec<String>,
}

impl Ctx {
    fn bytes(&mut self, v: &Value, path: String) -> JsonResult<Vec<u8>> {
        let s = v
            .as_str()
            .ok_or_else(|| wrong_type(&path, "a bytes string", v))?;
        match &mut self.pass {
            BytesPass::Collect(seen) => {
                if !s.is_empty() {
                    seen.push((path, s.to_string()));
                }
                Ok(Vec::new())
            }
            BytesPass::Decode(enc) => decode_bytes(s, *enc, path),
        }
    }
}

/// A protobuf message with its protojson field names.
trait NodeJson: Sized {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self>;
    fn write(&self, o: &mut Writer);
}

fn read_message<M: NodeJson>(v: &Value, path: String, ctx: &mut Ctx) -> JsonResult<M> {
    let map = as_object(v, &path)?;
    let mut r = Reader {
        map,
        path,
        ctx,
        used: Vec::new(),
    };
    let m = M::read(&mut r)?;
    for k in r.map.keys() {
        if !r.used.iter().any(|u| u == k) {
            r.ctx.ignored.push(join(&r.path, k));
        }
    }
    Ok(m)
}

fn write_message<M: NodeJson>(m: &M, enc: BytesEncoding) -> Value {
    let mut w = Writer {
        map: Map::new(),
        enc,
    };
    m.write(&mut w);
    Value::Object(w.map)
}

struct Reader<'a, 'c> {
    map: &'a Map<String, Value>,
    path: String,
    ctx: &'c mut Ctx,
    used: Vec<&'static str>,
}

impl<'a> Reader<'a, '_> {
    /// The value of `key`, `None` when absent or `null` (protojson's "unset").
    fn get(&mut self, key: &'static str) -> Option<(&'a Value, String)> {
        self.used.push(key);
        let map: &'a Map<String, Value> = self.map;
        map.get(key)
            .filter(|v| !v.is_null())
            .map(|v| (v, join(&self.path, key)))
    }

    fn bytes(&mut self, key: &'static str) -> JsonResult<Vec<u8>> {
        Ok(self.opt_bytes(key)?.unwrap_or_default())
    }

    fn opt_bytes(&mut self, key: &'static str) -> JsonResult<Option<Vec<u8>>> {
        match self.get(key) {
            None => Ok(None),
            Some((v, path)) => self.ctx.bytes(v, path).map(Some),
        }
    }

    fn repeated_bytes(&mut self, key: &'static str) -> JsonResult<Vec<Vec<u8>>> {
        let Some((v, path)) = self.get(key) else {
            return Ok(Vec::new());
        };
        json_array(v, &path)?
            .iter()
            .enumerate()
            .map(|(i, e)| self.ctx.bytes(e, format!("{path}[{i}]")))
            .collect()
    }

    fn scalar<T>(
        &mut self,
        key: &'static str,
        parse: impl Fn(&Value, &str) -> JsonResult<T>,
    ) -> JsonResult<Option<T>> {
        self.get(key).map(|(v, path)| parse(v, &path)).transpose()
    }

    fn repeated<T>(
        &mut self,
        key: &'static str,
        parse: impl Fn(&Value, &str) -> JsonResult<T>,
    ) -> JsonResult<Vec<T>> {
        let Some((v, path)) = self.get(key) else {
            return Ok(Vec::new());
        };
        json_array(v, &path)?
            .iter()
            .enumerate()
            .map(|(i, e)| parse(e, &format!("{path}[{i}]")))
            .collect()
    }

    fn u32(&mut self, key: &'static str) -> JsonResult<u32> {
        Ok(self.scalar(key, json_u32)?.unwrap_or_default())
    }

    fn opt_u32(&mut self, key: &'static str) -> JsonResult<Option<u32>> {
        self.scalar(key, json_u32)
    }

    fn u64(&mut self, key: &'static str) -> JsonResult<u64> {
        Ok(self.opt_u64(key)?.unwrap_or_default())
    }

    fn opt_u64(&mut self, key: &'static str) -> JsonResult<Option<u64>> {
        self.scalar(key, |v, p| json_u64(v, p, "uint64", u64::MAX))
    }

    fn i32(&mut self, key: &'static str) -> JsonResult<i32> {
        Ok(self.scalar(key, json_i32)?.unwrap_or_default())
    }

    fn bool(&mut self, key: &'static str) -> JsonResult<bool> {
        Ok(self.opt_bool(key)?.unwrap_or_default())
    }

    fn opt_bool(&mut self, key: &'static str) -> JsonResult<Option<bool>> {
        self.scalar(key, |v, p| {
            v.as_bool().ok_or_else(|| wrong_type(p, "true or false", v))
        })
    }

    fn opt_string(&mut self, key: &'static str) -> JsonResult<Option<String>> {
        self.scalar(key, json_string)
    }

    fn enumeration<E: ProtoEnum>(&mut self, key: &'static str) -> JsonResult<i32> {
        Ok(self.opt_enumeration::<E>(key)?.unwrap_or_default())
    }

    fn opt_enumeration<E: ProtoEnum>(&mut self, key: &'static str) -> JsonResult<Option<i32>> {
        self.scalar(key, json_enum::<E>)
    }

    fn message<M: NodeJson>(&mut self, key: &'static str) -> JsonResult<Option<M>> {
        match self.get(key) {
            None => Ok(None),
            Some((v, path)) => read_message(v, path, self.ctx).map(Some),
        }
    }

    fn repeated_message<M: NodeJson>(&mut self, key: &'static str) -> JsonResult<Vec<M>> {
        let Some((v, path)) = self.get(key) else {
            return Ok(Vec::new());
        };
        json_array(v, &path)?
            .iter()
            .enumerate()
            .map(|(i, e)| read_message(e, format!("{path}[{i}]"), self.ctx))
            .collect()
    }

    /// Which member of a oneof is set (non-null), if any.
    fn oneof(&mut self, members: &[&'static str]) -> JsonResult<Option<&'static str>> {
        let mut set = members
            .iter()
            .copied()
            .filter(|k| self.map.get(*k).is_some_and(|v| !v.is_null()));
        match (set.next(), set.next()) {
            (Some(first), Some(second)) => Err(TxJsonError::OneofConflict {
                path: self.path.clone(),
                first,
                second,
            }),
            (first, _) => Ok(first),
        }
    }
}

struct Writer {
    map: Map<String, Value>,
    enc: BytesEncoding,
}

impl Writer {
    fn put(&mut self, key: &str, v: Value) {
        self.map.insert(key.to_string(), v);
    }

    fn bytes(&mut self, key: &str, b: &[u8]) {
        self.put(key, Value::String(self.enc.encode(b)));
    }

    fn opt_bytes(&mut self, key: &str, b: &Option<Vec<u8>>) {
        if let Some(b) = b {
            self.bytes(key, b);
        }
    }

    fn repeated_bytes(&mut self, key: &str, items: &[Vec<u8>]) {
        let enc = self.enc;
        let items = items.iter().map(|b| Value::String(enc.encode(b))).collect();
        self.put(key, Value::Array(items));
    }

    fn u32(&mut self, key: &str, n: u32) {
        self.put(key, Value::from(n));
    }

    fn opt_u32(&mut self, key: &str, n: Option<u32>) {
        if let Some(n) = n {
            self.u32(key, n);
        }
    }

    /// protojson writes 64-bit integers as strings.
    fn u64(&mut self, key: &str, n: u64) {
        self.put(key, Value::String(n.to_string()));
    }

    fn opt_u64(&mut self, key: &str, n: Option<u64>) {
        if let Some(n) = n {
            self.u64(key, n);
        }
    }

    fn i32(&mut self, key: &str, n: i32) {
        self.put(key, Value::from(n));
    }

    fn bool(&mut self, key: &str, b: bool) {
        self.put(key, Value::Bool(b));
    }

    fn opt_bool(&mut self, key: &str, b: Option<bool>) {
        if let Some(b) = b {
            self.bool(key, b);
        }
    }

    fn opt_string(&mut self, key: &str, s: &Option<String>) {
        if let Some(s) = s {
            self.put(key, Value::String(s.clone()));
        }
    }

    fn strings(&mut self, key: &str, items: &[String]) {
        let items = items.iter().cloned().map(Value::String).collect();
        self.put(key, Value::Array(items));
    }

    /// The value's name, or its number when it has none (as protojson does).
    fn enumeration<E: ProtoEnum>(&mut self, key: &str, n: i32) {
        let v = E::name_of(n).map_or_else(|| Value::from(n), |s| Value::String(s.to_string()));
        self.put(key, v);
    }

    fn opt_enumeration<E: ProtoEnum>(&mut self, key: &str, n: Option<i32>) {
        if let Some(n) = n {
            self.enumeration::<E>(key, n);
        }
    }

    /// A singular message field: `null` when unset.
    fn message<M: NodeJson>(&mut self, key: &str, m: &Option<M>) {
        let v = m
            .as_ref()
            .map_or(Value::Null, |m| write_message(m, self.enc));
        self.put(key, v);
    }

    /// An `optional` message field: omitted when unset.
    fn opt_message<M: NodeJson>(&mut self, key: &str, m: &Option<M>) {
        if let Some(m) = m {
            self.member(key, m);
        }
    }

    /// A set message field or oneof member.
    fn member<M: NodeJson>(&mut self, key: &str, m: &M) {
        self.put(key, write_message(m, self.enc));
    }

    fn repeated_message<M: NodeJson>(&mut self, key: &str, items: &[M]) {
        let items = items.iter().map(|m| write_message(m, self.enc)).collect();
        self.put(key, Value::Array(items));
    }
}

impl NodeJson for Tx {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        let payload = match o.oneof(&["vote", "newProcess", "admin", "setProcess"])? {
            Some("vote") => o.message("vote")?.map(TxPayload::Vote),
            Some("newProcess") => o.message("newProcess")?.map(TxPayload::NewProcess),
            Some("admin") => o.message("admin")?.map(TxPayload::Admin),
            Some("setProcess") => o.message("setProcess")?.map(TxPayload::SetProcess),
            _ => None,
        };
        Ok(Tx { payload })
    }

    fn write(&self, o: &mut Writer) {
        match &self.payload {
            Some(TxPayload::Vote(m)) => o.member("vote", m),
            Some(TxPayload::NewProcess(m)) => o.member("newProcess", m),
            Some(TxPayload::Admin(m)) => o.member("admin", m),
            Some(TxPayload::SetProcess(m)) => o.member("setProcess", m),
            None => {}
        }
    }
}

impl NodeJson for VoteEnvelope {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(VoteEnvelope {
            nonce: o.bytes("nonce")?,
            process_id: o.bytes("processId")?,
            proof: o.message("proof")?,
            vote_package: o.bytes("votePackage")?,
            nullifier: o.bytes("nullifier")?,
            encryption_key_indexes: o.repeated("encryptionKeyIndexes", json_u32)?,
            memo: o.opt_bytes("memo")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.bytes("nonce", &self.nonce);
        o.bytes("processId", &self.process_id);
        o.message("proof", &self.proof);
        o.bytes("votePackage", &self.vote_package);
        o.bytes("nullifier", &self.nullifier);
        let indexes = self.encryption_key_indexes.iter().map(|&i| Value::from(i));
        o.put("encryptionKeyIndexes", Value::Array(indexes.collect()));
        o.opt_bytes("memo", &self.memo);
    }
}

impl NodeJson for Proof {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        let payload = match o.oneof(&["ca", "arbo", "zkSnark", "farcasterFrame"])? {
            Some("ca") => o.message("ca")?.map(ProofPayload::Ca),
            Some("arbo") => o.message("arbo")?.map(ProofPayload::Arbo),
            Some("zkSnark") => o.message("zkSnark")?.map(ProofPayload::ZkSnark),
            Some("farcasterFrame") => o
                .message("farcasterFrame")?
                .map(ProofPayload::FarcasterFrame),
            _ => None,
        };
        Ok(Proof { payload })
    }

    fn write(&self, o: &mut Writer) {
        match &self.payload {
            Some(ProofPayload::Ca(m)) => o.member("ca", m),
            Some(ProofPayload::Arbo(m)) => o.member("arbo", m),
            Some(ProofPayload::ZkSnark(m)) => o.member("zkSnark", m),
            Some(ProofPayload::FarcasterFrame(m)) => o.member("farcasterFrame", m),
            None => {}
        }
    }
}

impl NodeJson for ProofArbo {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(ProofArbo {
            r#type: o.enumeration::<ProofArboType>("type")?,
            siblings: o.bytes("siblings")?,
            available_weight: o.bytes("availableWeight")?,
            key_type: o.enumeration::<ProofArboKeyType>("keyType")?,
            vote_weight: o.bytes("voteWeight")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.enumeration::<ProofArboType>("type", self.r#type);
        o.bytes("siblings", &self.siblings);
        o.bytes("availableWeight", &self.available_weight);
        o.enumeration::<ProofArboKeyType>("keyType", self.key_type);
        o.bytes("voteWeight", &self.vote_weight);
    }
}

impl NodeJson for ProofCa {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(ProofCa {
            r#type: o.enumeration::<ProofCaType>("type")?,
            bundle: o.message("bundle")?,
            signature: o.bytes("signature")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.enumeration::<ProofCaType>("type", self.r#type);
        o.message("bundle", &self.bundle);
        o.bytes("signature", &self.signature);
    }
}

impl NodeJson for CaBundle {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(CaBundle {
            process_id: o.bytes("processId")?,
            address: o.bytes("address")?,
            vote_weight: o.opt_bytes("voteWeight")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.bytes("processId", &self.process_id);
        o.bytes("address", &self.address);
        o.opt_bytes("voteWeight", &self.vote_weight);
    }
}

impl NodeJson for ProofZkSnark {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(ProofZkSnark {
            circuit_parameters_index: o.i32("circuitParametersIndex")?,
            a: o.repeated("a", json_string)?,
            b: o.repeated("b", json_string)?,
            c: o.repeated("c", json_string)?,
            public_inputs: o.repeated("publicInputs", json_string)?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.i32("circuitParametersIndex", self.circuit_parameters_index);
        o.strings("a", &self.a);
        o.strings("b", &self.b);
        o.strings("c", &self.c);
        o.strings("publicInputs", &self.public_inputs);
    }
}

impl NodeJson for ProofFarcasterFrame {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(ProofFarcasterFrame {
            signed_frame_message_body: o.bytes("signedFrameMessageBody")?,
            census_proof: o.message("censusProof")?,
            public_key: o.bytes("publicKey")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.bytes("signedFrameMessageBody", &self.signed_frame_message_body);
        o.message("censusProof", &self.census_proof);
        o.bytes("publicKey", &self.public_key);
    }
}

impl NodeJson for NewProcessTx {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(NewProcessTx {
            txtype: o.enumeration::<TxType>("txtype")?,
            nonce: o.u32("nonce")?,
            process: o.message("process")?,
            faucet_package: o.message("faucetPackage")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.enumeration::<TxType>("txtype", self.txtype);
        o.u32("nonce", self.nonce);
        o.message("process", &self.process);
        o.opt_message("faucetPackage", &self.faucet_package);
    }
}

impl NodeJson for FaucetPackage {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(FaucetPackage {
            payload: o.bytes("payload")?,
            signature: o.bytes("signature")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.bytes("payload", &self.payload);
        o.bytes("signature", &self.signature);
    }
}

impl NodeJson for Process {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(Process {
            process_id: o.bytes("processId")?,
            entity_id: o.bytes("entityId")?,
            start_block: o.u32("startBlock")?,
            block_count: o.u32("blockCount")?,
            census_root: o.bytes("censusRoot")?,
            census_uri: o.opt_string("censusURI")?,
            encryption_private_keys: o.repeated("encryptionPrivateKeys", json_string)?,
            encryption_public_keys: o.repeated("encryptionPublicKeys", json_string)?,
            key_index: o.opt_u32("keyIndex")?,
            status: o.enumeration::<ProcessStatus>("status")?,
            params_signature: o.opt_bytes("paramsSignature")?,
            namespace: o.u32("namespace")?,
            envelope_type: o.message("envelopeType")?,
            mode: o.message("mode")?,
            question_index: o.opt_u32("questionIndex")?,
            question_count: o.opt_u32("questionCount")?,
            vote_options: o.message("voteOptions")?,
            census_origin: o.enumeration::<CensusOrigin>("censusOrigin")?,
            results: o.message("results")?,
            eth_index_slot: o.opt_u32("ethIndexSlot")?,
            source_block_height: o.opt_u64("sourceBlockHeight")?,
            owner: o.opt_bytes("owner")?,
            metadata: o.opt_string("metadata")?,
            source_network_id: o.enumeration::<SourceNetworkId>("sourceNetworkId")?,
            max_census_size: o.u64("maxCensusSize")?,
            rolling_census_root: o.opt_bytes("rollingCensusRoot")?,
            rolling_census_size: o.opt_u64("rollingCensusSize")?,
            nullifiers_root: o.opt_bytes("nullifiersRoot")?,
            source_network_contract_addr: o.opt_bytes("sourceNetworkContractAddr")?,
            token_decimals: o.opt_u32("tokenDecimals")?,
            temp_siks: o.opt_bool("tempSIKs")?,
            start_time: o.u32("startTime")?,
            duration: o.u32("duration")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.bytes("processId", &self.process_id);
        o.bytes("entityId", &self.entity_id);
        o.u32("startBlock", self.start_block);
        o.u32("blockCount", self.block_count);
        o.bytes("censusRoot", &self.census_root);
        o.opt_string("censusURI", &self.census_uri);
        o.strings("encryptionPrivateKeys", &self.encryption_private_keys);
        o.strings("encryptionPublicKeys", &self.encryption_public_keys);
        o.opt_u32("keyIndex", self.key_index);
        o.enumeration::<ProcessStatus>("status", self.status);
        o.opt_bytes("paramsSignature", &self.params_signature);
        o.u32("namespace", self.namespace);
        o.message("envelopeType", &self.envelope_type);
        o.message("mode", &self.mode);
        o.opt_u32("questionIndex", self.question_index);
        o.opt_u32("questionCount", self.question_count);
        o.message("voteOptions", &self.vote_options);
        o.enumeration::<CensusOrigin>("censusOrigin", self.census_origin);
        o.message("results", &self.results);
        o.opt_u32("ethIndexSlot", self.eth_index_slot);
        o.opt_u64("sourceBlockHeight", self.source_block_height);
        o.opt_bytes("owner", &self.owner);
        o.opt_string("metadata", &self.metadata);
        o.enumeration::<SourceNetworkId>("sourceNetworkId", self.source_network_id);
        o.u64("maxCensusSize", self.max_census_size);
        o.opt_bytes("rollingCensusRoot", &self.rolling_census_root);
        o.opt_u64("rollingCensusSize", self.rolling_census_size);
        o.opt_bytes("nullifiersRoot", &self.nullifiers_root);
        o.opt_bytes(
            "sourceNetworkContractAddr",
            &self.source_network_contract_addr,
        );
        o.opt_u32("tokenDecimals", self.token_decimals);
        o.opt_bool("tempSIKs", self.temp_siks);
        o.u32("startTime", self.start_time);
        o.u32("duration", self.duration);
    }
}

impl NodeJson for EnvelopeType {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(EnvelopeType {
            serial: o.bool("serial")?,
            anonymous: o.bool("anonymous")?,
            encrypted_votes: o.bool("encryptedVotes")?,
            unique_values: o.bool("uniqueValues")?,
            cost_from_weight: o.bool("costFromWeight")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.bool("serial", self.serial);
        o.bool("anonymous", self.anonymous);
        o.bool("encryptedVotes", self.encrypted_votes);
        o.bool("uniqueValues", self.unique_values);
        o.bool("costFromWeight", self.cost_from_weight);
    }
}

impl NodeJson for ProcessMode {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(ProcessMode {
            auto_start: o.bool("autoStart")?,
            interruptible: o.bool("interruptible")?,
            dynamic_census: o.bool("dynamicCensus")?,
            encrypted_meta_data: o.bool("encryptedMetaData")?,
            pre_register: o.bool("preRegister")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.bool("autoStart", self.auto_start);
        o.bool("interruptible", self.interruptible);
        o.bool("dynamicCensus", self.dynamic_census);
        o.bool("encryptedMetaData", self.encrypted_meta_data);
        o.bool("preRegister", self.pre_register);
    }
}

impl NodeJson for ProcessVoteOptions {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(ProcessVoteOptions {
            max_count: o.u32("maxCount")?,
            max_value: o.u32("maxValue")?,
            max_vote_overwrites: o.u32("maxVoteOverwrites")?,
            max_total_cost: o.u32("maxTotalCost")?,
            cost_exponent: o.u32("costExponent")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.u32("maxCount", self.max_count);
        o.u32("maxValue", self.max_value);
        o.u32("maxVoteOverwrites", self.max_vote_overwrites);
        o.u32("maxTotalCost", self.max_total_cost);
        o.u32("costExponent", self.cost_exponent);
    }
}

impl NodeJson for ProcessResult {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(ProcessResult {
            votes: o.repeated_message("votes")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.repeated_message("votes", &self.votes);
    }
}

impl NodeJson for QuestionResult {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(QuestionResult {
            question: o.repeated_bytes("question")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.repeated_bytes("question", &self.question);
    }
}

impl NodeJson for AdminTx {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(AdminTx {
            txtype: o.enumeration::<TxType>("txtype")?,
            process_id: o.bytes("processId")?,
            address: o.opt_bytes("address")?,
            encryption_private_key: o.opt_bytes("encryptionPrivateKey")?,
            encryption_public_key: o.opt_bytes("encryptionPublicKey")?,
            key_index: o.opt_u32("keyIndex")?,
            power: o.opt_u64("power")?,
            public_key: o.opt_bytes("publicKey")?,
            nonce: o.u32("nonce")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.enumeration::<TxType>("txtype", self.txtype);
        o.bytes("processId", &self.process_id);
        o.opt_bytes("address", &self.address);
        o.opt_bytes("encryptionPrivateKey", &self.encryption_private_key);
        o.opt_bytes("encryptionPublicKey", &self.encryption_public_key);
        o.opt_u32("keyIndex", self.key_index);
        o.opt_u64("power", self.power);
        o.opt_bytes("publicKey", &self.public_key);
        o.u32("nonce", self.nonce);
    }
}

impl NodeJson for SetProcessTx {
    fn read(o: &mut Reader<'_, '_>) -> JsonResult<Self> {
        Ok(SetProcessTx {
            txtype: o.enumeration::<TxType>("txtype")?,
            nonce: o.u32("nonce")?,
            process_id: o.bytes("processId")?,
            status: o.opt_enumeration::<ProcessStatus>("status")?,
            question_index: o.opt_u32("questionIndex")?,
            census_root: o.opt_bytes("censusRoot")?,
            census_uri: o.opt_string("censusURI")?,
            proof: o.message("proof")?,
            results: o.message("results")?,
            temp_siks: o.opt_bool("tempSIKs")?,
            duration: o.opt_u32("duration")?,
            census_size: o.opt_u64("censusSize")?,
            faucet_package: o.message("faucetPackage")?,
        })
    }

    fn write(&self, o: &mut Writer) {
        o.enumeration::<TxType>("txtype", self.txtype);
        o.u32("nonce", self.nonce);
        o.bytes("processId", &self.process_id);
        o.opt_enumeration::<ProcessStatus>("status", self.status);
        o.opt_u32("questionIndex", self.question_index);
        o.opt_bytes("censusRoot", &self.census_root);
        o.opt_string("censusURI", &self.census_uri);
        o.opt_message("proof", &self.proof);
        o.opt_message("results", &self.results);
        o.opt_bool("tempSIKs", self.temp_siks);
        o.opt_u32("duration", self.duration);
        o.opt_u64("censusSize", self.census_size);
        o.opt_message("faucetPackage", &self.faucet_package);
    }
}

// ----------------------------------------------------------------------------------------------
// JSON scalars (protojson accepts integers as numbers or decimal strings)
// ----------------------------------------------------------------------------------------------

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            format!("string {:?}…", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn wrong_type(path: &str, expected: &'static str, v: &Value) -> TxJsonError {
    TxJsonError::WrongType {
        path: if path.is_empty() {
            "$".into()
        } else {
            path.into()
        },
        expected,
        found: describe(v),
    }
}

fn hex_error(e: hex_bytes::HexError) -> TxJsonError {
    TxJsonError::BadBytes {
        path: e.field,
        encoding: "hex",
        reason: e.reason,
    }
}

fn as_object<'a>(v: &'a Value, path: &str) -> JsonResult<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| wrong_type(path, "an object", v))
}

fn json_array<'a>(v: &'a Value, path: &str) -> JsonResult<&'a Vec<Value>> {
    v.as_array().ok_or_else(|| wrong_type(path, "an array", v))
}

fn json_string(v: &Value, path: &str) -> JsonResult<String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| wrong_type(path, "a string", v))
}

fn json_u64(v: &Value, path: &str, ty: &'static str, max: u64) -> JsonResult<u64> {
    let out_of_range = |value: String| TxJsonError::OutOfRange {
        path: path.to_string(),
        ty,
        value,
    };
    let n = match v {
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(n), _) => n,
            (None, Some(neg)) => return Err(out_of_range(neg.to_string())),
            (None, None) => return Err(wrong_type(path, "an integer", v)),
        },
        Value::String(s) => match s.parse::<u64>() {
            Ok(n) => n,
            Err(_) if s.parse::<i64>().is_ok() => return Err(out_of_range(s.clone())),
            Err(_) if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) => {
                return Err(out_of_range(s.clone()))
            }
            Err(_) => return Err(wrong_type(path, "an integer", v)),
        },
        _ => return Err(wrong_type(path, "an integer", v)),
    };
    if n > max {
        return Err(out_of_range(n.to_string()));
    }
    Ok(n)
}

fn json_u32(v: &Value, path: &str) -> JsonResult<u32> {
    let n = json_u64(v, path, "uint32", u32::MAX.into())?;
    u32::try_from(n).map_err(|_| TxJsonError::OutOfRange {
        path: path.to_string(),
        ty: "uint32",
        value: n.to_string(),
    })
}

fn json_i32(v: &Value, path: &str) -> JsonResult<i32> {
    let n: Option<i64> = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse::<i64>().ok(),
        _ => None,
    };
    let Some(n) = n else {
        return Err(wrong_type(path, "an integer", v));
    };
    i32::try_from(n).map_err(|_| TxJsonError::OutOfRange {
        path: path.to_string(),
        ty: "int32",
        value: n.to_string(),
    })
}

fn json_enum<E: ProtoEnum>(v: &Value, path: &str) -> JsonResult<i32> {
    match v {
        Value::String(s) => E::value_of(s).ok_or_else(|| TxJsonError::UnknownEnum {
            path: path.to_string(),
            enum_name: E::PROTO_NAME,
            value: s.clone(),
        }),
        Value::Number(_) => json_i32(v, path),
        _ => Err(wrong_type(path, "an enum name or number", v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(seen: &[(&str, &str)]) -> Vec<(String, String)> {
        seen.iter()
            .map(|(p, s)| (p.to_string(), s.to_string()))
            .collect()
    }

    #[test]
    fn detection() {
        assert_eq!(detect_bytes_encoding(&[]), Ok(None));
        let hex = paths(&[("a", "00ff"), ("b", "0123456789abcdef0123")]);
        assert_eq!(detect_bytes_encoding(&hex), Ok(Some(BytesEncoding::Hex)));
        let b64 = paths(&[("a", "AP8="), ("b", "abcd")]);
        assert_eq!(detect_bytes_encoding(&b64), Ok(Some(BytesEncoding::Base64)));
        let mixed = paths(&[("a", "0123456789abcdef0123"), ("b", "AP8=")]);
        assert_eq!(
            detect_bytes_encoding(&mixed),
            Err(TxJsonError::NotHex {
                path: "b".into(),
                hex_path: "a".into()
            })
        );
    }

    #[test]
    fn integers_as_numbers_or_strings() {
        assert_eq!(
            json_u64(&json!("18446744073709551615"), "p", "uint64", u64::MAX),
            Ok(u64::MAX)
        );
        assert_eq!(json_u32(&json!(7), "p"), Ok(7));
        assert_eq!(json_u32(&json!("7"), "p"), Ok(7));
        assert_eq!(json_i32(&json!(-3), "p"), Ok(-3));
    }

    #[test]
    fn integer_errors() {
        assert!(matches!(
            json_u32(&json!(4294967296u64), "x"),
            Err(TxJsonError::OutOfRange { ty: "uint32", .. })
        ));
        assert!(matches!(
            json_u32(&json!(-1), "x"),
            Err(TxJsonError::OutOfRange { .. })
        ));
        assert!(matches!(
            json_u64(&json!("99999999999999999999"), "x", "uint64", u64::MAX),
            Err(TxJsonError::OutOfRange { .. })
        ));
        assert!(matches!(
            json_u32(&json!(1.5), "x"),
            Err(TxJsonError::WrongType { .. })
        ));
        assert!(matches!(
            json_i32(&json!("abc"), "x"),
            Err(TxJsonError::WrongType { .. })
        ));
    }

    #[test]
    fn long_strings_cut_in_errors() {
        let s = "é".repeat(50);
        let d = describe(&Value::String(s));
        assert!(d.ends_with('…'), "{d}");
    }
}
