//! The command line: clap's raw types, converted into a validated [`Command`] for dispatch.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tidings",
    version,
    about = "A fast, calm, keyboard-driven terminal news reader"
)]
pub struct Cli {
    /// Config file (default: $TIDINGS_CONFIG, else the platform config dir).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data dir for the database and log (default: $TIDINGS_DATA_DIR, else the platform data dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// More detail in the log file (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Option<RawCommand>,
}

#[derive(Debug, Subcommand)]
pub enum RawCommand {
    /// Fetch every feed (or one) once, headless; sync every account too.
    Refresh {
        /// Only this feed (its name or URL).
        #[arg(long, value_name = "NAME|URL")]
        feed: Option<String>,
    },
    /// Sync the config's accounts once, headless: push local marks, pull feeds, items and state.
    Sync {
        /// Only this account (its name).
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
    },
    /// List articles, newest first.
    List(ListArgs),
    /// Print one article as readable text.
    Show {
        /// The article id (from `tidings list`).
        id: i64,
        /// Text width in columns (default: the config's article_width).
        #[arg(long)]
        width: Option<u16>,
        /// Fetch and extract the full article from its web page.
        #[arg(long)]
        full: bool,
    },
    /// Mark articles read, unread, starred or unstarred.
    Mark(MarkArgs),
    /// List feeds with counts, last fetch and errors.
    Feeds {
        #[arg(long)]
        json: bool,
    },
    /// Config file commands.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// The config's rules with what each matched in the last 30 days; `rules test QUERY`
    /// shows what a rule would match.
    Rules {
        #[command(subcommand)]
        action: Option<RulesAction>,
    },
    /// Download queued enclosures (`D` in the UI queues; feeds with `auto_download = N`
    /// queue their newest N here), resuming partial files; for cron.
    Download {
        /// Show the queue (waiting, done with the file, failed with why) instead.
        #[arg(long)]
        list: bool,
    },
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
    /// Add the feeds of an OPML file to the config (keeps its comments and layout).
    Import { file: PathBuf },
    /// Write all feeds as OPML 2.0 (to stdout, or to FILE).
    Export { file: Option<PathBuf> },
    /// Add a feed by its URL, or by a web page that links to it.
    Add {
        url: String,
        /// The name to show (default: the feed's own title).
        #[arg(long)]
        name: Option<String>,
        /// A tag; repeat for several.
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Which of several discovered feeds to add (1-based).
        #[arg(long, value_name = "N")]
        pick: Option<usize>,
        /// Subscribe on this sync account's server instead of adding to the config.
        #[arg(long, value_name = "NAME", conflicts_with_all = ["name", "tags", "pick"])]
        account: Option<String>,
    },
    /// Remove a feed from the config (its articles stay until retention; re-adding restores them).
    Remove {
        #[arg(value_name = "NAME|URL")]
        feed: String,
        /// Unsubscribe on this sync account's server instead.
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    pub unread: bool,
    #[arg(long)]
    pub starred: bool,
    #[arg(long, value_name = "NAME|URL")]
    pub feed: Option<String>,
    #[arg(long)]
    pub tag: Option<String>,
    #[arg(long, value_name = "QUERY")]
    pub search: Option<String>,
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print only the number of matching articles.
    #[arg(long)]
    pub count: bool,
    /// Include articles hidden by rules.
    #[arg(long)]
    pub hidden: bool,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MarkArgs {
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<i64>,
    #[command(flatten)]
    pub how: MarkHow,
}

/// Exactly one of these.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct MarkHow {
    #[arg(long)]
    pub read: bool,
    #[arg(long)]
    pub unread: bool,
    #[arg(long)]
    pub star: bool,
    #[arg(long)]
    pub unstar: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// How many stored articles a query matches (hidden ones too) and the newest of them.
    Test {
        query: String,
        #[arg(long, value_name = "N", default_value_t = 10)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Validate the config and print the paths in use.
    Check,
}

/// What to do, validated.
#[derive(Debug, PartialEq)]
pub enum Command {
    Tui,
    Refresh {
        feed: Option<String>,
    },
    Sync {
        account: Option<String>,
    },
    /// Subscribe on an account's server.
    AccountAdd {
        account: String,
        url: String,
    },
    AccountRemove {
        account: String,
        feed: String,
    },
    List(ListArgsValid),
    Show {
        id: i64,
        width: Option<u16>,
        full: bool,
    },
    Mark {
        ids: Vec<i64>,
        mark: Mark,
    },
    Feeds {
        json: bool,
    },
    ConfigCheck,
    Download {
        list: bool,
    },
    Rules,
    RulesTest {
        query: String,
        limit: usize,
    },
    Completions(clap_complete::Shell),
    Import(PathBuf),
    Export(Option<PathBuf>),
    Add {
        url: String,
        name: Option<String>,
        tags: Vec<String>,
        pick: Option<usize>,
    },
    Remove(String),
}

#[derive(Debug, PartialEq, Eq, Clone)]
pub struct ListArgsValid {
    pub unread: bool,
    pub starred: bool,
    pub feed: Option<String>,
    pub tag: Option<String>,
    pub search: Option<String>,
    pub limit: Option<usize>,
    pub count: bool,
    pub hidden: bool,
    pub json: bool,
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Mark {
    Read,
    Unread,
    Star,
    Unstar,
}

impl Cli {
    /// Turns parsed arguments into a [`Command`].
    pub fn command(&self) -> Command {
        match &self.command {
            None => Command::Tui,
            Some(RawCommand::Refresh { feed }) => Command::Refresh { feed: feed.clone() },
            Some(RawCommand::Sync { account }) => Command::Sync {
                account: account.clone(),
            },
            Some(RawCommand::Add {
                url,
                account: Some(account),
                ..
            }) => Command::AccountAdd {
                account: account.clone(),
                url: url.clone(),
            },
            Some(RawCommand::Remove {
                feed,
                account: Some(account),
            }) => Command::AccountRemove {
                account: account.clone(),
                feed: feed.clone(),
            },
            Some(RawCommand::List(a)) => Command::List(ListArgsValid {
                unread: a.unread,
                starred: a.starred,
                feed: a.feed.clone(),
                tag: a.tag.clone(),
                search: a.search.clone().filter(|s| !s.trim().is_empty()),
                limit: a.limit,
                count: a.count,
                hidden: a.hidden,
                json: a.json,
            }),
            Some(RawCommand::Show { id, width, full }) => Command::Show {
                id: *id,
                width: *width,
                full: *full,
            },
            Some(RawCommand::Mark(m)) => Command::Mark {
                ids: m.ids.clone(),
                mark: if m.how.read {
                    Mark::Read
                } else if m.how.unread {
                    Mark::Unread
                } else if m.how.star {
                    Mark::Star
                } else {
                    Mark::Unstar
                },
            },
            Some(RawCommand::Feeds { json }) => Command::Feeds { json: *json },
            Some(RawCommand::Config {
                action: ConfigAction::Check,
            }) => Command::ConfigCheck,
            Some(RawCommand::Completions { shell }) => Command::Completions(*shell),
            Some(RawCommand::Download { list }) => Command::Download { list: *list },
            Some(RawCommand::Rules { action: None }) => Command::Rules,
            Some(RawCommand::Rules {
                action: Some(RulesAction::Test { query, limit }),
            }) => Command::RulesTest {
                query: query.clone(),
                limit: *limit,
            },
            Some(RawCommand::Import { file }) => Command::Import(file.clone()),
            Some(RawCommand::Export { file }) => Command::Export(file.clone()),
            Some(RawCommand::Add {
                url,
                name,
                tags,
                pick,
                account: None,
            }) => Command::Add {
                url: url.clone(),
                name: name.clone(),
                tags: tags.clone(),
                pick: *pick,
            },
            Some(RawCommand::Remove { feed, account: None }) => Command::Remove(feed.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        <Cli as CommandFactory>::command().debug_assert();
    }

    #[test]
    fn mark_needs_exactly_one_kind() {
        assert!(Cli::try_parse_from(["tidings", "mark", "1", "2"]).is_err());
        assert!(Cli::try_parse_from(["tidings", "mark", "1", "--read", "--star"]).is_err());
        let cli = Cli::try_parse_from(["tidings", "mark", "1", "2", "--star"]).expect("ok");
        assert_eq!(
            cli.command(),
            Command::Mark {
                ids: vec![1, 2],
                mark: Mark::Star
            }
        );
    }
}
