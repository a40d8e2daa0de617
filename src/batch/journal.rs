//! The journal of a run: a header line naming the run fingerprint and shard, then one JSON line per learner
//! whose files are on disk (appended after the files were renamed into place). A run killed at any point
//! leaves a journal whose complete lines are all true; a torn last line is ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::export::LearnerEntry;

/// Reading and writing journal lines.
pub struct Journal;

#[derive(Serialize, Deserialize)]
struct Header {
    #[serde(rename = "xtranscriptJournal")]
    version: u32,
    fingerprint: String,
    shard: String,
}

impl Journal {
    /// The file name of the journal of `shard` (`K/N`, or none for a whole run), in the output directory.
    pub fn file_name(shard: Option<&str>) -> String {
        match shard {
            None => ".xtranscript-journal.jsonl".to_string(),
            Some(s) => format!(".xtranscript-journal-{}.jsonl", s.replace('/', "-of-")),
        }
    }

    /// The first line of a new journal.
    pub fn header(fingerprint: &str, shard: &str) -> Vec<u8> {
        let header = Header { version: 1, fingerprint: fingerprint.to_string(), shard: shard.to_string() };
        line(&header)
    }

    /// The line recording one finished learner.
    pub fn entry(entry: &LearnerEntry) -> Vec<u8> {
        line(entry)
    }

    /// The learners a journal records as finished, if it belongs to the run `fingerprint` and `shard`
    /// (otherwise none). Lines that do not parse — the last one, torn by a kill — are ignored; a learner
    /// recorded twice keeps its last entry.
    pub fn finished(bytes: &[u8], fingerprint: &str, shard: &str) -> BTreeMap<String, LearnerEntry> {
        Self::read(bytes, shard).filter(|(f, _)| f == fingerprint).map(|(_, entries)| entries).unwrap_or_default()
    }

    /// The run fingerprint of a journal of `shard` and the learners it records as finished (as
    /// [`Journal::finished`]); `None` for a journal of another shard, or no journal.
    pub fn read(bytes: &[u8], shard: &str) -> Option<(String, BTreeMap<String, LearnerEntry>)> {
        let mut lines = bytes.split(|&b| b == b'\n');
        let header: Header = lines.next().and_then(|l| serde_json::from_slice(l).ok())?;
        (header.version == 1 && header.shard == shard).then(|| {
            let entries = lines.filter_map(|l| serde_json::from_slice::<LearnerEntry>(l).ok());
            (header.fingerprint, entries.map(|e| (e.id.clone(), e)).collect())
        })
    }
}

fn line(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
