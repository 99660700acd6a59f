//! The integration tests, in one crate so the dependency graph is linked once, not once per
//! file. Each module is one area; `support` holds the loopback server and the PTY driver.

mod support;

mod article_pages;
mod cli;
mod config_files;
mod downloads;
mod e2e_pty;
mod enclosures;
mod feed_management;
mod fixture_feeds;
mod full_text;
mod hostile;
mod local_state;
mod poller_network;
mod reliability;
mod rules;
mod sync_errors;
mod sync_freshrss;
mod ui_render;
