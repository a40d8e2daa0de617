//! `xtranscript bake`: a credential baked into a badge image by hand (OB 3.0 §5.3).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use xtranscript::export::{self, bake};
use xtranscript::ingest::files;
use xtranscript::sign::jose;

use super::EXIT_OK;

/// Arguments of `bake`.
#[derive(Debug, Args)]
pub struct BakeArgs {
    /// The badge image: PNG or SVG, at most 4 MiB, not yet baked.
    #[arg(value_name = "IMAGE")]
    image: PathBuf,
    /// The credential: its JSON (with an embedded proof) or its compact JWS (a .jwt file).
    #[arg(value_name = "CREDENTIAL")]
    credential: PathBuf,
    /// The baked image to write (its extension must be the image's: .png or .svg).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `bake`.
pub fn run(args: &BakeArgs) -> anyhow::Result<u8> {
    let image = files::read_limited(&args.image, bake::MAX_IMAGE_BYTES as u64)
        .with_context(|| format!("reading {}", args.image.display()))?;
    let credential = files::read_limited(&args.credential, jose::MAX_JWS_BYTES as u64)
        .with_context(|| format!("reading {}", args.credential.display()))?;
    let Ok(credential) = String::from_utf8(credential) else {
        bail!("{}: not UTF-8 text (a credential is JSON or a compact JWS)", args.credential.display())
    };
    // One credential, as a strict JSON object or a compact JWS: nothing else is baked.
    if !jose::is_compact_jws(&credential) {
        match xtranscript::ingest::json::parse_slice(credential.as_bytes()) {
            Ok(serde_json::Value::Object(_)) => {}
            Ok(_) => bail!("{}: not a JSON object", args.credential.display()),
            Err(e) => bail!("{}: neither a compact JWS nor strict JSON: {e}", args.credential.display()),
        }
    }
    let kind =
        bake::kind_of(&image).ok_or(bake::BakeError::NotAnImage).with_context(|| args.image.display().to_string())?;
    let extension = args.out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if extension.as_deref() != Some(kind.extension()) {
        bail!(
            "--out {}: a baked {} image is written to a .{} file",
            args.out.display(),
            kind.extension().to_uppercase(),
            kind.extension()
        );
    }
    let (_, baked) = bake::bake(&image, &credential).with_context(|| args.image.display().to_string())?;
    export::write_atomic(&args.out, &baked).with_context(|| format!("writing {}", args.out.display()))?;
    writeln!(std::io::stdout().lock(), "baked {} ({} bytes)", args.out.display(), baked.len())?;
    Ok(EXIT_OK)
}
