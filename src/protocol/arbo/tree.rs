//! Root and proofs of an arbo tree computed from its leaf set, without a database: the leaves are
//! sorted by path and the canonical (compressed) tree is hashed recursively. Gives the same root
//! and the same siblings as incremental `Tree.Add` / `AddBatch` and `GenProof` in
//! vocdoni/vocdoni-node:tree/arbo/{tree.go,navigate.go,proof.go}.

use super::proof::pack_siblings;
use super::{ArboError, HashKind, EMPTY_NODE};
use crate::protocol::hash::Hash32;
use rayon::prelude::*;

/// Subtrees with at least this many leaves hash their two halves on separate rayon tasks.
const PARALLEL_MIN_LEAVES: usize = 4096;

/// The root of the tree holding `leaves` (key, value pairs in any order).
///
/// Same result as adding the leaves one by one in any order. Errors: a key longer than
/// `ceil(max_levels / 8)` bytes, a key repeated, two keys equal on their first `max_levels` path
/// bits, an over-long leaf, or an unsupported hash (Poseidon). Cost: one sort, then one hash per
/// leaf and per internal node.
pub fn root<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    kind: HashKind,
    max_levels: usize,
    leaves: &[(K, V)],
) -> Result<Hash32, ArboError> {
    LeafSet::new(kind, max_levels, leaves)?.root()
}

/// A validated leaf set sorted in path order, borrowing the caller's keys and values. Build it
/// once to compute the root and any number of proofs.
#[derive(Debug, Clone)]
pub struct LeafSet<'a> {
    kind: HashKind,
    max_levels: usize,
    /// `ceil(max_levels / 8)`: the key path length in bytes.
    path_len: usize,
    /// Keys and values in path order.
    keys: Vec<&'a [u8]>,
    values: Vec<&'a [u8]>,
    /// The zero-padded key paths in path order, `path_len` bytes each, every byte bit-reversed so
    /// that path order is plain byte order (path bit 0 is the least significant bit of byte 0).
    paths: Vec<u8>,
}

/// What `GenProof` returns for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// True when the key is in the tree.
    pub existence: bool,
    /// The leaf at the end of the key's path: the key itself when `existence`, another key when
    /// the path ends at a different leaf, empty when it ends in an empty slot.
    pub leaf_key: Vec<u8>,
    /// That leaf's value (empty for an empty slot).
    pub leaf_value: Vec<u8>,
    /// Siblings from the root's child down to the leaf's; an empty one is 32 zero bytes.
    pub siblings: Vec<Hash32>,
}

impl Proof {
    /// The siblings packed as `GenProof` returns them (see [`pack_siblings`]).
    pub fn packed(&self) -> Result<Vec<u8>, ArboError> {
        pack_siblings(&self.siblings)
    }
}

impl<'a> LeafSet<'a> {
    /// Validates and sorts `leaves` for a tree of depth `max_levels` hashed with `kind`.
    pub fn new<K: AsRef<[u8]>, V: AsRef<[u8]>>(
        kind: HashKind,
        max_levels: usize,
        leaves: &'a [(K, V)],
    ) -> Result<Self, ArboError> {
        if kind == HashKind::Poseidon {
            return Err(ArboError::Unsupported { hash: kind });
        }
        let path_len = max_levels.div_ceil(8);
        let mut raw_paths = vec![0u8; leaves.len() * path_len];
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
            // check_key_len guarantees key.len() <= path_len.
            let path = &mut raw_paths[i * path_len..(i + 1) * path_len];
            for (p, k) in path.iter_mut().zip(key) {
                *p = k.reverse_bits();
            }
        }
        let raw_path = |i: u32| {
            let start = i as usize * path_len;
            &raw_paths[start..start + path_len]
        };
        let mut order: Vec<u32> = (0..leaves.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| raw_path(a).cmp(raw_path(b)));

        let mut set = LeafSet {
            kind,
            max_levels,
            path_len,
            keys: Vec::with_capacity(leaves.len()),
            values: Vec::with_capacity(leaves.len()),
            paths: Vec::with_capacity(raw_paths.len()),
        };
        for &i in &order {
            let (k, v) = &leaves[i as usize];
            set.keys.push(k.as_ref());
            set.values.push(v.as_ref());
            set.paths.extend_from_slice(raw_path(i));
        }
        set.check_collisions()?;
        Ok(set)
    }

    /// Number of leaves.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there are no leaves (the root is then 32 zero bytes).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The leaves in path order, which is the order of arbo's `Dump`.
    pub fn leaves(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + '_ {
        self.keys.iter().copied().zip(self.values.iter().copied())
    }

    /// The tree root.
    pub fn root(&self) -> Result<Hash32, ArboError> {
        self.subtree(0, self.len(), 0)
    }

    /// `GenProof(key)`: the siblings along `key`'s path, and the leaf found at its end.
    ///
    /// Costs one hash per leaf outside the key's leaf (each sibling subtree is rehashed).
    pub fn proof(&self, key: &[u8]) -> Result<Proof, ArboError> {
        check_key_len(key, self.max_levels)?;
        let (mut lo, mut hi, mut depth) = (0, self.len(), 0);
        let mut siblings = Vec::new();
        while hi - lo > 1 {
            self.check_depth(lo, depth)?;
            let mid = self.split(lo, hi, depth);
            if key_bit(key, depth) {
                siblings.push(self.subtree(lo, mid, depth + 1)?);
                lo = mid;
            } else {
                siblings.push(self.subtree(mid, hi, depth + 1)?);
                hi = mid;
            }
            depth += 1;
        }
        let (leaf_key, leaf_value) = if hi > lo {
            (self.keys[lo].to_vec(), self.values[lo].to_vec())
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

    /// The siblings of every leaf at once, in path order (the order of [`LeafSet::leaves`]),
    /// root's child first, as [`LeafSet::proof`] returns them for an existing key.
    ///
    /// One hash per node of the tree instead of one per leaf per proof: each subtree is hashed
    /// once and its hash pushed onto the sibling lists of the other half.
    pub fn all_siblings(&self) -> Result<Vec<Vec<Hash32>>, ArboError> {
        let mut lists = vec![Vec::new(); self.len()];
        self.siblings_below(0, self.len(), 0, &mut lists)?;
        for list in &mut lists {
            list.reverse();
        }
        Ok(lists)
    }

    /// Hashes the subtree `lo..hi` at `depth` and appends, deepest first, the siblings inside it
    /// to `lists` (which holds the lists of leaves `lo..hi`).
    fn siblings_below(
        &self,
        lo: usize,
        hi: usize,
        depth: usize,
        lists: &mut [Vec<Hash32>],
    ) -> Result<Hash32, ArboError> {
        match hi - lo {
            0 => Ok(EMPTY_NODE),
            1 => self.kind.leaf(self.keys[lo], self.values[lo]),
            n => {
                self.check_depth(lo, depth)?;
                let mid = self.split(lo, hi, depth);
                let (left_lists, right_lists) = lists.split_at_mut(mid - lo);
                let (left, right) = if n >= PARALLEL_MIN_LEAVES {
                    rayon::join(
                        || self.siblings_below(lo, mid, depth + 1, left_lists),
                        || self.siblings_below(mid, hi, depth + 1, right_lists),
                    )
                } else {
                    (
                        self.siblings_below(lo, mid, depth + 1, left_lists),
                        self.siblings_below(mid, hi, depth + 1, right_lists),
                    )
                };
                let (left, right) = (left?, right?);
                left_lists.iter_mut().for_each(|l| l.push(right));
                right_lists.iter_mut().for_each(|l| l.push(left));
                self.kind.node(&left, &right)
            }
        }
    }

    /// The hash of the subtree at `depth` holding the sorted leaves `lo..hi`, which all share
    /// their first `depth` path bits (arbo.md §3.2: recurse on the absolute depth).
    fn subtree(&self, lo: usize, hi: usize, depth: usize) -> Result<Hash32, ArboError> {
        match hi - lo {
            0 => Ok(EMPTY_NODE),
            1 => self.kind.leaf(self.keys[lo], self.values[lo]),
            n => {
                self.check_depth(lo, depth)?;
                let mid = self.split(lo, hi, depth);
                let (left, right) = if n >= PARALLEL_MIN_LEAVES {
                    rayon::join(
                        || self.subtree(lo, mid, depth + 1),
                        || self.subtree(mid, hi, depth + 1),
                    )
                } else {
                    (
                        self.subtree(lo, mid, depth + 1),
                        self.subtree(mid, hi, depth + 1),
                    )
                };
                self.kind.node(&left?, &right?)
            }
        }
    }

    /// Guards the recursion: two or more leaves cannot be separated below `max_levels`.
    /// `check_collisions` already rejected such sets, so this is a typed error, not a panic.
    fn check_depth(&self, lo: usize, depth: usize) -> Result<(), ArboError> {
        if depth < self.max_levels {
            return Ok(());
        }
        Err(ArboError::MaxVirtualLevel {
            max_levels: self.max_levels,
            key_a: hex::encode(self.keys[lo]),
            key_b: hex::encode(self.keys.get(lo + 1).copied().unwrap_or_default()),
        })
    }

    /// The first index in `lo..hi` whose path bit `depth` is 1 (the bits are sorted there).
    fn split(&self, lo: usize, hi: usize, depth: usize) -> usize {
        let byte = depth / 8;
        let mask = 0x80u8 >> (depth % 8);
        let (mut a, mut b) = (lo, hi);
        while a < b {
            let m = a + (b - a) / 2;
            if self.path(m)[byte] & mask == 0 {
                a = m + 1;
            } else {
                b = m;
            }
        }
        a
    }

    /// Rejects repeated keys and keys that only differ after `max_levels` path bits. After the
    /// sort such keys are neighbours.
    fn check_collisions(&self) -> Result<(), ArboError> {
        for i in 1..self.len() {
            if common_prefix_bits(self.path(i - 1), self.path(i)) < self.max_levels {
                continue;
            }
            let (a, b) = (self.keys[i - 1], self.keys[i]);
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
fn check_key_len(key: &[u8], max_levels: usize) -> Result<(), ArboError> {
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
    }

    #[test]
    fn all_siblings_equal_single_proofs() {
        let leaves: Vec<(Vec<u8>, Vec<u8>)> = (0u8..40)
            .map(|i| (vec![i.wrapping_mul(37), i], vec![i]))
            .collect();
        let set = LeafSet::new(HashKind::Blake2b, 16, &leaves).unwrap();
        let all = set.all_siblings().unwrap();
        for ((key, _), siblings) in set.leaves().zip(&all) {
            assert_eq!(&set.proof(key).unwrap().siblings, siblings);
        }
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
        assert_eq!(
            LeafSet::new(HashKind::Poseidon, 160, &long).err(),
            Some(ArboError::Unsupported {
                hash: HashKind::Poseidon
            })
        );
        let zero_levels = [(Vec::new(), h("aa")), (Vec::new(), h("bb"))];
        assert!(root(HashKind::Blake2b, 0, &zero_levels).is_err());
    }
}
