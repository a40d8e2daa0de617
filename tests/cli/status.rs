//! Bitstring Status Lists through the CLI: `verify` checks `credentialStatus` against the lists it is given
//! (`--status-list`, `--status-dir`), says when it could not, and fails under `--require-status`.

use super::*;

const NOW: &str = "2026-06-20T00:00:00Z";
const FIXTURES: &str = "tests/vectors/refverify-status";
const ONE_EDTECH_LIST_URL: &str = "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist";

fn verify(args: &[&str]) -> (i32, String) {
    let mut all = vec!["verify", "--now", NOW];
    all.extend(args);
    let out = xtranscript(&all);
    (out.status.code().unwrap_or(-1), text(&out.stdout))
}

#[test]
fn verify_fails_the_1edtech_revoked_sample_given_its_list_and_notes_it_without() {
    let sample = "tests/vectors/samples/ob/credential-status-revoked.json";
    let list = format!("{ONE_EDTECH_LIST_URL}=tests/vectors/samples/ob/testlist.json");
    let (code, out) = verify(&["--fragment-keys", "--status-list", &list, sample]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with(&format!("FAIL {sample}: revoked (bit 23 of {ONE_EDTECH_LIST_URL})")), "{out}");
    assert!(out.contains("JSON number"), "the numeric index is noted: {out}");
    let (code, out) = verify(&["--fragment-keys", sample]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("(status not checked: {ONE_EDTECH_LIST_URL} not available offline)")), "{out}");
    let (code, out) = verify(&["--fragment-keys", "--require-status", sample]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL") && out.contains("not available offline"), "{out}");
}

#[test]
fn verify_reads_a_status_dir_and_checks_each_credential() {
    let dir = format!("{FIXTURES}/lists");
    let file = |name: &str| format!("{FIXTURES}/{name}");
    let files =
        ["credential-index5.json", "credential-index7.json", "credential-1edtech-revocation-list.json"].map(file);
    let (code, out) = verify(&["--status-dir", &dir, &files[0], &files[1], &files[2]]);
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("OK") && lines[0].contains("revocation bit 5 of"), "{out}");
    assert!(
        lines[1].starts_with("FAIL") && lines[1].contains("revoked (bit 7 of https://registrar.example.edu/status/1)")
    );
    assert!(lines[2].starts_with("OK") && lines[2].contains("unsupported status type"), "{out}");
    let (code, out) = verify(&["--status-dir", &dir, "--require-status", &files[2]]);
    assert_eq!(code, 1, "{out}");
    // A short list (fewer than 131,072 entries) is refused.
    let short = format!("https://registrar.example.edu/status/1={FIXTURES}/negative/status-list-1-short.json");
    let (code, out) = verify(&["--status-list", &short, &files[0]]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("fewer than the REC's minimum 131072"), "{out}");
    // Two files with one id in a --status-dir are a usage error.
    let (code, _) = verify(&["--status-dir", &format!("{FIXTURES}/negative"), &files[0]]);
    assert_eq!(code, 2);
}
