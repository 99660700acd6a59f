//! Messages into the UI model and effects out of it. Reports are past tense, requests
//! imperative; replies carry the ids or generation needed to drop stale results.

use crate::app::keymap::KeyChord;
use crate::model::{ArticleBody, ArticleId, ArticleSummary, FeedId, Query};
use crate::poller::PollEvent;

/// Everything that can change the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyChord),
    Resize {
        width: u16,
        height: u16,
    },
    Poll(PollEvent),
    /// A report from the sync task.
    Sync(crate::sync::worker::SyncEvent),
    Store(StoreReply),
    /// A link could not be opened (or the opener reported something).
    OpenFailed(String),
    /// How the background downloads go.
    Download(crate::download::DownloadEvent),
    /// An article's image is ready to draw at `cols` columns, or cannot be shown.
    Image {
        id: ArticleId,
        url: String,
        cols: u16,
        result: Result<crate::images::Picture, String>,
    },
    /// The config file changed and is valid: the new feeds, keys and settings.
    ConfigReloaded {
        feeds: Vec<super::FeedInfo>,
        keymap: super::keymap::Keymap,
        settings: super::AppSettings,
    },
    /// The config file changed but is broken; the previous config stays in force.
    ConfigRejected(String),
    /// Another process (or connection) changed the store: counts and the view may be stale.
    StoreChanged,
    /// A feed management command finished (add, apply redirect): what to tell the user.
    Notice {
        message: String,
        error: bool,
    },
}

/// Answers from the store to earlier effects.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreReply {
    Window {
        generation: u64,
        offset: usize,
        rows: Vec<ArticleSummary>,
        total: usize,
        /// Where the article asked to keep selected now is, if it is still in the view.
        kept_at: Option<usize>,
    },
    Body {
        id: ArticleId,
        body: Option<Box<ArticleBody>>,
    },
    Counts {
        /// The model's write epoch when the counts were asked for.
        epoch: u64,
        unread: Vec<(FeedId, u64)>,
        starred: u64,
        errors: Vec<(FeedId, String)>,
        /// Feed titles from the feeds themselves.
        titles: Vec<(FeedId, String)>,
        /// Unread per saved view.
        views: Vec<u64>,
    },
    /// What a rule being typed matches, or why it cannot.
    Preview {
        generation: u64,
        result: super::modes::PreviewResult,
    },
    MarkedAll {
        ids: Vec<ArticleId>,
    },
    MarkAllFailed {
        error: String,
    },
    /// A marking was committed.
    Written {
        change: Change,
    },
    /// An undo was committed.
    Undone {
        change: Change,
    },
    /// Per-feed health for the health view, and the rules with their recent matches.
    Health(Vec<crate::model::FeedState>, Vec<crate::store::RuleCount>),
    /// The download queue; `queued` when it answers a `D` (how many were added).
    Downloads {
        jobs: Vec<crate::store::DownloadJob>,
        queued: Option<usize>,
    },
    /// The extracted full article (already cached in the store), or why there is none.
    FullText {
        id: ArticleId,
        result: Result<String, String>,
    },
    /// A write failed: the model reverts `change` and shows `error`.
    WriteFailed {
        error: String,
        change: Change,
    },
}

/// A state change on articles, as applied and as undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub ids: Vec<ArticleId>,
    pub field: Field,
    /// The value written.
    pub value: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Read,
    Starred,
}

/// Where a headline window should be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Around {
    Offset(usize),
    /// Keep this article selected; fall back to the offset if it left the view.
    Article(ArticleId, usize),
}

/// Requests to the outside world, carried out by the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadWindow {
        generation: u64,
        query: Query,
        around: Around,
        limit: usize,
    },
    LoadBody(ArticleId),
    /// Unread and starred counts; `epoch` tells a reply that raced a write from a current one.
    LoadCounts {
        epoch: u64,
        /// The saved views' queries, whose unread articles are counted too.
        views: Vec<String>,
    },
    /// How many articles a rule being typed matches, and the first of them.
    PreviewRule {
        generation: u64,
        query: String,
    },
    Write(Change),
    /// Write the reverse of an earlier change; reported as undone once committed.
    Undo(Change),
    MarkAllRead(Query),
    OpenUrl {
        url: String,
        browser: Option<Vec<String>>,
    },
    /// Start a program (a player) detached: argv, never a shell line.
    Spawn(Vec<String>),
    /// Fetch, decode and encode an article's images for `cols` × at most `max_rows` cells.
    FetchImages {
        id: ArticleId,
        urls: Vec<String>,
        cols: u16,
        max_rows: u16,
    },
    /// Queue the article's enclosures for download and wake the downloader.
    QueueDownload(ArticleId),
    /// Load the download queue for its view.
    LoadDownloads,
    /// Wake the downloader (new articles: `auto_download` feeds may have new episodes).
    NudgeDownloads,
    /// Fetch the article's page, extract the article and cache it.
    FetchFullText {
        id: ArticleId,
        link: String,
    },
    Refresh(Option<FeedId>),
    LoadHealth,
    /// Add a feed by URL or page (autodiscovery) to the config.
    AddFeed(String),
    /// Replace a feed's URL in the config with its permanent redirect target.
    ApplyRedirect {
        from: String,
        to: String,
    },
    /// Stop the process like a shell's ctrl-z, terminal restored meanwhile.
    Suspend,
    Quit,
}
