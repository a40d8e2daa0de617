//! The human-readable transcripts `build` writes: for every sample learner the PDF's
//! text has the name, every course title and grade, and the GPA; fonts are embedded.

use super::*;

pub(super) fn tool(name: &str, args: &[&str]) -> Option<String> {
    match Command::new(name).args(args).output() {
        Ok(out) if out.status.success() => Some(text(&out.stdout)),
        Ok(out) => panic!("{name} failed: {}", text(&out.stderr)),
        Err(_) => {
            assert!(!tools_required(), "{name} (poppler-utils) is required in CI");
            eprintln!("note: {name} not installed; PDF text not checked");
            None
        }
    }
}

/// Whitespace folded, so titles wrapped over lines still match.
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_sample_pdf_has_the_name_courses_grades_and_gpa() {
    let out = temp_dir("pdf");
    let built = build(&out, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let learners = manifest["learners"].as_array().unwrap();
    assert_eq!(learners.len(), 28);
    for entry in learners {
        let dir = out.join("learners").join(entry["directory"].as_str().unwrap());
        let pdf = dir.join("transcript.pdf");
        let Some(raw) = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]) else { return };
        let page_text = fold(&raw);
        let clr: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("clr.json")).unwrap()).unwrap();
        let name = clr["credentialSubject"]["identifier"][0]["identityHash"].as_str().unwrap();
        assert!(page_text.contains(&fold(name)), "{}: no name {name:?}", entry["id"]);
        for vc in clr["credentialSubject"]["verifiableCredential"].as_array().unwrap() {
            let achievement = &vc["credentialSubject"]["achievement"];
            if achievement["achievementType"] != "Course" {
                continue;
            }
            let title = achievement["name"].as_str().unwrap().split_once(": ").unwrap().1;
            assert!(page_text.contains(&fold(title)), "{}: no course title {title:?}", entry["id"]);
            if let Some(grade) = vc["credentialSubject"]["result"][0]["value"].as_str() {
                assert!(page_text.contains(&format!(" {grade} ")), "{}: no grade {grade}", entry["id"]);
            }
        }
        let summary = clr["credentialSubject"]["verifiableCredential"]
            .as_array()
            .unwrap()
            .iter()
            .find(|vc| vc["credentialSubject"]["achievement"]["achievementType"] == "ext:AcademicRecord")
            .unwrap();
        if let Some(gpa) = summary["credentialSubject"]["result"][0]["value"].as_str() {
            assert!(page_text.contains(&format!("GPA {gpa}")), "{}: no cumulative GPA {gpa}", entry["id"]);
        }
        let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]).unwrap();
        for line in fonts.lines().skip(2) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let n = cols.len();
            assert!(n >= 5 && cols[n - 5] == "yes", "{}: font not embedded: {line}", entry["id"]);
            // Only the built-in faces and the font institution.toml names: never one the machine happens to have.
            let face = cols[0].split_once('+').map_or(cols[0], |(_, f)| f);
            assert!(
                face.starts_with("DejaVu") || face == "wqy-microhei-subset",
                "{}: a font not named by the input: {line}",
                entry["id"]
            );
        }
        let html = std::fs::read_to_string(dir.join("transcript.html")).unwrap();
        assert!(html.contains(&entry["id"].as_str().unwrap().to_string()));
        assert!(html.contains(r#"<img src="data:image/png;base64,"#), "{}: no logo in the HTML", entry["id"]);
        // The logo (samples/seal.png, 120×120 RGBA laid over white) on page 1, beside the 49×49 QR code.
        let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]).unwrap();
        let logo = images.lines().skip(2).map(|l| l.split_whitespace().collect::<Vec<_>>()).find(|c| c[3] == "120");
        assert!(
            logo.is_some_and(|c| c[0] == "1" && c[4] == "120" && c[5] == "rgb"),
            "{}: no logo on page 1:\n{images}",
            entry["id"]
        );
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_logo_that_is_not_an_image_stops_the_build_before_any_learner() {
    let input = temp_dir("bad-logo-in");
    copy_dir(&root().join("samples"), &input);
    std::fs::write(input.join("seal.png"), "GIF89a not really").unwrap();
    let out = temp_dir("bad-logo-out");
    let built = xtranscript(&["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", test_key()]);
    let stderr = text(&built.stderr);
    assert_eq!(built.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("seal.png: logo: not a JPEG or PNG file"), "{stderr}");
    assert!(stderr.contains("[institution] logo"), "{stderr}");
    assert!(!out.join("learners").exists(), "nothing built");
    let _ = std::fs::remove_dir_all(input);
}
