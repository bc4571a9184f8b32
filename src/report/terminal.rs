//! The terminal report: verdict line, one block per election (status, vote counts, computed vs
//! published results, check counts) and a table of failing findings with their locations.
//! Colour is applied only when the caller says the output is a terminal.

use std::fmt::Write;

use tabled::builder::Builder;
use tabled::settings::object::{Cell, Columns, Rows};
use tabled::settings::{Color, Style, Width};

use crate::verify::result::{AuditResult, ElectionAudit, Status, Verdict};

use super::i18n::Messages;
use super::view::{election_title, finding_rows, result_rows, CheckCounts};

/// Renders `result` as text for a terminal in `m`'s language; `color` adds ANSI colours (the CLI
/// passes whether stdout is a terminal). Check ids, categories and the verifier's own messages
/// stay as report.json has them.
pub fn render_terminal(result: &AuditResult, color: bool, m: &Messages) -> String {
    let paint = |text: &str, c: &Color| {
        if color {
            format!("{}{}{}", c.get_prefix(), text, c.get_suffix())
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    let all = CheckCounts::of(result.all_checks());
    let (verdict, verdict_color) = match result.verdict {
        Verdict::Pass => ("verdict-pass", Color::FG_GREEN | Color::BOLD),
        Verdict::Fail => ("verdict-fail", Color::FG_RED | Color::BOLD),
        Verdict::Incomplete => ("verdict-incomplete", Color::FG_YELLOW | Color::BOLD),
    };
    let _ = writeln!(
        out,
        "{} {} — {}",
        result.tool.name,
        result.tool.version,
        m.format(
            "term-verdict",
            &[
                ("verdict", paint(&m.get(verdict), &verdict_color).into()),
                ("counts", counts_text(&all, m).into()),
            ]
        )
    );
    let _ = writeln!(
        out,
        "{}",
        m.format(
            "term-generated",
            &[("date", m.datetime(&result.generated_at).into())]
        )
    );
    if let Some(bundle) = &result.bundle {
        let _ = writeln!(
            out,
            "{}",
            m.format(
                "term-bundle",
                &[
                    ("sha", bundle.manifest_sha256.as_str().into()),
                    ("files", m.count(bundle.files).into()),
                ]
            )
        );
    }
    if !result.checks.is_empty() {
        let c = CheckCounts::of(&result.checks);
        let _ = writeln!(
            out,
            "{}",
            m.format(
                "term-evidence-checks",
                &[("counts", counts_text(&c, m).into())]
            )
        );
    }
    for election in &result.elections {
        out.push('\n');
        render_election(&mut out, election, color, &paint, m);
    }

    let failing = finding_rows(result, Status::Fail, m);
    if !failing.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                &m.format("term-failing", &[("count", failing.len().into())]),
                &(Color::FG_RED | Color::BOLD)
            )
        );
        let mut builder = Builder::default();
        builder.push_record([
            m.get("col-check"),
            m.get("col-location"),
            m.get("term-col-message"),
            m.get("col-expected"),
            m.get("col-actual"),
        ]);
        for row in &failing {
            // One line per locating field keeps the 64-hex ids readable without a huge table.
            let at = |key: &str, value: &dyn std::fmt::Display| format!("{} {value}", m.get(key));
            let mut location = vec![at("loc-election", &row.election_id)];
            location.extend(row.vote_id.as_ref().map(|v| at("loc-vote", v)));
            location.extend(row.tx_hash.as_ref().map(|t| at("loc-tx", t)));
            location.extend(row.cell.as_ref().map(|c| at("loc-cell", c)));
            location.extend(row.key_index.map(|k| at("loc-key-index", &k)));
            builder.push_record([
                format!(
                    "{} ({})\n{}",
                    row.check_id,
                    row.category,
                    wrap_words(&row.check_title, CHECK_COLUMN)
                ),
                location.join("\n"),
                row.message.clone(),
                row.expected.clone().unwrap_or_default(),
                row.actual.clone().unwrap_or_default(),
            ]);
        }
        let mut table = builder.build();
        table.with(Style::rounded());
        // Long messages and values wrap instead of widening the table past the terminal.
        table.modify(Columns::single(2), Width::wrap(60).keep_words(true));
        table.modify(Columns::new(3..5), Width::wrap(34));
        if color {
            table.modify(Rows::first(), Color::BOLD);
            for i in 1..=failing.len() {
                table.modify(Cell::new(i, 0), Color::FG_RED);
            }
        }
        let _ = writeln!(out, "{table}");
    }
    if all.warn > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            m.format("term-warned", &[("count", all.warn.into())])
        );
    }
    out
}

/// Width of the failing table's check column: an id with its category, then the title wrapped.
const CHECK_COLUMN: usize = 28;

/// `text` broken into lines of at most `width` characters at spaces (a longer word keeps its own
/// line). tabled's word wrap counts a cell's earlier lines against its first, so the title is
/// wrapped here, before it joins the id's line.
fn wrap_words(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out
}

/// "3 passed · 0 failed · 1 warned · 1 skipped" in `m`'s language.
fn counts_text(c: &CheckCounts, m: &Messages) -> String {
    m.format(
        "check-counts",
        &[
            ("pass", m.count(c.pass).into()),
            ("fail", m.count(c.fail).into()),
            ("warn", m.count(c.warn).into()),
            ("skip", m.count(c.skip).into()),
        ],
    )
}

fn render_election(
    out: &mut String,
    election: &ElectionAudit,
    color: bool,
    paint: &dyn Fn(&str, &Color) -> String,
    m: &Messages,
) {
    let title = election_title(election, m)
        .map(|t| format!(" — {t}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{}",
        paint(
            &m.format(
                "term-election",
                &[("id", election.election_id.as_str().into())]
            ),
            &Color::BOLD
        ),
        title
    );
    let census = if election.census_origin.is_empty() {
        m.get("unknown")
    } else {
        election.census_origin.clone()
    };
    let encrypted = m.get(if election.encrypted {
        "term-encrypted"
    } else {
        "term-not-encrypted"
    });
    let _ = writeln!(
        out,
        "  {}",
        m.format(
            "term-status",
            &[
                ("status", election.status.as_str().into()),
                ("census", census.into()),
                ("encrypted", encrypted.into()),
            ]
        )
    );
    // The window as scheduled and, after a manual end, when voting really closed (the history).
    let history = election.history.as_ref();
    let scheduled = history
        .and_then(|h| h.scheduled_end.as_deref())
        .unwrap_or(&election.end_date);
    let mut window = m.format(
        "term-window",
        &[
            ("start", m.datetime(&election.start_date).into()),
            ("end", m.datetime(scheduled).into()),
        ],
    );
    if let Some(end) = history
        .and_then(|h| h.actual_end.as_ref())
        .filter(|e| e.by == "manual")
    {
        let how = m.format(
            "actual-end-manual",
            &[("height", m.count(end.height.unwrap_or_default()).into())],
        );
        let time = end
            .time
            .as_deref()
            .map(|t| m.datetime(t))
            .unwrap_or_default();
        let actual = m.format(
            "term-actual-end",
            &[("time", time.into()), ("how", how.into())],
        );
        let _ = write!(
            window,
            " · {}",
            paint(&actual, &(Color::FG_YELLOW | Color::BOLD))
        );
    }
    let _ = writeln!(out, "  {window}");
    let v = &election.votes;
    let published = v
        .published
        .map(|n| m.format("term-votes-published", &[("count", m.count(n).into())]))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {}{published}",
        m.format(
            "term-votes",
            &[
                ("listed", m.count(v.listed).into()),
                ("counted", m.count(v.counted).into()),
                ("skipped", m.count(v.skipped).into()),
            ]
        )
    );
    for reason in &election.turnout.skipped_reasons {
        let _ = writeln!(
            out,
            "    {}",
            m.format(
                "term-skipped-reason",
                &[
                    ("count", m.count(reason.ballots).into()),
                    ("reason", reason.reason.as_str().into()),
                ]
            )
        );
    }
    let t = &election.turnout;
    let mut turnout = match (t.eligible, &t.percent) {
        (Some(eligible), Some(p)) => m.format(
            "term-turnout",
            &[
                ("percent", m.percent(p).into()),
                ("eligible", m.count(eligible).into()),
            ],
        ),
        (Some(eligible), None) => m.format(
            "term-turnout-count",
            &[("eligible", m.count(eligible).into())],
        ),
        _ => m.get("term-turnout-unknown"),
    };
    if let (Some(used), Some(all), Some(p)) = (&t.power_used, &t.eligible_power, &t.power_percent) {
        let power = m.format(
            "term-power",
            &[
                ("used", m.number(used).into()),
                ("eligible", m.number(all).into()),
                ("percent", m.percent(p).into()),
            ],
        );
        let _ = write!(turnout, " · {power}");
    }
    let _ = writeln!(out, "  {turnout}");
    if !election.final_results {
        let _ = writeln!(
            out,
            "  {}",
            paint(&m.get("term-not-final"), &(Color::FG_YELLOW | Color::BOLD))
        );
    }

    let rows = result_rows(election, m);
    if rows.is_empty() {
        let _ = writeln!(out, "  {}", m.get("term-no-results"));
    } else {
        let mut builder = Builder::default();
        builder.push_record([
            m.get("col-question").to_lowercase(),
            m.get("col-choice").to_lowercase(),
            m.get(if t.weighted {
                "term-col-computed-power"
            } else {
                "term-col-computed"
            }),
            m.get("term-col-of-counted"),
            m.get("term-col-published"),
            String::new(),
        ]);
        let number = |n: &Option<String>| n.as_deref().map_or_else(|| "—".into(), |n| m.number(n));
        for row in &rows {
            builder.push_record([
                format!("{}. {}", row.question + 1, row.question_title),
                row.choice_title.clone(),
                number(&row.computed),
                row.of_counted
                    .as_deref()
                    .map_or_else(|| "—".into(), |p| m.percent(p)),
                number(&row.published),
                if row.differs { "≠" } else { "" }.to_string(),
            ]);
        }
        let mut table = builder.build();
        table.with(Style::rounded());
        if color {
            table.modify(Rows::first(), Color::BOLD);
            for (i, row) in rows.iter().enumerate() {
                if row.differs {
                    table.modify(Rows::single(i + 1), Color::FG_RED);
                }
            }
        }
        let _ = writeln!(out, "{table}");
    }

    let c = CheckCounts::of(&election.checks);
    let mut counts = counts_text(&c, m);
    if color {
        // Only the non-zero failed and warned figures are coloured.
        let failed = m.format(
            "check-counts",
            &[
                ("pass", m.count(c.pass).into()),
                (
                    "fail",
                    paint(&m.count(c.fail), &(Color::FG_RED | Color::BOLD)).into(),
                ),
                ("warn", paint(&m.count(c.warn), &Color::FG_YELLOW).into()),
                ("skip", m.count(c.skip).into()),
            ],
        );
        if c.fail > 0 || c.warn > 0 {
            counts = failed;
        }
    }
    let _ = writeln!(
        out,
        "  {}",
        m.format("term-checks", &[("counts", counts.into())])
    );
}
