//! Small CASE JSON packages, one a diagnostic.

use std::path::Path;

use crate::diag::{Code, Diagnostics, Severity};
use crate::model::{AssociationKind, CaseVersion, Framework};

use super::parse_case_json;

fn parse(text: &str) -> (Option<Framework>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let framework = parse_case_json(text, Path::new("f.json"), &mut diags);
    (framework, diags)
}

fn codes(diags: &Diagnostics) -> Vec<(Code, Severity, Option<u64>)> {
    diags.iter().map(|d| (d.code, d.severity, d.origin.as_ref().and_then(|o| o.line))).collect()
}

const DOC: &str = r#""CFDocument": {"identifier": "d", "uri": "http://x/d", "title": "Doc", "creator": "C"}"#;

fn item(id: &str) -> String {
    format!(r#"{{"identifier": "{id}", "uri": "http://x/{id}", "fullStatement": "Statement {id}"}}"#)
}

fn association(id: &str, kind: &str, origin: &str, destination: &str) -> String {
    format!(
        r#"{{"identifier": "{id}", "associationType": "{kind}", "originNodeURI": {{"identifier": "{origin}", "uri": "http://x/{origin}"}}, "destinationNodeURI": {{"identifier": "{destination}", "uri": "http://x/{destination}"}}}}"#
    )
}

#[test]
fn malformed_json_is_json_syntax_at_its_line() {
    let text = "{\n  \"CFDocument\": {\n    \"identifier\": \"d\",\n    \"title\" \"x\"\n  }\n}";
    let (framework, diags) = parse(text);
    assert!(framework.is_none());
    let d = diags.iter().next().expect("one diagnostic");
    assert_eq!(d.code, Code::JsonSyntax);
    let origin = d.origin.as_ref().expect("a position");
    assert_eq!((origin.line, origin.column), (Some(4), Some(13)));
    assert!(!d.message.contains(" at line "), "{}", d.message);
}

#[test]
fn a_duplicate_member_name_is_refused_at_its_line() {
    let text = "{\n  \"CFDocument\": {\"identifier\": \"d\", \"title\": \"A\",\n    \"title\": \"B\"}\n}";
    let (framework, diags) = parse(text);
    assert!(framework.is_none());
    let d = diags.iter().next().expect("one diagnostic");
    assert_eq!(d.code, Code::JsonSyntax);
    assert!(d.message.contains("duplicate member name \"title\""), "{}", d.message);
    assert_eq!(d.origin.as_ref().and_then(|o| o.line), Some(3));
}

#[test]
fn syntax_error_columns_count_characters() {
    let (_, diags) = parse("{\"title\": \"ÇÇÇ\" x}");
    let origin = diags.iter().next().and_then(|d| d.origin.clone()).expect("a position");
    assert_eq!((origin.line, origin.column), (Some(1), Some(17)));
}

#[test]
fn item_without_full_statement_is_reported_and_the_others_kept() {
    let text = format!(
        "{{{DOC},\n\"CFItems\": [\n{},\n{{\"identifier\": \"bad\", \"uri\": \"http://x/bad\"}},\n{}\n]}}",
        item("a"),
        item("b")
    );
    let (framework, diags) = parse(&text);
    let framework = framework.expect("a framework");
    let ids: Vec<_> = framework.items.iter().map(|i| i.identifier.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(codes(&diags), [(Code::CaseShape, Severity::Error, Some(4))]);
    assert_eq!(framework.items[1].origin.line, Some(5));
}

#[test]
fn item_without_uri_is_kept_with_a_fallback() {
    let text = format!(r#"{{{DOC}, "CFItems": [{{"identifier": "a", "fullStatement": "S"}}]}}"#);
    let (framework, diags) = parse(&text);
    assert_eq!(framework.expect("a framework").items[0].uri, "urn:case:a");
    assert_eq!(codes(&diags), [(Code::CaseShape, Severity::Error, Some(1))]);
}

#[test]
fn duplicate_identifier_is_reported_and_the_second_skipped() {
    let text = format!(
        "{{{DOC},\n\"CFItems\": [\n{},\n{}\n],\n\"CFAssociations\": [{}]}}",
        item("a"),
        item("a"),
        association("d", "isChildOf", "a", "d")
    );
    let (framework, diags) = parse(&text);
    let framework = framework.expect("a framework");
    assert_eq!(framework.items.len(), 1);
    // The association reuses the document's identifier.
    assert!(framework.associations.is_empty());
    let found = codes(&diags);
    assert_eq!(found[0], (Code::DuplicateIdentifier, Severity::Error, Some(4)));
    assert_eq!(found[1].0, Code::DuplicateIdentifier);
    assert!(diags.iter().next().and_then(|d| d.help.clone()).unwrap_or_default().contains("f.json:3"));
}

#[test]
fn unknown_association_type_is_a_warning_and_skipped() {
    let text = format!(
        "{{{DOC}, \"CFItems\": [{}],\n\"CFAssociations\": [\n{},\n{},\n{}]}}",
        item("a"),
        association("x1", "isChildOf", "a", "d"),
        association("x2", "isCousinOf", "a", "d"),
        association("x3", "ext:isCousinOf", "a", "d")
    );
    let (framework, diags) = parse(&text);
    let kinds: Vec<_> = framework.expect("a framework").associations.into_iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AssociationKind::IsChildOf, AssociationKind::Extension("ext:isCousinOf".into())]);
    assert_eq!(codes(&diags), [(Code::UnknownAssociationType, Severity::Warning, Some(4))]);
}

#[test]
fn association_without_ends_is_case_shape() {
    let text = format!(
        r#"{{{DOC}, "CFAssociations": [{{"identifier": "x", "associationType": "isChildOf", "originNodeURI": null}}]}}"#
    );
    let (framework, diags) = parse(&text);
    assert!(framework.expect("a framework").associations.is_empty());
    assert_eq!(codes(&diags), [(Code::CaseShape, Severity::Error, Some(1))]);
}

#[test]
fn dangling_association_is_reported_and_crosswalks_kept() {
    let text = format!(
        r#"{{{DOC}, "CFItems": [{}], "CFAssociations": [
            {{"identifier": "x1", "associationType": "exactMatchOf", "originNodeURI": {{"identifier": "a", "uri": "http://alias/a"}}, "destinationNodeURI": {{"identifier": "elsewhere", "uri": "http://y/e"}}}},
            {{"identifier": "x2", "associationType": "isRelatedTo", "originNodeURI": {{"identifier": "p"}}, "destinationNodeURI": {{"identifier": "q"}}}}
        ]}}"#,
        item("a")
    );
    let (framework, diags) = parse(&text);
    let framework = framework.expect("a framework");
    assert_eq!(framework.associations.len(), 1);
    let crosswalk = &framework.associations[0];
    assert_eq!(crosswalk.origin_node.uri, "http://x/a", "completed from the package");
    assert_eq!(crosswalk.destination_node.identifier, "elsewhere");
    assert_eq!(codes(&diags), [(Code::DanglingAssociation, Severity::Warning, Some(3))]);
}

#[test]
fn case_1_0_opensalt_variants_are_accepted() {
    let text = r#"{"CFDocument": {"identifier": "d", "uri": "http:\/\/x\/d", "title": "T", "creator": "C", "version": null},
      "CFItems": [{"CFDocumentURI": "http:\/\/x\/d", "identifier": "a", "uri": "http:\/\/x\/a",
        "fullStatement": "S", "educationalLevel": "09,10", "CFItemType": null,
        "CFItemTypeURI": {"title": "Cluster", "identifier": "t", "uri": "http:\/\/x\/t"},
        "listEnumeration": 3, "notes": null, "somethingElse": {"deep": [1, 2]}}],
      "CFAssociations": [{"identifier": "x", "associationType": "isChildOf", "sequenceNumber": "2",
        "originNodeURI": {"identifier": "a", "uri": "http:\/\/x\/a"},
        "destinationNodeURI": "http:\/\/x\/d"}]}"#;
    let (framework, diags) = parse(text);
    assert!(diags.is_empty(), "{diags:?}");
    let framework = framework.expect("a framework");
    assert_eq!(framework.case_version, CaseVersion::V1_0);
    let item = &framework.items[0];
    assert_eq!(item.education_level, ["09", "10"]);
    assert_eq!(item.item_type.as_deref(), Some("Cluster"));
    assert_eq!(item.list_enumeration.as_deref(), Some("3"));
    assert_eq!(item.origin.line, Some(2));
    let association = &framework.associations[0];
    assert_eq!(association.destination_node.identifier, "d");
    assert_eq!(association.sequence_number, Some(2));
    assert_eq!(framework.document.version, None);
}

#[test]
fn wrapped_and_flattened_packages() {
    let wrapped = format!(r#"{{"CFPackage": {{{DOC}, "CFItems": [{}]}}}}"#, item("a"));
    let (framework, diags) = parse(&wrapped);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(framework.expect("a framework").items.len(), 1);

    let flat = format!(
        r#"{{"identifier": "d", "uri": "http://x/d", "title": "T", "caseVersion": "1.1", "CFItems": [{}]}}"#,
        item("a")
    );
    let (framework, diags) = parse(&flat);
    assert!(diags.is_empty(), "{diags:?}");
    let framework = framework.expect("a framework");
    assert_eq!(framework.document.identifier, "d");
    assert_eq!(framework.case_version, CaseVersion::V1_1);
}

#[test]
fn missing_document_is_reported_and_made_up_from_the_items() {
    let text = r#"{"CFItems": [{"identifier": "a", "uri": "u", "fullStatement": "S",
        "CFDocumentURI": {"identifier": "d", "uri": "http://x/d", "title": "From item"}}]}"#;
    let (framework, diags) = parse(text);
    let framework = framework.expect("a framework");
    assert_eq!(framework.document.identifier, "d");
    assert_eq!(framework.document.title, "From item");
    assert_eq!(codes(&diags), [(Code::CaseShape, Severity::Error, None)]);

    let (framework, diags) = parse(r#"{"something": "else"}"#);
    assert!(framework.is_none());
    assert_eq!(diags.len(), 1);
    let (framework, diags) = parse("[1, 2]");
    assert!(framework.is_none());
    assert_eq!(codes(&diags), [(Code::CaseShape, Severity::Error, Some(1))]);
}

#[test]
fn rubrics_with_criteria_and_levels_in_position_order() {
    let text = format!(
        r#"{{{DOC}, "CFItems": [{}], "CFRubrics": [{{"identifier": "r", "uri": "http://x/r", "title": "R",
          "CFRubricCriteria": [
            {{"identifier": "c2", "position": 2, "CFItemURI": {{"uri": "http://x/a"}}}},
            {{"identifier": "c1", "position": 1, "weight": 0.5, "CFRubricCriterionLevels": [
              {{"identifier": "l2", "position": 2, "score": 1}},
              {{"identifier": "l1", "position": 1, "score": "2.5", "quality": "Good"}},
              {{"identifier": "l0", "position": null}}]}}]}}]}}"#,
        item("a")
    );
    let (framework, diags) = parse(&text);
    assert!(diags.is_empty(), "{diags:?}");
    let rubric = &framework.expect("a framework").rubrics[0];
    let criteria: Vec<_> = rubric.criteria.iter().map(|c| c.identifier.as_str()).collect();
    assert_eq!(criteria, ["c1", "c2"]);
    assert_eq!(rubric.criteria[1].item.as_deref(), Some("a"));
    let levels: Vec<_> = rubric.criteria[0].levels.iter().map(|l| (l.identifier.as_str(), l.score)).collect();
    assert_eq!(levels, [("l1", Some(2.5)), ("l2", Some(1.0)), ("l0", None)]);
}

#[test]
fn never_panics_on_truncated_or_odd_input() {
    let text = format!(
        "{{{DOC}, \"CFItems\": [{}, 7, null], \"CFAssociations\": {{}}, \"CFRubrics\": [{{\"CFRubricCriteria\": 3}}]}}",
        item("é")
    );
    for end in (0..=text.len()).filter(|&end| text.is_char_boundary(end)) {
        let mut diags = Diagnostics::new();
        let _ = parse_case_json(&text[..end], Path::new("f.json"), &mut diags);
    }
    let deep = "[".repeat(10_000);
    assert!(parse(&deep).0.is_none());
    let (framework, diags) = parse(&text);
    assert_eq!(framework.expect("a framework").items.len(), 1);
    assert_eq!(diags.error_count(), 4, "{diags:?}");
}
