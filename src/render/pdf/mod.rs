//! The PDF transcript: a small flow layout (pages, tables with repeated headers,
//! wrapped cells) written as content-stream bytes ([`content`]); printpdf subsets and embeds the fonts and
//! makes the page objects, then the document is finished in lopdf's model for what printpdf does not set: the structure tree (PDF/UA-1, [`tags`]; its elements serialized directly),
//! the XMP metadata, output intent and embedded files (PDF/A-3b, [`archive`]), the document language,
//! and a deterministic file identifier; [`save`] writes the file. [`attachment`] reads the embedded
//! credential back.

mod archive;
pub mod attachment;
mod blocks;
mod content;
mod deflate;
mod images;
mod lang;
mod record;
mod save;
mod sections;
mod table;
mod tags;
mod writer;

pub use archive::{Attachment, CLR_MEDIA_TYPE, CLR_NAME, Relationship};

use std::collections::BTreeSet;

use lopdf::{Object, StringFormat};
use printpdf::{
    Color, FontId, OffsetDateTime, PdfDocument, PdfFont, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Pt, Rect, Rgb,
    XObjectId,
};

use super::RenderError;
use super::fonts::Fonts;
use super::labels::Layout;
use super::qr::qr_pixels;
use super::view::TranscriptView;
use content::{GlyphCodes, PageContent};
use deflate::{Deflater, compress};
use images::{gray_image, logo_xobject};
use table::font_tag;
use writer::{StreamState, Writer};

const MARGIN_X: f32 = 48.0;
const MARGIN_TOP: f32 = 42.0;
const MARGIN_BOTTOM: f32 = 58.0;
const BODY: f32 = 8.5;
const SMALL: f32 = 7.5;
const LEADING: f32 = 1.3;
const QR_ID: &str = "QRCODE";
const LOGO_ID: &str = "LOGO";
/// Room for the content of the first page, and beyond the previous page's size for the next one (its
/// footer included).
const FIRST_PAGE_BYTES: usize = 64 * 1024;
const PAGE_BYTES_SLACK: usize = 2048;
/// Objects per object stream.
const OBJECTS_PER_STREAM: usize = 1000;

/// Seconds since 1970 of an ISO date at the start of `text` (the PDF's creation date).
fn issue_timestamp(text: &str) -> i64 {
    crate::model::Date::parse_iso(text.get(..10).unwrap_or(text)).map_or(0, |d| d.days_since_epoch() * 86_400)
}

/// A 64-bit FNV-1a hash, for the document identifier.
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Renders the transcript to PDF bytes with nothing attached (see [`pdf_with`]).
pub fn pdf(view: &TranscriptView, fonts: &Fonts, layout: &Layout) -> Result<Vec<u8>, RenderError> {
    pdf_with(view, fonts, layout, &[])
}

/// Renders the transcript to a tagged PDF/A-3b (PDF/UA-1) carrying `attachments` as associated files
/// (the signed `clr.json`, and `transcript.xml` when one is built). The same view, fonts, layout and
/// attachments give the same bytes.
pub fn pdf_with(
    view: &TranscriptView,
    fonts: &Fonts,
    layout: &Layout,
    attachments: &[Attachment],
) -> Result<Vec<u8>, RenderError> {
    let (width, height) = layout.page_size.points();
    let (r, g, b) = layout.accent_rgb();
    let writer = |break_before: Option<usize>| Writer {
        view,
        fonts,
        layout,
        accent: Color::Rgb(Rgb { r, g, b, icc_profile: None }),
        width,
        height,
        pages: Vec::new(),
        content: PageContent::with_capacity(FIRST_PAGE_BYTES),
        glyphs: content::GlyphUse::default(),
        y: height - MARGIN_TOP,
        used: BTreeSet::new(),
        has_logo: view.institution.logo.is_some(),
        term: None,
        state: StreamState::default(),
        break_before,
        tags: tags::Tags::default(),
        attached: attachments.iter().any(|a| a.name == CLR_NAME),
    };
    let mut w = writer(None);
    // A last page holding only the verification block or the end mark: lay out again with the
    // short section before it starting a page, so that the last page has body content of its own.
    if let Some(section) = w.body()? {
        w = writer(Some(section));
        w.body()?;
    }

    let title = view.document_title();
    let mut doc = PdfDocument::new(&title);
    let subject = format!("{} \u{2014} {} ({})", view.labels.document_title, view.learner.name, view.learner.id);
    let issued = OffsetDateTime::from_unix_timestamp(issue_timestamp(&view.issue_date))
        .map_err(|e| RenderError::Pdf(e.to_string()))?;
    let info = &mut doc.metadata.info;
    info.creation_date = issued;
    info.modification_date = issued;
    info.metadata_date = issued;
    for &face in &w.used {
        doc.resources.fonts.map.insert(FontId(font_tag(face)), PdfFont::new(fonts.faces[face].font.clone()));
    }
    if w.used.iter().any(|&face| !w.glyphs.faces().any(|f| f == face)) {
        return Err(RenderError::Pdf("a font was selected that shows no glyph".to_string()));
    }
    let mut deflater = Deflater::take();
    let (side, pixels) = qr_pixels(&view.verification.url)?;
    doc.resources.xobjects.map.insert(XObjectId(QR_ID.to_string()), gray_image(side, &pixels, &mut deflater)?);
    if let Some(logo) = &view.institution.logo {
        doc.resources.xobjects.map.insert(XObjectId(LOGO_ID.to_string()), logo_xobject(logo)?);
    }
    let page_count = w.pages.len();
    // printpdf subsets the fonts and writes the page objects; the content is written here (see
    // [`content`]). Its first page shows every glyph used, for the codes to be read back.
    let mut showcase = Some(w.glyphs.showcase(font_tag));
    doc.pages = (0..page_count)
        .map(|_| {
            let rect = Rect::from_wh(Pt(width), Pt(height));
            let ops = showcase.take().unwrap_or_default();
            PdfPage { media_box: rect.clone(), trim_box: rect.clone(), crop_box: rect, ops }
        })
        .collect();

    let options = PdfSaveOptions { optimize: true, subset_fonts: true, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&options, &mut warnings);
    if let Some(e) = warnings.iter().find(|w| w.severity == PdfParseErrorSeverity::Error) {
        return Err(RenderError::Pdf(e.msg.clone()));
    }
    // What printpdf leaves out or makes random: the language, and a file identifier
    // derived from the content instead of a counter.
    let id = format!(
        "{:016x}",
        fnv(&[&view.verification.clr_sha256, &view.learner.id, &view.issue_date, &title, &page_count.to_string()])
    );
    let id = Object::String(id.into_bytes(), StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let catalog = lo.catalog_mut().map_err(|e| RenderError::Pdf(e.to_string()))?;
    catalog.set("Lang", Object::String(view.language.as_bytes().to_vec(), StringFormat::Literal));
    let mut prefs = lopdf::Dictionary::new();
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    let page_ids: Vec<_> = lo.get_pages().into_values().collect();
    set_contents(&mut lo, &page_ids, w.pages, &w.glyphs)?;
    let structure = w.tags.write(&mut lo, &page_ids, &view.language).map_err(|e| RenderError::Pdf(e.to_string()))?;
    let identification = archive::Identification {
        title: &title,
        author: &view.institution.name,
        subject: &subject,
        creator: "xtranscript",
        producer: concat!("xtranscript ", env!("CARGO_PKG_VERSION"), " (printpdf, lopdf)"),
        identifier: &view.verification.clr_sha256,
        language: &view.language,
        days: issue_timestamp(&view.issue_date).div_euclid(86_400),
    };
    archive::finish(&mut lo, &identification, attachments)?;
    // PDF/A-3 is based on PDF 1.7 (ISO 19005-3 6.1.2), and the tree uses 1.5 features (/Tabs).
    lo.version = "1.7".to_string();
    compress(&mut lo, &mut deflater);
    let bytes = save::save(&lo, &structure, OBJECTS_PER_STREAM, &mut deflater)
        .ok_or_else(|| RenderError::Pdf("a stream could not be deflated".to_string()))?;
    deflater.keep();
    Ok(bytes)
}

/// Replaces each page's content (printpdf's: the glyph showcase on the first page, nothing on the
/// others) with the page's own, its glyphs given the codes printpdf's showcase reveals.
fn set_contents(
    lo: &mut lopdf::Document,
    page_ids: &[lopdf::ObjectId],
    pages: Vec<PageContent>,
    glyphs: &content::GlyphUse,
) -> Result<(), RenderError> {
    let unreadable = || RenderError::Pdf("printpdf's page content could not be read back".to_string());
    let contents_of = |lo: &lopdf::Document, page: lopdf::ObjectId| {
        lo.get_dictionary(page).ok().and_then(|d| d.get(b"Contents").ok()).and_then(|c| c.as_reference().ok())
    };
    if page_ids.len() != pages.len() {
        return Err(unreadable());
    }
    let first = page_ids.first().and_then(|&p| contents_of(lo, p)).ok_or_else(unreadable)?;
    let showcase = lo.get_object(first).and_then(Object::as_stream).map_err(|_| unreadable())?;
    let showcase = showcase.decompressed_content().unwrap_or_else(|_| showcase.content.clone());
    let codes = GlyphCodes::read(&showcase, glyphs, font_tag).ok_or_else(unreadable)?;
    for (&page, content) in page_ids.iter().zip(pages) {
        let bytes = content.finish(&codes).ok_or_else(unreadable)?;
        let id = contents_of(lo, page).ok_or_else(unreadable)?;
        match lo.get_object_mut(id) {
            Ok(Object::Stream(stream)) => stream.set_content(bytes),
            _ => return Err(unreadable()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_date_is_the_creation_date() {
        assert_eq!(issue_timestamp("2026-06-15"), 20_619 * 86_400);
        assert_eq!(issue_timestamp("15 June 2026"), 0);
    }
}
