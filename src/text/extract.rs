//! Full-article extraction from a web page: pre-clean only what the page says is not content
//! (scripts, `nav`, `aside`, dialogs, by element and role, never by class name), Readability
//! (dom_smoothie) for the main content, then [`super::boilerplate`] for the furniture
//! Readability keeps next to the article.

use dom_query::Document;
use dom_smoothie::Readability;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("no article found on the page ({0})")]
    NoArticle(String),
}

/// Blocks that are page furniture, never article text.
const FURNITURE: &str = "script, style, noscript, iframe, nav, footer, aside, dialog, \
    [role=dialog], [role=alertdialog], [aria-modal=true], [role=navigation], [role=contentinfo]";

/// Extracts the article from a page; returns clean HTML for the renderer.
pub fn extract(page_html: &str, url: Option<&str>) -> Result<String, ExtractError> {
    if super::render::nesting_depth(page_html) > super::render::MAX_NESTING {
        return Err(ExtractError::NoArticle(
            "the page is nested too deeply to be an article".into(),
        ));
    }
    let doc = Document::from(page_html);
    for node in doc.select(FURNITURE).iter() {
        if !node.is("html, body, main, article") {
            node.remove();
        }
    }
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let mut readability =
        Readability::with_document(doc, url, None).map_err(|e| ExtractError::NoArticle(e.to_string()))?;
    let article = readability
        .parse()
        .map_err(|e| ExtractError::NoArticle(e.to_string()))?;
    let cleaned = postclean(&article.content);
    let words = super::boilerplate::word_count(&super::index_text(&cleaned));
    // A few words out of a page full of text is a failed extraction (the reader falls back to
    // the feed's text); a few words that are most of a short page are its article.
    if words == 0 || (words < 20 && words * 2 < page_words(page_html)) {
        return Err(ExtractError::NoArticle("too little text".into()));
    }
    Ok(cleaned)
}

/// The words of a page's body, scripts and styles left out.
fn page_words(page_html: &str) -> usize {
    let body = Document::from(page_html);
    body.select("script, style, noscript, template").remove();
    super::boilerplate::word_count(&body.select("body").text())
}

/// Removes what Readability keeps next to the article (`boilerplate`).
fn postclean(html: &str) -> String {
    let doc = Document::from(html);
    super::boilerplate::remove(&doc);
    doc.select("body").inner_html().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_newsletter_and_related_are_removed() {
        let article: String = (0..8)
            .map(|i| format!("<p>Paragraph {i} of the real article text, long enough to count as content for readability scoring purposes here.</p>"))
            .collect();
        let page = format!(
            "<html><body><nav><a href='/'>Home</a></nav><article><h1>Title</h1>{article}\
             <h3>Related stories</h3><ul><li><a href='/x'>Other story</a></li></ul></article>\
             <div class='cookie-banner'><p>We use cookies. Accept all?</p></div>\
             <div class='box'><p>Sign up for our newsletter today!</p></div>\
             <footer>Copyright, all rights reserved</footer></body></html>"
        );
        let html = extract(&page, Some("https://example.org/a")).expect("article");
        let text = crate::text::index_text(&html);
        assert!(
            text.contains("Paragraph 0") && text.contains("Paragraph 7"),
            "{text}"
        );
        for bad in [
            "cookies",
            "newsletter",
            "Other story",
            "Related",
            "rights reserved",
            "Home",
        ] {
            assert!(!text.contains(bad), "{bad} survived: {text}");
        }
    }
}
