//! The templates: embedded in the binary, each replaceable by an institution's own
//! file (`--templates DIR`; the caller reads the directory, render never touches the
//! file system).
//!
//! | file | what it is | an override … |
//! | --- | --- | --- |
//! | `transcript.html` | the tera template of the HTML view | replaces it |
//! | `style.css` | the HTML view's style sheet, included by `transcript.html` | replaces it |
//! | `labels.toml` | every printed label (PDF and HTML) | changes only the keys it names |
//! | `layout.toml` | PDF layout choices: paper, accent colour, section order | changes only the keys it names |
//!
//! Other `.html` files of an override directory are added as templates `transcript.html` may include.

use std::collections::BTreeMap;

use tera::{Context, Tera};

use super::RenderError;
use super::labels::{Labels, Layout, merged};
use super::view::{Logo, TranscriptView};

const TRANSCRIPT_HTML: &str = include_str!("../../templates/transcript.html");
const STYLE_CSS: &str = include_str!("../../templates/style.css");
const LABELS_TOML: &str = include_str!("../../templates/labels.toml");
const LAYOUT_TOML: &str = include_str!("../../templates/layout.toml");

/// The template set: tera templates for HTML, labels and layout for both outputs.
#[derive(Clone)]
pub struct Templates {
    tera: Tera,
    labels: Labels,
    layout: Layout,
    overridden: Vec<String>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").field("overridden", &self.overridden).finish_non_exhaustive()
    }
}

impl Templates {
    /// The templates built into the binary.
    pub fn embedded() -> Templates {
        Templates::build(&BTreeMap::new()).expect("the embedded templates are valid (tested)")
    }

    /// The embedded templates with an institution's files in their place: `files` maps a
    /// file name (`transcript.html`, `labels.toml` …) to its already-read text.
    pub fn with_overrides<I, K, V>(files: I) -> Result<Templates, RenderError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let files: BTreeMap<String, String> = files.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        for name in files.keys() {
            let known = matches!(name.as_str(), "transcript.html" | "style.css" | "labels.toml" | "layout.toml");
            if !known && !name.ends_with(".html") {
                return Err(RenderError::Template {
                    name: name.clone(),
                    message: "not a template xtranscript knows (transcript.html, style.css, labels.toml, \
                              layout.toml, or an .html file transcript.html includes)"
                        .to_string(),
                });
            }
        }
        Templates::build(&files)
    }

    fn build(files: &BTreeMap<String, String>) -> Result<Templates, RenderError> {
        let file = |name: &str, default: &'static str| files.get(name).map_or(default, String::as_str);
        let labels = merged("labels.toml", LABELS_TOML, files.get("labels.toml").map(String::as_str))?;
        let layout = merged("layout.toml", LAYOUT_TOML, files.get("layout.toml").map(String::as_str))?;
        let mut tera = Tera::new();
        let mut sources: Vec<(&str, &str)> = vec![
            ("transcript.html", file("transcript.html", TRANSCRIPT_HTML)),
            ("style.css", file("style.css", STYLE_CSS)),
        ];
        for (name, text) in files {
            if name.ends_with(".html") && name != "transcript.html" {
                sources.push((name, text));
            }
        }
        tera.add_raw_templates(sources)
            .map_err(|e| RenderError::Template { name: "transcript.html".to_string(), message: tera_message(&e) })?;
        Ok(Templates { tera, labels, layout, overridden: files.keys().cloned().collect() })
    }

    /// The labels (embedded, with the override's keys in place).
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// The PDF layout choices.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The names of the files an override replaced.
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }

    /// Renders the HTML view.
    pub(crate) fn render_html(&self, view: &TranscriptView) -> Result<String, RenderError> {
        let mut context = Context::from_serialize(view)
            .map_err(|e| RenderError::Template { name: "transcript.html".to_string(), message: tera_message(&e) })?;
        context.insert("layout", &self.layout);
        context.insert("qr_svg", &super::qr::qr_svg(&view.verification.url)?);
        let file = match &view.institution.logo {
            Some(Logo::Jpeg(bytes)) => Some(("image/jpeg", bytes)),
            Some(Logo::Png { file, .. }) => Some(("image/png", file)),
            Some(Logo::Raw { .. }) | None => None,
        };
        if let Some((media_type, bytes)) = file {
            context.insert("logo_data_uri", &format!("data:{media_type};base64,{}", base64(bytes)));
        }
        self.tera
            .render("transcript.html", &context)
            .map_err(|e| RenderError::Template { name: "transcript.html".to_string(), message: tera_message(&e) })
    }
}

/// A tera error with its causes, on one line.
fn tera_message(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Standard base64 with padding (for a data: URI).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, expected) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn overrides_change_only_their_keys() {
        let t =
            Templates::with_overrides([("labels.toml", "document_title = \"Academic Record of Studies\"\n")]).unwrap();
        assert_eq!(t.labels().document_title, "Academic Record of Studies");
        assert_eq!(t.labels().grade, Templates::embedded().labels().grade);
        assert_eq!(t.overridden(), ["labels.toml"]);
    }

    #[test]
    fn unknown_keys_and_files_are_errors() {
        let err = Templates::with_overrides([("labels.toml", "documnet_title = \"x\"\n")]).unwrap_err();
        assert!(err.to_string().contains("documnet_title"), "{err}");
        let err = Templates::with_overrides([("layout.toml", "page_size = \"a5\"\n")]).unwrap_err();
        assert!(err.to_string().contains("layout.toml"), "{err}");
        let err = Templates::with_overrides([("notes.txt", "")]).unwrap_err();
        assert!(err.to_string().contains("notes.txt"), "{err}");
        let err = Templates::with_overrides([("transcript.html", "{% if %}")]).unwrap_err();
        assert!(err.to_string().contains("transcript.html"), "{err}");
    }
}
