//! The command line: one file per subcommand, each holding its flags beside the library call
//! they feed; [`args`] holds the flag groups several subcommands share and how results are shown.

mod args;
mod audit;
mod bench;
mod demo;
mod fetch;
mod receipt;
mod report;
mod signing;
mod sim;
mod verify;
mod watch;

use clap::{Parser, Subcommand};

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
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch, verify and report in one go: writes DIR/bundle/, DIR/report.json, DIR/report.html
    /// and DIR/charts/.
    Audit(audit::Audit),
    /// Fetch everything an audit needs into an evidence bundle (resumes a partial one).
    Fetch(fetch::Fetch),
    /// Verify a bundle offline and write the reports into DIR.
    Verify(verify::Verify),
    /// Re-render every format from a report.json (or an audit directory holding one), without
    /// re-verifying.
    Report(report::Report),
    /// Run the whole job on the embedded sample election (a loopback node in this process).
    Demo(demo::Demo),
    /// Synthetic elections and the loopback node.
    #[command(subcommand)]
    Sim(sim::SimCommand),
    /// Create a minisign key pair for signing summaries (vocaudit.key, vocaudit.pub).
    Keygen(signing::Keygen),
    /// Sign FILE with a minisign secret key, writing FILE.minisig.
    Sign(signing::Sign),
    /// Check FILE against FILE.minisig and a public key: exit 0 valid, 1 the signature does not
    /// verify, 2 a file cannot be read.
    VerifySummary(signing::VerifySummary),
    /// Check one vote was counted as cast: where it is on chain, whether it is the voter's last
    /// envelope, its ballot, its signature/nullifier/tx-hash checks and what it adds to the
    /// tally. Exit 0 counted, 1 not counted (or a check failed, or no such vote), 2 the node
    /// cannot be reached or the input is malformed.
    Receipt(receipt::Receipt),
    /// Follow a live election, or every election of a SaaS process: print one JSON object per
    /// line for new votes, anomalies, status and result changes; with --until-results, end with
    /// a full audit (of the whole process) and its exit status.
    Watch(watch::Watch),
    /// Measure the protocol primitives, each against a bound measured in the same run.
    #[command(args_conflicts_with_subcommands = true)]
    Bench(bench::Bench),
}

impl Cli {
    /// Runs the command; `Err` is a message for an exit status of 2.
    pub fn run(self) -> Result<u8, String> {
        let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
        match self.command {
            Command::Audit(c) => c.run(&runtime),
            Command::Fetch(c) => c.run(&runtime),
            Command::Verify(c) => c.run(),
            Command::Report(c) => c.run(),
            Command::Demo(c) => c.run(&runtime),
            Command::Sim(c) => runtime.block_on(c.run()),
            Command::Keygen(c) => c.run(),
            Command::Sign(c) => c.run(),
            Command::VerifySummary(c) => c.run(),
            Command::Receipt(c) => c.run(&runtime),
            Command::Watch(c) => c.run(&runtime),
            Command::Bench(c) => c.run(&runtime),
        }
    }
}
