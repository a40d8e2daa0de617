//! What a build needs before the first learner, read at the edge once per run: the signer, the issue date,
//! the salt secret, templates and fonts, and the run fingerprint over all of them.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use xtranscript::batch::RunFingerprint;
use xtranscript::config::{Config, locate};
use xtranscript::diag::{Code, Diagnostics, Origin};
use xtranscript::export::{self, FileEntry, bake};
use xtranscript::ingest::files::{self, ReadError};
use xtranscript::ingest::{CONFIG_FILE, Input};
use xtranscript::issuer::{self, Signer};
use xtranscript::model::{Records, Timestamp};
use xtranscript::render::{Fonts, Logo, Templates, load_fonts, logo_from_file};
use xtranscript::sign::{SecretKey, Suite, public_key_multibase};

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
    /// Scripts no loaded font covers (printed as warnings by `build`).
    pub font_warnings: Vec<String>,
}

/// Set this environment variable to make `check` and `build` look for no system font (tests, and
/// reproducing a machine without CJK fonts).
pub const NO_SYSTEM_FONTS: &str = "XTRANSCRIPT_NO_SYSTEM_FONTS";

/// What the rendering and signing setup reads, as the command line and institution.toml name it. `check` and
/// `build` check it with the same functions, so they report the same problems with the same codes.
pub struct SetupFiles<'a> {
    /// The input directory.
    pub input: &'a Path,
    /// Its settings.
    pub config: &'a Config,
    /// `--font` files (replacing `[transcript] fonts`).
    pub fonts: &'a [PathBuf],
    /// `--templates DIR`.
    pub templates: Option<&'a Path>,
}

impl SetupFiles<'_> {
    /// institution.toml's path and text, to point diagnostics at the setting (re-read: it is small and was
    /// just loaded).
    fn config_text(&self) -> (PathBuf, String) {
        let path = self.input.join(CONFIG_FILE);
        let text = files::read_limited(&path, files::MAX_SETTINGS_BYTES)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        (path, text)
    }

    /// Where a file institution.toml names is set, or the file itself when it came from the command line.
    fn place(&self, written: Option<&str>, file: &Path) -> Origin {
        match written {
            Some(written) => {
                let (path, text) = self.config_text();
                locate(&text, &path, written)
            }
            None => Origin::file(file),
        }
    }
}

/// Reads a file of the setup, reporting why it cannot be read: a missing or non-regular file institution.toml
/// names as `missing-file` (what `check` always said), anything else with `code`.
fn read_setup_file(
    files: &SetupFiles<'_>,
    setting: &str,
    written: Option<&str>,
    path: &Path,
    limit: u64,
    code: Code,
    diags: &mut Diagnostics,
) -> Option<Vec<u8>> {
    let error = match files::read_limited(path, limit) {
        Ok(bytes) => return Some(bytes),
        Err(e) => e,
    };
    let origin = files.place(written, path);
    let missing = matches!(&error, ReadError::NotAFile)
        || matches!(&error, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound);
    match written {
        Some(written) if missing => {
            diags
                .error(Code::MissingFile, origin, format!("{setting} names {written:?}, which is not a file"))
                .help(format!("paths are relative to {}; fix it, or remove the entry", files.input.display()));
        }
        _ => {
            diags
                .error(code, origin, format!("{setting} {}: {error}", path.display()))
                .help("name a regular file (not a device, FIFO or directory) within the size limit");
        }
    }
    None
}

/// The font files to load: `--font`, else `[transcript] fonts` (relative to the input directory), each with
/// how institution.toml writes it; none means the standard Debian fallbacks.
fn font_files(files: &SetupFiles<'_>) -> Vec<(PathBuf, Option<String>)> {
    if files.fonts.is_empty() {
        let written = |f: &PathBuf| Some(f.to_string_lossy().into_owned());
        files.config.transcript.fonts.iter().map(|f| (files.input.join(f), written(f))).collect()
    } else {
        files.fonts.iter().map(|f| (f.clone(), None)).collect()
    }
}

/// Reads and checks templates, fonts and logo; every problem is a diagnostic. `None` when one of them cannot
/// be used.
pub fn rendering(files: &SetupFiles<'_>, diags: &mut Diagnostics) -> Option<Rendering> {
    let errors = diags.len();
    let mut sources = Vec::new();
    let templates = templates(files, &mut sources, diags);
    let mut font_bytes: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    let listed = font_files(files);
    for (path, written) in &listed {
        let setting = if written.is_some() { "[transcript] fonts" } else { "--font" };
        if let Some(bytes) =
            read_setup_file(files, setting, written.as_deref(), path, files::MAX_FONT_BYTES, Code::BadFont, diags)
        {
            font_bytes.insert(path.clone(), bytes);
        }
    }
    let paths: Vec<PathBuf> = listed.iter().map(|(p, _)| p.clone()).collect();
    let mut used = Vec::new();
    let system_fonts = std::env::var_os(NO_SYSTEM_FONTS).is_none();
    let fonts = if font_bytes.len() < listed.len() {
        None
    } else {
        let loaded = load_fonts(&paths, |p: &Path| {
            let bytes = match font_bytes.get(p) {
                Some(bytes) => bytes.clone(),
                None if system_fonts => files::read_limited(p, files::MAX_FONT_BYTES).map_err(std::io::Error::other)?,
                None => return Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
            };
            used.push((format!("font {}", p.display()), bytes.clone()));
            Ok(bytes)
        });
        match loaded {
            Ok((fonts, warnings)) => Some((fonts, warnings.iter().map(ToString::to_string).collect())),
            Err(e) => {
                let failed = listed.iter().find(|(p, _)| e.to_string().contains(&p.display().to_string()));
                let origin = failed.map(|(p, w)| files.place(w.as_deref(), p));
                diags.error(Code::BadFont, origin, e.to_string()).help(
                    "name a TrueType or OpenType font file (or collection), in [transcript] fonts or with --font",
                );
                None
            }
        }
    };
    sources.extend(used);
    let logo = match &files.config.institution.logo {
        None => None,
        Some(file) => {
            let written = file.to_string_lossy();
            let path = files.input.join(file);
            let setting = "[institution] logo";
            read_setup_file(files, setting, Some(&written), &path, files::MAX_LOGO_BYTES, Code::BadLogo, diags)
                .and_then(|bytes| match logo_from_file(&bytes) {
                    Ok(logo) => {
                        sources.push((format!("logo {}", path.display()), bytes));
                        Some(logo)
                    }
                    Err(e) => {
                        diags
                            .error(Code::BadLogo, files.place(Some(&written), &path), format!("{}: {e}", path.display()))
                            .help("[institution] logo in institution.toml names a JPEG or PNG file, relative to the input directory");
                        None
                    }
                })
        }
    };
    let (fonts, font_warnings) = fonts?;
    if diags.errors_since(errors) {
        return None;
    }
    Some(Rendering { templates: templates?, fonts, logo, sources, font_warnings })
}

/// The embedded templates with the overrides of `--templates DIR` (files sorted by name).
fn templates(
    files: &SetupFiles<'_>,
    sources: &mut Vec<(String, Vec<u8>)>,
    diags: &mut Diagnostics,
) -> Option<Templates> {
    let Some(dir) = files.templates else { return Some(Templates::embedded()) };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diags.error(Code::BadTemplate, Origin::file(dir), format!("--templates {}: {e}", dir.display()));
            return None;
        }
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        let bytes =
            read_setup_file(files, "--templates", None, &path, files::MAX_TEMPLATE_BYTES, Code::BadTemplate, diags)?;
        let Ok(text) = String::from_utf8(bytes) else {
            diags.error(Code::BadTemplate, Origin::file(&path), "not UTF-8 text").help("save the template as UTF-8");
            return None;
        };
        found.push((entry.file_name().to_string_lossy().into_owned(), text));
    }
    found.sort();
    sources.extend(found.iter().map(|(n, t)| (format!("template {n}"), t.clone().into_bytes())));
    match Templates::with_overrides(found) {
        Ok(templates) => Some(templates),
        Err(e) => {
            diags.error(Code::BadTemplate, Origin::file(dir), e.to_string());
            None
        }
    }
}

/// Reads the key file at `path` (`written`: as institution.toml's `key_file` names it), never showing the
/// secret: exactly one Ed25519 secret key, else an error; a file others may read or write gets a warning.
pub fn read_key(
    files: &SetupFiles<'_>,
    path: &Path,
    written: Option<&str>,
    diags: &mut Diagnostics,
) -> Option<SecretKey> {
    let origin = files.place(written, path);
    let text = match files::read_limited(path, files::MAX_SETTINGS_BYTES) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            diags
                .error(Code::BadKey, origin, format!("key file {}: {e}", path.display()))
                .help("make one with `xtranscript keygen --out FILE`, and name it with --key or key_file");
            return None;
        }
    };
    warn_if_shared(path, &origin, diags);
    match issuer::read_key_file(&text) {
        Ok(key) => Some(key),
        Err(e) => {
            diags
                .error(Code::BadKey, origin, format!("key file {}: {e}", path.display()))
                .help("a key file holds one secret key line, as `xtranscript keygen` writes it");
            None
        }
    }
}

/// Warns when others than the owner may read or write the key file (Unix permissions).
fn warn_if_shared(path: &Path, origin: &Origin, diags: &mut Diagnostics) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                diags
                    .warning(
                        Code::KeyPermissions,
                        origin.clone(),
                        format!("key file {} has mode {mode:o}: others than its owner may read it", path.display()),
                    )
                    .help(format!("chmod 600 {}", path.display()));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, origin, diags);
}

/// The key institution.toml names (`key_file`), checked; `None` when it names none or it cannot be used.
pub fn configured_key(files: &SetupFiles<'_>, diags: &mut Diagnostics) -> Option<SecretKey> {
    let key_file = files.config.institution.key_file.as_ref()?;
    let written = key_file.to_string_lossy();
    read_key(files, &files.input.join(key_file), Some(&written), diags)
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

/// The signer: `--key`, institution.key_file, or (with `--demo-key`) a fresh key. A key file that cannot be
/// used is a diagnostic (`Ok(None)`); no key at all is a usage error.
pub fn signer(args: &BuildArgs, config: &Config, diags: &mut Diagnostics) -> anyhow::Result<Option<Signer>> {
    let files = SetupFiles { input: &args.input, config, fonts: &args.fonts, templates: args.templates.as_deref() };
    let key = match (&args.key, args.demo_key, &config.institution.key_file) {
        (Some(path), _, _) => read_key(&files, path, None, diags),
        (None, true, _) => {
            eprintln!(
                "xtranscript: WARNING: --demo-key: signing with an ephemeral key made for this run. The credentials name its did:key as issuer; they are NOT official and cannot be tied to the institution."
            );
            Some(crate::cli::keys::random_key()?)
        }
        (None, false, Some(_)) => configured_key(&files, diags),
        (None, false, None) => bail!(
            "build signs every credential: give --key FILE (make one with `xtranscript keygen --out FILE`), set institution.key_file, or pass --demo-key to try it out"
        ),
    };
    Ok(key.map(|key| Signer::new(config, key, args.suite.suites(), args.demo_key)))
}

/// The JWT signer: the `--jwt-key` file, else the Ed25519 signer's key. A key that cannot be used is a
/// diagnostic (`Ok(None)`); `--jwt-key` without JWTs to sign is a usage error.
pub fn jwt_signer(
    args: &BuildArgs,
    config: &Config,
    signer: &Signer,
    diags: &mut Diagnostics,
) -> anyhow::Result<Option<issuer::JwtSigner>> {
    let Some(path) = &args.jwt_key else { return Ok(issuer::JwtSigner::new(signer, None).ok()) };
    if args.securing == super::Securing::Di {
        bail!("--jwt-key signs JWTs: pass --securing jwt or --securing both");
    }
    let files = SetupFiles { input: &args.input, config, fonts: &args.fonts, templates: args.templates.as_deref() };
    let origin = files.place(None, path);
    let text = match files::read_limited(path, files::MAX_SETTINGS_BYTES) {
        Ok(bytes) => zeroize::Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) => {
            diags
                .error(Code::BadKey, origin, format!("JWT key file {}: {e}", path.display()))
                .help("make one with `xtranscript keygen --alg p256 --out FILE` (or --alg rsa)");
            return Ok(None);
        }
    };
    warn_if_shared(path, &origin, diags);
    let key = issuer::read_jwt_key_file(&text).and_then(|key| issuer::JwtSigner::new(signer, Some(key)));
    match key {
        Ok(jwt) => Ok(Some(jwt)),
        Err(e) => {
            let help = match e {
                issuer::IssuerError::JwtKeyNeedsDidWeb(_) => {
                    "set institution.did to your did:web and publish `xtranscript did-document --jwt-key FILE`; or sign the JWTs with the Ed25519 key (no --jwt-key)"
                }
                _ => {
                    "a JWT key is a PKCS#8 PEM P-256 or RSA private key, as `xtranscript keygen --alg p256|rsa` writes it"
                }
            };
            diags.error(Code::BadKey, origin, format!("JWT key file {}: {e}", path.display())).help(help);
            Ok(None)
        }
    }
}

/// The badge images of the achievements (achievement id → image bytes), each checked as `build` will bake
/// it: a regular file of at most [`bake::MAX_IMAGE_BYTES`], a PNG or SVG that parses and holds no credential
/// yet. Each problem is reported at the achievements.csv row; `None` when there was one.
pub fn badge_images(input: &Path, records: &Records, diags: &mut Diagnostics) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut images = BTreeMap::new();
    let mut usable = true;
    for achievement in records.achievements.values() {
        let Some(file) = &achievement.image_file else { continue };
        let path = input.join(file);
        let origin = achievement.origin.clone();
        let id = &achievement.id;
        let bytes = match files::read_limited(&path, bake::MAX_IMAGE_BYTES as u64) {
            Ok(bytes) => bytes,
            Err(e @ (ReadError::NotAFile | ReadError::Io(_))) => {
                usable = false;
                diags
                    .error(Code::BadgeImageMissing, origin, format!("achievement {id}: image_file {file}: {e}"))
                    .help("image_file names a PNG or SVG file, relative to the input directory");
                continue;
            }
            Err(e @ ReadError::TooLarge { .. }) => {
                usable = false;
                diags
                    .error(Code::BadBadgeImage, origin, format!("achievement {id}: image_file {file}: {e}"))
                    .help("a badge image is a small PNG or SVG (a few KB)");
                continue;
            }
        };
        match bake::check_image(&bytes) {
            Ok(_) => {
                images.insert(id.to_string(), bytes);
            }
            Err(e) => {
                usable = false;
                diags
                    .error(Code::BadBadgeImage, origin, format!("achievement {id}: image_file {file}: {e}"))
                    .help("give the achievement's image as an unbaked PNG or SVG file");
            }
        }
    }
    usable.then_some(images)
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
pub fn input_entries(root: &Path, paths: &[PathBuf]) -> anyhow::Result<Vec<FileEntry>> {
    paths
        .iter()
        .map(|f| {
            let bytes =
                files::read_limited(f, files::MAX_INPUT_BYTES).with_context(|| format!("reading {}", f.display()))?;
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
