use super::*;
use crate::sign::jsonld::lookups::{self, Lookups};
use crate::sign::rdf::Dataset;

fn documents() -> Vec<Value> {
    let parse =
        |text: &str| -> Value { serde_json::from_str(&text.replace("{{ISSUER}}", "did:example:issuer")).unwrap() };
    let clr = parse(include_str!("../../../../benches/fixtures/clr2-clr-credential.json"));
    let mut docs = vec![
        parse(include_str!("../../../../benches/fixtures/ob3-achievement-credential.json")),
        parse(include_str!("../../../../tests/vectors/1edtech-ob/credential-unsigned.json")),
        parse(include_str!("../../../../tests/vectors/1edtech-clr/credential-unsigned.json")),
        clr.clone(),
    ];
    docs.extend(clr["credentialSubject"]["verifiableCredential"].as_array().unwrap().iter().cloned());
    // Compact IRIs, value objects, lists, JSON literals, inline contexts.
    docs.push(serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", {"ex": "https://example.org/ns#",
            "tags": {"@id": "ex:tags", "@container": "@list"}, "data": {"@id": "ex:data", "@type": "@json"},
            "kind": {"@id": "ex:kind", "@type": "@vocab"}}],
        "type": ["VerifiableCredential", "ex:Thing"],
        "issuer": "did:example:issuer",
        "ex:note": {"@value": "7", "@type": "ex:number"},
        "tags": ["a", {"@value": "b", "@language": "en"}],
        "data": {"x": [1, "two"]},
        "kind": "ex:Kind",
        "credentialSubject": {"id": "urn:example:subject", "ex:seeAlso": {"@id": "ex:other"}}
    }));
    docs
}

/// Every key and string of `value`, with its prefix.
fn strings_of(value: &Value, out: &mut Lookups) {
    match value {
        Value::String(s) => out.add_string(s),
        Value::Array(items) => items.iter().for_each(|v| strings_of(v, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            out.add_string(k);
            strings_of(v, out);
        }),
        _ => {}
    }
}

/// Every term the expansion looks up is one context processing looked up (recorded) or a key or string of
/// the JSON or its prefix (what `splice::mentions_any` checks).
#[test]
fn the_recorded_lookups_and_the_json_hold_every_lookup() {
    for doc in documents() {
        let standalone = |data: &mut Dataset| {
            let options = Options { record: true, known: None };
            to_rdf_with(&doc, data, 0, options).unwrap().standalone.unwrap()
        };
        let mut recorded = standalone(&mut Dataset::default()).lookups;
        assert!(!recorded.may_contain("did:example:issuer"));
        strings_of(&doc, &mut recorded);
        let (every, _) = lookups::recorded(|| standalone(&mut Dataset::default()));
        assert!(every.lookups.within(&recorded), "{}", doc["type"]);
        assert!(every.lookups.may_contain("did") || doc["issuer"] != "did:example:issuer");
    }
}
