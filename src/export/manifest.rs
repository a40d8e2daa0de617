//! `manifest.json`: what a run read and wrote, with SHA-256 of every file, so a
//! consumer can check outputs and a re-run can tell what changed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Timestamp;

/// One file: its path (relative to the output or input directory), SHA-256 and size.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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
    FileEntry { path: path.to_string(), sha256: hex_sha256(bytes), bytes: bytes.len() as u64 }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn hex_sha256(bytes: &[u8]) -> String {
    crate::sign::hex_sha256(bytes)
}

/// The entry of `bytes` at `path`, whose lower-case hex SHA-256 is already known.
pub fn file_entry_hashed(path: &str, bytes: &[u8], sha256: String) -> FileEntry {
    FileEntry { path: path.to_string(), sha256, bytes: bytes.len() as u64 }
}

/// What was made for one learner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerEntry {
    /// The learner id.
    pub id: String,
    /// The learner's directory under `learners/`.
    pub directory: String,
    /// SHA-256 fingerprint of the learner's own input records (see `batch::learner_fingerprint`): a re-run
    /// with the same run fingerprint skips the learner while this is unchanged.
    #[serde(default)]
    pub inputs: String,
    /// Files written.
    pub files: Vec<FileEntry>,
    /// Credentials in the CLR (nested), by kind.
    pub counts: BTreeMap<String, usize>,
}

/// The manifest of a run (or of one shard of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// SHA-256 over everything shared by all learners of the run: program version, settings, signer,
    /// reference tables, frameworks, templates and fonts. Learners are reused only under the same one.
    #[serde(default)]
    pub fingerprint: String,
    /// The shard this manifest covers (`K/N`), or none for a whole run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The files written per learner (`build --outputs`: `clr`, `pdf`, `html`, `pesc`); empty in manifests of
    /// versions that always wrote clr, pdf and html.
    #[serde(default)]
    pub outputs: Vec<String>,
    /// Every input file read.
    pub inputs: Vec<FileEntry>,
    /// Every learner built, by id.
    pub learners: Vec<LearnerEntry>,
    /// Learners not built, with why.
    pub failures: Vec<Failure>,
    /// Learners an earlier run into this directory (and shard) built that this run did not build: no longer
    /// in the input, or failed now. Their files were moved out of `learners/` to `withdrawn/`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withdrawn: Vec<Withdrawn>,
    /// Credentials this run revoked (their status list bit set), with why: claims the new data contradicts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revoked: Vec<crate::status::issue::Revocation>,
    /// The key of the run's JWTs when it is not the Data Integrity key (`build --jwt-key`): `publish` lists it in
    /// the DID document, which verifiers resolve the JWTs' `kid` in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt_key: Option<JwtKeyEntry>,
}

/// A JWT signing key, public part ([`Manifest::jwt_key`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtKeyEntry {
    /// Its verification method, the JWTs' `kid`: `<did:web>#<RFC 7638 thumbprint>`.
    pub kid: String,
    /// The JWS algorithm (`ES256`, `RS256`, …).
    pub alg: String,
    /// The public key as a JWK (public members only).
    pub public_jwk: serde_json::Value,
}

/// A learner whose earlier outputs no longer stand for the input ([`Manifest::withdrawn`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Withdrawn {
    /// The learner id.
    pub id: String,
    /// The directory the files were in (`learners/<directory>`), now `withdrawn/<directory>`.
    pub directory: String,
}

/// A learner that could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        m.withdrawn.sort();
        let mut bytes = serde_json::to_vec_pretty(&m).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads a manifest's bytes (strict JSON: a duplicate member name anywhere is an error).
    pub fn from_bytes(bytes: &[u8]) -> Result<Manifest, serde_json::Error> {
        serde_json::from_value(crate::ingest::json::parse_slice(bytes)?)
    }
}

/// Why shard manifests cannot be joined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no manifests to merge")]
    Empty,
    /// A manifest is of a whole run, not of a shard.
    #[error("manifest {0} is not a shard's (it has no \"shard\"); only shard manifests are merged")]
    NotAShard(usize),
    /// A shard's `shard` is not `K/N`.
    #[error("manifest {index}: shard {shard:?} is not K/N")]
    BadShard {
        /// Position among the manifests given (1-based).
        index: usize,
        /// The value.
        shard: String,
    },
    /// The manifests come from different runs (settings, inputs, issuer, date …).
    #[error("manifest {index} is from another run: its {field} differs from manifest 1's")]
    OtherRun {
        /// Position among the manifests given (1-based).
        index: usize,
        /// The first field that differs.
        field: &'static str,
    },
    /// The same shard twice.
    #[error("shard {0} is given twice")]
    DuplicateShard(String),
    /// Shards are missing.
    #[error("shards {missing} of {count} are missing; build them (or pass their manifests) before merging")]
    MissingShards {
        /// The missing ones, e.g. `2, 5`.
        missing: String,
        /// N.
        count: u32,
    },
    /// A learner is in two shards.
    #[error("learner {0:?} is in two shards")]
    DuplicateLearner(String),
}

impl MergeError {
    /// The position (1-based) of the manifest the error is about, if it is about one.
    pub fn index(&self) -> Option<usize> {
        match self {
            MergeError::NotAShard(index) | MergeError::BadShard { index, .. } | MergeError::OtherRun { index, .. } => {
                Some(*index)
            }
            _ => None,
        }
    }
}

/// Joins the manifests of every shard `1/N` … `N/N` of one run into the manifest of the whole run. They must
/// agree on everything but their learners and failures, cover every shard exactly once, and share no learner.
pub fn merge(manifests: Vec<Manifest>) -> Result<Manifest, MergeError> {
    let first = manifests.first().ok_or(MergeError::Empty)?.clone();
    let mut shards = BTreeMap::new();
    let mut count = 0;
    for (i, m) in manifests.iter().enumerate() {
        let index = i + 1;
        let shard = m.shard.as_deref().ok_or(MergeError::NotAShard(index))?;
        let (k, n) = parse_shard(shard).ok_or_else(|| MergeError::BadShard { index, shard: shard.to_string() })?;
        if let Some(field) = first_difference(&first, m) {
            return Err(MergeError::OtherRun { index, field });
        }
        if i == 0 {
            count = n;
        } else if n != count {
            return Err(MergeError::OtherRun { index, field: "shard count" });
        }
        if shards.insert(k, index).is_some() {
            return Err(MergeError::DuplicateShard(shard.to_string()));
        }
    }
    let missing: Vec<String> = (1..=count).filter(|k| !shards.contains_key(k)).map(|k| k.to_string()).collect();
    if !missing.is_empty() {
        return Err(MergeError::MissingShards { missing: missing.join(", "), count });
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut merged = Manifest {
        shard: None,
        learners: Vec::new(),
        failures: Vec::new(),
        withdrawn: Vec::new(),
        revoked: Vec::new(),
        ..first
    };
    for m in manifests {
        for entry in m.learners {
            if !seen.insert(entry.id.clone()) {
                return Err(MergeError::DuplicateLearner(entry.id));
            }
            merged.learners.push(entry);
        }
        merged.failures.extend(m.failures);
        merged.withdrawn.extend(m.withdrawn);
        merged.revoked.extend(m.revoked);
    }
    Ok(merged)
}

/// `K/N` with 1 ≤ K ≤ N.
pub fn parse_shard(text: &str) -> Option<(u32, u32)> {
    let (k, n) = text.split_once('/')?;
    let (k, n): (u32, u32) = (k.trim().parse().ok()?, n.trim().parse().ok()?);
    (k >= 1 && k <= n).then_some((k, n))
}

/// The first run-wide field in which two manifests differ.
fn first_difference(a: &Manifest, b: &Manifest) -> Option<&'static str> {
    let mut inputs_a = a.inputs.clone();
    let mut inputs_b = b.inputs.clone();
    inputs_a.sort();
    inputs_b.sort();
    [
        ("generator", a.generator == b.generator),
        ("issuedAt", a.issued_at == b.issued_at),
        ("issuer", a.issuer == b.issuer),
        ("verificationMethod", a.verification_method == b.verification_method),
        ("cryptosuites", a.cryptosuites == b.cryptosuites),
        ("demoKey", a.demo_key == b.demo_key),
        ("jwtKey", a.jwt_key == b.jwt_key),
        ("fingerprint", a.fingerprint == b.fingerprint),
        ("outputs", a.outputs == b.outputs),
        ("inputs", inputs_a == inputs_b),
    ]
    .into_iter()
    .find(|(_, same)| !same)
    .map(|(field, _)| field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(k: u32, n: u32, learners: &[&str]) -> Manifest {
        Manifest {
            generator: "xtranscript 0".into(),
            issued_at: Timestamp::from_unix(0),
            issuer: "did:web:x".into(),
            verification_method: "did:web:x#key-1".into(),
            cryptosuites: vec!["eddsa-rdfc-2022".into()],
            demo_key: false,
            jwt_key: None,
            fingerprint: "f".into(),
            shard: Some(format!("{k}/{n}")),
            outputs: vec!["clr".into()],
            inputs: vec![file_entry("learners.csv", b"x")],
            learners: learners
                .iter()
                .map(|id| LearnerEntry {
                    id: id.to_string(),
                    directory: id.to_string(),
                    inputs: String::new(),
                    files: Vec::new(),
                    counts: BTreeMap::new(),
                })
                .collect(),
            failures: Vec::new(),
            withdrawn: Vec::new(),
            revoked: Vec::new(),
        }
    }

    #[test]
    fn merges_complete_disjoint_shards() {
        let merged = merge(vec![shard(2, 2, &["b"]), shard(1, 2, &["a", "c"])]).unwrap();
        assert_eq!(merged.shard, None);
        let ids: Vec<_> = merged.learners.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["b", "a", "c"]);
        let bytes = merged.to_bytes();
        assert_eq!(Manifest::from_bytes(&bytes).unwrap().learners[0].id, "a");
        assert!(!String::from_utf8(bytes).unwrap().contains("withdrawn"), "an empty list is left out");
    }

    #[test]
    fn a_duplicate_member_name_is_refused() {
        let mut one = shard(1, 1, &["a"]);
        one.learners[0].counts.insert("courses".into(), 40);
        let text = String::from_utf8(one.to_bytes()).unwrap();
        assert!(Manifest::from_bytes(text.as_bytes()).is_ok());
        let twice = text.replacen("\"courses\": 40", "\"courses\": 1, \"courses\": 40", 1);
        assert_ne!(twice, text);
        let e = Manifest::from_bytes(twice.as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with("duplicate member name \"courses\""), "{e}");
    }

    #[test]
    fn merging_keeps_every_shards_withdrawn_learners() {
        let gone = |id: &str| Withdrawn { id: id.into(), directory: id.into() };
        let (mut one, mut two) = (shard(1, 2, &["a"]), shard(2, 2, &["b"]));
        one.withdrawn.push(gone("x"));
        two.withdrawn.push(gone("w"));
        let merged = Manifest::from_bytes(&merge(vec![one, two]).unwrap().to_bytes()).unwrap();
        assert_eq!(merged.withdrawn, [gone("w"), gone("x")]);
    }

    #[test]
    fn refuses_incomplete_overlapping_or_foreign_shards() {
        assert_eq!(
            merge(vec![shard(1, 3, &["a"])]),
            Err(MergeError::MissingShards { missing: "2, 3".into(), count: 3 })
        );
        assert_eq!(
            merge(vec![shard(1, 2, &["a"]), shard(2, 2, &["a"])]),
            Err(MergeError::DuplicateLearner("a".into()))
        );
        assert_eq!(
            merge(vec![shard(1, 2, &["a"]), shard(1, 2, &["b"])]),
            Err(MergeError::DuplicateShard("1/2".into()))
        );
        let mut other = shard(2, 2, &["b"]);
        other.fingerprint = "g".into();
        assert_eq!(
            merge(vec![shard(1, 2, &["a"]), other]),
            Err(MergeError::OtherRun { index: 2, field: "fingerprint" })
        );
        let mut whole = shard(1, 1, &[]);
        whole.shard = None;
        assert_eq!(merge(vec![whole]), Err(MergeError::NotAShard(1)));
        assert_eq!(merge(vec![]), Err(MergeError::Empty));
    }

    #[test]
    fn shard_syntax() {
        assert_eq!(parse_shard("1/4"), Some((1, 4)));
        assert_eq!(parse_shard("4/4"), Some((4, 4)));
        for bad in ["0/4", "5/4", "1", "a/b", "1/0", "-1/2"] {
            assert_eq!(parse_shard(bad), None, "{bad}");
        }
    }
}
