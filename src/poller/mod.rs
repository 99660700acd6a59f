//! The background refresher: schedules feeds, fetches with bounded global and per-host
//! concurrency, parses off the async executor, writes through the store's single writer, and
//! reports typed events. Never touches the terminal or the UI model.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use url::Url;

use crate::feed::{self, FetchError, FetchOutcome, Fetcher, Validators};
use crate::model::{FeedId, NewArticle};
use crate::store::{FetchRecord, StoreHandle};

mod batch;
mod parse_pool;
mod schedule;
pub use schedule::{Refresh, run_background};

/// A feed as the poller needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct PollFeed {
    pub id: FeedId,
    pub url: Url,
    pub refresh_interval: Duration,
}

/// Reports to whoever listens (the UI loop or the headless progress bar).
#[derive(Debug, Clone, PartialEq)]
pub enum PollEvent {
    Progress { done: usize, total: usize },
    FeedUpdated { feed_id: FeedId, new: u64, unread: u64 },
    FeedNotModified { feed_id: FeedId },
    FeedFailed { feed_id: FeedId, error: String },
    FeedDeferred { feed_id: FeedId, until: DateTime<Utc> },
    PassFinished(PassSummary),
}

/// Requests to the background poller.
#[derive(Debug, Clone, PartialEq)]
pub enum PollerCmd {
    RefreshAll,
    RefreshFeed(FeedId),
    /// The config changed: this is the new feed list.
    SetFeeds(Vec<PollFeed>),
    Shutdown,
}

/// What one feed's refresh came to.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedResult {
    Updated { new: u64, unread: u64 },
    NotModified,
    Failed { error: FeedFailure },
    Deferred { until: DateTime<Utc> },
}

/// Why a feed's refresh failed, by the stage that failed: callers decide on the kind (a store
/// failure fails `tidings refresh` as a whole), never on the wording.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeedFailure {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("parse error: {0}")]
    Parse(String),
    #[error("store: {0}")]
    Store(String),
}

impl From<crate::store::Error> for FeedFailure {
    fn from(e: crate::store::Error) -> FeedFailure {
        FeedFailure::Store(e.to_string())
    }
}

/// Totals of a refresh pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassSummary {
    pub feeds: usize,
    pub updated: usize,
    pub not_modified: usize,
    pub deferred: usize,
    pub new_articles: u64,
    /// Feed URL and error, for each failed feed.
    pub failed: Vec<(String, FeedFailure)>,
    /// Set when the store could not be written at all.
    pub store_error: Option<String>,
}

impl PassSummary {
    pub(crate) fn add(&mut self, url: &Url, result: &FeedResult) {
        self.feeds += 1;
        match result {
            FeedResult::Updated { new, .. } => {
                self.updated += 1;
                self.new_articles += new;
            }
            FeedResult::NotModified => self.not_modified += 1,
            FeedResult::Deferred { .. } => self.deferred += 1,
            FeedResult::Failed { error } => self.failed.push((url.to_string(), error.clone())),
        }
    }

    /// One line, e.g. `48 feeds: 45 updated, 2 not modified, 1 failed; 312 new articles`.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} feed{}: {} updated, {} not modified, {} failed",
            self.feeds,
            if self.feeds == 1 { "" } else { "s" },
            self.updated,
            self.not_modified,
            self.failed.len()
        );
        if self.deferred > 0 {
            s.push_str(&format!(", {} deferred", self.deferred));
        }
        s.push_str(&format!(
            "; {} new article{}",
            self.new_articles,
            if self.new_articles == 1 { "" } else { "s" }
        ));
        s
    }
}

/// Everything a refresh needs, shared by all tasks.
#[derive(Clone)]
pub struct Refresher {
    fetcher: Fetcher,
    store: StoreHandle,
    /// Requests in flight at once (the `concurrency` setting).
    global: Arc<Semaphore>,
    /// The `concurrency` setting, which `global` was made with.
    concurrency: usize,
    /// Feeds between their request and their commit at once: what bounds a refresh's memory
    /// when the store falls behind, without holding a request slot idle meanwhile.
    pipeline: Arc<Semaphore>,
    /// How many permits `pipeline` was given in all, so a longer feed list can add the rest.
    pipeline_size: Arc<Mutex<usize>>,
    /// Where feeds are parsed: a thread per core.
    parsing: Arc<parse_pool::ParsePool>,
    per_host: usize,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    max_articles: usize,
    /// Fetched feeds waiting to be stored together.
    queue: Arc<batch::IngestQueue>,
}

/// Feeds in the pipeline (fetched, parsed or waiting for the store) per request slot: one
/// being fetched and one being stored, so the next request starts while a feed is stored.
const PIPELINE_PER_REQUEST: usize = 2;

/// How many feeds may be in the pipeline at once: one for each request that can be in flight
/// (`concurrency`, unless the hosts' `per_host` limits allow fewer), and `concurrency` more
/// fetched and waiting to be parsed and stored. Feeds waiting beyond that mostly hold memory:
/// 2 000 feeds on one host (two requests in flight) filled 32 slots with parsed feeds queued
/// for the writer, a peak of 62–64 MiB against 55 MiB with 18 slots, for 4 % less time.
pub fn pipeline_slots<'a>(
    concurrency: usize,
    per_host: usize,
    feeds: impl IntoIterator<Item = &'a Url>,
) -> usize {
    let concurrency = concurrency.max(1);
    let mut per_host_feeds: HashMap<String, usize> = HashMap::new();
    for url in feeds {
        *per_host_feeds
            .entry(url.host_str().unwrap_or("").to_ascii_lowercase())
            .or_default() += 1;
    }
    let in_flight: usize = per_host_feeds.values().map(|&n| n.min(per_host.max(1))).sum();
    in_flight.clamp(1, concurrency) + concurrency
}

/// A feed with more articles than this is stored a chunk per transaction, each its own job.
const INGEST_CHUNK: usize = 250;

/// Longest wait after repeated failures.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

impl Refresher {
    pub fn new(fetcher: Fetcher, store: StoreHandle, concurrency: usize, per_host: usize) -> Refresher {
        Refresher {
            fetcher,
            store,
            global: Arc::new(Semaphore::new(concurrency.max(1))),
            concurrency: concurrency.max(1),
            pipeline: Arc::new(Semaphore::new(concurrency.max(1) * PIPELINE_PER_REQUEST)),
            pipeline_size: Arc::new(Mutex::new(concurrency.max(1) * PIPELINE_PER_REQUEST)),
            parsing: Arc::new(parse_pool::ParsePool::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            )),
            per_host: per_host.max(1),
            hosts: Arc::new(Mutex::new(HashMap::new())),
            max_articles: crate::config::DEFAULT_MAX_ARTICLES,
            queue: Arc::default(),
        }
    }

    /// Sizes the pipeline for the hosts of the feeds it will refresh ([`pipeline_slots`]);
    /// without it, every request slot is taken to be usable.
    pub fn for_feeds<'a>(mut self, feeds: impl IntoIterator<Item = &'a Url>) -> Refresher {
        let slots = pipeline_slots(self.concurrency, self.per_host, feeds);
        self.pipeline = Arc::new(Semaphore::new(slots));
        self.pipeline_size = Arc::new(Mutex::new(slots));
        self
    }

    /// A new feed list (a config edit, a feed added in the UI): the pipeline grows when its
    /// hosts let more requests run at once, so a feed on a new site is not left waiting on
    /// slots sized for the old list. It never shrinks while in use: permits held by feeds in
    /// flight cannot be taken back, and a few spare slots cost nothing until they are used.
    pub fn grow_for_feeds<'a>(&self, feeds: impl IntoIterator<Item = &'a Url>) {
        let wanted = pipeline_slots(self.concurrency, self.per_host, feeds);
        let mut size = self.pipeline_size.lock().unwrap_or_else(|p| p.into_inner());
        if wanted > *size {
            self.pipeline.add_permits(wanted - *size);
            *size = wanted;
        }
    }

    /// Feeds that may be between their request and their commit at once.
    pub fn pipeline_size(&self) -> usize {
        *self.pipeline_size.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Articles kept per feed (the newest; starred ones always).
    pub fn with_max_articles(mut self, max: usize) -> Refresher {
        self.max_articles = max.max(1);
        self
    }

    /// Writes the search-index rows the pass queued (`store::INDEX_GROUP`): a pass's
    /// articles are found by a search once it is reported finished.
    pub(crate) async fn write_search_index(&self) {
        match self.store.write(|s| s.write_index_queue()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) | Err(e) => tracing::warn!(error = %e, "writing the search index"),
        }
    }

    fn host_permit_source(&self, url: &Url) -> Arc<Semaphore> {
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }

    /// Refreshes one feed: fetch, parse off the executor, ingest, record the outcome.
    pub async fn refresh(&self, feed: &PollFeed, force: bool) -> FeedResult {
        let id = feed.id;
        let state = match self.store.read(move |s| s.feed_state(id)).await {
            Ok(Ok(Some(st))) => st,
            Ok(Ok(None)) => {
                return FeedResult::Failed {
                    error: FeedFailure::Store("feed is not in the store".into()),
                };
            }
            Ok(Err(e)) | Err(e) => return FeedResult::Failed { error: e.into() },
        };
        let now = Utc::now();
        if let Some(until) = state.next_attempt.filter(|t| *t > now)
            && (!force || state.last_status.is_some_and(|s| s == 429 || s == 503))
        {
            return FeedResult::Deferred { until };
        }
        let target = state
            .redirect_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .unwrap_or_else(|| feed.url.clone());
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let host = self.host_permit_source(&target);
        // The host permit and the request slot cover only the request (politeness, sockets);
        // the pipeline slot is held until the feed is parsed and stored, so fetching can never
        // run far ahead of the single writer and pile bodies up in memory.
        let _in_pipeline = self.pipeline.clone().acquire_owned().await;
        let host_permit = host.acquire_owned().await;
        let request = self.global.clone().acquire_owned().await;
        let outcome = self.fetcher.fetch(&target, &validators).await;
        drop(request);
        drop(host_permit);
        match outcome {
            Ok(FetchOutcome::NotModified { permanent_redirect }) => {
                let rec = FetchRecord {
                    status: Some(304),
                    redirect_url: permanent_redirect.map(|u| u.to_string()),
                    ..FetchRecord::default()
                };
                match self
                    .store
                    .write(move |s| s.record_success(id, &rec, Utc::now()))
                    .await
                {
                    Ok(Ok(())) => FeedResult::NotModified,
                    Ok(Err(e)) | Err(e) => FeedResult::Failed { error: e.into() },
                }
            }
            Ok(FetchOutcome::Fetched(f)) => self.ingest(id, *f, state.consecutive_failures).await,
            Err(e) => self.fail(id, &e, state.consecutive_failures).await,
        }
    }

    async fn ingest(&self, id: FeedId, f: feed::fetch::Fetched, failures: u32) -> FeedResult {
        let bytes = f.bytes;
        let (content_type, location, language) = (
            f.content_type.clone(),
            f.content_location.clone(),
            f.content_language.clone(),
        );
        let final_url = f.final_url.clone();
        // What the store has of this feed, read beside the writer: unchanged articles are
        // then a hash compare and nothing more.
        let known = match self.store.read(move |s| s.known_hashes(id)).await {
            Ok(Ok(known)) => known,
            Ok(Err(e)) | Err(e) => return FeedResult::Failed { error: e.into() },
        };
        let max = self.max_articles;
        let max_size = self.fetcher.limits().max_size;
        let parsed = self
            .parsing
            .run(move || {
                let source = feed::parse::Source {
                    url: &final_url,
                    content_type: content_type.as_deref(),
                    content_location: location.as_deref(),
                    content_language: language.as_deref(),
                    max_size,
                };
                crate::recover::catch(|| {
                    feed::parse::parse_source(&bytes, &source).map(|mut parsed| {
                        keep_newest(id, &mut parsed.articles, max);
                        let prepared = crate::store::prepare(&parsed.articles, &known);
                        (parsed, prepared)
                    })
                })
            })
            .await
            .ok_or_else(|| "the parse thread stopped".to_string())
            .and_then(|r| r);
        let (parsed, prepared) = match parsed {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                let error = FeedFailure::Parse(e.to_string());
                return self.record_error(id, Some(f.status), error, failures, None).await;
            }
            Err(e) => {
                let error = FeedFailure::Parse(format!("the parser crashed: {e}"));
                return self.record_error(id, Some(f.status), error, failures, None).await;
            }
        };
        let rec = FetchRecord {
            status: Some(f.status),
            etag: f.validators.etag,
            last_modified: f.validators.last_modified,
            redirect_url: f.permanent_redirect.map(|u| u.to_string()),
        };
        let articles: Vec<(NewArticle, crate::store::Prepared)> =
            parsed.articles.into_iter().zip(prepared).collect();
        // Each chunk is its own short transaction, queued as its own job: a mark the user makes
        // meanwhile runs between two chunks instead of waiting for the whole feed.
        let mut chunks = chunked(articles, INGEST_CHUNK);
        // The last chunk is stored with the feed's state, in the final job.
        let (articles, prepared) = chunks.pop().unwrap_or_default().into_iter().unzip();
        let meta = parsed.meta;
        let mut new = 0;
        for chunk in chunks {
            let m = meta.clone();
            let (arts, preps): (Vec<NewArticle>, Vec<crate::store::Prepared>) = chunk.into_iter().unzip();
            match self
                .store
                .write(move |s| s.ingest_prepared(id, &m, &arts, &preps, Utc::now()))
                .await
            {
                Ok(Ok(stats)) => new += stats.new,
                Ok(Err(e)) | Err(e) => return FeedResult::Failed { error: e.into() },
            }
            // The lock is free for a moment between chunks, so another process's mark (waiting
            // a millisecond at a time) gets in instead of waiting for the whole feed.
            tokio::time::sleep(CHUNK_PAUSE).await;
        }
        // Articles beyond the cap go in batches, each its own job, before the last chunk.
        let mut dropped = 0;
        loop {
            match self
                .store
                .write(move |s| s.cap_articles(id, max, crate::store::CAP_BATCH))
                .await
            {
                Ok(Ok(n)) => {
                    dropped += n;
                    if n < crate::store::CAP_BATCH as u64 {
                        break;
                    }
                    tokio::time::sleep(CHUNK_PAUSE).await;
                }
                Ok(Err(e)) | Err(e) => return FeedResult::Failed { error: e.into() },
            }
        }
        if dropped > 0 {
            tracing::info!(feed = id.0, dropped, "older articles beyond max_articles removed");
        }
        // The last chunk (for most feeds, all of it) is stored with the feed's state, in a
        // batch with the other feeds that arrive meanwhile.
        let job = crate::store::FeedIngest {
            feed: id,
            meta,
            articles,
            prepared,
            record: rec,
            max_articles: max,
        };
        match self.queue.store(&self.store, job).await {
            Ok(stored) => FeedResult::Updated {
                new: stored.stats.new + new,
                unread: stored.unread,
            },
            Err(e) => FeedResult::Failed { error: e.into() },
        }
    }

    async fn fail(&self, id: FeedId, e: &FetchError, failures: u32) -> FeedResult {
        let retry_after = match e {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        };
        self.record_error(
            id,
            e.status(),
            FeedFailure::Fetch(e.clone()),
            failures,
            retry_after,
        )
        .await
    }

    async fn record_error(
        &self,
        id: FeedId,
        status: Option<u16>,
        error: FeedFailure,
        failures: u32,
        retry_after: Option<Duration>,
    ) -> FeedResult {
        let now = Utc::now();
        let wait = retry_after
            .unwrap_or_else(|| backoff(failures + 1))
            .min(MAX_BACKOFF * 4);
        let next = now + chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::hours(6));
        tracing::warn!(feed = id.0, status, %error, "feed failed");
        let err = error.to_string();
        let _ = self
            .store
            .write(move |s| s.record_failure(id, status, &err, Some(next), now))
            .await;
        FeedResult::Failed { error }
    }

    /// Refreshes all `feeds` once, reporting progress, and returns the totals.
    pub async fn run_pass(
        &self,
        feeds: Vec<PollFeed>,
        force: bool,
        events: Option<mpsc::Sender<PollEvent>>,
    ) -> PassSummary {
        let total = feeds.len();
        let mut set = JoinSet::new();
        for f in feeds {
            let me = self.clone();
            set.spawn(async move {
                let r = me.refresh(&f, force).await;
                (f, r)
            });
        }
        let mut summary = PassSummary::default();
        let mut done = 0;
        if let Some(tx) = &events {
            let _ = tx.send(PollEvent::Progress { done, total }).await;
        }
        while let Some(joined) = set.join_next().await {
            let Ok((f, result)) = joined else { continue };
            done += 1;
            summary.add(&f.url, &result);
            if let Some(tx) = &events {
                let _ = tx.send(result_event(f.id, &result)).await;
                let _ = tx.send(PollEvent::Progress { done, total }).await;
            }
        }
        self.write_search_index().await;
        tracing::info!(pass = %summary.line(), "refresh pass finished");
        if let Some(tx) = &events {
            let _ = tx.send(PollEvent::PassFinished(summary.clone())).await;
        }
        summary
    }
}

pub(crate) fn result_event(feed_id: FeedId, r: &FeedResult) -> PollEvent {
    match r {
        FeedResult::Updated { new, unread } => PollEvent::FeedUpdated {
            feed_id,
            new: *new,
            unread: *unread,
        },
        FeedResult::NotModified => PollEvent::FeedNotModified { feed_id },
        FeedResult::Failed { error } => PollEvent::FeedFailed {
            feed_id,
            error: error.to_string(),
        },
        FeedResult::Deferred { until } => PollEvent::FeedDeferred {
            feed_id,
            until: *until,
        },
    }
}

/// Exponential backoff after consecutive failures: 1m, 2m, 4m, ... capped at 6h.
pub fn backoff(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(16);
    Duration::from_secs(60u64.saturating_mul(1 << exp)).min(MAX_BACKOFF)
}

/// A feed within the size limit can still hold 250 000 items: only the newest `max` count.
fn keep_newest(id: FeedId, articles: &mut Vec<NewArticle>, max: usize) {
    if articles.len() > max {
        tracing::warn!(
            feed = id.0,
            total = articles.len(),
            kept = max,
            "feed has more articles than max_articles"
        );
        articles.sort_by_key(|a| std::cmp::Reverse(a.published));
        articles.truncate(max);
    }
}

/// The pause between the chunks of a large feed.
const CHUNK_PAUSE: Duration = Duration::from_millis(3);

/// Splits a list into chunks of at most `n`, moving each item once. (Splitting off the rest
/// again and again copied the tail each time and left every chunk holding the whole list's
/// capacity: 22 GiB for a feed of 250 000 articles.)
fn chunked<T>(items: Vec<T>, n: usize) -> Vec<Vec<T>> {
    let mut chunks = Vec::with_capacity(items.len().div_ceil(n.max(1)));
    let mut rest = items.into_iter();
    loop {
        let chunk: Vec<T> = rest.by_ref().take(n.max(1)).collect();
        if chunk.is_empty() {
            return chunks;
        }
        chunks.push(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_hold_only_their_own_items() {
        let chunks = chunked((0..1001).collect::<Vec<u32>>(), 250);
        assert_eq!(
            chunks.iter().map(Vec::len).collect::<Vec<_>>(),
            [250, 250, 250, 250, 1]
        );
        assert!(
            chunks.iter().all(|c| c.capacity() <= 250),
            "no chunk keeps the whole list's memory"
        );
        assert_eq!(chunks.concat(), (0..1001).collect::<Vec<u32>>());
        assert!(chunked(Vec::<u32>::new(), 250).is_empty());
    }

    #[test]
    fn the_pipeline_is_sized_by_the_requests_the_hosts_allow() {
        let urls = |hosts: usize, each: usize| -> Vec<Url> {
            (0..hosts * each)
                .map(|i| Url::parse(&format!("http://h{}.example/f{i}", i % hosts)).expect("url"))
                .collect()
        };
        // Many feeds over many hosts: every request slot can be used.
        assert_eq!(pipeline_slots(16, 2, &urls(20, 10)), 32);
        // One host: two requests in flight, and `concurrency` feeds waiting behind them.
        assert_eq!(pipeline_slots(16, 2, &urls(1, 2000)), 18);
        // Three hosts with one feed each: three.
        assert_eq!(pipeline_slots(16, 2, &urls(3, 1)), 19);
        // Host names differ only in case: one host.
        let cased = [
            Url::parse("http://A.example/1").expect("url"),
            Url::parse("http://a.example/2").expect("url"),
            Url::parse("http://a.EXAMPLE/3").expect("url"),
        ];
        assert_eq!(pipeline_slots(4, 2, &cased), 6);
        // No feeds yet (a config edited later): at least one slot in flight.
        assert_eq!(pipeline_slots(4, 2, &[]), 5);
    }

    #[test]
    fn a_longer_feed_list_grows_the_pipeline_and_a_shorter_one_keeps_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = StoreHandle::open(&dir.path().join("t.db")).expect("store");
        let limits = feed::fetch::FetchLimits {
            timeout: Duration::from_secs(5),
            max_size: 1 << 20,
            max_redirects: 5,
        };
        let fetcher = Fetcher::direct("tidings-test/1", limits).expect("fetcher");
        let on = |hosts: usize| -> Vec<Url> {
            (0..hosts * 3)
                .map(|i| Url::parse(&format!("http://h{}.example/f{i}", i % hosts)).expect("url"))
                .collect()
        };
        let r = Refresher::new(fetcher, store, 4, 2).for_feeds(&on(1));
        assert_eq!((r.pipeline_size(), r.pipeline.available_permits()), (6, 6));
        // Feeds on two more sites: all four request slots can now be used.
        r.grow_for_feeds(&on(3));
        assert_eq!((r.pipeline_size(), r.pipeline.available_permits()), (8, 8));
        // Back to one site: the slots stay (some may be held by feeds in flight).
        r.grow_for_feeds(&on(1));
        assert_eq!((r.pipeline_size(), r.pipeline.available_permits()), (8, 8));
        // A clone (what every refresh task holds) shares the pipeline.
        let held = r.pipeline.clone().try_acquire_owned().expect("a slot");
        r.clone().grow_for_feeds(&on(5));
        assert_eq!((r.pipeline_size(), r.pipeline.available_permits()), (8, 7));
        drop(held);
    }

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(1), Duration::from_secs(60));
        assert_eq!(backoff(2), Duration::from_secs(120));
        assert_eq!(backoff(40), MAX_BACKOFF);
    }

    #[test]
    fn summary_line_reads_well() {
        let mut s = PassSummary::default();
        let u = Url::parse("https://a.example/").expect("url");
        s.add(&u, &FeedResult::Updated { new: 3, unread: 3 });
        s.add(&u, &FeedResult::NotModified);
        s.add(
            &u,
            &FeedResult::Failed {
                error: FeedFailure::Fetch(FetchError::Status {
                    status: 500,
                    retry_after: None,
                }),
            },
        );
        assert_eq!(
            s.line(),
            "3 feeds: 1 updated, 1 not modified, 1 failed; 3 new articles"
        );
    }
}
