//! The rendered transcript, read back with poppler (pdftotext, pdffonts, pdfinfo) as a
//! person's PDF reader would. The poppler tests are skipped, with a note, where
//! poppler-utils is not installed. CJK names are set in the samples' font subset
//! (`samples/fonts`), so nothing here depends on the machine's fonts.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use xtranscript::render::{self, Fonts, RenderError, Templates, TranscriptView, load_fonts};

/// Names in every script the transcript promises, as in `samples/learners.csv`.
const NAMES: &[(&str, &str)] = &[
    ("latin", "José Antonio Muñoz-Ibáñez"),
    ("latin-marks", "Oluwaseun Adébáyọ̀"),
    ("greek", "Αικατερίνη Παπαδοπούλου"),
    ("cyrillic", "Олександр Шевчук"),
    ("chinese", "王芳"),
    ("japanese", "佐藤 陽菜"),
    ("korean", "김민준"),
    ("arabic", "ليلى حداد"),
    ("hebrew", "נועה לוי"),
];

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let cjk = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/fonts/wqy-microhei-subset.ttf");
        let (fonts, warnings) = load_fonts(&[cjk], |p| std::fs::read(p)).expect("fonts load");
        assert!(warnings.is_empty(), "the samples' fonts cover every script: {warnings:?}");
        fonts
    })
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("render");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn render(view: &TranscriptView) -> Vec<u8> {
    render::pdf(view, fonts(), Templates::embedded().layout()).unwrap_or_else(|e| panic!("{e}"))
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = out_dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Whether poppler's tools are installed; prints a note when they are not.
fn poppler() -> bool {
    let ok = Command::new("pdftotext").arg("-v").output().is_ok_and(|o| o.status.success());
    if !ok {
        // .ci/run installs it and sets XTRANSCRIPT_REQUIRE_TOOLS: there the checks must run.
        assert!(std::env::var_os("XTRANSCRIPT_REQUIRE_TOOLS").is_none(), "poppler-utils is required in CI");
        eprintln!("note: poppler-utils is not installed (apt-get install poppler-utils): PDF text checks skipped");
    }
    ok
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name).args(args).arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pdftotext(pdf: &Path) -> String {
    tool("pdftotext", &[], pdf)
}

/// Text with bidi controls removed and all white space collapsed, for searching.
fn normalized(text: &str) -> String {
    let visible: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pdffonts(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdffonts").arg(pdf).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().skip(2).map(str::to_string).collect()
}

fn pdfinfo(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").args(["-isodates"]).arg(pdf).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn pages(text: &str) -> Vec<&str> {
    text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect()
}

#[test]
fn every_name_course_grade_and_gpa_is_extractable_text() {
    if !poppler() {
        return;
    }
    for (script, name) in NAMES {
        let mut view = TranscriptView::sample();
        view.learner.name = (*name).to_string();
        let pdf = write(&format!("sample-{script}.pdf"), &render(&view));
        let text = normalized(&pdftotext(&pdf));
        let wanted = normalized(name);
        assert!(text.contains(&wanted), "{script}: {name:?} not in the text of {}:\n{text}", pdf.display());
        for term in &view.terms {
            assert!(text.contains(&term.name), "{script}: term {}", term.name);
            for course in &term.courses {
                assert!(text.contains(&normalized(&course.title)), "{script}: title {:?} in\n{text}", course.title);
                assert!(text.contains(&course.code), "{script}: code {}", course.code);
                if let Some(grade) = &course.grade {
                    assert!(text.contains(&format!(" {grade} ")), "{script}: grade {grade}");
                }
            }
            if let Some(gpa) = term.cumulative.gpa {
                assert!(text.contains(&format!("GPA {gpa}")), "{script}: cumulative GPA {gpa} in\n{text}");
            }
        }
        for line in pdffonts(&pdf) {
            let columns: Vec<&str> = line.split_whitespace().collect();
            // name type... encoding emb sub uni object ID: emb is the fourth field from the end.
            assert_eq!(columns[columns.len() - 5], "yes", "{script}: font not embedded: {line}");
            assert_eq!(columns[columns.len() - 4], "yes", "{script}: font not subset: {line}");
        }
    }
}

#[test]
fn twelve_terms_span_pages_with_repeated_headers_and_page_numbers() {
    let view = TranscriptView::sample_twelve_terms();
    let bytes = render(&view);
    if !poppler() {
        return;
    }
    let pdf = write("twelve-terms.pdf", &bytes);
    let text = pdftotext(&pdf);
    let pages = pages(&text);
    let count = pages.len();
    assert!(count >= 3, "{count} pages");
    for (i, page) in pages.iter().enumerate() {
        let footer = format!("Page {} of {count}", i + 1);
        assert!(page.contains(&footer), "page {} lacks {footer:?}:\n{page}", i + 1);
    }
    // The academic record crosses pages: each page it continues on repeats the title and the column header.
    let continued: Vec<&&str> = pages.iter().skip(1).filter(|p| p.contains("ACADEMIC RECORD (CONTINUED)")).collect();
    assert!(!continued.is_empty(), "the academic record does not continue on a second page");
    for page in continued {
        for header in ["Course", "Title", "Attempted", "Earned", "Grade", "Notes"] {
            assert!(page.contains(header), "repeated header lacks {header:?}:\n{page}");
        }
    }
    // A term that crosses a page break repeats its band.
    assert!(text.contains(" (continued)\n") || text.contains(" (continued)"), "no term continues across pages");
    let all = normalized(&text);
    for term in &view.terms {
        for course in &term.courses {
            assert!(all.contains(&normalized(&course.title)), "title {:?}", course.title);
        }
    }
    let gpa = view.terms.last().and_then(|t| t.cumulative.gpa).unwrap();
    assert!(all.contains(&format!("GPA {gpa}")));
    assert!(all.contains("magna cum laude"));
}

#[test]
fn the_qr_code_scans_to_the_verification_url() {
    let view = TranscriptView::sample();
    let pdf = write("qr.pdf", &render(&view));
    if !poppler() {
        return;
    }
    let Ok(out) = Command::new("zbarimg").arg("--version").output() else {
        eprintln!("note: zbar-tools is not installed (apt-get install zbar-tools): QR decoding check skipped");
        return;
    };
    assert!(out.status.success());
    let png = out_dir().join("qr-page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "300", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(status.success());
    let scanned = Command::new("zbarimg").args(["--raw", "-q"]).arg(out_dir().join("qr-page-1.png")).output().unwrap();
    let decoded = String::from_utf8(scanned.stdout).unwrap();
    assert_eq!(decoded.trim(), view.verification.url);
}

#[test]
fn renders_are_byte_identical() {
    for view in [TranscriptView::sample(), TranscriptView::sample_twelve_terms()] {
        let a = render(&view);
        let b = render(&view);
        assert!(a == b, "two renders of the same view differ");
        assert!(a.starts_with(b"%PDF-"));
    }
    let mut other = TranscriptView::sample();
    other.learner.name = "Zoë Ångström".to_string();
    assert_ne!(render(&other), render(&TranscriptView::sample()));
}

#[test]
fn renders_do_not_depend_on_what_the_thread_rendered_before() {
    let views: Vec<TranscriptView> = NAMES
        .iter()
        .map(|(_, name)| {
            let mut view = TranscriptView::sample();
            view.learner.name = (*name).to_string();
            view
        })
        .chain([TranscriptView::sample_one_page(), TranscriptView::sample_twelve_terms()])
        .collect();
    // Each on a thread of its own: nothing kept from an earlier render.
    let fresh: Vec<Vec<u8>> =
        views.iter().map(|v| std::thread::scope(|s| s.spawn(|| render(v)).join().unwrap())).collect();
    // One thread, forwards then backwards, twice over.
    std::thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..2 {
                for (view, bytes) in views.iter().zip(&fresh).chain(views.iter().zip(&fresh).rev()) {
                    assert!(render(view) == *bytes, "{}: a render after others differs", view.learner.name);
                }
            }
        });
    });
}

#[test]
fn metadata_names_the_document_institution_date_and_language() {
    let bytes = render(&TranscriptView::sample());
    // The dictionaries are in a compressed object stream: read them back rather than scan the bytes.
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let lang = doc.catalog().unwrap().get(b"Lang").and_then(lopdf::Object::as_str);
    assert_eq!(lang.ok(), Some(&b"en"[..]), "no /Lang in the catalog");
    if !poppler() {
        return;
    }
    let info = pdfinfo(&write("metadata.pdf", &bytes));
    assert!(info.contains("Official Academic Transcript — José Antonio Muñoz-Ibáñez"), "{info}");
    assert!(info.contains("Author:          Northbridge Institute of Technology"), "{info}");
    assert!(info.contains("CreationDate:    2026-06-15T00:00:00"), "{info}");
}

#[test]
fn one_page_sample_fits_one_page() {
    let bytes = render(&TranscriptView::sample_one_page());
    if !poppler() {
        return;
    }
    let text = pdftotext(&write("one-page.pdf", &bytes));
    assert_eq!(pages(&text).len(), 1, "{text}");
    assert!(text.contains("Page 1 of 1"));
}

#[test]
fn missing_fonts_fail_instead_of_printing_boxes() {
    let mut view = TranscriptView::sample();
    view.learner.name = "王芳".to_string();
    let builtin = Fonts::builtin();
    match render::pdf(&view, &builtin, Templates::embedded().layout()) {
        Err(RenderError::MissingGlyphs { chars, .. }) => assert_eq!(chars, ['王', '芳']),
        other => panic!("expected MissingGlyphs, got {:?}", other.map(|b| b.len())),
    }
}

#[test]
fn html_view_has_the_same_content() {
    let view = TranscriptView::sample_twelve_terms();
    let html = render::html(&view, &Templates::embedded()).unwrap();
    write("twelve-terms.html", html.as_bytes());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains(&view.learner.name));
    for term in &view.terms {
        for course in &term.courses {
            assert!(html.contains(&course.title.replace('\'', "&#x27;")), "{}", course.title);
        }
    }
    assert!(html.contains(&view.verification.clr_sha256));
    assert!(html.contains("<svg"), "the QR code is inline");
    // Text is escaped.
    let mut view = TranscriptView::sample();
    view.learner.name = "<script>alert(1)</script>".to_string();
    let html = render::html(&view, &Templates::embedded()).unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn institution_overrides_change_labels_in_both_outputs() {
    let templates = Templates::with_overrides([
        ("labels.toml", "document_title = \"Relevé de notes officiel\"\npage_of = \"Page {page} sur {pages}\"\n"),
        ("layout.toml", "page_size = \"letter\"\nsections = [\"academic_record\", \"verification\"]\n"),
    ])
    .unwrap();
    let mut view = TranscriptView::sample();
    view.labels = templates.labels().clone();
    view.language = "fr".to_string();
    let html = render::html(&view, &templates).unwrap();
    assert!(html.contains("Relevé de notes officiel"));
    assert!(html.contains("lang=\"fr\""));
    assert!(!html.contains(&view.grading.scale_name), "the grading section was left out of the layout");
    let bytes = render::pdf(&view, fonts(), templates.layout()).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let first = *doc.get_pages().values().next().unwrap();
    let media_box: Vec<f32> = doc
        .get_dictionary(first)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect();
    assert_eq!(media_box, [0.0, 0.0, 612.0, 792.0], "US Letter");
    if !poppler() {
        return;
    }
    let text = pdftotext(&write("override.pdf", &bytes));
    assert!(text.contains("RELEVÉ DE NOTES OFFICIEL"), "{text}");
    assert!(text.contains("Page 1 sur"), "{text}");
}

#[test]
fn institution_header_and_grading_legend_come_from_institution_toml() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/institution.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut diags = xtranscript::diag::Diagnostics::new();
    let config = xtranscript::config::Config::parse(&text, &path, &mut diags).expect("the sample config parses");
    let header = render::InstitutionView::from(&config.institution);
    assert_eq!(header.name, "Northbridge Institute of Technology");
    assert_eq!(header.address_lines, ["1200 Harbor Point Drive, Northbridge, MA 01534, United States"]);
    assert_eq!(header.identifiers.len(), 3);
    assert_eq!(header.contact[0], "www.northbridge.example.edu");
    let legend = render::GradingLegend::from(&config.grading);
    assert_eq!(legend.grades.len(), config.grading.grades.len());
    assert_eq!(legend.grades[1].points.map(|p| p.to_string()).as_deref(), Some("3.70"));
    let labels = Templates::embedded().labels().clone();
    assert_eq!(labels.achievement_kind(&xtranscript::model::AchievementKind::MicroCredential), "Micro-credential");
}
