//! The one place ingest touches the file system: finding the input files,
//! reading their bytes, and handing them to the pure parsers.

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::csv::links::Failed;
use super::csv::{self as tables, Layouts, ReadOptions, TABLES};
use super::files::{self, MAX_INPUT_BYTES, MAX_SETTINGS_BYTES};
use super::{case, pesc};
use crate::config::Config;
use crate::diag::{Code, Diagnostics, Origin, Severity};
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
    /// Inputs refused or unreadable that no learner can be built without: institution.toml, a registrar table
    /// that could not be read at all, a framework with errors, a PESC file whose learners could not all be
    /// identified. Each was reported as an error; `build` stops before signing anything while one is listed.
    pub blocking: Vec<Origin>,
    /// The learners by name and birth date, for recognising a transfer transcript's learner.
    pub(crate) people: pesc::PersonIndex,
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
        let (files_before, errors_before) = (input.files.len(), diags.len());
        let meta = fs::metadata(path);
        if path.join(CONFIG_FILE).exists() {
            load_input_dir(path, subset, &mut input, &mut layouts, &mut failed, diags);
        } else if meta.as_ref().is_ok_and(fs::Metadata::is_dir) {
            for file in files_below(path, diags) {
                load_file(&file, &mut input, diags);
            }
        } else if meta.as_ref().is_ok_and(fs::Metadata::is_file) {
            load_file(path, &mut input, diags);
        } else {
            let message = if meta.is_ok() { "not a file or directory" } else { "no such file or directory" };
            diags
                .error(Code::UnknownInput, Origin::file(path), message)
                .help("name an input directory (with institution.toml), or PESC .xml / CASE .json files");
        }
        // A README or an empty directory must not pass for an input with nothing wrong in it.
        if input.files.len() == files_before && !diags.errors_since(errors_before) {
            diags
                .error(
                    Code::NoInput,
                    Origin::file(path),
                    "nothing to read here: no institution.toml, PESC or CASE file",
                )
                .help(
                    "name an input directory (with institution.toml), or PESC .xml / CASE .json / OpenSALT .csv files",
                );
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
    let Some(text) = read_text(&config_path, MAX_SETTINGS_BYTES, input, diags) else {
        input.blocking.push(Origin::file(&config_path));
        return;
    };
    let Some(config) = Config::parse(&text, &config_path, diags) else {
        input.blocking.push(Origin::file(&config_path));
        return;
    };
    for spec in TABLES {
        let name = config.files.get(spec.name).map_or(spec.file, String::as_str);
        let path = dir.join(name);
        if !path.exists() {
            if spec.required {
                failed.insert(spec.name);
                input.blocking.push(Origin::file(&path));
                diags
                    .error(Code::MissingFile, Origin::file(&path), format!("the {} table is missing", spec.name))
                    .help(format!(
                        "export it as {name}, or name your file in institution.toml: [files] {} = \"…\"",
                        spec.name
                    ));
            }
            continue;
        }
        let Some(bytes) = read_bytes(&path, MAX_INPUT_BYTES, input, diags) else {
            failed.insert(spec.name);
            input.blocking.push(Origin::file(&path));
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
                input.blocking.push(Origin::file(&path));
            }
        }
    }
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

/// A single file, by extension.
fn load_file(path: &Path, input: &mut Input, diags: &mut Diagnostics) {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let before = diags.len();
    match extension.as_deref() {
        Some("xml") => load_pesc(path, input, diags),
        Some("json") => {
            if let Some(text) = read_text(path, MAX_INPUT_BYTES, input, diags) {
                input.frameworks.extend(case::parse_case_json(&text, path, diags));
            }
        }
        Some("csv") => {
            if let Some(bytes) = read_bytes(path, MAX_INPUT_BYTES, input, diags) {
                let encoding = input.config.as_ref().map(|c| c.input.encoding).unwrap_or_default();
                input.frameworks.extend(case::parse_opensalt_csv(&bytes, path, encoding, diags));
            }
        }
        _ => {
            diags.warning(
                Code::UnknownFile,
                Origin::file(path),
                "not a PESC (.xml) or CASE (.json, .csv) file; ignored",
            );
        }
    }
    // Frameworks are shared by every learner: one with errors (truncated, refused, unreadable) would leave
    // every transcript silently short of its competencies.
    if extension.as_deref() != Some("xml") && diags.errors_since(before) {
        input.blocking.push(Origin::file(path));
    }
}

/// Streams a PESC file, merging each transcript as soon as it is read. A file that cannot be read to its end
/// (refused for a DTD, malformed, unreadable) fails every learner it holds: those merged before the problem and
/// those found by [`pesc::identify_learners`]; when they cannot all be identified, the run is blocked.
fn load_pesc(path: &Path, input: &mut Input, diags: &mut Diagnostics) {
    let file = match files::open_regular(path, MAX_INPUT_BYTES) {
        Ok((f, _)) => f,
        Err(e) => {
            diags.error(Code::Io, Origin::file(path), format!("cannot open: {e}"));
            input.blocking.push(Origin::file(path));
            return;
        }
    };
    input.files.push(path.to_path_buf());
    let mut merge_diags = Diagnostics::new();
    let config = input.config.as_ref();
    let records = &mut input.records;
    let people = &mut input.people;
    let mut merged = Vec::new();
    let before = diags.len();
    let read = pesc::read_transcripts(BufReader::new(file), path, diags, |t| {
        let home = t.source.as_ref().is_none_or(|org| config.is_none_or(|c| is_home(c, &org.name, &org.identifiers)));
        merged.push(pesc::merge_into(t, home, records, people, &mut merge_diags));
    });
    input.pesc_transcripts += merged.len();
    diags.extend(merge_diags);
    if read.is_complete() {
        return;
    }
    let refusal = diags.iter().skip(before).find(|d| d.severity == Severity::Error).and_then(|d| d.origin.clone());
    let refusal = refusal.unwrap_or_else(|| Origin::file(path));
    let identified = files::open_regular(path, MAX_INPUT_BYTES).ok().and_then(|(file, _)| {
        let config = input.config.as_ref();
        let people = &mut input.people;
        pesc::identify_learners(BufReader::new(file), path, |t| {
            let home =
                t.source.as_ref().is_none_or(|org| config.is_none_or(|c| is_home(c, &org.name, &org.identifiers)));
            pesc::learner_key(t, home, &input.records, people)
        })
    });
    match identified {
        Some(ids) => merged.extend(ids),
        None => input.blocking.push(refusal.clone()),
    }
    merged.sort();
    merged.dedup();
    for id in merged {
        input.records.reject(&id, refusal.clone());
    }
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
            // Symbolic links to directories are not followed (no loops); anything not a file is refused when read.
            if entry.file_type().is_ok_and(|t| t.is_dir()) { pending.push(path) } else { out.push(path) }
        }
    }
    out.sort();
    out
}

fn read_bytes(path: &Path, limit: u64, input: &mut Input, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    match files::read_limited(path, limit) {
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

fn read_text(path: &Path, limit: u64, input: &mut Input, diags: &mut Diagnostics) -> Option<String> {
    let bytes = read_bytes(path, limit, input, diags)?;
    match super::text::decode(&bytes, super::text::Encoding::Utf8) {
        Ok(d) => Some(d.text.into_owned()),
        Err(e) => {
            diags.error(Code::Encoding, Origin::line(path, e.line), e.to_string()).help("save the file as UTF-8");
            None
        }
    }
}
