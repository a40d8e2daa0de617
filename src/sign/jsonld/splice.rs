//! Splicing: copying the quads of a node object from a dataset made before, instead of expanding it again.
//!
//! A ClrCredential embeds AchievementCredentials signed just before, and lists their achievements again. When a
//! credential is expanded on its own ([`super::write_standalone`]), its expansion is recorded ([`Standalone`]):
//! for the credential's node and for every node inside it with an IRI `@id`, the active context it was
//! expanded from, its subject, and its quads and blank nodes in the dataset. A document that contains the same
//! JSON expands it to the same quads (blank nodes renumbered from where its expansion starts) when that
//! provably holds:
//!
//! - JSON-LD 1.1 expansion of a node object (Processing Algorithms §5.1.2) depends on its JSON, the active
//!   context, the property's definition and the graph its quads go to. From its entry context on (after
//!   reverting a non-propagated context and applying the property-scoped and embedded contexts, steps 7–9) the
//!   property matters no more. So: the same JSON ([`digest`], collision-resistant, but for an embedded
//!   credential's `proof`, which the embedding document expands itself, last), quads in the default graph here
//!   and there, and entry contexts that give the same answer to every read.
//! - Context processing and expansion read the active context only by term, its vocabulary mapping and its
//!   previous context. [`context::difference`] requires the last two to be the same and lists the terms defined
//!   differently (D). If the expansion read no term of D, every read gives the same answer in both places, so
//!   both expansions take the same steps, make the same quads and allocate the same number of blank nodes.
//! - The terms it reads (hits and misses alike): during context processing (type-scoped, property-scoped and
//!   embedded contexts), the terms the local context defines and the IRIs it expands: recorded ([`Lookups`])
//!   once per memoized context and merged in each time it is applied; a step that reads every definition (a
//!   `null` context's protection check) counts as reading every term. Everywhere else, keys as terms (keyword
//!   aliases included), `type` values as terms, and keys, `@id`, `type`, `@type` and `@vocab`-coerced values
//!   as IRIs, whose expansion reads the value and its prefix (the part before the first `:`, §5.2.2 step 6):
//!   so no key or string of the JSON may be a term of D or have one as its prefix ([`mentions_any`]). A test
//!   records every read and checks that it is among these.
//! - A blank node identifier (`_:x`) of the JSON would name one node across the whole embedding document: a
//!   credential with one is not recorded.
//!
//! Any doubt means no splice, and a full expansion.

use std::sync::Arc;

use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::super::rdf::Dataset;
use super::context::{self, Context};
use super::lookups::Lookups;

/// SHA-256 of a JSON object ([`digest`]).
pub type Digest = [u8; 32];

/// How a credential (a document that is one node object) was expanded on its own.
#[derive(Debug)]
pub struct Standalone {
    /// The terms context processing looked up during the expansion (from the credential's entry context on).
    pub(super) lookups: Lookups,
    /// The credential's node first, then the nodes with an IRI `@id` inside it whose quads are in the default
    /// graph.
    pub(super) nodes: Vec<Recorded>,
}

impl Standalone {
    /// [`digest`] of the credential (without `proof`).
    pub fn digest(&self) -> Option<&Digest> {
        self.nodes.first().map(|n| &n.digest)
    }

    /// The recorded nodes inside the credential: their digests and `id`s as written.
    pub fn inner_nodes(&self) -> impl Iterator<Item = (&Digest, &str)> {
        self.nodes.iter().skip(1).filter_map(|n| Some((&n.digest, n.id.as_deref()?)))
    }
}

/// One recorded node object.
#[derive(Debug)]
pub(super) struct Recorded {
    /// [`digest`] of its JSON.
    pub(super) digest: Digest,
    /// Its JSON `id` as written (inner nodes).
    pub(super) id: Option<Box<str>>,
    /// Its entry context (§5.1.2 steps 7–9).
    pub(super) context: Arc<Context>,
    /// Its subject.
    pub(super) subject: Subject,
    /// Its quads in the dataset: `lines.0..lines.1`.
    pub(super) lines: (u32, u32),
    /// The blank node numbers its expansion used: `nodes.0..nodes.1`.
    pub(super) nodes: (u32, u32),
}

/// The subject of a recorded node: its `@id`, or the first blank node of its expansion.
#[derive(Debug)]
pub(super) enum Subject {
    Iri(Box<str>),
    Blank,
}

/// A recorded node found for the node being expanded.
#[derive(Clone, Copy)]
pub struct Found<'k> {
    /// Identifies the recorded credential to the caller ([`super::Segment::source`]).
    pub source: usize,
    /// Its dataset.
    pub data: &'k Dataset,
    /// How it was expanded.
    pub standalone: &'k Standalone,
    /// Which node of it: 0 for the credential itself.
    pub node: usize,
}

impl Found<'_> {
    pub(super) fn recorded(&self) -> Option<&Recorded> {
        self.standalone.nodes.get(self.node)
    }
}

/// Credentials expanded on their own before, with their datasets and records.
pub trait Known {
    /// The recorded credential whose JSON, without `proof`, has [`digest`] `digest`.
    fn credential(&self, digest: &Digest) -> Option<Found<'_>>;
    /// A recorded inner node whose JSON has [`digest`] `digest`.
    fn node(&self, digest: &Digest) -> Option<Found<'_>>;
    /// Whether a recorded inner node has the JSON `id` `id` (tested before computing a digest).
    fn has_node_id(&self, id: &str) -> bool;
}

/// Whether the node `map` (found as `found`) expands from `entry` as it did on its own: the two entry contexts
/// differ only in terms it never reads (see the module documentation). `credential`: `map` is an embedded
/// credential, whose `proof` is not part of the splice.
pub(super) fn fits(found: &Found<'_>, entry: &Arc<Context>, map: &Map<String, Value>, credential: bool) -> bool {
    let Some(recorded) = found.recorded() else { return false };
    let Some(differ) = context::difference(entry, &recorded.context) else { return false };
    differ.is_empty()
        || (differ.iter().all(|t| !found.standalone.lookups.may_contain(t)) && !mentions_any(map, credential, &differ))
}

/// Whether a key or string value of `map` (without `proof` when `skip_proof`) is one of `terms`, or has one as
/// its prefix (followed by `:`).
pub(super) fn mentions_any(map: &Map<String, Value>, skip_proof: bool, terms: &[String]) -> bool {
    // Most strings start with a byte no term starts with.
    let mut first = [false; 256];
    for t in terms {
        first[usize::from(t.as_bytes().first().copied().unwrap_or(0))] = true;
    }
    let mentions = |s: &str| {
        first[usize::from(s.as_bytes().first().copied().unwrap_or(0))]
            && terms.iter().any(|t| s.starts_with(t.as_str()) && (s.len() == t.len() || s.as_bytes()[t.len()] == b':'))
    };
    fn walk(value: &Value, mentions: &impl Fn(&str) -> bool) -> bool {
        match value {
            Value::String(s) => mentions(s),
            Value::Array(items) => items.iter().any(|v| walk(v, mentions)),
            Value::Object(map) => map.iter().any(|(k, v)| mentions(k) || walk(v, mentions)),
            _ => false,
        }
    }
    map.iter().filter(|(k, _)| !(skip_proof && *k == "proof")).any(|(k, v)| mentions(k) || walk(v, &mentions))
}

/// The string `id` member of `map`, if any: objects with one get a digest of their own ([`digest`]). (A scan:
/// these objects are small, and the map's own lookup hashes with SipHash.)
pub(super) fn id_of(map: &Map<String, Value>) -> Option<&str> {
    map.iter().find(|(k, _)| *k == "id").and_then(|(_, v)| v.as_str())
}

/// SHA-256 of a JSON object's members (without `proof` when `skip_proof`), in order, in an unambiguous binary
/// form in which each object inside with a string `id` member stands as its own digest (so that a document's
/// digests are computed in one pass, [`digest_with`]). Equal digests mean the same members in the same order.
pub fn digest(map: &Map<String, Value>, skip_proof: bool) -> Digest {
    digest_with(map, skip_proof, &mut |_, _| {})
}

/// [`digest`] of `map`, giving every inner object with a string `id` and its digest to `each`.
pub(super) fn digest_with(
    map: &Map<String, Value>,
    skip_proof: bool,
    each: &mut dyn FnMut(&Map<String, Value>, &Digest),
) -> Digest {
    let mut feed = Feed::default();
    feed.object(map, skip_proof, each);
    feed.finish()
}

/// SHA-256 fed through a small buffer (the digest's input is written once, never kept).
struct Feed {
    hasher: Sha256,
    buffer: [u8; 1024],
    len: usize,
}

impl Default for Feed {
    fn default() -> Self {
        Feed { hasher: Sha256::new(), buffer: [0; 1024], len: 0 }
    }
}

impl Feed {
    fn push(&mut self, byte: u8) {
        if self.len == self.buffer.len() {
            self.flush();
        }
        self.buffer[self.len] = byte;
        self.len += 1;
    }

    fn extend(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.buffer.len() {
            self.flush();
            if bytes.len() > self.buffer.len() {
                self.hasher.update(bytes);
                return;
            }
        }
        let to = &mut self.buffer[self.len..self.len + bytes.len()];
        if bytes.len() <= 16 {
            // Most keys and values are short: a byte loop beats a call to memcpy.
            to.iter_mut().zip(bytes).for_each(|(t, b)| *t = *b);
        } else {
            to.copy_from_slice(bytes);
        }
        self.len += bytes.len();
    }

    fn flush(&mut self) {
        self.hasher.update(&self.buffer[..self.len]);
        self.len = 0;
    }

    fn finish(mut self) -> Digest {
        self.flush();
        self.hasher.finalize().into()
    }

    /// An object: a tag, its member count, then each key and value.
    fn object(
        &mut self,
        map: &Map<String, Value>,
        skip_proof: bool,
        each: &mut dyn FnMut(&Map<String, Value>, &Digest),
    ) {
        let members = map.iter().filter(|(k, _)| !(skip_proof && *k == "proof"));
        self.push(b'{');
        self.push_len(members.clone().count());
        for (key, value) in members {
            self.push_str(key);
            self.value(value, each);
        }
    }

    /// A value: a tag, then lengths before contents (so that no encoding is a prefix of another's).
    fn value(&mut self, value: &Value, each: &mut dyn FnMut(&Map<String, Value>, &Digest)) {
        match value {
            Value::Null => self.push(b'n'),
            Value::Bool(b) => self.push(if *b { b't' } else { b'f' }),
            Value::Number(n) => {
                // serde_json's three kinds of numbers, each with its exact value.
                let (tag, bits) = match (n.as_u64(), n.as_i64(), n.as_f64()) {
                    (Some(u), _, _) => (b'u', u),
                    (None, Some(i), _) => (b'i', i as u64),
                    (None, None, f) => (b'd', f.unwrap_or(f64::NAN).to_bits()),
                };
                self.push(tag);
                self.extend(&bits.to_le_bytes());
            }
            Value::String(s) => self.push_str(s),
            Value::Array(items) => {
                self.push(b'[');
                self.push_len(items.len());
                for item in items {
                    self.value(item, each);
                }
            }
            Value::Object(map) if id_of(map).is_some() => {
                let inner = digest_with(map, false, each);
                each(map, &inner);
                self.push(b'h');
                self.extend(&inner);
            }
            Value::Object(map) => self.object(map, false, each),
        }
    }

    fn push_str(&mut self, s: &str) {
        self.push(b's');
        self.push_len(s.len());
        self.extend(s.as_bytes());
    }

    /// A length as LEB128 (seven bits a byte, low first; the high bit tells that more follow): one byte for most.
    fn push_len(&mut self, len: usize) {
        let mut rest = len as u64;
        while rest >= 0x80 {
            self.push((rest as u8 & 0x7f) | 0x80);
            rest >>= 7;
        }
        self.push(rest as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_tell_members_values_and_order_apart_but_not_proof() {
        let of = |v: Value| digest(v.as_object().unwrap(), true);
        let base = of(serde_json::json!({"a": 1, "b": ["x", {"c": null}], "d": {"id": "urn:x", "e": 2}}));
        let same = serde_json::json!({"a": 1, "b": ["x", {"c": null}], "d": {"id": "urn:x", "e": 2}, "proof": {}});
        assert_eq!(base, of(same));
        for other in [
            serde_json::json!({"b": ["x", {"c": null}], "a": 1, "d": {"id": "urn:x", "e": 2}}),
            serde_json::json!({"a": 1.0, "b": ["x", {"c": null}], "d": {"id": "urn:x", "e": 2}}),
            serde_json::json!({"a": "1", "b": ["x", {"c": null}], "d": {"id": "urn:x", "e": 2}}),
            serde_json::json!({"a": 1, "b": ["x", {"c": false}], "d": {"id": "urn:x", "e": 2}}),
            serde_json::json!({"a": 1, "b": ["x", {"c": null}, "y"], "d": {"id": "urn:x", "e": 2}}),
            serde_json::json!({"a": 1, "b": [["x"], {"c": null}], "d": {"id": "urn:x", "e": 2}}),
            serde_json::json!({"a": 1, "b": ["x".repeat(3000), {"c": null}], "d": {"id": "urn:x", "e": 2}}),
            serde_json::json!({"a": 1, "b": ["x", {"c": null}], "d": {"id": "urn:x", "e": 3}}),
            serde_json::json!({"a": 1, "b": ["x", {"c": null}], "d": {"id": "urn:y", "e": 2}}),
        ] {
            assert_ne!(base, of(other));
        }
        let mut inner = Vec::new();
        let nested = serde_json::json!({"d": {"id": "urn:x", "e": {"id": "urn:y"}}});
        digest_with(nested.as_object().unwrap(), true, &mut |m, d| inner.push((m["id"].clone(), *d)));
        assert_eq!(inner.len(), 2);
        assert_eq!(inner[1], ("urn:x".into(), digest(nested["d"].as_object().unwrap(), false)));
    }

    #[test]
    fn terms_are_mentioned_as_keys_values_and_prefixes() {
        let terms = ["Clr".to_owned(), "ex".to_owned()];
        let doc = |v: Value| v.as_object().unwrap().clone();
        assert!(!mentions_any(&doc(serde_json::json!({"a": ["Clrx", "exa:b", "https://ex/"]})), false, &terms));
        assert!(mentions_any(&doc(serde_json::json!({"a": [{"b": "ex:thing"}]})), false, &terms));
        assert!(mentions_any(&doc(serde_json::json!({"a": {"Clr": 1}})), false, &terms));
        assert!(mentions_any(&doc(serde_json::json!({"type": "Clr"})), false, &terms));
        assert!(!mentions_any(&doc(serde_json::json!({"proof": "Clr"})), true, &terms));
    }
}
