//! V-CENSUS-01: the census dump published at `censusURL` rebuilds to its own `rootHash` and to the
//! election's `censusRoot` (what the node's `ImportDump` checks, vocdoni-node:tree/arbo/tree.go).

use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::{CensusKind, ElectionContext};
use crate::verify::result::CheckResult;

pub struct DumpRoot;

impl ElectionCheck for DumpRoot {
    fn id(&self) -> &'static str {
        "V-CENSUS-01"
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, mut out: Remarks) -> CheckResult {
        if !matches!(ctx.census_kind(), CensusKind::Arbo | CensusKind::Zk) {
            return skip(
                &self.info(),
                format!("not an arbo census ({})", ctx.census_kind()),
            );
        }
        let facts = match &ctx.dump {
            None => return skip(&self.info(), "no census dump was fetched"),
            Some(Err(e)) => {
                out.add(
                    Level::Warn,
                    ctx.at(),
                    format!("cannot verify: {e}"),
                    None,
                    None,
                );
                return out.conclude(&self.info(), "census dump unusable");
            }
            Some(Ok(f)) => f,
        };
        let rebuilt = match &facts.rebuilt_root {
            Ok(r) => r,
            Err(e) => {
                out.add(
                    Level::Warn,
                    ctx.at(),
                    format!("cannot rebuild the root: {e}"),
                    None,
                    None,
                );
                return out.conclude(&self.info(), "census dump not rebuilt");
            }
        };
        let mut compare = |what: &str, expected: &[u8], actual: &[u8]| {
            if expected == actual {
                out.pass();
            } else {
                out.add(
                    Level::Fail,
                    ctx.at(),
                    format!("the dump's leaves rebuild another root than {what}"),
                    Some(hex::encode(expected)),
                    Some(hex::encode(actual)),
                );
            }
        };
        compare("the dump's rootHash", &facts.claimed_root, rebuilt);
        match &ctx.census_root {
            Ok(root) => compare("the election's censusRoot", root, rebuilt),
            Err(e) => out.add(Level::Fail, ctx.at(), e.clone(), None, None),
        }
        out.conclude(
            &self.info(),
            format!(
                "{} leaves rebuilt to {}",
                facts.leaves.len(),
                hex::encode(rebuilt)
            ),
        )
    }
}
