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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProcessCensus {
    pub weighted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_weight: Option<String>,
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
        assert_eq!(p.census.size, Some(10));
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
