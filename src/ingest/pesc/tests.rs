//! Tests of reading: safety, positions, encodings and streaming a large batch.

use std::cell::Cell;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use super::*;
use crate::diag::{Code, Diagnostics, Origin, Severity};
use crate::model::Date;

fn read(xml: &str) -> (Vec<PescTranscript>, Diagnostics) {
    read_bytes(xml.as_bytes())
}

fn read_bytes(xml: &[u8]) -> (Vec<PescTranscript>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut out = Vec::new();
    read_transcripts(xml, Path::new("t.xml"), &mut diags, |t| out.push(t));
    (out, diags)
}

/// The one diagnostic with `code`, as (severity, line, column).
fn only(diags: &Diagnostics, code: Code) -> (Severity, Option<u64>, Option<u64>) {
    let found: Vec<_> = diags.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "expected one {code}: {diags:?}");
    let origin = found[0].origin.clone().expect("an origin");
    (found[0].severity, origin.line, origin.column)
}

const SIMPLE: &str = r#"<CollegeTranscript>
  <TransmissionData>
    <DocumentID>D1</DocumentID>
    <CreatedDateTime>2020-05-01T10:00:00</CreatedDateTime>
    <Source><Organization><FICE>001234</FICE><OrganizationName>Example College</OrganizationName></Organization></Source>
  </TransmissionData>
  <Student>
    <Person>
      <SchoolAssignedPersonID>S1</SchoolAssignedPersonID>
      <SSN>123456789</SSN>
      <Name><FirstName>Ada</FirstName><LastName>Lovelace</LastName></Name>
    </Person>
    <AcademicRecord>
      <AcademicSession>
        <AcademicSessionDetail><SessionDesignator>2019-09</SessionDesignator><SessionName>Fall 2019</SessionName></AcademicSessionDetail>
        <Course><CourseCreditValue>3</CourseCreditValue><CourseAcademicGrade>A</CourseAcademicGrade><CourseSubjectAbbreviation>CHEM</CourseSubjectAbbreviation><CourseNumber>101</CourseNumber><CourseTitle>General Chemistry</CourseTitle></Course>
        <Course><CourseCreditValue>3</CourseCreditValue><CourseAcademicGrade>B</CourseAcademicGrade><CourseSubjectAbbreviation>CHEM</CourseSubjectAbbreviation><CourseNumber>101</CourseNumber><CourseTitle>General Chemistry</CourseTitle></Course>
      </AcademicSession>
      <AcademicAward><AcademicAwardLevel>2.4</AcademicAwardLevel><AcademicAwardDate>2020-04-30</AcademicAwardDate><AcademicAwardTitle>Bachelor of Science</AcademicAwardTitle></AcademicAward>
    </AcademicRecord>
  </Student>
</CollegeTranscript>
"#;

/// `SIMPLE` with every element prefixed and namespaces declared.
fn namespaced(xml: &str) -> String {
    let prefixed = xml.replace("</", "\u{0}").replace('<', "<AcRec:").replace('\u{0}', "</AcRec:");
    prefixed.replacen(
        "<AcRec:CollegeTranscript>",
        "<AcRec:CollegeTranscript xmlns:AcRec=\"urn:org:pesc:sector:AcademicRecord:v1.9.0\">",
        1,
    )
}

/// The transcript with every origin reduced to its file (columns differ with prefixes).
fn without_positions(mut t: PescTranscript) -> PescTranscript {
    let file = Origin::file("t.xml");
    t.origin = file.clone();
    t.learner.origin = file.clone();
    t.terms.iter_mut().for_each(|x| x.origin = file.clone());
    t.courses.iter_mut().for_each(|x| x.origin = file.clone());
    t.catalog.iter_mut().for_each(|x| x.origin = file.clone());
    t.achievements.iter_mut().for_each(|x| x.origin = file.clone());
    t.awards.iter_mut().for_each(|x| x.origin = file.clone());
    t.summaries.iter_mut().for_each(|x| x.origin = file.clone());
    t
}

#[test]
fn reads_a_simple_transcript() {
    let (ts, diags) = read(SIMPLE);
    assert!(diags.is_empty(), "{diags:?}");
    let t = &ts[0];
    assert_eq!(t.learner.id, "S1");
    assert_eq!(t.terms[0].id, "2019-09");
    let ids: Vec<_> = t.courses.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["S1/2019-09/CHEM-101", "S1/2019-09/CHEM-101#2"]);
    assert_eq!(t.catalog.len(), 1);
    assert_eq!(t.courses[0].origin, Origin::at("t.xml", 16, 9));
    assert_eq!(t.awards[0].id, "S1/BACHELOR-OF-SCIENCE/2020-04-30");
    assert_eq!(t.achievements[0].kind, crate::model::AchievementKind::Degree);
    assert!(!serde_json::to_string(t).expect("json").contains("123456789"));
}

#[test]
fn namespaced_and_plain_read_the_same() {
    let (plain, d1) = read(SIMPLE);
    let (prefixed, d2) = read(&namespaced(SIMPLE));
    assert!(d1.is_empty() && d2.is_empty(), "{d1:?} {d2:?}");
    assert_eq!(plain.len(), 1);
    let plain: Vec<_> = plain.into_iter().map(without_positions).collect();
    let prefixed: Vec<_> = prefixed.into_iter().map(without_positions).collect();
    assert_eq!(plain, prefixed);
}

#[test]
fn doctype_is_refused_and_never_expanded() {
    let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">\n]>\n<CollegeTranscript><Student><Person><Name><FirstName>&lol2;</FirstName></Name></Person></Student></CollegeTranscript>";
    let (ts, diags) = read(xml);
    assert!(ts.is_empty());
    assert_eq!(only(&diags, Code::XmlDtd), (Severity::Error, Some(2), Some(1)));
    assert_eq!(diags.len(), 1, "reading stops at the DTD: {diags:?}");
}

#[test]
fn entity_declaration_anywhere_is_refused() {
    let xml = "<CollegeTranscript>\n  <!ENTITY x \"y\">\n</CollegeTranscript>";
    let (ts, diags) = read(xml);
    assert!(ts.is_empty());
    assert_eq!(only(&diags, Code::XmlDtd), (Severity::Error, Some(2), Some(3)));
}

#[test]
fn unknown_entity_is_an_error_and_not_expanded() {
    let xml = SIMPLE.replace("<FirstName>Ada</FirstName>", "<FirstName>&foo;</FirstName>");
    let (ts, diags) = read(&xml);
    assert!(ts.is_empty());
    assert_eq!(only(&diags, Code::XmlSyntax), (Severity::Error, Some(11), Some(24)));
    assert!(diags.iter().any(|d| d.message.contains("&foo;")));
}

#[test]
fn character_references_and_xml_entities_are_resolved() {
    let xml = SIMPLE.replace("<FirstName>Ada</FirstName>", "<FirstName>Ad&#233;l&#xE8; &amp; &lt;Co&gt;</FirstName>");
    let (ts, diags) = read(&xml);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(ts[0].learner.given_name, "Adélè & <Co>");
}

#[test]
fn malformed_xml_points_at_the_line() {
    let xml = "<CollegeTranscript>\n  <Student>\n    <Person>\n    </Student>\n</CollegeTranscript>";
    let (ts, diags) = read(xml);
    assert!(ts.is_empty());
    let (severity, line, _) = only(&diags, Code::XmlSyntax);
    assert_eq!((severity, line), (Severity::Error, Some(4)));
}

#[test]
fn truncated_file_is_a_syntax_error() {
    let cut = &SIMPLE[..SIMPLE.find("<AcademicAward>").expect("award")];
    let (ts, diags) = read(cut);
    assert!(ts.is_empty());
    assert_eq!(only(&diags, Code::XmlSyntax).0, Severity::Error);
}

#[test]
fn other_roots_are_not_transcripts() {
    let (ts, diags) = read("<?xml version=\"1.0\"?>\n<HighSchoolTranscript><Student/></HighSchoolTranscript>");
    assert!(ts.is_empty());
    assert_eq!(only(&diags, Code::NotPescTranscript), (Severity::Error, Some(2), Some(1)));
    let (_, diags) = read("<AcademicRecordBatch><BatchContent/></AcademicRecordBatch>");
    assert_eq!(only(&diags, Code::NotPescTranscript).0, Severity::Error);
    let (_, diags) = read("");
    assert_eq!(only(&diags, Code::NotPescTranscript).0, Severity::Error);
}

#[test]
fn a_transcript_without_learner_id_or_name_is_skipped() {
    let xml = "<CollegeTranscript>\n<Student>\n<Person><Birth><BirthDate>2000-01-01</BirthDate></Birth></Person>\n</Student>\n</CollegeTranscript>";
    let (ts, diags) = read(xml);
    assert!(ts.is_empty());
    assert_eq!(only(&diags, Code::MissingElement), (Severity::Error, Some(3), Some(1)));
}

#[test]
fn bad_numbers_and_dates_are_reported_and_the_record_kept() {
    let xml = SIMPLE
        .replacen("<CourseCreditValue>3</CourseCreditValue>", "<CourseCreditValue>three</CourseCreditValue>", 1)
        .replace("<SessionDesignator>2019-09</SessionDesignator>", "<SessionDesignator>Fall</SessionDesignator>");
    let (ts, diags) = read(&xml);
    assert_eq!(only(&diags, Code::BadElementValue), (Severity::Warning, Some(16), Some(17)));
    // No dates, no YYYY-MM designator: the CreatedDateTime date, with a warning.
    assert_eq!(only(&diags, Code::MissingElement), (Severity::Warning, Some(14), Some(7)));
    let t = &ts[0];
    assert_eq!(t.courses.len(), 2);
    assert_eq!(t.courses[0].credits_attempted, 0.0);
    assert_eq!(t.terms[0].id, "Fall");
    assert_eq!(Some(t.terms[0].start), Date::new(2020, 5, 1));
}

#[test]
fn declared_latin1_is_transcoded() {
    let mut xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n".to_vec();
    xml.extend_from_slice(SIMPLE.replace("Ada", "Ad\u{0}").as_bytes());
    let at = xml.iter().position(|b| *b == 0).expect("marker");
    xml[at] = 0xE9; // é in Latin-1
    let (ts, diags) = read_bytes(&xml);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(ts[0].learner.given_name, "Adé");
}

#[test]
fn invalid_utf8_is_an_encoding_error() {
    let xml = SIMPLE.replace("Ada", "Ad\u{0}");
    let mut bytes = xml.into_bytes();
    let at = bytes.iter().position(|b| *b == 0).expect("marker");
    bytes[at] = 0xFF;
    let (ts, diags) = read_bytes(&bytes);
    assert!(ts.is_empty());
    assert_eq!(only(&diags, Code::Encoding).0, Severity::Error);
}

/// An AcademicRecordBatch of `n` small transcripts, generated as it is read.
struct GeneratedBatch {
    n: usize,
    next: usize,
    chunk: Vec<u8>,
    pos: usize,
    generated: Rc<Cell<usize>>,
}

impl GeneratedBatch {
    fn refill(&mut self) {
        self.pos = 0;
        self.chunk = if self.next == 0 {
            b"<?xml version=\"1.0\"?>\n<AcRecBat:AcademicRecordBatch xmlns:AcRecBat=\"urn:x\"><BatchContent>\n".to_vec()
        } else if self.next <= self.n {
            let i = self.next;
            format!(
                "<ColTrn:CollegeTranscript xmlns:ColTrn=\"urn:y\"><TransmissionData><DocumentID>D{i}</DocumentID></TransmissionData>\
<Student><Person><SchoolAssignedPersonID>S{i}</SchoolAssignedPersonID><Name><FirstName>F{i}</FirstName><LastName>L</LastName></Name></Person>\
<AcademicRecord><AcademicSession><AcademicSessionDetail><SessionDesignator>2020-09</SessionDesignator></AcademicSessionDetail>\
<Course><CourseSubjectAbbreviation>CS</CourseSubjectAbbreviation><CourseNumber>{}</CourseNumber><CourseCreditValue>3</CourseCreditValue><CourseAcademicGrade>A</CourseAcademicGrade></Course>\
</AcademicSession></AcademicRecord></Student></ColTrn:CollegeTranscript>\n",
                100 + i % 50
            )
            .into_bytes()
        } else if self.next == self.n + 1 {
            b"</BatchContent></AcRecBat:AcademicRecordBatch>\n".to_vec()
        } else {
            Vec::new()
        };
        self.generated.set(self.next.min(self.n));
        self.next += 1;
    }
}

impl Read for GeneratedBatch {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.chunk.len() {
            if self.next > self.n + 1 {
                return Ok(0);
            }
            self.refill();
        }
        let n = (self.chunk.len() - self.pos).min(out.len());
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn streams_a_large_batch_one_transcript_at_a_time() {
    const N: usize = 20_000;
    let generated = Rc::new(Cell::new(0));
    let batch = GeneratedBatch { n: N, next: 0, chunk: Vec::new(), pos: 0, generated: Rc::clone(&generated) };
    let mut diags = Diagnostics::new();
    let mut count = 0;
    let mut generated_at_first = None;
    let mut last = String::new();
    read_transcripts(BufReader::new(batch), Path::new("big.xml"), &mut diags, |t| {
        count += 1;
        generated_at_first.get_or_insert(generated.get());
        assert_eq!(t.courses.len(), 1);
        last = t.learner.id;
    });
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(count, N);
    assert_eq!(last, format!("S{N}"));
    let first = generated_at_first.expect("a transcript");
    assert!(first < 100, "the first transcript came before the input was read ({first} generated)");
}

#[test]
fn never_panics_on_a_cut_or_damaged_file() {
    let bytes = namespaced(SIMPLE).into_bytes();
    for cut in 0..bytes.len() {
        let _ = read_bytes(&bytes[..cut]);
    }
    for i in (0..bytes.len()).step_by(5) {
        for b in [b'<', b'>', b'&', b'/', b'!', b'"', b'?', 0xFF, 0xC3] {
            let mut damaged = bytes.clone();
            damaged[i] = b;
            let _ = read_bytes(&damaged);
        }
    }
}

#[test]
fn deep_nesting_is_refused() {
    let xml = format!("<CollegeTranscript>{}", "<a>".repeat(1000));
    let (ts, diags) = read(&xml);
    assert!(ts.is_empty());
    assert!(diags.iter().any(|d| d.code == Code::XmlSyntax && d.message.contains("deeper")));
}

#[test]
fn overlong_text_is_cut_with_a_warning() {
    let long = "x".repeat(100_000);
    let xml = SIMPLE.replace(">General Chemistry<", &format!(">{long}<"));
    let (ts, diags) = read(&xml);
    assert_eq!(ts.len(), 1);
    assert!(diags.iter().all(|d| d.code == Code::BadElementValue), "{diags:?}");
    assert_eq!(ts[0].catalog[0].title.len(), 64 * 1024);
}

mod fuzz {
    use proptest::prelude::*;

    use super::read_bytes;

    const TOKENS: &[&str] = &[
        "<CollegeTranscript>",
        "</CollegeTranscript>",
        "<Student>",
        "</Student>",
        "<Person>",
        "</Person>",
        "<AcademicRecord>",
        "</AcademicRecord>",
        "<Course>",
        "</Course>",
        "<CourseCreditValue>",
        "</CourseCreditValue>",
        "<AcademicSession>",
        "</AcademicSession>",
        "<SessionDesignator>",
        "</SessionDesignator>",
        "<AcademicAward>",
        "</AcademicAward>",
        "<!DOCTYPE x>",
        "<!ENTITY y 'z'>",
        "&amp;",
        "&foo;",
        "&#0;",
        "&#xD800;",
        "<![CDATA[a]]>",
        "<!-- c -->",
        "<?pi x?>",
        "2019-09",
        "3.5",
        "NaN",
        "-1",
        "x",
        " ",
        "\n",
        "<a/>",
        "é",
    ];

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = read_bytes(&data);
        }

        #[test]
        fn arbitrary_token_soup_never_panics(picks in proptest::collection::vec(0..TOKENS.len(), 0..80)) {
            let xml: String = picks.iter().map(|&i| TOKENS[i]).collect();
            let _ = read_bytes(xml.as_bytes());
        }
    }
}
