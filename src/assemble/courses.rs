//! AchievementCredentials for course records, terms and the cumulative record.

use std::collections::BTreeMap;

use super::gpa::{RecordStanding, Scopes, Standing, Standings, TermTotals, Totals};
use super::subject::Subject;
use super::vocab::{
    Achievement, AchievementCredential, AchievementSubject, Criteria, Number, OB_V3, ResultEntry, VC_V2,
};
use crate::model::{Course, CourseRecord, Key, Term, Timestamp};

/// The OB Result status of what happened in a course attempt (a replaced attempt keeps its own).
fn status(standing: Standing) -> &'static str {
    match standing {
        Standing::Passed | Standing::Transfer => "Completed",
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
    counted: &RecordStanding,
    repeated: bool,
) -> AchievementCredential {
    let standing = counted.standing;
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
    let mut result_description = vec![grade];
    let mut result = vec![ResultEntry {
        kind: vec!["Result"],
        result_description: grade_id,
        value: r.grade.clone(),
        status: Some(status(standing)),
    }];
    // Every attempt of a course the repeat policy acted on says, machine-readably, whether it
    // counts: the kept one `Counted`, a replaced one `Replaced` (its status stays what happened).
    if repeated {
        let mut rd = s.result_description(&format!("repeat:{key}"), "Repeat policy outcome", "ext:RepeatStatus");
        rd.allowed_value = vec![REPEAT_COUNTED.to_string(), REPEAT_REPLACED.to_string()];
        result.push(ResultEntry {
            kind: vec!["Result"],
            result_description: rd.id.clone(),
            value: Some(if counted.replaced { REPEAT_REPLACED } else { REPEAT_COUNTED }.to_string()),
            status: None,
        });
        result_description.push(rd);
    }
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
        result_description,
        tag: Vec::new(),
    };
    let name = achievement.name.clone();
    let mut subject = subject_of(s, achievement, result);
    subject.credits_earned = (standing != Standing::InProgress).then(|| Number(counted.earned.value()));
    subject.term = Some(term.name.clone());
    subject.activity_start_date = Some(Timestamp::start_of(term.start));
    subject.activity_end_date = Some(Timestamp::start_of(term.end));
    let awarded = (standing != Standing::InProgress).then(|| Timestamp::start_of(term.end));
    let description = Some(match (standing, counted.replaced) {
        (Standing::InProgress, _) => format!("In progress, {}.", term.name),
        (Standing::Transfer, _) => format!("Transfer credit, posted {}.", term.name),
        (_, true) => format!(
            "{}; replaced by another attempt under the repeat policy: counted in credits attempted, not in credits earned or the GPA.",
            term.name
        ),
        _ => format!("{}.", term.name),
    });
    credential(s, s.ids.id("course-record", &format!("{}/{}", s.learner.id, r.id)), name, description, subject, awarded)
}

/// The value of an `ext:RepeatStatus` result: the attempt counts.
pub const REPEAT_COUNTED: &str = "Counted";
/// The value of an `ext:RepeatStatus` result: another attempt replaced this one.
pub const REPEAT_REPLACED: &str = "Replaced";

/// Result descriptions and results of totals, collected in order.
#[derive(Default)]
struct TotalsResults {
    descriptions: Vec<super::vocab::ResultDescription>,
    results: Vec<ResultEntry>,
}

impl TotalsResults {
    fn add(&mut self, rd: super::vocab::ResultDescription, value: Option<String>) {
        if let Some(value) = value {
            self.results.push(ResultEntry {
                kind: vec!["Result"],
                result_description: rd.id.clone(),
                value: Some(value),
                status: None,
            });
        }
        self.descriptions.push(rd);
    }

    /// The institution's own totals (`key`, `label`: e.g. "term:2025FA", "Term"): GPA, credits
    /// attempted, earned and in the GPA, quality points.
    fn institution(&mut self, s: &Subject<'_>, key: &str, label: &str, totals: &Totals) {
        let mut gpa = s.result_description(
            &format!("gpa:{key}"),
            &format!("{label} grade point average (institution)"),
            "GradePointAverage",
        );
        gpa.value_min = Some("0.00".into());
        gpa.value_max = Some(format!("{:.2}", s.config.grading.max_gpa()));
        self.add(gpa, totals.gpa(2));
        let rows: [(&str, &str, &'static str, String); 4] = [
            ("attempted", "credits attempted", "ext:CreditsAttempted", totals.attempted.to_string()),
            ("earned", "credits earned", "ext:CreditsEarned", totals.earned.to_string()),
            ("gpa-credits", "credits in the GPA", "ext:GpaCredits", totals.gpa_credits.to_string()),
            ("quality-points", "quality points", "ext:QualityPoints", totals.quality_points()),
        ];
        for (id, name, kind, value) in rows {
            let rd = s.result_description(&format!("{id}:{key}"), &format!("{label} {name} (institution)"), kind);
            self.add(rd, Some(value));
        }
    }

    /// Credits attempted and earned of a scope with no GPA of its own (`scope`: "transfer",
    /// "total"): `names` give the two results' names, `kinds` their result types.
    fn credits(
        &mut self,
        s: &Subject<'_>,
        key: &str,
        scope: &str,
        named: [(String, &'static str); 2],
        totals: &Totals,
    ) {
        let values = [("attempted", totals.attempted), ("earned", totals.earned)];
        for ((id, value), (name, kind)) in values.into_iter().zip(named) {
            let rd = s.result_description(&format!("{scope}-{id}:{key}"), &name, kind);
            self.add(rd, Some(value.to_string()));
        }
    }

    /// Every scope of `scopes`: the institution's, transfer credit (when there is any), overall.
    fn scopes(&mut self, s: &Subject<'_>, key: &str, label: &str, scopes: &Scopes, any_transfer: bool) {
        self.institution(s, key, label, &scopes.institution);
        if any_transfer {
            // Transfer credit accepted: credits attempted and earned (never in the GPA).
            let named = [
                (format!("{label} transfer credits attempted"), "ext:TransferCreditsAttempted"),
                (format!("{label} transfer credits earned"), "ext:TransferCreditsEarned"),
            ];
            self.credits(s, key, "transfer", named, &scopes.transfer);
        }
        let named = [
            (format!("{label} credits attempted (institution and transfer)"), "ext:TotalCreditsAttempted"),
            (format!("{label} credits earned (institution and transfer)"), "ext:TotalCreditsEarned"),
        ];
        self.credits(s, key, "total", named, &scopes.overall());
    }
}

/// The credential of one term: the term's and the cumulative totals (institution,
/// transfer, overall), as Results.
pub fn term_credential(s: &Subject<'_>, term: &Term, totals: &TermTotals, any_transfer: bool) -> AchievementCredential {
    let mut out = TotalsResults::default();
    let term_transfer = totals.term.transfer != Totals::default();
    out.scopes(s, &format!("term:{}", term.id), "Term", &totals.term, term_transfer);
    out.scopes(s, &format!("cumulative-at:{}", term.id), "Cumulative", &totals.cumulative, any_transfer);
    let mut achievement = s.achievement(
        s.ids.id("term", &term.id),
        "ext:AcademicTerm",
        format!("{} term record", term.name),
        format!("Credits and grade point average for {} ({} to {}).", term.name, term.start, term.end),
        format!("Enrollment at {} in {}.", s.config.institution.name, term.name),
    );
    achievement.human_code = Some(term.id.clone());
    achievement.result_description = out.descriptions;
    let name = achievement.name.clone();
    let mut subject = subject_of(s, achievement, out.results);
    subject.credits_earned = Some(Number(totals.term.overall().earned.value()));
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
pub fn summary_credential(s: &Subject<'_>, standings: &Standings, any_transfer: bool) -> AchievementCredential {
    let mut out = TotalsResults::default();
    out.scopes(s, "overall", "Cumulative", &standings.overall, any_transfer);
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
    achievement.result_description = out.descriptions;
    let name = achievement.name.clone();
    let mut subject = subject_of(s, achievement, out.results);
    subject.credits_earned = Some(Number(standings.overall.overall().earned.value()));
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
