//! Broadcast transaction bytes (`SignedTx` protobuf) as a block or a CometBFT RPC serves them:
//! decoding into the hand-written prost models, re-encoding and hash matching.
//!
//! Input: `SignedTx` bytes.
//!
//! Invariants: the decoded `Tx` re-encodes canonically to bytes that decode to it; its node JSON
//! decodes to it; when the canonical re-encoding is the input (no unknown fields, canonical
//! order) the input's sha256 is reproduced.

use prost::Message;
use vocaudit::protocol::proto::{SignedTx, Tx};
use vocaudit::protocol::tx::{
    decode_signed_tx, decode_tx_json, encode_signed_tx, encode_tx, reproduce_tx_bytes, tx_hash,
    tx_to_node_json, ClientEncoding, Reproduction,
};

/// Decodes one `SignedTx`; `Err` is the decoder's error text.
pub fn run(data: &[u8]) -> Result<(), String> {
    let (stx, tx) = decode_signed_tx(data).map_err(|e| e.to_string())?;

    let canonical = encode_tx(&tx, ClientEncoding::GoCanonical);
    assert_eq!(
        Tx::decode(canonical.as_slice()).as_ref(),
        Ok(&tx),
        "Tx round trip"
    );
    let ts_proto = encode_tx(&tx, ClientEncoding::TsProto);
    assert_eq!(
        Tx::decode(ts_proto.as_slice()).as_ref(),
        Ok(&tx),
        "ts-proto round trip"
    );
    let again = SignedTx::decode(stx.encode_to_vec().as_slice());
    assert_eq!(again.as_ref(), Ok(&stx), "SignedTx round trip");

    let json = decode_tx_json(&tx_to_node_json(&tx)).expect("node JSON of a decoded tx decodes");
    assert_eq!(json.tx, tx, "node JSON round trip");

    let signature = stx.signature.clone().unwrap_or_default();
    let reproduced = reproduce_tx_bytes(&tx, &signature, &tx_hash(data));
    let signed = encode_signed_tx(&stx.tx, stx.signature.as_deref());
    if stx.tx == canonical && signed == data {
        assert!(
            matches!(reproduced, Reproduction::Reproduced(_)),
            "canonical bytes not reproduced"
        );
    }
    Ok(())
}
