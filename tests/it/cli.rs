//! The headless command line, run as a process against a temporary config and data dir.

use std::path::{Path, PathBuf};

use crate::support::{Response, Server, rss, tidings};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn write_config(dir: &Path, feeds: &[(&str, &str, &[&str])]) -> PathBuf {
    let mut s = String::from("[settings]\ntimeout = \"5s\"\n");
    for (url, name, tags) in feeds {
        let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
        s.push_str(&format!(
            "\n[[feed]]\nurl = \"{url}\"\nname = \"{name}\"\ntags = [{}]\n",
            tags.join(", ")
        ));
    }
    let p = dir.join("config.toml");
    std::fs::write(&p, s).expect("config");
    p
}

#[test]
fn list_json_on_a_fresh_data_dir_prints_an_empty_array() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("nested/config.toml");
    let out = tidings(&config, &dir.path().join("data"), &["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "[]\n");
    assert!(config.exists(), "first run writes the default config");
    assert!(text(&out.stderr).contains("wrote the default config"));
}

#[test]
fn corrupt_database_is_one_line_exit_1_and_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    let db = data.join("tidings.db");
    let junk: Vec<u8> = b"this is not a database, it is a text file pretending\n".repeat(200);
    std::fs::write(&db, &junk).expect("write");
    let config = write_config(dir.path(), &[]);
    let out = tidings(&config, &data, &["list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&*db.display().to_string()), "{err}");
    assert_eq!(std::fs::read(&db).expect("read"), junk);
    assert!(!data.join("tidings.db-wal").exists());
}

#[test]
fn unusable_data_dir_is_one_line_exit_1() {
    let dir = tempfile::tempdir().expect("tmp");
    // A regular file where the data dir should be: cannot be created or written (this holds
    // even for root, unlike permission bits).
    let data = dir.path().join("data");
    std::fs::write(&data, b"a file").expect("write");
    let config = write_config(dir.path(), &[]);
    let out = tidings(&config, &data, &["list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&*data.display().to_string()), "{err}");
    assert_eq!(std::fs::read(&data).expect("read"), b"a file");
}

#[test]
fn broken_config_exits_2_naming_file_line_and_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[settings]\nconcurency = 3\n").expect("write");
    let out = tidings(&config, &dir.path().join("data"), &["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("config.toml:2:1: 'settings.concurency'"), "{err}");
    assert!(err.contains("did you mean 'concurrency'"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&config).expect("read"),
        "[settings]\nconcurency = 3\n"
    );
}

#[test]
fn refresh_list_mark_show_and_feeds_end_to_end() {
    let server = Server::start(|req| match req.path.as_str() {
        "/a" => Response::ok(rss("Alpha", "a", 3)),
        "/b" => Response::ok(rss("Beta", "b", 2)),
        _ => Response::status(500),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b, bad) = (server.url("/a"), server.url("/b"), server.url("/bad"));
    let config = write_config(
        dir.path(),
        &[(&a, "Alpha", &["x"]), (&b, "Beta", &["y"]), (&bad, "Bad", &["y"])],
    );
    let data = dir.path().join("data");

    let out = tidings(&config, &data, &["refresh"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("3 feeds: 2 updated, 0 not modified, 1 failed; 5 new articles\n"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("failed: {bad}: HTTP 500")), "{stdout}");

    let count = |args: &[&str]| text(&tidings(&config, &data, args).stdout).trim().to_string();
    assert_eq!(count(&["list", "--unread", "--count"]), "5");
    assert_eq!(count(&["list", "--tag", "y", "--count"]), "2");
    assert_eq!(count(&["list", "--feed", "Alpha", "--count"]), "3");
    assert_eq!(count(&["list", "--search", "beta body", "--count"]), "2");

    let json: serde_json::Value =
        serde_json::from_slice(&tidings(&config, &data, &["list", "--json", "--feed", "Beta"]).stdout)
            .expect("json");
    let items = json.as_array().expect("array");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["feed"], "Beta");
    assert_eq!(items[0]["feed_url"], b.as_str());
    assert!(
        items[0]["published"]
            .as_str()
            .expect("date")
            .starts_with("2024-01-0")
    );
    let id = items[0]["id"].as_i64().expect("id").to_string();

    assert!(tidings(&config, &data, &["mark", &id, "--read"]).status.success());
    assert!(tidings(&config, &data, &["mark", &id, "--star"]).status.success());
    assert_eq!(count(&["list", "--unread", "--count"]), "4");
    assert_eq!(count(&["list", "--starred", "--count"]), "1");

    let shown = text(&tidings(&config, &data, &["show", &id, "--width", "40"]).stdout);
    assert!(shown.starts_with("Beta item"), "{shown}");
    assert!(shown.contains("Body of b"), "{shown}");
    assert!(shown.lines().all(|l| tidings::text::wrap::width(l) <= 40));

    // A second refresh: nothing new, read and star kept.
    let out = tidings(&config, &data, &["refresh"]);
    assert!(
        text(&out.stdout).contains("; 0 new articles"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(count(&["list", "--unread", "--count"]), "4");
    assert_eq!(count(&["list", "--starred", "--count"]), "1");

    let feeds = text(&tidings(&config, &data, &["feeds"]).stdout);
    assert!(
        feeds.contains("Bad") && feeds.contains("failing since 0m ago: HTTP 500"),
        "{feeds}"
    );
    assert!(
        feeds.contains("Alpha  [stale]"),
        "2024 articles only: stale; {feeds}"
    );
    let mark_missing = tidings(&config, &data, &["mark", "999999", "--read"]);
    assert_eq!(mark_missing.status.code(), Some(2));
}

#[test]
fn config_check_prints_paths_and_completions_work() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = write_config(dir.path(), &[("https://example.org/f", "F", &["t"])]);
    let out = tidings(&config, &dir.path().join("d"), &["config", "check"]);
    assert!(out.status.success());
    let s = text(&out.stdout);
    assert!(s.contains("1 feeds") && s.contains("tidings.db"), "{s}");
    let out = tidings(&config, &dir.path().join("d"), &["completions", "bash"]);
    assert!(text(&out.stdout).contains("_tidings"));
}

#[test]
fn refresh_goes_through_the_proxy_the_environment_names_and_no_proxy_bypasses_it() {
    // The loopback server plays an HTTP proxy: it answers the absolute URL it is asked for.
    let proxy = Server::start(|r| {
        if r.path == "http://feeds.invalid/news.xml" {
            Response::ok(rss("Proxied", "p", 1))
        } else {
            Response::status(502)
        }
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = write_config(dir.path(), &[("http://feeds.invalid/news.xml", "News", &[])]);
    let data = dir.path().join("data");
    let run = |no_proxy: Option<&str>| {
        let mut cmd = crate::support::tidings_cmd(&config, &data, &["-v", "refresh"]);
        cmd.env("HTTP_PROXY", proxy.url(""));
        if let Some(n) = no_proxy {
            cmd.env("NO_PROXY", n);
        }
        cmd.output().expect("run")
    };
    let out = run(None);
    assert!(
        text(&out.stdout).contains("1 new article"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(proxy.hits("http://feeds.invalid/news.xml"), 1);
    let out = run(Some("feeds.invalid"));
    assert!(text(&out.stdout).contains("1 failed"), "{}", text(&out.stdout));
    assert_eq!(
        proxy.hits("http://feeds.invalid/news.xml"),
        1,
        "NO_PROXY bypasses the proxy"
    );
    // The log says what happened, at -v.
    let log = std::fs::read_to_string(data.join("tidings.log")).expect("log");
    assert!(log.contains("refresh pass finished"), "{log}");
    assert!(log.contains("feed failed"), "{log}");
}

#[test]
fn a_password_in_a_feed_url_is_never_shown_or_logged() {
    let server = Server::start(|_| Response::status(500));
    let dir = tempfile::tempdir().expect("tmp");
    let secret = "s3cretpw0rd";
    let url = format!("http://reader:{secret}@127.0.0.1:{}/private.xml", server.port);
    // No name: every surface falls back to showing the URL.
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[settings]\ntimeout = \"5s\"\n\n[[feed]]\nurl = \"{url}\"\n"),
    )
    .expect("config");
    let data = dir.path().join("data");
    let mut seen = String::new();
    for args in [
        &["-vv", "refresh"][..],
        &["feeds"],
        &["feeds", "--json"],
        &["list", "--json"],
    ] {
        let out = tidings(&config, &data, args);
        seen.push_str(&text(&out.stdout));
        seen.push_str(&text(&out.stderr));
    }
    assert!(seen.contains("reader:***@127.0.0.1"), "{seen}");
    let mut tui = crate::support::pty::Tui::start(&config, &data, 100, 30);
    tui.wait_text("reader:***@");
    tui.send("H");
    tui.wait_text("Feed health");
    tui.send("q");
    tui.send("Q");
    let _ = tui.wait_exit(std::time::Duration::from_secs(10));
    seen.push_str(&String::from_utf8_lossy(&tui.raw()));
    seen.push_str(&std::fs::read_to_string(data.join("tidings.log")).expect("log"));
    assert!(!seen.contains(secret), "the password leaked:\n{seen}");
    // The config itself and `export` keep it: they are the user's own copy.
    let export = tidings(&config, &data, &["export"]);
    assert!(text(&export.stdout).contains(secret));
}

#[test]
fn dates_are_shown_in_the_zone_tz_names() {
    let feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Z</title><link>https://z.example/</link>\
        <item><title>Late evening in London</title><guid>z1</guid><pubDate>Mon, 09 Mar 2026 20:30:00 GMT</pubDate></item>\
        </channel></rss>";
    let server = Server::start(move |_| Response::ok(feed));
    let dir = tempfile::tempdir().expect("tmp");
    let config = write_config(dir.path(), &[(&server.url("/z"), "Z", &[])]);
    let data = dir.path().join("data");
    assert!(tidings(&config, &data, &["refresh"]).status.success());
    let list_in = |tz: &str| {
        let out = crate::support::tidings_cmd(&config, &data, &["list"])
            .env("TZ", tz)
            .output()
            .expect("run");
        text(&out.stdout)
    };
    assert!(list_in("UTC0").contains("2026-03-09"), "{}", list_in("UTC0"));
    assert!(list_in("JST-9").contains("2026-03-10"), "{}", list_in("JST-9"));
}

#[test]
fn a_config_that_is_a_fifo_or_a_device_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("fifo.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    for config in [fifo.as_path(), Path::new("/dev/zero")] {
        let start = std::time::Instant::now();
        let out = tidings(config, &dir.path().join("data"), &["config", "check"]);
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "it hung");
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert_eq!(
            text(&out.stderr).matches("not a regular file").count(),
            1,
            "said once: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_file_feed_that_is_not_a_regular_file_fails_at_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("feed.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let fifo_url = format!("file://{}", fifo.display());
    let config = write_config(
        dir.path(),
        &[("file:///dev/zero", "Zero", &[]), (&fifo_url, "Fifo", &[])],
    );
    let start = std::time::Instant::now();
    let out = tidings(&config, &dir.path().join("data"), &["refresh"]);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "read until the timeout"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("2 failed"), "{stdout}");
    assert_eq!(stdout.matches("not a regular file").count(), 2, "{stdout}");
}

#[test]
fn a_feed_with_too_many_items_keeps_the_newest_max_articles() {
    let round = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let r = round.clone();
    let server = Server::start(move |_| {
        let n = r.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // New guids on every request, as a hostile feed would have them.
        Response::ok(rss("Flood", &format!("r{n}-"), 3000))
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[settings]\nmax_articles = 100\n\n[[feed]]\nurl = \"{}\"\nname = \"Flood\"\n",
            server.url("/f")
        ),
    )
    .expect("config");
    let data = dir.path().join("data");
    for _ in 0..2 {
        assert!(tidings(&config, &data, &["refresh"]).status.success());
        let out = tidings(&config, &data, &["list", "--count"]);
        assert_eq!(text(&out.stdout).trim(), "100");
    }
}

/// The `Content-Location` a server sends is the base the feed's relative links resolve
/// against, as RFC 9110 says and feedparser reads it.
#[test]
fn relative_links_resolve_against_the_content_location_the_server_sends() {
    let server = Server::start(|_| {
        Response::ok(
            "<rss version=\"2.0\"><channel><title>C</title><item><guid>1</guid><title>t</title>\
             <link>story/1</link><enclosure url=\"ep.mp3\" type=\"audio/mpeg\"/></item></channel></rss>",
        )
        .header("Content-Location", "http://cdn.example/news/")
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("[[feed]]\nurl = \"{}\"\n", server.url("/feed"))).expect("w");
    let data = dir.path().join("data");
    assert!(tidings(&config, &data, &["refresh"]).status.success());
    let out = tidings(&config, &data, &["list", "--json"]);
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(items[0]["url"], "http://cdn.example/news/story/1", "{items}");
    let shown = text(&tidings(&config, &data, &["show", "1"]).stdout);
    assert!(shown.contains("http://cdn.example/news/ep.mp3"), "{shown}");
}

#[test]
fn a_database_from_a_newer_tidings_is_refused_with_the_reason_said_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = write_config(dir.path(), &[]);
    let data = dir.path().join("data");
    assert!(tidings(&config, &data, &["list", "--count"]).status.success());
    let conn = rusqlite::Connection::open(data.join("tidings.db")).expect("open");
    conn.pragma_update(None, "user_version", 999).expect("bump");
    drop(conn);
    let out = tidings(&config, &data, &["refresh"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("schema version 999"), "{err}");
    assert_eq!(err.matches("upgrade tidings").count(), 1, "{err}");
}
