//! The one place ingest touches the file system: finding the input files,
//! reading their bytes, and handing them to the pure parsers.

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::csv::links::Failed;
use super::csv::{self as tables, Layouts, ReadOptions, TABLES};
use super::{case, pesc};
use crate::config::{Config, locate};
use crate::diag::{Code, Diagnostics, Origin};
use crate::model::{Framework, LearnerSubset, Records};

/// The name of the institution's settings file in an input directory.
pub const CONFIG_FILE: &str = "institution.toml";

/// Everything read from the inputs of one run.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// The institution's settings, when an input directory had them (and they were valid).
    pub config: Option<Config>,
    /// Learner records from CSV and PESC XML, cross-checked.
    pub records: Records,
    /// Competency frameworks, in the order read (file names sorted).
    pub frameworks: Vec<Framework>,
    /// Every file read, in the order read.
    pub files: Vec<PathBuf>,
    /// How many PESC transcripts were read.
    pub pesc_transcripts: usize,
}

/// Counts of what was read, for `check`'s summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Learners.
    pub learners: usize,
    /// Terms.
    pub terms: usize,
    /// Catalog courses.
    pub courses: usize,
    /// Course records.
    pub course_records: usize,
    /// Achievement definitions.
    pub achievements: usize,
    /// Awards.
    pub awards: usize,
    /// Alignments (alignments.csv rows plus achievements' own competency lists).
    pub alignments: usize,
    /// PESC transcripts.
    pub pesc_transcripts: usize,
    /// Frameworks.
    pub frameworks: usize,
    /// Competency items over all frameworks.
    pub competency_items: usize,
    /// CASE associations over all frameworks.
    pub associations: usize,
    /// CASE rubrics over all frameworks.
    pub rubrics: usize,
}

impl Input {
    /// Counts what was read.
    pub fn summary(&self) -> Summary {
        let r = &self.records;
        Summary {
            learners: r.learners.len(),
            terms: r.terms.len(),
            courses: r.courses.len(),
            course_records: r.course_records.len(),
            achievements: r.achievements.len(),
            awards: r.awards.len(),
            alignments: r.alignments.len()
                + r.achievements.values().map(|a| a.aligned_competencies.len()).sum::<usize>(),
            pesc_transcripts: self.pesc_transcripts,
            frameworks: self.frameworks.len(),
            competency_items: self.frameworks.iter().map(|f| f.items.len()).sum(),
            associations: self.frameworks.iter().map(|f| f.associations.len()).sum(),
            rubrics: self.frameworks.iter().map(|f| f.rubrics.len()).sum(),
        }
    }
}

/// Loads every path: input directories (with `institution.toml`), directories of
/// PESC / CASE files, or single `.xml` (PESC), `.json` (CASE) and `.csv` (OpenSALT) files.
pub fn load(paths: &[PathBuf], diags: &mut Diagnostics) -> Input {
    load_subset(paths, &LearnerSubset::ALL, diags)
}

/// [`load`], keeping only the learners of `subset` (and their records): one shard or part of a large run,
/// so that memory is bounded by the subset, not the run. Everything else (settings, catalog, frameworks)
/// is read whole; problems are reported for what is read.
pub fn load_subset(paths: &[PathBuf], subset: &LearnerSubset, diags: &mut Diagnostics) -> Input {
    let mut input = Input::default();
    let mut layouts = Layouts::new();
    let mut failed = Failed::new();
    for path in paths {
        if path.join(CONFIG_FILE).is_file() {
            load_input_dir(path, subset, &mut input, &mut layouts, &mut failed, diags);
        } else if path.is_dir() {
            for file in files_below(path, diags) {
                load_file(&file, &mut input, diags);
            }
        } else if path.is_file() {
            load_file(path, &mut input, diags);
        } else {
            diags
                .error(Code::UnknownInput, Origin::file(path), "no such file or directory")
                .help("name an input directory (with institution.toml), or PESC .xml / CASE .json files");
        }
    }
    if !subset.is_all() {
        input.records.retain_learners(|id| subset.contains(id));
    }
    let scale = input.config.as_ref().map(|c| &c.grading);
    tables::links::check(&mut input.records, scale, &layouts, &failed, diags);
    input
}

/// An input directory: institution.toml, the registrar CSVs, frameworks/ and pesc/.
fn load_input_dir(
    dir: &Path,
    subset: &LearnerSubset,
    input: &mut Input,
    layouts: &mut Layouts,
    failed: &mut Failed,
    diags: &mut Diagnostics,
) {
    let config_path = dir.join(CONFIG_FILE);
    let Some(text) = read_text(&config_path, input, diags) else { return };
    let Some(config) = Config::parse(&text, &config_path, diags) else { return };
    for spec in TABLES {
        let name = config.files.get(spec.name).map_or(spec.file, String::as_str);
        let path = dir.join(name);
        if !path.is_file() {
            if spec.required {
                failed.insert(spec.name);
                diags
                    .error(Code::MissingFile, Origin::file(&path), format!("the {} table is missing", spec.name))
                    .help(format!(
                        "export it as {name}, or name your file in institution.toml: [files] {} = \"…\"",
                        spec.name
                    ));
            }
            continue;
        }
        let Some(bytes) = read_bytes(&path, input, diags) else {
            failed.insert(spec.name);
            continue;
        };
        let options = ReadOptions {
            encoding: config.input.file_encodings.get(name).copied().unwrap_or(config.input.encoding),
            delimiter: config.input.delimiter,
            date_format: config.input.date_format,
            mapping: config.columns.get(spec.name),
        };
        match tables::read_into(spec, &bytes, &path, &options, subset, &mut input.records, diags) {
            Some(index) => {
                layouts.insert(path, index);
            }
            None => {
                failed.insert(spec.name);
            }
        }
    }
    check_rendering_files(&config, dir, &text, &config_path, diags);
    // PESC transcripts are told apart (home or transfer) by the institution's settings.
    input.config = Some(config);
    for sub in ["frameworks", "pesc"] {
        let sub = dir.join(sub);
        if sub.is_dir() {
            for file in files_below(&sub, diags) {
                load_file(&file, input, diags);
            }
        }
    }
}

/// The logo and fonts institution.toml names must be files (`build` reads and checks them before the first
/// learner), so that `check` finds a wrong path too.
fn check_rendering_files(config: &Config, dir: &Path, text: &str, config_path: &Path, diags: &mut Diagnostics) {
    for (setting, name) in config.rendering_files() {
        if !dir.join(name).is_file() {
            let written = name.to_string_lossy();
            diags
                .error(
                    Code::MissingFile,
                    locate(text, config_path, &written),
                    format!("{setting} names {written:?}, which is not a file"),
                )
                .help(format!("paths are relative to {}; fix it, or remove the entry", dir.display()));
        }
    }
}

/// A single file, by extension.
fn load_file(path: &Path, input: &mut Input, diags: &mut Diagnostics) {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("xml") => load_pesc(path, input, diags),
        Some("json") => {
            let Some(text) = read_text(path, input, diags) else { return };
            input.frameworks.extend(case::parse_case_json(&text, path, diags));
        }
        Some("csv") => {
            let Some(bytes) = read_bytes(path, input, diags) else { return };
            let encoding = input.config.as_ref().map(|c| c.input.encoding).unwrap_or_default();
            input.frameworks.extend(case::parse_opensalt_csv(&bytes, path, encoding, diags));
        }
        _ => {
            diags.warning(
                Code::UnknownFile,
                Origin::file(path),
                "not a PESC (.xml) or CASE (.json, .csv) file; ignored",
            );
        }
    }
}

/// Streams a PESC file, merging each transcript as soon as it is read.
fn load_pesc(path: &Path, input: &mut Input, diags: &mut Diagnostics) {
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            diags.error(Code::Io, Origin::file(path), format!("cannot open: {e}"));
            return;
        }
    };
    input.files.push(path.to_path_buf());
    let mut merge_diags = Diagnostics::new();
    let config = input.config.as_ref();
    let records = &mut input.records;
    let mut count = 0;
    pesc::read_transcripts(BufReader::new(file), path, diags, |t| {
        count += 1;
        let home = t.source.as_ref().is_none_or(|org| config.is_none_or(|c| is_home(c, &org.name, &org.identifiers)));
        pesc::merge_into(t, home, records, &mut merge_diags);
    });
    input.pesc_transcripts += count;
    diags.extend(merge_diags);
}

/// Whether a transcript's sending organization is this institution: same name or a shared identifier.
fn is_home(config: &Config, name: &str, identifiers: &[(String, String)]) -> bool {
    let us = &config.institution;
    us.name.trim().eq_ignore_ascii_case(name.trim())
        || identifiers.iter().any(|(_, v)| us.identifiers.iter().any(|i| i.value == *v))
}

/// The files below `dir`, recursively, sorted by path (dot-files skipped).
fn files_below(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                diags.error(Code::Io, Origin::file(&d), format!("cannot list the directory: {e}"));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() { pending.push(path) } else { out.push(path) }
        }
    }
    out.sort();
    out
}

fn read_bytes(path: &Path, input: &mut Input, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) => {
            input.files.push(path.to_path_buf());
            Some(bytes)
        }
        Err(e) => {
            diags.error(Code::Io, Origin::file(path), format!("cannot read: {e}"));
            None
        }
    }
}

fn read_text(path: &Path, input: &mut Input, diags: &mut Diagnostics) -> Option<String> {
    let bytes = read_bytes(path, input, diags)?;
    match super::text::decode(&bytes, super::text::Encoding::Utf8) {
        Ok(d) => Some(d.text.into_owned()),
        Err(e) => {
            diags.error(Code::Encoding, Origin::line(path, e.line), e.to_string()).help("save the file as UTF-8");
            None
        }
    }
}
