//! Writing learners' files off the worker threads. A worker hands a learner's finished files to the writers
//! and goes on with the next learner while they are written atomically and flushed to disk
//! ([`export::write_all_atomic`]), then recorded in the journal — so the journal still lists only learners
//! whose files are whole on disk. The queue is short: memory stays bounded by a few learners' files.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::{Scope, ScopedJoinHandle};

use anyhow::{Context, anyhow};
use xtranscript::batch::Journal;
use xtranscript::export::{self, LearnerEntry};

/// Learners waiting to be written, per writer thread.
const QUEUED_PER_WRITER: usize = 2;
/// A buffer grown larger than this by an exceptional learner is not kept for reuse.
const KEPT_BUFFER_BYTES: usize = 8 << 20;
/// Buffers kept for reuse, at most (each worker needs one at a time; more are in the queue).
const SPARE_BUFFERS: usize = 16;

/// One learner's files (paths and bytes) and its journal entry.
pub struct Job {
    /// The files, written in this order; the first one's buffer is reused ([`Writers::buffer`]).
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// What the journal records once they are in place.
    pub entry: LearnerEntry,
}

/// The writer threads of a build, and the buffers they hand back.
pub struct Writers<'scope> {
    sender: Option<SyncSender<Job>>,
    threads: Vec<ScopedJoinHandle<'scope, anyhow::Result<()>>>,
    /// Set when a write failed: workers stop handing in learners.
    failed: Arc<AtomicBool>,
    /// Written files' buffers, for the workers to fill again.
    spare: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl<'scope> Writers<'scope> {
    /// Starts `count` writer threads in `scope`, appending to `journal`.
    pub fn start<'env>(scope: &'scope Scope<'scope, 'env>, count: usize, journal: &'env Mutex<std::fs::File>) -> Self {
        let count = count.max(1);
        let (sender, receiver) = sync_channel::<Job>(count * QUEUED_PER_WRITER);
        let receiver = Arc::new(Mutex::new(receiver));
        let failed = Arc::new(AtomicBool::new(false));
        let spare = Arc::new(Mutex::new(Vec::new()));
        let threads = (0..count)
            .map(|_| {
                let (receiver, failed, spare) = (Arc::clone(&receiver), Arc::clone(&failed), Arc::clone(&spare));
                scope.spawn(move || {
                    let result = write_queued(&receiver, journal, &spare);
                    if result.is_err() {
                        failed.store(true, Ordering::SeqCst);
                    }
                    result
                })
            })
            .collect();
        Writers { sender: Some(sender), threads, failed, spare }
    }

    /// Queues a learner's files (waits while the queue is full). `Err` once a write has failed.
    pub fn submit(&self, job: Job) -> anyhow::Result<()> {
        let sender = self.sender.as_ref().filter(|_| !self.failed.load(Ordering::SeqCst));
        let stopped = || anyhow!("writing outputs failed (see the error below)");
        sender.ok_or_else(stopped)?.send(job).map_err(|_| stopped())
    }

    /// An empty buffer, reusing one whose file was written.
    pub fn buffer(&self) -> Vec<u8> {
        let mut buffer = self.spare.lock().ok().and_then(|mut s| s.pop()).unwrap_or_default();
        buffer.clear();
        buffer
    }

    /// Waits until every queued learner is written; the first error, if any.
    pub fn finish(mut self) -> anyhow::Result<()> {
        drop(self.sender.take());
        let mut first = Ok(());
        for thread in self.threads.drain(..) {
            let result = thread.join().unwrap_or_else(|_| Err(anyhow!("a writer thread panicked")));
            if first.is_ok() {
                first = result;
            }
        }
        first
    }
}

/// A writer thread: writes queued learners until the queue is closed, or a write fails.
fn write_queued(
    receiver: &Mutex<Receiver<Job>>,
    journal: &Mutex<std::fs::File>,
    spare: &Mutex<Vec<Vec<u8>>>,
) -> anyhow::Result<()> {
    loop {
        let next = receiver.lock().map_err(|_| anyhow!("the write queue lock is poisoned"))?.recv();
        let Ok(job) = next else { return Ok(()) };
        let files: Vec<(&std::path::Path, &[u8])> = job.files.iter().map(|(p, b)| (p.as_path(), &b[..])).collect();
        let directory = job.files.first().and_then(|(p, _)| p.parent()).unwrap_or(std::path::Path::new(""));
        export::write_all_atomic(&files).with_context(|| format!("writing {}", directory.display()))?;
        let mut journal = journal.lock().map_err(|_| anyhow!("the journal lock is poisoned"))?;
        journal.write_all(&Journal::entry(&job.entry)).context("writing the build journal")?;
        drop(journal);
        // The first file's buffer came from [`Writers::buffer`]: it goes back there.
        let first = job.files.into_iter().next().map(|(_, b)| b).filter(|b| b.capacity() <= KEPT_BUFFER_BYTES);
        if let (Some(buffer), Ok(mut spare)) = (first, spare.lock())
            && spare.len() < SPARE_BUFFERS
        {
            spare.push(buffer);
        }
    }
}
