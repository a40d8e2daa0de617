//! One learner of a build: assemble, sign, render, hand the files to the writers; or keep what an earlier run
//! made; or report why the learner cannot be built. Called from worker threads: everything it touches is
//! shared read-only, except the write queue.

use std::collections::BTreeMap;
use std::path::Path;

use xtranscript::assemble::{Assembled, Assembler};
use xtranscript::batch::{self, Reuse};
use xtranscript::export::{self, Failure, FileEntry, LearnerEntry, file_entry_hashed};
use xtranscript::issuer::Signer;
use xtranscript::render::{self, TranscriptView, Verification, transcript_view};

use super::setup::Rendering;
use super::writer::{Job, Writers};

/// What became of one learner.
pub enum Outcome {
    /// Built now.
    Built(LearnerEntry),
    /// Kept from an earlier run (inputs and settings unchanged).
    Kept(LearnerEntry),
    /// Not built, with why (the batch goes on).
    Failed(Failure),
}

/// What every learner of the run shares.
pub struct Worker<'a> {
    /// The output directory.
    pub out: &'a Path,
    /// The assembler of the run.
    pub assembler: &'a Assembler<'a>,
    /// The signer.
    pub signer: &'a Signer,
    /// Templates and fonts.
    pub rendering: &'a Rendering,
    /// Learners finished by earlier runs under the same run fingerprint.
    pub earlier: &'a BTreeMap<String, LearnerEntry>,
    /// Rebuild even unchanged learners.
    pub force: bool,
    /// Whether JWTs are written beside the JSON credentials.
    pub securing: super::Securing,
    /// Write the files and record them in the journal.
    pub writers: &'a Writers<'a>,
}

impl Worker<'_> {
    /// Builds (or keeps) the learner `id`, whose directory is `directory`. Only an I/O error writing the
    /// outputs or the journal (seen by a writer, maybe for an earlier learner) is fatal (`Err`); anything wrong
    /// with the learner is a [`Outcome::Failed`].
    pub fn learner(&self, id: &str, directory: &str) -> anyhow::Result<Outcome> {
        let failed = |reason: String| Ok(Outcome::Failed(Failure { id: id.to_string(), reason }));
        if let Some(origins) = self.assembler.records.rejected.get(id) {
            return failed(rejected_reason(origins));
        }
        let Some((learner, records, awards)) = self.assembler.inputs_of(id) else {
            return failed("the learner is not in learners.csv".to_string());
        };
        let inputs = batch::learner_fingerprint(learner, &records, &awards);
        let on_disk = |file: &FileEntry| on_disk(&self.out.join(&file.path), file);
        if let Reuse::Keep(entry) = batch::reuse(self.earlier, id, &inputs, self.force, on_disk) {
            return Ok(Outcome::Kept(entry));
        }
        let Some(assembled) = self.assembler.learner(id) else {
            return failed("the learner is not in learners.csv".to_string());
        };
        let counts = counts(&assembled);
        // The view prints the digest of the signed clr.json: it is filled in once the text is written.
        let labels = self.rendering.templates.labels();
        let mut view = transcript_view(self.assembler, &assembled, labels, Verification { clr_sha256: "" });
        view.institution.logo.clone_from(&self.rendering.logo);
        let created = self.assembler.issued_at.to_string();
        let nested = assembled.nested.iter().map(|c| serde_json::to_value(c).unwrap_or_default()).collect();
        let signed = match self.signer.sign_transcript(nested, |nested| assembled.clr_with(nested), &created) {
            Ok(signed) => signed,
            Err(e) => return failed(format!("signing failed: {e}")),
        };
        self.publish(id, directory, &inputs, counts, view, signed)
    }

    /// Serializes the signed CLR (freed once it is text), renders the PDF and HTML of `view` with the digest of
    /// that text, and hands the files to the writers; returns what became of the learner.
    fn publish(
        &self,
        id: &str,
        directory: &str,
        inputs: &str,
        counts: BTreeMap<String, usize>,
        mut view: TranscriptView,
        signed: serde_json::Value,
    ) -> anyhow::Result<Outcome> {
        let mut clr_json = self.writers.buffer();
        if let Err(e) = serde_json::to_writer(&mut clr_json, &signed) {
            return Ok(Outcome::Failed(Failure { id: id.to_string(), reason: format!("clr.json: {e}") }));
        }
        clr_json.push(b'\n');
        let mut credentials = export::credential_files(&signed);
        if self.securing != super::Securing::Di {
            credentials.extend(self.jwts(&signed));
        }
        drop(signed);
        let clr_sha256 = export::hex_sha256(&clr_json);
        view.verification.clr_sha256.clone_from(&clr_sha256);
        match self.render(&view) {
            Ok((pdf, html)) => {
                let mut files = vec![
                    ("clr.json".to_string(), clr_json, Some(clr_sha256)),
                    ("transcript.pdf".to_string(), pdf, None),
                    ("transcript.html".to_string(), html, None),
                ];
                files.extend(credentials.into_iter().map(|(name, bytes)| (name, bytes, None)));
                let entry = self.write(id, directory, inputs, counts, files)?;
                Ok(Outcome::Built(entry))
            }
            Err(reason) => Ok(Outcome::Failed(Failure { id: id.to_string(), reason })),
        }
    }

    /// `clr.jwt` and `credentials/<kind>-<key>.jwt` for each credential (names as [`export::credential_files`]).
    fn jwts(&self, signed: &serde_json::Value) -> Vec<(String, Vec<u8>)> {
        let keep_proof = self.securing == super::Securing::Both;
        let (key, kid) = (&self.signer.key, self.signer.verification_method.as_str());
        let jwt = |c: &serde_json::Value| xtranscript::sign::jose::vc_jwt(c, keep_proof, key, kid).into_bytes();
        let nested = signed.pointer("/credentialSubject/verifiableCredential").and_then(|v| v.as_array());
        let names = export::credential_files(signed).into_iter().map(|(name, _)| name.replace(".json", ".jwt"));
        let mut files = vec![("clr.jwt".to_string(), jwt(signed))];
        files.extend(names.zip(nested.into_iter().flatten()).map(|(name, c)| (name, jwt(c))));
        files
    }

    /// The learner's PDF and HTML views (`Err`: why rendering failed).
    fn render(&self, view: &TranscriptView) -> Result<(Vec<u8>, Vec<u8>), String> {
        let pdf = render::pdf(view, &self.rendering.fonts, self.rendering.templates.layout())
            .map_err(|e| format!("the PDF cannot be rendered: {e}"))?;
        let html = render::html(view, &self.rendering.templates)
            .map_err(|e| format!("the HTML cannot be rendered: {e}"))?
            .into_bytes();
        Ok((pdf, html))
    }

    /// Hands the files (path in the learner's directory, bytes, SHA-256 when already hashed) to the writers,
    /// which write them atomically, then record the learner in the journal. The first file's buffer is reused.
    fn write(
        &self,
        id: &str,
        directory: &str,
        inputs: &str,
        counts: BTreeMap<String, usize>,
        files: Vec<(String, Vec<u8>, Option<String>)>,
    ) -> anyhow::Result<LearnerEntry> {
        let relative: Vec<String> = files.iter().map(|(name, _, _)| format!("learners/{directory}/{name}")).collect();
        let entries = relative.iter().zip(&files).map(|(relative, (_, bytes, sha256))| {
            let sha256 = sha256.clone().unwrap_or_else(|| export::hex_sha256(bytes));
            file_entry_hashed(relative, bytes, sha256)
        });
        let entry = LearnerEntry {
            id: id.to_string(),
            directory: directory.to_string(),
            inputs: inputs.to_string(),
            files: entries.collect(),
            counts,
        };
        let files = relative.iter().zip(files).map(|(r, (_, bytes, _))| (self.out.join(r), bytes)).collect();
        self.writers.submit(Job { files, entry: entry.clone() })?;
        Ok(entry)
    }
}

/// Whether the file at `path` is the one `entry` records: its size first (no read when it differs), then
/// its SHA-256.
fn on_disk(path: &Path, entry: &FileEntry) -> bool {
    let same_size = std::fs::metadata(path).is_ok_and(|m| m.len() == entry.bytes);
    same_size && std::fs::read(path).is_ok_and(|bytes| export::hex_sha256(&bytes) == entry.sha256)
}

/// Why a learner with rejected rows is not built.
fn rejected_reason(origins: &[xtranscript::diag::Origin]) -> String {
    let shown: Vec<String> = origins.iter().take(5).map(ToString::to_string).collect();
    let more = origins.len().saturating_sub(shown.len());
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!(
        "{} row(s) of the learner rejected ({}{more}); a transcript without them would be incomplete: fix them (see the diagnostics) and build again",
        origins.len(),
        shown.join(", ")
    )
}

/// Credentials in the CLR, by kind.
fn counts(assembled: &Assembled<'_>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for c in &assembled.nested {
        let kind = match c.credential_subject.achievement.achievement_type.as_str() {
            "Course" => "courses",
            "Competency" => "competencies",
            "ext:AcademicTerm" => "terms",
            "ext:AcademicRecord" => "summaries",
            _ => "awards",
        };
        *counts.entry(kind.to_string()).or_insert(0) += 1;
    }
    counts.insert("credentials".to_string(), assembled.nested.len() + 1);
    counts
}
