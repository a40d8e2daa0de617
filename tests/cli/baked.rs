//! Baked badges (issue #19, point 2; OB 3.0 §5.3): `build` bakes each award into its achievement's image,
//! `bake` does it by hand, `verify` unbakes and verifies, and refuses an image holding two credentials.

use super::portable::refverify;
use super::*;
use xtranscript::export::bake;

const NOW: &str = "2026-06-20T00:00:00Z";

/// Every badge of a learner's directory: (path, bytes).
fn badges(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir.join("badges"))
        .unwrap()
        .flatten()
        .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
        .collect();
    found.sort();
    found
}

/// Runs a command-line tool on `files` if it is installed (it must be when `XTRANSCRIPT_REQUIRE_TOOLS` is set).
fn tool(name: &str, args: &[&str], files: &[PathBuf]) -> Option<Output> {
    match Command::new(name).args(args).args(files).output() {
        Ok(out) => Some(out),
        Err(_) => {
            assert!(!tools_required(), "{name} must be installed");
            eprintln!("note: {name} not installed; skipped");
            None
        }
    }
}

/// The pixels the `png` crate decodes from a PNG.
fn decoded_pixels(bytes: &[u8]) -> Vec<u8> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut pixels).unwrap();
    pixels
}

#[test]
fn built_badges_unbake_to_their_credentials_byte_for_byte_and_verify_in_both_verifiers() {
    for securing in ["di", "jwt"] {
        let out = temp_dir(&format!("baked-{securing}"));
        let built = build(&out, &["--securing", securing, "--outputs", "clr"]);
        assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
        let doc = xtranscript(&["did-document", "samples", "--key", test_key()]);
        let did = out.join("did.json");
        std::fs::write(&did, &doc.stdout).unwrap();
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        // N2025001 has PNG badges and the SVG one (BADGE-HACK).
        let dir = out.join("learners/N2025001");
        let found = badges(&dir);
        assert!(found.len() >= 4, "{found:?}");
        assert!(found.iter().any(|(p, _)| p.extension().unwrap() == "svg"));
        let entry = manifest["learners"].as_array().unwrap().iter().find(|l| l["id"] == "N2025001").unwrap();
        let (mut extracted, mut pngs, mut svgs) = (Vec::new(), Vec::new(), Vec::new());
        for (path, bytes) in &found {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let listed = entry["files"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["path"] == format!("learners/N2025001/badges/{name}"));
            assert_eq!(listed.unwrap()["sha256"], xtranscript::export::hex_sha256(bytes), "{name} in the manifest");
            let unbaked = bake::unbake(bytes).unwrap();
            let stem = name.rsplit_once('.').unwrap().0;
            let extension = if securing == "jwt" { "jwt" } else { "json" };
            let credential = std::fs::read(dir.join(format!("credentials/{stem}.{extension}"))).unwrap();
            assert_eq!(unbaked.credential.as_bytes(), &credential[..], "{name} holds its credential byte for byte");
            let file = out.join(format!("{name}.{extension}"));
            std::fs::write(&file, &credential).unwrap();
            extracted.push(file.to_string_lossy().into_owned());
            match unbaked.kind {
                bake::ImageKind::Png => {
                    let json = std::fs::read(dir.join(format!("credentials/{stem}.json"))).unwrap();
                    let image = std::fs::read(root().join("samples/badges").join(image_of(&json))).unwrap();
                    assert_eq!(decoded_pixels(bytes), decoded_pixels(&image), "{name}: the same picture");
                    pngs.push(path.clone());
                }
                bake::ImageKind::Svg => {
                    let mut reader = quick_xml::Reader::from_reader(&bytes[..]);
                    while !matches!(reader.read_event().unwrap(), quick_xml::events::Event::Eof) {}
                    svgs.push(path.clone());
                }
            }
        }
        if let Some(check) = tool("pngcheck", &["-q"], &pngs) {
            assert!(check.status.success(), "{}{}", text(&check.stdout), text(&check.stderr));
        }
        if let Some(lint) = tool("xmllint", &["--noout"], &svgs) {
            assert!(lint.status.success(), "{}", text(&lint.stderr));
        }
        let mut args = vec!["verify", "--did-doc", did.to_str().unwrap(), "--now", NOW];
        let paths: Vec<String> = found.iter().map(|(p, _)| p.to_string_lossy().into_owned()).collect();
        args.extend(paths.iter().map(String::as_str));
        let v = xtranscript(&args);
        let stdout = text(&v.stdout);
        assert_eq!(v.status.code(), Some(0), "{stdout}");
        assert_eq!(
            stdout.lines().filter(|l| l.starts_with("OK ") && l.contains("#openbadgecredential")).count(),
            found.len()
        );
        // refverify reads no images: the extracted credentials are verified as files.
        if let Some(r) = refverify(&["--did-doc", did.to_str().unwrap(), "--now", NOW], &extracted) {
            assert!(r.status.success(), "{}\n{}", text(&r.stdout), text(&r.stderr));
        }
        let _ = std::fs::remove_dir_all(out);
    }
}

/// The image file of a credential's achievement (from samples/achievements.csv, by its humanCode).
fn image_of(credential: &[u8]) -> String {
    let credential: serde_json::Value = serde_json::from_slice(credential).unwrap();
    let code = credential["credentialSubject"]["achievement"]["humanCode"].as_str().unwrap().to_string();
    let table = std::fs::read_to_string(root().join("samples/achievements.csv")).unwrap();
    let line = table.lines().find(|l| l.starts_with(&format!("{code},"))).unwrap();
    line.split(',').find(|f| f.starts_with("badges/")).unwrap().trim_start_matches("badges/").to_string()
}

#[test]
fn bake_by_hand_then_verify_and_refuse_a_second_credential() {
    let out = temp_dir("bake-cli");
    let built = build(&out, &["--outputs", "clr"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let doc = xtranscript(&["did-document", "samples", "--key", test_key()]);
    let did = out.join("did.json");
    std::fs::write(&did, &doc.stdout).unwrap();
    let credential = std::fs::read_dir(out.join("learners/N2025001/credentials"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.to_string_lossy().ends_with(".json") && p.file_name().unwrap().to_string_lossy().starts_with("award-")
        })
        .unwrap();
    let (credential, did) = (credential.to_str().unwrap(), did.to_str().unwrap());
    for image in ["samples/badges/peer-tutor.png", "samples/badges/datathon-finalist.svg"] {
        let extension = image.rsplit_once('.').unwrap().1;
        let baked = out.join(format!("hand.{extension}"));
        let made = xtranscript(&["bake", image, credential, "--out", baked.to_str().unwrap()]);
        assert_eq!(made.status.code(), Some(0), "{}", text(&made.stderr));
        let v = xtranscript(&["verify", "--did-doc", did, "--now", NOW, baked.to_str().unwrap()]);
        assert_eq!(v.status.code(), Some(0), "{}", text(&v.stdout));
        assert_eq!(
            bake::unbake(&std::fs::read(&baked).unwrap()).unwrap().credential.as_bytes(),
            std::fs::read(credential).unwrap()
        );
        // Baking a baked image is refused; so is a badge with two credentials, in verify.
        let again = xtranscript(&[
            "bake",
            baked.to_str().unwrap(),
            credential,
            "--out",
            out.join(format!("x.{extension}")).to_str().unwrap(),
        ]);
        assert_eq!(again.status.code(), Some(2));
        assert!(text(&again.stderr).contains("already holds a baked credential"), "{}", text(&again.stderr));
        let bytes = std::fs::read(&baked).unwrap();
        let twice = match extension {
            "png" => {
                // The iTXt chunk right after IHDR (byte 33), spliced in a second time.
                let original = std::fs::read(image).unwrap();
                let chunk = &bytes[33..33 + bytes.len() - original.len()];
                [&bytes[..33], chunk, &bytes[33..]].concat()
            }
            _ => {
                let text = String::from_utf8(bytes.clone()).unwrap();
                let start = text.find("<openbadges:credential>").unwrap();
                let end = text.find("</openbadges:credential>").unwrap() + "</openbadges:credential>".len();
                let element = &text[start..end];
                text.replacen(element, &format!("{element}{element}"), 1).into_bytes()
            }
        };
        let double = out.join(format!("double.{extension}"));
        std::fs::write(&double, twice).unwrap();
        let v = xtranscript(&["verify", "--did-doc", did, "--now", NOW, double.to_str().unwrap()]);
        let stdout = text(&v.stdout);
        assert_eq!(v.status.code(), Some(1), "{stdout}");
        assert!(stdout.starts_with("FAIL") && stdout.contains("2 baked credentials"), "{stdout}");
    }
    let wrong = xtranscript(&[
        "bake",
        "samples/badges/peer-tutor.png",
        credential,
        "--out",
        out.join("x.svg").to_str().unwrap(),
    ]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(text(&wrong.stderr).contains(".png file"), "{}", text(&wrong.stderr));
    let unbaked = xtranscript(&["verify", "samples/badges/peer-tutor.png"]);
    assert!(text(&unbaked.stdout).contains("no baked credential"), "{}", text(&unbaked.stdout));
    let _ = std::fs::remove_dir_all(out);
}
