//! The network edge, for `verify --online` only: HTTPS GETs of status list credentials and did:web
//! documents, with a time limit, a size cap and a bounded number of redirects that never leave HTTPS.
//! Nothing here runs unless the caller builds a [`Fetcher`]; nothing in the pipeline stages uses it.
//!
//! Plain HTTP exists for tests only: [`FetchOptions::loopback_hosts`] sends the requests for a host name to a
//! loopback address over HTTP (so a test server on `127.0.0.1` can stand in for
//! `https://registrar.example.edu/`); any other address is refused.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use thiserror::Error;

mod did_web;

pub use did_web::did_web_url;

/// The most redirects followed for one fetch.
pub const MAX_REDIRECTS: usize = 3;

/// The time one fetch may take, redirects included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(15);

/// The most fetches of one [`Fetcher`] (a verifier reading hostile credentials fetches a bounded number of
/// URLs, however many entries they list).
pub const MAX_FETCHES: usize = 256;

/// Why a URL was not fetched.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FetchError {
    /// Not an `https://` URL (or `http://` to a loopback address under the test option).
    #[error("not an https URL: {0}")]
    NotHttps(String),
    /// A redirect to another scheme than HTTPS, or without a usable `Location`.
    #[error("redirected to {0}, which is not https: not followed")]
    BadRedirect(String),
    /// More than [`MAX_REDIRECTS`] redirects.
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    /// The server answered with an error status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// The body is larger than the cap.
    #[error("the response is larger than {0} bytes")]
    TooLarge(u64),
    /// More than [`MAX_FETCHES`] fetches.
    #[error("more than {MAX_FETCHES} fetches in one run")]
    TooManyFetches,
    /// A `loopback_hosts` address that is not a loopback address.
    #[error("{0} is not a loopback address")]
    NotLoopback(String),
    /// Connecting, TLS, timeout or reading failed.
    #[error("{0}")]
    Transport(String),
}

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The largest response body read, in bytes.
    pub max_bytes: u64,
    /// For tests only: requests for these host names go over plain HTTP to these loopback addresses.
    pub loopback_hosts: BTreeMap<String, SocketAddr>,
}

/// Fetches over HTTPS within the limits; counts its fetches.
pub struct Fetcher {
    agent: ureq::Agent,
    options: FetchOptions,
    fetches: AtomicUsize,
}

impl Fetcher {
    /// A fetcher with `options`; a `loopback_hosts` address that is not loopback is refused.
    pub fn new(options: FetchOptions) -> Result<Fetcher, FetchError> {
        if let Some((_, addr)) = options.loopback_hosts.iter().find(|(_, a)| !is_loopback(a.ip())) {
            return Err(FetchError::NotLoopback(addr.to_string()));
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(FETCH_TIMEOUT))
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(None)
            .user_agent(concat!("xtranscript/", env!("CARGO_PKG_VERSION"), " (verify --online)"))
            .build();
        Ok(Fetcher { agent: config.into(), options, fetches: AtomicUsize::new(0) })
    }

    /// How many requests were sent (redirects count).
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    /// GETs `url` (`https://` only), following at most [`MAX_REDIRECTS`] redirects to `https://` URLs;
    /// the body, at most `max_bytes`.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let mut url = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let target = self.target(&url)?;
            if self.fetches.fetch_add(1, Ordering::SeqCst) >= MAX_FETCHES {
                return Err(FetchError::TooManyFetches);
            }
            let mut response = self
                .agent
                .get(&target)
                .header("Accept", "application/vc+ld+json, application/ld+json, application/json")
                .call()
                .map_err(|e| FetchError::Transport(e.to_string()))?;
            let status = response.status().as_u16();
            if (300..400).contains(&status) {
                let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
                url = resolve_redirect(&url, location)?;
                continue;
            }
            if status != 200 {
                return Err(FetchError::Status(status));
            }
            let max = self.options.max_bytes;
            if let Some(length) = response.body().content_length().filter(|&n| n > max) {
                return Err(FetchError::TooLarge(length.min(max)));
            }
            return match response.body_mut().with_config().limit(max).read_to_vec() {
                Ok(bytes) => Ok(bytes),
                Err(ureq::Error::BodyExceedsLimit(_)) => Err(FetchError::TooLarge(max)),
                Err(e) => Err(FetchError::Transport(e.to_string())),
            };
        }
        Err(FetchError::TooManyRedirects)
    }

    /// The URL actually requested for `url`: itself when `https://`; `http://` to the loopback address of a
    /// `loopback_hosts` host (tests).
    fn target(&self, url: &str) -> Result<String, FetchError> {
        let rest = url.strip_prefix("https://").ok_or_else(|| FetchError::NotHttps(url.to_string()))?;
        let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
        if authority.is_empty() || authority.contains('@') {
            return Err(FetchError::NotHttps(url.to_string()));
        }
        match self.options.loopback_hosts.get(authority) {
            Some(addr) => Ok(format!("http://{addr}{}", if path.is_empty() { "/" } else { path })),
            None => Ok(url.to_string()),
        }
    }
}

/// The URL a redirect from `from` to `location` goes to: an absolute `https://` URL, or a path on the same
/// origin; anything else is refused.
fn resolve_redirect(from: &str, location: &str) -> Result<String, FetchError> {
    if location.starts_with("https://") {
        return Ok(location.to_string());
    }
    if location.starts_with('/') && !location.starts_with("//") {
        let rest = from.strip_prefix("https://").unwrap_or(from);
        let origin = &rest[..rest.find('/').unwrap_or(rest.len())];
        return Ok(format!("https://{origin}{location}"));
    }
    Err(FetchError::BadRedirect(location.chars().take(200).collect()))
}

/// Whether `ip` is a loopback address (127.0.0.0/8, ::1).
fn is_loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}

#[cfg(test)]
mod tests;
