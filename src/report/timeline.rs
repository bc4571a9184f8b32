//! The election's timeline chart: votes counted over time as a cumulative line, with a vertical
//! mark at every moment the chain recorded — created, voting opened, each status, census or
//! duration change, keys added and revealed, the scheduled end and, after a manual end, the
//! actual one. Vocdoni's own report prints the scheduled and the actual end side by side because
//! organisations end votes by hand; the chart shows where the votes fell between the two.
//!
//! Built from report.json's data only (participation buckets and `history`), so a report
//! re-rendered from report.json draws the same chart. Colours are Okabe–Ito's, each kind also
//! named in the legend, so no mark depends on colour alone.

use chrono::{DateTime, Utc};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::verify::result::ElectionAudit;

use super::i18n::Messages;

/// Okabe–Ito colours of the marks.
const ORANGE: RGBColor = RGBColor(0xe6, 0x9f, 0x00);
const SKY_BLUE: RGBColor = RGBColor(0x56, 0xb4, 0xe9);
const GREEN: RGBColor = RGBColor(0x00, 0x9e, 0x73);
const YELLOW: RGBColor = RGBColor(0xf0, 0xe4, 0x42);
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const VERMILLION: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
const PURPLE: RGBColor = RGBColor(0xcc, 0x79, 0xa7);
const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// What a vertical mark stands for, in legend order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    Created,
    Start,
    /// A status change other than the end (paused, resumed).
    Status,
    Census,
    Duration,
    KeyAdded,
    ScheduledEnd,
    ActualEnd,
    KeyRevealed,
}

impl MarkKind {
    /// The legend's message id.
    fn message(self) -> &'static str {
        match self {
            MarkKind::Created => "timeline-created",
            MarkKind::Start => "timeline-start",
            MarkKind::Status => "timeline-status",
            MarkKind::Census => "timeline-census",
            MarkKind::Duration => "timeline-duration",
            MarkKind::KeyAdded => "timeline-key-added",
            MarkKind::ScheduledEnd => "timeline-scheduled-end",
            MarkKind::ActualEnd => "timeline-actual-end",
            MarkKind::KeyRevealed => "timeline-key-revealed",
        }
    }

    fn color(self) -> RGBColor {
        match self {
            MarkKind::Created => GREY,
            MarkKind::Start => GREEN,
            MarkKind::Status => ORANGE,
            MarkKind::Census => SKY_BLUE,
            MarkKind::Duration => YELLOW,
            MarkKind::KeyAdded => PURPLE,
            MarkKind::ScheduledEnd => BLACK,
            MarkKind::ActualEnd => VERMILLION,
            MarkKind::KeyRevealed => PURPLE,
        }
    }

    /// Dashed: the schedule and the key added before voting, beside their solid counterparts
    /// (the actual end, the key revealed) in the same or a close colour.
    fn dashed(self) -> bool {
        matches!(self, MarkKind::ScheduledEnd | MarkKind::KeyAdded)
    }
}

/// One vertical mark: a kind at a time (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub kind: MarkKind,
    pub at: f64,
}

/// The data of one timeline chart, in display form.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub title: String,
    pub alt: String,
    y_desc: String,
    /// The cumulative count of votes: (unix seconds, votes so far).
    pub votes: Vec<(f64, f64)>,
    pub marks: Vec<Mark>,
    /// The legend's word per kind present, in [`MarkKind`] order, then the votes line's.
    legend: Vec<(MarkKind, String)>,
    votes_label: String,
}

fn unix(rfc3339: &str) -> Option<f64> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.timestamp() as f64)
}

/// The timeline of `election`, or `None` when it has nothing to place in time (no votes over
/// time and no history).
pub fn timeline(election: &ElectionAudit, m: &Messages) -> Option<Timeline> {
    let history = election.history.as_ref();
    let mut marks = Vec::new();
    let mut mark = |kind: MarkKind, time: Option<&str>| {
        if let Some(at) = time.and_then(unix) {
            marks.push(Mark { kind, at });
        }
    };
    mark(MarkKind::Start, Some(&election.start_date));
    let scheduled = history.and_then(|h| h.scheduled_end.as_deref());
    mark(
        MarkKind::ScheduledEnd,
        Some(scheduled.unwrap_or(&election.end_date)),
    );
    if let Some(end) = history.and_then(|h| h.actual_end.as_ref()) {
        if end.by == "manual" {
            mark(MarkKind::ActualEnd, end.time.as_deref());
        }
    }
    for event in history.map_or(&[][..], |h| &h.events) {
        let kind = match event.kind.as_str() {
            "created" => MarkKind::Created,
            // The manual end is already marked as the actual end.
            "status"
                if history
                    .and_then(|h| h.actual_end.as_ref())
                    .is_some_and(|e| e.tx_hash.as_deref() == Some(event.tx_hash.as_str())) =>
            {
                continue
            }
            "status" | "set-process" => MarkKind::Status,
            "census" => MarkKind::Census,
            "duration" => MarkKind::Duration,
            "key-added" => MarkKind::KeyAdded,
            "key-revealed" => MarkKind::KeyRevealed,
            _ => continue,
        };
        mark(kind, event.time.as_deref());
    }

    // Each bucket's votes are counted by the start of the next (the last spans one width).
    let starts: Vec<f64> = election
        .participation
        .iter()
        .filter_map(|b| unix(&b.start))
        .collect();
    let mut votes = Vec::new();
    if starts.len() == election.participation.len() && !starts.is_empty() {
        let width = match starts.as_slice() {
            [.., a, b] => b - a,
            _ => 60.0,
        };
        // The last bucket closes no later than voting did (the manual end, else the schedule).
        let closed = marks
            .iter()
            .filter(|m| matches!(m.kind, MarkKind::ActualEnd | MarkKind::ScheduledEnd))
            .map(|m| m.at)
            .fold(f64::INFINITY, f64::min);
        votes.push((starts[0], 0.0));
        let mut total = 0u64;
        for (i, bucket) in election.participation.iter().enumerate() {
            total += bucket.votes;
            let end = match starts.get(i + 1) {
                Some(next) => *next,
                None => (starts[i] + width).min(closed).max(starts[i]),
            };
            votes.push((end, total as f64));
        }
    }
    if votes.is_empty() && history.is_none() {
        return None;
    }
    marks.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.kind.cmp(&b.kind)));

    let mut kinds: Vec<MarkKind> = marks.iter().map(|mk| mk.kind).collect();
    kinds.sort();
    kinds.dedup();
    let legend = kinds.into_iter().map(|k| (k, m.get(k.message()))).collect();
    let described: Vec<String> = marks
        .iter()
        .map(|mk| {
            let when = DateTime::<Utc>::from_timestamp(mk.at as i64, 0)
                .map(|t| m.datetime(&t.to_rfc3339()))
                .unwrap_or_default();
            format!("{} {when}", m.get(mk.kind.message()))
        })
        .collect();
    let total = votes.last().map_or(0, |v| v.1 as u64);
    Some(Timeline {
        title: m.get("chart-timeline-title"),
        alt: m.format(
            "chart-alt-timeline",
            &[
                ("votes", m.count(total).into()),
                ("marks", described.join("; ").into()),
            ],
        ),
        y_desc: m.get("chart-axis-votes-so-far"),
        votes,
        marks,
        legend,
        votes_label: m.get("timeline-votes"),
    })
}

/// Draws `chart` on `root`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Timeline,
    font: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let times = chart
        .votes
        .iter()
        .map(|v| v.0)
        .chain(chart.marks.iter().map(|m| m.at));
    let (lo, hi) = times.fold((f64::MAX, f64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let (lo, hi) = if lo > hi { (0.0, 1.0) } else { (lo, hi) };
    let pad = ((hi - lo) * 0.04).max(30.0);
    let (x0, x1) = (lo - pad, hi + pad);
    let top = chart.votes.iter().map(|v| v.1).fold(0.0f64, f64::max);
    // Headroom for the legend above the line.
    let y_max = if top <= 0.0 { 1.0 } else { top * 1.45 };
    let span = x1 - x0;
    let format = if span <= 2.0 * 86_400.0 {
        "%H:%M"
    } else {
        "%m-%d %H:%M"
    };

    let mut ctx = ChartBuilder::on(root)
        .caption(chart.title.as_str(), (font, 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, 0f64..y_max)?;
    ctx.configure_mesh()
        .disable_x_mesh()
        .x_labels(6)
        .x_label_formatter(&|x| {
            DateTime::<Utc>::from_timestamp(*x as i64, 0)
                .map(|t| t.format(format).to_string())
                .unwrap_or_default()
        })
        .y_max_light_lines(1)
        .y_desc(chart.y_desc.as_str())
        .y_labels(if y_max < 10.0 {
            y_max.ceil() as usize + 1
        } else {
            8
        })
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style((font, 14))
        .axis_desc_style((font, 14))
        .draw()?;

    for (kind, word) in &chart.legend {
        let color = kind.color();
        let style = color.stroke_width(if *kind == MarkKind::ActualEnd { 3 } else { 2 });
        let lines: Vec<Vec<(f64, f64)>> = chart
            .marks
            .iter()
            .filter(|m| m.kind == *kind)
            .map(|m| vec![(m.at, 0.0), (m.at, y_max)])
            .collect();
        let series = if kind.dashed() {
            ctx.draw_series(
                lines
                    .into_iter()
                    .map(|l| DashedPathElement::new(l, 6, 4, style).into_dyn()),
            )?
        } else {
            ctx.draw_series(
                lines
                    .into_iter()
                    .map(|l| PathElement::new(l, style).into_dyn()),
            )?
        };
        let dashed = kind.dashed();
        series.label(word.as_str()).legend(move |(x, y)| {
            let points = vec![(x, y), (x + 14, y)];
            if dashed {
                DashedPathElement::new(points, 4, 3, style).into_dyn()
            } else {
                PathElement::new(points, style).into_dyn()
            }
        });
    }
    if !chart.votes.is_empty() {
        ctx.draw_series(LineSeries::new(
            chart.votes.iter().copied(),
            BLUE.stroke_width(3),
        ))?
        .label(chart.votes_label.as_str())
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLUE.stroke_width(3)));
    }
    ctx.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((font, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}
