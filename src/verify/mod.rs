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
pub mod reading;
pub mod result;
pub mod turnout;

mod ballot;
mod bundle;
mod census;
mod count;
mod cross_source;
pub mod history;
mod keys;
mod nullifier;
mod process_id;
mod signature;
pub(crate) mod tally;
mod tx_hash;
mod weight;
mod window;
mod zk;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::api;
use crate::bundle::evidence::{
    AuditInput, ElectionEvidence, GapKind, SaasEvidence, VoteEvidence, ZkChainEvidence,
};
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Remarks};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::result::{
    ActualEnd, AuditResult, Authentication, ElectionAudit, ElectionHistory, HexId, HistoryEvent,
    Question, QuestionText, ResultsVisibility, SaasProcessFacts, TallyPair, Verdict, VoteCounts,
    VoteOutcome, VoteRecord, ZkKeyUse, REPORT_SCHEMA,
};

/// How to run an audit.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The `generatedAt` to write (RFC 3339); the current time when `None`. Tests pin it.
    pub generated_at: Option<String>,
    /// The keys anonymous votes' proofs are checked with: Vocdoni's plus those the user trusted
    /// (`--zk-key`); Vocdoni's alone when `None`.
    pub circuits: Option<std::sync::Arc<crate::protocol::zk::CircuitRegistry>>,
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
        &census::EligibilityChecked,
        &zk::ProofVerifies,
        &zk::ElectionBound,
        &zk::CensusRootBound,
        &zk::VoteHashBound,
        &zk::NullifierFromProof,
        &zk::WeightFromProof,
        &zk::SikRoot,
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
        &history::Signers,
        &history::ActualEnd,
        &history::CensusHistory,
        &history::MetadataIntegrity,
        &history::KeyHistory,
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
        accounts,
        zk,
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
        let (audit, complete) = verify_election(ev, saas.as_ref(), &zk, options);
        incomplete |= !complete;
        audits.push(audit);
    }
    let process = saas.as_ref().and_then(|s| s.process.as_ref());
    let title = match (process, audits.as_slice()) {
        (Some(p), _) => p
            .title
            .as_ref()
            .and_then(|t| serde_json::from_str(t.get()).ok())
            .and_then(|t: serde_json::Value| api::text(&t)),
        (None, [only]) => only.title.clone(),
        _ => None,
    };
    let organization = match process {
        Some(p) if !p.org_address.is_empty() => Some(p.org_address.clone()),
        _ => {
            let mut ids = audits.iter().map(|a| a.organization_id.as_str());
            let first = ids.next().filter(|o| !o.is_empty());
            first.filter(|o| ids.all(|i| i == *o)).map(str::to_string)
        }
    };
    // The organisation's name from its account metadata, when the node served it.
    let names = organization.as_deref().and_then(|address| {
        let address = address.trim_start_matches("0x");
        accounts
            .iter()
            .find(|a| {
                a.address
                    .trim_start_matches("0x")
                    .eq_ignore_ascii_case(address)
            })
            .and_then(|a| a.metadata.as_ref())
            .map(|m| &m.name)
            .filter(|n| !n.is_empty())
    });
    let organization_name = names.and_then(|n| {
        n.get("default")
            .or_else(|| n.values().next())
            .filter(|name| !name.is_empty())
            .cloned()
    });
    let organization_name_translations = names
        .map(|n| {
            n.iter()
                .filter(|(lang, name)| lang.as_str() != "default" && !name.is_empty())
                .map(|(lang, name)| (lang.to_ascii_lowercase(), name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut result = AuditResult {
        schema: REPORT_SCHEMA.to_string(),
        tool: Default::default(),
        generated_at: options
            .generated_at
            .clone()
            .unwrap_or_else(|| chrono::Utc::now().to_rfc3339()),
        verdict: Verdict::Pass,
        title,
        organization,
        organization_name,
        organization_name_translations,
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

/// The report's view of the election's history, when the transaction index was read or the
/// node served a metadata history.
fn history_of(ctx: &ElectionContext, agg: &Aggregate) -> Option<ElectionHistory> {
    let h = &ctx.history;
    let metadata_versions = history::metadata_versions_of(ctx, agg).unwrap_or_default();
    if !h.listed && metadata_versions.is_empty() {
        return None;
    }
    let scheduled = h.scheduled_end();
    let actual_end = match h.manual_end() {
        Some(e) => Some(ActualEnd {
            by: "manual".into(),
            time: e.time.map(history::rfc3339),
            height: Some(e.height),
            tx_hash: Some(e.hash.clone()),
            status: match e.kind {
                history::EventKind::Status(s) => Some(history::status_name(s)),
                _ => None,
            },
        }),
        None => scheduled.map(|t| ActualEnd {
            by: "scheduled".into(),
            time: Some(history::rfc3339(t)),
            ..ActualEnd::default()
        }),
    };
    Some(ElectionHistory {
        scheduled_end: scheduled.map(history::rfc3339),
        actual_end,
        events: h
            .events
            .iter()
            .map(|e| HistoryEvent {
                height: e.height,
                index: e.index,
                time: e.time.map(history::rfc3339),
                tx_hash: e.hash.clone(),
                kind: e.kind.name().into(),
                description: e.kind.describe(),
                signer: e.signer.as_ref().ok().map(hex::encode),
            })
            .collect(),
        metadata_versions,
    })
}

/// Verifies one election; the flag is false when its evidence could not be obtained in full.
fn verify_election(
    ev: ElectionEvidence,
    saas: Option<&SaasEvidence>,
    zk: &ZkChainEvidence,
    options: &VerifyOptions,
) -> (ElectionAudit, bool) {
    let (mut ctx, mut votes) = ElectionContext::new(ev, saas);
    ctx.zk_chain = zk.clone();
    if let Some(circuits) = &options.circuits {
        ctx.circuits = Ok(circuits.clone());
    }
    let checks = election_checks();
    let mut agg = Aggregate::new(&ctx);
    let mut remarks: Vec<Remarks> = vec![Remarks::default(); checks.len()];
    // Sized once from the listing's total when the node gives one (capped: a hostile total
    // must not reserve memory), so a million-vote ledger is not copied while it grows.
    let mut ballots = Vec::with_capacity(ctx.list_total.unwrap_or(0).min(1 << 22) as usize);
    // A three-stage pipeline: while one batch is derived and checked (in parallel), the next is
    // read from the source and the previous one is recorded in order, so reading the bundle and
    // the in-order tally never leave a thread idle.
    let mut next = votes.next_batch();
    let mut checked: Vec<derive::DerivedVote> = Vec::new();
    loop {
        let batch = match next.take() {
            None => break,
            Some(Ok(b)) => b,
            Some(Err(e)) => {
                agg.source_error = Some(e.to_string());
                break;
            }
        };
        let previous = std::mem::take(&mut checked);
        let ((derived, batch_remarks), (following, ())) = rayon::join(
            || derive_and_check(&ctx, &checks, batch),
            || {
                rayon::join(
                    || votes.next_batch(),
                    || record_in_order(&mut agg, &mut ballots, &previous),
                )
            },
        );
        remarks = remarks
            .into_iter()
            .zip(batch_remarks)
            .map(|(x, y)| x.merge(y))
            .collect();
        checked = derived;
        next = following;
    }
    record_in_order(&mut agg, &mut ballots, &checked);
    drop(checked);
    let results: Vec<_> = checks
        .iter()
        .zip(remarks)
        .map(|(check, r)| check.conclude(&ctx, &agg, r))
        .collect();
    // A census kind whose votes cannot be checked leaves the verdict incomplete (V-CENSUS-05).
    let complete = agg.source_error.is_none()
        && census::unchecked_eligibility(&ctx, &agg).is_none()
        && !ctx
            .gaps
            .iter()
            .any(|g| g.kind == GapKind::Unreachable && g.subject.blocks_recomputation());
    let turnout = turnout::turnout(&ctx, saas, &agg, &ballots);
    let computed = agg.computed_tally().ok();
    let shares = turnout::shares(computed.as_deref(), &turnout, agg.counted);
    let by_choice = metadata(&ctx.election).and_then(|m| {
        let values: Vec<u64> = m
            .questions
            .first()?
            .choices
            .iter()
            .map(|c| c.value)
            .collect();
        reading::by_choice(
            &m.kind,
            m.questions.len(),
            &values,
            computed.as_deref(),
            ctx.election.result.as_deref(),
            turnout::counted_whole(&turnout, agg.counted).as_ref(),
        )
    });
    let audit = ElectionAudit {
        election_id: ctx.id_hex.clone(),
        title: election_title(&ctx.election),
        title_translations: metadata(&ctx.election)
            .map(|m| translations_of(&m.title).into_iter().collect())
            .unwrap_or_default(),
        status: ctx.election.status.clone(),
        organization_id: ctx.election.organization_id.clone(),
        start_date: ctx.election.start_date.clone(),
        end_date: ctx.election.end_date.clone(),
        final_results: ctx.election.final_results,
        manually_ended: ctx.election.manually_ended,
        results_visibility: if ctx.election.vote_mode.encrypted_votes {
            ResultsVisibility::SecretUntilEnd
        } else {
            ResultsVisibility::Live
        },
        authentication: authentication(&ctx),
        census_root: ctx.election.census.census_root.clone(),
        census_uri: ctx.election.census.census_url.clone(),
        census_origin: ctx.election.census.census_origin.clone(),
        encrypted: ctx.encrypted(),
        questions: questions(&ctx.election),
        votes: VoteCounts {
            listed: agg.distinct,
            counted: agg.counted,
            skipped: agg.skipped,
            published: Some(ctx.election.vote_count),
        },
        turnout,
        tally: TallyPair {
            computed,
            published: ctx.election.result.clone(),
        },
        shares,
        by_choice,
        participation: participation::buckets(&agg.times),
        checks: results,
        history: history_of(&ctx, &agg),
        zk_keys: agg
            .zk_keys
            .values()
            .map(|(by, proofs)| ZkKeyUse {
                name: by.key.clone(),
                sha256: by.sha256.clone(),
                vocdoni: by.vocdoni,
                proofs: *proofs,
            })
            .collect(),
        ballots: Some(ballots),
    };
    (audit, complete)
}

/// How the election's voters prove their right to vote, in the report's words.
fn authentication(ctx: &ElectionContext) -> Authentication {
    let origin = ctx.election.census.census_origin.as_str();
    if ctx.election.vote_mode.anonymous {
        return Authentication::Anonymous;
    }
    match ctx.census_kind() {
        CensusKind::Csp => Authentication::Csp,
        CensusKind::Arbo if origin.ends_with("_WEIGHTED") => Authentication::WeightedList,
        CensusKind::Arbo => Authentication::List,
        CensusKind::Zk => Authentication::Anonymous,
        CensusKind::Other(_) if origin.starts_with("ERC") || origin == "MINI_ME" => {
            Authentication::Token
        }
        CensusKind::Other(_) => Authentication::Other,
    }
}

/// The ledger row of one vote (votes.csv): what derive found and what the tally did with it.
/// Derives a batch's votes and runs every check's per-vote step over them, in parallel.
fn derive_and_check(
    ctx: &ElectionContext,
    checks: &[&'static dyn ElectionCheck],
    batch: Vec<VoteEvidence>,
) -> (Vec<derive::DerivedVote>, Vec<Remarks>) {
    let mut derived: Vec<_> = batch
        .into_par_iter()
        .map(|v| derive::derive(ctx, v))
        .collect();
    derive::check_zk_proofs(ctx, &mut derived);
    let remarks = derived
        .par_iter()
        .fold(
            || vec![Remarks::default(); checks.len()],
            |mut acc, vote| {
                for (check, out) in checks.iter().zip(acc.iter_mut()) {
                    check.per_vote(ctx, vote, out);
                }
                acc
            },
        )
        .reduce(
            || vec![Remarks::default(); checks.len()],
            |a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect(),
        );
    (derived, remarks)
}

/// Records a batch in the aggregate and the vote ledger, in the source's order (the order
/// decides which of two votes with one nullifier counts).
fn record_in_order(
    agg: &mut Aggregate,
    ballots: &mut Vec<VoteRecord>,
    derived: &[derive::DerivedVote],
) {
    for vote in derived {
        let outcome = agg.record(vote);
        ballots.push(vote_record(vote, outcome));
    }
}

fn vote_record(vote: &derive::DerivedVote, outcome: VoteOutcome) -> VoteRecord {
    VoteRecord {
        vote_id: HexId::new(vote.location.vote_id.as_deref().unwrap_or_default()),
        nullifier: vote.nullifier.done().copied(),
        tx_hash: vote.location.tx_hash.as_deref().map(HexId::new),
        block: vote.block_height,
        time: vote.time.done().copied(),
        weight: vote.stored_weight.done().map(|w| w.to_string().into()),
        overwrites: vote.overwrite_count,
        outcome,
    }
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

/// The texts of a multilingual metadata value (`{"default": …, "es": …}`) other than the
/// default, by language code; none for a plain string.
fn translations_of(value: &serde_json::Value) -> Vec<(String, String)> {
    let Some(map) = value.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(lang, _)| lang.as_str() != "default")
        .filter_map(|(lang, text)| Some((lang.to_ascii_lowercase(), text.as_str()?.to_string())))
        .collect()
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
            let width = width.min(1 << 16);
            let mut choices = vec![String::new(); width];
            let mut translations: BTreeMap<String, QuestionText> = BTreeMap::new();
            let blank = || QuestionText {
                title: String::new(),
                choices: vec![String::new(); width],
            };
            for (lang, title) in translations_of(&q.title) {
                translations.entry(lang).or_insert_with(blank).title = title;
            }
            for c in &q.choices {
                let Some(slot) = choices.get_mut(c.value as usize) else {
                    continue;
                };
                *slot = api::text(&c.title).unwrap_or_default();
                for (lang, title) in translations_of(&c.title) {
                    let text = translations.entry(lang).or_insert_with(blank);
                    text.choices[c.value as usize] = title;
                }
            }
            Question {
                title: api::text(&q.title).unwrap_or_default(),
                choices,
                translations,
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
