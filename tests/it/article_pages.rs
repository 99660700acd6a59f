//! Full-article extraction on real pages (Mozilla Readability's test pages): the expected
//! article's paragraphs come out in order, the page's furniture does not, every line fits and
//! no control character survives.

use std::path::{Path, PathBuf};

use tidings::text::extract::extract;
use tidings::text::{is_forbidden, render_html, wrap};

fn pages() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
    assert!(
        p.join("MANIFEST.tsv").exists(),
        "fixtures missing at {}",
        p.display()
    );
    p
}

/// Letters and digits only, lowercased, with the renderer's `[n]` link markers removed.
fn squash(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(']') {
            Some(j) if j > 0 && after[..j].chars().all(|c| c.is_ascii_digit()) => rest = &after[j + 1..],
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// Paragraph texts of the expected extraction (those long enough to be distinctive).
fn expected_paragraphs(name: &str) -> Vec<String> {
    let html = std::fs::read_to_string(pages().join(format!("{name}.expected.html"))).expect("expected");
    let doc = dom_query::Document::from(html.as_str());
    doc.select("p")
        .iter()
        // Readability keeps a paragraph that is only a link to another story ("Lire aussi :
        // ..."); tidings drops those as furniture, so they are not expected here.
        .filter(|p| {
            let all = p.text().trim().len();
            let links: usize = p.select("a").iter().map(|a| a.text().trim().len()).sum();
            !(links * 2 > all && p.text().contains(':'))
        })
        .map(|p| p.text().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| t.len() > 60)
        .collect()
}

/// Strings that appear in the source page's furniture and must not be extracted.
fn boilerplate(name: &str) -> &'static [&'static str] {
    match name {
        "readability-ars-1" => &[
            "Skip to main content",
            "Staff Directory",
            "Share on Facebook",
            "login or create an account",
            "Condé Nast",
        ],
        "readability-bbc-1" => &[
            "Accessibility links",
            "BBC navigation",
            "Search the BBC",
            "More on this story",
            "Have Your Say",
        ],
        "readability-lemonde-1" => &[
            "En savoir plus et gérer ces paramètres",
            "abonner au Monde",
            "Boutique Le Monde",
            "Suivre le Monde sur Twitter",
            "Newsletter",
        ],
        _ => &[],
    }
}

fn check(name: &str, width: usize) {
    let source = std::fs::read_to_string(pages().join(format!("{name}.source.html"))).expect("source");
    let html = extract(&source, Some("https://example.org/article")).expect("extracts");
    let rendered = render_html(&html, None, width);
    let text: String = rendered
        .lines
        .iter()
        .map(|l| l.text())
        .collect::<Vec<_>>()
        .join("\n");
    for line in &rendered.lines {
        assert!(
            line.width() <= width,
            "{name}: line wider than {width}: {:?}",
            line.text()
        );
        assert!(
            !line.text().chars().any(is_forbidden),
            "{name}: control character in {:?}",
            line.text()
        );
    }
    let flat = squash(&text);
    let paras = expected_paragraphs(name);
    assert!(paras.len() >= 3, "{name}: too few expected paragraphs");
    let mut at = 0;
    for p in &paras {
        let key = squash(p);
        let key = &key[..key.len().min(120)];
        match flat[at..].find(key) {
            Some(i) => at += i + key.len(),
            None => panic!("{name}: expected paragraph missing or out of order:\n  {p}\n--- got:\n{text}"),
        }
    }
    for b in boilerplate(name) {
        assert!(
            source.contains(b) || source.contains(&b.replace('\'', "&#39;")),
            "{name}: {b:?} is not in the source page"
        );
        assert!(!text.contains(b), "{name}: boilerplate {b:?} survived");
    }
    assert!(wrap::width(&text) > 0);
}

#[test]
fn ars() {
    check("readability-ars-1", 80);
}

#[test]
fn bbc() {
    check("readability-bbc-1", 80);
}

#[test]
fn lemonde() {
    check("readability-lemonde-1", 72);
}

#[test]
fn narrow_widths_hold() {
    for name in ["readability-ars-1", "readability-bbc-1", "readability-lemonde-1"] {
        check(name, 30);
    }
}
