//! The graph for other tools: Graphviz DOT and a documented JSON form.

use std::fmt::Write;

use petgraph::visit::EdgeRef;
use serde::Serialize;

use super::{CompetencyGraph, Edge, LearnerCompetencies, Node, NodeId, NodeKind};

/// Graphviz DOT. With a learner's result, attained competencies are filled
/// (green; derived ones light blue) and carry their level.
pub fn to_dot(graph: &CompetencyGraph, learner: Option<&LearnerCompetencies<'_>>) -> String {
    let mut out = String::from(
        "digraph competencies {\n  rankdir=BT;\n  node [fontname=\"DejaVu Sans\", fontsize=10];\n  edge [fontname=\"DejaVu Sans\", fontsize=8];\n",
    );
    for id in graph.node_ids() {
        let node = graph.node(id);
        let shape = match node.kind {
            NodeKind::Framework => "folder",
            NodeKind::Competency => "box",
            NodeKind::External => "box, style=dashed",
            NodeKind::Course => "ellipse",
            NodeKind::Achievement => "hexagon",
        };
        let mut label = wrap(&node.display(), 40);
        let mut fill = String::new();
        if let Some(a) = learner.and_then(|l| l.get(id)) {
            let color = if a.derived { "lightblue" } else { "palegreen" };
            fill = format!(", style=filled, fillcolor={color}");
            label.push_str(&format!("\\n[attained, level {}{}]", a.level, if a.derived { ", derived" } else { "" }));
        }
        let _ = writeln!(out, "  n{} [shape={shape}, label=\"{label}\"{fill}];", id.0);
    }
    for e in graph.graph.edge_references() {
        let (from, to) = (e.source().index(), e.target().index());
        let attrs = match e.weight() {
            Edge::Association { relation, .. } if relation.as_str() == "isChildOf" => String::new(),
            Edge::Association { relation, .. } => format!(" [label=\"{}\", style=dashed]", escape(relation.as_str())),
            Edge::Aligns { level, .. } => format!(" [label=\"aligns L{level}\", color=gray40]"),
        };
        let _ = writeln!(out, "  n{from} -> n{to}{attrs};");
    }
    out.push_str("}\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', " ")
}

/// Escapes and breaks a label into lines of about `width` characters.
fn wrap(s: &str, width: usize) -> String {
    let mut lines = vec![String::new()];
    for word in s.split_whitespace() {
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() && last.chars().count() + word.chars().count() > width {
            lines.push(String::new());
        }
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(word);
    }
    lines.iter().map(|l| escape(l)).collect::<Vec<_>>().join("\\n")
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: NodeId,
    #[serde(flatten)]
    node: &'a Node,
    #[serde(skip_serializing_if = "Option::is_none")]
    attained: Option<&'a super::Attainment<'a>>,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: NodeId,
    to: NodeId,
    #[serde(flatten)]
    edge: &'a Edge,
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

/// The graph as JSON: `{"nodes": [...], "edges": [...]}`. Each node has `id`,
/// `kind`, `key`, `label`, optional `uri`, `code`, `framework` and, with a
/// learner, `attained` (`level`, `derived`, `evidence`, `children`, `crosswalk_from`).
/// Each edge has `from`, `to`, `kind` (`association` with `relation`, or `aligns`
/// with `level` and `weight`).
pub fn to_json(graph: &CompetencyGraph, learner: Option<&LearnerCompetencies<'_>>) -> String {
    let nodes = graph
        .node_ids()
        .map(|id| JsonNode { id, node: graph.node(id), attained: learner.and_then(|l| l.get(id)) })
        .collect();
    let edges = graph
        .graph
        .edge_references()
        .map(|e| JsonEdge { from: NodeId::of(e.source()), to: NodeId::of(e.target()), edge: e.weight() })
        .collect();
    let mut text = serde_json::to_string_pretty(&JsonGraph { nodes, edges }).unwrap_or_default();
    text.push('\n');
    text
}
