//! A census tree hashed once and kept: every node hash of the compressed tree in one flat vector,
//! so that a proof costs O(depth) lookups instead of rehashing the tree. Gives the siblings of
//! `GenProof` in vocdoni/vocdoni-node:tree/arbo/proof.go (navigation as in navigate.go `down`).

use super::proof::Proof;
use super::tree::{check_key_len, key_bit, LeafSet};
use super::{ArboError, HashKind, EMPTY_NODE};
use crate::protocol::hash::Hash32;

/// A leaf set with all its node hashes: build it once (one hash per leaf and per internal node,
/// as for the root), then ask any number of proofs and lookups.
///
/// Node layout, in order: leaf `i` (path order) at `2·i`; at `2·i + 1` the branch node between
/// leaves `i` and `i + 1`, i.e. the smallest subtree holding both. A branch node's hash is taken
/// at its parent's child slot: it includes the single-child nodes above it (a run of shared path
/// bits), so it is exactly the sibling a proof needs. `2·n − 1` hashes for `n` leaves, whatever
/// the depth.
#[derive(Debug, Clone)]
pub struct CensusTree {
    leaves: LeafSet,
    nodes: Vec<Hash32>,
    root: Hash32,
}

impl CensusTree {
    /// Validates, sorts and hashes `leaves` (key, value pairs in any order) for a tree of depth
    /// `max_levels` hashed with `kind`. Same errors as [`super::root`]; large subtrees are hashed
    /// on rayon tasks.
    pub fn build<K: AsRef<[u8]> + Sync, V: AsRef<[u8]> + Sync>(
        kind: HashKind,
        max_levels: usize,
        leaves: &[(K, V)],
    ) -> Result<Self, ArboError> {
        Self::from_leaf_set(LeafSet::new(kind, max_levels, leaves)?)
    }

    /// Hashes an already validated leaf set.
    pub fn from_leaf_set(leaves: LeafSet) -> Result<Self, ArboError> {
        let mut nodes = vec![EMPTY_NODE; (2 * leaves.len()).saturating_sub(1)];
        let root = leaves.hash_range(0, leaves.len(), 0, Some(&mut nodes))?;
        Ok(CensusTree {
            leaves,
            nodes,
            root,
        })
    }

    /// The tree root.
    pub fn root(&self) -> Hash32 {
        self.root
    }

    /// Number of leaves.
    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    /// True when there are no leaves (the root is then 32 zero bytes).
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// The leaf set (path order, lookups).
    pub fn leaf_set(&self) -> &LeafSet {
        &self.leaves
    }

    /// The value stored under `key`, if the key is a leaf (`Tree.Get`).
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.leaves.get(key)
    }

    /// `GenProof(key)`: the siblings along `key`'s path, and the leaf found at its end. An absent
    /// key gets the non-existence proof arbo gives: its path ends in an empty slot (empty leaf) or
    /// at another leaf.
    ///
    /// Costs no hash for a key in the tree; an absent key whose path leaves a run of shared bits
    /// costs one hash per bit of that run. Errors: a key longer than the path.
    pub fn proof(&self, key: &[u8]) -> Result<Proof, ArboError> {
        check_key_len(key, self.leaves.max_levels())?;
        let (mut lo, mut hi, mut depth) = (0, self.len(), 0);
        let mut siblings = Vec::new();
        while hi - lo > 1 {
            let split_depth = self.leaves.split_depth(lo, hi)?;
            let mid = self.leaves.split(lo, hi, split_depth);
            // Above the split every leaf of lo..hi is on the same side: the other one is empty.
            while depth < split_depth {
                if key_bit(key, depth) != self.leaves.path_bit(lo, depth) {
                    // The key turns into the empty side: its sibling is the whole range.
                    let branch = self
                        .leaves
                        .kind()
                        .node(&self.subtree(lo, mid)?, &self.subtree(mid, hi)?)?;
                    siblings.push(self.leaves.lift(branch, lo, split_depth, depth + 1)?);
                    return Ok(Proof {
                        existence: false,
                        leaf_key: Vec::new(),
                        leaf_value: Vec::new(),
                        siblings,
                    });
                }
                siblings.push(EMPTY_NODE);
                depth += 1;
            }
            if key_bit(key, split_depth) {
                siblings.push(self.subtree(lo, mid)?);
                lo = mid;
            } else {
                siblings.push(self.subtree(mid, hi)?);
                hi = mid;
            }
            depth = split_depth + 1;
        }
        let (leaf_key, leaf_value) = if hi > lo {
            let (k, v) = self.leaves.leaf(lo);
            (k.to_vec(), v.to_vec())
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(Proof {
            existence: hi > lo && leaf_key == key,
            leaf_key,
            leaf_value,
            siblings,
        })
    }

    /// The stored hash of the subtree holding exactly the leaves `lo..hi` (non-empty), seen from
    /// its parent's child slot: the leaf's node for one leaf, else the node of the branch gap.
    fn subtree(&self, lo: usize, hi: usize) -> Result<Hash32, ArboError> {
        let index = if hi - lo == 1 {
            2 * lo
        } else {
            let split_depth = self.leaves.split_depth(lo, hi)?;
            2 * self.leaves.split(lo, hi, split_depth) - 1
        };
        Ok(self.nodes[index])
    }
}
