//! Signing and verifying through the CLI: keys, did:web, tampering, the 1EdTech
//! samples, and the independent reference verifier (refverify).

use super::*;

const NOW: &str = "2026-06-20T00:00:00Z";

/// Builds the samples signed with `suite`, and the DID document of the test key.
fn signed_build(name: &str, suite: &str) -> (PathBuf, PathBuf) {
    let out = temp_dir(name);
    let built = build(&out, &["--suite", suite]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let doc = xtranscript(&["did-document", "samples", "--key", test_key()]);
    assert_eq!(doc.status.code(), Some(0), "{}", text(&doc.stderr));
    let did = out.join("did.json");
    std::fs::write(&did, &doc.stdout).unwrap();
    (out, did)
}

fn clr_files(out: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(out.join("learners"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("clr.json").to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn every_signed_output_verifies_and_one_tampered_byte_fails() {
    let (out, did) = signed_build("signed-both", "both");
    let files = clr_files(&out);
    assert_eq!(files.len(), 28);
    let mut args = vec!["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW];
    args.extend(files.iter().map(String::as_str));
    let v = xtranscript(&args);
    let stdout = text(&v.stdout);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        stdout.lines().filter(|l| l.starts_with("FAIL")).take(3).collect::<Vec<_>>().join("\n")
    );
    assert!(stdout.lines().count() > 28 * 20, "every nested credential gets a line");
    let clr: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[1]).unwrap()).unwrap();
    let suites: Vec<&str> =
        clr["proof"].as_array().unwrap().iter().map(|p| p["cryptosuite"].as_str().unwrap()).collect();
    assert_eq!(suites, ["eddsa-rdfc-2022", "eddsa-jcs-2022"]);
    assert_eq!(clr["issuer"]["id"], "did:web:registrar.northbridge.example.edu");

    // One byte of one course's grade changed: that course and the CLR fail, nothing else.
    let bytes = std::fs::read(&files[1]).unwrap();
    let at = text(&bytes).find("\"value\":\"A").expect("a grade A…") + "\"value\":\"".len();
    let mut tampered = bytes.clone();
    tampered[at] = b'B';
    let path = out.join("tampered.json");
    std::fs::write(&path, tampered).unwrap();
    let v = xtranscript(&["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW, path.to_str().unwrap()]);
    let stdout = text(&v.stdout);
    assert_eq!(v.status.code(), Some(1));
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(failures.len(), 2, "{stdout}");
    assert!(failures.iter().all(|l| l.contains("signature does not match")), "{stdout}");
    // Without the DID document the did:web key is unknown.
    let v = xtranscript(&["verify", "--now", NOW, &files[0]]);
    assert!(text(&v.stdout).contains("unknown verification method"), "{}", text(&v.stdout));
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn build_without_a_key_is_refused_and_demo_keys_are_recorded() {
    let out = temp_dir("no-key");
    let refused = xtranscript(&["build", "samples", "--out", out.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("--demo-key"));
    let demo = xtranscript(&["build", "samples", "--out", out.to_str().unwrap(), "--demo-key"]);
    assert_eq!(demo.status.code(), Some(0), "{}", text(&demo.stderr));
    assert!(text(&demo.stderr).contains("WARNING"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["demoKey"], true);
    assert!(manifest["issuer"].as_str().unwrap().starts_with("did:key:z6Mk"));
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn keygen_writes_a_private_key_and_never_overwrites_silently() {
    let dir = temp_dir("keygen");
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("issuer.key");
    let made = xtranscript(&["keygen", "--out", key.to_str().unwrap()]);
    assert_eq!(made.status.code(), Some(0));
    let stdout = text(&made.stdout);
    assert!(stdout.contains("did:key:z6Mk"));
    let secret = std::fs::read_to_string(&key).unwrap();
    let secret_line = secret.lines().find(|l| !l.starts_with('#')).unwrap();
    assert!(!stdout.contains(secret_line), "the secret must not be printed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert_eq!(xtranscript(&["keygen", "--out", key.to_str().unwrap()]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_1edtech_samples_verify_and_their_negatives_fail_for_the_right_reason() {
    let dir = root().join("../shared/standards/1edtech");
    if !dir.exists() {
        eprintln!("note: ../shared/standards not present; skipped");
        return;
    }
    let path = |p: &str| dir.join(p).to_string_lossy().into_owned();
    let run = |p: &str| {
        text(
            &xtranscript(&[
                "verify",
                "--fragment-keys",
                "--no-issuer-check",
                "--now",
                "2025-01-01T00:00:00Z",
                &path(p),
            ])
            .stdout,
        )
    };
    for ok in [
        "ob-v3p0/samples/simple.json",
        "ob-v3p0/samples/simple-eddsa-2022.json",
        "ob-v3p0/samples/simple_v1.json",
        "clr-v2p0/samples/simple_v1.json",
        "clr-v2p0/samples/complex.json",
    ] {
        let out = run(ok);
        assert!(out.lines().all(|l| l.starts_with("OK")), "{ok}:\n{out}");
    }
    for (bad, reason) in [
        ("ob-v3p0/samples/negative/simple-err-expired.json", "expired at 2010-01-01"),
        ("ob-v3p0/samples/negative/simple-err-issuer-type.json", "undefined JSON-LD term \"InvalidProfile\""),
        ("ob-v3p0/samples/negative/simple-err-proof-value.json", "signature does not match"),
        ("ob-v3p0/samples/negative/simple-err-type.json", "undefined JSON-LD term \"OtherCredential\""),
        (
            "ob-v3p0/samples/negative/simple-err-context.json",
            "the first entry must be https://www.w3.org/ns/credentials/v2",
        ),
    ] {
        let out = run(bad);
        assert!(out.starts_with("FAIL") && out.contains(reason), "{bad}: expected {reason:?}:\n{out}");
    }
    // Keys are not taken from fragments unless asked.
    let strict =
        text(&xtranscript(&["verify", "--now", "2025-01-01T00:00:00Z", &path("ob-v3p0/samples/simple.json")]).stdout);
    assert!(strict.contains("unknown verification method"), "{strict}");
}

/// The independent reference verifier (Digital Bazaar's stack) accepts what `build`
/// signs, for both suites. CI installs it (`npm ci` in ../shared/tools/refverify).
#[test]
fn the_reference_verifier_accepts_signed_outputs() {
    let refverify = root().join("../shared/tools/refverify");
    if !refverify.join("node_modules").exists() {
        assert!(!tools_required(), "CI must install refverify (npm ci)");
        eprintln!("note: refverify not installed (npm ci in {}); skipped", refverify.display());
        return;
    }
    for suite in ["rdfc", "jcs"] {
        let (out, did) = signed_build(&format!("refverify-{suite}"), suite);
        let files = clr_files(&out);
        // The transfer learner (PESC), a CJK name, an RTL name, and one more.
        let picked: Vec<&String> = files
            .iter()
            .filter(|f| ["N2025002", "N2025007", "N2025008", "N2025011"].iter().any(|id| f.contains(id)))
            .collect();
        let result = Command::new("node")
            .arg("verify.mjs")
            .args(["--did-doc", did.to_str().unwrap(), "--now", NOW])
            .args(&picked)
            .current_dir(&refverify)
            .output()
            .expect("run node");
        let stdout = text(&result.stdout);
        assert!(
            result.status.success(),
            "refverify ({suite}):\n{}\n{}",
            stdout.lines().filter(|l| !l.starts_with("OK")).collect::<Vec<_>>().join("\n"),
            text(&result.stderr)
        );
        assert!(stdout.lines().filter(|l| l.starts_with("OK")).count() > 4 * 20, "{stdout}");
        let _ = std::fs::remove_dir_all(out);
    }
}
