//! Search: what a user types, turned into SQL over the full-text index and the article and
//! feed columns. Words match as prefixes, `"..."` is a phrase, `-` excludes a word, a phrase or
//! a field, and `title:`, `author:`, `feed:`, `tag:` narrow to a field. Every value is a bound
//! parameter; FTS syntax in the input is always quoted.

use rusqlite::types::Value;

use super::{Result, Store};
use crate::model::ArticleId;

/// One term of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// Words (one, or a phrase), in every indexed column or in the title only.
    Text {
        words: Vec<String>,
        phrase: bool,
        title_only: bool,
    },
    Author(String),
    Feed(String),
    Tag(String),
}

/// Splits the input into terms, each with its `-`.
fn terms(input: &str) -> Vec<(bool, Term)> {
    let mut out = Vec::new();
    let mut rest = input.trim_start();
    while !rest.is_empty() {
        let negated = rest.starts_with('-') && rest.len() > 1;
        if negated {
            rest = &rest[1..];
        }
        let (field, after) = match rest.split_once(':') {
            Some((f, a))
                if !f.is_empty() && f.chars().all(|c| c.is_ascii_alphabetic()) && !f.contains(' ') =>
            {
                match f.to_ascii_lowercase().as_str() {
                    k @ ("title" | "author" | "feed" | "tag") => (Some(k.to_string()), a),
                    _ => (None, rest),
                }
            }
            _ => (None, rest),
        };
        let (value, quoted, next) = take_value(after);
        rest = next.trim_start();
        let words = words(&value);
        let term = match field.as_deref() {
            Some("author") => Term::Author(value),
            Some("feed") => Term::Feed(value),
            Some("tag") => Term::Tag(value.trim_start_matches('#').to_lowercase()),
            title => Term::Text {
                words,
                phrase: quoted,
                title_only: title.is_some(),
            },
        };
        let empty = match &term {
            Term::Text { words, .. } => words.is_empty(),
            Term::Author(v) | Term::Feed(v) | Term::Tag(v) => v.trim().is_empty(),
        };
        if !empty {
            out.push((negated, term));
        }
    }
    out
}

/// A quoted value up to its closing quote, else up to the next space.
fn take_value(s: &str) -> (String, bool, &str) {
    if let Some(q) = s.strip_prefix('"') {
        return match q.find('"') {
            Some(end) => (q[..end].to_string(), true, &q[end + 1..]),
            None => (q.to_string(), true, ""),
        };
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    (s[..end].to_string(), false, &s[end..])
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The FTS5 expression of one text term.
fn fts_expr(words: &[String], phrase: bool, title_only: bool) -> String {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    let body = if phrase {
        format!("\"{}\"", words.join(" ").replace('"', "\"\""))
    } else {
        quoted
            .iter()
            .map(|q| format!("{q}*"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if title_only {
        format!("title : ({body})")
    } else {
        format!("({body})")
    }
}

fn like(v: &str) -> Value {
    let escaped = v.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    Value::Text(format!("%{escaped}%"))
}

/// SQL conditions on `a` (articles) for a search, with their parameters; empty when the input
/// holds nothing to search for.
pub fn conditions(input: &str) -> Vec<(String, Vec<Value>)> {
    terms(input)
        .into_iter()
        .map(|(negated, term)| {
            let (sql, args) = match term {
                Term::Text {
                    words,
                    phrase,
                    title_only,
                } => (
                    "a.id IN (SELECT rowid FROM search WHERE search MATCH ?)".to_string(),
                    vec![Value::Text(fts_expr(&words, phrase, title_only))],
                ),
                Term::Author(v) => ("coalesce(a.author, '') LIKE ? ESCAPE '\\'".into(), vec![like(&v)]),
                Term::Feed(v) => (
                    "a.feed_id IN (SELECT id FROM feeds WHERE coalesce(config_name, '') LIKE ? ESCAPE '\\'
                        OR coalesce(title, '') LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\')"
                        .into(),
                    vec![like(&v), like(&v), like(&v)],
                ),
                Term::Tag(v) => (
                    "a.feed_id IN (SELECT id FROM feeds WHERE config_tags LIKE ? ESCAPE '\\')".into(),
                    vec![like(&format!(",{v},"))],
                ),
            };
            if negated {
                (format!("NOT ({sql})"), args)
            } else {
                (sql, args)
            }
        })
        .collect()
}

/// An article's title, summary, content and full text, as indexed.
type IndexRow = (String, Option<String>, Option<String>, Option<String>);

impl Store {
    /// Rebuilds the search index from the stored articles when a migration asked for it.
    pub(super) fn reindex_if_flagged(&mut self) -> Result<()> {
        let flagged: Option<String> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT value FROM meta WHERE key = 'reindex'",
            [],
            |r| r.get(0),
        ))?;
        if flagged.is_none() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        {
            let mut rows = tx.prepare(
                "SELECT a.id, a.title, b.summary, b.content, b.full_html
                 FROM articles a LEFT JOIN bodies b ON b.article_id = a.id",
            )?;
            let mut add = tx.prepare("INSERT INTO search (rowid, title, body) VALUES (?1, ?2, ?3)")?;
            let mut it = rows.query([])?;
            while let Some(r) = it.next()? {
                let id: i64 = r.get(0)?;
                let title: String = r.get(1)?;
                let (summary, content, full): (Option<String>, Option<String>, Option<String>) =
                    (r.get(2)?, r.get(3)?, r.get(4)?);
                let body = body_text(summary.as_deref(), content.as_deref(), full.as_deref());
                add.execute(rusqlite::params![id, title, body])?;
            }
        }
        tx.execute("DELETE FROM meta WHERE key = 'reindex'", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Re-indexes one article (its full text was fetched, or it changed).
    pub(super) fn reindex_article(tx: &rusqlite::Connection, id: ArticleId) -> Result<()> {
        let row: Option<IndexRow> = rusqlite::OptionalExtension::optional(tx.query_row(
            "SELECT a.title, b.summary, b.content, b.full_html
                 FROM articles a LEFT JOIN bodies b ON b.article_id = a.id WHERE a.id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        ))?;
        let Some((title, summary, content, full)) = row else {
            return Ok(());
        };
        tx.execute("DELETE FROM search WHERE rowid = ?1", [id.0])?;
        tx.execute(
            "INSERT INTO search (rowid, title, body) VALUES (?1, ?2, ?3)",
            rusqlite::params![
                id.0,
                title,
                body_text(summary.as_deref(), content.as_deref(), full.as_deref())
            ],
        )?;
        Ok(())
    }
}

/// The indexed body: the feed's text and, once fetched, the full article.
pub fn body_text(summary: Option<&str>, content: Option<&str>, full: Option<&str>) -> String {
    let mut text = crate::text::index_words(content.or(summary).unwrap_or(""));
    if let Some(full) = full {
        text.push(' ');
        text.push_str(&crate::text::index_words(full));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_cover_phrases_exclusions_and_fields() {
        let t = terms(r#"rust "borrow checker" -nightly title:release author:"Ann Lee" -tag:#News feed:lwn"#);
        assert_eq!(t.len(), 7, "{t:?}");
        assert_eq!(
            t[1],
            (
                false,
                Term::Text {
                    words: vec!["borrow".into(), "checker".into()],
                    phrase: true,
                    title_only: false
                }
            )
        );
        assert!(t[2].0, "-nightly is negated");
        assert_eq!(t[4], (false, Term::Author("Ann Lee".into())));
        assert_eq!(t[5], (true, Term::Tag("news".into())));
        assert_eq!(t[6], (false, Term::Feed("lwn".into())));
    }

    #[test]
    fn unknown_fields_and_fts_syntax_are_plain_text() {
        let c = conditions(r#"http://x.org NEAR( "a*" ^b"#);
        assert!(!c.is_empty());
        for (_, args) in &c {
            let Value::Text(t) = &args[0] else { panic!() };
            assert!(!t.contains("NEAR("), "{t}");
        }
        assert!(conditions("  - \"\" title: ").is_empty());
    }
}
