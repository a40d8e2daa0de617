//! Assembly: one learner's extended transcript as a CLR 2.0 `ClrCredential`
//! holding OB 3.0 `AchievementCredential`s — one per course record, term,
//! the cumulative record, award, and attained competency — with the achievements
//! they refer to and the competency graph's relations among them.
//!
//! Pure: the issue date, the issuer's id and the salt secret are passed in.

mod awards;
mod courses;
pub mod gpa;
mod identity;
mod ids;
mod subject;
pub mod validate;
pub mod vocab;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub use gpa::{RecordStanding, Scopes, Standing, Standings};
pub use ids::IdMaker;

use self::awards::{CredentialIds, award_credential, competency_credential};
use self::courses::{course_credential, in_term_order, summary_credential, term_credential};
use self::subject::Subject;
use self::vocab::{AchievementCredential, Association, CLR_V2, ClrCredential, ClrSubject, OB_V3, VC_V2};
use crate::config::Config;
use crate::graph::{CompetencyGraph, LearnerCompetencies, LearnerEvidence, NodeKind};
use crate::model::{AssociationKind, Award, CourseRecord, Framework, Learner, Records, Timestamp};

/// Everything assembly needs that is the same for every learner of a run.
/// Build it with [`Assembler::new`], which indexes the records by learner once.
pub struct Assembler<'a> {
    /// The institution's settings.
    pub config: &'a Config,
    /// All records.
    pub records: &'a Records,
    /// The frameworks.
    pub frameworks: &'a [Framework],
    /// The competency graph.
    pub graph: &'a CompetencyGraph,
    /// The issuer's id (its DID).
    pub issuer_id: String,
    /// The issue date of the run.
    pub issued_at: Timestamp,
    /// The secret the identifier salts derive from.
    pub salt_secret: Vec<u8>,
    /// Signed with a demonstration key: the CLR's name and description, and the transcript's
    /// every page, say it is a specimen and not an official transcript.
    pub specimen: bool,
    /// Course record and award indexes by learner.
    by_learner: BTreeMap<&'a str, (Vec<usize>, Vec<usize>)>,
}

/// One learner's transcript, before signing.
pub struct Assembled<'a> {
    /// The learner.
    pub learner: &'a Learner,
    /// The learner's course records, in term order.
    pub records: Vec<&'a CourseRecord>,
    /// How each of `records` counts (same order), term and overall totals.
    pub standings: Standings,
    /// The learner's awards, by date.
    pub awards: Vec<&'a Award>,
    /// The competencies attained.
    pub competencies: LearnerCompetencies<'a>,
    /// The nested credentials, in transcript order (terms, courses, awards, competencies).
    pub nested: Vec<AchievementCredential>,
    /// The ClrCredential, its `verifiableCredential` still empty.
    pub clr: ClrCredential,
}

impl Assembled<'_> {
    /// The ClrCredential as JSON with `nested` (signed or not) inside. The nested
    /// values are moved in, not re-serialized.
    pub fn clr_with(&self, nested: Vec<Value>) -> Value {
        let mut clr = serde_json::to_value(&self.clr).unwrap_or(Value::Null);
        if let Some(slot) = clr.pointer_mut("/credentialSubject/verifiableCredential") {
            *slot = Value::Array(nested);
        }
        clr
    }

    /// The unsigned ClrCredential as JSON.
    pub fn unsigned(&self) -> Value {
        self.clr_with(self.nested.iter().map(|c| serde_json::to_value(c).unwrap_or(Value::Null)).collect())
    }
}

impl<'a> Assembler<'a> {
    /// An assembler for one run.
    pub fn new(
        config: &'a Config,
        records: &'a Records,
        frameworks: &'a [Framework],
        graph: &'a CompetencyGraph,
        issuer_id: String,
        issued_at: Timestamp,
        salt_secret: Vec<u8>,
    ) -> Assembler<'a> {
        let mut by_learner: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for (i, r) in records.course_records.iter().enumerate() {
            by_learner.entry(&r.learner_id).or_default().0.push(i);
        }
        for (i, a) in records.awards.iter().enumerate() {
            by_learner.entry(&a.learner_id).or_default().1.push(i);
        }
        Assembler { config, records, frameworks, graph, issuer_id, issued_at, salt_secret, specimen: false, by_learner }
    }

    /// A learner's own inputs, in input order: the learner, their course records and their awards (what
    /// [`crate::batch::learner_fingerprint`] hashes); `None` for an unknown learner.
    pub fn inputs_of(&self, learner_id: &str) -> Option<(&'a Learner, Vec<&'a CourseRecord>, Vec<&'a Award>)> {
        let learner = self.records.learners.get(learner_id)?;
        let (record_ix, award_ix) =
            self.by_learner.get(learner_id).map_or((&[][..], &[][..]), |(r, a)| (&r[..], &a[..]));
        let records = record_ix.iter().map(|&i| &self.records.course_records[i]).collect();
        let awards = award_ix.iter().map(|&i| &self.records.awards[i]).collect();
        Some((learner, records, awards))
    }

    /// Assembles the transcript of `learner_id`; `None` for an unknown learner.
    pub fn learner(&self, learner_id: &str) -> Option<Assembled<'a>> {
        let learner = self.records.learners.get(learner_id)?;
        let scale = &self.config.grading;
        let s = Subject::new(
            self.config,
            &self.issuer_id,
            self.issued_at,
            &self.salt_secret,
            learner,
            self.graph,
            self.frameworks,
        );
        let (record_ix, award_ix) =
            self.by_learner.get(learner.id.as_str()).map_or((&[][..], &[][..]), |(r, a)| (&r[..], &a[..]));
        let mine: Vec<&CourseRecord> = record_ix.iter().map(|&i| &self.records.course_records[i]).collect();
        let ordered = in_term_order(&mine, &self.records.terms);
        let records: Vec<&CourseRecord> = ordered.iter().map(|(_, r, _)| *r).collect();
        let standings = gpa::compute(
            &records,
            &self.records.courses,
            &self.records.terms,
            scale,
            self.config.transcript.repeat_policy,
        );

        let mut nested = Vec::new();
        let mut ids = CredentialIds { records: BTreeMap::new(), awards: BTreeMap::new() };
        let any_transfer = records.iter().any(|r| r.transfer);
        for totals in &standings.terms {
            if let Some(term) = self.records.terms.get(&totals.term_id) {
                nested.push(term_credential(&s, term, totals, any_transfer));
            }
        }
        // Courses the repeat policy acted on: each of their attempts says whether it counts.
        let repeated: BTreeSet<&str> = records
            .iter()
            .zip(&standings.records)
            .filter(|(_, c)| c.replaced)
            .map(|(r, _)| r.course_id.as_str())
            .collect();
        for (k, (_, r, term)) in ordered.iter().enumerate() {
            let course = self.records.courses.get(&r.course_id);
            let is_repeated = repeated.contains(r.course_id.as_str());
            let c = course_credential(&s, r, course, term, &standings.records[k], is_repeated);
            ids.records.insert(r.id.clone(), c.id.clone());
            nested.push(c);
        }
        nested.push(summary_credential(&s, &standings, any_transfer));
        let mut awards: Vec<&Award> = award_ix.iter().map(|&i| &self.records.awards[i]).collect();
        awards.sort_by(|a, b| {
            (a.awarded_date, &a.achievement_id, &a.id).cmp(&(b.awarded_date, &b.achievement_id, &b.id))
        });
        for award in &awards {
            if let Some(def) = self.records.achievements.get(&award.achievement_id) {
                let c = award_credential(&s, award, def);
                ids.awards.insert(award.id.clone(), c.id.clone());
                nested.push(c);
            }
        }
        let passed =
            |r: &&'a CourseRecord| (*r, crate::graph::passes(r, self.records.courses.get(&r.course_id), Some(scale)));
        let evidence = LearnerEvidence { records: records.iter().map(passed).collect(), awards: awards.clone() };
        let competencies = self.graph.evaluate(&evidence);
        let mut attained: Vec<_> =
            competencies.iter().filter(|(n, _)| self.graph.node(*n).kind == NodeKind::Competency).collect();
        attained.sort_by_key(|(n, _)| {
            (self.graph.node(*n).framework, self.graph.node(*n).code.clone(), self.graph.node(*n).key.clone())
        });
        for (item, a) in attained {
            nested.push(competency_credential(&s, item, a, &ids));
        }
        let clr = self.clr(&s, &nested, &competencies);
        Some(Assembled { learner, records, standings, awards, competencies, nested, clr })
    }

    fn clr(
        &self,
        s: &Subject<'_>,
        nested: &[AchievementCredential],
        competencies: &LearnerCompetencies<'_>,
    ) -> ClrCredential {
        let mut achievements: BTreeMap<String, vocab::Achievement> = BTreeMap::new();
        for c in nested {
            let a = &c.credential_subject.achievement;
            achievements.entry(a.id.clone()).or_insert_with(|| a.clone());
        }
        let name = s.learner.full_name();
        ClrCredential {
            context: vec![VC_V2, CLR_V2, OB_V3],
            id: s.ids.id("clr", &s.learner.id),
            kind: vec!["VerifiableCredential", "ClrCredential"],
            name: if self.specimen {
                format!("SPECIMEN, not an official transcript — Comprehensive Learner Record: {name}")
            } else {
                format!("Comprehensive Learner Record: {name}")
            },
            description: if self.specimen {
                format!(
                    "SPECIMEN — NOT AN OFFICIAL TRANSCRIPT: signed with a demonstration key, not by {}. Extended transcript of {name}.",
                    self.config.institution.name
                )
            } else {
                format!("Official extended transcript of {name}, issued by {}.", self.config.institution.name)
            },
            issuer: s.issuer.clone(),
            valid_from: self.issued_at,
            awarded_date: self.issued_at,
            partial: false,
            credential_subject: ClrSubject {
                kind: vec!["ClrSubject"],
                identifier: s.identifiers.clone(),
                achievement: achievements.into_values().collect(),
                verifiable_credential: Vec::new(),
                association: self.associations(s, competencies),
            },
        }
    }

    /// The graph's relations among the attained competencies' achievements.
    fn associations(&self, s: &Subject<'_>, competencies: &LearnerCompetencies<'_>) -> Vec<Association> {
        let present: BTreeSet<_> =
            competencies.iter().map(|(n, _)| n).filter(|n| self.graph.node(*n).kind == NodeKind::Competency).collect();
        let achievement = |n| s.ids.id("competency", &self.graph.node(n).key);
        let mut out: BTreeSet<Association> = BTreeSet::new();
        for (from, to, relation) in self.graph.associations() {
            let kind = match relation {
                AssociationKind::IsChildOf => "isChildOf",
                AssociationKind::ExactMatchOf => "exactMatchOf",
                AssociationKind::IsPartOf => "isPartOf",
                AssociationKind::Precedes => "precedes",
                AssociationKind::IsRelatedTo => "isRelatedTo",
                AssociationKind::ReplacedBy => "replacedBy",
                AssociationKind::IsPeerOf => "isPeerOf",
                _ => continue,
            };
            if from != to && present.contains(&from) && present.contains(&to) {
                out.insert(Association {
                    kind: "Association",
                    association_type: kind,
                    source_id: achievement(from),
                    target_id: achievement(to),
                });
            }
        }
        out.into_iter().collect()
    }
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
