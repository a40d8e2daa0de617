//! The institution's logo (`[institution] logo` in institution.toml), read once per run at the edge and checked
//! here: a JPEG file is embedded in the PDF as it is (PDF decodes JPEG itself), a PNG file is decoded to 8-bit
//! gray or RGB pixels, transparency laid over white paper, and compressed once for every PDF. The HTML shows either file as a data URI.

use std::io::Cursor;

use super::RenderError;
use super::view::Logo;

/// The largest logo accepted, in pixels on a side.
const MAX_SIDE: u32 = 4096;

/// A PNG logo larger than this on a side is scaled down once per run: the transcript prints it about 1.6 cm
/// high (300 pixels is over 450 dpi there), and every PDF compresses the pixels again.
const PRINTED_SIDE: u32 = 300;

/// A logo from the bytes of a JPEG or PNG file; `Err` says what is wrong with it.
pub fn logo_from_file(bytes: &[u8]) -> Result<Logo, RenderError> {
    let bad = |message: String| RenderError::Logo { message };
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let (w, h, components) =
            jpeg_size(bytes).ok_or_else(|| bad("a JPEG file without a frame header (damaged?)".to_string()))?;
        if !matches!(components, 1 | 3 | 4) {
            return Err(bad(format!("a JPEG with {components} colour components (1, 3 or 4 can be printed)")));
        }
        check_size(u32::from(w), u32::from(h)).map_err(bad)?;
        return Ok(Logo::Jpeg(bytes.to_vec()));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return png_logo(bytes).map_err(bad);
    }
    Err(bad("not a JPEG or PNG file: convert the logo to PNG or JPEG".to_string()))
}

fn check_size(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!("{width}×{height} pixels: a logo is at most {MAX_SIDE} pixels a side (and not empty)"));
    }
    Ok(())
}

/// PNG → 8-bit pixels: palette and low bit depths expanded, 16-bit reduced, alpha composited over white.
fn png_logo(bytes: &[u8]) -> Result<Logo, String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let damaged = |e: png::DecodingError| format!("a PNG file that cannot be read: {e}");
    let mut reader = decoder.read_info().map_err(damaged)?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_size(width, height)?;
    let size = reader.output_buffer_size().ok_or_else(|| "a PNG image too large to decode".to_string())?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(damaged)?;
    buf.truncate(frame.line_size * frame.height as usize);
    let rows = buf.chunks_exact(frame.line_size);
    let (channels, pixels): (u8, Vec<u8>) = match frame.color_type {
        png::ColorType::Grayscale => (1, rows.flat_map(|r| &r[..width as usize]).copied().collect()),
        png::ColorType::Rgb => (3, rows.flat_map(|r| &r[..3 * width as usize]).copied().collect()),
        png::ColorType::GrayscaleAlpha => (1, over_white(rows, width as usize, 1)),
        png::ColorType::Rgba => (3, over_white(rows, width as usize, 3)),
        png::ColorType::Indexed => return Err("a palette PNG the decoder did not expand".to_string()),
    };
    let (width, height, pixels) = scaled_down(width, height, usize::from(channels), &pixels);
    let deflated = zlib(&pixels).map_err(|e| format!("cannot compress the logo: {e}"))?;
    Ok(Logo::Png { file: bytes.to_vec(), width, height, channels, deflated })
}

/// `data` as a zlib stream at the best level: done once per run, embedded in every PDF.
fn zlib(data: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data)?;
    encoder.finish()
}

/// The image scaled to at most [`PRINTED_SIDE`] pixels a side, keeping its proportions; each new pixel is the
/// mean of the pixels it covers. Smaller images come back as they are.
fn scaled_down(width: u32, height: u32, channels: usize, pixels: &[u8]) -> (u32, u32, Vec<u8>) {
    let longest = width.max(height);
    if longest <= PRINTED_SIDE {
        return (width, height, pixels.to_vec());
    }
    let fit = |side: u32| ((u64::from(side) * u64::from(PRINTED_SIDE)).div_ceil(u64::from(longest)) as u32).max(1);
    let (new_w, new_h) = (fit(width), fit(height));
    // The source pixels [span(i), span(i + 1)) a new pixel i covers, out of `from` along a side of `to`.
    let span = |i: u32, from: u32, to: u32| (u64::from(i) * u64::from(from) / u64::from(to)) as usize;
    let mut out = Vec::with_capacity(new_w as usize * new_h as usize * channels);
    for y in 0..new_h {
        let (y0, y1) = (span(y, height, new_h), span(y + 1, height, new_h).max(span(y, height, new_h) + 1));
        for x in 0..new_w {
            let (x0, x1) = (span(x, width, new_w), span(x + 1, width, new_w).max(span(x, width, new_w) + 1));
            for c in 0..channels {
                let mut sum = 0u64;
                for row in y0..y1 {
                    let at = row * width as usize * channels;
                    sum += (x0..x1).map(|col| u64::from(pixels[at + col * channels + c])).sum::<u64>();
                }
                let count = ((y1 - y0) * (x1 - x0)) as u64;
                out.push(((sum + count / 2) / count) as u8);
            }
        }
    }
    (new_w, new_h, out)
}

/// Colour channels of each pixel (`channels` + 1 alpha byte in the input) laid over white paper.
fn over_white<'a>(rows: impl Iterator<Item = &'a [u8]>, width: usize, channels: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(width * channels);
    for row in rows {
        for pixel in row.chunks_exact(channels + 1).take(width) {
            let alpha = u32::from(pixel[channels]);
            out.extend(
                pixel[..channels].iter().map(|&c| ((u32::from(c) * alpha + 255 * (255 - alpha) + 127) / 255) as u8),
            );
        }
    }
    out
}

/// Width, height and colour components of a JPEG, from its start-of-frame segment.
pub(crate) fn jpeg_size(bytes: &[u8]) -> Option<(u16, u16, u8)> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut i = 2;
    while i + 9 < bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            let h = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]);
            let w = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]);
            return Some((w, h, bytes[i + 9]));
        }
        i += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pixels of a PNG logo.
    fn pixels(logo: &Logo) -> (u32, u32, u8, Vec<u8>) {
        use std::io::Read as _;
        let Logo::Png { width, height, channels, deflated, .. } = logo else { panic!("not a PNG logo") };
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&deflated[..]).read_to_end(&mut out).unwrap();
        (*width, *height, *channels, out)
    }

    /// A PNG of `width`×1 pixels of `color` type from `data` (one row).
    fn png_file(width: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, 1);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn a_transparent_png_is_laid_over_white() {
        // Opaque red, fully transparent black, half-transparent black.
        let file = png_file(3, png::ColorType::Rgba, &[255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128]);
        let logo = logo_from_file(&file).unwrap();
        assert_eq!(pixels(&logo), (3, 1, 3, vec![255, 0, 0, 255, 255, 255, 127, 127, 127]));
        assert!(matches!(logo, Logo::Png { file: kept, .. } if kept == file), "the file is kept for the HTML");
    }

    #[test]
    fn a_large_png_is_scaled_down_to_what_is_printed() {
        // 600×1 gray: pairs (0, 100), (200, 250), … become their means at 300×1.
        let row: Vec<u8> = (0..600).map(|i| if i % 2 == 0 { 0 } else { 100 }).collect();
        let (width, height, _, pixels) =
            pixels(&logo_from_file(&png_file(600, png::ColorType::Grayscale, &row)).unwrap());
        assert_eq!((width, height), (300, 1));
        assert!(pixels.iter().all(|&p| p == 50), "{pixels:?}");
        assert_eq!(scaled_down(900, 450, 1, &vec![7; 900 * 450]), (300, 150, vec![7; 300 * 150]));
    }

    #[test]
    fn gray_png_stays_gray() {
        let file = png_file(2, png::ColorType::Grayscale, &[0, 200]);
        assert_eq!(pixels(&logo_from_file(&file).unwrap()), (2, 1, 1, vec![0, 200]));
    }

    #[test]
    fn a_jpeg_is_kept_as_it_is() {
        // SOI, then a baseline SOF0 segment: 8 bits, 20 high, 30 wide, 3 components.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0, 20, 0, 30, 3];
        jpeg.extend([1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
        assert_eq!(jpeg_size(&jpeg), Some((30, 20, 3)));
        // Segments before the frame header (here APP0, length 4) are skipped.
        let app0 = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x0B, 8, 0, 2, 0, 3, 3, 0, 0, 0];
        assert_eq!(jpeg_size(&app0), Some((3, 2, 3)));
        assert_eq!(jpeg_size(b"not a jpeg"), None);
        assert_eq!(logo_from_file(&jpeg).unwrap(), Logo::Jpeg(jpeg.clone()));
    }

    #[test]
    fn other_files_are_refused_with_the_reason() {
        let gif = logo_from_file(b"GIF89a....").unwrap_err().to_string();
        assert!(gif.contains("not a JPEG or PNG"), "{gif}");
        let mut truncated = png_file(2, png::ColorType::Rgb, &[1, 2, 3, 4, 5, 6]);
        truncated.truncate(40);
        let damaged = logo_from_file(&truncated).unwrap_err().to_string();
        assert!(damaged.contains("cannot be read"), "{damaged}");
        let headless = logo_from_file(&[0xFF, 0xD8, 0xFF, 0xD9]).unwrap_err().to_string();
        assert!(headless.contains("frame header"), "{headless}");
    }
}
