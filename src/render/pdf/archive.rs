//! PDF/A-3b (ISO 19005-3) and the identification parts of PDF/UA-1 (ISO 14289-1): the XMP metadata
//! stream, the document information dictionary it mirrors, the sRGB output intent, and the associated
//! files (the signed CLR, and transcript.xml when one is built) embedded in the PDF.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

use super::super::RenderError;

/// The sRGB profile of the output intent: `sRGB.icc` from Debian's icc-profiles-free 2.0.1 (zlib
/// licence; provenance in `icc/PROVENANCE.md`).
const SRGB_ICC: &[u8] = include_bytes!("icc/sRGB.icc");

/// The profile deflated, once per process (the same in every PDF).
fn srgb_icc_deflated() -> Option<&'static [u8]> {
    static DEFLATED: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    DEFLATED.get_or_init(|| super::deflate::deflate_once(SRGB_ICC)).as_deref()
}

/// How an embedded file relates to the document (ISO 32000-2 Table 43, as PDF/A-3 uses it: 6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    /// The file the document was made from (the signed credential the transcript prints).
    Source,
    /// Data the document shows (a PESC transcript of the same record).
    Data,
}

impl Relationship {
    fn name(self) -> &'static str {
        match self {
            Relationship::Source => "Source",
            Relationship::Data => "Data",
        }
    }
}

/// A file carried in the PDF as a PDF/A-3 associated file.
#[derive(Debug, Clone, Copy)]
pub struct Attachment<'a> {
    /// The file name (`clr.json`).
    pub name: &'a str,
    /// Its media type (the signed CLR: `application/vc`, VC Data Model 2.0 §6.3).
    pub media_type: &'a str,
    /// What it is, for people (the file specification's `/Desc`).
    pub description: &'a str,
    /// How it relates to the transcript.
    pub relationship: Relationship,
    /// Its bytes, embedded as they are.
    pub bytes: &'a [u8],
}

impl<'a> Attachment<'a> {
    /// The signed CLR 2.0 credential (`clr.json`), the source the transcript is printed from.
    pub fn signed_clr(bytes: &'a [u8]) -> Attachment<'a> {
        Attachment {
            name: CLR_NAME,
            media_type: CLR_MEDIA_TYPE,
            description: "The signed CLR 2.0 credential this transcript prints (W3C Verifiable Credential)",
            relationship: Relationship::Source,
            bytes,
        }
    }
}

impl<'a> Attachment<'a> {
    /// The PESC College Transcript of the same record (`transcript.xml`), data the transcript shows.
    pub fn pesc_transcript(bytes: &'a [u8]) -> Attachment<'a> {
        Attachment {
            name: "transcript.xml",
            media_type: "application/xml",
            description: "The same record as a PESC College Transcript 1.8.0 (records exchange)",
            relationship: Relationship::Data,
            bytes,
        }
    }
}

/// The file name of the embedded signed CLR.
pub const CLR_NAME: &str = "clr.json";
/// The media type of a Verifiable Credential (VC Data Model 2.0, §6.3 "Media Types").
pub const CLR_MEDIA_TYPE: &str = "application/vc";

/// What the metadata says about the document.
pub(super) struct Identification<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub subject: &'a str,
    pub creator: &'a str,
    pub producer: &'a str,
    pub identifier: &'a str,
    pub language: &'a str,
    /// The creation date, `YYYY-MM-DDT00:00:00Z` precision as days since 1970.
    pub days: i64,
}

/// Makes `doc` a PDF/A-3b and PDF/UA-1 identified file: XMP (ISO 19005-3 6.6.2; ISO 14289-1 5 and
/// 7.1), the information dictionary equivalent to it (19005-3 6.6.2.3), the output intent (6.2.4.3),
/// and the associated files (6.8).
pub(super) fn finish(doc: &mut Document, id: &Identification, attachments: &[Attachment]) -> Result<(), RenderError> {
    let (info_date, xmp_date) = dates(id.days);
    // 19005-3 6.6.2.3.1: each information dictionary entry has its XMP equivalent with the same value;
    // the dictionary printpdf writes carries empty and non-standard entries, so it is written anew.
    let mut info = Dictionary::new();
    for (key, value) in [
        ("Title", id.title),
        ("Author", id.author),
        ("Subject", id.subject),
        ("Creator", id.creator),
        ("Producer", id.producer),
        ("CreationDate", info_date.as_str()),
        ("ModDate", info_date.as_str()),
    ] {
        info.set(key, text_string(value));
    }
    let info_id = doc.add_object(info);
    doc.trailer.set("Info", Object::Reference(info_id));

    let xmp = xmp(id, &xmp_date);
    let mut metadata = Stream::new(
        Dictionary::from_iter([
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp.into_bytes(),
    );
    // 19005-3 6.6.2.1 allows a compressed metadata stream, but readers that scan for it find it plain.
    metadata.allows_compression = false;
    let metadata_id = doc.add_object(metadata);

    // 19005-3 6.2.4.3: an output intent with an ICC profile, so that device colours have a meaning.
    let icc_id = doc.add_object(match srgb_icc_deflated() {
        Some(deflated) => {
            let dict =
                Dictionary::from_iter([("N", Object::Integer(3)), ("Filter", Object::Name(b"FlateDecode".to_vec()))]);
            Stream::new(dict, deflated.to_vec()).with_compression(false)
        }
        None => Stream::new(Dictionary::from_iter([("N", Object::Integer(3))]), SRGB_ICC.to_vec()),
    });
    let intent = Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        ("OutputConditionIdentifier", text_string("sRGB IEC61966-2.1")),
        ("Info", text_string("sRGB IEC61966-2.1")),
        ("DestOutputProfile", Object::Reference(icc_id)),
    ]);

    let files = attachments.iter().map(|a| embed(doc, a, &info_date)).collect::<Vec<_>>();

    let catalog = doc.catalog_mut().map_err(|e| RenderError::Pdf(e.to_string()))?;
    catalog.set("Metadata", Object::Reference(metadata_id));
    catalog.set("OutputIntents", Object::Array(vec![Object::Dictionary(intent)]));
    if !files.is_empty() {
        // 19005-3 6.8: each embedded file is associated with the document through /AF.
        catalog.set("AF", Object::Array(files.iter().map(|(_, id)| Object::Reference(*id)).collect()));
        // ISO 32000-1 7.11.4 and 7.9.6: the EmbeddedFiles name tree, its names in byte order.
        let mut sorted: Vec<&(String, ObjectId)> = files.iter().collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let names =
            sorted.iter().flat_map(|(name, id)| [text_string(name), Object::Reference(*id)]).collect::<Vec<_>>();
        let tree = Dictionary::from_iter([("Names", Object::Array(names))]);
        let names = Dictionary::from_iter([("EmbeddedFiles", Object::Dictionary(tree))]);
        catalog.set("Names", Object::Dictionary(names));
    }
    Ok(())
}

/// Embeds one file: its stream (with /Params: size, checksum, date) and its file specification
/// (ISO 32000-1 7.11.3-7.11.4; 19005-3 6.8: /F and /UF, /AFRelationship, /Subtype).
fn embed(doc: &mut Document, a: &Attachment, info_date: &str) -> (String, ObjectId) {
    // ISO 32000-1 Table 46: size and date (its /CheckSum is an MD5, left out: the transcript prints
    // the file's SHA-256, which is what a reader compares).
    let params =
        Dictionary::from_iter([("Size", Object::Integer(a.bytes.len() as i64)), ("ModDate", text_string(info_date))]);
    let dict = Dictionary::from_iter([
        ("Type", Object::Name(b"EmbeddedFile".to_vec())),
        ("Subtype", Object::Name(a.media_type.as_bytes().to_vec())),
        ("Params", Object::Dictionary(params)),
    ]);
    let stream_id = doc.add_object(Stream::new(dict, a.bytes.to_vec()));
    let spec = Dictionary::from_iter([
        ("Type", Object::Name(b"Filespec".to_vec())),
        ("F", text_string(a.name)),
        ("UF", text_string(a.name)),
        ("Desc", text_string(a.description)),
        ("AFRelationship", Object::Name(a.relationship.name().as_bytes().to_vec())),
        (
            "EF",
            Object::Dictionary(Dictionary::from_iter([
                ("F", Object::Reference(stream_id)),
                ("UF", Object::Reference(stream_id)),
            ])),
        ),
    ]);
    (a.name.to_string(), doc.add_object(spec))
}

/// A PDF text string: ASCII as it is, anything else in UTF-16BE with its byte order mark (ISO 32000-1 7.9.2.2).
pub(super) fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        return Object::String(text.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xfe, 0xff];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// The date in the information dictionary's form and in XMP's (the same instant: 19005-3 6.6.2.3.1).
fn dates(days: i64) -> (String, String) {
    let (y, m, d) = civil(days);
    (format!("D:{y:04}{m:02}{d:02}000000Z"), format!("{y:04}-{m:02}-{d:02}T00:00:00Z"))
}

/// Year, month and day of a count of days since 1970-01-01 (the proleptic Gregorian calendar).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Escapes text for XML content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 has no control characters but tab, line feed and carriage return.
            c if c < ' ' && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The XMP packet: Dublin Core, XMP basic and PDF properties mirroring the information dictionary,
/// the PDF/A identification (19005-3 6.6.4: part 3, conformance B) and the PDF/UA one (14289-1 5:
/// pdfuaid:part 1), with the extension schema PDF/A requires for pdfuaid (19005-3 6.6.2.3.3).
fn xmp(id: &Identification, date: &str) -> String {
    let lang = xml(id.language);
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li><rdf:li xml:lang="{lang}">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:identifier>{identifier}</dc:identifier>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<pdf:Producer>{producer}</pdf:Producer>
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<pdfuaid:part>1</pdfuaid:part>
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"#,
        bom = '\u{feff}',
        title = xml(id.title),
        author = xml(id.author),
        subject = xml(id.subject),
        identifier = xml(id.identifier),
        creator = xml(id.creator),
        producer = xml(id.producer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_the_same_instant_in_both_forms() {
        assert_eq!(dates(20_619), ("D:20260615000000Z".to_string(), "2026-06-15T00:00:00Z".to_string()));
        assert_eq!(dates(0).1, "1970-01-01T00:00:00Z");
        assert_eq!(civil(11_016), (2000, 2, 29));
    }

    #[test]
    fn text_strings_are_ascii_or_utf16_with_a_bom() {
        assert_eq!(text_string("a"), Object::String(b"a".to_vec(), StringFormat::Literal));
        assert_eq!(text_string("é"), Object::String(vec![0xfe, 0xff, 0x00, 0xe9], StringFormat::Hexadecimal));
    }

    #[test]
    fn xmp_escapes_markup_and_control_characters() {
        assert_eq!(xml("a<b>&\"c\u{1}"), "a&lt;b&gt;&amp;&quot;c ");
    }
}
