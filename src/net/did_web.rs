//! did:web → the URL of its DID document (did:web Method Specification, §3.2 Read (Resolve)).

use super::FetchError;

/// The URL of the DID document of `did` (a `did:web` DID, without fragment), per the did:web method §3.2:
/// 1. the method-specific identifier's `:` become `/` (domain, then path segments);
/// 2. a port's colon, percent-encoded as `%3A` in the domain, is decoded;
/// 3. `https://` is prepended;
/// 4. with no path, `/.well-known` is appended;
/// 5. `/did.json` is appended.
///
/// Refused: not did:web, an empty domain or segment, and any character that would change the URL's meaning
/// (`/ ? # @ \`, another percent-escape, whitespace or controls).
pub fn did_web_url(did: &str) -> Result<String, FetchError> {
    let refuse = || FetchError::NotHttps(format!("{did:.200}: not a did:web DID this verifier resolves"));
    let id = did.strip_prefix("did:web:").ok_or_else(refuse)?;
    let mut parts = id.split(':');
    let domain = parts.next().filter(|d| !d.is_empty()).ok_or_else(refuse)?;
    // Step 2: only the port's colon may be percent-encoded in the domain.
    let (host, port) = match domain.split_once("%3A").or_else(|| domain.split_once("%3a")) {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && port.len() <= 5 => {
            (host, Some(port))
        }
        Some(_) => return Err(refuse()),
        None => (domain, None),
    };
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !host.starts_with(['.', '-']);
    if !host_ok {
        return Err(refuse());
    }
    let segments: Vec<&str> = parts.collect();
    let segment_ok = |s: &&str| {
        !s.is_empty() && *s != "." && *s != ".." && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    };
    if !segments.iter().all(segment_ok) {
        return Err(refuse());
    }
    let authority = match port {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    // Steps 3–5.
    let path = if segments.is_empty() { "/.well-known".to_string() } else { format!("/{}", segments.join("/")) };
    Ok(format!("https://{authority}{path}/did.json"))
}
