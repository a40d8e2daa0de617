//! RDF Dataset Canonicalization, RDFC-1.0 (W3C Recommendation, 21 May 2024), with SHA-256.
//!
//! Section numbers below are those of the RDFC-1.0 specification. The algorithm is bounded: every call of
//! "Hash N-Degree Quads" (§4.8) and every permutation it tries costs one unit of work, and running out of the
//! budget is an error ([`CanonError::WorkLimit`]) instead of the exponential run time a crafted "poison" graph
//! (many indistinguishable blank nodes, §6 "Privacy/Security Considerations: dataset poisoning") would cause.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::error::CanonError;
use super::fasthash::{FastMap, FastSet};
use super::rdf::{Quad, Term, write_quad};

/// Work budget: a fixed base plus this many units per blank node. Real credentials need a few units per
/// blank node at most (a 40-course CLR with 2,700 blank nodes needs none beyond the first degree).
const WORK_BASE: u64 = 20_000;
const WORK_PER_BLANK_NODE: u64 = 50;

/// An identifier issuer (§4.5): hands out `prefix` + counter, remembering the order of issue.
#[derive(Clone)]
struct Issuer {
    prefix: &'static str,
    issued: FastMap<usize, String>,
    order: Vec<usize>,
}

impl Issuer {
    fn new(prefix: &'static str) -> Self {
        Issuer { prefix, issued: FastMap::default(), order: Vec::new() }
    }

    /// §4.5.2 Issue Identifier Algorithm: the existing identifier, or a new one.
    fn issue(&mut self, node: usize) -> &str {
        if !self.issued.contains_key(&node) {
            let id = format!("{}{}", self.prefix, self.order.len());
            self.issued.insert(node, id);
            self.order.push(node);
        }
        &self.issued[&node]
    }

    fn get(&self, node: usize) -> Option<&str> {
        self.issued.get(&node).map(String::as_str)
    }
}

/// The canonicalization state (§4.2), with blank nodes numbered densely for speed.
struct State<'a> {
    /// The dataset: the input without duplicate quads.
    quads: Vec<&'a Quad>,
    /// For each quad, the dense index of its subject, object and graph name when they are blank nodes.
    quad_nodes: Vec<[Option<usize>; 3]>,
    /// Every quad written once as an N-Quads line with its blank node labels left out ([`Template`]).
    text: String,
    templates: Vec<Template>,
    /// Number of distinct blank nodes.
    node_count: usize,
    /// Blank node → indices of the quads that mention it (§4.2 "blank node to quads map").
    node_quads: Vec<Vec<usize>>,
    /// First-degree hash of each blank node (computed once, §4.4.3 step 3).
    first_hash: Vec<String>,
    canonical: Issuer,
    work_left: u64,
}

/// One quad's N-Quads line in `State::text`, with holes (byte offset, blank node) where labels go: the line is
/// escaped once and then only copied, with `a`/`z` or canonical labels filled in.
#[derive(Clone, Copy)]
struct Template {
    start: usize,
    end: usize,
    holes: [(usize, usize); 3],
    hole_count: usize,
}

/// RDFC-1.0 §4.4 Canonicalization Algorithm: returns the canonical N-Quads document (sorted lines, each
/// ending in `\n`; duplicate quads appear once, as in an RDF dataset).
pub fn canonicalize(quads: &[Quad]) -> Result<String, CanonError> {
    let mut state = State::new(quads);
    let shared = state.issue_unique_first_degree();
    state.issue_n_degree(shared)?;
    Ok(state.serialize())
}

impl<'a> State<'a> {
    /// §4.4.3 steps 1–2: create the state and the blank node to quads map (duplicate quads removed first:
    /// the input is a dataset).
    fn new(input: &'a [Quad]) -> Self {
        let mut seen = FastSet::with_capacity_and_hasher(input.len(), Default::default());
        let quads: Vec<&Quad> = input.iter().filter(|q| seen.insert(*q)).collect();
        let mut index: FastMap<&str, usize> = FastMap::default();
        let mut node_quads: Vec<Vec<usize>> = Vec::new();
        let mut quad_nodes = Vec::with_capacity(quads.len());
        for (qi, quad) in quads.iter().enumerate() {
            let mut nodes = [None; 3];
            for (pos, term) in [Some(&quad.subject), Some(&quad.object), quad.graph.as_ref()].into_iter().enumerate() {
                if let Some(Term::Blank(label)) = term {
                    let next = index.len();
                    let n = *index.entry(&**label).or_insert(next);
                    if n == node_quads.len() {
                        node_quads.push(Vec::new());
                    }
                    if node_quads[n].last() != Some(&qi) {
                        node_quads[n].push(qi);
                    }
                    nodes[pos] = Some(n);
                }
            }
            quad_nodes.push(nodes);
        }
        let mut text = String::with_capacity(quads.len() * 120);
        let templates = quads
            .iter()
            .zip(&quad_nodes)
            .map(|(quad, nodes)| {
                let start = text.len();
                let (mut holes, mut hole_count) = ([(0, 0); 3], 0);
                write_quad(&mut text, quad, &mut |o, pos, _| {
                    holes[hole_count] = (o.len(), nodes[pos].expect("a blank node has an index"));
                    hole_count += 1;
                });
                Template { start, end: text.len(), holes, hole_count }
            })
            .collect();
        let node_count = node_quads.len();
        let mut state = State {
            quads,
            quad_nodes,
            text,
            templates,
            node_count,
            node_quads,
            first_hash: Vec::new(),
            canonical: Issuer::new("c14n"),
            work_left: WORK_BASE + WORK_PER_BLANK_NODE * node_count as u64,
        };
        let mut buffer = String::new();
        state.first_hash = (0..node_count).map(|n| state.hash_first_degree(n, &mut buffer)).collect();
        state
    }

    /// §4.6.3 Hash First Degree Quads: hash the node's quads with itself as `_:a`, other blank nodes `_:z`.
    fn hash_first_degree(&self, node: usize, buffer: &mut String) -> String {
        let lines = self.node_quads[node].iter().copied();
        let mut hasher = Sha256::new();
        for line in self.sorted_lines(buffer, lines, |other| if other == node { "a" } else { "z" }) {
            hasher.update(line.as_bytes());
        }
        hex(&hasher.finalize())
    }

    /// §4.4.3 step 3: the blank nodes grouped by first-degree hash, groups in hash (code point) order.
    fn groups_by_first_hash(&self) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..self.node_count).collect();
        order.sort_by(|&a, &b| self.first_hash[a].cmp(&self.first_hash[b]).then(a.cmp(&b)));
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for n in order {
            match groups.last_mut() {
                Some(group) if self.first_hash[group[0]] == self.first_hash[n] => group.push(n),
                _ => groups.push(vec![n]),
            }
        }
        groups
    }

    /// §4.4.3 step 4: issue canonical identifiers, in hash order, to the nodes whose first-degree hash is
    /// unique. Returns the other groups, for step 5.
    fn issue_unique_first_degree(&mut self) -> Vec<Vec<usize>> {
        let (unique, shared): (Vec<_>, Vec<_>) = self.groups_by_first_hash().into_iter().partition(|g| g.len() == 1);
        for group in unique {
            self.canonical.issue(group[0]);
        }
        shared
    }

    /// §4.4.3 step 5: for each shared first-degree hash (in hash order), run Hash N-Degree Quads for each of its
    /// nodes with a temporary issuer, then issue canonical identifiers in the order of the resulting hashes.
    fn issue_n_degree(&mut self, shared: Vec<Vec<usize>>) -> Result<(), CanonError> {
        for nodes in shared {
            let mut results = Vec::new();
            for n in nodes {
                if self.canonical.get(n).is_some() {
                    continue;
                }
                let mut temporary = Issuer::new("b");
                temporary.issue(n);
                results.push(self.hash_n_degree(n, temporary)?);
            }
            results.sort_by(|a, b| a.0.cmp(&b.0));
            for (_, issuer) in results {
                for &node in &issuer.order {
                    self.canonical.issue(node);
                }
            }
        }
        Ok(())
    }

    /// Spends one unit of the work budget.
    fn spend(&mut self) -> Result<(), CanonError> {
        self.work_left = self.work_left.checked_sub(1).ok_or(CanonError::WorkLimit)?;
        Ok(())
    }

    /// §4.7.3 Hash Related Blank Node: position, predicate (unless `g`) and the related node's identifier
    /// (canonical, else temporary, else its first-degree hash).
    fn hash_related(&self, related: usize, quad: &Quad, issuer: &Issuer, position: char) -> String {
        let mut input = String::from(position);
        if position != 'g' {
            input.push('<');
            input.push_str(&quad.predicate);
            input.push('>');
        }
        match self.canonical.get(related).or_else(|| issuer.get(related)) {
            Some(id) => {
                input.push_str("_:");
                input.push_str(id);
            }
            None => input.push_str(&self.first_hash[related]),
        }
        hex_sha256(input.as_bytes())
    }

    /// §4.8.3 steps 1–3: the related-hash to related-blank-nodes map of `node`.
    fn related_map(&self, node: usize, issuer: &Issuer) -> BTreeMap<String, Vec<usize>> {
        let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &qi in &self.node_quads[node] {
            let quad = self.quads[qi];
            for (pos, position) in ['s', 'o', 'g'].into_iter().enumerate() {
                match self.quad_nodes[qi][pos] {
                    Some(related) if related != node => {
                        map.entry(self.hash_related(related, quad, issuer, position)).or_default().push(related);
                    }
                    _ => {}
                }
            }
        }
        map
    }

    /// §4.8.3 Hash N-Degree Quads: returns the hash and the issuer after the chosen paths (step 6).
    fn hash_n_degree(&mut self, node: usize, mut issuer: Issuer) -> Result<(String, Issuer), CanonError> {
        self.spend()?;
        let mut data_to_hash = String::new();
        // Step 5: for each related hash, in code point order.
        for (related_hash, related) in self.related_map(node, &issuer) {
            data_to_hash.push_str(&related_hash);
            let mut chosen: Option<(String, Issuer)> = None;
            let mut perm = related.clone();
            perm.sort_unstable();
            // Step 5.4: every permutation of the related blank nodes.
            loop {
                self.spend()?;
                if let Some(found) = self.try_permutation(&perm, &issuer, chosen.as_ref().map(|c| c.0.as_str()))? {
                    chosen = Some(found);
                }
                if !next_permutation(&mut perm) {
                    break;
                }
            }
            let (path, chosen_issuer) = chosen.expect("at least one permutation is tried");
            data_to_hash.push_str(&path);
            issuer = chosen_issuer;
        }
        Ok((hex_sha256(data_to_hash.as_bytes()), issuer))
    }

    /// §4.8.3 steps 5.4.1–5.4.5 for one permutation: the path and issuer copy, or `None` when the path cannot
    /// beat `chosen` (steps 5.4.4.3 and 5.4.5.5 skip it).
    fn try_permutation(
        &mut self,
        perm: &[usize],
        issuer: &Issuer,
        chosen: Option<&str>,
    ) -> Result<Option<(String, Issuer)>, CanonError> {
        let worse = |path: &str| chosen.is_some_and(|c| path.len() >= c.len() && path > c);
        let mut issuer_copy = issuer.clone();
        let mut path = String::new();
        let mut recursion = Vec::new();
        for &related in perm {
            if let Some(id) = self.canonical.get(related) {
                path.push_str("_:");
                path.push_str(id);
            } else {
                if issuer_copy.get(related).is_none() {
                    recursion.push(related);
                }
                path.push_str("_:");
                path.push_str(issuer_copy.issue(related));
            }
            if worse(&path) {
                return Ok(None);
            }
        }
        for related in recursion {
            let (hash, result_issuer) = self.hash_n_degree(related, issuer_copy.clone())?;
            path.push_str("_:");
            path.push_str(issuer_copy.issue(related));
            path.push('<');
            path.push_str(&hash);
            path.push('>');
            issuer_copy = result_issuer;
            if worse(&path) {
                return Ok(None);
            }
        }
        if chosen.is_none_or(|c| path.as_str() < c) { Ok(Some((path, issuer_copy))) } else { Ok(None) }
    }

    /// §4.4.3 step 6: every quad with canonical blank node labels, as sorted N-Quads.
    fn serialize(&self) -> String {
        let mut labels = vec![String::new(); self.node_count];
        for (&node, id) in &self.canonical.issued {
            labels[node].clone_from(id);
        }
        let mut buffer = String::with_capacity(self.text.len() + self.quads.len() * 8);
        let sorted = self.sorted_lines(&mut buffer, 0..self.quads.len(), |node| &labels[node]);
        let mut out = String::with_capacity(self.quads.len() * 120);
        let mut last = None;
        for line in sorted {
            if last != Some(line) {
                out.push_str(line);
            }
            last = Some(line);
        }
        out
    }

    /// Writes the lines of the given quads into `buffer`, blank nodes labelled by `label(node)`, and returns
    /// them sorted in code point order, as slices of `buffer`.
    fn sorted_lines<'b, 'l>(
        &self,
        buffer: &'b mut String,
        quads: impl Iterator<Item = usize>,
        label: impl Fn(usize) -> &'l str,
    ) -> impl Iterator<Item = &'b str> {
        buffer.clear();
        let mut ranges = Vec::new();
        for qi in quads {
            let t = self.templates[qi];
            let start = buffer.len();
            let mut cursor = t.start;
            for &(offset, node) in &t.holes[..t.hole_count] {
                buffer.push_str(&self.text[cursor..offset]);
                buffer.push_str(label(node));
                cursor = offset;
            }
            buffer.push_str(&self.text[cursor..t.end]);
            ranges.push(start..buffer.len());
        }
        let text: &'b str = buffer;
        ranges.sort_unstable_by(|a, b| text[a.clone()].cmp(&text[b.clone()]));
        ranges.into_iter().map(move |r| &text[r])
    }
}

/// Lexicographic next permutation; `false` when `items` was the last one.
fn next_permutation(items: &mut [usize]) -> bool {
    let Some(i) = items.windows(2).rposition(|w| w[0] < w[1]) else {
        return false;
    };
    let j = items.iter().rposition(|&x| x > items[i]).expect("a larger element exists after i");
    items.swap(i, j);
    items[i + 1..].reverse();
    true
}

/// Lowercase hex SHA-256, the hash RDFC-1.0 uses by default (§4.1 "hash algorithm").
pub fn hex_sha256(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

#[cfg(test)]
#[path = "rdfc_tests.rs"]
mod tests;
