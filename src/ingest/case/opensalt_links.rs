//! The associations of an OpenSALT CSV file: the hierarchy from `isChildOf`
//! cells or smart levels, and the association columns.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diag::{Code, Diagnostics, Origin};
use crate::model::{AssociationKind, CfAssociation, CfDocument, CfItem, NodeRef};

use super::ids::{is_uuid, name_uuid};

/// One row read as an item, with what it says about its relations.
pub(super) struct Row {
    /// The item.
    pub item: CfItem,
    /// Its smart level, e.g. `3.6.2.1`.
    pub smart_level: Option<String>,
    /// The 1-based field number of the smart level column (0 without one).
    pub smart_level_column: u64,
    /// Its non-empty association cells.
    pub links: Vec<LinkCell>,
    /// Its position among siblings (list enumeration, or the last smart level part).
    pub sequence: Option<i64>,
}

/// A non-empty cell of an association column.
pub(super) struct LinkCell {
    /// The column's association type.
    pub kind: AssociationKind,
    /// Comma-separated identifiers, human coding schemes, smart levels or URIs.
    pub references: String,
    /// The 1-based field number.
    pub column: u64,
}

/// Rows by identifier, human coding scheme and smart level.
struct Index<'r> {
    by_identifier: BTreeMap<&'r str, usize>,
    by_code: BTreeMap<&'r str, Vec<usize>>,
    by_level: BTreeMap<&'r str, usize>,
}

impl<'r> Index<'r> {
    fn new(rows: &'r [Row], diags: &mut Diagnostics) -> Self {
        let mut index = Index { by_identifier: BTreeMap::new(), by_code: BTreeMap::new(), by_level: BTreeMap::new() };
        for (n, row) in rows.iter().enumerate() {
            index.by_identifier.entry(&row.item.identifier).or_insert(n);
            if let Some(code) = &row.item.human_coding_scheme {
                index.by_code.entry(code).or_default().push(n);
            }
            if let Some(level) = &row.smart_level {
                if let Some(&first) = index.by_level.get(level.as_str()) {
                    let first = &rows[first].item.origin;
                    diags
                        .warning(
                            Code::DuplicateKey,
                            row.item.origin.with_column(row.smart_level_column),
                            format!("the smartLevel \"{level}\" is used again; the hierarchy follows the first"),
                        )
                        .help(format!("the first is at {first}; smart levels must be unique"));
                } else {
                    index.by_level.insert(level, n);
                }
            }
        }
        index
    }
}

/// The framework's associations, row by row in file order: the row's parent
/// first, then its association cells in column order. Identifiers are
/// [`name_uuid`]s of type, origin and destination, so repeats collapse.
pub(super) fn build_associations(
    document: &CfDocument,
    rows: &[Row],
    file: &Path,
    diags: &mut Diagnostics,
) -> Vec<CfAssociation> {
    let index = Index::new(rows, diags);
    let mut builder = Builder { document, rows, index, associations: Vec::new(), seen: BTreeSet::new() };
    for row in rows {
        let has_parent_cell = row.links.iter().any(|l| l.kind == AssociationKind::IsChildOf);
        if !has_parent_cell {
            builder.smart_level_parent(row);
        }
        for cell in &row.links {
            builder.cell(row, cell, file, diags);
        }
    }
    builder.associations
}

struct Builder<'r> {
    document: &'r CfDocument,
    rows: &'r [Row],
    index: Index<'r>,
    associations: Vec<CfAssociation>,
    seen: BTreeSet<String>,
}

impl Builder<'_> {
    /// isChildOf the row of the parent smart level, or of the document.
    fn smart_level_parent(&mut self, row: &Row) {
        let parent = row
            .smart_level
            .as_deref()
            .and_then(|level| level.rsplit_once('.'))
            .and_then(|(parent, _)| self.index.by_level.get(parent).copied());
        let destination = match parent {
            Some(n) => item_node(&self.rows[n].item),
            None => NodeRef {
                identifier: self.document.identifier.clone(),
                uri: self.document.uri.clone(),
                title: Some(self.document.title.clone()),
            },
        };
        let origin = match row.smart_level {
            Some(_) => row.item.origin.with_column(row.smart_level_column),
            None => row.item.origin.clone(),
        };
        self.push(AssociationKind::IsChildOf, row, destination, origin);
    }

    /// The associations of one cell, one a reference.
    fn cell(&mut self, row: &Row, cell: &LinkCell, file: &Path, diags: &mut Diagnostics) {
        let origin = row.item.origin.with_column(cell.column);
        for reference in cell.references.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            if let Some(destination) = self.resolve(reference, &origin, diags) {
                self.push(cell.kind.clone(), row, destination, origin.clone());
                continue;
            }
            let message = format!(
                "{} \"{reference}\" is no row of {} and not a URI; the association is skipped",
                cell.kind,
                file.display()
            );
            diags
                .warning(Code::DanglingAssociation, origin.clone(), message)
                .help("refer to an identifier, humanCodingScheme or smartLevel of the file, or a URI");
        }
    }

    /// A reference as a row of the file (by identifier, human coding scheme,
    /// smart level) or as an outside node (a URI or a UUID).
    fn resolve(&self, reference: &str, origin: &Origin, diags: &mut Diagnostics) -> Option<NodeRef> {
        if let Some(&n) = self.index.by_identifier.get(reference) {
            return Some(item_node(&self.rows[n].item));
        }
        if let Some(matches) = self.index.by_code.get(reference) {
            if matches.len() > 1 {
                diags
                    .warning(
                        Code::AmbiguousCompetency,
                        origin.clone(),
                        format!("{} rows have the humanCodingScheme \"{reference}\"; using the first", matches.len()),
                    )
                    .help("refer to the row by its identifier instead");
            }
            return matches.first().map(|&n| item_node(&self.rows[n].item));
        }
        if let Some(&n) = self.index.by_level.get(reference) {
            return Some(item_node(&self.rows[n].item));
        }
        if reference.contains(':') {
            return Some(NodeRef { identifier: reference.to_string(), uri: reference.to_string(), title: None });
        }
        is_uuid(reference).then(|| NodeRef { identifier: reference.to_string(), uri: String::new(), title: None })
    }

    fn push(&mut self, kind: AssociationKind, row: &Row, destination: NodeRef, origin: Origin) {
        let origin_node = item_node(&row.item);
        let identifier =
            name_uuid(&format!("opensalt-association:{kind}:{}:{}", origin_node.identifier, destination.identifier));
        if !self.seen.insert(identifier.clone()) {
            return;
        }
        let sequence_number = (kind == AssociationKind::IsChildOf).then_some(row.sequence).flatten();
        self.associations.push(CfAssociation {
            identifier,
            kind,
            origin_node,
            destination_node: destination,
            sequence_number,
            origin,
        });
    }
}

/// A node reference to an item, titled with its code (or statement).
fn item_node(item: &CfItem) -> NodeRef {
    NodeRef {
        identifier: item.identifier.clone(),
        uri: item.uri.clone(),
        title: Some(item.human_coding_scheme.clone().unwrap_or_else(|| item.full_statement.clone())),
    }
}
