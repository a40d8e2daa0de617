//! AchievementCredentials for awarded badges, certificates and degrees, and for
//! attained competencies (with their evidence trail).

use std::collections::BTreeMap;

use super::courses::{credential, subject_of};
use super::subject::{Subject, enum_value};
use super::vocab::{Achievement, AchievementCredential, Criteria, Evidence, Image, ResultEntry};
use crate::graph::{Attainment, Evidence as GraphEvidence, NodeId};
use crate::model::{Achievement as Definition, AchievementKind, Award, Timestamp};

/// OB 3.0 AchievementType values used here; others take `ext:`.
const ACHIEVEMENT_TYPES: &[&str] = &[
    "Achievement",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "Competency",
    "Course",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "License",
    "MasterDegree",
    "MicroCredential",
];

/// The OB achievementType of an achievement definition (degrees by their level).
fn achievement_type(def: &Definition) -> String {
    let level = def.level.as_deref().unwrap_or("").to_ascii_lowercase();
    let name = match &def.kind {
        AchievementKind::Badge => "Badge",
        AchievementKind::Certificate => "Certificate",
        AchievementKind::Diploma => "Diploma",
        AchievementKind::MicroCredential => "MicroCredential",
        AchievementKind::License => "License",
        AchievementKind::Degree if level.contains("bachelor") => "BachelorDegree",
        AchievementKind::Degree if level.contains("associate") => "AssociateDegree",
        AchievementKind::Degree if level.contains("master") => "MasterDegree",
        AchievementKind::Degree if level.contains("doctor") => "DoctoralDegree",
        AchievementKind::Degree => "Degree",
        AchievementKind::Other(other) => other,
    };
    enum_value(name, ACHIEVEMENT_TYPES)
}

/// The credential of one award.
pub fn award_credential(s: &Subject<'_>, award: &Award, def: &Definition) -> AchievementCredential {
    let mut result_description = Vec::new();
    let mut results = Vec::new();
    if let Some(value) = &award.result {
        let rd = s.result_description(&format!("award-result:{}", def.id), "Result", "PerformanceLevel");
        results.push(ResultEntry {
            kind: vec!["Result"],
            result_description: rd.id.clone(),
            value: Some(value.clone()),
            status: None,
        });
        result_description.push(rd);
    }
    let achievement = Achievement {
        id: s.ids.id("achievement", &def.id),
        kind: vec!["Achievement"],
        achievement_type: achievement_type(def),
        name: def.name.clone(),
        description: def.description.clone(),
        criteria: Criteria { id: def.criteria_url.clone(), narrative: def.criteria.clone() },
        human_code: Some(def.id.clone()),
        field_of_study: def.field_of_study.clone(),
        credits_available: None,
        image: def.image.clone().map(|id| Image { id, kind: "Image" }),
        creator: s.creator.clone(),
        alignment: s.alignments_of(s.graph.achievement(&def.id)),
        result_description,
        tag: def.tags.clone(),
    };
    let mut c = credential(
        s,
        s.ids.id("award", &format!("{}/{}", s.learner.id, award.id)),
        def.name.clone(),
        None,
        subject_of(s, achievement, results),
        Some(Timestamp::start_of(award.awarded_date)),
    );
    c.evidence = award
        .evidence
        .iter()
        .map(|e| Evidence { id: e.url.clone(), kind: vec!["Evidence"], name: None, narrative: e.narrative.clone() })
        .collect();
    c
}

/// Ids of the credentials a competency's evidence can point at.
pub struct CredentialIds {
    /// Course record id → credential id.
    pub records: BTreeMap<String, String>,
    /// Award id → credential id.
    pub awards: BTreeMap<String, String>,
}

/// The credential id of an attained competency of this learner.
pub fn competency_credential_id(s: &Subject<'_>, item: NodeId) -> String {
    s.ids.id("competency-attained", &format!("{}/{}", s.learner.id, s.graph.node(item).key))
}

/// The achievement of a competency: shared by every learner who attains it.
fn competency_achievement(s: &Subject<'_>, item: NodeId, derived: bool) -> Achievement {
    let node = s.graph.node(item);
    let rule = s.graph.rule(item);
    let narrative = if derived {
        "Attained through a crosswalk: an exactly matching competency of another framework was attained.".to_string()
    } else if s.graph.children(item).is_empty() {
        "Demonstrated by passing aligned courses or earning aligned achievements.".to_string()
    } else {
        format!(
            "Demonstrated directly by aligned courses or achievements, or by attaining {rule} of its sub-competencies."
        )
    };
    let mut level =
        s.result_description(&format!("competency-level:{}", node.key), "Level attained", "PerformanceLevel");
    level.value_min = Some("1".into());
    Achievement {
        id: s.ids.id("competency", &node.key),
        kind: vec!["Achievement"],
        achievement_type: "Competency".to_string(),
        name: node.display(),
        description: node.label.clone(),
        criteria: Criteria { id: None, narrative },
        human_code: node.code.clone(),
        field_of_study: None,
        credits_available: None,
        image: None,
        creator: s.creator.clone(),
        alignment: vec![s.alignment(item)],
        result_description: vec![level],
        tag: Vec::new(),
    }
}

/// The credential of one attained competency, its evidence pointing at the
/// credentials that support it (courses, awards, sub-competencies, crosswalk source).
pub fn competency_credential(
    s: &Subject<'_>,
    item: NodeId,
    a: &Attainment<'_>,
    ids: &CredentialIds,
) -> AchievementCredential {
    let achievement = competency_achievement(s, item, a.derived);
    let level_id = achievement.result_description[0].id.clone();
    let result = ResultEntry {
        kind: vec!["Result"],
        result_description: level_id,
        value: Some(a.level.to_string()),
        status: Some("Completed"),
    };
    let name = achievement.name.clone();
    let mut c = credential(
        s,
        competency_credential_id(s, item),
        name,
        None,
        subject_of(s, achievement, vec![result]),
        Some(s.issued_at),
    );
    let mut evidence: Vec<Evidence> = a
        .evidence
        .iter()
        .map(|e| match e {
            GraphEvidence::Course { record, course, level } => Evidence {
                id: ids.records.get(*record).cloned(),
                kind: vec!["Evidence"],
                name: Some(s.graph.node(*course).display()),
                narrative: Some(format!("Passed course, aligned at level {level}.")),
            },
            GraphEvidence::Award { award, achievement, level } => Evidence {
                id: ids.awards.get(*award).cloned(),
                kind: vec!["Evidence"],
                name: Some(s.graph.node(*achievement).label.clone()),
                narrative: Some(format!("Awarded achievement, aligned at level {level}.")),
            },
        })
        .collect();
    evidence.extend(a.children.iter().map(|&child| Evidence {
        id: Some(competency_credential_id(s, child)),
        kind: vec!["Evidence"],
        name: Some(s.graph.node(child).display()),
        narrative: Some("Sub-competency attained.".to_string()),
    }));
    if let Some(from) = a.crosswalk_from {
        evidence.push(Evidence {
            id: Some(competency_credential_id(s, from)),
            kind: vec!["Evidence"],
            name: Some(s.graph.node(from).display()),
            narrative: Some("Derived: exactMatchOf this competency, which was attained.".to_string()),
        });
    }
    c.evidence = evidence;
    c
}
