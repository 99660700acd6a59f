//! Stripping everything from feed text that a terminal would interpret: C0 and C1 controls,
//! escape sequences (CSI, OSC, DCS and friends, including their payloads), DEL, and the bidi
//! controls that can reorder what is shown. Applied at ingest and again before drawing or
//! printing, so even old or hand-edited data cannot reach the terminal raw.

/// Characters that reorder text invisibly (Trojan Source style).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Whether a character must never reach the terminal.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) || c == '\u{FEFF}'
}

/// Bytes that may start something to remove: ASCII controls (not newline), DEL, and the lead
/// bytes of C1 controls (C2), U+061C (D8), the bidi controls (E2) and U+FEFF (EF). Every other
/// byte is copied as it is, in bulk.
fn suspicious(b: u8) -> bool {
    (b < 0x20 && b != b'\n') || matches!(b, 0x7f | 0xC2 | 0xD8 | 0xE2 | 0xEF)
}

/// The first byte at or after `from` that starts something to remove, if any: eight bytes at
/// a time while they are all printable ASCII (most of any feed), byte by byte only in a word
/// that holds something else.
fn next_stop(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    loop {
        while let Some(chunk) = b.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            // Some byte below 0x20, or some byte at 0x7F or above: look closer.
            let low = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
            let high = (w.wrapping_add(ONES) | w) & HIGH;
            if low | high != 0 {
                break;
            }
            i += 8;
        }
        let end = (i + 8).min(b.len());
        if let Some(j) = (i..end).find(|&j| suspicious(b[j]) && !harmless_multibyte(b, j)) {
            return Some(j);
        }
        if end == b.len() {
            return None;
        }
        i = end;
    }
}

/// Whether the multi-byte character at `i` (lead byte C2, D8, E2 or EF) is an ordinary one,
/// decided from its bytes: typographic quotes, dashes and no-break spaces are everywhere in
/// feed text and must not leave the bulk copy. Continuation bytes are never leads, so a
/// character cut by `i` cannot be mistaken.
fn harmless_multibyte(b: &[u8], i: usize) -> bool {
    let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        // U+0080..U+009F are the C1 controls; U+00A0.. are letters and signs.
        0xC2 => next(1) >= 0xA0,
        // U+061C, the Arabic letter mark, is a bidi control.
        0xD8 => next(1) != 0x9C,
        // U+200E/F, U+202A..E, U+2066..9 are bidi controls.
        0xE2 => !matches!(
            (next(1), next(2)),
            (0x80, 0x8E | 0x8F | 0xAA..=0xAE) | (0x81, 0xA6..=0xA9)
        ),
        // U+FEFF, the byte-order mark.
        0xEF => !(next(1) == 0xBB && next(2) == 0xBF),
        _ => false,
    }
}

/// Removes escape sequences and control characters; keeps newlines, turns tabs into spaces.
pub fn sanitize_text(input: &str) -> String {
    let bytes = input.as_bytes();
    let Some(first) = next_stop(bytes, 0) else {
        return input.to_string();
    };
    let mut out = String::with_capacity(input.len());
    let mut copied_to = 0;
    let mut i = first;
    while i < bytes.len() {
        if !suspicious(bytes[i]) || harmless_multibyte(bytes, i) {
            match next_stop(bytes, i + 1) {
                Some(next) => i = next,
                None => break,
            }
            continue;
        }
        out.push_str(&input[copied_to..i]);
        // `i` is at a char boundary: suspicious bytes are ASCII or UTF-8 lead bytes.
        let rest = &input[i..];
        let Some(c) = rest.chars().next() else { break };
        let after = &rest[c.len_utf8()..];
        let skipped = match c {
            '\u{1b}' => escape_len(after),
            // C1 forms of CSI, OSC, DCS, SOS, PM, APC carry payloads too.
            '\u{9b}' => csi_len(after),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => string_len(after),
            '\t' => {
                out.push_str("    ");
                0
            }
            c if is_forbidden(c) => 0,
            c => {
                out.push(c);
                0
            }
        };
        i += c.len_utf8() + skipped;
        copied_to = i;
    }
    out.push_str(&input[copied_to..]);
    out
}

/// One line of text: sanitised, with all whitespace runs (newlines too) folded to one space.
pub fn sanitize_line(input: &str) -> String {
    fold_whitespace(&sanitize_text(input))
}

/// Folds every run of whitespace (as `char::is_whitespace` says) to one space and trims the
/// ends, copying runs of other bytes in bulk: it runs over every article body at ingest.
fn fold_whitespace(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut run_start = 0;
    let mut pending_space = false;
    while i < b.len() {
        let x = b[i];
        // Whitespace is ASCII, or starts with C2 (U+0085, U+00A0), E1 (U+1680), E2 (U+2000..)
        // or E3 (U+3000); every other byte is copied as it is.
        let ws_len = match x {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => 1,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => s[i..]
                .chars()
                .next()
                .filter(|c| c.is_whitespace())
                .map_or(0, char::len_utf8),
            _ => 0,
        };
        if ws_len == 0 {
            i += 1;
            continue;
        }
        if run_start < i {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s[run_start..i]);
        }
        pending_space = true;
        i += ws_len;
        run_start = i;
    }
    if run_start < b.len() {
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[run_start..]);
    }
    out
}

/// Bytes of the rest of an escape sequence after ESC.
fn escape_len(s: &str) -> usize {
    let mut chars = s.chars();
    match chars.next() {
        Some('[') => 1 + csi_len(&s[1..]),
        Some(']' | 'P' | 'X' | '^' | '_') => 1 + string_len(&s[1..]),
        // Two-character sequences (and intermediates like ESC ( B).
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => 1 + chars.next().map_or(0, char::len_utf8),
        _ => 0,
    }
}

/// CSI: parameters and intermediates up to and including a final byte in 0x40..=0x7e.
fn csi_len(s: &str) -> usize {
    // ECMA-48: parameter bytes (0x30-0x3F; `<=>?` only first), intermediates (0x20-0x2F), one
    // final byte (0x40-0x7E). A sequence that breaks the grammar ends where it breaks, and the
    // rest is kept: an unterminated `ESC[31` before `</title>` must not eat the markup.
    let mut n = 0;
    let mut intermediates = false;
    for (i, c) in s.chars().enumerate() {
        match c {
            '<'..='?' if i > 0 => return n,
            '0'..='?' if !intermediates => n += 1,
            ' '..='/' => {
                intermediates = true;
                n += 1;
            }
            '@'..='~' => return n + 1,
            _ => return n,
        }
    }
    n
}
fn string_len(s: &str) -> usize {
    // An OSC/DCS string runs to BEL or ST; one with no terminator ends before markup or a
    // line break instead of running to the end of the document.
    let mut n = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' | '\n' | '\r' => return n,
            '\u{7}' | '\u{9c}' => return n + c.len_utf8(),
            '\u{1b}' => {
                n += 1;
                if chars.peek() == Some(&'\\') {
                    n += 1;
                }
                return n;
            }
            _ => n += c.len_utf8(),
        }
    }
    n
}

#[cfg(test)]
mod tests {

    proptest! {
        #[test]
        fn clean_text_passes_unchanged_and_controls_anywhere_go(
            clean in "[ -~\u{a0}-\u{ff}\u{2019}\u{201c}\n]{0,64}",
            at in 0usize..64,
        ) {
            prop_assert_eq!(super::sanitize_text(&clean), clean.clone());
            let mut cut = at.min(clean.len());
            while !clean.is_char_boundary(cut) {
                cut -= 1;
            }
            let dirty = format!("{}\u{1b}[31m\u{7}\u{9b}2J\u{202e}{}", &clean[..cut], &clean[cut..]);
            prop_assert_eq!(super::sanitize_text(&dirty), clean);
        }

        #[test]
        fn folding_whitespace_is_what_split_whitespace_gives(s in "[ a\t\n\u{a0}\u{2003}\u{3000}b\u{e9}\u{2019}]{0,40}") {
            prop_assert_eq!(super::fold_whitespace(&s), s.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    #[test]
    fn ordinary_multibyte_characters_stay_and_their_controlling_neighbours_go() {
        let typographic =
            "It\u{2019}s \u{201c}caf\u{e9}\u{201d} \u{2014} 5\u{a0}\u{20ac}\u{2026} \u{628}\u{ae}\u{fb01}";
        assert_eq!(super::sanitize_text(typographic), typographic);
        let hostile = "a\u{202e}b\u{200f}c\u{feff}d\u{61c}e\u{9b}31mf\u{2066}g\u{85}h";
        assert_eq!(super::sanitize_text(hostile), "abcdefgh");
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strips_sequences_with_their_payloads() {
        let evil = "a\u{1b}[31mred\u{1b}[0m b\u{1b}]52;c;ZXZpbA==\u{7} c\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\ d\u{9b}2J e\u{202E}f\u{0}g\u{7}h";
        assert_eq!(sanitize_text(evil), "ared b clink d efgh");
    }

    #[test]
    fn line_folds_whitespace() {
        assert_eq!(sanitize_line("  a\n\tb\r\n c  "), "a b c");
    }

    proptest! {
        #[test]
        fn nothing_forbidden_survives(s in any::<String>()) {
            let out = sanitize_text(&s);
            prop_assert!(!out.chars().any(is_forbidden));
            let line = sanitize_line(&s);
            prop_assert!(!line.chars().any(|c| c.is_control()));
        }
    }
}
