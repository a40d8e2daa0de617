//! The transcript as read ([`PescTranscript`]) and how a finished draft becomes one.

use serde::Serialize;

use super::build::Parts;
use super::draft::{Draft, PersonDraft, Report};
use super::source::Pos;
use super::values::safe_id;
use crate::diag::{Code, Origin};
use crate::model::{Achievement, Award, Course, CourseRecord, Date, Key, Learner, Term};

/// The institution that sent a transcript (`TransmissionData/Source/Organization`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PescOrganization {
    /// `OrganizationName`; when missing, the first identifier as "KIND value".
    pub name: String,
    /// Identifiers (kind, value), e.g. ("FICE", "001506"), ("LocalOrganizationID", "123456").
    pub identifiers: Vec<(String, String)>,
}

/// A GPA summary as the sender computed it (`AcademicSummary/GPA`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PescSummary {
    /// `AcademicSummaryType`, e.g. "Cumulative", "All", "UserDefined".
    pub kind: Option<String>,
    /// `AcademicSummaryLevel`, e.g. "Undergraduate".
    pub level: Option<String>,
    /// The term it summarises, for a summary inside an `AcademicSession`.
    pub term_id: Option<Key>,
    /// The achievement it belongs to, for a summary inside an `AcademicAward`.
    pub achievement_id: Option<Key>,
    /// `CreditHoursAttempted`.
    pub credit_hours_attempted: Option<f64>,
    /// `CreditHoursEarned`.
    pub credit_hours_earned: Option<f64>,
    /// `CreditHoursforGPA`.
    pub credit_hours_for_gpa: Option<f64>,
    /// `GradePointAverage`.
    pub gpa: Option<f64>,
    /// `TotalQualityPoints`.
    pub total_quality_points: Option<f64>,
    /// Where the summary was read.
    pub origin: Origin,
}

/// One CollegeTranscript, read into the model's types.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PescTranscript {
    /// `TransmissionData/DocumentID`.
    pub document_id: Option<String>,
    /// The sending institution.
    pub source: Option<PescOrganization>,
    /// The student (never with an SSN or SIN).
    pub learner: Learner,
    /// One term per distinct academic session (plus `NO-SESSION` for courses outside any).
    pub terms: Vec<Term>,
    /// The course records, in document order.
    pub courses: Vec<CourseRecord>,
    /// Catalog entries for the courses taken (first occurrence of each id).
    pub catalog: Vec<Course>,
    /// Achievements for the awards.
    pub achievements: Vec<Achievement>,
    /// Degrees, diplomas and certificates awarded.
    pub awards: Vec<Award>,
    /// GPA summaries as the sender computed them.
    pub summaries: Vec<PescSummary>,
    /// The CollegeTranscript element.
    pub origin: Origin,
}

/// The term of courses given directly under `AcademicRecord`, outside any session.
pub const NO_SESSION_TERM: &str = "NO-SESSION";

/// The date used when a session or award has no date at all and the transcript
/// has no `CreatedDateTime`.
const LAST_RESORT_DATE: Date = Date { year: 1970, month: 1, day: 1 };

/// A course record id: `learner/term/course`, with `#n` for the n-th (n ≥ 2)
/// record of the same course in the same term.
pub(super) fn record_id(learner: &str, term: &str, course: &str, n: usize) -> String {
    if n <= 1 { format!("{learner}/{term}/{course}") } else { format!("{learner}/{term}/{course}#{n}") }
}

/// An award id: `learner/achievement/date`.
pub(super) fn award_id(learner: &str, achievement: &str, date: Date) -> String {
    format!("{learner}/{achievement}/{date}")
}

impl Draft {
    /// The transcript, or none (with a `MissingElement` error) when it names no learner.
    pub fn finish(self, report: &mut Report) -> Option<PescTranscript> {
        let at = self.person.origin.unwrap_or(self.origin);
        let learner_id = learner_id(&self, at, report)?;
        let fallback = self.created.unwrap_or(LAST_RESORT_DATE);
        let mut parts = Parts::new(report, learner_id, fallback);
        let mut latest_program: Option<(Date, String)> = None;
        for (index, session) in self.sessions.iter().enumerate() {
            let term = parts.session(session, index + 1);
            if let Some(program) = &session.program
                && latest_program.as_ref().is_none_or(|(d, _)| term.start >= *d)
            {
                latest_program = Some((term.start, program.clone()));
            }
        }
        parts.loose_courses(&self.loose_courses);
        for award in &self.awards {
            parts.award(award);
        }
        for summary in &self.summaries {
            parts.summary(summary, None, None);
        }
        let program = latest_program
            .map(|(_, p)| p)
            .or_else(|| self.awards.iter().find_map(|a| a.program.clone()))
            .or_else(|| self.programs.first().cloned());
        let origin = parts.report.origin(self.origin);
        let learner = learner(&self.person, parts.learner_id.clone(), program, parts.report.origin(at));
        Some(PescTranscript {
            document_id: self.document_id,
            source: organization(self.source.name, self.source.identifiers),
            learner,
            terms: parts.terms,
            courses: parts.courses,
            catalog: parts.catalog,
            achievements: parts.achievements.into_values().collect(),
            awards: parts.awards,
            summaries: parts.summaries,
            origin,
        })
    }
}

fn organization(name: Option<String>, identifiers: Vec<(String, String)>) -> Option<PescOrganization> {
    let name = name.or_else(|| identifiers.first().map(|(k, v)| format!("{k} {v}")))?;
    Some(PescOrganization { name, identifiers })
}

/// (given, middle, family) from `Name`, or from `CompositeName` when that is all there is.
fn names(person: &PersonDraft) -> (String, Option<String>, String) {
    let given = person.first.clone().unwrap_or_default();
    let family = person.last.clone().unwrap_or_default();
    let middle = (!person.middles.is_empty()).then(|| person.middles.join(" "));
    if !given.is_empty() || !family.is_empty() {
        return (given, middle, family);
    }
    let Some(composite) = &person.composite else {
        return (given, middle, family);
    };
    if let Some((family, given)) = composite.split_once(',') {
        return (given.trim().to_string(), middle, family.trim().to_string());
    }
    let words: Vec<&str> = composite.split_whitespace().collect();
    match words.as_slice() {
        [] => (String::new(), middle, String::new()),
        [only] => (String::new(), middle, (*only).to_string()),
        [first, between @ .., last] => {
            let middle = (!between.is_empty()).then(|| between.join(" ")).or(middle);
            ((*first).to_string(), middle, (*last).to_string())
        }
    }
}

/// RecipientAssignedID (the receiving institution's own id for the person), else
/// SchoolAssignedPersonID, else an AgencyAssignedID, else the DocumentID, else one made from the name.
fn learner_id(draft: &Draft, at: Pos, report: &mut Report) -> Option<String> {
    let person = &draft.person;
    let (given, _, family) = names(person);
    let has_name = !given.is_empty() || !family.is_empty();
    let id = person
        .recipient_id
        .clone()
        .or_else(|| person.school_id.clone())
        .or_else(|| person.agency_ids.first().map(|(_, id)| id.clone()))
        .or_else(|| draft.document_id.clone());
    match (id, has_name) {
        (Some(id), true) => Some(id),
        (Some(id), false) => {
            report
                .warning(Code::MissingElement, at, format!("learner \"{id}\" has no name"))
                .help("add Student/Person/Name with FirstName and LastName");
            Some(id)
        }
        (None, true) => {
            let id = format!("PESC-{}", safe_id(&format!("{given} {family}")));
            report
                .warning(
                    Code::MissingElement,
                    at,
                    format!("no SchoolAssignedPersonID, AgencyAssignedID or DocumentID: learner id \"{id}\" made from the name"),
                )
                .help("add Student/Person/SchoolAssignedPersonID");
            Some(id)
        }
        (None, false) => {
            report
                .error(Code::MissingElement, at, "transcript has no learner id and no learner name: skipped".into())
                .help("add Student/Person/SchoolAssignedPersonID and Student/Person/Name");
            None
        }
    }
}

/// The agency ids, and the sending school's own id when the learner is known by the recipient's.
fn school_identifiers(person: &PersonDraft) -> Vec<(String, String)> {
    let mut ids = person.agency_ids.clone();
    if let (Some(_), Some(school)) = (&person.recipient_id, &person.school_id) {
        ids.insert(0, ("SchoolAssignedPersonID".to_string(), school.clone()));
    }
    ids
}

fn learner(person: &PersonDraft, id: String, program: Option<String>, origin: Origin) -> Learner {
    let (given_name, middle_name, family_name) = names(person);
    Learner {
        id,
        given_name,
        family_name,
        middle_name,
        display_name: None,
        birth_date: person.birth,
        email: person.email.clone(),
        program,
        identifiers: school_identifiers(person),
        origin,
    }
}
