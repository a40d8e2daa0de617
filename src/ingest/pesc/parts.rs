//! The parts of a transcript draft: schools, courses, sessions, awards and
//! GPA summaries, each filled from the leaf elements below it.

use super::draft::Report;
use super::source::Pos;
use super::values::{parse_date, parse_flag, parse_number};
use crate::diag::Code;
use crate::model::Date;

/// Sets `slot` to `text` unless it already has a value.
pub(super) fn first(slot: &mut Option<String>, text: &str) {
    if slot.is_none() {
        *slot = Some(text.to_string());
    }
}

/// A `School` (of an academic record or session) or a course's override school.
#[derive(Debug, Default, Clone)]
pub(super) struct SchoolDraft {
    pub name: Option<String>,
    pub override_code: Option<String>,
}

/// One `Course`.
#[derive(Debug, Clone)]
pub(super) struct CourseDraft {
    pub origin: Pos,
    pub subject: Option<String>,
    pub number: Option<String>,
    pub title: Option<String>,
    pub credit_value: Option<f64>,
    pub credit_earned: Option<f64>,
    pub grade: Option<String>,
    pub quality_points: Option<f64>,
    pub repeat_code: Option<String>,
    pub status: Option<String>,
    /// `CourseAcademicSupplementalGradeStatusCode` (e.g. "InProgress" for a full-year course).
    pub supplemental_status: Option<String>,
    pub in_progress: Option<bool>,
    pub level: Option<String>,
    pub override_school: Option<String>,
    /// Set when the course closes: the other institution it was earned at.
    pub transfer_from: Option<String>,
}

/// One `AcademicSummary` (GPA as the sender computed it).
#[derive(Debug, Clone, Default)]
pub(super) struct SummaryDraft {
    pub origin: Option<Pos>,
    pub kind: Option<String>,
    pub level: Option<String>,
    pub attempted: Option<f64>,
    pub earned: Option<f64>,
    pub for_gpa: Option<f64>,
    pub gpa: Option<f64>,
    pub quality_points: Option<f64>,
}

/// One `AcademicSession`.
#[derive(Debug, Clone)]
pub(super) struct SessionDraft {
    pub origin: Pos,
    pub designator: Option<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub school_year: Option<String>,
    pub begin: Option<Date>,
    pub end: Option<Date>,
    pub program: Option<String>,
    pub school: SchoolDraft,
    pub courses: Vec<CourseDraft>,
    pub summaries: Vec<SummaryDraft>,
}

/// One `AcademicAward`.
#[derive(Debug, Clone)]
pub(super) struct AwardDraft {
    pub origin: Pos,
    pub level: Option<String>,
    pub title: Option<String>,
    pub date: Option<Date>,
    pub completion_date: Option<Date>,
    pub completed: Option<bool>,
    pub program: Option<String>,
    /// The other institution that conferred it, when its academic record is another school's.
    pub school: Option<String>,
    pub summaries: Vec<SummaryDraft>,
}

pub(super) fn school(school: &mut SchoolDraft, field: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    match field {
        "OrganizationName" => first(&mut school.name, text),
        "SchoolOverrideCode" => first(&mut school.override_code, text),
        _ => {}
    }
}

/// Parses a date element; a bad one is a warning and no date.
pub(super) fn date(text: &str, element: &str, at: Pos, report: &mut Report) -> Option<Date> {
    let parsed = parse_date(text);
    if parsed.is_none() {
        report
            .warning(Code::BadElementValue, at, format!("{element} \"{text}\" is not a date"))
            .help("write dates as YYYY-MM-DD");
    }
    parsed
}

/// Parses a number element; a bad one is a warning and no number.
fn number(text: &str, element: &str, at: Pos, report: &mut Report) -> Option<f64> {
    let parsed = parse_number(text);
    if parsed.is_none() {
        report
            .warning(Code::BadElementValue, at, format!("{element} \"{text}\" is not a non-negative number"))
            .help("write numbers with digits and a decimal point, e.g. 3.0");
    }
    parsed
}

impl CourseDraft {
    pub(super) fn new(origin: Pos) -> Self {
        CourseDraft {
            origin,
            subject: None,
            number: None,
            title: None,
            credit_value: None,
            credit_earned: None,
            grade: None,
            quality_points: None,
            repeat_code: None,
            status: None,
            supplemental_status: None,
            in_progress: None,
            level: None,
            override_school: None,
            transfer_from: None,
        }
    }

    pub(super) fn field(&mut self, path: &[&str], text: &str, at: Pos, report: &mut Report) {
        if text.is_empty() {
            return;
        }
        match path {
            ["CourseSubjectAbbreviation"] => first(&mut self.subject, text),
            ["CourseNumber"] => first(&mut self.number, text),
            ["CourseTitle"] => first(&mut self.title, text),
            ["CourseCreditValue"] => {
                self.credit_value = number(text, "CourseCreditValue", at, report);
            }
            ["CourseCreditEarned"] => {
                self.credit_earned = number(text, "CourseCreditEarned", at, report);
            }
            ["CourseQualityPointsEarned"] => {
                self.quality_points = number(text, "CourseQualityPointsEarned", at, report);
            }
            ["CourseAcademicGrade"] => first(&mut self.grade, text),
            ["CourseRepeatCode"] => first(&mut self.repeat_code, text),
            ["CourseAcademicGradeStatusCode"] => first(&mut self.status, text),
            ["CourseInProgressIndicator"] => self.in_progress = parse_flag(text),
            ["CourseCreditLevel"] => first(&mut self.level, text),
            ["CourseLevel"] if self.level.is_none() => self.level = Some(text.into()),
            ["CourseOverrideSchool", "OrganizationName"] => first(&mut self.override_school, text),
            [
                "CourseSupplementalAcademicGrade",
                "CourseSupplementalGrade",
                "CourseAcademicSupplementalGradeStatusCode",
            ] => first(&mut self.supplemental_status, text),
            _ => {}
        }
    }
}

impl SessionDraft {
    pub(super) fn new(origin: Pos) -> Self {
        SessionDraft {
            origin,
            designator: None,
            name: None,
            kind: None,
            school_year: None,
            begin: None,
            end: None,
            program: None,
            school: SchoolDraft::default(),
            courses: Vec::new(),
            summaries: Vec::new(),
        }
    }

    pub(super) fn field(&mut self, path: &[&str], text: &str, at: Pos, report: &mut Report) {
        if text.is_empty() {
            return;
        }
        match path {
            ["AcademicSessionDetail", "SessionDesignator"] => first(&mut self.designator, text),
            ["AcademicSessionDetail", "SessionName"] => first(&mut self.name, text),
            ["AcademicSessionDetail", "SessionType"] => first(&mut self.kind, text),
            ["AcademicSessionDetail", "SessionSchoolYear"] => first(&mut self.school_year, text),
            ["AcademicSessionDetail", "SessionBeginDate"] => {
                self.begin = date(text, "SessionBeginDate", at, report);
            }
            ["AcademicSessionDetail", "SessionEndDate"] => {
                self.end = date(text, "SessionEndDate", at, report);
            }
            ["AcademicProgram", "AcademicProgramName"] => first(&mut self.program, text),
            ["School", field] => school(&mut self.school, field, text),
            _ => {}
        }
    }
}

impl AwardDraft {
    pub(super) fn new(origin: Pos, school: Option<String>) -> Self {
        AwardDraft {
            origin,
            level: None,
            title: None,
            date: None,
            completion_date: None,
            completed: None,
            program: None,
            school,
            summaries: Vec::new(),
        }
    }

    pub(super) fn field(&mut self, path: &[&str], text: &str, at: Pos, report: &mut Report) {
        if text.is_empty() {
            return;
        }
        match path {
            ["AcademicAwardLevel"] => first(&mut self.level, text),
            ["AcademicAwardTitle"] => first(&mut self.title, text),
            ["AcademicAwardDate"] => self.date = date(text, "AcademicAwardDate", at, report),
            ["AcademicCompletionDate"] => {
                self.completion_date = date(text, "AcademicCompletionDate", at, report);
            }
            ["AcademicCompletionIndicator"] => self.completed = parse_flag(text),
            ["AcademicAwardProgram", "AcademicProgramName"] => first(&mut self.program, text),
            _ => {}
        }
    }
}

impl SummaryDraft {
    pub(super) fn field(&mut self, path: &[&str], text: &str, at: Pos, report: &mut Report) {
        if text.is_empty() {
            return;
        }
        match path {
            ["AcademicSummaryType"] => first(&mut self.kind, text),
            ["AcademicSummaryLevel"] => first(&mut self.level, text),
            ["GPA", field] => {
                let slot = match *field {
                    "CreditHoursAttempted" => &mut self.attempted,
                    "CreditHoursEarned" => &mut self.earned,
                    "CreditHoursforGPA" | "CreditHoursForGPA" => &mut self.for_gpa,
                    "GradePointAverage" => &mut self.gpa,
                    "TotalQualityPoints" => &mut self.quality_points,
                    _ => return,
                };
                *slot = number(text, field, at, report);
            }
            _ => {}
        }
    }

    /// Whether it says anything about grades (not just notes).
    pub fn has_figures(&self) -> bool {
        self.attempted.is_some()
            || self.earned.is_some()
            || self.for_gpa.is_some()
            || self.gpa.is_some()
            || self.quality_points.is_some()
    }
}
