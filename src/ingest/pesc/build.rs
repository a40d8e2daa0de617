//! Building the parts of a [`PescTranscript`] from a finished draft: terms
//! (with their dates), catalog courses, course records, achievements, awards
//! and GPA summaries.

use std::collections::{BTreeMap, HashMap};

use super::draft::Report;
use super::parts::{AwardDraft, CourseDraft, SessionDraft, SummaryDraft};
use super::source::Pos;
use super::transcript::{NO_SESSION_TERM, PescSummary, award_id, record_id};
use super::values::{
    award_kind, award_level_name, designator_span, four_months_from, four_months_to, id_part, safe_id,
    school_year_span, slug,
};
use crate::diag::Code;
use crate::model::{Achievement, Award, Course, CourseRecord, Date, Key, Term};

#[cfg(doc)]
use super::transcript::PescTranscript;

/// What is built from a draft, beside the learner.
pub(super) struct Parts<'r, 'a> {
    pub(super) report: &'r mut Report<'a>,
    pub(super) learner_id: String,
    pub(super) fallback: Date,
    pub(super) terms: Vec<Term>,
    pub(super) courses: Vec<CourseRecord>,
    pub(super) catalog: Vec<Course>,
    pub(super) catalog_index: HashMap<String, usize>,
    pub(super) record_counts: HashMap<(String, String), usize>,
    pub(super) achievements: BTreeMap<String, Achievement>,
    pub(super) awards: Vec<Award>,
    pub(super) summaries: Vec<PescSummary>,
}

impl<'r, 'a> Parts<'r, 'a> {
    /// Nothing built yet, for the learner `learner_id`; `fallback` dates what has no date.
    pub(super) fn new(report: &'r mut Report<'a>, learner_id: String, fallback: Date) -> Self {
        Parts {
            report,
            learner_id,
            fallback,
            terms: Vec::new(),
            courses: Vec::new(),
            catalog: Vec::new(),
            catalog_index: HashMap::new(),
            record_counts: HashMap::new(),
            achievements: BTreeMap::new(),
            awards: Vec::new(),
            summaries: Vec::new(),
        }
    }
}

/// The course id, subject and number of a course: `SUBJ-NUM` (spaces removed);
/// a number such as `"BF 1001"` without a subject is split into both; with
/// neither, an id is made from the title.
fn course_key(course: &CourseDraft) -> Option<(String, String, String)> {
    let subject = course.subject.as_deref().unwrap_or("").trim();
    let number = course.number.as_deref().unwrap_or("").trim();
    let (subject, number) = match (subject.is_empty(), number.split_once(char::is_whitespace)) {
        (true, Some((s, n))) => (s, n.trim()),
        _ => (subject, number),
    };
    let id = match (id_part(subject), id_part(number)) {
        (s, n) if !s.is_empty() && !n.is_empty() => format!("{s}-{n}"),
        (s, n) if !s.is_empty() || !n.is_empty() => format!("{s}{n}"),
        _ => safe_id(course.title.as_deref().unwrap_or("")),
    };
    (!id.is_empty()).then(|| (id, subject.to_string(), number.to_string()))
}

/// Statuses of a course not finished yet.
const IN_PROGRESS: &[&str] = &["InProgress", "NotYetReported", "PlanningToTake"];

fn is_one_of(status: Option<&str>, codes: &[&str]) -> bool {
    status.is_some_and(|s| codes.iter().any(|c| s.trim().eq_ignore_ascii_case(c)))
}

/// In progress: so flagged, or so by its grade status, or with no grade and a
/// supplemental grade status saying so (full-year courses).
fn in_progress(course: &CourseDraft) -> bool {
    course.in_progress == Some(true)
        || is_one_of(course.status.as_deref(), IN_PROGRESS)
        || (course.grade.is_none() && is_one_of(course.supplemental_status.as_deref(), IN_PROGRESS))
}

impl Parts<'_, '_> {
    /// Adds the term of a session (once per id) and its courses; returns the term.
    pub(super) fn session(&mut self, session: &SessionDraft, index: usize) -> Term {
        let term = self.term(session, index);
        let existing = self.terms.iter().find(|t| t.id == term.id).cloned();
        let term = existing.unwrap_or_else(|| {
            self.terms.push(term.clone());
            term
        });
        for course in &session.courses {
            self.course(course, &term.id);
        }
        for summary in &session.summaries {
            self.summary(summary, Some(term.id.clone()), None);
        }
        term
    }

    fn term(&mut self, session: &SessionDraft, index: usize) -> Term {
        let label = [&session.designator, &session.name, &session.school_year]
            .into_iter()
            .flatten()
            .map(|s| safe_id(s))
            .find(|s| !s.is_empty())
            .or_else(|| session.begin.map(|d| d.to_string()));
        let id = label.unwrap_or_else(|| {
            self.report
                .warning(
                    Code::MissingElement,
                    session.origin,
                    "AcademicSession has no SessionDesignator or SessionName".into(),
                )
                .help("add AcademicSessionDetail/SessionDesignator (YYYY-MM)");
            format!("SESSION-{index}")
        });
        let (start, end) = self.span(session, &id);
        Term {
            name: session.name.clone().or_else(|| session.designator.clone()).unwrap_or_else(|| id.clone()),
            id,
            start,
            end,
            academic_year: session.school_year.clone(),
            kind: session.kind.clone(),
            origin: self.report.origin(session.origin),
        }
    }

    /// Begin and end dates; when missing, derived from the other date, the
    /// SessionDesignator or the SessionSchoolYear; when nothing is there, the
    /// transcript's CreatedDateTime (else 1970-01-01) with a warning.
    fn span(&mut self, session: &SessionDraft, id: &str) -> (Date, Date) {
        let derived = match (session.begin, session.end) {
            (Some(b), Some(e)) => Some((b, e)),
            (Some(b), None) => Some(four_months_from(b)),
            (None, Some(e)) => Some(four_months_to(e)),
            (None, None) => session
                .designator
                .as_deref()
                .and_then(designator_span)
                .or_else(|| session.school_year.as_deref().and_then(school_year_span)),
        };
        let Some((start, end)) = derived else {
            self.report
                .warning(
                    Code::MissingElement,
                    session.origin,
                    format!("session \"{id}\" has no dates: using {} for its start and end", self.fallback),
                )
                .help("add SessionBeginDate and SessionEndDate, or a SessionDesignator (YYYY-MM)");
            return (self.fallback, self.fallback);
        };
        if end < start {
            self.report.warning(
                Code::Inconsistent,
                session.origin,
                format!("session \"{id}\" ends ({end}) before it begins ({start}): using {start} for both"),
            );
            return (start, start);
        }
        (start, end)
    }

    pub(super) fn loose_courses(&mut self, courses: &[CourseDraft]) {
        let Some(first) = courses.first() else {
            return;
        };
        if !self.terms.iter().any(|t| t.id == NO_SESSION_TERM) {
            self.terms.push(Term {
                id: NO_SESSION_TERM.into(),
                name: "Courses without a session".into(),
                start: self.fallback,
                end: self.fallback,
                academic_year: None,
                kind: None,
                origin: self.report.origin(first.origin),
            });
        }
        for course in courses {
            self.course(course, NO_SESSION_TERM);
        }
    }

    fn course(&mut self, course: &CourseDraft, term_id: &str) {
        let Some((plain_id, subject, number)) = course_key(course) else {
            self.report
                .warning(
                    Code::MissingElement,
                    course.origin,
                    "Course has no CourseSubjectAbbreviation, CourseNumber or CourseTitle: skipped".into(),
                )
                .help("add CourseSubjectAbbreviation and CourseNumber");
            return;
        };
        let course_id = match &course.transfer_from {
            Some(school) => format!("{}:{plain_id}", slug(school)),
            None => plain_id.clone(),
        };
        let title = course.title.clone().unwrap_or_else(|| plain_id.clone());
        let credits = course.credit_value.or(course.credit_earned).unwrap_or(0.0);
        let catalog_title = match self.catalog_index.get(&course_id) {
            Some(&i) => self.catalog.get(i).map(|c| c.title.clone()),
            None => {
                self.catalog_index.insert(course_id.clone(), self.catalog.len());
                self.catalog.push(Course {
                    id: course_id.clone(),
                    subject,
                    number,
                    title: title.clone(),
                    credits,
                    description: None,
                    level: course.level.clone(),
                    passing_grade: None,
                    institution: course.transfer_from.clone(),
                    origin: self.report.origin(course.origin),
                });
                None
            }
        };
        let in_progress = in_progress(course);
        let transfer = course.transfer_from.is_some()
            || course.status.as_deref().is_some_and(|s| s.to_ascii_lowercase().contains("transfer"));
        let repeat = [&course.repeat_code, &course.status].into_iter().flatten().any(|code| {
            let code = code.trim().to_ascii_lowercase();
            code.starts_with("repeat") || code.starts_with("replace")
        });
        let count = self.record_counts.entry((term_id.to_string(), course_id.clone())).or_insert(0);
        *count += 1;
        let id = record_id(&self.learner_id, term_id, &course_id, *count);
        let differs = catalog_title.is_some_and(|t| t != title);
        self.courses.push(CourseRecord {
            id,
            learner_id: self.learner_id.clone(),
            term_id: term_id.to_string(),
            course_id,
            title: (transfer || differs).then_some(title),
            credits_attempted: credits,
            // A finished, ungraded course (exemption, audit, ungraded transfer) earned
            // what the transcript states, and nothing when it states nothing.
            credits_earned: course.credit_earned.or_else(|| (!in_progress && course.grade.is_none()).then_some(0.0)),
            grade: if in_progress { None } else { course.grade.clone() },
            quality_points: course.quality_points,
            repeat,
            transfer,
            in_progress,
            transfer_institution: course.transfer_from.clone(),
            origin: self.report.origin(course.origin),
        });
    }

    pub(super) fn award(&mut self, award: &AwardDraft) {
        if award.completed == Some(false) {
            return; // Not (yet) conferred.
        }
        let level_name = award.level.as_deref().and_then(award_level_name);
        let Some(title) = award.title.clone().or_else(|| level_name.map(String::from)) else {
            self.report
                .warning(
                    Code::MissingElement,
                    award.origin,
                    "AcademicAward has no AcademicAwardTitle or known AcademicAwardLevel: skipped".into(),
                )
                .help("add AcademicAwardTitle");
            return;
        };
        let name = match &award.program {
            Some(program) if !title.contains(program.as_str()) => format!("{title} ({program})"),
            _ => title.clone(),
        };
        let mut achievement_id = safe_id(&name).to_uppercase();
        if let Some(school) = &award.school {
            achievement_id = format!("{}:{achievement_id}", slug(school));
        }
        let description = match (&award.school, level_name) {
            (Some(school), _) => format!("{name}, conferred by {school}."),
            (None, Some(level)) => format!("{level}: {name}."),
            (None, None) => format!("{name}."),
        };
        self.achievements.entry(achievement_id.clone()).or_insert_with(|| Achievement {
            id: achievement_id.clone(),
            kind: award_kind(award.level.as_deref(), &title),
            name,
            description,
            criteria: "Completion of the program's requirements, as recorded on a PESC College Transcript.".into(),
            criteria_url: None,
            image: None,
            image_file: None,
            level: level_name.map(String::from).or_else(|| award.level.clone()),
            field_of_study: award.program.clone(),
            credits_required: None,
            tags: Vec::new(),
            aligned_competencies: Vec::new(),
            origin: self.report.origin(award.origin),
        });
        let date = award.date.or(award.completion_date).unwrap_or_else(|| {
            self.report
                .warning(
                    Code::MissingElement,
                    award.origin,
                    format!("award \"{title}\" has no AcademicAwardDate: using {}", self.fallback),
                )
                .help("add AcademicAwardDate");
            self.fallback
        });
        let id = award_id(&self.learner_id, &achievement_id, date);
        if !self.awards.iter().any(|a| a.id == id) {
            self.awards.push(Award {
                id,
                learner_id: self.learner_id.clone(),
                achievement_id: achievement_id.clone(),
                awarded_date: date,
                term_id: None,
                evidence: Vec::new(),
                result: None,
                origin: self.report.origin(award.origin),
            });
        }
        for summary in &award.summaries {
            self.summary(summary, None, Some(achievement_id.clone()));
        }
    }

    pub(super) fn summary(&mut self, summary: &SummaryDraft, term_id: Option<Key>, achievement_id: Option<Key>) {
        if !summary.has_figures() {
            return;
        }
        let at = summary.origin.unwrap_or(Pos::START);
        self.summaries.push(PescSummary {
            kind: summary.kind.clone(),
            level: summary.level.clone(),
            term_id,
            achievement_id,
            credit_hours_attempted: summary.attempted,
            credit_hours_earned: summary.earned,
            credit_hours_for_gpa: summary.for_gpa,
            gpa: summary.gpa,
            total_quality_points: summary.quality_points,
            origin: self.report.origin(at),
        });
    }
}
