//! Reading a transcript PDF back: the signed credential embedded in it (PDF/A-3 associated file,
//! ISO 19005-3 6.8) and whether the SHA-256 printed on its pages is that file's. The PDF is hostile
//! input: its size, the embedded file's decompressed size, the name tree's depth and the files
//! counted are bounded, and every check that could not be made is an error, never a silent pass.

use std::fmt;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Dictionary, Document, Object};
use sha2::{Digest, Sha256};

use super::archive::CLR_NAME;

/// The largest PDF read.
pub const MAX_PDF_BYTES: usize = 64 << 20;
/// The largest embedded file (decompressed) and the most page text read.
pub const MAX_FILE_BYTES: usize = 16 << 20;
/// How deep the EmbeddedFiles name tree may go, and how many names it may hold.
const MAX_TREE_DEPTH: usize = 8;
const MAX_NAMES: usize = 256;

/// Why the credential could not be read from a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentError {
    /// Over [`MAX_PDF_BYTES`].
    TooLarge(usize),
    /// Not a PDF lopdf can read.
    NotPdf(String),
    /// No embedded file named `clr.json`.
    NoCredential,
    /// The embedded file is there but cannot be read (its filter, its size, its structure).
    Unreadable(String),
    /// The pages' text could not be read, so the printed digest was not checked.
    TextUnreadable(String),
    /// The SHA-256 of the embedded file (given) is not printed on the pages: the PDF or the file was altered.
    NotPrinted(String),
}

impl fmt::Display for AttachmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttachmentError::TooLarge(n) => write!(f, "the PDF is {n} bytes, over the {MAX_PDF_BYTES}-byte limit"),
            AttachmentError::NotPdf(e) => write!(f, "not a readable PDF: {e}"),
            AttachmentError::NoCredential => write!(f, "no embedded {CLR_NAME} (the PDF carries no signed credential)"),
            AttachmentError::Unreadable(e) => write!(f, "the embedded {CLR_NAME} cannot be read: {e}"),
            AttachmentError::TextUnreadable(e) => {
                write!(f, "the printed SHA-256 was not checked: the page text cannot be read ({e})")
            }
            AttachmentError::NotPrinted(sha) => write!(
                f,
                "the SHA-256 printed on the PDF is not that of its embedded {CLR_NAME} ({sha}): one of them was altered"
            ),
        }
    }
}

impl std::error::Error for AttachmentError {}

/// The signed credential a transcript PDF carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedCredential {
    /// The embedded `clr.json`, byte for byte.
    pub bytes: Vec<u8>,
    /// Its SHA-256 (lowercase hex).
    pub sha256: String,
    /// Whether that digest is printed on the PDF's pages (in groups or whole; spaces and line breaks
    /// between its digits are ignored).
    pub printed: bool,
}

/// Extracts the embedded `clr.json` from `pdf` and checks that its SHA-256 is the one printed on the pages.
pub fn embedded_credential(pdf: &[u8]) -> Result<EmbeddedCredential, AttachmentError> {
    if pdf.len() > MAX_PDF_BYTES {
        return Err(AttachmentError::TooLarge(pdf.len()));
    }
    // lopdf reads hostile bytes: a panic in it is a refusal, never a crash.
    let doc = catch_unwind(|| Document::load_mem(pdf))
        .map_err(|_| AttachmentError::NotPdf("the PDF parser failed on it".to_string()))?
        .map_err(|e| AttachmentError::NotPdf(e.to_string()))?;
    let bytes = embedded_file(&doc, CLR_NAME)?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let pages: Vec<u32> = doc.get_pages().into_keys().collect();
    let text = catch_unwind(AssertUnwindSafe(|| doc.extract_text_with_limit(&pages, MAX_FILE_BYTES)))
        .map_err(|_| AttachmentError::TextUnreadable("the text extractor failed on it".to_string()))?
        .map_err(|e| AttachmentError::TextUnreadable(e.to_string()))?;
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let printed = digits.to_ascii_lowercase().contains(&sha256);
    Ok(EmbeddedCredential { bytes, sha256, printed })
}

/// The credential to verify in a file's bytes: a PDF's embedded `clr.json` once the digest printed on
/// the PDF is found to be its own (`true`: it came from a PDF), any other file as it is.
pub fn credential_bytes(file: Vec<u8>) -> Result<(Vec<u8>, bool), AttachmentError> {
    if !file.starts_with(b"%PDF-") {
        return Ok((file, false));
    }
    let embedded = embedded_credential(&file)?;
    if !embedded.printed {
        return Err(AttachmentError::NotPrinted(embedded.sha256));
    }
    Ok((embedded.bytes, true))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of the embedded file named `name` (ISO 32000-1 7.11.4: the catalog's /Names /EmbeddedFiles
/// name tree; a file specification's /EF /F stream).
fn embedded_file(doc: &Document, name: &str) -> Result<Vec<u8>, AttachmentError> {
    let catalog = doc.catalog().map_err(|e| AttachmentError::NotPdf(e.to_string()))?;
    let tree = catalog
        .get(b"Names")
        .and_then(|n| doc.dereference(n))
        .and_then(|(_, n)| n.as_dict())
        .and_then(|n| n.get(b"EmbeddedFiles"))
        .and_then(|t| doc.dereference(t))
        .and_then(|(_, t)| t.as_dict())
        .map_err(|_| AttachmentError::NoCredential)?;
    let mut found = Vec::new();
    let mut count = 0;
    names(doc, tree, name, 0, &mut count, &mut found)?;
    match found.as_slice() {
        [] => Err(AttachmentError::NoCredential),
        [spec] => file_of(doc, spec),
        _ => Err(AttachmentError::Unreadable(format!("{} files are named {name}", found.len()))),
    }
}

/// Collects the values named `name` in a name tree (ISO 32000-1 7.9.6), depth and count bounded.
fn names<'a>(
    doc: &'a Document,
    node: &'a Dictionary,
    name: &str,
    depth: usize,
    count: &mut usize,
    found: &mut Vec<&'a Dictionary>,
) -> Result<(), AttachmentError> {
    if depth > MAX_TREE_DEPTH {
        return Err(AttachmentError::Unreadable("the EmbeddedFiles name tree is too deep".to_string()));
    }
    if let Ok(pairs) = node.get(b"Names").and_then(Object::as_array) {
        for pair in pairs.chunks(2) {
            *count += 1;
            if *count > MAX_NAMES {
                return Err(AttachmentError::Unreadable(format!("over {MAX_NAMES} embedded files")));
            }
            if let [key, value] = pair
                && key.as_str().is_ok_and(|k| decode_text(k) == name)
                && let Ok((_, spec)) = doc.dereference(value)
                && let Ok(spec) = spec.as_dict()
            {
                found.push(spec);
            }
        }
    }
    if let Ok(kids) = node.get(b"Kids").and_then(Object::as_array) {
        for kid in kids {
            let (_, kid) = doc.dereference(kid).map_err(|e| AttachmentError::Unreadable(e.to_string()))?;
            let kid = kid.as_dict().map_err(|e| AttachmentError::Unreadable(e.to_string()))?;
            names(doc, kid, name, depth + 1, count, found)?;
        }
    }
    Ok(())
}

/// A PDF text string's text: UTF-16BE after a byte order mark, otherwise bytes as Latin-1 (PDFDocEncoding's
/// ASCII range is all a file name needs).
fn decode_text(bytes: &[u8]) -> String {
    match bytes {
        [0xfe, 0xff, rest @ ..] => {
            let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The decompressed bytes of a file specification's embedded file stream (`/EF /UF`, else `/EF /F`).
fn file_of(doc: &Document, spec: &Dictionary) -> Result<Vec<u8>, AttachmentError> {
    let unreadable = |e: lopdf::Error| AttachmentError::Unreadable(e.to_string());
    let ef = spec.get(b"EF").and_then(|ef| doc.dereference(ef)).and_then(|(_, ef)| ef.as_dict()).map_err(unreadable)?;
    let file = ef.get(b"UF").or_else(|_| ef.get(b"F")).map_err(unreadable)?;
    let (_, file) = doc.dereference(file).map_err(unreadable)?;
    let stream = file.as_stream().map_err(unreadable)?;
    let filters = stream.filters().unwrap_or_default();
    match filters.as_slice() {
        [] if stream.content.len() <= MAX_FILE_BYTES => Ok(stream.content.clone()),
        [] => Err(too_large()),
        [filter] if *filter == b"FlateDecode" && stream.dict.get(b"DecodeParms").is_err() => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(stream.content.as_slice())
                .take(MAX_FILE_BYTES as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| AttachmentError::Unreadable(format!("FlateDecode: {e}")))?;
            if out.len() > MAX_FILE_BYTES { Err(too_large()) } else { Ok(out) }
        }
        other => {
            let names: Vec<String> = other.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
            Err(AttachmentError::Unreadable(format!("unsupported filter {}", names.join(", "))))
        }
    }
}

fn too_large() -> AttachmentError {
    AttachmentError::Unreadable(format!("over {MAX_FILE_BYTES} bytes decompressed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_decode_from_utf16_or_bytes() {
        assert_eq!(decode_text(b"clr.json"), "clr.json");
        assert_eq!(decode_text(&[0xfe, 0xff, 0, b'a']), "a");
    }

    #[test]
    fn a_non_pdf_or_an_oversized_one_is_refused() {
        assert!(matches!(embedded_credential(b"{}"), Err(AttachmentError::NotPdf(_))));
        let big = vec![b' '; MAX_PDF_BYTES + 1];
        assert!(matches!(embedded_credential(&big), Err(AttachmentError::TooLarge(_))));
    }
}
