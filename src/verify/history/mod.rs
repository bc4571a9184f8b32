//! History checks: what the chain's transactions show happened to the election beyond its
//! schedule (vochain-api.md §5.4) — who created and changed it, when it really ended, how its
//! census changed, whether its metadata is the document its CID names, and when its keys were
//! added and revealed. [`HistoryFacts::derive`] reads the transaction bodies once (keeping those
//! that name this election, recovering each signer over its per-type message) for every check.

mod metadata_versions;
mod v_hist_01_signers;
mod v_hist_02_actual_end;
mod v_hist_03_census;
mod v_hist_04_metadata;
mod v_hist_05_keys;

pub use v_hist_01_signers::Signers;
pub use v_hist_02_actual_end::ActualEnd;
pub use v_hist_03_census::CensusHistory;
pub use v_hist_04_metadata::{versions as metadata_versions_of, MetadataIntegrity};
pub use v_hist_05_keys::KeyHistory;

use std::collections::{BTreeMap, HashMap};

use crate::api::node::{Election, TransactionResponse};
use crate::bundle::evidence::{History, MetadataHistoryAnswer};
use crate::protocol::hash::{keccak256, Address};
use crate::protocol::hex_bytes;
use crate::protocol::identity::{address_of, recover_eip191, tx_message, vote_tx_message};
use crate::protocol::proto::{Process, ProcessStatus, ProtoEnum, Tx, TxPayload, TxType};
use crate::protocol::tx::{decode_node_transaction, reproduce_tx_bytes, Reproduction};

/// One transaction of the election's history, in chain order.
#[derive(Debug, Clone)]
pub struct Event {
    /// Lowercase hex hash as the index lists it.
    pub hash: String,
    pub height: u64,
    pub index: u32,
    /// Block time (Unix seconds) when the bundle holds the block.
    pub time: Option<i64>,
    pub kind: EventKind,
    /// The signer recovered over the per-type message, or why it could not be.
    pub signer: Result<Address, String>,
    /// The account nonce the transaction carries (random for key-keeper transactions).
    pub nonce: u32,
}

/// What a history transaction did.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// NEW_PROCESS, as the node stores it.
    Created(Box<Process>),
    /// SET_PROCESS_STATUS to this [`ProcessStatus`] value.
    Status(i32),
    /// SET_PROCESS_CENSUS.
    Census {
        root: Vec<u8>,
        uri: Option<String>,
        size: Option<u64>,
    },
    /// SET_PROCESS_DURATION (seconds from the start).
    Duration(u32),
    /// Another SET_PROCESS type (the node refuses them: listed for review).
    OtherSetProcess(i32),
    /// ADD_PROCESS_KEYS for a key index.
    KeyAdded(Option<u32>),
    /// REVEAL_PROCESS_KEYS for a key index.
    KeyRevealed(Option<u32>),
}

impl EventKind {
    /// Whether the organisation (or a delegate) must sign it.
    pub fn by_organization(&self) -> bool {
        !matches!(self, EventKind::KeyAdded(_) | EventKind::KeyRevealed(_))
    }

    /// A short description for tables and findings.
    pub fn describe(&self) -> String {
        match self {
            EventKind::Created(p) => format!(
                "created (start {}, duration {} s)",
                rfc3339(i64::from(p.start_time)),
                p.duration
            ),
            EventKind::Status(s) => format!("status {}", status_name(*s)),
            EventKind::Census { root, size, .. } => format!(
                "census root {}{}",
                hex::encode(root),
                size.map(|s| format!(", max size {s}")).unwrap_or_default()
            ),
            EventKind::Duration(d) => format!("duration {d} s"),
            EventKind::OtherSetProcess(t) => format!(
                "SET_PROCESS {}",
                TxType::name_of(*t).map_or_else(|| t.to_string(), str::to_string)
            ),
            EventKind::KeyAdded(i) => format!("key {} added", opt(i)),
            EventKind::KeyRevealed(i) => format!("key {} revealed", opt(i)),
        }
    }

    /// The name report.json gives the kind.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Created(_) => "created",
            EventKind::Status(_) => "status",
            EventKind::Census { .. } => "census",
            EventKind::Duration(_) => "duration",
            EventKind::OtherSetProcess(_) => "set-process",
            EventKind::KeyAdded(_) => "key-added",
            EventKind::KeyRevealed(_) => "key-revealed",
        }
    }
}

fn opt(i: &Option<u32>) -> String {
    i.map_or_else(|| "?".into(), |i| i.to_string())
}

/// `READY`, `ENDED`, … or the number.
pub fn status_name(s: i32) -> String {
    ProcessStatus::name_of(s).map_or_else(|| s.to_string(), str::to_string)
}

/// RFC 3339 of a Unix time.
pub fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| t.to_string())
}

/// An anonymous vote's id: the nullifier its zk proof carries, in hex (vochain-zk.md §2.2).
fn zk_nullifier(v: &crate::protocol::proto::VoteEnvelope) -> Option<String> {
    crate::protocol::zk::inputs::envelope_nullifier(v).map(hex::encode)
}

/// A vote envelope of this election the block scan found besides the listed votes' transactions.
#[derive(Debug, Clone)]
pub struct ChainEnvelope {
    pub hash: String,
    pub height: u64,
    pub index: u32,
    /// keccak256(signer ‖ electionId), the signer recovered over the vote template (the node's
    /// `txInfo.signer` when the bytes cannot be reproduced); `None` for unsigned (zk) votes.
    pub nullifier: Option<String>,
}

/// The election's history, decoded once.
#[derive(Debug, Clone, Default)]
pub struct HistoryFacts {
    /// Whether the transaction index was read (false: the node does not serve it, or an older
    /// bundle).
    pub listed: bool,
    pub delegations_listed: bool,
    /// The history transactions naming this election, in chain order.
    pub events: Vec<Event>,
    /// The organisation's delegates by the heights they held the role from and until.
    pub delegations: Vec<Delegation>,
    /// Vote envelopes of this election found in the scanned blocks that are not among the
    /// listed votes' transactions (superseded ones, hidden ones), in chain order.
    pub envelopes: Vec<ChainEnvelope>,
    /// Chain position of every scanned vote row, by hash.
    pub positions: HashMap<String, (u64, u32)>,
    pub scanned: Option<(u64, u64)>,
    /// Bodies that name the election but could not be read, with why.
    pub unreadable: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub metadata: Option<Result<Vec<u8>, String>>,
    /// The node's metadata history (`None`: not asked) and each version's document by URL.
    pub metadata_history: Option<MetadataHistoryAnswer>,
    pub metadata_versions: BTreeMap<String, Result<Vec<u8>, String>>,
    pub block_times: BTreeMap<u64, i64>,
}

/// A delegate of the organisation and the heights of its addition and removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    pub delegate: Address,
    pub from: u64,
    pub until: Option<u64>,
}

impl HistoryFacts {
    /// Reads the bodies of `h`, keeping those that name election `id` (32 bytes).
    pub fn derive(h: History, election: &Election, id: Option<&[u8; 32]>) -> HistoryFacts {
        let mut facts = HistoryFacts {
            listed: h.listed,
            delegations_listed: h.delegations_listed,
            scanned: h.scanned,
            notes: h.notes,
            metadata: h.metadata,
            metadata_history: h.metadata_history,
            metadata_versions: h.metadata_versions,
            block_times: h
                .block_times
                .iter()
                .filter_map(|(height, t)| {
                    chrono::DateTime::parse_from_rfc3339(t)
                        .ok()
                        .map(|t| (*height, t.timestamp()))
                })
                .collect(),
            ..HistoryFacts::default()
        };
        for row in &h.vote_rows {
            facts
                .positions
                .insert(row.hash.to_ascii_lowercase(), (row.height, row.index));
        }
        let Some(id) = id else {
            return facts;
        };
        let chain_id = election.chain_id.as_str();
        let org = election.organization_id.to_ascii_lowercase();
        let mut seen = std::collections::HashSet::new();
        let mut delegations: Vec<(u64, u32, bool, Vec<Address>)> = Vec::new();
        for tx in &h.txs {
            let hash = tx.tx_info.hash.to_ascii_lowercase();
            if !seen.insert(hash.clone()) {
                continue;
            }
            if tx.tx_info.tx_type.eq_ignore_ascii_case("setAccount")
                && tx.tx_info.signer.eq_ignore_ascii_case(&org)
            {
                let add = tx
                    .tx_info
                    .subtype
                    .eq_ignore_ascii_case("add_delegate_for_account");
                let del = tx
                    .tx_info
                    .subtype
                    .eq_ignore_ascii_case("del_delegate_for_account");
                if add || del {
                    delegations.push((tx.tx_info.height, tx.tx_info.index, add, delegates_of(tx)));
                }
                continue;
            }
            facts.read(tx, &hash, id, chain_id);
        }
        delegations.sort_by_key(|(h, i, _, _)| (*h, *i));
        for (height, _, add, addresses) in delegations {
            for a in addresses {
                if add {
                    facts.delegations.push(Delegation {
                        delegate: a,
                        from: height,
                        until: None,
                    });
                } else if let Some(d) = facts
                    .delegations
                    .iter_mut()
                    .rev()
                    .find(|d| d.delegate == a && d.until.is_none())
                {
                    d.until = Some(height);
                }
            }
        }
        facts.events.sort_by_key(|e| (e.height, e.index));
        facts.envelopes.sort_by_key(|e| (e.height, e.index));
        facts
    }

    fn read(&mut self, tx: &TransactionResponse, hash: &str, id: &[u8; 32], chain_id: &str) {
        let Ok(value) = serde_json::to_value(tx) else {
            return;
        };
        let decoded = match decode_node_transaction(&value) {
            Ok(d) => d,
            Err(e) => {
                // Whose it is cannot be told; only a body that names the election matters.
                if serde_json::to_string(&value).is_ok_and(|s| s.contains(&hex::encode(id))) {
                    self.unreadable.push((hash.to_string(), e.to_string()));
                }
                return;
            }
        };
        let height = tx.tx_info.height;
        let index = tx.tx_info.index;
        let time = self.block_times.get(&height).copied();
        let payload = &decoded.tx.tx.payload;
        let (pid, kind, nonce) = match payload {
            Some(TxPayload::NewProcess(n)) => {
                let Some(p) = &n.process else { return };
                (
                    p.process_id.clone(),
                    EventKind::Created(Box::new(p.clone())),
                    n.nonce,
                )
            }
            Some(TxPayload::SetProcess(s)) => {
                let kind = match TxType::try_from(s.txtype) {
                    Ok(TxType::SetProcessStatus) => EventKind::Status(s.status.unwrap_or_default()),
                    Ok(TxType::SetProcessCensus) => EventKind::Census {
                        root: s.census_root.clone().unwrap_or_default(),
                        uri: s.census_uri.clone(),
                        size: s.census_size,
                    },
                    Ok(TxType::SetProcessDuration) => {
                        EventKind::Duration(s.duration.unwrap_or_default())
                    }
                    _ => EventKind::OtherSetProcess(s.txtype),
                };
                (s.process_id.clone(), kind, s.nonce)
            }
            Some(TxPayload::Admin(a)) => {
                let kind = match TxType::try_from(a.txtype) {
                    Ok(TxType::AddProcessKeys) => EventKind::KeyAdded(a.key_index),
                    Ok(TxType::RevealProcessKeys) => EventKind::KeyRevealed(a.key_index),
                    _ => return,
                };
                (a.process_id.clone(), kind, a.nonce)
            }
            Some(TxPayload::Vote(v)) => {
                if v.process_id.as_slice() != id {
                    return;
                }
                let signer = signer_of(&decoded.tx.tx, &decoded.signature, hash, chain_id, id)
                    .ok()
                    .or_else(|| hex_bytes::decode_array::<20>("signer", &tx.tx_info.signer).ok());
                self.envelopes.push(ChainEnvelope {
                    hash: hash.to_string(),
                    height,
                    index,
                    nullifier: zk_nullifier(v)
                        .or_else(|| signer.map(|a| hex::encode(keccak256(&[&a, id])))),
                });
                return;
            }
            None => return,
        };
        if pid.as_slice() != id {
            return;
        }
        let signer = signer_of(&decoded.tx.tx, &decoded.signature, hash, chain_id, id);
        self.events.push(Event {
            hash: hash.to_string(),
            height,
            index,
            time,
            kind,
            signer,
            nonce,
        });
    }

    /// NEW_PROCESS, if the index holds it.
    pub fn created(&self) -> Option<(&Event, &Process)> {
        self.events.iter().find_map(|e| match &e.kind {
            EventKind::Created(p) => Some((e, p.as_ref())),
            _ => None,
        })
    }

    /// The scheduled end (Unix seconds): NEW_PROCESS start + duration, with the last
    /// SET_PROCESS_DURATION applied.
    pub fn scheduled_end(&self) -> Option<i64> {
        let (_, p) = self.created()?;
        let duration = self
            .events
            .iter()
            .rev()
            .find_map(|e| match e.kind {
                EventKind::Duration(d) => Some(d),
                _ => None,
            })
            .unwrap_or(p.duration);
        Some(i64::from(p.start_time) + i64::from(duration))
    }

    /// The first status change that ended the election by hand (ENDED or CANCELED).
    pub fn manual_end(&self) -> Option<&Event> {
        self.events.iter().find(|e| {
            matches!(e.kind, EventKind::Status(s)
                if s == ProcessStatus::Ended as i32 || s == ProcessStatus::Canceled as i32)
        })
    }

    /// Whether `signer` may act for the organisation `org` at `height`.
    pub fn may_sign(&self, org: &Address, signer: &Address, height: u64) -> Signing {
        if signer == org {
            return Signing::Organization;
        }
        let delegate = self.delegations.iter().any(|d| {
            &d.delegate == signer && d.from <= height && d.until.is_none_or(|u| u > height)
        });
        match (delegate, self.delegations_listed) {
            (true, _) => Signing::Delegate,
            (false, true) => Signing::Stranger,
            (false, false) => Signing::Unknown,
        }
    }
}

/// Who signed, as far as the evidence tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    Organization,
    Delegate,
    /// Neither the organisation nor one of its listed delegates.
    Stranger,
    /// Not the organisation; its delegations were not obtained.
    Unknown,
}

/// The delegate addresses of a `setAccount` body (`tx.setAccount.delegates`, hex or base64).
fn delegates_of(tx: &TransactionResponse) -> Vec<Address> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(tx.tx.get()) else {
        return Vec::new();
    };
    let list = value
        .get("setAccount")
        .and_then(|s| s.get("delegates"))
        .and_then(|d| d.as_array())
        .cloned()
        .unwrap_or_default();
    list.iter()
        .filter_map(|d| d.as_str())
        .filter_map(|s| {
            hex_bytes::decode_array::<20>("delegate", s)
                .ok()
                .or_else(|| {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD
                        .decode(s)
                        .ok()
                        .and_then(|b| <[u8; 20]>::try_from(b.as_slice()).ok())
                })
        })
        .collect()
}

/// Recovers the signer of a history transaction: finds the bytes that hash to `hash` (for
/// NEW_PROCESS after undoing the node's changes: the process id it filled in, the 16 + 16 empty
/// key strings of an encrypted process), then recovers over the per-type message.
pub fn signer_of(
    tx: &Tx,
    signature: &[u8],
    hash: &str,
    chain_id: &str,
    id: &[u8; 32],
) -> Result<Address, String> {
    let published: [u8; 32] = hex_bytes::decode_array("txHash", hash).map_err(|e| e.to_string())?;
    for candidate in as_signed(tx) {
        if let Reproduction::Reproduced(r) = reproduce_tx_bytes(&candidate, signature, &published) {
            let message = match &candidate.payload {
                Some(TxPayload::Vote(_)) => vote_tx_message(id, &r.tx_bytes, chain_id),
                _ => tx_message(&candidate, &r.tx_bytes, chain_id),
            };
            return recover_eip191(message.as_bytes(), signature)
                .map(|k| address_of(&k))
                .map_err(|e| format!("signature does not recover: {e}"));
        }
    }
    Err("no known encoding of the transaction hashes to its txHash (cannot verify)".into())
}

/// The transaction as its sender may have signed it: as served, and for NEW_PROCESS without the
/// process id and key slots the node adds.
fn as_signed(tx: &Tx) -> Vec<Tx> {
    let mut out = vec![tx.clone()];
    if let Some(TxPayload::NewProcess(n)) = &tx.payload {
        if let Some(p) = &n.process {
            let mut undone = n.clone();
            let mut q = p.clone();
            q.process_id.clear();
            undone.process = Some(q.clone());
            out.push(Tx {
                payload: Some(TxPayload::NewProcess(undone.clone())),
            });
            let empty = |keys: &[String]| keys.iter().all(String::is_empty);
            if empty(&q.encryption_public_keys) && empty(&q.encryption_private_keys) {
                q.encryption_public_keys.clear();
                q.encryption_private_keys.clear();
                undone.process = Some(q);
                out.push(Tx {
                    payload: Some(TxPayload::NewProcess(undone)),
                });
            }
        }
    }
    out
}

/// The result of a history check whose history could not be read: a warning per thing the node
/// did not serve (a located gap, never a failure), or a skip when the evidence never held a
/// history. `None` when the transaction index was read.
fn unavailable(
    info: &crate::verify::catalogue::CheckInfo,
    ctx: &crate::verify::context::ElectionContext,
    out: &mut crate::verify::check::Remarks,
) -> Option<crate::verify::result::CheckResult> {
    use crate::verify::check::{skip, Level};
    let h = &ctx.history;
    if h.listed {
        return None;
    }
    let notes: Vec<&String> = h
        .notes
        .iter()
        .filter(|n| n.starts_with("history-"))
        .collect();
    if notes.is_empty() {
        return Some(skip(
            info,
            "the evidence holds no transaction history (fetched without it)",
        ));
    }
    let mut remarks = std::mem::take(out);
    for n in notes {
        remarks.add(
            Level::Warn,
            ctx.at(),
            format!("history not obtained: {n}"),
            None,
            None,
        );
    }
    Some(remarks.conclude(
        info,
        "the node does not serve the election's transaction history",
    ))
}
