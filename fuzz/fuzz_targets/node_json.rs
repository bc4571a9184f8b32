//! libFuzzer entry for the `node_json` harness (fuzz/harness/node_json.rs, shared with
//! tests/fuzz_regressions.rs).
#![no_main]

#[path = "../harness/json_model.rs"]
mod json_model;
#[path = "../harness/node_json.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::run(data);
});
