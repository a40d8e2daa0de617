//! CFItems and CFAssociations of a CASE JSON package.

use std::collections::BTreeMap;

use crate::diag::{Code, Origin};
use crate::model::{AssociationKind, CfAssociation, CfDocument, CfItem, NodeRef};

use super::fields::{Link, Object, integer, string_list, text};
use super::ids::{fallback_uri, name_uuid};
use super::json::Reader;

const ITEM_HELP: &str = "a CFItem needs an identifier, a uri and a fullStatement";
const ASSOCIATION_HELP: &str = "a CFAssociation needs an associationType, an originNodeURI and a destinationNodeURI";

/// The package's items, in file order; malformed and duplicate ones are reported and skipped.
pub(super) fn read_items(reader: &mut Reader<'_>, package: &Object) -> Vec<CfItem> {
    reader.objects(package, "CFItems").into_iter().filter_map(|obj| read_item(reader, obj)).collect()
}

fn read_item(reader: &mut Reader<'_>, obj: &Object) -> Option<CfItem> {
    let origin = reader.locator.locate(obj);
    let Some(identifier) = text(obj, "identifier") else {
        reader.shape(origin, "a CFItem has no identifier; it is skipped", ITEM_HELP);
        return None;
    };
    let Some(full_statement) = text(obj, "fullStatement") else {
        let message = format!("the CFItem \"{identifier}\" has no fullStatement; it is skipped");
        reader.shape(origin, message, ITEM_HELP);
        return None;
    };
    let uri = text(obj, "uri").unwrap_or_else(|| {
        let uri = fallback_uri(&identifier);
        let message = format!("the CFItem \"{identifier}\" has no uri; using {uri}");
        reader.shape(origin.clone(), message, ITEM_HELP);
        uri
    });
    if !reader.claim(&identifier, &origin, "the CFItem") {
        return None;
    }
    let item_type = text(obj, "CFItemType").or_else(|| Link::read(obj, "CFItemTypeURI").and_then(|link| link.title));
    Some(CfItem {
        identifier,
        uri,
        full_statement,
        abbreviated_statement: text(obj, "abbreviatedStatement"),
        human_coding_scheme: text(obj, "humanCodingScheme"),
        list_enumeration: text(obj, "listEnumeration"),
        item_type,
        education_level: string_list(obj, &["educationLevel", "educationalLevel"]),
        language: text(obj, "language"),
        origin,
    })
}

/// The nodes of a package (its document and items), by identifier and by URI.
pub(super) struct Known {
    by_identifier: BTreeMap<String, String>,
    by_uri: BTreeMap<String, String>,
}

impl Known {
    /// Indexes `document` and `items`.
    pub(super) fn new(document: &CfDocument, items: &[CfItem]) -> Self {
        let mut known = Known { by_identifier: BTreeMap::new(), by_uri: BTreeMap::new() };
        known.add(&document.identifier, &document.uri);
        for item in items {
            known.add(&item.identifier, &item.uri);
        }
        known
    }

    fn add(&mut self, identifier: &str, uri: &str) {
        self.by_identifier.entry(identifier.to_string()).or_insert_with(|| uri.to_string());
        self.by_uri.entry(uri.to_string()).or_insert_with(|| identifier.to_string());
    }

    /// A node reference for `link`, and whether it points into the package (by
    /// identifier, else by URI). A node of the package gets the package's
    /// identifier and URI (exports may write another URI for the same item in
    /// associations); a link to elsewhere keeps what it says, with its URI
    /// standing in for a missing identifier and `""` for a missing URI.
    pub(super) fn resolve(&self, link: Link) -> (NodeRef, bool) {
        let by_id = link.identifier.as_ref().and_then(|id| Some((id.clone(), self.by_identifier.get(id)?.clone())));
        let by_uri = || {
            let uri = link.uri.as_ref()?;
            Some((self.by_uri.get(uri)?.clone(), uri.clone()))
        };
        if let Some((identifier, uri)) = by_id.or_else(by_uri) {
            return (NodeRef { identifier, uri, title: link.title }, true);
        }
        let uri = link.uri.unwrap_or_default();
        let identifier = link.identifier.unwrap_or_else(|| uri.clone());
        (NodeRef { identifier, uri, title: link.title }, false)
    }
}

/// The package's associations, in file order; malformed ones, unknown types and
/// duplicates are reported and skipped.
pub(super) fn read_associations(reader: &mut Reader<'_>, package: &Object, known: &Known) -> Vec<CfAssociation> {
    reader
        .objects(package, "CFAssociations")
        .into_iter()
        .filter_map(|obj| read_association(reader, obj, known))
        .collect()
}

fn read_association(reader: &mut Reader<'_>, obj: &Object, known: &Known) -> Option<CfAssociation> {
    let origin = reader.locator.locate(obj);
    let name = text(obj, "identifier")
        .map_or_else(|| "a CFAssociation".to_string(), |id| format!("the CFAssociation \"{id}\""));
    let kind = association_kind(reader, obj, &name, &origin)?;
    let (origin_node, destination_node) = association_ends(reader, obj, known, &name, &origin)?;
    let identifier = text(obj, "identifier").unwrap_or_else(|| {
        let made_up =
            name_uuid(&format!("case-association:{kind}:{}:{}", origin_node.identifier, destination_node.identifier));
        let message = format!("a CFAssociation has no identifier; using {made_up}");
        reader.diags.warning(Code::CaseShape, origin.clone(), message).help(ASSOCIATION_HELP);
        made_up
    });
    if !reader.claim(&identifier, &origin, "the CFAssociation") {
        return None;
    }
    Some(CfAssociation {
        identifier,
        kind,
        origin_node,
        destination_node,
        sequence_number: integer(obj, "sequenceNumber"),
        origin,
    })
}

/// The association's type; `None` (reported) when missing, or unknown and not `ext:…`.
fn association_kind(reader: &mut Reader<'_>, obj: &Object, name: &str, origin: &Origin) -> Option<AssociationKind> {
    let Some(type_name) = text(obj, "associationType") else {
        let message = format!("{name} has no associationType; it is skipped");
        reader.shape(origin.clone(), message, ASSOCIATION_HELP);
        return None;
    };
    let kind = AssociationKind::parse(type_name.trim());
    if kind.is_none() {
        let message = format!("{name} has the unknown associationType \"{type_name}\"; it is skipped");
        reader
            .diags
            .warning(Code::UnknownAssociationType, origin.clone(), message)
            .help("use a CASE association type (isChildOf, exactMatchOf …) or an ext:… extension");
    }
    kind
}

/// The association's origin and destination, completed from the package.
/// `None` (reported) when an end is missing, or when neither end is in the
/// package and neither has a uri (a dangling association). One end outside the
/// package is fine: that is a crosswalk to another framework.
fn association_ends(
    reader: &mut Reader<'_>,
    obj: &Object,
    known: &Known,
    name: &str,
    origin: &Origin,
) -> Option<(NodeRef, NodeRef)> {
    let ends = (Link::read(obj, "originNodeURI"), Link::read(obj, "destinationNodeURI"));
    let (Some(origin_link), Some(destination_link)) = ends else {
        let message = format!(
            "{name} lacks an originNodeURI or a destinationNodeURI naming an identifier or uri; \
             it is skipped"
        );
        reader.shape(origin.clone(), message, ASSOCIATION_HELP);
        return None;
    };
    let (from, from_known) = known.resolve(origin_link);
    let (to, to_known) = known.resolve(destination_link);
    if !from_known && !to_known && from.uri.is_empty() && to.uri.is_empty() {
        let message = format!(
            "{name} links \"{}\" and \"{}\", neither of which is in the package or has a uri; \
             it is skipped",
            from.identifier, to.identifier
        );
        reader
            .diags
            .warning(Code::DanglingAssociation, origin.clone(), message)
            .help("give the association's ends a uri, or add the items to the framework");
        return None;
    }
    Some((from, to))
}
