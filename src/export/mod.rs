//! Export: the bytes of every output file, and the one place that writes them.
//!
//! Exporters return bytes (the manifest; [`credential_files`], one file per nested credential); [`write_atomic`] puts bytes on disk so that a file is
//! either absent, or complete (temp file in the same directory, fsync, rename).

pub mod bake;
mod credentials;
mod manifest;
mod outputs;
pub mod pesc;
pub mod site;

use std::fs;
use std::io::Write;
use std::path::Path;

pub use credentials::{credential_files, credential_kind};
pub use manifest::{
    Failure, FileEntry, JwtKeyEntry, LearnerEntry, Manifest, MergeError, Withdrawn, file_entry, file_entry_hashed,
    hex_sha256, merge, parse_shard,
};
pub use outputs::Output;

/// A learner id made safe as one directory name: ASCII letters, digits, `-`, `_`
/// and `.` kept; every other byte (separators, control characters, spaces,
/// non-ASCII) percent-encoded, so distinct ids stay distinct; ids of only dots
/// are encoded whole (`..` becomes `%2E%2E`).
pub fn safe_dir_name(id: &str) -> String {
    let all_dots = !id.is_empty() && id.bytes().all(|b| b == b'.');
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        let keep = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && !all_dots);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() { "%00".to_string() } else { out }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, flushed to
/// disk, then renamed over `path`. Creates missing parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_all_atomic(&[(path, bytes)])
}

/// Writes several files atomically each: every temporary file is written, then each is flushed to disk (all
/// written before the first flush, so the file system can commit them together), then each is renamed over
/// its target, then the directories are flushed, so after a crash each file is absent, its old version, or
/// complete. Temporary names are fixed (`.NAME.tmp` beside `NAME`), so a run that was killed leaves at most
/// such files behind and the re-run that rebuilds the file replaces them.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> std::io::Result<()> {
    let mut staged: Vec<(std::path::PathBuf, &Path)> = Vec::with_capacity(files.len());
    let result = (|| {
        let mut written = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            let tmp = temporary_path(path);
            // Files of one directory (a learner's) need it created once.
            if let Some(dir) = tmp.parent()
                && staged.last().and_then(|(t, _)| t.parent()) != Some(dir)
            {
                fs::create_dir_all(dir)?;
            }
            staged.push((tmp.clone(), *path));
            let mut file = fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            written.push(file);
        }
        for file in written {
            file.sync_all()?;
        }
        for (tmp, path) in &staged {
            fs::rename(tmp, path)?;
        }
        let mut dirs: Vec<&Path> = staged.iter().filter_map(|(tmp, _)| tmp.parent()).collect();
        dirs.dedup();
        for dir in dirs {
            sync_dir(dir)?;
        }
        Ok(())
    })();
    if result.is_err() {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
    }
    result
}

/// `.NAME.tmp` in `path`'s directory.
fn temporary_path(path: &Path) -> std::path::PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dir.join(format!(".{name}.tmp"))
}

/// Flushes a directory's entries (the renames in it) to disk, where the platform allows it.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        assert_eq!(safe_dir_name("N2025001"), "N2025001");
        assert_eq!(safe_dir_name("a.b-c_d"), "a.b-c_d");
        assert_eq!(safe_dir_name(".."), "%2E%2E");
        assert_eq!(safe_dir_name("."), "%2E");
        assert_eq!(safe_dir_name("../etc"), "..%2Fetc");
        assert_eq!(safe_dir_name("a/b\\c"), "a%2Fb%5Cc");
        assert_eq!(safe_dir_name("x\ny"), "x%0Ay");
        assert_eq!(safe_dir_name("é"), "%C3%A9");
        assert_eq!(safe_dir_name("50%"), "50%25");
        assert_eq!(safe_dir_name(""), "%00");
    }

    #[test]
    fn atomic_write_replaces_whole_files() {
        let dir = std::env::temp_dir().join(format!("xt-write-{}", std::process::id()));
        let path = dir.join("sub/file.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        fs::remove_dir_all(dir).unwrap();
    }
}
