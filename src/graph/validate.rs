//! Graph validation: cycles in isChildOf and precedes, items no root reaches.

use std::collections::{BTreeSet, VecDeque};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeFiltered, EdgeRef};

use super::{CompetencyGraph, Edge, NodeId, NodeKind};
use crate::diag::{Code, Diagnostics};
use crate::model::{AssociationKind, Framework};

impl CompetencyGraph {
    pub(super) fn validate(&self, frameworks: &[Framework], diags: &mut Diagnostics) {
        for relation in [AssociationKind::IsChildOf, AssociationKind::Precedes] {
            for cycle in self.cycles(&relation) {
                self.report_cycle(&relation, &cycle, diags);
            }
        }
        self.report_unreachable(frameworks, diags);
    }

    /// Every cycle of `relation` edges, one per strongly connected component, as the
    /// edges that close it, in order.
    pub(super) fn cycles(&self, relation: &AssociationKind) -> Vec<Vec<EdgeIndex>> {
        let is_relation = |e: petgraph::graph::EdgeReference<'_, Edge>| matches!(e.weight(), Edge::Association { relation: r, .. } if r == relation);
        let filtered = EdgeFiltered::from_fn(&self.graph, is_relation);
        let mut cycles = Vec::new();
        for component in tarjan_scc(&filtered) {
            let members: BTreeSet<NodeIndex> = component.iter().copied().collect();
            let start = *members.iter().next().expect("components are not empty");
            let self_loop = self.graph.edges_connecting(start, start).find(|e| is_relation(*e));
            if let Some(e) = self_loop {
                cycles.push(vec![e.id()]);
            } else if members.len() > 1 {
                cycles.push(self.cycle_through(start, &members, &is_relation));
            }
        }
        cycles.sort();
        cycles
    }

    /// A shortest cycle from `start` back to itself inside one strongly connected component (BFS).
    fn cycle_through(
        &self,
        start: NodeIndex,
        members: &BTreeSet<NodeIndex>,
        is_relation: &dyn Fn(petgraph::graph::EdgeReference<'_, Edge>) -> bool,
    ) -> Vec<EdgeIndex> {
        let mut came_by: std::collections::BTreeMap<NodeIndex, EdgeIndex> = Default::default();
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let mut edges: Vec<_> =
                self.graph.edges(n).filter(|e| is_relation(*e) && members.contains(&e.target())).collect();
            edges.sort_by_key(|e| e.id());
            for e in edges {
                if e.target() == start {
                    let mut path = vec![e.id()];
                    let mut at = n;
                    while at != start {
                        let back = came_by[&at];
                        path.push(back);
                        at = self.graph.edge_endpoints(back).map_or(start, |(s, _)| s);
                    }
                    path.reverse();
                    return path;
                }
                if e.target() != start && !came_by.contains_key(&e.target()) {
                    came_by.insert(e.target(), e.id());
                    queue.push_back(e.target());
                }
            }
        }
        Vec::new()
    }

    fn report_cycle(&self, relation: &AssociationKind, cycle: &[EdgeIndex], diags: &mut Diagnostics) {
        let Some(&first) = cycle.first() else { return };
        let name = |n: NodeIndex| {
            let node = &self.graph[n];
            node.code.clone().unwrap_or_else(|| node.key.clone())
        };
        let mut path: Vec<String> =
            cycle.iter().filter_map(|&e| self.graph.edge_endpoints(e)).map(|(s, _)| name(s)).collect();
        if let Some(&(s, _)) = self.graph.edge_endpoints(first).as_ref() {
            path.push(name(s));
        }
        let origin = match &self.graph[first] {
            Edge::Association { origin, .. } => origin.clone(),
            Edge::Aligns { .. } => None,
        };
        diags
            .error(Code::Cycle, origin, format!("{relation} cycle: {}", path.join(" → ")))
            .help(format!("a competency cannot be its own ancestor; remove one of these {relation} associations"));
    }

    /// Competencies that no framework root reaches through isChildOf (warnings).
    fn report_unreachable(&self, frameworks: &[Framework], diags: &mut Diagnostics) {
        let mut reached = vec![false; self.node_count()];
        let mut queue: VecDeque<NodeId> =
            self.node_ids().filter(|&n| self.node(n).kind == NodeKind::Framework).collect();
        while let Some(n) = queue.pop_front() {
            if std::mem::replace(&mut reached[n.index()], true) {
                continue;
            }
            queue.extend(self.children(n).iter().filter(|c| !reached[c.index()]));
        }
        for (framework_index, framework) in frameworks.iter().enumerate() {
            let lost: Vec<NodeId> = self
                .node_ids()
                .filter(|&n| {
                    let node = self.node(n);
                    node.kind == NodeKind::Competency && node.framework == Some(framework_index) && !reached[n.index()]
                })
                .collect();
            for &n in lost.iter().take(20) {
                let node = self.node(n);
                diags
                    .warning(Code::Unreachable, node.origin.clone(), format!("{} is not reached from the root of {:?} by isChildOf", node.display(), framework.document.title))
                    .help("add an isChildOf association from it to its parent (or to the CFDocument for a top-level item)");
            }
            if lost.len() > 20 {
                diags.warning(
                    Code::Unreachable,
                    framework.origin.clone(),
                    format!("… and {} more unreachable items in {:?}", lost.len() - 20, framework.document.title),
                );
            }
        }
    }
}
