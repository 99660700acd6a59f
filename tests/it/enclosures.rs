//! Enclosures and discussion pages read from real feeds (iTunes, Media RSS, JSON Feed
//! attachments, RSS comments, Atom replies links), as the article pane gets them.

use std::path::Path;

use tidings::model::NewArticle;

fn parse(file: &str) -> Vec<NewArticle> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(file);
    let bytes = std::fs::read(&p).expect("fixture");
    let url = url::Url::parse("https://fixture.example/feed").expect("url");
    tidings::feed::parse(&bytes, None, &url).expect("parse").articles
}

#[test]
fn itunes_duration_goes_to_the_episode_enclosure() {
    let items = parse("rss2-podcast-kcrw-double-escaped-channel-title.xml");
    let e = &items[0].enclosures[0];
    assert!(e.url.ends_with(".mp3?1145657863"), "{e:?}");
    assert_eq!(e.mime.as_deref(), Some("audio/mpeg"));
    assert_eq!(e.length, Some(13_998_405));
    assert_eq!(e.duration, Some(28 * 60 + 59), "<itunes:duration>00:28:59");
    let timed = items
        .iter()
        .filter(|a| a.enclosures.iter().any(|e| e.duration.is_some()))
        .count();
    assert_eq!(timed, 8, "every item with an itunes:duration");
}

#[test]
fn json_feed_attachments_keep_type_size_and_time() {
    let items = parse("jsonfeed11-spec-podcast-attachments.json");
    let e = &items[0].enclosures[0];
    assert_eq!(
        e.url,
        "http://therecord.co/downloads/The-Record-sp1e1-ChrisParrish.m4a"
    );
    assert_eq!(e.mime.as_deref(), Some("audio/x-m4a"));
    assert_eq!(e.length, Some(89_970_236));
    assert_eq!(e.duration, Some(6629));
}

#[test]
fn media_rss_groups_give_the_enclosure_their_title_and_thumbnails_are_not_enclosures() {
    let items = parse("atom10-youtube-channel-media-group.xml");
    let e = &items[0].enclosures;
    assert_eq!(e.len(), 1, "the video, not its thumbnail: {e:?}");
    assert_eq!(
        e[0].title.as_deref(),
        Some("Navigating with Quantum Entanglement")
    );
    assert_eq!(e[0].mime.as_deref(), Some("application/x-shockwave-flash"));
}

#[test]
fn the_discussion_page_is_kept_apart_from_the_link() {
    let rss = parse("rss2-microblog-empty-titles.xml");
    let with = rss
        .iter()
        .find(|a| a.comments.is_some())
        .expect("an item with comments");
    assert!(with.comments.as_deref().expect("c").ends_with("#comments"));
    assert_ne!(with.link, with.comments, "never used as the article link");
    let atom = parse("atom10-typepad-entry-xmlbase-enclosures.xml");
    let c = atom[0]
        .comments
        .as_deref()
        .expect("Atom link rel=replies type=text/html");
    assert!(
        c.starts_with("http://expertopinionent.typepad.com/my-blog/"),
        "{c}"
    );
}

#[test]
fn a_replies_link_to_a_comment_feed_and_odd_durations_are_not_taken() {
    let xml = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>T</title>
<item><title>a</title><guid>a</guid>
  <atom:link rel="replies" type="application/atom+xml" href="https://x.example/comments.atom"/>
  <enclosure url="https://x.example/a.mp3" type="audio/mpeg" length="10"/>
  <itunes:duration>soon</itunes:duration></item>
<item><title>b</title><guid>b</guid>
  <media:content url="https://x.example/b.mp4" type="video/mp4" duration="95"/>
  <itunes:duration>1:70</itunes:duration></item>
<item><title>c</title><guid>c</guid>
  <enclosure url="https://x.example/c.mp3" type="audio/mpeg"/>
  <itunes:duration>5400</itunes:duration></item>
</channel></rss>"#;
    let url = url::Url::parse("https://x.example/feed").expect("url");
    let items = tidings::feed::parse(xml.as_bytes(), None, &url)
        .expect("parse")
        .articles;
    assert_eq!(
        items[0].comments, None,
        "a feed of comments is not a page to read"
    );
    assert_eq!(items[0].enclosures[0].duration, None);
    assert_eq!(
        items[1].enclosures[0].duration,
        Some(95),
        "media:content's own time wins"
    );
    assert_eq!(items[2].enclosures[0].duration, Some(5400));
}
