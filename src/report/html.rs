//! report.html: one self-contained page (inline CSS, charts as inline SVG, no request of any
//! kind) with the verdict banner, each election's definition, results, charts and checks, the
//! located findings and the evidence. The minijinja template is embedded and escapes every value.

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use crate::verify::result::{
    AuditResult, Authentication, CheckResult, ElectionAudit, EligibleSource, PowerSource, Status,
    Verdict,
};

use super::charts::{ChartFile, ChartKind};
use super::view::{finding_rows, result_rows, CheckCounts, FindingRow, ResultRow};
use super::ReportError;

const TEMPLATE: &str = include_str!("report.html.jinja");

#[derive(Serialize)]
struct Page<'a> {
    verdict: Verdict,
    headline: String,
    explanation: &'static str,
    counts: CheckCounts,
    result: &'a AuditResult,
    process_checks: &'a [CheckResult],
    elections: Vec<ElectionView<'a>>,
    failing: Vec<FindingRow>,
    warnings: Vec<FindingRow>,
}

#[derive(Serialize)]
struct ElectionView<'a> {
    election: &'a ElectionAudit,
    /// What the results count: "votes", or "voting power" for a weighted census.
    unit: &'static str,
    auth_words: &'static str,
    eligible_source_words: &'static str,
    power_source_words: &'static str,
    rows: Vec<ResultRow>,
    any_differs: bool,
    counts: CheckCounts,
    charts: Vec<ChartView<'a>>,
}

#[derive(Serialize)]
struct ChartView<'a> {
    title: &'a str,
    /// plotters' SVG output (it escapes the text it draws); inserted unescaped.
    svg: &'a str,
}

/// Renders the page. `charts` are those of [`super::render_charts`] for the same result; each is
/// placed under its election (question charts first, then participation).
pub fn render_html(result: &AuditResult, charts: &[ChartFile]) -> Result<String, ReportError> {
    let counts = CheckCounts::of(result.all_checks());
    let (headline, explanation) = match result.verdict {
        Verdict::Pass => (
            "PASS".to_string(),
            "Every check passed: the published results match what was recomputed from the evidence.",
        ),
        Verdict::Fail => (
            format!(
                "FAIL — {} check{} failed",
                counts.fail,
                if counts.fail == 1 { "" } else { "s" }
            ),
            "At least one discrepancy was found between the published data and what the protocol allows. See the findings below.",
        ),
        Verdict::Incomplete => (
            "INCOMPLETE".to_string(),
            "The audit could not be completed: some evidence could not be obtained or was refused. The results below are partial.",
        ),
    };
    let elections = result
        .elections
        .iter()
        .map(|election| {
            let rows = result_rows(election);
            let mut own: Vec<&ChartFile> = charts
                .iter()
                .filter(|c| c.election_id == election.election_id)
                .collect();
            own.sort_by_key(|c| match c.kind {
                ChartKind::Question(q) => q,
                ChartKind::Participation => usize::MAX,
            });
            let turnout = &election.turnout;
            ElectionView {
                unit: if turnout.weighted {
                    "voting power"
                } else {
                    "votes"
                },
                auth_words: match election.authentication {
                    Authentication::Csp => {
                        "CSP credentials (a credential service signs each voter's right)"
                    }
                    Authentication::List => "list of voters",
                    Authentication::WeightedList => {
                        "weighted list of voters (voting power per voter)"
                    }
                    Authentication::Token => "token holders",
                    Authentication::Anonymous => "anonymous (zero-knowledge proofs)",
                    Authentication::Other => "other",
                },
                eligible_source_words: match turnout.eligible_source {
                    Some(EligibleSource::CensusDump) => "leaves of the census dump",
                    Some(EligibleSource::SaasCensusSize) => "the SaaS census size",
                    Some(EligibleSource::MaxCensusSize) => {
                        "the election's maximum census size (an upper bound)"
                    }
                    None => "no source gives it",
                },
                power_source_words: match turnout.eligible_power_source {
                    Some(PowerSource::CensusDump) => "sum of the census dump's weights",
                    Some(PowerSource::SaasTotalWeight) => "the SaaS census total weight",
                    None => "no source gives it",
                },
                any_differs: rows.iter().any(|r| r.differs),
                rows,
                counts: CheckCounts::of(&election.checks),
                charts: own
                    .into_iter()
                    .map(|c| ChartView {
                        title: &c.title,
                        svg: &c.svg,
                    })
                    .collect(),
                election,
            }
        })
        .collect();
    let page = Page {
        verdict: result.verdict,
        headline,
        explanation,
        counts,
        result,
        process_checks: &result.checks,
        elections,
        failing: finding_rows(result, Status::Fail),
        warnings: finding_rows(result, Status::Warn),
    };

    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_template("report.html", TEMPLATE)?;
    Ok(env.get_template("report.html")?.render(&page)?)
}
