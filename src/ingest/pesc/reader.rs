//! The streaming event loop: quick-xml events in, element paths (local names,
//! namespaces ignored) out to the transcript draft, one transcript at a time.
//!
//! Safety: a DOCTYPE or any `<!ENTITY`/`<!ELEMENT`/`<!ATTLIST`/`<!NOTATION`
//! declaration refuses the file (XT0302) and nothing is ever expanded; an entity
//! reference other than the five XML ones or a character reference is an
//! error (XT0301) and stops the file; so does malformed XML. Transcripts
//! completed before such an error have already been handed over; the one
//! being read is dropped. Memory is bounded by one transcript: the draft is
//! handed over and dropped when its element closes, element text is capped at
//! `MAX_TEXT` and any single XML construct at `source::MAX_CONSTRUCT` bytes.

use std::io::BufRead;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};

use super::draft::{Draft, Report};
use super::source::{self, EncodingNote, Pos, TooLarge, Tracked};
use super::transcript::PescTranscript;
use crate::diag::{Code, Diagnostics};

/// The most characters of text kept for one element.
const MAX_TEXT: usize = 64 * 1024;

/// The deepest element nesting accepted.
const MAX_DEPTH: usize = 256;

/// Whether to read on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Go,
    Stop,
}

/// What the root element is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    /// Not seen yet.
    Unseen,
    /// One CollegeTranscript.
    Transcript,
    /// A batch of transcripts.
    Batch,
}

/// An open element.
struct Frame {
    name: String,
    at: Pos,
}

/// The transcript being read: the depth of its CollegeTranscript element and the draft.
struct Current {
    depth: usize,
    draft: Draft,
    /// (Identifying only) an entity reference, never expanded, stood in the learner's identification.
    tainted: bool,
}

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Every transcript, with every problem reported.
    Read,
    /// Only who each transcript is about, in a file already refused: a DOCTYPE is passed over and an entity
    /// reference is dropped (never expanded); one in the learner's identification leaves it unidentified.
    Identify,
}

/// How far a file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOutcome {
    /// Read to its end with no error (in [`Mode::Read`], none reported at all).
    pub(super) complete: bool,
    /// Transcripts that could not be handed over (no learner to name).
    pub(super) dropped: usize,
}

impl ReadOutcome {
    /// Whether the whole file was read and every transcript in it handed over, with no error.
    pub fn is_complete(&self) -> bool {
        self.complete && self.dropped == 0
    }
}

struct Walker<'r, 'a, F> {
    report: &'r mut Report<'a>,
    on_transcript: F,
    stack: Vec<Frame>,
    text: String,
    text_capped: bool,
    root: Root,
    current: Option<Current>,
    found: usize,
    mode: Mode,
    dropped: usize,
    ended: bool,
}

/// Reads every CollegeTranscript of `input`, calling `on_transcript` for each as it completes.
pub(super) fn run<R: BufRead>(
    input: R,
    file: &Path,
    diags: &mut Diagnostics,
    mode: Mode,
    on_transcript: impl FnMut(PescTranscript),
) -> ReadOutcome {
    let before = diags.len();
    let mut report = Report { file, diags };
    let input = match source::prepare(input) {
        Ok((input, note)) => {
            note_encoding(&mut report, note);
            input
        }
        Err(e) => {
            report.error(Code::Io, Pos::START, format!("cannot read: {e}"));
            return ReadOutcome { complete: false, dropped: 0 };
        }
    };
    let mut xml = Reader::from_reader(Tracked::new(input));
    let mut walker = Walker {
        report: &mut report,
        on_transcript,
        stack: Vec::new(),
        text: String::new(),
        text_capped: false,
        root: Root::Unseen,
        current: None,
        found: 0,
        mode,
        dropped: 0,
        ended: false,
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let offset = xml.buffer_position();
        let at = xml.get_mut().resolve(offset);
        let flow = match xml.read_event_into(&mut buf) {
            Ok(event) => walker.event(event, at),
            Err(e) => {
                let offset = xml.error_position();
                let at = xml.get_mut().resolve(offset);
                let head = xml.get_mut().peek(16);
                walker.failed(&e, at, &head);
                Flow::Stop
            }
        };
        if flow == Flow::Stop {
            break;
        }
    }
    let (ended, dropped) = (walker.ended, walker.dropped);
    let complete = ended && (mode == Mode::Identify || !report.diags.errors_since(before));
    ReadOutcome { complete, dropped }
}

fn note_encoding(report: &mut Report, note: EncodingNote) {
    if let EncodingNote::Unknown(label) = note {
        report
            .warning(Code::Encoding, Pos::START, format!("unknown encoding \"{label}\" declared: read as UTF-8"))
            .help("save the file as UTF-8");
    }
}

/// Whether `head` starts a DTD declaration.
fn is_declaration(head: &[u8]) -> bool {
    const DECLARATIONS: [&[u8]; 4] = [b"<!ENTITY", b"<!ELEMENT", b"<!ATTLIST", b"<!NOTATION"];
    DECLARATIONS.iter().any(|d| head.len() >= d.len() && head[..d.len()].eq_ignore_ascii_case(d))
}

impl<F: FnMut(PescTranscript)> Walker<'_, '_, F> {
    fn event(&mut self, event: Event, at: Pos) -> Flow {
        match event {
            Event::Start(e) => self.open(e.local_name().as_ref(), at),
            Event::Empty(e) => match self.open(e.local_name().as_ref(), at) {
                Flow::Go => self.close(),
                Flow::Stop => Flow::Stop,
            },
            Event::End(_) => self.close(),
            Event::Text(t) => self.push_text(&t.xml10_content()),
            Event::CData(t) => self.push_text(&t.xml10_content()),
            Event::GeneralRef(r) => self.reference(&r, at),
            Event::DocType(_) if self.mode == Mode::Identify => Flow::Go,
            Event::DocType(_) => {
                self.report
                    .error(
                        Code::XmlDtd,
                        at,
                        "DOCTYPE declaration: file refused (DTDs and entities are never processed)".into(),
                    )
                    .help("remove the <!DOCTYPE …> declaration; PESC transcripts do not need one");
                Flow::Stop
            }
            Event::Eof => {
                self.ended = self.end_of_file(at);
                Flow::Stop
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => Flow::Go,
        }
    }

    fn open(&mut self, name: &str, at: Pos) -> Flow {
        if self.stack.is_empty() && self.check_root(name, at) == Flow::Stop {
            return Flow::Stop;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.report.error(Code::XmlSyntax, at, format!("elements nested deeper than {MAX_DEPTH}: file refused"));
            return Flow::Stop;
        }
        self.stack.push(Frame { name: name.to_string(), at });
        self.text.clear();
        self.text_capped = false;
        match &mut self.current {
            Some(current) => {
                let path = path_below(&self.stack, current.depth);
                current.draft.open(&path, at);
            }
            None if name == "CollegeTranscript" => {
                self.found += 1;
                self.current = Some(Current { depth: self.stack.len() - 1, draft: Draft::new(at), tainted: false });
            }
            None => {}
        }
        Flow::Go
    }

    fn check_root(&mut self, name: &str, at: Pos) -> Flow {
        if self.root != Root::Unseen {
            self.report.error(Code::XmlSyntax, at, format!("a second root element <{name}>: file refused"));
            return Flow::Stop;
        }
        self.root = if name == "CollegeTranscript" {
            Root::Transcript
        } else if name.ends_with("Batch") {
            Root::Batch
        } else {
            self.report
                .error(
                    Code::NotPescTranscript,
                    at,
                    format!(
                        "root element <{name}> is not a PESC CollegeTranscript or AcademicRecordBatch: file refused"
                    ),
                )
                .help("give a PESC College Transcript XML file (root CollegeTranscript or AcademicRecordBatch)");
            return Flow::Stop;
        };
        Flow::Go
    }

    fn close(&mut self) -> Flow {
        let depth = self.stack.len().saturating_sub(1);
        match &self.current {
            Some(current) if current.depth == depth => self.finish_transcript(),
            Some(_) => self.close_in_transcript(),
            None => {}
        }
        self.stack.pop();
        self.text.clear();
        self.text_capped = false;
        Flow::Go
    }

    /// Hands the transcript over (if it is usable) and drops it.
    fn finish_transcript(&mut self) {
        let Some(current) = self.current.take() else { return };
        match current.draft.finish(self.report) {
            Some(transcript) if !current.tainted => (self.on_transcript)(transcript),
            _ => self.dropped += 1,
        }
    }

    fn close_in_transcript(&mut self) {
        let (Some(current), Some(frame)) = (&mut self.current, self.stack.last()) else {
            return;
        };
        if self.text_capped {
            self.report.warning(
                Code::BadElementValue,
                frame.at,
                format!("text of <{}> longer than {MAX_TEXT} bytes: cut", frame.name),
            );
        }
        let path = path_below(&self.stack, current.depth);
        current.draft.close(&path, self.text.trim(), frame.at, self.report);
    }

    fn push_text(&mut self, text: &str) -> Flow {
        if self.current.is_none() || self.text_capped {
            return Flow::Go;
        }
        if self.text.len() + text.len() > MAX_TEXT {
            let room = MAX_TEXT.saturating_sub(self.text.len());
            let cut: String = text
                .chars()
                .scan(0, |n, c| {
                    *n += c.len_utf8();
                    (*n <= room).then_some(c)
                })
                .collect();
            self.text.push_str(&cut);
            self.text_capped = true;
        } else {
            self.text.push_str(text);
        }
        Flow::Go
    }

    /// `&name;` in text: the five XML entities and character references are
    /// resolved; anything else is refused, never expanded.
    fn reference(&mut self, reference: &BytesRef, at: Pos) -> Flow {
        let name: &str = reference;
        let resolved = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => match reference.resolve_char_ref() {
                Ok(Some(c)) => Some(c),
                Ok(None) if self.mode == Mode::Identify => {
                    let identifying = ["Person", "DocumentID"];
                    if let Some(current) = &mut self.current
                        && self.stack.iter().skip(current.depth).any(|f| identifying.contains(&f.name.as_str()))
                    {
                        current.tainted = true;
                    }
                    None
                }
                Ok(None) => {
                    self.report
                        .error(
                            Code::XmlSyntax,
                            at,
                            format!("undefined entity reference &{name}; (entities are never expanded): file refused"),
                        )
                        .help("write the character itself, or &amp; for a literal ampersand");
                    return Flow::Stop;
                }
                Err(e) => {
                    self.report.error(Code::XmlSyntax, at, format!("bad character reference &{name};: {e}"));
                    return Flow::Stop;
                }
            },
        };
        let mut utf8 = [0u8; 4];
        match resolved {
            Some(c) => self.push_text(c.encode_utf8(&mut utf8)),
            None => Flow::Go,
        }
    }

    /// Reports a file that ends too early, or holds no transcript; whether it ended well.
    fn end_of_file(&mut self, at: Pos) -> bool {
        if let Some(open) = self.stack.last() {
            self.report.error(
                Code::XmlSyntax,
                at,
                format!("unexpected end of file: <{}> (line {}) is not closed", open.name, open.at.line),
            );
        } else if self.root == Root::Unseen {
            self.report.error(Code::NotPescTranscript, at, "no root element: not a PESC transcript".into());
        } else if self.found == 0 {
            self.report
                .error(Code::NotPescTranscript, at, "the batch holds no CollegeTranscript".into())
                .help("only PESC College Transcripts are read");
        } else {
            return true;
        }
        false
    }

    fn failed(&mut self, error: &quick_xml::Error, at: Pos, head: &[u8]) {
        let (code, message) = match error {
            quick_xml::Error::Syntax(_) if is_declaration(head) => (
                Code::XmlDtd,
                "DTD declaration (<!ENTITY …> or similar): file refused, nothing is expanded".to_string(),
            ),
            quick_xml::Error::Io(e) if e.get_ref().is_some_and(|inner| inner.is::<TooLarge>()) => {
                (Code::XmlSyntax, format!("{e}: file refused"))
            }
            quick_xml::Error::Io(e) => (Code::Io, format!("cannot read: {e}")),
            quick_xml::Error::Encoding(e) => (Code::Encoding, format!("not valid UTF-8: {e}")),
            other => (Code::XmlSyntax, format!("malformed XML: {other}")),
        };
        let diagnostic = self.report.error(code, at, message);
        if code == Code::Encoding {
            diagnostic.help("save the file as UTF-8, or declare its encoding in <?xml … encoding=\"…\"?>");
        }
    }
}

/// The local names of the open elements below depth `depth` (the CollegeTranscript element).
fn path_below(stack: &[Frame], depth: usize) -> Vec<&str> {
    stack.iter().skip(depth + 1).map(|f| f.name.as_str()).collect()
}
