//! Positions for JSON objects. `serde_json::Value` keeps no spans, so an object
//! is found again in the source by one of its members, e.g. `"identifier": "…"`.

use std::path::Path;

use crate::diag::{LineIndex, Origin};

use super::fields::{Object, text};

/// Finds `"key": "value"` members in a JSON text. Searches go forward from a
/// cursor (objects are read in file order) and wrap around to the start once.
pub(super) struct Locator<'a> {
    text: &'a str,
    lines: LineIndex<'a>,
    file: &'a Path,
    cursor: usize,
}

impl<'a> Locator<'a> {
    /// A locator over `text`, the contents of `file`.
    pub(super) fn new(text: &'a str, file: &'a Path) -> Self {
        Locator { text, lines: LineIndex::new(text), file, cursor: 0 }
    }

    /// The file.
    pub(super) fn file(&self) -> &'a Path {
        self.file
    }

    /// The place of byte `offset`.
    pub(super) fn origin_at(&self, offset: usize) -> Origin {
        let (line, column) = self.lines.line_column(offset);
        Origin::at(self.file, line, column)
    }

    /// Where the JSON value of the whole file starts (its first non-blank character): the place of a problem
    /// with the package as a whole.
    pub(super) fn origin_of_start(&self) -> Origin {
        let at = self.text.len() - self.text.trim_start().len();
        self.origin_at(at)
    }

    /// Where the first member named `key` is, if there is one.
    pub(super) fn origin_of_key(&self, key: &str) -> Option<Origin> {
        let needle = format!("\"{key}\"");
        self.find_key(&needle, 0).map(|after| self.origin_at(after - needle.len()))
    }

    /// Moves the cursor to the first member named `key` (e.g. `CFItems`), so that
    /// the objects of that section are looked for after it. Stays put if absent.
    /// The next such member after the cursor is preferred (nested sections, e.g.
    /// the criteria of the second rubric); failing that, the first in the file.
    pub(super) fn seek_section(&mut self, key: &str) {
        let needle = format!("\"{key}\"");
        if let Some(at) = self.find_key(&needle, self.cursor).or_else(|| self.find_key(&needle, 0)) {
            self.cursor = at;
        }
    }

    /// The offset just after the first `"key"` followed by `:` at or after `from`.
    fn find_key(&self, needle: &str, from: usize) -> Option<usize> {
        let mut from = from;
        while let Some(found) = self.text.get(from..).and_then(|rest| rest.find(needle)) {
            let after = from + found + needle.len();
            if self.text[after..].trim_start().starts_with(':') {
                return Some(after);
            }
            from = after;
        }
        None
    }

    /// Where the object `obj` is: found by its `identifier`, else its `uri`, else
    /// its `fullStatement`. Falls back to the whole file.
    pub(super) fn locate(&mut self, obj: &Object) -> Origin {
        ["identifier", "uri", "fullStatement"]
            .iter()
            .find_map(|key| {
                let value = text(obj, key)?;
                self.member(key, &value)
            })
            .map_or_else(|| Origin::file(self.file), |at| self.origin_at(at))
    }

    /// The byte offset of the key of a `"key": "value"` member, searching from the
    /// cursor on and then from the start; moves the cursor past the value.
    pub(super) fn member(&mut self, key: &str, value: &str) -> Option<usize> {
        let quoted_key = format!("\"{key}\"");
        let cursor = self.cursor;
        let (key_at, value_end) = needles(value).iter().find_map(|needle| {
            self.find_member(&quoted_key, needle, cursor).or_else(|| self.find_member(&quoted_key, needle, 0))
        })?;
        self.cursor = value_end;
        Some(key_at)
    }

    /// The offsets of the key and of the end of the value of the first member
    /// `quoted_key: needle` at or after `from`.
    fn find_member(&self, quoted_key: &str, needle: &str, from: usize) -> Option<(usize, usize)> {
        let mut from = from;
        while let Some(found) = self.text.get(from..).and_then(|rest| rest.find(needle)) {
            let at = from + found;
            from = at + needle.len();
            if let Some(key_at) = key_before(self.text, at, quoted_key) {
                return Some((key_at, from));
            }
        }
        None
    }
}

/// If the text before `value_at` is `"key"` `:` (whitespace allowed), the offset of the key.
fn key_before(text: &str, value_at: usize, quoted_key: &str) -> Option<usize> {
    let before = text.get(..value_at)?.trim_end();
    let before = before.strip_suffix(':')?.trim_end();
    before.ends_with(quoted_key).then(|| before.len() - quoted_key.len())
}

/// The ways a JSON writer may have written the string `value`: plainly, with
/// `\/` for `/`, with non-ASCII characters as `\uXXXX` escapes, or both.
fn needles(value: &str) -> Vec<String> {
    let plain = serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""));
    let mut all = vec![plain.clone()];
    if !plain.is_ascii() {
        all.push(escape_non_ascii(&plain));
    }
    if plain.contains('/') {
        let slashed: Vec<String> = all.iter().map(|n| n.replace('/', "\\/")).collect();
        all.extend(slashed);
    }
    all
}

/// `text` with every non-ASCII character as `\uXXXX` (UTF-16, lower-case hex).
fn escape_non_ascii(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii() {
            escaped.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                escaped.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_members_in_order_and_by_escapes() {
        let text = "{\n \"a\": {\"identifier\": \"x\"},\n \"b\": [\n  {\"identifier\" :\"x\"},\n  {\"uri\": \"http:\\/\\/e\\/\\u00e9\"}\n ]\n}";
        let file = Path::new("f.json");
        let mut locator = Locator::new(text, file);
        locator.seek_section("b");
        let obj = json!({"identifier": "x"});
        let origin = locator.locate(obj.as_object().unwrap());
        assert_eq!((origin.line, origin.column), (Some(4), Some(4)));
        let obj = json!({"uri": "http://e/é"});
        let origin = locator.locate(obj.as_object().unwrap());
        assert_eq!(origin.line, Some(5));
        let obj = json!({"identifier": "nowhere"});
        assert_eq!(locator.locate(obj.as_object().unwrap()), Origin::file(file));
    }
}
