//! Full-article extraction end to end: a feed that ships only a teaser, its article page served
//! on 127.0.0.1 with a cookie-consent dialog, a newsletter box and a footer after the article.

use crate::support::{Response, Server};

const ARTICLE_PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>The quiet reader</title></head>
<body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>The quiet reader</h1>
<p>Terminal news readers have existed for decades, and their users care about one thing above all: reading without distraction, at their own pace, with the keyboard.</p>
<p>The second paragraph explains that extraction keeps the article's own paragraphs in order, even when the page around it is full of furniture that nobody came to read.</p>
<p>A third paragraph mentions that links inside the article, such as <a href="/background">the background piece</a>, become numbered references listed at the end.</p>
<p>The fourth and final paragraph closes the story with a sentence long enough to be counted as real content by any readability scorer worth its salt.</p>
</article></main>
<div id="cookie-consent" class="consent-dialog" role="dialog"><h2>Your privacy</h2><p>We use cookies to improve your experience. By clicking Accept all you agree to our cookie policy.</p><button>Accept all</button><button>Reject</button></div>
<div class="newsletter-box"><h3>Never miss a story</h3><p>Sign up for our newsletter and get the best stories in your inbox every morning.</p><form><input type="email"><button>Subscribe</button></form></div>
<footer><p>© 2026 Example Media. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"#;

#[test]
fn show_full_extracts_the_article_without_consent_newsletter_or_footer() {
    let server = Server::start(move |req| match req.path.as_str() {
        "/feed" => {
            let link = format!("http://{}/story", req.header("host").unwrap_or(""));
            Response::ok(format!(
                "<rss version=\"2.0\"><channel><title>Teasers</title><item><guid>1</guid><title>The quiet reader</title><link>{link}</link><description>Only a teaser.</description></item></channel></rss>"
            ))
        }
        "/story" => Response::ok(ARTICLE_PAGE).header("Content-Type", "text/html; charset=utf-8"),
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[feed]]\nurl = \"{}\"\nname = \"Teasers\"\n",
            server.url("/feed")
        ),
    )
    .expect("w");
    let data = dir.path().join("data");
    let run = |args: &[&str]| crate::support::tidings_ok(&config, &data, args);
    run(&["refresh"]);
    let teaser = run(&["show", "1"]);
    assert!(teaser.contains("Only a teaser."), "{teaser}");
    let full = run(&["show", "1", "--full", "--width", "60"]);
    for want in [
        "Terminal news readers have existed",
        "The second paragraph",
        "final paragraph closes",
    ] {
        assert!(full.contains(want), "missing {want:?}:\n{full}");
    }
    assert!(full.find("The second paragraph") < full.find("final paragraph closes"));
    for unwanted in [
        "cookies",
        "Accept all",
        "newsletter",
        "Subscribe",
        "All rights reserved",
        "Privacy",
        "Sport",
    ] {
        assert!(!full.contains(unwanted), "{unwanted:?} survived:\n{full}");
    }
    assert!(
        full.contains("[1]") && full.contains("/background"),
        "links are numbered and listed:\n{full}"
    );
    assert!(full.lines().all(|l| tidings::text::wrap::width(l) <= 60));
    assert_eq!(server.hits("/story"), 1);
    // Cached: reads offline later without fetching again.
    drop(server);
    let again = run(&["show", "1", "--full"]);
    assert!(again.contains("The second paragraph"), "{again}");
}

#[test]
fn full_text_failure_falls_back_to_the_summary_with_a_note() {
    let server = Server::start(|req| match req.path.as_str() {
        "/feed" => Response::ok(format!(
            "<rss version=\"2.0\"><channel><title>T</title><item><guid>1</guid><title>Gone</title><link>http://{}/gone</link><description>Short summary.</description></item></channel></rss>",
            req.header("host").unwrap_or("")
        )),
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[feed]]\nurl = \"{}\"\nfull_text = true\n", server.url("/feed")),
    )
    .expect("w");
    let data = dir.path().join("data");
    let run = |args: &[&str]| crate::support::tidings(&config, &data, args);
    assert!(run(&["refresh"]).status.success());
    let out = run(&["show", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("full text unavailable: cannot fetch the page: HTTP 404"),
        "{text}"
    );
    assert!(text.contains("Short summary."), "{text}");
}

/// A site's template is learnt from its cached pages: a promo that reads like prose, under a
/// neutral class name, recurs on every story of the site, so from the third story on it is
/// furniture; the stories' own paragraphs stay.
#[test]
fn a_block_that_recurs_on_the_sites_pages_is_dropped_from_the_next() {
    const PROMO: &str = "Our reporters travel the whole valley every week so that you can read \
        the stories that matter to the people who live along the river.";
    let page = |n: usize| {
        let own: String = (0..5)
            .map(|i| format!("<p>Story {n} paragraph {i} says something only story {n} says, at enough length to count as the article's own text for any scorer.</p>"))
            .collect();
        format!(
            "<html><body><article><h1>Story {n}</h1>{own}<div class=\"k2\"><p>{PROMO}</p></div></article></body></html>"
        )
    };
    let server = Server::start(move |req| match req.path.as_str() {
        "/feed" => {
            let host = req.header("host").unwrap_or("").to_string();
            let items: String = (1..=3)
                .map(|n| {
                    format!(
                        "<item><guid>{n}</guid><title>Story {n}</title><link>http://{host}/s{n}</link></item>"
                    )
                })
                .collect();
            Response::ok(format!(
                "<rss version=\"2.0\"><channel><title>Valley</title>{items}</channel></rss>"
            ))
        }
        p if p.starts_with("/s") => {
            let n: usize = p[2..].parse().unwrap_or(0);
            Response::ok(page(n)).header("Content-Type", "text/html; charset=utf-8")
        }
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("[[feed]]\nurl = \"{}\"\n", server.url("/feed"))).expect("w");
    let data = dir.path().join("data");
    let run = |args: &[&str]| crate::support::tidings_ok(&config, &data, args);
    run(&["refresh"]);
    let promo_start = "Our reporters travel the whole valley";
    let ids: Vec<String> = crate::support::tidings_ok(&config, &data, &["list", "--json"])
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .flat_map(|v| match v {
            serde_json::Value::Array(a) => a,
            other => vec![other],
        })
        .map(|v| v["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    let mut shown = Vec::new();
    for id in ids.iter().rev() {
        shown.push(run(&["show", id, "--full", "--width", "200"]));
    }
    assert!(
        shown[0].contains(promo_start),
        "the first page has nothing to learn from"
    );
    assert!(
        shown[1].contains(promo_start),
        "one earlier page is not yet a template"
    );
    assert!(
        !shown[2].contains(promo_start),
        "the third page drops it:\n{}",
        shown[2]
    );
    assert!(
        shown[2].contains("paragraph 4 says something only story"),
        "{}",
        shown[2]
    );
}
