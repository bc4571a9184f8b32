//! Participation over time: how many votes landed in each time bucket, for the report's chart.
//! The bucket width adapts to the voting span (from a minute to a week) so a chart holds enough
//! bars to show the shape of the vote and few enough to stay readable.

use chrono::DateTime;

use crate::verify::result::ParticipationBucket;

/// The widths tried, in seconds, narrowest first.
const WIDTHS: [i64; 7] = [
    60,
    5 * 60,
    15 * 60,
    3_600,
    6 * 3_600,
    24 * 3_600,
    7 * 24 * 3_600,
];
/// The most buckets a chart should hold.
const MAX_BUCKETS: i64 = 48;

/// Buckets of `times` (unix seconds), aligned to the width from the epoch, every bucket between
/// the first and the last vote listed (empty ones included).
pub fn buckets(times: &[i64]) -> Vec<ParticipationBucket> {
    let (Some(&min), Some(&max)) = (times.iter().min(), times.iter().max()) else {
        return Vec::new();
    };
    let span = max - min;
    let width = WIDTHS
        .iter()
        .copied()
        .find(|w| span / w < MAX_BUCKETS)
        .unwrap_or_else(|| (span / MAX_BUCKETS + 1).max(WIDTHS[6]));
    let first = min.div_euclid(width);
    let n = (max.div_euclid(width) - first + 1) as usize;
    let mut counts = vec![0u64; n];
    for t in times {
        if let Some(c) = counts.get_mut((t.div_euclid(width) - first) as usize) {
            *c += 1;
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, votes)| ParticipationBucket {
            start: DateTime::from_timestamp((first + i as i64) * width, 0)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default(),
            votes,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_elections_get_narrow_buckets_with_empty_ones() {
        // 2024-01-01T00:10Z, 00:50Z, 02:05Z: a 115-minute span → 5-minute buckets.
        let t0 = 1_704_067_200;
        let b = buckets(&[t0 + 600, t0 + 3_000, t0 + 7_500]);
        assert_eq!(b.len(), 24);
        assert_eq!(b[0].start, "2024-01-01T00:10:00Z");
        assert_eq!(b[23].start, "2024-01-01T02:05:00Z");
        let non_empty: Vec<_> = b
            .iter()
            .filter(|b| b.votes > 0)
            .map(|b| (b.start.as_str(), b.votes))
            .collect();
        assert_eq!(
            non_empty,
            [
                ("2024-01-01T00:10:00Z", 1),
                ("2024-01-01T00:50:00Z", 1),
                ("2024-01-01T02:05:00Z", 1)
            ]
        );
        assert_eq!(buckets(&[t0, t0 + 59])[0].votes, 2);
        assert!(buckets(&[]).is_empty());
    }

    #[test]
    fn long_elections_get_wider_buckets() {
        let t0 = 1_704_067_200;
        let month = 30 * 24 * 3_600;
        let b = buckets(&[t0, t0 + month]);
        assert!(b.len() <= MAX_BUCKETS as usize, "{}", b.len());
        assert_eq!(b.iter().map(|b| b.votes).sum::<u64>(), 2);
        assert_eq!(b[0].start, "2024-01-01T00:00:00Z");
    }
}
