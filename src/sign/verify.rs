//! Proof verification: VC Data Integrity 1.0 §4.4 Verify Proof and §4.5 Verify Proof Sets and Chains, with
//! vc-di-eddsa §3.2.2 / §3.3.2 Verify Proof (and the legacy Ed25519Signature2020 suite, which hashes like
//! eddsa-rdfc-2022).

use std::collections::HashMap;

use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::{Map, Value};
use thiserror::Error;

use super::error::CanonError;
use super::guard::{InputPolicy, Refusal, check_input};
use super::keys::decode_base58btc;
use super::proof::{self, Canonicalization};

/// Why one proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyFailure {
    /// The document has no `proof` at all.
    #[error("no proof")]
    NoProof,
    /// The proof is not an object, or lacks a required member (the message says which).
    #[error("malformed proof: {0}")]
    MalformedProof(String),
    /// A proof `type` this library does not verify.
    #[error("unsupported proof type {0}")]
    UnsupportedProofType(String),
    /// A `DataIntegrityProof` with a cryptosuite this library does not verify.
    #[error("unsupported cryptosuite {0}")]
    UnsupportedCryptosuite(String),
    /// The resolver knows no key for the verification method.
    #[error("unknown verification method {0}")]
    UnknownVerificationMethod(String),
    /// `proofValue` is not multibase base58btc of a 64-byte Ed25519 signature.
    #[error("bad proofValue: {0}")]
    BadProofValue(String),
    /// The proof's own `@context` is not a prefix of the document's (vc-di-eddsa §3.2.2 step 3).
    #[error("the proof's @context does not match the document's")]
    ContextMismatch,
    /// A `previousProof` that names no proof of the document (§4.5).
    #[error("previousProof {0} names no proof of the document")]
    MissingPreviousProof(String),
    /// The document or proof configuration could not be canonicalized (includes undefined terms).
    #[error(transparent)]
    Canonicalization(#[from] CanonError),
    /// The document breaks an input rule ([`super::check_input`]); its proofs were not checked.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    /// The signature does not match the document and key.
    #[error("signature does not match (document or proof changed, or wrong key)")]
    SignatureMismatch,
}

/// The outcome for one proof of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofCheck {
    /// Position of the proof in the proof set (0 for a single proof).
    pub index: usize,
    /// The proof's `type`, if it is a string.
    pub proof_type: Option<String>,
    /// The proof's `cryptosuite`, if any.
    pub cryptosuite: Option<String>,
    /// The proof's `verificationMethod`, if any.
    pub verification_method: Option<String>,
    /// `Ok` when the proof verifies.
    pub result: Result<(), VerifyFailure>,
}

/// Verifies every proof of `doc` (not of the credentials embedded in it: see [`embedded_credentials`]).
/// Returns one [`ProofCheck`] per proof, in order; an empty list means the document has no proof, which a
/// verifier must treat as a failure ([`verify`] does).
///
/// The input rules ([`check_input`]: allowed contexts, property names, bounds) are not applied here: a
/// verifier calls [`check_input`] first, as [`verify`] does, since a valid signature over a document with an
/// injected context does not mean what its JSON shows.
pub fn verify_proofs(doc: &Value, resolve: &dyn Fn(&str) -> Option<VerifyingKey>) -> Vec<ProofCheck> {
    let Value::Object(map) = doc else {
        return Vec::new();
    };
    let proofs: Vec<&Value> = match map.get("proof") {
        None => return Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single) => vec![single],
    };
    let mut unsecured = map.clone();
    unsecured.remove("proof");
    let unsecured = Value::Object(unsecured);
    let mut cache = HashMap::new();
    let field = |p: &Value, k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
    proofs
        .iter()
        .enumerate()
        .map(|(index, p)| ProofCheck {
            index,
            proof_type: field(p, "type"),
            cryptosuite: field(p, "cryptosuite"),
            verification_method: field(p, "verificationMethod"),
            result: verify_one(p, &proofs, &unsecured, resolve, &mut cache),
        })
        .collect()
}

/// Checks `doc` against the input rules ([`check_input`], default [`InputPolicy`]), then verifies all its
/// proofs: `Ok(number of proofs)` when there is at least one and every one verifies, else the first failure.
pub fn verify(doc: &Value, resolve: &dyn Fn(&str) -> Option<VerifyingKey>) -> Result<usize, VerifyFailure> {
    check_input(doc, &InputPolicy::default())?;
    let checks = verify_proofs(doc, resolve);
    if checks.is_empty() {
        return Err(VerifyFailure::NoProof);
    }
    checks.iter().try_for_each(|c| c.result.clone())?;
    Ok(checks.len())
}

/// Canonical documents already computed, by (canonicalization, document `@context` override), so a proof set
/// canonicalizes the document once per method.
type Cache = HashMap<(Canonicalization, String), Result<String, CanonError>>;

/// vc-di-eddsa §3.2.2 / §3.3.2 Verify Proof for one member of the proof set.
fn verify_one(
    proof: &Value,
    all: &[&Value],
    unsecured: &Value,
    resolve: &dyn Fn(&str) -> Option<VerifyingKey>,
    cache: &mut Cache,
) -> Result<(), VerifyFailure> {
    let Value::Object(options) = proof else {
        return Err(VerifyFailure::MalformedProof("not an object".into()));
    };
    let method = canonicalization_of(options)?;
    let required = |k: &str| {
        options.get(k).and_then(Value::as_str).ok_or_else(|| VerifyFailure::MalformedProof(format!("no {k}")))
    };
    let signature = decode_signature(required("proofValue")?)?;
    required("proofPurpose")?;
    let vm = required("verificationMethod")?;
    let key = resolve(vm).ok_or_else(|| VerifyFailure::UnknownVerificationMethod(vm.to_owned()))?;
    // Step 1–3: the unsecured document, with the chained proofs (§4.5) and the proof's @context (copied only
    // when one of them changes it).
    let proof_context = options.get("@context");
    if proof_context.is_some_and(|c| !context_is_prefix(c, unsecured.get("@context"))) {
        return Err(VerifyFailure::ContextMismatch);
    }
    let chained = options.contains_key("previousProof");
    let owned;
    let input: &Value = if chained || proof_context.is_some_and(|c| Some(c) != unsecured.get("@context")) {
        let Value::Object(base) = unsecured else { unreachable!("the unsecured document is an object") };
        let mut copy = base.clone();
        add_previous_proofs(&mut copy, options, all)?;
        if let Some(context) = proof_context {
            copy.insert("@context".to_owned(), context.clone());
        }
        owned = Value::Object(copy);
        &owned
    } else {
        unsecured
    };
    // Steps 4–6: transformation (cached for proof sets), proof configuration, hashing.
    let config = proof::proof_configuration(options, input.get("@context"));
    let canonical_config = proof::canonicalize(&config, method)?;
    let canonical_doc = if chained {
        transform(input, method)?
    } else {
        let context_key = input.get("@context").map(Value::to_string).unwrap_or_default();
        cache.entry((method, context_key)).or_insert_with(|| transform(input, method)).clone()?
    };
    let hash_data = proof::hash_data(&canonical_config, &canonical_doc);
    // Step 7: the Ed25519 signature over the hash data.
    key.verify_strict(&hash_data, &signature).map_err(|_| VerifyFailure::SignatureMismatch)
}

/// The canonical document (§3.2.3 / §3.3.3). A JCS-signed document is also checked in JSON-LD safe mode, as
/// the reference verifier does: JCS alone would accept terms that no context defines.
fn transform(input: &Value, method: Canonicalization) -> Result<String, CanonError> {
    if method == Canonicalization::Jcs {
        proof::rdf_safe_check(input)?;
    }
    proof::canonicalize(input, method)
}

/// The canonicalization a supported proof uses, from its `type` and `cryptosuite`.
fn canonicalization_of(options: &Map<String, Value>) -> Result<Canonicalization, VerifyFailure> {
    let proof_type = options.get("type").and_then(Value::as_str).unwrap_or_default();
    match proof_type {
        "DataIntegrityProof" => match options.get("cryptosuite").and_then(Value::as_str) {
            // "eddsa-2022" is the draft name of eddsa-rdfc-2022 (same algorithm), still found in 1EdTech samples.
            Some("eddsa-rdfc-2022" | "eddsa-2022") => Ok(Canonicalization::Rdfc),
            Some("eddsa-jcs-2022") => Ok(Canonicalization::Jcs),
            Some(other) => Err(VerifyFailure::UnsupportedCryptosuite(other.to_owned())),
            None => Err(VerifyFailure::MalformedProof("no cryptosuite".into())),
        },
        "Ed25519Signature2020" => Ok(Canonicalization::Rdfc),
        "" => Err(VerifyFailure::MalformedProof("no type".into())),
        other => Err(VerifyFailure::UnsupportedProofType(other.to_owned())),
    }
}

/// The longest `proofValue` of an Ed25519 signature: `z` and at most 88 base58 characters for 64 bytes
/// (58^88 > 2^512; a leading zero byte is one `1`).
pub const MAX_PROOF_VALUE_CHARS: usize = 89;

/// Decodes `proofValue`: multibase base58btc of 64 bytes (vc-di-eddsa §3.2.2 step 2). The length is checked
/// before decoding, which is quadratic in it.
fn decode_signature(value: &str) -> Result<Signature, VerifyFailure> {
    if value.len() > MAX_PROOF_VALUE_CHARS {
        return Err(VerifyFailure::BadProofValue(format!(
            "{} characters; an Ed25519 signature in multibase base58btc has at most {MAX_PROOF_VALUE_CHARS}",
            value.len()
        )));
    }
    let bytes =
        decode_base58btc(value).ok_or_else(|| VerifyFailure::BadProofValue("not multibase base58btc".into()))?;
    let raw: [u8; 64] =
        bytes.try_into().map_err(|b: Vec<u8>| VerifyFailure::BadProofValue(format!("{} bytes, not 64", b.len())))?;
    Ok(Signature::from_bytes(&raw))
}

/// §4.5 Verify Proof Sets and Chains, step "previousProof": the proofs a chained proof names become the
/// document's `proof` (as an array) for this proof's hash.
fn add_previous_proofs(
    input: &mut Map<String, Value>,
    options: &Map<String, Value>,
    all: &[&Value],
) -> Result<(), VerifyFailure> {
    let ids: Vec<&str> = match options.get("previousProof") {
        None => return Ok(()),
        Some(Value::String(id)) => vec![id],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(_) => return Err(VerifyFailure::MalformedProof("previousProof is not a string or list".into())),
    };
    let mut previous = Vec::new();
    for id in ids {
        let found = all.iter().find(|p| p.get("id").and_then(Value::as_str) == Some(id));
        previous.push((*found.ok_or_else(|| VerifyFailure::MissingPreviousProof(id.to_owned()))?).clone());
    }
    input.insert("proof".to_owned(), Value::Array(previous));
    Ok(())
}

/// vc-di-eddsa §3.2.2 step 3: the document's `@context` starts with all of the proof's, in order.
fn context_is_prefix(proof_context: &Value, doc_context: Option<&Value>) -> bool {
    let as_list = |v: &Value| match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let Some(doc_context) = doc_context else {
        return false;
    };
    let (prefix, whole) = (as_list(proof_context), as_list(doc_context));
    whole.len() >= prefix.len() && whole[..prefix.len()] == prefix[..]
}

/// Every credential with a proof embedded in `doc` (not `doc` itself), with its JSON pointer, outermost first:
/// CLR `credentialSubject.verifiableCredential[]`, OB endorsements, and anything else that carries a `proof`.
pub fn embedded_credentials(doc: &Value) -> Vec<(String, &Value)> {
    let mut found = Vec::new();
    collect(doc, &mut String::new(), true, &mut found);
    found
}

fn collect<'a>(value: &'a Value, path: &mut String, root: bool, found: &mut Vec<(String, &'a Value)>) {
    let len = path.len();
    match value {
        Value::Object(map) => {
            if !root && map.contains_key("proof") {
                found.push((path.clone(), value));
            }
            for (key, child) in map.iter().filter(|(k, _)| *k != "proof" && *k != "@context") {
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                collect(child, path, false, found);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push('/');
                path.push_str(&i.to_string());
                collect(child, path, false, found);
                path.truncate(len);
            }
        }
        _ => {}
    }
}
