//! Plain domain types shared by the store, the poller, the UI model and the commands.
//!
//! Nothing here does I/O; these are the owned values that travel over channels.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Row id of a feed in the store. Stable for a feed URL for the life of the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FeedId(pub i64);

/// Row id of an article in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArticleId(pub i64);

impl std::fmt::Display for ArticleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An enclosure (podcast audio, video, image attachment). Stored as JSON in the article's
/// body row, so fields added later are optional there.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Enclosure {
    pub url: String,
    pub mime: Option<String>,
    /// Size in bytes, as the feed states it.
    pub length: Option<u64>,
    /// Running time in seconds (`itunes:duration`, `media:content duration`, JSON Feed
    /// `duration_in_seconds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// Its own title, when the feed gives one (JSON Feed attachments, `media:title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One article as produced by the parser, ready to be upserted.
///
/// `key` is the stable identity within its feed (see `feed::parse::entry_key`): re-ingesting the
/// same key updates content but never read or starred state.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    pub key: String,
    pub title: String,
    pub author: Option<String>,
    pub link: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub summary: Option<String>,
    pub content: Option<String>,
    pub enclosures: Vec<Enclosure>,
    /// The item's own categories (RSS `category`, Atom `category`, `dc:subject`, JSON `tags`).
    pub categories: Vec<String>,
    /// The discussion page (RSS `comments`, Atom `link rel="replies"` to HTML): shown as its
    /// own link, never taken for the article's.
    pub comments: Option<String>,
}

/// Feed-level metadata from a parse.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedMeta {
    pub title: Option<String>,
    pub site_link: Option<String>,
}

/// A headline: everything the lists need and nothing more (no bodies).
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleSummary {
    pub id: ArticleId,
    pub feed_id: FeedId,
    pub title: String,
    pub link: Option<String>,
    pub author: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub read: bool,
    pub starred: bool,
    /// The rule that hid it, when the view shows hidden articles.
    pub hidden_by: Option<String>,
}

/// One article with its bodies, loaded only when it is opened.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleBody {
    pub summary: ArticleSummary,
    pub feed_url: String,
    pub feed_title: Option<String>,
    pub updated: Option<DateTime<Utc>>,
    pub summary_html: Option<String>,
    pub content_html: Option<String>,
    /// Full-article HTML extracted from the article's page and cached.
    pub full_html: Option<String>,
    pub enclosures: Vec<Enclosure>,
    /// The discussion page, when the feed names one.
    pub comments: Option<String>,
    /// The rules that acted on it: (rule name, action).
    pub rules: Vec<(String, String)>,
}

/// The state of a feed as the store knows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedState {
    pub id: FeedId,
    pub url: String,
    pub title: Option<String>,
    pub site_link: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetch: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub failing_since: Option<DateTime<Utc>>,
    pub consecutive_failures: u32,
    pub redirect_url: Option<String>,
    pub next_attempt: Option<DateTime<Utc>>,
    pub unread: u64,
    pub total: u64,
    pub newest: Option<DateTime<Utc>>,
    /// Articles published in the last 28 days, for "articles per week".
    pub recent: u64,
    /// The sync account the feed comes from; `None` for the config's own feeds.
    pub account: Option<String>,
}

/// Which feeds a view covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every feed in the config.
    #[default]
    All,
    /// These feeds (one feed, or the feeds of a tag).
    Feeds(Vec<FeedId>),
}

/// A view over articles: scope plus filters. Newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub scope: Scope,
    pub unread_only: bool,
    pub starred_only: bool,
    /// Words to find in titles and bodies (full-text, prefix match per word).
    pub search: Option<String>,
    /// Include articles a rule hid.
    pub show_hidden: bool,
    /// A saved view's query, which holds as well as `search`.
    pub view: Option<String>,
}

/// A feed with no new article for longer than this is flagged stale.
pub const STALE_AFTER_DAYS: i64 = 90;

/// "3d ago", "5h ago", "12m ago" or "never".
pub fn ago(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(t) = t else { return "never".into() };
    let d = now - t;
    if d.num_days() >= 1 {
        format!("{}d ago", d.num_days())
    } else if d.num_hours() >= 1 {
        format!("{}h ago", d.num_hours())
    } else {
        format!("{}m ago", d.num_minutes().max(0))
    }
}

impl FeedState {
    /// A short status ("ok", "ok (not modified)", "failing since 2d ago: HTTP 500") and whether
    /// the feed is failing. The error text is stored sanitised.
    pub fn health(&self, now: DateTime<Utc>) -> (String, bool) {
        match (&self.last_error, self.last_status, self.last_fetch) {
            (Some(e), _, _) => (
                format!("failing since {}: {e}", ago(self.failing_since, now)),
                true,
            ),
            (None, Some(304), _) => ("ok (not modified)".into(), false),
            (None, _, Some(_)) => ("ok".into(), false),
            (None, _, None) => ("never fetched".into(), false),
        }
    }

    /// One line with everything the health views show: status, last success, HTTP status,
    /// articles per week, newest article, permanent redirect.
    pub fn health_line(&self, now: DateTime<Utc>) -> String {
        let (status, _) = self.health(now);
        let mut line = format!(
            "{status} · last ok {} · HTTP {} · {:.1}/week · newest {}",
            ago(self.last_success, now),
            self.last_status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into()),
            self.recent as f64 / 4.0,
            self.newest
                .map(|n| n.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "-".into()),
        );
        if let Some(r) = &self.redirect_url {
            line.push_str(&format!(
                " · moved permanently to {}",
                crate::text::display_url(r)
            ));
        }
        line
    }

    /// No new article for more than [`STALE_AFTER_DAYS`].
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        self.newest
            .is_some_and(|n| (now - n).num_days() > STALE_AFTER_DAYS)
    }
}

/// A subscription on a sync server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFeed {
    /// The server's stream id (`feed/12`).
    pub id: String,
    pub title: String,
    /// The feed's own URL, where the server knows it.
    pub url: Option<String>,
    pub site_link: Option<String>,
    /// The server's folders, shown as tags.
    pub folders: Vec<String>,
}

/// A state a sync server keeps per item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncFlag {
    Read,
    Starred,
}

impl SyncFlag {
    /// The store's spelling (the outbox's `flag` column and the article column).
    pub fn column(self) -> &'static str {
        match self {
            SyncFlag::Read => "read",
            SyncFlag::Starred => "starred",
        }
    }
}

/// A local mark waiting to reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub remote_id: i64,
    pub flag: SyncFlag,
    pub value: bool,
}

/// What the store knows of a sync account.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AccountState {
    pub name: String,
    /// When the server crawled the newest item stored (microseconds): the next pull asks
    /// for items crawled since.
    pub newest_crawl_usec: Option<i64>,
    pub last_sync: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub failing_since: Option<DateTime<Utc>>,
    /// Marks still waiting in the outbox.
    pub pending: u64,
    pub feeds: u64,
}

impl AccountState {
    /// One line for the health view and `tidings sync`: status, last success, marks waiting.
    pub fn health_line(&self, now: DateTime<Utc>) -> String {
        let status = match (&self.last_error, self.last_success) {
            (Some(e), _) => format!("failing since {}: {e}", ago(self.failing_since, now)),
            (None, Some(_)) => "ok".to_string(),
            (None, None) => "never synced".to_string(),
        };
        format!(
            "{status} · last ok {} · {} feeds · {} marks waiting",
            ago(self.last_success, now),
            self.feeds,
            self.pending
        )
    }
}
