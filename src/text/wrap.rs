//! Width in display columns: word wrapping and truncation that never split a grapheme and
//! count CJK and emoji as the two columns they take.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width of a string.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` columns, ending with `…` when anything was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// Breaks `s` into pieces of at most `max` columns, keeping every character: for URLs, which
/// must stay whole to be copied, never cut with `…`.
pub fn chunks(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = vec![String::new()];
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > max && used > 0 {
            out.push(String::new());
            used = 0;
        }
        if let Some(last) = out.last_mut() {
            last.push_str(g);
        }
        used += w;
    }
    out
}

/// Greedy word wrap to `max` columns; words longer than a line are split by grapheme.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let w = width(word);
        if used > 0 && used + 1 + w <= max {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if w <= max {
            line.push_str(word);
            used = w;
            continue;
        }
        for g in word.graphemes(true) {
            let gw = width(g);
            if used + gw > max {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(g);
            used += gw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_by_columns_not_bytes() {
        assert_eq!(truncate("日本語のタイトル", 7), "日本語…");
        assert_eq!(width(&truncate("e\u{301}e\u{301}e\u{301}e\u{301}", 3)), 3);
        assert_eq!(truncate("short", 10), "short");
    }

    #[test]
    fn wraps_and_splits_long_words() {
        assert_eq!(wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        for l in wrap("漢字漢字漢字 漢字", 5) {
            assert!(width(&l) <= 5);
        }
    }
}
