//! The terminal report: every election's figures and, for a tampered run, a failing-findings
//! table with each location; colour only when asked for.

mod report_common;

use report_common::*;
use vocaudit::report::{Lang, Messages};

fn render_terminal(result: &vocaudit::verify::result::AuditResult, color: bool) -> String {
    vocaudit::report::render_terminal(result, color, &Messages::new(Lang::En))
}

#[test]
fn passing_audit_lists_both_elections_with_results_and_counts() {
    let text = render_terminal(&passing(), false);
    assert!(text.contains("verdict: PASS"), "{text}");
    for id in [E1, E2] {
        assert!(text.contains(&format!("Election {id}")), "{text}");
    }
    assert!(text.contains("votes: 200 listed, 200 counted, 0 skipped, published voteCount 200"));
    assert!(text.contains("Alice Martín") && text.contains("Abstain"));
    assert!(text.contains("1. Approve the 2025 budget?"));
    assert!(
        text.contains("checks: 8 passed · 0 failed · 1 warned · 1 skipped"),
        "{text}"
    );
    assert!(!text.contains("Failing findings"));
    assert!(!text.contains('≠'));
}

#[test]
fn tampered_audit_shows_every_failing_location() {
    let text = render_terminal(&failing(), false);
    assert!(text.contains("verdict: FAIL"), "{text}");
    assert!(text.contains("Failing findings (6)"), "{text}");
    for needle in [
        VOTE,
        TX,
        "[0][1]",
        "V-TALLY-01 (tally)",
        "V-COUNT-01 (count)",
        "V-KEYS-01 (keys)",
        "tx-hash",
        "nullifier",
        "signature",
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
    // The tampered cell is marked in the results table: computed 75, published 95.
    let row = text
        .lines()
        .find(|l| l.contains("│ No "))
        .expect("row for choice No");
    assert!(
        row.contains("75") && row.contains("95") && row.contains('≠'),
        "{row}"
    );
    assert!(
        text.contains("checks: 2 passed · 6 failed · 1 warned · 1 skipped"),
        "{text}"
    );
}

/// The failing table names each check by its title in the report's language, wrapped at word
/// boundaries under the id.
#[rstest::rstest]
#[case(Lang::En, &["Results match the recomputed", "tally"])]
#[case(Lang::Es, &["Los resultados coinciden con", "el recuento recalculado"])]
#[case(Lang::It, &["I risultati coincidono con", "lo scrutinio ricalcolato"])]
fn failing_checks_are_named_in_the_report_language(#[case] lang: Lang, #[case] title: &[&str]) {
    let text = vocaudit::report::render_terminal(&failing(), false, &Messages::new(lang));
    let first_cells: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("│ "))
        .map(|l| l.split(" │").next().unwrap_or_default().trim_end())
        .collect();
    let at = first_cells
        .iter()
        .position(|c| *c == "V-TALLY-01 (tally)")
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(&first_cells[at + 1..at + 1 + title.len()], title, "{text}");
}

#[test]
fn colour_only_when_asked() {
    let plain = render_terminal(&failing(), false);
    let coloured = render_terminal(&failing(), true);
    assert!(!plain.contains('\u{1b}'));
    assert!(coloured.contains("\u{1b}[31m"), "red for failures");
    assert!(coloured.contains("\u{1b}[1m"));
    // Colour must not change the text itself.
    let stripped = strip_ansi(&coloured);
    assert_eq!(stripped, plain);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn turnout_shares_and_a_results_not_final_warning() {
    let mut result = passing();
    let text = render_terminal(&result, false);
    assert!(
        text.contains("turnout: 80.00% of 250 eligible voters · voting power 200 of 400 (50.00%)"),
        "{text}"
    );
    assert!(
        text.contains("computed (power)") && text.contains("37.50%"),
        "{text}"
    );
    assert!(!text.contains("results not final"));
    let e = &mut result.elections[1];
    e.final_results = false;
    e.turnout = Default::default();
    e.votes.skipped = 3;
    e.turnout.skipped_reasons = vec![vocaudit::verify::result::ReasonCount {
        reason: "max value overflow 4 (position 0)".into(),
        ballots: 3,
    }];
    let text = render_terminal(&result, false);
    assert_eq!(text.matches("results not final").count(), 1, "{text}");
    assert!(text.contains("turnout: eligible voters unknown"));
    assert!(text.contains("skipped 3: max value overflow 4 (position 0)"));
}

/// The window as scheduled, and the actual end when the election was ended by hand.
#[rstest::rstest]
#[case(
    Lang::En,
    "scheduled end 1 March 2025, 14:00:00 UTC",
    "actual end 1 March 2025, 11:00:00 UTC (ended by hand at block 30)"
)]
#[case(
    Lang::Ca,
    "final previst 1 de març de 2025, 14:00:00 UTC",
    "final real 1 de març de 2025, 11:00:00 UTC (finalitzada a mà al bloc 30)"
)]
fn the_window_and_a_manual_end_are_shown(
    #[case] lang: Lang,
    #[case] scheduled: &str,
    #[case] actual: &str,
) {
    let plain = vocaudit::report::render_terminal(&passing(), false, &Messages::new(lang));
    assert!(plain.contains(scheduled), "{plain}");
    assert!(!plain.contains(actual), "{plain}");
    let mut result = passing();
    result.elections[0].history = Some(ended_by_hand(
        "2025-03-01T14:00:00Z",
        "2025-03-01T11:00:00Z",
        30,
        None,
    ));
    let text = vocaudit::report::render_terminal(&result, false, &Messages::new(lang));
    assert!(text.contains(actual), "{text}");
    assert_eq!(
        text.matches(actual).count(),
        1,
        "only the election ended by hand"
    );
}
