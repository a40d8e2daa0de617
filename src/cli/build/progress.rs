//! Progress of a build on stderr: a bar when stderr is a terminal, a plain line every few seconds
//! otherwise (logs of schedulers, CI), nothing with `--quiet`.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a plain progress line is printed.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// Reports learners done out of a total.
pub enum Progress {
    /// A terminal: an updating bar.
    Bar(ProgressBar),
    /// Not a terminal: periodic lines.
    Lines {
        /// Printed before each line (e.g. `part 2/4: `).
        label: String,
        /// Learners to do.
        total: u64,
        /// Learners done.
        done: AtomicU64,
        /// When the run started, and when the last line was printed.
        times: Mutex<(Instant, Instant)>,
    },
    /// `--quiet`.
    Quiet,
}

impl Progress {
    /// Progress over `total` learners, chosen for where stderr goes.
    pub fn new(total: u64, quiet: bool, label: String) -> Progress {
        if quiet || total == 0 {
            return Progress::Quiet;
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style =
                ProgressStyle::with_template("{prefix}{spinner} {bar:30} {pos}/{len} learners  {per_sec}  eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_prefix(label);
            return Progress::Bar(bar);
        }
        let now = Instant::now();
        Progress::Lines { label, total, done: AtomicU64::new(0), times: Mutex::new((now, now)) }
    }

    /// One more learner done.
    pub fn inc(&self) {
        match self {
            Progress::Bar(bar) => bar.inc(1),
            Progress::Lines { label, total, done, times } => {
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                let Ok(mut times) = times.try_lock() else { return };
                let (start, last) = *times;
                if last.elapsed() >= LINE_EVERY {
                    times.1 = Instant::now();
                    eprintln!("xtranscript: {label}{}", line(done, *total, start.elapsed()));
                }
            }
            Progress::Quiet => {}
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// `1234/10000 learners (12%), 180 learners/s, about 49 s left`.
fn line(done: u64, total: u64, elapsed: Duration) -> String {
    let rate = done as f64 / elapsed.as_secs_f64().max(1e-3);
    let left = total.saturating_sub(done) as f64 / rate.max(1e-9);
    format!("{done}/{total} learners ({}%), {rate:.0} learners/s, about {left:.0} s left", done * 100 / total.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_line() {
        assert_eq!(line(250, 1000, Duration::from_secs(2)), "250/1000 learners (25%), 125 learners/s, about 6 s left");
    }
}
