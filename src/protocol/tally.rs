//! The results tally: parameters, the big-integer results matrix, accumulation of valid ballots,
//! the decimal-string form the API publishes, and a cell-by-cell comparison. Mirrors
//! `vocdoni/vocdoni-node:vochain/results/compute.go` (`ComputeResults`) and `results.go`
//! (`AddVote`, `NewEmptyVotes`, `Results.String`), plus the chain's overwrite limit from
//! `vochain/transaction/vote_tx.go` (`VoteTxCheck`).

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

use num_bigint::BigUint;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::protocol::ballot::{check_ballot, BallotVerdict};

/// `results.MaxQuestions`: the node refuses `maxCount` above this and uses it when `maxCount`
/// is 0.
pub const MAX_QUESTIONS: u32 = 64;

/// The largest matrix we allocate (rows × columns). The node allocates every cell too, so an
/// election beyond this could not have been tallied by it either; we report it, never OOM.
pub const MAX_CELLS: usize = 1 << 24;

/// The most digits read in a published decimal big integer (a weight, a results cell). A uint256
/// has 78 digits and a results cell sums weight × value over every vote, so real numbers stay far
/// below; decimal-to-binary conversion costs time quadratic in the length, so a hostile node's
/// megabyte-long "number" is refused by its length before any conversion.
pub const MAX_DECIMAL_DIGITS: usize = 1_000;

/// A published decimal big integer that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("{text:?} is not a decimal integer")]
    NotDecimal { text: String },
    #[error("a number of {length} characters, more than the {MAX_DECIMAL_DIGITS} digits read")]
    TooLong { length: usize },
}

/// Parses a published decimal big integer as `str::parse::<BigUint>` does, after refusing any
/// text longer than [`MAX_DECIMAL_DIGITS`].
pub fn parse_decimal(text: &str) -> Result<BigUint, DecimalError> {
    if text.len() > MAX_DECIMAL_DIGITS {
        return Err(DecimalError::TooLong { length: text.len() });
    }
    text.parse().map_err(|_| DecimalError::NotDecimal {
        text: text.to_string(),
    })
}

/// The election parameters the tally depends on: `tallyMode` (`ProcessVoteOptions`) and the
/// `uniqueValues` / `costFromWeight` bits of `voteMode` (`EnvelopeType`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TallyParams {
    pub max_count: u32,
    pub max_value: u32,
    pub max_total_cost: u32,
    pub cost_exponent: u32,
    pub max_vote_overwrites: u32,
    pub unique_values: bool,
    pub cost_from_weight: bool,
}

impl TallyParams {
    /// `maxCount` as `ComputeResults` uses it: 0 means [`MAX_QUESTIONS`].
    pub fn effective_max_count(&self) -> u32 {
        if self.max_count == 0 {
            MAX_QUESTIONS
        } else {
            self.max_count
        }
    }

    /// `NewEmptyVotes(maxCount, maxValue+1)`: one column when `maxValue == 0`.
    pub fn shape(&self) -> Shape {
        Shape {
            rows: self.effective_max_count() as usize,
            cols: self.max_value as usize + 1,
        }
    }
}

/// Why a tally cannot be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyError {
    /// `ComputeResults` refuses it ("maxCount overflow").
    #[error("maxCount {max_count} exceeds the node's limit of {MAX_QUESTIONS} questions")]
    TooManyQuestions { max_count: u32 },
    #[error("a {rows}×{cols} results matrix exceeds {MAX_CELLS} cells")]
    MatrixTooLarge { rows: usize, cols: usize },
}

/// Matrix dimensions: `rows` = questions (ballot positions), `cols` = values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub rows: usize,
    pub cols: usize,
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}×{}", self.rows, self.cols)
    }
}

/// A results matrix `R[q][v]` of non-negative big integers, row-major.
///
/// Published form (API `result`, `/scrutiny` `results`): `[["<decimal>", …], …]`, one inner
/// array per row. `Display` prints Go's `Results.String()`: `[a,b][c,d]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    shape: Shape,
    cells: Vec<BigUint>,
}

/// A `results` cell that is not a plain decimal, or a ragged matrix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultsParseError {
    #[error("results cell [{question}][{value}] is not a decimal integer: {text:?}")]
    NotDecimal {
        question: usize,
        value: usize,
        text: String,
    },
    #[error("results cell [{question}][{value}] has {length} characters, more than the {MAX_DECIMAL_DIGITS} digits read")]
    TooLong {
        question: usize,
        value: usize,
        length: usize,
    },
    #[error("results row {question} has {found} cells where row 0 has {expected}")]
    Ragged {
        question: usize,
        expected: usize,
        found: usize,
    },
}

impl Results {
    /// An all-zero matrix.
    pub fn zeros(shape: Shape) -> Result<Self, TallyError> {
        let too_large = TallyError::MatrixTooLarge {
            rows: shape.rows,
            cols: shape.cols,
        };
        let cells = shape
            .rows
            .checked_mul(shape.cols)
            .ok_or(too_large.clone())?;
        if cells > MAX_CELLS {
            return Err(too_large);
        }
        Ok(Results {
            shape,
            cells: vec![BigUint::default(); cells],
        })
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// Cell `R[question][value]`, `None` outside the matrix.
    pub fn get(&self, question: usize, value: usize) -> Option<&BigUint> {
        if value >= self.shape.cols {
            return None;
        }
        self.cells
            .get(question.checked_mul(self.shape.cols)? + value)
    }

    fn get_mut(&mut self, question: usize, value: usize) -> Option<&mut BigUint> {
        if value >= self.shape.cols {
            return None;
        }
        self.cells
            .get_mut(question.checked_mul(self.shape.cols)? + value)
    }

    /// The rows in order, each `cols` cells long.
    pub fn rows(&self) -> impl Iterator<Item = &[BigUint]> {
        let cols = self.shape.cols;
        (0..self.shape.rows).map(move |q| self.cells.get(q * cols..(q + 1) * cols).unwrap_or(&[]))
    }

    /// The published form: rows of decimal strings.
    pub fn to_decimal_strings(&self) -> Vec<Vec<String>> {
        self.rows()
            .map(|row| row.iter().map(BigUint::to_string).collect())
            .collect()
    }

    /// Parses the published form. Cells must be ASCII digits only (no sign, space or `_`);
    /// all rows must have the same length. `[]` is the empty 0×0 matrix.
    pub fn from_decimal_strings<S: AsRef<str>>(rows: &[Vec<S>]) -> Result<Self, ResultsParseError> {
        let cols = rows.first().map_or(0, Vec::len);
        let mut cells = Vec::with_capacity(rows.len().saturating_mul(cols));
        for (question, row) in rows.iter().enumerate() {
            if row.len() != cols {
                return Err(ResultsParseError::Ragged {
                    question,
                    expected: cols,
                    found: row.len(),
                });
            }
            for (value, text) in row.iter().enumerate() {
                let text = text.as_ref();
                if text.len() > MAX_DECIMAL_DIGITS {
                    return Err(ResultsParseError::TooLong {
                        question,
                        value,
                        length: text.len(),
                    });
                }
                let parsed = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
                    BigUint::parse_bytes(text.as_bytes(), 10)
                } else {
                    None
                };
                let cell = parsed.ok_or_else(|| ResultsParseError::NotDecimal {
                    question,
                    value,
                    text: text.to_owned(),
                })?;
                cells.push(cell);
            }
        }
        Ok(Results {
            shape: Shape {
                rows: rows.len(),
                cols,
            },
            cells,
        })
    }

    /// Compares `self` (expected, e.g. our recomputation) with `actual` (e.g. the published
    /// results): a shape mismatch, or every differing cell in row-major order.
    pub fn diff(&self, actual: &Results) -> ResultsDiff {
        if self.shape != actual.shape {
            return ResultsDiff::ShapeMismatch {
                expected: self.shape,
                actual: actual.shape,
            };
        }
        let cols = self.shape.cols.max(1);
        let cells = self
            .cells
            .iter()
            .zip(&actual.cells)
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .map(|(i, (e, a))| CellDiff {
                question: i / cols,
                value: i % cols,
                expected: e.clone(),
                actual: a.clone(),
            })
            .collect();
        ResultsDiff::Cells(cells)
    }
}

impl fmt::Display for Results {
    /// Go's `Results.String()`: each row as `[c0,c1,…]`, rows concatenated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for row in self.rows() {
            f.write_str("[")?;
            for (j, cell) in row.iter().enumerate() {
                if j > 0 {
                    f.write_str(",")?;
                }
                write!(f, "{cell}")?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

impl Serialize for Results {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_decimal_strings().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Results {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let rows = Vec::<Vec<String>>::deserialize(deserializer)?;
        Results::from_decimal_strings(&rows).map_err(serde::de::Error::custom)
    }
}

/// How two results matrices differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultsDiff {
    ShapeMismatch {
        expected: Shape,
        actual: Shape,
    },
    /// Same shape; the differing cells (empty when equal).
    Cells(Vec<CellDiff>),
}

impl ResultsDiff {
    /// True when the matrices are equal.
    pub fn is_empty(&self) -> bool {
        matches!(self, ResultsDiff::Cells(cells) if cells.is_empty())
    }
}

/// One differing cell `[question][value]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellDiff {
    pub question: usize,
    pub value: usize,
    pub expected: BigUint,
    pub actual: BigUint,
}

/// A running tally (`ComputeResults`): feed it the final envelope of every nullifier, in any
/// order. Invalid ballots are skipped and add no weight; manual-review ballots are neither
/// counted nor judged.
#[derive(Debug, Clone)]
pub struct Tally {
    params: TallyParams,
    results: Results,
    total_weight: BigUint,
    counted: u64,
    manual_review: u64,
}

impl Tally {
    /// An empty tally; fails where `ComputeResults` would (maxCount > 64) or the matrix is
    /// beyond [`MAX_CELLS`].
    pub fn new(params: TallyParams) -> Result<Self, TallyError> {
        if params.max_count > MAX_QUESTIONS {
            return Err(TallyError::TooManyQuestions {
                max_count: params.max_count,
            });
        }
        Ok(Tally {
            params,
            results: Results::zeros(params.shape())?,
            total_weight: BigUint::default(),
            counted: 0,
            manual_review: 0,
        })
    }

    /// Checks one ballot and, when valid, adds it (§2.5): `maxValue > 0` → `R[q][v] += weight`;
    /// `maxValue == 0` → `R[q][0] += v × (costFromWeight ? 1 : weight)`; `W += weight`.
    pub fn add(&mut self, votes: &[i64], weight: &BigUint) -> BallotVerdict {
        let verdict = check_ballot(votes, weight, &self.params);
        match verdict {
            BallotVerdict::Valid => {}
            BallotVerdict::ManualReview(_) => {
                self.manual_review += 1;
                return verdict;
            }
            BallotVerdict::Invalid(_) => return verdict,
        }
        self.add_valid(votes, weight);
        verdict
    }

    /// Accumulates a ballot the caller already judged [`BallotVerdict::Valid`] with
    /// [`check_ballot`] under the same parameters (the verifier validates each ballot once, when
    /// it derives the vote, and must not pay for it twice on the hot path).
    pub fn add_valid(&mut self, votes: &[i64], weight: &BigUint) {
        // Valid implies 0 <= v (and v <= maxValue when maxValue > 0), q < maxCount.
        for (question, &v) in votes.iter().enumerate() {
            let value = v.unsigned_abs();
            if self.params.max_value > 0 {
                if let Some(cell) = self.results.get_mut(question, value as usize) {
                    *cell += weight;
                }
            } else if let Some(cell) = self.results.get_mut(question, 0) {
                if self.params.cost_from_weight {
                    *cell += value;
                } else {
                    *cell += weight * value;
                }
            }
        }
        self.total_weight += weight;
        self.counted += 1;
    }

    pub fn params(&self) -> &TallyParams {
        &self.params
    }

    pub fn results(&self) -> &Results {
        &self.results
    }

    /// `Results.Weight`: the sum of the weights of counted ballots (not exposed by the API).
    pub fn total_weight(&self) -> &BigUint {
        &self.total_weight
    }

    /// Number of ballots added to the results.
    pub fn counted(&self) -> u64 {
        self.counted
    }

    /// Number of ballots flagged for manual review (not in the results).
    pub fn manual_review(&self) -> u64 {
        self.manual_review
    }

    pub fn into_results(self) -> Results {
        self.results
    }
}

/// What the chain did with one envelope of a voter (nullifier).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeFate {
    /// Accepted at vote time: the voter's first envelope, or an overwrite while
    /// `overwriteCount < maxVoteOverwrites`.
    pub accepted: bool,
    /// The voter's last accepted envelope: the one the state keeps and the tally sees.
    pub is_final: bool,
    /// The voter's stored `overwriteCount` after this envelope.
    pub overwrite_count: u32,
}

/// Replays the overwrite limit of `VoteTxCheck` over envelopes in the order the chain received
/// them, `voters[i]` naming the voter (nullifier) of envelope i: at most
/// `1 + max_vote_overwrites` envelopes per voter are accepted, and only the last accepted one
/// of each voter is final.
pub fn replay_overwrites<K: Eq + Hash>(
    voters: &[K],
    max_vote_overwrites: u32,
) -> Vec<EnvelopeFate> {
    let mut accepted_so_far: HashMap<&K, u32> = HashMap::new();
    let mut last_accepted: HashMap<&K, usize> = HashMap::new();
    let mut fates = Vec::with_capacity(voters.len());
    for (i, voter) in voters.iter().enumerate() {
        let count = accepted_so_far.entry(voter).or_insert(0);
        let accepted = *count <= max_vote_overwrites;
        if accepted {
            *count += 1;
            last_accepted.insert(voter, i);
        }
        fates.push(EnvelopeFate {
            accepted,
            is_final: false,
            overwrite_count: count.saturating_sub(1),
        });
    }
    for i in last_accepted.into_values() {
        if let Some(fate) = fates.get_mut(i) {
            fate.is_final = true;
        }
    }
    fates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overwrite_limit() {
        let fates = replay_overwrites(&["a", "b", "a", "a", "a"], 2);
        let accepted: Vec<bool> = fates.iter().map(|f| f.accepted).collect();
        let finals: Vec<bool> = fates.iter().map(|f| f.is_final).collect();
        assert_eq!(accepted, [true, true, true, true, false]);
        assert_eq!(finals, [false, true, false, true, false]);
        assert_eq!(fates[3].overwrite_count, 2);
        let none = replay_overwrites(&["a", "a"], 0);
        assert_eq!((none[0].is_final, none[1].accepted), (true, false));
    }

    #[test]
    fn rejects_parse_garbage() {
        for bad in ["", "-1", "+1", "1_000", " 1", "0x10", "١"] {
            let rows = vec![vec![bad.to_owned()]];
            assert!(matches!(
                Results::from_decimal_strings(&rows),
                Err(ResultsParseError::NotDecimal { .. })
            ));
        }
        let ragged = vec![vec!["1", "2"], vec!["3"]];
        assert_eq!(
            Results::from_decimal_strings(&ragged),
            Err(ResultsParseError::Ragged {
                question: 1,
                expected: 2,
                found: 1
            })
        );
    }

    #[test]
    fn too_many_questions_and_cells() {
        let mut p = TallyParams {
            max_count: 65,
            ..TallyParams::default()
        };
        assert!(matches!(
            Tally::new(p),
            Err(TallyError::TooManyQuestions { .. })
        ));
        p.max_count = 64;
        p.max_value = u32::MAX;
        assert!(matches!(
            Tally::new(p),
            Err(TallyError::MatrixTooLarge { .. })
        ));
        p.max_count = 0;
        p.max_value = 0;
        assert_eq!(Tally::new(p).map(|t| t.results().shape().rows), Ok(64));
    }
}
