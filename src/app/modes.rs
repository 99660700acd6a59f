//! Keys in the modes that take text or own the screen: search, add feed, feed health.

use super::*;

impl App {
    /// Keys in the rule preview: typing asks again (the newest answer wins); Enter searches
    /// for the query, Esc closes.
    pub(super) fn on_rule_key(&mut self, k: KeyChord, mut p: RulePreview) -> Vec<Effect> {
        match k.key {
            Key::Esc => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            Key::Enter => {
                self.mode = Mode::Normal;
                self.focus = Focus::Headlines;
                return self.set_search(Some(p.input).filter(|q| !q.trim().is_empty()));
            }
            Key::Backspace => {
                p.input.pop();
            }
            Key::Char(c) if !k.ctrl && !k.alt => p.input.push(c),
            _ => return Vec::new(),
        }
        p.generation += 1;
        let fx = if p.input.trim().is_empty() {
            p.result = None;
            Vec::new()
        } else {
            vec![Effect::PreviewRule {
                generation: p.generation,
                query: p.input.clone(),
            }]
        };
        self.mode = Mode::RulePreview(p);
        fx
    }

    /// Keys in the enclosure chooser: move, Enter (or the enclosure's number) plays, Esc closes.
    pub(super) fn on_enclosure_key(&mut self, k: KeyChord, selected: usize) -> Vec<Effect> {
        let n = self.open_enclosures().len();
        if let Key::Char(c @ '1'..='9') = k.key {
            let i = c as usize - '1' as usize;
            if i < n {
                self.mode = Mode::Normal;
                return self.play(i);
            }
            return Vec::new();
        }
        let selected = match (k.key, self.keymap.action(k)) {
            (Key::Enter, _) => {
                self.mode = Mode::Normal;
                return self.play(selected);
            }
            (Key::Esc, _) | (_, Some(Action::Back)) => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            (_, Some(Action::Down)) => (selected + 1).min(n.saturating_sub(1)),
            (_, Some(Action::Up)) => selected.saturating_sub(1),
            _ => selected,
        };
        self.mode = Mode::Enclosures { selected };
        Vec::new()
    }

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

/// The rule preview's state: what is typed and the answer to the newest query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RulePreview {
    pub input: String,
    pub generation: u64,
    /// The match count and the first matches (feed, title), or why it cannot match.
    pub result: Option<PreviewResult>,
}

/// What a rule matches: the count and the first matches (feed, title), or why it cannot.
pub type PreviewResult = Result<(u64, Vec<(crate::model::FeedId, String)>), String>;
