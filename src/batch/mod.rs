//! Term-end batch runs: which learners a run (or one shard of it) builds, what they depend on, and what an
//! earlier, possibly interrupted, run of the same job already made.
//!
//! - [`Shard`]: `--shard K/N`, a deterministic split of the learners by a hash of their id, so N machines
//!   under any scheduler build disjoint sets whose union is the whole run.
//! - [`RunFingerprint`] and [`learner_fingerprint`]: SHA-256 over what all learners share (program, settings,
//!   signer, reference tables, frameworks, templates, fonts) and over one learner's own records.
//! - [`Journal`]: the append-only record of learners finished so far, which lets a killed run resume.
//! - [`Reuse`]: whether a learner from an earlier run can be kept as it is.
//! - [`withdrawn`]: the learners an earlier run built that this one does not, whose files must leave
//!   `learners/`.
//! - [`directories`]: each learner's output directory, or the diagnostic that fails the learner (an id too
//!   long or with control characters, a case-insensitive collision); [`unrenderable`] for a transcript that
//!   cannot be rendered. `check` and `build` share them, so `check` reports first what `build` would fail.
//!
//! Pure: bytes and values in and out; the binary does the reading and writing.

mod journal;
mod learners;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use journal::Journal;
pub use learners::{Directories, MAX_DIR_NAME_BYTES, directories, unrenderable};

use crate::export::{FileEntry, LearnerEntry, Withdrawn, hex_sha256, parse_shard};
use crate::model::{Award, CourseRecord, Learner, LearnerSubset, learner_bucket};

/// One of N parts of a run (`K/N`, 1 ≤ K ≤ N). A learner belongs to shard
/// `1 + (first 8 bytes of SHA-256(id), big-endian) mod N`: stable across machines, runs and versions, and
/// balanced whatever the ids look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, 1-based.
    pub index: u32,
    /// N.
    pub count: u32,
}

impl Shard {
    /// The whole run as one shard.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Parses `K/N`.
    pub fn parse(text: &str) -> Option<Shard> {
        parse_shard(text).map(|(index, count)| Shard { index, count })
    }

    /// Whether the learner `id` is in this shard.
    pub fn contains(&self, id: &str) -> bool {
        Self::of(id, self.count) == self.index
    }

    /// The shard (1-based) of learner `id` among `count`.
    pub fn of(id: &str, count: u32) -> u32 {
        learner_bucket(id, count, 0)
    }

    /// The learners of part `part` of `parts` of this shard.
    pub fn part(&self, part: u32, parts: u32) -> LearnerSubset {
        LearnerSubset { shard: (self.index, self.count), part: (part, parts) }
    }

    /// Whether this is the whole run.
    pub fn is_all(&self) -> bool {
        self.count == 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// SHA-256 over named parts: everything the outputs of every learner depend on. Parts are length-prefixed,
/// so no two different sequences of parts hash alike.
#[derive(Clone, Default)]
pub struct RunFingerprint(Sha256);

impl RunFingerprint {
    /// An empty fingerprint.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a part: its name and bytes.
    pub fn bytes(&mut self, name: &str, bytes: &[u8]) -> &mut Self {
        for piece in [name.as_bytes(), bytes] {
            self.0.update((piece.len() as u64).to_be_bytes());
            self.0.update(piece);
        }
        self
    }

    /// Adds a part: a value, as JSON.
    pub fn value(&mut self, name: &str, value: &impl Serialize) -> &mut Self {
        let json = serde_json::to_vec(value).unwrap_or_default();
        self.bytes(name, &json)
    }

    /// The lower-case hex digest.
    pub fn finish(&self) -> String {
        self.0.clone().finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// SHA-256 of one learner's own inputs: the learner, their course records and awards, as JSON without
/// `origin` (so that editing another learner's rows, which moves line numbers, changes nothing here).
/// Records are taken in the order given; callers pass them in a stable order.
pub fn learner_fingerprint(learner: &Learner, records: &[&CourseRecord], awards: &[&Award]) -> String {
    fn without_origin(value: &impl Serialize) -> serde_json::Value {
        let mut v = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        if let Some(map) = v.as_object_mut() {
            map.remove("origin");
        }
        v
    }
    let parts = serde_json::json!({
        "learner": without_origin(learner),
        "records": records.iter().map(without_origin).collect::<Vec<_>>(),
        "awards": awards.iter().map(without_origin).collect::<Vec<_>>(),
    });
    hex_sha256(&serde_json::to_vec(&parts).unwrap_or_default())
}

/// What to do with one learner, given what an earlier run of the same job left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reuse {
    /// Keep the earlier outputs: same run fingerprint, same learner inputs, files on disk as recorded.
    Keep(LearnerEntry),
    /// Build the learner.
    Build,
}

/// Decides whether `learner_id` (whose inputs now fingerprint to `inputs`) must be rebuilt. `earlier` holds
/// what earlier runs under the *same run fingerprint* finished; `on_disk` tells whether an output file is on
/// disk as its entry records it (size and SHA-256): a file rewritten since — by an interrupted run under
/// other settings, or by hand — is rebuilt. `force` rebuilds everything.
pub fn reuse(
    earlier: &BTreeMap<String, LearnerEntry>,
    learner_id: &str,
    inputs: &str,
    force: bool,
    on_disk: impl Fn(&FileEntry) -> bool,
) -> Reuse {
    match earlier.get(learner_id) {
        Some(entry)
            if !force && entry.inputs == inputs && !entry.files.is_empty() && entry.files.iter().all(&on_disk) =>
        {
            Reuse::Keep(entry.clone())
        }
        _ => Reuse::Build,
    }
}

/// The learners that earlier runs into the same output directory and shard built (`earlier`: their
/// manifest and journal, under any run fingerprint) and this run did not (`built`: built or kept now): no
/// longer in the input, or failed now. Their files no longer stand for the input. A directory that a
/// learner of this run uses is never listed. Sorted by id.
pub fn withdrawn(earlier: &BTreeMap<String, LearnerEntry>, built: &[LearnerEntry]) -> Vec<Withdrawn> {
    let ids: BTreeSet<&str> = built.iter().map(|e| e.id.as_str()).collect();
    let directories: BTreeSet<&str> = built.iter().map(|e| e.directory.as_str()).collect();
    earlier
        .values()
        .filter(|e| !ids.contains(e.id.as_str()) && !directories.contains(e.directory.as_str()))
        .map(|e| Withdrawn { id: e.id.clone(), directory: e.directory.clone() })
        .collect()
}

#[cfg(test)]
mod tests;
