//! SVG baking (OB 3.0 §5.3.2), with quick-xml: the document must be well-formed, without a DOCTYPE (entity
//! declarations are refused, never expanded, as for PESC XML), its root an `svg` element.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::{BakeError, Credential, SVG_NAMESPACE};

/// The deepest element nesting read (a badge is a flat drawing).
const MAX_DEPTH: usize = 256;
/// The prefix xtranscript binds to the Open Badges namespace.
const PREFIX: &str = "openbadges";

/// Whether `bytes` look like an SVG document: the first element is `svg` (any prefix), after an optional BOM,
/// declaration, comments and whitespace. A cheap test; [`bake`] and [`unbake`] parse fully.
pub fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 << 10)];
    let mut reader = NsReader::from_reader(head);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => return e.local_name().as_ref() == "svg",
            Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) | Event::Text(_)) => {}
            _ => return false,
        }
    }
}

/// What a walk over the whole document found.
struct Walk {
    /// The root start tag: where it starts and ends, whether it is empty (`<svg/>`), its name as written.
    root: (usize, usize, bool, String),
    /// The `xmlns:openbadges` value on the root, if any.
    bound: Option<String>,
    /// Each `credential` element of the Open Badges namespace: its `verify` attribute, else its text.
    credentials: Vec<String>,
}

fn bad(reader: &NsReader<&[u8]>, why: impl std::fmt::Display) -> BakeError {
    BakeError::Svg(format!("at byte {}: {why}", reader.buffer_position()))
}

/// Reads the whole document, checking it and collecting what baking and unbaking need.
fn walk(bytes: &[u8]) -> Result<Walk, BakeError> {
    let mut reader = NsReader::from_reader(bytes);
    let mut depth = 0usize;
    let mut root = None;
    let mut bound = None;
    let mut credentials = Vec::new();
    // The credential element being read: its depth, `verify` attribute and text.
    let mut open: Option<(usize, Option<String>, String)> = None;
    loop {
        let before = reader.buffer_position() as usize;
        let (in_ob_namespace, event) = {
            let (ns, event) =
                reader.read_resolved_event().map_err(|e| BakeError::Svg(format!("not well-formed: {e}")))?;
            (matches!(ns, ResolveResult::Bound(n) if n.as_ref() == SVG_NAMESPACE), event)
        };
        let after = reader.buffer_position() as usize;
        let is_credential = |e: &BytesStart<'_>| in_ob_namespace && e.local_name().as_ref() == "credential";
        match event {
            Event::DocType(_) => {
                return Err(bad(&reader, "a DOCTYPE (entity declarations are refused, never expanded)"));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                if open.is_some() {
                    return Err(bad(&reader, "an element inside openbadges:credential"));
                }
                if root.is_none() {
                    if e.local_name().as_ref() != "svg" {
                        return Err(bad(&reader, "the root element is not svg"));
                    }
                    let name = e.name().as_ref().to_owned();
                    bound = namespace_binding(e).map_err(|why| bad(&reader, why))?;
                    root = Some((before, after, empty, name));
                } else if depth == 0 {
                    return Err(bad(&reader, "a second root element"));
                }
                if is_credential(e) {
                    let verify = e
                        .try_get_attribute("verify")
                        .map_err(|err| bad(&reader, err))?
                        .map(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map(|v| v.into_owned()))
                        .transpose()
                        .map_err(|err| bad(&reader, err))?;
                    match (verify, empty) {
                        (Some(jws), true) => credentials.push(jws),
                        (None, true) => credentials.push(String::new()),
                        (verify, false) => open = Some((depth + 1, verify, String::new())),
                    }
                }
                if !empty {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(bad(&reader, format!("elements nested more than {MAX_DEPTH} deep")));
                    }
                }
            }
            Event::End(_) => {
                if let Some((_, verify, text)) = open.take_if(|(at, _, _)| *at == depth) {
                    match verify {
                        Some(_) if !text.trim().is_empty() => {
                            return Err(bad(&reader, "openbadges:credential has both a verify attribute and text"));
                        }
                        Some(jws) => credentials.push(jws),
                        None => credentials.push(text),
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) => {
                if let Some((_, _, text)) = &mut open {
                    text.push_str(&t.xml10_content());
                } else if depth == 0 && root.is_some() && !t.xml10_content().trim().is_empty() {
                    return Err(bad(&reader, "text after the root element"));
                }
            }
            Event::CData(t) => {
                if let Some((_, _, text)) = &mut open {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match &*r {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "apos" => Some('\''),
                    "quot" => Some('"'),
                    _ => r.resolve_char_ref().ok().flatten(),
                };
                let Some(c) = resolved else {
                    return Err(bad(&reader, format!("the entity reference &{}; (entities are never expanded)", &*r)));
                };
                if let Some((_, _, text)) = &mut open {
                    text.push(c);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    let root = root.ok_or_else(|| BakeError::Svg("no root element".into()))?;
    if depth != 0 {
        return Err(BakeError::Svg("the document ends inside an element".into()));
    }
    Ok(Walk { root, bound, credentials })
}

/// The value the root binds to the `openbadges` prefix, if any.
fn namespace_binding(root: &BytesStart<'_>) -> Result<Option<String>, String> {
    let name = format!("xmlns:{PREFIX}");
    match root.try_get_attribute(name.as_str()) {
        Ok(Some(a)) => a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| Some(v.into_owned()))
            .map_err(|e| e.to_string()),
        Ok(None) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// The `<openbadges:credential>` element for `credential`: a compact JWS in `verify`, or the JSON in CDATA
/// (a `]]>` in the JSON ends one CDATA section and starts the next, so the text reads back unchanged).
fn element(credential: &Credential<'_>) -> String {
    match credential {
        Credential::Jws(jws) => format!("<{PREFIX}:credential verify=\"{jws}\"></{PREFIX}:credential>"),
        Credential::Json(json) => {
            format!("<{PREFIX}:credential><![CDATA[{}]]></{PREFIX}:credential>", json.replace("]]>", "]]]]><![CDATA[>"))
        }
    }
}

/// OB 3.0 §5.3.2 "Baking": `xmlns:openbadges` on the `<svg>` tag, then, directly after it, the
/// `<openbadges:credential>` element. The rest of the document is kept byte for byte.
pub fn bake(image: &[u8], credential: &Credential<'_>) -> Result<Vec<u8>, BakeError> {
    let walk = walk(image)?;
    if !walk.credentials.is_empty() {
        return Err(BakeError::AlreadyBaked);
    }
    let declaration = match walk.bound.as_deref() {
        None => format!(" xmlns:{PREFIX}=\"{SVG_NAMESPACE}\""),
        Some(SVG_NAMESPACE) => String::new(),
        Some(other) => {
            return Err(BakeError::Svg(format!("the root binds xmlns:{PREFIX} to {other:?}, not {SVG_NAMESPACE}")));
        }
    };
    let (_, end, empty, name) = walk.root;
    let element = element(credential);
    let mut out = Vec::with_capacity(image.len() + element.len() + declaration.len() + name.len() + 3);
    // The tag ends in `>`, or `/>` for `<svg …/>`, which becomes `<svg …>` + credential + `</svg>`.
    out.extend_from_slice(&image[..end - if empty { 2 } else { 1 }]);
    out.extend_from_slice(declaration.as_bytes());
    out.push(b'>');
    out.extend_from_slice(element.as_bytes());
    if empty {
        out.extend_from_slice(format!("</{name}>").as_bytes());
    }
    out.extend_from_slice(&image[end..]);
    Ok(out)
}

/// OB 3.0 §5.3.2 "Extracting": the `verify` attribute or the text of the one `<openbadges:credential>`.
pub fn unbake(bytes: &[u8]) -> Result<String, BakeError> {
    let mut credentials = walk(bytes)?.credentials;
    match credentials.len() {
        0 => Err(BakeError::NoCredential),
        1 => {
            let text = credentials.remove(0);
            if text.trim().is_empty() {
                Err(BakeError::Svg("the openbadges:credential element is empty".into()))
            } else {
                Ok(text)
            }
        }
        n => Err(BakeError::SeveralCredentials(n)),
    }
}
