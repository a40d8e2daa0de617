//! Reading back what earlier runs left in `OUT/` (manifests, the journal, the status registries and lists)
//! through the guarded reader the inputs use: a regular file of bounded size only. A FIFO, a device or an
//! oversized file there is refused with its path and why, never waited on or read without limit.

use std::path::Path;

use xtranscript::ingest::files::{ReadError, read_limited};

/// The largest manifest or journal read back (a 100,000-learner manifest is about 100 MB).
pub const MAX_MANIFEST_BYTES: u64 = 1 << 30;

/// Reads `path` whole if it is a regular file of at most `limit` bytes; `None` when there is no such file.
pub fn read_if_present(path: &Path, limit: u64) -> anyhow::Result<Option<Vec<u8>>> {
    match read_limited(path, limit) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(refused(path, &e)),
    }
}

/// Reads `path` whole if it is a regular file of at most `limit` bytes.
pub fn read(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    read_limited(path, limit).map_err(|e| refused(path, &e))
}

fn refused(path: &Path, error: &ReadError) -> anyhow::Error {
    match error {
        ReadError::Io(e) => anyhow::anyhow!("reading {}: {e}", path.display()),
        other => anyhow::anyhow!(
            "reading {}: {other} (the output directory should hold only what xtranscript wrote there: move it away)",
            path.display()
        ),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn fifos_and_oversized_files_are_refused_without_reading_them() {
        let dir = std::env::temp_dir().join(format!("xt-out-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(read_if_present(&dir.join("absent.json"), 10).unwrap().is_none());
        let fifo = dir.join("manifest.json");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let error = read_if_present(&fifo, 10).unwrap_err().to_string();
        assert!(error.contains("not a file") && error.contains("manifest.json"), "{error}");
        let big = dir.join("journal");
        std::fs::File::create(&big).unwrap().set_len(11).unwrap();
        let error = read(&big, 10).unwrap_err().to_string();
        assert!(error.contains("11 bytes, over the limit of 10 bytes"), "{error}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
