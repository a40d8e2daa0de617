//! Data Integrity proofs: sign and verify W3C Verifiable Credentials (VC Data Integrity 1.0, vc-di-eddsa 1.0).
//!
//! A pure library: no file system, no clock (the proof's `created` is passed in), no network (JSON-LD
//! contexts are embedded and pinned, [`contexts`]), no randomness (keys come from the caller).
//!
//! - [`sign`] adds one `DataIntegrityProof` — [`Suite::EddsaRdfc2022`] (RDFC-1.0 canonical N-Quads, the 1EdTech
//!   requirement) or [`Suite::EddsaJcs2022`] (RFC 8785 JCS) — to a credential; signing a document that already
//!   has a proof makes a proof set (`proof` becomes an array). [`sign_nested`] signs every unsigned embedded
//!   credential (e.g. the AchievementCredentials inside a ClrCredential) first, innermost first, then the outer;
//!   [`sign_transcript`] signs given credentials, then the document made of them. Both share RDFC-1.0 work between
//!   the inner and the outer proofs (`session.rs`); [`add_proof`] signs in place, without copying.
//! - [`verify_proofs`] checks every proof of a document: `eddsa-rdfc-2022` (also its draft name `eddsa-2022`),
//!   `eddsa-jcs-2022`, legacy `Ed25519Signature2020`, proof chains (`previousProof`). Keys come from a resolver
//!   the caller passes ([`resolve_did_key`] for did:key; a DID document lookup for did:web). Embedded
//!   credentials are found with [`embedded_credentials`] and verified the same way.
//! - [`SecretKey`]: Ed25519 keys as Multikey multibase, `did:key`. The secret never appears in `Debug` output
//!   or in any error.
//! - [`proof`]: the individual steps (canonical forms, hashes), for test vectors and diagnostics.
//!
//! JSON-LD is processed in **safe mode**: an undefined term or a relative `type`/`id` is an error naming the
//! term and its JSON path ([`CanonError::UndefinedTerm`]), for both suites, so what is signed is always what
//! the JSON shows. RDFC-1.0 has a work limit ([`CanonError::WorkLimit`]) against crafted blank-node graphs.
//!
//! ```
//! use xtranscript::sign::{self, SecretKey, Suite};
//! let key = SecretKey::from_seed(&[1; 32]);
//! let credential = serde_json::json!({
//!     "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
//!     "type": ["VerifiableCredential"],
//!     "issuer": key.did_key(),
//!     "credentialSubject": {"id": "did:example:learner", "alumniOf": "Example University"}
//! });
//! let vm = key.did_key_verification_method();
//! let signed = sign::sign(&credential, &key, &vm, "2025-01-01T00:00:00Z", Suite::EddsaRdfc2022)?;
//! assert!(sign::verify(&signed, &sign::resolve_did_key).is_ok());
//! # Ok::<(), sign::SignError>(())
//! ```

pub mod contexts;
mod error;
mod fasthash;
mod guard;
pub mod jose;
mod jsonld;
mod keys;
pub mod proof;
mod rdf;
mod rdfc;
mod session;
mod verify;

pub use ed25519_dalek::VerifyingKey;
use serde_json::{Map, Value};

pub use error::{CanonError, KeyError, SignError};
pub use guard::{InputPolicy, MAX_CONTEXTS, MAX_CREDENTIAL_LEVELS, MAX_PROOFS, MAX_TYPES, Refusal, check_input};
pub use jsonld::{PinnedJsonLd, ToRdf};
pub use keys::{
    SecretKey, decode_base58btc, did_key, did_key_verification_method, encode_base58btc, key_from_fragment,
    public_key_from_did_key, public_key_from_multibase, public_key_multibase, resolve_did_key,
};
pub use rdf::{Literal, Quad, Term, to_nquads};
pub use rdfc::{canonicalize as rdfc_canonicalize, hex_sha256};
pub use verify::{MAX_PROOF_VALUE_CHARS, ProofCheck, VerifyFailure, embedded_credentials, verify, verify_proofs};

use proof::Canonicalization;
use session::Session;

/// The cryptosuite of a new `DataIntegrityProof`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Suite {
    /// `eddsa-rdfc-2022`: JSON-LD → RDFC-1.0 canonical N-Quads, SHA-256, Ed25519 (vc-di-eddsa §3.2).
    #[default]
    EddsaRdfc2022,
    /// `eddsa-jcs-2022`: RFC 8785 JCS, SHA-256, Ed25519 (vc-di-eddsa §3.3).
    EddsaJcs2022,
}

impl Suite {
    /// The `cryptosuite` value.
    pub fn cryptosuite(self) -> &'static str {
        match self {
            Suite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Suite::EddsaJcs2022 => "eddsa-jcs-2022",
        }
    }

    fn canonicalization(self) -> Canonicalization {
        match self {
            Suite::EddsaRdfc2022 => Canonicalization::Rdfc,
            Suite::EddsaJcs2022 => Canonicalization::Jcs,
        }
    }
}

/// Adds a `DataIntegrityProof` (proof purpose `assertionMethod`) made with `key` to `doc`.
///
/// Implements VC Data Integrity 1.0 §4.2 Add Proof with vc-di-eddsa §3.2.1 / §3.3.1 Create Proof:
/// 1. the unsecured document is `doc` without `proof` (a proof set's members do not sign each other);
/// 2. proof options: `type`, `cryptosuite`, `created`, `verificationMethod`, `proofPurpose` (and for JCS
///    `@context`, as the vc-di-eddsa vectors show);
/// 3. transformation, proof configuration and hashing ([`proof::prepare`]);
/// 4. `proofValue` = multibase base58btc of the Ed25519 signature of the hash data (§3.2.6 / §3.3.6);
/// 5. the proof is added: `proof` is an object, or an array when `doc` already had proofs (a proof set).
///
/// `created` must be an xsd:dateTimeStamp (`2025-01-01T00:00:00Z`); `verification_method` is typically
/// [`SecretKey::did_key_verification_method`]. Both suites check the document in JSON-LD safe mode.
/// For nested credentials sign the inner ones first ([`sign_nested`] does it).
pub fn sign(
    doc: &Value,
    key: &SecretKey,
    verification_method: &str,
    created: &str,
    suite: Suite,
) -> Result<Value, SignError> {
    let mut secured = doc.clone();
    add_proof(&mut secured, key, verification_method, created, suite)?;
    Ok(secured)
}

/// [`sign`] in place, without copying the document: adds the proof to `doc` (on error `doc` may have lost its
/// existing proofs).
pub fn add_proof(
    doc: &mut Value,
    key: &SecretKey,
    verification_method: &str,
    created: &str,
    suite: Suite,
) -> Result<(), SignError> {
    add_proof_with(doc, key, verification_method, created, suite, &mut proof::rdfc_document_hash)
}

/// [`add_proof`], with the eddsa-rdfc-2022 document hash (§3.2.3 + §3.2.4) computed by `rdfc_hash`.
fn add_proof_with(
    doc: &mut Value,
    key: &SecretKey,
    verification_method: &str,
    created: &str,
    suite: Suite,
    rdfc_hash: &mut dyn FnMut(&Value) -> Result<[u8; 32], CanonError>,
) -> Result<(), SignError> {
    proof::check_date_time_stamp(created)?;
    proof::check_verification_method(verification_method)?;
    let Value::Object(map) = doc else {
        return Err(SignError::NotAnObject);
    };
    let existing = take_proofs(map)?;
    let options = proof_options(doc, verification_method, created, suite);
    let method = suite.canonicalization();
    let mut hash_data = [0u8; 64];
    hash_data[..32].copy_from_slice(&proof::proof_config_hash(&options, doc.get("@context"), method)?);
    let document_hash = match suite {
        Suite::EddsaRdfc2022 => rdfc_hash(doc)?,
        Suite::EddsaJcs2022 => proof::document_hash(doc, method)?,
    };
    hash_data[32..].copy_from_slice(&document_hash);
    let mut new_proof = options;
    let signature = key.sign_bytes(&hash_data);
    new_proof.insert("proofValue".to_owned(), Value::String(encode_base58btc(&signature)));
    let proof = match existing {
        None => Value::Object(new_proof),
        Some(mut proofs) => {
            proofs.push(Value::Object(new_proof));
            Value::Array(proofs)
        }
    };
    if let Value::Object(map) = doc {
        map.insert("proof".to_owned(), proof);
    }
    Ok(())
}

/// Signs every embedded credential of `doc` that has no proof yet (any object below the root whose `type`
/// includes `VerifiableCredential` and that has its own `@context`), innermost first, then `doc` itself,
/// all with the same key, verification method, time and suite. For a CLR with 40 AchievementCredentials
/// that is 41 proofs; the outer proof covers the signed inner credentials.
pub fn sign_nested(
    doc: &Value,
    key: &SecretKey,
    verification_method: &str,
    created: &str,
    suite: Suite,
) -> Result<Value, SignError> {
    let mut secured = doc.clone();
    let mut session = Session::default();
    sign_children(&mut secured, &mut |child| {
        add_proof_with(child, key, verification_method, created, suite, &mut |d| session.embedded_hash(d))
    })?;
    add_proof_with(&mut secured, key, verification_method, created, suite, &mut |d| session.outer_hash(d))?;
    Ok(secured)
}

/// Signs a transcript: each credential of `nested` (with every suite of `suites`, in order: more than one makes
/// proof sets), then the document `wrap` makes of the signed credentials, which it returns signed the same way.
///
/// The result is the same as signing each credential with [`add_proof`], but faster: the outer document's
/// eddsa-rdfc-2022 proof copies the quads of the nested credentials (and of the nodes with an `id` inside them,
/// such as their achievements) instead of expanding their JSON-LD again, where that provably gives the same
/// quads, and reuses their RDFC-1.0 first-degree hashes (see `session.rs` and `jsonld/splice.rs`). `wrap` may
/// embed the signed credentials anywhere, change or copy them: only what is found unchanged is reused.
pub fn sign_transcript(
    nested: Vec<Value>,
    wrap: impl FnOnce(Vec<Value>) -> Value,
    key: &SecretKey,
    verification_method: &str,
    created: &str,
    suites: &[Suite],
) -> Result<Value, SignError> {
    let mut session = Session::default();
    let mut signed = Vec::with_capacity(nested.len());
    for mut credential in nested {
        for &suite in suites {
            let hash = &mut |d: &Value| session.embedded_hash(d);
            add_proof_with(&mut credential, key, verification_method, created, suite, hash)?;
        }
        signed.push(credential);
    }
    let mut outer = wrap(signed);
    for &suite in suites {
        add_proof_with(&mut outer, key, verification_method, created, suite, &mut |d| session.outer_hash(d))?;
    }
    Ok(outer)
}

/// Signs, with `sign_one`, every unsigned embedded credential below `value` (not `value` itself), innermost
/// first.
fn sign_children(
    value: &mut Value,
    sign_one: &mut dyn FnMut(&mut Value) -> Result<(), SignError>,
) -> Result<(), SignError> {
    let children: Vec<&mut Value> = match value {
        Value::Object(map) => {
            map.iter_mut().filter(|(k, _)| !k.starts_with('@') && *k != "proof").map(|(_, v)| v).collect()
        }
        Value::Array(items) => items.iter_mut().collect(),
        _ => return Ok(()),
    };
    for child in children {
        sign_children(child, sign_one)?;
        if is_unsigned_credential(child) {
            sign_one(child)?;
        }
    }
    Ok(())
}

/// An object with its own `@context`, a `type` that includes `VerifiableCredential`, and no `proof`.
fn is_unsigned_credential(value: &Value) -> bool {
    let has_type = |t: &Value| match t {
        Value::String(s) => s == "VerifiableCredential",
        Value::Array(items) => items.iter().any(|i| i == "VerifiableCredential"),
        _ => false,
    };
    value.get("@context").is_some() && value.get("proof").is_none() && value.get("type").is_some_and(has_type)
}

/// The proof options of a new proof (vc-di-eddsa §3.2.1 / §3.3.1 "options").
fn proof_options(unsecured: &Value, verification_method: &str, created: &str, suite: Suite) -> Map<String, Value> {
    let mut options = Map::new();
    options.insert("type".to_owned(), "DataIntegrityProof".into());
    options.insert("cryptosuite".to_owned(), suite.cryptosuite().into());
    options.insert("created".to_owned(), created.into());
    options.insert("verificationMethod".to_owned(), verification_method.into());
    options.insert("proofPurpose".to_owned(), "assertionMethod".into());
    if let (Suite::EddsaJcs2022, Some(context)) = (suite, unsecured.get("@context")) {
        options.insert("@context".to_owned(), context.clone());
    }
    options
}

/// Removes `proof` from the document; returns the existing proofs as a list (a proof set), if any.
fn take_proofs(doc: &mut Map<String, Value>) -> Result<Option<Vec<Value>>, SignError> {
    match doc.remove("proof") {
        None => Ok(None),
        Some(proof @ Value::Object(_)) => Ok(Some(vec![proof])),
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => Ok(Some(items)),
        Some(_) => Err(SignError::MalformedExistingProof),
    }
}
