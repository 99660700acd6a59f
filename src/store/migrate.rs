//! Schema versions, applied in order inside one transaction each and recorded in
//! `PRAGMA user_version`. A database newer than this binary is refused rather than guessed at.

use rusqlite::Connection;

/// Each entry migrates from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: feeds, articles, bodies kept apart so list queries never touch them, FTS5 search,
    // and tombstones for pruned articles so they do not come back as unread. The search index
    // keeps no positions (detail = none): searches are per-word prefix matches, and indexing
    // is the largest cost of a refresh.
    r#"
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        active INTEGER NOT NULL DEFAULT 1,
        removed_at INTEGER,
        title TEXT,
        site_link TEXT,
        etag TEXT,
        last_modified TEXT,
        last_fetch INTEGER,
        last_success INTEGER,
        last_status INTEGER,
        last_error TEXT,
        failing_since INTEGER,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        redirect_url TEXT,
        next_attempt INTEGER
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id),
        key TEXT NOT NULL,
        title TEXT NOT NULL,
        author TEXT,
        link TEXT,
        published INTEGER,
        updated INTEGER,
        sort_ts INTEGER NOT NULL,
        first_seen INTEGER NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL,
        UNIQUE (feed_id, key)
    );
    CREATE INDEX articles_by_time ON articles (sort_ts DESC, id DESC);
    CREATE INDEX articles_by_feed_time ON articles (feed_id, sort_ts DESC, id DESC);
    CREATE INDEX articles_unread ON articles (feed_id) WHERE read = 0;
    CREATE INDEX articles_starred ON articles (feed_id) WHERE starred = 1;
    CREATE TABLE bodies (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        summary TEXT,
        content TEXT,
        enclosures TEXT,
        full_html TEXT
    );
    CREATE VIRTUAL TABLE search USING fts5 (
        title, body,
        content = '', contentless_delete = 1, detail = none,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE pruned (
        feed_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        PRIMARY KEY (feed_id, key)
    ) WITHOUT ROWID;
    "#,
    // 1 -> 2: the time index also covers feed, read and starred, so the "All" view walks it in
    // order and skips an OFFSET without touching the table (was a temp B-tree sort).
    r#"
    DROP INDEX articles_by_time;
    CREATE INDEX articles_by_time ON articles (sort_ts DESC, id DESC, feed_id, read, starred);
    "#,
    // 2 -> 3: the name the config gives a feed, so a feed whose URL is edited by hand keeps its
    // identity (and its read and starred articles) when its name stays; its tags, for `tag:`
    // in searches.
    r#"
    ALTER TABLE feeds ADD COLUMN config_name TEXT;
    ALTER TABLE feeds ADD COLUMN config_tags TEXT;
    "#,
    // 3 -> 4: the search index keeps positions, for phrases ("...") and column filters
    // (title:); it is rebuilt from the stored articles when the store next opens.
    r#"
    DROP TABLE search;
    CREATE VIRTUAL TABLE search USING fts5 (
        title, body,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
    INSERT INTO meta (key, value) VALUES ('reindex', '1');
    "#,
    // 4 -> 5: the search index merges 8 segments at a time rather than 4, half the merging
    // while a refresh writes (the setting lives in the index itself).
    r#"
    INSERT INTO search (search, rank) VALUES ('automerge', 8);
    "#,
    // 5 -> 6: sync accounts. A feed synced from a server belongs to its account (and is
    // never polled); an article from one has the server's item id. Every local mark on such
    // an article goes to the outbox in the mark's own transaction and leaves it only once
    // the server has taken it, so a crash or an offline server loses nothing.
    r#"
    ALTER TABLE feeds ADD COLUMN account TEXT;
    ALTER TABLE feeds ADD COLUMN remote_id TEXT;
    ALTER TABLE feeds ADD COLUMN remote_url TEXT;
    ALTER TABLE articles ADD COLUMN remote_id INTEGER;
    CREATE INDEX articles_remote ON articles (remote_id) WHERE remote_id IS NOT NULL;
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        article_id INTEGER,
        remote_id INTEGER NOT NULL,
        flag TEXT NOT NULL,
        value INTEGER NOT NULL,
        created INTEGER NOT NULL
    );
    CREATE INDEX outbox_by_article ON outbox (article_id, flag);
    CREATE TABLE accounts (
        name TEXT PRIMARY KEY,
        newest_crawl_usec INTEGER,
        last_sync INTEGER,
        last_success INTEGER,
        last_error TEXT,
        failing_since INTEGER
    ) WITHOUT ROWID;
    "#,
    // 6 -> 7: rules. An article keeps its categories (for `category:`), the rule that hid it
    // (hidden, never deleted) and the tags rules gave it; `rule_hits` says which rule acted on
    // which article, so a rule is explainable and marks an article once, not at every re-run.
    // Unread counts leave hidden articles out, so the unread index does too.
    r#"
    ALTER TABLE articles ADD COLUMN categories TEXT;
    ALTER TABLE articles ADD COLUMN hidden_by TEXT;
    ALTER TABLE articles ADD COLUMN rule_tags TEXT;
    DROP INDEX articles_unread;
    CREATE INDEX articles_unread ON articles (feed_id) WHERE read = 0 AND hidden_by IS NULL;
    CREATE TABLE rule_hits (
        article_id INTEGER NOT NULL,
        rule TEXT NOT NULL,
        name TEXT NOT NULL,
        action TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (article_id, rule)
    ) WITHOUT ROWID;
    CREATE TABLE rules_seen (rule TEXT PRIMARY KEY, first_seen INTEGER NOT NULL) WITHOUT ROWID;
    "#,
    // 7 -> 8: an article's discussion page (RSS `comments`), kept apart from its link.
    r#"
    ALTER TABLE bodies ADD COLUMN comments TEXT;
    "#,
    // 8 -> 9: the download queue. One row per article and enclosure URL: queued, done (with
    // the file) or failed (with why). A half-downloaded file lives beside its final name as
    // `.part`, so a download killed midway resumes from what is on disk.
    r#"
    CREATE TABLE downloads (
        article_id INTEGER NOT NULL,
        url TEXT NOT NULL,
        state TEXT NOT NULL,
        file TEXT,
        error TEXT,
        queued INTEGER NOT NULL,
        PRIMARY KEY (article_id, url)
    ) WITHOUT ROWID;
    CREATE INDEX downloads_state ON downloads (state);
    "#,
    // 9 -> 10: the search index keeps which column holds a term, not where (`detail =
    // column`), and is given each body's distinct words, not every word: indexing was a third
    // of a cold refresh's CPU, all of it on the one writer thread. Phrases are checked
    // against the article's text instead (the `phrase()` function, `store/phrase.rs`).
    // Rebuilt when the store next opens.
    r#"
    DROP TABLE search;
    CREATE VIRTUAL TABLE search USING fts5 (
        title, body,
        content = '', contentless_delete = 1, detail = column,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO search (search, rank) VALUES ('automerge', 8);
    INSERT OR REPLACE INTO meta (key, value) VALUES ('reindex', '1');
    "#,
    // 10 -> 11: the refresh writes the search index in groups (`store/index_queue.rs`):
    // articles stored but not yet indexed are listed here, so a crash loses no index rows;
    // and the index holds a group's pending terms in memory (8 MiB) instead of writing a
    // segment every megabyte.
    r#"
    CREATE TABLE unindexed (article_id INTEGER PRIMARY KEY);
    INSERT INTO search (search, rank) VALUES ('hashsize', 8388608);
    "#,
    // 11 -> 12: segments are merged 16 at a time rather than 8. With a group of 1 000
    // articles per segment, a 10 000-article refresh makes ten segments and merges none, and
    // a 100 000-article one merges each segment about once instead of again a level up;
    // the smaller group is a shorter pause of the writer, which the refresh's pipeline
    // absorbs (`index_queue::INDEX_GROUP`).
    r#"
    INSERT INTO search (search, rank) VALUES ('automerge', 16);
    "#,
];

/// The schema version this binary writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(
        "the database has schema version {found}, newer than this tidings ({supported}); upgrade tidings"
    )]
    TooNew { found: i64, supported: i64 },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// Brings the database up to [`CURRENT_VERSION`]; returns how many migrations ran.
pub fn migrate(conn: &mut Connection) -> Result<usize, MigrateError> {
    migrate_to(conn, CURRENT_VERSION)
}

/// Brings the database up to `target` (tests build older schemas with it); returns how many
/// migrations ran.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<usize, MigrateError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > CURRENT_VERSION {
        return Err(MigrateError::TooNew {
            found: version,
            supported: CURRENT_VERSION,
        });
    }
    let pending = MIGRATIONS
        .get(version as usize..target.clamp(version, CURRENT_VERSION) as usize)
        .unwrap_or_default();
    if pending.is_empty() {
        return Ok(0);
    }
    // All of them in one transaction: an upgrade cut short leaves the old schema whole, and
    // each page reaches the journal once (a new database's schema was written twelve times,
    // 400 system calls, before a refresh could send its first request).
    let tx = conn.transaction()?;
    for sql in pending {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", version + pending.len() as i64)?;
    tx.commit()?;
    Ok(pending.len())
}
