//! The transcript PDF against the rules of PDF/UA-1 (ISO 14289-1) and PDF/A-3b (ISO 19005-3) that
//! matter most for it, read back with lopdf. Each test names the veraPDF rule ids it checks (from the
//! veraPDF validation profiles PDFUA-1.xml and PDFA-3B.xml in `../shared/standards/pdf/verapdf-profiles/`).
//! Where the `pdfua` checker (PyPI) is installed, it must report nothing for every sample script.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};
use sha2::{Digest, Sha256};
use xtranscript::render::attachment::{AttachmentError, credential_bytes, embedded_credential};
use xtranscript::render::view::{CompetencyRow, FrameworkView};
use xtranscript::render::{self, Attachment, Fonts, Logo, Templates, TranscriptView, load_fonts};

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let cjk = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/fonts/wqy-microhei-subset.ttf");
        load_fonts(&[cjk], |p| std::fs::read(p)).expect("fonts load").0
    })
}

const CLR: &[u8] = b"{\"type\":[\"VerifiableCredential\",\"ClrCredential\"]}\n";

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The sample view with a logo, its printed digest that of `CLR`.
fn view() -> TranscriptView {
    let mut view = TranscriptView::sample();
    view.institution.logo = Some(Logo::Raw { width: 2, height: 2, channels: 1, pixels: vec![0, 255, 255, 0] });
    view.verification.clr_sha256 = hex_sha256(CLR);
    view
}

fn render(view: &TranscriptView, clr: &[u8]) -> Vec<u8> {
    render::pdf_with(view, fonts(), Templates::embedded().layout(), &[Attachment::signed_clr(clr)])
        .unwrap_or_else(|e| panic!("{e}"))
}

fn sample() -> &'static (Vec<u8>, Document) {
    static SAMPLE: OnceLock<(Vec<u8>, Document)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let bytes = render(&view(), CLR);
        let doc = Document::load_mem(&bytes).expect("lopdf reads it");
        (bytes, doc)
    })
}

fn dict<'a>(doc: &'a Document, object: &'a Object) -> &'a Dictionary {
    doc.dereference(object).and_then(|(_, o)| o.as_dict()).expect("a dictionary")
}

fn catalog(doc: &Document) -> &Dictionary {
    doc.catalog().expect("a catalog")
}

fn name(object: &Object) -> String {
    String::from_utf8_lossy(object.as_name().expect("a name")).into_owned()
}

/// Every structure element under the root, depth first: (type, dictionary, parent's type).
fn elements(doc: &Document) -> Vec<(String, &Dictionary, String)> {
    fn walk<'a>(doc: &'a Document, kid: &'a Object, parent: &str, out: &mut Vec<(String, &'a Dictionary, String)>) {
        let Ok((_, Object::Dictionary(elem))) = doc.dereference(kid) else { return };
        let Ok(kind) = elem.get(b"S") else { return };
        let kind = name(kind);
        out.push((kind.clone(), elem, parent.to_string()));
        match elem.get(b"K") {
            Ok(Object::Array(kids)) => kids.iter().for_each(|k| walk(doc, k, &kind, out)),
            Ok(k @ Object::Reference(_)) => walk(doc, k, &kind, out),
            _ => {}
        }
    }
    let root = dict(doc, catalog(doc).get(b"StructTreeRoot").expect("7.1-11: a StructTreeRoot"));
    let mut out = Vec::new();
    match root.get(b"K").expect("the root has kids") {
        Object::Array(kids) => kids.iter().for_each(|k| walk(doc, k, "StructTreeRoot", &mut out)),
        k => walk(doc, k, "StructTreeRoot", &mut out),
    }
    out
}

fn kids_of<'a>(doc: &'a Document, elem: &'a Dictionary) -> Vec<&'a Dictionary> {
    let kids = match elem.get(b"K") {
        Ok(Object::Array(kids)) => kids.iter().collect(),
        Ok(k) => vec![k],
        Err(_) => Vec::new(),
    };
    kids.into_iter()
        .filter_map(|k| match doc.dereference(k) {
            Ok((_, Object::Dictionary(d))) if d.has(b"S") => Some(d),
            _ => None,
        })
        .collect()
}

fn kind(elem: &Dictionary) -> String {
    name(elem.get(b"S").unwrap())
}

fn attribute(elem: &Dictionary, key: &[u8]) -> Option<Object> {
    elem.get(b"A").ok()?.as_dict().ok()?.get(key).ok().cloned()
}

#[test]
fn all_page_content_is_tagged_or_an_artifact_never_both() {
    // veraPDF PDF/UA-1 7.1-3 (content tagged or Artifact), 7.1-1 and 7.1-2 (never one inside the
    // other), 6.2-1 (MarkInfo /Marked true), 7.1-4 (no Suspects); ISO 32000-1 14.7.4.4 (ParentTree).
    let (_, doc) = sample();
    let mark_info = dict(doc, catalog(doc).get(b"MarkInfo").expect("6.2-1: MarkInfo"));
    assert_eq!(mark_info.get(b"Marked").unwrap(), &Object::Boolean(true), "6.2-1");
    assert!(mark_info.get(b"Suspects").map_or(true, |s| s == &Object::Boolean(false)), "7.1-4");
    let root = dict(doc, catalog(doc).get(b"StructTreeRoot").unwrap());
    let parent_tree = dict(doc, root.get(b"ParentTree").unwrap());
    let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
    let painting = ["Tj", "TJ", "'", "\"", "Do", "f", "F", "f*", "S", "s", "B", "b", "sh"];
    let mut tagged_pieces = 0;
    for (index, page) in doc.get_pages().values().enumerate() {
        let page_dict = doc.get_dictionary(*page).unwrap();
        let key = page_dict.get(b"StructParents").unwrap().as_i64().unwrap();
        let content = Content::decode(&doc.get_page_content(*page)).unwrap();
        let mut stack: Vec<bool> = Vec::new(); // true: an artifact
        let mut mcids = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "BMC" | "BDC" => {
                    let artifact = name(&op.operands[0]) == "Artifact";
                    assert!(stack.iter().all(|&a| a == artifact), "7.1-1/7.1-2: page {index} nests {op:?}");
                    if let Some(Object::Dictionary(props)) = op.operands.get(1)
                        && let Ok(mcid) = props.get(b"MCID")
                    {
                        mcids.push(mcid.as_i64().unwrap());
                    }
                    stack.push(artifact);
                }
                "EMC" => assert!(stack.pop().is_some(), "unbalanced EMC on page {index}"),
                o if painting.contains(&o) => {
                    assert!(!stack.is_empty(), "7.1-3: page {index}: {o} outside marked content");
                    tagged_pieces += usize::from(!stack[0]);
                }
                _ => {}
            }
        }
        assert!(stack.is_empty(), "page {index}: marked content left open");
        // The page's MCIDs are 0, 1, 2 …, and its parent tree entry has an element for each.
        assert_eq!(mcids, (0..mcids.len() as i64).collect::<Vec<_>>(), "page {index}");
        let position = nums.iter().position(|n| n.as_i64().ok() == Some(key)).expect("a parent tree entry");
        let entry = nums[position + 1].as_array().unwrap();
        assert_eq!(entry.len(), mcids.len(), "page {index}: parent tree entry");
    }
    assert!(tagged_pieces > 50, "the body is tagged ({tagged_pieces} pieces)");
}

#[test]
fn every_font_is_embedded_with_a_tounicode_map() {
    // veraPDF PDF/UA-1 7.21.4.1-1 (font programs embedded), 7.21.7-1 (ToUnicode), 7.21.3.2-1
    // (CIDToGIDMap for Type 2 CIDFonts); PDF/A-3b 6.2.11.4.1 and 6.2.11.7 are the same rules.
    let (_, doc) = sample();
    let mut seen = 0;
    for page in doc.get_pages().values() {
        for (_, font) in doc.get_page_fonts(*page).unwrap() {
            seen += 1;
            assert!(font.has(b"ToUnicode"), "7.21.7-1: {font:?}");
            let descendant = dict(doc, &font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]);
            assert!(descendant.has(b"CIDToGIDMap"), "7.21.3.2-1");
            let descriptor = dict(doc, descendant.get(b"FontDescriptor").unwrap());
            assert!(descriptor.has(b"FontFile2") || descriptor.has(b"FontFile3"), "7.21.4.1-1: {descriptor:?}");
        }
    }
    assert!(seen > 0);
}

#[test]
fn tables_have_headers_with_scope_and_rows_of_equal_width() {
    // veraPDF PDF/UA-1 7.5-1 (TH with Scope), 7.2-3 / 7.2-10 / 7.2-36 / 7.2-37 (what tables, rows and
    // their groups hold), 7.2-42 (rows as wide as each other), 7.1-12 (every element has a parent).
    let (_, doc) = sample();
    let elems = elements(doc);
    let mut tables = 0;
    for (kind_name, elem, parent) in &elems {
        assert!(elem.has(b"P"), "7.1-12: {kind_name}");
        match kind_name.as_str() {
            "TH" => assert!(attribute(elem, b"Scope").is_some(), "7.5-1: a TH without Scope"),
            "TR" => {
                assert!(["Table", "THead", "TBody", "TFoot"].contains(&parent.as_str()), "7.2-4");
                for cell in kids_of(doc, elem) {
                    assert!(["TH", "TD"].contains(&kind(cell).as_str()), "7.2-10: {}", kind(cell));
                }
            }
            "Table" => {
                tables += 1;
                let mut widths = BTreeSet::new();
                let mut has_header = false;
                for group in kids_of(doc, elem) {
                    let group_kind = kind(group);
                    assert!(["TR", "THead", "TBody", "TFoot", "Caption"].contains(&group_kind.as_str()), "7.2-3");
                    let rows = if group_kind == "TR" { vec![group] } else { kids_of(doc, group) };
                    for row in rows {
                        assert_eq!(kind(row), "TR", "7.2-36/7.2-37");
                        let cells = kids_of(doc, row);
                        has_header |= cells.iter().any(|c| kind(c) == "TH");
                        let width: i64 = cells
                            .iter()
                            .map(|c| attribute(c, b"ColSpan").and_then(|s| s.as_i64().ok()).unwrap_or(1))
                            .sum();
                        widths.insert(width);
                    }
                }
                assert_eq!(widths.len(), 1, "7.2-42: rows of widths {widths:?}");
                assert!(has_header, "a table with no header cell");
            }
            _ => {}
        }
    }
    assert!(tables >= 4, "the record, learner, grading and other tables ({tables})");
}

#[test]
fn figures_have_alternative_text_and_headings_do_not_skip_levels() {
    // veraPDF PDF/UA-1 7.3-1 (Figure with Alt), 7.4.2-1 (weakly structured headings: H1 first, no
    // level skipped), 7.1-5 (standard types only: no role map).
    let (_, doc) = sample();
    let elems = elements(doc);
    let alts: Vec<String> = elems
        .iter()
        .filter(|(k, _, _)| k == "Figure")
        .map(|(_, e, _)| {
            let alt = e.get(b"Alt").expect("7.3-1: a Figure without Alt").as_str().unwrap();
            String::from_utf8_lossy(alt).into_owned()
        })
        .collect();
    let url = &view().verification.url;
    assert_eq!(alts.len(), 3, "logo and two QR codes: {alts:?}");
    assert_eq!(alts[0], "Seal of Northbridge Institute of Technology");
    assert!(alts[1..].iter().all(|a| a == &format!("QR code linking to {url}")), "{alts:?}");
    let mut level = 0;
    for (k, _, _) in &elems {
        if let Some(n) = k.strip_prefix('H').and_then(|n| n.parse::<i32>().ok()) {
            assert!(n <= level + 1, "7.4.2-1: H{n} after H{level}");
            level = n;
        }
    }
    assert!(level >= 2);
    let standard = [
        "Document", "H1", "H2", "H3", "P", "Table", "THead", "TBody", "TR", "TH", "TD", "Figure", "L", "LI", "Lbl",
        "LBody", "Span", "Link",
    ];
    assert!(elems.iter().all(|(k, _, _)| standard.contains(&k.as_str())), "7.1-5");
    assert!(!dict(doc, catalog(doc).get(b"StructTreeRoot").unwrap()).has(b"RoleMap"));
}

fn xmp(doc: &Document) -> String {
    let stream = doc
        .dereference(catalog(doc).get(b"Metadata").expect("7.1-8 / 6.6.2.1-1: Metadata"))
        .unwrap()
        .1
        .as_stream()
        .unwrap();
    assert!(stream.dict.get(b"Filter").is_err(), "the XMP is not compressed");
    assert_eq!(name(stream.dict.get(b"Subtype").unwrap()), "XML");
    String::from_utf8(stream.content.clone()).expect("6.6.2.1-5: UTF-8")
}

#[test]
fn language_title_and_conformance_are_identified() {
    // veraPDF PDF/UA-1 7.2-34 / 7.2-29 (a well-formed /Lang), 7.1-8 / 7.1-9 (XMP with dc:title),
    // 7.1-10 (DisplayDocTitle), 5-1 / 5-2 (pdfuaid:part 1); PDF/A-3b 6.6.4-1..3 (pdfaid part 3,
    // conformance B), 6.6.2.3.1 (information dictionary equal to the XMP), 6.1.2-1/2 (header), 6.1.3-1 (ID).
    let (bytes, doc) = sample();
    assert!(bytes.starts_with(b"%PDF-1.7\n%"), "6.1.2-1");
    assert!(bytes[10..14].iter().all(|&b| b > 127), "6.1.2-2");
    assert!(doc.trailer.get(b"ID").is_ok(), "6.1.3-1");
    let lang = catalog(doc).get(b"Lang").unwrap().as_str().unwrap();
    assert_eq!(lang, b"en");
    let prefs = dict(doc, catalog(doc).get(b"ViewerPreferences").unwrap());
    assert_eq!(prefs.get(b"DisplayDocTitle").unwrap(), &Object::Boolean(true), "7.1-10");
    let xmp = xmp(doc);
    let title = view().document_title();
    for wanted in [
        format!("<rdf:li xml:lang=\"x-default\">{title}</rdf:li>"),
        "<pdfuaid:part>1</pdfuaid:part>".to_string(),
        "<pdfaid:part>3</pdfaid:part>".to_string(),
        "<pdfaid:conformance>B</pdfaid:conformance>".to_string(),
        "<xmp:CreateDate>2026-06-15T00:00:00Z</xmp:CreateDate>".to_string(),
        "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>".to_string(),
    ] {
        assert!(xmp.contains(&wanted), "no {wanted} in\n{xmp}");
    }
    let info = dict(doc, doc.trailer.get(b"Info").unwrap());
    assert_eq!(info.get(b"CreationDate").unwrap().as_str().unwrap(), b"D:20260615000000Z");
    let keys: Vec<&[u8]> = info.iter().map(|(k, _)| k.as_slice()).collect();
    assert_eq!(keys.len(), 7, "only keys with an XMP equivalent: {keys:?}");
}

#[test]
fn the_output_intent_is_srgb() {
    // veraPDF PDF/A-3b 6.2.4.3-2 / 6.2.4.3-4 (device colours need a PDF/A output intent), 6.2.4.2-1 (ICC profile class).
    let (_, doc) = sample();
    let intents = catalog(doc).get(b"OutputIntents").unwrap().as_array().unwrap();
    assert_eq!(intents.len(), 1);
    let intent = dict(doc, &intents[0]);
    assert_eq!(name(intent.get(b"S").unwrap()), "GTS_PDFA1");
    let profile = doc.dereference(intent.get(b"DestOutputProfile").unwrap()).unwrap().1.as_stream().unwrap();
    assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    let icc = profile.decompressed_content().unwrap();
    assert_eq!(&icc[12..20], b"mntrRGB ", "a display RGB profile");
}

#[test]
fn the_signed_clr_is_an_associated_file_read_back_byte_for_byte() {
    // veraPDF PDF/A-3b 6.8-1 (Subtype: a MIME type), 6.8-2 / PDF/UA-1 7.11-1 (F and UF), 6.8-3
    // (AFRelationship), 6.8-4 (associated through /AF).
    let (bytes, doc) = sample();
    let af = catalog(doc).get(b"AF").unwrap().as_array().unwrap();
    assert_eq!(af.len(), 1);
    let spec = dict(doc, &af[0]);
    assert_eq!(spec.get(b"F").unwrap().as_str().unwrap(), b"clr.json", "6.8-2");
    assert_eq!(spec.get(b"UF").unwrap().as_str().unwrap(), b"clr.json", "6.8-2");
    assert_eq!(name(spec.get(b"AFRelationship").unwrap()), "Source", "6.8-3");
    let ef = dict(doc, spec.get(b"EF").unwrap());
    let file = doc.dereference(ef.get(b"F").unwrap()).unwrap().1.as_stream().unwrap();
    assert_eq!(name(file.dict.get(b"Subtype").unwrap()), "application/vc", "6.8-1");
    let params = dict(doc, file.dict.get(b"Params").unwrap());
    assert_eq!(params.get(b"Size").unwrap().as_i64().unwrap(), CLR.len() as i64);
    let names = dict(doc, catalog(doc).get(b"Names").unwrap());
    assert!(dict(doc, names.get(b"EmbeddedFiles").unwrap()).has(b"Names"));

    let embedded = embedded_credential(bytes).unwrap();
    assert_eq!(embedded.bytes, CLR);
    assert_eq!(embedded.sha256, hex_sha256(CLR));
    assert!(embedded.printed, "the digest printed on the page is found");
    assert_eq!(credential_bytes(bytes.clone()).unwrap(), (CLR.to_vec(), true));
    assert_eq!(credential_bytes(CLR.to_vec()).unwrap(), (CLR.to_vec(), false), "JSON passes through");
}

#[test]
fn a_pdf_whose_printed_digest_is_not_its_attachments_is_refused() {
    // The printed digest altered (or the attachment swapped): the PDF prints the digest of other bytes.
    let other = b"{\"altered\":true}\n";
    let bytes = render(&view(), other);
    match credential_bytes(bytes) {
        Err(AttachmentError::NotPrinted(sha)) => assert_eq!(sha, hex_sha256(other)),
        other => panic!("{other:?}"),
    }
    let bare = render::pdf(&view(), fonts(), Templates::embedded().layout()).unwrap();
    assert_eq!(credential_bytes(bare), Err(AttachmentError::NoCredential));
}

#[test]
fn a_truncated_or_damaged_pdf_is_refused_without_a_panic() {
    let (bytes, _) = sample();
    for cut in (0..bytes.len()).step_by(bytes.len() / 40) {
        assert!(credential_bytes(bytes[..cut.max(5)].to_vec()).is_err(), "cut at {cut}");
    }
    let mut damaged = bytes.clone();
    for i in (1000..damaged.len()).step_by(997) {
        damaged[i] ^= 0x5a;
    }
    assert!(credential_bytes(damaged).is_err());
}

#[test]
fn renders_with_an_attachment_are_byte_identical() {
    assert_eq!(render(&view(), CLR), render(&view(), CLR));
}

/// `pdfua check` on a file: `None` when the checker is not installed.
fn pdfua(path: &Path) -> Option<String> {
    let out = Command::new("pdfua").arg("check").arg(path).output().ok()?;
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "pdfua check {}:\n{report}", path.display());
    Some(report)
}

/// The sample view rendered under `CARGO_TARGET_TMPDIR/<dir>` with the learner's name in three scripts
/// (the Latin one with a PDF string's delimiters in it).
fn renders_in_three_scripts(dir: &str) -> Vec<(&'static str, PathBuf)> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let names = [("latin", "José (Antonio)) Muñoz\\Ibáñez"), ("arabic", "ليلى حداد"), ("chinese", "王芳")];
    names
        .into_iter()
        .map(|(script, name)| {
            let mut view = view();
            view.learner.name = name.to_string();
            let path = dir.join(format!("{script}.pdf"));
            std::fs::write(&path, render(&view, CLR)).unwrap();
            (script, path)
        })
        .collect()
}

#[test]
fn pdfua_reports_nothing_in_any_script() {
    for (script, path) in renders_in_three_scripts("pdfua") {
        let Some(report) = pdfua(&path) else {
            assert!(std::env::var_os("XTRANSCRIPT_REQUIRE_TOOLS").is_none(), "pdfua (PyPI) is required in CI");
            eprintln!("note: pdfua not installed; its checks not run");
            return;
        };
        assert!(report.contains("result: PASS (no findings)"), "{script}:\n{report}");
        assert!(!report.contains("[skip"), "{script}: a check could not run:\n{report}");
    }
}

/// The file structure xtranscript writes itself (object streams, the cross-reference stream and its
/// predictor, every stream's length and filter: ISO 32000-1 7.5), read by an independent reader: qpdf's
/// `--check` decodes every stream and follows every cross-reference entry.
#[test]
fn qpdf_finds_no_syntax_or_stream_error_in_any_script() {
    for (script, path) in renders_in_three_scripts("qpdf") {
        let Ok(out) = Command::new("qpdf").arg("--check").arg(&path).output() else {
            assert!(std::env::var_os("XTRANSCRIPT_REQUIRE_TOOLS").is_none(), "qpdf is required in CI");
            eprintln!("note: qpdf not installed; its check not run");
            return;
        };
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{script}: qpdf --check:\n{report}{}", String::from_utf8_lossy(&out.stderr));
        assert!(report.contains("No syntax or stream encoding errors found"), "{script}:\n{report}");
    }
}

#[test]
fn the_verification_address_is_a_tagged_link_with_a_description() {
    // veraPDF PDF/UA-1 7.18.5-1 (a Link element holds the link annotation), 7.18.5-2 (Contents),
    // 7.18.3-1 (Tabs /S on a page with annotations); PDF/A-3b 6.3.2-1/2 (F with Print only), 6.5.1-1 (URI action).
    let (_, doc) = sample();
    let url = view().verification.url;
    let mut links = 0;
    for page in doc.get_pages().values() {
        let page_dict = doc.get_dictionary(*page).unwrap();
        let Ok(annots) = page_dict.get(b"Annots").and_then(Object::as_array) else { continue };
        for annot in annots {
            let annot = dict(doc, annot);
            links += 1;
            assert_eq!(name(page_dict.get(b"Tabs").unwrap()), "S", "7.18.3-1");
            assert_eq!(name(annot.get(b"Subtype").unwrap()), "Link");
            assert_eq!(annot.get(b"F").unwrap().as_i64().unwrap(), 4, "6.3.2-2");
            let contents = annot.get(b"Contents").expect("7.18.5-2").as_str().unwrap();
            assert_eq!(contents, format!("Verify at {url}").as_bytes());
            let action = dict(doc, annot.get(b"A").unwrap());
            assert_eq!(name(action.get(b"S").unwrap()), "URI", "6.5.1-1");
            assert_eq!(action.get(b"URI").unwrap().as_str().unwrap(), url.as_bytes());
            assert!(annot.has(b"StructParent"), "7.18.5-1");
        }
    }
    assert_eq!(links, 1);
    let elems = elements(doc);
    let (_, link, parent) = elems.iter().find(|(k, _, _)| k == "Link").expect("7.18.5-1: a Link element");
    assert_eq!(parent, "P");
    let objr = match link.get(b"K").unwrap() {
        Object::Array(kids) => kids
            .iter()
            .any(|k| k.as_dict().is_ok_and(|d| d.get(b"Type").is_ok_and(|t| t.as_name().is_ok_and(|n| n == b"OBJR")))),
        _ => false,
    };
    assert!(objr, "the Link element refers to its annotation");
}

/// The depth of every list item under `list`, in reading order, and whether it has a label.
fn list_items(doc: &Document, list: &Dictionary, depth: u8, out: &mut Vec<(u8, bool)>) {
    for item in kids_of(doc, list) {
        // veraPDF PDF/UA-1 7.2-19: an L holds only L, LI and Caption.
        match kind(item).as_str() {
            "L" => list_items(doc, item, depth + 1, out),
            "LI" => {
                let parts = kids_of(doc, item);
                let kinds: Vec<String> = parts.iter().map(|p| kind(p)).collect();
                // 7.2-20: an LI holds only Lbl and LBody (here: an optional label, then one body).
                assert!(kinds == ["Lbl", "LBody"] || kinds == ["LBody"], "7.2-20: {kinds:?}");
                out.push((depth, kinds.len() == 2));
                // A nested list is in its item's body (7.2-18: LBody in LI; 7.2-17: LI in L).
                for nested in kids_of(doc, parts[parts.len() - 1]) {
                    match kind(nested).as_str() {
                        "L" => list_items(doc, nested, depth + 1, out),
                        "Span" => assert!(nested.has(b"Alt"), "the level, named by its column"),
                        other => panic!("{other} in an LBody"),
                    }
                }
            }
            other => panic!("7.2-19: {other} in an L"),
        }
    }
}

#[test]
fn competency_trees_are_nested_lists_with_labels_and_bodies() {
    // ISO 14289-1 7.2 (lists as L / LI / Lbl / LBody; veraPDF PDF/UA-1 7.2-17..7.2-20); the depth jump
    // from 0 to 2 is read as a child, the item without a code has no label.
    let row = |depth: u8, code: Option<&str>| CompetencyRow {
        depth,
        code: code.map(str::to_string),
        statement: format!("Statement at depth {depth}"),
        level: Some("Proficient".to_string()),
        derived: false,
    };
    let mut view = view();
    view.competencies = vec![FrameworkView {
        title: "Outcomes".to_string(),
        publisher: None,
        version: None,
        language: None,
        items: vec![
            row(0, Some("A")),
            row(1, Some("A.1")),
            row(2, Some("A.1.1")),
            row(2, None),
            row(1, Some("A.2")),
            row(0, Some("B")),
            row(2, Some("B.1")),
            row(0, Some("C")),
        ],
    }];
    let doc = Document::load_mem(&render(&view, CLR)).unwrap();
    let elems = elements(&doc);
    let lists: Vec<&Dictionary> =
        elems.iter().filter(|(k, _, parent)| k == "L" && parent == "Document").map(|(_, e, _)| *e).collect();
    assert_eq!(lists.len(), 1, "one list per framework");
    let mut items = Vec::new();
    list_items(&doc, lists[0], 0, &mut items);
    let expected = [(0, true), (1, true), (2, true), (2, false), (1, true), (0, true), (1, true), (0, true)];
    assert_eq!(items, expected);
}

fn lang_of(elem: &Dictionary) -> Option<String> {
    elem.get(b"Lang").ok().map(|l| String::from_utf8_lossy(l.as_str().unwrap()).into_owned())
}

#[test]
fn text_in_another_language_carries_its_lang() {
    // ISO 14289-1 7.2 (veraPDF PDF/UA-1 7.2-34: a well-formed /Lang; ISO 32000-1 14.9.2): a name in a
    // script of one language (Greek: el), a framework that declares its language (fr) with the level's
    // text alternative back in the document's; no tag for a name whose script many languages share, nor
    // from a malformed declaration.
    let mut view = view();
    view.learner.name = "Νίκος Παπαδόπουλος".to_string();
    view.competencies.truncate(1);
    view.competencies[0].language = Some("fr".to_string());
    let doc = Document::load_mem(&render(&view, CLR)).unwrap();
    let elems = elements(&doc);
    let tagged: Vec<(String, String)> = elems.iter().filter_map(|(k, e, _)| Some((k.clone(), lang_of(e)?))).collect();
    assert_eq!(tagged[0], ("Document".to_string(), "en".to_string()));
    assert!(tagged.contains(&("TD".to_string(), "el".to_string())), "{tagged:?}");
    assert!(tagged.contains(&("L".to_string(), "fr".to_string())), "{tagged:?}");
    let spans: Vec<_> = elems.iter().filter(|(k, _, _)| k == "Span").collect();
    assert!(!spans.is_empty());
    for (_, span, parent) in spans {
        assert_eq!(parent, "LBody");
        assert_eq!(lang_of(span).as_deref(), Some("en"), "the level's alternative is in the document's language");
        let alt = String::from_utf8_lossy(span.get(b"Alt").unwrap().as_str().unwrap()).into_owned();
        assert!(alt.starts_with("Level "), "{alt}");
    }

    view.learner.name = "ليلى حداد".to_string();
    view.competencies[0].language = Some("fr_CA".to_string());
    let doc = Document::load_mem(&render(&view, CLR)).unwrap();
    let langs: Vec<String> = elements(&doc).iter().filter_map(|(_, e, _)| lang_of(e)).collect();
    assert_eq!(langs, ["en"], "only the document's own");
}
