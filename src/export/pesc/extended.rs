//! What the CLR holds beyond courses, where PESC 1.8 has room for it: degrees, diplomas and certificates as
//! `AcademicAward`s; badges and attained competencies as `AdditionalStudentAchievements`; and, always, a
//! pointer to the signed CLR (`NoteMessage`s, and `UserDefinedExtensions` with every badge and competency in
//! full), so a receiver can fetch and verify the extended record.

use super::EXTENSION_NS;
use super::codes::{award_level, is_academic_award};
use super::document::Source;
use super::limits::max;
use super::xml::Xml;
use crate::assemble::vocab::AchievementCredential;
use crate::model::{Achievement, AchievementKind, Award};

/// Achievement types of the CLR's nested credentials that PESC carries elsewhere (courses, terms, the
/// cumulative record).
const NOT_EXTENDED: &[&str] = &["Course", "ext:AcademicTerm", "ext:AcademicRecord"];

/// The learner's awards with their achievement, by date.
fn awards<'s>(s: &'s Source<'_, '_>) -> impl Iterator<Item = (&'s Award, &'s Achievement)> + 's {
    let achievements = &s.assembler.records.achievements;
    s.assembled.awards.iter().filter_map(|a| achievements.get(&a.achievement_id).map(|def| (*a, def)))
}

/// `AcademicAward` for every degree, diploma and certificate (AcademicRecord 1.13 `AcademicAwardType`).
pub(super) fn academic_awards(s: &Source<'_, '_>, xml: &mut Xml) {
    let pesc = &s.assembler.config.pesc;
    for (award, a) in awards(s).filter(|(_, a)| is_academic_award(&a.kind)) {
        xml.of = format!("achievement {}", a.id);
        xml.open("AcademicAward");
        xml.text("AcademicAwardLevel", award_level(a, pesc));
        xml.text("AcademicAwardDate", &award.awarded_date.to_string());
        xml.limited("AcademicAwardTitle", &a.name, Some(max::AWARD_TITLE));
        xml.text("AcademicCompletionIndicator", "true");
        xml.text("AcademicCompletionDate", &award.awarded_date.to_string());
        let program = a.field_of_study.as_deref().or(s.assembled.learner.program.as_deref());
        if let Some(program) = program {
            xml.open("AcademicAwardProgram");
            xml.limited("AcademicProgramName", program, Some(max::PROGRAM_NAME));
            xml.close("AcademicAwardProgram");
        }
        xml.close("AcademicAward");
    }
}

/// The attained competencies' credentials.
fn competencies<'s>(s: &'s Source<'_, '_>) -> impl Iterator<Item = &'s AchievementCredential> + 's {
    s.assembled.nested.iter().filter(|c| c.credential_subject.achievement.achievement_type == "Competency")
}

/// How a kind of achievement is named in a note.
fn kind_label(kind: &AchievementKind) -> &str {
    match kind {
        AchievementKind::Badge => "Badge",
        AchievementKind::Certificate => "Certificate",
        AchievementKind::Degree => "Degree",
        AchievementKind::Diploma => "Diploma",
        AchievementKind::MicroCredential => "Micro-credential",
        AchievementKind::License => "License",
        AchievementKind::Other(other) => other,
    }
}

/// `AdditionalStudentAchievements` (CoreMain 1.19): each badge, micro-credential or license as an `Attribute`,
/// each attained competency as a `Proficiency` (its coding scheme, else its name), met on the award date.
pub(super) fn additional_achievements(s: &Source<'_, '_>, xml: &mut Xml) {
    let badges: Vec<(&Award, &Achievement)> = awards(s).filter(|(_, a)| !is_academic_award(&a.kind)).collect();
    if badges.is_empty() && competencies(s).next().is_none() {
        return;
    }
    xml.open("AdditionalStudentAchievements");
    for (award, a) in badges {
        xml.of = format!("achievement {}", a.id);
        xml.open("Attribute");
        xml.limited("RAPName", &a.name, Some(max::RAP_NAME));
        xml.limited("RAPSubName", kind_label(&a.kind), Some(max::RAP_NAME));
        xml.text("ConditionsMetCode", "Yes");
        xml.text("ConditionsMetDate", &award.awarded_date.to_string());
        xml.close("Attribute");
    }
    for c in competencies(s) {
        let a = &c.credential_subject.achievement;
        xml.of = format!("competency {}", a.human_code.as_deref().unwrap_or(&a.name));
        xml.open("Proficiency");
        let code = a.human_code.as_deref().filter(|code| code.chars().count() <= max::RAP_NAME);
        xml.limited("RAPName", code.unwrap_or(&a.name), Some(max::RAP_NAME));
        xml.text("ConditionsMetCode", "Yes");
        if let Some(level) = c.credential_subject.result.first().and_then(|r| r.value.as_deref()) {
            xml.limited("NoteMessage", &format!("Level attained: {level}"), Some(max::NOTE));
        }
        xml.close("Proficiency");
    }
    xml.close("AdditionalStudentAchievements");
}

/// Two `NoteMessage`s (at most 80 characters each) naming the signed CLR and its SHA-256.
pub(super) fn pointer_notes(s: &Source<'_, '_>, xml: &mut Xml) {
    xml.of = "the CLR pointer".into();
    xml.limited("NoteMessage", &format!("Extended transcript (CLR 2.0): {}", s.assembled.clr.id), Some(max::NOTE));
    xml.limited("NoteMessage", &format!("CLR SHA-256: {}", s.request.clr_sha256), Some(max::NOTE));
}

/// `UserDefinedExtensions`: one `xt:ExtendedTranscript` element (namespace [`EXTENSION_NS`], which the XSD's
/// `##other` wildcard admits) with the signed CLR's id, file and SHA-256, and every badge, certificate, degree
/// and competency credential of the CLR, named in full.
pub(super) fn user_defined_extensions(s: &Source<'_, '_>, xml: &mut Xml) {
    xml.open("UserDefinedExtensions");
    xml.open_with("xt:ExtendedTranscript", &[("xmlns:xt", EXTENSION_NS)]);
    xml.empty_with(
        "xt:ClrCredential",
        &[("id", &s.assembled.clr.id), ("file", "clr.json"), ("sha256", s.request.clr_sha256)],
    );
    for c in &s.assembled.nested {
        let a = &c.credential_subject.achievement;
        if NOT_EXTENDED.contains(&a.achievement_type.as_str()) {
            continue;
        }
        let date = c.awarded_date.map(|t| t.date().to_string()).unwrap_or_default();
        let level = c.credential_subject.result.first().and_then(|r| r.value.clone()).unwrap_or_default();
        let alignment = a.alignment.first();
        xml.empty_with(
            "xt:Achievement",
            &[
                ("credential", &c.id),
                ("type", &a.achievement_type),
                ("name", &a.name),
                ("code", a.human_code.as_deref().unwrap_or("")),
                ("alignment", alignment.map_or("", |al| al.target_url.as_str())),
                ("framework", alignment.and_then(|al| al.target_framework.as_deref()).unwrap_or("")),
                ("result", &level),
                ("awarded", &date),
            ],
        );
    }
    xml.close("xt:ExtendedTranscript");
    xml.close("UserDefinedExtensions");
}
