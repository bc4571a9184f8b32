//! Watch mode against a loopback node with a live election (`sim::LiveVotes`): every vote is
//! reported once, a tampered vote raises an anomaly in the poll that reveals it, an outage is
//! ridden out, a restart continues from the state file, and `until_results` ends with the same
//! tally as a one-shot audit.

use std::path::Path;
use std::time::Duration;

use reqwest::Url;
use tokio::sync::mpsc;
use tokio::time::{timeout, Instant};

use vocaudit::api::node::VoteDetail;
use vocaudit::audit::{self, AuditOptions};
use vocaudit::fetch::http::HttpConfig;
use vocaudit::fetch::{FetchConfig, Target};
use vocaudit::sim::{self, FaultPlan, LiveVotes, SimServer, World};
use vocaudit::verify::result::{Location, Verdict};
use vocaudit::watch::{self, state::WatchState, Event, WatchConfig};

const INTERVAL: Duration = Duration::from_millis(50);
/// Upper bound of any test's wait, far above what it needs.
const DEADLINE: Duration = Duration::from_secs(60);

/// A scenario whose single election turns live: no vote visible at first, `reveal` more per
/// vote-list request, in height order.
fn live_world(
    scenario: &str,
    votes: usize,
    status: &str,
    reveal: usize,
    tamper: Option<&str>,
) -> (World, String, Vec<VoteDetail>, Option<Location>) {
    let mut world = sim::scenario(scenario, votes, 7).unwrap();
    let applied = tamper.map(|t| sim::apply_tamper(&mut world, t).unwrap().location);
    let (id, election) = world.elections.iter_mut().next().unwrap();
    let mut pending = std::mem::take(&mut election.votes);
    pending.sort_by_key(|v| (v.block_height, v.transaction_index));
    election.election.vote_count = 0;
    election.election.status = status.to_string();
    if status != "RESULTS" {
        election.election.result = None;
    }
    election.live = Some(LiveVotes {
        pending: pending.clone(),
        reveal_per_list_request: reveal,
        ..LiveVotes::default()
    });
    let id = id.clone();
    (world, id, pending, applied)
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
    let (world, id, pending, _) = live_world("csp-ecdsa", 30, "READY", 4, None);
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
    let (world, id, pending, tampered) =
        live_world("csp-ecdsa", 20, "READY", 3, Some("voter-signature"));
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
    let (world, id, pending, _) = live_world("csp-ecdsa", 15, "READY", 5, None);
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
    let (world, id, pending, _) = live_world(scenario, 25, "RESULTS", 4, None);
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
