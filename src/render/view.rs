//! The transcript's view model: everything the PDF and the HTML print, typed, in
//! the order a registrar prints it. It is also the tera context of the HTML
//! template (numbers serialize already formatted, see [`Fixed`]).

use std::fmt;

use serde::{Serialize, Serializer};

use super::labels::Labels;
use crate::config::{GradingScale, Institution};

/// A number printed with a fixed count of decimals ("3.00", "3.67").
///
/// In Rust it is a number; serialized (for templates) it is the printed text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed {
    /// The value.
    pub value: f64,
    /// Decimals printed.
    pub places: u8,
}

impl Fixed {
    /// A value printed with `places` decimals.
    pub fn new(value: f64, places: u8) -> Fixed {
        Fixed { value, places }
    }

    /// Credits: two decimals.
    pub fn credits(value: f64) -> Fixed {
        Fixed::new(value, 2)
    }

    /// A grade point average: two decimals.
    pub fn gpa(value: f64) -> Fixed {
        Fixed::new(value, 2)
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Round half away from zero on the decimal value, not on its binary approximation.
        let scale = 10f64.powi(i32::from(self.places));
        let rounded = (self.value * scale + self.value.signum() * 1e-9).round();
        if !rounded.is_finite() || rounded.abs() >= 1e15 || self.places > 9 {
            return write!(f, "{:.*}", usize::from(self.places), rounded / scale);
        }
        // Whole units of the last decimal, printed as digits (float formatting is slow).
        let sign = if rounded.is_sign_negative() { "-" } else { "" };
        let (units, one) = (rounded.abs() as u64, 10u64.pow(u32::from(self.places)));
        match self.places {
            0 => write!(f, "{sign}{units}"),
            places => write!(f, "{sign}{}.{:0width$}", units / one, units % one, width = usize::from(places)),
        }
    }
}

impl Serialize for Fixed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The whole transcript of one learner, ready to print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TranscriptView {
    /// The document's language (BCP 47, e.g. "en"): PDF `/Lang`, HTML `lang`.
    pub language: String,
    /// Who issues the transcript.
    pub institution: InstitutionView,
    /// Whose transcript it is.
    pub learner: LearnerView,
    /// Terms in chronological order, each with its courses and totals.
    pub terms: Vec<TermView>,
    /// The totals of the whole record.
    pub totals: RecordTotals,
    /// Degrees conferred.
    pub degrees: Vec<DegreeView>,
    /// Attained competencies, one tree per framework.
    pub competencies: Vec<FrameworkView>,
    /// Badges, certificates and other awarded achievements (degrees are in `degrees`).
    pub achievements: Vec<AchievementView>,
    /// The grading scale legend.
    pub grading: GradingLegend,
    /// The issue date as printed (e.g. "2026-06-15"); it is also the PDF's creation date
    /// when it starts with an ISO date.
    pub issue_date: String,
    /// Where and how the signed credential behind this transcript is verified.
    pub verification: VerificationView,
    /// Every label the transcript prints (from `templates/labels.toml`).
    pub labels: Labels,
    /// The mark every page carries when the transcript was signed with a demonstration key
    /// ("SPECIMEN — NOT AN OFFICIAL TRANSCRIPT"); none for a real key.
    pub specimen: Option<String>,
}

/// The issuing institution's header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstitutionView {
    /// Official name.
    pub name: String,
    /// Postal address, one printed line each.
    pub address_lines: Vec<String>,
    /// Official identifiers (OPEID, IPEDS, CEEB …).
    pub identifiers: Vec<IdentifierView>,
    /// Contact lines: web site, e-mail, phone.
    pub contact: Vec<String>,
    /// A logo, printed at the top left (not serialized; the HTML gets a data URI of a JPEG or PNG file).
    #[serde(skip)]
    pub logo: Option<Logo>,
}

/// A logo image, already decoded or in a format PDF embeds as is.
#[derive(Debug, Clone, PartialEq)]
pub enum Logo {
    /// A baseline JPEG file (embedded as is: PDF decodes JPEG itself).
    Jpeg(Vec<u8>),
    /// 8-bit pixels, row by row: 1 byte a pixel (gray) or 3 (RGB).
    Raw {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Bytes a pixel: 1 (gray) or 3 (RGB).
        channels: u8,
        /// The pixels.
        pixels: Vec<u8>,
    },
    /// A PNG file ([`crate::render::logo_from_file`]): its pixels, compressed once for every PDF, and the file
    /// for the HTML.
    Png {
        /// The PNG file.
        file: Vec<u8>,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Bytes a pixel: 1 (gray) or 3 (RGB).
        channels: u8,
        /// The pixels, transparency laid over white, as a zlib stream (a PDF `FlateDecode` image).
        deflated: Vec<u8>,
    },
}

/// A kind of identifier and its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentifierView {
    /// Scheme, e.g. "OPEID".
    pub kind: String,
    /// Value.
    pub value: String,
}

/// The learner block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnerView {
    /// Full name as printed, in its own script.
    pub name: String,
    /// The institution's student id.
    pub id: String,
    /// Birth date as printed.
    pub birth_date: Option<String>,
    /// Program of study.
    pub program: Option<String>,
    /// Degree sought or conferred, as printed in the learner block.
    pub degree: Option<String>,
}

/// One term and its courses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermView {
    /// Term code, e.g. "2025FA".
    pub id: String,
    /// Display name, e.g. "Fall 2025".
    pub name: String,
    /// Academic year, e.g. "2025-2026".
    pub academic_year: Option<String>,
    /// A line printed under the term name, e.g. "Transfer credit from Granite Bay Community College".
    pub note: Option<String>,
    /// Courses, in the order printed.
    pub courses: Vec<CourseRow>,
    /// The totals of this term's courses taken at the institution; none when it has none.
    pub term_totals: Option<Totals>,
    /// The totals of this term's transfer credit; none when it has none.
    pub transfer: Option<Totals>,
    /// The institution's totals up to and including this term (printed when `term_totals` is).
    pub cumulative: Totals,
}

/// The totals of the whole record, in the scopes registrars print: the institution's own
/// courses, transfer credit accepted, and both together.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RecordTotals {
    /// Courses taken at the institution (the GPA is theirs).
    pub institution: Totals,
    /// Transfer credit accepted; none when there is none.
    pub transfer: Option<Totals>,
    /// Institution and transfer together.
    pub overall: Totals,
}

/// One course line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CourseRow {
    /// Course code, e.g. "CS 110".
    pub code: String,
    /// Title (long ones wrap).
    pub title: String,
    /// A short note printed under the title (e.g. where transfer credit was earned).
    pub note: Option<String>,
    /// Credits attempted.
    pub attempted: Fixed,
    /// Credits earned; none while in progress.
    pub earned: Option<Fixed>,
    /// The grade; none while in progress.
    pub grade: Option<String>,
    /// A repeat of a course taken before.
    pub repeat: bool,
    /// Transfer credit.
    pub transfer: bool,
    /// Not finished yet.
    pub in_progress: bool,
    /// Replaced by another attempt under the repeat policy: in credits attempted, not in
    /// credits earned or the GPA.
    pub excluded: bool,
}

/// Credit and GPA totals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Totals {
    /// Credits attempted.
    pub attempted: Fixed,
    /// Credits earned.
    pub earned: Fixed,
    /// Credits counted in the GPA.
    pub gpa_credits: Fixed,
    /// Quality points.
    pub quality_points: Fixed,
    /// Grade point average; none when no graded credit counts yet.
    pub gpa: Option<Fixed>,
}

/// A degree conferred.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DegreeView {
    /// Name, e.g. "Bachelor of Science in Data Science".
    pub name: String,
    /// Level, e.g. "Bachelor's degree".
    pub level: Option<String>,
    /// Field of study / major.
    pub field: Option<String>,
    /// Date conferred, as printed.
    pub conferred: String,
    /// Honors, e.g. "cum laude".
    pub honors: Option<String>,
}

/// The attained competencies of one framework, as a tree in pre-order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkView {
    /// Framework title.
    pub title: String,
    /// Publisher (or creator).
    pub publisher: Option<String>,
    /// Version.
    pub version: Option<String>,
    /// The language its statements are written in, as the framework declares it (BCP 47), if it does.
    pub language: Option<String>,
    /// Items in pre-order; `depth` gives the tree.
    pub items: Vec<CompetencyRow>,
}

/// One attained competency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompetencyRow {
    /// Depth in the tree (0 = top level).
    pub depth: u8,
    /// Human coding scheme, e.g. "NIT.DS.1".
    pub code: Option<String>,
    /// The statement.
    pub statement: String,
    /// The level attained, as printed.
    pub level: Option<String>,
    /// Attained through a crosswalk, not on this framework's own evidence.
    pub derived: bool,
}

/// A badge, certificate or other awarded achievement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AchievementView {
    /// Kind, as printed ("Badge", "Certificate" …).
    pub kind: String,
    /// Name.
    pub name: String,
    /// Award date, as printed.
    pub awarded: String,
    /// Result or level, e.g. "Proficient".
    pub result: Option<String>,
}

/// The grading scale legend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradingLegend {
    /// Scale name, e.g. "Undergraduate letter grades (4.0 scale)".
    pub scale_name: String,
    /// Grades, best first.
    pub grades: Vec<GradeRow>,
}

/// One grade of the legend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeRow {
    /// The grade, e.g. "A-".
    pub grade: String,
    /// Quality points, if it has any.
    pub points: Option<Fixed>,
    /// What it means.
    pub meaning: String,
}

/// The verification block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerificationView {
    /// Where the credential is verified (the QR code encodes it).
    pub url: String,
    /// SHA-256 of the signed `clr.json`, lowercase hex.
    pub clr_sha256: String,
    /// The issuer's DID.
    pub issuer_did: String,
    /// The status lists (W3C Bitstring Status List) a verifier checks the credential against, if it has any;
    /// the page at `url` shows the same status, live.
    pub status_lists: Vec<String>,
}

impl TranscriptView {
    /// The document title: "Official Academic Transcript — Name".
    pub fn document_title(&self) -> String {
        format!("{} \u{2014} {}", self.labels.document_title, self.learner.name)
    }
}

impl From<&Institution> for InstitutionView {
    /// The header as `institution.toml` describes the institution (no logo: the caller reads it).
    fn from(inst: &Institution) -> InstitutionView {
        let mut address_lines = Vec::new();
        if let Some(a) = &inst.address {
            let mut line: Vec<String> = Vec::new();
            if let Some(street) = &a.street {
                line.push(street.clone());
            }
            let region_code =
                [a.region.as_deref(), a.postal_code.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
            let locality = [a.locality.as_deref(), (!region_code.is_empty()).then_some(region_code.as_str())]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            if !locality.is_empty() {
                line.push(locality);
            }
            if let Some(country) = &a.country {
                line.push(country.clone());
            }
            if !line.is_empty() {
                address_lines.push(line.join(", "));
            }
        }
        let web =
            inst.url.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/').to_string();
        let contact = [Some(web), inst.email.clone(), inst.phone.clone()].into_iter().flatten().collect();
        InstitutionView {
            name: inst.name.clone(),
            address_lines,
            identifiers: inst
                .identifiers
                .iter()
                .map(|i| IdentifierView { kind: i.kind.clone(), value: i.value.clone() })
                .collect(),
            contact,
            logo: None,
        }
    }
}

impl From<&GradingScale> for GradingLegend {
    /// The legend of a grading scale: every grade, its points (two decimals) and its description.
    fn from(scale: &GradingScale) -> GradingLegend {
        GradingLegend {
            scale_name: scale.name.clone(),
            grades: scale
                .grades
                .iter()
                .map(|g| GradeRow {
                    grade: g.grade.clone(),
                    points: g.points.map(Fixed::gpa),
                    meaning: g.description.clone().unwrap_or_default(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The printing of a fixed-point number through float formatting: the reference.
    fn reference(value: f64, places: u8) -> String {
        let scale = 10f64.powi(i32::from(places));
        let rounded = (value * scale + value.signum() * 1e-9).round() / scale;
        format!("{:.*}", usize::from(places), rounded)
    }

    #[test]
    fn fixed_prints_as_float_formatting_would() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut values = vec![0.0, -0.0, 0.004, -0.004, 0.005, -0.005, 2.675, 1.005, 3.345, 120.0, -7.5, 1e6 + 0.125];
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            values.push((seed % 2_000_000) as f64 / 1000.0 - 1000.0);
        }
        for value in values {
            for places in [0, 1, 2, 3] {
                assert_eq!(Fixed::new(value, places).to_string(), reference(value, places), "{value} {places}");
            }
        }
        assert_eq!(Fixed::new(f64::NAN, 2).to_string(), reference(f64::NAN, 2));
    }

    #[test]
    fn fixed_prints_rounded_decimals() {
        assert_eq!(Fixed::credits(3.0).to_string(), "3.00");
        assert_eq!(Fixed::gpa(3.345).to_string(), "3.35");
        assert_eq!(Fixed::gpa(10.0 / 3.0).to_string(), "3.33");
        assert_eq!(Fixed::new(2.5, 0).to_string(), "3");
        assert_eq!(serde_json::to_string(&Fixed::credits(4.0)).unwrap(), "\"4.00\"");
    }
}
