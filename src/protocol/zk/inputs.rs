//! How an anonymous vote's public inputs are derived from bytes, and how the node names the vote
//! (vocdoni-node:util/zk.go `BytesToArboSplit`, crypto/zk/prover/pubsignals.go, vochain/state/votes.go
//! `voteID`).
//!
//! - `BytesToArboSplit(x)` = the two 16-byte halves of `sha256(x)`, each read as a
//!   little-endian integer (Go: `SetBytes(SwapEndianness(half))`); both are below 2^128, so
//!   always field elements. electionId = split(processId), voteHash = split(votePackage).
//! - Roots (census, SIK) enter the circuit as the little-endian integer of their 32 bytes.
//! - The nullifier is stored as the minimal big-endian bytes of its integer (`big.Int.Bytes()`,
//!   so sometimes shorter than 32); the API vote id of an anonymous vote is those bytes in hex,
//!   and the state key is `sha256(processId ‖ nullifier bytes)`.

use super::field::{fr_from_le_bytes, fr_to_le32, fr_to_minimal_be, FieldError, Fr};
use crate::protocol::hash::{sha256, Hash32};

/// `BytesToArboSplit(data)`: `sha256(data)` as two field elements, each 16-byte half read
/// little-endian.
pub fn bytes_to_arbo_split(data: &[u8]) -> [Fr; 2] {
    hash_to_arbo_split(&sha256(&[data]))
}

/// The split of a hash already computed: `[LE-int(hash[0..16]), LE-int(hash[16..32])]`.
pub fn hash_to_arbo_split(hash: &Hash32) -> [Fr; 2] {
    let half = |bytes: &[u8]| {
        let mut le = [0u8; 16];
        le.copy_from_slice(bytes);
        Fr::from(u128::from_le_bytes(le))
    };
    [half(&hash[..16]), half(&hash[16..])]
}

/// A 32-byte root (census or SIK tree) as the circuit's input: its little-endian integer.
/// Errors when it is `>= r`, which no Poseidon tree root can be.
pub fn root_to_fr(root: &Hash32) -> Result<Fr, FieldError> {
    fr_from_le_bytes("root", root)
}

/// A root input back to the 32 bytes the process stores (`BigIntToBytesLE(32, x)`), what the node
/// compares with `process.censusRoot`.
pub fn fr_to_root(value: &Fr) -> Hash32 {
    fr_to_le32(value)
}

/// The nullifier as the node stores it: minimal big-endian bytes (`big.Int.Bytes()`). Hex of
/// these bytes is the anonymous vote's API vote id.
pub fn nullifier_bytes(nullifier: &Fr) -> Vec<u8> {
    fr_to_minimal_be(nullifier)
}

/// The nullifier an anonymous vote envelope's zk proof carries (public input #2 in every circuit
/// version, `zkproof.InitializeZkVote`), as the node stores it; `None` when the envelope has no
/// zkSnark proof or the input is not a field element.
pub fn envelope_nullifier(envelope: &crate::protocol::proto::VoteEnvelope) -> Option<Vec<u8>> {
    let Some(crate::protocol::proto::ProofPayload::ZkSnark(zk)) =
        envelope.proof.as_ref().and_then(|p| p.payload.as_ref())
    else {
        return None;
    };
    let nullifier = super::field::parse_fr("nullifier", zk.public_inputs.get(2)?).ok()?;
    Some(nullifier_bytes(&nullifier))
}

/// The state key of a vote: `sha256(processId ‖ nullifier bytes)` (vochain/state/votes.go).
pub fn vote_id(process_id: &[u8], nullifier_bytes: &[u8]) -> Hash32 {
    sha256(&[process_id, nullifier_bytes])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::zk::field::fr_to_decimal;

    #[test]
    fn upstream_split_vectors() {
        // vocdoni-node util/zk_test.go and crypto/zk/circuit/inputs_test.go.
        let pid = hex::decode("c5d2460186f760d51371516148fd334b4199052f01538553aa9a020200000000")
            .unwrap();
        let split = bytes_to_arbo_split(&pid).map(|x| fr_to_decimal(&x));
        assert_eq!(
            split,
            [
                "18517551409637235305922365793037451371",
                "135271561984151624501280044000043030166"
            ]
        );
        let split = bytes_to_arbo_split(&[0x04, 0xd1]).map(|x| fr_to_decimal(&x));
        assert_eq!(
            split,
            [
                "145749485520268040037154566173721592631",
                "243838562910071029186006881148627719363"
            ]
        );
    }

    #[test]
    fn root_le_decimal() {
        // crypto/zk/circuit/inputs_test.go.
        let mut root = [0u8; 32];
        hex::decode_to_slice(
            "21f20a61be6bb9415b777367989313a2640109990d187e397fa74256361f0e11",
            &mut root,
        )
        .unwrap();
        let x = root_to_fr(&root).unwrap();
        assert_eq!(
            fr_to_decimal(&x),
            "7714269703880573582519379213888374390024853519732158909852028066903886590497"
        );
        assert_eq!(fr_to_root(&x), root);
    }
}
