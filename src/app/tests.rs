//! `App::update` without a terminal: key sequences → state and effects.

use super::*;
use crate::model::{ArticleBody, ArticleSummary};

fn key(c: char) -> Msg {
    Msg::Key(KeyChord::ch(c))
}

fn special(k: Key) -> Msg {
    Msg::Key(KeyChord::plain(k))
}

fn feeds() -> Vec<FeedInfo> {
    vec![
        FeedInfo {
            id: FeedId(1),
            name: "Alpha".into(),
            tags: vec!["x".into()],
            named: true,
            full_text: false,
            account: None,
        },
        FeedInfo {
            id: FeedId(2),
            name: "Beta".into(),
            tags: vec!["y".into()],
            named: true,
            full_text: false,
            account: None,
        },
    ]
}

fn row(id: i64, feed: i64, read: bool) -> ArticleSummary {
    ArticleSummary {
        id: ArticleId(id),
        feed_id: FeedId(feed),
        title: format!("article {id}"),
        link: Some(format!("https://example.org/{id}")),
        author: None,
        published: None,
        read,
        starred: false,
        hidden_by: None,
    }
}

fn settings() -> AppSettings {
    AppSettings {
        mark_read_on_open: true,
        article_width: 80,
        browser: None,
        theme: crate::config::Theme::default(),
        feed_order: crate::config::FeedOrder::Tag,
        dates: crate::text::dates::DateStyle::default(),
        views: vec![],
        players: vec![],
    }
}

/// A model showing `rows` in its current view.
fn app_with(rows: Vec<ArticleSummary>) -> App {
    let (mut app, fx) = App::new(feeds(), Keymap::default(), settings(), (100, 30));
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadCounts { .. })));
    let generation = app.headlines.generation;
    let total = rows.len();
    app.update(Msg::Store(StoreReply::Window {
        generation,
        offset: 0,
        rows,
        total,
        kept_at: None,
    }));
    app.update(Msg::Store(StoreReply::Counts {
        epoch: app.writes.epoch,
        unread: vec![(FeedId(1), 2), (FeedId(2), 1)],
        starred: 0,
        errors: vec![],
        titles: vec![],
        views: vec![],
    }));
    app
}

/// Puts the feed-list cursor on feed `id` (without the view change a key would cause).
fn select_feed(app: &mut App, id: i64) {
    app.feed_selected = app
        .entries
        .iter()
        .position(|e| e.source == Source::Feed(FeedId(id)))
        .expect("feed");
}

fn window_effect(fx: &[Effect]) -> Option<(u64, Query)> {
    fx.iter().find_map(|e| match e {
        Effect::LoadWindow {
            generation, query, ..
        } => Some((*generation, query.clone())),
        _ => None,
    })
}

#[test]
fn starts_on_all_unread_and_loads_a_window() {
    let (app, fx) = App::new(feeds(), Keymap::default(), settings(), (100, 30));
    let (_, q) = window_effect(&fx).expect("window");
    assert!(q.unread_only);
    assert_eq!(q.scope, Scope::All);
    assert_eq!(app.entries.len(), 2 + 2 + 2, "virtual, tags, feeds");
}

#[test]
fn moving_and_opening_marks_read_and_loads_body() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 1, false), row(12, 2, false)]);
    app.update(key('l'));
    assert_eq!(app.focus, Focus::Headlines);
    app.update(key('j'));
    assert_eq!(app.headlines.selected, 1);
    assert_eq!(app.headlines.scroll, 0);
    let fx = app.update(special(Key::Enter));
    assert_eq!(app.focus, Focus::Article);
    assert!(fx.contains(&Effect::LoadBody(ArticleId(11))));
    assert!(fx.contains(&Effect::Write(Change {
        ids: vec![ArticleId(11)],
        field: Field::Read,
        value: true
    })));
    assert!(app.headlines.rows[1].read);
    assert_eq!(app.unread[&FeedId(1)], 1);
}

#[test]
fn toggle_read_star_and_undo_several_levels() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 1, false)]);
    app.update(key('l'));
    let fx = app.update(key('r'));
    assert_eq!(
        fx,
        vec![Effect::Write(Change {
            ids: vec![ArticleId(10)],
            field: Field::Read,
            value: true
        })]
    );
    let fx = app.update(key('s'));
    assert_eq!(
        fx,
        vec![Effect::Write(Change {
            ids: vec![ArticleId(10)],
            field: Field::Starred,
            value: true
        })]
    );
    assert!(app.headlines.rows[0].read && app.headlines.rows[0].starred);
    let fx = app.update(key('u'));
    assert!(fx.contains(&Effect::Undo(Change {
        ids: vec![ArticleId(10)],
        field: Field::Starred,
        value: false
    })));
    let fx = app.update(key('u'));
    assert!(fx.contains(&Effect::Undo(Change {
        ids: vec![ArticleId(10)],
        field: Field::Read,
        value: false
    })));
    assert!(!app.headlines.rows[0].read && !app.headlines.rows[0].starred);
    assert!(app.update(key('u')).is_empty());
    assert_eq!(app.status.message.as_deref(), Some("nothing to undo"));
}

#[test]
fn mark_all_read_is_undoable() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 2, false)]);
    app.update(key('l'));
    let fx = app.update(key('A'));
    let Some(Effect::MarkAllRead(q)) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(q, &app.headlines.query);
    assert!(app.headlines.rows.iter().all(|r| r.read));
    app.update(Msg::Store(StoreReply::MarkedAll {
        ids: vec![ArticleId(10), ArticleId(11)],
    }));
    let fx = app.update(key('u'));
    let change = Change {
        ids: vec![ArticleId(10), ArticleId(11)],
        field: Field::Read,
        value: false,
    };
    assert!(fx.contains(&Effect::Undo(change.clone())));
    // Said only once the store has it.
    assert_ne!(app.status.message.as_deref(), Some("undone (2 articles)"));
    app.update(Msg::Store(StoreReply::Undone { change }));
    assert_eq!(app.status.message.as_deref(), Some("undone (2 articles)"));
}

fn counts(app: &App, epoch: u64, unread: u64) -> Msg {
    Msg::Store(StoreReply::Counts {
        epoch,
        unread: vec![(app.feeds[0].id, unread)],
        starred: 0,
        errors: vec![],
        titles: vec![],
        views: vec![],
    })
}

fn asked_epoch(fx: &[Effect]) -> Option<u64> {
    fx.iter().find_map(|e| match e {
        Effect::LoadCounts { epoch, .. } => Some(*epoch),
        _ => None,
    })
}

#[test]
fn counts_read_before_a_write_commits_never_overwrite_it() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 1, false)]);
    let id = app.feeds[0].id;
    let asked = app.writes.epoch;
    app.update(counts(&app, asked, 2));
    app.update(key('l'));
    let fx = app.update(key('r'));
    let Some(Effect::Write(change)) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(app.unread[&id], 1);
    // A count asked before the mark, read before its commit, arrives: it must not win.
    let fx = app.update(counts(&app, asked, 2));
    assert_eq!(app.unread[&id], 1, "a stale snapshot would show 2");
    assert!(fx.is_empty());
    // Once the write is in, the counts are asked for again and then applied.
    let fx = app.update(Msg::Store(StoreReply::Written { change }));
    let epoch = asked_epoch(&fx).expect("counts asked again");
    app.update(counts(&app, epoch, 1));
    assert_eq!(app.unread[&id], 1);
}

#[test]
fn mark_all_then_undo_ends_with_the_store_counts() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 1, false)]);
    let id = app.feeds[0].id;
    app.update(counts(&app, app.writes.epoch, 2));
    app.update(key('l'));
    app.update(key('A'));
    let fx = app.update(Msg::Store(StoreReply::MarkedAll {
        ids: vec![ArticleId(10), ArticleId(11)],
    }));
    let epoch = asked_epoch(&fx).expect("counts after mark all");
    app.update(counts(&app, epoch, 0));
    assert_eq!(app.unread[&id], 0);
    let fx = app.update(key('u'));
    let Some(Effect::Undo(change)) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    // The count read raced the undo: dropped, and asked again after the commit.
    app.update(counts(&app, epoch, 0));
    let fx = app.update(Msg::Store(StoreReply::Undone { change }));
    let epoch = asked_epoch(&fx).expect("counts after the undo");
    app.update(counts(&app, epoch, 2));
    assert_eq!(app.unread[&id], 2);
    assert_eq!(app.entries[0].unread, 2, "All unread shows the store's count");
}

#[test]
fn an_error_clears_at_the_next_key() {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.update(key('l'));
    app.update(Msg::Key(KeyChord::plain(Key::Enter)));
    app.update(key('7'));
    assert_eq!(app.status.error.as_deref(), Some("there is no link [7]"));
    app.update(key('R'));
    assert_eq!(app.status.error, None);
}

#[test]
fn next_unread_skips_read_and_crosses_feeds() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 1, true), row(12, 1, false)]);
    app.update(key('l'));
    app.update(key('n'));
    assert_eq!(app.headlines.selected, 2);
    // Nothing unread after it in this view: go to the next feed that has unread articles.
    select_feed(&mut app, 1);
    let fx = app.update(key('n'));
    assert_eq!(app.current_source(), Some(Source::Feed(FeedId(2))));
    let (generation, q) = window_effect(&fx).expect("loads next feed");
    assert_eq!(q.scope, Scope::Feeds(vec![FeedId(2)]));
    app.update(Msg::Store(StoreReply::Window {
        generation,
        offset: 0,
        rows: vec![row(20, 2, true), row(21, 2, false)],
        total: 2,
        kept_at: None,
    }));
    assert_eq!(app.headlines.selected, 1, "first unread of the new feed");
}

#[test]
fn d_marks_read_and_moves_on() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 1, false)]);
    app.update(key('l'));
    let fx = app.update(key('d'));
    assert!(fx.contains(&Effect::Write(Change {
        ids: vec![ArticleId(10)],
        field: Field::Read,
        value: true
    })));
    assert_eq!(app.headlines.selected, 1);
}

#[test]
fn unread_filter_and_search_change_the_query() {
    let mut app = app_with(vec![row(10, 1, false)]);
    select_feed(&mut app, 1);
    let fx = app.update(key('f'));
    assert!(window_effect(&fx).expect("reload").1.unread_only);
    app.update(key('/'));
    app.update(key('r'));
    let fx = app.update(key('u'));
    let (_, q) = window_effect(&fx).expect("refined as you type");
    assert_eq!(q.search.as_deref(), Some("ru"));
    assert_eq!(
        q.scope,
        Scope::All,
        "a search covers every article, not the selected feed"
    );
    assert!(!q.unread_only && !q.starred_only);
    app.update(special(Key::Enter));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.focus, Focus::Headlines);
    // Esc in the list clears the search.
    let fx = app.update(special(Key::Esc));
    let (_, q) = window_effect(&fx).expect("reload");
    assert_eq!(q.search, None);
    assert_ne!(q.scope, Scope::All, "back to the selected feed");
}

#[test]
fn stale_replies_are_ignored() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 1, false)]);
    let old = app.headlines.generation;
    app.update(key('j'));
    assert_ne!(
        app.headlines.generation, old,
        "moving in the feed list changes the view"
    );
    app.update(Msg::Store(StoreReply::Window {
        generation: old,
        offset: 0,
        rows: vec![row(99, 1, false)],
        total: 1,
        kept_at: None,
    }));
    assert!(app.headlines.rows.is_empty());
    // A body for an article that is no longer open is dropped.
    app.update(Msg::Store(StoreReply::Body {
        id: ArticleId(5),
        body: None,
    }));
    assert!(app.article.is_none());
    assert_eq!(app.status.error, None);
}

#[test]
fn failed_write_is_reverted_with_an_error() {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.update(key('l'));
    let fx = app.update(key('s'));
    let Some(Effect::Write(change)) = fx.first().cloned() else {
        panic!()
    };
    app.update(Msg::Store(StoreReply::WriteFailed {
        error: "disk full".into(),
        change,
    }));
    assert!(!app.headlines.rows[0].starred);
    assert!(app.status.error.as_deref().expect("error").contains("disk full"));
    assert!(app.undo.is_empty());
}

#[test]
fn new_articles_keep_the_selection_on_the_same_article() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 1, false), row(12, 1, false)]);
    app.update(key('l'));
    app.update(key('j'));
    let fx = app.update(Msg::Poll(PollEvent::FeedUpdated {
        feed_id: FeedId(1),
        new: 2,
        unread: 5,
    }));
    let Some(Effect::LoadWindow {
        generation, around, ..
    }) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(around, Around::Article(ArticleId(11), 0));
    let rows = vec![
        row(30, 1, false),
        row(31, 1, false),
        row(10, 1, false),
        row(11, 1, false),
        row(12, 1, false),
    ];
    app.update(Msg::Store(StoreReply::Window {
        generation,
        offset: 0,
        rows,
        total: 5,
        kept_at: Some(3),
    }));
    assert_eq!(app.headlines.selected_row().map(|r| r.id), Some(ArticleId(11)));
    assert_eq!(app.unread[&FeedId(1)], 5);
}

#[test]
fn failing_feed_is_marked_and_progress_shown() {
    let mut app = app_with(vec![]);
    app.update(Msg::Poll(PollEvent::Progress { done: 1, total: 3 }));
    assert_eq!(app.status.progress, Some((1, 3)));
    app.update(Msg::Poll(PollEvent::FeedFailed {
        feed_id: FeedId(2),
        error: "HTTP 500".into(),
    }));
    let e = app
        .entries
        .iter()
        .find(|e| e.source == Source::Feed(FeedId(2)))
        .expect("entry");
    assert_eq!(e.error.as_deref(), Some("HTTP 500"));
}

#[test]
fn article_pane_scrolls_and_opens_numbered_links() {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.update(key('l'));
    app.update(special(Key::Enter));
    let body = ArticleBody {
        summary: row(10, 1, true),
        feed_url: "https://example.org/feed".into(),
        feed_title: None,
        updated: None,
        summary_html: None,
        content_html: Some(format!(
            "{}<p><a href=\"https://x.example/\">x</a></p>",
            "<p>para</p>".repeat(60)
        )),
        full_html: None,
        enclosures: vec![],
        comments: None,
        rules: Vec::new(),
    };
    app.update(Msg::Store(StoreReply::Body {
        id: ArticleId(10),
        body: Some(Box::new(body)),
    }));
    assert!(app.article.as_ref().and_then(|a| a.rendered.as_ref()).is_some());
    app.update(key('j'));
    app.update(key(' '));
    assert!(app.article.as_ref().expect("open").scroll > 1);
    assert_eq!(
        app.update(key('1')),
        vec![Effect::OpenUrl {
            url: "https://x.example/".into(),
            browser: None
        }]
    );
    assert!(app.update(key('7')).is_empty());
    assert!(app.status.error.is_some());
    app.update(key('q'));
    assert_eq!(app.focus, Focus::Headlines);
    assert!(app.article.is_none());
    app.update(key('q'));
    assert_eq!(app.focus, Focus::Feeds);
    assert_eq!(app.update(key('q')), vec![Effect::Quit]);
    assert!(app.quit);
}

#[test]
fn help_overlay_opens_and_any_key_closes() {
    let mut app = app_with(vec![]);
    app.update(key('?'));
    assert_eq!(app.mode, Mode::Help);
    assert!(app.update(key('q')).is_empty(), "closing help does not quit");
    assert_eq!(app.mode, Mode::Normal);
}

/// Article 10 whose feed ships only a one-line summary.
fn teaser_body() -> ArticleBody {
    ArticleBody {
        summary: row(10, 1, true),
        feed_url: "https://example.org/feed".into(),
        feed_title: None,
        updated: None,
        summary_html: Some("<p>Just a teaser.</p>".into()),
        content_html: None,
        full_html: None,
        enclosures: vec![],
        comments: None,
        rules: Vec::new(),
    }
}

#[test]
fn teaser_fetches_full_text_and_f_toggles() {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.update(key('l'));
    app.update(special(Key::Enter));
    let body = teaser_body();
    let fx = app.update(Msg::Store(StoreReply::Body {
        id: ArticleId(10),
        body: Some(Box::new(body)),
    }));
    assert_eq!(
        fx,
        vec![Effect::FetchFullText {
            id: ArticleId(10),
            link: "https://example.org/10".into()
        }]
    );
    let text = |app: &App| -> String {
        app.article
            .as_ref()
            .and_then(|a| a.rendered.as_ref())
            .map(|r| r.plain_lines().collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    };
    assert!(text(&app).contains("fetching the full article"));
    // A stale reply for another article is ignored.
    app.update(Msg::Store(StoreReply::FullText {
        id: ArticleId(99),
        result: Ok("<p>wrong</p>".into()),
    }));
    assert!(!text(&app).contains("wrong"));
    app.update(Msg::Store(StoreReply::FullText {
        id: ArticleId(10),
        result: Ok("<p>The whole story.</p>".into()),
    }));
    assert!(text(&app).contains("The whole story."));
    app.update(key('F'));
    assert!(text(&app).contains("Just a teaser.") && !text(&app).contains("The whole story."));
    assert!(app.update(key('F')).is_empty(), "cached: no second fetch");
    assert!(text(&app).contains("The whole story."));
}

#[test]
fn full_text_failure_shows_a_note_and_the_summary() {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.update(key('l'));
    app.update(special(Key::Enter));
    let body = teaser_body();
    app.update(Msg::Store(StoreReply::Body {
        id: ArticleId(10),
        body: Some(Box::new(body)),
    }));
    app.update(Msg::Store(StoreReply::FullText {
        id: ArticleId(10),
        result: Err("HTTP 404".into()),
    }));
    let r = app
        .article
        .as_ref()
        .and_then(|a| a.rendered.as_ref())
        .expect("rendered");
    let text: Vec<String> = r.plain_lines().collect();
    assert!(
        text.iter().any(|l| l.contains("full text unavailable: HTTP 404")),
        "{text:?}"
    );
    assert!(text.iter().any(|l| l.contains("Just a teaser.")));
}

#[test]
fn health_view_applies_a_redirect_and_closes() {
    let mut app = app_with(vec![]);
    let fx = app.update(key('H'));
    assert_eq!(fx, vec![Effect::LoadHealth]);
    let feed = |id: i64, redirect: Option<&str>| crate::model::FeedState {
        id: FeedId(id),
        url: format!("https://old.example/{id}"),
        redirect_url: redirect.map(str::to_string),
        ..Default::default()
    };
    app.update(Msg::Store(StoreReply::Health(
        vec![feed(1, None), feed(2, Some("https://new.example/2"))],
        vec![],
    )));
    assert!(app.update(key('p')).is_empty());
    assert!(app.status.error.is_some(), "no redirect on the first feed");
    app.update(key('j'));
    assert_eq!(app.mode, Mode::Health { selected: 1 });
    assert_eq!(
        app.update(key('p')),
        vec![Effect::ApplyRedirect {
            from: "https://old.example/2".into(),
            to: "https://new.example/2".into()
        }]
    );
    app.update(key('q'));
    assert_eq!(app.mode, Mode::Normal);
    assert!(!app.quit, "q closes the view, it does not quit");
}

#[test]
fn add_feed_prompt_sends_the_url() {
    let mut app = app_with(vec![]);
    app.update(key('a'));
    for c in "https://x.example".chars() {
        app.update(key(c));
    }
    app.update(special(Key::Backspace));
    let fx = app.update(special(Key::Enter));
    assert_eq!(fx, vec![Effect::AddFeed("https://x.exampl".into())]);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn config_reload_replaces_feeds_and_rejection_keeps_them() {
    let mut app = app_with(vec![]);
    app.update(Msg::ConfigRejected(
        "config.toml:3:1: 'feed.ur': unknown key".into(),
    ));
    assert!(
        app.status
            .error
            .as_deref()
            .expect("error")
            .contains("old one kept")
    );
    assert_eq!(app.feeds.len(), 2);
    let mut feeds = feeds();
    feeds.push(FeedInfo {
        id: FeedId(3),
        name: "Gamma".into(),
        tags: vec![],
        named: true,
        full_text: false,
        account: None,
    });
    let fx = app.update(Msg::ConfigReloaded {
        feeds,
        keymap: Keymap::default(),
        settings: settings(),
    });
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadCounts { .. })));
    assert!(app.entries.iter().any(|e| e.label == "Gamma"));
    assert_eq!(app.status.error, None);
}

#[test]
fn changes_from_another_process_reload_counts_and_the_view_keeping_selection() {
    let mut app = app_with(vec![row(10, 1, false), row(11, 1, false)]);
    app.update(key('l'));
    app.update(key('j'));
    let fx = app.update(Msg::StoreChanged);
    assert!(matches!(fx[0], Effect::LoadCounts { .. }));
    let Some(Effect::LoadWindow { around, .. }) = fx.get(1) else {
        panic!("{fx:?}")
    };
    assert_eq!(*around, Around::Article(ArticleId(11), 0));
}

#[test]
fn n_in_the_article_pane_opens_the_next_unread_of_the_next_feed() {
    let mut app = app_with(vec![row(10, 1, false)]);
    select_feed(&mut app, 1);
    let generation = app.headlines.generation;
    app.update(Msg::Store(StoreReply::Window {
        generation,
        offset: 0,
        rows: vec![row(10, 1, false)],
        total: 1,
        kept_at: None,
    }));
    app.update(key('l'));
    app.update(special(Key::Enter));
    assert_eq!(app.focus, Focus::Article);
    let fx = app.update(key('n'));
    let (generation, q) = window_effect(&fx).expect("next feed's window");
    assert_eq!(q.scope, Scope::Feeds(vec![FeedId(2)]));
    let fx = app.update(Msg::Store(StoreReply::Window {
        generation,
        offset: 0,
        rows: vec![row(20, 2, true), row(21, 2, false)],
        total: 2,
        kept_at: None,
    }));
    assert!(fx.contains(&Effect::LoadBody(ArticleId(21))), "{fx:?}");
    assert_eq!(app.focus, Focus::Article);
    assert_eq!(app.article.as_ref().map(|a| a.id), Some(ArticleId(21)));
}

#[test]
fn the_feed_list_follows_the_chosen_order() {
    let labels = |order| {
        let mut s = settings();
        s.feed_order = order;
        let (mut app, _) = App::new(feeds(), Keymap::default(), s, (100, 30));
        app.update(Msg::Store(StoreReply::Counts {
            epoch: app.writes.epoch,
            unread: vec![(FeedId(1), 1), (FeedId(2), 5)],
            starred: 0,
            errors: vec![],
            titles: vec![],
            views: vec![],
        }));
        app.entries.iter().map(|e| e.label.clone()).collect::<Vec<_>>()
    };
    use crate::config::FeedOrder;
    // By tag: each tag heads the feeds filed under it.
    assert_eq!(labels(FeedOrder::Tag)[2..], ["#x", "Alpha", "#y", "Beta"]);
    assert_eq!(labels(FeedOrder::Unread)[2..], ["#x", "#y", "Beta", "Alpha"]);
    assert_eq!(labels(FeedOrder::Config)[2..], ["#x", "#y", "Alpha", "Beta"]);
}

fn synced(account: &str, feeds: Vec<FeedInfo>, new: u64) -> Msg {
    Msg::Sync(crate::sync::worker::SyncEvent::Synced {
        account: account.into(),
        report: crate::sync::SyncReport {
            new,
            feeds: feeds.len(),
            ..Default::default()
        },
        feeds,
    })
}

fn remote(id: i64, name: &str, folder: &str) -> FeedInfo {
    FeedInfo {
        id: FeedId(id),
        name: name.into(),
        tags: vec![folder.into()],
        named: true,
        full_text: false,
        account: Some("fr".into()),
    }
}

#[test]
fn an_accounts_feeds_join_the_list_and_follow_the_server() {
    let mut app = app_with(vec![row(1, 1, false)]);
    let fx = app.update(synced(
        "fr",
        vec![remote(10, "Remote one", "Tech"), remote(11, "Remote two", "Tech")],
        3,
    ));
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadCounts { .. })));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadWindow { .. })),
        "new items: the view reloads"
    );
    let labels: Vec<&str> = app.entries.iter().map(|e| e.label.as_str()).collect();
    assert!(
        labels.contains(&"Alpha") && labels.contains(&"Remote one") && labels.contains(&"#Tech"),
        "{labels:?}"
    );
    assert_eq!(app.status.message.as_deref(), Some("synced fr: 3 new, 0 changed"));
    // Unsubscribed on the server: gone from the list; the config's feeds stay.
    app.update(synced("fr", vec![remote(10, "Remote one", "Tech")], 0));
    let labels: Vec<&str> = app.entries.iter().map(|e| e.label.as_str()).collect();
    assert!(
        !labels.contains(&"Remote two") && labels.contains(&"Beta"),
        "{labels:?}"
    );
    // A config reload keeps them too (its feed list carries them).
    assert_eq!(app.feeds.iter().filter(|f| f.account.is_some()).count(), 1);
}

#[test]
fn a_failing_server_is_said_and_cleared_by_the_next_sync() {
    let mut app = app_with(vec![row(1, 1, false)]);
    app.update(Msg::Sync(crate::sync::worker::SyncEvent::Failed {
        account: "fr".into(),
        error: "HTTP 503 from subscription/list".into(),
    }));
    assert_eq!(
        app.status.error.as_deref(),
        Some("sync fr: HTTP 503 from subscription/list (marks are kept until it is back)")
    );
    assert_eq!(
        app.accounts[0].error.as_deref(),
        Some("HTTP 503 from subscription/list")
    );
    assert!(
        app.accounts[0]
            .line(chrono::Utc::now())
            .starts_with("sync failing: HTTP 503")
    );
    app.update(synced("fr", vec![remote(10, "Remote one", "Tech")], 0));
    assert_eq!(app.status.error, None);
    assert_eq!(app.accounts[0].error, None);
    assert!(
        app.accounts[0]
            .line(chrono::Utc::now())
            .starts_with("synced 0m ago · 1 feeds")
    );
}

fn preview_asked(fx: &[Effect]) -> Option<(u64, String)> {
    fx.iter().find_map(|e| match e {
        Effect::PreviewRule { generation, query } => Some((*generation, query.clone())),
        _ => None,
    })
}

#[test]
fn the_rule_preview_asks_per_keystroke_keeps_only_the_newest_answer_and_enter_searches() {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.update(key('M'));
    assert!(matches!(app.mode, Mode::RulePreview(_)));
    let (first, q) = preview_asked(&app.update(key('r'))).expect("asks at the first key");
    assert_eq!(q, "r");
    let (second, q) = preview_asked(&app.update(key('s'))).expect("asks again");
    assert_eq!(q, "rs");
    assert!(second > first);
    // The answer to the older query arrives late: it is dropped.
    app.update(Msg::Store(StoreReply::Preview {
        generation: first,
        result: Ok((99, vec![(FeedId(1), "stale".into())])),
    }));
    let Mode::RulePreview(p) = &app.mode else {
        panic!("still previewing")
    };
    assert_eq!(p.result, None);
    app.update(Msg::Store(StoreReply::Preview {
        generation: second,
        result: Err("unknown field 'x'".into()),
    }));
    let Mode::RulePreview(p) = &app.mode else {
        panic!("still previewing")
    };
    assert_eq!(p.result, Some(Err("unknown field 'x'".into())));
    // Backspace to nothing asks nothing and clears the answer.
    app.update(special(Key::Backspace));
    assert_eq!(preview_asked(&app.update(special(Key::Backspace))), None);
    let Mode::RulePreview(p) = &app.mode else {
        panic!("still previewing")
    };
    assert_eq!(p.result, None);
    for c in "rust".chars() {
        app.update(key(c));
    }
    let fx = app.update(special(Key::Enter));
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(app.focus, Focus::Headlines);
    let (_, q) = window_effect(&fx).expect("Enter searches for the rule's query");
    assert_eq!(q.search.as_deref(), Some("rust"));
}

#[test]
fn esc_leaves_the_rule_preview_without_searching() {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.update(key('M'));
    app.update(key('x'));
    let fx = app.update(special(Key::Esc));
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(window_effect(&fx), None);
}

#[test]
fn the_hidden_toggle_asks_for_hidden_articles_and_back() {
    let mut app = app_with(vec![row(10, 1, false)]);
    let fx = app.update(key('.'));
    let (_, q) = window_effect(&fx).expect("reloads the view");
    assert!(q.show_hidden);
    assert!(
        app.status
            .message
            .as_deref()
            .expect("a message")
            .contains("hidden")
    );
    let fx = app.update(key('.'));
    let (_, q) = window_effect(&fx).expect("reloads the view");
    assert!(!q.show_hidden);
}

/// An app with article 10 open, carrying these enclosures and a comments page.
fn with_enclosures(enclosures: Vec<crate::model::Enclosure>) -> App {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.settings.players = vec![crate::config::players::Player {
        pattern: "audio/*".into(),
        argv: vec!["mpv".into(), "--no-video".into()],
    }];
    app.update(key('l'));
    app.update(special(Key::Enter));
    let body = ArticleBody {
        summary_html: None,
        content_html: Some("<p>Show notes, see <a href=\"https://x.example/\">x</a>.</p>".into()),
        enclosures,
        comments: Some("https://news.example/item?id=1".into()),
        ..teaser_body()
    };
    app.update(Msg::Store(StoreReply::Body {
        id: ArticleId(10),
        body: Some(Box::new(body)),
    }));
    app
}

fn enclosure(url: &str, mime: &str) -> crate::model::Enclosure {
    crate::model::Enclosure {
        url: url.into(),
        mime: Some(mime.into()),
        ..Default::default()
    }
}

#[test]
fn e_plays_the_one_enclosure_with_its_player_and_the_comments_link_is_numbered() {
    let mut app = with_enclosures(vec![enclosure("https://cdn.example/ep.mp3", "audio/mpeg")]);
    assert_eq!(
        app.update(key('e')),
        vec![Effect::Spawn(vec![
            "mpv".into(),
            "--no-video".into(),
            "https://cdn.example/ep.mp3".into()
        ])]
    );
    assert!(app.status.message.as_deref().expect("said").contains("ep.mp3"));
    // The comments page is link [2], after the body's own link, and opens like any link.
    assert_eq!(
        app.update(key('2')),
        vec![Effect::OpenUrl {
            url: "https://news.example/item?id=1".into(),
            browser: None
        }]
    );
}

#[test]
fn several_enclosures_open_a_chooser_and_a_hostile_one_is_refused_with_a_reason() {
    let mut app = with_enclosures(vec![
        enclosure("https://cdn.example/a.mp3", "audio/mpeg"),
        enclosure("file:///etc/passwd", "audio/mpeg"),
        enclosure("https://cdn.example/b.mp3", "audio/mpeg"),
    ]);
    assert!(app.update(key('e')).is_empty());
    assert_eq!(app.mode, Mode::Enclosures { selected: 0 });
    app.update(key('j'));
    assert_eq!(app.mode, Mode::Enclosures { selected: 1 });
    assert!(
        app.update(special(Key::Enter)).is_empty(),
        "file: is never handed over"
    );
    assert!(app.status.error.as_deref().expect("why").contains("refusing"));
    assert_eq!(app.mode, Mode::Normal);
    app.update(key('e'));
    let fx = app.update(key('3'));
    assert_eq!(
        fx,
        vec![Effect::Spawn(vec![
            "mpv".into(),
            "--no-video".into(),
            "https://cdn.example/b.mp3".into()
        ])]
    );
    app.update(key('e'));
    assert!(app.update(special(Key::Esc)).is_empty());
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn e_without_an_enclosure_says_so() {
    let mut app = with_enclosures(vec![]);
    assert!(app.update(key('e')).is_empty());
    assert_eq!(app.status.error.as_deref(), Some("this article has no enclosure"));
}

#[test]
fn d_queues_the_articles_enclosures_and_the_status_line_follows_the_download() {
    let mut app = with_enclosures(vec![enclosure("https://cdn.example/ep.mp3", "audio/mpeg")]);
    assert_eq!(app.update(key('D')), vec![Effect::QueueDownload(ArticleId(10))]);
    app.update(Msg::Store(StoreReply::Downloads {
        jobs: vec![],
        queued: Some(1),
    }));
    assert!(app.status.message.as_deref().expect("said").contains("1 queued"));
    app.update(Msg::Download(crate::download::DownloadEvent::Progress {
        name: "10-ep.mp3".into(),
        written: 250,
        total: Some(1000),
    }));
    assert_eq!(app.status.download, Some(("10-ep.mp3".into(), Some(25))));
    app.update(Msg::Download(crate::download::DownloadEvent::Done {
        name: "10-ep.mp3".into(),
        file: "/tmp/x/10-ep.mp3".into(),
    }));
    assert_eq!(app.status.download, None);
    assert_eq!(app.status.message.as_deref(), Some("downloaded 10-ep.mp3"));
    // Nothing to queue is said, not silent; the queue view reloads as downloads end.
    app.update(Msg::Store(StoreReply::Downloads {
        jobs: vec![],
        queued: Some(0),
    }));
    assert!(app.status.error.is_some());
    assert_eq!(app.update(key('w')), vec![Effect::LoadDownloads]);
    assert_eq!(app.mode, Mode::Downloads);
    let fx = app.update(Msg::Download(crate::download::DownloadEvent::Failed {
        name: "10-ep.mp3".into(),
        url: "https://cdn.example/ep.mp3".into(),
        error: "HTTP 404".into(),
    }));
    assert_eq!(fx, vec![Effect::LoadDownloads]);
    assert!(app.status.error.as_deref().expect("why").contains("HTTP 404"));
    app.update(key('x'));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn a_refresh_pass_with_new_articles_wakes_the_downloader_and_one_without_does_not() {
    let mut app = app_with(vec![row(10, 1, false)]);
    let pass = |new_articles| {
        Msg::Poll(crate::poller::PollEvent::PassFinished(
            crate::poller::PassSummary {
                feeds: 1,
                updated: 1,
                new_articles,
                ..Default::default()
            },
        ))
    };
    assert!(app.update(pass(3)).contains(&Effect::NudgeDownloads));
    assert!(!app.update(pass(0)).contains(&Effect::NudgeDownloads));
}

/// Article 10 with a picture near the top and a long text under it.
fn picture_body() -> ArticleBody {
    ArticleBody {
        content_html: Some(format!(
            "<p>intro</p><img src=\"/a.png\" alt=\"A weir\">{}",
            "<p>para</p>".repeat(60)
        )),
        summary_html: None,
        ..teaser_body()
    }
}

fn picture(cols: u16, max_rows: u16) -> crate::images::Picture {
    let img =
        image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(200, 100, image::Rgb([200, 40, 40])));
    crate::images::encode(&ratatui_image::picker::Picker::halfblocks(), img, cols, max_rows).expect("encode")
}

#[test]
fn pictures_are_fetched_once_and_the_text_makes_room_without_moving() {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.graphics = Some((10, 20));
    app.update(key('l'));
    app.update(special(Key::Enter));
    let fx = app.update(Msg::Store(StoreReply::Body {
        id: ArticleId(10),
        body: Some(Box::new(picture_body())),
    }));
    let fetch = fx
        .iter()
        .find(|e| matches!(e, Effect::FetchImages { .. }))
        .cloned()
        .expect("the picture is fetched");
    let Effect::FetchImages {
        id,
        urls,
        cols,
        max_rows,
    } = fetch
    else {
        unreachable!()
    };
    assert_eq!(
        (id, urls.as_slice()),
        (
            ArticleId(10),
            ["https://example.org/a.png".to_string()].as_slice()
        )
    );
    assert_eq!((cols, max_rows), (80, article_height(30) as u16 - 1));
    let view = app.article.as_ref().expect("open");
    let slot = view.rendered.as_ref().expect("laid out").images[0].clone();
    assert_eq!(
        slot.rows, 1,
        "no declared size: one row, its caption, until it arrives"
    );
    // Read on past the picture, then it arrives.
    app.update(key(' '));
    let view = app.article.as_ref().expect("open");
    let (scroll, reading) = (
        view.scroll,
        view.rendered.as_ref().expect("laid out").lines[view.scroll].text(),
    );
    assert!(scroll > slot.line);
    let p = picture(cols, max_rows);
    assert!(p.rows > 1, "{p:?}");
    let fx = app.update(Msg::Image {
        id,
        url: urls[0].clone(),
        cols,
        result: Ok(p.clone()),
    });
    assert!(fx.is_empty(), "nothing is fetched twice: {fx:?}");
    let view = app.article.as_ref().expect("open");
    let rendered = view.rendered.as_ref().expect("laid out");
    assert_eq!(rendered.images[0].rows, usize::from(p.rows));
    assert_eq!(
        view.scroll,
        scroll + usize::from(p.rows) - 1,
        "the text under the eye stays put"
    );
    assert_eq!(rendered.lines[view.scroll].text(), reading);
    // A picture encoded for another width is dropped, not drawn at the wrong size.
    let before = app.article.clone();
    app.update(Msg::Image {
        id,
        url: urls[0].clone(),
        cols: 40,
        result: Err("late".into()),
    });
    assert_eq!(app.article, before);
    // A shorter terminal than the picture asks for it again, to fit.
    let fx = app.update(Msg::Resize {
        width: 100,
        height: 8,
    });
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchImages { max_rows: 4, .. })),
        "{fx:?}"
    );
    app.update(Msg::Resize {
        width: 100,
        height: 30,
    });
    // A narrower terminal lays out again and asks for the picture at the new width.
    let fx = app.update(Msg::Resize {
        width: 60,
        height: 30,
    });
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchImages { cols: 56, .. })),
        "{fx:?}"
    );
}

#[test]
fn an_image_that_fails_leaves_its_caption_and_without_graphics_nothing_is_fetched() {
    let mut app = app_with(vec![row(10, 1, false)]);
    app.update(key('l'));
    app.update(special(Key::Enter));
    let fx = app.update(Msg::Store(StoreReply::Body {
        id: ArticleId(10),
        body: Some(Box::new(picture_body())),
    }));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::FetchImages { .. })),
        "{fx:?}"
    );
    let text: Vec<String> = app
        .article
        .as_ref()
        .and_then(|v| v.rendered.as_ref())
        .expect("laid out")
        .plain_lines()
        .collect();
    assert!(text.iter().any(|l| l == "[image: A weir]"), "{text:#?}");

    app.graphics = Some((10, 20));
    app.update(key('q'));
    app.update(special(Key::Enter));
    app.update(Msg::Store(StoreReply::Body {
        id: ArticleId(10),
        body: Some(Box::new(picture_body())),
    }));
    let fx = app.update(Msg::Image {
        id: ArticleId(10),
        url: "https://example.org/a.png".into(),
        cols: 80,
        result: Err("HTTP 404".into()),
    });
    assert!(fx.is_empty(), "a failed picture is not asked for again: {fx:?}");
    let rendered = app
        .article
        .as_ref()
        .and_then(|v| v.rendered.as_ref())
        .expect("laid out");
    assert_eq!(rendered.images[0].rows, 0);
    assert_eq!(rendered.lines[rendered.images[0].line].text(), "[image: A weir]");
}
