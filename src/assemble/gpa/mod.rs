//! Credits and grade point averages as a registrar computes them.
//!
//! - Only home-institution grades with quality points count in the GPA
//!   (`GradingScale::counts_in_gpa`); pass/fail grades earn credit outside it.
//! - Transfer credit is earned credit, never in the GPA.
//! - In-progress courses are listed, not counted.
//! - Repeated courses: of the graded attempts of one course, the repeat policy
//!   picks which count (`last`, `highest`, `all`); the others are excluded from
//!   the GPA and from earned credit (shown with a repeat mark on the transcript).
//! - Arithmetic is exact: credits and points in thousandths, GPA rounded half up.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::config::{GradingScale, RepeatPolicy};
use crate::graph::passes;
use crate::model::{Course, CourseRecord, Key, Term};

/// How one course record counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Standing {
    /// Finished and passed; earns its credit.
    Passed,
    /// Finished and not passed.
    Failed,
    /// Finished with a grade that neither earns credit nor counts (W, I …).
    NoCredit,
    /// Not finished yet: listed, not counted.
    InProgress,
    /// Transfer credit: earned, outside the GPA.
    Transfer,
    /// An attempt of a repeated course that the repeat policy leaves out.
    RepeatExcluded,
}

/// A quantity in thousandths (credits, quality points per credit), for exact sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Milli(i64);

impl Milli {
    /// Rounds a decimal to thousandths.
    pub fn of(x: f64) -> Milli {
        Milli((x * 1000.0).round() as i64)
    }

    /// The value as a float (for JSON numbers).
    pub fn value(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl fmt::Display for Milli {
    /// Two decimals, as transcripts print credits ("3.00", "4.50").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", fixed(i128::from(self.0), 1000, 2))
    }
}

/// `numerator / denominator` with `decimals` decimals, rounded half up (both non-negative).
fn fixed(numerator: i128, denominator: i128, decimals: u32) -> String {
    let scale = 10i128.pow(decimals);
    let scaled = (2 * numerator * scale + denominator) / (2 * denominator);
    let (int, frac) = (scaled / scale, scaled % scale);
    if decimals == 0 { int.to_string() } else { format!("{int}.{frac:0width$}", width = decimals as usize) }
}

/// Credit and GPA totals over some records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Credits attempted (finished home courses).
    pub attempted: Milli,
    /// Credits earned (home and transfer).
    pub earned: Milli,
    /// Of those, transfer credits.
    pub transfer: Milli,
    /// Credits that count in the GPA.
    pub gpa_credits: Milli,
    /// Quality points, in millionths (points × credits).
    quality_micro: i128,
}

impl Totals {
    /// The GPA with `decimals` decimals, or `None` when no credit counts in it.
    pub fn gpa(&self, decimals: u32) -> Option<String> {
        (self.gpa_credits.0 > 0).then(|| fixed(self.quality_micro, i128::from(self.gpa_credits.0) * 1000, decimals))
    }

    /// Quality points as a number (for display).
    pub fn quality_points_value(&self) -> f64 {
        self.quality_micro as f64 / 1_000_000.0
    }

    /// Quality points with two decimals.
    pub fn quality_points(&self) -> String {
        fixed(self.quality_micro, 1_000_000, 2)
    }

    fn add(&mut self, other: &Totals) {
        self.attempted.0 += other.attempted.0;
        self.earned.0 += other.earned.0;
        self.transfer.0 += other.transfer.0;
        self.gpa_credits.0 += other.gpa_credits.0;
        self.quality_micro += other.quality_micro;
    }
}

/// One term's totals and the cumulative totals at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct TermTotals {
    /// The term.
    pub term_id: Key,
    /// This term alone.
    pub term: Totals,
    /// All terms up to and including this one.
    pub cumulative: Totals,
}

/// A learner's whole academic standing.
#[derive(Debug, Clone, PartialEq)]
pub struct Standings {
    /// Per record (same order as given): how it counts and the credits it earned.
    pub records: Vec<(Standing, Milli)>,
    /// Per term, in term order (start date, then id).
    pub terms: Vec<TermTotals>,
    /// Everything.
    pub overall: Totals,
}

/// Computes the standing of one learner's `records`.
pub fn compute(
    records: &[&CourseRecord],
    catalog: &BTreeMap<Key, Course>,
    terms: &BTreeMap<Key, Term>,
    scale: &GradingScale,
    policy: RepeatPolicy,
) -> Standings {
    let excluded = repeat_exclusions(records, terms, scale, policy);
    let mut per_term: BTreeMap<(Option<crate::model::Date>, &str), Totals> = BTreeMap::new();
    let mut standings = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let (standing, totals) = count(r, catalog.get(&r.course_id), scale, excluded.contains(&i));
        standings.push((standing, totals.earned));
        let start = terms.get(&r.term_id).map(|t| t.start);
        per_term.entry((start, r.term_id.as_str())).or_default().add(&totals);
    }
    let mut cumulative = Totals::default();
    let terms = per_term
        .into_iter()
        .map(|((_, id), term)| {
            cumulative.add(&term);
            TermTotals { term_id: id.to_string(), term, cumulative }
        })
        .collect();
    Standings { records: standings, terms, overall: cumulative }
}

/// How one record counts, and what it adds to the totals.
fn count(r: &CourseRecord, course: Option<&Course>, scale: &GradingScale, excluded: bool) -> (Standing, Totals) {
    let credits = Milli::of(r.credits_attempted);
    let mut t = Totals::default();
    if r.in_progress {
        return (Standing::InProgress, t);
    }
    let passed = passes(r, course, Some(scale));
    let earned = if passed { r.credits_earned.map_or(credits, Milli::of) } else { Milli::default() };
    if r.transfer {
        t.earned = earned;
        t.transfer = earned;
        return (Standing::Transfer, t);
    }
    t.attempted = credits;
    if excluded {
        return (Standing::RepeatExcluded, t);
    }
    t.earned = earned;
    let grade = r.grade.as_deref().and_then(|g| scale.grade(g));
    if let Some(g) = grade.filter(|g| g.counts_in_gpa()) {
        t.gpa_credits = credits;
        t.quality_micro = i128::from(Milli::of(g.points.unwrap_or(0.0)).0) * i128::from(credits.0);
    }
    let standing = match (passed, grade) {
        (true, _) => Standing::Passed,
        (false, Some(g)) if !g.credit && !g.counts_in_gpa() && !g.pass_fail => Standing::NoCredit,
        _ => Standing::Failed,
    };
    (standing, t)
}

/// The indexes of records the repeat policy leaves out: among the graded home
/// attempts of one course (grades that count in the GPA or are pass/fail), all but
/// the latest (`last`) or the best (`highest`; ties go to the latest).
fn repeat_exclusions(
    records: &[&CourseRecord],
    terms: &BTreeMap<Key, Term>,
    scale: &GradingScale,
    policy: RepeatPolicy,
) -> Vec<usize> {
    if policy == RepeatPolicy::All {
        return Vec::new();
    }
    let mut attempts: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let graded = r.grade.as_deref().and_then(|g| scale.grade(g)).is_some_and(|g| g.counts_in_gpa() || g.pass_fail);
        if graded && !r.in_progress && !r.transfer {
            attempts.entry(r.course_id.as_str()).or_default().push(i);
        }
    }
    let when = |i: usize| (terms.get(&records[i].term_id).map(|t| t.start), i);
    let worth = |i: usize| {
        records[i].grade.as_deref().and_then(|g| scale.grade(g)).and_then(|g| g.points).map_or(-1, |p| Milli::of(p).0)
    };
    let mut excluded = Vec::new();
    for list in attempts.values().filter(|l| l.len() > 1) {
        let keep = match policy {
            RepeatPolicy::Highest => list.iter().copied().max_by_key(|&i| (worth(i), when(i))),
            _ => list.iter().copied().max_by_key(|&i| when(i)),
        };
        excluded.extend(list.iter().copied().filter(|&i| Some(i) != keep));
    }
    excluded.sort_unstable();
    excluded
}

#[cfg(test)]
mod tests;
