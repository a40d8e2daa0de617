//! `xtranscript build INPUT --out OUT`: every learner's transcript (signed CLR, PDF, HTML) and the
//! manifest, in parallel, resumable, optionally one shard of a run split across machines.

pub(super) mod learner;
mod progress;
pub(super) mod setup;
mod state;
mod status;
mod writer;

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use rayon::prelude::*;
use xtranscript::assemble::Assembler;
use xtranscript::batch::{self, Shard};
use xtranscript::config::Config;
use xtranscript::diag::{Diagnostics, Severity};
use xtranscript::export::pesc::Destination;
use xtranscript::export::{self, Failure, FileEntry, LearnerEntry, Manifest, Output, Withdrawn};
use xtranscript::ingest::Input;
use xtranscript::issuer::Signer;
use xtranscript::model::Timestamp;

use self::learner::{Outcome, Prepared, Worker};
use self::progress::Progress;
use self::setup::{Rendering, Shared};
use self::state::RunFiles;
use self::writer::Writers;
use super::{EXIT_FATAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS, load_linked_subset};

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The input directory (with institution.toml).
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// The output directory.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// The issue date of every credential (RFC 3339). Default: SOURCE_DATE_EPOCH, then
    /// [transcript] issued_at in institution.toml, then the current time.
    #[arg(long, value_name = "DATETIME")]
    issued_at: Option<String>,
    /// The issuer's signing key (default: institution.key_file). See `xtranscript keygen`.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Sign with an ephemeral key made for this run (for trying xtranscript out; the
    /// issuer becomes that key's did:key). Recorded in the manifest.
    #[arg(long, conflicts_with = "key")]
    demo_key: bool,
    /// Cryptosuite(s) of the proofs.
    #[arg(long, value_enum, default_value = "rdfc")]
    suite: SuiteArg,
    /// How credentials are secured: `di` embedded Data Integrity proofs (clr.json, credentials/*.json);
    /// `jwt` also clr.jwt and credentials/*.jwt (vc+jwt; EdDSA, or the --jwt-key's ES256 / RS256) without the
    /// proof in the payload; `both` the same JWTs with the Data Integrity proof inside. Award badges (badges/)
    /// hold the JSON, or with `jwt` the JWT.
    #[arg(long, value_enum, default_value = "di")]
    securing: Securing,
    /// Sign the JWTs with this key instead of the Ed25519 key: a P-256 (ES256) or RSA (RS256) PKCS#8 PEM key
    /// from `keygen --alg p256|rsa`. Needs `--securing jwt|both` and a did:web issuer, whose DID document
    /// (`did-document --jwt-key`) lists it. Data Integrity proofs stay Ed25519 (eddsa).
    #[arg(long, value_name = "FILE")]
    jwt_key: Option<PathBuf>,
    /// A directory of template overrides (transcript.html, style.css, labels.toml, layout.toml).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Fallback font files for scripts DejaVu lacks (CJK …), in order; default: `[transcript] fonts`, else the
    /// standard Debian fonts.
    #[arg(long = "font", value_name = "FILE")]
    fonts: Vec<PathBuf>,
    /// Worker threads (default: one per CPU).
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Build only shard K of N (1 ≤ K ≤ N): a fixed subset of the learners, chosen by a hash of their id,
    /// so N machines split one run. Writes manifest-shard-K-of-N.json; join them with `merge-manifests`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Rebuild every learner, even those an earlier run built from the same inputs and settings.
    #[arg(long)]
    force: bool,
    /// Load and build the learners in this many parts, to bound memory (default: one part per 32 MB of
    /// learner records in the input).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    parts: Option<u16>,
    /// No progress on stderr (problems are still reported).
    #[arg(long, short)]
    quiet: bool,
    /// The files to write per learner, comma-separated: clr (clr.json), pdf (transcript.pdf), html
    /// (transcript.html), pesc (transcript.xml, PESC College Transcript 1.8.0).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_output, default_value = "clr,pdf,html,pesc")]
    outputs: Vec<Output>,
    /// Address transcript.xml to this organization (a transcript request) instead of the learner:
    /// `NAME[;KIND=VALUE]…`, e.g. "University of Toronto;ATP=001234".
    #[arg(long, value_name = "ORG", value_parser = Destination::parse)]
    pesc_destination: Option<Destination>,
}

fn parse_output(text: &str) -> Result<Output, String> {
    Output::parse(text).ok_or_else(|| format!("{text:?} is not one of clr, pdf, html, pesc"))
}

impl BuildArgs {
    /// The chosen outputs, in file order, each once.
    fn outputs(&self) -> Vec<Output> {
        let mut outputs = self.outputs.clone();
        outputs.sort();
        outputs.dedup();
        outputs
    }
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    Shard::parse(text).ok_or_else(|| format!("{text:?} is not K/N with 1 ≤ K ≤ N (e.g. 3/8)"))
}

/// Which proofs to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SuiteArg {
    /// eddsa-rdfc-2022 (what 1EdTech certification requires).
    Rdfc,
    /// eddsa-jcs-2022.
    Jcs,
    /// Both, as a proof set.
    Both,
}

/// How credentials are secured (`--securing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Securing {
    /// Embedded Data Integrity proofs only.
    Di,
    /// Also JWTs of the credentials without their proof.
    Jwt,
    /// Also JWTs of the credentials with their proof.
    Both,
}

/// Input bytes of learner records (CSV rows, PESC transcripts) loaded at a time: a larger run is loaded and
/// built in parts of about this size, so memory stays bounded whatever the size of the run.
const PART_INPUT_BYTES: u64 = 32 << 20;

/// Runs `build`: the input is loaded in parts (one unless it is large, or `--parts`), each part's learners
/// built in parallel; the manifest is written once all are done.
pub fn run(args: &BuildArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let shard = args.shard.unwrap_or(Shard::ALL);
    let parts = args.parts.map_or_else(|| auto_parts(&args.input, shard), u32::from);
    let interrupted = interrupt_flag();
    let mut reported = Reported::default();
    let mut run: Option<RunState> = None;
    let (mut outcomes, mut failures) = (Vec::new(), Vec::new());
    let mut taken = BTreeMap::new();
    for part in 1..=parts {
        let (input, graph, diags) = load_linked_subset(std::slice::from_ref(&args.input), &shard.part(part, parts));
        reported.print_new(&diags)?;
        let Some(config) = input.config.as_ref() else {
            bail!("{} is not an input directory with a valid institution.toml", args.input.display());
        };
        if !input.blocking.is_empty() {
            return Ok(stopped(
                &reported,
                "an input every learner depends on was refused or could not be read",
                &input.blocking,
            ));
        }
        if run.is_none() {
            let mut setup_diags = Diagnostics::new();
            let started = RunState::start(args, &input, config, shard, &mut setup_diags)?;
            reported.print_new(&setup_diags)?;
            let Some(started) = started else {
                let errors = setup_diags.iter().filter(|d| d.severity == Severity::Error);
                let places: Vec<_> = errors.filter_map(|d| d.origin.clone()).collect();
                return Ok(stopped(&reported, "the fonts, logo, templates or key cannot be used", &places));
            };
            run = Some(started);
        }
        let state = run.as_ref().expect("started");
        let mut assembler = Assembler::new(
            config,
            &input.records,
            &input.frameworks,
            &graph,
            state.signer.issuer_id.clone(),
            state.issued_at,
            state.salt_secret.clone(),
        );
        assembler.specimen = args.demo_key;
        let batch::Directories { todo, refused } = batch::directories(&input.records, &mut taken);
        let mut refusals = Diagnostics::new();
        for (id, diagnostic) in refused {
            failures.push(Failure { id, reason: diagnostic.summary() });
            refusals.push(diagnostic);
        }
        reported.print_new(&refusals)?;
        let label = (parts > 1).then(|| format!("part {part}/{parts}: "));
        let progress = Progress::new(todo.len() as u64, args.quiet, label.unwrap_or_default());
        let pool = worker_pool(args.jobs)?;
        BUILDING.store(true, Ordering::SeqCst);
        if interrupted.load(Ordering::SeqCst) {
            BUILDING.store(false, Ordering::SeqCst);
            break;
        }
        let issued = state.issued_at.to_string();
        let built = std::thread::scope(|scope| {
            let writers = Writers::start(scope, pool.current_num_threads(), &state.journal);
            let worker = state.worker(args, &assembler, &writers);
            let status = state.status.as_ref().map(|s| (s, args.out.as_path(), issued.as_str()));
            let built = build_all(&pool, &worker, status, &todo, &progress, interrupted);
            // Every learner handed in is on disk (and in the journal) before the run goes on.
            writers.finish().and(built)
        });
        BUILDING.store(false, Ordering::SeqCst);
        outcomes.extend(built?);
        progress.finish();
        if interrupted.load(Ordering::SeqCst) {
            break;
        }
    }
    reported.print_count();
    let Some(state) = run else { bail!("nothing was loaded from {}", args.input.display()) };
    state.finish(args, outcomes, failures, interrupted.load(Ordering::SeqCst), reported.errors > 0, started)
}

/// The number of parts to load a run in: the size of the learner record files (everything in the input
/// directory but frameworks), for this shard, over [`PART_INPUT_BYTES`].
fn auto_parts(input: &Path, shard: Shard) -> u32 {
    fn size_below(path: &Path) -> u64 {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => std::fs::read_dir(path)
                .map(|entries| entries.flatten().map(|e| size_below(&e.path())).sum())
                .unwrap_or(0),
            Ok(m) => m.len(),
            Err(_) => 0,
        }
    }
    let bytes: u64 = std::fs::read_dir(input)
        .map(|entries| entries.flatten().filter(|e| e.file_name() != "frameworks").map(|e| size_below(&e.path())).sum())
        .unwrap_or(0);
    let per_shard = bytes / u64::from(shard.count.max(1));
    u32::try_from(per_shard.div_ceil(PART_INPUT_BYTES).max(1)).unwrap_or(u32::MAX)
}

/// Stops the run before anything is signed: says why and which inputs, returns the exit status.
fn stopped(reported: &Reported, why: &str, places: &[xtranscript::diag::Origin]) -> u8 {
    reported.print_count();
    let mut names: Vec<String> = places.iter().map(|o| o.file.display().to_string()).collect();
    names.dedup();
    eprintln!(
        "xtranscript: error: {why} ({}): the run stops before signing anything; nothing was written",
        xtranscript::diag::escape_controls(&names.join(", "))
    );
    EXIT_FATAL
}

/// Diagnostics printed so far: each part of a run reports the shared tables again; they are printed once.
#[derive(Default)]
struct Reported {
    seen: HashSet<String>,
    errors: usize,
    warnings: usize,
}

impl Reported {
    fn print_new(&mut self, diags: &Diagnostics) -> std::io::Result<()> {
        let mut err = std::io::stderr().lock();
        for d in diags.iter() {
            let text = d.to_string();
            if self.seen.insert(text.clone()) {
                writeln!(err, "{text}")?;
                match d.severity {
                    Severity::Error => self.errors += 1,
                    Severity::Warning => self.warnings += 1,
                }
            }
        }
        Ok(())
    }

    fn print_count(&self) {
        if self.errors + self.warnings > 0 {
            eprintln!("{} error(s), {} warning(s)", self.errors, self.warnings);
        }
    }
}

/// What a run sets up once, from its first part: signer, rendering, dates, the lock, earlier results and
/// the journal.
struct RunState {
    signer: Signer,
    rendering: Rendering,
    salt_secret: Vec<u8>,
    issued_at: Timestamp,
    jwt: xtranscript::issuer::JwtSigner,
    badge_images: BTreeMap<String, Vec<u8>>,
    fingerprint: String,
    shard: Shard,
    files: RunFiles,
    _lock: std::fs::File,
    earlier: BTreeMap<String, LearnerEntry>,
    /// Every learner earlier runs of this shard recorded, under any fingerprint.
    recorded: BTreeMap<String, LearnerEntry>,
    journal: Mutex<std::fs::File>,
    inputs: Vec<FileEntry>,
    outputs: Vec<Output>,
    /// What transcript.xml files could not say exactly (values cut to PESC's lengths), each once.
    notices: Mutex<learner::Notices>,
    status: Option<status::StatusRun>,
    /// The site secret (with `[site]`): verification URLs are `verification_url` + a token.
    site_secret: Option<xtranscript::export::site::SiteSecret>,
}

impl RunState {
    /// The manifest's record of the JWT key, when the run signed JWTs with one of their own (`--jwt-key`).
    fn jwt_key_entry(&self, args: &BuildArgs) -> Option<export::JwtKeyEntry> {
        let own =
            args.jwt_key.is_some() && args.securing != Securing::Di && self.jwt.kid != self.signer.verification_method;
        own.then(|| export::JwtKeyEntry {
            kid: self.jwt.kid.clone(),
            alg: self.jwt.key.alg().name().to_string(),
            public_jwk: self.jwt.key.public_jwk(),
        })
    }

    /// Sets the run up; `Ok(None)` when the fonts, logo, templates or key cannot be used (said in `diags`).
    fn start(
        args: &BuildArgs,
        input: &Input,
        config: &Config,
        shard: Shard,
        diags: &mut Diagnostics,
    ) -> anyhow::Result<Option<RunState>> {
        let files =
            setup::SetupFiles { input: &args.input, config, fonts: &args.fonts, templates: args.templates.as_deref() };
        let rendering = setup::rendering(&files, diags);
        let signer = setup::signer(args, config, diags)?;
        let jwt = signer.as_ref().map(|signer| setup::jwt_signer(args, config, signer, diags)).transpose()?.flatten();
        let badge_images = setup::badge_images(&args.input, &input.records, diags);
        let (Some(rendering), Some(signer), Some(jwt), Some(badge_images)) = (rendering, signer, jwt, badge_images)
        else {
            return Ok(None);
        };
        let demo = args.demo_key.then_some(signer.verification_method.as_str());
        let site_secret = match config.site {
            Some(_) => match super::publish::site_secret(&args.input, config, demo, diags) {
                Some(secret) => Some(secret),
                None => return Ok(None),
            },
            None => None,
        };
        for w in &rendering.font_warnings {
            eprintln!("xtranscript: warning: {w}");
        }
        let salt_secret = setup::salt_secret(config);
        let issued_at = setup::issue_date(args, config)?;
        let outputs = args.outputs();
        let shared = Shared {
            input,
            config,
            signer: &signer,
            issued_at,
            salt_secret: &salt_secret,
            rendering: &rendering,
            outputs: &outputs,
            pesc_destination: args.pesc_destination.as_ref(),
        };
        let mut fingerprint = match args.securing {
            Securing::Di => setup::run_fingerprint(&shared),
            other => export::hex_sha256(
                format!("{} securing {other:?} {} {}", setup::run_fingerprint(&shared), jwt.key.alg().name(), jwt.kid)
                    .as_bytes(),
            ),
        };
        // The printed verification URLs depend on the site secret (a value that reveals nothing of it).
        if let Some(secret) = &site_secret {
            fingerprint = export::hex_sha256(format!("{fingerprint} site {}", secret.fingerprint()).as_bytes());
        }
        // The badge images: a changed image makes new badges.
        if !badge_images.is_empty() {
            let digests: Vec<String> =
                badge_images.iter().map(|(id, b)| format!("{id}={}", export::hex_sha256(b))).collect();
            fingerprint = export::hex_sha256(format!("{fingerprint} badges {}", digests.join(",")).as_bytes());
        }
        std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
        let files = RunFiles::new(&args.out, shard);
        let lock = state::lock(&files)?;
        let state::EarlierRuns { finished: earlier, recorded } =
            state::earlier_runs(&files, &fingerprint, shard, args.force)?;
        let journal = Mutex::new(state::start_journal(&files, &fingerprint, shard, &earlier)?);
        let inputs = setup::input_entries(&args.input, &input.files)?;
        let status = status::StatusRun::start(&args.out, config, shard, &salt_secret, args.demo_key)?;
        Ok(Some(RunState {
            signer,
            jwt,
            badge_images,
            rendering,
            salt_secret,
            issued_at,
            fingerprint,
            shard,
            files,
            _lock: lock,
            earlier,
            recorded,
            journal,
            inputs,
            outputs,
            notices: Mutex::default(),
            status,
            site_secret,
        }))
    }

    fn worker<'a>(&'a self, args: &'a BuildArgs, assembler: &'a Assembler<'a>, writers: &'a Writers<'a>) -> Worker<'a> {
        Worker {
            out: &args.out,
            assembler,
            signer: &self.signer,
            jwt: &self.jwt,
            badge_images: &self.badge_images,
            rendering: &self.rendering,
            earlier: &self.earlier,
            force: args.force,
            securing: args.securing,
            writers,
            outputs: &self.outputs,
            pesc: learner::PescSettings {
                destination: args.pesc_destination.as_ref(),
                official: !args.demo_key,
                notices: &self.notices,
            },
            with_status: self.status.is_some(),
            site: self.site_secret.as_ref().zip(assembler.config.transcript.verification_url.as_deref()),
        }
    }

    /// Reports failures, then writes the manifest (unless interrupted) and returns the exit status.
    fn finish(
        self,
        args: &BuildArgs,
        outcomes: Vec<Outcome>,
        mut failures: Vec<Failure>,
        interrupted: bool,
        input_errors: bool,
        started: Instant,
    ) -> anyhow::Result<u8> {
        let tally = Tally::of(&outcomes);
        let mut learners = Vec::new();
        for outcome in outcomes {
            match outcome {
                Outcome::Built(entry) | Outcome::Kept(entry) => learners.push(entry),
                Outcome::Failed(failure) => failures.push(failure),
            }
        }
        failures.sort_by(|a, b| a.id.cmp(&b.id));
        report_notices(&self.notices);
        for f in &failures {
            eprintln!("xtranscript: error: learner {:?} not built: {}", f.id, f.reason);
        }
        if interrupted {
            eprintln!(
                "xtranscript: interrupted: {} learner(s) done and recorded in {}; run the same command again to resume",
                tally.built + tally.kept,
                self.files.journal.display()
            );
            return Ok(EXIT_INTERRUPTED);
        }
        let withdrawn = batch::withdrawn(&self.recorded, &learners);
        for learner in &withdrawn {
            state::withdraw(&args.out, learner)?;
        }
        report_withdrawn(&withdrawn, &args.out);
        let revoked = self.status.as_ref().map(|s| s.finish(&self.signer, &self.issued_at.to_string())).transpose()?;
        let jwt_key = self.jwt_key_entry(args);
        let manifest = Manifest {
            generator: format!("xtranscript {}", env!("CARGO_PKG_VERSION")),
            issued_at: self.issued_at,
            issuer: self.signer.issuer_id.clone(),
            verification_method: self.signer.verification_method.clone(),
            cryptosuites: self.signer.suites.iter().map(|s| s.cryptosuite().to_string()).collect(),
            demo_key: args.demo_key,
            fingerprint: self.fingerprint,
            shard: (!self.shard.is_all()).then(|| self.shard.to_string()),
            outputs: self.outputs.iter().map(|o| o.name().to_string()).collect(),
            inputs: self.inputs,
            learners,
            failures,
            withdrawn,
            revoked: revoked.unwrap_or_default(),
            jwt_key,
        };
        export::write_atomic(&self.files.manifest, &manifest.to_bytes())
            .with_context(|| format!("writing {}", self.files.manifest.display()))?;
        let _ = std::fs::remove_file(&self.files.journal);
        eprintln!("xtranscript: {}", summary(&tally, &manifest, &self.files, started));
        publish_site(args, self.shard, &self.signer.key)?;
        Ok(if input_errors || !manifest.failures.is_empty() { EXIT_PROBLEMS } else { EXIT_OK })
    }
}

/// With `[site] dir`, publishes the site of the whole run (a shard's is published once the manifests are merged,
/// with `publish`).
fn publish_site(args: &BuildArgs, shard: Shard, key: &xtranscript::sign::SecretKey) -> anyhow::Result<()> {
    let config = super::publish::load_config(&args.input)?;
    let Some(dir) = config.site.as_ref().and_then(|s| s.dir.as_ref()) else { return Ok(()) };
    if !shard.is_all() {
        eprintln!(
            "xtranscript: note: [site] dir: a shard's site is not published; run `xtranscript publish` after merge-manifests"
        );
        return Ok(());
    }
    let summary = super::publish::publish(&args.out, &args.input, &config, &args.input.join(dir), Some(key), None)?;
    eprintln!("xtranscript: {summary}");
    Ok(())
}

/// Prints what transcript.xml files could not say exactly (each distinct notice once, the first 20).
fn report_notices(notices: &Mutex<learner::Notices>) {
    let Ok(notices) = notices.lock() else { return };
    for notice in &notices.kept {
        eprintln!("xtranscript: warning: transcript.xml: {notice}");
    }
    if notices.more > 0 {
        eprintln!(
            "xtranscript: warning: transcript.xml: and {} more values cut to PESC's lengths (`check` lists them all)",
            notices.more
        );
    }
}

/// Tells which learners of earlier runs this run withdrew, and where their files went.
fn report_withdrawn(withdrawn: &[Withdrawn], out: &Path) {
    const NAMED: usize = 10;
    if withdrawn.is_empty() {
        return;
    }
    let mut ids: Vec<String> = withdrawn.iter().take(NAMED).map(|w| format!("{:?}", w.id)).collect();
    if withdrawn.len() > NAMED {
        ids.push(format!("and {} more", withdrawn.len() - NAMED));
    }
    eprintln!(
        "xtranscript: warning: {} learner(s) built by an earlier run are not built by this one (no longer in the \
         input, or failed now): {}; their files were moved to {} (listed under \"withdrawn\" in the manifest)",
        withdrawn.len(),
        ids.join(", "),
        out.join("withdrawn").display()
    );
}

/// The worker threads: `jobs`, or one per CPU.
fn worker_pool(jobs: Option<u16>) -> anyhow::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new().num_threads(jobs.map_or(0, usize::from)).build().context("starting worker threads")
}

/// Learners per worker thread prepared (assembled) and placed at a time (see [`build_all`]): enough that the
/// threads seldom wait for the slowest learner of a batch.
const BATCH_PER_THREAD: usize = 16;
/// The most learners prepared at a time, whatever the number of threads (an assembly is about 0.5 MB).
const MAX_BATCH: usize = 256;

/// Builds every learner of `todo` on the threads of `pool`, batch after batch: a batch's learners are
/// prepared in parallel (each assembled once), their status placed in `todo`'s order (`status`: the run's
/// status side, OUT and the issue date), then signed and written in parallel. Memory holds one batch's
/// assemblies; the placement order, hence every index, does not depend on thread timing. After an interrupt,
/// learners not started are left out.
fn build_all(
    pool: &rayon::ThreadPool,
    worker: &Worker<'_>,
    status: Option<(&status::StatusRun, &Path, &str)>,
    todo: &[(String, String)],
    progress: &Progress,
    interrupted: &AtomicBool,
) -> anyhow::Result<Vec<Outcome>> {
    let mut outcomes = Vec::with_capacity(todo.len());
    let batch_size = (BATCH_PER_THREAD * pool.current_num_threads()).clamp(1, MAX_BATCH);
    for batch in todo.chunks(batch_size) {
        let prepared: Vec<Prepared<'_>> = pool.install(|| batch.par_iter().map(|(id, _)| worker.prepare(id)).collect());
        if interrupted.load(Ordering::SeqCst) {
            break;
        }
        let placements = status.map(|(s, out, issued)| s.place(batch, &prepared, out, issued)).transpose()?;
        let results: Vec<Option<anyhow::Result<Outcome>>> = pool.install(|| {
            batch
                .par_iter()
                .zip(prepared)
                .map(|((id, directory), prepared)| {
                    if interrupted.load(Ordering::SeqCst) {
                        return None;
                    }
                    let outcome = worker.build(id, directory, prepared, placements.as_ref());
                    progress.inc();
                    Some(outcome)
                })
                .collect()
        });
        for result in results.into_iter().flatten() {
            outcomes.push(result?);
        }
    }
    Ok(outcomes)
}

/// Whether learners are being built (workers and writers running): only then does a first Ctrl-C or SIGTERM
/// wait for the learners in progress; at any other moment (loading, setting up) it ends the run at once.
static BUILDING: AtomicBool = AtomicBool::new(false);

/// Ctrl-C (SIGINT, SIGTERM): while learners are built, the first stops starting learners, lets those in flight
/// finish and keeps the journal, and the second stops at once; at any other moment the first stops at once
/// (written files are whole either way; the journal has every learner finished).
fn interrupt_flag() -> &'static AtomicBool {
    static INTERRUPTED: AtomicBool = AtomicBool::new(false);
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) || !BUILDING.load(Ordering::SeqCst) {
            eprintln!("\nxtranscript: interrupted: run the same command again to resume");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        eprintln!("\nxtranscript: interrupted: finishing the learners in progress (Ctrl-C again to stop now)");
    });
    &INTERRUPTED
}

/// How many learners were built, kept and failed.
struct Tally {
    built: usize,
    kept: usize,
}

impl Tally {
    fn of(outcomes: &[Outcome]) -> Tally {
        let built = outcomes.iter().filter(|o| matches!(o, Outcome::Built(_))).count();
        let kept = outcomes.iter().filter(|o| matches!(o, Outcome::Kept(_))).count();
        Tally { built, kept }
    }
}

/// `built 998 learner(s) (0 kept unchanged, 2 failed) in 5.2 s: 192 learners/s, …; manifest out/manifest.json`.
fn summary(tally: &Tally, manifest: &Manifest, files: &RunFiles, started: Instant) -> String {
    let seconds = started.elapsed().as_secs_f64();
    let bytes: u64 = manifest.learners.iter().flat_map(|l| &l.files).map(|f| f.bytes).sum();
    let per_learner = bytes / manifest.learners.len().max(1) as u64;
    let rss = peak_rss_mb().map(|mb| format!(", peak RSS {mb} MB")).unwrap_or_default();
    format!(
        "built {} learner(s) ({} kept unchanged, {} failed) in {seconds:.1} s: {:.0} learners/s, {} KB per learner{rss}; manifest {}",
        tally.built,
        tally.kept,
        manifest.failures.len(),
        tally.built as f64 / seconds.max(1e-3),
        per_learner / 1024,
        files.manifest.display(),
    )
}

/// The process's peak resident set size in MB (Linux: VmHWM), if known.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
