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
fn a_failing_feed_without_articles_shows_its_whole_error_beside_it() {
    let mut a = app((80, 24));
    let long = "parse error: the response is an HTML page, not a feed; the page announces the feed https://daringfireball.net/feeds/main";
    a.update(Msg::Store(StoreReply::Counts {
        epoch: a.writes.epoch,
        unread: vec![(FeedId(1), 1), (FeedId(2), 0), (FeedId(3), 1)],
        starred: 1,
        errors: vec![(FeedId(2), long.into())],
        titles: vec![],
        views: vec![],
    }));
    for _ in 0..a.entries.len() {
        if a.entries[a.feed_selected].error.is_some() {
            break;
        }
        key(&mut a, 'j');
    }
    assert!(
        a.entries[a.feed_selected].error.is_some(),
        "the failing feed is selected"
    );
    a.update(Msg::Store(StoreReply::Window {
        generation: a.headlines.generation,
        offset: 0,
        rows: vec![],
        total: 0,
        kept_at: None,
    }));
    let t = render(&a, (80, 24));
    let buf = t.backend().buffer();
    // The headline pane: inside the second box on the top row.
    let left = (1..80)
        .find(|&x| buf[(x, 0)].symbol() == "┌")
        .expect("the headline pane")
        + 1;
    let pane: String = (1..23)
        .map(|y| (left..79).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words(&pane).contains(&format!("This feed fails: {long}")),
        "{pane}"
    );
    assert_eq!(buf[(left, 1)].fg, Theme::default().error);
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

/// An article whose picture (red above, blue below) has arrived, drawn with halfblocks.
fn article_with_picture(size: (u16, u16)) -> (App, usize, u16) {
    let mut a = app(size);
    a.graphics = Some((10, 20));
    key(&mut a, 'l');
    a.update(Msg::Key(KeyChord::plain(Key::Enter)));
    let body = ArticleBody {
        summary: row(9, 1, "A heron on the weir", true, false),
        feed_url: "https://birds.example/feed.xml".into(),
        feed_title: None,
        updated: None,
        summary_html: None,
        content_html: Some(format!(
            "<p>It stood there all morning.</p><img src=\"/heron.png\" alt=\"A heron\"><p>Then it flew.</p>{}",
            "<p>More.</p>".repeat(20)
        )),
        full_html: None,
        enclosures: vec![],
        comments: None,
        rules: Vec::new(),
    };
    let fx = a.update(Msg::Store(StoreReply::Body {
        id: ArticleId(9),
        body: Some(Box::new(body)),
    }));
    let Some(tidings::app::Effect::FetchImages {
        urls, cols, max_rows, ..
    }) = fx
        .into_iter()
        .find(|e| matches!(e, tidings::app::Effect::FetchImages { .. }))
    else {
        panic!("the picture is asked for");
    };
    let img = image::RgbImage::from_fn(200, 80, |_, y| {
        if y < 40 {
            image::Rgb([220, 0, 0])
        } else {
            image::Rgb([0, 0, 220])
        }
    });
    let picker = ratatui_image::picker::Picker::halfblocks();
    let picture = tidings::images::encode(&picker, image::DynamicImage::ImageRgb8(img), cols, max_rows)
        .expect("encode");
    let rows = picture.rows;
    a.update(Msg::Image {
        id: ArticleId(9),
        url: urls[0].clone(),
        cols,
        result: Ok(picture),
    });
    let slot = a
        .article
        .as_ref()
        .and_then(|v| v.rendered.as_ref())
        .expect("laid out")
        .images[0]
        .clone();
    assert_eq!(slot.rows, usize::from(rows));
    (a, slot.line, rows)
}

/// The colour a halfblock cell shows in its upper and lower half.
fn halves(c: &ratatui::buffer::Cell) -> (ratatui::style::Color, ratatui::style::Color) {
    match c.symbol() {
        "▀" => (c.fg, c.bg),
        "▄" => (c.bg, c.fg),
        "█" => (c.fg, c.fg),
        _ => (c.bg, c.bg),
    }
}

fn is_red(c: ratatui::style::Color) -> bool {
    matches!(c, ratatui::style::Color::Rgb(r, g, b) if r > 150 && g < 60 && b < 60)
}

fn is_blue(c: ratatui::style::Color) -> bool {
    matches!(c, ratatui::style::Color::Rgb(r, g, b) if b > 150 && r < 60 && g < 60)
}

#[test]
fn a_picture_is_drawn_in_the_text_column_and_scrolls_with_the_text() {
    let (mut a, line, rows) = article_with_picture((80, 40));
    let t = render(&a, (80, 40));
    let buf = t.backend().buffer();
    // The text column is 72 wide, centred in 80: x 4..76; text starts on row 1.
    let (x0, y0) = (4u16, 1 + line as u16);
    assert!(is_red(halves(&buf[(x0 + 10, y0)]).0), "{:?}", buf[(x0 + 10, y0)]);
    assert!(
        is_blue(halves(&buf[(x0 + 10, y0 + rows - 1)]).0),
        "{:?}",
        buf[(x0 + 10, y0 + rows - 1)]
    );
    assert!(
        is_red(halves(&buf[(x0 + 71, y0)]).0),
        "the picture fills the column"
    );
    assert!(!is_red(halves(&buf[(x0 + 72, y0)]).0), "and stays inside it");
    let text_below: String = (0..72)
        .map(|x| buf[(x0 + x, y0 + rows + 1)].symbol().to_string())
        .collect();
    assert!(text_below.contains("Then it flew."), "{text_below:?}");
    // Scrolled so that only the picture's lower half shows at the top: it is still drawn.
    for _ in 0..line + usize::from(rows) / 2 + 1 {
        key(&mut a, 'j');
    }
    let t = render(&a, (80, 40));
    let buf = t.backend().buffer();
    assert!(is_blue(halves(&buf[(x0 + 10, 1)]).0), "{:?}", buf[(x0 + 10, 1)]);
    assert!(
        !is_red(halves(&buf[(x0 + 10, 0)]).1),
        "nothing is drawn above the text column"
    );
    insta::assert_snapshot!(t.backend());
}
