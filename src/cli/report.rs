//! `vocaudit report`: every format again from a report.json, without re-verifying.

use std::path::{Path, PathBuf};

use clap::Args;

use vocaudit::audit::AuditRun;
use vocaudit::report;
use vocaudit::verify::result::AuditResult;

use super::args::{show, OutputArgs};

#[derive(Args)]
pub struct Report {
    /// A report.json, or a directory containing report.json.
    input: PathBuf,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
}

impl Report {
    pub fn run(self) -> Result<u8, String> {
        let path = if self.input.is_dir() {
            self.input.join("report.json")
        } else {
            self.input
        };
        let result = read_report(&path)?;
        let rendered = report::render_all(
            &result,
            &self.out,
            &report::RenderOptions {
                sign_with: self.output.sign_key.clone(),
            },
        )
        .map_err(|e| e.to_string())?;
        Ok(show(&AuditRun { result, rendered }, self.output.format))
    }
}

fn read_report(path: &Path) -> Result<AuditResult, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{}: not a report.json: {e}", path.display()))
}
