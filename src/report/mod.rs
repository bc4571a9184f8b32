//! The reporter: renders one [`AuditResult`] to the terminal, report.json, a self-contained
//! report.html, report.pdf, PNG/SVG charts, results.csv and votes.csv, results.nist.json (NIST SP 1500-100)
//! and a minisign-signed summary. Nothing is recomputed here: every
//! figure, status and location comes from the result as `verify` produced it (DESIGN.md "report").
//!
//! Rendering a verification (any [`AuditResult`], here one of a simulated election):
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! # use vocaudit::{audit, fetch, sim};
//! # let world = sim::scenario("csp-ecdsa", 8, 1).unwrap();
//! # let server = sim::serve_local(&world, sim::FaultPlan::none()).await.unwrap();
//! # let id = world.elections.keys().next().unwrap().clone();
//! # let work = tempfile::tempdir().unwrap();
//! # let mut config = fetch::FetchConfig::new(
//! #     server.node_url().parse().unwrap(), fetch::Target::Election(id), work.path().join("b"));
//! # config.quiet = true;
//! # let result = audit::audit(config, work.path(), &Default::default()).await.unwrap().result;
//! use vocaudit::report::{self, RenderOptions};
//!
//! let out = tempfile::tempdir().unwrap();
//! // report.json, report.html, charts/*.png|svg (and a signed summary with `sign_with`).
//! let files = report::render_all(&result, out.path(), &RenderOptions::default()).unwrap();
//! assert!(files.report_html.exists() && !files.charts.is_empty());
//!
//! let json: serde_json::Value =
//!     serde_json::from_slice(&std::fs::read(&files.report_json).unwrap()).unwrap();
//! assert_eq!(json["verdict"], "pass");
//! // What `vocaudit audit --lang ca` prints.
//! print!("{}", report::render_terminal(&result, false, &report::Messages::new(report::Lang::Ca)));
//! # });
//! ```

pub mod charts;
pub mod html;
pub mod i18n;
pub mod json;
pub mod nist;
pub mod pdf;
pub mod summary;
pub mod tables;
pub mod terminal;
pub mod timeline;
mod view;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::verify::result::AuditResult;

pub use charts::{render_charts, ChartFile};
pub use html::render_html;
pub use i18n::{Lang, Messages};
pub use json::{to_json_pretty, write_json};
pub use nist::results_nist_json;
pub use pdf::{render_pdf, summary_sha256};
pub use summary::{keygen, sign, verify_summary, KeyFiles, Summary, VerifiedSummary};
pub use tables::{results_csv, votes_csv};
pub use terminal::render_terminal;

/// Everything that can go wrong while rendering, signing or checking a signature.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("serializing {what} as JSON: {source}")]
    Json {
        what: &'static str,
        source: serde_json::Error,
    },
    #[error("{path} is not a vocaudit summary: {source}")]
    SummaryFormat {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("rendering report.html: {0}")]
    Template(#[from] minijinja::Error),
    #[error("drawing chart {chart}: {message}")]
    Chart { chart: String, message: String },
    #[error("tally cell [{question}][{value}] of election {election_id} is not a decimal integer: {text:?}")]
    TallyCell {
        election_id: String,
        question: usize,
        value: usize,
        text: String,
    },
    #[error("{what} {path}: {source}")]
    Minisign {
        what: &'static str,
        path: PathBuf,
        source: minisign::PError,
    },
    #[error("refusing to overwrite the existing secret key {0}")]
    KeyExists(PathBuf),
    #[error("writing CSV: {0}")]
    Csv(String),
    #[error("making report.pdf: {0}")]
    Pdf(String),
}

/// What [`render_all`] writes besides report.json, report.html and the charts.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The language of report.html, the charts (and report.pdf); report.json and the exports
    /// are language-neutral.
    pub lang: Lang,
    /// Write `summary.json` and sign it into `summary.json.minisig` with this minisign secret key
    /// (unencrypted, as written by [`keygen`]).
    pub sign_with: Option<PathBuf>,
}

/// The files [`render_all`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub report_json: PathBuf,
    pub report_html: PathBuf,
    pub report_pdf: PathBuf,
    pub results_csv: PathBuf,
    /// `votes.csv`, when the result carries its elections' vote ledgers (a verification does; a
    /// result read back from report.json does not).
    pub votes_csv: Option<PathBuf>,
    pub results_nist: PathBuf,
    /// One PNG and one SVG per question chart and per participation chart, in election order.
    pub charts: Vec<PathBuf>,
    /// `summary.json` and its `summary.json.minisig`, when signing was asked for.
    pub summary: Option<(PathBuf, PathBuf)>,
}

/// Writes every report format for `result` into `out_dir`:
/// `report.json`, `report.html`, `report.pdf`, `results.csv`, `votes.csv` (when the result carries the vote
/// ledgers), `results.nist.json`, `charts/<electionId>-q<N>.{png,svg}`,
/// `charts/<electionId>-participation.{png,svg}` and, with `options.sign_with`,
/// `summary.json` + `summary.json.minisig`.
pub fn render_all(
    result: &AuditResult,
    out_dir: &Path,
    options: &RenderOptions,
) -> Result<Rendered, ReportError> {
    create_dir(out_dir)?;
    let report_json = out_dir.join("report.json");
    write_json(result, &report_json)?;
    let results_csv_path = out_dir.join("results.csv");
    write_atomic(&results_csv_path, &results_csv(result)?)?;
    let votes_csv_path = match votes_csv(result)? {
        Some(bytes) => {
            let path = out_dir.join("votes.csv");
            write_atomic(&path, &bytes)?;
            Some(path)
        }
        None => None,
    };
    let results_nist = out_dir.join("results.nist.json");
    write_atomic(&results_nist, results_nist_json(result)?.as_bytes())?;

    let chart_dir = out_dir.join("charts");
    create_dir(&chart_dir)?;
    let messages = Messages::new(options.lang);
    let chart_files = render_charts(result, &messages)?;
    let mut charts = Vec::with_capacity(chart_files.len() * 2);
    for chart in &chart_files {
        let svg_path = chart_dir.join(format!("{}.svg", chart.stem));
        write_atomic(&svg_path, chart.svg.as_bytes())?;
        let png_path = chart_dir.join(format!("{}.png", chart.stem));
        write_atomic(&png_path, &chart.png)?;
        charts.push(png_path);
        charts.push(svg_path);
    }

    let report_html = out_dir.join("report.html");
    write_atomic(
        &report_html,
        render_html(result, &chart_files, &messages)?.as_bytes(),
    )?;
    let report_pdf = out_dir.join("report.pdf");
    write_atomic(&report_pdf, &render_pdf(result, &chart_files, &messages)?)?;

    let summary = match &options.sign_with {
        Some(secret_key) => {
            let summary_path = out_dir.join("summary.json");
            write_atomic(&summary_path, &Summary::of(result).to_canonical_json()?)?;
            let signature = sign(&summary_path, secret_key)?;
            Some((summary_path, signature))
        }
        None => None,
    };

    Ok(Rendered {
        report_json,
        report_html,
        report_pdf,
        results_csv: results_csv_path,
        votes_csv: votes_csv_path,
        results_nist,
        charts,
        summary,
    })
}

fn create_dir(dir: &Path) -> Result<(), ReportError> {
    fs::create_dir_all(dir).map_err(|source| ReportError::Write {
        path: dir.to_path_buf(),
        source,
    })
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place, so a reader
/// never sees a half-written report.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{}.tmp", file_name.unwrap_or_default()));
    let mut file = fs::File::create(&tmp).map_err(err)?;
    file.write_all(bytes).map_err(err)?;
    file.sync_all().map_err(err)?;
    drop(file);
    fs::rename(&tmp, path).map_err(err)
}
