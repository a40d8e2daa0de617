//! What a verifier refuses before it canonicalizes anything: the input rules that make a signature mean what
//! the JSON shows, and the bounds that keep hostile input cheap.
//!
//! A Data Integrity signature covers the RDF a document expands to, not its JSON. A context the document brings
//! along (inline, or scoped inside a node) can therefore redefine a term — swap `sourceId` and `targetId` of
//! CLR 2.0's `Association` while the JSON values are swapped too — and the RDF, hence the signature, is
//! unchanged while every reader of the JSON sees the reverse. So:
//! - OB 3.0 / CLR 2.0 credentials (a `type` with `ClrCredential`, `AchievementCredential`,
//!   `OpenBadgeCredential` or `EndorsementCredential`, or a CLR 2.0 / OB 3.0 context) may list only the contexts their data model and the
//!   1EdTech JSON schemas name, in order: VC 2.0 (VC 1.1 for credentials of that era), the CLR 2.0 context
//!   (CLR only), the OB 3.0 context; then, in any order, the 1EdTech extensions context and the pinned proof
//!   suite contexts. Every entry is a URL of an embedded context ([`super::contexts`]), pinned by content.
//! - Other credentials: the VC base context, then W3C contexts xtranscript embeds (examples, Data Integrity,
//!   Multikey, Ed25519 2020) and what the caller allows ([`InputPolicy::allow_context`]).
//! - Never an inline context object, and never a `@context` below the top of a credential (except in a
//!   nested credential, checked by the same rules, and a proof's own, which must repeat the document's).
//! - The spec's own property names: `type` and `id`, not the JSON-LD keywords `@type` and `@id` (VC Data
//!   Model 2.0 §4.5, §4.4), so that the JSON schema check sees the document as written.
//! - Bounds: `type` lists, `@context` lists and proof sets have at most [`MAX_TYPES`], [`MAX_CONTEXTS`] and
//!   [`MAX_PROOFS`] entries.

use serde_json::{Map, Value};
use thiserror::Error;

use super::contexts::{self, OB_EXTENSIONS, VC_V1, VC_V2};

/// Most entries of one `type` list (credentials have two or three).
pub const MAX_TYPES: usize = 32;
/// Most entries of one `@context` list.
pub const MAX_CONTEXTS: usize = 16;
/// Most proofs in one proof set.
pub const MAX_PROOFS: usize = 8;

/// The contexts an OB 3.0 / CLR 2.0 credential may list after its OB 3.0 context, in any order, once each.
const ONE_EDTECH_TAIL: &[&str] = &[
    OB_EXTENSIONS,
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
];

/// The contexts any other credential may list after its base context without being allowed explicitly.
const PLAIN_TAIL: &[&str] = &[
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://www.w3.org/2018/credentials/examples/v1",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
];

/// JSON-LD keywords a credential may use as member names (besides `@context` where allowed): value objects
/// with a language or direction (VC Data Model 2.0 §11.1).
const VALUE_KEYWORDS: &[&str] = &["@value", "@language", "@direction"];

/// What the caller allows beyond the built-in rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputPolicy {
    extra_contexts: Vec<String>,
}

impl InputPolicy {
    /// Allows the embedded context at `url` in credentials other than OB 3.0 / CLR 2.0 ones, after their base
    /// context. An error when xtranscript does not embed it (contexts are never fetched).
    pub fn allow_context(&mut self, url: &str) -> Result<(), String> {
        if contexts::lookup(url).is_none() {
            return Err(format!(
                "{url} is not a context xtranscript embeds (contexts are never fetched); embedded: {}",
                contexts::urls().collect::<Vec<_>>().join(", ")
            ));
        }
        self.extra_contexts.push(url.to_owned());
        Ok(())
    }
}

/// Why a document is refused before its proofs are checked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    /// A `@context` that is not on the allow-list, inline, or scoped (the message says why).
    #[error("@context at {path}: {why}")]
    Context {
        /// JSON pointer of the object that has the `@context` (`` for the document).
        path: String,
        /// Why it is refused.
        why: String,
    },
    /// A JSON-LD keyword used as a member name where the spec names a property (`@type` for `type`, …).
    #[error("member {key:?} at {path}: {why}")]
    Keyword {
        /// JSON pointer of the object.
        path: String,
        /// The member name.
        key: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// A list longer than its bound.
    #[error("{what} at {path} has {count} entries, more than the {max} allowed")]
    TooMany {
        /// What the list is (`type`, `@context`, `proof`).
        what: &'static str,
        /// JSON pointer of the list.
        path: String,
        /// Its length.
        count: usize,
        /// The bound.
        max: usize,
    },
    /// A member a credential must have.
    #[error("no {member:?} at {path} (VC Data Model 2.0 requires it of a credential)")]
    Missing {
        /// JSON pointer of the credential.
        path: String,
        /// The missing member.
        member: &'static str,
    },
}

/// Checks `doc` (a credential, with every credential nested in it) against the input rules of this module.
pub fn check_input(doc: &Value, policy: &InputPolicy) -> Result<(), Refusal> {
    let mut path = String::new();
    walk(doc, &mut path, Place::Credential, policy)
}

/// Where a JSON object sits, for the `@context` rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The document, or a nested credential (an object whose `type` has `VerifiableCredential`).
    Credential,
    /// A proof (a member, or an element, of `proof`).
    Proof,
    /// Anything else.
    Inner,
}

fn walk(value: &Value, path: &mut String, place: Place, policy: &InputPolicy) -> Result<(), Refusal> {
    let len = path.len();
    match value {
        Value::Object(map) => {
            let place = if place == Place::Inner && is_credential(map) { Place::Credential } else { place };
            check_object(map, path, place, policy)?;
            for (key, child) in map.iter().filter(|(k, _)| *k != "@context") {
                let child_place =
                    if key == "proof" && place == Place::Credential { Place::Proof } else { Place::Inner };
                super::jsonld::push_segment(path, key);
                match (child_place, child) {
                    // A proof set: each element is a proof.
                    (Place::Proof, Value::Array(items)) => {
                        for (i, item) in items.iter().enumerate() {
                            path.push('/');
                            path.push_str(&i.to_string());
                            walk(item, path, Place::Proof, policy)?;
                            path.truncate(path.len() - i.to_string().len() - 1);
                        }
                    }
                    _ => walk(child, path, child_place, policy)?,
                }
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push('/');
                path.push_str(&i.to_string());
                walk(child, path, Place::Inner, policy)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether a nested object is a credential: its `type` has `VerifiableCredential`.
fn is_credential(map: &Map<String, Value>) -> bool {
    types(map).contains(&"VerifiableCredential")
}

fn types(map: &Map<String, Value>) -> Vec<&str> {
    match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The rules for one object's own members.
fn check_object(map: &Map<String, Value>, path: &str, place: Place, policy: &InputPolicy) -> Result<(), Refusal> {
    if let Some(Value::Array(items)) = map.get("type")
        && items.len() > MAX_TYPES
    {
        return Err(too_many("type", path, items.len(), MAX_TYPES));
    }
    for key in map.keys().filter(|k| k.starts_with('@')) {
        let why = match key.as_str() {
            "@context" => continue,
            k if VALUE_KEYWORDS.contains(&k) => continue,
            "@type" => "the property is `type` (VC Data Model 2.0 §4.5); the keyword form escapes the schema check",
            "@id" => "the property is `id` (VC Data Model 2.0 §4.4); the keyword form escapes the schema check",
            _ => "a JSON-LD keyword that VC / OB 3.0 / CLR 2.0 credentials do not use",
        };
        return Err(Refusal::Keyword { path: display_path(path), key: key.clone(), why });
    }
    match place {
        Place::Credential => {
            for member in ["@context", "type"] {
                if !map.contains_key(member) {
                    return Err(Refusal::Missing { path: display_path(path), member });
                }
            }
            if let Some(Value::Array(proofs)) = map.get("proof")
                && proofs.len() > MAX_PROOFS
            {
                return Err(too_many("proof", path, proofs.len(), MAX_PROOFS));
            }
            check_context_list(&map["@context"], &types(map), policy)
                .map_err(|why| Refusal::Context { path: display_path(path), why })
        }
        // A proof's @context must be a prefix of the document's (checked with the proof): strings only here.
        Place::Proof => match map.get("@context") {
            None | Some(Value::String(_)) => Ok(()),
            Some(Value::Array(items)) if items.len() > MAX_CONTEXTS => {
                Err(too_many("@context", path, items.len(), MAX_CONTEXTS))
            }
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(()),
            Some(_) => Err(Refusal::Context { path: display_path(path), why: INLINE.to_owned() }),
        },
        Place::Inner if map.contains_key("@context") => Err(Refusal::Context {
            path: display_path(path),
            why: "a context below the top of a credential (a scoped context) can redefine the terms of what was \
                  signed without changing the signature; never accepted"
                .to_owned(),
        }),
        Place::Inner => Ok(()),
    }
}

const INLINE: &str = "an inline context can redefine the terms of what was signed (e.g. swap an Association's \
                      sourceId and targetId) without changing the signature; never accepted";

/// Whether a context URL is of one kind (CLR 2.0, OB 3.0).
type UrlTest = fn(&str) -> bool;

/// The allow-list of `@context` lists for a credential of `types`.
fn check_context_list(context: &Value, types: &[&str], policy: &InputPolicy) -> Result<(), String> {
    let entries: Vec<&Value> = match context {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    if entries.len() > MAX_CONTEXTS {
        return Err(format!("{} entries, more than the {MAX_CONTEXTS} allowed", entries.len()));
    }
    let mut urls = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        match entry {
            Value::String(url) if contexts::lookup(url).is_some() => urls.push(url.as_str()),
            Value::String(url) => {
                return Err(format!(
                    "entry {i}, {url}, is not a context xtranscript embeds (contexts are never fetched)"
                ));
            }
            _ => return Err(format!("entry {i}: {INLINE}")),
        }
    }
    // The 1EdTech rules by type, or, for a credential of another type, by the 1EdTech contexts it lists.
    let one_edtech = ["ClrCredential", "AchievementCredential", "OpenBadgeCredential", "EndorsementCredential"]
        .iter()
        .find(|t| types.contains(t))
        .or_else(|| urls.iter().any(|u| contexts::is_clr_context(u)).then_some(&"ClrCredential"))
        .or_else(|| urls.iter().any(|u| contexts::is_ob_context(u)).then_some(&"AchievementCredential"));
    let base = urls.first().copied().unwrap_or_default();
    if base != VC_V2 && base != VC_V1 {
        return Err(format!("the first entry must be {VC_V2} (VC Data Model 2.0 §4.3), not {base:?}"));
    }
    let (head, tail, rule): (&[UrlTest], Vec<&str>, &str) = match one_edtech {
        Some(&"ClrCredential") => (
            &[contexts::is_clr_context, contexts::is_ob_context],
            ONE_EDTECH_TAIL.to_vec(),
            "a CLR 2.0 credential lists VC 2.0, a CLR 2.0 context, an OB 3.0 context, then only the 1EdTech \
             extensions or proof suite contexts (CLR 2.0 data model; 1EdTech ClrCredential JSON schema)",
        ),
        Some(_) => (
            &[contexts::is_ob_context],
            ONE_EDTECH_TAIL.to_vec(),
            "an OB 3.0 credential lists VC 2.0, an OB 3.0 context, then only the 1EdTech extensions or proof \
             suite contexts (OB 3.0 data model; 1EdTech AchievementCredential JSON schema)",
        ),
        None => (
            &[],
            PLAIN_TAIL.iter().copied().chain(policy.extra_contexts.iter().map(String::as_str)).collect(),
            "after the VC base context, a credential lists only W3C contexts xtranscript embeds (examples, Data \
             Integrity, Multikey, Ed25519 2020) and those allowed with --allow-context",
        ),
    };
    let rest = &urls[1..];
    for (i, is_expected) in head.iter().enumerate() {
        match rest.get(i) {
            Some(url) if is_expected(url) => {}
            Some(url) => return Err(format!("entry {} is {url}: {rule}", i + 1)),
            None => return Err(format!("only {} entries: {rule}", urls.len())),
        }
    }
    for (i, url) in rest.iter().enumerate().skip(head.len()) {
        if !tail.contains(url) {
            return Err(format!("entry {} is {url}: {rule}", i + 1));
        }
        if rest[head.len()..i].contains(url) {
            return Err(format!("entry {} repeats {url}", i + 1));
        }
    }
    Ok(())
}

/// [`Refusal::TooMany`] for the member `what` of the object at `path`.
fn too_many(what: &'static str, path: &str, count: usize, max: usize) -> Refusal {
    let mut path = path.to_owned();
    super::jsonld::push_segment(&mut path, what);
    Refusal::TooMany { what, path, count, max }
}

/// A JSON pointer as shown in messages: `/` for the document itself.
fn display_path(path: &str) -> String {
    if path.is_empty() { "/".to_owned() } else { path.to_owned() }
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
