//! The background sync task of the terminal UI: each account synced at start and then every
//! refresh interval, the outbox pushed shortly after each local mark, failures retried with
//! backoff. One task, accounts in turn, so a push never overlaps the pull it must precede.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::{SyncError, SyncReport, sync_account};
use crate::app::FeedInfo;
use crate::store::StoreHandle;

/// Requests to the sync task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncCmd {
    /// Sync every account now (the user asked for a refresh).
    SyncNow,
    /// A local mark was written: push soon.
    Push,
}

/// Reports from the sync task.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent {
    Synced {
        account: String,
        report: SyncReport,
        /// The account's feeds now, for the feed list.
        feeds: Vec<FeedInfo>,
    },
    Pushed {
        account: String,
        marks: usize,
    },
    Failed {
        account: String,
        error: String,
    },
}

/// How long after a mark the outbox is pushed: marks made in a burst go in one request.
const PUSH_DELAY: Duration = Duration::from_millis(700);
/// The first retry after a failure; doubled each time, up to the refresh interval.
const FIRST_RETRY: Duration = Duration::from_secs(15);

/// One account as the task drives it.
pub struct Driven {
    pub name: String,
    pub backend: super::greader::GReader,
    pub interval: Duration,
}

struct Slot {
    account: Driven,
    due: Instant,
    failures: u32,
}

/// The account's feeds as the feed list shows them.
pub async fn account_feed_infos(store: &StoreHandle, account: &str) -> Vec<FeedInfo> {
    let name = account.to_string();
    let rows = store
        .read(move |s| s.account_feeds(&name))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    feed_infos(account, rows)
}

/// Feed-list entries for an account's feed rows (row, title, folders).
pub fn feed_infos(account: &str, rows: Vec<(crate::model::FeedId, String, Vec<String>)>) -> Vec<FeedInfo> {
    rows.into_iter()
        .map(|(id, title, tags)| FeedInfo {
            id,
            name: title,
            tags,
            named: true,
            full_text: false,
            account: Some(account.to_string()),
        })
        .collect()
}

/// Runs until the command channel closes or nobody listens to the events.
pub async fn run(
    accounts: Vec<Driven>,
    store: StoreHandle,
    mut cmds: mpsc::Receiver<SyncCmd>,
    events: mpsc::Sender<SyncEvent>,
) {
    let now = Instant::now();
    let mut slots: Vec<Slot> = accounts
        .into_iter()
        .map(|account| Slot {
            account,
            due: now,
            failures: 0,
        })
        .collect();
    let mut push_at: Option<Instant> = None;
    loop {
        let next = slots.iter().map(|s| s.due).chain(push_at).min();
        let sleep = async {
            match next {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            cmd = cmds.recv() => match cmd {
                None => return,
                Some(SyncCmd::SyncNow) => slots.iter_mut().for_each(|s| s.due = Instant::now()),
                Some(SyncCmd::Push) => {
                    push_at.get_or_insert_with(|| Instant::now() + PUSH_DELAY);
                }
            },
            _ = sleep => {
                let now = Instant::now();
                let pushing = push_at.is_some_and(|t| t <= now);
                if pushing {
                    push_at = None;
                }
                for slot in &mut slots {
                    let event = if slot.due <= now {
                        Some(sync_slot(slot, &store).await)
                    } else if pushing {
                        push_slot(slot, &store).await
                    } else {
                        None
                    };
                    if let Some(ev) = event
                        && events.send(ev).await.is_err()
                    {
                        return;
                    }
                }
            }
        }
    }
}

async fn sync_slot(slot: &mut Slot, store: &StoreHandle) -> SyncEvent {
    let name = slot.account.name.clone();
    let result = sync_account(&slot.account.backend, store, &name).await;
    match result {
        Ok(report) => {
            slot.failures = 0;
            slot.due = Instant::now() + slot.account.interval;
            tracing::info!(account = %name, summary = %report.summary(), "synced");
            SyncEvent::Synced {
                feeds: account_feed_infos(store, &name).await,
                account: name,
                report,
            }
        }
        Err(e) => failed(slot, name, &e),
    }
}

async fn push_slot(slot: &mut Slot, store: &StoreHandle) -> Option<SyncEvent> {
    let name = slot.account.name.clone();
    match super::push(&slot.account.backend, store, &name).await {
        Ok(0) => None,
        Ok(marks) => Some(SyncEvent::Pushed { account: name, marks }),
        Err(e) => Some(failed(slot, name, &e)),
    }
}

fn failed(slot: &mut Slot, account: String, e: &SyncError) -> SyncEvent {
    slot.failures += 1;
    let backoff = FIRST_RETRY
        .saturating_mul(1 << (slot.failures - 1).min(10))
        .min(slot.account.interval.max(FIRST_RETRY));
    slot.due = Instant::now() + backoff;
    tracing::warn!(account = %account, error = %e, retry_in = ?backoff, "sync failed");
    SyncEvent::Failed {
        account,
        error: e.to_string(),
    }
}
