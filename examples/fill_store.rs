//! Fills a tidings store directly with synthetic articles, for measuring how costs grow with
//! the store (1 000 000 articles are too many to serve and fetch in a benchmark run).
//!
//!     cargo run --release --example fill_store -- ARTICLES FEEDS DATA_DIR CONFIG_FILE
//!
//! Writes CONFIG_FILE listing FEEDS feeds (on an unroutable port, so nothing is fetched) and
//! fills DATA_DIR/tidings.db with ARTICLES articles, a third of them read.

use std::io::Write;

use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use tidings::model::{FeedMeta, NewArticle};
use tidings::store::Store;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [articles, feeds, data, config] = args.as_slice() else {
        anyhow::bail!("usage: fill_store ARTICLES FEEDS DATA_DIR CONFIG_FILE");
    };
    let articles: usize = articles.parse().context("ARTICLES")?;
    let feeds: usize = feeds.parse().context("FEEDS")?;
    let urls: Vec<String> = (0..feeds)
        .map(|i| format!("http://127.0.0.1:9/f{i:05}.rss"))
        .collect();
    let mut cfg = std::fs::File::create(config)?;
    writeln!(cfg, "[settings]\nrefresh_interval = \"1d\"\n")?;
    for (i, u) in urls.iter().enumerate() {
        writeln!(
            cfg,
            "[[feed]]\nurl = \"{u}\"\nname = \"Feed {i}\"\ntags = [\"t{}\"]\n",
            i % 10
        )?;
    }
    let mut store = Store::open(&std::path::Path::new(data).join("tidings.db"))?;
    let wanted: Vec<tidings::store::WantedFeed> = urls
        .iter()
        .enumerate()
        .map(|(i, u)| tidings::store::WantedFeed {
            url: u.clone(),
            name: Some(format!("Feed {i}")),
            tags: vec![format!("t{}", i % 10)],
        })
        .collect();
    let ids = store.sync_feeds(&wanted, Utc::now())?;
    let per = articles / feeds;
    let body = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>".repeat(4);
    for (f, id) in ids.iter().enumerate() {
        let items: Vec<NewArticle> = (0..per)
            .map(|i| NewArticle {
                key: format!("g:{f}-{i}"),
                title: format!("Headline {i} from feed {f}: something happened somewhere today"),
                author: Some("A. Writer".into()),
                link: Some(format!("https://example.org/{f}/{i}")),
                published: Some(Utc::now() - Duration::minutes((i * feeds + f) as i64)),
                updated: None,
                summary: None,
                content: Some(body.clone()),
                enclosures: vec![],
                comments: None,
                categories: Vec::new(),
            })
            .collect();
        store.ingest(
            *id,
            &FeedMeta {
                title: Some(format!("Feed {f}")),
                site_link: None,
            },
            &items,
            Utc::now(),
        )?;
        let read: Vec<_> = store.ids(&tidings::model::Query {
            scope: tidings::model::Scope::Feeds(vec![*id]),
            ..Default::default()
        })?;
        let third: Vec<_> = read.into_iter().step_by(3).collect();
        store.set_read(&third, true)?;
    }
    println!("{} articles in {} feeds", per * feeds, feeds);
    Ok(())
}
