//! The registrar CSV tables with institution.toml: `settings text, NUL, table index byte, CSV bytes`
//! (seeds: `fuzz/seed.sh`). Settings parse, the table is read with their options, cross-checks run.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use xtranscript::config::Config;
use xtranscript::diag::Diagnostics;
use xtranscript::ingest::csv::{Layouts, ReadOptions, TABLES, links, read_into};
use xtranscript::model::{LearnerSubset, Records};

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|&b| b == 0) else { return };
    let (settings, rest) = data.split_at(split);
    let Some((&table, csv)) = rest[1..].split_first() else { return };
    let mut diags = Diagnostics::new();
    let config = Config::parse(&String::from_utf8_lossy(settings), Path::new("institution.toml"), &mut diags);
    let spec = &TABLES[usize::from(table) % TABLES.len()];
    let options = match &config {
        Some(c) => ReadOptions {
            encoding: c.input.encoding,
            delimiter: c.input.delimiter,
            date_format: c.input.date_format,
            mapping: c.columns.get(spec.name),
        },
        None => ReadOptions {
            encoding: Default::default(),
            delimiter: Default::default(),
            date_format: Default::default(),
            mapping: None,
        },
    };
    let mut records = Records::default();
    let mut layouts = Layouts::new();
    let file = Path::new(spec.file);
    if let Some(index) = read_into(spec, csv, file, &options, &LearnerSubset::ALL, &mut records, &mut diags) {
        layouts.insert(file.to_path_buf(), index);
    }
    links::check(&mut records, config.as_ref().map(|c| &c.grading), &layouts, &Default::default(), &mut diags);
    for d in diags.iter() {
        let _ = d.to_string();
    }
});
