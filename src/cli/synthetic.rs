//! `xtranscript gen --learners N --out DIR`: a synthetic input directory.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use xtranscript::{export, synth};

use super::EXIT_OK;

/// Arguments of `gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// How many learners.
    #[arg(long, value_name = "N")]
    learners: usize,
    /// The directory to write (an input directory for `build`).
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Random seed (same seed, same files).
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Runs `gen`.
pub fn run(args: &GenArgs) -> anyhow::Result<u8> {
    for (path, bytes) in synth::input_dir(args.learners, args.seed) {
        let target = args.out.join(&path);
        export::write_atomic(&target, &bytes).with_context(|| format!("writing {}", target.display()))?;
    }
    eprintln!("xtranscript: wrote a synthetic input of {} learner(s) to {}", args.learners, args.out.display());
    Ok(EXIT_OK)
}
