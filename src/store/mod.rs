//! The on-disk store: one SQLite file, the only SQL in tidings.
//!
//! Invariant: ingesting entries never changes `read` or `starred`. Each feed's ingest is one
//! transaction. List queries read the `articles` table only; bodies live in `bodies` and are
//! loaded one article at a time.

mod downloads;
mod feeds;
mod handle;
mod index_queue;
pub mod migrate;
mod phrase;
mod rules;
pub mod search;
mod sync;
pub mod wal;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter, types::Value};
use sha2::{Digest, Sha256};

use crate::model::{
    ArticleBody, ArticleId, ArticleSummary, Enclosure, FeedId, FeedMeta, FeedState, NewArticle, Query, Scope,
};

pub use downloads::DownloadJob;
pub use feeds::WantedFeed;
pub use handle::StoreHandle;
pub use index_queue::INDEX_GROUP;
pub use rules::{Explanation, RuleCount};
pub use sync::{RemoteArticle, item_key, parse_item_key};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open database '{}': {reason}", path.display())]
    Open { path: PathBuf, reason: String },
    // Not a `source`: the message carries the cause, and a chain would say it twice.
    #[error("database '{}': {cause}", path.display())]
    Migrate {
        path: PathBuf,
        cause: migrate::MigrateError,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the store thread has stopped")]
    Closed,
}

pub type Result<T> = std::result::Result<T, Error>;

/// What one feed's ingest changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestStats {
    pub new: u64,
    pub updated: u64,
}

/// One feed's fetch, ready to store with [`Store::ingest_feeds`].
#[derive(Debug, Clone)]
pub struct FeedIngest {
    pub feed: FeedId,
    pub meta: FeedMeta,
    pub articles: Vec<NewArticle>,
    /// One per article, or empty (then made while storing).
    pub prepared: Vec<Prepared>,
    pub record: FetchRecord,
    /// Articles kept for the feed (older unstarred ones beyond it go).
    pub max_articles: usize,
}

/// What can be worked out about an article before the store sees it: its content hash and,
/// unless the store already has it unchanged, the text its search index gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub hash: String,
    pub index_text: Option<String>,
}

/// Hashes each article and makes the index text of those not already stored with that
/// hash (`known`: key to hash, [`Store::known_hashes`]). Runs beside the writer, so the
/// writer only compares hashes and inserts; an unchanged article costs its hash alone.
pub fn prepare(articles: &[NewArticle], known: &std::collections::HashMap<String, String>) -> Vec<Prepared> {
    articles
        .iter()
        .map(|a| {
            let hash = content_hash(a);
            let unchanged = known.get(&a.key).is_some_and(|k| same_content(k, &hash, a));
            // Held until the feed is stored, beside up to `concurrency` other feeds: without
            // its spare capacity.
            let index_text = (!unchanged).then(|| {
                let mut text = search::body_text(a.summary.as_deref(), a.content.as_deref(), None);
                text.shrink_to_fit();
                text
            });
            Prepared { hash, index_text }
        })
        .collect()
}

/// What storing one feed's fetch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedStored {
    pub stats: IngestStats,
    pub unread: u64,
}

/// The page size of a database this tidings creates.
const NEW_PAGE_SIZE: u32 = 16_384;

/// Articles removed per statement when a feed is over its cap.
pub const CAP_BATCH: usize = 2_000;

/// HTTP validators and outcome of one successful fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchRecord {
    pub status: Option<u16>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Target of a permanent redirect, to fetch directly next time.
    pub redirect_url: Option<String>,
}

/// A synchronous connection with tidings' queries.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Set when the journal held committed changes SQLite could not replay (said once).
    recovery: Option<String>,
    /// The config's rules, applied to every article ingested through this connection.
    rules: Vec<crate::rules::Rule>,
    /// New articles' search-index rows waiting to be written as one group
    /// ([`Store::defer_indexing`]); `None` writes each with its article.
    index_queue: Option<Vec<index_queue::Queued>>,
}

/// The journal beside `db`, inspected for changes SQLite would drop without a word.
fn journal_damage(db: &Path) -> Option<String> {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    let wal = PathBuf::from(name);
    let meta = std::fs::metadata(&wal)
        .ok()
        .filter(|m| m.is_file() && m.len() > 0)?;
    // A journal is a few MiB (autocheckpoint); one larger than this is not read whole.
    if meta.len() > 256 * 1024 * 1024 {
        return None;
    }
    let bytes = std::fs::read(&wal).ok()?;
    wal::inspect(&bytes).map(|d| d.message(&wal))
}

fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn from_ts(v: Option<i64>) -> Option<DateTime<Utc>> {
    v.and_then(|s| Utc.timestamp_opt(s, 0).single())
}

/// Room for the store's own statements plus one per rule at ingest (the default 16 would make
/// 50 rules recompile theirs for every feed).
const STATEMENT_CACHE: usize = 256;

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    ///
    /// A file that is not a database is reported and left untouched: the header is read before
    /// anything is written.
    pub fn open(path: &Path) -> Result<Store> {
        let open_err = |reason: String| Error::Open {
            path: path.to_path_buf(),
            reason,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::Open {
                path: parent.to_path_buf(),
                reason: format!("cannot create the data dir: {e}"),
            })?;
        }
        // Read before SQLite opens the database and replays what it can of the journal.
        let damage = journal_damage(path);
        let mut conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        // Reading the schema forces SQLite to check the header; a corrupt file fails here,
        // before any pragma that would write.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
            .map_err(|e| open_err(e.to_string()))?;
        conn.busy_handler(Some(wait_for_lock))
            .map_err(|e| open_err(e.to_string()))?;
        // A new database gets 16 KiB pages (an existing one keeps its own): most article bodies
        // then fit on their page instead of an overflow chain, and a refresh writes a quarter
        // of the journal frames, each one system call when written and two when copied back.
        conn.execute_batch(&format!("PRAGMA page_size = {NEW_PAGE_SIZE}"))
            .map_err(|e| open_err(e.to_string()))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| open_err(e.to_string()))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "WAL journal mode not available");
        }
        // `scratch` holds the rules' index of an ingest's new articles (rules::open_scratch):
        // in memory, never written to the file or its journal.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; ATTACH DATABASE ':memory:' AS scratch;",
        )
        .map_err(|e| open_err(e.to_string()))?;
        // Every write transaction takes the write lock when it begins, where the busy timeout
        // waits for another process's. A deferred one that reads first and writes later fails
        // at once with "database is locked" when another process committed in between (a
        // refresh lost its feed to a `tidings mark` that way).
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        search::register_regexp(&conn).map_err(|e| open_err(e.to_string()))?;
        phrase::register(&conn).map_err(|e| open_err(e.to_string()))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            recovery: None,
            rules: Vec::new(),
            index_queue: None,
        };
        let migrated = migrate::migrate(&mut store.conn).map_err(|cause| Error::Migrate {
            path: path.to_path_buf(),
            cause,
        })?;
        store.reindex_if_flagged()?;
        // Index rows a run left listed are written when they can be: a full disk must not keep
        // `list` and the reader from opening the store (they are written by a later open).
        if let Err(e) = index_queue::recover(&mut store.conn) {
            tracing::warn!(error = %e, "articles left unindexed for a later open");
        }
        if migrated > 0 {
            // The migrations wrote the schema's pages into the journal (most of a megabyte for
            // a new database): copied into the file now, and the journal starts over.
            let _ = store.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
        }

        if let Some(message) = damage {
            tracing::warn!(%message, "journal damaged");
            // What could be replayed goes into the database and the journal starts empty, so
            // the next open does not say it again.
            let _ = store.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
            store.recovery = Some(message);
        }
        Ok(store)
    }

    /// Opens an existing database for reading only: no migration, no journal replay, no
    /// write. For reading commands on a data dir that cannot be written (a read-only mount, a
    /// backup). When SQLite cannot make the WAL's shared-memory file there, the file is read
    /// as immutable (no other process can be writing to a read-only directory either).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        use rusqlite::OpenFlags;
        let open_err = |reason: String| Error::Open {
            path: path.to_path_buf(),
            reason,
        };
        if !path.is_file() {
            return Err(open_err(
                "there is no store yet, and the data dir cannot be written".into(),
            ));
        }
        let flags =
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let check = |conn: Connection| -> rusqlite::Result<Connection> {
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
            Ok(conn)
        };
        let url = url::Url::from_file_path(path)
            .map_err(|()| open_err("the path cannot be written as a URI".into()))?;
        let conn = Connection::open_with_flags(path, flags)
            .and_then(check)
            .or_else(|_| Connection::open_with_flags(format!("{url}?immutable=1"), flags).and_then(check))
            .map_err(|e| open_err(e.to_string()))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| open_err(e.to_string()))?;
        if version != migrate::CURRENT_VERSION {
            return Err(open_err(format!(
                "the store is at schema version {version} and this tidings reads version {}; \
                 upgrading it needs a data dir that can be written",
                migrate::CURRENT_VERSION
            )));
        }
        search::register_regexp(&conn).map_err(|e| open_err(e.to_string()))?;
        phrase::register(&conn).map_err(|e| open_err(e.to_string()))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            recovery: None,
            rules: Vec::new(),
            index_queue: None,
        })
    }

    /// Whether the database (or, before it exists, its directory) can be written. Decided by
    /// trying, so a read-only mount is seen even by root.
    pub fn writable(path: &Path) -> bool {
        if path.exists() {
            return std::fs::OpenOptions::new().append(true).open(path).is_ok();
        }
        let Some(dir) = path.parent() else { return false };
        if !dir.exists() {
            // Store::open will create it, or say why it cannot.
            return true;
        }
        let probe = dir.join(format!(".tidings-write-probe-{}", std::process::id()));
        let ok = std::fs::File::create(&probe).is_ok();
        let _ = std::fs::remove_file(&probe);
        ok
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What was lost from a damaged journal when this store was opened, if anything.
    pub fn recovery_warning(&self) -> Option<&str> {
        self.recovery.as_deref()
    }

    /// Inserts new articles and updates changed ones, in one transaction. Read and starred
    /// state are never written here.
    pub fn ingest(
        &mut self,
        feed: FeedId,
        meta: &FeedMeta,
        articles: &[NewArticle],
        now: DateTime<Utc>,
    ) -> Result<IngestStats> {
        self.ingest_prepared(feed, meta, articles, &[], now)
    }

    /// [`Store::ingest`] with each article's hash and index text already made ([`prepare`],
    /// off the writer thread); `prepared` is empty, or one per article.
    pub fn ingest_prepared(
        &mut self,
        feed: FeedId,
        meta: &FeedMeta,
        articles: &[NewArticle],
        prepared: &[Prepared],
        now: DateTime<Utc>,
    ) -> Result<IngestStats> {
        if !self.rules.is_empty() {
            // A rule that expired since the last run stops acting on the stored articles too.
            self.reapply_if_changed(now)?;
        }
        let tx = begin(&mut self.conn)?;
        let mut stats = IngestStats::default();
        tx.prepare_cached(
            "UPDATE feeds SET title = coalesce(?2, title), site_link = coalesce(?3, site_link) WHERE id = ?1",
        )?
        .execute(params![feed.0, meta.title, meta.site_link])?;
        let before = rules::last_article_id(&tx)?;
        let mut index = Indexing {
            ruled: rules::open_scratch(&tx, &self.rules)?,
            queue: self.index_queue.as_mut(),
        };
        for (i, a) in articles.iter().enumerate() {
            upsert_article(&tx, feed, a, prepared.get(i), now, &mut stats, &mut index)?;
        }
        if stats.new > 0 {
            rules::apply_to_new(&tx, &self.rules, before, now)?;
        }
        if let Some(queue) = self.index_queue.as_mut().filter(|q| q.len() >= INDEX_GROUP) {
            index_queue::write(&tx, std::mem::take(queue))?;
        }
        tx.commit()?;
        Ok(stats)
    }

    /// Stores several feeds' fetches in one transaction. One commit for many feeds means
    /// the search index flushes its pending terms and merges once, and each shared page (the
    /// tables' newest leaves, the indexes) reaches the journal once rather than once per
    /// feed. (Savepoints per feed would undo that: FTS5 flushes at each one.) If any feed
    /// fails, the batch is rolled back and each feed stored again on its own, so one bad
    /// feed never costs the others. Nothing is reported stored before its commit.
    pub fn ingest_feeds(&mut self, batch: Vec<FeedIngest>, now: DateTime<Utc>) -> Vec<Result<FeedStored>> {
        let together = (batch.len() > 1)
            .then(|| {
                self.in_one_transaction(|s| {
                    batch
                        .iter()
                        .map(|job| s.store_feed(job, now))
                        .collect::<Result<Vec<_>>>()
                })
                .ok()
            })
            .flatten();
        if let Some(all) = together {
            return all.into_iter().map(Ok).collect();
        }
        batch
            .iter()
            .map(|job| self.in_one_transaction(|s| s.store_feed(job, now)))
            .collect()
    }

    /// Queues new articles' search-index rows to be written as one group (the writer thread
    /// of [`StoreHandle`]: see `index_queue`) rather than each with its article. The queue
    /// is written once it holds [`INDEX_GROUP`] articles, by [`Store::write_index_queue`], and
    /// when the store is dropped; until then those articles are stored but not found by a
    /// search.
    pub fn defer_indexing(&mut self) {
        self.index_queue.get_or_insert_with(Vec::new);
    }

    /// Whether index rows are waiting to be written.
    pub fn index_pending(&self) -> bool {
        self.index_queue.as_ref().is_some_and(|q| !q.is_empty())
    }

    /// Writes the waiting index rows (in the transaction under way, if any); returns how many.
    pub fn write_index_queue(&mut self) -> Result<usize> {
        let Some(rows) = self
            .index_queue
            .as_mut()
            .map(std::mem::take)
            .filter(|r| !r.is_empty())
        else {
            return Ok(0);
        };
        let tx = begin(&mut self.conn)?;
        let written = index_queue::write(&tx, rows)?;
        tx.commit()?;
        Ok(written)
    }

    /// The database's page size in bytes.
    pub fn page_size(&self) -> Result<u32> {
        Ok(self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?)
    }

    /// Runs `f` in one transaction (the methods it calls join it: [`begin`]), committed
    /// when it succeeds and rolled back when it fails.
    fn in_one_transaction<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(v) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(e.into())
                }
            },
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// One feed's articles, its cap, its fetch record and its new unread count.
    fn store_feed(&mut self, job: &FeedIngest, now: DateTime<Utc>) -> Result<FeedStored> {
        let stats = self.ingest_prepared(job.feed, &job.meta, &job.articles, &job.prepared, now)?;
        let mut dropped = 0;
        loop {
            let n = self.cap_articles(job.feed, job.max_articles, CAP_BATCH)?;
            dropped += n;
            if n < CAP_BATCH as u64 {
                break;
            }
        }
        if dropped > 0 {
            tracing::info!(
                feed = job.feed.0,
                dropped,
                "older articles beyond max_articles removed"
            );
        }
        self.record_success(job.feed, &job.record, now)?;
        let unread = self.unread_count(job.feed)?;
        Ok(FeedStored { stats, unread })
    }

    /// Each stored article's key and content hash for one feed, to prepare a fetch against.
    pub fn known_hashes(&self, feed: FeedId) -> Result<std::collections::HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, content_hash FROM articles WHERE feed_id = ?1")?;
        let rows = stmt
            .query_map([feed.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Pages of journal after which a commit on this connection checkpoints (0: never).
    pub fn set_autocheckpoint(&self, pages: u32) -> Result<()> {
        self.conn
            .query_row(&format!("PRAGMA wal_autocheckpoint = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }

    /// Copies what it can of the journal into the database without waiting for anyone.
    pub fn checkpoint_passive(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Records a successful fetch (200 or 304) and clears the feed's error state.
    pub fn record_success(&mut self, feed: FeedId, rec: &FetchRecord, now: DateTime<Utc>) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE feeds SET last_fetch = ?2, last_success = ?2, last_status = ?3,
                etag = coalesce(?4, etag), last_modified = coalesce(?5, last_modified),
                redirect_url = coalesce(?6, redirect_url), last_error = NULL,
                failing_since = NULL, consecutive_failures = 0, next_attempt = NULL
             WHERE id = ?1",
            )?
            .execute(params![
                feed.0,
                ts(now),
                rec.status,
                rec.etag,
                rec.last_modified,
                rec.redirect_url
            ])?;
        Ok(())
    }

    /// Records a failed fetch or parse; stored articles are left alone.
    pub fn record_failure(
        &mut self,
        feed: FeedId,
        status: Option<u16>,
        error: &str,
        next_attempt: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        let failures: u32 = self.conn.query_row(
            "UPDATE feeds SET last_fetch = ?2, last_status = ?3, last_error = ?4,
                failing_since = coalesce(failing_since, ?2),
                consecutive_failures = consecutive_failures + 1, next_attempt = ?5
             WHERE id = ?1 RETURNING consecutive_failures",
            params![feed.0, ts(now), status, error, next_attempt.map(ts)],
            |r| r.get(0),
        )?;
        Ok(failures)
    }

    /// One feed's stored state (without counts).
    pub fn feed_state(&self, feed: FeedId) -> Result<Option<FeedState>> {
        // Once per feed in a refresh: the statement is kept, not parsed each time.
        self.conn
            .prepare_cached(&format!("{FEED_COLUMNS} WHERE f.id = ?1"))?
            .query_row([feed.0], feed_row)
            .optional()
            .map_err(Into::into)
    }

    /// Every active feed's stored state, without counts (one query, for schedulers).
    pub fn feed_states(&self) -> Result<Vec<FeedState>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{FEED_COLUMNS} WHERE f.active = 1"))?;
        let rows = stmt.query_map([], feed_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Active feeds with unread and total counts, newest article date and recent volume.
    pub fn feeds(&self, now: DateTime<Utc>) -> Result<Vec<FeedState>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{FEED_COLUMNS} WHERE f.active = 1 ORDER BY f.id"))?;
        let mut feeds: Vec<FeedState> = stmt.query_map([], feed_row)?.collect::<rusqlite::Result<_>>()?;
        let mut counts = self.conn.prepare_cached(
            "SELECT count(*), coalesce(sum(read = 0 AND hidden_by IS NULL), 0), max(sort_ts),
                coalesce(sum(sort_ts > ?2), 0)
             FROM articles WHERE feed_id = ?1",
        )?;
        let recent_since = ts(now) - 28 * 24 * 3600;
        for f in &mut feeds {
            let (total, unread, newest, recent): (i64, i64, Option<i64>, i64) = counts
                .query_row(params![f.id.0, recent_since], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?;
            f.total = total as u64;
            f.unread = unread as u64;
            f.newest = from_ts(newest);
            f.recent = recent as u64;
        }
        Ok(feeds)
    }

    /// Unread counts per active feed, from the partial index only (cheap, for startup and
    /// live updates).
    pub fn unread_counts(&self) -> Result<Vec<(FeedId, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id, (SELECT count(*) FROM articles a
                WHERE a.feed_id = f.id AND a.read = 0 AND a.hidden_by IS NULL)
             FROM feeds f WHERE f.active = 1",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((FeedId(r.get(0)?), r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Unread articles of one feed.
    pub fn unread_count(&self, feed: FeedId) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM articles WHERE feed_id = ?1 AND read = 0 AND hidden_by IS NULL",
            )?
            .query_row([feed.0], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The last error of every active feed that is failing.
    pub fn feed_errors(&self) -> Result<Vec<(FeedId, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, last_error FROM feeds WHERE active = 1 AND last_error IS NOT NULL")?;
        let rows = stmt
            .query_map([], |r| Ok((FeedId(r.get(0)?), r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Titles of active feeds that have one.
    pub fn feed_titles(&self) -> Result<Vec<(FeedId, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, title FROM feeds WHERE active = 1 AND title IS NOT NULL")?;
        let rows = stmt
            .query_map([], |r| Ok((FeedId(r.get(0)?), r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// A window of headlines for a view, newest first. Never reads bodies.
    pub fn headlines(&self, q: &Query, offset: usize, limit: usize) -> Result<Vec<ArticleSummary>> {
        let (where_sql, mut args) = where_clause_for(q, true);
        let sql = format!(
            "SELECT a.id, a.feed_id, a.title, a.link, a.author, a.published, a.read, a.starred,
                a.hidden_by
             FROM articles a {where_sql}
             ORDER BY a.sort_ts DESC, a.id DESC LIMIT ? OFFSET ?"
        );
        args.push(Value::Integer(limit as i64));
        args.push(Value::Integer(offset as i64));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(args), summary_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// How many articles a view holds.
    pub fn count(&self, q: &Query) -> Result<u64> {
        let (where_sql, args) = where_clause(q);
        let sql = format!("SELECT count(*) FROM articles a {where_sql}");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let n: i64 = stmt.query_row(params_from_iter(args), |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Position of an article in a view (for keeping the selection on the same article).
    pub fn position(&self, q: &Query, id: ArticleId) -> Result<Option<usize>> {
        let Some((sort_ts,)) = self
            .conn
            .query_row("SELECT sort_ts FROM articles WHERE id = ?1", [id.0], |r| {
                Ok((r.get::<_, i64>(0)?,))
            })
            .optional()?
        else {
            return Ok(None);
        };
        let (where_sql, mut args) = where_clause(q);
        let joiner = if where_sql.is_empty() { "WHERE" } else { "AND" };
        let sql = format!(
            "SELECT count(*) FROM articles a {where_sql} {joiner} (a.sort_ts > ? OR (a.sort_ts = ? AND a.id > ?))"
        );
        args.extend([
            Value::Integer(sort_ts),
            Value::Integer(sort_ts),
            Value::Integer(id.0),
        ]);
        let n: i64 = self.conn.query_row(&sql, params_from_iter(args), |r| r.get(0))?;
        Ok(Some(n as usize))
    }

    /// One article with its bodies.
    pub fn body(&self, id: ArticleId) -> Result<Option<ArticleBody>> {
        let body = self
            .conn
            .query_row(
                "SELECT a.id, a.feed_id, a.title, a.link, a.author, a.published, a.read, a.starred,
                    a.hidden_by, f.url, f.title, a.updated, b.summary, b.content, b.full_html,
                    b.enclosures, b.comments
                 FROM articles a JOIN feeds f ON f.id = a.feed_id
                 LEFT JOIN bodies b ON b.article_id = a.id WHERE a.id = ?1",
                [id.0],
                |r| {
                    let enclosures: Option<String> = r.get(15)?;
                    Ok(ArticleBody {
                        summary: summary_row(r)?,
                        feed_url: r.get(9)?,
                        feed_title: r.get(10)?,
                        updated: from_ts(r.get(11)?),
                        summary_html: r.get(12)?,
                        content_html: r.get(13)?,
                        full_html: r.get(14)?,
                        enclosures: enclosures
                            .and_then(|e| serde_json::from_str::<Vec<Enclosure>>(&e).ok())
                            .unwrap_or_default(),
                        comments: r.get(16)?,
                        rules: Vec::new(),
                    })
                },
            )
            .optional()?;
        match body {
            Some(mut b) => {
                b.rules = self.explain(id)?;
                Ok(Some(b))
            }
            None => Ok(None),
        }
    }

    /// Caches extracted full-article HTML.
    /// Caches an article's extracted full text; from then on searches find it too.
    /// Cached full texts of other articles of the same feed, newest first: what the site's
    /// template is learnt from.
    pub fn sibling_pages(&self, id: ArticleId, limit: usize) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.full_html FROM bodies b JOIN articles a ON a.id = b.article_id
             WHERE a.feed_id = (SELECT feed_id FROM articles WHERE id = ?1)
               AND a.id != ?1 AND b.full_html IS NOT NULL
             ORDER BY a.id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![id.0, limit as i64], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn set_full_html(&mut self, id: ArticleId, html: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO bodies (article_id, full_html) VALUES (?1, ?2)
             ON CONFLICT (article_id) DO UPDATE SET full_html = excluded.full_html",
            params![id.0, html],
        )?;
        Store::reindex_article(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    /// Sets read on many articles; returns the ids whose state actually changed.
    pub fn set_read(&mut self, ids: &[ArticleId], read: bool) -> Result<Vec<ArticleId>> {
        self.set_flag("read", ids, read)
    }

    /// Sets starred on many articles; returns the ids whose state actually changed.
    pub fn set_starred(&mut self, ids: &[ArticleId], starred: bool) -> Result<Vec<ArticleId>> {
        self.set_flag("starred", ids, starred)
    }

    fn set_flag(&mut self, column: &str, ids: &[ArticleId], on: bool) -> Result<Vec<ArticleId>> {
        let tx = self.conn.transaction()?;
        let mut changed = Vec::new();
        {
            let mut stmt = tx.prepare_cached(&format!(
                "UPDATE articles SET {column} = ?2 WHERE id = ?1 AND {column} != ?2"
            ))?;
            for id in ids {
                if stmt.execute(params![id.0, on])? > 0 {
                    changed.push(*id);
                }
            }
        }
        sync::queue_marks(&tx, &changed, column, on)?;
        tx.commit()?;
        Ok(changed)
    }

    /// Marks every unread article in a view read; returns their ids (for undo).
    pub fn mark_all_read(&mut self, q: &Query) -> Result<Vec<ArticleId>> {
        let mut q = q.clone();
        q.unread_only = true;
        let (where_sql, args) = where_clause(&q);
        let tx = self.conn.transaction()?;
        let ids: Vec<ArticleId> = {
            let mut stmt = tx.prepare(&format!(
                "UPDATE articles SET read = 1 WHERE id IN (SELECT a.id FROM articles a {where_sql}) RETURNING id"
            ))?;
            stmt.query_map(params_from_iter(args), |r| Ok(ArticleId(r.get(0)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        sync::queue_marks(&tx, &ids, "read", true)?;
        tx.commit()?;
        Ok(ids)
    }

    /// Deletes read, unstarred articles first seen longer ago than `retention`, and unstarred
    /// articles of feeds removed from the config longer ago than that. Pruned keys are kept as
    /// tombstones so the articles do not return as unread. Zero retention keeps everything.
    pub fn prune(&mut self, retention: Duration, now: DateTime<Utc>) -> Result<u64> {
        if retention.is_zero() {
            return Ok(0);
        }
        let cutoff = ts(now) - retention.as_secs() as i64;
        let tx = self.conn.transaction()?;
        // The victims are found in one pass over the articles (five statements each scanning
        // for them was most of the time a refresh spent after its last feed).
        fresh_victims(&tx)?;
        let found = tx.execute(
            "INSERT INTO victims (id)
             SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id
             WHERE a.starred = 0 AND ((a.read = 1 AND a.first_seen < ?1)
                OR (f.active = 0 AND f.removed_at < ?1))",
            [cutoff],
        )?;
        let n = if found == 0 { 0 } else { remove_victims(&tx)? };
        tx.commit()?;
        Ok(n)
    }

    /// Removes up to `batch` of the oldest unstarred articles beyond the newest `max` of a
    /// feed, leaving tombstones; returns how many went. Callers loop while it returns `batch`,
    /// each call its own short transaction, so a mark never waits behind a huge prune.
    pub fn cap_articles(&mut self, feed: FeedId, max: usize, batch: usize) -> Result<u64> {
        let tx = begin(&mut self.conn)?;
        // The newest article beyond the cap, found on the feed's time index: it and everything
        // older (unless starred) goes.
        let edge: Option<(i64, i64)> = tx
            .prepare_cached(
                "SELECT sort_ts, id FROM articles WHERE feed_id = ?1
                 ORDER BY sort_ts DESC, id DESC LIMIT 1 OFFSET ?2",
            )?
            .query_row(params![feed.0, max as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((edge_ts, edge_id)) = edge else {
            tx.commit()?;
            return Ok(0);
        };
        // The victims are chosen once per batch, not once per statement.
        fresh_victims(&tx)?;
        tx.execute(
            "INSERT INTO victims (id)
             SELECT id FROM articles WHERE feed_id = ?1 AND starred = 0
               AND (sort_ts < ?2 OR (sort_ts = ?2 AND id <= ?3))
             ORDER BY sort_ts ASC, id ASC LIMIT ?4",
            params![feed.0, edge_ts, edge_id, batch as i64],
        )?;
        let n = remove_victims(&tx)?;
        tx.commit()?;
        Ok(n)
    }

    /// Ids of articles in a view, newest first (for `mark`-style bulk commands and tests).
    pub fn ids(&self, q: &Query) -> Result<Vec<ArticleId>> {
        let (where_sql, args) = where_clause(q);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT a.id FROM articles a {where_sql} ORDER BY a.sort_ts DESC, a.id DESC"
        ))?;
        let ids = stmt
            .query_map(params_from_iter(args), |r| Ok(ArticleId(r.get(0)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Looks a feed up by URL.
    pub fn feed_id(&self, url: &str) -> Result<Option<FeedId>> {
        self.conn
            .query_row("SELECT id FROM feeds WHERE url = ?1", [url], |r| {
                Ok(FeedId(r.get(0)?))
            })
            .optional()
            .map_err(Into::into)
    }

    /// Changes whenever another connection (another process, or this process's writer)
    /// commits; lets the UI notice a `tidings refresh` run from cron.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`, "ok" when healthy.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

const FEED_COLUMNS: &str = "SELECT f.id, coalesce(f.remote_url, f.url), f.title, f.site_link, f.etag,
    f.last_modified, f.last_fetch, f.last_success, f.last_status, f.last_error, f.failing_since,
    f.consecutive_failures, f.redirect_url, f.next_attempt, f.account FROM feeds f";

fn feed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedState> {
    Ok(FeedState {
        id: FeedId(r.get(0)?),
        url: r.get(1)?,
        title: r.get(2)?,
        site_link: r.get(3)?,
        etag: r.get(4)?,
        last_modified: r.get(5)?,
        last_fetch: from_ts(r.get(6)?),
        last_success: from_ts(r.get(7)?),
        last_status: r.get(8)?,
        last_error: r.get(9)?,
        failing_since: from_ts(r.get(10)?),
        consecutive_failures: r.get(11)?,
        redirect_url: r.get(12)?,
        next_attempt: from_ts(r.get(13)?),
        account: r.get(14)?,
        ..FeedState::default()
    })
}

fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: ArticleId(r.get(0)?),
        feed_id: FeedId(r.get(1)?),
        title: r.get(2)?,
        link: r.get(3)?,
        author: r.get(4)?,
        published: from_ts(r.get(5)?),
        read: r.get(6)?,
        starred: r.get(7)?,
        hidden_by: r.get(8)?,
    })
}

/// The WHERE clause (possibly empty) and its arguments for a view.
fn where_clause(q: &Query) -> (String, Vec<Value>) {
    where_clause_for(q, false)
}

/// `ordered`: the query walks articles in time order (a window), so the "All" scope must not
/// steer SQLite onto the per-feed indexes.
fn where_clause_for(q: &Query, ordered: bool) -> (String, Vec<Value>) {
    let mut parts: Vec<String> = Vec::new();
    let mut args = Vec::new();
    match &q.scope {
        // The unary + keeps SQLite from choosing the per-feed index here: walking the time index
        // in order (and skipping OFFSET rows inside it) beats sorting every article.
        Scope::All if ordered => parts.push("+a.feed_id IN (SELECT id FROM feeds WHERE active = 1)".into()),
        Scope::All => parts.push("a.feed_id IN (SELECT id FROM feeds WHERE active = 1)".into()),
        Scope::Feeds(ids) => {
            let list: Vec<String> = ids.iter().map(|i| i.0.to_string()).collect();
            parts.push(format!("a.feed_id IN ({})", list.join(",")));
        }
    }
    if q.unread_only {
        parts.push("a.read = 0".into());
    }
    if !q.show_hidden {
        parts.push("a.hidden_by IS NULL".into());
    }
    if q.starred_only {
        parts.push("a.starred = 1".into());
    }
    for text in [q.view.as_deref(), q.search.as_deref()].into_iter().flatten() {
        for (sql, values) in search::conditions(text) {
            parts.push(sql);
            args.extend(values);
        }
    }
    if parts.is_empty() {
        (String::new(), args)
    } else {
        (format!("WHERE {}", parts.join(" AND ")), args)
    }
}

/// Where a new article's index text goes.
pub(super) struct Indexing<'q> {
    /// Also to the rules' scratch index (see [`rules::open_scratch`]).
    pub ruled: bool,
    /// To the queue of rows written as a group ([`Store::defer_indexing`]); else to the
    /// search index with the article.
    pub queue: Option<&'q mut Vec<index_queue::Queued>>,
}

/// Empties the connection's list of articles to remove (made on first use; a temp table, never
/// written to the database or its journal).
fn fresh_victims(tx: &Connection) -> Result<()> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS victims (id INTEGER PRIMARY KEY); DELETE FROM victims;",
    )?;
    Ok(())
}

/// Removes the articles listed in `victims` with their bodies and index rows, and keeps their
/// keys in `pruned` so that a later fetch never brings them back unread; returns how many.
fn remove_victims(tx: &Connection) -> Result<u64> {
    tx.execute(
        "INSERT OR IGNORE INTO pruned (feed_id, key)
         SELECT feed_id, key FROM articles WHERE id IN (SELECT id FROM victims)",
        [],
    )?;
    tx.execute("DELETE FROM search WHERE rowid IN (SELECT id FROM victims)", [])?;
    tx.execute(
        "DELETE FROM unindexed WHERE article_id IN (SELECT id FROM victims)",
        [],
    )?;
    tx.execute(
        "DELETE FROM bodies WHERE article_id IN (SELECT id FROM victims)",
        [],
    )?;
    let n = tx.execute("DELETE FROM articles WHERE id IN (SELECT id FROM victims)", [])?;
    Ok(n as u64)
}

/// Inserts or updates one article with its body and index row. Unchanged articles (most of
/// every refresh) cost a lookup and a hash, nothing more; pruned ones never come back.
fn upsert_article(
    tx: &Connection,
    feed: FeedId,
    a: &NewArticle,
    prepared: Option<&Prepared>,
    now: DateTime<Utc>,
    stats: &mut IngestStats,
    index: &mut Indexing<'_>,
) -> Result<()> {
    let hashed;
    let hash: &str = match prepared {
        Some(p) => &p.hash,
        None => {
            hashed = content_hash(a);
            &hashed
        }
    };
    let existing: Option<(i64, String)> = tx
        .prepare_cached("SELECT id, content_hash FROM articles WHERE feed_id = ?1 AND key = ?2")?
        .query_row(params![feed.0, a.key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((id, old)) = &existing
        && same_content(old, hash, a)
    {
        if old != hash {
            // A hash from before the current form: rewritten once, so it is never made twice.
            tx.prepare_cached("UPDATE articles SET content_hash = ?2 WHERE id = ?1")?
                .execute(params![id, hash])?;
        }
        return Ok(());
    }
    let published = a.published.map(ts);
    let (id, updated) = match existing {
        Some((id, _)) => {
            tx.prepare_cached(
                "UPDATE articles SET title = ?2, author = ?3, link = ?4, published = ?5,
                    updated = ?6, sort_ts = coalesce(?8, first_seen), content_hash = ?7,
                    categories = ?9
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                a.title,
                a.author,
                a.link,
                published,
                a.updated.map(ts),
                hash,
                sortable(a.published, now),
                joined_categories(a)
            ])?;
            tx.prepare_cached("DELETE FROM search WHERE rowid = ?1")?
                .execute([id])?;
            stats.updated += 1;
            (id, true)
        }
        None => match insert_article(tx, feed, a, hash, now)? {
            Some(id) => {
                stats.new += 1;
                (id, false)
            }
            None => return Ok(()),
        },
    };
    let enclosures = (!a.enclosures.is_empty())
        .then(|| serde_json::to_string(&a.enclosures).ok())
        .flatten();
    tx.prepare_cached(
        "INSERT INTO bodies (article_id, summary, content, enclosures, comments) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (article_id) DO UPDATE SET summary = excluded.summary,
            content = excluded.content, enclosures = excluded.enclosures, comments = excluded.comments",
    )?
    .execute(params![id, a.summary, a.content, enclosures, a.comments])?;
    if updated {
        // An edited article keeps its fetched full text searchable.
        return Store::reindex_article(tx, ArticleId(id));
    }
    // Made beforehand unless the store had this article unchanged when it was prepared
    // (another process may have stored it since).
    let made;
    let body: &str = match prepared.and_then(|p| p.index_text.as_deref()) {
        Some(text) => text,
        None => {
            made = search::body_text(a.summary.as_deref(), a.content.as_deref(), None);
            &made
        }
    };
    if index.ruled {
        rules::add_to_scratch(tx, id, &a.title, body)?;
    }
    match index.queue.as_deref_mut() {
        Some(queue) => {
            index_queue::list(tx, id)?;
            queue.push(index_queue::Queued {
                id,
                hash: hash.to_string(),
                title: a.title.clone(),
                body: body.to_string(),
            });
        }
        None => {
            tx.prepare_cached("INSERT INTO search (rowid, title, body) VALUES (?1, ?2, ?3)")?
                .execute(params![id, a.title, body])?;
        }
    }
    Ok(())
}

impl Drop for Store {
    /// Index rows still queued are written: on a clean exit nothing is left for the next open.
    fn drop(&mut self) {
        if let Err(e) = self.write_index_queue() {
            tracing::warn!(error = %e, "search index rows left for the next open");
        }
    }
}

/// A transaction of its own, or the one already open on the connection (a batch of feeds'
/// ingests, [`Store::ingest_feeds`]), which commits or rolls back as a whole.
pub(crate) enum Tx<'a> {
    Own(rusqlite::Transaction<'a>),
    Joined(&'a Connection),
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Tx::Own(t) => t,
            Tx::Joined(c) => c,
        }
    }
}

impl Tx<'_> {
    /// Commits a transaction of its own; a joined one commits with the batch.
    pub(crate) fn commit(self) -> rusqlite::Result<()> {
        match self {
            Tx::Own(t) => t.commit(),
            Tx::Joined(_) => Ok(()),
        }
    }
}

/// Starts a transaction, or joins the one under way.
pub(crate) fn begin(conn: &mut Connection) -> rusqlite::Result<Tx<'_>> {
    if conn.is_autocommit() {
        Ok(Tx::Own(conn.transaction()?))
    } else {
        Ok(Tx::Joined(conn))
    }
}

/// Waits for another connection's lock: a millisecond at a time, for up to ten seconds.
/// SQLite's own wait backs off to 100 ms sleeps, so a process waiting behind a refresh that
/// writes chunk after chunk kept missing the moments between them.
fn wait_for_lock(attempt: i32) -> bool {
    std::thread::sleep(Duration::from_millis(1));
    attempt < 10_000
}

/// The time an article sorts by: its own date, unless that is more than a day after it was
/// fetched (a feed cannot pin items on top of every view for ever); then the time first seen.
/// The feed's own date is kept for display.
fn sortable(published: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<i64> {
    published
        .filter(|p| *p <= now + chrono::Duration::days(1))
        .map(ts)
}

/// A new article's row; `None` for one pruned before, which must not come back unread.
fn insert_article(
    tx: &Connection,
    feed: FeedId,
    a: &NewArticle,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    if tx
        .prepare_cached("SELECT 1 FROM pruned WHERE feed_id = ?1 AND key = ?2")?
        .exists(params![feed.0, a.key])?
    {
        return Ok(None);
    }
    let published = a.published.map(ts);
    tx.prepare_cached(
        "INSERT INTO articles (feed_id, key, title, author, link, published, updated,
            sort_ts, first_seen, content_hash, categories)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        feed.0,
        a.key,
        a.title,
        a.author,
        a.link,
        published,
        a.updated.map(ts),
        sortable(a.published, now).unwrap_or(ts(now)),
        ts(now),
        hash,
        joined_categories(a)
    ])?;
    Ok(Some(tx.last_insert_rowid()))
}

/// Categories as stored: `,a,b,` (for `category:`, a LIKE on `,value,`), or none.
fn joined_categories(a: &NewArticle) -> Option<String> {
    (!a.categories.is_empty()).then(|| format!(",{},", a.categories.join(",")))
}

/// Marks a content hash in its current form ([`content_hash`]); one without it is SHA-256's
/// ([`legacy_content_hash`]), from before.
const HASH_FORM: &str = "x3:";

/// What an article's content is, to tell a changed article from an unchanged one: a 128-bit
/// xxh3 of its fields. The hash only detects change, nothing adversarial depends on it, and
/// SHA-256 over every article's text was 3 % of a cold refresh.
fn content_hash(a: &NewArticle) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for part in content_parts(a) {
        h.update(part.unwrap_or("\u{0}").as_bytes());
        h.update(&[0xff]);
    }
    h.update(&a.published.map(ts).unwrap_or(0).to_le_bytes());
    for e in &a.enclosures {
        h.update(e.url.as_bytes());
    }
    format!("{HASH_FORM}{:032x}", h.digest128())
}

/// The fields a content hash covers (with the date and the enclosures' URLs).
fn content_parts(a: &NewArticle) -> [Option<&str>; 5] {
    [
        Some(a.title.as_str()),
        a.author.as_deref(),
        a.link.as_deref(),
        a.summary.as_deref(),
        a.content.as_deref(),
    ]
}

/// Whether `stored`, the hash the store has for an article, is that of `a` (whose current
/// hash is `hash`). A stored hash from before the current form is compared in its own form.
fn same_content(stored: &str, hash: &str, a: &NewArticle) -> bool {
    stored == hash || (!stored.starts_with(HASH_FORM) && stored == legacy_content_hash(a))
}

/// The content hash stores written before [`HASH_FORM`] hold: SHA-256, 16 bytes in hex.
fn legacy_content_hash(a: &NewArticle) -> String {
    let mut h = Sha256::new();
    for part in content_parts(a) {
        h.update(part.unwrap_or("\u{0}").as_bytes());
        h.update([0xff]);
    }
    h.update(a.published.map(ts).unwrap_or(0).to_le_bytes());
    for e in &a.enclosures {
        h.update(e.url.as_bytes());
    }
    let digest = h.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
