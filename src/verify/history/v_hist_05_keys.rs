//! V-HIST-05: key history of an encrypted election. Each key-keeper publishes its public key
//! (ADD_PROCESS_KEYS) when the election is created, before voting starts, and may reveal the
//! private key (REVEAL_PROCESS_KEYS) only once the election has ended (`admin_tx.go`,
//! `keykeeper.go`): after the manual end when there is one (so before the scheduled end is
//! legitimate then), else at or after the scheduled end. A key revealed while voting was open
//! fails at its key index; the revealing account is shown (the API does not say which validator
//! holds which index, so it cannot be proven to be the right key-keeper).

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::{CheckResult, Location};

use super::{rfc3339, EventKind};

pub struct KeyHistory;

impl ElectionCheck for KeyHistory {
    fn id(&self) -> &'static str {
        "V-HIST-05"
    }

    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, mut out: Remarks) -> CheckResult {
        if !ctx.encrypted() {
            return skip(&self.info(), "votes are not encrypted: no keys");
        }
        if let Some(result) = super::unavailable(&self.info(), ctx, &mut out) {
            return result;
        }
        let h = &ctx.history;
        let start = ctx.start.as_ref().ok().map(|t| t.timestamp());
        let manual = h.manual_end().map(|e| (e.height, e.index));
        let scheduled = h.scheduled_end();
        let mut revealers = Vec::new();
        for e in &h.events {
            let (index, revealed) = match e.kind {
                EventKind::KeyAdded(i) => (i, false),
                EventKind::KeyRevealed(i) => (i, true),
                _ => continue,
            };
            let at = Location {
                tx_hash: Some(e.hash.clone()),
                key_index: index,
                ..ctx.at()
            };
            let when = format!(
                "height {}{}",
                e.height,
                e.time
                    .map(|t| format!(", {}", rfc3339(t)))
                    .unwrap_or_default()
            );
            if !revealed {
                let late = match (e.time, start) {
                    (Some(t), Some(s)) => t > s,
                    _ => false,
                } || agg.first_height.is_some_and(|v| e.height >= v);
                if late {
                    out.add(
                        Level::Warn,
                        at,
                        format!("public key added after voting started ({when})"),
                        start.map(|s| format!("<= {}", rfc3339(s))),
                        Some(when),
                    );
                } else {
                    out.pass();
                }
                continue;
            }
            let signer = e
                .signer
                .as_ref()
                .map(|a| format!("0x{}", hex::encode(a)))
                .unwrap_or_else(|why| format!("unknown ({why})"));
            revealers.push(format!(
                "key {} by {signer}",
                index.map_or("?".into(), |i| i.to_string())
            ));
            let open = match (manual, scheduled, e.time) {
                (Some(end), _, _) => Some((e.height, e.index) <= end),
                (None, Some(s), Some(t)) => Some(t < s),
                _ => None,
            };
            let expected = match (manual, scheduled) {
                (Some(end), _) => format!("after the manual end at height {}", end.0),
                (None, Some(s)) => format!(">= {}", rfc3339(s)),
                _ => "after the end".into(),
            };
            match open {
                Some(true) => out.add(
                    Level::Fail,
                    at,
                    format!("private key revealed while voting was open ({when}, by {signer})"),
                    Some(expected),
                    Some(when),
                ),
                Some(false) => out.pass(),
                None => out.add(
                    Level::Warn,
                    at,
                    "cannot tell whether the key was revealed after the end (block time or schedule unknown)",
                    Some(expected),
                    Some(when),
                ),
            }
        }
        let summary = if revealers.is_empty() {
            "no key revealed on chain".to_string()
        } else {
            format!("revealed: {}", revealers.join(", "))
        };
        out.conclude(&self.info(), summary)
    }
}
