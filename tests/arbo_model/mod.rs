//! An independent model of arbo's incremental `Add` and of `GenProof`
//! (vocdoni/vocdoni-node:tree/arbo/navigate.go `down` / `downVirtually`, proof.go): a pointer
//! tree where a new key that meets a leaf pushes both down until their paths differ, then a walk
//! down the key's path collecting the other child's hash at each level. Shared by the arbo tests
//! as the reference the library is compared with.

use vocaudit::protocol::arbo::HashKind;
use vocaudit::protocol::hash::Hash32;

/// A node of the model tree, as inserted.
pub enum Node {
    Empty,
    Leaf(Vec<u8>, Vec<u8>),
    Inner(Box<Node>, Box<Node>),
}

/// A node of the model tree with its hash.
pub enum Hashed {
    Empty,
    Leaf(Hash32, Vec<u8>, Vec<u8>),
    Inner(Hash32, Box<Hashed>, Box<Hashed>),
}

/// What the model's `GenProof` returns: existence, leaf key, leaf value, siblings.
pub type ModelProof = (bool, Vec<u8>, Vec<u8>, Vec<Hash32>);

/// Path bit `n` of a key, LSB first in each byte, zero past the end.
pub fn bit(key: &[u8], n: usize) -> bool {
    key.get(n / 8).is_some_and(|b| (b >> (n % 8)) & 1 == 1)
}

/// `Tree.Add`: `None` for a repeated key or two keys that do not part within `max_levels`.
pub fn add(node: Node, k: &[u8], v: &[u8], depth: usize, max_levels: usize) -> Option<Node> {
    match node {
        Node::Empty => Some(Node::Leaf(k.to_vec(), v.to_vec())),
        Node::Leaf(ref k2, _) if k2 == k => None,
        Node::Leaf(k2, v2) => push_down((k2, v2), (k.to_vec(), v.to_vec()), depth, max_levels),
        Node::Inner(l, r) => {
            if depth >= max_levels {
                return None;
            }
            Some(if bit(k, depth) {
                Node::Inner(l, Box::new(add(*r, k, v, depth + 1, max_levels)?))
            } else {
                Node::Inner(Box::new(add(*l, k, v, depth + 1, max_levels)?), r)
            })
        }
    }
}

fn push_down(
    old: (Vec<u8>, Vec<u8>),
    new: (Vec<u8>, Vec<u8>),
    depth: usize,
    max_levels: usize,
) -> Option<Node> {
    if depth >= max_levels {
        return None;
    }
    let (bo, bn) = (bit(&old.0, depth), bit(&new.0, depth));
    if bo == bn {
        let child = Box::new(push_down(old, new, depth + 1, max_levels)?);
        let empty = Box::new(Node::Empty);
        return Some(if bo {
            Node::Inner(empty, child)
        } else {
            Node::Inner(child, empty)
        });
    }
    let (o, n) = (
        Box::new(Node::Leaf(old.0, old.1)),
        Box::new(Node::Leaf(new.0, new.1)),
    );
    Some(if bo {
        Node::Inner(n, o)
    } else {
        Node::Inner(o, n)
    })
}

impl Hashed {
    /// Hashes every node of a model tree once.
    pub fn new(kind: HashKind, node: Node) -> Hashed {
        match node {
            Node::Empty => Hashed::Empty,
            Node::Leaf(k, v) => Hashed::Leaf(kind.leaf(&k, &v).unwrap(), k, v),
            Node::Inner(l, r) => {
                let (l, r) = (Hashed::new(kind, *l), Hashed::new(kind, *r));
                Hashed::Inner(kind.node(&l.hash(), &r.hash()).unwrap(), l.into(), r.into())
            }
        }
    }

    /// The node's hash; an empty subtree is 32 zero bytes.
    pub fn hash(&self) -> Hash32 {
        match self {
            Hashed::Empty => [0u8; 32],
            Hashed::Leaf(h, ..) | Hashed::Inner(h, ..) => *h,
        }
    }

    /// `GenProof(key)`: walk the key's path down to a leaf or an empty slot.
    pub fn proof(&self, key: &[u8]) -> ModelProof {
        let (mut node, mut siblings) = (self, Vec::new());
        for depth in 0.. {
            match node {
                Hashed::Empty => break,
                Hashed::Leaf(_, k, v) => return (k == key, k.clone(), v.clone(), siblings),
                Hashed::Inner(_, l, r) => {
                    let (next, sibling) = if bit(key, depth) { (r, l) } else { (l, r) };
                    siblings.push(sibling.hash());
                    node = next;
                }
            }
        }
        (false, Vec::new(), Vec::new(), siblings)
    }
}

/// The model tree of `leaves` added in the given order, hashed; `None` when `Add` would fail.
pub fn model_tree(
    kind: HashKind,
    max_levels: usize,
    leaves: &[(Vec<u8>, Vec<u8>)],
) -> Option<Hashed> {
    let mut tree = Node::Empty;
    for (k, v) in leaves {
        tree = add(tree, k, v, 0, max_levels)?;
    }
    Some(Hashed::new(kind, tree))
}
