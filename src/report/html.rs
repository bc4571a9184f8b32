//! report.html: one self-contained page (inline CSS, charts as inline SVG, no request of any
//! kind) with the verdict banner, the header, each election's definition, participation,
//! results, charts and checks, the located findings and the evidence, in the language of the
//! [`Messages`] given. The minijinja template is embedded and escapes every value; its words are
//! Fluent messages (`t("id", arg=…)`), its numbers and dates go through `num`, `count`, `pct` and
//! `date`.

use std::sync::Arc;

use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, Error};
use serde::Serialize;

use crate::verify::result::{
    AuditResult, Category, CheckResult, ElectionAudit, EligibleSource, PowerSource, Status, Verdict,
};

use super::charts::ChartFile;
use super::i18n::{Arg, Messages};
use super::view::{
    by_choice, check_title, choice_title, election_title, finding_rows, organization_name,
    question_title, result_rows, ByChoice, CheckCounts, FindingRow, ResultRow,
};
use super::ReportError;

const TEMPLATE: &str = include_str!("report.html.jinja");

#[derive(Serialize)]
struct Page<'a> {
    lang: &'static str,
    verdict: Verdict,
    verdict_word: String,
    headline: String,
    explanation: String,
    counts: CheckCounts,
    result: &'a AuditResult,
    /// The organisation's name in the page's language, when its metadata gives one.
    organization_name: Option<String>,
    process_checks: Vec<CheckView<'a>>,
    elections: Vec<ElectionView<'a>>,
    failing: Vec<FindingRow>,
    warnings: Vec<FindingRow>,
}

#[derive(Serialize)]
struct ElectionView<'a> {
    election: &'a ElectionAudit,
    /// The title in the page's language (the metadata's default when it has none).
    title: Option<String>,
    questions: Vec<QuestionView>,
    /// Message ids: what the results count, where the eligible figures come from.
    unit: &'static str,
    eligible_source: &'static str,
    power_source: &'static str,
    rows: Vec<ResultRow>,
    /// The results by choice, for ballot modes whose rows are not questions.
    by_choice: Option<ByChoice>,
    any_differs: bool,
    counts: CheckCounts,
    checks: Vec<CheckView<'a>>,
    charts: Vec<ChartView<'a>>,
}

/// A row of a checks table: the check with its title in the page's language.
#[derive(Serialize)]
struct CheckView<'a> {
    id: &'a str,
    category: Category,
    title: String,
    status: Status,
    message: &'a str,
    findings: usize,
}

fn check_views<'a>(checks: &'a [CheckResult], m: &Messages) -> Vec<CheckView<'a>> {
    checks
        .iter()
        .map(|c| CheckView {
            id: &c.id,
            category: c.category,
            title: check_title(c, m),
            status: c.status,
            message: &c.message,
            findings: c.findings.len(),
        })
        .collect()
}

#[derive(Serialize)]
struct QuestionView {
    title: String,
    choices: Vec<String>,
}

#[derive(Serialize)]
struct ChartView<'a> {
    title: &'a str,
    /// What the chart shows, in words, for screen readers (`aria-label`).
    alt: &'a str,
    /// plotters' SVG output (it escapes the text it draws); inserted unescaped.
    svg: &'a str,
}

/// Renders the page in `m`'s language. `charts` are those of [`super::render_charts`] for the
/// same result and language; each is placed under its election (question charts first, then
/// participation).
pub fn render_html(
    result: &AuditResult,
    charts: &[ChartFile],
    m: &Messages,
) -> Result<String, ReportError> {
    let counts = CheckCounts::of(result.all_checks());
    let (verdict_word, headline, explanation) = match result.verdict {
        Verdict::Pass => (
            m.get("verdict-pass"),
            m.get("verdict-pass"),
            m.get("explain-pass"),
        ),
        Verdict::Fail => (
            m.get("verdict-fail"),
            m.format("headline-fail", &[("count", counts.fail.into())]),
            m.get("explain-fail"),
        ),
        Verdict::Incomplete => (
            m.get("verdict-incomplete"),
            m.get("verdict-incomplete"),
            m.get("explain-incomplete"),
        ),
    };
    let elections = result
        .elections
        .iter()
        .map(|election| {
            let rows = result_rows(election, m);
            let mut own: Vec<&ChartFile> = charts
                .iter()
                .filter(|c| c.election_id == election.election_id)
                .collect();
            own.sort_by_key(|c| c.kind.order());
            let turnout = &election.turnout;
            ElectionView {
                title: election_title(election, m),
                questions: (0..election.questions.len())
                    .map(|q| QuestionView {
                        title: question_title(election, q, m),
                        choices: (0..election.questions[q].choices.len())
                            .map(|v| choice_title(election, q, v, m))
                            .collect(),
                    })
                    .collect(),
                unit: if turnout.weighted {
                    "unit-power"
                } else {
                    "unit-votes"
                },
                eligible_source: match turnout.eligible_source {
                    Some(EligibleSource::CensusDump) => "source-census-dump",
                    Some(EligibleSource::SaasCensusSize) => "source-saas-size",
                    Some(EligibleSource::MaxCensusSize) => "source-max-census",
                    None => "source-none",
                },
                power_source: match turnout.eligible_power_source {
                    Some(PowerSource::CensusDump) => "power-source-census-dump",
                    Some(PowerSource::SaasTotalWeight) => "power-source-saas",
                    None => "source-none",
                },
                any_differs: rows.iter().any(|r| r.differs),
                rows,
                by_choice: by_choice(election, m),
                counts: CheckCounts::of(&election.checks),
                checks: check_views(&election.checks, m),
                charts: own
                    .into_iter()
                    .map(|c| ChartView {
                        title: &c.title,
                        alt: &c.alt,
                        svg: &c.svg,
                    })
                    .collect(),
                election,
            }
        })
        .collect();
    let page = Page {
        lang: m.lang().code(),
        verdict: result.verdict,
        verdict_word,
        headline,
        explanation,
        counts,
        result,
        organization_name: organization_name(result, m),
        process_checks: check_views(&result.checks, m),
        elections,
        failing: finding_rows(result, Status::Fail, m),
        warnings: finding_rows(result, Status::Warn, m),
    };

    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    add_functions(&mut env, Arc::new(Messages::new(m.lang())));
    env.add_template("report.html", TEMPLATE)?;
    Ok(env.get_template("report.html")?.render(&page)?)
}

/// The template's language functions: `t(id, name=value, …)` (a count selects plural forms,
/// any other value is shown as text), `num` (a decimal string), `count` (an integer), `pct` (a
/// percentage from report.json) and `date` (an RFC 3339 time, shown in UTC).
fn add_functions(env: &mut Environment<'_>, m: Arc<Messages>) {
    let messages = m.clone();
    env.add_function(
        "t",
        move |id: &str, kwargs: Kwargs| -> Result<String, Error> {
            let mut args: Vec<(String, Arg)> = Vec::new();
            for name in kwargs.args() {
                let value: Value = kwargs.get(name)?;
                let arg = match u64::try_from(value.clone()) {
                    Ok(n) if value.is_number() => Arg::Count(n),
                    _ => Arg::Text(value.to_string()),
                };
                args.push((name.to_string(), arg));
            }
            kwargs.assert_all_used()?;
            let args: Vec<(&str, Arg)> =
                args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            Ok(messages.format(id, &args))
        },
    );
    let messages = m.clone();
    // Any other value than a string (none, a hostile node's odd JSON) is shown as it came.
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    env.add_function("num", move |v: Value| messages.number(&text(&v)));
    let messages = m.clone();
    env.add_function("pct", move |v: Value| messages.percent(&text(&v)));
    let messages = m.clone();
    env.add_function("date", move |v: Value| messages.datetime(&text(&v)));
    // A figure that is not an unsigned integer (a hostile node's) is shown as it came.
    env.add_function("count", move |value: Value| {
        match u64::try_from(value.clone()) {
            Ok(n) => m.count(n),
            Err(_) => value.to_string(),
        }
    });
}
