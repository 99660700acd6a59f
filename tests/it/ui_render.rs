//! Rendering with ratatui's TestBackend: snapshots of each screen at several sizes, and cell
//! styles where they carry meaning (unread bold, read dimmed, selection).

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use tidings::app::keymap::{Key, KeyChord, Keymap};
use tidings::app::{App, AppSettings, FeedInfo, Msg, StoreReply};
use tidings::config::Theme;
use tidings::model::{ArticleBody, ArticleId, ArticleSummary, Enclosure, FeedId};

fn feeds() -> Vec<FeedInfo> {
    vec![
        FeedInfo {
            id: FeedId(1),
            name: "Rust Blog".into(),
            tags: vec!["rust".into()],
            named: true,
            full_text: false,
            account: None,
        },
        FeedInfo {
            id: FeedId(2),
            name: "LWN.net".into(),
            tags: vec!["linux".into()],
            named: true,
            full_text: false,
            account: None,
        },
        FeedInfo {
            id: FeedId(3),
            name: "日本語のフィード".into(),
            tags: vec!["linux".into()],
            named: true,
            full_text: false,
            account: None,
        },
    ]
}

fn row(id: i64, feed: i64, title: &str, read: bool, starred: bool) -> ArticleSummary {
    ArticleSummary {
        id: ArticleId(id),
        feed_id: FeedId(feed),
        title: title.into(),
        link: Some(format!("https://example.org/{id}")),
        author: None,
        published: Utc
            .with_ymd_and_hms(2026, 3, (id % 28 + 1) as u32, 9, 30, 0)
            .single(),
        read,
        starred,
        hidden_by: None,
    }
}

fn rows() -> Vec<ArticleSummary> {
    vec![
        row(9, 1, "Announcing Rust 1.95.0", false, true),
        row(
            8,
            2,
            "A very long headline that goes on and on about kernel scheduling latency and keeps going far past any column",
            false,
            false,
        ),
        row(
            7,
            3,
            "日本語のタイトルが長い場合でも列が崩れないこと",
            false,
            false,
        ),
        row(
            6,
            2,
            "Emoji 🎉🎉 and combining e\u{301}e\u{301} marks",
            true,
            false,
        ),
        row(5, 1, "Inside Rust: the compiler team", true, false),
    ]
}

fn app(size: (u16, u16)) -> App {
    let settings = AppSettings {
        mark_read_on_open: true,
        article_width: 72,
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
    let (mut app, _) = App::new(feeds(), Keymap::default(), settings, size);
    let generation = app.headlines.generation;
    app.update(Msg::Store(StoreReply::Counts {
        epoch: app.writes.epoch,
        unread: vec![(FeedId(1), 1), (FeedId(2), 1), (FeedId(3), 1)],
        starred: 1,
        errors: vec![(FeedId(2), "HTTP 500".into())],
        titles: vec![],
        views: vec![],
    }));
    app.update(Msg::Store(StoreReply::Window {
        generation,
        offset: 0,
        rows: rows(),
        total: 5,
        kept_at: None,
    }));
    app
}

fn render(app: &App, size: (u16, u16)) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    t.draw(|f| tidings::ui::draw(f, app, &Theme::default()))
        .expect("draw");
    t
}

fn key(app: &mut App, c: char) {
    app.update(Msg::Key(KeyChord::ch(c)));
}

fn open_article(app: &mut App) {
    key(app, 'l');
    app.update(Msg::Key(KeyChord::plain(Key::Enter)));
    let body = ArticleBody {
        summary: row(9, 1, "Announcing Rust 1.95.0", true, true),
        feed_url: "https://blog.rust-lang.org/feed.xml".into(),
        feed_title: Some("Rust Blog".into()),
        updated: None,
        summary_html: None,
        content_html: Some(
            "<p>The Rust team is happy to announce a new version of Rust, 1.95.0. Rust is a programming language empowering everyone to build reliable and efficient software.</p><p>This release brings improvements across the language, the compiler and the standard library, and it stabilises several long-awaited APIs that make everyday code shorter and clearer.</p>\
             <h2>What's in 1.95.0 stable</h2><ul><li>Faster builds</li><li>Better <code>async</code> closures</li></ul>\
             <blockquote>Quoted wisdom.</blockquote><pre>cargo update\nrustup update stable</pre>\
             <p>See the <a href=\"/releases/1.95.0\">detailed release notes</a> and <a href=\"https://github.com/rust-lang/rust\">the repository</a>.</p>"
                .into(),
        ),
        full_html: None,
        enclosures: vec![Enclosure { url: "https://example.org/ep.mp3".into(), mime: Some("audio/mpeg".into()), length: Some(12_345_678), duration: Some(3725), title: None }],
        comments: Some("https://news.example/item?id=9".into()),
        rules: Vec::new(),
    };
    app.update(Msg::Store(StoreReply::Body {
        id: ArticleId(9),
        body: Some(Box::new(body)),
    }));
}

#[test]
fn lists_80x24() {
    let a = app((80, 24));
    insta::assert_snapshot!(render(&a, (80, 24)).backend());
}

#[test]
fn lists_120x40_with_headlines_focused() {
    let mut a = app((120, 40));
    key(&mut a, 'l');
    key(&mut a, 'j');
    insta::assert_snapshot!(render(&a, (120, 40)).backend());
}

#[test]
fn article_80x24() {
    let mut a = app((80, 24));
    open_article(&mut a);
    insta::assert_snapshot!(render(&a, (80, 24)).backend());
}

#[test]
fn article_120x40() {
    let mut a = app((120, 40));
    open_article(&mut a);
    insta::assert_snapshot!(render(&a, (120, 40)).backend());
}

#[test]
fn help_80x24_and_120x40() {
    for size in [(80, 24), (120, 40)] {
        let mut a = app(size);
        key(&mut a, '?');
        insta::assert_snapshot!(format!("help_{}x{}", size.0, size.1), render(&a, size).backend());
    }
}

#[test]
fn tiny_terminal_does_not_panic() {
    for size in [(40, 12), (20, 5), (1, 1)] {
        let mut a = app(size);
        render(&a, size);
        key(&mut a, '?');
        render(&a, size);
        key(&mut a, 'x');
        open_article(&mut a);
        render(&a, size);
    }
    let a = app((40, 12));
    insta::assert_snapshot!(render(&a, (40, 12)).backend());
}

#[test]
fn styles_carry_meaning() {
    let mut a = app((80, 24));
    key(&mut a, 'l');
    let t = render(&a, (80, 24));
    let buf = t.backend().buffer();
    // Headline rows start at y=1 inside the right pane; x=40 is inside the title column.
    let unread_cell = &buf[(45, 2)];
    assert!(
        unread_cell.modifier.contains(Modifier::BOLD),
        "unread rows are bold"
    );
    let read_cell = &buf[(45, 4)];
    assert_eq!(read_cell.fg, Theme::default().read, "read rows are dimmed");
    assert!(!read_cell.modifier.contains(Modifier::BOLD));
    let selected = &buf[(45, 1)];
    assert!(
        selected.modifier.contains(Modifier::REVERSED),
        "the focused selection is reversed"
    );
    // Wide characters never push the right border out of place.
    for y in 1..6 {
        assert_eq!(buf[(79, y)].symbol(), "│", "row {y}");
    }
}

#[test]
fn the_download_queue_shows_each_job_and_how_far_the_running_one_is() {
    use tidings::download::DownloadEvent;
    use tidings::store::DownloadJob;
    let mut a = app((100, 20));
    key(&mut a, 'w');
    let job = |id: i64, state: &str, file: Option<&str>, error: Option<&str>| DownloadJob {
        article: ArticleId(id),
        url: format!("https://cdn.example/ep{id}.mp3"),
        state: state.into(),
        file: file.map(str::to_string),
        error: error.map(str::to_string),
        title: format!("Episode {id}"),
    };
    a.update(Msg::Store(StoreReply::Downloads {
        jobs: vec![
            job(3, "queued", None, None),
            job(2, "done", Some("/dl/2-ep2.mp3"), None),
            job(1, "failed", None, Some("HTTP 404")),
        ],
        queued: None,
    }));
    a.update(Msg::Download(DownloadEvent::Progress {
        name: "3-ep3.mp3".into(),
        written: 40,
        total: Some(100),
    }));
    let t = render(&a, (100, 20));
    let screen: String = t
        .backend()
        .buffer()
        .content()
        .chunks(100)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect();
    assert!(screen.contains("↓ 40%  Episode 3"), "{screen}");
    assert!(screen.contains("done   Episode 2  /dl/2-ep2.mp3"), "{screen}");
    assert!(screen.contains("failed Episode 1  HTTP 404"), "{screen}");
    assert!(
        screen.contains("↓ 3-ep3.mp3 40%"),
        "the status line too: {screen}"
    );
}
