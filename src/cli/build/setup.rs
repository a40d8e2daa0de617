//! What a build needs before the first learner, read at the edge once per run: the signer, the issue date,
//! the salt secret, templates and fonts, and the run fingerprint over all of them.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use xtranscript::batch::RunFingerprint;
use xtranscript::config::Config;
use xtranscript::export::{self, FileEntry};
use xtranscript::ingest::Input;
use xtranscript::issuer::Signer;
use xtranscript::model::Timestamp;
use xtranscript::render::{Fonts, Logo, Templates, load_fonts, logo_from_file};
use xtranscript::sign::{Suite, public_key_multibase};

use super::{BuildArgs, SuiteArg};

/// What rendering needs, with the bytes it was made from (for the run fingerprint).
pub struct Rendering {
    /// Templates (embedded, with overrides).
    pub templates: Templates,
    /// Fonts (DejaVu and fallbacks).
    pub fonts: Fonts,
    /// The institution's logo (`[institution] logo`), checked.
    pub logo: Option<Logo>,
    /// Every override and font file read: name and bytes.
    pub sources: Vec<(String, Vec<u8>)>,
}

/// The font files to load: `--font`, else `[transcript] fonts` (relative to the input directory); none means
/// the standard Debian fallbacks.
fn font_files(args: &BuildArgs, config: &Config) -> Vec<PathBuf> {
    if args.fonts.is_empty() {
        config.transcript.fonts.iter().map(|f| args.input.join(f)).collect()
    } else {
        args.fonts.clone()
    }
}

/// Reads `--templates DIR` (sorted by name) and the fonts.
pub fn rendering(args: &BuildArgs, config: &Config) -> anyhow::Result<Rendering> {
    let mut sources = Vec::new();
    let templates = match &args.templates {
        None => Templates::embedded(),
        Some(dir) => {
            let mut files = Vec::new();
            for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?.flatten() {
                if entry.path().is_file() {
                    let text = std::fs::read_to_string(entry.path())
                        .with_context(|| format!("reading {}", entry.path().display()))?;
                    files.push((entry.file_name().to_string_lossy().into_owned(), text));
                }
            }
            files.sort();
            sources.extend(files.iter().map(|(n, t)| (format!("template {n}"), t.clone().into_bytes())));
            Templates::with_overrides(files).map_err(|e| anyhow::anyhow!("{e}"))?
        }
    };
    let mut font_bytes = Vec::new();
    let (fonts, warnings) = load_fonts(&font_files(args, config), |p: &Path| {
        let bytes = std::fs::read(p)?;
        font_bytes.push((format!("font {}", p.display()), bytes.clone()));
        Ok(bytes)
    })
    .map_err(|e| {
        let named_in_config = args.fonts.is_empty();
        let help = "\n  help: the font is named in institution.toml, [transcript] fonts (relative to the input \
                    directory): fix the path, or remove the entry to use the system's fonts";
        anyhow::anyhow!("{e}{}", if named_in_config { help } else { "" })
    })?;
    for w in warnings {
        eprintln!("xtranscript: warning: {w}");
    }
    sources.extend(font_bytes);
    let logo = match &config.institution.logo {
        None => None,
        Some(file) => {
            let path = args.input.join(file);
            let bytes = std::fs::read(&path).with_context(|| {
                format!("reading the logo {} (institution.toml, [institution] logo)", path.display())
            })?;
            let logo = logo_from_file(&bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{}: {e}\n  help: [institution] logo in institution.toml names a JPEG or PNG file, relative to \
                     the input directory",
                    path.display()
                )
            })?;
            sources.push((format!("logo {}", path.display()), bytes));
            Some(logo)
        }
    };
    Ok(Rendering { templates, fonts, logo, sources })
}

impl SuiteArg {
    /// The suites, in proof order.
    pub fn suites(self) -> Vec<Suite> {
        match self {
            SuiteArg::Rdfc => vec![Suite::EddsaRdfc2022],
            SuiteArg::Jcs => vec![Suite::EddsaJcs2022],
            SuiteArg::Both => vec![Suite::EddsaRdfc2022, Suite::EddsaJcs2022],
        }
    }
}

/// The signer: `--key`, institution.key_file, or (with `--demo-key`) a fresh key.
pub fn signer(args: &BuildArgs, config: &Config) -> anyhow::Result<Signer> {
    let configured = config.institution.key_file.as_ref().map(|k| args.input.join(k));
    let key = match (&args.key, args.demo_key, configured) {
        (Some(path), _, _) => crate::cli::keys::load_key(path)?,
        (None, true, _) => {
            eprintln!(
                "xtranscript: WARNING: --demo-key: signing with an ephemeral key made for this run. The credentials name its did:key as issuer; they are NOT official and cannot be tied to the institution."
            );
            crate::cli::keys::random_key()?
        }
        (None, false, Some(path)) => crate::cli::keys::load_key(&path)?,
        (None, false, None) => bail!(
            "build signs every credential: give --key FILE (make one with `xtranscript keygen --out FILE`), set institution.key_file, or pass --demo-key to try it out"
        ),
    };
    Ok(Signer::new(config, key, args.suite.suites(), args.demo_key))
}

/// The issue date: `--issued-at`, `SOURCE_DATE_EPOCH`, the config's, or now (the edge's clock).
pub fn issue_date(args: &BuildArgs, config: &Config) -> anyhow::Result<Timestamp> {
    if let Some(text) = &args.issued_at {
        return Timestamp::parse(text).with_context(|| format!("--issued-at {text:?} is not an RFC 3339 date-time"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let seconds: i64 =
            epoch.trim().parse().with_context(|| format!("SOURCE_DATE_EPOCH {epoch:?} is not a number of seconds"))?;
        return Ok(Timestamp::from_unix(seconds));
    }
    if let Some(text) = &config.transcript.issued_at {
        return Timestamp::parse(text)
            .with_context(|| format!("[transcript] issued_at {text:?} is not an RFC 3339 date-time"));
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    Ok(Timestamp::from_unix(now))
}

/// The salt secret: `XTRANSCRIPT_SALT_SECRET`, the config's, or (with a warning) the institution URL.
pub fn salt_secret(config: &Config) -> Vec<u8> {
    if let Ok(secret) = std::env::var("XTRANSCRIPT_SALT_SECRET") {
        return secret.into_bytes();
    }
    match &config.transcript.salt_secret {
        Some(secret) => secret.clone().into_bytes(),
        None => {
            eprintln!(
                "xtranscript: warning: no salt secret ([transcript] salt_secret or XTRANSCRIPT_SALT_SECRET): identifier salts derive from the institution URL and are predictable"
            );
            config.institution.url.clone().into_bytes()
        }
    }
}

/// The inputs' hashes, paths relative to the input directory.
pub fn input_entries(root: &Path, files: &[PathBuf]) -> anyhow::Result<Vec<FileEntry>> {
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
            let relative = f.strip_prefix(root).unwrap_or(f).to_string_lossy().replace('\\', "/");
            Ok(export::file_entry(&relative, &bytes))
        })
        .collect()
}

/// Everything a learner's outputs depend on besides the learner's own records.
pub struct Shared<'a> {
    /// The loaded input.
    pub input: &'a Input,
    /// The configuration.
    pub config: &'a Config,
    /// The signer.
    pub signer: &'a Signer,
    /// The issue date.
    pub issued_at: Timestamp,
    /// The salt secret.
    pub salt_secret: &'a [u8],
    /// Templates and fonts.
    pub rendering: &'a Rendering,
    /// The files written per learner.
    pub outputs: &'a [xtranscript::export::Output],
    /// The organization transcript.xml is addressed to (`None`: the learner).
    pub pesc_destination: Option<&'a xtranscript::export::pesc::Destination>,
}

/// The run fingerprint (see `batch::RunFingerprint`) of a build.
pub fn run_fingerprint(shared: &Shared<'_>) -> String {
    let records = &shared.input.records;
    let mut f = RunFingerprint::new();
    f.bytes("generator", env!("CARGO_PKG_VERSION").as_bytes())
        .value("config", shared.config)
        .bytes("issuer", shared.signer.issuer_id.as_bytes())
        .bytes("verification method", shared.signer.verification_method.as_bytes())
        .bytes("public key", public_key_multibase(&shared.signer.key.public_key()).as_bytes())
        .value("suites", &shared.signer.suites.iter().map(|s| s.cryptosuite()).collect::<Vec<_>>())
        .bytes("issued at", shared.issued_at.to_string().as_bytes())
        .bytes("salt secret", shared.salt_secret)
        .value("terms", &records.terms)
        .value("courses", &records.courses)
        .value("achievements", &records.achievements)
        .value("alignments", &records.alignments)
        .value("frameworks", &shared.input.frameworks)
        .value("outputs", &shared.outputs.iter().map(|o| o.name()).collect::<Vec<_>>())
        .value("pesc destination", &shared.pesc_destination.map(|d| (&d.name, &d.identifiers)));
    for (name, bytes) in &shared.rendering.sources {
        f.bytes(name, bytes);
    }
    f.finish()
}
