//! One learner of a build: assemble, sign, render, hand the files to the writers; or keep what an earlier run
//! made; or report why the learner cannot be built. Called from worker threads: everything it touches is
//! shared read-only, except the write queue.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

use xtranscript::assemble::{Assembled, Assembler};
use xtranscript::batch::{self, Reuse};
use xtranscript::diag::Diagnostic;
use xtranscript::export::pesc::{self, Destination};
use xtranscript::export::{self, Failure, FileEntry, LearnerEntry, Output, bake, file_entry_hashed};
use xtranscript::issuer::Signer;
use xtranscript::model::Records;
use xtranscript::render::{self, TranscriptView, Verification, transcript_view};
use xtranscript::status::issue::Claim;

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
    /// The key and `kid` of the JWTs.
    pub jwt: &'a xtranscript::issuer::JwtSigner,
    /// The images to bake award credentials into, by achievement id.
    pub badge_images: &'a BTreeMap<String, Vec<u8>>,
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
    /// The files to write, in order.
    pub outputs: &'a [Output],
    /// How transcript.xml is written.
    pub pesc: PescSettings<'a>,
    /// Whether the run has status lists: [`Worker::prepare`] then says each credential's status claims.
    pub with_status: bool,
    /// With `[site]`: the site secret and `verification_url`, whose page addresses the PDF and HTML print.
    pub site: Option<(&'a xtranscript::export::site::SiteSecret, &'a str)>,
}

/// A learner after [`Worker::prepare`].
pub enum Prepared<'a> {
    /// Failed or kept: nothing to build.
    Decided(Outcome),
    /// To build (boxed: an assembly is large next to an outcome).
    Build(Box<Assembly<'a>>),
}

/// A learner assembled once, for both its status placement and its signing.
pub struct Assembly<'a> {
    /// The fingerprint of the learner's inputs.
    inputs: String,
    assembled: Assembled<'a>,
    /// Their status claims, then the CLR's (with status lists only).
    claims: Option<Vec<Claim>>,
}

impl Prepared<'_> {
    /// The status claims of a learner to build (`None`: failed, kept, or no status lists).
    pub fn claims(&self) -> Option<&[Claim]> {
        match self {
            Prepared::Build(assembly) => assembly.claims.as_deref(),
            Prepared::Decided(_) => None,
        }
    }
}

/// What every learner's transcript.xml shares.
pub struct PescSettings<'a> {
    /// The organization it is addressed to (`None`: the learner).
    pub destination: Option<&'a Destination>,
    /// Official (not signed with a demo key).
    pub official: bool,
    /// What could not be written exactly.
    pub notices: &'a Mutex<Notices>,
}

/// What transcript.xml files could not say exactly: the first [`Notices::KEPT`] distinct notices, and how
/// many others there were (bounded memory, however many learners).
#[derive(Debug, Default)]
pub struct Notices {
    /// The notices kept, each once.
    pub kept: BTreeSet<String>,
    /// How many notices were not kept.
    pub more: usize,
}

impl Notices {
    /// The most distinct notices kept.
    pub const KEPT: usize = 20;

    fn add(&mut self, notice: String) {
        if self.kept.len() < Self::KEPT || self.kept.contains(&notice) {
            self.kept.insert(notice);
        } else {
            self.more += 1;
        }
    }
}

impl<'a> Worker<'a> {
    /// The first half of a learner: whether it fails (rows rejected, unknown) or is kept from an earlier
    /// run, else its one assembly, its nested credentials as JSON and (when the run has status lists) their
    /// status claims. Parallel; the placement of a batch of learners comes between this and [`Worker::build`].
    pub fn prepare(&self, id: &str) -> Prepared<'a> {
        let failed = |reason: String| Prepared::Decided(Outcome::Failed(Failure { id: id.to_string(), reason }));
        if let Some(origins) = self.assembler.records.rejected.get(id) {
            return failed(rejected_reason(origins));
        }
        let Some((learner, records, awards)) = self.assembler.inputs_of(id) else {
            return failed("the learner is not in learners.csv".to_string());
        };
        let inputs = batch::learner_fingerprint(learner, &records, &awards);
        let on_disk = |file: &FileEntry| on_disk(&self.out.join(&file.path), file);
        if let Reuse::Keep(entry) = batch::reuse(self.earlier, id, &inputs, self.force, on_disk) {
            return Prepared::Decided(Outcome::Kept(entry));
        }
        let Some(assembled) = self.assembler.learner(id) else {
            return failed("the learner is not in learners.csv".to_string());
        };
        let claims = self.with_status.then(|| super::status::learner_claims(&assembled, &nested_json(&assembled)));
        Prepared::Build(Box::new(Assembly { inputs, assembled, claims }))
    }

    /// The second half of a learner (see [`Worker::prepare`]): sign, render, hand the files to the writers,
    /// with the status entries of `placements`. Only an I/O error writing the outputs or the journal (seen by a
    /// writer, maybe for an earlier learner) is fatal (`Err`); anything wrong with the learner is a
    /// [`Outcome::Failed`].
    pub fn build(
        &self,
        id: &str,
        directory: &str,
        prepared: Prepared<'_>,
        placements: Option<&super::status::Placements>,
    ) -> anyhow::Result<Outcome> {
        let failed = |reason: String| Ok(Outcome::Failed(Failure { id: id.to_string(), reason }));
        let Assembly { inputs, assembled, claims: _ } = match prepared {
            Prepared::Decided(outcome) => return Ok(outcome),
            Prepared::Build(assembly) => *assembly,
        };
        let counts = counts(&assembled);
        // The view prints the digest of the signed clr.json: it is filled in once the text is written.
        let rendered = self.outputs.iter().any(|o| matches!(o, Output::Pdf | Output::Html));
        let view = rendered.then(|| view_of(self.assembler, &assembled, self.rendering));
        let created = self.assembler.issued_at.to_string();
        let mut nested = nested_json(&assembled);
        placements.inspect(|s| s.attach(id, &mut nested));
        let wrap = |nested| {
            let mut clr = assembled.clr_with(nested);
            placements.inspect(|s| s.attach_clr(id, &mut clr));
            clr
        };
        let signed = match self.signer.sign_transcript(nested, wrap, &created) {
            Ok(signed) => signed,
            Err(e) => return failed(format!("signing failed: {e}")),
        };
        // A re-issued CLR has a new id: the printed verification link follows it.
        let mut view = view;
        let clr_id = signed.get("id").and_then(serde_json::Value::as_str).unwrap_or(&assembled.clr.id);
        if let Some(view) = &mut view {
            view.verification.url = match self.site {
                Some((secret, base)) => export::site::page_url(base, &export::site::token(secret, clr_id)),
                None => view.verification.url.replace(&assembled.clr.id, clr_id),
            };
            view.verification.status_lists =
                export::site::status_entries(&signed).into_iter().map(|(_, list, _)| list).collect();
            view.verification.status_lists.dedup();
        }
        let signed = Signed { assembled: &assembled, view, json: signed };
        match self.publish(id, signed) {
            Ok(files) => Ok(Outcome::Built(self.write(id, directory, &inputs, counts, files)?)),
            Err(reason) => failed(reason),
        }
    }

    /// Serializes the signed CLR (freed once it is text) and makes the chosen outputs: the PDF and HTML of the
    /// view and the PESC transcript, both with the digest of that text. `Err`: why the learner cannot be built.
    fn publish(&self, id: &str, signed: Signed<'_, '_>) -> Result<Vec<OutputFile>, String> {
        let mut clr_json = self.writers.buffer();
        serde_json::to_writer(&mut clr_json, &signed.json).map_err(|e| format!("clr.json: {e}"))?;
        clr_json.push(b'\n');
        // One file per nested credential (and JWTs of them), taken from the signed CLR before it is freed.
        let mut credentials = export::credential_files(&signed.json);
        if self.securing != super::Securing::Di {
            credentials.extend(self.jwts(&signed.json));
        }
        let badges = self.badges(&signed.json, &credentials)?;
        credentials.extend(badges);
        drop(signed.json);
        let clr_sha256 = export::hex_sha256(&clr_json);
        let mut view = signed.view;
        if let Some(view) = &mut view {
            view.verification.clr_sha256.clone_from(&clr_sha256);
        }
        // transcript.xml first: the PDF carries it beside the signed CLR.
        let pesc = match self.outputs.contains(&Output::Pesc) {
            true => Some(self.pesc(signed.assembled, &clr_sha256)?),
            false => None,
        };
        let mut attachments = vec![render::Attachment::signed_clr(&clr_json)];
        attachments.extend(pesc.as_deref().map(render::Attachment::pesc_transcript));
        let mut rendered = Vec::with_capacity(2);
        for &output in self.outputs {
            match (output, &view) {
                (Output::Pdf, Some(view)) => rendered.push(self.pdf(id, view, &attachments)?),
                (Output::Html, Some(view)) => rendered.push(self.html(id, view)?),
                _ => {}
            }
        }
        drop(attachments);
        let (mut clr_json, mut pesc) = (Some(clr_json), pesc);
        // The rendered files, in the order of `self.outputs`.
        let mut rendered = rendered.into_iter();
        let mut files = Vec::with_capacity(self.outputs.len());
        for &output in self.outputs {
            let (bytes, sha256) = match output {
                Output::Clr => (clr_json.take().unwrap_or_default(), Some(clr_sha256.clone())),
                Output::Pesc => (pesc.take().unwrap_or_default(), None),
                Output::Pdf | Output::Html if view.is_some() => (rendered.next().unwrap_or_default(), None),
                Output::Pdf | Output::Html => continue,
            };
            files.push(OutputFile { name: output.file_name().to_string(), bytes, sha256 });
        }
        // The credential files go with clr.json.
        if self.outputs.contains(&Output::Clr) {
            files.extend(credentials.into_iter().map(|(name, bytes)| OutputFile { name, bytes, sha256: None }));
        }
        Ok(files)
    }

    /// `clr.jwt` and `credentials/<kind>-<key>.jwt` for each credential (names as [`export::credential_files`]).
    fn jwts(&self, signed: &serde_json::Value) -> Vec<(String, Vec<u8>)> {
        let keep_proof = self.securing == super::Securing::Both;
        let (key, kid) = (&self.jwt.key, self.jwt.kid.as_str());
        let jwt = |c: &serde_json::Value| xtranscript::sign::jose::vc_jwt(c, keep_proof, key, kid).into_bytes();
        let nested = signed.pointer("/credentialSubject/verifiableCredential").and_then(|v| v.as_array());
        let names = export::credential_files(signed).into_iter().map(|(name, _)| name.replace(".json", ".jwt"));
        let mut files = vec![("clr.jwt".to_string(), jwt(signed))];
        files.extend(names.zip(nested.into_iter().flatten()).map(|(name, c)| (name, jwt(c))));
        files
    }

    /// `badges/award-<key>.png|svg`: each award credential whose achievement has an image file, baked into it
    /// (OB 3.0 §5.3): the credential's JSON file (`--securing di|both`: its Data Integrity proof) or its JWT
    /// (`--securing jwt`), byte for byte. `files` are the credential files, JSON in CLR order, then the JWTs.
    fn badges(
        &self,
        signed: &serde_json::Value,
        files: &[(String, Vec<u8>)],
    ) -> Result<Vec<(String, Vec<u8>)>, String> {
        let nested = signed.pointer("/credentialSubject/verifiableCredential").and_then(|v| v.as_array());
        let Some(nested) = nested.filter(|_| !self.badge_images.is_empty()) else { return Ok(Vec::new()) };
        let mut badges = Vec::new();
        for (i, credential) in nested.iter().enumerate() {
            let achievement = credential.pointer("/credentialSubject/achievement/humanCode").and_then(|v| v.as_str());
            let image = achievement.and_then(|a| self.badge_images.get(a));
            let (Some(image), "award") = (image, export::credential_kind(credential)) else { continue };
            let (name, json) = &files[i];
            let text = match (self.securing, files.get(nested.len() + 1 + i)) {
                (super::Securing::Jwt, Some((jwt_name, jwt))) if *jwt_name == name.replace(".json", ".jwt") => jwt,
                (super::Securing::Jwt, _) => return Err(format!("{name}: no JWT of it to bake")),
                _ => json,
            };
            let text = std::str::from_utf8(text).map_err(|e| format!("{name}: {e}"))?;
            let (kind, baked) = bake::bake(image, text).map_err(|e| format!("baking {name}: {e}"))?;
            let stem = name.trim_start_matches("credentials/").trim_end_matches(".json");
            badges.push((format!("badges/{stem}.{}", kind.extension()), baked));
        }
        Ok(badges)
    }

    /// The learner's PDF, carrying `attachments` (`Err`: why rendering failed, as `check` reports it).
    fn pdf(&self, id: &str, view: &TranscriptView, attachments: &[render::Attachment<'_>]) -> Result<Vec<u8>, String> {
        render_pdf(self.rendering, self.assembler.records, id, view, attachments).map_err(|d| d.summary())
    }

    /// The learner's HTML (`Err`: why rendering failed, as `check` reports it).
    fn html(&self, id: &str, view: &TranscriptView) -> Result<Vec<u8>, String> {
        render_html(self.rendering, self.assembler.records, id, view).map_err(|d| d.summary())
    }

    /// The learner's PESC College Transcript, pointing at the signed CLR whose digest is `clr_sha256`; what it
    /// could not say exactly is noted for the end of the run.
    fn pesc(&self, assembled: &Assembled<'_>, clr_sha256: &str) -> Result<Vec<u8>, String> {
        let request = pesc::Request { destination: self.pesc.destination, official: self.pesc.official, clr_sha256 };
        let document = pesc::college_transcript(self.assembler, assembled, &request, Vec::new())
            .map_err(|e| format!("transcript.xml cannot be written: {e}"))?;
        if !document.notices.is_empty()
            && let Ok(mut notices) = self.pesc.notices.lock()
        {
            for notice in &document.notices {
                notices.add(notice.to_string());
            }
        }
        Ok(document.bytes)
    }

    /// Hands the files to the writers, which write them atomically, then record the learner in the journal.
    fn write(
        &self,
        id: &str,
        directory: &str,
        inputs: &str,
        counts: BTreeMap<String, usize>,
        files: Vec<OutputFile>,
    ) -> anyhow::Result<LearnerEntry> {
        let relative: Vec<String> = files.iter().map(|f| format!("learners/{directory}/{}", f.name)).collect();
        let entries = relative.iter().zip(&files).map(|(relative, file)| {
            let sha256 = file.sha256.clone().unwrap_or_else(|| export::hex_sha256(&file.bytes));
            file_entry_hashed(relative, &file.bytes, sha256)
        });
        let entry = LearnerEntry {
            id: id.to_string(),
            directory: directory.to_string(),
            inputs: inputs.to_string(),
            files: entries.collect(),
            counts,
        };
        let files = relative.iter().zip(files).map(|(r, file)| (self.out.join(r), file.bytes)).collect();
        self.writers.submit(Job { files, entry: entry.clone() })?;
        Ok(entry)
    }
}

/// The nested credentials of a learner as JSON, in transcript order (made when needed, not kept: as JSON
/// they take several times the memory of the assembly).
fn nested_json(assembled: &Assembled<'_>) -> Vec<serde_json::Value> {
    assembled.nested.iter().map(|c| serde_json::to_value(c).unwrap_or_default()).collect()
}

/// The view a learner's PDF and HTML are rendered from (the digest of the signed clr.json is filled in later).
pub fn view_of(assembler: &Assembler<'_>, assembled: &Assembled<'_>, rendering: &Rendering) -> TranscriptView {
    let labels = rendering.templates.labels();
    let mut view = transcript_view(assembler, assembled, labels, Verification { clr_sha256: "" });
    view.institution.logo.clone_from(&rendering.logo);
    view
}

/// The learner's PDF, carrying `attachments` (`Err`: the diagnostic that fails the learner; `check` reports the
/// same).
fn render_pdf(
    rendering: &Rendering,
    records: &Records,
    id: &str,
    view: &TranscriptView,
    attachments: &[render::Attachment<'_>],
) -> Result<Vec<u8>, Diagnostic> {
    render::pdf_with(view, &rendering.fonts, rendering.templates.layout(), attachments)
        .map_err(|e| batch::unrenderable(records, id, "PDF", &e))
}

/// The learner's HTML (`Err`: the diagnostic that fails the learner; `check` reports the same).
fn render_html(
    rendering: &Rendering,
    records: &Records,
    id: &str,
    view: &TranscriptView,
) -> Result<Vec<u8>, Diagnostic> {
    let html = render::html(view, &rendering.templates).map_err(|e| batch::unrenderable(records, id, "HTML", &e))?;
    Ok(html.into_bytes())
}

/// The learner's PDF and HTML (`Err`: the diagnostic that fails the learner; `check` reports the same).
pub fn render_learner(
    rendering: &Rendering,
    records: &Records,
    id: &str,
    view: &TranscriptView,
) -> Result<(Vec<u8>, Vec<u8>), Diagnostic> {
    Ok((render_pdf(rendering, records, id, view, &[])?, render_html(rendering, records, id, view)?))
}

/// A learner's signed CLR with what the other outputs are made from.
struct Signed<'s, 'a> {
    assembled: &'s Assembled<'a>,
    /// The view of the PDF and HTML, when either is written.
    view: Option<TranscriptView>,
    json: serde_json::Value,
}

/// One file of a learner: its name in the learner's directory, bytes and SHA-256 when already known.
struct OutputFile {
    name: String,
    bytes: Vec<u8>,
    sha256: Option<String>,
}

/// Whether the file at `path` is the one `entry` records: its size first (no read when it differs), then
/// its SHA-256.
fn on_disk(path: &Path, entry: &FileEntry) -> bool {
    let same_size = std::fs::metadata(path).is_ok_and(|m| m.len() == entry.bytes);
    same_size
        && xtranscript::ingest::files::read_limited(path, entry.bytes)
            .is_ok_and(|bytes| export::hex_sha256(&bytes) == entry.sha256)
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
