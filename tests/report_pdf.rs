//! report.pdf read back with Debian's poppler-utils: A4 pages, a running header with the
//! process id and "page N of M", selectable text in the chosen language (figures, titles, the
//! signed summary's sha256), charts drawn as vectors (no image in the file), the tampered cell in
//! red, and real content on every page. Without pdftotext/pdftoppm the read-back is skipped with
//! a reason, unless VOCAUDIT_REQUIRE_TOOLS=1.

mod report_common;

use std::path::Path;
use std::process::Command;

use report_common::*;
use vocaudit::report::{render_charts, render_pdf, summary_sha256, Lang, Messages};
use vocaudit::verify::result::AuditResult;

fn poppler() -> bool {
    let found = ["pdftotext", "pdftoppm", "pdfinfo", "pdfimages"]
        .iter()
        .all(|tool| {
            Command::new(tool)
                .arg("-v")
                .output()
                .is_ok_and(|o| o.status.success() || !o.stderr.is_empty())
        });
    if found {
        return true;
    }
    if std::env::var("VOCAUDIT_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("poppler-utils are required (VOCAUDIT_REQUIRE_TOOLS=1) but not on PATH");
    }
    eprintln!(
        "skipping the read-back of report.pdf: pdftotext/pdftoppm (poppler-utils) not on PATH"
    );
    false
}

fn pdf(result: &AuditResult, lang: Lang) -> Vec<u8> {
    let m = Messages::new(lang);
    render_pdf(result, &render_charts(result, &m).unwrap(), &m).unwrap()
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn text_of(path: &Path) -> String {
    // Without -layout, and with every run of white space (a wrapped line, a non-breaking space)
    // read as one space.
    run("pdftotext", &[path.to_str().unwrap(), "-"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_pdf_is_deterministic_a4_and_has_no_raster_image() {
    let a = pdf(&failing(), Lang::En);
    assert!(a.starts_with(b"%PDF-"));
    assert_eq!(a, pdf(&failing(), Lang::En), "same result, same bytes");
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &a).unwrap();
    // Charts are vectors: the file holds no image at all (pdfimages lists a header only).
    let images = run("pdfimages", &["-list", path.to_str().unwrap()]);
    assert_eq!(images.lines().count(), 2, "{images}");
    let info = run("pdfinfo", &[path.to_str().unwrap()]);
    assert!(
        info.contains("Page size:       595.28 x 841.89 pts (A4)"),
        "{info}"
    );
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 3, "{pages} pages");
    let text = text_of(&path);
    // The running header on every page, with the page number and count.
    for n in 1..=pages {
        assert!(text.contains(&format!("Page {n} of {pages}")), "page {n}");
    }
    assert_eq!(
        text.matches(&format!("vocaudit report — {E1}")).count(),
        pages
    );
    for needle in [
        "FAIL — 6 checks failed",
        "Approve the 2025 budget?",
        "Alice Martín",
        "37.50%",
        "18.75%",
        "Eligible voting power",
        "leaves of the census dump",
        MANIFEST,
        "V-TALLY-01",
        "published result differs",
        // Chart text is real text too (embedded, not outlined).
        "Q1: Approve the 2025 budget?",
        "differs from published",
    ] {
        assert!(text.contains(needle), "missing {needle:?}");
    }
    let sha = summary_sha256(&failing()).unwrap();
    assert!(text.contains(&sha), "the signed summary's sha256 {sha}");

    // Every page carries text beyond its running header, and page 1 (verdict banner, header
    // facts) renders far from blank.
    for n in 1..=pages {
        let page = run(
            "pdftotext",
            &[
                "-f",
                &n.to_string(),
                "-l",
                &n.to_string(),
                path.to_str().unwrap(),
                "-",
            ],
        );
        let words = page.split_whitespace().count();
        assert!(words > 12, "page {n} holds only {words} words");
    }
    run(
        "pdftoppm",
        &[
            "-r",
            "30",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            path.to_str().unwrap(),
            dir.path().join("p").to_str().unwrap(),
        ],
    );
    let first = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pgm"))
        .expect("page 1 rendered");
    let pgm = std::fs::read(first).unwrap();
    let dark = pgm.iter().skip(20).filter(|&&b| b < 128).count();
    assert!(dark > 1_000, "page 1 is nearly blank ({dark} dark pixels)");
}

#[test]
fn a_tampered_cell_is_red_on_the_page() {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let red_pixels = |result: &AuditResult, name: &str| {
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, pdf(result, Lang::En)).unwrap();
        let prefix = dir.path().join(name);
        run(
            "pdftoppm",
            &["-r", "40", path.to_str().unwrap(), prefix.to_str().unwrap()],
        );
        let mut red = 0;
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let p = entry.unwrap().path();
            let file = p.file_name().unwrap().to_string_lossy().to_string();
            if !(file.starts_with(&format!("{name}-")) && file.ends_with(".ppm")) {
                continue;
            }
            let ppm = std::fs::read(&p).unwrap();
            // P6 header: three lines of text, then RGB triples.
            let mut newlines = 0;
            let start = ppm
                .iter()
                .position(|&b| {
                    newlines += usize::from(b == b'\n');
                    newlines == 3
                })
                .unwrap()
                + 1;
            red += ppm[start..]
                .chunks(3)
                .filter(|px| px.len() == 3 && px[0] > 150 && px[1] < 90 && px[2] < 90)
                .count();
        }
        red
    };
    let clean = red_pixels(&passing(), "pass");
    let tampered = red_pixels(&failing(), "fail");
    assert!(
        tampered > clean + 200,
        "red: {clean} clean, {tampered} tampered"
    );
}

#[rstest::rstest]
#[case(
    Lang::Es,
    "Página 1 de",
    "Participación",
    "¿Aprueba el presupuesto de 2025?",
    "37,50 %"
)]
#[case(
    Lang::Ca,
    "Pàgina 1 de",
    "Participació",
    "Aproveu el pressupost del 2025?",
    "37,50 %"
)]
#[case(
    Lang::It,
    "Pagina 1 di",
    "Partecipazione",
    "Approve the 2025 budget?",
    "37,50%"
)]
fn the_pdf_speaks_the_chosen_language(
    #[case] lang: Lang,
    #[case] page: &str,
    #[case] heading: &str,
    #[case] question: &str,
    #[case] percent: &str,
) {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf(&passing(), lang)).unwrap();
    let text = text_of(&path);
    for needle in [page, heading, question, percent, " UTC"] {
        assert!(text.contains(needle), "{lang}: missing {needle:?}");
    }
    assert!(!text.contains("Page 1 of"), "{lang}: English page numbers");
}
