//! CASE CFPackage JSON (1.0 and 1.1) into a [`Framework`].
//!
//! The text is parsed into a `serde_json::Value` first and then converted object
//! by object, so a malformed item is reported and skipped while the rest are kept.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::diag::{Code, Diagnostics, Origin, line_column};
use crate::model::{CfDocument, Framework};

use super::fields::{Link, Object, array, kind_of, text};
use super::ids::{fallback_uri, file_stem, name_uuid};
use super::items::{Known, read_associations, read_items};
use super::locate::Locator;
use super::rubrics::read_rubrics;
use super::version;

/// Reads a CASE CFPackage (1.0 or 1.1) from `text`, the contents of `file`.
///
/// Accepts the package as the top-level object, wrapped as `{"CFPackage": {…}}`,
/// or with the document's members at the top level next to `CFItems`.
///
/// CASE 1.0 and 1.1 are told apart as follows: a package is 1.1
/// when its document has `caseVersion` 1.1 or a `frameworkType`, when a URI has
/// the 1.1 API path `/v1p1/`, or when it uses members only 1.1 defines
/// (`extensions`, item `subject`, association `notes`, `isTranslationOf`,
/// `targetType`); otherwise it is 1.0.
///
/// Problems go into `diags` with their positions; returns `None` only when the
/// text is not JSON, not an object, or has neither a document nor items.
/// Never panics.
pub fn parse_case_json(text: &str, file: &Path, diags: &mut Diagnostics) -> Option<Framework> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = match crate::ingest::json::parse_str(text) {
        Ok(root) => root,
        Err(error) => {
            json_syntax_error(text, file, &error, diags);
            return None;
        }
    };
    let Value::Object(root) = root else {
        diags
            .error(
                Code::CaseShape,
                Origin::at(file, 1, 1),
                format!("a CASE package is a JSON object, not {}", kind_of(&root)),
            )
            .help("export the framework as a CASE CFPackage");
        return None;
    };
    let package = unwrap_package(&root);
    let mut reader = Reader::new(text, file, diags);
    let document_object = reader.find_document(package);
    let case_version = version::detect(package, document_object);
    let has_items = array(package, "CFItems").is_ok_and(|items| !items.is_empty());
    if document_object.is_none() && !has_items {
        return None;
    }
    let document = reader.read_document(document_object, package);
    let items = read_items(&mut reader, package);
    let known = Known::new(&document, &items);
    let associations = read_associations(&mut reader, package, &known);
    let rubrics = read_rubrics(&mut reader, package, &known);
    Some(Framework { case_version, document, items, associations, rubrics, origin: Origin::file(file) })
}

/// Reports a `serde_json` error at its line and (character) column.
fn json_syntax_error(text: &str, file: &Path, error: &serde_json::Error, diags: &mut Diagnostics) {
    let line_start = match error.line() {
        0 | 1 => 0,
        line => text.match_indices('\n').nth(line - 2).map_or(text.len(), |(at, _)| at + 1),
    };
    let mut offset = (line_start + error.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let (line, column) = line_column(text, offset);
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    if crate::ingest::json::is_strictness(error) {
        diags
            .error(Code::JsonSyntax, Origin::at(file, line, column), format!("refused JSON: {message}"))
            .help("a member name may appear once per object (RFC 7493 §2.3): readers differ on which one wins");
        return;
    }
    diags
        .error(Code::JsonSyntax, Origin::at(file, line, column), format!("not valid JSON: {message}"))
        .help("fix the JSON (a CASE export cut short or edited by hand?) and run again");
}

/// The package object: `root`, or what `{"CFPackage": {…}}` wraps.
fn unwrap_package(root: &Object) -> &Object {
    match root.get("CFPackage") {
        Some(Value::Object(inner)) if !root.contains_key("CFDocument") => inner,
        _ => root,
    }
}

/// What the conversion of one package shares: positions, diagnostics and the
/// identifiers used so far.
pub(super) struct Reader<'a> {
    /// Finds objects in the source text.
    pub(super) locator: Locator<'a>,
    /// Where problems go.
    pub(super) diags: &'a mut Diagnostics,
    seen: BTreeMap<String, Origin>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, file: &'a Path, diags: &'a mut Diagnostics) -> Self {
        Reader { locator: Locator::new(text, file), diags, seen: BTreeMap::new() }
    }

    /// Reports that the package does not have CASE's shape.
    pub(super) fn shape(&mut self, origin: Origin, message: impl Into<String>, help: &str) {
        self.diags.error(Code::CaseShape, origin, message).help(help);
    }

    /// Records that `identifier` names the object at `origin`; reports and returns
    /// `false` when an earlier object of the package already has it.
    pub(super) fn claim(&mut self, identifier: &str, origin: &Origin, what: &str) -> bool {
        if let Some(first) = self.seen.get(identifier) {
            let help = format!("the first is at {first}; every CASE object needs its own identifier");
            self.diags
                .error(
                    Code::DuplicateIdentifier,
                    origin.clone(),
                    format!("{what} \"{identifier}\" reuses an identifier; this one is skipped"),
                )
                .help(help);
            return false;
        }
        self.seen.insert(identifier.to_string(), origin.clone());
        true
    }

    /// The objects of the array `key` of `parent`, reporting members that are not
    /// an array and elements that are not objects. Moves the locator to the section.
    pub(super) fn objects<'v>(&mut self, parent: &'v Object, key: &str) -> Vec<&'v Object> {
        self.locator.seek_section(key);
        let file = self.locator.file();
        let values = match array(parent, key) {
            Ok(values) => values,
            Err(kind) => {
                let message = format!("{key} should be an array, not {kind}; it is ignored");
                self.shape(Origin::file(file), message, "see the CASE CFPackage schema");
                return Vec::new();
            }
        };
        let mut objects = Vec::with_capacity(values.len());
        for (n, value) in values.iter().enumerate() {
            match value {
                Value::Object(obj) => objects.push(obj),
                other => {
                    let message = format!("{key}[{n}] should be an object, not {}; it is skipped", kind_of(other));
                    self.shape(Origin::file(file), message, "see the CASE CFPackage schema");
                }
            }
        }
        objects
    }

    /// The document object: `CFDocument`, or the package itself when the
    /// document's members are at the top level. Reports a missing document.
    fn find_document<'v>(&mut self, package: &'v Object) -> Option<&'v Object> {
        let file = self.locator.file();
        match package.get("CFDocument") {
            Some(Value::Object(doc)) => return Some(doc),
            None | Some(Value::Null) => {
                let looks_like_document = text(package, "identifier").is_some()
                    && ["title", "uri", "creator"].iter().any(|k| text(package, k).is_some());
                if looks_like_document {
                    return Some(package);
                }
                self.shape(
                    Origin::file(file),
                    "the package has no CFDocument",
                    "a CASE package needs a CFDocument; export the whole framework, not only its items",
                );
            }
            Some(other) => {
                let message = format!("CFDocument should be an object, not {}", kind_of(other));
                self.shape(Origin::file(file), message, "see the CASE CFPackage schema");
            }
        }
        None
    }

    /// The document, repaired where required members are missing (each reported).
    /// Without a document object it is made from the items' `CFDocumentURI` and
    /// the file name.
    fn read_document(&mut self, doc: Option<&Object>, package: &Object) -> CfDocument {
        let file = self.locator.file();
        let stem = file_stem(file);
        let Some(doc) = doc else {
            return self.stand_in_document(package, &stem);
        };
        self.locator.seek_section("CFDocument");
        let origin = self.locator.locate(doc);
        let help = "a CFDocument needs an identifier, a uri and a title";
        let uri = text(doc, "uri");
        let identifier = text(doc, "identifier").unwrap_or_else(|| {
            self.shape(origin.clone(), "the CFDocument has no identifier", help);
            name_uuid(&format!("case-document:{}", uri.as_deref().unwrap_or(&stem)))
        });
        let uri = uri.unwrap_or_else(|| {
            self.shape(origin.clone(), format!("the CFDocument \"{identifier}\" has no uri"), help);
            fallback_uri(&identifier)
        });
        let title = text(doc, "title").unwrap_or_else(|| {
            self.shape(origin.clone(), format!("the CFDocument \"{identifier}\" has no title"), help);
            stem.clone()
        });
        self.claim(&identifier, &origin, "the CFDocument");
        CfDocument {
            identifier,
            uri,
            title,
            creator: text(doc, "creator"),
            publisher: text(doc, "publisher"),
            version: text(doc, "version"),
            description: text(doc, "description"),
            language: text(doc, "language"),
            adoption_status: text(doc, "adoptionStatus"),
        }
    }

    /// A document for a package that has none (already reported).
    fn stand_in_document(&mut self, package: &Object, stem: &str) -> CfDocument {
        let link = array(package, "CFItems")
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_object)
            .find_map(|item| Link::read(item, "CFDocumentURI"))
            .unwrap_or_default();
        let identifier = link
            .identifier
            .unwrap_or_else(|| name_uuid(&format!("case-document:{}", link.uri.as_deref().unwrap_or(stem))));
        let uri = link.uri.unwrap_or_else(|| fallback_uri(&identifier));
        self.claim(&identifier, &Origin::file(self.locator.file()), "the CFDocument");
        CfDocument {
            title: link.title.unwrap_or_else(|| stem.to_string()),
            identifier,
            uri,
            creator: None,
            publisher: None,
            version: None,
            description: None,
            language: None,
            adoption_status: None,
        }
    }
}
