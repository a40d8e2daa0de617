//! Stable identifiers: `urn:uuid:` version 5 UUIDs (RFC 9562 §5.5) named by the
//! institution, a kind and a natural key, so a rebuild gives the same ids.

use uuid::Uuid;

/// Makes the ids of one institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdMaker {
    namespace: Uuid,
}

impl IdMaker {
    /// The id space of the institution at `institution_url`.
    pub fn new(institution_url: &str) -> IdMaker {
        IdMaker { namespace: Uuid::new_v5(&Uuid::NAMESPACE_URL, institution_url.as_bytes()) }
    }

    /// `urn:uuid:<v5(namespace, "<kind>:<key>")>`.
    pub fn id(&self, kind: &str, key: &str) -> String {
        let mut name = String::with_capacity(kind.len() + 1 + key.len());
        name.push_str(kind);
        name.push(':');
        name.push_str(key);
        let mut urn = [0u8; uuid::fmt::Urn::LENGTH];
        Uuid::new_v5(&self.namespace, name.as_bytes()).urn().encode_lower(&mut urn).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        let ids = IdMaker::new("https://www.example.edu/");
        let a = ids.id("course", "CS-101");
        assert_eq!(a, ids.id("course", "CS-101"));
        assert_ne!(a, ids.id("course", "CS-102"));
        assert_ne!(a, IdMaker::new("https://other.example.edu/").id("course", "CS-101"));
        let name = Uuid::new_v5(&ids.namespace, b"course:CS-101");
        assert_eq!(a, format!("urn:uuid:{name}"));
        // RFC 9562 version 5, variant 10xx.
        let uuid = Uuid::parse_str(a.strip_prefix("urn:uuid:").unwrap()).unwrap();
        assert_eq!(uuid.get_version_num(), 5);
        // A known value: v5(NAMESPACE_URL, "https://www.example.edu/") is fixed by the RFC's algorithm.
        assert_eq!(
            IdMaker::new("https://www.example.edu/").namespace,
            Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://www.example.edu/")
        );
    }
}
