//! Turning the bytes of a text file into a `String`: UTF-8 with or without a
//! byte-order mark, or Windows-1252 (declared, or detected when the bytes are not UTF-8).
//! Also the CSV delimiter: declared, or sniffed from the header line.

use serde::{Deserialize, Serialize};

/// The encoding a text input is declared to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// UTF-8 when the bytes are valid UTF-8, otherwise Windows-1252.
    #[default]
    Auto,
    /// UTF-8 (a BOM is allowed); invalid bytes are an error.
    #[serde(rename = "utf-8", alias = "utf8")]
    Utf8,
    /// Windows-1252 (a superset of ISO-8859-1 for printable text).
    #[serde(rename = "windows-1252", alias = "cp1252", alias = "latin1", alias = "iso-8859-1")]
    Windows1252,
}

/// The text of a file and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text, without a BOM: borrowed from the bytes when they are UTF-8 (large exports are not copied).
    pub text: std::borrow::Cow<'a, str>,
    /// What it was decoded as.
    pub encoding: Encoding,
}

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not valid UTF-8 at byte {offset} (line {line}); the file was declared UTF-8")]
pub struct DecodeError {
    /// Byte offset of the first invalid byte.
    pub offset: usize,
    /// 1-based line of that byte.
    pub line: u64,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes` as `declared`, stripping a UTF-8 BOM.
pub fn decode(bytes: &[u8], declared: Encoding) -> Result<Decoded<'_>, DecodeError> {
    let (bytes, had_bom) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match declared {
        Encoding::Windows1252 if !had_bom => {
            Ok(Decoded { text: decode_1252(bytes).into(), encoding: Encoding::Windows1252 })
        }
        Encoding::Windows1252 | Encoding::Utf8 | Encoding::Auto => match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Decoded { text: text.into(), encoding: Encoding::Utf8 }),
            Err(e) if declared == Encoding::Auto && !had_bom => {
                let _ = e;
                Ok(Decoded { text: decode_1252(bytes).into(), encoding: Encoding::Windows1252 })
            }
            Err(e) => {
                let offset = e.valid_up_to();
                let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                Err(DecodeError { offset, line })
            }
        },
    }
}

fn decode_1252(bytes: &[u8]) -> String {
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    text.into_owned()
}

/// The field delimiter of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Delimiter {
    /// Whichever of comma, semicolon or tab the header line has most of (outside quotes).
    #[default]
    Auto,
    /// `,`
    Comma,
    /// `;`
    Semicolon,
    /// A tab.
    Tab,
}

impl Delimiter {
    /// The byte to split on, sniffing `text`'s first line for `Auto`.
    pub fn resolve(self, text: &str) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
            Delimiter::Auto => sniff_delimiter(text),
        }
    }
}

/// Counts candidate delimiters on the first line, outside double quotes; comma wins ties.
fn sniff_delimiter(text: &str) -> u8 {
    let first_line = text.lines().next().unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first_line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if *d == b {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().fold((b',', 0), |best, &(d, n)| if n > best.1 { (d, n) } else { best }).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_reads_utf8() {
        let d = decode("\u{FEFF}Zoë,Ἀθηνᾶ".as_bytes(), Encoding::Auto).unwrap();
        assert_eq!(d.text, "Zoë,Ἀθηνᾶ");
        assert_eq!(d.encoding, Encoding::Utf8);
    }

    #[test]
    fn detects_windows_1252() {
        // "Zoë – café" in Windows-1252: ë = EB, en dash = 96, é = E9.
        let d = decode(b"Zo\xEB \x96 caf\xE9", Encoding::Auto).unwrap();
        assert_eq!(d.text, "Zoë – café");
        assert_eq!(d.encoding, Encoding::Windows1252);
    }

    #[test]
    fn declared_utf8_rejects_bad_bytes_with_line() {
        let err = decode(b"ok\nZo\xEB", Encoding::Utf8).unwrap_err();
        assert_eq!(err, DecodeError { offset: 5, line: 2 });
    }

    #[test]
    fn declared_1252_decodes_even_valid_utf8_bytes_as_1252() {
        let d = decode("é".as_bytes(), Encoding::Windows1252).unwrap();
        assert_eq!(d.text, "Ã©");
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(Delimiter::Auto.resolve("a;b;c\n1;2;3"), b';');
        assert_eq!(Delimiter::Auto.resolve("a\tb\tc"), b'\t');
        assert_eq!(Delimiter::Auto.resolve("\"x;y\",b,c"), b',');
        assert_eq!(Delimiter::Auto.resolve("single"), b',');
        assert_eq!(Delimiter::Tab.resolve("a,b"), b'\t');
    }
}
