//! Lenient readers for members of a `serde_json` object: `null`, a missing member
//! and a blank string all mean "absent"; numbers are accepted where text is expected.

use serde_json::{Map, Value};

/// A JSON object.
pub(super) type Object = Map<String, Value>;

/// The text of `key`: a non-blank string as written, or a number written out.
pub(super) fn text(obj: &Object, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An integer: a JSON integer, a float with no fraction, or a string holding one.
pub(super) fn integer(obj: &Object, key: &str) -> Option<i64> {
    match obj.get(key)? {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A number: a JSON number or a string holding one.
pub(super) fn number(obj: &Object, key: &str) -> Option<f64> {
    match obj.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

/// A list of strings from the first of `keys` present: an array of strings, or
/// one string holding a comma-separated list (as some CASE 1.0 exports write it).
pub(super) fn string_list(obj: &Object, keys: &[&str]) -> Vec<String> {
    let Some(value) = keys.iter().find_map(|key| obj.get(*key)) else {
        return Vec::new();
    };
    let pieces: Vec<&str> = match value {
        Value::String(s) => s.split(',').collect(),
        Value::Array(values) => values.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    pieces.into_iter().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// A pointer to a CASE object as written: a LinkGenURI object, or (in some
/// CASE 1.0 exports) a bare URI string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Link {
    /// The identifier, when given.
    pub identifier: Option<String>,
    /// The URI, when given.
    pub uri: Option<String>,
    /// The title, when given.
    pub title: Option<String>,
}

impl Link {
    /// Reads `key` as a link; `None` when it is absent, or names neither an
    /// identifier nor a URI.
    pub(super) fn read(obj: &Object, key: &str) -> Option<Link> {
        let link = match obj.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Link { uri: Some(s.trim().to_string()), ..Link::default() },
            Value::Object(o) => {
                Link { identifier: text(o, "identifier"), uri: text(o, "uri"), title: text(o, "title") }
            }
            _ => return None,
        };
        (link.identifier.is_some() || link.uri.is_some()).then_some(link)
    }
}

/// The objects of the array `key`, or `Err` with what was there instead.
/// A missing member or `null` is an empty array.
pub(super) fn array<'a>(obj: &'a Object, key: &str) -> Result<&'a [Value], &'static str> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(values)) => Ok(values),
        Some(other) => Err(kind_of(other)),
    }
}

/// "a string", "an object" … for messages.
pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(value: Value) -> Object {
        match value {
            Value::Object(o) => o,
            _ => Object::new(),
        }
    }

    #[test]
    fn absent_null_and_blank_are_the_same() {
        let o = obj(json!({"a": null, "b": "  ", "c": 3, "d": "x"}));
        assert_eq!(text(&o, "a"), None);
        assert_eq!(text(&o, "b"), None);
        assert_eq!(text(&o, "c").as_deref(), Some("3"));
        assert_eq!(text(&o, "d").as_deref(), Some("x"));
    }

    #[test]
    fn numbers_and_lists() {
        let o = obj(json!({"i": 2.0, "s": " 7 ", "f": "0.5", "l": "09, 10", "a": ["KG", 3, ""]}));
        assert_eq!(integer(&o, "i"), Some(2));
        assert_eq!(integer(&o, "s"), Some(7));
        assert_eq!(number(&o, "f"), Some(0.5));
        assert_eq!(string_list(&o, &["x", "l"]), vec!["09", "10"]);
        assert_eq!(string_list(&o, &["a"]), vec!["KG"]);
    }

    #[test]
    fn links_as_objects_or_strings() {
        let o = obj(json!({"s": "http://x/1", "o": {"identifier": "1"}, "e": {}}));
        assert_eq!(Link::read(&o, "s").and_then(|l| l.uri).as_deref(), Some("http://x/1"));
        assert_eq!(Link::read(&o, "o").and_then(|l| l.identifier).as_deref(), Some("1"));
        assert_eq!(Link::read(&o, "e"), None);
    }
}
