//! The validated leaf set of an arbo tree and its root, computed without a database: the leaves
//! are sorted by path and the canonical (compressed) tree is hashed recursively. Gives the same
//! root as incremental `Tree.Add` / `AddBatch` in vocdoni/vocdoni-node:tree/arbo/{tree.go,navigate.go}.

use super::{ArboError, HashKind, EMPTY_NODE};
use crate::protocol::hash::{blake2b256_many, Hash32};
use rayon::prelude::*;
use std::cmp::Ordering;

/// Subtrees with at least this many leaves hash their two halves on separate rayon tasks.
const PARALLEL_MIN_LEAVES: usize = 4096;

/// BLAKE2b ranges of at most this many leaves are hashed in rounds of independent hashes.
const BATCH_LEAVES: usize = 1024;

/// Leaves whose first byte is read ahead of their copy in [`LeafSet::new`].
const TOUCH_BLOCK: usize = 64;

/// Leaves per parallel task when [`LeafSet::new`] writes its sorted copy.
const COPY_CHUNK: usize = 16 * 1024;

/// The root of the tree holding `leaves` (key, value pairs in any order).
///
/// Same result as adding the leaves one by one in any order. Errors: a key longer than
/// `ceil(max_levels / 8)` bytes, a key repeated, two keys equal on their first `max_levels` path
/// bits, an over-long leaf, or (Poseidon) a key or value that is not a field element. Cost: one sort, then one hash per
/// leaf and per internal node; nothing is kept (use [`super::CensusTree`] for proofs).
pub fn root<K, V>(kind: HashKind, max_levels: usize, leaves: &[(K, V)]) -> Result<Hash32, ArboError>
where
    K: AsRef<[u8]> + Sync,
    V: AsRef<[u8]> + Sync,
{
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
}

impl LeafSet {
    /// Validates and sorts `leaves` for a tree of depth `max_levels` hashed with `kind`.
    ///
    /// Organised so that the root's hashing dominates: the leaves are validated and given a
    /// 64-bit sort key (their first 8 path bytes) in parallel, the (key, index) pairs are sorted
    /// in place without touching the leaves, the rare runs that tie on those 64 bits are ordered
    /// by their full paths, and the sorted copy is written in parallel chunks.
    pub fn new<K, V>(
        kind: HashKind,
        max_levels: usize,
        leaves: &[(K, V)],
    ) -> Result<Self, ArboError>
    where
        K: AsRef<[u8]> + Sync,
        V: AsRef<[u8]> + Sync,
    {
        let path_len = max_levels.div_ceil(8);
        let n = leaves.len();
        if u32::try_from(n).is_err() {
            return Err(ArboError::TooManyLeaves { count: n });
        }
        let mut order: Vec<SortEntry> = vec![(0, 0, 0); n];
        order.par_iter_mut().zip(leaves).enumerate().try_for_each(
            |(i, (entry, (key, value)))| {
                let (key, value) = (key.as_ref(), value.as_ref());
                check_key_len(key, max_levels)?;
                if key.len() > super::MAX_KEY_LEN || value.len() > super::MAX_VALUE_LEN {
                    return Err(ArboError::LeafTooLong {
                        key_len: key.len(),
                        value_len: value.len(),
                    });
                }
                // Both fit: n was checked, and a leaf is at most 255 + 65535 bytes.
                *entry = (sort_prefix(key), i as u32, (key.len() + value.len()) as u32);
                Ok(())
            },
        )?;
        order.par_sort_unstable_by_key(|e| e.0);
        order_ties(&mut order, |i| leaves[i].0.as_ref());

        let chunks: Vec<&[SortEntry]> = order.chunks(COPY_CHUNK).collect();
        let chunk_bytes: Vec<usize> = chunks
            .iter()
            .map(|c| c.iter().map(|e| e.2 as usize).sum())
            .collect();
        let total: usize = chunk_bytes.iter().sum();
        let mut set = LeafSet {
            kind,
            max_levels,
            path_len,
            bytes: vec![0; total],
            starts: vec![0; n + 1],
            key_lens: vec![0; n],
        };
        set.starts[n] = total;

        // Hand each chunk of the sorted order its own slices of the four buffers.
        let mut jobs = Vec::with_capacity(chunks.len());
        let (mut bytes, mut starts, mut key_lens) = (
            &mut set.bytes[..],
            &mut set.starts[..n],
            &mut set.key_lens[..],
        );
        let mut offset = 0;
        for (chunk, &len) in chunks.iter().zip(&chunk_bytes) {
            let (b, rest_b) = std::mem::take(&mut bytes).split_at_mut(len);
            let (s, rest_s) = std::mem::take(&mut starts).split_at_mut(chunk.len());
            let (k, rest_k) = std::mem::take(&mut key_lens).split_at_mut(chunk.len());
            jobs.push((*chunk, offset, b, s, k));
            (bytes, starts, key_lens) = (rest_b, rest_s, rest_k);
            offset += len;
        }
        jobs.into_par_iter()
            .for_each(|(chunk, offset, bytes, starts, key_lens)| {
                let mut at = 0;
                for (block_at, block) in chunk.chunks(TOUCH_BLOCK).enumerate() {
                    // Read one byte of each leaf of the block first: the loads, which miss the
                    // cache (the leaves are read out of order), then overlap instead of each
                    // stalling its own copy.
                    let touched = block
                        .iter()
                        .filter_map(|&(_, i, _)| leaves[i as usize].0.as_ref().first())
                        .fold(0u8, |a, b| a ^ b);
                    std::hint::black_box(touched);
                    for (k, &(_, i, _)) in block.iter().enumerate() {
                        let j = block_at * TOUCH_BLOCK + k;
                        let (key, value) =
                            (leaves[i as usize].0.as_ref(), leaves[i as usize].1.as_ref());
                        starts[j] = offset + at;
                        // Validated above: a key is at most 255 bytes.
                        key_lens[j] = key.len() as u8;
                        bytes[at..at + key.len()].copy_from_slice(key);
                        at += key.len();
                        bytes[at..at + value.len()].copy_from_slice(value);
                        at += value.len();
                    }
                }
            });
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
            let mid_key = self.leaf(mid).0;
            let order = (0..self.path_len)
                .map(|j| mid_key.get(j).map_or(0, |b| b.reverse_bits()))
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
        if self.kind == HashKind::Blake2b && hi - lo <= BATCH_LEAVES {
            return self.hash_in_rounds(lo, hi, depth, nodes);
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

    /// [`Self::hash_range`] for a BLAKE2b range of a few hundred leaves: the leaf hashes all
    /// at once, then the nodes in rounds of independent hashes ([`super::rounds`]), several per
    /// SIMD register.
    fn hash_in_rounds(
        &self,
        lo: usize,
        hi: usize,
        depth: usize,
        nodes: Option<&mut [Hash32]>,
    ) -> Result<Hash32, ArboError> {
        let mut inputs = Vec::with_capacity(self.starts[hi] - self.starts[lo] + (hi - lo));
        let mut ends = Vec::with_capacity(hi - lo + 1);
        ends.push(0);
        for i in lo..hi {
            inputs.extend_from_slice(&self.bytes[self.starts[i]..self.starts[i + 1]]);
            inputs.push(1);
            ends.push(inputs.len());
        }
        let slices: Vec<&[u8]> = ends.windows(2).map(|w| &inputs[w[0]..w[1]]).collect();
        let mut leaves = vec![EMPTY_NODE; hi - lo];
        blake2b256_many(&slices, &mut leaves);
        let splits = (lo..hi - 1)
            .map(|i| self.split_depth(i, i + 2))
            .collect::<Result<Vec<_>, _>>()?;
        let path_bit = |i: usize, d: usize| self.path_bit(lo + i, d);
        Ok(super::rounds::subtree_root(
            &leaves, &splits, depth, path_bit, nodes,
        ))
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
        let depth = self.shared_path_bits(lo, hi - 1);
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
        key_bit(self.leaf(i).0, depth)
    }

    /// Rejects repeated keys and keys that only differ after `max_levels` path bits. After the
    /// sort such keys are neighbours.
    fn check_collisions(&self) -> Result<(), ArboError> {
        for i in 1..self.len() {
            if self.shared_path_bits(i - 1, i) < self.max_levels {
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

    /// Number of leading path bits the `a`-th and `b`-th leaves share (`path_len · 8` when
    /// their zero-padded keys are equal): path bit `n` is bit `n % 8` of key byte `n / 8`, so
    /// the first differing bit is the lowest one of the first differing byte.
    fn shared_path_bits(&self, a: usize, b: usize) -> usize {
        let (a, b) = (self.leaf(a).0, self.leaf(b).0);
        (0..self.path_len)
            .find_map(|j| {
                let x = a.get(j).copied().unwrap_or(0) ^ b.get(j).copied().unwrap_or(0);
                (x != 0).then(|| j * 8 + x.trailing_zeros() as usize)
            })
            .unwrap_or(self.path_len * 8)
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

/// What [`LeafSet::new`] sorts: (path prefix, leaf index, key + value length), 16 bytes, so
/// that the sort never reads a leaf.
type SortEntry = (u64, u32, u32);

/// The first 8 bytes of a key's path (each key byte bit-reversed, zero-padded) as a big-endian
/// integer: sorting by it sorts by path except among keys that tie on those 64 bits.
fn sort_prefix(key: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let n = key.len().min(8);
    word[..n].copy_from_slice(&key[..n]);
    // Reversing the 64 bits of the little-endian word reverses each byte's bits and puts key
    // byte 0 on top.
    u64::from_le_bytes(word).reverse_bits()
}

/// Orders each run of `order` whose entries tie on their 64-bit prefix by the full path of the
/// key (zero-padded keys compared bit-reversed byte by byte), then by index so the order, and
/// which keys a collision error names, is deterministic. Such runs are rare unless keys share
/// long prefixes.
fn order_ties<'a>(order: &mut [SortEntry], key: impl Fn(usize) -> &'a [u8]) {
    let path_byte = |k: &[u8], j: usize| k.get(j).map_or(0, |b| b.reverse_bits());
    let path_cmp = |a: &[u8], b: &[u8]| {
        (8..a.len().max(b.len()))
            .map(|j| path_byte(a, j).cmp(&path_byte(b, j)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    };
    let mut lo = 0;
    while lo < order.len() {
        let hi = lo
            + order[lo..]
                .iter()
                .take_while(|e| e.0 == order[lo].0)
                .count();
        if hi - lo > 1 {
            order[lo..hi].sort_unstable_by(|a, b| {
                path_cmp(key(a.1 as usize), key(b.1 as usize)).then(a.1.cmp(&b.1))
            });
        }
        lo = hi;
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
