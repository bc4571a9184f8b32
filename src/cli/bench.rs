//! `vocaudit bench`: the primitives, or `load + verify` of a generated election, each against a
//! bound measured in the same run.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use tokio::runtime::Runtime;

#[derive(Args)]
pub struct Bench {
    #[command(subcommand)]
    mode: Option<BenchMode>,
    /// Census size for the arbo root measurement.
    #[arg(long, default_value_t = 1_000_000)]
    leaves: usize,
}

#[derive(Subcommand)]
enum BenchMode {
    /// Parse and rebuild a generated census dump: time against its root's hash bound, and the
    /// peak resident memory.
    Census {
        /// Leaves of the census.
        #[arg(long, default_value_t = 1_000_000)]
        leaves: usize,
    },
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

impl Bench {
    pub fn run(self, runtime: &Runtime) -> Result<u8, String> {
        match self.mode {
            None => {
                for line in vocaudit::bench::run(self.leaves) {
                    println!("{line}");
                }
            }
            Some(BenchMode::Census { leaves }) => {
                print!("{}", vocaudit::bench::census::run(leaves)?);
            }
            Some(BenchMode::Verify {
                scenario,
                votes,
                seed,
                threads,
                cache,
                quiet,
            }) => {
                let report = runtime
                    .block_on(vocaudit::bench::verify::run(
                        &scenario, votes, seed, &cache, &threads, quiet,
                    ))
                    .map_err(|e| e.to_string())?;
                print!("{report}");
            }
        }
        Ok(0)
    }
}
