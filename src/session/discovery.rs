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
        let parsed =
            parse(fetcher, &fetched).with_context(|| format!("'{url}' is neither a feed nor a web page"))?;
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
                && parse(fetcher, &page).is_ok()
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
    let parsed = parse(fetcher, &page).with_context(|| format!("'{feed_url}' does not hold a valid feed"))?;
    Ok(Found {
        url: chosen.url,
        title: parsed.meta.title.or(chosen.title),
    })
}

/// A fetched response: its bytes for the feed parser, its text for finding a web page's
/// links, where it came from and what HTTP called it.
struct Page {
    url: Url,
    bytes: Vec<u8>,
    text: String,
    content_type: Option<String>,
}

async fn fetch_text(fetcher: &Fetcher, url: &Url) -> Result<Page> {
    match fetcher.fetch(url, &Validators::default()).await {
        Ok(FetchOutcome::Fetched(f)) => {
            let text = crate::fulltext::decode_html(&f.bytes, f.content_type.as_deref());
            Ok(Page {
                url: f.final_url,
                bytes: f.bytes,
                text,
                content_type: f.content_type,
            })
        }
        Ok(FetchOutcome::NotModified { .. }) => bail!("'{url}' answered 304 Not Modified"),
        Err(e) => bail!("cannot fetch '{url}': {e}"),
    }
}

/// Parses a response as a feed exactly as a refresh would: its own bytes and Content-Type
/// (the feed's encoding rules, a `.xml.gz` unpacked within the fetch's size limit).
fn parse(fetcher: &Fetcher, page: &Page) -> Result<ParsedFeed> {
    let mut source = crate::feed::parse::Source::new(&page.url);
    source.content_type = page.content_type.as_deref();
    source.max_size = fetcher.limits().max_size;
    Ok(crate::feed::parse::parse_source(&page.bytes, &source)?)
}
