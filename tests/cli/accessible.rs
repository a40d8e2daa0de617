//! The transcripts `build` writes are accessible and carry their credential: the PDF is tagged
//! (PDF/UA-1) and carries its signed clr.json (a PDF/A-3 associated file), `verify transcript.pdf`
//! verifies that file and the digest printed beside it, and the HTML has no axe-core violation.

use super::*;

/// A tool's output, `None` (with a note) where it is not installed and CI does not require it.
fn run(tool: &str, args: &[&str]) -> Option<Output> {
    match Command::new(tool).args(args).output() {
        Ok(out) => Some(out),
        Err(_) => {
            assert!(!tools_required(), "{tool} is required in CI");
            eprintln!("note: {tool} not installed; its checks not run");
            None
        }
    }
}

fn demo_build(name: &str) -> PathBuf {
    let out = temp_dir(name);
    let built = xtranscript(&["build", "samples", "--out", out.to_str().unwrap(), "--demo-key", "--quiet"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    out
}

#[test]
fn every_sample_pdf_is_tagged_carries_its_clr_and_passes_pdfua() {
    let out = demo_build("pdfua");
    let mut learners: Vec<PathBuf> =
        std::fs::read_dir(out.join("learners")).unwrap().flatten().map(|e| e.path()).collect();
    learners.sort();
    assert_eq!(learners.len(), 28);
    for dir in &learners {
        let pdf = dir.join("transcript.pdf");
        let pdf = pdf.to_str().unwrap();
        let clr = std::fs::read(dir.join("clr.json")).unwrap();
        if let Some(info) = run("pdfinfo", &[pdf]) {
            assert!(text(&info.stdout).contains("Tagged:          yes"), "{pdf}: {}", text(&info.stdout));
            let list = run("pdfdetach", &["-list", pdf]).unwrap();
            // The signed CLR, and the PESC transcript of the same record (the build writes transcript.xml).
            assert_eq!(text(&list.stdout), "2 embedded files\n1: clr.json\n2: transcript.xml\n", "{pdf}");
            let xml = std::fs::read(dir.join("transcript.xml")).unwrap();
            for (n, expected) in [("1", &clr), ("2", &xml)] {
                let saved = dir.join("detached");
                let save = run("pdfdetach", &["-save", n, "-o", saved.to_str().unwrap(), pdf]).unwrap();
                assert!(save.status.success(), "{}", text(&save.stderr));
                assert!(&std::fs::read(&saved).unwrap() == expected, "{pdf}: detached file {n} differs from its file");
                std::fs::remove_file(saved).unwrap();
            }
        }
        if let Some(check) = run("pdfua", &["check", pdf]) {
            let report = text(&check.stdout);
            assert!(report.contains("result: PASS (no findings)") && !report.contains("[skip"), "{report}");
        }
    }
    // The first learner's PDF verifies, as its clr.json does.
    let pdf = learners[0].join("transcript.pdf");
    let status = out.join("status");
    let v = xtranscript(&["verify", "--status-dir", status.to_str().unwrap(), pdf.to_str().unwrap()]);
    let stdout = text(&v.stdout);
    assert_eq!(v.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with(&format!("OK {}#clr.json (status checked: ", pdf.display())), "{stdout}");
    let _ = std::fs::remove_dir_all(out);
}

/// The PDF with its embedded clr.json replaced by `bytes` (stored uncompressed).
fn with_attachment(pdf: &Path, bytes: &[u8]) -> Vec<u8> {
    let mut doc = lopdf::Document::load(pdf).unwrap();
    let ids: Vec<lopdf::ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| {
            o.as_stream()
                .is_ok_and(|s| s.dict.get(b"Type").is_ok_and(|t| t.as_name().is_ok_and(|n| n == b"EmbeddedFile")))
        })
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(ids.len(), 2, "clr.json and transcript.xml");
    // The JSON one.
    let ids: Vec<lopdf::ObjectId> = ids
        .into_iter()
        .filter(|id| {
            let stream = doc.get_object(*id).unwrap().as_stream().unwrap();
            stream.decompressed_content().unwrap_or_else(|_| stream.content.clone()).starts_with(b"{")
        })
        .collect();
    assert_eq!(ids.len(), 1);
    let stream = doc.get_object_mut(ids[0]).unwrap().as_stream_mut().unwrap();
    stream.dict.remove(b"Filter");
    stream.set_content(bytes.to_vec());
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn verify_fails_a_pdf_whose_attachment_was_altered() {
    let out = demo_build("pdf-altered");
    let first = out.join("learners/N2025001");
    let pdf = first.join("transcript.pdf");
    let clr = std::fs::read(first.join("clr.json")).unwrap();
    let verify = |name: &str, bytes: Vec<u8>| {
        let path = out.join(name);
        std::fs::write(&path, bytes).unwrap();
        let v = xtranscript(&["verify", path.to_str().unwrap()]);
        assert_eq!(v.status.code(), Some(1), "{name}: {}", text(&v.stdout));
        text(&v.stdout)
    };
    // Unchanged bytes, rewritten: still OK (the check reads the file, not how it is stored).
    let same = out.join("same.pdf");
    std::fs::write(&same, with_attachment(&pdf, &clr)).unwrap();
    assert_eq!(xtranscript(&["verify", same.to_str().unwrap()]).status.code(), Some(0));
    // Another learner's clr.json, validly signed: the digest printed on this PDF is not its own.
    let other = std::fs::read(out.join("learners/N2025002/clr.json")).unwrap();
    let stdout = verify("swapped.pdf", with_attachment(&pdf, &other));
    assert!(stdout.contains("the SHA-256 printed on the PDF is not that of its embedded clr.json"), "{stdout}");
    // One byte of the credential changed.
    let mut altered = clr.clone();
    let at = altered.windows(6).position(|w| w == b"\"name\"").unwrap() + 9;
    altered[at] ^= 0x01;
    let stdout = verify("altered.pdf", with_attachment(&pdf, &altered));
    assert!(stdout.starts_with("FAIL"), "{stdout}");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn axe_finds_no_wcag_violation_in_any_sample_html() {
    // tests/browser: axe-core (WCAG 2.0/2.1 A and AA, best practices) in Debian's headless Chromium.
    let browser = root().join("tests/browser");
    if !browser.join("node_modules").is_dir() || !Path::new("/usr/bin/chromium").exists() {
        assert!(!tools_required(), "tests/browser needs `npm ci` and Debian's chromium in CI");
        eprintln!("note: axe-core or chromium not installed; the HTML accessibility check not run");
        return;
    }
    let out = demo_build("axe");
    let mut pages: Vec<String> = std::fs::read_dir(out.join("learners"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("transcript.html").to_str().unwrap().to_string())
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 28);
    let mut args = vec!["axe.mjs".to_string()];
    args.extend(pages);
    let run = Command::new("node").args(&args).current_dir(&browser).output().expect("node runs");
    let report = text(&run.stdout);
    assert!(run.status.success(), "{report}{}", text(&run.stderr));
    assert_eq!(report.lines().filter(|l| l.starts_with("OK ")).count(), 28, "{report}");
    let _ = std::fs::remove_dir_all(out);
}
