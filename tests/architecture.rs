//! The house rule of ARCHITECTURE.md, checked on the source: data walks one way
//! (`fetch → bundle → verify → report`, pure `protocol` and the wire models of `api` underneath,
//! `sim` beside), so no room imports one that comes after it. A `use crate::…` or a
//! `crate::…::` path in code (comments aside) names the room it reaches into.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rstest::rstest;

/// The rooms of `src/` each room may use besides itself.
#[rstest]
#[case("protocol", &[])]
#[case("api", &["protocol"])]
#[case("bundle", &["api", "protocol"])]
#[case("fetch", &["bundle", "api", "protocol"])]
#[case("verify", &["bundle", "api", "protocol"])]
#[case("report", &["verify", "bundle", "api", "protocol"])]
#[case("sim", &["bundle", "api", "protocol"])]
fn rooms_import_only_what_comes_before(#[case] room: &str, #[case] allowed: &[&str]) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rs(&src.join(room), &mut files);
    let single = src.join(format!("{room}.rs"));
    if single.exists() {
        files.push(single);
    }
    assert!(!files.is_empty(), "no source for room {room}");
    let mut offending = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for reached in rooms_named(code) {
                if reached != room && !allowed.contains(&reached.as_str()) {
                    offending.insert(format!("{}:{}: crate::{reached}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        offending.is_empty(),
        "{room} may use only {allowed:?}, but:\n{}",
        offending.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// The checker itself sees an import, a path in an expression and a grouped import.
#[rstest]
#[case("use crate::verify::result::Location;", &["verify"])]
#[case("    let x = crate::sim::scenario(\"demo\", 1, 1);", &["sim"])]
#[case("use crate::{api, protocol::hash};", &["api", "protocol"])]
#[case("let crate_name = 1; // crate::report", &[])]
fn rooms_named_finds_every_form(#[case] line: &str, #[case] expected: &[&str]) {
    let code = line.split("//").next().unwrap_or("");
    assert_eq!(rooms_named(code), expected);
}

/// The rooms a line of code names through `crate::`.
fn rooms_named(code: &str) -> Vec<String> {
    let mut rooms = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                rooms.push(head(item.trim()));
            }
        } else {
            rooms.push(head(rest));
        }
    }
    rooms.retain(|r| !r.is_empty());
    rooms
}

fn head(path: &str) -> String {
    path.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
