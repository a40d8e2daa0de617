//! `xtranscript merge-manifests SHARD-MANIFEST… --out manifest.json`: the manifest of a whole run from the
//! manifests its shards wrote (`build --shard K/N`).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use xtranscript::export::{self, Manifest};

use super::{EXIT_OK, EXIT_PROBLEMS};

/// Arguments of `merge-manifests`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' manifests (manifest-shard-K-of-N.json), every K of N exactly once.
    #[arg(value_name = "MANIFEST", required = true)]
    manifests: Vec<PathBuf>,
    /// Where to write the merged manifest.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `merge-manifests`.
pub fn run(args: &MergeArgs) -> anyhow::Result<u8> {
    let mut manifests = Vec::new();
    for path in &args.manifests {
        let bytes = super::out_files::read(path, super::out_files::MAX_MANIFEST_BYTES)?;
        let manifest = Manifest::from_bytes(&bytes)
            .with_context(|| format!("{} is not an xtranscript manifest", path.display()))?;
        manifests.push(manifest);
    }
    let merged = match export::merge(manifests) {
        Ok(merged) => merged,
        Err(e) => {
            let which = e.index().and_then(|i| args.manifests.get(i - 1));
            let which = which.map(|p| format!(" (manifest {} is {})", e.index().unwrap_or(0), p.display()));
            eprintln!("xtranscript: error: {e}{}", which.unwrap_or_default());
            return Ok(EXIT_PROBLEMS);
        }
    };
    export::write_atomic(&args.out, &merged.to_bytes()).with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "xtranscript: merged {} shard(s): {} learner(s), {} failure(s) into {}",
        args.manifests.len(),
        merged.learners.len(),
        merged.failures.len(),
        args.out.display()
    );
    Ok(if merged.failures.is_empty() { EXIT_OK } else { EXIT_PROBLEMS })
}
