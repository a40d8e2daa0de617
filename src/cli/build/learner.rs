//! One learner of a build: assemble, sign, render, write; or keep what an earlier run made; or report why
//! the learner cannot be built. Called from worker threads: everything it touches is shared read-only,
//! except the journal (behind a lock).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use anyhow::Context;
use xtranscript::assemble::{Assembled, Assembler};
use xtranscript::batch::{self, Journal, Reuse};
use xtranscript::export::{self, Failure, LearnerEntry, file_entry};
use xtranscript::issuer::Signer;
use xtranscript::render::{self, Verification, transcript_view};

use super::setup::Rendering;

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
    /// The journal, appended to after each learner's files are in place.
    pub journal: &'a Mutex<std::fs::File>,
}

impl Worker<'_> {
    /// Builds (or keeps) the learner `id`, whose directory is `directory`. Only an I/O error writing the
    /// outputs or the journal is fatal (`Err`); anything wrong with the learner is a [`Outcome::Failed`].
    pub fn learner(&self, id: &str, directory: &str) -> anyhow::Result<Outcome> {
        let failed = |reason: String| Ok(Outcome::Failed(Failure { id: id.to_string(), reason }));
        if let Some(origins) = self.assembler.records.rejected.get(id) {
            return failed(rejected_reason(origins));
        }
        let Some((learner, records, awards)) = self.assembler.inputs_of(id) else {
            return failed("the learner is not in learners.csv".to_string());
        };
        let inputs = batch::learner_fingerprint(learner, &records, &awards);
        let size = |relative: &str| std::fs::metadata(self.out.join(relative)).ok().map(|m| m.len());
        if let Reuse::Keep(entry) = batch::reuse(self.earlier, id, &inputs, self.force, size) {
            return Ok(Outcome::Kept(entry));
        }
        let Some(assembled) = self.assembler.learner(id) else {
            return failed("the learner is not in learners.csv".to_string());
        };
        let created = self.assembler.issued_at.to_string();
        let signed = match self.signer.sign_transcript(
            assembled.nested.iter().map(|c| serde_json::to_value(c).unwrap_or_default()).collect(),
            |nested| assembled.clr_with(nested),
            &created,
        ) {
            Ok(signed) => signed,
            Err(e) => return failed(format!("signing failed: {e}")),
        };
        let files = match self.render(directory, &assembled, &signed) {
            Ok(files) => files,
            Err(reason) => return failed(reason),
        };
        let entry = self.write(id, directory, &inputs, &assembled, files)?;
        Ok(Outcome::Built(entry))
    }

    /// The learner's files: the signed CLR, its PDF and HTML views (`Err`: why rendering failed).
    fn render(
        &self,
        directory: &str,
        assembled: &Assembled<'_>,
        signed: &serde_json::Value,
    ) -> Result<[(String, Vec<u8>); 3], String> {
        let mut clr = serde_json::to_vec(signed).map_err(|e| e.to_string())?;
        clr.push(b'\n');
        let clr_sha256 = export::hex_sha256(&clr);
        let labels = self.rendering.templates.labels();
        let view = transcript_view(self.assembler, assembled, labels, Verification { clr_sha256: &clr_sha256 });
        let pdf = render::pdf(&view, &self.rendering.fonts, self.rendering.templates.layout())
            .map_err(|e| format!("the PDF cannot be rendered: {e}"))?;
        let html = render::html(&view, &self.rendering.templates)
            .map_err(|e| format!("the HTML cannot be rendered: {e}"))?
            .into_bytes();
        Ok([
            (format!("learners/{directory}/clr.json"), clr),
            (format!("learners/{directory}/transcript.pdf"), pdf),
            (format!("learners/{directory}/transcript.html"), html),
        ])
    }

    /// Writes the files atomically, then records the learner in the journal.
    fn write(
        &self,
        id: &str,
        directory: &str,
        inputs: &str,
        assembled: &Assembled<'_>,
        files: [(String, Vec<u8>); 3],
    ) -> anyhow::Result<LearnerEntry> {
        let paths: Vec<_> = files.iter().map(|(relative, _)| self.out.join(relative)).collect();
        let batch: Vec<(&Path, &[u8])> = paths.iter().zip(&files).map(|(p, (_, b))| (p.as_path(), &b[..])).collect();
        export::write_all_atomic(&batch).with_context(|| format!("writing {}", paths[0].display()))?;
        let entry = LearnerEntry {
            id: id.to_string(),
            directory: directory.to_string(),
            inputs: inputs.to_string(),
            files: files.iter().map(|(relative, bytes)| file_entry(relative, bytes)).collect(),
            counts: counts(assembled),
        };
        let mut journal = self.journal.lock().map_err(|_| anyhow::anyhow!("the journal lock is poisoned"))?;
        journal.write_all(&Journal::entry(&entry)).context("writing the build journal")?;
        Ok(entry)
    }
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
