//! Carrying out the model's [`Effect`]s: one small async function per effect, each returning
//! the [`Msg`] that reports its result. [`Services::dispatch`] starts them as tasks; the event
//! loop only collects their messages. Tested against a temporary store, without a terminal.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::app::{Around, Change, Effect, Field, Msg, StoreReply};
use crate::feed::Fetcher;
use crate::model::{ArticleId, Query};
use crate::poller::PollerCmd;
use crate::store::StoreHandle;
use crate::sync::worker::SyncCmd;

/// What effects are carried out with.
#[derive(Clone)]
pub struct Services {
    pub store: StoreHandle,
    pub fetcher: Fetcher,
    pub config_path: PathBuf,
    pub poller: mpsc::Sender<PollerCmd>,
    /// The sync task, when the config has accounts: told to push after each local mark.
    pub sync: Option<mpsc::Sender<SyncCmd>>,
    /// The newest rule preview asked for: an older one still queued for the reader is
    /// skipped, so fast typing never waits behind queries nobody will see.
    pub newest_preview: Arc<AtomicU64>,
    /// Wakes the downloader after something was queued.
    pub downloads: mpsc::Sender<()>,
    /// Draws articles' pictures; `None` with `images = "off"`.
    pub pictures: Option<crate::images::Pictures>,
}

/// What the loop itself must do after an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Continue,
    Quit,
    Suspend,
}

impl Services {
    /// Starts one effect; its result comes back as a message through `pending`.
    pub fn dispatch(&self, effect: Effect, pending: &mut JoinSet<Option<Msg>>) -> Control {
        let store = self.store.clone();
        match effect {
            Effect::LoadWindow {
                generation,
                query,
                around,
                limit,
            } => pending
                .spawn(async move { Some(load_window(&store, generation, query, around, limit).await) }),
            Effect::LoadBody(id) => pending.spawn(async move { Some(load_body(&store, id).await) }),
            Effect::LoadCounts { epoch, views } => {
                pending.spawn(async move { load_counts(&store, epoch, views).await })
            }
            Effect::PreviewRule { generation, query } => {
                self.newest_preview.store(generation, Ordering::Relaxed);
                let newest = self.newest_preview.clone();
                pending.spawn(async move { preview_rule(&store, generation, query, &newest).await })
            }
            Effect::Write(change) => {
                let sync = self.sync.clone();
                pending.spawn(async move { Some(nudged(sync, write(&store, change).await)) })
            }
            Effect::Undo(change) => {
                let sync = self.sync.clone();
                pending.spawn(async move { Some(nudged(sync, undo(&store, change).await)) })
            }
            Effect::MarkAllRead(query) => {
                let sync = self.sync.clone();
                pending.spawn(async move { Some(nudged(sync, mark_all_read(&store, query).await)) })
            }
            Effect::LoadHealth => pending.spawn(async move { load_health(&store).await }),
            Effect::FetchFullText { id, link } => {
                let fetcher = self.fetcher.clone();
                pending.spawn(async move { Some(fetch_full_text(&fetcher, &store, id, link).await) })
            }
            Effect::AddFeed(input) => {
                let (fetcher, path) = (self.fetcher.clone(), self.config_path.clone());
                pending.spawn(async move { Some(add_feed(&fetcher, &path, input).await) })
            }
            Effect::ApplyRedirect { from, to } => {
                let path = self.config_path.clone();
                pending.spawn(async move { Some(apply_redirect(&path, from, to).await) })
            }
            Effect::OpenUrl { url, browser } => pending.spawn(async move { open_url(browser, url) }),
            Effect::QueueDownload(id) => {
                let nudge = self.downloads.clone();
                pending.spawn(async move {
                    let r = store
                        .write(move |s| {
                            let n = s.queue_download(id, chrono::Utc::now())?;
                            Ok::<_, crate::store::Error>((n, s.downloads()?))
                        })
                        .await;
                    Some(match r {
                        Ok(Ok((n, jobs))) => {
                            // A full channel means the downloader is already woken.
                            let _ = nudge.try_send(());
                            Msg::Store(StoreReply::Downloads {
                                jobs,
                                queued: Some(n),
                            })
                        }
                        Ok(Err(e)) | Err(e) => Msg::OpenFailed(format!("cannot queue the download: {e}")),
                    })
                })
            }
            Effect::NudgeDownloads => {
                let _ = self.downloads.try_send(());
                return Control::Continue;
            }
            Effect::LoadDownloads => pending.spawn(async move {
                match store.read(|s| s.downloads()).await {
                    Ok(Ok(jobs)) => Some(Msg::Store(StoreReply::Downloads { jobs, queued: None })),
                    _ => None,
                }
            }),
            Effect::Spawn(argv) => pending.spawn(async move {
                crate::opener::spawn_detached(&argv)
                    .err()
                    .map(|e| Msg::OpenFailed(e.to_string()))
            }),
            Effect::Refresh(feed) => {
                let (poller, sync) = (self.poller.clone(), self.sync.clone());
                let cmd = match feed {
                    Some(id) => PollerCmd::RefreshFeed(id),
                    None => PollerCmd::RefreshAll,
                };
                pending.spawn(async move {
                    if let (None, Some(sync)) = (feed, sync) {
                        let _ = sync.send(SyncCmd::SyncNow).await;
                    }
                    let _ = poller.send(cmd).await;
                    None
                })
            }
            Effect::FetchImages {
                id,
                urls,
                cols,
                max_rows,
            } => {
                let Some(pictures) = &self.pictures else {
                    return Control::Continue;
                };
                for url in urls {
                    let (pictures, fetcher) = (pictures.clone(), self.fetcher.clone());
                    pending.spawn(async move {
                        let result = pictures.draw(&fetcher, &url, cols, max_rows).await;
                        Some(Msg::Image {
                            id,
                            url,
                            cols,
                            result: result.map_err(|e| e.to_string()),
                        })
                    });
                }
                return Control::Continue;
            }
            Effect::Suspend => return Control::Suspend,
            Effect::Quit => return Control::Quit,
        };
        Control::Continue
    }
}

/// Tells the sync task that a mark was written (the outbox has it; a full channel means a
/// push is already coming).
fn nudged(sync: Option<mpsc::Sender<SyncCmd>>, msg: Msg) -> Msg {
    if let Some(sync) = sync {
        let _ = sync.try_send(SyncCmd::Push);
    }
    msg
}

fn store_failed(e: impl std::fmt::Display) -> Msg {
    Msg::OpenFailed(format!("store: {e}"))
}

/// A window of headlines, placed around an article or at an offset.
pub async fn load_window(
    store: &StoreHandle,
    generation: u64,
    query: Query,
    around: Around,
    limit: usize,
) -> Msg {
    let r = store
        .read(move |s| -> crate::store::Result<StoreReply> {
            let total = s.count(&query)? as usize;
            let (offset, kept_at) = match around {
                Around::Offset(o) => (o, None),
                Around::Article(id, fallback) => match s.position(&query, id)? {
                    Some(p) => (p.saturating_sub(limit / 2), Some(p)),
                    None => (fallback, None),
                },
            };
            let offset = offset.min(total.saturating_sub(1));
            let rows = s.headlines(&query, offset, limit)?;
            Ok(StoreReply::Window {
                generation,
                offset,
                rows,
                total,
                kept_at,
            })
        })
        .await;
    match r {
        Ok(Ok(reply)) => Msg::Store(reply),
        Ok(Err(e)) | Err(e) => store_failed(e),
    }
}

pub async fn load_body(store: &StoreHandle, id: ArticleId) -> Msg {
    let body = store
        .read(move |s| s.body(id))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten();
    Msg::Store(StoreReply::Body {
        id,
        body: body.map(Box::new),
    })
}

/// Unread counts, the starred count, feed errors and titles, from one read.
pub async fn load_counts(store: &StoreHandle, epoch: u64, views: Vec<String>) -> Option<Msg> {
    let r = store
        .read(move |s| -> crate::store::Result<StoreReply> {
            let views = views
                .into_iter()
                .map(|v| {
                    s.count(&Query {
                        view: Some(v),
                        unread_only: true,
                        ..Default::default()
                    })
                })
                .collect::<crate::store::Result<Vec<u64>>>()?;
            let starred = s.count(&Query {
                starred_only: true,
                ..Default::default()
            })?;
            Ok(StoreReply::Counts {
                epoch,
                unread: s.unread_counts()?,
                starred,
                errors: s.feed_errors()?,
                titles: s.feed_titles()?,
                views,
            })
        })
        .await;
    r.ok().and_then(Result::ok).map(Msg::Store)
}

fn apply(s: &mut crate::store::Store, c: &Change) -> crate::store::Result<Vec<ArticleId>> {
    match c.field {
        Field::Read => s.set_read(&c.ids, c.value),
        Field::Starred => s.set_starred(&c.ids, c.value),
    }
}

/// Writes a marking; reported once committed (the model reverts it on failure).
pub async fn write(store: &StoreHandle, change: Change) -> Msg {
    let c = change.clone();
    match store.write(move |s| apply(s, &c)).await {
        Ok(Ok(_)) => Msg::Store(StoreReply::Written { change }),
        Ok(Err(e)) | Err(e) => Msg::Store(StoreReply::WriteFailed {
            error: e.to_string(),
            change,
        }),
    }
}

/// Writes an undo; the status line says "undone" only after the commit.
pub async fn undo(store: &StoreHandle, change: Change) -> Msg {
    let c = change.clone();
    match store.write(move |s| apply(s, &c)).await {
        Ok(Ok(_)) => Msg::Store(StoreReply::Undone { change }),
        Ok(Err(e)) | Err(e) => Msg::Store(StoreReply::WriteFailed {
            error: e.to_string(),
            change,
        }),
    }
}

pub async fn mark_all_read(store: &StoreHandle, query: Query) -> Msg {
    match store.write(move |s| s.mark_all_read(&query)).await {
        Ok(Ok(ids)) => Msg::Store(StoreReply::MarkedAll { ids }),
        Ok(Err(e)) | Err(e) => Msg::Store(StoreReply::MarkAllFailed { error: e.to_string() }),
    }
}

pub async fn load_health(store: &StoreHandle) -> Option<Msg> {
    // The writer holds the config's rules (the reader's connection has none).
    let rules = store
        .write(|s| s.rule_counts(chrono::Utc::now()))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let rows = store
        .read(|s| s.feeds(chrono::Utc::now()))
        .await
        .ok()
        .and_then(Result::ok)?;
    Some(Msg::Store(StoreReply::Health(rows, rules)))
}

/// How many articles (hidden ones too) a rule typed so far matches, and the first five; a
/// query that could never match says why, as the config would.
/// Nothing when a newer preview was asked for before this one reached the reader.
pub async fn preview_rule(
    store: &StoreHandle,
    generation: u64,
    query: String,
    newest: &Arc<AtomicU64>,
) -> Option<Msg> {
    type Answer = crate::store::Result<(u64, Vec<(crate::model::FeedId, String)>)>;
    let result = match crate::store::search::parse(&query, true) {
        Err(e) => Err(e.to_string()),
        Ok(_) => {
            let newest = newest.clone();
            let answer = store
                .read(move |s| -> Option<Answer> {
                    if newest.load(Ordering::Relaxed) != generation {
                        return None;
                    }
                    Some(
                        s.preview(&query, 5)
                            .map(|(n, first)| (n, first.into_iter().map(|a| (a.feed_id, a.title)).collect())),
                    )
                })
                .await;
            match answer {
                Ok(None) => return None,
                Ok(Some(r)) => r.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    Some(Msg::Store(StoreReply::Preview { generation, result }))
}

/// Fetches the article's page, extracts the article and caches it (searchable from then on).
pub async fn fetch_full_text(fetcher: &Fetcher, store: &StoreHandle, id: ArticleId, link: String) -> Msg {
    let title = store
        .read(move |s| s.body(id))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten()
        .map(|b| b.summary.title);
    let result = match crate::fulltext::fetch_full_text(fetcher, Some(&link), title.as_deref()).await {
        Ok(html) => {
            let siblings = store
                .read(move |s| s.sibling_pages(id, crate::fulltext::TEMPLATE_PAGES))
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default();
            let html = crate::text::boilerplate::remove_recurring(&html, &siblings);
            let cached = html.clone();
            match store.write(move |s| s.set_full_html(id, &cached)).await {
                Ok(Ok(())) => Ok(html),
                Ok(Err(e)) | Err(e) => {
                    tracing::warn!(article = id.0, error = %e, "could not cache the full text");
                    Ok(html)
                }
            }
        }
        Err(e) => Err(e.to_string()),
    };
    Msg::Store(StoreReply::FullText { id, result })
}

fn notice(message: String, error: bool) -> Msg {
    Msg::Notice {
        message: crate::text::sanitize_line(&message),
        error,
    }
}

/// Finds the feed behind `input` (autodiscovery) and adds it to the config file, which the
/// config watcher then reloads.
pub async fn add_feed(fetcher: &Fetcher, config_path: &Path, input: String) -> Msg {
    let found = match crate::session::discovery::find_feed(fetcher, &input, |_| Ok(0)).await {
        Ok(found) => found,
        Err(e) => return notice(format!("could not add: {e:#}"), true),
    };
    let new = crate::config::edit::NewFeed {
        url: found.url.clone(),
        name: found.title.clone(),
        tags: vec![],
    };
    let path = config_path.to_path_buf();
    let edited =
        tokio::task::spawn_blocking(move || crate::config::edit::edit_file(&path, |d| d.add_feed(&new)))
            .await;
    match edited {
        Ok(Ok((true, _))) => notice(
            format!(
                "added {} (the config reloads by itself)",
                found
                    .title
                    .unwrap_or_else(|| crate::text::display_url(&found.url))
            ),
            false,
        ),
        Ok(Ok((false, _))) => notice(
            format!("already subscribed to {}", crate::text::display_url(&found.url)),
            false,
        ),
        Ok(Err(e)) => notice(format!("could not add: {e}"), true),
        Err(e) => notice(format!("could not add: {e}"), true),
    }
}

/// Points a feed at its permanent redirect target in the config file.
pub async fn apply_redirect(config_path: &Path, from: String, to: String) -> Msg {
    let path = config_path.to_path_buf();
    let t = to.clone();
    let r = tokio::task::spawn_blocking(move || {
        crate::config::edit::edit_file(&path, |d| d.set_feed_url(&from, &t))
    })
    .await;
    match r {
        Ok(Ok((true, _))) => notice(
            format!("feed now points to {}", crate::text::display_url(&to)),
            false,
        ),
        Ok(Ok((false, _))) => notice("that feed is not in the config file".to_string(), true),
        Ok(Err(e)) => notice(format!("could not edit the config: {e}"), true),
        Err(e) => notice(format!("could not edit the config: {e}"), true),
    }
}

/// Opens a link in the browser (argv, never a shell); only a failure is reported.
pub fn open_url(browser: Option<Vec<String>>, url: String) -> Option<Msg> {
    crate::opener::open(browser.as_deref(), &url)
        .err()
        .map(|e| Msg::OpenFailed(e.to_string()))
}

#[cfg(test)]
mod tests;
