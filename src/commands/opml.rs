//! `tidings import FILE` and `tidings export [FILE]`.

use std::path::Path;

use anyhow::{Context as _, Result};
use chrono::Utc;

use super::{Session, UsageError, write_stdout};
use crate::config::edit::{NewFeed, edit_file, write_atomic};
use crate::opml::{self, OpmlFeed};

pub fn import(ctx: &Session, file: &Path) -> Result<i32> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read '{}'", file.display()))?;
    let feeds = opml::read(&text).map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
    let mut bad = Vec::new();
    let ((added, skipped), _) = edit_file(&ctx.config.path, |doc| {
        let (mut added, mut skipped) = (0, 0);
        for f in &feeds {
            let ok_url = url::Url::parse(&f.url)
                .ok()
                // An OPML file from elsewhere must not plant a `file:` feed (a device, a FIFO).
                .filter(|u| matches!(u.scheme(), "http" | "https"));
            let Some(url) = ok_url else {
                bad.push(f.url.clone());
                continue;
            };
            let new = NewFeed {
                url: url.to_string(),
                name: f.title.clone(),
                tags: f.tags.clone(),
            };
            if doc.add_feed(&new) {
                added += 1;
            } else {
                skipped += 1;
            }
        }
        (added, skipped)
    })?;
    let mut out = format!(
        "imported {added} feeds into {} ({skipped} already present",
        ctx.config.path.display()
    );
    if !bad.is_empty() {
        out.push_str(&format!(", {} skipped: not an http(s) URL", bad.len()));
    }
    out.push_str(")\n");
    for b in bad {
        out.push_str(&format!(
            "  skipped invalid URL: {}\n",
            crate::text::sanitize_line(&b)
        ));
    }
    write_stdout(out.as_bytes())?;
    Ok(0)
}

pub fn export(ctx: &Session, file: Option<&Path>) -> Result<i32> {
    let (store, ids) = ctx.open_store_to_read()?;
    let feeds: Vec<OpmlFeed> = ctx
        .config
        .feeds
        .iter()
        .zip(&ids)
        .map(|(f, id)| {
            let state = store.feed_state(*id).ok().flatten();
            OpmlFeed {
                url: f.url.to_string(),
                // Every byte that leaves tidings is sanitised: a feed's title may carry an OSC.
                title: f
                    .name
                    .clone()
                    .or_else(|| state.as_ref().and_then(|s| s.title.clone()))
                    .map(|t| crate::text::sanitize_line(&t)),
                site: state.and_then(|s| s.site_link),
                tags: f.tags.clone(),
            }
        })
        .collect();
    let text = opml::write(&feeds, Utc::now());
    match file {
        Some(path) => {
            write_atomic(path, text.as_bytes())?;
            eprintln!("tidings: wrote {} feeds to {}", feeds.len(), path.display());
        }
        None => write_stdout(text.as_bytes())?,
    }
    Ok(0)
}
