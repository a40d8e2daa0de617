//! One CollegeTranscript as it is being read: the reader hands over each
//! element's path (local names below the `CollegeTranscript` element) when it
//! opens and, with its text, when it closes; the draft keeps what it needs.
//! [`super::transcript`] turns a finished draft into a `PescTranscript`.

use std::path::Path;

use super::parts::{AwardDraft, CourseDraft, SchoolDraft, SessionDraft, SummaryDraft, date, first, school};
use super::source::Pos;
use super::values::same_name;
use crate::diag::{Code, Diagnostic, Diagnostics, Origin};
use crate::model::Date;

/// Where diagnostics go, and the file they point into.
pub(super) struct Report<'a> {
    /// The file being read.
    pub file: &'a Path,
    /// The diagnostics.
    pub diags: &'a mut Diagnostics,
}

impl Report<'_> {
    /// `at` in the file.
    pub fn origin(&self, at: Pos) -> Origin {
        Origin::at(self.file, at.line, at.column)
    }

    /// Adds a warning at `at`.
    pub fn warning(&mut self, code: Code, at: Pos, message: String) -> &mut Diagnostic {
        let origin = self.origin(at);
        self.diags.warning(code, origin, message)
    }

    /// Adds an error at `at`.
    pub fn error(&mut self, code: Code, at: Pos, message: String) -> &mut Diagnostic {
        let origin = self.origin(at);
        self.diags.error(code, origin, message)
    }
}

/// Organisation identifier elements kept from `Source/Organization`.
const ORG_IDENTIFIERS: &[&str] = &[
    "ACT",
    "ATP",
    "CEEBACT",
    "CSIS",
    "DUNS",
    "ESIS",
    "FICE",
    "IPEDS",
    "MutuallyDefined",
    "NCHELPID",
    "OPEID",
    "PSID",
    "PSIS",
    "USIS",
];

/// The sending institution.
#[derive(Debug, Default)]
pub(super) struct OrgDraft {
    pub name: Option<String>,
    pub identifiers: Vec<(String, String)>,
}

/// An `AgencyIdentifier` being read.
#[derive(Debug, Default)]
struct AgencyDraft {
    id: Option<String>,
    code: Option<String>,
    name: Option<String>,
    state: Option<String>,
}

/// `Student/Person`. SSN, PartialSSN and SIN are never read into it.
#[derive(Debug, Default)]
pub(super) struct PersonDraft {
    pub origin: Option<Pos>,
    pub school_id: Option<String>,
    /// The receiving institution's id for the person (RecipientAssignedID).
    pub recipient_id: Option<String>,
    pub agency_ids: Vec<(String, String)>,
    agency: AgencyDraft,
    pub first: Option<String>,
    pub middles: Vec<String>,
    pub last: Option<String>,
    pub composite: Option<String>,
    pub birth: Option<Date>,
    pub email: Option<String>,
}

/// Everything read so far of one CollegeTranscript.
#[derive(Debug)]
pub(super) struct Draft {
    pub origin: Pos,
    pub document_id: Option<String>,
    pub created: Option<Date>,
    pub source: OrgDraft,
    pub person: PersonDraft,
    record_school: SchoolDraft,
    session: Option<SessionDraft>,
    course: Option<CourseDraft>,
    award: Option<AwardDraft>,
    summary: Option<SummaryDraft>,
    pub sessions: Vec<SessionDraft>,
    pub loose_courses: Vec<CourseDraft>,
    pub awards: Vec<AwardDraft>,
    pub summaries: Vec<SummaryDraft>,
    pub programs: Vec<String>,
}

impl Draft {
    /// A draft for a CollegeTranscript element at `origin`.
    pub fn new(origin: Pos) -> Self {
        Draft {
            origin,
            document_id: None,
            created: None,
            source: OrgDraft::default(),
            person: PersonDraft::default(),
            record_school: SchoolDraft::default(),
            session: None,
            course: None,
            award: None,
            summary: None,
            sessions: Vec::new(),
            loose_courses: Vec::new(),
            awards: Vec::new(),
            summaries: Vec::new(),
            programs: Vec::new(),
        }
    }

    /// An element at `path` opened at `at`.
    pub fn open(&mut self, path: &[&str], at: Pos) {
        match path {
            ["Student", "Person"] => self.person.origin = Some(at),
            ["Student", "Person", "AgencyIdentifier"] => self.person.agency = AgencyDraft::default(),
            ["Student", "AcademicRecord"] => self.record_school = SchoolDraft::default(),
            ["Student", "AcademicRecord", "AcademicSession"] => {
                self.session = Some(SessionDraft::new(at));
            }
            ["Student", "AcademicRecord", "Course"] | ["Student", "AcademicRecord", "AcademicSession", "Course"] => {
                self.course = Some(CourseDraft::new(at));
            }
            ["Student", "AcademicRecord", "AcademicAward"] => {
                let school = self.foreign(&self.record_school);
                self.award = Some(AwardDraft::new(at, school));
            }
            ["Student", "AcademicRecord", .., "AcademicSummary"] => {
                self.summary = Some(SummaryDraft { origin: Some(at), ..SummaryDraft::default() });
            }
            _ => {}
        }
    }

    /// The element at `path`, opened at `at`, closed; `text` is its own text, trimmed.
    pub fn close(&mut self, path: &[&str], text: &str, at: Pos, report: &mut Report) {
        match path {
            ["TransmissionData", rest @ ..] => self.transmission(rest, text, at, report),
            ["Student", "Person", rest @ ..] => self.person(rest, text, at, report),
            ["Student", "AcademicRecord", rest @ ..] => self.record(rest, text, at, report),
            _ => {}
        }
    }

    fn transmission(&mut self, path: &[&str], text: &str, at: Pos, report: &mut Report) {
        if text.is_empty() {
            return;
        }
        let org = &mut self.source;
        match path {
            ["DocumentID"] => first(&mut self.document_id, text),
            ["CreatedDateTime"] => self.created = date(text, "CreatedDateTime", at, report),
            ["Source", "Organization", "OrganizationName"] => first(&mut org.name, text),
            ["Source", "Organization", "LocalOrganizationID", "LocalOrganizationIDCode"] => {
                org.identifiers.push(("LocalOrganizationID".into(), text.into()))
            }
            ["Source", "Organization", id] if ORG_IDENTIFIERS.contains(id) => {
                org.identifiers.push(((*id).into(), text.into()));
            }
            _ => {}
        }
    }

    fn person(&mut self, path: &[&str], text: &str, at: Pos, report: &mut Report) {
        let person = &mut self.person;
        if let ["AgencyIdentifier"] = path {
            let agency = std::mem::take(&mut person.agency);
            if let Some(id) = agency.id {
                let kind = match (agency.name, agency.code, agency.state) {
                    (Some(name), _, _) => name,
                    (None, Some(code), Some(state)) => format!("{code}:{state}"),
                    (None, Some(code), None) => code,
                    (None, None, _) => "AgencyAssignedID".into(),
                };
                person.agency_ids.push((kind, id));
            }
            return;
        }
        if text.is_empty() {
            return;
        }
        match path {
            // Never kept anywhere: SSN, PartialSSN, SIN.
            ["SSN"] | ["PartialSSN"] | ["SIN"] => {}
            ["SchoolAssignedPersonID"] => first(&mut person.school_id, text),
            ["RecipientAssignedID"] => first(&mut person.recipient_id, text),
            ["AgencyAssignedID"] => person.agency_ids.push(("AgencyAssignedID".into(), text.into())),
            ["AgencyIdentifier", "AgencyAssignedID"] => first(&mut person.agency.id, text),
            ["AgencyIdentifier", "AgencyCode"] => first(&mut person.agency.code, text),
            ["AgencyIdentifier", "AgencyName"] => first(&mut person.agency.name, text),
            ["AgencyIdentifier", "StateProvinceCode"] => first(&mut person.agency.state, text),
            ["Name", "FirstName"] => first(&mut person.first, text),
            ["Name", "MiddleName"] => person.middles.push(text.into()),
            ["Name", "LastName"] => first(&mut person.last, text),
            ["Name", "CompositeName"] => first(&mut person.composite, text),
            ["Birth", "BirthDate" | "Birthdate"] if person.birth.is_none() => {
                person.birth = date(text, "BirthDate", at, report);
            }
            ["Contacts", "Email", "EmailAddress"] => first(&mut person.email, text),
            _ => {}
        }
    }

    fn record(&mut self, path: &[&str], text: &str, at: Pos, report: &mut Report) {
        match path {
            [] => self.record_school = SchoolDraft::default(),
            ["School", field] => school(&mut self.record_school, field, text),
            ["Course"] => {
                if let Some(course) = self.finish_course(None) {
                    self.loose_courses.push(course);
                }
            }
            ["AcademicSession", "Course"] => {
                let session_school = self.session.as_ref().map(|s| s.school.clone());
                if let Some(course) = self.finish_course(session_school)
                    && let Some(session) = &mut self.session
                {
                    session.courses.push(course);
                }
            }
            ["Course", rest @ ..] | ["AcademicSession", "Course", rest @ ..] => {
                if let Some(course) = &mut self.course {
                    course.field(rest, text, at, report);
                }
            }
            ["AcademicSession"] => self.sessions.extend(self.session.take()),
            ["AcademicSession", "AcademicSummary"] => {
                if let (Some(summary), Some(session)) = (self.summary.take(), &mut self.session) {
                    session.summaries.push(summary);
                }
            }
            ["AcademicAward", "AcademicSummary"] => {
                if let (Some(summary), Some(award)) = (self.summary.take(), &mut self.award) {
                    award.summaries.push(summary);
                }
            }
            ["AcademicSummary"] => self.summaries.extend(self.summary.take()),
            ["AcademicProgram", "AcademicProgramName"]
            | ["AcademicSummary", "AcademicProgram", "AcademicProgramName"]
                if !text.is_empty() =>
            {
                self.programs.push(text.into());
            }
            ["AcademicSummary", rest @ ..]
            | ["AcademicSession", "AcademicSummary", rest @ ..]
            | ["AcademicAward", "AcademicSummary", rest @ ..] => {
                if let Some(summary) = &mut self.summary {
                    summary.field(rest, text, at, report);
                }
            }
            ["AcademicSession", rest @ ..] => {
                if let Some(session) = &mut self.session {
                    session.field(rest, text, at, report);
                }
            }
            ["AcademicAward"] => self.awards.extend(self.award.take()),
            ["AcademicAward", rest @ ..] => {
                if let Some(award) = &mut self.award {
                    award.field(rest, text, at, report);
                }
            }
            _ => {}
        }
    }

    /// Takes the course being read, noting the other institution it is from.
    fn finish_course(&mut self, session_school: Option<SchoolDraft>) -> Option<CourseDraft> {
        let mut course = self.course.take()?;
        let from_session = session_school.and_then(|s| self.foreign(&s));
        course.transfer_from =
            course.override_school.clone().or(from_session).or_else(|| self.foreign(&self.record_school));
        Some(course)
    }

    /// The school's name if it is another institution than the sender: marked
    /// `Transfer`, or (with no override code) named differently from the source.
    fn foreign(&self, school: &SchoolDraft) -> Option<String> {
        let name = school.name.clone()?;
        let is_transfer = match school.override_code.as_deref() {
            Some(code) => code.eq_ignore_ascii_case("Transfer"),
            None => self.source.name.as_deref().is_none_or(|source| !same_name(source, &name)),
        };
        is_transfer.then_some(name)
    }
}
