//! Bitstring Status Lists through the CLI: `verify` checks `credentialStatus` against the lists it is given
//! (`--status-list`, `--status-dir`), says when it could not, and fails under `--require-status`.

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// Builds `input` into `out` with the test key; returns the DID document of the issuer, written beside.
fn built(input: &Path, out: &Path) -> PathBuf {
    let run =
        xtranscript(&["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key(), "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let doc = xtranscript(&["did-document", "samples", "--key", test_key()]);
    let did = out.with_extension("did.json");
    std::fs::write(&did, &doc.stdout).unwrap();
    did
}

/// `verify --status-dir OUT/status --require-status` of `files`: (path#pointer, OK or the FAIL reason).
fn verify_status(did: &Path, out: &Path, files: &[PathBuf]) -> Vec<(String, String)> {
    let (status_dir, did) = (out.join("status"), did.to_str().unwrap());
    let mut args = vec!["--did-doc", did, "--status-dir", status_dir.to_str().unwrap(), "--require-status"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let (_, stdout) = verify(&args);
    stdout
        .lines()
        .map(|l| match l.strip_prefix("FAIL ") {
            Some(rest) => {
                let (name, why) = rest.split_once(": ").unwrap();
                (name.to_string(), why.to_string())
            }
            None => (l.trim_start_matches("OK ").split(" (").next().unwrap().to_string(), "OK".to_string()),
        })
        .collect()
}

fn clr_files(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(out.join("learners")).unwrap().flatten().map(|e| e.path().join("clr.json")).collect();
    files.sort();
    files
}

/// What the reference verifier says of `files` with the lists of OUT/status; `None` when it is not installed.
fn refverify(did: &Path, out: &Path, files: &[PathBuf]) -> Option<String> {
    let dir = root().join("../shared/tools/refverify");
    if !dir.join("node_modules").exists() {
        assert!(!tools_required(), "CI must install refverify (npm ci)");
        return None;
    }
    let run = Command::new("node")
        .arg("verify.mjs")
        .args(["--did-doc", did.to_str().unwrap(), "--status-dir", out.join("status").to_str().unwrap()])
        .args(["--require-status", "--now", NOW])
        .args(files)
        .current_dir(dir)
        .output()
        .expect("run node");
    Some(text(&run.stdout))
}

#[test]
fn revoke_takes_back_one_learners_credentials_and_no_one_elses() {
    let out = temp_dir("status-revoke");
    let did = built(&root().join("samples"), &out);
    let files = clr_files(&out);
    let before = verify_status(&did, &out, &files);
    assert!(before.iter().all(|(_, r)| r == "OK"), "{before:?}");
    if let Some(reference) = refverify(&did, &out, &files) {
        assert!(reference.lines().filter(|l| l.starts_with("FAIL")).count() == 0, "{reference}");
    }
    let o = out.to_str().unwrap();
    let revoke = |learner: &str| xtranscript(&revoke_args(o, learner, NOW));
    let run = revoke("N2025003");
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(text(&run.stdout).contains("signed "), "{}", text(&run.stdout));
    assert_eq!(revoke("NO-SUCH-LEARNER").status.code(), Some(2));
    let again = revoke("N2025003");
    assert!(text(&again.stdout).contains("already revoked"), "{}", text(&again.stdout));

    let after = verify_status(&did, &out, &files);
    for (name, result) in &after {
        if name.contains("/N2025003/") {
            assert!(result.starts_with("revoked (bit "), "{name}: {result}");
        } else {
            assert_eq!(result, "OK", "{name}");
        }
    }
    if let Some(reference) = refverify(&did, &out, &files) {
        for line in reference.lines().filter(|l| l.starts_with("OK") || l.starts_with("FAIL")) {
            assert_eq!(line.contains("/N2025003/"), line.starts_with("FAIL"), "{line}");
            assert!(!line.starts_with("FAIL") || line.contains("revoked"), "{line}");
        }
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_changed_grade_revokes_and_reissues_only_what_it_contradicts() {
    let (input, out) = (temp_dir("status-regrade-in"), temp_dir("status-regrade-out"));
    copy_dir(&root().join("samples"), &input);
    let did = built(&input, &out);
    let first = tree(&out);
    let records = input.join("course_records.csv");
    let csv = std::fs::read_to_string(&records).unwrap();
    let line = csv.lines().find(|l| l.starts_with("ENR-00120,N2025005,")).unwrap();
    std::fs::write(&records, csv.replace(line, &line.replace(",B,", ",B+,"))).unwrap();
    built(&input, &out);

    // The old files moved aside; the old CLR and the course credential fail as revoked; the learner's
    // credentials the change does not touch (other courses, awards) stay OK.
    let old = out.join("superseded/N2025005/1/clr.json");
    let old_clr: serde_json::Value = serde_json::from_slice(&std::fs::read(&old).unwrap()).unwrap();
    let results = verify_status(&did, &out, std::slice::from_ref(&old));
    let result = |pointer: &str| &results.iter().find(|(n, _)| n.ends_with(pointer)).unwrap().1;
    assert!(result("/1/clr.json").starts_with("revoked"), "{results:?}");
    let nested = old_clr["credentialSubject"]["verifiableCredential"].as_array().unwrap();
    let course = nested.iter().position(|c| c["name"].as_str().unwrap().starts_with("MATH 151")).unwrap();
    assert!(result(&format!("/verifiableCredential/{course}")).starts_with("revoked"), "{results:?}");
    let ok = results.iter().filter(|(_, r)| r == "OK").count();
    assert!(ok > nested.len() / 2, "the untouched credentials stay OK: {results:?}");
    // Every current credential is OK; every other learner's files are as they were.
    let now = verify_status(&did, &out, &clr_files(&out));
    assert!(now.iter().all(|(_, r)| r == "OK"), "{now:?}");
    for (path, bytes) in first.iter().filter(|(p, _)| p.starts_with("learners") && !p.starts_with("learners/N2025005"))
    {
        assert!(std::fs::read(out.join(path)).unwrap() == *bytes, "{} changed", path.display());
    }
    // The manifest says what was revoked and why.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let revoked = manifest["revoked"].as_array().unwrap();
    assert!(revoked.iter().all(|r| r["learner"] == "N2025005"), "{revoked:?}");
    assert!(revoked.iter().any(|r| r["kind"] == "ClrCredential" && r["credential"] == old_clr["id"]));
    assert!(revoked.iter().any(|r| r["credential"] == nested[course]["id"]), "{revoked:?}");
    assert!(revoked.iter().all(|r| r["reason"].as_str().unwrap().starts_with("its claims changed; re-issued as")));
    let new_clr: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("learners/N2025005/clr.json")).unwrap()).unwrap();
    assert_ne!(new_clr["id"], old_clr["id"], "a re-issued credential has a new id");
    let html = std::fs::read_to_string(out.join("learners/N2025005/transcript.html")).unwrap();
    let (new_id, old_id) = (new_clr["id"].as_str().unwrap(), old_clr["id"].as_str().unwrap());
    assert!(html.contains(new_id) && !html.contains(old_id), "the printed verification link is the new CLR's");
    if let Some(reference) = refverify(&did, &out, &[old.clone(), out.join("learners/N2025005/clr.json")]) {
        let first_line = reference.lines().next().unwrap();
        assert!(first_line.starts_with("FAIL") && first_line.contains("revoked"), "{reference}");
        let current = reference.lines().filter(|l| l.contains("/learners/N2025005/"));
        assert!(current.clone().count() > 10 && current.clone().all(|l| l.starts_with("OK")), "{reference}");
    }
    let _ = std::fs::remove_dir_all(input);
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_real_key_needs_a_status_base_url() {
    let (input, out) = (temp_dir("status-no-base-in"), temp_dir("status-no-base-out"));
    copy_dir(&root().join("samples"), &input);
    let config = std::fs::read_to_string(input.join("institution.toml")).unwrap();
    let without = config.replace("base_url = \"https://registrar.northbridge.example.edu/status/\"", "");
    std::fs::write(input.join("institution.toml"), without).unwrap();
    let run = xtranscript(&["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("no [status] base_url"), "{}", text(&run.stderr));
    let bad = config.replace("example.edu/status/\"", "example.edu/status\"");
    std::fs::write(input.join("institution.toml"), bad).unwrap();
    let (code, report) = check_json(input.to_str().unwrap());
    assert_eq!(code, 1);
    assert!(report.to_string().contains("does not end with"), "{report}");
    let _ = std::fs::remove_dir_all(input);
    let _ = std::fs::remove_dir_all(out);
}

/// Starts `args`, kills it (SIGKILL) after `delay`, waits for it.
fn killed(args: &[&str], delay: std::time::Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtranscript"))
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    let _ = child.wait();
}

/// The registry's invariants: no index given twice (line by line, torn lines aside), and the bits of every
/// list are exactly the indices the registry has revoked (or suspended).
fn assert_registry_and_lists_agree(out: &Path) {
    use xtranscript::status::registry::Registry;
    let status = out.join("status");
    let mut registries = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (path, bytes) in tree(&status).into_iter().filter(|(p, _)| p.to_string_lossy().ends_with(".jsonl")) {
        for line in bytes.split(|&b| b == b'\n') {
            let Ok(event) = serde_json::from_slice::<serde_json::Value>(line) else { continue };
            if event["event"] == "issued" {
                let slot = (event["list"].to_string(), event["index"].as_u64().unwrap());
                assert!(seen.insert(slot.clone()), "{slot:?} given twice ({})", path.display());
            }
        }
        registries.push(bytes);
    }
    let registry = Registry::replay(registries.iter().map(Vec::as_slice));
    for (name, (_, set)) in registry.lists() {
        let list: serde_json::Value =
            serde_json::from_slice(&std::fs::read(status.join(format!("{name}.json"))).unwrap()).unwrap();
        let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
        let bits = xtranscript::status::Bitstring::decode(encoded).unwrap();
        let ones: std::collections::BTreeSet<u32> = bits.ones().map(|i| i as u32).collect();
        assert_eq!(ones, set, "{name}: bits set ≠ revoked in the registry");
    }
}

#[test]
fn builds_and_revocations_killed_at_any_moment_finish_when_run_again() {
    let (input, out) = (temp_dir("status-kill-in"), temp_dir("status-kill-out"));
    copy_dir(&root().join("samples"), &input);
    let (i, o) = (input.to_str().unwrap(), out.to_str().unwrap());
    let build = ["build", i, "--out", o, "--key", test_key(), "-q", "-j", "2"];
    let records = input.join("course_records.csv");
    // Kill the first build, then builds that re-issue (each a grade changed), at spread moments.
    for (round, ms) in [700u64, 2500, 150, 5000].into_iter().enumerate() {
        if round > 0 {
            let csv = std::fs::read_to_string(&records).unwrap();
            let grade = [",A,", ",B,", ",C,"][round % 3];
            let lines: Vec<&str> = csv.lines().filter(|l| l.contains(grade)).collect();
            let line = lines[(round * 7) % lines.len()].to_string();
            std::fs::write(&records, csv.replacen(&line, &line.replacen(grade, ",B-,", 1), 1)).unwrap();
        }
        killed(&build, std::time::Duration::from_millis(ms));
        let rerun = xtranscript(&build);
        assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun.stderr));
        assert_registry_and_lists_agree(&out);
    }
    for (learner, ms) in [("N2025003", 30u64), ("N2025004", 120), ("N2025010", 5)] {
        let revoke = ["revoke", o, "--learner", learner, "--reason", "error", "--key", test_key(), "--at", NOW];
        killed(&revoke, std::time::Duration::from_millis(ms));
        assert_eq!(xtranscript(&revoke).status.code(), Some(0));
        assert_registry_and_lists_agree(&out);
    }
    // Every current credential but the revoked learners' verifies with its status.
    let doc = xtranscript(&["did-document", "samples", "--key", test_key()]);
    let did = out.with_extension("did.json");
    std::fs::write(&did, &doc.stdout).unwrap();
    for (name, result) in verify_status(&did, &out, &clr_files(&out)) {
        let revoked = ["N2025003", "N2025004", "N2025010"].iter().any(|l| name.contains(&format!("/{l}/")));
        assert_eq!(result.starts_with("revoked"), revoked, "{name}: {result}");
        assert!(revoked || result == "OK", "{name}: {result}");
    }
    let _ = std::fs::remove_dir_all(input);
    let _ = std::fs::remove_dir_all(out);
}

/// Shards built into separate output directories allocate in their own lists: merged, every allocation is
/// checked; one index of one list given to two credentials (a crafted registry line) is refused.
#[test]
fn merge_manifests_checks_the_shards_status_allocations() {
    let dir = temp_dir("merge-status");
    let mut manifests = Vec::new();
    for k in 1..=2 {
        let out = dir.join(format!("out-{k}"));
        let o = out.to_str().unwrap();
        let run =
            xtranscript(&["build", "samples", "--out", o, "--key", test_key(), "-q", "--shard", &format!("{k}/2")]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        manifests.push(out.join(format!("manifest-shard-{k}-of-2.json")).to_str().unwrap().to_string());
    }
    let merged = dir.join("manifest.json");
    let merge = |manifests: &[String]| {
        let mut args = vec!["merge-manifests", "--out", merged.to_str().unwrap()];
        args.extend(manifests.iter().map(String::as_str));
        xtranscript(&args)
    };
    let run = merge(&manifests);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("status allocations checked: 2 registry file(s) in 2 output"),
        "{}",
        text(&run.stderr)
    );
    std::fs::remove_file(&merged).unwrap();

    // Shard 2's registry gives an index of shard 1's list to a credential of its own.
    let first = std::fs::read_to_string(dir.join("out-1/status/registry-1of2.jsonl")).unwrap();
    let taken: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    let registry = dir.join("out-2/status/registry-2of2.jsonl");
    let mut second = std::fs::read_to_string(&registry).unwrap();
    let mut line: serde_json::Value = serde_json::from_str(second.lines().next().unwrap()).unwrap();
    line["list"] = taken["list"].clone();
    line["index"] = taken["index"].clone();
    line["credential"] = serde_json::json!("urn:uuid:00000000-0000-5000-8000-000000000001");
    second.push_str(&format!("{line}\n"));
    std::fs::write(&registry, second).unwrap();
    let run = merge(&manifests);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let expected = format!(
        "index {} of the status list {} is given to {}",
        taken["index"],
        taken["list"].as_str().unwrap(),
        taken["credential"].as_str().unwrap()
    );
    assert!(text(&run.stderr).contains(&expected), "{}", text(&run.stderr));
    assert!(!merged.exists(), "merged despite the collision");
    let _ = std::fs::remove_dir_all(dir);
}
