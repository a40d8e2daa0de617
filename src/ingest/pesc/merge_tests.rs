//! Tests of merging transcripts into the records: home and transfer.

use std::path::Path;

use super::transcript::PescTranscript;
use super::{PersonIndex, merge_into, read_transcripts};
use crate::diag::{Code, Diagnostics, Origin};
use crate::model::{Learner, Records};

const XML: &str = r#"<CollegeTranscript>
  <TransmissionData>
    <DocumentID>D1</DocumentID>
    <Source><Organization><OrganizationName>Example College</OrganizationName></Organization></Source>
  </TransmissionData>
  <Student>
    <Person>
      <SchoolAssignedPersonID>S1</SchoolAssignedPersonID>
      <Birth><BirthDate>2001-02-03</BirthDate></Birth>
      <Name><FirstName>Ada</FirstName><LastName>Lovelace</LastName></Name>
      <Contacts><Email><EmailAddress>ada@example.org</EmailAddress></Email></Contacts>
    </Person>
    <AcademicRecord>
      <AcademicSession>
        <AcademicSessionDetail><SessionDesignator>2019-09</SessionDesignator></AcademicSessionDetail>
        <Course><CourseCreditValue>3</CourseCreditValue><CourseAcademicGrade>A</CourseAcademicGrade><CourseSubjectAbbreviation>CHEM</CourseSubjectAbbreviation><CourseNumber>101</CourseNumber><CourseTitle>General Chemistry</CourseTitle></Course>
      </AcademicSession>
      <AcademicAward><AcademicAwardLevel>2.3</AcademicAwardLevel><AcademicAwardDate>2020-04-30</AcademicAwardDate><AcademicAwardTitle>Associate of Science</AcademicAwardTitle></AcademicAward>
    </AcademicRecord>
  </Student>
</CollegeTranscript>"#;

fn transcript() -> PescTranscript {
    let mut diags = Diagnostics::new();
    let mut out = Vec::new();
    read_transcripts(XML.as_bytes(), Path::new("t.xml"), &mut diags, |t| {
        out.push(t);
    });
    assert!(diags.is_empty(), "{diags:?}");
    out.pop().expect("one transcript")
}

fn csv_learner(id: &str, given: &str, family: &str) -> Learner {
    Learner {
        program: Some("BSc Chemistry".into()),
        ..Learner::new(id, given, family, Origin::line("learners.csv", 2))
    }
}

#[test]
fn home_records_are_kept_as_native() {
    let mut records = Records::default();
    let mut diags = Diagnostics::new();
    merge_into(transcript(), true, &mut records, &mut PersonIndex::default(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let record = &records.course_records[0];
    assert_eq!(record.id, "S1/2019-09/CHEM-101");
    assert!(!record.transfer && record.transfer_institution.is_none());
    assert!(records.courses["CHEM-101"].institution.is_none());
    assert!(records.terms.contains_key("2019-09"));
    assert_eq!(records.awards[0].achievement_id, "ASSOCIATE-OF-SCIENCE");
    assert!(records.achievements.contains_key("ASSOCIATE-OF-SCIENCE"));
}

#[test]
fn other_institutions_give_transfer_credit_under_prefixed_ids() {
    let mut records = Records::default();
    records.courses.insert("CHEM-101".into(), {
        let mut t = transcript();
        let mut c = t.catalog.remove(0);
        c.title = "Home Chemistry".into();
        c
    });
    let mut diags = Diagnostics::new();
    merge_into(transcript(), false, &mut records, &mut PersonIndex::default(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let record = &records.course_records[0];
    assert_eq!(record.course_id, "example-college:CHEM-101");
    assert_eq!(record.term_id, "example-college:2019-09");
    assert_eq!(record.id, "S1/example-college:2019-09/example-college:CHEM-101");
    assert!(record.transfer);
    assert_eq!(record.transfer_institution.as_deref(), Some("Example College"));
    assert_eq!(record.title.as_deref(), Some("General Chemistry"));
    assert_eq!(records.courses["CHEM-101"].title, "Home Chemistry", "home catalog untouched");
    let course = &records.courses["example-college:CHEM-101"];
    assert_eq!(course.institution.as_deref(), Some("Example College"));
    assert!(records.terms.contains_key("example-college:2019-09"));
    let award = &records.awards[0];
    assert_eq!(award.achievement_id, "example-college:ASSOCIATE-OF-SCIENCE");
    assert!(records.achievements.contains_key(&award.achievement_id));
}

#[test]
fn an_existing_learner_is_kept_and_completed() {
    let mut records = Records::default();
    records.learners.insert("S1".into(), csv_learner("S1", "Ada", ""));
    let mut diags = Diagnostics::new();
    merge_into(transcript(), true, &mut records, &mut PersonIndex::default(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let learner = &records.learners["S1"];
    assert_eq!(learner.origin, Origin::line("learners.csv", 2));
    assert_eq!(learner.family_name, "Lovelace");
    assert_eq!(learner.program.as_deref(), Some("BSc Chemistry"));
    assert_eq!(learner.email.as_deref(), Some("ada@example.org"));
}

#[test]
fn a_transfer_learner_with_a_clashing_id_is_kept_apart() {
    let mut records = Records::default();
    records.learners.insert("S1".into(), csv_learner("S1", "Bob", "Other"));
    let mut diags = Diagnostics::new();
    merge_into(transcript(), false, &mut records, &mut PersonIndex::default(), &mut diags);
    assert_eq!(diags.iter().filter(|d| d.code == Code::Inconsistent).count(), 1);
    assert_eq!(records.learners["S1"].given_name, "Bob");
    assert_eq!(records.learners["example-college:S1"].given_name, "Ada");
    assert_eq!(records.course_records[0].learner_id, "example-college:S1");
}

#[test]
fn a_transfer_learner_is_found_by_name_and_birth_date() {
    let mut records = Records::default();
    let mut home = csv_learner("H7", "Ada", "Lovelace");
    home.birth_date = crate::model::Date::new(2001, 2, 3);
    records.learners.insert("H7".into(), home);
    let mut diags = Diagnostics::new();
    merge_into(transcript(), false, &mut records, &mut PersonIndex::default(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(records.learners.len(), 1);
    assert_eq!(records.course_records[0].learner_id, "H7");
    let ids = &records.learners["H7"].identifiers;
    assert!(ids.contains(&("Example College student id".into(), "S1".into())));
}

#[test]
fn the_same_transcript_twice_gives_duplicate_warnings() {
    let mut records = Records::default();
    let mut diags = Diagnostics::new();
    merge_into(transcript(), true, &mut records, &mut PersonIndex::default(), &mut diags);
    merge_into(transcript(), true, &mut records, &mut PersonIndex::default(), &mut diags);
    let duplicates = diags.iter().filter(|d| d.code == Code::DuplicateKey).count();
    assert_eq!(duplicates, 2, "{diags:?}");
    assert_eq!(records.course_records.len(), 1);
    assert_eq!(records.awards.len(), 1);
}

#[test]
fn two_namesakes_born_the_same_day_are_not_guessed_between() {
    let mut records = Records::default();
    for id in ["H7", "H8"] {
        let mut namesake = csv_learner(id, "Ada", "LOVELACE");
        namesake.birth_date = crate::model::Date::new(2001, 2, 3);
        records.learners.insert(id.into(), namesake);
    }
    let mut diags = Diagnostics::new();
    merge_into(transcript(), false, &mut records, &mut PersonIndex::default(), &mut diags);
    assert_eq!(records.learners.len(), 3, "kept under its own id");
    assert_eq!(records.course_records[0].learner_id, "S1");
}

/// One index serves a run's files; a learner added to the records by other means in between is seen, and so is
/// a birth date a transcript supplied to a learner who had none.
#[test]
fn the_person_index_follows_the_records_across_transcripts() {
    let mut records = Records::default();
    let mut people = PersonIndex::default();
    let mut diags = Diagnostics::new();
    records.learners.insert("H7".into(), csv_learner("H7", "Ada", "Lovelace"));
    merge_into(transcript(), true, &mut records, &mut people, &mut diags);
    // The home transcript's learner S1 is new (H7 has no birth date to be recognised by).
    assert_eq!(records.learners.len(), 2);
    let mut other = transcript();
    other.learner.id = "X9".into();
    merge_into(other, false, &mut records, &mut people, &mut diags);
    // Now two learners answer to Ada Lovelace? No: only S1 has the birth date; the transfer goes to S1.
    assert_eq!(records.learners.len(), 2, "{:?}", records.learners.keys().collect::<Vec<_>>());
    assert!(records.course_records.iter().any(|r| r.learner_id == "S1" && r.transfer));
    let mut late = csv_learner("H9", "Ada", "Lovelace");
    late.birth_date = crate::model::Date::new(2001, 2, 3);
    records.learners.insert("H9".into(), late);
    let mut again = transcript();
    again.learner.id = "X10".into();
    merge_into(again, false, &mut records, &mut people, &mut diags);
    assert!(records.learners.contains_key("X10"), "S1 and H9 both match: not guessed");
}
