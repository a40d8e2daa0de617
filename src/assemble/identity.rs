//! The learner's identifiers in credentials: OB 3.0 IdentityObjects. Identifiers
//! are salted and hashed (`sha256$` + hex(SHA-256(value ‖ salt)), OB 3.0 §B.1.8
//! IdentityObject), with a salt per learner derived from a secret, so the same
//! learner gets the same salt in every build and no two learners share one.

use sha2::{Digest, Sha256};

use super::vocab::IdentityObject;

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The salt of one learner: 16 bytes of SHA-256(domain ‖ secret ‖ learner id), hex.
pub fn salt(secret: &[u8], learner_id: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"xtranscript identity salt\0");
    h.update(secret);
    h.update(b"\0");
    h.update(learner_id.as_bytes());
    hex(&h.finalize()[..16])
}

/// A hashed IdentityObject.
pub fn hashed(identity_type: &'static str, value: &str, salt: &str) -> IdentityObject {
    let digest = Sha256::new().chain_update(value.as_bytes()).chain_update(salt.as_bytes()).finalize();
    IdentityObject {
        kind: "IdentityObject",
        identity_hash: format!("sha256${}", hex(&digest)),
        identity_type,
        hashed: true,
        salt: Some(salt.to_string()),
    }
}

/// A plaintext IdentityObject (the learner's name, which a transcript must show).
pub fn plain(identity_type: &'static str, value: &str) -> IdentityObject {
    IdentityObject {
        kind: "IdentityObject",
        identity_hash: value.to_string(),
        identity_type,
        hashed: false,
        salt: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_of_value_then_salt() {
        // sha256("abc") is the FIPS 180-2 test vector; value "a" + salt "bc" must give it.
        let id = hashed("emailAddress", "a", "bc");
        assert_eq!(id.identity_hash, "sha256$ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(id.hashed);
    }

    #[test]
    fn salts_differ_per_learner_and_secret() {
        assert_eq!(salt(b"s", "N1"), salt(b"s", "N1"));
        assert_ne!(salt(b"s", "N1"), salt(b"s", "N2"));
        assert_ne!(salt(b"s", "N1"), salt(b"t", "N1"));
        assert_eq!(salt(b"s", "N1").len(), 32);
    }
}
