//! Keys that sign JWTs: Ed25519 (EdDSA, the issuer's Data Integrity key), P-256 (ES256) and RSA (RS256).
//!
//! - P-256 and RSA keys are read and written as PKCS#8 PEM (RFC 5958, RFC 7468 `PRIVATE KEY`), as OpenSSL
//!   and most key stores hold them; Ed25519 keys keep their Multikey form ([`SecretKey`]).
//! - The public key as a JWK (RFC 7517; RFC 7518 §6.2 EC, §6.3 RSA; RFC 8037 §2 OKP), and its RFC 7638
//!   thumbprint, which names the key in a did:web document (`did:web:…#<thumbprint>`).
//! - `did:key` for P-256: multibase base58btc of multicodec `p256-pub` (varint `0x80 0x24`) + the 33-byte
//!   compressed point (`zDn…`), per the did:key method.
//!
//! `Debug` never shows a secret.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{Alg, JoseError, PublicKey, RSA_BITS};
use crate::sign::{SecretKey, decode_base58btc, encode_base58btc};

/// Multicodec `p256-pub` (0x1200) as an unsigned varint.
const P256_PUB: [u8; 2] = [0x80, 0x24];
/// RSA modulus sizes `keygen` makes (RFC 7518 §3.3: 2048 at least).
pub const RSA_KEYGEN_BITS: [usize; 2] = [2048, 3072];

/// A key that signs JWTs.
#[derive(Clone)]
pub enum JwtKey {
    /// Ed25519: EdDSA (RFC 8037).
    Ed25519(SecretKey),
    /// P-256: ES256 (RFC 7518 §3.4).
    P256(p256::ecdsa::SigningKey),
    /// RSA: RS256, RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    Rsa(Box<rsa::PrivateKey>),
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKey").field("alg", &self.alg().name()).field("secret", &"<redacted>").finish()
    }
}

impl From<SecretKey> for JwtKey {
    fn from(key: SecretKey) -> Self {
        JwtKey::Ed25519(key)
    }
}

impl JwtKey {
    /// The algorithm the key signs with.
    pub fn alg(&self) -> Alg {
        match self {
            JwtKey::Ed25519(_) => Alg::EdDsa,
            JwtKey::P256(_) => Alg::Es256,
            JwtKey::Rsa(_) => Alg::Rs256,
        }
    }

    /// Reads a PKCS#8 PEM private key: P-256 or RSA (modulus 2048–8192 bits). The error never shows the key.
    pub fn from_pkcs8_pem(text: &str) -> Result<JwtKey, JoseError> {
        if let Ok(key) = p256::ecdsa::SigningKey::from_pkcs8_pem(text) {
            return Ok(JwtKey::P256(key));
        }
        match rsa::PrivateKey::from_pkcs8_pem(text) {
            Ok(key) => {
                let bits = key.n().bit_width() as usize;
                if !(RSA_BITS.0..=RSA_BITS.1).contains(&bits) {
                    return Err(JoseError::BadKey(format!(
                        "an RSA key of {bits} bits (accepted: {}–{})",
                        RSA_BITS.0, RSA_BITS.1
                    )));
                }
                Ok(JwtKey::Rsa(Box::new(key)))
            }
            Err(_) => Err(JoseError::BadKey("not a PKCS#8 PEM P-256 or RSA private key".into())),
        }
    }

    /// The PKCS#8 PEM of a P-256 or RSA key (`None` for Ed25519, kept as Multikey). Zeroized on drop.
    pub fn to_pkcs8_pem(&self) -> Option<Zeroizing<String>> {
        match self {
            JwtKey::Ed25519(_) => None,
            JwtKey::P256(key) => key.to_pkcs8_pem(LineEnding::LF).ok(),
            JwtKey::Rsa(key) => key.to_pkcs8_pem(LineEnding::LF).ok(),
        }
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        match self {
            JwtKey::Ed25519(key) => PublicKey::Ed25519(key.public_key()),
            JwtKey::P256(key) => PublicKey::P256(*key.verifying_key()),
            JwtKey::Rsa(key) => PublicKey::Rsa(key.to_public_key()),
        }
    }

    /// The signature of `input` (the JWS Signing Input) for [`JwtKey::alg`]: Ed25519 64 bytes; ES256 R‖S, 32
    /// bytes each (RFC 7518 §3.4, RFC 6979 deterministic nonces); RS256 as long as the modulus.
    pub fn sign(&self, input: &[u8]) -> Vec<u8> {
        use p256::ecdsa::signature::{SignatureEncoding, Signer};
        match self {
            JwtKey::Ed25519(key) => key.sign_bytes(input).to_vec(),
            JwtKey::P256(key) => {
                let signature: p256::ecdsa::Signature = key.sign(input);
                signature.to_bytes().to_vec()
            }
            JwtKey::Rsa(key) => {
                let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new((**key).clone());
                signer.sign(input).to_vec()
            }
        }
    }

    /// The public JWK (no private member).
    pub fn public_jwk(&self) -> Value {
        public_jwk(&self.public_key())
    }

    /// `did:key` of the key (Ed25519 `z6Mk…`, P-256 `zDn…`); `None` for RSA (not offered here).
    pub fn did_key(&self) -> Option<String> {
        match self {
            JwtKey::Ed25519(key) => Some(key.did_key()),
            JwtKey::P256(key) => Some(format!("did:key:{}", p256_multibase(key.verifying_key()))),
            JwtKey::Rsa(_) => None,
        }
    }
}

/// The public JWK of a key (RFC 7517): OKP/Ed25519, EC/P-256, P-384, P-521 or RSA; members in RFC 7638 order.
pub fn public_jwk(key: &PublicKey) -> Value {
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    match key {
        PublicKey::Ed25519(key) => super::ed25519_jwk(key),
        PublicKey::P256(key) => {
            let point = key.to_sec1_point(false);
            let bytes = point.as_bytes();
            json!({"crv": "P-256", "kty": "EC", "x": b64(&bytes[1..33]), "y": b64(&bytes[33..65])})
        }
        PublicKey::P384(key) => {
            let point = key.to_sec1_point(false);
            let bytes = point.as_bytes();
            json!({"crv": "P-384", "kty": "EC", "x": b64(&bytes[1..49]), "y": b64(&bytes[49..97])})
        }
        PublicKey::P521(key) => {
            let point = key.to_sec1_point(false);
            let bytes = point.as_bytes();
            json!({"crv": "P-521", "kty": "EC", "x": b64(&bytes[1..67]), "y": b64(&bytes[67..133])})
        }
        PublicKey::Rsa(key) => {
            let unsigned = |n: &rsa::BoxedUint| {
                let bytes = n.to_be_bytes();
                let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len().saturating_sub(1));
                b64(&bytes[start..])
            };
            json!({"e": unsigned(key.e()), "kty": "RSA", "n": unsigned(key.n().as_ref())})
        }
    }
}

/// The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key: the SHA-256 of its required members, in
/// lexicographic order, without whitespace (§3.2).
pub fn thumbprint(key: &PublicKey) -> String {
    let jwk = public_jwk(key);
    let required: &[&str] = match key {
        PublicKey::Ed25519(_) => &["crv", "kty", "x"],
        PublicKey::P256(_) | PublicKey::P384(_) | PublicKey::P521(_) => &["crv", "kty", "x", "y"],
        PublicKey::Rsa(_) => &["e", "kty", "n"],
    };
    let members: Vec<String> = required
        .iter()
        .map(|m| format!("\"{m}\":\"{}\"", jwk.get(*m).and_then(Value::as_str).unwrap_or_default()))
        .collect();
    URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{{{}}}", members.join(","))))
}

/// The Multikey multibase of a P-256 public key (`zDn…`: `p256-pub` + compressed point).
pub fn p256_multibase(key: &p256::ecdsa::VerifyingKey) -> String {
    let mut bytes = P256_PUB.to_vec();
    bytes.extend_from_slice(key.to_sec1_point(true).as_bytes());
    encode_base58btc(&bytes)
}

/// The P-256 public key of a Multikey multibase `zDn…`.
pub fn p256_from_multibase(text: &str) -> Option<p256::ecdsa::VerifyingKey> {
    let bytes = decode_base58btc(text)?;
    let point = bytes.strip_prefix(&P256_PUB)?;
    (point.len() == 33).then(|| p256::ecdsa::VerifyingKey::from_sec1_bytes(point).ok()).flatten()
}

/// The key of a `did:key` DID or DID URL (Ed25519 `z6Mk…` or P-256 `zDn…`; a fragment must name the same key).
pub fn key_from_did_key(did: &str) -> Option<PublicKey> {
    let rest = did.strip_prefix("did:key:")?;
    let (multibase, fragment) = rest.split_once('#').map_or((rest, None), |(m, f)| (m, Some(f)));
    if fragment.is_some_and(|f| f != multibase) {
        return None;
    }
    if let Some(key) = p256_from_multibase(multibase) {
        return Some(PublicKey::P256(key));
    }
    crate::sign::public_key_from_did_key(did).ok().map(PublicKey::Ed25519)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p256_keys_round_trip_as_pem_did_key_and_jwk() {
        let key = JwtKey::P256(p256::ecdsa::SigningKey::from_slice(&[9; 32]).unwrap());
        let pem = key.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let again = JwtKey::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(again.public_jwk(), key.public_jwk());
        let did = key.did_key().unwrap();
        assert!(did.starts_with("did:key:zDn"), "{did}");
        let multibase = did.trim_start_matches("did:key:");
        assert!(matches!(key_from_did_key(&format!("{did}#{multibase}")), Some(PublicKey::P256(_))));
        assert!(key_from_did_key(&format!("{did}#z6Mkother")).is_none());
        assert!(!format!("{key:?}").contains(&pem[30..60]));
        let signed = super::super::sign_compact(&serde_json::Map::new(), b"{}", &key);
        let jws = super::super::parse(&signed).unwrap();
        assert_eq!(jws.verify(&key_from_jwk_value(&key.public_jwk())), Ok(Alg::Es256));
    }

    fn key_from_jwk_value(jwk: &Value) -> PublicKey {
        super::super::key_from_jwk(jwk).unwrap()
    }

    #[test]
    fn bad_pem_is_refused_without_echoing_it() {
        let e = JwtKey::from_pkcs8_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").unwrap_err();
        assert!(e.to_string().contains("not a PKCS#8 PEM") && !e.to_string().contains("AAAA"));
    }

    /// RFC 7638 §3.1: the example RSA key (RFC 7517 Appendix A.1) and its published thumbprint; `alg` and
    /// `kid` do not count.
    #[test]
    fn rfc7638_thumbprint_example() {
        let jwk = json!({"kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"});
        let key = key_from_jwk_value(&jwk);
        assert_eq!(thumbprint(&key), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }
}
