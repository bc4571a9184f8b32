//! `vocaudit audit`: fetch, verify and report in one go.

use std::path::PathBuf;

use clap::Args;
use tokio::runtime::Runtime;

use vocaudit::audit;

use super::args::{show, OutputArgs, SourceArgs, ZkKeyArgs};

#[derive(Args)]
pub struct Audit {
    #[command(flatten)]
    source: SourceArgs,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    zk: ZkKeyArgs,
}

impl Audit {
    pub fn run(self, runtime: &Runtime) -> Result<u8, String> {
        let config = self.source.fetch_config(self.out.join("bundle"))?;
        let options = audit::AuditOptions {
            circuits: self.zk.circuits()?,
            ..self.output.audit_options()
        };
        let run = runtime
            .block_on(audit::audit(config, &self.out, &options))
            .map_err(|e| e.to_string())?;
        Ok(show(&run, self.output.format, self.output.lang))
    }
}
