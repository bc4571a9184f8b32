//! libFuzzer entry for the `tx_json` harness (fuzz/harness/tx_json.rs, shared with
//! tests/fuzz_regressions.rs).
#![no_main]

#[path = "../harness/tx_json.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::run(data);
});
