//! `[status]`: where the status lists (W3C Bitstring Status List) that let the issuer revoke or suspend a
//! credential are published.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::locate;
use crate::diag::{Code, Diagnostics};

/// The `[status]` section.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StatusConfig {
    /// The URL the files of `OUT/status/` are published under (`https://…/status/`, ending with `/`): the
    /// list `revocation-1.json` is at `base_url` + `revocation-1.json`. Required to build with a real key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Every credential also gets a `suspension` entry (so it can be suspended and reinstated). The
    /// credentials' `credentialStatus` is then an array, which 1EdTech's OB 3.0 / CLR 2.0 JSON Schemas
    /// (an object) do not accept.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspension: bool,
}

impl StatusConfig {
    /// Checks `base_url`: an https URL (http only to the loopback host, for tests) ending with `/`, without
    /// query or fragment.
    pub(super) fn validate(&self, text: &str, file: &Path, diags: &mut Diagnostics) {
        let Some(url) = &self.base_url else { return };
        if let Err(why) = check_base_url(url) {
            diags.error(Code::ConfigValue, locate(text, file, url), format!("status.base_url {url:?} {why}")).help(
                "write where OUT/status/ is published, e.g. base_url = \"https://registrar.example.edu/status/\"",
            );
        }
    }
}

/// Why `url` cannot be the base URL of the status lists.
pub fn check_base_url(url: &str) -> Result<(), &'static str> {
    let loopback = ["http://localhost", "http://127.0.0.1", "http://[::1]"];
    let https = url.strip_prefix("https://").is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    let local = loopback.iter().any(|p| url.strip_prefix(p).is_some_and(|r| r.starts_with(['/', ':'])));
    if !https && !local {
        return Err("is not an https URL");
    }
    if url.contains(['?', '#']) || url.contains(char::is_whitespace) {
        return Err("has a query, a fragment or a space");
    }
    if !url.ends_with('/') {
        return Err("does not end with \"/\"");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_base_url;

    #[test]
    fn base_urls() {
        assert!(check_base_url("https://registrar.example.edu/status/").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/status/").is_ok());
        for bad in [
            "https://registrar.example.edu/status",
            "http://registrar.example.edu/status/",
            "https:///status/",
            "https://x.example/s/?a=1/",
            "ftp://x.example/",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }
}
