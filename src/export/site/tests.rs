use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::status::Bitstring;
use sha2::Digest;

fn secret(text: &str) -> SiteSecret {
    SiteSecret::parse(text).unwrap()
}

const SECRET: &str = "q2Xv9mN4pL7sT1wY6zB3cD8fG5hJ0kR2uE7iO4aS9dF";

#[test]
fn a_secret_is_long_and_varied_and_never_printed() {
    assert_eq!(SiteSecret::parse("short").unwrap_err(), SecretError::TooShort(5));
    assert!(matches!(SiteSecret::parse(&"ab".repeat(40)), Err(SecretError::NotRandom(2))));
    let s = secret(&format!("  {SECRET}\n"));
    assert_eq!(format!("{s:?}"), "SiteSecret(…)");
    assert!(!format!("{:?}", SecretError::TooShort(3)).contains(SECRET));
    assert!(!s.fingerprint().contains(SECRET) && s.fingerprint().len() == 52);
}

#[test]
fn tokens_are_keyed_hashes_of_the_credential_id() {
    let id = "urn:uuid:ef8ebf85-5571-566a-a893-3f98ba637b31";
    let (a, b) = (secret(SECRET), secret(&SECRET.replace('q', "Q")));
    let t = token(&a, id);
    assert_eq!(t.len(), 32);
    assert!(t.bytes().all(|c| c.is_ascii_lowercase() || (b'2'..=b'7').contains(&c)), "{t}");
    assert_eq!(t, token(&a, id), "deterministic");
    assert_ne!(t, token(&b, id), "another secret, another token");
    assert_ne!(t, token(&a, "urn:uuid:ef8ebf85-5571-566a-a893-3f98ba637b32"));
    // Not a hash of the id alone.
    let unkeyed = base32(&Sha256::digest(id.as_bytes())[..TOKEN_BYTES]);
    assert_ne!(t, unkeyed);
    assert_eq!(page_url("https://r.example.edu/verify/", &t), format!("https://r.example.edu/verify/{t}/"));
    let demo = SiteSecret::demo("did:key:z6Mk#z6Mk");
    assert!(demo.is_demo() && format!("{demo:?}") == "SiteSecret(demo)");
}

#[test]
fn base32_follows_rfc_4648() {
    // RFC 4648 §10 test vectors, lowercased, without padding.
    for (input, expected) in [
        ("", ""),
        ("f", "my"),
        ("fo", "mzxq"),
        ("foo", "mzxw6"),
        ("foob", "mzxw6yq"),
        ("fooba", "mzxw6ytb"),
        ("foobar", "mzxw6ytboi"),
    ] {
        assert_eq!(base32(input.as_bytes()), expected);
    }
}

#[test]
fn the_layout_follows_the_urls() {
    let l = SiteLayout::new(
        "https://r.example.edu/verify/",
        Some("https://r.example.edu/status/"),
        "did:web:r.example.edu",
    )
    .unwrap();
    assert_eq!(
        (l.verify.as_str(), l.status.as_deref(), l.did.as_deref()),
        ("verify/", Some("status/"), Some(".well-known/did.json"))
    );
    assert_eq!(l.page_dir("abc"), "verify/abc/");
    let l = SiteLayout::new("https://r.example.edu/a/v/", None, "did:web:r.example.edu:issuers:x").unwrap();
    assert_eq!((l.verify.as_str(), l.did.as_deref()), ("a/v/", Some("issuers/x/did.json")));
    assert!(SiteLayout::new("https://r.example.edu/verify/", None, "did:key:z6Mk").unwrap().did.is_none());
    for bad in [
        "https://r.example.edu/verify",
        "ftp://r/x/",
        "https://r.example.edu/../x/",
        "https:///x/",
        "https://r.example.edu//etc/",
    ] {
        assert!(SiteLayout::new(bad, None, "").is_err(), "{bad}");
    }
    let other = SiteLayout::new("https://r.example.edu/verify/", Some("https://s.example.edu/status/"), "");
    assert!(matches!(other, Err(LayoutError::OtherOrigin { .. })));
}

fn clr(name: &str) -> serde_json::Value {
    json!({
        "id": "urn:uuid:1",
        "name": "Comprehensive Learner Record",
        "issuer": { "id": "did:web:r.example.edu", "name": "Northbridge <Institute>" },
        "validFrom": "2026-06-15T00:00:00Z",
        "credentialSubject": {
            "identifier": [
                { "identityType": "name", "hashed": false, "identityHash": name },
                { "identityType": "sisSourcedId", "hashed": true, "identityHash": "sha256$00" }
            ],
            "verifiableCredential": [
                { "credentialSubject": {
                    "achievement": { "achievementType": "Course", "name": "CS 110: Programming",
                        "resultDescription": [{ "id": "urn:rd:1", "resultType": "LetterGrade" }] },
                    "result": [{ "resultDescription": "urn:rd:1", "value": "A-" }],
                    "term": "Fall 2024" } },
                { "credentialSubject": {
                    "achievement": { "achievementType": "ext:AcademicTerm", "name": "Fall 2024 term record",
                        "resultDescription": [{ "id": "urn:rd:2", "resultType": "GradePointAverage" }] },
                    "result": [{ "resultDescription": "urn:rd:2", "value": "3.38" }],
                    "term": "Fall 2024" } },
                { "credentialSubject": { "achievement": { "achievementType": "BachelorDegree", "name": "BSc" } } }
            ]
        },
        "credentialStatus": {
            "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "9",
            "statusListCredential": "https://r.example.edu/status/revocation-1.json"
        }
    })
}

fn lists(bit: Option<usize>) -> BTreeMap<String, Bitstring> {
    let mut bits = Bitstring::new(131_072);
    if let Some(i) = bit {
        bits.set(i, true);
    }
    BTreeMap::from([("https://r.example.edu/status/revocation-1.json".to_string(), bits)])
}

#[test]
fn a_record_holds_what_the_transcript_shows() {
    let sha = BTreeMap::from([("clr.json".to_string(), "ab".repeat(32))]);
    let r = record_of(&clr("José Muñoz"), sha.clone(), &lists(None)).unwrap();
    assert_eq!(
        (r.institution.as_str(), r.learner.as_str(), r.issued.as_str()),
        ("Northbridge <Institute>", "José Muñoz", "2026-06-15")
    );
    let lines: Vec<(&str, &str, Option<&str>, Option<&str>)> = r
        .credentials
        .iter()
        .map(|c| (c.kind.as_str(), c.title.as_str(), c.term.as_deref(), c.result.as_deref()))
        .collect();
    assert_eq!(
        lines,
        [
            ("Course", "CS 110: Programming", Some("Fall 2024"), Some("A-")),
            ("Term record", "Fall 2024 term record", Some("Fall 2024"), Some("GPA 3.38")),
            ("Degree", "BSc", None, None)
        ]
    );
    assert_eq!(r.status[0].path, "/status/revocation-1.json");
    assert_eq!(r.published_status, PublishedStatus::Valid);
    assert_eq!(record_of(&clr("x"), sha.clone(), &lists(Some(9))).unwrap().published_status, PublishedStatus::Revoked);
    assert_eq!(record_of(&clr("x"), sha.clone(), &lists(Some(10))).unwrap().published_status, PublishedStatus::Valid);
    assert_eq!(record_of(&clr("x"), sha, &BTreeMap::new()).unwrap().published_status, PublishedStatus::Unknown);
    // The hashed student id is not shown.
    assert!(!String::from_utf8(r.to_json()).unwrap().contains("sha256$00"));
}

#[test]
fn the_page_escapes_its_text_and_pins_its_script() {
    let r = record_of(&clr("<script>alert(1)</script> {{learner}} אבי"), BTreeMap::new(), &lists(None)).unwrap();
    let html = page_html(&r);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; {{learner}} אבי"));
    assert!(html.contains("Northbridge &lt;Institute&gt;"));
    // The script's hash is in the policy (CSP3 §8.4: the base64 SHA-256 of the element's text).
    let script = &html[html.find("<script>").unwrap() + 8..html.find("</script>").unwrap()];
    use base64::Engine;
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    assert!(html.contains(&format!("script-src 'sha256-{hash}'")), "{hash}");
    assert!(html.contains("<meta name=\"robots\" content=\"noindex"));
    assert_eq!(html.matches("{{").count(), 1, "every placeholder filled; the name's braces kept as text");
    for forbidden in ["http://", "//cdn", "src=\"http"] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
}

#[test]
fn site_files_list_no_token_outside_its_page() {
    let layout = SiteLayout::new(
        "https://r.example.edu/verify/",
        Some("https://r.example.edu/status/"),
        "did:web:r.example.edu",
    )
    .unwrap();
    let r = record_of(&clr("Ada"), BTreeMap::new(), &lists(None)).unwrap();
    let pages = [("tok".repeat(10), r)];
    let lists = [("revocation-1.json".to_string(), b"{}".to_vec())];
    let files = site_files(&SiteContent {
        layout: &layout,
        institution: "N",
        pages: &pages,
        lists: &lists,
        did_document: Some(b"{}"),
    });
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            ".well-known/did.json",
            "index.html",
            "robots.txt",
            "status/revocation-1.json",
            &format!("verify/{}/index.html", "tok".repeat(10)),
            &format!("verify/{}/record.json", "tok".repeat(10))
        ]
    );
    for (path, bytes) in &files {
        if !path.starts_with("verify/") {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains("toktok") && !text.contains("Ada"), "{path}");
        }
    }
    assert_eq!(String::from_utf8_lossy(&files[2].1), "User-agent: *\nDisallow: /verify/\n");
}
