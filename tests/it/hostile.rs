//! Hostile feeds and servers: terminal injection through every field, XML bombs, gzip bombs,
//! huge and endless bodies, slowloris, redirect loops, cut connections, TLS to a plain server.
//! Each fails only its feed, with a specific error, inside time and memory bounds.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::pty::Tui;
use crate::support::{Response, Server, rss};

/// Feed text with escape sequences as XML character references.
const BY_REFERENCE: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>\
<title>Evil&#x1b;]0;pwned-title&#x7; Feed &#x202e;gnp.exe</title>\
<item><guid>r1</guid>\
<title>Clear&#x1b;[2J&#x1b;[H screen &#x9b;31m red &#x1b;]52;c;cHduZWQ=&#x7; clip &#x1b;]8;;http://evil.example/&#x1b;\\link&#x1b;]8;;&#x1b;\\ &#x7;bell</title>\
<author>mallory&#x1b;[5m blink</author>\
<link>javascript:alert(document.cookie)</link>\
<description>&lt;p&gt;Body &#x1b;]52;c;Ym9keQ==&#x7;text &#x1b;[31mred&lt;/p&gt;</description></item>\
</channel></rss>";

/// The same with raw control bytes (ill-formed XML that real servers send anyway).
fn raw_bytes_feed() -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Raw\u{1b}]2;raw-title\u{7} feed</title>",
    );
    s.push_str("<item><guid>b1</guid><title>Raw \u{1b}[1;31mbold red\u{1b}[0m \u{1b}]52;c;cmF3\u{7}title \u{9b}2J end\u{0}</title>");
    s.push_str("<link>https://example.org/raw</link><description><![CDATA[<p>raw \u{1b}]8;;http://x/\u{1b}\\body\u{1b}]8;;\u{1b}\\ \u{202e}txt</p>]]></description></item>");
    s.push_str(&format!(
        "<item><guid>b2</guid><title>{}</title><link>https://example.org/long</link></item>",
        "A".repeat(10_000)
    ));
    s.push_str("</channel></rss>");
    s.into_bytes()
}

/// Bytes no terminal should ever receive from feed content.
fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (name, bad) in [
        ("OSC", "\u{1b}]"),
        ("DCS", "\u{1b}P"),
        ("BEL", "\u{7}"),
        ("C1 CSI", "\u{9b}"),
        ("C1 OSC", "\u{9d}"),
        ("RLO", "\u{202e}"),
        ("NUL", "\u{0}"),
        ("blink", "\u{1b}[5m"),
    ] {
        assert!(!text.contains(bad), "{what}: {name} reached the terminal");
    }
    for payload in ["pwned", "cHduZWQ", "Ym9keQ", "cmF3", "raw-title", "evil.example"] {
        assert!(
            !text.contains(payload),
            "{what}: payload {payload:?} reached the terminal"
        );
    }
}

fn setup(server: &Server) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[feed]]\nurl = \"{}\"\n\n[[feed]]\nurl = \"{}\"\n",
            server.url("/ref"),
            server.url("/raw")
        ),
    )
    .expect("config");
    let data = dir.path().join("data");
    (dir, config, data)
}

fn hostile_server() -> Server {
    let raw = raw_bytes_feed();
    Server::start(move |req| match req.path.as_str() {
        "/ref" => Response::ok(BY_REFERENCE),
        "/raw" => Response::ok(raw.clone()),
        _ => Response::status(404),
    })
}

#[test]
fn hostile_content_never_reaches_the_terminal_in_the_ui() {
    let server = hostile_server();
    let (_d, config, data) = setup(&server);
    let mut tui = Tui::start(&config, &data, 120, 40);
    tui.wait_text("All unread (");
    tui.wait_for("both feeds", Duration::from_secs(15), |s| {
        s.contains("bold red") && s.contains("Clear")
    });
    tui.send("l");
    for _ in 0..3 {
        tui.send("\r");
        tui.wait_text("min read");
        tui.send("j");
        tui.send("o"); // the javascript: link was dropped at ingest; https ones need a browser
        tui.send("q");
        tui.send("j");
    }
    tui.send("?");
    tui.wait_text("Keys");
    tui.send("x");
    tui.send("H");
    tui.wait_text("Feed health");
    tui.send("q");
    let screen = tui.screen();
    tui.send("Q");
    assert!(tui.wait_exit(Duration::from_secs(10)).success());
    assert_clean("UI", &tui.raw());
    assert_eq!(
        tui.side_effects(),
        Vec::<String>::new(),
        "no bell, title, clipboard or resize"
    );
    assert!(screen.contains("Evil") || screen.contains("Raw"), "{screen}");
}

#[test]
fn hostile_content_never_reaches_stdout_of_the_cli() {
    let server = hostile_server();
    let (_d, config, data) = setup(&server);
    let run = |args: &[&str]| {
        let out = crate::support::tidings(&config, &data, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut all = out.stdout.clone();
        all.extend(&out.stderr);
        all
    };
    assert_clean("refresh", &run(&["refresh"]));
    let list = run(&["list"]);
    assert_clean("list", &list);
    assert!(String::from_utf8_lossy(&list).contains("bold red"));
    assert_clean("list --json", &run(&["list", "--json"]));
    assert_clean("feeds", &run(&["feeds"]));
    assert_clean("feeds --json", &run(&["feeds", "--json"]));
    for id in 1..=3 {
        let shown = run(&["show", &id.to_string(), "--width", "60"]);
        assert_clean("show", &shown);
        assert!(
            !shown.contains(&0x1b),
            "no escape codes at all when stdout is not a terminal"
        );
        assert!(
            String::from_utf8_lossy(&shown)
                .lines()
                .all(|l| tidings::text::wrap::width(l) <= 60)
        );
    }
    let json: serde_json::Value = serde_json::from_slice(&run(&["list", "--json"])).expect("json");
    assert!(
        json.as_array()
            .expect("a")
            .iter()
            .all(|a| a["url"].as_str().is_none_or(|u| u.starts_with("https://")))
    );
}

/// Peak resident memory of a finished child, sampled from /proc while it ran.
fn run_measured(mut cmd: Command, limit: Duration) -> (std::process::Output, u64, Duration) {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let sampler = std::thread::spawn(move || {
        let mut peak = 0u64;
        while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(kib) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            {
                peak = peak.max(kib);
            }
            if status.contains("State:\tZ") {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        peak
    });
    let out = child.wait_with_output().expect("wait");
    let elapsed = start.elapsed();
    assert!(elapsed < limit, "took {elapsed:?}");
    (out, sampler.join().expect("sampler"), elapsed)
}

fn gzip_bomb() -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![b' '; 1 << 20];
    gz.write_all(b"<rss version=\"2.0\"><channel><title>bomb</title>")
        .expect("w");
    for _ in 0..200 {
        gz.write_all(&block).expect("w");
    }
    gz.finish().expect("gz")
}

fn nested_html_feed(depth: usize) -> String {
    let body = format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
    format!(
        "<rss version=\"2.0\"><channel><title>Nested</title><item><guid>n</guid><title>Deep</title><link>https://example.org/n</link><description><![CDATA[{body}]]></description></item></channel></rss>"
    )
}

const LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><guid>1</guid><title>&lol9;</title></item></channel></rss>"#;

const XXE: &str = r#"<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>XXE</title><item><guid>1</guid><title>&xxe;</title></item></channel></rss>"#;

#[test]
fn hostile_servers_fail_alone_within_time_and_memory_bounds() {
    let bomb = gzip_bomb();
    let many = rss("Many", "m", 10_000);
    let nested = nested_html_feed(50_000);
    let server = Server::start(move |req| match req.path.as_str() {
        "/ok" => Response::ok(rss("Fine", "ok", 5)),
        "/many" => Response::ok(many.clone()),
        "/nested" => Response::ok(nested.clone()),
        "/laughs" => Response::ok(LAUGHS),
        "/xxe" => Response::ok(XXE),
        "/bomb" => Response::ok(bomb.clone()).header("Content-Encoding", "gzip"),
        "/huge" => Response {
            status: 200,
            stream_bytes: Some(100 << 20),
            ..Response::default()
        },
        "/slow" => Response {
            trickle: Some(Duration::from_secs(1)),
            ..Response::ok(rss("Slow", "s", 1))
        },
        "/loop" => Response::status(302).header("Location", "/loop2"),
        "/loop2" => Response::status(302).header("Location", "/loop"),
        "/cut" => Response {
            cut_after: Some(100),
            ..Response::ok(rss("Cut", "c", 50))
        },
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    let tls = server.url("/ok").replace("http://", "https://");
    let mut text = String::from("[settings]\ntimeout = \"4s\"\n");
    let paths = [
        "/ok", "/many", "/nested", "/laughs", "/xxe", "/bomb", "/huge", "/slow", "/loop", "/cut",
    ];
    for p in paths {
        text.push_str(&format!(
            "\n[[feed]]\nurl = \"{}\"\nname = \"{}\"\n",
            server.url(p),
            &p[1..]
        ));
    }
    text.push_str(&format!("\n[[feed]]\nurl = \"{tls}\"\nname = \"tls\"\n"));
    std::fs::write(&config, text).expect("config");
    let data = dir.path().join("data");
    let cmd = crate::support::tidings_cmd(&config, &data, &["refresh"]);
    let (out, peak_kib, elapsed) = run_measured(cmd, Duration::from_secs(30));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let failed = |name: &str| -> String {
        let url = if name == "tls" {
            tls.clone()
        } else {
            server.url(&format!("/{name}"))
        };
        stdout
            .lines()
            .find(|l| l.contains(&format!("failed: {url}:")))
            .unwrap_or_else(|| panic!("{name} did not fail:\n{stdout}"))
            .to_string()
    };
    assert!(
        failed("bomb").contains("larger than the 10485760-byte limit"),
        "{stdout}"
    );
    assert!(failed("huge").contains("larger than"), "{stdout}");
    assert!(failed("slow").contains("timed out after 4s"), "{stdout}");
    assert!(failed("loop").contains("redirect loop"), "{stdout}");
    assert!(
        failed("cut").contains("HTTP error") || failed("cut").contains("parse error"),
        "{stdout}"
    );
    assert!(
        failed("tls").contains("HTTP error") || failed("tls").contains("connect"),
        "{stdout}"
    );
    // Entities: either refused or left unexpanded; never a billion laughs or a file's contents.
    let list = crate::support::tidings(&config, &data, &["list", "--json"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(!listed.contains("lollollol"), "entity expansion happened");
    assert!(!listed.contains("root:"), "external entity was resolved");
    assert!(
        stdout.lines().next().expect("summary").starts_with("11 feeds: "),
        "{stdout}"
    );
    let json: serde_json::Value = serde_json::from_str(&listed).expect("json");
    let count = |feed: &str| {
        json.as_array()
            .expect("a")
            .iter()
            .filter(|a| a["feed"] == feed)
            .count()
    };
    assert_eq!(count("ok"), 5, "healthy feed unaffected");
    assert_eq!(
        count("many"),
        1_000,
        "a 10 000-item feed keeps its newest max_articles (1 000)"
    );
    assert_eq!(count("nested"), 1);
    // The deeply nested article renders without overflowing the stack.
    let nested_id = json
        .as_array()
        .expect("a")
        .iter()
        .find(|a| a["feed"] == "nested")
        .expect("n")["id"]
        .to_string();
    let shown = crate::support::tidings(&config, &data, &["show", &nested_id]);
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let peak_mib = peak_kib / 1024;
    println!("hostile refresh: {elapsed:?}, peak RSS {peak_mib} MiB\n{stdout}");
    assert!(peak_mib < 200, "peak RSS {peak_mib} MiB");
}

#[test]
fn deeply_nested_html_renders_in_process() {
    let html = format!(
        "{}x{}",
        "<blockquote>".repeat(20_000),
        "</blockquote>".repeat(20_000)
    );
    let r = tidings::text::render_html(&html, None, 60);
    assert!(r.lines.iter().all(|l| l.width() <= 60));
    let _ = Path::new("");
}
