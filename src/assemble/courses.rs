//! AchievementCredentials for course records, terms and the cumulative record.

use std::collections::BTreeMap;

use super::gpa::{Milli, Standing, Standings, TermTotals, Totals};
use super::subject::Subject;
use super::vocab::{
    Achievement, AchievementCredential, AchievementSubject, Criteria, Number, OB_V3, ResultEntry, VC_V2,
};
use crate::model::{Course, CourseRecord, Key, Term, Timestamp};

/// The OB Result status of a course standing.
fn status(standing: Standing) -> &'static str {
    match standing {
        Standing::Passed | Standing::Transfer | Standing::RepeatExcluded => "Completed",
        Standing::Failed => "Failed",
        Standing::NoCredit => "Withdrew",
        Standing::InProgress => "InProgress",
    }
}

/// Wraps an achievement and its results into a credential of this learner. Nested
/// credentials name the issuer briefly (id, name, url); the CLR carries the full Profile.
pub fn credential(
    s: &Subject<'_>,
    id: String,
    name: String,
    description: Option<String>,
    subject: AchievementSubject,
    awarded: Option<Timestamp>,
) -> AchievementCredential {
    AchievementCredential {
        context: vec![VC_V2, OB_V3],
        id,
        kind: vec!["VerifiableCredential", "AchievementCredential"],
        name,
        description,
        issuer: s.creator.clone(),
        valid_from: s.issued_at,
        awarded_date: awarded,
        credential_subject: subject,
        evidence: Vec::new(),
    }
}

/// An AchievementSubject of this learner.
pub fn subject_of(s: &Subject<'_>, achievement: Achievement, result: Vec<ResultEntry>) -> AchievementSubject {
    AchievementSubject {
        kind: vec!["AchievementSubject"],
        identifier: s.identifiers.clone(),
        achievement,
        result,
        credits_earned: None,
        term: None,
        activity_start_date: None,
        activity_end_date: None,
    }
}

/// The credential of one course record.
pub fn course_credential(
    s: &Subject<'_>,
    r: &CourseRecord,
    course: Option<&Course>,
    term: &Term,
    standing: Standing,
    earned: Milli,
) -> AchievementCredential {
    let scale = &s.config.grading;
    let title = r.title.clone().or_else(|| course.map(|c| c.title.clone())).unwrap_or_else(|| r.course_id.clone());
    let human_code = course.map_or_else(|| r.course_id.clone(), |c| format!("{} {}", c.subject, c.number));
    let key = match &r.title {
        Some(t) => format!("{}:{t}", r.course_id),
        None => r.course_id.clone(),
    };
    let other = r.transfer_institution.as_deref().or(course.and_then(|c| c.institution.as_deref()));
    let mut grade = s.result_description(&format!("grade:{key}"), "Final grade", "LetterGrade");
    let criteria = match (r.transfer, other) {
        (true, Some(name)) => format!("Credit accepted in transfer from {name}."),
        (true, None) => "Credit accepted in transfer.".to_string(),
        (false, _) => {
            let passing = course.and_then(|c| c.passing_grade.clone()).or_else(|| scale.passing_grade.clone());
            grade.allowed_value = scale.grades.iter().map(|g| g.grade.clone()).collect();
            grade.required_value = passing.clone();
            match passing {
                Some(p) => format!("Complete {human_code} with a grade of {p} or better."),
                None => format!("Complete {human_code} with a passing grade."),
            }
        }
    };
    let grade_id = grade.id.clone();
    let achievement = Achievement {
        id: s.ids.id("course", &key),
        kind: vec!["Achievement"],
        achievement_type: "Course".to_string(),
        name: format!("{human_code}: {title}"),
        description: course.and_then(|c| c.description.clone()).unwrap_or_else(|| format!("{title} ({human_code}).")),
        criteria: Criteria { id: None, narrative: criteria },
        human_code: Some(human_code),
        field_of_study: None,
        credits_available: Some(Number(r.credits_attempted)),
        image: None,
        creator: match (r.transfer, other) {
            (true, Some(name)) => s.other_institution(name),
            _ => s.creator.clone(),
        },
        alignment: s.alignments_of(course.and_then(|c| s.graph.course(&c.id))),
        result_description: vec![grade],
        tag: Vec::new(),
    };
    let result = ResultEntry {
        kind: vec!["Result"],
        result_description: grade_id,
        value: r.grade.clone(),
        status: Some(status(standing)),
    };
    let name = achievement.name.clone();
    let mut subject = subject_of(s, achievement, vec![result]);
    subject.credits_earned = (standing != Standing::InProgress).then(|| Number(earned.value()));
    subject.term = Some(term.name.clone());
    subject.activity_start_date = Some(Timestamp::start_of(term.start));
    subject.activity_end_date = Some(Timestamp::start_of(term.end));
    let awarded = (standing != Standing::InProgress).then(|| Timestamp::start_of(term.end));
    let description = Some(match standing {
        Standing::InProgress => format!("In progress, {}.", term.name),
        Standing::Transfer => format!("Transfer credit, posted {}.", term.name),
        Standing::RepeatExcluded => format!("{}; repeated later, not counted in the GPA.", term.name),
        _ => format!("{}.", term.name),
    });
    credential(s, s.ids.id("course-record", &format!("{}/{}", s.learner.id, r.id)), name, description, subject, awarded)
}

/// GPA, credit results of a totals block: (result descriptions, results).
fn totals_results(
    s: &Subject<'_>,
    key: &str,
    label: &str,
    totals: &Totals,
) -> (Vec<super::vocab::ResultDescription>, Vec<ResultEntry>) {
    let max = format!("{:.2}", s.config.grading.max_gpa());
    let mut descriptions = Vec::new();
    let mut results = Vec::new();
    let mut add = |rd: super::vocab::ResultDescription, value: Option<String>| {
        if let Some(value) = value {
            results.push(ResultEntry {
                kind: vec!["Result"],
                result_description: rd.id.clone(),
                value: Some(value),
                status: None,
            });
        }
        descriptions.push(rd);
    };
    let mut gpa =
        s.result_description(&format!("gpa:{key}"), &format!("{label} grade point average"), "GradePointAverage");
    gpa.value_min = Some("0.00".into());
    gpa.value_max = Some(max);
    add(gpa, totals.gpa(2));
    add(
        s.result_description(
            &format!("attempted:{key}"),
            &format!("{label} credits attempted"),
            "ext:CreditsAttempted",
        ),
        Some(totals.attempted.to_string()),
    );
    add(
        s.result_description(&format!("gpa-credits:{key}"), &format!("{label} credits in the GPA"), "ext:GpaCredits"),
        Some(totals.gpa_credits.to_string()),
    );
    add(
        s.result_description(&format!("quality-points:{key}"), &format!("{label} quality points"), "ext:QualityPoints"),
        Some(totals.quality_points()),
    );
    add(
        s.result_description(&format!("transfer:{key}"), &format!("{label} transfer credits"), "ext:TransferCredits"),
        Some(totals.transfer.to_string()),
    );
    (descriptions, results)
}

/// The credential of one term: term and cumulative GPA and credits, as Results.
pub fn term_credential(s: &Subject<'_>, term: &Term, totals: &TermTotals) -> AchievementCredential {
    let (mut descriptions, mut results) = totals_results(s, &format!("term:{}", term.id), "Term", &totals.term);
    let (cum_d, cum_r) = totals_results(s, &format!("cumulative-at:{}", term.id), "Cumulative", &totals.cumulative);
    descriptions.extend(cum_d);
    results.extend(cum_r);
    let mut achievement = s.achievement(
        s.ids.id("term", &term.id),
        "ext:AcademicTerm",
        format!("{} term record", term.name),
        format!("Credits and grade point average for {} ({} to {}).", term.name, term.start, term.end),
        format!("Enrollment at {} in {}.", s.config.institution.name, term.name),
    );
    achievement.human_code = Some(term.id.clone());
    achievement.result_description = descriptions;
    let name = achievement.name.clone();
    let mut subject = subject_of(s, achievement, results);
    subject.credits_earned = Some(Number(totals.term.earned.value()));
    subject.term = Some(term.name.clone());
    subject.activity_start_date = Some(Timestamp::start_of(term.start));
    subject.activity_end_date = Some(Timestamp::start_of(term.end));
    credential(
        s,
        s.ids.id("term-record", &format!("{}/{}", s.learner.id, term.id)),
        name,
        None,
        subject,
        Some(Timestamp::start_of(term.end)),
    )
}

/// The cumulative record: overall GPA and credits as of the issue date.
pub fn summary_credential(s: &Subject<'_>, standings: &Standings) -> AchievementCredential {
    let (descriptions, results) = totals_results(s, "overall", "Cumulative", &standings.overall);
    let program = s.learner.program.clone().or_else(|| s.config.transcript.default_program.clone());
    let name = match &program {
        Some(p) => format!("Academic record: {p}"),
        None => "Academic record".to_string(),
    };
    let mut achievement = s.achievement(
        s.ids.id("academic-record", program.as_deref().unwrap_or("")),
        "ext:AcademicRecord",
        name,
        format!("Cumulative credits and grade point average at {}.", s.config.institution.name),
        "Courses taken at the institution and transfer credit accepted, as of the issue date.".into(),
    );
    achievement.field_of_study = program;
    achievement.result_description = descriptions;
    let name = achievement.name.clone();
    let mut subject = subject_of(s, achievement, results);
    subject.credits_earned = Some(Number(standings.overall.earned.value()));
    credential(s, s.ids.id("academic-record-of", &s.learner.id), name, None, subject, Some(s.issued_at))
}

/// Course records of the learner in term order, each with its term (records of unknown terms are skipped).
pub fn in_term_order<'r>(
    records: &[&'r CourseRecord],
    terms: &'r BTreeMap<Key, Term>,
) -> Vec<(usize, &'r CourseRecord, &'r Term)> {
    let mut out: Vec<(usize, &CourseRecord, &Term)> =
        records.iter().enumerate().filter_map(|(i, r)| terms.get(&r.term_id).map(|t| (i, *r, t))).collect();
    out.sort_by(|a, b| {
        (a.2.start, &a.2.id, &a.1.course_id, &a.1.id).cmp(&(b.2.start, &b.2.id, &b.1.course_id, &b.1.id))
    });
    out
}
