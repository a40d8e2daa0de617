//! `xtranscript publish OUT --site DIR`: the static site a registrar uploads (verification pages, status lists,
//! DID document), made by [`xtranscript::export::site`] from what a build wrote into OUT. Also the step `build`
//! runs at its end (`[site] dir`) and `revoke`/`suspend`/`reinstate` run after changing a list.
//!
//! Writing: each file is written atomically (a temporary file beside it, then renamed) and only when its bytes
//! changed, all files of a run renamed together; then pages and lists that are no longer issued are removed.
//! A web server serving DIR directly never sees a half-written file or a missing site, and a killed run is
//! finished by running it again.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use serde_json::Value;
use xtranscript::config::{Config, locate};
use xtranscript::diag::{Code, Diagnostics, Origin};
use xtranscript::export::site::{self, Record, SiteContent, SiteLayout, SiteSecret};
use xtranscript::export::{self, Manifest};
use xtranscript::ingest::{CONFIG_FILE, files};
use xtranscript::sign::{SecretKey, jose};
use xtranscript::status::Bitstring;
use xtranscript::status::list::{list_content, read_list_json};

use super::EXIT_OK;

/// The file in OUT that remembers where its site is (for `revoke`): the input and site directories, no secret.
pub const SITE_STATE: &str = ".xtranscript-site.json";

/// The largest clr.json or status list read.
const MAX_CREDENTIAL_BYTES: u64 = 64 << 20;

/// Arguments of `publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The output directory of a build (its manifest.json, learners and status lists).
    #[arg(value_name = "OUT")]
    out: PathBuf,
    /// Where to write the site (default: `[site] dir` of institution.toml, relative to the input directory).
    #[arg(long, value_name = "DIR")]
    site: Option<PathBuf>,
    /// The build's input directory (its institution.toml); default: the one the last build or publish into
    /// OUT recorded.
    #[arg(long, value_name = "INPUT")]
    input: Option<PathBuf>,
    /// The signing key, for the DID document of a did:web issuer (default: institution.key_file).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
}

/// Runs `publish`.
pub fn run(args: &PublishArgs) -> anyhow::Result<u8> {
    let state = read_state(&args.out);
    let Some(input) = args.input.clone().or_else(|| state.as_ref().map(|s| s.0.clone())) else {
        bail!("give --input INPUT: the input directory {} was built from", args.out.display());
    };
    let config = load_config(&input)?;
    let site_dir = match (&args.site, config.site.as_ref().and_then(|s| s.dir.as_ref())) {
        (Some(dir), _) => dir.clone(),
        (None, Some(dir)) => input.join(dir),
        (None, None) => bail!("give --site DIR, or set [site] dir in {}", input.join(CONFIG_FILE).display()),
    };
    let key_path = args.key.clone().or_else(|| config.institution.key_file.as_ref().map(|k| input.join(k)));
    let key = key_path.as_deref().map(super::keys::load_key).transpose()?;
    let summary = publish(&args.out, &input, &config, &site_dir, key.as_ref(), None)?;
    writeln!(std::io::stdout().lock(), "{summary}")?;
    Ok(EXIT_OK)
}

/// Reads and checks `INPUT/institution.toml` (its problems printed).
pub fn load_config(input: &Path) -> anyhow::Result<Config> {
    let path = input.join(CONFIG_FILE);
    let bytes =
        files::read_limited(&path, files::MAX_SETTINGS_BYTES).with_context(|| format!("reading {}", path.display()))?;
    let mut diags = Diagnostics::new();
    let config = Config::parse(&String::from_utf8_lossy(&bytes), &path, &mut diags);
    super::report::print_diagnostics(&diags)?;
    config.with_context(|| format!("{} is not valid", path.display()))
}

/// The site secret of a run: `XTRANSCRIPT_SITE_SECRET`, else `[site] secret_file`, else (for a run signed with a
/// demo key whose verification method is `demo`) the demo secret, said loudly. Problems go to `diags` (XT0801;
/// XT0607 for a file others may read); `None` when there is no usable secret.
pub fn site_secret(input: &Path, config: &Config, demo: Option<&str>, diags: &mut Diagnostics) -> Option<SiteSecret> {
    let config_path = input.join(CONFIG_FILE);
    let setting = config.site.as_ref().and_then(|s| s.secret_file.as_ref());
    let place = || {
        let text = files::read_limited(&config_path, files::MAX_SETTINGS_BYTES).unwrap_or_default();
        locate(&String::from_utf8_lossy(&text), &config_path, "secret_file")
    };
    let help = "make one with `openssl rand -base64 32 > site.secret && chmod 600 site.secret` and name it with [site] secret_file (or set XTRANSCRIPT_SITE_SECRET)";
    let (text, origin) = if let Ok(text) = std::env::var(site::SECRET_ENV) {
        (text, Origin::file(site::SECRET_ENV))
    } else if let Some(file) = setting {
        let path = input.join(file);
        match files::read_limited(&path, files::MAX_SETTINGS_BYTES) {
            Ok(bytes) => {
                warn_if_shared(&path, place(), diags);
                (String::from_utf8_lossy(&bytes).into_owned(), place())
            }
            Err(e) => {
                diags.error(Code::SiteSecret, place(), format!("site secret file {}: {e}", path.display())).help(help);
                return None;
            }
        }
    } else if let Some(method) = demo {
        eprintln!(
            "xtranscript: WARNING: --demo-key: no site secret; the verification pages' tokens derive from the demo key, so anyone holding a credential of this run can compute them. NOT for a real site."
        );
        return Some(SiteSecret::demo(method));
    } else {
        diags
            .error(
                Code::SiteSecret,
                Origin::file(&config_path),
                "[site] is set but there is no site secret: the verification pages' addresses need one (only a --demo-key build derives a demo secret)",
            )
            .help(help);
        return None;
    };
    match SiteSecret::parse(&text) {
        Ok(secret) => Some(secret),
        Err(e) => {
            diags.error(Code::SiteSecret, origin, e.to_string()).help(help);
            None
        }
    }
}

/// Warns when others than the owner may read or write the secret file (Unix permissions), as for key files.
fn warn_if_shared(path: &Path, origin: Origin, diags: &mut Diagnostics) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
        if mode & 0o077 != 0 {
            diags
                .warning(
                    Code::KeyPermissions,
                    origin,
                    format!("site secret file {} has mode {mode:o}: others than its owner may read it", path.display()),
                )
                .help(format!("chmod 600 {}", path.display()));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, origin, diags);
}

/// `OUT/.xtranscript-site.json`: the input directory and site directory recorded by the last publish.
fn read_state(out: &Path) -> Option<(PathBuf, PathBuf)> {
    let bytes = files::read_limited(&out.join(SITE_STATE), files::MAX_SETTINGS_BYTES).ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    Some((PathBuf::from(value.get("input")?.as_str()?), PathBuf::from(value.get("site")?.as_str()?)))
}

/// Publishes the site of OUT again (after `revoke` changed a list): at `[site] dir`, else where the last
/// `publish` wrote it; `None` when OUT has never been published.
/// Only `learner`'s pages are made again (with the lists, the index, robots.txt and did.json): revoking one
/// learner does not read every other CLR.
pub fn republish(out: &Path, learner: &str, key: &SecretKey) -> anyhow::Result<Option<String>> {
    let Some((input, last_site)) = read_state(out) else { return Ok(None) };
    let config = load_config(&input)?;
    // `[site] dir` when configured (what `build` publishes), else where `publish --site` last wrote.
    let site_dir = config.site.as_ref().and_then(|s| s.dir.as_ref()).map_or(last_site, |dir| input.join(dir));
    publish(out, &input, &config, &site_dir, Some(key), Some(learner)).map(Some)
}

/// Makes the site of OUT (built from `input`, whose settings are `config`) in `site_dir`; with `only`, the pages
/// of that learner alone (and nothing removed). Returns a summary.
pub fn publish(
    out: &Path,
    input: &Path,
    config: &Config,
    site_dir: &Path,
    key: Option<&SecretKey>,
    only: Option<&str>,
) -> anyhow::Result<String> {
    let manifest_path = out.join("manifest.json");
    let bytes = files::read_limited(&manifest_path, MAX_CREDENTIAL_BYTES).with_context(|| {
        format!("reading {} (a sharded run is published once its manifests are merged)", manifest_path.display())
    })?;
    let manifest =
        Manifest::from_bytes(&bytes).with_context(|| format!("{} is not a manifest", manifest_path.display()))?;
    let Some(verification_url) = config.transcript.verification_url.as_deref().filter(|_| config.site.is_some()) else {
        bail!(
            "{} has no [site] with [transcript] verification_url: there is no site to publish",
            input.join(CONFIG_FILE).display()
        );
    };
    let mut diags = Diagnostics::new();
    let demo = manifest.demo_key.then_some(manifest.verification_method.as_str());
    let secret = site_secret(input, config, demo, &mut diags);
    super::report::print_diagnostics(&diags)?;
    let Some(secret) = secret else { bail!("no usable site secret (XT0801)") };
    let layout = SiteLayout::new(verification_url, config.status.base_url.as_deref(), &manifest.issuer)?;
    let (lists, bits) = status_lists(out, config.status.base_url.as_deref())?;
    let mut pages = Vec::new();
    for learner in manifest.learners.iter().filter(|l| only.is_none_or(|id| l.id == id)) {
        let file = |name: &str| learner.files.iter().find(|f| f.path.rsplit('/').next() == Some(name));
        let Some(clr) = file("clr.json") else { continue };
        let bytes = files::read_limited(&out.join(&clr.path), MAX_CREDENTIAL_BYTES)
            .with_context(|| format!("reading {}", out.join(&clr.path).display()))?;
        if export::hex_sha256(&bytes) != clr.sha256 {
            bail!(
                "{} is not the file the manifest lists: build again before publishing",
                out.join(&clr.path).display()
            );
        }
        let mut sha256 = BTreeMap::from([("clr.json".to_string(), clr.sha256.clone())]);
        if let Some(pdf) = file("transcript.pdf") {
            sha256.insert("transcript.pdf".to_string(), pdf.sha256.clone());
        }
        pages.push(page(&bytes, sha256, &bits, &secret).with_context(|| format!("{}", out.join(&clr.path).display()))?);
    }
    // CLRs a rebuild superseded (revoked and re-issued): their QR codes still lead to a page, which says so.
    // Learners withdrawn from a later run (gone from a partial export) keep theirs too: their credentials were
    // not revoked, and the page checks their status like any other.
    let only_dir = only.map(export::safe_dir_name);
    let mut earlier = superseded_dirs(&out.join("superseded"), only_dir.as_deref());
    earlier.extend(withdrawn_dirs(&out.join("withdrawn"), only_dir.as_deref()));
    for dir in earlier {
        let Ok(bytes) = files::read_limited(&dir.join("clr.json"), MAX_CREDENTIAL_BYTES) else { continue };
        let mut sha256 = BTreeMap::from([("clr.json".to_string(), export::hex_sha256(&bytes))]);
        if let Ok(pdf) = files::read_limited(&dir.join("transcript.pdf"), MAX_CREDENTIAL_BYTES) {
            sha256.insert("transcript.pdf".to_string(), export::hex_sha256(&pdf));
        }
        if let Ok(p) = page(&bytes, sha256, &bits, &secret) {
            pages.push(p);
        }
    }
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    pages.dedup_by(|a, b| a.0 == b.0);
    let did_document = match (&layout.did, key) {
        (Some(_), Some(key)) => {
            // The DID document must name the key that signed OUT: its lists' proofs verify with it.
            let public = key.public_key();
            for (name, bytes) in &lists {
                let list = read_list_json(bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
                if xtranscript::sign::verify(&list, &|_| Some(public)).is_err() {
                    bail!(
                        "the key given for did.json did not sign {}: use the key that signed the build",
                        out.join("status").join(name).display()
                    );
                }
            }
            let jwt_keys = manifest_jwt_keys(&manifest)?;
            let doc = xtranscript::issuer::did_document_with_jwt_keys(config, key, &jwt_keys)?;
            let mut doc = serde_json::to_vec_pretty(&doc)?;
            doc.push(b'\n');
            Some(doc)
        }
        (Some(path), None) => {
            eprintln!("xtranscript: warning: no key (--key or institution.key_file): /{path} not written");
            None
        }
        (None, _) => None,
    };
    let content = SiteContent {
        layout: &layout,
        institution: &config.institution.name,
        pages: &pages,
        lists: &lists,
        did_document: did_document.as_deref(),
    };
    let files = site::site_files(&content);
    let (written, removed) = write_site(site_dir, &files, &layout, only.is_none())?;
    let state = serde_json::json!({ "input": absolute(input), "site": absolute(site_dir) });
    export::write_atomic(&out.join(SITE_STATE), format!("{state:#}\n").as_bytes())?;
    let did = if did_document.is_some() { ", the DID document" } else { "" };
    Ok(match only {
        Some(id) => format!(
            "updated the site in {}: {} page(s) of learner {id:?}, {} status list(s){did} ({written} file(s) written)",
            site_dir.display(),
            pages.len(),
            lists.len()
        ),
        None => format!(
            "published {} verification page(s), {} status list(s){did} to {} ({written} file(s) written, {removed} removed)",
            pages.len(),
            lists.len(),
            site_dir.display()
        ),
    })
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).to_string_lossy().into_owned()
}

/// The token and record of the page of a signed CLR's bytes.
fn page(
    bytes: &[u8],
    sha256: BTreeMap<String, String>,
    bits: &BTreeMap<String, Bitstring>,
    secret: &SiteSecret,
) -> anyhow::Result<(String, Record)> {
    let clr: Value = xtranscript::ingest::json::parse_slice(bytes).context("not JSON")?;
    let id = clr.get("id").and_then(Value::as_str).context("the CLR has no id")?;
    let record = site::record_of(&clr, sha256, bits).context("not a CLR")?;
    Ok((site::token(secret, id), record))
}

/// The status lists of `OUT/status/` published at `base_url` (file name and bytes), and their bits by URL.
type Lists = (Vec<(String, Vec<u8>)>, BTreeMap<String, Bitstring>);

fn status_lists(out: &Path, base_url: Option<&str>) -> anyhow::Result<Lists> {
    let (mut lists, mut bits) = (Vec::new(), BTreeMap::new());
    let Some(base_url) = base_url else { return Ok((lists, bits)) };
    let dir = out.join("status");
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    paths.retain(|p| p.extension().is_some_and(|e| e == "json"));
    paths.sort();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes =
            files::read_limited(&path, MAX_CREDENTIAL_BYTES).with_context(|| format!("reading {}", path.display()))?;
        let list = read_list_json(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let content = list_content(&list).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let url = format!("{base_url}{name}");
        if content.id.as_deref() != Some(url.as_str()) {
            bail!("{}: its id is not {url}", path.display());
        }
        bits.insert(url, content.bits);
        lists.push((name, bytes));
    }
    Ok((lists, bits))
}

/// The JWT key the manifest records (`build --jwt-key`), for the DID document: its public JWK, which must be the
/// key its `kid` names (`<did>#<RFC 7638 thumbprint>`).
fn manifest_jwt_keys(manifest: &Manifest) -> anyhow::Result<Vec<jose::PublicKey>> {
    let Some(entry) = &manifest.jwt_key else { return Ok(Vec::new()) };
    let key = jose::key_from_jwk(&entry.public_jwk).map_err(|e| anyhow::anyhow!("the manifest's jwtKey: {e}"))?;
    let did = entry.kid.split('#').next().unwrap_or_default();
    if xtranscript::issuer::jwt_key_id(did, &key) != entry.kid || did != manifest.issuer {
        bail!("the manifest's jwtKey is not the key {} names: build again before publishing", entry.kid);
    }
    Ok(vec![key])
}

/// The directories in `dir` (none when it cannot be read).
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect()).unwrap_or_default()
}

/// Every `OUT/withdrawn/<learner>/` directory (the learner directory `learner` only, when given).
fn withdrawn_dirs(root: &Path, learner: Option<&str>) -> Vec<PathBuf> {
    let mut dirs = match learner {
        Some(name) => vec![root.join(name)].into_iter().filter(|d| d.is_dir()).collect(),
        None => subdirs(root),
    };
    dirs.sort();
    dirs
}

/// Every `OUT/superseded/<learner>/<n>/` directory (of the learner directory `learner` only, when given).
fn superseded_dirs(root: &Path, learner: Option<&str>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = withdrawn_dirs(root, learner).iter().flat_map(|learner| subdirs(learner)).collect();
    dirs.sort();
    dirs
}

/// Writes the site's files into `dir` (those whose bytes changed, all renamed together), then removes the page
/// directories and status lists it no longer has. Returns how many files were written and removed.
fn write_site(
    dir: &Path,
    files: &[site::SiteFile],
    layout: &SiteLayout,
    remove_stale: bool,
) -> anyhow::Result<(usize, usize)> {
    let targets: Vec<(PathBuf, &[u8])> = files.iter().map(|(p, b)| (dir.join(p), b.as_slice())).collect();
    let changed: Vec<(&Path, &[u8])> = targets
        .iter()
        // Read back only a regular file of the same size (never a FIFO, never more than the new bytes).
        .filter(|(path, bytes)| {
            let same_size = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
            !same_size || std::fs::read(path).map_or(true, |old| old != *bytes)
        })
        .map(|(p, b)| (p.as_path(), *b))
        .collect();
    export::write_all_atomic(&changed).with_context(|| format!("writing the site in {}", dir.display()))?;
    let keep: BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let mut removed = 0;
    if !remove_stale {
        return Ok((changed.len(), removed));
    }
    let verify = dir.join(&layout.verify);
    for entry in std::fs::read_dir(&verify).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !keep.contains(format!("{}index.html", layout.page_dir(&name)).as_str()) {
            std::fs::remove_dir_all(entry.path()).with_context(|| format!("removing {}", entry.path().display()))?;
            removed += 1;
        }
    }
    if let Some(status) = &layout.status {
        for entry in std::fs::read_dir(dir.join(status)).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !keep.contains(format!("{status}{name}").as_str()) {
                std::fs::remove_file(entry.path()).with_context(|| format!("removing {}", entry.path().display()))?;
                removed += 1;
            }
        }
    }
    Ok((changed.len(), removed))
}
