//! Results by choice for the ballot modes whose results matrix is not one row per question.
//! The chain tallies every ballot the same way (`results[position][value] += weight`); what a
//! row means is the metadata's `type.name`, and the app reads it as vocdoni-sdk's
//! `ElectionService.calculateChoiceResults` / `calculateMultichoiceAbstains` do
//! (`src/services/election.ts`, `77b5a98`):
//!
//! - `multiple-choice`: a row per selectable position; a choice's total is its column summed over
//!   the rows, and the abstentions are the `abstainValues` columns (values past the choices,
//!   `multichoice.ts`) summed likewise;
//! - `approval`: a row per choice, column 1 its approvals;
//! - `budget`: a row per choice, column 0 its amount.
//!
//! `single-choice-multiquestion` (and any other name) keeps one row per question: the report's
//! table already reads it, and an abstain option there is a choice like any other.

use num_bigint::BigUint;

use crate::api::node::ElectionType;
use crate::protocol::tally::parse_decimal;

use super::result::{ChoiceReading, ChoiceTotal};
use super::turnout::percent;

/// Which cells of the matrix make one choice's total.
fn cells(mode: &str, value: u64, rows: usize) -> Option<Vec<(usize, usize)>> {
    let v = usize::try_from(value).ok()?;
    Some(match mode {
        "multiple-choice" => (0..rows).map(|r| (r, v)).collect(),
        "approval" => vec![(v, 1)],
        "budget" => vec![(v, 0)],
        _ => return None,
    })
}

/// The sum of `cells` of `matrix`, or `None` when one is missing or not a number.
fn sum(matrix: Option<&[Vec<String>]>, cells: &[(usize, usize)]) -> Option<BigUint> {
    let matrix = matrix?;
    cells.iter().try_fold(BigUint::default(), |acc, &(r, c)| {
        Some(acc + parse_decimal(matrix.get(r)?.get(c)?).ok()?)
    })
}

/// The results by choice of an election whose metadata declares `kind` and `questions`
/// questions, with `choice_values` the results columns of the first question's choices, in
/// metadata order; `whole` is the share's denominator (counted ballots, or their voting power
/// when weighted). `None` for modes that keep one row per question, and for approval and budget
/// metadata written the older way, one question per choice (its rows are then questions).
pub fn by_choice(
    kind: &ElectionType,
    questions: usize,
    choice_values: &[u64],
    computed: Option<&[Vec<String>]>,
    published: Option<&[Vec<String>]>,
    whole: Option<&BigUint>,
) -> Option<ChoiceReading> {
    let mode = kind.name.as_str();
    let rows = computed
        .map_or(0, <[_]>::len)
        .max(published.map_or(0, <[_]>::len));
    match mode {
        "multiple-choice" => {}
        "approval" | "budget" if questions == 1 => {}
        _ => return None,
    }
    let total = |values: Vec<u64>| -> ChoiceTotal {
        let cells: Vec<(usize, usize)> = values
            .iter()
            .filter_map(|v| cells(mode, *v, rows))
            .flatten()
            .collect();
        let computed = sum(computed, &cells);
        let of_counted = match (&computed, whole) {
            (Some(part), Some(whole)) => percent(part, whole),
            _ => None,
        };
        ChoiceTotal {
            values,
            computed: computed.map(|n| n.to_string()),
            published: sum(published, &cells).map(|n| n.to_string()),
            of_counted,
        }
    };
    let abstain_values = kind.abstain_values();
    Some(ChoiceReading {
        mode: mode.to_string(),
        choices: choice_values.iter().map(|v| total(vec![*v])).collect(),
        abstain: (mode == "multiple-choice" && !abstain_values.is_empty())
            .then(|| total(abstain_values)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn matrix(rows: &[&[u32]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(u32::to_string).collect())
            .collect()
    }

    fn kind(name: &str, abstain: &[&str]) -> ElectionType {
        ElectionType {
            name: name.into(),
            properties: serde_json::json!({ "canAbstain": !abstain.is_empty(), "abstainValues": abstain }),
        }
    }

    /// Three choices, two positions, abstain values "3" and "4" (the SDK's `String(index +
    /// choices.length)` for `maxNumberOfChoices` 2): 10 ballots.
    #[test]
    fn multiple_choice_sums_each_column_over_the_positions_and_abstentions_apart() {
        let m = matrix(&[&[4, 3, 1, 2, 0], &[1, 2, 3, 0, 4]]);
        let reading = by_choice(
            &kind("multiple-choice", &["3", "4"]),
            1,
            &[0, 1, 2],
            Some(&m),
            Some(&m),
            Some(&10u32.into()),
        )
        .expect("a multiple-choice reading");
        let totals: Vec<_> = reading
            .choices
            .iter()
            .map(|c| c.computed.as_deref().unwrap())
            .collect();
        assert_eq!(totals, ["5", "5", "4"]);
        assert_eq!(reading.choices[0].of_counted.as_deref(), Some("50.00"));
        let abstain = reading.abstain.expect("abstentions");
        assert_eq!(abstain.values, [3, 4]);
        assert_eq!(abstain.computed.as_deref(), Some("6"));
        assert_eq!(abstain.published.as_deref(), Some("6"));
    }

    #[rstest]
    #[case("approval", [[7, 3], [2, 8]], ["3", "8"])]
    #[case("budget", [[120, 0], [80, 0]], ["120", "80"])]
    fn one_row_per_choice(
        #[case] mode: &str,
        #[case] rows: [[u32; 2]; 2],
        #[case] expected: [&str; 2],
    ) {
        let m = matrix(&[&rows[0], &rows[1]]);
        let reading = by_choice(&kind(mode, &[]), 1, &[0, 1], Some(&m), None, None).unwrap();
        let totals: Vec<_> = reading
            .choices
            .iter()
            .map(|c| c.computed.as_deref().unwrap())
            .collect();
        assert_eq!(totals, expected);
        assert!(reading.abstain.is_none());
        assert!(reading.choices.iter().all(|c| c.published.is_none()));
        // Written one question per choice, the rows are the questions: no reading.
        assert_eq!(
            by_choice(&kind(mode, &[]), 2, &[0, 1], Some(&m), None, None),
            None
        );
    }

    #[rstest]
    #[case("single-choice-multiquestion")]
    #[case("")]
    #[case("quadratic")]
    fn modes_with_a_row_per_question_have_no_reading(#[case] mode: &str) {
        let m = matrix(&[&[1, 2]]);
        assert_eq!(
            by_choice(&kind(mode, &[]), 1, &[0, 1], Some(&m), Some(&m), None),
            None
        );
    }

    #[test]
    fn a_missing_or_hostile_published_cell_leaves_that_total_unknown() {
        let computed = matrix(&[&[1, 2, 3], &[3, 2, 1]]);
        let mut published = computed.clone();
        published[1][2] = "1e999999".into();
        published[0].truncate(1);
        let reading = by_choice(
            &kind("multiple-choice", &[]),
            3,
            &[0, 1, 2],
            Some(&computed),
            Some(&published),
            None,
        )
        .unwrap();
        let published: Vec<_> = reading
            .choices
            .iter()
            .map(|c| c.published.as_deref())
            .collect();
        assert_eq!(published, [Some("4"), None, None]);
        assert!(reading.choices.iter().all(|c| c.of_counted.is_none()));
    }

    #[test]
    fn abstain_values_may_be_numbers_and_junk_is_ignored() {
        let kind = ElectionType {
            name: "multiple-choice".into(),
            properties: serde_json::json!({ "abstainValues": ["3", 4, "x", -1] }),
        };
        assert_eq!(kind.abstain_values(), [3, 4]);
        let not_an_object = ElectionType {
            name: "multiple-choice".into(),
            properties: serde_json::json!("abstain"),
        };
        assert!(not_an_object.abstain_values().is_empty());
    }
}
