//! The glue between the terminal, the model, the store and the poller: one `select!` over
//! input, poll events, effect completions, signals and the frame deadline. Decisions belong in
//! `App::update`; this only carries effects out and feeds results back.

use std::time::Duration;

use anyhow::{Context as _, Result};
use futures_util::StreamExt;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::app::keymap::{Key, KeyChord, Keymap};
use crate::app::{App, AppSettings, Around, Effect, FeedInfo, Field, Msg, StoreReply};
use crate::commands::Context;
use crate::config::Paths;
use crate::poller::{PollEvent, PollerCmd, Refresher};
use crate::store::StoreHandle;

/// At most this often.
const FRAME_INTERVAL: Duration = Duration::from_millis(16);
/// How often the config file is checked for edits.
const CONFIG_POLL: Duration = Duration::from_millis(500);
/// How often the store is checked for commits made by other processes (cron refresh, a
/// second UI, `tidings mark`).
const STORE_POLL: Duration = Duration::from_secs(2);

/// Loads an edited config; on success registers its feeds in the store.
async fn reload_config(
    path: &std::path::Path,
    paths: &Paths,
) -> Result<(crate::config::Config, Vec<FeedInfo>, Vec<crate::poller::PollFeed>)> {
    let config = crate::config::Config::load(path)?;
    let ctx = Context {
        paths: paths.clone(),
        config,
    };
    let (store, ids) = ctx.open_store()?;
    let infos = feed_infos(&ctx.config, &ids, &store);
    let poll = crate::commands::refresh::poll_feeds(&ctx, &ids);
    Ok((ctx.config, infos, poll))
}

/// The UI's view of the configured feeds, with titles the store knows.
fn feed_infos(
    config: &crate::config::Config,
    ids: &[crate::model::FeedId],
    store: &crate::store::Store,
) -> Vec<FeedInfo> {
    // One query for every title, not one per feed: startup time must not grow with the list.
    let titles: std::collections::HashMap<_, _> =
        store.feed_titles().unwrap_or_default().into_iter().collect();
    config
        .feeds
        .iter()
        .zip(ids)
        .map(|(f, id)| {
            let title = titles.get(id).cloned();
            FeedInfo {
                id: *id,
                name: f.name.clone().or(title).unwrap_or_else(|| f.url.to_string()),
                tags: f.tags.clone(),
                named: f.name.is_some(),
                full_text: f.full_text,
            }
        })
        .collect()
}

fn app_settings(config: &crate::config::Config) -> AppSettings {
    AppSettings {
        mark_read_on_open: config.settings.mark_read_on_open,
        article_width: config.settings.article_width,
    }
}

/// Size and modification time: enough to notice an edit without reading the file.
fn stamp(path: &std::path::Path) -> Option<(u64, std::time::SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// Runs the terminal UI until the user quits.
pub fn run(paths: Paths) -> Result<i32> {
    let ctx = Context::load(paths)?;
    let (store, ids) = ctx.open_store()?;
    let infos = feed_infos(&ctx.config, &ids, &store);
    drop(store);
    let handle = StoreHandle::open(&ctx.paths.database())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(ui_main(&ctx, infos, ids, handle.clone()));
    runtime.shutdown_timeout(Duration::from_secs(1));
    handle.close();
    result
}

async fn ui_main(
    ctx: &Context,
    infos: Vec<FeedInfo>,
    ids: Vec<crate::model::FeedId>,
    store: StoreHandle,
) -> Result<i32> {
    // Retention runs once per session, queued behind nothing the user waits for.
    let retention = ctx.config.settings.retention;
    let pruner = store.clone();
    tokio::spawn(async move {
        let _ = pruner
            .write(move |s| s.prune(retention, chrono::Utc::now()))
            .await;
    });
    let refresher = Refresher::new(
        crate::commands::refresh::fetcher(ctx)?,
        store.clone(),
        ctx.config.settings.concurrency,
        ctx.config.settings.per_host,
    );
    let (cmd_tx, cmd_rx) = mpsc::channel::<PollerCmd>(16);
    let (ev_tx, mut ev_rx) = mpsc::channel::<PollEvent>(256);
    let poll_feeds = crate::commands::refresh::poll_feeds(ctx, &ids);
    // The poller starts after the first frame is on screen, so its startup reads and the
    // first fetches never delay what the user sees.
    let mut poller_start = Some((refresher, poll_feeds, cmd_rx, ev_tx));
    let mut poller: Option<tokio::task::JoinHandle<()>> = None;

    let mut terminal = crate::tui::enter().context("cannot set up the terminal")?;
    let size = terminal.size().unwrap_or_default();
    tracing::info!(?size, "terminal size");
    let settings = app_settings(&ctx.config);
    let (mut app, effects) = App::new(
        infos,
        Keymap::new(&ctx.config.keys),
        settings,
        (size.width, size.height),
    );
    let mut theme = ctx.config.theme;
    let config_path = ctx.config.path.clone();
    let mut config_stamp = stamp(&config_path);
    let mut watch = tokio::time::interval(CONFIG_POLL);
    let mut store_watch = tokio::time::interval(STORE_POLL);
    store_watch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut data_version: Option<i64> = None;
    watch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut outside = Outside {
        store: store.clone(),
        config_path: config_path.clone(),
        fetcher: crate::commands::refresh::fetcher(ctx)?,
        poller: cmd_tx.clone(),
        browser: ctx.config.settings.browser.clone(),
    };
    let mut pending: JoinSet<Option<Msg>> = JoinSet::new();
    let mut events = EventStream::new();
    let mut dirty = true;
    let mut next_frame = Instant::now();
    let signals = Signals::new();
    let mut signals = signals?;
    for e in effects {
        outside.run(e, &mut pending).await;
    }
    let outcome: Result<()> = loop {
        if app.quit {
            break Ok(());
        }
        let msg: Option<Msg> = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => match crate::tui::chord(&k) {
                    Some(KeyChord { key: Key::Char('z'), ctrl: true, .. }) => {
                        if let Err(e) = crate::tui::suspend(&mut terminal) {
                            break Err(e.into());
                        }
                        dirty = true;
                        None
                    }
                    Some(c) => Some(Msg::Key(c)),
                    None => None,
                },
                Some(Ok(Event::Resize(w, h))) => Some(Msg::Resize { width: w, height: h }),
                Some(Ok(_)) => None,
                Some(Err(e)) => break Err(e.into()),
                None => break Ok(()),
            },
            Some(ev) = ev_rx.recv() => Some(Msg::Poll(ev)),
            Some(done) = pending.join_next(), if !pending.is_empty() => done.ok().flatten(),
            _ = signals.recv() => break Ok(()),
            _ = store_watch.tick() => {
                // Asked on the writer's connection, which all of this process's writes go
                // through: its data_version moves only for commits by other processes.
                let v = store.write(|s| s.data_version()).await.ok().and_then(Result::ok);
                let changed = matches!((data_version, v), (Some(a), Some(b)) if a != b);
                data_version = v.or(data_version);
                changed.then_some(Msg::StoreChanged)
            }
            _ = watch.tick() => {
                let now = stamp(&config_path);
                if now != config_stamp {
                    config_stamp = now;
                    match reload_config(&config_path, &ctx.paths).await {
                        Ok((config, infos, poll)) => {
                            theme = config.theme;
                            outside.browser = config.settings.browser.clone();
                            let _ = cmd_tx.send(PollerCmd::SetFeeds(poll)).await;
                            Some(Msg::ConfigReloaded { feeds: infos, keymap: Keymap::new(&config.keys), settings: app_settings(&config) })
                        }
                        Err(e) => {
                            // The status line is narrow: name the file, not its whole path.
                            let mut text = format!("{e:#}");
                            if let Some(dir) = config_path.parent().filter(|d| !d.as_os_str().is_empty()) {
                                text = text.replace(&format!("{}/", dir.display()), "");
                            }
                            Some(Msg::ConfigRejected(crate::text::sanitize_line(&text)))
                        }
                    }
                } else {
                    None
                }
            }
            _ = tokio::time::sleep_until(next_frame), if dirty => {
                if let Err(e) = terminal.draw(|f| crate::ui::draw(f, &app, &theme)) {
                    break Err(e.into());
                }
                dirty = false;
                next_frame = Instant::now() + FRAME_INTERVAL;
                if let Some((refresher, feeds, cmds, events)) = poller_start.take() {
                    // Retention runs once per session, after the first frame like the poller.
                    let pruner = store.clone();
                    tokio::spawn(async move {
                        let _ = pruner.write(move |s| s.prune(retention, chrono::Utc::now())).await;
                    });
                    poller = Some(tokio::spawn(crate::poller::run_background(refresher, feeds, cmds, events)));
                }
                None
            }
        };
        if let Some(msg) = msg {
            for e in app.update(msg) {
                outside.run(e, &mut pending).await;
            }
            dirty = true;
        }
    };
    crate::tui::leave();
    let _ = cmd_tx.send(PollerCmd::Shutdown).await;
    // Let queued writes (marks) finish before the store closes.
    while tokio::time::timeout(Duration::from_secs(5), pending.join_next())
        .await
        .ok()
        .flatten()
        .is_some()
    {}
    if let Some(p) = poller {
        p.abort();
    }
    outcome.map(|()| 0)
}

/// SIGTERM and SIGHUP end the UI cleanly (terminal restored, writes flushed).
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {},
            _ = self.hup.recv() => {},
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

/// What effects are carried out with.
struct Outside {
    store: StoreHandle,
    config_path: std::path::PathBuf,
    fetcher: crate::feed::Fetcher,
    poller: mpsc::Sender<PollerCmd>,
    browser: Option<Vec<String>>,
}

impl Outside {
    /// Carries out one effect; results come back as messages through `pending`.
    async fn run(&self, effect: Effect, pending: &mut JoinSet<Option<Msg>>) {
        let (config_path, fetcher, poller) = (&self.config_path, &self.fetcher, &self.poller);
        let browser = self.browser.as_deref();
        let store = self.store.clone();
        match effect {
            Effect::LoadWindow {
                generation,
                query,
                around,
                limit,
            } => {
                pending.spawn(async move {
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
                        Ok(Ok(reply)) => Some(Msg::Store(reply)),
                        Ok(Err(e)) => Some(Msg::OpenFailed(format!("store: {e}"))),
                        Err(e) => Some(Msg::OpenFailed(format!("store: {e}"))),
                    }
                });
            }
            Effect::LoadBody(id) => {
                pending.spawn(async move {
                    let body = store
                        .read(move |s| s.body(id))
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .flatten();
                    Some(Msg::Store(StoreReply::Body {
                        id,
                        body: body.map(Box::new),
                    }))
                });
            }
            Effect::LoadCounts => {
                pending.spawn(async move {
                    let r = store
                        .read(|s| -> crate::store::Result<StoreReply> {
                            let starred = s.count(&crate::model::Query {
                                starred_only: true,
                                ..Default::default()
                            })?;
                            Ok(StoreReply::Counts {
                                unread: s.unread_counts()?,
                                starred,
                                errors: s.feed_errors()?,
                                titles: s.feed_titles()?,
                            })
                        })
                        .await;
                    r.ok().and_then(Result::ok).map(Msg::Store)
                });
            }
            Effect::Write(change) => {
                pending.spawn(async move {
                    let c = change.clone();
                    let r = store
                        .write(move |s| match c.field {
                            Field::Read => s.set_read(&c.ids, c.value),
                            Field::Starred => s.set_starred(&c.ids, c.value),
                        })
                        .await;
                    match r {
                        Ok(Ok(_)) => None,
                        Ok(Err(e)) => Some(Msg::Store(StoreReply::WriteFailed {
                            error: e.to_string(),
                            change,
                        })),
                        Err(e) => Some(Msg::Store(StoreReply::WriteFailed {
                            error: e.to_string(),
                            change,
                        })),
                    }
                });
            }
            Effect::MarkAllRead(query) => {
                pending.spawn(async move {
                    match store.write(move |s| s.mark_all_read(&query)).await {
                        Ok(Ok(ids)) => Some(Msg::Store(StoreReply::MarkedAll { ids })),
                        Ok(Err(e)) => Some(Msg::OpenFailed(format!("could not mark read: {e}"))),
                        Err(e) => Some(Msg::OpenFailed(format!("could not mark read: {e}"))),
                    }
                });
            }
            Effect::OpenUrl(url) => {
                if let Err(e) = crate::opener::open(browser, &url) {
                    let msg = e.to_string();
                    pending.spawn(async move { Some(Msg::OpenFailed(msg)) });
                }
            }
            Effect::Refresh(feed) => {
                let cmd = match feed {
                    Some(id) => PollerCmd::RefreshFeed(id),
                    None => PollerCmd::RefreshAll,
                };
                let _ = poller.send(cmd).await;
            }
            Effect::FetchFullText { id, link } => {
                let fetcher = fetcher.clone();
                pending.spawn(async move {
                    let result = match crate::fulltext::fetch_full_text(&fetcher, Some(&link)).await {
                        Ok(html) => {
                            let cached = html.clone();
                            let _ = store.write(move |s| s.set_full_html(id, &cached)).await;
                            Ok(html)
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    Some(Msg::Store(StoreReply::FullText { id, result }))
                });
            }
            Effect::LoadHealth => {
                pending.spawn(async move {
                    let rows = store
                        .read(|s| s.feeds(chrono::Utc::now()))
                        .await
                        .ok()
                        .and_then(Result::ok)?;
                    Some(Msg::Store(StoreReply::Health(rows)))
                });
            }
            Effect::AddFeed(input) => {
                let fetcher = fetcher.clone();
                let path = config_path.to_path_buf();
                pending.spawn(async move {
                    let found = crate::commands::add::find_feed(&fetcher, &input, |_| Ok(0)).await;
                    let msg = match found {
                        Ok(found) => {
                            let new = crate::config::edit::NewFeed {
                                url: found.url.clone(),
                                name: found.title.clone(),
                                tags: vec![],
                            };
                            match tokio::task::spawn_blocking(move || {
                                crate::config::edit::edit_file(&path, |d| d.add_feed(&new))
                            })
                            .await
                            {
                                Ok(Ok((true, _))) => (
                                    format!(
                                        "added {} (the config reloads by itself)",
                                        found.title.unwrap_or(found.url)
                                    ),
                                    false,
                                ),
                                Ok(Ok((false, _))) => (format!("already subscribed to {}", found.url), false),
                                Ok(Err(e)) => (format!("could not add: {e}"), true),
                                Err(e) => (format!("could not add: {e}"), true),
                            }
                        }
                        Err(e) => (format!("could not add: {e:#}"), true),
                    };
                    Some(Msg::Notice {
                        message: crate::text::sanitize_line(&msg.0),
                        error: msg.1,
                    })
                });
            }
            Effect::ApplyRedirect { from, to } => {
                let path = config_path.to_path_buf();
                pending.spawn(async move {
                    let t = to.clone();
                    let r = tokio::task::spawn_blocking(move || {
                        crate::config::edit::edit_file(&path, |d| d.set_feed_url(&from, &t))
                    })
                    .await;
                    let (message, error) = match r {
                        Ok(Ok((true, _))) => (format!("feed now points to {to}"), false),
                        Ok(Ok((false, _))) => ("that feed is not in the config file".to_string(), true),
                        Ok(Err(e)) => (format!("could not edit the config: {e}"), true),
                        Err(e) => (format!("could not edit the config: {e}"), true),
                    };
                    Some(Msg::Notice { message, error })
                });
            }
            Effect::Quit => {}
        }
    }
}
