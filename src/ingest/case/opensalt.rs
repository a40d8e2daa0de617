//! OpenSALT's CSV import format into a [`Framework`].
//!
//! One row an item. Columns (matched without regard to case): `identifier`,
//! `fullStatement` (required), `humanCodingScheme`, `smartLevel`, `listEnumeration`,
//! `abbreviatedStatement`, `language`, `educationLevel` (comma-separated),
//! `CFItemType`, an optional `uri`, and one column an association type
//! (`isChildOf`, `isPartOf`, `exactMatchOf` …) holding comma-separated
//! identifiers, human coding schemes, smart levels or URIs. Other columns
//! (`conceptKeywords`, `notes`, `license`, `lastChangeDateTime` …) are ignored.
//!
//! The file has no document, so one is made up: its identifier is the
//! [`name_uuid`] of `opensalt-csv:<file stem>`, its title the file stem. The
//! hierarchy comes from an `isChildOf` cell when the row has one, and otherwise
//! from `smartLevel`: the parent of `3.6.2.1` is the row whose smart level is
//! `3.6.2`; rows with no such parent (or no smart level) are children of the
//! document. Frameworks read this way are recorded as CASE 1.0, the version
//! OpenSALT's import format follows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use csv::StringRecord;

use crate::diag::{Code, Diagnostics, Origin};
use crate::ingest::text::{Delimiter, Encoding, decode};
use crate::model::{AssociationKind, CaseVersion, CfDocument, CfItem, Framework};

use super::ids::{fallback_uri, file_stem, name_uuid};
use super::opensalt_links::{LinkCell, Row, build_associations};

/// Reads an OpenSALT CSV import file (`bytes`, the contents of `file`, in
/// `encoding`; the delimiter is sniffed from the header line).
///
/// Problems go into `diags` with `file:line` positions; returns `None` only when
/// the bytes cannot be decoded or the header has no `fullStatement` column.
/// Never panics.
pub fn parse_opensalt_csv(bytes: &[u8], file: &Path, encoding: Encoding, diags: &mut Diagnostics) -> Option<Framework> {
    let text = match decode(bytes, encoding) {
        Ok(decoded) => decoded.text,
        Err(error) => {
            diags
                .error(Code::Encoding, Origin::line(file, error.line), error.to_string())
                .help("save the file as UTF-8, or declare its encoding");
            return None;
        }
    };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(Delimiter::Auto.resolve(&text)).flexible(true).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            diags.error(Code::MalformedRow, Origin::line(file, 1), format!("unreadable header: {error}"));
            return None;
        }
    };
    let columns = Columns::find(&headers, file, diags)?;
    let mut document = stand_in_document(file);
    let mut ids = Ids {
        document: document.identifier.clone(),
        seen: BTreeMap::from([(document.identifier.clone(), Origin::file(file))]),
        diags,
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                let origin = Origin::line(file, line);
                rows.extend(columns.row(&Fields(&record), origin, &mut ids));
            }
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                let message = format!("unreadable row: {error}");
                ids.diags.error(Code::MalformedRow, Origin::line(file, line), message);
            }
        }
    }
    let diags = ids.diags;
    let languages: BTreeSet<&str> = rows.iter().filter_map(|r| r.item.language.as_deref()).collect();
    if let (1, Some(language)) = (languages.len(), languages.first()) {
        document.language = Some(language.to_string());
    }
    let associations = build_associations(&document, &rows, file, diags);
    Some(Framework {
        case_version: CaseVersion::V1_0,
        document,
        items: rows.into_iter().map(|row| row.item).collect(),
        associations,
        rubrics: Vec::new(),
        origin: Origin::file(file),
    })
}

/// The document of a CSV file, named after the file.
fn stand_in_document(file: &Path) -> CfDocument {
    let title = file_stem(file);
    let identifier = name_uuid(&format!("opensalt-csv:{title}"));
    CfDocument {
        uri: fallback_uri(&identifier),
        identifier,
        title,
        creator: None,
        publisher: None,
        version: None,
        description: None,
        language: None,
        adoption_status: None,
    }
}

/// Which field holds what.
struct Columns {
    identifier: Option<usize>,
    full_statement: usize,
    human_coding_scheme: Option<usize>,
    smart_level: Option<usize>,
    list_enumeration: Option<usize>,
    abbreviated_statement: Option<usize>,
    language: Option<usize>,
    education_level: Option<usize>,
    item_type: Option<usize>,
    uri: Option<usize>,
    links: Vec<(usize, AssociationKind)>,
}

/// The association types a column may be named after.
const LINK_KINDS: [AssociationKind; 10] = [
    AssociationKind::IsChildOf,
    AssociationKind::ExactMatchOf,
    AssociationKind::IsRelatedTo,
    AssociationKind::IsPartOf,
    AssociationKind::Precedes,
    AssociationKind::ReplacedBy,
    AssociationKind::IsPeerOf,
    AssociationKind::Exemplar,
    AssociationKind::HasSkillLevel,
    AssociationKind::IsTranslationOf,
];

impl Columns {
    /// Finds the columns in the header; reports and returns `None` without `fullStatement`.
    fn find(headers: &StringRecord, file: &Path, diags: &mut Diagnostics) -> Option<Columns> {
        let names: Vec<String> = headers.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
        let find = |wanted: &[&str]| names.iter().position(|name| wanted.contains(&name.as_str()));
        let Some(full_statement) = find(&["fullstatement"]) else {
            diags
                .error(Code::MissingColumn, Origin::line(file, 1), "the header has no fullStatement column")
                .help("an OpenSALT import file needs at least the columns identifier and fullStatement");
            return None;
        };
        let links = names
            .iter()
            .enumerate()
            .filter_map(|(n, name)| {
                let kind = LINK_KINDS.iter().find(|k| k.as_str().eq_ignore_ascii_case(name))?;
                Some((n, kind.clone()))
            })
            .collect();
        Some(Columns {
            identifier: find(&["identifier"]),
            full_statement,
            human_coding_scheme: find(&["humancodingscheme"]),
            smart_level: find(&["smartlevel"]),
            list_enumeration: find(&["listenumeration"]),
            abbreviated_statement: find(&["abbreviatedstatement"]),
            language: find(&["language"]),
            education_level: find(&["educationlevel", "educationallevel"]),
            item_type: find(&["cfitemtype", "itemtype"]),
            uri: find(&["uri"]),
            links,
        })
    }

    /// One row as an item with its links; `None` for a blank row, and (reported)
    /// for a row without a statement or with an identifier already used.
    fn row(&self, fields: &Fields<'_>, origin: Origin, ids: &mut Ids<'_>) -> Option<Row> {
        if fields.0.iter().all(|field| field.trim().is_empty()) {
            return None;
        }
        let smart_level = fields.get(self.smart_level);
        let human_coding_scheme = fields.get(self.human_coding_scheme);
        let key = smart_level.as_deref().or(human_coding_scheme.as_deref());
        let Some(full_statement) = fields.get(Some(self.full_statement)) else {
            let message = format!("{} has no fullStatement; the row is skipped", key.unwrap_or("a row"));
            ids.diags
                .error(Code::CaseShape, origin.with_column(self.full_statement as u64 + 1), message)
                .help("every item needs a fullStatement");
            return None;
        };
        let identifier = fields.get(self.identifier).unwrap_or_else(|| ids.made_up(key, &origin));
        if !ids.claim(&identifier, &origin) {
            return None;
        }
        let list_enumeration = fields.get(self.list_enumeration);
        let sequence = sequence(list_enumeration.as_deref(), smart_level.as_deref());
        let item = CfItem {
            uri: fields.get(self.uri).unwrap_or_else(|| fallback_uri(&identifier)),
            identifier,
            full_statement,
            abbreviated_statement: fields.get(self.abbreviated_statement),
            human_coding_scheme,
            list_enumeration,
            item_type: fields.get(self.item_type),
            education_level: fields.get(self.education_level).map_or_else(Vec::new, |l| split_list(&l)),
            language: fields.get(self.language),
            origin,
        };
        Some(Row {
            item,
            smart_level,
            smart_level_column: self.smart_level.map_or(0, |n| n as u64 + 1),
            links: self.link_cells(fields),
            sequence,
        })
    }

    /// The row's non-empty association cells.
    fn link_cells(&self, fields: &Fields<'_>) -> Vec<LinkCell> {
        self.links
            .iter()
            .filter_map(|(n, kind)| {
                Some(LinkCell { kind: kind.clone(), references: fields.get(Some(*n))?, column: *n as u64 + 1 })
            })
            .collect()
    }
}

/// The fields of one record.
struct Fields<'r>(&'r StringRecord);

impl Fields<'_> {
    /// The trimmed, non-empty value of `column`.
    fn get(&self, column: Option<usize>) -> Option<String> {
        column.and_then(|n| self.0.get(n)).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
    }
}

/// The identifiers used so far, and where problems go.
struct Ids<'a> {
    document: String,
    seen: BTreeMap<String, Origin>,
    diags: &'a mut Diagnostics,
}

impl Ids<'_> {
    /// An identifier for a row without one (reported): the [`name_uuid`] of the
    /// document's identifier and the row's smart level, code or line.
    fn made_up(&mut self, key: Option<&str>, origin: &Origin) -> String {
        let key = key.map_or_else(|| format!("line {}", origin.line.unwrap_or(0)), str::to_string);
        let made_up = name_uuid(&format!("{}:{key}", self.document));
        self.diags
            .warning(Code::CaseShape, origin.clone(), format!("the row has no identifier; using {made_up}"))
            .help("give every row an identifier (a UUID) so that credentials can point at it");
        made_up
    }

    /// Records `identifier` as the row's at `origin`; reports and returns `false` for a repeat.
    fn claim(&mut self, identifier: &str, origin: &Origin) -> bool {
        if let Some(first) = self.seen.get(identifier) {
            let help = format!("the first is at {first}; every item needs its own identifier");
            let message = format!("the identifier \"{identifier}\" is used again; this row is skipped");
            self.diags.error(Code::DuplicateIdentifier, origin.clone(), message).help(help);
            return false;
        }
        self.seen.insert(identifier.to_string(), origin.clone());
        true
    }
}

/// The position among siblings: the list enumeration when it is a number,
/// otherwise the last part of the smart level.
fn sequence(list_enumeration: Option<&str>, smart_level: Option<&str>) -> Option<i64> {
    list_enumeration.and_then(|e| e.parse().ok()).or_else(|| smart_level?.rsplit('.').next()?.parse().ok())
}

/// A comma-separated list, trimmed, without empty entries.
fn split_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}
