//! CASE CFPackage JSON: parsed, then built into a competency graph (cycles, reachability).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use xtranscript::config::MasteryConfig;
use xtranscript::diag::Diagnostics;
use xtranscript::graph::CompetencyGraph;
use xtranscript::ingest::case::parse_case_json;
use xtranscript::model::Records;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut diags = Diagnostics::new();
    if let Some(framework) = parse_case_json(text, Path::new("f.json"), &mut diags) {
        let graph = CompetencyGraph::build(&Records::default(), &[framework], &MasteryConfig::default(), &mut diags);
        let _ = graph.node_count();
    }
});
