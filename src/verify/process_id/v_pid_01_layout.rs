//! V-PID-01: the election id's layout — `keccak256(chainId)[:6] ‖ organization ‖ censusOrigin ‖
//! envelope bits ‖ nonce` — agrees with `organizationId`, `census.censusOrigin` and `voteMode`.
//! The chain prefix is that of the chain id in force at creation, so a prefix differing from
//! the current `chainId` (after a chain upgrade) is flagged for review only.

use crate::protocol::process_id::{chain_prefix, EnvelopeType, ProcessId};
use crate::protocol::proto::{CensusOrigin, ProtoEnum};
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::{normal_hex, ElectionContext};
use crate::verify::result::CheckResult;

pub struct Layout;

impl ElectionCheck for Layout {
    fn id(&self) -> &'static str {
        "V-PID-01"
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let id = match &ctx.id {
            Ok(id) => ProcessId::decode(id),
            Err(e) => {
                return skip(
                    &self.info(),
                    format!("the election id does not decode: {e}"),
                )
            }
        };
        let e = &ctx.election;
        let mut field = |level: Level, what: &str, expected: String, actual: String| {
            if expected == actual {
                out.pass();
            } else {
                out.add(
                    level,
                    ctx.at(),
                    format!("the election id's {what} disagrees with the election"),
                    Some(expected),
                    Some(actual),
                );
            }
        };
        if let Err(err) = id.validate() {
            field(Level::Fail, "layout", "valid".into(), err.to_string());
        }
        field(
            Level::Warn,
            "chain prefix (bytes 0..6)",
            hex::encode(chain_prefix(&e.chain_id)),
            hex::encode(id.chain_prefix),
        );
        field(
            Level::Fail,
            "organisation (bytes 6..26)",
            normal_hex(&e.organization_id),
            hex::encode(id.organization),
        );
        field(
            Level::Fail,
            "census origin (byte 26)",
            CensusOrigin::value_of(&e.census.census_origin)
                .map(|v| v.to_string())
                .unwrap_or_else(|| e.census.census_origin.clone()),
            id.census_origin.to_string(),
        );
        let m = &e.vote_mode;
        let bits = EnvelopeType::from_flags(
            m.serial,
            m.anonymous,
            m.encrypted_votes,
            m.unique_values,
            m.cost_from_weight,
        );
        field(
            Level::Fail,
            "envelope type (byte 27)",
            format!("{:#04x}", bits.0),
            format!("{:#04x}", id.envelope_type.0),
        );
        out.conclude(
            &self.info(),
            format!("election id decoded (organisation nonce {})", id.nonce),
        )
    }
}
