//! V-HIST-01: NEW_PROCESS and every SET_PROCESS (status, census, duration) naming the election
//! are signed by its organisation or one of its delegates, in an order the node allows.
//!
//! The signer is recovered over the per-type message (`crypto/ethereum/vocdoni_tx.go`), from the
//! bytes that hash to the published txHash (NEW_PROCESS after undoing `NewProcessTxCheck`'s
//! changes). Delegates are those the organisation added (`ADD_DELEGATE_FOR_ACCOUNT`) and had not
//! removed at the height. Status transitions follow `vochain/state/process.go: SetProcessStatus`;
//! the index may lack a transaction, so an impossible order is flagged for review, not failed.

use crate::protocol::hash::Address;
use crate::protocol::hex_bytes;
use crate::protocol::proto::ProcessStatus;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::{CheckResult, Location};

use super::{status_name, EventKind, Signing};

pub struct Signers;

impl ElectionCheck for Signers {
    fn id(&self) -> &'static str {
        "V-HIST-01"
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let h = &ctx.history;
        if let Some(result) = super::unavailable(&self.info(), ctx, &mut out) {
            return result;
        }
        let org: Option<Address> =
            hex_bytes::decode_array("organizationId", &ctx.election.organization_id).ok();
        if h.created().is_none() {
            out.add(
                Level::Warn,
                ctx.at(),
                "the transaction index lists no NEW_PROCESS naming this election: its creator cannot be shown",
                None,
                None,
            );
        }
        let mut signers: Vec<String> = Vec::new();
        let mut status = h
            .created()
            .map(|(_, p)| p.status)
            .filter(|s| *s != 0)
            .unwrap_or(ProcessStatus::Ready as i32);
        let interruptible = h
            .created()
            .and_then(|(_, p)| p.mode)
            .is_none_or(|m| m.interruptible);
        let mut last_nonce: Option<(Address, u32)> = None;
        for e in h.events.iter().filter(|e| e.kind.by_organization()) {
            let at = Location {
                tx_hash: Some(e.hash.clone()),
                ..ctx.at()
            };
            let signer = match &e.signer {
                Ok(s) => *s,
                Err(why) => {
                    out.add(
                        Level::Warn,
                        at,
                        format!("{}: cannot verify the signer: {why}", e.kind.describe()),
                        None,
                        None,
                    );
                    continue;
                }
            };
            let shown = format!("0x{}", hex::encode(signer));
            let role = org.map(|o| h.may_sign(&o, &signer, e.height));
            let expected = Some(format!(
                "the organisation 0x{} or one of its delegates",
                ctx.election.organization_id.trim_start_matches("0x")
            ));
            match role {
                Some(Signing::Organization) => {
                    signers.push(format!("{shown} (organisation)"));
                    out.pass();
                }
                Some(Signing::Delegate) => {
                    signers.push(format!("{shown} (delegate)"));
                    out.pass();
                }
                Some(Signing::Stranger) => out.add(
                    Level::Fail,
                    at.clone(),
                    format!(
                        "{} at height {} signed by an account that is neither the organisation nor its delegate",
                        e.kind.describe(),
                        e.height
                    ),
                    expected,
                    Some(shown.clone()),
                ),
                Some(Signing::Unknown) | None => out.add(
                    Level::Warn,
                    at.clone(),
                    format!(
                        "{} signed by another account than the organisation; its delegations were not obtained",
                        e.kind.describe()
                    ),
                    expected,
                    Some(shown.clone()),
                ),
            }
            // Each account's transactions carry its nonce + 1: increasing in chain order.
            if let Some((prev_signer, prev)) = last_nonce {
                if prev_signer == signer && e.nonce <= prev {
                    out.add(
                        Level::Warn,
                        at.clone(),
                        "the account nonce does not increase in chain order",
                        Some(format!("> {prev}")),
                        Some(e.nonce.to_string()),
                    );
                }
            }
            last_nonce = Some((signer, e.nonce));
            if let EventKind::Status(next) = e.kind {
                if let Err(why) = transition(status, next, interruptible) {
                    out.add(
                        Level::Warn,
                        at,
                        format!("status change the node does not allow: {why}"),
                        None,
                        None,
                    );
                } else {
                    status = next;
                }
            }
        }
        signers.sort();
        signers.dedup();
        let summary = if signers.is_empty() {
            "no organisation transaction".to_string()
        } else {
            format!("signed by {}", signers.join(", "))
        };
        out.conclude(&self.info(), summary)
    }
}

/// `SetProcessStatus`'s transition rules (the timing rule of a non-interruptible end aside).
fn transition(from: i32, to: i32, interruptible: bool) -> Result<(), String> {
    use ProcessStatus as S;
    let (f, t) = (status_name(from), status_name(to));
    let is = |s: S| s as i32;
    let ok = if from == to {
        false
    } else if to == is(S::Ready) {
        from == is(S::Paused)
    } else if to == is(S::Paused) {
        from == is(S::Ready) && interruptible
    } else if to == is(S::Ended) {
        from == is(S::Ready) || from == is(S::Paused)
    } else if to == is(S::Canceled) {
        from != is(S::Ended) && from != is(S::Results) && (from == is(S::Paused) || interruptible)
    } else {
        false
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{f} → {t}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(ProcessStatus::Ready, ProcessStatus::Paused, true, true)]
    #[case(ProcessStatus::Ready, ProcessStatus::Paused, false, false)]
    #[case(ProcessStatus::Paused, ProcessStatus::Ready, true, true)]
    #[case(ProcessStatus::Ready, ProcessStatus::Ready, true, false)]
    #[case(ProcessStatus::Paused, ProcessStatus::Ended, true, true)]
    #[case(ProcessStatus::Ended, ProcessStatus::Ready, true, false)]
    #[case(ProcessStatus::Ended, ProcessStatus::Canceled, true, false)]
    #[case(ProcessStatus::Paused, ProcessStatus::Canceled, false, true)]
    #[case(ProcessStatus::Ended, ProcessStatus::Results, true, false)]
    fn transitions_follow_set_process_status(
        #[case] from: ProcessStatus,
        #[case] to: ProcessStatus,
        #[case] interruptible: bool,
        #[case] allowed: bool,
    ) {
        assert_eq!(
            transition(from as i32, to as i32, interruptible).is_ok(),
            allowed
        );
    }
}
