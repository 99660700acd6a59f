//! A feed tree ([`super::tree`]) read as RSS 0.9x/1.0/2.0, RDF, Atom 0.3/1.0 or CDF.
//!
//! One reader for every XML format, because real feeds mix them: elements are recognised by
//! what they mean (their local name in the feed's own vocabulary, or an extension namespace
//! such as Dublin Core, content, Media RSS, iTunes), never by one spelling of a namespace.
//! The feed's vocabulary is no namespace, the root element's, the namespace its channel and
//! items are written in, and the Atom and RSS 1.0 namespaces. Items and entries are found
//! wherever they are (an RDF item is the channel's sibling, a broken RSS has them under the
//! root), as feedparser finds them.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use url::Url;

use super::date;
use super::parse::{ParseError, ParsedFeed, entry_key, placeholder_for, resolve};
use super::tree::{Element, ns};
use crate::model::{Enclosure, FeedMeta, NewArticle};
use crate::text::{escape_xml, index_text, sanitize_line, sanitize_text};

/// Reads a feed from its root element.
pub fn read(root: &Element) -> Result<ParsedFeed, ParseError> {
    if root.is("html") && (root.ns.is_empty() || root.ns == ns::XHTML) {
        return Err(ParseError::HtmlPage { announces: None });
    }
    let vocab = Vocabulary::of(root);
    let mut entries = Vec::new();
    let mut channel = None;
    find(root, &vocab, &mut entries, &mut channel);
    let known = root.is("rss") || root.is("rdf") || root.is("feed") || root.is("channel");
    if !known && entries.is_empty() && channel.is_none() {
        return Err(ParseError::Invalid(format!(
            "the document is <{}>",
            sanitize_line(&root.name)
        )));
    }
    // An item the document ended inside is half an item: the next fetch brings it whole, and
    // storing this half would give it a body cut short (and, without a guid, a wrong key).
    let whole = entries.iter().filter(|e| !e.cut_short).count();
    if whole == 0 && !entries.is_empty() {
        return Err(ParseError::Invalid(
            "the document ends inside its first item: it was cut short".into(),
        ));
    }
    entries.retain(|e| !e.cut_short);
    let head = if root.is("feed") {
        root
    } else {
        channel.unwrap_or(root)
    };
    let r = Reader { vocab };
    let feed_author = r.author(head);
    let meta = FeedMeta {
        title: r.title(head),
        site_link: r.link(head),
    };
    let articles = entries
        .into_iter()
        .map(|e| r.entry(e, feed_author.as_deref()))
        .collect();
    Ok(ParsedFeed { meta, articles })
}

/// The namespaces that hold the feed's own elements.
struct Vocabulary {
    spaces: Vec<String>,
}

impl Vocabulary {
    fn of(root: &Element) -> Self {
        let mut spaces = vec![
            String::new(),
            ns::ATOM.into(),
            ns::ATOM03.into(),
            ns::RSS10.into(),
        ];
        spaces.push(root.ns.clone());
        // RSS 0.90 and RSS 1.0 put the channel and items in their own namespace under rdf:RDF.
        if let Some(e) = root.elements().find(|e| e.is("channel") || e.is("item")) {
            spaces.push(e.ns.clone());
        }
        Vocabulary { spaces }
    }

    fn core(&self, e: &Element) -> bool {
        !is_extension(&e.ns) && self.spaces.contains(&e.ns)
    }
}

/// Namespaces that extend a feed rather than being one.
fn is_extension(uri: &str) -> bool {
    [ns::DC, ns::DCTERMS, ns::CONTENT, ns::MEDIA, ns::ITUNES, ns::XHTML].contains(&uri) || uri.ends_with(':')
}

fn find<'a>(
    e: &'a Element,
    vocab: &Vocabulary,
    entries: &mut Vec<&'a Element>,
    channel: &mut Option<&'a Element>,
) {
    for c in e.elements() {
        if vocab.core(c) && (c.is("item") || c.is("entry")) {
            entries.push(c);
        } else {
            if channel.is_none() && vocab.core(c) && c.is("channel") {
                *channel = Some(c);
            }
            find(c, vocab, entries, channel);
        }
    }
}

/// What a text construct holds once its `type` and `mode` are applied.
enum Body {
    Text(String),
    Html(String),
}

impl Body {
    /// For a title line: text as written, HTML as its words.
    fn line(&self) -> String {
        match self {
            Body::Text(t) => sanitize_line(t),
            Body::Html(h) => html_line(h),
        }
    }

    /// For the article pane, which renders HTML.
    fn html(self) -> String {
        match self {
            Body::Text(t) => escape_xml(&t).replace('\n', "<br>"),
            Body::Html(h) => h,
        }
    }
}

/// HTML to one line of words; a title escaped twice (`&amp;eacute;`) is unescaped twice.
fn html_line(h: &str) -> String {
    let once = index_text(h);
    if once.contains("&amp;") || once.contains("&lt;") || once.contains("&#") {
        return index_text(&once);
    }
    once
}

/// What an element holds when it says nothing about it (no `type`, no `mode`).
#[derive(Clone, Copy)]
enum Untyped {
    /// Atom's default: plain text.
    Text,
    /// RSS descriptions and content: HTML.
    Html,
    /// RSS titles: HTML if it looks like HTML (a tag or an entity), else text.
    Guess,
}

/// The default for an element: Atom's elements are text, the others as `other` says.
fn untyped(e: &Element, other: Untyped) -> Untyped {
    if e.ns == ns::ATOM || e.ns == ns::ATOM03 {
        Untyped::Text
    } else {
        other
    }
}

/// A title whose markup nobody declared (RSS, JSON Feed): HTML if it looks like HTML, with
/// a twice-escaped one unescaped twice, else text as written.
pub(crate) fn title_line(t: &str) -> String {
    if looks_like_html(t) {
        html_line(t)
    } else {
        sanitize_line(t)
    }
}

fn looks_like_html(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        (c == b'<'
            && b.get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'/' || *n == b'!'))
            || (c == b'&' && s[i..].find(';').is_some_and(|n| n > 1 && n < 34))
    })
}

/// Reads a text construct (Atom `title`, `summary`, `content`, RSS elements with a `type`):
/// Atom 1.0 `type` (`text`, `html`, `xhtml`, or a MIME type: XML types inline, other non-text
/// types base64) and Atom 0.3 `mode` (`xml`, `escaped`, `base64`).
fn construct(e: &Element, default: Untyped) -> Body {
    let ty = e
        .attr("type")
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mode = e
        .attr("mode")
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if ty.is_empty() && mode.is_empty() {
        return match default {
            // Markup written inline in a text element: its words (`Example <b>Atom</b>`).
            Untyped::Text => Body::Text(e.text()),
            _ if e.has_element_children() => Body::Html(e.inner_markup()),
            Untyped::Html => Body::Html(e.text()),
            Untyped::Guess => {
                let t = e.text();
                if looks_like_html(&t) {
                    Body::Html(t)
                } else {
                    Body::Text(t)
                }
            }
        };
    }
    let markup = ty == "xhtml" || ty.ends_with("+xml") || ty.ends_with("/xml");
    let html = ty == "html" || ty == "text/html";
    let text = ty.is_empty() || ty == "text" || ty.starts_with("text/");
    // Atom 1.0: any other MIME type is base64 (RFC 4287 section 4.1.3.3). Elsewhere an
    // unknown type (Media RSS `plain`) is text.
    let binary = !(markup || html || text) && e.ns == ns::ATOM;
    if mode == "base64" || (binary && mode.is_empty()) {
        let raw: String = e.text().split_whitespace().collect();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(raw.as_bytes())
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_else(|| e.text());
        return if html {
            Body::Html(decoded)
        } else {
            Body::Text(decoded)
        };
    }
    if mode == "escaped" {
        return if text && !html {
            Body::Text(e.text())
        } else {
            Body::Html(e.text())
        };
    }
    if markup || (html && e.has_element_children()) {
        return Body::Html(e.inner_markup());
    }
    if html {
        return Body::Html(e.text());
    }
    Body::Text(e.text())
}

struct Reader {
    vocab: Vocabulary,
}

/// The children of `e` that are elements named `name` in namespace `space`
/// (`None`: the feed's own vocabulary).
fn named<'a>(
    r: &'a Reader,
    e: &'a Element,
    space: Option<&'a str>,
    name: &'a str,
) -> impl Iterator<Item = &'a Element> {
    e.elements().filter(move |c| {
        c.is(name)
            && match space {
                None => r.vocab.core(c),
                Some(s) => c.ns == s,
            }
    })
}

impl Reader {
    fn first<'a>(&'a self, e: &'a Element, wanted: &[(Option<&'a str>, &'a str)]) -> Option<&'a Element> {
        wanted
            .iter()
            .find_map(|&(space, name)| named(self, e, space, name).next())
    }

    /// A title: the feed's own (a text construct), else Dublin Core's, else Media RSS's.
    fn title(&self, e: &Element) -> Option<String> {
        let own = named(self, e, None, "title")
            .map(|t| construct(t, untyped(t, Untyped::Guess)).line())
            .find(|t| !t.is_empty());
        own.or_else(|| {
            let media = |c: &Element| {
                self.first(c, &[(Some(ns::MEDIA), "title")])
                    .map(|t| construct(t, Untyped::Guess).line())
                    .filter(|t| !t.is_empty())
            };
            self.first(e, &[(Some(ns::DC), "title")])
                .map(|t| html_line(&t.text()))
                .filter(|t| !t.is_empty())
                .or_else(|| media(e))
                .or_else(|| {
                    e.elements()
                        .filter(|c| c.ns == ns::MEDIA && (c.is("group") || c.is("content")))
                        .find_map(media)
                })
        })
    }

    /// The alternate link: Atom `link` elements (rel `alternate` or none), RSS `link` text,
    /// CDF's `href` attribute, else a guid that is a permalink.
    fn link(&self, e: &Element) -> Option<String> {
        let links: Vec<&Element> = e
            .elements()
            .filter(|c| c.is("link") && (self.vocab.core(c) || c.ns == ns::ATOM))
            .collect();
        let atom = links.iter().filter_map(|l| {
            let href = l.attr("href")?;
            let rel = l.attr("rel").map(|r| r.trim().to_ascii_lowercase());
            rel.as_deref()
                .is_none_or(|r| {
                    r == "alternate"
                        || r.is_empty()
                        || r == "http://www.iana.org/assignments/relation/alternate"
                })
                .then(|| resolve(&l.base, href))
                .flatten()
        });
        let rss = links
            .iter()
            .filter(|l| l.attr("href").is_none())
            .filter_map(|l| resolve(&l.base, l.text().trim()));
        let cdf = e.attr("href").and_then(|h| resolve(&e.base, h));
        rss.chain(atom).next().or(cdf).or_else(|| {
            // An id that is a web address is the entry's permalink (RSS `guid` unless
            // `isPermaLink="false"`, Atom `id`).
            let id = self.first(e, &[(None, "guid"), (None, "id"), (Some(ns::ATOM), "id")])?;
            let permalink = id
                .attr("ispermalink")
                .is_none_or(|p| !p.trim().eq_ignore_ascii_case("false"));
            let text = id.text();
            let url = Url::parse(text.trim()).ok()?;
            (permalink && matches!(url.scheme(), "http" | "https")).then(|| resolve(&id.base, text.trim()))?
        })
    }

    fn id(&self, e: &Element) -> String {
        self.first(
            e,
            &[
                (None, "guid"),
                (None, "id"),
                (Some(ns::ATOM), "id"),
                (Some(ns::DC), "identifier"),
            ],
        )
        .map(|i| i.text().trim().to_string())
        .filter(|i| !i.is_empty())
        .or_else(|| e.attr_ns(ns::RDF, "about").map(|a| a.trim().to_string()))
        .unwrap_or_default()
    }

    fn author(&self, e: &Element) -> Option<String> {
        let person = |p: &Element| -> Option<String> {
            let name = if p.has_element_children() {
                p.elements().find(|c| c.is("name")).map(Element::text)
            } else {
                Some(p.text())
            }?;
            let name = html_line(&name);
            // RSS: `editor@example.com (Jane Doe)`.
            let name = match (name.find('('), name.ends_with(')')) {
                (Some(open), true) if name[..open].contains('@') => {
                    name[open + 1..name.len() - 1].trim().to_string()
                }
                _ => name,
            };
            (!name.is_empty()).then_some(name)
        };
        let wanted = [
            (None, "author"),
            (Some(ns::ATOM), "author"),
            (Some(ns::DC), "creator"),
            (Some(ns::ITUNES), "author"),
            (None, "managingeditor"),
            (Some(ns::DC), "publisher"),
        ];
        wanted
            .iter()
            .find_map(|&(space, name)| named(self, e, space, name).find_map(person))
    }

    fn date(&self, e: &Element, wanted: &[(Option<&str>, &str)]) -> Option<DateTime<Utc>> {
        wanted
            .iter()
            .flat_map(|&(space, name)| named(self, e, space, name))
            .find_map(|d| date::parse(&d.text()))
    }

    /// The summary and the content, as HTML.
    fn bodies(&self, e: &Element) -> (Option<String>, Option<String>) {
        let with_base = |el: &Element, html: String| {
            if el.explicit_base && !html.trim().is_empty() {
                // The renderer honours <base>, so relative links resolve as xml:base said.
                format!("<base href=\"{}\">{html}", escape_xml(el.base.as_str()))
            } else {
                html
            }
        };
        let summary = [
            (None, "summary"),
            (None, "description"),
            (None, "abstract"),
            (Some(ns::ATOM), "summary"),
            (Some(ns::DC), "description"),
            (Some(ns::ITUNES), "summary"),
        ]
        .iter()
        .flat_map(|&(space, name)| named(self, e, space, name))
        .map(|s| with_base(s, construct(s, untyped(s, Untyped::Html)).html()))
        .find(|s| !s.trim().is_empty());
        let content = [
            (Some(ns::CONTENT), "encoded"),
            (None, "content"),
            (Some(ns::ATOM), "content"),
            (Some(ns::XHTML), "body"),
            (Some(ns::XHTML), "div"),
        ]
        .iter()
        .flat_map(|&(space, name)| named(self, e, space, name))
        // Out-of-line content (`src`) has no body here.
        .filter(|c| !(c.is("content") && c.attr("src").is_some()))
        .map(|c| {
            let html = if c.ns == ns::XHTML {
                format!("<{0}>{1}</{0}>", c.name, c.inner_markup())
            } else {
                construct(c, untyped(c, Untyped::Html)).html()
            };
            with_base(c, html)
        })
        .find(|s| !s.trim().is_empty());
        (
            summary.map(|s| sanitize_text(&s)),
            content.map(|c| sanitize_text(&c)),
        )
    }

    /// Enclosures from RSS `enclosure`, Atom `link rel="enclosure"` and Media RSS
    /// `media:content` (alone or in a `media:group`), with their size, running time and title.
    /// `itunes:duration` describes the item's episode: it goes to the first enclosure that has
    /// no time of its own.
    fn enclosures(&self, e: &Element) -> Vec<Enclosure> {
        let mut out: Vec<Enclosure> = Vec::new();
        let mut push = |url: Option<String>,
                        mime: Option<&str>,
                        length: Option<&str>,
                        duration: Option<u64>,
                        title: Option<String>| {
            if let Some(url) = url
                && !out.iter().any(|x| x.url == url)
            {
                out.push(Enclosure {
                    url,
                    mime: mime.map(sanitize_line).filter(|m| !m.is_empty()),
                    length: length.and_then(|l| l.trim().parse().ok()),
                    duration,
                    title: title.map(|t| sanitize_line(&t)).filter(|t| !t.is_empty()),
                });
            }
        };
        for c in e.elements() {
            if c.is("enclosure") && self.vocab.core(c) {
                push(
                    c.attr("url").and_then(|u| resolve(&c.base, u)),
                    c.attr("type"),
                    c.attr("length"),
                    None,
                    None,
                );
            } else if c.is("link")
                && c.attr("rel")
                    .is_some_and(|r| r.trim().eq_ignore_ascii_case("enclosure"))
            {
                push(
                    c.attr("href").and_then(|u| resolve(&c.base, u)),
                    c.attr("type"),
                    c.attr("length"),
                    None,
                    c.attr("title").map(str::to_string),
                );
            }
        }
        let media_title = |c: &Element| {
            c.elements()
                .find(|t| t.ns == ns::MEDIA && t.is("title"))
                .map(|t| t.text())
        };
        // (the content, the title of its group or item)
        let media: Vec<(&Element, Option<String>)> = e
            .elements()
            .filter(|c| c.ns == ns::MEDIA)
            .flat_map(|c| {
                if c.is("group") {
                    let title = media_title(c);
                    c.elements().map(|m| (m, title.clone())).collect()
                } else {
                    vec![(c, None)]
                }
            })
            .filter(|(c, _)| c.ns == ns::MEDIA && c.is("content"))
            .collect();
        let is_image = |c: &Element| {
            c.attr("type").is_some_and(|t| t.trim().starts_with("image/"))
                || c.attr("medium").is_some_and(|m| m.trim() == "image")
        };
        // Pictures that illustrate a podcast or video are not enclosures worth listing.
        let only_images = media.iter().all(|(c, _)| is_image(c));
        for (c, group_title) in media.iter().filter(|(c, _)| only_images || !is_image(c)) {
            push(
                c.attr("url").and_then(|u| resolve(&c.base, u)),
                c.attr("type"),
                c.attr("filesize"),
                c.attr("duration").and_then(super::parse::duration_seconds),
                media_title(c).or_else(|| group_title.clone()),
            );
        }
        let episode = e
            .elements()
            .find(|c| c.ns == ns::ITUNES && c.is("duration"))
            .and_then(|d| super::parse::duration_seconds(&d.text()));
        if let Some(first) = out.iter_mut().find(|x| x.duration.is_none()) {
            first.duration = first.duration.or(episode);
        }
        out
    }

    /// The discussion page: RSS `comments`, or an Atom `link rel="replies"` (RFC 4685) that
    /// points at a web page rather than at a feed of the comments.
    fn comments(&self, e: &Element) -> Option<String> {
        e.elements().find_map(|c| {
            if c.is("comments") && self.vocab.core(c) {
                return resolve(&c.base, c.text().trim());
            }
            let replies = c.is("link")
                && c.ns == ns::ATOM
                && c.attr("rel")
                    .is_some_and(|r| r.trim().eq_ignore_ascii_case("replies"))
                && c.attr("type").is_none_or(|t| t.trim().starts_with("text/html"));
            replies.then(|| c.attr("href").and_then(|h| resolve(&c.base, h)))?
        })
    }

    fn entry(&self, e: &Element, feed_author: Option<&str>) -> NewArticle {
        let link = self.link(e);
        let (summary, content) = self.bodies(e);
        let published = self
            .date(
                e,
                &[
                    (None, "pubdate"),
                    (None, "published"),
                    (None, "issued"),
                    (None, "created"),
                    (Some(ns::DC), "date"),
                    (Some(ns::DCTERMS), "issued"),
                    (Some(ns::DCTERMS), "created"),
                ],
            )
            .or_else(|| e.attr("lastmod").and_then(date::parse));
        let updated = self.date(
            e,
            &[
                (None, "updated"),
                (None, "modified"),
                (Some(ns::DCTERMS), "modified"),
            ],
        );
        let published = published.or(updated);
        let title = self
            .title(e)
            .unwrap_or_else(|| placeholder_for(content.as_deref().or(summary.as_deref())));
        let key = entry_key(
            &self.id(e),
            link.as_deref(),
            &title,
            published,
            content.as_deref().or(summary.as_deref()),
        );
        NewArticle {
            key,
            title,
            author: self.author(e).or_else(|| feed_author.map(str::to_string)),
            link,
            published,
            updated,
            summary,
            content,
            enclosures: self.enclosures(e),
            comments: self.comments(e),
            categories: self.categories(e),
        }
    }

    /// The item's categories: RSS and Atom `category` (Atom's `label`, else `term`) and
    /// `dc:subject`, trimmed, deduplicated, at most 32.
    fn categories(&self, e: &Element) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in e.elements() {
            let value = if c.is("category") && (self.vocab.core(c) || c.ns == ns::ATOM) {
                c.attr("label")
                    .or_else(|| c.attr("term"))
                    .map(str::to_string)
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or_else(|| c.text())
            } else if c.is("subject") && c.ns == ns::DC {
                c.text()
            } else {
                continue;
            };
            super::parse::add_category(&mut out, &value);
        }
        out
    }
}

#[cfg(test)]
mod tests;
