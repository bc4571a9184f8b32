//! `reports/demo/` holds the committed output of `vocaudit demo` (fixed seed and clock). This test
//! runs the demo again and fails when the committed reports are stale.
//!
//! Only the evidence bundle (it records fetch times) and the loopback node's port differ between
//! runs, so report.json, report.html and the exports (results.csv, votes.csv, results.nist.json)
//! are compared after substituting those values; charts must be byte-identical; report.pdf must
//! be exactly what the committed report.json renders to; the demo signs each summary with a
//! throwaway key, so the committed summary.json must be the committed report's summary and its
//! signature must check with the committed public key. Refresh with `VOCAUDIT_BLESS=1 cargo test --test demo_reports`
//! (or `cargo run -- demo --out reports/demo`; bundles are git-ignored).

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use vocaudit::report::{Lang, Messages};

/// The text files of each part, compared after substituting the volatile values.
const FILES: [&str; 5] = [
    "report.json",
    "report.html",
    "results.csv",
    "votes.csv",
    "results.nist.json",
];

/// The signed summary, its signature and the throwaway public key, checked by signature.
const SIGNED: [&str; 4] = [
    "report.pdf",
    "summary.json",
    "summary.json.minisig",
    "vocaudit.pub",
];

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/demo")
}

/// The values that differ between runs: the bundle's manifest sha256 and fetch time (the
/// bundle records fetch times) and the loopback node's URLs (a free port each run).
fn volatile_values(json: &[u8]) -> Vec<String> {
    let v: Value = serde_json::from_slice(json).expect("report.json parses");
    [
        &v["bundle"]["manifestSha256"],
        &v["bundle"]["fetchedAt"],
        &v["source"]["node"],
        &v["source"]["saas"],
    ]
    .iter()
    .filter_map(|x| x.as_str().map(str::to_string))
    .filter(|x| !x.is_empty())
    .collect()
}

/// `fresh` with this run's volatile values replaced by the committed run's.
fn normalized(fresh: &str, fresh_json: &[u8], committed_json: &[u8]) -> String {
    let mut text = fresh.to_string();
    for (new, old) in volatile_values(fresh_json)
        .iter()
        .zip(volatile_values(committed_json))
    {
        // report.html escapes `/` in URLs and writes times as dates.
        let escaped = |s: &str| s.replace('/', "&#x2f;");
        let date = |s: &str| Messages::new(Lang::En).datetime(s);
        text = text
            .replace(new.as_str(), &old)
            .replace(&escaped(new), &escaped(&old))
            .replace(&date(new), &date(&old));
    }
    text
}

/// Whether the stock minisign is installed (required with VOCAUDIT_REQUIRE_TOOLS=1).
fn stock_minisign() -> bool {
    let found = std::process::Command::new("minisign")
        .arg("-v")
        .output()
        .is_ok();
    if !found && std::env::var("VOCAUDIT_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("minisign is required (VOCAUDIT_REQUIRE_TOOLS=1) but not on PATH");
    }
    if !found {
        eprintln!("skipping the stock-minisign check of the demo: minisign is not on PATH");
    }
    found
}

fn chart_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("charts"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn bless(fresh: &Path, committed: &Path) {
    let _ = fs::remove_dir_all(committed);
    fs::create_dir_all(committed.join("charts")).unwrap();
    for file in FILES.iter().chain(&SIGNED) {
        fs::copy(fresh.join(file), committed.join(file)).unwrap();
    }
    for name in chart_names(fresh) {
        fs::copy(
            fresh.join("charts").join(&name),
            committed.join("charts").join(&name),
        )
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_demo_reports_are_current() {
    let tmp = tempfile::tempdir().unwrap();
    let parts = vocaudit::audit::demo(tmp.path(), true, vocaudit::report::Lang::En)
        .await
        .expect("the demo runs");
    assert_eq!(
        parts.len(),
        2,
        "the demo audits a SaaS process and an election"
    );
    let blessing = std::env::var("VOCAUDIT_BLESS").is_ok_and(|v| v == "1");
    for part in &parts {
        assert_eq!(
            part.run.result.exit_code(),
            0,
            "{}: the demo passes",
            part.name
        );
        let fresh = tmp.path().join(part.name);
        let committed = committed_dir().join(part.name);
        if blessing {
            bless(&fresh, &committed);
            continue;
        }
        let stale = |what: &str| {
            format!(
                "reports/demo/{}/{what} is stale: refresh with VOCAUDIT_BLESS=1 cargo test --test demo_reports",
                part.name
            )
        };
        let fresh_json = fs::read(fresh.join("report.json")).unwrap();
        let committed_json = fs::read(committed.join("report.json"))
            .unwrap_or_else(|_| panic!("{}", stale("report.json")));
        for file in FILES {
            let fresh_text = fs::read_to_string(fresh.join(file)).unwrap();
            let committed_text = fs::read_to_string(committed.join(file))
                .unwrap_or_else(|_| panic!("{}", stale(file)));
            assert!(
                normalized(&fresh_text, &fresh_json, &committed_json) == committed_text,
                "{}",
                stale(file)
            );
        }

        // report.pdf holds the volatile values in compressed streams: it must be exactly what
        // the committed report.json renders to.
        let committed_result: vocaudit::verify::result::AuditResult =
            serde_json::from_slice(&committed_json).unwrap();
        let m = Messages::new(Lang::En);
        let charts = vocaudit::report::render_charts(&committed_result, &m).unwrap();
        let pdf = vocaudit::report::render_pdf(&committed_result, &charts, &m).unwrap();
        let committed_pdf = fs::read(committed.join("report.pdf"))
            .unwrap_or_else(|_| panic!("{}", stale("report.pdf")));
        assert!(pdf == committed_pdf, "{}", stale("report.pdf"));
        assert!(fresh.join("report.pdf").is_file());

        // The signed summary: the fresh one checks with the fresh key (and with the stock
        // minisign when it is installed), the committed one is the committed report's summary
        // and checks with the committed key.
        let command = part.verify_command().expect("the demo signs");
        assert!(command.starts_with("minisign -Vm ") && command.contains(" -p "));
        let verified = vocaudit::report::verify_summary(
            &fresh.join("summary.json"),
            &fresh.join("vocaudit.pub"),
        )
        .expect("the fresh summary's signature checks");
        assert_eq!(verified.summary.verdict, part.run.result.verdict);
        if stock_minisign() {
            let args: Vec<&str> = command.split(' ').skip(1).collect();
            let out = std::process::Command::new("minisign")
                .args(&args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{command}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(
            !fresh.join("vocaudit.key").exists() && !tmp.path().join(".demo-signing-key").exists(),
            "the throwaway secret key is gone"
        );
        let committed_summary = fs::read(committed.join("summary.json"))
            .unwrap_or_else(|_| panic!("{}", stale("summary.json")));
        assert!(
            committed_summary
                == vocaudit::report::Summary::of(&committed_result)
                    .to_canonical_json()
                    .unwrap(),
            "{}",
            stale("summary.json")
        );
        vocaudit::report::verify_summary(
            &committed.join("summary.json"),
            &committed.join("vocaudit.pub"),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", stale("summary.json.minisig")));

        let names = chart_names(&fresh);
        assert!(!names.is_empty(), "the demo draws charts");
        assert_eq!(names, chart_names(&committed), "{}", stale("charts/"));
        for name in names {
            let a = fs::read(fresh.join("charts").join(&name)).unwrap();
            let b = fs::read(committed.join("charts").join(&name)).unwrap();
            assert!(a == b, "{}", stale(&format!("charts/{name}")));
        }
    }
}
