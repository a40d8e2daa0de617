//! Test fixtures shared by the assembly tests and the exporters' tests: an input loaded and its graph built,
//! and an assembler with a fixed issuer, issue date and salt secret.

use std::path::{Path, PathBuf};

use super::Assembler;
use crate::diag::{Diagnostics, Severity};
use crate::graph::CompetencyGraph;
use crate::ingest::{self, Input};
use crate::model::Timestamp;

/// The input directory at `dir`, loaded without errors, and its competency graph.
pub(crate) fn load(dir: &Path) -> (Input, CompetencyGraph) {
    let mut diags = Diagnostics::new();
    let input = ingest::load(&[dir.to_path_buf()], &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.iter().find(|d| d.severity == Severity::Error));
    let config = input.config.as_ref().unwrap();
    let graph = CompetencyGraph::build(&input.records, &input.frameworks, &config.mastery, &mut diags);
    (input, graph)
}

/// The bundled `samples/` directory, loaded.
pub(crate) fn samples() -> (Input, CompetencyGraph) {
    load(&PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples")))
}

/// An assembler for `input` issuing as the samples' did:web on 2026-06-15.
pub(crate) fn assembler<'a>(input: &'a Input, graph: &'a CompetencyGraph) -> Assembler<'a> {
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
