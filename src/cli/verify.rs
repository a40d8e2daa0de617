//! `xtranscript verify FILE…`: every proof (nested ones too), key resolution
//! (did:key; did:web from `--did-doc`), issuer = key controller, validity dates
//! and schema validity, offline unless `--online`. One line per credential.
//!
//! Input is hostile: files are read up to `--max-size`, parsed strictly (no duplicate
//! member names, bounded depth and value count) and checked against the input rules
//! (allowed contexts, property names, list bounds) before any proof is.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use serde_json::Value;
use xtranscript::assemble::validate::{Schema, schema_errors};
use xtranscript::export::bake;
use xtranscript::ingest::json::{self, Limits};
use xtranscript::issuer::keys_of_did_document;
use xtranscript::model::Timestamp;
use xtranscript::sign::jose;
use xtranscript::sign::{self, VerifyingKey};

use super::{EXIT_OK, EXIT_PROBLEMS};

mod jws;

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
    /// Largest file read (credentials and DID documents), in bytes or with a K, M or G
    /// suffix (powers of 1024).
    #[arg(long, value_name = "SIZE", default_value = "8M", value_parser = parse_size)]
    max_size: u64,
    /// Also accept this embedded context URL in credentials that are not OB 3.0 / CLR 2.0
    /// ones, repeatable (inline contexts are never accepted; nothing is fetched).
    #[arg(long = "allow-context", value_name = "URL")]
    allow_contexts: Vec<String>,
    #[command(flatten)]
    status: super::verify_status::StatusArgs,
    #[command(flatten)]
    online: super::verify_online::OnlineArgs,
}

/// Reads `--max-size`: a byte count, or a number with a K, M or G suffix (powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let (digits, unit) = match text.trim().strip_suffix(['K', 'k', 'M', 'm', 'G', 'g']) {
        Some(digits) => (
            digits,
            text.trim().chars().last().map_or(1, |c| match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                _ => 1 << 30,
            }),
        ),
        None => (text.trim(), 1),
    };
    let n: u64 = digits.parse().map_err(|_| format!("{text:?} is not a size (e.g. 8M, 500K, 1048576)"))?;
    n.checked_mul(unit).filter(|&n| n > 0).ok_or_else(|| format!("{text:?} is not a usable size"))
}

/// Reads a whole regular file of at most `max` bytes.
fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    let over = |n: u64| format!("{n} bytes, over the --max-size of {max} bytes (nothing checked)");
    if meta.len() > max {
        return Err(over(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(over(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads and strictly parses one JSON file: at most `max` bytes, no duplicate member name, at most
/// [`Limits::MAX_DEPTH`] levels, and (so memory stays within a few times the file size) one value per 8 bytes.
fn read_json(path: &Path, max: u64) -> Result<Value, String> {
    parse_json(&read_limited(path, max)?)
}

/// Strictly parses JSON bytes (see [`read_json`]).
fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    let limits = Limits { max_depth: Limits::MAX_DEPTH, max_values: (bytes.len() / 8).max(4096) };
    json::parse_slice_with(bytes, limits)
        .map_err(|e| if json::is_strictness(&e) { format!("refused JSON: {e}") } else { format!("not JSON: {e}") })
}

struct Verifier {
    keys: BTreeMap<String, VerifyingKey>,
    /// JSON Web Keys of `--did-doc` verification methods, by method id and by JWK `kid`: (controller, JWK).
    jwks: BTreeMap<String, (String, Value)>,
    now: Timestamp,
    fragment_keys: bool,
    issuer_check: bool,
    policy: sign::InputPolicy,
    /// With `--online`: did:web documents fetched.
    online: Option<super::verify_online::Online>,
}

impl Verifier {
    fn resolve(&self, vm: &str) -> Option<VerifyingKey> {
        sign::resolve_did_key(vm)
            .or_else(|| self.keys.get(vm).copied())
            .or_else(|| self.fragment_keys.then(|| sign::key_from_fragment(vm)).flatten())
            .or_else(|| self.online.as_ref().and_then(|online| online.key(vm)))
    }

    /// Every problem of one credential (empty when it verifies), and notes.
    fn check(&self, vc: &Value) -> (Vec<String>, Vec<String>) {
        let (mut problems, mut notes) = (Vec::new(), Vec::new());
        if let Err(refusal) = sign::check_input(vc, &self.policy) {
            problems.push(format!("refused: {refusal} (proofs, dates and schema not checked)"));
            return (problems, notes);
        }
        let checks = sign::verify_proofs(vc, &|vm| self.resolve(vm));
        if checks.is_empty() {
            problems.push("no proof".to_string());
        }
        let issuer = issuer_id(vc);
        for c in &checks {
            if let Err(e) = &c.result {
                problems.push(format!("proof {}: {e}", c.index));
                let vm = c.verification_method.as_deref().unwrap_or_default();
                notes.extend(self.online.as_ref().and_then(|online| online.problem(vm)));
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
        let (more_problems, more_notes) = self.content(vc, false);
        problems.extend(more_problems);
        notes.extend(more_notes);
        (problems, notes)
    }

    /// The checks of a credential's content: input rules (unless `proofs_checked`: those come first in
    /// [`Verifier::check`]; for a JWS a refused `@context` is only noted, since the JWS signs the JSON as
    /// written), validity dates, schema.
    fn content(&self, vc: &Value, jws: bool) -> (Vec<String>, Vec<String>) {
        let (mut problems, mut notes) = (Vec::new(), Vec::new());
        if jws {
            match sign::check_input(vc, &self.policy) {
                Err(r) if jws::is_context_refusal(&r) => notes.push(format!("not a pinned JSON-LD document: {r}")),
                Err(r) => {
                    problems.push(format!("refused: {r} (dates and schema not checked)"));
                    return (problems, notes);
                }
                Ok(()) => {}
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

/// One output line: `OK name (note: …)` or `FAIL name: problems (note: …)`, and whether it is OK.
fn verdict(name: &str, problems: &[String], notes: &[String]) -> (bool, String) {
    let notes = if notes.is_empty() { String::new() } else { format!(" (note: {})", notes.join("; ")) };
    if problems.is_empty() {
        (true, format!("OK {name}{notes}"))
    } else {
        (false, format!("FAIL {name}: {}{notes}", problems.join("; ")))
    }
}

/// The JSON Web Keys a DID or controller document lists (or the verification method itself, when the
/// document is one), keyed by method id and by the JWK's own `kid`, with their controller.
fn jwks_of(doc: &Value) -> Vec<(String, (String, Value))> {
    let owner = doc.get("id").and_then(Value::as_str).unwrap_or_default();
    let methods: Vec<&Value> = match doc.get("verificationMethod") {
        Some(Value::Array(items)) => items.iter().collect(),
        _ => vec![doc],
    };
    let mut found = Vec::new();
    for m in methods {
        // A P-256 Multikey (`zDn…`) is kept as its JWK: JWS (ES256) is all it verifies here.
        let p256 = m.get("publicKeyMultibase").and_then(Value::as_str).and_then(jose::p256_from_multibase);
        let p256 = p256.map(|k| jose::public_jwk(&jose::PublicKey::P256(k)));
        let Some(jwk) = m.get("publicKeyJwk").or(p256.as_ref()) else { continue };
        let controller = m.get("controller").and_then(Value::as_str).unwrap_or(owner).to_owned();
        if let Some(id) = m.get("id").and_then(Value::as_str) {
            let id = if id.starts_with('#') { format!("{owner}{id}") } else { id.to_owned() };
            found.push((id, (controller.clone(), jwk.clone())));
        }
        if let Some(kid) = jwk.get("kid").and_then(Value::as_str) {
            found.push((kid.to_owned(), (controller, jwk.clone())));
        }
    }
    found
}

/// The issuer's id: `issuer` as a string, or `issuer.id`.
fn issuer_id(vc: &Value) -> Option<String> {
    match vc.get("issuer")? {
        Value::String(s) => Some(s.clone()),
        other => other.get("id").and_then(Value::as_str).map(String::from),
    }
}

/// Schema problems, and whether the credential is a VC 1.1 (legacy) one. The schema is chosen by the
/// document's `type` as written ([`sign::check_input`] has refused `@type` and a missing `type`).
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

/// A file's content, by form.
enum Input {
    Json(Value),
    Jws(String),
}

/// Tells the form of a file: JSON, a compact JWS, or one of the forms out of scope (refused with a reason).
fn read_form(bytes: &[u8]) -> Result<Input, String> {
    let start = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(start, Some(b'{' | b'[')) {
        return parse_json(bytes).map(Input::Json);
    }
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    match jws::form_of(text) {
        Some(jws::Form::Jws) => Ok(Input::Jws(text.trim().to_owned())),
        Some(jws::Form::SdJwt) => Err("an SD-JWT (selective disclosure): not supported, nothing checked".into()),
        Some(jws::Form::Cose) => Err("a COSE_Sign1 (vc+cose): not supported, nothing checked".into()),
        None => parse_json(bytes).map(Input::Json),
    }
}

/// Prints verdict lines; whether any failed.
fn print(out: &mut impl Write, lines: &[(bool, String)]) -> std::io::Result<bool> {
    for (_, line) in lines {
        writeln!(out, "{line}")?;
    }
    Ok(lines.iter().any(|(ok, _)| !ok))
}

/// Runs `verify`.
pub fn run(args: &VerifyArgs) -> anyhow::Result<u8> {
    let mut policy = sign::InputPolicy::default();
    for url in &args.allow_contexts {
        policy.allow_context(url).map_err(|e| anyhow::anyhow!("--allow-context: {e}"))?;
    }
    let (mut keys, mut jwks) = (BTreeMap::new(), BTreeMap::new());
    for path in &args.did_docs {
        let doc = read_json(path, args.max_size).map_err(|e| anyhow::anyhow!("--did-doc {}: {e}", path.display()))?;
        let docs = if let Value::Array(items) = doc { items } else { vec![doc] };
        for d in &docs {
            keys.extend(keys_of_did_document(d));
            jwks.extend(jwks_of(d));
        }
    }
    let now = match &args.now {
        Some(text) => Timestamp::parse(text).with_context(|| format!("--now {text:?} is not an RFC 3339 date-time"))?,
        None => Timestamp::from_unix(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        ),
    };
    let online = args.online.start(args.max_size)?;
    let verifier = Verifier {
        keys,
        jwks,
        now,
        fragment_keys: args.fragment_keys,
        issuer_check: !args.no_issuer_check,
        policy,
        online,
    };
    let mut lists = args.status.load()?;
    if let Some(online) = &verifier.online {
        online.serve_lists(&mut lists);
    }
    let resolve = |vm: &str| verifier.resolve(vm);
    let status_options = args.status.options(&resolve, now, verifier.issuer_check);
    let status_of = |vc: &Value| {
        let report = lists.check(vc, &status_options);
        (report.problems, report.notes)
    };
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in &args.files {
        let mut label = path.display().to_string();
        let mut lines = Vec::new();
        // A transcript PDF: its embedded clr.json, once the digest the PDF prints is found to be its own.
        let doc = match read_limited(path, args.max_size)
            .and_then(|b| xtranscript::render::attachment::credential_bytes(b).map_err(|e| e.to_string()))
            .and_then(|(bytes, pdf)| {
                label.push_str(if pdf { "#clr.json" } else { "" });
                // A baked badge (OB 3.0 §5.3): the one credential in the PNG's iTXt chunk or the SVG's element.
                match bake::kind_of(&bytes) {
                    Some(kind) => {
                        let unbaked = bake::unbake(&bytes)
                            .map_err(|e| format!("baked {}: {e}", kind.extension().to_uppercase()))?;
                        label.push_str("#openbadgecredential");
                        read_form(unbaked.credential.as_bytes())
                    }
                    None => read_form(&bytes),
                }
            }) {
            Ok(Input::Json(doc)) => match jws::enveloped(&doc) {
                None => doc,
                Some(Ok(jws)) => {
                    verifier.check_jws(&label, jws, 0, &mut lines, &status_of);
                    failed |= print(&mut out, &lines)?;
                    continue;
                }
                Some(Err(e)) => {
                    failed = true;
                    writeln!(out, "FAIL {label}: {e}")?;
                    continue;
                }
            },
            Ok(Input::Jws(text)) => {
                verifier.check_jws(&label, &text, 0, &mut lines, &status_of);
                failed |= print(&mut out, &lines)?;
                continue;
            }
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
            let (mut problems, notes) = verifier.check(vc);
            let mut notes = if notes.is_empty() { String::new() } else { format!(" (note: {})", notes.join("; ")) };
            let status = lists.check(vc, &status_options);
            problems.extend(status.problems);
            notes.extend(status.notes.iter().map(|n| format!(" ({n})")));
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

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("8M"), Ok(8 << 20));
        assert_eq!(parse_size("500k"), Ok(500 << 10));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        for bad in ["", "M", "-1", "0", "1.5M", "99999999999G"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
