//! Fetching an article's web page and extracting the article from it, for feeds that ship only
//! a teaser. Uses the poller's HTTP client and limits; extraction runs off the async executor.

use url::Url;

use crate::feed::{FetchOutcome, Fetcher, Validators};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FullTextError {
    #[error("the article has no web link")]
    NoLink,
    #[error("cannot fetch the page: {0}")]
    Fetch(String),
    #[error("{0}")]
    Extract(#[from] crate::text::extract::ExtractError),
}

/// How many cached pages of a feed its site's template is learnt from.
pub const TEMPLATE_PAGES: usize = 8;

/// Fetches `link` and returns the cleaned article HTML.
/// `title` is the feed item's title: the page's own headline is kept when it differs.
pub async fn fetch_full_text(
    fetcher: &Fetcher,
    link: Option<&str>,
    title: Option<&str>,
) -> Result<String, FullTextError> {
    let url = link
        .and_then(|l| Url::parse(l).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or(FullTextError::NoLink)?;
    let fetched = match fetcher.fetch(&url, &Validators::default()).await {
        Ok(FetchOutcome::Fetched(f)) => *f,
        Ok(FetchOutcome::NotModified { .. }) => return Err(FullTextError::Fetch("HTTP 304".into())),
        Err(e) => return Err(FullTextError::Fetch(e.to_string())),
    };
    let base = fetched.final_url.to_string();
    let title = title.map(str::to_string);
    tokio::task::spawn_blocking(move || {
        let html = decode_html(&fetched.bytes, fetched.content_type.as_deref());
        crate::text::extract::extract_for(&html, Some(&base), title.as_deref()).map_err(FullTextError::from)
    })
    .await
    .map_err(|e| FullTextError::Fetch(e.to_string()))?
}

/// Decodes an HTML page: the HTTP charset, else a `<meta charset>` near the top, else UTF-8
/// (windows-1252 when the bytes are not UTF-8).
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    let from_header = content_type.and_then(crate::feed::prepare::charset_of);
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let from_meta = head.find("charset=").map(|i| {
        head[i + 8..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<String>()
    });
    let enc = from_header
        .or(from_meta)
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()));
    match enc {
        Some(e) => e.decode(bytes).0.into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
        },
    }
}

/// Whether an article's own text is so short that the page is worth fetching.
pub fn is_teaser(content_html: Option<&str>) -> bool {
    let words = content_html
        .map(|h| crate::text::index_text(h).split_whitespace().count())
        .unwrap_or(0);
    words < 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_by_header_and_meta() {
        assert_eq!(
            decode_html(b"<p>caf\xe9</p>", Some("text/html; charset=ISO-8859-1")),
            "<p>café</p>"
        );
        let page = b"<html><head><meta charset=\"windows-1252\"></head><body>\x80</body></html>";
        assert!(decode_html(page, None).contains('€'));
        assert!(is_teaser(Some("<p>Read more on our site</p>")));
        assert!(!is_teaser(Some(&"<p>word </p>".repeat(100))));
    }
}
