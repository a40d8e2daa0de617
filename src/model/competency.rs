//! Competency frameworks as 1EdTech CASE (1.0 and 1.1) defines them.

use std::fmt;

use serde::Serialize;

use crate::diag::Origin;

/// Which CASE version a package was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum CaseVersion {
    /// CASE 1.0.
    #[serde(rename = "1.0")]
    V1_0,
    /// CASE 1.1.
    #[serde(rename = "1.1")]
    V1_1,
}

/// A pointer to a CASE object: CASE's LinkGenURI (title, identifier, uri).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NodeRef {
    /// The object's identifier (usually a UUID).
    pub identifier: String,
    /// Its URI.
    pub uri: String,
    /// A title, for people.
    pub title: Option<String>,
}

/// The framework's document (CFDocument).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CfDocument {
    /// Identifier.
    pub identifier: String,
    /// URI.
    pub uri: String,
    /// Title.
    pub title: String,
    /// Who made it.
    pub creator: Option<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// Version.
    pub version: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Language (BCP 47).
    pub language: Option<String>,
    /// Adoption status (Draft, Adopted …).
    pub adoption_status: Option<String>,
}

/// A competency, standard or outcome (CFItem).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CfItem {
    /// Identifier (usually a UUID).
    pub identifier: String,
    /// URI: what credentials point at.
    pub uri: String,
    /// The full statement.
    pub full_statement: String,
    /// A short statement.
    pub abbreviated_statement: Option<String>,
    /// Human coding scheme, e.g. "PLO.2.1".
    pub human_coding_scheme: Option<String>,
    /// List enumeration (position among siblings), as written.
    pub list_enumeration: Option<String>,
    /// Item type (Domain, Competency, Standard …).
    pub item_type: Option<String>,
    /// Education levels.
    pub education_level: Vec<String>,
    /// Language.
    pub language: Option<String>,
    /// Where the item was read.
    pub origin: Origin,
}

impl CfItem {
    /// "PLO.2.1 Full statement" or just the statement.
    pub fn label(&self) -> String {
        match &self.human_coding_scheme {
            Some(code) if !code.is_empty() => format!("{code} {}", self.full_statement),
            _ => self.full_statement.clone(),
        }
    }
}

/// The relation a CFAssociation states, from origin to destination.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AssociationKind {
    /// The origin is a child of the destination.
    IsChildOf,
    /// The origin means exactly what the destination means (a crosswalk).
    ExactMatchOf,
    /// Related, in no stated way.
    IsRelatedTo,
    /// The origin is part of the destination.
    IsPartOf,
    /// The origin comes before the destination.
    Precedes,
    /// The origin is replaced by the destination.
    ReplacedBy,
    /// Peers.
    IsPeerOf,
    /// The origin is an exemplar of the destination.
    Exemplar,
    /// The origin has the skill level the destination describes.
    HasSkillLevel,
    /// The origin is a translation of the destination.
    IsTranslationOf,
    /// An extension type (`ext:…`), kept as written.
    Extension(String),
}

impl AssociationKind {
    /// Reads a CASE association type; `None` for an unknown one that is not an `ext:` extension.
    pub fn parse(text: &str) -> Option<AssociationKind> {
        Some(match text {
            "isChildOf" => AssociationKind::IsChildOf,
            "exactMatchOf" => AssociationKind::ExactMatchOf,
            "isRelatedTo" => AssociationKind::IsRelatedTo,
            "isPartOf" => AssociationKind::IsPartOf,
            "precedes" => AssociationKind::Precedes,
            "replacedBy" => AssociationKind::ReplacedBy,
            "isPeerOf" => AssociationKind::IsPeerOf,
            "exemplar" => AssociationKind::Exemplar,
            "hasSkillLevel" => AssociationKind::HasSkillLevel,
            "isTranslationOf" => AssociationKind::IsTranslationOf,
            ext if ext.starts_with("ext:") && ext.len() > 4 => AssociationKind::Extension(ext.to_string()),
            _ => return None,
        })
    }

    /// The name CASE uses.
    pub fn as_str(&self) -> &str {
        match self {
            AssociationKind::IsChildOf => "isChildOf",
            AssociationKind::ExactMatchOf => "exactMatchOf",
            AssociationKind::IsRelatedTo => "isRelatedTo",
            AssociationKind::IsPartOf => "isPartOf",
            AssociationKind::Precedes => "precedes",
            AssociationKind::ReplacedBy => "replacedBy",
            AssociationKind::IsPeerOf => "isPeerOf",
            AssociationKind::Exemplar => "exemplar",
            AssociationKind::HasSkillLevel => "hasSkillLevel",
            AssociationKind::IsTranslationOf => "isTranslationOf",
            AssociationKind::Extension(name) => name,
        }
    }
}

impl fmt::Display for AssociationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A relation between two CASE nodes (CFAssociation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CfAssociation {
    /// Identifier.
    pub identifier: String,
    /// What relation.
    pub kind: AssociationKind,
    /// The origin node.
    pub origin_node: NodeRef,
    /// The destination node.
    pub destination_node: NodeRef,
    /// Position among siblings.
    pub sequence_number: Option<i64>,
    /// Where the association was read.
    pub origin: Origin,
}

/// One level of a rubric criterion (CFRubricCriterionLevel).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CfRubricLevel {
    /// Identifier.
    pub identifier: String,
    /// Description.
    pub description: Option<String>,
    /// Quality label (e.g. "Proficient").
    pub quality: Option<String>,
    /// Score.
    pub score: Option<f64>,
    /// Position.
    pub position: Option<i64>,
}

/// A rubric criterion, usually tied to one CFItem (CFRubricCriterion).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CfRubricCriterion {
    /// Identifier.
    pub identifier: String,
    /// The item it assesses (identifier), if any.
    pub item: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Weight.
    pub weight: Option<f64>,
    /// Levels, in position order.
    pub levels: Vec<CfRubricLevel>,
}

/// A rubric (CFRubric).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CfRubric {
    /// Identifier.
    pub identifier: String,
    /// URI.
    pub uri: String,
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Criteria.
    pub criteria: Vec<CfRubricCriterion>,
}

/// One competency framework: a CASE CFPackage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    /// The CASE version it was read as.
    pub case_version: CaseVersion,
    /// The document.
    pub document: CfDocument,
    /// Items, in file order.
    pub items: Vec<CfItem>,
    /// Associations, in file order.
    pub associations: Vec<CfAssociation>,
    /// Rubrics.
    pub rubrics: Vec<CfRubric>,
    /// The file it came from.
    pub origin: Origin,
}
