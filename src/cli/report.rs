//! Printing diagnostics for people (stderr) and machines (JSON).

use std::io::{self, Write};

use clap::ValueEnum;
use xtranscript::diag::Diagnostics;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Text for people: the summary on stdout, diagnostics on stderr.
    #[default]
    Text,
    /// One JSON document on stdout.
    Json,
}

/// Writes every diagnostic to stderr, then a count line.
pub fn print_diagnostics(diags: &Diagnostics) -> io::Result<()> {
    let mut err = io::stderr().lock();
    for d in diags.iter() {
        writeln!(err, "{d}")?;
    }
    if !diags.is_empty() {
        writeln!(err, "{} error(s), {} warning(s)", diags.error_count(), diags.warning_count())?;
    }
    Ok(())
}
