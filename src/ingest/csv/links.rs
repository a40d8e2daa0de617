//! Checks across tables: every id a record names exists, every grade is in the
//! scale. A record that fails is reported and rejected (left out of the model).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::reader::ColumnIndex;
use crate::config::GradingScale;
use crate::diag::{Code, Diagnostics, Origin};
use crate::model::{AlignmentSource, Records};

/// Where the columns of each CSV file are, to point diagnostics at a field.
pub type Layouts = BTreeMap<PathBuf, ColumnIndex>;

/// The position of `column` in the row at `origin` (a CSV row), or `origin` itself
/// (a record from elsewhere, e.g. PESC XML).
fn field(layouts: &Layouts, origin: &Origin, column: &str) -> Origin {
    match (layouts.get(&origin.file), origin.line) {
        (Some(index), Some(line)) => index.origin(line, column),
        _ => origin.clone(),
    }
}

/// The tables that could not be read.
pub type Failed = BTreeSet<&'static str>;

/// Checks every cross-reference of `records`, dropping the records that fail.
/// `scale` is absent when there is no institution.toml (grades are then not checked).
/// A dangling reference into a table in `failed` (one that could not be read) is not
/// reported again for every row: the table's own failure was reported.
pub fn check(
    records: &mut Records,
    scale: Option<&GradingScale>,
    layouts: &Layouts,
    failed: &Failed,
    diags: &mut Diagnostics,
) {
    let mut found = Diagnostics::new();
    check_catalog(records, scale, layouts, &mut found);
    check_course_records(records, scale, layouts, &mut found);
    check_awards(records, layouts, &mut found);
    check_alignments(records, layouts, &mut found);
    let consequence = |code: Code| match code {
        Code::UnknownLearner => failed.contains("learners"),
        Code::UnknownTerm => failed.contains("terms"),
        Code::UnknownCourse => failed.contains("courses"),
        Code::UnknownAchievement => failed.contains("achievements"),
        _ => false,
    };
    for d in found.into_vec().into_iter().filter(|d| !consequence(d.code)) {
        diags.push(d);
    }
}

fn check_catalog(records: &Records, scale: Option<&GradingScale>, layouts: &Layouts, diags: &mut Diagnostics) {
    let Some(scale) = scale else { return };
    for course in records.courses.values() {
        if let Some(p) = &course.passing_grade
            && scale.grade(p).is_none()
        {
            diags
                .error(
                    Code::UnknownGrade,
                    field(layouts, &course.origin, "passing_grade"),
                    format!("passing_grade {p:?} of course {:?} is not in the grading scale", course.id),
                )
                .help("name a grade defined under [[grading.grades]] in institution.toml");
        }
    }
}

fn check_course_records(
    records: &mut Records,
    scale: Option<&GradingScale>,
    layouts: &Layouts,
    diags: &mut Diagnostics,
) {
    let mut seen_ids = BTreeSet::new();
    let (learners, terms, courses) = (&records.learners, &records.terms, &records.courses);
    let mut rejected = Vec::new();
    records.course_records.retain_mut(|r| {
        let mut ok = true;
        if !learners.contains_key(&r.learner_id) {
            ok = false;
            diags
                .error(
                    Code::UnknownLearner,
                    field(layouts, &r.origin, "learner_id"),
                    format!("unknown learner {:?}", r.learner_id),
                )
                .help("add the learner to learners.csv (or fix the id); the record is rejected");
        }
        if !terms.contains_key(&r.term_id) {
            ok = false;
            diags
                .error(Code::UnknownTerm, field(layouts, &r.origin, "term_id"), format!("unknown term {:?}", r.term_id))
                .help("add the term to terms.csv (or fix the id); the record is rejected");
        }
        if !(courses.contains_key(&r.course_id) || r.transfer && r.title.is_some()) {
            ok = false;
            diags
                .error(
                    Code::UnknownCourse,
                    field(layouts, &r.origin, "course_id"),
                    format!("unknown course {:?}", r.course_id),
                )
                .help(
                    "add the course to courses.csv; transfer credit outside the catalog needs transfer = Y and a title",
                );
        }
        ok &= check_grade(r, scale, layouts, diags);
        if ok && let Some(scale) = scale {
            check_grade_agrees(r, scale, courses.get(&r.course_id), layouts, diags);
        }
        if ok && !seen_ids.insert(r.id.clone()) {
            ok = false;
            diags
                .error(
                    Code::DuplicateKey,
                    field(layouts, &r.origin, "record_id"),
                    format!("course record {:?} appears twice", r.id),
                )
                .help("a learner takes a course at most once a term; give repeated sections their own record_id");
        }
        if !ok {
            rejected.push((r.learner_id.clone(), r.origin.clone()));
        }
        ok
    });
    for (learner_id, origin) in rejected {
        records.reject(&learner_id, origin);
    }
}

/// The grade must be in the scale (transfer grades excepted: they come from another
/// scale and never count in the GPA), and present unless the course is in progress or
/// its earned credits are stated (ungraded credit: exemption, audit, ungraded transfer).
fn check_grade(
    r: &crate::model::CourseRecord,
    scale: Option<&GradingScale>,
    layouts: &Layouts,
    diags: &mut Diagnostics,
) -> bool {
    match (&r.grade, scale) {
        (None, _) if !r.in_progress && r.credits_earned.is_none() => {
            diags
                .error(Code::MissingValue, field(layouts, &r.origin, "grade"), format!("course record {:?} has no grade and is not in progress", r.id))
                .help("give the grade, set in_progress = Y for a course not finished yet, or state credits_earned for ungraded credit");
            false
        }
        (Some(g), Some(scale)) if !r.transfer && scale.grade(g).is_none() => {
            let known: Vec<&str> = scale.grades.iter().map(|g| g.grade.as_str()).collect();
            diags
                .error(
                    Code::UnknownGrade,
                    field(layouts, &r.origin, "grade"),
                    format!("grade {g:?} is not in the grading scale {:?}", scale.name),
                )
                .help(format!(
                    "use one of {}, or add the grade to [[grading.grades]] in institution.toml",
                    known.join(" ")
                ));
            false
        }
        _ => true,
    }
}

/// A row whose values contradict its grade is reported, never silently reinterpreted:
/// - a stated `credits_earned` that the grade would not give (an F with credit, an A with none)
///   is kept as the registrar's word, with a warning;
/// - a grade the scale marks in progress (IP) on a row not flagged `in_progress` makes the
///   course in progress, with a warning; a final grade on a row flagged in progress is listed
///   as in progress (counted nowhere), with a warning.
fn check_grade_agrees(
    r: &mut crate::model::CourseRecord,
    scale: &GradingScale,
    course: Option<&crate::model::Course>,
    layouts: &Layouts,
    diags: &mut Diagnostics,
) {
    let Some(grade) = r.grade.clone() else { return };
    let Some(entry) = scale.grade(&grade) else { return };
    if entry.in_progress != r.in_progress {
        let at = field(layouts, &r.origin, "in_progress");
        let message = if entry.in_progress {
            format!("grade {grade:?} means in progress, but the row's in_progress flag is not set")
        } else {
            format!("the row is flagged in_progress, but {grade:?} is a final grade")
        };
        diags
            .warning(Code::Inconsistent, at, format!("{message}; the course is listed as in progress, in no total"))
            .help("set in_progress to agree with the grade (or fix the grade)");
        r.in_progress = true;
        return;
    }
    if r.in_progress {
        return;
    }
    let gives_credit =
        if r.transfer { entry.credit } else { scale.passes(&grade, course.and_then(|c| c.passing_grade.as_deref())) };
    let stated = r.credits_earned;
    let contradiction = match stated {
        Some(e) if e > 0.0 && !gives_credit => {
            Some(format!("grade {grade:?} earns no credit, but credits_earned is {e}"))
        }
        Some(e) if e == 0.0 && gives_credit && r.credits_attempted > 0.0 => {
            Some(format!("grade {grade:?} earns credit, but credits_earned is 0"))
        }
        _ => None,
    };
    if let Some(message) = contradiction {
        diags
            .warning(
                Code::Inconsistent,
                field(layouts, &r.origin, "credits_earned"),
                format!("{message}; the transcript states the credits earned as the export does"),
            )
            .help("correct credits_earned or the grade in the student information system if either is wrong");
    }
}

fn check_awards(records: &mut Records, layouts: &Layouts, diags: &mut Diagnostics) {
    let mut seen_ids = BTreeSet::new();
    let (learners, achievements, terms) = (&records.learners, &records.achievements, &records.terms);
    let mut rejected = Vec::new();
    records.awards.retain(|a| {
        let mut ok = true;
        if !learners.contains_key(&a.learner_id) {
            ok = false;
            diags
                .error(
                    Code::UnknownLearner,
                    field(layouts, &a.origin, "learner_id"),
                    format!("unknown learner {:?}", a.learner_id),
                )
                .help("add the learner to learners.csv (or fix the id); the award is rejected");
        }
        if !achievements.contains_key(&a.achievement_id) {
            ok = false;
            diags
                .error(
                    Code::UnknownAchievement,
                    field(layouts, &a.origin, "achievement_id"),
                    format!("unknown achievement {:?}", a.achievement_id),
                )
                .help("define the achievement in achievements.csv (or fix the id); the award is rejected");
        }
        if let Some(t) = &a.term_id
            && !terms.contains_key(t)
        {
            ok = false;
            diags
                .error(Code::UnknownTerm, field(layouts, &a.origin, "term_id"), format!("unknown term {t:?}"))
                .help("add the term to terms.csv, or leave term_id empty");
        }
        if ok && !seen_ids.insert(a.id.clone()) {
            ok = false;
            diags
                .error(
                    Code::DuplicateKey,
                    field(layouts, &a.origin, "award_id"),
                    format!("award {:?} appears twice", a.id),
                )
                .help("remove the repeated row, or give each award its own award_id");
        }
        if !ok {
            rejected.push((a.learner_id.clone(), a.origin.clone()));
        }
        ok
    });
    for (learner_id, origin) in rejected {
        records.reject(&learner_id, origin);
    }
}

fn check_alignments(records: &mut Records, layouts: &Layouts, diags: &mut Diagnostics) {
    let (courses, achievements) = (&records.courses, &records.achievements);
    records.alignments.retain(|a| match &a.source {
        AlignmentSource::Course(id) if !courses.contains_key(id) => {
            diags
                .error(
                    Code::UnknownCourse,
                    field(layouts, &a.origin, "source_id"),
                    format!("alignment of unknown course {id:?}"),
                )
                .help("fix the course id, or add the course to courses.csv");
            false
        }
        AlignmentSource::Achievement(id) if !achievements.contains_key(id) => {
            diags
                .error(
                    Code::UnknownAchievement,
                    field(layouts, &a.origin, "source_id"),
                    format!("alignment of unknown achievement {id:?}"),
                )
                .help("fix the achievement id, or add it to achievements.csv");
            false
        }
        _ => true,
    });
}
