//! The report's words in English, Spanish, Catalan and Italian: Project Fluent messages
//! (`<lang>.ftl` beside this file, embedded in the binary), and numbers, percentages and dates
//! written as each language writes them. Dates are always UTC and say so. English is the
//! reference; `tests/report_i18n.rs` fails when any language lacks a message or a variable.

use std::str::FromStr;

use chrono::{DateTime, Datelike, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the report is written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Es,
    Ca,
    It,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Es, Lang::Ca, Lang::It];

    /// The BCP 47 code (`en`, `es`, `ca`, `it`), as `--lang` takes it and HTML's `lang` says it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Ca => "ca",
            Lang::It => "it",
        }
    }

    /// The Fluent source of this language's messages.
    pub fn ftl(self) -> &'static str {
        match self {
            Lang::En => include_str!("en.ftl"),
            Lang::Es => include_str!("es.ftl"),
            Lang::Ca => include_str!("ca.ftl"),
            Lang::It => include_str!("it.ftl"),
        }
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown language {s:?}: expected en, es, ca or it"))
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// An argument of a message: text shown as given, or a count that also selects plural forms.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Count(u64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Count(n)
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Count(n as u64)
    }
}

/// The messages of one language, with its number and date formats.
pub struct Messages {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages")
            .field("lang", &self.lang)
            .finish()
    }
}

/// Longest whole number written out in full; longer ones are abbreviated (no real tally cell
/// comes near: 2^256 has 78 digits).
pub const MAX_SHOWN_DIGITS: usize = 100;

impl Messages {
    /// Loads the embedded messages of `lang`. A message that does not parse is left out (and
    /// then shows as its id); the i18n test makes sure none does.
    pub fn new(lang: Lang) -> Messages {
        let resource = FluentResource::try_new(lang.ftl().to_string()).unwrap_or_else(|(r, _)| r);
        let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks around arguments: they would show in terminals and PDFs.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        Messages { lang, bundle }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `id` without arguments.
    pub fn get(&self, id: &str) -> String {
        self.format(id, &[])
    }

    /// The message `id` without arguments, `None` when this language has no such message (for
    /// callers with a better fallback than the id, such as a check's catalogue title).
    pub fn lookup(&self, id: &str) -> Option<String> {
        self.bundle.has_message(id).then(|| self.get(id))
    }

    /// The message `id` with `args`; the id itself when the message does not exist.
    pub fn format(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(t) => fluent_args.set(*name, FluentValue::from(t.as_str())),
                Arg::Count(n) => fluent_args.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }

    /// A decimal number written as the language writes it: `1,234,567.89` in English,
    /// `1.234.567,89` in Catalan and Italian, and in Spanish too except that four-digit whole
    /// numbers stay ungrouped (`1234`, RAE/CLDR). Text that is not a plain decimal number is
    /// returned unchanged.
    pub fn number(&self, decimal: &str) -> String {
        if decimal.len() > MAX_SHOWN_DIGITS && decimal.bytes().all(|b| b.is_ascii_digit()) {
            // A hostile node's million-digit cell: its ends and its length, readable in a table
            // and cheap to lay out (report.json and results.csv keep every digit).
            let (head, tail) = (&decimal[..12], &decimal[decimal.len() - 12..]);
            return self.format(
                "number-abbreviated",
                &[
                    ("head", head.to_string().into()),
                    ("tail", tail.to_string().into()),
                    ("digits", self.count(decimal.len() as u64).into()),
                ],
            );
        }
        let (int, frac) = decimal.split_once('.').unwrap_or((decimal, ""));
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return decimal.to_string();
        }
        let (group, point) = match self.lang {
            Lang::En => (',', '.'),
            Lang::Es | Lang::Ca | Lang::It => ('.', ','),
        };
        let min_grouping = if self.lang == Lang::Es { 5 } else { 4 };
        let mut grouped = String::with_capacity(int.len() + int.len() / 3 + frac.len() + 1);
        if int.len() >= min_grouping {
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    grouped.push(group);
                }
                grouped.push(c);
            }
        } else {
            grouped.push_str(int);
        }
        if !frac.is_empty() {
            grouped.push(point);
            grouped.push_str(frac);
        }
        grouped
    }

    /// A count, grouped as [`Messages::number`] does.
    pub fn count(&self, n: u64) -> String {
        self.number(&n.to_string())
    }

    /// A percentage from report.json (`37.50`) as the language writes it: `37.50%` in English
    /// and Italian, `37,50 %` (non-breaking space) in Spanish and Catalan.
    pub fn percent(&self, percent: &str) -> String {
        let n = self.number(percent);
        match self.lang {
            Lang::En => format!("{n}%"),
            Lang::It => format!("{n}%"),
            Lang::Es | Lang::Ca => format!("{n}\u{a0}%"),
        }
    }

    /// An RFC 3339 time as the language writes a date and time, in UTC and saying so
    /// (`1 May 2024, 10:38:10 UTC`, `1 de mayo de 2024, …`, `1 de maig de 2024, …`,
    /// `1 maggio 2024, ore …`). Text that is not a time is returned unchanged.
    pub fn datetime(&self, rfc3339: &str) -> String {
        let Ok(t) = DateTime::parse_from_rfc3339(rfc3339) else {
            return rfc3339.to_string();
        };
        let t = t.with_timezone(&Utc);
        self.format(
            "date-time",
            &[
                ("day", t.day().to_string().into()),
                ("month", self.get(&format!("month-{}", t.month())).into()),
                ("year", t.year().to_string().into()),
                ("time", t.format("%H:%M:%S").to_string().into()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Lang::En, "1234567", "1,234,567")]
    #[case(Lang::Es, "1234567", "1.234.567")]
    #[case(Lang::Es, "1234", "1234")]
    #[case(Lang::Es, "12345", "12.345")]
    #[case(Lang::Ca, "1234", "1.234")]
    #[case(Lang::It, "1234.50", "1.234,50")]
    #[case(Lang::En, "37.50", "37.50")]
    #[case(Lang::Ca, "37.50", "37,50")]
    #[case(Lang::En, "999", "999")]
    #[case(
        Lang::It,
        "340282366920938463463374607431768211456",
        "340.282.366.920.938.463.463.374.607.431.768.211.456"
    )]
    #[case(Lang::Ca, "12a", "12a")]
    fn numbers_are_grouped_as_each_language_writes_them(
        #[case] lang: Lang,
        #[case] decimal: &str,
        #[case] expected: &str,
    ) {
        assert_eq!(Messages::new(lang).number(decimal), expected);
    }

    #[rstest]
    #[case(Lang::En, "123456789012…901234567890 (1,000,000 digits)")]
    #[case(Lang::Es, "123456789012…901234567890 (1.000.000 cifras)")]
    #[case(Lang::Ca, "123456789012…901234567890 (1.000.000 xifres)")]
    #[case(Lang::It, "123456789012…901234567890 (1.000.000 cifre)")]
    fn a_hostile_length_is_abbreviated_with_its_digit_count(
        #[case] lang: Lang,
        #[case] expected: &str,
    ) {
        let huge = "1234567890".repeat(100_000);
        assert_eq!(Messages::new(lang).number(&huge), expected);
        // The longest number written in full, and one digit more.
        let m = Messages::new(Lang::En);
        let longest = "9".repeat(MAX_SHOWN_DIGITS);
        assert_eq!(m.number(&longest).replace(',', ""), longest);
        assert!(m.number(&format!("{longest}9")).ends_with("(101 digits)"));
    }

    #[rstest]
    #[case(Lang::En, "1 May 2024, 10:38:10 UTC", "37.50%")]
    #[case(Lang::Es, "1 de mayo de 2024, 10:38:10 UTC", "37,50\u{a0}%")]
    #[case(Lang::Ca, "1 de maig de 2024, 10:38:10 UTC", "37,50\u{a0}%")]
    #[case(Lang::It, "1 maggio 2024, ore 10:38:10 UTC", "37,50%")]
    fn dates_are_utc_and_percentages_local(
        #[case] lang: Lang,
        #[case] date: &str,
        #[case] percent: &str,
    ) {
        let m = Messages::new(lang);
        // 12:38 in Madrid is 10:38 UTC: the zone of the input never leaks into the report.
        assert_eq!(m.datetime("2024-05-01T12:38:10+02:00"), date);
        assert_eq!(m.percent("37.50"), percent);
        assert_eq!(m.datetime("yesterday"), "yesterday");
    }

    #[test]
    fn catalan_elides_de_before_a_vowel() {
        let m = Messages::new(Lang::Ca);
        assert_eq!(
            m.datetime("2024-04-02T00:00:00Z"),
            "2 d'abril de 2024, 00:00:00 UTC"
        );
        assert_eq!(
            m.datetime("2024-10-02T00:00:00Z"),
            "2 d'octubre de 2024, 00:00:00 UTC"
        );
    }

    #[test]
    fn plurals_select_on_counts() {
        let m = Messages::new(Lang::Es);
        assert_eq!(
            m.format("election-count", &[("count", 1u64.into())]),
            "1 votación"
        );
        assert_eq!(
            m.format("election-count", &[("count", 3u64.into())]),
            "3 votaciones"
        );
        assert_eq!(m.get("no-such-message"), "no-such-message");
        assert_eq!("CA".parse::<Lang>(), Ok(Lang::Ca));
        assert!("fr".parse::<Lang>().is_err());
    }
}
