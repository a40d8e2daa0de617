//! Transcript rendering: median time per PDF (one page, a typical two-page
//! transcript, twelve terms, synthetic learners as `build` sees them, and the same
//! without their competencies) and its size, and per HTML page. Each PDF carries a CLR as
//! `build`'s do (the synthetic learners their own, unsigned; the samples the 212 KB CLR fixture);
//! the synthetic learners are also rendered without it.
//! Run: `cargo bench --bench render` (prints its figures).
//!
//! `XT_BENCH_ONLY=N` renders only view N (0 one page, 1 typical, 2 twelve terms,
//! 3 the synthetic learners) `XT_BENCH_RUNS` times (default 200), for profilers; with
//! `XT_BENCH_NO_ATTACHMENT` set, without the CLR attached.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use xtranscript::assemble::Assembler;
use xtranscript::diag::Diagnostics;
use xtranscript::graph::CompetencyGraph;
use xtranscript::model::Timestamp;
use xtranscript::render::{self, Attachment, Templates, TranscriptView, Verification, load_fonts, transcript_view};

/// Synthetic learners whose transcripts are rendered (in turn) for the synthetic row.
const SYNTHETIC_LEARNERS: usize = 8;

/// The fonts the samples and the synthetic input name (their CJK names), so that the bench renders on a
/// machine without CJK fonts, as `build samples` does.
fn sample_fonts() -> Vec<PathBuf> {
    vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/fonts/wqy-microhei-subset.ttf")]
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    for _ in 0..5 {
        black_box(f());
    }
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

/// The views of the first synthetic learners of `xtranscript gen --seed 1`, built
/// through the library the way `build` builds them (ingest, graph, assemble, view), with their CLR (unsigned).
fn synthetic_views(templates: &Templates) -> (Vec<TranscriptView>, Vec<Vec<u8>>) {
    let dir = std::env::temp_dir().join(format!("xt-render-bench-{}", std::process::id()));
    for (path, bytes) in xtranscript::synth::input_dir(SYNTHETIC_LEARNERS, 1) {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("a file in the input directory")).expect("temp dir");
        std::fs::write(&target, bytes).expect("writes the synthetic input");
    }
    let mut diags = Diagnostics::new();
    let input = xtranscript::ingest::load(&[PathBuf::from(&dir)], &mut diags);
    let _ = std::fs::remove_dir_all(&dir);
    let config = input.config.as_ref().expect("the synthetic input has an institution.toml");
    let graph = CompetencyGraph::build(&input.records, &input.frameworks, &config.mastery, &mut diags);
    let issued = Timestamp::parse("2026-06-15T00:00:00Z").expect("a timestamp");
    let issuer = "did:web:registrar.example.edu".to_string();
    let assembler =
        Assembler::new(config, &input.records, &input.frameworks, &graph, issuer, issued, b"bench".to_vec());
    let sha = "5f0c2a7e41d39b08".repeat(4);
    input
        .records
        .learners
        .keys()
        .filter_map(|id| assembler.learner(id))
        .map(|a| {
            let nested = a.nested.iter().map(|c| serde_json::to_value(c).expect("JSON")).collect();
            let clr = serde_json::to_vec(&a.clr_with(nested)).expect("JSON");
            (transcript_view(&assembler, &a, templates.labels(), Verification { clr_sha256: &sha }), clr)
        })
        .unzip()
}

/// Pages of a PDF (its page objects may be inside compressed object streams).
fn pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).map_or(0, |doc| doc.get_pages().len())
}

fn main() {
    let start = Instant::now();
    let (fonts, warnings) = load_fonts(&sample_fonts(), |p| std::fs::read(p)).expect("fonts load");
    println!("render: fonts loaded in {:.1} ms (fallbacks: {:?})", ms(start.elapsed()), fonts.fallbacks());
    for w in warnings {
        println!("render: note: {w}");
    }
    let templates = Templates::embedded();
    let layout = templates.layout();
    let (synthetic, clrs) = synthetic_views(&templates);
    let fixture = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/fixtures/clr2-clr-credential.json"),
    )
    .expect("the CLR fixture");
    if let Some(n) = std::env::var("XT_BENCH_ONLY").ok().and_then(|v| v.parse::<usize>().ok()) {
        let views = match n {
            0 => vec![TranscriptView::sample_one_page()],
            1 => vec![TranscriptView::sample()],
            2 => vec![TranscriptView::sample_twelve_terms()],
            _ => synthetic,
        };
        let runs = std::env::var("XT_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
        let attach = std::env::var_os("XT_BENCH_NO_ATTACHMENT").is_none();
        for i in 0..runs {
            let clr = [Attachment::signed_clr(clrs.get(i % views.len()).unwrap_or(&fixture))];
            let clr = if attach { &clr[..] } else { &[] };
            black_box(render::pdf_with(&views[i % views.len()], &fonts, layout, clr).expect("renders"));
        }
        return;
    }
    // The same learners without their competencies: what listing ~100 of them costs.
    let without: Vec<TranscriptView> =
        synthetic.iter().cloned().map(|v| TranscriptView { competencies: Vec::new(), ..v }).collect();
    let one = std::slice::from_ref(&fixture);
    let none: &[Vec<u8>] = &[];
    let views = [
        ("one page", vec![TranscriptView::sample_one_page()], one),
        ("typical", vec![TranscriptView::sample()], one),
        ("12 terms", vec![TranscriptView::sample_twelve_terms()], one),
        ("synthetic", synthetic.clone(), clrs.as_slice()),
        ("synth -c", without, clrs.as_slice()),
        ("synth noclr", synthetic, none),
    ];
    for (name, views, clrs) in &views {
        let render = |i: usize| {
            let attached: Vec<Attachment> =
                clrs.get(i % clrs.len().max(1)).map(|c| Attachment::signed_clr(c)).into_iter().collect();
            render::pdf_with(&views[i % views.len()], &fonts, layout, &attached).expect("renders")
        };
        let pdfs: Vec<Vec<u8>> = (0..views.len()).map(render).collect();
        let bytes = pdfs.iter().map(Vec::len).sum::<usize>() / pdfs.len();
        // What the attachment adds: the same views rendered without it.
        let bare = views.iter().map(|v| render::pdf(v, &fonts, layout).expect("renders").len()).sum::<usize>();
        let attached = bytes - bare / views.len();
        let page_counts: Vec<usize> = pdfs.iter().map(|p| pages(p)).collect();
        let mut next = 0;
        let t = time(200, || {
            next += 1;
            render(next)
        });
        println!(
            "render: PDF {name:<9} median {:>6.2} ms per transcript, {:>6} bytes ({attached:>6} of them the attachment), page(s) {page_counts:?}",
            ms(t),
            bytes
        );
    }
    for (name, views, _) in &views {
        let html = render::html(&views[0], &templates).expect("renders");
        let t = time(200, || render::html(&views[0], &templates).expect("renders"));
        println!("render: HTML {name:<9} median {:>6.3} ms per transcript, {:>6} bytes", ms(t), html.len());
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
