//! Signing and verification speed, single thread: an OB 3.0 AchievementCredential (badge) and a CLR 2.0
//! ClrCredential with 40 nested AchievementCredentials (41 proofs: each course, then the CLR over them), for
//! eddsa-rdfc-2022 and eddsa-jcs-2022. Fixtures: `benches/fixtures/` (copies of the reference verifier's,
//! `shared/tools/refverify/fixtures`), with `{{ISSUER}}` set to the key's did:key.
//!
//! `cargo bench --bench sign [-- N]` (N badge iterations, default 300; CLRs: N/10). Targets (issue #5):
//! ≤ 0.3 ms per badge, ≤ 10 ms per 40-course CLR (all 41 proofs).

use std::hint::black_box;
use std::time::Instant;

use serde_json::Value;
use xtranscript::sign::{self, PinnedJsonLd, SecretKey, Suite, ToRdf};

const CREATED: &str = "2025-06-15T00:00:00Z";

fn fixture(name: &str, issuer: &str) -> Value {
    let path = format!("{}/benches/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text.replace("{{ISSUER}}", issuer)).expect("fixture is JSON")
}

/// Gives the credential (and every nested one) a fresh `id`, as a real run would.
fn fresh(doc: &Value, n: usize) -> Value {
    let mut doc = doc.clone();
    doc["id"] = Value::String(format!("urn:uuid:00000000-0000-4000-8000-{n:012}"));
    if let Some(Value::Array(nested)) = doc.pointer_mut("/credentialSubject/verifiableCredential") {
        for (i, c) in nested.iter_mut().enumerate() {
            c["id"] = Value::String(format!("urn:uuid:00000000-0000-4000-9000-{:012}", n * 100 + i));
        }
    }
    doc
}

/// Runs `f` `n` times (after 3 untimed warm-ups); returns (mean, min, p50, p95) in ms. On a busy machine the
/// minimum is the most stable figure.
fn time(n: usize, mut f: impl FnMut(usize)) -> (f64, f64, f64, f64) {
    for i in 0..3 {
        f(i);
    }
    let mut ms: Vec<f64> = (0..n)
        .map(|i| {
            let start = Instant::now();
            f(i + 3);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let mean = ms.iter().sum::<f64>() / n as f64;
    (mean, ms[0], ms[n / 2], ms[(n * 95 / 100).min(n - 1)])
}

fn row(what: &str, n: usize, (mean, min, p50, p95): (f64, f64, f64, f64)) {
    println!("| {what} | {n} | {mean:.3} | {min:.3} | {p50:.3} | {p95:.3} |");
}

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(300);
    let n_clr = (n / 10).max(3);
    let key = SecretKey::from_seed(&[7; 32]);
    let vm = key.did_key_verification_method();
    let badge = fixture("ob3-achievement-credential.json", &key.did_key());
    let clr = fixture("clr2-clr-credential.json", &key.did_key());
    println!("xtranscript sign bench (single thread, release build)\n");
    println!("| operation | n | mean ms | min ms | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- | --- |");
    for suite in [Suite::EddsaRdfc2022, Suite::EddsaJcs2022] {
        let name = suite.cryptosuite();
        let sign_one = |doc: &Value| sign::sign(doc, &key, &vm, CREATED, suite).expect("signs");
        let sign_all = |doc: &Value| sign::sign_nested(doc, &key, &vm, CREATED, suite).expect("signs");
        row(
            &format!("{name}: sign OB 3.0 badge"),
            n,
            time(n, |i| {
                black_box(sign_one(&fresh(&badge, i)));
            }),
        );
        let signed_badge = sign_one(&badge);
        let verify = |doc: &Value| sign::verify(doc, &sign::resolve_did_key).expect("verifies");
        row(
            &format!("{name}: verify OB 3.0 badge"),
            n,
            time(n, |_| {
                black_box(verify(&signed_badge));
            }),
        );
        row(
            &format!("{name}: sign CLR, 40 nested + outer (41 proofs)"),
            n_clr,
            time(n_clr, |i| {
                black_box(sign_all(&fresh(&clr, i)));
            }),
        );
        let signed_clr = sign_all(&clr);
        let verify_all = |doc: &Value| {
            verify(doc);
            for (_, nested) in sign::embedded_credentials(doc) {
                verify(nested);
            }
        };
        row(&format!("{name}: verify CLR + 40 nested (41 proofs)"), n_clr, time(n_clr, |_| verify_all(&signed_clr)));
        if suite == Suite::EddsaRdfc2022 {
            breakdown(&signed_clr, n_clr);
        }
    }
}

/// Where the rdfc time of the CLR's outer proof goes: JSON-LD → RDF, RDFC-1.0, hashing + Ed25519.
fn breakdown(signed_clr: &Value, n: usize) {
    let mut unsecured = signed_clr.clone();
    unsecured.as_object_mut().expect("object").remove("proof");
    let quads = PinnedJsonLd.to_rdf(&unsecured).expect("to RDF");
    let canonical = sign::rdfc_canonicalize(&quads).expect("canonical");
    let bytes = serde_json::to_vec(&unsecured).expect("json").len();
    println!(
        "\nCLR outer document: {bytes} bytes of JSON, {} quads, {} bytes of canonical N-Quads",
        quads.len(),
        canonical.len()
    );
    row(
        "  JSON-LD → RDF (outer CLR document)",
        n,
        time(n, |_| {
            black_box(PinnedJsonLd.to_rdf(&unsecured).expect("to RDF"));
        }),
    );
    row(
        "  RDFC-1.0 (outer CLR document)",
        n,
        time(n, |_| {
            black_box(sign::rdfc_canonicalize(&quads).expect("canonical"));
        }),
    );
    row(
        "  SHA-256 of the canonical N-Quads",
        n,
        time(n, |_| {
            black_box(sign::proof::hash_data("", &canonical));
        }),
    );
    let key = SecretKey::from_seed(&[7; 32]);
    let empty = serde_json::json!({});
    row(
        "  one proof over {} (JCS): Ed25519 + fixed cost",
        n,
        time(n, |_| {
            {
                black_box(sign::sign(&empty, &key, "did:key:x", CREATED, Suite::EddsaJcs2022).expect("signs"));
            };
        }),
    );
}
