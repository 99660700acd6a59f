//! Store replies and poller events: stale results dropped, counts and views kept current.

use super::*;

impl App {
    pub(super) fn on_store(&mut self, reply: StoreReply) -> Vec<Effect> {
        match reply {
            StoreReply::Window {
                generation,
                offset,
                rows,
                total,
                kept_at,
            } => self.on_window(generation, offset, rows, total, kept_at),
            StoreReply::Body { id, body } => self.on_body(id, body),
            StoreReply::FullText { id, result } => self.on_full_text(id, result),
            StoreReply::Counts {
                epoch,
                unread,
                starred,
                errors,
                titles,
                views,
            } => {
                self.view_unread = views;
                for (id, title) in titles {
                    if let Some(f) = self.feeds.iter_mut().find(|f| f.id == id && !f.named) {
                        f.name = crate::text::sanitize_line(&title);
                    }
                }
                let fx = self.apply_counts(epoch, unread, starred);
                self.errors = errors.into_iter().collect();
                self.rebuild_entries();
                fx
            }
            StoreReply::Preview { generation, result } => {
                if let Mode::RulePreview(p) = &mut self.mode
                    && p.generation == generation
                {
                    p.result = Some(result);
                }
                Vec::new()
            }
            StoreReply::Downloads { jobs, queued } => {
                self.downloads = jobs;
                match queued {
                    Some(0) => {
                        self.status.error =
                            Some("no enclosure to download (or it is already queued or done)".into())
                    }
                    Some(n) => {
                        self.status.message = Some(format!("{n} queued for download (w shows the queue)"))
                    }
                    None => {}
                }
                Vec::new()
            }
            StoreReply::Health(rows, rules) => {
                self.health = rows;
                self.rule_counts = rules;
                if let Mode::Health { selected } = &mut self.mode {
                    *selected = (*selected).min(self.health.len().saturating_sub(1));
                }
                Vec::new()
            }
            StoreReply::MarkedAll { ids } => {
                if !ids.is_empty() {
                    let undo = self.keymap.hint(Action::Undo);
                    self.status.message = Some(format!("marked {} read ({undo} undoes)", ids.len()));
                    self.undo.push(Change {
                        ids,
                        field: Field::Read,
                        value: false,
                    });
                }
                self.writes.counts_stale = true;
                self.end_write()
            }
            StoreReply::MarkAllFailed { error } => {
                self.status.error = Some(format!("could not mark read: {error}"));
                self.writes.counts_stale = true;
                let mut fx = self.end_write();
                fx.extend(self.reload_keeping_selection());
                fx
            }
            StoreReply::Written { .. } => self.end_write(),
            StoreReply::Undone { change } => self.undone(change),
            StoreReply::WriteFailed { error, change } => {
                let revert = Change {
                    value: !change.value,
                    ..change.clone()
                };
                self.apply_locally(&revert);
                if let Some(pos) = self
                    .undo
                    .iter()
                    .rposition(|c| c.ids == change.ids && c.field == change.field)
                {
                    self.undo.remove(pos);
                }
                self.status.error = Some(format!("could not save: {error}"));
                self.writes.counts_stale = true;
                self.end_write()
            }
        }
    }

    fn on_window(
        &mut self,
        generation: u64,
        offset: usize,
        rows: Vec<ArticleSummary>,
        total: usize,
        kept_at: Option<usize>,
    ) -> Vec<Effect> {
        let h = &mut self.headlines;
        if generation != h.generation {
            return Vec::new();
        }
        h.loading = false;
        h.offset = offset;
        h.rows = rows;
        h.total = total;
        if let Some(at) = kept_at {
            h.selected = at;
        }
        let open = h.pending == Pending::OpenFirstUnread;
        if matches!(h.pending, Pending::FirstUnread | Pending::OpenFirstUnread) {
            h.pending = Pending::Nothing;
            if let Some(i) = h.rows.iter().position(|r| !r.read) {
                h.selected = h.offset + i;
            }
        }
        if open {
            return self.open_selected();
        }
        h.selected = h.selected.min(total.saturating_sub(1));
        self.keep_visible();
        let h = &self.headlines;
        let loaded = h.total == 0 || (h.selected >= h.offset && h.selected < h.offset + h.rows.len());
        if !loaded {
            let off = h.selected.saturating_sub(WINDOW / 2);
            return self.reload(Around::Offset(off), false);
        }
        Vec::new()
    }

    fn on_body(&mut self, id: ArticleId, body: Option<Box<ArticleBody>>) -> Vec<Effect> {
        let Some(b) = body else {
            if self.article.as_ref().is_some_and(|v| v.id == id) {
                self.status.error = Some("that article no longer exists".into());
                self.article = None;
                self.focus = Focus::Headlines;
            }
            return Vec::new();
        };
        let feed = self.feeds.iter().find(|f| f.id == b.summary.feed_id);
        let wants_full = feed.is_some_and(|f| f.full_text)
            || (b.full_html.is_none()
                && crate::fulltext::is_teaser(b.content_html.as_deref().or(b.summary_html.as_deref())));
        let link = b.summary.link.clone();
        let Some(view) = self.article.as_mut().filter(|v| v.id == id) else {
            return Vec::new();
        };
        let mut fx = Vec::new();
        view.use_full = wants_full && b.full_html.is_some();
        if wants_full && b.full_html.is_none() && link.is_some() {
            view.note = Some("fetching the full article…".into());
            fx.push(Effect::FetchFullText {
                id,
                link: link.unwrap_or_default(),
            });
        }
        view.body = Some(b);
        fx.extend(self.rerender_article());
        fx
    }

    fn on_full_text(&mut self, id: ArticleId, result: Result<String, String>) -> Vec<Effect> {
        let Some(view) = self.article.as_mut().filter(|v| v.id == id) else {
            return Vec::new();
        };
        match result {
            Ok(html) => {
                if let Some(b) = view.body.as_mut() {
                    b.full_html = Some(html);
                }
                view.use_full = true;
                view.note = None;
            }
            Err(e) => {
                view.use_full = false;
                view.note = Some(format!("full text unavailable: {e}"));
            }
        }
        self.rerender_article()
    }

    pub(super) fn on_poll(&mut self, ev: PollEvent) -> Vec<Effect> {
        match ev {
            PollEvent::Progress { done, total } => {
                self.status.progress = (done < total).then_some((done, total));
                Vec::new()
            }
            PollEvent::FeedUpdated { feed_id, new, unread } => {
                self.unread.insert(feed_id, unread);
                self.errors.remove(&feed_id);
                self.rebuild_entries();
                if new > 0 && self.view_includes(feed_id) {
                    return self.reload_keeping_selection();
                }
                Vec::new()
            }
            PollEvent::FeedNotModified { feed_id } => {
                if self.errors.remove(&feed_id).is_some() {
                    self.rebuild_entries();
                }
                Vec::new()
            }
            PollEvent::FeedFailed { feed_id, error } => {
                self.errors.insert(feed_id, error);
                self.rebuild_entries();
                Vec::new()
            }
            PollEvent::FeedDeferred { .. } => Vec::new(),
            PollEvent::PassFinished(summary) => {
                self.status.progress = None;
                self.status.message = Some(summary.line());
                let mut fx = vec![self.load_counts()];
                if summary.new_articles > 0 {
                    // Feeds with auto_download may have new episodes to fetch.
                    fx.push(Effect::NudgeDownloads);
                }
                fx
            }
        }
    }

    pub(super) fn view_includes(&self, feed: FeedId) -> bool {
        match &self.headlines.query.scope {
            Scope::All => true,
            Scope::Feeds(ids) => ids.contains(&feed),
        }
    }

    /// New articles arrived: reload the window, keeping the same article selected.
    pub(super) fn reload_keeping_selection(&mut self) -> Vec<Effect> {
        let h = &self.headlines;
        let around = match h.selected_row().filter(|_| h.touched) {
            Some(r) => Around::Article(r.id, h.offset),
            None => Around::Offset(h.offset),
        };
        self.reload(around, false)
    }
}
