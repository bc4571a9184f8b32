//! Tally checks: the results recomputed from the ballots (vocdoni-node:vochain/results) equal
//! what the node publishes, cell by cell, and the scrutiny's ABI blob encodes them.

mod v_tally_01_results_match;
mod v_tally_02_scrutiny_match;
mod v_tally_03_abi;

pub use v_tally_01_results_match::ResultsMatch;
pub use v_tally_02_scrutiny_match::ScrutinyMatch;
pub use v_tally_03_abi::AbiEncoding;

use crate::protocol::tally::parse_decimal;
use crate::verify::check::{Level, Remarks};
use crate::verify::result::Location;

/// Compares two results matrices cell by cell as big integers, locating each differing cell
/// (`[question, value]`). A cell present on one side only is a difference; an unparsable cell is
/// a difference too. `expected` is the side taken as reference.
pub(crate) fn compare_cells(
    expected: &[Vec<String>],
    actual: &[Vec<String>],
    at: &Location,
    what: &str,
    level: Level,
    out: &mut Remarks,
) {
    let rows = expected.len().max(actual.len());
    for q in 0..rows {
        let (e_row, a_row) = (expected.get(q), actual.get(q));
        let cols = e_row.map_or(0, Vec::len).max(a_row.map_or(0, Vec::len));
        for v in 0..cols {
            let e = e_row.and_then(|r| r.get(v));
            let a = a_row.and_then(|r| r.get(v));
            let same = match (e, a) {
                (Some(e), Some(a)) => match (parse_decimal(e), parse_decimal(a)) {
                    (Ok(x), Ok(y)) => x == y,
                    _ => false,
                },
                _ => false,
            };
            if same {
                out.pass();
            } else {
                out.add(
                    level,
                    Location {
                        cell: Some([q, v]),
                        ..at.clone()
                    },
                    format!("{what}: cell [{q}][{v}] differs"),
                    Some(e.cloned().unwrap_or_else(|| "no cell".into())),
                    Some(a.cloned().unwrap_or_else(|| "no cell".into())),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::result::Status;

    fn m(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn locates_each_differing_cell() {
        let mut out = Remarks::default();
        let at = Location::election("ab");
        compare_cells(
            &m(&[&["1", "2"], &["3", "4"]]),
            &m(&[&["1", "02"], &["3", "5", "0"]]),
            &at,
            "result",
            Level::Fail,
            &mut out,
        );
        assert_eq!(out.status(), Status::Fail);
        assert_eq!(out.passed(), 3);
        let r = out.conclude(&crate::verify::check::catalogue_info("V-TALLY-01"), "x");
        let cells: Vec<_> = r.findings.iter().map(|f| f.location.cell).collect();
        assert_eq!(cells, [Some([1, 1]), Some([1, 2])]);
        assert_eq!(r.findings[0].expected.as_deref(), Some("4"));
        assert_eq!(r.findings[0].actual.as_deref(), Some("5"));
        assert_eq!(r.findings[1].expected.as_deref(), Some("no cell"));
    }

    #[test]
    fn unparsable_cells_differ() {
        let mut out = Remarks::default();
        compare_cells(
            &m(&[&["1"]]),
            &m(&[&["x"]]),
            &Location::election("ab"),
            "result",
            Level::Fail,
            &mut out,
        );
        assert_eq!(out.count(Level::Fail), 1);
    }
}
