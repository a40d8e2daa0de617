//! Telling CASE 1.0 from CASE 1.1.

use serde_json::Value;

use crate::model::CaseVersion;

use super::fields::{Object, text};

/// The CASE version of a package (its top-level object, after unwrapping).
///
/// A package is read as **CASE 1.1** when any of these holds, and as 1.0 otherwise:
///
/// 1. the document has `caseVersion` starting with `1.1`, or a `frameworkType`
///    (both are new in 1.1);
/// 2. the `uri` or `CFPackageURI` of the document, or the `uri` of any item,
///    association or rubric, has the 1.1 API path `/v1p1/`;
/// 3. the package, document, or any item, association or rubric has an
///    `extensions` member (new in 1.1);
/// 4. an item has `subject` or `subjectURI`, an association has `notes` or the
///    type `isTranslationOf`, or an association end has `targetType` (all new in 1.1).
///
/// 1.0 and 1.1 packages are read the same way; the version is recorded so that
/// later stages can say which one a framework claimed.
pub(super) fn detect(package: &Object, document: Option<&Object>) -> CaseVersion {
    let is_1_1 = document.is_some_and(document_says_1_1)
        || package.contains_key("extensions")
        || objects(package, "CFItems").any(item_says_1_1)
        || objects(package, "CFAssociations").any(association_says_1_1)
        || objects(package, "CFRubrics").any(|r| has_1_1_uri(r) || r.contains_key("extensions"));
    if is_1_1 { CaseVersion::V1_1 } else { CaseVersion::V1_0 }
}

fn document_says_1_1(doc: &Object) -> bool {
    text(doc, "caseVersion").is_some_and(|v| v.trim().starts_with("1.1"))
        || doc.contains_key("frameworkType")
        || doc.contains_key("extensions")
        || has_1_1_uri(doc)
        || text(doc, "CFPackageURI").is_some_and(|u| is_1_1_path(&u))
}

fn item_says_1_1(item: &Object) -> bool {
    ["subject", "subjectURI", "extensions"].iter().any(|key| item.get(*key).is_some_and(|v| !v.is_null()))
        || has_1_1_uri(item)
}

fn association_says_1_1(association: &Object) -> bool {
    let has_target_type =
        |key: &str| association.get(key).and_then(Value::as_object).is_some_and(|end| end.contains_key("targetType"));
    association.get("notes").is_some_and(|v| !v.is_null())
        || association.contains_key("extensions")
        || text(association, "associationType").as_deref() == Some("isTranslationOf")
        || has_target_type("originNodeURI")
        || has_target_type("destinationNodeURI")
        || has_1_1_uri(association)
}

fn has_1_1_uri(obj: &Object) -> bool {
    text(obj, "uri").is_some_and(|u| is_1_1_path(&u))
}

fn is_1_1_path(uri: &str) -> bool {
    uri.contains("/v1p1/")
}

fn objects<'a>(package: &'a Object, key: &str) -> impl Iterator<Item = &'a Object> {
    package.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn version(package: Value) -> CaseVersion {
        let package = package.as_object().cloned().unwrap_or_default();
        let document = package.get("CFDocument").and_then(Value::as_object).cloned();
        detect(&package, document.as_ref())
    }

    #[test]
    fn plain_packages_are_1_0() {
        assert_eq!(
            version(json!({"CFDocument": {"uri": "http://x/uri/1"}, "CFItems": [{"educationalLevel": "06"}]})),
            CaseVersion::V1_0
        );
    }

    #[test]
    fn markers_of_1_1() {
        assert_eq!(version(json!({"CFDocument": {"caseVersion": "1.1"}})), CaseVersion::V1_1);
        assert_eq!(version(json!({"CFDocument": {"frameworkType": "CourseCodes"}})), CaseVersion::V1_1);
        assert_eq!(version(json!({"CFDocument": {"uri": "https://h/ims/case/v1p1/CFDocuments/1"}})), CaseVersion::V1_1);
        assert_eq!(version(json!({"CFItems": [{"subject": ["x"]}]})), CaseVersion::V1_1);
        assert_eq!(version(json!({"CFAssociations": [{"associationType": "isTranslationOf"}]})), CaseVersion::V1_1);
        assert_eq!(version(json!({"CFRubrics": [{"extensions": {}}]})), CaseVersion::V1_1);
    }
}
