//! The transcript's sections other than the academic record, and the body that lays them all out in order.

use printpdf::Color;

use super::super::RenderError;
use super::super::fonts::Style;
use super::super::labels::Section;
use super::super::text::{shape, wrap};
use super::lang;
use super::table::{Align, Cell, Col, Table, band, ink, muted, rule};
use super::tags::{Attrs, Kind, Scope};
use super::writer::Writer;
use super::{BODY, LEADING, QR_ID, SMALL};

impl Writer<'_> {
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
        // In the structure tree, a table of rows: the field's name (a row header) and its value.
        self.tags.open(Kind::Table, Attrs::default());
        // The name's language, where its script says it (the first row).
        let mut name_lang = lang::of_name(&learner.name, &self.view.language);
        for (label, lines, size) in &rows {
            self.tags.open(Kind::TR, Attrs::default());
            let attrs = Attrs { scope: Some(Scope::Row), ..Attrs::default() };
            let x = self.left() + pad;
            self.tagged(Kind::TH, attrs, |w| w.text_at(x, y - size + 0.5, SMALL, Style::Regular, &muted(), label))?;
            self.tags.open(Kind::TD, Attrs { lang: name_lang.take(), ..Attrs::default() });
            for line in lines {
                self.text_at(self.left() + pad + label_w, y - size, *size, Style::Bold, &ink(), line)?;
                y -= size * LEADING;
            }
            self.tags.close();
            self.tags.close();
            y -= 3.0;
        }
        self.tags.close();
        let qx = self.right() - pad - qr;
        self.qr_figure(qx, top - pad - qr, qr);
        let caption = self.view.labels.scan_to_verify.clone();
        self.tags.open(Kind::P, Attrs::default());
        self.text_aligned(
            (qx - 10.0, qr + 20.0, Align::Center),
            top - pad - qr - 6.5,
            6.5,
            Style::Regular,
            &muted(),
            &caption,
        )?;
        self.tags.close();
        self.y = top - h - 6.0;
        Ok(())
    }

    /// The verification QR code, as a figure whose text alternative names the address it encodes.
    fn qr_figure(&mut self, x: f32, y: f32, side: f32) {
        let alt = format!("{} {}", self.view.labels.qr_code, self.view.verification.url);
        self.tags.open(Kind::Figure, Attrs { alt: Some(alt), ..Attrs::default() });
        self.image(QR_ID, x, y, side, side);
        self.tags.close();
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
            list: false,
            lang: None,
        };
        self.section(&table.title, 30.0)?;
        self.begin_table(&table)?;
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
            let cells =
                [Cell::new(d.name.clone()).bold().size(9.5).note(detail).row_header(), Cell::new(right).note(honors)];
            self.row(&table, &cells, 0.0)?;
        }
        self.end_table(&table);
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
                list: true,
                lang: fw.language.as_deref().and_then(|tag| lang::declared(tag, &self.view.language)),
            };
            self.ensure(14.0 + 14.0 + 2.0 * BODY * LEADING, None)?;
            self.subtitle(&title)?;
            self.begin_table(&table)?;
            // The tree as nested lists (14289-1 7.2, ISO 32000-1 14.8.4.3.3): an item's children are a list
            // in its body. `open` holds, per level, whether that level's list has an open item.
            let mut open: Vec<bool> = vec![false];
            for (i, item) in fw.items.iter().enumerate() {
                let depth = usize::from(item.depth).min(open.len() - usize::from(!open[open.len() - 1]));
                while open.len() > depth + 1 {
                    if open.pop() == Some(true) {
                        self.end_item();
                    }
                    self.tags.close();
                }
                match open.len() == depth {
                    // The first child of the open item: a list in its body.
                    true => {
                        self.tags.open(Kind::L, Attrs::default());
                        open.push(false);
                    }
                    false if open[depth] => self.end_item(),
                    false => {}
                }
                open[depth] = true;
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
            while let Some(item_open) = open.pop() {
                if item_open {
                    self.end_item();
                }
                if !open.is_empty() {
                    self.tags.close();
                }
            }
            self.end_table(&table);
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
            list: false,
            lang: None,
        };
        self.section(&table.title, 40.0)?;
        self.begin_table(&table)?;
        for a in &self.view.achievements {
            let cells = [
                Cell::new(a.name.clone()),
                Cell::new(a.kind.clone()),
                Cell::new(a.awarded.clone()),
                Cell::new(a.result.clone().unwrap_or_default()),
            ];
            self.row(&table, &cells, 0.0)?;
        }
        self.end_table(&table);
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
        let table = Table { title: l.grading.clone(), subtitle: None, header, cols, x: 0.0, list: false, lang: None };
        self.section(&table.title, 50.0)?;
        let scale = self.view.grading.scale_name.clone();
        self.paragraph(&scale, BODY, Style::Regular, &ink(), 0.0)?;
        self.y -= 2.0;
        self.begin_table(&table)?;
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
        self.end_table(&table);
        Ok(())
    }

    fn verification(&mut self) -> Result<(), RenderError> {
        let l = &self.view.labels;
        let v = &self.view.verification;
        let qr = 70.0;
        let text_x = qr + 14.0;
        let text_w = self.content_width() - text_x;
        // (text, style, size, colour, whether it is the verification address: a link).
        let mut lines: Vec<(String, Style, f32, Color, bool)> = Vec::new();
        let mut fields = vec![
            (&l.verify_at, v.url.clone(), Style::Regular, true),
            (&l.clr_sha256, grouped(&v.clr_sha256), Style::Regular, false),
            (&l.issuer_did, v.issuer_did.clone(), Style::Regular, false),
        ];
        fields.extend(v.status_lists.iter().map(|list| (&l.status_list, list.clone(), Style::Regular, false)));
        for (label, value, style, link) in fields {
            lines.push((label.clone(), Style::Regular, SMALL, muted(), false));
            for line in wrap(self.fonts, style, BODY - 0.5, &value, text_w)? {
                lines.push((line, style, BODY - 0.5, ink(), link));
            }
        }
        let text_h: f32 = lines.iter().map(|(_, _, size, _, _)| size * LEADING + 0.6).sum();
        let mut statements = vec![l.authenticity.clone()];
        if !v.status_lists.is_empty() {
            statements.push(l.status_note.clone());
        }
        if self.attached {
            statements.push(l.attached.clone());
        }
        let mut statement_lines = 0;
        for statement in &statements {
            statement_lines += wrap(self.fonts, Style::Regular, SMALL, statement, self.content_width())?.len();
        }
        // The block, its statement and the end mark stay together.
        let keep = text_h.max(qr) + 6.0 + statement_lines as f32 * SMALL * LEADING + END_MARK_HEIGHT;
        self.section(&l.verification.clone(), keep)?;
        let top = self.y;
        self.qr_figure(self.left(), top - qr, qr);
        let mut y = top - 2.0;
        let link_text = format!("{} {}", l.verify_at, v.url);
        for (i, (line, style, size, color, link)) in lines.iter().enumerate() {
            if i > 0 && *color != ink() {
                y -= 2.0;
            }
            let x = self.left() + text_x;
            self.tagged(Kind::P, Attrs::default(), |w| {
                if !link {
                    return w.text_at(x, y - size, *size, *style, color, line).map(|_| ());
                }
                // The address is a link (ISO 32000-1 14.8.4.4.2: a Link element holding its text and annotation).
                w.tagged(Kind::Link, Attrs::default(), |w| {
                    let width = w.text_at(x, y - size, *size, *style, color, line)?;
                    let rect = [x, y - size * 1.3, x + width, y + size * 0.1];
                    w.tags.link(rect, &w.view.verification.url, &link_text);
                    Ok(())
                })
            })?;
            y -= size * LEADING + 0.6;
        }
        self.y = (top - qr).min(y) - 6.0;
        for statement in &statements {
            self.paragraph(statement, SMALL, Style::Regular, &muted(), 0.0)?;
        }
        Ok(())
    }

    fn end_mark(&mut self) -> Result<(), RenderError> {
        self.y -= 10.0;
        self.ensure(END_MARK_HEIGHT - 10.0, None)?;
        let text = self.view.labels.end_of_transcript.clone();
        let size = SMALL;
        let tw = shape(self.fonts, Style::Regular, &text)?.width_pt(size);
        let cx = self.left() + self.content_width() / 2.0;
        let y = self.y - size;
        self.tagged(Kind::P, Attrs::default(), |w| w.text_at(cx - tw / 2.0, y, size, Style::Regular, &muted(), &text))?;
        self.hrule(cx - tw / 2.0 - 70.0, 60.0, y + 2.5, 0.5, &rule());
        self.hrule(cx + tw / 2.0 + 10.0, 60.0, y + 2.5, 0.5, &rule());
        self.y -= 14.0;
        Ok(())
    }

    /// Lays out every page. Returns what a second layout needs to keep the last blocks together:
    /// the section to start on a new page, when this layout left the verification block or the
    /// end mark alone on the last page and the section before it is short enough to move.
    pub(super) fn body(&mut self) -> Result<Option<usize>, RenderError> {
        self.first_header()?;
        self.learner_block()?;
        let mut lonely = false;
        // The last section that drew something before the verification block, and its first page.
        let mut before_verification: Option<(usize, usize)> = None;
        for (k, section) in self.layout.sections.iter().enumerate() {
            let (pages, bytes) = (self.pages.len(), self.content.len());
            if self.break_before == Some(k) {
                self.new_page()?;
            }
            match section {
                Section::AcademicRecord => self.academic_record()?,
                Section::Degrees => self.degrees()?,
                Section::Competencies => self.competencies()?,
                Section::Achievements => self.achievements()?,
                Section::Grading => self.grading()?,
                Section::Verification => {
                    self.verification()?;
                    // The block is kept whole: a page started for it holds nothing else.
                    lonely |= self.pages.len() > pages;
                    continue;
                }
            }
            if (self.pages.len(), self.content.len()) != (pages, bytes) {
                before_verification = Some((k, pages));
            }
        }
        let pages = self.pages.len();
        self.end_mark()?;
        lonely |= self.pages.len() > pages;
        self.finish_page();
        self.footers()?;
        let last = self.pages.len() - 1;
        Ok(before_verification.filter(|&(_, first)| lonely && first + 1 >= last).map(|(k, _)| k))
    }
}

/// The end mark's height, the space above it included.
const END_MARK_HEIGHT: f32 = 24.0;

/// A hex digest in groups of eight, for people comparing it by eye.
fn grouped(hex: &str) -> String {
    let chars: Vec<char> = hex.chars().collect();
    chars.chunks(8).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_print_in_groups_of_eight() {
        assert_eq!(grouped("0123456789abcdef01"), "01234567 89abcdef 01");
    }
}
