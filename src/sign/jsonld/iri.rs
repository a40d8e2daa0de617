//! IRI expansion (JSON-LD 1.1 Processing Algorithms §5.2), while defining terms and against a processed
//! context.

use std::borrow::Cow;
use std::sync::Arc;

use super::super::error::CanonError;
use super::context::{Context, Definer};

/// The JSON-LD keywords.
const KEYWORDS: [&str; 23] = [
    "@base",
    "@container",
    "@context",
    "@direction",
    "@graph",
    "@id",
    "@import",
    "@included",
    "@index",
    "@json",
    "@language",
    "@list",
    "@nest",
    "@none",
    "@prefix",
    "@propagate",
    "@protected",
    "@reverse",
    "@set",
    "@type",
    "@value",
    "@version",
    "@vocab",
];

/// `value` as a `'static` keyword, if it is one.
pub fn keyword(value: &str) -> Option<&'static str> {
    KEYWORDS.iter().find(|k| **k == value).copied()
}

/// The JSON-LD keywords.
pub fn is_keyword(value: &str) -> bool {
    matches!(
        value,
        "@base"
            | "@container"
            | "@context"
            | "@direction"
            | "@graph"
            | "@id"
            | "@import"
            | "@included"
            | "@index"
            | "@json"
            | "@language"
            | "@list"
            | "@nest"
            | "@none"
            | "@prefix"
            | "@propagate"
            | "@protected"
            | "@reverse"
            | "@set"
            | "@type"
            | "@value"
            | "@version"
            | "@vocab"
    )
}

/// §5.2.2 IRI Expansion while defining terms. `vocab`: relative to the vocabulary (terms and `@vocab` apply);
/// `local`: the context being defined (terms it defines are created on demand). A relative IRI is returned as
/// is (there is no base IRI); callers reject it in safe mode. `None` means "no IRI" (null mapping or
/// keyword-like string).
pub fn expand_iri(
    active: &mut Context,
    value: &str,
    vocab: bool,
    mut local: Option<&mut Definer<'_>>,
) -> Result<Option<String>, CanonError> {
    if is_keyword(value) {
        return Ok(Some(value.to_owned()));
    }
    if value.starts_with('@') && value[1..].chars().all(|c| c.is_ascii_alphabetic()) && value.len() > 1 {
        return Ok(None);
    }
    if let Some(definer) = local.as_deref_mut()
        && definer.local.contains_key(value)
        && definer.defined.get(value) != Some(&true)
    {
        definer.define(active, value)?;
    }
    if vocab && let Some(def) = active.term_recorded(value) {
        return Ok(def.iri.as_deref().map(str::to_owned));
    }
    if let Some((prefix, suffix)) = value.split_once(':').filter(|(p, _)| !p.is_empty()) {
        if prefix == "_" || suffix.starts_with("//") {
            return Ok(Some(value.to_owned()));
        }
        if let Some(definer) = local
            && definer.local.contains_key(prefix)
            && definer.defined.get(prefix) != Some(&true)
        {
            definer.define(active, prefix)?;
        }
        if let Some(iri) = active.term_recorded(prefix).filter(|d| d.prefix).and_then(|d| d.iri.as_ref()) {
            return Ok(Some(format!("{iri}{suffix}")));
        }
        if super::is_absolute_iri(value) {
            return Ok(Some(value.to_owned()));
        }
    }
    if vocab && let Some(v) = &active.vocab {
        return Ok(Some(format!("{v}{value}")));
    }
    Ok(Some(value.to_owned()))
}

/// [`expand`] as a shared string: a term's IRI is shared, not copied.
pub fn expand_shared(active: &Context, value: &str, vocab: bool) -> Option<Arc<str>> {
    if vocab && let Some(def) = active.term(value) {
        return def.iri.clone();
    }
    expand(active, value, vocab).map(|iri| Arc::from(&*iri))
}

/// IRI expansion against a shared, already processed context (no term is being defined); borrows when it can.
pub fn expand<'a>(active: &'a Context, value: &'a str, vocab: bool) -> Option<Cow<'a, str>> {
    if is_keyword(value) {
        return Some(Cow::Borrowed(value));
    }
    if value.starts_with('@') && value.len() > 1 && value[1..].chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if vocab && let Some(def) = active.term(value) {
        return def.iri.as_deref().map(Cow::Borrowed);
    }
    if let Some((prefix, suffix)) = value.split_once(':').filter(|(p, _)| !p.is_empty()) {
        if prefix == "_" || suffix.starts_with("//") {
            return Some(Cow::Borrowed(value));
        }
        if let Some(iri) = active.term(prefix).filter(|d| d.prefix).and_then(|d| d.iri.as_ref()) {
            return Some(Cow::Owned(format!("{iri}{suffix}")));
        }
        if super::is_absolute_iri(value) {
            return Some(Cow::Borrowed(value));
        }
    }
    match (&active.vocab, vocab) {
        (Some(v), true) => Some(Cow::Owned(format!("{v}{value}"))),
        _ => Some(Cow::Borrowed(value)),
    }
}
