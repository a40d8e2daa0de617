//! `transcript.xml` on the samples and on synthetic learners: the code mappings, the round trip through
//! xtranscript's own PESC reader, length notices.

use std::path::Path;

use super::*;
use crate::assemble::gpa;
use crate::diag::Diagnostics;
use crate::graph::CompetencyGraph;
use crate::ingest::{self, Input};
use crate::model::{CourseRecord, Records, Timestamp};

use crate::assemble::fixtures::{assembler, load, samples};

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
    // PESC codes a repeat by what the policy did (the attempt replaced, the one replacing it), so every
    // attempt of a course with a replaced attempt reads back as a repeat.
    let replaced_courses: std::collections::BTreeSet<&str> = records
        .iter()
        .zip(&standings.records)
        .filter(|(_, rs)| rs.replaced)
        .map(|(r, _)| r.course_id.as_str())
        .collect();
    records
        .iter()
        .zip(&standings.records)
        .map(|(r, rs)| Line {
            // In progress: listed without a grade (an in-progress grade of the scale is not sent).
            grade: r.grade.clone().filter(|_| rs.standing != crate::assemble::Standing::InProgress),
            attempted: gpa::Milli::of(r.credits_attempted),
            transfer: r.transfer,
            repeat_or_replaced: r.repeat || (!r.transfer && replaced_courses.contains(r.course_id.as_str())),
            title: r.title.clone().unwrap_or_else(|| catalog.courses[&r.course_id].title.clone()),
            school: r.transfer_institution.clone(),
            standing: *rs,
        })
        .collect()
}

/// Writes the learner's transcript.xml, reads it back with the PESC reader as this institution's records
/// (the same catalog, so the same passing grades), recomputes the standing and compares.
fn assert_round_trip(a: &Assembler<'_>, id: &str) {
    let config = a.config;
    let assembled = a.learner(id).unwrap();
    let doc = college_transcript(a, &assembled, &REQUEST, Vec::new()).unwrap();
    let mut diags = Diagnostics::new();
    let mut read = Vec::new();
    ingest::pesc::read_transcripts(&doc.bytes[..], Path::new("transcript.xml"), &mut diags, |t| read.push(t));
    assert!(!diags.has_errors() && read.len() == 1, "{id}: {diags:?}");
    let mut back = Records { courses: a.records.courses.clone(), ..Records::default() };
    ingest::pesc::merge_into(read.pop().unwrap(), true, &mut back, &mut Default::default(), &mut diags);
    assert!(!diags.has_errors(), "{id}: {diags:?}");
    let records: Vec<&CourseRecord> = back.course_records.iter().collect();
    let policy = config.transcript.repeat_policy;
    let standings = gpa::compute(&records, &back.courses, &back.terms, &config.grading, policy);
    let original = lines(&assembled.records, a.records, &assembled.standings);
    let again = lines(&records, &back, &standings);
    assert_eq!(again.len(), original.len(), "{id}: course count");
    for (k, (line, before)) in again.iter().zip(&original).enumerate() {
        assert_eq!(line, before, "{id}: course {k} of {} differs", original.len());
    }
    let sums = |s: &gpa::Standings| {
        let gpa = |scopes: &gpa::Scopes| (scopes.institution.gpa(2), scopes.overall().gpa(2));
        let totals = s.terms.iter().map(|t| (t.term, gpa(&t.term), gpa(&t.cumulative))).collect::<Vec<_>>();
        (s.overall, gpa(&s.overall), totals)
    };
    assert_eq!(sums(&standings), sums(&assembled.standings), "{id}: credits or GPAs differ");
    let person =
        |l: &crate::model::Learner| (l.given_name.clone(), l.middle_name.clone(), l.family_name.clone(), l.birth_date);
    assert_eq!(person(&back.learners[id]), person(assembled.learner), "{id}");
}

fn round_trip(input: &Input, graph: &CompetencyGraph) {
    let a = assembler(input, graph);
    for id in input.records.learners.keys() {
        assert_round_trip(&a, id);
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

mod property {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    /// The samples, loaded once for every case.
    fn base() -> &'static (Input, CompetencyGraph) {
        static BASE: OnceLock<(Input, CompetencyGraph)> = OnceLock::new();
        BASE.get_or_init(samples)
    }

    const TITLES: &[Option<&str>] = &[None, None, Some("R&D <Lab> \"Topics\""), Some("Ελληνικά & 中文 'seminar'")];
    const SCHOOLS: &[&str] = &["Granite Bay Community College", "Université Laval", "A&M <Branch>"];

    /// One random course record: (term, course, grade, credits in halves, earned stated, repeat, transfer,
    /// in progress, title, school).
    type Row = (usize, usize, usize, u8, Option<u8>, bool, bool, bool, usize, usize);

    fn row() -> impl Strategy<Value = Row> {
        (
            (0..6usize, 0..26usize, 0..20usize, 0..10u8),
            (proptest::option::of(0..10u8), any::<bool>(), prop::bool::weighted(0.2), prop::bool::weighted(0.15)),
            (0..TITLES.len(), 0..SCHOOLS.len()),
        )
            .prop_map(|((t, c, g, cr), (e, rep, tr, ip), (ti, s))| (t, c, g, cr, e, rep, tr, ip, ti, s))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// A learner with random course records (any grade of the scale, stated or derived earned credit,
        /// repeats, transfer credit, courses in progress, titles with markup characters and other scripts)
        /// survives the round trip.
        #[test]
        fn random_records_survive_the_round_trip(rows in proptest::collection::vec(row(), 1..30)) {
            let (input, graph) = base();
            let mut records = input.records.clone();
            let id = "N2025001";
            records.course_records.retain(|r| r.learner_id != id);
            let terms: Vec<String> = records.terms.keys().cloned().collect();
            let courses: Vec<String> = records.courses.keys().cloned().collect();
            let grades: Vec<String> = input.config.as_ref().unwrap().grading.grades.iter().map(|g| g.grade.clone()).collect();
            for (k, (t, c, g, credits, earned, repeat, transfer, in_progress, title, school)) in rows.into_iter().enumerate() {
                let attempted = f64::from(credits) / 2.0;
                records.course_records.push(CourseRecord {
                    id: format!("P{k}"),
                    learner_id: id.into(),
                    term_id: terms[t % terms.len()].clone(),
                    course_id: courses[c % courses.len()].clone(),
                    title: TITLES[title].map(String::from),
                    credits_attempted: attempted,
                    credits_earned: earned.filter(|_| !in_progress).map(|e| (f64::from(e) / 2.0).min(attempted)),
                    grade: (!in_progress).then(|| grades[g % grades.len()].clone()),
                    quality_points: None,
                    repeat,
                    transfer,
                    in_progress,
                    transfer_institution: transfer.then(|| SCHOOLS[school].to_string()),
                    origin: crate::diag::Origin::file("random"),
                });
            }
            let a = Assembler::new(
                input.config.as_ref().unwrap(),
                &records,
                &input.frameworks,
                graph,
                "did:web:registrar.northbridge.example.edu".into(),
                Timestamp::parse("2026-06-15T00:00:00Z").unwrap(),
                b"test secret".to_vec(),
            );
            assert_round_trip(&a, id);
        }
    }
}
