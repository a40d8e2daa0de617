//! Small OpenSALT CSV files.

use std::path::Path;

use crate::diag::{Code, Diagnostics, Severity};
use crate::ingest::text::Encoding;
use crate::model::{AssociationKind, Framework};

use super::parse_opensalt_csv;

fn parse(text: &str) -> (Option<Framework>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let framework = parse_opensalt_csv(text.as_bytes(), Path::new("dir/ela.csv"), Encoding::Auto, &mut diags);
    (framework, diags)
}

fn codes(diags: &Diagnostics) -> Vec<(Code, Severity, Option<u64>)> {
    diags.iter().map(|d| (d.code, d.severity, d.origin.as_ref().and_then(|o| o.line))).collect()
}

/// (origin, type, destination) by identifier.
fn edges(framework: &Framework) -> Vec<(String, String, String)> {
    framework
        .associations
        .iter()
        .map(|a| (a.origin_node.identifier.clone(), a.kind.to_string(), a.destination_node.identifier.clone()))
        .collect()
}

fn edge(o: &str, k: &str, d: &str) -> (String, String, String) {
    (o.to_string(), k.to_string(), d.to_string())
}

const HEADER: &str =
    "identifier,fullStatement,humanCodingScheme,smartLevel,listEnumeration,educationLevel,CFItemType\n";

#[test]
fn hierarchy_from_smart_levels() {
    let text = format!("{HEADER}b,Child,L.1.1,1.1,2,\"KG,01\",Standard\na,Root,L.1,1,,01,Strand\nc,Orphan,,7.3,,,\n");
    let (framework, diags) = parse(&text);
    assert!(diags.is_empty(), "{diags:?}");
    let framework = framework.expect("a framework");
    let doc = framework.document.identifier.clone();
    assert_eq!(framework.document.title, "ela");
    assert_eq!(
        edges(&framework),
        [edge("b", "isChildOf", "a"), edge("a", "isChildOf", &doc), edge("c", "isChildOf", &doc)]
    );
    let child = &framework.associations[0];
    assert_eq!((child.origin.line, child.origin.column), (Some(2), Some(4)));
    assert_eq!(child.sequence_number, Some(2));
    assert_eq!(framework.associations[2].sequence_number, Some(3));
    assert_eq!(framework.items[0].education_level, ["KG", "01"]);
    assert_eq!(framework.items[0].uri, "urn:case:b");
    assert_eq!(framework.items[1].origin.line, Some(3));
    assert_eq!(framework, parse(&text).0.expect("a framework"), "deterministic");
}

#[test]
fn association_columns() {
    let text = "identifier,fullStatement,humanCodingScheme,smartLevel,isChildOf,exactMatchOf,isRelatedTo\n\
        a,Root,R,1,,,\n\
        b,Child,R.1,2,R,http://other/x,\n\
        c,Other,,3,1,,\"R.1, NOPE\"\n";
    let (framework, diags) = parse(text);
    let framework = framework.expect("a framework");
    let doc = framework.document.identifier.clone();
    assert_eq!(
        edges(&framework),
        [
            edge("a", "isChildOf", &doc),
            edge("b", "isChildOf", "a"),
            edge("b", "exactMatchOf", "http://other/x"),
            edge("c", "isChildOf", "a"),
            edge("c", "isRelatedTo", "b"),
        ]
    );
    assert_eq!(framework.associations[2].kind, AssociationKind::ExactMatchOf);
    assert_eq!(codes(&diags), [(Code::DanglingAssociation, Severity::Warning, Some(4))]);
    assert_eq!(diags.iter().next().and_then(|d| d.origin.as_ref()?.column), Some(7));
}

#[test]
fn row_without_statement_is_reported_and_the_others_kept() {
    let text = format!("{HEADER}a,Root,,1,,,\nb,,,1.1,,,\n,Derived,X.1,1.2,,,\n");
    let (framework, diags) = parse(&text);
    let framework = framework.expect("a framework");
    assert_eq!(framework.items.len(), 2);
    assert_eq!(framework.items[1].identifier.len(), 36, "a made-up UUID");
    assert_eq!(
        codes(&diags),
        [(Code::CaseShape, Severity::Error, Some(3)), (Code::CaseShape, Severity::Warning, Some(4))]
    );
}

#[test]
fn duplicate_identifiers_and_smart_levels() {
    let text = format!("{HEADER}a,One,,1,,,\na,Two,,2,,,\nc,Three,,1,,,\n");
    let (framework, diags) = parse(&text);
    assert_eq!(framework.expect("a framework").items.len(), 2);
    assert_eq!(
        codes(&diags),
        [(Code::DuplicateIdentifier, Severity::Error, Some(3)), (Code::DuplicateKey, Severity::Warning, Some(4))]
    );
}

#[test]
fn missing_statement_column_and_bad_encoding() {
    let (framework, diags) = parse("identifier,title\na,b\n");
    assert!(framework.is_none());
    assert_eq!(codes(&diags), [(Code::MissingColumn, Severity::Error, Some(1))]);

    let mut diags = Diagnostics::new();
    let bytes = b"identifier,fullStatement\na,caf\xE9\n";
    let framework = parse_opensalt_csv(bytes, Path::new("x.csv"), Encoding::Utf8, &mut diags);
    assert!(framework.is_none());
    assert_eq!(codes(&diags), [(Code::Encoding, Severity::Error, Some(2))]);
}

#[test]
fn semicolons_windows_1252_and_ragged_rows() {
    let bytes = b"Identifier;FULLSTATEMENT;language\r\na;Caf\xE9;fr\r\nb;Short\r\n\r\n;;\r\n";
    let mut diags = Diagnostics::new();
    let framework = parse_opensalt_csv(bytes, Path::new("x.csv"), Encoding::Auto, &mut diags).expect("a framework");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(framework.items[0].full_statement, "Café");
    assert_eq!(framework.items.len(), 2);
    assert_eq!(framework.document.language.as_deref(), Some("fr"));
}

#[test]
fn never_panics_on_odd_input() {
    for text in ["", "\n", "fullStatement", "\"unterminated\n", "fullStatement,smartLevel\nx,.\ny,..\nz,1..\n"] {
        let _ = parse(text);
    }
}
