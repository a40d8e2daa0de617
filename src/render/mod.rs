//! The human-readable transcript: one typed view model ([`TranscriptView`]) rendered
//! to PDF ([`pdf`], printpdf) and HTML ([`html`], tera). Both are pure functions
//! returning bytes: templates, labels and fonts come in as values, read at the edge.
//!
//! - [`view`]: the view model, filled from the assembled transcript by the caller.
//! - [`Templates`]: `templates/` embedded in the binary, with per-file overrides.
//! - [`Fonts`]: DejaVu built in, fallback fonts for CJK found at Debian paths
//!   ([`load_fonts`]).
//! - [`logo_from_file`]: the institution's logo (JPEG or PNG), checked once per run.
//! - The PDF: A4 or Letter, a registrar's order (institution header, learner block with
//!   the verification QR code, academic record by term with term and cumulative totals,
//!   degrees, competencies, badges and certificates, grading scale, verification),
//!   "Page N of M" on every page, repeated table headers, wrapped titles, embedded and
//!   subset fonts, real text (bidi-reordered and Arabic-shaped, extractable in logical
//!   order), metadata (title, author = institution, creation date = issue date,
//!   language), and the same bytes for the same input.

mod fonts;
mod labels;
mod logo;
mod pdf;
mod qr;
mod sample;
mod templates;
mod text;
mod transcript;
pub mod view;

use std::fmt;

pub use fonts::{DEBIAN_FALLBACKS, FallbackCandidate, FontWarning, Fonts, Script, load_fonts};
pub use labels::{Labels, Layout, PageSize, Section};
pub use logo::logo_from_file;
pub use pdf::{Attachment, CLR_MEDIA_TYPE, CLR_NAME, Relationship, attachment, pdf, pdf_with};
pub use templates::Templates;
pub use transcript::{Verification, transcript_view};
pub use view::{
    AchievementView, CompetencyRow, CourseRow, DegreeView, Fixed, FrameworkView, GradeRow, GradingLegend,
    IdentifierView, InstitutionView, LearnerView, Logo, TermView, Totals, TranscriptView, VerificationView,
};

/// Rendering shares these across threads (one copy per run, read by every worker).
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Fonts>();
    shared::<Templates>();
    shared::<Layout>();
};

/// Why a transcript could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// A template, labels or layout file is not valid.
    Template {
        /// The file.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A font file could not be read or parsed.
    Font {
        /// The font (file name).
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The logo file is not a JPEG or PNG image that can be printed.
    Logo {
        /// What is wrong.
        message: String,
    },
    /// Text has characters no loaded font has: printing it would show boxes.
    MissingGlyphs {
        /// The text.
        text: String,
        /// The characters no font has.
        chars: Vec<char>,
    },
    /// The verification URL does not fit in a QR code.
    Qr(String),
    /// The PDF could not be written.
    Pdf(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Template { name, message } => write!(f, "template {name}: {message}"),
            RenderError::Font { name, message } => write!(f, "font {name}: {message}"),
            RenderError::Logo { message } => write!(f, "logo: {message}"),
            RenderError::MissingGlyphs { text, chars } => {
                let list: Vec<String> = chars.iter().map(|c| format!("{c} (U+{:04X})", u32::from(*c))).collect();
                write!(
                    f,
                    "cannot print {text:?}: no font has {}; install a fallback font (Debian: fonts-wqy-microhei \
                     for Chinese, Japanese and Korean) or name one that has these characters",
                    list.join(", ")
                )
            }
            RenderError::Qr(message) => write!(f, "QR code: {message}"),
            RenderError::Pdf(message) => write!(f, "PDF: {message}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// Renders the HTML view of a transcript with `templates` (`transcript.html`).
pub fn html(view: &TranscriptView, templates: &Templates) -> Result<String, RenderError> {
    templates.render_html(view)
}
