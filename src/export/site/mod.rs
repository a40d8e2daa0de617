//! The static site a registrar uploads (`xtranscript publish`): a verification page behind every QR code, the
//! status lists and the DID document. Pure: the caller reads OUT and the secret, and writes the files returned.
//!
//! - [`SiteSecret`] and [`token`]: a page's address is `verification_url` + an unguessable token, a keyed hash
//!   of the CLR's id (the id alone is a UUID v5 of public data, so anyone who knows a student number could
//!   compute it).
//! - [`record_of`]: what a page shows, taken from the signed CLR (what the holder already holds).
//! - [`page_html`]: the page (inline CSS and script, pinned by a Content-Security-Policy).
//! - [`site_files`]: every file of the site.

mod page;
mod record;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use thiserror::Error;
use zeroize::Zeroizing;

pub use page::{index_html, page_html, robots_txt};
pub use record::{CredentialLine, MAX_CREDENTIALS, PublishedStatus, Record, StatusLine, record_of, status_entries};

/// The environment variable that holds the site secret (it overrides `[site] secret_file`).
pub const SECRET_ENV: &str = "XTRANSCRIPT_SITE_SECRET";

/// The fewest characters a site secret has: 32 random bytes written in base64 (43 characters without padding).
pub const MIN_SECRET_CHARS: usize = 43;

/// The fewest distinct characters a site secret has (a long run of one character is not a secret).
const MIN_DISTINCT_CHARS: usize = 12;

/// Bytes of the HMAC kept in a token: 160 bits (32 base32 characters).
const TOKEN_BYTES: usize = 20;

/// The secret the page tokens are keyed with. Never printed: its `Debug` says only that it is one.
pub struct SiteSecret {
    bytes: Zeroizing<Vec<u8>>,
    demo: bool,
}

impl std::fmt::Debug for SiteSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.demo { "SiteSecret(demo)" } else { "SiteSecret(…)" })
    }
}

/// Why a site secret cannot be used. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SecretError {
    /// Fewer than [`MIN_SECRET_CHARS`] characters.
    #[error("the site secret has {0} characters; it needs at least {MIN_SECRET_CHARS} (32 random bytes in base64)")]
    TooShort(usize),
    /// Too few distinct characters to hold 32 bytes of entropy.
    #[error("the site secret has only {0} distinct characters: it is not random")]
    NotRandom(usize),
}

impl SiteSecret {
    /// The secret written in a file or the environment: its text, surrounding whitespace left out.
    pub fn parse(text: &str) -> Result<SiteSecret, SecretError> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars < MIN_SECRET_CHARS {
            return Err(SecretError::TooShort(chars));
        }
        let distinct = text.chars().collect::<std::collections::BTreeSet<char>>().len();
        if distinct < MIN_DISTINCT_CHARS {
            return Err(SecretError::NotRandom(distinct));
        }
        Ok(SiteSecret { bytes: Zeroizing::new(text.as_bytes().to_vec()), demo: false })
    }

    /// The demo secret of a `--demo-key` run, derived from the demo key's verification method: anyone who has a
    /// credential of the run can derive it, so its tokens hide nothing (demo runs are not official anyway).
    pub fn demo(verification_method: &str) -> SiteSecret {
        let mut mac = hmac_of(b"xtranscript demo site secret v1");
        mac.update(verification_method.as_bytes());
        SiteSecret { bytes: Zeroizing::new(mac.finalize().into_bytes().to_vec()), demo: true }
    }

    /// Whether this is a demo secret ([`SiteSecret::demo`]).
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// A value that changes with the secret and reveals nothing of it (for a run's fingerprint).
    pub fn fingerprint(&self) -> String {
        let mut mac = hmac_of(&self.bytes);
        mac.update(b"xtranscript site secret fingerprint v1");
        base32(&mac.finalize().into_bytes())
    }
}

fn hmac_of(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length (RFC 2104 §2): this cannot fail.
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length")
}

/// The token of the page of the CLR `credential_id`: HMAC-SHA256 (RFC 2104) keyed by the site secret over a
/// domain-separated message, its first 160 bits in lowercase base32 (RFC 4648 §6, no padding): 32 characters.
/// Without the secret it cannot be computed, whatever is known of the learner.
pub fn token(secret: &SiteSecret, credential_id: &str) -> String {
    let mut mac = hmac_of(&secret.bytes);
    mac.update(b"xtranscript verification page v1\0");
    mac.update(credential_id.as_bytes());
    base32(&mac.finalize().into_bytes()[..TOKEN_BYTES])
}

/// The address of a page: `verification_url` + token + `/`.
pub fn page_url(verification_url: &str, token: &str) -> String {
    format!("{verification_url}{token}/")
}

/// Lowercase base32 (RFC 4648 §6 alphabet, lowercased), without padding.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Where the files of a site go, from the URLs they are published at (the path of each URL, below the site's
/// root): pages below `verification_url`'s path, lists below `[status] base_url`'s, the DID document where
/// did:web resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLayout {
    /// The pages' directory, e.g. `verify/` (from `https://host/verify/`).
    pub verify: String,
    /// The status lists' directory, e.g. `status/`, when there are lists.
    pub status: Option<String>,
    /// The DID document's path (`.well-known/did.json` for `did:web:host`), for a did:web issuer.
    pub did: Option<String>,
    /// The pages' origin (`https://host`).
    pub origin: String,
}

/// Why a site cannot be laid out.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LayoutError {
    /// A URL the site serves is not an absolute http(s) URL ending with `/`.
    #[error("{0:?} is not an http(s) URL ending with \"/\", without query or fragment")]
    BadUrl(String),
    /// The status lists are on another origin than the pages: the page's script may not fetch them.
    #[error(
        "the status lists ({status}) are not on the pages' origin ({pages}): the page's live check fetches them from its own origin"
    )]
    OtherOrigin {
        /// The pages' origin.
        pages: String,
        /// The lists' base URL.
        status: String,
    },
}

/// `(origin, path without the leading "/")` of an absolute http(s) URL ending with `/`.
fn split_url(url: &str) -> Result<(String, String), LayoutError> {
    let bad = || LayoutError::BadUrl(url.to_string());
    let scheme_end = if url.starts_with("https://") {
        8
    } else if url.starts_with("http://") {
        7
    } else {
        return Err(bad());
    };
    if !url.ends_with('/') || url.contains(['?', '#', '\\']) || url.contains(char::is_whitespace) {
        return Err(bad());
    }
    let path_start = url[scheme_end..].find('/').map(|i| i + scheme_end).ok_or_else(bad)?;
    let path = &url[path_start + 1..];
    // Every segment but the last (empty: the URL ends with "/") names a directory: none may be empty, "." or "..".
    if path_start == scheme_end || path.split('/').rev().skip(1).any(|s| s.is_empty() || s == ".." || s == ".") {
        return Err(bad());
    }
    Ok((url[..path_start].to_string(), path.to_string()))
}

impl SiteLayout {
    /// The layout for pages at `verification_url`, lists at `status_base_url` and the issuer `issuer_did`.
    pub fn new(
        verification_url: &str,
        status_base_url: Option<&str>,
        issuer_did: &str,
    ) -> Result<SiteLayout, LayoutError> {
        let (origin, verify) = split_url(verification_url)?;
        let status = match status_base_url {
            Some(url) => {
                let (status_origin, path) = split_url(url)?;
                if status_origin != origin {
                    return Err(LayoutError::OtherOrigin { pages: origin, status: url.to_string() });
                }
                Some(path)
            }
            None => None,
        };
        // did:web (DID Web Method §3.2): `did:web:host` → /.well-known/did.json; `did:web:host:a:b` → /a/b/did.json.
        let did = issuer_did.strip_prefix("did:web:").map(|rest| {
            let mut parts = rest.split(':').skip(1).peekable();
            if parts.peek().is_none() {
                ".well-known/did.json".to_string()
            } else {
                let segments: Vec<&str> =
                    parts.filter(|s| !s.is_empty() && *s != "." && *s != ".." && !s.contains(['/', '\\'])).collect();
                format!("{}/did.json", segments.join("/"))
            }
        });
        Ok(SiteLayout { verify, status, did, origin })
    }

    /// The path of a page's directory, e.g. `verify/<token>/`.
    pub fn page_dir(&self, token: &str) -> String {
        format!("{}{token}/", self.verify)
    }
}

/// One file of the site: its path below the site's root (`/`-separated) and bytes.
pub type SiteFile = (String, Vec<u8>);

/// What a site is made of.
pub struct SiteContent<'a> {
    /// Where its files go.
    pub layout: &'a SiteLayout,
    /// The institution's name (the site's own index page says only whose site it is).
    pub institution: &'a str,
    /// Each page's token and record.
    pub pages: &'a [(String, Record)],
    /// The status lists: file name (`revocation-1.json`) and bytes, as signed.
    pub lists: &'a [(String, Vec<u8>)],
    /// The DID document, for a did:web issuer.
    pub did_document: Option<&'a [u8]>,
}

/// Every file of the site, sorted by path: `robots.txt`, `index.html`, the DID document, the status lists, and
/// `index.html` + `record.json` of every page. Nothing lists the tokens.
pub fn site_files(site: &SiteContent<'_>) -> Vec<SiteFile> {
    let layout = site.layout;
    let mut files = vec![
        ("robots.txt".to_string(), robots_txt(layout).into_bytes()),
        ("index.html".to_string(), index_html(site.institution).into_bytes()),
    ];
    if let (Some(path), Some(doc)) = (&layout.did, site.did_document) {
        files.push((path.clone(), doc.to_vec()));
    }
    if let Some(status) = &layout.status {
        files.extend(site.lists.iter().map(|(name, bytes)| (format!("{status}{name}"), bytes.clone())));
    }
    for (token, record) in site.pages {
        let dir = layout.page_dir(token);
        files.push((format!("{dir}index.html"), page_html(record).into_bytes()));
        files.push((format!("{dir}record.json"), record.to_json()));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[cfg(test)]
mod tests;
