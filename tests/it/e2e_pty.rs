//! The whole program in a pseudo-terminal against feeds on a loopback server: triage, quit,
//! restart with state intact, SIGKILL mid-session with every mark kept.

use std::path::Path;
use std::time::Duration;

use crate::support::pty::Tui;
use crate::support::{Response, Server, rss};

fn list_json(config: &Path, data: &Path) -> Vec<serde_json::Value> {
    let out = crate::support::tidings_ok(config, data, &["list", "--json"]);
    serde_json::from_str::<serde_json::Value>(&out)
        .expect("json")
        .as_array()
        .expect("array")
        .clone()
}

fn count(items: &[serde_json::Value], key: &str) -> usize {
    items.iter().filter(|i| i[key] == true).count()
}

#[test]
fn triage_quit_restart_and_survive_sigkill() {
    let server = Server::start(|req| match req.path.as_str() {
        "/alpha" => Response::ok(rss("Alpha", "a", 3)),
        "/beta" => Response::ok(rss("Beta", "b", 2)),
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[feed]]\nurl = \"{}\"\nname = \"Alpha\"\ntags = [\"one\"]\n\n[[feed]]\nurl = \"{}\"\nname = \"Beta\"\ntags = [\"two\"]\n",
            server.url("/alpha"),
            server.url("/beta")
        ),
    )
    .expect("config");
    let data = dir.path().join("data");

    // First session: the feed list fills in with counts as the poller reports.
    let mut tui = Tui::start(&config, &data, 100, 30);
    tui.wait_for("counts", Duration::from_secs(15), |s| {
        s.contains("All unread") && s.contains("All unread (5)")
    });
    let screen = tui.screen();
    assert!(screen.contains("Alpha") && screen.contains("Beta"), "{screen}");
    tui.send("l"); // headlines
    tui.send("\r"); // open the first (newest) article: marks it read
    let article = tui.wait_text("min read");
    assert!(article.contains("item"), "{article}");
    tui.send("q"); // back to the list
    tui.send("j");
    tui.send("s"); // star the second
    tui.wait_text("★");
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());
    let items = list_json(&config, &data);
    assert_eq!(items.len(), 5);
    assert_eq!(count(&items, "read"), 1);
    assert_eq!(count(&items, "starred"), 1);

    // Second session: the same state is shown.
    let mut tui = Tui::start(&config, &data, 100, 30);
    let screen = tui.wait_text("★");
    assert!(screen.contains("All unread"), "{screen}");
    tui.wait_text("(4)");
    // Mark two more read with r, star one more, then die without warning.
    tui.send("l");
    tui.send("G");
    tui.send("r");
    tui.send("k");
    tui.send("r");
    tui.send("s");
    std::thread::sleep(Duration::from_millis(700));
    tui.kill9();

    let items = list_json(&config, &data);
    assert_eq!(items.len(), 5);
    assert_eq!(count(&items, "read"), 3, "{items:#?}");
    assert_eq!(count(&items, "starred"), 2, "{items:#?}");
    let conn = rusqlite::Connection::open(data.join("tidings.db")).expect("open");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(ok, "ok");
}

#[test]
fn editing_the_config_while_running_applies_or_rejects_it() {
    let server = Server::start(|req| match req.path.as_str() {
        "/alpha" => Response::ok(rss("Alpha", "a", 2)),
        "/beta" => Response::ok(rss("Beta", "b", 3)),
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    let alpha = format!(
        "# mine\n[[feed]]\nurl = \"{}\"\nname = \"Alpha\"\n",
        server.url("/alpha")
    );
    std::fs::write(&config, &alpha).expect("config");
    let data = dir.path().join("data");
    let mut tui = Tui::start(&config, &data, 100, 30);
    tui.wait_text("All unread (2)");
    assert!(!tui.screen().contains("Beta"));

    // A valid edit: a new feed appears, gets fetched, and counts update.
    let both = format!(
        "{alpha}\n[[feed]]\nurl = \"{}\"\nname = \"Beta\"\ntags = [\"new\"]\n",
        server.url("/beta")
    );
    std::fs::write(&config, &both).expect("edit");
    let screen = tui.wait_text("All unread (5)");
    assert!(screen.contains("Beta") && screen.contains("#new"), "{screen}");

    // A broken edit: the error is shown and the previous config stays in force.
    std::fs::write(&config, format!("{both}\n[settings]\nconcurency = 2\n")).expect("break");
    let screen = tui.wait_text("config rejected (old one kept): config.toml:12:1");
    assert!(screen.contains("concurency"), "{screen}");
    assert!(screen.contains("Alpha") && screen.contains("Beta"), "{screen}");

    // The health view lists both feeds as ok.
    tui.send("H");
    let screen = tui.wait_text("Feed health");
    assert!(screen.matches("ok · last ok").count() >= 2, "{screen}");
    tui.send("q");
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());
}

#[test]
fn resize_redraws_and_signals_restore_the_terminal() {
    let server = Server::start(|_| Response::ok(rss("Sig", "s", 2)));
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[feed]]\nurl = \"{}\"\nname = \"Sig\"\n", server.url("/f")),
    )
    .expect("w");
    let data = dir.path().join("data");
    for signal in ["TERM", "HUP"] {
        let mut tui = Tui::start(&config, &data, 100, 30);
        tui.wait_text("All unread (");
        tui.resize(60, 16);
        tui.wait_for("a 60-column layout", Duration::from_secs(10), |s| {
            s.lines()
                .next()
                .is_some_and(|l| l.trim_end().chars().count() == 60 && l.ends_with('┐'))
        });
        tui.signal(signal);
        let status = tui.wait_exit(Duration::from_secs(10));
        assert!(status.success(), "SIG{signal}: {status:?}");
        // The reader thread may still hold the last bytes when the process is gone.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while !String::from_utf8_lossy(&tui.raw()).contains("\u{1b}[?1049l")
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let raw = String::from_utf8_lossy(&tui.raw()).to_string();
        let entered = raw.find("\u{1b}[?1049h").expect("entered the alternate screen");
        let left = raw.rfind("\u{1b}[?1049l").expect("left the alternate screen");
        assert!(left > entered, "SIG{signal}: terminal restored after use");
    }
}

#[test]
fn ctrl_z_suspends_and_fg_resumes_from_a_shell() {
    let server = Server::start(|_| Response::ok(rss("Sus", "s", 2)));
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[feed]]\nurl = \"{}\"\nname = \"Sus\"\n", server.url("/f")),
    )
    .expect("w");
    let data = dir.path().join("data");
    let mut sh = Tui::shell(100, 30);
    sh.wait_text("$ ");
    sh.send(&format!(
        "{} --config {} --data-dir {}\r",
        env!("CARGO_BIN_EXE_tidings"),
        config.display(),
        data.display()
    ));
    sh.wait_text("All unread (2)");
    sh.send("\u{1a}");
    let screen = sh.wait_text("Stopped");
    assert!(
        !screen.contains("All unread"),
        "the shell's screen is back: {screen}"
    );
    sh.send("fg\r");
    sh.wait_for("the UI redrawn", Duration::from_secs(10), |s| {
        s.contains("All unread (2)") && !s.contains("Stopped")
    });
    sh.send("?");
    sh.wait_text("Keys");
    sh.send("x");
    sh.send("Q");
    // Back at the shell's prompt, the job finished.
    sh.wait_for("the prompt after quitting", Duration::from_secs(10), |s| {
        !s.contains("All unread") && s.contains("$ fg") && s.trim_end().ends_with('$')
    });
    sh.send("echo \"jobs=$(jobs | wc -l)\"\r");
    sh.wait_text("jobs=0");
    sh.send("exit\r");
    assert!(sh.wait_exit(Duration::from_secs(10)).success());
}

/// Items a new user met in the first hour: a stale error hiding later messages, an add prompt
/// that was never drawn, a health view whose selection left the screen, and `p` in the health
/// view that turned a redirected feed's read articles unread.
#[test]
fn status_errors_clear_add_prompt_shows_health_scrolls_and_redirects_keep_marks() {
    let server = Server::start(|req| match req.path.as_str() {
        "/old" => Response::status(301).header("Location", "/new"),
        "/new" => Response::ok(rss("Moved", "m", 2)),
        p if p.starts_with("/f") => Response::ok(rss("Many", &p[1..], 1)),
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    let mut text = format!(
        "[[feed]]\nurl = \"{}\"\nname = \"AAA Moved\"\n",
        server.url("/old")
    );
    for i in 0..30 {
        text.push_str(&format!(
            "\n[[feed]]\nurl = \"{}\"\nname = \"Feed {i:02}\"\n",
            server.url(&format!("/f{i}"))
        ));
    }
    std::fs::write(&config, text).expect("config");
    let data = dir.path().join("data");
    let mut tui = Tui::start(&config, &data, 100, 30);
    tui.wait_text("All unread (32)");

    // 2: an error clears at the next key, and later messages show. The article opened (and
    // so read) is one of the feed that redirects, first in the list by name.
    tui.send("j");
    tui.send("j");
    tui.wait_text("Moved (2)");
    tui.send("l");
    tui.send("\r");
    tui.wait_text("min read");
    tui.send("7");
    tui.wait_text("there is no link [7]");
    tui.send("R");
    tui.wait_for("error cleared", Duration::from_secs(10), |s| {
        !s.contains("there is no link")
    });

    // 3: the add prompt is drawn and shows what is typed.
    tui.send("q");
    tui.send("q");
    tui.send("a");
    tui.wait_text("add feed");
    tui.send("example.invalid/x");
    tui.wait_text("example.invalid/x");
    tui.send("\x1b");
    tui.wait_for("prompt closed", Duration::from_secs(5), |s| {
        !s.contains("add feed")
    });

    // 5: in the health view the selection stays on screen to the last feed.
    tui.send("H");
    tui.wait_text("Feed health");
    tui.send("G");
    tui.wait_text("Feed 29");
    for _ in 0..5 {
        tui.send("k");
    }
    tui.wait_text("Feed 24");

    // 1: read an article of the redirected feed, then follow the redirect with p.
    tui.send("g");
    tui.send("p");
    // The notice is soon replaced by the reload's own.
    tui.wait_for("redirect applied", Duration::from_secs(10), |s| {
        s.contains("feed now points to") || s.contains("config reloaded")
    });
    tui.wait_text("config reloaded");
    // Time for a refresh of a feed the reload would have made new.
    std::thread::sleep(Duration::from_secs(2));
    tui.send("q");
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());
    let cfg = std::fs::read_to_string(&config).expect("config");
    assert!(cfg.contains(&server.url("/new")), "{cfg}");
    let items = list_json(&config, &data);
    assert_eq!(items.len(), 32, "no feed row was duplicated");
    assert_eq!(count(&items, "read"), 1, "the read mark survived the URL change");
    let moved: Vec<_> = items.iter().filter(|i| i["feed"] == "AAA Moved").collect();
    assert_eq!(moved.len(), 2, "{items:?}");
    assert_eq!(
        count(
            &items
                .iter()
                .filter(|i| i["feed"] == "AAA Moved")
                .cloned()
                .collect::<Vec<_>>(),
            "read"
        ),
        1
    );
}

/// A start-up failure leaves the terminal as it found it: everything that can fail is built
/// before raw mode and the alternate screen are entered, and the terminal guard restores on
/// any early return.
#[test]
fn a_start_up_failure_never_leaves_the_terminal_in_the_ui_mode() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    // A User-Agent no HTTP header can carry: refused at load, naming the line.
    std::fs::write(&config, "[settings]\nuser_agent = \"bad\\nagent\"\n").expect("config");
    let mut tui = Tui::start(&config, &dir.path().join("data"), 80, 24);
    // The reader thread may still hold the last bytes when the process is gone: wait for them.
    tui.wait_text("config.toml:2:14: 'settings.user_agent'");
    let status = tui.wait_exit(Duration::from_secs(10));
    assert!(!status.success());
    let raw = String::from_utf8_lossy(&tui.raw()).into_owned();
    let entered = raw.matches("\x1b[?1049h").count();
    let left = raw.matches("\x1b[?1049l").count();
    assert_eq!(entered, left, "alternate screen entered and not left: {raw:?}");
}

/// A parser that panics on one feed (debug builds panic on a marker, standing in for a parser
/// bug) costs that feed only: the UI stays in the alternate screen and raw mode, keys work,
/// and the feed shows its error in the health view.
#[test]
fn a_parser_panic_is_that_feeds_error_and_the_ui_carries_on() {
    let server = Server::start(|req| match req.path.as_str() {
        "/crash" => Response::ok(format!(
            "<rss version=\"2.0\"><channel>{}<item><title>x</title></item></channel></rss>",
            String::from_utf8_lossy(tidings::feed::parse::TEST_PANIC)
        )),
        _ => Response::ok(rss("Good", "g", 3)),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[feed]]\nurl = \"{}\"\nname = \"Crashy\"\n\n[[feed]]\nurl = \"{}\"\nname = \"Good\"\n",
            server.url("/crash"),
            server.url("/good")
        ),
    )
    .expect("config");
    let data = dir.path().join("data");
    let mut tui = Tui::start(&config, &data, 100, 30);
    tui.wait_text("All unread (3)");
    tui.send("H");
    tui.wait_text("parser crashed");
    tui.send("q");
    // Keys still work: move past the failed feed to the good one and open its first article.
    tui.send("j");
    tui.send("j");
    tui.wait_text("Crashy (0)");
    tui.send("j");
    tui.wait_text("Good (3)");
    tui.send("l");
    tui.send("\r");
    tui.wait_text("min read");
    tui.send("q");
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());
    let raw = String::from_utf8_lossy(&tui.raw()).into_owned();
    assert_eq!(
        raw.matches("\x1b[?1049l").count(),
        1,
        "the alternate screen was left once, at quit"
    );
    // The panic hook prints "thread '...' panicked at"; the message itself is shown only as
    // the feed's error, inside the health view.
    assert!(!raw.contains("panicked at"), "no panic text reached the terminal");
}

#[test]
fn a_rule_added_while_running_hides_stored_articles_and_dot_shows_them_again() {
    let server = Server::start(|_| Response::ok(rss("Alpha", "a", 3)));
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    let feeds = format!("[[feed]]\nurl = \"{}\"\nname = \"Alpha\"\n", server.url("/alpha"));
    std::fs::write(&config, &feeds).expect("config");
    let data = dir.path().join("data");
    let mut tui = Tui::start(&config, &data, 100, 30);
    tui.wait_text("All unread (3)");

    std::fs::write(
        &config,
        format!("{feeds}\n[[rule]]\nname = \"mute one\"\nmatch = 'title:\"item 1\"'\naction = \"hide\"\n"),
    )
    .expect("edit");
    tui.wait_text("All unread (2)");
    tui.send("l");
    let screen = tui.wait_for("headlines without the hidden one", Duration::from_secs(10), |s| {
        s.contains("Alpha item 2") && s.contains("Alpha item 0")
    });
    assert!(!screen.contains("Alpha item 1"), "{screen}");

    // '.' shows it, marked; it can be marked read like any other.
    tui.send(".");
    let screen = tui.wait_text("⊘");
    assert!(screen.contains("Alpha item 1"), "{screen}");
    tui.send("j"); // item 2 is newest, item 1 next
    tui.send("r");
    std::thread::sleep(Duration::from_millis(500));
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());

    let hidden = crate::support::tidings_ok(&config, &data, &["list", "--json", "--hidden"]);
    let items: Vec<serde_json::Value> = serde_json::from_str(&hidden).expect("json");
    let one = items.iter().find(|a| a["title"] == "Alpha item 1").expect("kept");
    assert_eq!(one["hidden_by"], "mute one");
    assert_eq!(one["read"], true, "{one:#?}");
}

#[test]
fn d_in_an_article_downloads_its_enclosure_in_the_background_and_w_shows_the_queue() {
    let episode: Vec<u8> = (0..50_000u32).map(|i| (i % 253) as u8).collect();
    let served = episode.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/feed" => Response::ok(format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pod</title>\
             <item><title>Episode one</title><guid>e1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>\
             <description>notes</description>\
             <enclosure url=\"http://{}/media/ep%201.mp3\" type=\"audio/mpeg\" length=\"50000\"/></item></channel></rss>",
            req.header("host").unwrap_or("")
        )),
        "/media/ep%201.mp3" => Response::ok(served.clone()),
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    let dl = dir.path().join("dl");
    std::fs::write(
        &config,
        format!(
            "[settings]\ndownload_dir = \"{}\"\n\n[[feed]]\nurl = \"{}\"\nname = \"Pod\"\n",
            dl.display(),
            server.url("/feed")
        ),
    )
    .expect("config");
    let data = dir.path().join("data");
    let mut tui = Tui::start(&config, &data, 100, 30);
    tui.wait_text("All unread (1)");
    tui.send("l");
    tui.send("\r");
    let screen = tui.wait_text("(e plays)");
    assert!(
        screen.contains("ep 1.mp3") && screen.contains("48.8 KB"),
        "{screen}"
    );
    tui.send("D");
    tui.wait_text("downloaded 1-ep 1.mp3");
    tui.send("w");
    let screen = tui.wait_text("Downloads");
    assert!(
        screen.contains("done") && screen.contains("Episode one"),
        "{screen}"
    );
    tui.send("x");
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());
    assert_eq!(std::fs::read(dl.join("1-ep 1.mp3")).expect("the file"), episode);
}

#[test]
fn a_feed_with_auto_download_gets_its_newest_episode_while_the_ui_runs() {
    let server = Server::start(|req| match req.path.as_str() {
        "/feed" => Response::ok(format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pod</title>\
             <item><title>New</title><guid>2</guid><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>\
             <enclosure url=\"http://{h}/new.mp3\" type=\"audio/mpeg\"/></item>\
             <item><title>Old</title><guid>1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>\
             <enclosure url=\"http://{h}/old.mp3\" type=\"audio/mpeg\"/></item></channel></rss>",
            h = req.header("host").unwrap_or("")
        )),
        "/new.mp3" => Response::ok(b"new episode".to_vec()),
        "/old.mp3" => Response::ok(b"old episode".to_vec()),
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let (config, data, dl) = (
        dir.path().join("config.toml"),
        dir.path().join("data"),
        dir.path().join("dl"),
    );
    std::fs::write(
        &config,
        format!(
            "[settings]\ndownload_dir = \"{}\"\n\n[[feed]]\nurl = \"{}\"\nauto_download = 1\n",
            dl.display(),
            server.url("/feed")
        ),
    )
    .expect("config");
    let mut tui = Tui::start(&config, &data, 100, 30);
    tui.wait_text("All unread (2)");
    tui.wait_text("downloaded");
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());
    let files: Vec<String> = std::fs::read_dir(&dl)
        .expect("dl")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "only the newest: {files:?}");
    assert!(files[0].ends_with("-new.mp3"), "{files:?}");
    assert_eq!(server.hits("/old.mp3"), 0);
}

/// A PNG with a vertical gradient: every halfblock cell has two colours, so it draws `▀`/`▄`.
fn gradient_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(300, 120, |_, y| {
        image::Rgb([(y * 2) as u8, 60, 255 - (y * 2) as u8])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

#[test]
fn with_images_on_a_picture_is_drawn_in_halfblocks_and_read_again_offline_from_the_cache() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let online = Arc::new(AtomicBool::new(true));
    let up = online.clone();
    let png = gradient_png();
    let server = Server::start(move |req| match req.path.as_str() {
        "/feed" => Response::ok(format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Birds</title>\
             <item><title>A heron on the weir</title><guid>h1</guid><link>http://{}/heron</link>\
             <description><![CDATA[<p>It stood there all morning.</p><p><img src=\"/heron.png\" alt=\"A heron\"></p><p>Then it flew off.</p>]]></description>\
             </item></channel></rss>",
            req.header("host").unwrap_or("")
        )),
        "/heron.png" if up.load(Ordering::SeqCst) => {
            Response::ok(png.clone()).header("content-type", "image/png")
        }
        _ => Response::status(503),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[settings]\nimages = \"auto\"\nimage_cache_size = 1000000\n\n[[feed]]\nurl = \"{}\"\nname = \"Birds\"\n",
            server.url("/feed")
        ),
    )
    .expect("config");
    let data = dir.path().join("data");
    let drawn = |s: &str| s.contains("Then it flew off") && s.matches(['▀', '▄']).count() > 100;
    let mut tui = Tui::start(&config, &data, 100, 40);
    tui.wait_text("All unread (1)");
    assert!(
        String::from_utf8_lossy(&tui.raw()).contains("\x1b[5n"),
        "the terminal was asked what it can draw"
    );
    tui.send("l");
    tui.send("\r");
    let screen = tui.wait_for("the picture", Duration::from_secs(15), drawn);
    assert!(
        !screen.contains("[image: A heron]"),
        "the picture covers its caption:\n{screen}"
    );
    // Keys still work while pictures are on: scroll and back.
    tui.send("q");
    tui.wait_text("All unread");
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());
    let fetched = server
        .requests()
        .iter()
        .filter(|r| r.path == "/heron.png")
        .count();
    assert_eq!(fetched, 1);
    let cached: u64 = std::fs::read_dir(data.join("images"))
        .expect("the cache")
        .map(|e| e.expect("entry").metadata().expect("meta").len())
        .sum();
    assert_eq!(cached, gradient_png().len() as u64);

    // Offline: the picture comes from the cache.
    online.store(false, Ordering::SeqCst);
    let mut tui = Tui::start(&config, &data, 100, 40);
    tui.wait_text("Birds");
    // Read now, so it is under its feed, not under All unread.
    tui.send("jj");
    tui.wait_text("A heron on the weir");
    tui.send("l");
    tui.send("\r");
    tui.wait_for("the cached picture", Duration::from_secs(15), drawn);
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());
    let fetched = server
        .requests()
        .iter()
        .filter(|r| r.path == "/heron.png")
        .count();
    assert_eq!(fetched, 1, "not fetched again");
}
