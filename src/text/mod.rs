//! Text from feeds made safe and readable: sanitising, HTML to plain text for the search index,
//! and HTML to reflowed, styled lines for the article pane.

pub mod dates;
mod sanitize;

pub use sanitize::{is_forbidden, sanitize_line, sanitize_text};

/// A URL as shown anywhere but the config and `export`: sanitised, with the password of a
/// `user:password@` URL masked, so screenshots and pasted logs never carry it.
pub fn display_url(url: &str) -> String {
    let masked = match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    };
    sanitize_line(&masked)
}

/// Plain words of an HTML fragment for the full-text index.
///
/// Cheap on purpose (it runs for every ingested article): tags are dropped, `script` and
/// `style` contents skipped, the common entities decoded. It feeds only the index, never the
/// screen.
pub fn index_text(html: &str) -> String {
    sanitize_line(&strip_markup(html))
}

/// Like [`index_text`] without folding whitespace into one line: for the search index, whose
/// tokenizer ignores whitespace anyway (folding every body cost 6 % of a cold refresh).
pub fn index_words(html: &str) -> String {
    sanitize_text(&strip_markup(html))
}

/// The text the search index gets for an HTML body: its distinct words ([`distinct_words`]),
/// sanitised. Sanitising after picking the words gives the index the same terms as before
/// (a removed character joins the same two pieces either way) for a fraction of the text.
pub fn index_terms(html: &str) -> String {
    let text = strip_markup(html);
    // A short text repeats few words (repeats grow with length): picking them out would cost
    // more than the index spends on them.
    if text.len() < DISTINCT_FROM {
        return sanitize_text(&text);
    }
    sanitize_text(&distinct_words(&text))
}

/// Text length (bytes) from which [`index_terms`] gives the index distinct words only.
const DISTINCT_FROM: usize = 1024;

/// Each word of `text` once, in the order words first appear, separated by spaces: what the
/// search index needs of a body. The index keeps which articles (and which column) hold a
/// term, not where, so a repeated word is work for nothing: half or more of an article's
/// words are repeats, and each cost the index's tokenizer and term hash on the store's one
/// writer thread.
///
/// A "word" here is a run of ASCII letters and digits and of any non-ASCII characters, split
/// at every other ASCII character: the index's tokenizer splits at least there, so it finds
/// exactly the terms it would have found in the whole text. Repeats are found without ASCII
/// case (the index folds case anyway); the first spelling is kept.
pub fn distinct_words(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut seen = WordSet::with_room_for(text.len() / 16);
    let mut out = String::with_capacity(text.len() / 2);
    let mut add = |start: usize, end: usize| {
        if seen.insert(bytes, start, end) {
            if !out.is_empty() {
                out.push(' ');
            }
            // Both ends sit next to an ASCII byte or at an end of the text: character
            // boundaries.
            out.push_str(&text[start..end]);
        }
    };
    // Words are found 64 bytes at a time, from a mask of which bytes belong to one: where the
    // mask turns on a word starts, where it turns off one ends. A loop per byte paid a
    // mispredicted branch at each end of every word.
    let mut word_start = 0;
    let mut carry = 0u64;
    for (block, chunk) in bytes.chunks(64).enumerate() {
        let at = block * 64;
        let mask = chunk
            .iter()
            .enumerate()
            .fold(0u64, |m, (i, &b)| m | (u64::from(WORD_BYTE[b as usize]) << i));
        let before = (mask << 1) | carry;
        let mut starts = mask & !before;
        let mut ends = !mask & before;
        // Bits past a short last chunk are off: a word that runs to the text's end ends there.
        if chunk.len() < 64 {
            ends &= (1u64 << chunk.len()) | ((1u64 << chunk.len()) - 1);
        }
        carry = mask >> 63;
        while starts | ends != 0 {
            let next_start = starts.trailing_zeros();
            let next_end = ends.trailing_zeros();
            if next_end < next_start {
                add(word_start, at + next_end as usize);
                ends &= ends - 1;
            } else {
                word_start = at + next_start as usize;
                starts &= starts - 1;
            }
        }
    }
    if carry == 1 && bytes.len().is_multiple_of(64) {
        add(word_start, bytes.len());
    }
    out
}

/// Bytes that belong to a word for [`distinct_words`]: ASCII letters and digits, and every
/// byte of a non-ASCII character.
static WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = b >= 0x80 || (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The words [`distinct_words`] has seen, without ASCII case: an open-addressing table of
/// (key, start, length). A word of up to eight bytes is its own key (its lower-cased bytes as
/// a number; a word has no zero byte, so no two words share one); a longer one is keyed by a
/// hash of its lower-cased bytes and compared with the text it points at. A general-purpose
/// hash set cost more than all the rest of a body's preparation.
struct WordSet {
    slots: Vec<(u64, u32, u32)>,
    used: usize,
}

impl WordSet {
    fn with_room_for(words: usize) -> WordSet {
        WordSet {
            slots: vec![(0, 0, 0); (words * 2).next_power_of_two().max(64)],
            used: 0,
        }
    }

    fn slot_of(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & (self.slots.len() - 1)
    }

    /// Adds `text[start..end]` (a word, never empty); whether it was new.
    fn insert(&mut self, text: &[u8], start: usize, end: usize) -> bool {
        let word = &text[start..end];
        let key = match text[start..].first_chunk::<8>() {
            // A short word's bytes in one load, the bytes after it masked off.
            Some(eight) if word.len() <= 8 => {
                lower8(u64::from_le_bytes(*eight) & (u64::MAX >> (64 - 8 * word.len())))
            }
            _ => word_key(word),
        };
        let len = word.len() as u32;
        let mut at = self.slot_of(key);
        loop {
            let (k, s, l) = self.slots[at];
            if l == 0 {
                break;
            }
            if k == key
                && l == len
                && (len <= 8 || text[s as usize..(s + l) as usize].eq_ignore_ascii_case(word))
            {
                return false;
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
        self.slots[at] = (key, start as u32, len);
        self.used += 1;
        if self.used * 2 > self.slots.len() {
            self.grow();
        }
        true
    }

    /// Twice the slots, each word placed again (they are all different: no comparing).
    fn grow(&mut self) {
        let bigger = vec![(0, 0, 0); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        for slot in old.into_iter().filter(|s| s.2 != 0) {
            let mut at = self.slot_of(slot.0);
            while self.slots[at].2 != 0 {
                at = (at + 1) & (self.slots.len() - 1);
            }
            self.slots[at] = slot;
        }
    }
}

/// A word's key: its lower-cased bytes as a number when they fit in eight, else a hash of them.
fn word_key(word: &[u8]) -> u64 {
    if word.len() <= 8 {
        return lower8(load8(word));
    }
    word.chunks(8).fold(word.len() as u64, |h, c| {
        (h.rotate_left(5) ^ lower8(load8(c))).wrapping_mul(0x517C_C1B7_2722_0A95)
    })
}

/// Up to eight bytes as a little-endian number (missing bytes zero), read in one load when
/// eight are there.
fn load8(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<8>() {
        Some(eight) => u64::from_le_bytes(*eight),
        None => bytes
            .iter()
            .enumerate()
            .fold(0, |v, (k, &b)| v | (u64::from(b) << (8 * k))),
    }
}

/// ASCII upper-case letters made lower case in eight bytes at once; other bytes unchanged.
fn lower8(x: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low7 = x & !HIGH;
    // A byte's high bit after adding: at least 'A' (0x41), at least '[' (0x5B). No carry
    // crosses into the next byte, as no seven-bit value reaches 0x100 with either.
    let from_a = low7 + 0x3F3F_3F3F_3F3F_3F3F;
    let past_z = low7 + 0x2525_2525_2525_2525;
    let upper = from_a & !past_z & !x & HIGH;
    x | (upper >> 2)
}

/// Text of an HTML fragment, tags and scripts dropped and entities decoded, not yet sanitised.
/// The delimiters are found with `memchr`'s vector search: `str::find(char)` took 4 % of a
/// cold refresh here. (An ASCII byte found in UTF-8 is always at a character boundary.)
fn strip_markup(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
        push_decoded(&mut out, &rest[..lt]);
        out.push(' ');
        let after = &rest[lt..];
        let skip_to = if starts_with_ci(after, "<script") {
            find_ci(after, "</script>")
        } else if starts_with_ci(after, "<style") {
            find_ci(after, "</style>")
        } else {
            None
        };
        let end = match skip_to {
            Some(i) => i,
            None => memchr::memchr(b'>', after.as_bytes()).map_or(after.len(), |i| i + 1),
        };
        rest = &after[end.min(after.len())..];
    }
    push_decoded(&mut out, rest);
    out
}

#[cfg(test)]
mod display_url_tests {
    #[test]
    fn passwords_are_masked_and_the_rest_kept() {
        assert_eq!(
            super::display_url("https://me:hunter2@feeds.example/x?a=1"),
            "https://me:***@feeds.example/x?a=1"
        );
        assert_eq!(
            super::display_url("https://feeds.example/x"),
            "https://feeds.example/x"
        );
        assert_eq!(
            super::display_url("https://a.example/\u{1b}[31m"),
            "https://a.example/"
        );
    }
}

fn starts_with_ci(hay: &str, prefix: &str) -> bool {
    hay.as_bytes()
        .get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The end of the first case-insensitive occurrence of an ASCII `needle`, without copying.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
        .map(|i| i + n.len())
}

/// Escapes text for an XML/HTML text node or a quoted attribute value.
pub fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Decodes HTML entities (named basics and numeric) without touching anything else.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_decoded(&mut out, text);
    out
}

fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        // The longest HTML5 entity name is 31 bytes (`&CounterClockwiseContourIntegral;`).
        let semi = after.find(';').filter(|&i| i <= 33);
        match semi.and_then(|i| resolve_entity(&after[1..i]).map(|r| (i, r))) {
            Some((i, decoded)) => {
                out.push_str(&decoded);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

/// What an entity or character reference (the part between `&` and `;`) stands for: a
/// numeric reference, or any of the HTML5 named entities (which include XML's five). `None`
/// for a name HTML does not define, so the text keeps it as written.
pub fn resolve_entity(name: &str) -> Option<std::borrow::Cow<'static, str>> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        // Code points 0x80-0x9F given as references mean Windows-1252, as browsers read them;
        // a reference to NUL stands for nothing.
        let c = match code {
            0 => return Some(std::borrow::Cow::Borrowed("")),
            0x80..=0x9f => windows_1252(code as u8),
            _ => char::from_u32(code).unwrap_or('\u{fffd}'),
        };
        return Some(std::borrow::Cow::Owned(c.to_string()));
    }
    // XML's five and the no-break space are most of the references in feeds (every tag of an
    // escaped HTML body is two of them): answered without a lookup or an allocation.
    let common = match name {
        "lt" => Some("<"),
        "gt" => Some(">"),
        "amp" => Some("&"),
        "quot" => Some("\""),
        "apos" => Some("'"),
        "nbsp" => Some("\u{a0}"),
        _ => None,
    };
    if let Some(s) = common {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    let key = format!("{name};");
    let &(first, second) = markup5ever::data::NAMED_ENTITIES.get(key.as_str())?;
    let s: String = [first, second]
        .into_iter()
        .filter(|&c| c != 0)
        .filter_map(char::from_u32)
        .collect();
    Some(std::borrow::Cow::Owned(s))
}

fn windows_1252(b: u8) -> char {
    let bytes = [b];
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    text.chars().next().unwrap_or('\u{fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_text_drops_markup_and_scripts() {
        let html = "<p>Hello&nbsp;<b>world</b> &amp; caf&#233;</p><script>var x = '<p>no</p>';</script><style>p{}</style>end";
        assert_eq!(index_text(html), "Hello world & café end");
    }

    #[test]
    fn every_html5_named_entity_is_decoded_and_unknown_names_kept() {
        assert_eq!(
            decode_entities("It&rsquo;s caf&eacute; &mdash; &hellip;&NotEqualTilde;&#x92;&bogus; & a"),
            "It\u{2019}s café \u{2014} \u{2026}\u{2242}\u{338}\u{2019}&bogus; & a"
        );
    }
}

pub mod boilerplate;
pub mod extract;
pub mod render;
mod tables;
pub mod wrap;

pub use render::{
    ImageLayout, ImageSlot, Line, RenderedArticle, RenderedHtml, Span, SpanStyle, render_article,
    render_article_with, render_html, render_html_with,
};

#[cfg(test)]
mod distinct_words_tests {
    use super::{distinct_words, sanitize_text};
    use proptest::prelude::*;

    /// The terms SQLite's tokenizer (as the search index has it) finds in `text`.
    fn terms(conn: &rusqlite::Connection, text: &str) -> Vec<String> {
        conn.execute_batch(
            "DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS v;
             CREATE VIRTUAL TABLE t USING fts5 (body, detail = column,
                tokenize = 'unicode61 remove_diacritics 2');
             CREATE VIRTUAL TABLE v USING fts5vocab (t, 'row');",
        )
        .expect("tables");
        conn.execute("INSERT INTO t (body) VALUES (?1)", [text])
            .expect("insert");
        let mut stmt = conn.prepare("SELECT term FROM v ORDER BY term").expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("terms")
    }

    #[test]
    fn each_word_once_in_first_order() {
        assert_eq!(
            distinct_words("The cat, the CAT and the dog-cat; café Café Elephants elephants"),
            "The cat and dog café Elephants"
        );
        assert_eq!(distinct_words("  ...  "), "");
        // Words across and at the ends of the 64-byte blocks words are found in.
        for len in [63, 64, 65, 127, 128, 129] {
            let long = "x".repeat(len);
            assert_eq!(distinct_words(&long), long);
            assert_eq!(distinct_words(&format!("{long} y")), format!("{long} y"));
            let spaced = format!("{} ab", " ".repeat(len));
            assert_eq!(distinct_words(&spaced), "ab");
        }
    }

    fn text() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            "[a-zA-Z0-9]{1,12}",
            Just("café".to_string()),
            Just("Cafe\u{301}".to_string()),
            Just("日本語".to_string()),
            Just("naïve—dash".to_string()),
            Just("a\u{202e}b".to_string()),
            Just("Straße".to_string()),
            any::<String>(),
        ];
        let sep = prop_oneof![" ", "-", ", ", "'", "\n", "\u{a0}", "_", "…"];
        prop::collection::vec((word, sep), 0..40)
            .prop_map(|parts| parts.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
    }

    proptest! {
        /// The index finds exactly the terms in the distinct words that it finds in the text.
        #[test]
        fn the_index_sees_the_same_terms(text in text()) {
            let conn = rusqlite::Connection::open_in_memory().expect("open");
            prop_assert_eq!(
                terms(&conn, &sanitize_text(&distinct_words(&text))),
                terms(&conn, &sanitize_text(&text))
            );
        }
    }
}

#[cfg(test)]
mod word_key_tests {
    use super::{load8, lower8};

    #[test]
    fn lower8_matches_ascii_lowercase_for_every_byte() {
        for b in 0..=255u8 {
            let x = u64::from_le_bytes([b, b'Z', b'a', b'@', b'[', 0xC3, b'A', b'z']);
            let want = u64::from_le_bytes([b.to_ascii_lowercase(), b'z', b'a', b'@', b'[', 0xC3, b'a', b'z']);
            assert_eq!(lower8(x), want, "byte {b:#x}");
        }
        assert_eq!(load8(b"ab"), u64::from(b'a') | (u64::from(b'b') << 8));
        assert_eq!(load8(b"abcdefghij"), u64::from_le_bytes(*b"abcdefgh"));
    }
}
