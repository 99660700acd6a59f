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
    let (final_url, text) = fetch_text(fetcher, &url).await?;
    if !looks_like_html(&text) {
        let parsed =
            parse(&text, &final_url).with_context(|| format!("'{url}' is neither a feed nor a web page"))?;
        return Ok(Found {
            url: url.to_string(),
            title: parsed.meta.title,
        });
    }
    let mut candidates = discover(&text, &final_url);
    if candidates.is_empty() {
        for path in COMMON_PATHS {
            let Ok(try_url) = final_url.join(path) else {
                continue;
            };
            if let Ok((u, body)) = fetch_text(fetcher, &try_url).await
                && !looks_like_html(&body)
                && parse(&body, &u).is_ok()
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
    let (u, body) = fetch_text(fetcher, &feed_url).await?;
    let parsed = parse(&body, &u).with_context(|| format!("'{feed_url}' does not hold a valid feed"))?;
    Ok(Found {
        url: chosen.url,
        title: parsed.meta.title.or(chosen.title),
    })
}

async fn fetch_text(fetcher: &Fetcher, url: &Url) -> Result<(Url, String)> {
    match fetcher.fetch(url, &Validators::default()).await {
        Ok(FetchOutcome::Fetched(f)) => {
            let text = crate::fulltext::decode_html(&f.bytes, f.content_type.as_deref());
            Ok((f.final_url, text))
        }
        Ok(FetchOutcome::NotModified { .. }) => bail!("'{url}' answered 304 Not Modified"),
        Err(e) => bail!("cannot fetch '{url}': {e}"),
    }
}

fn parse(text: &str, url: &Url) -> Result<ParsedFeed> {
    Ok(crate::feed::parse(
        text.as_bytes(),
        Some("text/xml; charset=utf-8"),
        url,
    )?)
}
