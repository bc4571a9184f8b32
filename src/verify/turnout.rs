//! Turnout and shares, the figures Vocdoni's own election report states (vocdoni-app's
//! `VotingReportPdf`): who could vote (eligible voters from the census dump's leaves, else the
//! SaaS `census.size`, else `maxCensusSize`; for weighted censuses the total voting power),
//! how many ballots were cast, counted and skipped and why, and every results cell as a share of
//! the counted ballots and of the electorate. Every percentage is exact: big-integer division,
//! two decimals, the last rounded half up.

use std::collections::BTreeMap;

use num_bigint::BigUint;
use num_traits::Zero;

use crate::bundle::evidence::SaasEvidence;
use crate::protocol::tally::parse_decimal;
use crate::verify::aggregate::Aggregate;
use crate::verify::context::ElectionContext;
use crate::verify::result::{
    EligibleSource, PowerSource, ReasonCount, Shares, Turnout, VoteOutcome, VoteRecord,
};

/// `part` as a percentage of `whole`, exact to two decimals, the last one rounded half up
/// (`1/3` → `33.33`, `1/8` → `12.50`, `2/3` → `66.67`); `None` when `whole` is zero. Computed on
/// big integers, so voting-power totals beyond 2^53 keep every digit.
pub fn percent(part: &BigUint, whole: &BigUint) -> Option<String> {
    if whole.is_zero() {
        return None;
    }
    // hundredths of a percent, rounded half up: floor((part·10⁴·2 + whole) / (2·whole))
    let two = BigUint::from(2u8);
    let hundredths = (part * 10_000u32 * &two + whole) / (whole * &two);
    let digits = hundredths.to_string();
    let (int, frac) = if digits.len() > 2 {
        digits.split_at(digits.len() - 2)
    } else {
        ("0", digits.as_str())
    };
    Some(format!("{int}.{frac:0>2}"))
}

/// The most distinct skip reasons listed; the rest are folded into one "other reasons" row.
const MAX_REASONS: usize = 20;

/// The turnout of one election from its context, the SaaS process that names it, the vote
/// stream's aggregate and the vote ledger.
pub fn turnout(
    ctx: &ElectionContext,
    saas: Option<&SaasEvidence>,
    agg: &Aggregate,
    ballots: &[VoteRecord],
) -> Turnout {
    let saas_census = saas
        .filter(|_| ctx.saas.is_some())
        .and_then(|s| s.process.as_ref())
        .map(|p| &p.census);
    let dump = ctx.dump.as_ref().and_then(|d| d.as_ref().ok());

    let (eligible, eligible_source) = match (dump, saas_census.and_then(|c| c.size.as_ref())) {
        (Some(d), _) => (
            Some(d.leaves.len() as u64),
            Some(EligibleSource::CensusDump),
        ),
        (None, Some(size)) if size.as_u64().is_some() => {
            (size.as_u64(), Some(EligibleSource::SaasCensusSize))
        }
        _ if ctx.election.census.max_census_size > 0 => (
            Some(ctx.election.census.max_census_size),
            Some(EligibleSource::MaxCensusSize),
        ),
        _ => (None, None),
    };

    let weighted = ctx.election.census.census_origin.ends_with("_WEIGHTED")
        || saas_census.is_some_and(|c| c.weighted)
        || ballots.iter().any(|b| {
            b.outcome == VoteOutcome::Counted
                && b.weight.as_deref().is_some_and(|w| w.parse() != Ok(1u64))
        });
    let (eligible_power, eligible_power_source) = if !weighted {
        (None, None)
    } else if let Some(d) = dump {
        (Some(d.total_weight.clone()), Some(PowerSource::CensusDump))
    } else {
        match saas_census
            .and_then(|c| c.total_weight.as_ref())
            .and_then(|w| parse_decimal(w.as_str()).ok())
        {
            Some(w) => (Some(w), Some(PowerSource::SaasTotalWeight)),
            None => (None, None),
        }
    };
    let power_used = weighted.then(|| agg.counted_weight.clone());

    let mut reasons: BTreeMap<&str, u64> = BTreeMap::new();
    for b in ballots {
        if let VoteOutcome::Skipped(why) = &b.outcome {
            *reasons.entry(why).or_default() += 1;
        }
    }
    let mut skipped_reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(reason, ballots)| ReasonCount {
            reason: reason.to_string(),
            ballots,
        })
        .collect();
    skipped_reasons.sort_by(|a, b| b.ballots.cmp(&a.ballots).then(a.reason.cmp(&b.reason)));
    if skipped_reasons.len() > MAX_REASONS {
        let rest: u64 = skipped_reasons[MAX_REASONS - 1..]
            .iter()
            .map(|r| r.ballots)
            .sum();
        skipped_reasons.truncate(MAX_REASONS - 1);
        skipped_reasons.push(ReasonCount {
            reason: "other reasons".into(),
            ballots: rest,
        });
    }

    Turnout {
        eligible,
        eligible_source,
        percent: eligible.and_then(|e| percent(&agg.distinct.into(), &e.into())),
        skipped_reasons,
        weighted,
        power_percent: match (&power_used, &eligible_power) {
            (Some(used), Some(all)) => percent(used, all),
            _ => None,
        },
        eligible_power: eligible_power.map(|p| p.to_string()),
        eligible_power_source,
        power_used: power_used.map(|p| p.to_string()),
    }
}

/// What a share "of the counted ballots" divides by: their number, or their voting power when
/// the census is weighted.
pub fn counted_whole(turnout: &Turnout, counted: u64) -> Option<BigUint> {
    if turnout.weighted {
        turnout
            .power_used
            .as_ref()
            .and_then(|t| parse_decimal(t).ok())
    } else {
        Some(counted.into())
    }
}

/// The computed tally's cells as shares of the counted ballots (their voting power when
/// weighted) and of the eligible voters (the census's voting power when weighted).
pub fn shares(computed: Option<&[Vec<String>]>, turnout: &Turnout, counted: u64) -> Shares {
    let Some(matrix) = computed else {
        return Shares::default();
    };
    let whole = |text: Option<&String>| text.and_then(|t| parse_decimal(t).ok());
    let of_counted = counted_whole(turnout, counted);
    let of_eligible = if turnout.weighted {
        whole(turnout.eligible_power.as_ref())
    } else {
        turnout.eligible.map(BigUint::from)
    };
    let over = |whole: Option<BigUint>| -> Option<Vec<Vec<String>>> {
        let whole = whole.filter(|w| !w.is_zero())?;
        matrix
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| percent(&parse_decimal(cell).ok()?, &whole))
                    .collect()
            })
            .collect()
    };
    Shares {
        of_counted: over(of_counted),
        of_eligible: over(of_eligible),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(1, 3, Some("33.33"))]
    #[case(2, 3, Some("66.67"))]
    #[case(1, 8, Some("12.50"))]
    #[case(1, 40_000, Some("0.00"))] // 0.0025 %: a quarter of a hundredth rounds down
    #[case(1, 20_000, Some("0.01"))] // 0.005 %: exactly half a hundredth rounds up
    #[case(0, 7, Some("0.00"))]
    #[case(7, 7, Some("100.00"))]
    #[case(5, 0, None)]
    fn percent_is_exact_and_rounds_half_up(
        #[case] part: u64,
        #[case] whole: u64,
        #[case] expected: Option<&str>,
    ) {
        assert_eq!(
            percent(&part.into(), &whole.into()).as_deref(),
            expected,
            "{part}/{whole}"
        );
    }

    #[test]
    fn percent_keeps_every_digit_of_big_weights() {
        // 2^70 of 3·2^70 is a third, whatever a double would make of it.
        let part = BigUint::from(1u8) << 70u32;
        let whole = &part * 3u8;
        assert_eq!(percent(&part, &whole).as_deref(), Some("33.33"));
        let whole = &part + 1u8; // a hair under 100 %
        assert_eq!(percent(&part, &whole).as_deref(), Some("100.00"));
    }

    fn matrix(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn shares_divide_by_ballots_or_by_voting_power() {
        let tally = matrix(&[&["3", "1"], &["2", "2"]]);
        let plain = Turnout {
            eligible: Some(8),
            ..Turnout::default()
        };
        let s = shares(Some(&tally), &plain, 4);
        assert_eq!(
            s.of_counted,
            Some(matrix(&[&["75.00", "25.00"], &["50.00", "50.00"]]))
        );
        assert_eq!(
            s.of_eligible,
            Some(matrix(&[&["37.50", "12.50"], &["25.00", "25.00"]]))
        );
        let weighted = Turnout {
            weighted: true,
            power_used: Some("4".into()),
            eligible_power: None,
            eligible: Some(8),
            ..Turnout::default()
        };
        let s = shares(Some(&tally), &weighted, 2);
        assert_eq!(s.of_counted.unwrap()[0], ["75.00", "25.00"]);
        assert_eq!(
            s.of_eligible, None,
            "eligible power unknown: no share of it"
        );
        assert_eq!(shares(None, &plain, 4), Shares::default());
        assert_eq!(shares(Some(&tally), &plain, 0).of_counted, None);
    }
}
