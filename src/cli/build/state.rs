//! What a build directory holds between runs: the lock of the run writing it, the manifest and the journal
//! of earlier runs, from which an interrupted run resumes.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use xtranscript::batch::{Journal, Shard};
use xtranscript::export::{self, LearnerEntry, Manifest, Withdrawn};

use crate::cli::out_files::{MAX_MANIFEST_BYTES, read_if_present};

/// The files of one run (or shard) in the output directory.
pub struct RunFiles {
    /// `manifest.json`, or `manifest-shard-K-of-N.json`.
    pub manifest: PathBuf,
    /// The journal.
    pub journal: PathBuf,
    /// The lock file.
    pub lock: PathBuf,
}

impl RunFiles {
    /// The files of `shard` in `out`.
    pub fn new(out: &Path, shard: Shard) -> RunFiles {
        let label = (!shard.is_all()).then(|| shard.to_string());
        let suffix = label.as_ref().map(|s| format!("-shard-{}", s.replace('/', "-of-"))).unwrap_or_default();
        RunFiles {
            manifest: out.join(format!("manifest{suffix}.json")),
            journal: out.join(Journal::file_name(label.as_deref())),
            lock: out.join(format!(".xtranscript{suffix}.lock")),
        }
    }
}

/// Takes the run's lock: one build at a time writes a shard of an output directory. The lock is the
/// operating system's, so a killed run never leaves it taken.
pub fn lock(files: &RunFiles) -> anyhow::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&files.lock)
        .with_context(|| format!("opening {}", files.lock.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => bail!(
            "another xtranscript build is writing {} (lock {}); wait for it to finish",
            files.lock.parent().map_or_else(String::new, |p| p.display().to_string()),
            files.lock.display()
        ),
        Err(fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("locking {}", files.lock.display())),
    }
}

/// What earlier runs into the output directory left, read once when a run starts.
pub struct EarlierRuns {
    /// The learners finished under the same run fingerprint, to keep: those of this shard in the other
    /// manifests of the directory (the whole run's, another shard layout's), then this shard's manifest,
    /// then its journal (an interrupted run's), the later winning. A re-sharded run, or a whole run after
    /// sharded ones, so keeps what is already built; each kept file is checked against its SHA-256.
    /// Empty with `--force`.
    pub finished: BTreeMap<String, LearnerEntry>,
    /// Every learner this shard's manifest and journal record, under any run fingerprint: read before this
    /// run's journal replaces the old one, to find the learners it withdraws.
    pub recorded: BTreeMap<String, LearnerEntry>,
}

/// Reads what earlier runs of `shard` left in the output directory (each file once).
/// A manifest, journal or other manifest there that is not a regular file of bounded size stops the run.
pub fn earlier_runs(files: &RunFiles, fingerprint: &str, shard: Shard, force: bool) -> anyhow::Result<EarlierRuns> {
    let (mut finished, mut recorded) = (BTreeMap::new(), BTreeMap::new());
    if !force {
        for manifest in other_manifests(files)?.into_iter().filter(|m| m.fingerprint == fingerprint) {
            let mine = manifest.learners.into_iter().filter(|e| shard.contains(&e.id));
            finished.extend(mine.map(|e| (e.id.clone(), e)));
        }
    }
    let own = read_if_present(&files.manifest, MAX_MANIFEST_BYTES)?.and_then(|bytes| Manifest::from_bytes(&bytes).ok());
    if let Some(manifest) = own {
        let same_run = !force && manifest.fingerprint == fingerprint;
        for entry in manifest.learners {
            if same_run {
                finished.insert(entry.id.clone(), entry.clone());
            }
            recorded.insert(entry.id.clone(), entry);
        }
    }
    let journal = read_if_present(&files.journal, MAX_MANIFEST_BYTES)?
        .and_then(|bytes| Journal::read(&bytes, &shard.to_string()));
    if let Some((journal_fingerprint, entries)) = journal {
        if !force && journal_fingerprint == fingerprint {
            finished.extend(entries.clone());
        }
        recorded.extend(entries);
    }
    Ok(EarlierRuns { finished, recorded })
}

/// The manifests in the output directory (`manifest.json`, `manifest-shard-K-of-N.json`) but this shard's, in
/// name order.
fn other_manifests(files: &RunFiles) -> anyhow::Result<Vec<Manifest>> {
    let Some(out) = files.manifest.parent() else { return Ok(Vec::new()) };
    let Ok(entries) = fs::read_dir(out) else { return Ok(Vec::new()) };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| *p != files.manifest)
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("manifest") && n.ends_with(".json"))
        })
        .collect();
    paths.sort();
    let mut manifests = Vec::new();
    for path in &paths {
        if let Some(manifest) = read_if_present(path, MAX_MANIFEST_BYTES)?.and_then(|b| Manifest::from_bytes(&b).ok()) {
            manifests.push(manifest);
        }
    }
    Ok(manifests)
}

/// Moves the directory `from` (a learner's files of an earlier issuance) to `OUT/superseded/<directory>/<n>/`
/// (n = 1, 2, … in order), in one rename. A directory already gone is fine.
pub fn move_to_superseded(out: &Path, from: &Path, directory: &str) -> anyhow::Result<()> {
    if !from.is_dir() {
        return Ok(());
    }
    let parent = out.join("superseded").join(directory);
    fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let taken = fs::read_dir(&parent)
        .with_context(|| format!("reading {}", parent.display()))?
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    let to = parent.join((taken + 1).to_string());
    fs::rename(from, &to).with_context(|| format!("moving {} to {}", from.display(), to.display()))
}

/// Moves a withdrawn learner's directory from `OUT/learners/` to `OUT/withdrawn/`, in one rename; an older
/// copy there (a learner withdrawn, back, and withdrawn again) moves to `OUT/superseded/` first: nothing is
/// deleted. A directory already gone is fine; a name that is not the learner's safe directory name (a
/// hand-edited manifest) is not touched.
pub fn withdraw(out: &Path, learner: &Withdrawn) -> anyhow::Result<()> {
    if learner.directory != export::safe_dir_name(&learner.id) {
        return Ok(());
    }
    let from = out.join("learners").join(&learner.directory);
    if !from.is_dir() {
        return Ok(());
    }
    let to_parent = out.join("withdrawn");
    fs::create_dir_all(&to_parent).with_context(|| format!("creating {}", to_parent.display()))?;
    let to = to_parent.join(&learner.directory);
    move_to_superseded(out, &to, &learner.directory)?;
    fs::rename(&from, &to).with_context(|| format!("moving {} to {}", from.display(), to.display()))
}

/// Starts this run's journal: the header, then every learner carried over from earlier runs (so that a run
/// interrupted again loses nothing). Written atomically, then opened for appending.
pub fn start_journal(
    files: &RunFiles,
    fingerprint: &str,
    shard: Shard,
    carried: &BTreeMap<String, LearnerEntry>,
) -> anyhow::Result<File> {
    let mut bytes = Journal::header(fingerprint, &shard.to_string());
    for entry in carried.values() {
        bytes.extend(Journal::entry(entry));
    }
    export::write_atomic(&files.journal, &bytes).with_context(|| format!("writing {}", files.journal.display()))?;
    let mut file = OpenOptions::new()
        .append(true)
        .open(&files.journal)
        .with_context(|| format!("opening {}", files.journal.display()))?;
    file.flush()?;
    Ok(file)
}
