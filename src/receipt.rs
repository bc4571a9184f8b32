//! Voter receipts: was one vote counted as cast? Fetches the election, the vote's `/votes/{id}`
//! detail, its transaction and (encrypted elections) the keys from a node, runs the verifier's
//! per-vote derivation ([`crate::verify::derive`]) on them and says where the vote is on chain,
//! whether it is the voter's last envelope, what the ballot holds, whether the node counts it and
//! what it adds to the tally. Mirrors `vocdoni/vocdoni-node:api/vote.go` (`/votes/{id}`) and
//! `vochain/results/compute.go` (only the last envelope of a nullifier is tallied).
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use vocaudit::receipt::{self, VoteRef};
//! use vocaudit::sim;
//!
//! let world = sim::scenario("approval", 5, 1).unwrap();
//! let server = sim::serve_local(&world, sim::FaultPlan::none()).await.unwrap();
//! let (election, e) = world.elections.iter().next().unwrap();
//! let vote = VoteRef::VoteId(e.votes[0].vote_id.clone()); // or VoteRef::Address
//!
//! let r = receipt::check(&server.node_url(), election, vote).await.unwrap();
//! assert!(r.counted && r.exit_code() == 0);
//! assert_eq!(r.on_chain.tx_hash, e.votes[0].tx_hash);
//! for cell in &r.contribution {
//!     println!("adds {} to question {} value {}", cell.adds, cell.question, cell.value);
//! }
//! print!("{r}"); // the text `vocaudit receipt` prints
//! # });
//! ```

use std::fmt;

use num_bigint::BigUint;
use serde::Serialize;

use crate::api::node::{codes, Election, ElectionKeys, TransactionResponse, VoteDetail};
use crate::bundle::evidence::VoteEvidence;
use crate::fetch::http::{HttpClient, HttpConfig, HttpError, Outcome, Response};
use crate::protocol::ballot::VotePackage;
use crate::protocol::hash::{Address, Hash32};
use crate::protocol::hex_bytes;
use crate::protocol::identity;
use crate::protocol::tally::Tally;
use crate::protocol::zk::CircuitRegistry;
use crate::verify::catalogue;
use crate::verify::check::Remarks;
use crate::verify::context::CensusKind;
use crate::verify::context::{normal_hex, ElectionContext};
use crate::verify::derive::{check_zk_proofs, derive, DerivedVote, Package, ServedPackage, Step};
use crate::verify::judge_vote;
use crate::verify::result::Status;
use std::sync::Arc;

/// Which vote the receipt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteRef {
    /// The vote id (nullifier), 64 hex.
    VoteId(String),
    /// The voter's address, 40 hex: the vote id is keccak256(address ‖ electionId).
    Address(String),
}

/// Why no receipt could be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// An argument that does not decode (election id, vote id, address, node URL).
    #[error("{what} {value:?}: {reason}")]
    BadInput {
        what: &'static str,
        value: String,
        reason: String,
    },
    /// The node does not know the election.
    #[error("no election {0} on the node")]
    NoSuchElection(String),
    /// The node has no vote with this id in this election.
    #[error("no vote with id {vote_id} in election {election_id}{}", elsewhere.as_ref().map(|e| format!(" (the node has it in election {e})")).unwrap_or_default())]
    NoSuchVote {
        vote_id: String,
        election_id: String,
        /// The election the node files the vote under, when it is another one.
        elsewhere: Option<String>,
    },
    #[error(transparent)]
    Http(#[from] HttpError),
    /// An answer the receipt cannot do without was refused.
    #[error("GET {url}: HTTP {status}{detail}")]
    Refused {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{url}: malformed response: {reason}")]
    Malformed { url: String, reason: String },
}

impl ReceiptError {
    /// 1 when the node answered that the vote does not exist (it was not counted), 2 when the
    /// question could not be asked or answered (bad input, unreachable node, broken answers).
    pub fn exit_code(&self) -> u8 {
        match self {
            ReceiptError::NoSuchVote { .. } => 1,
            _ => 2,
        }
    }
}

/// Where the vote's (last) envelope sits on chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OnChain {
    pub tx_hash: String,
    pub block_height: u64,
    pub transaction_index: u32,
    /// Block time, RFC 3339, as the node publishes it.
    pub time: String,
}

/// What the ballot holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BallotReport {
    pub encrypted: bool,
    /// Key indexes the package was sealed to (encrypted elections).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_indexes: Vec<u32>,
    /// The values, from the transaction (decrypted here with the revealed keys when encrypted);
    /// `None` while sealed or when no package could be read.
    pub values: Option<Vec<i64>>,
    /// Where `values` come from: `transaction`, or `served package` when the transaction's
    /// package could not be read (then the values are the node's word only).
    pub source: Option<String>,
    /// The values of the package the node served in `/votes/{id}`, when it served plaintext.
    pub served_values: Option<Vec<i64>>,
    /// The weight the node stored for the vote (decimal).
    pub weight: String,
    /// Why the ballot is not valid (the node's own reason), or why it could not be read.
    pub invalid_reason: Option<String>,
}

/// The outcome of one check on this vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    /// vocaudit cannot reproduce the node's behaviour exactly here: neither pass nor fail.
    CannotVerify,
    NotRun,
}

impl CheckStatus {
    fn label(self) -> &'static str {
        match self {
            CheckStatus::Pass => "ok",
            CheckStatus::Fail => "FAIL",
            CheckStatus::CannotVerify => "cannot verify",
            CheckStatus::NotRun => "not run",
        }
    }
}

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckLine {
    pub name: &'static str,
    pub status: CheckStatus,
    pub detail: String,
}

/// One cell the ballot adds to the results: `R[question][value] += adds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub question: usize,
    pub value: usize,
    /// Decimal.
    pub adds: String,
}

/// Everything a voter learns about one vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub election_id: String,
    pub election_status: String,
    pub vote_id: String,
    /// The voter address the node publishes (`voterID`), if any.
    pub voter: Option<String>,
    pub on_chain: OnChain,
    /// How many times the voter replaced the envelope; the receipt is always about the last one.
    pub overwrite_count: u32,
    /// Why the envelope shown is the one counted.
    pub last_envelope: String,
    pub ballot: BallotReport,
    pub checks: Vec<CheckLine>,
    /// The node counts this ballot: it is valid and the election is tallied (RESULTS or ENDED).
    pub counted: bool,
    /// Why it is not counted (empty when counted).
    pub not_counted_because: Vec<String>,
    /// The cells the ballot adds with its weight (empty when the ballot is not valid); for a
    /// valid ballot of an election not yet tallied, what it will add.
    pub contribution: Vec<Cell>,
}

impl Receipt {
    /// 0 when the vote is counted and no check failed, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        let failed = self.checks.iter().any(|c| c.status == CheckStatus::Fail);
        if self.counted && !failed {
            0
        } else {
            1
        }
    }
}

/// Election statuses in which the results are computed and the ballot is part of them.
const TALLIED: &[&str] = &["RESULTS", "ENDED"];

/// Fetches and checks the receipt of one vote with the default transport settings.
pub async fn check(node: &str, election_id: &str, vote: VoteRef) -> Result<Receipt, ReceiptError> {
    let http = HttpClient::new(HttpConfig::default())?;
    check_with(&http, node, election_id, vote).await
}

/// Fetches and checks the receipt of one vote through `http`. `node` is the API base including
/// its version path (`https://api.vocdoni.io/v2`).
pub async fn check_with(
    http: &HttpClient,
    node: &str,
    election_id: &str,
    vote: VoteRef,
) -> Result<Receipt, ReceiptError> {
    check_with_circuits(http, node, election_id, vote, None).await
}

/// [`check_with`], checking an anonymous vote's proof with `circuits` (Vocdoni's keys plus any
/// `--zk-key`; Vocdoni's alone when `None`). An anonymous vote's id is its nullifier's minimal
/// big-endian bytes, sometimes shorter than 32.
pub async fn check_with_circuits(
    http: &HttpClient,
    node: &str,
    election_id: &str,
    vote: VoteRef,
    circuits: Option<Arc<CircuitRegistry>>,
) -> Result<Receipt, ReceiptError> {
    let node = node.trim_end_matches('/');
    let election_hash: Hash32 = hex_bytes::decode_array::<32>("election id", election_id)
        .map_err(|e| bad("election id", election_id, e))?;
    let election_hex = hex::encode(election_hash);
    let (vote_hex, address) = match &vote {
        VoteRef::VoteId(id) => {
            let bytes = hex_bytes::decode("vote id", id).map_err(|e| bad("vote id", id, e))?;
            if bytes.is_empty() || bytes.len() > 32 {
                return Err(bad(
                    "vote id",
                    id,
                    format!("{} bytes, not 1 to 32", bytes.len()),
                ));
            }
            (hex::encode(bytes), None)
        }
        VoteRef::Address(a) => {
            let address: Address =
                hex_bytes::decode_array::<20>("address", a).map_err(|e| bad("address", a, e))?;
            let id = identity::nullifier(&address, &election_hash);
            (hex::encode(id), Some(address))
        }
    };

    let election: Election = match http
        .get(&format!("{node}/elections/{election_hex}"))
        .await?
    {
        Outcome::Ok(r) => parse(&r)?,
        Outcome::NotFound(_) => return Err(ReceiptError::NoSuchElection(election_hex)),
        other => return Err(refused(other.response())),
    };
    let detail: VoteDetail = match http.get(&format!("{node}/votes/{vote_hex}")).await? {
        Outcome::Ok(r) => parse(&r)?,
        Outcome::NotFound(_) => return Err(no_vote(&vote_hex, &election_hex, None)),
        other => return Err(refused(other.response())),
    };
    if !detail.election_id.is_empty() && normal_hex(&detail.election_id) != election_hex {
        return Err(no_vote(
            &vote_hex,
            &election_hex,
            Some(normal_hex(&detail.election_id)),
        ));
    }
    let tx = transaction(http, node, &detail).await?;
    let keys = if election.vote_mode.encrypted_votes {
        keys(http, node, &election_hex).await?
    } else {
        None
    };
    Ok(build(election, keys, detail, tx, address, circuits))
}

fn bad(what: &'static str, value: &str, e: impl fmt::Display) -> ReceiptError {
    ReceiptError::BadInput {
        what,
        value: value.to_string(),
        reason: e.to_string(),
    }
}

fn no_vote(vote_id: &str, election_id: &str, elsewhere: Option<String>) -> ReceiptError {
    ReceiptError::NoSuchVote {
        vote_id: vote_id.to_string(),
        election_id: election_id.to_string(),
        elsewhere,
    }
}

fn parse<T: serde::de::DeserializeOwned>(r: &Response) -> Result<T, ReceiptError> {
    serde_json::from_slice(&r.body).map_err(|e| ReceiptError::Malformed {
        url: r.url.clone(),
        reason: e.to_string(),
    })
}

fn refused(r: &Response) -> ReceiptError {
    ReceiptError::Refused {
        url: r.url.clone(),
        status: r.status,
        detail: r
            .api_error()
            .map(|e| format!(" (node says: {} [code {}])", e.error, e.code))
            .unwrap_or_default(),
    }
}

/// The vote's transaction: `/chain/transactions/{hash}`, or on a node without that route the
/// `{height}/{index}` one. `None` when the node does not serve it (a failed check, not an error).
async fn transaction(
    http: &HttpClient,
    node: &str,
    detail: &VoteDetail,
) -> Result<Option<TransactionResponse>, ReceiptError> {
    let mut urls = Vec::with_capacity(2);
    if !detail.tx_hash.is_empty() {
        urls.push(format!(
            "{node}/chain/transactions/{}",
            normal_hex(&detail.tx_hash)
        ));
    }
    urls.push(format!(
        "{node}/chain/transactions/{}/{}",
        detail.block_height, detail.transaction_index
    ));
    for url in urls {
        match http.get(&url).await? {
            Outcome::Ok(r) => return parse(&r).map(Some),
            Outcome::NotFound(_) | Outcome::NoContent(_) => continue,
            other => return Err(refused(other.response())),
        }
    }
    Ok(None)
}

/// `/elections/{id}/keys`; `None` when the node has none (404 code 4047).
async fn keys(
    http: &HttpClient,
    node: &str,
    election_hex: &str,
) -> Result<Option<ElectionKeys>, ReceiptError> {
    match http
        .get(&format!("{node}/elections/{election_hex}/keys"))
        .await?
    {
        Outcome::Ok(r) => parse(&r).map(Some),
        Outcome::NotFound(r)
            if r.api_error().map(|e| e.code) == Some(i64::from(codes::NO_ELECTION_KEYS)) =>
        {
            Ok(None)
        }
        other => Err(refused(other.response())),
    }
}

/// Derives the vote as the verifier does and reads the receipt off the derivation.
fn build(
    election: Election,
    keys: Option<ElectionKeys>,
    detail: VoteDetail,
    tx: Option<TransactionResponse>,
    address: Option<Address>,
    circuits: Option<Arc<CircuitRegistry>>,
) -> Receipt {
    let mut ctx = ElectionContext::for_single_votes(election, keys);
    if let Some(circuits) = circuits {
        ctx.circuits = Ok(circuits);
    }
    let tx_info = tx.as_ref().map(|t| t.tx_info.clone());
    let mut d = derive(
        &ctx,
        VoteEvidence {
            row: None,
            detail: Some(detail.clone()),
            tx,
            errors: Vec::new(),
        },
    );

    check_zk_proofs(&ctx, std::slice::from_mut(&mut d));

    let on_chain = OnChain {
        tx_hash: normal_hex(&detail.tx_hash),
        block_height: detail.block_height,
        transaction_index: detail.transaction_index,
        time: detail.date.clone(),
    };
    let last_envelope = if detail.overwrite_count == 0 {
        "this is the voter's only envelope; /votes/{id} always holds the last envelope of a \
         nullifier, the one the tally reads"
            .to_string()
    } else {
        format!(
            "the voter replaced the vote {} time(s); this is the last envelope (/votes/{{id}} \
             always holds the last one of a nullifier) and the {} earlier envelope(s) are not counted",
            detail.overwrite_count, detail.overwrite_count
        )
    };

    let mut checks = Vec::new();
    checks.push(on_chain_check(&on_chain, tx_info.as_ref()));
    if let Some(address) = address {
        checks.push(address_check(&address, &d));
    }
    checks.push(line("envelope election", &d.envelope_election, |_| {
        "the envelope names this election".into()
    }));
    checks.push(line("transaction hash", &d.tx_bytes, |m| {
        format!(
            "sha256 of the signed transaction is txHash ({})",
            m.encoding
        )
    }));
    checks.push(signature_check(&d));
    checks.push(nullifier_check(&d));
    checks.push(line("census proof", &d.census, |g| {
        format!("the proof verifies and grants weight {}", g.weight)
    }));
    if let (Step::Done(g), Step::Done(w)) = (&d.census, &d.stored_weight) {
        checks.push(CheckLine {
            name: "weight",
            status: if &g.weight == w {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            },
            detail: format!("stored weight {w}, census grants {}", g.weight),
        });
    }

    if ctx.census_kind() == CensusKind::Zk {
        checks.extend(zk_checks(&ctx, &d));
    }

    let (ballot, served_check) = ballot_report(&ctx, &d);
    checks.extend(served_check);

    let mut not_counted_because = Vec::new();
    let status = ctx.election.status.clone();
    if !TALLIED.contains(&status.as_str()) {
        not_counted_because.push(format!(
            "the election is {status}: ballots are counted once it ends (RESULTS or ENDED)"
        ));
    }
    let valid = matches!(d.ballot, Step::Done(ref b) if b.counted.is_ok());
    match &d.ballot {
        Step::Done(b) => {
            if let Err(why) = &b.counted {
                not_counted_because.push(format!("the ballot is not valid: {why}"));
            }
        }
        // Sealed and the keys not revealed yet, or no package at all.
        other => not_counted_because.push(format!(
            "the ballot could not be read: {}",
            other.why_not().unwrap_or_default()
        )),
    }
    let contribution = match (&d.ballot, &d.stored_weight) {
        (Step::Done(b), Step::Done(w)) if valid => contribution(&ctx, &b.values, w),
        _ => Vec::new(),
    };

    Receipt {
        election_id: ctx.id_hex.clone(),
        election_status: status,
        vote_id: normal_hex(&detail.vote_id),
        voter: detail.voter_id.as_deref().map(normal_hex),
        on_chain,
        overwrite_count: detail.overwrite_count,
        last_envelope,
        ballot,
        checks,
        counted: not_counted_because.is_empty(),
        not_counted_because,
        contribution,
    }
}

/// An anonymous vote's proof checks (V-ZK-01 to V-ZK-06), as an audit runs them on this vote.
fn zk_checks(ctx: &ElectionContext, d: &DerivedVote) -> Vec<CheckLine> {
    judge_vote(ctx, d)
        .into_iter()
        .filter(|(id, _)| id.starts_with("V-ZK-"))
        .filter_map(|(id, remarks)| {
            let info = catalogue::info(id)?;
            let verified = d.zk.done().and_then(|z| z.verified.done());
            let (status, detail) = match remarks.status() {
                Status::Pass if id == "V-ZK-01" => (
                    CheckStatus::Pass,
                    match verified {
                        Some(by) if !by.vocdoni => format!(
                            "{id}: verifies under {} (sha256 {}), which is not one of Vocdoni's \
                             keys: trusted only because --zk-key named it",
                            by.key, by.sha256
                        ),
                        Some(by) => format!("{id}: verifies under {}", by.key),
                        None => format!("{id}: {}", info.doc),
                    },
                ),
                Status::Pass => (CheckStatus::Pass, format!("{id}: {}", info.doc)),
                Status::Fail => (CheckStatus::Fail, first(id, &remarks)),
                Status::Warn => (CheckStatus::CannotVerify, first(id, &remarks)),
                Status::Skip => (CheckStatus::NotRun, first(id, &remarks)),
            };
            // Checks with nothing to say about a single vote (V-ZK-07) are left out.
            (remarks.total() + remarks.passed() > 0).then_some(CheckLine {
                name: info.title,
                status,
                detail,
            })
        })
        .collect()
}

/// `ID: message` of a check's first finding on the vote.
fn first(id: &str, remarks: &Remarks) -> String {
    let message = remarks
        .findings()
        .first()
        .map(|f| f.message.as_str())
        .unwrap_or_default();
    format!("{id}: {message}")
}

/// A check line from a derivation step.
fn line<T>(name: &'static str, step: &Step<T>, pass: impl FnOnce(&T) -> String) -> CheckLine {
    let (status, detail) = match step {
        Step::Done(t) => (CheckStatus::Pass, pass(t)),
        Step::Bad(m) => (CheckStatus::Fail, m.clone()),
        Step::Unverifiable(m) => (CheckStatus::CannotVerify, m.clone()),
        Step::NotRun(m) => (CheckStatus::NotRun, m.clone()),
    };
    CheckLine {
        name,
        status,
        detail,
    }
}

/// The transaction the node serves sits where `/votes/{id}` says.
fn on_chain_check(on_chain: &OnChain, info: Option<&crate::api::node::TxInfo>) -> CheckLine {
    let name = "transaction on chain";
    let Some(info) = info else {
        return CheckLine {
            name,
            status: CheckStatus::Fail,
            detail: format!("the node does not serve transaction {}", on_chain.tx_hash),
        };
    };
    let mut differences = Vec::new();
    if !info.hash.is_empty() && normal_hex(&info.hash) != on_chain.tx_hash {
        differences.push(format!("hash {}", normal_hex(&info.hash)));
    }
    if info.height != on_chain.block_height {
        differences.push(format!("height {}", info.height));
    }
    if info.index != on_chain.transaction_index {
        differences.push(format!("index {}", info.index));
    }
    if differences.is_empty() {
        CheckLine {
            name,
            status: CheckStatus::Pass,
            detail: format!("served at block {} index {}", info.height, info.index),
        }
    } else {
        CheckLine {
            name,
            status: CheckStatus::Fail,
            detail: format!(
                "the transaction's txInfo says {}, the vote says hash {} height {} index {}",
                differences.join(", "),
                on_chain.tx_hash,
                on_chain.block_height,
                on_chain.transaction_index
            ),
        }
    }
}

/// The vote the node filed under the address's nullifier belongs to that address.
fn address_check(address: &Address, d: &DerivedVote) -> CheckLine {
    let name = "voter address";
    let ok = |who: &str| CheckLine {
        name,
        status: CheckStatus::Pass,
        detail: format!("the {who} is 0x{}", hex::encode(address)),
    };
    let fail = |who: &str, a: &Address| CheckLine {
        name,
        status: CheckStatus::Fail,
        detail: format!(
            "the {who} is 0x{}, not 0x{}",
            hex::encode(a),
            hex::encode(address)
        ),
    };
    match (&d.voter, &d.signer) {
        (Step::Done(v), _) if v == address => ok("published voterID"),
        (Step::Done(v), _) => fail("published voterID", v),
        (_, Step::Done(s)) if s == address => ok("transaction signer"),
        (_, Step::Done(s)) => fail("transaction signer", s),
        (_, other) => CheckLine {
            name,
            status: CheckStatus::NotRun,
            detail: other.why_not().unwrap_or_default().to_string(),
        },
    }
}

/// The transaction's signer is the published voter.
fn signature_check(d: &DerivedVote) -> CheckLine {
    let name = "signature";
    match (&d.signer, &d.voter) {
        (Step::Done(s), Step::Done(v)) if s != v => CheckLine {
            name,
            status: CheckStatus::Fail,
            detail: format!(
                "signed by 0x{}, but the node publishes voterID 0x{}",
                hex::encode(s),
                hex::encode(v)
            ),
        },
        (signer, _) => line(name, signer, |s| {
            format!("signed by 0x{} over the vote", hex::encode(s))
        }),
    }
}

/// keccak256(voter ‖ electionId) is the vote id.
fn nullifier_check(d: &DerivedVote) -> CheckLine {
    let name = "nullifier";
    match (&d.nullifier, &d.vote_id) {
        (Step::Done(n), Step::Done(id)) if n.as_slice() != id.as_slice() => CheckLine {
            name,
            status: CheckStatus::Fail,
            detail: format!(
                "keccak256(voter ‖ electionId) is {}, not the vote id",
                hex::encode(n)
            ),
        },
        (Step::Done(_), Step::Done(_)) => CheckLine {
            name,
            status: CheckStatus::Pass,
            detail: "the vote id is keccak256(voter ‖ electionId)".into(),
        },
        (Step::Done(_), other) => line(name, &other.relay::<()>(), |_| String::new()),
        (other, _) => line(name, other, |_| String::new()),
    }
}

/// The ballot as the tally sees it, and the comparison of the transaction's package with the
/// one the node served.
fn ballot_report(ctx: &ElectionContext, d: &DerivedVote) -> (BallotReport, Option<CheckLine>) {
    let served_values = match &d.served_package {
        Step::Done(ServedPackage::Json(v)) => VotePackage::decode(v.to_string().as_bytes())
            .ok()
            .map(|p| p.votes),
        _ => None,
    };
    let invalid_reason = match &d.ballot {
        Step::Done(b) => b.counted.clone().err(),
        other => Some(format!(
            "the ballot could not be read: {}",
            other.why_not().unwrap_or_default()
        )),
    };
    // The derivation reads the transaction's package when it can, else the served plaintext.
    let (values, source) = match (&d.ballot, &d.package) {
        (Step::Done(b), Step::Done(Package::Plain(_))) => {
            (Some(b.values.clone()), Some("transaction".to_string()))
        }
        (Step::Done(b), _) if served_values.is_some() => {
            (Some(b.values.clone()), Some("served package".to_string()))
        }
        _ => (None, None),
    };
    let served_check = match (&d.package, &served_values, &values) {
        (Step::Done(Package::Plain(_)), Some(served), Some(tx)) => Some(CheckLine {
            name: "served package",
            status: if served == tx {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            },
            detail: if served == tx {
                "the package the node serves matches the transaction's".into()
            } else {
                format!("the node serves {served:?}, the transaction holds {tx:?}")
            },
        }),
        (Step::Done(_), _, _) => None,
        (package, Some(_), _) => Some(CheckLine {
            name: "served package",
            status: CheckStatus::NotRun,
            detail: format!(
                "the transaction's package was not read ({}); the values shown are the node's",
                package.why_not().unwrap_or_default()
            ),
        }),
        _ => None,
    };
    (
        BallotReport {
            encrypted: ctx.encrypted(),
            key_indexes: d.key_indexes().to_vec(),
            values,
            source,
            served_values,
            weight: match &d.stored_weight {
                Step::Done(w) => w.to_string(),
                other => format!("unknown ({})", other.why_not().unwrap_or_default()),
            },
            invalid_reason,
        },
        served_check,
    )
}

/// The cells a valid ballot adds, by the node's accumulation rules ([`Tally::add`]).
fn contribution(ctx: &ElectionContext, values: &[i64], weight: &BigUint) -> Vec<Cell> {
    let Ok(mut tally) = Tally::new(ctx.tally_params()) else {
        return Vec::new();
    };
    tally.add(values, weight);
    let zero = BigUint::default();
    tally
        .results()
        .rows()
        .enumerate()
        .flat_map(|(question, row)| {
            row.iter()
                .enumerate()
                .filter(|(_, cell)| **cell != zero)
                .map(move |(value, cell)| Cell {
                    question,
                    value,
                    adds: cell.to_string(),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

impl fmt::Display for Receipt {
    /// The readable summary `vocaudit receipt` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.counted {
            "COUNTED"
        } else {
            "NOT COUNTED"
        };
        writeln!(f, "vote {}: {verdict}", self.vote_id)?;
        for why in &self.not_counted_because {
            writeln!(f, "  because {why}")?;
        }
        writeln!(
            f,
            "election   {} ({})",
            self.election_id, self.election_status
        )?;
        if let Some(v) = &self.voter {
            writeln!(f, "voter      0x{v}")?;
        }
        let c = &self.on_chain;
        writeln!(
            f,
            "on chain   tx {} at block {} index {} ({})",
            c.tx_hash, c.block_height, c.transaction_index, c.time
        )?;
        writeln!(f, "envelope   {}", self.last_envelope)?;
        let b = &self.ballot;
        let sealed = if b.encrypted {
            format!(" (encrypted to keys {:?})", b.key_indexes)
        } else {
            String::new()
        };
        match (&b.values, &b.source) {
            (Some(v), Some(src)) => {
                writeln!(f, "ballot     {v:?} from the {src}{sealed}")?;
                if let Some(why) = &b.invalid_reason {
                    writeln!(f, "invalid    {why}")?;
                }
            }
            // Why it is not readable is among the reasons it is not counted, above.
            _ => writeln!(f, "ballot     not readable{sealed}")?,
        }
        writeln!(f, "weight     {}", b.weight)?;
        writeln!(f, "checks")?;
        for check in &self.checks {
            writeln!(
                f,
                "  {:<22} {:<13} {}",
                check.name,
                check.status.label(),
                check.detail
            )?;
        }
        if self.contribution.is_empty() {
            writeln!(f, "adds       nothing to the results")?;
            return Ok(());
        }
        if self.counted {
            writeln!(f, "adds")?;
        } else {
            writeln!(f, "would add (once counted)")?;
        }
        for cell in &self.contribution {
            writeln!(
                f,
                "  question {} value {}: +{}",
                cell.question, cell.value, cell.adds
            )?;
        }
        Ok(())
    }
}
