//! Transcript rendering: median time per PDF (one page, a typical two-page
//! transcript, twelve terms, synthetic learners as `build` sees them, and the same
//! without their competencies) and its size, and per HTML page.
//! Run: `cargo bench --bench render` (prints its figures).
//!
//! `XT_BENCH_ONLY=N` renders only view N (0 one page, 1 typical, 2 twelve terms,
//! 3 the synthetic learners) `XT_BENCH_RUNS` times (default 200), for profilers.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use xtranscript::assemble::Assembler;
use xtranscript::diag::Diagnostics;
use xtranscript::graph::CompetencyGraph;
use xtranscript::model::Timestamp;
use xtranscript::render::{self, Templates, TranscriptView, Verification, load_fonts, transcript_view};

/// Synthetic learners whose transcripts are rendered (in turn) for the synthetic row.
const SYNTHETIC_LEARNERS: usize = 8;

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
/// through the library the way `build` builds them (ingest, graph, assemble, view).
fn synthetic_views(templates: &Templates) -> Vec<TranscriptView> {
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
        .map(|a| transcript_view(&assembler, &a, templates.labels(), Verification { clr_sha256: &sha }))
        .collect()
}

fn pages(pdf: &[u8]) -> usize {
    pdf.windows(b"/Type/Page/".len()).filter(|w| w == b"/Type/Page/").count()
}

fn main() {
    let start = Instant::now();
    let (fonts, warnings) = load_fonts(&[], |p| std::fs::read(p)).expect("fonts load");
    println!("render: fonts loaded in {:.1} ms (fallbacks: {:?})", ms(start.elapsed()), fonts.fallbacks());
    for w in warnings {
        println!("render: note: {w}");
    }
    let templates = Templates::embedded();
    let layout = templates.layout();
    let synthetic = synthetic_views(&templates);
    if let Some(n) = std::env::var("XT_BENCH_ONLY").ok().and_then(|v| v.parse::<usize>().ok()) {
        let views = match n {
            0 => vec![TranscriptView::sample_one_page()],
            1 => vec![TranscriptView::sample()],
            2 => vec![TranscriptView::sample_twelve_terms()],
            _ => synthetic,
        };
        let runs = std::env::var("XT_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
        for i in 0..runs {
            black_box(render::pdf(&views[i % views.len()], &fonts, layout).expect("renders"));
        }
        return;
    }
    // The same learners without their competencies: what listing ~100 of them costs.
    let without: Vec<TranscriptView> =
        synthetic.iter().cloned().map(|v| TranscriptView { competencies: Vec::new(), ..v }).collect();
    let views = [
        ("one page", vec![TranscriptView::sample_one_page()]),
        ("typical", vec![TranscriptView::sample()]),
        ("12 terms", vec![TranscriptView::sample_twelve_terms()]),
        ("synthetic", synthetic),
        ("synth -c", without),
    ];
    for (name, views) in &views {
        let pdfs: Vec<Vec<u8>> = views.iter().map(|v| render::pdf(v, &fonts, layout).expect("renders")).collect();
        let bytes = pdfs.iter().map(Vec::len).sum::<usize>() / pdfs.len();
        let page_counts: Vec<usize> = pdfs.iter().map(|p| pages(p)).collect();
        let mut next = 0;
        let t = time(200, || {
            next += 1;
            render::pdf(&views[next % views.len()], &fonts, layout).expect("renders")
        });
        println!(
            "render: PDF {name:<9} median {:>6.2} ms per transcript, {:>6} bytes, page(s) {page_counts:?}",
            ms(t),
            bytes
        );
    }
    for (name, views) in &views {
        let html = render::html(&views[0], &templates).expect("renders");
        let t = time(200, || render::html(&views[0], &templates).expect("renders"));
        println!("render: HTML {name:<9} median {:>6.3} ms per transcript, {:>6} bytes", ms(t), html.len());
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
