//! Managing feeds from the command line: OPML import (other readers' real export shapes),
//! export round trip, comment preservation, add by autodiscovery on 127.0.0.1, remove/re-add.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{Response, Server, feed_fixture, rss};
use tidings::config::Config;

use crate::support::tidings as run;

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/opml")
        .join(name)
}

const USER_CONFIG: &str = "# My feeds, curated by hand.\n\n[settings]\nconcurrency = 4   # be gentle\n\n[[feed]]\n# the one I read first\nurl = \"https://lwn.net/headlines/rss\"\nname = \"LWN\"\ntags = [\"linux\"]\n\n# keys below\n[keys]\nnext_unread = \"n\"\n";

fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, USER_CONFIG).expect("config");
    let data = dir.path().join("data");
    (dir, config, data)
}

fn feed<'a>(c: &'a Config, url: &str) -> &'a tidings::config::FeedSpec {
    c.feeds
        .iter()
        .find(|f| f.url.as_str() == url)
        .unwrap_or_else(|| panic!("{url} not in config"))
}

#[test]
fn imports_real_reader_exports() {
    let (_d, config, data) = setup();
    let out = ok(run(
        &config,
        &data,
        &["import", fixture("newsboat.opml").to_str().expect("p")],
    ));
    assert!(
        out.contains("imported 2 feeds") && out.contains("1 already present"),
        "{out}"
    );
    for f in ["feedly.opml", "inoreader.opml", "netnewswire.opml"] {
        ok(run(&config, &data, &["import", fixture(f).to_str().expect("p")]));
    }
    let c = Config::load(&config).expect("valid after import");
    assert_eq!(c.feeds.len(), 1 + 2 + 3 + 3 + 3);
    let rust = feed(&c, "https://blog.rust-lang.org/feed.xml");
    assert_eq!(rust.name.as_deref(), Some("Rust Blog"));
    assert_eq!(rust.tags, vec!["rust", "programming"]);
    assert_eq!(
        feed(&c, "https://example.org/untitled.xml").name,
        None,
        "missing title: no name"
    );
    let ars = feed(&c, "https://feeds.arstechnica.com/arstechnica/index");
    assert_eq!(ars.tags, vec!["Tech & Science"]);
    assert_eq!(
        feed(&c, "https://www.quantamagazine.org/physics/feed/")
            .name
            .as_deref(),
        Some("Quanta Magazine – Physics")
    );
    let bbc = feed(&c, "https://feeds.bbci.co.uk/news/world/rss.xml");
    assert_eq!(bbc.tags, vec!["News", "World"], "nested folders become tags");
    let guardian = feed(&c, "https://www.theguardian.com/world/rss");
    assert_eq!(
        guardian.name.as_deref(),
        Some("The Guardian & friends"),
        "XMLURL casing, double-escaped text"
    );
    assert!(feed(&c, "https://jvns.ca/atom.xml").tags.is_empty());
    assert_eq!(
        feed(&c, "https://daringfireball.net/feeds/json").tags,
        vec!["Apple"]
    );
    // The user's config is intact byte for byte up to the edited table, and after it.
    let text = std::fs::read_to_string(&config).expect("read");
    let head = &USER_CONFIG[..USER_CONFIG.find("\n# keys below").expect("marker")];
    assert!(text.starts_with(head), "{text}");
    assert!(
        text.ends_with("# keys below\n[keys]\nnext_unread = \"n\"\n"),
        "{text}"
    );
}

#[test]
fn malformed_opml_is_an_error_and_the_config_is_untouched() {
    let (_d, config, data) = setup();
    let out = run(
        &config,
        &data,
        &["import", fixture("malformed.opml").to_str().expect("p")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("malformed.opml") && err.contains("not valid XML"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&config).expect("read"), USER_CONFIG);
}

#[test]
fn export_then_import_gives_back_the_same_feeds() {
    let (dir, config, data) = setup();
    for f in ["feedly.opml", "inoreader.opml"] {
        ok(run(&config, &data, &["import", fixture(f).to_str().expect("p")]));
    }
    let exported = dir.path().join("out.opml");
    ok(run(&config, &data, &["export", exported.to_str().expect("p")]));
    let fresh = dir.path().join("fresh.toml");
    std::fs::write(&fresh, "").expect("empty config");
    ok(run(&fresh, &data, &["import", exported.to_str().expect("p")]));
    let a = Config::load(&config).expect("a");
    let b = Config::load(&fresh).expect("b");
    let key = |c: &Config| {
        let mut v: Vec<(String, Option<String>, Vec<String>)> = c
            .feeds
            .iter()
            .map(|f| (f.url.to_string(), f.name.clone(), f.tags.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(key(&a), key(&b));
    let stdout = ok(run(&config, &data, &["export"]));
    assert!(stdout.starts_with("<?xml") && stdout.contains("<opml version=\"2.0\">"));
}

const PAGE_HEAD: &str = "<!DOCTYPE html><html><head><title>A blog</title>";

#[test]
fn add_discovers_the_feed_of_a_real_page_with_a_relative_href() {
    let page = feed_fixture("html-page-daringfireball-autodiscovery.html");
    let server = Server::start(move |req| match req.path.as_str() {
        "/" => Response::ok(page.clone()).header("Content-Type", "text/html; charset=utf-8"),
        "/feeds/main" => Response::ok(rss("Daring Fireball", "df", 3)),
        _ => Response::status(404),
    });
    let (_d, config, data) = setup();
    let out = ok(run(&config, &data, &["add", &server.url("/"), "--tag", "apple"]));
    assert!(out.contains("added Daring Fireball"), "{out}");
    let c = Config::load(&config).expect("valid");
    let f = feed(&c, &server.url("/feeds/main"));
    assert_eq!(f.tags, vec!["apple"]);
    assert_eq!(f.name.as_deref(), Some("Daring Fireball"));
    let again = ok(run(&config, &data, &["add", &server.url("/feeds/main")]));
    assert!(again.contains("already subscribed"), "{again}");
}

#[test]
fn a_feed_url_that_gives_its_page_names_the_feed_and_a_raw_gzip_feed_is_read() {
    let page = feed_fixture("html-page-daringfireball-autodiscovery.html");
    let podcast = feed_fixture("rss2-podcast-giantbomb-730-items.xml.gz");
    let server = Server::start(move |req| match req.path.as_str() {
        "/" => Response::ok(page.clone()).header("Content-Type", "text/html; charset=utf-8"),
        "/podcast.xml.gz" => Response::ok(podcast.clone()).header("Content-Type", "application/gzip"),
        // Bytes as random as an image's (xorshift), after a PNG signature.
        "/logo.png" => {
            let mut x = 0x2545_f491_4f6c_dd1du64;
            let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
            png.extend((0..4096).map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x.to_le_bytes()[5]
            }));
            Response::ok(png).header("Content-Type", "image/png")
        }
        _ => Response::status(404),
    });
    let (_d, config, data) = setup();
    // `add` of a `.xml.gz` served as a file: the feed inside is found and named.
    let out = ok(run(&config, &data, &["add", &server.url("/podcast.xml.gz")]));
    assert!(out.contains("added Giant Bombcast"), "{out}");
    // An image is named as what it is, with the type its server sent.
    let out = run(&config, &data, &["add", &server.url("/logo.png")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("binary data (image/png), not a feed"), "{err}");
    // The home page in the config where its feed should be: the refresh says which URL to use.
    // (A config of these two alone: the refresh reaches no server but this one.)
    let local = config.with_file_name("local.toml");
    std::fs::write(
        &local,
        format!(
            "[[feed]]\nurl = \"{}\"\n\n[[feed]]\nurl = \"{}\"\n",
            server.url("/podcast.xml.gz"),
            server.url("/")
        ),
    )
    .expect("w");
    let out = run(&local, &data, &["refresh"]);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        printed.contains(&format!(
            "the response is an HTML page, not a feed; the page announces the feed {}",
            server.url("/feeds/main")
        )),
        "{printed}"
    );
    assert!(printed.contains("730 new articles"), "{printed}");
}

#[test]
fn several_candidates_need_a_pick_and_common_paths_are_tried() {
    let server = Server::start(|req| match req.path.as_str() {
        "/multi" => Response::ok(format!(
            "{PAGE_HEAD}<link rel=\"alternate\" type=\"application/rss+xml\" href=\"rss.xml\"><link rel=\"alternate\" type=\"application/atom+xml\" title=\"Atom\" href=\"/atom.xml\"></head><body></body></html>"
        )),
        "/rss.xml" => Response::ok(rss("RSS version", "r", 1)),
        "/atom.xml" => Response::ok(rss("Atom version", "a", 1)),
        "/plain/" => Response::ok(format!("{PAGE_HEAD}</head><body>no links</body></html>")),
        "/feed" => Response::ok(rss("Found by path", "p", 1)),
        _ => Response::status(404),
    });
    let (_d, config, data) = setup();
    let out = run(&config, &data, &["add", &server.url("/multi")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1. ") && err.contains("2. ") && err.contains("--pick"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&config).expect("r"),
        USER_CONFIG,
        "nothing written"
    );
    let out = ok(run(
        &config,
        &data,
        &["add", &server.url("/multi"), "--pick", "2"],
    ));
    assert!(out.contains("Atom version"), "{out}");
    let out = ok(run(&config, &data, &["add", &server.url("/plain/")]));
    assert!(out.contains("Found by path"), "{out}");
}

#[test]
fn a_page_without_feeds_is_a_clear_error() {
    let server = Server::start(|req| match req.path.as_str() {
        "/" => Response::ok(format!("{PAGE_HEAD}</head><body>just a page</body></html>")),
        _ => Response::status(404),
    });
    let (_d, config, data) = setup();
    let out = run(&config, &data, &["add", &server.url("/")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no feed found at") && err.contains("/feed.xml"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&config).expect("r"), USER_CONFIG);
}

#[test]
fn remove_then_re_add_restores_read_state() {
    let server = Server::start(|_| Response::ok(rss("Kept", "k", 2)));
    let (_d, config, data) = setup();
    ok(run(
        &config,
        &data,
        &["add", &server.url("/feed"), "--name", "Kept"],
    ));
    ok(run(&config, &data, &["refresh", "--feed", "Kept"]));
    let ids: serde_json::Value =
        serde_json::from_str(&ok(run(&config, &data, &["list", "--json", "--feed", "Kept"]))).expect("json");
    let id = ids[0]["id"].as_i64().expect("id").to_string();
    ok(run(&config, &data, &["mark", &id, "--read"]));
    ok(run(&config, &data, &["mark", &id, "--star"]));
    let out = ok(run(&config, &data, &["remove", "Kept"]));
    assert!(out.contains("removed"), "{out}");
    assert_eq!(
        ok(run(&config, &data, &["list", "--starred", "--count"])).trim(),
        "0",
        "hidden while removed"
    );
    ok(run(&config, &data, &["add", &server.url("/feed")]));
    // Only the local feed: tests never reach the internet.
    ok(run(&config, &data, &["refresh", "--feed", &server.url("/feed")]));
    assert_eq!(
        ok(run(&config, &data, &["list", "--starred", "--count"])).trim(),
        "1"
    );
    assert_eq!(
        ok(run(
            &config,
            &data,
            &["list", "--unread", "--count", "--feed", &server.url("/feed")]
        ))
        .trim(),
        "1"
    );
    let missing = run(&config, &data, &["remove", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn every_tag_survives_an_export_and_import_and_tags_ignore_case() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[feed]]\nurl = \"https://a.example/rss\"\nname = \"A\"\ntags = [\"News\", \"rust\", \"#Linux\"]\n\n[[feed]]\nurl = \"https://b.example/rss\"\nname = \"B\"\ntags = [\"news\"]\n",
    )
    .expect("config");
    let data = dir.path().join("data");
    let loaded = Config::load(&config).expect("load");
    assert_eq!(
        feed(&loaded, "https://a.example/rss").tags,
        ["News", "rust", "Linux"]
    );
    assert_eq!(
        feed(&loaded, "https://b.example/rss").tags,
        ["News"],
        "spelled as first written"
    );
    assert_eq!(loaded.tags().len(), 3, "News and news are one tag");
    let opml = ok(run(&config, &data, &["export"]));
    let opml_file = dir.path().join("out.opml");
    std::fs::write(&opml_file, opml).expect("opml");
    let fresh = dir.path().join("fresh.toml");
    std::fs::write(&fresh, "# empty\n").expect("fresh");
    ok(run(
        &fresh,
        &dir.path().join("data2"),
        &["import", opml_file.to_str().expect("path")],
    ));
    let again = Config::load(&fresh).expect("reload");
    assert_eq!(
        feed(&again, "https://a.example/rss").tags,
        ["News", "rust", "Linux"]
    );
    assert_eq!(feed(&again, "https://b.example/rss").tags, ["News"]);
}

#[test]
fn remove_by_a_shared_name_is_refused_not_guessed() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    // Names that differ only in case are one name to a user, and so an error in the config.
    std::fs::write(
        &config,
        "[[feed]]\nurl = \"https://a.example/rss\"\nname = \"Blog\"\n\n[[feed]]\nurl = \"https://b.example/rss\"\nname = \"blog\"\n",
    )
    .expect("config");
    let out = run(&config, &dir.path().join("data"), &["remove", "Blog"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names two feeds"), "{err}");
    assert!(
        std::fs::read_to_string(&config)
            .expect("read")
            .contains("b.example"),
        "nothing removed"
    );
}

fn opml_with(url: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>x</title></head><body>\
         <outline type=\"rss\" text=\"F\" xmlUrl=\"{url}\"/></body></opml>"
    )
}

#[test]
fn twenty_imports_at_once_keep_twenty_feeds() {
    let (dir, config, data) = setup();
    let mut children = Vec::new();
    for i in 0..20 {
        let file = dir.path().join(format!("{i}.opml"));
        std::fs::write(&file, opml_with(&format!("https://f{i}.example/rss"))).expect("opml");
        let mut cmd = crate::support::tidings_cmd(&config, &data, &["import", file.to_str().expect("path")]);
        cmd.stdout(std::process::Stdio::null());
        children.push(cmd.spawn().expect("spawn"));
    }
    for mut c in children {
        assert!(c.wait().expect("wait").success());
    }
    let c = Config::load(&config).expect("load");
    assert_eq!(c.feeds.len(), 21, "the user's own feed plus twenty imported");
    assert!(
        std::fs::read_to_string(&config)
            .expect("read")
            .starts_with("# My feeds, curated by hand.")
    );
}

#[test]
fn a_symlinked_config_stays_a_symlink_and_import_refuses_file_urls() {
    let (dir, real, data) = setup();
    let link = dir.path().join("linked.toml");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let file = dir.path().join("x.opml");
    std::fs::write(&file, opml_with("https://new.example/rss")).expect("opml");
    ok(run(&link, &data, &["import", file.to_str().expect("path")]));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .expect("read")
            .contains("new.example")
    );
    std::fs::write(&file, opml_with("file:///dev/zero")).expect("opml");
    let out = ok(run(&link, &data, &["import", file.to_str().expect("path")]));
    assert!(out.contains("1 skipped: not an http(s) URL"), "{out}");
    assert!(
        !std::fs::read_to_string(&real)
            .expect("read")
            .contains("/dev/zero")
    );
}
