//! Realistic sample views for tests, benchmarks and looking at the layout: the
//! Northbridge Institute of Technology of the bundled `samples/`.

use super::labels::Labels;
use super::templates::Templates;
use super::view::{
    AchievementView, CompetencyRow, CourseRow, DegreeView, Fixed, FrameworkView, GradeRow, GradingLegend,
    IdentifierView, InstitutionView, LearnerView, RecordTotals, TermView, Totals, TranscriptView, VerificationView,
};

/// Quality points of a grade on the sample's 4.0 scale; `None` for grades outside the GPA.
fn points(grade: &str) -> Option<f64> {
    Some(match grade {
        "A" => 4.0,
        "A-" => 3.7,
        "B+" => 3.3,
        "B" => 3.0,
        "B-" => 2.7,
        "C+" => 2.3,
        "C" => 2.0,
        "C-" => 1.7,
        "D+" => 1.3,
        "D" => 1.0,
        "F" => 0.0,
        _ => return None,
    })
}

/// Whether a grade earns the course's credit.
fn earns(grade: &str) -> bool {
    !matches!(grade, "F" | "NP" | "W" | "I")
}

/// A course line: code, title, credits, grade ("" while in progress), marks "R", "T", "E".
struct C(&'static str, &'static str, f64, &'static str, &'static str);

#[derive(Default, Clone, Copy)]
struct Sums {
    attempted: f64,
    earned: f64,
    gpa_credits: f64,
    quality_points: f64,
}

impl Sums {
    fn totals(self) -> Totals {
        Totals {
            attempted: Fixed::credits(self.attempted),
            earned: Fixed::credits(self.earned),
            gpa_credits: Fixed::credits(self.gpa_credits),
            quality_points: Fixed::credits(self.quality_points),
            gpa: (self.gpa_credits > 0.0).then(|| Fixed::gpa(self.quality_points / self.gpa_credits)),
        }
    }
}

/// Builds terms with consistent term and cumulative totals, by the rules of `assemble::gpa`:
/// transfer rows are totalled apart; in-progress rows count nowhere; a replaced attempt ("E")
/// counts in credits attempted only.
struct Record {
    cumulative: Sums,
    transfer: Option<Sums>,
    terms: Vec<TermView>,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.attempted += other.attempted;
        self.earned += other.earned;
        self.gpa_credits += other.gpa_credits;
        self.quality_points += other.quality_points;
    }
}

impl Record {
    fn new() -> Record {
        Record { cumulative: Sums::default(), transfer: None, terms: Vec::new() }
    }

    /// The record's totals: institution, transfer, overall.
    fn totals(&self) -> RecordTotals {
        let mut overall = self.cumulative;
        overall.add(self.transfer.unwrap_or_default());
        RecordTotals {
            institution: self.cumulative.totals(),
            transfer: self.transfer.map(Sums::totals),
            overall: overall.totals(),
        }
    }

    fn term(&mut self, id: &str, name: &str, year: Option<&str>, note: Option<&str>, courses: &[C]) -> &mut Record {
        let (mut home, mut transfer) = (None::<Sums>, None::<Sums>);
        let rows = courses
            .iter()
            .map(|C(code, title, credits, grade, marks)| {
                let in_progress = grade.is_empty();
                let is_transfer = marks.contains('T');
                let excluded = marks.contains('E');
                let earned = (!in_progress).then(|| if earns(grade) && !excluded { *credits } else { 0.0 });
                let sums = if is_transfer { transfer.get_or_insert_default() } else { home.get_or_insert_default() };
                if !in_progress {
                    sums.attempted += credits;
                    sums.earned += earned.unwrap_or(0.0);
                    if let Some(p) = points(grade).filter(|_| !excluded && !is_transfer) {
                        sums.gpa_credits += credits;
                        sums.quality_points += p * credits;
                    }
                }
                CourseRow {
                    code: (*code).to_string(),
                    title: (*title).to_string(),
                    note: None,
                    attempted: Fixed::credits(*credits),
                    earned: earned.map(Fixed::credits),
                    grade: (!in_progress).then(|| (*grade).to_string()),
                    repeat: marks.contains('R') || excluded,
                    transfer: is_transfer,
                    in_progress,
                    excluded,
                }
            })
            .collect();
        self.cumulative.add(home.unwrap_or_default());
        if let Some(t) = transfer {
            self.transfer.get_or_insert_default().add(t);
        }
        self.terms.push(TermView {
            id: id.to_string(),
            name: name.to_string(),
            academic_year: year.map(str::to_string),
            note: note.map(str::to_string),
            courses: rows,
            term_totals: home.map(Sums::totals),
            transfer: transfer.map(Sums::totals),
            cumulative: self.cumulative.totals(),
        });
        self
    }
}

fn institution() -> InstitutionView {
    InstitutionView {
        name: "Northbridge Institute of Technology".to_string(),
        address_lines: vec![
            "Office of the Registrar, 1200 Harbor Point Drive, Northbridge, MA 01534, United States".to_string(),
        ],
        identifiers: [("OPEID", "03991200"), ("IPEDS", "499812"), ("CEEB", "3719")]
            .into_iter()
            .map(|(k, v)| IdentifierView { kind: k.to_string(), value: v.to_string() })
            .collect(),
        contact: vec![
            "www.northbridge.example.edu".to_string(),
            "registrar@northbridge.example.edu".to_string(),
            "+1-508-555-0142".to_string(),
        ],
        logo: None,
    }
}

fn grading() -> GradingLegend {
    let grades: [(&str, Option<f64>, &str); 16] = [
        ("A", Some(4.0), "Excellent"),
        ("A-", Some(3.7), "Excellent"),
        ("B+", Some(3.3), "Very good"),
        ("B", Some(3.0), "Good"),
        ("B-", Some(2.7), "Good"),
        ("C+", Some(2.3), "Satisfactory"),
        ("C", Some(2.0), "Satisfactory"),
        ("C-", Some(1.7), "Below satisfactory"),
        ("D+", Some(1.3), "Poor, passing"),
        ("D", Some(1.0), "Minimum passing grade"),
        ("F", Some(0.0), "Failure; no credit"),
        ("P", None, "Pass (C- or better); credit earned, not in the GPA"),
        ("NP", None, "No pass; no credit, not in the GPA"),
        ("W", None, "Withdrawn after the add/drop period; no credit"),
        ("I", None, "Incomplete; to be completed by the end of the following term"),
        ("TR", None, "Transfer credit accepted; not in the GPA"),
    ];
    GradingLegend {
        scale_name: "Undergraduate letter grades (4.0 scale); the GPA counts graded credits only.".to_string(),
        grades: grades
            .iter()
            .map(|(g, p, m)| GradeRow { grade: (*g).to_string(), points: p.map(Fixed::gpa), meaning: (*m).to_string() })
            .collect(),
    }
}

fn verification(id: &str) -> VerificationView {
    VerificationView {
        url: format!("https://registrar.northbridge.example.edu/verify/urn:uuid:5f0c2a7e-41d3-5b8e-9c1a-{id}"),
        clr_sha256: "3b8f0e6c2d9a41f7b5c8e2a09d6f4b1c7e3a5d9f0b2c4e6a8d1f3b5c7e9a0d2f".to_string(),
        issuer_did: "did:web:registrar.northbridge.example.edu".to_string(),
        status_lists: Vec::new(),
    }
}

fn labels() -> Labels {
    Templates::embedded().labels().clone()
}

fn nit_framework(items: &[(u8, &str, &str, Option<&str>)]) -> FrameworkView {
    FrameworkView {
        title: "Undergraduate Learning Outcomes (Computing and Data Science)".to_string(),
        publisher: Some("Northbridge Institute of Technology".to_string()),
        version: None,
        language: None,
        items: items
            .iter()
            .map(|(depth, code, statement, level)| CompetencyRow {
                depth: *depth,
                code: Some((*code).to_string()),
                statement: (*statement).to_string(),
                level: level.map(str::to_string),
                derived: false,
            })
            .collect(),
    }
}

fn dds_framework(items: &[(u8, &str, &str, Option<&str>)]) -> FrameworkView {
    FrameworkView {
        title: "Digital & Data Skills Reference Framework".to_string(),
        publisher: Some("National Digital Skills Council".to_string()),
        version: Some("2.1".to_string()),
        language: None,
        items: items
            .iter()
            .map(|(depth, code, statement, level)| CompetencyRow {
                depth: *depth,
                code: Some((*code).to_string()),
                statement: (*statement).to_string(),
                level: level.map(str::to_string),
                derived: true,
            })
            .collect(),
    }
}

fn badge(kind: &str, name: &str, awarded: &str, result: Option<&str>) -> AchievementView {
    AchievementView {
        kind: kind.to_string(),
        name: name.to_string(),
        awarded: awarded.to_string(),
        result: result.map(str::to_string),
    }
}

const TRANSFER_NOTE: &str = "Transfer credit from Granite Bay Community College, accepted 2025-08-15";

impl TranscriptView {
    /// A typical transcript (two pages): a first-year learner with transfer credit, a
    /// repeated course, a course in progress, competencies in two frameworks (one
    /// reached through a crosswalk) and badges.
    pub fn sample() -> TranscriptView {
        let mut record = Record::new();
        record
            .term(
                "TRANSFER",
                "Transfer Credit",
                None,
                Some(TRANSFER_NOTE),
                &[C("ENG 101", "Academic Writing", 3.0, "TR", "T"), C("MATH 151", "Calculus I", 4.0, "TR", "T")],
            )
            .term(
                "2025FA",
                "Fall 2025",
                Some("2025-2026"),
                None,
                &[
                    C("CS 110", "Introduction to Programming with Python", 4.0, "A-", ""),
                    C("DS 100", "Foundations of Data Science", 3.0, "A-", ""),
                    C("FYS 100", "First-Year Seminar: Data, Society and the Public Interest", 1.0, "P", ""),
                    C("MATH 152", "Calculus II", 4.0, "D+", "E"),
                    C("ENG 215", "Technical and Professional Communication", 3.0, "B+", ""),
                ],
            )
            .term(
                "2026SP",
                "Spring 2026",
                Some("2025-2026"),
                None,
                &[
                    C("CS 210", "Data Structures and Algorithms", 4.0, "B", ""),
                    C("MATH 152", "Calculus II", 4.0, "B+", "R"),
                    C("STAT 201", "Introduction to Statistics", 3.0, "A", ""),
                    C("DS 210", "Data Wrangling and Visualization", 3.0, "A-", ""),
                ],
            )
            .term(
                "2026SU",
                "Summer 2026",
                Some("2025-2026"),
                None,
                &[C("DS 299", "Professional Practice Seminar", 1.0, "", "")],
            );
        if let Some(row) = record.terms[0].courses.first_mut() {
            row.note = Some("Granite Bay Community College: ENGL 1A College Composition".to_string());
        }
        TranscriptView {
            language: "en".to_string(),
            institution: institution(),
            learner: LearnerView {
                name: "José Antonio Muñoz-Ibáñez".to_string(),
                id: "N2025001".to_string(),
                birth_date: Some("2002-03-17".to_string()),
                program: Some("BSc Data Science".to_string()),
                degree: Some("Bachelor of Science in Data Science (in progress)".to_string()),
            },
            totals: record.totals(),
            terms: record.terms,
            degrees: Vec::new(),
            competencies: vec![
                nit_framework(&[
                    (
                        0,
                        "NIT.CF",
                        "Design, implement and reason about computer programs and the data structures and algorithms they rely on.",
                        Some("Developing"),
                    ),
                    (
                        1,
                        "NIT.CF.1",
                        "Write correct, readable programs in a high-level language to solve well-specified problems.",
                        Some("Proficient"),
                    ),
                    (
                        2,
                        "NIT.CF.1.1",
                        "Decompose a problem into functions and modules with clear inputs, outputs and responsibilities.",
                        Some("Proficient"),
                    ),
                    (
                        2,
                        "NIT.CF.1.2",
                        "Test and debug programs systematically, using unit tests, assertions and a debugger.",
                        Some("Proficient"),
                    ),
                    (
                        1,
                        "NIT.DS.1",
                        "Explore data and communicate findings through effective visual displays.",
                        Some("Proficient"),
                    ),
                    (
                        2,
                        "NIT.DS.1.1",
                        "Use summary statistics and exploratory graphics to describe the structure and quality of a data set.",
                        Some("Advanced"),
                    ),
                    (
                        2,
                        "NIT.DS.1.2",
                        "Design accurate, accessible visualizations and dashboards that support a stated decision.",
                        Some("Proficient"),
                    ),
                ]),
                dds_framework(&[
                    (0, "DDS.2", "Data analysis", Some("Proficient")),
                    (1, "DDS.2.1", "Clean, transform and prepare data for analysis.", Some("Proficient")),
                    (
                        1,
                        "DDS.2.4",
                        "Visualize data and communicate insights to different audiences.",
                        Some("Proficient"),
                    ),
                ]),
            ],
            achievements: vec![
                badge("Badge", "Python for Data Analysis", "2025-12-16", Some("Advanced")),
                badge("Badge", "Technical Communication", "2025-12-16", Some("Proficient")),
                badge("Badge", "Data Visualization", "2026-05-15", Some("Proficient")),
            ],
            grading: grading(),
            issue_date: "2026-06-15".to_string(),
            verification: verification("3d2b6e4f1a90"),
            labels: labels(),
            specimen: None,
        }
    }

    /// A transcript that fits on one page: a learner in their first term.
    pub fn sample_one_page() -> TranscriptView {
        let mut view = TranscriptView::sample();
        let mut record = Record::new();
        record.term(
            "2026SP",
            "Spring 2026",
            Some("2025-2026"),
            None,
            &[
                C("CS 110", "Introduction to Programming with Python", 4.0, "A", ""),
                C("DS 100", "Foundations of Data Science", 3.0, "B+", ""),
                C("MATH 151", "Calculus I", 4.0, "B", ""),
                C("FYS 100", "First-Year Seminar", 1.0, "P", ""),
            ],
        );
        view.totals = record.totals();
        view.terms = record.terms;
        view.learner.degree = None;
        view.competencies.truncate(0);
        view.achievements.truncate(0);
        view
    }

    /// A long transcript: twelve terms over four years, a degree, two certificates, a
    /// micro-credential, and the competency trees of a graduate.
    pub fn sample_twelve_terms() -> TranscriptView {
        let mut view = TranscriptView::sample();
        let mut record = Record::new();
        let year = |y: u32| format!("{y}-{}", y + 1);
        let plan: [[C; 4]; 12] = [
            [
                C("CS 110", "Introduction to Programming with Python", 4.0, "A-", ""),
                C("MATH 151", "Calculus I", 4.0, "B+", ""),
                C("ENG 101", "Academic Writing", 3.0, "A", ""),
                C("FYS 100", "First-Year Seminar", 1.0, "P", ""),
            ],
            [
                C("CS 210", "Data Structures and Algorithms", 4.0, "B", ""),
                C("MATH 152", "Calculus II", 4.0, "C-", "E"),
                C("DS 100", "Foundations of Data Science", 3.0, "A", ""),
                C("ECON 101", "Principles of Microeconomics", 3.0, "B+", ""),
            ],
            [
                C("MATH 152", "Calculus II", 4.0, "B", "R"),
                C("STAT 201", "Introduction to Statistics", 3.0, "A-", ""),
                C("PHIL 120", "Ethics and Technology", 3.0, "W", ""),
                C("ENG 215", "Technical and Professional Communication", 3.0, "A-", ""),
            ],
            [
                C("CS 240", "Database Systems", 3.0, "A", ""),
                C("MATH 221", "Linear Algebra", 3.0, "B+", ""),
                C("DS 210", "Data Wrangling and Visualization", 3.0, "A", ""),
                C("PHIL 120", "Ethics and Technology", 3.0, "B+", ""),
            ],
            [
                C("MATH 240", "Discrete Mathematics", 3.0, "B", ""),
                C("STAT 310", "Applied Regression Analysis", 3.0, "A-", ""),
                C("CS 330", "Software Engineering", 3.0, "A", ""),
                C("DS 299", "Professional Practice Seminar", 1.0, "P", ""),
            ],
            [
                C("DS 310", "Machine Learning I", 4.0, "B+", ""),
                C("PHIL 210", "Logic and Critical Reasoning", 3.0, "A-", ""),
                C("DS 320", "Data Ethics and Privacy", 3.0, "A", ""),
                C(
                    "ARTH 105",
                    "Visual Culture: Images, Maps and Diagrams in the Age of Information Graphics",
                    3.0,
                    "B+",
                    "",
                ),
            ],
            [
                C("DS 340", "Natural Language Processing", 3.0, "A-", ""),
                C("DS 350", "Big Data and Cloud Systems", 3.0, "B+", ""),
                C("CS 345", "Distributed Systems", 3.0, "B", ""),
                C("HIST 230", "History of Computing", 3.0, "A", ""),
            ],
            [
                C("DS 410", "Machine Learning II", 3.0, "A-", ""),
                C("STAT 330", "Bayesian Data Analysis", 3.0, "B+", ""),
                C(
                    "DS 395",
                    "Undergraduate Research: Reproducible Pipelines for Public Health Surveillance Data",
                    3.0,
                    "A",
                    "",
                ),
                C("LANG 110", "Introductory Spanish I", 4.0, "A", ""),
            ],
            [
                C("DS 420", "Causal Inference", 3.0, "B+", ""),
                C("CS 360", "Computer Networks", 3.0, "B", ""),
                C("LANG 111", "Introductory Spanish II", 4.0, "A-", ""),
                C("DS 398", "Internship in Data Science", 2.0, "P", ""),
            ],
            [
                C("DS 430", "Time Series Analysis and Forecasting", 3.0, "A", ""),
                C("DS 440", "Deep Learning", 3.0, "A-", ""),
                C("MGMT 210", "Organizational Behaviour", 3.0, "B+", ""),
                C("DS 470", "Data Visualization Studio", 3.0, "A", ""),
            ],
            [
                C("DS 490", "Data Science Capstone", 4.0, "A", ""),
                C("DS 480", "Responsible AI: Fairness, Accountability and Transparency", 3.0, "A", ""),
                C("CS 410", "Information Retrieval", 3.0, "B+", ""),
                C("ECON 310", "Econometrics", 3.0, "B", ""),
            ],
            [
                C("DS 495", "Capstone Showcase and Portfolio Review", 1.0, "P", ""),
                C("STAT 410", "Experimental Design", 3.0, "A-", ""),
                C("MUS 100", "Music Appreciation", 3.0, "A", ""),
                C("DS 499", "Independent Study: Multilingual Named-Entity Recognition", 3.0, "A", ""),
            ],
        ];
        for (i, courses) in plan.iter().enumerate() {
            let y = 2022 + (i as u32) / 3;
            let (season, calendar_year) = match i % 3 {
                0 => ("Fall", y),
                1 => ("Spring", y + 1),
                _ => ("Summer", y + 1),
            };
            let name = format!("{season} {calendar_year}");
            record.term(
                &format!("{calendar_year}{}", &season[..2].to_uppercase()),
                &name,
                Some(&year(y)),
                None,
                courses,
            );
        }
        view.totals = record.totals();
        view.terms = record.terms;
        view.learner.degree = Some("Bachelor of Science in Data Science".to_string());
        view.degrees = vec![DegreeView {
            name: "Bachelor of Science in Data Science".to_string(),
            level: Some("Bachelor's degree".to_string()),
            field: Some("Data Science; minor in Spanish".to_string()),
            conferred: "2026-05-20".to_string(),
            honors: Some("magna cum laude".to_string()),
        }];
        view.competencies = vec![
            nit_framework(&[
                (
                    0,
                    "NIT.CF",
                    "Design, implement and reason about computer programs and the data structures and algorithms they rely on.",
                    Some("Advanced"),
                ),
                (
                    1,
                    "NIT.CF.1",
                    "Write correct, readable programs in a high-level language to solve well-specified problems.",
                    Some("Advanced"),
                ),
                (
                    2,
                    "NIT.CF.1.1",
                    "Decompose a problem into functions and modules with clear inputs, outputs and responsibilities.",
                    Some("Advanced"),
                ),
                (
                    2,
                    "NIT.CF.1.2",
                    "Test and debug programs systematically, using unit tests, assertions and a debugger.",
                    Some("Proficient"),
                ),
                (
                    1,
                    "NIT.CF.2",
                    "Select, implement and analyze data structures and algorithms appropriate to a computational task.",
                    Some("Proficient"),
                ),
                (
                    2,
                    "NIT.CF.2.1",
                    "Implement and use lists, hash tables, trees and graphs, and explain the trade-offs between them.",
                    Some("Proficient"),
                ),
                (
                    2,
                    "NIT.CF.2.2",
                    "Analyze the time and space complexity of an algorithm using asymptotic notation.",
                    Some("Proficient"),
                ),
                (
                    0,
                    "NIT.QR",
                    "Apply mathematical and statistical reasoning to model uncertainty and draw conclusions from data.",
                    Some("Proficient"),
                ),
                (
                    1,
                    "NIT.QR.2",
                    "Draw valid conclusions from data using probability and statistical inference.",
                    Some("Proficient"),
                ),
                (
                    2,
                    "NIT.QR.2.2",
                    "Fit, assess and interpret regression models, stating and checking their assumptions.",
                    Some("Advanced"),
                ),
                (
                    0,
                    "NIT.DM",
                    "Acquire, store, organize and prepare data so that it can be trusted and reused.",
                    Some("Advanced"),
                ),
                (1, "NIT.DM.1", "Design and query relational and non-relational data stores.", Some("Advanced")),
                (
                    2,
                    "NIT.DM.1.1",
                    "Design a normalized relational schema from requirements and express it in SQL data definition language.",
                    Some("Advanced"),
                ),
                (
                    2,
                    "NIT.DM.1.2",
                    "Write SQL queries with joins, aggregation, window functions and subqueries to answer analytical questions.",
                    Some("Advanced"),
                ),
                (
                    0,
                    "NIT.DS",
                    "Turn questions into analyses and models whose results are valid, useful and clearly communicated.",
                    Some("Advanced"),
                ),
                (1, "NIT.DS.2", "Build, evaluate and interpret predictive models.", Some("Advanced")),
                (
                    2,
                    "NIT.DS.2.1",
                    "Train supervised learning models and tune them using cross-validation.",
                    Some("Advanced"),
                ),
                (
                    2,
                    "NIT.DS.2.2",
                    "Evaluate models with appropriate metrics and explain their limitations, including sources of bias.",
                    Some("Proficient"),
                ),
                (
                    1,
                    "NIT.DS.3",
                    "Carry a data science project from an open question to a delivered result.",
                    Some("Advanced"),
                ),
                (
                    0,
                    "NIT.PC",
                    "Act ethically and communicate effectively as a computing and data professional.",
                    Some("Proficient"),
                ),
                (
                    1,
                    "NIT.PC.1",
                    "Recognize and address the ethical, legal and social implications of data and computing.",
                    Some("Proficient"),
                ),
                (
                    2,
                    "NIT.PC.1.1",
                    "Apply principles of privacy, informed consent and data protection law to the handling of personal data.",
                    Some("Proficient"),
                ),
            ]),
            dds_framework(&[
                (0, "DDS.1", "Information and data literacy", Some("Advanced")),
                (
                    1,
                    "DDS.1.3",
                    "Organize, store and retrieve data in structured form, including in databases.",
                    Some("Advanced"),
                ),
                (0, "DDS.2", "Data analysis", Some("Advanced")),
                (1, "DDS.2.1", "Clean, transform and prepare data for analysis.", Some("Advanced")),
                (1, "DDS.2.2", "Analyze data with statistical methods and interpret the results.", Some("Proficient")),
                (
                    1,
                    "DDS.2.3",
                    "Build, validate and apply predictive models, including machine learning models.",
                    Some("Advanced"),
                ),
                (0, "DDS.4", "Responsibility and safety", Some("Proficient")),
                (1, "DDS.4.1", "Protect personal data and privacy in digital environments.", Some("Proficient")),
            ]),
        ];
        view.achievements = vec![
            badge("Badge", "Python for Data Analysis", "2022-12-16", Some("Advanced")),
            badge("Badge", "SQL Fundamentals", "2023-12-15", Some("Advanced")),
            badge("Badge", "Version Control with Git", "2024-05-10", Some("Proficient")),
            badge("Badge", "Northbridge Datathon Finalist", "2024-11-09", None),
            badge("Micro-credential", "Cloud Data Engineering", "2025-05-14", Some("Proficient")),
            badge("Certificate", "Machine Learning Foundations", "2025-05-14", None),
            badge("Certificate", "Data Privacy and Governance", "2025-12-17", None),
        ];
        view.verification = verification("9a41c07d52e8");
        view
    }
}
