//! The PDF transcript: a small flow layout (pages, tables with repeated headers,
//! wrapped cells) drawn with printpdf operations, then finished with lopdf for what
//! printpdf does not set (document language, a deterministic file identifier).

use std::collections::BTreeSet;

use lopdf::{Object, StringFormat};
use printpdf::{
    Codepoint, Color, DictItem, ExternalStream, ExternalXObject, FontId, Greyscale, OffsetDateTime, Op, PdfDocument,
    PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Pt, RawImage, RawImageData, RawImageFormat,
    Rect, Rgb, TextItem, TextMatrix, XObject, XObjectId, XObjectTransform,
};

use super::RenderError;
use super::fonts::{Fonts, Style};
use super::labels::{Layout, Section};
use super::logo::jpeg_size;
use super::qr::qr_pixels;
use super::text::{Shaped, shape, wrap, wrap_shaped};
use super::view::{CourseRow, Logo, Totals, TranscriptView};

const MARGIN_X: f32 = 48.0;
const MARGIN_TOP: f32 = 42.0;
const MARGIN_BOTTOM: f32 = 58.0;
const BODY: f32 = 8.5;
const SMALL: f32 = 7.5;
const LEADING: f32 = 1.3;
const QR_ID: &str = "QRCODE";
const LOGO_ID: &str = "LOGO";
/// Room for the operations of the first page, and beyond the previous page's count for the next one
/// (its footer included).
const FIRST_PAGE_OPS: usize = 1024;
const PAGE_OPS_SLACK: usize = 64;

/// Horizontal alignment in a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
    Center,
}

/// A table column.
#[derive(Debug, Clone)]
struct Col {
    width: f32,
    align: Align,
}

/// A table whose header repeats on every page it crosses.
#[derive(Debug, Clone)]
struct Table {
    /// The section title printed again, with "(continued)", above a repeated header.
    title: String,
    /// A line printed again under it (e.g. the framework of a competency table).
    subtitle: Option<String>,
    /// Column titles (an empty list: no header row).
    header: Vec<String>,
    cols: Vec<Col>,
    /// Indent of the table from the left margin.
    x: f32,
}

/// The wrapped lines of a cell: its text, then its note.
type CellLines = (Vec<Shaped>, Vec<Shaped>);

/// The text of a cell.
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    style: Style,
    size: f32,
    color: Color,
    /// A smaller muted line under the text (e.g. where transfer credit was earned).
    note: Option<String>,
    /// Extra left indent inside the cell.
    indent: f32,
}

impl Cell {
    fn new(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), style: Style::Regular, size: BODY, color: ink(), note: None, indent: 0.0 }
    }
    fn bold(mut self) -> Cell {
        self.style = Style::Bold;
        self
    }
    fn size(mut self, size: f32) -> Cell {
        self.size = size;
        self
    }
    fn color(mut self, color: Color) -> Cell {
        self.color = color;
        self
    }
    fn note(mut self, note: Option<String>) -> Cell {
        self.note = note;
        self
    }
    fn indent(mut self, indent: f32) -> Cell {
        self.indent = indent;
        self
    }
}

fn gray(g: f32) -> Color {
    Color::Greyscale(Greyscale { percent: g, icc_profile: None })
}
fn ink() -> Color {
    gray(0.08)
}
fn muted() -> Color {
    gray(0.36)
}
fn rule() -> Color {
    gray(0.72)
}
fn band() -> Color {
    Color::Rgb(Rgb { r: 0.925, g: 0.94, b: 0.96, icc_profile: None })
}

/// The PDF resource name of a face: six capitals, so that viewers see the subset tag.
fn font_tag(face: usize) -> String {
    let a = char::from(b'A' + (face / 26 % 26) as u8);
    let b = char::from(b'A' + (face % 26) as u8);
    format!("XTRA{a}{b}")
}

struct Writer<'a> {
    view: &'a TranscriptView,
    fonts: &'a Fonts,
    layout: &'a Layout,
    accent: Color,
    width: f32,
    height: f32,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    y: f32,
    used: BTreeSet<usize>,
    has_logo: bool,
    /// The term whose courses are being listed: its band is repeated on a new page.
    term: Option<(String, Option<String>)>,
    /// The content stream's state, so that unchanged settings are not written again.
    state: StreamState,
}

/// What the current page's content stream has set.
#[derive(Debug, Default)]
struct StreamState {
    in_text: bool,
    fill: Option<Color>,
    font: Option<(usize, u32)>,
}

impl<'a> Writer<'a> {
    fn left(&self) -> f32 {
        MARGIN_X
    }
    fn right(&self) -> f32 {
        self.width - MARGIN_X
    }
    fn content_width(&self) -> f32 {
        self.width - 2.0 * MARGIN_X
    }

    // ---- drawing primitives ------------------------------------------------------------

    /// Draws one line of text with its left end at `x` on baseline `y`; returns its width.
    fn text_at(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        style: Style,
        color: &Color,
        text: &str,
    ) -> Result<f32, RenderError> {
        if text.is_empty() {
            return Ok(0.0);
        }
        let shaped = shape(self.fonts, style, text)?;
        self.draw(x, y, size, color, &shaped);
        Ok(shaped.width_pt(size))
    }

    /// Draws one line of text aligned in the span from `x`, `w` wide.
    fn text_aligned(
        &mut self,
        span: (f32, f32, Align),
        y: f32,
        size: f32,
        style: Style,
        color: &Color,
        text: &str,
    ) -> Result<(), RenderError> {
        if text.is_empty() {
            return Ok(());
        }
        let shaped = shape(self.fonts, style, text)?;
        self.draw_aligned(span, y, size, color, &shaped);
        Ok(())
    }

    /// Draws a shaped line aligned in the span from `x`, `w` wide.
    fn draw_aligned(&mut self, (x, w, align): (f32, f32, Align), y: f32, size: f32, color: &Color, shaped: &Shaped) {
        if shaped.runs.is_empty() {
            return;
        }
        let tw = shaped.width_pt(size);
        let x = match align {
            Align::Left => x,
            Align::Right => x + w - tw,
            Align::Center => x + (w - tw) / 2.0,
        };
        self.draw(x, y, size, color, shaped);
    }

    /// Draws shaped text: one text object, a font switch and a position per run.
    fn draw(&mut self, x: f32, y: f32, size: f32, color: &Color, shaped: &Shaped) {
        if !self.state.in_text {
            self.ops.push(Op::StartTextSection);
            self.state.in_text = true;
        }
        self.set_fill(color);
        let mut pen = x;
        for run in &shaped.runs {
            if self.state.font != Some((run.face, size.to_bits())) {
                self.ops
                    .push(Op::SetFont { font: PdfFontHandle::External(FontId(font_tag(run.face))), size: Pt(size) });
                self.state.font = Some((run.face, size.to_bits()));
                self.used.insert(run.face);
            }
            self.ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(pen), Pt(y)) });
            let items = match &run.logical {
                None => vec![TextItem::Text(run.drawn.clone())],
                Some(logical) => {
                    let face = &self.fonts.faces[run.face];
                    vec![TextItem::GlyphIds(
                        run.drawn
                            .chars()
                            .zip(logical)
                            .map(|(c, l)| Codepoint::with_cid(face.glyph(c).unwrap_or(0), 0.0, l.clone()))
                            .collect(),
                    )]
                }
            };
            self.ops.push(Op::ShowText { items });
            pen += run.width * size / 1000.0;
        }
    }

    /// Ends the open text object, if any, before graphics.
    fn end_text(&mut self) {
        if self.state.in_text {
            self.ops.push(Op::EndTextSection);
            self.state.in_text = false;
        }
    }

    fn set_fill(&mut self, color: &Color) {
        if self.state.fill.as_ref() != Some(color) {
            self.ops.push(Op::SetFillColor { col: color.clone() });
            self.state.fill = Some(color.clone());
        }
    }

    /// Closes the current page's content and starts an empty one.
    fn finish_page(&mut self) {
        self.end_text();
        // The next page is sized like this one (operations are large: growing a page's list copies it).
        let next = Vec::with_capacity(self.ops.len() + PAGE_OPS_SLACK);
        let ops = std::mem::replace(&mut self.ops, next);
        self.pages.push(ops);
        self.state = StreamState::default();
    }

    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: &Color) {
        self.end_text();
        self.set_fill(color);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect { mode: Some(printpdf::PaintMode::Fill), ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h)) },
        });
    }

    fn hrule(&mut self, x: f32, w: f32, y: f32, thickness: f32, color: &Color) {
        self.fill(x, y - thickness / 2.0, w, thickness, color);
    }

    fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, color: &Color) {
        self.hrule(x, w, y + h, thickness, color);
        self.hrule(x, w, y, thickness, color);
        self.fill(x - thickness / 2.0, y, thickness, h, color);
        self.fill(x + w - thickness / 2.0, y, thickness, h, color);
    }

    fn image(&mut self, id: &str, x: f32, y: f32, w: f32, h: f32) {
        self.end_text();
        self.ops.push(Op::UseXobject {
            id: XObjectId(id.to_string()),
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(y)),
                scale_x: Some(w),
                scale_y: Some(h),
                no_auto_scale: true,
                ..XObjectTransform::default()
            },
        });
    }

    // ---- pages ---------------------------------------------------------------------------

    fn new_page(&mut self) -> Result<(), RenderError> {
        self.finish_page();
        self.continuation_header()
    }

    /// Makes room for `h` points, starting a new page if needed; on a new page a table's
    /// header is repeated. Returns whether a page was started.
    fn ensure(&mut self, h: f32, table: Option<&Table>) -> Result<bool, RenderError> {
        if self.y - h >= MARGIN_BOTTOM {
            return Ok(false);
        }
        self.new_page()?;
        if let Some(table) = table {
            let title = format!("{} {}", table.title, self.view.labels.continued);
            self.section_title(&title)?;
            if let Some(subtitle) = &table.subtitle {
                self.subtitle(subtitle)?;
            }
            self.table_header(table)?;
            if let Some((name, year)) = self.term.clone() {
                let name = format!("{name} {}", self.view.labels.continued);
                self.term_band(&name, year.as_deref())?;
            }
        }
        Ok(true)
    }

    /// Page 1: the institution's header.
    fn first_header(&mut self) -> Result<(), RenderError> {
        let inst = &self.view.institution;
        let top = self.height - MARGIN_TOP;
        let mut x = self.left();
        if self.has_logo {
            let (w, h) = logo_size(inst.logo.as_ref());
            let scale = 46.0 / h.max(1.0);
            self.image(LOGO_ID, x, top - 46.0, w * scale, 46.0);
            x += w * scale + 12.0;
        }
        let labels = &self.view.labels;
        let title_w =
            shape(self.fonts, Style::Bold, &labels.document_title.to_uppercase())?.width_pt(10.0).clamp(110.0, 200.0)
                + 2.0;
        let name_w = self.right() - x - title_w - 18.0;
        // The name on one line if it fits at 13 pt or more, otherwise wrapped at 16 pt.
        let full = shape(self.fonts, Style::Heading, &inst.name)?.width_pt(1.0);
        let size = if full * 16.0 <= name_w {
            16.0
        } else if full * 13.0 <= name_w {
            name_w / full
        } else {
            16.0
        };
        let name_lines = wrap(self.fonts, Style::Heading, size, &inst.name, name_w)?;
        let mut y = top - size + 2.0;
        let accent = self.accent.clone();
        for line in &name_lines {
            self.text_at(x, y, size, Style::Heading, &accent, line)?;
            y -= size * 1.15;
        }
        y -= 1.0;
        let ids: Vec<String> = inst.identifiers.iter().map(|i| format!("{} {}", i.kind, i.value)).collect();
        let mut details: Vec<String> = inst.address_lines.clone();
        if !ids.is_empty() {
            details.push(ids.join("  ·  "));
        }
        if !inst.contact.is_empty() {
            details.push(inst.contact.join("  ·  "));
        }
        for line in &details {
            for l in wrap(self.fonts, Style::Regular, SMALL, line, name_w)? {
                self.text_at(x, y, SMALL, Style::Regular, &muted(), &l)?;
                y -= SMALL * LEADING;
            }
        }
        // The document title block, right.
        let (title, issued) =
            (labels.document_title.to_uppercase(), format!("{} {}", labels.issued, self.view.issue_date));
        let tx = self.right() - title_w;
        let mut ty = top - 12.0;
        for line in wrap(self.fonts, Style::Bold, 10.0, &title, title_w)? {
            self.text_aligned((tx, title_w, Align::Right), ty, 10.0, Style::Bold, &accent, &line)?;
            ty -= 12.5;
        }
        self.text_aligned((tx, title_w, Align::Right), ty - 1.0, BODY, Style::Regular, &ink(), &issued)?;
        let logo_bottom = if self.has_logo { top - 46.0 } else { top };
        let bottom = y.min(ty - 4.0).min(logo_bottom) - 4.0;
        self.hrule(self.left(), self.content_width(), bottom, 1.6, &accent);
        self.hrule(self.left(), self.content_width(), bottom - 2.6, 0.5, &accent);
        self.y = bottom - 12.0;
        Ok(())
    }

    /// Pages 2 and on: a compact header.
    fn continuation_header(&mut self) -> Result<(), RenderError> {
        let top = self.height - MARGIN_TOP;
        let accent = self.accent.clone();
        let half = self.content_width() / 2.0;
        let name = self.view.institution.name.clone();
        let name = wrap(self.fonts, Style::Heading, 11.0, &name, half)?.into_iter().next().unwrap_or_default();
        self.text_at(self.left(), top - 10.0, 11.0, Style::Heading, &accent, &name)?;
        let title = self.view.labels.document_title.to_uppercase();
        let who = format!("{}  ·  {}", self.view.learner.name, self.view.learner.id);
        self.text_aligned((self.left() + half, half, Align::Right), top - 6.0, SMALL, Style::Bold, &accent, &title)?;
        self.text_aligned((self.left() + half, half, Align::Right), top - 16.0, SMALL, Style::Regular, &ink(), &who)?;
        self.hrule(self.left(), self.content_width(), top - 22.0, 0.8, &accent);
        self.y = top - 36.0;
        Ok(())
    }

    /// The footer of every page, once the page count is known.
    fn footers(&mut self) -> Result<(), RenderError> {
        let count = self.pages.len();
        let labels = &self.view.labels;
        let who = format!("{}  ·  {}", self.view.learner.name, self.view.learner.id);
        let issued = format!("{} {}", labels.issued, self.view.issue_date);
        let third = self.content_width() / 3.0;
        for n in 0..count {
            let page = labels.page_of(n + 1, count);
            let saved = std::mem::replace(&mut self.ops, std::mem::take(&mut self.pages[n]));
            self.state = StreamState::default();
            let y = MARGIN_BOTTOM - 26.0;
            self.hrule(self.left(), self.content_width(), y + 10.0, 0.5, &rule());
            let who = wrap(self.fonts, Style::Regular, SMALL, &who, third)?.into_iter().next().unwrap_or_default();
            self.text_at(self.left(), y, SMALL, Style::Regular, &muted(), &who)?;
            self.text_aligned(
                (self.left() + third, third, Align::Center),
                y,
                SMALL,
                Style::Regular,
                &muted(),
                &issued,
            )?;
            self.text_aligned((self.left() + 2.0 * third, third, Align::Right), y, SMALL, Style::Bold, &ink(), &page)?;
            self.end_text();
            self.pages[n] = std::mem::replace(&mut self.ops, saved);
        }
        Ok(())
    }

    // ---- blocks ---------------------------------------------------------------------------

    /// A section title with a rule under it; keeps `keep` points of content with it.
    fn section(&mut self, title: &str, keep: f32) -> Result<(), RenderError> {
        self.y -= 8.0;
        self.ensure(20.0 + keep, None)?;
        self.section_title(title)
    }

    fn section_title(&mut self, title: &str) -> Result<(), RenderError> {
        let accent = self.accent.clone();
        for line in wrap(self.fonts, Style::Bold, 9.5, &title.to_uppercase(), self.content_width())? {
            self.text_at(self.left(), self.y - 9.0, 9.5, Style::Bold, &accent, &line)?;
            self.y -= 12.0;
        }
        self.hrule(self.left(), self.content_width(), self.y - 0.5, 0.6, &accent);
        self.y -= 5.0;
        Ok(())
    }

    /// A bold line over a table (a framework's title).
    fn subtitle(&mut self, text: &str) -> Result<(), RenderError> {
        for line in wrap(self.fonts, Style::Bold, 9.0, text, self.content_width())? {
            self.text_at(self.left(), self.y - 9.0, 9.0, Style::Bold, &ink(), &line)?;
            self.y -= 11.5;
        }
        self.y -= 1.0;
        Ok(())
    }

    fn table_header(&mut self, table: &Table) -> Result<(), RenderError> {
        if table.header.is_empty() {
            return Ok(());
        }
        let mut x = self.left() + table.x;
        let baseline = self.y - 8.0;
        for (col, title) in table.cols.iter().zip(&table.header) {
            self.text_aligned((x + 3.0, col.width - 6.0, col.align), baseline, SMALL, Style::Bold, &muted(), title)?;
            x += col.width;
        }
        let w: f32 = table.cols.iter().map(|c| c.width).sum();
        self.hrule(self.left() + table.x, w, self.y - 11.5, 0.5, &rule());
        self.y -= 14.0;
        Ok(())
    }

    /// The lines of each cell, wrapped to its column.
    fn layout_cells(&self, table: &Table, cells: &[Cell]) -> Result<Vec<CellLines>, RenderError> {
        cells
            .iter()
            .zip(&table.cols)
            .map(|(cell, col)| {
                let w = col.width - 6.0 - cell.indent;
                let lines = if cell.text.is_empty() {
                    Vec::new()
                } else {
                    wrap_shaped(self.fonts, cell.style, cell.size, &cell.text, w)?
                };
                let notes = match &cell.note {
                    Some(n) => wrap_shaped(self.fonts, Style::Regular, SMALL - 0.5, n, w)?,
                    None => Vec::new(),
                };
                Ok((lines, notes))
            })
            .collect()
    }

    fn row_height(cells: &[Cell], laid: &[CellLines]) -> f32 {
        cells
            .iter()
            .zip(laid)
            .map(|(c, (lines, notes))| {
                lines.len() as f32 * c.size * LEADING + notes.len() as f32 * (SMALL - 0.5) * LEADING
            })
            .fold(BODY * LEADING, f32::max)
            + 4.0
    }

    /// A table row; `keep` more points must fit on the same page (e.g. the totals under a term's last course).
    fn row(&mut self, table: &Table, cells: &[Cell], keep: f32) -> Result<(), RenderError> {
        let laid = self.layout_cells(table, cells)?;
        let h = Self::row_height(cells, &laid);
        self.ensure(h + keep, Some(table))?;
        let first =
            cells.iter().zip(&laid).filter(|(_, (l, _))| !l.is_empty()).map(|(c, _)| c.size).fold(0.0, f32::max);
        let mut x = self.left() + table.x;
        for ((cell, col), (lines, notes)) in cells.iter().zip(&table.cols).zip(&laid) {
            let mut y = self.y - 2.0 - first;
            let cx = x + 3.0 + cell.indent;
            let cw = col.width - 6.0 - cell.indent;
            for line in lines {
                self.draw_aligned((cx, cw, col.align), y, cell.size, &cell.color, line);
                y -= cell.size * LEADING;
            }
            for line in notes {
                y += (cell.size - SMALL) * LEADING * 0.5;
                self.draw_aligned((cx, cw, col.align), y, SMALL - 0.5, &muted(), line);
                y -= (SMALL - 0.5) * LEADING;
            }
            x += col.width;
        }
        self.y -= h;
        Ok(())
    }

    /// A paragraph of wrapped text across the content width.
    fn paragraph(
        &mut self,
        text: &str,
        size: f32,
        style: Style,
        color: &Color,
        indent: f32,
    ) -> Result<(), RenderError> {
        let lines = wrap(self.fonts, style, size, text, self.content_width() - indent)?;
        for line in lines {
            self.ensure(size * LEADING + 2.0, None)?;
            self.text_at(self.left() + indent, self.y - size, size, style, color, &line)?;
            self.y -= size * LEADING;
        }
        Ok(())
    }

    /// The learner block: labelled fields in a frame, the verification QR code at its right.
    fn learner_block(&mut self) -> Result<(), RenderError> {
        let l = &self.view.labels;
        let learner = &self.view.learner;
        let mut fields: Vec<(String, String)> =
            vec![(l.name.clone(), learner.name.clone()), (l.student_id.clone(), learner.id.clone())];
        for (label, value) in
            [(&l.birth_date, &learner.birth_date), (&l.program, &learner.program), (&l.degree, &learner.degree)]
        {
            if let Some(v) = value {
                fields.push((label.clone(), v.clone()));
            }
        }
        let qr = 66.0;
        let pad = 8.0;
        let label_w = 78.0;
        let value_w = self.content_width() - qr - 3.0 * pad - label_w - 10.0;
        let mut rows = Vec::new();
        for (label, value) in fields {
            let size = if rows.is_empty() { 11.0 } else { 9.0 };
            rows.push((label, wrap(self.fonts, Style::Bold, size, &value, value_w)?, size));
        }
        let text_h: f32 = rows.iter().map(|(_, lines, size)| lines.len() as f32 * size * LEADING + 3.0).sum();
        let h = text_h.max(qr + 10.0) + 2.0 * pad - 4.0;
        let top = self.y;
        self.fill(self.left(), top - h, self.content_width(), h, &band());
        let accent = self.accent.clone();
        self.frame(self.left(), top - h, self.content_width(), h, 0.6, &accent);
        let mut y = top - pad;
        for (label, lines, size) in &rows {
            self.text_at(self.left() + pad, y - size + 0.5, SMALL, Style::Regular, &muted(), label)?;
            for line in lines {
                self.text_at(self.left() + pad + label_w, y - size, *size, Style::Bold, &ink(), line)?;
                y -= size * LEADING;
            }
            y -= 3.0;
        }
        let qx = self.right() - pad - qr;
        self.image(QR_ID, qx, top - pad - qr, qr, qr);
        let caption = self.view.labels.scan_to_verify.clone();
        self.text_aligned(
            (qx - 10.0, qr + 20.0, Align::Center),
            top - pad - qr - 6.5,
            6.5,
            Style::Regular,
            &muted(),
            &caption,
        )?;
        self.y = top - h - 6.0;
        Ok(())
    }

    fn academic_record(&mut self) -> Result<(), RenderError> {
        let l = &self.view.labels;
        let w = self.content_width();
        let table = Table {
            title: l.academic_record.clone(),
            subtitle: None,
            header: vec![
                l.course.clone(),
                l.title.clone(),
                l.attempted.clone(),
                l.earned.clone(),
                l.grade.clone(),
                l.notes.clone(),
            ],
            cols: vec![
                Col { width: 64.0, align: Align::Left },
                Col { width: w - 64.0 - 54.0 - 54.0 - 50.0 - 36.0, align: Align::Left },
                Col { width: 54.0, align: Align::Right },
                Col { width: 54.0, align: Align::Right },
                Col { width: 50.0, align: Align::Center },
                Col { width: 36.0, align: Align::Left },
            ],
            x: 0.0,
        };
        self.section(&table.title, 60.0)?;
        self.table_header(&table)?;
        let totals_h = 2.0 * (BODY * LEADING + 3.0) + 4.0;
        for term in &self.view.terms {
            // The term band keeps its first course (or its totals) with it.
            let first_h = term.courses.first().map_or(totals_h, |_| 2.0 * BODY * LEADING + 4.0);
            self.ensure(16.0 + first_h, Some(&table))?;
            self.term_band(&term.name, term.academic_year.as_deref())?;
            self.term = Some((term.name.clone(), term.academic_year.clone()));
            if let Some(note) = &term.note {
                let cells = [Cell::new(""), Cell::new(note.clone()).size(SMALL).color(muted())];
                self.row(&table, &cells, first_h)?;
            }
            if term.courses.is_empty() {
                let cells = [Cell::new(""), Cell::new(l.no_courses.clone()).color(muted())];
                self.row(&table, &cells, totals_h)?;
            }
            let last = term.courses.len().saturating_sub(1);
            for (i, course) in term.courses.iter().enumerate() {
                let cells = self.course_cells(course);
                self.row(&table, &cells, if i == last { totals_h } else { 0.0 })?;
            }
            self.totals_rows(&table, &term.term_totals, &term.cumulative)?;
            self.term = None;
        }
        self.y -= 2.0;
        let legend = l.marks_legend.clone();
        self.paragraph(&legend, SMALL - 0.5, Style::Regular, &muted(), 0.0)?;
        Ok(())
    }

    /// The shaded band that opens a term: its name, and the academic year at the right.
    fn term_band(&mut self, name: &str, year: Option<&str>) -> Result<(), RenderError> {
        let w = self.content_width();
        self.fill(self.left(), self.y - 14.0, w, 14.0, &band());
        self.text_at(self.left() + 3.0, self.y - 10.0, 9.0, Style::Bold, &ink(), name)?;
        if let Some(year) = year {
            self.text_aligned(
                (self.left(), w - 3.0, Align::Right),
                self.y - 10.0,
                SMALL,
                Style::Regular,
                &muted(),
                year,
            )?;
        }
        self.y -= 15.0;
        Ok(())
    }

    fn course_cells(&self, c: &CourseRow) -> [Cell; 6] {
        let l = &self.view.labels;
        let mut marks = Vec::new();
        for (on, mark) in [
            (c.repeat, &l.mark_repeat),
            (c.transfer, &l.mark_transfer),
            (c.in_progress, &l.mark_in_progress),
            (c.excluded, &l.mark_excluded),
        ] {
            if on {
                marks.push(mark.as_str());
            }
        }
        let grade = match (&c.grade, c.in_progress) {
            (Some(g), _) => g.clone(),
            (None, true) => l.in_progress.clone(),
            (None, false) => String::new(),
        };
        let grade_size = if c.grade.is_some() { BODY } else { SMALL - 0.5 };
        let excluded = if c.excluded { muted() } else { ink() };
        [
            Cell::new(c.code.clone()).color(excluded.clone()),
            Cell::new(c.title.clone()).color(excluded.clone()).note(c.note.clone()),
            Cell::new(c.attempted.to_string()).color(excluded.clone()),
            Cell::new(c.earned.map(|e| e.to_string()).unwrap_or_default()).color(excluded.clone()),
            Cell::new(grade).bold().size(grade_size).color(excluded),
            Cell::new(marks.join(" ")).size(SMALL).color(muted()),
        ]
    }

    fn totals_rows(&mut self, table: &Table, term: &Totals, cumulative: &Totals) -> Result<(), RenderError> {
        let l = &self.view.labels;
        let cols = &table.cols;
        let (label_x, label_w) = (self.left() + cols[0].width, cols[1].width - 3.0);
        let att_x = label_x + cols[1].width;
        let earn_x = att_x + cols[2].width;
        let gpa_x = earn_x + cols[3].width;
        let gpa_w = cols[4].width + cols[5].width;
        self.ensure(2.0 * (BODY * LEADING + 3.0) + 4.0, Some(table))?;
        self.hrule(att_x, cols[2].width + cols[3].width + gpa_w, self.y - 0.5, 0.4, &rule());
        self.y -= 2.0;
        let rows = [(l.term_totals.clone(), term, Style::Regular), (l.cumulative.clone(), cumulative, Style::Bold)];
        for (label, totals, style) in rows {
            let y = self.y - BODY - 1.0;
            self.text_aligned((label_x, label_w, Align::Right), y, SMALL, style, &muted(), &label)?;
            self.text_aligned(
                (att_x, cols[2].width - 3.0, Align::Right),
                y,
                BODY,
                style,
                &ink(),
                &totals.attempted.to_string(),
            )?;
            self.text_aligned(
                (earn_x, cols[3].width - 3.0, Align::Right),
                y,
                BODY,
                style,
                &ink(),
                &totals.earned.to_string(),
            )?;
            if let Some(gpa) = totals.gpa {
                let text = format!("{} {}", l.gpa, gpa);
                self.text_aligned((gpa_x + 8.0, gpa_w, Align::Left), y, BODY, style, &ink(), &text)?;
            }
            self.y -= BODY * LEADING + 3.0;
        }
        self.y -= 4.0;
        Ok(())
    }

    fn degrees(&mut self) -> Result<(), RenderError> {
        if self.view.degrees.is_empty() {
            return Ok(());
        }
        let l = &self.view.labels;
        let w = self.content_width();
        let table = Table {
            title: l.degrees.clone(),
            subtitle: None,
            header: Vec::new(),
            cols: vec![Col { width: w - 170.0, align: Align::Left }, Col { width: 170.0, align: Align::Right }],
            x: 0.0,
        };
        self.section(&table.title, 30.0)?;
        for d in &self.view.degrees {
            let mut detail = Vec::new();
            if let Some(level) = &d.level {
                detail.push(level.clone());
            }
            if let Some(field) = &d.field {
                detail.push(format!("{}: {field}", l.field));
            }
            let right = format!("{} {}", l.conferred, d.conferred);
            let honors = d.honors.as_ref().map(|h| format!("{}: {h}", l.honors));
            let detail = (!detail.is_empty()).then(|| detail.join("  ·  "));
            let cells = [Cell::new(d.name.clone()).bold().size(9.5).note(detail), Cell::new(right).note(honors)];
            self.row(&table, &cells, 0.0)?;
        }
        Ok(())
    }

    fn competencies(&mut self) -> Result<(), RenderError> {
        if self.view.competencies.is_empty() {
            return Ok(());
        }
        let l = &self.view.labels;
        let w = self.content_width();
        self.section(&l.competencies.clone(), 50.0)?;
        let mut any_derived = false;
        for fw in &self.view.competencies {
            let mut title = fw.title.clone();
            if let Some(p) = &fw.publisher {
                title.push_str(&format!("  ·  {p}"));
            }
            if let Some(v) = &fw.version {
                title.push_str(&format!("  ·  {} {v}", l.version));
            }
            let table = Table {
                title: l.competencies.clone(),
                subtitle: Some(title.clone()),
                header: vec![String::new(), l.competency.clone(), l.level.clone()],
                cols: vec![
                    Col { width: 74.0, align: Align::Left },
                    Col { width: w - 74.0 - 80.0, align: Align::Left },
                    Col { width: 80.0, align: Align::Left },
                ],
                x: 0.0,
            };
            self.ensure(14.0 + 14.0 + 2.0 * BODY * LEADING, None)?;
            self.subtitle(&title)?;
            self.table_header(&table)?;
            for (i, item) in fw.items.iter().enumerate() {
                any_derived |= item.derived;
                // A competency listed with attained ones below it heads a group: bold.
                let heads = fw.items.get(i + 1).is_some_and(|next| next.depth > item.depth);
                let indent = f32::from(item.depth.min(6)) * 9.0;
                let mut statement = item.statement.clone();
                if item.derived {
                    statement.push(' ');
                    statement.push_str(&l.derived_mark);
                }
                let code_style = if heads { Style::Bold } else { Style::Regular };
                let mut code = Cell::new(item.code.clone().unwrap_or_default()).indent(indent.min(40.0));
                code.style = code_style;
                let mut text = Cell::new(statement);
                text.style = code_style;
                let cells = [code, text, Cell::new(item.level.clone().unwrap_or_default())];
                self.row(&table, &cells, 0.0)?;
            }
            self.y -= 4.0;
        }
        if any_derived {
            let note = l.derived_note.clone();
            self.paragraph(&note, SMALL - 0.5, Style::Regular, &muted(), 0.0)?;
        }
        Ok(())
    }

    fn achievements(&mut self) -> Result<(), RenderError> {
        if self.view.achievements.is_empty() {
            return Ok(());
        }
        let l = &self.view.labels;
        let w = self.content_width();
        let table = Table {
            title: l.achievements.clone(),
            subtitle: None,
            header: vec![l.achievement.clone(), l.kind.clone(), l.awarded.clone(), l.result.clone()],
            cols: vec![
                Col { width: w - 90.0 - 70.0 - 90.0, align: Align::Left },
                Col { width: 90.0, align: Align::Left },
                Col { width: 70.0, align: Align::Left },
                Col { width: 90.0, align: Align::Left },
            ],
            x: 0.0,
        };
        self.section(&table.title, 40.0)?;
        self.table_header(&table)?;
        for a in &self.view.achievements {
            let cells = [
                Cell::new(a.name.clone()),
                Cell::new(a.kind.clone()),
                Cell::new(a.awarded.clone()),
                Cell::new(a.result.clone().unwrap_or_default()),
            ];
            self.row(&table, &cells, 0.0)?;
        }
        Ok(())
    }

    fn grading(&mut self) -> Result<(), RenderError> {
        let l = &self.view.labels;
        let half = (self.content_width() - 12.0) / 2.0;
        let half_cols = |_: ()| {
            vec![
                Col { width: 30.0, align: Align::Center },
                Col { width: 34.0, align: Align::Right },
                Col { width: half - 64.0, align: Align::Left },
            ]
        };
        let mut cols = half_cols(());
        cols.push(Col { width: 12.0, align: Align::Left });
        cols.extend(half_cols(()));
        let head = [l.grade.clone(), l.points.clone(), l.meaning.clone()];
        let mut header: Vec<String> = head.to_vec();
        header.push(String::new());
        header.extend(head);
        let table = Table { title: l.grading.clone(), subtitle: None, header, cols, x: 0.0 };
        self.section(&table.title, 50.0)?;
        let scale = self.view.grading.scale_name.clone();
        self.paragraph(&scale, BODY, Style::Regular, &ink(), 0.0)?;
        self.y -= 2.0;
        self.table_header(&table)?;
        let grades = &self.view.grading.grades;
        let rows = grades.len().div_ceil(2);
        let cell = |i: usize| -> [Cell; 3] {
            match grades.get(i) {
                Some(g) => [
                    Cell::new(g.grade.clone()).bold(),
                    Cell::new(g.points.map(|p| p.to_string()).unwrap_or_default()),
                    Cell::new(g.meaning.clone()).size(SMALL),
                ],
                None => [Cell::new(""), Cell::new(""), Cell::new("")],
            }
        };
        for i in 0..rows {
            let mut cells: Vec<Cell> = cell(i).into();
            cells.push(Cell::new(""));
            cells.extend(cell(i + rows));
            self.row(&table, &cells, 0.0)?;
        }
        Ok(())
    }

    fn verification(&mut self) -> Result<(), RenderError> {
        let l = &self.view.labels;
        let v = &self.view.verification;
        let qr = 70.0;
        let text_x = qr + 14.0;
        let text_w = self.content_width() - text_x;
        let mut lines: Vec<(String, Style, f32, Color)> = Vec::new();
        for (label, value, style) in [
            (&l.verify_at, &v.url, Style::Regular),
            (&l.clr_sha256, &grouped(&v.clr_sha256), Style::Regular),
            (&l.issuer_did, &v.issuer_did, Style::Regular),
        ] {
            lines.push((label.clone(), Style::Regular, SMALL, muted()));
            for line in wrap(self.fonts, style, BODY - 0.5, value, text_w)? {
                lines.push((line, style, BODY - 0.5, ink()));
            }
        }
        let text_h: f32 = lines.iter().map(|(_, _, size, _)| size * LEADING + 0.6).sum();
        self.section(&l.verification.clone(), text_h.max(qr))?;
        let top = self.y;
        self.image(QR_ID, self.left(), top - qr, qr, qr);
        let mut y = top - 2.0;
        for (i, (line, style, size, color)) in lines.iter().enumerate() {
            if i > 0 && *color != ink() {
                y -= 2.0;
            }
            self.text_at(self.left() + text_x, y - size, *size, *style, color, line)?;
            y -= size * LEADING + 0.6;
        }
        self.y = (top - qr).min(y) - 6.0;
        let statement = l.authenticity.clone();
        self.paragraph(&statement, SMALL, Style::Regular, &muted(), 0.0)?;
        Ok(())
    }

    fn end_mark(&mut self) -> Result<(), RenderError> {
        self.y -= 10.0;
        self.ensure(14.0, None)?;
        let text = self.view.labels.end_of_transcript.clone();
        let size = SMALL;
        let tw = shape(self.fonts, Style::Regular, &text)?.width_pt(size);
        let cx = self.left() + self.content_width() / 2.0;
        let y = self.y - size;
        self.text_at(cx - tw / 2.0, y, size, Style::Regular, &muted(), &text)?;
        self.hrule(cx - tw / 2.0 - 70.0, 60.0, y + 2.5, 0.5, &rule());
        self.hrule(cx + tw / 2.0 + 10.0, 60.0, y + 2.5, 0.5, &rule());
        self.y -= 14.0;
        Ok(())
    }

    fn body(&mut self) -> Result<(), RenderError> {
        self.first_header()?;
        self.learner_block()?;
        for section in &self.layout.sections {
            match section {
                Section::AcademicRecord => self.academic_record()?,
                Section::Degrees => self.degrees()?,
                Section::Competencies => self.competencies()?,
                Section::Achievements => self.achievements()?,
                Section::Grading => self.grading()?,
                Section::Verification => self.verification()?,
            }
        }
        self.end_mark()?;
        self.finish_page();
        self.footers()
    }
}

/// A hex digest in groups of eight, for people comparing it by eye.
fn grouped(hex: &str) -> String {
    let chars: Vec<char> = hex.chars().collect();
    chars.chunks(8).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

fn logo_size(logo: Option<&Logo>) -> (f32, f32) {
    match logo {
        Some(Logo::Raw { width, height, .. } | Logo::Png { width, height, .. }) => (*width as f32, *height as f32),
        Some(Logo::Jpeg(bytes)) => jpeg_size(bytes).map_or((1.0, 1.0), |(w, h, _)| (f32::from(w), f32::from(h))),
        None => (1.0, 1.0),
    }
}

fn logo_xobject(logo: &Logo) -> Result<XObject, RenderError> {
    match logo {
        Logo::Raw { width, height, channels, pixels } | Logo::Png { width, height, channels, pixels, .. } => {
            let format = match channels {
                1 => RawImageFormat::R8,
                3 => RawImageFormat::RGB8,
                n => return Err(RenderError::Pdf(format!("a raw logo has 1 or 3 channels, not {n}"))),
            };
            if pixels.len() != *width as usize * *height as usize * usize::from(*channels) {
                return Err(RenderError::Pdf("the raw logo's pixel count does not match its size".to_string()));
            }
            Ok(XObject::Image(RawImage {
                pixels: RawImageData::U8(pixels.clone()),
                width: *width as usize,
                height: *height as usize,
                data_format: format,
                tag: Vec::new(),
            }))
        }
        Logo::Jpeg(bytes) => {
            let (w, h, components) =
                jpeg_size(bytes).ok_or_else(|| RenderError::Pdf("the logo is not a JPEG file".to_string()))?;
            let space = match components {
                1 => "DeviceGray",
                3 => "DeviceRGB",
                4 => "DeviceCMYK",
                n => return Err(RenderError::Pdf(format!("a JPEG logo with {n} components"))),
            };
            let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
            let dict = [
                ("Type", name("XObject")),
                ("Subtype", name("Image")),
                ("Width", DictItem::Int(i64::from(w))),
                ("Height", DictItem::Int(i64::from(h))),
                ("ColorSpace", name(space)),
                ("BitsPerComponent", DictItem::Int(8)),
                ("Filter", name("DCTDecode")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            Ok(XObject::External(ExternalXObject {
                stream: ExternalStream { dict, content: bytes.clone(), compress: false },
                width: None,
                height: None,
                dpi: None,
            }))
        }
    }
}

/// Seconds since 1970 of an ISO date at the start of `text` (the PDF's creation date).
fn issue_timestamp(text: &str) -> i64 {
    crate::model::Date::parse_iso(text.get(..10).unwrap_or(text)).map_or(0, |d| d.days_since_epoch() * 86_400)
}

/// Deflate level of the streams: fast, a few percent larger than the best level at a
/// fraction of its time (most of the bytes are font programs).
const COMPRESSION: u32 = 1;

/// A zlib compressor reused for every stream (setting one up costs more than
/// compressing a small stream). Each stream starts from a reset, so reuse never changes the bytes.
struct Deflater(flate2::Compress);

thread_local! {
    static DEFLATER: std::cell::Cell<Option<Deflater>> = const { std::cell::Cell::new(None) };
}

impl Deflater {
    fn new() -> Deflater {
        Deflater(flate2::Compress::new(flate2::Compression::new(COMPRESSION), true))
    }

    /// This thread's compressor, kept from one PDF to the next (a new one allocates and clears hundreds of
    /// kilobytes of tables); give it back with [`Deflater::keep`].
    fn take() -> Deflater {
        DEFLATER.take().unwrap_or_else(Deflater::new)
    }

    /// Keeps the compressor for this thread's next PDF.
    fn keep(self) {
        DEFLATER.set(Some(self));
    }

    fn deflate(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        self.0.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let consumed = self.0.total_in() as usize;
            let status = self.0.compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish).ok()?;
            if status == flate2::Status::StreamEnd {
                return Some(out);
            }
            out.reserve(out.capacity().max(64));
        }
    }
}

/// Compresses every stream that has no filter yet (lopdf's own `compress` uses the slowest level).
fn compress(doc: &mut lopdf::Document, deflater: &mut Deflater) {
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
            && let Some(compressed) = deflater.deflate(&stream.content)
            && compressed.len() + 19 < stream.content.len()
        {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

/// An 8-bit grayscale image XObject, compressed.
fn gray_image(side: usize, pixels: &[u8], deflater: &mut Deflater) -> Result<XObject, RenderError> {
    let data = deflater.deflate(pixels).ok_or_else(|| RenderError::Pdf("cannot compress an image".to_string()))?;
    let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
    let dict = [
        ("Type", name("XObject")),
        ("Subtype", name("Image")),
        ("Width", DictItem::Int(side as i64)),
        ("Height", DictItem::Int(side as i64)),
        ("ColorSpace", name("DeviceGray")),
        ("BitsPerComponent", DictItem::Int(8)),
        ("Interpolate", DictItem::Bool(false)),
        ("Filter", name("FlateDecode")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Ok(XObject::External(ExternalXObject {
        stream: ExternalStream { dict, content: data, compress: false },
        width: None,
        height: None,
        dpi: None,
    }))
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

/// Renders the transcript to PDF bytes. The same view, fonts and layout give the same bytes.
pub fn pdf(view: &TranscriptView, fonts: &Fonts, layout: &Layout) -> Result<Vec<u8>, RenderError> {
    let (width, height) = layout.page_size.points();
    let (r, g, b) = layout.accent_rgb();
    let mut w = Writer {
        view,
        fonts,
        layout,
        accent: Color::Rgb(Rgb { r, g, b, icc_profile: None }),
        width,
        height,
        pages: Vec::new(),
        ops: Vec::with_capacity(FIRST_PAGE_OPS),
        y: height - MARGIN_TOP,
        used: BTreeSet::new(),
        has_logo: view.institution.logo.is_some(),
        term: None,
        state: StreamState::default(),
    };
    w.body()?;

    let title = view.document_title();
    let mut doc = PdfDocument::new(&title);
    let info = &mut doc.metadata.info;
    info.author = view.institution.name.clone();
    info.creator = "xtranscript".to_string();
    info.producer = concat!("xtranscript ", env!("CARGO_PKG_VERSION"), " (printpdf)").to_string();
    info.subject = format!("{} \u{2014} {} ({})", view.labels.document_title, view.learner.name, view.learner.id);
    info.identifier = view.verification.clr_sha256.clone();
    let issued = OffsetDateTime::from_unix_timestamp(issue_timestamp(&view.issue_date))
        .map_err(|e| RenderError::Pdf(e.to_string()))?;
    info.creation_date = issued;
    info.modification_date = issued;
    info.metadata_date = issued;
    for &face in &w.used {
        doc.resources.fonts.map.insert(FontId(font_tag(face)), PdfFont::new(fonts.faces[face].font.clone()));
    }
    let mut deflater = Deflater::take();
    let (side, pixels) = qr_pixels(&view.verification.url)?;
    doc.resources.xobjects.map.insert(XObjectId(QR_ID.to_string()), gray_image(side, &pixels, &mut deflater)?);
    if let Some(logo) = &view.institution.logo {
        doc.resources.xobjects.map.insert(XObjectId(LOGO_ID.to_string()), logo_xobject(logo)?);
    }
    let page_count = w.pages.len();
    doc.pages = w
        .pages
        .into_iter()
        .map(|ops| {
            let rect = Rect::from_wh(Pt(width), Pt(height));
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
    compress(&mut lo, &mut deflater);
    deflater.keep();
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| RenderError::Pdf(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_tags_are_six_capitals() {
        assert_eq!(font_tag(0), "XTRAAA");
        assert_eq!(font_tag(27), "XTRABB");
        assert!(font_tag(5).chars().all(|c| c.is_ascii_uppercase()));
    }

    #[test]
    fn jpeg_size_reads_the_frame_header() {
        // SOI, APP0 (length 4), SOF0: length 11, precision 8, height 2, width 3, 3 components.
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x0B, 8, 0, 2, 0, 3, 3, 0, 0, 0];
        assert_eq!(jpeg_size(&jpeg), Some((3, 2, 3)));
        assert_eq!(jpeg_size(b"not a jpeg"), None);
    }

    #[test]
    fn digests_print_in_groups_of_eight() {
        assert_eq!(grouped("0123456789abcdef01"), "01234567 89abcdef 01");
    }

    #[test]
    fn issue_date_is_the_creation_date() {
        assert_eq!(issue_timestamp("2026-06-15"), 20_619 * 86_400);
        assert_eq!(issue_timestamp("15 June 2026"), 0);
    }
}
