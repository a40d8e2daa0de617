//! `verify` on hostile credentials (issue 15, points 1–4): each test starts from the smallest signed CLR that
//! shows the attack, and the attack verified `OK` before the fix.

use serde_json::{Value, json};
use xtranscript::sign::{self, SecretKey, Suite};

use super::*;

const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
const CLR: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const CLR_VOCAB: &str = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#";

/// A ClrCredential with one association and one nested credential, signed (nested first) by a did:key.
fn signed_clr() -> Value {
    signed_clr_with(|_| {})
}

/// [`signed_clr`], changed by `edit` before it is signed.
fn signed_clr_with(edit: impl FnOnce(&mut Value)) -> Value {
    let key = SecretKey::from_seed(&[15; 32]);
    let mut clr = json!({
        "@context": [VC_V2, CLR, OB],
        "id": "urn:uuid:2f0c3c2e-6a43-4a4e-9a53-2b3c4d5e6f70",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": key.did_key(), "type": ["Profile"], "name": "Northbridge University"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Transcript of Ada Example",
        "credentialSubject": {
            "type": ["ClrSubject"],
            "verifiableCredential": [{
                "@context": [VC_V2],
                "type": ["VerifiableCredential"],
                "issuer": key.did_key(),
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:ada"}
            }],
            "association": [{
                "type": "Association",
                "associationType": "isChildOf",
                "sourceId": "https://example.edu/competencies/child",
                "targetId": "https://example.edu/competencies/parent"
            }]
        }
    });
    edit(&mut clr);
    let vm = key.did_key_verification_method();
    sign::sign_nested(&clr, &key, &vm, "2026-01-01T00:00:00Z", Suite::EddsaRdfc2022).unwrap()
}

/// Writes `doc` (or its text) and runs `verify` on it: (exit code, stdout).
fn verify_text(name: &str, json: &str, extra: &[&str]) -> (Option<i32>, String) {
    let dir = temp_dir(&format!("hostile-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("credential.json");
    std::fs::write(&path, json).unwrap();
    let mut args = vec!["verify", "--now", "2026-06-20T00:00:00Z"];
    args.extend_from_slice(extra);
    args.push(path.to_str().unwrap());
    let out = xtranscript(&args);
    let _ = std::fs::remove_dir_all(dir);
    (out.status.code(), text(&out.stdout))
}

fn verify_doc(name: &str, doc: &Value) -> (Option<i32>, String) {
    verify_text(name, &doc.to_string(), &[])
}

/// The first line (the outer credential's).
fn first_line(out: &str) -> &str {
    out.lines().next().unwrap_or_default()
}

#[test]
fn the_untouched_small_clr_verifies() {
    let (code, out) = verify_doc("untouched", &signed_clr());
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out.lines().count(), 2, "{out}");
}

/// An inline context that swaps what `sourceId` and `targetId` mean, with the JSON values swapped: same RDF,
/// same signature, reversed association.
fn swapping_context() -> Value {
    // The CLR 2.0.1 context's own definitions, with the two IRIs swapped (its `xsd:` prefix is undefined, so the
    // datatype is the IRI `xsd:anyURI` as written).
    json!({"Association": {"@id": format!("{CLR_VOCAB}Association"), "@context": {
        "associationType": {"@id": format!("{CLR_VOCAB}AssociationType")},
        "sourceId": {"@id": format!("{CLR_VOCAB}targetId"), "@type": "xsd:anyURI"},
        "targetId": {"@id": format!("{CLR_VOCAB}sourceId"), "@type": "xsd:anyURI"}
    }}})
}

fn swap_association(doc: &mut Value) {
    let association = &mut doc["credentialSubject"]["association"][0];
    let source = association["sourceId"].take();
    association["sourceId"] = association["targetId"].take();
    association["targetId"] = source;
}

#[test]
fn an_inline_context_that_reverses_associations_fails() {
    let mut doc = signed_clr();
    doc["@context"].as_array_mut().unwrap().push(swapping_context());
    swap_association(&mut doc);
    // Same RDF: the signature still holds, so only the context rule catches it.
    assert!(sign::verify_proofs(&doc, &sign::resolve_did_key).iter().all(|c| c.result.is_ok()));
    let (code, out) = verify_doc("inline-context", &doc);
    assert_eq!(code, Some(1), "{out}");
    let line = first_line(&out);
    assert!(line.starts_with("FAIL") && line.contains("refused: @context at /: entry 3: an inline context"), "{out}");
}

#[test]
fn a_context_inside_the_credential_subject_fails() {
    let mut doc = signed_clr();
    doc["credentialSubject"]["@context"] = swapping_context();
    swap_association(&mut doc);
    assert!(sign::verify_proofs(&doc, &sign::resolve_did_key).iter().all(|c| c.result.is_ok()));
    let (code, out) = verify_doc("scoped-context", &doc);
    assert_eq!(code, Some(1), "{out}");
    assert!(first_line(&out).contains("refused: @context at /credentialSubject: a context below the top"), "{out}");
}

#[test]
fn a_duplicate_member_name_fails() {
    // The forged name first: readers that keep the first member show it; the signature covers the last.
    let doc = signed_clr();
    let text = doc.to_string().replacen("\"name\":\"Transcript", "\"name\":\"Forged\",\"name\":\"Transcript", 1);
    let (code, out) = verify_text("duplicate-name", &text, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(first_line(&out).contains("refused JSON: duplicate member name \"name\" at line 1 column"), "{out}");
}

#[test]
fn type_spelled_as_the_keyword_fails() {
    // `@type` means the same RDF as `type`; the schema check looked only at `type`, so a CLR without its
    // required `name` verified.
    let doc = signed_clr_with(|clr| {
        let map = clr.as_object_mut().unwrap();
        let types = map.shift_remove("type").unwrap();
        map.insert("@type".into(), types);
        map.shift_remove("name");
    });
    let (code, out) = verify_doc("at-type", &doc);
    assert_eq!(code, Some(1), "{out}");
    assert!(first_line(&out).contains("refused: member \"@type\" at /: the property is `type`"), "{out}");
}

#[test]
fn a_megabyte_proof_value_fails_fast_with_its_length() {
    let mut doc = signed_clr();
    doc["proof"]["proofValue"] = Value::String(format!("z{}", "2".repeat(1 << 20)));
    let (code, out) = verify_doc("long-proof-value", &doc);
    assert_eq!(code, Some(1), "{out}");
    assert!(first_line(&out).contains("bad proofValue: 1048577 characters; an Ed25519 signature"), "{out}");
}

#[test]
fn a_million_entry_type_list_fails_fast_with_a_reason() {
    let mut doc = signed_clr();
    let mut types = vec![Value::String("VerifiableCredential".into()); 1_000_000];
    types[1] = Value::String("ClrCredential".into());
    doc["type"] = Value::Array(types);
    let text = doc.to_string();
    let (code, out) = verify_text("million-types", &text, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(first_line(&out).contains("bytes, over the --max-size of 8388608 bytes (nothing checked)"), "{out}");
    let (code, out) = verify_text("million-types-large", &text, &["--max-size", "64M"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(first_line(&out).contains("refused: type at /type has 1000000 entries, more than the 32 allowed"), "{out}");
}

#[test]
fn nesting_deeper_than_the_limit_fails() {
    let mut doc = signed_clr();
    let mut deep = json!("x");
    for _ in 0..100 {
        deep = json!([deep]);
    }
    doc["credentialSubject"]["deep"] = deep;
    let (code, out) = verify_doc("deep", &doc);
    assert_eq!(code, Some(1), "{out}");
    assert!(first_line(&out).contains("refused JSON: nested deeper than 64 levels"), "{out}");
}
