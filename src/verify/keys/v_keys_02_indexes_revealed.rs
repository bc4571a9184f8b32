//! V-KEYS-02: every key index a vote was encrypted with has a revealed private key. Results are
//! computed only once every added key is revealed, so after RESULTS a missing key is a
//! discrepancy; before that it is expected and only noted.

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::{CheckResult, Location};

pub struct IndexesRevealed;

impl ElectionCheck for IndexesRevealed {
    fn id(&self) -> &'static str {
        "V-KEYS-02"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        if !ctx.encrypted() {
            return;
        }
        let indexes = vote.key_indexes();
        if indexes.is_empty() {
            out.add(
                Level::Fail,
                vote.location.clone(),
                "an encrypted election's vote lists no encryption key index",
                None,
                None,
            );
            return;
        }
        let level = if ctx.election.status == "RESULTS" {
            Level::Fail
        } else {
            Level::Note
        };
        let mut all = true;
        for &k in indexes {
            if ctx.private_key(k).is_none() {
                all = false;
                out.add(
                    level,
                    Location {
                        key_index: Some(k),
                        ..vote.location.clone()
                    },
                    format!("key index {k} was not revealed"),
                    None,
                    None,
                );
            }
        }
        if all {
            out.pass();
        }
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        if !ctx.encrypted() {
            return skip(&self.info(), "votes are not encrypted");
        }
        out.conclude(
            &self.info(),
            "vote key indexes looked up among the revealed keys",
        )
    }
}
