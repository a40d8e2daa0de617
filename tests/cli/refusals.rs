//! `build` never half-issues and `check` reports first what `build` would fail: refused inputs, learner ids
//! that cannot name a directory, names no font can print, non-regular files, SIGTERM (issues #14 and #15).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{copy_dir, root, temp_dir, test_key, text};

/// Runs the binary from the repository root with `env` set.
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_xtranscript"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .output()
        .expect("run xtranscript");
    assert_ne!(out.status.code(), Some(101), "panicked:\n{}", text(&out.stderr));
    out
}

/// A copy of `samples/` to break.
fn samples_copy(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    copy_dir(&root().join("samples"), &dir);
    dir
}

/// The diagnostics (`place: XTnnnn: error: message`) in some output.
fn errors(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| !l.starts_with("xtranscript:") && l.contains(": error: ") && l.contains(": XT")).collect()
}

/// Builds `input` and checks it with the same environment, and asserts that `check` reported first, with the same
/// code and message, everything `build` failed on: every error diagnostic `build` printed, and for every learner
/// under `failures`, the diagnostic (or the rejected rows) its reason names. Returns build's output and manifest.
fn check_then_build(input: &Path, env: &[(&str, &str)]) -> (Output, Option<serde_json::Value>) {
    let input = input.to_str().unwrap();
    let check = run(&["check", input], env);
    let check_err = text(&check.stderr);
    let out = temp_dir(&format!("cvb-{}", input.replace('/', "_")));
    let build = run(&["build", input, "--out", out.to_str().unwrap(), "--key", test_key(), "-q"], env);
    let build_err = text(&build.stderr);
    assert!(matches!(build.status.code(), Some(0..=2)), "{input}: build exit {:?}\n{build_err}", build.status);
    if build.status.code() != Some(0) {
        assert_eq!(check.status.code(), Some(1), "{input}: build failed but check passed:\n{build_err}");
    }
    for line in errors(&build_err) {
        assert!(check_err.lines().any(|l| l == line), "{input}: check did not report\n{line}\nit said:\n{check_err}");
    }
    let manifest: Option<serde_json::Value> =
        std::fs::read(out.join("manifest.json")).ok().map(|b| serde_json::from_slice(&b).unwrap());
    for failure in manifest.iter().flat_map(|m| m["failures"].as_array().unwrap()) {
        let reason = failure["reason"].as_str().unwrap();
        let reported = match reason.split_once(": XT") {
            // "place: XTnnnn: message": check printed "place: XTnnnn: error: message".
            Some((place, rest)) => {
                let (code, message) = rest.split_once(": ").unwrap();
                let line = format!("{place}: XT{code}: error: {message}");
                check_err.lines().any(|l| l == line)
            }
            // "n row(s) of the learner rejected (place, place …)": check reported an error at each place.
            None => {
                let places = reason.split_once("rejected (").unwrap().1.split_once(')').unwrap().0;
                places
                    .split(", ")
                    .filter(|p| !p.starts_with("and "))
                    .all(|place| errors(&check_err).iter().any(|l| l.starts_with(&format!("{place}:"))))
            }
        };
        assert!(reported, "{input}: learner {} failed ({reason}), check did not say so:\n{check_err}", failure["id"]);
    }
    let _ = std::fs::remove_dir_all(out);
    (build, manifest)
}

#[test]
fn check_reports_first_what_build_fails_on_every_bad_sample() {
    let mut cases = 0;
    for entry in std::fs::read_dir(root().join("samples/bad")).unwrap().flatten() {
        if entry.path().is_dir() {
            let case = format!("samples/bad/{}", entry.file_name().to_string_lossy());
            let (build, _) = check_then_build(Path::new(&case), &[]);
            assert_ne!(build.status.code(), Some(0), "{case}: build passed\n{}", text(&build.stderr));
            cases += 1;
        }
    }
    assert!(cases >= 20, "{cases} cases");
}

#[test]
fn without_a_cjk_font_check_reports_every_learner_build_fails() {
    let input = samples_copy("no-cjk");
    let toml = input.join("institution.toml");
    let settings = std::fs::read_to_string(&toml).unwrap();
    let settings: String = settings.lines().filter(|l| !l.starts_with("fonts")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&toml, settings).unwrap();
    let (build, manifest) = check_then_build(&input, &[("XTRANSCRIPT_NO_SYSTEM_FONTS", "1")]);
    assert_eq!(build.status.code(), Some(1), "{}", text(&build.stderr));
    let failures = manifest.unwrap()["failures"].as_array().unwrap().clone();
    assert_eq!(failures.len(), 6, "{failures:#?}");
    assert!(failures.iter().all(|f| f["reason"].as_str().unwrap().contains(": XT0603: ")), "{failures:#?}");
    let _ = std::fs::remove_dir_all(input);
}

#[test]
fn a_refused_pesc_file_fails_its_learner_instead_of_issuing_without_it() {
    let input = samples_copy("pesc-doctype");
    let pesc = input.join("pesc/transfer-N2025007.xml");
    let xml = std::fs::read_to_string(&pesc).unwrap();
    let (decl, rest) = xml.split_once('\n').unwrap();
    std::fs::write(&pesc, format!("{decl}\n<!DOCTYPE x>\n{rest}")).unwrap();
    let (build, manifest) = check_then_build(&input, &[]);
    assert_eq!(build.status.code(), Some(1), "{}", text(&build.stderr));
    let manifest = manifest.unwrap();
    let failed: Vec<&str> =
        manifest["failures"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(failed, ["N2025007"]);
    assert!(manifest["learners"].as_array().unwrap().iter().all(|l| l["id"] != "N2025007"));
    let _ = std::fs::remove_dir_all(input);
}

#[test]
fn a_truncated_framework_stops_the_run_before_anything_is_signed() {
    let input = samples_copy("case-truncated");
    let framework = input.join("frameworks/digital-skills-reference.json");
    let json = std::fs::read(&framework).unwrap();
    std::fs::write(&framework, &json[..json.len() / 2]).unwrap();
    let (build, manifest) = check_then_build(&input, &[]);
    assert_eq!(build.status.code(), Some(2), "{}", text(&build.stderr));
    assert!(manifest.is_none());
    assert!(text(&build.stderr).contains("the run stops before signing anything"), "{}", text(&build.stderr));
    let _ = std::fs::remove_dir_all(input);
}

#[test]
fn a_learner_id_too_long_for_a_directory_fails_alone_and_check_says_so_first() {
    let input = samples_copy("long-id");
    let long = format!("{}{}{}", "a".repeat(100), "/".repeat(86), "中".repeat(10));
    let mut learners = std::fs::read_to_string(input.join("learners.csv")).unwrap();
    learners.push_str(&format!("{long},Long,Id,,,,,\nX\u{0}Y,Nul,Id,,,,,\n"));
    std::fs::write(input.join("learners.csv"), learners).unwrap();
    let (build, manifest) = check_then_build(&input, &[]);
    assert_eq!(build.status.code(), Some(1), "{}", text(&build.stderr));
    assert!(!build.stderr.contains(&0), "a NUL reached stderr");
    let manifest = manifest.unwrap();
    let failures = manifest["failures"].as_array().unwrap();
    let failed: Vec<&str> = failures.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(failed, ["X\u{0}Y", long.as_str()]);
    assert!(failures[1]["reason"].as_str().unwrap().contains("learners.csv:30:1: XT0601: "), "{failures:#?}");
    assert_eq!(manifest["learners"].as_array().unwrap().len(), 28);
    let _ = std::fs::remove_dir_all(input);
}

#[test]
fn learner_ids_that_differ_in_case_only_are_reported_by_check_with_a_code() {
    let input = samples_copy("case-twins");
    let mut learners = std::fs::read_to_string(input.join("learners.csv")).unwrap();
    learners.push_str("n2025001,Case,Twin,,,,,\n");
    std::fs::write(input.join("learners.csv"), learners).unwrap();
    let (_, manifest) = check_then_build(&input, &[]);
    let failures = manifest.unwrap()["failures"].as_array().unwrap().clone();
    assert_eq!(failures.len(), 1);
    assert!(failures[0]["reason"].as_str().unwrap().contains("learners.csv:30:1: XT0602: "), "{failures:#?}");
    let _ = std::fs::remove_dir_all(input);
}

/// Runs `args`, killing it if it has not ended after `limit`; `None` if it had to be killed.
fn run_within(args: &[&str], limit: Duration) -> Option<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtranscript"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_font_is_refused_without_blocking_as_check_refuses_it() {
    let dir = temp_dir("fifo-font");
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("font.ttf");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out = dir.join("out");
    for font in [fifo.to_str().unwrap(), "/dev/zero"] {
        let args = ["build", "samples", "--out", out.to_str().unwrap(), "--key", test_key(), "-q", "--font", font];
        let build = run_within(&args, Duration::from_secs(60)).unwrap_or_else(|| panic!("--font {font}: blocked"));
        assert_eq!(build.status.code(), Some(2), "{}", text(&build.stderr));
        let line = format!("{font}: XT0604: error: --font {font}: not a file");
        assert!(text(&build.stderr).lines().any(|l| l == line), "{}", text(&build.stderr));
        let check = run_within(&["check", "samples", "--font", font], Duration::from_secs(60)).unwrap();
        assert!(text(&check.stderr).lines().any(|l| l == line), "{}", text(&check.stderr));
        assert!(!out.join("manifest.json").exists());
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// What earlier runs left in OUT/ is read back through the inputs' guarded reader: a FIFO there does not block
/// the build, an oversized (sparse) manifest is not read, and each is named.
#[cfg(unix)]
#[test]
fn a_fifo_or_oversized_manifest_in_out_is_refused_without_blocking() {
    let dir = temp_dir("fifo-manifest");
    for (name, fifo) in [("manifest.json", true), ("manifest.json", false), ("journal", true)] {
        let out = dir.join(format!("out-{name}-{fifo}"));
        std::fs::create_dir_all(&out).unwrap();
        let journal = xtranscript::batch::Journal::file_name(None);
        let file = out.join(if name == "journal" { journal.as_str() } else { name });
        if fifo {
            assert!(Command::new("mkfifo").arg(&file).status().unwrap().success());
        } else {
            std::fs::File::create(&file).unwrap().set_len((1 << 30) + 1).unwrap();
        }
        let args = ["build", "samples", "--out", out.to_str().unwrap(), "--key", test_key(), "-q"];
        let build = run_within(&args, Duration::from_secs(60)).unwrap_or_else(|| panic!("{name}: blocked"));
        assert_eq!(build.status.code(), Some(2), "{}", text(&build.stderr));
        let why = if fifo { "not a file".to_string() } else { format!("{} bytes, over the limit", (1u64 << 30) + 1) };
        let stderr = text(&build.stderr);
        assert!(stderr.contains(&format!("reading {}: {why}", file.display())), "{stderr}");
        assert!(!out.join("learners").exists(), "{name}: built anyway");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn the_first_sigterm_ends_a_build() {
    let out = temp_dir("sigterm");
    let args = ["build", "samples", "--out", out.to_str().unwrap(), "--key", test_key(), "-q", "--jobs", "1"];
    let child = Command::new(env!("CARGO_BIN_EXE_xtranscript"))
        .args(args)
        .current_dir(root())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let started = Instant::now();
    let output = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(30), "one SIGTERM took {:?} to end the run", started.elapsed());
    assert_eq!(output.status.code(), Some(130), "{}", text(&output.stderr));
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn check_on_a_path_with_nothing_to_read_fails() {
    for path in ["README.md", "templates"] {
        let out = run(&["check", path], &[]);
        assert_eq!(out.status.code(), Some(1), "{path}");
        assert!(
            text(&out.stderr).contains(&format!("{path}: XT0006: error: nothing to read here")),
            "{}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "a summary of zeros: {}", text(&out.stdout));
    }
}

/// A copy of the samples whose institution.toml names `issuer.key`, holding `key_text` with `mode`.
fn samples_with_key(name: &str, key_text: &str, mode: u32) -> PathBuf {
    let input = samples_copy(name);
    let toml = input.join("institution.toml");
    let settings = std::fs::read_to_string(&toml).unwrap().replacen(
        "[institution]\n",
        "[institution]\nkey_file = \"issuer.key\"\n",
        1,
    );
    std::fs::write(&toml, settings).unwrap();
    std::fs::write(input.join("issuer.key"), key_text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(input.join("issuer.key"), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    input
}

#[test]
fn a_key_file_with_two_different_secrets_is_refused_by_check_and_build_alike() {
    let test_key = std::fs::read_to_string(root().join(test_key())).unwrap();
    let dir = temp_dir("second-key");
    std::fs::create_dir_all(&dir).unwrap();
    let other = dir.join("other.key");
    assert_eq!(run(&["keygen", "--out", other.to_str().unwrap()], &[]).status.code(), Some(0));
    let second = std::fs::read_to_string(&other).unwrap();
    let second = second.lines().find(|l| !l.starts_with('#')).unwrap();
    let input = samples_with_key("two-keys", &format!("{test_key}{second}\n"), 0o600);
    let check = run(&["check", input.to_str().unwrap()], &[]);
    assert_eq!(check.status.code(), Some(1));
    let out = dir.join("out");
    let build = run(&["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], &[]);
    assert_eq!(build.status.code(), Some(2), "{}", text(&build.stderr));
    let build_err = text(&build.stderr);
    let refused: Vec<&str> = build_err.lines().filter(|l| l.contains(": XT0606: error: ")).collect();
    assert_eq!(refused.len(), 1, "{}", text(&build.stderr));
    assert!(refused[0].contains("more than one key line"), "{}", refused[0]);
    assert!(text(&check.stderr).lines().any(|l| l == refused[0]), "{}", text(&check.stderr));
    assert!(!text(&build.stderr).contains(second) && !text(&check.stderr).contains(second), "a secret was shown");
    assert!(!out.join("manifest.json").exists());
    let _ = std::fs::remove_dir_all(input);
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_warned_about() {
    let test_key = std::fs::read_to_string(root().join(test_key())).unwrap();
    for (mode, warned) in [(0o644, true), (0o600, false)] {
        let input = samples_with_key(&format!("key-mode-{mode:o}"), &test_key, mode);
        let check = run(&["check", input.to_str().unwrap()], &[]);
        assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
        let line = format!("{}:", input.join("institution.toml").display());
        let warning = text(&check.stderr).lines().any(|l| l.starts_with(&line) && l.contains(": XT0607: warning: "));
        assert_eq!(warning, warned, "mode {mode:o}: {}", text(&check.stderr));
        let _ = std::fs::remove_dir_all(input);
    }
}
