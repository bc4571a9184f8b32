//! libFuzzer entry for the `vote_package` harness (fuzz/harness/vote_package.rs, shared with
//! tests/fuzz_regressions.rs).
#![no_main]

#[path = "../harness/vote_package.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::run(data);
});
