//! The images: the institution's logo (a JPEG as is, or its pixels) and the QR code as XObjects.

use printpdf::{DictItem, ExternalStream, ExternalXObject, RawImage, RawImageData, RawImageFormat, XObject};

use super::super::RenderError;
use super::super::logo::jpeg_size;
use super::super::view::Logo;
use super::deflate::Deflater;

pub(super) fn logo_size(logo: Option<&Logo>) -> (f32, f32) {
    match logo {
        Some(Logo::Raw { width, height, .. } | Logo::Png { width, height, .. }) => (*width as f32, *height as f32),
        Some(Logo::Jpeg(bytes)) => jpeg_size(bytes).map_or((1.0, 1.0), |(w, h, _)| (f32::from(w), f32::from(h))),
        None => (1.0, 1.0),
    }
}

pub(super) fn logo_xobject(logo: &Logo) -> Result<XObject, RenderError> {
    match logo {
        Logo::Png { width, height, channels, deflated, .. } => {
            let space = if *channels == 1 { "DeviceGray" } else { "DeviceRGB" };
            Ok(external_image(*width, *height, space, "FlateDecode", deflated.clone(), &[]))
        }
        Logo::Raw { width, height, channels, pixels } => {
            let format = match channels {
                1 => RawImageFormat::R8,
                3 => RawImageFormat::RGB8,
                n => return Err(RenderError::Pdf(format!("a raw logo has 1 or 3 channels, not {n}"))),
            };
            if pixels.len() != *width as usize * *height as usize * usize::from(*channels) {
                return Err(RenderError::Pdf("the raw logo's pixel count does not match its size".to_string()));
            }
            Ok(XObject::Image(RawImage {
                pixels: RawImageData::U8(pixels.clone()),
                width: *width as usize,
                height: *height as usize,
                data_format: format,
                tag: Vec::new(),
            }))
        }
        Logo::Jpeg(bytes) => {
            let (w, h, components) =
                jpeg_size(bytes).ok_or_else(|| RenderError::Pdf("the logo is not a JPEG file".to_string()))?;
            let space = match components {
                1 => "DeviceGray",
                3 => "DeviceRGB",
                4 => "DeviceCMYK",
                n => return Err(RenderError::Pdf(format!("a JPEG logo with {n} components"))),
            };
            Ok(external_image(u32::from(w), u32::from(h), space, "DCTDecode", bytes.clone(), &[]))
        }
    }
}

/// An 8-bit image XObject whose stream is already encoded with `filter`, with `extra` dictionary entries.
fn external_image(
    width: u32,
    height: u32,
    space: &str,
    filter: &str,
    content: Vec<u8>,
    extra: &[(&str, DictItem)],
) -> XObject {
    let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
    let dict = [
        ("Type", name("XObject")),
        ("Subtype", name("Image")),
        ("Width", DictItem::Int(i64::from(width))),
        ("Height", DictItem::Int(i64::from(height))),
        ("ColorSpace", name(space)),
        ("BitsPerComponent", DictItem::Int(8)),
        ("Filter", name(filter)),
    ]
    .into_iter()
    .chain(extra.iter().cloned())
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    XObject::External(ExternalXObject {
        stream: ExternalStream { dict, content, compress: false },
        width: None,
        height: None,
        dpi: None,
    })
}

/// An 8-bit grayscale image XObject, compressed, drawn without smoothing (a QR code's modules stay sharp).
pub(super) fn gray_image(side: usize, pixels: &[u8], deflater: &mut Deflater) -> Result<XObject, RenderError> {
    let data = deflater.deflate(pixels).ok_or_else(|| RenderError::Pdf("cannot compress an image".to_string()))?;
    let side = u32::try_from(side).map_err(|_| RenderError::Pdf("an image too large".to_string()))?;
    Ok(external_image(side, side, "DeviceGray", "FlateDecode", data, &[("Interpolate", DictItem::Bool(false))]))
}
