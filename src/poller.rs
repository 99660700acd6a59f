//! The background refresher: schedules feeds, fetches with bounded global and per-host
//! concurrency, parses off the async executor, writes through the store's single writer, and
//! reports typed events. Never touches the terminal or the UI model.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use crate::feed::{self, FetchError, FetchOutcome, Fetcher, Validators};
use crate::model::FeedId;
use crate::store::{FetchRecord, StoreHandle};

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
    Failed { error: String },
    Deferred { until: DateTime<Utc> },
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
    pub failed: Vec<(String, String)>,
    /// Set when the store could not be written at all.
    pub store_error: Option<String>,
}

impl PassSummary {
    fn add(&mut self, url: &Url, result: &FeedResult) {
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
    global: Arc<Semaphore>,
    per_host: usize,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

/// Longest wait after repeated failures.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

impl Refresher {
    pub fn new(fetcher: Fetcher, store: StoreHandle, concurrency: usize, per_host: usize) -> Refresher {
        Refresher {
            fetcher,
            store,
            global: Arc::new(Semaphore::new(concurrency.max(1))),
            per_host: per_host.max(1),
            hosts: Arc::new(Mutex::new(HashMap::new())),
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
                    error: "feed is not in the store".into(),
                };
            }
            Ok(Err(e)) => return FeedResult::Failed { error: e.to_string() },
            Err(e) => return FeedResult::Failed { error: e.to_string() },
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
        // The host permit covers only the request (politeness); the global slot is held until
        // the feed is parsed and stored, so fetching can never run ahead of the single writer
        // and pile bodies up in memory.
        let host_permit = host.acquire_owned().await;
        let _slot = self.global.clone().acquire_owned().await;
        let outcome = self.fetcher.fetch(&target, &validators).await;
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
                    Ok(Err(e)) => FeedResult::Failed { error: e.to_string() },
                    Err(e) => FeedResult::Failed { error: e.to_string() },
                }
            }
            Ok(FetchOutcome::Fetched(f)) => self.ingest(id, f, state.consecutive_failures).await,
            Err(e) => self.fail(id, &e, state.consecutive_failures).await,
        }
    }

    async fn ingest(&self, id: FeedId, f: feed::fetch::Fetched, failures: u32) -> FeedResult {
        let bytes = f.bytes;
        let content_type = f.content_type.clone();
        let final_url = f.final_url.clone();
        let parsed =
            tokio::task::spawn_blocking(move || feed::parse(&bytes, content_type.as_deref(), &final_url))
                .await;
        let parsed = match parsed {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                return self
                    .record_error(id, Some(f.status), format!("parse error: {e}"), failures, None)
                    .await;
            }
            Err(e) => {
                return self
                    .record_error(id, Some(f.status), format!("parser crashed: {e}"), failures, None)
                    .await;
            }
        };
        let rec = FetchRecord {
            status: Some(f.status),
            etag: f.validators.etag,
            last_modified: f.validators.last_modified,
            redirect_url: f.permanent_redirect.map(|u| u.to_string()),
        };
        let result = self
            .store
            .write(move |s| {
                let now = Utc::now();
                let stats = s.ingest(id, &parsed.meta, &parsed.articles, now)?;
                s.record_success(id, &rec, now)?;
                let unread = s.unread_count(id)?;
                Ok::<_, crate::store::Error>((stats, unread))
            })
            .await;
        match result {
            Ok(Ok((stats, unread))) => FeedResult::Updated {
                new: stats.new,
                unread,
            },
            Ok(Err(e)) => FeedResult::Failed {
                error: format!("store: {e}"),
            },
            Err(e) => FeedResult::Failed {
                error: format!("store: {e}"),
            },
        }
    }

    async fn fail(&self, id: FeedId, e: &FetchError, failures: u32) -> FeedResult {
        let retry_after = match e {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        };
        self.record_error(id, e.status(), e.to_string(), failures, retry_after)
            .await
    }

    async fn record_error(
        &self,
        id: FeedId,
        status: Option<u16>,
        error: String,
        failures: u32,
        retry_after: Option<Duration>,
    ) -> FeedResult {
        let now = Utc::now();
        let wait = retry_after
            .unwrap_or_else(|| backoff(failures + 1))
            .min(MAX_BACKOFF * 4);
        let next = now + chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::hours(6));
        let err = error.clone();
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
        if let Some(tx) = &events {
            let _ = tx.send(PollEvent::PassFinished(summary.clone())).await;
        }
        summary
    }
}

fn result_event(feed_id: FeedId, r: &FeedResult) -> PollEvent {
    match r {
        FeedResult::Updated { new, unread } => PollEvent::FeedUpdated {
            feed_id,
            new: *new,
            unread: *unread,
        },
        FeedResult::NotModified => PollEvent::FeedNotModified { feed_id },
        FeedResult::Failed { error } => PollEvent::FeedFailed {
            feed_id,
            error: error.clone(),
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

/// A small random-ish jitter (up to a tenth of `interval`) so feeds do not all fire together.
fn jitter(interval: Duration, salt: u64) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(salt);
    let frac = (h.finish() % 1000) as u32;
    interval / 10 * frac / 1000
}

/// The background poller task: refreshes feeds when due and on request, coalescing requests
/// for feeds already queued or in flight. Ends on `Shutdown` or when the command channel
/// closes.
pub async fn run_background(
    refresher: Refresher,
    mut feeds: Vec<PollFeed>,
    mut cmds: mpsc::Receiver<PollerCmd>,
    events: mpsc::Sender<PollEvent>,
) {
    let mut due: HashMap<FeedId, Instant> = HashMap::new();
    let now = Instant::now();
    let states = refresher
        .store
        .read(|s| s.feed_states())
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    for f in &feeds {
        let state = states.iter().find(|s| s.id == f.id);
        due.insert(f.id, now + first_delay(state, f));
    }
    let mut in_flight: HashSet<FeedId> = HashSet::new();
    let mut tasks: JoinSet<(PollFeed, FeedResult)> = JoinSet::new();
    let (mut done, mut total) = (0usize, 0usize);
    let mut summary = PassSummary::default();
    loop {
        let next_due = due.values().min().copied();
        let sleep = async {
            match next_due {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        let mut start: Vec<(PollFeed, bool)> = Vec::new();
        tokio::select! {
            cmd = cmds.recv() => match cmd {
                None | Some(PollerCmd::Shutdown) => break,
                Some(PollerCmd::RefreshAll) => start.extend(feeds.iter().cloned().map(|f| (f, true))),
                Some(PollerCmd::RefreshFeed(id)) => start.extend(feeds.iter().filter(|f| f.id == id).cloned().map(|f| (f, true))),
                Some(PollerCmd::SetFeeds(new)) => {
                    let now = Instant::now();
                    due.retain(|id, _| new.iter().any(|f| f.id == *id));
                    let states = refresher.store.read(|s| s.feed_states()).await.ok().and_then(Result::ok).unwrap_or_default();
                    for f in &new {
                        if !due.contains_key(&f.id) && !in_flight.contains(&f.id) {
                            due.insert(f.id, now + first_delay(states.iter().find(|s| s.id == f.id), f));
                        }
                    }
                    feeds = new;
                }
            },
            _ = sleep => {
                let now = Instant::now();
                let ready: Vec<FeedId> = due.iter().filter(|(_, t)| **t <= now).map(|(id, _)| *id).collect();
                for id in ready {
                    due.remove(&id);
                    if let Some(f) = feeds.iter().find(|f| f.id == id) {
                        start.push((f.clone(), false));
                    }
                }
            },
            Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                if let Ok((f, result)) = joined {
                    in_flight.remove(&f.id);
                    done += 1;
                    summary.add(&f.url, &result);
                    let wait = match &result {
                        FeedResult::Failed { .. } | FeedResult::Deferred { .. } => retry_delay(&refresher, f.id).await.unwrap_or(f.refresh_interval),
                        _ => f.refresh_interval + jitter(f.refresh_interval, f.id.0 as u64),
                    };
                    if feeds.iter().any(|x| x.id == f.id) {
                        due.insert(f.id, Instant::now() + wait);
                    }
                    if events.send(result_event(f.id, &result)).await.is_err() {
                        break;
                    }
                    let _ = events.send(PollEvent::Progress { done, total }).await;
                    if tasks.is_empty() {
                        let _ = events.send(PollEvent::PassFinished(std::mem::take(&mut summary))).await;
                        done = 0;
                        total = 0;
                    }
                }
            },
        }
        for (f, force) in start {
            // Coalesce: a feed already being fetched is not fetched twice.
            if !in_flight.insert(f.id) {
                continue;
            }
            due.remove(&f.id);
            total += 1;
            let r = refresher.clone();
            tasks.spawn(async move {
                let result = r.refresh(&f, force).await;
                (f, result)
            });
        }
        if total > 0 && done == 0 && !tasks.is_empty() {
            let _ = events.try_send(PollEvent::Progress { done, total });
        }
    }
    tasks.abort_all();
}

/// How long after startup a feed is first due: at once if it was never fetched or is overdue.
fn first_delay(state: Option<&crate::model::FeedState>, f: &PollFeed) -> Duration {
    let now = Utc::now();
    let Some(state) = state else { return Duration::ZERO };
    if let Some(next) = state.next_attempt.filter(|t| *t > now) {
        return (next - now).to_std().unwrap_or_default();
    }
    match state.last_fetch {
        Some(last) => {
            let since = (now - last).to_std().unwrap_or_default();
            f.refresh_interval.saturating_sub(since)
        }
        None => Duration::ZERO,
    }
}

async fn retry_delay(r: &Refresher, id: FeedId) -> Option<Duration> {
    let state = r.store.read(move |s| s.feed_state(id)).await.ok()?.ok()??;
    let next = state.next_attempt?;
    (next - Utc::now()).to_std().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
                error: "HTTP 500".into(),
            },
        );
        assert_eq!(
            s.line(),
            "3 feeds: 1 updated, 1 not modified, 1 failed; 3 new articles"
        );
    }
}
