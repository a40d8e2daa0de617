//! `xtranscript keygen` and `xtranscript did-document`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use xtranscript::ingest::CONFIG_FILE;
use xtranscript::issuer;
use xtranscript::sign::{self, SecretKey};

use super::EXIT_OK;

/// Arguments of `keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the new key (mode 0600).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Replace an existing key file.
    #[arg(long)]
    force: bool,
}

/// Arguments of `did-document`.
#[derive(Debug, Args)]
pub struct DidDocumentArgs {
    /// The input directory (its institution.toml names the did:web DID, the key and retired keys).
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// The current signing key (default: institution.key_file).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
}

/// A new key from the operating system's randomness (the edge).
pub fn random_key() -> anyhow::Result<SecretKey> {
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
    Ok(SecretKey::from_seed(&seed))
}

/// Reads a key file (its error never shows the secret).
pub fn load_key(path: &Path) -> anyhow::Result<SecretKey> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading key file {}", path.display()))?;
    issuer::read_key_file(&text).with_context(|| format!("key file {}", path.display()))
}

/// Runs `keygen`.
pub fn run_keygen(args: &KeygenArgs) -> anyhow::Result<u8> {
    if args.out.exists() && !args.force {
        bail!(
            "{} exists; pass --force to replace it (transcripts it signed will then need its public key as a retired key)",
            args.out.display()
        );
    }
    let key = random_key()?;
    write_private(&args.out, issuer::key_file_text(&key).as_bytes())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "wrote {} (keep it private)", args.out.display())?;
    writeln!(out, "did:key            {}", key.did_key())?;
    writeln!(out, "public key         {}", sign::public_key_multibase(&key.public_key()))?;
    writeln!(out, "verification method {}", key.did_key_verification_method())?;
    Ok(EXIT_OK)
}

/// Writes a file readable by its owner only, atomically (temp file + rename).
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.tmp", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let _ = std::fs::remove_file(&tmp);
    let mut file = options.open(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Runs `did-document`.
pub fn run_did_document(args: &DidDocumentArgs) -> anyhow::Result<u8> {
    let config_path = args.input.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&config_path).with_context(|| format!("reading {}", config_path.display()))?;
    let mut diags = xtranscript::diag::Diagnostics::new();
    let Some(config) = xtranscript::config::Config::parse(&text, &config_path, &mut diags) else {
        super::report::print_diagnostics(&diags)?;
        bail!("{} is not valid", config_path.display());
    };
    let key_path = args.key.clone().or_else(|| config.institution.key_file.as_ref().map(|k| args.input.join(k)));
    let Some(key_path) = key_path else { bail!("no key: pass --key FILE or set institution.key_file") };
    let doc = issuer::did_document(&config, &load_key(&key_path)?)?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    Ok(EXIT_OK)
}
