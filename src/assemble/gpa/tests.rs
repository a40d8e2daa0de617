//! A hand-computed case: repeat, transfer, pass/fail, withdrawal, in-progress.

use super::*;
use crate::config::Grade;
use crate::diag::Origin;
use crate::model::Date;

fn scale() -> GradingScale {
    let g = Grade::new;
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
            Grade { in_progress: true, ..g("IP", None, false, false) },
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
    CourseRecord::graded("L", term, course, credits, grade, Origin::file("r"))
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
    let standing: Vec<(Standing, bool)> = s.records.iter().map(|c| (c.standing, c.replaced)).collect();
    use Standing::*;
    let expected = [Failed, Passed, Transfer, Passed, Passed, NoCredit, Passed, InProgress];
    let replaced = [true, false, false, false, false, false, false, false];
    assert_eq!(standing, expected.into_iter().zip(replaced).collect::<Vec<_>>());
    // T1: CS-101 A- 3 cr = 11.1 qp; MATH-101 F replaced; P outside the GPA; transfer apart.
    let t1 = &s.terms[0];
    assert_eq!((t1.term_id.as_str(), t1.term.institution.gpa(2).as_deref()), ("T1", Some("3.70")));
    assert_eq!(t1.term.institution.attempted.to_string(), "8.00"); // 4 (replaced F still attempted) + 3 + 1
    assert_eq!(t1.term.institution.earned.to_string(), "4.00"); // 3 + 1 P
    assert_eq!(
        (t1.term.transfer.attempted.to_string(), t1.term.transfer.earned.to_string()),
        ("3.00".into(), "3.00".into())
    );
    assert_eq!(t1.term.transfer.gpa(2), None, "transfer credit is never in the GPA");
    assert_eq!(t1.term.overall().earned.to_string(), "7.00");
    // T2: B+ 4 cr = 13.2, C 3 cr = 6.0 → 19.2 / 7 = 2.742857 → 2.74; W attempted.
    let t2 = &s.terms[1];
    assert_eq!(t2.term.institution.gpa(2).as_deref(), Some("2.74"));
    assert_eq!(t2.term.institution.attempted.to_string(), "10.00");
    assert_eq!(t2.term.institution.earned.to_string(), "7.00");
    // Cumulative after T2: (11.1 + 19.2) / 10 = 3.03.
    let cumulative = &t2.cumulative.institution;
    assert_eq!(cumulative.gpa(2).as_deref(), Some("3.03"));
    assert_eq!(cumulative.quality_points(), "30.30");
    assert_eq!(cumulative.gpa(3).as_deref(), Some("3.030"));
    // T3 has only the in-progress course: no GPA of its own; cumulative unchanged.
    let t3 = &s.terms[2];
    assert_eq!(t3.term.institution.gpa(2), None);
    assert_eq!(t3.cumulative, s.overall);
    assert_eq!(s.overall.institution.earned.to_string(), "11.00");
    assert_eq!(s.overall.transfer.earned.to_string(), "3.00");
    assert_eq!(s.overall.overall().earned.to_string(), "14.00");
    assert_eq!(s.overall.overall().attempted.to_string(), "21.00"); // 18 at the institution + 3 transfer
    assert_eq!(s.overall.institution.gpa_credits.to_string(), "10.00");
}

/// Issue #14.0: a transfer row whose grade ranks below the home passing grade in the scale (TR
/// after D) still earns what the export says it earned.
#[test]
fn transfer_credit_earns_what_the_export_states() {
    let terms: BTreeMap<Key, Term> = [term("T1", 1)].into_iter().collect();
    let mut stated = record("T1", "ENG-101", 3.0, Some("TR"));
    stated.transfer = true;
    stated.credits_earned = Some(3.0);
    let mut derived = record("T1", "MATH-151", 4.0, Some("TR"));
    derived.transfer = true;
    let mut partial = record("T1", "BIO-110", 4.0, Some("TR"));
    partial.transfer = true;
    partial.credits_earned = Some(2.5);
    let refs = vec![&stated, &derived, &partial];
    let s = compute(&refs, &BTreeMap::new(), &terms, &scale(), RepeatPolicy::Last);
    let earned: Vec<String> = s.records.iter().map(|c| c.earned.to_string()).collect();
    assert_eq!(earned, ["3.00", "4.00", "2.50"]);
    assert!(s.records.iter().all(|c| c.standing == Standing::Transfer));
    assert_eq!(s.overall.transfer.earned.to_string(), "9.50");
    assert_eq!(s.overall.transfer.attempted.to_string(), "11.00");
    assert_eq!(s.overall.institution, Totals::default());
}

/// Issue #14.0: a home row's stated earned credit is never overridden, even where it
/// contradicts the grade (`check` warns about it).
#[test]
fn stated_earned_credit_is_kept() {
    let terms: BTreeMap<Key, Term> = [term("T1", 1)].into_iter().collect();
    let mut f_with_credit = record("T1", "CS-101", 3.0, Some("F"));
    f_with_credit.credits_earned = Some(3.0);
    let mut a_partial = record("T1", "CS-102", 4.0, Some("A"));
    a_partial.credits_earned = Some(3.0);
    let refs = vec![&f_with_credit, &a_partial];
    let s = compute(&refs, &BTreeMap::new(), &terms, &scale(), RepeatPolicy::Last);
    assert_eq!((s.records[0].standing, s.records[0].earned.to_string()), (Standing::Failed, "3.00".into()));
    assert_eq!((s.records[1].standing, s.records[1].earned.to_string()), (Standing::Passed, "3.00".into()));
    assert_eq!(s.overall.institution.earned.to_string(), "6.00");
}

/// Issue #14.1: an attempt a repeat replaces keeps the status of what happened in it (an F is
/// Failed under every policy); whether it counts is a separate flag.
#[test]
fn a_replaced_failure_stays_failed_under_every_policy() {
    let terms: BTreeMap<Key, Term> = [term("T1", 1), term("T2", 6)].into_iter().collect();
    let first = record("T1", "MATH-101", 4.0, Some("F"));
    let second = record("T2", "MATH-101", 4.0, Some("B"));
    let refs = vec![&first, &second];
    for (policy, replaced) in [(RepeatPolicy::Last, true), (RepeatPolicy::Highest, true), (RepeatPolicy::All, false)] {
        let s = compute(&refs, &BTreeMap::new(), &terms, &scale(), policy);
        assert_eq!(s.records[0].standing, Standing::Failed, "{policy:?}");
        assert_eq!(s.records[0].replaced, replaced, "{policy:?}");
        assert_eq!((s.records[1].standing, s.records[1].replaced), (Standing::Passed, false), "{policy:?}");
        assert_eq!(s.overall.institution.attempted.to_string(), "8.00", "{policy:?}");
        assert_eq!(s.overall.institution.earned.to_string(), "4.00", "{policy:?}");
    }
}

/// Issue #14.4: a grade the scale marks in progress makes the record in progress, in no total.
#[test]
fn an_in_progress_grade_counts_nowhere() {
    let terms: BTreeMap<Key, Term> = [term("T1", 1)].into_iter().collect();
    let ip = record("T1", "CS-201", 3.0, Some("IP"));
    let refs = vec![&ip];
    let s = compute(&refs, &BTreeMap::new(), &terms, &scale(), RepeatPolicy::Last);
    assert_eq!(s.records[0].standing, Standing::InProgress);
    assert_eq!(s.overall, Scopes::default());
}

#[test]
fn repeat_policies_differ() {
    let (mut records, terms) = case();
    // Make the repeat worse than the first attempt to tell `last` from `highest`.
    records[0].grade = Some("C".into());
    records[4].grade = Some("D".into());
    let refs: Vec<&CourseRecord> = records.iter().collect();
    let gpa = |policy| compute(&refs, &BTreeMap::new(), &terms, &scale(), policy).overall.institution.gpa(2);
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
