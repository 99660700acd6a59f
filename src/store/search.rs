//! Search: what a user types, turned into SQL over the full-text index and the article and
//! feed columns. Words match as prefixes, `"..."` is a phrase, `-` excludes a word, a phrase or
//! a field, and `title:`, `author:`, `feed:`, `tag:` narrow to a field. Every value is a bound
//! parameter; FTS syntax in the input is always quoted.

use rusqlite::types::Value;
use std::collections::HashMap;

use super::{Result, Store};
use crate::model::ArticleId;

/// What a term looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Title and text.
    Any,
    Title,
    Content,
    Author,
    Link,
    Feed,
    Tag,
    Category,
    /// The MIME type of an enclosure (`enclosure:audio` for any audio).
    Enclosure,
}

/// Every field a query may name, as written.
pub const FIELDS: &[&str] = &[
    "title",
    "content",
    "author",
    "link",
    "feed",
    "tag",
    "category",
    "enclosure",
];

fn field(name: &str) -> Option<Field> {
    Some(match name {
        "title" => Field::Title,
        "content" | "body" | "text" => Field::Content,
        "author" => Field::Author,
        "link" | "url" => Field::Link,
        "feed" => Field::Feed,
        "tag" => Field::Tag,
        "category" | "cat" => Field::Category,
        "enclosure" | "type" => Field::Enclosure,
        _ => return None,
    })
}

/// How a term matches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    /// Words (one, or a phrase); a substring for the fields that are not indexed.
    Words {
        words: Vec<String>,
        phrase: bool,
        raw: String,
    },
    /// `/pattern/`: a regular expression, without case.
    Regex(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    negated: bool,
    field: Field,
    matcher: Matcher,
}

/// A parsed query: alternatives (`OR`) of terms that must all hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expr {
    groups: Vec<Vec<Term>>,
}

impl Expr {
    /// Whether it looks words up in the full-text index (and so needs the new articles in
    /// the rules' scratch index at ingest).
    pub fn uses_full_text(&self) -> bool {
        self.groups.iter().flatten().any(|t| {
            matches!(t.matcher, Matcher::Words { .. })
                && matches!(t.field, Field::Any | Field::Title | Field::Content)
        })
    }

    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(Vec::is_empty)
    }
}

/// Why a query cannot match anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("'{field}:' is not a field{}; fields: {}", .suggestion.as_ref().map(|s| format!(" (did you mean '{s}:'?)")).unwrap_or_default(), FIELDS.join(", "))]
    UnknownField {
        field: String,
        suggestion: Option<String>,
    },
    #[error("'/{pattern}/' is not a regular expression: {reason}")]
    BadRegex { pattern: String, reason: String },
    #[error("the query is empty")]
    Empty,
}

/// The regular expression a `/pattern/` compiles to (without case, bounded in size).
pub fn compile_regex(pattern: &str) -> std::result::Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
}

/// Parses a query. `strict` (rules): an unknown `field:` and a broken regex are errors, not
/// words to look for, and an empty query is refused.
pub fn parse(input: &str, strict: bool) -> std::result::Result<Expr, QueryError> {
    let mut groups: Vec<Vec<Term>> = vec![Vec::new()];
    let mut rest = input.trim_start();
    while !rest.is_empty() {
        let negated = rest.starts_with('-') && rest.len() > 1;
        if negated {
            rest = &rest[1..];
        }
        let (named, after) = field_prefix(rest, strict)?;
        let (value, quoted, next) = take_value(after);
        rest = next.trim_start();
        if named.is_none() && !quoted && !negated && value == "OR" {
            groups.push(Vec::new());
            continue;
        }
        if let Some(term) = term(named.unwrap_or(Field::Any), value, quoted, negated, strict)?
            && let Some(group) = groups.last_mut()
        {
            group.push(term);
        }
    }
    groups.retain(|g| !g.is_empty());
    let expr = Expr { groups };
    if strict && expr.is_empty() {
        return Err(QueryError::Empty);
    }
    Ok(expr)
}

/// A leading `field:` and what follows it.
fn field_prefix(rest: &str, strict: bool) -> std::result::Result<(Option<Field>, &str), QueryError> {
    let Some((f, after)) = rest.split_once(':') else {
        return Ok((None, rest));
    };
    if f.is_empty() || !f.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok((None, rest));
    }
    let name = f.to_ascii_lowercase();
    match field(&name) {
        Some(k) => Ok((Some(k), after)),
        // `http://…` and `10:30` are words; so is any `word:` in a forgiving search.
        None if !strict || matches!(name.as_str(), "http" | "https" | "mailto") => Ok((None, rest)),
        None => Err(QueryError::UnknownField {
            suggestion: crate::config::raw::nearest(&name, FIELDS).map(str::to_string),
            field: name,
        }),
    }
}

fn term(
    field: Field,
    value: String,
    quoted: bool,
    negated: bool,
    strict: bool,
) -> std::result::Result<Option<Term>, QueryError> {
    if !quoted && value.len() > 2 && value.starts_with('/') && value.ends_with('/') {
        let pattern = value[1..value.len() - 1].to_string();
        match compile_regex(&pattern) {
            Ok(_) => {
                return Ok(Some(Term {
                    negated,
                    field,
                    matcher: Matcher::Regex(pattern),
                }));
            }
            Err(e) if strict => {
                return Err(QueryError::BadRegex {
                    pattern,
                    reason: e.to_string().lines().last().unwrap_or("").trim().to_string(),
                });
            }
            Err(_) => {}
        }
    }
    let value = if field == Field::Tag {
        value.trim_start_matches('#').to_string()
    } else {
        value
    };
    let words = words(&value);
    let empty = match field {
        Field::Any | Field::Title | Field::Content => words.is_empty(),
        _ => value.trim().is_empty(),
    };
    Ok((!empty).then_some(Term {
        negated,
        field,
        matcher: Matcher::Words {
            words,
            phrase: quoted,
            raw: value.trim().to_string(),
        },
    }))
}

/// A quoted value up to its closing quote, a `/regex/` up to its closing slash (spaces and
/// `\/` inside it are its own), else up to the next space.
fn take_value(s: &str) -> (String, bool, &str) {
    if s.starts_with('/') {
        let b = s.as_bytes();
        let mut i = 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'/' if b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()) && i > 1 => {
                    return (s[..=i].to_string(), false, &s[i + 1..]);
                }
                _ => i += 1,
            }
        }
    }
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

/// The FTS5 expression of words in one column (or both). The index keeps no positions, so a
/// phrase asks for each of its words, whole, and [`phrase_check`] keeps the articles that
/// hold them in a row.
fn fts_expr(words: &[String], phrase: bool, column: Option<&str>) -> String {
    let body = if phrase {
        words
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        words
            .iter()
            .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match column {
        Some(c) => format!("{c} : ({body})"),
        None => format!("({body})"),
    }
}

fn like(v: &str) -> Value {
    let escaped = v.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    Value::Text(format!("%{escaped}%"))
}

/// The text a regex looks at, per field.
fn field_text(field: Field) -> &'static str {
    match field {
        Field::Any => {
            "a.title || ' ' || coalesce((SELECT coalesce(b.content, b.summary, '') FROM bodies b
                WHERE b.article_id = a.id), '')"
        }
        Field::Title => "a.title",
        Field::Content => {
            "coalesce((SELECT coalesce(b.content, b.summary, '') FROM bodies b WHERE b.article_id = a.id), '')"
        }
        Field::Author => "coalesce(a.author, '')",
        Field::Link => "coalesce(a.link, '')",
        Field::Feed => {
            "(SELECT coalesce(f.config_name, '') || ' ' || coalesce(f.title, '') FROM feeds f WHERE f.id = a.feed_id)"
        }
        Field::Tag => {
            "coalesce(a.rule_tags, '') || coalesce((SELECT f.config_tags FROM feeds f WHERE f.id = a.feed_id), '')"
        }
        Field::Category => "coalesce(a.categories, '')",
        Field::Enclosure => "coalesce((SELECT b.enclosures FROM bodies b WHERE b.article_id = a.id), '')",
    }
}

/// SQL that keeps the articles whose title or text (`Field::Title` or `Field::Content`) holds
/// `words` in a row (`phrase()`, registered in `store::phrase`), with its parameters. A phrase
/// never spans the title and the text, nor the feed's text and the fetched full article.
fn phrase_check(field: Field, words: &[String]) -> (String, Vec<Value>) {
    let phrase = Value::Text(words.join(" "));
    match field {
        Field::Title => ("phrase(?, a.title, 0)".into(), vec![phrase]),
        _ => (
            "EXISTS (SELECT 1 FROM bodies b WHERE b.article_id = a.id
                AND (phrase(?, coalesce(b.content, b.summary), 1) OR phrase(?, b.full_html, 1)))"
                .into(),
            vec![phrase.clone(), phrase],
        ),
    }
}

/// A phrase in one column: the articles whose column holds every word (the index), then the
/// ones that hold them in a row there.
fn phrase_in(field: Field, words: &[String], lookup: &str) -> (String, Vec<Value>) {
    let column = if field == Field::Title { "title" } else { "body" };
    let (check, more) = phrase_check(field, words);
    let mut args = vec![Value::Text(fts_expr(words, true, Some(column)))];
    args.extend(more);
    (format!("({lookup} AND {check})"), args)
}

/// Which full-text index words are looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// Every stored article's (`search`).
    Stored,
    /// Only the articles the ingest under way added (`scratch.ruled`, filled for the rules): a
    /// lookup in the whole index reads every stored article's postings for the word (all of
    /// them, for a prefix), which made 50 rules cost more than the ingest itself.
    Fresh,
}

/// One term as SQL on `a` (articles), with its parameters. The left side of every LIKE is an
/// expression, never a bare column: SQLite re-prepares a statement each time a LIKE pattern on
/// a bare column is bound (its LIKE optimisation depends on the value), which rules, run per
/// feed with the same pattern, paid on every ingest.
fn term_sql(t: &Term, index: Index) -> (String, Vec<Value>) {
    let (sql, args) = match &t.matcher {
        Matcher::Regex(p) => (format!("regexp(?, {})", field_text(t.field)), vec![Value::Text(p.clone())]),
        Matcher::Words { words, phrase, raw } => match t.field {
            Field::Any | Field::Title | Field::Content => {
                let column = match t.field {
                    Field::Title => Some("title"),
                    Field::Content => Some("body"),
                    _ => None,
                };
                let sql = match index {
                    Index::Stored => "a.id IN (SELECT rowid FROM search WHERE search MATCH ?)",
                    Index::Fresh => "a.id IN (SELECT rowid FROM scratch.ruled WHERE ruled MATCH ?)",
                };
                if !*phrase {
                    (sql.to_string(), vec![Value::Text(fts_expr(words, false, column))])
                } else if t.field == Field::Any {
                    // Each column on its own: the index says which columns hold every word,
                    // so an article's text is read only when its text holds them all.
                    let (title, mut args) = phrase_in(Field::Title, words, sql);
                    let (text, more) = phrase_in(Field::Content, words, sql);
                    args.extend(more);
                    (format!("({title} OR {text})"), args)
                } else {
                    phrase_in(t.field, words, sql)
                }
            }
            Field::Author => ("coalesce(a.author, '') LIKE ? ESCAPE '\\'".into(), vec![like(raw)]),
            Field::Link => ("coalesce(a.link, '') LIKE ? ESCAPE '\\'".into(), vec![like(raw)]),
            Field::Feed => (
                "a.feed_id IN (SELECT id FROM feeds WHERE coalesce(config_name, '') LIKE ? ESCAPE '\\'
                    OR coalesce(title, '') LIKE ? ESCAPE '\\' OR coalesce(url, '') LIKE ? ESCAPE '\\')"
                    .into(),
                vec![like(raw), like(raw), like(raw)],
            ),
            Field::Tag => (
                "(a.feed_id IN (SELECT id FROM feeds WHERE coalesce(config_tags, '') LIKE ? ESCAPE '\\')
                    OR coalesce(a.rule_tags, '') LIKE ? ESCAPE '\\')"
                    .into(),
                vec![like(&format!(",{raw},")), like(&format!(",{raw},"))],
            ),
            Field::Category => (
                "coalesce(a.categories, '') LIKE ? ESCAPE '\\'".into(),
                vec![like(&format!(",{raw},"))],
            ),
            Field::Enclosure => (
                "EXISTS (SELECT 1 FROM bodies b WHERE b.article_id = a.id AND coalesce(b.enclosures, '') LIKE ? ESCAPE '\\')"
                    .into(),
                vec![like(&format!("\"mime\":\"{raw}"))],
            ),
        },
    };
    if t.negated {
        (format!("NOT ({sql})"), args)
    } else {
        (sql, args)
    }
}

/// A parsed query as SQL conditions on `a`, all of which must hold; empty when there is
/// nothing to look for. With [`Index::Fresh`] the caller limits the rest to the new articles.
pub fn expr_conditions(expr: &Expr, index: Index) -> Vec<(String, Vec<Value>)> {
    match expr.groups.as_slice() {
        [] => Vec::new(),
        [only] => only.iter().map(|t| term_sql(t, index)).collect(),
        groups => {
            let mut args = Vec::new();
            let alternatives: Vec<String> = groups
                .iter()
                .map(|g| {
                    let parts: Vec<String> = g
                        .iter()
                        .map(|t| {
                            let (sql, a) = term_sql(t, index);
                            args.extend(a);
                            sql
                        })
                        .collect();
                    format!("({})", parts.join(" AND "))
                })
                .collect();
            vec![(format!("({})", alternatives.join(" OR ")), args)]
        }
    }
}

/// SQL conditions for what a user typed in the search prompt (forgiving: what is not a field
/// or a regex is words to look for).
pub fn conditions(input: &str) -> Vec<(String, Vec<Value>)> {
    parse(input, false)
        .map(|e| expr_conditions(&e, Index::Stored))
        .unwrap_or_default()
}

/// Registers `regexp(pattern, text)` on a connection. A pattern compiles once per statement
/// (SQLite keeps it as the argument's aux data), and compiled patterns are also kept for the
/// connection's life: ingest runs the same rule statements for every feed, and compiling a
/// case-insensitive regex cost more than matching it against a feed's new articles.
pub(super) fn register_regexp(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    /// Past this many patterns (a user typing regexes into the preview) the cache starts over.
    const KEPT: usize = 256;
    // A Regex clone shares the compiled program: the map hands out clones.
    let compiled: std::sync::Mutex<HashMap<String, regex::Regex>> = Default::default();
    conn.create_scalar_function(
        "regexp",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| {
            let re: std::sync::Arc<regex::Regex> = ctx.get_or_create_aux(
                0,
                |v| -> std::result::Result<_, Box<dyn std::error::Error + Send + Sync>> {
                    let pattern = v.as_str()?;
                    let mut kept = compiled.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(re) = kept.get(pattern) {
                        return Ok(re.clone());
                    }
                    let re = compile_regex(pattern)?;
                    if kept.len() >= KEPT {
                        kept.clear();
                    }
                    kept.insert(pattern.to_string(), re.clone());
                    Ok(re)
                },
            )?;
            let text = ctx.get_raw(1).as_str().unwrap_or("");
            Ok(re.is_match(text))
        },
    )
}

/// An article's title, summary, content and full text, as indexed.
type IndexRow = (String, Option<String>, Option<String>, Option<String>);

/// An article's id with its [`IndexRow`], as a rebuild reads it.
type ReindexRow = (i64, String, Option<String>, Option<String>, Option<String>);

/// Articles read and made ready at a time by a rebuild of the index.
pub(super) const REINDEX_CHUNK: usize = 1000;

/// Each row's id, title and index text, made on `workers` threads.
fn index_rows(rows: Vec<ReindexRow>, workers: usize) -> Vec<(i64, String, String)> {
    let per = rows.len().div_ceil(workers.max(1)).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = rows
            .chunks(per)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(id, title, summary, content, full)| {
                            let body = body_text(summary.as_deref(), content.as_deref(), full.as_deref());
                            (*id, title.clone(), body)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            // A panic making the text goes on as it would have on this thread.
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

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
        // Once per upgrade that changes the index, and it takes a while on a big store
        // (about half a second per 10 000 articles): said, not silent.
        let articles: i64 = self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        if articles > 0 {
            tracing::info!(articles, "rebuilding the search index");
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                eprintln!(
                    "tidings: rebuilding the search index for {articles} articles (once, after an upgrade)"
                );
            }
        }
        let tx = self.conn.transaction()?;
        {
            let mut rows = tx.prepare(
                "SELECT a.id, a.title, b.summary, b.content, b.full_html
                 FROM articles a LEFT JOIN bodies b ON b.article_id = a.id",
            )?;
            let mut add = tx.prepare("INSERT INTO search (rowid, title, body) VALUES (?1, ?2, ?3)")?;
            let mut it = rows.query([])?;
            // The index text of one chunk is made on other threads while this one indexes the
            // chunk before: making it is about half of the rebuild, and the rebuild blocks the
            // first open after an upgrade.
            std::thread::scope(|scope| -> Result<()> {
                let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
                let mut made: Option<std::thread::ScopedJoinHandle<'_, Vec<(i64, String, String)>>> = None;
                loop {
                    let mut chunk: Vec<ReindexRow> = Vec::with_capacity(REINDEX_CHUNK);
                    while chunk.len() < REINDEX_CHUNK {
                        let Some(r) = it.next()? else { break };
                        chunk.push((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?));
                    }
                    let next = (!chunk.is_empty()).then(|| scope.spawn(move || index_rows(chunk, workers)));
                    if let Some(done) = made.take() {
                        let rows = done.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                        for (id, title, body) in rows {
                            add.execute(rusqlite::params![id, title, body])?;
                        }
                    }
                    match next {
                        Some(n) => made = Some(n),
                        None => return Ok(()),
                    }
                }
            })?;
        }
        tx.execute("DELETE FROM meta WHERE key = 'reindex'", [])?;
        // Every article is in the index now, any a crashed run had left waiting too.
        tx.execute("DELETE FROM unindexed", [])?;
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
        // Indexed here, so a row queued for it earlier (with older text) is never written.
        super::index_queue::unlist(tx, id.0)?;
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
    let mut text = crate::text::index_terms(content.or(summary).unwrap_or(""));
    if let Some(full) = full {
        text.push(' ');
        text.push_str(&crate::text::index_terms(full));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_cover_phrases_exclusions_fields_and_alternatives() {
        let e = parse(
            r#"rust "borrow checker" -nightly title:release author:"Ann Lee" -tag:#News feed:lwn"#,
            true,
        )
        .expect("parses");
        assert_eq!(e.groups.len(), 1);
        let t = &e.groups[0];
        assert_eq!(t.len(), 7, "{t:?}");
        assert_eq!(
            t[1].matcher,
            Matcher::Words {
                words: vec!["borrow".into(), "checker".into()],
                phrase: true,
                raw: "borrow checker".into()
            }
        );
        assert!(t[2].negated, "-nightly is negated");
        assert_eq!(
            (t[4].field, t[5].field, t[5].negated),
            (Field::Author, Field::Tag, true)
        );
        let e = parse("title:/^rust 1\\.\\d+/ OR category:release link:github.com", true).expect("parses");
        assert_eq!(e.groups.len(), 2);
        assert_eq!(e.groups[0][0].matcher, Matcher::Regex("^rust 1\\.\\d+".into()));
        assert_eq!(e.groups[1].len(), 2);
    }

    #[test]
    fn a_rule_that_can_never_match_is_refused() {
        assert_eq!(
            parse("titel:rust", true),
            Err(QueryError::UnknownField {
                field: "titel".into(),
                suggestion: Some("title".into())
            })
        );
        assert!(matches!(
            parse("title:/(unclosed/", true),
            Err(QueryError::BadRegex { .. })
        ));
        assert_eq!(parse("  ", true), Err(QueryError::Empty));
        // A search is forgiving: the same input looks for words.
        assert!(!conditions("titel:rust").is_empty());
        assert!(!conditions("/(unclosed/").is_empty());
        assert!(parse("see https://x.org/a at 10:30", true).is_ok());
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
