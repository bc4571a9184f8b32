//! The vote package and the ballot-content rules the node applies at tally time, in its order:
//! count → unique → value → cost. Mirrors `vocdoni/vocdoni-node:vochain/state/votes.go`
//! (`VotePackage`) and `vocdoni/vocdoni-node:vochain/results/results.go` (`(*Results).AddVote`).
//! Ballots Go would panic on or silently wrap are flagged for manual review, never guessed.

use std::borrow::Cow;
use std::fmt;

use num_bigint::BigUint;
use num_traits::ToPrimitive;

use crate::protocol::gojson::{decode_vote_package, GoJsonError};
use crate::protocol::tally::TallyParams;

/// The plaintext payload of a vote envelope: JSON `{"nonce": "…", "votes": [int, …]}`, decoded
/// with Go `encoding/json` semantics (see [`crate::protocol::gojson`]). `votes` are Go `int`
/// (int64) and may be negative; `nonce` is free-form and plays no part in the tally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VotePackage {
    pub nonce: String,
    pub votes: Vec<i64>,
}

impl VotePackage {
    /// Decodes the package bytes as the node's `VotePackage.Decode` (`json.Unmarshal`) does.
    pub fn decode(bytes: &[u8]) -> Result<Self, GoJsonError> {
        decode_vote_package(bytes)
    }
}

/// Why the node skips a ballot at tally time (the first failing rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidBallot {
    /// The package does not decode (`unmarshalVote` fails).
    Decode(GoJsonError),
    /// More values than `maxCount` ("max count overflow").
    Count { len: usize, max_count: u32 },
    /// `uniqueValues` and a value repeats ("values are not unique").
    NotUnique { value: i64 },
    /// `uint32(value) > maxValue` ("max value overflow"); Go truncates to uint32 first.
    Value { position: usize, value: i64 },
    /// The running cost `Σ uint64(v)^costExponent` exceeds the limit at `position`
    /// ("max total cost overflow"); the limit is the weight when `costFromWeight`.
    Cost { position: usize },
}

impl InvalidBallot {
    /// The short reason used by the vectors and reports: `decode`, `count`, `unique`, `value`,
    /// `cost`.
    pub fn reason(&self) -> &'static str {
        match self {
            InvalidBallot::Decode(_) => "decode",
            InvalidBallot::Count { .. } => "count",
            InvalidBallot::NotUnique { .. } => "unique",
            InvalidBallot::Value { .. } => "value",
            InvalidBallot::Cost { .. } => "cost",
        }
    }
}

impl fmt::Display for InvalidBallot {
    /// The node's own error text (prefix), so a finding reads like the node's debug log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidBallot::Decode(err) => write!(f, "cannot unmarshal vote: {err}"),
            InvalidBallot::Count { len, max_count } => {
                write!(f, "max count overflow {len} (maxCount {max_count})")
            }
            InvalidBallot::NotUnique { value } => {
                write!(f, "values are not unique (repeated {value})")
            }
            InvalidBallot::Value { position, value } => {
                write!(f, "max value overflow {value} (position {position})")
            }
            InvalidBallot::Cost { position } => {
                write!(f, "max total cost overflow (at position {position})")
            }
        }
    }
}

/// A ballot that passes every rule but that the node cannot tally the way we can reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManualReview {
    /// `maxValue > 0`, `uint32(value)` passed the value check but `value` itself is not a column
    /// (negative or ≥ 2^32): Go's `R[q][value]` indexes out of range and panics.
    ColumnOutOfRange { position: usize, value: i64 },
    /// `maxValue == 0` and `value < 0`: Go adds `uint64(value)` = 2^64 − |value|.
    NegativeWrapped { position: usize, value: i64 },
}

impl fmt::Display for ManualReview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManualReview::ColumnOutOfRange { position, value } => write!(
                f,
                "value {value} at position {position} passes uint32 truncation but is no results \
                 column: the node would panic"
            ),
            ManualReview::NegativeWrapped { position, value } => write!(
                f,
                "negative value {value} at position {position} would be added as uint64 \
                 2^64-{}",
                value.unsigned_abs()
            ),
        }
    }
}

/// The outcome of checking one ballot against the tally rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BallotVerdict {
    /// The node adds it to the results.
    Valid,
    /// The node skips it.
    Invalid(InvalidBallot),
    /// Outside the node's safe range: neither counted nor judged.
    ManualReview(ManualReview),
}

/// Checks decoded ballot `votes` of voter weight `weight` against `params`, exactly as
/// `AddVote` does (count, unique, value, cost), then flags what Go would panic on or wrap.
pub fn check_ballot(votes: &[i64], weight: &BigUint, params: &TallyParams) -> BallotVerdict {
    let max_count = params.effective_max_count();
    if votes.len() > max_count as usize {
        return BallotVerdict::Invalid(InvalidBallot::Count {
            len: votes.len(),
            max_count,
        });
    }
    if params.unique_values {
        if let Some(value) = first_repeated(votes) {
            return BallotVerdict::Invalid(InvalidBallot::NotUnique { value });
        }
    }
    if params.max_value > 0 {
        // Go: `uint32(v) > maxValue` — the int is truncated to its low 32 bits.
        if let Some((position, &value)) = votes
            .iter()
            .enumerate()
            .find(|&(_, &v)| v as u32 > params.max_value)
        {
            return BallotVerdict::Invalid(InvalidBallot::Value { position, value });
        }
    }
    if params.max_total_cost > 0 || params.cost_from_weight {
        let limit = if params.cost_from_weight {
            Cow::Borrowed(weight)
        } else {
            Cow::Owned(BigUint::from(params.max_total_cost))
        };
        if let Some(position) = cost_overflow(votes, params.cost_exponent, &limit) {
            return BallotVerdict::Invalid(InvalidBallot::Cost { position });
        }
    }
    let unsafe_value = votes.iter().enumerate().find_map(|(position, &value)| {
        if params.max_value > 0 {
            (value < 0 || value > i64::from(params.max_value))
                .then_some(ManualReview::ColumnOutOfRange { position, value })
        } else {
            (value < 0).then_some(ManualReview::NegativeWrapped { position, value })
        }
    });
    match unsafe_value {
        Some(review) => BallotVerdict::ManualReview(review),
        None => BallotVerdict::Valid,
    }
}

/// Decodes a plaintext vote package and checks it: a package Go cannot decode is
/// [`InvalidBallot::Decode`] (the node skips it and does not add its weight).
pub fn check_package(
    package: &[u8],
    weight: &BigUint,
    params: &TallyParams,
) -> (Option<VotePackage>, BallotVerdict) {
    match VotePackage::decode(package) {
        Ok(vp) => {
            let verdict = check_ballot(&vp.votes, weight, params);
            (Some(vp), verdict)
        }
        Err(err) => (None, BallotVerdict::Invalid(InvalidBallot::Decode(err))),
    }
}

/// The first value seen twice (Go walks the ballot with a `map[int]bool`).
fn first_repeated(votes: &[i64]) -> Option<i64> {
    const QUADRATIC_LIMIT: usize = 64;
    if votes.len() <= QUADRATIC_LIMIT {
        return votes
            .iter()
            .enumerate()
            .find(|&(i, v)| votes.get(..i).is_some_and(|seen| seen.contains(v)))
            .map(|(_, &v)| v);
    }
    let mut seen = std::collections::HashSet::with_capacity(votes.len());
    votes.iter().copied().find(|v| !seen.insert(*v))
}

/// The position where the running cost `Σ uint64(v)^exponent` first exceeds `limit`, if any.
/// Exact like Go's big-int loop (`x^0 = 1` for every x, 0^e = 0 for e > 0), but without
/// computing powers that already exceed the limit: for x ≥ 2 and e ≥ bits(limit),
/// x^e ≥ 2^bits(limit) > limit.
fn cost_overflow(votes: &[i64], exponent: u32, limit: &BigUint) -> Option<usize> {
    let limit_bits = limit.bits();
    // `None`: the term alone exceeds the limit (or u128).
    let small_term = |x: u64| -> Option<u128> {
        if exponent == 0 || x == 1 {
            Some(1)
        } else if x == 0 {
            Some(0)
        } else if u64::from(exponent) >= limit_bits {
            None
        } else {
            u128::from(x).checked_pow(exponent)
        }
    };
    if let Some(limit) = limit.to_u128() {
        // Every partial sum that does not exceed the limit fits in u128.
        let mut cost: u128 = 0;
        for (position, &v) in votes.iter().enumerate() {
            cost = match small_term(v as u64).and_then(|t| cost.checked_add(t)) {
                Some(c) if c <= limit => c,
                _ => return Some(position),
            };
        }
        return None;
    }
    let mut cost = BigUint::default();
    for (position, &v) in votes.iter().enumerate() {
        let x = v as u64;
        if exponent == 0 || x == 1 {
            cost += 1u32;
        } else if x != 0 {
            if u64::from(exponent) >= limit_bits {
                return Some(position);
            }
            cost += BigUint::from(x).pow(exponent);
        }
        if &cost > limit {
            return Some(position);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(max_value: u32, max_total_cost: u32, cost_exponent: u32) -> TallyParams {
        TallyParams {
            max_count: 4,
            max_value,
            max_total_cost,
            cost_exponent,
            max_vote_overwrites: 0,
            unique_values: false,
            cost_from_weight: false,
        }
    }

    #[test]
    fn uint32_truncation_passes_value_check_then_is_flagged() {
        // 2^32 + 1 truncates to 1 <= maxValue 3: Go passes the check, then indexes R[q][2^32+1].
        let v = (1i64 << 32) + 1;
        assert_eq!(
            check_ballot(&[v], &BigUint::from(1u8), &params(3, 0, 1)),
            BallotVerdict::ManualReview(ManualReview::ColumnOutOfRange {
                position: 0,
                value: v
            })
        );
        // -1 truncates to 2^32-1 > 3: an ordinary value failure, no panic.
        assert_eq!(
            check_ballot(&[0, -1], &BigUint::from(1u8), &params(3, 0, 1)),
            BallotVerdict::Invalid(InvalidBallot::Value {
                position: 1,
                value: -1
            })
        );
    }

    #[test]
    fn negative_with_cost_rule_is_a_cost_failure() {
        // uint64(-4294967295) is huge: the cost check rejects it before any indexing.
        let v = -(1i64 << 32) + 1;
        assert_eq!(
            check_ballot(&[v], &BigUint::from(1u8), &params(3, 10, 1)),
            BallotVerdict::Invalid(InvalidBallot::Cost { position: 0 })
        );
        // With costExponent 0 every value costs 1, so it slips through and is flagged.
        assert!(matches!(
            check_ballot(&[-5], &BigUint::from(1u8), &params(0, 10, 0)),
            BallotVerdict::ManualReview(ManualReview::NegativeWrapped { .. })
        ));
    }

    #[test]
    fn cost_exponent_zero_counts_values() {
        let p = params(0, 3, 0);
        let w = BigUint::from(1u8);
        assert_eq!(check_ballot(&[0, 0, 0], &w, &p), BallotVerdict::Valid);
        assert_eq!(
            check_ballot(&[0, 0, 0, 0], &w, &p),
            BallotVerdict::Invalid(InvalidBallot::Cost { position: 3 })
        );
    }

    #[test]
    fn big_limit_path_matches_small() {
        let mut p = params(0, 0, 3);
        p.cost_from_weight = true;
        let weight = BigUint::from(1u8) << 200; // beyond u128
        let x = 1i64 << 40; // x^3 = 2^120
        assert_eq!(
            check_ballot(&[x, x, x, x], &weight, &p),
            BallotVerdict::Valid
        );
        let huge = i64::MAX; // (2^63)^3 ≈ 2^189 each
        assert_eq!(
            check_ballot(&[huge, huge], &weight, &p),
            BallotVerdict::Valid
        );
        p.cost_exponent = 4; // (2^63-1)^4 ≈ 2^252 > 2^200
        assert_eq!(
            check_ballot(&[1, huge], &weight, &p),
            BallotVerdict::Invalid(InvalidBallot::Cost { position: 1 })
        );
    }
}
