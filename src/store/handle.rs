//! `StoreHandle`: the async front of the store.
//!
//! Two dedicated threads, each owning a connection: one serialises every write, the other
//! answers reads. With WAL, reads never wait behind a long ingest, and no lock is ever held
//! across an `.await`. Jobs are closures; replies come back over `oneshot` channels.
//!
//! The writer also notices commits made by other processes (a cron `tidings refresh`, a second
//! UI): between jobs, and every [`CHANGE_CHECK`] when idle, it compares its connection's
//! `data_version`, which moves only for other connections' commits. Watchers subscribe with
//! [`StoreHandle::external_changes`] and never wait behind the write queue.

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::{oneshot, watch};

use super::{Error, Result, Store};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// How often an idle writer looks for other processes' commits.
pub const CHANGE_CHECK: Duration = Duration::from_secs(2);

/// The journal size past which a checkpoint is queued (SQLite's own default: 1 000 pages).
const CHECKPOINT_AFTER: u64 = 1000 * 4096;

/// Journal size past which the writer checkpoints itself, so that the journal starts over.
/// At 64 MiB a cold refresh of 10 000 articles grew it to 65 MiB and never started it over:
/// new file blocks for every frame, and 20–30 ms at the end to delete it. At 16 MiB closing
/// the store takes about 4 ms instead of 22 (8 MiB: the writer, a 100 000-article refresh's
/// bottleneck, stopped for its checkpoints often enough to cost 5 % of that refresh's time).
const WRITER_CHECKPOINT_BYTES: u32 = 16 << 20;

/// How long the writer waits for more work before it writes the search-index rows it has
/// queued (see `index_queue`): a refresh keeps it busier than this, a user does not.
const INDEX_WHEN_IDLE: Duration = Duration::from_millis(500);

fn wal_path(db: &Path) -> std::path::PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push("-wal");
    p.into()
}

/// A store job longer than this is logged.
const SLOW_JOB: std::time::Duration = std::time::Duration::from_millis(200);

struct Worker {
    tx: mpsc::Sender<Job>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Worker {
    /// `changes`, when given, is bumped each time another connection has committed;
    /// `after_job` runs after each job.
    fn spawn(
        name: &str,
        mut store: Store,
        changes: Option<watch::Sender<u64>>,
        mut after_job: impl FnMut() + Send + 'static,
    ) -> std::io::Result<Worker> {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new().name(name.into()).spawn(move || {
            let mut seen = store.data_version().ok();
            // Runs until every sender is gone, so queued writes drain before shutdown.
            loop {
                let wait = if store.index_pending() {
                    INDEX_WHEN_IDLE
                } else {
                    CHANGE_CHECK
                };
                match rx.recv_timeout(wait) {
                    Ok(job) => {
                        let started = std::time::Instant::now();
                        job(&mut store);
                        // Another process's mark waits for a job this long: worth a line in the log.
                        let took = started.elapsed();
                        if took > SLOW_JOB {
                            tracing::info!(ms = took.as_millis() as u64, "slow store job");
                        }
                        after_job();
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if let Err(e) = store.write_index_queue() {
                            tracing::warn!(error = %e, "writing the search index");
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
                if let Some(changes) = &changes {
                    let now = store.data_version().ok();
                    if now.is_some() && seen.is_some() && now != seen {
                        changes.send_modify(|n| *n += 1);
                    }
                    seen = now.or(seen);
                }
            }
        })?;
        Ok(Worker {
            tx,
            thread: Mutex::new(Some(thread)),
        })
    }

    async fn call<T: Send + 'static>(&self, f: impl FnOnce(&mut Store) -> T + Send + 'static) -> Result<T> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Box::new(move |s: &mut Store| {
                let _ = reply.send(f(s));
            }))
            .map_err(|_| Error::Closed)?;
        rx.await.map_err(|_| Error::Closed)
    }
}

/// Cheap to clone; every clone talks to the same two threads.
#[derive(Clone)]
pub struct StoreHandle {
    writer: Arc<Worker>,
    reader: Arc<Worker>,
    /// Copies the journal into the database when it has grown (the writer does not).
    checkpointer: Arc<Worker>,
    changes: watch::Receiver<u64>,
    recovery: Option<String>,
}

impl StoreHandle {
    /// Opens the database (migrating it) and starts the writer and reader threads.
    pub fn open(path: &Path) -> Result<StoreHandle> {
        let mut writer = Store::open(path)?;
        writer.defer_indexing();
        let recovery = writer.recovery_warning().map(str::to_string);
        let reader = Store::open(path)?;
        let checkpoints = Store::open(path)?;
        // Copying the journal into the database (a tenth of a cold refresh's store work)
        // happens on a thread of its own, beside the writes. But only a checkpoint with no
        // write under way lets the journal start over: the writer still checkpoints when it
        // has grown past WRITER_CHECKPOINT (by then mostly copied, so quick); without that,
        // a 100 000-article refresh grew it to 1.4 GB and took twice as long.
        writer.set_autocheckpoint(WRITER_CHECKPOINT_BYTES / writer.page_size()?.max(512))?;
        let spawn_err = |e: std::io::Error| Error::Open {
            path: path.to_path_buf(),
            reason: format!("cannot start store thread: {e}"),
        };
        let (changed, changes) = watch::channel(0);
        let checkpointer =
            Arc::new(Worker::spawn("tidings-store-c", checkpoints, None, || {}).map_err(spawn_err)?);
        let wal = wal_path(path);
        let nudge = Arc::clone(&checkpointer);
        let pending = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let after_write = move || {
            let big = std::fs::metadata(&wal).is_ok_and(|m| m.len() > CHECKPOINT_AFTER);
            // One checkpoint queued at a time: it copies whatever has been committed by then.
            if big && !pending.swap(true, std::sync::atomic::Ordering::AcqRel) {
                let done = Arc::clone(&pending);
                let _ = nudge.tx.send(Box::new(move |s: &mut Store| {
                    done.store(false, std::sync::atomic::Ordering::Release);
                    if let Err(e) = s.checkpoint_passive() {
                        tracing::debug!(error = %e, "checkpoint");
                    }
                }));
            }
        };
        Ok(StoreHandle {
            writer: Arc::new(
                Worker::spawn("tidings-store-w", writer, Some(changed), after_write).map_err(spawn_err)?,
            ),
            reader: Arc::new(Worker::spawn("tidings-store-r", reader, None, || {}).map_err(spawn_err)?),
            checkpointer,
            changes,
            recovery,
        })
    }

    /// Runs `f` on the writer thread, after every write queued before it.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> T + Send + 'static,
    ) -> Result<T> {
        self.writer.call(f).await
    }

    /// Runs `f` on the reader thread; it cannot write.
    pub async fn read<T: Send + 'static>(&self, f: impl FnOnce(&Store) -> T + Send + 'static) -> Result<T> {
        self.reader.call(move |s: &mut Store| f(s)).await
    }

    /// What was lost from a damaged journal at open, to tell the user once.
    pub fn recovery_warning(&self) -> Option<&str> {
        self.recovery.as_deref()
    }

    /// Changes each time another process (or connection) has committed to the store.
    pub fn external_changes(&self) -> watch::Receiver<u64> {
        self.changes.clone()
    }

    /// Waits for queued writes to finish. Other clones must be dropped first for the threads
    /// to end; this joins them if this is the last handle.
    pub fn close(self) {
        let StoreHandle {
            writer,
            reader,
            checkpointer,
            ..
        } = self;
        // The writer first: its last jobs may still queue a checkpoint.
        for worker in [writer, reader, checkpointer] {
            if let Ok(worker) = Arc::try_unwrap(worker) {
                let Worker { tx, thread } = worker;
                drop(tx);
                if let Some(t) = thread.into_inner().ok().flatten() {
                    let _ = t.join();
                }
            }
        }
    }
}
