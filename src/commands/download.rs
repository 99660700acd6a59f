//! `tidings download`: queues the newest enclosures of feeds with `auto_download = N`, then
//! downloads everything queued (`D` in the UI queues too), a line per file; for cron.
//! `--list` shows the queue instead.

use std::time::Duration;

use anyhow::Result;
use chrono::Utc;

use super::{Session, write_stdout};
use crate::download::{DownloadEvent, DownloadSettings, default_dir, run_queue};
use crate::text::sanitize_line;

pub fn settings(ctx: &Session) -> DownloadSettings {
    let s = &ctx.config.settings;
    DownloadSettings {
        dir: default_dir(s.download_dir.as_deref(), &ctx.paths.data_dir),
        max_size: s.max_download_size,
        per_host: s.per_host,
        concurrency: s.concurrency.min(4),
        auto: ctx
            .config
            .feeds
            .iter()
            .filter_map(|f| f.auto_download.map(|n| (f.url.to_string(), n)))
            .collect(),
    }
}

pub fn run(ctx: &Session, list: bool) -> Result<i32> {
    let (mut store, _) = ctx.open_store()?;
    if list {
        let mut out = String::new();
        for j in store.downloads()? {
            out.push_str(&format!(
                "{:<7} {:>7}  {}  {}\n",
                j.state,
                j.article.0,
                sanitize_line(&j.title),
                sanitize_line(j.file.as_deref().or(j.error.as_deref()).unwrap_or(&j.url))
            ));
        }
        write_stdout(out.as_bytes())?;
        return Ok(0);
    }
    let settings = settings(ctx);
    store.queue_auto(&settings.auto, Utc::now())?;
    drop(store);
    let fetcher = ctx.fetcher()?;
    let rt = super::runtime()?;
    let handle = ctx.open_handle()?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (done, failed) = rt.block_on(run_queue(&fetcher, &handle, &settings, &tx))?;
    drop(tx);
    let mut out = String::new();
    while let Ok(ev) = rx.try_recv() {
        match ev {
            DownloadEvent::Done { file, .. } => out.push_str(&format!("done: {}\n", file.display())),
            DownloadEvent::Failed { name, url, error } => out.push_str(&format!(
                "failed: {} ({}): {}\n",
                sanitize_line(&name),
                sanitize_line(&url),
                sanitize_line(&error)
            )),
            DownloadEvent::Progress { .. } => {}
        }
    }
    out.push_str(&format!(
        "{done} downloaded, {failed} failed, into {}\n",
        settings.dir.display()
    ));
    handle.close();
    rt.shutdown_timeout(Duration::from_secs(1));
    write_stdout(out.as_bytes())?;
    Ok(if failed > 0 { 1 } else { 0 })
}
