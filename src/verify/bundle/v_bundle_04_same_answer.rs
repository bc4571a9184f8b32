//! V-BUNDLE-04: the node answered the same question the same way. The fetcher re-reads a sample
//! of vote details and the election, and compares each list row with its vote detail
//! (`crate::fetch::reread`); every pair of answers that differed is in the bundle. A difference
//! fails — a node that tells different readers different things is equivocating — unless the
//! election was still live and the change is one a live election makes: more votes, a vote
//! overwritten by its voter, a status moving on, results appearing, keys revealed (the node then
//! serves the decrypted package, `vocdoni/vocdoni-node:api/vote.go`).

use crate::bundle::{Disagreement, FieldChange};
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::{CheckResult, Location, Status};

pub struct SameAnswer;

/// Election fields fixed when the election is created: any change is equivocation.
const FIXED: &[&str] = &[
    "electionId",
    "organizationId",
    "census",
    "startDate",
    "voteMode",
    "electionMode",
    "tallyMode",
    "metadataURL",
    "chainId",
    "creationTime",
];

impl ElectionCheck for SameAnswer {
    fn id(&self) -> &'static str {
        "V-BUNDLE-04"
    }

    fn per_vote(&self, _ctx: &ElectionContext, _vote: &DerivedVote, _out: &mut Remarks) {}

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, _: Remarks) -> CheckResult {
        let rereads = &ctx.rereads;
        if rereads.asked == 0 && rereads.disagreements.is_empty() {
            return Remarks::default().conclude_as(
                &self.info(),
                Status::Skip,
                "the bundle holds no second read (fetched with --reread 0 or by an older vocaudit)",
            );
        }
        let mut out = Remarks::default();
        let mut differing_rereads = 0u64;
        for d in &rereads.disagreements {
            if d.route != "vote-row" {
                differing_rereads += 1;
            }
            let (level, why) = judge(d, ctx.election.election_mode.dynamic_census);
            let location = Location {
                vote_id: d.vote_id.clone(),
                ..Location::election(&d.election_id)
            };
            let fields: Vec<&str> = d.changes.iter().map(|c| c.field.as_str()).collect();
            out.add(
                level,
                location,
                format!(
                    "{}: {} ({}; sha256 {} then {}) — {why}",
                    what_was_compared(d),
                    fields.join(", "),
                    d.url,
                    short(&d.first_sha256),
                    short(&d.second_sha256),
                ),
                Some(values(&d.changes, |c| &c.first)),
                Some(values(&d.changes, |c| &c.second)),
            );
        }
        for _ in 0..rereads.asked.saturating_sub(differing_rereads) {
            out.pass();
        }
        let summary = format!(
            "{} questions asked twice, {} answers differed",
            rereads.asked,
            rereads.disagreements.len()
        );
        out.conclude(&self.info(), summary)
    }
}

fn what_was_compared(d: &Disagreement) -> &'static str {
    match d.route.as_str() {
        "vote" => "the vote detail read twice differs",
        "vote-row" => "the vote's list row and its detail differ",
        "election" => "the election read at the start and at the end of the fetch differs",
        _ => "two answers differ",
    }
}

/// Whether the difference is one a live election explains (a note) or equivocation (a failure).
fn judge(d: &Disagreement, dynamic_census: bool) -> (Level, &'static str) {
    let field = |name: &str| d.changes.iter().find(|c| c.field == name);
    let grew = |c: Option<&FieldChange>| {
        c.and_then(|c| Some(c.second.parse::<u64>().ok()? > c.first.parse::<u64>().ok()?))
            .unwrap_or(false)
    };
    let only = |names: &[&str]| d.changes.iter().all(|c| names.contains(&c.field.as_str()));
    match d.route.as_str() {
        "vote" if d.live && grew(field("overwriteCount")) => (
            Level::Note,
            "the voter overwrote the vote between the reads (live election)",
        ),
        "vote" if only(&["package"]) && encrypted(field("package")) => (
            Level::Note,
            "the keys were revealed between the reads: the node now serves the decrypted package",
        ),
        "vote-row" if d.live && grew(field("blockHeight")) => (
            Level::Note,
            "the vote was overwritten after it was listed (live election)",
        ),
        "election" => judge_election(d, grew(field("voteCount")), dynamic_census),
        _ => (
            Level::Fail,
            "the node answered the same question differently",
        ),
    }
}

/// A dynamic census (`electionMode.dynamicCensus`) may get a new root while the election runs
/// (`SET_PROCESS_CENSUS`), so its `census` changing is what such an election does, not
/// equivocation.
fn judge_election(
    d: &Disagreement,
    count_grew: bool,
    dynamic_census: bool,
) -> (Level, &'static str) {
    let status_changed = d.changes.iter().any(|c| c.field == "status");
    for c in &d.changes {
        match c.field.as_str() {
            "census" if dynamic_census && d.live => {}
            f if FIXED.contains(&f) => {
                return (
                    Level::Fail,
                    "a field fixed at creation changed (census, modes, ids)",
                )
            }
            "voteCount" if !(d.live && count_grew) => {
                return (
                    Level::Fail,
                    "the vote count changed although the election was not receiving votes",
                )
            }
            "result" if !(d.live || status_changed) => {
                return (
                    Level::Fail,
                    "the published results changed without a status change",
                )
            }
            "(status)" | "(body)" => {
                return (
                    Level::Fail,
                    "the node answered the same question differently",
                )
            }
            _ => {}
        }
    }
    (
        Level::Note,
        "changes an election in progress makes (status, end date, vote count, results, a \
         dynamic census's root)",
    )
}

/// Whether a `package` change starts from the node's `{"encrypted": …}` form.
fn encrypted(c: Option<&FieldChange>) -> bool {
    c.is_some_and(|c| c.first.starts_with("{\"encrypted\""))
}

fn values(changes: &[FieldChange], side: impl Fn(&FieldChange) -> &String) -> String {
    changes
        .iter()
        .map(|c| format!("{}={}", c.field, side(c)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn d(route: &str, live: bool, changes: &[(&str, &str, &str)]) -> Disagreement {
        Disagreement {
            election_id: "ab".repeat(32),
            vote_id: None,
            route: route.into(),
            url: "http://n/v2/x".into(),
            first_sha256: "11".repeat(32),
            second_sha256: "22".repeat(32),
            live,
            changes: changes
                .iter()
                .map(|(f, a, b)| FieldChange {
                    field: f.to_string(),
                    first: a.to_string(),
                    second: b.to_string(),
                })
                .collect(),
        }
    }

    #[rstest]
    #[case(d("vote", false, &[("weight", "\"1\"", "\"2\"")]), Level::Fail)]
    #[case(d("vote", true, &[("weight", "\"1\"", "\"2\"")]), Level::Fail)]
    #[case(d("vote", true, &[("overwriteCount", "0", "1"), ("blockHeight", "5", "9")]), Level::Note)]
    #[case(d("vote", false, &[("overwriteCount", "0", "1")]), Level::Fail)]
    #[case(d("vote", false, &[("package", "{\"encrypted\":\"AA\"}", "{\"votes\":[1]}")]), Level::Note)]
    #[case(d("vote", false, &[("package", "{\"votes\":[0]}", "{\"votes\":[1]}")]), Level::Fail)]
    #[case(d("vote-row", false, &[("txHash", "aa", "bb")]), Level::Fail)]
    #[case(d("vote-row", true, &[("blockHeight", "5", "9"), ("txHash", "aa", "bb")]), Level::Note)]
    #[case(d("vote-row", true, &[("blockHeight", "9", "5")]), Level::Fail)]
    #[case(d("election", true, &[("voteCount", "10", "12")]), Level::Note)]
    #[case(d("election", true, &[("voteCount", "10", "9")]), Level::Fail)]
    #[case(d("election", false, &[("voteCount", "10", "12")]), Level::Fail)]
    #[case(d("election", true, &[("census", "{}", "{\"x\":1}"), ("voteCount", "1", "2")]), Level::Fail)]
    #[case(d("election", false, &[("status", "\"ENDED\"", "\"RESULTS\""), ("result", "null", "[[\"1\"]]")]), Level::Note)]
    #[case(d("election", false, &[("result", "[[\"1\"]]", "[[\"2\"]]")]), Level::Fail)]
    #[case(d("election", false, &[("(status)", "200", "404")]), Level::Fail)]
    fn judged(#[case] disagreement: Disagreement, #[case] level: Level) {
        assert_eq!(judge(&disagreement, false).0, level, "{disagreement:?}");
    }

    /// A dynamic census may move its root while the election runs; a fixed one may not, and a
    /// dynamic one may not once the election is over.
    #[rstest]
    #[case(true, true, Level::Note)]
    #[case(false, true, Level::Fail)]
    #[case(true, false, Level::Fail)]
    fn census_root_changes(#[case] dynamic: bool, #[case] live: bool, #[case] level: Level) {
        let changed = d(
            "election",
            live,
            &[(
                "census",
                "{\"censusRoot\":\"aa\"}",
                "{\"censusRoot\":\"bb\"}",
            )],
        );
        assert_eq!(judge(&changed, dynamic).0, level);
    }
}
