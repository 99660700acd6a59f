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
    extract_for(page_html, url, None)
}

/// Like [`extract`], for a feed item titled `item_title`: the page's own headline is kept when
/// it says something the item's title does not (the reader's header already shows that one),
/// and so is its standfirst when the page shows it and the article text lacks it.
pub fn extract_for(
    page_html: &str,
    url: Option<&str>,
    item_title: Option<&str>,
) -> Result<String, ExtractError> {
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
    let mut cleaned = postclean(&article.content);
    if let Some(item) = item_title {
        // The texts are only read when there is a standfirst worth checking.
        let lead = article
            .excerpt
            .as_deref()
            .map(|e| super::sanitize_line(e.trim()))
            .filter(|e| super::boilerplate::word_count(e) >= 8)
            .filter(|e| {
                let e = normal_words(e);
                !normal_words(&super::index_text(&cleaned)).contains(&e)
                    && normal_words(&super::index_text(page_html)).contains(&e)
            });
        if let Some(lead) = lead {
            cleaned = format!("<p><em>{}</em></p>{cleaned}", super::escape_xml(&lead));
        }
        let headline = super::sanitize_line(article.title.trim());
        if !headline.is_empty() && !same_title(&headline, item) {
            cleaned = format!("<h1>{}</h1>{cleaned}", super::escape_xml(&headline));
        }
    }
    let words = super::boilerplate::word_count(&super::index_text(&cleaned));
    // A few words out of a page full of text is a failed extraction (the reader falls back to
    // the feed's text); a few words that are most of a short page are its article.
    if words == 0 || (words < 20 && words * 2 < page_words(page_html)) {
        return Err(ExtractError::NoArticle("too little text".into()));
    }
    Ok(cleaned)
}

/// Lowercase words joined by single spaces, punctuation dropped.
fn normal_words(s: &str) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    s.unicode_words()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two headlines are the same one (one holds the other, as "Title | Site" does).
fn same_title(a: &str, b: &str) -> bool {
    let (a, b) = (normal_words(a), normal_words(b));
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
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
    use crate::text::index_text;

    #[test]
    fn the_pages_headline_and_standfirst_are_kept_unless_the_item_says_them() {
        let article: String = (0..6)
            .map(|i| format!("<p>Paragraph {i} of the story about the harbour, long enough to count as content here.</p>"))
            .collect();
        let page = format!(
            "<html><head><title>Harbour reopens after the storm</title>\
             <meta name=\"description\" content=\"The port was closed for nine days while divers checked every berth.\"></head>\
             <body><article><h1>Harbour reopens after the storm</h1>\
             <p class=\"lead\">The port was closed for nine days while divers checked every berth.</p>{article}</article></body></html>"
        );
        let same = extract_for(
            &page,
            Some("https://news.example/h"),
            Some("Harbour reopens after the storm"),
        )
        .expect("article");
        assert!(
            !same.contains("<h1>"),
            "the item's own title is not repeated: {same}"
        );
        let other = extract_for(&page, Some("https://news.example/h"), Some("Port news")).expect("article");
        assert!(
            other.contains("<h1>Harbour reopens after the storm</h1>"),
            "{other}"
        );
        let text = index_text(&other);
        assert_eq!(
            text.matches("closed for nine days").count(),
            1,
            "the standfirst once: {text}"
        );
    }

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
