//! The College Transcript document: transmission data, the person, and the academic record (awards,
//! cumulative summaries, sessions with their courses and term summaries).

use std::collections::{BTreeMap, BTreeSet};

use super::codes::{self, Attempt};
use super::extended;
use super::limits::{self, max};
use super::xml::Xml;
use super::{ACADEMIC_RECORD_NS, COLLEGE_TRANSCRIPT_NS, CORE_MAIN_NS, Request};
use crate::assemble::gpa::{Milli, Scopes, Totals};
use crate::assemble::{Assembled, Assembler, Standing};
use crate::config::{Config, Institution};
use crate::graph::passes;
use crate::model::{CourseRecord, Term};

/// Everything one document is written from.
pub(super) struct Source<'s, 'a> {
    pub assembler: &'s Assembler<'a>,
    pub assembled: &'s Assembled<'a>,
    pub request: &'s Request<'s>,
    /// How each of `assembled.records` counts (same order).
    pub attempts: Vec<Attempt>,
}

impl Source<'_, '_> {
    fn config(&self) -> &Config {
        self.assembler.config
    }
}

/// Writes the whole document; `None` if the writer failed.
pub(super) fn write(
    assembler: &Assembler<'_>,
    assembled: &Assembled<'_>,
    request: &Request<'_>,
    buffer: Vec<u8>,
) -> Option<(Vec<u8>, Vec<super::Notice>)> {
    let attempts = attempts(assembler, assembled);
    let s = Source { assembler, assembled, request, attempts };
    let mut xml = Xml::new(buffer);
    xml.open_with(
        "ColTrn:CollegeTranscript",
        &[("xmlns:ColTrn", COLLEGE_TRANSCRIPT_NS), ("xmlns:AcRec", ACADEMIC_RECORD_NS), ("xmlns:core", CORE_MAIN_NS)],
    );
    transmission_data(&s, &mut xml);
    xml.open("Student");
    person(&s, &mut xml);
    academic_record(&s, &mut xml);
    xml.close("Student");
    extended::pointer_notes(&s, &mut xml);
    extended::user_defined_extensions(&s, &mut xml);
    xml.close("ColTrn:CollegeTranscript");
    xml.finish()
}

/// How each record counts: its standing, and which attempts of a repeated course replaced others.
fn attempts(assembler: &Assembler<'_>, assembled: &Assembled<'_>) -> Vec<Attempt> {
    let scale = &assembler.config.grading;
    let courses = &assembler.records.courses;
    let mut list: Vec<Attempt> = assembled
        .records
        .iter()
        .zip(&assembled.standings.records)
        .map(|(r, rs)| Attempt {
            in_progress: rs.standing == Standing::InProgress,
            transfer: r.transfer,
            // Transfer credit's standing does not say whether it passed.
            passed: match rs.standing {
                Standing::Passed => true,
                Standing::Transfer => passes(r, courses.get(&r.course_id), Some(scale)),
                Standing::Failed | Standing::NoCredit | Standing::InProgress => false,
            },
            replaced: rs.replaced,
            replaces: false,
            repeat: r.repeat,
        })
        .collect();
    let replaced: BTreeSet<&str> =
        assembled.records.iter().zip(&list).filter(|(_, a)| a.replaced).map(|(r, _)| r.course_id.as_str()).collect();
    for (r, a) in assembled.records.iter().zip(list.iter_mut()) {
        let graded = r.grade.as_deref().and_then(|g| scale.grade(g)).is_some_and(|g| g.counts_in_gpa() || g.pass_fail);
        a.replaces = graded && !a.replaced && !a.transfer && !a.in_progress && replaced.contains(r.course_id.as_str());
    }
    list
}

/// `TransmissionData` (AcademicRecord 1.13 `TransmissionDataType`).
fn transmission_data(s: &Source<'_, '_>, xml: &mut Xml) {
    let config = s.config();
    let issued_at = s.assembler.issued_at.to_string();
    xml.open("TransmissionData");
    let destination = s.request.destination;
    xml.text("DocumentID", &super::document_id(&s.assembled.clr.id, &issued_at, destination));
    xml.text("CreatedDateTime", &issued_at);
    // DocumentTypeCode has no "Transcript": a record sent on the learner's own request, or to an organization
    // that requested it.
    xml.text("DocumentTypeCode", if destination.is_some() { "RequestedRecord" } else { "StudentRequest" });
    xml.text("TransmissionType", "Original");
    xml.open("Source");
    let ids: Vec<(String, String)> =
        config.institution.identifiers.iter().map(|i| (i.kind.clone(), i.value.clone())).collect();
    xml.of = "the institution".into();
    organization(xml, &ids, &config.institution.name, Some(&config.institution));
    xml.close("Source");
    xml.open("Destination");
    match destination {
        Some(d) => {
            xml.of = "the destination".into();
            organization(xml, &d.identifiers, &d.name, None);
        }
        None => {
            xml.of = format!("learner {}", s.assembled.learner.id);
            organization(xml, &[], &s.assembled.learner.full_name(), None);
        }
    }
    xml.close("Destination");
    xml.text("DocumentOfficialCode", if s.request.official { "Official" } else { "Unofficial" });
    xml.text("DocumentCompleteCode", "Complete");
    xml.close("TransmissionData");
}

/// An `Organization`: the identifiers PESC has elements for, in the XSD's order (those of a length the element
/// does not allow are left out; `check` reports them), then the name and, for the institution, its contacts.
fn organization(xml: &mut Xml, identifiers: &[(String, String)], name: &str, contacts: Option<&Institution>) {
    xml.open("Organization");
    for id in limits::ORGANIZATION_IDS {
        let value = identifiers.iter().find(|(kind, value)| {
            limits::organization_id(kind).is_some_and(|found| found.element == id.element) && id.fits(value)
        });
        if let Some((_, value)) = value {
            xml.text(id.element, value);
        }
    }
    xml.limited("OrganizationName", name, Some(max::ORGANIZATION_NAME));
    if let Some(institution) = contacts {
        super::contacts::contacts(xml, institution);
    }
    xml.close("Organization");
}

/// `Student/Person`: the learner id, birth date and names. Never an SSN.
fn person(s: &Source<'_, '_>, xml: &mut Xml) {
    let l = s.assembled.learner;
    xml.of = format!("learner {}", l.id);
    xml.open("Person");
    xml.text("SchoolAssignedPersonID", &l.id);
    if let Some(birth) = l.birth_date {
        xml.open("Birth");
        xml.text("BirthDate", &birth.to_string());
        xml.close("Birth");
    }
    xml.open("Name");
    xml.limited("FirstName", &l.given_name, Some(max::NAME_PART));
    if let Some(middle) = &l.middle_name {
        xml.limited("MiddleName", middle, Some(max::NAME_PART));
    }
    xml.limited("LastName", &l.family_name, Some(max::NAME_PART));
    if let Some(display) = &l.display_name {
        xml.limited("CompositeName", display, Some(max::COMPOSITE_NAME));
    }
    xml.close("Name");
    xml.close("Person");
}

/// `Student/AcademicRecord`, in the XSD's order: awards, cumulative summaries, sessions, courses of unknown
/// terms, additional achievements.
fn academic_record(s: &Source<'_, '_>, xml: &mut Xml) {
    xml.open("AcademicRecord");
    extended::academic_awards(s, xml);
    let everything: Vec<usize> = (0..s.assembled.records.len()).collect();
    summaries(s, xml, &s.assembled.standings.overall, &everything, true);
    let terms = &s.assembler.records.terms;
    // The records of each term, in one pass.
    let mut by_term: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, r) in s.assembled.records.iter().enumerate() {
        by_term.entry(r.term_id.as_str()).or_default().push(k);
    }
    let mut loose = Vec::new();
    for totals in &s.assembled.standings.terms {
        let in_term = by_term.remove(totals.term_id.as_str()).unwrap_or_default();
        match terms.get(&totals.term_id) {
            Some(term) => session(s, xml, term, &totals.term, &in_term),
            None => loose.extend(in_term),
        }
    }
    for k in loose {
        course(s, xml, k);
    }
    extended::additional_achievements(s, xml);
    xml.close("AcademicRecord");
}

/// One `AcademicSession`: its detail, its courses, its term summaries.
fn session(s: &Source<'_, '_>, xml: &mut Xml, term: &Term, totals: &Scopes, records: &[usize]) {
    let pesc = &s.config().pesc;
    xml.of = format!("term {}", term.id);
    xml.open("AcademicSession");
    xml.open("AcademicSessionDetail");
    // SessionDesignator is an xs:gYearMonth: the year and month the session begins.
    xml.text("SessionDesignator", &format!("{:04}-{:02}", term.start.year, term.start.month));
    xml.limited("SessionName", &term.name, Some(max::SESSION_NAME));
    xml.text("SessionType", codes::session_type(term.kind.as_deref(), pesc));
    if let Some(year) = term.academic_year.as_deref().filter(|y| is_school_year(y)) {
        xml.text("SessionSchoolYear", year);
    }
    xml.text("SessionBeginDate", &term.start.to_string());
    xml.text("SessionEndDate", &term.end.to_string());
    xml.close("AcademicSessionDetail");
    for &k in records {
        course(s, xml, k);
    }
    summaries(s, xml, totals, records, false);
    xml.close("AcademicSession");
}

/// `SessionSchoolYear`'s pattern `\d{4}-\d{4}`.
fn is_school_year(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 9 && b[4] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
}

/// A `Course` (AcademicRecord 1.13 `CourseType`, elements in its order).
fn course(s: &Source<'_, '_>, xml: &mut Xml, k: usize) {
    let config = s.config();
    let r: &CourseRecord = s.assembled.records[k];
    let attempt = s.attempts[k];
    let earned = s.assembled.standings.records[k].earned;
    let catalog = s.assembler.records.courses.get(&r.course_id);
    xml.of = format!("course record {}", r.id);
    xml.open("Course");
    xml.text("CourseCreditBasis", "Regular");
    xml.text("CourseCreditUnits", &config.pesc.credit_unit);
    xml.text("CourseCreditLevel", codes::credit_level(catalog.and_then(|c| c.level.as_deref()), &config.pesc));
    xml.text("CourseCreditValue", &decimal(Milli::of(r.credits_attempted)));
    // A passed attempt that earned nothing (a zero-credit course, or one its repeat replaced) states no
    // CourseCreditEarned: a stated 0 reads back as "earned nothing", i.e. not passed.
    let passed_for_nothing = attempt.passed && earned == Milli::default();
    if !attempt.in_progress && !passed_for_nothing {
        xml.text("CourseCreditEarned", &decimal(earned));
    }
    let grade = r.grade.as_deref().filter(|_| !attempt.in_progress);
    if let Some(grade) = grade {
        xml.text("CourseAcademicGradeScaleCode", &config.pesc.grade_scale_code);
        xml.limited("CourseAcademicGrade", grade, Some(max::GRADE));
    }
    if let Some(status) = codes::grade_status(attempt, grade, &config.grading, &config.pesc) {
        xml.text("CourseAcademicGradeStatusCode", status);
    }
    if let Some(code) = codes::repeat_code(attempt) {
        xml.text("CourseRepeatCode", code);
    }
    let scale_grade = grade.and_then(|g| config.grading.grade(g));
    let in_gpa = scale_grade.filter(|g| g.counts_in_gpa() && !attempt.replaced && !r.transfer);
    if let Some(g) = in_gpa {
        let micro = i128::from(thousandths(g.points.unwrap_or(0.0))) * i128::from(thousandths(r.credits_attempted));
        xml.text("CourseQualityPointsEarned", &fixed(micro, 6));
    }
    if !attempt.in_progress {
        xml.text("CourseGPAApplicabilityCode", if in_gpa.is_some() { "Applicable" } else { "NotApplicable" });
    }
    // A value of the catalog is noted once per course, not once per record.
    let record_of = std::mem::take(&mut xml.of);
    match catalog {
        Some(c) => {
            xml.of = format!("course {}", c.id);
            xml.limited("CourseSubjectAbbreviation", &c.subject, Some(max::SUBJECT));
            xml.limited("CourseNumber", &c.number, Some(max::COURSE_NUMBER));
        }
        None => {
            xml.of.clone_from(&record_of);
            xml.limited("CourseNumber", &r.course_id, Some(max::COURSE_NUMBER));
        }
    }
    if r.title.is_some() || catalog.is_none() {
        xml.of.clone_from(&record_of);
    }
    let title = r.title.as_deref().or(catalog.map(|c| c.title.as_str())).unwrap_or(&r.course_id);
    xml.limited("CourseTitle", title, Some(max::COURSE_TITLE));
    xml.of = record_of;
    if r.transfer {
        // The sending institution of transfer credit: a school marked Transfer.
        let school = r.transfer_institution.as_deref().or(catalog.and_then(|c| c.institution.as_deref()));
        xml.open("CourseOverrideSchool");
        xml.limited("OrganizationName", school.unwrap_or("Institution not recorded"), Some(max::ORGANIZATION_NAME));
        xml.text("SchoolOverrideCode", "Transfer");
        xml.close("CourseOverrideSchool");
    }
    xml.close("Course");
}

/// The `AcademicSummary`s of some records with `totals`: `SenderOnly` (the institution's own courses),
/// `TransferOnly` (when any transfer course is there) and, for the cumulative record, `All` (their sum).
fn summaries(s: &Source<'_, '_>, xml: &mut Xml, totals: &Scopes, records: &[usize], cumulative: bool) {
    let rs = &s.assembled.records;
    let home = records.iter().any(|&k| !rs[k].transfer);
    let transfer = records.iter().any(|&k| rs[k].transfer);
    if home || cumulative {
        summary(s, xml, "SenderOnly", &totals.institution, true, false);
    }
    if transfer {
        summary(s, xml, "TransferOnly", &totals.transfer, false, false);
    }
    if cumulative {
        summary(s, xml, "All", &totals.overall(), true, true);
    }
}

/// One `AcademicSummary` (`AcademicSummaryFType`): type, level, `GPA` with credits, quality points and range.
/// `with_gpa`: state the GPA figures (not for transfer credit, which never counts in the GPA).
fn summary(s: &Source<'_, '_>, xml: &mut Xml, kind: &str, t: &Totals, with_gpa: bool, with_program: bool) {
    let config = s.config();
    xml.open("AcademicSummary");
    xml.text("AcademicSummaryType", kind);
    xml.text("AcademicSummaryLevel", &config.pesc.credit_level);
    xml.open("GPA");
    xml.text("CreditHoursAttempted", &decimal(t.attempted));
    xml.text("CreditHoursEarned", &decimal(t.earned));
    xml.text("CreditUnit", &config.pesc.credit_unit);
    if with_gpa {
        if let Some(gpa) = t.gpa(2) {
            xml.text("GradePointAverage", &gpa);
        }
        xml.text("TotalQualityPoints", &fixed((t.quality_points_value() * 1e6).round() as i128, 6));
        xml.text("CreditHoursforGPA", &decimal(t.gpa_credits));
        xml.text("GPARangeMinimum", "0");
        xml.text("GPARangeMaximum", &fixed((config.grading.max_gpa() * 1e6).round() as i128, 6));
    }
    xml.close("GPA");
    if with_program && let Some(program) = s.assembled.learner.program.as_deref() {
        xml.of = format!("learner {}", s.assembled.learner.id);
        xml.open("AcademicProgram");
        xml.limited("AcademicProgramName", program, Some(max::PROGRAM_NAME));
        xml.close("AcademicProgram");
    }
    xml.close("AcademicSummary");
}

/// A decimal in thousandths.
fn thousandths(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

/// A credit figure as an `xs:decimal`: `3`, `3.5`, `3.333`.
fn decimal(m: Milli) -> String {
    fixed(i128::from(thousandths(m.value())) * 1000, 6)
}

/// `value / 10^digits` as an `xs:decimal` without trailing zeros.
pub(super) fn fixed(value: i128, digits: u32) -> String {
    let scale = 10i128.pow(digits);
    let sign = if value < 0 { "-" } else { "" };
    let (int, frac) = (value.abs() / scale, value.abs() % scale);
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let frac = format!("{frac:0width$}", width = digits as usize);
    format!("{sign}{int}.{}", frac.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact_and_short() {
        assert_eq!(fixed(3_000_000, 6), "3");
        assert_eq!(fixed(3_500_000, 6), "3.5");
        assert_eq!(fixed(3_333_000, 6), "3.333");
        assert_eq!(fixed(0, 6), "0");
        assert_eq!(decimal(Milli::of(4.0)), "4");
        assert_eq!(decimal(Milli::of(1.25)), "1.25");
        assert!(is_school_year("2024-2025"));
        assert!(!is_school_year("2024/25"));
    }
}
