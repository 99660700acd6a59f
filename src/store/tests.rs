use super::*;
use chrono::Duration as Days;

fn article(key: &str, title: &str, body: &str) -> NewArticle {
    NewArticle {
        key: key.into(),
        title: title.into(),
        author: None,
        link: Some(format!("https://example.org/{key}")),
        published: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("date")),
        updated: None,
        summary: None,
        content: Some(body.into()),
        enclosures: vec![],
        comments: None,
        categories: Vec::new(),
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("t.db")).expect("open");
    (dir, store)
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).single().expect("date")
}

#[test]
fn migrates_an_empty_file_to_current_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").expect("touch");
    let store = Store::open(&path).expect("open empty file");
    let v: i64 = store
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("v");
    assert_eq!(v, migrate::CURRENT_VERSION);
    let merge: i64 = store
        .conn
        .query_row("SELECT v FROM search_config WHERE k = 'automerge'", [], |r| {
            r.get(0)
        })
        .expect("automerge is set");
    assert_eq!(merge, 16, "segments are merged 16 at a time");
    drop(store);
    Store::open(&path).expect("reopen is a no-op");
}

#[test]
fn corrupt_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.db");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &garbage).expect("write");
    let err = Store::open(&path).err().expect("must fail");
    assert!(err.to_string().contains("bad.db"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), garbage);
}

#[test]
fn reingest_with_changed_content_and_rename_keeps_read_and_star() {
    let (_d, mut s) = open();
    let ids = s
        .sync_feeds(&["https://a.example/feed".into()], now())
        .expect("sync");
    let feed = ids[0];
    let meta = FeedMeta {
        title: Some("A".into()),
        site_link: None,
    };
    let stats = s
        .ingest(
            feed,
            &meta,
            &[article("1", "one", "x"), article("2", "two", "y")],
            now(),
        )
        .expect("ingest");
    assert_eq!(stats, IngestStats { new: 2, updated: 0 });
    let heads = s.headlines(&Query::default(), 0, 10).expect("heads");
    let id_of = |t: &str| heads.iter().find(|h| h.title == t).expect("title").id;
    s.set_read(&[id_of("one")], true).expect("read");
    s.set_starred(&[id_of("two")], true).expect("star");
    // The publisher edits both, and the user renames the feed in the config (name is not stored).
    let meta2 = FeedMeta {
        title: Some("A renamed".into()),
        site_link: None,
    };
    let stats = s
        .ingest(
            feed,
            &meta2,
            &[article("1", "one (edited)", "x2"), article("2", "two", "y2")],
            now(),
        )
        .expect("ingest again");
    assert_eq!(stats, IngestStats { new: 0, updated: 2 });
    let heads = s.headlines(&Query::default(), 0, 10).expect("heads");
    assert_eq!(heads.len(), 2);
    let one = heads.iter().find(|h| h.title == "one (edited)").expect("one");
    let two = heads.iter().find(|h| h.title == "two").expect("two");
    assert!(one.read && !one.starred);
    assert!(!two.read && two.starred);
    // Unchanged content is not rewritten at all.
    let stats = s
        .ingest(feed, &meta2, &[article("1", "one (edited)", "x2")], now())
        .expect("same");
    assert_eq!(stats, IngestStats::default());
}

#[test]
fn removing_and_re_adding_a_feed_keeps_state() {
    let (_d, mut s) = open();
    let url = "https://a.example/feed".to_string();
    let feed = s.sync_feeds(&[url.clone().into()], now()).expect("sync")[0];
    s.ingest(feed, &FeedMeta::default(), &[article("1", "one", "x")], now())
        .expect("ingest");
    let ids = s.ids(&Query::default()).expect("ids");
    s.set_read(&ids, true).expect("read");
    s.set_starred(&ids, true).expect("star");
    s.sync_feeds(&[], now()).expect("removed");
    assert_eq!(
        s.count(&Query::default()).expect("count"),
        0,
        "removed feeds are hidden"
    );
    let again = s.sync_feeds(&[url.into()], now()).expect("re-added")[0];
    assert_eq!(again, feed);
    let h = s.headlines(&Query::default(), 0, 10).expect("heads");
    assert!(h[0].read && h[0].starred);
}

#[test]
fn fts_finds_a_word_only_in_the_body() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    s.ingest(
        feed,
        &FeedMeta::default(),
        &[
            article("1", "Plain title", "<p>The <b>quokka</b> smiles &amp; waves</p>"),
            article("2", "Other", "<p>nothing</p>"),
        ],
        now(),
    )
    .expect("ingest");
    let q = Query {
        search: Some("quok".into()),
        ..Query::default()
    };
    let found = s.headlines(&q, 0, 10).expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].title, "Plain title");
    assert_eq!(s.count(&q).expect("count"), 1);
    // FTS syntax in user input is treated as words, not operators.
    let q = Query {
        search: Some("\"quokka\" OR NEAR(".into()),
        ..Query::default()
    };
    s.headlines(&q, 0, 10).expect("no syntax error");
}

#[test]
fn retention_never_removes_starred_or_unread_and_pruned_do_not_return() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    let long_ago = now() - Days::days(200);
    let items = [
        article("read", "r", "x"),
        article("unread", "u", "x"),
        article("starred", "s", "x"),
    ];
    s.ingest(feed, &FeedMeta::default(), &items, long_ago)
        .expect("ingest");
    let heads = s.headlines(&Query::default(), 0, 10).expect("h");
    let id_of = |t: &str| heads.iter().find(|h| h.title == t).expect("t").id;
    s.set_read(&[id_of("r"), id_of("s")], true).expect("read");
    s.set_starred(&[id_of("s")], true).expect("star");
    let pruned = s.prune(Duration::from_secs(90 * 86400), now()).expect("prune");
    assert_eq!(pruned, 1);
    let left: Vec<String> = s
        .headlines(&Query::default(), 0, 10)
        .expect("h")
        .into_iter()
        .map(|h| h.title)
        .collect();
    assert_eq!(left.len(), 2);
    assert!(left.contains(&"u".to_string()) && left.contains(&"s".to_string()));
    let stats = s
        .ingest(feed, &FeedMeta::default(), &items, now())
        .expect("re-ingest");
    assert_eq!(stats.new, 0, "a pruned article must not come back unread");
}

#[test]
fn windowed_headlines_do_not_read_bodies() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    let items: Vec<NewArticle> = (0..50)
        .map(|i| article(&i.to_string(), &format!("t{i}"), "body"))
        .collect();
    s.ingest(feed, &FeedMeta::default(), &items, now())
        .expect("ingest");
    // Make bodies unreadable: any query touching them would now fail.
    s.conn
        .execute_batch("ALTER TABLE bodies RENAME TO bodies_hidden")
        .expect("hide");
    let page = s.headlines(&Query::default(), 10, 20).expect("window");
    assert_eq!(page.len(), 20);
    assert_eq!(
        s.count(&Query {
            unread_only: true,
            ..Query::default()
        })
        .expect("count"),
        50
    );
    assert!(s.body(page[0].id).is_err(), "bodies really are elsewhere");
}

#[test]
fn mark_all_read_in_a_view_returns_changed_ids() {
    let (_d, mut s) = open();
    let ids = s
        .sync_feeds(&["https://a.example/".into(), "https://b.example/".into()], now())
        .expect("sync");
    s.ingest(
        ids[0],
        &FeedMeta::default(),
        &[article("1", "a1", "x"), article("2", "a2", "x")],
        now(),
    )
    .expect("a");
    s.ingest(ids[1], &FeedMeta::default(), &[article("1", "b1", "x")], now())
        .expect("b");
    let q = Query {
        scope: Scope::Feeds(vec![ids[0]]),
        ..Query::default()
    };
    let changed = s.mark_all_read(&q).expect("mark");
    assert_eq!(changed.len(), 2);
    let counts = s.unread_counts().expect("counts");
    assert_eq!(counts, vec![(ids[0], 0), (ids[1], 1)]);
    assert!(s.mark_all_read(&q).expect("again").is_empty());
}

#[test]
fn position_finds_an_article_in_a_view() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    let mut items: Vec<NewArticle> = (0..5)
        .map(|i| article(&i.to_string(), &format!("t{i}"), "b"))
        .collect();
    for (i, a) in items.iter_mut().enumerate() {
        a.published = Some(now() - Days::days(i as i64));
    }
    s.ingest(feed, &FeedMeta::default(), &items, now())
        .expect("ingest");
    let heads = s.headlines(&Query::default(), 0, 10).expect("h");
    for (i, h) in heads.iter().enumerate() {
        assert_eq!(s.position(&Query::default(), h.id).expect("pos"), Some(i));
    }
}

#[test]
fn failure_is_recorded_and_cleared_by_success() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    assert_eq!(
        s.record_failure(feed, Some(500), "HTTP 500", None, now())
            .expect("f1"),
        1
    );
    assert_eq!(
        s.record_failure(feed, Some(500), "HTTP 500", None, now())
            .expect("f2"),
        2
    );
    let st = s.feed_state(feed).expect("state").expect("exists");
    assert_eq!(st.last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(st.failing_since, Some(now()));
    let rec = FetchRecord {
        status: Some(200),
        etag: Some("\"e\"".into()),
        ..FetchRecord::default()
    };
    s.record_success(feed, &rec, now()).expect("ok");
    let st = s.feed_state(feed).expect("state").expect("exists");
    assert_eq!(st.last_error, None);
    assert_eq!(st.consecutive_failures, 0);
    assert_eq!(st.etag.as_deref(), Some("\"e\""));
}

#[test]
fn migrates_every_older_schema_keeping_data() {
    for from in 1..migrate::CURRENT_VERSION {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("old.db");
        {
            let mut conn = rusqlite::Connection::open(&path).expect("open");
            migrate::migrate_to(&mut conn, from).expect("old schema");
            conn.execute("INSERT INTO feeds (url) VALUES ('https://a.example/')", [])
                .expect("feed");
            conn.execute(
                "INSERT INTO articles (feed_id, key, title, sort_ts, first_seen, read, starred, content_hash)
                 VALUES (1, 'g:1', 'kept', 1, 1, 1, 1, 'h')",
                [],
            )
            .expect("article");
        }
        let s = Store::open(&path).expect("migrates");
        let v: i64 = s
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("v");
        assert_eq!(v, migrate::CURRENT_VERSION, "from {from}");
        let h = s.headlines(&Query::default(), 0, 10).expect("heads");
        assert_eq!(h.len(), 1);
        assert!(h[0].read && h[0].starred && h[0].title == "kept");
    }
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("new.db");
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", 999).expect("v");
    }
    let err = Store::open(&path).err().expect("refused");
    assert!(err.to_string().contains("newer than this tidings"), "{err}");
}

#[test]
fn a_failed_ingest_rolls_back_the_whole_feed() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    // A trigger that fails on the third insert makes the transaction fail midway.
    s.conn
        .execute_batch(
            "CREATE TRIGGER fail_third BEFORE INSERT ON articles
             WHEN (SELECT count(*) FROM articles) >= 2 BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        )
        .expect("trigger");
    let items: Vec<NewArticle> = (0..5).map(|i| article(&i.to_string(), "t", "b")).collect();
    assert!(s.ingest(feed, &FeedMeta::default(), &items, now()).is_err());
    assert_eq!(
        s.count(&Query::default()).expect("count"),
        0,
        "nothing of the failed feed is kept"
    );
}

#[test]
fn a_full_disk_fails_the_ingest_and_keeps_everything_else() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    s.ingest(feed, &FeedMeta::default(), &[article("1", "kept", "x")], now())
        .expect("first");
    let ids = s.ids(&Query::default()).expect("ids");
    s.set_starred(&ids, true).expect("star");
    // Cap the file at its current size: the next big ingest cannot fit.
    let pages: i64 = s
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("pages");
    s.conn.pragma_update(None, "max_page_count", pages).expect("cap");
    let big: Vec<NewArticle> = (0..200)
        .map(|i| article(&format!("b{i}"), "big", &"word ".repeat(2000)))
        .collect();
    let err = s
        .ingest(feed, &FeedMeta::default(), &big, now())
        .expect_err("disk full");
    assert!(err.to_string().contains("full"), "{err}");
    let heads = s.headlines(&Query::default(), 0, 10).expect("still readable");
    assert_eq!(heads.len(), 1);
    assert!(heads[0].starred);
    s.set_read(&ids, true).expect("small writes still work");
    assert_eq!(s.integrity_check().expect("check"), "ok");
}

#[test]
fn syncing_an_unchanged_feed_list_writes_nothing() {
    let (_d, mut s) = open();
    let urls: Vec<WantedFeed> = vec!["https://a.example/".into(), "https://b.example/".into()];
    let first = s.sync_feeds(&urls, now()).expect("sync");
    let before = s.conn.total_changes();
    assert_eq!(s.sync_feeds(&urls, now()).expect("again"), first);
    assert_eq!(s.conn.total_changes(), before, "no write when nothing changed");
    let fewer = s.sync_feeds(&urls[..1], now()).expect("one removed");
    assert_eq!(fewer, first[..1].to_vec());
    assert!(s.conn.total_changes() > before);
    assert_eq!(s.count(&Query::default()).expect("count"), 0);
}

fn named(url: &str, name: Option<&str>) -> WantedFeed {
    WantedFeed {
        url: url.into(),
        name: name.map(str::to_string),
        tags: vec![],
    }
}

/// A feed with two articles, one read and one starred; returns its id.
fn feed_with_marks(s: &mut Store, wanted: &[WantedFeed]) -> (FeedId, Vec<ArticleId>) {
    let feed = s.sync_feeds(wanted, now()).expect("sync")[0];
    s.ingest(
        feed,
        &FeedMeta::default(),
        &[article("a", "One", "x"), article("b", "Two", "y")],
        now(),
    )
    .expect("ingest");
    let ids = s.ids(&Query::default()).expect("ids");
    s.set_read(&ids[..1], true).expect("read");
    s.set_starred(&ids[1..], true).expect("star");
    (feed, ids)
}

fn marks(s: &Store) -> (u64, u64, u64) {
    let all = s.count(&Query::default()).expect("all");
    let unread = s
        .count(&Query {
            unread_only: true,
            ..Query::default()
        })
        .expect("unread");
    let starred = s
        .count(&Query {
            starred_only: true,
            ..Query::default()
        })
        .expect("starred");
    (all, unread, starred)
}

#[test]
fn following_a_redirect_keeps_the_feed_and_its_marks() {
    let (_d, mut s) = open();
    let (feed, _) = feed_with_marks(&mut s, &["https://old.example/rss".into()]);
    let rec = FetchRecord {
        status: Some(200),
        redirect_url: Some("https://new.example/feed.xml".into()),
        ..FetchRecord::default()
    };
    s.record_success(feed, &rec, now()).expect("record");
    let after = s
        .sync_feeds(&["https://new.example/feed.xml".into()], now())
        .expect("moved");
    assert_eq!(after, vec![feed], "the same row, not a new feed");
    assert_eq!(marks(&s), (2, 1, 1));
    let state = s.feed_state(feed).expect("state").expect("feed");
    assert_eq!(state.url, "https://new.example/feed.xml");
    assert_eq!(state.redirect_url, None);
}

#[test]
fn a_url_edited_by_hand_keeps_the_feed_by_name_or_by_site() {
    let (_d, mut s) = open();
    let (feed, _) = feed_with_marks(
        &mut s,
        &[
            named("http://blog.example/rss", Some("Blog")),
            "https://other.example/".into(),
        ],
    );
    // Same name, another host: the same feed.
    let moved = s
        .sync_feeds(
            &[
                named("https://feeds.example.net/blog", Some("Blog")),
                "https://other.example/".into(),
            ],
            now(),
        )
        .expect("renamed");
    assert_eq!(moved[0], feed);
    // No name, one URL swapped for one on the same site (http to https, a new path).
    let (_d2, mut t) = open();
    let (feed2, _) = feed_with_marks(&mut t, &["http://www.site.example/rss".into()]);
    let moved = t
        .sync_feeds(&["https://site.example/feed.atom".into()], now())
        .expect("edited");
    assert_eq!(moved, vec![feed2]);
    assert_eq!(marks(&t), (2, 1, 1));
}

#[test]
fn a_feed_replaced_by_another_site_is_a_new_feed() {
    let (_d, mut s) = open();
    let (feed, _) = feed_with_marks(&mut s, &["https://a.example/rss".into()]);
    let now_ids = s
        .sync_feeds(&["https://b.example/rss".into()], now())
        .expect("swap");
    assert_ne!(now_ids[0], feed);
    let b = s.count(&Query {
        scope: Scope::Feeds(vec![now_ids[0]]),
        ..Query::default()
    });
    assert_eq!(b.expect("count"), 0, "the new feed starts empty");
}

fn search(s: &Store, q: &str) -> Vec<String> {
    let query = Query {
        search: Some(q.into()),
        ..Query::default()
    };
    let mut titles: Vec<String> = s
        .headlines(&query, 0, 50)
        .expect("search")
        .into_iter()
        .map(|r| r.title)
        .collect();
    titles.sort();
    titles
}

#[test]
fn search_has_phrases_exclusions_fields_and_full_text() {
    let (_d, mut s) = open();
    let wanted = vec![
        WantedFeed {
            url: "https://lwn.example/rss".into(),
            name: Some("LWN".into()),
            tags: vec!["linux".into()],
        },
        WantedFeed {
            url: "https://blog.example/rss".into(),
            name: Some("Rust Blog".into()),
            tags: vec!["rust".into(), "news".into()],
        },
    ];
    let ids = s.sync_feeds(&wanted, now()).expect("sync");
    let mut by_ann = article(
        "r1",
        "Rust 1.95 released",
        "<p>The borrow checker got smarter.</p>",
    );
    by_ann.author = Some("Ann Lee".into());
    s.ingest(
        ids[1],
        &FeedMeta::default(),
        &[
            by_ann,
            article("r2", "Checker notes", "<p>smarter borrow rules</p>"),
        ],
        now(),
    )
    .expect("ingest");
    s.ingest(
        ids[0],
        &FeedMeta::default(),
        &[article("l1", "Kernel release", "<p>A teaser.</p>")],
        now(),
    )
    .expect("ingest");
    assert_eq!(
        search(&s, "borrow checker"),
        ["Checker notes", "Rust 1.95 released"]
    );
    assert_eq!(
        search(&s, "\"borrow checker\""),
        ["Rust 1.95 released"],
        "a phrase keeps word order"
    );
    assert_eq!(search(&s, "borrow -notes"), ["Rust 1.95 released"]);
    assert_eq!(
        search(&s, "title:release"),
        ["Kernel release", "Rust 1.95 released"]
    );
    assert_eq!(search(&s, "title:checker"), ["Checker notes"]);
    assert_eq!(search(&s, "author:\"ann lee\""), ["Rust 1.95 released"]);
    assert_eq!(search(&s, "feed:lwn"), ["Kernel release"]);
    assert_eq!(search(&s, "tag:News"), ["Checker notes", "Rust 1.95 released"]);
    assert_eq!(search(&s, "release -tag:rust"), ["Kernel release"]);
    // Fetched full text is searchable.
    assert!(search(&s, "scheduler").is_empty());
    let kernel = s
        .ids(&Query {
            scope: Scope::Feeds(vec![ids[0]]),
            ..Query::default()
        })
        .expect("ids")[0];
    s.set_full_html(kernel, "<article><p>The new scheduler lands.</p></article>")
        .expect("full text");
    assert_eq!(search(&s, "scheduler"), ["Kernel release"]);
    assert_eq!(search(&s, "\"new scheduler\" feed:LWN"), ["Kernel release"]);
}

#[test]
fn a_phrase_is_words_in_a_row_within_one_column_and_long_bodies_are_found_by_any_word() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    // A long body: its index text is its distinct words, so no word may go missing and
    // phrases are checked against the text itself.
    let long = format!(
        "<p>{}</p><p>The Borrow Checker got smarter; CAFÉ au lait.</p>",
        "Filler words repeat and repeat again. ".repeat(60)
    );
    s.ingest(
        feed,
        &FeedMeta::default(),
        &[
            article("a", "Borrow notes", "<p>checker tools</p>"),
            article("b", "Long read", &long),
            article("c", "Checker borrow", "<p>nothing here</p>"),
        ],
        now(),
    )
    .expect("ingest");
    assert_eq!(
        search(&s, "\"borrow checker\""),
        ["Long read"],
        "title and text never join"
    );
    assert_eq!(search(&s, "\"checker borrow\""), ["Checker borrow"]);
    assert_eq!(search(&s, "title:\"checker borrow\""), ["Checker borrow"]);
    assert!(search(&s, "content:\"checker borrow\"").is_empty());
    assert_eq!(
        search(&s, "\"cafe au lait\""),
        ["Long read"],
        "folded like the index"
    );
    assert_eq!(
        search(&s, "-\"borrow checker\" borrow"),
        ["Borrow notes", "Checker borrow"]
    );
    for word in ["filler", "again", "smarter", "café", "lait"] {
        assert_eq!(search(&s, word), ["Long read"], "{word}");
    }
}

#[test]
fn a_rebuilt_index_finds_every_article_across_its_chunks() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    let n = super::search::REINDEX_CHUNK * 2 + 7;
    let articles: Vec<NewArticle> = (0..n)
        .map(|i| {
            article(
                &i.to_string(),
                &format!("Story {i}"),
                &format!("<p>common uniq{i}x</p>"),
            )
        })
        .collect();
    s.ingest(feed, &FeedMeta::default(), &articles, now())
        .expect("ingest");
    s.conn
        .execute_batch(
            "INSERT INTO search (search) VALUES ('delete-all');
             INSERT OR REPLACE INTO meta (key, value) VALUES ('reindex', '1');",
        )
        .expect("as after a migration");
    assert!(search(&s, "common").is_empty());
    s.reindex_if_flagged().expect("rebuild");
    let count = |q: &str| {
        s.count(&Query {
            search: Some(q.into()),
            ..Query::default()
        })
        .expect("count")
    };
    assert_eq!(count("common"), n as u64);
    for i in [
        0,
        super::search::REINDEX_CHUNK - 1,
        super::search::REINDEX_CHUNK,
        n - 1,
    ] {
        assert_eq!(search(&s, &format!("uniq{i}x")), [format!("Story {i}")]);
    }
}

#[test]
fn a_date_far_in_the_future_sorts_as_first_seen_and_is_kept_for_display() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    let mut pinned = article("p", "Pinned for ever", "x");
    pinned.published = Utc.with_ymd_and_hms(9999, 1, 1, 0, 0, 0).single();
    let mut fresh = article("f", "Fresh", "y");
    fresh.published = Some(now() - Days::hours(1));
    s.ingest(feed, &FeedMeta::default(), &[pinned, fresh], now())
        .expect("ingest");
    let heads = s.headlines(&Query::default(), 0, 10).expect("heads");
    assert_eq!(
        heads[0].title, "Pinned for ever",
        "first seen now, so newest; not year 9999 on top for ever"
    );
    let later = now() + Days::days(3);
    let mut newer = article("n", "Newer", "z");
    newer.published = Some(later - Days::hours(1));
    s.ingest(feed, &FeedMeta::default(), &[newer], later)
        .expect("ingest");
    let heads = s.headlines(&Query::default(), 0, 10).expect("heads");
    assert_eq!(heads[0].title, "Newer", "a real newer article goes above it");
    assert_eq!(
        heads[1].published,
        Utc.with_ymd_and_hms(9999, 1, 1, 0, 0, 0).single(),
        "the feed's own date is kept for display"
    );
}

#[test]
fn a_damaged_journal_is_reported_once() {
    let (dir, mut s) = open();
    s.conn
        .execute_batch("PRAGMA wal_autocheckpoint = 0;")
        .expect("no checkpoints");
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    for i in 0..5 {
        s.ingest(
            feed,
            &FeedMeta::default(),
            &[article(&format!("k{i}"), "T", "b")],
            now(),
        )
        .expect("ingest");
    }
    let ids = s.ids(&Query::default()).expect("ids");
    s.set_read(&ids, true).expect("marks, committed to the journal");
    // A copy as a crash leaves it: database and journal, nothing checkpointed.
    let copy = dir.path().join("copy");
    std::fs::create_dir(&copy).expect("dir");
    std::fs::copy(dir.path().join("t.db"), copy.join("t.db")).expect("db");
    let mut wal = std::fs::read(dir.path().join("t.db-wal")).expect("wal");
    let page = u32::from_be_bytes([wal[8], wal[9], wal[10], wal[11]]) as usize;
    let frames = (wal.len() - 32) / (24 + page);
    assert!(frames > 4, "{frames} frames");
    // One flipped byte in the second frame's page.
    wal[32 + (24 + page) + 24 + 100] ^= 0xff;
    std::fs::write(copy.join("t.db-wal"), &wal).expect("wal copy");
    let damaged = Store::open(&copy.join("t.db")).expect("opens all the same");
    let warning = damaged.recovery_warning().expect("said").to_string();
    assert!(
        warning.contains("t.db-wal is damaged") && warning.contains("could not be recovered"),
        "{warning}"
    );
    drop(damaged);
    let again = Store::open(&copy.join("t.db")).expect("reopen");
    assert_eq!(again.recovery_warning(), None, "said once");
    drop(s);
}

#[test]
fn an_intact_journal_after_a_crash_is_not_damage() {
    let (dir, mut s) = open();
    s.conn
        .execute_batch("PRAGMA wal_autocheckpoint = 0;")
        .expect("no checkpoints");
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    s.ingest(feed, &FeedMeta::default(), &[article("k", "T", "b")], now())
        .expect("ingest");
    let copy = dir.path().join("copy");
    std::fs::create_dir(&copy).expect("dir");
    std::fs::copy(dir.path().join("t.db"), copy.join("t.db")).expect("db");
    std::fs::copy(dir.path().join("t.db-wal"), copy.join("t.db-wal")).expect("wal");
    let reopened = Store::open(&copy.join("t.db")).expect("open");
    assert_eq!(reopened.recovery_warning(), None);
    assert_eq!(reopened.count(&Query::default()).expect("count"), 1, "replayed");
}

#[test]
fn a_feed_keeps_its_newest_articles_and_every_starred_one() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    let batch: Vec<NewArticle> = (0..10)
        .map(|i| {
            let mut a = article(&format!("k{i}"), &format!("T{i}"), "b");
            a.published = Some(now() - Days::hours(10 - i));
            a
        })
        .collect();
    s.ingest(feed, &FeedMeta::default(), &batch, now())
        .expect("ingest");
    let oldest = *s.ids(&Query::default()).expect("ids").last().expect("oldest");
    s.set_starred(&[oldest], true).expect("star");
    assert_eq!(s.cap_articles(feed, 3, 4).expect("cap"), 4);
    assert_eq!(
        s.cap_articles(feed, 3, 4).expect("cap"),
        2,
        "the rest, in a second batch"
    );
    assert_eq!(s.cap_articles(feed, 3, 4).expect("cap"), 0);
    let titles: Vec<String> = s
        .headlines(&Query::default(), 0, 20)
        .expect("h")
        .into_iter()
        .map(|r| r.title)
        .collect();
    assert_eq!(
        titles,
        ["T9", "T8", "T7", "T0"],
        "newest three and the starred one"
    );
    // Dropped articles do not come back on the next refresh.
    s.ingest(feed, &FeedMeta::default(), &batch, now())
        .expect("again");
    assert_eq!(s.count(&Query::default()).expect("count"), 4);
}

#[test]
fn an_articles_comments_page_and_enclosure_times_are_stored_and_loaded() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    let mut a = article("1", "Episode", "<p>notes</p>");
    a.comments = Some("https://news.example/item?id=1".into());
    a.enclosures = vec![crate::model::Enclosure {
        url: "https://cdn.example/1.mp3".into(),
        mime: Some("audio/mpeg".into()),
        length: Some(10),
        duration: Some(1739),
        title: Some("Episode one".into()),
    }];
    s.ingest(feed, &FeedMeta::default(), &[a.clone()], now())
        .expect("ingest");
    let id = s.ids(&Query::default()).expect("ids")[0];
    let body = s.body(id).expect("body").expect("there");
    assert_eq!(body.comments, a.comments);
    assert_eq!(body.enclosures, a.enclosures);
}

fn job(feed: FeedId, keys: &[&str]) -> FeedIngest {
    FeedIngest {
        feed,
        meta: FeedMeta::default(),
        articles: keys
            .iter()
            .map(|k| article(k, &format!("title {k}"), "heron weir"))
            .collect(),
        prepared: Vec::new(),
        record: FetchRecord {
            status: Some(200),
            etag: Some(format!("\"{}\"", feed.0)),
            ..Default::default()
        },
        max_articles: 1000,
    }
}

#[test]
fn feeds_stored_together_each_get_their_own_result_and_one_bad_feed_costs_no_other() {
    let (_d, mut s) = open();
    let urls: Vec<WantedFeed> = ["https://a.example/", "https://b.example/", "https://c.example/"]
        .iter()
        .map(|u| named(u, None))
        .collect();
    let ids = s.sync_feeds(&urls, now()).expect("sync");
    let results = s.ingest_feeds(vec![job(ids[0], &["1", "2"]), job(ids[1], &["3"])], now());
    let stored: Vec<FeedStored> = results.into_iter().map(|r| r.expect("stored")).collect();
    assert_eq!(
        stored.iter().map(|r| (r.stats.new, r.unread)).collect::<Vec<_>>(),
        [(2, 2), (1, 1)]
    );
    assert_eq!(
        s.feed_state(ids[1])
            .expect("state")
            .expect("feed")
            .etag
            .as_deref(),
        Some(&*format!("\"{}\"", ids[1].0)),
        "the fetch record is stored with the articles"
    );
    // A feed that no longer exists (removed while its fetch was under way) fails its insert:
    // the batch is rolled back and stored again feed by feed.
    let gone = FeedId(9_999);
    let results = s.ingest_feeds(
        vec![
            job(ids[2], &["4"]),
            job(gone, &["5"]),
            job(ids[0], &["1", "2", "6"]),
        ],
        now(),
    );
    assert!(results[1].is_err(), "{results:?}");
    assert_eq!(results[0].as_ref().expect("c").stats.new, 1);
    assert_eq!(results[2].as_ref().expect("a").stats.new, 1, "only the new one");
    assert_eq!(s.count(&Query::default()).expect("count"), 5);
    assert!(s.conn.is_autocommit(), "no transaction is left open");
    let heron = Query {
        search: Some("heron".into()),
        ..Query::default()
    };
    let found = s.ids(&heron).expect("search");
    assert_eq!(found.len(), 5, "every stored article is searchable");
}

/// Which prepared articles were given index text (the others are stored unchanged).
fn given_index_text(prepared: &[Prepared]) -> Vec<bool> {
    prepared.iter().map(|p| p.index_text.is_some()).collect()
}

#[test]
fn a_content_hash_from_before_still_means_unchanged_and_is_rewritten_once() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    let first = vec![
        article("1", "One", "<p>heron</p>"),
        article("2", "Two", "<p>weir</p>"),
    ];
    s.ingest(feed, &FeedMeta::default(), &first, now())
        .expect("ingest");
    // As a store written before the current hash holds them.
    for a in &first {
        s.conn
            .execute(
                "UPDATE articles SET content_hash = ?2 WHERE key = ?1",
                params![a.key, super::legacy_content_hash(a)],
            )
            .expect("old hash");
    }
    let again = vec![
        article("1", "One", "<p>heron</p>"),
        article("2", "Two", "<p>weir and kingfisher</p>"),
    ];
    let prepared = prepare(&again, &s.known_hashes(feed).expect("known"));
    assert_eq!(
        given_index_text(&prepared),
        [false, true],
        "an unchanged article under an old hash is not indexed again"
    );
    let stats = s
        .ingest_prepared(feed, &FeedMeta::default(), &again, &prepared, now())
        .expect("again");
    assert_eq!(stats, IngestStats { new: 0, updated: 1 });
    let known = s.known_hashes(feed).expect("known");
    assert!(
        known.values().all(|h| h.starts_with(super::HASH_FORM)),
        "both now hold the current form: {known:?}"
    );
    assert_eq!(
        s.ingest(feed, &FeedMeta::default(), &again, now())
            .expect("third"),
        IngestStats::default()
    );
}

#[test]
fn prepared_articles_cost_the_writer_only_a_hash_compare_when_unchanged() {
    let (_d, mut s) = open();
    let feed = s.sync_feeds(&["https://a.example/".into()], now()).expect("sync")[0];
    let first = vec![
        article("1", "One", "<p>heron</p>"),
        article("2", "Two", "<p>weir</p>"),
    ];
    let prepared = prepare(&first, &s.known_hashes(feed).expect("known"));
    assert!(
        prepared.iter().all(|p| p.index_text.is_some()),
        "new articles get their index text"
    );
    s.ingest_prepared(feed, &FeedMeta::default(), &first, &prepared, now())
        .expect("ingest");
    // Fetched again: one unchanged, one edited, one new.
    let again = vec![
        article("1", "One", "<p>heron</p>"),
        article("2", "Two", "<p>weir and kingfisher</p>"),
        article("3", "Three", "<p>otter</p>"),
    ];
    let prepared = prepare(&again, &s.known_hashes(feed).expect("known"));
    assert_eq!(
        given_index_text(&prepared),
        [false, true, true],
        "the unchanged article is only hashed"
    );
    let stats = s
        .ingest_prepared(feed, &FeedMeta::default(), &again, &prepared, now())
        .expect("ingest");
    assert_eq!((stats.new, stats.updated), (1, 1));
    let find = |s: &Store, w: &str| {
        s.ids(&Query {
            search: Some(w.into()),
            ..Query::default()
        })
        .expect("search")
        .len()
    };
    assert_eq!(
        (find(&s, "kingfisher"), find(&s, "otter"), find(&s, "heron")),
        (1, 1, 1)
    );
    // Prepared against a stale view (another process stored the edit meanwhile): the
    // writer still indexes what it stores.
    let edited = vec![article("1", "One", "<p>heron and grebe</p>")];
    let stale = vec![Prepared {
        hash: prepare(&edited, &Default::default())[0].hash.clone(),
        index_text: None,
    }];
    s.ingest_prepared(feed, &FeedMeta::default(), &edited, &stale, now())
        .expect("ingest");
    assert_eq!(find(&s, "grebe"), 1);
}

/// A store whose writer queues index rows, as the refresh's writer thread does, with one feed.
fn deferred() -> (tempfile::TempDir, Store, FeedId) {
    let (d, mut s) = open();
    s.defer_indexing();
    let feed = s
        .sync_feeds(&["https://q.example/feed".into()], now())
        .expect("sync")[0];
    (d, s, feed)
}

fn unindexed(s: &Store) -> i64 {
    s.conn
        .query_row("SELECT count(*) FROM unindexed", [], |r| r.get(0))
        .expect("count")
}

/// Rows in the search index (one per indexed article).
fn index_rows(s: &Store) -> i64 {
    s.conn
        .query_row("SELECT count(*) FROM search_docsize", [], |r| r.get(0))
        .expect("count")
}

/// Stores one heron, "grey".
fn ingest_heron(s: &mut Store, feed: FeedId) {
    s.ingest(
        feed,
        &FeedMeta::default(),
        &[article("1", "heron", "grey")],
        now(),
    )
    .expect("ingest");
}

/// Stores a heron ("a grey heron") and an otter.
fn ingest_two(s: &mut Store, feed: FeedId) {
    let arts = [
        article("1", "heron", "a grey heron"),
        article("2", "otter", "an otter swims"),
    ];
    s.ingest(feed, &FeedMeta::default(), &arts, now())
        .expect("ingest");
}

#[test]
fn queued_index_rows_are_found_once_written_and_the_list_empties() {
    let (_d, mut s, feed) = deferred();
    ingest_two(&mut s, feed);
    assert!(s.index_pending());
    assert_eq!(unindexed(&s), 2, "listed in the articles' own transaction");
    assert!(search(&s, "otter").is_empty(), "stored, not yet indexed");
    assert_eq!(s.write_index_queue().expect("write"), 2);
    assert_eq!(search(&s, "otter"), vec!["otter"]);
    assert_eq!(search(&s, "title:heron"), vec!["heron"]);
    assert_eq!(search(&s, "\"grey heron\""), vec!["heron"]);
    assert_eq!(unindexed(&s), 0);
    assert!(!s.index_pending());
}

#[test]
fn a_full_group_is_written_with_the_ingest_that_fills_it() {
    let (_d, mut s, feed) = deferred();
    let arts: Vec<NewArticle> = (0..INDEX_GROUP)
        .map(|i| article(&i.to_string(), &format!("kestrel {i}"), "wings"))
        .collect();
    s.ingest(feed, &FeedMeta::default(), &arts[..INDEX_GROUP - 1], now())
        .expect("ingest");
    assert!(s.index_pending());
    s.ingest(feed, &FeedMeta::default(), &arts[INDEX_GROUP - 1..], now())
        .expect("ingest");
    assert!(!s.index_pending(), "the group was written");
    let q = Query {
        search: Some("kestrel".into()),
        ..Query::default()
    };
    assert_eq!(s.count(&q).expect("count"), INDEX_GROUP as u64);
    assert_eq!(unindexed(&s), 0);
}

#[test]
fn rows_left_queued_by_a_crash_are_indexed_at_the_next_open() {
    let (d, mut s, feed) = deferred();
    ingest_two(&mut s, feed);
    // The process dies: no drop, nothing written but what was committed.
    std::mem::forget(s);
    let s = Store::open(&d.path().join("t.db")).expect("reopen");
    assert_eq!(search(&s, "otter"), vec!["otter"]);
    assert_eq!(search(&s, "\"grey heron\""), vec!["heron"]);
    assert_eq!(unindexed(&s), 0);
}

#[test]
fn a_clean_drop_writes_the_queue() {
    let (d, mut s, feed) = deferred();
    ingest_heron(&mut s, feed);
    drop(s);
    let conn = Connection::open(d.path().join("t.db")).expect("open");
    let left: i64 = conn
        .query_row("SELECT count(*) FROM unindexed", [], |r| r.get(0))
        .expect("count");
    assert_eq!(left, 0, "nothing left for the next open");
    let s = Store::open(&d.path().join("t.db")).expect("reopen");
    assert_eq!(search(&s, "grey"), vec!["heron"]);
}

#[test]
fn a_queued_row_is_never_written_for_an_article_removed_or_changed_since() {
    let (_d, mut s, feed) = deferred();
    let old: Vec<NewArticle> = (0..4)
        .map(|i| {
            let mut a = article(&i.to_string(), &format!("old {i}"), "puffin");
            a.published = Some(now() - Days::days(10 - i));
            a
        })
        .collect();
    s.ingest(feed, &FeedMeta::default(), &old, now()).expect("ingest");
    // Two go over the cap while their rows wait; one is edited (indexed at once).
    assert_eq!(s.cap_articles(feed, 2, 10).expect("cap"), 2);
    let mut edited = old[3].clone();
    edited.content = Some("guillemot".into());
    s.ingest(feed, &FeedMeta::default(), &[edited], now())
        .expect("edit");
    s.write_index_queue().expect("write");
    assert_eq!(search(&s, "puffin"), vec!["old 2"], "only the kept, unedited one");
    assert_eq!(search(&s, "guillemot"), vec!["old 3"]);
    assert_eq!(unindexed(&s), 0);
    assert_eq!(index_rows(&s), 2, "one index row per stored article");
}

#[test]
fn rows_another_process_indexed_are_not_written_twice() {
    let (d, mut s, feed) = deferred();
    ingest_heron(&mut s, feed);
    // A second process opens meanwhile and indexes what is listed.
    let other = Store::open(&d.path().join("t.db")).expect("second open");
    assert_eq!(search(&other, "grey"), vec!["heron"]);
    assert_eq!(s.write_index_queue().expect("write"), 0, "already indexed");
    assert_eq!(index_rows(&s), 1);
}

#[test]
fn a_new_database_has_large_pages_and_an_old_one_keeps_its_own() {
    let (d, s) = open();
    assert_eq!(s.page_size().expect("page size"), NEW_PAGE_SIZE);
    let old = d.path().join("old.db");
    {
        let c = Connection::open(&old).expect("open");
        c.execute_batch("PRAGMA page_size = 4096; CREATE TABLE x (a);")
            .expect("make");
    }
    let s = Store::open(&old).expect("open old");
    assert_eq!(s.page_size().expect("page size"), 4096);
}

#[tokio::test]
async fn the_writer_thread_writes_its_queue_when_idle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let handle = StoreHandle::open(&dir.path().join("t.db")).expect("open");
    let feed = handle
        .write(|s| s.sync_feeds(&["https://q.example/feed".into()], now()))
        .await
        .expect("writer")
        .expect("sync")[0];
    let pending = handle
        .write(move |s| {
            ingest_heron(s, feed);
            s.index_pending()
        })
        .await
        .expect("writer");
    assert!(pending, "the writer thread queues index rows");
    let mut found = Vec::new();
    for _ in 0..100 {
        found = handle.read(|s| search(s, "grey")).await.expect("reader");
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        found,
        vec!["heron"],
        "written once the writer had nothing else to do"
    );
    handle.close();
}
