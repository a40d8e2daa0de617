//! A thin layer over quick-xml's event writer: elements and escaped text, with the XSD's length limits applied
//! where the value is written. A value that does not fit is cut at its limit and a [`Notice`] says so (never
//! silently); characters XML 1.0 cannot carry are left out, with a notice too.

use std::borrow::Cow;
use std::fmt;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// Something `transcript.xml` could not say exactly as the records do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The element, e.g. `CourseTitle`.
    pub element: &'static str,
    /// What the value belongs to, e.g. `course record ENR-00017`.
    pub of: String,
    /// What happened.
    pub problem: Problem,
}

/// What happened to a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Longer than the XSD allows: cut to `limit` characters.
    Truncated {
        /// Its length, in characters.
        length: usize,
        /// The XSD's maximum length.
        limit: usize,
    },
    /// Characters XML 1.0 cannot carry (control characters) were left out.
    Unwritable,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            Problem::Truncated { length, limit } => write!(
                f,
                "{} of {} has {length} characters; PESC allows {limit}: cut to {limit}",
                self.element, self.of
            ),
            Problem::Unwritable => {
                write!(f, "{} of {} has control characters XML cannot carry: left out", self.element, self.of)
            }
        }
    }
}

/// Whether XML 1.0 can carry `c` (production `Char`).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `value` cut to `limit` characters (if it has more), without characters XML cannot carry; and what was done.
pub(super) fn fit(value: &str, limit: Option<usize>) -> (Cow<'_, str>, Option<Problem>) {
    let mut problem = None;
    let mut text: Cow<'_, str> = Cow::Borrowed(value);
    if !value.chars().all(xml_char) {
        text = Cow::Owned(value.chars().filter(|c| xml_char(*c)).collect());
        problem = Some(Problem::Unwritable);
    }
    if let Some(limit) = limit {
        let length = text.chars().count();
        if length > limit {
            text = Cow::Owned(text.chars().take(limit).collect());
            problem = Some(Problem::Truncated { length, limit });
        }
    }
    (text, problem)
}

/// The document being written, and the notices so far.
pub(super) struct Xml {
    writer: Writer<Vec<u8>>,
    /// What could not be written exactly.
    pub notices: Vec<Notice>,
    /// What the values being written belong to (for notices).
    pub of: String,
    failed: bool,
}

impl Xml {
    /// An empty document with its XML declaration, in `buffer` (cleared first).
    pub fn new(mut buffer: Vec<u8>) -> Xml {
        buffer.clear();
        let mut xml = Xml {
            writer: Writer::new_with_indent(buffer, b' ', 2),
            notices: Vec::new(),
            of: String::new(),
            failed: false,
        };
        xml.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        xml
    }

    fn event(&mut self, event: Event<'_>) {
        self.failed |= self.writer.write_event(event).is_err();
    }

    /// Opens `name` with `attributes`.
    pub fn open_with(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        for (key, value) in attributes {
            let (value, _) = fit(value, None);
            start.push_attribute((*key, value.as_ref()));
        }
        self.event(Event::Start(start));
    }

    /// Opens `name`.
    pub fn open(&mut self, name: &str) {
        self.event(Event::Start(BytesStart::new(name)));
    }

    /// Closes `name`.
    pub fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// An empty element with attributes (none with an empty value).
    pub fn empty_with(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        for (key, value) in attributes.iter().filter(|(_, v)| !v.is_empty()) {
            let (value, _) = fit(value, None);
            start.push_attribute((*key, value.as_ref()));
        }
        self.event(Event::Empty(start));
    }

    /// `<name>value</name>` for a value of no length limit; nothing when the value is empty (PESC's strings
    /// have a minimum length of 1).
    pub fn text(&mut self, name: &'static str, value: &str) {
        self.limited(name, value, None);
    }

    /// `<name>value</name>`, the value cut to `limit` characters with a notice.
    pub fn limited(&mut self, name: &'static str, value: &str, limit: Option<usize>) {
        let (text, problem) = fit(value, limit);
        if let Some(problem) = problem {
            self.notices.push(Notice { element: name, of: self.of.clone(), problem });
        }
        if text.trim().is_empty() {
            return;
        }
        self.open(name);
        self.event(Event::Text(BytesText::new(&text)));
        self.close(name);
    }

    /// The document's bytes (with a final newline); `None` if a write failed.
    pub fn finish(self) -> Option<(Vec<u8>, Vec<Notice>)> {
        if self.failed {
            return None;
        }
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        Some((bytes, self.notices))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_cut_with_a_notice_and_cleaned() {
        let mut xml = Xml::new(Vec::new());
        xml.of = "course record R1".into();
        xml.open("A");
        xml.limited("CourseTitle", "R&D <Lab> \"x\"", Some(120));
        xml.limited("SessionName", "Spring semester of the year two thousand", Some(30));
        xml.text("NoteMessage", "bell\u{7}");
        xml.text("Empty", "");
        xml.close("A");
        let (bytes, notices) = xml.finish().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{text}");
        assert!(text.contains("<CourseTitle>R&amp;D &lt;Lab&gt; &quot;x&quot;</CourseTitle>"), "{text}");
        assert!(text.contains("<SessionName>Spring semester of the year tw</SessionName>"), "{text}");
        assert!(text.contains("<NoteMessage>bell</NoteMessage>"), "{text}");
        assert!(!text.contains("Empty"), "{text}");
        assert_eq!(notices.len(), 2);
        assert_eq!(
            notices[0].to_string(),
            "SessionName of course record R1 has 40 characters; PESC allows 30: cut to 30"
        );
        assert_eq!(notices[1].problem, Problem::Unwritable);
    }
}
