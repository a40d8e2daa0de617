//! `[pesc]`: how the institution's own vocabulary maps onto PESC College Transcript code lists
//! (session types, credit units and levels, award levels), with defaults that fit a US semester school.
//! Every mapped value is checked against the PESC code list it must come from.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::locate;
use crate::diag::{Code, Diagnostics};

/// The `[pesc]` section.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PescConfig {
    /// `CourseAcademicGradeScaleCode` of every course (a free 1–3 character code the receiver agrees on).
    #[serde(default = "default_grade_scale_code")]
    pub grade_scale_code: String,
    /// `CourseCreditUnits` (and the GPA's `CreditUnit`): PESC CreditUnits.
    #[serde(default = "default_credit_unit")]
    pub credit_unit: String,
    /// `CourseCreditLevel` of a course with no level, and `AcademicSummaryLevel`: PESC CreditLevels.
    #[serde(default = "default_credit_level")]
    pub credit_level: String,
    /// A course's `level` (courses.csv) → PESC CreditLevels; levels not listed that are a PESC credit level
    /// (any case, spaces ignored) map to it, others to `credit_level`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub credit_levels: BTreeMap<String, String>,
    /// A term's `kind` (terms.csv) → PESC SessionTypes; kinds not listed are recognised by their words
    /// (semester, quarter, summer …), else `Other`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub session_types: BTreeMap<String, String>,
    /// An achievement's `level` (achievements.csv), or its id → PESC AcademicAwardLevels; others are
    /// recognised by the words of their level and kind (bachelor, master, associate, doctor, certificate …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub award_levels: BTreeMap<String, String>,
    /// Grades that record a withdrawal (`CourseAcademicGradeStatusCode` `Withdrew`).
    #[serde(default = "default_withdrawal_grades")]
    pub withdrawal_grades: Vec<String>,
    /// Grades that record an incomplete (`Incomplete`).
    #[serde(default = "default_incomplete_grades")]
    pub incomplete_grades: Vec<String>,
}

impl Default for PescConfig {
    fn default() -> Self {
        PescConfig {
            grade_scale_code: default_grade_scale_code(),
            credit_unit: default_credit_unit(),
            credit_level: default_credit_level(),
            credit_levels: BTreeMap::new(),
            session_types: BTreeMap::new(),
            award_levels: BTreeMap::new(),
            withdrawal_grades: default_withdrawal_grades(),
            incomplete_grades: default_incomplete_grades(),
        }
    }
}

fn default_grade_scale_code() -> String {
    "LTR".into()
}

fn default_credit_unit() -> String {
    "Semester".into()
}

fn default_credit_level() -> String {
    "Undergraduate".into()
}

fn default_withdrawal_grades() -> Vec<String> {
    ["W", "WD", "WF", "WP"].map(String::from).to_vec()
}

fn default_incomplete_grades() -> Vec<String> {
    vec!["I".into()]
}

/// PESC CreditUnits (CoreMain 1.19 `CourseCreditUnitsType`; `schemas/pesc/vocabs/CreditUnits.csv`).
pub const CREDIT_UNITS: &[&str] = &[
    "NoCredit",
    "Quarter",
    "Semester",
    "Units",
    "ClockHours",
    "CarnegieUnits",
    "ContinuingEducationUnits",
    "Unreported",
    "Other",
];

/// PESC CreditLevels (`CourseCreditLevelType`; `CreditLevels.csv`).
pub const CREDIT_LEVELS: &[&str] = &[
    "SeventhGrade",
    "EighthGrade",
    "NinthGrade",
    "TenthGrade",
    "EleventhGrade",
    "TwelfthGrade",
    "Grade13",
    "Dual",
    "DualGraduateUndergraduate",
    "DualHighSchoolCollege",
    "Graduate",
    "GraduateProfessional",
    "LowerDivision",
    "Professional",
    "Secondary",
    "TechnicalPreparatory",
    "Undergraduate",
    "Ungraded",
    "UpperDivision",
    "Vocational",
];

/// PESC SessionTypes (`SessionTypeType`; `SessionTypes.csv`).
pub const SESSION_TYPES: &[&str] = &[
    "FullYear",
    "Semester",
    "Trimester",
    "Quarter",
    "Quinmester",
    "MiniTerm",
    "SummerSession",
    "Intersession",
    "LongSession",
    "FallSession",
    "FourOneFourPlan",
    "Continuous",
    "DiffersByProgram",
    "Other",
    "TwelveMonth",
];

/// PESC AcademicAwardLevels (`AcademicAwardLevelType`; `AcademicAwardLevels.csv`).
pub const AWARD_LEVELS: &[&str] = &[
    "B17",
    "B18",
    "B19",
    "B20",
    "B21",
    "B22",
    "B23",
    "B24",
    "B25",
    "B26",
    "B27",
    "B28",
    "B58",
    "B59",
    "B60",
    "0.0",
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "1.5",
    "2.0",
    "2.1",
    "2.2",
    "2.3",
    "2.4",
    "2.5",
    "2.6",
    "2.7",
    "2.8",
    "3.1",
    "3.2",
    "3.3",
    "4.0",
    "4.1",
    "4.2",
    "4.3",
    "4.4",
    "4.5",
    "FrenchBaccalaureate",
    "CEGEP",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "10",
    "11",
    "17",
    "18",
    "19",
];

impl PescConfig {
    /// Checks every value against its PESC code list (XT0102).
    pub(super) fn validate(&self, text: &str, file: &Path, diags: &mut Diagnostics) {
        let code = &self.grade_scale_code;
        if !(1..=3).contains(&code.chars().count()) {
            diags
                .error(
                    Code::ConfigValue,
                    locate(text, file, "grade_scale_code"),
                    format!(
                        "pesc.grade_scale_code {code:?} is not 1 to 3 characters (PESC CourseAcademicGradeScaleCode)"
                    ),
                )
                .help("use a short code the receiving institutions know, e.g. \"LTR\"");
        }
        let mut check = |key: &str, value: &str, list: &[&str], name: &str| {
            if !list.contains(&value) {
                diags
                    .error(
                        Code::ConfigValue,
                        locate(text, file, &format!("\"{value}\"")),
                        format!("pesc.{key} {value:?} is not in the PESC {name} code list"),
                    )
                    .help(format!("use one of: {}", list.join(", ")));
            }
        };
        check("credit_unit", &self.credit_unit, CREDIT_UNITS, "CreditUnits");
        check("credit_level", &self.credit_level, CREDIT_LEVELS, "CreditLevels");
        for value in self.credit_levels.values() {
            check("credit_levels", value, CREDIT_LEVELS, "CreditLevels");
        }
        for value in self.session_types.values() {
            check("session_types", value, SESSION_TYPES, "SessionTypes");
        }
        for value in self.award_levels.values() {
            check("award_levels", value, AWARD_LEVELS, "AcademicAwardLevels");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code lists above are the `Notation` column of the PESC vocabularies carried in schemas/pesc/vocabs.
    #[test]
    fn code_lists_match_the_pesc_vocabularies() {
        let vocab = |name: &str| -> Vec<String> {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/pesc/vocabs").join(name);
            let mut reader = csv::Reader::from_path(&path).unwrap();
            let notation = reader.headers().unwrap().iter().position(|h| h == "Notation").unwrap();
            let mut codes: Vec<String> =
                reader.records().map(|r| r.unwrap()[notation].trim().to_string()).filter(|c| !c.is_empty()).collect();
            codes.dedup();
            let mut seen = std::collections::BTreeSet::new();
            codes.retain(|c| seen.insert(c.clone()));
            codes
        };
        assert_eq!(vocab("CreditUnits.csv"), CREDIT_UNITS);
        assert_eq!(vocab("CreditLevels.csv"), CREDIT_LEVELS);
        assert_eq!(vocab("SessionTypes.csv"), SESSION_TYPES);
        assert_eq!(vocab("AcademicAwardLevels.csv"), AWARD_LEVELS);
    }

    #[test]
    fn values_outside_the_code_lists_are_errors() {
        let config = PescConfig {
            grade_scale_code: "LETTER".into(),
            credit_unit: "Semesters".into(),
            session_types: [("Term".to_string(), "Semester".to_string())].into(),
            award_levels: [("Bachelor".to_string(), "9.9".to_string())].into(),
            ..PescConfig::default()
        };
        let mut diags = Diagnostics::new();
        config.validate("", Path::new("institution.toml"), &mut diags);
        let text: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
        assert_eq!(diags.error_count(), 3, "{text:#?}");
        assert!(text.iter().any(|t| t.contains("grade_scale_code")));
        assert!(text.iter().any(|t| t.contains("\"Semesters\"")));
        assert!(text.iter().any(|t| t.contains("\"9.9\"")));
        let mut diags = Diagnostics::new();
        PescConfig::default().validate("", Path::new("institution.toml"), &mut diags);
        assert_eq!(diags.error_count(), 0);
    }
}
