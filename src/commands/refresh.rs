//! `tidings refresh`: one headless pass over every feed (or one), with a progress bar on a
//! terminal and a summary line on stdout.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::Result;
use chrono::Utc;
use tokio::sync::mpsc;

use super::{Session, write_stdout};
use crate::poller::{FeedFailure, PassSummary, PollEvent};

pub fn run(ctx: &Session, only: Option<&str>) -> Result<i32> {
    // The HTTP client reads the system's TLS roots (a tenth of the startup before the first
    // request): built beside the store's open and migrations rather than after them.
    let (fetcher, opened) = std::thread::scope(|s| {
        let client = s.spawn(|| ctx.fetcher());
        let opened = ctx.open_store();
        (client.join(), opened)
    });
    // Kept open until the handle's connections are: closing the last connection copies the
    // journal into the database and syncs it (fsyncs before the first request).
    let (store, ids) = opened?;
    let fetcher = fetcher.map_err(|_| anyhow::anyhow!("building the HTTP client crashed"))??;
    let mut feeds = crate::session::poll_feeds(&ctx.config, &ids);
    if let Some(needle) = only {
        let i = ctx.feed_index(needle)?;
        feeds = vec![feeds[i].clone()];
    }
    let runtime = super::runtime()?;
    let handle = ctx.open_handle()?;
    drop(store);
    let refresher = ctx.refresher_with(fetcher, &handle)?;
    let retention = ctx.config.settings.retention;
    let show_progress = std::io::stderr().is_terminal();
    // `--feed` names one of the config's feeds: accounts are synced only by a whole refresh.
    let accounts = if only.is_none() {
        ctx.sync_accounts(None)?
    } else {
        Vec::new()
    };
    let (summary, synced): (PassSummary, String) = runtime.block_on(async {
        let (tx, rx) = mpsc::channel(256);
        let progress = tokio::spawn(progress_bar(rx, show_progress));
        let summary = refresher.run_pass(feeds, only.is_some(), Some(tx)).await;
        let _ = progress.await;
        let (synced, _) = super::sync::sync_all(&accounts, &handle).await;
        let _ = handle.write(move |s| s.prune(retention, Utc::now())).await;
        (summary, synced)
    });
    drop(accounts);
    drop(refresher);
    handle.close();
    runtime.shutdown_timeout(Duration::from_secs(1));
    let mut out = summary.line();
    out.push('\n');
    out.push_str(&synced);
    for (url, err) in &summary.failed {
        out.push_str(&format!(
            "  failed: {}: {}\n",
            crate::text::display_url(url),
            crate::text::sanitize_line(&err.to_string())
        ));
    }
    write_stdout(out.as_bytes())?;
    if let Some(e) = summary.store_error {
        anyhow::bail!("the store could not be written: {e}");
    }
    if summary
        .failed
        .iter()
        .any(|(_, e)| matches!(e, FeedFailure::Store(_)))
    {
        anyhow::bail!("the store could not be written");
    }
    Ok(0)
}

async fn progress_bar(mut rx: mpsc::Receiver<PollEvent>, show: bool) {
    let bar = show.then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} refreshing {pos}/{len} feeds {wide_bar} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    while let Some(ev) = rx.recv().await {
        if let (Some(bar), PollEvent::Progress { done, total }) = (&bar, &ev) {
            bar.set_length(*total as u64);
            bar.set_position(*done as u64);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}
