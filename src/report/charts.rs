//! Charts of one audit, drawn with plotters to SVG (inlined in report.html and embedded in
//! report.pdf) and PNG: per question the computed results as bars labelled with the figure and
//! its share of the counted ballots, in votes or in voting power for a weighted census, the
//! published value as a black marker and any differing bar in vermillion (Okabe–Ito colours);
//! per election the participation buckets and the timeline of votes and chain events. Words follow the report's language. Text uses the DejaVu Sans font embedded in the
//! binary (assets/), so output is the same bytes on any machine, with or without fonts.

use std::sync::OnceLock;

use num_traits::ToPrimitive;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::verify::result::{AuditResult, ElectionAudit};

use super::i18n::Messages;
use super::timeline::{draw as draw_timeline, timeline, Timeline};
use super::view::{choice_title, file_stem, question_title};
use super::ReportError;
use crate::protocol::tally::parse_decimal;

/// DejaVu Sans (Bitstream Vera licence, assets/DejaVuSans-LICENSE.txt).
pub(crate) static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
const FONT_FAMILY: &str = "sans-serif";
const WIDTH: u32 = 800;
const HEIGHT: u32 = 450;
/// Okabe–Ito's colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008): blue
/// for the computed bars, vermillion for a bar that differs from its published value; the two
/// stay apart under protanopia, deuteranopia and tritanopia, and in grey.
const BAR: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const BAR_DIFFERS: RGBColor = RGBColor(0xd5, 0x5e, 0x00);

/// What a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Results of question `n` (0-based).
    Question(usize),
    /// Votes per participation bucket.
    Participation,
    /// Votes over time with the chain's events ([`super::timeline`]).
    Timeline,
}

impl ChartKind {
    /// Position among an election's charts: questions, participation, then the timeline.
    pub fn order(self) -> usize {
        match self {
            ChartKind::Question(q) => q,
            ChartKind::Participation => usize::MAX - 1,
            ChartKind::Timeline => usize::MAX,
        }
    }
}

/// One rendered chart in both formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    pub election_id: String,
    pub kind: ChartKind,
    /// File name without extension: `<electionId>-q<N>` (N 1-based), `<electionId>-participation`
    /// or `<electionId>-timeline`.
    pub stem: String,
    pub title: String,
    /// What the chart shows in words (every bar with its figure), for report.html's alt text.
    pub alt: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// The data of one bar chart, already in display form.
struct BarChart {
    title: String,
    alt: String,
    y_desc: String,
    labels: Vec<String>,
    /// Bar height and whether the bar differs from its published value.
    bars: Vec<(f64, bool)>,
    /// Published value per column, drawn as a marker.
    markers: Vec<Option<f64>>,
    /// Text printed above each bar (the exact decimal figure).
    bar_text: Vec<String>,
}

/// Every chart of the audit, in election order: one per question, then participation when the
/// election has buckets.
pub fn render_charts(result: &AuditResult, m: &Messages) -> Result<Vec<ChartFile>, ReportError> {
    let mut charts = Vec::new();
    for election in &result.elections {
        let stem = file_stem(&election.election_id);
        for (q, chart) in question_charts(election, m)?.into_iter().enumerate() {
            charts.push(draw_both(
                m,
                election,
                ChartKind::Question(q),
                format!("{stem}-q{}", q + 1),
                Figure::Bars(chart),
            )?);
        }
        if !election.participation.is_empty() {
            let chart = participation_chart(election, m);
            charts.push(draw_both(
                m,
                election,
                ChartKind::Participation,
                format!("{stem}-participation"),
                Figure::Bars(chart),
            )?);
        }
        if let Some(chart) = timeline(election, m) {
            charts.push(draw_both(
                m,
                election,
                ChartKind::Timeline,
                format!("{stem}-timeline"),
                Figure::Timeline(chart),
            )?);
        }
    }
    Ok(charts)
}

fn question_charts(election: &ElectionAudit, m: &Messages) -> Result<Vec<BarChart>, ReportError> {
    let computed = election.tally.computed.as_deref();
    let published = election.tally.published.as_deref();
    let questions = computed
        .map_or(0, <[_]>::len)
        .max(published.map_or(0, <[_]>::len));
    let mut charts = Vec::with_capacity(questions);
    for q in 0..questions {
        let c_row = computed.and_then(|m| m.get(q)).map(Vec::as_slice);
        let p_row = published.and_then(|m| m.get(q)).map(Vec::as_slice);
        let values = c_row.map_or(0, <[_]>::len).max(p_row.map_or(0, <[_]>::len));
        // A published cell that is not a number (a hostile node's) gets no marker when there is
        // a computed bar: V-TALLY-01 reports it at its cell.
        let lenient = c_row.is_some();
        let number = |row: Option<&[String]>,
                      v: usize,
                      published: bool|
         -> Result<Option<f64>, ReportError> {
            match row.and_then(|r| r.get(v)) {
                None => Ok(None),
                Some(text) => match parse_decimal(text) {
                    Ok(n) => Ok(Some(n.to_f64().unwrap_or(f64::MAX))),
                    Err(_) if lenient && published => Ok(None),
                    Err(_) => Err(ReportError::TallyCell {
                        election_id: election.election_id.clone(),
                        question: q,
                        value: v,
                        text: text.clone(),
                    }),
                },
            }
        };
        let unit = m.get(if election.turnout.weighted {
            "unit-power"
        } else {
            "unit-votes"
        });
        let mut chart = BarChart {
            title: m.format(
                "chart-question-title",
                &[
                    ("n", (q + 1).into()),
                    ("title", question_title(election, q, m).into()),
                ],
            ),
            y_desc: m.format(
                if c_row.is_some() {
                    "chart-axis-computed"
                } else {
                    "chart-axis-published"
                },
                &[("unit", unit.into())],
            ),
            alt: String::new(),
            labels: Vec::with_capacity(values),
            bars: Vec::with_capacity(values),
            markers: Vec::with_capacity(values),
            bar_text: Vec::with_capacity(values),
        };
        for v in 0..values {
            let c = number(c_row, v, false)?;
            let p = number(p_row, v, true)?;
            // With no computed row the bars show what was published, and there is nothing to mark.
            let (bar, marker) = match c_row {
                Some(_) => (c, p_row.map(|_| p.unwrap_or(0.0))),
                None => (p, None),
            };
            let bar_source = if c_row.is_some() { c_row } else { p_row };
            let differs = c_row.is_some()
                && p_row.is_some()
                && match (c_row.and_then(|r| r.get(v)), p_row.and_then(|r| r.get(v))) {
                    (Some(a), Some(b)) => parse_decimal(a).ok() != parse_decimal(b).ok(),
                    _ => true,
                };
            chart.labels.push(choice_title(election, q, v, m));
            chart.bars.push((bar.unwrap_or(0.0), differs));
            chart.markers.push(marker);
            let shown = bar_source
                .and_then(|r| r.get(v))
                .map_or("—", String::as_str);
            // The exact figure with its share of the counted ballots (voting power when weighted).
            let share = election
                .shares
                .of_counted
                .as_ref()
                .filter(|_| c_row.is_some())
                .and_then(|s| s.get(q)?.get(v));
            let shown = match share {
                Some(p) => m.format(
                    "chart-bar-share",
                    &[
                        ("value", m.number(shown).into()),
                        ("percent", m.percent(p).into()),
                    ],
                ),
                None => m.number(shown),
            };
            chart.bar_text.push(match p_row.and_then(|r| r.get(v)) {
                Some(published) if differs => m.format(
                    "chart-bar-published",
                    &[
                        ("value", shown.into()),
                        ("published", m.number(published).into()),
                    ],
                ),
                None if differs => m.format("chart-bar-not-published", &[("value", shown.into())]),
                _ => shown,
            });
        }
        let bars: Vec<String> = chart
            .labels
            .iter()
            .zip(&chart.bar_text)
            .map(|(label, text)| format!("{label} {text}"))
            .collect();
        chart.alt = m.format(
            "chart-alt-question",
            &[
                ("n", (q + 1).into()),
                ("title", question_title(election, q, m).into()),
                ("bars", bars.join("; ").into()),
            ],
        );
        charts.push(chart);
    }
    Ok(charts)
}

fn participation_chart(election: &ElectionAudit, m: &Messages) -> BarChart {
    let buckets = &election.participation;
    let starts: Vec<Option<chrono::DateTime<chrono::Utc>>> = buckets
        .iter()
        .map(|b| {
            chrono::DateTime::parse_from_rfc3339(&b.start)
                .ok()
                .map(|t| t.with_timezone(&chrono::Utc))
        })
        .collect();
    // Short labels fit under narrow bars: the time alone when every bucket is on one day, the
    // date alone for day-wide buckets, both otherwise.
    let days: std::collections::BTreeSet<_> =
        starts.iter().flatten().map(|t| t.date_naive()).collect();
    let all_midnight = starts
        .iter()
        .flatten()
        .all(|t| t.time() == chrono::NaiveTime::MIN);
    let format = if days.len() <= 1 {
        "%H:%M"
    } else if all_midnight {
        "%m-%d"
    } else {
        "%m-%d %H:%M"
    };
    let title = match (days.len(), days.iter().next()) {
        (1, Some(day)) => m.format(
            "chart-participation-title-day",
            &[("day", day.to_string().into())],
        ),
        _ => m.get("chart-participation-title"),
    };
    let alt = m.format(
        "chart-alt-participation",
        &[
            ("count", buckets.len().into()),
            (
                "from",
                m.datetime(buckets.first().map_or("", |b| b.start.as_str()))
                    .into(),
            ),
            (
                "to",
                m.datetime(buckets.last().map_or("", |b| b.start.as_str()))
                    .into(),
            ),
        ],
    );
    BarChart {
        title,
        alt,
        y_desc: m.get("chart-axis-votes"),
        labels: buckets
            .iter()
            .zip(&starts)
            .map(|(b, t)| t.map_or_else(|| b.start.clone(), |t| t.format(format).to_string()))
            .collect(),
        bars: buckets.iter().map(|b| (b.votes as f64, false)).collect(),
        markers: vec![None; buckets.len()],
        bar_text: buckets.iter().map(|b| m.count(b.votes)).collect(),
    }
}

/// A chart of either shape.
enum Figure {
    Bars(BarChart),
    Timeline(Timeline),
}

impl Figure {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        legend: &Legend,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        match self {
            Figure::Bars(chart) => draw(root, chart, legend),
            Figure::Timeline(chart) => draw_timeline(root, chart, FONT_FAMILY),
        }
    }

    fn into_words(self) -> (String, String) {
        match self {
            Figure::Bars(c) => (c.title, c.alt),
            Figure::Timeline(c) => (c.title, c.alt),
        }
    }
}

fn draw_both(
    m: &Messages,
    election: &ElectionAudit,
    kind: ChartKind,
    stem: String,
    chart: Figure,
) -> Result<ChartFile, ReportError> {
    register_font().map_err(|message| ReportError::Chart {
        chart: stem.clone(),
        message,
    })?;
    let fail = |message: String| ReportError::Chart {
        chart: stem.clone(),
        message,
    };
    let legend = Legend {
        computed: m.get("chart-legend-computed"),
        differs: m.get("chart-legend-differs"),
        published: m.get("chart-legend-published"),
    };

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        chart
            .draw(&root, &legend)
            .map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }

    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        chart
            .draw(&root, &legend)
            .map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let png = encode_png(&rgb).map_err(|e| fail(e.to_string()))?;

    let (title, alt) = chart.into_words();
    Ok(ChartFile {
        election_id: election.election_id.clone(),
        kind,
        stem,
        title,
        alt,
        svg,
        png,
    })
}

fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

/// Registers the embedded font with plotters once per process.
fn register_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT)
                .map_err(|_| "the embedded DejaVu Sans font does not load".to_string())
        })
        .clone()
}

/// Shortens a label to `max` characters, ending in "…" when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// The legend's words.
struct Legend {
    computed: String,
    differs: String,
    published: String,
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &BarChart,
    legend: &Legend,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let n = chart.bars.len().max(1);
    let top = chart
        .bars
        .iter()
        .map(|b| b.0)
        .chain(chart.markers.iter().flatten().copied())
        .fold(0.0f64, f64::max);
    // Headroom above the tallest bar keeps its label clear of the legend box.
    let y_max = if top <= 0.0 { 1.0 } else { top * 1.3 };
    // Label every column while they fit, then every k-th.
    let step = n.div_ceil(12);
    let label_chars = (96 / n.min(12)).clamp(6, 24);

    let mut ctx = ChartBuilder::on(root)
        .caption(shorten(&chart.title, 70), (FONT_FAMILY, 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..n as f64, 0f64..y_max)?;

    let y_integers = y_max < 10.0;
    ctx.configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_max_light_lines(1)
        .y_desc(chart.y_desc.as_str())
        .y_labels(if y_integers {
            y_max.ceil() as usize + 1
        } else {
            8
        })
        .y_label_formatter(&|y| {
            if *y >= 1e15 {
                format!("{y:.2e}")
            } else {
                format!("{y:.0}")
            }
        })
        .label_style((FONT_FAMILY, 14))
        .axis_desc_style((FONT_FAMILY, 14))
        .draw()?;

    // Column labels under the axis, centred on their bars (the mesh's own labels would sit on
    // round numbers, not on columns).
    let label_style =
        TextStyle::from((FONT_FAMILY, 14).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    ctx.draw_series(
        chart
            .labels
            .iter()
            .enumerate()
            .step_by(step)
            .map(|(i, label)| {
                EmptyElement::at((i as f64 + 0.5, 0.0))
                    + Text::new(shorten(label, label_chars), (0, 8), label_style.clone())
            }),
    )?;

    let bar = |(i, (value, _)): (usize, &(f64, bool)), color: RGBColor| {
        Rectangle::new(
            [(i as f64 + 0.15, 0.0), (i as f64 + 0.85, *value)],
            color.filled(),
        )
    };
    ctx.draw_series(
        chart
            .bars
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.1)
            .map(|b| bar(b, BAR)),
    )?
    .label(legend.computed.as_str())
    .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], BAR.filled()));

    if chart.bars.iter().any(|b| b.1) {
        ctx.draw_series(
            chart
                .bars
                .iter()
                .enumerate()
                .filter(|(_, b)| b.1)
                .map(|b| bar(b, BAR_DIFFERS)),
        )?
        .label(legend.differs.as_str())
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], BAR_DIFFERS.filled()));
    }

    let text_style = TextStyle::from((FONT_FAMILY, 13).into_font())
        .pos(Pos::new(HPos::Center, VPos::Bottom))
        .color(&BLACK);
    ctx.draw_series(chart.bar_text.iter().enumerate().map(|(i, text)| {
        let bar = chart.bars.get(i).map_or(0.0, |b| b.0);
        let marker = chart.markers.get(i).copied().flatten().unwrap_or(0.0);
        let y = bar.max(marker);
        Text::new(
            shorten(text, 32),
            (i as f64 + 0.5, y + y_max * 0.01),
            text_style.clone(),
        )
    }))?;

    if chart.markers.iter().any(Option::is_some) {
        ctx.draw_series(chart.markers.iter().enumerate().filter_map(|(i, m)| {
            m.map(|p| {
                PathElement::new(
                    vec![(i as f64 + 0.05, p), (i as f64 + 0.95, p)],
                    BLACK.stroke_width(3),
                )
            })
        }))?
        .label(legend.published.as_str())
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK.stroke_width(3)));
        ctx.configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT_FAMILY, 13))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
    }
    Ok(())
}
