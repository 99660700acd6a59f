//! The headless command line: each subcommand over the same config, store and poller the UI
//! uses. `anyhow` lives here, at the edge.

pub mod add;
pub mod download;
pub mod list;
pub mod opml;
pub mod refresh;
pub mod rules;
pub mod show;
pub mod sync;

use std::io::Write;

use anyhow::{Context as _, Result};
use chrono::Utc;

use crate::cli::{Command, Mark};
use crate::config::{Config, Paths};
use crate::model::{ArticleId, FeedState};
pub use crate::session::{Session, UsageError};

/// The name shown for a feed: the config name, else the feed's own title, else its URL.
pub fn display_name(config: &Config, state: &FeedState) -> String {
    config
        .feeds
        .iter()
        .find(|f| f.url.as_str() == state.url)
        .and_then(|f| f.name.clone())
        .or_else(|| state.title.clone())
        .map(|n| crate::text::sanitize_line(&n))
        .unwrap_or_else(|| crate::text::display_url(&state.url))
}

/// Runs a headless command; returns the process exit code.
pub fn run(command: Command, paths: Paths) -> Result<i32> {
    match command {
        Command::Completions(shell) => completions(shell),
        Command::ConfigCheck => config_check(paths),
        Command::Tui => Err(anyhow::anyhow!("the terminal UI is started by main")),
        other => {
            let ctx = Session::load(paths)?;
            match other {
                Command::Refresh { feed } => refresh::run(&ctx, feed.as_deref()),
                Command::Sync { account } => sync::run(&ctx, account.as_deref()),
                Command::AccountAdd { account, url } => sync::subscribe(&ctx, &account, &url),
                Command::AccountRemove { account, feed } => sync::unsubscribe(&ctx, &account, &feed),
                Command::List(args) => list::run(&ctx, &args),
                Command::Show { id, width, full } => show::run(&ctx, id, width, full),
                Command::Mark { ids, mark } => mark_cmd(&ctx, &ids, mark),
                Command::Feeds { json } => feeds(&ctx, json),
                Command::Rules => rules::list(&ctx),
                Command::Download { list } => download::run(&ctx, list),
                Command::RulesTest { query, limit } => rules::test(&ctx, &query, limit),
                Command::Import(file) => opml::import(&ctx, &file),
                Command::Export(file) => opml::export(&ctx, file.as_deref()),
                Command::Add {
                    url,
                    name,
                    tags,
                    pick,
                } => add::run(&ctx, &url, name, tags, pick),
                Command::Remove(feed) => add::remove(&ctx, &feed),
                Command::Tui | Command::Completions(_) | Command::ConfigCheck => Ok(0),
            }
        }
    }
}

fn completions(shell: clap_complete::Shell) -> Result<i32> {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_complete::generate(
        shell,
        &mut <crate::cli::Cli as CommandFactory>::command(),
        "tidings",
        &mut buf,
    );
    write_stdout(&buf)?;
    Ok(0)
}

/// Writes to stdout, treating a closed pipe (`| head`) as success.
/// The async runtime a headless command runs its network and store work on: two workers,
/// as many as the machines it is measured on have cores.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}

fn config_check(paths: Paths) -> Result<i32> {
    let ctx = Session::load(paths)?;
    let text = format!(
        "config: {} (ok: {} feeds, {} tags)\ndata:   {}\nstore:  {}\n",
        ctx.paths.config_file.display(),
        ctx.config.feeds.len(),
        ctx.config.tags().len(),
        ctx.paths.data_dir.display(),
        ctx.paths.database().display(),
    );
    write_stdout(text.as_bytes())?;
    Ok(0)
}

fn mark_cmd(ctx: &Session, ids: &[i64], mark: Mark) -> Result<i32> {
    let (mut store, _) = ctx.open_store()?;
    let ids: Vec<ArticleId> = ids.iter().map(|i| ArticleId(*i)).collect();
    for id in &ids {
        if store.body(*id)?.is_none() {
            return Err(UsageError(format!("no article with id {id}")).into());
        }
    }
    let changed = match mark {
        Mark::Read => store.set_read(&ids, true)?,
        Mark::Unread => store.set_read(&ids, false)?,
        Mark::Star => store.set_starred(&ids, true)?,
        Mark::Unstar => store.set_starred(&ids, false)?,
    };
    write_stdout(format!("{} of {} articles changed\n", changed.len(), ids.len()).as_bytes())?;
    Ok(0)
}

fn feeds(ctx: &Session, json: bool) -> Result<i32> {
    let (store, _) = ctx.open_store_to_read()?;
    let states = store.feeds(Utc::now())?;
    let mut out = String::new();
    if json {
        let rows: Vec<serde_json::Value> = states
            .iter()
            .map(|f| {
                serde_json::json!({
                    "name": display_name(&ctx.config, f),
                    "url": crate::text::display_url(&f.url),
                    "unread": f.unread,
                    "total": f.total,
                    "last_fetch": f.last_fetch.map(|t| t.to_rfc3339()),
                    "last_success": f.last_success.map(|t| t.to_rfc3339()),
                    "last_status": f.last_status,
                    "error": f.last_error.as_deref().map(crate::text::sanitize_line),
                    "failing_since": f.failing_since.map(|t| t.to_rfc3339()),
                    "redirect": f.redirect_url.as_deref().map(crate::text::display_url),
                    "newest": f.newest.map(|t| t.to_rfc3339()),
                    "per_week": f.recent as f64 / 4.0,
                    "stale": f.is_stale(Utc::now()),
                    "account": f.account,
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&rows)?;
        out.push('\n');
    } else {
        let now = Utc::now();
        for f in &states {
            out.push_str(&format!(
                "{:>5}/{:<5} {}{}{}  <{}>\n",
                f.unread,
                f.total,
                display_name(&ctx.config, f),
                f.account
                    .as_deref()
                    .map(|a| format!("  [{}]", crate::text::sanitize_line(a)))
                    .unwrap_or_default(),
                if f.is_stale(now) { "  [stale]" } else { "" },
                crate::text::display_url(&f.url)
            ));
            out.push_str(&format!(
                "            {}\n",
                crate::text::sanitize_line(&f.health_line(now))
            ));
        }
    }
    write_stdout(out.as_bytes())?;
    Ok(0)
}
