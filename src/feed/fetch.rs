//! One HTTP (or file) fetch: conditional GET, redirects followed by hand (so a permanent one can
//! be recorded), a total timeout, a size cap enforced on the decoded stream, and compression.
//! The only module that uses reqwest.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

/// Validators from the last successful fetch, sent back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FetchOutcome {
    NotModified {
        /// Set when the chain began with permanent redirects.
        permanent_redirect: Option<Url>,
    },
    /// Boxed: a fetched body's headers make it much larger than a 304.
    Fetched(Box<Fetched>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    /// `Content-Location`: the document's base URI when it differs from its URL.
    pub content_location: Option<String>,
    /// `Content-Language`: the language of text that declares none.
    pub content_language: Option<String>,
    pub validators: Validators,
    /// Where the body came from (the base for relative links).
    pub final_url: Url,
    pub permanent_redirect: Option<Url>,
    pub status: u16,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("timed out after {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("HTTP {status}{}", retry_after.map(|d| format!(" (retry after {})", humantime::format_duration(d))).unwrap_or_default())]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("the body is larger than the {limit}-byte limit")]
    TooLarge { limit: u64 },
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("redirect loop at {0}")]
    RedirectLoop(String),
    #[error("bad redirect: {0}")]
    BadRedirect(String),
    #[error("unsupported URL scheme '{0}'")]
    Scheme(String),
    #[error("cannot read file: {0}")]
    File(String),
    #[error("HTTP error: {0}")]
    Http(String),
}

impl FetchError {
    /// The HTTP status, if the server answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Where a redirect points: its Location resolved against the URL that answered, and only
/// to an http or https URL.
fn redirect_target(resp: &reqwest::Response, current: &Url) -> Result<Url, FetchError> {
    let location = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            FetchError::BadRedirect(format!("HTTP {} without Location", resp.status().as_u16()))
        })?;
    let next = current
        .join(location)
        .map_err(|_| FetchError::BadRedirect(crate::text::sanitize_line(location)))?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(FetchError::BadRedirect(format!("to a '{}' URL", next.scheme())));
    }
    Ok(next)
}

/// Limits for every request.
#[derive(Debug, Clone)]
pub struct FetchLimits {
    pub timeout: Duration,
    pub max_size: u64,
    pub max_redirects: usize,
}

/// A shared HTTP client with tidings' settings.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    limits: FetchLimits,
}

/// Installs the ring crypto provider for rustls once per process (reqwest is built without a
/// default provider to avoid the aws-lc C build).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Fetcher {
    /// A client that honours the standard proxy variables (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, and `NO_PROXY` for the hosts that bypass them).
    pub fn new(user_agent: &str, limits: FetchLimits) -> Result<Fetcher, FetchError> {
        Fetcher::build(user_agent, limits, true)
    }

    /// A client that ignores proxy variables: for tests against servers on 127.0.0.1.
    pub fn direct(user_agent: &str, limits: FetchLimits) -> Result<Fetcher, FetchError> {
        Fetcher::build(user_agent, limits, false)
    }

    fn build(user_agent: &str, limits: FetchLimits, proxies: bool) -> Result<Fetcher, FetchError> {
        install_crypto_provider();
        let mut builder = reqwest::Client::builder();
        if !proxies {
            builder = builder.no_proxy();
        }
        let client = builder
            .user_agent(user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.timeout.min(Duration::from_secs(15)))
            .read_timeout(limits.timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| FetchError::Http(e.to_string()))?;
        Ok(Fetcher { client, limits })
    }

    pub fn limits(&self) -> &FetchLimits {
        &self.limits
    }

    /// Fetches `url`, conditionally when validators are given, within the total timeout.
    pub async fn fetch(&self, url: &Url, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        let timeout = self.limits.timeout;
        match tokio::time::timeout(timeout, self.fetch_inner(url, validators)).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout(timeout)),
        }
    }

    async fn fetch_inner(&self, url: &Url, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        match url.scheme() {
            "file" => return self.read_file(url).await,
            "http" | "https" => {}
            other => return Err(FetchError::Scheme(other.to_string())),
        }
        let mut current = url.clone();
        let mut seen = HashSet::new();
        let mut permanent: Option<Url> = None;
        let mut all_permanent = true;
        for _ in 0..=self.limits.max_redirects {
            if !seen.insert(current.to_string()) {
                return Err(FetchError::RedirectLoop(current.to_string()));
            }
            let resp = self
                .client
                .get(current.clone())
                .headers(conditional_headers(validators))
                .send()
                .await
                .map_err(|e| classify(e, self.limits.timeout))?;
            let status = resp.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let next = redirect_target(&resp, &current)?;
                let is_permanent = matches!(status.as_u16(), 301 | 308);
                all_permanent &= is_permanent;
                if all_permanent {
                    permanent = Some(next.clone());
                }
                current = next;
                continue;
            }
            if status == StatusCode::NOT_MODIFIED {
                return Ok(FetchOutcome::NotModified {
                    permanent_redirect: permanent,
                });
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    status: status.as_u16(),
                    retry_after: retry_after(resp.headers()),
                });
            }
            let headers = resp.headers().clone();
            let bytes = self.read_body(resp).await?;
            return Ok(FetchOutcome::Fetched(Box::new(Fetched {
                bytes,
                content_type: header_str(&headers, header::CONTENT_TYPE),
                content_location: header_str(&headers, header::CONTENT_LOCATION),
                content_language: header_str(&headers, header::CONTENT_LANGUAGE),
                validators: Validators {
                    etag: header_str(&headers, header::ETAG),
                    last_modified: header_str(&headers, header::LAST_MODIFIED),
                },
                final_url: current,
                permanent_redirect: permanent,
                status: status.as_u16(),
            })));
        }
        Err(FetchError::TooManyRedirects(self.limits.max_redirects))
    }

    /// Starts a download: a GET for the bytes from `from` on (a `Range` request when above
    /// zero), uncompressed so offsets are bytes of the file, following redirects (podcast
    /// hosts chain several trackers) to http and https URLs only. The caller reads the body;
    /// each read is bounded by the timeout, the whole download is not.
    pub async fn open_download(&self, url: &Url, from: u64) -> Result<reqwest::Response, FetchError> {
        let mut current = url.clone();
        for _ in 0..=self.limits.max_redirects {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(FetchError::Scheme(current.scheme().to_string()));
            }
            let mut req = self
                .client
                .get(current.clone())
                .header(header::ACCEPT_ENCODING, "identity");
            if from > 0 {
                req = req.header(header::RANGE, format!("bytes={from}-"));
            }
            let resp = tokio::time::timeout(self.limits.timeout, req.send())
                .await
                .map_err(|_| FetchError::Timeout(self.limits.timeout))?
                .map_err(|e| classify(e, self.limits.timeout))?;
            let status = resp.status();
            if status.is_redirection() {
                current = redirect_target(&resp, &current)?;
                continue;
            }
            if !status.is_success() && status != StatusCode::RANGE_NOT_SATISFIABLE {
                return Err(FetchError::Status {
                    status: status.as_u16(),
                    retry_after: retry_after(resp.headers()),
                });
            }
            return Ok(resp);
        }
        Err(FetchError::TooManyRedirects(self.limits.max_redirects))
    }

    /// Streams the (decompressed) body, stopping as soon as it passes the limit.
    async fn read_body(&self, mut resp: reqwest::Response) -> Result<Vec<u8>, FetchError> {
        let limit = self.limits.max_size;
        if resp.content_length().is_some_and(|n| n > limit)
            && resp.headers().get(header::CONTENT_ENCODING).is_none()
        {
            return Err(FetchError::TooLarge { limit });
        }
        // Sized once from the declared length (when the body is not compressed and within the
        // limit), rather than doubled and copied as chunks arrive.
        let declared = resp
            .content_length()
            .filter(|_| resp.headers().get(header::CONTENT_ENCODING).is_none())
            .unwrap_or(0)
            .min(limit);
        let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(e, self.limits.timeout))? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(FetchError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    async fn read_file(&self, url: &Url) -> Result<FetchOutcome, FetchError> {
        let path = url
            .to_file_path()
            .map_err(|_| FetchError::File(format!("'{url}' is not a local path")))?;
        let limit = self.limits.max_size;
        let meta = tokio::fs::metadata(&path)
            .await
            .map_err(|e| FetchError::File(format!("{}: {e}", path.display())))?;
        // A FIFO, a device or a procfs file says size 0 and never ends: only regular files,
        // read with the same streaming limit as a response body.
        if !meta.is_file() {
            return Err(FetchError::File(format!(
                "{}: not a regular file",
                path.display()
            )));
        }
        if meta.len() > limit {
            return Err(FetchError::TooLarge { limit });
        }
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| FetchError::File(format!("{}: {e}", path.display())))?;
        let mut bytes = Vec::new();
        use tokio::io::AsyncReadExt as _;
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| FetchError::File(format!("{}: {e}", path.display())))?;
        if bytes.len() as u64 > limit {
            return Err(FetchError::TooLarge { limit });
        }
        Ok(FetchOutcome::Fetched(Box::new(Fetched {
            bytes,
            content_type: None,
            content_location: None,
            content_language: None,
            validators: Validators::default(),
            final_url: url.clone(),
            permanent_redirect: None,
            status: 200,
        })))
    }
}

fn conditional_headers(v: &Validators) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        header::ACCEPT,
        HeaderValue::from_static(
            "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
        ),
    );
    if let Some(etag) = v.etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
        h.insert(header::IF_NONE_MATCH, etag);
    }
    if let Some(lm) = v
        .last_modified
        .as_deref()
        .and_then(|e| HeaderValue::from_str(e).ok())
    {
        h.insert(header::IF_MODIFIED_SINCE, lm);
    }
    h
}

fn header_str(h: &HeaderMap, name: header::HeaderName) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(crate::text::sanitize_line)
}

/// Retry-After as seconds or an HTTP date.
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    delta.to_std().ok()
}

/// A typed error without the URL reqwest puts in its messages: the URL may carry a password,
/// and the caller knows which feed failed.
fn classify(e: reqwest::Error, timeout: Duration) -> FetchError {
    let e = e.without_url();
    if e.is_timeout() {
        FetchError::Timeout(timeout)
    } else if e.is_connect() {
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg = s.to_string();
            src = s.source();
        }
        FetchError::Connect(crate::text::sanitize_line(&msg))
    } else {
        let mut msg = e.to_string();
        if let Some(s) = std::error::Error::source(&e) {
            msg = format!("{msg}: {s}");
        }
        FetchError::Http(crate::text::sanitize_line(&msg))
    }
}
