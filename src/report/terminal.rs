//! The terminal report: verdict line, one block per election (status, vote counts, computed vs
//! published results, check counts) and a table of failing findings with their locations.
//! Colour is applied only when the caller says the output is a terminal.

use std::fmt::Write;

use tabled::builder::Builder;
use tabled::settings::object::{Cell, Columns, Rows};
use tabled::settings::{Color, Style, Width};

use crate::verify::result::{AuditResult, ElectionAudit, Status, Verdict};

use super::view::{finding_rows, result_rows, CheckCounts};

/// Renders `result` as text for a terminal; `color` adds ANSI colours (the CLI passes whether
/// stdout is a terminal).
pub fn render_terminal(result: &AuditResult, color: bool) -> String {
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
        Verdict::Pass => ("PASS", Color::FG_GREEN | Color::BOLD),
        Verdict::Fail => ("FAIL", Color::FG_RED | Color::BOLD),
        Verdict::Incomplete => ("INCOMPLETE", Color::FG_YELLOW | Color::BOLD),
    };
    let _ = writeln!(
        out,
        "{} {} — verdict: {} ({} passed, {} failed, {} warned, {} skipped)",
        result.tool.name,
        result.tool.version,
        paint(verdict, &verdict_color),
        all.pass,
        all.fail,
        all.warn,
        all.skip
    );
    let _ = writeln!(out, "generated {}", result.generated_at);
    if let Some(bundle) = &result.bundle {
        let _ = writeln!(
            out,
            "bundle manifest sha256 {} ({} files)",
            bundle.manifest_sha256, bundle.files
        );
    }
    if !result.checks.is_empty() {
        let c = CheckCounts::of(&result.checks);
        let _ = writeln!(
            out,
            "evidence checks: {} passed, {} failed, {} warned, {} skipped",
            c.pass, c.fail, c.warn, c.skip
        );
    }
    for election in &result.elections {
        out.push('\n');
        render_election(&mut out, election, color, &paint);
    }

    let failing = finding_rows(result, Status::Fail);
    if !failing.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                &format!("Failing findings ({})", failing.len()),
                &(Color::FG_RED | Color::BOLD)
            )
        );
        let mut builder = Builder::default();
        builder.push_record(["check", "location", "message", "expected", "actual"]);
        for row in &failing {
            // One line per locating field keeps the 64-hex ids readable without a huge table.
            let mut location = vec![format!("election {}", row.election_id)];
            location.extend(row.vote_id.as_ref().map(|v| format!("vote {v}")));
            location.extend(row.tx_hash.as_ref().map(|t| format!("tx {t}")));
            location.extend(row.cell.as_ref().map(|c| format!("cell {c}")));
            location.extend(row.key_index.map(|k| format!("key index {k}")));
            builder.push_record([
                format!("{} ({})", row.check_id, row.category),
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
            "\n{} check(s) could not be verified exactly (warn); see report.html for details.",
            all.warn
        );
    }
    out
}

fn render_election(
    out: &mut String,
    election: &ElectionAudit,
    color: bool,
    paint: &dyn Fn(&str, &Color) -> String,
) {
    let title = election
        .title
        .as_deref()
        .map(|t| format!(" — {t}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{}",
        paint(&format!("Election {}", election.election_id), &Color::BOLD),
        title
    );
    let published = election
        .votes
        .published
        .map(|n| format!(", published voteCount {n}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  status {} · census {} · {}",
        election.status,
        if election.census_origin.is_empty() {
            "unknown"
        } else {
            &election.census_origin
        },
        if election.encrypted {
            "encrypted"
        } else {
            "not encrypted"
        }
    );
    let _ = writeln!(
        out,
        "  votes: {} listed, {} counted, {} skipped{}",
        election.votes.listed, election.votes.counted, election.votes.skipped, published
    );
    for reason in &election.turnout.skipped_reasons {
        let _ = writeln!(out, "    skipped {}: {}", reason.ballots, reason.reason);
    }
    let t = &election.turnout;
    let mut turnout = match (t.eligible, &t.percent) {
        (Some(eligible), Some(p)) => format!("  turnout: {p} % of {eligible} eligible voters"),
        (Some(eligible), None) => format!("  turnout: {eligible} eligible voters"),
        _ => "  turnout: eligible voters unknown".to_string(),
    };
    if let (Some(used), Some(all), Some(p)) = (&t.power_used, &t.eligible_power, &t.power_percent) {
        let _ = write!(turnout, " · voting power {used} of {all} ({p} %)");
    }
    let _ = writeln!(out, "{turnout}");
    if !election.final_results {
        let _ = writeln!(
            out,
            "  {}",
            paint(
                "results not final: they may still change",
                &(Color::FG_YELLOW | Color::BOLD)
            )
        );
    }

    let rows = result_rows(election);
    if rows.is_empty() {
        let _ = writeln!(out, "  results: none computed or published");
    } else {
        let mut builder = Builder::default();
        let unit = if election.turnout.weighted {
            "computed (power)"
        } else {
            "computed"
        };
        builder.push_record(["question", "choice", unit, "% counted", "published", ""]);
        for row in &rows {
            builder.push_record([
                format!("{}. {}", row.question + 1, row.question_title),
                row.choice_title.clone(),
                row.computed.clone().unwrap_or_else(|| "—".into()),
                row.of_counted
                    .as_ref()
                    .map_or_else(|| "—".into(), |p| format!("{p} %")),
                row.published.clone().unwrap_or_else(|| "—".into()),
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
    let failed = if c.fail > 0 {
        paint(
            &format!("{} failed", c.fail),
            &(Color::FG_RED | Color::BOLD),
        )
    } else {
        "0 failed".to_string()
    };
    let warned = if c.warn > 0 {
        paint(&format!("{} warned", c.warn), &Color::FG_YELLOW)
    } else {
        "0 warned".to_string()
    };
    let _ = writeln!(
        out,
        "  checks: {} passed, {}, {}, {} skipped",
        c.pass, failed, warned, c.skip
    );
}
