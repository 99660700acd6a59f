//! tidings: a fast, calm, keyboard-driven terminal news reader.
//!
//! Module map (see `ARCHITECTURE.md` in the repository for the full picture):
//!
//! - [`cli`]: clap types and their validation into a [`cli::Command`].
//! - [`config`]: the TOML config (`Config`, `FeedSpec`), its lookup, first-run write and edits.
//! - [`model`]: plain domain types shared by everything else.
//! - [`store`]: the SQLite store, the only SQL; [`store::StoreHandle`] is its async front.
//! - [`feed`]: fetching (reqwest), parsing (feed-rs) and feed autodiscovery.
//! - [`poller`]: the background refresh task.
//! - [`text`]: sanitising, HTML to reflowed text.
//! - [`app`]: the pure UI model (`App::update`), messages and keymap.
//! - [`ui`]: rendering `App` with ratatui.
//! - [`session`]: the services both front ends start from (config, store, fetcher, feeds).
//! - [`effects`]: carrying out the model's effects, one async function each.
//! - [`watch`]: config and store watchers that send the loop messages.
//! - [`tui`], [`event_loop`]: the terminal and the glue loop that only dispatches.
//! - [`opener`]: opening links in a browser without a shell.
//! - [`commands`]: the headless command line.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod download;
pub mod effects;
pub mod event_loop;
pub mod feed;
pub mod fulltext;
pub mod images;
pub mod media;
pub mod model;
pub mod opener;
pub mod opml;
pub mod poller;
pub mod recover;
pub mod rules;
pub mod session;
pub mod store;
pub mod sync;
pub mod text;
pub mod tui;
pub mod ui;
pub mod watch;
