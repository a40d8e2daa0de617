//! Strict JSON: the one parser for every JSON document xtranscript reads (credentials in `verify`, CASE
//! packages, DID documents, status lists).
//!
//! RFC 8259 §4 only says that member names SHOULD be unique and that, when they are not, "implementations
//! differ": many take the last member, many the first. A signed credential with `"name"` twice would then
//! show one reader one name and another reader another. I-JSON (RFC 7493 §2.3) says names MUST NOT be
//! duplicated; this parser refuses any duplicate member name, anywhere, naming it and its line:column.
//!
//! It also bounds what hostile input can cost: nesting depth and the number of values ([`Limits`]). The
//! result is a `serde_json::Value` with members in document order, as `serde_json` would build it.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Bounds on one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of arrays and objects (the top level is depth 1).
    pub max_depth: usize,
    /// Most values (scalars, arrays, objects; member names not counted) in the document.
    pub max_values: usize,
}

impl Limits {
    /// Nesting deeper than any credential, CASE package or DID document needs (a CLR is about 12 deep).
    pub const MAX_DEPTH: usize = 64;
}

impl Default for Limits {
    /// 64 levels; 10 million values.
    fn default() -> Self {
        Limits { max_depth: Self::MAX_DEPTH, max_values: 10_000_000 }
    }
}

/// Parses `text` strictly with the default [`Limits`]: well-formed JSON (RFC 8259), no duplicate member name.
/// Errors carry the line and column (`serde_json::Error::line` / `column`).
pub fn parse_str(text: &str) -> Result<Value, serde_json::Error> {
    parse_slice_with(text.as_bytes(), Limits::default())
}

/// [`parse_str`] for bytes (which must be UTF-8).
pub fn parse_slice(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    parse_slice_with(bytes, Limits::default())
}

/// [`parse_slice`] with explicit limits.
pub fn parse_slice_with(bytes: &[u8], limits: Limits) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let budget = Budget { limits, values: Cell::new(0) };
    let value = Strict { depth: 0, budget: &budget }.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The values still allowed in the document being read.
struct Budget {
    limits: Limits,
    values: Cell<usize>,
}

impl Budget {
    fn take<E: de::Error>(&self) -> Result<(), E> {
        let n = self.values.get() + 1;
        if n > self.limits.max_values {
            return Err(E::custom(format_args!("more than {} JSON values", self.limits.max_values)));
        }
        self.values.set(n);
        Ok(())
    }
}

/// Builds one value at `depth` (0 for the document).
#[derive(Clone, Copy)]
struct Strict<'a> {
    depth: usize,
    budget: &'a Budget,
}

impl Strict<'_> {
    /// The seed for a member or element of a container at this depth.
    fn enter<E: de::Error>(self) -> Result<Self, E> {
        if self.depth + 1 >= self.budget.limits.max_depth {
            return Err(E::custom(format_args!("nested deeper than {} levels", self.budget.limits.max_depth)));
        }
        Ok(Strict { depth: self.depth + 1, budget: self.budget })
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.budget.take()?;
        // JSON has no NaN or infinity; serde_json reports out-of-range numbers before this.
        serde_json::Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.budget.take()?;
        let element = self.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(element)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.budget.take()?;
        let member = self.enter()?;
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            // RFC 7493 §2.3: member names MUST be unique.
            if members.contains_key(&name) {
                return Err(de::Error::custom(format_args!("duplicate member name {name:?}")));
            }
            let value = map.next_value_seed(member)?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

/// Whether `error` is one of this parser's limits or the duplicate-name rule rather than a syntax error
/// (for messages that say "not JSON" otherwise).
pub fn is_strictness(error: &serde_json::Error) -> bool {
    let text = error.to_string();
    text.starts_with("duplicate member name") || text.starts_with("nested deeper") || text.starts_with("more than ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_as_serde_json_for_valid_documents() {
        for text in [
            r#"{"a": [1, -2, 3.5, 1e300, true, null, "x\u00e9"], "b": {"c": {}}, "d": []}"#,
            "  [ ]  ",
            "18446744073709551615",
            r#"{"z": 1, "a": 2}"#,
        ] {
            let strict = parse_str(text).unwrap();
            let plain: Value = serde_json::from_str(text).unwrap();
            assert_eq!(strict, plain, "{text}");
            assert_eq!(strict.to_string(), plain.to_string(), "member order kept: {text}");
        }
    }

    #[test]
    fn a_duplicate_member_name_is_refused_with_its_name_and_position() {
        let text = "{\"credentialSubject\": {\n  \"name\": \"Forged\",\n  \"name\": \"Real\"\n}}";
        let e = parse_str(text).unwrap_err();
        assert!(e.to_string().starts_with("duplicate member name \"name\""), "{e}");
        assert_eq!(e.line(), 3, "{e}");
        assert!(is_strictness(&e));
        // Same name in different objects is fine.
        assert!(parse_str(r#"[{"name": 1}, {"name": 2}, {"a": {"name": 3}, "name": 4}]"#).is_ok());
    }

    #[test]
    fn depth_and_value_count_are_bounded() {
        let deep = "[".repeat(Limits::MAX_DEPTH) + &"]".repeat(Limits::MAX_DEPTH);
        let e = parse_str(&deep).unwrap_err();
        assert!(e.to_string().contains("nested deeper than 64"), "{e}");
        let ok = "[".repeat(Limits::MAX_DEPTH - 1) + &"]".repeat(Limits::MAX_DEPTH - 1);
        assert!(parse_str(&ok).is_ok());
        let few = Limits { max_depth: 8, max_values: 3 };
        assert!(parse_slice_with(b"[1, 2]", few).is_ok());
        let e = parse_slice_with(b"[1, 2, 3]", few).unwrap_err();
        assert!(e.to_string().contains("more than 3 JSON values"), "{e}");
    }

    #[test]
    fn trailing_text_and_bad_syntax_are_errors() {
        for bad in ["{} x", "{\"a\": 1,}", "", "[1 2]", "{\"a\" 1}"] {
            assert!(parse_str(bad).is_err(), "{bad:?}");
            assert!(!is_strictness(&parse_str(bad).unwrap_err()), "{bad:?}");
        }
    }
}
