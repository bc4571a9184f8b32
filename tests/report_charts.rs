//! Charts: one per question plus participation, deterministic bytes, the tampered cell drawn in
//! red with the published marker, and hostile ids kept inside the charts directory.

mod report_common;

use report_common::*;
use vocaudit::report::charts::ChartKind;
use vocaudit::report::{render_all, Lang, Messages, RenderOptions};
use vocaudit::verify::result::{ElectionHistory, HistoryEvent};

fn render_charts(
    result: &vocaudit::verify::result::AuditResult,
) -> Result<Vec<vocaudit::report::ChartFile>, vocaudit::report::ReportError> {
    vocaudit::report::render_charts(result, &Messages::new(Lang::En))
}

/// Okabe–Ito vermillion and blue.
const RED_BAR: &str = "#D55E00";
const BLUE_BAR: &str = "#0072B2";

fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

#[test]
fn one_chart_per_question_and_participation_with_stable_names() {
    let charts = render_charts(&passing()).unwrap();
    let stems: Vec<&str> = charts.iter().map(|c| c.stem.as_str()).collect();
    assert_eq!(
        stems,
        [
            format!("{E1}-q1"),
            format!("{E1}-q2"),
            format!("{E1}-participation"),
            format!("{E1}-timeline"),
            format!("{E2}-q1"),
            format!("{E2}-q2"),
            format!("{E2}-participation"),
            format!("{E2}-timeline"),
        ]
    );
    assert_eq!(charts[1].kind, ChartKind::Question(1));
    for chart in &charts {
        assert_eq!(png_size(&chart.png), (800, 450));
        // A drawn chart is far from a blank white image.
        assert!(
            chart.png.len() > 5_000,
            "{} png only {} bytes",
            chart.stem,
            chart.png.len()
        );
        assert!(chart.svg.starts_with("<svg"));
        assert!(
            !chart.svg.contains(RED_BAR),
            "nothing differs in a passing audit"
        );
    }
    assert!(
        charts[0].svg.contains("Abstain") && charts[0].svg.contains("Approve the 2025 budget?")
    );
    // Buckets all on 2025-03-01: the day goes in the title, the hours label the bars.
    assert!(
        charts[2].svg.contains("2025-03-01") && charts[2].svg.contains("08:00"),
        "participation labelled by bucket time"
    );
    assert!(!charts[2].svg.contains("03-01 08:00"));
}

#[test]
fn same_input_same_bytes() {
    let a = render_charts(&failing()).unwrap();
    let b = render_charts(&failing()).unwrap();
    assert_eq!(a, b);
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let r1 = render_all(&failing(), d1.path(), &RenderOptions::default()).unwrap();
    let r2 = render_all(&failing(), d2.path(), &RenderOptions::default()).unwrap();
    assert_eq!(r1.charts.len(), 16);
    for (p1, p2) in r1.charts.iter().zip(&r2.charts) {
        assert_eq!(p1.file_name(), p2.file_name());
        assert_eq!(
            std::fs::read(p1).unwrap(),
            std::fs::read(p2).unwrap(),
            "{p1:?}"
        );
    }
}

#[test]
fn tampered_cell_is_red_with_a_published_marker() {
    let charts = render_charts(&failing()).unwrap();
    let q1 = &charts[0];
    assert!(q1.svg.contains(RED_BAR), "differing bar drawn in red");
    assert!(q1.svg.contains("differs from published") && q1.svg.contains(">\npublished\n<"));
    assert_eq!(
        q1.svg.matches(RED_BAR).count(),
        2,
        "one red bar plus its legend swatch"
    );
    assert!(
        q1.svg.contains("75 (37.50%) (published 95)"),
        "the differing bar names both figures"
    );
    // The PNG shows the red too.
    let untampered = render_charts(&passing()).unwrap();
    assert_ne!(q1.png, untampered[0].png);
    // Question 2 is untouched: no red.
    assert!(!charts[1].svg.contains(RED_BAR));
}

#[test]
fn hostile_election_id_stays_in_the_charts_directory() {
    let dir = tempfile::tempdir().unwrap();
    let rendered = render_all(&hostile(), dir.path(), &RenderOptions::default()).unwrap();
    for path in &rendered.charts {
        assert_eq!(path.parent().unwrap(), dir.path().join("charts"));
    }
    let names: Vec<&str> = rendered
        .charts
        .iter()
        .filter_map(|p| p.file_name()?.to_str())
        .collect();
    assert!(names.contains(&"______etc_passwd-q1.svg"), "{names:?}");
}

#[test]
fn a_non_decimal_tally_cell_is_a_typed_error_unless_a_computed_tally_is_drawn() {
    let mut result = passing();
    result.elections[1].tally.published.as_mut().unwrap()[1][0] = "0x3c".into();
    // Beside the computed bars the hostile cell gets no marker (V-TALLY-01 locates it).
    assert!(render_charts(&result).is_ok());
    result.elections[1].tally.computed = None;
    let err = render_charts(&result).unwrap_err().to_string();
    assert!(
        err.contains("[1][0]") && err.contains(E2) && err.contains("0x3c"),
        "{err}"
    );
}

#[test]
fn bars_say_their_share_in_the_right_unit_with_colour_blind_safe_colours() {
    let weighted = render_charts(&passing()).unwrap();
    let q1 = &weighted[0].svg;
    // [120, 75, 5] of 200 counted (voting power): every bar carries its figure and share.
    for label in ["120 (60.00%)", "75 (37.50%)", "5 (2.50%)"] {
        assert!(q1.contains(label), "missing {label}");
    }
    assert!(q1.contains("voting power (computed)"));
    assert!(!q1.contains("votes (computed)"));
    assert!(q1.contains(BLUE_BAR) && !q1.contains(RED_BAR));
    // Not weighted: the axis counts votes.
    let mut result = passing();
    result.elections[0].turnout.weighted = false;
    let plain = render_charts(&result).unwrap();
    assert!(plain[0].svg.contains("votes (computed)"));
    // The alt text lists every bar with its share.
    assert!(
        weighted[0]
            .alt
            .contains("Yes 120 (60.00%); No 75 (37.50%); Abstain 5 (2.50%)"),
        "{}",
        weighted[0].alt
    );
    assert!(
        weighted[2].alt.contains("6 intervals"),
        "{}",
        weighted[2].alt
    );
    // In Catalan, with its decimal comma.
    let ca = vocaudit::report::render_charts(&passing(), &Messages::new(Lang::Ca)).unwrap();
    assert!(ca[0].svg.contains("75 (37,50"), "catalan share");
    assert!(ca[0].svg.contains("pes de vot (recalculat)"));
}

/// An election ended by hand at 11:00, three hours before its scheduled 14:00 end, with a
/// census change at 09:30 and its key revealed after the manual end.
fn ended_early() -> vocaudit::verify::result::AuditResult {
    let mut result = passing();
    let event = |height: u64, time: &str, kind: &str| HistoryEvent {
        height,
        index: 0,
        time: Some(time.into()),
        tx_hash: format!("{height:064x}"),
        kind: kind.into(),
        description: kind.into(),
        signer: None,
    };
    result.elections[0].history = Some(ElectionHistory {
        events: vec![
            event(1, "2025-03-01T07:50:00Z", "created"),
            event(20, "2025-03-01T09:30:00Z", "census"),
            event(30, "2025-03-01T11:00:00Z", "status"),
            event(31, "2025-03-01T11:01:00Z", "key-revealed"),
        ],
        ..ended_by_hand(
            "2025-03-01T14:00:00Z",
            "2025-03-01T11:00:00Z",
            30,
            Some(format!("{:064x}", 30)),
        )
    });
    result
}

#[rstest::rstest]
#[case(Lang::En, "scheduled end", "actual end (by hand)", "census change")]
#[case(Lang::Es, "fin previsto", "fin real (manual)", "cambio de censo")]
#[case(Lang::Ca, "final previst", "final real (manual)", "canvi de cens")]
#[case(
    Lang::It,
    "fine prevista",
    "fine effettiva (manuale)",
    "cambio del censimento"
)]
fn the_timeline_marks_the_scheduled_and_the_actual_end(
    #[case] lang: Lang,
    #[case] scheduled: &str,
    #[case] actual: &str,
    #[case] census: &str,
) {
    let charts = vocaudit::report::render_charts(&ended_early(), &Messages::new(lang)).unwrap();
    let timeline = charts
        .iter()
        .find(|c| c.election_id == E1 && c.kind == ChartKind::Timeline)
        .expect("a timeline for the election ended early");
    assert_eq!(png_size(&timeline.png), (800, 450));
    for word in [scheduled, actual, census] {
        assert!(timeline.svg.contains(word), "{word:?} not in the legend");
        assert!(
            timeline.alt.contains(word),
            "{word:?} not in {:?}",
            timeline.alt
        );
    }
    // The manual end in vermillion; its status transaction is not marked twice.
    assert!(timeline.svg.contains(RED_BAR));
    assert_eq!(timeline.alt.matches(actual).count(), 1, "{}", timeline.alt);
    // The alt text says when: the manual end at 11:00, the schedule at 14:00.
    assert!(timeline.alt.contains("11:00:00") && timeline.alt.contains("14:00:00"));
}

#[test]
fn without_a_manual_end_the_timeline_has_no_actual_end() {
    let charts = render_charts(&passing()).unwrap();
    let timeline = charts
        .iter()
        .find(|c| c.kind == ChartKind::Timeline)
        .expect("timeline");
    assert!(timeline.svg.contains("scheduled end"));
    assert!(!timeline.svg.contains("actual end"));
    assert!(!timeline.svg.contains(RED_BAR));
}

#[test]
fn an_election_with_nothing_in_time_has_no_timeline() {
    let mut result = passing();
    result.elections[0].participation.clear();
    result.elections[0].history = None;
    let charts = render_charts(&result).unwrap();
    let timelines: Vec<&str> = charts
        .iter()
        .filter(|c| c.kind == ChartKind::Timeline)
        .map(|c| c.election_id.as_str())
        .collect();
    assert_eq!(timelines, [E2]);
}

#[test]
fn the_votes_line_stops_when_voting_closed() {
    let mut result = passing();
    result.elections[0].end_date = "2025-03-01T13:30:00Z".into();
    let line = vocaudit::report::timeline::timeline(&result.elections[0], &Messages::new(Lang::En))
        .expect("timeline");
    let end = chrono::DateTime::parse_from_rfc3339("2025-03-01T13:30:00Z")
        .unwrap()
        .timestamp() as f64;
    // The last hourly bucket starts at 13:00: its votes are counted by 13:30, not 14:00.
    assert_eq!(line.votes.last().map(|p| p.0), Some(end));
    assert_eq!(line.votes.last().map(|p| p.1), Some(200.0));
}
