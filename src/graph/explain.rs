//! `explain`: the evidence tree of an attained competency, or exactly why a
//! competency is not attained (which children or which evidence are missing).

use std::collections::BTreeSet;
use std::fmt::Write;

use super::evaluate::{Evidence, LearnerEvidence};
use super::{CompetencyGraph, LearnerCompetencies, NodeId, NodeKind};

/// A readable explanation of competency `item` for the learner whose `evidence` gave `result`.
pub fn explain(
    graph: &CompetencyGraph,
    evidence: &LearnerEvidence<'_>,
    result: &LearnerCompetencies,
    item: NodeId,
) -> String {
    let mut out = String::new();
    let mut seen = BTreeSet::new();
    Explainer { graph, evidence, result }.node(&mut out, item, 0, &mut seen);
    out
}

struct Explainer<'a> {
    graph: &'a CompetencyGraph,
    evidence: &'a LearnerEvidence<'a>,
    result: &'a LearnerCompetencies<'a>,
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

impl Explainer<'_> {
    fn title(&self, id: NodeId) -> String {
        let node = self.graph.node(id);
        match node.kind {
            NodeKind::Course => format!("course {} {:?}", node.key, node.label),
            NodeKind::Achievement => format!("achievement {} {:?}", node.key, node.label),
            _ => node.display(),
        }
    }

    fn node(&self, out: &mut String, id: NodeId, depth: usize, seen: &mut BTreeSet<NodeId>) {
        let pad = indent(depth);
        if !seen.insert(id) {
            let _ = writeln!(out, "{pad}- {} (already shown above)", self.title(id));
            return;
        }
        match self.result.get(id) {
            Some(a) => {
                let derived = if a.derived { ", derived" } else { "" };
                let _ = writeln!(out, "{pad}- {}: attained at level {}{derived}", self.title(id), a.level);
                for e in &a.evidence {
                    let _ = writeln!(out, "{pad}  - {}", self.evidence_line(e));
                }
                if !a.children.is_empty() {
                    let rule = self.graph.rule(id);
                    let _ = writeln!(
                        out,
                        "{pad}  - by its mastery rule ({rule}): {} of {} children attained",
                        a.children.len(),
                        self.graph.children(id).len()
                    );
                    for &c in &a.children {
                        self.node(out, c, depth + 2, seen);
                    }
                }
                if let Some(from) = a.crosswalk_from {
                    let _ = writeln!(out, "{pad}  - carried over by exactMatchOf from:");
                    self.node(out, from, depth + 2, seen);
                }
            }
            None => self.missing(out, id, depth, seen),
        }
    }

    fn missing(&self, out: &mut String, id: NodeId, depth: usize, seen: &mut BTreeSet<NodeId>) {
        let pad = indent(depth);
        let _ = writeln!(out, "{pad}- {}: not attained", self.title(id));
        let children = self.graph.children(id);
        if !children.is_empty() {
            let rule = self.graph.rule(id);
            let attained = children
                .iter()
                .filter(|c| self.result.get(**c).is_some_and(|a| a.level >= rule.min_level.unwrap_or(0)))
                .count();
            let _ = writeln!(
                out,
                "{pad}  - its mastery rule ({rule}) needs {} of {} children; {attained} qualify",
                rule.needed(children.len()),
                children.len()
            );
            for &c in children {
                self.node(out, c, depth + 2, seen);
            }
        }
        let sources = self.graph.sources_of(id);
        if sources.is_empty() && children.is_empty() {
            let _ = writeln!(out, "{pad}  - no course or achievement is aligned to it");
        }
        for (source, level) in sources {
            let _ = writeln!(
                out,
                "{pad}  - {} (aligned at level {level}): {}",
                self.title(source),
                self.source_status(source)
            );
        }
        let partners: Vec<String> =
            self.graph.exact_matches(id).iter().map(|&p| self.graph.node(p).display()).collect();
        if !partners.is_empty() {
            let _ = writeln!(out, "{pad}  - its exact matches are not attained either: {}", partners.join("; "));
        }
    }

    /// What the learner did with an aligned course or achievement.
    fn source_status(&self, source: NodeId) -> String {
        let node = self.graph.node(source);
        if node.kind == NodeKind::Achievement {
            return "not awarded".to_string();
        }
        let attempts: Vec<String> = self
            .evidence
            .records
            .iter()
            .filter(|(r, _)| r.course_id == node.key)
            .map(|(r, passed)| match (&r.grade, r.in_progress, passed) {
                (_, true, _) => format!("in progress in {}", r.term_id),
                (Some(g), _, false) => format!("grade {g} in {}, not passing", r.term_id),
                (Some(g), _, true) => format!("grade {g} in {}", r.term_id),
                (None, _, _) => format!("no grade in {}", r.term_id),
            })
            .collect();
        if attempts.is_empty() { "not taken".to_string() } else { attempts.join("; ") }
    }

    fn evidence_line(&self, e: &Evidence) -> String {
        match e {
            Evidence::Course { record, course, level } => {
                let detail =
                    self.evidence.records.iter().find(|(r, _)| &r.id == record).map_or_else(String::new, |(r, _)| {
                        let grade = r.grade.as_deref().unwrap_or("-");
                        let origin = r.origin.line.map_or_else(String::new, |_| format!(" [{}]", r.origin));
                        format!(" in {}, grade {grade}{origin}", r.term_id)
                    });
                format!("passed {}{detail}, aligned at level {level}", self.title(*course))
            }
            Evidence::Award { award, achievement, level } => {
                let detail = self
                    .evidence
                    .awards
                    .iter()
                    .find(|a| &a.id == award)
                    .map_or_else(String::new, |a| format!(" on {}", a.awarded_date));
                format!("awarded {}{detail}, aligned at level {level}", self.title(*achievement))
            }
        }
    }
}
