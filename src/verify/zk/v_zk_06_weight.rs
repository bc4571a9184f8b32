//! V-ZK-06: the weight the node stored for an anonymous vote is the proof's weight signal
//! (v1.0.0: availableWeight, index 3, the voter's full census weight; v0.0.1: voteWeight),
//! positive and no more than the heaviest census leaf; over the election, the counted weights
//! never add up to more than the census's total weight, nor the distinct votes to more than its
//! leaves (vochain-zk.md §3.2, §9.3).

use num_bigint::BigUint;

use super::{not_anonymous, proof_of};
use crate::protocol::zk::field::fr_to_decimal;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct WeightFromProof;

impl ElectionCheck for WeightFromProof {
    fn id(&self) -> &'static str {
        "V-ZK-06"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let Some(zk) = proof_of(ctx, vote, out) else {
            return;
        };
        let proved: BigUint = fr_to_decimal(&zk.signal(zk.layout.indices().weight))
            .parse()
            .unwrap_or_default();
        let Some(stored) = step_value(out, &vote.location, "stored weight", &vote.stored_weight)
        else {
            return;
        };
        let at = vote.location.clone();
        if *stored != proved {
            out.add(
                Level::Fail,
                at,
                "the weight stored is not the proof's weight signal",
                Some(proved.to_string()),
                Some(stored.to_string()),
            );
        } else if proved == BigUint::default() {
            out.add(
                Level::Fail,
                at,
                "the proof's weight is 0",
                None,
                Some("0".into()),
            );
        } else if let Some(Ok(dump)) = &ctx.dump {
            if proved > dump.max_weight {
                out.add(
                    Level::Fail,
                    at,
                    "the proof's weight exceeds every census leaf's",
                    Some(format!("at most {}", dump.max_weight)),
                    Some(proved.to_string()),
                );
            } else {
                out.pass();
            }
        } else {
            out.pass();
        }
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        if let Some(s) = not_anonymous(ctx, &self.info()) {
            return s;
        }
        let mut summary = format!("counted weight {}", agg.counted_weight);
        match &ctx.dump {
            Some(Ok(dump)) => {
                summary.push_str(&format!(
                    " of the census's {} over {} leaves",
                    dump.total_weight,
                    dump.leaves.len()
                ));
                if agg.counted_weight > dump.total_weight {
                    out.add(
                        Level::Fail,
                        ctx.at(),
                        "the counted weights add up to more than the census's total weight",
                        Some(format!("at most {}", dump.total_weight)),
                        Some(agg.counted_weight.to_string()),
                    );
                }
                if agg.distinct > dump.leaves.len() as u64 {
                    out.add(
                        Level::Fail,
                        ctx.at(),
                        "more distinct anonymous votes than census leaves",
                        Some(format!("at most {}", dump.leaves.len())),
                        Some(agg.distinct.to_string()),
                    );
                }
            }
            _ => summary.push_str("; no census dump to bound the sums"),
        }
        out.conclude(&self.info(), summary)
    }
}
