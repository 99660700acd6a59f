//! JSON Feed 1.0 and 1.1, read from a `serde_json::Value` so the odd field types of real
//! feeds read as what they mean: numeric ids, `tags` as one string, `author` as a string,
//! `authors` or `attachments` as one object instead of a list, sizes as strings.

use serde_json::Value;
use url::Url;

use super::date;
use super::parse::{ParseError, ParsedFeed, entry_key, placeholder_for, resolve};
use crate::model::{Enclosure, FeedMeta, NewArticle};
use crate::text::{escape_xml, sanitize_line, sanitize_text};

/// What is wrong with a document that is not JSON. One whose error is at its very end (only
/// whitespace follows where the parser stopped) was cut short, as a download that stopped
/// part way is: said so, as the XML reader says of a feed that ends inside an item.
fn json_error(text: &str, e: &serde_json::Error) -> String {
    let from_line = text.split_inclusive('\n').skip(e.line().saturating_sub(1));
    let mut rest = from_line.enumerate().map(|(i, line)| {
        if i == 0 {
            // The column is 1-based and counts bytes; 0 when the error is at the line's start.
            line.get(e.column().saturating_sub(1).min(line.len())..)
                .unwrap_or("")
        } else {
            line
        }
    });
    if e.is_eof() || rest.all(|piece| piece.trim().is_empty()) {
        return format!(
            "the JSON document is cut short (it stops inside a value at line {})",
            e.line()
        );
    }
    format!("not valid JSON: {}", sanitize_line(&e.to_string()))
}

/// Reads a JSON Feed document.
pub fn read(text: &str, base: &Url) -> Result<ParsedFeed, ParseError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| ParseError::Invalid(json_error(text, &e)))?;
    let Some(obj) = doc.as_object() else {
        return Err(ParseError::Invalid("the JSON document is not an object".into()));
    };
    let is_feed = obj
        .get("version")
        .and_then(Value::as_str)
        .is_some_and(|v| v.contains("jsonfeed.org"))
        || obj.contains_key("items");
    if !is_feed {
        return Err(ParseError::Invalid(
            "the JSON document is not a JSON Feed (no version, no items)".into(),
        ));
    }
    let feed_author = authors(&doc);
    let meta = FeedMeta {
        title: string(&doc["title"])
            .map(|t| sanitize_line(&t))
            .filter(|t| !t.is_empty()),
        site_link: string(&doc["home_page_url"]).and_then(|u| resolve(base, &u)),
    };
    let articles = list(&doc["items"])
        .into_iter()
        .filter(|i| i.is_object())
        .map(|i| item(i, base, feed_author.as_deref()))
        .collect();
    Ok(ParsedFeed { meta, articles })
}

/// A scalar as text: strings as they are, numbers and booleans written out.
fn string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list, where one value may stand for a list of one.
fn list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The first author's name: `authors` (1.1) or `author` (1.0), an object or a bare name.
fn authors(v: &Value) -> Option<String> {
    list(&v["authors"])
        .into_iter()
        .chain(list(&v["author"]))
        .find_map(|a| match a {
            Value::Object(o) => o.get("name").and_then(string),
            other => string(other),
        })
        .map(|n| sanitize_line(&n))
        .filter(|n| !n.is_empty())
}

fn item(i: &Value, base: &Url, feed_author: Option<&str>) -> NewArticle {
    let link = string(&i["url"])
        .or_else(|| string(&i["external_url"]))
        .and_then(|u| resolve(base, u.trim()));
    let content = string(&i["content_html"])
        .or_else(|| string(&i["content_text"]).map(|t| escape_xml(&t).replace('\n', "<br>")))
        .map(|c| sanitize_text(&c))
        .filter(|c| !c.trim().is_empty());
    let summary = string(&i["summary"])
        .map(|s| sanitize_text(&escape_xml(&s)))
        .filter(|s| !s.trim().is_empty());
    let published = string(&i["date_published"]).and_then(|d| date::parse(&d));
    let updated = string(&i["date_modified"]).and_then(|d| date::parse(&d));
    let published = published.or(updated);
    let title = string(&i["title"])
        .map(|t| super::read::title_line(&t))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| placeholder_for(content.as_deref().or(summary.as_deref())));
    let id = string(&i["id"]).unwrap_or_default();
    let key = entry_key(
        &id,
        link.as_deref(),
        &title,
        published,
        content.as_deref().or(summary.as_deref()),
    );
    let mut enclosures: Vec<Enclosure> = Vec::new();
    for a in list(&i["attachments"]) {
        let Some(url) = string(&a["url"]).and_then(|u| resolve(base, u.trim())) else {
            continue;
        };
        if enclosures.iter().any(|e| e.url == url) {
            continue;
        }
        enclosures.push(Enclosure {
            url,
            mime: string(&a["mime_type"])
                .map(|m| sanitize_line(&m))
                .filter(|m| !m.is_empty()),
            length: string(&a["size_in_bytes"])
                .and_then(|s| s.trim().parse::<f64>().ok())
                .map(|n| n as u64),
            duration: string(&a["duration_in_seconds"]).and_then(|s| super::parse::duration_seconds(&s)),
            title: string(&a["title"])
                .map(|t| sanitize_line(&t))
                .filter(|t| !t.is_empty()),
        });
    }
    NewArticle {
        key,
        title,
        author: authors(i).or_else(|| feed_author.map(str::to_string)),
        link,
        published,
        updated,
        summary,
        content,
        enclosures,
        comments: None,
        categories: tags(&i["tags"]),
    }
}

/// `tags`: a list of strings, or one string.
fn tags(v: &Value) -> Vec<String> {
    let list: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::String(_) => vec![v],
        _ => Vec::new(),
    };
    let mut out: Vec<String> = Vec::new();
    for t in list.into_iter().filter_map(string) {
        super::parse::add_category(&mut out, &t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds")
    }

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(fixtures().join(name)).expect("fixture")
    }

    fn error_of(text: &str) -> String {
        let base = Url::parse("https://example.org/feed.json").expect("url");
        match read(text, &base) {
            Err(ParseError::Invalid(why)) => why,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_prefix_of_a_real_json_feed_is_cut_short_and_damage_inside_is_not() {
        let mut whole: Vec<String> = std::fs::read_dir(fixtures())
            .expect("fixtures")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| std::fs::read_to_string(p).expect("fixture"))
            .filter(|t| serde_json::from_str::<Value>(t).is_ok())
            .collect();
        whole.sort();
        assert!(whole.len() >= 2, "the JSON Feed fixtures");
        for text in &whole {
            let step = (text.len() / 40).max(1);
            for cut in (1..text.len())
                .step_by(step)
                .filter(|&c| text.is_char_boundary(c))
            {
                let prefix = &text[..cut];
                if prefix.trim_end().len() == text.trim_end().len() {
                    continue;
                }
                let why = error_of(prefix);
                assert!(
                    why.starts_with("the JSON document is cut short"),
                    "cut at {cut}: {why}"
                );
            }
        }
        // Damage in the middle is what serde says it is.
        let broken = whole[0].replacen(':', " ", 1);
        assert!(
            error_of(&broken).starts_with("not valid JSON: "),
            "{}",
            error_of(&broken)
        );
        // The real download that stopped mid-string (NetNewsWire's `allthis-partial.json`).
        let why = error_of(&fixture("malformed-truncated-jsonfeed.json"));
        assert_eq!(
            why,
            "the JSON document is cut short (it stops inside a value at line 2)"
        );
    }
}
