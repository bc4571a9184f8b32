//! libFuzzer entry for the `tx_proto` harness (fuzz/harness/tx_proto.rs, shared with
//! tests/fuzz_regressions.rs).
#![no_main]

#[path = "../harness/tx_proto.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::run(data);
});
