//! Per-learner evaluation: the competencies a learner's passed courses and
//! awarded achievements demonstrate, rolled up the hierarchy by each item's
//! mastery rule, then carried across exactMatchOf crosswalks once.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::Serialize;

use super::fast::{IdMap, IdSet};
use super::{CompetencyGraph, NodeId, NodeKind};
use crate::config::GradingScale;
use crate::model::{Award, Course, CourseRecord, Records};

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
        // The home passing grade does not apply to credit another institution granted: a
        // transfer grade passes when it earns credit (TR, a letter grade) and none is denied.
        (Some(scale), true) => {
            scale.grade(grade).is_some_and(|g| g.credit && !g.in_progress) && record.credits_earned != Some(0.0)
        }
        (Some(scale), false) => {
            scale.passes(grade, course.and_then(|c| c.passing_grade.as_deref())) && record.credits_earned != Some(0.0)
        }
        (None, true) => record.credits_earned.is_none_or(|e| e > 0.0),
        (None, false) => scale.is_none() && record.credits_earned != Some(0.0),
    }
}

/// A piece of direct evidence for a competency.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Evidence<'a> {
    /// A passed course record.
    Course {
        /// The record's id.
        record: &'a str,
        /// The course node.
        course: NodeId,
        /// The level the alignment states.
        level: u32,
    },
    /// An awarded achievement.
    Award {
        /// The award's id.
        award: &'a str,
        /// The achievement node.
        achievement: NodeId,
        /// The level the alignment states.
        level: u32,
    },
}

/// Why and how a competency is attained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attainment<'a> {
    /// The level reached.
    pub level: u32,
    /// True when it rests on a crosswalk rather than on this framework's own evidence.
    pub derived: bool,
    /// Direct evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence<'a>>,
    /// The attained children that met its mastery rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<NodeId>,
    /// The competency it was carried over from by exactMatchOf.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crosswalk_from: Option<NodeId>,
}

impl Attainment<'_> {
    fn empty(derived: bool) -> Self {
        Attainment { level: 0, derived, evidence: Vec::new(), children: Vec::new(), crosswalk_from: None }
    }
}

/// Every competency one learner has attained, in node order. Borrows the
/// record and award ids from the learner's evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct LearnerCompetencies<'a> {
    attained: Vec<(NodeId, Attainment<'a>)>,
}

impl<'a> LearnerCompetencies<'a> {
    /// The attainment of a competency, if attained.
    pub fn get(&self, id: NodeId) -> Option<&Attainment<'a>> {
        self.attained.binary_search_by_key(&id, |(n, _)| *n).ok().map(|i| &self.attained[i].1)
    }

    /// Every attained competency, in node order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &Attainment<'a>)> {
        self.attained.iter().map(|(k, v)| (*k, v))
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

type Working<'a> = IdMap<NodeId, Attainment<'a>>;
/// Attained children counted per parent.
type Counts = IdMap<NodeId, u32>;
/// Parents to evaluate, lowest rank (deepest) first.
type Queue = BinaryHeap<Reverse<(u32, NodeId)>>;

impl CompetencyGraph {
    /// Evaluates one learner: direct evidence, roll-up, crosswalk (once), roll-up again.
    pub fn evaluate<'a>(&self, evidence: &LearnerEvidence<'a>) -> LearnerCompetencies<'a> {
        let mut attained = Working::with_capacity_and_hasher(64 + evidence.records.len() * 8, Default::default());
        self.collect_direct(evidence, &mut attained);
        let mut counts = Counts::default();
        let seeds: Vec<NodeId> = attained.keys().copied().collect();
        self.roll_up(&seeds, &mut attained, &mut counts);
        let derived = self.crosswalk(&mut attained);
        self.roll_up(&derived, &mut attained, &mut counts);
        let mut attained: Vec<(NodeId, Attainment<'a>)> = attained.into_iter().collect();
        attained.sort_unstable_by_key(|(n, _)| *n);
        LearnerCompetencies { attained }
    }

    fn collect_direct<'a>(&self, evidence: &LearnerEvidence<'a>, attained: &mut Working<'a>) {
        let mut add = |item: NodeId, level: u32, e: Evidence<'a>| {
            let a = attained.entry(item).or_insert_with(|| Attainment::empty(false));
            a.level = a.level.max(level);
            if !a.evidence.contains(&e) {
                a.evidence.push(e);
            }
        };
        for (record, _) in evidence.records.iter().filter(|(_, passed)| *passed) {
            let Some(course) = self.course(&record.course_id) else { continue };
            for al in &self.aligned[course.index()] {
                add(al.item, al.level, Evidence::Course { record: &record.id, course, level: al.level });
            }
        }
        for award in &evidence.awards {
            let Some(achievement) = self.achievement(&award.achievement_id) else { continue };
            for al in &self.aligned[achievement.index()] {
                add(al.item, al.level, Evidence::Award { award: &award.id, achievement, level: al.level });
            }
        }
    }

    /// Rolls newly attained competencies (`seeds`) up the hierarchy. Event-driven:
    /// each attained competency counts once towards each parent, and a parent's rule
    /// is evaluated only when enough of its children are attained to possibly meet it,
    /// lowest rank (children) first. `counts` carries over between the two passes.
    fn roll_up(&self, seeds: &[NodeId], attained: &mut Working<'_>, counts: &mut Counts) {
        let mut queue = BinaryHeap::new();
        let mut queued = IdSet::default();
        for &seed in seeds {
            self.count_towards_parents(seed, counts, &mut queue, &mut queued);
        }
        while let Some(Reverse((_, node))) = queue.pop() {
            let rolled_already = attained.get(&node).is_some_and(|a| !a.derived && !a.children.is_empty());
            if rolled_already {
                continue;
            }
            let Some((level, derived, children)) = self.apply_rule(node, attained) else { continue };
            let newly = !attained.contains_key(&node);
            let a = attained.entry(node).or_insert_with(|| Attainment::empty(derived));
            a.level = a.level.max(level);
            a.derived &= derived;
            a.children = children;
            if newly {
                self.count_towards_parents(node, counts, &mut queue, &mut queued);
            }
        }
    }

    /// Counts an attained competency towards each parent's quorum, queueing the
    /// parents whose quorum may now be met.
    fn count_towards_parents(&self, node: NodeId, counts: &mut Counts, queue: &mut Queue, queued: &mut IdSet<NodeId>) {
        for &parent in self.parents(node) {
            if self.node(parent).kind != NodeKind::Competency {
                continue;
            }
            let count = counts.entry(parent).or_insert(0);
            *count += 1;
            let needed = self.rule(parent).needed(self.children(parent).len());
            if *count as usize >= needed.max(1) && queued.insert(parent) {
                queue.push(Reverse((self.rank[parent.index()], parent)));
            }
        }
    }

    /// The roll-up of one competency, if its rule is met: the level at which the
    /// quorum of children is reached, whether it is derived (underived children alone
    /// do not reach the quorum), and the children counted.
    fn apply_rule(&self, node: NodeId, attained: &Working<'_>) -> Option<(u32, bool, Vec<NodeId>)> {
        let children = self.children(node);
        let rule = self.rule(node);
        let needed = rule.needed(children.len());
        let min_level = rule.min_level.unwrap_or(0);
        let mut counted = Vec::with_capacity(children.len());
        let mut levels = Vec::with_capacity(children.len());
        let mut underived = 0;
        for &c in children {
            if let Some(a) = attained.get(&c).filter(|a| a.level >= min_level) {
                counted.push(c);
                levels.push(a.level);
                underived += usize::from(!a.derived);
            }
        }
        if needed == 0 || counted.len() < needed {
            return None;
        }
        levels.sort_unstable_by(|a, b| b.cmp(a));
        Some((levels[needed - 1], underived < needed, counted))
    }

    /// Carries every attained, underived competency over its exactMatchOf partners
    /// (once: what is carried over is derived and is not carried further). Returns the new ones.
    fn crosswalk(&self, attained: &mut Working<'_>) -> Vec<NodeId> {
        let mut sources: Vec<(NodeId, u32)> =
            attained.iter().filter(|(_, a)| !a.derived).map(|(&n, a)| (n, a.level)).collect();
        sources.sort_unstable();
        let mut added = Vec::new();
        for (from, level) in sources {
            for &to in self.exact_matches(from) {
                if self.node(to).kind != NodeKind::Competency || attained.contains_key(&to) {
                    continue;
                }
                attained.insert(to, Attainment { level, crosswalk_from: Some(from), ..Attainment::empty(true) });
                added.push(to);
            }
        }
        added
    }
}
