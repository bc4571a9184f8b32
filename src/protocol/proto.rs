//! The Vochain protobuf models an auditor reads, hand-written as prost messages: the signed
//! transaction envelope, votes with their census proofs, and the process-lifecycle transactions.
//! Field numbers and enum values mirror `vocdoni/dvote-protobuf:src/vochain/vochain.proto` (1.15.13).
//!
//! Encoding with prost gives Go's `proto.Marshal` bytes for these messages: fields in field-number
//! order, proto3 defaults omitted, `optional` fields written whenever set (even to their default),
//! repeated scalars packed. Unknown fields (and unknown `Tx`/`Proof` variants) are skipped on
//! decode, so such a message decodes but no longer re-encodes to its original bytes.

/// Defines a proto3 enum as a prost `Enumeration` together with its protobuf value names, which
/// protojson writes instead of numbers.
macro_rules! proto_enum {
    ($(#[$meta:meta])* $name:ident = $proto_name:literal {
        $($(#[$vmeta:meta])* $variant:ident = $value:literal => $json:literal,)+
    }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
        #[repr(i32)]
        pub enum $name {
            $($(#[$vmeta])* $variant = $value,)+
        }

        impl ProtoEnum for $name {
            const PROTO_NAME: &'static str = $proto_name;

            fn name_of(value: i32) -> Option<&'static str> {
                match value {
                    $($value => Some($json),)+
                    _ => None,
                }
            }

            fn value_of(name: &str) -> Option<i32> {
                match name {
                    $($json => Some($value),)+
                    _ => None,
                }
            }
        }
    };
}

/// A protobuf enum's value names as written by protojson (`ProcessStatus::Ready` ⇄ `"READY"`).
///
/// Enum fields are stored as `i32` (proto3 enums are open: a number without a name is kept as is).
pub trait ProtoEnum {
    /// The enum's protobuf name, for error messages (`ProofArbo.Type`).
    const PROTO_NAME: &'static str;
    /// The name of `value`, if it has one.
    fn name_of(value: i32) -> Option<&'static str>;
    /// The value named `name`, if any.
    fn value_of(name: &str) -> Option<i32>;
}

// ----------------------------------------------------------------------------------------------
// Transaction envelope
// ----------------------------------------------------------------------------------------------

/// `SignedTx { bytes tx = 1; optional bytes signature = 2; }` — what a client broadcasts; the
/// transaction hash is `sha256` of these bytes. `tx` holds an encoded [`Tx`]; `signature` is absent
/// for transactions that need none (zk votes).
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignedTx {
    /// Field 1: the encoded [`Tx`] exactly as signed.
    #[prost(bytes = "vec", tag = "1")]
    pub tx: Vec<u8>,
    /// Field 2 (`optional`): 65-byte secp256k1 signature over the EIP-191 message of `tx`.
    #[prost(bytes = "vec", optional, tag = "2")]
    pub signature: Option<Vec<u8>>,
}

/// `Tx { oneof payload { … } }`. Only the variants an auditor needs are modelled; any other
/// variant (registerKey = 5, sendTokens = 7, … setSIK = 12 …) decodes to `payload: None`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Tx {
    /// The oneof `payload` (fields 1–4 here).
    #[prost(oneof = "TxPayload", tags = "1, 2, 3, 4")]
    pub payload: Option<TxPayload>,
}

/// The variants of `Tx.payload`; the protojson key is the field name (`vote`, `newProcess`, …).
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum TxPayload {
    /// Field 1 `vote`.
    #[prost(message, tag = "1")]
    Vote(VoteEnvelope),
    /// Field 2 `newProcess`.
    #[prost(message, tag = "2")]
    NewProcess(NewProcessTx),
    /// Field 3 `admin` (key publication and reveal, among others).
    #[prost(message, tag = "3")]
    Admin(AdminTx),
    /// Field 4 `setProcess` (status, census, duration, results changes).
    #[prost(message, tag = "4")]
    SetProcess(SetProcessTx),
}

proto_enum! {
    /// `enum TxType`: the `txtype` of lifecycle transactions (`txInfo.subtype` is its lower-cased name).
    TxType = "TxType" {
        TxUnknown = 0 => "TX_UNKNOWN",
        NewProcess = 1 => "NEW_PROCESS",
        SetProcessStatus = 2 => "SET_PROCESS_STATUS",
        SetProcessCensus = 3 => "SET_PROCESS_CENSUS",
        SetProcessQuestionIndex = 4 => "SET_PROCESS_QUESTION_INDEX",
        AddProcessKeys = 5 => "ADD_PROCESS_KEYS",
        RevealProcessKeys = 6 => "REVEAL_PROCESS_KEYS",
        AddOracle = 7 => "ADD_ORACLE",
        RemoveOracle = 8 => "REMOVE_ORACLE",
        AddValidator = 9 => "ADD_VALIDATOR",
        RemoveValidator = 10 => "REMOVE_VALIDATOR",
        Vote = 11 => "VOTE",
        SetProcessResults = 12 => "SET_PROCESS_RESULTS",
        RegisterVoterKey = 13 => "REGISTER_VOTER_KEY",
        SendTokens = 15 => "SEND_TOKENS",
        SetAccountInfoUri = 17 => "SET_ACCOUNT_INFO_URI",
        AddDelegateForAccount = 18 => "ADD_DELEGATE_FOR_ACCOUNT",
        DelDelegateForAccount = 19 => "DEL_DELEGATE_FOR_ACCOUNT",
        CollectFaucet = 20 => "COLLECT_FAUCET",
        AddKeykeeper = 21 => "ADD_KEYKEEPER",
        DeleteKeykeeper = 22 => "DELETE_KEYKEEPER",
        CreateAccount = 23 => "CREATE_ACCOUNT",
        SetAccountSik = 24 => "SET_ACCOUNT_SIK",
        DelAccountSik = 25 => "DEL_ACCOUNT_SIK",
        RegisterSik = 26 => "REGISTER_SIK",
        SetAccountValidator = 27 => "SET_ACCOUNT_VALIDATOR",
        SetProcessDuration = 28 => "SET_PROCESS_DURATION",
    }
}

// ----------------------------------------------------------------------------------------------
// Votes and census proofs
// ----------------------------------------------------------------------------------------------

/// `VoteEnvelope` — one vote transaction.
#[derive(Clone, PartialEq, prost::Message)]
pub struct VoteEnvelope {
    /// Field 1: random per-attempt nonce (replay protection).
    #[prost(bytes = "vec", tag = "1")]
    pub nonce: Vec<u8>,
    /// Field 2: the election id.
    #[prost(bytes = "vec", tag = "2")]
    pub process_id: Vec<u8>,
    /// Field 3: the census (franchise) proof.
    #[prost(message, optional, tag = "3")]
    pub proof: Option<Proof>,
    /// Field 4: the vote package (JSON, or sealed boxes on encrypted elections).
    #[prost(bytes = "vec", tag = "4")]
    pub vote_package: Vec<u8>,
    /// Field 5: nullifier; set by zk votes, empty for signed votes (the node derives it).
    #[prost(bytes = "vec", tag = "5")]
    pub nullifier: Vec<u8>,
    /// Field 6 (packed): sorted indexes of the keys that encrypted `vote_package`.
    #[prost(uint32, repeated, tag = "6")]
    pub encryption_key_indexes: Vec<u32>,
    /// Field 7 (`optional`, 2026): voter's free-text note, at most 256 bytes.
    #[prost(bytes = "vec", optional, tag = "7")]
    pub memo: Option<Vec<u8>>,
}

/// `Proof { oneof payload { … } }` — the census proof of a vote (or of a census change).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Proof {
    /// The oneof `payload`; the EVM-storage variants (3, 4, 8) are not modelled.
    #[prost(oneof = "ProofPayload", tags = "5, 6, 7, 9")]
    pub payload: Option<ProofPayload>,
}

/// The variants of `Proof.payload` an auditor meets.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ProofPayload {
    /// Field 5 `ca`: a CSP (certification authority) signature.
    #[prost(message, tag = "5")]
    Ca(ProofCa),
    /// Field 6 `arbo`: an arbo Merkle inclusion proof.
    #[prost(message, tag = "6")]
    Arbo(ProofArbo),
    /// Field 7 `zkSnark`: a Groth16 proof for anonymous votes.
    #[prost(message, tag = "7")]
    ZkSnark(ProofZkSnark),
    /// Field 9 `farcasterFrame`: a signed Farcaster frame plus an arbo proof.
    #[prost(message, tag = "9")]
    FarcasterFrame(ProofFarcasterFrame),
}

/// `ProofArbo` — arbo Merkle proof of the voter's census leaf.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProofArbo {
    /// Field 1: tree hash function ([`ProofArboType`]).
    #[prost(enumeration = "ProofArboType", tag = "1")]
    pub r#type: i32,
    /// Field 2: packed siblings (arbo's `PackSiblings` layout).
    #[prost(bytes = "vec", tag = "2")]
    pub siblings: Vec<u8>,
    /// Field 3: the leaf value (the voter's census weight, little-endian as arbo stores it).
    #[prost(bytes = "vec", tag = "3")]
    pub available_weight: Vec<u8>,
    /// Field 4: whether the leaf key is a public key or an address ([`ProofArboKeyType`]).
    #[prost(enumeration = "ProofArboKeyType", tag = "4")]
    pub key_type: i32,
    /// Field 5: weight the voter chose to use (≤ available), big-endian; empty = all of it.
    #[prost(bytes = "vec", tag = "5")]
    pub vote_weight: Vec<u8>,
}

proto_enum! {
    /// `ProofArbo.Type`: the tree's hash function.
    ProofArboType = "ProofArbo.Type" {
        Blake2b = 0 => "BLAKE2B",
        Poseidon = 1 => "POSEIDON",
    }
}

proto_enum! {
    /// `ProofArbo.KeyType`: what the census leaf key is.
    ProofArboKeyType = "ProofArbo.KeyType" {
        Pubkey = 0 => "PUBKEY",
        Address = 1 => "ADDRESS",
    }
}

/// `ProofCA` — a CSP's signature over a [`CaBundle`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProofCa {
    /// Field 1: signature scheme ([`ProofCaType`]).
    #[prost(enumeration = "ProofCaType", tag = "1")]
    pub r#type: i32,
    /// Field 2: what the CSP signed.
    #[prost(message, optional, tag = "2")]
    pub bundle: Option<CaBundle>,
    /// Field 3: the CSP signature (65 bytes ECDSA, 96 bytes blind).
    #[prost(bytes = "vec", tag = "3")]
    pub signature: Vec<u8>,
}

proto_enum! {
    /// `ProofCA.Type`: the CSP signature scheme.
    ProofCaType = "ProofCA.Type" {
        Unknown = 0 => "UNKNOWN",
        Ecdsa = 1 => "ECDSA",
        EcdsaPidsalted = 2 => "ECDSA_PIDSALTED",
        EcdsaBlind = 3 => "ECDSA_BLIND",
        EcdsaBlindPidsalted = 4 => "ECDSA_BLIND_PIDSALTED",
    }
}

/// `CAbundle` — the message a CSP signs. The node verifies the signature over its *own*
/// re-encoding of the decoded bundle, so [`CaBundle::signed_bytes`] is what a verifier hashes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CaBundle {
    /// Field 1: the election id.
    #[prost(bytes = "vec", tag = "1")]
    pub process_id: Vec<u8>,
    /// Field 2: the voter's address (must equal the tx signer).
    #[prost(bytes = "vec", tag = "2")]
    pub address: Vec<u8>,
    /// Field 3 (`optional`, dvote-protobuf 1.15.13): big-endian vote weight; absent = 1.
    #[prost(bytes = "vec", optional, tag = "3")]
    pub vote_weight: Option<Vec<u8>>,
}

impl CaBundle {
    /// The CSP-signed bytes as the node re-encodes them (`proto.Marshal(bundle)`):
    /// `0a len processId` (if non-empty) ‖ `12 len address` (if non-empty) ‖
    /// `1a len voteWeight` (whenever set, even empty).
    pub fn signed_bytes(&self) -> Vec<u8> {
        prost::Message::encode_to_vec(self)
    }
}

/// `ProofZkSNARK` — Groth16 proof and public inputs, as decimal strings.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProofZkSnark {
    /// Field 1: index of the circuit parameter set.
    #[prost(int32, tag = "1")]
    pub circuit_parameters_index: i32,
    /// Field 2: G1 point `a`.
    #[prost(string, repeated, tag = "2")]
    pub a: Vec<String>,
    /// Field 3: G2 point `b`, flattened.
    #[prost(string, repeated, tag = "3")]
    pub b: Vec<String>,
    /// Field 4: G1 point `c`.
    #[prost(string, repeated, tag = "4")]
    pub c: Vec<String>,
    /// Field 5: the circuit's public inputs.
    #[prost(string, repeated, tag = "5")]
    pub public_inputs: Vec<String>,
}

/// `ProofFarcasterFrame` — an Ed25519-signed Farcaster frame message with a census proof.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProofFarcasterFrame {
    /// Field 1: the signed frame message body.
    #[prost(bytes = "vec", tag = "1")]
    pub signed_frame_message_body: Vec<u8>,
    /// Field 2: arbo proof of the voter in the census.
    #[prost(message, optional, tag = "2")]
    pub census_proof: Option<ProofArbo>,
    /// Field 3: the Ed25519 public key.
    #[prost(bytes = "vec", tag = "3")]
    pub public_key: Vec<u8>,
}

// ----------------------------------------------------------------------------------------------
// Process lifecycle
// ----------------------------------------------------------------------------------------------

/// `NewProcessTx` — creates an election.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NewProcessTx {
    /// Field 1: [`TxType`] (`NEW_PROCESS`).
    #[prost(enumeration = "TxType", tag = "1")]
    pub txtype: i32,
    /// Field 2: the creator account's nonce.
    #[prost(uint32, tag = "2")]
    pub nonce: u32,
    /// Field 3: the election as created.
    #[prost(message, optional, tag = "3")]
    pub process: Option<Process>,
    /// Field 4 (`optional`): faucet payment for the transaction cost.
    #[prost(message, optional, tag = "4")]
    pub faucet_package: Option<FaucetPackage>,
}

/// `FaucetPackage` — a signed token grant attached to a transaction.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FaucetPackage {
    /// Field 1: encoded `FaucetPayload`.
    #[prost(bytes = "vec", tag = "1")]
    pub payload: Vec<u8>,
    /// Field 2: the faucet's signature over `payload`.
    #[prost(bytes = "vec", tag = "2")]
    pub signature: Vec<u8>,
}

/// `Process` — an election's parameters and state. All current fields are modelled so that a
/// `newProcess` transaction re-encodes to its original bytes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Process {
    /// Field 1: the election id (§0.1 layout).
    #[prost(bytes = "vec", tag = "1")]
    pub process_id: Vec<u8>,
    /// Field 2: the organization address.
    #[prost(bytes = "vec", tag = "2")]
    pub entity_id: Vec<u8>,
    /// Field 3 (deprecated): start block height of block-count elections.
    #[prost(uint32, tag = "3")]
    pub start_block: u32,
    /// Field 4 (deprecated): duration in blocks.
    #[prost(uint32, tag = "4")]
    pub block_count: u32,
    /// Field 5: census root (CSP public key for `OFF_CHAIN_CA`).
    #[prost(bytes = "vec", tag = "5")]
    pub census_root: Vec<u8>,
    /// Field 6 (`optional`): where to find the census.
    #[prost(string, optional, tag = "6")]
    pub census_uri: Option<String>,
    /// Field 8: revealed private keys (hex strings).
    #[prost(string, repeated, tag = "8")]
    pub encryption_private_keys: Vec<String>,
    /// Field 9: published public keys (hex strings), indexed by key index.
    #[prost(string, repeated, tag = "9")]
    pub encryption_public_keys: Vec<String>,
    /// Field 11 (`optional`): number of keys published.
    #[prost(uint32, optional, tag = "11")]
    pub key_index: Option<u32>,
    /// Field 12: [`ProcessStatus`].
    #[prost(enumeration = "ProcessStatus", tag = "12")]
    pub status: i32,
    /// Field 13 (`optional`).
    #[prost(bytes = "vec", optional, tag = "13")]
    pub params_signature: Option<Vec<u8>>,
    /// Field 14.
    #[prost(uint32, tag = "14")]
    pub namespace: u32,
    /// Field 15: the vote mode.
    #[prost(message, optional, tag = "15")]
    pub envelope_type: Option<EnvelopeType>,
    /// Field 16: the election mode.
    #[prost(message, optional, tag = "16")]
    pub mode: Option<ProcessMode>,
    /// Field 17 (`optional`).
    #[prost(uint32, optional, tag = "17")]
    pub question_index: Option<u32>,
    /// Field 18 (`optional`).
    #[prost(uint32, optional, tag = "18")]
    pub question_count: Option<u32>,
    /// Field 19: the tally parameters.
    #[prost(message, optional, tag = "19")]
    pub vote_options: Option<ProcessVoteOptions>,
    /// Field 20: [`CensusOrigin`].
    #[prost(enumeration = "CensusOrigin", tag = "20")]
    pub census_origin: i32,
    /// Field 21: results (set by the node, not by the creator).
    #[prost(message, optional, tag = "21")]
    pub results: Option<ProcessResult>,
    /// Field 23 (`optional`).
    #[prost(uint32, optional, tag = "23")]
    pub eth_index_slot: Option<u32>,
    /// Field 24 (`optional`).
    #[prost(uint64, optional, tag = "24")]
    pub source_block_height: Option<u64>,
    /// Field 25 (`optional`): creator, when not the organization itself.
    #[prost(bytes = "vec", optional, tag = "25")]
    pub owner: Option<Vec<u8>>,
    /// Field 26 (`optional`): metadata URI.
    #[prost(string, optional, tag = "26")]
    pub metadata: Option<String>,
    /// Field 27: [`SourceNetworkId`].
    #[prost(enumeration = "SourceNetworkId", tag = "27")]
    pub source_network_id: i32,
    /// Field 28: maximum number of distinct voters.
    #[prost(uint64, tag = "28")]
    pub max_census_size: u64,
    /// Field 29 (`optional`).
    #[prost(bytes = "vec", optional, tag = "29")]
    pub rolling_census_root: Option<Vec<u8>>,
    /// Field 30 (`optional`).
    #[prost(uint64, optional, tag = "30")]
    pub rolling_census_size: Option<u64>,
    /// Field 31 (`optional`).
    #[prost(bytes = "vec", optional, tag = "31")]
    pub nullifiers_root: Option<Vec<u8>>,
    /// Field 32 (`optional`).
    #[prost(bytes = "vec", optional, tag = "32")]
    pub source_network_contract_addr: Option<Vec<u8>>,
    /// Field 33 (`optional`).
    #[prost(uint32, optional, tag = "33")]
    pub token_decimals: Option<u32>,
    /// Field 34 (`optional`): remove the SIKs tied to this election when it ends.
    #[prost(bool, optional, tag = "34")]
    pub temp_siks: Option<bool>,
    /// Field 35: start, unix seconds.
    #[prost(uint32, tag = "35")]
    pub start_time: u32,
    /// Field 36: duration in seconds.
    #[prost(uint32, tag = "36")]
    pub duration: u32,
}

/// `EnvelopeType` — the vote mode flags (also bits of the process id, §0.1).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct EnvelopeType {
    /// Field 1.
    #[prost(bool, tag = "1")]
    pub serial: bool,
    /// Field 2.
    #[prost(bool, tag = "2")]
    pub anonymous: bool,
    /// Field 3.
    #[prost(bool, tag = "3")]
    pub encrypted_votes: bool,
    /// Field 4.
    #[prost(bool, tag = "4")]
    pub unique_values: bool,
    /// Field 5.
    #[prost(bool, tag = "5")]
    pub cost_from_weight: bool,
}

/// `ProcessMode` — the election mode flags.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct ProcessMode {
    /// Field 1.
    #[prost(bool, tag = "1")]
    pub auto_start: bool,
    /// Field 2.
    #[prost(bool, tag = "2")]
    pub interruptible: bool,
    /// Field 3.
    #[prost(bool, tag = "3")]
    pub dynamic_census: bool,
    /// Field 4.
    #[prost(bool, tag = "4")]
    pub encrypted_meta_data: bool,
    /// Field 5.
    #[prost(bool, tag = "5")]
    pub pre_register: bool,
}

/// `ProcessVoteOptions` — the tally parameters (no minValue / minTotalCost on chain).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct ProcessVoteOptions {
    /// Field 1: number of questions (fields in a ballot).
    #[prost(uint32, tag = "1")]
    pub max_count: u32,
    /// Field 2: highest value per field.
    #[prost(uint32, tag = "2")]
    pub max_value: u32,
    /// Field 3: overwrites allowed per voter.
    #[prost(uint32, tag = "3")]
    pub max_vote_overwrites: u32,
    /// Field 4: spending limit, 0 = none.
    #[prost(uint32, tag = "4")]
    pub max_total_cost: u32,
    /// Field 5: exponent of the cost function.
    #[prost(uint32, tag = "5")]
    pub cost_exponent: u32,
}

/// `ProcessResult { repeated QuestionResult votes = 1; }`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProcessResult {
    /// Field 1: one entry per question.
    #[prost(message, repeated, tag = "1")]
    pub votes: Vec<QuestionResult>,
}

/// `QuestionResult { repeated bytes question = 1; }` — big-integer tallies, one per value.
#[derive(Clone, PartialEq, prost::Message)]
pub struct QuestionResult {
    /// Field 1.
    #[prost(bytes = "vec", repeated, tag = "1")]
    pub question: Vec<Vec<u8>>,
}

proto_enum! {
    /// `enum ProcessStatus`.
    ProcessStatus = "ProcessStatus" {
        ProcessUnknown = 0 => "PROCESS_UNKNOWN",
        Ready = 1 => "READY",
        Ended = 2 => "ENDED",
        Canceled = 3 => "CANCELED",
        Paused = 4 => "PAUSED",
        Results = 5 => "RESULTS",
    }
}

proto_enum! {
    /// `enum CensusOrigin`. `OFF_CHAIN_CA_V2 = 4` comes from newer vocdoni-node
    /// (PR vocdoni-node#1434), not yet in dvote-protobuf 1.15.13.
    CensusOrigin = "CensusOrigin" {
        CensusUnknown = 0 => "CENSUS_UNKNOWN",
        OffChainTree = 1 => "OFF_CHAIN_TREE",
        OffChainTreeWeighted = 2 => "OFF_CHAIN_TREE_WEIGHTED",
        OffChainCa = 3 => "OFF_CHAIN_CA",
        OffChainCaV2 = 4 => "OFF_CHAIN_CA_V2",
        Erc20 = 11 => "ERC20",
        Erc721 = 12 => "ERC721",
        Erc1155 = 13 => "ERC1155",
        Erc777 = 14 => "ERC777",
        MiniMe = 15 => "MINI_ME",
        FarcasterFrame = 16 => "FARCASTER_FRAME",
    }
}

proto_enum! {
    /// `enum SourceNetworkId`: origin chain of token-based censuses.
    SourceNetworkId = "SourceNetworkId" {
        Unknown = 0 => "UNKNOWN",
        EthMainnet = 1 => "ETH_MAINNET",
        EthRinkeby = 2 => "ETH_RINKEBY",
        EthGoerli = 3 => "ETH_GOERLI",
        PoaXdai = 4 => "POA_XDAI",
        PoaSokol = 5 => "POA_SOKOL",
        Polygon = 6 => "POLYGON",
        Bsc = 7 => "BSC",
        EthMainnetSignaling = 8 => "ETH_MAINNET_SIGNALING",
        EthRinkebySignaling = 9 => "ETH_RINKEBY_SIGNALING",
        AvaxFuji = 10 => "AVAX_FUJI",
        Avax = 11 => "AVAX",
        PolygonMumbai = 12 => "POLYGON_MUMBAI",
        Optimism = 13 => "OPTIMISM",
        Arbitrum = 14 => "ARBITRUM",
    }
}

/// `AdminTx` — organization/keykeeper actions; for an auditor, encryption key publication
/// (`ADD_PROCESS_KEYS`) and reveal (`REVEAL_PROCESS_KEYS`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct AdminTx {
    /// Field 1: [`TxType`].
    #[prost(enumeration = "TxType", tag = "1")]
    pub txtype: i32,
    /// Field 2: the election concerned.
    #[prost(bytes = "vec", tag = "2")]
    pub process_id: Vec<u8>,
    /// Field 3 (`optional`).
    #[prost(bytes = "vec", optional, tag = "3")]
    pub address: Option<Vec<u8>>,
    /// Field 5 (`optional`): revealed X25519 private key.
    #[prost(bytes = "vec", optional, tag = "5")]
    pub encryption_private_key: Option<Vec<u8>>,
    /// Field 6 (`optional`): published X25519 public key.
    #[prost(bytes = "vec", optional, tag = "6")]
    pub encryption_public_key: Option<Vec<u8>>,
    /// Field 7 (`optional`): which key slot (1-based in practice).
    #[prost(uint32, optional, tag = "7")]
    pub key_index: Option<u32>,
    /// Field 8 (`optional`): validator power.
    #[prost(uint64, optional, tag = "8")]
    pub power: Option<u64>,
    /// Field 9 (`optional`).
    #[prost(bytes = "vec", optional, tag = "9")]
    pub public_key: Option<Vec<u8>>,
    /// Field 11: the sender account's nonce.
    #[prost(uint32, tag = "11")]
    pub nonce: u32,
}

/// `SetProcessTx` — changes an election's status, census, duration or results.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SetProcessTx {
    /// Field 1: [`TxType`] (`SET_PROCESS_STATUS`, `SET_PROCESS_CENSUS`, `SET_PROCESS_DURATION`, …).
    #[prost(enumeration = "TxType", tag = "1")]
    pub txtype: i32,
    /// Field 2: the sender account's nonce.
    #[prost(uint32, tag = "2")]
    pub nonce: u32,
    /// Field 3: the election concerned.
    #[prost(bytes = "vec", tag = "3")]
    pub process_id: Vec<u8>,
    /// Field 4 (`optional`): new [`ProcessStatus`].
    #[prost(enumeration = "ProcessStatus", optional, tag = "4")]
    pub status: Option<i32>,
    /// Field 5 (`optional`).
    #[prost(uint32, optional, tag = "5")]
    pub question_index: Option<u32>,
    /// Field 6 (`optional`): new census root.
    #[prost(bytes = "vec", optional, tag = "6")]
    pub census_root: Option<Vec<u8>>,
    /// Field 7 (`optional`): new census URI.
    #[prost(string, optional, tag = "7")]
    pub census_uri: Option<String>,
    /// Field 8 (`optional`).
    #[prost(message, optional, tag = "8")]
    pub proof: Option<Proof>,
    /// Field 9 (`optional`): results submitted for the election.
    #[prost(message, optional, tag = "9")]
    pub results: Option<ProcessResult>,
    /// Field 10 (`optional`).
    #[prost(bool, optional, tag = "10")]
    pub temp_siks: Option<bool>,
    /// Field 11 (`optional`): new duration in seconds.
    #[prost(uint32, optional, tag = "11")]
    pub duration: Option<u32>,
    /// Field 12 (`optional`): new maximum census size.
    #[prost(uint64, optional, tag = "12")]
    pub census_size: Option<u64>,
    /// Field 13 (`optional`).
    #[prost(message, optional, tag = "13")]
    pub faucet_package: Option<FaucetPackage>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn go_field_order_and_presence() {
        // Field order follows numbers, proto3 defaults are skipped, `optional` is written when set.
        let tx = SetProcessTx {
            txtype: TxType::SetProcessStatus as i32,
            nonce: 0,
            process_id: vec![0xaa],
            status: Some(ProcessStatus::ProcessUnknown as i32),
            duration: Some(0),
            ..Default::default()
        };
        assert_eq!(
            hex::encode(tx.encode_to_vec()),
            concat!("0802", "1a01aa", "2000", "5800")
        );
    }

    #[test]
    fn packed_key_indexes_and_empty_packed_omitted() {
        let mut env = VoteEnvelope {
            encryption_key_indexes: vec![1, 300],
            ..Default::default()
        };
        assert_eq!(hex::encode(env.encode_to_vec()), "320301ac02");
        env.encryption_key_indexes.clear();
        assert!(env.encode_to_vec().is_empty());
    }

    #[test]
    fn ca_bundle_weight_only_when_set() {
        let mut b = CaBundle {
            process_id: vec![1],
            address: vec![2],
            vote_weight: None,
        };
        assert_eq!(hex::encode(b.signed_bytes()), "0a0101120102");
        b.vote_weight = Some(vec![]);
        assert_eq!(hex::encode(b.signed_bytes()), "0a01011201021a00");
    }

    #[test]
    fn unknown_tx_variant_decodes_to_none() {
        // Tx{setSIK = 12: SIKTx{txtype = 24}}: field 12, wire type 2.
        let tx = Tx::decode(&[0x62, 0x02, 0x08, 0x18][..]).expect("skips unknown variant");
        assert_eq!(tx.payload, None);
    }

    #[test]
    fn enum_names() {
        assert_eq!(CensusOrigin::name_of(3), Some("OFF_CHAIN_CA"));
        assert_eq!(ProofCaType::value_of("ECDSA_BLIND"), Some(3));
        assert_eq!(TxType::name_of(14), None);
    }
}
