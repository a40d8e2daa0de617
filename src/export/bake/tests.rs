use super::*;

/// A small RGBA PNG made with the `png` crate (a gradient, so the image data is not trivial).
pub(crate) fn test_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut out, width, height);
    encoder.set_color(::png::ColorType::Rgba);
    encoder.set_depth(::png::BitDepth::Eight);
    let pixels: Vec<u8> = (0..width * height).flat_map(|i| [(i * 7) as u8, (i * 13) as u8, 200, 255]).collect();
    encoder.write_header().unwrap().write_image_data(&pixels).unwrap();
    out
}

/// The pixels and the `openbadgecredential` iTXt texts of a PNG, as the `png` crate decodes them.
fn decode(bytes: &[u8]) -> (Vec<u8>, Vec<String>) {
    let mut reader = ::png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut pixels).unwrap();
    reader.finish().unwrap();
    let texts = reader.info().utf8_text.iter().filter(|c| c.keyword == PNG_KEYWORD).map(|c| c.get_text().unwrap());
    (pixels, texts.collect())
}

const JSON: &str = r#"{"id":"urn:uuid:1","name":"a ]]> b","proof":{"proofValue":"z5"}}"#;
const JWS: &str = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.AAAA";
const SVG: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a badge -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">\n  <circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"#0a5\"/>\n</svg>\n";

#[test]
fn png_bakes_one_uncompressed_itxt_after_ihdr_and_unbakes_to_the_same_text() {
    let image = test_png(5, 3);
    for credential in [JSON, JWS] {
        let (kind, baked) = bake(&image, credential).unwrap();
        assert_eq!(kind, ImageKind::Png);
        assert_eq!(unbake(&baked), Ok(Unbaked { kind, credential: credential.to_string() }));
        // The decoder reads the same pixels and the one chunk; the image's own bytes are all kept.
        let (pixels, texts) = decode(&baked);
        assert_eq!(pixels, decode(&image).0);
        assert_eq!(texts, vec![credential.to_string()]);
        assert_eq!(&baked[..33], &image[..33], "signature and IHDR first");
        assert_eq!(&baked[37..41], b"iTXt");
        assert_eq!(&baked[baked.len() - (image.len() - 33)..], &image[33..]);
        assert_eq!(bake(&baked, credential), Err(BakeError::AlreadyBaked));
    }
}

#[test]
fn png_with_two_credentials_or_a_broken_chunk_is_refused() {
    let image = test_png(2, 2);
    let (_, once) = bake(&image, JSON).unwrap();
    // A second credential chunk spliced in after the first.
    let chunk_len = once.len() - image.len();
    let mut twice = once[..33 + chunk_len].to_vec();
    twice.extend_from_slice(&once[33..]);
    assert_eq!(unbake(&twice), Err(BakeError::SeveralCredentials(2)));
    let mut flipped = once.clone();
    flipped[50] ^= 1;
    assert!(matches!(unbake(&flipped), Err(BakeError::Png(m)) if m.contains("CRC")));
    assert!(matches!(unbake(&once[..once.len() - 4]), Err(BakeError::Png(_))));
    let mut trailing = once.clone();
    trailing.push(0);
    assert!(matches!(unbake(&trailing), Err(BakeError::Png(m)) if m.contains("after the IEND")));
    assert_eq!(unbake(&image), Err(BakeError::NoCredential));
    // A compressed chunk (flag 1), with a correct CRC: refused.
    let mut compressed = once.clone();
    let flag = 33 + 8 + PNG_KEYWORD.len() + 1;
    compressed[flag] = 1;
    let data_end = 33 + chunk_len - 4;
    let crc = png_crc(&compressed[37..data_end]);
    compressed[data_end..data_end + 4].copy_from_slice(&crc.to_be_bytes());
    assert!(matches!(unbake(&compressed), Err(BakeError::Png(m)) if m.contains("compressed")));
    let mut huge_length = image.clone();
    huge_length[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(bake(&huge_length, JSON), Err(BakeError::Png(_))));
    assert_eq!(bake(b"GIF89a", JSON), Err(BakeError::NotAnImage));
    // Chunks that check but image data that does not decode: bakeable, but not a usable badge image.
    assert_eq!(check_image(&image), Ok(ImageKind::Png));
    let mut broken = image.clone();
    let idat = broken.windows(4).position(|w| w == b"IDAT").unwrap();
    broken[idat + 4..idat + 8].copy_from_slice(b"\xff\xff\xff\xff");
    let crc = png_crc(&broken[idat..broken.len() - 16]);
    let at = broken.len() - 16;
    broken[at..at + 4].copy_from_slice(&crc.to_be_bytes());
    assert!(bake(&broken, JSON).is_ok());
    assert!(
        matches!(check_image(&broken), Err(BakeError::Png(m)) if m.contains("does not decode")),
        "{:?}",
        check_image(&broken)
    );
    assert!(matches!(bake(&image, "not json"), Err(BakeError::BadCredential(_))));
}

fn png_crc(kind_and_data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(kind_and_data);
    crc.sum()
}

/// Reads an SVG with quick-xml to the end (well-formed), returning the number of elements.
fn elements(svg: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(svg);
    let mut n = 0;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(_) | quick_xml::events::Event::Empty(_) => n += 1,
            quick_xml::events::Event::Eof => return n,
            _ => {}
        }
    }
}

#[test]
fn svg_bakes_json_in_cdata_and_a_jws_in_verify_and_unbakes_them_unchanged() {
    let (kind, baked) = bake(SVG.as_bytes(), JSON).unwrap();
    assert_eq!(kind, ImageKind::Svg);
    let text = String::from_utf8(baked.clone()).unwrap();
    assert!(
        text.contains("viewBox=\"0 0 10 10\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential><![CDATA["),
        "{text}"
    );
    assert!(text.contains("]]]]><![CDATA[>"), "a ]]> in the JSON splits the CDATA section: {text}");
    assert_eq!(unbake(&baked).unwrap().credential, JSON);
    assert_eq!(elements(&baked), 3);
    assert_eq!(bake(&baked, JSON), Err(BakeError::AlreadyBaked));
    let (_, baked) = bake(SVG.as_bytes(), JWS).unwrap();
    let text = String::from_utf8(baked.clone()).unwrap();
    assert!(text.contains(&format!("<openbadges:credential verify=\"{JWS}\"></openbadges:credential>")), "{text}");
    assert_eq!(unbake(&baked).unwrap().credential, JWS);
    // `<svg/>`, and a root that already binds the prefix to the right namespace.
    let empty = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"/>"#;
    let (_, baked) = bake(empty.as_bytes(), JSON).unwrap();
    assert!(String::from_utf8_lossy(&baked).ends_with("</openbadges:credential></svg>"));
    assert_eq!(unbake(&baked).unwrap().credential, JSON);
}

#[test]
fn svg_that_is_hostile_or_holds_two_credentials_is_refused() {
    let (_, baked) = bake(SVG.as_bytes(), JWS).unwrap();
    let text = String::from_utf8(baked).unwrap();
    let element = format!("<openbadges:credential verify=\"{JWS}\"></openbadges:credential>");
    let twice = text.replacen(&element, &format!("{element}<g>{element}</g>"), 1);
    assert_eq!(unbake(twice.as_bytes()), Err(BakeError::SeveralCredentials(2)));
    // Another prefix bound to the same namespace is the same element.
    let aliased = text.replacen(
        "<circle",
        "<ob:credential xmlns:ob=\"https://purl.imsglobal.org/ob/v3p0\" verify=\"a.b.c\"/><circle",
        1,
    );
    assert_eq!(unbake(aliased.as_bytes()), Err(BakeError::SeveralCredentials(2)));
    let doctype = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x \"y\">]><svg>&x;</svg>";
    assert!(matches!(bake(doctype.as_bytes(), JSON), Err(BakeError::Svg(m)) if m.contains("DOCTYPE")));
    let entity = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&x;</text></svg>";
    assert!(matches!(bake(entity.as_bytes(), JSON), Err(BakeError::Svg(m)) if m.contains("never expanded")));
    let unclosed = "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>";
    assert!(matches!(bake(unclosed.as_bytes(), JSON), Err(BakeError::Svg(_))));
    let other = r#"<svg xmlns:openbadges="https://example.org/other"></svg>"#;
    assert!(matches!(bake(other.as_bytes(), JSON), Err(BakeError::Svg(m)) if m.contains("binds xmlns:openbadges")));
    let both = text.replacen("></openbadges:credential>", ">{}</openbadges:credential>", 1);
    assert!(matches!(unbake(both.as_bytes()), Err(BakeError::Svg(m)) if m.contains("both")));
    let deep = format!("<svg>{}{}</svg>", "<g>".repeat(300), "</g>".repeat(300));
    assert!(matches!(bake(deep.as_bytes(), JSON), Err(BakeError::Svg(m)) if m.contains("deep")));
    assert_eq!(unbake(SVG.as_bytes()), Err(BakeError::NoCredential));
    assert_eq!(kind_of(b"<html><svg/></html>"), None);
    assert_eq!(kind_of(SVG.as_bytes()), Some(ImageKind::Svg));
    let big = vec![b' '; MAX_IMAGE_BYTES + 1];
    assert!(matches!(bake(&big, JSON), Err(BakeError::TooLarge { .. })));
}
