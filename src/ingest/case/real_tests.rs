//! The real frameworks in `../shared/standards/case/frameworks` all read.

use std::path::PathBuf;

use crate::diag::Diagnostics;
use crate::ingest::text::Encoding;
use crate::model::{CaseVersion, Framework};

use super::{parse_case_json, parse_opensalt_csv};

fn frameworks_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/standards/case/frameworks");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: {} is absent", dir.display());
        None
    }
}

fn read(path: &std::path::Path, diags: &mut Diagnostics) -> Option<Framework> {
    let bytes = std::fs::read(path).ok()?;
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => parse_case_json(&String::from_utf8_lossy(&bytes), path, diags),
        Some("csv") => parse_opensalt_csv(&bytes, path, Encoding::Auto, diags),
        _ => None,
    }
}

#[test]
fn every_real_framework_reads() {
    let Some(dir) = frameworks_dir() else { return };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let mut read_any = false;
    for path in paths.iter().filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "csv"))) {
        let mut diags = Diagnostics::new();
        let framework = read(path, &mut diags);
        for d in diags.iter() {
            println!("{d}");
        }
        let framework = framework.unwrap_or_else(|| panic!("{} did not read", path.display()));
        println!(
            "{}: CASE {:?}, {} items, {} associations, {} rubrics, {} diagnostics",
            path.display(),
            framework.case_version,
            framework.items.len(),
            framework.associations.len(),
            framework.rubrics.len(),
            diags.len()
        );
        assert!(!framework.items.is_empty(), "{}", path.display());
        assert!(!framework.associations.is_empty(), "{}", path.display());
        assert!(!diags.has_errors(), "{}", path.display());
        let name = path.to_string_lossy();
        if name.contains("v1p1") {
            assert_eq!(framework.case_version, CaseVersion::V1_1);
            assert!(!framework.rubrics.is_empty());
        }
        if name.contains("opensalt-what") {
            assert_eq!(framework.case_version, CaseVersion::V1_0);
        }
        read_any = true;
    }
    assert!(read_any, "no frameworks in {}", dir.display());
}
