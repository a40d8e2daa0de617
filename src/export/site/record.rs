//! What a verification page shows, taken from the signed CLR: what its holder already holds, and nothing more.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::status::Bitstring;

/// The most nested credentials a page lists (a 100-course CLR has a few hundred).
pub const MAX_CREDENTIALS: usize = 5_000;

/// The longest text a page shows of one value, in characters (longer values are cut, with "…").
const MAX_TEXT: usize = 500;

/// One page's record (`record.json`): exactly what the page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// The issuer's name.
    pub institution: String,
    /// The learner's name as the CLR states it.
    pub learner: String,
    /// The issue date (`YYYY-MM-DD`).
    pub issued: String,
    /// Whether the CLR was signed with a demo key (not official).
    pub specimen: bool,
    /// The credentials the CLR contains, in its order.
    pub credentials: Vec<CredentialLine>,
    /// How many more the CLR has than the page lists.
    #[serde(skip_serializing_if = "is_zero")]
    pub more_credentials: usize,
    /// SHA-256 (lowercase hex) of the issued files: `clr.json`, `transcript.pdf`.
    pub sha256: BTreeMap<String, String>,
    /// The CLR's status entries, which the page checks live.
    pub status: Vec<StatusLine>,
    /// The status when the site was published (from the status lists published with it).
    pub published_status: PublishedStatus,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One credential of the CLR as the transcript shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialLine {
    /// What it is: Course, Term record, Degree, Badge, Competency, …
    pub kind: String,
    /// Its title.
    pub title: String,
    /// The term, for courses and term records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// The grade (or level, or GPA) as on the transcript.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

/// One `credentialStatus` entry of the CLR (W3C Bitstring Status List v1.0 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusLine {
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// The status list's URL (`statusListCredential`).
    pub list: String,
    /// Its path on the site, which the page fetches from its own origin.
    pub path: String,
    /// `statusListIndex`, base 10.
    pub index: String,
}

/// The status as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishedStatus {
    /// No bit set.
    Valid,
    /// A revocation bit set.
    Revoked,
    /// A suspension bit set (and no revocation bit).
    Suspended,
    /// No status entry, or a list that was not published with the site.
    Unknown,
}

impl Record {
    /// `record.json`: pretty JSON and a newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// `text` cut to [`MAX_TEXT`] characters.
fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// The entries of a credential's `credentialStatus` (an object or an array of them) that are
/// `BitstringStatusListEntry`s with a string index and list URL.
pub fn status_entries(credential: &Value) -> Vec<(String, String, String)> {
    let entries: Vec<&Value> = match credential.get("credentialStatus") {
        Some(Value::Array(items)) => items.iter().take(8).collect(),
        Some(entry @ Value::Object(_)) => vec![entry],
        _ => Vec::new(),
    };
    entries
        .into_iter()
        .filter(|e| e.get("type").and_then(Value::as_str) == Some("BitstringStatusListEntry"))
        .filter_map(|e| {
            let purpose = e.get("statusPurpose")?.as_str()?;
            let index = e.get("statusListIndex")?.as_str()?;
            let list = e.get("statusListCredential")?.as_str()?;
            Some((purpose.to_string(), list.to_string(), index.to_string()))
        })
        .collect()
}

/// The path of an absolute URL (after its host), or `None`.
fn url_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let path = &rest[rest.find('/')?..];
    Some(path.split(['?', '#']).next().unwrap_or(path).to_string())
}

/// A nested credential's kind as a reader says it.
fn kind_label(achievement_type: &str) -> String {
    match achievement_type {
        "ext:AcademicTerm" => "Term record".to_string(),
        "ext:AcademicRecord" => "Academic record".to_string(),
        "MicroCredential" => "Micro-credential".to_string(),
        t if t.ends_with("Degree") => "Degree".to_string(),
        t => t.trim_start_matches("ext:").to_string(),
    }
}

/// The result a transcript prints for a nested credential: its letter grade, else its level, else its GPA.
fn result_of(subject: &Value) -> Option<String> {
    let descriptions = subject.pointer("/achievement/resultDescription").and_then(Value::as_array);
    let type_of = |id: &str| {
        descriptions?.iter().find(|d| d.get("id").and_then(Value::as_str) == Some(id))?.get("resultType")?.as_str()
    };
    let results = subject.get("result").and_then(Value::as_array)?;
    let value_of = |wanted: &str| {
        results.iter().find_map(|r| {
            let described = r.get("resultDescription").and_then(Value::as_str)?;
            (type_of(described) == Some(wanted)).then(|| r.get("value")?.as_str())?
        })
    };
    if let Some(grade) = value_of("LetterGrade").or_else(|| value_of("PerformanceLevel")) {
        return Some(bounded(grade));
    }
    value_of("GradePointAverage").map(|gpa| format!("GPA {}", bounded(gpa)))
}

/// The record of a signed CLR (`clr`), with the SHA-256 of its files and the bits of the status lists published
/// with the site (by list URL). `None`: not a CLR with a credential subject.
pub fn record_of(clr: &Value, sha256: BTreeMap<String, String>, lists: &BTreeMap<String, Bitstring>) -> Option<Record> {
    let subject = clr.get("credentialSubject")?;
    let institution = str_at(clr, "/issuer/name").or_else(|| str_at(clr, "/issuer/id")).unwrap_or_default();
    let learner = subject
        .get("identifier")
        .and_then(Value::as_array)
        .and_then(|ids| {
            ids.iter().find(|i| {
                i.get("identityType").and_then(Value::as_str) == Some("name")
                    && i.get("hashed").and_then(Value::as_bool) == Some(false)
            })
        })
        .and_then(|i| i.get("identityHash")?.as_str())
        .unwrap_or_default();
    let issued = clr.get("validFrom").or_else(|| clr.get("awardedDate")).and_then(Value::as_str).unwrap_or_default();
    let nested = subject.get("verifiableCredential").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let credentials = nested
        .iter()
        .take(MAX_CREDENTIALS)
        .map(|c| {
            let s = c.get("credentialSubject").unwrap_or(&Value::Null);
            CredentialLine {
                kind: kind_label(str_at(s, "/achievement/achievementType").unwrap_or("Achievement")),
                title: bounded(str_at(s, "/achievement/name").or_else(|| str_at(c, "/name")).unwrap_or_default()),
                term: s.get("term").and_then(Value::as_str).map(bounded),
                result: result_of(s),
            }
        })
        .collect();
    let status: Vec<StatusLine> = status_entries(clr)
        .into_iter()
        .filter_map(|(purpose, list, index)| Some(StatusLine { path: url_path(&list)?, purpose, list, index }))
        .collect();
    let specimen = str_at(clr, "/name").is_some_and(|n| n.starts_with("SPECIMEN"));
    Some(Record {
        institution: bounded(institution),
        learner: bounded(learner),
        issued: issued.chars().take(10).collect(),
        specimen,
        credentials,
        more_credentials: nested.len().saturating_sub(MAX_CREDENTIALS),
        sha256,
        published_status: published_status(&status, lists),
        status,
    })
}

/// The status as the lists published with the site say it (W3C Bitstring Status List v1.0 §3.2 step 10: the
/// bit at `statusListIndex`, the list's first bit the most significant bit of its first byte).
fn published_status(entries: &[StatusLine], lists: &BTreeMap<String, Bitstring>) -> PublishedStatus {
    if entries.is_empty() {
        return PublishedStatus::Unknown;
    }
    let (mut revoked, mut suspended) = (false, false);
    for entry in entries {
        let bit = lists.get(&entry.list).zip(entry.index.parse::<usize>().ok()).and_then(|(bits, i)| bits.get(i));
        match (entry.purpose.as_str(), bit) {
            (_, None) => return PublishedStatus::Unknown,
            ("revocation", Some(set)) => revoked |= set,
            ("suspension", Some(set)) => suspended |= set,
            _ => return PublishedStatus::Unknown,
        }
    }
    match (revoked, suspended) {
        (true, _) => PublishedStatus::Revoked,
        (false, true) => PublishedStatus::Suspended,
        (false, false) => PublishedStatus::Valid,
    }
}
