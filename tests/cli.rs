//! The `vocaudit` binary end to end: each test serves a simulated world on loopback from this
//! process, runs the real executable against it in a temp dir and checks the exit status
//! (DESIGN.md: 0 pass, 1 a check failed, 2 not completed), the files written and what is printed.

use std::ffi::OsStr;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use rstest::rstest;
use serde_json::Value;
use tempfile::TempDir;
use vocaudit::sim::{self, FaultPlan, SimServer, World};
use vocaudit::verify::result::Location;

/// Votes per election: enough for every check to have material, small enough for debug builds.
const VOTES: usize = 20;
const SEED: u64 = 11;
const TOKEN: &str = "secret-token-123";

/// A world served on 127.0.0.1 by a runtime owned by the test; the binary talks to it while the
/// test thread waits on the child process.
struct Served {
    world: World,
    server: SimServer,
    _runtime: tokio::runtime::Runtime,
}

impl Served {
    fn start(world: World) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime
            .block_on(sim::serve_local(&world, FaultPlan::none()))
            .unwrap();
        Served {
            world,
            server,
            _runtime: runtime,
        }
    }

    fn scenario(name: &str) -> Served {
        Served::start(sim::scenario(name, VOTES, SEED).unwrap())
    }

    /// The only election of a single-election world.
    fn election_id(&self) -> String {
        assert_eq!(self.world.elections.len(), 1, "world has one election");
        self.world.elections.keys().next().unwrap().clone()
    }

    /// `SUB --node … --election ID --ipfs-gateway …` plus quiet, fast-failing transport settings.
    fn election_args(&self, sub: &str, id: &str) -> Vec<String> {
        let mut args = vec![
            sub.into(),
            "--node".into(),
            self.server.node_url(),
            "--election".into(),
            id.into(),
        ];
        args.extend(self.common_args());
        args
    }

    fn saas_args(&self, sub: &str, process_id: &str) -> Vec<String> {
        let mut args = vec![
            sub.into(),
            "--node".into(),
            self.server.node_url(),
            "--saas".into(),
            self.server.saas_url(),
            "--process".into(),
            process_id.into(),
        ];
        args.extend(self.common_args());
        args
    }

    fn common_args(&self) -> Vec<String> {
        [
            "--ipfs-gateway",
            &self.server.base_url(),
            "--quiet",
            "--max-attempts",
            "2",
            "--timeout",
            "20",
        ]
        .map(String::from)
        .to_vec()
    }
}

/// Runs the binary with `args` (the SaaS token variable cleared unless `token` is given).
fn vocaudit<S: AsRef<OsStr>>(args: &[S], token: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vocaudit"));
    cmd.args(args).env_remove("VOCAUDIT_SAAS_TOKEN");
    if let Some(token) = token {
        cmd.env("VOCAUDIT_SAAS_TOKEN", token);
    }
    cmd.output().unwrap()
}

/// `args` + `extra` as one argument list.
fn with(args: &[String], extra: &[&str]) -> Vec<String> {
    args.iter()
        .cloned()
        .chain(extra.iter().map(|s| s.to_string()))
        .collect()
}

fn path_arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the exit status, showing both streams when it differs.
fn assert_status(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every check of a report.json (evidence-level and per election).
fn checks(report: &Value) -> Vec<&Value> {
    let top = report["checks"].as_array().unwrap().iter();
    let per_election = report["elections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["checks"].as_array().unwrap());
    top.chain(per_election).collect()
}

/// `(electionId, check id, status)` of every check, in report order.
fn check_statuses(report: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (String::new(), str_of(&c["id"]), str_of(&c["status"])))
        .collect();
    for e in report["elections"].as_array().unwrap() {
        for c in e["checks"].as_array().unwrap() {
            out.push((
                str_of(&e["electionId"]),
                str_of(&c["id"]),
                str_of(&c["status"]),
            ));
        }
    }
    out
}

fn str_of(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

fn election_ids(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["elections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| str_of(&e["electionId"]))
        .collect();
    ids.sort();
    ids
}

/// Names of the files in `dir` ending in `.ext`.
fn files_with_ext(dir: &Path, ext: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension() == Some(OsStr::new(ext)))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Every regular file under `dir`, recursively.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Asserts `dir` holds every output format of an audit of `ids`.
fn assert_rendered(dir: &Path, ids: &[String]) {
    assert!(
        std::fs::metadata(dir.join("report.html")).unwrap().len() > 0,
        "report.html is empty"
    );
    let charts = dir.join("charts");
    let png = files_with_ext(&charts, "png");
    let svg = files_with_ext(&charts, "svg");
    for id in ids {
        assert!(
            png.iter().any(|f| f.starts_with(id.as_str())),
            "{id}: {png:?}"
        );
        assert!(
            svg.iter().any(|f| f.starts_with(id.as_str())),
            "{id}: {svg:?}"
        );
    }
}

#[test]
fn audit_of_a_clean_election_passes_and_writes_every_format() {
    let node = Served::scenario("weighted-encrypted");
    let id = node.election_id();
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("audit");

    let out = vocaudit(
        &with(
            &node.election_args("audit", &id),
            &["--out", path_arg(&dir)],
        ),
        None,
    );
    assert_status(&out, 0);
    let report = read_json(&dir.join("report.json"));
    assert_eq!(report["verdict"], "pass");
    assert_eq!(election_ids(&report), vec![id.clone()]);
    assert_rendered(&dir, std::slice::from_ref(&id));
    let manifest = read_json(&dir.join("bundle/manifest.json"));
    assert!(manifest.is_object());
    // The text report names the paths it wrote.
    assert!(stdout(&out).contains("report.html"), "{}", stdout(&out));

    // `--format json` prints the report.json it writes, and nothing else.
    let dir_json = tmp.path().join("audit-json");
    let out = vocaudit(
        &with(
            &node.election_args("audit", &id),
            &["--out", path_arg(&dir_json), "--format", "json"],
        ),
        None,
    );
    assert_status(&out, 0);
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["verdict"], "pass");
    assert_eq!(printed, read_json(&dir_json.join("report.json")));
    // Same world, same bundle contents: the same checks with the same statuses.
    assert_eq!(check_statuses(&printed), check_statuses(&report));
}

#[rstest]
#[case::result_cell("weighted-encrypted", "result-cell")]
#[case::census_dump_root("weighted-encrypted", "census-dump-root")]
#[case::voter_signature("csp-ecdsa", "voter-signature")]
fn audit_of_a_tampered_election_fails_naming_the_check(
    #[case] scenario: &str,
    #[case] tamper: &str,
) {
    let mut world = sim::scenario(scenario, VOTES, SEED).unwrap();
    let applied = sim::apply_tamper(&mut world, tamper).unwrap();
    let node = Served::start(world);
    let id = node.election_id();
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("audit");

    let out = vocaudit(
        &with(
            &node.election_args("audit", &id),
            &["--out", path_arg(&dir)],
        ),
        None,
    );
    assert_status(&out, 1);
    let report = read_json(&dir.join("report.json"));
    assert_eq!(report["verdict"], "fail");
    let failed: Vec<&Value> = checks(&report)
        .into_iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert!(!failed.is_empty(), "no failing check");
    let text = stdout(&out);
    for check in &failed {
        assert_eq!(check["category"], applied.info.category, "{check}");
        let check_id = str_of(&check["id"]);
        assert!(text.contains(&check_id), "stdout lacks {check_id}:\n{text}");
    }
    // Some finding points at exactly what was broken.
    let locations: Vec<Location> = failed
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .map(|f| serde_json::from_value(f["location"].clone()).unwrap())
        .collect();
    assert!(
        locations.contains(&applied.location),
        "{:?} not among {locations:?}",
        applied.location
    );

    // Re-rendering the failing report keeps its exit status.
    let again = tmp.path().join("again");
    let out = vocaudit(&["report", path_arg(&dir), "--out", path_arg(&again)], None);
    assert_status(&out, 1);
    assert_eq!(read_json(&again.join("report.json")), report);
}

#[test]
fn saas_audit_covers_the_process_elections_and_never_stores_the_token() {
    let node = Served::scenario("demo");
    let (process_id, process) = node.world.saas_processes.iter().next().unwrap();
    let mut expected: Vec<String> = process
        .process
        .questions
        .iter()
        .map(|q| q.upstream_id.clone())
        .collect();
    expected.sort();
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("saas");

    let out = vocaudit(
        &with(
            &node.saas_args("audit", process_id),
            &["--out", path_arg(&dir)],
        ),
        Some(TOKEN),
    );
    assert_status(&out, 0);
    let report = read_json(&dir.join("report.json"));
    assert_eq!(report["verdict"], "pass");
    assert_eq!(election_ids(&report), expected);
    assert_rendered(&dir, &expected);
    assert!(dir.join("bundle/saas/process.json").is_file());

    assert!(!contains(&out.stdout, TOKEN.as_bytes()));
    assert!(!contains(&out.stderr, TOKEN.as_bytes()));
    let files = all_files(&dir);
    assert!(files.len() > 10, "{files:?}");
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !contains(&bytes, TOKEN.as_bytes()),
            "{} holds the token",
            file.display()
        );
    }
}

#[test]
fn fetch_then_verify_matches_the_audit_and_refuses_a_changed_bundle() {
    let node = Served::scenario("weighted-encrypted");
    let id = node.election_id();
    let tmp = TempDir::new().unwrap();
    let audit_dir = tmp.path().join("audit");
    let bundle = tmp.path().join("bundle");
    let verified = tmp.path().join("verified");

    let audit = vocaudit(
        &with(
            &node.election_args("audit", &id),
            &["--out", path_arg(&audit_dir)],
        ),
        None,
    );
    assert_status(&audit, 0);
    let fetch = vocaudit(
        &with(
            &node.election_args("fetch", &id),
            &["--out", path_arg(&bundle)],
        ),
        None,
    );
    assert_status(&fetch, 0);
    assert!(
        stdout(&fetch).contains("manifest sha256"),
        "{}",
        stdout(&fetch)
    );
    assert!(!verified.exists(), "fetch wrote no report");

    let verify = vocaudit(
        &["verify", path_arg(&bundle), "--out", path_arg(&verified)],
        None,
    );
    assert_status(&verify, 0);
    let from_verify = read_json(&verified.join("report.json"));
    let from_audit = read_json(&audit_dir.join("report.json"));
    assert_eq!(from_verify["verdict"], "pass");
    assert_eq!(check_statuses(&from_verify), check_statuses(&from_audit));
    assert_rendered(&verified, std::slice::from_ref(&id));

    // One byte changed in any recorded file (plain file or stream segment): refused, named.
    for rel in [
        format!("elections/{id}/election.json"),
        format!("streams/votes-{id}/000000.ndjson"),
    ] {
        let path = bundle.join(&rel);
        let original = std::fs::read(&path).unwrap();
        let mut changed = original.clone();
        let mid = changed.len() / 2;
        changed[mid] ^= 0x01;
        std::fs::write(&path, &changed).unwrap();
        let out = vocaudit(
            &["verify", path_arg(&bundle), "--out", path_arg(&verified)],
            None,
        );
        assert_status(&out, 2);
        assert!(stderr(&out).contains(&rel), "{rel}: {}", stderr(&out));
        std::fs::write(&path, &original).unwrap();
    }

    // A directory that is no bundle at all.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = vocaudit(
        &["verify", path_arg(&empty), "--out", path_arg(&verified)],
        None,
    );
    assert_status(&out, 2);
    assert!(stderr(&out).contains("manifest.json"), "{}", stderr(&out));

    // A recorded file deleted: refused, named.
    let rel = format!("elections/{id}/scrutiny.json");
    std::fs::remove_file(bundle.join(&rel)).unwrap();
    let out = vocaudit(
        &["verify", path_arg(&bundle), "--out", path_arg(&verified)],
        None,
    );
    assert_status(&out, 2);
    assert!(stderr(&out).contains(&rel), "{rel}: {}", stderr(&out));
}

#[test]
fn unreachable_node_exits_2_quickly_naming_the_url() {
    // A port that was free a moment ago and has no listener now.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let node = format!("http://127.0.0.1:{port}/v2");
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("audit");
    let started = Instant::now();
    let out = vocaudit(
        &[
            "audit",
            "--node",
            &node,
            "--election",
            &"ab".repeat(32),
            "--ipfs-gateway",
            &format!("http://127.0.0.1:{port}"),
            "--out",
            path_arg(&dir),
            "--quiet",
            "--max-attempts",
            "2",
            "--timeout",
            "5",
        ],
        None,
    );
    let took = started.elapsed();
    assert_status(&out, 2);
    assert!(stderr(&out).contains(&node), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(!dir.join("report.json").exists());
}

#[test]
fn report_re_renders_from_report_json_alone() {
    let node = Served::scenario("weighted-encrypted");
    let id = node.election_id();
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("audit");
    let out = vocaudit(
        &with(
            &node.election_args("audit", &id),
            &["--out", path_arg(&dir)],
        ),
        None,
    );
    assert_status(&out, 0);

    // Only report.json, no bundle anywhere near it.
    let lone = tmp.path().join("lone");
    std::fs::create_dir(&lone).unwrap();
    std::fs::copy(dir.join("report.json"), lone.join("report.json")).unwrap();
    let rendered = tmp.path().join("rendered");
    let out = vocaudit(
        &[
            "report",
            path_arg(&lone.join("report.json")),
            "--out",
            path_arg(&rendered),
        ],
        None,
    );
    assert_status(&out, 0);
    assert_eq!(
        read_json(&rendered.join("report.json")),
        read_json(&dir.join("report.json"))
    );
    assert_rendered(&rendered, &[id]);
    assert!(!rendered.join("bundle").exists());

    // Something that is not a report.json: exit 2 naming it.
    let bogus = tmp.path().join("bogus.json");
    std::fs::write(&bogus, b"{\"verdict\": 3}").unwrap();
    let out = vocaudit(
        &["report", path_arg(&bogus), "--out", path_arg(&rendered)],
        None,
    );
    assert_status(&out, 2);
    assert!(stderr(&out).contains("bogus.json"), "{}", stderr(&out));
}

#[test]
fn signed_summary_verifies_until_a_byte_changes() {
    let node = Served::scenario("weighted-encrypted");
    let id = node.election_id();
    let tmp = TempDir::new().unwrap();
    let keys = tmp.path().join("keys");
    let other_keys = tmp.path().join("other");
    for d in [&keys, &other_keys] {
        std::fs::create_dir(d).unwrap();
        assert_status(&vocaudit(&["keygen", "--dir", path_arg(d)], None), 0);
    }
    let secret = keys.join("vocaudit.key");
    let public = keys.join("vocaudit.pub");
    assert!(secret.is_file() && public.is_file());

    // `audit --sign-key` writes and signs summary.json.
    let dir = tmp.path().join("audit");
    let out = vocaudit(
        &with(
            &node.election_args("audit", &id),
            &["--out", path_arg(&dir), "--sign-key", path_arg(&secret)],
        ),
        None,
    );
    assert_status(&out, 0);
    let summary = dir.join("summary.json");
    assert!(dir.join("summary.json.minisig").is_file());
    let verify = |file: &Path, public: &Path| {
        vocaudit(
            &["verify-summary", path_arg(file), "--pub", path_arg(public)],
            None,
        )
    };
    assert_status(&verify(&summary, &public), 0);
    assert_ne!(
        verify(&summary, &other_keys.join("vocaudit.pub"))
            .status
            .code(),
        Some(0),
        "another key's public key must not verify"
    );

    // `sign` on a copy, then one byte changed.
    let copy = tmp.path().join("copy.json");
    std::fs::copy(&summary, &copy).unwrap();
    assert_status(
        &vocaudit(&["sign", path_arg(&copy), "--key", path_arg(&secret)], None),
        0,
    );
    assert_status(&verify(&copy, &public), 0);
    let mut bytes = std::fs::read(&copy).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&copy, &bytes).unwrap();
    let out = verify(&copy, &public);
    assert_status(&out, 1);

    // No signature next to the file: the check cannot be made (2), and the message says which.
    let unsigned = tmp.path().join("unsigned.json");
    std::fs::copy(&summary, &unsigned).unwrap();
    let out = verify(&unsigned, &public);
    assert_status(&out, 2);
    assert!(
        stderr(&out).contains("unsigned.json.minisig"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sim_list_names_every_scenario_and_tamper() {
    let out = vocaudit(&["sim", "list"], None);
    assert_status(&out, 0);
    let text = stdout(&out);
    for s in sim::scenarios() {
        assert!(text.contains(s.name), "{} missing", s.name);
    }
    for t in sim::tampers() {
        assert!(text.contains(t.name), "{} missing", t.name);
    }
}

#[rstest]
#[case::election_with_saas(&["--election", "ab", "--saas", "http://127.0.0.1:9/saas", "--process", "12"], "cannot be used with")]
#[case::malformed_node_url(&["--election", "ab"], "--node")]
#[case::no_target(&[], "required")]
#[case::saas_without_process(&["--saas", "http://127.0.0.1:9/saas"], "--process")]
#[case::zero_attempts(&["--election", "ab", "--max-attempts", "0"], "--max-attempts")]
fn bad_arguments_are_usage_errors(#[case] extra: &[&str], #[case] names: &str) {
    let node = if names == "--node" {
        "not a url"
    } else {
        "http://127.0.0.1:9/v2"
    };
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("audit");
    let args = with(
        &["audit", "--node", node, "--out", path_arg(&dir)].map(String::from),
        extra,
    );
    let out = vocaudit(&args, None);
    assert_status(&out, 2);
    assert!(stderr(&out).contains(names), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("error:"), "{}", stderr(&out));
    assert!(!dir.exists(), "nothing is written on a usage error");
}

#[test]
fn demo_audits_both_parts() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("demo");
    let out = vocaudit(&["demo", "--out", path_arg(&dir), "--quiet"], None);
    assert_status(&out, 0);
    for part in ["saas-process", "weighted-election"] {
        let report = read_json(&dir.join(part).join("report.json"));
        assert_eq!(report["verdict"], "pass", "{part}");
        assert!(!election_ids(&report).is_empty(), "{part}");
        assert!(stdout(&out).contains(part), "{}", stdout(&out));
    }
}

/// The acceptance: `vocaudit demo --lang ca --out D` writes every format for each part,
/// speaks Catalan, and prints the one stock-minisign command that checks each signed summary.
#[test]
fn demo_in_catalan_writes_every_file_and_the_command_that_checks_its_signature() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("demo");
    let out = vocaudit(
        &["demo", "--lang", "ca", "--out", path_arg(&dir), "--quiet"],
        None,
    );
    assert_status(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("veredicte: CORRECTE"), "{text}");
    assert!(text.contains("Comproveu el resum signat amb el minisign habitual:"));
    for part in ["saas-process", "weighted-election"] {
        let d = dir.join(part);
        for file in [
            "report.json",
            "report.html",
            "report.pdf",
            "results.csv",
            "votes.csv",
            "results.nist.json",
            "summary.json",
            "summary.json.minisig",
            "vocaudit.pub",
        ] {
            assert!(d.join(file).is_file(), "{part}/{file}");
        }
        let html = std::fs::read_to_string(d.join("report.html")).unwrap();
        assert!(html.contains("<html lang=\"ca\">") && html.contains("Participació"));
        let command = format!(
            "minisign -Vm {} -p {}",
            d.join("summary.json").display(),
            d.join("vocaudit.pub").display()
        );
        assert!(text.contains(&command), "{part}: {command}\n{text}");
        if std::process::Command::new("minisign")
            .arg("-v")
            .output()
            .is_ok()
        {
            let args: Vec<&str> = command.split(' ').skip(1).collect();
            let checked = std::process::Command::new("minisign")
                .args(&args)
                .output()
                .unwrap();
            assert!(checked.status.success(), "{command}");
        }
    }
    assert!(
        !dir.join(".demo-signing-key").exists(),
        "the throwaway key is gone"
    );
}

/// `bench census` builds, parses and rebuilds a census dump and says whether the root matches,
/// with its time against the hash bound and its peak memory.
#[test]
fn bench_census_rebuilds_the_dump_it_built() {
    let out = vocaudit(&["bench", "census", "--leaves", "3000"], None);
    assert_status(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("census dump of 3000 leaves"), "{text}");
    assert!(text.contains("root matches"), "{text}");
    assert!(text.contains("peak RSS"), "{text}");
}
