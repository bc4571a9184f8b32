//! `vocaudit fetch`: everything an audit needs, into an evidence bundle.

use std::path::PathBuf;

use clap::Args;
use tokio::runtime::Runtime;

use vocaudit::fetch;

use super::args::SourceArgs;

#[derive(Args)]
pub struct Fetch {
    #[command(flatten)]
    source: SourceArgs,
    /// Bundle directory.
    #[arg(long)]
    out: PathBuf,
}

impl Fetch {
    pub fn run(self, runtime: &Runtime) -> Result<u8, String> {
        let config = self.source.fetch_config(self.out)?;
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
}
