//! Watch mode against a loopback node with a live election (`sim::LiveVotes`): every vote is
//! reported once, a tampered vote raises an anomaly in the poll that reveals it, an outage is
//! ridden out, a restart continues from the state file, status and result changes are reported
//! once each, a live result that disagrees is located at its cell within one poll, overwrites
//! replace ballots (sealed ones are read once the keys are revealed), and `until_results` ends
//! with the audit's exit status and the tally of a one-shot audit. A SaaS process is watched as
//! its questions' elections in one loop (`sim::live::make_live` serves them live): events name
//! their election, and `until_results` ends with the one-shot audit of the whole process.

use std::path::Path;
use std::time::Duration;

use reqwest::Url;
use tokio::sync::mpsc;
use tokio::time::{timeout, Instant};

use vocaudit::api::node::VoteDetail;
use vocaudit::audit::{self, AuditOptions};
use vocaudit::fetch::http::HttpConfig;
use vocaudit::fetch::{FetchConfig, Target};
use vocaudit::sim::{self, FaultPlan, LiveStage, LiveVotes, SimServer, StageTrigger, World};
use vocaudit::verify::result::{AuditResult, Location, Status, Verdict};
use vocaudit::watch::{self, state::WatchState, Event, WatchConfig};

const INTERVAL: Duration = Duration::from_millis(50);
/// Upper bound of any test's wait, far above what it needs.
const DEADLINE: Duration = Duration::from_secs(60);

/// A scenario's single election made live.
struct Live {
    world: World,
    id: String,
    /// The votes still to arrive, in arrival order.
    pending: Vec<VoteDetail>,
    /// The result the world published (after a tamper, if any).
    result: Option<Vec<Vec<String>>>,
    /// Where the tamper was applied.
    tampered: Option<Location>,
}

impl Live {
    /// The election's live model, to set stages on.
    fn live(&mut self) -> &mut LiveVotes {
        self.world
            .elections
            .get_mut(&self.id)
            .and_then(|e| e.live.as_mut())
            .unwrap()
    }
}

/// A scenario whose single election turns live: no vote visible at first, `reveal` more per
/// vote-list request, in height order; with a status other than RESULTS its result is withdrawn.
fn live_world(
    scenario: &str,
    votes: usize,
    status: &str,
    reveal: usize,
    tamper: Option<&str>,
) -> Live {
    let mut world = sim::scenario(scenario, votes, 7).unwrap();
    let tampered = tamper.map(|t| sim::apply_tamper(&mut world, t).unwrap().location);
    let (id, election) = world.elections.iter_mut().next().unwrap();
    let result = election.election.result.clone();
    let mut pending = std::mem::take(&mut election.votes);
    pending.sort_by_key(|v| (v.block_height, v.transaction_index));
    election.election.vote_count = 0;
    election.election.status = status.to_string();
    if status != "RESULTS" {
        election.election.result = None;
        election.election.final_results = false;
    }
    election.live = Some(LiveVotes {
        pending: pending.clone(),
        reveal_per_list_request: reveal,
        ..LiveVotes::default()
    });
    let id = id.clone();
    Live {
        world,
        id,
        pending,
        result,
        tampered,
    }
}

fn config(server: &SimServer, id: &str, out: &Path, until_results: bool) -> WatchConfig {
    quick(
        WatchConfig::new(Url::parse(&server.node_url()).unwrap(), id, out),
        server,
        until_results,
    )
}

/// `config` polling every [`INTERVAL`] with [`quick_http`], the loopback node as its gateway
/// and a pinned report clock.
fn quick(config: WatchConfig, server: &SimServer, until_results: bool) -> WatchConfig {
    WatchConfig {
        interval: INTERVAL,
        until_results,
        http: quick_http(),
        ipfs_gateways: vec![Url::parse(&server.base_url()).unwrap()],
        audit: AuditOptions {
            sign_with: None,
            generated_at: Some("2026-06-01T12:00:00Z".into()),
            ..Default::default()
        },
        ..config
    }
}

/// Two attempts with millisecond backoff: an outage fails polls instead of hiding in retries.
fn quick_http() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(10),
        max_attempts: 2,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        jitter_seed: Some(1),
        ..HttpConfig::default()
    }
}

/// Runs watch in the background, collecting its events until `done` holds (or the deadline),
/// then a few more intervals to catch late duplicates; returns the events and the exit status
/// when watch ended by itself.
async fn collect(
    cfg: WatchConfig,
    done: impl Fn(&[Event]) -> bool,
    settle: Duration,
) -> (Vec<Event>, Option<i32>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut emit = move |e: &Event| {
        let _ = tx.send(e.clone());
    };
    // Polled in this task (the fetcher's futures are not `Send` for every lifetime).
    let running = watch::watch(cfg, &mut emit);
    tokio::pin!(running);
    let mut events = Vec::new();
    let start = Instant::now();
    let mut until = start + if done(&events) { settle } else { DEADLINE };
    let mut code = None;
    loop {
        tokio::select! {
            ended = &mut running => {
                code = Some(ended.unwrap());
                break;
            }
            received = timeout(until.saturating_duration_since(Instant::now()), rx.recv()) => {
                match received {
                    Ok(Some(e)) => {
                        events.push(e);
                        if done(&events) && until > Instant::now() + settle {
                            until = Instant::now() + settle;
                        }
                    }
                    Ok(None) | Err(_) => break,
                }
            }
        }
    }
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    assert!(
        start.elapsed() < DEADLINE,
        "watch never got there: {events:?}"
    );
    (events, code)
}

fn total(events: &[Event]) -> u64 {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Votes { total, .. } => Some(*total),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

fn new_sum(events: &[Event]) -> u64 {
    events
        .iter()
        .map(|e| match e {
            Event::Votes { new, .. } => *new,
            _ => 0,
        })
        .sum()
}

fn anomalies(events: &[Event]) -> Vec<&Event> {
    events
        .iter()
        .filter(|e| matches!(e, Event::Anomaly { .. }))
        .collect()
}

fn errors(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Error { .. }))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_vote_is_reported_exactly_once_and_a_restart_continues() {
    let Live {
        world, id, pending, ..
    } = live_world("csp-ecdsa", 30, "READY", 4, None);
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let n = pending.len() as u64;
    let (events, _) = collect(
        config(&server, &id, out.path(), false),
        |ev| total(ev) >= n,
        INTERVAL * 6,
    )
    .await;
    assert_eq!(new_sum(&events), n, "{events:?}");
    assert_eq!(total(&events), n);
    assert!(anomalies(&events).is_empty(), "{events:?}");
    assert_eq!(errors(&events), 0, "{events:?}");
    let statuses: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, Event::StatusChanged { .. }))
        .collect();
    assert_eq!(
        statuses,
        [&Event::StatusChanged {
            election_id: id.clone(),
            from: None,
            to: "READY".into()
        }]
    );
    let state = WatchState::load_or_new(out.path(), &id).unwrap();
    assert_eq!(state.votes.len() as u64, n);
    assert_eq!(
        state.last_height,
        pending.iter().map(|v| v.block_height).max().unwrap()
    );

    // A restart on the same directory reports nothing already seen.
    let (again, _) = collect(
        config(&server, &id, out.path(), false),
        |_| true,
        INTERVAL * 6,
    )
    .await;
    assert_eq!(new_sum(&again), 0, "{again:?}");
    assert!(!again
        .iter()
        .any(|e| matches!(e, Event::StatusChanged { .. })));
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_signed_by_another_key_is_an_anomaly_in_the_poll_that_reveals_it() {
    let Live {
        world,
        id,
        pending,
        tampered,
        ..
    } = live_world("csp-ecdsa", 20, "READY", 3, Some("voter-signature"));
    let tampered = tampered.unwrap();
    let vote_id = tampered.vote_id.clone().unwrap();
    let position = pending
        .iter()
        .position(|v| v.vote_id.eq_ignore_ascii_case(&vote_id))
        .unwrap() as u64;
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let n = pending.len() as u64;
    let (events, _) = collect(
        config(&server, &id, out.path(), false),
        |ev| total(ev) >= n,
        INTERVAL * 4,
    )
    .await;
    let found = anomalies(&events);
    assert!(!found.is_empty(), "{events:?}");
    for a in &found {
        let Event::Anomaly { finding, .. } = a else {
            unreachable!()
        };
        assert_eq!(finding.location.vote_id.as_deref(), Some(vote_id.as_str()));
    }
    assert!(found
        .iter()
        .any(|a| matches!(a, Event::Anomaly { check, .. } if check.starts_with("V-SIG"))));
    // The anomaly precedes the votes event of the poll that first listed the vote, and follows
    // the previous one.
    let first_anomaly = events
        .iter()
        .position(|e| matches!(e, Event::Anomaly { .. }))
        .unwrap();
    let revealing = events
        .iter()
        .position(|e| matches!(e, Event::Votes { total, .. } if *total > position))
        .unwrap();
    assert!(first_anomaly < revealing);
    let before = events[..first_anomaly]
        .iter()
        .filter(|e| matches!(e, Event::Votes { .. }))
        .count();
    let before_revealing = events[..revealing]
        .iter()
        .filter(|e| matches!(e, Event::Votes { .. }))
        .count();
    assert_eq!(before, before_revealing, "{events:?}");
    assert_eq!(new_sum(&events), n);
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_is_ridden_out() {
    let Live {
        world, id, pending, ..
    } = live_world("csp-ecdsa", 15, "READY", 5, None);
    let plan = FaultPlan::parse(&["503@first=12"]).unwrap();
    let server = sim::serve_local(&world, plan).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let n = pending.len() as u64;
    let (events, code) = collect(
        config(&server, &id, out.path(), false),
        |ev| total(ev) >= n,
        INTERVAL * 4,
    )
    .await;
    assert_eq!(code, None, "watch must not exit on an outage");
    assert!(errors(&events) >= 2, "{events:?}");
    assert_eq!(new_sum(&events), n, "{events:?}");
    assert!(anomalies(&events).is_empty(), "{events:?}");
    server.shutdown().await.unwrap();
}

#[rstest::rstest]
#[case::plain("approval")]
#[case::encrypted("overwrites")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn until_results_ends_with_the_tally_of_a_one_shot_audit(#[case] scenario: &str) {
    let Live {
        world, id, pending, ..
    } = live_world(scenario, 25, "RESULTS", 4, None);
    let distinct: std::collections::BTreeSet<String> = pending
        .iter()
        .map(|v| v.vote_id.to_ascii_lowercase())
        .collect();
    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let (events, code) = collect(
        config(&server, &id, out.path(), true),
        |ev| ev.iter().any(|e| matches!(e, Event::Final { .. })),
        DEADLINE,
    )
    .await;
    assert_eq!(new_sum(&events), distinct.len() as u64, "{events:?}");
    let Some(Event::Final {
        verdict,
        exit_code,
        tally,
        computed,
        report,
        ..
    }) = events.last()
    else {
        panic!("no final event last: {events:?}");
    };
    assert_eq!(code, Some(*exit_code));
    assert_eq!(*verdict, Verdict::Pass, "{events:?}");
    assert!(report.exists());
    assert!(tally.is_some());
    assert_eq!(tally, computed);

    let one_shot_dir = tempfile::tempdir().unwrap();
    let mut fetch = FetchConfig::new(
        Url::parse(&server.node_url()).unwrap(),
        Target::Election(id.clone()),
        one_shot_dir.path().join("bundle"),
    );
    fetch.quiet = true;
    fetch.ipfs_gateways = vec![Url::parse(&server.base_url()).unwrap()];
    let run = audit::audit(fetch, one_shot_dir.path(), &AuditOptions::default())
        .await
        .unwrap();
    assert_eq!(
        run.result.elections[0].tally.computed.as_ref(),
        tally.as_ref()
    );
    assert_eq!(
        world.elections[&id].election.result.as_ref(),
        tally.as_ref()
    );
    server.shutdown().await.unwrap();
}

fn position(events: &[Event], what: impl Fn(&Event) -> bool) -> usize {
    events
        .iter()
        .position(what)
        .unwrap_or_else(|| panic!("event not found: {events:?}"))
}

fn status_changes(events: &[Event]) -> Vec<(Option<String>, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::StatusChanged { from, to, .. } => Some((from.clone(), to.clone())),
            _ => None,
        })
        .collect()
}

fn result_changes(events: &[Event]) -> Vec<&Event> {
    events
        .iter()
        .filter(|e| matches!(e, Event::ResultChanged { .. }))
        .collect()
}

fn status(from: Option<&str>, to: &str) -> (Option<String>, String) {
    (from.map(str::to_string), to.to_string())
}

/// The node moves the election READY → ENDED → RESULTS after its last vote, and publishes a
/// provisional live result early then the final one: each transition is reported once, with
/// what it changed from, and nothing is reported again while the node stays put.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_result_changes_are_each_reported_once() {
    let mut live = live_world("csp-ecdsa", 12, "READY", 4, None);
    let result = live.result.clone().unwrap();
    let zeros: Vec<Vec<String>> = result
        .iter()
        .map(|row| vec!["0".to_string(); row.len()])
        .collect();
    live.live().stages = vec![
        LiveStage::at(StageTrigger::Revealed(4)).result(Some(zeros.clone())),
        LiveStage::at(StageTrigger::Reads(1)).status("ENDED"),
        LiveStage {
            final_results: Some(true),
            ..LiveStage::at(StageTrigger::Reads(1))
                .status("RESULTS")
                .result(Some(result.clone()))
        },
    ];
    let server = sim::serve_local(&live.world, FaultPlan::none())
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (events, code) = collect(
        config(&server, &live.id, out.path(), false),
        |ev| status_changes(ev).iter().any(|(_, to)| to == "RESULTS"),
        INTERVAL * 6,
    )
    .await;
    assert_eq!(code, None);
    assert_eq!(
        status_changes(&events),
        [
            status(None, "READY"),
            status(Some("READY"), "ENDED"),
            status(Some("ENDED"), "RESULTS"),
        ],
        "{events:?}"
    );
    // The provisional result arrives with the first votes (the tally then is partial), the
    // final one once every vote is counted.
    let changes: Vec<_> = result_changes(&events)
        .into_iter()
        .map(|e| match e {
            Event::ResultChanged {
                from, to, tally, ..
            } => (from.clone(), to.clone(), tally.clone()),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(changes.len(), 2, "{events:?}");
    assert_eq!(
        (&changes[0].0, &changes[0].1),
        (&None, &Some(zeros.clone()))
    );
    assert_ne!(changes[0].2.as_ref(), Some(&result), "a partial tally");
    assert_eq!(
        changes[1],
        (Some(zeros), Some(result.clone()), Some(result))
    );
    // ENDED comes with the poll that lists the last votes, RESULTS with the next one.
    let last_votes = events
        .iter()
        .rposition(|e| matches!(e, Event::Votes { .. }))
        .unwrap();
    let ended = position(
        &events,
        |e| matches!(e, Event::StatusChanged { to, .. } if to == "ENDED"),
    );
    assert_eq!(ended, last_votes + 1, "{events:?}");
    assert_eq!(new_sum(&events), live.pending.len() as u64);
    assert!(anomalies(&events).is_empty(), "{events:?}");
    assert_eq!(errors(&events), 0, "{events:?}");
    server.shutdown().await.unwrap();
}

/// The one `V-TALLY-01` anomaly of `events`: its cell, expected and actual values.
fn live_result_anomaly(events: &[Event]) -> ([usize; 2], String, String) {
    let found: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Anomaly { check, finding, .. } if check == "V-TALLY-01" => Some(finding),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{events:?}");
    let f = found[0];
    (
        f.location.cell.expect("the anomaly names its cell"),
        f.expected.clone().unwrap(),
        f.actual.clone().unwrap(),
    )
}

/// A live result with one cell off by one: the first poll after it appears (before the node's
/// next change, one read later) reports one anomaly at that cell with both values, and only once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_result_that_disagrees_is_an_anomaly_at_its_cell_within_one_interval() {
    let mut live = live_world("csp-ecdsa", 12, "READY", 4, Some("result-cell"));
    let tampered = live.result.clone().unwrap();
    let cell = live.tampered.as_ref().unwrap().cell.unwrap();
    live.live().stages = vec![
        LiveStage::at(StageTrigger::Reads(1)).result(Some(tampered.clone())),
        LiveStage::at(StageTrigger::Reads(2)).status("ENDED"),
    ];
    let server = sim::serve_local(&live.world, FaultPlan::none())
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (events, _) = collect(
        config(&server, &live.id, out.path(), false),
        |ev| status_changes(ev).iter().any(|(_, to)| to == "ENDED"),
        INTERVAL * 6,
    )
    .await;
    let (at, expected, actual) = live_result_anomaly(&events);
    assert_eq!(at, cell);
    let published: u64 = tampered[cell[0]][cell[1]].parse().unwrap();
    assert_eq!(actual, published.to_string());
    assert_eq!(expected, (published - 1).to_string());
    // Result appears (poll n), anomaly (poll n + 1), ENDED (poll n + 2).
    let appeared = position(
        &events,
        |e| matches!(e, Event::ResultChanged { to: Some(t), .. } if *t == tampered),
    );
    let anomaly = position(&events, |e| matches!(e, Event::Anomaly { .. }));
    let ended = position(
        &events,
        |e| matches!(e, Event::StatusChanged { to, .. } if to == "ENDED"),
    );
    assert!(appeared < anomaly && anomaly < ended, "{events:?}");
    server.shutdown().await.unwrap();
}

/// `--until-results` on an election whose final published result is tampered: the live
/// comparison finds the cell, and watch ends with the audit's exit status 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn until_results_exits_1_on_a_tampered_final_result() {
    let mut live = live_world("approval", 10, "READY", 5, Some("result-cell"));
    let tampered = live.result.clone().unwrap();
    let cell = live.tampered.as_ref().unwrap().cell.unwrap();
    live.live().stages = vec![LiveStage {
        final_results: Some(true),
        ..LiveStage::at(StageTrigger::Reads(1))
            .status("RESULTS")
            .result(Some(tampered.clone()))
    }];
    let server = sim::serve_local(&live.world, FaultPlan::none())
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (events, code) = collect(
        config(&server, &live.id, out.path(), true),
        |ev| ev.iter().any(|e| matches!(e, Event::Final { .. })),
        DEADLINE,
    )
    .await;
    assert_eq!(code, Some(1), "{events:?}");
    assert_eq!(live_result_anomaly(&events).0, cell);
    let Some(Event::Final {
        verdict,
        exit_code,
        tally,
        computed,
        ..
    }) = events.last()
    else {
        panic!("no final event last: {events:?}");
    };
    assert_eq!((*verdict, *exit_code), (Verdict::Fail, 1));
    assert_eq!(tally, computed);
    assert_ne!(tally.as_ref(), Some(&tampered));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap()).unwrap();
    let failed_at_cell = report["elections"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == "V-TALLY-01")
        .flat_map(|c| c["findings"].as_array().unwrap())
        .any(|f| f["location"]["cell"] == serde_json::json!(cell));
    assert!(failed_at_cell, "{report}");
    server.shutdown().await.unwrap();
}

/// Every envelope of an encrypted election with overwrites arrives live, sealed until the node
/// reveals the keys with its results: each vote id is reported once as new, each later envelope
/// seen in a later poll as an overwrite, the overwritten envelopes leave the running tally, the
/// sealed ballots are read once the keys are out, and the final tally is the one-shot audit's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_overwrites_replace_ballots_and_end_with_the_audit_tally() {
    const REVEAL: usize = 3;
    let mut world = sim::scenario("overwrites", 16, 7).unwrap();
    let id = world.elections.keys().next().unwrap().clone();
    let sim_election = world.elections.get_mut(&id).unwrap();
    let revealed_keys = sim_election.keys.clone().unwrap();
    let result = sim_election.election.result.clone().unwrap();
    if let Some(keys) = sim_election.keys.as_mut() {
        keys.private_keys.clear();
    }
    let pending = sim::envelopes_in_chain_order(&world, &id).unwrap();
    let e = world.elections.get_mut(&id).unwrap();
    e.votes.clear();
    e.election.vote_count = 0;
    e.election.status = "READY".into();
    e.election.result = None;
    e.election.final_results = false;
    e.live = Some(LiveVotes {
        pending: pending.clone(),
        reveal_per_list_request: REVEAL,
        stages: vec![LiveStage {
            final_results: Some(true),
            keys: Some(revealed_keys),
            ..LiveStage::at(StageTrigger::Reads(1))
                .status("RESULTS")
                .result(Some(result.clone()))
        }],
    });

    // What each poll sees: REVEAL more envelopes, the latest per vote id.
    let (mut seen, mut expect_new, mut expect_overwrites) = (Vec::new(), 0u64, 0u64);
    for batch in pending.chunks(REVEAL) {
        let mut ids: Vec<&str> = batch.iter().map(|v| v.vote_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        for vote_id in ids {
            if seen.contains(&vote_id) {
                expect_overwrites += 1;
            } else {
                seen.push(vote_id);
                expect_new += 1;
            }
        }
    }
    assert!(expect_overwrites > 0);

    let server = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let (events, code) = collect(
        config(&server, &id, out.path(), true),
        |ev| ev.iter().any(|e| matches!(e, Event::Final { .. })),
        DEADLINE,
    )
    .await;
    let overwrites: u64 = events
        .iter()
        .map(|e| match e {
            Event::Votes { overwrites, .. } => *overwrites,
            _ => 0,
        })
        .sum();
    assert_eq!(
        (new_sum(&events), overwrites),
        (expect_new, expect_overwrites),
        "{events:?}"
    );
    assert!(anomalies(&events).is_empty(), "{events:?}");
    let Some(Event::Final {
        tally, computed, ..
    }) = events.last()
    else {
        panic!("no final event last: {events:?}");
    };
    assert_eq!(code, Some(0), "{events:?}");
    assert_eq!(tally.as_ref(), Some(&result));
    assert_eq!(tally, computed);
    // The state keeps each voter's last envelope only.
    let state = WatchState::load_or_new(out.path(), &id).unwrap();
    let mut last = std::collections::BTreeMap::new();
    for v in &pending {
        last.insert(v.vote_id.to_ascii_lowercase(), v.block_height);
    }
    let kept: std::collections::BTreeMap<String, u64> = state
        .votes
        .iter()
        .map(|(n, v)| (n.clone(), v.height))
        .collect();
    assert_eq!(kept, last);

    let one_shot = tempfile::tempdir().unwrap();
    let mut fetch = FetchConfig::new(
        Url::parse(&server.node_url()).unwrap(),
        Target::Election(id.clone()),
        one_shot.path().join("bundle"),
    );
    fetch.quiet = true;
    let run = audit::audit(fetch, one_shot.path(), &AuditOptions::default())
        .await
        .unwrap();
    assert_eq!(
        run.result.elections[0].tally.computed.as_ref(),
        tally.as_ref()
    );
    server.shutdown().await.unwrap();
}

/// A final audit that can never succeed (the output directory holds a bundle of another node
/// URL) ends watch with an error instead of retrying forever; an outage would have been retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_final_audit_that_cannot_succeed_ends_the_watch() {
    let world = sim::scenario("csp-ecdsa", 6, 7).unwrap();
    let id = world.elections.keys().next().unwrap().clone();
    let first = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut fetch = FetchConfig::new(
        Url::parse(&first.node_url()).unwrap(),
        Target::Election(id.clone()),
        out.path().join("bundle"),
    );
    fetch.quiet = true;
    vocaudit::fetch::run(fetch).await.unwrap();
    first.shutdown().await.unwrap();

    let second = sim::serve_local(&world, FaultPlan::none()).await.unwrap();
    let mut emit = |_: &Event| {};
    let ended = timeout(
        DEADLINE,
        watch::watch(config(&second, &id, out.path(), true), &mut emit),
    )
    .await
    .expect("watch gave up instead of retrying forever");
    let err = ended.unwrap_err();
    assert!(matches!(err, watch::WatchError::Audit(_)), "{err}");
    assert!(err.to_string().contains("cannot resume"), "{err}");
    second.shutdown().await.unwrap();
}

/// The binary prints one JSON object per line, each with its `event`, and `--until-results`
/// exits with the audit's status (1: the published result is tampered).
#[test]
fn cli_prints_json_lines_and_exits_with_the_audit_status() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut world = sim::scenario("csp-ecdsa", 6, 7).unwrap();
    sim::apply_tamper(&mut world, "result-cell").unwrap();
    let id = world.elections.keys().next().unwrap().clone();
    let server = runtime
        .block_on(sim::serve_local(&world, FaultPlan::none()))
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_vocaudit"))
        .args(["watch", "--node", &server.node_url(), "--election", &id])
        .args(["--interval", "50ms", "--until-results", "--out"])
        .arg(out.path())
        .args(["--max-attempts", "2", "--timeout", "10"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let kinds: Vec<String> = String::from_utf8(run.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            event["event"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "votes",
            "status-changed",
            "result-changed",
            "anomaly",
            "final"
        ]
    );
    runtime.block_on(server.shutdown()).unwrap();
}

/// The `saas-csp` scenario's SaaS process (two questions, each its own election) served live as
/// `vocaudit sim serve --live` serves it, after `tamper`.
struct LiveProcess {
    world: World,
    process_id: String,
    /// The process's elections, in question order.
    elections: Vec<String>,
    /// Distinct vote ids still to arrive, per election.
    voters: std::collections::BTreeMap<String, u64>,
    /// Where the tamper was applied.
    tampered: Option<Location>,
}

fn live_process(votes: usize, reveal: usize, tamper: Option<&str>) -> LiveProcess {
    let mut world = sim::scenario("saas-csp", votes, 7).unwrap();
    let tampered = tamper.map(|t| sim::apply_tamper(&mut world, t).unwrap().location);
    sim::live::make_live(&mut world, reveal).unwrap();
    let (process_id, process) = world.saas_processes.iter().next().unwrap();
    let elections: Vec<String> = process
        .process
        .questions
        .iter()
        .map(|q| q.upstream_id.clone())
        .collect();
    let voters = elections
        .iter()
        .map(|id| {
            let pending = &world.elections[id].live.as_ref().unwrap().pending;
            let distinct: std::collections::BTreeSet<&str> =
                pending.iter().map(|v| v.vote_id.as_str()).collect();
            (id.clone(), distinct.len() as u64)
        })
        .collect();
    LiveProcess {
        process_id: process_id.clone(),
        world,
        elections,
        voters,
        tampered,
    }
}

fn process_config(
    server: &SimServer,
    process_id: &str,
    out: &Path,
    until_results: bool,
) -> WatchConfig {
    let node = Url::parse(&server.node_url()).unwrap();
    let saas = Url::parse(&server.saas_url()).unwrap();
    quick(
        WatchConfig::saas(node, saas, process_id, out),
        server,
        until_results,
    )
}

/// The election an event is about (`None` for an error not tied to one, or `final`).
fn election_of(event: &Event) -> Option<&str> {
    match event {
        Event::Votes { election_id, .. }
        | Event::Anomaly { election_id, .. }
        | Event::ResultChanged { election_id, .. }
        | Event::StatusChanged { election_id, .. } => Some(election_id),
        Event::Error { election_id, .. } => election_id.as_deref(),
        Event::Final { .. } => None,
    }
}

/// The events about election `id`.
fn of(events: &[Event], id: &str) -> Vec<Event> {
    events
        .iter()
        .filter(|e| election_of(e) == Some(id))
        .cloned()
        .collect()
}

/// Both questions of a live SaaS process are followed in one loop: every vote of each is reported
/// once as new under its own election id, each election goes READY → ENDED → RESULTS once, the
/// state is kept per election, and a restart reports nothing again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_vote_of_every_question_is_reported_once_under_its_election() {
    let live = live_process(14, 4, None);
    assert_eq!(live.elections.len(), 2);
    let server = sim::serve_local(&live.world, FaultPlan::none())
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let all_results = |ev: &[Event]| {
        ev.iter()
            .filter(|e| matches!(e, Event::StatusChanged { to, .. } if to == "RESULTS"))
            .count()
            == 2
    };
    let (events, code) = collect(
        process_config(&server, &live.process_id, out.path(), false),
        all_results,
        INTERVAL * 6,
    )
    .await;
    assert_eq!(code, None);
    assert!(anomalies(&events).is_empty(), "{events:?}");
    assert_eq!(errors(&events), 0, "{events:?}");
    for event in &events {
        let id = election_of(event).expect("every event names its election");
        assert!(live.elections.iter().any(|e| e == id), "{event:?}");
    }
    for id in &live.elections {
        let mine = of(&events, id);
        assert_eq!(
            (new_sum(&mine), total(&mine)),
            (live.voters[id], live.voters[id]),
            "{id}: {events:?}"
        );
        assert_eq!(
            status_changes(&mine),
            [
                status(None, "READY"),
                status(Some("READY"), "ENDED"),
                status(Some("ENDED"), "RESULTS"),
            ]
        );
        let path = watch::state::state_path(out.path(), Some(&live.process_id), id);
        let state = WatchState::load_at(&path, Some(&live.process_id), id).unwrap();
        assert_eq!(state.votes.len() as u64, live.voters[id]);
    }
    // Polls interleave: the second question's first votes come before the first's last ones.
    let votes_of = |id: &str| {
        events
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, Event::Votes { election_id, .. } if election_id == id))
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    let (first, second) = (votes_of(&live.elections[0]), votes_of(&live.elections[1]));
    assert!(first.len() > 1 && second[0] < first[first.len() - 1]);

    let (again, _) = collect(
        process_config(&server, &live.process_id, out.path(), false),
        |_| true,
        INTERVAL * 6,
    )
    .await;
    assert_eq!(new_sum(&again), 0, "{again:?}");
    assert!(status_changes(&again).is_empty(), "{again:?}");
    server.shutdown().await.unwrap();
}

/// A vote with a rogue CSP signature in one question: its anomalies name that election (in the
/// event and in the finding) and arrive in the poll that reveals the vote; the other question
/// stays clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anomaly_in_one_question_is_located_in_its_election() {
    let live = live_process(12, 3, Some("csp-signature"));
    let tampered = live.tampered.clone().unwrap();
    let (bad, vote_id) = (tampered.election_id.clone(), tampered.vote_id.unwrap());
    let pending = &live.world.elections[&bad].live.as_ref().unwrap().pending;
    let arrival = pending
        .iter()
        .position(|v| v.vote_id.eq_ignore_ascii_case(&vote_id))
        .unwrap() as u64;
    let server = sim::serve_local(&live.world, FaultPlan::none())
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let voters = live.voters.clone();
    let (events, _) = collect(
        process_config(&server, &live.process_id, out.path(), false),
        |ev| voters.iter().all(|(id, n)| total(&of(ev, id)) >= *n),
        INTERVAL * 4,
    )
    .await;
    let found = anomalies(&events);
    assert!(!found.is_empty(), "{events:?}");
    for a in &found {
        let Event::Anomaly {
            election_id,
            check,
            finding,
            ..
        } = a
        else {
            unreachable!()
        };
        assert_eq!(election_id, &bad);
        assert_eq!(finding.location.election_id, bad);
        assert_eq!(finding.location.vote_id.as_deref(), Some(vote_id.as_str()));
        assert!(check.starts_with("V-"), "{check}");
    }
    let mine = of(&events, &bad);
    let first_anomaly = position(&mine, |e| matches!(e, Event::Anomaly { .. }));
    let revealing = position(
        &mine,
        |e| matches!(e, Event::Votes { total, .. } if *total > arrival),
    );
    let votes_before = |upto: usize| {
        mine[..upto]
            .iter()
            .filter(|e| matches!(e, Event::Votes { .. }))
            .count()
    };
    assert!(first_anomaly < revealing);
    assert_eq!(votes_before(first_anomaly), votes_before(revealing));
    for id in live.elections.iter().filter(|id| **id != bad) {
        assert_eq!(new_sum(&of(&events, id)), live.voters[id]);
    }
    server.shutdown().await.unwrap();
}

/// `until_results` on a process ends once both questions have results, with the audit of the
/// whole process: the same verdict, exit status, checks and tallies as a one-shot `audit --saas
/// --process`, including the SaaS ↔ chain cross-check a tampered SaaS result fails.
#[rstest::rstest]
#[case::clean(None, Verdict::Pass)]
#[case::saas_results_differ(Some("saas-results"), Verdict::Fail)]
#[case::saas_census_below_voters(Some("saas-census-size"), Verdict::Fail)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn until_results_on_a_process_ends_with_the_verdict_of_a_one_shot_audit(
    #[case] tamper: Option<&str>,
    #[case] expected: Verdict,
) {
    let live = live_process(10, 4, tamper);
    let server = sim::serve_local(&live.world, FaultPlan::none())
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (events, code) = collect(
        process_config(&server, &live.process_id, out.path(), true),
        |ev| ev.iter().any(|e| matches!(e, Event::Final { .. })),
        DEADLINE,
    )
    .await;
    let Some(Event::Final {
        verdict,
        exit_code,
        process_id,
        tally,
        elections,
        report,
        ..
    }) = events.last()
    else {
        panic!("no final event last: {events:?}");
    };
    assert_eq!((*verdict, code), (expected, Some(*exit_code)), "{events:?}");
    assert_eq!(process_id.as_deref(), Some(live.process_id.as_str()));
    assert_eq!(tally, &None, "a process has one tally per election");
    let ids: Vec<&str> = elections.iter().map(|e| e.election_id.as_str()).collect();
    assert_eq!(ids, live.elections);
    for e in elections {
        assert!(e.tally.is_some());
        assert_eq!(e.tally, e.computed, "{}", e.election_id);
    }
    let watched: AuditResult = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();

    let one_shot = tempfile::tempdir().unwrap();
    let mut fetch = FetchConfig::new(
        Url::parse(&server.node_url()).unwrap(),
        Target::Saas {
            base: Url::parse(&server.saas_url()).unwrap(),
            process_id: live.process_id.clone(),
            bundle_id: None,
        },
        one_shot.path().join("bundle"),
    );
    fetch.quiet = true;
    fetch.ipfs_gateways = vec![Url::parse(&server.base_url()).unwrap()];
    let run = audit::audit(fetch, one_shot.path(), &AuditOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (run.result.verdict, run.result.exit_code()),
        (*verdict, *exit_code)
    );
    assert_eq!(checks_of(&watched), checks_of(&run.result));
    assert!(!watched.checks.is_empty(), "the process-level checks ran");
    // A tampered process fails at the same located cells in both (the SaaS route and JSON path,
    // or the question's election), with the same words.
    let failures = failures_of(&watched);
    assert_eq!(failures, failures_of(&run.result));
    assert_eq!(
        failures.is_empty(),
        expected == Verdict::Pass,
        "{failures:?}"
    );
    let computed: Vec<_> = run
        .result
        .elections
        .iter()
        .map(|e| (e.election_id.as_str(), e.tally.computed.clone()))
        .collect();
    let watched_tallies: Vec<_> = elections
        .iter()
        .map(|e| (e.election_id.as_str(), e.tally.clone()))
        .collect();
    assert_eq!(watched_tallies, computed);
    server.shutdown().await.unwrap();
}

/// Every finding of a failed check, with its check id and where it is.
fn failures_of(result: &AuditResult) -> Vec<(String, String, String)> {
    let checks = result
        .checks
        .iter()
        .chain(result.elections.iter().flat_map(|e| e.checks.iter()));
    checks
        .filter(|c| c.status == Status::Fail)
        .flat_map(|c| {
            c.findings.iter().map(|f| {
                let location = serde_json::to_string(&f.location).expect("location");
                (c.id.clone(), location, f.message.clone())
            })
        })
        .collect()
}

/// Each check's status, process-level ones first then per election.
fn checks_of(result: &AuditResult) -> Vec<(String, String, Status)> {
    let process = result
        .checks
        .iter()
        .map(|c| (String::new(), c.id.clone(), c.status));
    let elections = result.elections.iter().flat_map(|e| {
        e.checks
            .iter()
            .map(|c| (e.election_id.clone(), c.id.clone(), c.status))
    });
    process.chain(elections).collect()
}

/// `--election` and `--saas`/`--process` are exclusive, and `--saas` needs `--process`: clap
/// refuses either with exit status 2 before anything is fetched.
#[rstest::rstest]
#[case::both(&["--election", &"ab".repeat(32), "--saas", "http://127.0.0.1:9/saas", "--process", "0a0a"], "cannot be used with")]
#[case::saas_without_process(&["--saas", "http://127.0.0.1:9/saas"], "--process")]
#[case::neither(&[], "--election")]
fn cli_refuses_an_election_and_a_process_together(#[case] args: &[&str], #[case] says: &str) {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_vocaudit"))
        .args(["watch", "--node", "http://127.0.0.1:9/v2"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains(says), "{stderr}");
    assert!(run.stdout.is_empty());
}

/// The README's two commands: `sim serve --live` serves the SaaS process live, and `watch --saas
/// --process --until-results` follows both questions to the audit's exit status 0, every line a
/// JSON event naming one of the printed elections, the bearer token never shown.
#[test]
fn cli_watches_a_live_process_served_by_sim_serve_live() {
    use std::io::{BufRead, BufReader};
    /// The server process, stopped however the test ends.
    struct Served(std::process::Child);
    impl Drop for Served {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut served = Served(
        std::process::Command::new(env!("CARGO_BIN_EXE_vocaudit"))
            .args(["sim", "serve", "--scenario", "saas-csp", "--votes", "8"])
            .args(["--live", "3"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(served.0.stdout.take().unwrap()).lines();
    let (mut urls, mut elections, mut process) = (Vec::new(), Vec::new(), None);
    while process.is_none() {
        let line = lines.next().expect("sim serve printed its URLs").unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [_, url] => urls.push(url.to_string()),
            ["election", id, "(live:", ..] => elections.push(id.to_string()),
            ["saas", "process", id] => process = Some(id.to_string()),
            _ => panic!("unexpected line {line:?}"),
        }
    }
    let [node, saas, ipfs] = urls.as_slice() else {
        panic!("{urls:?}")
    };
    let out = tempfile::tempdir().unwrap();
    let token = "vsk_watch-test-token-never-shown";
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_vocaudit"))
        .args(["watch", "--node", node, "--saas", saas])
        .args(["--process", process.as_deref().unwrap()])
        .args([
            "--interval",
            "50ms",
            "--until-results",
            "--ipfs-gateway",
            ipfs,
        ])
        .args(["--max-attempts", "2", "--timeout", "10", "--out"])
        .arg(out.path())
        .env("VOCAUDIT_SAAS_TOKEN", token)
        .output()
        .unwrap();
    drop(served);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(!stdout.contains(token) && !String::from_utf8_lossy(&run.stderr).contains(token));
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let (last, before) = events.split_last().unwrap();
    assert_eq!(last["event"], "final");
    assert_eq!(last["processId"].as_str(), process.as_deref());
    for event in before {
        let id = event["electionId"].as_str().unwrap();
        assert!(elections.iter().any(|e| e == id), "{event}");
    }
    for id in &elections {
        assert!(before
            .iter()
            .any(|e| e["event"] == "votes" && e["electionId"] == id.as_str()));
    }
    assert!(out.path().join("report.json").exists());
}
