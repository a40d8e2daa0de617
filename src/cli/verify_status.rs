//! `verify`'s status options: where the status list credentials come from. The check itself is
//! [`xtranscript::status::StatusLists::check`].

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use serde_json::Value;
use xtranscript::model::Timestamp;
use xtranscript::sign::VerifyingKey;
use xtranscript::status::list::{MAX_LIST_FILE_BYTES, read_list_json};
use xtranscript::status::{StatusLists, StatusOptions};

/// The most status list files read from one `--status-dir`.
const MAX_DIR_LISTS: usize = 10_000;

/// Where `verify` finds status lists (nothing is fetched).
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The status list credential served at URL is FILE, whatever FILE's own id (repeatable; split at the
    /// last `=`).
    #[arg(long = "status-list", value_name = "URL=FILE")]
    lists: Vec<String>,
    /// Every *.json file directly in DIR is a status list credential served at its own `id` (as build writes
    /// OUT/status/). `--status-list` wins for the same URL.
    #[arg(long = "status-dir", value_name = "DIR")]
    dir: Option<PathBuf>,
    /// A credentialStatus that cannot be checked (list not given, unsupported type) is a FAIL, not a note.
    #[arg(long)]
    require_status: bool,
    /// Accept a status list whose issuer is not the credential's (the REC allows it); said in the output.
    #[arg(long)]
    no_status_issuer_check: bool,
}

impl StatusArgs {
    /// The status check's options, with the credential's key resolver, time and key-controller check.
    pub fn options<'a>(
        &self,
        resolve: &'a dyn Fn(&str) -> Option<VerifyingKey>,
        now: Timestamp,
        controller_check: bool,
    ) -> StatusOptions<'a> {
        StatusOptions {
            resolve,
            now,
            require_status: self.require_status,
            issuer_check: !self.no_status_issuer_check,
            controller_check,
        }
    }

    /// Reads the lists named by the options.
    pub fn load(&self) -> anyhow::Result<StatusLists> {
        let mut lists = StatusLists::default();
        if let Some(dir) = &self.dir {
            for (url, list) in dir_lists(dir)? {
                lists.insert(url, list);
            }
        }
        for pair in &self.lists {
            let Some((url, file)) = pair.rsplit_once('=').filter(|(u, f)| !u.is_empty() && !f.is_empty()) else {
                bail!("--status-list {pair:?} is not URL=FILE");
            };
            lists.insert(url.to_string(), read(&PathBuf::from(file))?);
        }
        Ok(lists)
    }
}

/// The lists of a `--status-dir`, each at its `id`; two files with one `id` are refused.
fn dir_lists(dir: &PathBuf) -> anyhow::Result<Vec<(String, Value)>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading --status-dir {}", dir.display()))? {
        let path = entry.with_context(|| format!("reading --status-dir {}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            paths.push(path);
        }
        if paths.len() > MAX_DIR_LISTS {
            bail!("--status-dir {} has more than {MAX_DIR_LISTS} JSON files", dir.display());
        }
    }
    paths.sort();
    let mut seen = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for path in paths {
        let list = read(&path)?;
        let Some(id) = list.get("id").and_then(Value::as_str).map(String::from) else {
            bail!("{} has no string id: give it with --status-list URL=FILE", path.display());
        };
        if let Some(first) = seen.insert(id.clone(), path.clone()) {
            bail!("{} and {} both have the id {id}", first.display(), path.display());
        }
        out.push((id, list));
    }
    Ok(out)
}

/// One status list file, at most `MAX_LIST_FILE_BYTES`.
fn read(path: &std::path::Path) -> anyhow::Result<Value> {
    let bytes = super::out_files::read(path, MAX_LIST_FILE_BYTES as u64)?;
    read_list_json(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
