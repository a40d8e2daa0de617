//! A hand-computed case: repeat, transfer, pass/fail, withdrawal, in-progress.

use super::*;
use crate::config::Grade;
use crate::diag::Origin;
use crate::model::Date;

fn scale() -> GradingScale {
    let g = |grade: &str, points: Option<f64>, credit: bool, pass_fail: bool| Grade {
        grade: grade.into(),
        points,
        gpa: None,
        credit,
        pass_fail,
        description: None,
    };
    GradingScale {
        name: "Letter".into(),
        passing_grade: Some("D".into()),
        max_gpa: None,
        grades: vec![
            g("A", Some(4.0), true, false),
            g("A-", Some(3.7), true, false),
            g("B+", Some(3.3), true, false),
            g("B", Some(3.0), true, false),
            g("C", Some(2.0), true, false),
            g("D", Some(1.0), true, false),
            g("F", Some(0.0), false, false),
            g("P", None, true, true),
            g("W", None, false, false),
            g("TR", None, true, false),
        ],
    }
}

fn term(id: &str, month: u8) -> (Key, Term) {
    let start = Date::new(2025, month, 1).unwrap();
    (
        id.into(),
        Term {
            id: id.into(),
            name: id.into(),
            start,
            end: start,
            academic_year: None,
            kind: None,
            origin: Origin::file("t"),
        },
    )
}

fn record(term: &str, course: &str, credits: f64, grade: Option<&str>) -> CourseRecord {
    CourseRecord {
        id: format!("{term}/{course}"),
        learner_id: "L".into(),
        term_id: term.into(),
        course_id: course.into(),
        title: None,
        credits_attempted: credits,
        credits_earned: None,
        grade: grade.map(String::from),
        quality_points: None,
        repeat: false,
        transfer: false,
        in_progress: false,
        transfer_institution: None,
        origin: Origin::file("r"),
    }
}

fn case() -> (Vec<CourseRecord>, BTreeMap<Key, Term>) {
    let terms: BTreeMap<Key, Term> = [term("T1", 1), term("T2", 6), term("T3", 9)].into_iter().collect();
    let mut transfer = record("T1", "ENG-101", 3.0, Some("B"));
    transfer.transfer = true;
    let mut repeat = record("T2", "MATH-101", 4.0, Some("B+"));
    repeat.repeat = true;
    let mut ongoing = record("T3", "CS-201", 3.0, None);
    ongoing.in_progress = true;
    let records = vec![
        record("T1", "MATH-101", 4.0, Some("F")), // excluded by the later repeat
        record("T1", "CS-101", 3.0, Some("A-")),
        transfer,                                 // 3 earned, outside the GPA
        record("T1", "FYS-100", 1.0, Some("P")),  // 1 earned, outside the GPA
        repeat,                                   // replaces the F
        record("T2", "HIST-110", 3.0, Some("W")), // attempted, nothing earned or counted
        record("T2", "STAT-200", 3.0, Some("C")),
        ongoing, // listed, not counted
    ];
    (records, terms)
}

#[test]
fn hand_computed_case_under_last_policy() {
    let (records, terms) = case();
    let refs: Vec<&CourseRecord> = records.iter().collect();
    let s = compute(&refs, &BTreeMap::new(), &terms, &scale(), RepeatPolicy::Last);
    let standing: Vec<Standing> = s.records.iter().map(|(st, _)| *st).collect();
    use Standing::*;
    assert_eq!(standing, vec![RepeatExcluded, Passed, Transfer, Passed, Passed, NoCredit, Passed, InProgress]);
    // T1: CS-101 A- 3 cr = 11.1 qp; MATH-101 F excluded; P and transfer outside the GPA.
    let t1 = &s.terms[0];
    assert_eq!((t1.term_id.as_str(), t1.term.gpa(2).as_deref()), ("T1", Some("3.70")));
    assert_eq!(t1.term.attempted.to_string(), "8.00"); // 4 (excluded F still attempted) + 3 + 1
    assert_eq!(t1.term.earned.to_string(), "7.00"); // 3 + 3 transfer + 1 P
    assert_eq!(t1.term.transfer.to_string(), "3.00");
    // T2: B+ 4 cr = 13.2, C 3 cr = 6.0 → 19.2 / 7 = 2.742857 → 2.74; W attempted.
    let t2 = &s.terms[1];
    assert_eq!(t2.term.gpa(2).as_deref(), Some("2.74"));
    assert_eq!(t2.term.attempted.to_string(), "10.00");
    assert_eq!(t2.term.earned.to_string(), "7.00");
    // Cumulative after T2: (11.1 + 19.2) / 10 = 3.03.
    assert_eq!(t2.cumulative.gpa(2).as_deref(), Some("3.03"));
    assert_eq!(t2.cumulative.quality_points(), "30.30");
    assert_eq!(t2.cumulative.gpa(3).as_deref(), Some("3.030"));
    // T3 has only the in-progress course: no GPA of its own; cumulative unchanged.
    let t3 = &s.terms[2];
    assert_eq!(t3.term.gpa(2), None);
    assert_eq!(t3.cumulative, s.overall);
    assert_eq!(s.overall.earned.to_string(), "14.00");
    assert_eq!(s.overall.gpa_credits.to_string(), "10.00");
}

#[test]
fn repeat_policies_differ() {
    let (mut records, terms) = case();
    // Make the repeat worse than the first attempt to tell `last` from `highest`.
    records[0].grade = Some("C".into());
    records[4].grade = Some("D".into());
    let refs: Vec<&CourseRecord> = records.iter().collect();
    let gpa = |policy| compute(&refs, &BTreeMap::new(), &terms, &scale(), policy).overall.gpa(2);
    // last: D (4 cr, 4.0 qp) + A- 11.1 + C 6.0 → 21.1 / 10 = 2.11
    assert_eq!(gpa(RepeatPolicy::Last).as_deref(), Some("2.11"));
    // highest: C (4 cr, 8.0 qp) → 25.1 / 10 = 2.51
    assert_eq!(gpa(RepeatPolicy::Highest).as_deref(), Some("2.51"));
    // all: both attempts → 29.1 / 14 = 2.0785 → 2.08
    assert_eq!(gpa(RepeatPolicy::All).as_deref(), Some("2.08"));
}

#[test]
fn rounding_is_half_up_and_exact() {
    assert_eq!(fixed(2_745, 1000, 2), "2.75");
    assert_eq!(fixed(2_744, 1000, 2), "2.74");
    assert_eq!(fixed(10, 3, 2), "3.33");
    assert_eq!(fixed(0, 7, 2), "0.00");
    assert_eq!(Milli::of(3.0).to_string(), "3.00");
}
