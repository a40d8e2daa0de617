//! The synthetic registrar tables.

use super::Rng;
use super::framework::Generated;

/// The synthetic institution's settings.
pub const INSTITUTION: &str = r#"# Synthetic input written by `xtranscript gen` (for benchmarks and scale tests).
[institution]
name = "Synthetic State University"
url = "https://www.synthetic.example.edu/"
did = "did:web:registrar.synthetic.example.edu"
identifiers = [{ type = "OPEID", value = "09999900" }]

[grading]
name = "Letter grades (4.0 scale)"
passing_grade = "D"
grades = [
  { grade = "A", points = 4.0 }, { grade = "A-", points = 3.7 }, { grade = "B+", points = 3.3 },
  { grade = "B", points = 3.0 }, { grade = "B-", points = 2.7 }, { grade = "C+", points = 2.3 },
  { grade = "C", points = 2.0 }, { grade = "D", points = 1.0 }, { grade = "F", points = 0.0, credit = false },
  { grade = "P", pass_fail = true }, { grade = "W", credit = false, gpa = false }, { grade = "TR", gpa = false },
]

[transcript]
issued_at = "2026-06-01T00:00:00Z"
repeat_policy = "last"
verification_url = "https://registrar.synthetic.example.edu/verify/"
salt_secret = "synthetic-benchmark-secret-0001"
fonts = ["fonts/wqy-microhei-subset.ttf"]

[status]
base_url = "https://registrar.synthetic.example.edu/status/"
"#;

const SUBJECTS: &[&str] = &["CS", "DS", "MATH", "STAT", "ENG", "HIST", "BIO", "PHYS"];
const COURSES_PER_SUBJECT: usize = 20;
const GIVEN: &[&str] = &[
    "Ana", "Ben", "Chloé", "Dmitri", "Eun-ji", "Fatima", "Giorgos", "Hana", "Ivan", "Jamal", "Kenji", "Lucía", "Mei",
    "Noa", "Olu", "Priya",
];
const FAMILY: &[&str] = &[
    "Silva",
    "Okafor",
    "Müller",
    "Иванова",
    "김",
    "Haddad",
    "Παππάς",
    "佐藤",
    "Cohen",
    "Nguyễn",
    "García",
    "Smith",
    "O'Brien",
    "Kowalski",
];
const GRADES: &[(&str, f64)] = &[
    ("A", 0.22),
    ("A-", 0.15),
    ("B+", 0.14),
    ("B", 0.14),
    ("B-", 0.1),
    ("C+", 0.08),
    ("C", 0.08),
    ("D", 0.04),
    ("F", 0.05),
];
const TERMS: &[(&str, &str, &str, &str)] = &[
    ("2022FA", "Fall 2022", "2022-08-29", "2022-12-16"),
    ("2023SP", "Spring 2023", "2023-01-17", "2023-05-12"),
    ("2023FA", "Fall 2023", "2023-08-28", "2023-12-15"),
    ("2024SP", "Spring 2024", "2024-01-16", "2024-05-10"),
    ("2024FA", "Fall 2024", "2024-08-26", "2024-12-13"),
    ("2025SP", "Spring 2025", "2025-01-14", "2025-05-09"),
    ("2025FA", "Fall 2025", "2025-08-25", "2025-12-12"),
    ("2026SP", "Spring 2026", "2026-01-13", "2026-05-08"),
];
const BADGES: usize = 30;

fn csv(rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    for row in rows {
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

fn row(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| f.to_string()).collect()
}

fn grade(rng: &mut Rng) -> &'static str {
    let mut x = rng.below(1000) as f64 / 1000.0;
    for (g, p) in GRADES {
        if x < *p {
            return g;
        }
        x -= p;
    }
    "B"
}

/// Every table, as (file name, bytes).
pub fn tables(learners: usize, framework: &Generated, rng: &mut Rng) -> Vec<(String, Vec<u8>)> {
    let courses: Vec<(String, u32)> = SUBJECTS
        .iter()
        .flat_map(|s| {
            (0..COURSES_PER_SUBJECT).map(move |n| (format!("{s}-{}", 100 + n * 10), if n % 3 == 0 { 4 } else { 3 }))
        })
        .collect();
    let mut course_rows = vec![row(&["course_id", "subject", "number", "title", "credits", "description"])];
    let mut alignment_rows = vec![row(&["source_kind", "source_id", "competency", "level", "weight"])];
    for (id, credits) in &courses {
        let (subject, number) = id.split_once('-').unwrap_or((id, ""));
        course_rows.push(vec![
            id.clone(),
            subject.into(),
            number.into(),
            format!("{subject} {number}: Topics in {subject}"),
            credits.to_string(),
            format!("A synthetic {subject} course."),
        ]);
        for _ in 0..3 {
            alignment_rows.push(vec![
                "course".into(),
                id.clone(),
                rng.pick(&framework.leaves).clone(),
                (1 + rng.below(3)).to_string(),
                "1".into(),
            ]);
        }
    }
    let mut achievement_rows =
        vec![row(&["achievement_id", "kind", "name", "description", "criteria", "competencies"])];
    for b in 0..BADGES {
        achievement_rows.push(vec![
            format!("BADGE-{b:02}"),
            "badge".into(),
            format!("Skill badge {b}"),
            format!("Synthetic skill badge {b}."),
            "Complete the badge assessment.".into(),
            rng.pick(&framework.leaves).clone(),
        ]);
    }
    let term_rows = std::iter::once(row(&["term_id", "name", "start_date", "end_date"]))
        .chain(TERMS.iter().map(|t| row(&[t.0, t.1, t.2, t.3])))
        .collect();
    let mut learner_rows = vec![row(&["learner_id", "given_name", "family_name", "birth_date", "email", "program"])];
    let mut record_rows = vec![row(&[
        "learner_id",
        "term_id",
        "course_id",
        "credits_attempted",
        "grade",
        "repeat",
        "transfer",
        "in_progress",
        "transfer_institution",
        "title",
    ])];
    let mut award_rows =
        vec![row(&["learner_id", "achievement_id", "awarded_date", "term_id", "evidence_url", "result"])];
    for l in 0..learners {
        let id = format!("S{:07}", l + 1);
        let given = *rng.pick(GIVEN);
        let family = *rng.pick(FAMILY);
        learner_rows.push(vec![
            id.clone(),
            given.into(),
            family.into(),
            format!("{}-0{}-1{}", 2000 + rng.below(6), 1 + rng.below(9), rng.below(9)),
            format!("{}@students.synthetic.example.edu", id.to_lowercase()),
            "BSc Synthetic Studies".into(),
        ]);
        learner_records(&id, &courses, rng, &mut record_rows);
        for _ in 0..10 {
            let term = rng.pick(&TERMS[..7]);
            award_rows.push(vec![
                id.clone(),
                format!("BADGE-{:02}", rng.below(BADGES)),
                term.3.into(),
                term.0.into(),
                format!("https://portfolio.synthetic.example.edu/{id}/{}", rng.below(1000)),
                "Proficient".into(),
            ]);
        }
    }
    dedup_awards(&mut award_rows);
    vec![
        ("learners.csv".into(), csv(learner_rows)),
        ("terms.csv".into(), csv(term_rows)),
        ("courses.csv".into(), csv(course_rows)),
        ("course_records.csv".into(), csv(record_rows)),
        ("achievements.csv".into(), csv(achievement_rows)),
        ("awards.csv".into(), csv(award_rows)),
        ("alignments.csv".into(), csv(alignment_rows)),
    ]
}

/// About 40 records over 8 terms: a failed course is repeated next term, the last term is in progress,
/// some learners bring transfer credit.
fn learner_records(id: &str, courses: &[(String, u32)], rng: &mut Rng, rows: &mut Vec<Vec<String>>) {
    let mut taken = std::collections::BTreeSet::new();
    let mut retake: Option<String> = None;
    if rng.chance(0.2) {
        for k in 0..2 {
            rows.push(vec![
                id.into(),
                TERMS[0].0.into(),
                format!("TR-{k}"),
                "3".into(),
                "TR".into(),
                "N".into(),
                "Y".into(),
                "N".into(),
                "Synthetic Community College".into(),
                format!("Transfer elective {k}"),
            ]);
        }
    }
    for (t, term) in TERMS.iter().enumerate() {
        let last = t == TERMS.len() - 1;
        let mut this_term = Vec::new();
        if let Some(course) = retake.take() {
            this_term.push((course, true));
        }
        while this_term.len() < 5 {
            let (course, _) = rng.pick(courses);
            if taken.insert(course.clone()) {
                this_term.push((course.clone(), false));
            }
        }
        for (course, repeat) in this_term {
            let credits = courses.iter().find(|c| c.0 == course).map_or(3, |c| c.1);
            let g = if last {
                ""
            } else if rng.chance(0.02) {
                "W"
            } else if course.ends_with("-100") {
                "P"
            } else {
                grade(rng)
            };
            if g == "F" && !repeat && retake.is_none() {
                retake = Some(course.clone());
            }
            let flag = |b: bool| if b { "Y" } else { "N" }.to_string();
            rows.push(vec![
                id.into(),
                term.0.into(),
                course,
                credits.to_string(),
                g.into(),
                flag(repeat),
                "N".into(),
                flag(last),
                String::new(),
                String::new(),
            ]);
        }
    }
}

/// One award of a badge per learner (keeps the first).
fn dedup_awards(rows: &mut Vec<Vec<String>>) {
    let mut seen = std::collections::BTreeSet::new();
    rows.retain(|r| seen.insert((r[0].clone(), r[1].clone())));
}
