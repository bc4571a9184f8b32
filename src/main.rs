//! The `vocaudit` command: parse flags, call the library, map the outcome to an exit status
//! (0 every check passed, 1 a check failed, 2 the audit could not be completed).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use reqwest::Url;

use vocaudit::audit::{self, AuditOptions, AuditRun};
use vocaudit::fetch::http::{HttpClient, HttpConfig, Secret};
use vocaudit::fetch::{self, FetchConfig, Target};
use vocaudit::receipt;
use vocaudit::report;
use vocaudit::sim;
use vocaudit::verify::result::AuditResult;
use vocaudit::watch;

#[derive(Parser)]
#[command(
    name = "vocaudit",
    version,
    about = "Independent verifier of Vocdoni (Vochain) election results",
    long_about = "Fetches what a Vocdoni node, the SaaS API and IPFS publish about an election into an \
evidence bundle, recomputes the tally and checks every ballot, proof, signature, nullifier, \
transaction hash and timing rule, and reports every discrepancy with its location.\n\n\
Exit status: 0 every check passed, 1 at least one check failed, 2 the audit could not be completed."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch, verify and report in one go: writes DIR/bundle/, DIR/report.json, DIR/report.html
    /// and DIR/charts/.
    Audit {
        #[command(flatten)]
        source: SourceArgs,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Fetch everything an audit needs into an evidence bundle (resumes a partial one).
    Fetch {
        #[command(flatten)]
        source: SourceArgs,
        /// Bundle directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify a bundle offline and write the reports into DIR.
    Verify {
        /// Bundle directory written by `vocaudit fetch` (or DIR/bundle of an audit).
        bundle: PathBuf,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Re-render every format from a report.json (or an audit directory holding one), without
    /// re-verifying.
    Report {
        /// A report.json, or a directory containing report.json.
        input: PathBuf,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Run the whole job on the embedded sample election (a loopback node in this process).
    Demo {
        /// Output directory.
        #[arg(long, default_value = "vocaudit-demo")]
        out: PathBuf,
        /// No progress output.
        #[arg(long)]
        quiet: bool,
    },
    /// Synthetic elections and the loopback node.
    #[command(subcommand)]
    Sim(SimCommand),
    /// Create a minisign key pair for signing summaries (vocaudit.key, vocaudit.pub).
    Keygen {
        /// Directory for the key files.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Sign FILE with a minisign secret key, writing FILE.minisig.
    Sign {
        file: PathBuf,
        /// Secret key written by `vocaudit keygen`.
        #[arg(long)]
        key: PathBuf,
    },
    /// Check FILE against FILE.minisig and a public key: exit 0 valid, 1 the signature does not
    /// verify, 2 a file cannot be read.
    VerifySummary {
        file: PathBuf,
        /// Public key (vocaudit.pub or any minisign public key file).
        #[arg(long = "pub")]
        public_key: PathBuf,
    },
    /// Check one vote was counted as cast: where it is on chain, whether it is the voter's last
    /// envelope, its ballot, its signature/nullifier/tx-hash checks and what it adds to the
    /// tally. Exit 0 counted, 1 not counted (or a check failed, or no such vote), 2 the node
    /// cannot be reached or the input is malformed.
    Receipt {
        /// Node API base including its version path, e.g. https://api.vocdoni.io/v2
        #[arg(long)]
        node: Url,
        /// Vochain election id (64 hex).
        #[arg(long)]
        election: String,
        /// The vote id (nullifier, 64 hex).
        #[arg(long, conflicts_with = "address", required_unless_present = "address")]
        vote_id: Option<String>,
        /// The voter's address (40 hex); the vote id is keccak256(address ‖ electionId).
        #[arg(long)]
        address: Option<String>,
        /// What to print on standard output.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        http: HttpArgs,
    },
    /// Follow a live election, or every election of a SaaS process: print one JSON object per
    /// line for new votes, anomalies, status and result changes; with --until-results, end with
    /// a full audit (of the whole process) and its exit status.
    Watch {
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
    },
    /// Measure the protocol primitives, each against a bound measured in the same run.
    #[command(args_conflicts_with_subcommands = true)]
    Bench {
        #[command(subcommand)]
        mode: Option<BenchMode>,
        /// Census size for the arbo root measurement.
        #[arg(long, default_value_t = 1_000_000)]
        leaves: usize,
    },
}

#[derive(Subcommand)]
enum BenchMode {
    /// Time `load + verify` of a generated election's bundle against the protocol's own cost.
    Verify {
        /// Scenario (see `vocaudit sim list`).
        #[arg(long, default_value = "csp-ecdsa")]
        scenario: String,
        /// Votes per election.
        #[arg(long, default_value_t = 100_000)]
        votes: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Rayon pool sizes to time, e.g. `1,2`.
        #[arg(long, value_delimiter = ',', default_values_t = [1, 2])]
        threads: Vec<usize>,
        /// Where the built bundles are kept between runs.
        #[arg(long, default_value = "vocaudit-bench-cache")]
        cache: PathBuf,
        /// No fetch progress output.
        #[arg(long)]
        quiet: bool,
    },
}

#[derive(Subcommand)]
enum SimCommand {
    /// List the scenarios and tampers.
    List,
    /// Serve a scenario on loopback until interrupted; prints the URLs when ready.
    Serve {
        #[arg(long)]
        scenario: String,
        /// Votes per election.
        #[arg(long, default_value_t = 100)]
        votes: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Port on 127.0.0.1 (0 = any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Fault rule `[SCOPE:]KIND[=VALUE][@TRIGGER]`, e.g. `votes:429@every=5` or a hostile
        /// answer such as `vote:equivocate=weight` (repeatable; see README "Hostile nodes").
        #[arg(long = "fault")]
        faults: Vec<String>,
        /// Named defect to inject (see `vocaudit sim list`; repeatable).
        #[arg(long = "tamper")]
        tampers: Vec<String>,
        /// Serve every election live, for `vocaudit watch`: N more votes appear per vote-list
        /// request (default 5), then the election moves READY → ENDED → RESULTS.
        #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "5",
              value_parser = clap::value_parser!(u64).range(1..))]
        live: Option<u64>,
    },
}

/// Which election, and where it is published.
#[derive(Args)]
struct TargetArgs {
    /// Node API base including its version path, e.g. https://api.vocdoni.io/v2
    #[arg(long)]
    node: Url,
    /// Vochain election id (64 hex).
    #[arg(long, conflicts_with_all = ["saas", "process"], required_unless_present = "saas")]
    election: Option<String>,
    /// SaaS API base (routes such as /processes/{id} are appended).
    #[arg(long, requires = "process")]
    saas: Option<Url>,
    /// SaaS process id (24 hex).
    #[arg(long, requires = "saas")]
    process: Option<String>,
    /// File holding the SaaS bearer token (else VOCAUDIT_SAAS_TOKEN). Never printed or stored.
    #[arg(long)]
    saas_token_file: Option<PathBuf>,
}

/// Where the election is published, and how to fetch it.
#[derive(Args)]
struct SourceArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Path-style IPFS gateway base ({base}/ipfs/{cid}); repeatable, tried in order.
    #[arg(long = "ipfs-gateway")]
    ipfs_gateways: Vec<Url>,
    /// Requests in flight at most.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    #[command(flatten)]
    http: HttpArgs,
    /// Vote details to read a second time, to catch a node that answers differently
    /// (equivocation, check V-BUNDLE-04); 0 re-reads none [default: 2% of the votes, at least
    /// 16].
    #[arg(long, value_name = "N")]
    reread: Option<usize>,
    /// No progress output (for scripts).
    #[arg(long)]
    quiet: bool,
}

/// How each HTTP request is retried and timed out (every command that talks to a node).
#[derive(Args)]
struct HttpArgs {
    /// Attempts per request, the first included, with backoff between them [default: 6].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    max_attempts: Option<u32>,
    /// Seconds one attempt may take, connecting included [default: 60].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    timeout: Option<u64>,
}

impl HttpArgs {
    /// Sets what was given on the command line in `config`.
    fn apply(&self, config: &mut HttpConfig) {
        if let Some(attempts) = self.max_attempts {
            config.max_attempts = attempts;
        }
        if let Some(seconds) = self.timeout {
            config.timeout = Duration::from_secs(seconds);
            config.connect_timeout = config.connect_timeout.min(config.timeout);
        }
    }

    /// The default transport settings with what was given on the command line.
    fn config(&self) -> HttpConfig {
        let mut config = HttpConfig::default();
        self.apply(&mut config);
        config
    }
}

/// How results are shown and signed.
#[derive(Args)]
struct OutputArgs {
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Sign summary.json with this minisign secret key (from `vocaudit keygen`).
    #[arg(long)]
    sign_key: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Tables for a person.
    Text,
    /// JSON: report.json (the receipt itself for `receipt`).
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("vocaudit: {message}");
            ExitCode::from(2)
        }
    }
}

/// Diagnostics (retries, refused redirects, phase timings) go to standard error, filtered by
/// `VOCAUDIT_LOG` in `tracing`'s env-filter syntax (`info` shows each phase's wall time);
/// warnings only by default, so scripts reading standard output are never disturbed.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VOCAUDIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Runs one command; `Err` is a message for an exit status of 2.
fn run(command: Command) -> Result<u8, String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    match command {
        Command::Audit {
            source,
            out,
            output,
        } => {
            let config = fetch_config(&source, out.join("bundle"))?;
            let run = runtime
                .block_on(audit::audit(config, &out, &options(&output)))
                .map_err(|e| e.to_string())?;
            Ok(show(&run, output.format))
        }
        Command::Fetch { source, out } => {
            let config = fetch_config(&source, out)?;
            let summary = runtime
                .block_on(fetch::run(config))
                .map_err(|e| e.to_string())?;
            println!(
                "bundle {} ({} elections, {} gaps, manifest sha256 {})",
                summary.out.display(),
                summary.elections.len(),
                summary.gaps.len(),
                hex::encode(summary.manifest_sha256)
            );
            Ok(0)
        }
        Command::Verify {
            bundle,
            out,
            output,
        } => {
            let run = audit::verify_bundle(&bundle, &out, &options(&output))
                .map_err(|e| e.to_string())?;
            Ok(show(&run, output.format))
        }
        Command::Report { input, out, output } => {
            let path = if input.is_dir() {
                input.join("report.json")
            } else {
                input
            };
            let result = read_report(&path)?;
            let rendered = report::render_all(
                &result,
                &out,
                &report::RenderOptions {
                    sign_with: output.sign_key.clone(),
                },
            )
            .map_err(|e| e.to_string())?;
            Ok(show(&AuditRun { result, rendered }, output.format))
        }
        Command::Demo { out, quiet } => {
            let parts = runtime
                .block_on(audit::demo(&out, quiet))
                .map_err(|e| e.to_string())?;
            let mut code = 0;
            for part in &parts {
                println!("== {} ({})", part.name, out.join(part.name).display());
                code = code.max(show(&part.run, Format::Text));
            }
            Ok(code)
        }
        Command::Sim(cmd) => runtime.block_on(sim_command(cmd)),
        Command::Keygen { dir } => {
            let keys = report::keygen(&dir).map_err(|e| e.to_string())?;
            println!("secret key: {}", keys.secret_key.display());
            println!("public key: {}", keys.public_key.display());
            Ok(0)
        }
        Command::Sign { file, key } => {
            let sig = report::sign(&file, &key).map_err(|e| e.to_string())?;
            println!("{}", sig.display());
            Ok(0)
        }
        Command::VerifySummary { file, public_key } => {
            match report::verify_summary(&file, &public_key) {
                Ok(v) => {
                    println!("signature OK: {}", v.trusted_comment);
                    Ok(0)
                }
                // A file that cannot be read is an incomplete check (2); a signature that does
                // not verify, or a key that does not load, is a failed one (1).
                Err(e @ report::ReportError::Read { .. }) => Err(e.to_string()),
                Err(e) => {
                    eprintln!("vocaudit: {e}");
                    Ok(1)
                }
            }
        }
        Command::Receipt {
            node,
            election,
            vote_id,
            address,
            format,
            http,
        } => {
            let vote = match (vote_id, address) {
                (Some(id), _) => receipt::VoteRef::VoteId(id),
                (None, Some(a)) => receipt::VoteRef::Address(a),
                (None, None) => return Err("give --vote-id HEX or --address HEX".into()),
            };
            let client = HttpClient::new(http.config()).map_err(|e| e.to_string())?;
            match runtime.block_on(receipt::check_with(&client, node.as_str(), &election, vote)) {
                Ok(r) => {
                    match format {
                        Format::Text => print!("{r}"),
                        Format::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(&r).map_err(|e| e.to_string())?
                        ),
                    }
                    Ok(r.exit_code())
                }
                Err(e) if e.exit_code() == 1 => {
                    eprintln!("vocaudit: {e}");
                    Ok(1)
                }
                Err(e) => Err(e.to_string()),
            }
        }
        Command::Watch {
            target,
            interval,
            until_results,
            out,
            ipfs_gateways,
            http,
        } => {
            let (kind, token) = fetch_target(&target)?;
            let config = watch::WatchConfig {
                node: target.node,
                target: kind,
                token,
                interval,
                until_results,
                out,
                http: http.config(),
                ipfs_gateways,
                audit: AuditOptions::default(),
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
        Command::Bench { mode: None, leaves } => {
            for line in vocaudit::bench::run(leaves) {
                println!("{line}");
            }
            Ok(0)
        }
        Command::Bench {
            mode:
                Some(BenchMode::Verify {
                    scenario,
                    votes,
                    seed,
                    threads,
                    cache,
                    quiet,
                }),
            ..
        } => {
            let report = runtime
                .block_on(vocaudit::bench::verify::run(
                    &scenario, votes, seed, &cache, &threads, quiet,
                ))
                .map_err(|e| e.to_string())?;
            print!("{report}");
            Ok(0)
        }
    }
}

fn options(output: &OutputArgs) -> AuditOptions {
    AuditOptions {
        sign_with: output.sign_key.clone(),
        generated_at: None,
    }
}

/// Prints the result as asked and returns its exit status.
fn show(run: &AuditRun, format: Format) -> u8 {
    match format {
        Format::Json => match report::to_json_pretty(&run.result) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("vocaudit: {e}"),
        },
        Format::Text => {
            let color = std::io::stdout().is_terminal();
            print!("{}", report::render_terminal(&run.result, color));
            println!("report: {}", run.rendered.report_html.display());
            println!("json:   {}", run.rendered.report_json.display());
            let r = &run.rendered;
            let exports = [
                Some(&r.results_csv),
                r.votes_csv.as_ref(),
                Some(&r.results_nist),
            ];
            for path in exports.into_iter().flatten() {
                println!("export: {}", path.display());
            }
            if let Some((summary, sig)) = &run.rendered.summary {
                println!("signed: {} ({})", summary.display(), sig.display());
            }
        }
    }
    run.result.exit_code() as u8
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

fn read_report(path: &Path) -> Result<AuditResult, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{}: not a report.json: {e}", path.display()))
}

/// The target the flags name, and the SaaS bearer token when it is a SaaS process.
fn fetch_target(args: &TargetArgs) -> Result<(Target, Option<Secret>), String> {
    match (&args.election, &args.saas, &args.process) {
        (Some(id), None, None) => Ok((Target::Election(id.clone()), None)),
        (None, Some(base), Some(process_id)) => {
            let target = Target::Saas {
                base: base.clone(),
                process_id: process_id.clone(),
                bundle_id: None,
            };
            Ok((target, saas_token(args)?))
        }
        _ => Err("give either --election ID or --saas URL --process ID".into()),
    }
}

fn fetch_config(source: &SourceArgs, out: PathBuf) -> Result<FetchConfig, String> {
    let (target, token) = fetch_target(&source.target)?;
    let mut config = FetchConfig::new(source.target.node.clone(), target, out);
    if !source.ipfs_gateways.is_empty() {
        config.ipfs_gateways = source.ipfs_gateways.clone();
    }
    config.concurrency = source.concurrency.max(1);
    source.http.apply(&mut config.http);
    config.reread = source.reread;
    config.quiet = source.quiet;
    config.token = token;
    Ok(config)
}

/// The SaaS bearer token from `--saas-token-file` or `VOCAUDIT_SAAS_TOKEN`.
fn saas_token(args: &TargetArgs) -> Result<Option<Secret>, String> {
    if let Some(path) = &args.saas_token_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading the SaaS token file {}: {e}", path.display()))?;
        return Ok(Some(Secret::new(text.trim())));
    }
    Ok(std::env::var("VOCAUDIT_SAAS_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| Secret::new(t.trim())))
}

async fn sim_command(cmd: SimCommand) -> Result<u8, String> {
    match cmd {
        SimCommand::List => {
            println!("scenarios:");
            for s in sim::scenario::scenarios() {
                println!("  {:<20} {}", s.name, s.description);
            }
            println!("tampers:");
            for t in sim::tamper::tampers() {
                println!(
                    "  {:<28} [{}] {}",
                    t.name,
                    t.category.as_str(),
                    t.description
                );
            }
            Ok(0)
        }
        SimCommand::Serve {
            scenario,
            votes,
            seed,
            port,
            faults,
            tampers,
            live,
        } => {
            let mut world =
                sim::scenario::scenario(&scenario, votes, seed).map_err(|e| e.to_string())?;
            for t in &tampers {
                let applied =
                    sim::tamper::apply_tamper(&mut world, t).map_err(|e| e.to_string())?;
                eprintln!("tamper {}: {:?}", t, applied.location);
            }
            if let Some(n) = live {
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                sim::live::make_live(&mut world, n).map_err(|e| e.to_string())?;
            }
            let plan = sim::FaultPlan::parse(&faults).map_err(|e| e.to_string())?;
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            let server = sim::serve(&world, plan, addr)
                .await
                .map_err(|e| e.to_string())?;
            println!("node:  {}", server.node_url());
            println!("saas:  {}", server.saas_url());
            println!("ipfs:  {}", server.base_url());
            for (id, e) in &world.elections {
                match &e.live {
                    Some(l) => println!(
                        "election {id} (live: {} envelopes, {} per vote-list request, {})",
                        l.pending.len(),
                        l.reveal_per_list_request,
                        e.election.status
                    ),
                    None => println!(
                        "election {id} ({} votes, {})",
                        e.votes.len(),
                        e.election.status
                    ),
                }
            }
            for id in world.saas_processes.keys() {
                println!("saas process {id}");
            }
            tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
            server.shutdown().await.map_err(|e| e.to_string())?;
            Ok(0)
        }
    }
}
