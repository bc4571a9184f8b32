//! The report's four languages: every Fluent file parses, every language has exactly English's
//! messages with the same variables, every message renders in every language, every message id
//! the reporter's code asks for exists, and a report rendered in each language is in that
//! language (with the metadata's titles in it when the metadata has them).

mod report_common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use report_common::*;
use vocaudit::report::i18n::Arg;
use vocaudit::report::{render_charts, render_html, render_terminal, Lang, Messages};
use vocaudit::verify::catalogue::{self, CATALOGUE};

/// Message id → the variables its value uses (selectors and variants included).
fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(lang.ftl())
        .unwrap_or_else(|(_, errors)| panic!("{lang}.ftl does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                let value = m
                    .value
                    .unwrap_or_else(|| panic!("{lang}: {} has no value", m.id.name));
                pattern_vars(&value, &mut vars);
                assert!(
                    out.insert(m.id.name.to_string(), vars).is_none(),
                    "{lang}: {} defined twice",
                    m.id.name
                );
            }
            Entry::Junk { content } => panic!("{lang}.ftl has junk: {content}"),
            Entry::Term(t) => panic!("{lang}.ftl: unexpected term -{}", t.id.name),
            _ => {}
        }
    }
    out
}

fn pattern_vars(pattern: &Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(expression: &Expression<&str>, vars: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => inline_vars(inline, vars),
        Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
    }
}

fn inline_vars(inline: &InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        other => panic!("only variables and selections are used: {other:?}"),
    }
}

#[test]
fn every_language_has_every_message_with_the_same_variables() {
    let english = messages(Lang::En);
    assert!(english.len() > 100, "{} messages", english.len());
    for lang in Lang::ALL {
        let theirs = messages(lang);
        let missing: Vec<_> = english
            .keys()
            .filter(|k| !theirs.contains_key(*k))
            .collect();
        let extra: Vec<_> = theirs
            .keys()
            .filter(|k| !english.contains_key(*k))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, not in English {extra:?}"
        );
        for (id, vars) in &english {
            assert_eq!(&theirs[id], vars, "{lang}: variables of {id}");
        }
    }
}

#[test]
fn every_message_renders_in_every_language() {
    let english = messages(Lang::En);
    for lang in Lang::ALL {
        let m = Messages::new(lang);
        for (id, vars) in &english {
            // A count of 1 and of 7 take both plural branches where there are any.
            for n in [1u64, 7] {
                let args: Vec<(&str, Arg)> =
                    vars.iter().map(|v| (v.as_str(), Arg::Count(n))).collect();
                let text = m.format(id, &args);
                // (That it exists in this language is the test above.)
                assert!(!text.is_empty(), "{lang}: {id} renders empty");
                assert!(
                    !text.contains('{') && !text.contains('\u{2068}'),
                    "{lang}: {id} renders {text:?}"
                );
            }
        }
    }
}

/// Every check of the catalogue has a `check-<ID>` title in every language, the English one is
/// the catalogue's title word for word (so they cannot drift apart), and no title is left over
/// from a check the catalogue no longer has.
#[test]
fn every_check_has_its_title_in_every_language() {
    let english = Messages::new(Lang::En);
    for c in CATALOGUE {
        assert_eq!(
            english.lookup(&format!("check-{}", c.id)).as_deref(),
            Some(c.title),
            "en.ftl: check-{} is not the catalogue's title",
            c.id
        );
    }
    for lang in Lang::ALL {
        let defined = messages(lang);
        let missing: Vec<_> = CATALOGUE
            .iter()
            .map(|c| c.id)
            .filter(|id| !defined.contains_key(&format!("check-{id}")))
            .collect();
        assert!(
            missing.is_empty(),
            "{lang}: no check- title for {missing:?}"
        );
        let stale: Vec<_> = defined
            .keys()
            .filter_map(|k| k.strip_prefix("check-V-"))
            .filter(|id| catalogue::info(&format!("V-{id}")).is_none())
            .collect();
        assert!(stale.is_empty(), "{lang}: titles of no check {stale:?}");
    }
}

/// Every message id the reporter's code and template name exists in English (and so, by the
/// test above, in every language). Ids built at run time (`status-…`, `auth-…`, `month-…`,
/// `metadata-…`) are
/// checked by their prefix.
#[test]
fn every_message_the_code_asks_for_exists() {
    let english = messages(Lang::En);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report");
    let mut asked = BTreeSet::new();
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            files.push(path);
        }
    }
    for path in files {
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if ext != "rs" && ext != "jinja" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Unit tests ask for missing ids on purpose.
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        // "id" right after get( / format( / t( (Rust and the template), or any literal id
        // that a match arm hands to one of them (`"unit-power"`).
        // Walk the string literals in order (each closing quote ends one).
        let mut from = 0;
        while let Some(open) = text[from..].find('"').map(|o| from + o) {
            let Some(len) = text[open + 1..].find('"') else {
                break;
            };
            let literal = &text[open + 1..open + 1 + len];
            from = open + len + 2;
            let id_chars = !literal.is_empty()
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !literal.starts_with('-')
                && !literal.ends_with('-');
            let line_start = text[..open].rfind('\n').map_or(0, |n| n + 1);
            if !id_chars || text[line_start..open].trim_start().starts_with("//") {
                continue;
            }
            let before = text[..open].trim_end();
            let called = before.ends_with(".get(")
                || before.ends_with(".format(")
                || before.ends_with(" t(")
                || before.ends_with("{ t(");
            if called || (literal.contains('-') && english.contains_key(literal)) {
                asked.insert(literal.to_string());
            }
        }
    }
    assert!(asked.len() > 100, "found {} ids in the code", asked.len());
    for id in [
        "term-verdict",
        "col-of-counted",
        "chart-legend-published",
        "date-time",
        "participation-heading",
    ] {
        assert!(asked.contains(id), "the scan misses {id}");
    }
    let unknown: Vec<_> = asked
        .iter()
        .filter(|id| !english.contains_key(*id))
        .collect();
    assert!(unknown.is_empty(), "asked for but not defined: {unknown:?}");
    for status in ["verified", "mismatch", "unrecorded", "unreachable"] {
        assert!(english.contains_key(&format!("metadata-{status}")));
    }
    for prefix in ["status-", "auth-", "month-", "metadata-"] {
        assert!(english.keys().any(|k| k.starts_with(prefix)));
    }
    for status in ["pass", "fail", "warn", "skip"] {
        assert!(english.contains_key(&format!("status-{status}")));
    }
    for auth in [
        "csp",
        "list",
        "weighted-list",
        "token",
        "anonymous",
        "other",
    ] {
        assert!(english.contains_key(&format!("auth-{auth}")));
    }
}

#[rstest::rstest]
#[case(Lang::En, "Participation", "Aproveu", "Approve the 2025 budget?")]
#[case(
    Lang::Es,
    "Participación",
    "Aproveu",
    "¿Aprueba el presupuesto de 2025?"
)]
#[case(Lang::Ca, "Participació", "Approve", "Aproveu el pressupost del 2025?")]
#[case(Lang::It, "Partecipazione", "Aproveu", "Approve the 2025 budget?")]
fn a_report_in_each_language_speaks_it(
    #[case] lang: Lang,
    #[case] heading: &str,
    #[case] foreign_title: &str,
    #[case] question: &str,
) {
    let result = failing();
    let m = Messages::new(lang);
    let charts = render_charts(&result, &m).unwrap();
    let html = render_html(&result, &charts, &m).unwrap();
    let terminal = render_terminal(&result, false, &m);
    assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())));
    assert!(html.contains(&format!("<h3>{heading}</h3>")), "{lang}");
    // The metadata's title in this language when it has one, else its default.
    assert!(html.contains(question), "{lang}: {question}");
    assert!(!html.contains(foreign_title), "{lang}: {foreign_title}");
    assert!(terminal.contains(question), "{lang}: terminal {question}");
    assert!(
        charts[0].title.contains(question),
        "{lang}: chart {}",
        charts[0].title
    );
    // Every word of the page and the terminal comes from this language's file: no message id
    // is left showing.
    for id in messages(Lang::En).keys().filter(|id| id.contains('-')) {
        let shown = format!(">{id}<");
        assert!(!html.contains(&shown), "{lang}: {id} shown as an id");
        assert!(
            !terminal.contains(&format!(" {id} ")),
            "{lang}: {id} in the terminal"
        );
    }
    // Dates are said to be UTC in every language.
    assert!(html.contains(" UTC"), "{lang}");
}

#[test]
fn partial_translations_fall_back_to_the_default_choice_by_choice() {
    let result = passing();
    let m = Messages::new(Lang::Es);
    let text = render_terminal(&result, false, &m);
    // Spanish has the question and its first choice only: the others stay in the default.
    assert!(text.contains("¿Aprueba el presupuesto de 2025?"));
    assert!(text.contains("│ Sí "), "{text}");
    assert!(
        text.contains("│ No ") && text.contains("│ Abstain "),
        "{text}"
    );
    // Catalan has the election title too.
    let ca = render_terminal(&result, false, &Messages::new(Lang::Ca));
    assert!(ca.contains("General assembly 2025 (CA)"), "{ca}");
    assert!(ca.contains("Abstenció") && ca.contains("participació: 80,00\u{a0}% de 250"));
}
