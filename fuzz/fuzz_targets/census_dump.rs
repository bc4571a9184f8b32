//! libFuzzer entry for the `census_dump` harness (fuzz/harness/census_dump.rs, shared with
//! tests/fuzz_regressions.rs).
#![no_main]

#[path = "../harness/census_dump.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::run(data);
});
