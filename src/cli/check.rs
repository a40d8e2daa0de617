//! `xtranscript check PATH…`: load everything, print a summary and every diagnostic.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use xtranscript::diag::Diagnostic;
use xtranscript::ingest::Summary;

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
    let (input, _graph, mut diags) = load_linked(&args.paths);
    if let Some(config) = &input.config {
        pesc_limits(&input, config, &mut diags);
    }
    let summary = input.summary();
    match args.format {
        Format::Text => {
            print_summary(&summary)?;
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

/// What transcript.xml could not carry whole (XT0601 warnings), reported before any build.
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
