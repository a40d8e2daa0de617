//! `xtranscript verify FILE…`: every proof (nested ones too), key resolution
//! (did:key; did:web from `--did-doc`), issuer = key controller, validity dates
//! and schema validity, offline. One line per credential.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde_json::Value;
use xtranscript::assemble::validate::{Schema, schema_errors};
use xtranscript::issuer::keys_of_did_document;
use xtranscript::model::Timestamp;
use xtranscript::sign::{self, VerifyingKey};

use super::{EXIT_OK, EXIT_PROBLEMS};

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Credential files (JSON).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// A DID document (did:web issuers), repeatable.
    #[arg(long = "did-doc", value_name = "FILE")]
    did_docs: Vec<PathBuf>,
    /// Check validity dates as of this time (RFC 3339; default: now).
    #[arg(long, value_name = "DATETIME")]
    now: Option<String>,
    /// Take a key straight from a `…#z6Mk…` fragment of the verification method. This
    /// proves nothing about who controls the key; off by default, and said in the output.
    #[arg(long)]
    fragment_keys: bool,
    /// Do not require the key's controller to be the credential's issuer (some legacy
    /// samples sign with another key); said in the output.
    #[arg(long)]
    no_issuer_check: bool,
}

struct Verifier {
    keys: BTreeMap<String, VerifyingKey>,
    now: Timestamp,
    fragment_keys: bool,
    issuer_check: bool,
}

impl Verifier {
    fn resolve(&self, vm: &str) -> Option<VerifyingKey> {
        sign::resolve_did_key(vm)
            .or_else(|| self.keys.get(vm).copied())
            .or_else(|| self.fragment_keys.then(|| sign::key_from_fragment(vm)).flatten())
    }

    /// Every problem of one credential (empty when it verifies), and notes.
    fn check(&self, vc: &Value) -> (Vec<String>, Vec<String>) {
        let (mut problems, mut notes) = (Vec::new(), Vec::new());
        let checks = sign::verify_proofs(vc, &|vm| self.resolve(vm));
        if checks.is_empty() {
            problems.push("no proof".to_string());
        }
        let issuer = issuer_id(vc);
        for c in &checks {
            if let Err(e) = &c.result {
                problems.push(format!("proof {}: {e}", c.index));
                continue;
            }
            let vm = c.verification_method.as_deref().unwrap_or_default();
            let controller = vm.split('#').next().unwrap_or_default();
            if issuer.as_deref() != Some(controller) && !self.issuer_check {
                notes.push(format!("issuer not checked: proof {} is by {controller:?}", c.index));
            } else if issuer.as_deref() != Some(controller) {
                problems.push(format!(
                    "proof {}: key controller {controller:?} is not the issuer {:?}",
                    c.index,
                    issuer.as_deref().unwrap_or("")
                ));
            }
            if self.fragment_keys && sign::resolve_did_key(vm).is_none() && !self.keys.contains_key(vm) {
                notes
                    .push(format!("key of proof {} taken from the fragment of {vm}, not from a DID document", c.index));
            }
        }
        problems.extend(self.dates(vc));
        let (schema_problems, legacy) = schema_check(vc);
        if legacy && !schema_problems.is_empty() {
            notes.push(format!(
                "a VC 1.1 credential: {} difference(s) from the current 1EdTech schema",
                schema_problems.len()
            ));
        } else {
            problems.extend(schema_problems);
        }
        (problems, notes)
    }

    fn dates(&self, vc: &Value) -> Vec<String> {
        let date = |k: &str| vc.get(k).and_then(Value::as_str).map(|s| (s, Timestamp::parse(s)));
        let mut out = Vec::new();
        for key in ["validFrom", "issuanceDate"] {
            match date(key) {
                Some((s, None)) => out.push(format!("{key} {s:?} is not a date-time")),
                Some((s, Some(t))) if t > self.now => out.push(format!("not valid before {s} ({key})")),
                _ => {}
            }
        }
        for key in ["validUntil", "expirationDate"] {
            match date(key) {
                Some((s, None)) => out.push(format!("{key} {s:?} is not a date-time")),
                Some((s, Some(t))) if t < self.now => out.push(format!("expired at {s} ({key})")),
                _ => {}
            }
        }
        out
    }
}

/// The issuer's id: `issuer` as a string, or `issuer.id`.
fn issuer_id(vc: &Value) -> Option<String> {
    match vc.get("issuer")? {
        Value::String(s) => Some(s.clone()),
        other => other.get("id").and_then(Value::as_str).map(String::from),
    }
}

/// Schema problems, and whether the credential is a VC 1.1 (legacy) one.
fn schema_check(vc: &Value) -> (Vec<String>, bool) {
    let types: Vec<&str> = match vc.get("type") {
        Some(Value::Array(t)) => t.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(t)) => vec![t.as_str()],
        _ => Vec::new(),
    };
    let legacy = vc.pointer("/@context/0").and_then(Value::as_str) == Some("https://www.w3.org/2018/credentials/v1");
    let schema = if types.contains(&"ClrCredential") {
        Schema::ClrCredential
    } else if types.contains(&"AchievementCredential") || types.contains(&"OpenBadgeCredential") {
        Schema::AchievementCredential
    } else {
        return (Vec::new(), legacy);
    };
    // Nested credentials are checked on their own lines; the CLR schema's view of them is generic.
    (schema_errors(vc, schema).into_iter().map(|e| format!("schema: {e}")).collect(), legacy)
}

/// Runs `verify`.
pub fn run(args: &VerifyArgs) -> anyhow::Result<u8> {
    let mut keys = BTreeMap::new();
    for path in &args.did_docs {
        let doc: Value =
            serde_json::from_slice(&std::fs::read(path).with_context(|| format!("reading {}", path.display()))?)
                .with_context(|| format!("{} is not JSON", path.display()))?;
        let docs = if let Value::Array(items) = doc { items } else { vec![doc] };
        for d in &docs {
            keys.extend(keys_of_did_document(d));
        }
    }
    let now = match &args.now {
        Some(text) => Timestamp::parse(text).with_context(|| format!("--now {text:?} is not an RFC 3339 date-time"))?,
        None => Timestamp::from_unix(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        ),
    };
    let verifier = Verifier { keys, now, fragment_keys: args.fragment_keys, issuer_check: !args.no_issuer_check };
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in &args.files {
        let mut label = path.display().to_string();
        // A transcript PDF: its embedded clr.json, once the digest the PDF prints is found to be its own.
        let doc: Value = match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| xtranscript::render::attachment::credential_bytes(b).map_err(|e| e.to_string()))
            .and_then(|(b, pdf)| {
                label.push_str(if pdf { "#clr.json" } else { "" });
                serde_json::from_slice(&b).map_err(|e| e.to_string())
            }) {
            Ok(doc) => doc,
            Err(e) => {
                failed = true;
                writeln!(out, "FAIL {label}: {e}")?;
                continue;
            }
        };
        let mut all = vec![(label.clone(), &doc)];
        all.extend(
            sign::embedded_credentials(&doc).into_iter().map(|(pointer, vc)| (format!("{label}#{pointer}"), vc)),
        );
        for (name, vc) in all {
            let (problems, notes) = verifier.check(vc);
            let notes = if notes.is_empty() { String::new() } else { format!(" (note: {})", notes.join("; ")) };
            if problems.is_empty() {
                writeln!(out, "OK {name}{notes}")?;
            } else {
                failed = true;
                writeln!(out, "FAIL {name}: {}{notes}", problems.join("; "))?;
            }
        }
    }
    Ok(if failed { EXIT_PROBLEMS } else { EXIT_OK })
}
