//! `institution.toml`: who issues, how grades count, how the input is laid out.
//!
//! Parsing is strict (`deny_unknown_fields`): a misspelt key is an error with its
//! line and column, not a silently ignored setting.

mod grading;
mod mastery;
mod pesc;
mod site;
mod status;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use grading::{Grade, GradingScale, MAX_GRADES, RepeatPolicy};
pub use mastery::{MasteryConfig, MasteryRule, Quorum};
pub use pesc::{AWARD_LEVELS, CREDIT_LEVELS, CREDIT_UNITS, PescConfig, SESSION_TYPES};
pub use site::SiteConfig;
pub use status::{StatusConfig, check_base_url};

use crate::diag::{Code, Diagnostics, Origin, line_column};
use crate::ingest::csv::TABLES;
use crate::ingest::text::{Delimiter, Encoding};
use crate::model::DateFormat;

/// The whole of `institution.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The issuing institution.
    pub institution: Institution,
    /// The grading scale.
    pub grading: GradingScale,
    /// How transcripts are made.
    #[serde(default)]
    pub transcript: TranscriptOptions,
    /// How input files are read.
    #[serde(default)]
    pub input: InputOptions,
    /// Names of the registrar CSV files, if not the defaults.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Column mapping per CSV table: canonical column name → the header in the registrar's export.
    #[serde(default)]
    pub columns: BTreeMap<String, BTreeMap<String, String>>,
    /// Mastery roll-up rules for competencies with children.
    #[serde(default)]
    pub mastery: MasteryConfig,
    /// How codes map onto PESC College Transcript code lists (`transcript.xml`).
    #[serde(default)]
    pub pesc: PescConfig,
    /// Where the status lists are published (revocation, suspension).
    #[serde(default)]
    pub status: StatusConfig,
    /// The static site `publish` writes (verification pages, status lists, DID document); `None`: no site,
    /// and verification URLs end with the CLR's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteConfig>,
}

/// The issuing institution, as its Profile will say.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Institution {
    /// Official name.
    pub name: String,
    /// Home page.
    pub url: String,
    /// Registrar's e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Registrar's phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Official identifiers (OPEID, IPEDS, CEEB, FICE, …).
    #[serde(default)]
    pub identifiers: Vec<InstitutionIdentifier>,
    /// The issuer's DID (`did:web:…` or `did:key:…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did: Option<String>,
    /// The signing key file, relative to the input directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    /// With a did:web issuer: the fragment naming the current key (`did:web:…#key-2`); default `key-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// With a did:web issuer: keys used before a rotation, still published so that
    /// transcripts they signed keep verifying.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_keys: Vec<RetiredKey>,
    /// A logo image, relative to the input directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<PathBuf>,
}

/// A key the issuer used before, still listed in its DID document: an Ed25519 key (`public_key`) or a JWT key
/// (`public_key_jwk`, `build --jwt-key`), exactly one of the two.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RetiredKey {
    /// Its fragment: e.g. `key-1`; for a JWT key its RFC 7638 thumbprint, the fragment of its JWTs' `kid`.
    pub id: String,
    /// An Ed25519 key: its public key, Multikey multibase (`z6Mk…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// A JWT key: its public JWK (`keygen --alg p256|rsa` prints it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_jwk: Option<serde_json::Value>,
}

/// A postal address (OB 3.0 Address).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// State or province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

/// One official identifier of the institution.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstitutionIdentifier {
    /// Scheme, e.g. "OPEID", "IPEDS", "CEEB".
    #[serde(rename = "type")]
    pub kind: String,
    /// Value.
    pub value: String,
}

/// Transcript options.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptOptions {
    /// Fixed issue date-time (RFC 3339); `--issued-at` and `SOURCE_DATE_EPOCH` override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
    /// Which attempts of a repeated course count in the GPA.
    #[serde(default)]
    pub repeat_policy: RepeatPolicy,
    /// Base URL where a transcript can be verified (credential id is appended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_url: Option<String>,
    /// The secret that per-learner identifier salts derive from (keep it private;
    /// `XTRANSCRIPT_SALT_SECRET` overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt_secret: Option<String>,
    /// The program name printed when a learner has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_program: Option<String>,
    /// Font files for the scripts the built-in DejaVu lacks (Chinese, Japanese, Korean), relative to the input
    /// directory, in order. When fonts are named (here or with `--font`, which replaces these), no system font
    /// is searched, so the PDFs do not depend on the machine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fonts: Vec<PathBuf>,
}

/// How input files are read.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InputOptions {
    /// Text encoding of CSV files.
    #[serde(default)]
    pub encoding: Encoding,
    /// CSV delimiter.
    #[serde(default)]
    pub delimiter: Delimiter,
    /// How dates are written in the CSVs.
    #[serde(default)]
    pub date_format: DateFormat,
    /// Per-file encoding overrides (file name → encoding).
    #[serde(default)]
    pub file_encodings: BTreeMap<String, Encoding>,
}

impl Config {
    /// Reads `institution.toml`'s text; all problems go to `diags`.
    /// `None` when it cannot be used at all.
    pub fn parse(text: &str, file: &Path, diags: &mut Diagnostics) -> Option<Config> {
        let config: Config = match toml::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                let origin = match e.span() {
                    Some(span) => {
                        let (line, column) = line_column(text, span.start);
                        Origin::at(file, line, column)
                    }
                    None => Origin::file(file),
                };
                diags
                    .error(Code::ConfigSyntax, origin, e.message().trim().to_string())
                    .help("fix institution.toml; its keys are described in schemas/institution.schema.json");
                return None;
            }
        };
        let before = diags.error_count();
        config.validate(text, file, diags);
        (diags.error_count() == before).then_some(config)
    }

    fn validate(&self, text: &str, file: &Path, diags: &mut Diagnostics) {
        let at = |needle: &str| locate(text, file, needle);
        if self.institution.name.trim().is_empty() {
            diags.error(Code::ConfigValue, at("name"), "institution.name is empty");
        }
        if !is_http_url(&self.institution.url) {
            diags
                .error(
                    Code::ConfigValue,
                    at(&self.institution.url),
                    format!("institution.url {:?} is not an http(s) URL", self.institution.url),
                )
                .help("write the institution's home page, e.g. https://www.example.edu/");
        }
        if let Some(did) = &self.institution.did
            && !(did.starts_with("did:web:") || did.starts_with("did:key:"))
        {
            diags
                .error(Code::ConfigValue, at(did), format!("institution.did {did:?} is neither did:web nor did:key"))
                .help("use did = \"did:web:registrar.example.edu\", or leave it out to use the key's did:key");
        }
        self.grading.validate(text, file, diags);
        self.validate_layout(text, file, diags);
        self.mastery.validate(text, file, diags);
        self.pesc.validate(text, file, diags);
        self.status.validate(text, file, diags);
        if let Some(site) = &self.site {
            site.validate(self, text, file, diags);
        }
        if let Some(url) = &self.transcript.verification_url
            && !is_http_url(url)
        {
            diags.error(
                Code::ConfigValue,
                at(url),
                format!("transcript.verification_url {url:?} is not an http(s) URL"),
            );
        }
    }
}

impl Config {
    /// The files institution.toml names for rendering, as written (relative to its directory): the logo, then
    /// the fonts, each with its setting's name.
    pub fn rendering_files(&self) -> Vec<(&'static str, &Path)> {
        let logo = self.institution.logo.iter().map(|p| ("[institution] logo", p.as_path()));
        logo.chain(self.transcript.fonts.iter().map(|p| ("[transcript] fonts", p.as_path()))).collect()
    }

    /// `[files]` and `[columns.*]` may only name tables and columns that exist.
    fn validate_layout(&self, text: &str, file: &Path, diags: &mut Diagnostics) {
        let table = |name: &str| TABLES.iter().find(|t| t.name == name);
        let tables: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        for name in self.files.keys().chain(self.columns.keys()) {
            if table(name).is_none() {
                diags
                    .error(Code::ConfigValue, locate(text, file, name), format!("there is no table {name:?}"))
                    .help(format!("tables are: {}", tables.join(", ")));
            }
        }
        for (name, mapping) in &self.columns {
            let Some(spec) = table(name) else { continue };
            for column in mapping.keys().filter(|c| spec.column(c).is_none()) {
                let names: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
                diags
                    .error(
                        Code::ConfigValue,
                        locate(text, file, column),
                        format!("table {name} has no column {column:?}"),
                    )
                    .help(format!(
                        "map one of: {} (the key is xtranscript's name, the value your export's header)",
                        names.join(", ")
                    ));
            }
        }
    }
}

/// Whether `s` looks like an absolute http(s) URL with a host.
pub fn is_http_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

/// The position of the first occurrence of `needle` in the config text (the value a
/// diagnostic is about), or the file alone.
pub fn locate(text: &str, file: &Path, needle: &str) -> Origin {
    match text.find(needle) {
        Some(offset) if !needle.is_empty() => {
            let (line, column) = line_column(text, offset);
            Origin::at(file, line, column)
        }
        _ => Origin::file(file),
    }
}

#[cfg(test)]
mod tests;
