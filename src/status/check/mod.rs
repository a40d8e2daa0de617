//! The verifier's side: the `credentialStatus` entries of one credential checked against status lists the
//! caller has (REC §3.2 Validate Algorithm). Nothing is fetched here: a list the caller does not have is
//! asked of its [`ListSource`] (`verify --online`), if it gave one, else said (`status not checked: URL not
//! available offline`) — never skipped in silence.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::Value;

use super::list::{ListContent, has_type, issuer_of, list_content};
use crate::model::Timestamp;
use crate::sign::{self, VerifyingKey};

/// The most `credentialStatus` entries of one credential that are checked.
pub const MAX_ENTRIES: usize = 64;

/// Status list credentials the verifier has, by the URL they are served at, and what it found in them.
#[derive(Debug, Default)]
pub struct StatusLists {
    lists: BTreeMap<String, Value>,
    /// Where lists not given come from (`None`: nowhere, offline).
    source: Option<ListSource>,
    /// Each list's verification (or why it could not be had), done once whatever the number of credentials
    /// pointing at it.
    checked: Mutex<BTreeMap<String, Lookup>>,
}

/// The caller's way to get the list credential served at a URL (REC §3.2 step 5, dereferencing), e.g. an
/// HTTPS fetch: the JSON, or why it could not be had.
pub struct ListSource(pub Box<FetchList>);

/// A function from a list's URL to its JSON, or why it could not be had.
pub type FetchList = dyn Fn(&str) -> Result<Value, String> + Send + Sync;

impl std::fmt::Debug for ListSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ListSource")
    }
}

/// What the verifier has of the list at one URL.
#[derive(Debug, Clone)]
enum Lookup {
    /// The list, verified (or why it does not verify).
    Found(Result<ListContent, String>),
    /// The source could not give it, with why.
    Unavailable(String),
}

/// How to check status.
pub struct StatusOptions<'a> {
    /// The keys of the issuers (the credential's resolver).
    pub resolve: &'a dyn Fn(&str) -> Option<VerifyingKey>,
    /// Dates of the lists are checked as of this time.
    pub now: Timestamp,
    /// A status that cannot be checked is a problem, not a note.
    pub require_status: bool,
    /// The list's issuer must be the credential's (REC §3.2 allows another; off, a difference is noted).
    pub issuer_check: bool,
    /// The controller of the key of each of the list's proofs must be the list's issuer.
    pub controller_check: bool,
}

/// What the status of one credential came to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// Why the credential fails (revoked, suspended, a list that does not verify, …).
    pub problems: Vec<String>,
    /// What was checked or not, to print beside an OK.
    pub notes: Vec<String>,
}

impl StatusReport {
    /// A status that was not checked: a problem under `require_status`, else a note.
    fn unchecked(&mut self, require_status: bool, why: String) {
        if require_status { self.problems.push(why) } else { self.notes.push(why) }
    }
}

impl StatusLists {
    /// Adds the list credential `list` served at `url` (a later one for the same URL replaces it).
    pub fn insert(&mut self, url: String, list: Value) {
        self.lists.insert(url, list);
    }

    /// Whether no list is known.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// Asks `source` for the lists not given with [`StatusLists::insert`].
    pub fn set_source(&mut self, source: ListSource) {
        self.source = Some(source);
    }

    /// Checks every `credentialStatus` entry of `vc` (not of the credentials nested in it).
    pub fn check(&self, vc: &Value, options: &StatusOptions<'_>) -> StatusReport {
        let mut report = StatusReport::default();
        let entries: Vec<&Value> = match vc.get("credentialStatus") {
            None => return report,
            Some(Value::Array(items)) => items.iter().collect(),
            Some(one) => vec![one],
        };
        if entries.len() > MAX_ENTRIES {
            report.problems.push(format!("more than {MAX_ENTRIES} credentialStatus entries"));
            return report;
        }
        for entry in entries {
            self.check_entry(vc, entry, options, &mut report);
        }
        report
    }

    /// One entry (REC §2.1 data model, §3.2 Validate Algorithm).
    fn check_entry(&self, vc: &Value, entry: &Value, options: &StatusOptions<'_>, report: &mut StatusReport) {
        let require = options.require_status;
        if !has_type(entry.get("type"), "BitstringStatusListEntry") {
            let kind = entry.get("type").map_or_else(|| "none".to_string(), Value::to_string);
            return report.unchecked(require, format!("status not checked: unsupported status type {kind}"));
        }
        let fields = match entry_fields(entry) {
            Ok(fields) => fields,
            Err(problem) => return report.problems.push(format!("credentialStatus: {problem}")),
        };
        let EntryFields { purpose, index, url, index_is_number, size } = fields;
        if index_is_number {
            report.notes.push(format!("statusListIndex {index} is a JSON number; the REC requires a string"));
        }
        if size != 1 {
            return report.unchecked(require, format!("status not checked: statusSize {size} (only 1 is supported)"));
        }
        let list = match self.verified(&url, options) {
            None => return report.unchecked(require, format!("status not checked: {url} not available offline")),
            Some(Lookup::Unavailable(why)) => {
                return report.unchecked(require, format!("status not checked: {url} could not be fetched: {why}"));
            }
            Some(Lookup::Found(Ok(list))) => list,
            Some(Lookup::Found(Err(why))) => return report.problems.push(format!("status list {url}: {why}")),
        };
        // Step 4: the entry's purpose is one of the list's.
        if !list.purposes.contains(&purpose) {
            return report
                .problems
                .push(format!("status list {url} is for {} but the entry is for {purpose}", list.purposes.join(", ")));
        }
        let issuer = issuer_of(vc);
        if issuer.as_deref() != Some(list.issuer.as_str()) {
            let why = format!(
                "status list {url} is issued by {:?}, not by the credential's issuer {:?}",
                list.issuer,
                issuer.unwrap_or_default()
            );
            if options.issuer_check {
                return report.problems.push(why);
            }
            report.notes.push(why);
        }
        // Step 8: a RANGE_ERROR past the end of the list.
        let Some(bit) = list.bits.get(index) else {
            return report
                .problems
                .push(format!("statusListIndex {index} is past the end of {url} ({} entries)", list.bits.len()));
        };
        match (purpose.as_str(), bit) {
            ("revocation", true) => report.problems.push(format!("revoked (bit {index} of {url})")),
            ("suspension", true) => report.problems.push(format!("suspended (bit {index} of {url})")),
            (_, true) => report.notes.push(format!("status {purpose}: bit {index} of {url} is set")),
            (_, false) => report.notes.push(format!("status checked: {purpose} bit {index} of {url} unset")),
        }
        if list.id.as_deref() != Some(url.as_str()) {
            report.notes.push(format!("the list at {url} has id {:?}", list.id.as_deref().unwrap_or("")));
        }
    }

    /// The list served at `url` checked as a credential of its own (REC §3.2 steps 3, 6, 7 and 9), from the
    /// lists given or else the source; `None` when there is neither. Done once per URL.
    fn verified(&self, url: &str, options: &StatusOptions<'_>) -> Option<Lookup> {
        let given = self.lists.get(url);
        if given.is_none() && self.source.is_none() {
            return None;
        }
        let mut checked = self.checked.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let result = checked.entry(url.to_string()).or_insert_with(|| match (given, &self.source) {
            (Some(list), _) => Lookup::Found(verify_list(list, options)),
            (None, Some(source)) => match (source.0)(url) {
                Ok(list) => Lookup::Found(verify_list(&list, options)),
                Err(why) => Lookup::Unavailable(why),
            },
            (None, None) => Lookup::Unavailable("no source".to_string()),
        });
        Some(result.clone())
    }
}

/// A status list credential verified: every proof, its key's controller its issuer, its dates at `now`, its
/// shape, and a list of at least the REC's minimum length.
fn verify_list(list: &Value, options: &StatusOptions<'_>) -> Result<ListContent, String> {
    let checks = sign::verify_proofs(list, options.resolve);
    if checks.is_empty() {
        return Err("no proof".to_string());
    }
    let issuer = issuer_of(list);
    for c in &checks {
        if let Err(e) = &c.result {
            return Err(format!("proof {}: {e}", c.index));
        }
        let vm = c.verification_method.as_deref().unwrap_or_default();
        let controller = vm.split('#').next().unwrap_or_default();
        if options.controller_check && issuer.as_deref() != Some(controller) {
            return Err(format!("proof {} is by {controller:?}, not by the list's issuer", c.index));
        }
    }
    for (key, after) in [("validFrom", false), ("validUntil", true)] {
        let Some(text) = list.get(key) else { continue };
        let when = text.as_str().and_then(Timestamp::parse).ok_or_else(|| format!("{key} is not a date-time"))?;
        if (after && when < options.now) || (!after && when > options.now) {
            return Err(format!("{key} {} excludes the verification time", text.as_str().unwrap_or_default()));
        }
    }
    let content = list_content(list)?;
    // Step 9: STATUS_LIST_LENGTH_ERROR under the minimum number of entries.
    if content.bits.len() < super::bitstring::MIN_ENTRIES {
        return Err(format!(
            "the list has {} entries, fewer than the REC's minimum {}",
            content.bits.len(),
            super::bitstring::MIN_ENTRIES
        ));
    }
    Ok(content)
}

struct EntryFields {
    purpose: String,
    index: usize,
    url: String,
    index_is_number: bool,
    size: u64,
}

/// The members of a `BitstringStatusListEntry` (REC §2.1); a MALFORMED_VALUE_ERROR names the bad one.
fn entry_fields(entry: &Value) -> Result<EntryFields, String> {
    let purpose = entry.get("statusPurpose").and_then(Value::as_str).ok_or("no statusPurpose string")?;
    let url = entry.get("statusListCredential").and_then(Value::as_str).ok_or("no statusListCredential string")?;
    let (index, index_is_number) = match entry.get("statusListIndex") {
        Some(Value::String(text)) => {
            (parse_index(text).ok_or(format!("statusListIndex {text:?} is not base 10"))?, false)
        }
        Some(Value::Number(n)) => (
            n.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or(format!("statusListIndex {n} is not an index"))?,
            true,
        ),
        _ => return Err("no statusListIndex".to_string()),
    };
    let size = match entry.get("statusSize") {
        None => 1,
        Some(v) => v.as_u64().filter(|&s| s > 0).ok_or(format!("statusSize {v} is not an integer above 0"))?,
    };
    Ok(EntryFields { purpose: purpose.to_string(), index, url: url.to_string(), index_is_number, size })
}

/// A base-10 index: ASCII digits only, no sign, at most 12 of them.
fn parse_index(text: &str) -> Option<usize> {
    let digits = !text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}

#[cfg(test)]
mod tests;
