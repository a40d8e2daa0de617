//! `xtranscript verify` on one file's bytes, through the library calls `verify` makes, in its order: a PDF's
//! embedded clr.json (only when the PDF names its digest), then JSON (strict, bounded), an enveloped
//! credential's or a bare compact JWS (header `jwk` or did:key `kid`), every nested credential, its input
//! rules, proofs and status entries. Never panics; a credential whose proofs all verify holds one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use xtranscript::ingest::json::{self, Limits};
use xtranscript::model::Timestamp;
use xtranscript::render::attachment::credential_bytes;
use xtranscript::sign::jose::{self, PublicKey};
use xtranscript::sign::{self, InputPolicy, resolve_did_key};
use xtranscript::status::{StatusLists, StatusOptions};

/// The same bound on values as `verify`'s: one per 8 bytes.
fn strict_json(bytes: &[u8]) -> Option<Value> {
    json::parse_slice_with(bytes, Limits { max_depth: Limits::MAX_DEPTH, max_values: (bytes.len() / 8).max(4096) }).ok()
}

/// A Data Integrity secured document: input rules, every proof, status with no list at hand.
fn check_document(doc: &Value, lists: &StatusLists, options: &StatusOptions<'_>) {
    for vc in std::iter::once(doc).chain(sign::embedded_credentials(doc).into_iter().map(|(_, vc)| vc)) {
        if sign::check_input(vc, &InputPolicy::default()).is_ok() {
            let checks = sign::verify_proofs(vc, &resolve_did_key);
            if !checks.is_empty() && checks.iter().all(|c| c.result.is_ok()) {
                assert!(vc.get("proof").is_some(), "verified with no proof");
            }
        }
        let report = lists.check(vc, options);
        assert!(
            report.problems.is_empty() || !report.problems.iter().any(|p| p.starts_with("revoked")),
            "revoked without a list"
        );
    }
}

/// A compact JWS: parsed, its key from the header's `jwk` or a did:key `kid`, verified, its credential read.
fn check_jws(text: &str, lists: &StatusLists, options: &StatusOptions<'_>, level: usize) {
    let Ok(jws) = jose::parse(text) else { return };
    if jws.alg().is_err() {
        return;
    }
    let key = match jws.header_jwk() {
        Some(Ok(key)) => key,
        Some(Err(_)) => return,
        None => match jws.kid().and_then(resolve_did_key) {
            Some(key) => PublicKey::Ed25519(key),
            None => return,
        },
    };
    if jws.verify(&key).is_err() {
        return;
    }
    let Ok((_, credential, _)) = jose::credential_of(&jws, options.now.unix()) else { return };
    let _ = sign::check_input(&credential, &InputPolicy::default());
    if credential.get("proof").is_some() {
        check_document(&credential, lists, options);
    }
    if let Some(Value::Array(items)) = credential.pointer("/credentialSubject/verifiableCredential") {
        for item in items.iter().take(64) {
            match item.as_str() {
                Some(nested) if level + 1 < sign::MAX_CREDENTIAL_LEVELS => check_jws(nested, lists, options, level + 1),
                Some(_) => {}
                None => check_document(item, lists, options),
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok((bytes, _pdf)) = credential_bytes(data.to_vec()) else { return };
    let lists = StatusLists::default();
    let options = StatusOptions {
        resolve: &resolve_did_key,
        now: Timestamp::from_unix(1_800_000_000),
        require_status: false,
        issuer_check: true,
        controller_check: true,
    };
    let start = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if !matches!(start, Some(b'{' | b'[')) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if jose::is_compact_jws(text) {
                return check_jws(text, &lists, &options, 0);
            }
        }
    }
    let Some(doc) = strict_json(&bytes) else { return };
    // An EnvelopedVerifiableCredential: its id is a data:application/vc+jwt URL holding the JWS.
    let enveloped = match doc.get("type") {
        Some(Value::String(t)) => t == "EnvelopedVerifiableCredential",
        Some(Value::Array(t)) => t.iter().any(|t| t == "EnvelopedVerifiableCredential"),
        _ => false,
    };
    match doc.get("id").and_then(Value::as_str).and_then(|id| id.split_once(',')) {
        Some(("data:application/vc+jwt" | "data:application/vc+ld+jwt", jws)) if enveloped => {
            check_jws(jws, &lists, &options, 0)
        }
        _ => check_document(&doc, &lists, &options),
    }
});
