//! Credits and grade point averages as a registrar computes them.
//!
//! - Only home-institution grades with quality points count in the GPA
//!   (`GradingScale::counts_in_gpa`); pass/fail grades earn credit outside it.
//! - Totals are kept in two scopes: the institution's own courses, and transfer
//!   credit accepted; overall is their sum. Transfer credit is never in the GPA.
//! - Credits earned are the export's `credits_earned` where it states them (never
//!   overridden); otherwise a passed attempt earns its attempted credits.
//! - In-progress courses (the row's flag, or a grade the scale marks in progress) are
//!   listed, not counted.
//! - Repeated courses: of the graded attempts of one course, the repeat policy
//!   picks which count (`last`, `highest`, `all`); the others are replaced: they stay
//!   in credits attempted and leave credits earned and the GPA.
//! - Arithmetic is exact: credits and points in thousandths, GPA rounded half up.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::config::{GradingScale, RepeatPolicy};
use crate::graph::passes;
use crate::model::{Course, CourseRecord, Key, Term};

/// What happened in one course attempt (whatever the repeat policy makes of it).
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
    /// Transfer credit: earned, outside the GPA and the institution's totals.
    Transfer,
}

/// How one course record counts: what happened in it, what it earned, and whether the
/// repeat policy replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordStanding {
    /// What happened in the attempt.
    pub standing: Standing,
    /// Credits this attempt earned: the export's `credits_earned` when it states one
    /// (never overridden), else the attempted credits of a passed attempt, else zero.
    pub earned: Milli,
    /// A later (`last`) or better (`highest`) attempt of the same course replaced this one:
    /// it stays in credits attempted, and leaves credits earned and the GPA.
    pub replaced: bool,
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
    /// Credits attempted (finished courses, replaced attempts included).
    pub attempted: Milli,
    /// Credits earned (replaced attempts left out).
    pub earned: Milli,
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

    /// The sum of two totals.
    pub fn plus(&self, other: &Totals) -> Totals {
        let mut sum = *self;
        sum.add(other);
        sum
    }

    fn add(&mut self, other: &Totals) {
        self.attempted.0 += other.attempted.0;
        self.earned.0 += other.earned.0;
        self.gpa_credits.0 += other.gpa_credits.0;
        self.quality_micro += other.quality_micro;
    }
}

/// Totals kept apart, as registrars print them: the institution's own courses, and
/// transfer credit accepted. Overall is their sum ([`Scopes::overall`]); the GPA is the
/// institution's (transfer credit never counts in it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scopes {
    /// Courses taken at the institution.
    pub institution: Totals,
    /// Transfer credit accepted from other institutions.
    pub transfer: Totals,
}

impl Scopes {
    /// Institution and transfer together.
    pub fn overall(&self) -> Totals {
        self.institution.plus(&self.transfer)
    }

    fn add(&mut self, other: &Scopes) {
        self.institution.add(&other.institution);
        self.transfer.add(&other.transfer);
    }
}

/// One term's totals and the cumulative totals at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct TermTotals {
    /// The term.
    pub term_id: Key,
    /// This term alone.
    pub term: Scopes,
    /// All terms up to and including this one.
    pub cumulative: Scopes,
}

/// A learner's whole academic standing.
#[derive(Debug, Clone, PartialEq)]
pub struct Standings {
    /// Per record (same order as given).
    pub records: Vec<RecordStanding>,
    /// Per term, in term order (start date, then id).
    pub terms: Vec<TermTotals>,
    /// Everything.
    pub overall: Scopes,
}

/// Computes the standing of one learner's `records`.
pub fn compute(
    records: &[&CourseRecord],
    catalog: &BTreeMap<Key, Course>,
    terms: &BTreeMap<Key, Term>,
    scale: &GradingScale,
    policy: RepeatPolicy,
) -> Standings {
    let replaced = repeat_exclusions(records, terms, scale, policy);
    let mut per_term: BTreeMap<(Option<crate::model::Date>, &str), Scopes> = BTreeMap::new();
    let mut standings = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let (standing, totals) = count(r, catalog.get(&r.course_id), scale, replaced.binary_search(&i).is_ok());
        standings.push(standing);
        let start = terms.get(&r.term_id).map(|t| t.start);
        let scopes = per_term.entry((start, r.term_id.as_str())).or_default();
        if r.transfer { scopes.transfer.add(&totals) } else { scopes.institution.add(&totals) }
    }
    let mut cumulative = Scopes::default();
    let terms = per_term
        .into_iter()
        .map(|((_, id), term)| {
            cumulative.add(&term);
            TermTotals { term_id: id.to_string(), term, cumulative }
        })
        .collect();
    Standings { records: standings, terms, overall: cumulative }
}

/// How one record counts, and what it adds to the totals of its scope (institution or
/// transfer, chosen by the caller).
fn count(r: &CourseRecord, course: Option<&Course>, scale: &GradingScale, replaced: bool) -> (RecordStanding, Totals) {
    let credits = Milli::of(r.credits_attempted);
    let mut t = Totals::default();
    let grade = r.grade.as_deref().and_then(|g| scale.grade(g));
    if r.in_progress || grade.is_some_and(|g| g.in_progress) {
        let standing = RecordStanding { standing: Standing::InProgress, earned: Milli::default(), replaced: false };
        return (standing, t);
    }
    let passed = passes(r, course, Some(scale));
    // The export's earned credit is the registrar's word; only when it is absent is it derived.
    let derived = if passed && !replaced { credits } else { Milli::default() };
    let earned = r.credits_earned.map_or(derived, Milli::of);
    t.attempted = credits;
    if !replaced {
        t.earned = earned;
    }
    let standing = match (r.transfer, passed, grade) {
        (true, _, _) => Standing::Transfer,
        (false, true, _) => Standing::Passed,
        (false, false, Some(g)) if !g.credit && !g.counts_in_gpa() && !g.pass_fail => Standing::NoCredit,
        (false, false, _) => Standing::Failed,
    };
    if let Some(g) = grade.filter(|g| g.counts_in_gpa() && !r.transfer && !replaced) {
        t.gpa_credits = credits;
        t.quality_micro = i128::from(Milli::of(g.points.unwrap_or(0.0)).0) * i128::from(credits.0);
    }
    (RecordStanding { standing, earned, replaced }, t)
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
