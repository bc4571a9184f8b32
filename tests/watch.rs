//! Watch mode against a loopback node with a live election (`sim::LiveVotes`): every vote is
//! reported once, a tampered vote raises an anomaly in the poll that reveals it, an outage is
//! ridden out, a restart continues from the state file, status and result changes are reported
//! once each, a live result that disagrees is located at its cell within one poll, overwrites
//! replace ballots (sealed ones are read once the keys are revealed), and `until_results` ends
//! with the audit's exit status and the tally of a one-shot audit.

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
use vocaudit::verify::result::{Location, Verdict};
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
    WatchConfig {
        node: Url::parse(&server.node_url()).unwrap(),
        election: id.to_string(),
        interval: INTERVAL,
        until_results,
        out: out.to_path_buf(),
        http: quick_http(),
        ipfs_gateways: vec![Url::parse(&server.base_url()).unwrap()],
        audit: AuditOptions {
            sign_with: None,
            generated_at: Some("2026-06-01T12:00:00Z".into()),
        },
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
            Event::StatusChanged { from, to } => Some((from.clone(), to.clone())),
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
            Event::ResultChanged { from, to, tally } => (from.clone(), to.clone(), tally.clone()),
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
