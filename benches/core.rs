//! Criterion benchmarks of the hot paths: parse + store of a large feed, the unread-count
//! query, rendering a page of headlines, rendering an article. Run with `cargo bench`.

use std::hint::black_box;
use std::io::Read;
use std::path::Path;

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::keymap::{Key, KeyChord, Keymap};
use tidings::app::{App, AppSettings, FeedInfo, Msg, StoreReply};
use tidings::config::Theme;
use tidings::model::{FeedId, FeedMeta, NewArticle, Query};
use tidings::store::Store;

fn shared(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(path)
}

/// The 730-item, 1.6 MB podcast feed from the fixtures.
fn big_feed() -> Vec<u8> {
    let raw =
        std::fs::read(shared("fixtures/feeds/rss2-podcast-giantbomb-730-items.xml.gz")).expect("fixture");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

fn parse_and_store(c: &mut Criterion) {
    let bytes = big_feed();
    let url = url::Url::parse("https://example.org/feed.xml").expect("url");
    c.bench_function("parse 730-item feed (1.6 MB)", |b| {
        b.iter(|| tidings::feed::parse(black_box(&bytes), None, &url).expect("parse"))
    });
    let parsed = tidings::feed::parse(&bytes, None, &url).expect("parse");
    c.bench_function("store 730 new articles (one transaction)", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("tmp");
                let mut s = Store::open(&dir.path().join("b.db")).expect("open");
                let id = s.sync_feeds(&[url.as_str().into()], Utc::now()).expect("sync")[0];
                (dir, s, id)
            },
            |(_dir, mut s, id)| {
                s.ingest(id, &parsed.meta, &parsed.articles, Utc::now())
                    .expect("ingest")
            },
            criterion::BatchSize::PerIteration,
        )
    });
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&dir.path().join("b.db")).expect("open");
    let id = s.sync_feeds(&[url.as_str().into()], Utc::now()).expect("sync")[0];
    s.ingest(id, &parsed.meta, &parsed.articles, Utc::now())
        .expect("ingest");
    c.bench_function("re-ingest 730 unchanged articles", |b| {
        b.iter(|| {
            s.ingest(id, &parsed.meta, &parsed.articles, Utc::now())
                .expect("ingest")
        })
    });
}

/// Storing a refresh's feeds: one transaction per feed (as before issue 18) against the
/// batch `ingest_feeds` stores together, and the preparation moved off the writer.
fn refresh_store(c: &mut Criterion) {
    let bytes = big_feed();
    let url = url::Url::parse("https://example.org/feed.xml").expect("url");
    let parsed = tidings::feed::parse(&bytes, None, &url).expect("parse");
    // 14 feeds of 50 articles: a cold refresh's share of one batch.
    let feeds: Vec<Vec<NewArticle>> = parsed
        .articles
        .chunks(50)
        .take(14)
        .map(<[NewArticle]>::to_vec)
        .collect();
    let urls: Vec<tidings::store::WantedFeed> = (0..feeds.len())
        .map(|i| format!("https://example.org/{i}.xml").as_str().into())
        .collect();
    let fresh = || {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open(&dir.path().join("b.db")).expect("open");
        let ids = s.sync_feeds(&urls, Utc::now()).expect("sync");
        (dir, s, ids)
    };
    let record = tidings::store::FetchRecord {
        status: Some(200),
        ..Default::default()
    };
    c.bench_function("store 14 feeds x 50 new articles, a transaction each", |b| {
        b.iter_batched(
            fresh,
            |(_dir, mut s, ids)| {
                for (id, arts) in ids.iter().zip(&feeds) {
                    s.ingest(*id, &parsed.meta, arts, Utc::now()).expect("ingest");
                    s.record_success(*id, &record, Utc::now()).expect("record");
                }
            },
            criterion::BatchSize::PerIteration,
        )
    });
    let known = std::collections::HashMap::new();
    let jobs = |ids: &[FeedId]| -> Vec<tidings::store::FeedIngest> {
        ids.iter()
            .zip(&feeds)
            .map(|(id, arts)| tidings::store::FeedIngest {
                feed: *id,
                meta: parsed.meta.clone(),
                articles: arts.clone(),
                prepared: tidings::store::prepare(arts, &known),
                record: record.clone(),
                max_articles: 1000,
            })
            .collect()
    };
    c.bench_function("store 14 feeds x 50 new articles, prepared, one batch", |b| {
        b.iter_batched(
            || {
                let (dir, s, ids) = fresh();
                let batch = jobs(&ids);
                (dir, s, batch)
            },
            |(_dir, mut s, batch)| s.ingest_feeds(batch, Utc::now()),
            criterion::BatchSize::PerIteration,
        )
    });
    c.bench_function("prepare 730 new articles (hash and index text)", |b| {
        b.iter(|| tidings::store::prepare(black_box(&parsed.articles), &known))
    });
    // The index text alone: markup stripped, each distinct word once (what the writer's
    // tokenizer no longer sees repeated).
    c.bench_function("index text of 730 articles (distinct words)", |b| {
        b.iter(|| {
            parsed
                .articles
                .iter()
                .map(|a| {
                    tidings::store::search::body_text(a.summary.as_deref(), a.content.as_deref(), None).len()
                })
                .sum::<usize>()
        })
    });
}

/// A store with `n` articles over 100 feeds, a third of them read.
fn populated(n: usize) -> (tempfile::TempDir, Store, Vec<FeedId>) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(&dir.path().join("p.db")).expect("open");
    let urls: Vec<tidings::store::WantedFeed> = (0..100)
        .map(|i| format!("https://f{i}.example/feed").into())
        .collect();
    let ids = s.sync_feeds(&urls, Utc::now()).expect("sync");
    let per = n / ids.len();
    for (f, id) in ids.iter().enumerate() {
        let items: Vec<NewArticle> = (0..per)
            .map(|i| NewArticle {
                key: format!("g:{f}-{i}"),
                title: format!("Headline {i} of feed {f} about something newsworthy"),
                author: None,
                link: Some(format!("https://f{f}.example/{i}")),
                published: Some(Utc::now() - chrono::Duration::minutes((i * 7 + f) as i64)),
                updated: None,
                summary: None,
                content: Some(format!("<p>Body {i}</p>")),
                enclosures: vec![],
                comments: None,
                categories: Vec::new(),
            })
            .collect();
        s.ingest(*id, &FeedMeta::default(), &items, Utc::now())
            .expect("ingest");
    }
    let all = s.ids(&Query::default()).expect("ids");
    let read: Vec<_> = all.iter().step_by(3).copied().collect();
    s.set_read(&read, true).expect("read");
    (dir, s, ids)
}

fn queries(c: &mut Criterion) {
    let (_d, s, _) = populated(100_000);
    let unread = Query {
        unread_only: true,
        ..Query::default()
    };
    c.bench_function("unread count, 100k articles", |b| {
        b.iter(|| s.count(black_box(&unread)).expect("count"))
    });
    c.bench_function("unread counts per feed, 100k articles", |b| {
        b.iter(|| s.unread_counts().expect("counts"))
    });
    c.bench_function("headline window of 200 at offset 50k, 100k articles", |b| {
        b.iter(|| {
            s.headlines(black_box(&Query::default()), 50_000, 200)
                .expect("window")
        })
    });
    // Phrases are checked against the text (the index keeps no positions): the worst case is
    // a phrase whose words are in every article but never in a row, so every article is read.
    for (name, phrase) in [
        ("in a row in every title", "\"something newsworthy\""),
        ("in every title, never in a row", "\"newsworthy something\""),
    ] {
        let q = Query {
            search: Some(phrase.into()),
            ..Query::default()
        };
        c.bench_function(
            &format!("phrase search, words {name}: count + first 200, 100k articles"),
            |b| {
                b.iter(|| {
                    (
                        s.count(black_box(&q)).expect("count"),
                        s.headlines(&q, 0, 200).expect("window").len(),
                    )
                })
            },
        );
    }
}

/// What every refresh ends with: the retention pass over the store, here with nothing old
/// enough to go (all of it is found by scanning; the cost a refresh pays at its end).
fn prune(c: &mut Criterion) {
    let (_d, mut s, _) = populated(100_000);
    let retention = std::time::Duration::from_secs(90 * 86_400);
    c.bench_function("prune with nothing past retention, 100k articles", |b| {
        b.iter(|| s.prune(black_box(retention), Utc::now()).expect("prune"))
    });
}

/// The first thing a first run does: a new database, every migration applied.
fn new_store(c: &mut Criterion) {
    c.bench_function("open a new store (create, migrate)", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("tmp"),
            |dir| {
                drop(Store::open(&dir.path().join("n.db")).expect("open"));
                dir
            },
            criterion::BatchSize::PerIteration,
        )
    });
}

/// What the rule preview does at one keystroke: parse strictly, then count and fetch the first
/// five matches (the UI's `preview_rule`, without the channel hop).
fn preview_keystroke(s: &Store, typed: &str) -> u64 {
    match tidings::store::search::parse(typed, true) {
        Ok(_) => s.preview(typed, 5).expect("preview").0,
        Err(_) => 0,
    }
}

/// Rules as a user types them into the preview, one keystroke at a time: words, OR, an
/// exclusion, a field, a regex over titles.
const TYPED_RULES: &[&str] = &[
    "title:headline 12 OR newsworthy",
    "something -title:\"feed 7\"",
    "title:/headline 1[0-9]{3} of/",
];

fn rule_preview(c: &mut Criterion) {
    let (_d, s, _) = populated(100_000);
    let prefixes = |q: &'static str| -> Vec<&'static str> {
        q.char_indices()
            .skip(1)
            .map(|(i, _)| &q[..i])
            .chain([q])
            .collect()
    };
    // Median over every keystroke of every rule (each keystroke's own median of five runs).
    let mut per_key: Vec<(std::time::Duration, &str)> = Vec::new();
    for q in TYPED_RULES {
        for p in prefixes(q) {
            let mut t: Vec<_> = (0..5)
                .map(|_| {
                    let t0 = std::time::Instant::now();
                    black_box(preview_keystroke(&s, p));
                    t0.elapsed()
                })
                .collect();
            t.sort();
            per_key.push((t[2], p));
        }
    }
    per_key.sort();
    let at = |f: f64| per_key[((per_key.len() - 1) as f64 * f) as usize].0;
    let slowest = per_key.last().expect("keystrokes");
    println!(
        "rule preview, 100k articles, {} keystrokes: median {:?}, p90 {:?}, slowest {:?} at {:?}",
        per_key.len(),
        at(0.5),
        at(0.9),
        slowest.0,
        slowest.1
    );
    for q in TYPED_RULES {
        let keys = prefixes(q);
        c.bench_function(
            &format!("rule preview per keystroke, typing {q:?}, 100k articles"),
            |b| {
                b.iter_custom(|iters| {
                    let t0 = std::time::Instant::now();
                    for _ in 0..iters {
                        for p in &keys {
                            black_box(preview_keystroke(&s, p));
                        }
                    }
                    t0.elapsed() / keys.len() as u32
                })
            },
        );
    }
}

fn render_headlines(c: &mut Criterion) {
    let (_d, s, ids) = populated(100_000);
    let feeds: Vec<FeedInfo> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| FeedInfo {
            id: *id,
            name: format!("Feed {i}"),
            tags: vec![],
            named: true,
            full_text: false,
            account: None,
        })
        .collect();
    let settings = AppSettings {
        mark_read_on_open: true,
        article_width: 80,
        browser: None,
        theme: tidings::config::Theme::default(),
        feed_order: tidings::config::FeedOrder::Tag,
        dates: tidings::text::dates::DateStyle {
            zone: tidings::text::dates::Zone::Fixed(chrono::FixedOffset::east_opt(0).expect("utc")),
            fixed: None,
        },
        views: vec![],
        players: vec![],
    };
    let (mut app, _) = App::new(feeds, Keymap::default(), settings, (120, 40));
    let q = Query::default();
    let total = s.count(&q).expect("count") as usize;
    let rows = s.headlines(&q, 0, 200).expect("rows");
    let generation = app.headlines.generation;
    app.update(Msg::Store(StoreReply::Window {
        generation,
        offset: 0,
        rows,
        total,
        kept_at: None,
    }));
    app.update(Msg::Key(KeyChord::ch('l')));
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("term");
    let theme = Theme::default();
    c.bench_function("page down + draw one 120x40 frame of the 100k All view", |b| {
        b.iter(|| {
            app.update(Msg::Key(KeyChord::plain(Key::PageDown)));
            if app.headlines.selected > 150 {
                app.update(Msg::Key(KeyChord::ch('g')));
            }
            term.draw(|f| tidings::ui::draw(f, &app, &theme)).expect("draw");
        })
    });
}

fn render_article(c: &mut Criterion) {
    let page = std::fs::read_to_string(shared("fixtures/pages/readability-ars-1.source.html")).expect("page");
    let expected =
        std::fs::read_to_string(shared("fixtures/pages/readability-ars-1.expected.html")).expect("page");
    c.bench_function("extract article from ars-1 page", |b| {
        b.iter(|| {
            tidings::text::extract::extract(black_box(&page), Some("https://arstechnica.com/a"))
                .expect("extract")
        })
    });
    c.bench_function("render ars-1 article at 80 columns", |b| {
        b.iter(|| tidings::text::render_html(black_box(&expected), None, 80))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = parse_and_store, refresh_store, queries, prune, new_store, rule_preview, render_headlines, render_article
}
criterion_main!(benches);
