//! Assembly on the bundled samples: schema validity, determinism, transfer credit.

use std::path::PathBuf;

use super::*;
use crate::diag::Diagnostics;
use crate::ingest::{self, Input};

fn samples() -> (Input, CompetencyGraph) {
    let mut diags = Diagnostics::new();
    let input = ingest::load(&[PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"))], &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.iter().find(|d| d.severity == crate::diag::Severity::Error));
    let config = input.config.as_ref().unwrap();
    let graph = CompetencyGraph::build(&input.records, &input.frameworks, &config.mastery, &mut diags);
    (input, graph)
}

fn assembler<'a>(input: &'a Input, graph: &'a CompetencyGraph) -> Assembler<'a> {
    Assembler::new(
        input.config.as_ref().unwrap(),
        &input.records,
        &input.frameworks,
        graph,
        "did:web:registrar.northbridge.example.edu".into(),
        Timestamp::parse("2026-06-15T00:00:00Z").unwrap(),
        b"test secret".to_vec(),
    )
}

#[test]
fn every_sample_learner_is_schema_valid() {
    let (input, graph) = samples();
    let a = assembler(&input, &graph);
    for id in input.records.learners.keys() {
        let clr = a.learner(id).unwrap().unsigned();
        let errors = validate::clr_errors(&clr);
        assert!(errors.is_empty(), "{id}: {errors:#?}");
    }
}

#[test]
fn assembly_is_deterministic() {
    let (input, graph) = samples();
    let a = assembler(&input, &graph);
    let one = serde_json::to_string(&a.learner("N2025020").unwrap().unsigned()).unwrap();
    let two = serde_json::to_string(&a.learner("N2025020").unwrap().unsigned()).unwrap();
    assert_eq!(one, two);
}

#[test]
fn schema_validation_catches_a_broken_credential() {
    let (input, graph) = samples();
    let mut clr = assembler(&input, &graph).learner("N2025020").unwrap().unsigned();
    clr["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["identifier"][0]["identityType"] =
        "studentId".into();
    clr.as_object_mut().unwrap().remove("validFrom");
    let errors = validate::clr_errors(&clr);
    assert!(errors.iter().any(|e| e.starts_with("clr") && e.contains("validFrom")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.starts_with("verifiableCredential/0/credentialSubject/identifier")), "{errors:#?}");
}

#[test]
fn transfer_learner_gets_transfer_credit_from_pesc() {
    let (input, graph) = samples();
    let t = assembler(&input, &graph).learner("N2025007").unwrap();
    let transfer: Vec<_> =
        t.records.iter().zip(&t.standings.records).filter(|(_, (s, _))| *s == Standing::Transfer).collect();
    assert!(transfer.len() >= 10, "{} transfer records", transfer.len());
    assert!(transfer.iter().any(|(r, _)| r.transfer_institution.as_deref() == Some("Lakeshore Community College")));
    let clr = t.unsigned();
    let creators: Vec<&str> = clr["credentialSubject"]["achievement"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["creator"]["name"].as_str())
        .collect();
    assert!(creators.contains(&"Lakeshore Community College"));
    assert!(t.standings.overall.transfer.value() > 0.0);
}
