//! Reading a file at the edge, safely: regular files only (a FIFO, a device such as `/dev/zero` or a
//! directory is refused without blocking or reading it), and never more than a stated number of bytes.

use std::fs;
use std::io::Read;
use std::path::Path;

/// The largest registrar table, PESC or CASE file read (the 100,000-learner benchmark input is 237 MB in all).
pub const MAX_INPUT_BYTES: u64 = 4 << 30;
/// The largest institution.toml or key file read.
pub const MAX_SETTINGS_BYTES: u64 = 1 << 20;
/// The largest font file read (Noto Sans CJK collections are about 20 MB).
pub const MAX_FONT_BYTES: u64 = 64 << 20;
/// The largest logo file read.
pub const MAX_LOGO_BYTES: u64 = 16 << 20;
/// The largest template override read.
pub const MAX_TEMPLATE_BYTES: u64 = 4 << 20;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A FIFO, a device, a socket or a directory.
    #[error("not a file")]
    NotAFile,
    /// Larger than the limit.
    #[error("{size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Opening or reading failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Opens `path` if it is a regular file of at most `limit` bytes; returns it with its size. A FIFO is opened
/// non-blocking, so that opening it never waits for a writer.
pub fn open_regular(path: &Path, limit: u64) -> Result<(fs::File, u64), ReadError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { size: meta.len(), limit });
    }
    Ok((file, meta.len()))
}

/// Reads `path` whole if it is a regular file of at most `limit` bytes (a file that grows while it is read is
/// cut at the limit and refused).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_regular(path, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_within_the_limit_only() {
        let dir = std::env::temp_dir().join(format!("xt-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.txt");
        fs::write(&file, b"12345").unwrap();
        assert_eq!(read_limited(&file, 5).unwrap(), b"12345");
        assert!(matches!(read_limited(&file, 4), Err(ReadError::TooLarge { size: 5, limit: 4 })));
        assert!(matches!(read_limited(&dir, 100), Err(ReadError::NotAFile)));
        assert!(matches!(read_limited(&dir.join("none"), 100), Err(ReadError::Io(_))));
        let _ = fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_blocking() {
        assert!(matches!(read_limited(Path::new("/dev/zero"), 1 << 20), Err(ReadError::NotAFile)));
        let fifo = std::env::temp_dir().join(format!("xt-fifo-{}", std::process::id()));
        let _ = fs::remove_file(&fifo);
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        assert!(matches!(read_limited(&fifo, 1 << 20), Err(ReadError::NotAFile)));
        let _ = fs::remove_file(fifo);
    }
}
