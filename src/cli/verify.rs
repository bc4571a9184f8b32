//! `vocaudit verify`: a bundle, offline.

use std::path::PathBuf;

use clap::Args;

use vocaudit::audit;

use super::args::{show, OutputArgs, ZkKeyArgs};

#[derive(Args)]
pub struct Verify {
    /// Bundle directory written by `vocaudit fetch` (or DIR/bundle of an audit).
    bundle: PathBuf,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    zk: ZkKeyArgs,
}

impl Verify {
    pub fn run(self) -> Result<u8, String> {
        let options = audit::AuditOptions {
            circuits: self.zk.circuits()?,
            ..self.output.audit_options()
        };
        let run =
            audit::verify_bundle(&self.bundle, &self.out, &options).map_err(|e| e.to_string())?;
        Ok(show(&run, self.output.format, self.output.lang))
    }
}
