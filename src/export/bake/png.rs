//! PNG baking by chunks (PNG, 3rd ed., §5.3 chunk layout; §11.3.3.4 `iTXt`; OB 3.0 §5.3.1).
//!
//! The chunk layer is walked here rather than through the `png` crate: baking must keep every byte of the
//! image and add one chunk, and the crate's encoder re-encodes the image data and keeps only the chunks it
//! knows. The walk checks the signature, every chunk's length and CRC-32, that IHDR comes first and IEND last
//! with nothing after it.

use flate2::Crc;

use super::{BakeError, PNG_KEYWORD};

/// The PNG signature (§5.2).
pub const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
/// The largest chunk length (§5.3: 2^31 − 1).
const MAX_CHUNK: usize = (1 << 31) - 1;

/// One chunk: its type and data, and where the whole chunk (length to CRC) ends.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    end: usize,
}

fn crc(kind: &[u8], data: &[u8]) -> u32 {
    let mut crc = Crc::new();
    crc.update(kind);
    crc.update(data);
    crc.sum()
}

/// The chunks of a PNG datastream (§5.2–5.6), checked.
fn chunks(bytes: &[u8]) -> Result<Vec<Chunk<'_>>, BakeError> {
    let bad = |at: usize, why: String| BakeError::Png(format!("at byte {at}: {why}"));
    if !bytes.starts_with(&SIGNATURE) {
        return Err(BakeError::Png("no PNG signature".into()));
    }
    let mut chunks = Vec::new();
    let mut at = SIGNATURE.len();
    loop {
        let Some(head) = bytes.get(at..at + 8) else {
            return Err(bad(at, "the datastream ends without an IEND chunk".into()));
        };
        let length = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let name = String::from_utf8_lossy(&kind).into_owned();
        if length > MAX_CHUNK {
            return Err(bad(at, format!("chunk length {length} over 2^31 − 1")));
        }
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(bad(at, format!("chunk type {kind:?} is not four ASCII letters")));
        }
        let data_start = at + 8;
        let Some(data) = bytes.get(data_start..data_start + length) else {
            return Err(bad(at, format!("{name} chunk of {length} bytes runs past the end of the file")));
        };
        let Some(stored) = bytes.get(data_start + length..data_start + length + 4) else {
            return Err(bad(at, format!("{name} chunk has no CRC")));
        };
        if u32::from_be_bytes([stored[0], stored[1], stored[2], stored[3]]) != crc(&kind, data) {
            return Err(bad(at, format!("{name} chunk's CRC does not match its content")));
        }
        match (chunks.is_empty(), &kind) {
            (true, b"IHDR") if length == 13 => {}
            (true, _) => return Err(bad(at, format!("the first chunk is {name}, not a 13-byte IHDR"))),
            (false, b"IHDR") => return Err(bad(at, "a second IHDR chunk".into())),
            _ => {}
        }
        let end = data_start + length + 4;
        chunks.push(Chunk { kind, data, end });
        if &kind == b"IEND" {
            if end != bytes.len() {
                return Err(bad(end, format!("{} bytes after the IEND chunk", bytes.len() - end)));
            }
            return Ok(chunks);
        }
        at = end;
    }
}

/// The text of an `iTXt` chunk whose keyword is `openbadgecredential`; `None` for other keywords (§11.3.3.4:
/// keyword, NUL, compression flag, compression method, language tag, NUL, translated keyword, NUL, text).
fn credential_text(data: &[u8]) -> Option<Result<String, BakeError>> {
    let (keyword, rest) = split_nul(data)?;
    if keyword != PNG_KEYWORD.as_bytes() {
        return None;
    }
    let bad = |why: &str| Some(Err(BakeError::Png(format!("the {PNG_KEYWORD} iTXt chunk {why}"))));
    let [flag, method, rest @ ..] = rest else { return bad("is cut short") };
    if *flag != 0 || *method != 0 {
        return bad("is compressed (OB 3.0 §5.3.1: compression MUST NOT be used)");
    }
    let Some((_language, rest)) = split_nul(rest) else { return bad("has no language tag") };
    let Some((_translated, text)) = split_nul(rest) else { return bad("has no translated keyword") };
    match std::str::from_utf8(text) {
        Ok(text) => Some(Ok(text.to_owned())),
        Err(_) => bad("text is not UTF-8"),
    }
}

fn split_nul(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let nul = bytes.iter().position(|&b| b == 0)?;
    Some((&bytes[..nul], &bytes[nul + 1..]))
}

/// How many `openbadgecredential` iTXt chunks there are, and the text of the first.
fn credentials(chunks: &[Chunk<'_>]) -> Result<(usize, Option<String>), BakeError> {
    let mut found = (0, None);
    for chunk in chunks.iter().filter(|c| &c.kind == b"iTXt") {
        if let Some(text) = credential_text(chunk.data) {
            let text = text?;
            found.0 += 1;
            found.1.get_or_insert(text);
        }
    }
    Ok(found)
}

/// OB 3.0 §5.3.1 "Baking": an uncompressed iTXt chunk, keyword `openbadgecredential`, empty language tag and
/// translated keyword, the credential as text; placed right after IHDR (iTXt may go anywhere between IHDR
/// and IEND, §5.6), so an extractor that stops at the first such chunk meets it before the image data.
pub fn bake(image: &[u8], credential: &str) -> Result<Vec<u8>, BakeError> {
    let chunks = chunks(image)?;
    if credentials(&chunks)?.0 > 0 {
        return Err(BakeError::AlreadyBaked);
    }
    let mut data = Vec::with_capacity(PNG_KEYWORD.len() + 5 + credential.len());
    data.extend_from_slice(PNG_KEYWORD.as_bytes());
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(credential.as_bytes());
    if data.len() > MAX_CHUNK {
        return Err(BakeError::BadCredential(format!("{} bytes, too long for one PNG chunk", credential.len())));
    }
    let ihdr_end = chunks[0].end;
    let mut out = Vec::with_capacity(image.len() + data.len() + 12);
    out.extend_from_slice(&image[..ihdr_end]);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(b"iTXt");
    out.extend_from_slice(&data);
    out.extend_from_slice(&crc(b"iTXt", &data).to_be_bytes());
    out.extend_from_slice(&image[ihdr_end..]);
    Ok(out)
}

/// Decodes the image data whole with the `png` crate (at most [`super::MAX_DECODED_BYTES`]).
pub fn decode(image: &[u8]) -> Result<(), BakeError> {
    let limits = ::png::Limits { bytes: super::MAX_DECODED_BYTES };
    let bad = |e: ::png::DecodingError| BakeError::Png(format!("the image does not decode: {e}"));
    let mut reader = ::png::Decoder::new_with_limits(std::io::Cursor::new(image), limits).read_info().map_err(bad)?;
    let size = reader.output_buffer_size().ok_or_else(|| BakeError::Png("the image is too large to decode".into()))?;
    if size > super::MAX_DECODED_BYTES {
        return Err(BakeError::Png(format!("{size} bytes of pixels, over the {} decoded", super::MAX_DECODED_BYTES)));
    }
    let mut pixels = vec![0; size];
    reader.next_frame(&mut pixels).map_err(bad)?;
    Ok(())
}

/// OB 3.0 §5.3.1 "Extracting": the text of the one `openbadgecredential` iTXt chunk.
pub fn unbake(bytes: &[u8]) -> Result<String, BakeError> {
    match credentials(&chunks(bytes)?)? {
        (0, _) => Err(BakeError::NoCredential),
        (1, Some(text)) => Ok(text),
        (n, _) => Err(BakeError::SeveralCredentials(n)),
    }
}
