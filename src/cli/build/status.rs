//! A build's status entries: before a batch of learners is signed, each credential gets its status list index
//! (kept from the registry when its claims are unchanged, else allocated; in learner order, batch after
//! batch, so the same inputs give the same indices), contradicted earlier credentials are revoked and the learner's old files
//! move to `OUT/superseded/`; the workers then put the entries in the credentials; at the end the run's lists
//! are signed and written. The rules are [`xtranscript::status::issue`]; the files, [`crate::cli::status_store`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

use anyhow::bail;
use serde_json::Value;
use xtranscript::assemble::Assembled;
use xtranscript::batch::Shard;
use xtranscript::config::Config;
use xtranscript::issuer::Signer;
use xtranscript::status::Purpose;
use xtranscript::status::issue::{
    Allocator, Claim, Placed, Revocation, claims_fingerprint, clr_fingerprint, place_learner, status_entry,
};
use xtranscript::status::registry::Registry;

use super::learner::Prepared;
use crate::cli::status_store::StatusDir;

/// The status side of one build.
pub struct StatusRun {
    base_url: String,
    dir: StatusDir,
    registry_file: String,
    prefix: String,
    state: Mutex<State>,
}

struct State {
    registry: Registry,
    allocator: Allocator,
    touched: BTreeSet<String>,
    revoked: Vec<Revocation>,
}

/// The placements of one part's learners, read by the workers.
pub struct Placements {
    base_url: String,
    by_learner: BTreeMap<String, Vec<Placed>>,
}

impl StatusRun {
    /// The status side of a build into `out`; `None` with a demo key and no `[status] base_url` (a real key
    /// needs one: what it signs must be revocable).
    pub fn start(
        out: &Path,
        config: &Config,
        shard: Shard,
        salt_secret: &[u8],
        demo_key: bool,
    ) -> anyhow::Result<Option<StatusRun>> {
        let Some(base_url) = config.status.base_url.clone() else {
            if demo_key {
                return Ok(None);
            }
            bail!(
                "institution.toml has no [status] base_url: credentials signed with a real key must be revocable\n  \
                 help: add [status] base_url = \"https://<registrar host>/status/\" and publish OUT/status/ there"
            );
        };
        let dir = StatusDir::new(out);
        let registry = {
            let _lock = dir.lock()?;
            dir.read_registry()?
        };
        let (prefix, registry_file) = if shard.is_all() {
            (String::new(), "registry.jsonl".to_string())
        } else {
            (format!("{}of{}-", shard.index, shard.count), format!("registry-{}of{}.jsonl", shard.index, shard.count))
        };
        let allocator = Allocator::new(&prefix, salt_secret, config.status.suspension);
        let state = State { registry, allocator, touched: BTreeSet::new(), revoked: Vec::new() };
        Ok(Some(StatusRun { base_url, dir, registry_file, prefix, state: Mutex::new(state) }))
    }

    /// Places the credentials of a batch of learners (`todo`: id, directory; `prepared`: the same learners
    /// after [`super::learner::Worker::prepare`], which assembled each once), in `todo`'s order, and appends
    /// the events to the registry before any of their credentials is written. Called batch after batch in the
    /// run's learner order, so the indices do not depend on thread timing. Learners failed or kept unchanged
    /// are not placed: they keep every credential they have.
    pub fn place(
        &self,
        todo: &[(String, String)],
        prepared: &[Prepared<'_>],
        out: &Path,
        issued: &str,
    ) -> anyhow::Result<Placements> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let State { registry, allocator, touched, revoked } = &mut *state;
        let (mut by_learner, mut events) = (BTreeMap::new(), Vec::new());
        for ((id, directory), prepared) in todo.iter().zip(prepared) {
            let Some(claims) = prepared.claims() else { continue };
            let (placed, new_events, learner_revoked) = place_learner(registry, allocator, id, claims, issued);
            if !learner_revoked.is_empty() {
                supersede(out, directory)?;
            }
            touched.extend(new_events.iter().map(|e| match e {
                xtranscript::status::registry::Event::Issued { list, .. }
                | xtranscript::status::registry::Event::Status { list, .. } => list.clone(),
            }));
            events.extend(new_events);
            revoked.extend(learner_revoked);
            by_learner.insert(id.clone(), placed);
        }
        {
            let _lock = self.dir.lock()?;
            self.dir.append(&self.registry_file, &events)?;
        }
        Ok(Placements { base_url: self.base_url.clone(), by_learner })
    }

    /// Signs and writes this run's lists and those its revocations changed (bits from every registry, read
    /// again under the lock); returns what the run revoked.
    pub fn finish(&self, signer: &Signer, issued: &str) -> anyhow::Result<Vec<Revocation>> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _lock = self.dir.lock()?;
        let registry = self.dir.read_registry()?;
        let mut names: BTreeSet<String> = registry.lists().into_keys().filter(|n| self.owns(n)).collect();
        for list in &state.touched {
            names.insert(list.clone());
            names.insert(list.replacen("revocation-", "suspension-", 1));
        }
        self.dir.publish(&registry, &names, &self.base_url, signer, issued)?;
        let mut revoked = std::mem::take(&mut state.revoked);
        revoked.sort_by(|a, b| (&a.learner, &a.credential).cmp(&(&b.learner, &b.credential)));
        Ok(revoked)
    }

    /// Whether the list `name` is one of this run's (or shard's): `<purpose>-<prefix><n>`.
    fn owns(&self, name: &str) -> bool {
        let rest = name.strip_prefix("revocation-").or_else(|| name.strip_prefix("suspension-"));
        let n = rest.and_then(|r| r.strip_prefix(self.prefix.as_str()));
        n.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }
}

impl Placements {
    /// Puts each nested credential's status entry (and its id, when re-issued under a new one) in; the
    /// references of the others to a renamed credential follow it.
    pub fn attach(&self, learner: &str, nested: &mut [Value]) {
        let Some(placed) = self.by_learner.get(learner) else { return };
        let mut renamed = BTreeMap::new();
        for (vc, p) in nested.iter_mut().zip(placed) {
            if let Some(old) = vc.get("id").and_then(Value::as_str).filter(|old| *old != p.credential) {
                renamed.insert(old.to_string(), p.credential.clone());
            }
        }
        for (vc, p) in nested.iter_mut().zip(placed) {
            if !renamed.is_empty() {
                rename(vc, &renamed);
            }
            self.set_status(vc, p);
        }
    }

    /// Puts the ClrCredential's status entry (and new id) in.
    pub fn attach_clr(&self, learner: &str, clr: &mut Value) {
        if let Some(p) = self.by_learner.get(learner).and_then(|placed| placed.last()) {
            clr["id"] = Value::String(p.credential.clone());
            self.set_status(clr, p);
        }
    }

    fn set_status(&self, vc: &mut Value, p: &Placed) {
        let Value::Object(map) = vc else { return };
        let revocation = status_entry(&format!("{}{}.json", self.base_url, p.list), Purpose::Revocation, p.index);
        let entry = match &p.suspension_list {
            None => revocation,
            Some(s) => {
                let suspension = status_entry(&format!("{}{s}.json", self.base_url), Purpose::Suspension, p.index);
                Value::Array(vec![revocation, suspension])
            }
        };
        map.insert("id".to_string(), Value::String(p.credential.clone()));
        map.insert("credentialStatus".to_string(), entry);
    }
}

/// The claims of a learner's credentials (`nested`: the assembled nested credentials as JSON), nested ones
/// in transcript order then the CLR.
pub fn learner_claims(assembled: &Assembled<'_>, nested: &[Value]) -> Vec<Claim> {
    let claim = |vc: &Value, kind: &str| Claim {
        key: vc.get("id").and_then(Value::as_str).unwrap_or_default().to_string(),
        kind: kind.to_string(),
        fingerprint: claims_fingerprint(vc),
    };
    let mut claims: Vec<Claim> = nested
        .iter()
        .map(|vc| {
            let kind = vc.pointer("/credentialSubject/achievement/achievementType").and_then(Value::as_str);
            claim(vc, kind.unwrap_or("AchievementCredential"))
        })
        .collect();
    let fingerprints: Vec<String> = claims.iter().map(|c| c.fingerprint.clone()).collect();
    let clr = assembled.clr_with(Vec::new());
    claims.push(Claim {
        key: clr.get("id").and_then(Value::as_str).unwrap_or_default().to_string(),
        kind: "ClrCredential".to_string(),
        fingerprint: clr_fingerprint(&clr, &fingerprints),
    });
    claims
}

/// Every string of `value` that is a renamed credential's old id, replaced by the new one.
fn rename(value: &mut Value, renamed: &BTreeMap<String, String>) {
    match value {
        Value::String(s) => {
            if let Some(new) = renamed.get(s.as_str()) {
                s.clone_from(new);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename(v, renamed)),
        Value::Object(map) => map.values_mut().for_each(|v| rename(v, renamed)),
        _ => {}
    }
}

/// Moves a learner's files of an earlier issuance, some of which this run revokes, to
/// `OUT/superseded/<directory>/<n>/` (see [`super::state::move_to_superseded`]): nothing is deleted.
fn supersede(out: &Path, directory: &str) -> anyhow::Result<()> {
    super::state::move_to_superseded(out, &out.join("learners").join(directory), directory)
}
