//! The validated leaf set of an arbo tree and its root, computed without a database: the leaves
//! are sorted by path and the canonical (compressed) tree is hashed recursively. Gives the same
//! root as incremental `Tree.Add` / `AddBatch` in vocdoni/vocdoni-node:tree/arbo/{tree.go,navigate.go}.

use super::{ArboError, HashKind, EMPTY_NODE};
use crate::protocol::hash::Hash32;
use rayon::prelude::*;
use std::cmp::Ordering;

/// Subtrees with at least this many leaves hash their two halves on separate rayon tasks.
const PARALLEL_MIN_LEAVES: usize = 4096;

/// The root of the tree holding `leaves` (key, value pairs in any order).
///
/// Same result as adding the leaves one by one in any order. Errors: a key longer than
/// `ceil(max_levels / 8)` bytes, a key repeated, two keys equal on their first `max_levels` path
/// bits, an over-long leaf, or (Poseidon) a key or value that is not a field element. Cost: one sort, then one hash per
/// leaf and per internal node; nothing is kept (use [`super::CensusTree`] for proofs).
pub fn root<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    kind: HashKind,
    max_levels: usize,
    leaves: &[(K, V)],
) -> Result<Hash32, ArboError> {
    LeafSet::new(kind, max_levels, leaves)?.root()
}

/// A validated leaf set in path order, with its own copy of the keys and values (two flat
/// buffers, no allocation per leaf). Build it once for the root, the dump order, lookups, and as
/// the base of a [`super::CensusTree`].
#[derive(Debug, Clone)]
pub struct LeafSet {
    kind: HashKind,
    max_levels: usize,
    /// `ceil(max_levels / 8)`: the key path length in bytes.
    path_len: usize,
    /// `key ‖ value` of every leaf, in path order, concatenated.
    bytes: Vec<u8>,
    /// Where leaf `i` starts in `bytes`; one more entry than leaves, the last is `bytes.len()`.
    starts: Vec<usize>,
    /// Key length of each leaf (at most 255, arbo's limit).
    key_lens: Vec<u8>,
    /// The zero-padded key paths in path order, `path_len` bytes each, every byte bit-reversed so
    /// that path order is plain byte order (key bit 0, the least significant bit of key byte 0,
    /// is the most significant bit of path byte 0).
    paths: Vec<u8>,
}

impl LeafSet {
    /// Validates and sorts `leaves` for a tree of depth `max_levels` hashed with `kind`.
    pub fn new<K: AsRef<[u8]>, V: AsRef<[u8]>>(
        kind: HashKind,
        max_levels: usize,
        leaves: &[(K, V)],
    ) -> Result<Self, ArboError> {
        let path_len = max_levels.div_ceil(8);
        let mut raw_paths = vec![0u8; leaves.len() * path_len];
        let mut total = 0;
        for (i, (key, value)) in leaves
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .enumerate()
        {
            check_key_len(key, max_levels)?;
            if key.len() > super::MAX_KEY_LEN || value.len() > super::MAX_VALUE_LEN {
                return Err(ArboError::LeafTooLong {
                    key_len: key.len(),
                    value_len: value.len(),
                });
            }
            total += key.len() + value.len();
            // check_key_len guarantees key.len() <= path_len.
            let path = &mut raw_paths[i * path_len..(i + 1) * path_len];
            for (p, k) in path.iter_mut().zip(key) {
                *p = k.reverse_bits();
            }
        }
        let raw_path = |i: usize| &raw_paths[i * path_len..(i + 1) * path_len];
        let mut order: Vec<usize> = (0..leaves.len()).collect();
        order.par_sort_unstable_by(|&a, &b| raw_path(a).cmp(raw_path(b)));

        let mut set = LeafSet {
            kind,
            max_levels,
            path_len,
            bytes: Vec::with_capacity(total),
            starts: Vec::with_capacity(leaves.len() + 1),
            key_lens: Vec::with_capacity(leaves.len()),
            paths: Vec::with_capacity(raw_paths.len()),
        };
        for &i in &order {
            let (key, value) = (leaves[i].0.as_ref(), leaves[i].1.as_ref());
            set.starts.push(set.bytes.len());
            // Validated above: a key is at most 255 bytes.
            set.key_lens.push(key.len() as u8);
            set.bytes.extend_from_slice(key);
            set.bytes.extend_from_slice(value);
            set.paths.extend_from_slice(raw_path(i));
        }
        set.starts.push(set.bytes.len());
        set.check_collisions()?;
        Ok(set)
    }

    /// The hash function.
    pub fn kind(&self) -> HashKind {
        self.kind
    }

    /// The tree's maximum depth.
    pub fn max_levels(&self) -> usize {
        self.max_levels
    }

    /// Number of leaves.
    pub fn len(&self) -> usize {
        self.key_lens.len()
    }

    /// True when there are no leaves (the root is then 32 zero bytes).
    pub fn is_empty(&self) -> bool {
        self.key_lens.is_empty()
    }

    /// The leaves in path order, which is the order of arbo's `Dump`.
    pub fn leaves(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        (0..self.len()).map(|i| self.leaf(i))
    }

    /// The value stored under `key`, if the key is a leaf (`Tree.Get`). Costs a binary search
    /// over the paths; a key longer than the path is simply absent.
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        if key.len() > self.path_len {
            return None;
        }
        let key_path = |j: usize| key.get(j).map_or(0, |b| b.reverse_bits());
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let order = self
                .path(mid)
                .iter()
                .copied()
                .cmp((0..self.path_len).map(key_path));
            match order {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                // Keys 01 and 0100 share a path: only the exact key is the leaf.
                Ordering::Equal => {
                    let (k, v) = self.leaf(mid);
                    return (k == key).then_some(v);
                }
            }
        }
        None
    }

    /// The tree root, hashed without keeping any node.
    pub fn root(&self) -> Result<Hash32, ArboError> {
        self.hash_range(0, self.len(), 0, None)
    }

    /// The `i`-th leaf in path order as (key, value).
    pub(super) fn leaf(&self, i: usize) -> (&[u8], &[u8]) {
        self.bytes[self.starts[i]..self.starts[i + 1]].split_at(usize::from(self.key_lens[i]))
    }

    /// The hash of the subtree holding the sorted leaves `lo..hi` as seen from `depth`, which all
    /// of them share their first `depth` path bits with (arbo.md §3.2: recurse on the absolute
    /// depth).
    ///
    /// With `nodes` (exactly `2·(hi − lo) − 1` slots) it also stores, in order, every leaf hash at
    /// even positions and, between leaves `i` and `i + 1`, the hash of the smallest subtree holding
    /// both, as seen from its parent's child slot (the layout of [`super::CensusTree`]).
    pub(super) fn hash_range(
        &self,
        lo: usize,
        hi: usize,
        depth: usize,
        nodes: Option<&mut [Hash32]>,
    ) -> Result<Hash32, ArboError> {
        if hi <= lo {
            return Ok(EMPTY_NODE);
        }
        if hi - lo == 1 {
            let (key, value) = self.leaf(lo);
            let hash = self.kind.leaf(key, value)?;
            if let Some([slot]) = nodes {
                *slot = hash;
            }
            return Ok(hash);
        }
        let split_depth = self.split_depth(lo, hi)?;
        let mid = self.split(lo, hi, split_depth);
        let (left_nodes, own, right_nodes) = match nodes {
            Some(nodes) => {
                let (left, rest) = nodes.split_at_mut(2 * (mid - lo) - 1);
                let (own, right) = rest.split_at_mut(1);
                (Some(left), own.first_mut(), Some(right))
            }
            None => (None, None, None),
        };
        let (left, right) = if hi - lo >= PARALLEL_MIN_LEAVES {
            rayon::join(
                || self.hash_range(lo, mid, split_depth + 1, left_nodes),
                || self.hash_range(mid, hi, split_depth + 1, right_nodes),
            )
        } else {
            (
                self.hash_range(lo, mid, split_depth + 1, left_nodes),
                self.hash_range(mid, hi, split_depth + 1, right_nodes),
            )
        };
        let branch = self.kind.node(&left?, &right?)?;
        let hash = self.lift(branch, lo, split_depth, depth)?;
        if let Some(own) = own {
            *own = hash;
        }
        Ok(hash)
    }

    /// Lifts `hash`, the subtree of leaf `lo` seen from depth `from`, up to depth `to` through the
    /// nodes in between, whose other child is empty: `H(0 ‖ h)` when the path bit is 1,
    /// `H(h ‖ 0)` when it is 0.
    pub(super) fn lift(
        &self,
        hash: Hash32,
        lo: usize,
        from: usize,
        to: usize,
    ) -> Result<Hash32, ArboError> {
        let mut hash = hash;
        for depth in (to..from).rev() {
            hash = if self.path_bit(lo, depth) {
                self.kind.node(&EMPTY_NODE, &hash)?
            } else {
                self.kind.node(&hash, &EMPTY_NODE)?
            };
        }
        Ok(hash)
    }

    /// The depth at which the sorted leaves `lo..hi` (two or more) part: the first path bit
    /// where the first and the last differ. `check_collisions` keeps it below `max_levels`; the
    /// check here is a typed error, not a panic.
    pub(super) fn split_depth(&self, lo: usize, hi: usize) -> Result<usize, ArboError> {
        let depth = common_prefix_bits(self.path(lo), self.path(hi - 1));
        if depth < self.max_levels {
            return Ok(depth);
        }
        Err(ArboError::MaxVirtualLevel {
            max_levels: self.max_levels,
            key_a: hex::encode(self.leaf(lo).0),
            key_b: hex::encode(self.leaf(hi - 1).0),
        })
    }

    /// The first index in `lo..hi` whose path bit `depth` is 1 (the bits are sorted there).
    pub(super) fn split(&self, lo: usize, hi: usize, depth: usize) -> usize {
        let (mut a, mut b) = (lo, hi);
        while a < b {
            let m = a + (b - a) / 2;
            if self.path_bit(m, depth) {
                b = m;
            } else {
                a = m + 1;
            }
        }
        a
    }

    /// Path bit `depth` of the `i`-th leaf in path order.
    pub(super) fn path_bit(&self, i: usize, depth: usize) -> bool {
        self.path(i)[depth / 8] & (0x80 >> (depth % 8)) != 0
    }

    /// Rejects repeated keys and keys that only differ after `max_levels` path bits. After the
    /// sort such keys are neighbours.
    fn check_collisions(&self) -> Result<(), ArboError> {
        for i in 1..self.len() {
            if common_prefix_bits(self.path(i - 1), self.path(i)) < self.max_levels {
                continue;
            }
            let (a, b) = (self.leaf(i - 1).0, self.leaf(i).0);
            return Err(if a == b {
                ArboError::DuplicateKey {
                    key: hex::encode(a),
                }
            } else {
                ArboError::MaxVirtualLevel {
                    max_levels: self.max_levels,
                    key_a: hex::encode(a),
                    key_b: hex::encode(b),
                }
            });
        }
        Ok(())
    }

    /// The bit-reversed path of the `i`-th leaf in path order.
    fn path(&self, i: usize) -> &[u8] {
        &self.paths[i * self.path_len..(i + 1) * self.path_len]
    }
}

/// arbo `keyPathFromKey`: a key may not be longer than the path.
pub(super) fn check_key_len(key: &[u8], max_levels: usize) -> Result<(), ArboError> {
    let max_key_len = max_levels.div_ceil(8);
    if key.len() > max_key_len {
        return Err(ArboError::KeyTooLong {
            key_len: key.len(),
            max_levels,
            max_key_len,
        });
    }
    Ok(())
}

/// Path bit `n` of a key: `(key[n / 8] >> (n % 8)) & 1`, zero past the key's end (padding).
pub(super) fn key_bit(key: &[u8], n: usize) -> bool {
    key.get(n / 8).is_some_and(|b| (b >> (n % 8)) & 1 == 1)
}

/// Number of equal leading bits of two bit-reversed paths of the same length.
fn common_prefix_bits(a: &[u8], b: &[u8]) -> usize {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => i * 8 + (a[i] ^ b[i]).leading_zeros() as usize,
        None => a.len() * 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn empty_and_single_leaf() {
        let none: [(&[u8], &[u8]); 0] = [];
        assert_eq!(root(HashKind::Blake2b, 160, &none).unwrap(), EMPTY_NODE);
        let one = [(h("05"), Vec::new())];
        assert_eq!(
            root(HashKind::Blake2b, 160, &one).unwrap(),
            HashKind::Blake2b.leaf(&[5], &[]).unwrap()
        );
    }

    #[test]
    fn key_path_bits_are_lsb_first() {
        // 0x47 = 0100_0111b: bits 0, 1, 2 and 6 are set.
        let bits: Vec<bool> = (0..8).map(|n| key_bit(&[0x47], n)).collect();
        assert_eq!(
            bits,
            [true, true, true, false, false, false, true, false],
            "bit n is (key[n/8] >> (n%8)) & 1"
        );
        assert!(!key_bit(&[0x47], 8), "bits past the key are padding zeros");
        let set = LeafSet::new(HashKind::Blake2b, 8, &[(h("47"), h(""))]).unwrap();
        let stored: Vec<bool> = (0..8).map(|n| set.path_bit(0, n)).collect();
        assert_eq!(stored, bits, "the stored path has the key's bits");
    }

    #[test]
    fn get_needs_the_exact_key() {
        let leaves = [(h("01"), h("aa")), (h("0201"), h("bb"))];
        let set = LeafSet::new(HashKind::Blake2b, 16, &leaves).unwrap();
        assert_eq!(set.get(&h("01")), Some(&h("aa")[..]));
        assert_eq!(set.get(&h("0201")), Some(&h("bb")[..]));
        assert_eq!(set.get(&h("0100")), None, "same path as 01, another key");
        assert_eq!(set.get(&h("02")), None);
        assert_eq!(set.get(&h("010203")), None, "longer than the path");
    }

    #[test]
    fn typed_errors() {
        let dup = [(h("01"), h("aa")), (h("01"), h("bb"))];
        assert!(matches!(
            root(HashKind::Blake2b, 8, &dup),
            Err(ArboError::DuplicateKey { .. })
        ));
        // Keys 01 and 0100 have the same padded path.
        let same_path = [(h("01"), h("aa")), (h("0100"), h("bb"))];
        assert!(matches!(
            root(HashKind::Blake2b, 16, &same_path),
            Err(ArboError::MaxVirtualLevel { max_levels: 16, .. })
        ));
        let long = [(h("0102"), h("aa"))];
        assert_eq!(
            root(HashKind::Blake2b, 8, &long),
            Err(ArboError::KeyTooLong {
                key_len: 2,
                max_levels: 8,
                max_key_len: 1
            })
        );
        let zero_levels = [(Vec::new(), h("aa")), (Vec::new(), h("bb"))];
        assert!(root(HashKind::Blake2b, 0, &zero_levels).is_err());
    }
}
