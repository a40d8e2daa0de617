//! Per-learner evaluation: the competencies a learner's passed courses and
//! awarded achievements demonstrate, rolled up the hierarchy by each item's
//! mastery rule, then carried across exactMatchOf crosswalks once.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{CompetencyGraph, NodeId, NodeKind};
use crate::config::GradingScale;
use crate::model::{Award, Course, CourseRecord, Key, Records};

/// One learner's records, as evidence: each course record with whether it passed.
#[derive(Debug, Clone)]
pub struct LearnerEvidence<'a> {
    /// Course records, each with whether it counts as passed.
    pub records: Vec<(&'a CourseRecord, bool)>,
    /// Awards.
    pub awards: Vec<&'a Award>,
}

impl<'a> LearnerEvidence<'a> {
    /// The evidence of `learner_id` in `records`.
    pub fn of(records: &'a Records, learner_id: &'a str, scale: Option<&GradingScale>) -> LearnerEvidence<'a> {
        let course_records =
            records.records_of(learner_id).map(|r| (r, passes(r, records.courses.get(&r.course_id), scale))).collect();
        LearnerEvidence { records: course_records, awards: records.awards_of(learner_id).collect() }
    }
}

/// Whether a course record counts as passed: finished, graded, and the grade passes
/// (the course's own passing grade first, then the scale's). Transfer credit passes
/// when it earned credit (a transfer grade may come from another scale).
pub fn passes(record: &CourseRecord, course: Option<&Course>, scale: Option<&GradingScale>) -> bool {
    let Some(grade) = record.grade.as_deref().filter(|_| !record.in_progress) else { return false };
    let in_scale = scale.and_then(|s| s.grade(grade).map(|_| s));
    match (in_scale, record.transfer) {
        (Some(scale), _) => {
            scale.passes(grade, course.and_then(|c| c.passing_grade.as_deref())) && record.credits_earned != Some(0.0)
        }
        (None, true) => record.credits_earned.is_none_or(|e| e > 0.0),
        (None, false) => scale.is_none() && record.credits_earned != Some(0.0),
    }
}

/// A piece of direct evidence for a competency.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Evidence {
    /// A passed course record.
    Course {
        /// The record's id.
        record: Key,
        /// The course node.
        course: NodeId,
        /// The level the alignment states.
        level: u32,
    },
    /// An awarded achievement.
    Award {
        /// The award's id.
        award: Key,
        /// The achievement node.
        achievement: NodeId,
        /// The level the alignment states.
        level: u32,
    },
}

/// Why and how a competency is attained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attainment {
    /// The level reached.
    pub level: u32,
    /// True when it rests on a crosswalk rather than on this framework's own evidence.
    pub derived: bool,
    /// Direct evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// The attained children that met its mastery rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<NodeId>,
    /// The competency it was carried over from by exactMatchOf.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crosswalk_from: Option<NodeId>,
}

/// Whether a competency is attained, for [`CompetencyGraph::outcome`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome<'a> {
    /// Attained.
    Attained(&'a Attainment),
    /// Not attained.
    NotAttained,
}

/// Every competency one learner has attained.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct LearnerCompetencies {
    attained: BTreeMap<NodeId, Attainment>,
}

impl LearnerCompetencies {
    /// The attainment of a competency, if attained.
    pub fn get(&self, id: NodeId) -> Option<&Attainment> {
        self.attained.get(&id)
    }

    /// Every attained competency, in node order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &Attainment)> {
        self.attained.iter().map(|(&k, v)| (k, v))
    }

    /// How many competencies are attained.
    pub fn len(&self) -> usize {
        self.attained.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.attained.is_empty()
    }
}

impl CompetencyGraph {
    /// Evaluates one learner.
    pub fn evaluate(&self, evidence: &LearnerEvidence<'_>) -> LearnerCompetencies {
        let mut attained = BTreeMap::new();
        self.collect_direct(evidence, &mut attained);
        let seeds: Vec<NodeId> = attained.keys().copied().collect();
        self.roll_up(&seeds, &mut attained);
        let derived = self.crosswalk(&mut attained);
        self.roll_up(&derived, &mut attained);
        LearnerCompetencies { attained }
    }

    /// Whether `id` is attained in `result`.
    pub fn outcome<'a>(&self, result: &'a LearnerCompetencies, id: NodeId) -> Outcome<'a> {
        result.get(id).map_or(Outcome::NotAttained, Outcome::Attained)
    }

    fn collect_direct(&self, evidence: &LearnerEvidence<'_>, attained: &mut BTreeMap<NodeId, Attainment>) {
        let mut add = |item: NodeId, level: u32, e: Evidence| {
            let a = attained.entry(item).or_insert_with(|| Attainment {
                level: 0,
                derived: false,
                evidence: Vec::new(),
                children: Vec::new(),
                crosswalk_from: None,
            });
            a.level = a.level.max(level);
            if !a.evidence.contains(&e) {
                a.evidence.push(e);
            }
        };
        for (record, _) in evidence.records.iter().filter(|(_, passed)| *passed) {
            let Some(course) = self.course(&record.course_id) else { continue };
            for al in &self.aligned[course.index()] {
                add(al.item, al.level, Evidence::Course { record: record.id.clone(), course, level: al.level });
            }
        }
        for award in &evidence.awards {
            let Some(achievement) = self.achievement(&award.achievement_id) else { continue };
            for al in &self.aligned[achievement.index()] {
                add(al.item, al.level, Evidence::Award { award: award.id.clone(), achievement, level: al.level });
            }
        }
    }

    /// Evaluates the mastery rule of every ancestor of `seeds`, children before parents.
    fn roll_up(&self, seeds: &[NodeId], attained: &mut BTreeMap<NodeId, Attainment>) {
        for node in self.ancestors_children_first(seeds) {
            if self.node(node).kind != NodeKind::Competency
                || attained.get(&node).is_some_and(|a| !a.derived && !a.children.is_empty())
            {
                continue;
            }
            if let Some(rolled) = self.apply_rule(node, attained) {
                match attained.get_mut(&node) {
                    Some(existing) => {
                        existing.level = existing.level.max(rolled.level);
                        existing.derived &= rolled.derived;
                        existing.children = rolled.children;
                    }
                    None => {
                        attained.insert(node, rolled);
                    }
                }
            }
        }
    }

    /// The roll-up of one competency, if its rule is met: the level at which the
    /// quorum of children is reached, derived unless underived children alone reach it.
    fn apply_rule(&self, node: NodeId, attained: &BTreeMap<NodeId, Attainment>) -> Option<Attainment> {
        let children = self.children(node);
        let rule = self.rule(node);
        let needed = rule.needed(children.len());
        if needed == 0 {
            return None;
        }
        let min_level = rule.min_level.unwrap_or(0);
        let counted: Vec<(NodeId, &Attainment)> = children
            .iter()
            .filter_map(|&c| attained.get(&c).map(|a| (c, a)))
            .filter(|(_, a)| a.level >= min_level)
            .collect();
        if counted.len() < needed {
            return None;
        }
        let mut levels: Vec<u32> = counted.iter().map(|(_, a)| a.level).collect();
        levels.sort_unstable_by(|a, b| b.cmp(a));
        let underived = counted.iter().filter(|(_, a)| !a.derived).count();
        Some(Attainment {
            level: levels[needed - 1],
            derived: underived < needed,
            evidence: Vec::new(),
            children: counted.iter().map(|(c, _)| *c).collect(),
            crosswalk_from: None,
        })
    }

    /// The ancestors of `seeds` (seeds included), each after all of its descendants among them.
    fn ancestors_children_first(&self, seeds: &[NodeId]) -> Vec<NodeId> {
        let mut members = BTreeSet::new();
        let mut stack: Vec<NodeId> = seeds.to_vec();
        while let Some(n) = stack.pop() {
            if members.insert(n) {
                stack.extend(self.parents(n).iter().copied());
            }
        }
        // Iterative post-order over the children links inside `members`.
        let mut order = Vec::with_capacity(members.len());
        let mut done = BTreeSet::new();
        for &root in &members {
            let mut stack = vec![(root, false)];
            while let Some((n, expanded)) = stack.pop() {
                if expanded {
                    order.push(n);
                    continue;
                }
                if !done.insert(n) {
                    continue;
                }
                stack.push((n, true));
                stack.extend(
                    self.children(n).iter().filter(|c| members.contains(c) && !done.contains(c)).map(|&c| (c, false)),
                );
            }
        }
        order
    }

    /// Carries every attained, underived competency over its exactMatchOf partners
    /// (once: what is carried over is derived and is not carried further). Returns the new ones.
    fn crosswalk(&self, attained: &mut BTreeMap<NodeId, Attainment>) -> Vec<NodeId> {
        let sources: Vec<(NodeId, u32)> =
            attained.iter().filter(|(_, a)| !a.derived).map(|(&n, a)| (n, a.level)).collect();
        let mut added = Vec::new();
        for (from, level) in sources {
            for &to in self.exact_matches(from) {
                if self.node(to).kind != NodeKind::Competency || attained.contains_key(&to) {
                    continue;
                }
                attained.insert(
                    to,
                    Attainment {
                        level,
                        derived: true,
                        evidence: Vec::new(),
                        children: Vec::new(),
                        crosswalk_from: Some(from),
                    },
                );
                added.push(to);
            }
        }
        added
    }
}
