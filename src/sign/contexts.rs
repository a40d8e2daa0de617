//! The embedded, pinned JSON-LD contexts: the only contexts the signer and verifier know.
//!
//! Files and provenance: `schemas/contexts/PROVENANCE.md`. A context URL not listed here is an error
//! ([`super::CanonError::UnknownContext`]); nothing is ever fetched.

macro_rules! pinned {
    ($($url:literal => $file:literal,)*) => {
        /// Every pinned context: (URL, file name under `schemas/contexts/`, JSON text).
        pub const PINNED: &[(&str, &str, &str)] = &[
            $(($url, $file, include_str!(concat!("../../schemas/contexts/", $file))),)*
        ];
    };
}

pinned! {
    "https://www.w3.org/ns/credentials/v2" => "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1" => "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2" => "credentials-examples-v2.jsonld",
    "https://www.w3.org/2018/credentials/examples/v1" => "credentials-examples-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2" => "data-integrity-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1" => "data-integrity-v1.jsonld",
    "https://w3id.org/security/multikey/v1" => "multikey-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1" => "security-suites-ed25519-2020-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json" => "ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json" => "ob-v3p0-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json" => "ob-v3p0-context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" => "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json" => "ob-v3p0-extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json" => "clr-v2p0-context-2.0.0.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json" => "clr-v2p0-context-2.0.1.json",
}

/// VC Data Model 2.0 base context: the first `@context` entry of a current credential.
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// VC Data Model 1.1 base context: the first entry of the 1EdTech samples of that era.
pub const VC_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// The 1EdTech extensions context, which OB 3.0 / CLR 2.0 credentials may list after the OB context.
pub const OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

/// Whether `url` is a pinned CLR 2.0 context (`…/clr/v2p0/context.json` or `context-2.x.y.json`).
pub fn is_clr_context(url: &str) -> bool {
    url.starts_with("https://purl.imsglobal.org/spec/clr/v2p0/context") && lookup(url).is_some()
}

/// Whether `url` is a pinned OB 3.0 context (`…/ob/v3p0/context.json` or `context-3.x.y.json`; not the
/// extensions context).
pub fn is_ob_context(url: &str) -> bool {
    url.starts_with("https://purl.imsglobal.org/spec/ob/v3p0/context") && lookup(url).is_some()
}

/// The JSON text of the pinned context at `url`, if it is one.
pub fn lookup(url: &str) -> Option<&'static str> {
    PINNED.iter().find(|(u, _, _)| *u == url).map(|(_, _, text)| *text)
}

/// The URLs of all pinned contexts.
pub fn urls() -> impl Iterator<Item = &'static str> {
    PINNED.iter().map(|(url, _, _)| *url)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_pinned_context_is_json_with_a_context() {
        for (url, file, text) in super::PINNED {
            let value: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(value.get("@context").is_some(), "{url} has no @context");
        }
        assert!(super::lookup("https://example.org/ctx").is_none());
    }

    #[test]
    fn clr_and_ob_contexts_are_told_apart() {
        assert!(super::is_clr_context("https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"));
        assert!(super::is_ob_context("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"));
        assert!(!super::is_ob_context(super::OB_EXTENSIONS));
        assert!(!super::is_ob_context("https://purl.imsglobal.org/spec/ob/v3p0/context-3.9.9.json"));
        assert!(!super::is_clr_context(super::VC_V2));
    }
}
