//! `manifest.json`: what a run read and wrote, with SHA-256 of every file, so a
//! consumer can check outputs and a re-run can tell what changed.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::Timestamp;

/// One file: its path (relative to the output or input directory), SHA-256 and size.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FileEntry {
    /// Path, `/`-separated.
    pub path: String,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// The entry of `bytes` at `path`.
pub fn file_entry(path: &str, bytes: &[u8]) -> FileEntry {
    let digest = Sha256::digest(bytes);
    FileEntry {
        path: path.to_string(),
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        bytes: bytes.len() as u64,
    }
}

/// What was made for one learner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnerEntry {
    /// The learner id.
    pub id: String,
    /// The learner's directory under `learners/`.
    pub directory: String,
    /// Files written.
    pub files: Vec<FileEntry>,
    /// Credentials in the CLR (nested), by kind.
    pub counts: std::collections::BTreeMap<&'static str, usize>,
}

/// The manifest of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The program that wrote it.
    pub generator: String,
    /// The issue date of every credential.
    pub issued_at: Timestamp,
    /// The issuer's id.
    pub issuer: String,
    /// The verification method of every proof.
    pub verification_method: String,
    /// The cryptosuites of the proofs.
    pub cryptosuites: Vec<String>,
    /// True when an ephemeral demo key signed (nothing verifies against a published key).
    pub demo_key: bool,
    /// Every input file read.
    pub inputs: Vec<FileEntry>,
    /// Every learner built, by id.
    pub learners: Vec<LearnerEntry>,
    /// Learners not built, with why.
    pub failures: Vec<Failure>,
}

/// A learner that could not be built.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// The learner id.
    pub id: String,
    /// Why.
    pub reason: String,
}

impl Manifest {
    /// The manifest's bytes: pretty JSON, sorted, newline-terminated.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut m = self.clone();
        m.inputs.sort();
        m.learners.sort_by(|a, b| a.id.cmp(&b.id));
        m.failures.sort_by(|a, b| a.id.cmp(&b.id));
        let mut bytes = serde_json::to_vec_pretty(&m).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}
