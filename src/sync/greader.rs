//! The Google Reader API as FreshRSS, Miniflux, Inoreader, The Old Reader and BazQux speak it:
//! ClientLogin, the write token, subscriptions with their folders, item id lists, items by id,
//! edit-tag, quickadd and subscription/edit.
//!
//! Sign-in happens once: the `Auth` token is kept in the data dir (mode 0600) and asked for
//! again only when the server refuses it. Every request has the account's timeout and a size
//! cap, and is counted, so a sync can say what it cost.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use super::{Backend, ItemList, RemoteItem, SyncError, Traffic, secret};
use crate::config::AccountSpec;
use crate::model::{NewArticle, RemoteFeed, SyncFlag};

const READ: &str = "user/-/state/com.google/read";
const STARRED: &str = "user/-/state/com.google/starred";
const READING_LIST: &str = "user/-/state/com.google/reading-list";
/// Ids per page of an id list, and per request when items are fetched or marked by id.
const IDS_PER_PAGE: usize = 10_000;
const ITEMS_PER_REQUEST: usize = 250;
/// The largest answer read: a page of 250 items is a few MiB at most.
const MAX_RESPONSE: u64 = 64 * 1024 * 1024;

/// One Google Reader API account.
pub struct GReader {
    client: reqwest::Client,
    base: String,
    account: AccountSpec,
    timeout: Duration,
    token_file: PathBuf,
    auth: Mutex<Option<String>>,
    write_token: Mutex<Option<String>>,
    requests: Arc<AtomicU64>,
    bytes: Arc<AtomicU64>,
}

enum Body {
    None,
    Form(Vec<(String, String)>),
}

impl GReader {
    /// A client for `account`; `proxies` follows the environment's proxy variables (off in
    /// tests against 127.0.0.1). The token lives in `data_dir/accounts/<name>.auth`.
    pub fn new(
        account: &AccountSpec,
        data_dir: &std::path::Path,
        user_agent: &str,
        timeout: Duration,
        proxies: bool,
    ) -> Result<GReader, SyncError> {
        crate::feed::fetch::install_crypto_provider();
        let mut builder = reqwest::Client::builder();
        if !proxies {
            builder = builder.no_proxy();
        }
        let client = builder
            .user_agent(user_agent)
            .connect_timeout(timeout.min(Duration::from_secs(15)))
            .read_timeout(timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|e| SyncError::Connect(e.to_string()))?;
        Ok(GReader {
            client,
            base: account.url.as_str().trim_end_matches('/').to_string(),
            account: account.clone(),
            timeout,
            token_file: secret::token_path(data_dir, &account.name),
            auth: Mutex::new(None),
            write_token: Mutex::new(None),
            requests: Arc::default(),
            bytes: Arc::default(),
        })
    }

    fn api(&self, path: &str, query: &[(&str, String)]) -> Result<Url, SyncError> {
        let mut url = Url::parse(&format!("{}/reader/api/0/{path}", self.base))
            .map_err(|e| SyncError::Config(format!("bad API URL: {e}")))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("output", "json");
            for (k, v) in query {
                q.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// Sends one request and reads its body within the timeout and the size cap.
    async fn send(&self, url: Url, body: &Body, auth: Option<&str>) -> Result<(u16, Vec<u8>), SyncError> {
        let what = endpoint(&url);
        let mut req = match body {
            Body::None => self.client.get(url),
            Body::Form(pairs) => {
                let encoded = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs.iter())
                    .finish();
                self.client
                    .post(url)
                    .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(encoded)
            }
        };
        if let Some(a) = auth {
            req = req.header(reqwest::header::AUTHORIZATION, format!("GoogleLogin auth={a}"));
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let timeout = self.timeout;
        let run = async {
            let resp = req.send().await.map_err(|e| classify(&e, timeout))?;
            let status = resp.status().as_u16();
            let mut stream = resp.bytes_stream();
            let mut out = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| classify(&e, timeout))?;
                self.bytes.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                out.extend_from_slice(&chunk);
                if out.len() as u64 > MAX_RESPONSE {
                    return Err(SyncError::TooLarge { what: what.clone() });
                }
            }
            Ok((status, out))
        };
        match tokio::time::timeout(timeout, run).await {
            Ok(r) => r,
            Err(_) => Err(SyncError::Timeout(timeout)),
        }
    }

    /// The `Auth` token: in memory, else from the token file, else from ClientLogin.
    async fn auth(&self, fresh: bool) -> Result<String, SyncError> {
        let mut slot = self.auth.lock().await;
        if !fresh {
            if let Some(a) = slot.as_ref() {
                return Ok(a.clone());
            }
            if let Some(a) = secret::read_token(&self.token_file) {
                *slot = Some(a.clone());
                return Ok(a);
            }
        }
        let password = secret::password(&self.account).await?;
        let url = Url::parse(&format!("{}/accounts/ClientLogin", self.base))
            .map_err(|e| SyncError::Config(format!("bad API URL: {e}")))?;
        let form = Body::Form(vec![
            ("Email".into(), self.account.user.clone()),
            ("Passwd".into(), password),
        ]);
        let (status, body) = self.send(url, &form, None).await?;
        match status {
            200 => {}
            401 | 403 => {
                secret::forget_token(&self.token_file);
                return Err(SyncError::Auth(self.account.user.clone()));
            }
            s => return Err(status_error(s, "accounts/ClientLogin")),
        }
        let text = String::from_utf8_lossy(&body);
        let token = text
            .lines()
            .find_map(|l| l.strip_prefix("Auth="))
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| SyncError::NotApi {
                what: "accounts/ClientLogin".into(),
                got: snippet(&body),
            })?;
        secret::write_token(&self.token_file, &token)?;
        *slot = Some(token.clone());
        Ok(token)
    }

    /// A request with the stored token; signs in again once if the server refuses it.
    async fn call(&self, url: Url, body: Body) -> Result<Vec<u8>, SyncError> {
        let mut fresh = false;
        loop {
            let auth = self.auth(fresh).await?;
            let (status, bytes) = self.send(url.clone(), &body, Some(&auth)).await?;
            match status {
                200..=299 => return Ok(bytes),
                401 | 403 if !fresh => {
                    *self.write_token.lock().await = None;
                    fresh = true;
                }
                401 | 403 => return Err(SyncError::Auth(self.account.user.clone())),
                s => return Err(status_error(s, &endpoint(&url))),
            }
        }
    }

    async fn get_json(&self, path: &str, query: &[(&str, String)]) -> Result<Value, SyncError> {
        let url = self.api(path, query)?;
        let bytes = self.call(url, Body::None).await?;
        json(&bytes, path)
    }

    /// The write token `T`, asked for once per run (and again after a refusal).
    async fn write_token(&self) -> Result<String, SyncError> {
        let mut slot = self.write_token.lock().await;
        if let Some(t) = slot.as_ref() {
            return Ok(t.clone());
        }
        let url = self.api("token", &[])?;
        let bytes = self.call(url, Body::None).await?;
        let t = String::from_utf8_lossy(&bytes).trim().to_string();
        if t.is_empty() || t.contains('<') {
            return Err(SyncError::NotApi {
                what: "token".into(),
                got: snippet(&bytes),
            });
        }
        *slot = Some(t.clone());
        Ok(t)
    }

    /// A write (POST with `T`); expects the plain `OK` the API answers.
    async fn post(&self, path: &str, mut form: Vec<(String, String)>) -> Result<Vec<u8>, SyncError> {
        let token = self.write_token().await?;
        form.push(("T".into(), token));
        let url = self.api(path, &[])?;
        self.call(url, Body::Form(form)).await
    }

    async fn id_list(&self, query: Vec<(&str, String)>) -> Result<Vec<i64>, SyncError> {
        let mut ids = Vec::new();
        let mut continuation: Option<String> = None;
        loop {
            let mut q = query.clone();
            q.push(("n", IDS_PER_PAGE.to_string()));
            if let Some(c) = &continuation {
                q.push(("c", c.clone()));
            }
            let v = self.get_json("stream/items/ids", &q).await?;
            let refs = v
                .get("itemRefs")
                .and_then(Value::as_array)
                .ok_or_else(|| shape("stream/items/ids", "no itemRefs"))?;
            let before = ids.len();
            ids.extend(refs.iter().filter_map(|r| r.get("id").and_then(number_or_string)));
            continuation = v
                .get("continuation")
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            if continuation.is_none() || ids.len() == before {
                return Ok(ids);
            }
        }
    }
}

impl Backend for GReader {
    async fn subscriptions(&self) -> Result<Vec<RemoteFeed>, SyncError> {
        let v = self.get_json("subscription/list", &[]).await?;
        let subs = v
            .get("subscriptions")
            .and_then(Value::as_array)
            .ok_or_else(|| shape("subscription/list", "no subscriptions"))?;
        Ok(subs.iter().filter_map(remote_feed).collect())
    }

    async fn item_ids(&self, list: ItemList) -> Result<Vec<i64>, SyncError> {
        let q = match list {
            ItemList::Since(since) => {
                let mut q = vec![("s", READING_LIST.to_string())];
                // `ot` is in seconds of crawl time; a second's overlap is filtered by id.
                if let Some(usec) = since {
                    q.push(("ot", (usec / 1_000_000 - 1).max(0).to_string()));
                }
                q
            }
            ItemList::Unread => vec![("s", READING_LIST.to_string()), ("xt", READ.to_string())],
            ItemList::Starred => vec![("s", STARRED.to_string())],
        };
        self.id_list(q).await
    }

    async fn items(&self, ids: &[i64]) -> Result<Vec<RemoteItem>, SyncError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ITEMS_PER_REQUEST) {
            let form: Vec<(String, String)> =
                chunk.iter().map(|id| ("i".to_string(), id.to_string())).collect();
            let url = self.api("stream/items/contents", &[])?;
            let bytes = self.call(url, Body::Form(form)).await?;
            let v = json(&bytes, "stream/items/contents")?;
            let items = v
                .get("items")
                .and_then(Value::as_array)
                .ok_or_else(|| shape("stream/items/contents", "no items"))?;
            out.extend(items.iter().filter_map(remote_item));
        }
        Ok(out)
    }

    async fn set_flag(&self, ids: &[i64], flag: SyncFlag, on: bool) -> Result<(), SyncError> {
        let tag = match flag {
            SyncFlag::Read => READ,
            SyncFlag::Starred => STARRED,
        };
        for chunk in ids.chunks(ITEMS_PER_REQUEST) {
            let mut form: Vec<(String, String)> =
                chunk.iter().map(|id| ("i".to_string(), id.to_string())).collect();
            form.push((if on { "a" } else { "r" }.to_string(), tag.to_string()));
            let body = self.post("edit-tag", form).await?;
            expect_ok(&body, "edit-tag")?;
        }
        Ok(())
    }

    async fn subscribe(&self, url: &str) -> Result<String, SyncError> {
        let body = self
            .post(
                "subscription/quickadd",
                vec![("quickadd".into(), url.to_string())],
            )
            .await?;
        let v = json(&body, "subscription/quickadd")?;
        v.get("streamId")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                let why = v
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("no streamId in the answer");
                SyncError::Refused(format!(
                    "could not subscribe to {url}: {}",
                    crate::text::sanitize_line(why)
                ))
            })
    }

    async fn unsubscribe(&self, feed: &str) -> Result<(), SyncError> {
        let body = self
            .post(
                "subscription/edit",
                vec![
                    ("ac".into(), "unsubscribe".into()),
                    ("s".into(), feed.to_string()),
                ],
            )
            .await?;
        expect_ok(&body, "subscription/edit")
    }

    fn traffic(&self) -> Traffic {
        Traffic {
            requests: self.requests.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }
}

/// The API path of a URL, for messages (never its query: that may hold ids, not secrets, but
/// is noise).
fn endpoint(url: &Url) -> String {
    let path = url.path();
    path.split_once("/reader/api/0/")
        .map(|(_, p)| p.to_string())
        .or_else(|| path.rsplit_once('/').map(|(_, p)| p.to_string()))
        .unwrap_or_else(|| path.to_string())
}

fn classify(e: &reqwest::Error, timeout: Duration) -> SyncError {
    if e.is_timeout() {
        SyncError::Timeout(timeout)
    } else {
        SyncError::Connect(root_cause(e))
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    crate::text::sanitize_line(&cur.to_string())
}

fn status_error(status: u16, what: &str) -> SyncError {
    SyncError::Status {
        status,
        what: what.to_string(),
    }
}

fn json(bytes: &[u8], what: &str) -> Result<Value, SyncError> {
    serde_json::from_slice(bytes).map_err(|_| SyncError::NotApi {
        what: what.to_string(),
        got: snippet(bytes),
    })
}

fn shape(what: &str, why: &str) -> SyncError {
    SyncError::NotApi {
        what: what.to_string(),
        got: why.to_string(),
    }
}

fn expect_ok(body: &[u8], what: &str) -> Result<(), SyncError> {
    if String::from_utf8_lossy(body).trim() == "OK" {
        Ok(())
    } else {
        Err(SyncError::NotApi {
            what: what.to_string(),
            got: snippet(body),
        })
    }
}

/// What came back instead of the API's answer, in a few words: "an HTML page", or its start.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let t = text.trim_start();
    if t.is_empty() {
        return "an empty answer".into();
    }
    let lower = t.get(..t.len().min(200)).unwrap_or(t).to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.contains("<body") {
        return "an HTML page".into();
    }
    let line: String = crate::text::sanitize_line(t).chars().take(60).collect();
    format!("'{line}'")
}

/// Ids come as decimal strings, numbers, or the long `tag:google.com,2005:reader/item/<hex>`.
fn number_or_string(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => parse_item_id(s),
        _ => None,
    }
}

/// An item id in either form.
pub fn parse_item_id(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.starts_with("tag:") {
        crate::store::parse_item_key(s)
    } else {
        s.parse::<i64>().ok()
    }
}

fn remote_feed(v: &Value) -> Option<RemoteFeed> {
    let id = v.get("id")?.as_str()?.to_string();
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(crate::text::sanitize_line)
    };
    let folders = v
        .get("categories")
        .and_then(Value::as_array)
        .map(|cats| {
            cats.iter()
                .filter_map(|c| {
                    c.get("label")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .or_else(|| {
                            c.get("id")?
                                .as_str()?
                                .rsplit_once("/label/")
                                .map(|(_, l)| l.to_string())
                        })
                })
                .map(|l| crate::text::sanitize_line(&l))
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let url = text("url").filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    Some(RemoteFeed {
        title: text("title").unwrap_or_else(|| url.clone().unwrap_or_else(|| id.clone())),
        id,
        url,
        site_link: text("htmlUrl").filter(|u| u.starts_with("http://") || u.starts_with("https://")),
        folders,
    })
}

/// A number the API sends as a number or as a decimal string.
fn time_field(v: &Value, k: &str) -> Option<i64> {
    v.get(k)
        .and_then(|t| t.as_i64().or_else(|| t.as_str()?.trim().parse().ok()))
}

fn remote_item(v: &Value) -> Option<RemoteItem> {
    let id = parse_item_id(v.get("id")?.as_str()?)?;
    let feed = v.get("origin")?.get("streamId")?.as_str()?.to_string();
    let link = ["canonical", "alternate"].iter().find_map(|k| {
        v.get(*k)?
            .as_array()?
            .iter()
            .filter_map(|l| l.get("href")?.as_str())
            .map(crate::text::sanitize_line)
            .find(|h| h.starts_with("http://") || h.starts_with("https://"))
    });
    let html = |k: &str| {
        v.get(k)?
            .get("content")?
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(crate::text::sanitize_text)
    };
    let time = |k: &str, scale: i64| chrono::DateTime::from_timestamp(time_field(v, k)? / scale, 0);
    let title = v
        .get("title")
        .and_then(Value::as_str)
        .map(crate::feed::title_line)
        .unwrap_or_default();
    let author = v
        .get("author")
        .and_then(Value::as_str)
        .map(crate::text::sanitize_line)
        .filter(|a| !a.is_empty());
    let crawled_usec =
        time_field(v, "timestampUsec").or_else(|| time_field(v, "crawlTimeMsec").map(|ms| ms * 1000));
    Some(RemoteItem {
        id,
        feed,
        crawled_usec,
        article: NewArticle {
            key: crate::store::item_key(id),
            title,
            author,
            link,
            published: time("published", 1).or_else(|| time("timestampUsec", 1_000_000)),
            updated: time("updated", 1),
            summary: html("summary").filter(|_| v.get("content").is_some()),
            content: html("content").or_else(|| html("summary")),
            enclosures: Vec::new(),
            comments: None,
            categories: Vec::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_are_read_in_both_forms() {
        assert_eq!(parse_item_id("1796285559552294"), Some(1_796_285_559_552_294));
        assert_eq!(
            parse_item_id("tag:google.com,2005:reader/item/000661b652b13926"),
            Some(0x000661b652b13926)
        );
        assert_eq!(
            parse_item_id("tag:google.com,2005:reader/item/ffffffffffffffff"),
            Some(-1)
        );
        assert_eq!(parse_item_id("nope"), None);
        assert_eq!(
            crate::store::item_key(0x000661b652b13926),
            "tag:google.com,2005:reader/item/000661b652b13926"
        );
    }

    #[test]
    fn an_item_is_read_as_an_article_with_clean_text_and_only_web_links() {
        let v: Value = serde_json::from_str(
            r#"{"id":"tag:google.com,2005:reader/item/000000000000000a","published":1704276000,
                "title":"Fish &amp; chips \u001b[31m","author":"Ann\u0007",
                "canonical":[{"href":"javascript:alert(1)"}],"alternate":[{"href":"https://e.org/a"}],
                "origin":{"streamId":"feed/3"},"summary":{"content":"<p>body\u001b]52;x</p>"}}"#,
        )
        .expect("json");
        let item = remote_item(&v).expect("item");
        assert_eq!((item.id, item.feed.as_str()), (10, "feed/3"));
        assert_eq!(item.article.title, "Fish & chips");
        assert_eq!(item.article.author.as_deref(), Some("Ann"));
        assert_eq!(item.article.link.as_deref(), Some("https://e.org/a"));
        assert!(!item.article.content.unwrap_or_default().contains('\u{1b}'));
        assert_eq!(item.article.published.map(|t| t.timestamp()), Some(1_704_276_000));
    }

    #[test]
    fn a_subscription_keeps_its_folders() {
        let v: Value = serde_json::from_str(
            r#"{"id":"feed/1","title":"T","url":"http://h/f.xml","htmlUrl":"http://h/",
                "categories":[{"id":"user/-/label/Tech","label":"Tech"},{"id":"user/-/label/News"}]}"#,
        )
        .expect("json");
        let f = remote_feed(&v).expect("feed");
        assert_eq!(f.folders, vec!["Tech", "News"]);
        assert_eq!(f.url.as_deref(), Some("http://h/f.xml"));
    }

    #[test]
    fn what_came_back_instead_of_json_is_named() {
        assert_eq!(
            snippet(b"<!DOCTYPE html><html><body>login</body></html>"),
            "an HTML page"
        );
        assert_eq!(snippet(b""), "an empty answer");
        assert_eq!(snippet(b"Error=BadAuthentication"), "'Error=BadAuthentication'");
    }
}
