//! Text for the PDF: bidi reordering, Arabic shaping, font fallback, measuring and
//! wrapping. printpdf places glyphs; it neither reorders nor shapes.
//!
//! - A line is split into bidi runs (`unicode-bidi`); right-to-left runs are reversed
//!   into visual order (by clusters, so combining marks stay on their base) with
//!   mirrored brackets.
//! - Arabic letters take their contextual form (isolated, initial, medial, final) from
//!   the Unicode presentation forms, with the mandatory lam-alef ligatures. Each glyph
//!   keeps the logical letters it stands for, so copied or extracted text is the
//!   original text, not presentation forms.
//! - Each word takes the first font of its style's chain that has every glyph of it;
//!   a word no single font covers is set character by character. A character no font
//!   has is an error ([`RenderError::MissingGlyphs`]), never a box.

use unicode_bidi::BidiInfo;

use super::RenderError;
use super::fonts::{Fonts, Style};

/// A run of glyphs in one face, in visual order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    /// Index of the face in [`Fonts::faces`].
    pub face: usize,
    /// The characters drawn, in visual order (presentation forms for Arabic).
    pub drawn: String,
    /// For runs that were reordered or shaped: the logical text of each drawn character.
    pub logical: Option<Vec<String>>,
    /// Width in thousandths of an em.
    pub width: f32,
}

/// A shaped line: runs in visual order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Shaped {
    pub runs: Vec<Run>,
    /// Width in thousandths of an em.
    pub width: f32,
}

impl Shaped {
    /// Width in points at `size`.
    pub fn width_pt(&self, size: f32) -> f32 {
        self.width * size / 1000.0
    }
}

/// Characters that steer layout but are not drawn.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

/// Strongly right-to-left characters (Hebrew, Arabic, Syriac, Thaana, N'Ko … and their presentation forms).
fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// Combining marks that stay with the character before them.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{0591}'..='\u{05BD}' | '\u{05BF}' | '\u{05C1}'..='\u{05C2}' | '\u{05C4}'..='\u{05C5}'
        | '\u{05C7}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}' | '\u{06E7}'..='\u{06E8}' | '\u{06EA}'..='\u{06ED}' | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn mirrored(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        other => other,
    }
}

/// The presentation forms of an Arabic letter (`'\0'` where a form does not exist).
fn arabic_forms(c: char) -> Option<&'static ar_reshaper::form::Forms> {
    if !('\u{0600}'..='\u{06FF}').contains(&c) {
        return None;
    }
    ar_reshaper::letters::letters_db::LETTERS_ARABIC.iter().find(|(k, _)| *k == c).map(|(_, f)| f)
}

fn joins_after(c: char) -> bool {
    arabic_forms(c).is_some_and(|f| f.initial != '\0' || f.medial != '\0')
}

fn joins_before(c: char) -> bool {
    arabic_forms(c).is_some_and(|f| f.end != '\0' || f.medial != '\0')
}

/// The lam-alef ligature (isolated form) of lam followed by `alef`.
fn lam_alef(alef: char) -> Option<char> {
    match alef {
        '\u{0622}' => Some('\u{FEF5}'),
        '\u{0623}' => Some('\u{FEF7}'),
        '\u{0625}' => Some('\u{FEF9}'),
        '\u{0627}' => Some('\u{FEFB}'),
        _ => None,
    }
}

/// Shapes Arabic letters of a logical-order text: each output glyph with the logical text it stands for.
fn shape_arabic(text: &str) -> Vec<(char, String)> {
    const LAM: char = '\u{0644}';
    let chars: Vec<char> = text.chars().collect();
    let neighbour = |from: usize, step: isize| -> Option<char> {
        let mut i = from as isize + step;
        while i >= 0 && (i as usize) < chars.len() {
            let c = chars[i as usize];
            if !is_mark(c) {
                return Some(c);
            }
            i += step;
        }
        None
    };
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let Some(forms) = arabic_forms(c) else {
            out.push((c, c.to_string()));
            i += 1;
            continue;
        };
        let joined_before = joins_before(c) && neighbour(i, -1).is_some_and(joins_after);
        if c == LAM
            && let Some(&alef) = chars.get(i + 1)
            && let Some(ligature) = lam_alef(alef)
        {
            let form =
                if joined_before { char::from_u32(u32::from(ligature) + 1).unwrap_or(ligature) } else { ligature };
            out.push((form, format!("{c}{alef}")));
            i += 2;
            continue;
        }
        let joined_after = joins_after(c) && neighbour(i, 1).is_some_and(joins_before);
        let form = match (joined_before, joined_after) {
            (false, false) => forms.isolated,
            (false, true) => forms.initial,
            (true, false) => forms.end,
            (true, true) => forms.medial,
        };
        let form = [form, forms.isolated].into_iter().find(|&f| f != '\0').unwrap_or(c);
        out.push((form, c.to_string()));
        i += 1;
    }
    out
}

/// Reverses glyphs into visual order, keeping combining marks after their base, mirroring brackets.
fn reverse_clusters(glyphs: Vec<(char, String)>) -> Vec<(char, String)> {
    let mut clusters: Vec<Vec<(char, String)>> = Vec::new();
    for g in glyphs {
        match clusters.last_mut() {
            Some(cluster) if is_mark(g.0) => cluster.push(g),
            _ => clusters.push(vec![g]),
        }
    }
    clusters.into_iter().rev().flat_map(|cluster| cluster.into_iter().map(|(c, l)| (mirrored(c), l))).collect()
}

/// A piece of a line in visual order: drawn characters, with their logical text when it differs.
struct Segment {
    drawn: Vec<char>,
    logical: Option<Vec<String>>,
}

/// Splits a line into segments in visual order.
fn visual_segments(text: &str) -> Vec<Segment> {
    let clean: String;
    let text = if text.chars().any(is_invisible) {
        clean = text.chars().filter(|&c| !is_invisible(c)).collect();
        clean.as_str()
    } else {
        text
    };
    if !text.chars().any(is_rtl) {
        return vec![Segment { drawn: text.chars().collect(), logical: None }];
    }
    // The document is left-to-right (its language is English): every line is laid out with a
    // left-to-right base direction, so that "name · id" reads in one order whatever the name's
    // script (a line that starts with a Hebrew name must not become right-to-left).
    let info = BidiInfo::new(text, Some(unicode_bidi::Level::ltr()));
    let mut segments = Vec::new();
    for para in &info.paragraphs {
        let (levels, runs) = info.visual_runs(para, para.range.clone());
        for run in runs {
            let piece = &text[run.clone()];
            if levels[run.start].is_rtl() {
                let glyphs = reverse_clusters(shape_arabic(piece));
                let (drawn, logical) = glyphs.into_iter().unzip();
                segments.push(Segment { drawn, logical: Some(logical) });
            } else {
                segments.push(Segment { drawn: piece.chars().collect(), logical: None });
            }
        }
    }
    segments
}

/// The first face of the chain that has every character of `chars`.
fn face_for(fonts: &Fonts, style: Style, chars: &[char]) -> Option<usize> {
    fonts.chain(style).find(|&f| chars.iter().all(|&c| c == ' ' || fonts.faces[f].glyph(c).is_some()))
}

/// Shapes one line of text (no line breaks) into runs in visual order.
pub(crate) fn shape(fonts: &Fonts, style: Style, text: &str) -> Result<Shaped, RenderError> {
    if let Some(shaped) = shape_plain(fonts, style, text) {
        return Ok(shaped);
    }
    let mut shaped = Shaped::default();
    let mut missing = Vec::new();
    let primary = fonts.chain(style).next().unwrap_or(0);
    for segment in visual_segments(text) {
        // Words and spaces: a word takes the first face that has all its glyphs; a space the face before it.
        let mut start = 0;
        let mut current = primary;
        while start < segment.drawn.len() {
            let is_space = segment.drawn[start] == ' ';
            let end = segment.drawn[start..]
                .iter()
                .position(|&c| (c == ' ') != is_space)
                .map_or(segment.drawn.len(), |n| start + n);
            let word = &segment.drawn[start..end];
            let faces: Vec<(usize, usize)> = if is_space {
                vec![(current, end - start)]
            } else if let Some(face) = face_for(fonts, style, word) {
                vec![(face, end - start)]
            } else {
                // No single face: character by character (marks stay with their base's face).
                let mut per_char: Vec<(usize, usize)> = Vec::new();
                for &c in word {
                    let face = face_for(fonts, style, &[c]);
                    if face.is_none() && !missing.contains(&c) {
                        missing.push(c);
                    }
                    let face = face.unwrap_or(primary);
                    match per_char.last_mut() {
                        Some((f, n)) if *f == face || is_mark(c) => *n += 1,
                        _ => per_char.push((face, 1)),
                    }
                }
                per_char
            };
            let mut at = start;
            for (face, n) in faces {
                push_run(fonts, &mut shaped, face, &segment, at, at + n);
                current = face;
                at += n;
            }
            start = end;
        }
    }
    if !missing.is_empty() {
        return Err(RenderError::MissingGlyphs { text: text.to_string(), chars: missing });
    }
    Ok(shaped)
}

fn push_run(fonts: &Fonts, shaped: &mut Shaped, face: usize, segment: &Segment, from: usize, to: usize) {
    let f = &fonts.faces[face];
    let chars = &segment.drawn[from..to];
    let width: f32 = chars.iter().map(|&c| f.glyph(c).map_or(0.0, |g| f.advance(g))).sum();
    let logical = segment.logical.as_ref().map(|l| l[from..to].to_vec());
    shaped.width += width;
    match shaped.runs.last_mut() {
        Some(last) if last.face == face && last.logical.is_some() == logical.is_some() => {
            last.drawn.extend(chars);
            if let (Some(a), Some(b)) = (last.logical.as_mut(), logical) {
                a.extend(b);
            }
            last.width += width;
        }
        _ => shaped.runs.push(Run { face, drawn: chars.iter().collect(), logical, width }),
    }
}

/// Whether `text` needs no bidi reordering and no cleaning.
fn is_plain(text: &str) -> bool {
    text.is_ascii() || text.chars().all(|c| !is_rtl(c) && !is_invisible(c))
}

/// Walks a plain text set entirely in `face` as [`shape`] would, piece by piece (words
/// and runs of spaces); returns the width, or `None` when the face lacks a character.
fn walk_plain(fonts: &Fonts, face: usize, text: &str) -> Option<f32> {
    let f = &fonts.faces[face];
    let (mut total, mut piece, mut in_space) = (0.0f32, 0.0f32, None);
    for c in text.chars() {
        let g = f.glyph(c)?;
        let space = c == ' ';
        if in_space != Some(space) {
            total += piece;
            piece = 0.0;
            in_space = Some(space);
        }
        piece += f.advance(g);
    }
    Some(total + piece)
}

/// [`shape`] for the common case: a left-to-right text the first face of its style
/// has every character of, as one run.
fn shape_plain(fonts: &Fonts, style: Style, text: &str) -> Option<Shaped> {
    if !is_plain(text) {
        return None;
    }
    let face = fonts.chain(style).next()?;
    let width = walk_plain(fonts, face, text)?;
    let runs =
        if text.is_empty() { Vec::new() } else { vec![Run { face, drawn: text.to_string(), logical: None, width }] };
    Some(Shaped { runs, width })
}

/// The width of `text` in points at `size` (as [`shape`] would set it).
pub(crate) fn width(fonts: &Fonts, style: Style, size: f32, text: &str) -> Result<f32, RenderError> {
    let plain = match fonts.chain(style).next() {
        Some(face) if is_plain(text) => walk_plain(fonts, face, text),
        _ => None,
    };
    match plain {
        Some(width) => Ok(width * size / 1000.0),
        None => Ok(shape(fonts, style, text)?.width_pt(size)),
    }
}

/// [`wrap`] with each line shaped: the common line that fits is shaped once, instead
/// of measured and then shaped again to be drawn.
pub(crate) fn wrap_shaped(
    fonts: &Fonts,
    style: Style,
    size: f32,
    text: &str,
    max: f32,
) -> Result<Vec<Shaped>, RenderError> {
    let whole = shape(fonts, style, text.trim())?;
    if whole.width_pt(size) <= max {
        return Ok(vec![whole]);
    }
    wrap(fonts, style, size, text, max)?.iter().map(|line| shape(fonts, style, line)).collect()
}

/// Breaks `text` into lines no wider than `max` points at `size`: at spaces, and inside
/// a word only when the word alone is too wide (CJK text has no spaces).
/// Wraps a list joined by `separator` ("  ·  ") to lines at most `max` wide, breaking only
/// between items, so that no line ends or starts with a dangling separator (an item wider than a
/// line is wrapped on its own).
pub(crate) fn wrap_list(
    fonts: &Fonts,
    style: Style,
    size: f32,
    items: &[String],
    separator: &str,
    max: f32,
) -> Result<Vec<String>, RenderError> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for item in items {
        let joined = if current.is_empty() { item.clone() } else { format!("{current}{separator}{item}") };
        if width(fonts, style, size, &joined)? <= max {
            current = joined;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        let mut pieces = wrap(fonts, style, size, item, max)?;
        current = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    Ok(lines)
}

pub(crate) fn wrap(fonts: &Fonts, style: Style, size: f32, text: &str, max: f32) -> Result<Vec<String>, RenderError> {
    let text = text.trim();
    if width(fonts, style, size, text)? <= max {
        return Ok(vec![text.to_string()]);
    }
    let space = width(fonts, style, size, " ")?;
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split_whitespace() {
        let w = width(fonts, style, size, word)?;
        if !line.is_empty() && line_width + space + w <= max {
            line.push(' ');
            line.push_str(word);
            line_width += space + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if w <= max {
            line.push_str(word);
            line_width = w;
            continue;
        }
        // A word wider than the line: break it between characters (not before a mark).
        line_width = 0.0;
        for c in word.chars() {
            let cw = width(fonts, style, size, c.encode_utf8(&mut [0; 4]))?;
            if !line.is_empty() && line_width + cw > max && !is_mark(c) {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            line.push(c);
            line_width += cw;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(s: &Shaped) -> String {
        s.runs.iter().map(|r| r.drawn.as_str()).collect()
    }

    #[test]
    fn latin_greek_cyrillic_stay_in_the_built_in_faces() {
        let fonts = Fonts::builtin();
        let s = shape(&fonts, Style::Regular, "José Αικατερίνη Олександр Adébáyọ̀").unwrap();
        // Latin-1 words in the small face, the others in the full one: both DejaVu Sans.
        let faces: Vec<usize> = s.runs.iter().map(|r| r.face).collect();
        assert_eq!(faces, [0, 3], "{s:?}");
        assert!(s.runs.iter().all(|r| r.logical.is_none()));
        assert!(s.width > 0.0);
        let latin = shape(&fonts, Style::Regular, "José Muñoz-Ibáñez").unwrap();
        assert_eq!(latin.runs.len(), 1);
        assert_eq!(latin.runs[0].face, 0);
    }

    #[test]
    fn hebrew_is_reversed_into_visual_order() {
        let fonts = Fonts::builtin();
        let s = shape(&fonts, Style::Regular, "נועה לוי").unwrap();
        assert_eq!(drawn(&s), "יול העונ");
        // Visual order is reversed, the logical text of each glyph travels with it.
        let back: String = s.runs.iter().flat_map(|r| r.logical.clone().unwrap()).rev().collect();
        assert_eq!(back, "נועה לוי");
    }

    #[test]
    fn arabic_takes_contextual_forms_and_lam_alef() {
        // ليلى: lam initial, yeh medial, lam medial, alef maksura final.
        let shaped = shape_arabic("ليلى");
        let forms: String = shaped.iter().map(|g| g.0).collect();
        assert_eq!(forms, "\u{FEDF}\u{FEF4}\u{FEE0}\u{FEF0}");
        // سلام: the lam-alef ligature, joined to the seen before it; the logical text is kept.
        let shaped = shape_arabic("سلام");
        assert_eq!(shaped.iter().map(|g| g.0).collect::<String>(), "\u{FEB3}\u{FEFC}\u{FEE1}");
        assert_eq!(shaped[1].1, "لا");
        // Reversed for display, marks still follow their base.
        let v = reverse_clusters(vec![('a', "a".into()), ('\u{064E}', "\u{064E}".into()), ('(', "(".into())]);
        assert_eq!(v.iter().map(|g| g.0).collect::<String>(), ")a\u{064E}");
    }

    #[test]
    fn mixed_direction_keeps_runs_in_order() {
        let fonts = Fonts::builtin();
        let s = shape(&fonts, Style::Regular, "Omar عمر and Layla").unwrap();
        assert!(drawn(&s).starts_with("Omar "), "{}", drawn(&s));
        assert!(drawn(&s).ends_with(" and Layla"), "{}", drawn(&s));
        // The right-to-left run is stored in visual order; read backwards it is the name.
        let rtl: String =
            s.runs.iter().filter_map(|r| r.logical.as_ref()).flat_map(|l| l.iter().rev()).cloned().collect();
        assert_eq!(rtl, "عمر");
        // Digits after Arabic are Arabic numbers (UAX #9, W2): they join the right-to-left run.
        let s = shape(&fonts, Style::Regular, "Omar عمر (2025)").unwrap();
        assert!(drawn(&s).starts_with("Omar "), "{}", drawn(&s));
        assert!(drawn(&s).contains("2025"), "{}", drawn(&s));
    }

    /// Issue #14.6: "name · id" keeps that order on the page whatever the name's script: a line that
    /// starts with a Hebrew name stays left-to-right (the footer printed "id · name" for such a learner).
    #[test]
    fn a_line_starting_right_to_left_keeps_a_left_to_right_base() {
        let fonts = Fonts::builtin();
        let s = shape(&fonts, Style::Regular, "נועה לוי  ·  N2025012").unwrap();
        assert!(drawn(&s).ends_with("  ·  N2025012"), "{}", drawn(&s));
        assert!(drawn(&s).starts_with("יול"), "{}", drawn(&s));
    }

    /// Issue #14.8: a wrapped contact line never ends with a dangling "·".
    #[test]
    fn lists_wrap_between_items() {
        let fonts = Fonts::builtin();
        let items: Vec<String> =
            ["www.northbridge.example.edu", "registrar@northbridge.example.edu", "+1-508-555-0142"]
                .map(String::from)
                .to_vec();
        let one_line = width(&fonts, Style::Regular, 7.5, &items.join("  ·  ")).unwrap();
        let lines = wrap_list(&fonts, Style::Regular, 7.5, &items, "  ·  ", one_line - 1.0).unwrap();
        assert_eq!(lines, ["www.northbridge.example.edu  ·  registrar@northbridge.example.edu", "+1-508-555-0142"]);
        assert_eq!(wrap_list(&fonts, Style::Regular, 7.5, &items, "  ·  ", one_line).unwrap().len(), 1);
    }

    #[test]
    fn missing_glyphs_are_errors() {
        let fonts = Fonts::builtin();
        match shape(&fonts, Style::Regular, "王芳") {
            Err(RenderError::MissingGlyphs { chars, .. }) => assert_eq!(chars, ['王', '芳']),
            other => panic!("expected missing glyphs, got {other:?}"),
        }
    }

    #[test]
    fn wraps_at_spaces_and_inside_long_words() {
        let fonts = Fonts::builtin();
        let lines = wrap(&fonts, Style::Regular, 10.0, "Introduction to Programming with Python", 100.0).unwrap();
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), "Introduction to Programming with Python");
        for line in &lines {
            assert!(width(&fonts, Style::Regular, 10.0, line).unwrap() <= 100.0);
        }
        let lines = wrap(&fonts, Style::Regular, 8.0, &"0123456789abcdef".repeat(4), 120.0).unwrap();
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "0123456789abcdef".repeat(4));
    }
}
