//! The page writer: its state, the drawing primitives, and the pages (breaks, headers, footers).

use std::collections::BTreeSet;

use printpdf::Color;

use super::super::RenderError;
use super::super::fonts::{Fonts, Style};
use super::super::labels::Layout;
use super::super::text::{Shaped, shape, wrap, wrap_list};
use super::super::view::TranscriptView;
use super::content::{GlyphUse, PageContent};
use super::images::logo_size;
use super::table::{Align, Table, font_tag, ink, muted, rule, specimen_red};
use super::tags::{Attrs, Kind, Tags};
use super::{BODY, LEADING, LOGO_ID, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_BYTES_SLACK, SMALL};

pub(super) struct Writer<'a> {
    pub(super) view: &'a TranscriptView,
    pub(super) fonts: &'a Fonts,
    pub(super) layout: &'a Layout,
    pub(super) accent: Color,
    pub(super) width: f32,
    pub(super) height: f32,
    pub(super) pages: Vec<PageContent>,
    /// The current page's content.
    pub(super) content: PageContent,
    /// The glyphs shown, for the fonts' subsets.
    pub(super) glyphs: GlyphUse,
    pub(super) y: f32,
    pub(super) used: BTreeSet<usize>,
    pub(super) has_logo: bool,
    /// The term whose courses are being listed: its band is repeated on a new page.
    pub(super) term: Option<(String, Option<String>)>,
    /// The content stream's state, so that unchanged settings are not written again.
    pub(super) state: StreamState,
    /// A section (index in the layout's list) to start on a new page, to keep the last blocks together.
    pub(super) break_before: Option<usize>,
    /// The structure tree: what each piece of content is (PDF/UA-1).
    pub(super) tags: Tags,
    /// Whether the signed credential is attached to the PDF (the verification block says so).
    pub(super) attached: bool,
}

/// What the current page's content stream has set.
#[derive(Debug, Default)]
pub(super) struct StreamState {
    in_text: bool,
    fill: Option<Color>,
    font: Option<(usize, u32)>,
    /// The open marked-content sequence in the text object: what it tags (`None`: an artifact).
    marked: Option<Option<usize>>,
}

impl<'a> Writer<'a> {
    pub(super) fn left(&self) -> f32 {
        MARGIN_X
    }
    pub(super) fn right(&self) -> f32 {
        self.width - MARGIN_X
    }
    pub(super) fn content_width(&self) -> f32 {
        self.width - 2.0 * MARGIN_X
    }

    /// Runs `draw` inside a new structure element of `kind`.
    pub(super) fn tagged<T>(
        &mut self,
        kind: Kind,
        attrs: Attrs,
        draw: impl FnOnce(&mut Self) -> Result<T, RenderError>,
    ) -> Result<T, RenderError> {
        self.tags.open(kind, attrs);
        let result = draw(self);
        self.tags.close();
        result
    }

    /// Runs `draw` as an artifact (a repeated header, a running header or footer): not in the structure tree.
    pub(super) fn artifact<T>(
        &mut self,
        draw: impl FnOnce(&mut Self) -> Result<T, RenderError>,
    ) -> Result<T, RenderError> {
        self.tags.begin_artifact();
        let result = draw(self);
        self.tags.end_artifact();
        result
    }

    // ---- drawing primitives ------------------------------------------------------------

    /// Draws one line of text with its left end at `x` on baseline `y`; returns its width.
    pub(super) fn text_at(
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
    pub(super) fn text_aligned(
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
    pub(super) fn draw_aligned(
        &mut self,
        (x, w, align): (f32, f32, Align),
        y: f32,
        size: f32,
        color: &Color,
        shaped: &Shaped,
    ) {
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
            self.content.begin_text();
            self.state.in_text = true;
        }
        // Lines of one element drawn one after the other share a marked-content sequence (one MCID).
        let target = self.tags.target(false);
        if self.state.marked != Some(target) {
            self.end_marked();
            let mark = self.tags.begin(target);
            self.content.begin_mark(mark);
            self.state.marked = Some(target);
        } else if let Some(first) = shaped.runs.first().filter(|_| target.is_some())
            && self.fonts.faces[first.face].glyph(' ').is_some()
        {
            // The next line of the same element: an invisible space before it, so that its text does
            // not run into the previous line's when read in content order (a wrapped heading, a cell).
            self.set_font(first.face, size);
            self.content.text_position(x, y);
            self.show(first.face, " ", None);
        }
        self.set_fill(color);
        let mut pen = x;
        for run in &shaped.runs {
            self.set_font(run.face, size);
            self.content.text_position(pen, y);
            self.show(run.face, &run.drawn, run.logical.as_deref());
            pen += run.width * size / 1000.0;
        }
    }

    /// Shows the glyphs of `drawn` in `face`; each stands for its character, or for its entry in `logical`
    /// (the text in logical order, when the drawn characters are shaped forms).
    fn show(&mut self, face: usize, drawn: &str, logical: Option<&[String]>) {
        let font = &self.fonts.faces[face];
        let glyphs = &mut self.glyphs;
        let gids = drawn.chars().enumerate().map(|(i, c)| {
            let gid = font.glyph(c).unwrap_or(0);
            glyphs.note(face, gid, || match logical.and_then(|l| l.get(i)) {
                Some(text) => text.clone(),
                None => c.to_string(),
            });
            gid
        });
        self.content.glyphs(face, gids);
    }

    fn set_font(&mut self, face: usize, size: f32) {
        if self.state.font != Some((face, size.to_bits())) {
            self.content.font(&font_tag(face), size);
            self.state.font = Some((face, size.to_bits()));
            self.used.insert(face);
        }
    }

    /// Closes the text object's open marked-content sequence, if any.
    fn end_marked(&mut self) {
        if self.state.marked.take().is_some() {
            self.content.end_mark();
        }
    }

    /// Ends the open text object, if any, before graphics.
    fn end_text(&mut self) {
        if self.state.in_text {
            self.end_marked();
            self.content.end_text();
            self.state.in_text = false;
        }
    }

    fn set_fill(&mut self, color: &Color) {
        if self.state.fill.as_ref() != Some(color) {
            self.content.fill(color);
            self.state.fill = Some(color.clone());
        }
    }

    /// Closes the current page's content and starts an empty one.
    pub(super) fn finish_page(&mut self) {
        self.end_text();
        // The next page is sized like this one, and room for its footer.
        let next = PageContent::with_capacity(self.content.len() + PAGE_BYTES_SLACK);
        let page = std::mem::replace(&mut self.content, next);
        self.pages.push(page);
        self.tags.finish_page();
        self.state = StreamState::default();
    }

    /// A filled rectangle (a rule, a frame's side, a band): an artifact.
    pub(super) fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: &Color) {
        self.end_text();
        let mark = self.tags.begin(None);
        self.content.begin_mark(mark);
        self.set_fill(color);
        self.content.fill_rect(x, y, w, h);
        self.content.end_mark();
    }

    pub(super) fn hrule(&mut self, x: f32, w: f32, y: f32, thickness: f32, color: &Color) {
        self.fill(x, y - thickness / 2.0, w, thickness, color);
    }

    pub(super) fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, color: &Color) {
        self.hrule(x, w, y + h, thickness, color);
        self.hrule(x, w, y, thickness, color);
        self.fill(x - thickness / 2.0, y, thickness, h, color);
        self.fill(x + w - thickness / 2.0, y, thickness, h, color);
    }

    /// Draws an image; it is tagged as the innermost open element (a Figure with its Alt).
    pub(super) fn image(&mut self, id: &str, x: f32, y: f32, w: f32, h: f32) {
        self.end_text();
        let mark = self.tags.begin(self.tags.target(false));
        self.content.begin_mark(mark);
        self.content.image(id, x, y, w, h);
        self.content.end_mark();
    }

    // ---- pages ---------------------------------------------------------------------------

    pub(super) fn new_page(&mut self) -> Result<(), RenderError> {
        self.finish_page();
        self.artifact(Self::continuation_header)
    }

    /// Makes room for `h` points, starting a new page if needed; on a new page a table's
    /// header is repeated. Returns whether a page was started.
    pub(super) fn ensure(&mut self, h: f32, table: Option<&Table>) -> Result<bool, RenderError> {
        if self.y - h >= MARGIN_BOTTOM {
            return Ok(false);
        }
        self.new_page()?;
        if let Some(table) = table {
            // Repeated for the eye only: the structure tree has them once (artifacts, ISO 32000-1 14.8.2.2).
            self.artifact(|w| {
                let title = format!("{} {}", table.title, w.view.labels.continued);
                w.section_title(&title)?;
                if let Some(subtitle) = &table.subtitle {
                    w.subtitle(subtitle)?;
                }
                w.table_header(table)?;
                if let Some((name, year)) = w.term.clone() {
                    let name = format!("{name} {}", w.view.labels.continued);
                    w.term_band(&name, year.as_deref())?;
                }
                Ok(())
            })?;
        }
        Ok(true)
    }

    /// Page 1: the institution's header.
    pub(super) fn first_header(&mut self) -> Result<(), RenderError> {
        let inst = &self.view.institution;
        let top = self.height - MARGIN_TOP;
        let mut x = self.left();
        if self.has_logo {
            let (w, h) = logo_size(inst.logo.as_ref());
            let scale = 46.0 / h.max(1.0);
            let alt = format!("{} {}", self.view.labels.seal_of, inst.name);
            self.tags.open(Kind::Figure, Attrs { alt: Some(alt), ..Attrs::default() });
            self.image(LOGO_ID, x, top - 46.0, w * scale, 46.0);
            self.tags.close();
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
        self.tags.open(Kind::H1, Attrs::default());
        for line in &name_lines {
            self.text_at(x, y, size, Style::Heading, &accent, line)?;
            y -= size * 1.15;
        }
        self.tags.close();
        y -= 1.0;
        let ids: Vec<String> = inst.identifiers.iter().map(|i| format!("{} {}", i.kind, i.value)).collect();
        let mut details: Vec<String> = Vec::new();
        for line in &inst.address_lines {
            details.extend(wrap(self.fonts, Style::Regular, SMALL, line, name_w)?);
        }
        // Identifiers and contacts wrap between items: no line ends with a dangling "·".
        for list in [&ids, &inst.contact] {
            details.extend(wrap_list(self.fonts, Style::Regular, SMALL, list, "  ·  ", name_w)?);
        }
        for l in &details {
            self.tagged(Kind::P, Attrs::default(), |w| w.text_at(x, y, SMALL, Style::Regular, &muted(), l))?;
            y -= SMALL * LEADING;
        }
        // The document title block, right.
        let (title, issued) =
            (labels.document_title.to_uppercase(), format!("{} {}", labels.issued, self.view.issue_date));
        let tx = self.right() - title_w;
        let mut ty = top - 12.0;
        self.tags.open(Kind::P, Attrs::default());
        for line in wrap(self.fonts, Style::Bold, 10.0, &title, title_w)? {
            self.text_aligned((tx, title_w, Align::Right), ty, 10.0, Style::Bold, &accent, &line)?;
            ty -= 12.5;
        }
        self.tags.close();
        self.tagged(Kind::P, Attrs::default(), |w| {
            w.text_aligned((tx, title_w, Align::Right), ty - 1.0, BODY, Style::Regular, &ink(), &issued)
        })?;
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
        let who = format!("{}  ·  {}", self.view.learner.id, self.view.learner.name);
        self.text_aligned((self.left() + half, half, Align::Right), top - 6.0, SMALL, Style::Bold, &accent, &title)?;
        self.text_aligned((self.left() + half, half, Align::Right), top - 16.0, SMALL, Style::Regular, &ink(), &who)?;
        self.hrule(self.left(), self.content_width(), top - 22.0, 0.8, &accent);
        self.y = top - 36.0;
        Ok(())
    }

    /// A transcript signed with a demonstration key says so at the top and the bottom of every page.
    fn specimen_marks(&mut self) -> Result<(), RenderError> {
        let Some(mark) = self.view.specimen.clone() else { return Ok(()) };
        let span = (self.left(), self.content_width(), Align::Center);
        for y in [self.height - 24.0, 14.0] {
            self.text_aligned(span, y, 10.0, Style::Bold, &specimen_red(), &mark)?;
        }
        Ok(())
    }

    /// The footer of every page, once the page count is known.
    pub(super) fn footers(&mut self) -> Result<(), RenderError> {
        self.artifact(Self::draw_footers)
    }

    fn draw_footers(&mut self) -> Result<(), RenderError> {
        let count = self.pages.len();
        let labels = &self.view.labels;
        let who = format!("{}  ·  {}", self.view.learner.id, self.view.learner.name);
        let issued = format!("{} {}", labels.issued, self.view.issue_date);
        let third = self.content_width() / 3.0;
        for n in 0..count {
            let page = labels.page_of(n + 1, count);
            let saved = std::mem::replace(&mut self.content, std::mem::take(&mut self.pages[n]));
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
            self.specimen_marks()?;
            self.end_text();
            self.pages[n] = std::mem::replace(&mut self.content, saved);
        }
        Ok(())
    }
}
