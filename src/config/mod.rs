//! The validated configuration and where it lives.
//!
//! Lookup order: `--config FILE` > `$TIDINGS_CONFIG` > the `directories` config dir. Data:
//! `--data-dir DIR` > `$TIDINGS_DATA_DIR` > the `directories` data dir. When the config file does
//! not exist, the embedded default is written there (never over an existing file).

pub mod account;
pub mod edit;
pub mod players;
pub mod raw;
pub mod rule;

use std::path::{Path, PathBuf};
use std::time::Duration;

use ratatui::style::Color;
use url::Url;

pub use account::{AccountKind, AccountSpec, Secret};
pub use raw::line_col;

/// The commented default config, embedded in the binary and written out on first run.
pub const DEFAULT_CONFIG: &str = include_str!("../../config/default.toml");

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "TIDINGS_CONFIG";
/// Environment variable naming the data dir.
pub const DATA_DIR_ENV: &str = "TIDINGS_DATA_DIR";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}:{line}:{col}: '{key}': {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        col: usize,
        key: String,
        message: String,
    },
    // `cause`, not `source`: the message already says it, and a source would say it twice
    // when the chain is printed.
    #[error("cannot read config file '{}': {cause}", path.display())]
    Read { path: PathBuf, cause: std::io::Error },
    #[error("cannot write config file '{}': {cause}", path.display())]
    Write { path: PathBuf, cause: std::io::Error },
    #[error("cannot find a home directory for the config and data dirs; pass --config and --data-dir")]
    NoHome,
}

/// The whole validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file it came from (for messages and edits).
    pub path: PathBuf,
    pub settings: Settings,
    pub feeds: Vec<FeedSpec>,
    /// Sync servers whose subscriptions are listed beside `feeds`.
    pub accounts: Vec<AccountSpec>,
    /// Rules over articles, in file order.
    pub rules: Vec<crate::rules::Rule>,
    /// Saved searches listed in the feed list.
    pub views: Vec<rule::ViewSpec>,
    pub keys: Vec<KeyOverride>,
    pub theme: Theme,
    /// Programs for enclosures by MIME type, in file order.
    pub players: Vec<players::Player>,
}

/// `[settings]`, with units in the types.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub refresh_interval: Duration,
    pub concurrency: usize,
    pub per_host: usize,
    pub timeout: Duration,
    pub max_feed_size: u64,
    pub user_agent: String,
    /// Program and leading arguments; the URL is appended as one more argument.
    pub browser: Option<Vec<String>>,
    pub article_width: u16,
    /// Zero keeps everything.
    pub retention: Duration,
    pub mark_read_on_open: bool,
    /// Where enclosures are downloaded; `None`: the user's download folder, `tidings/` in it.
    pub download_dir: Option<std::path::PathBuf>,
    /// No enclosure larger than this is downloaded.
    pub max_download_size: u64,
    /// Pictures in articles (`"auto"`: in the best way the terminal offers) or captions.
    pub images: bool,
    /// The disk cache of fetched pictures holds at most this many bytes.
    pub image_cache_size: u64,
    pub feed_order: FeedOrder,
    /// A strftime format for every date; `None` shows local time, relative while recent.
    pub date_format: Option<String>,
    /// Articles kept per feed: the newest, and every starred one.
    pub max_articles: usize,
}

/// Articles kept per feed unless `max_articles` says otherwise.
pub const DEFAULT_MAX_ARTICLES: usize = 1000;

/// Largest feed body fetched (and unpacked), unless `max_feed_size` says otherwise.
pub const DEFAULT_MAX_FEED_SIZE: u64 = 10 * 1024 * 1024;

/// How the feed list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedOrder {
    /// Under a header per tag (each feed under its first tag), then untagged feeds.
    #[default]
    Tag,
    /// By name.
    Name,
    /// As listed in the config file.
    Config,
    /// Most unread first.
    Unread,
}

impl FeedOrder {
    pub fn parse(s: &str) -> Result<FeedOrder, String> {
        match s {
            "tag" => Ok(FeedOrder::Tag),
            "name" => Ok(FeedOrder::Name),
            "config" => Ok(FeedOrder::Config),
            "unread" => Ok(FeedOrder::Unread),
            other => Err(format!(
                "'{other}' is not an order; use \"tag\", \"name\", \"config\" or \"unread\""
            )),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            refresh_interval: Duration::from_secs(30 * 60),
            concurrency: 16,
            per_host: 2,
            timeout: Duration::from_secs(30),
            max_feed_size: DEFAULT_MAX_FEED_SIZE,
            user_agent: default_user_agent(),
            browser: None,
            article_width: 80,
            retention: Duration::from_secs(90 * 24 * 3600),
            mark_read_on_open: true,
            feed_order: FeedOrder::Tag,
            date_format: None,
            max_articles: DEFAULT_MAX_ARTICLES,
            download_dir: None,
            max_download_size: 4 * 1024 * 1024 * 1024,
            images: false,
            image_cache_size: 100 * 1024 * 1024,
        }
    }
}

/// `~/x` as a path under the home directory; anything else as written.
pub fn expand_home(p: &str) -> std::path::PathBuf {
    match (p.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(b)) => b.home_dir().join(rest),
        _ => std::path::PathBuf::from(p),
    }
}

/// The User-Agent sent when the config names none.
pub fn default_user_agent() -> String {
    format!(
        "tidings/{} (+https://github.com/tidings-rss/tidings)",
        env!("CARGO_PKG_VERSION")
    )
}

/// One `[[feed]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSpec {
    pub url: Url,
    pub name: Option<String>,
    pub tags: Vec<String>,
    pub refresh_interval: Option<Duration>,
    pub full_text: bool,
    /// Download the enclosures of the newest this many articles (`tidings download`).
    pub auto_download: Option<usize>,
}

/// One `[keys]` line: an action and the chords that replace its defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyOverride {
    pub action: crate::app::keymap::Action,
    pub chords: Vec<crate::app::keymap::KeyChord>,
}

/// `[theme]` colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub accent: Color,
    pub unread: Color,
    pub read: Color,
    pub starred: Color,
    pub error: Color,
    pub selection_bg: Color,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            accent: Color::Cyan,
            unread: Color::Reset,
            read: Color::DarkGray,
            starred: Color::Yellow,
            error: Color::Red,
            selection_bg: Color::Rgb(0x30, 0x3a, 0x46),
        }
    }
}

const THEME_KEYS: &[&str] = &["accent", "unread", "read", "starred", "error", "selection_bg"];

impl Theme {
    fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let color: Color = value
            .parse()
            .map_err(|_| format!("'{value}' is not a colour; use a name, an index or \"#rrggbb\""))?;
        let slot = match name {
            "accent" => &mut self.accent,
            "unread" => &mut self.unread,
            "read" => &mut self.read,
            "starred" => &mut self.starred,
            "error" => &mut self.error,
            "selection_bg" => &mut self.selection_bg,
            other => {
                return Err(match raw::nearest(other, THEME_KEYS) {
                    Some(best) => format!("unknown theme key '{other}'; did you mean '{best}'?"),
                    None => format!("unknown theme key '{other}'; valid: {}", THEME_KEYS.join(", ")),
                });
            }
        };
        *slot = color;
        Ok(())
    }
}

impl Config {
    /// Parses config text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let raw: raw::RawConfig =
            toml::from_str(text).map_err(|e| raw::describe_toml_error(text, path, &e))?;
        raw.validate(text, path)
    }

    /// Reads and parses a config file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = read_text(path)?;
        Config::parse(&text, path)
    }

    /// The feed whose URL (with or without a trailing slash) or name (case-insensitive) is
    /// `needle`, for `--feed NAME|URL`.
    pub fn feed_by_name_or_url(&self, needle: &str) -> Option<&FeedSpec> {
        self.feeds
            .iter()
            .find(|f| f.url.as_str() == needle || f.url.as_str().trim_end_matches('/') == needle)
            .or_else(|| {
                self.feeds
                    .iter()
                    .find(|f| f.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(needle)))
            })
    }

    /// Every tag used by some feed, sorted and deduplicated.
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self.feeds.iter().flat_map(|f| f.tags.clone()).collect();
        tags.sort();
        tags.dedup();
        tags
    }
}

/// Where the config and data live, after applying flags and environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// Applies the precedence flag > environment > `directories` default.
    pub fn resolve(config_flag: Option<PathBuf>, data_flag: Option<PathBuf>) -> Result<Paths, Error> {
        let env_path = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dirs = directories::ProjectDirs::from("org", "tidings", "tidings");
        let config_file = match config_flag.or_else(|| env_path(CONFIG_ENV)) {
            Some(p) => p,
            None => dirs
                .as_ref()
                .ok_or(Error::NoHome)?
                .config_dir()
                .join("config.toml"),
        };
        let data_dir = match data_flag.or_else(|| env_path(DATA_DIR_ENV)) {
            Some(p) => p,
            None => dirs.as_ref().ok_or(Error::NoHome)?.data_dir().to_path_buf(),
        };
        Ok(Paths {
            config_file,
            data_dir,
        })
    }

    /// The database file inside the data dir.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("tidings.db")
    }
}

/// The largest config file read; a config is a few KiB, a bigger "file" is a device or a mistake.
pub const MAX_CONFIG_SIZE: u64 = 4 * 1024 * 1024;

/// Reads a config file: a regular file (a FIFO would hang every command, a device would be
/// read until memory runs out), at most [`MAX_CONFIG_SIZE`] bytes.
pub fn read_text(path: &Path) -> Result<String, Error> {
    use std::io::Read;
    let err = |cause| Error::Read {
        path: path.to_path_buf(),
        cause,
    };
    let meta = std::fs::metadata(path).map_err(err)?;
    if !meta.is_file() {
        return Err(err(std::io::Error::other("not a regular file")));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(err)?
        .take(MAX_CONFIG_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(err)?;
    if bytes.len() as u64 > MAX_CONFIG_SIZE {
        return Err(err(std::io::Error::other(format!(
            "larger than {} MiB",
            MAX_CONFIG_SIZE >> 20
        ))));
    }
    String::from_utf8(bytes).map_err(|e| err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// Writes the embedded default config to `path` if nothing exists there yet.
///
/// Returns whether it wrote. Uses `create_new`, so a file created concurrently is never
/// overwritten.
pub fn write_default_if_missing(path: &Path) -> Result<bool, Error> {
    use std::io::Write;
    if path.exists() {
        return Ok(false);
    }
    let err = |cause| Error::Write {
        path: path.to_path_buf(),
        cause,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(err)?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(err(e)),
    };
    file.write_all(DEFAULT_CONFIG.as_bytes()).map_err(err)?;
    file.sync_all().map_err(err)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses_with_feeds_and_tags() {
        let config = Config::parse(DEFAULT_CONFIG, Path::new("default.toml")).expect("default parses");
        assert!(config.feeds.len() >= 4);
        assert!(config.feeds.iter().all(|f| !f.tags.is_empty()));
        assert_eq!(config.settings, Settings::default());
    }

    #[test]
    fn empty_config_is_valid() {
        let config = Config::parse("", Path::new("x.toml")).expect("empty parses");
        assert!(config.feeds.is_empty());
    }

    #[test]
    fn first_run_writes_default_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/config.toml");
        assert!(write_default_if_missing(&path).expect("write"));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), DEFAULT_CONFIG);
        std::fs::write(&path, "# mine\n").expect("edit");
        assert!(!write_default_if_missing(&path).expect("second"));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "# mine\n");
    }

    #[test]
    fn typo_suggests_nearest_key() {
        let text = "[settings]\nrefresh_intervl = \"10m\"\n";
        let err = Config::parse(text, Path::new("c.toml")).expect_err("typo");
        let msg = err.to_string();
        assert!(msg.starts_with("c.toml:2:1:"), "{msg}");
        assert!(msg.contains("did you mean 'refresh_interval'"), "{msg}");
    }

    #[test]
    fn theme_colours_parse() {
        let text = "[theme]\naccent = \"#ff0000\"\n";
        let config = Config::parse(text, Path::new("c.toml")).expect("parses");
        assert_eq!(config.theme.accent, Color::Rgb(255, 0, 0));
        let err =
            Config::parse("[theme]\naccent = \"blurple\"\n", Path::new("c.toml")).expect_err("bad colour");
        assert!(err.to_string().contains("c.toml:2:10: 'theme.accent'"), "{err}");
    }
}
