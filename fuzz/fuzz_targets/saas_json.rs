//! libFuzzer entry for the `saas_json` harness (fuzz/harness/saas_json.rs, shared with
//! tests/fuzz_regressions.rs).
#![no_main]

#[path = "../harness/json_model.rs"]
mod json_model;
#[path = "../harness/saas_json.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::run(data);
});
