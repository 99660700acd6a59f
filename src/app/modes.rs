//! Keys in the modes that take text or own the screen: search, add feed, feed health.

use super::*;

impl App {
    pub(super) fn on_search_key(
        &mut self,
        k: KeyChord,
        mut input: String,
        previous: Option<String>,
    ) -> Vec<Effect> {
        match k.key {
            Key::Esc => {
                self.mode = Mode::Normal;
                self.set_search(previous)
            }
            Key::Enter => {
                self.mode = Mode::Normal;
                self.focus = Focus::Headlines;
                Vec::new()
            }
            Key::Backspace => {
                input.pop();
                self.mode = Mode::Search {
                    input: input.clone(),
                    previous,
                };
                self.set_search(Some(input))
            }
            Key::Char(c) if !k.ctrl && !k.alt => {
                input.push(c);
                self.mode = Mode::Search {
                    input: input.clone(),
                    previous,
                };
                self.set_search(Some(input))
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn on_health_key(&mut self, k: KeyChord, selected: usize) -> Vec<Effect> {
        let n = self.health.len();
        let action = self.keymap.action(k);
        let selected = match (k.key, action) {
            (_, Some(Action::ApplyRedirect)) => {
                let Some(f) = self.health.get(selected) else {
                    return Vec::new();
                };
                return match &f.redirect_url {
                    Some(to) => vec![Effect::ApplyRedirect {
                        from: f.url.clone(),
                        to: to.clone(),
                    }],
                    None => {
                        self.status.error = Some("this feed has no permanent redirect to apply".into());
                        Vec::new()
                    }
                };
            }
            (_, Some(Action::Down)) => (selected + 1).min(n.saturating_sub(1)),
            (_, Some(Action::Up)) => selected.saturating_sub(1),
            (_, Some(Action::Top)) => 0,
            (_, Some(Action::Bottom)) => n.saturating_sub(1),
            (_, Some(Action::RefreshFeed | Action::ToggleRead)) => {
                return self
                    .health
                    .get(selected)
                    .map(|f| vec![Effect::Refresh(Some(f.id))])
                    .unwrap_or_default();
            }
            (_, Some(Action::RefreshAll)) => return vec![Effect::Refresh(None)],
            (_, Some(Action::Back | Action::Health | Action::Quit)) | (Key::Esc, _) => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            _ => selected,
        };
        self.mode = Mode::Health { selected };
        Vec::new()
    }

    pub(super) fn on_add_key(&mut self, k: KeyChord, mut input: String) -> Vec<Effect> {
        match k.key {
            Key::Esc => self.mode = Mode::Normal,
            Key::Enter => {
                self.mode = Mode::Normal;
                let url = input.trim().to_string();
                if !url.is_empty() {
                    self.status.message = Some(format!("looking for a feed at {url}…"));
                    return vec![Effect::AddFeed(url)];
                }
            }
            Key::Backspace => {
                input.pop();
                self.mode = Mode::AddFeed { input };
            }
            Key::Char(c) if !k.ctrl && !k.alt => {
                input.push(c);
                self.mode = Mode::AddFeed { input };
            }
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn set_search(&mut self, text: Option<String>) -> Vec<Effect> {
        let text = text.filter(|t| !t.trim().is_empty());
        self.headlines.query.search = text;
        let source = self.current_source().unwrap_or(Source::AllUnread);
        self.headlines.query = self.query_for(&source);
        self.reload(Around::Offset(0), true)
    }
}
