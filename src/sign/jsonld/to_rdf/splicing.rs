//! Recording how a credential expands on its own, and splicing recorded quads into another document's
//! expansion instead of expanding the same JSON again (the soundness argument is in `../splice.rs`).

use std::sync::Arc;

use serde_json::{Map, Value};

use super::super::super::error::CanonError;
use super::super::super::fasthash::FastMap;
use super::super::super::rdf::Sink;
use super::super::context::Context;
use super::super::lookups::{self, Lookups};
use super::super::splice::{self, Digest, Found, Recorded, Standalone, Subject};
use super::{Emitter, Segment, Term};

/// A recording in progress ([`Options::record`](super::Options::record)).
#[derive(Default)]
pub(super) struct Record {
    /// [`splice::digest`] of the document (by its address) and of every object in it with a string `id`.
    digests: FastMap<usize, Digest>,
    /// The inner nodes recorded so far.
    nodes: Vec<Recorded>,
    /// Whether the top node's entry context is reached: context processing from there on is recorded.
    active: bool,
    /// The lookups of that context processing.
    lookups: Lookups,
    /// The memoized contexts whose lookups are already in `lookups` (a few, applied to many nodes).
    merged: Vec<Arc<Lookups>>,
}

impl Record {
    /// A recording of `doc`: the digests of the document (without `proof`) and of every object in it with a
    /// string `id`, by address.
    pub(super) fn new(doc: &Value) -> Record {
        let mut digests = FastMap::default();
        if let Value::Object(map) = doc {
            let top = splice::digest_with(map, true, &mut |inner, digest| {
                digests.insert(inner as *const Map<String, Value> as usize, *digest);
            });
            digests.insert(map as *const Map<String, Value> as usize, top);
        }
        Record { digests, ..Record::default() }
    }

    /// Adds the lookups of one context processing step.
    pub(super) fn note(&mut self, lookups: &Arc<Lookups>) {
        if self.active && !self.merged.iter().any(|m| Arc::ptr_eq(m, lookups)) {
            self.lookups.merge(lookups);
            self.merged.push(Arc::clone(lookups));
        }
    }
}

impl<'k, S: Sink> Emitter<'_, 'k, S> {
    /// A [`Known`](super::Known) node with the same JSON as `map` (but for an embedded credential's `proof`)
    /// that expands from `entry` to the same quads, if any.
    pub(super) fn find_splice(
        &self,
        map: &Map<String, Value>,
        embedded: bool,
        entry: &Arc<Context>,
    ) -> Option<Found<'k>> {
        let known = self.known?;
        let found = if embedded {
            known.credential(&splice::digest(map, true))?
        } else {
            let id = splice::id_of(map)?;
            if !known.has_node_id(id) {
                return None;
            }
            known.node(&splice::digest(map, false))?
        };
        splice::fits(&found, entry, map, embedded).then_some(found)
    }

    /// [`Emitter::node_body`] while recording ([`Options::record`](super::Options::record)): the top node's
    /// lookups, and each node inside it with an IRI `@id` in the default graph.
    pub(super) fn recorded_node<'v>(
        &mut self,
        entry: Arc<Context>,
        map: &'v Map<String, Value>,
        start: (u32, u32),
        embedded: bool,
        graph: Option<&Term<'_>>,
    ) -> Result<Term<'v>, CanonError> {
        let top = self.path.is_empty();
        if !top {
            let subject = self.node_body(&entry, map, start, embedded, graph, None)?;
            if let (false, None, Term::Iri(iri)) = (embedded, graph, &subject) {
                self.record_node(map, entry, Subject::Iri(Box::from(&**iri)), start);
            }
            return Ok(subject);
        }
        // Context processing from here on is noted (each memoized context keeps its lookups); other lookups are
        // of the JSON's keys and strings (`splice.rs`). Tests also record every lookup, to check that.
        if let Some(record) = &mut self.record {
            record.active = true;
        }
        let (subject, mut lookups) = match lookups::recording() {
            true => lookups::recorded(|| self.node_body(&entry, map, start, false, graph, None)),
            false => (self.node_body(&entry, map, start, false, graph, None), Lookups::default()),
        };
        let subject = subject?;
        if let Some(record) = &self.record {
            lookups.merge(&record.lookups);
        }
        let recorded_subject = match &subject {
            Term::Iri(iri) => Some(Subject::Iri(Box::from(&**iri))),
            Term::Blank(n) if *n == start.1 => Some(Subject::Blank),
            _ => None,
        };
        // The digest leaves `proof` out: a document with one is not recorded.
        if let (Some(subject), false) = (recorded_subject, map.contains_key("proof")) {
            self.record_node(map, entry, subject, start);
            let nodes = self.record.as_mut().map(|r| std::mem::take(&mut r.nodes)).unwrap_or_default();
            // The top node was recorded last; it goes first.
            let mut ordered = Vec::with_capacity(nodes.len());
            let mut nodes = nodes;
            ordered.extend(nodes.pop());
            ordered.extend(nodes);
            self.standalone = Some(Standalone { lookups, nodes: ordered });
        }
        Ok(subject)
    }

    /// Records the node `map`, just expanded from `start` on, if its digest is known.
    fn record_node(&mut self, map: &Map<String, Value>, entry: Arc<Context>, subject: Subject, start: (u32, u32)) {
        let (lines, nodes) = ((start.0, self.sink.quad_count() as u32), (start.1, self.next_blank));
        let Some(record) = self.record.as_mut() else { return };
        let Some(&digest) = record.digests.get(&(map as *const Map<String, Value> as usize)) else { return };
        let id = splice::id_of(map).map(Box::from);
        record.nodes.push(Recorded { digest, id, context: entry, subject, lines, nodes });
    }

    /// Copies the quads of a [`Known`](super::Known) node into the sink as those of the node being expanded
    /// (blank nodes renumbered from the next free number), if its subject is the node's (`subject`: its `@id`);
    /// returns the first number. `None` (and nothing copied) when that cannot be done.
    pub(super) fn splice(&mut self, found: Found<'_>, subject: Option<&Term<'_>>, first_line: u32) -> Option<u32> {
        let recorded = found.recorded()?;
        let same_subject = match (&recorded.subject, subject) {
            (Subject::Iri(a), Some(Term::Iri(b))) => **a == **b,
            // Without `@id` the subject is the first blank node of the expansion, here as there.
            (Subject::Blank, None) => true,
            _ => false,
        };
        let offset = self.next_blank;
        let next = offset.checked_add(recorded.nodes.1.checked_sub(recorded.nodes.0)?)?;
        if !same_subject || !self.sink.splice(found.data, recorded.lines, recorded.nodes, offset) {
            return None;
        }
        self.next_blank = next;
        self.segments.push(Segment {
            lines: (first_line, self.sink.quad_count() as u32),
            nodes: (offset, next),
            source: Some(found.source),
            source_nodes: recorded.nodes.0,
            whole: found.node == 0,
        });
        Some(offset)
    }
}
