//! Flag groups several subcommands share (which election, how to fetch it, how to retry, how to
//! show the result) and the helpers that turn them into library configuration.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use reqwest::Url;

use vocaudit::audit::{AuditOptions, AuditRun};
use vocaudit::fetch::http::{HttpConfig, Secret};
use vocaudit::fetch::{FetchConfig, Target};
use vocaudit::protocol::zk::CircuitRegistry;
use vocaudit::report::{self, Lang, Messages};

/// Which election, and where it is published.
#[derive(Args)]
pub struct TargetArgs {
    /// Node API base including its version path, e.g. https://api.vocdoni.io/v2
    #[arg(long)]
    pub node: Url,
    /// Vochain election id (64 hex).
    #[arg(long, conflicts_with_all = ["saas", "process"], required_unless_present = "saas")]
    pub election: Option<String>,
    /// SaaS API base (routes such as /processes/{id} are appended).
    #[arg(long, requires = "process")]
    pub saas: Option<Url>,
    /// SaaS process id (24 hex).
    #[arg(long, requires = "saas")]
    pub process: Option<String>,
    /// File holding the SaaS bearer token (else VOCAUDIT_SAAS_TOKEN). Never printed or stored.
    #[arg(long)]
    pub saas_token_file: Option<PathBuf>,
}

impl TargetArgs {
    /// The target the flags name, and the SaaS bearer token when it is a SaaS process.
    pub fn target(&self) -> Result<(Target, Option<Secret>), String> {
        match (&self.election, &self.saas, &self.process) {
            (Some(id), None, None) => Ok((Target::Election(id.clone()), None)),
            (None, Some(base), Some(process_id)) => {
                let target = Target::Saas {
                    base: base.clone(),
                    process_id: process_id.clone(),
                    bundle_id: None,
                };
                Ok((target, self.saas_token()?))
            }
            _ => Err("give either --election ID or --saas URL --process ID".into()),
        }
    }

    /// The SaaS bearer token from `--saas-token-file` or `VOCAUDIT_SAAS_TOKEN`.
    fn saas_token(&self) -> Result<Option<Secret>, String> {
        if let Some(path) = &self.saas_token_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("reading the SaaS token file {}: {e}", path.display()))?;
            return Ok(Some(Secret::new(text.trim())));
        }
        Ok(std::env::var("VOCAUDIT_SAAS_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
            .map(|t| Secret::new(t.trim())))
    }
}

/// Where the election is published, and how to fetch it.
#[derive(Args)]
pub struct SourceArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Path-style IPFS gateway base ({base}/ipfs/{cid}); repeatable, tried in order.
    #[arg(long = "ipfs-gateway")]
    pub ipfs_gateways: Vec<Url>,
    /// Requests in flight at most.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    #[command(flatten)]
    pub http: HttpArgs,
    /// Vote details to read a second time, to catch a node that answers differently
    /// (equivocation, check V-BUNDLE-04); 0 re-reads none [default: 2% of the votes, at least
    /// 16].
    #[arg(long, value_name = "N")]
    pub reread: Option<usize>,
    /// No progress output (for scripts).
    #[arg(long)]
    pub quiet: bool,
}

impl SourceArgs {
    /// The fetch these flags ask for, writing the bundle into `out`.
    pub fn fetch_config(&self, out: PathBuf) -> Result<FetchConfig, String> {
        let (target, token) = self.target.target()?;
        let mut config = FetchConfig::new(self.target.node.clone(), target, out);
        if !self.ipfs_gateways.is_empty() {
            config.ipfs_gateways = self.ipfs_gateways.clone();
        }
        config.concurrency = self.concurrency.max(1);
        self.http.apply(&mut config.http);
        config.reread = self.reread;
        config.quiet = self.quiet;
        config.token = token;
        Ok(config)
    }
}

/// How each HTTP request is retried and timed out (every command that talks to a node).
#[derive(Args)]
pub struct HttpArgs {
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
    pub fn config(&self) -> HttpConfig {
        let mut config = HttpConfig::default();
        self.apply(&mut config);
        config
    }
}

/// How results are shown and signed.
#[derive(Args)]
pub struct OutputArgs {
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Sign summary.json with this minisign secret key (from `vocaudit keygen`).
    #[arg(long)]
    pub sign_key: Option<PathBuf>,
    /// Language of the terminal output, report.html, the charts and report.pdf: en, es, ca or
    /// it (report.json and the exports are language-neutral).
    #[arg(long, default_value_t = Lang::En)]
    pub lang: Lang,
}

/// Extra verifying keys for anonymous votes.
#[derive(Args, Default)]
pub struct ZkKeyArgs {
    /// Trust this snarkjs verification_key.json (v1.0.0 signal layout) for anonymous votes'
    /// proofs, beside Vocdoni's pinned keys: for development networks and the simulator (`sim
    /// serve` prints `zk-key: PATH`). Repeatable. The report names every key used and flags those
    /// that are not Vocdoni's; a key served by the node is never trusted.
    #[arg(long = "zk-key", value_name = "FILE")]
    pub zk_keys: Vec<PathBuf>,
}

impl ZkKeyArgs {
    /// The registry to verify with (`None`: Vocdoni's keys alone).
    pub fn circuits(&self) -> Result<Option<Arc<CircuitRegistry>>, String> {
        vocaudit::audit::circuits_with(&self.zk_keys)
    }
}

impl OutputArgs {
    pub fn audit_options(&self) -> AuditOptions {
        AuditOptions {
            sign_with: self.sign_key.clone(),
            generated_at: None,
            lang: self.lang,
            circuits: None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Tables for a person.
    Text,
    /// JSON: report.json (the receipt itself for `receipt`).
    Json,
}

/// Prints the result as asked and returns its exit status.
pub fn show(run: &AuditRun, format: Format, lang: Lang) -> u8 {
    match format {
        Format::Json => match report::to_json_pretty(&run.result) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("vocaudit: {e}"),
        },
        Format::Text => {
            let color = std::io::stdout().is_terminal();
            print!(
                "{}",
                report::render_terminal(&run.result, color, &Messages::new(lang))
            );
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
