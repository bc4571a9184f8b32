//! V-ZK-01: each anonymous vote's Groth16 proof verifies under the key in force at the vote's
//! height (Vocdoni's v0.0.1 before the chain's Voceremony fork, v1.0.0 after), or under a key the
//! user trusted with `--zk-key`. A key a node serves is never trusted. The proofs of an election
//! are verified in batches (one multi-pairing per key) and one by one only to locate bad ones
//! (`derive::check_zk_proofs`). A proof verified under a key that is not one of Vocdoni's is
//! flagged (`warn`): it proves nothing beyond the trust the user put in that key.

use super::not_anonymous;
use crate::protocol::hex_bytes;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::{normal_hex, CensusKind, ElectionContext};
use crate::verify::derive::DerivedVote;
use crate::verify::result::CheckResult;

pub struct ProofVerifies;

impl ElectionCheck for ProofVerifies {
    fn id(&self) -> &'static str {
        "V-ZK-01"
    }

    fn per_vote(&self, ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        if ctx.census_kind() != CensusKind::Zk {
            return;
        }
        // Here a proof that cannot be read is this check's failure.
        let Some(zk) = step_value(out, &vote.location, "zk proof", &vote.zk) else {
            return;
        };
        if step_value(out, &vote.location, "Groth16 proof", &zk.verified).is_some() {
            out.pass();
        }
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        if let Some(s) = not_anonymous(ctx, &self.info()) {
            return s;
        }
        if let Err(e) = &ctx.circuits {
            out.add(
                Level::Warn,
                ctx.at(),
                format!("cannot verify: circuit keys: {e}"),
                None,
                None,
            );
        }
        let mut used = Vec::new();
        for (key, proofs) in agg.zk_keys.values() {
            used.push(format!(
                "{proofs} under {} (sha256 {})",
                key.key, key.sha256
            ));
            if !key.vocdoni {
                out.add(
                    Level::Warn,
                    ctx.at(),
                    format!(
                        "{proofs} proofs verify only under {}, which is not one of Vocdoni's keys: \
                         trusted because --zk-key named it, it proves no more than that trust",
                        key.key
                    ),
                    None,
                    Some(key.sha256.clone()),
                );
            }
        }
        let mut summary = if used.is_empty() {
            "Groth16 proofs checked".to_string()
        } else {
            format!("Groth16 proofs verified: {}", used.join("; "))
        };
        // The circuit the node says it uses: compared with the keys held, never trusted.
        if let Some(circuit) = &ctx.zk_chain.circuit {
            let claimed = normal_hex(&circuit.verification_key_hash);
            let known = ctx.circuits.as_ref().ok().and_then(|r| {
                let h = hex_bytes::decode_array::<32>("vKeyHash", &claimed).ok()?;
                r.find_by_sha256(&h).map(|k| k.name())
            });
            match known {
                None => out.add(
                    Level::Warn,
                    ctx.at(),
                    format!(
                        "the node says it verifies anonymous votes with circuit {:?} (verifying \
                         key sha256 {claimed}), none of the keys vocaudit holds; a key served by \
                         the node is never trusted by itself",
                        circuit.version
                    ),
                    None,
                    Some(claimed.clone()),
                ),
                Some(name) if !agg.zk_keys.is_empty() && !agg.zk_keys.contains_key(&claimed) => out
                    .add(
                        Level::Warn,
                        ctx.at(),
                        format!(
                            "the node says it verifies with circuit {:?} ({name}), but the proofs \
                             verify under other keys",
                            circuit.version
                        ),
                        Some(claimed.clone()),
                        agg.zk_keys.keys().next().cloned(),
                    ),
                Some(name) => summary.push_str(&format!(
                    "; the node reports circuit {:?}, {name}",
                    circuit.version
                )),
            }
        }
        out.conclude(&self.info(), summary)
    }
}
