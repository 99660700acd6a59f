//! The UI model: everything the screen shows, changed only by [`App::update`], which is pure
//! and synchronous and returns [`Effect`]s for the event loop to carry out. Tested without a
//! terminal.

mod article;
mod downloads;
pub mod keymap;
mod marking;
pub mod modes;
pub mod msg;
mod replies;
mod sync;

use std::collections::HashMap;

use keymap::{Action, Key, KeyChord, Keymap};
pub use msg::{Around, Change, Effect, Field, Msg, StoreReply};
pub use sync::AccountStatus;

use crate::config::FeedOrder;
use crate::model::{ArticleBody, ArticleId, ArticleSummary, FeedId, Query, Scope};
use crate::poller::PollEvent;
use crate::text::RenderedArticle;

/// How many headlines one window query loads.
pub const WINDOW: usize = 200;

/// A configured feed as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedInfo {
    pub id: FeedId,
    pub name: String,
    pub tags: Vec<String>,
    /// The name came from the config; otherwise the feed's own title may replace it.
    pub named: bool,
    /// Always show the extracted full article (`full_text = true`).
    pub full_text: bool,
    /// The sync account the feed comes from; `None` for the config's own feeds.
    pub account: Option<String>,
}

/// What a feed-list entry shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    AllUnread,
    Starred,
    /// A saved view (`[[view]]`), by its place in the config.
    View(usize),
    Tag(String),
    Feed(FeedId),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub source: Source,
    pub label: String,
    pub unread: u64,
    pub error: Option<String>,
    /// The tag a feed is grouped under (shown dimmed).
    pub group: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Feeds,
    Headlines,
    Article,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a search; `previous` is restored on Esc.
    Search {
        input: String,
        previous: Option<String>,
    },
    Help,
    /// The feed health table, with a selected row.
    Health {
        selected: usize,
    },
    /// Typing a rule's query: how many articles it matches and the first of them, live.
    RulePreview(modes::RulePreview),
    /// Typing the URL of a feed (or page) to add.
    AddFeed {
        input: String,
    },
    /// Choosing which of the open article's enclosures to play.
    Enclosures {
        selected: usize,
    },
    /// The download queue: waiting, done (with the file), failed (with why).
    Downloads,
}

/// What to select when the next window arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Nothing,
    FirstUnread,
    /// Select the first unread and open it (`n` pressed in the article pane).
    OpenFirstUnread,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Headlines {
    pub generation: u64,
    pub query: Query,
    pub offset: usize,
    pub rows: Vec<ArticleSummary>,
    pub total: usize,
    pub selected: usize,
    pub scroll: usize,
    pub loading: bool,
    pending: Pending,
    /// The user has moved the cursor in this view; until then new articles keep it at the top.
    touched: bool,
}

impl Headlines {
    /// The row at an absolute index, if it is loaded.
    pub fn row(&self, index: usize) -> Option<&ArticleSummary> {
        index.checked_sub(self.offset).and_then(|i| self.rows.get(i))
    }
    pub fn selected_row(&self) -> Option<&ArticleSummary> {
        self.row(self.selected)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArticleView {
    pub id: ArticleId,
    pub body: Option<Box<ArticleBody>>,
    pub rendered: Option<RenderedArticle>,
    pub scroll: usize,
    /// The width the text was laid out for.
    pub width: usize,
    /// Show the extracted full article rather than the feed's text.
    pub use_full: bool,
    /// A one-line note under the header (full text loading or unavailable).
    pub note: Option<String>,
    /// The article's pictures by URL, encoded for `width` columns.
    pub images: HashMap<String, crate::images::ImageState>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    pub error: Option<String>,
    pub message: Option<String>,
    pub progress: Option<(usize, usize)>,
    /// The download under way: its name and how far (percent, when the size is known).
    pub download: Option<(String, Option<u8>)>,
}

/// Settings the model needs.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    pub mark_read_on_open: bool,
    pub article_width: u16,
    /// The browser command (argv) for `o` and links; `None` uses `$BROWSER` or the system's.
    pub browser: Option<Vec<String>>,
    pub theme: crate::config::Theme,
    pub feed_order: FeedOrder,
    pub dates: crate::text::dates::DateStyle,
    /// Saved views, listed under Starred.
    pub views: Vec<crate::config::rule::ViewSpec>,
    /// Programs for enclosures by MIME type (`[players]`).
    pub players: Vec<crate::config::players::Player>,
}

#[derive(Debug, Clone)]
pub struct App {
    pub feeds: Vec<FeedInfo>,
    pub entries: Vec<Entry>,
    pub feed_selected: usize,
    pub headlines: Headlines,
    pub article: Option<ArticleView>,
    pub focus: Focus,
    pub mode: Mode,
    pub unread_only: bool,
    /// Articles hidden by rules are listed too (dimmed, with the rule that hid them).
    pub show_hidden: bool,
    pub status: Status,
    pub undo: Vec<Change>,
    pub keymap: Keymap,
    pub settings: AppSettings,
    pub size: (u16, u16),
    pub unread: HashMap<FeedId, u64>,
    pub errors: HashMap<FeedId, String>,
    pub starred: u64,
    /// Rows of the health view, loaded when it opens.
    pub health: Vec<crate::model::FeedState>,
    /// The download queue, as last loaded for its view.
    pub downloads: Vec<crate::store::DownloadJob>,
    /// Unread articles per saved view, in config order.
    pub view_unread: Vec<u64>,
    /// The rules with what they matched lately, for the health view.
    pub rule_counts: Vec<crate::store::RuleCount>,
    /// The sync accounts as their last sync left them.
    pub accounts: Vec<AccountStatus>,
    /// Writes in flight, so counts read before they commit are not shown.
    pub writes: Writes,
    /// Pictures are drawn in articles: the terminal's cell size in pixels, as detected at
    /// start (`images = "auto"`); `None` keeps images as their captions.
    pub graphics: Option<(u16, u16)>,
    pub quit: bool,
}

/// Bookkeeping of marks sent to the store and not yet answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Writes {
    pub in_flight: usize,
    /// Bumped when a write starts or ends; counts asked at another epoch may have raced one.
    pub epoch: u64,
    /// Counts arrived while writes were in flight: ask again when they settle.
    pub counts_stale: bool,
}

/// Rows of the headline list that fit a terminal of `height` (borders and status line off).
pub fn list_height(height: u16) -> usize {
    height.saturating_sub(3).max(1) as usize
}

/// Lines of article text that fit.
pub fn article_height(height: u16) -> usize {
    height.saturating_sub(3).max(1) as usize
}

/// The width article text is laid out at for a terminal `width` wide.
pub fn article_width(settings: &AppSettings, width: u16) -> usize {
    (settings.article_width as usize)
        .min(width.saturating_sub(4) as usize)
        .max(20)
}

impl App {
    /// A model for these feeds; returns it with the effects that load the first screen.
    pub fn new(
        feeds: Vec<FeedInfo>,
        keymap: Keymap,
        settings: AppSettings,
        size: (u16, u16),
    ) -> (App, Vec<Effect>) {
        let mut app = App {
            feeds,
            entries: Vec::new(),
            feed_selected: 0,
            headlines: Headlines {
                generation: 0,
                query: Query::default(),
                offset: 0,
                rows: Vec::new(),
                total: 0,
                selected: 0,
                scroll: 0,
                loading: false,
                pending: Pending::Nothing,
                touched: false,
            },
            article: None,
            focus: Focus::Feeds,
            mode: Mode::Normal,
            unread_only: false,
            show_hidden: false,
            status: Status::default(),
            undo: Vec::new(),
            keymap,
            settings,
            size,
            unread: HashMap::new(),
            errors: HashMap::new(),
            starred: 0,
            health: Vec::new(),
            downloads: Vec::new(),
            view_unread: Vec::new(),
            rule_counts: Vec::new(),
            accounts: Vec::new(),
            writes: Writes::default(),
            graphics: None,
            quit: false,
        };
        app.rebuild_entries();
        // The window first: it is what the first frame is waiting for.
        let mut fx = app.change_view();
        fx.push(app.load_counts());
        (app, fx)
    }

    /// The single entry point: apply a message, return what must happen outside.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(k) => self.on_key(k),
            Msg::Resize { width, height } => {
                self.size = (width, height);
                self.keep_visible();
                self.relayout_article()
            }
            Msg::Image {
                id,
                url,
                cols,
                result,
            } => self.on_image(id, url, cols, result),
            Msg::Poll(ev) => self.on_poll(ev),
            Msg::Sync(ev) => self.on_sync(ev),
            Msg::Download(ev) => self.on_download(ev),
            Msg::Store(reply) => self.on_store(reply),
            Msg::OpenFailed(e) => {
                self.status.error = Some(e);
                Vec::new()
            }
            Msg::ConfigReloaded {
                feeds,
                keymap,
                settings,
            } => {
                self.keymap = keymap;
                self.settings = settings;
                self.status.error = None;
                self.status.message = Some("config reloaded".into());
                let mut fx = self.set_feeds(feeds);
                if matches!(self.mode, Mode::Health { .. }) {
                    fx.push(Effect::LoadHealth);
                }
                fx
            }
            // Another process changed the store: counts and the visible window are reloaded,
            // keeping the selected article selected.
            Msg::StoreChanged => {
                let mut fx = vec![self.load_counts()];
                if !self.headlines.loading {
                    fx.extend(self.reload_keeping_selection());
                }
                fx
            }
            Msg::ConfigRejected(e) => {
                self.status.error = Some(format!("config rejected (old one kept): {e}"));
                Vec::new()
            }
            Msg::Notice { message, error } => {
                if error {
                    self.status.error = Some(message);
                } else {
                    self.status.error = None;
                    self.status.message = Some(message);
                }
                Vec::new()
            }
        }
    }

    // ----- keys -------------------------------------------------------------------------

    fn on_key(&mut self, k: KeyChord) -> Vec<Effect> {
        match self.mode.clone() {
            Mode::Search { input, previous } => return self.on_search_key(k, input, previous),
            Mode::Help => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            Mode::Health { selected } => return self.on_health_key(k, selected),
            Mode::AddFeed { input } => return self.on_add_key(k, input),
            Mode::RulePreview(p) => return self.on_rule_key(k, p),
            Mode::Enclosures { selected } => return self.on_enclosure_key(k, selected),
            Mode::Downloads => {
                // Any key closes it; the queue goes on in the background.
                self.mode = Mode::Normal;
                return Vec::new();
            }
            Mode::Normal => {}
        }
        // A key press is the user moving on: last action's message and error make way.
        self.status.message = None;
        self.status.error = None;
        if self.focus == Focus::Article
            && let Key::Char(c @ '1'..='9') = k.key
        {
            return self.open_link(c as usize - '0' as usize);
        }
        match self.keymap.action(k) {
            Some(a) => self.on_action(a),
            None => Vec::new(),
        }
    }

    fn on_action(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::Help => {
                self.mode = Mode::Help;
                Vec::new()
            }
            Action::Quit => self.quit(),
            Action::Suspend => vec![Effect::Suspend],
            Action::Search => {
                self.mode = Mode::Search {
                    input: String::new(),
                    previous: self.headlines.query.search.clone(),
                };
                Vec::new()
            }
            Action::RefreshAll => vec![Effect::Refresh(None)],
            Action::Download => {
                let id = match (&self.focus, &self.article) {
                    (Focus::Article, Some(v)) => Some(v.id),
                    _ => self.headlines.selected_row().map(|r| r.id),
                };
                match id {
                    Some(id) => vec![Effect::QueueDownload(id)],
                    None => {
                        self.status.error = Some("no article to download from".into());
                        Vec::new()
                    }
                }
            }
            Action::ShowDownloads => {
                self.mode = Mode::Downloads;
                vec![Effect::LoadDownloads]
            }
            Action::Health => {
                self.mode = Mode::Health { selected: 0 };
                vec![Effect::LoadHealth]
            }
            Action::AddFeed => {
                self.mode = Mode::AddFeed { input: String::new() };
                Vec::new()
            }
            Action::RefreshFeed => match self.current_source() {
                Some(Source::Feed(id)) => vec![Effect::Refresh(Some(id))],
                _ => match self.headlines.selected_row() {
                    Some(r) => vec![Effect::Refresh(Some(r.feed_id))],
                    None => vec![Effect::Refresh(None)],
                },
            },
            Action::ToggleHidden => {
                self.show_hidden = !self.show_hidden;
                self.status.message = Some(
                    if self.show_hidden {
                        "showing articles hidden by rules too (dimmed)"
                    } else {
                        "hiding what rules hide"
                    }
                    .into(),
                );
                self.change_view()
            }
            Action::RulePreview => {
                self.mode = Mode::RulePreview(modes::RulePreview::default());
                Vec::new()
            }
            Action::ToggleUnreadOnly => {
                self.unread_only = !self.unread_only;
                self.status.message = Some(
                    if self.unread_only {
                        "showing unread only"
                    } else {
                        "showing all articles"
                    }
                    .into(),
                );
                self.change_view()
            }
            Action::Undo => self.undo(),
            Action::Back => self.back(),
            _ => match self.focus {
                Focus::Feeds => self.feeds_action(a),
                Focus::Headlines => self.headlines_action(a),
                Focus::Article => self.article_action(a),
            },
        }
    }

    pub(super) fn quit(&mut self) -> Vec<Effect> {
        self.quit = true;
        vec![Effect::Quit]
    }

    fn back(&mut self) -> Vec<Effect> {
        match self.focus {
            Focus::Article => {
                self.article = None;
                self.focus = Focus::Headlines;
                Vec::new()
            }
            Focus::Headlines if self.headlines.query.search.is_some() => {
                self.headlines.query.search = None;
                self.change_view()
            }
            Focus::Headlines => {
                self.focus = Focus::Feeds;
                Vec::new()
            }
            Focus::Feeds => self.quit(),
        }
    }

    fn feeds_action(&mut self, a: Action) -> Vec<Effect> {
        let n = self.entries.len();
        let page = list_height(self.size.1);
        let before = self.feed_selected;
        match a {
            Action::Down => self.feed_selected = (self.feed_selected + 1).min(n.saturating_sub(1)),
            Action::Up => self.feed_selected = self.feed_selected.saturating_sub(1),
            Action::Top => self.feed_selected = 0,
            Action::Bottom => self.feed_selected = n.saturating_sub(1),
            Action::PageDown => self.feed_selected = (self.feed_selected + page).min(n.saturating_sub(1)),
            Action::PageUp => self.feed_selected = self.feed_selected.saturating_sub(page),
            Action::Open | Action::FocusRight | Action::NextPane => {
                self.focus = Focus::Headlines;
                return Vec::new();
            }
            Action::NextUnread | Action::MarkReadAndNext => return self.next_unread(true),
            Action::PrevUnread => return self.next_unread(false),
            Action::MarkAllRead => return self.mark_all_read(),
            _ => return Vec::new(),
        }
        if self.feed_selected != before {
            self.change_view()
        } else {
            Vec::new()
        }
    }

    fn headlines_action(&mut self, a: Action) -> Vec<Effect> {
        let page = list_height(self.size.1);
        let last = self.headlines.total.saturating_sub(1);
        let sel = self.headlines.selected;
        match a {
            Action::Down => self.select(sel + 1),
            Action::Up => self.select(sel.saturating_sub(1)),
            Action::Top => self.select(0),
            Action::Bottom => self.select(last),
            Action::PageDown => self.select((sel + page).min(last)),
            Action::PageUp => self.select(sel.saturating_sub(page)),
            Action::FocusLeft => {
                self.focus = Focus::Feeds;
                Vec::new()
            }
            Action::NextPane => {
                self.focus = if self.article.is_some() {
                    Focus::Article
                } else {
                    Focus::Feeds
                };
                Vec::new()
            }
            Action::Open | Action::FocusRight => self.open_selected(),
            Action::ToggleRead => self.toggle(Field::Read),
            Action::ToggleStar => self.toggle(Field::Starred),
            Action::MarkAllRead => self.mark_all_read(),
            Action::NextUnread => self.next_unread(true),
            Action::PrevUnread => self.next_unread(false),
            Action::MarkReadAndNext => {
                let mut fx = self.set_selected(Field::Read, true);
                fx.extend(self.next_unread(true));
                fx
            }
            Action::OpenInBrowser => self.open_in_browser(),
            _ => Vec::new(),
        }
    }

    // ----- views ------------------------------------------------------------------------

    /// The source of the selected feed-list entry.
    pub fn current_source(&self) -> Option<Source> {
        self.entries.get(self.feed_selected).map(|e| e.source.clone())
    }

    /// The query of a feed-list entry; a search covers every article, whatever is selected.
    pub(super) fn query_for(&self, source: &Source) -> Query {
        if let Some(search) = &self.headlines.query.search {
            return Query {
                search: Some(search.clone()),
                show_hidden: self.show_hidden,
                ..Query::default()
            };
        }
        let (scope, unread_only, starred_only) = match source {
            Source::AllUnread => (Scope::All, true, false),
            Source::Starred => (Scope::All, false, true),
            Source::View(_) => (Scope::All, self.unread_only, false),
            Source::Tag(t) => (
                Scope::Feeds(
                    self.feeds
                        .iter()
                        .filter(|f| f.tags.contains(t))
                        .map(|f| f.id)
                        .collect(),
                ),
                self.unread_only,
                false,
            ),
            Source::Feed(id) => (Scope::Feeds(vec![*id]), self.unread_only, false),
        };
        Query {
            scope,
            unread_only,
            starred_only,
            search: self.headlines.query.search.clone(),
            show_hidden: self.show_hidden,
            view: match source {
                Source::View(i) => self.settings.views.get(*i).map(|v| v.query.clone()),
                _ => None,
            },
        }
    }

    /// Points the headline pane at the selected entry's view, from the top.
    pub(super) fn change_view(&mut self) -> Vec<Effect> {
        let source = self.current_source().unwrap_or(Source::AllUnread);
        self.headlines.query = self.query_for(&source);
        self.reload(Around::Offset(0), true)
    }

    /// Requests a window of the current query. A `fresh` view drops the old rows and bumps the
    /// generation so late replies for the old view are ignored.
    pub(super) fn reload(&mut self, around: Around, fresh: bool) -> Vec<Effect> {
        let h = &mut self.headlines;
        if fresh {
            h.generation += 1;
            h.rows.clear();
            h.offset = 0;
            h.total = 0;
            h.selected = 0;
            h.scroll = 0;
            h.touched = false;
        }
        h.loading = true;
        vec![Effect::LoadWindow {
            generation: h.generation,
            query: h.query.clone(),
            around,
            limit: WINDOW,
        }]
    }

    pub(super) fn select(&mut self, index: usize) -> Vec<Effect> {
        let h = &mut self.headlines;
        if h.total == 0 {
            return Vec::new();
        }
        h.selected = index.min(h.total - 1);
        h.touched = true;
        self.keep_visible();
        let h = &self.headlines;
        let loaded = h.selected >= h.offset && h.selected < h.offset + h.rows.len();
        if !loaded && !h.loading {
            let offset = h.selected.saturating_sub(WINDOW / 2);
            return self.reload(Around::Offset(offset), false);
        }
        Vec::new()
    }

    pub(super) fn keep_visible(&mut self) {
        let rows = list_height(self.size.1);
        let h = &mut self.headlines;
        if h.selected < h.scroll {
            h.scroll = h.selected;
        } else if h.selected >= h.scroll + rows {
            h.scroll = h.selected + 1 - rows;
        }
    }

    pub(super) fn open_selected(&mut self) -> Vec<Effect> {
        let Some(row) = self.headlines.selected_row().cloned() else {
            return Vec::new();
        };
        self.focus = Focus::Article;
        let width = article_width(&self.settings, self.size.0);
        self.article = Some(ArticleView {
            id: row.id,
            body: None,
            rendered: None,
            scroll: 0,
            width,
            use_full: false,
            note: None,
            images: HashMap::new(),
        });
        let mut fx = vec![Effect::LoadBody(row.id)];
        if self.settings.mark_read_on_open && !row.read {
            fx.extend(self.set_selected(Field::Read, true));
        }
        fx
    }

    // ----- unread navigation --------------------------------------------------------------

    /// Next (or previous) unread headline in the loaded window; past its end, the next feed
    /// with unread articles.
    pub(super) fn next_unread(&mut self, forward: bool) -> Vec<Effect> {
        let h = &self.headlines;
        let found = if forward {
            (h.selected + 1..h.offset + h.rows.len()).find(|&i| h.row(i).is_some_and(|r| !r.read))
        } else {
            (h.offset..h.selected)
                .rev()
                .find(|&i| h.row(i).is_some_and(|r| !r.read))
        };
        if let Some(i) = found {
            if self.focus == Focus::Feeds {
                self.focus = Focus::Headlines;
            }
            return self.select(i);
        }
        let first_feed = self
            .entries
            .iter()
            .position(|e| matches!(e.source, Source::Feed(_)))
            .unwrap_or(0);
        let n = self.entries.len();
        let order: Vec<usize> = if forward {
            (1..=n).map(|d| (self.feed_selected + d) % n).collect()
        } else {
            (1..=n).map(|d| (self.feed_selected + n - d) % n).collect()
        };
        let target = order.into_iter().find(|&i| {
            i >= first_feed && matches!(self.entries[i].source, Source::Feed(_)) && self.entries[i].unread > 0
        });
        match target {
            Some(i) if i != self.feed_selected || self.headlines.rows.iter().any(|r| !r.read) => {
                self.feed_selected = i;
                self.focus = Focus::Headlines;
                let mut fx = self.change_view();
                self.headlines.pending = Pending::FirstUnread;
                fx.push(self.load_counts());
                fx
            }
            _ => {
                self.status.message = Some("no more unread articles".into());
                Vec::new()
            }
        }
    }

    pub fn feed_name(&self, id: FeedId) -> String {
        self.feeds
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    }

    /// Recomputes the feed list: virtual entries, tags, then feeds grouped by their first tag.
    pub fn rebuild_entries(&mut self) {
        let selected = self.current_source();
        let total_unread: u64 = self
            .feeds
            .iter()
            .map(|f| self.unread.get(&f.id).copied().unwrap_or(0))
            .sum();
        let mut entries = vec![
            Entry {
                source: Source::AllUnread,
                label: "All unread".into(),
                unread: total_unread,
                error: None,
                group: None,
            },
            Entry {
                source: Source::Starred,
                label: "Starred".into(),
                unread: self.starred,
                error: None,
                group: None,
            },
        ];
        entries.extend(self.settings.views.iter().enumerate().map(|(i, v)| Entry {
            source: Source::View(i),
            label: format!("◆ {}", v.name),
            unread: self.view_unread.get(i).copied().unwrap_or(0),
            error: None,
            group: None,
        }));
        let mut tags: Vec<String> = self.feeds.iter().flat_map(|f| f.tags.clone()).collect();
        tags.sort_by_key(|t| t.to_lowercase());
        tags.dedup();
        let by_tag = self.settings.feed_order == FeedOrder::Tag;
        let mut feeds: Vec<&FeedInfo> = self.feeds.iter().collect();
        let unread = |f: &FeedInfo| self.unread.get(&f.id).copied().unwrap_or(0);
        match self.settings.feed_order {
            FeedOrder::Tag | FeedOrder::Name => feeds.sort_by_key(|f| f.name.to_lowercase()),
            FeedOrder::Config => {}
            FeedOrder::Unread => feeds.sort_by_key(|f| (std::cmp::Reverse(unread(f)), f.name.to_lowercase())),
        }
        for t in &tags {
            entries.push(self.tag_entry(t));
            if by_tag {
                // The tag's entry is the header of the feeds filed under it (their first tag).
                let under = feeds.iter().filter(|f| f.tags.first() == Some(t));
                entries.extend(under.map(|f| self.feed_entry(f, Some(t.clone()))));
            }
        }
        let rest = feeds.iter().filter(|f| !by_tag || f.tags.is_empty());
        entries.extend(rest.map(|f| self.feed_entry(f, None)));
        self.entries = entries;
        if let Some(s) = selected
            && let Some(i) = self.entries.iter().position(|e| e.source == s)
        {
            self.feed_selected = i;
        }
        self.feed_selected = self.feed_selected.min(self.entries.len().saturating_sub(1));
    }

    fn tag_entry(&self, t: &str) -> Entry {
        let unread = self
            .feeds
            .iter()
            .filter(|f| f.tags.iter().any(|x| x == t))
            .map(|f| self.unread.get(&f.id).copied().unwrap_or(0))
            .sum();
        Entry {
            source: Source::Tag(t.to_string()),
            label: format!("#{t}"),
            unread,
            error: None,
            group: None,
        }
    }

    /// A feed's entry; `group` is the tag header it is listed under, if any.
    fn feed_entry(&self, f: &FeedInfo, group: Option<String>) -> Entry {
        Entry {
            source: Source::Feed(f.id),
            label: f.name.clone(),
            unread: self.unread.get(&f.id).copied().unwrap_or(0),
            error: self.errors.get(&f.id).cloned(),
            group,
        }
    }

    /// Replaces the feed list (config reload), keeping the selection where possible.
    pub fn set_feeds(&mut self, feeds: Vec<FeedInfo>) -> Vec<Effect> {
        self.feeds = feeds;
        self.rebuild_entries();
        let mut fx = vec![self.load_counts()];
        fx.extend(self.change_view());
        fx
    }
}

#[cfg(test)]
mod tests;
