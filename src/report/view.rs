//! Display helpers shared by the terminal, HTML, chart and summary renderers: results rows with
//! their titles, check counts, and located findings. They only rearrange what the
//! [`AuditResult`] holds; the one comparison made (computed vs published cell) is for highlighting.

use serde::{Deserialize, Serialize};

use crate::protocol::tally::parse_decimal;

use super::i18n::Messages;
use crate::verify::result::{AuditResult, CheckResult, ElectionAudit, Finding, Status};

/// One results cell `[question][value]` with its display titles.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ResultRow {
    pub question: usize,
    pub value: usize,
    pub question_title: String,
    pub choice_title: String,
    pub computed: Option<String>,
    pub published: Option<String>,
    /// Both matrices exist and this cell differs between them (or exists in only one).
    pub differs: bool,
    /// The computed cell as a percentage of the counted ballots and of the eligible voters
    /// (report.json's `shares`).
    pub of_counted: Option<String>,
    pub of_eligible: Option<String>,
}

/// One line of the results by choice (report.json's `byChoice`): a choice or the abstentions.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChoiceRow {
    pub title: String,
    pub computed: Option<String>,
    pub published: Option<String>,
    pub of_counted: Option<String>,
    /// Both totals are known and differ.
    pub differs: bool,
}

/// The results by choice in display form: the sentence saying how the ballot mode reads the
/// matrix, then one row per choice and, last, the abstentions.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ByChoice {
    pub note: String,
    pub rows: Vec<ChoiceRow>,
}

pub(crate) fn by_choice(election: &ElectionAudit, m: &Messages) -> Option<ByChoice> {
    let reading = election.by_choice.as_ref()?;
    let row = |title: String, t: &crate::verify::result::ChoiceTotal| ChoiceRow {
        title,
        differs: matches!((&t.computed, &t.published), (Some(c), Some(p)) if c != p),
        computed: t.computed.clone(),
        published: t.published.clone(),
        of_counted: t.of_counted.clone(),
    };
    let mut rows: Vec<ChoiceRow> = reading
        .choices
        .iter()
        .map(|t| {
            let value = t.values.first().copied().unwrap_or_default() as usize;
            row(choice_title(election, 0, value, m), t)
        })
        .collect();
    if let Some(abstain) = &reading.abstain {
        rows.push(row(m.get("choice-abstain"), abstain));
    }
    let note = match reading.mode.as_str() {
        "multiple-choice" => "by-choice-multiple",
        "approval" => "by-choice-approval",
        _ => "by-choice-budget",
    };
    Some(ByChoice {
        note: m.get(note),
        rows,
    })
}

/// The election's results cells, question by question, covering every cell of either matrix.
pub(crate) fn result_rows(election: &ElectionAudit, m: &Messages) -> Vec<ResultRow> {
    let computed = election.tally.computed.as_deref().unwrap_or_default();
    let published = election.tally.published.as_deref().unwrap_or_default();
    let both = election.tally.computed.is_some() && election.tally.published.is_some();
    let questions = computed.len().max(published.len());
    let mut rows = Vec::new();
    for q in 0..questions {
        let c_row = computed.get(q).map(Vec::as_slice).unwrap_or_default();
        let p_row = published.get(q).map(Vec::as_slice).unwrap_or_default();
        for v in 0..c_row.len().max(p_row.len()) {
            let c = c_row.get(v).cloned();
            let p = p_row.get(v).cloned();
            let differs = both && !same_number(c.as_deref(), p.as_deref());
            let share =
                |m: &Option<Vec<Vec<String>>>| m.as_ref().and_then(|m| m.get(q)?.get(v).cloned());
            rows.push(ResultRow {
                question: q,
                value: v,
                question_title: question_title(election, q, m),
                choice_title: choice_title(election, q, v, m),
                computed: c,
                published: p,
                differs,
                of_counted: share(&election.shares.of_counted),
                of_eligible: share(&election.shares.of_eligible),
            });
        }
    }
    rows
}

/// Equal as decimal integers ("007" = "7"); falls back to text equality when either side is not
/// a number, so an unparsable published value is shown as a difference rather than hidden.
fn same_number(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => match (parse_decimal(a), parse_decimal(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => a == b,
        },
        (None, None) => true,
        _ => false,
    }
}

/// The organisation's name in `m`'s language when its metadata has it, else its default.
pub(crate) fn organization_name(result: &AuditResult, m: &Messages) -> Option<String> {
    result
        .organization_name_translations
        .get(m.lang().code())
        .filter(|n| !n.is_empty())
        .or(result.organization_name.as_ref())
        .cloned()
}

/// The organisation as the header names it: "name (address)", or the one of them known.
pub(crate) fn organization_line(result: &AuditResult, m: &Messages) -> Option<String> {
    match (organization_name(result, m), &result.organization) {
        (Some(name), Some(address)) => Some(format!("{name} ({address})")),
        (Some(name), None) => Some(name),
        (None, address) => address.clone(),
    }
}

/// The election's title in `m`'s language when the metadata has it, else its default.
pub(crate) fn election_title(election: &ElectionAudit, m: &Messages) -> Option<String> {
    election
        .title_translations
        .get(m.lang().code())
        .filter(|t| !t.is_empty())
        .or(election.title.as_ref())
        .cloned()
}

/// Question `q`'s title in `m`'s language when the metadata has it, else its default, else
/// "Question N".
pub(crate) fn question_title(election: &ElectionAudit, q: usize, m: &Messages) -> String {
    // A multiple-choice ballot's rows are the positions of its one question.
    if multiple_choice(election).is_some() {
        let title = question_title_of(election, 0, m);
        return m.format(
            "selection-title",
            &[("question", title.into()), ("n", (q + 1).into())],
        );
    }
    question_title_of(election, q, m)
}

/// The abstain values of a multiple-choice ballot, `None` for any other.
fn multiple_choice(election: &ElectionAudit) -> Option<&[u64]> {
    let reading = election.by_choice.as_ref()?;
    (reading.mode == "multiple-choice")
        .then(|| reading.abstain.as_ref().map_or(&[][..], |a| &a.values))
}

fn question_title_of(election: &ElectionAudit, q: usize, m: &Messages) -> String {
    let question = election.questions.get(q);
    let translated = question
        .and_then(|x| x.translations.get(m.lang().code()))
        .map(|t| t.title.as_str());
    match (translated, question.map(|x| x.title.as_str())) {
        (Some(t), _) | (_, Some(t)) if !t.is_empty() => t.to_string(),
        _ => m.format("question-fallback", &[("n", (q + 1).into())]),
    }
}

/// Choice `v` of question `q` in `m`'s language when the metadata has it, else its default,
/// else "Value v".
pub(crate) fn choice_title(election: &ElectionAudit, q: usize, v: usize, m: &Messages) -> String {
    let q = match multiple_choice(election) {
        Some(abstain) if abstain.contains(&(v as u64)) => return m.get("choice-abstain"),
        // Every position offers the one question's choices.
        Some(_) => 0,
        None => q,
    };
    let question = election.questions.get(q);
    let translated = question
        .and_then(|x| x.translations.get(m.lang().code()))
        .and_then(|t| t.choices.get(v))
        .map(String::as_str);
    match (
        translated,
        question.and_then(|x| x.choices.get(v)).map(String::as_str),
    ) {
        (Some(t), _) | (_, Some(t)) if !t.is_empty() => t.to_string(),
        _ => m.format("choice-fallback", &[("n", v.into())]),
    }
}

/// A check's title in `m`'s language: its `check-<ID>` message, else (a check newer than the
/// translations) the catalogue's English title that report.json carries. report.json itself
/// keeps the English title: it is a stable contract, the renderers translate.
pub(crate) fn check_title(check: &CheckResult, m: &Messages) -> String {
    m.lookup(&format!("check-{}", check.id))
        .unwrap_or_else(|| check.title.clone())
}

/// How many checks ended in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckCounts {
    pub pass: u64,
    pub fail: u64,
    pub warn: u64,
    pub skip: u64,
}

impl CheckCounts {
    pub(crate) fn of<'a>(checks: impl IntoIterator<Item = &'a CheckResult>) -> Self {
        let mut counts = CheckCounts::default();
        for check in checks {
            match check.status {
                Status::Pass => counts.pass += 1,
                Status::Fail => counts.fail += 1,
                Status::Warn => counts.warn += 1,
                Status::Skip => counts.skip += 1,
            }
        }
        counts
    }
}

/// A finding (or a finding-less check) with the check it belongs to, for findings tables.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingRow {
    pub check_id: String,
    /// The check's title in the report's language ([`check_title`]).
    pub check_title: String,
    pub category: &'static str,
    pub status: Status,
    pub election_id: String,
    pub vote_id: Option<String>,
    pub tx_hash: Option<String>,
    /// `[q][v]` as text.
    pub cell: Option<String>,
    pub key_index: Option<u32>,
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

/// Findings of the checks with `status`, process-level first; a check with that status but no
/// findings gets one row carrying its own message, so no failure goes unlisted.
pub(crate) fn finding_rows(result: &AuditResult, status: Status, m: &Messages) -> Vec<FindingRow> {
    let mut rows = Vec::new();
    let scoped = result.checks.iter().map(|c| (None, c)).chain(
        result
            .elections
            .iter()
            .flat_map(|e| e.checks.iter().map(move |c| (Some(e), c))),
    );
    for (election, check) in scoped.filter(|(_, c)| c.status == status) {
        let title = check_title(check, m);
        let row = |f: Option<&Finding>| FindingRow {
            check_id: check.id.clone(),
            check_title: title.clone(),
            category: check.category.as_str(),
            status: check.status,
            election_id: f
                .map(|f| f.location.election_id.clone())
                .or_else(|| election.map(|e| e.election_id.clone()))
                .unwrap_or_default(),
            vote_id: f.and_then(|f| f.location.vote_id.clone()),
            tx_hash: f.and_then(|f| f.location.tx_hash.clone()),
            cell: f.and_then(|f| f.location.cell.map(|[q, v]| format!("[{q}][{v}]"))),
            key_index: f.and_then(|f| f.location.key_index),
            message: f.map_or_else(|| check.message.clone(), |f| f.message.clone()),
            expected: f.and_then(|f| f.expected.clone()),
            actual: f.and_then(|f| f.actual.clone()),
        };
        if check.findings.is_empty() {
            rows.push(row(None));
        } else {
            rows.extend(check.findings.iter().map(|f| row(Some(f))));
        }
    }
    rows
}

/// A file-name stem from an election id: hex ids pass unchanged, anything else is reduced to
/// `[0-9A-Za-z_-]` so a hostile id cannot escape the charts directory.
pub(crate) fn file_stem(election_id: &str) -> String {
    let stem: String = election_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "election".to_string()
    } else {
        stem
    }
}
