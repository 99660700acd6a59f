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

/// Removes escape sequences and control characters; keeps newlines, turns tabs into spaces.
pub fn sanitize_text(input: &str) -> String {
    if !input.chars().any(|c| is_forbidden(c) || c == '\t') {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 forms of CSI, OSC, DCS, SOS, PM, APC carry payloads too.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' => out.push_str("    "),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// One line of text: sanitised, with all whitespace runs (newlines too) folded to one space.
pub fn sanitize_line(input: &str) -> String {
    let clean = sanitize_text(input);
    let mut out = String::with_capacity(clean.len());
    for word in clean.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // Two-character sequences (and intermediates like ESC ( B).
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI: parameters and intermediates up to a final byte in 0x40..=0x7e.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            break;
        }
    }
}

/// String sequences (OSC, DCS, ...) end at BEL, ST (ESC \) or the C1 ST.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
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
