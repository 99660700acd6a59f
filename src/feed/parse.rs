//! Feed bytes and what HTTP said about them → [`ParsedFeed`]: text decoding (`prepare`), the
//! forgiving XML tree (`tree`) read as RSS, RDF, Atom or CDF (`read`), or JSON Feed (`json`),
//! with tidings' identity rules and every string sanitised.
//!
//! Identity (`NewArticle::key`): the entry's guid/id, else its canonical link, else a hash of
//! title and date (else of the content). Never random, and unchanged when only a title is
//! edited in a feed that has guids or links.

use sha2::{Digest, Sha256};
use url::Url;

use crate::model::{FeedMeta, NewArticle};
use crate::text::{index_text, sanitize_line};

use super::{json, prepare, read, tree};

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    pub meta: FeedMeta,
    pub articles: Vec<NewArticle>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("the response is empty")]
    Empty,
    /// With the feed the page announces (`<link rel="alternate">`), when it names one: most
    /// often the URL the config should have.
    #[error("the response is an HTML page, not a feed{}", .announces.as_deref().map(|u| format!("; the page announces the feed {u}")).unwrap_or_default())]
    HtmlPage { announces: Option<String> },
    #[error("the response is binary data{}, not a feed", .0.as_deref().map(|t| format!(" ({t})")).unwrap_or_default())]
    Binary(Option<String>),
    #[error("the body is gzip-compressed but cannot be unpacked: {0}")]
    Gzip(String),
    #[error("the body unpacks to more than the {limit}-byte limit")]
    TooLarge { limit: u64 },
    #[error("not a feed: {0}")]
    Invalid(String),
}

/// Where feed bytes came from: what HTTP said about them.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The final URL the bytes were fetched from.
    pub url: &'a Url,
    pub content_type: Option<&'a str>,
    /// `Content-Location`, which sets the document's base URI (RFC 9110 section 8.7).
    pub content_location: Option<&'a str>,
    /// `Content-Language`, the language of text that declares none.
    pub content_language: Option<&'a str>,
    /// Most bytes a body still gzip-compressed may unpack to (the fetch's size limit).
    pub max_size: u64,
}

impl<'a> Source<'a> {
    pub fn new(url: &'a Url) -> Self {
        Source {
            url,
            content_type: None,
            content_location: None,
            content_language: None,
            max_size: crate::config::DEFAULT_MAX_FEED_SIZE,
        }
    }

    /// The base URI of the document: `Content-Location` resolved against the URL.
    fn base(&self) -> Url {
        self.content_location
            .and_then(|l| self.url.join(l.trim()).ok())
            .unwrap_or_else(|| self.url.clone())
    }
}

/// The marker of [`parse_source`]'s debug-build panic.
#[cfg(debug_assertions)]
pub const TEST_PANIC: &[u8] = b"<!-- tidings:test-panic -->";

/// Parses a feed. `url` is the final URL it was fetched from (the base for relative links).
pub fn parse(bytes: &[u8], content_type: Option<&str>, url: &Url) -> Result<ParsedFeed, ParseError> {
    let mut source = Source::new(url);
    source.content_type = content_type;
    parse_source(bytes, &source)
}

/// Parses a feed with what HTTP said about it.
pub fn parse_source(bytes: &[u8], source: &Source) -> Result<ParsedFeed, ParseError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    // Debug builds only: a feed that asks for it makes the parser panic, so the tests can prove
    // that a crashing parser becomes that feed's error and never reaches the terminal.
    #[cfg(debug_assertions)]
    if bytes.windows(TEST_PANIC.len()).any(|w| w == TEST_PANIC) {
        panic!("the parser crashed on purpose (a debug-build test feed)");
    }
    let unpacked = prepare::gunzip_nested(bytes, source.max_size)?;
    let bytes: &[u8] = unpacked.as_deref().unwrap_or(bytes);
    let url = source.base();
    let text = prepare::decode(bytes, source.content_type);
    if prepare::looks_like_json(&text) {
        return json::read(&text, &url);
    }
    let explicit_base = source.content_location.is_some();
    // Bytes that are no text at all (an image, an archive at the feed's URL) are said to be
    // that, rather than reported as whatever element the parser happened to find in them.
    let binary = || ParseError::Binary(source.content_type.map(sanitize_line));
    let read = match tree::read(&text, &url, explicit_base, source.content_language) {
        Ok(root) => match read::read(&root) {
            Err(ParseError::Invalid(_)) if prepare::looks_binary(&text) => Err(binary()),
            other => other,
        },
        Err(tree::TreeError::NoRoot(_)) if prepare::looks_binary(&text) => Err(binary()),
        Err(tree::TreeError::NoRoot(why)) => {
            let head = text
                .trim_start()
                .get(..200)
                .unwrap_or(text.trim_start())
                .to_ascii_lowercase();
            if head.starts_with("<!doctype html") || head.starts_with("<html") {
                Err(ParseError::HtmlPage { announces: None })
            } else {
                Err(ParseError::Invalid(match why {
                    Some(e) => format!("no XML element could be read ({})", sanitize_line(&e)),
                    None => "no XML element in the document".into(),
                }))
            }
        }
    };
    match read {
        Err(ParseError::HtmlPage { .. }) => Err(ParseError::HtmlPage {
            announces: announced_feed(&text, &url, source.url),
        }),
        other => other,
    }
}

/// The first feed an HTML page announces, unless it is the URL that gave the page.
fn announced_feed(html: &str, page: &Url, fetched: &Url) -> Option<String> {
    super::discover::discover(html, page)
        .into_iter()
        .map(|c| c.url)
        .find(|u| u != fetched.as_str())
}

/// The title tidings gives an article whose feed gave it none.
pub fn placeholder_title(a: &NewArticle) -> String {
    untitled(a.content.as_deref().or(a.summary.as_deref()))
}

/// The title for an entry without one, from its body HTML.
pub(crate) fn placeholder_for(body: Option<&str>) -> String {
    untitled(body)
}

/// A title for an entry that has none (microblogs): the start of its text.
fn untitled(body: Option<&str>) -> String {
    let text = body.map(index_text).unwrap_or_default();
    if text.is_empty() {
        return "(untitled)".into();
    }
    let mut out: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        if let Some(cut) = out.rfind(' ').filter(|&i| i > 40) {
            out.truncate(cut);
        }
        out.push('…');
    }
    out
}

/// The stable identity of an entry within its feed.
pub fn entry_key(
    id: &str,
    link: Option<&str>,
    title: &str,
    published: Option<chrono::DateTime<chrono::Utc>>,
    body: Option<&str>,
) -> String {
    let id = id.trim();
    if !id.is_empty() {
        return format!("g:{id}");
    }
    if let Some(link) = link {
        return format!("l:{}", canonical_link(link));
    }
    let mut h = Sha256::new();
    h.update(title.as_bytes());
    h.update([0]);
    match published {
        Some(p) => h.update(p.timestamp().to_le_bytes()),
        None => h.update(body.unwrap_or("").as_bytes()),
    }
    let digest: String = h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("h:{digest}")
}

/// A link normalised so trivial differences (fragment, host case, default port, trailing
/// slash) do not make a new identity.
pub fn canonical_link(link: &str) -> String {
    match Url::parse(link) {
        Ok(mut u) => {
            u.set_fragment(None);
            let mut s = u.to_string();
            if s.ends_with('/') && u.path() != "/" {
                s.pop();
            }
            s
        }
        Err(_) => link.trim().to_string(),
    }
}

/// A running time in seconds from the forms feeds use: `3600`, `90.5`, `MM:SS`, `H:MM:SS`
/// (iTunes), or `1:02:03.250`. Anything else, or a time of zero, is no time.
pub(crate) fn duration_seconds(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.trim().is_empty()) {
        return None;
    }
    let mut total = 0f64;
    for (i, p) in parts.iter().enumerate() {
        let v: f64 = p
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
        // Only the first part may exceed 59 (`90:00` is ninety minutes).
        if i > 0 && v >= 60.0 {
            return None;
        }
        total = total * 60.0 + v;
    }
    let secs = total.round();
    (1.0..1e9).contains(&secs).then_some(secs as u64)
}

/// Adds an item category as stored: one line, no commas (the store joins them with commas),
/// without case duplicates, at most 32 per item.
pub(crate) fn add_category(out: &mut Vec<String>, raw: &str) {
    let value = sanitize_line(raw.trim()).replace(',', " ");
    if !value.is_empty() && out.len() < 32 && !out.iter().any(|v| v.eq_ignore_ascii_case(&value)) {
        out.push(value);
    }
}

/// Resolves a possibly relative link; only http(s) and mailto survive.
pub(crate) fn resolve(base: &Url, href: &str) -> Option<String> {
    let href = sanitize_line(href);
    let url = base.join(&href).ok()?;
    matches!(url.scheme(), "http" | "https" | "mailto").then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://example.org/feed.xml").expect("url")
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        gzip_at(bytes, flate2::Compression::fast())
    }

    fn gzip_at(bytes: &[u8], level: flate2::Compression) -> Vec<u8> {
        use std::io::Write as _;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), level);
        gz.write_all(bytes).expect("gzip");
        gz.finish().expect("gzip")
    }

    /// The bytes of `tests/fixtures/feeds/NAME`, as stored.
    fn fixture(name: &str) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
        std::fs::read(dir.join(name)).expect("fixture")
    }

    /// The real 730-item podcast feed, as stored (gzip -9).
    fn giantbomb_gz() -> Vec<u8> {
        fixture("rss2-podcast-giantbomb-730-items.xml.gz")
    }

    /// Bytes as random as a compressed file or an image's, the same on every run.
    fn noise(n: usize, mut seed: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed.to_le_bytes()[3]
            })
            .collect()
    }

    #[test]
    fn a_body_still_gzip_is_unpacked_once_or_twice() {
        let packed = giantbomb_gz();
        let once = parse(&packed, Some("application/x-gzip"), &url()).expect("a .xml.gz served as a file");
        assert_eq!(once.articles.len(), 730);
        assert_eq!(once.meta.title.as_deref(), Some("Giant Bombcast"));
        // Compressed once more (an application's gzip behind a server's): the same feed.
        let twice = parse(&gzip(&packed), None, &url()).expect("gzip twice");
        assert_eq!(twice, once);
        // Three layers is past what any server does: refused, not unpacked without end.
        assert!(parse(&gzip(&gzip(&packed)), None, &url()).is_err());
    }

    #[test]
    fn a_gzip_body_is_unpacked_within_the_size_limit_and_a_broken_one_is_named() {
        let packed = giantbomb_gz();
        let u = url();
        let mut source = Source::new(&u);
        source.max_size = 1 << 20;
        assert_eq!(
            parse_source(&packed, &source),
            Err(ParseError::TooLarge { limit: 1 << 20 })
        );
        // A bomb: 32 MiB of zeros in about 32 KiB, stopped at the limit, not unpacked whole.
        let bomb = gzip_at(&vec![0u8; 32 << 20], flate2::Compression::best());
        assert!(bomb.len() < 64 << 10, "{}", bomb.len());
        assert_eq!(
            parse_source(&bomb, &source),
            Err(ParseError::TooLarge { limit: 1 << 20 })
        );
        let cut = &packed[..packed.len() / 2];
        match parse(cut, None, &u) {
            Err(e @ ParseError::Gzip(_)) => {
                assert!(
                    e.to_string()
                        .starts_with("the body is gzip-compressed but cannot be unpacked"),
                    "{e}"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn binary_bytes_are_called_binary_and_no_real_feed_is() {
        let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &noise(4096, 7)].concat();
        let e = parse(&png, Some("image/png"), &url()).expect_err("an image");
        assert_eq!(e, ParseError::Binary(Some("image/png".into())));
        assert_eq!(
            e.to_string(),
            "the response is binary data (image/png), not a feed"
        );
        // Noise that happens to hold a `<`: still binary, not "the document is <…>".
        let mut noisy = noise(4096, 11);
        noisy[100..103].copy_from_slice(b"<Q ");
        assert_eq!(parse(&noisy, None, &url()), Err(ParseError::Binary(None)));
        // A document that is text but no feed keeps its own message.
        let svg = parse(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", None, &url()).expect_err("svg");
        assert_eq!(svg.to_string(), "not a feed: the document is <svg>");
        for (i, bytes) in super::fuzz::real_feeds().iter().enumerate() {
            let text = prepare::decode(bytes, None);
            assert!(!prepare::looks_binary(&text), "fixture {i} looks binary");
        }
    }

    #[test]
    fn ids_are_stable_without_guid_and_across_title_edits() {
        let a = r#"<rss version="2.0"><channel><title>T</title>
            <item><title>First</title><link>/a#frag</link></item>
            <item><title>No link</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item>
            </channel></rss>"#;
        let b = a.replace("<title>First</title>", "<title>First (edited)</title>");
        let pa = parse(a.as_bytes(), None, &url()).expect("a");
        let pa2 = parse(a.as_bytes(), None, &url()).expect("a again");
        let pb = parse(b.as_bytes(), None, &url()).expect("b");
        assert_eq!(pa.articles[0].key, "l:https://example.org/a");
        assert_eq!(pa.articles[0].key, pb.articles[0].key);
        assert_eq!(pa.articles[1].key, pa2.articles[1].key);
        assert!(pa.articles[1].key.starts_with("h:"));
        assert_eq!(pa.articles[0].link.as_deref(), Some("https://example.org/a#frag"));
    }

    #[test]
    fn broken_escapes_and_forbidden_references_cost_no_markup() {
        let xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>c</title>\
            <item><title>red \u{1b}[31</title><guid>1</guid></item>\
            <item><title>osc \u{1b}]0;evil</title><guid>2</guid></item>\
            <item><title>nul&#0;here</title><guid>3</guid></item>\
            </channel></rss>";
        let parsed = parse(xml.as_bytes(), Some("application/rss+xml"), &url()).expect("parses");
        let titles: Vec<&str> = parsed.articles.iter().map(|a| a.title.as_str()).collect();
        // The broken sequences go up to where they break; the markup after them stays.
        assert_eq!(titles, ["red", "osc", "nulhere"]);
    }

    #[test]
    fn hostile_strings_are_sanitised_and_bad_schemes_dropped() {
        let xml = "<rss version=\"2.0\"><channel><title>x\u{1b}[2Jy</title><item><guid>1</guid><title>a&#x1b;]52;c;aGk=&#x7;b</title><link>javascript:alert(1)</link><description>&lt;p&gt;hi&#x9b;31m&lt;/p&gt;</description></item></channel></rss>";
        let p = parse(xml.as_bytes(), None, &url()).expect("parses");
        assert_eq!(p.meta.title.as_deref(), Some("xy"));
        let a = &p.articles[0];
        assert_eq!(a.title, "ab");
        assert_eq!(a.link, None);
        assert!(
            !a.summary
                .as_deref()
                .unwrap_or("")
                .chars()
                .any(crate::text::is_forbidden)
        );
    }

    #[test]
    fn html_page_is_a_specific_error() {
        let err = parse(b"<!DOCTYPE html><html><body>hi</body></html>", None, &url()).expect_err("html");
        assert_eq!(err, ParseError::HtmlPage { announces: None });
        // The page names its feed: the error says which URL to subscribe to instead.
        let page = br#"<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="rss.xml"></head><body>hi</body></html>"#;
        let err = parse(page, None, &url()).expect_err("html");
        assert_eq!(
            err.to_string(),
            "the response is an HTML page, not a feed; the page announces the feed https://example.org/rss.xml"
        );
        // A page that announces only the URL it came from gives no advice.
        let itself = br#"<html><head><link rel="alternate" type="application/atom+xml" href="/feed.xml"></head></html>"#;
        assert_eq!(
            parse(itself, None, &url()),
            Err(ParseError::HtmlPage { announces: None })
        );
        // A real page (Daring Fireball's home page, from tests/fixtures/feeds).
        let real = fixture("html-page-daringfireball-autodiscovery.html");
        let home = Url::parse("https://daringfireball.net/").expect("url");
        assert_eq!(
            parse(&real, Some("text/html"), &home),
            Err(ParseError::HtmlPage {
                announces: Some("https://daringfireball.net/feeds/main".into())
            })
        );
        assert_eq!(
            parse(b"  \n", None, &url()).expect_err("empty"),
            ParseError::Empty
        );
    }
}

#[cfg(test)]
mod fuzz {
    //! Property tests for ingestion: feed-shaped and arbitrary bytes through parse and store.
    use super::*;
    use proptest::prelude::*;

    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ]{0,40}",
            Just("&amp;&lt;b&gt;&#x1b;[31m&#0;&#xD800;&nbsp;".to_string()),
            Just("\u{1b}]52;c;eA==\u{7}\u{9b}\u{202e}\u{0}".to_string()),
            Just("<![CDATA[<p>x</p>]]>".to_string()),
            Just("]]>".to_string()),
            Just("日本語 🎉 e\u{301}".to_string()),
            any::<String>(),
        ]
    }

    fn item() -> impl Strategy<Value = String> {
        (
            prop::option::of(field()),
            prop::option::of(field()),
            prop::option::of(field()),
            prop::option::of(field()),
        )
            .prop_map(|(guid, title, link, desc)| {
                let mut s = String::from("<item>");
                for (tag, v) in [
                    ("guid", guid),
                    ("title", title),
                    ("link", link),
                    ("description", desc),
                ] {
                    if let Some(v) = v {
                        s.push_str(&format!("<{tag}>{v}</{tag}>"));
                    }
                }
                s.push_str("</item>");
                s
            })
    }

    fn feed_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(item(), 0..6).prop_map(|items| format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>{}</channel></rss>",
                items.concat()
            )
            .into_bytes()),
            prop::collection::vec(field(), 0..6).prop_map(|titles| {
                let entries: String = titles.iter().enumerate().map(|(i, t)| format!("<entry><id>{i}</id><title>{t}</title></entry>")).collect();
                format!("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>a</title>{entries}</feed>").into_bytes()
            }),
            prop::collection::vec(field(), 0..6).prop_map(|titles| {
                let items: Vec<serde_json::Value> = titles.iter().enumerate().map(|(i, t)| serde_json::json!({"id": i.to_string(), "title": t, "content_html": t, "tags": t})).collect();
                serde_json::json!({"version": "https://jsonfeed.org/version/1.1", "title": "j", "items": items}).to_string().into_bytes()
            }),
            prop::collection::vec(any::<u8>(), 0..400),
        ]
        .prop_flat_map(|bytes| {
            let len = bytes.len();
            // Sometimes cut the document short, as servers that die mid-body do.
            (Just(bytes), 0..=len).prop_map(|(b, cut)| if cut % 3 == 0 { b[..cut].to_vec() } else { b })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn parse_and_store_never_panic_and_store_only_clean_text(bytes in feed_bytes()) {
            let url = Url::parse("https://example.org/feed").expect("url");
            let Ok(parsed) = parse(&bytes, None, &url) else { return Ok(()) };
            for a in &parsed.articles {
                prop_assert!(!a.title.chars().any(crate::text::is_forbidden));
                prop_assert!(!a.key.is_empty());
                prop_assert!(a.link.as_deref().is_none_or(|l| l.starts_with("http") || l.starts_with("mailto:")));
            }
            let dir = tempfile::tempdir().expect("tmp");
            let mut store = crate::store::Store::open(&dir.path().join("f.db")).expect("open");
            let feed = store.sync_feeds(&[url.as_str().into()], chrono::Utc::now()).expect("sync")[0];
            store.ingest(feed, &parsed.meta, &parsed.articles, chrono::Utc::now()).expect("ingest");
            let again = store.ingest(feed, &parsed.meta, &parsed.articles, chrono::Utc::now()).expect("again");
            prop_assert_eq!(again.new, 0, "re-ingesting the same bytes adds nothing");
            let q = crate::model::Query::default();
            for h in store.headlines(&q, 0, 100).expect("heads") {
                prop_assert!(!h.title.chars().any(crate::text::is_forbidden));
            }
        }
    }

    /// The real feeds of `tests/fixtures/feeds`, read once.
    pub(super) fn real_feeds() -> &'static [Vec<u8>] {
        static FEEDS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
        FEEDS.get_or_init(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
            let mut names: Vec<_> = std::fs::read_dir(&dir)
                .expect("tests/fixtures/feeds")
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x != "tsv" && x != "gz"))
                .collect();
            names.sort();
            names.iter().map(|p| std::fs::read(p).expect("fixture")).collect()
        })
    }

    /// How a real feed is damaged: cut short, bytes flipped, a piece of another feed spliced
    /// in, or a piece repeated (growth).
    #[derive(Debug, Clone)]
    enum Damage {
        Truncate(prop::sample::Index),
        Flip(Vec<(prop::sample::Index, u8)>),
        Splice {
            from: prop::sample::Index,
            at: prop::sample::Index,
            start: prop::sample::Index,
            len: usize,
        },
        Repeat {
            start: prop::sample::Index,
            len: usize,
            times: usize,
        },
    }

    fn damage() -> impl Strategy<Value = Damage> {
        prop_oneof![
            any::<prop::sample::Index>().prop_map(Damage::Truncate),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16).prop_map(Damage::Flip),
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                1usize..4096
            )
                .prop_map(|(from, at, start, len)| Damage::Splice { from, at, start, len }),
            (any::<prop::sample::Index>(), 1usize..512, 1usize..200)
                .prop_map(|(start, len, times)| Damage::Repeat { start, len, times }),
        ]
    }

    fn apply(feed: &[u8], d: &Damage) -> Vec<u8> {
        let feeds = real_feeds();
        let mut out = feed.to_vec();
        if out.is_empty() {
            return out;
        }
        match d {
            Damage::Truncate(at) => out.truncate(at.index(feed.len())),
            Damage::Flip(flips) => {
                for (at, b) in flips {
                    let i = at.index(out.len());
                    out[i] = *b;
                }
            }
            Damage::Splice { from, at, start, len } => {
                let other = &feeds[from.index(feeds.len())];
                let s = start.index(other.len().max(1)).min(other.len());
                let piece = &other[s..(s + len).min(other.len())];
                let at = at.index(out.len());
                out.splice(at..at, piece.iter().copied());
            }
            Damage::Repeat { start, len, times } => {
                let s = start.index(out.len());
                let piece = out[s..(s + len).min(out.len())].to_vec();
                for _ in 0..*times {
                    out.splice(s..s, piece.iter().copied());
                }
            }
        }
        out
    }

    /// Cases per run: `TIDINGS_FUZZ_CASES` (CI runs many more), else a quick 128.
    fn cases() -> u32 {
        std::env::var("TIDINGS_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(128)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]
        #[test]
        fn damaged_real_feeds_never_panic_and_stay_bounded(which in any::<prop::sample::Index>(), d in damage()) {
            let feeds = real_feeds();
            let bytes = apply(&feeds[which.index(feeds.len())], &d);
            let url = Url::parse("https://example.org/feed").expect("url");
            let started = std::time::Instant::now();
            let result = parse(&bytes, None, &url);
            // A hang guard, not a benchmark: the largest fixture parses in milliseconds.
            prop_assert!(started.elapsed() < std::time::Duration::from_secs(10));
            match result {
                Ok(parsed) => {
                    // What a feed yields is bounded by what it sent.
                    let size: usize = parsed.articles.iter().map(|a| {
                        a.title.len() + a.summary.as_ref().map_or(0, String::len) + a.content.as_ref().map_or(0, String::len)
                    }).sum();
                    prop_assert!(size <= bytes.len() * 4 + 200 * parsed.articles.len() + 4096, "{size} from {}", bytes.len());
                    prop_assert!(parsed.articles.len() <= bytes.len() / 6 + 1);
                    for a in &parsed.articles {
                        prop_assert!(!a.title.chars().any(crate::text::is_forbidden));
                        prop_assert!(!a.key.is_empty());
                    }
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
