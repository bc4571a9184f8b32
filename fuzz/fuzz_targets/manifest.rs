//! libFuzzer entry for the `manifest` harness (fuzz/harness/manifest.rs, shared with
//! tests/fuzz_regressions.rs).
#![no_main]

#[path = "../harness/manifest.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::run(data);
});
