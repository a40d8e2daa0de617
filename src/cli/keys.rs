//! `xtranscript keygen` and `xtranscript did-document`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use xtranscript::ingest::CONFIG_FILE;
use xtranscript::issuer;
use xtranscript::sign::jose::{self, JwtKey};
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
    /// The key's algorithm: ed25519 (Data Integrity proofs and EdDSA JWTs; Multikey file), p256 (ES256 JWTs)
    /// or rsa (RS256 JWTs); p256 and rsa keys are PKCS#8 PEM files, for `build --jwt-key`.
    #[arg(long, value_enum, default_value = "ed25519")]
    alg: KeyAlg,
    /// The RSA modulus size (with --alg rsa).
    #[arg(long, value_name = "BITS", default_value = "3072", value_parser = parse_rsa_bits)]
    bits: usize,
}

/// Key algorithms of `keygen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyAlg {
    /// Ed25519.
    Ed25519,
    /// ECDSA P-256.
    P256,
    /// RSA.
    Rsa,
}

fn parse_rsa_bits(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(bits) if jose::RSA_KEYGEN_BITS.contains(&bits) => Ok(bits),
        _ => Err(format!("{text:?}: RSA keys are made with {:?} bits", jose::RSA_KEYGEN_BITS)),
    }
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
    /// A JWT key (`build --jwt-key`) to list too, as a JsonWebKey named by its JWK thumbprint (repeatable).
    #[arg(long, value_name = "FILE")]
    jwt_key: Vec<PathBuf>,
}

/// A new key from the operating system's randomness (the edge).
pub fn random_key() -> anyhow::Result<SecretKey> {
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
    Ok(SecretKey::from_seed(&seed))
}

/// The operating system's randomness as the random generator the `rsa` crate asks for (the edge).
struct SystemRandom;

impl rsa::rand_core::TryRng for SystemRandom {
    type Error = std::io::Error;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        getrandom::fill(dst).map_err(|e| std::io::Error::other(format!("no randomness from the operating system: {e}")))
    }
}

impl rsa::rand_core::TryCryptoRng for SystemRandom {}

/// A new P-256 or RSA key from the operating system's randomness.
fn random_jwt_key(alg: KeyAlg, bits: usize) -> anyhow::Result<JwtKey> {
    match alg {
        KeyAlg::Ed25519 => Ok(JwtKey::Ed25519(random_key()?)),
        KeyAlg::P256 => loop {
            let mut scalar = zeroize::Zeroizing::new([0u8; 32]);
            getrandom::fill(scalar.as_mut())
                .map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
            // A 32-byte string is a valid scalar unless it is 0 or ≥ the group order (odds below 2^-32).
            if let Ok(key) = p256::ecdsa::SigningKey::from_slice(scalar.as_ref()) {
                return Ok(JwtKey::P256(key));
            }
        },
        KeyAlg::Rsa => {
            let key = rsa::PrivateKey::new(&mut SystemRandom, bits)
                .map_err(|e| anyhow::anyhow!("RSA key generation: {e}"))?;
            Ok(JwtKey::Rsa(Box::new(key)))
        }
    }
}

/// Reads a JWT key file: PKCS#8 PEM (P-256, RSA) or Ed25519 (its error never shows the secret).
pub fn load_jwt_key(path: &Path) -> anyhow::Result<JwtKey> {
    let text = zeroize::Zeroizing::new(read_key_text(path)?);
    issuer::read_jwt_key_file(&text).with_context(|| format!("key file {}", path.display()))
}

/// A key file's text: a regular file of at most 1 MiB (as every settings file), UTF-8.
fn read_key_text(path: &Path) -> anyhow::Result<String> {
    let bytes = xtranscript::ingest::files::read_limited(path, xtranscript::ingest::files::MAX_SETTINGS_BYTES)
        .with_context(|| format!("reading key file {}", path.display()))?;
    String::from_utf8(bytes).with_context(|| format!("key file {} is not UTF-8", path.display()))
}

/// Reads a key file (its error never shows the secret).
pub fn load_key(path: &Path) -> anyhow::Result<SecretKey> {
    let text = zeroize::Zeroizing::new(read_key_text(path)?);
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
    if args.alg != KeyAlg::Ed25519 {
        let key = random_jwt_key(args.alg, args.bits)?;
        let pem = key.to_pkcs8_pem().ok_or_else(|| anyhow::anyhow!("the key has no PKCS#8 form"))?;
        write_private(&args.out, pem.as_bytes())?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "wrote {} (PKCS#8 PEM, keep it private; sign JWTs with build --jwt-key)", args.out.display())?;
        writeln!(out, "alg                {}", key.alg().name())?;
        writeln!(out, "JWK thumbprint     {}", jose::thumbprint(&key.public_key()))?;
        writeln!(out, "public JWK         {}", key.public_jwk())?;
        if let Some(did) = key.did_key() {
            writeln!(out, "did:key            {did}")?;
        }
        return Ok(EXIT_OK);
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
    let jwt_keys =
        args.jwt_key.iter().map(|p| load_jwt_key(p).map(|k| k.public_key())).collect::<Result<Vec<_>, _>>()?;
    let doc = issuer::did_document_with_jwt_keys(&config, &load_key(&key_path)?, &jwt_keys)?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    Ok(EXIT_OK)
}
