//! Transcript rendering: median time per PDF (one page, a typical two-page
//! transcript, twelve terms) and its size, and per HTML page.
//! Run: `cargo bench --bench render` (prints its figures).

use std::hint::black_box;
use std::time::{Duration, Instant};

use xtranscript::render::{self, Templates, TranscriptView, load_fonts};

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

fn main() {
    let start = Instant::now();
    let (fonts, warnings) = load_fonts(&[], |p| std::fs::read(p)).expect("fonts load");
    println!("render: fonts loaded in {:.1} ms (fallbacks: {:?})", ms(start.elapsed()), fonts.fallbacks());
    for w in warnings {
        println!("render: note: {w}");
    }
    let templates = Templates::embedded();
    let layout = templates.layout();
    // XT_BENCH_ONLY=N: render only view N (0 one page, 1 typical, 2 twelve terms) XT_BENCH_RUNS
    // times (default 200), for profilers.
    if let Some(n) = std::env::var("XT_BENCH_ONLY").ok().and_then(|v| v.parse::<usize>().ok()) {
        let view =
            vec![TranscriptView::sample_one_page(), TranscriptView::sample(), TranscriptView::sample_twelve_terms()]
                .swap_remove(n.min(2));
        let runs = std::env::var("XT_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
        for _ in 0..runs {
            black_box(render::pdf(&view, &fonts, layout).expect("renders"));
        }
        return;
    }
    let views = [
        ("one page", TranscriptView::sample_one_page()),
        ("typical", TranscriptView::sample()),
        ("12 terms", TranscriptView::sample_twelve_terms()),
    ];
    for (name, view) in &views {
        let bytes = render::pdf(view, &fonts, layout).expect("renders");
        let pages = bytes.windows(b"/Type/Page/".len()).filter(|w| w == b"/Type/Page/").count();
        let t = time(200, || render::pdf(view, &fonts, layout).expect("renders"));
        println!(
            "render: PDF {name:<9} median {:>6.2} ms per transcript, {:>6} bytes, {pages} page(s)",
            ms(t),
            bytes.len()
        );
    }
    for (name, view) in &views {
        let html = render::html(view, &templates).expect("renders");
        let t = time(200, || render::html(view, &templates).expect("renders"));
        println!("render: HTML {name:<9} median {:>6.3} ms per transcript, {:>6} bytes", ms(t), html.len());
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
