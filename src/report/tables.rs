//! The spreadsheet exports: `results.csv`, one row per election × question × choice with the
//! computed and published values, whether they match and the choice's share, and `votes.csv`,
//! one row per listed vote with its identifiers, block, time, weight and what the tally made of
//! it. Comma-separated, UTF-8, a header row, locale-free numbers (decimal integers, `.` before
//! the decimals) so any spreadsheet or script reads them the same way.

use chrono::DateTime;

use crate::verify::result::{AuditResult, VoteOutcome};

use super::i18n::{Lang, Messages};
use super::view::{result_rows, ResultRow};
use super::ReportError;

const RESULTS_HEADER: [&str; 10] = [
    "election_id",
    "question",
    "question_title",
    "choice",
    "choice_title",
    "computed",
    "published",
    "match",
    "percent_of_counted",
    "percent_of_eligible",
];

const VOTES_HEADER: [&str; 10] = [
    "election_id",
    "vote_id",
    "nullifier",
    "tx_hash",
    "block",
    "time",
    "weight",
    "outcome",
    "reason",
    "overwrites",
];

/// results.csv: questions and choices numbered from 1 as the report shows them; `match` is
/// `yes`, `no`, or empty when only one side exists; the percentages are the result's
/// [`crate::verify::result::Shares`] of the computed cell (empty where report.json has none).
pub fn results_csv(result: &AuditResult) -> Result<Vec<u8>, ReportError> {
    // Language-neutral: titles in the metadata's default language, English placeholders.
    let m = Messages::new(Lang::En);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(RESULTS_HEADER).map_err(csv_error)?;
    for election in &result.elections {
        let rows = result_rows(election, &m);
        for row in &rows {
            let matches = match (&row.computed, &row.published) {
                (Some(_), Some(_)) if row.differs => "no",
                (Some(_), Some(_)) => "yes",
                _ => "",
            };
            out.write_record([
                election.election_id.as_str(),
                &(row.question + 1).to_string(),
                &row.question_title,
                &(row.value + 1).to_string(),
                &row.choice_title,
                cell(row, |r| &r.computed),
                cell(row, |r| &r.published),
                matches,
                row.of_counted.as_deref().unwrap_or_default(),
                row.of_eligible.as_deref().unwrap_or_default(),
            ])
            .map_err(csv_error)?;
        }
    }
    out.into_inner()
        .map_err(|e| csv_error(e.into_error().into()))
}

fn cell(row: &ResultRow, side: fn(&ResultRow) -> &Option<String>) -> &str {
    side(row).as_deref().unwrap_or_default()
}

/// votes.csv, or `None` when no election of `result` carries its vote ledger (a result read back
/// from report.json). `time` is the block time in UTC (RFC 3339); `outcome` is `counted`,
/// `skipped`, `manual-review`, `undetermined` or `duplicate`, with the reason beside it.
pub fn votes_csv(result: &AuditResult) -> Result<Option<Vec<u8>>, ReportError> {
    if result.elections.iter().all(|e| e.ballots.is_none()) {
        return Ok(None);
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(VOTES_HEADER).map_err(csv_error)?;
    for election in &result.elections {
        for vote in election.ballots.iter().flatten() {
            let (outcome, reason) = match &vote.outcome {
                VoteOutcome::Counted => ("counted", ""),
                VoteOutcome::Skipped(why) => ("skipped", &**why),
                VoteOutcome::ManualReview => (
                    "manual-review",
                    "a value outside the node's safe range [0, 2^32)",
                ),
                VoteOutcome::Undetermined(why) => ("undetermined", &**why),
                VoteOutcome::Duplicate => ("duplicate", "vote id listed more than once"),
            };
            let time = vote
                .time
                .and_then(|t| DateTime::from_timestamp(t, 0))
                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default();
            out.write_record([
                election.election_id.as_str(),
                &vote.vote_id.to_string(),
                &vote.nullifier.map(hex::encode).unwrap_or_default(),
                &vote
                    .tx_hash
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                &vote.block.map(|b| b.to_string()).unwrap_or_default(),
                &time,
                vote.weight.as_deref().unwrap_or_default(),
                outcome,
                reason,
                &vote.overwrites.map(|o| o.to_string()).unwrap_or_default(),
            ])
            .map_err(csv_error)?;
        }
    }
    out.into_inner()
        .map(Some)
        .map_err(|e| csv_error(e.into_error().into()))
}

fn csv_error(source: csv::Error) -> ReportError {
    ReportError::Csv(source.to_string())
}
