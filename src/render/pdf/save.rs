//! Writing the finished document: every stream as an indirect object, every other object packed into
//! compressed object streams, and a compressed cross-reference stream (ISO 32000-1 7.5.7, 7.5.8; PDF 1.5,
//! allowed by PDF/A-3: ISO 19005-3 6.1.3, 6.1.7). Objects keep the document's numbers; a number no
//! object has is a free entry. Objects already serialized ([`Raw`]: the structure tree) are packed as they are.
//!
//! Written here rather than by lopdf's writer, which serializes each packed object three times (to measure
//! it, to build the object stream, to write it) through `core::fmt`: that was a quarter of a transcript's
//! rendering cost. Each object is serialized once, straight into its buffer.

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use super::deflate::Deflater;

/// The file header: the version, then a comment of four bytes over 127 marking the file binary (ISO
/// 32000-1 7.5.2; ISO 19005-3 6.1.2).
const HEADER: &[u8] = b"%PDF-1.7\n%\xbb\xad\xc0\xde\n";
/// Bytes of each cross-reference stream field (`/W [1 4 2]`): type, offset or object stream, generation
/// or index.
const XREF_ROW: usize = 7;

/// An object serialized elsewhere (generation 0), packed into an object stream as it is.
pub(super) struct Raw {
    pub number: u32,
    pub bytes: Vec<u8>,
}

/// Where an object ends up.
#[derive(Clone, Copy)]
enum Slot {
    /// No object has this number: a free entry (7.5.4).
    Free,
    /// An indirect object at this byte offset.
    Direct(usize),
    /// The `index`-th object of object stream number `stream`.
    Packed { stream: u32, index: u32 },
}

/// What goes into an object stream.
enum Packed<'a> {
    Object(&'a Object),
    Raw(&'a [u8]),
}

/// The bytes of `doc` and `raw`, the streams already compressed as wanted; object streams (at most
/// `per_stream` objects each) and the cross-reference stream are deflated with `deflater`. Every object of
/// `doc` must have generation 0 (printpdf and lopdf make no other), and no number is given twice.
/// `None` when a stream cannot be deflated (never written with a filter its bytes do not have).
pub(super) fn save(doc: &Document, raw: &[Raw], per_stream: usize, deflater: &mut Deflater) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(64 * 1024);
    out.extend_from_slice(HEADER);
    let highest = doc.objects.keys().map(|id| id.0).chain(raw.iter().map(|r| r.number)).max().unwrap_or(0);
    let mut slots = vec![Slot::Free; highest as usize + 1];
    let mut packed: Vec<(u32, Packed)> = raw.iter().map(|r| (r.number, Packed::Raw(&r.bytes))).collect();
    for (&(number, _), object) in &doc.objects {
        match object {
            Object::Stream(stream) => {
                slots[number as usize] = Slot::Direct(out.len());
                stream_object(&mut out, number, &stream.dict, &stream.content);
            }
            _ => packed.push((number, Packed::Object(object))),
        }
    }
    packed.sort_unstable_by_key(|(number, _)| *number);
    for (stream, group) in (highest + 1..).zip(packed.chunks(per_stream.max(1))) {
        // 7.5.7: N pairs "number offset" (offsets from /First), then the objects.
        let (mut index, mut body) = (Vec::new(), Vec::new());
        for (i, (number, object)) in group.iter().enumerate() {
            push_usize(&mut index, *number as usize);
            index.push(b' ');
            push_usize(&mut index, body.len());
            index.push(b' ');
            match object {
                Packed::Object(object) => write_object(&mut body, object),
                Packed::Raw(bytes) => body.extend_from_slice(bytes),
            }
            body.push(b'\n');
            slots[*number as usize] = Slot::Packed { stream, index: i as u32 };
        }
        let first = index.len();
        index.extend_from_slice(&body);
        let data = deflater.deflate(&index)?;
        slots.push(Slot::Direct(out.len()));
        push_usize(&mut out, stream as usize);
        out.extend_from_slice(b" 0 obj\n<</Type/ObjStm/N ");
        push_usize(&mut out, group.len());
        out.extend_from_slice(b"/First ");
        push_usize(&mut out, first);
        out.extend_from_slice(b"/Filter/FlateDecode/Length ");
        push_usize(&mut out, data.len());
        out.extend_from_slice(b">>stream\n");
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
    }
    let xref_at = out.len();
    slots.push(Slot::Direct(xref_at));
    xref_stream(&mut out, &slots, &doc.trailer, deflater)?;
    out.extend_from_slice(b"startxref\n");
    push_usize(&mut out, xref_at);
    out.extend_from_slice(b"\n%%EOF\n");
    Some(out)
}

/// 7.5.8: the cross-reference stream, last object of the file; each row minus the one above (the PNG Up
/// predictor, 7.4.4.4: offsets grow slowly, so most bytes become zero), deflated. Its dictionary is the
/// trailer (Root, Info, ID: 14.4; ISO 19005-3 6.1.3).
fn xref_stream(out: &mut Vec<u8>, slots: &[Slot], trailer: &Dictionary, deflater: &mut Deflater) -> Option<()> {
    let mut predicted = Vec::with_capacity(slots.len() * (XREF_ROW + 1));
    let mut above = [0u8; XREF_ROW];
    // 7.5.4: object 0 heads the list of free numbers, each free entry names the next; the last names 0.
    let mut free = slots.iter().enumerate().skip(1).filter(|(_, s)| matches!(s, Slot::Free)).map(|(n, _)| n as u32);
    let mut next_free = free.next().unwrap_or(0);
    for (n, slot) in slots.iter().enumerate() {
        let mut row = [0u8; XREF_ROW];
        match (n, *slot) {
            (0, _) | (_, Slot::Free) => {
                if n != 0 {
                    next_free = free.next().unwrap_or(0);
                }
                row[1..5].copy_from_slice(&next_free.to_be_bytes());
                let generation = if n == 0 { u16::MAX } else { 0 };
                row[5..].copy_from_slice(&generation.to_be_bytes());
            }
            (_, Slot::Direct(offset)) => {
                row[0] = 1;
                row[1..5].copy_from_slice(&(offset as u32).to_be_bytes());
            }
            (_, Slot::Packed { stream, index }) => {
                row[0] = 2;
                row[1..5].copy_from_slice(&stream.to_be_bytes());
                row[5..].copy_from_slice(&(index as u16).to_be_bytes());
            }
        }
        predicted.push(2); // PNG filter type Up
        predicted.extend(row.iter().zip(above).map(|(b, a)| b.wrapping_sub(a)));
        above = row;
    }
    let data = deflater.deflate(&predicted)?;
    let number = slots.len() - 1;
    push_usize(out, number);
    out.extend_from_slice(b" 0 obj\n<</Type/XRef/Size ");
    push_usize(out, slots.len());
    out.extend_from_slice(b"/W[1 4 2]");
    for key in [b"Root".as_slice(), b"Info", b"ID"] {
        if let Ok(value) = trailer.get(key) {
            write_name(out, key);
            write_object(out, value);
        }
    }
    out.extend_from_slice(b"/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 7>>/Length ");
    push_usize(out, data.len());
    out.extend_from_slice(b">>stream\n");
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    Some(())
}

fn stream_object(out: &mut Vec<u8>, number: u32, dict: &Dictionary, content: &[u8]) {
    push_usize(out, number as usize);
    out.extend_from_slice(b" 0 obj\n<<");
    for (key, value) in dict.iter().filter(|(k, _)| k.as_slice() != b"Length") {
        write_name(out, key);
        write_object(out, value);
    }
    out.extend_from_slice(b"/Length ");
    push_usize(out, content.len());
    out.extend_from_slice(b">>stream\n");
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream\nendobj\n");
}

/// 7.3: one object, a space before it only where the token before would run into it.
pub(super) fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => token(out, b"null"),
        Object::Boolean(b) => token(out, if *b { b"true" } else { b"false" }),
        Object::Integer(i) => {
            separate(out);
            out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes());
        }
        Object::Real(r) => {
            separate(out);
            real(out, *r);
        }
        Object::Name(name) => write_name(out, name),
        Object::String(bytes, StringFormat::Literal) => literal(out, bytes),
        Object::String(bytes, StringFormat::Hexadecimal) => hex(out, bytes),
        Object::Array(items) => {
            out.push(b'[');
            items.iter().for_each(|item| write_object(out, item));
            out.push(b']');
        }
        Object::Dictionary(dict) => {
            out.extend_from_slice(b"<<");
            for (key, value) in dict.iter() {
                write_name(out, key);
                write_object(out, value);
            }
            out.extend_from_slice(b">>");
        }
        // A stream is never inside another object (7.3.8); written as null if it were.
        Object::Stream(_) => token(out, b"null"),
        Object::Reference(id) => write_reference(out, *id),
    }
}

/// 7.3.5: a name, `#xx` for delimiters, white space, `#` and bytes outside `!`…`~`.
pub(super) fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if is_delimiter_or_space(b) || b == b'#' || !(33..=126).contains(&b) {
            out.push(b'#');
            out.extend_from_slice(&hex_digits(b));
        } else {
            out.push(b);
        }
    }
}

/// 7.3.10: an indirect reference.
pub(super) fn write_reference(out: &mut Vec<u8>, (number, generation): ObjectId) {
    separate(out);
    push_usize(out, number as usize);
    out.push(b' ');
    push_usize(out, usize::from(generation));
    out.extend_from_slice(b" R");
}

fn token(out: &mut Vec<u8>, text: &[u8]) {
    separate(out);
    out.extend_from_slice(text);
}

/// A space when the last byte written is a regular character (7.2.3), which the next token would extend.
fn separate(out: &mut Vec<u8>) {
    if out.last().is_some_and(|&b| !is_delimiter_or_space(b)) {
        out.push(b' ');
    }
}

fn is_delimiter_or_space(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t'
            | b'\n'
            | b'\r'
            | b'\x0c'
            | b'\0'
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'/'
            | b'%'
    )
}

/// 7.3.3: a real in decimal form (never an exponent); a value that is not finite is written as 0.
fn real(out: &mut Vec<u8>, r: f32) {
    if r.is_finite() {
        use std::io::Write;
        let _ = write!(out, "{r}");
    } else {
        out.push(b'0');
    }
}

/// 7.3.4.2: a literal string, every parenthesis and backslash escaped, and CR (which a reader would
/// read as a line end).
fn literal(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
    out.push(b')');
}

/// 7.3.4.3: a hexadecimal string.
fn hex(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'<');
    bytes.iter().for_each(|&b| out.extend_from_slice(&hex_digits(b)));
    out.push(b'>');
}

/// The two upper-case hex digits of a byte.
pub(super) fn hex_digits(b: u8) -> [u8; 2] {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]]
}

/// A non-negative integer in decimal.
pub(super) fn push_usize(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::Stream;

    /// The number of the object given already serialized, after the document's.
    const RAW: u32 = 400;

    fn document() -> (Document, Vec<ObjectId>) {
        let mut doc = Document::with_version("1.7");
        let ids: Vec<_> = (0..300)
            .map(|i| {
                doc.add_object(Dictionary::from_iter([
                    ("N", Object::Integer(i)),
                    ("R", Object::Real((i as f32 + 0.5) / 4.0)),
                    ("Odd name", Object::Name(b"a/b#c".to_vec())),
                    ("S", Object::String(b"(a) \\ b)\r".to_vec(), StringFormat::Literal)),
                    ("H", Object::String(vec![0xfe, 0xff, 0, 0xe9], StringFormat::Hexadecimal)),
                    (
                        "A",
                        Object::Array(vec![
                            Object::Integer(1),
                            Object::Null,
                            Object::Boolean(true),
                            Object::Integer(-2),
                        ]),
                    ),
                ]))
            })
            .collect();
        let stream = doc.add_object(Stream::new(Dictionary::new(), b"BT ET".to_vec()));
        let _gap = doc.new_object_id();
        let catalog = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Content", Object::Reference(stream)),
            ("Raw", Object::Reference((RAW, 0))),
            ("Kids", Object::Array(ids.iter().map(|&id| Object::Reference(id)).collect())),
        ]));
        doc.trailer.set("Root", Object::Reference(catalog));
        (doc, ids)
    }

    #[test]
    fn what_is_written_reads_back_the_same_through_an_independent_reader() {
        let (doc, ids) = document();
        let raw = [Raw { number: RAW, bytes: b"<</Raw true/Back 1 0 R>>".to_vec() }];
        let bytes = save(&doc, &raw, 100, &mut Deflater::take()).unwrap();
        assert!(bytes.starts_with(HEADER) && bytes.ends_with(b"%%EOF\n"));
        let back = Document::load_mem(&bytes).expect("lopdf reads it");
        let catalog = back.catalog().unwrap();
        let kids = catalog.get(b"Kids").unwrap().as_array().unwrap();
        assert_eq!(kids.len(), ids.len());
        for (i, kid) in kids.iter().enumerate() {
            let original = doc.get_dictionary(ids[i]).unwrap();
            let read = back.get_dictionary(kid.as_reference().unwrap()).unwrap();
            assert_eq!(read, original, "object {i}");
        }
        let content = back.get_object(catalog.get(b"Content").unwrap().as_reference().unwrap()).unwrap();
        assert_eq!(content.as_stream().unwrap().content, b"BT ET");
        let raw = back.get_dictionary(catalog.get(b"Raw").unwrap().as_reference().unwrap()).unwrap();
        assert_eq!(raw.get(b"Back").unwrap().as_reference().unwrap(), ids[0]);
        // 300 objects and the raw one in 100-object streams, the catalog in a fourth; one stream; the xref stream.
        assert_eq!(bytes.windows(12).filter(|w| w == b"/Type/ObjStm").count(), 4);
        // The numbers no object has are free (type 0), chained from object 0: the gap after the stream, then
        // those between the catalog and the raw object.
        let rows = xref_rows(&bytes);
        let (gap, catalog_number) = (302, 303);
        let next = |row: &[u8; XREF_ROW]| u32::from_be_bytes([row[1], row[2], row[3], row[4]]);
        assert_eq!((rows[0][0], next(&rows[0]), &rows[0][5..]), (0, gap as u32, &[0xff, 0xff][..]));
        assert_eq!(rows[gap][0], 0);
        assert_eq!(next(&rows[gap]), catalog_number + 1);
        assert_eq!(rows[RAW as usize - 1][0], 0);
        assert_eq!(next(&rows[RAW as usize - 1]), 0, "the last free names 0");
        assert_eq!(rows[RAW as usize][0], 2, "the raw object is packed");
    }

    /// The rows of the file's cross-reference stream, decoded (FlateDecode, PNG Up predictor, 7 columns).
    fn xref_rows(pdf: &[u8]) -> Vec<[u8; XREF_ROW]> {
        use std::io::Read;
        let at = pdf.windows(10).rposition(|w| w == b"/Type/XRef").unwrap();
        let start = at + pdf[at..].windows(7).position(|w| w == b"stream\n").unwrap() + 7;
        let end = start + pdf[start..].windows(10).position(|w| w == b"\nendstream").unwrap();
        let mut predicted = Vec::new();
        flate2::read::ZlibDecoder::new(&pdf[start..end]).read_to_end(&mut predicted).unwrap();
        let mut above = [0u8; XREF_ROW];
        predicted
            .chunks_exact(XREF_ROW + 1)
            .map(|row| {
                assert_eq!(row[0], 2, "PNG Up");
                for (i, b) in row[1..].iter().enumerate() {
                    above[i] = above[i].wrapping_add(*b);
                }
                above
            })
            .collect()
    }

    #[test]
    fn tokens_are_separated_only_where_they_would_run_together() {
        let mut out = Vec::new();
        let array = Object::Array(vec![
            Object::Name(b"A".to_vec()),
            Object::Integer(1),
            Object::Reference((7, 0)),
            Object::Real(0.5),
            Object::String(b"x".to_vec(), StringFormat::Literal),
            Object::Integer(2),
        ]);
        write_object(&mut out, &array);
        assert_eq!(out, b"[/A 1 7 0 R 0.5(x)2]");
    }
}
