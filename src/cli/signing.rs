//! `vocaudit keygen`, `sign` and `verify-summary`: minisign keys and signed summaries.

use std::path::PathBuf;

use clap::Args;

use vocaudit::report;

#[derive(Args)]
pub struct Keygen {
    /// Directory for the key files.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
}

impl Keygen {
    pub fn run(self) -> Result<u8, String> {
        let keys = report::keygen(&self.dir).map_err(|e| e.to_string())?;
        println!("secret key: {}", keys.secret_key.display());
        println!("public key: {}", keys.public_key.display());
        Ok(0)
    }
}

#[derive(Args)]
pub struct Sign {
    file: PathBuf,
    /// Secret key written by `vocaudit keygen`.
    #[arg(long)]
    key: PathBuf,
}

impl Sign {
    pub fn run(self) -> Result<u8, String> {
        let sig = report::sign(&self.file, &self.key).map_err(|e| e.to_string())?;
        println!("{}", sig.display());
        Ok(0)
    }
}

#[derive(Args)]
pub struct VerifySummary {
    file: PathBuf,
    /// Public key (vocaudit.pub or any minisign public key file).
    #[arg(long = "pub")]
    public_key: PathBuf,
}

impl VerifySummary {
    pub fn run(self) -> Result<u8, String> {
        match report::verify_summary(&self.file, &self.public_key) {
            Ok(v) => {
                println!("signature OK: {}", v.trusted_comment);
                Ok(0)
            }
            // A file that cannot be read is an incomplete check (2); a signature that does not
            // verify, or a key that does not load, is a failed one (1).
            Err(e @ report::ReportError::Read { .. }) => Err(e.to_string()),
            Err(e) => {
                eprintln!("vocaudit: {e}");
                Ok(1)
            }
        }
    }
}
