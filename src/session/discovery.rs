//! Finding a feed from what a user typed: the URL itself when it is a feed, else what the page
//! announces (autodiscovery), else a common feed path. Shared by `tidings add` and the UI's `a`.

use anyhow::{Context as _, Result, bail};
use url::Url;

use crate::feed::discover::{COMMON_PATHS, Candidate, discover, looks_like_html};
use crate::feed::{FetchOutcome, Fetcher, ParsedFeed, Validators};
use crate::session::UsageError;

/// A feed that was fetched and parsed, ready to be written to the config.
pub struct Found {
    pub url: String,
    pub title: Option<String>,
}

/// Resolves `input` to one feed: the URL itself if it is a feed, else what the page announces,
/// else a common path that holds a feed. `choose` picks among several candidates.
pub async fn find_feed(
    fetcher: &Fetcher,
    input: &str,
    choose: impl FnOnce(&[Candidate]) -> Result<usize>,
) -> Result<Found> {
    let url = Url::parse(input.trim())
        .or_else(|_| Url::parse(&format!("https://{}", input.trim())))
        .map_err(|_| UsageError(format!("'{input}' is not a URL")))?;
    let fetched = fetch_text(fetcher, &url).await?;
    let (final_url, text) = (&fetched.url, &fetched.text);
    if !looks_like_html(text) {
        let parsed = parse(&fetched).with_context(|| format!("'{url}' is neither a feed nor a web page"))?;
        return Ok(Found {
            url: url.to_string(),
            title: parsed.meta.title,
        });
    }
    let mut candidates = discover(text, final_url);
    if candidates.is_empty() {
        for path in COMMON_PATHS {
            let Ok(try_url) = final_url.join(path) else {
                continue;
            };
            if let Ok(page) = fetch_text(fetcher, &try_url).await
                && !looks_like_html(&page.text)
                && parse(&page).is_ok()
            {
                candidates.push(Candidate {
                    url: try_url.to_string(),
                    title: None,
                    kind: "feed",
                });
                break;
            }
        }
    }
    let chosen = match candidates.len() {
        0 => bail!(UsageError(format!(
            "no feed found at '{url}': the page announces none (<link rel=\"alternate\">) and none of {} holds one",
            COMMON_PATHS.join(", ")
        ))),
        1 => candidates.remove(0),
        _ => {
            let i = choose(&candidates)?;
            candidates
                .get(i)
                .cloned()
                .ok_or_else(|| UsageError(format!("--pick must be 1 to {}", candidates.len())))?
        }
    };
    let feed_url = Url::parse(&chosen.url)?;
    let page = fetch_text(fetcher, &feed_url).await?;
    let parsed = parse(&page).with_context(|| format!("'{feed_url}' does not hold a valid feed"))?;
    Ok(Found {
        url: chosen.url,
        title: parsed.meta.title.or(chosen.title),
    })
}

/// A fetched response as text, with where it came from and what HTTP called it.
struct Page {
    url: Url,
    text: String,
    content_type: Option<String>,
}

async fn fetch_text(fetcher: &Fetcher, url: &Url) -> Result<Page> {
    match fetcher.fetch(url, &Validators::default()).await {
        Ok(FetchOutcome::Fetched(f)) => {
            // A feed still gzip after HTTP's decoding (a `.xml.gz`) is unpacked as a refresh
            // unpacks it, before it is taken for text.
            let unpacked = crate::feed::prepare::gunzip_nested(&f.bytes, fetcher.limits().max_size)
                .with_context(|| format!("cannot read '{url}'"))?;
            let bytes = unpacked.as_deref().unwrap_or(&f.bytes);
            let text = crate::fulltext::decode_html(bytes, f.content_type.as_deref());
            Ok(Page {
                url: f.final_url,
                text,
                content_type: f.content_type,
            })
        }
        Ok(FetchOutcome::NotModified { .. }) => bail!("'{url}' answered 304 Not Modified"),
        Err(e) => bail!("cannot fetch '{url}': {e}"),
    }
}

/// Parses a page's text as a feed. The text is UTF-8 already, which the content type given to
/// the parser says; an error about the bytes names the type the server sent.
fn parse(page: &Page) -> Result<ParsedFeed> {
    match crate::feed::parse(page.text.as_bytes(), Some("text/xml; charset=utf-8"), &page.url) {
        Err(crate::feed::ParseError::Binary(_)) => Err(crate::feed::ParseError::Binary(
            page.content_type.as_deref().map(crate::text::sanitize_line),
        )
        .into()),
        other => Ok(other?),
    }
}
