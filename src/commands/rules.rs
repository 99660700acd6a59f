//! `tidings rules`: each rule with what it matched in the last 30 days (a rule that matches
//! nothing is seen, not guessed at); `tidings rules test QUERY`: what a rule would match, from
//! the search index, before it is written into the config.

use anyhow::Result;
use chrono::Utc;

use super::{Session, UsageError, write_stdout};
use crate::text::sanitize_line;

pub fn list(ctx: &Session) -> Result<i32> {
    let (store, _) = ctx.open_store()?;
    let counts = store.rule_counts(Utc::now())?;
    let mut out = String::new();
    if counts.is_empty() {
        out.push_str(&format!("no [[rule]] in {}\n", ctx.config.path.display()));
    }
    for (r, c) in ctx.config.rules.iter().zip(&counts) {
        out.push_str(&format!(
            "{}:{}  {}  {} · {} matches in 30 days{}\n    match = {}\n",
            ctx.config.path.display(),
            c.line,
            sanitize_line(&c.name),
            c.action,
            c.recent,
            if c.active { "" } else { " · expired" },
            sanitize_line(&r.query),
        ));
    }
    write_stdout(out.as_bytes())?;
    Ok(0)
}

pub fn test(ctx: &Session, query: &str, limit: usize) -> Result<i32> {
    crate::store::search::parse(query, true)
        .map_err(|e| UsageError(format!("the rule would never match: {e}")))?;
    let (store, _) = ctx.open_store_to_read()?;
    let (n, rows) = store.preview(query, limit)?;
    let titles = store.feed_titles()?;
    let mut out = format!("{n} articles match\n");
    for a in rows {
        let feed = titles
            .iter()
            .find(|(id, _)| *id == a.feed_id)
            .map(|(_, t)| sanitize_line(t))
            .unwrap_or_default();
        out.push_str(&format!("{:>7}  {}  [{feed}]\n", a.id.0, sanitize_line(&a.title)));
    }
    write_stdout(out.as_bytes())?;
    Ok(0)
}
