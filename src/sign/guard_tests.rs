//! The input rules of `guard.rs`, one small document each.

use serde_json::{Value, json};

use super::*;

const CLR: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

fn clr(context: Value) -> Value {
    json!({
        "@context": context,
        "type": ["VerifiableCredential", "ClrCredential"],
        "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": [{
            "@context": [VC_V2, OB],
            "type": ["VerifiableCredential", "AchievementCredential"],
            "proof": {"type": "DataIntegrityProof", "@context": [VC_V2, OB]}
        }]},
        "proof": [{"type": "DataIntegrityProof"}]
    })
}

fn check(doc: &Value) -> Result<(), Refusal> {
    check_input(doc, &InputPolicy::default())
}

#[test]
fn the_1edtech_context_lists_are_accepted() {
    assert_eq!(check(&clr(json!([VC_V2, CLR, OB]))), Ok(()));
    assert_eq!(check(&clr(json!([VC_V2, CLR, OB, OB_EXTENSIONS]))), Ok(()));
    let legacy = [
        VC_V1,
        "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        OB_EXTENSIONS,
        "https://w3id.org/security/suites/ed25519-2020/v1",
    ];
    assert_eq!(check(&clr(json!(legacy))), Ok(()));
}

#[test]
fn an_inline_context_is_refused_at_the_top_and_in_a_nested_credential() {
    let inline = json!({"Association": {"@id": "https://example.org/Association"}});
    let e = check(&clr(json!([VC_V2, CLR, OB, inline]))).unwrap_err();
    assert!(matches!(&e, Refusal::Context { path, why } if path == "/" && why.contains("inline")), "{e}");
    let mut doc = clr(json!([VC_V2, CLR, OB]));
    doc["credentialSubject"]["verifiableCredential"][0]["@context"] = json!([VC_V2, OB, inline]);
    let e = check(&doc).unwrap_err();
    assert!(e.to_string().starts_with("@context at /credentialSubject/verifiableCredential/0: entry 2"), "{e}");
}

#[test]
fn a_scoped_context_below_the_top_is_refused() {
    let mut doc = clr(json!([VC_V2, CLR, OB]));
    doc["credentialSubject"]["@context"] = json!([OB]);
    let e = check(&doc).unwrap_err();
    assert!(matches!(&e, Refusal::Context { path, why } if path == "/credentialSubject" && why.contains("scoped")));
}

#[test]
fn context_lists_out_of_order_or_off_the_list_are_refused() {
    for (context, expected) in [
        (json!([VC_V2, OB, CLR]), "entry 1 is https://purl.imsglobal.org/spec/ob"),
        (json!([VC_V2, CLR]), "only 2 entries"),
        (json!([CLR, VC_V2, OB]), "the first entry must be"),
        (json!([VC_V2, CLR, OB, OB_EXTENSIONS, OB_EXTENSIONS]), "repeats"),
        (json!([VC_V2, CLR, OB, "https://www.w3.org/ns/credentials/examples/v2"]), "entry 3 is"),
        (json!([VC_V2, CLR, OB, "https://example.org/context.json"]), "not a context xtranscript embeds"),
    ] {
        let e = check(&clr(context.clone())).unwrap_err();
        assert!(e.to_string().contains(expected), "{context}: {e}");
    }
}

#[test]
fn plain_credentials_take_w3c_contexts_and_what_the_policy_allows() {
    let plain = |context: Value| json!({"@context": context, "type": ["VerifiableCredential"]});
    let examples = "https://www.w3.org/ns/credentials/examples/v2";
    assert_eq!(check(&plain(json!([VC_V2, examples]))), Ok(()));
    assert_eq!(check(&plain(json!(VC_V2))), Ok(()));
    let data_integrity = "https://w3id.org/security/data-integrity/v2";
    assert_eq!(check(&plain(json!([VC_V2, data_integrity]))), Ok(()));
    let multikey = "https://w3id.org/security/multikey/v1";
    let e = check(&plain(json!([VC_V1, examples, examples]))).unwrap_err();
    assert!(e.to_string().contains("repeats"), "{e}");
    // A 1EdTech context makes the 1EdTech rules apply, whatever the type.
    assert_eq!(check(&plain(json!([VC_V2, OB]))), Ok(()));
    let e = check(&plain(json!([VC_V2, OB, examples]))).unwrap_err();
    assert!(e.to_string().contains("an OB 3.0 credential lists"), "{e}");
    let mut policy = InputPolicy::default();
    policy.allow_context(OB_EXTENSIONS).unwrap();
    let e = check(&plain(json!([VC_V2, multikey, OB_EXTENSIONS]))).unwrap_err();
    assert!(e.to_string().contains("--allow-context"), "{e}");
    assert_eq!(check_input(&plain(json!([VC_V2, multikey, OB_EXTENSIONS])), &policy), Ok(()));
    assert!(policy.allow_context("https://example.org/c.json").unwrap_err().contains("never fetched"));
    let e = check(&plain(json!([VC_V2, {"@vocab": "https://example.org/"}]))).unwrap_err();
    assert!(e.to_string().contains("inline"), "{e}");
}

#[test]
fn keyword_forms_of_type_and_id_are_refused() {
    let doc = json!({"@context": [VC_V2, OB], "@type": ["VerifiableCredential", "AchievementCredential"]});
    let e = check(&doc).unwrap_err();
    assert!(matches!(&e, Refusal::Keyword { key, .. } if key == "@type"), "{e}");
    let doc = json!({"@context": [VC_V2], "type": ["VerifiableCredential"], "credentialSubject": {"@id": "x"}});
    assert!(
        matches!(check(&doc), Err(Refusal::Keyword { key, path, .. }) if key == "@id" && path == "/credentialSubject")
    );
    let doc = json!({"@context": [VC_V2], "type": "VerifiableCredential", "name": {"@value": "n", "@language": "en"}});
    assert_eq!(check(&doc), Ok(()));
    assert_eq!(check(&json!({"@context": [VC_V2]})), Err(Refusal::Missing { path: "/".into(), member: "type" }));
}

#[test]
fn lists_are_bounded() {
    let mut types = vec!["VerifiableCredential"; MAX_TYPES + 1];
    types[1] = "AchievementCredential";
    let doc = json!({"@context": [VC_V2, OB], "type": types});
    let e = check(&doc).unwrap_err();
    assert_eq!(e.to_string(), "type at /type has 33 entries, more than the 32 allowed");
    let mut doc = clr(json!([VC_V2, CLR, OB]));
    doc["proof"] = Value::Array(vec![json!({}); MAX_PROOFS + 1]);
    assert!(matches!(check(&doc), Err(Refusal::TooMany { what: "proof", .. })));
}

#[test]
fn a_proof_context_must_be_urls() {
    let mut doc = clr(json!([VC_V2, CLR, OB]));
    doc["proof"][0]["@context"] = json!([VC_V2, {"x": "https://example.org/x"}]);
    let e = check(&doc).unwrap_err();
    assert!(matches!(&e, Refusal::Context { path, .. } if path == "/proof/0"), "{e}");
}
