//! Tampers: named defects applied to a generated [`World`], each breaking exactly one thing an
//! auditor must catch (the verifier's matrix test runs every tamper and expects one failing
//! category at one location). A tamper re-serialises only what it changes and keeps everything
//! else consistent: a replaced signature gets a new, correct tx hash; inflated weights are
//! counted in the republished results; a moved vote keeps its block table coherent.
//!
//! Targets are chosen deterministically: the first election (by id) that fits, and its voter 0
//! (whose key [`super::generate::voter_key`] re-derives).

use k256::ecdsa::SigningKey;
use num_bigint::BigUint;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use thiserror::Error;

use crate::api::node::{TransactionResponse, VoteDetail};
use crate::bundle::evidence::Location;
use crate::protocol::abi::encode_evm_results_args;
use crate::protocol::arbo::{
    decode_records, encode_records, value_to_weight, weight_to_value, weighted_census_key,
    CensusDump,
};
use crate::protocol::ballot::VotePackage;
use crate::protocol::csp::{CaProofType, CspSigner, SaltRule};
use crate::protocol::hash::{keccak256, sha256, Hash32};
use crate::protocol::hex_bytes;
use crate::protocol::identity;
use crate::protocol::proto::{ProcessStatus, ProofPayload, Tx, TxPayload, TxType, VoteEnvelope};
use crate::protocol::tally::Tally;
use crate::protocol::tx::{decode_tx_json, reproduce_tx_bytes, ClientEncoding, Reproduction};

use super::generate::{
    address_of_key, block, block_time, secp_key, signed_vote_json, test_circuit,
    unsigned_vote_json, voter_key, zk_proof_payload, zk_secret, BLOCK_SECONDS, GENESIS_UNIX,
};
use super::history::{self as sim_history, Signer};
use super::world::{SimElection, World};
use crate::protocol::zk::testcircuit::{TestCircuit, VoteStatement};
use crate::protocol::zk::{bytes_to_arbo_split, nullifier_bytes, parse_public_signals, Fr};
use std::sync::Arc;

/// What a finding caused by a tamper names besides the election.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationKind {
    Election,
    Vote,
    /// Vote id and tx hash.
    VoteTx,
    Tx,
    Cell,
    Key,
}

/// One tamper of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TamperInfo {
    pub name: &'static str,
    pub description: &'static str,
    /// The one check category that must fail, as report.json names it (`tally`, `weight`, …).
    pub category: &'static str,
    /// Which parts of [`Location`] the failing finding carries.
    pub location: LocationKind,
}

/// A tamper as applied: its catalogue entry and the exact location it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedTamper {
    pub info: TamperInfo,
    pub location: Location,
}

/// Why a tamper could not be applied.
#[derive(Debug, Error)]
pub enum TamperError {
    #[error("unknown tamper `{0}` (see the tamper catalogue)")]
    Unknown(String),
    #[error("tamper `{name}` needs {needs}, which this world does not have")]
    NotApplicable { name: String, needs: &'static str },
    #[error("tamper `{name}`: the world is not as generated: {reason}")]
    Malformed { name: String, reason: String },
}

const TAMPERS: &[TamperInfo] = &[
    TamperInfo {
        name: "result-cell",
        description: "published result (election, scrutiny, SaaS) has one cell +1",
        category: "tally",
        location: LocationKind::Cell,
    },
    TamperInfo {
        name: "scrutiny-differs",
        description:
            "/scrutiny results (and abiEncoded) differ from the election's result in one cell",
        // The consensus results are checked against the recomputed tally (V-TALLY-02); the
        // election's `result` still matches it, so only that comparison fails.
        category: "tally",
        location: LocationKind::Cell,
    },
    TamperInfo {
        name: "weight-inflated",
        description: "a vote's weight exceeds its census leaf; results counted with it",
        category: "weight",
        location: LocationKind::Vote,
    },
    TamperInfo {
        name: "voter-signature",
        description: "a vote transaction signed by another key than its voter's",
        category: "signature",
        location: LocationKind::VoteTx,
    },
    TamperInfo {
        name: "csp-signature",
        description: "a CSP proof signed by another key than the census root",
        category: "census",
        location: LocationKind::VoteTx,
    },
    TamperInfo {
        name: "duplicate-nullifier",
        description: "the vote list holds one nullifier twice (voteCount follows)",
        // Listing and counting rows is the count checks' job (V-COUNT-01/02); the nullifier
        // itself is still the right one for its voter.
        category: "count",
        location: LocationKind::Vote,
    },
    TamperInfo {
        name: "census-dump-root",
        description: "the census dump on IPFS rebuilds to another root than it claims",
        category: "census",
        location: LocationKind::Election,
    },
    TamperInfo {
        name: "vote-outside-window",
        description: "a vote included in a block after the election's end",
        category: "window",
        location: LocationKind::VoteTx,
    },
    TamperInfo {
        name: "vote-count",
        description: "voteCount (election and SaaS) larger than the vote list",
        category: "count",
        location: LocationKind::Election,
    },
    TamperInfo {
        name: "wrong-revealed-key",
        description: "a revealed private key that does not derive its public key",
        category: "keys",
        location: LocationKind::Key,
    },
    TamperInfo {
        name: "ciphertext-mismatch",
        description: "the node serves a package its vote's ciphertext does not decrypt to",
        // Decrypting the chain's ciphertext is the keys checks' job (V-KEYS-03); the chain's
        // ballot is still the one counted in the results.
        category: "keys",
        location: LocationKind::VoteTx,
    },
    TamperInfo {
        name: "saas-results",
        description: "SaaS results differ from the chain's in one cell",
        category: "cross-source",
        location: LocationKind::Cell,
    },
    TamperInfo {
        name: "tx-hash",
        description: "a vote's transaction served under a hash its bytes do not have",
        category: "tx-hash",
        location: LocationKind::Tx,
    },
    TamperInfo {
        name: "overwrite-limit",
        description: "a vote's overwriteCount beyond maxVoteOverwrites",
        category: "count",
        location: LocationKind::Vote,
    },
    TamperInfo {
        name: "saas-census-size",
        description:
            "the SaaS census.size (and totalWeight) below the votes a question's election counts",
        category: "cross-source",
        location: LocationKind::Election,
    },
    TamperInfo {
        name: "vote-after-early-end",
        description:
            "a vote included after the election was ended by hand, inside its scheduled window",
        category: "history",
        location: LocationKind::VoteTx,
    },
    TamperInfo {
        name: "key-revealed-early",
        description: "an encryption key revealed on chain while voting was open",
        category: "history",
        location: LocationKind::Key,
    },
    TamperInfo {
        name: "metadata-cid-mismatch",
        description: "the metadata document served on IPFS does not hash to the CID in metadataURL",
        category: "history",
        location: LocationKind::Election,
    },
    TamperInfo {
        name: "metadata-version-mismatch",
        description: "a metadata version the node's history lists is served with bytes that do not hash to its recorded SHA-256",
        category: "history",
        location: LocationKind::Tx,
    },
    TamperInfo {
        name: "status-by-stranger",
        description:
            "a status change signed by an account that is neither the organisation nor a delegate",
        category: "history",
        location: LocationKind::Tx,
    },
    TamperInfo {
        name: "hidden-envelope",
        description:
            "the vote list omits a vote the chain holds (voteCount and results follow the list)",
        // Recomputing the votes from the chain's own vote transactions is V-COUNT-03's job.
        category: "count",
        location: LocationKind::VoteTx,
    },
    TamperInfo {
        name: "zk-proof",
        description: "an anonymous vote's Groth16 proof altered (its points swapped)",
        category: "zk",
        location: LocationKind::VoteTx,
    },
    TamperInfo {
        name: "zk-election",
        description: "an anonymous vote whose proof was made for another election",
        category: "zk",
        location: LocationKind::VoteTx,
    },
    TamperInfo {
        name: "zk-census-root",
        description: "an anonymous vote whose proof was made against another census root",
        category: "zk",
        location: LocationKind::VoteTx,
    },
    TamperInfo {
        name: "zk-vote-hash",
        description: "a valid anonymous proof replayed with another vote package, which the published result counts",
        category: "zk",
        location: LocationKind::VoteTx,
    },
];

/// The tamper catalogue.
pub fn tampers() -> &'static [TamperInfo] {
    TAMPERS
}

/// Applies tamper `name` to `world`.
pub fn apply_tamper(world: &mut World, name: &str) -> Result<AppliedTamper, TamperError> {
    let info = *TAMPERS
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| TamperError::Unknown(name.to_string()))?;
    let mut t = Tamperer { world, name };
    let location = match name {
        "result-cell" => t.result_cell()?,
        "scrutiny-differs" => t.scrutiny_differs()?,
        "weight-inflated" => t.weight_inflated()?,
        "voter-signature" => t.voter_signature()?,
        "csp-signature" => t.csp_signature()?,
        "duplicate-nullifier" => t.duplicate_nullifier()?,
        "census-dump-root" => t.census_dump_root()?,
        "vote-outside-window" => t.vote_outside_window()?,
        "vote-count" => t.vote_count()?,
        "wrong-revealed-key" => t.wrong_revealed_key()?,
        "ciphertext-mismatch" => t.ciphertext_mismatch()?,
        "saas-results" => t.saas_results()?,
        "tx-hash" => t.tx_hash()?,
        "overwrite-limit" => t.overwrite_limit()?,
        "saas-census-size" => t.saas_census_size()?,
        "vote-after-early-end" => t.vote_after_early_end()?,
        "key-revealed-early" => t.key_revealed_early()?,
        "metadata-cid-mismatch" => t.metadata_cid_mismatch()?,
        "metadata-version-mismatch" => t.metadata_version_mismatch()?,
        "status-by-stranger" => t.status_by_stranger()?,
        "hidden-envelope" => t.hidden_envelope()?,
        "zk-proof" => t.zk_proof()?,
        "zk-election" => t.zk_reprove(ZkDefect::Election)?,
        "zk-census-root" => t.zk_reprove(ZkDefect::CensusRoot)?,
        "zk-vote-hash" => t.zk_vote_hash()?,
        _ => return Err(TamperError::Unknown(name.to_string())),
    };
    Ok(AppliedTamper { info, location })
}

struct Tamperer<'a> {
    world: &'a mut World,
    name: &'a str,
}

/// `cell + 1` of a decimal matrix; `None` when the cell is missing or not a number.
fn bump(rows: &mut [Vec<String>], q: usize, v: usize) -> Option<()> {
    let cell = rows.get_mut(q)?.get_mut(v)?;
    let n: BigUint = cell.parse().ok()?;
    *cell = (n + 1u32).to_string();
    Some(())
}

/// A signed vote on an arbo census (anonymous elections use the same origin).
fn is_arbo(sim: &SimElection) -> bool {
    has_census_dump(sim) && !is_anonymous(sim)
}

/// A census published as a dump (arbo or, anonymous, Poseidon).
fn has_census_dump(sim: &SimElection) -> bool {
    sim.election.census.census_origin == "OFF_CHAIN_TREE_WEIGHTED"
}

fn is_anonymous(sim: &SimElection) -> bool {
    sim.election.vote_mode.anonymous
}

/// What a re-proved anonymous vote gets wrong.
#[derive(Clone, Copy)]
enum ZkDefect {
    /// Proved for another election.
    Election,
    /// Proved against another census root.
    CensusRoot,
}

fn is_csp(sim: &SimElection) -> bool {
    sim.election.census.census_origin == "OFF_CHAIN_CA"
}

fn is_encrypted(sim: &SimElection) -> bool {
    sim.election.vote_mode.encrypted_votes
}

impl Tamperer<'_> {
    fn malformed(&self, reason: impl Into<String>) -> TamperError {
        TamperError::Malformed {
            name: self.name.to_string(),
            reason: reason.into(),
        }
    }

    fn not_applicable(&self, needs: &'static str) -> TamperError {
        TamperError::NotApplicable {
            name: self.name.to_string(),
            needs,
        }
    }

    /// The id of the first election (by id) that `fits`.
    fn pick(
        &self,
        fits: fn(&SimElection) -> bool,
        needs: &'static str,
    ) -> Result<String, TamperError> {
        self.world
            .elections
            .iter()
            .find(|(_, sim)| fits(sim) && !sim.votes.is_empty())
            .map(|(id, _)| id.clone())
            .ok_or_else(|| self.not_applicable(needs))
    }

    fn sim(&mut self, id: &str) -> Result<&mut SimElection, TamperError> {
        let err = self.malformed(format!("election {id} vanished"));
        self.world.elections.get_mut(id).ok_or(err)
    }

    /// Voter 0 of election `id`: its key and the index of its vote in the table.
    fn voter_zero(&self, id: &str) -> Result<(SigningKey, usize), TamperError> {
        let pid: Hash32 =
            hex_bytes::decode_array("electionId", id).map_err(|e| self.malformed(e.to_string()))?;
        let key = voter_key(&pid, 0);
        let address = address_of_key(&key);
        let anonymous = self.world.elections.get(id).is_some_and(is_anonymous);
        let nullifier = if anonymous {
            let e = bytes_to_arbo_split(&pid);
            hex::encode(nullifier_bytes(
                &(zk_secret(&address) * (e[0] + e[1] + Fr::from(1u64))),
            ))
        } else {
            hex::encode(identity::nullifier(&address, &pid))
        };
        let at = self
            .world
            .elections
            .get(id)
            .and_then(|sim| sim.votes.iter().position(|v| v.vote_id == nullifier))
            .ok_or_else(|| self.malformed("voter 0 has no vote"))?;
        Ok((key, at))
    }

    fn vote(&self, id: &str, at: usize) -> Result<&VoteDetail, TamperError> {
        self.world
            .elections
            .get(id)
            .and_then(|sim| sim.votes.get(at))
            .ok_or_else(|| self.malformed("vote vanished"))
    }

    fn vote_location(&self, id: &str, at: usize) -> Result<Location, TamperError> {
        let vote = self.vote(id, at)?;
        Ok(Location {
            election_id: id.to_string(),
            vote_id: Some(vote.vote_id.clone()),
            tx_hash: Some(vote.tx_hash.clone()),
            ..Location::default()
        })
    }

    /// Counts the election's stored votes again (their packages and weights as they now are)
    /// and publishes that tally everywhere results appear, so only the tampered vote differs
    /// from what the chain holds.
    fn recount_and_republish(&mut self, id: &str) -> Result<(), TamperError> {
        let sim = self.sim(id)?;
        let mut tally =
            Tally::new(sim.election.tally_params()).map_err(|e| self.malformed(e.to_string()))?;
        for vote in &self.sim(id)?.votes {
            let weight: BigUint = vote.weight.parse().unwrap_or_default();
            if let Ok(package) = VotePackage::decode(vote.package.get().as_bytes()) {
                tally.add(&package.votes, &weight);
            }
        }
        let results = tally.results().to_decimal_strings();
        self.republish(id, &results, true, true, true)
    }

    /// Sets the results an election publishes: `result`, optionally `/scrutiny` (with its
    /// `abiEncoded`) and optionally the SaaS views of its question.
    fn republish(
        &mut self,
        id: &str,
        results: &[Vec<String>],
        election: bool,
        scrutiny: bool,
        saas: bool,
    ) -> Result<(), TamperError> {
        let bad = self.malformed("results or scrutiny ids are not decimal/hex");
        let sim = self.sim(id)?;
        if election {
            sim.election.result = Some(results.to_vec());
        }
        if scrutiny {
            let s = sim.scrutiny.as_mut().ok_or(bad)?;
            let rows: Option<Vec<Vec<BigUint>>> = results
                .iter()
                .map(|row| row.iter().map(|c| c.parse().ok()).collect())
                .collect();
            let decode = |s: &str| hex::decode(s).ok();
            let (Some(rows), Some(eid), Some(org), Some(root)) = (
                rows,
                decode(&s.election_id),
                decode(&s.organization_id),
                decode(&s.census_root),
            ) else {
                return Err(self.malformed("scrutiny fields are not decimal/hex"));
            };
            let Ok(abi) = encode_evm_results_args(&eid, &org, &root, &[], &rows) else {
                return Err(self.malformed("results do not fit the ABI"));
            };
            s.results = results.to_vec();
            s.abi_encoded = format!("0x{}", hex::encode(abi));
        }
        if saas {
            for p in self.world.saas_processes.values_mut() {
                for q in &mut p.process.questions {
                    if q.upstream_id == id {
                        if let Some(r) = &mut q.results {
                            r.results = Some(results.to_vec());
                        }
                    }
                }
                for q in &mut p.results.questions {
                    if q.upstream_id == id {
                        q.results = Some(results.to_vec());
                    }
                }
            }
        }
        Ok(())
    }

    /// The published result matrix of election `id`.
    fn result(&self, id: &str) -> Result<Vec<Vec<String>>, TamperError> {
        self.world
            .elections
            .get(id)
            .and_then(|sim| sim.election.result.clone())
            .ok_or_else(|| self.malformed("no published result"))
    }

    /// Re-encodes vote `at` of election `id` after `mutate`, signed by `signer`, under its new
    /// hash (the same client encoding as before); returns the new hash.
    fn rewrite_vote_tx(
        &mut self,
        id: &str,
        at: usize,
        signer: &SigningKey,
        mutate: impl FnOnce(&mut VoteEnvelope) -> Result<(), TamperError>,
    ) -> Result<String, TamperError> {
        self.rewrite_tx(id, at, Some(signer), mutate)
    }

    /// [`Self::rewrite_vote_tx`]; `None` re-encodes an unsigned (anonymous) vote.
    fn rewrite_tx(
        &mut self,
        id: &str,
        at: usize,
        signer: Option<&SigningKey>,
        mutate: impl FnOnce(&mut VoteEnvelope) -> Result<(), TamperError>,
    ) -> Result<String, TamperError> {
        let old_hash = self.vote(id, at)?.tx_hash.clone();
        let json = self
            .world
            .transactions
            .get(&old_hash)
            .ok_or_else(|| self.malformed("vote transaction missing"))?;
        let response: TransactionResponse =
            serde_json::from_str(json).map_err(|e| self.malformed(e.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_str(response.tx.get()).map_err(|e| self.malformed(e.to_string()))?;
        let mut tx = decode_tx_json(&value)
            .map_err(|e| self.malformed(e.to_string()))?
            .tx;
        let signature =
            hex::decode(&response.signature).map_err(|e| self.malformed(e.to_string()))?;
        let published: Hash32 = hex_bytes::decode_array("txHash", &old_hash)
            .map_err(|e| self.malformed(e.to_string()))?;
        let client = match reproduce_tx_bytes(&tx, &signature, &published) {
            Reproduction::Reproduced(r) => r.encoding.client,
            Reproduction::CannotReproduce { .. } => ClientEncoding::GoCanonical,
        };
        match &mut tx.payload {
            Some(TxPayload::Vote(envelope)) => mutate(envelope)?,
            _ => return Err(self.malformed("not a vote transaction")),
        }
        let (height, index) = (response.tx_info.height, response.tx_info.index);
        let (hash, json) = match signer {
            Some(signer) => signed_vote_json(
                &self.world.chain_info.chain_id,
                &tx,
                client,
                signer,
                height,
                index,
            ),
            None => unsigned_vote_json(&tx, client, height, index),
        }
        .map_err(|e| self.malformed(e.to_string()))?;
        self.world.transactions.remove(&old_hash);
        self.world.transactions.insert(hash.clone(), json);
        let vote = self
            .sim(id)?
            .votes
            .get_mut(at)
            .ok_or_else(|| TamperError::Unknown("vote".into()))?;
        vote.tx_hash = hash.clone();
        Ok(hash)
    }

    fn set_vote_count(&mut self, id: &str, count: u64) -> Result<(), TamperError> {
        self.sim(id)?.election.vote_count = count;
        for p in self.world.saas_processes.values_mut() {
            for q in &mut p.process.questions {
                if q.upstream_id == id {
                    if let Some(r) = &mut q.results {
                        r.vote_count = Some(count);
                    }
                }
            }
            for q in &mut p.results.questions {
                if q.upstream_id == id {
                    q.vote_count = Some(count);
                }
            }
        }
        Ok(())
    }

    fn cell_location(id: &str) -> Location {
        Location {
            election_id: id.to_string(),
            cell: Some([0, 0]),
            ..Location::default()
        }
    }

    fn result_cell(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(|s| s.election.result.is_some(), "an election with results")?;
        let mut results = self.result(&id)?;
        bump(&mut results, 0, 0).ok_or_else(|| self.malformed("result cell [0][0]"))?;
        self.republish(&id, &results, true, true, true)?;
        Ok(Self::cell_location(&id))
    }

    fn scrutiny_differs(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(|s| s.scrutiny.is_some(), "an election with a scrutiny")?;
        let mut results = self.result(&id)?;
        bump(&mut results, 0, 0).ok_or_else(|| self.malformed("result cell [0][0]"))?;
        self.republish(&id, &results, false, true, false)?;
        Ok(Self::cell_location(&id))
    }

    fn saas_results(&mut self) -> Result<Location, TamperError> {
        let id = self
            .world
            .saas_processes
            .values()
            .flat_map(|p| p.process.questions.iter())
            .map(|q| q.upstream_id.clone())
            .find(|id| self.world.elections.contains_key(id))
            .ok_or_else(|| self.not_applicable("a SaaS process"))?;
        let mut results = self.result(&id)?;
        bump(&mut results, 0, 0).ok_or_else(|| self.malformed("result cell [0][0]"))?;
        self.republish(&id, &results, false, false, true)?;
        Ok(Self::cell_location(&id))
    }

    /// The SaaS says its census has one member fewer than the busiest question's election has
    /// voters; `totalWeight` follows (each member weighs 1), so only the size is wrong.
    fn saas_census_size(&mut self) -> Result<Location, TamperError> {
        let elections = &self.world.elections;
        let (pid, id, votes) = self
            .world
            .saas_processes
            .iter()
            .flat_map(|(pid, p)| p.process.questions.iter().map(move |q| (pid, q)))
            .filter_map(|(pid, q)| {
                let votes = elections.get(&q.upstream_id)?.votes.len() as u64;
                Some((pid.clone(), q.upstream_id.clone(), votes))
            })
            .filter(|(_, _, votes)| *votes > 0)
            .max_by_key(|(_, _, votes)| *votes)
            .ok_or_else(|| self.not_applicable("a SaaS process with votes"))?;
        let process = self
            .world
            .saas_processes
            .get_mut(&pid)
            .ok_or_else(|| TamperError::Unknown("SaaS process".into()))?;
        let size = votes - 1;
        process.process.census.size = Some(size.into());
        process.process.census.total_weight = Some(size.into());
        Ok(Location::election(id))
    }

    fn weight_inflated(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(is_arbo, "a weighted (arbo) census")?;
        let (_, at) = self.voter_zero(&id)?;
        let sim = self.sim(&id)?;
        let vote = sim
            .votes
            .get_mut(at)
            .ok_or_else(|| TamperError::Unknown("vote".into()))?;
        let weight: BigUint = vote.weight.parse().unwrap_or_default();
        vote.weight = (weight + 1000u32).to_string();
        self.recount_and_republish(&id)?;
        Ok(Location {
            tx_hash: None,
            ..self.vote_location(&id, at)?
        })
    }

    fn voter_signature(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(|s| !is_anonymous(s), "an election with signed votes")?;
        let (_, at) = self.voter_zero(&id)?;
        let intruder = secp_key(&[b"vocaudit-sim/tamper/intruder"]);
        self.rewrite_vote_tx(&id, at, &intruder, |_| Ok(()))?;
        self.vote_location(&id, at)
    }

    fn csp_signature(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(is_csp, "a CSP census")?;
        let (key, at) = self.voter_zero(&id)?;
        let rogue = CspSigner::new(&keccak256(&[b"vocaudit-sim/tamper/rogue-csp"]))
            .map_err(|e| self.malformed(e.to_string()))?;
        let name = self.name.to_string();
        let malformed = |reason: String| TamperError::Malformed {
            name: name.clone(),
            reason,
        };
        self.rewrite_vote_tx(&id, at, &key, |envelope| {
            let pid: Hash32 = envelope
                .process_id
                .as_slice()
                .try_into()
                .map_err(|_| malformed("processId".into()))?;
            let Some(ProofPayload::Ca(ca)) =
                envelope.proof.as_mut().and_then(|p| p.payload.as_mut())
            else {
                return Err(malformed("not a CSP proof".into()));
            };
            let bundle = ca.bundle.clone().unwrap_or_default();
            let proof_type = CaProofType::from_proto(ca.r#type).unwrap_or(CaProofType::Ecdsa);
            let mut rng = ChaCha20Rng::seed_from_u64(0);
            ca.signature = rogue
                .sign(
                    &mut rng,
                    proof_type,
                    SaltRule::LegacyProcessId,
                    &pid,
                    &bundle.signed_bytes(),
                    bundle.vote_weight.as_deref(),
                )
                .map_err(|e| malformed(e.to_string()))?;
            Ok(())
        })?;
        self.vote_location(&id, at)
    }

    /// The node's `/votes/{id}` serves another package than the transaction's ciphertext
    /// decrypts to (a node decrypting with other keys, or a doctored indexer row); the chain's
    /// ciphertext and the results computed from it are left alone.
    fn ciphertext_mismatch(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(is_encrypted, "an encrypted election")?;
        let (_, at) = self.voter_zero(&id)?;
        let served = self.vote(&id, at)?.package.get().to_string();
        let other = if served.contains("\"votes\":[]") {
            r#"{"nonce":"00","votes":[0]}"#
        } else {
            r#"{"nonce":"00","votes":[]}"#
        };
        let package = serde_json::value::RawValue::from_string(other.to_string())
            .map_err(|e| self.malformed(e.to_string()))?;
        if let Some(vote) = self.sim(&id)?.votes.get_mut(at) {
            vote.package = package;
        }
        self.vote_location(&id, at)
    }

    fn duplicate_nullifier(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(|_| true, "an election with votes")?;
        let (_, at) = self.voter_zero(&id)?;
        let copy = self.vote(&id, at)?.clone();
        let location = Location {
            tx_hash: None,
            ..self.vote_location(&id, at)?
        };
        let sim = self.sim(&id)?;
        sim.extra_rows.push(copy);
        let count = sim.election.vote_count + 1;
        self.set_vote_count(&id, count)?;
        Ok(location)
    }

    fn vote_count(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(|_| true, "an election with votes")?;
        let count = self.sim(&id)?.election.vote_count + 3;
        self.set_vote_count(&id, count)?;
        Ok(Location::election(id))
    }

    fn overwrite_limit(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(|_| true, "an election with votes")?;
        let (_, at) = self.voter_zero(&id)?;
        let sim = self.sim(&id)?;
        let limit = sim.election.tally_mode.max_vote_overwrites;
        if let Some(vote) = sim.votes.get_mut(at) {
            vote.overwrite_count = limit + 1;
        }
        Ok(Location {
            tx_hash: None,
            ..self.vote_location(&id, at)?
        })
    }

    fn wrong_revealed_key(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(is_encrypted, "an encrypted election")?;
        let err = self.malformed("no revealed key");
        let keys = self.sim(&id)?.keys.as_mut().ok_or(err)?;
        let Some(first) = keys.private_keys.first_mut() else {
            return Err(self.malformed("no revealed key"));
        };
        first.key = hex::encode(keccak256(&[b"vocaudit-sim/tamper/wrong-key"]));
        let index = first.index;
        Ok(Location {
            election_id: id,
            key_index: Some(index),
            ..Location::default()
        })
    }

    fn tx_hash(&mut self) -> Result<Location, TamperError> {
        // Only a signature pins a vote's bytes: an unsigned (anonymous) vote served under
        // another hash could be an encoding vocaudit does not know, which is `warn`, not `fail`.
        let id = self.pick(|s| !is_anonymous(s), "an election with signed votes")?;
        let (_, at) = self.voter_zero(&id)?;
        let old = self.vote(&id, at)?.tx_hash.clone();
        let new = hex::encode(sha256(&[b"vocaudit-sim/tamper/tx-hash", old.as_bytes()]));
        let json = self
            .world
            .transactions
            .remove(&old)
            .ok_or_else(|| self.malformed("vote transaction missing"))?;
        let mut response: TransactionResponse =
            serde_json::from_str(&json).map_err(|e| self.malformed(e.to_string()))?;
        response.tx_info.hash = new.clone();
        let json = serde_json::to_string(&response).map_err(|e| self.malformed(e.to_string()))?;
        self.world.transactions.insert(new.clone(), json);
        if let Some(vote) = self.sim(&id)?.votes.get_mut(at) {
            vote.tx_hash = new.clone();
        }
        Ok(Location {
            election_id: id,
            tx_hash: Some(new),
            ..Location::default()
        })
    }

    fn vote_outside_window(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(|_| true, "an election with votes")?;
        let (_, at) = self.voter_zero(&id)?;
        let sim = self.sim(&id)?;
        let (end_date, scheduled) = (sim.election.end_date.clone(), sim.scheduled_end);
        let end = chrono::DateTime::parse_from_rfc3339(&end_date)
            .map_err(|e| self.malformed(e.to_string()))?
            .timestamp()
            // After a manual end endDate is earlier than the schedule: outside both.
            .max(scheduled.unwrap_or(i64::MIN));
        // The first block strictly after the end (+1 block of margin).
        let height = ((end - GENESIS_UNIX) / BLOCK_SECONDS + 2).max(0) as u64;
        self.move_vote(&id, at, height)?;
        self.vote_location(&id, at)
    }

    /// Moves vote `at` of election `id` (its transaction and detail) to the end of block
    /// `height`, keeping the block table coherent.
    fn move_vote(&mut self, id: &str, at: usize, height: u64) -> Result<(), TamperError> {
        let vote = self.vote(id, at)?.clone();
        let index = self.move_tx(&vote.tx_hash, height)?;
        if let Some(v) = self.sim(id)?.votes.get_mut(at) {
            v.block_height = height;
            v.transaction_index = index;
            v.date = super::generate::rfc3339(block_time(height));
        }
        Ok(())
    }

    /// Moves transaction `hash` to the end of block `height`; returns its new index there.
    fn move_tx(&mut self, hash: &str, height: u64) -> Result<u32, TamperError> {
        let chain_id = self.world.chain_info.chain_id.clone();
        let json = self
            .world
            .transactions
            .get(hash)
            .ok_or_else(|| self.malformed(format!("transaction {hash} missing")))?;
        let mut response: TransactionResponse =
            serde_json::from_str(json).map_err(|e| self.malformed(e.to_string()))?;
        if let Some(old) = self.world.blocks.get_mut(&response.tx_info.height) {
            old.tx_count = old.tx_count.saturating_sub(1);
        }
        let target = self
            .world
            .blocks
            .entry(height)
            .or_insert_with(|| block(&chain_id, height, 0));
        let index = target.tx_count as u32;
        target.tx_count += 1;
        response.tx_info.height = height;
        response.tx_info.index = index;
        let json = serde_json::to_string(&response).map_err(|e| self.malformed(e.to_string()))?;
        self.world.transactions.insert(hash.to_string(), json);
        Ok(index)
    }

    /// The history transactions (not votes) naming election `id`: hash, response, decoded tx,
    /// in chain order.
    fn history_txs(&self, id: &str) -> Vec<(String, TransactionResponse, Tx)> {
        let mut out: Vec<(String, TransactionResponse, Tx)> = self
            .world
            .transactions
            .iter()
            .filter_map(|(hash, json)| {
                let response: TransactionResponse = serde_json::from_str(json).ok()?;
                let value: serde_json::Value = serde_json::from_str(response.tx.get()).ok()?;
                let tx = decode_tx_json(&value).ok()?.tx;
                let pid = match &tx.payload {
                    Some(TxPayload::NewProcess(n)) => n.process.as_ref()?.process_id.clone(),
                    Some(TxPayload::SetProcess(s)) => s.process_id.clone(),
                    Some(TxPayload::Admin(a)) => a.process_id.clone(),
                    _ => return None,
                };
                (hex::encode(pid) == id).then(|| (hash.clone(), response, tx))
            })
            .collect();
        out.sort_by_key(|(_, r, _)| (r.tx_info.height, r.tx_info.index));
        out
    }

    /// The height of the SET_PROCESS_STATUS that ended election `id` by hand.
    fn manual_end_height(&self, id: &str) -> Option<u64> {
        self.history_txs(id)
            .into_iter()
            .find_map(|(_, r, tx)| match tx.payload {
                Some(TxPayload::SetProcess(s)) if s.status == Some(ProcessStatus::Ended as i32) => {
                    Some(r.tx_info.height)
                }
                _ => None,
            })
    }

    fn vote_after_early_end(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(
            |s| s.election.manually_ended && s.scheduled_end.is_some(),
            "an election ended by hand",
        )?;
        let ended = self
            .manual_end_height(&id)
            .ok_or_else(|| self.malformed("no SET_PROCESS_STATUS ENDED"))?;
        let (_, at) = self.voter_zero(&id)?;
        // After the results block, long before the scheduled end.
        let height = ended + 3;
        let scheduled = self.sim(&id)?.scheduled_end.unwrap_or(i64::MAX);
        if block_time(height) >= scheduled {
            return Err(self.malformed("the manual end is too close to the schedule"));
        }
        self.move_vote(&id, at, height)?;
        self.vote_location(&id, at)
    }

    fn key_revealed_early(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(
            |s| is_encrypted(s) && s.scheduled_end.is_some(),
            "an encrypted election with its history",
        )?;
        let (hash, slot) = self
            .history_txs(&id)
            .into_iter()
            .find_map(|(hash, _, tx)| match tx.payload {
                Some(TxPayload::Admin(a)) if a.txtype == TxType::RevealProcessKeys as i32 => {
                    Some((hash, a.key_index))
                }
                _ => None,
            })
            .ok_or_else(|| self.malformed("no REVEAL_PROCESS_KEYS"))?;
        // Into the block of voter 0's vote: voting is open there.
        let (_, at) = self.voter_zero(&id)?;
        let height = self.vote(&id, at)?.block_height;
        self.move_tx(&hash, height)?;
        Ok(Location {
            tx_hash: Some(hash),
            key_index: slot,
            ..Location::election(id)
        })
    }

    fn metadata_cid_mismatch(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(
            |s| s.election.metadata_url.starts_with("ipfs://"),
            "metadata on IPFS",
        )?;
        let url = self.sim(&id)?.election.metadata_url.clone();
        self.pad_ipfs_object(&url)?;
        Ok(Location::election(id))
    }

    /// Serves the IPFS object of `url` (`ipfs://CID`) with one more space: still the same JSON
    /// to every reader, another document to IPFS.
    fn pad_ipfs_object(&mut self, url: &str) -> Result<(), TamperError> {
        let cid = url.trim_start_matches("ipfs://");
        let bytes = self
            .world
            .ipfs
            .get_mut(cid)
            .ok_or_else(|| TamperError::Unknown(format!("ipfs object {cid}")))?;
        bytes.push(b' ');
        Ok(())
    }

    /// The first version of the metadata history (the creation document, no longer the
    /// election's current one) served with one more byte: only that version mismatches.
    fn metadata_version_mismatch(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(
            |s| {
                s.metadata_history.as_ref().is_some_and(|h| {
                    h.versions.len() > 1 && h.versions[0].metadata_url.starts_with("ipfs://")
                })
            },
            "a metadata history of several versions on IPFS",
        )?;
        let first = self
            .sim(&id)?
            .metadata_history
            .as_ref()
            .and_then(|h| h.versions.first())
            .cloned()
            .ok_or_else(|| self.malformed("no metadata version"))?;
        self.pad_ipfs_object(&first.metadata_url)?;
        Ok(Location {
            tx_hash: Some(first.tx_hash),
            ..Location::election(id)
        })
    }

    fn status_by_stranger(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(
            |s| s.scheduled_end.is_some(),
            "an election with its history",
        )?;
        let pid: Hash32 = hex_bytes::decode_array("electionId", &id)
            .map_err(|e| self.malformed(e.to_string()))?;
        let chain_id = self.world.chain_info.chain_id.clone();
        let stranger = sim_history::stranger_key(u64::from(pid[31]));
        let status = self.history_txs(&id).into_iter().find(|(_, _, tx)| {
            matches!(&tx.payload, Some(TxPayload::SetProcess(s))
                if s.txtype == TxType::SetProcessStatus as i32)
        });
        let (tx, height, index) = match status {
            // Re-signed by the stranger in its place.
            Some((hash, response, tx)) => {
                self.world.transactions.remove(&hash);
                (tx, response.tx_info.height, response.tx_info.index)
            }
            // Or an end in the block that reaches the schedule (the end the IST would make).
            None => {
                let end = self
                    .sim(&id)?
                    .scheduled_end
                    .ok_or_else(|| self.malformed("no schedule"))?;
                let height = ((end - GENESIS_UNIX) / BLOCK_SECONDS).max(0) as u64;
                let target = self
                    .world
                    .blocks
                    .entry(height)
                    .or_insert_with(|| block(&chain_id, height, 0));
                let index = target.tx_count as u32;
                target.tx_count += 1;
                (
                    sim_history::set_status(&pid, ProcessStatus::Ended, 0),
                    height,
                    index,
                )
            }
        };
        let signed =
            sim_history::sign_tx(&chain_id, &tx, &tx, &stranger, Signer::Sdk, height, index)
                .map_err(|e| self.malformed(e.to_string()))?;
        self.world
            .transactions
            .insert(signed.hash.clone(), signed.json);
        Ok(Location {
            tx_hash: Some(signed.hash),
            ..Location::election(id)
        })
    }

    fn hidden_envelope(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(
            |s| s.scheduled_end.is_some(),
            "an election with its history",
        )?;
        let (_, at) = self.voter_zero(&id)?;
        let location = self.vote_location(&id, at)?;
        let sim = self.sim(&id)?;
        sim.votes.remove(at);
        let count = sim.votes.len() as u64;
        self.set_vote_count(&id, count)?;
        self.recount_and_republish(&id)?;
        Ok(location)
    }

    fn census_dump_root(&mut self) -> Result<Location, TamperError> {
        let id = self.pick(has_census_dump, "a census dump")?;
        let sim = self
            .world
            .elections
            .get(&id)
            .ok_or_else(|| self.malformed("election vanished"))?;
        let cid = sim
            .election
            .census
            .census_url
            .strip_prefix("ipfs://")
            .ok_or_else(|| self.malformed("censusURL is not ipfs://"))?
            .to_string();
        let voters: Vec<[u8; 20]> = sim
            .votes
            .iter()
            .filter_map(|v| hex::decode(v.voter_id.as_deref()?).ok())
            .map(|a| weighted_census_key(&a))
            .collect();
        let bytes = self
            .world
            .ipfs
            .get(&cid)
            .ok_or_else(|| self.malformed("census dump missing"))?;
        let mut dump = CensusDump::from_json(bytes).map_err(|e| self.malformed(e.to_string()))?;
        let records = dump
            .records_bytes()
            .map_err(|e| self.malformed(e.to_string()))?;
        let leaves: Vec<(Vec<u8>, Vec<u8>)> = decode_records(&records)
            .map_err(|e| self.malformed(e.to_string()))?
            .into_iter()
            .map(|(k, v)| (k.to_vec(), v.to_vec()))
            .collect();
        // A member who did not vote gets one more unit of weight: every vote proof still holds.
        let mut changed = leaves.clone();
        let target = changed
            .iter_mut()
            .find(|(k, _)| !voters.iter().any(|v| v[..] == k[..]))
            .ok_or_else(|| self.malformed("every member voted"))?;
        target.1 = weight_to_value(&(value_to_weight(&target.1) + 1u32))
            .map_err(|e| self.malformed(e.to_string()))?
            .to_vec();
        let raw = encode_records(changed.iter().map(|(k, v)| (k.as_slice(), v.as_slice())))
            .map_err(|e| self.malformed(e.to_string()))?;
        dump.data = zstd::bulk::compress(&raw, 0).map_err(|e| self.malformed(e.to_string()))?;
        let json = dump.to_json().map_err(|e| self.malformed(e.to_string()))?;
        let new_cid = super::generate::cid_of(&json);
        self.world.ipfs.remove(&cid);
        self.world.ipfs.insert(new_cid.clone(), json);
        self.sim(&id)?.election.census.census_url = format!("ipfs://{new_cid}");
        Ok(Location::election(id))
    }

    /// An anonymous election's first vote that was never overwritten (its one envelope is the
    /// one counted, so re-proving it leaves no stale envelope on chain), with the circuit the
    /// world proved with.
    fn zk_target(&self) -> Result<(String, usize, Arc<TestCircuit>), TamperError> {
        let id = self.pick(is_anonymous, "an anonymous election")?;
        let at = self
            .world
            .elections
            .get(&id)
            .and_then(|sim| sim.votes.iter().position(|v| v.overwrite_count == 0))
            .ok_or_else(|| self.malformed("every anonymous vote was overwritten"))?;
        let seed = self
            .world
            .zk_seed
            .ok_or_else(|| self.malformed("no test circuit"))?;
        let circuit = test_circuit(seed).map_err(|e| self.malformed(e.to_string()))?;
        Ok((id, at, circuit))
    }

    /// The vote's statement read back from its envelope's public inputs (v1.0.0 order), with
    /// the voter's secret re-derived: voter `at` of the table is census member `at`.
    fn zk_statement_of(
        &self,
        id: &str,
        at: usize,
        envelope: &VoteEnvelope,
    ) -> Result<VoteStatement, TamperError> {
        let pid: Hash32 =
            hex_bytes::decode_array("electionId", id).map_err(|e| self.malformed(e.to_string()))?;
        let Some(ProofPayload::ZkSnark(zk)) =
            envelope.proof.as_ref().and_then(|p| p.payload.as_ref())
        else {
            return Err(self.malformed("not a zk proof"));
        };
        let s = parse_public_signals(&zk.public_inputs, 8)
            .map_err(|e| self.malformed(e.to_string()))?;
        let address = address_of_key(&voter_key(&pid, at as u32));
        Ok(VoteStatement {
            election_id: [s[0], s[1]],
            available_weight: s[3],
            vote_hash: [s[4], s[5]],
            sik_root: s[6],
            census_root: s[7],
            secret: zk_secret(&address),
        })
    }

    /// The envelope of vote `at` of election `id`, decoded from its transaction.
    fn envelope_of(&self, id: &str, at: usize) -> Result<VoteEnvelope, TamperError> {
        let hash = &self.vote(id, at)?.tx_hash;
        let json = self
            .world
            .transactions
            .get(hash)
            .ok_or_else(|| self.malformed("vote transaction missing"))?;
        let response: TransactionResponse =
            serde_json::from_str(json).map_err(|e| self.malformed(e.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_str(response.tx.get()).map_err(|e| self.malformed(e.to_string()))?;
        match decode_tx_json(&value)
            .map_err(|e| self.malformed(e.to_string()))?
            .tx
            .payload
        {
            Some(TxPayload::Vote(envelope)) => Ok(envelope),
            _ => Err(self.malformed("not a vote transaction")),
        }
    }

    /// Swaps the proof's `a` and `c` points: both still on the curve, the proof no longer holds.
    fn zk_proof(&mut self) -> Result<Location, TamperError> {
        let (id, at, _) = self.zk_target()?;
        let name = self.name.to_string();
        self.rewrite_tx(&id, at, None, |envelope| {
            match envelope.proof.as_mut().and_then(|p| p.payload.as_mut()) {
                Some(ProofPayload::ZkSnark(zk)) => {
                    std::mem::swap(&mut zk.a, &mut zk.c);
                    Ok(())
                }
                _ => Err(TamperError::Malformed {
                    name,
                    reason: "not a zk proof".into(),
                }),
            }
        })?;
        self.vote_location(&id, at)
    }

    /// A valid proof of a statement the election does not make: for another election (its
    /// nullifier follows, and so does the vote id the node stores) or another census root.
    fn zk_reprove(&mut self, defect: ZkDefect) -> Result<Location, TamperError> {
        let (id, at, circuit) = self.zk_target()?;
        let envelope = self.envelope_of(&id, at)?;
        let mut statement = self.zk_statement_of(&id, at, &envelope)?;
        match defect {
            ZkDefect::Election => {
                statement.election_id =
                    bytes_to_arbo_split(&keccak256(&[b"vocaudit-sim/tamper/other-election"]))
            }
            ZkDefect::CensusRoot => {
                statement.census_root = Fr::from(0x5eed_u64) + statement.census_root
            }
        }
        let proof = circuit
            .prove(&statement, 0x7a)
            .map_err(|e| self.malformed(e.to_string()))?;
        let payload = zk_proof_payload(&proof, &statement);
        self.rewrite_tx(&id, at, None, |envelope| {
            if let Some(p) = envelope.proof.as_mut() {
                p.payload = Some(payload);
            }
            Ok(())
        })?;
        let vote_id = hex::encode(nullifier_bytes(&statement.nullifier()));
        if let Some(vote) = self.sim(&id)?.votes.get_mut(at) {
            vote.vote_id = vote_id;
        }
        self.vote_location(&id, at)
    }

    /// Replays the vote's valid proof with another package (another valid ballot, sealed again
    /// for an encrypted election): the node, which no longer compares voteHash with the
    /// package, stores and counts it, and the published result follows.
    fn zk_vote_hash(&mut self) -> Result<Location, TamperError> {
        let (id, at, _) = self.zk_target()?;
        let sim = self
            .world
            .elections
            .get(&id)
            .ok_or_else(|| self.malformed("election vanished"))?;
        let params = sim.election.tally_params();
        let keys: std::collections::BTreeMap<u32, [u8; 32]> = sim
            .keys
            .iter()
            .flat_map(|k| &k.public_keys)
            .filter_map(|k| Some((k.index, hex_bytes::decode_array::<32>("key", &k.key).ok()?)))
            .collect();
        let old = VotePackage::decode(self.vote(&id, at)?.package.get().as_bytes())
            .map_err(|e| self.malformed(e.to_string()))?;
        let weight: BigUint = self.vote(&id, at)?.weight.parse().unwrap_or_default();
        let mut rng = ChaCha20Rng::seed_from_u64(0x2b);
        let votes = (0..16)
            .map(|_| super::generate::valid_ballot(&mut rng, &params, &weight))
            .find(|v| *v != old.votes)
            .ok_or_else(|| self.malformed("no other valid ballot"))?;
        let package = format!(
            r#"{{"nonce":"{}","votes":{}}}"#,
            "7a",
            serde_json::to_string(&votes).map_err(|e| self.malformed(e.to_string()))?
        );
        let (sealed, indexes) = if keys.is_empty() {
            (package.clone().into_bytes(), Vec::new())
        } else {
            crate::protocol::sealed_box::seal_layers(&mut rng, &keys, package.as_bytes())
                .map_err(|e| self.malformed(e.to_string()))?
        };
        self.rewrite_tx(&id, at, None, |envelope| {
            envelope.vote_package = sealed;
            envelope.encryption_key_indexes = indexes;
            Ok(())
        })?;
        let raw = serde_json::value::RawValue::from_string(package)
            .map_err(|e| self.malformed(e.to_string()))?;
        let sim = self.sim(&id)?;
        if let Some(vote) = sim.votes.get_mut(at) {
            vote.package = raw;
        }
        self.recount_and_republish(&id)?;
        self.vote_location(&id, at)
    }
}
