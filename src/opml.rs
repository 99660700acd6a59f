//! OPML import and export over strings. Folders (outlines without `xmlUrl`) and `category`
//! attributes become tags; export writes OPML 2.0 with tags as folders, plus every tag in
//! `category` so a round trip keeps feeds that carry several.

use quick_xml::XmlVersion;

use crate::text::escape_xml;
use quick_xml::events::{BytesStart, Event};

/// A feed read from (or written to) OPML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    pub url: String,
    pub title: Option<String>,
    pub site: Option<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpmlError {
    #[error("not valid XML at byte {position}: {message}")]
    Xml { position: u64, message: String },
    #[error("not an OPML file: no <opml> root element")]
    NotOpml,
    #[error("the OPML file lists no feeds (no outline has an xmlUrl)")]
    NoFeeds,
}

/// Reads every feed outline.
pub fn read(text: &str) -> Result<Vec<OpmlFeed>, OpmlError> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut feeds = Vec::new();
    let mut saw_opml = false;
    loop {
        let ev = reader.read_event().map_err(|e| OpmlError::Xml {
            position: reader.error_position(),
            message: e.to_string(),
        })?;
        match ev {
            Event::Start(e) if is(&e, "opml") => saw_opml = true,
            Event::Empty(e) if is(&e, "opml") => saw_opml = true,
            Event::Start(e) if is(&e, "outline") => {
                let o = outline(&e);
                if o.url.is_some() {
                    feeds.push(o.into_feed(&folders));
                    folders.push(None);
                } else {
                    folders.push(o.title);
                }
            }
            Event::Empty(e) if is(&e, "outline") => {
                let o = outline(&e);
                if o.url.is_some() {
                    feeds.push(o.into_feed(&folders));
                }
            }
            Event::End(e) if e.name().as_ref().eq_ignore_ascii_case("outline") => {
                folders.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_opml {
        return Err(OpmlError::NotOpml);
    }
    if feeds.is_empty() {
        return Err(OpmlError::NoFeeds);
    }
    Ok(feeds)
}

fn is(e: &BytesStart<'_>, name: &str) -> bool {
    e.name().as_ref().eq_ignore_ascii_case(name)
}

struct Outline {
    url: Option<String>,
    title: Option<String>,
    site: Option<String>,
    categories: Vec<String>,
}

impl Outline {
    fn into_feed(self, folders: &[Option<String>]) -> OpmlFeed {
        let mut tags: Vec<String> = folders.iter().flatten().cloned().collect();
        tags.extend(self.categories);
        let mut seen = std::collections::HashSet::new();
        tags.retain(|t| !t.is_empty() && seen.insert(t.to_lowercase()));
        OpmlFeed {
            url: self.url.unwrap_or_default(),
            title: self.title,
            site: self.site,
            tags,
        }
    }
}

fn outline(e: &BytesStart<'_>) -> Outline {
    let mut o = Outline {
        url: None,
        title: None,
        site: None,
        categories: Vec::new(),
    };
    let mut text = None;
    for attr in e.attributes().flatten() {
        let key = attr.key.as_ref().to_ascii_lowercase();
        let Ok(value) = attr.normalized_value(XmlVersion::Implicit1_0) else {
            continue;
        };
        // Some exporters escape twice ("&amp;amp;"): decode what is left once more.
        let value = crate::text::sanitize_line(&crate::text::decode_entities(&value));
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "xmlurl" => o.url = Some(value),
            "title" => o.title = Some(value),
            "text" => text = Some(value),
            "htmlurl" => o.site = Some(value),
            "category" => {
                o.categories = value
                    .split(',')
                    .map(|c| {
                        c.trim()
                            .trim_matches('/')
                            .rsplit('/')
                            .next()
                            .unwrap_or("")
                            .trim()
                            .to_string()
                    })
                    .filter(|c| !c.is_empty())
                    .collect();
            }
            _ => {}
        }
    }
    o.title = o.title.or(text);
    o
}

/// Writes OPML 2.0: one folder per first tag, untagged feeds at the top level.
pub fn write(feeds: &[OpmlFeed], now: chrono::DateTime<chrono::Utc>) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!(
        "  <head>\n    <title>tidings feeds</title>\n    <dateCreated>{}</dateCreated>\n  </head>\n  <body>\n",
        now.to_rfc2822()
    ));
    let line = |f: &OpmlFeed, indent: &str| {
        let title = f.title.clone().unwrap_or_else(|| f.url.clone());
        let mut s = format!(
            "{indent}<outline type=\"rss\" text=\"{t}\" title=\"{t}\" xmlUrl=\"{u}\"",
            t = escape_xml(&title),
            u = escape_xml(&f.url)
        );
        if let Some(site) = &f.site {
            s.push_str(&format!(" htmlUrl=\"{}\"", escape_xml(site)));
        }
        if f.tags.len() > 1 {
            s.push_str(&format!(" category=\"{}\"", escape_xml(&f.tags.join(","))));
        }
        s.push_str("/>\n");
        s
    };
    let mut folders: Vec<&str> = feeds
        .iter()
        .filter_map(|f| f.tags.first().map(String::as_str))
        .collect();
    folders.sort_unstable();
    folders.dedup();
    for folder in folders {
        out.push_str(&format!(
            "    <outline text=\"{t}\" title=\"{t}\">\n",
            t = escape_xml(folder)
        ));
        for f in feeds
            .iter()
            .filter(|f| f.tags.first().map(String::as_str) == Some(folder))
        {
            out.push_str(&line(f, "      "));
        }
        out.push_str("    </outline>\n");
    }
    for f in feeds.iter().filter(|f| f.tags.is_empty()) {
        out.push_str(&line(f, "    "));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_feeds_names_and_tags() {
        let feeds = vec![
            OpmlFeed {
                url: "https://a.example/f?x=1&y=2".into(),
                title: Some("A & <B>".into()),
                site: None,
                tags: vec!["one".into(), "two".into()],
            },
            OpmlFeed {
                url: "https://b.example/".into(),
                title: Some("B".into()),
                site: Some("https://b.example/home".into()),
                tags: vec!["two".into()],
            },
            OpmlFeed {
                url: "https://c.example/".into(),
                title: Some("C".into()),
                site: None,
                tags: vec![],
            },
        ];
        let text = write(&feeds, chrono::Utc::now());
        let mut back = read(&text).expect("reads");
        back.sort_by(|a, b| a.url.cmp(&b.url));
        assert_eq!(back, feeds);
    }

    #[test]
    fn malformed_and_empty_files_are_errors() {
        assert!(matches!(
            read("<opml><body><outline text='x'></body></opml>"),
            Err(OpmlError::Xml { .. })
        ));
        assert_eq!(read("<rss></rss>"), Err(OpmlError::NotOpml));
        assert_eq!(read("<opml><body/></opml>"), Err(OpmlError::NoFeeds));
    }
}
