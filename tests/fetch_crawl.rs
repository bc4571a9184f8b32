//! The crawler against the loopback node: a complete bundle, every fault kind survived with the
//! same content, kill + resume giving the same content, a node that stays down, live elections,
//! legacy routes, completeness gaps, and a SaaS token that never leaks.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use reqwest::Url;
use vocaudit::api::node::{Election, TransactionResponse};
use vocaudit::api::saas::{LegacyProcess, Process, ProcessResults, Question, ResultsQuestion};
use vocaudit::bench::fetch::{synthetic_election, synthetic_world, vote};
use vocaudit::bundle::Bundle;
use vocaudit::fetch::http::{HttpConfig, Secret};
use vocaudit::fetch::progress::{Progress, ProgressMode};
use vocaudit::fetch::{run, FetchConfig, FetchError, FetchSummary, Target};
use vocaudit::sim::{self, FaultPlan, LiveVotes, SaasProcess, SimServer, World};

const CID: &str = "bafkreicensusdumpforfetchtests";

fn fast_http() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(5),
        max_attempts: 5,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        jitter_seed: Some(7),
        ..HttpConfig::default()
    }
}

/// A world with one ended election of `votes` votes whose census dump is on IPFS.
fn world(votes: u64) -> (World, String) {
    let (mut world, id) = synthetic_world(votes).unwrap();
    let e = world.elections.get_mut(&id).unwrap();
    e.election.census.census_url = format!("ipfs://{CID}");
    world
        .ipfs
        .insert(CID.into(), b"{\"type\":1,\"data\":\"\"}".to_vec());
    (world, id)
}

fn config(server_base: &str, node: &str, target: Target, out: &std::path::Path) -> FetchConfig {
    let mut cfg = FetchConfig::new(Url::parse(node).unwrap(), target, out);
    cfg.concurrency = 8;
    cfg.http = fast_http();
    // A gateway nobody listens on comes first: the census must fall through to the next.
    cfg.ipfs_gateways = vec![
        Url::parse("http://127.0.0.1:9").unwrap(),
        Url::parse(server_base).unwrap(),
    ];
    cfg.progress = Some(Progress::new(ProgressMode::Quiet));
    cfg
}

async fn fetch(
    server: &SimServer,
    id: &str,
    out: &std::path::Path,
) -> Result<FetchSummary, FetchError> {
    run(config(
        &server.base_url(),
        &server.node_url(),
        Target::Election(id.to_string()),
        out,
    ))
    .await
}

/// Every stored response as (URL without the server's origin) → (status, sha256 of the body).
fn content(dir: &std::path::Path) -> BTreeMap<String, (u16, String)> {
    let bundle = Bundle::open(dir).unwrap();
    let strip = |url: &str| {
        let rest = url.strip_prefix("http://127.0.0.1:").unwrap_or(url);
        rest.find('/')
            .map(|i| rest[i..].to_string())
            .unwrap_or_default()
    };
    let mut out = BTreeMap::new();
    for f in &bundle.manifest().files {
        let prev = out.insert(
            format!("{} <- {}", f.path, strip(&f.url)),
            (f.status, f.sha256.clone()),
        );
        assert!(prev.is_none());
    }
    for stream in bundle.streams() {
        for rec in bundle.records(stream) {
            let rec = rec.unwrap();
            let prev = out.insert(
                format!("{stream} <- {}", strip(&rec.url)),
                (rec.status, hex::encode(rec.sha256)),
            );
            assert!(prev.is_none(), "{} stored twice", rec.url);
        }
    }
    out
}

fn stream_len(dir: &std::path::Path, stream: &str) -> usize {
    let bundle = Bundle::open(dir).unwrap();
    bundle.records(stream).count()
}

fn gap_kinds(dir: &std::path::Path) -> Vec<String> {
    let bundle = Bundle::open(dir).unwrap();
    bundle.gaps().iter().map(|g| g.kind.clone()).collect()
}

#[tokio::test]
async fn ended_election_fills_a_complete_bundle() {
    let (world, id) = world(250);
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let summary = fetch(&server, &id, &out).await.unwrap();
    assert_eq!(summary.elections, vec![id.clone()]);
    assert!(summary.gaps.is_empty(), "{:?}", summary.gaps);

    let bundle = Bundle::open(&out).unwrap();
    for file in [
        "chain/info.json".to_string(),
        format!("elections/{id}/election.json"),
        format!("elections/{id}/scrutiny.json"),
        format!("elections/{id}/votes-count.json"),
        format!("census/{CID}"),
    ] {
        assert!(bundle.file(&file).is_some(), "{file} missing");
    }
    assert!(bundle.file(&format!("elections/{id}/keys.json")).is_none());
    assert_eq!(
        bundle.read_file(&format!("census/{CID}")).unwrap(),
        world.ipfs[CID]
    );
    assert_eq!(bundle.meta().chain_id.as_deref(), Some("vocdoni/SIM/1"));
    assert_eq!(bundle.meta().height, Some(world.chain_info.height));
    assert_eq!(stream_len(&out, &format!("list-{id}")), 3);
    assert_eq!(stream_len(&out, &format!("votes-{id}")), 250);
    assert_eq!(stream_len(&out, &format!("txs-{id}")), 250);
    // Every vote detail is the node's answer for a listed nullifier, byte for byte.
    for rec in bundle.records(&format!("votes-{id}")) {
        let rec = rec.unwrap();
        assert_eq!(rec.status, 200);
        let v: vocaudit::api::node::VoteDetail = serde_json::from_slice(&rec.body).unwrap();
        assert!(rec.url.ends_with(&v.vote_id));
    }
    for rec in bundle.records(&format!("txs-{id}")) {
        let rec = rec.unwrap();
        let tx: TransactionResponse = serde_json::from_slice(&rec.body).unwrap();
        assert_eq!(
            rec.body,
            format!("{}\n", world.transactions[&tx.tx_info.hash]).into_bytes()
        );
    }
    // Dates are in every detail, so no block is needed.
    assert!(!bundle.streams().contains(&"blocks"));
    // The verifier's loader reads the bundle by the contract's names.
    let input = vocaudit::bundle::load::load(&out).unwrap();
    assert_eq!(input.elections.len(), 1);
    let e = &input.elections[0];
    assert_eq!(e.election.election_id, id);
    assert!(e.scrutiny.is_some());
    assert_eq!((e.votes_count, e.list_total), (Some(250), Some(250)));
    assert!(matches!(&e.census_dump, Some(Ok(d)) if d == &world.ipfs[CID]));
    assert!(e.gaps.is_empty());
    server.shutdown().await.unwrap();
}

#[rstest::rstest]
#[case::latency("latency=3ms")]
#[case::throttled("vote:429=1@every=25")]
#[case::overloaded("503@every=5")]
#[case::reset("reset@every=7")]
#[case::truncated("truncate@every=6")]
#[case::truncated_tx("tx:truncate=10@every=3")]
#[case::slow_body("slow=1ms/64@every=4")]
#[tokio::test]
async fn every_fault_kind_is_survived_with_the_same_content(#[case] fault: &str) {
    let (world, id) = world(60);
    let tmp = tempfile::tempdir().unwrap();
    let clean = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    fetch(&clean, &id, &tmp.path().join("clean")).await.unwrap();
    clean.shutdown().await.unwrap();

    // (A 500 carrying the node's `{"error","code"}` body is an answer, not a transient
    // failure: it is stored and gapped, not retried, so it is not in this table.)
    let spec = fault.to_string();
    let faulty = sim::serve_local(&world, FaultPlan::parse(&[spec]).unwrap())
        .await
        .unwrap();
    let out = tmp.path().join("faulty");
    let summary = fetch(&faulty, &id, &out).await.unwrap();
    assert!(summary.gaps.is_empty(), "{fault}: {:?}", summary.gaps);
    assert_eq!(content(&out), content(&tmp.path().join("clean")), "{fault}");
    faulty.shutdown().await.unwrap();
}

/// Binds a new server for `world` on `addr` (the old one just released it).
async fn rebind(world: &World, faults: FaultPlan, addr: SocketAddr) -> SimServer {
    for _ in 0..50 {
        if let Ok(s) = sim::serve(world, faults.clone(), addr).await {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("could not rebind {addr}");
}

#[tokio::test]
async fn killed_fetch_resumes_to_the_same_content() {
    let (world, id) = world(300);
    let tmp = tempfile::tempdir().unwrap();
    let clean = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let full = fetch(&clean, &id, &tmp.path().join("clean")).await.unwrap();
    clean.shutdown().await.unwrap();

    // After 250 requests the node stalls; the fetch is killed while waiting.
    let stall = FaultPlan::parse(&["latency=30s@after=250"]).unwrap();
    let stalled = sim::serve_local(&world, stall).await.unwrap();
    let addr = stalled.addr();
    let out = tmp.path().join("resumed");
    let killed = tokio::time::timeout(Duration::from_secs(2), fetch(&stalled, &id, &out)).await;
    assert!(killed.is_err(), "the fetch should have been killed");
    drop(stalled);
    // Let the writer thread notice the dropped channel and flush.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        Bundle::open(&out).is_err(),
        "an interrupted bundle is unfinished"
    );

    let healthy = rebind(&world, FaultPlan::none(), addr).await;
    let resumed = fetch(&healthy, &id, &out).await.unwrap();
    assert!(
        resumed.requests < full.requests,
        "resume re-fetched everything ({} of {})",
        resumed.requests,
        full.requests
    );
    assert!(resumed.gaps.is_empty(), "{:?}", resumed.gaps);
    assert_eq!(content(&out), content(&tmp.path().join("clean")));
    healthy.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_node_that_stays_down_is_a_clear_error_and_keeps_the_data() {
    let (world, id) = world(40);
    let down = sim::serve_local(&world, FaultPlan::parse(&["503@after=20"]).unwrap())
        .await
        .unwrap();
    let addr = down.addr();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let err = fetch(&down, &id, &out).await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, FetchError::Http(_)), "{err:?}");
    assert!(msg.contains(&format!("http://{addr}/v2/")), "{msg}");
    assert!(msg.contains("503"), "{msg}");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("chain/info.json"),
        "fetched data was not kept"
    );
    down.shutdown().await.unwrap();

    // Nothing listens any more: the first request already names its URL.
    let gone = tmp.path().join("gone");
    let err = fetch_at(&format!("http://{addr}"), &id, &gone)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("http://{addr}/v2/chain/info")),
        "{err}"
    );

    let healthy = rebind(&world, FaultPlan::none(), addr).await;
    let summary = fetch(&healthy, &id, &out).await.unwrap();
    assert!(summary.gaps.is_empty(), "{:?}", summary.gaps);
    assert_eq!(stream_len(&out, &format!("votes-{id}")), 40);
    healthy.shutdown().await.unwrap();
}

async fn fetch_at(base: &str, id: &str, out: &std::path::Path) -> Result<FetchSummary, FetchError> {
    let mut cfg = config(
        base,
        &format!("{base}/v2"),
        Target::Election(id.into()),
        out,
    );
    cfg.http.max_attempts = 2;
    run(cfg).await
}

/// A READY election with 30 visible votes and 5 more arriving, one per list request.
fn live_world() -> (World, String) {
    let (mut world, id) = world(30);
    let e = world.elections.get_mut(&id).unwrap();
    e.election.status = "READY".into();
    e.election.final_results = false;
    e.scrutiny = None;
    let pending = (30..35).map(|i| vote(&id, i).unwrap()).collect::<Vec<_>>();
    for (_, tx) in &pending {
        world.add_transaction(tx).unwrap();
    }
    world.elections.get_mut(&id).unwrap().live = Some(LiveVotes {
        pending: pending.into_iter().map(|(v, _)| v).collect(),
        reveal_per_list_request: 1,
        ..LiveVotes::default()
    });
    (world, id)
}

#[tokio::test]
async fn live_election_relists_until_stable() {
    let (world, id) = live_world();
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let mut cfg = config(
        &server.base_url(),
        &server.node_url(),
        Target::Election(id.clone()),
        &out,
    );
    cfg.live_rounds = 10;
    let summary = run(cfg).await.unwrap();
    assert!(summary.gaps.is_empty(), "{:?}", summary.gaps);
    let bundle = Bundle::open(&out).unwrap();
    assert!(bundle.file("chain/info-after.json").is_some());
    let election: Election = serde_json::from_slice(
        &bundle
            .read_file(&format!("elections/{id}/election.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        election.vote_count, 35,
        "election re-read after the listing"
    );
    assert_eq!(stream_len(&out, &format!("votes-{id}")), 35);
    // Rounds 1..=5 each revealed a vote; round 6 agreed with round 5.
    let streams = bundle.streams();
    assert!(
        streams.contains(&format!("list-{id}-r6").as_str()),
        "{streams:?}"
    );
    assert!(!bundle.streams().contains(&format!("list-{id}-r7").as_str()));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn live_election_that_never_settles_is_gapped() {
    let (world, id) = live_world();
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let mut cfg = config(
        &server.base_url(),
        &server.node_url(),
        Target::Election(id.clone()),
        &out,
    );
    cfg.live_rounds = 3;
    run(cfg).await.unwrap();
    assert_eq!(gap_kinds(&out), vec!["live-listing-unstable".to_string()]);
    // The last listing's votes are all fetched.
    assert_eq!(stream_len(&out, &format!("votes-{id}")), 33);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn count_mismatches_are_recorded_not_hidden() {
    let (mut world, id) = world(25);
    world.elections.get_mut(&id).unwrap().election.vote_count = 27;
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    fetch(&server, &id, &out).await.unwrap();
    let bundle = Bundle::open(&out).unwrap();
    let gaps = bundle.gaps();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].kind, "vote-count");
    assert!(gaps[0].message.contains("25 distinct") && gaps[0].message.contains("27"));
    server.shutdown().await.unwrap();
}

/// An old node in front of the simulator: no `/votes?electionId=`, no
/// `/chain/transactions/{hash}`; the reference and `{height}/{index}` routes instead.
async fn old_node(world: &World, sim_base: String) -> String {
    let by_hash: BTreeMap<String, (u64, u32)> = world
        .transactions
        .values()
        .map(|json| {
            let tx: TransactionResponse = serde_json::from_str(json).unwrap();
            (tx.tx_info.hash, (tx.tx_info.height, tx.tx_info.index))
        })
        .collect();
    let by_pos: BTreeMap<(u64, u32), String> = world
        .transactions
        .values()
        .map(|json| {
            let tx: TransactionResponse = serde_json::from_str(json).unwrap();
            ((tx.tx_info.height, tx.tx_info.index), json.clone())
        })
        .collect();
    let state = Arc::new((by_hash, by_pos, sim_base, reqwest::Client::new()));
    let app = Router::new().fallback(move |uri: Uri| {
        let state = state.clone();
        async move {
            let (by_hash, by_pos, base, client) = &*state;
            let path = uri.path();
            let parts: Vec<&str> = path.split('/').collect();
            let not_found = || (StatusCode::NOT_FOUND, "404 page not found\n").into_response();
            match parts[..] {
                ["", "v2", "votes"] => return not_found(),
                ["", "v2", "chain", "transactions", _hash] => return not_found(),
                ["", "v2", "chain", "transactions", "reference", hash] => {
                    return match by_hash.get(hash) {
                        Some((h, i)) => format!(
                            "{{\"transactionHash\":\"{hash}\",\"blockHeight\":{h},\"transactionIndex\":{i},\"transactionType\":\"vote\"}}\n"
                        )
                        .into_response(),
                        None => StatusCode::NO_CONTENT.into_response(),
                    }
                }
                ["", "v2", "chain", "transactions", h, i] => {
                    let key = (h.parse().unwrap_or(0), i.parse().unwrap_or(0));
                    return match by_pos.get(&key) {
                        Some(json) => format!("{json}\n").into_response(),
                        None => StatusCode::NO_CONTENT.into_response(),
                    };
                }
                _ => {}
            }
            let url = format!("{base}{uri}");
            let r = client.get(url).send().await.unwrap();
            let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
            let body: Bytes = r.bytes().await.unwrap();
            let response: Response = (status, body).into_response();
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn old_nodes_are_read_through_the_legacy_routes() {
    let (world, id) = world(45);
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let old = old_node(&world, server.base_url()).await;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let summary = run(config(
        &old,
        &format!("{old}/v2"),
        Target::Election(id.clone()),
        &out,
    ))
    .await
    .unwrap();
    assert!(summary.gaps.is_empty(), "{:?}", summary.gaps);
    let bundle = Bundle::open(&out).unwrap();
    let pages: Vec<String> = bundle
        .records(&format!("list-{id}"))
        .map(|r| r.unwrap().url)
        .collect();
    assert!(
        pages.iter().all(|u| u.contains("/votes/page/")),
        "{pages:?}"
    );
    assert_eq!(stream_len(&out, &format!("votes-{id}")), 45);
    // Each tx: its reference, then the tx by position (hash matched inside the body).
    let mut by_position = 0;
    for rec in bundle.records(&format!("txs-{id}")) {
        let rec = rec.unwrap();
        if !rec.url.contains("/reference/") {
            let tx: TransactionResponse = serde_json::from_slice(&rec.body).unwrap();
            assert!(world.transactions.contains_key(&tx.tx_info.hash));
            by_position += 1;
        }
    }
    assert_eq!(by_position, 45);
    // The legacy route has no blockTime, but every detail has a date: no blocks needed.
    assert!(!bundle.streams().contains(&"blocks"));
    server.shutdown().await.unwrap();
}

/// A writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn saas_process_is_fetched_and_the_token_never_leaks() {
    const TOKEN: &str = "vsk_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let (mut world, first) = world(12);
    let second = synthetic_election(&mut world, 1, 7).unwrap();
    let pid = "65f0aa00bb11cc22dd33ee44";
    let question = |id: &str| Question {
        upstream_id: id.to_string(),
        status: "RESULTS".into(),
        ..Question::default()
    };
    world.saas_processes.insert(
        pid.into(),
        SaasProcess {
            process: Process {
                id: pid.into(),
                questions: vec![question(&first), question(&second)],
                chain_id: "vocdoni/SIM/1".into(),
                ..Process::default()
            },
            results: ProcessResults {
                id: pid.into(),
                questions: vec![ResultsQuestion {
                    upstream_id: first.clone(),
                    vote_count: Some(12),
                    ..ResultsQuestion::default()
                }],
            },
            ..SaasProcess::default()
        },
    );
    world.legacy_processes.insert(
        pid.into(),
        LegacyProcess {
            id: pid.into(),
            address: first.clone(),
            ..LegacyProcess::default()
        },
    );
    let server = sim::serve_local(
        &world,
        FaultPlan::parse(&["saas-results:503@first=1"]).unwrap(),
    )
    .await
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let lines = Captured::default();
    let mut cfg = config(
        &server.base_url(),
        &server.node_url(),
        Target::Saas {
            base: Url::parse(&server.saas_url()).unwrap(),
            process_id: pid.into(),
            bundle_id: None,
        },
        &out,
    );
    cfg.token = Some(Secret::new(TOKEN));
    cfg.progress = Some(Progress::lines_to(lines.clone(), Duration::ZERO));
    let summary = run(cfg.clone()).await.unwrap();
    assert_eq!(summary.elections, vec![first.clone(), second.clone()]);
    assert!(summary.gaps.is_empty(), "{:?}", summary.gaps);
    let bundle = Bundle::open(&out).unwrap();
    for f in [
        "saas/process.json",
        "saas/results.json",
        "saas/legacy-process.json",
    ] {
        assert!(bundle.file(f).is_some(), "{f} missing");
    }
    assert_eq!(stream_len(&out, &format!("votes-{second}")), 7);

    // No file of the bundle, no output, no message or debug form holds the token.
    let mut texts = vec![
        format!("{summary:?}"),
        format!("{cfg:?}"),
        String::from_utf8_lossy(&lines.0.lock().unwrap()).into_owned(),
    ];
    assert!(!texts[2].is_empty(), "progress lines were written");
    for entry in walk(&out) {
        texts.push(String::from_utf8_lossy(&std::fs::read(entry).unwrap()).into_owned());
    }
    // A failing SaaS fetch's error message too.
    let mut bad = cfg.clone();
    bad.target = Target::Saas {
        base: Url::parse(&server.saas_url()).unwrap(),
        process_id: "ffffffffffffffffffffffff".into(),
        bundle_id: None,
    };
    bad.out = tmp.path().join("bad");
    let err = run(bad).await.unwrap_err();
    texts.push(format!("{err} {err:?}"));
    for t in &texts {
        assert!(
            !t.contains(TOKEN) && !t.contains(&TOKEN[4..]),
            "token leaked: {t:.200}"
        );
    }
    server.shutdown().await.unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// `cargo test --release --test fetch_crawl -- --ignored --nocapture bench`
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: 10,000 votes with 20 ms latency (~15 s)"]
async fn bench_10k_votes_20ms_concurrency_32() {
    let tmp = tempfile::tempdir().unwrap();
    let report = vocaudit::bench::fetch::bench_loopback(10_000, 20, 32, tmp.path())
        .await
        .unwrap();
    println!("{report}");
    assert!(report.ratio() <= 1.25, "{report}");
}

/// The organisation's name comes from its account (`GET /accounts/{organizationId}`, with the
/// metadata the node retrieved from `infoURL`), in every language the metadata gives. A node
/// that does not know the account leaves the name out, and nothing else changes: no gap, the
/// same verdict.
#[rstest::rstest]
#[case::served(true)]
#[case::unknown_account(false)]
#[tokio::test]
async fn the_organisation_is_named_from_its_account(#[case] served: bool) {
    let mut world = sim::scenario("csp-ecdsa", 8, 1).unwrap();
    let id = world.elections.keys().next().unwrap().clone();
    let org = world.elections[&id].election.organization_id.clone();
    assert!(
        world.accounts.contains_key(&org),
        "the simulator has the account"
    );
    if !served {
        world.accounts.clear();
    }
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let summary = fetch(&server, &id, &out).await.unwrap();
    server.shutdown().await.unwrap();
    assert!(summary.gaps.is_empty(), "{:?}", summary.gaps);
    let stored = Bundle::open(&out).unwrap();
    let account = stored
        .file(&format!("accounts/{org}.json"))
        .expect("stored");
    assert_eq!(account.status, if served { 200 } else { 404 });

    let input = vocaudit::bundle::load::load(&out).unwrap();
    let result = vocaudit::verify::verify(input, &Default::default());
    assert_eq!(result.organization.as_deref(), Some(org.as_str()));
    if served {
        assert_eq!(
            result.organization_name.as_deref(),
            Some("Cooperativa de Prova")
        );
        assert_eq!(
            result
                .organization_name_translations
                .get("es")
                .map(String::as_str),
            Some("Cooperativa de Prueba")
        );
    } else {
        assert_eq!(result.organization_name, None);
        assert!(result.organization_name_translations.is_empty());
    }
    assert_eq!(result.exit_code(), 0, "{:?}", result.verdict);
}
