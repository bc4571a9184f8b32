//! `vocaudit watch`: follow a live election (or a SaaS process) as JSON lines.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use reqwest::Url;
use tokio::runtime::Runtime;

use vocaudit::audit::AuditOptions;
use vocaudit::watch;

use super::args::{HttpArgs, TargetArgs, ZkKeyArgs};

#[derive(Args)]
pub struct Watch {
    /// The election, or with --saas/--process every election (question) of a SaaS process.
    #[command(flatten)]
    target: TargetArgs,
    /// Pause between polls, e.g. 30s, 500ms, 2m.
    #[arg(long, default_value = "30s", value_parser = parse_interval)]
    interval: Duration,
    /// Stop once the election has results: run the full audit into DIR and exit with its
    /// status.
    #[arg(long)]
    until_results: bool,
    /// Directory for watch-state.json (resumed on restart) and the final audit.
    #[arg(long, default_value = "vocaudit-watch")]
    out: PathBuf,
    /// Path-style IPFS gateway base for the final audit; repeatable.
    #[arg(long = "ipfs-gateway")]
    ipfs_gateways: Vec<Url>,
    /// Retries and timeout within one poll (a failed poll is retried next interval).
    #[command(flatten)]
    http: HttpArgs,
    #[command(flatten)]
    zk: ZkKeyArgs,
}

impl Watch {
    pub fn run(self, runtime: &Runtime) -> Result<u8, String> {
        let (kind, token) = self.target.target()?;
        let config = watch::WatchConfig {
            node: self.target.node,
            target: kind,
            token,
            interval: self.interval,
            until_results: self.until_results,
            out: self.out,
            http: self.http.config(),
            ipfs_gateways: self.ipfs_gateways,
            audit: AuditOptions {
                circuits: self.zk.circuits()?,
                ..AuditOptions::default()
            },
        };
        let mut print = |event: &watch::Event| match serde_json::to_string(event) {
            Ok(line) => {
                let mut stdout = std::io::stdout().lock();
                // Whoever read the events is gone (a closed pipe): the watch cannot go on.
                if writeln!(stdout, "{line}")
                    .and_then(|()| stdout.flush())
                    .is_err()
                {
                    std::process::exit(2);
                }
            }
            Err(e) => eprintln!("vocaudit: {e}"),
        };
        let code = runtime
            .block_on(watch::watch(config, &mut print))
            .map_err(|e| e.to_string())?;
        Ok(u8::try_from(code).unwrap_or(2))
    }
}

/// A poll interval: an integer with unit ms, s or m.
fn parse_interval(s: &str) -> Result<Duration, String> {
    let (number, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{s:?}: expected an integer with unit ms, s or m (e.g. 30s)"))?;
    let interval = match unit {
        "ms" => Duration::from_millis(n),
        "s" | "" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        _ => {
            return Err(format!(
                "{s:?}: unknown unit {unit:?} (expected ms, s or m)"
            ))
        }
    };
    if interval.is_zero() {
        return Err("the interval must be positive".into());
    }
    Ok(interval)
}
