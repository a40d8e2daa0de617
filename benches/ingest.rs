//! Ingest at scale: a batch of transfer transcripts (one PESC AcademicRecordBatch) merged into a run that already
//! knows every learner from learners.csv, each transcript's learner found by name and birth date. Merging must
//! stay linear in the number of transcripts (each lookup constant-time), whatever the number of learners.
//! Run: `cargo bench --bench ingest` (prints its figures).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use xtranscript::diag::{Diagnostics, Origin};
use xtranscript::ingest::pesc::{PersonIndex, merge_into, read_transcripts};
use xtranscript::model::{CourseRecord, Date, Learner, Records};

/// `n` learners as learners.csv would give them (each with a birth date and ten course records).
fn known_learners(n: usize) -> Records {
    let mut records = Records::default();
    for k in 0..n {
        let id = format!("S{k:07}");
        let mut learner = Learner::new(id.clone(), format!("Given{k}"), format!("Family{k}"), Origin::file("l.csv"));
        learner.birth_date = Date::new(1990 + (k % 20) as u16, 1 + (k % 12) as u8, 1 + (k % 28) as u8);
        records.learners.insert(id.clone(), learner);
        for c in 0..10 {
            let record = CourseRecord::graded(&id, "2025FA", &format!("C{c}"), 3.0, Some("A"), Origin::file("r.csv"));
            records.course_records.push(record);
        }
    }
    records
}

/// One AcademicRecordBatch of `n` transcripts from another college, one per known learner (no id in common).
fn transfer_batch(n: usize) -> Vec<u8> {
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<AcademicRecordBatch><BatchContent>\n");
    for k in 0..n {
        let birth = format!("{}-{:02}-{:02}", 1990 + k % 20, 1 + k % 12, 1 + k % 28);
        xml.push_str(&format!(
            "<CollegeTranscript><TransmissionData><DocumentID>D{k}</DocumentID><Source><Organization>\
<OrganizationName>Example College</OrganizationName></Organization></Source></TransmissionData><Student><Person>\
<SchoolAssignedPersonID>EC{k}</SchoolAssignedPersonID><Birth><BirthDate>{birth}</BirthDate></Birth><Name>\
<FirstName>Given{k}</FirstName><LastName>Family{k}</LastName></Name></Person><AcademicRecord><AcademicSession>\
<AcademicSessionDetail><SessionDesignator>2019-09</SessionDesignator></AcademicSessionDetail><Course>\
<CourseCreditValue>3</CourseCreditValue><CourseAcademicGrade>A</CourseAcademicGrade><CourseSubjectAbbreviation>CHEM\
</CourseSubjectAbbreviation><CourseNumber>101</CourseNumber></Course></AcademicSession></AcademicRecord></Student>\
</CollegeTranscript>\n"
        ));
    }
    xml.push_str("</BatchContent></AcademicRecordBatch>\n");
    xml.into_bytes()
}

fn main() {
    for n in [10_000, 100_000] {
        let xml = transfer_batch(n);
        let mut records = known_learners(n);
        let mut people = PersonIndex::default();
        let (mut diags, mut merge_diags) = (Diagnostics::new(), Diagnostics::new());
        let start = Instant::now();
        let mut merged = 0usize;
        read_transcripts(&xml[..], Path::new("transfer.xml"), &mut diags, |t| {
            black_box(merge_into(t, false, &mut records, &mut people, &mut merge_diags));
            merged += 1;
        });
        let elapsed = start.elapsed();
        assert_eq!(records.learners.len(), n, "every transcript found its learner");
        assert!(!diags.has_errors() && !merge_diags.has_errors());
        println!(
            "ingest bench: {merged} transfer transcripts ({} MB) read and merged into {n} known learners: {:.2} s, \
             {:.1} µs per transcript",
            xml.len() / 1_000_000,
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / merged as f64
        );
    }
}
