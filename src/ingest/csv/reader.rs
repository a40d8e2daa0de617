//! Reading one registrar CSV table: decode, map headers, hand out rows whose
//! fields are parsed with a diagnostic (file:line:column) for every bad value.
//!
//! Rows are read field by field rather than deserialized into a struct with serde:
//! serde stops at a row's first bad field, and a registrar needs to see all of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use super::spec::TableSpec;
use crate::diag::{Code, Diagnostics, Origin};
use crate::ingest::text::{self, Delimiter, Encoding};
use crate::model::{Date, DateFormat};

/// How to read a table: encoding, delimiter, date format and the registrar's header names.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions<'a> {
    /// Text encoding.
    pub encoding: Encoding,
    /// Field delimiter.
    pub delimiter: Delimiter,
    /// Date format.
    pub date_format: DateFormat,
    /// Canonical column name → header in the file.
    pub mapping: Option<&'a BTreeMap<String, String>>,
}

/// Where each canonical column is in a file (1-based field numbers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnIndex {
    file: PathBuf,
    columns: BTreeMap<&'static str, usize>,
}

impl ColumnIndex {
    /// The position of `column` on `line`: with a column number when the file has that column.
    pub fn origin(&self, line: u64, column: &str) -> Origin {
        match self.columns.get(column) {
            Some(&index) => Origin::at(&self.file, line, index as u64 + 1),
            None => Origin::line(&self.file, line),
        }
    }
}

/// One data row.
pub struct Row<'a> {
    record: &'a StringRecord,
    line: u64,
    index: &'a ColumnIndex,
    spec: &'a TableSpec,
    date_format: DateFormat,
    skipped: bool,
}

impl Row<'_> {
    /// Whether the row was reported and is not to be read: its field count differs from the header's, so its
    /// fields may be shifted. [`Row::text`] still gives what stands in a column's place.
    pub fn is_skipped(&self) -> bool {
        self.skipped
    }

    /// The 1-based line the row starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The row's position (file:line).
    pub fn origin(&self) -> Origin {
        Origin::line(&self.index.file, self.line)
    }

    /// The position of one of its fields (file:line:column).
    pub fn origin_of(&self, column: &str) -> Origin {
        self.index.origin(self.line, column)
    }

    /// The trimmed text of a column; `None` if the file has no such column or the field is empty.
    pub fn text(&self, column: &str) -> Option<String> {
        let &i = self.index.columns.get(column)?;
        let value = self.record.get(i)?.trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    /// A required value: reports `MissingValue` when empty.
    pub fn required(&self, column: &str, diags: &mut Diagnostics) -> Option<String> {
        let value = self.text(column);
        if value.is_none() {
            diags
                .error(Code::MissingValue, self.origin_of(column), format!("{} is empty", self.describe(column)))
                .help(format!("every row of {} needs a {column}", self.spec.file));
        }
        value
    }

    /// A number; `None` when empty, and reports `BadNumber` when it is not a finite, non-negative number.
    pub fn number(&self, column: &str, diags: &mut Diagnostics) -> Option<f64> {
        let text = self.text(column)?;
        match text.replace(',', ".").parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Some(n),
            _ => {
                diags
                    .error(
                        Code::BadNumber,
                        self.origin_of(column),
                        format!("{} is {text:?}, not a non-negative number", self.describe(column)),
                    )
                    .help("write a decimal number such as 3 or 4.5");
                None
            }
        }
    }

    /// A date; `None` when empty, and reports `BadDate` when it is not a date in the configured format.
    pub fn date(&self, column: &str, diags: &mut Diagnostics) -> Option<Date> {
        let text = self.text(column)?;
        let date = Date::parse(&text, self.date_format);
        if date.is_none() {
            let format = match self.date_format {
                DateFormat::Iso => "YYYY-MM-DD",
                DateFormat::Us => "MM/DD/YYYY",
                DateFormat::Eu => "DD.MM.YYYY",
            };
            diags
                .error(
                    Code::BadDate,
                    self.origin_of(column),
                    format!("{} is {text:?}, not a valid date", self.describe(column)),
                )
                .help(format!(
                    "write a calendar date as {format} (set [input] date_format in institution.toml for another format)"
                ));
        }
        date
    }

    /// A yes/no flag; empty is no. Reports `BadFlag` for anything else.
    pub fn flag(&self, column: &str, diags: &mut Diagnostics) -> bool {
        let Some(text) = self.text(column) else { return false };
        match text.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "1" | "x" => true,
            "n" | "no" | "false" | "0" => false,
            _ => {
                diags
                    .error(
                        Code::BadFlag,
                        self.origin_of(column),
                        format!("{} is {text:?}, not a yes/no flag", self.describe(column)),
                    )
                    .help("write Y or N (also accepted: yes/no, true/false, 1/0, X/empty)");
                false
            }
        }
    }

    /// A semicolon-separated list, trimmed, empty entries dropped.
    pub fn list(&self, column: &str) -> Vec<String> {
        self.text(column).map_or_else(Vec::new, |t| {
            t.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        })
    }

    /// A required value from the column's list of allowed values (case-insensitive); reports `BadValue`.
    pub fn choice(&self, column: &str, diags: &mut Diagnostics) -> Option<String> {
        let text = self.required(column, diags)?;
        let allowed = self.spec.column(column).map_or(&[][..], |c| c.values);
        let normal = text.to_ascii_lowercase().replace(['-', '_', ' '], "");
        match allowed.iter().find(|v| **v == normal) {
            Some(v) => Some((*v).to_string()),
            None => {
                diags
                    .error(Code::BadValue, self.origin_of(column), format!("{} is {text:?}", self.describe(column)))
                    .help(format!("use one of: {}", allowed.join(", ")));
                None
            }
        }
    }

    fn describe(&self, column: &str) -> String {
        format!("{column} ({})", self.spec.file)
    }
}

/// Reads a whole table, calling `on_row` for each well-formed data row.
/// Returns where its columns are, or `None` when the table cannot be read at all
/// (undecodable, or a required column missing). A row with the wrong number of fields is reported, then still
/// given to `on_row` marked as skipped ([`Row::is_skipped`]), so its learner can be told apart.
pub fn read_table(
    spec: &TableSpec,
    bytes: &[u8],
    file: &Path,
    options: &ReadOptions<'_>,
    diags: &mut Diagnostics,
    mut on_row: impl FnMut(&Row<'_>, &mut Diagnostics),
) -> Option<ColumnIndex> {
    let decoded = match text::decode(bytes, options.encoding) {
        Ok(d) => d,
        Err(e) => {
            diags
                .error(Code::Encoding, Origin::line(file, e.line), e.to_string())
                .help("save the file as UTF-8, or declare its encoding in institution.toml: [input] encoding = \"windows-1252\"");
            return None;
        }
    };
    let delimiter = options.delimiter.resolve(&decoded.text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(decoded.text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.error(Code::MalformedRow, Origin::line(file, 1), format!("the header row cannot be read: {e}"));
            return None;
        }
    };
    let index = index_columns(spec, &headers, file, options, diags)?;
    let mut record = StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                diags.error(
                    Code::MalformedRow,
                    Origin::line(file, line),
                    format!("the row cannot be read as CSV: {e}"),
                );
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            diags
                .error(
                    Code::MalformedRow,
                    Origin::line(file, line),
                    format!(
                        "the row has {} fields but the header has {}; the row is skipped",
                        record.len(),
                        headers.len()
                    ),
                )
                .help("quote values that contain the delimiter, e.g. \"Smith, Jr.\"");
        }
        let skipped = record.len() != headers.len();
        let row = Row { record: &record, line, index: &index, spec, date_format: options.date_format, skipped };
        on_row(&row, diags);
    }
    Some(index)
}

/// Finds each canonical column's header (through the mapping), reporting missing
/// required columns (error) and unused headers (warning).
fn index_columns(
    spec: &TableSpec,
    headers: &StringRecord,
    file: &Path,
    options: &ReadOptions<'_>,
    diags: &mut Diagnostics,
) -> Option<ColumnIndex> {
    let normal = |s: &str| s.trim().to_lowercase();
    let mut columns = BTreeMap::new();
    let mut missing = false;
    for column in spec.columns {
        let header = options.mapping.and_then(|m| m.get(column.name)).map_or(column.name, String::as_str);
        match headers.iter().position(|h| normal(h) == normal(header)) {
            Some(i) => {
                columns.insert(column.name, i);
            }
            None if column.required => {
                missing = true;
                let mapped =
                    if header == column.name { String::new() } else { format!(" (mapped to header {header:?})") };
                diags.error(Code::MissingColumn, Origin::line(file, 1), format!("required column {}{mapped} is missing", column.name)).help(format!(
                    "add the column, or map your export's header to it in institution.toml: [columns.{}] {} = \"YOUR HEADER\"",
                    spec.name, column.name
                ));
            }
            None => {}
        }
    }
    let unused: Vec<String> = headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !columns.values().any(|c| c == i) && !h.trim().is_empty())
        .map(|(_, h)| format!("{h:?}"))
        .collect();
    if !unused.is_empty() {
        diags
            .warning(
                Code::UnknownColumn,
                Origin::line(file, 1),
                format!("columns not used (ignored): {}", unused.join(", ")),
            )
            .help(format!(
                "map a header to a column of {} in institution.toml under [columns.{}] if it was meant to be read",
                spec.file, spec.name
            ));
    }
    // A required column being absent makes every row unreadable: stop here, once.
    (!missing).then(|| ColumnIndex { file: file.to_path_buf(), columns })
}
