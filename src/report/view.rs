//! Display helpers shared by the terminal, HTML, chart and summary renderers: results rows with
//! their titles, check counts, and located findings. They only rearrange what the
//! [`AuditResult`] holds; the one comparison made (computed vs published cell) is for highlighting.

use num_bigint::BigUint;
use num_traits::Zero;
use serde::{Deserialize, Serialize};

use crate::protocol::tally::parse_decimal;
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
}

/// The election's results cells, question by question, covering every cell of either matrix.
pub(crate) fn result_rows(election: &ElectionAudit) -> Vec<ResultRow> {
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
            rows.push(ResultRow {
                question: q,
                value: v,
                question_title: question_title(election, q),
                choice_title: choice_title(election, q, v),
                computed: c,
                published: p,
                differs,
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

/// `part` as a percentage of `whole`, exact to two decimals, the last one rounded half up
/// (`1/3` → `33.33`, `1/8` → `12.50`, `2/3` → `66.67`); `None` when `whole` is zero. Computed on
/// big integers, so voting-power totals beyond 2^53 keep every digit.
pub(crate) fn percent(part: &BigUint, whole: &BigUint) -> Option<String> {
    if whole.is_zero() {
        return None;
    }
    // hundredths of a percent, rounded half up: floor((part·10⁴·2 + whole) / (2·whole))
    let two = BigUint::from(2u8);
    let hundredths = (part * 10_000u32 * &two + whole) / (whole * &two);
    let digits = hundredths.to_string();
    let (int, frac) = if digits.len() > 2 {
        digits.split_at(digits.len() - 2)
    } else {
        ("0", digits.as_str())
    };
    Some(format!("{int}.{frac:0>2}"))
}

/// `row`'s share of its question's total: of the computed column when the question has computed
/// values, else of the published one. `None` when the total is zero or a cell is not a number.
pub(crate) fn share_of_question(rows: &[ResultRow], row: &ResultRow) -> Option<String> {
    let question: Vec<&ResultRow> = rows.iter().filter(|r| r.question == row.question).collect();
    let side = if question.iter().any(|r| r.computed.is_some()) {
        |r: &ResultRow| r.computed.clone()
    } else {
        |r: &ResultRow| r.published.clone()
    };
    let mut total = BigUint::zero();
    for r in &question {
        if let Some(text) = side(r) {
            total += parse_decimal(&text).ok()?;
        }
    }
    percent(&parse_decimal(&side(row)?).ok()?, &total)
}

pub(crate) fn question_title(election: &ElectionAudit, q: usize) -> String {
    match election.questions.get(q) {
        Some(question) if !question.title.is_empty() => question.title.clone(),
        _ => format!("Question {}", q + 1),
    }
}

pub(crate) fn choice_title(election: &ElectionAudit, q: usize, v: usize) -> String {
    match election.questions.get(q).and_then(|x| x.choices.get(v)) {
        Some(choice) if !choice.is_empty() => choice.clone(),
        _ => format!("Value {v}"),
    }
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
pub(crate) fn finding_rows(result: &AuditResult, status: Status) -> Vec<FindingRow> {
    let mut rows = Vec::new();
    let scoped = result.checks.iter().map(|c| (None, c)).chain(
        result
            .elections
            .iter()
            .flat_map(|e| e.checks.iter().map(move |c| (Some(e), c))),
    );
    for (election, check) in scoped.filter(|(_, c)| c.status == status) {
        let row = |f: Option<&Finding>| FindingRow {
            check_id: check.id.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(1, 3, Some("33.33"))]
    #[case(2, 3, Some("66.67"))]
    #[case(1, 8, Some("12.50"))]
    #[case(1, 40_000, Some("0.00"))] // 0.0025 %: a quarter of a hundredth rounds down
    #[case(1, 20_000, Some("0.01"))] // 0.005 %: exactly half a hundredth rounds up
    #[case(0, 7, Some("0.00"))]
    #[case(7, 7, Some("100.00"))]
    #[case(5, 0, None)]
    fn percent_is_exact_and_rounds_half_up(
        #[case] part: u64,
        #[case] whole: u64,
        #[case] expected: Option<&str>,
    ) {
        assert_eq!(
            percent(&part.into(), &whole.into()).as_deref(),
            expected,
            "{part}/{whole}"
        );
    }

    #[test]
    fn percent_keeps_every_digit_of_big_weights() {
        // 2^70 of 3·2^70 is a third, whatever a double would make of it.
        let part = BigUint::from(1u8) << 70u32;
        let whole = &part * 3u8;
        assert_eq!(percent(&part, &whole).as_deref(), Some("33.33"));
        let whole = &part + 1u8; // a hair under 100 %
        assert_eq!(percent(&part, &whole).as_deref(), Some("100.00"));
    }
}
