//! A monitoring script built on the library: follow an election with `vocaudit::watch` and raise
//! an alert on every anomaly, as an observer's script would (page someone, post to a channel…).
//!
//!     cargo run --example monitor -- --node https://api.vocdoni.io/v2 --election <id>
//!
//! Without arguments it watches a simulated election on a loopback node in which one vote was
//! signed by the wrong key, so the alert path can be seen without a live election.

use std::time::Duration;

use vocaudit::sim::{self, FaultPlan};
use vocaudit::watch::{self, Event, WatchConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    // A simulated election unless a real one is named; the server must outlive the watch.
    let (node, election, gateway, server) = match (flag("--node"), flag("--election")) {
        (Some(node), Some(election)) => (node, election, None, None),
        _ => {
            let mut world = sim::scenario("approval", 30, 1)?;
            sim::apply_tamper(&mut world, "voter-signature")?;
            let server = sim::serve_local(&world, FaultPlan::none()).await?;
            let election = world.elections.keys().next().cloned().unwrap_or_default();
            // The loopback node also serves the census the final audit needs from IPFS.
            let gateway = Some(server.base_url());
            (server.node_url(), election, gateway, Some(server))
        }
    };
    // A bundle belongs to one node URL: a simulated node gets a fresh directory per run.
    let out = match &server {
        Some(_) => std::env::temp_dir().join(format!("vocaudit-monitor-{}", std::process::id())),
        None => std::env::temp_dir().join(format!("vocaudit-monitor-{election}")),
    };
    let mut config = WatchConfig::new(node.parse()?, &election, out);
    config.interval = Duration::from_secs(2);
    config.until_results = true;
    if let Some(gateway) = gateway {
        config.ipfs_gateways = vec![gateway.parse()?];
    }
    let mut alerts = 0u32;
    let mut on_event = |event: &Event| match event {
        Event::Anomaly { check, finding, .. } => {
            alerts += 1;
            eprintln!(
                "ALERT {check}: {} (vote {})",
                finding.message,
                finding.location.vote_id.as_deref().unwrap_or("-")
            );
        }
        Event::Votes { total, .. } => println!("{total} votes checked so far"),
        Event::Final { verdict, .. } => println!("final verdict: {verdict:?}"),
        Event::Error { message, .. } => eprintln!("node trouble, retrying: {message}"),
        _ => {}
    };
    let code = watch::watch(config, &mut on_event).await?;
    println!("{alerts} alert(s); audit exit status {code}");
    Ok(())
}
