//! Page content streams written straight to bytes (ISO 32000-1 8.2 and annex A: the operators; 9.4 text
//! objects; 14.6 marked content), instead of building printpdf operations that printpdf then converts
//! into lopdf operations and formats: that conversion was about a third of a transcript's rendering time.
//!
//! Glyphs are shown by their code in the embedded font (Identity-H: two bytes each). The codes of a subset
//! font are known only once every page is laid out and printpdf has subset the fonts, so a page records
//! each glyph string's place and writes the original glyph ids there; [`PageContent::finish`] replaces them
//! with the codes, which have the same width (four hex digits). The codes are read back from a page of
//! printpdf's own making that shows every glyph used, in a known order ([`GlyphUse::showcase`],
//! [`GlyphCodes::read`]): printpdf's subsetting and numbering stay its own, never guessed.

use std::collections::HashMap;

use lopdf::Object;
use lopdf::content::Content;
use printpdf::{Codepoint, Color, FontId, Op, PdfFontHandle, Pt, TextItem};

use super::save::{hex_digits, push_usize};

/// Where a marked-content sequence belongs: an artifact, or an element's content with its MCID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    Artifact,
    Content { kind: &'static str, mcid: usize },
}

/// One glyph string: its first hex digit's offset, its glyph count and its font.
#[derive(Debug, Clone, Copy)]
struct GlyphRun {
    start: usize,
    count: usize,
    face: usize,
}

/// A page's content stream, its glyph strings still holding original glyph ids.
#[derive(Debug, Default)]
pub(super) struct PageContent {
    bytes: Vec<u8>,
    runs: Vec<GlyphRun>,
}

impl PageContent {
    pub(super) fn with_capacity(bytes: usize) -> Self {
        PageContent { bytes: Vec::with_capacity(bytes), runs: Vec::new() }
    }

    /// Bytes written so far (a page is empty when nothing was drawn on it).
    pub(super) fn len(&self) -> usize {
        self.bytes.len()
    }

    fn op(&mut self, operator: &str) {
        self.bytes.extend_from_slice(operator.as_bytes());
        self.bytes.push(b'\n');
    }

    fn real(&mut self, v: f32) {
        write_real(&mut self.bytes, v);
        self.bytes.push(b' ');
    }

    /// `BT`: begins a text object.
    pub(super) fn begin_text(&mut self) {
        self.op("BT");
    }

    /// `ET`: ends a text object.
    pub(super) fn end_text(&mut self) {
        self.op("ET");
    }

    /// `/Artifact BMC`, or `/Kind <</MCID n>> BDC` (14.6.1; 14.7.4.2 for the MCID).
    pub(super) fn begin_mark(&mut self, mark: Mark) {
        match mark {
            Mark::Artifact => self.op("/Artifact BMC"),
            Mark::Content { kind, mcid } => {
                self.bytes.push(b'/');
                self.bytes.extend_from_slice(kind.as_bytes());
                self.bytes.extend_from_slice(b" <</MCID ");
                push_usize(&mut self.bytes, mcid);
                self.op(">> BDC");
            }
        }
    }

    /// `EMC`: ends a marked-content sequence.
    pub(super) fn end_mark(&mut self) {
        self.op("EMC");
    }

    /// `/Name size Tf`: the font resource `name` at `size` points.
    pub(super) fn font(&mut self, name: &str, size: f32) {
        self.bytes.push(b'/');
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(b' ');
        self.real(size);
        self.op("Tf");
    }

    /// The fill colour: `g`, `rg` or `k` by colour space (8.6.8).
    pub(super) fn fill(&mut self, color: &Color) {
        match color {
            Color::Greyscale(g) => {
                self.real(g.percent);
                self.op("g");
            }
            Color::Rgb(c) => {
                for v in [c.r, c.g, c.b] {
                    self.real(v);
                }
                self.op("rg");
            }
            Color::Cmyk(c) => {
                for v in [c.c, c.m, c.y, c.k] {
                    self.real(v);
                }
                self.op("k");
            }
            Color::SpotColor(s) => {
                for v in [s.c, s.m, s.y, s.k] {
                    self.real(v);
                }
                self.op("k");
            }
        }
    }

    /// `1 0 0 1 x y Tm`: the text matrix, a translation to (`x`, `y`).
    pub(super) fn text_position(&mut self, x: f32, y: f32) {
        self.bytes.extend_from_slice(b"1 0 0 1 ");
        self.real(x);
        self.real(y);
        self.op("Tm");
    }

    /// `<…> Tj`: shows glyphs of `face`, given by their glyph ids in the full font.
    pub(super) fn glyphs(&mut self, face: usize, gids: impl IntoIterator<Item = u16>) {
        self.bytes.push(b'<');
        let start = self.bytes.len();
        for gid in gids {
            write_hex4(&mut self.bytes, gid);
        }
        let count = (self.bytes.len() - start) / 4;
        self.runs.push(GlyphRun { start, count, face });
        self.op("> Tj");
    }

    /// `x y w h re f`: a filled rectangle.
    pub(super) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        for v in [x, y, w, h] {
            self.real(v);
        }
        self.op("re\nf");
    }

    /// `q w 0 0 h x y cm /Name Do Q`: the image XObject `name` drawn in the rectangle (8.8; 8.9.4).
    pub(super) fn image(&mut self, name: &str, x: f32, y: f32, w: f32, h: f32) {
        self.op("q");
        for v in [w, 0.0, 0.0, h, x, y] {
            self.real(v);
        }
        self.op("cm");
        self.bytes.push(b'/');
        self.bytes.extend_from_slice(name.as_bytes());
        self.op(" Do\nQ");
    }

    /// The finished stream: each glyph id replaced by its code in the embedded font. `None` when a glyph
    /// has no code (printpdf left it out of the font).
    pub(super) fn finish(mut self, codes: &GlyphCodes) -> Option<Vec<u8>> {
        for run in &self.runs {
            let digits = self.bytes.get_mut(run.start..run.start + 4 * run.count)?;
            for slot in digits.chunks_exact_mut(4) {
                let gid = read_hex4(slot)?;
                slot.copy_from_slice(&hex4(codes.code(run.face, gid)?));
            }
        }
        Some(self.bytes)
    }
}

/// A number as PDF writes reals (7.3.3): at most four decimals, no exponent, no trailing zeros.
fn write_real(out: &mut Vec<u8>, v: f32) {
    // Saturating: NaN becomes 0, an infinity the largest integer (never reached by a layout).
    let scaled = (f64::from(v) * 10_000.0).round() as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let abs = scaled.unsigned_abs();
    push_usize(out, (abs / 10_000) as usize);
    let mut frac = abs % 10_000;
    if frac != 0 {
        out.push(b'.');
        let mut digits = 4;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        let mut buffer = itoa::Buffer::new();
        let text = buffer.format(frac);
        out.extend(std::iter::repeat_n(b'0', digits - text.len()));
        out.extend_from_slice(text.as_bytes());
    }
}

fn hex4(v: u16) -> [u8; 4] {
    let ([a, b], [c, d]) = (hex_digits((v >> 8) as u8), hex_digits(v as u8));
    [a, b, c, d]
}

fn write_hex4(out: &mut Vec<u8>, v: u16) {
    out.extend(hex4(v));
}

fn read_hex4(digits: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(digits).ok()?;
    u16::from_str_radix(text, 16).ok()
}

/// The glyphs each font face shows, each with the text it stands for (the font's ToUnicode entry): the
/// first text a glyph was drawn for.
#[derive(Debug, Default)]
pub(super) struct GlyphUse {
    faces: Vec<FaceUse>,
}

#[derive(Debug, Default)]
struct FaceUse {
    /// One bit per glyph id: seen already.
    seen: Vec<u64>,
    glyphs: Vec<(u16, String)>,
}

impl GlyphUse {
    /// Records that `face` shows `gid` for `text` (called only the first time).
    pub(super) fn note(&mut self, face: usize, gid: u16, text: impl FnOnce() -> String) {
        if gid == 0 {
            return;
        }
        if self.faces.len() <= face {
            self.faces.resize_with(face + 1, FaceUse::default);
        }
        let used = &mut self.faces[face];
        if used.seen.is_empty() {
            used.seen = vec![0; 1024];
        }
        let (word, bit) = (usize::from(gid) / 64, 1u64 << (gid % 64));
        if used.seen[word] & bit == 0 {
            used.seen[word] |= bit;
            used.glyphs.push((gid, text()));
        }
    }

    /// The faces that show glyphs.
    pub(super) fn faces(&self) -> impl Iterator<Item = usize> + '_ {
        self.faces.iter().enumerate().filter(|(_, f)| !f.glyphs.is_empty()).map(|(i, _)| i)
    }

    /// Operations showing every glyph used, face by face in glyph order, for printpdf to subset the fonts
    /// by and encode: [`GlyphCodes::read`] reads the codes back from what it wrote.
    pub(super) fn showcase(&mut self, resource: impl Fn(usize) -> String) -> Vec<Op> {
        let mut ops = vec![Op::StartTextSection];
        for (face, used) in self.faces.iter_mut().enumerate().filter(|(_, f)| !f.glyphs.is_empty()) {
            used.glyphs.sort_unstable_by_key(|&(gid, _)| gid);
            ops.push(Op::SetFont { font: PdfFontHandle::External(FontId(resource(face))), size: Pt(1.0) });
            let glyphs = used.glyphs.iter().map(|(gid, text)| Codepoint::with_cid(*gid, 0.0, text.clone())).collect();
            ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
        }
        ops.push(Op::EndTextSection);
        ops
    }
}

/// Each face's glyph codes: (glyph id, code) sorted by glyph id.
#[derive(Debug, Default)]
pub(super) struct GlyphCodes {
    faces: Vec<Vec<(u16, u16)>>,
}

impl GlyphCodes {
    /// Reads the codes from the content printpdf wrote for [`GlyphUse::showcase`]'s operations: the
    /// strings shown after each `Tf`, two bytes a glyph, in the order the glyphs were given. `None` when
    /// the content does not show exactly the glyphs given.
    pub(super) fn read(content: &[u8], used: &GlyphUse, resource: impl Fn(usize) -> String) -> Option<Self> {
        let faces: HashMap<Vec<u8>, usize> = used.faces().map(|f| (resource(f).into_bytes(), f)).collect();
        let mut shown: Vec<Vec<u16>> = vec![Vec::new(); used.faces.len()];
        let mut face = None;
        for op in Content::decode(content).ok()?.operations {
            match (op.operator.as_str(), op.operands.as_slice()) {
                ("Tf", [Object::Name(name), ..]) => face = Some(*faces.get(name)?),
                ("Tj", [Object::String(bytes, _)]) => shown.get_mut(face?)?.extend(codes_of(bytes)?),
                ("TJ", [Object::Array(items)]) => {
                    for item in items {
                        match item {
                            Object::String(bytes, _) => shown.get_mut(face?)?.extend(codes_of(bytes)?),
                            Object::Integer(_) | Object::Real(_) => {}
                            _ => return None,
                        }
                    }
                }
                _ => {}
            }
        }
        let mut codes = GlyphCodes::default();
        for (used, shown) in used.faces.iter().zip(shown) {
            if used.glyphs.len() != shown.len() {
                return None;
            }
            let mut pairs: Vec<(u16, u16)> = used.glyphs.iter().map(|(gid, _)| *gid).zip(shown).collect();
            pairs.sort_unstable();
            codes.faces.push(pairs);
        }
        Some(codes)
    }

    /// The code of `gid` in `face`'s embedded font; glyph 0 (.notdef) stays 0.
    fn code(&self, face: usize, gid: u16) -> Option<u16> {
        if gid == 0 {
            return Some(0);
        }
        let pairs = self.faces.get(face)?;
        pairs.binary_search_by_key(&gid, |&(g, _)| g).ok().map(|i| pairs[i].1)
    }
}

fn codes_of(bytes: &[u8]) -> Option<Vec<u16>> {
    bytes.len().is_multiple_of(2).then(|| bytes.chunks_exact(2).map(|b| u16::from_be_bytes([b[0], b[1]])).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real(v: f32) -> String {
        let mut out = Vec::new();
        write_real(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reals_have_at_most_four_decimals_and_no_trailing_zeros() {
        assert_eq!(real(0.0), "0");
        assert_eq!(real(8.5), "8.5");
        assert_eq!(real(605.08997), "605.09");
        assert_eq!(real(0.12156863), "0.1216");
        assert_eq!(real(0.0004), "0.0004");
        assert_eq!(real(-2.25), "-2.25");
        assert_eq!(real(-0.00001), "0");
        assert_eq!(real(f32::NAN), "0");
    }

    #[test]
    fn a_page_is_written_as_pdf_operators() {
        let mut page = PageContent::default();
        page.begin_mark(Mark::Artifact);
        page.fill(&Color::Greyscale(printpdf::Greyscale { percent: 0.5, icc_profile: None }));
        page.fill_rect(48.0, 700.25, 499.276, 1.6);
        page.end_mark();
        page.begin_text();
        page.begin_mark(Mark::Content { kind: "TD", mcid: 7 });
        page.font("XTRAAB", 9.0);
        page.text_position(51.0, 550.09);
        page.glyphs(0, [0x41, 0x1F2]);
        page.end_mark();
        page.end_text();
        page.image("QRCODE", 473.276, 619.09, 66.0, 66.0);
        let codes = GlyphCodes { faces: vec![vec![(0x41, 3), (0x1F2, 0xAB)]] };
        let text = String::from_utf8(page.finish(&codes).unwrap()).unwrap();
        assert_eq!(
            text,
            "/Artifact BMC\n0.5 g\n48 700.25 499.276 1.6 re\nf\nEMC\nBT\n/TD <</MCID 7>> BDC\n/XTRAAB 9 Tf\n\
             1 0 0 1 51 550.09 Tm\n<000300AB> Tj\nEMC\nET\nq\n66 0 0 66 473.276 619.09 cm\n/QRCODE Do\nQ\n"
        );
        assert!(Content::decode(text.as_bytes()).is_ok());
    }

    #[test]
    fn a_glyph_without_a_code_fails_the_page() {
        let mut page = PageContent::default();
        page.glyphs(0, [5]);
        assert!(page.finish(&GlyphCodes { faces: vec![vec![(4, 1)]] }).is_none());
    }

    #[test]
    fn codes_are_read_back_in_the_order_the_glyphs_were_given() {
        let mut used = GlyphUse::default();
        used.note(1, 0x30, || "b".into());
        used.note(1, 0x10, || "a".into());
        used.note(1, 0x10, || unreachable!("noted once"));
        used.note(1, 0, || unreachable!(".notdef is not noted"));
        let name = |f: usize| format!("F{f}");
        let ops = used.showcase(name);
        assert_eq!(ops.len(), 4);
        // printpdf's content for those operations: codes 1 and 2 for glyphs 0x10 and 0x30.
        let content = b"BT\n/F1 1 Tf\n[<0001> <0002>] TJ\nET\n";
        let codes = GlyphCodes::read(content, &used, name).unwrap();
        assert_eq!(codes.code(1, 0x10), Some(1));
        assert_eq!(codes.code(1, 0x30), Some(2));
        assert_eq!(codes.code(1, 0x20), None);
        assert!(GlyphCodes::read(b"BT\n/F1 1 Tf\n<0001> Tj\nET\n", &used, name).is_none(), "one glyph short");
    }
}
