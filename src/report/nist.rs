//! results.nist.json: the results in NIST SP 1500-100 Rev. 2, the Election Results Reporting
//! common data format (usnistgov/ElectionResultsReporting, `NIST_V2_election_results_reporting.json`,
//! JSON Schema draft-04), so a results system can import what vocaudit verified.
//!
//! The mapping: one `ElectionReport` per audit (`Format` summary-contest, `Issuer` the
//! organisation, by name and address when its account names it, `VendorApplicationId` vocaudit and its version); one `ReportingUnit` per
//! organisation (`Type` other, `OtherType` organization); one `Election` per Vochain election;
//! one `BallotMeasureContest` per question and one `BallotMeasureSelection` per choice, whose
//! `VoteCounts.Count` is the recomputed value (a weighted census counts voting power: `Type`
//! other, `OtherType` voting-power). `Status` is `unofficial-complete` only when every election's
//! results are final and the verdict is pass, `unofficial-partial` otherwise; a tool never
//! certifies. Counts are written as exact decimal JSON numbers whatever their size: a reader that
//! parses numbers as IEEE doubles rounds those above 2^53 (the report's `Notes` say so).

use serde::Serialize;
use serde_json::value::RawValue;

use crate::verify::result::{AuditResult, ElectionAudit, Verdict};

use super::i18n::{Lang, Messages};
use super::view::{choice_title, question_title};
use super::ReportError;

const NOTES: &str = "Results recomputed by vocaudit from the ballots published on the Vochain; \
each count is the recomputed value. Elections with a weighted census count voting power \
(VoteCounts Type other, OtherType voting-power), not ballots. Counts are exact decimal JSON \
numbers of any size: readers that parse JSON numbers as IEEE doubles round values above 2^53.";

#[derive(Serialize)]
struct ElectionReport<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Election")]
    election: Vec<Election>,
    #[serde(rename = "Format")]
    format: &'static str,
    #[serde(rename = "GeneratedDate")]
    generated_date: String,
    #[serde(rename = "GpUnit")]
    gp_unit: Vec<ReportingUnit>,
    #[serde(rename = "Issuer")]
    issuer: String,
    #[serde(rename = "IssuerAbbreviation")]
    issuer_abbreviation: String,
    #[serde(rename = "Notes")]
    notes: &'static str,
    #[serde(rename = "SequenceEnd")]
    sequence_end: u32,
    #[serde(rename = "SequenceStart")]
    sequence_start: u32,
    #[serde(rename = "Status")]
    status: &'static str,
    #[serde(rename = "VendorApplicationId")]
    vendor_application_id: &'a str,
}

#[derive(Serialize)]
struct ReportingUnit {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Name")]
    name: Text,
    #[serde(rename = "OtherType")]
    other_type: &'static str,
    #[serde(rename = "Type")]
    unit_type: &'static str,
}

#[derive(Serialize)]
struct Election {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "BallotCounts")]
    ballot_counts: Vec<BallotCounts>,
    #[serde(rename = "Contest")]
    contest: Vec<Contest>,
    #[serde(rename = "CountStatus")]
    count_status: Vec<CountStatus>,
    #[serde(rename = "ElectionScopeId")]
    election_scope_id: String,
    #[serde(rename = "EndDate")]
    end_date: String,
    #[serde(rename = "ExternalIdentifier")]
    external_identifier: Vec<ExternalIdentifier>,
    #[serde(rename = "Name")]
    name: Text,
    #[serde(rename = "OtherType")]
    other_type: &'static str,
    #[serde(rename = "StartDate")]
    start_date: String,
    #[serde(rename = "Type")]
    election_type: &'static str,
}

#[derive(Serialize)]
struct BallotCounts {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "BallotsCast")]
    ballots_cast: u64,
    #[serde(rename = "BallotsRejected")]
    ballots_rejected: u64,
    #[serde(rename = "GpUnitId")]
    gp_unit_id: String,
    #[serde(rename = "Type")]
    count_type: &'static str,
}

#[derive(Serialize)]
struct CountStatus {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Status")]
    status: &'static str,
    #[serde(rename = "Type")]
    count_type: &'static str,
}

#[derive(Serialize)]
struct ExternalIdentifier {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "OtherType")]
    other_type: &'static str,
    #[serde(rename = "Type")]
    id_type: &'static str,
    #[serde(rename = "Value")]
    value: String,
}

#[derive(Serialize)]
struct Contest {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "ContestSelection")]
    contest_selection: Vec<Selection>,
    #[serde(rename = "ElectionDistrictId")]
    election_district_id: String,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "SequenceOrder")]
    sequence_order: usize,
}

#[derive(Serialize)]
struct Selection {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Selection")]
    selection: Text,
    #[serde(rename = "SequenceOrder")]
    sequence_order: usize,
    #[serde(rename = "VoteCounts")]
    vote_counts: Vec<VoteCounts>,
}

#[derive(Serialize)]
struct VoteCounts {
    #[serde(rename = "@type")]
    kind: &'static str,
    /// The exact decimal digits, as a JSON number.
    #[serde(rename = "Count")]
    count: Box<RawValue>,
    #[serde(rename = "GpUnitId")]
    gp_unit_id: String,
    #[serde(rename = "OtherType", skip_serializing_if = "Option::is_none")]
    other_type: Option<&'static str>,
    #[serde(rename = "Type")]
    count_type: &'static str,
}

/// `InternationalizedText` with one string. Titles come from the election metadata's default
/// language, which it does not name: `und` (BCP 47 "undetermined").
#[derive(Serialize)]
struct Text {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Text")]
    text: [LanguageString; 1],
}

#[derive(Serialize)]
struct LanguageString {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "Content")]
    content: String,
    #[serde(rename = "Language")]
    language: &'static str,
}

fn text(content: impl Into<String>) -> Text {
    Text {
        kind: "ElectionResults.InternationalizedText",
        text: [LanguageString {
            kind: "ElectionResults.LanguageString",
            content: content.into(),
            language: "und",
        }],
    }
}

/// The NIST status of the audit: complete only when every election's results are final and
/// every check passed (verdict pass).
pub fn results_status(result: &AuditResult) -> &'static str {
    let final_everywhere =
        !result.elections.is_empty() && result.elections.iter().all(|e| e.final_results);
    if result.verdict == Verdict::Pass && final_everywhere {
        "unofficial-complete"
    } else {
        "unofficial-partial"
    }
}

/// Whether an election's results count voting power rather than ballots: a weighted census.
fn counts_voting_power(election: &ElectionAudit) -> bool {
    election.census_origin.ends_with("_WEIGHTED")
}

/// The NIST date (`YYYY-MM-DD`, UTC) of an RFC 3339 time; `fallback` when it does not parse.
fn date_of(time: &str, fallback: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(time)
        .map(|t| t.with_timezone(&chrono::Utc).format("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| fallback.to_string())
}

fn unit_id(organization: &str) -> String {
    let organization = if organization.is_empty() {
        "unknown"
    } else {
        organization
    };
    format!("gpu-{}", super::view::file_stem(organization))
}

/// results.nist.json as pretty JSON text, ending in a newline.
pub fn results_nist_json(result: &AuditResult) -> Result<String, ReportError> {
    let generated = chrono::DateTime::parse_from_rfc3339(&result.generated_at)
        .map(|t| t.with_timezone(&chrono::Utc));
    let generated_date = generated
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| result.generated_at.clone());
    let generated_day = generated
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();

    let mut organizations: Vec<&str> = Vec::new();
    for e in &result.elections {
        if !organizations.contains(&e.organization_id.as_str()) {
            organizations.push(&e.organization_id);
        }
    }
    // The organisation's own name (its account metadata) where the audit found one.
    let bare = |id: &str| id.trim_start_matches("0x").to_ascii_lowercase();
    let named = |o: &str| match (&result.organization, &result.organization_name) {
        (Some(id), Some(name)) if bare(id) == bare(o) && !name.is_empty() => {
            format!("{name} ({o})")
        }
        _ => o.to_string(),
    };
    let gp_unit = organizations
        .iter()
        .map(|o| ReportingUnit {
            id: unit_id(o),
            kind: "ElectionResults.ReportingUnit",
            name: text(&if o.is_empty() {
                "unknown organisation".to_string()
            } else {
                named(o)
            }),
            other_type: "organization",
            unit_type: "other",
        })
        .collect();
    let issuer = if organizations.iter().all(|o| o.is_empty()) {
        "unknown organisation".to_string()
    } else {
        organizations
            .iter()
            .map(|o| named(o))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let issuer_abbreviation = match organizations.first() {
        Some(o) if o.chars().count() > 12 => {
            let head: String = o.chars().take(6).collect();
            let tail: String = o.chars().skip(o.chars().count() - 4).collect();
            format!("{head}…{tail}")
        }
        Some(o) if !o.is_empty() => o.to_string(),
        _ => "unknown".to_string(),
    };

    let mut elections = Vec::with_capacity(result.elections.len());
    for (n, e) in result.elections.iter().enumerate() {
        elections.push(election(e, n + 1, &generated_day)?);
    }
    let vendor = format!("{} {}", result.tool.name, result.tool.version);
    let report = ElectionReport {
        kind: "ElectionResults.ElectionReport",
        election: elections,
        format: "summary-contest",
        generated_date,
        gp_unit,
        issuer,
        issuer_abbreviation,
        notes: NOTES,
        sequence_end: 1,
        sequence_start: 1,
        status: results_status(result),
        vendor_application_id: &vendor,
    };
    let mut json = serde_json::to_string_pretty(&report).map_err(|source| ReportError::Json {
        what: "results.nist.json",
        source,
    })?;
    json.push('\n');
    Ok(json)
}

fn election(e: &ElectionAudit, n: usize, generated_day: &str) -> Result<Election, ReportError> {
    // The export is language-neutral: titles in the metadata's default language, English
    // placeholders where it has none.
    let m = Messages::new(Lang::En);
    let scope = unit_id(&e.organization_id);
    let power = counts_voting_power(e);
    let contest = e
        .tally
        .computed
        .iter()
        .flatten()
        .enumerate()
        .map(|(q, row)| {
            let contest_selection = row
                .iter()
                .enumerate()
                .map(|(v, count)| {
                    Ok(Selection {
                        id: format!("e{n}-q{}-c{}", q + 1, v + 1),
                        kind: "ElectionResults.BallotMeasureSelection",
                        selection: text(choice_title(e, q, v, &m)),
                        sequence_order: v + 1,
                        vote_counts: vec![VoteCounts {
                            kind: "ElectionResults.VoteCounts",
                            count: number(e, q, v, count)?,
                            gp_unit_id: scope.clone(),
                            other_type: power.then_some("voting-power"),
                            count_type: if power { "other" } else { "total" },
                        }],
                    })
                })
                .collect::<Result<_, ReportError>>()?;
            Ok(Contest {
                id: format!("e{n}-q{}", q + 1),
                kind: "ElectionResults.BallotMeasureContest",
                contest_selection,
                election_district_id: scope.clone(),
                name: question_title(e, q, &m),
                sequence_order: q + 1,
            })
        })
        .collect::<Result<_, ReportError>>()?;
    Ok(Election {
        kind: "ElectionResults.Election",
        ballot_counts: vec![BallotCounts {
            kind: "ElectionResults.BallotCounts",
            ballots_cast: e.votes.listed,
            ballots_rejected: e.votes.skipped,
            gp_unit_id: scope.clone(),
            count_type: "total",
        }],
        contest,
        count_status: vec![CountStatus {
            kind: "ElectionResults.CountStatus",
            status: if e.final_results && e.tally.computed.is_some() {
                "completed"
            } else {
                "in-process"
            },
            count_type: "total",
        }],
        election_scope_id: scope,
        end_date: date_of(&e.end_date, generated_day),
        external_identifier: vec![ExternalIdentifier {
            kind: "ElectionResults.ExternalIdentifier",
            other_type: "vochain-election-id",
            id_type: "other",
            value: e.election_id.clone(),
        }],
        name: text(e.title.clone().unwrap_or_else(|| e.election_id.clone())),
        other_type: "Vochain election",
        start_date: date_of(&e.start_date, generated_day),
        election_type: "other",
    })
}

/// A tally cell as a raw JSON number; the cell came out of the verifier's big-integer tally, so
/// anything but plain decimal digits is refused rather than written into the JSON.
fn number(e: &ElectionAudit, q: usize, v: usize, cell: &str) -> Result<Box<RawValue>, ReportError> {
    let bad = || ReportError::TallyCell {
        election_id: e.election_id.clone(),
        question: q,
        value: v,
        text: cell.to_string(),
    };
    let digits = crate::protocol::tally::parse_decimal(cell)
        .map_err(|_| bad())?
        .to_string();
    RawValue::from_string(digits).map_err(|_| bad())
}
