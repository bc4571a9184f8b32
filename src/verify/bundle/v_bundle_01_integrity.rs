//! V-BUNDLE-01: every bundle file has the sha256 its manifest records (the loader checks; this
//! reports its verdict).

use crate::bundle::evidence::BundleEvidence;
use crate::verify::check::{catalogue_info, result, Level, Remarks};
use crate::verify::result::{CheckResult, Location, Status};

pub fn integrity(bundle: Option<&BundleEvidence>) -> CheckResult {
    let info = catalogue_info("V-BUNDLE-01");
    let Some(b) = bundle else {
        return result(
            &info,
            Status::Skip,
            "the evidence was not loaded from a bundle",
            Vec::new(),
        );
    };
    let mut out = Remarks::default();
    for e in &b.integrity_errors {
        out.add(Level::Fail, Location::default(), e.clone(), None, None);
    }
    out.conclude(
        &info,
        format!(
            "{} files, manifest sha256 {}",
            b.info.files, b.info.manifest_sha256
        ),
    )
}
