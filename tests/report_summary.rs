//! The signed summary: canonical bytes, keys and signatures in minisign's formats (checked with
//! the stock `minisign` binary when installed), and a one-byte change refused by both tools.

mod report_common;

use std::path::Path;
use std::process::Command;

use report_common::*;
use vocaudit::report::{keygen, render_all, sign, verify_summary, RenderOptions, Summary};
use vocaudit::verify::result::Verdict;

fn stock_minisign() -> Option<&'static str> {
    let found = Command::new("minisign").arg("-v").output().is_ok();
    if found {
        return Some("minisign");
    }
    if std::env::var("VOCAUDIT_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("minisign is required (VOCAUDIT_REQUIRE_TOOLS=1) but not on PATH");
    }
    eprintln!("skipping the stock-minisign part: minisign is not on PATH");
    None
}

fn stock_verifies(file: &Path, public_key: &Path) -> bool {
    Command::new("minisign")
        .arg("-Vm")
        .arg(file)
        .arg("-p")
        .arg(public_key)
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn summary_is_canonical_and_carries_the_verdict() {
    let bytes = Summary::of(&failing()).to_canonical_json().unwrap();
    assert_eq!(bytes, Summary::of(&failing()).to_canonical_json().unwrap());
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.starts_with(r#"{"schema":"vocaudit.summary/1","tool":{"name":"vocaudit","version":""#),
        "{text}"
    );
    assert!(!text.contains('\n') && !text.contains(": ") && !text.contains(", "));
    assert!(text.contains(r#""verdict":"fail""#));
    assert!(text.contains(&format!(r#""bundleManifestSha256":"{MANIFEST}""#)));
    assert!(text.contains(&format!(r#"{{"electionId":"{E1}","tally":{{"computed":[["120","75","5"],["60","140"]],"published":[["120","95","5"],["60","140"]]}},"checks":{{"pass":2,"fail":6,"warn":1,"skip":1}}}}"#)), "{text}");
    assert!(text.contains(r#""checks":{"pass":1,"fail":0,"warn":0,"skip":0}"#));
    let pass = String::from_utf8(Summary::of(&passing()).to_canonical_json().unwrap()).unwrap();
    assert!(pass.contains(r#""verdict":"pass""#) && pass.contains(E2));
}

#[test]
fn keygen_sign_verify_and_tamper() {
    let dir = tempfile::tempdir().unwrap();
    let keys = keygen(&dir.path().join("keys")).unwrap();
    assert!(
        keygen(&dir.path().join("keys")).is_err(),
        "never overwrites a secret key"
    );
    let out = dir.path().join("out");
    let rendered = render_all(
        &failing(),
        &out,
        &RenderOptions {
            sign_with: Some(keys.secret_key.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let (summary, signature) = rendered.summary.unwrap();
    assert_eq!(summary, out.join("summary.json"));
    assert_eq!(signature, out.join("summary.json.minisig"));

    let sig_text = std::fs::read_to_string(&signature).unwrap();
    let lines: Vec<&str> = sig_text.lines().collect();
    assert_eq!(lines.len(), 4, "{sig_text}");
    assert!(lines[0].starts_with("untrusted comment: "));
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD
        .decode(lines[1])
        .unwrap();
    assert_eq!(
        sig.len(),
        2 + 8 + 64,
        "algorithm, key id, Ed25519 signature"
    );
    assert_eq!(&sig[..2], b"ED", "prehashed Ed25519 signature");
    assert!(
        lines[2].starts_with("trusted comment: timestamp:")
            && lines[2].ends_with("\tfile:summary.json\thashed")
    );

    let verified = verify_summary(&summary, &keys.public_key).unwrap();
    assert_eq!(verified.summary.verdict, Verdict::Fail);
    assert_eq!(verified.summary, Summary::of(&failing()));
    assert!(verified.trusted_comment.contains("file:summary.json"));

    let stock = stock_minisign();
    if stock.is_some() {
        assert!(
            stock_verifies(&summary, &keys.public_key),
            "stock minisign refuses our signature"
        );
    }

    // One changed byte: "fail" -> "pass" would be the interesting forgery.
    let original = std::fs::read(&summary).unwrap();
    let at = String::from_utf8_lossy(&original)
        .find(r#""verdict":"fail""#)
        .unwrap()
        + 11;
    let mut tampered = original.clone();
    tampered[at] = b'p';
    std::fs::write(&summary, &tampered).unwrap();
    let err = verify_summary(&summary, &keys.public_key)
        .unwrap_err()
        .to_string();
    assert!(err.contains("summary.json"), "{err}");
    if stock.is_some() {
        assert!(
            !stock_verifies(&summary, &keys.public_key),
            "stock minisign accepts a changed byte"
        );
    }

    // A different key is refused too.
    std::fs::write(&summary, &original).unwrap();
    let other = keygen(&dir.path().join("other")).unwrap();
    assert!(verify_summary(&summary, &other.public_key).is_err());
    assert!(verify_summary(&summary, &keys.public_key).is_ok());
}

#[test]
fn stock_minisign_signs_with_our_unencrypted_key() {
    if stock_minisign().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let keys = keygen(dir.path()).unwrap();
    let file = dir.path().join("summary.json");
    std::fs::write(&file, Summary::of(&passing()).to_canonical_json().unwrap()).unwrap();
    let output = Command::new("minisign")
        .arg("-S")
        .arg("-s")
        .arg(&keys.secret_key)
        .arg("-m")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verified = verify_summary(&file, &keys.public_key).unwrap();
    assert_eq!(verified.summary.verdict, Verdict::Pass);
    // And a file signed by our sign() is checked by the stock tool after re-signing.
    sign(&file, &keys.secret_key).unwrap();
    assert!(stock_verifies(&file, &keys.public_key));
}
