//! Identifiers and URIs the readers make up when the input has none.

use std::path::Path;

/// The file's name without directory and extension, for made-up titles and
/// identifiers; `framework` when it has none.
pub(crate) fn file_stem(file: &Path) -> String {
    file.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .filter(|stem| !stem.trim().is_empty())
        .unwrap_or_else(|| "framework".to_string())
}

/// A deterministic UUID (version 8, RFC 9562) for `name`: the 128-bit FNV-1a hash
/// of its UTF-8 bytes with the version and variant bits set. Stable across runs
/// and platforms; not a cryptographic hash, only a way to name things reproducibly.
pub fn name_uuid(name: &str) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET;
    for byte in name.bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    let mut bytes = hash.to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Whether `text` is a UUID in the usual 8-4-4-4-12 hexadecimal form.
pub(crate) fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len()
        && groups.iter().zip(lengths).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The URI given to an object that has an identifier but no URI:
/// `urn:uuid:<identifier in lower case>` for a UUID, otherwise
/// `urn:case:<identifier>` with everything but ASCII letters, digits and `-._~`
/// percent-encoded.
pub fn fallback_uri(identifier: &str) -> String {
    if is_uuid(identifier) {
        return format!("urn:uuid:{}", identifier.to_ascii_lowercase());
    }
    let mut uri = String::from("urn:case:");
    for byte in identifier.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_uuid_is_a_stable_version_8_uuid() {
        let a = name_uuid("opensalt-csv:ccss");
        assert_eq!(a, name_uuid("opensalt-csv:ccss"));
        assert_ne!(a, name_uuid("opensalt-csv:ccsS"));
        assert!(is_uuid(&a));
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn fallback_uris() {
        assert_eq!(
            fallback_uri("7FBBD2FA-885D-11E7-A99D-449EF607A326"),
            "urn:uuid:7fbbd2fa-885d-11e7-a99d-449ef607a326"
        );
        assert_eq!(fallback_uri("PLO 2/1é"), "urn:case:PLO%202%2F1%C3%A9");
        assert!(!is_uuid("not-a-uuid"));
    }
}
