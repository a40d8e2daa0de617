//! Checks across the shards of one run (`merge-manifests`): each shard allocates in its own lists without
//! talking to the others, so two of them giving one index of one list (one status list URL) to different
//! credentials is a broken run — both credentials would be revoked by one bit. And each shard's registry
//! must say what its manifest says: every learner built holds as many current credentials as it counts.
//!
//! Pure: the caller reads the registry files (one source per output directory).

use std::collections::{BTreeMap, BTreeSet};

use super::registry::{Change, Event, MAX_EVENTS, Registry};

/// The reason the build writes when it revokes a credential whose natural key the learner no longer has.
pub const NO_LONGER_IN_RECORDS: &str = "no longer in the learner's records";

/// One index given to two different credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The list (its file name without `.json`; its URL is `base_url` + that + `.json`).
    pub list: String,
    /// The index.
    pub index: u32,
    /// The first credential given it, and the source (output directory) whose registry says so.
    pub first: (String, usize),
    /// The other credential, and its source.
    pub second: (String, usize),
}

/// Every index that the registries of `sources` (source number, bytes of one registry file) give to two
/// different credentials, within one source or across them, in list and index order. The raw events are
/// read: the replay of one registry keeps the first of two issues of an index and would hide the second.
pub fn collisions<'a>(sources: impl IntoIterator<Item = (usize, &'a [u8])>) -> Vec<Collision> {
    let mut given: BTreeMap<(String, u32), (String, usize)> = BTreeMap::new();
    let mut found = Vec::new();
    let mut count = 0;
    for (source, bytes) in sources {
        for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            count += 1;
            if count > MAX_EVENTS {
                return found;
            }
            let Ok(Event::Issued { list, index, credential, suspension_list, .. }) = serde_json::from_slice(line)
            else {
                continue;
            };
            // A suspension list takes the same index as its revocation list: a slot of each.
            for list in std::iter::once(list).chain(suspension_list) {
                match given.get(&(list.clone(), index)) {
                    Some((first, _)) if *first == credential => {}
                    Some(first) => found.push(Collision {
                        list,
                        index,
                        first: first.clone(),
                        second: (credential.clone(), source),
                    }),
                    None => {
                        given.insert((list, index), (credential.clone(), source));
                    }
                }
            }
        }
    }
    found.sort_by(|a, b| (&a.list, a.index).cmp(&(&b.list, b.index)));
    found
}

/// What one shard's manifest says, for [`mismatches`].
pub struct ShardManifest<'a> {
    /// `K/N`.
    pub shard: &'a str,
    /// Each learner built or kept, with the number of credentials it counts (nested ones and the CLR).
    pub learners: Vec<(&'a str, usize)>,
    /// The learners it lists as failed or withdrawn (they may hold indices of its lists).
    pub others: BTreeSet<&'a str>,
}

/// Where a shard's registry (`registry`: every registry file of its output directory, replayed) and its
/// manifest disagree: a learner built without as many current credentials in the registry as it counts, or
/// an index of the shard's own lists (`<purpose>-KofN-<n>`) given to a learner the manifest does not name.
/// A credential's current entry is the latest of its natural key; one revoked because the learner no longer
/// has that key is not current (one revoked by `revoke` still is: the manifest lists its files).
pub fn mismatches(manifest: &ShardManifest<'_>, registry: &Registry) -> Vec<String> {
    let mut found = Vec::new();
    for &(learner, counted) in &manifest.learners {
        let mut latest: BTreeMap<&str, bool> = BTreeMap::new();
        for entry in registry.entries_of_learner(learner) {
            let gone = entry.history.iter().any(|(c, _, why)| *c == Change::Revoked && why == NO_LONGER_IN_RECORDS);
            latest.insert(entry.key.as_str(), !gone);
        }
        let current = latest.values().filter(|&&current| current).count();
        if current != counted {
            found.push(format!(
                "learner {learner:?} counts {counted} credential(s) in the manifest of shard {}, its registry has {current}",
                manifest.shard
            ));
        }
    }
    let own = format!("{}-", manifest.shard.replace('/', "of"));
    let named: BTreeSet<&str> =
        manifest.learners.iter().map(|(l, _)| *l).chain(manifest.others.iter().copied()).collect();
    let strays: BTreeSet<&str> = registry
        .entries()
        .iter()
        .filter(|e| e.list.strip_prefix("revocation-").is_some_and(|rest| rest.starts_with(&own)))
        .map(|e| e.learner.as_str())
        .filter(|learner| !named.contains(learner))
        .collect();
    for learner in strays {
        found.push(format!(
            "the registry of shard {} gives indices of its lists to learner {learner:?}, whom its manifest does not name",
            manifest.shard
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::registry::event_line;
    use super::*;

    fn issued(list: &str, index: u32, credential: &str, learner: &str, key: &str) -> Vec<u8> {
        event_line(&Event::Issued {
            list: list.into(),
            index,
            credential: credential.into(),
            learner: learner.into(),
            kind: "Course".into(),
            key: key.into(),
            fingerprint: "f".into(),
            issued: "2026-06-15T00:00:00Z".into(),
            suspension_list: None,
        })
    }

    #[test]
    fn one_index_given_to_two_credentials_is_a_collision_within_or_across_sources() {
        let a = issued("revocation-1of2-1", 5, "urn:a", "L1", "k1");
        let b =
            [issued("revocation-2of2-1", 5, "urn:b", "L2", "k2"), issued("revocation-1of2-1", 5, "urn:c", "L2", "k3")]
                .concat();
        let found = collisions([(1, &a[..]), (2, &b[..]), (1, &a[..])]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].list, "revocation-1of2-1");
        assert_eq!((found[0].first.clone(), found[0].second.clone()), (("urn:a".into(), 1), ("urn:c".into(), 2)));
        let own =
            [issued("revocation-1", 7, "urn:a", "L1", "k1"), issued("revocation-1", 7, "urn:b", "L1", "k2")].concat();
        assert_eq!(collisions([(1, &own[..])]).len(), 1);
    }

    #[test]
    fn a_shards_registry_must_hold_what_its_manifest_counts() {
        let mut bytes = [
            issued("revocation-1of2-1", 1, "urn:a", "L1", "k1"),
            issued("revocation-1of2-1", 2, "urn:b", "L1", "k2"),
            issued("revocation-1of2-1", 3, "urn:b2", "L1", "k2"),
            issued("revocation-1of2-1", 4, "urn:x", "L9", "k9"),
        ]
        .concat();
        let gone = Event::Status {
            list: "revocation-1of2-1".into(),
            index: 1,
            change: Change::Revoked,
            at: "2026-07-01T00:00:00Z".into(),
            reason: NO_LONGER_IN_RECORDS.into(),
        };
        let registry = Registry::replay([&bytes[..]]);
        let mut manifest = ShardManifest { shard: "1/2", learners: vec![("L1", 2)], others: BTreeSet::from(["L9"]) };
        assert_eq!(mismatches(&manifest, &registry), Vec::<String>::new());
        bytes.extend(event_line(&gone));
        let registry = Registry::replay([&bytes[..]]);
        assert_eq!(mismatches(&manifest, &registry).len(), 1, "k1 is gone: one current credential");
        manifest.learners[0].1 = 1;
        manifest.others.clear();
        let found = mismatches(&manifest, &registry);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("\"L9\""), "{found:?}");
    }
}
