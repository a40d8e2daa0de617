//! `transcript.xml` with the real binary: every sample and synthetic learner's PESC College Transcript
//! validates against the 1.8.0 XSD (xmllint), a golden file, `--outputs`, `--pesc-destination`, and `check`
//! reporting values PESC cannot carry whole.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{build, copy_dir, golden, root, temp_dir, test_key, text, tools_required, xtranscript};

/// Validates `files` with `xmllint --nonet --schema` against the College Transcript 1.8.0 XSD carried in
/// schemas/pesc. Without xmllint (libxml2-utils) the check is skipped with a note, except in CI.
fn assert_xsd_valid(files: &[PathBuf]) {
    assert!(!files.is_empty());
    let schema = root().join("schemas/pesc/xsd/CollegeTranscript_v1.8.0.xsd");
    let run = Command::new("xmllint").args(["--nonet", "--noout", "--schema"]).arg(&schema).args(files).output();
    let Ok(out) = run else {
        assert!(!tools_required(), "xmllint (libxml2-utils) is required in CI");
        eprintln!("note: xmllint not installed; {} transcript.xml files not validated", files.len());
        return;
    };
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "transcript.xml invalid against PESC 1.8.0:\n{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.ends_with(" validates")).count(), files.len(), "{stderr}");
}

/// Every learner's transcript.xml below `out`.
fn transcripts(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out.join("learners"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("transcript.xml"))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn every_sample_learner_gets_a_valid_pesc_transcript() {
    let out = temp_dir("pesc-samples");
    let run = build(&out, &["-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let files = transcripts(&out);
    assert_eq!(files.len(), 28);
    assert_xsd_valid(&files);
    let m = manifest(&out);
    assert_eq!(m["outputs"], serde_json::json!(["clr", "pdf", "html", "pesc"]));
    for learner in m["learners"].as_array().unwrap() {
        let names: Vec<&str> =
            learner["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
        assert!(names[0].ends_with("/clr.json") && names[3].ends_with("/transcript.xml"), "{names:?}");
    }
    // The golden learner: a repeat replaced by the policy, pass/fail grades, courses in progress.
    // Its CLR's digest is replaced by a placeholder, so that a change to clr.json alone leaves this file be.
    let n2025021 = std::fs::read_to_string(out.join("learners/N2025021/transcript.xml")).unwrap();
    let clr_sha256 = m["learners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "N2025021")
        .and_then(|l| l["files"].as_array().unwrap().iter().find(|f| f["path"] == "learners/N2025021/clr.json"))
        .map(|f| f["sha256"].as_str().unwrap().to_string())
        .unwrap();
    assert_eq!(n2025021.matches(&clr_sha256).count(), 2, "the CLR pointer names clr.json's digest");
    golden("pesc-N2025021.xml", &n2025021.replace(&clr_sha256, "<sha256 of clr.json>"));
}

#[test]
fn every_synthetic_learner_gets_a_valid_pesc_transcript() {
    let dir = temp_dir("pesc-synthetic");
    let (input, out) = (dir.join("in"), dir.join("out"));
    let generated = xtranscript(&["gen", "--learners", "200", "--out", input.to_str().unwrap()]);
    assert_eq!(generated.status.code(), Some(0), "{}", text(&generated.stderr));
    let args = ["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key()];
    let run = xtranscript(&[&args[..], &["--outputs", "pesc", "-q"]].concat());
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let files = transcripts(&out);
    assert_eq!(files.len(), 200);
    assert_xsd_valid(&files);
}

#[test]
fn outputs_choose_the_files_and_are_recorded() {
    let (all, pesc_only, clr_pdf) = (temp_dir("outputs-all"), temp_dir("outputs-pesc"), temp_dir("outputs-clr-pdf"));
    assert_eq!(build(&all, &["-q"]).status.code(), Some(0));
    assert_eq!(build(&pesc_only, &["-q", "--outputs", "pesc"]).status.code(), Some(0));
    assert_eq!(build(&clr_pdf, &["-q", "--outputs", "pdf,clr"]).status.code(), Some(0));
    let listing = |out: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(out.join("learners/N2025001"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(listing(&pesc_only), ["transcript.xml"]);
    // The credential files and the baked badges go with clr.json.
    assert_eq!(listing(&clr_pdf), ["badges", "clr.json", "credentials", "transcript.pdf"]);
    // The PESC transcript is the same whatever else is written: it points at the same signed CLR.
    let xml = |out: &Path| std::fs::read(out.join("learners/N2025001/transcript.xml")).unwrap();
    assert_eq!(xml(&pesc_only), xml(&all));
    let (m_all, m_pesc, m_clr_pdf) = (manifest(&all), manifest(&pesc_only), manifest(&clr_pdf));
    assert_eq!(m_pesc["outputs"], serde_json::json!(["pesc"]));
    assert_eq!(m_clr_pdf["outputs"], serde_json::json!(["clr", "pdf"]));
    assert_ne!(m_pesc["fingerprint"], m_all["fingerprint"]);
    assert_ne!(m_clr_pdf["fingerprint"], m_all["fingerprint"]);
    // Another choice into the same directory rebuilds everyone (the run fingerprint differs).
    let again = build(&pesc_only, &["-q", "--outputs", "clr"]);
    assert!(text(&again.stderr).contains("built 28 learner(s) (0 kept"), "{}", text(&again.stderr));
    let bad = build(&temp_dir("outputs-bad"), &["--outputs", "clr,xml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("\"xml\" is not one of clr, pdf, html, pesc"), "{}", text(&bad.stderr));
}

#[test]
fn a_requested_transcript_names_its_destination_and_a_demo_key_makes_it_unofficial() {
    let out = temp_dir("pesc-destination");
    let args = ["build", "samples", "--out", out.to_str().unwrap(), "--demo-key", "-q", "--outputs", "pesc"];
    let run = xtranscript(&[&args[..], &["--pesc-destination", "University of Toronto;ATP=001234"]].concat());
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let xml = std::fs::read_to_string(out.join("learners/N2025001/transcript.xml")).unwrap();
    assert!(xml.contains("<DocumentTypeCode>RequestedRecord</DocumentTypeCode>"), "{xml}");
    assert!(xml.contains(
        "<Destination>\n      <Organization>\n        <ATP>001234</ATP>\n        <OrganizationName>University of Toronto</OrganizationName>"
    ));
    assert!(xml.contains("<DocumentOfficialCode>Unofficial</DocumentOfficialCode>"), "{xml}");
    assert_xsd_valid(&transcripts(&out));
    let bad = xtranscript(&["build", "samples", "--out", "x", "--demo-key", "--pesc-destination", "U;FICE=12"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("FICE \"12\" is not 6 characters"), "{}", text(&bad.stderr));
}

#[test]
fn check_reports_values_pesc_cannot_carry_whole() {
    let input = temp_dir("pesc-check");
    copy_dir(&root().join("samples"), &input);
    let courses = input.join("courses.csv");
    let csv = std::fs::read_to_string(&courses).unwrap();
    let long = format!("Introduction to Programming with Python{}", " and more".repeat(10));
    std::fs::write(&courses, csv.replace("Introduction to Programming with Python", &long)).unwrap();
    let out = xtranscript(&["check", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "warnings only:\n{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let line = stderr.lines().find(|l| l.contains("XT0701") && l.contains("course CS-110")).unwrap_or_else(|| {
        panic!("no XT0701 for CS-110's title:\n{stderr}");
    });
    assert!(
        line.contains("courses.csv:2") && line.contains("has 129 characters; PESC CourseTitle allows 120"),
        "{line}"
    );
    assert!(stderr.contains("identifier CEEB \"3719\" is not 6 characters"), "{stderr}");
    // The build cuts the title and says so once, at the end of the run.
    let out = temp_dir("pesc-check-out");
    let args = ["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key(), "-q"];
    let run = xtranscript(&[&args[..], &["--outputs", "pesc"]].concat());
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let notice = "transcript.xml: CourseTitle of course CS-110 has 129 characters; PESC allows 120: cut to 120";
    assert_eq!(text(&run.stderr).matches(notice).count(), 1, "{}", text(&run.stderr));
}

/// The text of every `<NAME>…</NAME>` element (any prefix) in `xml`, in order.
fn element_texts<'x>(xml: &'x str, name: &str) -> Vec<&'x str> {
    let mut found = Vec::new();
    for (i, _) in xml.match_indices(&format!("{name}>")) {
        let before = &xml[..i];
        let opening = before.rfind('<').is_some_and(|lt| {
            let tag = &before[lt + 1..];
            !tag.starts_with('/') && tag.chars().all(|c| c.is_alphanumeric() || c == ':')
        });
        let rest = &xml[i + name.len() + 1..];
        if opening && let Some(end) = rest.find('<') {
            found.push(rest[..end].trim());
        }
    }
    found
}

/// A grading scale for the grades a third-party transcript uses: letter grades on a 4.0 scale, percentages
/// of 50 and more passing without points (their senders' GPA conversions are not published with them), and
/// the codes these samples use: TR (transfer), CR (credit, pass/fail), CONT (continuing: in progress), IC
/// (incomplete), NGR (no grade reported).
fn scale_for(grades: &[&str]) -> String {
    const LETTERS: [(&str, f64); 13] = [
        ("A+", 4.0),
        ("A", 4.0),
        ("A-", 3.7),
        ("B+", 3.3),
        ("B", 3.0),
        ("B-", 2.7),
        ("C+", 2.3),
        ("C", 2.0),
        ("C-", 1.7),
        ("D+", 1.3),
        ("D", 1.0),
        ("D-", 0.7),
        ("F", 0.0),
    ];
    let mut lines = vec!["[grading]".to_string(), "name = \"sample\"".into(), "passing_grade = \"D\"".into()];
    let mut entry = |grade: &str, rest: &str| {
        lines.push(format!("[[grading.grades]]\ngrade = \"{grade}\"\n{rest}"));
    };
    let percent = |g: &&str| g.parse::<u32>().ok();
    let mut others: Vec<&str> = grades.iter().copied().filter(|g| percent(g).is_none()).collect();
    others.sort();
    others.dedup();
    let mut passing: Vec<u32> = grades.iter().filter_map(percent).filter(|p| *p >= 50).collect();
    passing.sort_unstable_by(|a, b| b.cmp(a));
    passing.dedup();
    for p in passing {
        entry(&p.to_string(), "gpa = false");
    }
    for code in ["TR", "CR"].into_iter().filter(|c| others.contains(c)) {
        entry(code, if code == "CR" { "pass_fail = true" } else { "gpa = false" });
    }
    for (letter, points) in LETTERS {
        entry(letter, &format!("points = {points:.1}{}", if letter == "F" { "\ncredit = false" } else { "" }));
    }
    let mut failing: Vec<u32> = grades.iter().filter_map(percent).filter(|p| *p < 50).collect();
    failing.sort_unstable();
    failing.dedup();
    for p in failing {
        entry(&p.to_string(), "gpa = false\ncredit = false");
    }
    for code in others.iter().filter(|g| !LETTERS.iter().any(|(l, _)| l == *g) && !["TR", "CR"].contains(g)) {
        entry(code, if *code == "CONT" { "in_progress = true" } else { "gpa = false\ncredit = false" });
    }
    lines.join("\n") + "\n"
}

/// The third-party PESC transcripts of the shared standards (1.3, 1.4 in a batch, un-namespaced, 1.8), each
/// built as the input of the institution that sent it, come out as valid 1.8.0 transcripts with every course
/// that came in. The GPAs are printed beside the senders' (see the note in the README).
#[test]
fn third_party_pesc_transcripts_come_out_as_valid_1_8_0() {
    let samples = root().join("../shared/standards/pesc/samples");
    let files = super::files_in(&samples, "xml");
    assert!(!files.is_empty() || !samples.exists(), "no samples in {}", samples.display());
    for file in files {
        let xml = std::fs::read_to_string(&file).unwrap();
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = temp_dir(&format!("third-party-{name}"));
        let (input, out) = (dir.join("in"), dir.join("out"));
        std::fs::create_dir_all(input.join("pesc")).unwrap();
        std::fs::copy(&file, input.join("pesc").join(file.file_name().unwrap())).unwrap();
        let source = &xml[xml.find("<Source>").unwrap()..];
        let sender = element_texts(source, "OrganizationName")[0];
        let grades = element_texts(&xml, "CourseAcademicGrade");
        let toml =
            format!("[institution]\nname = \"{sender}\"\nurl = \"https://sender.example/\"\n\n{}", scale_for(&grades));
        std::fs::write(input.join("institution.toml"), toml).unwrap();
        for (table, header) in [
            ("learners", "learner_id,given_name,family_name"),
            ("terms", "term_id,name,start_date,end_date"),
            ("courses", "course_id,subject,number,title,credits"),
            ("course_records", "learner_id,term_id,course_id"),
        ] {
            std::fs::write(input.join(format!("{table}.csv")), format!("{header}\n")).unwrap();
        }
        let (code, report) = super::check_json(input.to_str().unwrap());
        assert_eq!(report["errors"], 0, "{name}: {report:#}");
        assert!(code == 0, "{name}: check exit {code}");
        let courses_in = report["summary"]["course_records"].as_u64().unwrap();
        let args = ["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--demo-key", "-q"];
        let run = xtranscript(&[&args[..], &["--outputs", "pesc"]].concat());
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        let written = transcripts(&out);
        assert_xsd_valid(&written);
        let mut courses_out = 0;
        for path in &written {
            let ours = std::fs::read_to_string(path).unwrap();
            courses_out += ours.matches("<Course>").count() as u64;
            let summary = &ours[ours.find("<AcademicSummaryType>SenderOnly").unwrap()..];
            let gpa = element_texts(&summary[..summary.find("</AcademicSummary>").unwrap()], "GradePointAverage");
            eprintln!("{name}: {}: our GPA {gpa:?}", path.parent().unwrap().file_name().unwrap().to_string_lossy());
        }
        eprintln!("{name}: the sender's GPAs {:?}", element_texts(&xml, "GradePointAverage"));
        assert_eq!(courses_out, courses_in, "{name}: every course that came in goes out");
        assert!(courses_in > 0, "{name}");
    }
}
