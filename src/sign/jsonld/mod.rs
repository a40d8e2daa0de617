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
//! combination once per process ([`context`]) and goes from JSON to quads in one pass ([`to_rdf`]); a node
//! already expanded in a credential signed before may be copied from that credential's dataset instead
//! ([`splice`], when that provably gives the same quads). A generic
//! processor (the `oxjsonld` crate) was tried first: it reproduces the published vectors but drops
//! `ClrCredential.partial` (it applies only the last of several type-scoped contexts) and costs about
//! 1 ms per KB.

mod context;
mod iri;
mod literal;
mod lookups;
mod splice;
mod to_rdf;

pub use splice::{Digest, Found, Known, Standalone};
pub use to_rdf::Segment;

use serde_json::Value;

use super::error::CanonError;
use super::rdf::{Dataset, Discard, Quad};
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

/// [`write_dataset`], copying the quads of each embedded credential and inner node found in `known` when that
/// gives the same quads (see `splice.rs`): the dataset is exactly the one [`write_dataset`] writes.
pub fn write_dataset_with(doc: &Value, data: &mut Dataset, known: &dyn Known) -> Result<Vec<Segment>, CanonError> {
    let options = Options { record: false, known: Some(known) };
    to_rdf::to_rdf_with(doc, data, 0, options).map(|emitted| emitted.segments)
}

/// JSON-LD safe-mode check of `doc` (pinned contexts, no undefined term, no relative identifier), making no quads.
pub fn check(doc: &Value) -> Result<(), CanonError> {
    to_rdf::to_rdf(doc, &mut Discard, 0).map(|_| ())
}

/// Appends a JSON pointer segment (RFC 6901 escaping) to `path`.
pub(super) fn push_segment(path: &mut String, segment: &str) {
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
