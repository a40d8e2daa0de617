//! PESC College Transcript XML: streamed, merged; a refused file is read again to identify its learners.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use xtranscript::diag::Diagnostics;
use xtranscript::ingest::pesc;
use xtranscript::model::Records;

fuzz_target!(|data: &[u8]| {
    let file = Path::new("t.xml");
    let mut diags = Diagnostics::new();
    let mut records = Records::default();
    let mut merge_diags = Diagnostics::new();
    let mut people = pesc::PersonIndex::default();
    let read = pesc::read_transcripts(data, file, &mut diags, |t| {
        pesc::merge_into(t, false, &mut records, &mut people, &mut merge_diags);
    });
    if !read.is_complete() {
        let _ = pesc::identify_learners(data, file, |t| pesc::learner_key(t, true, &records, &mut people));
    }
});
