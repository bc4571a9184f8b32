//! The check catalogue as data: one entry per check, in the order the report lists them.
//!
//! Ids are stable (`V-<CATEGORY>-<NN>`) and never reused; the runner looks up each check's
//! entry here, and a reporter can print the catalogue as documentation.

use crate::verify::result::Category;

/// Whether a check runs once per audit or once per Vochain election.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Audit,
    Election,
}

/// One catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    pub id: &'static str,
    pub category: Category,
    pub scope: Scope,
    /// Short title, shown beside the status.
    pub title: &'static str,
    /// One or two sentences: what is checked and against what.
    pub doc: &'static str,
}

const fn entry(
    id: &'static str,
    category: Category,
    scope: Scope,
    title: &'static str,
    doc: &'static str,
) -> CheckInfo {
    CheckInfo {
        id,
        category,
        scope,
        title,
        doc,
    }
}

use Category as C;
use Scope::{Audit, Election};

/// Every check vocaudit runs.
pub const CATALOGUE: &[CheckInfo] = &[
    entry("V-BUNDLE-01", C::Bundle, Audit, "Bundle integrity",
        "Every file of the evidence bundle has the sha256 its manifest records."),
    entry("V-BUNDLE-02", C::Bundle, Audit, "Evidence obtained (audit)",
        "Everything the audit needed beyond single elections (SaaS process and results) was obtained; each gap is listed."),
    entry("V-BUNDLE-03", C::Bundle, Election, "Evidence obtained (election)",
        "Everything the node publishes about the election (votes, details, transactions, keys, census) was obtained; each gap is listed."),
    entry("V-BUNDLE-04", C::Bundle, Election, "Same question, same answer",
        "Vote details read twice, the election read at the start and the end of the fetch, and each list row against its detail agree, except for what a live election changes."),
    entry("V-CROSS-01", C::CrossSource, Audit, "SaaS questions on chain",
        "Every question of the SaaS process names an upstream election that was audited, and its chain id and organisation match the process."),
    entry("V-CROSS-02", C::CrossSource, Election, "SaaS agrees with the chain",
        "The SaaS results, voteCount, maxVoters, finalResults, status, chainId and organisation of the question equal the chain's election."),
    entry("V-CROSS-03", C::CrossSource, Election, "SaaS census numbers",
        "Every SaaS field the audit reads was readable (route and JSON path otherwise); the election has no more distinct voters than the SaaS census.size, an unweighted census's totalWeight equals its size; a maxCensusSize above size, or a census dump weighing more than totalWeight, is flagged."),
    entry("V-PID-01", C::ProcessId, Election, "Election id layout",
        "The election id's bytes agree with the chain id, organizationId, census origin and vote-mode bits (vocdoni-node:vochain/processid)."),
    entry("V-COUNT-01", C::Count, Election, "Vote counts agree",
        "The number of listed votes equals the election's voteCount, /votes/count and the list's totalItems."),
    entry("V-COUNT-02", C::Count, Election, "No duplicate vote",
        "No nullifier (vote id) is listed twice."),
    entry("V-COUNT-03", C::Count, Election, "Overwrites within the limit",
        "Every vote's overwriteCount is at most tallyMode.maxVoteOverwrites; where the chain's vote transactions were scanned, each vote id's envelopes in chain order end with the counted one within 1 + maxVoteOverwrites, and an envelope the vote list hides fails."),
    entry("V-COUNT-04", C::Count, Election, "Voters within the census size",
        "The number of distinct voters is at most census.maxCensusSize."),
    entry("V-TXHASH-01", C::TxHash, Election, "Transaction hashes",
        "Each vote's transaction, re-encoded as known clients encode it, hashes (sha256) to the published txHash."),
    entry("V-SIG-01", C::Signature, Election, "Vote signatures",
        "EIP-191 recovery over the vote template (processId, keccak256 of the tx bytes, chain id) gives the published voterID."),
    entry("V-NULL-01", C::Nullifier, Election, "Nullifiers",
        "Every signed vote's voteID is keccak256(voterID ‖ electionId) and its envelope names this election."),
    entry("V-CENSUS-01", C::Census, Election, "Census dump rebuilds the root",
        "The census dump at censusURL rebuilds to its own rootHash and to the election's censusRoot."),
    entry("V-CENSUS-02", C::Census, Election, "Census Merkle proofs",
        "Every vote's arbo proof verifies against censusRoot with key blake2b256(address)[:20], and the leaf is in the dump."),
    entry("V-CENSUS-03", C::Census, Election, "CSP proofs",
        "Every CSP (ProofCA) signature verifies against the census key for this election; the bundle names the signer and the election."),
    entry("V-CENSUS-04", C::Census, Election, "CSP proofs bound to the election",
        "CSP proofs salted with processId[:20] (legacy) verify for every election of the organisation (vocdoni-node#1424): flagged for review."),
    entry("V-CENSUS-05", C::Census, Election, "Every vote's eligibility checked",
        "The election's census is of a kind whose votes vocaudit verifies (signature or proof, census membership, weight); otherwise this check names what could not run and why, and the verdict is incomplete (exit 2), never pass."),
    entry("V-ZK-01", C::Zk, Election, "Groth16 proofs verify",
        "Each anonymous vote's Groth16 proof verifies under the key in force at its height (Vocdoni's v0.0.1 or v1.0.0, pinned) or a key trusted with --zk-key (flagged); never a key the node serves. Batch-verified per election, one by one only to locate a bad proof."),
    entry("V-ZK-02", C::Zk, Election, "Proofs made for this election",
        "The proof's electionId signals are split(sha256(processId)): a proof made for another election fails."),
    entry("V-ZK-03", C::Zk, Election, "Proofs against the census root",
        "The proof's censusRoot signal is the election's census root (for a dynamic census whose history was read, the root in force at the vote's height)."),
    entry("V-ZK-04", C::Zk, Election, "Proofs bound to the vote package",
        "The proof's voteHash signals are split(sha256(votePackage)) of the package counted (the weight's hash before 2024-02-28; the SDK's dropped-leading-zero quirk flagged). The chain no longer checks this since 2025-11-18, so a mismatch means a proof replayed with another package."),
    entry("V-ZK-05", C::Zk, Election, "Nullifiers from the proofs",
        "Each anonymous vote's id is its proof's nullifier (minimal big-endian bytes); distinct ids and overwrites are V-COUNT-02 and V-COUNT-03 over these ids."),
    entry("V-ZK-06", C::Zk, Election, "Weights from the proofs",
        "The weight stored is the proof's weight signal, positive and at most the heaviest census leaf; counted weights add up to at most the census's total weight, distinct votes to at most its leaves."),
    entry("V-ZK-07", C::Zk, Election, "SIK roots",
        "Whether each proof's sikRoot was a valid SIK root when cast cannot be checked offline (API v2 keeps no past SIK roots): an explicit skip saying so, with the roots the proofs name."),
    entry("V-WEIGHT-01", C::Weight, Election, "Vote weights",
        "The weight the node stored for each vote equals the weight its census proof grants."),
    entry("V-KEYS-01", C::Keys, Election, "Revealed keys",
        "Every revealed private key derives its published public key."),
    entry("V-KEYS-02", C::Keys, Election, "Vote key indexes revealed",
        "Every key index a vote was encrypted with has a revealed private key."),
    entry("V-KEYS-03", C::Keys, Election, "Decryption matches the served package",
        "Decrypting the transaction's ciphertext gives exactly the package the node served for the vote."),
    entry("V-BALLOT-01", C::Ballot, Election, "Ballots decoded and validated",
        "Each vote's last envelope is decoded and validated as the node does; ballots the protocol skips are listed with their reason."),
    entry("V-BALLOT-02", C::Ballot, Election, "Ballot values in the safe range",
        "Ballot values outside [0, 2^32) make the node's behaviour undefined: flagged for manual review."),
    entry("V-TALLY-01", C::Tally, Election, "Results match the recomputed tally",
        "The tally recomputed from the ballots equals the election's published result, cell by cell."),
    entry("V-TALLY-02", C::Tally, Election, "Scrutiny matches the recomputed tally",
        "The tally recomputed from the ballots equals the consensus results of /scrutiny, cell by cell."),
    entry("V-TALLY-03", C::Tally, Election, "Scrutiny ABI encoding",
        "The scrutiny's abiEncoded equals abi.encode(electionId, organizationId, censusRoot, sourceContract, results)."),
    entry("V-WINDOW-01", C::Window, Election, "Votes inside the voting window",
        "Every vote's block time lies in [startDate, startDate + duration]: the schedule NEW_PROCESS set (and SET_PROCESS_DURATION moved) when the chain's history was read, else endDate, which may have been moved to the results block."),
    entry("V-HIST-01", C::History, Election, "Who created and changed the election",
        "NEW_PROCESS and every SET_PROCESS status, census and duration change are signed by the organisation or one of its delegates (signer recovered over the per-type message, NEW_PROCESS after undoing the node's changes), in an order the node allows."),
    entry("V-HIST-02", C::History, Election, "Actual end",
        "The height and time of the transaction that ended the election by hand, beside the scheduled end; no vote was accepted after it or while the election was paused (an early end is information)."),
    entry("V-HIST-03", C::History, Election, "Census history",
        "Every census change with its height, root and size; the last is the census the election publishes; a change after voting started is flagged with what changed."),
    entry("V-HIST-04", C::History, Election, "Metadata integrity",
        "The metadata document from IPFS hashes to the CID in metadataURL (UnixFS as ipfs add builds it) and NEW_PROCESS set that URI; where the node serves a metadata history, each version hashes to its recorded SHA-256, NEW_PROCESS set the first and metadataURL is the last, and a change of what voters read after voting started is flagged with a word diff: verified, mismatch, unrecorded or unreachable."),
    entry("V-HIST-05", C::History, Election, "Key history",
        "Encryption keys were added before voting started and each private key was revealed only after the actual end (the manual end, else the scheduled one); the revealing account is shown."),
];

/// The catalogue entry of `id`.
pub fn info(id: &str) -> Option<&'static CheckInfo> {
    CATALOGUE.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_name_their_category() {
        let mut seen = HashSet::new();
        for c in CATALOGUE {
            assert!(seen.insert(c.id), "duplicate id {}", c.id);
            assert!(c.id.starts_with("V-"), "{}", c.id);
            assert!(!c.title.is_empty() && !c.doc.is_empty(), "{}", c.id);
        }
        assert_eq!(
            info("V-TALLY-01").map(|c| c.category),
            Some(Category::Tally)
        );
        assert!(info("V-NOPE-01").is_none());
    }

    #[test]
    fn every_category_has_a_check() {
        let covered: HashSet<_> = CATALOGUE.iter().map(|c| c.category).collect();
        for c in [
            C::Tally,
            C::Ballot,
            C::Census,
            C::Weight,
            C::Signature,
            C::Nullifier,
            C::TxHash,
            C::Keys,
            C::Window,
            C::Count,
            C::CrossSource,
            C::ProcessId,
            C::Bundle,
            C::History,
            C::Zk,
        ] {
            assert!(covered.contains(&c), "{c:?}");
        }
    }
}
