//! Labels (every printed text that is not data) and PDF layout choices, read from
//! `templates/labels.toml` and `templates/layout.toml`. An override file names only
//! the keys it changes; a key the defaults do not have is an error (a typo would
//! otherwise be silently ignored).

use serde::{Deserialize, Serialize};

use super::RenderError;
use crate::model::AchievementKind;

macro_rules! labels {
    ($($(#[doc = $doc:literal])* $field:ident,)*) => {
        /// Every label the transcript prints, from `templates/labels.toml`.
        #[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct Labels {
            $($(#[doc = $doc])* pub $field: String,)*
        }
    };
}

labels! {
    /// The document title, "Official Academic Transcript".
    document_title,
    /// "Issued" (before the issue date).
    issued,
    /// "Page {page} of {pages}".
    page_of,
    /// "(continued)", after a section title repeated on a new page.
    continued,
    /// "End of transcript".
    end_of_transcript,
    /// Learner block: "Name".
    name,
    /// Learner block: "Student ID".
    student_id,
    /// Learner block: "Date of birth".
    birth_date,
    /// Learner block: "Program".
    program,
    /// Learner block: "Degree".
    degree,
    /// Printed on every page of a transcript signed with a demonstration key.
    specimen_mark,
    /// The document title of such a transcript (in place of `document_title`).
    specimen_title,
    /// Section title "Academic Record".
    academic_record,
    /// Column "Course" (the code).
    course,
    /// Column "Title".
    title,
    /// Column "Attempted".
    attempted,
    /// Column "Earned".
    earned,
    /// Column "Grade".
    grade,
    /// Column "Notes" (the marks).
    notes,
    /// "Term totals" (the term's courses at the institution).
    term_totals,
    /// "Transfer credit accepted" (a term's or the record's transfer credit).
    transfer_totals,
    /// "Cumulative" (the institution's courses up to the term).
    cumulative,
    /// Title of the record's totals block, "Record totals".
    record_totals,
    /// "Institution" (record totals of the institution's courses).
    institution_totals,
    /// "Overall" (institution and transfer together).
    overall_totals,
    /// How the totals are counted, printed under the record.
    totals_rule,
    /// "GPA".
    gpa,
    /// Printed for the grade of a course in progress.
    in_progress,
    /// Printed for a term without courses.
    no_courses,
    /// Mark of a repeated course.
    mark_repeat,
    /// Mark of transfer credit.
    mark_transfer,
    /// Mark of a course in progress.
    mark_in_progress,
    /// Mark of an attempt replaced by a repeat (in credits attempted only).
    mark_excluded,
    /// The legend of the marks, printed under the academic record.
    marks_legend,
    /// Section title "Degrees Conferred".
    degrees,
    /// "Conferred".
    conferred,
    /// "Honors".
    honors,
    /// "Major" (field of study).
    field,
    /// Section title "Competencies Attained".
    competencies,
    /// Column "Competency".
    competency,
    /// Column "Level".
    level,
    /// The mark of a derived (crosswalked) competency, "†".
    derived_mark,
    /// The footnote explaining the derived mark.
    derived_note,
    /// "Publisher".
    publisher,
    /// "Version".
    version,
    /// Section title "Badges and Certificates".
    achievements,
    /// Column "Achievement".
    achievement,
    /// Column "Type".
    kind,
    /// Column "Awarded".
    awarded,
    /// Column "Result".
    result,
    /// The type "Badge".
    kind_badge,
    /// The type "Certificate".
    kind_certificate,
    /// The type "Degree".
    kind_degree,
    /// The type "Diploma".
    kind_diploma,
    /// The type "Micro-credential".
    kind_micro_credential,
    /// The type "License".
    kind_license,
    /// Section title "Grading Scale".
    grading,
    /// Column "Points".
    points,
    /// Column "Meaning".
    meaning,
    /// Section title "Verification".
    verification,
    /// "Verify at".
    verify_at,
    /// "SHA-256 of the signed credential (clr.json)".
    clr_sha256,
    /// "Issuer" (before the issuer DID).
    issuer_did,
    /// "Status list …" (before the URL of a status list the credential names).
    status_list,
    /// The statement of where the status is checked (printed when the credential has status lists).
    status_note,
    /// "Scan to verify", under the QR code.
    scan_to_verify,
    /// "Seal of" (before the institution's name: the logo's text alternative).
    seal_of,
    /// "QR code linking to" (before the verification URL: the QR code's text alternative).
    qr_code,
    /// The authenticity statement of the verification block.
    authenticity,
    /// The PDF's statement that the signed credential is attached to it (printed when it is).
    attached,
}

impl Labels {
    /// "Page 2 of 5".
    pub fn page_of(&self, page: usize, pages: usize) -> String {
        self.page_of.replace("{page}", &page.to_string()).replace("{pages}", &pages.to_string())
    }

    /// The printed type of an achievement ("Badge", "Certificate" …; other kinds as written).
    pub fn achievement_kind(&self, kind: &AchievementKind) -> String {
        match kind {
            AchievementKind::Badge => self.kind_badge.clone(),
            AchievementKind::Certificate => self.kind_certificate.clone(),
            AchievementKind::Degree => self.kind_degree.clone(),
            AchievementKind::Diploma => self.kind_diploma.clone(),
            AchievementKind::MicroCredential => self.kind_micro_credential.clone(),
            AchievementKind::License => self.kind_license.clone(),
            AchievementKind::Other(name) => name.clone(),
        }
    }
}

/// Paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageSize {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl PageSize {
    /// Width and height in points.
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (595.276, 841.89),
            PageSize::Letter => (612.0, 792.0),
        }
    }
}

/// A section of the transcript body, after the learner block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Terms and courses.
    AcademicRecord,
    /// Degrees conferred.
    Degrees,
    /// Competencies attained.
    Competencies,
    /// Badges and certificates.
    Achievements,
    /// The grading scale legend.
    Grading,
    /// The verification block.
    Verification,
}

/// Layout choices of the PDF, from `templates/layout.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Paper size.
    pub page_size: PageSize,
    /// Accent colour, "#rrggbb".
    pub accent: String,
    /// Sections in order.
    pub sections: Vec<Section>,
}

impl Layout {
    /// The accent colour as RGB fractions (a dark blue if it is not "#rrggbb").
    pub fn accent_rgb(&self) -> (f32, f32, f32) {
        let hex = self.accent.trim().trim_start_matches('#');
        let channel = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (hex.len(), channel(0), channel(2), channel(4)) {
            (6, Some(r), Some(g), Some(b)) => (f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0),
            _ => (0.12, 0.23, 0.37),
        }
    }
}

/// Reads `defaults` (a TOML document) with the keys of `overlay` replacing its own, into `T`.
pub(crate) fn merged<T: for<'de> Deserialize<'de>>(
    file: &str,
    defaults: &str,
    overlay: Option<&str>,
) -> Result<T, RenderError> {
    let parse = |text: &str| {
        toml::from_str::<toml::Table>(text)
            .map_err(|e| RenderError::Template { name: file.to_string(), message: e.message().trim().to_string() })
    };
    let mut table = parse(defaults)?;
    if let Some(text) = overlay {
        for (key, value) in parse(text)? {
            if !table.contains_key(&key) {
                return Err(RenderError::Template {
                    name: file.to_string(),
                    message: format!("unknown key {key:?} (known keys are those of the embedded {file})"),
                });
            }
            table.insert(key, value);
        }
    }
    toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| RenderError::Template {
        name: file.to_string(),
        message: e.message().trim().to_string(),
    })
}
