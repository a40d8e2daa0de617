//! `transcript.xml` on the samples and on synthetic learners: the code mappings, the round trip through
//! xtranscript's own PESC reader, length notices.

use std::path::{Path, PathBuf};

use super::*;
use crate::assemble::gpa;
use crate::diag::Diagnostics;
use crate::graph::CompetencyGraph;
use crate::ingest::{self, Input};
use crate::model::{CourseRecord, Records, Timestamp};

fn load(dir: &Path) -> (Input, CompetencyGraph) {
    let mut diags = Diagnostics::new();
    let input = ingest::load(&[dir.to_path_buf()], &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.iter().find(|d| d.severity == crate::diag::Severity::Error));
    let config = input.config.as_ref().unwrap();
    let graph = CompetencyGraph::build(&input.records, &input.frameworks, &config.mastery, &mut diags);
    (input, graph)
}

fn samples() -> (Input, CompetencyGraph) {
    load(&PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples")))
}

/// A generated input of `learners` learners, written to a fresh directory.
fn synthetic(learners: usize) -> (Input, CompetencyGraph) {
    let dir = std::env::temp_dir().join(format!("xt-pesc-synth-{}-{learners}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, bytes) in crate::synth::input_dir(learners, 1) {
        crate::export::write_atomic(&dir.join(path), &bytes).unwrap();
    }
    let loaded = load(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    loaded
}

fn assembler<'a>(input: &'a Input, graph: &'a CompetencyGraph) -> Assembler<'a> {
    Assembler::new(
        input.config.as_ref().unwrap(),
        &input.records,
        &input.frameworks,
        graph,
        "did:web:registrar.northbridge.example.edu".into(),
        Timestamp::parse("2026-06-15T00:00:00Z").unwrap(),
        b"test secret".to_vec(),
    )
}

const REQUEST: Request<'static> = Request { destination: None, official: true, clr_sha256: "00" };

fn xml_of(a: &Assembler<'_>, id: &str) -> String {
    let assembled = a.learner(id).unwrap();
    let doc = college_transcript(a, &assembled, &REQUEST, Vec::new()).unwrap();
    String::from_utf8(doc.bytes).unwrap()
}

/// The `Course` element whose `CourseNumber` is `number` (the `nth`, from 0) in `xml`.
fn course<'x>(xml: &'x str, subject: &str, number: &str, nth: usize) -> &'x str {
    let needle = format!("<CourseSubjectAbbreviation>{subject}</CourseSubjectAbbreviation>\n");
    let wanted = format!("{needle}{}<CourseNumber>{number}</CourseNumber>", " ".repeat(10));
    xml.split("<Course>")
        .filter(|block| block.contains(&wanted))
        .nth(nth)
        .map(|block| &block[..block.find("</Course>").unwrap_or(block.len())])
        .unwrap_or_else(|| panic!("no course {subject} {number} #{nth} in:\n{xml}"))
}

#[test]
fn repeats_in_progress_and_pass_fail_are_coded() {
    let (input, graph) = samples();
    let a = assembler(&input, &graph);
    let xml = xml_of(&a, "N2025021");
    // MATH-151: failed in 2024FA, repeated with C+ in 2025SP; repeat policy "last".
    let first = course(&xml, "MATH", "151", 0);
    assert!(first.contains("<CourseRepeatCode>ReplacedNotCounted</CourseRepeatCode>"), "{first}");
    assert!(first.contains("<CourseGPAApplicabilityCode>NotApplicable</CourseGPAApplicabilityCode>"), "{first}");
    assert!(first.contains("<CourseCreditEarned>0</CourseCreditEarned>"), "{first}");
    let second = course(&xml, "MATH", "151", 1);
    assert!(second.contains("<CourseRepeatCode>ReplacementCounted</CourseRepeatCode>"), "{second}");
    assert!(second.contains("<CourseQualityPointsEarned>9.2</CourseQualityPointsEarned>"), "{second}");
    let in_progress = course(&xml, "DS", "350", 0);
    assert!(in_progress.contains("<CourseAcademicGradeStatusCode>InProgress</CourseAcademicGradeStatusCode>"));
    assert!(!in_progress.contains("<CourseAcademicGrade>") && !in_progress.contains("CourseCreditEarned"));
    let pass = course(&xml, "FYS", "100", 0);
    assert!(pass.contains("<CourseAcademicGradeStatusCode>PassFailPass</CourseAcademicGradeStatusCode>"), "{pass}");
    let no_pass = xml_of(&a, "N2025018");
    let no_pass = course(&no_pass, "FYS", "100", 0);
    assert!(no_pass.contains("<CourseAcademicGradeStatusCode>PassFailFail</CourseAcademicGradeStatusCode>"));
}

#[test]
fn withdrawals_incompletes_transfer_and_degrees_are_coded() {
    let (input, graph) = samples();
    let a = assembler(&input, &graph);
    let withdrawn = xml_of(&a, "N2025026");
    let withdrawn = course(&withdrawn, "MATH", "152", 0);
    assert!(withdrawn.contains("<CourseAcademicGradeStatusCode>Withdrew</CourseAcademicGradeStatusCode>"));
    let incomplete = xml_of(&a, "N2025012");
    let incomplete = course(&incomplete, "DS", "310", 0);
    assert!(incomplete.contains("<CourseAcademicGradeStatusCode>Incomplete</CourseAcademicGradeStatusCode>"));

    let xml = xml_of(&a, "N2025001");
    let transfer = course(&xml, "ENG", "101", 0);
    assert!(
        transfer.contains(
            "<CourseOverrideSchool>\n            <OrganizationName>Granite Bay Community College</OrganizationName>\n            <SchoolOverrideCode>Transfer</SchoolOverrideCode>"
        ),
        "{transfer}"
    );
    assert!(transfer.contains("<CourseGPAApplicabilityCode>NotApplicable</CourseGPAApplicabilityCode>"));
    assert!(!transfer.contains("CourseQualityPointsEarned"));
    let degree = &xml[xml.find("<AcademicAward>").unwrap()..xml.find("</AcademicAward>").unwrap()];
    assert!(degree.contains("<AcademicAwardLevel>2.4</AcademicAwardLevel>"), "{degree}");
    assert!(degree.contains("<AcademicAwardTitle>Bachelor of Science in Data Science</AcademicAwardTitle>"));
    // Cumulative summaries: home, transfer, all; the transfer summary has no GPA.
    let kinds: Vec<&str> =
        xml.split("<AcademicSummaryType>").skip(1).map(|rest| &rest[..rest.find('<').unwrap()]).collect();
    assert_eq!(kinds[..3], ["SenderOnly", "TransferOnly", "All"]);
    let transfer_summary = &xml[xml.find("TransferOnly").unwrap()..];
    let transfer_summary = &transfer_summary[..transfer_summary.find("</AcademicSummary>").unwrap()];
    assert!(transfer_summary.contains("<CreditHoursAttempted>58</CreditHoursAttempted>"), "{transfer_summary}");
    assert!(!transfer_summary.contains("GradePointAverage"), "{transfer_summary}");
    // Badges and competencies; the CLR pointer.
    assert!(xml.contains("<RAPSubName>Badge</RAPSubName>"));
    assert!(xml.contains("<Proficiency>\n          <RAPName>NIT.CF.1</RAPName>"), "{xml}");
    assert!(xml.contains("<NoteMessage>CLR SHA-256: 00</NoteMessage>"));
    assert!(!xml.contains("SSN"));
}

#[test]
fn values_over_the_xsd_lengths_are_cut_with_a_notice_and_long_ids_refused() {
    let (mut input, _) = samples();
    let learner = input.records.learners.get_mut("N2025002").unwrap();
    learner.family_name = "Ångström-Wolfeschlegelsteinhausenbergerdorff".into();
    input.records.courses.get_mut("CS-110").unwrap().title = "T".repeat(130);
    let config = input.config.as_ref().unwrap();
    let graph = CompetencyGraph::build(&input.records, &input.frameworks, &config.mastery, &mut Diagnostics::new());
    let a = assembler(&input, &graph);
    let assembled = a.learner("N2025002").unwrap();
    let doc = college_transcript(&a, &assembled, &REQUEST, Vec::new()).unwrap();
    let notices: Vec<String> = doc.notices.iter().map(ToString::to_string).collect();
    assert!(notices.contains(&"LastName of learner N2025002 has 44 characters; PESC allows 35: cut to 35".to_string()));
    assert!(
        notices.contains(&"CourseTitle of course CS-110 has 130 characters; PESC allows 120: cut to 120".to_string())
    );
    let mut diags = Diagnostics::new();
    check(&input.records, config, &mut diags);
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.starts_with("the family name of learner N2025002 has 44")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.starts_with("the title of course CS-110 has 130")), "{messages:#?}");
    assert!(diags.iter().all(|d| d.code == crate::diag::Code::PescTooLong));

    let mut long = input.records.learners["N2025003"].clone();
    long.id = "N".repeat(21);
    input.records.learners.insert(long.id.clone(), long);
    let a = assembler(&input, &graph);
    let assembled = a.learner(&"N".repeat(21)).unwrap();
    let refused = college_transcript(&a, &assembled, &REQUEST, Vec::new()).unwrap_err();
    assert_eq!(refused, PescError::LearnerIdTooLong { id: "N".repeat(21), length: 21 });
}

/// What must survive the round trip, per course record: grade, credits, flags, standing (what happened, what
/// it earned, whether its repeat replaced it), title, school.
#[derive(Debug, PartialEq)]
struct Line {
    grade: Option<String>,
    attempted: gpa::Milli,
    transfer: bool,
    repeat_or_replaced: bool,
    title: String,
    school: Option<String>,
    standing: gpa::RecordStanding,
}

fn lines(records: &[&CourseRecord], catalog: &Records, standings: &gpa::Standings) -> Vec<Line> {
    records
        .iter()
        .zip(&standings.records)
        .map(|(r, rs)| Line {
            // In progress: listed without a grade (an in-progress grade of the scale is not sent).
            grade: r.grade.clone().filter(|_| rs.standing != crate::assemble::Standing::InProgress),
            attempted: gpa::Milli::of(r.credits_attempted),
            transfer: r.transfer,
            repeat_or_replaced: r.repeat || rs.replaced,
            title: r.title.clone().unwrap_or_else(|| catalog.courses[&r.course_id].title.clone()),
            school: r.transfer_institution.clone(),
            standing: *rs,
        })
        .collect()
}

/// Writes every learner's transcript.xml, reads it back with the PESC reader as this institution's records
/// (the same catalog, so the same passing grades), recomputes the standing and compares.
fn round_trip(input: &Input, graph: &CompetencyGraph) {
    let a = assembler(input, graph);
    let config = input.config.as_ref().unwrap();
    for id in input.records.learners.keys() {
        let assembled = a.learner(id).unwrap();
        let doc = college_transcript(&a, &assembled, &REQUEST, Vec::new()).unwrap();
        let mut diags = Diagnostics::new();
        let mut read = Vec::new();
        ingest::pesc::read_transcripts(&doc.bytes[..], Path::new("transcript.xml"), &mut diags, |t| read.push(t));
        assert!(!diags.has_errors() && read.len() == 1, "{id}: {diags:?}");
        let mut back = Records { courses: input.records.courses.clone(), ..Records::default() };
        ingest::pesc::merge_into(read.pop().unwrap(), true, &mut back, &mut diags);
        assert!(!diags.has_errors(), "{id}: {diags:?}");
        let records: Vec<&CourseRecord> = back.course_records.iter().collect();
        let policy = config.transcript.repeat_policy;
        let standings = gpa::compute(&records, &back.courses, &back.terms, &config.grading, policy);
        let original = lines(&assembled.records, &input.records, &assembled.standings);
        let mut again = lines(&records, &back, &standings);
        for (line, before) in again.iter_mut().zip(&original) {
            // PESC codes the attempt a repeat replaced, not "the first attempt": it reads back as a repeat.
            line.repeat_or_replaced |= before.repeat_or_replaced && before.standing.replaced;
        }
        assert_eq!(again, original, "{id}: courses differ");
        let sums = |s: &gpa::Standings| {
            let gpa = |scopes: &gpa::Scopes| (scopes.institution.gpa(2), scopes.overall().gpa(2));
            let totals = s.terms.iter().map(|t| (t.term, gpa(&t.term), gpa(&t.cumulative))).collect::<Vec<_>>();
            (s.overall, gpa(&s.overall), totals)
        };
        assert_eq!(sums(&standings), sums(&assembled.standings), "{id}: credits or GPAs differ");
        let person = |l: &crate::model::Learner| {
            (l.given_name.clone(), l.middle_name.clone(), l.family_name.clone(), l.birth_date)
        };
        assert_eq!(person(&back.learners[id.as_str()]), person(assembled.learner), "{id}");
    }
}

#[test]
fn the_samples_survive_the_round_trip() {
    let (input, graph) = samples();
    round_trip(&input, &graph);
}

#[test]
fn synthetic_learners_survive_the_round_trip() {
    let (input, graph) = synthetic(200);
    assert_eq!(input.records.learners.len(), 200);
    round_trip(&input, &graph);
}

#[test]
fn the_document_is_deterministic() {
    let (input, graph) = samples();
    let a = assembler(&input, &graph);
    assert_eq!(xml_of(&a, "N2025021"), xml_of(&a, "N2025021"));
}

#[test]
fn destinations_parse_with_their_identifiers() {
    let d = Destination::parse("University of Toronto; atp=001234 ;FICE=002345").unwrap();
    assert_eq!(d.name, "University of Toronto");
    assert_eq!(d.identifiers, vec![("ATP".into(), "001234".into()), ("FICE".into(), "002345".into())]);
    assert!(Destination::parse("").is_err());
    assert!(Destination::parse("X;FICE=12").unwrap_err().contains("6 characters"));
    assert!(Destination::parse("X;SSN=123").unwrap_err().contains("not a PESC organization identifier"));
    assert!(Destination::parse(&"x".repeat(61)).is_err());
}

#[test]
fn document_ids_are_stable_per_issuance() {
    let a = document_id("urn:uuid:1", "2026-06-15T00:00:00Z", None);
    assert_eq!(a.len(), 36);
    assert_eq!(a, document_id("urn:uuid:1", "2026-06-15T00:00:00Z", None));
    assert_ne!(a, document_id("urn:uuid:1", "2026-12-18T00:00:00Z", None));
    let to = Destination { name: "U".into(), identifiers: Vec::new() };
    assert_ne!(a, document_id("urn:uuid:1", "2026-06-15T00:00:00Z", Some(&to)));
}
