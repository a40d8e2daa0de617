//! Compact JSON text of a [`Value`]: byte for byte what `serde_json::to_vec` writes (same escapes, same
//! numbers, members in map order), written into a buffer the caller may reuse. A signed CLR is hundreds of
//! kilobytes of mostly plain strings; they are checked
//! 8 bytes at a time and copied whole.

use std::io::Write;

use serde_json::Value;

/// The compact JSON text of `value`.
pub fn to_json_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_json(value, &mut out);
    out
}

/// Appends the compact JSON text of `value` to `out`.
pub fn write_json(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        // serde_json's Display of a number is its serialization (itoa for integers, zmij for floats).
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_json(item, out);
            }
            out.push(b'}');
        }
    }
}

/// A JSON string: `"` and `\` escaped with a backslash, control characters as `\b \t \n \f \r` or `\u00xx`
/// (lower-case hex), everything else (non-ASCII included) as it is.
fn write_string(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if has_escape(bytes) {
        let mut run = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if needs_escape(b) {
                out.extend_from_slice(&bytes[run..i]);
                write_escape(b, out);
                run = i + 1;
            }
        }
        out.extend_from_slice(&bytes[run..]);
    } else {
        out.extend_from_slice(bytes);
    }
    out.push(b'"');
}

/// Whether JSON escapes the byte.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether any byte of `bytes` needs escaping, checked 8 bytes at a time.
fn has_escape(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        if word_needs_escape(u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]])) {
            return true;
        }
    }
    words.remainder().iter().any(|&b| needs_escape(b))
}

/// Whether any of the 8 bytes of `word` needs escaping (exact for the word as a whole: a borrow can only
/// mark bytes above one that is marked rightly).
fn word_needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS != 0;
    below(word, 0x20) || below(word ^ (ONES * u64::from(b'"')), 1) || below(word ^ (ONES * u64::from(b'\\')), 1)
}

/// The escape of one byte that needs it.
fn write_escape(b: u8, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0A => b'n',
        0x0C => b'f',
        0x0D => b'r',
        _ => {
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn same_as_serde(value: &Value) {
        assert_eq!(
            String::from_utf8(to_json_bytes(value)).unwrap(),
            serde_json::to_string(value).unwrap(),
            "{value:?}"
        );
    }

    #[test]
    fn writes_what_serde_json_writes() {
        same_as_serde(&json!(null));
        same_as_serde(&json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "empty": {}, "none": [], "t": true, "f": false, "n": null,
            "numbers": [0, -1, 18446744073709551615u64, -9223372036854775808i64, 0.1, 2.5, 1e300, -3.0e-7, 4.0],
            "text": "Zoë 中文 \u{1F600} é",
            "b": {"a": {"z": 1, "a": 2}},
        }));
    }

    #[test]
    fn escapes_every_byte_as_serde_json_does() {
        let all: String = (0u8..0x80).map(char::from).collect();
        for text in [all.as_str(), "\"", "\\", "a\"b\\c\nd", "12345678\"", "1234567\u{1f}", "\u{7f}\u{80}\u{ff}"] {
            same_as_serde(&json!(text));
            same_as_serde(&json!({ text: text }));
        }
        for len in 0..40 {
            for pos in 0..len {
                for special in ['"', '\\', '\n', '\u{0}', '\u{1f}', ' ', '~', '\u{7f}'] {
                    let text: String = (0..len).map(|i| if i == pos { special } else { 'x' }).collect();
                    same_as_serde(&json!(text));
                }
            }
        }
    }

    #[test]
    fn bytes_that_need_an_escape_are_found_anywhere() {
        for b in 0u8..=255 {
            let word = u64::from_le_bytes([b'~', 0x80, b'!', b'#', b'[', b']', b'a', b'z']) ^ u64::from(b ^ b'~');
            assert_eq!(word_needs_escape(word), needs_escape(b), "{b:#x}");
            for at in [0, 3, 7, 8, 15, 16, 31, 33] {
                let mut bytes = [b'a'; 34];
                bytes[at] = b;
                assert_eq!(has_escape(&bytes), needs_escape(b), "{b:#x} at {at}");
            }
        }
    }
}
