//! Vote packages as the verifier meets them (`verify::derive`: `check_package`, then
//! `Tally::add_valid`): Go encoding/json decoding, the ballot rules, the tally.
//!
//! Input: 12 bytes of tally parameters, then the package bytes.
//! `[maxCount u8][maxValue u16 LE][maxTotalCost u32 LE][costExponent u16 LE][flags u8][unused u16]`
//! (flags bit 0 = uniqueValues, bit 1 = costFromWeight); the weight is `maxTotalCost + 1`.
//!
//! Invariants: a decoded package re-encoded as plain JSON decodes to itself; the verdict of
//! `check_package` is `check_ballot` of the decoded votes; a valid ballot lands in a tally.

use num_bigint::BigUint;
use vocaudit::protocol::ballot::{check_ballot, check_package, BallotVerdict, VotePackage};
use vocaudit::protocol::tally::{Tally, TallyParams};

/// Largest results matrix the harness tallies into (bigger ones only slow the fuzzer down).
const MAX_TALLY_CELLS: usize = 1 << 12;

/// Decodes and judges one package; `Err` is the decoder's or the tally's error text.
pub fn run(data: &[u8]) -> Result<BallotVerdict, String> {
    let Some((head, package)) = data.split_first_chunk::<12>() else {
        return Err("input shorter than the 12 parameter bytes".into());
    };
    let u16_at = |i: usize| u16::from_le_bytes([head[i], head[i + 1]]);
    let params = TallyParams {
        max_count: u32::from(head[0]),
        max_value: u32::from(u16_at(1)),
        max_total_cost: u32::from_le_bytes([head[3], head[4], head[5], head[6]]),
        cost_exponent: u32::from(u16_at(7)),
        max_vote_overwrites: 0,
        unique_values: head[9] & 1 != 0,
        cost_from_weight: head[9] & 2 != 0,
    };
    let weight = BigUint::from(params.max_total_cost) + 1u32;

    let (decoded, verdict) = check_package(package, &weight, &params);
    let Some(vp) = decoded else {
        assert!(matches!(verdict, BallotVerdict::Invalid(_)));
        return Ok(verdict);
    };
    assert_eq!(check_ballot(&vp.votes, &weight, &params), verdict);

    let plain = serde_json::json!({ "nonce": vp.nonce, "votes": vp.votes });
    let again = VotePackage::decode(plain.to_string().as_bytes())
        .map_err(|e| format!("re-encoded package does not decode: {e}"));
    assert_eq!(again.as_ref(), Ok(&vp), "decode(encode(p)) != p");

    if verdict == BallotVerdict::Valid
        && params.shape().rows * params.shape().cols <= MAX_TALLY_CELLS
    {
        let mut tally = Tally::new(params).map_err(|e| e.to_string())?;
        tally.add_valid(&vp.votes, &weight);
        assert_eq!(tally.counted(), 1);
        assert_eq!(tally.total_weight(), &weight);
    }
    Ok(verdict)
}
