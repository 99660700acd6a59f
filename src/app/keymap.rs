//! Key bindings: the default table, `[keys]` overrides, and the help text made from the same
//! table (so the help overlay can never disagree with what the keys do).

use std::fmt;

/// A user intent. Keys map to these; `App::update` decides what each means in the current focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    NextPane,
    FocusLeft,
    FocusRight,
    Open,
    Back,
    Quit,
    NextUnread,
    PrevUnread,
    ToggleRead,
    ToggleStar,
    MarkAllRead,
    MarkReadAndNext,
    Undo,
    OpenInBrowser,
    PlayEnclosure,
    Download,
    ShowDownloads,
    Search,
    ToggleUnreadOnly,
    ToggleHidden,
    RulePreview,
    RefreshAll,
    RefreshFeed,
    FullText,
    LinkList,
    AddFeed,
    Health,
    ApplyRedirect,
    Suspend,
    Help,
}

/// A key as written in the config and shown in help: a name plus ctrl/alt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub key: Key,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

impl KeyChord {
    pub const fn plain(key: Key) -> KeyChord {
        KeyChord {
            key,
            ctrl: false,
            alt: false,
        }
    }
    pub const fn ch(c: char) -> KeyChord {
        KeyChord::plain(Key::Char(c))
    }
    pub const fn ctrl(c: char) -> KeyChord {
        KeyChord {
            key: Key::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// Parses "j", "G", "ctrl-r", "alt-x", "enter", "space", "pgdn", "?".
    pub fn parse(text: &str) -> Result<KeyChord, String> {
        let mut rest = text.trim();
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 2 && (lower.starts_with("ctrl-") || lower.starts_with("c-")) {
                ctrl = true;
                rest = &rest[rest.find('-').map_or(0, |i| i + 1)..];
            } else if rest.chars().count() > 2 && (lower.starts_with("alt-") || lower.starts_with("m-")) {
                alt = true;
                rest = &rest[rest.find('-').map_or(0, |i| i + 1)..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let key = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => Key::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => Key::Enter,
                "esc" | "escape" => Key::Esc,
                "tab" => Key::Tab,
                "backtab" | "shift-tab" => Key::BackTab,
                "backspace" => Key::Backspace,
                "space" => Key::Char(' '),
                "up" => Key::Up,
                "down" => Key::Down,
                "left" => Key::Left,
                "right" => Key::Right,
                "pgup" | "pageup" => Key::PageUp,
                "pgdn" | "pagedown" => Key::PageDown,
                "home" => Key::Home,
                "end" => Key::End,
                _ => {
                    return Err(format!(
                        "'{text}' is not a key; write keys like \"j\", \"G\", \"ctrl-r\", \"enter\", \"space\", \"pgdn\""
                    ));
                }
            },
        };
        Ok(KeyChord { key, ctrl, alt })
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.key {
            Key::Char(' ') => f.write_str("space"),
            Key::Char(c) => write!(f, "{c}"),
            Key::Enter => f.write_str("enter"),
            Key::Esc => f.write_str("esc"),
            Key::Tab => f.write_str("tab"),
            Key::BackTab => f.write_str("shift-tab"),
            Key::Backspace => f.write_str("backspace"),
            Key::Up => f.write_str("↑"),
            Key::Down => f.write_str("↓"),
            Key::Left => f.write_str("←"),
            Key::Right => f.write_str("→"),
            Key::PageUp => f.write_str("pgup"),
            Key::PageDown => f.write_str("pgdn"),
            Key::Home => f.write_str("home"),
            Key::End => f.write_str("end"),
        }
    }
}

/// One row of the binding table: config name, help text, default keys.
pub struct Binding {
    pub action: Action,
    pub name: &'static str,
    pub help: &'static str,
    pub defaults: &'static [KeyChord],
}

use Key as K;
const fn p(k: Key) -> KeyChord {
    KeyChord::plain(k)
}
const fn c(ch: char) -> KeyChord {
    KeyChord::ch(ch)
}

/// The default bindings, in the order the help overlay lists them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        action: Action::Down,
        name: "down",
        help: "move down / scroll",
        defaults: &[c('j'), p(K::Down)],
    },
    Binding {
        action: Action::Up,
        name: "up",
        help: "move up / scroll",
        defaults: &[c('k'), p(K::Up)],
    },
    Binding {
        action: Action::Top,
        name: "top",
        help: "go to the top",
        defaults: &[c('g'), p(K::Home)],
    },
    Binding {
        action: Action::Bottom,
        name: "bottom",
        help: "go to the bottom",
        defaults: &[c('G'), p(K::End)],
    },
    Binding {
        action: Action::PageDown,
        name: "page_down",
        help: "page down",
        defaults: &[p(K::PageDown), c(' ')],
    },
    Binding {
        action: Action::PageUp,
        name: "page_up",
        help: "page up",
        defaults: &[p(K::PageUp)],
    },
    Binding {
        action: Action::NextPane,
        name: "next_pane",
        help: "switch pane",
        defaults: &[p(K::Tab)],
    },
    Binding {
        action: Action::FocusLeft,
        name: "focus_left",
        help: "pane to the left",
        defaults: &[c('h'), p(K::Left)],
    },
    Binding {
        action: Action::FocusRight,
        name: "focus_right",
        help: "pane to the right",
        defaults: &[c('l'), p(K::Right)],
    },
    Binding {
        action: Action::Open,
        name: "open",
        help: "open feed / article",
        defaults: &[p(K::Enter)],
    },
    Binding {
        action: Action::Back,
        name: "back",
        help: "back (quit at the top)",
        defaults: &[c('q'), p(K::Esc)],
    },
    Binding {
        action: Action::Quit,
        name: "quit",
        help: "quit",
        defaults: &[c('Q'), KeyChord::ctrl('c')],
    },
    Binding {
        action: Action::NextUnread,
        name: "next_unread",
        help: "next unread article",
        defaults: &[c('n')],
    },
    Binding {
        action: Action::PrevUnread,
        name: "prev_unread",
        help: "previous unread article",
        defaults: &[c('N')],
    },
    Binding {
        action: Action::ToggleRead,
        name: "toggle_read",
        help: "toggle read",
        defaults: &[c('r')],
    },
    Binding {
        action: Action::ToggleStar,
        name: "toggle_star",
        help: "toggle star",
        defaults: &[c('s')],
    },
    Binding {
        action: Action::MarkAllRead,
        name: "mark_all_read",
        help: "mark all in view read",
        defaults: &[c('A')],
    },
    Binding {
        action: Action::MarkReadAndNext,
        name: "mark_read_next",
        help: "mark read, next unread",
        defaults: &[c('d')],
    },
    Binding {
        action: Action::Undo,
        name: "undo",
        help: "undo the last marking",
        defaults: &[c('u')],
    },
    Binding {
        action: Action::OpenInBrowser,
        name: "open_browser",
        help: "open link in browser",
        defaults: &[c('o')],
    },
    Binding {
        action: Action::PlayEnclosure,
        name: "play",
        help: "play the enclosure",
        defaults: &[c('e')],
    },
    Binding {
        action: Action::Download,
        name: "download",
        help: "download the enclosure",
        defaults: &[c('D')],
    },
    Binding {
        action: Action::ShowDownloads,
        name: "downloads",
        help: "the download queue",
        defaults: &[c('w')],
    },
    Binding {
        action: Action::Search,
        name: "search",
        help: "search all articles",
        defaults: &[c('/')],
    },
    Binding {
        action: Action::ToggleUnreadOnly,
        name: "toggle_unread_only",
        help: "show unread only / all",
        defaults: &[c('f')],
    },
    Binding {
        action: Action::ToggleHidden,
        name: "toggle_hidden",
        help: "show / hide articles rules hid",
        defaults: &[c('.')],
    },
    Binding {
        action: Action::RulePreview,
        name: "rule_preview",
        help: "try a rule: matches as you type",
        defaults: &[c('M')],
    },
    Binding {
        action: Action::RefreshAll,
        name: "refresh_all",
        help: "refresh all feeds",
        defaults: &[c('R')],
    },
    Binding {
        action: Action::RefreshFeed,
        name: "refresh_feed",
        help: "refresh selected feed",
        defaults: &[KeyChord::ctrl('r')],
    },
    Binding {
        action: Action::FullText,
        name: "full_text",
        help: "article: toggle full text",
        defaults: &[c('F')],
    },
    Binding {
        action: Action::LinkList,
        name: "link_list",
        help: "article: list of links",
        defaults: &[c('L')],
    },
    Binding {
        action: Action::AddFeed,
        name: "add_feed",
        help: "add a feed by URL",
        defaults: &[c('a')],
    },
    Binding {
        action: Action::Health,
        name: "feed_health",
        help: "feed health",
        defaults: &[c('H')],
    },
    Binding {
        action: Action::ApplyRedirect,
        name: "apply_redirect",
        help: "health: apply a redirect",
        defaults: &[c('p')],
    },
    Binding {
        action: Action::Suspend,
        name: "suspend",
        help: "suspend (fg returns)",
        defaults: &[KeyChord::ctrl('z')],
    },
    Binding {
        action: Action::Help,
        name: "help",
        help: "this help",
        defaults: &[c('?')],
    },
];

/// Validates a `[keys]` entry: the action name and each chord.
pub fn parse_override(name: &str, chords: &[String]) -> Result<(Action, Vec<KeyChord>), String> {
    let binding = BINDINGS.iter().find(|b| b.name == name).ok_or_else(|| {
        let names: Vec<&str> = BINDINGS.iter().map(|b| b.name).collect();
        let best = names
            .iter()
            .map(|n| (strsim::damerau_levenshtein(name, n), *n))
            .filter(|(d, _)| *d <= 3)
            .min_by_key(|(d, _)| *d);
        match best {
            Some((_, n)) => format!("unknown action '{name}'; did you mean '{n}'?"),
            None => format!("unknown action '{name}'; actions: {}", names.join(", ")),
        }
    })?;
    if chords.is_empty() {
        return Err(format!("'{name}' needs at least one key"));
    }
    let parsed = chords
        .iter()
        .map(|c| KeyChord::parse(c))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((binding.action, parsed))
}

/// The first override whose key another action also has (a default of an action that is not
/// rebound, another override, or a digit that opens links): its index and what to tell.
pub fn conflict(overrides: &[crate::config::KeyOverride]) -> Option<(usize, String)> {
    let name = |a: Action| BINDINGS.iter().find(|b| b.action == a).map_or("?", |b| b.name);
    for (i, o) in overrides.iter().enumerate() {
        for k in &o.chords {
            if let Key::Char('1'..='9') = k.key
                && !k.ctrl
                && !k.alt
            {
                return Some((
                    i,
                    format!("'{k}' opens link [{k}] in an article; choose another key"),
                ));
            }
            if let Some(other) = overrides[..i]
                .iter()
                .find(|x| x.action != o.action && x.chords.contains(k))
            {
                return Some((
                    i,
                    format!(
                        "'{k}' is also bound to '{}'; a key does one thing",
                        name(other.action)
                    ),
                ));
            }
            let default_owner = BINDINGS.iter().find(|b| {
                b.action != o.action
                    && b.defaults.contains(k)
                    && !overrides.iter().any(|x| x.action == b.action)
            });
            if let Some(b) = default_owner {
                return Some((
                    i,
                    format!(
                        "'{k}' is already bound to '{}'; rebind '{}' too, or choose another key",
                        b.name, b.name
                    ),
                ));
            }
        }
    }
    None
}

/// The live keymap: defaults with config overrides applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    entries: Vec<(KeyChord, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::new(&[])
    }
}

impl Keymap {
    /// Builds the map; an override replaces that action's defaults, and a key taken by an
    /// override is removed from whatever action had it by default.
    pub fn new(overrides: &[crate::config::KeyOverride]) -> Keymap {
        let mut entries: Vec<(KeyChord, Action)> = Vec::new();
        for b in BINDINGS {
            if overrides.iter().any(|o| o.action == b.action) {
                continue;
            }
            entries.extend(b.defaults.iter().map(|k| (*k, b.action)));
        }
        for o in overrides {
            entries.retain(|(k, _)| !o.chords.contains(k));
            entries.extend(o.chords.iter().map(|k| (*k, o.action)));
        }
        Keymap { entries }
    }

    pub fn action(&self, chord: KeyChord) -> Option<Action> {
        self.entries.iter().find(|(k, _)| *k == chord).map(|(_, a)| *a)
    }

    /// The keys bound to an action, in table order.
    pub fn keys_for(&self, action: Action) -> Vec<KeyChord> {
        self.entries
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| *k)
            .collect()
    }

    /// Help rows: keys (joined) and description, for every action with a key, plus the
    /// digits that open an article's numbered links (fixed, so never rebound).
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        let mut rows: Vec<(String, &'static str)> = BINDINGS
            .iter()
            .filter_map(|b| {
                let keys = self.keys_for(b.action);
                (!keys.is_empty()).then(|| {
                    let text: Vec<String> = keys.iter().map(ToString::to_string).collect();
                    (text.join(" "), b.help)
                })
            })
            .collect();
        let at = rows.iter().position(|(_, h)| *h == "article: list of links");
        rows.insert(at.unwrap_or(rows.len()), ("1-9".into(), "article: open link [n]"));
        rows
    }

    /// A short hint like "r" for the status line.
    pub fn hint(&self, action: Action) -> String {
        self.keys_for(action)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KeyOverride;

    #[test]
    fn parses_chords() {
        assert_eq!(KeyChord::parse("ctrl-r"), Ok(KeyChord::ctrl('r')));
        assert_eq!(KeyChord::parse("G"), Ok(KeyChord::ch('G')));
        assert_eq!(KeyChord::parse("space"), Ok(KeyChord::ch(' ')));
        assert_eq!(KeyChord::parse("pgdn"), Ok(KeyChord::plain(Key::PageDown)));
        assert!(KeyChord::parse("ctrl-").is_ok() || KeyChord::parse("nonsense").is_err());
        assert!(KeyChord::parse("nonsense").is_err());
    }

    #[test]
    fn override_replaces_defaults_and_steals_keys() {
        let map = Keymap::new(&[KeyOverride {
            action: Action::NextUnread,
            chords: vec![KeyChord::ch('j')],
        }]);
        assert_eq!(map.action(KeyChord::ch('j')), Some(Action::NextUnread));
        assert_eq!(map.action(KeyChord::ch('n')), None);
        assert_eq!(map.action(KeyChord::plain(Key::Down)), Some(Action::Down));
        assert!(
            map.help_rows()
                .iter()
                .any(|(k, h)| k == "j" && *h == "next unread article")
        );
    }

    #[test]
    fn a_key_bound_twice_is_a_conflict() {
        let o = |action, c| KeyOverride {
            action,
            chords: vec![KeyChord::ch(c)],
        };
        let (i, m) = conflict(&[o(Action::Quit, 'j')]).expect("j is down's");
        assert_eq!(i, 0);
        assert!(m.contains("'down'"), "{m}");
        // Rebinding down as well frees j.
        assert_eq!(conflict(&[o(Action::Down, 'x'), o(Action::Quit, 'j')]), None);
        assert!(conflict(&[o(Action::Undo, 'z'), o(Action::Quit, 'z')]).is_some());
        assert!(conflict(&[o(Action::Quit, '3')]).is_some());
        assert_eq!(conflict(&[o(Action::ToggleStar, 'S')]), None);
    }

    #[test]
    fn unknown_action_suggests() {
        let err = parse_override("next_unred", &["x".into()]).expect_err("typo");
        assert!(err.contains("did you mean 'next_unread'"), "{err}");
    }
}
