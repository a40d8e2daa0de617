//! A minimal RDF dataset model and its canonical N-Quads form.
//!
//! Only what RDFC-1.0 needs: IRIs, blank nodes, literals, quads in the default graph or a named graph, and the
//! canonical N-Quads serialization RDFC-1.0 §4.3 (step 6) and §4.6 use, i.e. the canonical form of
//! RDF 1.1 N-Quads / RDF 1.2 N-Triples §"Canonical N-Triples" as produced by the reference implementations.

use std::fmt::Write as _;
use std::sync::Arc;

/// `http://www.w3.org/2001/XMLSchema#string`, the datatype of a plain literal.
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
/// `http://www.w3.org/1999/02/22-rdf-syntax-ns#langString`, the datatype of a language-tagged string.
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// A node or value of an RDF quad.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// An IRI, without the angle brackets (shared: the same IRIs recur in every quad).
    Iri(Arc<str>),
    /// A blank node, by its label without the `_:` prefix.
    Blank(Arc<str>),
    /// A literal.
    Literal(Literal),
}

/// An RDF literal: lexical form, datatype IRI and, for `rdf:langString`, a language tag.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    /// The lexical form.
    pub value: String,
    /// The datatype IRI (`xsd:string` for a plain literal).
    pub datatype: Arc<str>,
    /// The language tag, for a language-tagged string.
    pub language: Option<String>,
}

/// An RDF quad. The predicate is always an IRI; `graph` is `None` for the default graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    /// Subject: an IRI or a blank node.
    pub subject: Term,
    /// Predicate IRI.
    pub predicate: Arc<str>,
    /// Object: an IRI, a blank node or a literal.
    pub object: Term,
    /// Graph name: an IRI or a blank node, `None` for the default graph.
    pub graph: Option<Term>,
}

/// Appends `term` in N-Quads form; a blank node is written through `blank(out, label)` (after `_:`).
fn write_term(out: &mut String, term: &Term, blank: &mut impl FnMut(&mut String, &str)) {
    match term {
        Term::Iri(iri) => write_iri(out, iri),
        Term::Blank(label) => {
            out.push_str("_:");
            blank(out, label);
        }
        Term::Literal(lit) => {
            out.push('"');
            escape_literal(out, &lit.value);
            out.push('"');
            if let Some(lang) = &lit.language {
                out.push('@');
                out.push_str(lang);
            } else if &*lit.datatype != XSD_STRING {
                out.push_str("^^");
                write_iri(out, &lit.datatype);
            }
        }
    }
}

const LITERAL: u8 = 1;
const IRI: u8 = 2;

/// For each byte: whether it needs an escape in a literal (`LITERAL`) and in an IRI (`IRI`).
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c < 0x20 || c == 0x7f || c == b'"' || c == b'\\' {
            table[b] |= LITERAL;
        }
        if c <= b' ' || matches!(c, b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\') {
            table[b] |= IRI;
        }
        b += 1;
    }
    table
};

/// Escapes a literal's lexical form as canonical N-Quads (RDF 1.2 N-Triples §"Canonical form", used by
/// RDFC-1.0): `"` and `\` and the controls BS, TAB, LF, FF, CR as `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`;
/// the other controls U+0000–U+001F and U+007F as `\uXXXX` (uppercase hex); everything else as is. This is
/// what rdf-canonize 5 (jsonld.js) writes.
fn escape_literal(out: &mut String, value: &str) {
    if !value.bytes().any(|b| ESCAPE[usize::from(b)] & LITERAL != 0) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\0'..='\u{1f}' | '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            _ => out.push(c),
        }
    }
}

/// Writes an IRI between angle brackets, escaping as canonical N-Quads (and rdf-canonize 5) do: U+0000–U+0020
/// and the characters `<`, `>`, `"`, `{`, `}`, `|`, `^`, backtick and backslash as `\uXXXX`. Valid IRIs contain
/// none of these; the escape keeps the output parseable.
fn write_iri(out: &mut String, iri: &str) {
    out.push('<');
    if !iri.bytes().any(|b| ESCAPE[usize::from(b)] & IRI != 0) {
        out.push_str(iri);
        out.push('>');
        return;
    }
    for c in iri.chars() {
        match c {
            '\0'..=' ' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            _ => out.push(c),
        }
    }
    out.push('>');
}

/// Serializes one quad as a canonical N-Quads line (with the final `\n`). Each blank node is written through
/// `blank(out, position, label)`, position 0, 1, 2 for subject, object, graph (RDFC-1.0 §4.6.3 step 2.1 writes
/// `a`/`z` this way, §4.4.3 step 6 the canonical labels).
pub fn write_quad(out: &mut String, quad: &Quad, blank: &mut impl FnMut(&mut String, usize, &str)) {
    write_term(out, &quad.subject, &mut |o: &mut String, l: &str| blank(o, 0, l));
    out.push(' ');
    write_iri(out, &quad.predicate);
    out.push(' ');
    write_term(out, &quad.object, &mut |o: &mut String, l: &str| blank(o, 1, l));
    if let Some(graph) = &quad.graph {
        out.push(' ');
        write_term(out, graph, &mut |o: &mut String, l: &str| blank(o, 2, l));
    }
    out.push_str(" .\n");
}

/// Serializes a dataset as N-Quads lines in the given order, keeping blank node labels.
pub fn to_nquads(quads: &[Quad]) -> String {
    let mut out = String::new();
    for quad in quads {
        write_quad(&mut out, quad, &mut |o, _, label| o.push_str(label));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_literals_iris_and_graphs() {
        let quad = Quad {
            subject: Term::Blank("b0".into()),
            predicate: "http://e/p".into(),
            object: Term::Literal(Literal {
                value: "a \"q\"\\\n\r\tz\u{1}".into(),
                datatype: "xsd:dateTime".into(),
                language: None,
            }),
            graph: Some(Term::Iri("http://e/g".into())),
        };
        assert_eq!(
            to_nquads(&[quad]),
            "_:b0 <http://e/p> \"a \\\"q\\\"\\\\\\n\\r\\tz\\u0001\"^^<xsd:dateTime> <http://e/g> .\n"
        );
        let plain = Quad {
            subject: Term::Iri("urn:x".into()),
            predicate: "http://e/p".into(),
            object: Term::Literal(Literal { value: "x".into(), datatype: XSD_STRING.into(), language: None }),
            graph: None,
        };
        assert_eq!(to_nquads(&[plain]), "<urn:x> <http://e/p> \"x\" .\n");
    }
}
