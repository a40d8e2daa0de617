//! Typed errors of the sign module. None of them ever carries secret key material.

use thiserror::Error;

/// Why a document could not be turned into its canonical form (RDFC-1.0 N-Quads or JCS).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CanonError {
    /// A `@context` URL that is not one of the embedded, pinned contexts. Contexts are never fetched.
    #[error("unknown JSON-LD context {url} at {path} (only the pinned contexts are available; nothing is fetched)")]
    UnknownContext {
        /// The context URL.
        url: String,
        /// JSON pointer of the `@context` value.
        path: String,
    },
    /// Safe mode: a property or `type` value that the active contexts do not define. JSON-LD would silently
    /// drop it (or make a relative IRI of it), so the signature would not cover what the JSON shows.
    #[error("undefined JSON-LD term \"{term}\" at {path} (safe mode: every property and type needs a definition)")]
    UndefinedTerm {
        /// The term as written in the document.
        term: String,
        /// JSON pointer of the first place it is used.
        path: String,
    },
    /// A node identifier (`id`) that is not an absolute IRI or a blank node identifier.
    #[error("relative IRI \"{iri}\" at {path} (safe mode: identifiers must be absolute IRIs)")]
    RelativeIri {
        /// The value as written.
        iri: String,
        /// JSON pointer of the value.
        path: String,
    },
    /// The document is not valid JSON-LD (message from the JSON-LD processor).
    #[error("invalid JSON-LD: {0}")]
    JsonLd(String),
    /// RDFC-1.0 ran out of its work budget: the blank-node structure is too symmetric (a "poison" graph).
    #[error("RDF canonicalization exceeded its work limit (too many indistinguishable blank nodes)")]
    WorkLimit,
    /// JCS (RFC 8785) could not serialize the document (e.g. a number outside the IEEE 754 range).
    #[error("JSON canonicalization (JCS) failed: {0}")]
    Jcs(String),
}

/// Why a key, multibase value or DID could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// Not a multibase base58btc string (`z…`).
    #[error("not a multibase base58btc value (expected a leading 'z' and base58 characters)")]
    NotBase58btc,
    /// The multicodec header is not the expected one (Ed25519 public 0xed01, Ed25519 secret 0x8026).
    #[error("unexpected multicodec header (expected {expected})")]
    WrongMulticodec {
        /// What was expected, e.g. `ed25519-pub (0xed01)`.
        expected: &'static str,
    },
    /// Wrong key length after the header.
    #[error("wrong key length {found} (expected {expected})")]
    WrongLength {
        /// Bytes found after the header.
        found: usize,
        /// Bytes expected.
        expected: &'static str,
    },
    /// A 64-byte secret key whose second half is not the public key of its first half.
    #[error("secret key and its embedded public key do not match")]
    KeyPairMismatch,
    /// The bytes are not a valid Ed25519 public key (not a curve point).
    #[error("not a valid Ed25519 public key")]
    InvalidPublicKey,
    /// Not a `did:key:z6Mk…` (optionally with `#z6Mk…` naming the same key).
    #[error("not an Ed25519 did:key: {0}")]
    NotDidKey(String),
}

/// Why a proof could not be added to a document.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    /// The document is not a JSON object.
    #[error("the document to sign is not a JSON object")]
    NotAnObject,
    /// `created` is not an XML Schema dateTimeStamp (`2024-01-02T03:04:05Z`), as VC Data Integrity requires.
    #[error("proof created time \"{0}\" is not an xsd:dateTimeStamp (e.g. 2024-01-02T03:04:05Z)")]
    InvalidCreated(String),
    /// The verification method is not an absolute IRI.
    #[error("verification method \"{0}\" is not an absolute IRI")]
    InvalidVerificationMethod(String),
    /// The existing `proof` value is neither an object nor an array of objects.
    #[error("the document's existing proof is neither an object nor an array of objects")]
    MalformedExistingProof,
    /// Canonicalization of the document or of the proof configuration failed.
    #[error(transparent)]
    Canon(#[from] CanonError),
}
