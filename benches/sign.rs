//! Signing and verification speed, single thread: an OB 3.0 AchievementCredential (badge), a CLR 2.0
//! ClrCredential with 40 nested AchievementCredentials (41 proofs: each course, then the CLR over them), for
//! eddsa-rdfc-2022 and eddsa-jcs-2022, and a synthetic learner's full transcript (~160 nested credentials,
//! ~690 KB signed) as `build` signs it ([`Signer::sign_transcript`]). Fixtures: `benches/fixtures/` (copies of
//! the reference verifier's, `shared/tools/refverify/fixtures`), with `{{ISSUER}}` set to the key's did:key;
//! the synthetic learner comes from `xtranscript::synth` (seed 1, the median of 20 learners by nested count).
//!
//! JWT rows: `vc+jwt` signing and verifying of the badge, one JWT over the CLR, for EdDSA, ES256 and RS256.
//!
//! `cargo bench --bench sign [-- N] [WORD]` (N badge iterations, default 300; CLRs: N/10; only the rows whose
//! name contains WORD). Each iteration signs fresh
//! copies (new `id`s); making the copies is not timed. Targets (issue #5): ≤ 0.3 ms per badge, ≤ 10 ms per
//! 40-course CLR (all 41 proofs).

use std::hint::black_box;
use std::time::Instant;

use serde_json::Value;
use xtranscript::assemble::Assembler;
use xtranscript::issuer::Signer;
use xtranscript::model::Timestamp;
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

/// Runs `f` on `n` inputs made by `setup` (after 3 untimed warm-ups; `setup` is not timed); returns (mean, min,
/// p50, p95) in ms. On a busy machine the minimum and the median are the most stable figures.
fn time<T>(n: usize, mut setup: impl FnMut(usize) -> T, mut f: impl FnMut(T)) -> (f64, f64, f64, f64) {
    for i in 0..3 {
        f(setup(i));
    }
    let mut ms: Vec<f64> = (0..n)
        .map(|i| {
            let input = setup(i + 3);
            let start = Instant::now();
            f(input);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let mean = ms.iter().sum::<f64>() / n as f64;
    (mean, ms[0], ms[n / 2], ms[(n * 95 / 100).min(n - 1)])
}

/// Times `f` ([`time`]) and prints a table row, unless a filter word was given that `what` does not contain.
fn bench<T>(what: &str, n: usize, setup: impl FnMut(usize) -> T, f: impl FnMut(T)) {
    let filter = std::env::args().skip(1).find(|a| a.parse::<usize>().is_err() && !a.starts_with('-'));
    if filter.is_some_and(|word| !what.contains(&word)) {
        return;
    }
    let (mean, min, p50, p95) = time(n, setup, f);
    println!("| {what} | {n} | {mean:.3} | {min:.3} | {p50:.3} | {p95:.3} |");
}

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(300);
    let n_clr = (n / 10).max(3);
    let key = SecretKey::from_seed(&[7; 32]);
    let vm = key.did_key_verification_method();
    let badge = fixture("ob3-achievement-credential.json", &key.did_key());
    let clr = fixture("clr2-clr-credential.json", &key.did_key());
    let synthetic = std::cell::OnceCell::new();
    println!("xtranscript sign bench (single thread, release build)\n");
    println!("| operation | n | mean ms | min ms | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- | --- |");
    for suite in [Suite::EddsaRdfc2022, Suite::EddsaJcs2022] {
        let name = suite.cryptosuite();
        let sign_one = |doc: &Value| sign::sign(doc, &key, &vm, CREATED, suite).expect("signs");
        let sign_all = |doc: &Value| sign::sign_nested(doc, &key, &vm, CREATED, suite).expect("signs");
        let sign_badge = |doc: Value| {
            black_box(sign_one(&doc));
        };
        bench(&format!("{name}: sign OB 3.0 badge"), n, |i| fresh(&badge, i), sign_badge);
        let signed_badge = sign_one(&badge);
        let verify = |doc: &Value| sign::verify(doc, &sign::resolve_did_key).expect("verifies");
        let verify_badge = |()| {
            black_box(verify(&signed_badge));
        };
        bench(&format!("{name}: verify OB 3.0 badge"), n, |_| (), verify_badge);
        let sign_clr = |doc: Value| {
            black_box(sign_all(&doc));
        };
        bench(&format!("{name}: sign CLR, 40 nested + outer (41 proofs)"), n_clr, |i| fresh(&clr, i), sign_clr);
        let signed_clr = sign_all(&clr);
        let verify_all = |()| {
            verify(&signed_clr);
            for (_, nested) in sign::embedded_credentials(&signed_clr) {
                verify(nested);
            }
        };
        bench(&format!("{name}: verify CLR + 40 nested (41 proofs)"), n_clr, |_| (), verify_all);
        let signer =
            Signer { key: key.clone(), issuer_id: key.did_key(), verification_method: vm.clone(), suites: vec![suite] };
        let sign_learner = |(outer, nested): (Value, Vec<Value>)| {
            let wrap = |signed| with_nested(outer, signed);
            black_box(signer.sign_transcript(nested, wrap, CREATED).expect("signs"));
        };
        let learner = || {
            synthetic.get_or_init(|| {
                let learner = synthetic_learner(&key.did_key());
                check_transcript_signing(&learner);
                learner
            })
        };
        let what = format!("{name}: sign synthetic learner CLR, all nested + outer");
        bench(&what, n_clr, |i| fresh_learner(learner(), i), sign_learner);
        if suite == Suite::EddsaRdfc2022 {
            breakdown(&signed_clr, n_clr);
        }
    }
    // JWT-secured (vc+jwt): the JSON serialization and the signature; verification parses, checks the header
    // and verifies. One key per algorithm: Ed25519 (EdDSA), P-256 (ES256), RSA 2048 (RS256; a fixed key made
    // from a seeded generator, so runs compare).
    for jwt_key in jwt_keys(&key) {
        let alg = jwt_key.alg().name();
        let sign_jwt = |doc: Value| {
            black_box(sign::jose::vc_jwt(&doc, false, &jwt_key, &vm));
        };
        bench(&format!("vc+jwt {alg}: sign OB 3.0 badge"), n, |i| fresh(&badge, i), sign_jwt);
        let badge_jwt = sign::jose::vc_jwt(&badge, false, &jwt_key, &vm);
        let public = jwt_key.public_key();
        let verify_jwt = |()| {
            black_box(sign::jose::parse(&badge_jwt).and_then(|jws| jws.verify(&public)).expect("verifies"));
        };
        bench(&format!("vc+jwt {alg}: verify OB 3.0 badge"), n, |_| (), verify_jwt);
        let clr_jwt = |doc: Value| {
            black_box(sign::jose::vc_jwt(&doc, false, &jwt_key, &vm));
        };
        bench(&format!("vc+jwt {alg}: sign CLR (one JWT over 40 nested)"), n_clr, |i| fresh(&clr, i), clr_jwt);
    }
    if let Some((outer, nested)) = synthetic.get() {
        let bytes = serde_json::to_vec(&with_nested(outer.clone(), nested.clone())).expect("JSON").len();
        println!("\nSynthetic learner: {} nested credentials, {bytes} bytes of unsigned JSON", nested.len());
    }
}

/// The JWT keys benchmarked: the Ed25519 key, a P-256 key and an RSA 2048 key (both fixed).
fn jwt_keys(ed25519: &SecretKey) -> Vec<sign::jose::JwtKey> {
    let p256 = p256::ecdsa::SigningKey::from_slice(&[7; 32]).expect("a P-256 scalar");
    let rsa = sign::jose::JwtKey::from_pkcs8_pem(include_str!("fixtures/rsa-2048.pem")).expect("the RSA fixture");
    vec![ed25519.clone().into(), sign::jose::JwtKey::P256(p256), rsa]
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
    let document_hash = |()| {
        black_box(sign::proof::rdfc_document_hash(&unsecured).expect("hash"));
    };
    bench("  JSON-LD → RDF → RDFC-1.0 → SHA-256 alone (outer CLR document)", n, |_| (), document_hash);
    let check = |()| {
        black_box(sign::proof::rdf_safe_check(black_box(&unsecured))).expect("safe");
    };
    bench("  JSON-LD expansion alone, no quads (safe-mode check)", n, |_| (), check);
    let to_rdf = |()| {
        black_box(PinnedJsonLd.to_rdf(&unsecured).expect("to RDF"));
    };
    bench("  JSON-LD → RDF as owned quads (public ToRdf)", n, |_| (), to_rdf);
    let rdfc = |()| {
        black_box(sign::rdfc_canonicalize(&quads).expect("canonical"));
    };
    bench("  RDFC-1.0 of owned quads to a String (public rdfc_canonicalize)", n, |_| (), rdfc);
    let sha = |()| {
        black_box(sign::proof::hash_data("", &canonical));
    };
    bench("  SHA-256 of the canonical N-Quads", n, |_| (), sha);
    let key = SecretKey::from_seed(&[7; 32]);
    let empty = serde_json::json!({});
    let fixed = |()| {
        black_box(sign::sign(&empty, &key, "did:key:x", CREATED, Suite::EddsaJcs2022).expect("signs"));
    };
    bench("  one proof over {} (JCS): Ed25519 + fixed cost", n, |_| (), fixed);
    let copy = |()| {
        black_box(fresh(signed_clr, 1));
    };
    bench("  (not timed above) copying the signed CLR", n, |_| (), copy);
    println!();
}

/// A synthetic learner's transcript, unsigned: the ClrCredential without its nested credentials, and the
/// nested credentials. Made as `build` makes it: `synth` input (20 learners, seed 1) → ingest → competency
/// graph → assembly; the learner with the median number of nested credentials (the first of equals).
fn synthetic_learner(issuer: &str) -> (Value, Vec<Value>) {
    let dir = std::env::temp_dir().join(format!("xtranscript-sign-bench-{}", std::process::id()));
    for (path, bytes) in xtranscript::synth::input_dir(20, 1) {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("temp dir");
        std::fs::write(&path, bytes).expect("write input");
    }
    let mut diags = xtranscript::diag::Diagnostics::new();
    let input = xtranscript::ingest::load(std::slice::from_ref(&dir), &mut diags);
    std::fs::remove_dir_all(&dir).expect("remove temp dir");
    let config = input.config.as_ref().expect("synthetic input has a config");
    let graph =
        xtranscript::graph::CompetencyGraph::build(&input.records, &input.frameworks, &config.mastery, &mut diags);
    let issued = Timestamp::parse(CREATED).expect("timestamp");
    let assembler =
        Assembler::new(config, &input.records, &input.frameworks, &graph, issuer.to_owned(), issued, b"bench".to_vec());
    let mut learners: Vec<_> = input.records.learners.keys().filter_map(|id| assembler.learner(id)).collect();
    learners.sort_by_key(|a| a.nested.len());
    let median = &learners[learners.len() / 2];
    let nested = median.nested.iter().map(|c| serde_json::to_value(c).expect("JSON")).collect();
    (median.clr_with(Vec::new()), nested)
}

/// Checks, before timing, that [`Signer::sign_transcript`] gives exactly what signing each credential on its
/// own gives (its shortcuts must not change a byte), for one suite, the other, and both.
fn check_transcript_signing((outer, nested): &(Value, Vec<Value>)) {
    let key = SecretKey::from_seed(&[9; 32]);
    for suites in
        [vec![Suite::EddsaRdfc2022], vec![Suite::EddsaJcs2022], vec![Suite::EddsaRdfc2022, Suite::EddsaJcs2022]]
    {
        let signer = Signer {
            issuer_id: key.did_key(),
            verification_method: key.did_key_verification_method(),
            key: key.clone(),
            suites,
        };
        let one_by_one = nested.iter().map(|c| signer.sign_credential(c, CREATED).expect("signs")).collect();
        let expected = signer.sign_credential(&with_nested(outer.clone(), one_by_one), CREATED).expect("signs");
        let wrap = |signed| with_nested(outer.clone(), signed);
        let signed = signer.sign_transcript(nested.clone(), wrap, CREATED).expect("signs");
        assert!(signed == expected, "sign_transcript differs from signing one by one");
    }
}

/// `outer` with `nested` as its `credentialSubject.verifiableCredential`.
fn with_nested(mut outer: Value, nested: Vec<Value>) -> Value {
    outer["credentialSubject"]["verifiableCredential"] = Value::Array(nested);
    outer
}

/// A copy of the synthetic learner's transcript with fresh `id`s.
fn fresh_learner((outer, nested): &(Value, Vec<Value>), n: usize) -> (Value, Vec<Value>) {
    let mut outer = outer.clone();
    outer["id"] = Value::String(format!("urn:uuid:00000000-0000-4000-8000-{n:012}"));
    let nested = nested
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut c = c.clone();
            c["id"] = Value::String(format!("urn:uuid:00000000-0000-4000-9000-{:012}", n * 1000 + i));
            c
        })
        .collect();
    (outer, nested)
}
