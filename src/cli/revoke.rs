//! `xtranscript revoke|suspend|reinstate OUT --learner ID [--credential ID] --reason TEXT`: set or clear
//! status bits of credentials a build issued, append the change to the registry, re-sign the lists. The
//! rules are [`xtranscript::status::change`]; the files, [`super::status_store`].

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use serde_json::Value;
use xtranscript::export::Manifest;
use xtranscript::issuer::Signer;
use xtranscript::model::Timestamp;
use xtranscript::sign::{self, Suite};
use xtranscript::status::change::plan_change;
use xtranscript::status::list::{MAX_LIST_FILE_BYTES, read_list_json};
use xtranscript::status::registry::Change;

use super::EXIT_OK;
use super::keys::load_key;
use super::status_store::{CHANGES_REGISTRY, StatusDir};

/// Arguments of `revoke`, `suspend` and `reinstate`.
#[derive(Debug, Args)]
pub struct StatusChangeArgs {
    /// The output directory of the build that issued the credentials.
    #[arg(value_name = "OUT")]
    out: PathBuf,
    /// The learner whose credentials change (all of them, unless --credential).
    #[arg(long, value_name = "ID")]
    learner: String,
    /// Only this credential (its id); revoking a nested credential revokes the learner's CLR too.
    #[arg(long, value_name = "ID")]
    credential: Option<String>,
    /// Why (kept in the registry).
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// The issuer's signing key, to sign the lists again (the key that signed the build).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The time of the change and of the lists' new proofs (RFC 3339; default: now).
    #[arg(long, value_name = "DATETIME")]
    at: Option<String>,
}

/// Runs `revoke` (`Change::Revoked`), `suspend` or `reinstate`.
pub fn run(args: &StatusChangeArgs, change: Change) -> anyhow::Result<u8> {
    if args.reason.trim().is_empty() {
        bail!("--reason is empty: say why (it is kept in the registry)");
    }
    let at = match &args.at {
        Some(text) => Timestamp::parse(text).with_context(|| format!("--at {text:?} is not an RFC 3339 date-time"))?,
        None => Timestamp::from_unix(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        ),
    }
    .to_string();
    let signer = signer(args)?;
    let dir = StatusDir::new(&args.out);
    let _lock = dir.lock()?;
    let registry = dir.read_registry()?;
    let planned = plan_change(&registry, &args.learner, args.credential.as_deref(), change, &at, args.reason.trim())?;
    // The registry first: a kill before the lists are written is finished by the same command again.
    dir.append(CHANGES_REGISTRY, &planned.events)?;
    let registry = dir.read_registry()?;
    let mut names = BTreeSet::new();
    let mut base_url = None;
    for list in &planned.lists {
        base_url = Some(list_base_url(&dir, list, &signer)?);
        names.insert(list.clone());
    }
    let Some(base_url) = base_url else { bail!("nothing to change") };
    let written = dir.publish(&registry, &names, &base_url, &signer, &at)?;
    let mut out = std::io::stdout().lock();
    let verb = match change {
        Change::Revoked => "revoked",
        Change::Suspended => "suspended",
        Change::Reinstated => "reinstated",
    };
    for id in &planned.changed {
        writeln!(out, "{verb} {id}")?;
    }
    for id in &planned.unchanged {
        writeln!(out, "already {verb}: {id}")?;
    }
    for path in written {
        writeln!(out, "signed {}", path.display())?;
    }
    // The published site follows, still under the lock (its lists and pages come from OUT).
    let published = super::publish::republish(&args.out, &args.learner, &signer.key).context(
        "the status lists in OUT changed but the site could not be updated: run `xtranscript publish` again",
    )?;
    if let Some(summary) = published {
        writeln!(out, "{summary}")?;
    }
    Ok(EXIT_OK)
}

/// The signer of the build: its issuer and verification method from a manifest of OUT, with `--key`.
fn signer(args: &StatusChangeArgs) -> anyhow::Result<Signer> {
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(&args.out)
        .with_context(|| format!("reading {}", args.out.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("manifest") && n.ends_with(".json"))
        })
        .collect();
    manifests.sort();
    let Some(path) = manifests.first() else {
        bail!("{} has no manifest: not the output directory of a build", args.out.display());
    };
    let manifest = Manifest::from_bytes(&super::out_files::read(path, super::out_files::MAX_MANIFEST_BYTES)?)
        .with_context(|| format!("{} is not a manifest", path.display()))?;
    let key = load_key(&args.key)?;
    if manifest.verification_method.starts_with("did:key:")
        && manifest.verification_method != key.did_key_verification_method()
    {
        bail!("--key {} is not the key that signed {}", args.key.display(), path.display());
    }
    Ok(Signer {
        key,
        issuer_id: manifest.issuer,
        verification_method: manifest.verification_method,
        suites: vec![Suite::EddsaRdfc2022],
    })
}

/// The base URL of the lists, from the published list `name` (its `id` is `base_url` + `name.json`); its proof
/// must verify with the signer's key (the key that signed the build).
fn list_base_url(dir: &StatusDir, name: &str, signer: &Signer) -> anyhow::Result<String> {
    let revocation = name.replacen("suspension-", "revocation-", 1);
    let path = dir.path(&format!("{revocation}.json"));
    let bytes = super::out_files::read(&path, MAX_LIST_FILE_BYTES as u64)
        .context("run the build again to finish writing its lists")?;
    let list = read_list_json(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let public = signer.key.public_key();
    if sign::verify(&list, &|_| Some(public)).is_err() {
        bail!("{} does not verify with --key: use the key that signed the build", path.display());
    }
    let id = list.get("id").and_then(Value::as_str).unwrap_or_default();
    match id.strip_suffix(&format!("{revocation}.json")) {
        Some(base) if !base.is_empty() => Ok(base.to_string()),
        _ => bail!("{}: its id {id:?} does not end with {revocation}.json", path.display()),
    }
}
