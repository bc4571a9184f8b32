//! A vote-list row as the crawl holds it. The crawl keeps every row of an election's list until
//! it has read each vote's detail and transaction, so its size is the fetch's memory: a million
//! rows parsed as [`VoteRow`] (five heap strings) held ~0.8 GB; held as their bytes they take
//! ~150 MB. Only what the crawl reads is kept (the election id and block time are in the stored
//! pages, for the verifier).

use crate::api::node::VoteRow;
use crate::protocol::hex_bytes::HexId;

/// One row of the vote list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedRow {
    /// The vote id (nullifier), lowercased: the crawl compares and requests it that way.
    pub vote_id: HexId,
    /// The transaction hash as listed; empty when the node has not indexed it yet.
    pub tx_hash: HexId,
    pub voter_id: Option<HexId>,
    pub block_height: u64,
    pub transaction_index: u32,
    /// The row carries a `blockTime` (else the vote's time comes from its detail or block).
    pub has_block_time: bool,
}

impl From<VoteRow> for ListedRow {
    fn from(row: VoteRow) -> Self {
        ListedRow {
            vote_id: HexId::new(&row.vote_id.to_ascii_lowercase()),
            tx_hash: HexId::new(&row.tx_hash),
            voter_id: row.voter_id.as_deref().map(HexId::new),
            block_height: row.block_height,
            transaction_index: row.transaction_index,
            has_block_time: row.block_time.is_some(),
        }
    }
}

impl ListedRow {
    /// The lowercase vote id, as the node's `/votes/{id}` route takes it.
    pub fn vote_id(&self) -> String {
        self.vote_id.to_string()
    }

    /// The transaction hash as listed (`""` when none).
    pub fn tx_hash(&self) -> String {
        self.tx_hash.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(vote_id: &str, tx_hash: &str) -> VoteRow {
        VoteRow {
            tx_hash: tx_hash.into(),
            vote_id: vote_id.into(),
            voter_id: Some("ab".repeat(20)),
            election_id: Some("cd".repeat(32)),
            block_height: 7,
            transaction_index: 2,
            block_time: None,
        }
    }

    #[test]
    fn a_row_keeps_every_field_the_crawl_reads_as_it_was_listed() {
        let listed = ListedRow::from(row(&"AB".repeat(32), &"ef".repeat(32)));
        assert_eq!(listed.vote_id(), "ab".repeat(32));
        assert_eq!(listed.tx_hash(), "ef".repeat(32));
        assert_eq!(
            listed.voter_id.map(|v| v.to_string()),
            Some("ab".repeat(20))
        );
        assert_eq!((listed.block_height, listed.transaction_index), (7, 2));
        assert!(!listed.has_block_time);
    }

    #[test]
    fn hostile_text_is_kept_verbatim_and_an_empty_hash_stays_empty() {
        let listed = ListedRow::from(row("not hex <b>", ""));
        assert_eq!(listed.vote_id(), "not hex <b>");
        assert!(listed.tx_hash.is_empty());
        assert_eq!(listed.tx_hash(), "");
        let upper = ListedRow::from(row(&"ab".repeat(32), &"EF".repeat(32)));
        assert_eq!(
            upper.tx_hash(),
            "EF".repeat(32),
            "a listed hash is not rewritten"
        );
    }

    #[test]
    fn a_row_is_a_fraction_of_its_strings() {
        assert!(std::mem::size_of::<ListedRow>() <= 160);
    }
}
