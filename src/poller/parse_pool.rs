//! The threads feeds are parsed on: one per core, for the refresher's life. Parsing on
//! tokio's blocking pool spread it over however many threads that pool had grown to, each
//! with an allocator arena of its own holding on to freed memory (a 100 000-article refresh
//! peaked 10 MiB higher), and a slow DNS lookup there could hold up parses, or parses the
//! lookups.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of threads taking jobs in order.
pub(crate) struct ParsePool {
    jobs: mpsc::Sender<Job>,
    /// Threads started; with none (the system refused them) jobs go to tokio's blocking pool.
    started: usize,
}

impl ParsePool {
    /// Starts `threads` threads (at least one); they end when the pool is dropped.
    pub(crate) fn new(threads: usize) -> ParsePool {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let mut started = 0;
        for i in 0..threads.max(1) {
            let rx = Arc::clone(&rx);
            let spawned = std::thread::Builder::new()
                .name(format!("tidings-parse-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only to take a job, never while running one.
                        let job = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        match job {
                            // A job that panics loses its own answer, never the thread (the
                            // pool would shrink to nothing and refreshes wait for ever).
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => break,
                        }
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                Err(e) => tracing::warn!(error = %e, "cannot start a parse thread"),
            }
        }
        ParsePool { jobs: tx, started }
    }

    /// Runs `f` on a pool thread; `None` if it panicked or the pool is gone.
    pub(crate) async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        if self.started == 0 {
            return tokio::task::spawn_blocking(f).await.ok();
        }
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs.send(job).ok()?;
        rx.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_on_the_pool_threads_and_a_panic_is_none() {
        let pool = ParsePool::new(2);
        let name = pool
            .run(|| std::thread::current().name().map(str::to_string))
            .await
            .flatten();
        assert!(name.is_some_and(|n| n.starts_with("tidings-parse-")));
        assert_eq!(pool.run(|| 2 + 2).await, Some(4));
        // A job that panics loses only its own answer; both threads keep running.
        for _ in 0..4 {
            let lost: Option<()> = pool.run(|| panic!("a job that panics")).await;
            assert_eq!(lost, None);
        }
        assert_eq!(pool.run(|| "still running").await, Some("still running"));
        assert_eq!(pool.run(|| "and again").await, Some("and again"));
    }
}
