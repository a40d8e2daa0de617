//! The JSON-LD → RDF stage (JSON-LD 1.1 Processing Algorithms §8.1 Deserialize JSON-LD to RDF), behind a
//! small trait so that the proof code does not depend on how it is done.
//!
//! Two guarantees on top of plain JSON-LD:
//! - **pinned contexts only**: a context URL that is not embedded ([`super::contexts`]) is an error;
//! - **safe mode**: a property or `type` value the contexts do not define, and a relative node identifier,
//!   are errors naming the term and its JSON path; plain JSON-LD silently drops them, so a signature would
//!   not cover what the JSON shows.
//!
//! The implementation ([`PinnedJsonLd`]) is written for the pinned contexts: it processes each context
//! combination once per process ([`context`]) and goes from JSON to quads in one pass ([`to_rdf`]). A generic
//! processor (the `oxjsonld` crate) was tried first: it reproduces the published vectors but drops
//! `ClrCredential.partial` (it applies only the last of several type-scoped contexts) and costs about
//! 1 ms per KB.

mod context;
mod iri;
mod literal;
mod to_rdf;

pub use to_rdf::{Known, Segment, Standalone};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::error::CanonError;
use super::rdf::{Dataset, Discard, Quad};
use context::Lookups;
use to_rdf::Options;

/// Turns a JSON-LD document into an RDF dataset, with pinned contexts and safe mode.
pub trait ToRdf {
    /// The dataset of `doc` (quads in any order, possibly repeated; blank node labels are arbitrary).
    fn to_rdf(&self, doc: &Value) -> Result<Vec<Quad>, CanonError>;
}

/// [`ToRdf`] for documents that use only the pinned contexts (and inline context objects).
#[derive(Debug, Default, Clone, Copy)]
pub struct PinnedJsonLd;

impl ToRdf for PinnedJsonLd {
    fn to_rdf(&self, doc: &Value) -> Result<Vec<Quad>, CanonError> {
        let mut quads = Vec::new();
        to_rdf::to_rdf(doc, &mut quads, 0)?;
        Ok(quads)
    }
}

/// The dataset of `doc` as canonical N-Quads lines ([`Dataset`]), for RDFC-1.0.
pub fn to_dataset(doc: &Value) -> Result<Dataset, CanonError> {
    let mut data = Dataset::with_capacity(64);
    to_rdf::to_rdf(doc, &mut data, 0)?;
    Ok(data)
}

/// Writes the dataset of `doc` into `data` (which should be empty: blank nodes are numbered from 0); returns
/// where the quads of each embedded credential are.
pub fn write_dataset(doc: &Value, data: &mut Dataset) -> Result<Vec<Segment>, CanonError> {
    to_rdf::to_rdf(doc, data, 0).map(|emitted| emitted.segments)
}

/// [`write_dataset`] for a credential signed on its own, recording how it was expanded, so that a document
/// embedding it may copy its quads instead of expanding it again ([`write_dataset_with`]). `None` when it
/// cannot be spliced (not a single node object, a blank node identifier, a `proof`).
pub fn write_standalone(doc: &Value, data: &mut Dataset) -> Result<Option<Standalone>, CanonError> {
    let options = Options { record: true, known: None };
    to_rdf::to_rdf_with(doc, data, 0, options).map(|emitted| emitted.standalone)
}

/// [`write_dataset`], copying the quads of each embedded credential found in `known` when that gives the same
/// quads (see [`Standalone`]): the dataset is exactly the one [`write_dataset`] writes.
pub fn write_dataset_with(doc: &Value, data: &mut Dataset, known: &dyn Known) -> Result<Vec<Segment>, CanonError> {
    let options = Options { record: false, known: Some(known) };
    to_rdf::to_rdf_with(doc, data, 0, options).map(|emitted| emitted.segments)
}

/// SHA-256 of a JSON object's members other than `proof`, in order, in an unambiguous binary form: equal
/// digests mean the same members in the same order (with the same key order inside, as the expansion sees
/// them).
pub fn json_digest(map: &Map<String, Value>) -> [u8; 32] {
    digest_walk(map, &mut None)
}

/// [`json_digest`], also adding to `strings` every key and string value (and its prefix) of the members
/// ([`Lookups::add_string`]).
pub fn json_digest_and_strings(map: &Map<String, Value>, strings: &mut Lookups) -> [u8; 32] {
    digest_walk(map, &mut Some(strings))
}

fn digest_walk(map: &Map<String, Value>, strings: &mut Option<&mut Lookups>) -> [u8; 32] {
    let mut out = Feed::default();
    let members = map.iter().filter(|(k, _)| *k != "proof");
    out.push(b'{');
    out.push_len(members.clone().count());
    for (key, value) in members {
        out.push_str(key, strings);
        out.push_json(value, strings);
    }
    out.finish()
}

/// SHA-256 fed through a small buffer (the digest's input is written once, never kept).
struct Feed {
    hasher: Sha256,
    buffer: [u8; 4096],
    len: usize,
}

impl Default for Feed {
    fn default() -> Self {
        Feed { hasher: Sha256::new(), buffer: [0; 4096], len: 0 }
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
        self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn flush(&mut self) {
        self.hasher.update(&self.buffer[..self.len]);
        self.len = 0;
    }

    fn finish(mut self) -> [u8; 32] {
        self.flush();
        self.hasher.finalize().into()
    }

    /// Appends the binary form of `value` ([`json_digest`]): a tag, then lengths before contents (so that no
    /// encoding is a prefix of another's).
    fn push_json(&mut self, value: &Value, strings: &mut Option<&mut Lookups>) {
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
            Value::String(s) => self.push_str(s, strings),
            Value::Array(items) => {
                self.push(b'[');
                self.push_len(items.len());
                for item in items {
                    self.push_json(item, strings);
                }
            }
            Value::Object(map) => {
                self.push(b'{');
                self.push_len(map.len());
                for (key, value) in map {
                    self.push_str(key, strings);
                    self.push_json(value, strings);
                }
            }
        }
    }

    fn push_str(&mut self, s: &str, strings: &mut Option<&mut Lookups>) {
        if let Some(strings) = strings {
            strings.add_string(s);
        }
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

/// JSON-LD safe-mode check of `doc` (pinned contexts, no undefined term, no relative identifier), making no quads.
pub fn check(doc: &Value) -> Result<(), CanonError> {
    to_rdf::to_rdf(doc, &mut Discard, 0).map(|_| ())
}

/// Appends a JSON pointer segment (RFC 6901 escaping) to `path`.
fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    if !segment.contains(['~', '/']) {
        path.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            _ => path.push(c),
        }
    }
}

/// RFC 3987 absolute IRI test, as safe mode needs it: a scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`)
/// followed by `:`.
pub fn is_absolute_iri(value: &str) -> bool {
    let Some((scheme, _)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_digests_tell_members_values_and_order_apart_but_not_proof() {
        let digest = |v: Value| json_digest(v.as_object().unwrap());
        let base = digest(serde_json::json!({"a": 1, "b": ["x", {"c": null}]}));
        assert_eq!(base, digest(serde_json::json!({"a": 1, "b": ["x", {"c": null}], "proof": {"z": 1}})));
        for other in [
            serde_json::json!({"b": ["x", {"c": null}], "a": 1}),
            serde_json::json!({"a": 1.0, "b": ["x", {"c": null}]}),
            serde_json::json!({"a": "1", "b": ["x", {"c": null}]}),
            serde_json::json!({"a": 1, "b": ["x", {"c": false}]}),
            serde_json::json!({"a": 1, "b": ["x", {"c": null}, "y"]}),
            serde_json::json!({"a": 1, "b": [["x"], {"c": null}]}),
            serde_json::json!({"a": 1, "b": ["x".repeat(300), {"c": null}]}),
        ] {
            assert_ne!(base, digest(other));
        }
    }
}
