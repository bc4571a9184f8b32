//! What a check is to the runner, and how its findings are collected.
//!
//! A check reads the per-election [`ElectionContext`], the per-vote [`DerivedVote`]s (in
//! parallel, through [`ElectionCheck::per_vote`]) and the [`Aggregate`] the runner kept over the
//! whole vote stream, and concludes with a status and located findings. Findings are capped per
//! check ([`MAX_FINDINGS`]) so a million bad votes cannot exhaust memory; the counts stay exact.

use crate::verify::aggregate::Aggregate;
use crate::verify::catalogue::{self, CheckInfo};
use crate::verify::context::ElectionContext;
use crate::verify::derive::{DerivedVote, Step};
use crate::verify::result::{CheckResult, Finding, Location, Status};

/// Findings kept per check; the rest are counted and mentioned in the message.
pub const MAX_FINDINGS: usize = 1_000;

/// How much a remark weighs in the check's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Shown, does not change the status (e.g. an explained skip).
    Note,
    /// Cannot verify, or worth a human look.
    Warn,
    /// A discrepancy.
    Fail,
}

/// A check's located remarks, capped, with exact counts per level.
#[derive(Debug, Clone, Default)]
pub struct Remarks {
    kept: Vec<Finding>,
    /// Per [`Level`]: Note, Warn, Fail.
    counts: [u64; 3],
    /// Items (votes, cells, keys) checked and found correct.
    passed: u64,
}

impl Remarks {
    /// Records one item checked and found correct.
    pub fn pass(&mut self) {
        self.passed += 1;
    }

    pub fn passed(&self) -> u64 {
        self.passed
    }

    /// The findings kept so far, in order.
    pub fn findings(&self) -> &[Finding] {
        &self.kept
    }

    pub fn push(&mut self, level: Level, finding: Finding) {
        self.counts[level as usize] += 1;
        if self.kept.len() < MAX_FINDINGS {
            self.kept.push(finding);
        }
    }

    /// Shorthand for a finding with expected/actual values.
    pub fn add(
        &mut self,
        level: Level,
        location: Location,
        message: impl Into<String>,
        expected: Option<String>,
        actual: Option<String>,
    ) {
        self.push(
            level,
            Finding {
                location,
                message: message.into(),
                expected,
                actual,
            },
        );
    }

    /// Appends `other` after `self` (rayon reductions keep list order).
    pub fn merge(mut self, other: Remarks) -> Remarks {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.passed += other.passed;
        let room = MAX_FINDINGS.saturating_sub(self.kept.len());
        self.kept.extend(other.kept.into_iter().take(room));
        self
    }

    pub fn count(&self, level: Level) -> u64 {
        self.counts[level as usize]
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The status the remarks imply: fail over warn over pass; `skip` when every item was
    /// noted as not checkable and none passed.
    pub fn status(&self) -> Status {
        if self.count(Level::Fail) > 0 {
            Status::Fail
        } else if self.count(Level::Warn) > 0 {
            Status::Warn
        } else if self.passed == 0 && self.count(Level::Note) > 0 {
            Status::Skip
        } else {
            Status::Pass
        }
    }

    /// Builds the result: the status the remarks imply, `summary` followed by the counts.
    pub fn conclude(self, info: &CheckInfo, summary: impl Into<String>) -> CheckResult {
        let status = self.status();
        self.conclude_as(info, status, summary)
    }

    /// Builds the result with an explicit status.
    pub fn conclude_as(
        self,
        info: &CheckInfo,
        status: Status,
        summary: impl Into<String>,
    ) -> CheckResult {
        let mut message = summary.into();
        let (fails, warns, notes) = (
            self.count(Level::Fail),
            self.count(Level::Warn),
            self.count(Level::Note),
        );
        let mut parts = Vec::new();
        if self.passed > 0 {
            parts.push(format!("{} correct", self.passed));
        }
        if fails > 0 {
            parts.push(format!("{fails} failed"));
        }
        if warns > 0 {
            parts.push(format!("{warns} to review"));
        }
        if notes > 0 {
            parts.push(format!("{notes} not checked"));
        }
        if !parts.is_empty() {
            message.push_str(&format!(" ({})", parts.join(", ")));
        }
        let total = self.total();
        if total > self.kept.len() as u64 {
            message.push_str(&format!(
                "; first {} findings kept, {} more not listed",
                self.kept.len(),
                total - self.kept.len() as u64
            ));
        }
        result(info, status, message, self.kept)
    }
}

/// Records a derivation step that did not produce a value: `Bad` fails, `Unverifiable` warns
/// ("cannot verify"), `NotRun` notes why the vote was not checked. Returns the value when the
/// step produced one, for the caller to judge.
pub fn step_value<'a, T>(
    out: &mut Remarks,
    location: &Location,
    what: &str,
    step: &'a Step<T>,
) -> Option<&'a T> {
    let (level, prefix) = match step {
        Step::Done(t) => return Some(t),
        Step::Bad(_) => (Level::Fail, ""),
        Step::Unverifiable(_) => (Level::Warn, "cannot verify: "),
        Step::NotRun(_) => (Level::Note, "not checked: "),
    };
    let why = step.why_not().unwrap_or_default();
    out.add(
        level,
        location.clone(),
        format!("{what}: {prefix}{why}"),
        None,
        None,
    );
    None
}

/// A check result from its catalogue entry.
pub fn result(
    info: &CheckInfo,
    status: Status,
    message: impl Into<String>,
    findings: Vec<Finding>,
) -> CheckResult {
    CheckResult {
        id: info.id.to_string(),
        category: info.category,
        title: info.title.to_string(),
        status,
        message: message.into(),
        findings,
    }
}

/// A skipped check, saying why.
pub fn skip(info: &CheckInfo, why: impl Into<String>) -> CheckResult {
    result(info, Status::Skip, why, Vec::new())
}

/// The catalogue entry of a check implementation; a missing entry is a programming error caught
/// by the catalogue tests, so it falls back to a placeholder rather than panicking.
pub fn catalogue_info(id: &'static str) -> CheckInfo {
    catalogue::info(id).copied().unwrap_or(CheckInfo {
        id,
        category: crate::verify::result::Category::Bundle,
        scope: catalogue::Scope::Election,
        title: id,
        doc: "",
    })
}

/// A check run once per election.
pub trait ElectionCheck: Sync {
    /// The catalogue id.
    fn id(&self) -> &'static str;

    /// The catalogue entry.
    fn info(&self) -> CheckInfo {
        catalogue_info(self.id())
    }

    /// Looks at one vote; runs in parallel over a batch. Most checks record only findings here
    /// and count through the [`Aggregate`].
    fn per_vote(&self, _ctx: &ElectionContext, _vote: &DerivedVote, _out: &mut Remarks) {}

    /// Concludes once every vote was seen.
    fn conclude(&self, ctx: &ElectionContext, agg: &Aggregate, remarks: Remarks) -> CheckResult;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(n: usize) -> Finding {
        Finding {
            location: Location::election(format!("{n}")),
            message: String::new(),
            expected: None,
            actual: None,
        }
    }

    #[test]
    fn cap_keeps_first_findings_and_exact_counts() {
        let mut a = Remarks::default();
        for i in 0..MAX_FINDINGS - 1 {
            a.push(Level::Warn, f(i));
        }
        let mut b = Remarks::default();
        b.push(Level::Fail, f(7_000));
        b.push(Level::Fail, f(7_001));
        let m = a.merge(b);
        assert_eq!(m.count(Level::Fail), 2);
        assert_eq!(m.count(Level::Warn), (MAX_FINDINGS - 1) as u64);
        assert_eq!(m.status(), Status::Fail);
        let info = catalogue_info("V-COUNT-02");
        let r = m.conclude(&info, "checked");
        assert_eq!(r.findings.len(), MAX_FINDINGS);
        assert_eq!(r.findings[MAX_FINDINGS - 1].location.election_id, "7000");
        assert!(r.message.contains("1 more not listed"), "{}", r.message);
        assert!(r.message.contains("2 failed"), "{}", r.message);
    }

    #[test]
    fn empty_remarks_pass() {
        let r = Remarks::default().conclude(&catalogue_info("V-COUNT-02"), "ok");
        assert_eq!((r.status, r.message.as_str()), (Status::Pass, "ok"));
    }
}
