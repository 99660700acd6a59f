//! Repairs applied to feed bytes before feed-rs sees them, each covering a gap seen in real
//! feeds (../shared/design/DEPENDENCIES.md, pitfall 7):
//!
//! - every input is transcoded to UTF-8 (BOM, HTTP charset, XML declaration, else a Latin-1
//!   rescue when the bytes are not UTF-8) and its declaration removed;
//! - characters that XML 1.0 forbids are removed instead of failing the whole feed;
//! - `<rss>` without `version`, Atom 0.3 and RSS 0.90 are mapped to what feed-rs parses.

use encoding_rs::Encoding;

/// Decodes feed bytes to UTF-8 text.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    // UTF-16 without a BOM: every other byte of the ASCII prologue is zero.
    if bytes.len() >= 4 && bytes[0] == b'<' && bytes[1] == 0 {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling(bytes)
            .0
            .into_owned();
    }
    if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] == b'<' {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling(bytes)
            .0
            .into_owned();
    }
    let declared = declared_encoding(bytes)
        .or_else(|| content_type.and_then(charset_of))
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        // UTF-16 declared in an 8-bit stream is a lie; the bytes decide.
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE);
    match declared {
        Some(enc) if enc != encoding_rs::UTF_8 => enc.decode_without_bom_handling(bytes).0.into_owned(),
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            // Undeclared and not UTF-8: windows-1252, the superset of Latin-1 browsers use.
            Err(_) if declared.is_none() => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            Err(_) => String::from_utf8_lossy(bytes).into_owned(),
        },
    }
}

/// The `charset` parameter of a Content-Type header.
pub(crate) fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset")).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The `encoding="..."` of an XML declaration at the start of the bytes.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(512)];
    let head = String::from_utf8_lossy(head);
    let decl = head.trim_start().strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// Whether the text (after whitespace) starts like JSON.
pub fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Applies the XML repairs and returns text ready for feed-rs.
pub fn repair_xml(text: &str) -> String {
    let mut s = strip_declaration(text);
    if s.contains("&#") {
        s = decode_forbidden_char_refs(&s);
    }
    if has_xml_forbidden(&s) {
        // Escape sequences go whole (not just their ESC), then any other forbidden character.
        s = crate::text::sanitize_text(&s);
        s = s.chars().filter(|c| !is_xml_forbidden(*c)).collect();
    }
    s = add_rss_version(&s);
    // Namespaces are declared on the root element: looking at the head is enough, and saves
    // two scans of multi-megabyte feeds.
    let head = &s[..floor_char_boundary(&s, 4096)];
    if head.contains("http://purl.org/atom/ns#") {
        s = atom03_to_10(&s);
    }
    let head = &s[..floor_char_boundary(&s, 4096)];
    if head.contains("http://my.netscape.com/rdf/simple/0.9/") {
        s = s.replace(
            "http://my.netscape.com/rdf/simple/0.9/",
            "http://purl.org/rss/1.0/",
        );
    }
    s
}

/// The largest char boundary at or below `at`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut i = at.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Turns numeric character references to characters XML forbids (`&#0;`, `&#x1b;`) into the
/// characters themselves, so the pass that strips raw ones (escape sequences whole) handles
/// them too; references to no character at all (a surrogate) are dropped. A strict parser
/// would reject the whole document for one of them.
fn decode_forbidden_char_refs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let (digits, radix) = match after.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (after, 10),
        };
        let len = digits.find(';').filter(|&n| n > 0 && n <= 8);
        let parsed = len.and_then(|n| u32::from_str_radix(&digits[..n], radix).ok().map(|v| (n, v)));
        match parsed {
            Some((n, v)) if char::from_u32(v).is_none_or(is_xml_forbidden) => {
                out.extend(char::from_u32(v));
                let skipped = after.len() - digits.len() + n + 1;
                rest = &after[skipped..];
            }
            _ => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A byte scan for [`is_xml_forbidden`] characters (ASCII controls, U+FFFE, U+FFFF).
fn has_xml_forbidden(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &x)| {
        (x < 0x20 && x != b'\t' && x != b'\n' && x != b'\r')
            || (x == 0xEF && b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)))
    })
}

fn is_xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

fn strip_declaration(text: &str) -> String {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with("<?xml")
        && let Some(end) = t.find("?>")
    {
        return t[end + 2..].to_string();
    }
    t.to_string()
}

/// feed-rs rejects `<rss>` without a version attribute; such feeds are RSS 2.0 in practice.
fn add_rss_version(s: &str) -> String {
    let Some(start) = find_root_tag(s, "rss") else {
        return s.to_string();
    };
    let Some(end) = s[start..].find('>').map(|e| start + e) else {
        return s.to_string();
    };
    if s[start..end].contains("version") {
        return s.to_string();
    }
    format!("{} version=\"2.0\"{}", &s[..start + 4], &s[start + 4..])
}

/// The byte index of `<name` as the first element (skipping comments, PIs and doctype).
fn find_root_tag(s: &str, name: &str) -> Option<usize> {
    let mut i = 0;
    while let Some(lt) = s[i..].find('<') {
        let at = i + lt;
        let rest = &s[at + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            i = at + 1 + rest.find('>')?;
            continue;
        }
        let tag = format!("<{name}");
        let after = s[at..].strip_prefix(&tag)?;
        return after
            .starts_with(|c: char| c.is_whitespace() || c == '>')
            .then_some(at);
    }
    None
}

/// Atom 0.3 becomes Atom 1.0: the namespace, and `issued`/`modified` for `published`/`updated`.
fn atom03_to_10(s: &str) -> String {
    s.replace("http://purl.org/atom/ns#", "http://www.w3.org/2005/Atom")
        .replace("<issued>", "<published>")
        .replace("</issued>", "</published>")
        .replace("<modified>", "<updated>")
        .replace("</modified>", "</updated>")
}

/// Escapes `&` that does not start an entity or character reference (a common publisher bug
/// that makes the whole document ill-formed). Used as a retry after a failed parse.
pub fn escape_bare_ampersands(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    let mut changed = false;
    for (i, _) in s.match_indices('&') {
        let rest = &bytes[i + 1..];
        let entity_len = rest.iter().take(12).position(|&b| b == b';');
        let is_ref = entity_len.is_some_and(|n| {
            let name = &rest[..n];
            n > 0
                && (name.iter().all(u8::is_ascii_alphanumeric)
                    || (name[0] == b'#'
                        && name.len() > 1
                        && name[1..].iter().all(|b| b.is_ascii_hexdigit() || *b == b'x')))
        });
        if !is_ref {
            out.push_str(&s[last..i]);
            out.push_str("&amp;");
            last = i + 1;
            changed = true;
        }
    }
    out.push_str(&s[last..]);
    changed.then_some(out)
}

/// JSON Feed repairs: `tags` given as a string instead of an array.
pub fn repair_json(text: &str) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_str(text).ok()?;
    let items = v.get_mut("items")?.as_array_mut()?;
    let mut changed = false;
    for item in items {
        if let Some(tags) = item.get_mut("tags") {
            if let Some(t) = tags.as_str() {
                *tags = serde_json::Value::Array(vec![serde_json::Value::String(t.to_string())]);
                changed = true;
            } else if !tags.is_array() {
                *tags = serde_json::Value::Array(vec![]);
                changed = true;
            }
        }
    }
    changed.then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_declared_and_undeclared_encodings() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><t>caf\xe9</t></rss>";
        assert!(decode(latin1, None).contains("café"));
        let undeclared = b"<rss><t>caf\xe9</t></rss>";
        assert!(decode(undeclared, None).contains("café"));
        let by_header = b"<rss><t>\xe9</t></rss>";
        assert!(decode(by_header, Some("text/xml; charset=iso-8859-1")).contains('é'));
        let mut utf16 = vec![0xff, 0xfe];
        for u in "<rss>é</rss>".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&utf16, None), "<rss>é</rss>");
    }

    #[test]
    fn repairs_rss_without_version_and_control_chars() {
        let out = repair_xml(
            "<?xml version=\"1.0\"?>\n<!-- c --><rss><channel><title>a\u{1}b</title></channel></rss>",
        );
        assert!(out.contains("<rss version=\"2.0\">"), "{out}");
        assert!(out.contains("<title>ab</title>"));
    }

    #[test]
    fn references_to_forbidden_characters_are_decoded_for_the_strip_pass() {
        assert_eq!(
            decode_forbidden_char_refs("<t>a&#0;b&#x1B;c&#xD800;d&#233;&#x41;&#38;&#</t>"),
            "<t>a\u{0}b\u{1b}cd&#233;&#x41;&#38;&#</t>"
        );
        assert_eq!(repair_xml("<t>a&#0;b&#x1b;]52;c;aGk=&#x7;c</t>"), "<t>abc</t>");
    }

    #[test]
    fn bare_ampersands_are_escaped_and_references_kept() {
        let fixed = escape_bare_ampersands("<link>a?x=1&y=2</link><t>&amp; &#38; &#x26; &copy;</t>")
            .expect("changed");
        assert_eq!(
            fixed,
            "<link>a?x=1&amp;y=2</link><t>&amp; &#38; &#x26; &copy;</t>"
        );
        assert_eq!(escape_bare_ampersands("&amp;"), None);
    }

    #[test]
    fn json_string_tags_become_arrays() {
        let fixed = repair_json(r#"{"version":"x","items":[{"id":"1","tags":"one"}]}"#).expect("changed");
        assert!(fixed.contains(r#""tags":["one"]"#), "{fixed}");
    }
}
