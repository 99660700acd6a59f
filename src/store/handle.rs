//! `StoreHandle`: the async front of the store.
//!
//! Two dedicated threads, each owning a connection: one serialises every write, the other
//! answers reads. With WAL, reads never wait behind a long ingest, and no lock is ever held
//! across an `.await`. Jobs are closures; replies come back over `oneshot` channels.

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use super::{Error, Result, Store};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

struct Worker {
    tx: mpsc::Sender<Job>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Worker {
    fn spawn(name: &str, mut store: Store) -> std::io::Result<Worker> {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new().name(name.into()).spawn(move || {
            // Runs until every sender is gone, so queued writes drain before shutdown.
            while let Ok(job) = rx.recv() {
                job(&mut store);
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
}

impl StoreHandle {
    /// Opens the database (migrating it) and starts the writer and reader threads.
    pub fn open(path: &Path) -> Result<StoreHandle> {
        let writer = Store::open(path)?;
        let reader = Store::open(path)?;
        let spawn_err = |e: std::io::Error| Error::Open {
            path: path.to_path_buf(),
            reason: format!("cannot start store thread: {e}"),
        };
        Ok(StoreHandle {
            writer: Arc::new(Worker::spawn("tidings-store-w", writer).map_err(spawn_err)?),
            reader: Arc::new(Worker::spawn("tidings-store-r", reader).map_err(spawn_err)?),
        })
    }

    /// Runs `f` on the writer thread, after every write queued before it.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> T + Send + 'static,
    ) -> Result<T> {
        self.writer.call(f).await
    }

    /// Runs `f` on the reader thread.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> T + Send + 'static,
    ) -> Result<T> {
        self.reader.call(f).await
    }

    /// Waits for queued writes to finish. Other clones must be dropped first for the threads
    /// to end; this joins them if this is the last handle.
    pub fn close(self) {
        let StoreHandle { writer, reader } = self;
        for worker in [writer, reader] {
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
