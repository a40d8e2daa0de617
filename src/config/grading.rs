//! The grading scale: which grades exist, what they are worth, and what counts.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::locate;
use crate::diag::{Code, Diagnostics, LineIndex, Origin};

/// The most grades a scale may have (real scales have a few dozen): a bound on what every grade lookup and
/// every check of the scale costs.
pub const MAX_GRADES: usize = 1_000;

/// The institution's grading scale.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GradingScale {
    /// Its name, e.g. "Undergraduate letter grades (4.0 scale)".
    pub name: String,
    /// The lowest grade that passes a course (unless the course says otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passing_grade: Option<String>,
    /// The highest GPA possible (for the GPA's stated range); the largest `points` if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_gpa: Option<f64>,
    /// The grades, best first.
    pub grades: Vec<Grade>,
}

/// One grade of the scale.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// The grade as written on records, e.g. "A-", "P", "W".
    pub grade: String,
    /// Quality points per credit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    /// Counts in the GPA (default: it has points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpa: Option<bool>,
    /// Earns the course's credit (default: true).
    #[serde(default = "yes")]
    pub credit: bool,
    /// A pass/fail grade (outside the GPA).
    #[serde(default)]
    pub pass_fail: bool,
    /// A grade that means the course is not finished yet (IP, NR …): the record is listed as
    /// in progress, in no total.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_progress: bool,
    /// Meaning, for the transcript's legend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn yes() -> bool {
    true
}

impl Grade {
    /// A grade with its points, whether it earns credit and whether it is a pass/fail grade; counted in the GPA
    /// by default when it has points, not in progress, no description.
    pub fn new(grade: &str, points: Option<f64>, credit: bool, pass_fail: bool) -> Self {
        Grade { grade: grade.into(), points, gpa: None, credit, pass_fail, in_progress: false, description: None }
    }

    /// Whether this grade counts in the GPA.
    pub fn counts_in_gpa(&self) -> bool {
        self.gpa.unwrap_or(self.points.is_some()) && !self.pass_fail && !self.in_progress
    }
}

/// Which attempts of a repeated course count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RepeatPolicy {
    /// The latest attempt replaces earlier ones.
    #[default]
    Last,
    /// The best attempt counts.
    Highest,
    /// Every attempt counts.
    All,
}

impl GradingScale {
    /// The grade entry for `grade` (exact match, then case-insensitive).
    pub fn grade(&self, grade: &str) -> Option<&Grade> {
        let grade = grade.trim();
        self.grades
            .iter()
            .find(|g| g.grade == grade)
            .or_else(|| self.grades.iter().find(|g| g.grade.eq_ignore_ascii_case(grade)))
    }

    /// The position of a grade in the scale (0 = best), for "at or above" comparisons.
    pub fn rank(&self, grade: &str) -> Option<usize> {
        let entry = self.grade(grade)?;
        self.grades.iter().position(|g| std::ptr::eq(g, entry))
    }

    /// Whether `grade` passes, given the course's passing grade (if any).
    /// A grade that earns no credit never passes; otherwise it must rank at or above the passing grade.
    pub fn passes(&self, grade: &str, course_passing_grade: Option<&str>) -> bool {
        let Some(entry) = self.grade(grade) else { return false };
        if !entry.credit {
            return false;
        }
        if entry.pass_fail {
            return true;
        }
        let threshold = course_passing_grade.or(self.passing_grade.as_deref());
        match (threshold.and_then(|t| self.rank(t)), self.rank(grade)) {
            (Some(limit), Some(rank)) => rank <= limit,
            _ => true,
        }
    }

    /// The top of the GPA range.
    pub fn max_gpa(&self) -> f64 {
        self.max_gpa.unwrap_or_else(|| self.grades.iter().filter_map(|g| g.points).fold(0.0, f64::max))
    }

    pub(super) fn validate(&self, text: &str, file: &Path, diags: &mut Diagnostics) {
        if self.grades.is_empty() {
            diags
                .error(Code::ConfigValue, locate(text, file, "[grading]"), "the grading scale has no grades")
                .help("add [[grading.grades]] entries");
        }
        if self.grades.len() > MAX_GRADES {
            diags
                .error(
                    Code::ConfigValue,
                    locate(text, file, "[grading]"),
                    format!("the grading scale has {} grades, more than the {MAX_GRADES} allowed", self.grades.len()),
                )
                .help("a grading scale lists the grades records carry (a few dozen at most)");
            return;
        }
        // Grades are found in the text in order, from where the previous one was (linear in the file), and
        // placed only when one is wrong.
        let lines = LineIndex::new(text);
        let mut cursor = 0;
        let mut place = |grade: &str| {
            let needle = format!("\"{grade}\"");
            let found = text.get(cursor..).and_then(|rest| rest.find(&needle)).map(|at| cursor + at);
            let found = found.or_else(|| text.find(&needle));
            if let Some(at) = found {
                cursor = at + needle.len();
            }
            move |lines: &LineIndex<'_>| match found {
                Some(at) => {
                    let (line, column) = lines.line_column(at);
                    Origin::at(file, line, column)
                }
                None => Origin::file(file),
            }
        };
        let mut seen = BTreeSet::new();
        for g in &self.grades {
            let at = place(&g.grade);
            if !seen.insert(g.grade.as_str()) {
                diags.error(Code::ConfigValue, at(&lines), format!("grade {:?} is defined twice", g.grade));
            }
            if g.points.is_some_and(|p| !p.is_finite() || p < 0.0) {
                diags.error(
                    Code::ConfigValue,
                    at(&lines),
                    format!("grade {:?} has negative or non-finite points", g.grade),
                );
            }
        }
        if let Some(p) = &self.passing_grade
            && self.grade(p).is_none()
        {
            diags
                .error(
                    Code::ConfigValue,
                    locate(text, file, "passing_grade"),
                    format!("passing_grade {p:?} is not a grade of the scale"),
                )
                .help("name one of the grades listed under [[grading.grades]]");
        }
    }
}
