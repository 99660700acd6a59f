//! The glue: one `select!` over key presses, messages from background tasks (poller, watchers),
//! effect completions, signals and the frame deadline. It only dispatches: decisions are
//! `App::update`'s, effects are `effects::Services`', watchers are `watch`'s.

use std::time::Duration;

use anyhow::{Context as _, Result};
use futures_util::StreamExt;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::app::keymap::Keymap;
use crate::app::{App, Msg};
use crate::config::Paths;
use crate::effects::{Control, Services};
use crate::poller::{PollEvent, PollFeed, PollerCmd, Refresher};
use crate::session::{Session, app_settings, register};
use crate::store::StoreHandle;
use crate::sync::worker::{Driven, SyncCmd, SyncEvent};
use crate::tui::{Signals, Terminal};

/// At most this often.
const FRAME_INTERVAL: Duration = Duration::from_millis(16);

/// Runs the terminal UI until the user quits.
pub fn run(paths: Paths) -> Result<i32> {
    let session = Session::load(paths)?;
    let store = StoreHandle::open(&session.paths.database())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    tracing::info!(config = %session.paths.config_file.display(), "UI starting");
    let result = runtime.block_on(ui_main(session, store.clone()));
    runtime.shutdown_timeout(Duration::from_secs(1));
    store.close();
    result
}

/// Background work started once the first frame is on screen, so that its reads and the
/// first fetches never delay what the user sees.
struct Background {
    refresher: Refresher,
    feeds: Vec<PollFeed>,
    commands: mpsc::Receiver<PollerCmd>,
    /// The accounts and the sync task's command channel (none without accounts).
    sync: Option<(Vec<Driven>, mpsc::Receiver<SyncCmd>)>,
    /// `D`'s nudges to the downloader.
    downloads: mpsc::Receiver<()>,
    session: Session,
}

impl Background {
    fn start(self, services: &Services, inbox: &mpsc::Sender<Msg>) -> tokio::task::JoinHandle<()> {
        let store = services.store.clone();
        let retention = self.session.config.settings.retention;
        tokio::spawn(async move {
            if let Ok(Err(e)) = store.write(move |s| s.prune(retention, chrono::Utc::now())).await {
                tracing::warn!(error = %e, "retention prune failed");
            }
        });
        let path = self.session.config.path.clone();
        tokio::spawn(crate::watch::watch_config(
            path,
            services.store.clone(),
            services.poller.clone(),
            inbox.clone(),
        ));
        tokio::spawn(crate::watch::watch_store(
            services.store.external_changes(),
            inbox.clone(),
        ));
        if let Some((accounts, commands)) = self.sync {
            let (tx, events) = mpsc::channel::<SyncEvent>(64);
            tokio::spawn(crate::sync::worker::run(
                accounts,
                services.store.clone(),
                commands,
                tx,
            ));
            tokio::spawn(crate::watch::forward_sync_events(events, inbox.clone()));
        }
        let (download_events, events) = mpsc::channel(64);
        tokio::spawn(crate::download::worker(
            services.fetcher.clone(),
            services.store.clone(),
            crate::commands::download::settings(&self.session),
            self.downloads,
            download_events,
        ));
        tokio::spawn(crate::watch::forward_download_events(events, inbox.clone()));
        let (events_tx, events) = mpsc::channel::<PollEvent>(256);
        tokio::spawn(crate::watch::forward_poll_events(events, inbox.clone()));
        tokio::spawn(crate::poller::run_background(
            self.refresher,
            self.feeds,
            self.commands,
            events_tx,
        ))
    }
}

async fn ui_main(session: Session, store: StoreHandle) -> Result<i32> {
    let config = session.config.clone();
    let registered = store.write(move |s| register(&config, s)).await??;
    let (poller_tx, poller_rx) = mpsc::channel::<PollerCmd>(16);
    let refresher = session.refresher(&store)?;
    let accounts = session.sync_accounts(None)?;
    let (sync_tx, sync) = if accounts.is_empty() {
        (None, None)
    } else {
        let (tx, rx) = mpsc::channel::<SyncCmd>(8);
        (Some(tx), Some((accounts, rx)))
    };
    let (download_tx, download_rx) = mpsc::channel::<()>(8);
    let mut services = Services {
        store,
        fetcher: session.fetcher()?,
        config_path: session.config.path.clone(),
        poller: poller_tx.clone(),
        sync: sync_tx,
        newest_preview: Default::default(),
        downloads: download_tx,
        pictures: None,
    };
    let images = session.config.settings.images.then(|| {
        crate::images::ImageCache::new(
            session.paths.data_dir.join("images"),
            session.config.settings.image_cache_size,
        )
    });
    let signals = Signals::new().context("cannot watch for signals")?;
    let (keymap, app_settings) = (Keymap::new(&session.config.keys), app_settings(&session.config));
    let background = Background {
        refresher,
        feeds: registered.poll,
        commands: poller_rx,
        sync,
        downloads: download_rx,
        session,
    };
    // Everything that can fail is ready: only now does the terminal change mode.
    let mut terminal = Terminal::enter().context("cannot set up the terminal")?;
    let size = terminal.size().unwrap_or_default();
    // Before any input is read: the terminal answers the graphics query on standard input.
    if let Some(cache) = images {
        let picker = crate::images::detect();
        tracing::info!(protocol = ?picker.protocol_type(), font = ?picker.font_size(), "pictures on");
        services.pictures = Some(crate::images::Pictures::new(picker, cache));
    }
    let (mut app, mut effects) = App::new(registered.infos, keymap, app_settings, (size.width, size.height));
    app.graphics = services.pictures.as_ref().map(|p| {
        let font = p.picker.font_size();
        (font.width, font.height)
    });
    if let Some(w) = services.store.recovery_warning() {
        effects.extend(app.update(Msg::Notice {
            message: w.to_string(),
            error: true,
        }));
    }
    let mut ui = Ui {
        app,
        services,
        pending: JoinSet::new(),
    };
    for e in effects {
        ui.dispatch(e, &mut terminal)?;
    }
    let outcome = ui.run(&mut terminal, signals, background).await;
    drop(terminal);
    let _ = poller_tx.send(PollerCmd::Shutdown).await;
    // Let queued writes (marks) finish before the store closes.
    while tokio::time::timeout(Duration::from_secs(5), ui.pending.join_next())
        .await
        .ok()
        .flatten()
        .is_some()
    {}
    outcome.map(|()| 0)
}

/// The loop's state: the model, what carries out its effects, and the effects in flight.
struct Ui {
    app: App,
    services: Services,
    pending: JoinSet<Option<Msg>>,
}

impl Ui {
    async fn run(
        &mut self,
        terminal: &mut Terminal,
        mut signals: Signals,
        background: Background,
    ) -> Result<()> {
        let (inbox_tx, mut inbox) = mpsc::channel::<Msg>(256);
        let mut background = Some(background);
        let mut poller = None;
        let mut events = EventStream::new();
        let (mut dirty, mut next_frame) = (true, Instant::now());
        while !self.app.quit {
            let msg = tokio::select! {
                ev = events.next() => match ev {
                    Some(Ok(Event::Key(k))) => crate::tui::chord(&k).map(Msg::Key),
                    Some(Ok(Event::Resize(width, height))) => Some(Msg::Resize { width, height }),
                    Some(Ok(_)) => None,
                    Some(Err(e)) => return Err(e.into()),
                    None => return Ok(()),
                },
                Some(msg) = inbox.recv() => Some(msg),
                Some(done) = self.pending.join_next(), if !self.pending.is_empty() => done.ok().flatten(),
                _ = signals.recv() => return Ok(()),
                _ = tokio::time::sleep_until(next_frame), if dirty => {
                    let (app, theme) = (&self.app, &self.app.settings.theme);
                    terminal.draw(|f| crate::ui::draw(f, app, theme))?;
                    (dirty, next_frame) = (false, Instant::now() + FRAME_INTERVAL);
                    if let Some(bg) = background.take() {
                        poller = Some(bg.start(&self.services, &inbox_tx));
                    }
                    None
                }
            };
            if let Some(msg) = msg {
                for effect in self.app.update(msg) {
                    self.dispatch(effect, terminal)?;
                }
                dirty = true;
            }
        }
        poller.inspect(tokio::task::JoinHandle::abort);
        Ok(())
    }

    fn dispatch(&mut self, effect: crate::app::Effect, terminal: &mut Terminal) -> Result<()> {
        match self.services.dispatch(effect, &mut self.pending) {
            Control::Suspend => terminal.suspend()?,
            Control::Quit | Control::Continue => {}
        }
        Ok(())
    }
}
