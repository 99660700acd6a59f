//! The serde mirror of the TOML file and its conversion into the validated [`Config`].
//!
//! Every field that can be wrong after deserialising (URLs, durations, key bindings, colours,
//! duplicate feeds) is kept `Spanned`, so the error names the file, line, column and key.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use url::Url;

use super::account::{RawAccount, validate_accounts};
use super::{Config, Error, FeedSpec, KeyOverride, Settings, Theme};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default)]
    settings: RawSettings,
    #[serde(default, rename = "feed")]
    feeds: Vec<RawFeed>,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Spanned<KeyList>>,
    #[serde(default)]
    theme: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default, rename = "account")]
    accounts: Vec<RawAccount>,
    #[serde(default, rename = "rule")]
    rules: Vec<super::rule::RawRule>,
    #[serde(default, rename = "view")]
    views: Vec<super::rule::RawView>,
    #[serde(default)]
    players: super::players::RawPlayers,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    refresh_interval: Option<Spanned<String>>,
    concurrency: Option<Spanned<u32>>,
    per_host: Option<Spanned<u32>>,
    timeout: Option<Spanned<String>>,
    max_feed_size: Option<Spanned<u64>>,
    user_agent: Option<Spanned<String>>,
    browser: Option<Spanned<String>>,
    article_width: Option<Spanned<u16>>,
    retention: Option<Spanned<String>>,
    mark_read_on_open: Option<bool>,
    feed_order: Option<Spanned<String>>,
    date_format: Option<Spanned<String>>,
    max_articles: Option<Spanned<u32>>,
    download_dir: Option<Spanned<String>>,
    max_download_size: Option<Spanned<u64>>,
    images: Option<Spanned<String>>,
    image_cache_size: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    url: Spanned<String>,
    name: Option<Spanned<String>>,
    #[serde(default)]
    tags: Vec<String>,
    refresh_interval: Option<Spanned<String>>,
    #[serde(default)]
    full_text: bool,
    auto_download: Option<Spanned<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum KeyList {
    One(String),
    Many(Vec<String>),
}

/// Every key the file may hold, per table, for "did you mean" suggestions.
pub(crate) const SETTINGS_KEYS: &[&str] = &[
    "refresh_interval",
    "concurrency",
    "per_host",
    "timeout",
    "max_feed_size",
    "user_agent",
    "browser",
    "article_width",
    "retention",
    "mark_read_on_open",
    "feed_order",
    "date_format",
    "max_articles",
    "download_dir",
    "max_download_size",
    "images",
    "image_cache_size",
];
pub(crate) const FEED_KEYS: &[&str] = &[
    "url",
    "name",
    "tags",
    "refresh_interval",
    "full_text",
    "auto_download",
];
pub(crate) const TOP_KEYS: &[&str] = &[
    "settings", "feed", "account", "rule", "view", "keys", "theme", "players",
];

/// Where a problem is: a span in the source text and the dotted key it belongs to.
pub(crate) struct Site<'a> {
    pub(crate) text: &'a str,
    path: &'a Path,
}

impl Site<'_> {
    pub(crate) fn error(&self, span: std::ops::Range<usize>, key: &str, message: String) -> Error {
        let (line, col) = line_col(self.text, span.start);
        Error::Invalid {
            path: self.path.to_path_buf(),
            line,
            col,
            key: key.to_string(),
            message,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Turns a toml/serde error into one that names file, line, column, key and a suggestion.
pub(crate) fn describe_toml_error(text: &str, path: &Path, err: &toml::de::Error) -> Error {
    let span = err.span().unwrap_or(0..0);
    let (line, col) = line_col(text, span.start);
    let section = section_at(text, span.start);
    let spanned_text = text.get(span.clone()).unwrap_or("").trim();
    let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let message = err.message().trim().to_string();
    let key_name = if message.starts_with("unknown field") {
        spanned_text.trim_matches('"').to_string()
    } else if let Some((k, _)) = line_text.split_once('=') {
        k.trim().trim_matches('"').to_string()
    } else {
        spanned_text.trim_matches(['[', ']']).to_string()
    };
    let key = match (&section, key_name.is_empty()) {
        (Some(s), false) if s != &key_name => format!("{s}.{key_name}"),
        (Some(s), _) => s.clone(),
        (None, _) => key_name.clone(),
    };
    let mut message = message;
    if message.starts_with("unknown field") {
        let candidates: &[&str] = match section.as_deref() {
            Some("settings") => SETTINGS_KEYS,
            Some("feed") => FEED_KEYS,
            Some("account") => super::account::ACCOUNT_KEYS,
            Some("rule") => super::rule::RULE_KEYS,
            Some("view") => super::rule::VIEW_KEYS,
            _ => TOP_KEYS,
        };
        if let Some(best) = nearest(&key_name, candidates) {
            message = format!("unknown key '{key_name}'; did you mean '{best}'?");
        } else {
            message = format!(
                "unknown key '{key_name}'; valid keys here: {}",
                candidates.join(", ")
            );
        }
    }
    Error::Invalid {
        path: path.to_path_buf(),
        line,
        col,
        key,
        message,
    }
}

/// The nearest candidate by edit distance, if it is close enough to be a typo.
pub(crate) fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3) && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The name of the `[table]` or `[[array]]` header governing a byte offset.
fn section_at(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset.min(text.len()))?;
    before.lines().rev().find_map(|l| {
        let l = l.trim();
        if l.starts_with('[') && !l.starts_with("[[") || l.starts_with("[[") {
            let name = l.trim_start_matches('[');
            let name = name.split(']').next()?.trim();
            Some(name.to_string())
        } else {
            None
        }
    })
}

pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let d = humantime::parse_duration(s).map_err(|e| {
        format!("'{s}' is not a duration ({e}); write it like \"30s\", \"15m\", \"2h\" or \"90d\"")
    })?;
    // Bounded here so no later date arithmetic can overflow (a retention that wraps negative
    // would prune every read article at once).
    if d > MAX_DURATION {
        return Err(format!("'{s}' is longer than the 100 years tidings accepts"));
    }
    Ok(d)
}

/// A size in bytes, at least 1 KiB (a smaller cap would refuse everything).
fn bytes(v: Option<Spanned<u64>>, key: &str, default: u64, site: &Site<'_>) -> Result<u64, Error> {
    match v {
        Some(s) if *s.get_ref() < 1024 => {
            Err(site.error(s.span(), key, "must be at least 1024 bytes".into()))
        }
        Some(s) => Ok(*s.get_ref()),
        None => Ok(default),
    }
}

/// The longest duration any setting takes.
const MAX_DURATION: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

impl RawConfig {
    pub(crate) fn validate(self, text: &str, path: &Path) -> Result<Config, Error> {
        let site = Site { text, path };
        let settings = self.settings.validate(&site)?;
        let feeds = validate_feeds(self.feeds, &site)?;
        let accounts = validate_accounts(self.accounts, &site)?;
        let rules = super::rule::validate_rules(self.rules, &site)?;
        let views = super::rule::validate_views(self.views, &site)?;
        let keys = validate_keys(self.keys, &site)?;
        let players = super::players::validate_players(self.players, &site)?;
        let mut theme = Theme::default();
        for (name, value) in self.theme {
            let key = format!("theme.{}", name.get_ref());
            theme
                .set(name.get_ref(), value.get_ref())
                .map_err(|m| site.error(value.span(), &key, m))?;
        }
        let config = Config {
            path: path.to_path_buf(),
            settings,
            feeds,
            accounts,
            rules,
            views,
            keys,
            theme,
            players,
        };
        super::rule::check_scopes(&config.rules, &config)?;
        Ok(config)
    }
}

fn validate_feeds(raw_feeds: Vec<RawFeed>, site: &Site<'_>) -> Result<Vec<FeedSpec>, Error> {
    let mut feeds = Vec::with_capacity(raw_feeds.len());
    let mut seen = HashSet::new();
    let mut names = HashSet::new();
    let mut spellings = std::collections::HashMap::new();
    for raw in raw_feeds {
        let span = raw.url.span();
        let url = Url::parse(raw.url.get_ref().trim()).map_err(|e| {
            site.error(
                span.clone(),
                "feed.url",
                format!("'{}' is not a valid URL ({e})", raw.url.get_ref()),
            )
        })?;
        if !matches!(url.scheme(), "http" | "https" | "file") {
            return Err(site.error(
                span,
                "feed.url",
                format!("'{url}' has scheme '{}'; use http, https or file", url.scheme()),
            ));
        }
        if !seen.insert(url.as_str().to_string()) {
            return Err(site.error(
                span,
                "feed.url",
                format!("'{url}' is listed twice; remove one of the entries"),
            ));
        }
        let name = raw.name.filter(|n| !n.get_ref().trim().is_empty());
        if let Some(n) = &name
            && !names.insert(n.get_ref().trim().to_lowercase())
        {
            return Err(site.error(
                n.span(),
                "feed.name",
                format!(
                    "'{}' names two feeds; give each feed its own name",
                    n.get_ref().trim()
                ),
            ));
        }
        let refresh_interval = match raw.refresh_interval {
            Some(s) => Some(
                parse_duration(s.get_ref()).map_err(|m| site.error(s.span(), "feed.refresh_interval", m))?,
            ),
            None => None,
        };
        feeds.push(FeedSpec {
            url,
            name: name.map(|n| n.into_inner().trim().to_string()),
            tags: normalise_tags(raw.tags, &mut spellings),
            refresh_interval,
            full_text: raw.full_text,
            auto_download: raw
                .auto_download
                .map(|n| *n.get_ref() as usize)
                .filter(|n| *n > 0),
        });
    }
    Ok(feeds)
}

/// Tags compare without case (`News` and `news` are one tag) and without a leading `#`; a tag
/// is spelled everywhere as it is first spelled in the file.
fn normalise_tags(
    tags: Vec<String>,
    spellings: &mut std::collections::HashMap<String, String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().trim_start_matches('#').trim();
        if t.is_empty() {
            continue;
        }
        let spelled = spellings
            .entry(t.to_lowercase())
            .or_insert_with(|| t.to_string())
            .clone();
        if !out.contains(&spelled) {
            out.push(spelled);
        }
    }
    out
}

/// `[keys]` overrides; a key bound to two actions is an error at the binding that takes it.
fn validate_keys(
    raw: BTreeMap<Spanned<String>, Spanned<KeyList>>,
    site: &Site<'_>,
) -> Result<Vec<KeyOverride>, Error> {
    let mut keys = Vec::new();
    let mut spans = Vec::new();
    for (action, list) in raw {
        let span = list.span();
        let chords = match list.into_inner() {
            KeyList::One(k) => vec![k],
            KeyList::Many(v) => v,
        };
        let name = action.get_ref().clone();
        let key = format!("keys.{name}");
        let parsed = crate::app::keymap::parse_override(&name, &chords)
            .map_err(|m| site.error(span.clone(), &key, m))?;
        keys.push(KeyOverride {
            action: parsed.0,
            chords: parsed.1,
        });
        spans.push((span, key));
    }
    if let Some((i, message)) = crate::app::keymap::conflict(&keys) {
        let (span, key) = spans.swap_remove(i);
        return Err(site.error(span, &key, message));
    }
    Ok(keys)
}

impl RawSettings {
    /// How the feed list and dates are shown.
    fn display(&self, site: &Site<'_>, d: &Settings) -> Result<(super::FeedOrder, Option<String>), Error> {
        let feed_order = match &self.feed_order {
            Some(o) => super::FeedOrder::parse(o.get_ref())
                .map_err(|m| site.error(o.span(), "settings.feed_order", m))?,
            None => d.feed_order,
        };
        let date_format = match &self.date_format {
            Some(f) if f.get_ref().trim().is_empty() => None,
            Some(f) => {
                crate::text::dates::check_format(f.get_ref())
                    .map_err(|m| site.error(f.span(), "settings.date_format", m))?;
                Some(f.get_ref().clone())
            }
            None => None,
        };
        Ok((feed_order, date_format))
    }

    fn validate(self, site: &Site<'_>) -> Result<Settings, Error> {
        let d = Settings::default();
        let (feed_order, date_format) = self.display(site, &d)?;
        // A duration setting with a lower bound, checked where its span is still known.
        let dur = |v: Option<Spanned<String>>, key: &str, default: Duration, min: Duration| match v {
            Some(s) => {
                let value = parse_duration(s.get_ref()).map_err(|m| site.error(s.span(), key, m))?;
                if value < min {
                    let min_text = humantime::format_duration(min);
                    return Err(site.error(s.span(), key, format!("must be at least {min_text}")));
                }
                Ok(value)
            }
            None => Ok(default),
        };
        let positive = |v: Option<Spanned<u32>>, key: &str, default: usize| match v {
            Some(s) if *s.get_ref() == 0 => Err(site.error(s.span(), key, "must be at least 1".to_string())),
            Some(s) => Ok(*s.get_ref() as usize),
            None => Ok(default),
        };
        let minute = Duration::from_secs(60);
        let refresh_interval = dur(
            self.refresh_interval,
            "settings.refresh_interval",
            d.refresh_interval,
            minute,
        )?;
        let timeout = dur(
            self.timeout,
            "settings.timeout",
            d.timeout,
            Duration::from_secs(1),
        )?;
        let browser = match self.browser {
            Some(b) if b.get_ref().trim().is_empty() => None,
            Some(b) => Some(
                crate::opener::split_command(b.get_ref())
                    .map_err(|m| site.error(b.span(), "settings.browser", m))?,
            ),
            None => None,
        };
        let article_width = match self.article_width {
            Some(w) if *w.get_ref() < 20 => {
                return Err(site.error(w.span(), "settings.article_width", "must be at least 20".into()));
            }
            Some(w) => *w.get_ref(),
            None => d.article_width,
        };
        Ok(Settings {
            max_articles: positive(self.max_articles, "settings.max_articles", d.max_articles)?,
            date_format,
            feed_order,
            refresh_interval,
            concurrency: positive(self.concurrency, "settings.concurrency", d.concurrency)?,
            per_host: positive(self.per_host, "settings.per_host", d.per_host)?,
            timeout,
            max_feed_size: bytes(
                self.max_feed_size,
                "settings.max_feed_size",
                d.max_feed_size,
                site,
            )?,
            user_agent: match self.user_agent {
                Some(u) if u.get_ref().trim().is_empty() => d.user_agent,
                // It goes into every request's header: what a header cannot carry (a line
                // break, a control character) is an error here, not a failed client later.
                Some(u)
                    if !u
                        .get_ref()
                        .chars()
                        .all(|c| c == ' ' || c == '\t' || c.is_ascii_graphic()) =>
                {
                    return Err(site.error(
                        u.span(),
                        "settings.user_agent",
                        "must be printable ASCII on one line (it is sent as an HTTP header)".into(),
                    ));
                }
                Some(u) => u.get_ref().trim().to_string(),
                None => d.user_agent,
            },
            browser,
            article_width,
            retention: dur(self.retention, "settings.retention", d.retention, Duration::ZERO)?,
            mark_read_on_open: self.mark_read_on_open.unwrap_or(d.mark_read_on_open),
            download_dir: match self.download_dir {
                Some(p) if p.get_ref().trim().is_empty() => {
                    return Err(site.error(p.span(), "settings.download_dir", "is empty".into()));
                }
                Some(p) => Some(super::expand_home(p.get_ref().trim())),
                None => None,
            },
            max_download_size: bytes(
                self.max_download_size,
                "settings.max_download_size",
                d.max_download_size,
                site,
            )?,
            images: match &self.images {
                Some(v) => match v.get_ref().as_str() {
                    "auto" => true,
                    "off" => false,
                    other => {
                        return Err(site.error(
                            v.span(),
                            "settings.images",
                            format!(
                                "'{}' is not a choice; use \"auto\" or \"off\"",
                                crate::text::sanitize_line(other)
                            ),
                        ));
                    }
                },
                None => d.images,
            },
            image_cache_size: bytes(
                self.image_cache_size,
                "settings.image_cache_size",
                d.image_cache_size,
                site,
            )?,
        })
    }
}
