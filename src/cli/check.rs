//! `xtranscript check PATH…`: load everything, print a summary and every diagnostic: every problem `build`
//! would meet with the same inputs on this machine (fonts, logo, templates, key, learner ids, names no font
//! can print), with the same code and message, without signing or writing anything.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use rayon::prelude::*;
use serde::Serialize;
use xtranscript::assemble::Assembler;
use xtranscript::batch;
use xtranscript::config::Config;
use xtranscript::diag::{Diagnostic, Diagnostics};
use xtranscript::graph::CompetencyGraph;
use xtranscript::ingest::{CONFIG_FILE, Input, Summary};
use xtranscript::model::Timestamp;

use super::build::learner::{render_learner, view_of};
use super::build::setup::{self, Rendering, SetupFiles};
use super::report::{Format, print_diagnostics};
use super::{EXIT_OK, EXIT_PROBLEMS, load_linked};

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Input directories (with institution.toml) or single PESC .xml / CASE .json / OpenSALT .csv files.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// The key file `build --key` would sign with (default: institution.key_file, checked when set).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Template overrides, as `build --templates`.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Fallback fonts, as `build --font` (replacing `[transcript] fonts`).
    #[arg(long = "font", value_name = "FILE")]
    fonts: Vec<PathBuf>,
}

#[derive(Serialize)]
struct CheckReport<'a> {
    summary: &'a Summary,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let (input, graph, mut diags) = load_linked(&args.paths);
    if let Some(config) = &input.config {
        pesc_limits(&input, config, &mut diags);
    }
    if let (Some(config), Some(dir)) = (&input.config, args.paths.iter().find(|p| p.join(CONFIG_FILE).exists())) {
        check_build(args, dir, config, &input, &graph, &mut diags);
        diags.sort();
    }
    let summary = input.summary();
    match args.format {
        Format::Text => {
            // Nothing read (a README, an empty directory): the diagnostics say so; a summary of zeros would not.
            if summary != Summary::default() {
                print_summary(&summary)?;
            }
            print_diagnostics(&diags)?;
        }
        Format::Json => {
            let list = diags.clone().into_vec();
            let report = CheckReport {
                summary: &summary,
                errors: diags.error_count(),
                warnings: diags.warning_count(),
                diagnostics: &list,
            };
            let mut out = io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    Ok(if diags.has_errors() { EXIT_PROBLEMS } else { EXIT_OK })
}

/// What `build` of `dir` would meet beyond loading: the fonts, logo, templates and key it reads before the
/// first learner, then each learner's output directory and rendered transcript.
fn check_build(
    args: &CheckArgs,
    dir: &Path,
    config: &Config,
    input: &Input,
    graph: &CompetencyGraph,
    diags: &mut Diagnostics,
) {
    let files = SetupFiles { input: dir, config, fonts: &args.fonts, templates: args.templates.as_deref() };
    let rendering = setup::rendering(&files, diags);
    match &args.key {
        Some(path) => {
            setup::read_key(&files, path, None, diags);
        }
        None => {
            setup::configured_key(&files, diags);
        }
    }
    check_site(dir, config, diags);
    check_retired_keys(dir, config, diags);
    setup::badge_images(dir, &input.records, diags);
    let dirs = batch::directories(&input.records, &mut Default::default());
    for (_, diagnostic) in dirs.refused {
        diags.push(diagnostic);
    }
    if let Some(rendering) = rendering {
        let todo: Vec<&str> = dirs
            .todo
            .iter()
            .map(|(id, _)| id.as_str())
            .filter(|id| !input.records.rejected.contains_key(*id))
            .collect();
        for d in render_all(config, input, graph, &rendering, &todo) {
            diags.push(d);
        }
    }
}

/// The `retired_keys` that the DID document (`did-document`, and `publish` or `build` with `[site] dir`) would
/// refuse (XT0606).
fn check_retired_keys(dir: &Path, config: &Config, diags: &mut Diagnostics) {
    let problems = xtranscript::issuer::retired_key_problems(config);
    if problems.is_empty() {
        return;
    }
    let path = dir.join(xtranscript::ingest::CONFIG_FILE);
    let text = xtranscript::ingest::files::read_limited(&path, xtranscript::ingest::files::MAX_SETTINGS_BYTES)
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    for (id, problem) in problems {
        diags
            .error(xtranscript::diag::Code::BadKey, xtranscript::config::locate(&text, &path, &id), problem.to_string())
            .help("give an Ed25519 key's public_key (z6Mk…), or a JWT key's public_key_jwk with its RFC 7638 thumbprint as id (`keygen --alg p256|rsa` prints both)");
    }
}

/// With `[site]`, the site secret `build` needs; without it, a warning that the verification URLs (the CLR's
/// id, a UUID v5 of public data) can be computed by anyone who knows a student number.
fn check_site(dir: &Path, config: &Config, diags: &mut Diagnostics) {
    if config.site.is_some() {
        super::publish::site_secret(dir, config, None, diags);
        return;
    }
    let Some(url) = &config.transcript.verification_url else { return };
    let path = dir.join(xtranscript::ingest::CONFIG_FILE);
    let text = xtranscript::ingest::files::read_limited(&path, xtranscript::ingest::files::MAX_SETTINGS_BYTES)
        .unwrap_or_default();
    diags
        .warning(
            xtranscript::diag::Code::EnumerableUrl,
            xtranscript::config::locate(&String::from_utf8_lossy(&text), &path, url),
            format!("verification URLs are {url} + the CLR's id, which anyone who knows a student number can compute: a page at that address would let strangers enumerate transcripts"),
        )
        .help("add a [site] section with a secret_file (see README \"Publishing the verification site\"): the URLs then end with an unguessable token");
}

/// Renders every learner of `ids` as `build` would (without signing) and returns why those that fail do.
fn render_all(
    config: &Config,
    input: &Input,
    graph: &CompetencyGraph,
    rendering: &Rendering,
    ids: &[&str],
) -> Vec<Diagnostic> {
    // What the PDF prints of the issuer and the date does not change what it can render.
    let issuer = config.institution.did.clone().unwrap_or_else(|| "did:key:unsigned".to_string());
    let issued_at =
        config.transcript.issued_at.as_deref().and_then(Timestamp::parse).unwrap_or(Timestamp::from_unix(0));
    let assembler = Assembler::new(config, &input.records, &input.frameworks, graph, issuer, issued_at, Vec::new());
    let mut problems: Vec<Diagnostic> = ids
        .par_iter()
        .filter_map(|id| {
            let assembled = assembler.learner(id)?;
            let view = view_of(&assembler, &assembled, rendering);
            render_learner(rendering, &input.records, id, &view).err()
        })
        .collect();
    problems.sort_by(|a, b| a.origin.cmp(&b.origin));
    problems
}

/// What transcript.xml could not carry whole (XT0701 warnings), reported before any build.
fn pesc_limits(
    input: &xtranscript::ingest::Input,
    config: &xtranscript::config::Config,
    diags: &mut xtranscript::diag::Diagnostics,
) {
    use xtranscript::export::pesc;
    let toml = input.files.iter().find(|f| f.file_name().is_some_and(|n| n == xtranscript::ingest::CONFIG_FILE));
    if let Some(file) = toml {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        pesc::check_institution(config, file, &text, diags);
    }
    pesc::check(&input.records, config, diags);
    diags.sort();
}

fn print_summary(s: &Summary) -> io::Result<()> {
    let rows = [
        ("learners", s.learners),
        ("terms", s.terms),
        ("courses", s.courses),
        ("course records", s.course_records),
        ("achievements", s.achievements),
        ("awards", s.awards),
        ("alignments", s.alignments),
        ("PESC transcripts", s.pesc_transcripts),
        ("frameworks", s.frameworks),
        ("competency items", s.competency_items),
        ("associations", s.associations),
        ("rubrics", s.rubrics),
    ];
    let mut out = io::stdout().lock();
    for (label, n) in rows {
        writeln!(out, "{label:>18}  {n}")?;
    }
    Ok(())
}
