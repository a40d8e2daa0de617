//! The PDF writer on hostile text: whatever a registrar's export puts in a name or a course title (any Unicode,
//! any length), rendering either fails with an error (a character no font has) or gives a PDF whose attachment,
//! structure and page text read back; it never panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xtranscript::render::attachment::{AttachmentError, embedded_credential};
use xtranscript::render::{Attachment, Fonts, Templates, TranscriptView, load_fonts, pdf_with};

fn setup() -> &'static (Fonts, Templates) {
    static SETUP: OnceLock<(Fonts, Templates)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let cjk = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/fonts/wqy-microhei-subset.ttf");
        let (fonts, _) = load_fonts(&[cjk], |p| std::fs::read(p)).expect("the samples' fonts load");
        (fonts, Templates::embedded())
    })
}

fuzz_target!(|data: &[u8]| {
    let (fonts, templates) = setup();
    let text: String = String::from_utf8_lossy(data).chars().take(600).collect();
    let mut view = TranscriptView::sample_one_page();
    let (name, title) = text.split_once('\n').unwrap_or((&text, &text));
    view.learner.name = name.to_string();
    if let Some(course) = view.terms.iter_mut().flat_map(|t| t.courses.iter_mut()).next() {
        course.title = title.to_string();
    }
    let attached = [Attachment::signed_clr(b"{}")];
    let Ok(pdf) = pdf_with(&view, fonts, templates.layout(), &attached) else { return };
    match embedded_credential(&pdf) {
        // The sample's printed digest is not that of "{}": everything before that check read back.
        Ok(_) | Err(AttachmentError::NotPrinted(_)) => {}
        Err(e) => panic!("the PDF does not read back: {e}"),
    }
});
