//! JSON-LD → RDF for the pinned contexts, in one pass: the Expansion Algorithm (JSON-LD 1.1 Processing
//! Algorithms §5.1) fused with Deserialize JSON-LD to RDF (§8.1, §8.2 Object to RDF, §8.3 List to RDF).
//! Nodes become quads as soon as they are expanded; no expanded document or node map is built, since an RDF
//! dataset is a set (blank node labels are arbitrary and RDFC-1.0 relabels them).
//!
//! Safe mode (as jsonld.js `safe: true`): a property or `type` that does not expand to an absolute IRI, a
//! relative `@id`, or a reserved `@…` key is an error with the term and its JSON pointer.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::super::error::CanonError;
use super::super::fasthash::FastMap;
use super::super::rdf::{Literal, Quad, Term};
use super::context::{self, Container, Context, Local, TermDef};
use super::iri;
use super::literal::{IRIS, datatype_or, json_literal, literal, number};
use super::{is_absolute_iri, push_segment};

/// The keyword `key` stands for (itself, or through an alias such as `id` → `@id`), without allocating.
/// A key that starts with `@` is returned as is; the caller rejects the ones that are not keywords.
fn keyword_of<'a>(ctx: &'a Context, key: &'a str) -> Option<&'a str> {
    if key.starts_with('@') {
        return Some(key);
    }
    ctx.terms.get(key).and_then(|d| d.iri.as_deref()).filter(|iri| iri.starts_with('@'))
}

/// The dataset of `doc`.
pub fn to_rdf(doc: &Value) -> Result<Vec<Quad>, CanonError> {
    let mut emitter = Emitter { quads: Vec::new(), blank: FastMap::default(), next_blank: 0, path: String::new() };
    let initial = Context::initial();
    match doc {
        Value::Array(items) => emitter.each(items, |e, item| e.top(&initial, item))?,
        _ => emitter.top(&initial, doc)?,
    }
    Ok(emitter.quads)
}

struct Emitter {
    quads: Vec<Quad>,
    /// Blank node identifiers of the document → our labels.
    blank: FastMap<String, String>,
    next_blank: usize,
    /// JSON pointer of the value being expanded.
    path: String,
}

impl Emitter {
    fn new_blank(&mut self) -> Term {
        self.next_blank += 1;
        Term::Blank(Arc::from(format!("b{}", self.next_blank)))
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
            push_segment(&mut self.path, &i.to_string());
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
            Some(local) => self.with_path("@context", |_| context::process(ctx, Local::Inline(local), false, true))?,
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

    /// §5.1.2 steps 7–11: the active context of a node object: revert a non-propagated context, then apply the
    /// property-scoped, embedded and type-scoped contexts. Returns (context, type-scoped context).
    fn node_context(
        &mut self,
        ctx: &Arc<Context>,
        map: &Map<String, Value>,
        property: Option<&TermDef>,
    ) -> Result<(Arc<Context>, Arc<Context>), CanonError> {
        let mut ctx = Arc::clone(ctx);
        let is_value = map.keys().any(|k| keyword_of(&ctx, k) == Some("@value"));
        let is_reference = map.len() == 1 && map.keys().all(|k| keyword_of(&ctx, k) == Some("@id"));
        if let (Some(previous), false, false) = (&ctx.previous, is_value, is_reference) {
            ctx = Arc::clone(previous);
        }
        if let Some(scoped) = property.and_then(|d| d.context.as_ref()) {
            ctx = context::process(&ctx, scoped.local(), true, true)?;
        }
        if let Some(local) = map.get("@context") {
            ctx = self.with_path("@context", |_| context::process(&ctx, Local::Inline(local), false, true))?;
        }
        let type_scoped = Arc::clone(&ctx);
        let mut type_keys: Vec<&String> = map.keys().filter(|k| keyword_of(&type_scoped, k) == Some("@type")).collect();
        type_keys.sort();
        for key in type_keys {
            let mut types: Vec<&str> = as_slice(&map[key]).iter().filter_map(Value::as_str).collect();
            types.sort_unstable();
            for t in types {
                if let Some(scoped) = type_scoped.terms.get(t).and_then(|d| d.context.as_ref()) {
                    ctx = context::process(&ctx, scoped.local(), false, false)?;
                }
            }
        }
        Ok((ctx, type_scoped))
    }

    /// Expands a node object and emits its quads into `graph`; returns its subject.
    fn node(
        &mut self,
        ctx: &Arc<Context>,
        map: &Map<String, Value>,
        property: Option<&TermDef>,
        graph: Option<&Term>,
    ) -> Result<Term, CanonError> {
        let (ctx, type_scoped) = self.node_context(ctx, map, property)?;
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
                None => match iri::expand_shared(&ctx, key, true) {
                    Some(iri) if is_absolute_iri(&iri) => properties.push((key, iri, value)),
                    _ => return self.with_path(key, |e| Err(e.undefined(key))),
                },
            }
        }
        let subject = match subject {
            Some(s) => s,
            None => self.new_blank(),
        };
        for (key, value) in types {
            self.with_path(key, |e| e.types(&type_scoped, &subject, value, graph))?;
        }
        for (key, value) in graphs {
            self.with_path(key, |e| {
                e.each(as_slice(value), |e, item| e.value(&ctx, None, item, Some(&subject)).map(|_| ()))
            })?;
        }
        for (key, predicate, value) in properties {
            let def = ctx.terms.get(key.as_str()).cloned();
            self.with_path(key, |e| e.property(&ctx, def.as_deref(), &subject, predicate, value, graph))?;
        }
        Ok(subject)
    }

    /// A node identifier: an absolute IRI or a blank node identifier (safe mode rejects relative IRIs).
    fn node_id(&mut self, ctx: &Context, id: &str) -> Result<Term, CanonError> {
        let iri = iri::expand(ctx, id, false).unwrap_or_default();
        if let Some(label) = iri.strip_prefix("_:") {
            let next = self.next_blank + 1;
            let ours = self.blank.entry(label.to_owned()).or_insert_with(|| format!("d{next}")).clone();
            self.next_blank = next;
            return Ok(Term::Blank(Arc::from(ours)));
        }
        if is_absolute_iri(&iri) {
            Ok(Term::Iri(Arc::from(&*iri)))
        } else {
            Err(CanonError::RelativeIri { iri: id.to_owned(), path: self.path.clone() })
        }
    }

    /// `rdf:type` quads; each type must expand (with the type-scoped context) to an absolute IRI.
    fn types(&mut self, ctx: &Context, subject: &Term, value: &Value, graph: Option<&Term>) -> Result<(), CanonError> {
        let emit = |e: &mut Self, t: &Value| {
            let t = t.as_str().ok_or_else(|| CanonError::JsonLd(format!("type must be a string at {}", e.path)))?;
            match iri::expand_shared(ctx, t, true) {
                Some(iri) if iri.starts_with("_:") || is_absolute_iri(&iri) => {
                    let object = if iri.starts_with("_:") { e.node_id(ctx, &iri)? } else { Term::Iri(iri) };
                    e.emit(subject, IRIS.rdf_type.clone(), object, graph);
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

    fn emit(&mut self, subject: &Term, predicate: Arc<str>, object: Term, graph: Option<&Term>) {
        self.quads.push(Quad { subject: subject.clone(), predicate, object, graph: graph.cloned() });
    }

    /// The quads of one property: its values, as a list or as named graphs when the container says so.
    fn property(
        &mut self,
        ctx: &Arc<Context>,
        def: Option<&TermDef>,
        subject: &Term,
        predicate: Arc<str>,
        value: &Value,
        graph: Option<&Term>,
    ) -> Result<(), CanonError> {
        if def.is_some_and(|d| d.type_mapping.as_deref() == Some("@json")) {
            let object = json_literal(value)?;
            self.emit(subject, predicate, object, graph);
            return Ok(());
        }
        if def.is_some_and(|d| d.container == Container::List) {
            let head = self.list(ctx, def, value, graph)?;
            self.emit(subject, predicate, head, graph);
            return Ok(());
        }
        let in_graph = def.is_some_and(|d| d.container == Container::Graph);
        let items = as_slice(value);
        let one = |e: &mut Self, item: &Value| {
            let name = if in_graph && item.is_object() { Some(e.new_blank()) } else { None };
            let object = e.value(ctx, def, item, name.as_ref().or(graph))?;
            match (name, object) {
                (Some(name), Some(_)) => e.emit(subject, predicate.clone(), name, graph),
                (None, Some(object)) => e.emit(subject, predicate.clone(), object, graph),
                _ => {}
            }
            Ok(())
        };
        match value {
            Value::Array(_) => self.each(items, one),
            _ => one(self, value),
        }
    }

    /// One value (§5.1.2 step 13 / §5.3 Value Expansion / §8.2 Object to RDF): the RDF term it stands for,
    /// emitting the quads of a nested node into `graph`. `None` for `null`.
    fn value(
        &mut self,
        ctx: &Arc<Context>,
        def: Option<&TermDef>,
        item: &Value,
        graph: Option<&Term>,
    ) -> Result<Option<Term>, CanonError> {
        let coerce = def.and_then(|d| d.type_mapping.as_ref());
        match item {
            Value::Null => Ok(None),
            Value::Object(map) if map.keys().any(|k| keyword_of(ctx, k) == Some("@value")) => {
                self.value_object(ctx, map).map(Some)
            }
            Value::Object(map) if map.keys().any(|k| keyword_of(ctx, k) == Some("@list")) => {
                let key = map.keys().find(|k| keyword_of(ctx, k) == Some("@list")).expect("found");
                let inner = map[key].clone();
                self.with_path(key, |e| e.list(ctx, def, &inner, graph)).map(Some)
            }
            Value::Object(map) => self.node(ctx, map, def, graph).map(Some),
            Value::Array(_) => {
                Err(CanonError::JsonLd(format!("unsupported JSON-LD feature: nested array at {}", self.path)))
            }
            Value::String(s) => match coerce.map(|c| &**c) {
                Some("@id") => self.node_id(ctx, s).map(Some),
                Some("@vocab") => {
                    let scoped = match def.and_then(|d| d.context.as_ref()) {
                        Some(scoped) => context::process(ctx, scoped.local(), true, true)?,
                        None => Arc::clone(ctx),
                    };
                    match iri::expand_shared(&scoped, s, true) {
                        Some(iri) if is_absolute_iri(&iri) => Ok(Some(Term::Iri(iri))),
                        _ => Err(self.undefined(s)),
                    }
                }
                _ => Ok(Some(literal(s.clone(), datatype_or(coerce, &IRIS.string)))),
            },
            Value::Bool(b) => Ok(Some(literal(b.to_string(), datatype_or(coerce, &IRIS.boolean)))),
            Value::Number(n) => Ok(Some(number(n, coerce.filter(|c| !c.starts_with('@'))))),
        }
    }

    /// A value object `{"@value": …, "@type": …, "@language": …}`.
    fn value_object(&mut self, ctx: &Context, map: &Map<String, Value>) -> Result<Term, CanonError> {
        let mut value = &Value::Null;
        let (mut datatype, mut language): (Option<Arc<str>>, _) = (None, None);
        for (key, v) in map {
            match keyword_of(ctx, key) {
                Some("@value") => value = v,
                Some("@type") => datatype = v.as_str().and_then(|t| iri::expand_shared(ctx, t, true)),
                Some("@language") => language = v.as_str().map(str::to_owned),
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
            (Value::String(s), Some(lang)) => {
                Term::Literal(Literal { value: s.clone(), datatype: IRIS.lang_string.clone(), language: Some(lang) })
            }
            (Value::String(s), None) => literal(s.clone(), datatype_or(datatype.as_ref(), &IRIS.string)),
            (Value::Bool(b), _) => literal(b.to_string(), datatype_or(datatype.as_ref(), &IRIS.boolean)),
            (Value::Number(n), _) => number(n, datatype.as_ref()),
            _ => return Err(CanonError::JsonLd(format!("invalid @value at {}", self.path))),
        })
    }

    /// §8.3 List to RDF: `rdf:first`/`rdf:rest` blank nodes ending in `rdf:nil`; returns the head.
    fn list(
        &mut self,
        ctx: &Arc<Context>,
        def: Option<&TermDef>,
        value: &Value,
        graph: Option<&Term>,
    ) -> Result<Term, CanonError> {
        let mut terms = Vec::new();
        let items = as_slice(value);
        self.each(items, |e, item| {
            if item.is_array() {
                return Err(CanonError::JsonLd(format!("unsupported JSON-LD feature: list of lists at {}", e.path)));
            }
            terms.extend(e.value(ctx, def, item, graph)?);
            Ok(())
        })?;
        let mut rest = Term::Iri(IRIS.nil.clone());
        for term in terms.into_iter().rev() {
            let node = self.new_blank();
            self.emit(&node, IRIS.first.clone(), term, graph);
            self.emit(&node, IRIS.rest.clone(), rest, graph);
            rest = node;
        }
        Ok(rest)
    }
}

/// An array's items, or the value itself as a one-item slice.
fn as_slice(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) => items,
        single => std::slice::from_ref(single),
    }
}
