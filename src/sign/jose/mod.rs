//! JSON Web Signatures (RFC 7515) in compact serialization, for JWT-secured credentials: OB 3.0 §8.2 "JSON Web
//! Token Proof Format" (VC-JWT, a `vc` claim), W3C VC-JOSE-COSE §3.1.1 (`typ: vc+jwt`, the credential as the
//! payload). Signatures: EdDSA (Ed25519, RFC 8037), ES256 and RS256 (RFC 7518 §3.4, §3.3), all through
//! RustCrypto crates; ES384 and ES512 are verified too (never signed with).
//!
//! Input is hostile: the header is checked before any key is used. `alg: none`, HMAC algorithms (which would
//! treat a public key as a shared secret: algorithm confusion), a `crit` header (no extension is understood
//! here), and a `jwk` header holding a private part are refused, each with its reason.

mod claims;
mod keys;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use thiserror::Error;

use crate::ingest::json::{self, Limits};

pub use claims::{Secured, credential_of};
pub use keys::{
    JwtKey, RSA_KEYGEN_BITS, key_from_did_key, p256_from_multibase, p256_multibase, public_jwk, thumbprint,
};

/// Largest compact JWS read (a CLR with a few hundred credentials is a few MB).
pub const MAX_JWS_BYTES: usize = 16 << 20;
/// Smallest and largest RSA modulus accepted, in bits (RFC 7518 §3.3: at least 2048).
const RSA_BITS: (usize, usize) = (2048, 8192);

/// Why a JWS is refused or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JoseError {
    /// Not three base64url parts, or a part that is not a JSON object.
    #[error("not a compact JWS: {0}")]
    Malformed(String),
    /// A header this verifier refuses (the message says why).
    #[error("refused JWS header: {0}")]
    Refused(String),
    /// An algorithm this verifier does not implement.
    #[error("unsupported JWS alg {0:?} (supported: EdDSA, ES256, ES384, ES512, RS256)")]
    UnsupportedAlg(String),
    /// A JWK this verifier cannot use (the message says why).
    #[error("unusable JWK: {0}")]
    BadKey(String),
    /// The key's type does not fit the algorithm.
    #[error("the key is not a key for {0}")]
    KeyMismatch(&'static str),
    /// The signature does not match the header, payload and key.
    #[error("JWS signature does not match (header or payload changed, or wrong key)")]
    SignatureMismatch,
}

/// The signature algorithms supported (RFC 7518 §3.1 names; EdDSA per RFC 8037 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// Ed25519.
    EdDsa,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// ECDSA on P-384 with SHA-384 (verified, never signed with).
    Es384,
    /// ECDSA on P-521 with SHA-512 (verified, never signed with).
    Es512,
}

impl Alg {
    /// The `alg` header value.
    pub fn name(self) -> &'static str {
        match self {
            Alg::EdDsa => "EdDSA",
            Alg::Es256 => "ES256",
            Alg::Rs256 => "RS256",
            Alg::Es384 => "ES384",
            Alg::Es512 => "ES512",
        }
    }
}

/// A public key that verifies JWS signatures.
#[derive(Debug, Clone)]
pub enum PublicKey {
    /// Ed25519 (EdDSA).
    Ed25519(ed25519_dalek::VerifyingKey),
    /// P-256 (ES256).
    P256(p256::ecdsa::VerifyingKey),
    /// RSA (RS256).
    Rsa(rsa::PublicKey),
    /// P-384 (ES384).
    P384(p384::ecdsa::VerifyingKey),
    /// P-521 (ES512).
    P521(p521::ecdsa::VerifyingKey),
}

/// A parsed compact JWS (not yet verified).
#[derive(Debug, Clone)]
pub struct Jws {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload (a JSON object).
    pub payload: Map<String, Value>,
    /// The JWS Signing Input: `BASE64URL(header) . BASE64URL(payload)` (RFC 7515 §5.2 step 8).
    signing_input: String,
    signature: Vec<u8>,
}

/// Whether `text` looks like a compact JWS (three base64url parts), so a verifier can tell it from JSON.
pub fn is_compact_jws(text: &str) -> bool {
    let parts: Vec<&str> = text.trim().split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        && !parts[0].is_empty()
}

fn b64(part: &str, what: &str) -> Result<Vec<u8>, JoseError> {
    URL_SAFE_NO_PAD.decode(part).map_err(|e| JoseError::Malformed(format!("{what} is not base64url: {e}")))
}

fn object(bytes: &[u8], what: &str) -> Result<Map<String, Value>, JoseError> {
    let limits = Limits { max_depth: Limits::MAX_DEPTH, max_values: (bytes.len() / 8).max(4096) };
    match json::parse_slice_with(bytes, limits) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(JoseError::Malformed(format!("the {what} is not a JSON object"))),
        Err(e) => Err(JoseError::Malformed(format!("the {what} is not strict JSON: {e}"))),
    }
}

/// Parses a compact JWS (RFC 7515 §5.2 steps 1–7): three base64url parts, header and payload strict JSON
/// objects. An SD-JWT (`~`-separated disclosures) is not a compact JWS.
pub fn parse(text: &str) -> Result<Jws, JoseError> {
    let text = text.trim();
    if text.len() > MAX_JWS_BYTES {
        return Err(JoseError::Malformed(format!("{} bytes, over the {MAX_JWS_BYTES} allowed", text.len())));
    }
    let parts: Vec<&str> = text.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(JoseError::Malformed(format!("{} dot-separated parts, not 3", parts.len())));
    };
    Ok(Jws {
        header: object(&b64(header, "the header")?, "header")?,
        payload: object(&b64(payload, "the payload")?, "payload")?,
        signing_input: format!("{header}.{payload}"),
        signature: b64(signature, "the signature")?,
    })
}

impl Jws {
    /// RFC 7515 §5.2 step 5 and RFC 8725 §3.1–3.2: the header's `alg` (refusing `none` and HMAC), and no
    /// `crit` (none of its extensions is understood, so §4.1.11 requires rejecting it).
    pub fn alg(&self) -> Result<Alg, JoseError> {
        if let Some(crit) = self.header.get("crit") {
            return Err(JoseError::Refused(format!(
                "crit {crit} names header parameters this verifier does not understand (RFC 7515 §4.1.11)"
            )));
        }
        match self.header.get("alg").and_then(Value::as_str) {
            None => Err(JoseError::Refused("no alg".into())),
            Some("none") => Err(JoseError::Refused("alg \"none\": an unsecured JWS proves nothing".into())),
            Some(hmac @ ("HS256" | "HS384" | "HS512")) => Err(JoseError::Refused(format!(
                "alg {hmac:?} is a shared-secret MAC; taking a public key as its secret is the algorithm-confusion attack"
            ))),
            Some("EdDSA" | "Ed25519") => Ok(Alg::EdDsa),
            Some("ES256") => Ok(Alg::Es256),
            Some("RS256") => Ok(Alg::Rs256),
            Some("ES384") => Ok(Alg::Es384),
            Some("ES512") => Ok(Alg::Es512),
            Some(other) => Err(JoseError::UnsupportedAlg(other.into())),
        }
    }

    /// The header's `kid`, if a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// The key of the header's `jwk`, if it has one (refused when it holds a private part).
    pub fn header_jwk(&self) -> Option<Result<PublicKey, JoseError>> {
        self.header.get("jwk").map(key_from_jwk)
    }

    /// RFC 7515 §5.2 step 8: the signature over the signing input with `key`, for the header's `alg`.
    pub fn verify(&self, key: &PublicKey) -> Result<Alg, JoseError> {
        let alg = self.alg()?;
        verify_signature(alg, key, self.signing_input.as_bytes(), &self.signature)?;
        Ok(alg)
    }
}

/// Verifies `signature` over `input` with `key` for `alg`.
pub fn verify_signature(alg: Alg, key: &PublicKey, input: &[u8], signature: &[u8]) -> Result<(), JoseError> {
    use p256::ecdsa::signature::Verifier;
    let bad = |_| JoseError::SignatureMismatch;
    match (alg, key) {
        (Alg::EdDsa, PublicKey::Ed25519(k)) => {
            let raw: [u8; 64] = signature.try_into().map_err(|_| JoseError::SignatureMismatch)?;
            k.verify_strict(input, &ed25519_dalek::Signature::from_bytes(&raw)).map_err(bad)
        }
        (Alg::Es256, PublicKey::P256(k)) => {
            // RFC 7518 §3.4: R || S, 32 bytes each (not DER).
            let sig = p256::ecdsa::Signature::from_slice(signature).map_err(bad)?;
            k.verify(input, &sig).map_err(bad)
        }
        (Alg::Rs256, PublicKey::Rsa(k)) => {
            let sig = rsa::pkcs1v15::Signature::try_from(signature).map_err(bad)?;
            rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(k.clone()).verify(input, &sig).map_err(bad)
        }
        // RFC 7518 §3.4: R || S, 48 and 66 bytes each.
        (Alg::Es384, PublicKey::P384(k)) => {
            let sig = p384::ecdsa::Signature::from_slice(signature).map_err(bad)?;
            k.verify(input, &sig).map_err(bad)
        }
        (Alg::Es512, PublicKey::P521(k)) => {
            let sig = p521::ecdsa::Signature::from_slice(signature).map_err(bad)?;
            k.verify(input, &sig).map_err(bad)
        }
        (alg, _) => Err(JoseError::KeyMismatch(alg.name())),
    }
}

/// Members of a JWK that hold private key material (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The public key of a JWK (RFC 7517): OKP/Ed25519, EC/P-256 or RSA. A JWK with a private member is refused:
/// whoever published it has leaked the key.
pub fn key_from_jwk(jwk: &Value) -> Result<PublicKey, JoseError> {
    let Value::Object(jwk) = jwk else { return Err(JoseError::BadKey("not a JSON object".into())) };
    if let Some(private) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)) {
        return Err(JoseError::Refused(format!("the jwk holds the private member {private:?}: the key has leaked")));
    }
    let member = |k: &str| -> Result<Vec<u8>, JoseError> {
        let text = jwk.get(k).and_then(Value::as_str).ok_or_else(|| JoseError::BadKey(format!("no {k}")))?;
        if text.len() > RSA_BITS.1 / 4 {
            return Err(JoseError::BadKey(format!("{k} is too long")));
        }
        b64(text, k)
    };
    let field = |k: &str| jwk.get(k).and_then(Value::as_str).unwrap_or_default();
    match (field("kty"), field("crv")) {
        ("OKP", "Ed25519") => {
            let raw: [u8; 32] = member("x")?.try_into().map_err(|_| JoseError::BadKey("x is not 32 bytes".into()))?;
            ed25519_dalek::VerifyingKey::from_bytes(&raw)
                .map(PublicKey::Ed25519)
                .map_err(|_| JoseError::BadKey("x is not an Ed25519 point".into()))
        }
        ("EC", crv @ ("P-256" | "P-384" | "P-521")) => {
            // RFC 7518 §6.2.1.2–3: x and y, each the full length of a coordinate of the curve.
            let size = match crv {
                "P-256" => 32,
                "P-384" => 48,
                _ => 66,
            };
            let (x, y) = (member("x")?, member("y")?);
            if x.len() != size || y.len() != size {
                return Err(JoseError::BadKey(format!("x and y are not {size} bytes each")));
            }
            let point = [&[4u8][..], &x, &y].concat();
            let not_a_point = |_| JoseError::BadKey(format!("not a {crv} point"));
            match crv {
                "P-256" => p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).map(PublicKey::P256).map_err(not_a_point),
                "P-384" => p384::ecdsa::VerifyingKey::from_sec1_bytes(&point).map(PublicKey::P384).map_err(not_a_point),
                _ => p521::ecdsa::VerifyingKey::from_sec1_bytes(&point).map(PublicKey::P521).map_err(not_a_point),
            }
        }
        ("RSA", _) => {
            let (n, e) = (member("n")?, member("e")?);
            let bits = n.iter().position(|&b| b != 0).map_or(0, |i| (n.len() - i) * 8);
            if bits < RSA_BITS.0 || bits > RSA_BITS.1 || e.len() > 8 {
                return Err(JoseError::BadKey(format!(
                    "an RSA modulus of {bits} bits (accepted: {}–{})",
                    RSA_BITS.0, RSA_BITS.1
                )));
            }
            let n = rsa::BoxedUint::from_be_slice_vartime(&n);
            let e = rsa::BoxedUint::from_be_slice_vartime(&e);
            rsa::PublicKey::new(n, e).map(PublicKey::Rsa).map_err(|e| JoseError::BadKey(format!("RSA: {e}")))
        }
        (kty, crv) => Err(JoseError::BadKey(format!(
            "kty {kty:?} crv {crv:?} (supported: OKP Ed25519, EC P-256, P-384 and P-521, RSA)"
        ))),
    }
}

/// The public JWK of an Ed25519 key (RFC 8037 §2).
pub fn ed25519_jwk(key: &ed25519_dalek::VerifyingKey) -> Value {
    json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(key.as_bytes())})
}

/// Signs `payload` as a compact JWS with `header` (to which the key's `alg` is added) and `key` (RFC 7515
/// §5.1 steps 1–8, compact serialization §7.1). Deterministic for every algorithm: Ed25519 and RSASSA-PKCS1-v1_5
/// signatures are, and ES256 takes its nonces from RFC 6979.
pub fn sign_compact(header: &Map<String, Value>, payload: &[u8], key: &JwtKey) -> String {
    let mut header = header.clone();
    header.insert("alg".into(), key.alg().name().into());
    let header = serde_json::to_vec(&Value::Object(header)).unwrap_or_default();
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
    let signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// [`sign_compact`] with an Ed25519 key (EdDSA, RFC 8037 §3.1).
pub fn sign_eddsa(header: &Map<String, Value>, payload: &[u8], key: &super::SecretKey) -> String {
    sign_compact(header, payload, &JwtKey::Ed25519(key.clone()))
}

/// A credential secured as a W3C VC-JOSE-COSE `vc+jwt` (§3.1.1) that also carries the JWT claims OB 3.0 §8.2
/// asks for: `iss` (the issuer id), `jti` (the credential id), `nbf` (`validFrom`), and `sub` when the subject
/// has an id (xtranscript's learners have none: they are identified by a salted hash in `identifier`, so no
/// student number reaches the token). With `keep_proof` the credential's Data Integrity proof stays in the
/// payload (OB 3.0 §8.2: the embedded proof first, then the JWT); else it is taken out. Signed with `key`'s
/// algorithm (EdDSA, ES256 or RS256), `kid` the verification method.
pub fn vc_jwt(credential: &Value, keep_proof: bool, key: &JwtKey, kid: &str) -> String {
    let mut payload = credential.as_object().cloned().unwrap_or_default();
    if !keep_proof {
        payload.remove("proof");
    }
    let issuer = match credential.get("issuer") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => other.get("id").and_then(Value::as_str).map(str::to_owned),
        None => None,
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let claims = [
        ("iss", issuer.map(Value::from)),
        ("jti", text(credential.get("id")).map(Value::from)),
        ("sub", text(credential.pointer("/credentialSubject/id")).map(Value::from)),
        (
            "nbf",
            text(credential.get("validFrom")).and_then(|t| crate::model::Timestamp::parse(&t)).map(|t| t.unix().into()),
        ),
    ];
    for (name, value) in claims {
        if let Some(value) = value {
            payload.insert(name.into(), value);
        }
    }
    let mut header = Map::new();
    header.insert("kid".into(), kid.into());
    header.insert("typ".into(), "vc+jwt".into());
    header.insert("cty".into(), "vc".into());
    sign_compact(&header, &serde_json::to_vec(&Value::Object(payload)).unwrap_or_default(), key)
}

#[cfg(test)]
mod tests;
