//! V-KEYS-03: the package in the vote's transaction — decrypted with the revealed keys in
//! reverse index order when encrypted — is exactly the package `/votes/{id}` served, compared
//! as JSON (the node compacts the JSON it embeds).

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{step_value, ElectionCheck, Level, Remarks};
use crate::verify::context::ElectionContext;
use crate::verify::derive::{DerivedVote, Package, ServedPackage};
use crate::verify::result::CheckResult;

pub struct DecryptionMatches;

impl ElectionCheck for DecryptionMatches {
    fn id(&self) -> &'static str {
        "V-KEYS-03"
    }

    fn per_vote(&self, _ctx: &ElectionContext, vote: &DerivedVote, out: &mut Remarks) {
        let Some(served) = step_value(out, &vote.location, "served package", &vote.served_package)
        else {
            return;
        };
        let Some(package) = step_value(out, &vote.location, "transaction package", &vote.package)
        else {
            return;
        };
        let (package, served) = match (package, served) {
            (Package::Plain(p), ServedPackage::Json(v)) => (p, v),
            // Neither side could decrypt it: consistent.
            (Package::Undecryptable(_), ServedPackage::Encrypted(_)) => return out.pass(),
            (Package::Undecryptable(why), ServedPackage::Json(v)) => {
                return out.add(
                    Level::Fail,
                    vote.location.clone(),
                    format!("the node served a package its ciphertext does not give: {why}"),
                    None,
                    Some(v.to_string()),
                )
            }
            (Package::Plain(_), ServedPackage::Encrypted(_)) => {
                return out.add(
                    Level::Note,
                    vote.location.clone(),
                    "not checked: the node served the ciphertext (keys not revealed to it)",
                    None,
                    None,
                )
            }
        };
        let ours = serde_json::from_slice::<serde_json::Value>(package).ok();
        if ours.as_ref() == Some(served) {
            out.pass();
        } else {
            out.add(
                Level::Fail,
                vote.location.clone(),
                "the transaction's package differs from the package the node served",
                Some(String::from_utf8_lossy(package).into_owned()),
                Some(served.to_string()),
            );
        }
    }

    fn conclude(&self, _ctx: &ElectionContext, _agg: &Aggregate, out: Remarks) -> CheckResult {
        out.conclude(
            &self.info(),
            "transaction packages compared with the served ones",
        )
    }
}
