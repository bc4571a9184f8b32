//! SaaS API responses as the fetcher and the loader parse them (`serde_json::from_slice` into
//! the `api::saas` models), plus the results matrices the cross-source check compares. Fields
//! no check reads are kept as served (`api::Opaque`), so they parse whatever they hold.
//!
//! Input: one response body, parsed as every SaaS model in turn.
//!
//! Invariants: a parsed model serialises and parses back to itself; a parsed results matrix
//! prints and parses back to itself.

use vocaudit::api::saas::{LegacyProcess, Process, ProcessBundle, ProcessResults};

use crate::json_model::{results, round_trip};

/// Parses one body as every model; `Ok` lists the models it parsed as.
pub fn run(data: &[u8]) -> Result<Vec<&'static str>, String> {
    let mut parsed = Vec::new();
    if let Some(p) = round_trip::<Process>(data, &mut parsed, "Process") {
        for q in &p.questions {
            if let Some(r) = q.results.as_ref().and_then(|r| r.results.as_ref()) {
                results(r);
            }
        }
    }
    if let Some(r) = round_trip::<ProcessResults>(data, &mut parsed, "ProcessResults") {
        r.questions
            .iter()
            .filter_map(|q| q.results.as_ref())
            .for_each(|m| results(m));
    }
    round_trip::<LegacyProcess>(data, &mut parsed, "LegacyProcess");
    round_trip::<ProcessBundle>(data, &mut parsed, "ProcessBundle");
    if parsed.is_empty() {
        return Err("no SaaS model parses it".into());
    }
    Ok(parsed)
}
