//! Portable credentials (issue #19): one file per nested credential, read by both verifiers.

use super::*;

const NOW: &str = "2026-06-20T00:00:00Z";

/// Builds the samples with the test key (and `extra` flags); returns the output and the DID document path.
fn portable_build(name: &str, extra: &[&str]) -> (PathBuf, PathBuf) {
    let out = temp_dir(name);
    let built = build(&out, extra);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let doc = xtranscript(&["did-document", "samples", "--key", test_key()]);
    let did = out.join("did.json");
    std::fs::write(&did, &doc.stdout).unwrap();
    (out, did)
}

/// Runs the reference verifier on `files`; `None` when it is not installed (and not required). It is looked
/// for in `../shared/tools/refverify`, or where `REFVERIFY_DIR` says.
pub fn refverify(args: &[&str], files: &[String]) -> Option<Output> {
    let dir = std::env::var_os("REFVERIFY_DIR").map_or_else(|| root().join("../shared/tools/refverify"), PathBuf::from);
    if !dir.join("node_modules").exists() {
        assert!(!tools_required(), "CI must install refverify (npm ci)");
        eprintln!("note: refverify not installed (npm ci in {}); skipped", dir.display());
        return None;
    }
    Some(Command::new("node").arg("verify.mjs").args(args).args(files).current_dir(&dir).output().expect("node"))
}

#[test]
fn every_nested_credential_has_its_own_file_in_the_manifest_that_verifies() {
    let (out, did) = portable_build("portable-files", &[]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let learner = manifest["learners"].as_array().unwrap().iter().find(|l| l["id"] == "N2025002").unwrap();
    let dir = out.join("learners/N2025002");
    let clr_bytes = std::fs::read(dir.join("clr.json")).unwrap();
    let clr: serde_json::Value = serde_json::from_slice(&clr_bytes).unwrap();
    let nested = clr["credentialSubject"]["verifiableCredential"].as_array().unwrap();
    let listed: Vec<&serde_json::Value> = learner["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().starts_with("learners/N2025002/credentials/"))
        .collect();
    assert_eq!(listed.len(), nested.len());
    let mut files = Vec::new();
    for entry in listed {
        let path = out.join(entry["path"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(entry["sha256"], xtranscript::export::hex_sha256(&bytes));
        assert!(clr_bytes.windows(bytes.len()).any(|w| w == &bytes[..]), "{} is not in clr.json", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            ["course-", "term-", "summary-", "award-", "competency-"].iter().any(|k| name.starts_with(k)),
            "{name}"
        );
        files.push(path.to_string_lossy().into_owned());
    }
    let mut args = vec!["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW];
    args.extend(files.iter().map(String::as_str));
    let v = xtranscript(&args);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
    assert_eq!(text(&v.stdout).lines().filter(|l| l.starts_with("OK ")).count(), files.len());
    let picked: Vec<String> = files.iter().step_by(7).cloned().collect();
    if let Some(r) = refverify(&["--did-doc", did.to_str().unwrap(), "--now", NOW], &picked) {
        assert!(r.status.success(), "{}\n{}", text(&r.stdout), text(&r.stderr));
    }
    let _ = std::fs::remove_dir_all(out);
}

const JOSE_SUITE: &str = "../shared/standards/w3c/vc-jose-cose/test-suite/input";

/// Each VC-JOSE-COSE test-suite input gives its expected verdict, with the reason; SD-JWT and COSE inputs
/// (out of scope) say so instead of being misread.
#[test]
fn the_vc_jose_cose_suite_inputs_give_their_expected_results() {
    let suite = root().join(JOSE_SUITE);
    if !suite.exists() {
        eprintln!("note: {} not there; skipped", suite.display());
        return;
    }
    let did_docs = ["vm-ed25519.json", "vm-p256.json", "vm-p384.json", "vm-p521.json"]
        .map(|f| suite.join(f).to_string_lossy().into_owned());
    let expected = [
        ("credential-jose-minimal.txt", "OK", "vc+jwt ES256"),
        ("credential-issuer-match-signed.txt", "OK", "vc+jwt EdDSA"),
        ("credential-jose-bad-signature.txt", "FAIL", "signature does not match"),
        ("credential-jose-bad-media-type.txt", "FAIL", "typ \"bad+typ\""),
        ("credential-jose-vc-vp-claims.txt", "FAIL", "vc or vp claim"),
        ("credential-jose-unknown-extensions.txt", "OK", "vc+jwt ES512"),
        ("presentation-jose-bad-credential.txt", "FAIL", "presentations are not verified"),
        ("presentation-jose-multiple.txt", "FAIL", "presentations are not verified"),
        ("credential-sdjwt-selective.txt", "FAIL", "SD-JWT"),
        ("credential-cose-minimal.txt", "FAIL", "COSE_Sign1"),
        ("credential-cose-minimal-not-base64.txt", "FAIL", "COSE_Sign1"),
    ];
    for (file, verdict, reason) in expected {
        let path = suite.join(file).to_string_lossy().into_owned();
        let mut args = vec!["verify"];
        for doc in &did_docs {
            args.extend(["--did-doc", doc.as_str()]);
        }
        args.push(&path);
        let v = xtranscript(&args);
        let stdout = text(&v.stdout);
        assert!(stdout.starts_with(verdict) && stdout.contains(reason), "{file}: {stdout}");
        assert_eq!(v.status.code(), Some(if verdict == "OK" { 0 } else { 1 }), "{file}");
    }
}

/// 1EdTech's VC-JWT samples: the same verdicts as refverify, with readable reasons (the OB one names no key;
/// the CLR one carries its key as a header jwk, which the output says).
#[test]
fn onedtech_simple_jwt_samples_get_the_reference_verdicts() {
    let ob = root().join("../shared/standards/1edtech/ob-v3p0/samples/simple.jwt");
    let clr = root().join("../shared/standards/1edtech/clr-v2p0/samples/simple.jwt");
    if !ob.exists() {
        eprintln!("note: 1EdTech samples not there; skipped");
        return;
    }
    let v = xtranscript(&["verify", ob.to_str().unwrap()]);
    let stdout = text(&v.stdout);
    assert!(stdout.starts_with("FAIL") && stdout.contains("neither kid nor jwk"), "{stdout}");
    let v = xtranscript(&["verify", clr.to_str().unwrap()]);
    let stdout = text(&v.stdout);
    assert_eq!(v.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("OK") && l.contains("RS256")).count(), 2, "{stdout}");
    assert!(stdout.contains("key taken from the JWS header's jwk"), "{stdout}");
    if let Some(r) = refverify(&[], &[ob.to_string_lossy().into_owned(), clr.to_string_lossy().into_owned()]) {
        let reference = text(&r.stdout);
        assert!(reference.starts_with("FAIL") && reference.contains("\nOK "), "{reference}");
    }
}

/// `build --securing both|jwt`: clr.jwt and credentials/*.jwt (vc+jwt, EdDSA) verify in both verifiers; with
/// `both` the payload keeps the Data Integrity proof, which is verified too; `di` (the default) writes none.
#[test]
fn jwt_secured_outputs_verify_in_both_verifiers() {
    for securing in ["both", "jwt"] {
        let (out, did) = portable_build(&format!("portable-{securing}"), &["--securing", securing]);
        let dir = out.join("learners/N2025007");
        let files = jwt_files(&dir);
        assert!(files.len() > 20);
        let mut args = vec!["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW];
        args.extend(files.iter().map(String::as_str));
        let v = xtranscript(&args);
        let stdout = text(&v.stdout);
        assert_eq!(v.status.code(), Some(0), "{stdout}");
        assert!(stdout.lines().all(|l| !l.contains(".jwt ") || l.contains("vc+jwt EdDSA")), "{stdout}");
        // The credentials' status entries are checked as for embedded proofs: said when not (no lists given),
        // checked against the build's lists when given (this was skipped in silence for JWTs).
        assert!(stdout.lines().all(|l| l.contains("status not checked")), "{stdout}");
        let status_dir = out.join("status");
        args.extend(["--status-dir", status_dir.to_str().unwrap(), "--require-status"]);
        let checked = xtranscript(&args);
        let checked_out = text(&checked.stdout);
        assert_eq!(checked.status.code(), Some(0), "{checked_out}");
        assert!(!checked_out.contains("status not checked") && checked_out.lines().count() >= files.len());
        let clr: Vec<&str> = std::fs::read_to_string(&files[0]).unwrap().leak().split('.').collect();
        use base64::Engine;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(clr[1]).unwrap();
        let payload: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(payload.get("proof").is_some(), securing == "both");
        assert_eq!(payload["iss"], "did:web:registrar.northbridge.example.edu");
        assert!(payload.get("sub").is_none() && !text(&payload.to_string().into_bytes()).contains("N2025007"));
        if let Some(r) = refverify(&["--did-doc", did.to_str().unwrap(), "--now", NOW], &files) {
            assert!(r.status.success(), "{}\n{}", text(&r.stdout), text(&r.stderr));
        }
        let _ = std::fs::remove_dir_all(out);
    }
    let (out, _) = portable_build("portable-di", &[]);
    assert!(!out.join("learners/N2025007/clr.jwt").exists());
    let _ = std::fs::remove_dir_all(out);
}
