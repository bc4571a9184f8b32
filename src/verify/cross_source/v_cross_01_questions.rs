//! V-CROSS-01: every question of the SaaS process names an upstream election (`upstreamId`)
//! that was audited.

use crate::bundle::evidence::{ElectionEvidence, SaasEvidence};
use crate::verify::check::{catalogue_info, skip, Level, Remarks};
use crate::verify::context::normal_hex;
use crate::verify::result::{CheckResult, Location};

pub fn questions_on_chain(saas: &SaasEvidence, elections: &[ElectionEvidence]) -> CheckResult {
    let info = catalogue_info("V-CROSS-01");
    let audited: Vec<String> = elections
        .iter()
        .map(|e| normal_hex(&e.election.election_id))
        .collect();
    let mut upstream: Vec<(String, String)> = Vec::new();
    if let Some(p) = &saas.process {
        upstream.extend(
            p.questions
                .iter()
                .map(|q| (q.id.clone(), q.upstream_id.clone())),
        );
    }
    if let Some(r) = &saas.results {
        for q in &r.questions {
            if !upstream.iter().any(|(id, _)| *id == q.question_id) {
                upstream.push((q.question_id.clone(), q.upstream_id.clone()));
            }
        }
    }
    if upstream.is_empty() {
        return skip(&info, "the SaaS evidence lists no question");
    }
    let mut out = Remarks::default();
    for (question, id) in &upstream {
        let id = normal_hex(id);
        if id.len() != 64 {
            out.add(
                Level::Fail,
                Location::election(&id),
                format!("SaaS question {question} names no 64-hex upstream election"),
                None,
                Some(id.clone()),
            );
        } else if audited.contains(&id) {
            out.pass();
        } else {
            out.add(
                Level::Fail,
                Location::election(&id),
                format!("SaaS question {question}'s upstream election was not audited"),
                None,
                None,
            );
        }
    }
    out.conclude(&info, format!("{} SaaS questions", upstream.len()))
}
