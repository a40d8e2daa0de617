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

/// Escapes a literal's lexical form as canonical N-Quads (RDF 1.2 N-Triples §"Canonical form", used by
/// RDFC-1.0): `"` and `\` and the controls BS, TAB, LF, FF, CR as `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`;
/// the other controls U+0000–U+001F and U+007F as `\uXXXX` (uppercase hex); everything else as is. This is
/// what rdf-canonize 5 (jsonld.js) writes.
fn escape_literal(out: &mut String, value: &str) {
    // A reduction without early exit, so that the compiler can compare many bytes at once.
    let needs_escape = value.bytes().fold(false, |acc, b| acc | (b < 0x20) | (b == 0x7f) | (b == b'"') | (b == b'\\'));
    if !needs_escape {
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
    let needs_escape = iri.bytes().fold(false, |acc, b| {
        acc | (b <= b' ')
            | (b == b'<')
            | (b == b'>')
            | (b == b'"')
            | (b == b'{')
            | (b == b'}')
            | (b == b'|')
            | (b == b'^')
            | (b == b'`')
            | (b == b'\\')
    });
    if !needs_escape {
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

/// A borrowed RDF term, as the JSON-LD → RDF stage emits it: blank nodes are numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermRef<'a> {
    /// An IRI.
    Iri(&'a str),
    /// A blank node.
    Blank(u32),
    /// A literal: lexical form, datatype IRI, language tag (for `rdf:langString`).
    Literal {
        /// The lexical form.
        value: &'a str,
        /// The datatype IRI.
        datatype: &'a str,
        /// The language tag.
        language: Option<&'a str>,
    },
}

/// Where the JSON-LD → RDF stage puts its quads.
pub trait Sink {
    /// Adds one quad (`graph` `None`: the default graph).
    fn quad(&mut self, subject: TermRef<'_>, predicate: &str, object: TermRef<'_>, graph: Option<TermRef<'_>>);

    /// How many quads were added so far (0 for a sink that keeps none).
    fn quad_count(&self) -> usize {
        0
    }

    /// Adds the quads `lines.0..lines.1` of `data` as [`Sink::quad`] would have, one by one, with blank node
    /// `nodes.0 + i` numbered `node_offset + i`; `false`, adding nothing, when this sink cannot or when one of
    /// the quads has a blank node outside `nodes.0..nodes.1`.
    fn splice(&mut self, data: &Dataset, lines: (u32, u32), nodes: (u32, u32), node_offset: u32) -> bool {
        let _ = (data, lines, nodes, node_offset);
        false
    }
}

/// Quads as owned values; blank node `n` is labelled `b{n}`.
impl Sink for Vec<Quad> {
    fn quad(&mut self, subject: TermRef<'_>, predicate: &str, object: TermRef<'_>, graph: Option<TermRef<'_>>) {
        let owned = |t: TermRef<'_>| match t {
            TermRef::Iri(iri) => Term::Iri(Arc::from(iri)),
            TermRef::Blank(n) => Term::Blank(Arc::from(format!("b{n}"))),
            TermRef::Literal { value, datatype, language } => Term::Literal(Literal {
                value: value.to_owned(),
                datatype: Arc::from(datatype),
                language: language.map(str::to_owned),
            }),
        };
        self.push(Quad {
            subject: owned(subject),
            predicate: Arc::from(predicate),
            object: owned(object),
            graph: graph.map(owned),
        });
    }

    fn quad_count(&self) -> usize {
        self.len()
    }
}

/// Drops every quad (JSON-LD safe-mode checks only).
pub struct Discard;

impl Sink for Discard {
    fn quad(&mut self, _: TermRef<'_>, _: &str, _: TermRef<'_>, _: Option<TermRef<'_>>) {}
}

/// Where a blank node label goes in a [`Line`]: byte offset in [`Dataset::text`] (just after `_:`), the node,
/// and its position (0 subject, 1 object, 2 graph name).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Hole {
    /// Byte offset of the label in the dataset's text.
    pub offset: u32,
    /// The blank node.
    pub node: u32,
    /// 0 subject, 1 object, 2 graph name.
    pub position: u8,
}

/// One quad of a [`Dataset`]: its canonical N-Quads line (RDFC-1.0 §4.3 step 6 form) in the dataset's text, with
/// the blank node labels left out (holes), so that a line is escaped once and then only copied with labels
/// (`a`/`z`, temporary or canonical) filled in.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    /// Byte range of the whole line (with its final `\n`) in the dataset's text.
    pub start: u32,
    /// End of the line.
    pub end: u32,
    /// Byte range of the predicate IRI as written (between the angle brackets).
    pub predicate: (u32, u32),
    /// The blank node holes, in order.
    pub holes: [Hole; 3],
    /// How many of `holes` are used.
    pub hole_count: u8,
}

impl Line {
    /// The used holes.
    pub fn holes(&self) -> &[Hole] {
        &self.holes[..usize::from(self.hole_count)]
    }

    /// The line moved from text offset `from` to `to` and from blank node `first` to `to_node` (the caller
    /// checks that nothing overflows: `from` is at most the line's start, `first` at most its nodes).
    fn moved(&self, (from, to): (u32, u32), (first, to_node): (u32, u32)) -> Line {
        let text = |x: u32| x - from + to;
        let mut line = *self;
        (line.start, line.end) = (text(line.start), text(line.end));
        line.predicate = (text(line.predicate.0), text(line.predicate.1));
        for hole in &mut line.holes[..usize::from(line.hole_count)] {
            hole.offset = text(hole.offset);
            hole.node = hole.node - first + to_node;
        }
        line
    }

    /// Whether two lines are the same quad at the same place (same bytes of the same text and same blank
    /// nodes).
    #[cfg(test)]
    pub fn same_as(&self, other: &Line) -> bool {
        (self.start, self.end, self.predicate) == (other.start, other.end, other.predicate)
            && self.holes() == other.holes()
    }
}

/// An RDF dataset as canonical N-Quads lines with blank node holes: what JSON-LD → RDF writes directly and
/// RDFC-1.0 works on. Blank nodes are numbers below [`Dataset::node_bound`]; quads may repeat.
#[derive(Debug, Default, Clone)]
pub struct Dataset {
    /// The lines, one after the other.
    pub text: String,
    /// Each quad's line.
    pub lines: Vec<Line>,
    /// One more than the largest blank node number used.
    pub node_bound: u32,
}

impl Dataset {
    /// An empty dataset with room for about `quads` quads.
    pub fn with_capacity(quads: usize) -> Self {
        Dataset { text: String::with_capacity(quads * 110), lines: Vec::with_capacity(quads), node_bound: 0 }
    }

    /// Empties the dataset, keeping its buffers.
    pub fn clear(&mut self) {
        self.text.clear();
        self.lines.clear();
        self.node_bound = 0;
    }

    /// Appends `term` in N-Quads form at `position`, recording a hole for a blank node.
    fn term(&mut self, term: TermRef<'_>, position: u8, line: &mut Line) {
        match term {
            TermRef::Iri(iri) => write_iri(&mut self.text, iri),
            TermRef::Blank(node) => {
                self.text.push_str("_:");
                line.holes[usize::from(line.hole_count)] = Hole { offset: self.text.len() as u32, node, position };
                line.hole_count += 1;
                self.node_bound = self.node_bound.max(node + 1);
            }
            TermRef::Literal { value, datatype, language } => {
                self.text.push('"');
                escape_literal(&mut self.text, value);
                self.text.push('"');
                if let Some(lang) = language {
                    self.text.push('@');
                    self.text.push_str(lang);
                } else if datatype != XSD_STRING {
                    self.text.push_str("^^");
                    write_iri(&mut self.text, datatype);
                }
            }
        }
    }
}

impl Sink for Dataset {
    /// Writes the quad's canonical N-Quads line (as [`write_quad`] does).
    fn quad(&mut self, subject: TermRef<'_>, predicate: &str, object: TermRef<'_>, graph: Option<TermRef<'_>>) {
        let start = self.text.len() as u32;
        let mut line = Line { start, end: start, predicate: (0, 0), holes: [Hole::default(); 3], hole_count: 0 };
        self.term(subject, 0, &mut line);
        self.text.push(' ');
        let predicate_start = self.text.len() as u32 + 1;
        write_iri(&mut self.text, predicate);
        line.predicate = (predicate_start, self.text.len() as u32 - 1);
        self.text.push(' ');
        self.term(object, 1, &mut line);
        if let Some(graph) = graph {
            self.text.push(' ');
            self.term(graph, 2, &mut line);
        }
        self.text.push_str(" .\n");
        line.end = self.text.len() as u32;
        self.lines.push(line);
    }

    fn quad_count(&self) -> usize {
        self.lines.len()
    }

    fn splice(&mut self, data: &Dataset, lines: (u32, u32), nodes: (u32, u32), node_offset: u32) -> bool {
        let Some(source) = data.lines.get(lines.0 as usize..lines.1 as usize) else { return false };
        let (Some(first), Some(last)) = (source.first(), source.last()) else { return true };
        // The lines of one expansion are one after the other in the text, with their nodes in range.
        let Some(text) = data.text.get(first.start as usize..last.end as usize) else { return false };
        let fits = u32::try_from(self.text.len() + text.len()).is_ok()
            && node_offset.checked_add(nodes.1 - nodes.0).is_some()
            && u32::try_from(self.lines.len() + source.len()).is_ok();
        if !fits {
            return false;
        }
        let (kept, bound) = (self.lines.len(), self.node_bound);
        let (text_move, node_move) = ((first.start, self.text.len() as u32), (nodes.0, node_offset));
        let mut expected_start = first.start;
        let mut ok = true;
        for line in source {
            ok &= line.start == expected_start && line.holes().iter().all(|h| (nodes.0..nodes.1).contains(&h.node));
            expected_start = line.end;
            if !ok {
                break;
            }
            let moved = line.moved(text_move, node_move);
            if let Some(max) = moved.holes().iter().map(|h| h.node + 1).max() {
                self.node_bound = self.node_bound.max(max);
            }
            self.lines.push(moved);
        }
        if !ok {
            self.lines.truncate(kept);
            self.node_bound = bound;
            return false;
        }
        self.text.push_str(text);
        true
    }
}

/// The dataset of owned quads; blank node labels are numbered in order of appearance.
pub fn dataset_of(quads: &[Quad]) -> Dataset {
    let mut labels: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let mut data = Dataset::with_capacity(quads.len());
    for quad in quads {
        let subject = borrowed(&quad.subject, &mut labels);
        let object = borrowed(&quad.object, &mut labels);
        let graph = quad.graph.as_ref().map(|g| borrowed(g, &mut labels));
        data.quad(subject, &quad.predicate, object, graph);
    }
    data
}

/// `term` as a [`TermRef`], blank node labels numbered through `labels`.
fn borrowed<'a>(term: &'a Term, labels: &mut std::collections::HashMap<&'a str, u32>) -> TermRef<'a> {
    match term {
        Term::Iri(iri) => TermRef::Iri(iri),
        Term::Blank(label) => {
            let next = labels.len() as u32;
            TermRef::Blank(*labels.entry(&**label).or_insert(next))
        }
        Term::Literal(l) => {
            TermRef::Literal { value: &l.value, datatype: &l.datatype, language: l.language.as_deref() }
        }
    }
}

/// Appends the decimal digits of `n` (blank node labels and JSON pointer indexes, on hot paths: no
/// formatting machinery).
pub(crate) fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for n in [0u64, 7, 10, 409, u64::MAX] {
            let mut out = String::from("x");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

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
