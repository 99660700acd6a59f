//! `tidings list`: articles of a view, newest first, as text, JSON or a count.

use anyhow::Result;
use chrono::Utc;

use super::{Session, UsageError, display_name, write_stdout};
use crate::cli::ListArgsValid;
use crate::model::{FeedId, Query, Scope};
use crate::text::sanitize_line;

/// The view `--feed` or `--tag` names, else every article. An account's feeds are named by
/// their titles and tagged with their server folders.
fn scope(ctx: &Session, store: &crate::store::Store, ids: &[FeedId], args: &ListArgsValid) -> Result<Scope> {
    let synced = crate::session::account_feed_infos(&ctx.config, store)?;
    Ok(if let Some(needle) = &args.feed {
        match ctx.feed_index(needle) {
            Ok(i) => Scope::Feeds(vec![ids[i]]),
            Err(e) => match synced.iter().find(|f| f.name.eq_ignore_ascii_case(needle)) {
                Some(f) => Scope::Feeds(vec![f.id]),
                None => return Err(e),
            },
        }
    } else if let Some(tag) = &args.tag {
        let has = |tags: &[String]| tags.iter().any(|t| t.eq_ignore_ascii_case(tag));
        let feeds: Vec<FeedId> = ctx
            .config
            .feeds
            .iter()
            .zip(ids)
            .filter(|(f, _)| has(&f.tags))
            .map(|(_, id)| *id)
            .chain(synced.iter().filter(|f| has(&f.tags)).map(|f| f.id))
            .collect();
        if feeds.is_empty() {
            return Err(UsageError(format!("no feed has the tag '{tag}'")).into());
        }
        Scope::Feeds(feeds)
    } else {
        Scope::All
    })
}

pub fn run(ctx: &Session, args: &ListArgsValid) -> Result<i32> {
    let (store, ids) = ctx.open_store_to_read()?;
    let scope = scope(ctx, &store, &ids, args)?;
    let query = Query {
        scope,
        unread_only: args.unread,
        starred_only: args.starred,
        search: args.search.clone(),
        show_hidden: args.hidden,
        view: None,
    };
    if args.count {
        let n = store.count(&query)?;
        let n = args.limit.map_or(n, |l| n.min(l as u64));
        write_stdout(format!("{n}\n").as_bytes())?;
        return Ok(0);
    }
    let rows = store.headlines(&query, 0, args.limit.unwrap_or(usize::MAX >> 1))?;
    let feeds = store.feeds(Utc::now())?;
    let feed_of = |id: FeedId| feeds.iter().find(|f| f.id == id);
    let mut out = String::new();
    if args.json {
        let items: Vec<serde_json::Value> = rows
            .iter()
            .map(|a| {
                let f = feed_of(a.feed_id);
                serde_json::json!({
                    "id": a.id.0,
                    "feed": f.map(|f| display_name(&ctx.config, f)),
                    "feed_url": f.map(|f| crate::text::display_url(&f.url)),
                    "title": sanitize_line(&a.title),
                    "url": a.link.as_deref().map(crate::text::display_url),
                    "published": a.published.map(|p| p.to_rfc3339()),
                    "read": a.read,
                    "starred": a.starred,
                    "hidden_by": a.hidden_by,
                    "rules": store.explain(a.id).unwrap_or_default().into_iter()
                        .map(|(rule, action)| serde_json::json!({"rule": rule, "action": action}))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        out = serde_json::to_string(&items)?;
        out.push('\n');
    } else {
        let dates = crate::session::date_style(&ctx.config);
        for a in &rows {
            let flag = match (a.read, a.starred) {
                (_, true) => '*',
                (false, _) => 'N',
                (true, _) => ' ',
            };
            let date = a
                .published
                .map(|p| dates.day(p))
                .unwrap_or_else(|| "          ".into());
            let feed = feed_of(a.feed_id)
                .map(|f| display_name(&ctx.config, f))
                .unwrap_or_default();
            out.push_str(&format!(
                "{:>7} {flag} {date}  {}  [{}]\n",
                a.id.0,
                sanitize_line(&a.title),
                feed
            ));
        }
    }
    write_stdout(out.as_bytes())?;
    Ok(0)
}
