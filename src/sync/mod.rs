//! Sync with an aggregator server: the account's subscriptions beside the config's feeds, and
//! one read and starred state across every client.
//!
//! Offline first. The store is the truth the UI shows; a local mark goes to the outbox in its
//! own transaction (see `store::sync`) and is pushed from there, so it survives a server that
//! is down, a crash and SIGKILL. A sync pushes first, then pulls: the subscription list, the
//! ids of items crawled since the newest one stored (only unknown ones are downloaded, so no
//! body is fetched twice), and the unread and starred id lists, applied except where a mark
//! still waits in the outbox.
//!
//! A protocol is one [`Backend`]: Google Reader's is [`greader`]; Fever or tt-rss would be one
//! file each.

pub mod greader;
pub mod secret;
pub mod worker;

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use chrono::Utc;

use crate::model::{NewArticle, RemoteFeed, SyncFlag};
use crate::store::{RemoteArticle, StoreHandle};

/// Which item ids to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemList {
    /// Every item crawled since this time (microseconds), or every item.
    Since(Option<i64>),
    Unread,
    Starred,
}

/// One item as the server sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteItem {
    pub id: i64,
    /// The stream id of its feed.
    pub feed: String,
    pub crawled_usec: Option<i64>,
    pub article: NewArticle,
}

/// What a backend has sent and received so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    pub requests: u64,
    pub bytes: u64,
}

/// A sync protocol: small enough that Fever and the tt-rss API fit it.
pub trait Backend: Send + Sync {
    fn subscriptions(&self) -> impl Future<Output = Result<Vec<RemoteFeed>, SyncError>> + Send;
    fn item_ids(&self, list: ItemList) -> impl Future<Output = Result<Vec<i64>, SyncError>> + Send;
    fn items(&self, ids: &[i64]) -> impl Future<Output = Result<Vec<RemoteItem>, SyncError>> + Send;
    fn set_flag(
        &self,
        ids: &[i64],
        flag: SyncFlag,
        on: bool,
    ) -> impl Future<Output = Result<(), SyncError>> + Send;
    /// Subscribes to a feed URL; returns the new stream id.
    fn subscribe(&self, url: &str) -> impl Future<Output = Result<String, SyncError>> + Send;
    fn unsubscribe(&self, feed: &str) -> impl Future<Output = Result<(), SyncError>> + Send;
    fn traffic(&self) -> Traffic;
}

/// Why a sync failed, in one line a user can act on. Never holds a password or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("the server refused user '{0}': check the password (FreshRSS wants the API password)")]
    Auth(String),
    #[error("HTTP {status} from {what}")]
    Status { status: u16, what: String },
    #[error("timed out after {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error(
        "{what} answered with {got}, not the API's JSON: is the account's url the API address \
         (for FreshRSS, https://host/api/greader.php)?"
    )]
    NotApi { what: String, got: String },
    #[error("the answer from {what} is larger than 64 MiB")]
    TooLarge { what: String },
    #[error("{0}")]
    Secret(String),
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Refused(String),
    #[error("store: {0}")]
    Store(String),
}

impl From<crate::store::Error> for SyncError {
    fn from(e: crate::store::Error) -> SyncError {
        SyncError::Store(e.to_string())
    }
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Marks the server took.
    pub pushed: usize,
    /// New items stored.
    pub new: u64,
    /// Stored items whose read or starred state the server changed.
    pub changed: u64,
    pub feeds: usize,
    pub traffic: Traffic,
}

impl SyncReport {
    pub fn summary(&self) -> String {
        format!(
            "{} feeds, {} new, {} changed, {} marks pushed ({} requests, {})",
            self.feeds,
            self.new,
            self.changed,
            self.pushed,
            self.traffic.requests,
            human_bytes(self.traffic.bytes)
        )
    }
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// Items asked for per request batch, and stored per store job.
const ITEMS_PER_BATCH: usize = 1000;

/// Pushes the outbox, then pulls; the account's state records the outcome. A failed push
/// does not stop the pull: the marks still waiting win over what the pull brings.
pub async fn sync_account<B: Backend>(
    backend: &B,
    store: &StoreHandle,
    account: &str,
) -> Result<SyncReport, SyncError> {
    let before = backend.traffic();
    let pushed = push(backend, store, account).await;
    let pulled = pull(backend, store, account).await;
    let outcome = match (pushed, pulled) {
        (Ok(pushed), Ok(mut report)) => {
            report.pushed = pushed;
            Ok(report)
        }
        // When both fail, the pull says more (the push's first call is only the token).
        (_, Err(e)) | (Err(e), Ok(_)) => Err(e),
    };
    let name = account.to_string();
    let recorded = match &outcome {
        Ok(_) => Ok(()),
        Err(e) => {
            let msg = e.to_string();
            store
                .write(move |s| s.record_sync_failure(&name, &msg, Utc::now()))
                .await
                .map(|_| ())
        }
    };
    if let Err(e) = recorded {
        tracing::warn!(account, error = %e, "could not record the sync outcome");
    }
    outcome.map(|mut r| {
        let after = backend.traffic();
        r.traffic = Traffic {
            requests: after.requests - before.requests,
            bytes: after.bytes - before.bytes,
        };
        r
    })
}

/// Sends the outbox's marks (the newest value per item and flag) and clears what was sent.
pub async fn push<B: Backend>(backend: &B, store: &StoreHandle, account: &str) -> Result<usize, SyncError> {
    let name = account.to_string();
    let entries = store.read(move |s| s.outbox(&name)).await??;
    let Some(last) = entries.last().map(|e| e.seq) else {
        return Ok(0);
    };
    let mut latest: HashMap<(i64, SyncFlag), bool> = HashMap::new();
    for e in &entries {
        latest.insert((e.remote_id, e.flag), e.value);
    }
    for flag in [SyncFlag::Read, SyncFlag::Starred] {
        for on in [true, false] {
            let mut ids: Vec<i64> = latest
                .iter()
                .filter(|((_, f), v)| *f == flag && **v == on)
                .map(|((id, _), _)| *id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            ids.sort_unstable();
            backend.set_flag(&ids, flag, on).await?;
        }
    }
    let name = account.to_string();
    store.write(move |s| s.outbox_done(&name, last)).await??;
    tracing::info!(account, marks = latest.len(), "marks pushed");
    Ok(latest.len())
}

/// Subscriptions, new items, then read and starred state.
async fn pull<B: Backend>(backend: &B, store: &StoreHandle, account: &str) -> Result<SyncReport, SyncError> {
    let subs = backend.subscriptions().await?;
    let feeds = subs.len();
    let name = account.to_string();
    let rows = store
        .write(move |s| s.sync_subscriptions(&name, &subs, Utc::now()))
        .await??;
    let name = account.to_string();
    let state = store.read(move |s| s.account_state(&name)).await??;
    let listed = backend.item_ids(ItemList::Since(state.newest_crawl_usec)).await?;
    let name = account.to_string();
    let known = store.read(move |s| s.known_items(&name)).await??;
    let wanted: Vec<i64> = listed.into_iter().filter(|id| !known.contains(id)).collect();
    let mut report = SyncReport {
        feeds,
        ..SyncReport::default()
    };
    let mut newest = None;
    for chunk in wanted.chunks(ITEMS_PER_BATCH) {
        let items = backend.items(chunk).await?;
        newest = items.iter().filter_map(|i| i.crawled_usec).chain(newest).max();
        let articles: Vec<RemoteArticle> = items
            .into_iter()
            .filter_map(|i| {
                Some(RemoteArticle {
                    feed: *rows.get(&i.feed)?,
                    remote_id: i.id,
                    article: i.article,
                })
            })
            .collect();
        let stats = store
            .write(move |s| s.ingest_remote(&articles, Utc::now()))
            .await??;
        report.new += stats.new;
    }
    let unread = backend.item_ids(ItemList::Unread).await?;
    let starred = backend.item_ids(ItemList::Starred).await?;
    let name = account.to_string();
    report.changed = store
        .write(move |s| s.reconcile(&name, &unread, &starred))
        .await??;
    let name = account.to_string();
    store
        .write(move |s| s.record_sync_success(&name, newest, Utc::now()))
        .await??;
    Ok(report)
}
