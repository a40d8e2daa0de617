//! Building the graph from the model, resolving every reference.

use petgraph::graph::NodeIndex;

use super::{Aligned, CompetencyGraph, Edge, Lookup, Node, NodeId, NodeKind};
use crate::config::{MasteryConfig, MasteryRule};
use crate::diag::{Code, Diagnostics, Origin};
use crate::model::{AlignmentSource, AssociationKind, CfAssociation, Framework, NodeRef, Records};

impl CompetencyGraph {
    /// Builds the graph of `frameworks` and the courses, achievements and alignments
    /// of `records`, then validates it. Problems go to `diags`; a bad alignment or a
    /// duplicate item is left out, the rest is kept.
    pub fn build(
        records: &Records,
        frameworks: &[Framework],
        mastery: &MasteryConfig,
        diags: &mut Diagnostics,
    ) -> CompetencyGraph {
        let mut g = CompetencyGraph::default();
        for (index, framework) in frameworks.iter().enumerate() {
            g.add_framework(index, framework, diags);
        }
        for framework in frameworks {
            for association in &framework.associations {
                g.add_association(association);
            }
        }
        g.add_records(records, diags);
        g.sort_children();
        g.rank_children_first();
        g.assign_rules(frameworks, mastery);
        g.validate(frameworks, diags);
        g
    }

    fn add_node(&mut self, node: Node) -> NodeId {
        let id = NodeId::of(self.graph.add_node(node));
        self.children.push(Vec::new());
        self.parents.push(Vec::new());
        self.aligned.push(Vec::new());
        self.exact.push(Vec::new());
        self.rules.push(MasteryRule::ALL);
        id
    }

    fn add_framework(&mut self, index: usize, framework: &Framework, diags: &mut Diagnostics) {
        let doc = &framework.document;
        let root = self.add_node(Node {
            kind: NodeKind::Framework,
            key: doc.identifier.clone(),
            uri: Some(doc.uri.clone()),
            code: None,
            label: doc.title.clone(),
            framework: Some(index),
            origin: Some(framework.origin.clone()),
        });
        self.by_identifier.entry(doc.identifier.clone()).or_insert(root);
        self.by_uri.entry(doc.uri.clone()).or_insert(root);
        for item in &framework.items {
            if let Some(&other) = self.by_identifier.get(&item.identifier) {
                if self.node(other).framework != Some(index) {
                    let first =
                        self.node(other).origin.as_ref().map_or_else(String::new, |o| format!(" (first at {o})"));
                    diags
                        .error(
                            Code::DuplicateAcrossFrameworks,
                            item.origin.clone(),
                            format!("item identifier {:?} is also used by another framework{first}", item.identifier),
                        )
                        .help("CASE identifiers must be globally unique; this copy is left out");
                }
                continue;
            }
            let id = self.add_node(Node {
                kind: NodeKind::Competency,
                key: item.identifier.clone(),
                uri: Some(item.uri.clone()),
                code: item.human_coding_scheme.clone().filter(|c| !c.is_empty()),
                label: item.abbreviated_statement.clone().unwrap_or_else(|| item.full_statement.clone()),
                framework: Some(index),
                origin: Some(item.origin.clone()),
            });
            self.by_identifier.insert(item.identifier.clone(), id);
            self.by_uri.entry(item.uri.clone()).or_insert(id);
            if let Some(code) = &self.node(id).code {
                let code = code.clone();
                self.by_code.entry(code).or_default().push(id);
            }
        }
    }

    /// A CASE node reference: a loaded node (by identifier, then URI), or an external node.
    fn resolve_ref(&mut self, r: &NodeRef) -> NodeId {
        if let Some(&id) = self.by_identifier.get(&r.identifier).or_else(|| self.by_uri.get(&r.uri)) {
            return id;
        }
        let key = if r.uri.is_empty() { r.identifier.clone() } else { r.uri.clone() };
        let id = self.add_node(Node {
            kind: NodeKind::External,
            key: key.clone(),
            uri: (!r.uri.is_empty()).then(|| r.uri.clone()),
            code: None,
            label: r.title.clone().unwrap_or_else(|| key.clone()),
            framework: None,
            origin: None,
        });
        self.by_uri.insert(key, id);
        if !r.identifier.is_empty() {
            self.by_identifier.entry(r.identifier.clone()).or_insert(id);
        }
        id
    }

    fn add_association(&mut self, a: &CfAssociation) {
        let from = self.resolve_ref(&a.origin_node);
        let to = self.resolve_ref(&a.destination_node);
        self.graph.add_edge(
            NodeIndex::new(from.index()),
            NodeIndex::new(to.index()),
            Edge::Association { relation: a.kind.clone(), origin: Some(a.origin.clone()) },
        );
        match a.kind {
            AssociationKind::IsChildOf if from != to => {
                self.children[to.index()].push(from);
                self.parents[from.index()].push(to);
            }
            AssociationKind::ExactMatchOf if from != to => {
                self.exact[from.index()].push(to);
                self.exact[to.index()].push(from);
            }
            _ => {}
        }
    }

    fn add_records(&mut self, records: &Records, diags: &mut Diagnostics) {
        for course in records.courses.values() {
            let id = self.add_node(Node {
                kind: NodeKind::Course,
                key: course.id.clone(),
                uri: None,
                code: Some(course.id.clone()),
                label: course.title.clone(),
                framework: None,
                origin: Some(course.origin.clone()),
            });
            self.courses.insert(course.id.clone(), id);
        }
        for achievement in records.achievements.values() {
            let id = self.add_node(Node {
                kind: NodeKind::Achievement,
                key: achievement.id.clone(),
                uri: None,
                code: Some(achievement.id.clone()),
                label: achievement.name.clone(),
                framework: None,
                origin: Some(achievement.origin.clone()),
            });
            self.achievements.insert(achievement.id.clone(), id);
            for reference in &achievement.aligned_competencies {
                self.add_alignment(id, reference, None, None, &achievement.origin, diags);
            }
        }
        for a in &records.alignments {
            let source = match &a.source {
                AlignmentSource::Course(c) => self.courses.get(c),
                AlignmentSource::Achievement(x) => self.achievements.get(x),
            };
            if let Some(&source) = source {
                self.add_alignment(source, &a.competency, a.level.as_deref(), a.weight, &a.origin, diags);
            }
        }
    }

    /// An alignment edge, or a diagnostic when the competency does not resolve.
    /// A level that is not a whole number, or none, counts as level 1.
    fn add_alignment(
        &mut self,
        source: NodeId,
        reference: &str,
        level: Option<&str>,
        weight: Option<f64>,
        origin: &Origin,
        diags: &mut Diagnostics,
    ) {
        let item = match self.find_competency(reference) {
            Ok(item) if self.node(item).kind == NodeKind::Competency => item,
            Ok(_) | Err(Lookup::Unknown) => {
                diags
                    .error(Code::UnknownCompetency, origin.clone(), format!("{} aligns to {reference:?}, which no loaded framework has", self.node(source).key))
                    .help("use a CFItem identifier, URI or human coding scheme of a framework in frameworks/; the alignment is left out");
                return;
            }
            Err(Lookup::Ambiguous(many)) => {
                let names: Vec<String> = many.iter().map(|&m| self.node(m).key.clone()).collect();
                diags
                    .error(
                        Code::AmbiguousCompetency,
                        origin.clone(),
                        format!("{reference:?} is the coding scheme of several items: {}", names.join(", ")),
                    )
                    .help("name the competency by its CFItem identifier or URI instead");
                return;
            }
        };
        let level = level.and_then(|l| l.trim().parse::<u32>().ok()).unwrap_or(1);
        let weight = weight.unwrap_or(1.0);
        self.aligned[source.index()].push(Aligned { item, level, weight });
        self.graph.add_edge(
            NodeIndex::new(source.index()),
            NodeIndex::new(item.index()),
            Edge::Aligns { level, weight, origin: Some(origin.clone()) },
        );
    }

    /// Children in a stable order: by human coding scheme, then identifier.
    fn sort_children(&mut self) {
        let keys: Vec<(Option<String>, String)> =
            self.graph.node_weights().map(|n| (n.code.clone(), n.key.clone())).collect();
        for list in self.children.iter_mut().chain(self.parents.iter_mut()).chain(self.exact.iter_mut()) {
            list.sort_by(|a, b| keys[a.index()].cmp(&keys[b.index()]));
            list.dedup();
        }
    }

    /// Ranks every node by an iterative post-order over the children links, so
    /// children come before their parents (what the roll-up needs).
    fn rank_children_first(&mut self) {
        let n = self.graph.node_count();
        let mut rank = vec![u32::MAX; n];
        let mut next = 0u32;
        let mut visited = vec![false; n];
        for root in 0..n {
            if visited[root] {
                continue;
            }
            let mut stack = vec![(NodeId(root as u32), false)];
            while let Some((node, expanded)) = stack.pop() {
                if expanded {
                    rank[node.index()] = next;
                    next += 1;
                    continue;
                }
                if std::mem::replace(&mut visited[node.index()], true) {
                    continue;
                }
                stack.push((node, true));
                stack.extend(self.children[node.index()].iter().filter(|c| !visited[c.index()]).map(|&c| (c, false)));
            }
        }
        self.rank = rank;
    }

    /// Each competency's rule: its own, else its framework's, else the default, else `all`.
    fn assign_rules(&mut self, frameworks: &[Framework], mastery: &MasteryConfig) {
        let default = mastery.default.unwrap_or(MasteryRule::ALL);
        for index in 0..self.graph.node_count() {
            let node = &self.graph[NodeIndex::new(index)];
            let own = [Some(&node.key), node.uri.as_ref(), node.code.as_ref()]
                .into_iter()
                .flatten()
                .find_map(|k| mastery.items.get(k));
            let framework = node.framework.and_then(|f| frameworks.get(f)).and_then(|f| {
                mastery.frameworks.get(&f.document.identifier).or_else(|| mastery.frameworks.get(&f.document.title))
            });
            self.rules[index] = *own.or(framework).unwrap_or(&default);
        }
    }
}
