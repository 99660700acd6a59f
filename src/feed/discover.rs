//! Autodiscovery: the feeds a web page announces with `<link rel="alternate">`, and the common
//! paths to try when it announces none. Pure: the caller fetches.

use dom_query::Document;
use url::Url;

/// A feed a page points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub url: String,
    pub title: Option<String>,
    /// "RSS", "Atom" or "JSON Feed".
    pub kind: &'static str,
}

/// Paths tried on the page's origin when it announces no feed.
pub const COMMON_PATHS: &[&str] = &[
    "/feed",
    "/rss",
    "/feed.xml",
    "/atom.xml",
    "/rss.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
];

/// Whether the bytes look like an HTML page rather than a feed.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<head")
        || head.contains("<body")
}

/// The feeds announced by `<link rel="alternate" type="...">`, resolved against `<base href>`
/// or the page URL, in page order, without duplicates.
pub fn discover(html: &str, page: &Url) -> Vec<Candidate> {
    let doc = Document::from(html);
    let base = doc
        .select("base[href]")
        .attr("href")
        .and_then(|h| page.join(&h).ok())
        .unwrap_or_else(|| page.clone());
    let mut out: Vec<Candidate> = Vec::new();
    for link in doc.select("link[href]").iter() {
        let rel = link
            .attr("rel")
            .map(|r| r.to_ascii_lowercase())
            .unwrap_or_default();
        if !rel.split_whitespace().any(|r| r == "alternate" || r == "feed") {
            continue;
        }
        let ty = link
            .attr("type")
            .map(|t| t.to_ascii_lowercase())
            .unwrap_or_default();
        let kind = match ty.trim() {
            "application/rss+xml" | "application/rdf+xml" => "RSS",
            "application/atom+xml" => "Atom",
            "application/feed+json" | "application/json" => "JSON Feed",
            _ => continue,
        };
        let href = link.attr("href").map(|h| h.to_string()).unwrap_or_default();
        let Ok(url) = base.join(href.trim()) else { continue };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        let url = url.to_string();
        if out.iter().any(|c| c.url == url) {
            continue;
        }
        let title = link
            .attr("title")
            .map(|t| crate::text::sanitize_line(&t))
            .filter(|t| !t.is_empty());
        out.push(Candidate { url, title, kind });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_alternate_links_relative_and_absolute() {
        let page = Url::parse("https://example.org/blog/post").expect("url");
        let html = r#"<html><head>
            <link rel="alternate" type="application/rss+xml" title="Posts" href="feed.xml">
            <link rel="alternate" type="application/atom+xml" href="/atom.xml">
            <link rel="alternate" type="application/feed+json" href="https://cdn.example/f.json">
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel="stylesheet" type="text/css" href="/s.css">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body></body></html>"#;
        let c = discover(html, &page);
        let urls: Vec<&str> = c.iter().map(|c| c.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.org/blog/feed.xml",
                "https://example.org/atom.xml",
                "https://cdn.example/f.json"
            ]
        );
        assert_eq!(c[0].title.as_deref(), Some("Posts"));
        assert_eq!(c[1].kind, "Atom");
    }

    #[test]
    fn a_page_without_feeds_has_no_candidates() {
        let page = Url::parse("https://example.org/").expect("url");
        assert!(discover("<html><head><title>x</title></head></html>", &page).is_empty());
        assert!(looks_like_html("<!DOCTYPE html><html>"));
        assert!(!looks_like_html("<?xml version='1.0'?><rss>"));
    }
}
