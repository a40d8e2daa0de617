//! Term-end scale (issue #7): the full `build` of synthetic inputs — rdfc-signed CLR with every nested
//! credential, PDF, HTML and PESC transcript.xml per learner — with the real binary on all cores, and the stages one by one on
//! one thread; next to Digital Bazaar's JavaScript stack (`node sign.mjs` in `../shared/tools/refverify`)
//! run in the same session, when node and its modules are there.
//!
//! `cargo bench --bench batch [-- SIZES…]` (default: 1000 10000 learners). Prints a Markdown table.
//! Target: ≥ 200 learners/s on this 2-core machine; peak RSS reported (target < 1 GB at 100k learners).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use xtranscript::assemble::Assembler;
use xtranscript::diag::Diagnostics;
use xtranscript::export::pesc;
use xtranscript::issuer::{Signer, read_key_file};
use xtranscript::render::{self, Attachment, Templates, Verification, load_fonts, transcript_view};
use xtranscript::sign::Suite;

const KEY: &str = "tests/fixtures/test-issuer.key";
/// Learners timed stage by stage.
const STAGE_SAMPLE: usize = 40;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_xtranscript")
}

fn run(args: &[&str]) -> (String, f64) {
    let start = Instant::now();
    let out = Command::new(bin()).args(args).current_dir(root()).output().expect("runs xtranscript");
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "xtranscript {args:?} failed:\n{stderr}");
    (stderr, seconds)
}

/// The number after `label` in `text` (e.g. `peak RSS 123 MB`).
fn number_after(text: &str, label: &str) -> Option<f64> {
    let rest = &text[text.find(label)? + label.len()..];
    rest.split_whitespace().next()?.trim_end_matches([',', ';']).parse().ok()
}

/// One end-to-end row: gen, then build with every core.
fn end_to_end(learners: usize, dir: &Path) {
    let input = dir.join(format!("in-{learners}"));
    let out = dir.join(format!("out-{learners}"));
    let _ = std::fs::remove_dir_all(&out);
    run(&["gen", "--learners", &learners.to_string(), "--out", input.to_str().unwrap(), "--seed", "1"]);
    let (stderr, seconds) =
        run(&["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", KEY, "-q"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["learners"].as_array().unwrap();
    let credentials: u64 = entries.iter().map(|e| e["counts"]["credentials"].as_u64().unwrap()).sum();
    let bytes: u64 =
        entries.iter().flat_map(|e| e["files"].as_array().unwrap()).map(|f| f["bytes"].as_u64().unwrap()).sum();
    let rss = number_after(&stderr, "peak RSS ").unwrap_or(f64::NAN);
    let (_, resume_seconds) =
        run(&["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--key", KEY, "-q"]);
    println!(
        "| {learners} | {seconds:.1} s | **{:.0}** | {:.1} | {:.0} | {rss:.0} MB | {:.0} KB | {resume_seconds:.1} s |",
        learners as f64 / seconds,
        credentials as f64 / learners as f64,
        credentials as f64 / seconds,
        bytes as f64 / learners as f64 / 1024.0,
    );
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&input);
}

/// Per-stage cost on one thread, over the first learners of a synthetic input.
fn stages(dir: &Path) {
    let input = dir.join("in-stages");
    run(&["gen", "--learners", &STAGE_SAMPLE.to_string(), "--out", input.to_str().unwrap(), "--seed", "2"]);
    let mut diags = Diagnostics::new();
    let loaded = xtranscript::ingest::load(std::slice::from_ref(&input), &mut diags);
    let config = loaded.config.as_ref().expect("synthetic input has a config");
    let graph =
        xtranscript::graph::CompetencyGraph::build(&loaded.records, &loaded.frameworks, &config.mastery, &mut diags);
    let key_text = std::fs::read_to_string(root().join(KEY)).unwrap();
    let signer = |suite| Signer::new(config, read_key_file(&key_text).unwrap(), vec![suite], false);
    let (rdfc, jcs) = (signer(Suite::EddsaRdfc2022), signer(Suite::EddsaJcs2022));
    let issued = xtranscript::model::Timestamp::from_unix(1_750_000_000);
    let assembler = Assembler::new(
        config,
        &loaded.records,
        &loaded.frameworks,
        &graph,
        rdfc.issuer_id.clone(),
        issued,
        b"s".to_vec(),
    );
    let font_files: Vec<PathBuf> = config.transcript.fonts.iter().map(|f| input.join(f)).collect();
    let (fonts, _) = load_fonts(&font_files, |p| std::fs::read(p)).expect("fonts");
    let mut floor = Floor::default();
    let templates = Templates::embedded();
    let created = issued.to_string();
    let (mut t_assemble, mut t_rdfc, mut t_jcs, mut t_pdf, mut t_html, mut credentials) = (0.0, 0.0, 0.0, 0.0, 0.0, 0);
    let (mut t_pesc, mut pesc_bytes, mut t_pdf_attached) = (0.0, 0, 0.0);
    let ms = |start: Instant| start.elapsed().as_secs_f64() * 1e3;
    for id in loaded.records.learners.keys() {
        let start = Instant::now();
        let assembled = assembler.learner(id).unwrap();
        t_assemble += ms(start);
        credentials += assembled.nested.len() + 1;
        let nested = || assembled.nested.iter().map(|c| serde_json::to_value(c).unwrap()).collect::<Vec<_>>();
        let start = Instant::now();
        let signed = rdfc.sign_transcript(nested(), |n| assembled.clr_with(n), &created).unwrap();
        t_rdfc += ms(start);
        floor.add(&nested(), &signed);
        let start = Instant::now();
        std::hint::black_box(jcs.sign_transcript(nested(), |n| assembled.clr_with(n), &created).unwrap());
        t_jcs += ms(start);
        let clr = serde_json::to_vec(&signed).unwrap();
        let sha = xtranscript::export::hex_sha256(&clr);
        let view = transcript_view(&assembler, &assembled, templates.labels(), Verification { clr_sha256: &sha });
        let start = Instant::now();
        std::hint::black_box(render::pdf(&view, &fonts, templates.layout()).unwrap());
        t_pdf += ms(start);
        let start = Instant::now();
        let attached = [Attachment::signed_clr(&clr)];
        std::hint::black_box(render::pdf_with(&view, &fonts, templates.layout(), &attached).unwrap());
        t_pdf_attached += ms(start);
        let start = Instant::now();
        std::hint::black_box(render::html(&view, &templates).unwrap());
        t_html += ms(start);
        let request = pesc::Request { destination: None, official: true, clr_sha256: &sha };
        let start = Instant::now();
        let document = pesc::college_transcript(&assembler, &assembled, &request, Vec::new()).unwrap();
        t_pesc += ms(start);
        pesc_bytes += document.bytes.len();
    }
    let n = loaded.records.learners.len() as f64;
    let per_credential = |t: f64| t / credentials as f64;
    println!(
        "\nStages, one thread, mean over {n} synthetic learners ({:.1} credentials each):\n",
        credentials as f64 / n
    );
    println!("| stage | ms per learner | ms per signed credential |\n| --- | --- | --- |");
    println!("| assemble | {:.2} | |", t_assemble / n);
    println!("| sign eddsa-rdfc-2022 (all proofs) | {:.2} | {:.3} |", t_rdfc / n, per_credential(t_rdfc));
    println!("| sign eddsa-jcs-2022 (all proofs) | {:.2} | {:.3} |", t_jcs / n, per_credential(t_jcs));
    println!("| PDF | {:.2} | |", t_pdf / n);
    println!("| PDF with its clr.json attached (as `build` makes it) | {:.2} | |", t_pdf_attached / n);
    println!("| HTML | {:.2} | |", t_html / n);
    println!("| PESC transcript.xml ({:.0} KB) | {:.3} | |", pesc_bytes as f64 / n / 1024.0, t_pesc / n);
    floor.print(n, t_pdf / n);
    status_stage(&assembler, &loaded.records, &rdfc, &created);
    let _ = std::fs::remove_dir_all(&input);
}

/// Issue #16: what status costs a learner — the claims' fingerprints and the index placement (registry
/// lookup, keyed hash, probing) — and the signing of one 131,072-entry list, shared by every learner in it.
fn status_stage(assembler: &Assembler<'_>, records: &xtranscript::model::Records, signer: &Signer, created: &str) {
    use xtranscript::status::issue::{
        Allocator, Claim, LIST_ENTRIES, claims_fingerprint, clr_fingerprint, place_learner,
    };
    use xtranscript::status::registry::Registry;
    use xtranscript::status::{Bitstring, Purpose, list::list_credential};
    let ms = |start: Instant| start.elapsed().as_secs_f64() * 1e3;
    let (mut registry, mut allocator) = (Registry::default(), Allocator::new("", b"bench", false));
    let (mut t_claims, mut t_place, mut placed) = (0.0, 0.0, 0);
    for id in records.learners.keys() {
        let assembled = assembler.learner(id).unwrap();
        let nested: Vec<serde_json::Value> =
            assembled.nested.iter().map(|c| serde_json::to_value(c).unwrap()).collect();
        let start = Instant::now();
        let claim = |vc: &serde_json::Value| Claim {
            key: vc["id"].as_str().unwrap().to_string(),
            kind: "k".to_string(),
            fingerprint: claims_fingerprint(vc),
        };
        let mut claims: Vec<Claim> = nested.iter().map(claim).collect();
        let fingerprints: Vec<String> = claims.iter().map(|c| c.fingerprint.clone()).collect();
        let clr = assembled.clr_with(Vec::new());
        let fingerprint = clr_fingerprint(&clr, &fingerprints);
        claims.push(Claim { key: clr["id"].as_str().unwrap().to_string(), kind: "k".to_string(), fingerprint });
        t_claims += ms(start);
        let start = Instant::now();
        let (p, _, _) = place_learner(&mut registry, &mut allocator, id, &claims, created);
        t_place += ms(start);
        placed += p.len();
    }
    let mut bits = Bitstring::new(LIST_ENTRIES as usize);
    for e in registry.entries().iter().step_by(50) {
        bits.set(e.index as usize, true);
    }
    let start = Instant::now();
    let list = list_credential(
        "https://x.example/status/revocation-1.json",
        &signer.issuer_id,
        Purpose::Revocation,
        &bits,
        created,
    );
    std::hint::black_box(signer.sign_owned(list, created).unwrap());
    let t_list = ms(start);
    let n = records.learners.len() as f64;
    println!("\nStatus (issue #16), one thread, mean over {n} learners ({placed} credentials placed):\n");
    println!("| work | ms per learner |\n| --- | --- |");
    println!("| claims fingerprints (canonical SHA-256 walk) | {:.3} |", t_claims / n);
    println!("| index placement (registry, keyed hash, probing) | {:.3} |", t_place / n);
    println!(
        "| sign one list ({:.2} ms), shared by up to 65,536 credentials: at 1,000 learners | {:.4} |",
        t_list,
        t_list / 1000.0
    );
}

/// The work no implementation of this transcript's shape avoids, timed on one thread: an Ed25519 signature per
/// credential, SHA-256 over each credential's canonical N-Quads (made beforehand, untimed), the signed CLR
/// serialized once, and the PDF. With expansion, canonical labeling, assembly, HTML and file writes all free,
/// the build could go no faster than this.
#[derive(Default)]
struct Floor {
    signatures: f64,
    hashing: f64,
    json: f64,
    nquads_bytes: usize,
    credentials: usize,
}

impl Floor {
    fn add(&mut self, nested: &[serde_json::Value], signed: &serde_json::Value) {
        use ed25519_dalek::Signer as _;
        use sha2::Digest as _;
        use xtranscript::sign::proof::{Canonicalization, canonicalize};
        let mut outer = signed.clone();
        outer.as_object_mut().unwrap().remove("proof");
        let texts: Vec<String> =
            nested.iter().chain([&outer]).map(|d| canonicalize(d, Canonicalization::Rdfc).unwrap()).collect();
        self.nquads_bytes += texts.iter().map(String::len).sum::<usize>();
        self.credentials += texts.len();
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let start = Instant::now();
        let digests: Vec<[u8; 32]> = texts.iter().map(|t| sha2::Sha256::digest(t.as_bytes()).into()).collect();
        self.hashing += start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        for digest in &digests {
            let mut message = [0u8; 64];
            message[32..].copy_from_slice(digest);
            std::hint::black_box(key.sign(&message));
        }
        self.signatures += start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        std::hint::black_box(serde_json::to_vec(signed).unwrap());
        self.json += start.elapsed().as_secs_f64() * 1e3;
    }

    fn print(&self, learners: f64, pdf_ms: f64) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let per = |t: f64| t / learners;
        let total = per(self.signatures) + per(self.hashing) + per(self.json) + pdf_ms;
        println!(
            "\nFloor: what any build of this shape must do, one thread ({:.1} credentials, {:.0} KB of canonical \
             N-Quads per learner):\n",
            self.credentials as f64 / learners,
            self.nquads_bytes as f64 / learners / 1024.0
        );
        println!("| work | ms per learner |\n| --- | --- |");
        println!("| Ed25519 signatures | {:.2} |", per(self.signatures));
        println!("| SHA-256 of the canonical N-Quads | {:.2} |", per(self.hashing));
        println!("| signed CLR to JSON | {:.2} |", per(self.json));
        println!("| PDF (printpdf) | {pdf_ms:.2} |");
        println!(
            "| **total** | **{total:.2}**: at most {:.0} learners/s on {cores} cores, with JSON-LD, RDFC labeling, \
             assembly, HTML and writes free |",
            1e3 * cores / total
        );
    }
}

/// Digital Bazaar's stack on the reference CLR (40 nested) and badge, if node and refverify are installed.
fn reference_peer(dir: &Path) {
    let tool = root().join("../shared/tools/refverify");
    if !tool.join("node_modules").is_dir() {
        println!("\nReference peer: not run ({} has no node_modules; `npm ci` there)", tool.display());
        return;
    }
    let json = dir.join("peer.json");
    let status = Command::new("node")
        .args(["sign.mjs", "30", "--clr", "3", "--no-verify", "--no-jwt", "--warmup", "2"])
        .arg("--json")
        .arg(&json)
        .arg("--out")
        .arg(dir.join("peer-out"))
        .current_dir(&tool)
        .output();
    if !status.is_ok_and(|o| o.status.success()) {
        println!("\nReference peer: `node sign.mjs` did not run");
        return;
    }
    let figures: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    println!("\nReference peer, same session (`node sign.mjs 30 --clr 3`, one thread, p50):\n");
    println!("| operation | Digital Bazaar ms |\n| --- | --- |");
    for row in figures["rows"].as_array().unwrap() {
        if ["ob3-sign", "clr-total-sign"].contains(&row["what"].as_str().unwrap_or("")) {
            println!(
                "| {} | {:.1} |",
                row["label"].as_str().unwrap_or("?"),
                row["ms"]["p50"].as_f64().unwrap_or(f64::NAN)
            );
        }
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![1000, 10_000] } else { sizes };
    let dir = std::env::temp_dir().join(format!("xt-bench-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "xtranscript batch bench: full build (rdfc-signed CLR + nested, PDF, HTML, PESC), {cores} worker threads\n"
    );
    println!(
        "| learners | wall | learners/s | credentials per learner | credentials/s | peak RSS | output per learner | re-run (all kept) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for n in sizes {
        end_to_end(n, &dir);
    }
    stages(&dir);
    reference_peer(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}
