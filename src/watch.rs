//! Watchers that turn outside changes into messages for the UI loop: an edited config file
//! (reloaded and its feeds registered through the store's writer) and commits to the store by
//! other processes. Each runs as its own task; the loop never waits on them.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tokio::sync::{mpsc, watch};

use crate::app::Msg;
use crate::app::keymap::Keymap;
use crate::config::Config;
use crate::poller::PollerCmd;
use crate::store::StoreHandle;

/// How often the config file is checked for edits.
pub const CONFIG_POLL: Duration = Duration::from_millis(500);
/// At most one store-change message this often, however busy other processes are.
pub const STORE_CHANGE_GAP: Duration = Duration::from_secs(1);

/// Size and modification time: enough to notice an edit without reading the file.
fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// Reloads the config whenever the file changes; ends when the loop stops listening.
pub async fn watch_config(
    path: PathBuf,
    store: StoreHandle,
    poller: mpsc::Sender<PollerCmd>,
    tx: mpsc::Sender<Msg>,
) {
    let mut last = stamp(&path);
    let mut tick = tokio::time::interval(CONFIG_POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        let now = stamp(&path);
        if now == last {
            continue;
        }
        last = now;
        let msg = reload_config(&path, &store, &poller).await;
        if tx.send(msg).await.is_err() {
            break;
        }
    }
}

/// Loads the edited config and registers its feeds; a broken file keeps the old config.
pub async fn reload_config(path: &Path, store: &StoreHandle, poller: &mpsc::Sender<PollerCmd>) -> Msg {
    let p = path.to_path_buf();
    let config = match tokio::task::spawn_blocking(move || Config::load(&p)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return rejected(path, &e.to_string()),
        Err(e) => return rejected(path, &e.to_string()),
    };
    let c = config.clone();
    let registered = match store.write(move |s| crate::session::register(&c, s)).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) | Err(e) => return rejected(path, &format!("store: {e}")),
    };
    let _ = poller.send(PollerCmd::SetFeeds(registered.poll)).await;
    tracing::info!(feeds = registered.ids.len(), "config reloaded");
    Msg::ConfigReloaded {
        feeds: registered.infos,
        keymap: Keymap::new(&config.keys),
        settings: crate::session::app_settings(&config),
    }
}

fn rejected(path: &Path, error: &str) -> Msg {
    tracing::warn!(error, "config rejected");
    // The status line is narrow: name the file, not its whole path.
    let mut text = error.to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        text = text.replace(&format!("{}/", dir.display()), "");
    }
    Msg::ConfigRejected(crate::text::sanitize_line(&text))
}

/// Sends `StoreChanged` when another process commits; ends when the loop stops listening.
pub async fn watch_store(mut changes: watch::Receiver<u64>, tx: mpsc::Sender<Msg>) {
    while changes.changed().await.is_ok() {
        if tx.send(Msg::StoreChanged).await.is_err() {
            break;
        }
        tokio::time::sleep(STORE_CHANGE_GAP).await;
    }
}

/// Hands the poller's reports to the loop as messages.
pub async fn forward_poll_events(events: mpsc::Receiver<crate::poller::PollEvent>, tx: mpsc::Sender<Msg>) {
    forward(events, tx, Msg::Poll).await;
}

/// Passes the sync task's reports to the loop.
pub async fn forward_sync_events(
    events: mpsc::Receiver<crate::sync::worker::SyncEvent>,
    tx: mpsc::Sender<Msg>,
) {
    forward(events, tx, Msg::Sync).await;
}

/// Passes the downloader's reports to the loop.
pub async fn forward_download_events(
    events: mpsc::Receiver<crate::download::DownloadEvent>,
    tx: mpsc::Sender<Msg>,
) {
    forward(events, tx, Msg::Download).await;
}

async fn forward<T>(mut events: mpsc::Receiver<T>, tx: mpsc::Sender<Msg>, wrap: fn(T) -> Msg) {
    while let Some(ev) = events.recv().await {
        if tx.send(wrap(ev)).await.is_err() {
            break;
        }
    }
}
