//! The article pane: scrolling, links, the browser, full text, layout at the current width.

use super::*;

/// The most rows a picture may take in a terminal `height` rows high: the pane less a line.
fn picture_rows(height: u16) -> u16 {
    article_height(height).saturating_sub(1).max(4) as u16
}

impl App {
    pub(super) fn article_action(&mut self, a: Action) -> Vec<Effect> {
        let page = article_height(self.size.1);
        let Some(view) = self.article.as_mut() else {
            self.focus = Focus::Headlines;
            return Vec::new();
        };
        let lines = view.rendered.as_ref().map_or(0, |r| r.lines.len());
        let max = lines.saturating_sub(page);
        match a {
            Action::Down => view.scroll = (view.scroll + 1).min(max),
            Action::Up => view.scroll = view.scroll.saturating_sub(1),
            Action::PageDown => view.scroll = (view.scroll + page.saturating_sub(2)).min(max),
            Action::PageUp => view.scroll = view.scroll.saturating_sub(page.saturating_sub(2)),
            Action::Top => view.scroll = 0,
            Action::Bottom => view.scroll = max,
            Action::LinkList => {
                if let Some(start) = view.rendered.as_ref().and_then(|r| r.links_start) {
                    view.scroll = start.min(max);
                }
            }
            Action::FocusLeft | Action::NextPane => self.focus = Focus::Headlines,
            Action::FullText => return self.toggle_full_text(),
            Action::OpenInBrowser => return self.open_in_browser(),
            Action::PlayEnclosure => return self.play_enclosure(),
            Action::ToggleRead => return self.toggle(Field::Read),
            Action::ToggleStar => return self.toggle(Field::Starred),
            Action::NextUnread | Action::MarkReadAndNext => return self.next_unread_article(true),
            Action::PrevUnread => return self.next_unread_article(false),
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn open_in_browser(&mut self) -> Vec<Effect> {
        let link = match (&self.focus, &self.article) {
            (Focus::Article, Some(v)) => v.body.as_ref().and_then(|b| b.summary.link.clone()),
            _ => self.headlines.selected_row().and_then(|r| r.link.clone()),
        };
        match link {
            Some(url) => vec![Effect::OpenUrl {
                url,
                browser: self.settings.browser.clone(),
            }],
            None => {
                self.status.error = Some("this article has no link".into());
                Vec::new()
            }
        }
    }

    /// `e`: plays the open article's enclosure, or asks which one when there are several.
    pub(super) fn play_enclosure(&mut self) -> Vec<Effect> {
        let n = self.open_enclosures().len();
        match n {
            0 => {
                self.status.error = Some("this article has no enclosure".into());
                Vec::new()
            }
            1 => self.play(0),
            _ => {
                self.mode = Mode::Enclosures { selected: 0 };
                Vec::new()
            }
        }
    }

    pub(super) fn open_enclosures(&self) -> &[crate::model::Enclosure] {
        self.article
            .as_ref()
            .and_then(|v| v.body.as_deref())
            .map_or(&[], |b| b.enclosures.as_slice())
    }

    /// Starts the player for enclosure `i` (argv, URL last), or says why it cannot.
    pub(super) fn play(&mut self, i: usize) -> Vec<Effect> {
        let Some(e) = self.open_enclosures().get(i).cloned() else {
            return Vec::new();
        };
        match crate::media::player_argv(&self.settings.players, self.settings.browser.as_deref(), &e) {
            Ok(argv) => {
                self.status.message = Some(format!(
                    "playing {} with {}",
                    crate::text::render::enclosure_name(&e),
                    crate::text::sanitize_line(&argv[0])
                ));
                vec![Effect::Spawn(argv)]
            }
            Err(err) => {
                self.status.error = Some(err.to_string());
                Vec::new()
            }
        }
    }

    pub(super) fn open_link(&mut self, n: usize) -> Vec<Effect> {
        let link = self
            .article
            .as_ref()
            .and_then(|v| v.rendered.as_ref())
            .and_then(|r| r.links.get(n - 1).cloned());
        match link {
            Some(url) => vec![Effect::OpenUrl {
                url,
                browser: self.settings.browser.clone(),
            }],
            None => {
                self.status.error = Some(format!("there is no link [{n}]"));
                Vec::new()
            }
        }
    }

    pub(super) fn next_unread_article(&mut self, forward: bool) -> Vec<Effect> {
        let before = self.headlines.selected;
        let fx = self.next_unread(forward);
        let moved = self.headlines.selected != before || self.headlines.pending == Pending::FirstUnread;
        if !moved {
            return fx;
        }
        let mut fx = fx;
        if self.headlines.pending == Pending::FirstUnread {
            // The next unread is in another feed: open it when its window arrives.
            self.headlines.pending = Pending::OpenFirstUnread;
            self.focus = Focus::Article;
            return fx;
        }
        fx.extend(self.open_selected());
        fx
    }

    pub(super) fn relayout_article(&mut self) -> Vec<Effect> {
        let width = article_width(&self.settings, self.size.0);
        let max_rows = picture_rows(self.size.1);
        let too_tall = |v: &ArticleView| {
            v.images
                .values()
                .any(|s| matches!(s, crate::images::ImageState::Ready(p) if p.rows > max_rows))
        };
        if self
            .article
            .as_ref()
            .is_some_and(|v| v.width != width || too_tall(v))
        {
            return self.rerender_article();
        }
        Vec::new()
    }

    /// Lays the open article out again (new width, full text toggled or arrived, a picture
    /// arrived); returns the fetches for pictures it does not have yet.
    pub(super) fn rerender_article(&mut self) -> Vec<Effect> {
        let width = article_width(&self.settings, self.size.0);
        let max_rows = picture_rows(self.size.1);
        let graphics = self.graphics;
        let name = self
            .article
            .as_ref()
            .and_then(|v| v.body.as_ref())
            .map(|b| self.feed_name(b.summary.feed_id));
        let Some(view) = self.article.as_mut() else {
            return Vec::new();
        };
        let (Some(body), Some(name)) = (view.body.as_ref(), name) else {
            return Vec::new();
        };
        let cols = width as u16;
        if view.width != width {
            // Encoded for another width: drawn again from the cache at this one.
            view.images.clear();
        }
        // Taller than the pane now (the terminal got shorter): drawn again to fit.
        view.images
            .retain(|_, s| !matches!(s, crate::images::ImageState::Ready(p) if p.rows > max_rows));
        let images = &view.images;
        let rows = |url: &str, declared: Option<(u32, u32)>| -> Option<usize> {
            use crate::images::ImageState;
            match images.get(url) {
                Some(ImageState::Ready(p)) => Some(usize::from(p.rows)),
                Some(ImageState::Failed) => None,
                Some(ImageState::Loading) | None => Some(crate::images::reserved_rows(
                    declared,
                    cols,
                    graphics.unwrap_or((10, 20)),
                    max_rows,
                )),
            }
        };
        let layout = crate::text::ImageLayout { rows: &rows };
        let layout = graphics.map(|_| &layout);
        let rendered = if view.use_full {
            crate::text::render_article_with(
                body,
                &name,
                width,
                view.note.as_deref(),
                &self.settings.dates,
                layout,
            )
        } else {
            let mut feed_only = body.as_ref().clone();
            feed_only.full_html = None;
            crate::text::render_article_with(
                &feed_only,
                &name,
                width,
                view.note.as_deref(),
                &self.settings.dates,
                layout,
            )
        };
        // Rows an image above the top gained or lost move the text by as much: the line
        // being read stays where it is.
        if let Some(old) = &view.rendered
            && old.images.len() == rendered.images.len()
        {
            let shift: isize = old
                .images
                .iter()
                .zip(&rendered.images)
                .filter(|(o, n)| o.line < view.scroll && o.url == n.url)
                .map(|(o, n)| n.rows.max(1) as isize - o.rows.max(1) as isize)
                .sum();
            view.scroll = view.scroll.saturating_add_signed(shift);
        }
        let max = rendered.lines.len().saturating_sub(1);
        view.scroll = view.scroll.min(max);
        let mut wanted: Vec<String> = Vec::new();
        for slot in &rendered.images {
            if !view.images.contains_key(&slot.url) && !wanted.contains(&slot.url) {
                wanted.push(slot.url.clone());
            }
        }
        view.rendered = Some(rendered);
        view.width = width;
        if wanted.is_empty() {
            return Vec::new();
        }
        for url in &wanted {
            view.images
                .insert(url.clone(), crate::images::ImageState::Loading);
        }
        vec![Effect::FetchImages {
            id: view.id,
            urls: wanted,
            cols,
            max_rows,
        }]
    }

    /// A picture arrived (or failed): the article makes room for it.
    pub(super) fn on_image(
        &mut self,
        id: ArticleId,
        url: String,
        cols: u16,
        result: Result<crate::images::Picture, String>,
    ) -> Vec<Effect> {
        let Some(view) = self
            .article
            .as_mut()
            .filter(|v| v.id == id && v.width == usize::from(cols))
        else {
            return Vec::new();
        };
        let state = match result {
            Ok(p) => crate::images::ImageState::Ready(p),
            Err(e) => {
                tracing::debug!(url = %url, error = %e, "image not shown");
                crate::images::ImageState::Failed
            }
        };
        view.images.insert(url, state);
        self.rerender_article()
    }

    pub(super) fn toggle_full_text(&mut self) -> Vec<Effect> {
        let Some(view) = self.article.as_mut() else {
            return Vec::new();
        };
        let Some(body) = view.body.as_ref() else {
            return Vec::new();
        };
        if view.use_full {
            view.use_full = false;
            view.note = Some("showing the feed's text (F for the full article)".into());
        } else if body.full_html.is_some() {
            view.use_full = true;
            view.note = None;
        } else if let Some(link) = body.summary.link.clone() {
            view.note = Some("fetching the full article…".into());
            let id = view.id;
            let mut fx = self.rerender_article();
            fx.push(Effect::FetchFullText { id, link });
            return fx;
        } else {
            self.status.error = Some("this article has no link to fetch".into());
            return Vec::new();
        }
        self.rerender_article()
    }
}
