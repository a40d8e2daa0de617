//! `[site]`: the static site `xtranscript publish` writes for the registrar's web server — a verification page
//! behind every QR code, the status lists and the DID document.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Config, locate};
use crate::diag::{Code, Diagnostics};

/// The `[site]` section. Its presence turns verification URLs into `verification_url` + an unguessable token.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Where `build` writes the site at the end of a run (relative to the input directory); without it only
    /// `xtranscript publish OUT --site DIR` does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
    /// A file (mode 0600) holding the site secret the page tokens are keyed with, relative to the input
    /// directory; the environment variable `XTRANSCRIPT_SITE_SECRET` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_file: Option<PathBuf>,
}

impl SiteConfig {
    /// The site's pages live under `[transcript] verification_url`: it must be set.
    pub(super) fn validate(&self, config: &Config, text: &str, file: &Path, diags: &mut Diagnostics) {
        if config.transcript.verification_url.as_deref().is_none_or(|u| !u.ends_with('/')) {
            diags
                .error(Code::ConfigValue, locate(text, file, "[site]"), "[site] needs [transcript] verification_url ending with \"/\"")
                .help("the pages are published at verification_url + <token>/, e.g. verification_url = \"https://registrar.example.edu/verify/\"");
        }
    }
}
