//! report.pdf: the report as an archivable A4 document, made natively with krilla (no browser):
//! a running header with the process (or election) id and "page N of M", the verdict, the
//! header facts, each election's definition, participation, results and charts (the same SVG
//! charts as report.html, embedded as vectors with selectable text through krilla-svg), its
//! checks, the failing findings and the evidence, and the sha256 of the signed summary
//! (`summary.json`, the canonical bytes [`Summary::to_canonical_json`] writes) so a printed copy
//! can be tied to its signature. Text is the embedded DejaVu Sans, selectable and searchable.
//!
//! Layout is two passes: the content is laid out into pages of drawing operations, then each
//! page is drawn with its header, once the page count is known.

use std::sync::{Arc, OnceLock};

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};
use sha2::{Digest, Sha256};

use crate::verify::result::{AuditResult, EligibleSource, PowerSource, Status, Verdict};

use super::charts::{ChartFile, FONT};
use super::i18n::{Arg, Messages};
use super::summary::Summary;
use super::view::{by_choice, check_title, election_title, finding_rows, result_rows, CheckCounts};
use super::ReportError;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 48.0;
const TOP: f32 = 64.0;
const BOTTOM: f32 = 48.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const BODY: f32 = 9.5;
const SMALL: f32 = 8.0;
const LEADING: f32 = 1.35;
/// The most results rows the PDF lists per election.
const MAX_RESULT_ROWS: usize = 1_000;

const BLACK: (u8, u8, u8) = (0x1d, 0x21, 0x25);
const GREY: (u8, u8, u8) = (0x4a, 0x50, 0x56);
const LINE: (u8, u8, u8) = (0xd0, 0xd4, 0xd9);
const SOFT: (u8, u8, u8) = (0xf4, 0xf6, 0xf8);
const PASS: (u8, u8, u8) = (0x1b, 0x7f, 0x3b);
const FAIL: (u8, u8, u8) = (0xb3, 0x26, 0x1e);
const AMBER: (u8, u8, u8) = (0xa4, 0x5d, 0x00);
const WHITE: (u8, u8, u8) = (0xff, 0xff, 0xff);

/// One drawing operation on a page, in points from the top-left corner.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        color: (u8, u8, u8),
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: (u8, u8, u8),
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
    Svg {
        chart: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// Glyph advances of the embedded font, to wrap text.
struct Metrics {
    face: ttf_parser::Face<'static>,
}

impl Metrics {
    fn width(&self, text: &str, size: f32) -> f32 {
        let per_em = f32::from(self.face.units_per_em());
        let units: f32 = text
            .chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map_or(per_em * 0.6, f32::from)
            })
            .sum();
        units / per_em * size
    }

    fn advance(&self, c: char, size: f32) -> f32 {
        let per_em = f32::from(self.face.units_per_em());
        self.face
            .glyph_index(c)
            .and_then(|g| self.face.glyph_hor_advance(g))
            .map_or(per_em * 0.6, f32::from)
            / per_em
            * size
    }

    /// `text` broken into lines of at most `width` points: at spaces, and inside a word (a
    /// 64-hex id) only when the word alone is too wide. Linear in the text's length (a hostile
    /// node's million-digit figure included).
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let space = self.advance(' ', size);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in paragraph.split(' ') {
                let word_w = self.width(word, size);
                let gap = if line.is_empty() { 0.0 } else { space };
                if line_w + gap + word_w <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w += gap + word_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                for c in word.chars() {
                    let w = self.advance(c, size);
                    if line_w + w > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += w;
                }
            }
            lines.push(line);
        }
        lines
    }
}

fn metrics() -> Option<&'static Metrics> {
    static METRICS: OnceLock<Option<Metrics>> = OnceLock::new();
    METRICS
        .get_or_init(|| {
            ttf_parser::Face::parse(FONT, 0)
                .ok()
                .map(|face| Metrics { face })
        })
        .as_ref()
}

/// The content laid out into pages.
struct Layout<'a> {
    m: &'a Messages,
    metrics: &'static Metrics,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        self.pages.last_mut().unwrap_or_else(|| unreachable!())
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Makes room for `height` points, starting a new page when they do not fit.
    fn room(&mut self, height: f32) {
        if self.y + height > PAGE_H - BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, color: (u8, u8, u8), text: &str) {
        if !text.is_empty() {
            self.page().push(Op::Text {
                x,
                y,
                size,
                color,
                text: text.to_string(),
            });
        }
    }

    /// A wrapped paragraph across the content width.
    fn paragraph(&mut self, text: &str, size: f32, color: (u8, u8, u8)) {
        for line in self.metrics.wrap(text, size, CONTENT_W) {
            self.room(size * LEADING);
            self.y += size * LEADING;
            self.text_at(MARGIN_X, self.y - size * 0.3, size, color, &line);
        }
        self.y += size * 0.4;
    }

    fn heading(&mut self, text: &str, size: f32) {
        // Keep a heading with at least a few lines of what follows.
        self.room(size * 2.0 + 60.0);
        self.y += size * 0.9;
        self.paragraph(text, size, BLACK);
        if size >= 14.0 {
            let y = self.y - size * 0.2;
            self.page().push(Op::Line {
                x1: MARGIN_X,
                y1: y,
                x2: MARGIN_X + CONTENT_W,
                y2: y,
            });
            self.y += 4.0;
        }
    }

    /// A banner: a coloured band with white text.
    fn banner(&mut self, title: &str, text: &str, color: (u8, u8, u8)) {
        let title_lines = self.metrics.wrap(title, 16.0, CONTENT_W - 20.0);
        let lines = self.metrics.wrap(text, BODY, CONTENT_W - 20.0);
        let h = 14.0 + title_lines.len() as f32 * 20.0 + lines.len() as f32 * BODY * LEADING;
        self.room(h + 6.0);
        let top = self.y;
        self.page().push(Op::Rect {
            x: MARGIN_X,
            y: top,
            w: CONTENT_W,
            h,
            color,
        });
        let mut y = top + 6.0;
        for line in title_lines {
            y += 20.0;
            self.text_at(MARGIN_X + 10.0, y - 4.0, 16.0, WHITE, &line);
        }
        for line in lines {
            y += BODY * LEADING;
            self.text_at(MARGIN_X + 10.0, y - 2.0, BODY, WHITE, &line);
        }
        self.y = top + h + 8.0;
    }

    /// A table: `widths` are fractions of the content width; with `header` the first row is
    /// shaded. Rows never split across pages; a row in `highlight` is drawn in red.
    fn table(
        &mut self,
        widths: &[f32],
        rows: &[Vec<String>],
        highlight: &[bool],
        size: f32,
        header: bool,
    ) {
        let widths: Vec<f32> = widths.iter().map(|w| w * CONTENT_W).collect();
        for (r, row) in rows.iter().enumerate() {
            let cells: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(text, w)| self.metrics.wrap(text, size, w - 6.0))
                .collect();
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = lines as f32 * size * LEADING + 5.0;
            self.room(h);
            let top = self.y;
            if r == 0 && header {
                self.page().push(Op::Rect {
                    x: MARGIN_X,
                    y: top,
                    w: CONTENT_W,
                    h,
                    color: SOFT,
                });
            }
            let color = if highlight.get(r).copied().unwrap_or(false) {
                FAIL
            } else {
                BLACK
            };
            let mut x = MARGIN_X;
            for (cell, w) in cells.iter().zip(&widths) {
                for (i, line) in cell.iter().enumerate() {
                    let y = top + 2.0 + (i + 1) as f32 * size * LEADING - size * 0.3;
                    self.text_at(x + 3.0, y, size, color, line);
                }
                x += w;
            }
            self.y = top + h;
            let y = self.y;
            self.page().push(Op::Line {
                x1: MARGIN_X,
                y1: y,
                x2: MARGIN_X + CONTENT_W,
                y2: y,
            });
        }
        self.y += 8.0;
    }

    /// Label–value pairs, two columns. A long unbroken value (a 64-hex id) is set smaller so
    /// it fits on one line.
    fn pairs(&mut self, pairs: &[(String, String)]) {
        let label_w = CONTENT_W * 0.3;
        let value_w = CONTENT_W - label_w - 6.0;
        for (label, value) in pairs {
            let size = if value.lines().any(|l| !l.contains(' ') && l.len() > 40) {
                SMALL
            } else {
                BODY
            };
            let labels = self.metrics.wrap(label, BODY, label_w - 8.0);
            let lines = self.metrics.wrap(value, size, value_w);
            let h = (labels.len().max(lines.len()).max(1)) as f32 * BODY * LEADING;
            self.room(h);
            let top = self.y;
            for (i, line) in labels.iter().enumerate() {
                let y = top + BODY + i as f32 * BODY * LEADING;
                self.text_at(MARGIN_X, y, BODY, GREY, line);
            }
            for (i, line) in lines.iter().enumerate() {
                let y = top + BODY + i as f32 * BODY * LEADING;
                self.text_at(MARGIN_X + label_w, y, size, BLACK, line);
            }
            self.y = top + h + 1.5;
        }
        self.y += 6.0;
    }

    fn chart(&mut self, index: usize, caption: &str) {
        let w = CONTENT_W;
        let h = w * 450.0 / 800.0;
        self.room(h + 20.0);
        let y = self.y;
        self.page().push(Op::Svg {
            chart: index,
            x: MARGIN_X,
            y,
            w,
            h,
        });
        self.y += h + 2.0;
        self.paragraph(caption, SMALL, GREY);
    }
}

/// The sha256 (hex) of the summary.json that signing writes for `result`.
pub fn summary_sha256(result: &AuditResult) -> Result<String, ReportError> {
    Ok(hex::encode(Sha256::digest(
        Summary::of(result).to_canonical_json()?,
    )))
}

/// Renders report.pdf in `m`'s language. `charts` are those of [`super::render_charts`] for
/// the same result and language.
pub fn render_pdf(
    result: &AuditResult,
    charts: &[ChartFile],
    m: &Messages,
) -> Result<Vec<u8>, ReportError> {
    let fail = |message: String| ReportError::Pdf(message);
    let metrics = metrics().ok_or_else(|| fail("the embedded font does not parse".into()))?;
    let mut layout = Layout {
        m,
        metrics,
        pages: Vec::new(),
        y: TOP,
    };
    lay_out(&mut layout, result, charts)?;
    let pages = layout.pages;

    let font = Font::new(FONT.to_vec().into(), 0)
        .ok_or_else(|| fail("the embedded font does not load".into()))?;
    let trees = charts
        .iter()
        .map(|c| svg_tree(&c.svg).map_err(|e| fail(format!("chart {}: {e}", c.stem))))
        .collect::<Result<Vec<_>, _>>()?;
    let running_id = result
        .source
        .process_id
        .clone()
        .or_else(|| result.elections.first().map(|e| e.election_id.clone()))
        .unwrap_or_default();
    let running = m.format("pdf-running-header", &[("id", running_id.into())]);

    let mut document = Document::new();
    let total = pages.len();
    for (n, ops) in pages.into_iter().enumerate() {
        let settings =
            PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| fail("A4 page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let page_no = m.format(
            "pdf-page",
            &[
                ("n", Arg::Count(n as u64 + 1)),
                ("total", Arg::Count(total as u64)),
            ],
        );
        draw_text(&mut surface, &font, MARGIN_X, 32.0, SMALL, GREY, &running);
        let w = metrics.width(&page_no, SMALL);
        draw_text(
            &mut surface,
            &font,
            PAGE_W - MARGIN_X - w,
            32.0,
            SMALL,
            GREY,
            &page_no,
        );
        draw_line(&mut surface, MARGIN_X, 38.0, PAGE_W - MARGIN_X, 38.0);
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    color,
                    text,
                } => draw_text(&mut surface, &font, x, y, size, color, &text),
                Op::Rect { x, y, w, h, color } => {
                    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
                        let mut path = PathBuilder::new();
                        path.push_rect(rect);
                        if let Some(path) = path.finish() {
                            surface.set_stroke(None);
                            surface.set_fill(Some(fill(color)));
                            surface.draw_path(&path);
                        }
                    }
                }
                Op::Line { x1, y1, x2, y2 } => draw_line(&mut surface, x1, y1, x2, y2),
                Op::Svg { chart, x, y, w, h } => {
                    if let (Some(tree), Some(size)) = (trees.get(chart), Size::from_wh(w, h)) {
                        surface.push_transform(&krilla::geom::Transform::from_translate(x, y));
                        surface.draw_svg(tree, size, SvgSettings::default());
                        surface.pop();
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    let title = result
        .title
        .clone()
        .or_else(|| result.elections.first().and_then(|e| election_title(e, m)))
        .unwrap_or_else(|| running_id_or_tool(result));
    document.set_metadata(
        Metadata::new()
            .title(title)
            .language(m.lang().code().to_string())
            .creator(format!("{} {}", result.tool.name, result.tool.version)),
    );
    document
        .finish()
        .map_err(|e| fail(format!("writing the PDF: {e:?}")))
}

fn running_id_or_tool(result: &AuditResult) -> String {
    format!("{} {}", result.tool.name, result.tool.version)
}

fn fill(color: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw_text(
    surface: &mut Surface,
    font: &Font,
    x: f32,
    y: f32,
    size: f32,
    color: (u8, u8, u8),
    text: &str,
) {
    surface.set_stroke(None);
    surface.set_fill(Some(fill(color)));
    surface.draw_text(
        Point::from_xy(x, y),
        font.clone(),
        size,
        text,
        false,
        TextDirection::Auto,
    );
}

fn draw_line(surface: &mut Surface, x1: f32, y1: f32, x2: f32, y2: f32) {
    let mut path = PathBuilder::new();
    path.move_to(x1, y1);
    path.line_to(x2, y2);
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(LINE.0, LINE.1, LINE.2).into(),
            width: 0.6,
            ..Default::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

/// A chart's SVG parsed with the embedded font as every family (plotters writes `sans-serif`).
fn svg_tree(svg: &str) -> Result<usvg::Tree, usvg::Error> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    let fontdb = FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(FONT.to_vec());
            db.set_sans_serif_family("DejaVu Sans");
            db.set_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone();
    let options = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb,
        ..Default::default()
    };
    usvg::Tree::from_str(svg, &options)
}

fn lay_out(
    l: &mut Layout<'_>,
    result: &AuditResult,
    charts: &[ChartFile],
) -> Result<(), ReportError> {
    let m = l.m;
    let counts = CheckCounts::of(result.all_checks());
    let counts_text = |c: &CheckCounts| {
        m.format(
            "check-counts",
            &[
                ("pass", m.count(c.pass).into()),
                ("fail", m.count(c.fail).into()),
                ("warn", m.count(c.warn).into()),
                ("skip", m.count(c.skip).into()),
            ],
        )
    };
    let (headline, explanation, color) = match result.verdict {
        Verdict::Pass => (m.get("verdict-pass"), m.get("explain-pass"), PASS),
        Verdict::Fail => (
            m.format("headline-fail", &[("count", counts.fail.into())]),
            m.get("explain-fail"),
            FAIL,
        ),
        Verdict::Incomplete => (
            m.get("verdict-incomplete"),
            m.get("explain-incomplete"),
            AMBER,
        ),
    };
    l.banner(
        &headline,
        &format!(
            "{} {} — {}",
            explanation,
            counts_text(&counts),
            m.format(
                "election-count",
                &[("count", result.elections.len().into())]
            )
        ),
        color,
    );
    l.paragraph(
        &m.format(
            "meta-line",
            &[
                (
                    "tool",
                    format!("{} {}", result.tool.name, result.tool.version).into(),
                ),
                ("date", m.datetime(&result.generated_at).into()),
            ],
        ),
        SMALL,
        GREY,
    );

    let mut header = Vec::new();
    if let Some(o) = super::view::organization_line(result, m) {
        header.push((m.get("header-organisation"), o));
    }
    if let Some(t) = &result.title {
        header.push((m.get("header-process"), t.clone()));
    }
    if let Some(p) = &result.source.process_id {
        header.push((m.get("header-saas-process"), p.clone()));
    }
    header.push((
        m.format(
            "header-elections",
            &[("count", result.elections.len().into())],
        ),
        result
            .elections
            .iter()
            .map(|e| e.election_id.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    ));
    if let Some(c) = &result.source.chain_id {
        header.push((m.get("header-chain"), c.clone()));
    }
    if let Some(n) = &result.source.node {
        header.push((m.get("header-node"), n.clone()));
    }
    if let Some(s) = &result.source.saas {
        header.push((m.get("header-saas"), s.clone()));
    }
    if let Some(b) = &result.bundle {
        header.push((m.get("header-fetched"), m.datetime(&b.fetched_at)));
        header.push((m.get("header-manifest"), b.manifest_sha256.clone()));
    }
    header.push((m.get("pdf-summary-sha"), summary_sha256(result)?));
    l.pairs(&header);

    for (n, e) in result.elections.iter().enumerate() {
        let title = election_title(e, m)
            .map(|t| format!(": {t}"))
            .unwrap_or_default();
        l.heading(
            &format!(
                "{}{title}",
                m.format("election-heading", &[("n", (n + 1).into())])
            ),
            15.0,
        );
        if !e.final_results {
            l.banner(&m.get("not-final-strong"), &m.get("not-final-text"), AMBER);
        }
        let date = |s: &str| {
            if s.is_empty() {
                m.get("unknown")
            } else {
                m.datetime(s)
            }
        };
        let mut end = date(&e.end_date);
        if e.manually_ended {
            end = format!("{end} · {}", m.get("ended-early"));
        }
        let mut pairs = vec![
            (m.get("def-election-id"), e.election_id.clone()),
            (
                m.get("def-status"),
                format!(
                    "{} · {}",
                    e.status,
                    m.get(if e.final_results {
                        "results-final"
                    } else {
                        "results-not-final"
                    })
                ),
            ),
            (m.get("def-start"), date(&e.start_date)),
            (m.get("def-end"), end),
            (
                m.get("def-visibility"),
                m.get(match e.results_visibility {
                    crate::verify::result::ResultsVisibility::Live => "visibility-live",
                    crate::verify::result::ResultsVisibility::SecretUntilEnd => "visibility-secret",
                }),
            ),
            (
                m.get("def-authentication"),
                m.get(&format!(
                    "auth-{}",
                    serde_json::to_value(e.authentication)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                )),
            ),
            (
                m.get("def-census-origin"),
                if e.census_origin.is_empty() {
                    m.get("unknown")
                } else {
                    e.census_origin.clone()
                },
            ),
        ];
        if !e.census_root.is_empty() {
            pairs.push((m.get("def-census-root"), e.census_root.clone()));
        }
        if !e.census_uri.is_empty() {
            pairs.push((m.get("def-census-uri"), e.census_uri.clone()));
        }
        l.pairs(&pairs);

        l.heading(&m.get("participation-heading"), 11.5);
        let t = &e.turnout;
        let unknown = m.get("unknown");
        let mut rows = vec![
            vec![
                m.get("eligible-voters"),
                t.eligible.map_or(unknown.clone(), |n| m.count(n)),
                m.get(match t.eligible_source {
                    Some(EligibleSource::CensusDump) => "source-census-dump",
                    Some(EligibleSource::SaasCensusSize) => "source-saas-size",
                    Some(EligibleSource::MaxCensusSize) => "source-max-census",
                    None => "source-none",
                }),
            ],
            vec![
                m.get("ballots-cast"),
                m.count(e.votes.listed),
                e.votes
                    .published
                    .map(|p| m.format("vote-count-note", &[("count", m.count(p).into())]))
                    .unwrap_or_default(),
            ],
            vec![
                m.get("ballots-counted"),
                m.count(e.votes.counted),
                String::new(),
            ],
            vec![
                m.get("ballots-skipped"),
                m.count(e.votes.skipped),
                t.skipped_reasons
                    .iter()
                    .map(|r| format!("{}: {}", r.reason, m.count(r.ballots)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ],
            vec![
                m.get("participation"),
                t.percent.as_deref().map_or("—".into(), |p| m.percent(p)),
                m.get("participation-note"),
            ],
        ];
        if t.weighted {
            rows.push(vec![
                m.get("eligible-power"),
                t.eligible_power
                    .as_deref()
                    .map_or(unknown.clone(), |p| m.number(p)),
                m.get(match t.eligible_power_source {
                    Some(PowerSource::CensusDump) => "power-source-census-dump",
                    Some(PowerSource::SaasTotalWeight) => "power-source-saas",
                    None => "source-none",
                }),
            ]);
            rows.push(vec![
                m.get("power-used"),
                t.power_used.as_deref().map_or("—".into(), |p| m.number(p)),
                m.get("power-used-note"),
            ]);
            rows.push(vec![
                m.get("weighted-participation"),
                t.power_percent
                    .as_deref()
                    .map_or("—".into(), |p| m.percent(p)),
                String::new(),
            ]);
        }
        l.table(&[0.32, 0.2, 0.48], &rows, &[], BODY, false);

        l.heading(&m.get("results-heading"), 11.5);
        let result_rows = result_rows(e, m);
        if result_rows.is_empty() {
            l.paragraph(&m.get("no-results"), BODY, GREY);
        } else {
            let unit = m.get(if t.weighted {
                "unit-power"
            } else {
                "unit-votes"
            });
            let mut rows = vec![vec![
                m.get("col-question"),
                m.get("col-choice"),
                m.format("col-computed", &[("unit", unit.clone().into())]),
                m.get("col-of-counted"),
                m.get("col-of-eligible"),
                m.get("col-published"),
                m.get("col-match"),
            ]];
            let mut highlight = vec![false];
            let number = |n: &Option<String>| n.as_deref().map_or("—".into(), |n| m.number(n));
            let share = |p: &Option<String>| p.as_deref().map_or("—".into(), |p| m.percent(p));
            // The match column: differs, equal, or one side missing.
            let matched = |differs: bool, c: &Option<String>, p: &Option<String>| {
                if differs {
                    m.get("match-differs")
                } else if c.is_some() && p.is_some() {
                    "=".into()
                } else {
                    m.get("not-applicable")
                }
            };
            // A hostile node can publish a huge matrix: the PDF lists the first rows, the
            // rest are in results.csv and report.html.
            let omitted = result_rows.len().saturating_sub(MAX_RESULT_ROWS);
            for r in result_rows.iter().take(MAX_RESULT_ROWS) {
                rows.push(vec![
                    format!("{}. {}", r.question + 1, r.question_title),
                    r.choice_title.clone(),
                    number(&r.computed),
                    share(&r.of_counted),
                    share(&r.of_eligible),
                    number(&r.published),
                    matched(r.differs, &r.computed, &r.published),
                ]);
                highlight.push(r.differs);
            }
            l.table(
                &[0.25, 0.17, 0.13, 0.1, 0.1, 0.12, 0.13],
                &rows,
                &highlight,
                SMALL,
                true,
            );
            if omitted > 0 {
                l.paragraph(
                    &m.format(
                        "pdf-rows-omitted",
                        &[("count", m.count(omitted as u64).into())],
                    ),
                    BODY,
                    GREY,
                );
            }
            if let Some(reading) = by_choice(e, m) {
                l.heading(&m.get("by-choice-heading"), 10.5);
                l.paragraph(&reading.note, SMALL, GREY);
                let mut rows = vec![vec![
                    m.get("col-choice"),
                    m.format("col-computed", &[("unit", unit.into())]),
                    m.get("col-of-counted"),
                    m.get("col-published"),
                    m.get("col-match"),
                ]];
                let mut highlight = vec![false];
                for r in reading.rows.iter().take(MAX_RESULT_ROWS) {
                    rows.push(vec![
                        r.title.clone(),
                        number(&r.computed),
                        share(&r.of_counted),
                        number(&r.published),
                        matched(r.differs, &r.computed, &r.published),
                    ]);
                    highlight.push(r.differs);
                }
                l.table(
                    &[0.36, 0.18, 0.14, 0.18, 0.14],
                    &rows,
                    &highlight,
                    SMALL,
                    true,
                );
            }
        }

        let mut own: Vec<(usize, &ChartFile)> = charts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.election_id == e.election_id)
            .collect();
        own.sort_by_key(|(_, c)| c.kind.order());
        if !own.is_empty() {
            l.heading(&m.get("charts-heading"), 11.5);
            for (index, chart) in own {
                l.chart(index, &chart.title);
            }
            l.paragraph(&m.get("charts-note"), SMALL, GREY);
        }

        l.heading(&m.get("check-catalogue-heading"), 11.5);
        let mut rows = vec![vec![
            m.get("col-check"),
            m.get("col-title"),
            m.get("col-status"),
            m.get("col-outcome"),
        ]];
        let mut highlight = vec![false];
        for c in &e.checks {
            rows.push(vec![
                c.id.clone(),
                check_title(c, m),
                m.get(&format!("status-{}", status_name(c.status))),
                c.message.clone(),
            ]);
            highlight.push(c.status == Status::Fail);
        }
        l.table(&[0.15, 0.24, 0.11, 0.5], &rows, &highlight, SMALL, true);
    }

    l.heading(&m.get("findings-heading"), 15.0);
    let failing = finding_rows(result, Status::Fail, m);
    if failing.is_empty() {
        l.paragraph(&m.get("no-check-failed"), BODY, BLACK);
    } else {
        let mut rows = vec![vec![
            m.get("col-check"),
            m.get("col-location"),
            m.get("col-what"),
            m.get("col-expected"),
            m.get("col-actual"),
        ]];
        for f in &failing {
            let mut at = vec![format!("{} {}", m.get("loc-election"), f.election_id)];
            at.extend(
                f.vote_id
                    .as_ref()
                    .map(|v| format!("{} {v}", m.get("loc-vote"))),
            );
            at.extend(
                f.tx_hash
                    .as_ref()
                    .map(|t| format!("{} {t}", m.get("loc-tx"))),
            );
            at.extend(
                f.cell
                    .as_ref()
                    .map(|c| format!("{} {c}", m.get("loc-cell"))),
            );
            at.extend(
                f.key_index
                    .map(|k| format!("{} {k}", m.get("loc-key-index"))),
            );
            rows.push(vec![
                format!("{}\n{}\n{}", f.check_id, f.check_title, f.category),
                at.join("\n"),
                f.message.clone(),
                f.expected.clone().unwrap_or_default(),
                f.actual.clone().unwrap_or_default(),
            ]);
        }
        l.table(&[0.14, 0.3, 0.28, 0.14, 0.14], &rows, &[], SMALL, true);
    }

    l.heading(&m.get("evidence-heading"), 15.0);
    let mut evidence = Vec::new();
    if let Some(b) = &result.bundle {
        evidence.push((m.get("header-manifest"), b.manifest_sha256.clone()));
        evidence.push((m.get("bundle-files"), m.count(b.files)));
    }
    evidence.push((m.get("pdf-summary-sha"), summary_sha256(result)?));
    evidence.push((m.get("report-schema"), result.schema.clone()));
    evidence.push((m.get("generated-at"), m.datetime(&result.generated_at)));
    l.pairs(&evidence);
    l.paragraph(&m.get("percent-note"), SMALL, GREY);
    l.paragraph(&m.get("pdf-note"), SMALL, GREY);
    Ok(())
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Warn => "warn",
        Status::Skip => "skip",
    }
}
