//! Transaction responses as the verifier meets them (`bundle::load` keeps `tx` raw,
//! `verify::derive` decodes it with `decode_tx_json` and matches the published hash): node JSON,
//! hex or legacy base64 bytes → the protobuf model.
//!
//! Input: a `/chain/transactions/{hash}` body (`{"tx": …, "txInfo": …, "signature": …}`).
//!
//! Invariants: a decoded `Tx` written back as node JSON (hex) decodes to itself, and so does a
//! legacy base64 rendering whenever it is detected as base64 again; its canonical protobuf
//! bytes decode to it; hash matching finds the canonical encoding when it is the published one.

use vocaudit::protocol::tx::{
    decode_node_transaction_str, decode_signed_tx, decode_tx_json, encode_signed_tx, encode_tx,
    reproduce_tx_bytes, tx_hash, tx_to_json, tx_to_node_json, BytesEncoding, ClientEncoding,
    Reproduction,
};

/// Decodes one response; `Err` is the decoder's error text.
pub fn run(data: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| format!("not UTF-8: {e}"))?;
    let response = decode_node_transaction_str(text).map_err(|e| e.to_string())?;
    let tx = &response.tx.tx;

    let hex = decode_tx_json(&tx_to_node_json(tx)).expect("node JSON of a decoded tx decodes");
    assert_eq!(&hex.tx, tx, "hex JSON round trip");
    assert!(hex.ignored_fields.is_empty());

    let legacy = decode_tx_json(&tx_to_json(tx, BytesEncoding::Base64))
        .expect("base64 JSON of a decoded tx decodes");
    if legacy.bytes_encoding == Some(BytesEncoding::Base64) {
        assert_eq!(&legacy.tx, tx, "base64 JSON round trip");
    }

    let canonical = encode_tx(tx, ClientEncoding::GoCanonical);
    let signed = encode_signed_tx(&canonical, Some(&response.signature));
    let (_, back) = decode_signed_tx(&signed).expect("canonical bytes decode");
    assert_eq!(&back, tx, "protobuf round trip");
    let published = tx_hash(&signed);
    match reproduce_tx_bytes(tx, &response.signature, &published) {
        Reproduction::Reproduced(r) => assert_eq!(r.signed_tx, signed),
        Reproduction::CannotReproduce { .. } => panic!("the canonical encoding is not found"),
    }
    Ok(())
}
