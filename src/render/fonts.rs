//! Fonts for the PDF: DejaVu (built in through the `dejavu` crate: Latin, Greek,
//! Cyrillic, Hebrew, Arabic) plus fallback fonts for the scripts DejaVu lacks (Chinese,
//! Japanese, Korean). Fonts are bytes; [`load_fonts`] is the helper for the binary's
//! edge that finds fallback fonts at the standard Debian paths (or takes a list of files).
//!
//! Missing fallback fonts are **warnings**, not errors: most transcripts never need
//! them, and [`load_fonts`] says which script is then not printable and which Debian
//! package to install. A transcript that does need a missing glyph fails to render
//! with [`RenderError::MissingGlyphs`] instead of printing boxes.

use std::fmt;
use std::path::{Path, PathBuf};

use printpdf::ParsedFont;

use super::RenderError;

/// Which face of the built-in family a text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Body text and tables.
    Regular,
    /// Bold body text, column headers.
    Bold,
    /// The institution's name (serif).
    Heading,
}

/// A script xtranscript promises to print, with a character to probe for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Script {
    /// Latin (with diacritics).
    Latin,
    /// Greek.
    Greek,
    /// Cyrillic.
    Cyrillic,
    /// Hebrew.
    Hebrew,
    /// Arabic (shaped through the presentation forms).
    Arabic,
    /// Chinese characters (Han), also used in Japanese.
    Han,
    /// Japanese kana.
    Kana,
    /// Korean Hangul.
    Hangul,
}

impl Script {
    /// Every script, in order.
    pub const ALL: [Script; 8] = [
        Script::Latin,
        Script::Greek,
        Script::Cyrillic,
        Script::Hebrew,
        Script::Arabic,
        Script::Han,
        Script::Kana,
        Script::Hangul,
    ];

    /// Characters a font must have to print the script.
    fn probes(self) -> &'static [char] {
        match self {
            Script::Latin => &['A', 'é', 'Ł', 'ọ'],
            Script::Greek => &['Ω', 'ά'],
            Script::Cyrillic => &['Ж', 'ї'],
            Script::Hebrew => &['א', 'ש'],
            Script::Arabic => &['ع', '\u{FECB}', '\u{FEFB}'],
            Script::Han => &['中', '王', '陽'],
            Script::Kana => &['あ', 'ア'],
            Script::Hangul => &['한', '김'],
        }
    }

    /// The Debian packages that provide a font for the script, best first.
    pub fn debian_packages(self) -> &'static str {
        match self {
            Script::Han | Script::Kana => "fonts-wqy-microhei (or fonts-droid-fallback, fonts-noto-cjk)",
            Script::Hangul => "fonts-wqy-microhei (or fonts-nanum, fonts-noto-cjk)",
            _ => "none needed: the built-in DejaVu fonts cover it",
        }
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Script::Latin => "Latin",
            Script::Greek => "Greek",
            Script::Cyrillic => "Cyrillic",
            Script::Hebrew => "Hebrew",
            Script::Arabic => "Arabic",
            Script::Han => "Chinese (Han)",
            Script::Kana => "Japanese (kana)",
            Script::Hangul => "Korean (Hangul)",
        })
    }
}

/// A fallback font file at a standard Debian path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FallbackCandidate {
    /// Where the package installs it.
    pub path: &'static str,
    /// The Debian package.
    pub package: &'static str,
    /// The scripts it is loaded for.
    pub scripts: &'static [Script],
}

/// Fallback fonts looked for by [`load_fonts`], in order; one is loaded only when it
/// covers a script the fonts loaded before it do not.
pub const DEBIAN_FALLBACKS: &[FallbackCandidate] = &[
    FallbackCandidate {
        path: "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        package: "fonts-wqy-microhei",
        scripts: &[Script::Han, Script::Kana, Script::Hangul],
    },
    FallbackCandidate {
        path: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        package: "fonts-wqy-zenhei",
        scripts: &[Script::Han, Script::Kana, Script::Hangul],
    },
    FallbackCandidate {
        path: "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        package: "fonts-droid-fallback",
        scripts: &[Script::Han, Script::Kana],
    },
    FallbackCandidate {
        path: "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
        package: "fonts-nanum",
        scripts: &[Script::Hangul],
    },
    FallbackCandidate {
        path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        package: "fonts-noto-cjk",
        scripts: &[Script::Han, Script::Kana, Script::Hangul],
    },
];

/// A script no loaded font covers: text in it cannot be printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontWarning {
    /// The script.
    pub script: Script,
}

impl fmt::Display for FontWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no font covers {} script: transcripts with names or titles in it will not render; install {} \
             or name a font file that covers it",
            self.script,
            self.script.debian_packages()
        )
    }
}

/// One parsed font face.
#[derive(Debug, Clone)]
pub(crate) struct Face {
    /// A name for messages and the PDF (`BaseFont`).
    pub name: String,
    /// The parsed font.
    pub font: ParsedFont,
    /// Font units per em.
    pub units_per_em: f32,
    /// The glyph of each character below [`LOOKED_UP`] (0: none), looked up once per run.
    low: Vec<u16>,
    /// The advance of each glyph in thousandths of an em, computed once per run.
    widths: Vec<f32>,
}

/// Characters below this (Latin, Greek, Cyrillic, Hebrew, Arabic) have their glyphs
/// looked up when a face is loaded; others go to the font's character map each time.
const LOOKED_UP: u32 = 0x800;

/// The tables of an sfnt, tag and data, in directory order.
type Tables = Vec<([u8; 4], Vec<u8>)>;

/// The sfnt version and tables of the first face of a font file or collection.
fn read_sfnt(bytes: &[u8]) -> Option<(u32, Tables)> {
    let u16_at = |at: usize| bytes.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let u32_at = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let face = if bytes.get(..4)? == b"ttcf" { u32_at(12)? as usize } else { 0 };
    let version = u32_at(face)?;
    let count = usize::from(u16_at(face + 4)?);
    let tables = (0..count)
        .map(|i| {
            let record = face + 12 + 16 * i;
            let tag: [u8; 4] = bytes.get(record..record + 4)?.try_into().ok()?;
            let (offset, length) = (u32_at(record + 8)? as usize, u32_at(record + 12)? as usize);
            Some((tag, bytes.get(offset..offset.checked_add(length)?)?.to_vec()))
        })
        .collect::<Option<Tables>>()?;
    tables.iter().any(|(t, _)| t == b"head").then_some((version, tables))
}

/// Writes an sfnt: tables sorted by tag, 4-byte aligned, with checksums and
/// `head.checkSumAdjustment`.
fn write_sfnt(version: u32, mut tables: Tables) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    for (tag, data) in &mut tables {
        if tag == b"head" && data.len() >= 12 {
            data[8..12].fill(0);
        }
    }
    let n = tables.len();
    let (mut search, mut selector) = (1usize, 0u16);
    while search * 2 <= n {
        search *= 2;
        selector += 1;
    }
    let mut out = Vec::with_capacity(12 + 16 * n + tables.iter().map(|(_, d)| d.len() + 3).sum::<usize>());
    out.extend(version.to_be_bytes());
    for v in [n as u16, (search * 16) as u16, selector, (n * 16 - search * 16) as u16] {
        out.extend(v.to_be_bytes());
    }
    let mut offset = 12 + 16 * n;
    for (tag, data) in &tables {
        out.extend(tag);
        out.extend(checksum(data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(out.len());
        }
        out.extend(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// Rebuilds the first face of a font file (or collection) as a standalone font for PDF
/// embedding: a `name` table with only the font's names, no hinting, no glyph names,
/// none of the layout tables (xtranscript shapes on its own).
///
/// Subsets copy these tables whole: DejaVu's `name` table (license text in many
/// languages) alone is three times the size of a transcript's glyphs, and hinting is
/// half of what remains. `None` when the file is not a well-formed sfnt.
fn slim_sfnt(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    const DROP: [&[u8; 4]; 12] =
        [b"name", b"DSIG", b"GSUB", b"GPOS", b"GDEF", b"kern", b"hdmx", b"LTSH", b"VDMX", b"gasp", b"FFTM", b"MATH"];
    let (version, mut tables) = read_sfnt(bytes)?;
    tables.retain(|(tag, _)| !DROP.contains(&tag));
    strip_hinting(&mut tables)?;
    // post version 3: no glyph names (only PostScript printers used them).
    for (tag, data) in &mut tables {
        if tag == b"post" && data.len() >= 32 {
            data.truncate(32);
            data[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
        }
    }
    tables.push((*b"name", name_table(name)));
    Some(write_sfnt(version, tables))
}

/// `font` with the table `tag` of `source` added, if `font` lacks it.
fn add_table(font: &[u8], source: &[u8], tag: &[u8; 4]) -> Option<Vec<u8>> {
    let (version, mut tables) = read_sfnt(font)?;
    if !tables.iter().any(|(t, _)| t == tag) {
        let (_, from) = read_sfnt(source)?;
        tables.push(from.into_iter().find(|(t, _)| t == tag)?);
    }
    Some(write_sfnt(version, tables))
}

/// Removes TrueType hinting: the `fpgm`, `prep` and `cvt ` programs and every glyph's
/// instructions (rewriting `glyf` and a long-format `loca`). PDF viewers render outlines
/// without them; in a subset they were half the bytes. Fonts without `glyf` (CFF) are
/// left as they are. `None` if the glyph data is malformed.
fn strip_hinting(tables: &mut Tables) -> Option<()> {
    let find = |tables: &[([u8; 4], Vec<u8>)], tag: &[u8; 4]| tables.iter().position(|(t, _)| t == tag);
    let (Some(glyf_i), Some(loca_i), Some(head_i), Some(maxp_i)) =
        (find(tables, b"glyf"), find(tables, b"loca"), find(tables, b"head"), find(tables, b"maxp"))
    else {
        return Some(());
    };
    let rd16 = |d: &[u8], at: usize| d.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let head = &tables[head_i].1;
    let long = rd16(head, 50)? != 0;
    let glyphs = usize::from(rd16(&tables[maxp_i].1, 4)?);
    let (glyf, loca) = (&tables[glyf_i].1, &tables[loca_i].1);
    let offset = |i: usize| -> Option<usize> {
        if long {
            loca.get(4 * i..4 * i + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        } else {
            rd16(loca, 2 * i).map(|v| 2 * usize::from(v))
        }
    };
    let mut new_glyf = Vec::with_capacity(glyf.len());
    let mut new_loca = Vec::with_capacity(4 * (glyphs + 1));
    for i in 0..glyphs {
        new_loca.extend((new_glyf.len() as u32).to_be_bytes());
        let (start, end) = (offset(i)?, offset(i + 1)?);
        if end <= start {
            continue;
        }
        let g = glyf.get(start..end)?;
        let contours = rd16(g, 0)? as i16;
        if contours >= 0 {
            let n = contours as usize;
            let at = 10 + 2 * n;
            let instructions = usize::from(rd16(g, at)?);
            new_glyf.extend(g.get(..at)?);
            new_glyf.extend([0, 0]);
            new_glyf.extend(g.get(at + 2 + instructions..)?);
        } else {
            // Composite: copy the components, clearing WE_HAVE_INSTRUCTIONS, drop the instructions.
            let mut at = 10;
            new_glyf.extend(g.get(..10)?);
            loop {
                let flags = rd16(g, at)?;
                let mut len = 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
                len += match flags {
                    f if f & 0x0008 != 0 => 2,
                    f if f & 0x0040 != 0 => 4,
                    f if f & 0x0080 != 0 => 8,
                    _ => 0,
                };
                new_glyf.extend((flags & !0x0100).to_be_bytes());
                new_glyf.extend(g.get(at + 2..at + len)?);
                at += len;
                if flags & 0x0020 == 0 {
                    break;
                }
            }
        }
        if new_glyf.len() % 2 == 1 {
            new_glyf.push(0);
        }
    }
    new_loca.extend((new_glyf.len() as u32).to_be_bytes());
    tables[glyf_i].1 = new_glyf;
    tables[loca_i].1 = new_loca;
    tables[head_i].1.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes());
    if let Some(m) = tables[maxp_i].1.get_mut(26..28) {
        m.copy_from_slice(&0u16.to_be_bytes()); // maxSizeOfInstructions
    }
    tables.retain(|(t, _)| !matches!(t, b"fpgm" | b"prep" | b"cvt "));
    Some(())
}

/// The sfnt checksum: the sum of big-endian 32-bit words, zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A `name` table with the family (1), subfamily (2), full (4) and PostScript (6) names,
/// for Windows (platform 3, Unicode BMP, US English).
fn name_table(name: &str) -> Vec<u8> {
    let ps: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(63).collect();
    let family = ps.split('-').next().unwrap_or(&ps).to_string();
    let style = ps.split_once('-').map_or("Regular", |(_, s)| s).to_string();
    let records = [(1u16, family), (2, style), (4, ps.clone()), (6, ps)];
    let strings: Vec<Vec<u8>> =
        records.iter().map(|(_, s)| s.encode_utf16().flat_map(u16::to_be_bytes).collect()).collect();
    let mut out = Vec::new();
    let header_len = 6 + 12 * records.len();
    for v in [0u16, records.len() as u16, header_len as u16] {
        out.extend(v.to_be_bytes());
    }
    let mut offset = 0usize;
    for ((id, _), s) in records.iter().zip(&strings) {
        for v in [3u16, 1, 0x409, *id, s.len() as u16, offset as u16] {
            out.extend(v.to_be_bytes());
        }
        offset += s.len();
    }
    for s in strings {
        out.extend(s);
    }
    out
}

/// The characters kept of the built-in fonts: the alphabetic scripts of names and titles
/// with their punctuation and common symbols, not DejaVu's mathematics, box drawing,
/// Braille and other symbol blocks. Every PDF subsets from these faces, and the cost of
/// subsetting grows with the size of the face.
const REPERTOIRE: &[(u32, u32)] = &[
    (0x0020, 0x058F), // Latin, IPA, modifiers, combining marks, Greek, Cyrillic, Armenian
    (0x0590, 0x06FF), // Hebrew, Arabic
    (0x10A0, 0x10FF), // Georgian
    (0x1E00, 0x1FFF), // Latin extended additional, Greek extended
    (0x2000, 0x20CF), // punctuation, super- and subscripts, currency
    (0x2100, 0x219F), // letterlike symbols, number forms, simple arrows
    (0x2212, 0x2212), // minus sign
    (0x25CC, 0x25CC), // dotted circle
    (0xFB00, 0xFBFF), // ligatures, Hebrew and Arabic (Persian, Urdu) presentation forms
    (0xFE70, 0xFEFF), // Arabic presentation forms B
    (0xFFFD, 0xFFFD), // replacement character
];

/// The characters of the small faces tried first: Latin-1 and common punctuation,
/// nearly all a registrar's transcript prints. printpdf's subsetting reads every glyph
/// of a face for each PDF, so a word set in one of these costs a tenth of one set in
/// the [`REPERTOIRE`] face (same glyphs, same metrics).
const COMMON: &[(u32, u32)] = &[
    (0x0020, 0x007E), // ASCII
    (0x00A0, 0x00FF), // Latin-1
    (0x2010, 0x2027), // dashes, quotation marks, dagger, bullet, ellipsis
    (0x2030, 0x203A), // per mille, primes, angle quotation marks
    (0x20AC, 0x20AC), // euro sign
];

fn parse_font(name: &str, bytes: &[u8]) -> Result<ParsedFont, RenderError> {
    let mut warnings = Vec::new();
    ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| RenderError::Font {
        name: name.to_string(),
        message: format!(
            "not a TrueType or OpenType font{}",
            warnings.first().map(|w| format!(" ({})", w.message)).unwrap_or_default()
        ),
    })
}

impl Face {
    fn parse(name: &str, bytes: &[u8]) -> Result<Face, RenderError> {
        let slim = slim_sfnt(bytes, name);
        let font = parse_font(name, slim.as_deref().unwrap_or(bytes))?;
        let units_per_em = f32::from(font.font_metrics.units_per_em.max(1));
        let low = (0..LOOKED_UP).map(|c| font.lookup_glyph_index(c).unwrap_or(0)).collect();
        let widths =
            (0..font.num_glyphs).map(|g| f32::from(font.get_horizontal_advance(g)) * 1000.0 / units_per_em).collect();
        Ok(Face { name: name.to_string(), font, units_per_em, low, widths })
    }

    /// A built-in face, cut down to the characters of `ranges` (the whole face if
    /// cutting fails).
    fn builtin(name: &str, bytes: &[u8], ranges: &[(u32, u32)]) -> Result<Face, RenderError> {
        let full = Face::parse(name, bytes)?;
        let mut glyphs = std::collections::BTreeMap::new();
        for &(from, to) in ranges {
            for c in (from..=to).filter_map(char::from_u32) {
                if let Some(g) = full.glyph(c) {
                    glyphs.entry(g).or_insert_with(|| c.to_string());
                }
            }
        }
        let Ok(subset) = printpdf::subset_font(&full.font, &glyphs) else { return Ok(full) };
        // The subset lacks OS/2 (PDF readers take the metrics from the descriptor); put it back.
        let Some(with_os2) = add_table(&subset.bytes, bytes, b"OS/2") else { return Ok(full) };
        let Ok(face) = Face::parse(name, &with_os2) else { return Ok(full) };
        let same = glyphs.values().filter_map(|s| s.chars().next()).all(|c| match (full.glyph(c), face.glyph(c)) {
            (Some(a), Some(b)) => full.font.get_horizontal_advance(a) == face.font.get_horizontal_advance(b),
            _ => false,
        });
        Ok(if same { face } else { full })
    }

    /// The glyph of `c`, if the font has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        match self.low.get(c as usize) {
            Some(&g) => (g != 0).then_some(g),
            None => self.font.lookup_glyph_index(u32::from(c)).filter(|&g| g != 0),
        }
    }

    /// A glyph's advance in thousandths of an em.
    pub fn advance(&self, gid: u16) -> f32 {
        match self.widths.get(usize::from(gid)) {
            Some(&w) => w,
            None => f32::from(self.font.get_horizontal_advance(gid)) * 1000.0 / self.units_per_em,
        }
    }
}

/// The fonts a PDF is set in: the built-in DejaVu faces, then the fallback fonts in order.
#[derive(Debug, Clone)]
pub struct Fonts {
    pub(crate) faces: Vec<Face>,
}

// The small faces (Latin-1), then the same faces with their whole repertoire.
const SANS_COMMON: usize = 0;
const SANS_BOLD_COMMON: usize = 1;
const SERIF_BOLD_COMMON: usize = 2;
const SANS: usize = 3;
const SANS_BOLD: usize = 4;
const SERIF_BOLD: usize = 5;
const BUILTIN: usize = 6;

impl Fonts {
    /// The built-in DejaVu faces only (Latin, Greek, Cyrillic, Hebrew, Arabic).
    pub fn builtin() -> Fonts {
        let faces = [
            ("DejaVuSansCondensed", dejavu::sans_condensed::regular()),
            ("DejaVuSansCondensed-Bold", dejavu::sans_condensed::bold()),
            ("DejaVuSerif-Bold", dejavu::serif::bold()),
        ];
        let faces = [COMMON, REPERTOIRE]
            .iter()
            .flat_map(|ranges| faces.iter().map(move |(name, bytes)| (name, bytes, ranges)))
            .map(|(name, bytes, ranges)| {
                #[allow(clippy::expect_used)]
                Face::builtin(name, bytes, ranges).expect("the DejaVu fonts parse")
            })
            .collect();
        Fonts { faces }
    }

    /// Adds a fallback font (a TrueType/OpenType file, or the first face of a collection),
    /// tried after the built-in faces and the fallbacks added before it.
    pub fn add_fallback(&mut self, name: &str, bytes: &[u8]) -> Result<(), RenderError> {
        self.faces.push(Face::parse(name, bytes)?);
        Ok(())
    }

    /// The names of the fallback fonts, in order.
    pub fn fallbacks(&self) -> Vec<&str> {
        self.faces[BUILTIN..].iter().map(|f| f.name.as_str()).collect()
    }

    /// Whether some font has every probe character of `script`.
    pub fn covers(&self, script: Script) -> bool {
        script.probes().iter().all(|&c| self.faces.iter().any(|f| f.glyph(c).is_some()))
    }

    /// A warning for each script no font covers.
    pub fn warnings(&self) -> Vec<FontWarning> {
        Script::ALL.into_iter().filter(|&s| !self.covers(s)).map(|script| FontWarning { script }).collect()
    }

    /// The faces tried for a style, in order.
    pub(crate) fn chain(&self, style: Style) -> impl Iterator<Item = usize> + '_ {
        let first: &[usize] = match style {
            Style::Regular => &[SANS_COMMON, SANS],
            Style::Bold => &[SANS_BOLD_COMMON, SANS_BOLD, SANS_COMMON, SANS],
            Style::Heading => &[SERIF_BOLD_COMMON, SERIF_BOLD, SANS_BOLD_COMMON, SANS_BOLD, SANS_COMMON, SANS],
        };
        first.iter().copied().chain(BUILTIN..self.faces.len())
    }
}

/// Loads the fonts at the binary's edge. Without `files`, the fallback fonts are looked
/// for at the standard Debian paths ([`DEBIAN_FALLBACKS`]; absent ones are skipped);
/// with `files`, exactly those are loaded, in order, and each must load.
///
/// `read` reads a file (pass `std::fs::read`). The warnings name every script no font
/// covers and the package that would cover it.
pub fn load_fonts(
    files: &[PathBuf],
    mut read: impl FnMut(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<(Fonts, Vec<FontWarning>), RenderError> {
    let mut fonts = Fonts::builtin();
    if files.is_empty() {
        for candidate in DEBIAN_FALLBACKS {
            if candidate.scripts.iter().all(|&s| fonts.covers(s)) {
                continue;
            }
            let path = Path::new(candidate.path);
            if let Ok(bytes) = read(path) {
                // A damaged system font is skipped like a missing one; the warnings say what is lacking.
                let _ = fonts.add_fallback(&file_stem(path), &bytes);
            }
        }
    } else {
        for path in files {
            let bytes = read(path)
                .map_err(|e| RenderError::Font { name: path.display().to_string(), message: e.to_string() })?;
            fonts.add_fallback(&file_stem(path), &bytes).map_err(|e| match e {
                RenderError::Font { message, .. } => RenderError::Font { name: path.display().to_string(), message },
                other => other,
            })?;
        }
    }
    let warnings = fonts.warnings();
    Ok((fonts, warnings))
}

/// A font name from a file name: its stem, without characters a PDF name cannot hold.
fn file_stem(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let clean: String = stem.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if clean.is_empty() { "Fallback".to_string() } else { clean }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_fonts_cover_the_alphabetic_scripts() {
        let fonts = Fonts::builtin();
        for script in [Script::Latin, Script::Greek, Script::Cyrillic, Script::Hebrew, Script::Arabic] {
            assert!(fonts.covers(script), "{script}");
        }
        let warned: Vec<Script> = fonts.warnings().into_iter().map(|w| w.script).collect();
        assert_eq!(warned, [Script::Han, Script::Kana, Script::Hangul]);
    }

    #[test]
    fn missing_fallbacks_are_warnings_and_bad_files_errors() {
        let (fonts, warnings) = load_fonts(&[], |_| Err(std::io::Error::from(std::io::ErrorKind::NotFound))).unwrap();
        assert!(fonts.fallbacks().is_empty());
        assert_eq!(warnings.len(), 3);
        assert!(warnings[2].to_string().contains("fonts-wqy-microhei"), "{}", warnings[2]);

        let err = load_fonts(&[PathBuf::from("/fonts/bad.ttf")], |_| Ok(b"not a font".to_vec())).unwrap_err();
        assert!(err.to_string().contains("/fonts/bad.ttf"), "{err}");
        let err =
            load_fonts(&[PathBuf::from("/fonts/none.ttf")], |_| Err(std::io::ErrorKind::NotFound.into())).unwrap_err();
        assert!(err.to_string().contains("/fonts/none.ttf"), "{err}");
    }

    #[test]
    fn slimmed_fonts_keep_glyphs_and_metrics_and_drop_the_name_table_bulk() {
        let original = dejavu::sans_condensed::regular();
        let slim = slim_sfnt(original, "DejaVuSansCondensed").unwrap();
        assert!(slim.len() + 100_000 < original.len(), "{} vs {}", slim.len(), original.len());
        assert_eq!(checksum(&slim), 0xB1B0_AFBA, "head.checkSumAdjustment makes the file sum to the magic");
        let mut w = Vec::new();
        let (a, b) =
            (ParsedFont::from_bytes(original, 0, &mut w).unwrap(), ParsedFont::from_bytes(&slim, 0, &mut w).unwrap());
        for c in "Aé Ωж אע\u{FECB}".chars() {
            let (ga, gb) = (a.lookup_glyph_index(u32::from(c)), b.lookup_glyph_index(u32::from(c)));
            assert_eq!(ga, gb, "{c}");
            assert_eq!(a.get_horizontal_advance(ga.unwrap()), b.get_horizontal_advance(gb.unwrap()));
        }
        assert_eq!(b.font_name.as_deref(), Some("DejaVuSansCondensed"));
        assert!(slim_sfnt(b"not a font at all", "x").is_none());
    }

    #[test]
    fn a_fallback_is_loaded_only_for_what_it_adds() {
        let mut reads = Vec::new();
        let (fonts, _) = load_fonts(&[], |p| {
            reads.push(p.to_path_buf());
            // Pretend every candidate is DejaVu Sans: it parses but adds no CJK.
            Ok(dejavu::sans::regular().to_vec())
        })
        .unwrap();
        assert_eq!(reads.len(), DEBIAN_FALLBACKS.len());
        assert_eq!(fonts.fallbacks().len(), DEBIAN_FALLBACKS.len());
    }
}
