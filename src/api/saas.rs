//! SaaS API responses, each mirroring the saas-backend Go type that marshals it
//! (`vocdoni/saas-backend@fb835a15ba93289765d0ceafaf5754638bd3faeb`, read 2026-12-05):
//! `api/apicommon/voting_processes.go` for the multi-question routes, `api/apicommon/types.go`
//! and `db/types.go` for the legacy ones.
//!
//! One SaaS process holds N questions and each question is its own Vochain election, named by
//! `upstreamId`. The fields a check reads are typed as Go's `encoding/json` writes them; every
//! other field is kept as served ([`Opaque`]), so no value there can make a body unreadable, and
//! the simulator can still serve the whole Go shape field by field, in Go's order.

use serde::{Deserialize, Serialize};

use super::Opaque;

/// `results` of one question: saas-backend `db.QuestionResults` (`db/types.go`), the chain's
/// election passed through (`api/processes.go` `questionResultsFromElection`). Go writes every
/// field but `results` (`omitempty`, absent until a tally exists); the counts are optional here
/// only so that a value the reader could not take ([`crate::api::read_lenient`]) is "not
/// given" rather than a false zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuestionResults {
    /// `uint64`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vote_count: Option<u64>,
    /// `uint64`: the election's `maxCensusSize`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_voters: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_results: Option<bool>,
    /// `[][]string`, decimal cells.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<Vec<String>>>,
}

/// One question: saas-backend `db.VotingProcessQuestion` (`db/types.go`), in Go's field order.
/// Checks read `id`, `upstreamId`, `status` and `results`; the rest is kept as served.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Question {
    /// `primitive.ObjectID`: 24 hex digits.
    pub id: String,
    pub parent_process_id: Option<Opaque>,
    /// `MultiLangString` (a map; nil is `null`).
    pub title: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Opaque>,
    /// `[]Choice` (nil is `null`).
    pub choices: Option<Opaque>,
    #[serde(rename = "type")]
    pub question_type: Option<Opaque>,
    pub type_setup: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ballot_protocol: Option<Opaque>,
    pub secret_until_the_end: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligible_member_ids: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Opaque>,
    /// `internal.HexBytes`, `omitempty`: the 64-hex Vochain election id, absent for a draft.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub upstream_id: String,
    /// `omitempty`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_keys: Option<Opaque>,
    /// `*QuestionResults`, `omitempty`: absent for a draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<QuestionResults>,
}

/// `census` of a process as `/processes/{id}` shows it (no root: see [`LegacyProcess`]):
/// saas-backend `apicommon.CensusSpec` (`api/apicommon/voting_processes.go`), in Go's order.
///
/// `Size` and `TotalWeight` are `int64` with `omitempty`: JSON numbers, absent when zero.
/// Earlier models of this crate expected a string for `totalWeight`, which made a real process
/// body unreadable; both shapes are accepted ([`GoInt`]), and what is written back is Go's
/// number. `TotalWeight` equals `Size` for a non-weighted census (`api/processes.go`
/// `censusTotalWeight`) and is absent when the backend could not sum a weighted one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProcessCensus {
    pub weighted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_fields: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_fa_fields: Option<Opaque>,
    /// `omitempty`: absent for an organisation-wide census.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<Opaque>,
    /// Write-only in Go (never on a read), kept for a backend that echoes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_ids: Option<Opaque>,
    /// Members in the census (eligible voters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<GoInt>,
    /// Sum of the members' weights (voting power).
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

/// `GET /processes/{id}`: saas-backend `apicommon.VotingProcessResponse`
/// (`api/apicommon/voting_processes.go`, built by `VotingProcessResponseFromDB`), in Go's field
/// order. Checks read `orgAddress`, `census`, `questions` and `chainId`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Process {
    /// 24-hex SaaS id (`primitive.ObjectID.Hex()`).
    pub id: String,
    /// `internal.HexBytes`: hex without `0x`.
    pub org_address: String,
    pub published: Option<Opaque>,
    pub census: ProcessCensus,
    /// `MultiLangString` (nil is `null`).
    pub title: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_uri: Option<Opaque>,
    /// `omitempty` string, `2006-01-02T15:04:05Z`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Opaque>,
    /// `[]db.VotingProcessQuestion`: nil is `null`.
    #[serde(deserialize_with = "super::go_nil")]
    pub questions: Vec<Question>,
    /// `omitempty`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub chain_id: String,
    /// `omitempty` string, millisecond RFC 3339 (`UpdatedAtLayout`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Opaque>,
}

/// One row of `GET /processes/{id}/results`: saas-backend `apicommon.VotingProcessQuestionResults`
/// (`api/apicommon/voting_processes.go`), whose embedded `db.QuestionResults` Go flattens into
/// the row; [`QuestionResults`] explains why the counts are optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResultsQuestion {
    pub question_id: String,
    /// `internal.HexBytes`, `omitempty`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub upstream_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vote_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_voters: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_results: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<Vec<String>>>,
}

impl ResultsQuestion {
    /// The row's tally part, as a question embeds it.
    pub fn question_results(&self) -> QuestionResults {
        QuestionResults {
            vote_count: self.vote_count,
            max_voters: self.max_voters,
            final_results: self.final_results,
            results: self.results.clone(),
        }
    }
}

/// `GET /processes/{id}/results`: saas-backend `apicommon.VotingProcessResultsResponse`
/// (`api/apicommon/voting_processes.go`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcessResults {
    pub id: String,
    /// Nil is `null`.
    #[serde(deserialize_with = "super::go_nil")]
    pub questions: Vec<ResultsQuestion>,
}

/// `GET /process/{id}` (legacy single-election process; `address` is the election id):
/// saas-backend `apicommon.ProcessInfo` (`api/apicommon/types.go`), an embedded `*db.Process`
/// (`db/types.go`) plus `chainId`. The fetcher reads `address` only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LegacyProcess {
    pub id: String,
    /// `internal.HexBytes`: hex without `0x`.
    pub address: String,
    /// Sic: the backend's JSON key is misspelt. `common.Address`: `0x` and lowercase hex.
    #[serde(rename = "orgAdress")]
    pub org_address: Option<Opaque>,
    /// `db.Census`; its `published.root` is the CSP key.
    pub census: Option<Opaque>,
    /// `map[string]any` (nil is `null`).
    pub metadata: Option<Opaque>,
    #[serde(rename = "metadataURL", skip_serializing_if = "Option::is_none")]
    pub metadata_url: Option<Opaque>,
    #[serde(rename = "electionParams", skip_serializing_if = "Option::is_none")]
    pub election_params: Option<Opaque>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Opaque>,
    /// `time.Time`: `omitempty` never drops a struct, so a zero time is `0001-01-01T00:00:00Z`.
    #[serde(rename = "publishedAt")]
    pub published_at: Option<Opaque>,
    #[serde(rename = "encryptionKeys", skip_serializing_if = "Option::is_none")]
    pub encryption_keys: Option<Opaque>,
    #[serde(rename = "chainId")]
    pub chain_id: String,
}

/// `GET /process/bundle/{id}`: one CSP census shared by several elections. saas-backend
/// `apicommon.ProcessBundleInfo` (`api/apicommon/types.go`), an embedded `*db.ProcessesBundle`
/// (`db/types.go`) plus `chainId`. The fetcher reads `processes` only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProcessBundle {
    pub id: String,
    /// `db.Census`.
    pub census: Option<Opaque>,
    /// `common.Address`: `0x` and lowercase hex.
    pub org_address: Option<Opaque>,
    /// `[]internal.HexBytes`: election ids, hex; nil is `null`.
    #[serde(deserialize_with = "super::go_nil")]
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
            ..ProcessCensus::default()
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
        assert_eq!(p.org_address.unwrap().get(), r#""0xab""#);
        assert_eq!(p.address, "ee");
    }
}
