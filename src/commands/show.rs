//! `tidings show ID`: one article as readable text, the same rendering as the article pane.
//! With `--full` (or a feed with `full_text = true`) the article's page is fetched, extracted
//! and cached first.

use anyhow::{Context as _, Result};

use super::{Session, UsageError, write_stdout};
use crate::model::ArticleId;

pub fn run(ctx: &Session, id: i64, width: Option<u16>, full: bool) -> Result<i32> {
    let (mut store, _) = ctx.open_store_to_read()?;
    let Some(mut body) = store.body(ArticleId(id))? else {
        return Err(UsageError(format!("no article with id {id}")).into());
    };
    let width = width.unwrap_or(ctx.config.settings.article_width).max(20);
    let spec = ctx.config.feeds.iter().find(|f| f.url.as_str() == body.feed_url);
    let feed_name = spec
        .and_then(|f| f.name.clone())
        .or_else(|| body.feed_title.clone())
        .unwrap_or_else(|| body.feed_url.clone());
    let want_full = full || spec.is_some_and(|f| f.full_text);
    let mut note = None;
    if want_full && body.full_html.is_none() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let fetcher = ctx.fetcher()?;
        let link = body.summary.link.clone();
        let title = Some(body.summary.title.as_str());
        match runtime.block_on(crate::fulltext::fetch_full_text(&fetcher, link.as_deref(), title)) {
            Ok(html) => {
                let siblings = store.sibling_pages(ArticleId(id), crate::fulltext::TEMPLATE_PAGES)?;
                let html = crate::text::boilerplate::remove_recurring(&html, &siblings);
                // A store that cannot be written (a read-only data dir) still shows the text.
                if let Err(e) = store.set_full_html(ArticleId(id), &html) {
                    note = Some(format!("full text not cached: {e}"));
                }
                body.full_html = Some(html);
            }
            Err(e) => note = Some(format!("full text unavailable: {e}; showing the feed's text")),
        }
    }
    if !want_full {
        body.full_html = None;
    }
    let dates = crate::session::date_style(&ctx.config);
    let rendered =
        crate::text::render_article_with(&body, &feed_name, width as usize, note.as_deref(), &dates, None);
    let mut out = String::new();
    for line in rendered.plain_lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    write_stdout(out.as_bytes())?;
    Ok(0)
}
