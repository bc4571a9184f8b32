//! report.html: verdict banner, results, charts, checks, located findings and evidence in one
//! self-contained page; every text escaped; no URL in any src/href; and, when Chromium is
//! installed, a headless screenshot that shows a real page.

mod report_common;

use std::path::Path;
use std::process::Command;

use report_common::*;
use vocaudit::report::{render_all, render_charts, render_html, Lang, Messages, RenderOptions};
use vocaudit::verify::result::AuditResult;

fn html(result: &AuditResult) -> String {
    let m = Messages::new(Lang::En);
    render_html(result, &render_charts(result, &m).unwrap(), &m).unwrap()
}

/// The values of every src/href attribute of every real tag (text is escaped, so `<` only opens tags).
fn link_attributes(html: &str) -> Vec<String> {
    let mut values = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        for attr in [
            "src=",
            "href=",
            "xlink:href=",
            "action=",
            "poster=",
            "srcset=",
        ] {
            let mut rest = tag;
            while let Some(i) = rest.find(attr) {
                let after = rest[i + attr.len()..].trim_start_matches(['"', '\'']);
                let end = after.find(['"', '\'', ' ', '>']).unwrap_or(after.len());
                values.push(after[..end].to_string());
                rest = &after[end..];
            }
        }
    }
    values
}

#[test]
fn passing_page_has_a_green_banner_and_everything_the_auditor_needs() {
    let page = html(&passing());
    assert!(page.contains(r#"<header class="banner banner-pass" id="verdict">"#));
    assert!(page.contains("<h1>PASS</h1>"));
    for needle in [
        E1,
        E2,
        MANIFEST,
        "https:&#x2f;&#x2f;api-dev.vocdoni.net&#x2f;v2",
        "vocdoni&#x2f;DEV&#x2f;33",
        "2 March 2025, 10:00:00 UTC",
        env!("CARGO_PKG_VERSION"),
        "V-WINDOW-01",
        "badge-warn",
        "badge-skip",
        "No check failed.",
        "Alice Martín",
        "Bob O&#x27;Neil",
        "OFF_CHAIN_TREE_WEIGHTED",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }
    assert_eq!(page.matches("<svg").count(), 8, "charts inlined");
    assert!(page.contains("Timeline: votes and what the chain recorded"));
    assert!(!page.contains("class=\"differs\""));
    assert!(page.contains("@media print"));
}

#[test]
fn tampered_page_shows_the_failure_prominently() {
    let page = html(&failing());
    assert!(page.contains(r#"<header class="banner banner-fail" id="verdict">"#));
    assert!(page.contains("<h1>FAIL — 6 checks failed</h1>"));
    assert!(page.contains("6 failing findings"));
    assert_eq!(page.matches("<tr class=\"differs\">").count(), 1);
    let findings =
        &page[page.find("id=\"findings\"").unwrap()..page.find("id=\"evidence\"").unwrap()];
    for needle in [
        format!("vote {VOTE}"),
        format!("tx {TX}"),
        "cell [0][1]".into(),
        "key index 3".into(),
        "V-COUNT-01".into(),
        "the node lists 199 votes but reports voteCount 200".to_string(),
    ] {
        assert!(findings.contains(&needle), "missing {needle}");
    }
    assert!(page.contains("badge-fail"));
}

#[test]
fn incomplete_page_is_amber() {
    let mut result = passing();
    result.verdict = vocaudit::verify::result::Verdict::Incomplete;
    let page = html(&result);
    assert!(page.contains("banner-incomplete") && page.contains("<h1>INCOMPLETE</h1>"));
}

#[test]
fn every_text_is_escaped_and_nothing_is_fetched() {
    for result in [passing(), failing(), hostile()] {
        let page = html(&result);
        for value in link_attributes(&page) {
            assert!(
                !(value.contains("http:") || value.contains("https:") || value.starts_with("//")),
                "external reference {value}"
            );
        }
        for forbidden in [
            "<script",
            "<link",
            "<img",
            "<iframe",
            "@import",
            "url(",
            "@font-face",
        ] {
            assert!(!page.contains(forbidden), "{forbidden} in page");
        }
    }
    let page = html(&hostile());
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &quot;quotes&quot;"));
    assert!(page.contains("&lt;img src=https:&#x2f;&#x2f;evil.example&#x2f;x.png&gt;"));
    assert!(page.contains("&lt;b&gt;Yes&lt;&#x2f;b&gt;"));
    assert!(page.contains("&lt;iframe src=x&gt;&lt;&#x2f;iframe&gt; Org"));
}

/// The header names the organisation beside its address, in the page's language when its
/// metadata has one (the fixture has a Spanish name), else its default name.
#[rstest::rstest]
#[case::default_name(Lang::En, "Cooperativa de Prova")]
#[case::translated(Lang::Es, "Cooperativa de Prueba")]
#[case::no_translation(Lang::Ca, "Cooperativa de Prova")]
fn the_header_names_the_organisation(#[case] lang: Lang, #[case] name: &str) {
    let result = passing();
    let m = Messages::new(lang);
    let page = render_html(&result, &render_charts(&result, &m).unwrap(), &m).unwrap();
    let header = &page[page.find("id=\"header\"").expect("header")..];
    let header = &header[..header.find("</dl>").expect("end of header")];
    let address = result.organization.as_deref().unwrap();
    assert!(header.contains(name), "{header}");
    assert!(header.contains(address), "{header}");
    assert!(
        header.find(name) < header.find(address),
        "name first: {header}"
    );
}

/// Check titles are shown in the page's language (the `check-<ID>` messages), in the checks
/// table and beside a failing finding; a check the translations do not know yet (added later)
/// keeps the title report.json carries, and report.json keeps the English title.
#[rstest::rstest]
#[case(Lang::En, "Results match the recomputed tally")]
#[case(Lang::Es, "Los resultados coinciden con el recuento recalculado")]
#[case(Lang::Ca, "Els resultats coincideixen amb el recompte recalculat")]
#[case(Lang::It, "I risultati coincidono con lo scrutinio ricalcolato")]
fn check_titles_are_in_the_page_language(#[case] lang: Lang, #[case] title: &str) {
    let mut result = failing();
    let last = result.elections.last_mut().unwrap();
    let mut later = last.checks[0].clone();
    later.id = "V-LATER-01".into();
    later.title = "A check added later".into();
    last.checks.push(later);
    let m = Messages::new(lang);
    let page = render_html(&result, &render_charts(&result, &m).unwrap(), &m).unwrap();
    // The last election's checks table.
    let checks = &page[page
        .rfind("<table class=\"checks\">")
        .expect("checks table")..];
    let checks = &checks[..checks.find("</table>").unwrap()];
    assert!(
        checks.contains(&format!("<td>{title}</td>")),
        "{lang}: {checks}"
    );
    assert!(checks.contains("<td>A check added later</td>"), "{lang}");
    assert!(!page.contains("check-V-"), "{lang}: a message id shown");
    if lang != Lang::En {
        assert!(
            !page.contains("Results match the recomputed tally"),
            "{lang}: English title left"
        );
    }
    // The failing V-TALLY-01 finding names its check by the same title.
    let findings = &page[page.find("<table class=\"findings\">").expect("findings")..];
    assert!(findings.contains(&format!("<br>{title}<br>")), "{lang}");
    // report.json is the stable contract: titles as the catalogue gave them, in English.
    let json = vocaudit::report::to_json_pretty(&result).unwrap();
    assert!(!json.contains(title) || lang == Lang::En, "{lang}");
    assert!(json.contains("\"title\": \"A check added later\""));
}

#[test]
fn the_link_finder_sees_links() {
    let found =
        link_attributes(r#"<p>a</p><img src="https://x/y.png"><a class="q" href='//cdn/x'>"#);
    assert_eq!(found, ["https://x/y.png", "//cdn/x"]);
}

fn tool_missing(what: &str) -> bool {
    if std::env::var("VOCAUDIT_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("{what} is required (VOCAUDIT_REQUIRE_TOOLS=1) but not installed");
    }
    eprintln!("skipping: {what} is not installed");
    true
}

/// A headless Chromium screenshot per language: each page renders to a real, full page, and the
/// four languages' pages differ.
#[test]
fn chromium_renders_the_page_offline_in_every_language() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() && tool_missing("/usr/bin/chromium") {
        return;
    }
    let mut shots = Vec::new();
    for lang in Lang::ALL {
        let dir = tempfile::tempdir().unwrap();
        let options = RenderOptions {
            lang,
            ..Default::default()
        };
        let rendered = render_all(&failing(), dir.path(), &options).unwrap();
        let shot = dir.path().join("screenshot.png");
        let profile = dir.path().join("profile");
        let output = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1280,2000")
            .arg(format!("file://{}", rendered.report_html.display()))
            .output()
            .unwrap();
        assert!(
            shot.exists(),
            "{lang}: no screenshot; chromium said: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let png = std::fs::read(&shot).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // A blank 1280x2000 page compresses to a few kB; the report is tables, text and charts.
        assert!(
            png.len() > 60_000,
            "{lang}: screenshot only {} bytes",
            png.len()
        );
        if let Ok(keep) = std::env::var("VOCAUDIT_KEEP_SCREENSHOT") {
            std::fs::copy(&shot, format!("{keep}.{lang}.png")).unwrap();
        }
        shots.push(png);
    }
    for (i, a) in shots.iter().enumerate() {
        for b in &shots[i + 1..] {
            assert_ne!(a, b, "two languages render the same page");
        }
    }
}

#[test]
fn the_page_states_who_could_vote_and_whether_results_are_final() {
    let page = html(&passing());
    for needle in [
        "<th>Eligible voters</th><td class=\"num\">250</td><td class=\"note\">leaves of the census dump</td>",
        "<th>Participation</th><td class=\"num\">80.00%</td>",
        "<th>Eligible voting power</th><td class=\"num\">400</td>",
        "<th>Weighted participation</th><td class=\"num\">50.00%</td>",
        "<th>Computed (voting power)</th><th>% of counted</th><th>% of eligible</th>",
        "<td class=\"num\">37.50%</td>",
        "<td class=\"num\">18.75%</td>",
        "weighted list of voters",
        "secret until the end",
        "5e1c2b7d9a3f4e6c8b0a1d2f3e4c5b6a7d8e9f01",
        "General assembly 2025",
        "times are UTC",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }
    assert!(!page.contains("Results not final"));

    let mut result = passing();
    result.elections[0].final_results = false;
    result.elections[0].turnout.weighted = false;
    let page = html(&result);
    assert_eq!(
        page.matches("<strong>Results not final.</strong>").count(),
        1
    );
    assert!(page.contains("<th>Computed (votes)</th>"));
}
