//! JWTs signed with P-256 (ES256) and RSA (RS256) keys beside the Ed25519 Data Integrity key (issue #19,
//! point 3): `keygen --alg`, `build --jwt-key`, `did-document --jwt-key`, read by both verifiers.

use super::portable::refverify;
use super::*;

const NOW: &str = "2026-06-20T00:00:00Z";
const P256_KEY: &str = "tests/fixtures/test-jwt-p256.pem";
const RSA_KEY: &str = "tests/fixtures/test-jwt-rsa.pem";

fn header_of(jws: &str) -> serde_json::Value {
    use base64::Engine;
    let part = jws.split('.').next().unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[test]
fn jwts_signed_with_p256_and_rsa_keys_verify_in_both_verifiers() {
    for (key, alg) in [(P256_KEY, "ES256"), (RSA_KEY, "RS256")] {
        let out = temp_dir(&format!("jwt-key-{alg}"));
        let built = build(&out, &["--securing", "both", "--jwt-key", key, "--outputs", "clr"]);
        assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
        let doc = xtranscript(&["did-document", "samples", "--key", test_key(), "--jwt-key", key]);
        assert_eq!(doc.status.code(), Some(0), "{}", text(&doc.stderr));
        let did = out.join("did.json");
        std::fs::write(&did, &doc.stdout).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&doc.stdout).unwrap();
        let method = &doc["verificationMethod"][1];
        assert_eq!(method["type"], "JsonWebKey");
        assert!(method["publicKeyJwk"].get("d").is_none());
        assert_eq!(doc["assertionMethod"][1], method["id"]);

        let dir = out.join("learners/N2025007");
        let mut files = jwt_files(&dir);
        assert!(files.len() > 20);
        let header = header_of(&std::fs::read_to_string(&files[0]).unwrap());
        assert_eq!((header["alg"].as_str(), &header["kid"]), (Some(alg), &method["id"]));
        let mut args = vec!["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW];
        args.extend(files.iter().map(String::as_str));
        let v = xtranscript(&args);
        let stdout = text(&v.stdout);
        assert_eq!(v.status.code(), Some(0), "{stdout}");
        let jwt_lines = stdout.lines().filter(|l| l.contains(".jwt ")).count();
        assert_eq!(stdout.lines().filter(|l| l.contains(&format!("vc+jwt {alg}"))).count(), jwt_lines, "{stdout}");
        // The Data Integrity proofs stay eddsa: clr.json verifies with the same DID document.
        let clr = dir.join("clr.json").to_string_lossy().into_owned();
        let v = xtranscript(&["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW, &clr]);
        assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
        files.push(clr);
        if let Some(r) = refverify(&["--did-doc", did.to_str().unwrap(), "--now", NOW], &files) {
            assert!(r.status.success(), "{}\n{}", text(&r.stdout), text(&r.stderr));
        }
        // Without the JWT key in the DID document, the JWTs do not verify.
        let plain = xtranscript(&["did-document", "samples", "--key", test_key()]);
        std::fs::write(&did, &plain.stdout).unwrap();
        let v = xtranscript(&["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW, &files[0]]);
        assert!(text(&v.stdout).starts_with("FAIL") && text(&v.stdout).contains("unknown key"), "{}", text(&v.stdout));
        let _ = std::fs::remove_dir_all(out);
    }
}

#[test]
fn a_jwt_key_needs_jwt_securing_and_a_did_web_issuer() {
    let out = temp_dir("jwt-key-refused");
    let di = build(&out, &["--jwt-key", P256_KEY]);
    assert_eq!(di.status.code(), Some(2), "{}", text(&di.stderr));
    assert!(text(&di.stderr).contains("--securing jwt"), "{}", text(&di.stderr));
    let demo = xtranscript(&[
        "build",
        "samples",
        "--out",
        out.to_str().unwrap(),
        "--demo-key",
        "--securing",
        "jwt",
        "--jwt-key",
        P256_KEY,
    ]);
    let stderr = text(&demo.stderr);
    assert_ne!(demo.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("XT0606") && stderr.contains("needs a did:web issuer"), "{stderr}");
    let bad = build(&out, &["--securing", "jwt", "--jwt-key", "samples/learners.csv"]);
    let stderr = text(&bad.stderr);
    assert!(stderr.contains("XT0606") && stderr.contains("neither a PKCS#8 PEM private key"), "{stderr}");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn keygen_writes_private_pkcs8_pem_keys_for_each_algorithm() {
    let dir = temp_dir("keygen-alg");
    std::fs::create_dir_all(&dir).unwrap();
    for (alg, extra) in [("p256", vec![]), ("rsa", vec!["--bits", "2048"])] {
        let path = dir.join(format!("{alg}.pem"));
        let mut args = vec!["keygen", "--alg", alg, "--out", path.to_str().unwrap()];
        args.extend(extra);
        let made = xtranscript(&args);
        assert_eq!(made.status.code(), Some(0), "{}", text(&made.stderr));
        let pem = std::fs::read_to_string(&path).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
        assert!(!text(&made.stdout).contains(&pem[28..60]), "the secret is not printed");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let again = xtranscript(&["keygen", "--alg", alg, "--out", path.to_str().unwrap()]);
        assert_eq!(again.status.code(), Some(2), "an existing key is not replaced without --force");
        let key = xtranscript::issuer::read_jwt_key_file(&pem).unwrap();
        assert_eq!(key.alg().name(), if alg == "rsa" { "RS256" } else { "ES256" });
        if alg == "p256" {
            assert!(text(&made.stdout).contains("did:key:zDn"), "{}", text(&made.stdout));
        }
    }
    let small = xtranscript(&["keygen", "--alg", "rsa", "--bits", "1024", "--out", dir.join("x").to_str().unwrap()]);
    assert_eq!(small.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_retired_jwt_key_stays_in_the_did_document_so_its_jwts_keep_verifying() {
    let out = temp_dir("jwt-key-retired");
    let built = build(&out, &["--securing", "jwt", "--jwt-key", P256_KEY, "--outputs", "clr"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let old = xtranscript(&["did-document", "samples", "--key", test_key(), "--jwt-key", P256_KEY]);
    let old: serde_json::Value = serde_json::from_slice(&old.stdout).unwrap();
    let (id, jwk) = (&old["verificationMethod"][1]["id"], &old["verificationMethod"][1]["publicKeyJwk"]);
    let thumbprint = id.as_str().unwrap().rsplit('#').next().unwrap();
    // The JWT key moves to RSA; the P-256 key is listed as retired, by its thumbprint and public JWK.
    let input = out.join("input");
    copy_dir(&root().join("samples"), &input);
    let toml_path = input.join("institution.toml");
    let toml = std::fs::read_to_string(&toml_path).unwrap();
    let entry = |id: &str| {
        let members: Vec<String> = jwk.as_object().unwrap().iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!("retired_keys = [{{ id = \"{id}\", public_key_jwk = {{ {} }} }}]\ndid = ", members.join(", "))
    };
    std::fs::write(&toml_path, toml.replacen("did = ", &entry(thumbprint), 1)).unwrap();
    let i = input.to_str().unwrap();
    let doc = xtranscript(&["did-document", i, "--key", test_key(), "--jwt-key", RSA_KEY]);
    assert_eq!(doc.status.code(), Some(0), "{}", text(&doc.stderr));
    let did = out.join("did.json");
    std::fs::write(&did, &doc.stdout).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&doc.stdout).unwrap();
    let methods = doc["verificationMethod"].as_array().unwrap();
    assert_eq!(methods.len(), 3, "the Ed25519 key, the retired P-256 key and the RSA key");
    assert_eq!((&methods[1]["id"], &methods[1]["publicKeyJwk"]), (id, jwk));
    assert_eq!(doc["assertionMethod"][1], *id);
    let clr = out.join("learners/N2025001/clr.jwt").to_string_lossy().into_owned();
    let v = xtranscript(&["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW, &clr]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
    // An id that is not the key's thumbprint would name no JWT's kid: refused.
    std::fs::write(&toml_path, toml.replacen("did = ", &entry("key-9"), 1)).unwrap();
    let bad = xtranscript(&["did-document", i, "--key", test_key()]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    assert!(text(&bad.stderr).contains(&format!("JWK thumbprint, {thumbprint}")), "{}", text(&bad.stderr));
    // `check` says so first, at the line.
    let check = xtranscript(&["check", i]);
    let stderr = text(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("institution.toml:9:25: XT0606: error: retired key \"key-9\""), "{stderr}");
    let _ = std::fs::remove_dir_all(out);
}
