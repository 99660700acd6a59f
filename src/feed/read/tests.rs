//! One test per feed shape the reader recognises by what it is.
use super::super::parse::{Source, parse, parse_source};
use crate::model::NewArticle;
use url::Url;

fn url() -> Url {
    Url::parse("http://example.org/feeds/feed.xml").expect("url")
}

fn articles(xml: &str) -> Vec<NewArticle> {
    parse(xml.as_bytes(), None, &url()).expect("parses").articles
}

fn titles(xml: &str) -> Vec<String> {
    articles(xml).into_iter().map(|a| a.title).collect()
}

#[test]
fn rss_090_in_any_netscape_namespace_spelling() {
    for space in [
        "http://channel.netscape.com/rdf/simple/0.9/",
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://purl.org/rss/1.0/",
    ] {
        let xml = format!(
            r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="{space}">
            <channel><title>C</title><link>http://example.org/</link></channel>
            <item><title>One</title><link>http://example.org/1</link></item>
            <item><title>Two</title><link>http://example.org/2</link></item></rdf:RDF>"#
        );
        let feed = parse(xml.as_bytes(), None, &url()).expect("parses");
        assert_eq!(feed.meta.title.as_deref(), Some("C"), "{space}");
        let t: Vec<_> = feed.articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(t, ["One", "Two"], "{space}");
    }
}

#[test]
fn rss_with_or_without_a_version_and_in_a_prefixed_namespace() {
    assert_eq!(
        titles("<rss><channel><item><title>a</title></item></channel></rss>"),
        ["a"]
    );
    let prefixed = r#"<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2"
        xmlns:szf="http://schemas.example/desc/"><r:channel><r:item><r:title>t</r:title>
        <szf:description>wrong</szf:description><r:description>right</r:description>
        </r:item></r:channel></r:rss>"#;
    let a = articles(prefixed);
    assert_eq!(a[0].title, "t");
    assert_eq!(
        a[0].summary.as_deref(),
        Some("right"),
        "an extension's element of the same name is not the item's"
    );
}

#[test]
fn atom_03_modes_escaped_base64_and_xml() {
    let xml = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#">
        <entry><title mode="escaped" type="text/html">A &lt;b&gt;bold&lt;/b&gt; one</title>
          <issued>2004-01-01T00:00:00Z</issued><content mode="base64" type="text/html">PHA+aGk8L3A+</content></entry>
        <entry><title type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml">Two <b>x</b></div></title>
          <modified>2004-01-02T00:00:00Z</modified></entry>
        </feed>"#;
    let a = articles(xml);
    assert_eq!(a.len(), 2, "both entries");
    assert_eq!(a[0].title, "A bold one");
    assert_eq!(a[0].content.as_deref(), Some("<p>hi</p>"));
    assert_eq!(
        a[0].published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2004-01-01T00:00:00+00:00")
    );
    assert_eq!(a[1].title, "Two x");
}

#[test]
fn atom_10_text_constructs_by_type() {
    let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom">
        <entry><id>1</id><title type="text">History of the &lt;blink&gt; tag</title></entry>
        <entry><id>2</id><title type="html">caf&amp;eacute; &amp;mdash; ok</title></entry>
        <entry><id>3</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">In <i>line</i></div></title></entry>
        <entry><id>4</id><title type="application/octet-stream">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title></entry>
        <entry><id>5</id><title>Example <b>Atom</b></title></entry>
        </feed>"#;
    assert_eq!(
        titles(xml),
        [
            "History of the <blink> tag",
            "café — ok",
            "In line",
            "Example <b>Atom</b>",
            "Example Atom"
        ]
    );
}

#[test]
fn cdf_channels_read_as_feeds() {
    let xml = r#"<CHANNEL HREF="http://example.org/"><TITLE>Chan</TITLE>
        <ITEM HREF="/item1" LASTMOD="2004-01-01T12:00"><TITLE>Item</TITLE><ABSTRACT>Text</ABSTRACT></ITEM>
        </CHANNEL>"#;
    let feed = parse(xml.as_bytes(), None, &url()).expect("parses");
    assert_eq!(feed.meta.title.as_deref(), Some("Chan"));
    let a = &feed.articles[0];
    assert_eq!(a.title, "Item");
    assert_eq!(a.link.as_deref(), Some("http://example.org/item1"));
    assert_eq!(a.summary.as_deref(), Some("Text"));
    assert!(a.published.is_some());
}

#[test]
fn xml_base_resolves_links_enclosures_and_content_at_every_level() {
    let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://a.example/base/">
        <entry xml:base="entry/"><id>1</id><title>t</title>
          <link href="page"/><link rel="enclosure" href="../ep.mp3" type="audio/mpeg" length="12"/>
          <content type="html" xml:base="http://c.example/d/">&lt;a href="x"&gt;x&lt;/a&gt;</content>
        </entry></feed>"#;
    let a = &articles(xml)[0];
    assert_eq!(a.link.as_deref(), Some("http://a.example/base/entry/page"));
    assert_eq!(a.enclosures[0].url, "http://a.example/base/ep.mp3");
    assert_eq!(a.enclosures[0].length, Some(12));
    let content = a.content.as_deref().expect("content");
    assert!(
        content.starts_with(r#"<base href="http://c.example/d/">"#),
        "{content}"
    );
    // The renderer follows that base.
    let page = Url::parse("http://a.example/base/entry/page").expect("url");
    let shown = crate::text::render_html(content, Some(&page), 60);
    assert_eq!(shown.links, ["http://c.example/d/x"]);
}

#[test]
fn rss_links_resolve_against_the_document_or_content_location() {
    let xml = "<rss version=\"2.0\"><channel><item><title>t</title><link>/a</link>\
        <enclosure url=\"b.mp3\" type=\"audio/mpeg\"/></item></channel></rss>";
    let a = &articles(xml)[0];
    assert_eq!(a.link.as_deref(), Some("http://example.org/a"));
    assert_eq!(a.enclosures[0].url, "http://example.org/feeds/b.mp3");
    let u = url();
    let mut source = Source::new(&u);
    source.content_location = Some("http://cdn.example/x/");
    let a = &parse_source(xml.as_bytes(), &source).expect("parses").articles[0];
    assert_eq!(a.enclosures[0].url, "http://cdn.example/x/b.mp3");
}

#[test]
fn named_entities_and_double_escaped_titles_read_once_escaped() {
    let xml = "<rss version=\"2.0\"><channel><item><title>It&amp;rsquo;s caf&amp;eacute; &amp;mdash;</title>\
        <author>a&eacute;b@example.org (Ren&eacute;e)</author></item></channel></rss>";
    let a = &articles(xml)[0];
    assert_eq!(a.title, "It\u{2019}s café \u{2014}");
    assert_eq!(a.author.as_deref(), Some("Renée"));
}

#[test]
fn dates_in_other_languages_and_broken_forms() {
    let xml = "<rss version=\"2.0\"><channel>\
        <item><guid>1</guid><pubDate>Seg, 24 Set 2018 10:00:00 -0300</pubDate></item>\
        <item><guid>2</guid><dc:date>2018-09-24</dc:date></item>\
        <item><guid>3</guid><pubDate>someday</pubDate></item></channel></rss>";
    let dates: Vec<_> = articles(xml)
        .iter()
        .map(|a| a.published.map(|d| d.to_rfc3339()))
        .collect();
    assert_eq!(
        dates,
        [
            Some("2018-09-24T13:00:00+00:00".to_string()),
            Some("2018-09-24T00:00:00+00:00".to_string()),
            None
        ]
    );
}

#[test]
fn items_anywhere_unclosed_items_and_a_document_cut_short() {
    // Items outside a channel, and one that forgets its end tag.
    let xml = "<rss><item><title>a</title><item><title>b</title></item></rss>";
    assert_eq!(titles(xml), ["a", "b"]);
    // The item the document ends inside is dropped; the whole ones stay.
    let cut = "<rss><channel><item><guid>1</guid><title>whole</title></item><item><guid>2</guid><title>ha";
    assert_eq!(titles(cut), ["whole"]);
    let only_half = "<rss><channel><item><title>ha";
    let err = parse(only_half.as_bytes(), None, &url()).expect_err("cut short");
    assert!(err.to_string().contains("cut short"), "{err}");
}

#[test]
fn media_and_dublin_core_titles_and_media_enclosures() {
    let xml = r#"<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel><item><guid>1</guid><dc:title>From DC</dc:title></item>
        <item><guid>2</guid><media:group><media:title type="plain">From media</media:title>
          <media:content url="http://v.example/a.mp4" type="video/mp4" fileSize="99"/>
          <media:content url="http://v.example/a.jpg" type="image/jpeg"/></media:group></item>
        </channel></rss>"#;
    let a = articles(xml);
    assert_eq!(a[0].title, "From DC");
    assert_eq!(a[1].title, "From media");
    assert_eq!(
        a[1].enclosures.len(),
        1,
        "the picture of a video is not an enclosure"
    );
    assert_eq!(a[1].enclosures[0].length, Some(99));
}

#[test]
fn an_html_page_and_a_non_feed_document_are_named_errors() {
    let err = parse(b"<html><head><title>x</title></head></html>", None, &url()).expect_err("html");
    assert!(err.to_string().contains("HTML page"), "{err}");
    let err = parse(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", None, &url()).expect_err("svg");
    assert!(err.to_string().contains("<svg>"), "{err}");
}

#[test]
fn json_feed_odd_field_types() {
    let cases = [
        r#"{"version":"https://jsonfeed.org/version/1","title":"j","items":[{"id":1,"title":"n"}]}"#,
        r#"{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","title":"n","tags":"x"}]}"#,
        r#"{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","title":"n","authors":{"name":"a"}}]}"#,
        r#"{"version":"https://jsonfeed.org/version/1","title":"j","items":[{"id":"1","title":"n","author":"a"}]}"#,
        r#"{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","title":"n","attachments":{"url":"http://a.example/x.mp3","mime_type":"audio/mpeg","size_in_bytes":"12"}}]}"#,
        r#"{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","title":"n","date_published":"Mon, 02 Jan 2006 15:04:05 GMT"}]}"#,
        r#"{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","title":7}]}"#,
    ];
    let read: Vec<_> = cases
        .iter()
        .map(|c| parse(c.as_bytes(), None, &url()).expect(c).articles.remove(0))
        .collect();
    assert_eq!(read[0].key, "g:1", "a numeric id");
    assert_eq!(read[2].author.as_deref(), Some("a"), "authors as one object");
    assert_eq!(read[3].author.as_deref(), Some("a"), "author as a bare name");
    assert_eq!(
        read[4].enclosures[0].length,
        Some(12),
        "attachments as one object, size as text"
    );
    assert!(read[5].published.is_some(), "an RFC 822 date in JSON");
    assert_eq!(read[6].title, "7");
}
