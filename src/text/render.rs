//! Article HTML → reflowed, styled lines with numbered link references.
//!
//! The HTML is parsed (html5ever via dom_query), cleaned (scripts, styles, frames, forms,
//! tracking pixels dropped; images become `[image: alt]`; each link gets a `[n]` marker and
//! goes into the reference list), then laid out by html2text's rich mode at the requested
//! width. Every span is sanitised, and no line is wider than the width.

use dom_query::Document;
use html2text::render::RichAnnotation;
use url::Url;

use super::sanitize::sanitize_text;
use super::wrap;
use crate::model::ArticleBody;

/// Text attributes the pane maps onto terminal styles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpanStyle {
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub code: bool,
    pub dim: bool,
    pub heading: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: SpanStyle,
}

/// One display line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub spans: Vec<Span>,
}

impl Line {
    fn plain(text: impl Into<String>, style: SpanStyle) -> Line {
        Line {
            spans: vec![Span {
                text: text.into(),
                style,
            }],
        }
    }

    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    pub fn width(&self) -> usize {
        self.spans.iter().map(|s| wrap::width(&s.text)).sum()
    }
}

/// Rendered body plus the numbered links it refers to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderedHtml {
    pub lines: Vec<Line>,
    pub links: Vec<String>,
    /// Where pictures go, when laid out with images.
    pub images: Vec<ImageSlot>,
}

/// The rows kept for one image: `rows` lines from `line` on (the first holds its caption
/// until the picture covers it). Zero rows: not shown, its caption (if any) stands in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSlot {
    pub url: String,
    pub line: usize,
    pub rows: usize,
}

/// For an image's URL and its declared pixel size: the rows to keep for it, or `None` when
/// it is not shown (failed, not an image).
pub type ImageRows<'a> = &'a dyn Fn(&str, Option<(u32, u32)>) -> Option<usize>;

/// How images are laid out.
pub struct ImageLayout<'a> {
    pub rows: ImageRows<'a>,
}

/// An image found while cleaning: where it comes from and what stands in for it.
struct FoundImage {
    url: String,
    declared: Option<(u32, u32)>,
    label: Option<String>,
}

/// Stands where an image was until the layout replaces it with the image's rows: short (it
/// must never be wrapped) and made of characters article text does not use together.
const MARK_OPEN: &str = "\u{27e6}img";
const MARK_CLOSE: char = '\u{27e7}';

/// A whole article: header, body, link list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderedArticle {
    pub lines: Vec<Line>,
    pub links: Vec<String>,
    /// Index of the first line of the link list (for `L`).
    pub links_start: Option<usize>,
    /// The article's images, in order, with the rows kept for each.
    pub images: Vec<ImageSlot>,
}

impl RenderedArticle {
    pub fn plain_lines(&self) -> impl Iterator<Item = String> + '_ {
        self.lines.iter().map(Line::text)
    }
}

/// Nesting deeper than this is not real article structure; such HTML is shown as plain text,
/// because the tree-building libraries slow down quadratically on it (50 000 nested `div`s took
/// 12 s) and the pane must never freeze.
pub const MAX_NESTING: usize = 512;

/// The deepest element nesting in `html`, by a linear scan of tags (void elements and
/// self-closing tags do not nest). An estimate, but never an underestimate for real nesting.
pub fn nesting_depth(html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "p", "li",
    ];
    let b = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        match b.get(i) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let name_end = b[i..]
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .map_or(b.len(), |e| i + e);
                let name = html[i..name_end].to_ascii_lowercase();
                let tag_end = b[i..].iter().position(|&c| c == b'>').map_or(b.len(), |e| i + e);
                let self_closing = tag_end > 0 && b.get(tag_end - 1) == Some(&b'/');
                if !self_closing && !VOID.contains(&name.as_str()) {
                    depth += 1;
                    max = max.max(depth);
                }
            }
            _ => {}
        }
    }
    max
}

/// Renders an HTML fragment at `width` columns. `base` resolves relative links and images.
pub fn render_html(html: &str, base: Option<&Url>, width: usize) -> RenderedHtml {
    render_html_with(html, base, width, None)
}

/// Like [`render_html`], with room kept for pictures when `images` says how much.
pub fn render_html_with(
    html: &str,
    base: Option<&Url>,
    width: usize,
    images: Option<&ImageLayout<'_>>,
) -> RenderedHtml {
    let width = width.max(20);
    if nesting_depth(html) > MAX_NESTING {
        let lines = wrap::wrap(&super::index_text(html), width)
            .into_iter()
            .map(|l| Line::plain(l, SpanStyle::default()))
            .collect();
        return RenderedHtml {
            lines,
            links: Vec::new(),
            images: Vec::new(),
        };
    }
    let (clean, links, found) = preclean(html, base, width, images.is_some());
    // html2text's layout can trip over its own width arithmetic on odd text (an overflow
    // seen with mixed-script lists): that article falls back to plain text, it never takes
    // the reader down.
    let laid_out = crate::recover::catch(|| {
        html2text::config::rich()
            .unicode_strikeout(false)
            .lines_from_read(clean.as_bytes(), width)
    });
    let lines = match laid_out {
        Ok(Ok(tagged)) => tagged
            .into_iter()
            .map(|tl| {
                let mut spans: Vec<Span> = Vec::new();
                for ts in tl.tagged_strings() {
                    let text = sanitize_text(&ts.s).replace('\n', " ");
                    if text.is_empty() {
                        continue;
                    }
                    spans.push(Span {
                        text,
                        style: style_of(&ts.tag),
                    });
                }
                let mut line = Line { spans };
                let t = line.text();
                if t.starts_with('#') && t.trim_start_matches('#').starts_with(' ') {
                    for s in &mut line.spans {
                        s.style.heading = true;
                        s.style.bold = true;
                    }
                }
                line
            })
            .collect(),
        // html2text refuses only pathological layouts; fall back to wrapped plain text.
        Ok(Err(_)) | Err(_) => wrap::wrap(&super::index_text(&clean), width)
            .into_iter()
            .map(|l| Line::plain(l, SpanStyle::default()))
            .collect(),
    };
    let mut lines = fit(lines, width);
    // Collapse runs of blank lines to one; trim leading and trailing blanks.
    lines.dedup_by(|a, b| a.text().trim().is_empty() && b.text().trim().is_empty());
    while lines.first().is_some_and(|l| l.text().trim().is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.text().trim().is_empty()) {
        lines.pop();
    }
    let (lines, images) = match images {
        Some(layout) => place_images(lines, &found, layout, width),
        None => (lines, Vec::new()),
    };
    RenderedHtml { lines, links, images }
}

/// The image marked in `line`, if any, and the line without its mark.
fn take_mark(line: &Line) -> Option<(usize, Line)> {
    let text = line.text();
    let start = text.find(MARK_OPEN)?;
    let digits = &text[start + MARK_OPEN.len()..];
    let end = digits.find(MARK_CLOSE)?;
    let n: usize = digits[..end].parse().ok()?;
    let mark = format!("{MARK_OPEN}{n}{MARK_CLOSE}");
    let mut rest = line.clone();
    for span in &mut rest.spans {
        span.text = span.text.replace(&mark, "");
    }
    rest.spans.retain(|s| !s.text.is_empty());
    Some((n, rest))
}

/// Replaces each image mark with the rows its picture will cover (the first showing its
/// caption until then), or with its caption alone when it is not shown.
fn place_images(
    lines: Vec<Line>,
    found: &[FoundImage],
    layout: &ImageLayout<'_>,
    width: usize,
) -> (Vec<Line>, Vec<ImageSlot>) {
    let mut out = Vec::with_capacity(lines.len());
    let mut slots = Vec::new();
    for line in lines {
        let Some((n, rest)) = take_mark(&line) else {
            out.push(line);
            continue;
        };
        let Some(img) = found.get(n) else { continue };
        let rows = (layout.rows)(&img.url, img.declared).unwrap_or(0);
        let before = rest.text().trim().is_empty();
        if !before {
            out.push(rest.clone());
        }
        slots.push(ImageSlot {
            url: img.url.clone(),
            line: out.len(),
            rows,
        });
        let caption = img
            .label
            .clone()
            .or_else(|| (rows > 0).then(|| "[image]".to_string()));
        if let Some(c) = caption {
            out.push(Line::plain(wrap::truncate(&c, width), DIM));
        }
        for _ in 1..rows {
            out.push(Line::default());
        }
    }
    (out, slots)
}

/// Where an image's picture is: its `src`, or where lazy-loading pages keep the real one
/// (`data-src` and kin, `srcset`) when `src` is empty or an inline placeholder.
fn image_source(img: &dom_query::Selection, base: Option<&Url>) -> Option<Url> {
    let resolve = |v: &str| {
        let v = v.trim();
        if v.is_empty() || v.starts_with("data:") {
            return None;
        }
        resolve(base, v).filter(|u| matches!(u.scheme(), "http" | "https"))
    };
    for attr in ["src", "data-src", "data-lazy-src", "data-original", "data-url"] {
        if let Some(u) = img.attr(attr).and_then(|v| resolve(&v)) {
            return Some(u);
        }
    }
    for attr in ["srcset", "data-srcset"] {
        let first = img.attr(attr).and_then(|v| {
            v.split(',')
                .next()
                .and_then(|c| c.split_whitespace().next().map(str::to_string))
        });
        if let Some(u) = first.and_then(|v| resolve(&v)) {
            return Some(u);
        }
    }
    None
}

/// `href` as an absolute URL: joined to `base` when there is one.
fn resolve(base: Option<&Url>, href: &str) -> Option<Url> {
    match base {
        Some(b) => b.join(href.trim()).ok(),
        None => Url::parse(href.trim()).ok(),
    }
}

/// The pixel size an image declares in its attributes, when it gives both.
fn declared_size(img: &dom_query::Selection) -> Option<(u32, u32)> {
    let px = |name: &str| {
        img.attr(name)
            .and_then(|v| v.trim().trim_end_matches("px").parse::<u32>().ok())
            .filter(|n| *n > 0)
    };
    Some((px("width")?, px("height")?))
}

fn style_of(tags: &[RichAnnotation]) -> SpanStyle {
    let mut s = SpanStyle::default();
    for t in tags {
        match t {
            RichAnnotation::Strong => s.bold = true,
            RichAnnotation::Emphasis => s.italic = true,
            RichAnnotation::Link(_) => s.underline = true,
            RichAnnotation::Code | RichAnnotation::Preformat(_) => s.code = true,
            RichAnnotation::Image(_) | RichAnnotation::Strikeout => s.dim = true,
            _ => {}
        }
    }
    s
}

/// Hard guarantee that no line exceeds the width (tables and long words can overflow).
fn fit(lines: Vec<Line>, width: usize) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let mut cur = Line::default();
        let mut used = 0;
        for span in line.spans {
            let mut piece = String::new();
            for g in unicode_segmentation::UnicodeSegmentation::graphemes(span.text.as_str(), true) {
                let w = wrap::width(g);
                if used + w > width {
                    if !piece.is_empty() {
                        cur.spans.push(Span {
                            text: std::mem::take(&mut piece),
                            style: span.style,
                        });
                    }
                    out.push(std::mem::take(&mut cur));
                    used = 0;
                }
                piece.push_str(g);
                used += w;
            }
            if !piece.is_empty() {
                cur.spans.push(Span {
                    text: piece,
                    style: span.style,
                });
            }
        }
        if !cur.spans.is_empty() {
            out.push(cur);
        }
    }
    out
}

/// Removes what must not be rendered, numbers links and marks images. Returns the cleaned
/// HTML and the link list.
/// What an image shows as text: its alt text as one plain line, or nothing when it has none,
/// when the alt is a file name or markup, or when its figure has a caption (shown instead).
fn image_label(img: &dom_query::Selection) -> Option<String> {
    let figure = img.ancestors(None).filter("figure");
    if figure.exists() && figure.select("figcaption").exists() {
        return None;
    }
    let alt = img.attr("alt").map(|a| super::index_text(&a)).unwrap_or_default();
    let alt = alt.trim();
    let lower = alt.to_ascii_lowercase();
    let file_name = [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"]
        .iter()
        .any(|x| lower.ends_with(x));
    if alt.is_empty() || file_name || alt.contains('<') || alt.contains('\\') {
        return None;
    }
    let mut line: String = alt.chars().take(100).collect();
    if alt.chars().count() > 100 {
        line.push('…');
    }
    Some(format!("[image: {line}]"))
}

fn preclean(
    html: &str,
    base: Option<&Url>,
    width: usize,
    images: bool,
) -> (String, Vec<String>, Vec<FoundImage>) {
    let doc = Document::from(html);
    // A <base> in the HTML (the parser writes one where xml:base set the content's base)
    // overrides the article's own URL, as it would in a browser.
    let declared = doc
        .select("base[href]")
        .iter()
        .next()
        .and_then(|b| b.attr("href").map(|h| h.trim().to_string()))
        .and_then(|h| resolve(base, &h));
    let base = declared.as_ref().or(base);
    doc.select(
        "script, style, iframe, frame, frameset, form, noscript, object, embed, svg, canvas, \
         button, input, select, textarea, template, link, meta, video, audio, picture source",
    )
    .remove();
    let mut found = Vec::new();
    for img in doc.select("img").iter() {
        let w = img.attr("width").map(|v| v.to_string()).unwrap_or_default();
        let h = img.attr("height").map(|v| v.to_string()).unwrap_or_default();
        let pixel =
            ["0", "1", "1px", "0px"].contains(&w.trim()) || ["0", "1", "1px", "0px"].contains(&h.trim());
        if pixel {
            img.remove();
            continue;
        }
        let label = image_label(&img);
        if images && let Some(url) = image_source(&img, base) {
            img.replace_with_html(format!("<p>{MARK_OPEN}{}{MARK_CLOSE}</p>", found.len()));
            found.push(FoundImage {
                url: url.to_string(),
                declared: declared_size(&img),
                label,
            });
            continue;
        }
        match label {
            Some(label) => img.replace_with_html(format!("<i>{}</i>", super::escape_xml(&label))),
            None => img.remove(),
        }
    }
    let mut links: Vec<String> = Vec::new();
    for a in doc.select("a[href]").iter() {
        let href = a.attr("href").map(|h| h.to_string()).unwrap_or_default();
        let Some(url) = resolve(base, &href).filter(|u| matches!(u.scheme(), "http" | "https" | "mailto"))
        else {
            a.remove_attr("href");
            continue;
        };
        let url = url.to_string();
        if a.text().trim().is_empty() {
            a.remove_attr("href");
            continue;
        }
        let n = match links.iter().position(|l| *l == url) {
            Some(i) => i + 1,
            None => {
                links.push(url.clone());
                links.len()
            }
        };
        a.set_attr("href", &url);
        a.after_html(format!("<span>[{n}]</span>"));
    }
    // After the links are numbered, so a cell keeps its [n].
    super::tables::lay_out(&doc, width);
    let links = links.iter().map(|l| super::sanitize_line(l)).collect();
    (doc.html().to_string(), links, found)
}

/// The full article: header (title, feed, author, date, link, reading time, enclosures),
/// body (full text if cached, else content, else summary), link list.
pub fn render_article(body: &ArticleBody, feed_name: &str, width: usize) -> RenderedArticle {
    render_article_with(
        body,
        feed_name,
        width,
        None,
        &super::dates::DateStyle::default(),
        None,
    )
}

/// Like [`render_article`] with an explicit body HTML (full text) and a note line.
pub fn render_article_with(
    body: &ArticleBody,
    feed_name: &str,
    width: usize,
    note: Option<&str>,
    dates: &super::dates::DateStyle,
    images: Option<&ImageLayout<'_>>,
) -> RenderedArticle {
    let width = width.max(20);
    let s = &body.summary;
    let base = s
        .link
        .as_deref()
        .and_then(|l| Url::parse(l).ok())
        .or_else(|| Url::parse(&body.feed_url).ok());
    let html = body
        .full_html
        .as_deref()
        .or(body.content_html.as_deref())
        .or(body.summary_html.as_deref())
        .unwrap_or("");
    let rendered = render_html_with(html, base.as_ref(), width, images);
    let words: usize = rendered
        .lines
        .iter()
        .map(|l| l.text().split_whitespace().count())
        .sum();
    let minutes = words.div_ceil(230).max(1);

    // The discussion page is one more numbered link (the header says which), never the
    // article's own.
    let mut links = rendered.links;
    let comments = body.comments.as_deref().map(|c| {
        let c = super::sanitize_line(c);
        match links.iter().position(|l| *l == c) {
            Some(i) => i + 1,
            None => {
                links.push(c);
                links.len()
            }
        }
    });
    let mut lines = header_lines(body, feed_name, width, minutes, note, dates, comments);
    let offset = lines.len();
    let images = rendered
        .images
        .into_iter()
        .map(|slot| ImageSlot {
            line: slot.line + offset,
            ..slot
        })
        .collect();
    if rendered.lines.is_empty() {
        lines.push(Line::plain(
            "(this article has no text; open its page in the browser)",
            DIM,
        ));
    }
    lines.extend(rendered.lines);
    let mut links_start = None;
    if !links.is_empty() {
        lines.push(Line::default());
        links_start = Some(lines.len());
        lines.extend(link_list(&links, width));
    }
    RenderedArticle {
        lines,
        links,
        links_start,
        images,
    }
}

const DIM: SpanStyle = SpanStyle {
    bold: false,
    italic: false,
    underline: false,
    code: false,
    dim: true,
    heading: false,
};

/// Title (three lines at most: a pathological 10 000-character title must not push the
/// article off the screen), feed, author, date, reading time, link and enclosures. Links are
/// broken over lines, never cut, so they can be copied whole.
fn header_lines(
    body: &ArticleBody,
    feed_name: &str,
    width: usize,
    minutes: usize,
    note: Option<&str>,
    dates: &super::dates::DateStyle,
    comments: Option<usize>,
) -> Vec<Line> {
    let s = &body.summary;
    let title_style = SpanStyle {
        bold: true,
        heading: true,
        ..SpanStyle::default()
    };
    let mut lines = Vec::new();
    let mut title = wrap::wrap(&super::sanitize_line(&s.title), width);
    if title.len() > 3 {
        title.truncate(3);
        if let Some(last) = title.last_mut() {
            *last = wrap::truncate(&format!("{last} …"), width);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines.extend(title.into_iter().map(|l| Line::plain(l, title_style)));
    let mut meta = vec![super::sanitize_line(feed_name)];
    if let Some(a) = &s.author {
        meta.push(super::sanitize_line(a));
    }
    if let Some(p) = s.published {
        meta.push(dates.long(p, chrono::Utc::now()));
    }
    meta.push(format!("{minutes} min read"));
    lines.extend(
        wrap::wrap(&meta.join(" · "), width)
            .into_iter()
            .map(|l| Line::plain(l, DIM)),
    );
    if let Some(link) = &s.link {
        let url = super::display_url(link);
        lines.extend(wrap::chunks(&url, width).into_iter().map(|l| Line::plain(l, DIM)));
    }
    if let Some(n) = comments {
        lines.push(Line::plain(format!("comments [{n}]"), DIM));
    }
    // Each enclosure: what it is (title or file name, type, size, running time) on wrapped
    // lines, then its whole URL broken over lines, never cut; `e` plays, numbered as the
    // enclosure chooser numbers them.
    let several = body.enclosures.len() > 1;
    for (i, e) in body.enclosures.iter().enumerate() {
        let mut parts = vec![enclosure_name(e)];
        if let Some(m) = &e.mime {
            parts.push(super::sanitize_line(m));
        }
        if let Some(len) = e.length.filter(|l| *l > 0) {
            parts.push(human_size(len));
        }
        if let Some(d) = e.duration {
            parts.push(crate::media::clock(d));
        }
        let lead = if several {
            format!("▶ {}. ", i + 1)
        } else {
            "▶ ".to_string()
        };
        let text = format!(
            "{lead}{}{}",
            parts.join(" · "),
            if i == 0 { "  (e plays)" } else { "" }
        );
        lines.extend(wrap::wrap(&text, width).into_iter().map(|l| Line::plain(l, DIM)));
        lines.extend(
            wrap::chunks(&super::display_url(&e.url), width.saturating_sub(2))
                .into_iter()
                .map(|l| Line::plain(format!("  {l}"), DIM)),
        );
    }
    if !body.rules.is_empty() {
        // Which rules acted, so a rule is never a mystery: "rule: mute crypto (hide)".
        let acted: Vec<String> = body
            .rules
            .iter()
            .map(|(name, action)| format!("{} ({action})", super::sanitize_line(name)))
            .collect();
        let label = if acted.len() == 1 { "rule" } else { "rules" };
        lines.extend(
            wrap::wrap(&format!("{label}: {}", acted.join(", ")), width)
                .into_iter()
                .map(|l| Line::plain(l, DIM)),
        );
    }
    if let Some(n) = note {
        lines.push(Line::plain(wrap::truncate(&super::sanitize_line(n), width), DIM));
    }
    lines.push(Line::plain("─".repeat(width.min(40)), DIM));
    lines.push(Line::default());
    lines
}

/// The numbered link list; a long URL continues on the next lines under itself.
fn link_list(links: &[String], width: usize) -> Vec<Line> {
    let heading = SpanStyle {
        bold: true,
        ..SpanStyle::default()
    };
    let link = SpanStyle {
        underline: true,
        ..SpanStyle::default()
    };
    let mut lines = vec![Line::plain("Links", heading)];
    for (i, l) in links.iter().enumerate() {
        let label = format!("[{}] ", i + 1);
        let indent = label.len();
        for (j, piece) in wrap::chunks(l, width.saturating_sub(indent))
            .into_iter()
            .enumerate()
        {
            let lead = if j == 0 { label.clone() } else { " ".repeat(indent) };
            lines.push(Line {
                spans: vec![
                    Span {
                        text: lead,
                        style: DIM,
                    },
                    Span {
                        text: piece,
                        style: link,
                    },
                ],
            });
        }
    }
    lines
}

/// What to call an enclosure: its title, else its file name, else its host.
pub fn enclosure_name(e: &crate::model::Enclosure) -> String {
    if let Some(t) = e.title.as_deref().filter(|t| !t.trim().is_empty()) {
        return super::sanitize_line(t);
    }
    let url = url::Url::parse(&e.url).ok();
    let file = url.as_ref().and_then(crate::media::url_file_name);
    super::sanitize_line(
        &file
            .or_else(|| url.as_ref().and_then(|u| u.host_str().map(str::to_string)))
            .unwrap_or_else(|| e.url.clone()),
    )
}

pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Article 1, titled "T", with `content` as its feed's HTML and nothing else.
    fn body_of(content: &str) -> ArticleBody {
        ArticleBody {
            summary: crate::model::ArticleSummary {
                id: crate::model::ArticleId(1),
                feed_id: crate::model::FeedId(1),
                title: "T".into(),
                link: None,
                author: None,
                published: None,
                read: false,
                starred: false,
                hidden_by: None,
            },
            feed_url: "https://example.org/feed".into(),
            feed_title: None,
            updated: None,
            summary_html: None,
            content_html: Some(content.into()),
            full_html: None,
            enclosures: Vec::new(),
            comments: None,
            rules: Vec::new(),
        }
    }

    #[test]
    fn long_urls_are_broken_over_lines_never_cut() {
        let long = format!("https://example.org/{}/end?x=1", "segment".repeat(20));
        let mut body = body_of(&format!("<p>See <a href=\"{long}\">this</a>.</p>"));
        body.summary.link = Some(long.clone());
        body.enclosures = vec![crate::model::Enclosure {
            url: format!("{long}.mp3"),
            mime: Some("audio/mpeg".into()),
            length: Some(1000),
            ..Default::default()
        }];
        let r = render_article_with(&body, "Feed", 40, None, &Default::default(), None);
        let text: Vec<String> = r.lines.iter().map(|l| l.text()).collect();
        assert!(text.iter().all(|l| wrap::width(l) <= 40), "{text:#?}");
        assert!(!text.iter().any(|l| l.contains('…')), "{text:#?}");
        let joined: String = text.iter().map(|l| l.trim()).collect();
        assert!(joined.contains(&long), "the header link is whole");
        assert!(
            joined.contains(&format!("[1] {long}")),
            "the link list holds it whole"
        );
        assert!(joined.contains(&format!("{long}.mp3")), "the enclosure too");
    }

    /// HTML-shaped input: tags, attributes, entities, controls, wide characters, long words.
    fn html_soup() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            Just("<p>".to_string()),
            Just("</p>".to_string()),
            Just("<pre>".to_string()),
            Just("</pre>".to_string()),
            Just("<table><tr><td>".to_string()),
            Just("</td><td>".to_string()),
            Just("</td></tr></table>".to_string()),
            Just("<ul><li>".to_string()),
            Just("<blockquote>".to_string()),
            Just("<h2>".to_string()),
            Just("<a href=\"https://x.example/a\">".to_string()),
            Just("<a href=\"javascript:alert(1)\">".to_string()),
            Just("</a>".to_string()),
            Just("<img alt=\"pic\" src=\"/p.png\">".to_string()),
            Just("<script>evil()</script>".to_string()),
            Just("&amp;&lt;&#x1b;&#27;&nbsp;".to_string()),
            Just("\u{1b}[31m\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{202e}".to_string()),
            Just("日本語のテキスト🎉e\u{301}".to_string()),
            "[a-z]{1,120}".prop_map(|s| s),
            any::<String>(),
        ];
        prop::collection::vec(token, 0..40).prop_map(|v| v.join(" "))
    }

    /// Cases for the longer property tests: `TIDINGS_FUZZ_CASES / weight` (CI runs many; a
    /// case that renders a whole page weighs more), else `default`.
    fn cases(default: u32, weight: u32) -> u32 {
        std::env::var("TIDINGS_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse::<u32>().ok())
            .map_or(default, |n| (n / weight).max(1))
    }

    /// The real article pages of `tests/fixtures/pages`.
    fn real_pages() -> &'static [String] {
        static PAGES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        PAGES.get_or_init(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .expect("tests/fixtures/pages")
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(".source.html"))
                .collect();
            paths.sort();
            paths
                .iter()
                .map(|p| std::fs::read_to_string(p).expect("page"))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases(24, 20)))]
        #[test]
        fn fuzz_damaged_real_pages_render_safely(
            which in any::<prop::sample::Index>(),
            cut in any::<prop::sample::Index>(),
            splice in html_soup(),
            width in 20usize..120,
        ) {
            let pages = real_pages();
            let page = &pages[which.index(pages.len())];
            let mut at = cut.index(page.len());
            while !page.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = at + (page.len() - at) / 2;
            while !page.is_char_boundary(end) {
                end -= 1;
            }
            // A page cut at a random point with HTML soup spliced in where it was cut.
            let html = format!("{}{splice}{}", &page[..at], &page[at..end]);
            let r = render_html(&html, None, width);
            for line in &r.lines {
                prop_assert!(line.width() <= width, "{:?} wider than {}", line.text(), width);
                prop_assert!(!line.text().chars().any(crate::text::is_forbidden), "{:?}", line.text());
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases(1000, 1)))]
        #[test]
        fn fuzz_arbitrary_html_is_safe_and_fits(html in html_soup(), width in 20usize..120) {
            let r = render_html(&html, None, width);
            for line in &r.lines {
                prop_assert!(line.width() <= width, "{:?} wider than {}", line.text(), width);
                prop_assert!(!line.text().chars().any(crate::text::is_forbidden), "{:?}", line.text());
            }
            for l in &r.links {
                prop_assert!(l.starts_with("https://") || l.starts_with("http://") || l.starts_with("mailto:"));
            }
        }
    }

    /// The shrunk input the fuzz test found: html2text's line filling underflows on it.
    #[test]
    fn a_layout_html2text_cannot_do_falls_back_to_plain_text() {
        let html = "<ul><li> \u{1b}[31m\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{202e} <img alt=\"pic\" src=\"/p.png\"> \
            <img alt=\"pic\" src=\"/p.png\"> &amp;&lt;&#x1b;&#27;&nbsp; aaaaaaaaaaaaaaaaaaaaaaaaa 0\u{fe0f}!a!!\u{1e290}\u{10c7}\u{2d27}\u{11103}Aa\u{1f5b}\u{ae}\u{aa40}0!!\u{a8ce}\u{1810}\u{d46}!!a!!\u{ed0} &amp;&lt;&#x1b;&#27;&nbsp;";
        let r = render_html(html, None, 101);
        let text: String = r.lines.iter().map(Line::text).collect::<Vec<_>>().join("\n");
        assert!(text.contains("aaaaaaaaaaaaaaaaaaaaaaaaa"), "{text}");
        for line in &r.lines {
            assert!(line.width() <= 101, "{:?}", line.text());
            assert!(
                !line.text().chars().any(crate::text::is_forbidden),
                "{:?}",
                line.text()
            );
        }
    }

    #[test]
    fn images_show_their_alt_once_or_nothing() {
        let html = r#"<p>a</p><img src="/1.png"><img src="/2.png" alt="IMG_2041.JPG">
            <img src="/3.png" alt="A heron
            on the weir"><figure><img src="/4.png" alt="dup"><figcaption>The weir at dawn</figcaption></figure>"#;
        let r = render_html(html, None, 80);
        let text: String = r.lines.iter().map(Line::text).collect::<Vec<_>>().join("\n");
        assert!(text.contains("[image: A heron on the weir]"), "{text}");
        assert_eq!(text.matches("[image").count(), 1, "{text}");
        assert_eq!(text.matches("The weir at dawn").count(), 1, "{text}");
        assert!(!text.contains("IMG_2041") && !text.contains("dup"), "{text}");
    }

    #[test]
    fn links_are_numbered_and_listed_in_order() {
        let base = Url::parse("https://example.org/post/").expect("url");
        let html = r#"<p>See <a href="/a">one</a>, <a href="https://b.example/">two</a> and <a href="/a">one again</a>. <a href="javascript:x()">evil</a></p>"#;
        let r = render_html(html, Some(&base), 60);
        assert_eq!(r.links, vec!["https://example.org/a", "https://b.example/"]);
        let text: String = r.lines.iter().map(Line::text).collect::<Vec<_>>().join("\n");
        assert!(text.contains("one[1]") || text.contains("one [1]"), "{text}");
        assert!(text.contains("[2]"));
        assert!(text.contains("evil"));
        assert!(!text.contains("[3]"));
    }

    #[test]
    fn images_get_the_rows_the_layout_keeps_in_order() {
        let html = r#"<p>Before the picture.</p>
            <p>Inline <img src="/a.png" width="400" height="200" alt="A weir"> in a sentence.</p>
            <img src="data:image/gif;base64,R0lGOD" data-src="/lazy.jpg">
            <img srcset="/small.webp 480w, /big.webp 1200w">
            <img src="/broken.png" alt="Broken">
            <img src="/tracker.gif" width="1" height="1">
            <img src="javascript:alert(1)" alt="script">
            <p>After.</p>"#;
        let base = Url::parse("https://example.org/post/").expect("url");
        let rows = |url: &str, declared: Option<(u32, u32)>| match url {
            u if u.ends_with("/broken.png") => None,
            _ => Some(if declared == Some((400, 200)) { 5 } else { 3 }),
        };
        let r = render_html_with(html, Some(&base), 60, Some(&ImageLayout { rows: &rows }));
        let urls: Vec<&str> = r.images.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.org/a.png",
                "https://example.org/lazy.jpg",
                "https://example.org/small.webp",
                "https://example.org/broken.png"
            ],
            "the tracking pixel and the script URL are not images"
        );
        let text: Vec<String> = r.lines.iter().map(Line::text).collect();
        assert!(
            !text
                .iter()
                .any(|l| l.contains(MARK_OPEN) || l.contains(MARK_CLOSE)),
            "{text:#?}"
        );
        let first = &r.images[0];
        assert_eq!(first.rows, 5);
        assert_eq!(text[first.line], "[image: A weir]", "{text:#?}");
        assert!(
            text[first.line + 1..first.line + 5].iter().all(String::is_empty),
            "{text:#?}"
        );
        assert!(
            text[..first.line].iter().any(|l| l.contains("Inline")),
            "{text:#?}"
        );
        assert!(
            text[first.line + 5..].iter().any(|l| l.contains("in a sentence")),
            "{text:#?}"
        );
        assert_eq!(
            text[r.images[1].line], "[image]",
            "an image without alt text says what it is"
        );
        // Not shown: only its caption stands, on one line.
        let broken = &r.images[3];
        assert_eq!((broken.rows, text[broken.line].as_str()), (0, "[image: Broken]"));
        assert!(text.last().is_some_and(|l| l.contains("After.")), "{text:#?}");
        // Without a layout the same article keeps its captions only.
        let plain = render_html(html, Some(&base), 60);
        assert!(plain.images.is_empty());
        let plain: String = plain.lines.iter().map(Line::text).collect();
        assert_eq!(plain.matches("[image: ").count(), 3, "{plain}");
    }

    #[test]
    fn article_image_slots_count_the_header() {
        let body = body_of(r#"<p>x</p><img src="https://example.org/i.png">"#);
        let rows = |_: &str, _: Option<(u32, u32)>| Some(4);
        let layout = ImageLayout { rows: &rows };
        let r = render_article_with(&body, "Feed", 40, None, &Default::default(), Some(&layout));
        let slot = &r.images[0];
        assert_eq!(
            r.lines[slot.line].text(),
            "[image]",
            "{:#?}",
            r.plain_lines().collect::<Vec<_>>()
        );
        assert_eq!(r.lines.len(), slot.line + 4);
    }

    proptest! {
        #[test]
        fn the_image_mark_never_shows(text in "[a-z ⟦⟧0-9]{0,40}", width in 20usize..60) {
            let html = format!("<p>{text}<img src='https://e.org/{width}.png' alt='{text}'>{text}</p>");
            let rows = |_: &str, _: Option<(u32, u32)>| Some(2);
            let r = render_html_with(&html, None, width, Some(&ImageLayout { rows: &rows }));
            prop_assert_eq!(r.images.len(), 1);
            for l in &r.lines {
                prop_assert!(!l.text().contains(MARK_OPEN), "{:?}", l.text());
                prop_assert!(l.width() <= width);
            }
        }
    }

    #[test]
    fn drops_scripts_pixels_and_marks_images() {
        let html = r#"<p>Hi<script>alert(1)</script><img src="/t.gif" width="1" height="1"><img src="/cat.jpg" alt="a cat"></p><form><input value="x"></form>"#;
        let r = render_html(html, None, 40);
        let text: String = r.lines.iter().map(Line::text).collect();
        assert!(text.contains("Hi"));
        assert!(text.contains("[image: a cat]"), "{text}");
        assert!(!text.contains("alert"));
    }

    #[test]
    fn absurd_nesting_falls_back_to_plain_text_quickly() {
        let html = format!(
            "{}deep text{}",
            "<div><span>".repeat(30_000),
            "</span></div>".repeat(30_000)
        );
        assert!(nesting_depth(&html) > MAX_NESTING);
        let r = render_html(&html, None, 40);
        assert_eq!(
            r.lines.iter().map(Line::text).collect::<Vec<_>>(),
            vec!["deep text"]
        );
        assert!(nesting_depth("<p>a<p>b<br><img src=x><div><i>c</i></div>") <= 3);
    }

    #[test]
    fn pre_is_kept_verbatim() {
        let html = "<pre>fn main() {\n    let x = 1;\n}</pre><p>after</p>";
        let r = render_html(html, None, 40);
        let texts: Vec<String> = r.lines.iter().map(Line::text).collect();
        assert!(texts.iter().any(|t| t == "    let x = 1;"), "{texts:?}");
    }
}
