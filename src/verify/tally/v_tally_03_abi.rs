//! V-TALLY-03: the scrutiny's `abiEncoded` equals `abi.encode(electionId, organizationId,
//! censusRoot, sourceContractAddress, results)` of the scrutiny's own fields
//! (vocdoni-node:api/helpers.go: `encodeEVMResultsArgs`), and names this election.

use crate::protocol::abi::encode_evm_results_args;
use crate::protocol::hex_bytes;
use crate::protocol::tally::parse_decimal;
use crate::verify::aggregate::Aggregate;
use crate::verify::check::{skip, ElectionCheck, Level, Remarks};
use crate::verify::context::{normal_hex, ElectionContext};
use crate::verify::result::CheckResult;

pub struct AbiEncoding;

impl ElectionCheck for AbiEncoding {
    fn id(&self) -> &'static str {
        "V-TALLY-03"
    }

    fn conclude(&self, ctx: &ElectionContext, _agg: &Aggregate, mut out: Remarks) -> CheckResult {
        let Some(s) = &ctx.scrutiny else {
            return skip(&self.info(), "no scrutiny (served only once RESULTS)");
        };
        if s.abi_encoded.is_empty() {
            return skip(&self.info(), "the scrutiny carries no abiEncoded");
        }
        if normal_hex(&s.election_id) != ctx.id_hex {
            out.add(
                Level::Fail,
                ctx.at(),
                "the scrutiny names another election",
                Some(ctx.id_hex.clone()),
                Some(s.election_id.clone()),
            );
        }
        let expected = (|| -> Result<Vec<u8>, String> {
            let bytes =
                |field: &str, v: &str| hex_bytes::decode(field, v).map_err(|e| e.to_string());
            let results = s
                .results
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|c| parse_decimal(c).map_err(|e| format!("results cell: {e}")))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()?;
            encode_evm_results_args(
                &bytes("electionId", &s.election_id)?,
                &bytes("organizationId", &s.organization_id)?,
                &bytes("censusRoot", &s.census_root)?,
                &bytes(
                    "sourceContractAddress",
                    s.source_contract_address.as_deref().unwrap_or(""),
                )?,
                &results,
            )
            .map_err(|e| e.to_string())
        })();
        let actual = hex_bytes::decode("abiEncoded", &s.abi_encoded).map_err(|e| e.to_string());
        match (expected, actual) {
            (Ok(x), Ok(y)) if x == y => out.pass(),
            (Ok(x), Ok(y)) => out.add(
                Level::Fail,
                ctx.at(),
                "abiEncoded differs from the encoding of the scrutiny's fields",
                Some(hex::encode(x)),
                Some(hex::encode(y)),
            ),
            (Err(e), _) | (_, Err(e)) => out.add(Level::Fail, ctx.at(), e, None, None),
        }
        out.conclude(&self.info(), "scrutiny ABI blob re-encoded")
    }
}
