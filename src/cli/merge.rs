//! `xtranscript merge-manifests SHARD-MANIFEST… --out manifest.json`: the manifest of a whole run from the
//! manifests its shards wrote (`build --shard K/N`), once their status allocations are checked: the
//! registries beside the manifests (`OUT/status/registry*.jsonl`) give no index of a list to two credentials,
//! and each says what its shard's manifest says.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use xtranscript::export::{self, Manifest};
use xtranscript::status::registry::Registry;
use xtranscript::status::shards::{self, ShardManifest};

use super::status_store::StatusDir;
use super::{EXIT_OK, EXIT_PROBLEMS};

/// The most status problems printed (the count of the others follows).
const MAX_SHOWN: usize = 20;

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
    let (problems, summary) = status_problems(&args.manifests, &manifests)?;
    let merged = match export::merge(manifests) {
        Ok(merged) => merged,
        Err(e) => {
            let which = e.index().and_then(|i| args.manifests.get(i - 1));
            let which = which.map(|p| format!(" (manifest {} is {})", e.index().unwrap_or(0), p.display()));
            eprintln!("xtranscript: error: {e}{}", which.unwrap_or_default());
            return Ok(EXIT_PROBLEMS);
        }
    };
    if !problems.is_empty() {
        for problem in problems.iter().take(MAX_SHOWN) {
            eprintln!("xtranscript: error: {problem}");
        }
        if problems.len() > MAX_SHOWN {
            eprintln!("xtranscript: error: and {} more status problem(s)", problems.len() - MAX_SHOWN);
        }
        eprintln!("xtranscript: the shards' status allocations are not those of one run: nothing merged");
        return Ok(EXIT_PROBLEMS);
    }
    export::write_atomic(&args.out, &merged.to_bytes()).with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!("xtranscript: {summary}");
    eprintln!(
        "xtranscript: merged {} shard(s): {} learner(s), {} failure(s) into {}",
        args.manifests.len(),
        merged.learners.len(),
        merged.failures.len(),
        args.out.display()
    );
    Ok(if merged.failures.is_empty() { EXIT_OK } else { EXIT_PROBLEMS })
}

/// The registry files of one output directory.
struct Source {
    /// Its `status/` directory, canonical (shards that wrote into one directory share it).
    dir: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
}

/// The status problems of the shards whose manifests are at `paths` (none when no shard has a registry: a
/// run without status lists), and a line saying what was checked.
fn status_problems(paths: &[PathBuf], manifests: &[Manifest]) -> anyhow::Result<(Vec<String>, String)> {
    let mut sources: Vec<Source> = Vec::new();
    let mut source_of = Vec::new();
    for path in paths {
        let out = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let files = StatusDir::new(&out).registry_files()?;
        if files.is_empty() {
            source_of.push(None);
            continue;
        }
        let dir = status_dir(&out)?;
        let at = sources.iter().position(|s| s.dir == dir).unwrap_or_else(|| {
            sources.push(Source { dir, files });
            sources.len() - 1
        });
        source_of.push(Some(at));
    }
    let mut problems = Vec::new();
    if sources.is_empty() {
        let summary = "status allocations not checked: no status registry (OUT/status/registry*.jsonl) beside the \
                       manifests";
        return Ok((problems, summary.to_string()));
    }
    for (path, source) in paths.iter().zip(&source_of) {
        if source.is_none() {
            problems.push(format!("{} has no status registry beside it (status/registry*.jsonl)", path.display()));
        }
    }
    let all_files = sources.iter().enumerate().flat_map(|(i, s)| s.files.iter().map(move |(_, b)| (i, b.as_slice())));
    for c in shards::collisions(all_files) {
        problems.push(format!(
            "index {} of the status list {} is given to {} (in {}) and to {} (in {})",
            c.index,
            c.list,
            c.first.0,
            sources[c.first.1].dir.display(),
            c.second.0,
            sources[c.second.1].dir.display()
        ));
    }
    for (manifest, source) in manifests.iter().zip(&source_of) {
        let Some(at) = *source else { continue };
        let registry = Registry::replay(sources[at].files.iter().map(|(_, b)| b.as_slice()));
        let learners = manifest.learners.iter();
        let shard = ShardManifest {
            shard: manifest.shard.as_deref().unwrap_or_default(),
            learners: learners.map(|e| (e.id.as_str(), e.counts.get("credentials").copied().unwrap_or(0))).collect(),
            others: manifest
                .failures
                .iter()
                .map(|f| f.id.as_str())
                .chain(manifest.withdrawn.iter().map(|w| w.id.as_str()))
                .collect(),
        };
        problems.extend(shards::mismatches(&shard, &registry));
    }
    let files: usize = sources.iter().map(|s| s.files.len()).sum();
    let summary = format!(
        "status allocations checked: {files} registry file(s) in {} output director(ies), no index given twice, \
         each registry as its manifest says",
        sources.len()
    );
    Ok((problems, summary))
}

/// The canonical path of `out`'s `status/` directory.
fn status_dir(out: &Path) -> anyhow::Result<PathBuf> {
    let dir = out.join("status");
    std::fs::canonicalize(&dir).with_context(|| format!("reading {}", dir.display()))
}
