//! Term-end batch runs with the real binary: resume, `--force`, bad learners skipped and reported,
//! `--shard K/N` with `merge-manifests`, `--parts`, and a run killed midway that resumes without loss or duplication.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{build, copy_dir, drop_learner, root, temp_dir, test_key, text, tree, xtranscript};

fn manifest(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn ids(manifest: &serde_json::Value, list: &str) -> Vec<String> {
    manifest[list].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect()
}

/// A copy of `samples/` to edit.
fn samples_copy(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    copy_dir(&root().join("samples"), &dir);
    dir
}

/// Replaces the first line of `file` containing `needle` by `f(line)`.
fn edit_line(file: &Path, needle: &str, f: impl Fn(&str) -> String) {
    let textual = std::fs::read_to_string(file).unwrap();
    let mut done = false;
    let lines: Vec<String> = textual
        .lines()
        .map(|l| {
            if !done && l.contains(needle) {
                done = true;
                f(l)
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(done, "{needle} not in {}", file.display());
    std::fs::write(file, lines.join("\n") + "\n").unwrap();
}

fn build_from(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key()];
    args.extend_from_slice(extra);
    xtranscript(&args)
}

/// Every learner's clr.json without status entries and proofs: what it claims, whatever the list indices.
fn claims(dir: &Path) -> std::collections::BTreeMap<PathBuf, serde_json::Value> {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("credentialStatus");
                map.remove("proof");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut files = tree(&dir.join("learners"));
    files.retain(|p, _| p.ends_with("clr.json"));
    files
        .into_iter()
        .map(|(p, bytes)| {
            let mut v = serde_json::from_slice(&bytes).unwrap();
            strip(&mut v);
            (p, v)
        })
        .collect()
}

/// Outputs without the run's bookkeeping files (lock, journal), for comparing two output directories.
fn outputs(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = tree(dir);
    files.retain(|p, _| !p.to_string_lossy().starts_with(".xtranscript"));
    files
}

#[test]
fn a_rerun_rebuilds_only_changed_learners_and_force_rebuilds_all() {
    let (input, out) = (samples_copy("rerun-in"), temp_dir("rerun-out"));
    assert_eq!(build_from(&input, &out, &["-q"]).status.code(), Some(0));
    let first = outputs(&out);
    let again = build_from(&input, &out, &["-q"]);
    assert!(text(&again.stderr).contains("built 0 learner(s) (28 kept unchanged"), "{}", text(&again.stderr));
    assert_eq!(outputs(&out), first);

    // One learner's grade changes: only that learner is rebuilt.
    edit_line(&input.join("course_records.csv"), "ENR-00120,N2025005,", |l| l.replace(",B,", ",B+,"));
    let changed = build_from(&input, &out, &["-q"]);
    assert_eq!(changed.status.code(), Some(0), "{}", text(&changed.stderr));
    assert!(text(&changed.stderr).contains("built 1 learner(s) (27 kept unchanged"), "{}", text(&changed.stderr));
    let now = outputs(&out);
    for (path, bytes) in &first {
        // One file per nested credential (and its baked badge): only those the grade touches (the course, its
        // term, the totals) differ.
        if path.starts_with("learners/N2025005/credentials") || path.starts_with("learners/N2025005/badges") {
            continue;
        }
        // The grade change revokes that learner's old CLR and course credential: the registry and the list change.
        let mine =
            path.starts_with("learners/N2025005") || path == Path::new("manifest.json") || path.starts_with("status");
        assert_eq!(now.get(path) != Some(bytes), mine, "{}", path.display());
    }
    // A re-issued credential has a new id, hence a new file name (the old one moves to superseded/).
    let changed_credentials =
        first.iter().filter(|(p, b)| p.starts_with("learners/N2025005/credentials") && now.get(*p) != Some(*b)).count();
    assert!(changed_credentials >= 1, "the course whose grade changed");

    // A setting shared by all (the issue date) rebuilds everyone; so does --force.
    let redated = build_from(&input, &out, &["-q", "--issued-at", "2027-01-01T00:00:00Z"]);
    assert!(text(&redated.stderr).contains("built 28 learner(s) (0 kept"), "{}", text(&redated.stderr));
    let on_all_cores = outputs(&out);
    let forced = build_from(&input, &out, &["-q", "--issued-at", "2027-01-01T00:00:00Z", "--force", "--jobs", "1"]);
    assert!(text(&forced.stderr).contains("built 28 learner(s) (0 kept"), "{}", text(&forced.stderr));
    assert!(outputs(&out) == on_all_cores, "one worker thread and all cores give different bytes");
    let _ = std::fs::remove_dir_all(input);
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_file_changed_on_disk_is_rebuilt_even_with_its_size_kept() {
    let out = temp_dir("changed-on-disk-out");
    assert_eq!(build(&out, &["-q"]).status.code(), Some(0));
    let first = outputs(&out);
    // Same length, other bytes: what an interrupted run under other settings (another issue date) leaves.
    let clr = out.join("learners/N2025007/clr.json");
    let json = std::fs::read_to_string(&clr).unwrap();
    assert!(json.contains("Comprehensive Learner Record"));
    std::fs::write(&clr, json.replacen("Comprehensive Learner Record", "Comprehensive Learner Recorx", 1)).unwrap();
    let again = build(&out, &["-q"]);
    assert!(text(&again.stderr).contains("built 1 learner(s) (27 kept unchanged"), "{}", text(&again.stderr));
    assert!(outputs(&out) == first, "the rebuilt learner's files differ from the first run's");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_learner_with_a_rejected_record_is_skipped_and_reported() {
    let input = samples_copy("bad-learner-in");
    edit_line(&input.join("course_records.csv"), ",N2025003,", |l| {
        let mut fields: Vec<&str> = l.split(',').collect();
        fields[7] = "Q+";
        fields.join(",")
    });
    only_the_learner_fails(input, "bad-learner-out", "XT0212", "N2025003");
}

#[test]
fn a_learner_with_a_row_of_the_wrong_field_count_is_skipped_and_reported() {
    let input = samples_copy("shifted-row-in");
    // An unquoted comma in the title: one field too many.
    edit_line(&input.join("course_records.csv"), ",N2025003,", |l| {
        let mut fields: Vec<&str> = l.split(',').collect();
        fields[4] = "Writing, Part 2";
        fields.join(",")
    });
    only_the_learner_fails(input, "shifted-row-out", "XT0202", "N2025003");
}

#[test]
fn learners_built_before_but_not_now_are_moved_to_withdrawn() {
    let (input, out) = (samples_copy("withdrawn-in"), temp_dir("withdrawn-out"));
    assert_eq!(build_from(&input, &out, &["-q"]).status.code(), Some(0));
    let first = outputs(&out);
    // N2025002 leaves the input; N2025003's records turn bad.
    drop_learner(&input, "N2025002");
    edit_line(&input.join("course_records.csv"), ",N2025003,", |l| l.replacen(",N2025003,", ",N2025003,,", 1));
    let run = build_from(&input, &out, &["-q"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert!(text(&run.stderr).contains("2 learner(s) built by an earlier run"), "{}", text(&run.stderr));
    let m = manifest(&out.join("manifest.json"));
    assert_eq!(ids(&m, "withdrawn"), ["N2025002", "N2025003"]);
    assert_eq!(ids(&m, "failures"), ["N2025003"]);
    let now = outputs(&out);
    for id in ["N2025002", "N2025003"] {
        assert!(!out.join("learners").join(id).exists(), "{id} is still in learners/");
        let clr = format!("learners/{id}/clr.json");
        assert_eq!(now.get(&PathBuf::from(format!("withdrawn/{id}/clr.json"))), first.get(&PathBuf::from(&clr)));
    }
    // Reported once: the next run has nothing more to withdraw, and leaves withdrawn/ as it is.
    let again = build_from(&input, &out, &["-q"]);
    assert!(!text(&again.stderr).contains("earlier run"), "{}", text(&again.stderr));
    assert!(manifest(&out.join("manifest.json")).get("withdrawn").is_none());
    assert!(out.join("withdrawn/N2025002/clr.json").is_file());
    // Back in the export, then gone again: the newer copy is withdrawn, the older one kept in superseded/.
    for file in ["learners.csv", "course_records.csv", "awards.csv"] {
        std::fs::copy(root().join("samples").join(file), input.join(file)).unwrap();
    }
    std::fs::write(out.join("withdrawn/N2025002/earlier.txt"), "the first withdrawal").unwrap();
    assert_eq!(build_from(&input, &out, &["-q"]).status.code(), Some(0));
    assert!(out.join("learners/N2025002/clr.json").is_file());
    drop_learner(&input, "N2025002");
    assert_eq!(build_from(&input, &out, &["-q"]).status.code(), Some(0));
    assert!(out.join("withdrawn/N2025002/clr.json").is_file());
    assert!(!out.join("withdrawn/N2025002/earlier.txt").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("superseded/N2025002/1/earlier.txt")).unwrap(),
        "the first withdrawal",
        "the older copy was deleted"
    );
    let _ = std::fs::remove_dir_all(input);
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_file_that_cannot_be_written_stops_the_run_without_a_manifest() {
    let out = temp_dir("unwritable-out");
    std::fs::create_dir_all(out.join("learners")).unwrap();
    // A plain file where a learner's directory goes.
    std::fs::write(out.join("learners/N2025005"), "in the way").unwrap();
    let run = build(&out, &["-q", "--jobs", "2"]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    assert!(text(&run.stderr).contains("writing") && text(&run.stderr).contains("N2025005"), "{}", text(&run.stderr));
    assert!(!out.join("manifest.json").exists());
    // The journal lists only learners whose files are all there.
    let journal = std::fs::read_to_string(out.join(".xtranscript-journal.jsonl")).unwrap();
    for line in journal.lines().skip(1) {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        for file in entry["files"].as_array().unwrap() {
            assert!(out.join(file["path"].as_str().unwrap()).is_file(), "{line}");
        }
    }
    let _ = std::fs::remove_dir_all(out);
}

/// Builds `input`: `learner` (and no one else) is not built, `code` is reported, exit status 1.
fn only_the_learner_fails(input: PathBuf, out: &str, code: &str, learner: &str) {
    let out = temp_dir(out);
    let run = build_from(&input, &out, &["-q"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let stderr = text(&run.stderr);
    assert!(stderr.contains(code), "{stderr}");
    assert!(stderr.contains(&format!("learner \"{learner}\" not built")), "{stderr}");
    let m = manifest(&out.join("manifest.json"));
    assert_eq!(ids(&m, "failures"), [learner]);
    assert!(m["failures"][0]["reason"].as_str().unwrap().contains("course_records.csv:"), "{m:#}");
    let built = ids(&m, "learners");
    assert_eq!(built.len(), 27);
    assert!(!built.iter().any(|id| id == learner));
    assert!(!out.join("learners").join(learner).exists());
    let _ = std::fs::remove_dir_all(input);
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn shards_build_disjoint_parts_that_merge_into_the_whole_run() {
    let (whole, parts) = (temp_dir("shard-whole"), temp_dir("shard-parts"));
    assert_eq!(build(&whole, &["-q"]).status.code(), Some(0));
    let mut manifests = Vec::new();
    for k in 1..=3 {
        let run = build(&parts, &["-q", "--shard", &format!("{k}/3")]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        let path = parts.join(format!("manifest-shard-{k}-of-3.json"));
        let m = manifest(&path);
        assert_eq!(m["shard"], format!("{k}/3"));
        assert!(!ids(&m, "learners").is_empty(), "shard {k} is empty");
        manifests.push(path.to_str().unwrap().to_string());
    }
    let merged = parts.join("manifest.json");
    let mut args = vec!["merge-manifests", "--out", merged.to_str().unwrap()];
    args.extend(manifests.iter().map(String::as_str));
    let run = xtranscript(&args);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    // The same learners with the same credentials as one unsharded run; only their status entries differ
    // (each shard allocates in its own lists, so shards never collide) and so the bytes.
    let a = claims(&whole);
    assert_eq!(claims(&parts), a);
    assert_eq!(ids(&manifest(&merged), "learners"), ids(&manifest(&whole.join("manifest.json")), "learners"));

    // Loading in parts (bounded memory) changes nothing but the order indices are placed in.
    let in_parts = temp_dir("shard-in-parts");
    assert_eq!(build(&in_parts, &["-q", "--parts", "3"]).status.code(), Some(0));
    assert_eq!(claims(&in_parts), a);
    let sharded_parts = build(&in_parts, &["-q", "--parts", "2", "--shard", "2/3", "--force"]);
    assert_eq!(sharded_parts.status.code(), Some(0));
    assert_eq!(
        ids(&manifest(&in_parts.join("manifest-shard-2-of-3.json")), "learners"),
        ids(&manifest(&parts.join("manifest-shard-2-of-3.json")), "learners")
    );
    let _ = std::fs::remove_dir_all(in_parts);

    let incomplete = xtranscript(&["merge-manifests", "--out", merged.to_str().unwrap(), &manifests[0], &manifests[2]]);
    assert_eq!(incomplete.status.code(), Some(1));
    assert!(text(&incomplete.stderr).contains("shards 2 of 3 are missing"), "{}", text(&incomplete.stderr));
    assert_eq!(xtranscript(&["build", "samples", "--out", "x", "--shard", "4/3"]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(whole);
    let _ = std::fs::remove_dir_all(parts);
}

/// Lines in the run's journal (header included), 0 if there is none yet.
#[test]
fn a_resharded_or_whole_run_keeps_what_the_shards_built() {
    let out = temp_dir("reshard-out");
    for k in 1..=2 {
        assert_eq!(build(&out, &["-q", "--shard", &format!("{k}/2")]).status.code(), Some(0));
    }
    let sharded = outputs(&out);
    let whole = build(&out, &["-q"]);
    assert!(text(&whole.stderr).contains("built 0 learner(s) (28 kept unchanged"), "{}", text(&whole.stderr));
    let third = build(&out, &["-q", "--shard", "1/3"]);
    assert!(text(&third.stderr).contains("built 0 learner(s) ("), "{}", text(&third.stderr));
    // The learners' files are those the shards wrote.
    let now = outputs(&out);
    for (path, bytes) in sharded.iter().filter(|(p, _)| p.starts_with("learners")) {
        assert!(now.get(path) == Some(bytes), "{} changed", path.display());
    }
    let _ = std::fs::remove_dir_all(out);
}

fn journal_lines(out: &Path) -> usize {
    std::fs::read(out.join(".xtranscript-journal.jsonl")).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
}

/// Starts a build of `input` into `out`, waits until `learners` learners are in its journal, then stops it
/// with `signal` (`KILL` or `INT`); returns its exit code.
fn interrupt_build(input: &Path, out: &Path, learners: usize, signal: &str) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtranscript"))
        .args(["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key(), "-q", "-j", "2"])
        .current_dir(root())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while journal_lines(out) < learners + 1 {
        assert!(start.elapsed() < Duration::from_secs(300), "the build made no progress");
        assert!(child.try_wait().unwrap().is_none(), "the build ended before it could be interrupted");
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    child.wait().unwrap().code()
}

/// Every file under `learners/` is whole: no temporary file is left, every clr.json parses.
fn assert_no_partial_files(out: &Path) {
    for (path, bytes) in tree(&out.join("learners")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp") || !name.starts_with('.'), "left over: {}", path.display());
        if name == "clr.json" {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{} is not whole: {e}", path.display()));
        }
    }
}

#[test]
fn a_killed_run_resumes_with_every_learner_correct_and_none_duplicated() {
    let (input, out, fresh) = (samples_copy("kill-in"), temp_dir("kill-out"), temp_dir("kill-fresh"));
    let code = interrupt_build(&input, &out, 6, "KILL");
    assert_eq!(code, None, "killed by a signal");
    assert!(!out.join("manifest.json").exists(), "a killed run writes no manifest");
    let rerun = build_from(&input, &out, &["-q"]);
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun.stderr));
    let stderr = text(&rerun.stderr);
    let kept: usize = stderr.split("learner(s) (").nth(1).and_then(|s| s.split(' ').next()?.parse().ok()).unwrap();
    assert!(kept >= 6, "the rerun kept only {kept} learners: {stderr}");
    assert_no_partial_files(&out);

    // Graceful: SIGINT finishes the learners in flight, keeps the journal, exits 130; a rerun completes.
    let code = interrupt_build(&input, &fresh, 3, "INT");
    assert_eq!(code, Some(130));
    assert!(!fresh.join("manifest.json").exists());
    assert_no_partial_files(&fresh);
    assert_eq!(build_from(&input, &fresh, &["-q", "--force"]).status.code(), Some(0));

    // The resumed run equals an uninterrupted one, byte for byte; the manifest lists every learner once.
    let (resumed, uninterrupted) = (outputs(&out), outputs(&fresh));
    assert_eq!(resumed.keys().collect::<Vec<_>>(), uninterrupted.keys().collect::<Vec<_>>());
    for (path, bytes) in &resumed {
        assert!(bytes == &uninterrupted[path], "{} differs", path.display());
    }
    let m = manifest(&out.join("manifest.json"));
    let learners = ids(&m, "learners");
    let mut unique = learners.clone();
    unique.dedup();
    assert_eq!((learners.len(), unique.len()), (28, 28));
    assert!(!out.join(".xtranscript-journal.jsonl").exists(), "the journal goes once the manifest is written");
    for dir in [input, out, fresh] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
