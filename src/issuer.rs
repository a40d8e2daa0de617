//! The issuer's identity: key files, which DID and verification method sign,
//! and the did:web DID document to publish. Pure: the key's bytes and the
//! configuration come in, text and values go out.

use serde_json::{Value, json};
use thiserror::Error;

use crate::config::{Config, RetiredKey};
use crate::sign::jose::{self, JwtKey, PublicKey};
use crate::sign::{self, SecretKey, Suite};

/// What a key file holds: comment lines (`#`) and one secret key multibase line.
const KEY_FILE_HEADER: &str = "# xtranscript issuer key: Ed25519 secret key, Multikey multibase.\n# Keep this file private (mode 0600). Its public key is listed below for reference.\n";

/// Why a key or issuer setting cannot be used. Never contains the secret.
#[derive(Debug, Error)]
pub enum IssuerError {
    /// The key file has no key line, or the key does not decode.
    #[error("the key file does not hold an Ed25519 secret key multibase ({0})")]
    BadKeyFile(String),
    /// A retired key's public key does not decode.
    #[error("retired key {id:?}: {reason}")]
    BadRetiredKey {
        /// Its id.
        id: String,
        /// Why.
        reason: String,
    },
    /// A did-document needs a did:web issuer.
    #[error("institution.did is {0:?}; a DID document is published only for did:web")]
    NotDidWeb(String),
    /// A JWT key of its own needs a did:web issuer whose document lists it.
    #[error(
        "the issuer is {0:?}: a separate JWT key (--jwt-key) needs a did:web issuer (institution.did), whose DID document lists both keys; verifiers require the JWT key's controller to be the issuer"
    )]
    JwtKeyNeedsDidWeb(String),
    /// A key file holds something else than a PKCS#8 PEM or an Ed25519 Multikey.
    #[error("{0}")]
    BadJwtKeyFile(String),
}

/// The text of a key file for `key`.
pub fn key_file_text(key: &SecretKey) -> String {
    format!(
        "{KEY_FILE_HEADER}# public key: {}\n{}\n",
        sign::public_key_multibase(&key.public_key()),
        key.expose_multibase().as_str()
    )
}

/// Reads a key file's text: exactly one secret key (the same line repeated is accepted; two different ones
/// are refused, since which one signs would be a guess).
pub fn read_key_file(text: &str) -> Result<SecretKey, IssuerError> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    let line = lines.next().ok_or_else(|| IssuerError::BadKeyFile("no key line".into()))?;
    if lines.any(|other| other != line) {
        return Err(IssuerError::BadKeyFile("more than one key line; a key file holds one secret key".into()));
    }
    SecretKey::from_multibase(line).map_err(|e| IssuerError::BadKeyFile(e.to_string()))
}

/// Reads a JWT key file: a PKCS#8 PEM private key (P-256 or RSA, as `keygen --alg p256|rsa` writes it) or an
/// Ed25519 key file. Errors never show the secret.
pub fn read_jwt_key_file(text: &str) -> Result<JwtKey, IssuerError> {
    if text.contains("-----BEGIN") {
        return JwtKey::from_pkcs8_pem(text).map_err(|e| IssuerError::BadJwtKeyFile(e.to_string()));
    }
    read_key_file(text).map(JwtKey::Ed25519).map_err(|e| {
        IssuerError::BadJwtKeyFile(format!("neither a PKCS#8 PEM private key nor an Ed25519 key file ({e})"))
    })
}

/// The key that signs JWTs and the `kid` its JWS headers name.
#[derive(Debug, Clone)]
pub struct JwtSigner {
    /// The key (its algorithm is the JWS `alg`).
    pub key: JwtKey,
    /// The verification method of the key: the Data Integrity one for the issuer's own key, else
    /// `<did:web>#<RFC 7638 thumbprint>`.
    pub kid: String,
}

impl JwtSigner {
    /// JWTs signed with `key` (`None`: the signer's Ed25519 key, EdDSA, its verification method as `kid`). A key
    /// of its own is named in the issuer's did:web document by its JWK thumbprint; a did:key issuer cannot have
    /// one (its DID is its one key).
    pub fn new(signer: &Signer, key: Option<JwtKey>) -> Result<JwtSigner, IssuerError> {
        let Some(key) = key else {
            return Ok(JwtSigner { key: signer.key.clone().into(), kid: signer.verification_method.clone() });
        };
        if !signer.issuer_id.starts_with("did:web:") {
            return Err(IssuerError::JwtKeyNeedsDidWeb(signer.issuer_id.clone()));
        }
        let kid = jwt_key_id(&signer.issuer_id, &key.public_key());
        Ok(JwtSigner { key, kid })
    }
}

/// The verification method id of a JWT key in the document of `did`: its RFC 7638 thumbprint as fragment.
pub fn jwt_key_id(did: &str, key: &PublicKey) -> String {
    format!("{did}#{}", jose::thumbprint(key))
}

/// Who signs, and how.
pub struct Signer {
    /// The key.
    pub key: SecretKey,
    /// The issuer's id (credential `issuer.id`): the did:web, or the key's did:key.
    pub issuer_id: String,
    /// The proofs' verification method.
    pub verification_method: String,
    /// The cryptosuites, one proof each (two make a proof set).
    pub suites: Vec<Suite>,
}

impl Signer {
    /// The signer of `config`'s institution with `key`: its did:web and `#key_id`, or
    /// (no DID configured, or `use_did_key`) the key's own did:key.
    pub fn new(config: &Config, key: SecretKey, suites: Vec<Suite>, use_did_key: bool) -> Signer {
        let did_web = config.institution.did.as_deref().filter(|d| d.starts_with("did:web:") && !use_did_key);
        let (issuer_id, verification_method) = match did_web {
            Some(did) => (did.to_string(), format!("{did}#{}", key_id(config))),
            None => (key.did_key(), key.did_key_verification_method()),
        };
        Signer { key, issuer_id, verification_method, suites }
    }

    /// Signs `doc` with every suite (VC Data Integrity §4.2 Add Proof; a second suite makes a proof set).
    /// Credentials nested in `doc` are not signed here: see [`Signer::sign_transcript`].
    pub fn sign_credential(&self, doc: &Value, created: &str) -> Result<Value, sign::SignError> {
        self.sign_owned(doc.clone(), created)
    }

    /// [`Signer::sign_credential`] by value: the proofs are added to `doc` itself, without a copy.
    pub fn sign_owned(&self, mut doc: Value, created: &str) -> Result<Value, sign::SignError> {
        for &suite in &self.suites {
            sign::add_proof(&mut doc, &self.key, &self.verification_method, created, suite)?;
        }
        Ok(doc)
    }

    /// Signs a transcript: each credential of `nested` (with every suite), then the document `wrap` makes of
    /// the signed nested credentials (the ClrCredential around them), which it returns signed.
    ///
    /// `wrap` should embed the signed credentials it is given as they are (moving them is fine).
    pub fn sign_transcript(
        &self,
        nested: Vec<Value>,
        wrap: impl FnOnce(Vec<Value>) -> Value,
        created: &str,
    ) -> Result<Value, sign::SignError> {
        sign::sign_transcript(nested, wrap, &self.key, &self.verification_method, created, &self.suites)
    }
}

/// A `Signer` is shared by the threads of a parallel build.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Signer>();
};

/// The current key's fragment for did:web.
pub fn key_id(config: &Config) -> &str {
    config.institution.key_id.as_deref().unwrap_or("key-1")
}

/// The DID document to publish at `https://<host>/.well-known/did.json` for a did:web
/// issuer: the current key and every retired key, each an assertion method.
pub fn did_document(config: &Config, current: &SecretKey) -> Result<Value, IssuerError> {
    did_document_with_jwt_keys(config, current, &[])
}

/// [`did_document`] that also lists JWT keys of their own (`build --jwt-key`), each an assertion method named
/// by its thumbprint ([`jwt_key_id`]): P-256 and RSA as `JsonWebKey` with `publicKeyJwk` (Controlled
/// Identifiers 1.0 §2.2.3; verifiers that read only Ed25519 Multikeys still read a JWK), Ed25519 as Multikey.
pub fn did_document_with_jwt_keys(
    config: &Config,
    current: &SecretKey,
    jwt_keys: &[PublicKey],
) -> Result<Value, IssuerError> {
    let mut doc = ed25519_did_document(config, current)?;
    let mut keys = retired_jwt_keys(config)?;
    for key in jwt_keys {
        if !keys.iter().any(|k| jose::thumbprint(k) == jose::thumbprint(key)) {
            keys.push(key.clone());
        }
    }
    if keys.is_empty() {
        return Ok(doc);
    }
    let did = doc["id"].as_str().unwrap_or_default().to_string();
    for key in &keys {
        let id = jwt_key_id(&did, key);
        let method = match key {
            PublicKey::Ed25519(k) => json!({ "id": id, "type": "Multikey", "controller": did,
                "publicKeyMultibase": sign::public_key_multibase(k) }),
            other => {
                json!({ "id": id, "type": "JsonWebKey", "controller": did, "publicKeyJwk": jose::public_jwk(other) })
            }
        };
        if let Some(Value::Array(methods)) = doc.get_mut("verificationMethod") {
            methods.push(method);
        }
        if let Some(Value::Array(ids)) = doc.get_mut("assertionMethod") {
            ids.push(Value::String(id));
        }
    }
    if let Some(Value::Array(contexts)) = doc.get_mut("@context") {
        contexts.push("https://w3id.org/security/jwk/v1".into());
    }
    Ok(doc)
}

fn ed25519_did_document(config: &Config, current: &SecretKey) -> Result<Value, IssuerError> {
    let did = config.institution.did.clone().unwrap_or_default();
    if !did.starts_with("did:web:") {
        return Err(IssuerError::NotDidWeb(did));
    }
    let mut keys = vec![(key_id(config).to_string(), sign::public_key_multibase(&current.public_key()))];
    for retired in &config.institution.retired_keys {
        if let (None, Some(public)) = (retired_key(retired)?, &retired.public_key) {
            keys.push((retired.id.clone(), public.clone()));
        }
    }
    let methods: Vec<Value> = keys
        .iter()
        .map(|(id, public)| json!({ "id": format!("{did}#{id}"), "type": "Multikey", "controller": did, "publicKeyMultibase": public }))
        .collect();
    let ids: Vec<Value> = keys.iter().map(|(id, _)| Value::String(format!("{did}#{id}"))).collect();
    Ok(json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    }))
}

/// The retired JWT keys of `config` (`retired_keys` with `public_key_jwk`).
fn retired_jwt_keys(config: &Config) -> Result<Vec<PublicKey>, IssuerError> {
    let mut keys = Vec::new();
    for retired in &config.institution.retired_keys {
        keys.extend(retired_key(retired)?);
    }
    Ok(keys)
}

/// Checks a `retired_keys` entry: an Ed25519 Multikey that decodes (`Ok(None)`), or a usable JWK whose RFC 7638
/// thumbprint is its `id`, as the `kid` of the JWTs it signed names it (`Ok(Some(key))`).
fn retired_key(retired: &RetiredKey) -> Result<Option<PublicKey>, IssuerError> {
    let bad = |reason: String| IssuerError::BadRetiredKey { id: retired.id.clone(), reason };
    match (&retired.public_key, &retired.public_key_jwk) {
        (Some(public), None) => sign::public_key_from_multibase(public).map(|_| None).map_err(|e| bad(e.to_string())),
        (None, Some(jwk)) => {
            let key = jose::key_from_jwk(jwk).map_err(|e| bad(e.to_string()))?;
            let thumbprint = jose::thumbprint(&key);
            if thumbprint != retired.id {
                return Err(bad(format!("a JWT key's id is its JWK thumbprint, {thumbprint}")));
            }
            Ok(Some(key))
        }
        _ => Err(bad("give public_key (an Ed25519 key) or public_key_jwk (a JWT key), one of them".into())),
    }
}

/// What `did-document` and `publish` would refuse in `retired_keys`: each entry's problem, with its id.
pub fn retired_key_problems(config: &Config) -> Vec<(String, IssuerError)> {
    let retired = &config.institution.retired_keys;
    retired.iter().filter_map(|r| retired_key(r).err().map(|e| (r.id.clone(), e))).collect()
}

/// The keys a DID document lists, by verification method id (for verifying did:web proofs).
pub fn keys_of_did_document(doc: &Value) -> Vec<(String, sign::VerifyingKey)> {
    let controller = doc.get("id").and_then(Value::as_str).unwrap_or_default();
    let methods = doc.get("verificationMethod").and_then(Value::as_array).cloned().unwrap_or_default();
    methods
        .iter()
        .filter_map(|m| {
            let id = m.get("id")?.as_str()?;
            let id = if id.starts_with('#') { format!("{controller}{id}") } else { id.to_string() };
            let key = sign::public_key_from_multibase(m.get("publicKeyMultibase")?.as_str()?).ok()?;
            Some((id, key))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_and_never_debug_the_secret() {
        let key = SecretKey::from_seed(&[7; 32]);
        let text = key_file_text(&key);
        let read = read_key_file(&text).unwrap();
        assert_eq!(read.did_key(), key.did_key());
        assert!(!format!("{read:?}").contains(key.expose_multibase().as_str()));
        let err = read_key_file("# nothing\n").unwrap_err().to_string();
        assert!(err.contains("no key line"));
        let err = read_key_file("zNotAKey\n").unwrap_err().to_string();
        assert!(!err.contains("zNotAKey"), "the bad secret must not be echoed: {err}");
    }

    #[test]
    fn a_key_file_with_two_different_secrets_is_refused() {
        let (one, two) = (SecretKey::from_seed(&[1; 32]), SecretKey::from_seed(&[2; 32]));
        let both = format!("{}{}\n", key_file_text(&one), two.expose_multibase().as_str());
        let err = read_key_file(&both).unwrap_err().to_string();
        assert!(err.contains("more than one key line"), "{err}");
        assert!(!err.contains(one.expose_multibase().as_str()) && !err.contains(two.expose_multibase().as_str()));
        let twice = format!("{}{}\n", key_file_text(&one), one.expose_multibase().as_str());
        assert_eq!(read_key_file(&twice).unwrap().did_key(), one.did_key());
    }

    /// The bench's 40-course CLR with its nested credentials taken out, and the signer for it.
    fn clr_fixture(suites: Vec<Suite>) -> (Signer, Value, Vec<Value>) {
        let key = SecretKey::from_seed(&[11; 32]);
        let text = include_str!("../benches/fixtures/clr2-clr-credential.json").replace("{{ISSUER}}", &key.did_key());
        let mut clr: Value = serde_json::from_str(&text).unwrap();
        let nested = clr["credentialSubject"]["verifiableCredential"].take();
        let nested = nested.as_array().unwrap().clone();
        let signer =
            Signer { issuer_id: key.did_key(), verification_method: key.did_key_verification_method(), key, suites };
        (signer, clr, nested)
    }

    #[test]
    fn sign_transcript_signs_the_nested_credentials_then_the_outer_one() {
        for suites in
            [vec![Suite::EddsaRdfc2022], vec![Suite::EddsaJcs2022], vec![Suite::EddsaRdfc2022, Suite::EddsaJcs2022]]
        {
            let (signer, clr, nested) = clr_fixture(suites);
            let created = "2025-06-15T00:00:00Z";
            let wrap = |clr: &Value, signed: Vec<Value>| {
                let mut clr = clr.clone();
                clr["credentialSubject"]["verifiableCredential"] = Value::Array(signed);
                clr
            };
            let one_by_one: Vec<Value> = nested.iter().map(|c| signer.sign_credential(c, created).unwrap()).collect();
            let expected = signer.sign_credential(&wrap(&clr, one_by_one), created).unwrap();
            let signed = signer.sign_transcript(nested, |signed| wrap(&clr, signed), created).unwrap();
            assert_eq!(signed, expected);
            let checks = sign::verify_proofs(&signed, &sign::resolve_did_key);
            assert_eq!(checks.len(), signer.suites.len());
            assert!(checks.iter().all(|c| c.result.is_ok()), "{checks:?}");
        }
    }
}
