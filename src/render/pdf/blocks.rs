//! The blocks of the flow: section titles, table headers and rows (wrapped, kept together), paragraphs.

use printpdf::Color;

use super::super::RenderError;
use super::super::fonts::Style;
use super::super::text::{wrap, wrap_shaped};
use super::table::{Cell, CellLines, Table, ink, muted, rule};
use super::tags::{Attrs, Kind, Scope};
use super::writer::Writer;
use super::{BODY, LEADING, SMALL};

impl Writer<'_> {
    // ---- blocks ---------------------------------------------------------------------------

    /// A section title with a rule under it; keeps `keep` points of content with it.
    pub(super) fn section(&mut self, title: &str, keep: f32) -> Result<(), RenderError> {
        self.y -= 8.0;
        self.ensure(20.0 + keep, None)?;
        self.section_title(title)
    }

    pub(super) fn section_title(&mut self, title: &str) -> Result<(), RenderError> {
        let accent = self.accent.clone();
        self.tags.open(Kind::H2, Attrs::default());
        for line in wrap(self.fonts, Style::Bold, 9.5, &title.to_uppercase(), self.content_width())? {
            self.text_at(self.left(), self.y - 9.0, 9.5, Style::Bold, &accent, &line)?;
            self.y -= 12.0;
        }
        self.tags.close();
        self.hrule(self.left(), self.content_width(), self.y - 0.5, 0.6, &accent);
        self.y -= 5.0;
        Ok(())
    }

    /// A bold line over a table (a framework's title).
    pub(super) fn subtitle(&mut self, text: &str) -> Result<(), RenderError> {
        self.tags.open(Kind::H3, Attrs::default());
        for line in wrap(self.fonts, Style::Bold, 9.0, text, self.content_width())? {
            self.text_at(self.left(), self.y - 9.0, 9.0, Style::Bold, &ink(), &line)?;
            self.y -= 11.5;
        }
        self.tags.close();
        self.y -= 1.0;
        Ok(())
    }

    /// Opens a table in the structure tree, prints its header (THead: a row of column headers, 14289-1
    /// 7.5) and opens its body; [`Writer::end_table`] closes it. A list (see [`Table::list`]) opens an L
    /// instead, under column titles drawn as an artifact.
    pub(super) fn begin_table(&mut self, table: &Table) -> Result<(), RenderError> {
        let attrs = Attrs { lang: table.lang.clone(), ..Attrs::default() };
        if table.list {
            self.artifact(|w| w.table_header(table))?;
            self.tags.open(Kind::L, attrs);
            return Ok(());
        }
        self.tags.open(Kind::Table, attrs);
        self.table_header(table)?;
        self.tags.open(Kind::TBody, Attrs::default());
        Ok(())
    }

    pub(super) fn end_table(&mut self, table: &Table) {
        self.tags.close();
        if !table.list {
            self.tags.close();
        }
    }

    pub(super) fn table_header(&mut self, table: &Table) -> Result<(), RenderError> {
        if table.header.is_empty() {
            return Ok(());
        }
        let mut x = self.left() + table.x;
        let baseline = self.y - 8.0;
        self.tags.open(Kind::THead, Attrs::default());
        self.tags.open(Kind::TR, Attrs::default());
        for (col, title) in table.cols.iter().zip(&table.header) {
            let attrs = Attrs { scope: Some(Scope::Column), ..Attrs::default() };
            self.tagged(Kind::TH, attrs, |w| {
                w.text_aligned((x + 3.0, col.width - 6.0, col.align), baseline, SMALL, Style::Bold, &muted(), title)
            })?;
            x += col.width;
        }
        self.tags.close();
        self.tags.close();
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
    /// In a list, the row is an item (LI: Lbl for the first cell, LBody for the others) left open for its
    /// children: [`Writer::end_item`] closes it.
    pub(super) fn row(&mut self, table: &Table, cells: &[Cell], keep: f32) -> Result<(), RenderError> {
        let laid = self.layout_cells(table, cells)?;
        let h = Self::row_height(cells, &laid);
        self.ensure(h + keep, Some(table))?;
        let first =
            cells.iter().zip(&laid).filter(|(_, (l, _))| !l.is_empty()).map(|(c, _)| c.size).fold(0.0, f32::max);
        let mut x = self.left() + table.x;
        self.tags.open(if table.list { Kind::LI } else { Kind::TR }, Attrs::default());
        let last = cells.len().min(table.cols.len()).saturating_sub(1);
        let mut body_open = false;
        for (i, ((cell, col), (lines, notes))) in cells.iter().zip(&table.cols).zip(&laid).enumerate() {
            if table.list {
                // A list item: its label (when it has one), then one body for the other cells, left open.
                if i == 0 && !lines.is_empty() {
                    self.tags.open(Kind::Lbl, Attrs::default());
                } else if !body_open {
                    self.tags.open(Kind::LBody, Attrs::default());
                    body_open = true;
                }
                // A cell after the first two (the level) is a span whose text alternative names its column,
                // the column title being an artifact ("Level 2", in the document's language).
                if let Some(title) = span_title(table, i, lines) {
                    let lang = table.lang.as_ref().map(|_| self.view.language.clone());
                    let alt = Some(format!("{title} {}", cell.text));
                    self.tags.open(Kind::Span, Attrs { alt, lang, ..Attrs::default() });
                }
            } else {
                // A row with fewer cells than columns: its last cell spans the rest (every row as wide: 7.2-42).
                let span = if i == last { table.cols.len() - i } else { 1 };
                let (kind, scope) = if cell.row_header { (Kind::TH, Some(Scope::Row)) } else { (Kind::TD, None) };
                self.tags.open(kind, Attrs { col_span: Some(span), scope, ..Attrs::default() });
            }
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
            // A table cell ends here, and a list item's label or span; a list item's body stays open.
            if !table.list || (i == 0 && !lines.is_empty()) || span_title(table, i, lines).is_some() {
                self.tags.close();
            }
            x += col.width;
        }
        if !table.list {
            self.tags.close();
        } else if !body_open {
            self.tags.open(Kind::LBody, Attrs::default());
        }
        self.y -= h;
        Ok(())
    }

    /// Closes a list item opened by [`Writer::row`] (its body, then the item), once its children are in it.
    pub(super) fn end_item(&mut self) {
        self.tags.close();
        self.tags.close();
    }

    /// A paragraph of wrapped text across the content width.
    pub(super) fn paragraph(
        &mut self,
        text: &str,
        size: f32,
        style: Style,
        color: &Color,
        indent: f32,
    ) -> Result<(), RenderError> {
        let lines = wrap(self.fonts, style, size, text, self.content_width() - indent)?;
        self.tags.open(Kind::P, Attrs::default());
        for line in lines {
            self.ensure(size * LEADING + 2.0, None)?;
            self.text_at(self.left() + indent, self.y - size, size, style, color, &line)?;
            self.y -= size * LEADING;
        }
        self.tags.close();
        Ok(())
    }
}

/// The column title a list item's cell is announced with (its third and later cells, when drawn).
fn span_title<'t, T>(table: &'t Table, i: usize, lines: &[T]) -> Option<&'t String> {
    table.header.get(i).filter(|t| table.list && i >= 2 && !t.is_empty() && !lines.is_empty())
}
