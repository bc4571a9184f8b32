//! Node API v2 responses as the fetcher and the loader parse them (`serde_json::from_slice`
//! into the `api::node` models), plus the published results matrices the tally check reads.
//!
//! Input: one response body, parsed as every node model in turn.
//!
//! Invariants: a parsed model serialises and parses back to itself (for the two models with raw
//! JSON members, to the same serialisation); a parsed results matrix prints and parses back to
//! itself.

use vocaudit::api::node::{
    ApiError, Block, ChainInfo, Election, ElectionKeys, EncryptedPackage, Scrutiny,
    TransactionResponse, VoteCount, VoteDetail, VoteList,
};
use vocaudit::api::text;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::json_model::{results, round_trip};

/// Parses one body as every model; `Ok` lists the models it parsed as.
pub fn run(data: &[u8]) -> Result<Vec<&'static str>, String> {
    let mut parsed = Vec::new();
    if let Some(e) = round_trip::<Election>(data, &mut parsed, "Election") {
        let _ = e.tally_params();
        if let Some(result) = &e.result {
            results(result);
        }
        if let Some(title) = e.metadata.as_ref().and_then(|m| m.get("title")) {
            let _ = text(title);
        }
    }
    if let Some(s) = round_trip::<Scrutiny>(data, &mut parsed, "Scrutiny") {
        results(&s.results);
    }
    round_trip::<ElectionKeys>(data, &mut parsed, "ElectionKeys");
    round_trip::<VoteCount>(data, &mut parsed, "VoteCount");
    round_trip::<VoteList>(data, &mut parsed, "VoteList");
    round_trip::<Block>(data, &mut parsed, "Block");
    round_trip::<ChainInfo>(data, &mut parsed, "ChainInfo");
    round_trip::<ApiError>(data, &mut parsed, "ApiError");
    round_trip::<EncryptedPackage>(data, &mut parsed, "EncryptedPackage");
    if let Some(v) = same_text::<VoteDetail>(data, &mut parsed, "VoteDetail") {
        let _ = serde_json::from_str::<EncryptedPackage>(v.package.get());
    }
    if let Some(t) = same_text::<TransactionResponse>(data, &mut parsed, "TransactionResponse") {
        let _ = serde_json::from_str::<serde_json::Value>(t.tx.get());
    }
    if parsed.is_empty() {
        return Err("no node model parses it".into());
    }
    Ok(parsed)
}

/// As [`round_trip`] for models without `PartialEq` (raw JSON members): the serialisation is a
/// fixed point.
fn same_text<T>(data: &[u8], parsed: &mut Vec<&'static str>, name: &'static str) -> Option<T>
where
    T: DeserializeOwned + Serialize,
{
    let model: T = serde_json::from_slice(data).ok()?;
    let text = serde_json::to_vec(&model).expect("a parsed model serialises");
    let again: T = serde_json::from_slice(&text).expect("a serialised model parses");
    let text_again = serde_json::to_vec(&again).expect("a parsed model serialises");
    assert_eq!(text_again, text, "{name} round trip");
    parsed.push(name);
    Some(model)
}
