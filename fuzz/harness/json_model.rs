//! The serde round trip shared by the node and SaaS model harnesses: what the loader parses must
//! serialise and parse back to itself, and a published results matrix must print and parse back.

use serde::de::DeserializeOwned;
use serde::Serialize;
use vocaudit::protocol::tally::Results;

/// Parses `data` as `T`; a parse must survive serialise → parse unchanged.
pub fn round_trip<T>(data: &[u8], parsed: &mut Vec<&'static str>, name: &'static str) -> Option<T>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let model: T = serde_json::from_slice(data).ok()?;
    let text = serde_json::to_vec(&model).expect("a parsed model serialises");
    let again: T = serde_json::from_slice(&text).expect("a serialised model parses");
    assert_eq!(again, model, "{name} round trip");
    parsed.push(name);
    Some(model)
}

/// A published results matrix: parse, print, parse again.
pub fn results(rows: &[Vec<String>]) {
    if let Ok(r) = Results::from_decimal_strings(rows) {
        let printed = r.to_decimal_strings();
        assert_eq!(Results::from_decimal_strings(&printed).as_ref(), Ok(&r));
    }
}
