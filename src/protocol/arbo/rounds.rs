//! A small subtree's nodes hashed level by level, so that hashes which do not depend on each
//! other go through [`blake2b256_many`] together (several per SIMD register) instead of one by
//! one.
//!
//! Between two neighbouring leaves (in path order) lies the path bit where they part, their
//! *split*. The branch nodes of the subtree are exactly its splits, and a split's children are
//! the runs of leaves on either side of it up to the next shallower split. So the splits are
//! merged deepest first: all merges of one depth are independent. Before a merge, each child
//! that is a branch deeper than one level below the merge is lifted up to it through the nodes
//! whose other child is empty (`H(h ‖ 0)` or `H(0 ‖ h)` by its path bit); a leaf is never lifted
//! (a subtree holding one leaf *is* that leaf). The lifts of one depth go in rounds of one level
//! each, the merges in one batch. The result is the tree of [`super::LeafSet`]'s recursive walk
//! (arbo.md §3.2).

use super::EMPTY_NODE;
use crate::protocol::hash::{blake2b256_many, Hash32};

/// A run of neighbouring leaves `start..=end` whose subtree hash is known, kept at its first leaf.
#[derive(Clone, Copy)]
struct Run {
    end: usize,
    hash: Hash32,
    /// The depth the hash is seen from; `None` for a single leaf, which is the same from anywhere.
    depth: Option<usize>,
    /// The split whose merge made this run (the slot of its hash in `nodes`).
    origin: Option<usize>,
}

/// The BLAKE2b root of the subtree holding `leaves` (leaf hashes in path order; two or more),
/// seen from depth `view`. `splits[b]` is the first path bit where leaves `b` and `b + 1`
/// differ; `path_bit(i, d)` is path bit `d` of leaf `i`. With `nodes`, fills the layout of
/// [`super::CensusTree`]: leaf `i` at `2i`, and at `2b + 1` the subtree made by the merge at
/// split `b` as seen from its parent's child slot.
pub(super) fn subtree_root(
    leaves: &[Hash32],
    splits: &[usize],
    view: usize,
    path_bit: impl Fn(usize, usize) -> bool,
    mut nodes: Option<&mut [Hash32]>,
) -> Hash32 {
    if let Some(nodes) = nodes.as_deref_mut() {
        for (i, hash) in leaves.iter().enumerate() {
            nodes[2 * i] = *hash;
        }
    }
    // runs[start] describes the run beginning at leaf `start`; starts[end] finds it from its end.
    let mut runs: Vec<Run> = (0..leaves.len())
        .map(|i| Run {
            end: i,
            hash: leaves[i],
            depth: None,
            origin: None,
        })
        .collect();
    let mut starts: Vec<usize> = (0..leaves.len()).collect();

    let mut order: Vec<(usize, usize)> = splits.iter().enumerate().map(|(b, &d)| (d, b)).collect();
    order.sort_unstable_by(|a, b| b.cmp(a));
    let mut batch = Batch::default();
    for level in order.chunk_by(|a, b| a.0 == b.0) {
        let depth = level[0].0;
        // The children of each merge: the run ending at b and the run starting at b + 1.
        let mut children: Vec<usize> = level
            .iter()
            .flat_map(|&(_, b)| [starts[b], b + 1])
            .collect();
        lift_all(&mut runs, &mut children, depth + 1, &path_bit, &mut batch);
        for pair in children.chunks(2) {
            batch.push(&runs[pair[0]].hash, &runs[pair[1]].hash);
        }
        let hashes = batch.hash();
        for ((&(_, b), pair), hash) in level.iter().zip(children.chunks(2)).zip(hashes) {
            let (left, right) = (runs[pair[0]], runs[pair[1]]);
            record(&mut nodes, &left);
            record(&mut nodes, &right);
            runs[pair[0]] = Run {
                end: right.end,
                hash: *hash,
                depth: Some(depth),
                origin: Some(b),
            };
            starts[right.end] = pair[0];
        }
    }
    lift_all(&mut runs, &mut [0], view, &path_bit, &mut batch);
    record(&mut nodes, &runs[0]);
    runs[0].hash
}

/// Lifts every branch run named in `which` to `depth`, one level per round for all of them.
fn lift_all(
    runs: &mut [Run],
    which: &mut [usize],
    depth: usize,
    path_bit: &impl Fn(usize, usize) -> bool,
    batch: &mut Batch,
) {
    let above = |run: &Run| run.depth.is_some_and(|d| d > depth);
    let mut pending: Vec<usize> = which.iter().copied().filter(|&s| above(&runs[s])).collect();
    while !pending.is_empty() {
        for &s in &pending {
            let run = &runs[s];
            let level = run.depth.map_or(depth, |d| d - 1);
            if path_bit(s, level) {
                batch.push(&EMPTY_NODE, &run.hash);
            } else {
                batch.push(&run.hash, &EMPTY_NODE);
            }
        }
        let hashes = batch.hash();
        for (&s, hash) in pending.iter().zip(hashes) {
            runs[s].hash = *hash;
            runs[s].depth = runs[s].depth.map(|d| d - 1);
        }
        pending.retain(|&s| above(&runs[s]));
    }
}

/// Stores a finished branch run's hash at its split's slot.
fn record(nodes: &mut Option<&mut [Hash32]>, run: &Run) {
    if let (Some(nodes), Some(b)) = (nodes.as_deref_mut(), run.origin) {
        nodes[2 * b + 1] = run.hash;
    }
}

/// Node hash inputs (`left ‖ right`) gathered for one [`blake2b256_many`] call.
#[derive(Default)]
struct Batch {
    inputs: Vec<[u8; 64]>,
    hashes: Vec<Hash32>,
}

impl Batch {
    fn push(&mut self, left: &Hash32, right: &Hash32) {
        let mut input = [0u8; 64];
        input[..32].copy_from_slice(left);
        input[32..].copy_from_slice(right);
        self.inputs.push(input);
    }

    /// Hashes the gathered inputs, in order, and empties the batch for the next round.
    fn hash(&mut self) -> &[Hash32] {
        let slices: Vec<&[u8]> = self.inputs.iter().map(|i| &i[..]).collect();
        self.hashes.clear();
        self.hashes.resize(slices.len(), EMPTY_NODE);
        blake2b256_many(&slices, &mut self.hashes);
        self.inputs.clear();
        &self.hashes
    }
}
