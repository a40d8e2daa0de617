//! JSON-LD 1.1 context processing (JSON-LD 1.1 Processing Algorithms §4.1 Context Processing, §4.2 Create
//! Term Definition) and IRI expansion (§5.2), for the features the pinned contexts use: terms, keyword aliases,
//! `@vocab`, compact IRIs, `@protected`, type coercion (`@id`, `@vocab`, `@json`, datatypes), containers
//! (`@set`, `@list`, `@graph`), scoped contexts (property- and type-scoped, `@propagate`) and `null` contexts.
//! Anything else (`@import`, `@base`, `@language`, `@reverse`, `@nest`, `@index`, …) is reported as
//! unsupported rather than guessed at.
//!
//! Speed: a processed context is immutable and shared (`Arc`); applying a *pinned* local context (a pinned URL,
//! or a scoped context inside one) to a context built only from pinned contexts is memoized process-wide, so
//! each combination is processed once per process and every later credential reuses it.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use serde_json::{Map, Value};

use super::super::contexts;
use super::super::error::CanonError;
use super::super::fasthash::FastMap;
use super::iri::expand_iri;
use super::lookups::{Lookups, record, record_all_of, record_everything, recorded, recording};

/// A container mapping (§4.2.2 step 19), restricted to what the pinned contexts use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// No container, or `@set` (the same for RDF).
    None,
    /// `@list`: an RDF collection.
    List,
    /// `@graph`: each value is a node in its own named graph.
    Graph,
}

/// A scoped context (the `@context` of a term definition), unprocessed.
#[derive(Debug, Clone)]
pub enum Scoped {
    /// Inside a pinned context: its address identifies it for memoization.
    Pinned(&'static Value),
    /// Inside a context given by the document.
    Inline(Arc<Value>),
}

impl Scoped {
    fn value(&self) -> &Value {
        match self {
            Scoped::Pinned(v) => v,
            Scoped::Inline(v) => v,
        }
    }
}

impl PartialEq for Scoped {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.value(), other.value()) || self.value() == other.value()
    }
}

/// A term definition (§4.2.2). `iri` is `None` for a term explicitly mapped to `null`.
#[derive(Debug, Clone)]
pub struct TermDef {
    pub iri: Option<Arc<str>>,
    pub prefix: bool,
    pub protected: bool,
    pub type_mapping: Option<Arc<str>>,
    pub container: Container,
    pub context: Option<Scoped>,
}

impl TermDef {
    /// Equal "other than the value of protected" (§4.2.2 step 27).
    fn same_as(&self, other: &TermDef) -> bool {
        self.iri == other.iri
            && self.prefix == other.prefix
            && self.type_mapping == other.type_mapping
            && self.container == other.container
            && self.context == other.context
    }
}

/// An active context (§4.1): term definitions, vocabulary mapping and, after a non-propagated type-scoped
/// context, the context to return to for nested nodes.
#[derive(Debug)]
pub struct Context {
    id: u64,
    /// Built only from pinned contexts, so results derived from it may be memoized.
    pinned: bool,
    /// Read through [`Context::term`] (and the other accessors), which record the lookup ([`Lookups`]).
    terms: FastMap<String, Arc<TermDef>>,
    pub vocab: Option<String>,
    pub previous: Option<Arc<Context>>,
    /// The terms that map to a keyword (`id` → `@id`), found on first use: a short list to scan, so that
    /// telling keywords from properties needs no hash lookup.
    aliases: OnceLock<Vec<(String, &'static str)>>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Memo of (active context id, local context address, override protected, propagate) → result, and the terms
/// the processing looked up in the active context.
type Memo = FastMap<(u64, usize, bool, bool), (Arc<Context>, Arc<Lookups>)>;

/// Shared by the worker threads of a build: after the first few credentials every lookup is a hit, so
/// readers do not wait for each other.
fn memo() -> &'static RwLock<Memo> {
    static MEMO: OnceLock<RwLock<Memo>> = OnceLock::new();
    MEMO.get_or_init(|| RwLock::new(FastMap::default()))
}

/// The pinned contexts, parsed once.
fn pinned(url: &str) -> Option<&'static Value> {
    static PARSED: OnceLock<FastMap<&'static str, Value>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        contexts::PINNED
            .iter()
            .map(|(url, _, text)| (*url, serde_json::from_str(text).expect("pinned contexts are valid JSON")))
            .collect()
    });
    parsed.get(url)?.get("@context")
}

impl Context {
    /// The empty initial context (no base IRI: safe mode rejects relative IRIs anyway).
    pub fn initial() -> Arc<Context> {
        static INITIAL: OnceLock<Arc<Context>> = OnceLock::new();
        Arc::clone(INITIAL.get_or_init(|| {
            Arc::new(Context {
                id: 0,
                pinned: true,
                terms: FastMap::default(),
                vocab: None,
                previous: None,
                aliases: OnceLock::new(),
            })
        }))
    }

    fn derive(&self) -> Context {
        Context {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            pinned: self.pinned,
            terms: self.terms.clone(),
            vocab: self.vocab.clone(),
            previous: self.previous.clone(),
            aliases: OnceLock::new(),
        }
    }

    /// The keyword that `term` is an alias of (§4.2.2: a term whose IRI mapping is a keyword), if any. The
    /// answer depends on `term`'s definition only: a lookup of `term` (recorded only by tests, see [`Context::term`]).
    #[inline]
    pub fn keyword_alias(&self, term: &str) -> Option<&'static str> {
        #[cfg(test)]
        record(term);
        self.aliases().iter().find(|(t, _)| t == term).map(|(_, k)| *k)
    }

    /// The definition of `term`, if any. Expansion looks up only keys and strings of the JSON this way, which
    /// `splice.rs` reads from the JSON itself; only tests record these lookups, to check that (a thread-local
    /// access on every lookup would cost more than splicing saves).
    #[inline]
    pub fn term(&self, term: &str) -> Option<&Arc<TermDef>> {
        #[cfg(test)]
        record(term);
        self.terms.get(term)
    }

    /// [`Context::term`] during context processing: the lookup is recorded ([`Lookups`]).
    pub(super) fn term_recorded(&self, term: &str) -> Option<&Arc<TermDef>> {
        record(term);
        self.terms.get(term)
    }

    /// Removes and returns the definition of `term` (recorded as a lookup of `term`).
    fn take_term(&mut self, term: &str) -> Option<Arc<TermDef>> {
        record(term);
        self.terms.remove(term)
    }

    /// Whether any term is protected: reads every definition, so it is recorded as a lookup of every term.
    fn any_protected(&self) -> bool {
        record_everything();
        self.terms.values().any(|t| t.protected)
    }

    /// Whether both contexts were made from pinned contexts only, so that results derived from them may be
    /// memoized by their ids.
    fn both_pinned(&self, other: &Context) -> bool {
        self.pinned && other.pinned
    }

    fn aliases(&self) -> &[(String, &'static str)] {
        self.aliases.get_or_init(|| {
            let keyword = |d: &TermDef| d.iri.as_deref().and_then(super::iri::keyword);
            self.terms.iter().filter_map(|(t, d)| Some((t.clone(), keyword(d)?))).collect()
        })
    }
}

fn unsupported(what: &str) -> CanonError {
    CanonError::JsonLd(format!("unsupported JSON-LD feature: {what}"))
}

/// A local context being applied: inside a pinned context (`'static`, memoizable) or given by the document.
#[derive(Debug, Clone, Copy)]
pub enum Local<'a> {
    /// Part of a pinned context.
    Pinned(&'static Value),
    /// Part of the document.
    Inline(&'a Value),
}

impl<'a> Local<'a> {
    fn value(self) -> &'a Value {
        match self {
            Local::Pinned(v) => v,
            Local::Inline(v) => v,
        }
    }
}

impl Scoped {
    /// The scoped context as a local context to apply.
    pub fn local(&self) -> Local<'_> {
        match self {
            Scoped::Pinned(v) => Local::Pinned(v),
            Scoped::Inline(v) => Local::Inline(v),
        }
    }
}

/// §4.1.2 Context Processing: applies `local` to `active`. `override_protected` is true for property-scoped
/// contexts; `propagate` is false for type-scoped contexts (unless the context says `@propagate: true`). The
/// lookups it made count for the recording in progress ([`recorded`]), if any.
pub fn process(
    active: &Arc<Context>,
    local: Local<'_>,
    override_protected: bool,
    propagate: bool,
) -> Result<Arc<Context>, CanonError> {
    let (result, lookups) = process_noting(active, local, override_protected, propagate, recording())?;
    if let Some(lookups) = lookups {
        record_all_of(&lookups);
    }
    Ok(result)
}

/// [`process`], returning (when `noting`) the terms it looked up in `active` (memoized with the result) instead
/// of recording them: a caller that collects them ([`super::splice`]) needs no thread-local access for that.
pub fn process_noting(
    active: &Arc<Context>,
    local: Local<'_>,
    override_protected: bool,
    propagate: bool,
    noting: bool,
) -> Result<(Arc<Context>, Option<Arc<Lookups>>), CanonError> {
    let key = match local {
        Local::Pinned(v) if active.pinned => {
            Some((active.id, v as *const Value as usize, override_protected, propagate))
        }
        _ => None,
    };
    let hit = |memo: &Memo| memo.get(&key?).map(|(c, l)| (Arc::clone(c), noting.then(|| Arc::clone(l))));
    if let Some(hit) = memo().read().ok().and_then(|m| hit(&m)) {
        return Ok(hit);
    }
    let (result, lookups) = recorded(|| process_uncached(active, local, override_protected, propagate));
    let (result, lookups) = (result?, Arc::new(lookups));
    if let Some(k) = key
        && let Ok(mut memo) = memo().write()
    {
        memo.insert(k, (Arc::clone(&result), Arc::clone(&lookups)));
    }
    Ok((result, noting.then_some(lookups)))
}

/// §4.1.2 steps 1–5.
fn process_uncached(
    active: &Arc<Context>,
    local: Local<'_>,
    override_protected: bool,
    mut propagate: bool,
) -> Result<Arc<Context>, CanonError> {
    // Step 3: an explicit @propagate in the local context wins.
    if let Some(p) = local.value().get("@propagate") {
        propagate = p.as_bool().ok_or_else(|| CanonError::JsonLd("@propagate must be a boolean".into()))?;
    }
    let items: Vec<Local<'_>> = match local {
        Local::Pinned(Value::Array(items)) => items.iter().map(Local::Pinned).collect(),
        Local::Inline(Value::Array(items)) => items.iter().map(Local::Inline).collect(),
        _ => vec![local],
    };
    let mut result = Arc::clone(active);
    for item in items {
        result = apply_item(&result, item, override_protected)?;
    }
    // Step 4: a non-propagated context remembers where nested nodes return to.
    if !propagate && result.previous.is_none() {
        let mut with_previous = result.derive();
        with_previous.previous = Some(Arc::clone(active));
        result = Arc::new(with_previous);
    }
    Ok(result)
}

/// §4.1.2 step 5 for one context of the list: `null`, a (pinned) URL, or a context object.
fn apply_item(active: &Arc<Context>, item: Local<'_>, override_protected: bool) -> Result<Arc<Context>, CanonError> {
    match item.value() {
        Value::Null => {
            if !override_protected && active.any_protected() {
                return Err(CanonError::JsonLd("invalid context nullification (protected terms)".into()));
            }
            Ok(Arc::new(Context { pinned: active.pinned, ..Context::initial().derive() }))
        }
        Value::String(url) => {
            let remote =
                pinned(url).ok_or_else(|| CanonError::UnknownContext { url: url.clone(), path: String::new() })?;
            process(active, Local::Pinned(remote), override_protected, true)
        }
        Value::Object(map) => {
            let mut result = active.derive();
            result.pinned &= matches!(item, Local::Pinned(_));
            apply_object(&mut result, map, item, override_protected)?;
            Ok(Arc::new(result))
        }
        _ => Err(CanonError::JsonLd("invalid local context".into())),
    }
}

/// §4.1.2 steps 5.5–5.13 for one context object.
fn apply_object(
    result: &mut Context,
    map: &Map<String, Value>,
    source: Local<'_>,
    override_protected: bool,
) -> Result<(), CanonError> {
    for key in ["@import", "@base", "@language", "@direction"] {
        if map.contains_key(key) {
            return Err(unsupported(key));
        }
    }
    if map.get("@version").is_some_and(|v| v.as_f64() != Some(1.1)) {
        return Err(CanonError::JsonLd("invalid @version".into()));
    }
    // Step 5.8: @vocab.
    match map.get("@vocab") {
        None => {}
        Some(Value::Null) => result.vocab = None,
        Some(Value::String(v)) => {
            let iri = expand_iri(result, v, true, None)?.unwrap_or_default();
            result.vocab = Some(iri);
        }
        Some(_) => return Err(CanonError::JsonLd("invalid @vocab".into())),
    }
    let protected = map.get("@protected").and_then(Value::as_bool).unwrap_or(false);
    let mut defining = Definer { local: map, source, defined: FastMap::default(), protected, override_protected };
    for term in map.keys() {
        if !matches!(term.as_str(), "@version" | "@vocab" | "@protected" | "@propagate") {
            defining.define(result, term)?;
        }
    }
    Ok(())
}

/// The state of §4.2.2 Create Term Definition for one local context object.
pub struct Definer<'a> {
    pub(super) local: &'a Map<String, Value>,
    source: Local<'a>,
    /// term → true when defined, false while being defined (cycle detection).
    pub(super) defined: FastMap<String, bool>,
    protected: bool,
    override_protected: bool,
}

impl Definer<'_> {
    /// §4.2.2 Create Term Definition.
    pub(super) fn define(&mut self, active: &mut Context, term: &str) -> Result<(), CanonError> {
        match self.defined.get(term) {
            Some(true) => return Ok(()),
            Some(false) => return Err(CanonError::JsonLd(format!("cyclic IRI mapping for {term}"))),
            None => {}
        }
        self.defined.insert(term.to_owned(), false);
        let value = &self.local[term];
        if term.starts_with('@') {
            return Err(CanonError::JsonLd(format!("keyword redefinition: {term}")));
        }
        let previous = active.take_term(term);
        let def = self.build(active, term, value)?;
        let def = match previous {
            Some(prev) if prev.protected && !self.override_protected => {
                if !prev.same_as(&def) {
                    return Err(CanonError::JsonLd(format!("protected term redefinition: {term}")));
                }
                prev
            }
            _ => Arc::new(def),
        };
        active.terms.insert(term.to_owned(), def);
        self.defined.insert(term.to_owned(), true);
        Ok(())
    }

    /// §4.2.2 steps 7–26: the definition of `term` from its `value`.
    fn build(&mut self, active: &mut Context, term: &str, value: &Value) -> Result<TermDef, CanonError> {
        let simple = value.is_string();
        let empty = Map::new();
        let map = match value {
            Value::Null => &empty,
            Value::String(_) => &empty,
            Value::Object(map) => map,
            _ => return Err(CanonError::JsonLd(format!("invalid term definition for {term}"))),
        };
        for key in map.keys() {
            if !matches!(key.as_str(), "@id" | "@type" | "@container" | "@context" | "@protected") {
                return Err(unsupported(&format!("{key} in the definition of {term}")));
            }
        }
        let mut def = TermDef {
            iri: None,
            prefix: false,
            protected: map.get("@protected").and_then(Value::as_bool).unwrap_or(self.protected),
            type_mapping: None,
            container: Container::None,
            context: None,
        };
        if let Some(t) = map.get("@type") {
            let t = t.as_str().ok_or_else(|| CanonError::JsonLd(format!("invalid @type for {term}")))?;
            def.type_mapping = match t {
                "@id" | "@vocab" | "@json" | "@none" => Some(Arc::from(t)),
                _ => expand_iri(active, t, true, Some(self))?.map(Arc::from),
            };
        }
        let id = if simple { Some(value) } else { map.get("@id") };
        match id {
            _ if value.is_null() => {}
            Some(Value::Null) => {}
            Some(Value::String(id)) => {
                def.iri = expand_iri(active, id, true, Some(self))?.map(Arc::from);
                let gen_delim = def.iri.as_deref().is_some_and(|i| i.ends_with([':', '/', '?', '#', '[', ']', '@']));
                def.prefix = simple && !term.contains([':', '/']) && gen_delim;
            }
            Some(_) => return Err(CanonError::JsonLd(format!("invalid @id for {term}"))),
            None if term.contains(':') => def.iri = expand_iri(active, term, true, Some(self))?.map(Arc::from),
            None => match &active.vocab {
                Some(vocab) => def.iri = Some(Arc::from(format!("{vocab}{term}"))),
                None => return Err(CanonError::JsonLd(format!("invalid IRI mapping for {term}"))),
            },
        }
        def.container = match map.get("@container") {
            None => Container::None,
            Some(c) => container(c).ok_or_else(|| unsupported(&format!("@container {c} of {term}")))?,
        };
        def.context = map.get("@context").map(|c| match self.source {
            Local::Pinned(parent) => Scoped::Pinned(pinned_child(parent, term)),
            Local::Inline(_) => Scoped::Inline(Arc::new(c.clone())),
        });
        Ok(def)
    }
}

/// The `@context` of `term`'s definition inside a pinned context object (a `'static` reference).
fn pinned_child(parent: &'static Value, term: &str) -> &'static Value {
    &parent[term]["@context"]
}

fn container(value: &Value) -> Option<Container> {
    let items: Vec<&str> = match value {
        Value::String(s) => vec![s],
        Value::Array(items) => items.iter().map(Value::as_str).collect::<Option<_>>()?,
        _ => return None,
    };
    match items.as_slice() {
        ["@set"] => Some(Container::None),
        ["@list"] => Some(Container::List),
        ["@graph"] | ["@graph", "@set"] | ["@set", "@graph"] => Some(Container::Graph),
        _ => None,
    }
}

/// The terms whose definitions differ between two active contexts (defined in one only, or defined
/// differently, `@protected` included), or `None` when the contexts differ in more than term definitions (the
/// vocabulary mapping, or the context that non-propagated contexts return to). No `@base`, `@language` or
/// `@direction` exists here (context processing rejects them). Memoized per thread for pinned pairs.
pub fn difference(a: &Arc<Context>, b: &Arc<Context>) -> Option<Arc<[String]>> {
    type DiffMemo = FastMap<(u64, u64), Option<Arc<[String]>>>;
    const MAX_ENTRIES: usize = 1024;
    thread_local! {
        static MEMO: RefCell<DiffMemo> = RefCell::new(FastMap::default());
    }
    if !a.both_pinned(b) {
        return term_difference(a, b);
    }
    let key = (a.id, b.id);
    if let Some(hit) = MEMO.with_borrow(|m| m.get(&key).cloned()) {
        return hit;
    }
    let diff = term_difference(a, b);
    MEMO.with_borrow_mut(|m| {
        if m.len() >= MAX_ENTRIES {
            m.clear();
        }
        m.insert(key, diff.clone());
    });
    diff
}

/// [`difference`], not memoized.
fn term_difference(a: &Context, b: &Context) -> Option<Arc<[String]>> {
    let same_previous = match (&a.previous, &b.previous) {
        (None, None) => true,
        (Some(x), Some(y)) => Arc::ptr_eq(x, y),
        _ => false,
    };
    if a.vocab != b.vocab || !same_previous {
        return None;
    }
    let same = |x: &Arc<TermDef>, y: &Arc<TermDef>| Arc::ptr_eq(x, y) || (x.same_as(y) && x.protected == y.protected);
    let mut differ: Vec<String> = a
        .terms
        .iter()
        .filter(|(t, d)| !b.terms.get(t.as_str()).is_some_and(|e| same(d, e)))
        .map(|(t, _)| t.clone())
        .collect();
    differ.extend(b.terms.keys().filter(|t| !a.terms.contains_key(t.as_str())).cloned());
    differ.sort_unstable();
    Some(differ.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pinned_list(urls: &[&str]) -> Value {
        Value::Array(urls.iter().map(|u| Value::String((*u).to_owned())).collect())
    }

    const VC2: &str = "https://www.w3.org/ns/credentials/v2";
    const CLR: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
    const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

    #[test]
    fn lookups_are_recorded_also_through_memoized_processing() {
        let local = pinned_list(&[VC2, OB]);
        let ((), first) = recorded(|| {
            let ctx = process(&Context::initial(), Local::Inline(&local), false, true).unwrap();
            assert!(ctx.term("name").is_some());
            assert!(ctx.term("noSuchTerm").is_none());
        });
        assert!(first.may_contain("name") && first.may_contain("noSuchTerm"));
        // Processing OB defines (looks up) its terms; the second time it comes from the memo.
        assert!(first.may_contain("AchievementCredential"));
        let (_, second) = recorded(|| process(&Context::initial(), Local::Inline(&local), false, true));
        assert!(second.may_contain("AchievementCredential") && !second.may_contain("noSuchTerm"));
        let item = Local::Pinned(pinned(OB).unwrap());
        let (_, noted) = process_noting(&Context::initial(), item, false, true, true).unwrap();
        let noted = noted.unwrap();
        assert!(noted.may_contain("AchievementCredential") && !noted.may_contain("noSuchTerm"));
    }

    #[test]
    fn the_clr_context_differs_from_the_plain_one_in_its_own_terms() {
        let initial = Context::initial();
        let clr = process(&initial, Local::Inline(&pinned_list(&[VC2, CLR, OB])), false, true).unwrap();
        let nested = pinned_list(&[VC2, OB]);
        let inside = process(&clr, Local::Inline(&nested), false, true).unwrap();
        let alone = process(&initial, Local::Inline(&nested), false, true).unwrap();
        let diff = difference(&inside, &alone).unwrap();
        assert_eq!(&*diff, ["Association", "ClrCredential", "ClrSubject"]);
        assert_eq!(difference(&inside, &alone), Some(diff));
        let vocab = serde_json::json!({"@vocab": "https://example.org/"});
        let with_vocab = process(&inside, Local::Inline(&vocab), false, true).unwrap();
        assert_eq!(difference(&with_vocab, &alone), None);
    }
}
