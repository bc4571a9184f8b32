//! The check catalogue: from the evidence of an audit, recompute and cross-check everything and
//! locate every discrepancy (the Swiss Post verifier's layout: one file per check, grouped by
//! category, driven by [`catalogue::CATALOGUE`]).
//!
//! Flow per election: decode the election-level facts once ([`context`]), stream the votes in
//! batches, derive each vote's facts in parallel ([`derive`](mod@derive)), let every check look
//! at each vote in parallel, keep only compact state ([`aggregate`]), then conclude every check.
//!
//! Verifying a fetched bundle (here of an election whose published result has one cell +1):
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! # use vocaudit::{fetch, sim};
//! # let mut world = sim::scenario("csp-ecdsa", 8, 1).unwrap();
//! # sim::apply_tamper(&mut world, "result-cell").unwrap();
//! # let server = sim::serve_local(&world, sim::FaultPlan::none()).await.unwrap();
//! # let id = world.elections.keys().next().unwrap().clone();
//! # let dir = tempfile::tempdir().unwrap();
//! # let bundle = dir.path().join("bundle");
//! # let mut config = fetch::FetchConfig::new(
//! #     server.node_url().parse().unwrap(), fetch::Target::Election(id), bundle.clone());
//! # config.quiet = true;
//! # fetch::run(config).await.unwrap();
//! use vocaudit::bundle::load::load;
//! use vocaudit::verify::result::{Status, Verdict};
//! use vocaudit::verify::{verify, VerifyOptions};
//!
//! let input = load(&bundle).unwrap(); // refuses a bundle whose files do not match the manifest
//! let result = verify(input, &VerifyOptions::default());
//!
//! assert_eq!(result.verdict, Verdict::Fail);
//! assert_eq!(result.exit_code(), 1);
//! let failed: Vec<_> = result.all_checks().filter(|c| c.status == Status::Fail).collect();
//! assert_eq!(failed[0].id, "V-TALLY-01");
//! for finding in &failed[0].findings {
//!     // The located cell [question, value], what the votes add up to, what was published.
//!     println!("{:?} {:?} {:?}", finding.location.cell, finding.expected, finding.actual);
//! }
//! # });
//! ```

pub mod aggregate;
pub mod catalogue;
pub mod check;
pub mod context;
pub mod derive;
mod participation;
pub mod result;

mod ballot;
mod bundle;
mod census;
mod count;
mod cross_source;
mod keys;
mod nullifier;
mod process_id;
mod signature;
pub(crate) mod tally;
mod tx_hash;
mod weight;
mod window;

use rayon::prelude::*;

use crate::api;
use crate::bundle::evidence::{AuditInput, ElectionEvidence, GapKind, SaasEvidence};
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::{
    AuditResult, ElectionAudit, Question, SaasProcessFacts, TallyPair, Verdict, VoteCounts,
    REPORT_SCHEMA,
};

/// How to run an audit.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The `generatedAt` to write (RFC 3339); the current time when `None`. Tests pin it.
    pub generated_at: Option<String>,
}

/// Every per-election check, in catalogue order.
fn election_checks() -> Vec<&'static dyn ElectionCheck> {
    vec![
        &bundle::ElectionGaps,
        &bundle::SameAnswer,
        &cross_source::SaasMatchesChain,
        &cross_source::CensusNumbers,
        &process_id::Layout,
        &count::CountsAgree,
        &count::NoDuplicate,
        &count::Overwrites,
        &count::CensusSize,
        &tx_hash::TxHash,
        &signature::Signature,
        &nullifier::Nullifier,
        &census::DumpRoot,
        &census::MerkleProofs,
        &census::CspProofs,
        &census::CspSalt,
        &weight::Weight,
        &keys::RevealedKeys,
        &keys::IndexesRevealed,
        &keys::DecryptionMatches,
        &ballot::Validated,
        &ballot::SafeRange,
        &tally::ResultsMatch,
        &tally::ScrutinyMatch,
        &tally::AbiEncoding,
        &window::InsideWindow,
    ]
}

/// Every per-vote check's remarks on one vote, by check id, in catalogue order: for callers
/// that judge votes one at a time as they arrive (`crate::watch`) with the same checks an audit
/// runs over the whole stream.
pub fn judge_vote(
    ctx: &ElectionContext,
    vote: &derive::DerivedVote,
) -> Vec<(&'static str, Remarks)> {
    election_checks()
        .into_iter()
        .map(|check| {
            let mut out = Remarks::default();
            check.per_vote(ctx, vote, &mut out);
            (check.id(), out)
        })
        .collect()
}

/// Runs the whole catalogue over `input`.
pub fn verify(input: AuditInput, options: &VerifyOptions) -> AuditResult {
    let AuditInput {
        source,
        bundle,
        saas,
        elections,
        gaps,
    } = input;
    let mut checks = vec![
        bundle::integrity(bundle.as_ref()),
        bundle::audit_gaps(&gaps),
    ];
    if let Some(s) = &saas {
        checks.push(cross_source::questions_on_chain(s, &elections));
    }
    let mut incomplete = gaps
        .iter()
        .any(|g| g.kind == GapKind::Unreachable && g.subject.blocks_recomputation());
    let mut audits = Vec::with_capacity(elections.len());
    for ev in elections {
        let (audit, complete) = verify_election(ev, saas.as_ref());
        incomplete |= !complete;
        audits.push(audit);
    }
    let mut result = AuditResult {
        schema: REPORT_SCHEMA.to_string(),
        tool: Default::default(),
        generated_at: options
            .generated_at
            .clone()
            .unwrap_or_else(|| chrono::Utc::now().to_rfc3339()),
        verdict: Verdict::Pass,
        source,
        bundle: bundle.map(|b| b.info),
        saas: saas
            .as_ref()
            .and_then(|s| s.process.as_ref())
            .map(|p| SaasProcessFacts {
                process_id: p.id.clone(),
                census_weighted: p.census.weighted,
                census_size: p.census.size.as_ref().map(ToString::to_string),
                census_total_weight: p.census.total_weight.as_ref().map(ToString::to_string),
            }),
        checks,
        elections: audits,
    };
    result.verdict = match result.verdict_from_checks() {
        Verdict::Pass if incomplete => Verdict::Incomplete,
        v => v,
    };
    result
}

/// Verifies one election; the flag is false when its evidence could not be obtained in full.
fn verify_election(ev: ElectionEvidence, saas: Option<&SaasEvidence>) -> (ElectionAudit, bool) {
    let (ctx, mut votes) = ElectionContext::new(ev, saas);
    let checks = election_checks();
    let mut agg = Aggregate::new(&ctx);
    let mut remarks: Vec<Remarks> = vec![Remarks::default(); checks.len()];
    while let Some(batch) = votes.next_batch() {
        let batch = match batch {
            Ok(b) => b,
            Err(e) => {
                agg.source_error = Some(e.to_string());
                break;
            }
        };
        let derived: Vec<_> = batch
            .into_par_iter()
            .map(|v| derive::derive(&ctx, v))
            .collect();
        let batch_remarks = derived
            .par_iter()
            .fold(
                || vec![Remarks::default(); checks.len()],
                |mut acc, vote| {
                    for (check, out) in checks.iter().zip(acc.iter_mut()) {
                        check.per_vote(&ctx, vote, out);
                    }
                    acc
                },
            )
            .reduce(
                || vec![Remarks::default(); checks.len()],
                |a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect(),
            );
        remarks = remarks
            .into_iter()
            .zip(batch_remarks)
            .map(|(x, y)| x.merge(y))
            .collect();
        for vote in &derived {
            agg.record(vote);
        }
    }
    let results: Vec<_> = checks
        .iter()
        .zip(remarks)
        .map(|(check, r)| check.conclude(&ctx, &agg, r))
        .collect();
    let complete = agg.source_error.is_none()
        && !ctx
            .gaps
            .iter()
            .any(|g| g.kind == GapKind::Unreachable && g.subject.blocks_recomputation());
    let audit = ElectionAudit {
        election_id: ctx.id_hex.clone(),
        title: election_title(&ctx.election),
        status: ctx.election.status.clone(),
        census_origin: ctx.election.census.census_origin.clone(),
        encrypted: ctx.encrypted(),
        questions: questions(&ctx.election),
        votes: VoteCounts {
            listed: agg.distinct,
            counted: agg.counted,
            skipped: agg.skipped,
            published: Some(ctx.election.vote_count),
        },
        tally: TallyPair {
            computed: agg.computed_tally().ok(),
            published: ctx.election.result.clone(),
        },
        participation: participation::buckets(&agg.times),
        checks: results,
    };
    (audit, complete)
}

fn metadata(e: &api::node::Election) -> Option<api::node::ElectionMetadata> {
    e.metadata
        .clone()
        .and_then(|m| serde_json::from_value(m).ok())
}

fn election_title(e: &api::node::Election) -> Option<String> {
    e.title
        .clone()
        .or_else(|| metadata(e).and_then(|m| api::text(&m.title)))
}

/// Question titles and choice titles by results column, from the metadata.
fn questions(e: &api::node::Election) -> Vec<Question> {
    let Some(m) = metadata(e) else {
        return Vec::new();
    };
    m.questions
        .iter()
        .map(|q| {
            let width = q
                .choices
                .iter()
                .map(|c| c.value as usize + 1)
                .max()
                .unwrap_or(0);
            let mut choices = vec![String::new(); width.min(1 << 16)];
            for c in &q.choices {
                if let Some(slot) = choices.get_mut(c.value as usize) {
                    *slot = api::text(&c.title).unwrap_or_default();
                }
            }
            Question {
                title: api::text(&q.title).unwrap_or_default(),
                choices,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::catalogue::{Scope, CATALOGUE};

    #[test]
    fn every_election_check_of_the_catalogue_runs_once_in_order() {
        let implemented: Vec<_> = election_checks().iter().map(|c| c.id()).collect();
        let catalogued: Vec<_> = CATALOGUE
            .iter()
            .filter(|c| c.scope == Scope::Election)
            .map(|c| c.id)
            .collect();
        assert_eq!(implemented, catalogued);
    }
}
