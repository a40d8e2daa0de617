//! `publish`: the static site behind the QR codes — its pages, status lists and DID document; nothing in it
//! names a learner outside their own page, tokens need the secret, and the secret is never written anywhere.

use super::*;

/// A site secret for the tests (never a real one).
const SECRET: &str = "t3st-only-9Qm2Lx7Vb4Nc8Zr1Ks6Hw0Jd5Fg3Pa7Ue2Yi";
const NOW: &str = "2026-07-01T00:00:00Z";

/// A copy of the samples with `[site]` (its secret in a 0600 file; `dir` when given) in `dir/input`.
fn site_input(dir: &Path, site_dir: Option<&str>) -> PathBuf {
    let input = dir.join("input");
    copy_dir(&root().join("samples"), &input);
    let mut toml = std::fs::read_to_string(input.join("institution.toml")).unwrap();
    toml.push_str("\n[site]\nsecret_file = \"site.secret\"\n");
    if let Some(site) = site_dir {
        toml.push_str(&format!("dir = {site:?}\n"));
    }
    std::fs::write(input.join("institution.toml"), toml).unwrap();
    std::fs::write(input.join("site.secret"), format!("{SECRET}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(input.join("site.secret"), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    input
}

fn run_ok(args: &[&str]) -> Output {
    let out = xtranscript(args);
    assert_eq!(out.status.code(), Some(0), "{args:?}:\n{}{}", text(&out.stdout), text(&out.stderr));
    out
}

/// The page address printed in a learner's transcript.html (what the QR code encodes).
fn printed_url(out: &Path, learner: &str) -> String {
    let html = std::fs::read_to_string(out.join("learners").join(learner).join("transcript.html")).unwrap();
    let at = html.find("<a href=\"https://registrar.northbridge.example.edu/verify/").expect("a verification link");
    let rest = &html[at + 9..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// The learners' ids and names (given, family, display) from samples/learners.csv.
fn learner_words() -> Vec<String> {
    let csv = std::fs::read_to_string(root().join("samples/learners.csv")).unwrap();
    let mut words = Vec::new();
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        words.extend(fields[..5].iter().filter(|f| f.chars().count() >= 2).map(|f| f.to_string()));
    }
    words
}

#[test]
fn build_publishes_a_site_that_names_no_learner_outside_their_page() {
    let dir = temp_dir("site");
    let input = site_input(&dir, Some("../site"));
    let (out, site) = (dir.join("out"), dir.join("site"));
    let (i, o) = (input.to_str().unwrap(), out.to_str().unwrap());
    let built = run_ok(&["build", i, "--out", o, "--key", test_key(), "-q"]);
    assert!(text(&built.stderr).contains("published 28 verification page(s), 1 status list(s), the DID document"));
    let files = tree(&site);

    // Every learner's printed URL (the QR code's) is a page of the site: verification_url + token + "/".
    let mut tokens = std::collections::BTreeSet::new();
    for n in 1..=28 {
        let url = printed_url(&out, &format!("N{}", 2025000 + n));
        let token = url.trim_start_matches("https://registrar.northbridge.example.edu/verify/").trim_end_matches('/');
        assert!(
            token.len() == 32 && token.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)),
            "{url}"
        );
        for name in ["index.html", "record.json"] {
            assert!(files.contains_key(&Path::new("verify").join(token).join(name)), "{url}: no {name}");
        }
        tokens.insert(token.to_string());
    }
    assert_eq!(tokens.len(), 28);
    let mut paths: Vec<String> = files.keys().map(|p| p.to_string_lossy().into_owned()).collect();
    paths.retain(|p| !p.starts_with("verify/"));
    paths.sort();
    assert_eq!(paths, [".well-known/did.json", "index.html", "robots.txt", "status/revocation-1.json"]);
    assert_eq!(text(&files[Path::new("robots.txt")]), "User-agent: *\nDisallow: /verify/\n");
    assert_eq!(
        files[Path::new("status/revocation-1.json")],
        std::fs::read(out.join("status/revocation-1.json")).unwrap()
    );
    let did = run_ok(&["did-document", i, "--key", test_key()]);
    assert_eq!(files[Path::new(".well-known/did.json")], did.stdout);

    // Nothing outside a page's own directory names a learner or a token; no page names another learner's token.
    let words = learner_words();
    for (path, bytes) in &files {
        let content = text(bytes);
        let own =
            path.strip_prefix("verify").ok().and_then(|p| p.iter().next()).map(|t| t.to_string_lossy().into_owned());
        for token in &tokens {
            assert!(
                own.as_ref() == Some(token) || !content.contains(token.as_str()),
                "{}: names token {token}",
                path.display()
            );
        }
        if own.is_none() {
            for word in &words {
                assert!(!content.contains(word.as_str()), "{}: names {word:?}", path.display());
            }
        }
        if path.extension().is_some_and(|e| e == "html") {
            // Self-contained: no reference to any file or host, not indexed, pinned by a policy.
            assert!(content.contains("<meta name=\"robots\" content=\"noindex"), "{}", path.display());
            assert!(content.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"));
            for reference in ["src=", "href=", "url(", "@import"] {
                assert!(!content.contains(reference), "{}: {reference}", path.display());
            }
        }
        // No third-party URL anywhere: only the site's own (the status lists it names) and, in the DID document
        // and the signed lists, the JSON-LD context URLs (identifiers, never fetched).
        let own =
            ["https://registrar.northbridge.example.edu/", "https://www.w3.org/ns/", "https://w3id.org/security/"];
        for (at, _) in content.match_indices("://") {
            let start = content[..at].rfind(|c: char| !c.is_ascii_alphanumeric()).map_or(0, |s| s + 1);
            let url = &content[start..];
            assert!(own.iter().any(|o| url.starts_with(o)), "{}: {}", path.display(), &url[..url.len().min(80)]);
        }
        // The secret is never written.
        assert!(!content.contains(SECRET), "{}", path.display());
    }
    for (path, bytes) in tree(&out) {
        assert!(!text(&bytes).contains(SECRET), "OUT/{}", path.display());
    }
    assert!(!text(&built.stdout).contains(SECRET) && !text(&built.stderr).contains(SECRET));

    // A page shows what the transcript shows.
    let url = printed_url(&out, "N2025011");
    let token = url.rsplit('/').nth(1).unwrap();
    let record: serde_json::Value =
        serde_json::from_slice(&files[&Path::new("verify").join(token).join("record.json")]).unwrap();
    assert_eq!(record["learner"], "ليلى حداد");
    assert_eq!(record["publishedStatus"], "valid");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let entry = manifest["learners"].as_array().unwrap().iter().find(|l| l["id"] == "N2025011").unwrap();
    for (name, file) in [("clr.json", &entry["files"][0]), ("transcript.pdf", &entry["files"][1])] {
        assert!(file["path"].as_str().unwrap().ends_with(name));
        assert_eq!(record["sha256"][name], file["sha256"]);
    }
    assert!(record["credentials"].as_array().unwrap().iter().any(|c| c["kind"] == "Course" && c["result"].is_string()));

    // `publish` writes the same site again, byte for byte; with another secret, every token changes.
    let again = dir.join("again");
    let summary = run_ok(&["publish", o, "--site", again.to_str().unwrap(), "--key", test_key()]);
    assert!(text(&summary.stdout).starts_with("published 28 verification page(s)"), "{}", text(&summary.stdout));
    assert!(tree(&again) == files, "publish and build wrote different sites");
    let other = dir.join("other");
    let run = Command::new(env!("CARGO_BIN_EXE_xtranscript"))
        .args(["publish", o, "--site", other.to_str().unwrap(), "--key", test_key()])
        .env("XTRANSCRIPT_SITE_SECRET", SECRET.replace('t', "T"))
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let other_tokens: std::collections::BTreeSet<String> = std::fs::read_dir(other.join("verify"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(other_tokens.len(), 28);
    assert!(other_tokens.is_disjoint(&tokens), "a token did not depend on the secret");

    // Revoking updates the site in the same step: its list, and the page's record.
    let revoke = run_ok(&revoke_args(o, "N2025011", NOW));
    let updated = ": 1 page(s) of learner \"N2025011\", 1 status list(s), the DID document (3 file(s) written)";
    assert!(text(&revoke.stdout).contains(updated), "{}", text(&revoke.stdout));
    let after = tree(&site);
    assert_eq!(
        after[Path::new("status/revocation-1.json")],
        std::fs::read(out.join("status/revocation-1.json")).unwrap()
    );
    let record: serde_json::Value =
        serde_json::from_slice(&after[&Path::new("verify").join(token).join("record.json")]).unwrap();
    assert_eq!(record["publishedStatus"], "revoked");
    let changed: Vec<&PathBuf> = after.keys().filter(|p| after[*p] != files[*p]).collect();
    assert_eq!(changed.len(), 3, "the list and the revoked learner's page and record: {changed:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_qr_code_decodes_to_the_page_address() {
    let dir = temp_dir("site-qr");
    let input = site_input(&dir, None);
    let out = dir.join("out");
    run_ok(&[
        "build",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--key",
        test_key(),
        "-q",
        "--outputs",
        "clr,pdf,html",
    ]);
    let url = printed_url(&out, "N2025008");
    assert!(url.starts_with("https://registrar.northbridge.example.edu/verify/") && url.ends_with('/'));
    let pdf = out.join("learners/N2025008/transcript.pdf");
    let png = dir.join("page");
    let raster = Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .output();
    let (Ok(raster), Ok(decoded)) =
        (raster, Command::new("zbarimg").args(["--raw", "-q"]).arg(png.with_extension("png")).output())
    else {
        assert!(!tools_required(), "pdftoppm and zbarimg are required in CI");
        eprintln!("note: pdftoppm or zbarimg not installed; the QR code not decoded");
        return;
    };
    assert!(raster.status.success(), "{}", text(&raster.stderr));
    assert_eq!(text(&decoded.stdout).trim_end(), url);
    let pdf_text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let printed = text(&pdf_text.stdout).replace('\n', "");
    assert!(printed.contains(&url), "the PDF prints the page's address");
    assert!(
        printed.contains("https://registrar.northbridge.example.edu/status/revocation-1.json"),
        "and the status list"
    );
    // #16.7: the PDF and HTML verification blocks say where the status is checked.
    let words = text(&pdf_text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("is shown live on the page at the verification address"), "{words}");
    let html = std::fs::read_to_string(out.join("learners/N2025008/transcript.html")).unwrap();
    for expected in [
        "Status list (revocation), checked by verifiers: <code>https://registrar.northbridge.example.edu/status/revocation-1.json</code>",
        "is shown live on the page at the verification address",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn check_warns_of_enumerable_urls_and_refuses_a_weak_site_secret() {
    let out = xtranscript(&["check", "samples"]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("samples/institution.toml:") && stderr.contains(": XT0802: warning: verification URLs are"),
        "{stderr}"
    );
    let dir = temp_dir("site-weak");
    let input = site_input(&dir, None);
    let (i, o) = (input.to_str().unwrap(), dir.join("out"));
    let quiet = xtranscript(&["check", i]);
    assert!(
        !text(&quiet.stderr).contains("XT0802") && !text(&quiet.stderr).contains("XT0801"),
        "{}",
        text(&quiet.stderr)
    );
    std::fs::write(input.join("site.secret"), "password123\n").unwrap();
    let check = xtranscript(&["check", i]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stderr).contains(": XT0801: error: the site secret has 11 characters"),
        "{}",
        text(&check.stderr)
    );
    let build = xtranscript(&["build", i, "--out", o.to_str().unwrap(), "--key", test_key()]);
    assert_eq!(build.status.code(), Some(2), "{}", text(&build.stderr));
    assert!(text(&build.stderr).contains("XT0801") && !text(&build.stderr).contains("password123"));
    assert!(!o.join("manifest.json").exists());
    std::fs::remove_file(input.join("site.secret")).unwrap();
    let missing = xtranscript(&["check", i]);
    assert!(text(&missing.stderr).contains(": XT0801: error: site secret file"), "{}", text(&missing.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_browser_checks_status_and_files_on_the_served_site() {
    let browser = root().join("tests/browser");
    if !browser.join("node_modules").is_dir() || !Path::new("/usr/bin/chromium").exists() {
        assert!(!tools_required(), "tests/browser needs `npm ci` and Debian's chromium in CI");
        eprintln!("note: playwright-core or chromium not installed; the site's browser test not run");
        return;
    }
    let dir = temp_dir("site-browser");
    let input = site_input(&dir, Some("../site"));
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    run_ok(&["build", input.to_str().unwrap(), "--out", o, "--key", test_key(), "-q", "--outputs", "clr,pdf,html"]);
    let path = |learner: &str| printed_url(&out, learner).replace("https://registrar.northbridge.example.edu", "");
    let learner = out.join("learners/N2025001");
    let tampered = dir.join("tampered-clr.json");
    let clr = std::fs::read_to_string(learner.join("clr.json")).unwrap();
    std::fs::write(&tampered, clr.replacen("\"value\":\"B\"", "\"value\":\"A\"", 1)).unwrap();
    let shots = root().join("target/site-screenshots");
    let plan = serde_json::json!({
        "site": dir.join("site"),
        "main": path("N2025001"),
        "clr": learner.join("clr.json"),
        "pdf": learner.join("transcript.pdf"),
        "tampered": tampered,
        "axe": [
            { "name": "latin", "path": path("N2025001") },
            { "name": "arabic-rtl", "path": path("N2025011") },
            { "name": "hebrew-rtl", "path": path("N2025012") },
            { "name": "cjk", "path": path("N2025008") },
        ],
        "revoke": [env!("CARGO_BIN_EXE_xtranscript"), "revoke", o, "--learner", "N2025001", "--reason", "issued in error",
                   "--key", test_key(), "--at", NOW],
        "shots": shots,
    });
    let plan_file = dir.join("plan.json");
    std::fs::write(&plan_file, plan.to_string()).unwrap();
    let run = Command::new("node").arg("site.mjs").arg(&plan_file).current_dir(&browser).output().expect("node runs");
    let report = text(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{report}\n{}", text(&run.stderr));
    for line in [
        "OK the page shows Valid",
        "OK the matching clr.json matches",
        "OK the matching transcript.pdf matches",
        "OK a tampered clr.json does not match",
        "OK axe-core: no violation on the arabic-rtl learner's page",
        "OK axe-core: no violation on the cjk learner's page",
        "OK after revoke, a reload shows Revoked",
    ] {
        assert!(report.contains(line), "{line}:\n{report}");
    }
    assert!(shots.join("revoked.png").is_file());
    let _ = std::fs::remove_dir_all(dir);
}

/// The status a page of the site publishes (its record.json's `publishedStatus`).
fn published_status(site: &Path, token: &str) -> serde_json::Value {
    let record = std::fs::read(site.join("verify").join(token).join("record.json")).unwrap();
    serde_json::from_slice::<serde_json::Value>(&record).unwrap()["publishedStatus"].clone()
}

#[test]
fn a_learner_withdrawn_from_a_later_run_keeps_their_page() {
    let dir = temp_dir("site-withdrawn");
    let input = site_input(&dir, Some("../site"));
    let (out, site) = (dir.join("out"), dir.join("site"));
    let (i, o) = (input.to_str().unwrap(), out.to_str().unwrap());
    run_ok(&["build", i, "--out", o, "--key", test_key(), "-q"]);
    let url = printed_url(&out, "N2025002");
    let token = url.rsplit('/').nth(1).unwrap().to_string();
    // A partial export: N2025002 is not in it. Their transcript was not revoked, so its QR code must still lead
    // to a page, which checks its status like any other.
    drop_learner(&input, "N2025002");
    let again = run_ok(&["build", i, "--out", o, "--key", test_key(), "-q"]);
    assert!(text(&again.stderr).contains("published 28 verification page(s)"), "{}", text(&again.stderr));
    assert!(out.join("withdrawn/N2025002/clr.json").is_file());
    assert_eq!(published_status(&site, &token), "valid");
    // Revoking them updates their page.
    let revoke = run_ok(&revoke_args(o, "N2025002", NOW));
    assert!(text(&revoke.stdout).contains("1 page(s) of learner \"N2025002\""), "{}", text(&revoke.stdout));
    assert_eq!(published_status(&site, &token), "revoked");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_published_did_document_names_the_key_of_the_jwts() {
    let dir = temp_dir("site-jwt-key");
    let input = site_input(&dir, Some("../site"));
    let (out, site) = (dir.join("out"), dir.join("site"));
    let (i, o) = (input.to_str().unwrap(), out.to_str().unwrap());
    let key = root().join("tests/fixtures/test-jwt-p256.pem");
    let jwt = ["--securing", "both", "--jwt-key", key.to_str().unwrap(), "--outputs", "clr"];
    run_ok(&[&["build", i, "--out", o, "--key", test_key(), "-q"][..], &jwt[..]].concat());
    // What `did-document --jwt-key` prints is what the site serves: verifiers resolve the JWTs' kid there.
    let expected = run_ok(&["did-document", i, "--key", test_key(), "--jwt-key", key.to_str().unwrap()]);
    let did = site.join(".well-known/did.json");
    assert_eq!(std::fs::read(&did).unwrap(), expected.stdout);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["jwtKey"]["alg"], "ES256");
    assert!(manifest["jwtKey"]["publicJwk"].get("d").is_none(), "no private member");
    let clr = out.join("learners/N2025004/clr.jwt");
    let v = run_ok(&["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW, clr.to_str().unwrap()]);
    assert!(text(&v.stdout).starts_with("OK"), "{}", text(&v.stdout));
    // A manifest whose key is not the one its kid names is refused, not published.
    let other = dir.join("other.pem");
    run_ok(&["keygen", "--alg", "p256", "--out", other.to_str().unwrap()]);
    let doc = run_ok(&["did-document", i, "--key", test_key(), "--jwt-key", other.to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_slice(&doc.stdout).unwrap();
    let mut forged = manifest.clone();
    forged["jwtKey"]["publicJwk"] = doc["verificationMethod"][1]["publicKeyJwk"].clone();
    assert_ne!(forged["jwtKey"], manifest["jwtKey"]);
    std::fs::write(out.join("manifest.json"), serde_json::to_vec_pretty(&forged).unwrap()).unwrap();
    let refused = xtranscript(&["publish", o, "--key", test_key()]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("jwtKey"), "{}", text(&refused.stderr));
    let _ = std::fs::remove_dir_all(dir);
}
