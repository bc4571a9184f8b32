//! libFuzzer entry for the `packed_siblings` harness (fuzz/harness/packed_siblings.rs, shared with
//! tests/fuzz_regressions.rs).
#![no_main]

#[path = "../harness/packed_siblings.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::run(data);
});
