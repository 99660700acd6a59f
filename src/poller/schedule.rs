//! The background scheduler: refreshes each feed when it is due and on request, coalescing
//! requests for feeds already queued or in flight, and reports every result. What a refresh
//! does is behind [`Refresh`], so the timing is tested with paused time and no network.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::{FeedResult, PassSummary, PollEvent, PollFeed, PollerCmd, Refresher, result_event};
use crate::model::{FeedId, FeedState};

/// What the scheduler needs from a refresher.
pub trait Refresh: Clone + Send + Sync + 'static {
    /// Refreshes one feed (`force`: asked for by the user, not by the clock).
    fn refresh(&self, feed: PollFeed, force: bool) -> impl Future<Output = FeedResult> + Send;
    /// The stored state of every feed, for the first due times.
    fn states(&self) -> impl Future<Output = Vec<FeedState>> + Send;
    /// How long until a failed or deferred feed may be tried again.
    fn retry_delay(&self, id: FeedId) -> impl Future<Output = Option<Duration>> + Send;
    /// A pass has ended: what it left queued is written (the search index's group).
    fn pass_finished(&self) -> impl Future<Output = ()> + Send {
        async {}
    }
    /// The feed list changed: limits sized for the feeds follow it.
    fn feeds_changed(&self, _feeds: &[PollFeed]) {}
}

impl Refresh for Refresher {
    async fn refresh(&self, feed: PollFeed, force: bool) -> FeedResult {
        Refresher::refresh(self, &feed, force).await
    }

    async fn states(&self) -> Vec<FeedState> {
        self.store
            .read(|s| s.feed_states())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default()
    }

    async fn pass_finished(&self) {
        self.write_search_index().await;
    }

    fn feeds_changed(&self, feeds: &[PollFeed]) {
        self.grow_for_feeds(feeds.iter().map(|f| &f.url));
    }

    async fn retry_delay(&self, id: FeedId) -> Option<Duration> {
        let state = self.store.read(move |s| s.feed_state(id)).await.ok()?.ok()??;
        (state.next_attempt? - Utc::now()).to_std().ok()
    }
}

/// The background poller task. Ends on `Shutdown`, when the command channel closes, or when
/// nobody listens to its events any more.
pub async fn run_background<R: Refresh>(
    refresher: R,
    feeds: Vec<PollFeed>,
    mut cmds: mpsc::Receiver<PollerCmd>,
    events: mpsc::Sender<PollEvent>,
) {
    let mut s = Scheduler::new(refresher, events);
    s.set_feeds(feeds).await;
    loop {
        let next_due = s.due.values().min().copied();
        let sleep = async {
            match next_due {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        let go_on = tokio::select! {
            cmd = cmds.recv() => match cmd {
                None | Some(PollerCmd::Shutdown) => false,
                Some(cmd) => { s.command(cmd).await; true }
            },
            _ = sleep => { s.start_due(); true },
            Some(joined) = s.tasks.join_next(), if !s.tasks.is_empty() => match joined {
                Ok((f, result)) => s.finished(f, result).await,
                Err(_) => true,
            },
        };
        if !go_on {
            break;
        }
    }
    s.tasks.abort_all();
}

/// The scheduler's state: when each feed is due, what is in flight, the pass being counted.
struct Scheduler<R> {
    refresher: R,
    events: mpsc::Sender<PollEvent>,
    feeds: Vec<PollFeed>,
    due: HashMap<FeedId, Instant>,
    in_flight: HashSet<FeedId>,
    tasks: JoinSet<(PollFeed, FeedResult)>,
    done: usize,
    total: usize,
    summary: PassSummary,
}

impl<R: Refresh> Scheduler<R> {
    fn new(refresher: R, events: mpsc::Sender<PollEvent>) -> Scheduler<R> {
        Scheduler {
            refresher,
            events,
            feeds: Vec::new(),
            due: HashMap::new(),
            in_flight: HashSet::new(),
            tasks: JoinSet::new(),
            done: 0,
            total: 0,
            summary: PassSummary::default(),
        }
    }

    /// A new feed list: feeds kept keep their due times, new ones are due from their state.
    async fn set_feeds(&mut self, feeds: Vec<PollFeed>) {
        self.refresher.feeds_changed(&feeds);
        let now = Instant::now();
        self.due.retain(|id, _| feeds.iter().any(|f| f.id == *id));
        let states = self.refresher.states().await;
        for f in &feeds {
            if !self.due.contains_key(&f.id) && !self.in_flight.contains(&f.id) {
                let state = states.iter().find(|s| s.id == f.id);
                self.due.insert(f.id, now + first_delay(state, f));
            }
        }
        self.feeds = feeds;
    }

    async fn command(&mut self, cmd: PollerCmd) {
        match cmd {
            PollerCmd::RefreshAll => {
                let all: Vec<PollFeed> = self.feeds.clone();
                self.start(all, true);
            }
            PollerCmd::RefreshFeed(id) => {
                let one: Vec<PollFeed> = self.feeds.iter().filter(|f| f.id == id).cloned().collect();
                self.start(one, true);
            }
            PollerCmd::SetFeeds(feeds) => self.set_feeds(feeds).await,
            PollerCmd::Shutdown => {}
        }
    }

    fn start_due(&mut self) {
        let now = Instant::now();
        let ready: Vec<FeedId> = self
            .due
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in &ready {
            self.due.remove(id);
        }
        let feeds: Vec<PollFeed> = self
            .feeds
            .iter()
            .filter(|f| ready.contains(&f.id))
            .cloned()
            .collect();
        self.start(feeds, false);
    }

    /// Starts refreshes; a feed already being fetched is not fetched twice.
    fn start(&mut self, feeds: Vec<PollFeed>, force: bool) {
        let before = self.total;
        for f in feeds {
            if !self.in_flight.insert(f.id) {
                continue;
            }
            self.due.remove(&f.id);
            self.total += 1;
            let r = self.refresher.clone();
            self.tasks.spawn(async move {
                let result = r.refresh(f.clone(), force).await;
                (f, result)
            });
        }
        if self.total > before && self.done == 0 {
            let _ = self.events.try_send(PollEvent::Progress {
                done: 0,
                total: self.total,
            });
        }
    }

    /// Records a result, schedules the feed's next time, reports; false once nobody listens.
    async fn finished(&mut self, f: PollFeed, result: FeedResult) -> bool {
        self.in_flight.remove(&f.id);
        self.done += 1;
        self.summary.add(&f.url, &result);
        let wait = match &result {
            FeedResult::Failed { .. } | FeedResult::Deferred { .. } => self
                .refresher
                .retry_delay(f.id)
                .await
                .unwrap_or(f.refresh_interval),
            _ => f.refresh_interval + jitter(f.refresh_interval, f.id.0 as u64),
        };
        if self.feeds.iter().any(|x| x.id == f.id) {
            self.due.insert(f.id, Instant::now() + wait);
        }
        if self.events.send(result_event(f.id, &result)).await.is_err() {
            return false;
        }
        let progress = PollEvent::Progress {
            done: self.done,
            total: self.total,
        };
        let _ = self.events.send(progress).await;
        if self.tasks.is_empty() {
            let summary = std::mem::take(&mut self.summary);
            self.refresher.pass_finished().await;
            tracing::info!(pass = %summary.line(), "refresh pass finished");
            let _ = self.events.send(PollEvent::PassFinished(summary)).await;
            self.done = 0;
            self.total = 0;
        }
        true
    }
}

/// A small random-ish jitter (up to a tenth of `interval`) so feeds do not all fire together.
fn jitter(interval: Duration, salt: u64) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(salt);
    let frac = (h.finish() % 1000) as u32;
    interval / 10 * frac / 1000
}

/// How long after startup a feed is first due: at once if it was never fetched or is overdue.
fn first_delay(state: Option<&FeedState>, f: &PollFeed) -> Duration {
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A refresher that records when each feed was refreshed, in paused time.
    #[derive(Clone, Default)]
    struct Recorder {
        calls: Arc<Mutex<Vec<(FeedId, bool, Duration)>>>,
        start: Arc<Mutex<Option<Instant>>>,
        fetch_time: Duration,
        /// The feed ids of every list the scheduler was given.
        lists: Arc<Mutex<Vec<Vec<FeedId>>>>,
    }

    impl Refresh for Recorder {
        async fn refresh(&self, feed: PollFeed, force: bool) -> FeedResult {
            let start = *self.start.lock().expect("lock").get_or_insert_with(Instant::now);
            self.calls
                .lock()
                .expect("lock")
                .push((feed.id, force, Instant::now() - start));
            tokio::time::sleep(self.fetch_time).await;
            FeedResult::NotModified
        }
        async fn states(&self) -> Vec<FeedState> {
            Vec::new()
        }
        async fn retry_delay(&self, _: FeedId) -> Option<Duration> {
            None
        }
        fn feeds_changed(&self, feeds: &[PollFeed]) {
            self.lists
                .lock()
                .expect("lock")
                .push(feeds.iter().map(|f| f.id).collect());
        }
    }

    fn feed(id: i64, minutes: u64) -> PollFeed {
        PollFeed {
            id: FeedId(id),
            url: url::Url::parse(&format!("https://h{id}.example/feed")).expect("url"),
            refresh_interval: Duration::from_secs(60 * minutes),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn feeds_are_refreshed_at_start_then_every_interval() {
        let rec = Recorder::default();
        let (cmd_tx, cmd_rx) = mpsc::channel(4);
        let (ev_tx, mut ev_rx) = mpsc::channel(64);
        let task = tokio::spawn(run_background(
            rec.clone(),
            vec![feed(1, 10), feed(2, 30)],
            cmd_rx,
            ev_tx,
        ));
        let drain = tokio::spawn(async move { while ev_rx.recv().await.is_some() {} });
        tokio::time::sleep(Duration::from_secs(65 * 60)).await;
        let _ = cmd_tx.send(PollerCmd::Shutdown).await;
        let _ = task.await;
        drain.abort();
        let calls = rec.calls.lock().expect("lock").clone();
        let of = |id| calls.iter().filter(|c| c.0 == FeedId(id)).count();
        // Feed 1 at 0, ~10, ~20, ... ~60 minutes (intervals stretched by up to 10% jitter).
        assert!((6..=7).contains(&of(1)), "{calls:?}");
        assert!((2..=3).contains(&of(2)), "{calls:?}");
        let first_two: Vec<_> = calls.iter().take(2).map(|c| c.2).collect();
        assert_eq!(first_two, vec![Duration::ZERO; 2]);
        let second = calls
            .iter()
            .filter(|c| c.0 == FeedId(1))
            .nth(1)
            .expect("second")
            .2;
        assert!(
            second >= Duration::from_secs(600) && second <= Duration::from_secs(660),
            "{second:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn requests_for_a_feed_in_flight_are_coalesced() {
        let rec = Recorder {
            fetch_time: Duration::from_secs(5),
            ..Recorder::default()
        };
        let (cmd_tx, cmd_rx) = mpsc::channel(8);
        let (ev_tx, mut ev_rx) = mpsc::channel(64);
        let task = tokio::spawn(run_background(rec.clone(), vec![feed(1, 60)], cmd_rx, ev_tx));
        tokio::time::sleep(Duration::from_secs(1)).await;
        for _ in 0..3 {
            cmd_tx.send(PollerCmd::RefreshAll).await.expect("send");
        }
        let mut finished = 0;
        while let Some(ev) = ev_rx.recv().await {
            if let PollEvent::PassFinished(s) = ev {
                finished += 1;
                assert_eq!(s.feeds, 1);
                break;
            }
        }
        // After the pass, a refresh asked for runs again, forced.
        cmd_tx
            .send(PollerCmd::RefreshFeed(FeedId(1)))
            .await
            .expect("send");
        tokio::time::sleep(Duration::from_secs(10)).await;
        cmd_tx.send(PollerCmd::Shutdown).await.expect("send");
        let _ = task.await;
        let calls = rec.calls.lock().expect("lock").clone();
        assert_eq!(finished, 1);
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert_eq!((calls[0].1, calls[1].1), (false, true));
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_feed_list_schedules_new_feeds_and_drops_removed_ones() {
        let rec = Recorder::default();
        let (cmd_tx, cmd_rx) = mpsc::channel(8);
        let (ev_tx, mut ev_rx) = mpsc::channel(64);
        let task = tokio::spawn(run_background(rec.clone(), vec![feed(1, 10)], cmd_rx, ev_tx));
        let drain = tokio::spawn(async move { while ev_rx.recv().await.is_some() {} });
        tokio::time::sleep(Duration::from_secs(60)).await;
        cmd_tx
            .send(PollerCmd::SetFeeds(vec![feed(2, 10)]))
            .await
            .expect("send");
        tokio::time::sleep(Duration::from_secs(25 * 60)).await;
        cmd_tx.send(PollerCmd::Shutdown).await.expect("send");
        let _ = task.await;
        drain.abort();
        let calls = rec.calls.lock().expect("lock").clone();
        assert_eq!(calls.iter().filter(|c| c.0 == FeedId(1)).count(), 1, "{calls:?}");
        assert!(
            calls.iter().filter(|c| c.0 == FeedId(2)).count() >= 2,
            "{calls:?}"
        );
        // The refresher heard of both lists (its pipeline follows the feeds' hosts).
        assert_eq!(
            *rec.lists.lock().expect("lock"),
            vec![vec![FeedId(1)], vec![FeedId(2)]]
        );
    }
}
