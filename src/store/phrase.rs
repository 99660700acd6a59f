//! Phrases (`"borrow checker"`) checked against an article's text. The search index keeps
//! which column holds a word but not where (`detail = column`, migration 10), so it finds the
//! articles holding every word of a phrase and this says which hold them in a row.
//!
//! Words are compared the way the index's tokenizer (`unicode61 remove_diacritics 2`) compares
//! them: split at anything that is neither a letter, a digit nor a combining mark, without case
//! and without diacritics.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A word as the index compares it: lower case, diacritics dropped.
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of `text`, as the index's tokenizer splits them.
fn words(text: &str) -> impl Iterator<Item = &str> + Clone {
    text.split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .filter(|w| !w.is_empty())
}

/// Whether a word of the text is a folded word of the phrase.
fn same(word: &str, folded: &str) -> bool {
    if word.is_ascii() {
        word.eq_ignore_ascii_case(folded)
    } else {
        fold(word) == folded
    }
}

/// Whether `text` holds the folded words `phrase` one after another.
pub fn holds(text: &str, phrase: &[String]) -> bool {
    if phrase.is_empty() {
        return true;
    }
    // ASCII text and words (most titles, and a phrase folded to ASCII): split and compared
    // byte by byte, without the Unicode tables.
    if text.is_ascii() && phrase.iter().all(|w| w.is_ascii()) {
        let words = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty());
        return in_a_row(words, phrase, |w, f| w.eq_ignore_ascii_case(f));
    }
    in_a_row(words(text), phrase, same)
}

/// Whether the words come with `phrase` one after another somewhere, compared with `eq`.
fn in_a_row<'a>(
    mut words: impl Iterator<Item = &'a str> + Clone,
    phrase: &[String],
    eq: impl Fn(&str, &str) -> bool,
) -> bool {
    while let Some(w) = words.next() {
        if eq(w, &phrase[0]) {
            let mut rest = words.clone();
            if phrase[1..].iter().all(|f| rest.next().is_some_and(|w| eq(w, f))) {
                return true;
            }
        }
    }
    false
}

/// The folded words of a phrase as the user wrote it.
pub fn folded_words(phrase: &str) -> Vec<String> {
    words(phrase).map(fold).collect()
}

/// Registers `phrase(words, text, is_html)`: whether `text` (an HTML fragment when `is_html`)
/// holds `words` in a row. The phrase is folded once per statement (aux data).
pub(super) fn register(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "phrase",
        3,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let phrase: std::sync::Arc<Vec<String>> = ctx.get_or_create_aux(
                0,
                |v| -> std::result::Result<_, Box<dyn std::error::Error + Send + Sync>> {
                    Ok(folded_words(v.as_str()?))
                },
            )?;
            let Ok(text) = ctx.get_raw(1).as_str() else {
                return Ok(false);
            };
            let html: bool = ctx.get(2)?;
            Ok(if html {
                holds(&crate::text::index_words(text), &phrase)
            } else {
                holds(text, &phrase)
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_a_row_without_case_or_diacritics() {
        let p = folded_words("Borrow checker");
        assert!(holds("The borrow-checker got smarter.", &p));
        assert!(!holds("smarter borrow rules; checker", &p));
        assert!(holds("CAFÉ au lait", &folded_words("cafe au")));
        assert!(holds("cafe\u{301} au lait", &folded_words("café au")));
        assert!(holds("Straße 1", &folded_words("straße")));
        assert!(!holds("", &folded_words("a")));
        assert!(holds("anything", &[]));
        assert!(holds("a a b", &folded_words("a b")), "a false start is retried");
        assert!(!holds("a b", &folded_words("a b c")));
        assert!(holds("x, Déjà vu!", &folded_words("deja VU")));
    }

    #[test]
    fn the_sql_function_reads_html_and_plain_text() {
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        register(&conn).expect("register");
        let q = |text: &str, html: bool| -> bool {
            conn.query_row(
                "SELECT phrase('new scheduler', ?1, ?2)",
                rusqlite::params![text, html],
                |r| r.get(0),
            )
            .expect("query")
        };
        assert!(q("<p>The <em>new</em> scheduler</p>", true));
        assert!(!q("<p>new</p><script>scheduler</script>", true));
        assert!(q("a < new scheduler", false));
        assert!(!q("scheduler new", false));
    }
}
