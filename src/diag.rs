//! Diagnostics as data: every problem found in the input, with where it is,
//! a stable code and what to do about it.
//!
//! Parsers never stop at the first problem: they push into a [`Diagnostics`]
//! list and go on, so a registrar sees everything wrong with a file at once.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a diagnostic is. Errors reject records (exit status 1); warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The record (or file) cannot be used as it is.
    Error,
    /// Suspicious but usable.
    Warning,
}

/// Where in the input a diagnostic points: a file, and a 1-based line and column when known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Origin {
    /// The file, as the user named it (or as found under the input directory).
    pub file: PathBuf,
    /// 1-based line number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column: a character column for text formats, a field number for CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
}

impl Origin {
    /// A whole file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Origin { file: file.into(), line: None, column: None }
    }

    /// A line of a file.
    pub fn line(file: impl Into<PathBuf>, line: u64) -> Self {
        Origin { file: file.into(), line: Some(line), column: None }
    }

    /// A line and column of a file.
    pub fn at(file: impl Into<PathBuf>, line: u64, column: u64) -> Self {
        Origin { file: file.into(), line: Some(line), column: Some(column) }
    }

    /// The same place with another column.
    pub fn with_column(&self, column: u64) -> Self {
        Origin { column: Some(column), ..self.clone() }
    }

    /// The path of the file.
    pub fn path(&self) -> &Path {
        &self.file
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", escape_controls(&self.file.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $slug:literal; )*) => {
        /// Stable diagnostic codes. The `XTnnnn` id and the slug never change meaning;
        /// new problems get new codes. The README lists them all.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in id order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable id, e.g. `XT0208`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// A short kebab-case name, e.g. `unknown-learner`.
            pub fn slug(self) -> &'static str {
                match self { $(Code::$variant => $slug,)* }
            }
        }
    };
}

codes! {
    // --- files and encodings: XT00xx
    /// A file or directory could not be read.
    Io = "XT0001", "io-error";
    /// A text file is not in a supported encoding.
    Encoding = "XT0002", "bad-encoding";
    /// A required input file is missing.
    MissingFile = "XT0003", "missing-file";
    /// A file in the input directory that xtranscript does not know what to do with.
    UnknownFile = "XT0004", "unknown-file";
    /// An input path is neither an input directory nor a PESC or CASE file.
    UnknownInput = "XT0005", "unknown-input";
    /// A path with nothing xtranscript can use in it (a README, an empty directory).
    NoInput = "XT0006", "no-input";

    // --- institution.toml: XT01xx
    /// institution.toml is not valid TOML or does not have the expected shape.
    ConfigSyntax = "XT0101", "config-syntax";
    /// institution.toml is well-formed but a value in it is not acceptable.
    ConfigValue = "XT0102", "config-value";

    // --- registrar CSV: XT02xx
    /// A required column is not in the header (after the column mapping).
    MissingColumn = "XT0201", "missing-column";
    /// A row could not be read as CSV (quoting, wrong number of fields).
    MalformedRow = "XT0202", "malformed-row";
    /// A required value is empty.
    MissingValue = "XT0203", "missing-value";
    /// A value is not a number.
    BadNumber = "XT0204", "bad-number";
    /// A value is not a date.
    BadDate = "XT0205", "bad-date";
    /// A value is not a yes/no flag.
    BadFlag = "XT0206", "bad-flag";
    /// A key appears twice.
    DuplicateKey = "XT0207", "duplicate-key";
    /// A learner id that is not in learners.csv (or a PESC file).
    UnknownLearner = "XT0208", "unknown-learner";
    /// A term id that is not in terms.csv.
    UnknownTerm = "XT0209", "unknown-term";
    /// A course id that is not in the course catalog.
    UnknownCourse = "XT0210", "unknown-course";
    /// An achievement id that is not in achievements.csv.
    UnknownAchievement = "XT0211", "unknown-achievement";
    /// A grade that the institution's grading scale does not define.
    UnknownGrade = "XT0212", "unknown-grade";
    /// A value outside its list of allowed values.
    BadValue = "XT0213", "bad-value";
    /// Values that contradict each other (end before start, earned more than attempted …).
    Inconsistent = "XT0214", "inconsistent";
    /// A column that xtranscript does not use (ignored).
    UnknownColumn = "XT0215", "unknown-column";

    // --- PESC College Transcript XML: XT03xx
    /// The XML is not well-formed.
    XmlSyntax = "XT0301", "xml-syntax";
    /// A DTD or entity declaration (refused, never expanded).
    XmlDtd = "XT0302", "xml-dtd-refused";
    /// The root element is not a PESC College Transcript or a batch of them.
    NotPescTranscript = "XT0303", "not-a-pesc-transcript";
    /// An element that a usable transcript needs is missing.
    MissingElement = "XT0304", "missing-element";
    /// An element's text is not of the expected kind (number, date, code).
    BadElementValue = "XT0305", "bad-element-value";

    // --- CASE frameworks: XT04xx
    /// The JSON is not well-formed.
    JsonSyntax = "XT0401", "json-syntax";
    /// The JSON does not have the shape of a CASE CFPackage.
    CaseShape = "XT0402", "case-shape";
    /// An association type that CASE does not define.
    UnknownAssociationType = "XT0403", "unknown-association-type";
    /// An identifier used twice within one framework.
    DuplicateIdentifier = "XT0404", "duplicate-identifier";
    /// An association whose end is neither an item of the package nor a URI.
    DanglingAssociation = "XT0405", "dangling-association";

    // --- the competency graph: XT05xx
    /// A cycle in isChildOf or precedes.
    Cycle = "XT0501", "cycle";
    /// An alignment to a competency that no loaded framework has.
    UnknownCompetency = "XT0502", "unknown-competency";
    /// The same identifier in two frameworks.
    DuplicateAcrossFrameworks = "XT0503", "duplicate-across-frameworks";
    /// A competency item that no framework root reaches.
    Unreachable = "XT0504", "unreachable-item";
    /// A competency reference that matches more than one item.
    AmbiguousCompetency = "XT0505", "ambiguous-competency";

    // --- what a build makes of the inputs: XT06xx
    /// A learner id that cannot name an output directory (too long once made safe, control characters).
    BadLearnerId = "XT0601", "bad-learner-id";
    /// Learner ids whose directories collide on a case-insensitive file system.
    LearnerIdCollision = "XT0602", "learner-id-collision";
    /// A learner's transcript cannot be rendered (text no loaded font can print, a template error).
    Unrenderable = "XT0603", "unrenderable";
    /// A font file that cannot be read or used.
    BadFont = "XT0604", "bad-font";
    /// A logo that cannot be read or printed.
    BadLogo = "XT0605", "bad-logo";
    /// A key file that cannot be used to sign.
    BadKey = "XT0606", "bad-key";
    /// A key file readable by others than its owner (warning).
    KeyPermissions = "XT0607", "key-permissions";
    /// A template override that cannot be read or used.
    BadTemplate = "XT0608", "bad-template";
    /// An achievement's image_file that is missing or not a regular file.
    BadgeImageMissing = "XT0609", "badge-image-missing";
    /// An achievement's image_file that cannot be baked: too large, not a PNG or SVG, malformed, already baked.
    BadBadgeImage = "XT0610", "bad-badge-image";
    // --- outputs: XT07xx
    /// A value longer than PESC College Transcript allows: cut in transcript.xml.
    PescTooLong = "XT0701", "pesc-value-too-long";
    // --- the published site: XT08xx
    /// The site secret (`XTRANSCRIPT_SITE_SECRET`, `[site] secret_file`) is missing, unreadable or too short.
    SiteSecret = "XT0801", "site-secret";
    /// Verification URLs end with the CLR's id, which anyone who knows a student number can compute (warning).
    EnumerableUrl = "XT0802", "enumerable-verification-url";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// Where it is, when it is somewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: Code, origin: impl Into<Option<Origin>>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, code, origin: origin.into(), message: message.into(), help: None }
    }

    /// A new warning.
    pub fn warning(code: Code, origin: impl Into<Option<Origin>>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, origin, message) }
    }

    /// Adds advice on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: XT0208: error: message` and, on the next line, `  help: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(origin) = &self.origin {
            write!(f, "{origin}: ")?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {severity}: {}", self.code.id(), escape_controls(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", escape_controls(help))?;
        }
        Ok(())
    }
}

impl Diagnostic {
    /// `file:line:column: XT0601: message` on one line (no severity, no help): how a learner's failure names the
    /// diagnostic that caused it, in the manifest and on stderr.
    pub fn summary(&self) -> String {
        let place = self.origin.as_ref().map(|o| format!("{o}: ")).unwrap_or_default();
        format!("{place}{}: {}", self.code.id(), escape_controls(&self.message))
    }
}

/// `text` with its control characters (NUL, escape, newlines …) written as `\u{…}`, so that hostile input never
/// reaches a terminal raw.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// A list of diagnostics, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds an error and returns it for chaining help onto it.
    pub fn error(
        &mut self,
        code: Code,
        origin: impl Into<Option<Origin>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.0.push(Diagnostic::error(code, origin, message));
        self.0.last_mut().expect("just pushed")
    }

    /// Adds a warning and returns it for chaining help onto it.
    pub fn warning(
        &mut self,
        code: Code,
        origin: impl Into<Option<Origin>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.0.push(Diagnostic::warning(code, origin, message));
        self.0.last_mut().expect("just pushed")
    }

    /// Moves all of `other` in.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// All of them.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many errors there are.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Whether any diagnostic added after the first `len` is an error (`len` from an earlier [`Self::len`]).
    pub fn errors_since(&self, len: usize) -> bool {
        self.0.get(len..).is_some_and(|new| new.iter().any(|d| d.severity == Severity::Error))
    }

    /// How many warnings there are.
    pub fn warning_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// Sorts by file, line and column, keeping the found order among equals,
    /// so output does not depend on the order files were read in.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| a.origin.cmp(&b.origin));
    }

    /// The diagnostics, consumed.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl Diagnostic {
    /// Sets the help text in place (for use on the `&mut` that [`Diagnostics::error`] returns).
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
}

/// Where the lines of a text start, and how many characters precede every `LineIndex::STRIDE`-th byte, for
/// many offset → (line, column) look-ups in O(log lines + STRIDE) each, however long a line is (a minified JSON
/// file is one line).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// `chars[k]`: the characters in `text[..k * STRIDE]` (counted as the bytes that start one).
    chars: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Bytes between character-count checkpoints.
    const STRIDE: usize = 1024;

    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1))
            .collect();
        let mut chars = Vec::with_capacity(text.len() / Self::STRIDE + 1);
        let mut count = 0;
        chars.push(0);
        for block in text.as_bytes().chunks(Self::STRIDE) {
            count += char_starts(block);
            chars.push(count);
        }
        LineIndex { text, starts, chars }
    }

    /// The characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / Self::STRIDE;
        self.chars[block] + char_starts(&self.text.as_bytes()[block * Self::STRIDE..offset])
    }

    /// The 1-based (line, column) of byte `offset`, columns in characters.
    pub fn line_column(&self, offset: usize) -> (u64, u64) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = if offset - start <= Self::STRIDE {
            char_starts(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (line as u64 + 1, column as u64 + 1)
    }
}

/// The characters that start in `bytes` (UTF-8: every byte but continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Turns a byte offset into a 1-based (line, column) pair, counting columns in characters.
/// For many look-ups in one text, use [`LineIndex`].
pub fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() as u64 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_position_code_and_help() {
        let d =
            Diagnostic::error(Code::UnknownLearner, Origin::at("x/course_records.csv", 3, 1), "unknown learner \"S9\"")
                .with_help("add the learner to learners.csv");
        assert_eq!(
            d.to_string(),
            "x/course_records.csv:3:1: XT0208: error: unknown learner \"S9\"\n  help: add the learner to learners.csv"
        );
    }

    #[test]
    fn control_characters_never_reach_the_terminal_raw() {
        let d =
            Diagnostic::error(Code::BadLearnerId, Origin::line("x/learners.csv", 2), "learner id \"a\0b\u{1b}[2J\"")
                .with_help("fix\nit");
        let shown = d.to_string();
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        assert!(shown.contains("a\\u{0}b\\u{1b}[2J"), "{shown}");
        assert!(shown.ends_with("help: fix\\u{a}it"), "{shown}");
        assert_eq!(d.summary(), "x/learners.csv:2: XT0601: learner id \"a\\u{0}b\\u{1b}[2J\"");
    }

    #[test]
    fn codes_are_unique() {
        let mut ids: Vec<_> = Code::ALL.iter().map(|c| c.id()).collect();
        let mut slugs: Vec<_> = Code::ALL.iter().map(|c| c.slug()).collect();
        ids.sort();
        slugs.sort();
        let n = ids.len();
        ids.dedup();
        slugs.dedup();
        assert_eq!(ids.len(), n);
        assert_eq!(slugs.len(), n);
    }

    #[test]
    fn readme_lists_every_code() {
        let readme = include_str!("../README.md");
        for code in Code::ALL {
            let row = format!("| {} | {} |", code.id(), code.slug());
            assert!(readme.contains(&row), "README.md lacks the row {row}");
        }
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "ab\nçd\nef";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 5), (2, 2)); // after the two-byte ç
        assert_eq!(line_column(text, 100), (3, 3));
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 1 {
            if text.is_char_boundary(offset.min(text.len())) {
                assert_eq!(index.line_column(offset), line_column(text, offset), "offset {offset}");
            }
        }
    }

    #[test]
    fn line_index_is_exact_on_one_long_line() {
        // Minified JSON: one line of 300 KB, multi-byte characters across checkpoints.
        let text = format!("{}\n{}", "é".repeat(10), "aé中😀".repeat(30_000));
        let index = LineIndex::new(&text);
        for offset in (0..text.len()).step_by(997).chain([text.len()]) {
            if text.is_char_boundary(offset) {
                assert_eq!(index.line_column(offset), line_column(&text, offset), "offset {offset}");
            }
        }
    }
}
