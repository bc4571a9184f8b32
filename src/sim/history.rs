//! The transactions that make an election's history on the simulated chain: NEW_PROCESS signed by
//! the organisation (served as the node stores it, modified by `NewProcessTxCheck`), SET_PROCESS
//! status and census changes, and the key-keepers' ADD/REVEAL_PROCESS_KEYS. Each is a real signed
//! `SignedTx` whose hash and signature check, encoded as the Go client does, over the message
//! `vocdoni/vocdoni-node:crypto/ethereum/vocdoni_tx.go` builds for its type.

use k256::ecdsa::SigningKey;
use prost::Message;
use serde_json::value::RawValue;

use crate::api::node::{TransactionResponse, TxInfo};
use crate::protocol::hash::Hash32;
use crate::protocol::identity;
use crate::protocol::proto::{
    AdminTx, NewProcessTx, Process, ProcessStatus, SetProcessTx, Tx, TxPayload, TxType,
};
use crate::protocol::tx::{encode_signed_tx, tx_hash, tx_to_node_json};

use super::generate::{address_of_key, secp_key, GenError};

/// Key slots the node allocates for an encrypted process (`NewProcessTxCheck`).
const KEY_SLOTS: usize = 16;

/// The organisation's signing key (every world has one organisation).
pub fn organization_key(seed: u64) -> SigningKey {
    secp_key(&[b"vocaudit-sim/organization", &seed.to_be_bytes()])
}

/// The secp256k1 key of the validator that keeps key slot `slot` of an election.
pub fn keykeeper_key(election_id: &Hash32, slot: u32) -> SigningKey {
    secp_key(&[
        b"vocaudit-sim/keykeeper-validator",
        election_id,
        &slot.to_be_bytes(),
    ])
}

/// An account that is neither the organisation nor a delegate (the `status-by-stranger` tamper).
pub fn stranger_key(seed: u64) -> SigningKey {
    secp_key(&[b"vocaudit-sim/stranger", &seed.to_be_bytes()])
}

/// Who signs a transaction and how `v` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// The organisation through the SDK: `v` ∈ {27, 28}.
    Sdk,
    /// A Go client (the key-keeper): `v` ∈ {0, 1}.
    Go,
}

/// One history transaction ready to serve: its hash and `/chain/transactions/{hash}` JSON.
#[derive(Debug, Clone)]
pub struct HistoryTx {
    pub hash: String,
    pub json: String,
    pub height: u64,
}

/// Signs `signed` (the bytes are its Go encoding) with `key` and renders the node's JSON of
/// `served` (the transaction as the indexer stores it: `signed` itself except for NEW_PROCESS).
#[allow(clippy::too_many_arguments)]
pub fn sign_tx(
    chain_id: &str,
    signed: &Tx,
    served: &Tx,
    key: &SigningKey,
    how: Signer,
    height: u64,
    index: u32,
) -> Result<HistoryTx, GenError> {
    let tx_bytes = signed.encode_to_vec();
    let message = identity::tx_message(signed, &tx_bytes, chain_id);
    let mut signature = identity::sign_eip191(key, message.as_bytes())?;
    if how == Signer::Sdk {
        signature[64] += 27;
    }
    let hash = hex::encode(tx_hash(&encode_signed_tx(&tx_bytes, Some(&signature))));
    let (tx_type, subtype) = kind_of(served);
    let response = TransactionResponse {
        tx: RawValue::from_string(tx_to_node_json(served).to_string())?,
        tx_info: TxInfo {
            hash: hash.clone(),
            height,
            index,
            tx_type: tx_type.into(),
            subtype,
            signer: hex::encode(address_of_key(key)),
        },
        signature: hex::encode(signature),
    };
    Ok(HistoryTx {
        hash,
        json: serde_json::to_string(&response)?,
        height,
    })
}

/// `txInfo.type` (the oneof name) and `subtype` (the lower-cased txtype; empty for votes).
fn kind_of(tx: &Tx) -> (&'static str, String) {
    let name = |t: i32| {
        <TxType as crate::protocol::proto::ProtoEnum>::name_of(t)
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    match &tx.payload {
        Some(TxPayload::Vote(_)) => ("vote", String::new()),
        Some(TxPayload::NewProcess(n)) => ("newProcess", name(n.txtype)),
        Some(TxPayload::Admin(a)) => ("admin", name(a.txtype)),
        Some(TxPayload::SetProcess(s)) => ("setProcess", name(s.txtype)),
        None => ("", String::new()),
    }
}

/// NEW_PROCESS as the organisation signs it (no process id) and as the node stores it (process
/// id filled in; for encrypted elections 16 + 16 empty key strings).
pub fn new_process(process: Process, nonce: u32, process_id: &Hash32) -> (Tx, Tx) {
    let encrypted = process.envelope_type.is_some_and(|e| e.encrypted_votes);
    let signed = Tx {
        payload: Some(TxPayload::NewProcess(NewProcessTx {
            txtype: TxType::NewProcess as i32,
            nonce,
            process: Some(Process {
                process_id: Vec::new(),
                ..process.clone()
            }),
            faucet_package: None,
        })),
    };
    let mut stored = process;
    stored.process_id = process_id.to_vec();
    if encrypted {
        stored.encryption_public_keys = vec![String::new(); KEY_SLOTS];
        stored.encryption_private_keys = vec![String::new(); KEY_SLOTS];
    }
    let served = Tx {
        payload: Some(TxPayload::NewProcess(NewProcessTx {
            txtype: TxType::NewProcess as i32,
            nonce,
            process: Some(stored),
            faucet_package: None,
        })),
    };
    (signed, served)
}

/// SET_PROCESS_STATUS.
pub fn set_status(process_id: &Hash32, status: ProcessStatus, nonce: u32) -> Tx {
    Tx {
        payload: Some(TxPayload::SetProcess(SetProcessTx {
            txtype: TxType::SetProcessStatus as i32,
            nonce,
            process_id: process_id.to_vec(),
            status: Some(status as i32),
            ..SetProcessTx::default()
        })),
    }
}

/// SET_PROCESS_CENSUS: a new root, URI and maximum size.
pub fn set_census(process_id: &Hash32, root: &[u8], uri: &str, size: u64, nonce: u32) -> Tx {
    Tx {
        payload: Some(TxPayload::SetProcess(SetProcessTx {
            txtype: TxType::SetProcessCensus as i32,
            nonce,
            process_id: process_id.to_vec(),
            census_root: Some(root.to_vec()),
            census_uri: Some(uri.to_string()),
            census_size: Some(size),
            ..SetProcessTx::default()
        })),
    }
}

/// ADD_PROCESS_KEYS (public) or REVEAL_PROCESS_KEYS (private) for key slot `slot`.
pub fn process_keys(
    process_id: &Hash32,
    slot: u32,
    key: &[u8; 32],
    reveal: bool,
    nonce: u32,
) -> Tx {
    let (txtype, public, private) = if reveal {
        (TxType::RevealProcessKeys, None, Some(key.to_vec()))
    } else {
        (TxType::AddProcessKeys, Some(key.to_vec()), None)
    };
    Tx {
        payload: Some(TxPayload::Admin(AdminTx {
            txtype: txtype as i32,
            process_id: process_id.to_vec(),
            encryption_public_key: public,
            encryption_private_key: private,
            key_index: Some(slot),
            nonce,
            ..AdminTx::default()
        })),
    }
}

/// Collects an election's history transactions, numbering them within their blocks.
#[derive(Debug, Default)]
pub struct HistoryWriter {
    pub txs: Vec<HistoryTx>,
    next_index: std::collections::BTreeMap<u64, u32>,
}

impl HistoryWriter {
    /// Signs and adds a transaction at `height` (after those already there); returns its hash.
    pub fn add(
        &mut self,
        chain_id: &str,
        signed: &Tx,
        served: &Tx,
        key: &SigningKey,
        how: Signer,
        height: u64,
    ) -> Result<String, GenError> {
        let index = self.next_index.entry(height).or_default();
        let tx = sign_tx(chain_id, signed, served, key, how, height, *index)?;
        *index += 1;
        let hash = tx.hash.clone();
        self.txs.push(tx);
        Ok(hash)
    }
}
