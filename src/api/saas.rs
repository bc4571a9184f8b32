//! SaaS API responses (`vocdoni/saas-backend:api/apicommon/voting_processes.go`, `db/types.go`).
//!
//! One SaaS process holds N questions and each question is its own Vochain election, named by
//! `upstreamId`. Only the fields an audit cross-checks are typed; the rest is ignored.

use serde::{Deserialize, Serialize};

/// `results` of one question as the SaaS passes the chain's values through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuestionResults {
    pub vote_count: u64,
    pub max_voters: u64,
    pub final_results: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<Vec<String>>>,
}

/// One choice of a SaaS question; `value` is the results column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Choice {
    pub title: serde_json::Value,
    pub value: u64,
}

/// `ballotProtocol` of a question: the tally parameters the SaaS asked the chain for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BallotProtocol {
    pub max_count: u32,
    pub max_value: u32,
    pub max_vote_overwrites: u32,
    pub cost_exponent: u32,
    pub max_total_cost: u32,
    pub unique_values: bool,
    pub cost_from_weight: bool,
}

/// One question (`VotingProcessQuestion`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Question {
    pub id: String,
    pub title: serde_json::Value,
    pub choices: Vec<Choice>,
    #[serde(rename = "type")]
    pub question_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ballot_protocol: Option<BallotProtocol>,
    pub secret_until_the_end: bool,
    /// The 64-hex Vochain election id.
    pub upstream_id: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<QuestionResults>,
}

/// `census` of a process as `/processes/{id}` shows it (no root: see [`LegacyProcess`]).
///
/// Mirrors saas-backend's `apicommon.CensusSpec` (`api/apicommon/voting_processes.go`), where
/// `Size` and `TotalWeight` are `int64`: Go's `encoding/json` writes them as JSON numbers
/// (`"size":30,"totalWeight":30`). Earlier models of this crate expected a string for
/// `totalWeight`, which made a real process body unreadable; both shapes are accepted
/// ([`GoInt`]), and what is written back is Go's number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProcessCensus {
    pub weighted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<GoInt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_weight: Option<GoInt>,
}

/// A Go integer field (`int64`/`uint64`) read as its decimal digits: a JSON number, as
/// `encoding/json` writes it, or a decimal string, as some clients and older API versions did.
///
/// Kept as the canonical decimal text so that a value beyond `u64` (or negative) never makes the
/// whole body unreadable; [`GoInt::as_u64`] is for the checks that need a count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct GoInt(String);

impl GoInt {
    /// The longest decimal accepted: an `int64`/`uint64` has at most 20 digits; a little slack
    /// keeps a corrupt value from costing more than a short string.
    const MAX_DIGITS: usize = 40;

    /// Reads `text` as an optionally signed decimal integer without leading `+` or spaces.
    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let valid = !digits.is_empty()
            && digits.len() <= Self::MAX_DIGITS
            && digits.bytes().all(|b| b.is_ascii_digit());
        valid.then(|| {
            let trimmed = digits.trim_start_matches('0');
            let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
            if text.starts_with('-') && trimmed != "0" {
                GoInt(format!("-{trimmed}"))
            } else {
                GoInt(trimmed.to_string())
            }
        })
    }

    /// The canonical decimal text (no leading zeros, `-` only for negative values).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as a count, when it is one that fits `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
}

impl From<u64> for GoInt {
    fn from(value: u64) -> Self {
        GoInt(value.to_string())
    }
}

impl std::fmt::Display for GoInt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for GoInt {
    /// As Go's `encoding/json` writes an `int64`: a bare number.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.0.parse::<i64>(), self.0.parse::<u64>()) {
            (Ok(value), _) => serializer.serialize_i64(value),
            (_, Ok(value)) => serializer.serialize_u64(value),
            _ => serializer.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for GoInt {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = GoInt;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an integer, as a JSON number or a decimal string")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<GoInt, E> {
                Ok(GoInt(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<GoInt, E> {
                Ok(GoInt(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<GoInt, E> {
                Err(E::custom(format_args!("expected an integer, got {v}")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<GoInt, E> {
                GoInt::parse(v)
                    .ok_or_else(|| E::custom(format_args!("expected a decimal integer, got {v:?}")))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `GET /processes/{id}` (`VotingProcessResponse`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Process {
    /// 24-hex SaaS id.
    pub id: String,
    /// Hex, no `0x`.
    pub org_address: String,
    pub published: bool,
    pub census: ProcessCensus,
    pub title: serde_json::Value,
    pub start_date: String,
    pub end_date: String,
    pub questions: Vec<Question>,
    pub chain_id: String,
}

/// One row of `GET /processes/{id}/results`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResultsQuestion {
    pub question_id: String,
    pub upstream_id: String,
    pub vote_count: u64,
    pub max_voters: u64,
    pub final_results: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<Vec<String>>>,
}

/// `GET /processes/{id}/results`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcessResults {
    pub id: String,
    pub questions: Vec<ResultsQuestion>,
}

/// `census.published` of the legacy process and bundle routes: the CSP key as "root".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PublishedCensus {
    pub uri: String,
    pub root: String,
}

/// The `db.Census` part the audit reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LegacyCensus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<PublishedCensus>,
}

/// `GET /process/{id}` (legacy single-election process; `address` is the election id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LegacyProcess {
    pub id: String,
    pub address: String,
    /// Sic: the backend's JSON key is misspelt.
    #[serde(rename = "orgAdress")]
    pub org_address: String,
    pub census: LegacyCensus,
    pub status: String,
    #[serde(rename = "chainId")]
    pub chain_id: String,
}

/// `GET /process/bundle/{id}`: one CSP census shared by several elections.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProcessBundle {
    pub id: String,
    pub census: LegacyCensus,
    pub org_address: String,
    pub processes: Vec<String>,
    pub chain_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_with_questions() {
        let p: Process = serde_json::from_str(
            r#"{"id":"65f0","orgAddress":"ab","published":true,"census":{"weighted":false,"size":10},
                "questions":[{"id":"q1","title":{"default":"Q"},"choices":[{"title":{"default":"Yes"},"value":0}],
                "upstreamId":"cd","status":"RESULTS","results":{"voteCount":3,"maxVoters":10,"finalResults":true,"results":[["1","2"]]}}],
                "chainId":"vocdoni/LTS/1.2","somethingNew":1}"#,
        )
        .unwrap();
        assert_eq!(p.questions[0].upstream_id, "cd");
        let r = p.questions[0].results.as_ref().unwrap();
        assert_eq!(r.results.as_ref().unwrap()[0][1], "2");
        assert_eq!(p.census.size, Some(GoInt::from(10)));
    }

    /// saas-backend's `CensusSpec` has `Size int64` and `TotalWeight int64`: the real API sends
    /// numbers. A string (older shape) is read too; anything else names the field.
    #[rstest::rstest]
    #[case::go_numbers(
        r#"{"weighted":true,"size":30,"totalWeight":30}"#,
        Some("30"),
        Some("30")
    )]
    #[case::strings(r#"{"size":"30","totalWeight":"0030"}"#, Some("30"), Some("30"))]
    #[case::absent_omitempty(r#"{"weighted":false}"#, None, None)]
    #[case::zero(r#"{"size":0,"totalWeight":0}"#, Some("0"), Some("0"))]
    #[case::beyond_2_pow_53(
        r#"{"size":9007199254740993,"totalWeight":"18446744073709551617"}"#,
        Some("9007199254740993"),
        Some("18446744073709551617")
    )]
    fn census_spec_numbers(
        #[case] body: &str,
        #[case] size: Option<&str>,
        #[case] total_weight: Option<&str>,
    ) {
        let census: ProcessCensus = serde_json::from_str(body).unwrap();
        assert_eq!(census.size.as_ref().map(GoInt::as_str), size);
        assert_eq!(
            census.total_weight.as_ref().map(GoInt::as_str),
            total_weight
        );
    }

    #[rstest::rstest]
    #[case::float(r#"{"totalWeight":1.5}"#, "expected an integer")]
    #[case::not_decimal(r#"{"totalWeight":"0x1e"}"#, "expected a decimal integer")]
    #[case::boolean(r#"{"size":true}"#, "an integer, as a JSON number or a decimal string")]
    fn census_spec_rejects_non_integers(#[case] body: &str, #[case] says: &str) {
        let error = serde_json::from_str::<ProcessCensus>(body).unwrap_err();
        assert!(error.to_string().contains(says), "{error}");
    }

    /// Written back as Go writes it: numbers, so the simulator serves the real shape.
    #[test]
    fn census_spec_serialises_as_go_numbers() {
        let census = ProcessCensus {
            weighted: false,
            size: Some(GoInt::from(30)),
            total_weight: GoInt::parse("-0"),
        };
        assert_eq!(
            serde_json::to_string(&census).unwrap(),
            r#"{"weighted":false,"size":30,"totalWeight":0}"#
        );
    }

    #[test]
    fn legacy_misspelt_org_key() {
        let p: LegacyProcess = serde_json::from_str(
            r#"{"address":"ee","orgAdress":"0xab","census":{"published":{"root":"02"}}}"#,
        )
        .unwrap();
        assert_eq!(p.org_address, "0xab");
        assert_eq!(p.census.published.unwrap().root, "02");
    }
}
