//! The academic record: terms with their bands, courses, and term and cumulative totals.

use super::super::RenderError;
use super::super::fonts::Style;
use super::super::labels::Labels;
use super::super::view::{CourseRow, Totals};
use super::table::{Align, Cell, Col, Table, band, ink, muted, rule};
use super::tags::{Attrs, Kind, Scope};
use super::writer::Writer;
use super::{BODY, LEADING, SMALL};

impl Writer<'_> {
    pub(super) fn academic_record(&mut self) -> Result<(), RenderError> {
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
            list: false,
            lang: None,
        };
        self.section(&table.title, 60.0)?;
        self.begin_table(&table)?;
        for term in &self.view.terms {
            let lines = term_total_lines(l, term.term_totals.as_ref(), term.transfer.as_ref(), &term.cumulative);
            let totals_h = lines.len() as f32 * (BODY * LEADING + 3.0) + 4.0;
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
            self.totals_rows(&table, &lines)?;
            self.term = None;
        }
        let totals = &self.view.totals;
        let mut lines = vec![(l.institution_totals.clone(), totals.institution, Style::Regular)];
        // Overall is printed where it differs from the institution's totals: with transfer credit.
        if let Some(transfer) = totals.transfer {
            lines.push((l.transfer_totals.clone(), transfer, Style::Regular));
            lines.push((l.overall_totals.clone(), totals.overall, Style::Bold));
        }
        self.ensure(16.0 + lines.len() as f32 * (BODY * LEADING + 3.0) + 4.0, Some(&table))?;
        self.term_band(&l.record_totals, None)?;
        self.totals_rows(&table, &lines)?;
        self.end_table(&table);
        self.y -= 2.0;
        for text in [l.marks_legend.clone(), l.totals_rule.clone()] {
            self.paragraph(&text, SMALL - 0.5, Style::Regular, &muted(), 0.0)?;
        }
        Ok(())
    }

    /// The shaded band that opens a term: its name, and the academic year at the right.
    /// In the structure tree, a row of one header cell across the table (the term and its year).
    pub(super) fn term_band(&mut self, name: &str, year: Option<&str>) -> Result<(), RenderError> {
        let w = self.content_width();
        self.fill(self.left(), self.y - 14.0, w, 14.0, &band());
        self.tags.open(Kind::TR, Attrs::default());
        let attrs = Attrs { scope: Some(Scope::Row), col_span: Some(COLUMNS), ..Attrs::default() };
        self.tags.open(Kind::TH, attrs);
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
        self.tags.close();
        self.tags.close();
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

    /// Totals lines under a rule: a label, credits attempted and earned, and the GPA.
    fn totals_rows(&mut self, table: &Table, lines: &[(String, Totals, Style)]) -> Result<(), RenderError> {
        let cols = &table.cols;
        let gpa_label = self.view.labels.gpa.clone();
        let (label_x, label_w) = (self.left() + cols[0].width, cols[1].width - 3.0);
        let att_x = label_x + cols[1].width;
        let earn_x = att_x + cols[2].width;
        let gpa_x = earn_x + cols[3].width;
        let gpa_w = cols[4].width + cols[5].width;
        self.ensure(lines.len() as f32 * (BODY * LEADING + 3.0) + 4.0, Some(table))?;
        self.hrule(att_x, cols[2].width + cols[3].width + gpa_w, self.y - 0.5, 0.4, &rule());
        self.y -= 2.0;
        for (label, totals, style) in lines {
            let (style, y) = (*style, self.y - BODY - 1.0);
            // A row: an empty cell under the course codes, the label as the row's header, credits
            // attempted and earned, and the GPA across the last two columns.
            self.tags.open(Kind::TR, Attrs::default());
            self.tagged(Kind::TD, Attrs::default(), |_| Ok(()))?;
            let attrs = Attrs { scope: Some(Scope::Row), ..Attrs::default() };
            self.tagged(Kind::TH, attrs, |w| {
                w.text_aligned((label_x, label_w, Align::Right), y, SMALL, style, &muted(), label)
            })?;
            let attempted = totals.attempted.to_string();
            self.tagged(Kind::TD, Attrs::default(), |w| {
                w.text_aligned((att_x, cols[2].width - 3.0, Align::Right), y, BODY, style, &ink(), &attempted)
            })?;
            let earned = totals.earned.to_string();
            self.tagged(Kind::TD, Attrs::default(), |w| {
                w.text_aligned((earn_x, cols[3].width - 3.0, Align::Right), y, BODY, style, &ink(), &earned)
            })?;
            let gpa = totals.gpa.map(|gpa| format!("{gpa_label} {gpa}")).unwrap_or_default();
            self.tagged(Kind::TD, Attrs { col_span: Some(COLUMNS - 4), ..Attrs::default() }, |w| {
                w.text_aligned((gpa_x + 8.0, gpa_w, Align::Left), y, BODY, style, &ink(), &gpa)
            })?;
            self.tags.close();
            self.y -= BODY * LEADING + 3.0;
        }
        self.y -= 4.0;
        Ok(())
    }
}

/// The columns of the academic record's table.
const COLUMNS: usize = 6;

/// The totals lines of a term: its courses at the institution, its transfer credit, and the
/// institution's cumulative totals (printed with the term's own).
fn term_total_lines(
    l: &Labels,
    term: Option<&Totals>,
    transfer: Option<&Totals>,
    cumulative: &Totals,
) -> Vec<(String, Totals, Style)> {
    let mut lines = Vec::new();
    lines.extend(term.map(|t| (l.term_totals.clone(), *t, Style::Regular)));
    lines.extend(transfer.map(|t| (l.transfer_totals.clone(), *t, Style::Regular)));
    if term.is_some() {
        lines.push((l.cumulative.clone(), *cumulative, Style::Bold));
    }
    lines
}
