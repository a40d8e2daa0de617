//! `verify --online`: status lists and did:web documents fetched over HTTPS ([`xtranscript::net`]) when, and
//! only when, the flag is given. A list or document that cannot be fetched is said, never skipped in silence.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::bail;
use clap::Args;
use serde_json::Value;
use xtranscript::ingest::json::{self, Limits};
use xtranscript::issuer::keys_of_did_document;
use xtranscript::net::{FetchOptions, Fetcher, did_web_url};
use xtranscript::sign::VerifyingKey;
use xtranscript::status::list::read_list_json;
use xtranscript::status::{ListSource, StatusLists};

/// The most did:web documents fetched in one run.
const MAX_DID_DOCUMENTS: usize = 64;

/// `verify`'s network options.
#[derive(Debug, Args)]
pub struct OnlineArgs {
    /// Fetch over HTTPS the status lists not given (`--status-list`, `--status-dir`) and the DID documents of
    /// did:web keys not given (`--did-doc`): 15 s per fetch, at most 3 redirects (HTTPS to HTTPS only), bodies
    /// within --max-size. Without it, nothing is fetched.
    #[arg(long)]
    online: bool,
    /// For tests only: with --online, requests for https://HOST/… go over plain HTTP to ADDR, which must be a
    /// loopback address (e.g. registrar.example.edu=127.0.0.1:8080). Repeatable.
    #[arg(long = "insecure-loopback-http", value_name = "HOST=ADDR", hide = true)]
    loopback: Vec<String>,
}

/// What `--online` fetches through, shared by the key resolver and the status check.
pub struct Online {
    fetcher: Arc<Fetcher>,
    /// did:web documents fetched: the DID → its keys (method id → key), or why not.
    documents: Mutex<BTreeMap<String, Result<Keys, String>>>,
}

/// The keys of a DID document: verification method id → key.
type Keys = Vec<(String, VerifyingKey)>;

impl OnlineArgs {
    /// The fetcher, with `--online`; `None` without (and nothing will be fetched).
    pub fn start(&self, max_bytes: u64) -> anyhow::Result<Option<Online>> {
        let mut loopback_hosts = BTreeMap::new();
        for pair in &self.loopback {
            let Some((host, addr)) = pair.split_once('=') else {
                bail!("--insecure-loopback-http {pair:?} is not HOST=ADDR")
            };
            let Ok(addr) = addr.parse::<SocketAddr>() else {
                bail!("--insecure-loopback-http {pair:?}: {addr:?} is not IP:PORT")
            };
            loopback_hosts.insert(host.to_string(), addr);
        }
        if !self.online {
            return Ok(None);
        }
        let fetcher = Fetcher::new(FetchOptions { max_bytes, loopback_hosts })
            .map_err(|e| anyhow::anyhow!("--insecure-loopback-http: {e}"))?;
        Ok(Some(Online { fetcher: Arc::new(fetcher), documents: Mutex::new(BTreeMap::new()) }))
    }
}

impl Online {
    /// Lets `lists` fetch the lists it is not given.
    pub fn serve_lists(&self, lists: &mut StatusLists) {
        let fetcher = Arc::clone(&self.fetcher);
        lists.set_source(ListSource(Box::new(move |url| {
            let bytes = fetcher.get(url).map_err(|e| e.to_string())?;
            read_list_json(&bytes)
        })));
    }

    /// The key of verification method `vm` when it is a did:web one, from its DID's document (fetched once).
    pub fn key(&self, vm: &str) -> Option<VerifyingKey> {
        let did = vm.split('#').next().filter(|d| d.starts_with("did:web:"))?;
        let mut documents = self.documents.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !documents.contains_key(did) {
            let keys = if documents.len() >= MAX_DID_DOCUMENTS {
                Err(format!("more than {MAX_DID_DOCUMENTS} DID documents"))
            } else {
                self.fetch_document(did)
            };
            documents.insert(did.to_string(), keys);
        }
        let keys = documents.get(did)?.as_ref().ok()?;
        keys.iter().find(|(id, _)| id == vm).map(|(_, key)| *key)
    }

    /// Why the did:web document of verification method `vm` could not be had, if it was asked for and not had.
    pub fn problem(&self, vm: &str) -> Option<String> {
        let did = vm.split('#').next()?;
        let documents = self.documents.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        documents.get(did)?.as_ref().err().map(|why| format!("--online: {why}"))
    }

    /// did:web method §3.2: the document at the DID's URL, strict JSON within the size cap, whose `id` is the
    /// DID (§3.2 step 6 of DID resolution: a document for another DID is not this one's).
    fn fetch_document(&self, did: &str) -> Result<Keys, String> {
        let url = did_web_url(did).map_err(|e| e.to_string())?;
        let bytes = self.fetcher.get(&url).map_err(|e| format!("{url} could not be fetched: {e}"))?;
        let limits = Limits { max_depth: Limits::MAX_DEPTH, max_values: (bytes.len() / 8).max(4096) };
        let doc = json::parse_slice_with(&bytes, limits).map_err(|e| format!("{url}: not strict JSON: {e}"))?;
        if doc.get("id").and_then(Value::as_str) != Some(did) {
            return Err(format!("{url} is not the DID document of {did} (its id differs)"));
        }
        Ok(keys_of_did_document(&doc))
    }
}
