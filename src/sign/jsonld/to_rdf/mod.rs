//! JSON-LD → RDF for the pinned contexts, in one pass: the Expansion Algorithm (JSON-LD 1.1 Processing
//! Algorithms §5.1) fused with Deserialize JSON-LD to RDF (§8.1, §8.2 Object to RDF, §8.3 List to RDF).
//! Nodes become quads as soon as they are expanded; no expanded document or node map is built, since an RDF
//! dataset is a set (blank node labels are arbitrary and RDFC-1.0 relabels them).
//!
//! Safe mode (as jsonld.js `safe: true`): a property or `type` that does not expand to an absolute IRI, a
//! relative `@id`, or a reserved `@…` key is an error with the term and its JSON pointer.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::super::error::CanonError;
use super::super::fasthash::FastMap;
use super::super::rdf::{Sink, TermRef};
use super::context::{self, Container, Context, Local, Scoped, TermDef};
use super::iri;
use super::literal::{IRIS, Literal, datatype_or, json_literal, literal, number};
use super::splice::{Found, Known, Standalone};
use super::{is_absolute_iri, push_segment};

mod splicing;

use splicing::Record;

/// The keyword `key` stands for (itself, or through an alias such as `id` → `@id`), without allocating.
/// A key that starts with `@` is returned as is; the caller rejects the ones that are not keywords.
fn keyword_of<'a>(ctx: &'a Context, key: &'a str) -> Option<&'a str> {
    if key.starts_with('@') {
        return Some(key);
    }
    ctx.keyword_alias(key)
}

/// Writes the dataset of `doc` into `sink`, blank nodes numbered from `first_blank` on.
pub fn to_rdf(doc: &Value, sink: &mut impl Sink, first_blank: u32) -> Result<Emitted, CanonError> {
    to_rdf_with(doc, sink, first_blank, Options::default())
}

/// [`to_rdf`], with [`Options`].
pub fn to_rdf_with(
    doc: &Value,
    sink: &mut impl Sink,
    first_blank: u32,
    options: Options<'_>,
) -> Result<Emitted, CanonError> {
    // Splicing while recording would leave the spliced credentials' lookups out of the recording.
    let known = if options.record { None } else { options.known };
    let mut emitter = Emitter {
        sink,
        blank: FastMap::default(),
        next_blank: first_blank,
        path: String::new(),
        segments: Vec::new(),
        record: options.record.then(|| Record::new(doc)),
        known,
        standalone: None,
    };
    let initial = Context::initial();
    match doc {
        Value::Array(items) => emitter.each(items, |e, item| e.top(&initial, item))?,
        _ => emitter.top(&initial, doc)?,
    }
    // A blank node identifier of the document (`_:x`) names the same node wherever it appears in a document
    // that embeds this one: such a credential's quads are not spliced.
    let standalone = emitter.standalone.filter(|_| emitter.blank.is_empty());
    Ok(Emitted { segments: emitter.segments, standalone })
}

/// What [`to_rdf_with`] does besides expanding.
#[derive(Clone, Copy, Default)]
pub struct Options<'k> {
    /// Record how the document, a single node object, is expanded ([`Emitted::standalone`]).
    pub record: bool,
    /// Credentials recorded before: where one of them, or a node of one, is found again, its quads are copied
    /// instead of expanded again, when that provably gives the same quads (see `splice.rs`).
    pub known: Option<&'k dyn Known>,
}

/// What [`to_rdf`] tells besides the quads.
#[derive(Debug, Default)]
pub struct Emitted {
    /// Where each embedded credential's quads are, in the order its expansion finished, and the nodes spliced.
    pub segments: Vec<Segment>,
    /// With [`Options::record`], how the document's node was expanded, if it can be spliced elsewhere.
    pub standalone: Option<Standalone>,
}

/// The quads and blank nodes of an embedded credential (a node object below the top with its own `@context`),
/// without its `proof`, or of a spliced node: the quads `lines.0..lines.1` of the sink, made with blank nodes
/// `nodes.0..nodes.1`. When `source` is set they were copied from a [`Known`] credential's dataset (blank node
/// `source_nodes + i` there is `nodes.0 + i` here); otherwise they may be the quads the credential had when it
/// was signed on its own (which the caller checks by comparing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// First quad and end of its quads.
    pub lines: (u32, u32),
    /// First blank node and end of its blank nodes.
    pub nodes: (u32, u32),
    /// The [`Known`] credential whose quads these are, renumbered.
    pub source: Option<usize>,
    /// The blank node of the source that is `nodes.0` here.
    pub source_nodes: u32,
    /// Whether this is a whole embedded credential (else a node inside one).
    pub whole: bool,
}

/// Text of a term: borrowed from the document, shared with a context, or made here.
#[derive(Debug, Clone)]
enum Text<'v> {
    Doc(&'v str),
    Shared(Arc<str>),
    Owned(String),
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Text::Doc(s) => s,
            Text::Shared(s) => s,
            Text::Owned(s) => s,
        }
    }
}

/// An RDF term while expanding: an IRI, a blank node or a literal.
#[derive(Debug, Clone)]
enum Term<'v> {
    Iri(Text<'v>),
    Blank(u32),
    Literal(Literal<'v>),
}

impl<'v> Term<'v> {
    fn as_ref(&self) -> TermRef<'_> {
        match self {
            Term::Iri(iri) => TermRef::Iri(iri),
            Term::Blank(n) => TermRef::Blank(*n),
            Term::Literal(l) => {
                TermRef::Literal { value: &l.value, datatype: &l.datatype, language: l.language.as_deref() }
            }
        }
    }
}

struct Emitter<'s, 'k, S: Sink> {
    sink: &'s mut S,
    /// Blank node identifiers of the document → our numbers.
    blank: FastMap<String, u32>,
    next_blank: u32,
    /// JSON pointer of the value being expanded.
    path: String,
    segments: Vec<Segment>,
    /// [`Options::record`].
    record: Option<Record>,
    /// [`Options::known`] (never while recording).
    known: Option<&'k dyn Known>,
    /// The record of the top node, with [`Options::record`].
    standalone: Option<Standalone>,
}

impl<'k, S: Sink> Emitter<'_, 'k, S> {
    fn new_blank<'v>(&mut self) -> Term<'v> {
        self.next_blank += 1;
        Term::Blank(self.next_blank - 1)
    }

    fn undefined(&self, term: &str) -> CanonError {
        CanonError::UndefinedTerm { term: term.to_owned(), path: self.path.clone() }
    }

    /// Runs `f` on each item of an array, with the item's index in the JSON path.
    fn each<'v>(
        &mut self,
        items: &'v [Value],
        mut f: impl FnMut(&mut Self, &'v Value) -> Result<(), CanonError>,
    ) -> Result<(), CanonError> {
        let len = self.path.len();
        for (i, item) in items.iter().enumerate() {
            push_index(&mut self.path, i);
            f(self, item)?;
            self.path.truncate(len);
        }
        Ok(())
    }

    /// A top-level object: a node, or (only `@context` and `@graph`) a list of nodes in the default graph.
    fn top(&mut self, ctx: &Arc<Context>, value: &Value) -> Result<(), CanonError> {
        let Value::Object(map) = value else { return Ok(()) };
        let only_graph = map.keys().all(|k| k == "@context" || k == "@graph") && map.contains_key("@graph");
        if !only_graph {
            return self.node(ctx, map, None, None).map(|_| ());
        }
        let ctx = match map.get("@context") {
            Some(local) => self.with_path("@context", |e| e.process(ctx, Local::Inline(local), false, true))?,
            None => Arc::clone(ctx),
        };
        let len = self.path.len();
        push_segment(&mut self.path, "@graph");
        let items = as_slice(&map["@graph"]);
        self.each(items, |e, item| match item {
            Value::Object(m) => e.node(&ctx, m, None, None).map(|_| ()),
            _ => Ok(()),
        })?;
        self.path.truncate(len);
        Ok(())
    }

    /// §4.1.2 Context Processing ([`context::process`]); while recording, its lookups are noted.
    fn process(
        &mut self,
        active: &Arc<Context>,
        local: Local<'_>,
        override_protected: bool,
        propagate: bool,
    ) -> Result<Arc<Context>, CanonError> {
        let noting = self.record.is_some();
        let (result, lookups) = context::process_noting(active, local, override_protected, propagate, noting)?;
        if let (Some(record), Some(lookups)) = (&mut self.record, lookups) {
            record.note(&lookups);
        }
        Ok(result)
    }

    fn with_path<T>(
        &mut self,
        segment: &str,
        f: impl FnOnce(&mut Self) -> Result<T, CanonError>,
    ) -> Result<T, CanonError> {
        let len = self.path.len();
        push_segment(&mut self.path, segment);
        let out = f(self).map_err(|e| match e {
            CanonError::UnknownContext { url, .. } => CanonError::UnknownContext { url, path: self.path.clone() },
            other => other,
        });
        self.path.truncate(len);
        out
    }

    /// §5.1.2 steps 7–9: the active context of a node object before its types: revert a non-propagated context,
    /// then apply the property-scoped and embedded contexts.
    fn entry_context(
        &mut self,
        ctx: &Arc<Context>,
        map: &Map<String, Value>,
        property: Option<&TermDef>,
    ) -> Result<Arc<Context>, CanonError> {
        let mut ctx = Arc::clone(ctx);
        if ctx.previous.is_some() {
            let is_value = map.keys().any(|k| keyword_of(&ctx, k) == Some("@value"));
            let is_reference = map.len() == 1 && map.keys().all(|k| keyword_of(&ctx, k) == Some("@id"));
            if let (Some(previous), false, false) = (&ctx.previous, is_value, is_reference) {
                ctx = Arc::clone(previous);
            }
        }
        if let Some(scoped) = property.and_then(|d| d.context.as_ref()) {
            ctx = self.process(&ctx, scoped.local(), true, true)?;
        }
        if let Some(local) = map.get("@context") {
            ctx = self.with_path("@context", |e| e.process(&ctx, Local::Inline(local), false, true))?;
        }
        Ok(ctx)
    }

    /// §5.1.2 steps 10–11: the active context of a node object after its type-scoped contexts, from `entry`
    /// ([`Emitter::entry_context`]). Returns (context, type-scoped context).
    fn typed_context(
        &mut self,
        entry: &Arc<Context>,
        map: &Map<String, Value>,
    ) -> Result<(Arc<Context>, Arc<Context>), CanonError> {
        let mut ctx = Arc::clone(entry);
        let type_scoped = Arc::clone(&ctx);
        // §5.1.2 step 11: the type-scoped contexts, by type key and type in code point order. Only the types
        // that have one are collected (usually none or one), so that most nodes allocate nothing here.
        let mut scoped: Vec<(&String, &str, &Scoped)> = Vec::new();
        for (key, value) in map.iter().filter(|(k, _)| keyword_of(&type_scoped, k) == Some("@type")) {
            for t in as_slice(value).iter().filter_map(Value::as_str) {
                if let Some(context) = type_scoped.term(t).and_then(|d| d.context.as_ref()) {
                    scoped.push((key, t, context));
                }
            }
        }
        scoped.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for (_, _, context) in scoped {
            ctx = self.process(&ctx, context.local(), false, false)?;
        }
        Ok((ctx, type_scoped))
    }

    /// Expands a node object and emits its quads into `graph`; returns its subject.
    fn node<'v>(
        &mut self,
        ctx: &Arc<Context>,
        map: &'v Map<String, Value>,
        property: Option<&TermDef>,
        graph: Option<&Term<'_>>,
    ) -> Result<Term<'v>, CanonError> {
        let start = (self.sink.quad_count() as u32, self.next_blank);
        let embedded = !self.path.is_empty() && map.contains_key("@context");
        let entry = self.entry_context(ctx, map, property)?;
        if self.record.is_some() {
            return self.recorded_node(entry, map, start, embedded, graph);
        }
        let splice = if graph.is_none() { self.find_splice(map, embedded, &entry) } else { None };
        self.node_body(&entry, map, start, embedded, graph, splice)
    }

    /// §5.1.2 steps 10–14 of a node object (and its quads) from its entry context ([`Emitter::entry_context`]);
    /// `splice`: a [`Known`] credential whose quads are this node's, to copy instead (all but `proof`).
    fn node_body<'v>(
        &mut self,
        entry: &Arc<Context>,
        map: &'v Map<String, Value>,
        start: (u32, u32),
        embedded: bool,
        graph: Option<&Term<'_>>,
        splice: Option<Found<'_>>,
    ) -> Result<Term<'v>, CanonError> {
        let (ctx, type_scoped) = self.typed_context(entry, map)?;
        let mut subject = None;
        let (mut types, mut graphs) = (Vec::new(), Vec::new());
        let mut properties = Vec::with_capacity(map.len());
        for (key, value) in map {
            match keyword_of(&ctx, key) {
                Some("@context") => {}
                Some("@id") => {
                    let id = value
                        .as_str()
                        .ok_or_else(|| CanonError::JsonLd(format!("@id must be a string at {}", self.path)))?;
                    subject = Some(self.with_path(key, |e| e.node_id(&ctx, id))?);
                }
                Some("@type") => types.push((key, value)),
                Some("@graph") => graphs.push((key, value)),
                Some(k) if iri::is_keyword(k) => {
                    return self
                        .with_path(key, |e| Err(CanonError::JsonLd(format!("unsupported keyword {k} at {}", e.path))));
                }
                Some(_) => return self.with_path(key, |e| Err(e.undefined(key))),
                None => {
                    let def = ctx.term(key);
                    let iri = match def {
                        Some(d) => d.iri.clone(),
                        None => iri::expand_shared(&ctx, key, true),
                    };
                    match iri {
                        Some(iri) if is_absolute_iri(&iri) => properties.push((key, iri, def, value)),
                        _ => return self.with_path(key, |e| Err(e.undefined(key))),
                    }
                }
            }
        }
        let spliced = splice.and_then(|found| self.splice(found, subject.as_ref(), start.0));
        let subject = match (subject, spliced) {
            (Some(s), _) => s,
            (None, Some(first)) => Term::Blank(first),
            (None, None) => self.new_blank(),
        };
        let spliced = spliced.is_some();
        for (key, value) in types.into_iter().filter(|_| !spliced) {
            self.with_path(key, |e| e.types(&type_scoped, &subject, value, graph))?;
        }
        for (key, value) in graphs.into_iter().filter(|_| !spliced) {
            self.with_path(key, |e| {
                e.each(as_slice(value), |e, item| e.value(&ctx, None, item, Some(&subject)).map(|_| ()))
            })?;
        }
        // An embedded credential's `proof` comes last, so that its other quads are together (a [`Segment`]).
        let mut proof = None;
        for (key, predicate, def, value) in properties {
            if embedded && key == "proof" {
                proof = Some((key, predicate, def, value));
                continue;
            }
            if !spliced {
                self.with_path(key, |e| e.property(&ctx, def.map(|d| &**d), &subject, &predicate, value, graph))?;
            }
        }
        if embedded && !spliced {
            let lines = (start.0, self.sink.quad_count() as u32);
            let nodes = (start.1, self.next_blank);
            self.segments.push(Segment { lines, nodes, source: None, source_nodes: 0, whole: true });
        }
        if let Some((key, predicate, def, value)) = proof {
            self.with_path(key, |e| e.property(&ctx, def.map(|d| &**d), &subject, &predicate, value, graph))?;
        }
        Ok(subject)
    }

    /// A node identifier: an absolute IRI or a blank node identifier (safe mode rejects relative IRIs).
    fn node_id<'v>(&mut self, ctx: &Context, id: &'v str) -> Result<Term<'v>, CanonError> {
        let iri = match iri::expand(ctx, id, false) {
            Some(Cow::Owned(iri)) => Text::Owned(iri),
            Some(Cow::Borrowed(_)) => Text::Doc(id),
            None => Text::Doc(""),
        };
        if let Some(label) = iri.strip_prefix("_:") {
            let next = self.next_blank;
            let ours = *self.blank.entry(label.to_owned()).or_insert(next);
            if ours == next {
                self.next_blank += 1;
            }
            return Ok(Term::Blank(ours));
        }
        if is_absolute_iri(&iri) {
            Ok(Term::Iri(iri))
        } else {
            Err(CanonError::RelativeIri { iri: id.to_owned(), path: self.path.clone() })
        }
    }

    /// `rdf:type` quads; each type must expand (with the type-scoped context) to an absolute IRI.
    fn types(
        &mut self,
        ctx: &Context,
        subject: &Term<'_>,
        value: &Value,
        graph: Option<&Term<'_>>,
    ) -> Result<(), CanonError> {
        let emit = |e: &mut Self, t: &Value| {
            let t = t.as_str().ok_or_else(|| CanonError::JsonLd(format!("type must be a string at {}", e.path)))?;
            match iri::expand_shared(ctx, t, true) {
                Some(iri) if iri.starts_with("_:") || is_absolute_iri(&iri) => {
                    let object =
                        if iri.starts_with("_:") { e.node_id(ctx, &iri)? } else { Term::Iri(Text::Shared(iri)) };
                    e.emit(subject, &IRIS.rdf_type, &object, graph);
                    Ok(())
                }
                _ => Err(e.undefined(t)),
            }
        };
        match value {
            Value::Array(items) => self.each(items, emit),
            single => emit(self, single),
        }
    }

    fn emit(&mut self, subject: &Term<'_>, predicate: &str, object: &Term<'_>, graph: Option<&Term<'_>>) {
        self.sink.quad(subject.as_ref(), predicate, object.as_ref(), graph.map(Term::as_ref));
    }

    /// The quads of one property: its values, as a list or as named graphs when the container says so.
    fn property(
        &mut self,
        ctx: &Arc<Context>,
        def: Option<&TermDef>,
        subject: &Term<'_>,
        predicate: &str,
        value: &Value,
        graph: Option<&Term<'_>>,
    ) -> Result<(), CanonError> {
        if def.is_some_and(|d| d.type_mapping.as_deref() == Some("@json")) {
            let object = Term::Literal(json_literal(value)?);
            self.emit(subject, predicate, &object, graph);
            return Ok(());
        }
        if def.is_some_and(|d| d.container == Container::List) {
            let head = self.list(ctx, def, value, graph)?;
            self.emit(subject, predicate, &head, graph);
            return Ok(());
        }
        let in_graph = def.is_some_and(|d| d.container == Container::Graph);
        let one = |e: &mut Self, item: &Value| {
            let name = if in_graph && item.is_object() { Some(e.new_blank()) } else { None };
            let object = e.value(ctx, def, item, name.as_ref().or(graph))?;
            match (name, object) {
                (Some(name), Some(_)) => e.emit(subject, predicate, &name, graph),
                (None, Some(object)) => e.emit(subject, predicate, &object, graph),
                _ => {}
            }
            Ok(())
        };
        match value {
            Value::Array(items) => self.each(items, one),
            _ => one(self, value),
        }
    }

    /// One value (§5.1.2 step 13 / §5.3 Value Expansion / §8.2 Object to RDF): the RDF term it stands for,
    /// emitting the quads of a nested node into `graph`. `None` for `null`.
    fn value<'v>(
        &mut self,
        ctx: &Arc<Context>,
        def: Option<&TermDef>,
        item: &'v Value,
        graph: Option<&Term<'_>>,
    ) -> Result<Option<Term<'v>>, CanonError> {
        let coerce = def.and_then(|d| d.type_mapping.as_ref());
        match item {
            Value::Null => Ok(None),
            Value::Object(map) => {
                let (mut is_value, mut list) = (false, None);
                for key in map.keys() {
                    match keyword_of(ctx, key) {
                        Some("@value") => is_value = true,
                        Some("@list") => list = list.or(Some(key)),
                        _ => {}
                    }
                }
                match (is_value, list) {
                    (true, _) => self.value_object(ctx, map).map(|l| Some(Term::Literal(l))),
                    (false, Some(key)) => self.with_path(key, |e| e.list(ctx, def, &map[key], graph)).map(Some),
                    (false, None) => self.node(ctx, map, def, graph).map(Some),
                }
            }
            Value::Array(_) => {
                Err(CanonError::JsonLd(format!("unsupported JSON-LD feature: nested array at {}", self.path)))
            }
            Value::String(s) => match coerce.map(|c| &**c) {
                Some("@id") => self.node_id(ctx, s).map(Some),
                Some("@vocab") => {
                    let scoped = match def.and_then(|d| d.context.as_ref()) {
                        Some(scoped) => self.process(ctx, scoped.local(), true, true)?,
                        None => Arc::clone(ctx),
                    };
                    match iri::expand_shared(&scoped, s, true) {
                        Some(iri) if is_absolute_iri(&iri) => Ok(Some(Term::Iri(Text::Shared(iri)))),
                        _ => Err(self.undefined(s)),
                    }
                }
                _ => Ok(Some(Term::Literal(literal(Cow::Borrowed(s), datatype_or(coerce, &IRIS.string))))),
            },
            Value::Bool(b) => {
                let text = if *b { "true" } else { "false" };
                Ok(Some(Term::Literal(literal(Cow::Borrowed(text), datatype_or(coerce, &IRIS.boolean)))))
            }
            Value::Number(n) => Ok(Some(Term::Literal(number(n, coerce.filter(|c| !c.starts_with('@')))))),
        }
    }

    /// A value object `{"@value": …, "@type": …, "@language": …}`.
    fn value_object<'v>(&mut self, ctx: &Context, map: &'v Map<String, Value>) -> Result<Literal<'v>, CanonError> {
        let mut value = &Value::Null;
        let (mut datatype, mut language): (Option<Arc<str>>, _) = (None, None);
        for (key, v) in map {
            match keyword_of(ctx, key) {
                Some("@value") => value = v,
                Some("@type") => datatype = v.as_str().and_then(|t| iri::expand_shared(ctx, t, true)),
                Some("@language") => language = v.as_str(),
                _ => {
                    return self
                        .with_path(key, |e| Err(CanonError::JsonLd(format!("invalid value object at {}", e.path))));
                }
            }
        }
        if datatype.as_deref() == Some("@json") {
            return json_literal(value);
        }
        if let Some(dt) = datatype.as_deref().filter(|dt| !is_absolute_iri(dt)) {
            return Err(self.undefined(dt));
        }
        Ok(match (value, language) {
            (Value::String(s), Some(lang)) => Literal {
                value: Cow::Borrowed(s),
                datatype: IRIS.lang_string.clone(),
                language: Some(Cow::Borrowed(lang)),
            },
            (Value::String(s), None) => literal(Cow::Borrowed(s), datatype_or(datatype.as_ref(), &IRIS.string)),
            (Value::Bool(b), _) => {
                let text = if *b { "true" } else { "false" };
                literal(Cow::Borrowed(text), datatype_or(datatype.as_ref(), &IRIS.boolean))
            }
            (Value::Number(n), _) => number(n, datatype.as_ref()),
            _ => return Err(CanonError::JsonLd(format!("invalid @value at {}", self.path))),
        })
    }

    /// §8.3 List to RDF: `rdf:first`/`rdf:rest` blank nodes ending in `rdf:nil`; returns the head.
    fn list<'v>(
        &mut self,
        ctx: &Arc<Context>,
        def: Option<&TermDef>,
        value: &'v Value,
        graph: Option<&Term<'_>>,
    ) -> Result<Term<'v>, CanonError> {
        let mut terms = Vec::new();
        let items = as_slice(value);
        self.each(items, |e, item| {
            if item.is_array() {
                return Err(CanonError::JsonLd(format!("unsupported JSON-LD feature: list of lists at {}", e.path)));
            }
            terms.extend(e.value(ctx, def, item, graph)?);
            Ok(())
        })?;
        let mut rest = Term::Iri(Text::Shared(IRIS.nil.clone()));
        for term in terms.into_iter().rev() {
            let node = self.new_blank();
            self.emit(&node, &IRIS.first, &term, graph);
            self.emit(&node, &IRIS.rest, &rest, graph);
            rest = node;
        }
        Ok(rest)
    }
}

/// Appends a JSON pointer segment for an array index.
fn push_index(path: &mut String, index: usize) {
    path.push('/');
    crate::sign::rdf::push_decimal(path, index as u64);
}

/// An array's items, or the value itself as a one-item slice.
fn as_slice(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) => items,
        single => std::slice::from_ref(single),
    }
}

#[cfg(test)]
mod tests;
