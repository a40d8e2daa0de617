use std::path::PathBuf;

use super::*;
use crate::diag::Diagnostics;

#[test]
fn generated_input_is_valid_and_sized_as_promised() {
    let files = input_dir(25, 7);
    assert_eq!(files, input_dir(25, 7), "deterministic for a seed");
    let dir = std::env::temp_dir().join(format!("xt-gen-{}", std::process::id()));
    for (path, bytes) in &files {
        crate::export::write_atomic(&dir.join(path), bytes).unwrap();
    }
    let mut diags = Diagnostics::new();
    let input = crate::ingest::load(&[PathBuf::from(&dir)], &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.iter().find(|d| d.severity == crate::diag::Severity::Error));
    let s = input.summary();
    assert_eq!(s.learners, 25);
    assert_eq!(s.competency_items, 2210);
    let per_learner = s.course_records as f64 / 25.0;
    assert!((40.0..=43.0).contains(&per_learner), "{per_learner} records per learner");
    assert!(s.awards >= 25 * 8, "{} awards", s.awards);
    std::fs::remove_dir_all(dir).unwrap();
}
