//! Node API v2 responses, each mirroring the vocdoni-node Go type that marshals it
//! (`vocdoni/vocdoni-node@8e2adfd0bd7fea51f3a9ada98c834baa8f131518`, read 2026-12-05):
//! `api/api_types.go`, `api/metadata_types.go`, `vochain/indexer/indexertypes/types.go`,
//! `types/encoding.go` (`HexBytes`: hex without `0x`) and `types/big.go` (`BigInt`: decimal
//! string). The handlers in `api/*.go` pass the bytes through `convertKeysToCamel` where noted.
//!
//! Hex fields stay `String` here (the node writes lowercase hex without `0x`); decoding into
//! typed bytes happens where a check needs them, so a malformed value becomes a located finding
//! instead of a failed parse of the whole response. Big integers stay decimal strings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Error body of every failing route: `{"error": "<text>", "code": <int>}`, as
/// `httprouter/apirest/apirest.go` `APIerror.MarshalJSON` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub code: u32,
}

/// Node error codes an auditor meets (`api/errors.go`).
pub mod codes {
    /// 404: election not found.
    pub const ELECTION_NOT_FOUND: u32 = 4045;
    /// 404: vote not found.
    pub const VOTE_NOT_FOUND: u32 = 4024;
    /// 404: page past the last one (modern paginated routes).
    pub const PAGE_NOT_FOUND: u32 = 4057;
    /// 404: the election has no encryption keys.
    pub const NO_ELECTION_KEYS: u32 = 4047;
    /// HTTP 204: transaction not found.
    pub const TX_NOT_FOUND: u32 = 4007;
    /// HTTP 500: results not yet available (scrutiny before RESULTS).
    pub const RESULTS_NOT_AVAILABLE: u32 = 5024;
}

/// `voteMode`: `api.VoteMode`, a `*models.EnvelopeType` written by protojson with
/// `EmitUnpopulated` (every flag present).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VoteMode {
    pub serial: bool,
    pub anonymous: bool,
    pub encrypted_votes: bool,
    pub unique_values: bool,
    pub cost_from_weight: bool,
}

/// `electionMode`: `api.ElectionMode`, a `*models.ProcessMode` written by protojson.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ElectionMode {
    pub auto_start: bool,
    pub interruptible: bool,
    pub dynamic_census: bool,
    pub encrypted_meta_data: bool,
    pub pre_register: bool,
}

/// `tallyMode`: `api.TallyMode`, a `*models.ProcessVoteOptions` written by protojson; its
/// fields are `uint32`, which protojson writes as numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TallyMode {
    pub max_count: u32,
    pub max_value: u32,
    pub max_vote_overwrites: u32,
    pub max_total_cost: u32,
    pub cost_exponent: u32,
}

/// `census` of an election: `api.ElectionCensus` (`censusRoot`, `postRegisterCensusRoot`:
/// `HexBytes`; `maxCensusSize`: `uint64`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ElectionCensus {
    /// Enum name, e.g. `OFF_CHAIN_TREE_WEIGHTED`, `OFF_CHAIN_CA`.
    pub census_origin: String,
    /// Hex: an arbo root (32 bytes) or a CSP public key (33 bytes compressed).
    pub census_root: String,
    pub post_register_census_root: String,
    #[serde(rename = "censusURL")]
    pub census_url: String,
    pub max_census_size: u64,
}

/// `GET /elections/{id}`: `api.Election`, which embeds `api.ElectionSummary` (`startDate`,
/// `endDate`, `creationTime`: `time.Time`; `result`: `[][]*types.BigInt`, `omitempty`;
/// `keyRevealHeight`: `uint32`, `omitempty`; `census`: pointer, `omitempty`; `metadata`: `any`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Election {
    pub election_id: String,
    pub organization_id: String,
    pub status: String,
    /// RFC 3339; exact start of the voting window.
    #[serde(default)]
    pub start_date: String,
    /// RFC 3339; may be moved to the results block's time (vochain-api.md §1.3).
    #[serde(default)]
    pub end_date: String,
    #[serde(default)]
    pub vote_count: u64,
    #[serde(default)]
    pub final_results: bool,
    /// Decimal strings `[question][value]`; absent until the indexer has results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Vec<Vec<String>>>,
    #[serde(default)]
    pub manually_ended: bool,
    #[serde(default)]
    pub chain_id: String,
    /// 2026 addition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// 2026 addition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_reveal_height: Option<u64>,
    /// 2026 addition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_reveal_tx_hash: Option<String>,
    #[serde(default)]
    pub census: ElectionCensus,
    #[serde(default, rename = "metadataURL")]
    pub metadata_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<String>,
    #[serde(default)]
    pub vote_mode: VoteMode,
    #[serde(default)]
    pub election_mode: ElectionMode,
    #[serde(default)]
    pub tally_mode: TallyMode,
    /// The metadata re-serialised by the node (see [`ElectionMetadata`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

impl Election {
    /// The tally parameters the node applies to this election (`tallyMode` + `voteMode` flags).
    pub fn tally_params(&self) -> crate::protocol::tally::TallyParams {
        let (t, v) = (&self.tally_mode, &self.vote_mode);
        crate::protocol::tally::TallyParams {
            max_count: t.max_count,
            max_value: t.max_value,
            max_total_cost: t.max_total_cost,
            cost_exponent: t.cost_exponent,
            max_vote_overwrites: t.max_vote_overwrites,
            unique_values: v.unique_values,
            cost_from_weight: v.cost_from_weight,
        }
    }
}

/// The parts of `api.ElectionMetadata` (`api/metadata_types.go`) a report shows; `questions`
/// is `omitempty` and a nil `choices` is `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ElectionMetadata {
    pub title: serde_json::Value,
    pub description: serde_json::Value,
    #[serde(deserialize_with = "super::go_nil")]
    pub questions: Vec<MetadataQuestion>,
    /// `type` (`api.ElectionProperties`): how the app reads the results matrix.
    #[serde(rename = "type", deserialize_with = "super::or_default")]
    pub kind: ElectionType,
}

/// `api.ElectionProperties` (`api/metadata_types.go`, vocdoni-node `8e2adfd0`): `name` is the
/// SDK's `ElectionResultsTypeNames` (`single-choice-multiquestion`, `multiple-choice`,
/// `approval`, `budget`, `quadratic`), `properties` is `any` — for `multiple-choice` the SDK
/// writes `canAbstain`, `abstainValues` (decimal strings), `repeatChoice` and `numChoices`
/// (vocdoni-sdk `src/types/election/multichoice.ts`, `77b5a98`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ElectionType {
    pub name: String,
    pub properties: serde_json::Value,
}

impl ElectionType {
    /// The results columns that mean "abstain" (`properties.abstainValues`, strings or numbers);
    /// empty when the properties name none or are not an object.
    pub fn abstain_values(&self) -> Vec<u64> {
        let Some(values) = self
            .properties
            .get("abstainValues")
            .and_then(|v| v.as_array())
        else {
            return Vec::new();
        };
        values
            .iter()
            .filter_map(|v| match v {
                serde_json::Value::String(s) => s.trim().parse().ok(),
                other => other.as_u64(),
            })
            .collect()
    }
}

/// One question of the metadata (`api.Question`, `api/metadata_types.go`);
/// `choices[].value` is the results column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetadataQuestion {
    pub title: serde_json::Value,
    pub description: serde_json::Value,
    #[serde(deserialize_with = "super::go_nil")]
    pub choices: Vec<MetadataChoice>,
}

/// One choice of a metadata question (`api.ChoiceMetadata`: `value` is `uint32`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetadataChoice {
    pub title: serde_json::Value,
    pub value: u64,
}

/// `GET /elections/{id}/metadata/history`. No Go type serves it at vocdoni-node `8e2adfd0` (the
/// pinned commit does not register the route), so it is modelled on its published client type:
/// vocdoni-sdk `IElectionMetadataHistoryResponse { versions: IElectionMetadataVersion[] }`
/// (`src/api/election.ts` of a version newer than the pinned `77b5a98`), versions oldest first.
/// A `null` list (a nil Go slice) is empty; a body without `versions` is not this route's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataHistory {
    #[serde(deserialize_with = "super::go_nil")]
    pub versions: Vec<MetadataVersion>,
}

/// One version: vocdoni-sdk `IElectionMetadataVersion { metadataURL: string; metadataHash?:
/// string; blockHeight: number; txIndex: number; txHash: string; timestamp: string }`.
/// vocdoni-node's end2end test compares `Versions[i].MetadataHash` as bytes, so the hash is a
/// `HexBytes` (hex; a `0x` prefix is accepted too), the SHA-256 of the document's exact bytes,
/// omitted when the version records none. Every field is read leniently: a value of the wrong
/// type reads as absent (empty, 0), so one bad field costs that field only. Vocdoni's own
/// verifier (`@vocdoni/metadata-verify`) reads a Go zero time or an unparsable timestamp as
/// unknown and `blockHeight` 0 as "transaction not located"; [`MetadataVersion::height`] and
/// [`MetadataVersion::time`] do the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataVersion {
    #[serde(
        rename = "metadataURL",
        default,
        deserialize_with = "super::or_default"
    )]
    pub metadata_url: String,
    #[serde(
        default,
        deserialize_with = "super::or_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub metadata_hash: Option<String>,
    #[serde(default, deserialize_with = "super::or_default")]
    pub block_height: u64,
    #[serde(default, deserialize_with = "super::or_default")]
    pub tx_index: u32,
    #[serde(default, deserialize_with = "super::or_default")]
    pub tx_hash: String,
    #[serde(default, deserialize_with = "super::or_default")]
    pub timestamp: String,
}

impl MetadataVersion {
    /// The recorded SHA-256: `None` when none is recorded, `Err` (with the value) when what is
    /// recorded is not 32 bytes of hex.
    pub fn recorded_hash(&self) -> Option<Result<[u8; 32], String>> {
        let text = self.metadata_hash.as_deref()?.trim();
        if text.is_empty() {
            return None;
        }
        let digits = text
            .strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))
            .unwrap_or(text);
        Some(
            hex::decode(digits)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                .ok_or_else(|| text.to_string()),
        )
    }

    /// The block of the transaction that set this version; `None` for 0 (not located).
    pub fn height(&self) -> Option<u64> {
        (self.block_height > 0).then_some(self.block_height)
    }

    /// The transaction hash, lowercase without `0x`; `None` when empty.
    pub fn tx(&self) -> Option<String> {
        let t = self.tx_hash.trim();
        let t = t.strip_prefix("0x").unwrap_or(t);
        (!t.is_empty()).then(|| t.to_ascii_lowercase())
    }

    /// Unix seconds of `timestamp`; `None` when it does not parse as RFC 3339 or is Go's zero
    /// time (`0001-01-01T00:00:00Z`).
    pub fn time(&self) -> Option<i64> {
        chrono::DateTime::parse_from_rfc3339(self.timestamp.trim())
            .ok()
            .map(|t| t.timestamp())
            .filter(|t| *t > GO_ZERO_TIME_UNIX)
    }
}

/// Unix seconds of Go's zero `time.Time` (`0001-01-01T00:00:00Z`).
const GO_ZERO_TIME_UNIX: i64 = -62_135_596_800;

/// One entry of `/elections/{id}/keys`: `api.Key` (`index`: `int`; `key`: `HexBytes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionKey {
    /// Slot in the 16-key array (1..15 in practice).
    pub index: u32,
    /// 32-byte X25519 key, hex.
    pub key: String,
}

/// `GET /elections/{id}/keys` (from state): `api.ElectionKeys`, both lists `omitempty`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ElectionKeys {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub public_keys: Vec<ElectionKey>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub private_keys: Vec<ElectionKey>,
}

/// `GET /elections/{id}/scrutiny` (consensus results, only once RESULTS): `api.ElectionResults`
/// (`results`: `[][]*types.BigInt`, no `omitempty`, so nil is `null`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Scrutiny {
    pub abi_encoded: String,
    pub census_root: String,
    pub election_id: String,
    pub organization_id: String,
    #[serde(deserialize_with = "super::go_nil")]
    pub results: Vec<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_contract_address: Option<String>,
}

/// `GET /elections/{id}/votes/count`: `api.CountResult` (`count`: `uint64`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteCount {
    pub count: u64,
}

/// The `pagination` object of modern list routes: `api.Pagination` (`uint64`s; the
/// previous/next pages are pointers, `null` at the ends).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    pub total_items: u64,
    pub previous_page: Option<u64>,
    pub current_page: u64,
    pub next_page: Option<u64>,
    pub last_page: u64,
}

/// One row of a vote list (no package, no weight: those need `/votes/{id}`): `api.Vote` with
/// only the list's fields set (every field is `omitempty`; `blockHeight`: `uint32`;
/// `transactionIndex`: `*int32`; `blockTime`: `*time.Time`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoteRow {
    #[serde(default)]
    pub tx_hash: String,
    #[serde(rename = "voteID")]
    pub vote_id: String,
    #[serde(rename = "voterID", default, skip_serializing_if = "Option::is_none")]
    pub voter_id: Option<String>,
    /// Absent on the legacy `/elections/{id}/votes/page/{n}` route.
    #[serde(
        rename = "electionID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub election_id: Option<String>,
    #[serde(default)]
    pub block_height: u64,
    #[serde(default)]
    pub transaction_index: u32,
    /// 2026 addition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_time: Option<String>,
}

/// `GET /votes?electionId=…&page=&limit=` (and the legacy page route, without `pagination`):
/// `api.VotesList`; a nil `votes` is `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteList {
    #[serde(default, deserialize_with = "super::go_nil")]
    pub votes: Vec<VoteRow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
}

/// `GET /votes/{voteId}`: `api.Vote` (every field `omitempty`; `package`: `json.RawMessage`;
/// `weight`: `big.Int.String()`; `overwriteCount`: `*uint32`; `memo`: `[]byte`, base64;
/// `date`: `*time.Time`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoteDetail {
    /// Tx of the latest (overwriting) envelope; omitted if the tx is not indexed.
    #[serde(default)]
    pub tx_hash: String,
    #[serde(rename = "voteID")]
    pub vote_id: String,
    /// Key indexes used to encrypt (encrypted elections only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encryption_keys: Vec<u32>,
    /// The stored package verbatim when it is JSON, the server-decrypted package once keys are
    /// revealed, or `{"encrypted": "<base64>"}` before that.
    pub package: Box<RawValue>,
    /// Decimal big integer as stored in state.
    #[serde(default)]
    pub weight: String,
    #[serde(rename = "electionID", default)]
    pub election_id: String,
    #[serde(rename = "voterID", default, skip_serializing_if = "Option::is_none")]
    pub voter_id: Option<String>,
    #[serde(default)]
    pub block_height: u64,
    #[serde(default)]
    pub transaction_index: u32,
    #[serde(default)]
    pub overwrite_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    /// Block time of the (latest) vote, RFC 3339.
    #[serde(default)]
    pub date: String,
}

/// `txInfo` of `/chain/transactions/{hash}`: `indexertypes.Transaction`, which embeds
/// `*TransactionMetadata` (`vochain/indexer/indexertypes/types.go`: `height`: `uint32`,
/// `index`: `int32`, `hash`/`signer`: `HexBytes`); accepts the pre-2024 names too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TxInfo {
    #[serde(alias = "transactionHash")]
    pub hash: String,
    #[serde(alias = "blockHeight")]
    pub height: u64,
    #[serde(alias = "transactionIndex")]
    pub index: u32,
    #[serde(rename = "type", alias = "transactionType")]
    pub tx_type: String,
    pub subtype: String,
    pub signer: String,
}

/// `GET /chain/transactions?page&limit&type&subtype&height…`: `api.TransactionsList`
/// (`api/api_types.go`; rows are `indexertypes.TransactionMetadata`, the same fields as
/// [`TxInfo`]; newest first, `indexer/queries/transactions.sql: SearchTransactions`). The same
/// row alone answers `GET /chain/transactions/reference/{hash}` (`api/chain.go:
/// chainTxRefByHashHandler`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionList {
    #[serde(default)]
    pub transactions: Option<Vec<TxInfo>>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
}

/// `GET /chain/transactions/{hash}`: `api.GenericTransactionWithInfo` — the decoded `Tx` as
/// protojson (`json.RawMessage`; bytes as hex on modern nodes, base64 on old ones), its info
/// and the signature (`HexBytes`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionResponse {
    pub tx: Box<RawValue>,
    #[serde(default)]
    pub tx_info: TxInfo,
    #[serde(default)]
    pub signature: String,
}

/// The filled part of a CometBFT header as the indexer serves it: `comettypes.Header` written by
/// `encoding/json` and camel-cased by `convertKeysToCamel` (`height`: `int64`; `time`:
/// `time.Time`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BlockHeader {
    pub chain_id: String,
    pub height: u64,
    /// RFC 3339.
    pub time: String,
    pub proposer_address: String,
}

/// `GET /chain/blocks/{height}`: `api.Block` (`hash`: `HexBytes`; `txCount`: `int64`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Block {
    pub header: BlockHeader,
    pub hash: String,
    pub tx_count: u64,
}

/// `GET /chain/info` (the fields an audit records): `api.ChainInfo` (`height`,
/// `initialHeight`: `uint32`; `blockTimestamp`: `int64`; `genesisTime`: `time.Time`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ChainInfo {
    pub chain_id: String,
    pub height: u64,
    /// Unix seconds of the last block.
    pub block_timestamp: i64,
    pub genesis_time: String,
    pub initial_height: u64,
    pub election_count: u64,
    pub vote_count: u64,
    pub transaction_count: u64,
    /// `circuitVersion`: the zk circuit the node verifies anonymous votes with now.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub circuit_version: String,
}

/// `GET /chain/info/circuit`: the node's zk circuit configuration, `circuit.Config` of
/// vocdoni-node `crypto/zk/circuit/config.go` (commit `8e2adfd0`) marshalled by `encoding/json`:
/// `Version` and `PublicSignals` carry no tag (Go field names), hashes are `types.HexBytes` (hex
/// strings). Evidence to compare with the keys vocaudit holds, never a key to trust.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CircuitConfig {
    #[serde(rename = "Version")]
    pub version: String,
    pub uri: String,
    #[serde(rename = "circuitPath")]
    pub circuit_path: String,
    pub levels: i64,
    #[serde(rename = "zKeyHash")]
    pub proving_key_hash: String,
    #[serde(rename = "zKeyFilename")]
    pub proving_key_filename: String,
    #[serde(rename = "vKeyHash")]
    pub verification_key_hash: String,
    #[serde(rename = "vKeyFilename")]
    pub verification_key_filename: String,
    #[serde(rename = "wasmHash")]
    pub wasm_hash: String,
    #[serde(rename = "wasmFilename")]
    pub wasm_filename: String,
    #[serde(rename = "PublicSignals")]
    pub public_signals: BTreeMap<String, i64>,
}

/// `GET /siks/roots`: the SIK-tree roots valid *now* (the last 32 blocks' and the newest before
/// them), an anonymous struct of vocdoni-node `api/siks.go` `sikValidRootsHandler` (commit
/// `8e2adfd0`): `{"sikroots": [hex…]}`, `null` when there is none (a nil Go slice).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SikRoots {
    pub sikroots: Option<Vec<String>>,
}

/// `GET /accounts/{address}`: `api.Account` (`api/api_types.go`; `nonce`, `electionIndex`:
/// `uint32`; `balance`: `uint64`; `infoURL`, `metadata`: `omitempty`). The node fills `metadata`
/// from the account's `infoURL` on IPFS (`api/accounts.go`, 5 s timeout), so it may be absent
/// even when the organisation published one. Read only for the organisation's name in the
/// report header; no check depends on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Account {
    pub address: String,
    pub nonce: u32,
    pub balance: u64,
    pub election_index: u32,
    #[serde(rename = "infoURL", skip_serializing_if = "String::is_empty")]
    pub info_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AccountMetadata>,
    pub sik: String,
}

/// `api.AccountMetadata` (`api/metadata_types.go`): only `name` is read. `LanguageString` is a
/// `map[string]string` (Go writes its keys sorted), `{"default": "…", "ca": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountMetadata {
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub name: std::collections::BTreeMap<String, String>,
}

/// Sealed-box-before-reveal form of a vote package: `{"encrypted": "<base64>"}` (the node's
/// `api/vote.go` wraps the stored bytes when the keys are not yet revealed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedPackage {
    pub encrypted: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn election_tolerates_unknown_and_missing_fields() {
        let e: Election = serde_json::from_str(
            r#"{"electionId":"aa","organizationId":"bb","status":"RESULTS","voteCount":3,
                "census":{"censusOrigin":"OFF_CHAIN_CA","censusRoot":"02ab","censusURL":"https://csp"},
                "tallyMode":{"maxCount":2,"maxValue":1,"maxVoteOverwrites":0,"maxTotalCost":0,"costExponent":1},
                "brandNewField":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(e.vote_count, 3);
        assert_eq!(e.census.census_url, "https://csp");
        assert_eq!(e.tally_mode.max_count, 2);
        assert!(e.result.is_none());
        assert_eq!(e.start_date, "");
    }

    /// The metadata history route read leniently: a bad field is absent, `0x` hashes and Go
    /// zero times are understood, a body without `versions` is not the route's.
    #[rstest::rstest]
    #[case::complete(
        r#"{"versions":[{"metadataURL":"ipfs://Qm1","metadataHash":"ABAB","blockHeight":7,"txIndex":1,"txHash":"0xCD","timestamp":"2026-01-02T03:04:05Z"}]}"#,
        Some("ipfs://Qm1"), Some(Some(false)), Some(7), Some("cd"), Some(1_767_323_045)
    )]
    #[case::hash_absent(
        r#"{"versions":[{"metadataURL":"https://x/m.json","blockHeight":0,"txHash":"","timestamp":"0001-01-01T00:00:00Z"}]}"#,
        Some("https://x/m.json"), Some(None), None, None, None
    )]
    #[case::garbage_fields(
        r#"{"versions":[{"metadataURL":7,"metadataHash":{"x":1},"blockHeight":"12","txIndex":-1,"txHash":null,"timestamp":"yesterday"}]}"#,
        Some(""), Some(None), None, None, None
    )]
    #[case::null_list(r#"{"versions":null}"#, None, None, None, None, None)]
    fn metadata_history_reads_leniently(
        #[case] body: &str,
        #[case] url: Option<&str>,
        #[case] hash: Option<Option<bool>>,
        #[case] height: Option<u64>,
        #[case] tx: Option<&str>,
        #[case] time: Option<i64>,
    ) {
        let h: MetadataHistory = serde_json::from_str(body).unwrap();
        let Some(v) = h.versions.first() else {
            assert!(url.is_none());
            return;
        };
        assert_eq!(Some(v.metadata_url.as_str()), url);
        assert_eq!(
            v.recorded_hash().map(|r| r.is_ok()),
            hash.flatten(),
            "ABAB is hex but not 32 bytes"
        );
        assert_eq!(v.height(), height);
        assert_eq!(v.tx().as_deref(), tx);
        assert_eq!(v.time(), time);
    }

    #[test]
    fn metadata_hash_accepts_0x_and_refuses_garbage() {
        let v = |h: &str| MetadataVersion {
            metadata_hash: Some(h.into()),
            ..MetadataVersion::default()
        };
        let hex64 = "ab".repeat(32);
        assert_eq!(v(&hex64).recorded_hash(), Some(Ok([0xab; 32])));
        assert_eq!(
            v(&format!("0x{hex64}")).recorded_hash(),
            Some(Ok([0xab; 32]))
        );
        assert_eq!(v("zz").recorded_hash(), Some(Err("zz".into())));
        assert_eq!(v("").recorded_hash(), None);
        assert!(serde_json::from_str::<MetadataHistory>(r#"{"error":"x"}"#).is_err());
    }

    #[test]
    fn legacy_tx_info_names() {
        let t: TxInfo = serde_json::from_str(
            r#"{"transactionHash":"ab","blockHeight":7,"transactionIndex":2,"transactionType":"vote"}"#,
        )
        .unwrap();
        assert_eq!((t.hash.as_str(), t.height, t.index), ("ab", 7, 2));
        assert_eq!(t.tx_type, "vote");
    }

    #[test]
    fn vote_detail_keeps_package_verbatim() {
        let v: VoteDetail = serde_json::from_str(
            r#"{"voteID":"01","package":{"votes":[1, 0],"nonce":"x"},"weight":"10"}"#,
        )
        .unwrap();
        assert_eq!(v.package.get(), r#"{"votes":[1, 0],"nonce":"x"}"#);
        assert_eq!(v.weight, "10");
    }
}
