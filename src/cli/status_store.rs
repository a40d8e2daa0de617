//! The files of `OUT/status/`, at the edge: the registries (append-only JSON Lines), the signed status lists
//! (`<list>.json`, published at `base_url` + that name), and the lock that orders their writers.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use xtranscript::export;
use xtranscript::issuer::Signer;
use xtranscript::status::Bitstring;
use xtranscript::status::issue::LIST_ENTRIES;
use xtranscript::status::list::list_credential;
use xtranscript::status::registry::{Event, Registry, event_line};

/// The registry that `revoke`, `suspend` and `reinstate` append to.
pub const CHANGES_REGISTRY: &str = "registry-changes.jsonl";

/// The largest registry file read, in bytes.
const MAX_REGISTRY_BYTES: u64 = 4 << 30;

/// `OUT/status/`.
pub struct StatusDir {
    out: PathBuf,
    dir: PathBuf,
}

impl StatusDir {
    /// The status directory of the output directory `out`.
    pub fn new(out: &Path) -> StatusDir {
        StatusDir { out: out.to_path_buf(), dir: out.join("status") }
    }

    /// The path of `name` in `OUT/status/`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Waits for, then takes, the status lock (`OUT/.xtranscript-status.lock`): one process at a time reads
    /// the registries to change lists. The operating system's lock: a killed process never leaves it taken.
    pub fn lock(&self) -> anyhow::Result<File> {
        let path = self.out.join(".xtranscript-status.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        file.lock().with_context(|| format!("locking {}", path.display()))?;
        Ok(file)
    }

    /// Every registry (`registry*.jsonl`, in name order) replayed.
    pub fn read_registry(&self) -> anyhow::Result<Registry> {
        let files = self.registry_files()?;
        Ok(Registry::replay(files.iter().map(|(_, bytes)| bytes.as_slice())))
    }

    /// Every registry file (`registry*.jsonl`, in name order) with its bytes; none when there is no
    /// `OUT/status/`.
    pub fn registry_files(&self) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut paths: Vec<PathBuf> = match fs::read_dir(&self.dir) {
            Ok(entries) => entries.flatten().map(|e| e.path()).filter(|p| is_registry(p)).collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e).with_context(|| format!("reading {}", self.dir.display())),
        };
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            let bytes = super::out_files::read(&path, MAX_REGISTRY_BYTES)?;
            files.push((path, bytes));
        }
        Ok(files)
    }

    /// Appends `events` to the registry `name` in one write, then flushes it to disk. A torn last line (a
    /// killed writer) is ended first, so it stays one skipped line; nothing is ever truncated.
    pub fn append(&self, name: &str, events: &[Event]) -> anyhow::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        fs::create_dir_all(&self.dir).with_context(|| format!("creating {}", self.dir.display()))?;
        let path = self.dir.join(name);
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        let mut bytes = Vec::new();
        let len = file.metadata()?.len();
        if len > 0 {
            let mut last = [0u8];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                bytes.push(b'\n');
            }
        }
        for event in events {
            bytes.extend(event_line(event));
        }
        file.write_all(&bytes).and_then(|()| file.sync_data()).with_context(|| format!("writing {}", path.display()))
    }

    /// Signs the lists named (bits from `registry`) with `valid_from` as their date and writes each to
    /// `OUT/status/<list>.json` atomically. Returns the files written.
    pub fn publish(
        &self,
        registry: &Registry,
        names: &BTreeSet<String>,
        base_url: &str,
        signer: &Signer,
        valid_from: &str,
    ) -> anyhow::Result<Vec<PathBuf>> {
        let lists = registry.lists();
        let mut written = Vec::new();
        for name in names {
            let Some((purpose, set)) = lists.get(name) else { continue };
            let mut bits = Bitstring::new(LIST_ENTRIES as usize);
            for &index in set {
                bits.set(index as usize, true);
            }
            let url = format!("{base_url}{name}.json");
            let unsigned = list_credential(&url, &signer.issuer_id, *purpose, &bits, valid_from);
            let signed = signer.sign_owned(unsigned, valid_from).with_context(|| format!("signing the list {url}"))?;
            let mut bytes = serde_json::to_vec_pretty(&signed)?;
            bytes.push(b'\n');
            let path = self.dir.join(format!("{name}.json"));
            export::write_atomic(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Whether `path` is a registry file (`registry*.jsonl`).
fn is_registry(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name.starts_with("registry") && name.ends_with(".jsonl")
}
