//! Group commit for refreshes: feeds whose fetches finish while the store is busy with an
//! earlier batch are stored together in the next one ([`Store::ingest_feeds`]), so a cold
//! refresh of many small feeds commits a few times instead of once per feed. Nothing waits to
//! form a batch: the first feed to arrive while the store is idle goes alone at once.
//!
//! The first feed to find no batch under way starts a task that stores the queue (its fetch
//! and whatever arrives meanwhile) until it is empty.
//!
//! [`Store::ingest_feeds`]: crate::store::Store::ingest_feeds

use std::sync::{Arc, Mutex};

use chrono::Utc;
use tokio::sync::oneshot;

use crate::store::{Error, FeedIngest, FeedStored, StoreHandle};

/// Articles stored in one batch at most. Larger transactions outgrow SQLite's page cache
/// and spill mid-transaction: at 1 000 a 100 000-article refresh took 17.8 s and 73 MiB, at
/// 250 15.1 s and 61 MiB (one run each, same corpus). Short commits also free the write lock
/// often for another process's mark.
const BATCH_ARTICLES: usize = 250;

type Reply = oneshot::Sender<Result<FeedStored, Error>>;

#[derive(Default)]
pub(crate) struct IngestQueue {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    waiting: Vec<(FeedIngest, Reply)>,
    /// A feed's task is storing the queue.
    storing: bool,
}

/// Marks the queue as no longer being stored even when the storing task is dropped
/// mid-batch (the runtime shutting down), so a later feed starts another.
struct Storing(Arc<IngestQueue>);

impl Drop for Storing {
    fn drop(&mut self) {
        self.0.lock().storing = false;
    }
}

impl IngestQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores `job` (alone or with others) and returns its result once committed.
    pub(crate) async fn store(
        self: &Arc<Self>,
        store: &StoreHandle,
        job: FeedIngest,
    ) -> Result<FeedStored, Error> {
        let (reply, result) = oneshot::channel();
        let start = {
            let mut state = self.lock();
            state.waiting.push((job, reply));
            !std::mem::replace(&mut state.storing, true)
        };
        if start {
            tokio::spawn(Arc::clone(self).store_all(store.clone()));
        }
        result.await.unwrap_or(Err(Error::Closed))
    }

    /// Stores batches until the queue is empty.
    async fn store_all(self: Arc<Self>, store: StoreHandle) {
        let _storing = Storing(Arc::clone(&self));
        while let Some(batch) = self.next_batch() {
            let (jobs, replies): (Vec<FeedIngest>, Vec<Reply>) = batch.into_iter().unzip();
            tracing::debug!(feeds = jobs.len(), "storing a batch");
            // Without the store thread the replies are dropped: every waiting feed hears so.
            if let Ok(results) = store.write(move |s| s.ingest_feeds(jobs, Utc::now())).await {
                for (r, reply) in results.into_iter().zip(replies) {
                    let _ = reply.send(r);
                }
            }
        }
    }

    /// The oldest waiting feeds, up to [`BATCH_ARTICLES`] articles (at least one feed); at
    /// none, the queue is marked idle under the same lock, so no feed is left waiting.
    fn next_batch(&self) -> Option<Vec<(FeedIngest, Reply)>> {
        let mut state = self.lock();
        if state.waiting.is_empty() {
            state.storing = false;
            return None;
        }
        let (mut articles, mut n) = (0, 0);
        for (job, _) in &state.waiting {
            if n > 0 && articles + job.articles.len() > BATCH_ARTICLES {
                break;
            }
            articles += job.articles.len();
            n += 1;
        }
        Some(state.waiting.drain(..n).collect())
    }
}
