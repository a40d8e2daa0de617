//! The XSD's limits that the records can exceed, checked before a build (`check` reports them first), and the
//! institution identifiers PESC has elements for.

use std::path::Path;

use super::codes::is_academic_award;
use crate::config::Config;
use crate::diag::{Code, Diagnostics, Origin};
use crate::model::Records;

/// An organization identifier element of CoreMain 1.19's `OrganizationIDMultiChoiceGroup`, with its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrganizationId {
    /// The element, e.g. `FICE`.
    pub element: &'static str,
    /// Other names the identifier goes by in institution.toml (`CEEB` is the College Board's ATP code).
    pub aliases: &'static [&'static str],
    /// Its least length.
    pub min: usize,
    /// Its greatest length.
    pub max: usize,
}

impl OrganizationId {
    /// Whether `value` has a length the element allows.
    pub fn fits(&self, value: &str) -> bool {
        (self.min..=self.max).contains(&value.chars().count())
    }

    /// Its allowed length, for messages ("6", "3 to 8").
    pub fn length(&self) -> String {
        if self.min == self.max { self.min.to_string() } else { format!("{} to {}", self.min, self.max) }
    }
}

/// The identifier elements xtranscript writes, in the XSD's sequence order.
pub const ORGANIZATION_IDS: &[OrganizationId] = &[
    OrganizationId { element: "OPEID", aliases: &[], min: 3, max: 8 },
    OrganizationId { element: "NCHELPID", aliases: &[], min: 3, max: 8 },
    OrganizationId { element: "IPEDS", aliases: &[], min: 6, max: 6 },
    OrganizationId { element: "ATP", aliases: &["CEEB"], min: 6, max: 6 },
    OrganizationId { element: "FICE", aliases: &[], min: 6, max: 6 },
    OrganizationId { element: "ACT", aliases: &[], min: 4, max: 4 },
    OrganizationId { element: "CEEBACT", aliases: &[], min: 6, max: 6 },
    OrganizationId { element: "CSIS", aliases: &[], min: 6, max: 6 },
    OrganizationId { element: "USIS", aliases: &[], min: 6, max: 6 },
    OrganizationId { element: "ESIS", aliases: &[], min: 8, max: 8 },
    OrganizationId { element: "PSIS", aliases: &[], min: 8, max: 8 },
    OrganizationId { element: "DUNS", aliases: &[], min: 9, max: 9 },
    OrganizationId { element: "MutuallyDefined", aliases: &[], min: 1, max: 60 },
];

/// The identifier element for an identifier kind as written in institution.toml (any case).
pub(super) fn organization_id(kind: &str) -> Option<&'static OrganizationId> {
    let kind = kind.trim();
    ORGANIZATION_IDS
        .iter()
        .find(|id| id.element.eq_ignore_ascii_case(kind) || id.aliases.iter().any(|a| a.eq_ignore_ascii_case(kind)))
}

/// XSD lengths (AcademicRecord 1.13 / CoreMain 1.19) of the values that come from the records.
pub(super) mod max {
    /// `OrganizationName` (Source, Destination, CourseOverrideSchool).
    pub const ORGANIZATION_NAME: usize = 60;
    /// `FirstName`, `MiddleName`, `LastName`.
    pub const NAME_PART: usize = 35;
    /// `CompositeName`.
    pub const COMPOSITE_NAME: usize = 45;
    /// `SessionName`.
    pub const SESSION_NAME: usize = 30;
    /// `CourseSubjectAbbreviation`.
    pub const SUBJECT: usize = 10;
    /// `CourseNumber`.
    pub const COURSE_NUMBER: usize = 15;
    /// `CourseTitle`.
    pub const COURSE_TITLE: usize = 120;
    /// `CourseAcademicGrade`.
    pub const GRADE: usize = 10;
    /// `AcademicAwardTitle`.
    pub const AWARD_TITLE: usize = 400;
    /// `AcademicProgramName`.
    pub const PROGRAM_NAME: usize = 120;
    /// `RAPName` (additional student achievements).
    pub const RAP_NAME: usize = 60;
    /// `NoteMessage`.
    pub const NOTE: usize = 80;
    /// `SchoolAssignedPersonID`.
    pub const PERSON_ID: usize = 20;
}

/// Warns (XT0701) about institution.toml values transcript.xml cannot carry: a name over 60 characters, and
/// identifiers of a kind PESC has an element for whose length that element does not allow (left out).
/// `file` is institution.toml; `text` its text, to point at the value.
pub fn check_institution(config: &Config, file: &Path, text: &str, diags: &mut Diagnostics) {
    let at = |needle: &str| crate::config::locate(text, file, needle);
    let name = &config.institution.name;
    let length = name.chars().count();
    if length > max::ORGANIZATION_NAME {
        diags
            .warning(
                Code::PescTooLong,
                at(name),
                format!(
                    "institution.name has {length} characters; PESC OrganizationName allows {}: cut in transcript.xml",
                    max::ORGANIZATION_NAME
                ),
            )
            .help("a shorter official name for records exchange cannot be configured yet; receivers see the cut name");
    }
    for identifier in &config.institution.identifiers {
        if let Some(id) = organization_id(&identifier.kind)
            && !id.fits(&identifier.value)
        {
            diags
                .warning(
                    Code::PescTooLong,
                    at(&identifier.value),
                    format!(
                        "identifier {} {:?} is not {} characters, as PESC's {} element requires: left out of transcript.xml",
                        identifier.kind,
                        identifier.value,
                        id.length(),
                        id.element
                    ),
                )
                .help(format!("write the {} as PESC expects it ({} characters)", id.element, id.length()));
        }
    }
}

/// Warns (XT0701) about every record value longer than its transcript.xml element allows: those values are cut
/// in transcript.xml (a learner id is not: that learner's transcript.xml is not written).
pub fn check(records: &Records, config: &Config, diags: &mut Diagnostics) {
    let mut warn = |origin: &Origin, element: &str, of: &str, value: &str, limit: usize| {
        let length = value.chars().count();
        if length > limit {
            let outcome = if element == "SchoolAssignedPersonID" {
                "the learner's transcript.xml cannot be written"
            } else {
                "cut in transcript.xml"
            };
            diags
                .warning(
                    Code::PescTooLong,
                    origin.clone(),
                    format!("{of} has {length} characters; PESC {element} allows {limit}: {outcome}"),
                )
                .help(format!("shorten it to {limit} characters if receivers must see it whole"));
        }
    };
    for l in records.learners.values() {
        let o = &l.origin;
        warn(o, "SchoolAssignedPersonID", &format!("learner id {:?}", l.id), &l.id, max::PERSON_ID);
        warn(o, "FirstName", &format!("the given name of learner {}", l.id), &l.given_name, max::NAME_PART);
        warn(o, "LastName", &format!("the family name of learner {}", l.id), &l.family_name, max::NAME_PART);
        if let Some(middle) = &l.middle_name {
            warn(o, "MiddleName", &format!("the middle name of learner {}", l.id), middle, max::NAME_PART);
        }
        if let Some(display) = &l.display_name {
            warn(o, "CompositeName", &format!("the display name of learner {}", l.id), display, max::COMPOSITE_NAME);
        }
        if let Some(program) = &l.program {
            warn(o, "AcademicProgramName", &format!("the program of learner {}", l.id), program, max::PROGRAM_NAME);
        }
    }
    for t in records.terms.values() {
        warn(&t.origin, "SessionName", &format!("the name of term {}", t.id), &t.name, max::SESSION_NAME);
    }
    for c in records.courses.values() {
        let of = |what: &str| format!("the {what} of course {}", c.id);
        warn(&c.origin, "CourseSubjectAbbreviation", &of("subject"), &c.subject, max::SUBJECT);
        warn(&c.origin, "CourseNumber", &of("number"), &c.number, max::COURSE_NUMBER);
        warn(&c.origin, "CourseTitle", &of("title"), &c.title, max::COURSE_TITLE);
    }
    for r in &records.course_records {
        let of = |what: &str| format!("the {what} of course record {}", r.id);
        if let Some(title) = &r.title {
            warn(&r.origin, "CourseTitle", &of("title"), title, max::COURSE_TITLE);
        }
        if let Some(grade) = &r.grade {
            warn(&r.origin, "CourseAcademicGrade", &of("grade"), grade, max::GRADE);
        }
        if let Some(school) = &r.transfer_institution {
            warn(&r.origin, "OrganizationName", &of("transfer institution"), school, max::ORGANIZATION_NAME);
        }
        if !records.courses.contains_key(&r.course_id) {
            warn(&r.origin, "CourseNumber", &of("course id"), &r.course_id, max::COURSE_NUMBER);
        }
    }
    for a in records.achievements.values() {
        if is_academic_award(&a.kind) {
            warn(&a.origin, "AcademicAwardTitle", &format!("the name of {}", a.id), &a.name, max::AWARD_TITLE);
            if let Some(field) = &a.field_of_study {
                let of = format!("the field of study of {}", a.id);
                warn(&a.origin, "AcademicProgramName", &of, field, max::PROGRAM_NAME);
            }
        } else {
            warn(&a.origin, "RAPName", &format!("the name of {}", a.id), &a.name, max::RAP_NAME);
        }
    }
    for g in &config.grading.grades {
        if g.grade.chars().count() > max::GRADE {
            diags.warning(
                Code::PescTooLong,
                None,
                format!("grade {:?} is longer than PESC CourseAcademicGrade's {} characters", g.grade, max::GRADE),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_by_kind_and_length() {
        assert_eq!(organization_id("ceeb").map(|i| i.element), Some("ATP"));
        assert_eq!(organization_id("OPEID").map(|i| i.element), Some("OPEID"));
        assert!(organization_id("SSN").is_none());
        let fice = organization_id("FICE").unwrap();
        assert!(fice.fits("001234") && !fice.fits("1234"));
        assert_eq!(organization_id("OPEID").unwrap().length(), "3 to 8");
    }
}
