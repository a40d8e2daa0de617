//! Ed25519 keys as Multikey multibase strings and `did:key` identifiers.
//!
//! - Public key: multibase base58btc (`z`) of multicodec `ed25519-pub` (varint `0xed 0x01`) + 32 bytes, which
//!   always starts `z6Mk` (Controlled Identifiers 1.0 §2.2.2 Multikey; did:key method, Ed25519).
//! - Secret key: multibase base58btc of multicodec `ed25519-priv` (varint `0x80 0x26`) + the 32-byte seed
//!   (`z3u2…`, as in the W3C vc-di-eddsa `keyPair.json`); the 64-byte form seed‖public (`zrv…`, as in the
//!   1EdTech vectors) is read too, after checking that its public half matches.
//! - `did:key:z6Mk…`, and the verification method `did:key:z6Mk…#z6Mk…` (same multibase twice).
//!
//! A [`SecretKey`] never prints its secret: `Debug` shows the public key only and there is no `Display`.

use std::fmt;

use ed25519_dalek::{SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use super::error::KeyError;

const ED25519_PUB: [u8; 2] = [0xed, 0x01];
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

/// An Ed25519 signing key. `Debug` redacts the secret; dropping it zeroizes it.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// The key whose 32-byte secret seed is `seed` (RFC 8032 §5.1.5).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        SecretKey(SigningKey::from_bytes(seed))
    }

    /// Reads a secret key multibase (`z3u2…` seed form, or the 64-byte seed‖public form).
    pub fn from_multibase(text: &str) -> Result<Self, KeyError> {
        let bytes = Zeroizing::new(decode_multibase(text.trim())?);
        let body =
            bytes.strip_prefix(&ED25519_PRIV).ok_or(KeyError::WrongMulticodec { expected: "ed25519-priv (0x8026)" })?;
        let seed: [u8; 32] = body
            .get(..32)
            .and_then(|s| s.try_into().ok())
            .ok_or(KeyError::WrongLength { found: body.len(), expected: "32 or 64" })?;
        let key = SecretKey::from_seed(&seed);
        match body.len() {
            32 => Ok(key),
            64 if body[32..] == key.public_key().to_bytes() => Ok(key),
            64 => Err(KeyError::KeyPairMismatch),
            found => Err(KeyError::WrongLength { found, expected: "32 or 64" }),
        }
    }

    /// The secret key multibase (`z3u2…`, 32-byte seed form). Handle with care: this is the secret itself;
    /// the returned string is zeroized when dropped.
    pub fn expose_multibase(&self) -> Zeroizing<String> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(34));
        bytes.extend_from_slice(&ED25519_PRIV);
        bytes.extend_from_slice(self.0.as_bytes());
        Zeroizing::new(format!("z{}", bs58::encode(bytes.as_slice()).into_string()))
    }

    /// The public key.
    pub fn public_key(&self) -> VerifyingKey {
        self.0.verifying_key()
    }

    /// `did:key:z6Mk…` of the public key.
    pub fn did_key(&self) -> String {
        did_key(&self.public_key())
    }

    /// `did:key:z6Mk…#z6Mk…`, the verification method of the key's did:key.
    pub fn did_key_verification_method(&self) -> String {
        did_key_verification_method(&self.public_key())
    }

    /// Ed25519 signature (RFC 8032 §5.1.6) of `message`.
    pub(crate) fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer as _;
        self.0.sign(message).to_bytes()
    }
}

impl From<SigningKey> for SecretKey {
    fn from(key: SigningKey) -> Self {
        SecretKey(key)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("public", &public_key_multibase(&self.public_key()))
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The longest base58 body a key or signature needs: 66 bytes (a 64-byte secret and its 2-byte multicodec
/// header) take at most 91 characters. Base58 decoding is quadratic in the length, so longer input is refused
/// before decoding.
pub const MAX_BASE58_CHARS: usize = 100;

/// Multibase base58btc decoding (`z…`), of at most [`MAX_BASE58_CHARS`] characters.
fn decode_multibase(text: &str) -> Result<Vec<u8>, KeyError> {
    let body = text.strip_prefix('z').ok_or(KeyError::NotBase58btc)?;
    if body.len() > MAX_BASE58_CHARS {
        return Err(KeyError::NotBase58btc);
    }
    bs58::decode(body).into_vec().map_err(|_| KeyError::NotBase58btc)
}

/// Decodes a multibase base58btc value (`z…`), e.g. a `proofValue`; `None` also when it is longer than any
/// key or signature (`MAX_BASE58_CHARS`).
pub fn decode_base58btc(text: &str) -> Option<Vec<u8>> {
    decode_multibase(text).ok()
}

/// Encodes bytes as multibase base58btc (`z…`).
pub fn encode_base58btc(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(1 + bytes.len() * 138 / 100 + 1);
    out.push('z');
    push_base58(&mut out, bytes);
    out
}

/// Appends the Bitcoin base58 form of `bytes` (draft-msporny-base58: each leading zero byte is `1`, the rest
/// is the big-endian number in base 58). Computed in limbs of 58^5, four input bytes at a time: a signature
/// per proof made `bs58`'s byte-at-a-time loop show up in profiles.
fn push_base58(out: &mut String, bytes: &[u8]) {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    const LIMB: u64 = 58 * 58 * 58 * 58 * 58;
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    let rest = &bytes[zeros..];
    // Little-endian limbs in base 58^5; a chunk of up to 4 bytes is shifted in at a time.
    let mut limbs: Vec<u64> = Vec::with_capacity(rest.len() * 138 / 500 + 2);
    let head = rest.len() % 4;
    let chunks = std::iter::once(&rest[..head]).filter(|c| !c.is_empty()).chain(rest[head..].chunks(4));
    for chunk in chunks {
        let mut carry = chunk.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
        let shift = 8 * chunk.len() as u32;
        for limb in &mut limbs {
            let x = (*limb << shift) + carry;
            *limb = x % LIMB;
            carry = x / LIMB;
        }
        while carry > 0 {
            limbs.push(carry % LIMB);
            carry /= LIMB;
        }
    }
    out.extend(std::iter::repeat_n('1', zeros));
    let mut digits = Vec::with_capacity(limbs.len() * 5);
    for &limb in &limbs {
        let mut l = limb;
        for _ in 0..5 {
            digits.push(ALPHABET[(l % 58) as usize]);
            l /= 58;
        }
    }
    while digits.last() == Some(&b'1') {
        digits.pop();
    }
    out.extend(digits.iter().rev().map(|&d| char::from(d)));
}

/// The Multikey `publicKeyMultibase` of a public key (`z6Mk…`).
pub fn public_key_multibase(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    encode_base58btc(&bytes)
}

/// Reads a Multikey / Ed25519VerificationKey2020 `publicKeyMultibase` (`z6Mk…`).
pub fn public_key_from_multibase(text: &str) -> Result<VerifyingKey, KeyError> {
    let bytes = decode_multibase(text)?;
    let body =
        bytes.strip_prefix(&ED25519_PUB).ok_or(KeyError::WrongMulticodec { expected: "ed25519-pub (0xed01)" })?;
    let raw: [u8; 32] = body.try_into().map_err(|_| KeyError::WrongLength { found: body.len(), expected: "32" })?;
    VerifyingKey::from_bytes(&raw).map_err(|_| KeyError::InvalidPublicKey)
}

/// `did:key:z6Mk…` of a public key.
pub fn did_key(key: &VerifyingKey) -> String {
    format!("did:key:{}", public_key_multibase(key))
}

/// `did:key:z6Mk…#z6Mk…`, the verification method of a did:key.
pub fn did_key_verification_method(key: &VerifyingKey) -> String {
    let multibase = public_key_multibase(key);
    format!("did:key:{multibase}#{multibase}")
}

/// The public key of `did:key:z6Mk…` or of its verification method `did:key:z6Mk…#z6Mk…` (the fragment, when
/// present, must name the same key).
pub fn public_key_from_did_key(did: &str) -> Result<VerifyingKey, KeyError> {
    let not_did_key = || KeyError::NotDidKey(did.to_owned());
    let rest = did.strip_prefix("did:key:").ok_or_else(not_did_key)?;
    let (multibase, fragment) = match rest.split_once('#') {
        Some((m, f)) => (m, Some(f)),
        None => (rest, None),
    };
    if fragment.is_some_and(|f| f != multibase) {
        return Err(not_did_key());
    }
    public_key_from_multibase(multibase)
}

/// A resolver for [`super::verify_proofs`] that knows every Ed25519 `did:key` and nothing else.
pub fn resolve_did_key(verification_method: &str) -> Option<VerifyingKey> {
    public_key_from_did_key(verification_method).ok()
}

/// Takes the key from the fragment of any verification method URL (`https://…/issuers/1#z6Mk…`), as
/// 1EdTech's validator does for its samples. This proves nothing about who controls the key: use it only
/// behind an explicit, off-by-default option and say so in the output.
pub fn key_from_fragment(verification_method: &str) -> Option<VerifyingKey> {
    let (_, fragment) = verification_method.rsplit_once('#')?;
    public_key_from_multibase(fragment).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let key = SecretKey::from_seed(&[7; 32]);
        let secret = key.expose_multibase();
        let debug = format!("{key:?}");
        assert!(!debug.contains(secret.as_str()) && !debug.contains(&secret[1..10]), "{debug}");
        assert!(debug.contains("redacted") && debug.contains("z6Mk"));
    }

    #[test]
    fn secret_multibase_round_trips_and_did_key_resolves() {
        let key = SecretKey::from_seed(&[42; 32]);
        let again = SecretKey::from_multibase(&key.expose_multibase()).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        assert!(key.expose_multibase().starts_with("z3u2"));
        let vm = key.did_key_verification_method();
        assert!(vm.starts_with("did:key:z6Mk"));
        assert_eq!(resolve_did_key(&vm), Some(key.public_key()));
        assert_eq!(resolve_did_key(&key.did_key()), Some(key.public_key()));
        let other = SecretKey::from_seed(&[1; 32]).public_key();
        let mixed = format!("{}#{}", key.did_key(), public_key_multibase(&other));
        assert!(resolve_did_key(&mixed).is_none());
    }

    #[test]
    fn rejects_wrong_headers() {
        let key = SecretKey::from_seed(&[3; 32]);
        let public = public_key_multibase(&key.public_key());
        assert!(matches!(SecretKey::from_multibase(&public), Err(KeyError::WrongMulticodec { .. })));
        assert!(matches!(public_key_from_multibase(&key.expose_multibase()), Err(KeyError::WrongMulticodec { .. })));
        assert_eq!(public_key_from_multibase("u123").unwrap_err(), KeyError::NotBase58btc);
    }

    #[test]
    fn base58_matches_the_reference_encoder() {
        let mut inputs: Vec<Vec<u8>> = vec![vec![], vec![0], vec![0, 0, 1], vec![255; 64], vec![0, 255, 0, 255]];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 1..80 {
            let bytes = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect();
            inputs.push(bytes);
        }
        for bytes in inputs {
            assert_eq!(encode_base58btc(&bytes), format!("z{}", bs58::encode(&bytes).into_string()), "{bytes:?}");
        }
    }
}
