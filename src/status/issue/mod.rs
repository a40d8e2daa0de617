//! Issuing with status: which status list index each credential of a learner gets, and which earlier
//! credentials the new data takes back.
//!
//! - An index comes from a keyed hash of the credential's natural key and claims, probed to the next free
//!   index of the list on collision (REC §6 privacy: spread over the list, not in learner order); it is
//!   never reused and kept for the credential's life. Allocation is sequential, in the caller's order, so
//!   the same inputs give the same indices whatever the thread timing.
//! - Each shard of a run has its own lists (`revocation-3of8-1`), so shards never collide.
//! - Re-issue: a credential whose natural key is live in the registry with other claims is revoked and
//!   replaced by a new credential (new id, new index); one whose key the learner no longer has is revoked.
//!   A new issue date, or a learner absent from the export, revokes nothing.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Purpose;
use super::bitstring::MIN_ENTRIES;
use super::registry::{Change, Event, Registry};

/// Entries of each list (the REC's minimum: the bitstring is 16 KB).
pub const LIST_ENTRIES: u32 = MIN_ENTRIES as u32;

/// A new list is started once this many indices of the current one are taken (half: probing stays short).
pub const LIST_FILL: usize = MIN_ENTRIES / 2;

/// One credential of a learner, before its status is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The natural key: the credential's id as assembled (stable for the same course attempt, award, …).
    pub key: String,
    /// What it is of.
    pub kind: String,
    /// The SHA-256 of its claims ([`claims_fingerprint`]).
    pub fingerprint: String,
}

/// The status of one credential of a learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The id the credential is issued under (its key at the first issuance; a new one at each re-issue).
    pub credential: String,
    /// The revocation list.
    pub list: String,
    /// The index.
    pub index: u32,
    /// The suspension list (same index), when the credential has one.
    pub suspension_list: Option<String>,
}

/// A credential this run takes back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Revocation {
    /// The learner.
    pub learner: String,
    /// The revoked credential's id.
    pub credential: String,
    /// What it was of.
    pub kind: String,
    /// Why.
    pub reason: String,
}

/// Where new indices go: this run's (or shard's) lists, and the secret of the keyed hash.
pub struct Allocator {
    prefix: String,
    secret: Vec<u8>,
    suspension: bool,
    current: Option<(u32, usize)>,
}

impl Allocator {
    /// Lists named `revocation-<prefix><n>` (prefix `""` for a whole run, `3of8-` for shard 3/8), indices
    /// keyed by `secret`; `suspension`: each credential also gets the same index in `suspension-<prefix><n>`.
    pub fn new(prefix: &str, secret: &[u8], suspension: bool) -> Allocator {
        Allocator { prefix: prefix.to_string(), secret: secret.to_vec(), suspension, current: None }
    }

    fn list_name(&self, purpose: Purpose, n: u32) -> String {
        format!("{}-{}{n}", purpose.as_str(), self.prefix)
    }

    /// A free index for `key`/`fingerprint` in the first list of this run with room.
    fn allocate(&mut self, registry: &Registry, key: &str, fingerprint: &str) -> (String, u32) {
        let (mut n, mut taken) = match self.current {
            Some(current) => current,
            None => (1, registry.taken_in(&self.list_name(Purpose::Revocation, 1))),
        };
        while taken >= LIST_FILL {
            n += 1;
            taken = registry.taken_in(&self.list_name(Purpose::Revocation, n));
        }
        let list = self.list_name(Purpose::Revocation, n);
        let mut hash = Sha256::new();
        for part in [b"xtranscript status index".as_slice(), &self.secret, key.as_bytes(), fingerprint.as_bytes()] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        let digest = hash.finalize();
        let start = u64::from_be_bytes(digest[..8].try_into().unwrap_or_default()) % u64::from(LIST_ENTRIES);
        // Linear probing; the list is at most half full, so a free index is always found.
        let index = (0..LIST_ENTRIES)
            .map(|i| ((start + u64::from(i)) % u64::from(LIST_ENTRIES)) as u32)
            .find(|&i| !registry.is_taken(&list, i))
            .unwrap_or(0);
        self.current = Some((n, taken + 1));
        (list, index)
    }
}

/// Places the credentials of one learner (all of them, as this run builds them) in the registry: reuses the
/// index of a credential already issued with the same claims, allocates new ones, and revokes the learner's
/// live credentials that the new data contradicts. Returns the placement of each claim (same order), the
/// events to append to the registry (already applied to `registry`), and what was revoked.
pub fn place_learner(
    registry: &mut Registry,
    allocator: &mut Allocator,
    learner: &str,
    claims: &[Claim],
    issued: &str,
) -> (Vec<Placed>, Vec<Event>, Vec<Revocation>) {
    let (mut placed, mut events, mut revoked) = (Vec::new(), Vec::new(), Vec::new());
    let revoke = |registry: &mut Registry, events: &mut Vec<Event>, list: String, index, reason: String| {
        let entry = Event::Status { list, index, change: Change::Revoked, at: issued.to_string(), reason };
        registry.apply(entry.clone());
        events.push(entry);
    };
    for claim in claims {
        let same = registry.of_key(&claim.key).find(|e| !e.revoked && e.fingerprint == claim.fingerprint);
        if let Some(e) = same {
            let (credential, list, index) = (e.credential.clone(), e.list.clone(), e.index);
            placed.push(Placed { credential, list, index, suspension_list: e.suspension_list.clone() });
            continue;
        }
        let earlier = registry.of_key(&claim.key).count();
        let credential = if earlier == 0 {
            claim.key.clone()
        } else {
            let name = format!("{}#{earlier}#{}", claim.key, claim.fingerprint);
            format!("urn:uuid:{}", Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()))
        };
        let contradicted: Vec<_> = registry
            .of_key(&claim.key)
            .filter(|e| !e.revoked)
            .map(|e| (e.list.clone(), e.index, e.credential.clone(), e.kind.clone()))
            .collect();
        for (list, index, old, kind) in contradicted {
            let reason = format!("its claims changed; re-issued as {credential}");
            revoke(registry, &mut events, list, index, reason.clone());
            revoked.push(Revocation { learner: learner.to_string(), credential: old, kind, reason });
        }
        let (list, index) = allocator.allocate(registry, &claim.key, &claim.fingerprint);
        let suspension_list = allocator.suspension.then(|| list.replacen("revocation-", "suspension-", 1));
        let event = Event::Issued {
            list: list.clone(),
            index,
            credential: credential.clone(),
            learner: learner.to_string(),
            kind: claim.kind.clone(),
            key: claim.key.clone(),
            fingerprint: claim.fingerprint.clone(),
            issued: issued.to_string(),
            suspension_list: suspension_list.clone(),
        };
        registry.apply(event.clone());
        events.push(event);
        placed.push(Placed { credential, list, index, suspension_list });
    }
    let keys: std::collections::BTreeSet<&str> = claims.iter().map(|c| c.key.as_str()).collect();
    let gone: Vec<_> = registry
        .live_of_learner(learner)
        .filter(|e| !keys.contains(e.key.as_str()))
        .map(|e| (e.list.clone(), e.index, e.credential.clone(), e.kind.clone()))
        .collect();
    for (list, index, old, kind) in gone {
        let reason = super::shards::NO_LONGER_IN_RECORDS.to_string();
        revoke(registry, &mut events, list, index, reason.clone());
        revoked.push(Revocation { learner: learner.to_string(), credential: old, kind, reason });
    }
    (placed, events, revoked)
}

/// The SHA-256 (hex) of what a credential claims: its JSON without its id, dates of issue (`validFrom`,
/// `validUntil`, an `awardedDate` equal to `validFrom`), status and proofs, hashed in one canonical walk (member
/// names sorted, every value type-tagged and length-prefixed; nothing is copied); nested credentials count by
/// their own fingerprints, so a CLR's changes when any of its credentials' does.
pub fn claims_fingerprint(vc: &Value) -> String {
    fingerprint_with(vc, None)
}

/// [`claims_fingerprint`] of a ClrCredential given without its nested credentials (`verifiableCredential`
/// empty), from their fingerprints (in order), so they are not hashed twice.
pub fn clr_fingerprint(clr_without_nested: &Value, nested: &[String]) -> String {
    fingerprint_with(clr_without_nested, Some(nested))
}

fn fingerprint_with(vc: &Value, nested: Option<&[String]>) -> String {
    // The walk writes its bytes into one buffer, hashed once: many small `update` calls cost more than the
    // hashing itself (the bytes, hence every fingerprint in a registry, are as they always were).
    let mut canon = Canon(Vec::with_capacity(4096));
    match vc {
        Value::Object(map) => {
            let issued = map.get("validFrom");
            let dropped = |k: &str, v: &Value| {
                matches!(k, "id" | "validFrom" | "validUntil" | "proof" | "credentialStatus")
                    || (k == "awardedDate" && Some(v) == issued)
            };
            // Members sorted with their values: looking a value up by its name again would hash the name.
            let mut members: Vec<(&String, &Value)> = map.iter().filter(|(k, v)| !dropped(k, v)).collect();
            members.sort_unstable_by_key(|(k, _)| *k);
            canon.open(b"{", members.len());
            for (k, v) in members {
                canon.str(k);
                match (k.as_str(), v) {
                    ("credentialSubject", Value::Object(subject)) => canon.subject(subject, nested),
                    (_, v) => canon.value(v),
                }
            }
        }
        other => canon.value(other),
    }
    crate::sign::hex_sha256(&canon.0)
}

/// The canonical bytes of a claims walk: member names sorted, every value type-tagged and length-prefixed.
struct Canon(Vec<u8>);

impl Canon {
    fn open(&mut self, tag: &[u8], len: usize) {
        self.0.extend_from_slice(tag);
        self.0.extend_from_slice(&(len as u64).to_be_bytes());
    }

    fn str(&mut self, s: &str) {
        self.0.extend_from_slice(&(s.len() as u64).to_be_bytes());
        self.0.extend_from_slice(s.as_bytes());
    }

    /// A credential subject, its `verifiableCredential` (a CLR's) as the nested credentials' fingerprints.
    fn subject(&mut self, subject: &Map<String, Value>, nested: Option<&[String]>) {
        let mut members: Vec<(&String, &Value)> = subject.iter().collect();
        members.sort_unstable_by_key(|(k, _)| *k);
        self.open(b"{", members.len());
        for (k, v) in members {
            self.str(k);
            match (k.as_str(), v, nested) {
                ("verifiableCredential", _, Some(fingerprints)) => self.fingerprints(fingerprints.iter()),
                ("verifiableCredential", Value::Array(items), None) => {
                    self.fingerprints(items.iter().map(claims_fingerprint));
                }
                (_, v, _) => self.value(v),
            }
        }
    }

    /// An array of fingerprints, as an array of strings.
    fn fingerprints<F: AsRef<str>>(&mut self, fingerprints: impl ExactSizeIterator<Item = F>) {
        self.open(b"[", fingerprints.len());
        for f in fingerprints {
            self.0.push(b's');
            self.str(f.as_ref());
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.0.push(b'n'),
            Value::Bool(b) => self.0.push(if *b { b't' } else { b'f' }),
            Value::Number(n) => {
                self.0.push(b'#');
                self.str(&n.to_string());
            }
            Value::String(s) => {
                self.0.push(b's');
                self.str(s);
            }
            Value::Array(items) => {
                self.open(b"[", items.len());
                items.iter().for_each(|item| self.value(item));
            }
            Value::Object(map) => {
                let mut members: Vec<(&String, &Value)> = map.iter().collect();
                members.sort_unstable_by_key(|(k, _)| *k);
                self.open(b"{", members.len());
                for (k, v) in members {
                    self.str(k);
                    self.value(v);
                }
            }
        }
    }
}

/// The `credentialStatus` entry (REC §2.1) of index `index` of the list published at `list_url`.
pub fn status_entry(list_url: &str, purpose: Purpose, index: u32) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose.as_str(),
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

#[cfg(test)]
mod tests;
