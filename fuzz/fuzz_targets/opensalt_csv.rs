//! OpenSALT CSV import files: parsed (hierarchy from smartLevel), then built into a competency graph.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use xtranscript::config::MasteryConfig;
use xtranscript::diag::Diagnostics;
use xtranscript::graph::CompetencyGraph;
use xtranscript::ingest::case::parse_opensalt_csv;
use xtranscript::ingest::text::Encoding;
use xtranscript::model::Records;

fuzz_target!(|data: &[u8]| {
    let mut diags = Diagnostics::new();
    if let Some(framework) = parse_opensalt_csv(data, Path::new("f.csv"), Encoding::Auto, &mut diags) {
        let graph = CompetencyGraph::build(&Records::default(), &[framework], &MasteryConfig::default(), &mut diags);
        let _ = graph.node_count();
    }
});
