//! The services both front ends start from: the resolved paths and loaded config, the store
//! with the config's feeds registered in it, the HTTP client, the poller's feed list and the
//! UI's feed list. The headless commands and the terminal UI build them the same way here.

pub mod discovery;

use anyhow::{Context as _, Result};
use chrono::Utc;

use crate::app::{AppSettings, FeedInfo};
use crate::config::{Config, Paths};
use crate::feed::{FetchLimits, Fetcher};
use crate::model::FeedId;
use crate::poller::PollFeed;
use crate::store::{Store, WantedFeed};

/// Paths and the loaded config.
pub struct Session {
    pub paths: Paths,
    pub config: Config,
}

/// An error that should exit with status 2 (usage or config).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The config's feeds as registered in the store: their ids in config order, what the poller
/// schedules and what the UI lists.
#[derive(Debug, Clone)]
pub struct Registered {
    pub ids: Vec<FeedId>,
    pub poll: Vec<PollFeed>,
    pub infos: Vec<FeedInfo>,
}

impl Session {
    /// Resolves paths, writes the default config on first run, and loads it.
    pub fn load(paths: Paths) -> Result<Session> {
        if crate::config::write_default_if_missing(&paths.config_file)? {
            eprintln!(
                "tidings: wrote the default config to {}",
                paths.config_file.display()
            );
        }
        let config = Config::load(&paths.config_file)?;
        Ok(Session { paths, config })
    }

    /// Opens the store and registers the config's feeds; returns their ids in config order.
    /// A data dir that cannot be written is said to be so, in one line, before anything fails.
    pub fn open_store(&self) -> Result<(Store, Vec<FeedId>)> {
        let db = self.paths.database();
        if !Store::writable(&db) {
            anyhow::bail!(
                "cannot write to the store: {} is read-only (reading commands such as `list`, \
                 `feeds`, `show` and `export` still work)",
                db.display()
            );
        }
        let mut store = Store::open(&db)?;
        if let Some(w) = store.recovery_warning() {
            eprintln!("tidings: {w}");
        }
        let ids = store.sync_feeds(&wanted_feeds(&self.config), Utc::now())?;
        let accounts: Vec<&str> = self.config.accounts.iter().map(|a| a.name.as_str()).collect();
        store.retire_accounts_except(&accounts, Utc::now())?;
        store.set_rules(self.config.rules.clone(), Utc::now())?;
        Ok((store, ids))
    }

    /// The store's async handle for a headless command, with the config's rules on its writer
    /// (so what a refresh or a sync stores is ruled like what the UI stores).
    pub fn open_handle(&self) -> Result<crate::store::StoreHandle> {
        let handle = crate::store::StoreHandle::open(&self.paths.database())?;
        let rules = self.config.rules.clone();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .context("cannot start the async runtime")?;
        rt.block_on(handle.write(move |s| s.set_rules(rules, Utc::now())))??;
        Ok(handle)
    }

    /// Opens the store for a command that only reads: as [`Self::open_store`] when the data
    /// dir can be written (so new feeds in the config are registered), else read-only.
    pub fn open_store_to_read(&self) -> Result<(Store, Vec<FeedId>)> {
        let db = self.paths.database();
        if Store::writable(&db) {
            return self.open_store();
        }
        let store = Store::open_read_only(&db)?;
        let ids = store.feed_ids(&wanted_feeds(&self.config))?;
        Ok((store, ids))
    }

    /// Finds the configured feed named by `needle` (URL, else a name that only one feed has).
    pub fn feed_index(&self, needle: &str) -> Result<usize> {
        if let Some(i) = self.config.feeds.iter().position(|f| f.url.as_str() == needle) {
            return Ok(i);
        }
        let named: Vec<usize> = (0..self.config.feeds.len())
            .filter(|&i| self.config.feeds[i].name.as_deref() == Some(needle))
            .collect();
        match named.as_slice() {
            [i] => Ok(*i),
            [] => Err(UsageError(format!(
                "no feed named '{needle}' in {}",
                self.config.path.display()
            ))
            .into()),
            _ => Err(UsageError(format!(
                "{} feeds are named '{needle}' in {}; name one by its URL",
                named.len(),
                self.config.path.display()
            ))
            .into()),
        }
    }

    /// The refresher with the settings' concurrency, politeness and article cap, its pipeline
    /// sized for the config's feeds.
    pub fn refresher(&self, store: &crate::store::StoreHandle) -> Result<crate::poller::Refresher> {
        self.refresher_with(self.fetcher()?, store)
    }

    /// [`Self::refresher`] with a client already built.
    pub fn refresher_with(
        &self,
        fetcher: Fetcher,
        store: &crate::store::StoreHandle,
    ) -> Result<crate::poller::Refresher> {
        let s = &self.config.settings;
        Ok(
            crate::poller::Refresher::new(fetcher, store.clone(), s.concurrency, s.per_host)
                .for_feeds(self.config.feeds.iter().map(|f| &f.url))
                .with_max_articles(s.max_articles),
        )
    }

    /// The HTTP client, with the settings' limits and the environment's proxy variables.
    pub fn fetcher(&self) -> Result<Fetcher> {
        fetcher(&self.config)
    }

    /// A client for each of the config's accounts (or the one named), with the settings'
    /// timeout and the environment's proxy variables.
    pub fn sync_accounts(&self, only: Option<&str>) -> Result<Vec<crate::sync::worker::Driven>> {
        if let Some(name) = only
            && !self.config.accounts.iter().any(|a| a.name == name)
        {
            let known: Vec<&str> = self.config.accounts.iter().map(|a| a.name.as_str()).collect();
            return Err(UsageError(format!(
                "no account named '{name}' in {} (accounts: {})",
                self.config.path.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
            .into());
        }
        let s = &self.config.settings;
        self.config
            .accounts
            .iter()
            .filter(|a| only.is_none_or(|n| n == a.name))
            .map(|a| {
                Ok(crate::sync::worker::Driven {
                    name: a.name.clone(),
                    backend: crate::sync::greader::GReader::new(
                        a,
                        &self.paths.data_dir,
                        &s.user_agent,
                        s.timeout,
                        true,
                    )?,
                    interval: a.refresh_interval.unwrap_or(s.refresh_interval),
                })
            })
            .collect()
    }
}

/// Builds the HTTP client from the settings.
pub fn fetcher(config: &Config) -> Result<Fetcher> {
    let s = &config.settings;
    Fetcher::new(
        &s.user_agent,
        FetchLimits {
            timeout: s.timeout,
            max_size: s.max_feed_size,
            max_redirects: 10,
        },
    )
    .context("cannot set up the HTTP client")
}

/// What the store needs to know of each configured feed to keep its identity.
pub fn wanted_feeds(config: &Config) -> Vec<WantedFeed> {
    config
        .feeds
        .iter()
        .map(|f| WantedFeed {
            url: f.url.to_string(),
            name: f.name.clone(),
            tags: f.tags.clone(),
        })
        .collect()
}

/// Registers `config`'s feeds in `store` and describes them for the poller and the UI. Runs on
/// the store's writer (the UI) or on the command's own connection.
pub fn register(config: &Config, store: &mut Store) -> crate::store::Result<Registered> {
    let ids = store.sync_feeds(&wanted_feeds(config), Utc::now())?;
    let accounts: Vec<&str> = config.accounts.iter().map(|a| a.name.as_str()).collect();
    store.retire_accounts_except(&accounts, Utc::now())?;
    // Rules follow the config: a changed rule set is re-run over the stored articles here.
    store.set_rules(config.rules.clone(), Utc::now())?;
    // One query for every title, not one per feed: startup time must not grow with the list.
    let titles = store.feed_titles()?;
    let mut infos = feed_infos(config, &ids, titles);
    infos.extend(account_feed_infos(config, store)?);
    Ok(Registered {
        poll: poll_feeds(config, &ids),
        infos,
        ids,
    })
}

/// The poller's feed list from the config and the ids the store gave them.
pub fn poll_feeds(config: &Config, ids: &[FeedId]) -> Vec<PollFeed> {
    config
        .feeds
        .iter()
        .zip(ids)
        .map(|(f, id)| PollFeed {
            id: *id,
            url: f.url.clone(),
            refresh_interval: f.refresh_interval.unwrap_or(config.settings.refresh_interval),
        })
        .collect()
}

/// The UI's view of the configured feeds, with the titles the store knows.
pub fn feed_infos(config: &Config, ids: &[FeedId], titles: Vec<(FeedId, String)>) -> Vec<FeedInfo> {
    let titles: std::collections::HashMap<_, _> = titles.into_iter().collect();
    config
        .feeds
        .iter()
        .zip(ids)
        .map(|(f, id)| FeedInfo {
            id: *id,
            name: f
                .name
                .clone()
                .or_else(|| titles.get(id).cloned())
                .unwrap_or_else(|| crate::text::display_url(f.url.as_str())),
            tags: f.tags.clone(),
            named: f.name.is_some(),
            full_text: f.full_text,
            account: None,
        })
        .collect()
}

/// The feeds of the config's accounts as the store last synced them, for the feed list.
pub fn account_feed_infos(config: &Config, store: &Store) -> crate::store::Result<Vec<FeedInfo>> {
    let mut infos = Vec::new();
    for account in &config.accounts {
        let rows = store.account_feeds(&account.name)?;
        infos.extend(crate::sync::worker::feed_infos(&account.name, rows));
    }
    Ok(infos)
}

/// The settings the UI model needs.
pub fn app_settings(config: &Config) -> AppSettings {
    AppSettings {
        mark_read_on_open: config.settings.mark_read_on_open,
        article_width: config.settings.article_width,
        browser: config.settings.browser.clone(),
        theme: config.theme,
        feed_order: config.settings.feed_order,
        dates: date_style(config),
        views: config.views.clone(),
        players: config.players.clone(),
    }
}

/// Dates in the local zone, relative while recent, or in the configured `date_format`.
pub fn date_style(config: &Config) -> crate::text::dates::DateStyle {
    crate::text::dates::DateStyle {
        zone: crate::text::dates::Zone::Local,
        fixed: config.settings.date_format.clone(),
    }
}
