//! The `vocaudit` command: parse flags, call the library, map the outcome to an exit status
//! (0 every check passed, 1 a check failed, 2 the audit could not be completed). Each
//! subcommand's flags and call live in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logging();
    match cli.run() {
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
