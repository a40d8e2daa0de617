//! `xtranscript build INPUT --out OUT`: every learner's transcript, and the manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use xtranscript::assemble::{Assembled, Assembler};
use xtranscript::config::Config;
use xtranscript::export::{self, Failure, LearnerEntry, Manifest, file_entry};
use xtranscript::issuer::Signer;
use xtranscript::model::Timestamp;
use xtranscript::render::{self, Fonts, Templates, Verification, load_fonts, transcript_view};
use xtranscript::sign::Suite;

use super::report::print_diagnostics;
use super::{EXIT_OK, EXIT_PROBLEMS, load_linked};

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The input directory (with institution.toml).
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// The output directory.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// The issue date of every credential (RFC 3339). Default: SOURCE_DATE_EPOCH, then
    /// [transcript] issued_at in institution.toml, then the current time.
    #[arg(long, value_name = "DATETIME")]
    issued_at: Option<String>,
    /// The issuer's signing key (default: institution.key_file). See `xtranscript keygen`.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Sign with an ephemeral key made for this run (for trying xtranscript out; the
    /// issuer becomes that key's did:key). Recorded in the manifest.
    #[arg(long, conflicts_with = "key")]
    demo_key: bool,
    /// Cryptosuite(s) of the proofs.
    #[arg(long, value_enum, default_value = "rdfc")]
    suite: SuiteArg,
    /// A directory of template overrides (transcript.html, style.css, labels.toml, layout.toml).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Fallback font files for scripts DejaVu lacks (CJK …), in order; default: standard Debian fonts.
    #[arg(long = "font", value_name = "FILE")]
    fonts: Vec<PathBuf>,
}

/// What rendering needs, read at the edge once per run.
struct Rendering {
    templates: Templates,
    fonts: Fonts,
}

fn rendering(args: &BuildArgs) -> anyhow::Result<Rendering> {
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
            Templates::with_overrides(files).map_err(|e| anyhow::anyhow!("{e}"))?
        }
    };
    let (fonts, warnings) = load_fonts(&args.fonts, |p| std::fs::read(p)).map_err(|e| anyhow::anyhow!("{e}"))?;
    for w in warnings {
        eprintln!("xtranscript: warning: {w}");
    }
    Ok(Rendering { templates, fonts })
}

/// Which proofs to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SuiteArg {
    /// eddsa-rdfc-2022 (what 1EdTech certification requires).
    Rdfc,
    /// eddsa-jcs-2022.
    Jcs,
    /// Both, as a proof set.
    Both,
}

impl SuiteArg {
    fn suites(self) -> Vec<Suite> {
        match self {
            SuiteArg::Rdfc => vec![Suite::EddsaRdfc2022],
            SuiteArg::Jcs => vec![Suite::EddsaJcs2022],
            SuiteArg::Both => vec![Suite::EddsaRdfc2022, Suite::EddsaJcs2022],
        }
    }
}

/// The signer: `--key`, institution.key_file, or (with `--demo-key`) a fresh key.
fn signer(args: &BuildArgs, config: &Config) -> anyhow::Result<Signer> {
    let configured = config.institution.key_file.as_ref().map(|k| args.input.join(k));
    let key = match (&args.key, args.demo_key, configured) {
        (Some(path), _, _) => super::keys::load_key(path)?,
        (None, true, _) => {
            eprintln!(
                "xtranscript: WARNING: --demo-key: signing with an ephemeral key made for this run. The credentials name its did:key as issuer; they are NOT official and cannot be tied to the institution."
            );
            super::keys::random_key()?
        }
        (None, false, Some(path)) => super::keys::load_key(&path)?,
        (None, false, None) => bail!(
            "build signs every credential: give --key FILE (make one with `xtranscript keygen --out FILE`), set institution.key_file, or pass --demo-key to try it out"
        ),
    };
    Ok(Signer::new(config, key, args.suite.suites(), args.demo_key))
}

/// The issue date: `--issued-at`, `SOURCE_DATE_EPOCH`, the config's, or now (the edge's clock).
fn issue_date(args: &BuildArgs, config: &Config) -> anyhow::Result<Timestamp> {
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
fn salt_secret(config: &Config) -> Vec<u8> {
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

/// Runs `build`.
pub fn run(args: &BuildArgs) -> anyhow::Result<u8> {
    let (input, graph, diags) = load_linked(std::slice::from_ref(&args.input));
    print_diagnostics(&diags)?;
    let Some(config) = input.config.as_ref() else {
        bail!("{} is not an input directory with a valid institution.toml", args.input.display());
    };
    let signer = signer(args, config)?;
    let rendering = rendering(args)?;
    let assembler = Assembler::new(
        config,
        &input.records,
        &input.frameworks,
        &graph,
        signer.issuer_id.clone(),
        issue_date(args, config)?,
        salt_secret(config),
    );
    let mut manifest = Manifest {
        generator: format!("xtranscript {}", env!("CARGO_PKG_VERSION")),
        issued_at: assembler.issued_at,
        issuer: signer.issuer_id.clone(),
        verification_method: signer.verification_method.clone(),
        cryptosuites: signer.suites.iter().map(|s| s.cryptosuite().to_string()).collect(),
        demo_key: args.demo_key,
        inputs: input_entries(&args.input, &input.files)?,
        learners: Vec::new(),
        failures: Vec::new(),
    };
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for id in input.records.learners.keys() {
        let directory = export::safe_dir_name(id);
        if let Some(other) = taken.insert(directory.to_lowercase(), id.clone()) {
            let reason = format!(
                "its directory name {directory:?} collides with learner {other:?}'s on case-insensitive file systems"
            );
            eprintln!("xtranscript: error: learner {id:?} not built: {reason}");
            manifest.failures.push(Failure { id: id.clone(), reason });
            continue;
        }
        let Some(assembled) = assembler.learner(id) else { continue };
        let created = assembler.issued_at.to_string();
        let signed =
            sign_transcript(&assembled, &signer, &created).with_context(|| format!("signing learner {id:?}"))?;
        match write_learner(&args.out, &directory, &assembler, &assembled, &signed, &rendering)? {
            Ok(entry) => manifest.learners.push(entry),
            Err(reason) => {
                eprintln!("xtranscript: error: learner {id:?} not built: {reason}");
                manifest.failures.push(Failure { id: id.clone(), reason });
            }
        }
    }
    let manifest_path = args.out.join("manifest.json");
    export::write_atomic(&manifest_path, &manifest.to_bytes())
        .with_context(|| format!("writing {}", manifest_path.display()))?;
    eprintln!("xtranscript: built {} learner(s) into {}", manifest.learners.len(), args.out.display());
    Ok(if diags.has_errors() || !manifest.failures.is_empty() { EXIT_PROBLEMS } else { EXIT_OK })
}

/// Signs each nested credential, then the ClrCredential around them.
fn sign_transcript(assembled: &Assembled<'_>, signer: &Signer, created: &str) -> anyhow::Result<serde_json::Value> {
    let nested = assembled
        .nested
        .iter()
        .map(|c| signer.sign_credential(&serde_json::to_value(c)?, created).map_err(anyhow::Error::from))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(signer.sign_credential(&assembled.clr_with(nested), created)?)
}

/// Renders and writes one learner's files: the signed CLR, its PDF and HTML views.
/// The outer error is fatal (I/O); the inner one fails this learner only (rendering).
fn write_learner(
    out: &Path,
    directory: &str,
    assembler: &Assembler<'_>,
    assembled: &Assembled<'_>,
    signed: &serde_json::Value,
    rendering: &Rendering,
) -> anyhow::Result<Result<LearnerEntry, String>> {
    let mut bytes = serde_json::to_vec(signed)?;
    bytes.push(b'\n');
    let clr = file_entry(&format!("learners/{directory}/clr.json"), &bytes);
    let labels = rendering.templates.labels();
    let view = transcript_view(assembler, assembled, labels, Verification { clr_sha256: &clr.sha256 });
    let pdf = match render::pdf(&view, &rendering.fonts, rendering.templates.layout()) {
        Ok(pdf) => pdf,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let html = match render::html(&view, &rendering.templates) {
        Ok(html) => html.into_bytes(),
        Err(e) => return Ok(Err(e.to_string())),
    };
    let files = [
        (clr.path.clone(), &bytes),
        (format!("learners/{directory}/transcript.pdf"), &pdf),
        (format!("learners/{directory}/transcript.html"), &html),
    ];
    let mut entries = Vec::new();
    for (relative, data) in files {
        let path = out.join(&relative);
        export::write_atomic(&path, data).with_context(|| format!("writing {}", path.display()))?;
        entries.push(file_entry(&relative, data));
    }
    let mut counts = BTreeMap::new();
    for c in &assembled.nested {
        let kind = match c.credential_subject.achievement.achievement_type.as_str() {
            "Course" => "courses",
            "Competency" => "competencies",
            "ext:AcademicTerm" => "terms",
            "ext:AcademicRecord" => "summaries",
            _ => "awards",
        };
        *counts.entry(kind).or_insert(0) += 1;
    }
    counts.insert("credentials", assembled.nested.len() + 1);
    Ok(Ok(LearnerEntry { id: assembled.learner.id.clone(), directory: directory.to_string(), files: entries, counts }))
}

/// The inputs' hashes, paths relative to the input directory.
fn input_entries(root: &Path, files: &[PathBuf]) -> anyhow::Result<Vec<export::FileEntry>> {
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
            let relative = f.strip_prefix(root).unwrap_or(f).to_string_lossy().replace('\\', "/");
            Ok(file_entry(&relative, &bytes))
        })
        .collect()
}
