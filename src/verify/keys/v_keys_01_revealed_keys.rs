//! V-KEYS-01: every revealed private key derives its published public key (X25519 of the
//! private key; what `checkRevealProcessKeys` checks, vocdoni-node:vochain/transaction/admin_tx.go).

use crate::protocol::hex_bytes;
use crate::protocol::sealed_box::public_from_private;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::result::{CheckResult, Location};

pub struct RevealedKeys;

impl ElectionCheck for RevealedKeys {
    fn id(&self) -> &'static str {
        "V-KEYS-01"
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, mut out: Remarks) -> CheckResult {
        if !ctx.encrypted() {
            return skip(&self.info(), "votes are not encrypted");
        }
        let Some(keys) = &ctx.keys else {
            return skip(&self.info(), "no election keys were obtained");
        };
        for private in &keys.private_keys {
            let at = Location {
                key_index: Some(private.index),
                ..ctx.at()
            };
            let secret = match hex_bytes::decode_array::<32>("privateKeys", &private.key) {
                Ok(s) => s,
                Err(e) => {
                    out.add(Level::Fail, at, e.to_string(), None, None);
                    continue;
                }
            };
            let derived = hex::encode(public_from_private(&secret));
            match keys.public_keys.iter().find(|p| p.index == private.index) {
                Some(public) if public.key.eq_ignore_ascii_case(&derived) => out.pass(),
                Some(public) => out.add(
                    Level::Fail,
                    at,
                    "the revealed private key does not derive the published public key",
                    Some(public.key.clone()),
                    Some(derived),
                ),
                None => out.add(
                    Level::Fail,
                    at,
                    "a private key was revealed for an index with no published public key",
                    None,
                    Some(derived),
                ),
            }
        }
        out.conclude(
            &self.info(),
            format!(
                "{} public keys, {} revealed",
                keys.public_keys.len(),
                keys.private_keys.len()
            ),
        )
    }
}
