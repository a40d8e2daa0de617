//! xtranscript: registrar exports and competency frameworks in, signed extended
//! transcripts out.
//!
//! The pipeline, one module a stage, each depending only on those before it:
//!
//! ```text
//! ingest ─→ model ─→ graph ─→ assemble ─→ sign ─→ render ─→ export
//! CSV, PESC  typed    competency  CLR 2.0 /   Data       PDF,     bytes
//! XML, CASE  records  graph,      OB 3.0      Integrity  HTML     + one
//! JSON/CSV   + CASE   mastery     JSON-LD     proofs              writer
//! ```
//!
//! - [`diag`]: diagnostics as data (file:line:column, stable code, help).
//! - [`config`]: `institution.toml`, the institution's settings and column mapping.
//! - [`model`]: the typed records and frameworks every stage shares.
//! - [`ingest`]: reads an input directory (or single PESC / CASE files) into the model.
//! - [`graph`]: the competency graph; per-learner mastery, roll-up, crosswalks, evidence trails.
//! - [`assemble`]: each learner's CLR 2.0 ClrCredential of OB 3.0 AchievementCredentials; GPA and credits.
//! - [`sign`]: W3C Data Integrity proofs (eddsa-rdfc-2022, eddsa-jcs-2022): sign, verify, did:key keys.
//! - [`status`]: Bitstring Status Lists: the lists, their signed credentials, the status check of `verify`.
//! - [`issuer`]: the issuer's key files, DID and verification method, did:web DID document.
//! - [`render`]: the human-readable transcript: a typed view model rendered to PDF and HTML.
//! - [`export`]: output bytes (CLR JSON, manifest) and the one atomic writer.
//! - [`batch`]: term-end runs: shards, input fingerprints, the journal an interrupted run resumes from.
//! - [`synth`]: synthetic input directories for benchmarks and scale tests.
//! - [`net`]: the network edge of `verify --online` (HTTPS GETs within limits); no stage uses it.
//!
//! Every stage is a pure function of its inputs: the file system, the clock and
//! randomness are reached only from the binary's edge.

pub mod assemble;
pub mod batch;
pub mod config;
pub mod diag;
pub mod export;
pub mod graph;
pub mod ingest;
pub mod issuer;
pub mod model;
pub mod net;
pub mod render;
pub mod sign;
pub mod status;
pub mod synth;
