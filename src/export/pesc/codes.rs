//! The code mappings of `transcript.xml`: how a course attempt's standing, a term's kind, a course's level and
//! an achievement's kind and level become PESC code-list values (CoreMain 1.19 enumerations).

use crate::config::{AWARD_LEVELS, CREDIT_LEVELS, GradingScale, PescConfig, SESSION_TYPES};
use crate::model::{Achievement, AchievementKind};

/// How one course attempt counts, as the writer needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Attempt {
    /// Not finished yet.
    pub in_progress: bool,
    /// Transfer credit.
    pub transfer: bool,
    /// Passed (earned its credit, or would have had the repeat policy not replaced it).
    pub passed: bool,
    /// Left out of earned credit and the GPA by the repeat policy.
    pub replaced: bool,
    /// Another attempt of the same course was replaced by this one.
    pub replaces: bool,
    /// Marked as a repeat in the input.
    pub repeat: bool,
}

/// `CourseAcademicGradeStatusCode` (AcademicRecord 1.13 `CourseType`) of an attempt with grade `grade`.
///
/// In progress → `InProgress` (and no grade); a transfer course without a grade → `TransferNoGrade`; a
/// withdrawal or incomplete grade (`[pesc] withdrawal_grades`, `incomplete_grades`) → `Withdrew`,
/// `Incomplete`; a pass/fail grade → `PassFailPass` or `PassFailFail`; any other grade → `Completed`.
pub(super) fn grade_status(
    attempt: Attempt,
    grade: Option<&str>,
    scale: &GradingScale,
    pesc: &PescConfig,
) -> Option<&'static str> {
    if attempt.in_progress {
        return Some("InProgress");
    }
    let Some(grade) = grade else {
        return attempt.transfer.then_some("TransferNoGrade");
    };
    let listed = |list: &[String]| list.iter().any(|g| g.trim().eq_ignore_ascii_case(grade.trim()));
    if listed(&pesc.withdrawal_grades) {
        return Some("Withdrew");
    }
    if listed(&pesc.incomplete_grades) {
        return Some("Incomplete");
    }
    match scale.grade(grade) {
        Some(g) if g.pass_fail => Some(if attempt.passed { "PassFailPass" } else { "PassFailFail" }),
        _ => Some("Completed"),
    }
}

/// `CourseRepeatCode`: `ReplacedNotCounted` for an attempt the repeat policy left out, `ReplacementCounted`
/// for the attempt that counts instead, `RepeatCounted` for another attempt marked as a repeat (in progress
/// too: it will count), `RepeatOtherInstitution` for transfer credit marked as a repeat.
pub(super) fn repeat_code(attempt: Attempt) -> Option<&'static str> {
    if attempt.transfer {
        return attempt.repeat.then_some("RepeatOtherInstitution");
    }
    if attempt.replaced {
        Some("ReplacedNotCounted")
    } else if attempt.replaces {
        Some("ReplacementCounted")
    } else if attempt.repeat {
        Some("RepeatCounted")
    } else {
        None
    }
}

/// Compares codes and labels: case and everything but letters and digits ignored.
fn squash(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The code of `list` that `text` spells (case, spaces and punctuation ignored).
fn spelled<'a>(text: &str, list: &[&'a str]) -> Option<&'a str> {
    let text = squash(text);
    list.iter().copied().find(|code| squash(code) == text)
}

/// `SessionType` of a term of kind `kind`: `[pesc] session_types`, else the PESC code it spells, else by its
/// words (summer, quarter, trimester, intersession, semester, full year), else `Other`.
pub(super) fn session_type(kind: Option<&str>, pesc: &PescConfig) -> &'static str {
    let Some(kind) = kind.map(str::trim).filter(|k| !k.is_empty()) else { return "Other" };
    if let Some(code) = pesc.session_types.get(kind).and_then(|c| spelled(c, SESSION_TYPES)) {
        return code;
    }
    if let Some(code) = spelled(kind, SESSION_TYPES) {
        return code;
    }
    let words = squash(kind);
    let by_words: [(&str, &'static str); 7] = [
        ("summer", "SummerSession"),
        ("intersession", "Intersession"),
        ("winter", "Intersession"),
        ("trimester", "Trimester"),
        ("quarter", "Quarter"),
        ("semester", "Semester"),
        ("year", "FullYear"),
    ];
    by_words.iter().find(|(word, _)| words.contains(word)).map_or("Other", |(_, code)| code)
}

/// `CourseCreditLevel` of a course of level `level`: `[pesc] credit_levels`, else the PESC code it spells,
/// else by its words (graduate, upper/lower division), else `[pesc] credit_level`.
pub(super) fn credit_level<'a>(level: Option<&str>, pesc: &'a PescConfig) -> &'a str {
    let Some(level) = level.map(str::trim).filter(|l| !l.is_empty()) else { return &pesc.credit_level };
    if let Some(code) = pesc.credit_levels.get(level).and_then(|c| spelled(c, CREDIT_LEVELS)) {
        return code;
    }
    if let Some(code) = spelled(level, CREDIT_LEVELS) {
        return code;
    }
    let words = squash(level);
    if words.contains("undergraduate") {
        "Undergraduate"
    } else if words.contains("graduate") || words.contains("postgraduate") {
        "Graduate"
    } else if words.contains("upper") {
        "UpperDivision"
    } else if words.contains("lower") {
        "LowerDivision"
    } else {
        &pesc.credit_level
    }
}

/// Whether an achievement is written as an `AcademicAward` (degrees, diplomas, certificates); the others
/// (badges, micro-credentials, licenses) are additional student achievements.
pub(super) fn is_academic_award(kind: &AchievementKind) -> bool {
    matches!(kind, AchievementKind::Degree | AchievementKind::Diploma | AchievementKind::Certificate)
}

/// `AcademicAwardLevel` of an achievement: `[pesc] award_levels` by its level or id, else its level when it is a
/// PESC code, else by the words of its level and name (doctor 4.4, master 4.2, graduate certificate 4.1,
/// bachelor 2.4, associate 2.3), else by its kind (certificate 2.0, diploma 2.2, other degrees 0.0 "Other").
pub(super) fn award_level(a: &Achievement, pesc: &PescConfig) -> &'static str {
    let configured = [a.level.as_deref(), Some(a.id.as_str())].into_iter().flatten();
    if let Some(code) = configured.filter_map(|key| pesc.award_levels.get(key.trim())).find_map(|c| known(c)) {
        return code;
    }
    if let Some(code) = a.level.as_deref().and_then(|l| known(l.trim())) {
        return code;
    }
    let words = format!("{} {}", a.level.as_deref().unwrap_or(""), a.name).to_lowercase();
    let has = |list: &[&str]| list.iter().any(|w| words.contains(w));
    if has(&["doctor", "ph.d", "phd", "doctorate"]) {
        "4.4"
    } else if has(&["master", "m.sc", "msc", "mba"]) {
        "4.2"
    } else if a.kind == AchievementKind::Certificate
        && has(&["graduate", "postbaccalaureate"])
        && !has(&["undergraduate"])
    {
        "4.1"
    } else if has(&["bachelor", "baccalaureate", "b.sc", "bsc", "b.a.", "honours", "honors degree"]) {
        "2.4"
    } else if has(&["associate"]) {
        "2.3"
    } else {
        match a.kind {
            AchievementKind::Certificate => "2.0",
            AchievementKind::Diploma => "2.2",
            _ => "0.0",
        }
    }
}

fn known(code: &str) -> Option<&'static str> {
    AWARD_LEVELS.iter().copied().find(|c| *c == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Grade;

    fn scale() -> GradingScale {
        let grade = Grade::new;
        GradingScale {
            name: "test".into(),
            passing_grade: Some("D".into()),
            max_gpa: None,
            grades: vec![
                grade("A", Some(4.0), true, false),
                grade("D", Some(1.0), true, false),
                grade("F", Some(0.0), false, false),
                grade("P", None, true, true),
                grade("NP", None, false, true),
                grade("W", None, false, false),
                grade("I", None, false, false),
            ],
        }
    }

    const FINISHED: Attempt =
        Attempt { in_progress: false, transfer: false, passed: true, replaced: false, replaces: false, repeat: false };

    #[test]
    fn grade_status_codes() {
        let (scale, pesc) = (scale(), PescConfig::default());
        let status = |attempt, grade| grade_status(attempt, grade, &scale, &pesc);
        assert_eq!(status(FINISHED, Some("A")), Some("Completed"));
        assert_eq!(status(Attempt { passed: false, ..FINISHED }, Some("F")), Some("Completed"));
        assert_eq!(status(Attempt { in_progress: true, ..FINISHED }, None), Some("InProgress"));
        assert_eq!(status(Attempt { passed: false, ..FINISHED }, Some("W")), Some("Withdrew"));
        assert_eq!(status(Attempt { passed: false, ..FINISHED }, Some("I")), Some("Incomplete"));
        assert_eq!(status(FINISHED, Some("P")), Some("PassFailPass"));
        assert_eq!(status(Attempt { passed: false, ..FINISHED }, Some("NP")), Some("PassFailFail"));
        assert_eq!(status(Attempt { transfer: true, ..FINISHED }, None), Some("TransferNoGrade"));
        assert_eq!(status(Attempt { transfer: true, ..FINISHED }, Some("TR")), Some("Completed"));
        assert_eq!(status(FINISHED, None), None);
    }

    #[test]
    fn repeat_codes() {
        assert_eq!(repeat_code(FINISHED), None);
        assert_eq!(repeat_code(Attempt { replaced: true, ..FINISHED }), Some("ReplacedNotCounted"));
        assert_eq!(repeat_code(Attempt { replaces: true, repeat: true, ..FINISHED }), Some("ReplacementCounted"));
        assert_eq!(repeat_code(Attempt { repeat: true, ..FINISHED }), Some("RepeatCounted"));
        assert_eq!(repeat_code(Attempt { transfer: true, ..FINISHED }), None);
        assert_eq!(repeat_code(Attempt { repeat: true, transfer: true, ..FINISHED }), Some("RepeatOtherInstitution"));
        assert_eq!(repeat_code(Attempt { repeat: true, in_progress: true, ..FINISHED }), Some("RepeatCounted"));
    }

    #[test]
    fn session_types_and_credit_levels() {
        let mut pesc = PescConfig::default();
        assert_eq!(session_type(Some("Semester"), &pesc), "Semester");
        assert_eq!(session_type(Some("Summer session"), &pesc), "SummerSession");
        assert_eq!(session_type(Some("Fall quarter"), &pesc), "Quarter");
        assert_eq!(session_type(Some("Block"), &pesc), "Other");
        assert_eq!(session_type(None, &pesc), "Other");
        pesc.session_types.insert("Block".into(), "MiniTerm".into());
        assert_eq!(session_type(Some("Block"), &pesc), "MiniTerm");
        assert_eq!(credit_level(Some("Undergraduate"), &pesc), "Undergraduate");
        assert_eq!(credit_level(Some("upper division"), &pesc), "UpperDivision");
        assert_eq!(credit_level(Some("Graduate"), &pesc), "Graduate");
        assert_eq!(credit_level(Some("100-level"), &pesc), "Undergraduate");
        pesc.credit_levels.insert("100-level".into(), "LowerDivision".into());
        assert_eq!(credit_level(Some("100-level"), &pesc), "LowerDivision");
    }

    #[test]
    fn award_levels_by_kind_and_words() {
        let achievement = |kind: AchievementKind, name: &str, level: Option<&str>| Achievement {
            id: "X".into(),
            kind,
            name: name.into(),
            description: String::new(),
            criteria: String::new(),
            criteria_url: None,
            image: None,
            image_file: None,
            level: level.map(String::from),
            field_of_study: None,
            credits_required: None,
            tags: Vec::new(),
            aligned_competencies: Vec::new(),
            origin: crate::diag::Origin::file("achievements.csv"),
        };
        let mut pesc = PescConfig::default();
        let level = |a: &Achievement, pesc: &PescConfig| award_level(a, pesc);
        let bsc = achievement(AchievementKind::Degree, "Bachelor of Science in Data Science", None);
        assert_eq!(level(&bsc, &pesc), "2.4");
        let ma = achievement(AchievementKind::Degree, "MA History", Some("Master's degree"));
        assert_eq!(level(&ma, &pesc), "4.2");
        let assoc = achievement(AchievementKind::Degree, "Associate in Arts", None);
        assert_eq!(level(&assoc, &pesc), "2.3");
        let cert = achievement(AchievementKind::Certificate, "Machine Learning Foundations", None);
        assert_eq!(level(&cert, &pesc), "2.0");
        let grad_cert = achievement(AchievementKind::Certificate, "Graduate Certificate in Analytics", None);
        assert_eq!(level(&grad_cert, &pesc), "4.1");
        let coded = achievement(AchievementKind::Degree, "Licence", Some("5"));
        assert_eq!(level(&coded, &pesc), "5");
        let odd = achievement(AchievementKind::Degree, "Diplôme d'ingénieur", None);
        assert_eq!(level(&odd, &pesc), "0.0");
        pesc.award_levels.insert("X".into(), "3.1".into());
        assert_eq!(level(&odd, &pesc), "3.1");
        assert!(is_academic_award(&AchievementKind::Degree));
        assert!(!is_academic_award(&AchievementKind::Badge));
    }
}
