//! The compact state the runner keeps over an election's vote stream: never the votes
//! themselves, only what the conclusions need (the distinct nullifiers, the running tally, the
//! vote times, counts). At a million votes this is tens of megabytes.

use std::collections::{BTreeMap, HashMap, HashSet};

use num_bigint::BigUint;

use crate::protocol::hex_bytes;
use crate::protocol::tally::Tally;
use crate::protocol::zk::inputs::fr_to_root;
use crate::verify::check::{Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::{CensusGrant, DerivedVote, ProofKind, Step, VerifiedBy};
use crate::verify::result::VoteOutcome;

/// A nullifier as a fixed-size key: length and bytes (zk nullifiers may be 31 bytes).
type NullifierKey = (u8, [u8; 32]);

/// What the runner learned from the whole vote stream.
#[derive(Debug)]
pub struct Aggregate {
    /// Votes yielded by the source (list rows, duplicates included).
    pub listed: u64,
    /// Distinct vote ids among them.
    pub distinct: u64,
    seen: HashSet<NullifierKey>,
    /// Vote ids listed more than once (for V-COUNT-02).
    pub duplicates: Remarks,
    /// Block times (unix seconds) of the distinct votes, for participation buckets.
    pub times: Vec<i64>,
    /// Why the vote stream stopped early, if it did.
    pub source_error: Option<String>,
    /// Ballots added to the tally.
    pub counted: u64,
    /// The stored weights of those ballots, summed (the voting power used).
    pub counted_weight: BigUint,
    /// Ballots the protocol skips (invalid content, undecryptable).
    pub skipped: u64,
    /// Ballots outside the node's safe range: the published tally may hold them in a way we
    /// cannot reproduce, so tally differences become warnings.
    pub manual_review: u64,
    /// The running tally, or why it cannot be set up.
    tally: Result<Tally, String>,
    /// Votes whose ballot could not be determined, and the first reason why: the tally cannot
    /// be recomputed then.
    pub undetermined: u64,
    first_undetermined: Option<String>,
    /// Verified CSP proofs, and how many of them use the legacy processId[:20] salt
    /// (V-CENSUS-04 reports them once per election).
    pub csp_proofs: u64,
    pub csp_legacy_salt: u64,
    /// Nullifier → tx hash of each listed vote's envelope, kept only when the block scan found
    /// other envelopes of the election (V-COUNT-03 puts them in chain order).
    pub listed_tx: HashMap<[u8; 32], [u8; 32]>,
    track_txs: bool,
    /// The lowest block height of a listed vote (when voting started, as the chain shows it).
    pub first_height: Option<u64>,
    /// Anonymous votes whose proof was read.
    pub zk_proofs: u64,
    /// The keys anonymous votes' proofs verified under, by sha256, with how many proofs each.
    pub zk_keys: BTreeMap<String, (VerifiedBy, u64)>,
    /// Proofs that verify under no key held while the node names a circuit whose key vocaudit
    /// does not hold: cannot be judged (V-CENSUS-05 makes the verdict incomplete).
    pub zk_unverifiable: u64,
    /// The distinct SIK roots the proofs name (V-ZK-07).
    pub zk_sik_roots: HashSet<[u8; 32]>,
}

impl Aggregate {
    pub fn new(ctx: &ElectionContext) -> Self {
        Aggregate {
            listed: 0,
            distinct: 0,
            seen: HashSet::new(),
            duplicates: Remarks::default(),
            times: Vec::new(),
            source_error: None,
            counted: 0,
            counted_weight: BigUint::default(),
            skipped: 0,
            manual_review: 0,
            tally: Tally::new(ctx.tally_params()).map_err(|e| e.to_string()),
            undetermined: 0,
            first_undetermined: None,
            csp_proofs: 0,
            csp_legacy_salt: 0,
            listed_tx: HashMap::new(),
            track_txs: !ctx.history.envelopes.is_empty(),
            first_height: None,
            zk_proofs: 0,
            zk_keys: BTreeMap::new(),
            zk_unverifiable: 0,
            zk_sik_roots: HashSet::new(),
        }
    }

    /// The recomputed tally as decimal strings, or why it cannot be recomputed.
    pub fn computed_tally(&self) -> Result<Vec<Vec<String>>, String> {
        if let Some(e) = &self.source_error {
            return Err(format!("the vote stream stopped early: {e}"));
        }
        if self.undetermined > 0 {
            return Err(format!(
                "{} ballots could not be determined (first: {})",
                self.undetermined,
                self.first_undetermined.as_deref().unwrap_or("")
            ));
        }
        self.tally
            .as_ref()
            .map(|t| t.results().to_decimal_strings())
            .map_err(Clone::clone)
    }

    /// Records one vote and says what the tally made of it; a vote id already seen is a
    /// [`VoteOutcome::Duplicate`] and is not counted twice.
    pub fn record(&mut self, vote: &DerivedVote) -> VoteOutcome {
        self.listed += 1;
        if let Step::Done(zk) = &vote.zk {
            self.zk_proofs += 1;
            self.zk_sik_roots
                .insert(fr_to_root(&zk.signal(zk.layout.indices().sik_root)));
            match &zk.verified {
                Step::Done(by) => {
                    self.zk_keys
                        .entry(by.sha256.clone())
                        .or_insert_with(|| (by.clone(), 0))
                        .1 += 1;
                }
                Step::Unverifiable(_) => self.zk_unverifiable += 1,
                _ => {}
            }
        }
        let first = match &vote.vote_id {
            Step::Done(id) => {
                let mut key = [0u8; 32];
                let n = id.len().min(32);
                key[..n].copy_from_slice(&id[..n]);
                self.seen.insert((n as u8, key))
            }
            // An undecodable id cannot be compared; other checks report it.
            _ => true,
        };
        if !first {
            self.duplicates.add(
                Level::Fail,
                vote.location.clone(),
                "vote id listed more than once",
                Some("listed once".into()),
                Some("listed again".into()),
            );
            return VoteOutcome::Duplicate;
        }
        self.distinct += 1;
        if let Some(h) = vote.block_height {
            self.first_height = Some(self.first_height.map_or(h, |f| f.min(h)));
        }
        if self.track_txs {
            let tx = vote.location.tx_hash.as_deref().unwrap_or_default();
            let (Step::Done(id), Ok(tx)) =
                (&vote.vote_id, hex_bytes::decode_array::<32>("txHash", tx))
            else {
                return self.record_ballot(vote);
            };
            if let Ok(id) = <[u8; 32]>::try_from(id.as_slice()) {
                self.listed_tx.insert(id, tx);
            }
        }
        self.record_ballot(vote)
    }

    /// Whether the vote list holds `nullifier`.
    pub fn lists(&self, nullifier: &[u8]) -> bool {
        let mut key = [0u8; 32];
        let n = nullifier.len().min(32);
        key[..n].copy_from_slice(&nullifier[..n]);
        self.seen.contains(&(n as u8, key))
    }

    /// The tally and the other sums of a first-listed vote.
    fn record_ballot(&mut self, vote: &DerivedVote) -> VoteOutcome {
        if let Step::Done(t) = vote.time {
            self.times.push(t);
        }
        if let Step::Done(CensusGrant {
            proof: ProofKind::Csp { legacy_salt },
            ..
        }) = &vote.census
        {
            self.csp_proofs += 1;
            self.csp_legacy_salt += u64::from(*legacy_salt);
        }
        match (&vote.ballot, &vote.stored_weight) {
            (Step::Done(b), Step::Done(weight)) if b.counted.is_ok() => {
                self.counted += 1;
                self.counted_weight += weight;
                if let Ok(t) = &mut self.tally {
                    // `counted` is Ok only for a ballot derive validated under these params.
                    t.add_valid(&b.values, weight);
                }
                VoteOutcome::Counted
            }
            (Step::Done(b), _) if b.out_of_safe_range => {
                self.manual_review += 1;
                VoteOutcome::ManualReview
            }
            (Step::Done(b), weight) => {
                self.skipped += 1;
                let why = match (&b.counted, weight) {
                    (Err(why), _) => why.as_str(),
                    (Ok(()), weight) => weight.why_not().unwrap_or_default(),
                };
                VoteOutcome::Skipped(why.into())
            }
            (other, _) => {
                self.undetermined += 1;
                let why = other.why_not().unwrap_or_default();
                if self.first_undetermined.is_none() {
                    self.first_undetermined = Some(why.to_string());
                }
                VoteOutcome::Undetermined(why.into())
            }
        }
    }
}
