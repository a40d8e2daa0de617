//! Tables and their cells (columns, alignment, text style), the colours, and the fonts' resource names.

use printpdf::{Color, Greyscale, Rgb};

use super::super::fonts::Style;
use super::super::text::Shaped;
use super::BODY;

/// Horizontal alignment in a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Align {
    Left,
    Right,
    Center,
}

/// A table column.
#[derive(Debug, Clone)]
pub(super) struct Col {
    pub(super) width: f32,
    pub(super) align: Align,
}

/// A table whose header repeats on every page it crosses.
#[derive(Debug, Clone)]
pub(super) struct Table {
    /// The section title printed again, with "(continued)", above a repeated header.
    pub(super) title: String,
    /// A line printed again under it (e.g. the framework of a competency table).
    pub(super) subtitle: Option<String>,
    /// Column titles (an empty list: no header row).
    pub(super) header: Vec<String>,
    pub(super) cols: Vec<Col>,
    /// Indent of the table from the left margin.
    pub(super) x: f32,
    /// Whether its rows are the items of a list (a competency tree), tagged L / LI / Lbl / LBody rather
    /// than as a table: the first cell is the item's label, the others its body, and the column titles
    /// are for the eye only (an artifact).
    pub(super) list: bool,
    /// The language of its text when it is not the document's (BCP 47: /Lang on the table or list).
    pub(super) lang: Option<String>,
}

/// The wrapped lines of a cell: its text, then its note.
pub(super) type CellLines = (Vec<Shaped>, Vec<Shaped>);

/// The text of a cell.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub(super) text: String,
    pub(super) style: Style,
    pub(super) size: f32,
    pub(super) color: Color,
    /// A smaller muted line under the text (e.g. where transfer credit was earned).
    pub(super) note: Option<String>,
    /// Extra left indent inside the cell.
    pub(super) indent: f32,
    /// The row's header (tagged TH with Scope Row), for tables without a header row.
    pub(super) row_header: bool,
}

impl Cell {
    pub(super) fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            style: Style::Regular,
            size: BODY,
            color: ink(),
            note: None,
            indent: 0.0,
            row_header: false,
        }
    }
    pub(super) fn bold(mut self) -> Cell {
        self.style = Style::Bold;
        self
    }
    pub(super) fn size(mut self, size: f32) -> Cell {
        self.size = size;
        self
    }
    pub(super) fn color(mut self, color: Color) -> Cell {
        self.color = color;
        self
    }
    pub(super) fn note(mut self, note: Option<String>) -> Cell {
        self.note = note;
        self
    }
    pub(super) fn row_header(mut self) -> Cell {
        self.row_header = true;
        self
    }
    pub(super) fn indent(mut self, indent: f32) -> Cell {
        self.indent = indent;
        self
    }
}

fn gray(g: f32) -> Color {
    Color::Greyscale(Greyscale { percent: g, icc_profile: None })
}
pub(super) fn ink() -> Color {
    gray(0.08)
}
pub(super) fn muted() -> Color {
    gray(0.36)
}
pub(super) fn rule() -> Color {
    gray(0.72)
}
/// The specimen mark's red.
pub(super) fn specimen_red() -> Color {
    Color::Rgb(Rgb { r: 0.70, g: 0.05, b: 0.05, icc_profile: None })
}
pub(super) fn band() -> Color {
    Color::Rgb(Rgb { r: 0.925, g: 0.94, b: 0.96, icc_profile: None })
}

/// The PDF resource name of a face: six capitals, so that viewers see the subset tag.
pub(super) fn font_tag(face: usize) -> String {
    let a = char::from(b'A' + (face / 26 % 26) as u8);
    let b = char::from(b'A' + (face % 26) as u8);
    format!("XTRA{a}{b}")
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
}
