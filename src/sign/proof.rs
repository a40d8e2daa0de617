//! The individual steps of the EdDSA cryptosuites (W3C vc-di-eddsa 1.0 §3.2 eddsa-rdfc-2022, §3.3
//! eddsa-jcs-2022, and the legacy Ed25519Signature2020 which hashes like eddsa-rdfc-2022), public so that the
//! test vectors can be reproduced step by step: canonical document, canonical proof configuration, hashes,
//! combined hash, signature, `proofValue`.

use std::cell::RefCell;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::error::{CanonError, SignError};
use super::fasthash::FastMap;
use super::jsonld::{self, is_absolute_iri, to_dataset};
use super::rdf::Dataset;
use super::rdfc;

/// How a document and a proof configuration are canonicalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Canonicalization {
    /// JSON-LD → RDF (pinned contexts, safe mode) → RDFC-1.0 canonical N-Quads.
    Rdfc,
    /// JSON Canonicalization Scheme, RFC 8785.
    Jcs,
}

/// vc-di-eddsa §3.2.3 / §3.3.3 Transformation (and §3.2.5 / §3.3.5 step "canonicalProofConfig"):
/// the canonical form of `doc`, as UTF-8 text.
///
/// For [`Canonicalization::Jcs`] the document is still checked in JSON-LD safe mode ([`rdf_safe_check`]) by
/// [`super::sign`]: a JCS signature over terms that no context defines would be a credential that is not valid
/// JSON-LD, which reference verifiers reject.
pub fn canonicalize(doc: &Value, method: Canonicalization) -> Result<String, CanonError> {
    match method {
        Canonicalization::Rdfc => rdfc::canonicalize_dataset(&to_dataset(doc)?),
        Canonicalization::Jcs => serde_json_canonicalizer::to_string(doc).map_err(|e| CanonError::Jcs(e.to_string())),
    }
}

/// JSON-LD safe-mode check only (pinned contexts, no undefined term, no relative identifier), without
/// canonicalizing.
pub fn rdf_safe_check(doc: &Value) -> Result<(), CanonError> {
    jsonld::check(doc)
}

/// vc-di-eddsa §3.2.5 / §3.3.5 Proof Configuration, steps 1–4: the proof options (the proof without
/// `proofValue`) with `@context` set to the document's `@context`.
pub fn proof_configuration(proof_options: &Map<String, Value>, document_context: Option<&Value>) -> Value {
    let mut config = proof_options.clone();
    config.remove("proofValue");
    match document_context {
        Some(context) => config.insert("@context".to_owned(), context.clone()),
        None => config.remove("@context"),
    };
    Value::Object(config)
}

/// vc-di-eddsa §3.2.4 / §3.3.4 Hashing: SHA-256 of the canonical proof configuration followed by SHA-256 of
/// the canonical document (64 bytes, the data that is signed).
pub fn hash_data(canonical_proof_config: &str, canonical_document: &str) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(canonical_proof_config.as_bytes()));
    out[32..].copy_from_slice(&Sha256::digest(canonical_document.as_bytes()));
    out
}

/// The canonical forms and the hash data of one proof over one unsecured document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// Canonical proof configuration (§3.2.5 / §3.3.5).
    pub canonical_proof_config: String,
    /// Canonical document (§3.2.3 / §3.3.3).
    pub canonical_document: String,
    /// sha256(canonical proof configuration) ‖ sha256(canonical document) (§3.2.4 / §3.3.4).
    pub hash_data: [u8; 64],
}

/// §3.2.3–§3.2.5 (or §3.3.3–§3.3.5) together: transformation, proof configuration and hashing of
/// `unsecured` (the document without `proof`) for `proof_options`.
pub fn prepare(
    unsecured: &Value,
    proof_options: &Map<String, Value>,
    method: Canonicalization,
) -> Result<Prepared, CanonError> {
    let config = proof_configuration(proof_options, unsecured.get("@context"));
    let canonical_proof_config = canonicalize(&config, method)?;
    let canonical_document = canonicalize(unsecured, method)?;
    let hash_data = hash_data(&canonical_proof_config, &canonical_document);
    Ok(Prepared { canonical_proof_config, canonical_document, hash_data })
}

/// §3.2.4 / §3.3.4 Hashing, first half: SHA-256 of the canonical proof configuration (§3.2.5 / §3.3.5) made of
/// `proof_options` and `document_context`.
///
/// Every credential a run signs with the same options (suite, `created`, verification method) and the same
/// `@context` has the same proof configuration, so the hash is memoized process-wide, keyed by the exact JSON
/// text of the configuration and the canonicalization: the canonical form is a function of that text alone.
pub fn proof_config_hash(
    proof_options: &Map<String, Value>,
    document_context: Option<&Value>,
    method: Canonicalization,
) -> Result<[u8; 32], CanonError> {
    thread_local! {
        /// The last configuration this thread hashed: consecutive proofs usually share it.
        static LAST: RefCell<Option<(Value, Canonicalization, [u8; 32])>> = const { RefCell::new(None) };
    }
    let config = proof_configuration(proof_options, document_context);
    let last =
        LAST.with_borrow(|last| last.as_ref().filter(|(c, m, _)| *m == method && same_json(c, &config)).map(|l| l.2));
    if let Some(hash) = last {
        return Ok(hash);
    }
    let hash = memoized_config_hash(&config, method)?;
    LAST.set(Some((config, method, hash)));
    Ok(hash)
}

/// The process-wide memo of [`proof_config_hash`], keyed by the configuration's exact JSON text.
fn memoized_config_hash(config: &Value, method: Canonicalization) -> Result<[u8; 32], CanonError> {
    const MAX_ENTRIES: usize = 256;
    static MEMO: OnceLock<Mutex<FastMap<String, [u8; 32]>>> = OnceLock::new();
    let mut key = format!("{method:?} ");
    key.push_str(&config.to_string());
    let memo = MEMO.get_or_init(Mutex::default);
    if let Some(hash) = memo.lock().ok().and_then(|m| m.get(&key).copied()) {
        return Ok(hash);
    }
    let hash: [u8; 32] = Sha256::digest(canonicalize(config, method)?.as_bytes()).into();
    if let Ok(mut m) = memo.lock() {
        if m.len() >= MAX_ENTRIES {
            m.clear();
        }
        m.insert(key, hash);
    }
    Ok(hash)
}

/// Equal JSON values with object members in the same order (serde_json's `==` ignores their order).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((kx, vx), (ky, vy))| kx == ky && same_json(vx, vy))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q)),
        _ => a == b,
    }
}

/// What [`prepare`] computes, without keeping the canonical forms: the 64 bytes to sign (§3.2.4 / §3.3.4), with
/// the proof configuration's hash memoized ([`proof_config_hash`]).
pub fn prepare_hash_data(
    unsecured: &Value,
    proof_options: &Map<String, Value>,
    method: Canonicalization,
) -> Result<[u8; 64], CanonError> {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&proof_config_hash(proof_options, unsecured.get("@context"), method)?);
    let document_hash: [u8; 32] = match method {
        Canonicalization::Rdfc => rdfc_document_hash(unsecured)?,
        Canonicalization::Jcs => Sha256::digest(canonicalize(unsecured, method)?.as_bytes()).into(),
    };
    out[32..].copy_from_slice(&document_hash);
    Ok(out)
}

/// vc-di-eddsa §3.2.3 Transformation and §3.2.4 Hashing of the document: SHA-256 of its RDFC-1.0 canonical
/// N-Quads. The dataset is written into a buffer kept per thread: a large credential's megabytes of N-Quads are
/// then not allocated (and page-faulted in) again for every credential.
pub fn rdfc_document_hash(unsecured: &Value) -> Result<[u8; 32], CanonError> {
    with_dataset(|data| {
        jsonld::write_dataset(unsecured, data)?;
        Ok(rdfc::hash_dataset(data, &[])?.0)
    })
}

/// vc-di-eddsa §3.2.3 / §3.3.3 Transformation and §3.2.4 / §3.3.4 Hashing of the document: SHA-256 of its
/// canonical form, the JCS form after a JSON-LD safe-mode check ([`rdf_safe_check`]).
pub fn document_hash(unsecured: &Value, method: Canonicalization) -> Result<[u8; 32], CanonError> {
    match method {
        Canonicalization::Rdfc => rdfc_document_hash(unsecured),
        Canonicalization::Jcs => {
            rdf_safe_check(unsecured)?;
            Ok(Sha256::digest(canonicalize(unsecured, method)?.as_bytes()).into())
        }
    }
}

/// Runs `f` with this thread's (emptied) dataset buffer.
pub(super) fn with_dataset<T>(f: impl FnOnce(&mut Dataset) -> T) -> T {
    const KEEP_AT_MOST: usize = 64 << 20;
    thread_local! {
        static DATASET: RefCell<Dataset> = RefCell::new(Dataset::default());
    }
    let mut data = DATASET.with_borrow_mut(std::mem::take);
    data.clear();
    let out = f(&mut data);
    if data.text.capacity() <= KEEP_AT_MOST {
        DATASET.with_borrow_mut(|slot| *slot = data);
    }
    out
}

/// VC Data Integrity 1.0 §2.1 `created`: an XML Schema 1.1 dateTimeStamp, i.e.
/// `YYYY-MM-DDThh:mm:ss[.s+](Z|±hh:mm)` (a time zone is required).
pub fn check_date_time_stamp(value: &str) -> Result<(), SignError> {
    let bad = || SignError::InvalidCreated(value.to_owned());
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && b.get(10) == Some(&b'T')
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19);
    if !shape {
        return Err(bad());
    }
    let mut rest = &value[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(bad());
        }
        rest = &fraction[n..];
    }
    let zone_ok = rest == "Z"
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && rest[1..3].bytes().chain(rest[4..6].bytes()).all(|c| c.is_ascii_digit()));
    let field = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(99);
    let in_range = (1..=12).contains(&field(5..7))
        && (1..=31).contains(&field(8..10))
        && field(11..13) <= 24
        && field(14..16) <= 59
        && field(17..19) <= 60;
    if zone_ok && in_range { Ok(()) } else { Err(bad()) }
}

/// Checks that a verification method is an absolute IRI.
pub fn check_verification_method(value: &str) -> Result<(), SignError> {
    if is_absolute_iri(value) { Ok(()) } else { Err(SignError::InvalidVerificationMethod(value.to_owned())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_stamps() {
        for ok in ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123Z", "2024-12-31T23:59:59+01:00"] {
            assert!(check_date_time_stamp(ok).is_ok(), "{ok}");
        }
        for bad in ["2024-01-02", "2024-01-02T03:04:05", "2024-13-02T03:04:05Z", "2024-01-02T03:04:05.Z", "x"] {
            assert!(check_date_time_stamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memoized_hash_data_is_the_prepared_one() {
        let doc = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:learner", "alumniOf": "Example University"}
        });
        let mut options = Map::new();
        options.insert("type".into(), "DataIntegrityProof".into());
        options.insert("created".into(), "2025-01-01T00:00:00Z".into());
        options.insert("verificationMethod".into(), "did:example:issuer#key-1".into());
        options.insert("proofPurpose".into(), "assertionMethod".into());
        for method in [Canonicalization::Rdfc, Canonicalization::Jcs] {
            let prepared = prepare(&doc, &options, method).unwrap();
            for _ in 0..2 {
                assert_eq!(prepare_hash_data(&doc, &options, method).unwrap(), prepared.hash_data);
            }
        }
    }

    #[test]
    fn hash_data_is_two_sha256() {
        let h = hash_data("a", "b");
        assert_eq!(rdfc::hex(&h[..32]), rdfc::hex_sha256(b"a"));
        assert_eq!(rdfc::hex(&h[32..]), rdfc::hex_sha256(b"b"));
    }
}
