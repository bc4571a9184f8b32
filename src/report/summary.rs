//! The signed summary: `summary.json`, a canonical digest of the audit (election ids, verdict,
//! tallies, check counts, evidence hash, tool, time), and `summary.json.minisig` in minisign's
//! format (jedisct1/minisign: prehashed Ed25519 "ED" signature plus signed trusted comment), so
//! anyone can check it with the stock `minisign -Vm summary.json -p key.pub`.

use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use minisign::{KeyPair, PublicKey, SecretKey, SecretKeyBox, SignatureBox};
use serde::{Deserialize, Serialize};

use crate::verify::result::{AuditResult, TallyPair, ToolInfo, Verdict};

use super::view::CheckCounts;
use super::{write_atomic, ReportError};

/// Schema identifier written into every summary.json.
pub const SUMMARY_SCHEMA: &str = "vocaudit.summary/1";

/// What summary.json holds. Serialized compactly in field order, so equal audits give equal bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Summary {
    pub schema: String,
    pub tool: ToolInfo,
    pub generated_at: String,
    pub verdict: Verdict,
    /// sha256 of the evidence bundle's manifest.json; empty when the audit had no bundle.
    pub bundle_manifest_sha256: String,
    /// Counts over the process-level checks (bundle, SaaS process).
    pub checks: CheckCounts,
    pub elections: Vec<ElectionSummary>,
}

/// One election in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ElectionSummary {
    pub election_id: String,
    pub tally: TallyPair,
    pub checks: CheckCounts,
}

impl Summary {
    /// The summary of `result`, copied field by field.
    pub fn of(result: &AuditResult) -> Self {
        Summary {
            schema: SUMMARY_SCHEMA.to_string(),
            tool: result.tool.clone(),
            generated_at: result.generated_at.clone(),
            verdict: result.verdict,
            bundle_manifest_sha256: result
                .bundle
                .as_ref()
                .map(|b| b.manifest_sha256.clone())
                .unwrap_or_default(),
            checks: CheckCounts::of(&result.checks),
            elections: result
                .elections
                .iter()
                .map(|e| ElectionSummary {
                    election_id: e.election_id.clone(),
                    tally: e.tally.clone(),
                    checks: CheckCounts::of(&e.checks),
                })
                .collect(),
        }
    }

    /// The canonical bytes: compact JSON (no whitespace, no trailing newline), keys in field order.
    pub fn to_canonical_json(&self) -> Result<Vec<u8>, ReportError> {
        serde_json::to_vec(self).map_err(|source| ReportError::Json {
            what: "summary.json",
            source,
        })
    }
}

/// Where [`keygen`] put the key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFiles {
    /// `vocaudit.key`: minisign secret key, unencrypted (as `minisign -G -W` writes it).
    pub secret_key: PathBuf,
    /// `vocaudit.pub`: minisign public key.
    pub public_key: PathBuf,
}

/// A summary whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSummary {
    pub summary: Summary,
    /// The signed trusted comment (`timestamp:…\tfile:summary.json\thashed`).
    pub trusted_comment: String,
}

const SECRET_KEY_FILE: &str = "vocaudit.key";
const PUBLIC_KEY_FILE: &str = "vocaudit.pub";
/// minisign's secret key layout: sig_alg(2) ‖ kdf_alg(2) ‖ chk_alg(2) ‖ salt(32) ‖ ops(8) ‖
/// mem(8) ‖ keynum(8) ‖ sk(64) ‖ chk(32). kdf_alg `\0\0` marks an unencrypted key.
const KDF_ALG_OFFSET: usize = 2;

/// Creates a new key pair in `dir` (`vocaudit.key`, `vocaudit.pub`); never overwrites a secret key.
pub fn keygen(dir: &Path) -> Result<KeyFiles, ReportError> {
    let files = KeyFiles {
        secret_key: dir.join(SECRET_KEY_FILE),
        public_key: dir.join(PUBLIC_KEY_FILE),
    };
    if files.secret_key.exists() {
        return Err(ReportError::KeyExists(files.secret_key));
    }
    let minisign_err = |what, path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Minisign { what, path, source }
    };
    // An empty password leaves the key unencrypted but checksummed; the crate still labels it
    // scrypt-encrypted, so relabel it with minisign's "no KDF" marker for the stock tool.
    let KeyPair { pk, sk } = KeyPair::generate_encrypted_keypair(Some(String::new()))
        .map_err(minisign_err("generating", &files.secret_key))?;
    let mut sk_bytes = sk.to_bytes();
    if let Some(kdf) = sk_bytes.get_mut(KDF_ALG_OFFSET..KDF_ALG_OFFSET + 2) {
        kdf.copy_from_slice(&[0, 0]);
    }
    let sk =
        SecretKey::from_bytes(&sk_bytes).map_err(minisign_err("encoding", &files.secret_key))?;
    let sk_box = sk
        .to_box(Some("vocaudit secret key (unencrypted)"))
        .map_err(minisign_err("encoding", &files.secret_key))?;
    let pk_box = pk
        .to_box()
        .map_err(minisign_err("encoding", &files.public_key))?;

    fs::create_dir_all(dir).map_err(|source| ReportError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    write_secret(&files.secret_key, &sk_box.to_bytes())?;
    write_atomic(&files.public_key, &pk_box.to_bytes())?;
    Ok(files)
}

/// Creates the secret key file, failing if it exists; owner-only on Unix.
fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(err)?;
    file.write_all(bytes).map_err(err)?;
    file.sync_all().map_err(err)
}

/// Signs `file` with the unencrypted minisign secret key at `secret_key_path`, writing
/// `<file>.minisig`; returns the signature's path.
pub fn sign(file: &Path, secret_key_path: &Path) -> Result<PathBuf, ReportError> {
    let data = read(file)?;
    let sk_text = read_text(secret_key_path)?;
    let sk = SecretKeyBox::from_string(&sk_text)
        .and_then(|b| b.into_secret_key(Some(String::new())))
        .map_err(|source| ReportError::Minisign {
            what: "loading the unencrypted secret key",
            path: secret_key_path.to_path_buf(),
            source,
        })?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let timestamp = chrono::Utc::now().timestamp();
    let trusted_comment = format!("timestamp:{timestamp}\tfile:{file_name}\thashed");
    let signature = minisign::sign(
        None,
        &sk,
        Cursor::new(data),
        Some(&trusted_comment),
        Some("signature from vocaudit secret key"),
    )
    .map_err(|source| ReportError::Minisign {
        what: "signing",
        path: file.to_path_buf(),
        source,
    })?;
    let mut sig_path = file.as_os_str().to_owned();
    sig_path.push(".minisig");
    let sig_path = PathBuf::from(sig_path);
    write_atomic(&sig_path, signature.to_string().as_bytes())?;
    Ok(sig_path)
}

/// Checks `<file>.minisig` against `file` with the minisign public key at `public_key_path`
/// and parses the summary; any changed byte in the file, signature or comment is refused.
pub fn verify_summary(file: &Path, public_key_path: &Path) -> Result<VerifiedSummary, ReportError> {
    let data = read(file)?;
    let pk = PublicKey::from_box(read_text(public_key_path)?.into()).map_err(|source| {
        ReportError::Minisign {
            what: "loading the public key",
            path: public_key_path.to_path_buf(),
            source,
        }
    })?;
    let mut sig_path = file.as_os_str().to_owned();
    sig_path.push(".minisig");
    let sig_path = PathBuf::from(sig_path);
    let signature = SignatureBox::from_string(&read_text(&sig_path)?).map_err(|source| {
        ReportError::Minisign {
            what: "parsing the signature",
            path: sig_path.clone(),
            source,
        }
    })?;
    minisign::verify(&pk, &signature, Cursor::new(&data), true, false, false).map_err(
        |source| ReportError::Minisign {
            what: "verifying the signature of",
            path: file.to_path_buf(),
            source,
        },
    )?;
    let trusted_comment = signature
        .trusted_comment()
        .map_err(|source| ReportError::Minisign {
            what: "reading the trusted comment of",
            path: sig_path,
            source,
        })?;
    let summary = serde_json::from_slice(&data).map_err(|source| ReportError::SummaryFormat {
        path: file.to_path_buf(),
        source,
    })?;
    Ok(VerifiedSummary {
        summary,
        trusted_comment,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, ReportError> {
    fs::read(path).map_err(|source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn read_text(path: &Path) -> Result<String, ReportError> {
    fs::read_to_string(path).map_err(|source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    })
}
