//! The competency graph: competency items of every framework, courses and
//! achievements, joined by the CASE hierarchy, CASE associations (crosswalks …)
//! and alignments. Built once per run; evaluated per learner.
//!
//! petgraph holds the structure and runs the graph algorithms; its types stay
//! inside this module. Evaluation walks precomputed adjacency lists, starting
//! from a learner's evidence, so its cost is bounded by what the learner did,
//! not by the size of the frameworks.

mod build;
mod evaluate;
mod explain;
mod export;
mod fast;
mod validate;

use std::collections::BTreeMap;

use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

pub use evaluate::{Attainment, Evidence, LearnerCompetencies, LearnerEvidence, passes};
pub use explain::explain;
pub use export::{to_dot, to_json};

use crate::config::MasteryRule;
use crate::diag::Origin;
use crate::model::AssociationKind;

/// A node's handle, stable for the life of one graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct NodeId(u32);

impl NodeId {
    fn index(self) -> usize {
        self.0 as usize
    }
    fn of(index: NodeIndex) -> NodeId {
        NodeId(index.index() as u32)
    }
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// A framework's CFDocument: the root of its hierarchy.
    Framework,
    /// A competency item (CFItem).
    Competency,
    /// A node an association names that no loaded framework has (by URI).
    External,
    /// A catalog course.
    Course,
    /// A badge, certificate or degree.
    Achievement,
}

/// A node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Kind.
    pub kind: NodeKind,
    /// Identifier: CFItem/CFDocument identifier, course id, achievement id, or URI for external nodes.
    pub key: String,
    /// URI, when the node has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Human coding scheme (competencies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A label for people.
    pub label: String,
    /// The framework (index into the frameworks given to [`CompetencyGraph::build`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<usize>,
    /// Where it was defined.
    #[serde(skip)]
    pub origin: Option<Origin>,
}

impl Node {
    /// "CODE statement" for competencies, the label otherwise.
    pub fn display(&self) -> String {
        match &self.code {
            Some(code) => format!("{code} {}", self.label),
            None => self.label.clone(),
        }
    }
}

/// What an edge says, from its source node to its target node.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Edge {
    /// A CASE association (isChildOf points from child to parent).
    Association {
        /// The relation.
        relation: AssociationKind,
        /// Where it was stated.
        #[serde(skip)]
        origin: Option<Origin>,
    },
    /// A course or achievement shows a competency.
    Aligns {
        /// At this level.
        level: u32,
        /// With this weight.
        weight: f64,
        /// Where it was stated.
        #[serde(skip)]
        origin: Option<Origin>,
    },
}

/// An alignment as the evaluator sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Aligned {
    item: NodeId,
    level: u32,
    weight: f64,
}

/// The competency graph of one run.
#[derive(Debug, Clone, Default)]
pub struct CompetencyGraph {
    graph: DiGraph<Node, Edge>,
    /// Competency items and framework documents by identifier.
    by_identifier: BTreeMap<String, NodeId>,
    /// Competency items, documents and external nodes by URI.
    by_uri: BTreeMap<String, NodeId>,
    /// Competency items by human coding scheme (several when ambiguous).
    by_code: BTreeMap<String, Vec<NodeId>>,
    courses: BTreeMap<String, NodeId>,
    achievements: BTreeMap<String, NodeId>,
    /// isChildOf, parent → children, in sequence order.
    children: Vec<Vec<NodeId>>,
    /// isChildOf, child → parents.
    parents: Vec<Vec<NodeId>>,
    /// Course or achievement → competencies.
    aligned: Vec<Vec<Aligned>>,
    /// exactMatchOf, both ways.
    exact: Vec<Vec<NodeId>>,
    /// The mastery rule of each competency with children.
    rules: Vec<MasteryRule>,
    /// A topological rank over isChildOf: every child ranks below its parents
    /// (cycles, which are reported, are broken arbitrarily).
    rank: Vec<u32>,
}

impl CompetencyGraph {
    /// A node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.graph[NodeIndex::new(id.index())]
    }

    /// How many nodes there are.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// How many edges there are.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Every node id, in insertion order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.graph.node_indices().map(NodeId::of)
    }

    /// A competency by identifier, URI or (unique) human coding scheme.
    pub fn find_competency(&self, reference: &str) -> Result<NodeId, Lookup> {
        let reference = reference.trim();
        if let Some(&id) = self.by_identifier.get(reference).or_else(|| self.by_uri.get(reference)) {
            return Ok(id);
        }
        match self.by_code.get(reference).map(Vec::as_slice) {
            Some([id]) => Ok(*id),
            Some(many) if many.len() > 1 => Err(Lookup::Ambiguous(many.to_vec())),
            _ => Err(Lookup::Unknown),
        }
    }

    /// The isChildOf children of a node.
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        &self.children[id.index()]
    }

    /// The isChildOf parents of a node.
    pub fn parents(&self, id: NodeId) -> &[NodeId] {
        &self.parents[id.index()]
    }

    /// The exactMatchOf partners of a node (either direction).
    pub fn exact_matches(&self, id: NodeId) -> &[NodeId] {
        &self.exact[id.index()]
    }

    /// The mastery rule of a competency.
    pub fn rule(&self, id: NodeId) -> MasteryRule {
        self.rules[id.index()]
    }

    /// The node of a catalog course.
    pub fn course(&self, id: &str) -> Option<NodeId> {
        self.courses.get(id).copied()
    }

    /// The node of an achievement.
    pub fn achievement(&self, id: &str) -> Option<NodeId> {
        self.achievements.get(id).copied()
    }

    /// The competencies a course or achievement is aligned to, with the alignment's level.
    pub fn alignments_of(&self, source: NodeId) -> impl Iterator<Item = (NodeId, u32)> + '_ {
        self.aligned[source.index()].iter().map(|a| (a.item, a.level))
    }

    /// Every CASE association between two nodes: (origin, destination, relation), in insertion order.
    pub fn associations(&self) -> impl Iterator<Item = (NodeId, NodeId, &AssociationKind)> + '_ {
        use petgraph::visit::EdgeRef;
        self.graph.edge_references().filter_map(|e| match e.weight() {
            Edge::Association { relation, .. } => Some((NodeId::of(e.source()), NodeId::of(e.target()), relation)),
            Edge::Aligns { .. } => None,
        })
    }

    /// The courses and achievements aligned to a competency, with the alignment's level.
    pub fn sources_of(&self, item: NodeId) -> Vec<(NodeId, u32)> {
        let index = NodeIndex::new(item.index());
        let mut out: Vec<(NodeId, u32)> = self
            .graph
            .edges_directed(index, petgraph::Direction::Incoming)
            .filter_map(|e| match e.weight() {
                Edge::Aligns { level, .. } => Some((NodeId::of(petgraph::visit::EdgeRef::source(&e)), *level)),
                Edge::Association { .. } => None,
            })
            .collect();
        out.sort();
        out
    }
}

/// Why a competency reference did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Nothing matches.
    Unknown,
    /// A human coding scheme that several items share.
    Ambiguous(Vec<NodeId>),
}

#[cfg(test)]
mod tests;
