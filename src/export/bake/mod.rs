//! Baked badges (Open Badges 3.0 §5.3 "Baked Badge", `spec/docformat.md`): a credential embedded in the PNG or
//! SVG image of its achievement, so the image carries what it shows.
//!
//! - PNG (§5.3.1): one uncompressed `iTXt` chunk, keyword `openbadgecredential`, whose text is the credential's
//!   JSON or its compact JWS (`png`).
//! - SVG (§5.3.2): `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` on the root and one
//!   `<openbadges:credential>` element directly after the `<svg>` tag: the JSON in CDATA, or the compact JWS in
//!   its `verify` attribute (`svg`).
//!
//! [`bake`] refuses an image that already holds a credential (the spec lets the implementer choose: an error
//! or an overwrite; a credential silently replaced would be worse than a refusal). [`unbake`] returns the
//! credential text of an image that holds exactly one, and refuses anything else: two credentials, a
//! malformed chunk or element, a compressed chunk. Both are pure functions of bytes.

mod png;
mod svg;

use thiserror::Error;

/// The largest image accepted for baking (a badge image is a few KB; photographs are not badges).
pub const MAX_IMAGE_BYTES: usize = 4 << 20;
/// The largest baked image read by [`unbake`]: an image and a credential (a CLR can be megabytes).
pub const MAX_BAKED_BYTES: usize = MAX_IMAGE_BYTES + crate::sign::jose::MAX_JWS_BYTES;

/// The keyword of the PNG chunk and the namespace of the SVG element (OB 3.0 §5.3).
pub const PNG_KEYWORD: &str = "openbadgecredential";
/// The Open Badges 3.0 namespace of the SVG `credential` element.
pub const SVG_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";

/// The image formats that can be baked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// PNG.
    Png,
    /// SVG.
    Svg,
}

impl ImageKind {
    /// The file extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Svg => "svg",
        }
    }
}

/// Why an image cannot be baked or unbaked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BakeError {
    /// Neither the PNG signature nor an SVG root element.
    #[error("not a PNG or SVG image")]
    NotAnImage,
    /// Larger than allowed.
    #[error("{size} bytes, over the {limit} allowed")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A PNG that does not parse as chunks (the message says where and why).
    #[error("malformed PNG: {0}")]
    Png(String),
    /// An SVG that is not well-formed XML, or not usable (the message says why).
    #[error("malformed SVG: {0}")]
    Svg(String),
    /// Baking an image that already holds a credential.
    #[error("the image already holds a baked credential (OB 3.0 §5.3: at most one); bake the original image")]
    AlreadyBaked,
    /// Unbaking an image that holds no credential.
    #[error("no baked credential in the image")]
    NoCredential,
    /// Unbaking an image that holds more than one.
    #[error("{0} baked credentials in one image: OB 3.0 §5.3 allows exactly one, so which one counts is unclear")]
    SeveralCredentials(usize),
    /// A credential that cannot be baked (empty, not UTF-8 JSON or a compact JWS).
    #[error("the credential to bake is {0}")]
    BadCredential(String),
}

/// What [`unbake`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unbaked {
    /// The image's format.
    pub kind: ImageKind,
    /// The credential's text: JSON, or a compact JWS.
    pub credential: String,
}

/// The format of `bytes`: the PNG signature, or an XML document whose root element is `svg` (after an
/// optional BOM, XML declaration, comments).
pub fn kind_of(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(&png::SIGNATURE) {
        return Some(ImageKind::Png);
    }
    svg::looks_like_svg(bytes).then_some(ImageKind::Svg)
}

/// Bakes `credential` (its JSON, or its compact JWS) into `image` (OB 3.0 §5.3.1 / §5.3.2 "Baking"); returns
/// the format and the baked bytes. Every byte of the image is kept; the credential is added.
pub fn bake(image: &[u8], credential: &str) -> Result<(ImageKind, Vec<u8>), BakeError> {
    if image.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge { size: image.len(), limit: MAX_IMAGE_BYTES });
    }
    let credential = Credential::of(credential)?;
    match kind_of(image).ok_or(BakeError::NotAnImage)? {
        ImageKind::Png => png::bake(image, credential.text()).map(|b| (ImageKind::Png, b)),
        ImageKind::Svg => svg::bake(image, &credential).map(|b| (ImageKind::Svg, b)),
    }
}

/// The credential baked in `bytes` (OB 3.0 §5.3.1 / §5.3.2 "Extracting"), which must hold exactly one.
/// Unlike a streaming extractor, the whole image is read, so a second credential is found and refused.
pub fn unbake(bytes: &[u8]) -> Result<Unbaked, BakeError> {
    if bytes.len() > MAX_BAKED_BYTES {
        return Err(BakeError::TooLarge { size: bytes.len(), limit: MAX_BAKED_BYTES });
    }
    match kind_of(bytes).ok_or(BakeError::NotAnImage)? {
        ImageKind::Png => png::unbake(bytes).map(|credential| Unbaked { kind: ImageKind::Png, credential }),
        ImageKind::Svg => svg::unbake(bytes).map(|credential| Unbaked { kind: ImageKind::Svg, credential }),
    }
}

/// Checks that `image` can be baked (a PNG or SVG that parses and holds no credential yet), without a
/// credential: what `check` asks of an achievement's image file. A PNG is also decoded whole (the `png`
/// crate, at most [`MAX_DECODED_BYTES`] of pixels), so a badge whose image data is broken is found here.
pub fn check_image(image: &[u8]) -> Result<ImageKind, BakeError> {
    let (kind, _) = bake(image, "{}")?;
    if kind == ImageKind::Png {
        png::decode(image)?;
    }
    Ok(kind)
}

/// The most pixel bytes [`check_image`] decodes a PNG to (a badge is a few hundred pixels wide).
pub const MAX_DECODED_BYTES: usize = 64 << 20;

/// A credential to bake: JSON (an embedded proof) or a compact JWS (VC-JWT).
enum Credential<'a> {
    Json(&'a str),
    Jws(&'a str),
}

impl<'a> Credential<'a> {
    fn of(text: &'a str) -> Result<Credential<'a>, BakeError> {
        let trimmed = text.trim();
        if text.contains('\0') {
            return Err(BakeError::BadCredential("holding a NUL character".into()));
        }
        if crate::sign::jose::is_compact_jws(trimmed) {
            return Ok(Credential::Jws(trimmed));
        }
        match trimmed.as_bytes().first() {
            Some(b'{') => Ok(Credential::Json(text)),
            Some(_) => Err(BakeError::BadCredential("neither a JSON object nor a compact JWS".into())),
            None => Err(BakeError::BadCredential("empty".into())),
        }
    }

    fn text(&self) -> &'a str {
        match self {
            Credential::Json(t) | Credential::Jws(t) => t,
        }
    }
}

#[cfg(test)]
mod tests;
