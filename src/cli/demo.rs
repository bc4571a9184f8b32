//! `vocaudit demo`: the whole job on the embedded sample election.

use std::path::PathBuf;

use clap::Args;
use tokio::runtime::Runtime;

use vocaudit::audit;

use super::args::{show, Format};

#[derive(Args)]
pub struct Demo {
    /// Output directory.
    #[arg(long, default_value = "vocaudit-demo")]
    out: PathBuf,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
}

impl Demo {
    pub fn run(self, runtime: &Runtime) -> Result<u8, String> {
        let parts = runtime
            .block_on(audit::demo(&self.out, self.quiet))
            .map_err(|e| e.to_string())?;
        let mut code = 0;
        for part in &parts {
            println!("== {} ({})", part.name, self.out.join(part.name).display());
            code = code.max(show(&part.run, Format::Text));
        }
        Ok(code)
    }
}
