//! Learner records as a registrar keeps them: learners, terms, the course catalog,
//! course records, achievement definitions, awards and alignments.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Date;
use crate::diag::Origin;

/// An identifier as written in another record (learner id, course id …).
pub type Key = String;

/// A person who has records at the institution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Learner {
    /// The institution's student id (unique).
    pub id: Key,
    /// Given (first) name.
    pub given_name: String,
    /// Family (last) name.
    pub family_name: String,
    /// Middle name(s).
    pub middle_name: Option<String>,
    /// The full name as printed, when it is not "given middle family".
    pub display_name: Option<String>,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// E-mail address.
    pub email: Option<String>,
    /// Program of study (e.g. "BSc Data Science").
    pub program: Option<String>,
    /// Further identifiers (kind, value), e.g. ("OEN", "123456789"); never an SSN.
    pub identifiers: Vec<(String, String)>,
    /// Where the learner was defined.
    pub origin: Origin,
}

impl Learner {
    /// A learner known by id and name only (every optional field empty).
    pub fn new(
        id: impl Into<Key>,
        given_name: impl Into<String>,
        family_name: impl Into<String>,
        origin: Origin,
    ) -> Self {
        Learner {
            id: id.into(),
            given_name: given_name.into(),
            family_name: family_name.into(),
            middle_name: None,
            display_name: None,
            birth_date: None,
            email: None,
            program: None,
            identifiers: Vec::new(),
            origin,
        }
    }

    /// The display name if given, else "Given Middle Family".
    pub fn full_name(&self) -> String {
        if let Some(name) = &self.display_name {
            return name.clone();
        }
        let mut parts = vec![self.given_name.as_str()];
        if let Some(m) = &self.middle_name {
            parts.push(m);
        }
        parts.push(&self.family_name);
        parts.retain(|p| !p.is_empty());
        parts.join(" ")
    }
}

/// An academic term (semester, quarter, session).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// Term code, e.g. "2025FA".
    pub id: Key,
    /// Display name, e.g. "Fall 2025".
    pub name: String,
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
    /// Academic year, e.g. "2025-2026".
    pub academic_year: Option<String>,
    /// Kind of session (semester, quarter, summer …).
    pub kind: Option<String>,
    /// Where the term was defined.
    pub origin: Origin,
}

/// A course in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Course {
    /// Course id, e.g. "CS-101".
    pub id: Key,
    /// Subject code, e.g. "CS".
    pub subject: String,
    /// Course number, e.g. "101".
    pub number: String,
    /// Title.
    pub title: String,
    /// Credit value.
    pub credits: f64,
    /// Catalog description.
    pub description: Option<String>,
    /// Level, e.g. "Undergraduate".
    pub level: Option<String>,
    /// Lowest passing grade for this course, overriding the scale's.
    pub passing_grade: Option<String>,
    /// For a course known only from another institution's transcript: that institution.
    pub institution: Option<String>,
    /// Where the course was defined.
    pub origin: Origin,
}

/// One course taken (or being taken) by one learner in one term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CourseRecord {
    /// A stable key: the record id given in the input, or learner/term/course.
    pub id: Key,
    /// The learner.
    pub learner_id: Key,
    /// The term.
    pub term_id: Key,
    /// The catalog course.
    pub course_id: Key,
    /// A title that replaces the catalog's (transfer courses, topics courses).
    pub title: Option<String>,
    /// Credits attempted.
    pub credits_attempted: f64,
    /// Credits earned, if the input states them (otherwise derived from the grade).
    pub credits_earned: Option<f64>,
    /// The grade; none while in progress.
    pub grade: Option<String>,
    /// Quality points as the source computed them (PESC), if given.
    pub quality_points: Option<f64>,
    /// A repeat of a course taken before.
    pub repeat: bool,
    /// Transfer credit from another institution.
    pub transfer: bool,
    /// Not finished yet: listed, not counted.
    pub in_progress: bool,
    /// For transfer credit: where it was earned.
    pub transfer_institution: Option<String>,
    /// Where the record was read.
    pub origin: Origin,
}

impl CourseRecord {
    /// A home-institution attempt with a grade (or none while in progress), credits earned derived from the
    /// grade, keyed `learner/term/course`; the flags (repeat, transfer, in progress) are off.
    pub fn graded(
        learner_id: &str,
        term_id: &str,
        course_id: &str,
        credits_attempted: f64,
        grade: Option<&str>,
        origin: Origin,
    ) -> Self {
        CourseRecord {
            id: format!("{learner_id}/{term_id}/{course_id}"),
            learner_id: learner_id.into(),
            term_id: term_id.into(),
            course_id: course_id.into(),
            title: None,
            credits_attempted,
            credits_earned: None,
            grade: grade.map(Into::into),
            quality_points: None,
            repeat: false,
            transfer: false,
            in_progress: false,
            transfer_institution: None,
            origin,
        }
    }
}

/// What kind of thing an achievement is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AchievementKind {
    /// A (digital) badge.
    Badge,
    /// A certificate (of completion, of a program).
    Certificate,
    /// An academic degree.
    Degree,
    /// A diploma.
    Diploma,
    /// A micro-credential.
    MicroCredential,
    /// A license.
    License,
    /// Something else, named as in the input.
    Other(String),
}

impl AchievementKind {
    /// Reads a kind as written in the input (case-insensitive).
    pub fn parse(text: &str) -> AchievementKind {
        match text.trim().to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "badge" => AchievementKind::Badge,
            "certificate" => AchievementKind::Certificate,
            "degree" => AchievementKind::Degree,
            "diploma" => AchievementKind::Diploma,
            "microcredential" => AchievementKind::MicroCredential,
            "license" | "licence" => AchievementKind::License,
            _ => AchievementKind::Other(text.trim().to_string()),
        }
    }
}

/// A badge, certificate or degree that the institution awards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Achievement {
    /// Achievement id, e.g. "BADGE-SQL".
    pub id: Key,
    /// Kind.
    pub kind: AchievementKind,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// What it takes to earn it.
    pub criteria: String,
    /// A page describing the criteria.
    pub criteria_url: Option<String>,
    /// Image URL or path.
    pub image: Option<String>,
    /// The image as a PNG or SVG file to bake awards into, relative to the input directory.
    pub image_file: Option<String>,
    /// For a degree: its level (e.g. "Bachelor's degree").
    pub level: Option<String>,
    /// Field of study.
    pub field_of_study: Option<String>,
    /// Credits required to earn it.
    pub credits_required: Option<f64>,
    /// Tags.
    pub tags: Vec<String>,
    /// Competencies it aligns to, as written (identifier, URI or coding scheme).
    pub aligned_competencies: Vec<String>,
    /// Where it was defined.
    pub origin: Origin,
}

/// A piece of evidence for an award.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// Where the evidence is.
    pub url: Option<String>,
    /// What it shows, in words.
    pub narrative: Option<String>,
}

/// An achievement awarded to a learner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Award {
    /// A stable key: the award id given in the input, or learner/achievement/date.
    pub id: Key,
    /// The learner.
    pub learner_id: Key,
    /// The achievement.
    pub achievement_id: Key,
    /// When it was awarded.
    pub awarded_date: Date,
    /// The term it belongs to, if any.
    pub term_id: Option<Key>,
    /// Evidence.
    pub evidence: Vec<Evidence>,
    /// A result or level (e.g. "Proficient", "Honors").
    pub result: Option<String>,
    /// Where the award was read.
    pub origin: Origin,
}

/// What an alignment starts from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum AlignmentSource {
    /// A catalog course.
    Course(Key),
    /// An achievement.
    Achievement(Key),
}

/// A course or achievement that shows a competency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alignment {
    /// The course or achievement.
    pub source: AlignmentSource,
    /// The competency, as written: a CFItem identifier, URI or human coding scheme.
    pub competency: String,
    /// The level it shows the competency at (e.g. "2" or "Proficient").
    pub level: Option<String>,
    /// Its weight among the competency's evidence (default 1).
    pub weight: Option<f64>,
    /// Where the alignment was read.
    pub origin: Origin,
}

/// All learner records of one run, keyed by id for stable order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Records {
    /// Learners by id.
    pub learners: BTreeMap<Key, Learner>,
    /// Terms by id.
    pub terms: BTreeMap<Key, Term>,
    /// The course catalog by id.
    pub courses: BTreeMap<Key, Course>,
    /// Course records, in input order.
    pub course_records: Vec<CourseRecord>,
    /// Achievements by id.
    pub achievements: BTreeMap<Key, Achievement>,
    /// Awards, in input order.
    pub awards: Vec<Award>,
    /// Alignments, in input order.
    pub alignments: Vec<Alignment>,
    /// Learners with a rejected row (a course record, an award, their own learners row), with where each
    /// rejected row is. Their transcripts would be incomplete, so they are not issued: `build` skips and
    /// reports them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub rejected: BTreeMap<Key, Vec<Origin>>,
}

impl Records {
    /// Keeps only the learners for which `keep(id)` holds, with their records, awards and rejections.
    pub fn retain_learners(&mut self, keep: impl Fn(&str) -> bool) {
        self.learners.retain(|id, _| keep(id));
        self.course_records.retain(|r| keep(&r.learner_id));
        self.awards.retain(|a| keep(&a.learner_id));
        self.rejected.retain(|id, _| keep(id));
    }

    /// Notes that a row of `learner_id`'s, at `origin`, was rejected.
    pub fn reject(&mut self, learner_id: &str, origin: Origin) {
        self.rejected.entry(learner_id.to_string()).or_default().push(origin);
    }

    /// The course records of one learner.
    pub fn records_of<'a>(&'a self, learner_id: &'a str) -> impl Iterator<Item = &'a CourseRecord> + 'a {
        self.course_records.iter().filter(move |r| r.learner_id == learner_id)
    }

    /// The awards of one learner.
    pub fn awards_of<'a>(&'a self, learner_id: &'a str) -> impl Iterator<Item = &'a Award> + 'a {
        self.awards.iter().filter(move |a| a.learner_id == learner_id)
    }
}
