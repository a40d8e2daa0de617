//! The bytes under the XML reader: the input prepared for it (a byte-order mark
//! stripped, a declared non-UTF-8 encoding transcoded to UTF-8) and a wrapper
//! that turns the reader's byte offsets into lines and columns as the stream
//! goes by, without ever holding more than the bytes of one XML construct.

use std::io::{self, BufRead, Chain, Cursor, Read};

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pos {
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
}

impl Pos {
    /// The start of the input.
    pub const START: Pos = Pos { line: 1, column: 1 };

    fn advance(&mut self, byte: u8) {
        if byte == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if byte & 0xC0 != 0x80 {
            // Not a UTF-8 continuation byte: a new character.
            self.column += 1;
        }
    }
}

/// How many bytes of the start are read to find a byte-order mark and the
/// encoding declared in `<?xml … encoding="…"?>`.
const SNIFF_LEN: u64 = 1024;

/// The most bytes one XML construct (tag, text run, comment …) may take.
/// Beyond it the input is refused rather than buffered.
pub(super) const MAX_CONSTRUCT: usize = 8 * 1024 * 1024;

/// The input, as UTF-8 bytes.
pub(super) enum Source<R> {
    /// Already UTF-8.
    Utf8(Chain<Cursor<Vec<u8>>, R>),
    /// Transcoded from another encoding.
    Transcoded(Transcoder<Chain<Cursor<Vec<u8>>, R>>),
}

/// What [`prepare`] found out about the encoding, for a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum EncodingNote {
    /// UTF-8 (declared, implied or by BOM).
    Utf8,
    /// Transcoded from this encoding.
    Transcoded(&'static str),
    /// The declared encoding is unknown; read as UTF-8.
    Unknown(String),
}

/// Reads the start of `input`, strips a byte-order mark and chooses how to get
/// UTF-8 out of it.
pub(super) fn prepare<R: BufRead>(mut input: R) -> io::Result<(Source<R>, EncodingNote)> {
    let mut head = Vec::new();
    (&mut input).take(SNIFF_LEN).read_to_end(&mut head)?;
    let bom = encoding_rs::Encoding::for_bom(&head);
    let (encoding, bom_len) = match bom {
        Some((encoding, len)) => (Some(encoding), len),
        None => (None, 0),
    };
    head.drain(..bom_len);
    let (encoding, note) = match encoding {
        Some(encoding) => (encoding, note_for(encoding)),
        None => match declared_encoding(&head) {
            None => (encoding_rs::UTF_8, EncodingNote::Utf8),
            Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
                // A declaration readable as ASCII without a BOM is not UTF-16.
                Some(encoding) if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE => {
                    (encoding_rs::UTF_8, EncodingNote::Utf8)
                }
                Some(encoding) => (encoding, note_for(encoding)),
                None => (encoding_rs::UTF_8, EncodingNote::Unknown(label)),
            },
        },
    };
    let chained = Cursor::new(head).chain(input);
    let source = if encoding == encoding_rs::UTF_8 {
        Source::Utf8(chained)
    } else {
        Source::Transcoded(Transcoder::new(chained, encoding))
    };
    Ok((source, note))
}

fn note_for(encoding: &'static encoding_rs::Encoding) -> EncodingNote {
    if encoding == encoding_rs::UTF_8 { EncodingNote::Utf8 } else { EncodingNote::Transcoded(encoding.name()) }
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of `head`.
fn declared_encoding(head: &[u8]) -> Option<String> {
    let rest = head.strip_prefix(b"<?xml")?;
    let end = rest.windows(2).position(|w| w == b"?>")?;
    let decl = String::from_utf8_lossy(&rest[..end]);
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    let close = value.find(quote)?;
    Some(value[..close].trim().to_string())
}

impl<R: BufRead> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Source<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Source::Utf8(inner) => inner.fill_buf(),
            Source::Transcoded(inner) => inner.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Source::Utf8(inner) => inner.consume(amount),
            Source::Transcoded(inner) => inner.consume(amount),
        }
    }
}

/// Decodes another encoding into UTF-8 as it is read (malformed bytes become U+FFFD).
pub(super) struct Transcoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

/// The most input bytes decoded at a time.
const DECODE_CHUNK: usize = 8192;

impl<R: BufRead> Transcoder<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        Transcoder { inner, decoder: encoding.new_decoder_without_bom_handling(), out: Vec::new(), pos: 0, done: false }
    }

    /// Decodes the next chunk; false when nothing more will come.
    fn refill(&mut self) -> io::Result<bool> {
        let input = self.inner.fill_buf()?;
        let input = &input[..input.len().min(DECODE_CHUNK)];
        let last = input.is_empty();
        let capacity = self.decoder.max_utf8_buffer_length(input.len()).unwrap_or(DECODE_CHUNK * 4).max(16);
        self.out.clear();
        self.out.resize(capacity, 0);
        self.pos = 0;
        let (_, read, written, _) = self.decoder.decode_to_utf8(input, &mut self.out, last);
        self.out.truncate(written);
        self.inner.consume(read);
        if last || (read == 0 && written == 0) {
            self.done = true;
        }
        Ok(!self.done || written > 0)
    }
}

impl<R: BufRead> Read for Transcoder<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Transcoder<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.out.len() && !self.done {
            if !self.refill()? {
                break;
            }
        }
        Ok(self.out.get(self.pos..).unwrap_or(&[]))
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.out.len());
    }
}

/// Wraps the reader's input and keeps the bytes consumed since the last
/// [`Tracked::resolve`], so a byte offset the reader reports can be turned into
/// a line and column without keeping the whole input.
pub(super) struct Tracked<R> {
    inner: R,
    /// Bytes consumed but not yet resolved.
    pending: Vec<u8>,
    /// The offset of `pending[0]`.
    pending_start: u64,
    /// The position of `pending[0]`.
    at: Pos,
}

/// The error [`Tracked`] gives when one construct exceeds [`MAX_CONSTRUCT`].
#[derive(Debug)]
pub(super) struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an XML construct is larger than {} MiB", MAX_CONSTRUCT / (1024 * 1024))
    }
}

impl std::error::Error for TooLarge {}

impl<R: BufRead> Tracked<R> {
    /// Tracks `inner` from its start.
    pub fn new(inner: R) -> Self {
        Tracked { inner, pending: Vec::new(), pending_start: 0, at: Pos::START }
    }

    /// The position of byte `offset`. Offsets must not go back; an offset
    /// before the last one resolved gives that last position.
    pub fn resolve(&mut self, offset: u64) -> Pos {
        let ahead = offset.saturating_sub(self.pending_start);
        let n = usize::try_from(ahead).unwrap_or(usize::MAX).min(self.pending.len());
        for &byte in &self.pending[..n] {
            self.at.advance(byte);
        }
        self.pending.drain(..n);
        self.pending_start += n as u64;
        self.at
    }

    /// Up to `n` bytes from the last resolved offset on (consumed or not), to
    /// see what construct an error is in.
    pub fn peek(&mut self, n: usize) -> Vec<u8> {
        let mut bytes: Vec<u8> = self.pending.iter().take(n).copied().collect();
        if bytes.len() < n
            && let Ok(more) = self.inner.fill_buf()
        {
            bytes.extend(more.iter().take(n - bytes.len()));
        }
        bytes
    }
}

impl<R: BufRead> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pending.len() > MAX_CONSTRUCT {
            return Err(io::Error::new(io::ErrorKind::InvalidData, TooLarge));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(available) = self.inner.fill_buf() {
            let n = amount.min(available.len());
            self.pending.extend_from_slice(&available[..n]);
        }
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(source: &mut impl BufRead) -> String {
        let mut out = String::new();
        source.read_to_string(&mut out).expect("utf-8");
        out
    }

    #[test]
    fn strips_bom_and_reads_utf8() {
        let (mut source, note) = prepare(&b"\xEF\xBB\xBF<a>\xC3\xA7</a>"[..]).expect("read");
        assert_eq!(note, EncodingNote::Utf8);
        assert_eq!(read_all(&mut source), "<a>ç</a>");
    }

    #[test]
    fn transcodes_declared_latin1() {
        let input = b"<?xml version=\"1.0\" encoding='ISO-8859-1'?><a>\xE9</a>";
        let (mut source, note) = prepare(&input[..]).expect("read");
        assert_eq!(note, EncodingNote::Transcoded("windows-1252"));
        assert!(read_all(&mut source).ends_with("<a>é</a>"));
    }

    #[test]
    fn unknown_declared_encoding_is_noted() {
        let (_, note) = prepare(&b"<?xml version=\"1.0\" encoding=\"x-nope\"?><a/>"[..]).expect("read");
        assert_eq!(note, EncodingNote::Unknown("x-nope".into()));
    }

    #[test]
    fn tracks_lines_and_character_columns() {
        let mut tracked = Tracked::new(&b"ab\n\xC3\xA7d\nef"[..]);
        let mut sink = Vec::new();
        tracked.read_to_end(&mut sink).expect("read");
        assert_eq!(tracked.resolve(0), Pos::START);
        assert_eq!(tracked.resolve(3), Pos { line: 2, column: 1 });
        assert_eq!(tracked.resolve(5), Pos { line: 2, column: 2 });
        assert_eq!(tracked.resolve(1), Pos { line: 2, column: 2 });
        assert_eq!(tracked.resolve(100), Pos { line: 3, column: 3 });
    }
}
