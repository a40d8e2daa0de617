//! Stream compression: one zlib compressor per thread, at a fast level.

use lopdf::Object;

/// Deflate level of the streams: fast, a few percent larger than the best level at a
/// fraction of its time (most of the bytes are font programs).
const COMPRESSION: u32 = 1;

/// A zlib compressor reused for every stream (setting one up costs more than
/// compressing a small stream). Each stream starts from a reset, so reuse never changes the bytes.
pub(super) struct Deflater(flate2::Compress);

thread_local! {
    static DEFLATER: std::cell::Cell<Option<Deflater>> = const { std::cell::Cell::new(None) };
}

impl Deflater {
    fn new() -> Deflater {
        Deflater(flate2::Compress::new(flate2::Compression::new(COMPRESSION), true))
    }

    /// This thread's compressor, kept from one PDF to the next (a new one allocates and clears hundreds of
    /// kilobytes of tables); give it back with [`Deflater::keep`].
    pub(super) fn take() -> Deflater {
        DEFLATER.take().unwrap_or_else(Deflater::new)
    }

    /// Keeps the compressor for this thread's next PDF.
    pub(super) fn keep(self) {
        DEFLATER.set(Some(self));
    }

    pub(super) fn deflate(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        self.0.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let consumed = self.0.total_in() as usize;
            let status = self.0.compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish).ok()?;
            if status == flate2::Status::StreamEnd {
                return Some(out);
            }
            out.reserve(out.capacity().max(64));
        }
    }
}

/// Compresses every stream that has no filter yet (lopdf's own `compress` uses the slowest level).
pub(super) fn compress(doc: &mut lopdf::Document, deflater: &mut Deflater) {
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
            && let Some(compressed) = deflater.deflate(&stream.content)
            && compressed.len() + 19 < stream.content.len()
        {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

/// The width of a cross-reference stream row as lopdf writes it (`/W [1 4 2]`).
const XREF_ROW: usize = 7;

/// Compresses the cross-reference stream that lopdf writes last and uncompressed (ISO 32000-1 7.5.8
/// allows any filter): each row minus the one above (the PNG Up predictor, 7.4.4.4: offsets grow
/// slowly, so most bytes become zero), then deflated. The stream keeps its offset, so `startxref`
/// stays right. A file not in the shape lopdf writes is left as it is.
pub(super) fn compress_xref_stream(pdf: &mut Vec<u8>, deflater: &mut Deflater) {
    let Some(tail) = rfind(pdf, b"startxref\n") else { return };
    let Some(start) = std::str::from_utf8(&pdf[tail + 10..])
        .ok()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse::<usize>().ok())
    else {
        return;
    };
    let Some(object) = pdf.get(start..tail) else { return };
    let Some(dict_end) = find(object, b">>stream\n") else { return };
    let dict = &object[..dict_end];
    if find(dict, b"/Type/XRef").is_none() || find(dict, b"/W[1 4 2]").is_none() || find(dict, b"/Filter").is_some() {
        return;
    }
    let Some(length_at) = find(dict, b"/Length ").map(|at| at + 8) else { return };
    let digits = dict[length_at..].iter().take_while(|b| b.is_ascii_digit()).count();
    let Some(length) =
        std::str::from_utf8(&dict[length_at..length_at + digits]).ok().and_then(|s| s.parse::<usize>().ok())
    else {
        return;
    };
    let data = dict_end + b">>stream\n".len();
    let Some(rows) = object.get(data..data + length) else { return };
    if length % XREF_ROW != 0 || !object[data + length..].starts_with(b"\nendstream") {
        return;
    }
    let mut predicted = Vec::with_capacity(length + length / XREF_ROW);
    let mut above = [0u8; XREF_ROW];
    for row in rows.chunks_exact(XREF_ROW) {
        predicted.push(2); // PNG filter type Up
        predicted.extend(row.iter().zip(above).map(|(b, a)| b.wrapping_sub(a)));
        above.copy_from_slice(row);
    }
    let Some(compressed) = deflater.deflate(&predicted) else { return };
    let mut out = Vec::with_capacity(start + dict_end + compressed.len() + 200);
    out.extend_from_slice(&pdf[..start]);
    out.extend_from_slice(&dict[..length_at]);
    out.extend_from_slice(compressed.len().to_string().as_bytes());
    out.extend_from_slice(b"/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 7>>");
    out.extend_from_slice(&dict[length_at + digits..]);
    out.extend_from_slice(b">>stream\n");
    out.extend_from_slice(&compressed);
    out.extend_from_slice(&pdf[start + data + length..]);
    *pdf = out;
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Dictionary, Document, Object};

    #[test]
    fn the_compressed_cross_reference_stream_reads_back_the_same() {
        let mut doc = Document::with_version("1.7");
        let ids: Vec<_> =
            (0..300).map(|i| doc.add_object(Dictionary::from_iter([("N", Object::Integer(i))]))).collect();
        let catalog = doc.add_object(Dictionary::from_iter([("Type", Object::Name(b"Catalog".to_vec()))]));
        doc.trailer.set("Root", Object::Reference(catalog));
        let mut plain = Vec::new();
        doc.save_with_options(&mut plain, super::super::save_options()).unwrap();
        let mut packed = plain.clone();
        compress_xref_stream(&mut packed, &mut Deflater::new());
        assert!(packed.len() + 1000 < plain.len(), "{} → {} bytes", plain.len(), packed.len());
        let back = Document::load_mem(&packed).unwrap();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(back.get_dictionary(*id).unwrap().get(b"N").unwrap(), &Object::Integer(i as i64));
        }
        // Anything else is left alone.
        let mut other = b"%PDF-1.7\nstartxref\n9\n%%EOF".to_vec();
        compress_xref_stream(&mut other, &mut Deflater::new());
        assert_eq!(other, b"%PDF-1.7\nstartxref\n9\n%%EOF");
    }
}
