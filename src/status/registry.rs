//! The status registry: an append-only log, one JSON object a line, of every status list index given out
//! (to which credential, learner, natural key and claims) and of every change of its status. The state is
//! the replay of the log; nothing is ever rewritten. Lines are whole or, after a kill, a torn last line that
//! the reader skips (a torn JSON object never parses); the writer ends such a line before appending.
//!
//! Pure: the caller reads and appends the files (`OUT/status/registry*.jsonl`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::Purpose;

/// The most registry lines replayed (all files together).
pub const MAX_EVENTS: usize = 50_000_000;

/// One line of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Event {
    /// An index of a list was given to a credential.
    Issued {
        /// The list (its file name in `OUT/status/`, without `.json`).
        list: String,
        /// The index in the list.
        index: u32,
        /// The credential's id.
        credential: String,
        /// The learner.
        learner: String,
        /// What the credential is of (`Course`, `Competency`, `ClrCredential`, …).
        kind: String,
        /// The natural key: what stays the same between issuances of the same claim (the course attempt,
        /// award, term, competency, the learner's CLR), as the credential's first id.
        key: String,
        /// The SHA-256 of the credential's claims (`fingerprint::claims`).
        fingerprint: String,
        /// When it was issued.
        issued: String,
        /// The suspension list with the same index, when the credential has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suspension_list: Option<String>,
    },
    /// The status of an issued index changed.
    Status {
        /// The list of the `issued` event (the revocation list).
        list: String,
        /// The index.
        index: u32,
        /// What changed.
        change: Change,
        /// When.
        at: String,
        /// Why.
        reason: String,
    },
}

/// A change of status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Revoked for good.
    Revoked,
    /// Suspended.
    Suspended,
    /// Suspension lifted.
    Reinstated,
}

/// The state of one issued index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The revocation list and index.
    pub list: String,
    /// The index.
    pub index: u32,
    /// The credential's id.
    pub credential: String,
    /// The learner.
    pub learner: String,
    /// What the credential is of.
    pub kind: String,
    /// The natural key.
    pub key: String,
    /// The claims' fingerprint.
    pub fingerprint: String,
    /// When it was issued.
    pub issued: String,
    /// The suspension list, if any.
    pub suspension_list: Option<String>,
    /// Revoked (final).
    pub revoked: bool,
    /// Suspended now.
    pub suspended: bool,
    /// Every status change: what, when, why.
    pub history: Vec<(Change, String, String)>,
}

/// The replayed registry. Its indexes are hash maps, only ever looked up (never iterated: the order of
/// everything the registry hands out is the order of its entries).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    entries: Vec<Entry>,
    /// Each list named by an entry, by name: its number in `taken`.
    list_numbers: HashMap<String, usize>,
    /// Per list number, how many of its indices are taken.
    taken: Vec<usize>,
    by_slot: HashMap<(usize, u32), usize>,
    by_key: HashMap<String, Vec<usize>>,
    by_credential: HashMap<String, usize>,
    by_learner: HashMap<String, Vec<usize>>,
    /// Lines that were not events (a torn last line), skipped.
    pub skipped: usize,
}

impl Registry {
    /// Replays the registry files' bytes, in the order given: every issue first, then every change in order.
    pub fn replay<'a>(files: impl IntoIterator<Item = &'a [u8]>) -> Registry {
        let mut registry = Registry::default();
        let (mut count, mut changes) = (0, Vec::new());
        for bytes in files {
            for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                count += 1;
                if count > MAX_EVENTS {
                    registry.skipped += 1;
                    continue;
                }
                match serde_json::from_slice::<Event>(line) {
                    Ok(event @ Event::Issued { .. }) => registry.apply(event),
                    Ok(change) => changes.push(change),
                    Err(_) => registry.skipped += 1,
                }
            }
        }
        // Changes after every issue: a change file may sort before the registry that issued the index.
        changes.into_iter().for_each(|c| registry.apply(c));
        registry
    }

    /// Applies one event (an index given twice, or a change of an unknown index, is ignored).
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Issued { list, index, credential, learner, kind, key, fingerprint, issued, suspension_list } => {
                let number = match self.list_numbers.get(&list) {
                    Some(&n) => n,
                    None => {
                        self.taken.push(0);
                        self.list_numbers.insert(list.clone(), self.taken.len() - 1);
                        self.taken.len() - 1
                    }
                };
                if self.by_slot.contains_key(&(number, index)) || self.by_credential.contains_key(&credential) {
                    return;
                }
                let at = self.entries.len();
                self.by_slot.insert((number, index), at);
                self.taken[number] += 1;
                self.by_key.entry(key.clone()).or_default().push(at);
                self.by_credential.insert(credential.clone(), at);
                self.by_learner.entry(learner.clone()).or_default().push(at);
                self.entries.push(Entry {
                    list,
                    index,
                    credential,
                    learner,
                    kind,
                    key,
                    fingerprint,
                    issued,
                    suspension_list,
                    revoked: false,
                    suspended: false,
                    history: Vec::new(),
                });
            }
            Event::Status { list, index, change, at, reason } => {
                let Some(&i) = self.list_numbers.get(&list).and_then(|&n| self.by_slot.get(&(n, index))) else {
                    return;
                };
                let entry = &mut self.entries[i];
                match change {
                    Change::Revoked => entry.revoked = true,
                    Change::Suspended => entry.suspended = true,
                    Change::Reinstated => entry.suspended = false,
                }
                entry.history.push((change, at, reason));
            }
        }
    }

    /// Every entry, in the order issued.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry of a credential id.
    pub fn credential(&self, id: &str) -> Option<&Entry> {
        self.by_credential.get(id).map(|&i| &self.entries[i])
    }

    /// The entries of a natural key, oldest first.
    pub fn of_key(&self, key: &str) -> impl Iterator<Item = &Entry> {
        self.by_key.get(key).into_iter().flatten().map(|&i| &self.entries[i])
    }

    /// Every entry of a learner, in the order issued.
    pub fn entries_of_learner<'a>(&'a self, learner: &str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.by_learner.get(learner).into_iter().flatten().map(|&i| &self.entries[i])
    }

    /// The live (not revoked) entries of a learner, in the order issued.
    pub fn live_of_learner<'a>(&'a self, learner: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        let of_learner = self.by_learner.get(learner).into_iter().flatten();
        of_learner.map(|&i| &self.entries[i]).filter(|e| !e.revoked)
    }

    /// Whether a list's index is taken (never reused, whatever its state).
    pub fn is_taken(&self, list: &str, index: u32) -> bool {
        self.list_numbers.get(list).is_some_and(|&n| self.by_slot.contains_key(&(n, index)))
    }

    /// How many indices of `list` are taken.
    pub fn taken_in(&self, list: &str) -> usize {
        self.list_numbers.get(list).map_or(0, |&n| self.taken[n])
    }

    /// Every list named in the registry (revocation and suspension), with the indices its bits set:
    /// revoked ones in revocation lists, suspended ones in suspension lists.
    pub fn lists(&self) -> BTreeMap<String, (Purpose, BTreeSet<u32>)> {
        let mut out: BTreeMap<String, (Purpose, BTreeSet<u32>)> = BTreeMap::new();
        for e in &self.entries {
            let bits = &mut out.entry(e.list.clone()).or_insert_with(|| (Purpose::Revocation, BTreeSet::new())).1;
            if e.revoked {
                bits.insert(e.index);
            }
            if let Some(s) = &e.suspension_list {
                let bits = &mut out.entry(s.clone()).or_insert_with(|| (Purpose::Suspension, BTreeSet::new())).1;
                if e.suspended {
                    bits.insert(e.index);
                }
            }
        }
        out
    }
}

/// The registry line of `event` (JSON and a newline).
pub fn event_line(event: &Event) -> Vec<u8> {
    let mut line = serde_json::to_vec(event).unwrap_or_default();
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued(list: &str, index: u32, credential: &str, key: &str, fingerprint: &str) -> Event {
        Event::Issued {
            list: list.into(),
            index,
            credential: credential.into(),
            learner: "L1".into(),
            kind: "Course".into(),
            key: key.into(),
            fingerprint: fingerprint.into(),
            issued: "2026-06-15T00:00:00Z".into(),
            suspension_list: Some(list.replace("revocation", "suspension")),
        }
    }

    fn status(list: &str, index: u32, change: Change) -> Event {
        Event::Status { list: list.into(), index, change, at: "2026-07-01T00:00:00Z".into(), reason: "r".into() }
    }

    #[test]
    fn replay_skips_a_torn_last_line_and_ignores_reused_indices() {
        let mut bytes = event_line(&issued("revocation-1", 5, "urn:a", "k1", "f1"));
        bytes.extend(event_line(&issued("revocation-1", 5, "urn:b", "k2", "f2")));
        bytes.extend(event_line(&status("revocation-1", 5, Change::Suspended)));
        let torn = event_line(&status("revocation-1", 5, Change::Revoked));
        bytes.extend(&torn[..torn.len() - 5]);
        let registry = Registry::replay([&bytes[..]]);
        assert_eq!(registry.entries().len(), 1);
        assert_eq!(registry.skipped, 1);
        let e = registry.credential("urn:a").unwrap();
        assert!(e.suspended && !e.revoked);
        assert!(registry.credential("urn:b").is_none());
        let lists = registry.lists();
        assert_eq!(lists["suspension-1"], (Purpose::Suspension, BTreeSet::from([5])));
        assert_eq!(lists["revocation-1"], (Purpose::Revocation, BTreeSet::new()));
    }

    #[test]
    fn a_change_file_read_before_the_issuing_registry_still_applies() {
        let changes = event_line(&status("revocation-1", 9, Change::Revoked));
        let issues = event_line(&issued("revocation-1", 9, "urn:a", "k1", "f1"));
        let registry = Registry::replay([&changes[..], &issues[..]]);
        assert!(registry.credential("urn:a").unwrap().revoked);
    }

    #[test]
    fn revocation_is_final_and_suspension_toggles() {
        let mut registry = Registry::default();
        registry.apply(issued("revocation-1", 9, "urn:a", "k1", "f1"));
        registry.apply(status("revocation-1", 9, Change::Suspended));
        registry.apply(status("revocation-1", 9, Change::Reinstated));
        assert!(!registry.credential("urn:a").unwrap().suspended);
        registry.apply(status("revocation-1", 9, Change::Revoked));
        let e = registry.credential("urn:a").unwrap();
        assert!(e.revoked && e.history.len() == 3);
        assert_eq!(registry.live_of_learner("L1").count(), 0);
        assert!(registry.is_taken("revocation-1", 9));
        assert_eq!(registry.taken_in("revocation-1"), 1);
    }
}
