//! Credential verification: any JSON document, every proof, did:key keys. Never panics; a document whose
//! proofs all verify must hold at least one proof.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xtranscript::sign::{resolve_did_key, verify};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let Ok(proofs) = verify(&doc, &resolve_did_key) {
        assert!(proofs > 0, "verified with no proof");
    }
});
