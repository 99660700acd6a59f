//! `tidings show ID`: one article as readable text, the same rendering as the article pane.

use anyhow::Result;

use super::{Context, UsageError, write_stdout};
use crate::model::ArticleId;

pub fn run(ctx: &Context, id: i64, width: Option<u16>, _full: bool) -> Result<i32> {
    let (store, _) = ctx.open_store()?;
    let Some(body) = store.body(ArticleId(id))? else {
        return Err(UsageError(format!("no article with id {id}")).into());
    };
    let width = width.unwrap_or(ctx.config.settings.article_width).max(20);
    let feed_name = ctx
        .config
        .feeds
        .iter()
        .find(|f| f.url.as_str() == body.feed_url)
        .and_then(|f| f.name.clone())
        .or_else(|| body.feed_title.clone())
        .unwrap_or_else(|| body.feed_url.clone());
    let rendered = crate::text::render_article(&body, &feed_name, width as usize);
    let mut out = String::new();
    for line in rendered.plain_lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    write_stdout(out.as_bytes())?;
    Ok(0)
}
