//! RDF literals for JSON values (JSON-LD 1.1 Processing Algorithms §8.2 Object to RDF, steps 7–13), written
//! exactly as jsonld.js writes them, and the IRIs every document uses.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use serde_json::Value;

use super::super::error::CanonError;
use super::super::rdf::{RDF_LANG_STRING, XSD_STRING};

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// Shared IRIs used for every document.
pub struct Iris {
    pub rdf_type: Arc<str>,
    pub first: Arc<str>,
    pub rest: Arc<str>,
    pub nil: Arc<str>,
    pub json: Arc<str>,
    pub string: Arc<str>,
    pub lang_string: Arc<str>,
    pub boolean: Arc<str>,
    pub integer: Arc<str>,
    pub double: Arc<str>,
}

pub static IRIS: LazyLock<Iris> = LazyLock::new(|| Iris {
    rdf_type: Arc::from(format!("{RDF}type")),
    first: Arc::from(format!("{RDF}first")),
    rest: Arc::from(format!("{RDF}rest")),
    nil: Arc::from(format!("{RDF}nil")),
    json: Arc::from(format!("{RDF}JSON")),
    string: Arc::from(XSD_STRING),
    lang_string: Arc::from(RDF_LANG_STRING),
    boolean: Arc::from(format!("{XSD}boolean")),
    integer: Arc::from(format!("{XSD}integer")),
    double: Arc::from(format!("{XSD}double")),
});

/// An RDF literal while expanding: the lexical form borrowed from the document when it can be.
#[derive(Debug, Clone)]
pub struct Literal<'v> {
    /// The lexical form.
    pub value: Cow<'v, str>,
    /// The datatype IRI.
    pub datatype: Arc<str>,
    /// The language tag, for `rdf:langString`.
    pub language: Option<Cow<'v, str>>,
}

/// A literal without a language tag.
pub fn literal<'v>(value: Cow<'v, str>, datatype: &Arc<str>) -> Literal<'v> {
    Literal { value, datatype: Arc::clone(datatype), language: None }
}

/// The coerced datatype, unless it is a keyword (`@id`, `@vocab`, …), else `default`.
pub fn datatype_or<'a>(coerce: Option<&'a Arc<str>>, default: &'a Arc<str>) -> &'a Arc<str> {
    coerce.filter(|dt| !dt.starts_with('@')).unwrap_or(default)
}

/// §8.2 steps 10–11: a JSON number as an `xsd:integer`, or as an `xsd:double` in canonical form (`1.5E0`),
/// keeping a coerced datatype. JSON numbers are IEEE doubles here, as in JavaScript, and a number counts as a
/// double exactly when jsonld.js says so: its JavaScript string form has a `.`, or it is ≥ 1e21, or it is
/// coerced to `xsd:double` (so `1e-7` is the integer `0`, and `12345678901234567890` is written
/// `12345678901234567168`, as jsonld.js and pyld do).
pub fn number(n: &serde_json::Number, datatype: Option<&Arc<str>>) -> Literal<'static> {
    let f = n.as_f64().unwrap_or(0.0);
    let js_has_point = if f != 0.0 && f.abs() < 1e-6 { format!("{f:e}").contains('.') } else { f.fract() != 0.0 };
    if datatype.is_some_and(|d| **d == *IRIS.double) || js_has_point || f.abs() >= 1e21 {
        return literal(Cow::Owned(canonical_double(f)), datatype.unwrap_or(&IRIS.double));
    }
    literal(Cow::Owned(format!("{f:.0}")), datatype.unwrap_or(&IRIS.integer))
}

/// The canonical xsd:double form jsonld.js writes: `toExponential(15)` with trailing zeros of the mantissa
/// removed (one digit kept), `E` and no `+` (e.g. `1.5E0`, `1.0E-1`, `1.2345678E4`).
fn canonical_double(f: f64) -> String {
    let formatted = format!("{f:.15e}");
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let mut mantissa = mantissa.trim_end_matches('0').to_owned();
    if mantissa.ends_with('.') {
        mantissa.push('0');
    }
    format!("{mantissa}E{exponent}")
}

/// An `rdf:JSON` literal: the JCS canonical form of the value (JSON-LD 1.1 §8.2 step 7).
pub fn json_literal(value: &Value) -> Result<Literal<'static>, CanonError> {
    let text = serde_json_canonicalizer::to_string(value).map_err(|e| CanonError::Jcs(e.to_string()))?;
    Ok(literal(Cow::Owned(text), &IRIS.json))
}

#[cfg(test)]
mod tests {
    use super::canonical_double;

    #[test]
    fn doubles_are_written_like_jsonld_js() {
        assert_eq!(canonical_double(1.5), "1.5E0");
        assert_eq!(canonical_double(0.1), "1.0E-1");
        assert_eq!(canonical_double(12345.678), "1.2345678E4");
        assert_eq!(canonical_double(1e21), "1.0E21");
        assert_eq!(canonical_double(-2.25), "-2.25E0");
    }
}
