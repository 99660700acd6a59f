//! The store's side of sync: an account's feed rows, articles keyed by the server's item ids,
//! the outbox of local marks, and reconciling read and starred state with the server's lists.
//!
//! The rule that keeps marks from reverting: a mark still in the outbox wins over whatever
//! the server says, because the server has not seen it yet. Marks enter the outbox in their
//! own transaction ([`queue_marks`]) and leave it only when the server has taken them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{IngestStats, Result, Store, from_ts, ts, upsert_article};
use crate::model::{AccountState, FeedId, NewArticle, OutboxEntry, RemoteFeed, SyncFlag};

/// The store's key for an account's feed row (never a fetchable URL, so the poller and the
/// config's own feeds can never collide with it).
fn feed_key(account: &str, remote_id: &str) -> String {
    format!("account:{account}:{remote_id}")
}

/// The server's item id as the long Google Reader form, the article's stable key.
pub fn item_key(remote_id: i64) -> String {
    format!("tag:google.com,2005:reader/item/{:016x}", remote_id as u64)
}

/// Queues `ids`' new `column` value for the server, for those articles that came from an
/// account; runs inside the mark's own transaction.
pub(super) fn queue_marks(
    tx: &rusqlite::Connection,
    ids: &[crate::model::ArticleId],
    column: &str,
    on: bool,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // A rule marking thousands of articles of local feeds has nothing to queue: say so once.
    let synced: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM feeds WHERE account IS NOT NULL)")?
        .query_row([], |r| r.get(0))?;
    if !synced {
        return Ok(());
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO outbox (account, article_id, remote_id, flag, value, created)
         SELECT f.account, a.id, a.remote_id, ?2, ?3, ?4 FROM articles a JOIN feeds f ON f.id = a.feed_id
         WHERE a.id = ?1 AND a.remote_id IS NOT NULL AND f.account IS NOT NULL",
    )?;
    let now = ts(Utc::now());
    for id in ids {
        stmt.execute(params![id.0, column, on, now])?;
    }
    Ok(())
}

/// One new item from the server, ready to store under the feed the server files it in.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteArticle {
    pub feed: FeedId,
    pub remote_id: i64,
    pub article: NewArticle,
}

impl Store {
    /// Makes the account's feed rows match the server's subscriptions: listed ones active
    /// (created if new, title, link and folders refreshed), others inactive (their articles
    /// stay until retention). Returns the row of each server stream id.
    pub fn sync_subscriptions(
        &mut self,
        account: &str,
        feeds: &[RemoteFeed],
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, FeedId>> {
        let tx = self.conn.transaction()?;
        let mut rows = HashMap::with_capacity(feeds.len());
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO feeds (url, account, remote_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (url) DO UPDATE SET active = 1
                 RETURNING id",
            )?;
            let mut set = tx.prepare_cached(
                "UPDATE feeds SET active = 1, removed_at = NULL, title = ?2, site_link = ?3,
                    remote_url = ?4, config_tags = ?5, last_fetch = ?6, last_success = ?6,
                    last_error = NULL
                 WHERE id = ?1",
            )?;
            for f in feeds {
                let id: i64 =
                    upsert.query_row(params![feed_key(account, &f.id), account, f.id], |r| r.get(0))?;
                // As the config's tags are kept (`,a,b,`, for `tag:`), in the server's spelling;
                // LIKE compares without case.
                let folders: Vec<String> = f.folders.iter().map(|t| t.replace(',', " ")).collect();
                let tags = (!folders.is_empty()).then(|| format!(",{},", folders.join(",")));
                set.execute(params![id, f.title, f.site_link, f.url, tags, ts(now)])?;
                rows.insert(f.id.clone(), FeedId(id));
            }
        }
        let listed: HashSet<i64> = rows.values().map(|f| f.0).collect();
        let mine: Vec<i64> = tx
            .prepare_cached("SELECT id FROM feeds WHERE account = ?1 AND active = 1")?
            .query_map([account], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in mine.into_iter().filter(|id| !listed.contains(id)) {
            tx.execute(
                "UPDATE feeds SET active = 0, removed_at = ?2 WHERE id = ?1",
                params![id, ts(now)],
            )?;
        }
        tx.commit()?;
        Ok(rows)
    }

    /// Retires the feeds of accounts the config no longer lists (their articles stay until
    /// retention, and return with their marks if the account comes back).
    pub fn retire_accounts_except(&mut self, accounts: &[&str], now: DateTime<Utc>) -> Result<usize> {
        let listed: HashSet<&str> = accounts.iter().copied().collect();
        let active: Vec<(i64, String)> = self
            .conn
            .prepare_cached("SELECT id, account FROM feeds WHERE account IS NOT NULL AND active = 1")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let gone: Vec<i64> = active
            .into_iter()
            .filter(|(_, a)| !listed.contains(a.as_str()))
            .map(|(id, _)| id)
            .collect();
        if gone.is_empty() {
            return Ok(0);
        }
        let tx = self.conn.transaction()?;
        for id in &gone {
            tx.execute(
                "UPDATE feeds SET active = 0, removed_at = ?2 WHERE id = ?1",
                params![id, ts(now)],
            )?;
        }
        tx.commit()?;
        Ok(gone.len())
    }

    /// The server's stream id of an account's feed row.
    pub fn remote_feed_id(&self, feed: FeedId) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT remote_id FROM feeds WHERE id = ?1 AND account IS NOT NULL",
                [feed.0],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// The account's active feeds: row, title and folders, for the feed list.
    pub fn account_feeds(&self, account: &str) -> Result<Vec<(FeedId, String, Vec<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, coalesce(title, remote_url, remote_id), coalesce(config_tags, '') FROM feeds
             WHERE account = ?1 AND active = 1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([account], |r| {
                let tags: String = r.get(2)?;
                Ok((
                    FeedId(r.get(0)?),
                    r.get(1)?,
                    tags.split(',')
                        .filter(|t| !t.is_empty())
                        .map(str::to_string)
                        .collect(),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every server item id the store has, or had and pruned: the items never to download
    /// again.
    pub fn known_items(&self, account: &str) -> Result<HashSet<i64>> {
        let mut known = HashSet::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.remote_id FROM articles a JOIN feeds f ON f.id = a.feed_id
             WHERE f.account = ?1 AND a.remote_id IS NOT NULL",
        )?;
        for id in stmt.query_map([account], |r| r.get::<_, i64>(0))? {
            known.insert(id?);
        }
        let mut pruned = self.conn.prepare_cached(
            "SELECT p.key FROM pruned p JOIN feeds f ON f.id = p.feed_id WHERE f.account = ?1",
        )?;
        for key in pruned.query_map([account], |r| r.get::<_, String>(0))? {
            if let Some(id) = parse_item_key(&key?) {
                known.insert(id);
            }
        }
        Ok(known)
    }

    /// Stores new server items (one transaction) with their item ids.
    pub fn ingest_remote(&mut self, items: &[RemoteArticle], now: DateTime<Utc>) -> Result<IngestStats> {
        if !self.rules.is_empty() {
            self.reapply_if_changed(now)?;
        }
        let tx = self.conn.transaction()?;
        let mut stats = IngestStats::default();
        let before = super::rules::last_article_id(&tx)?;
        // Server items are indexed with their articles: a sync is small.
        let mut index = super::Indexing {
            ruled: super::rules::open_scratch(&tx, &self.rules)?,
            queue: None,
        };
        {
            let mut set_id =
                tx.prepare_cached("UPDATE articles SET remote_id = ?3 WHERE feed_id = ?1 AND key = ?2")?;
            for item in items {
                upsert_article(&tx, item.feed, &item.article, None, now, &mut stats, &mut index)?;
                set_id.execute(params![item.feed.0, item.article.key, item.remote_id])?;
            }
        }
        if stats.new > 0 {
            super::rules::apply_to_new(&tx, &self.rules, before, now)?;
        }
        tx.commit()?;
        Ok(stats)
    }

    /// Sets read and starred on the account's articles from the server's unread and starred
    /// id lists, except where a local mark is still waiting in the outbox. Returns how many
    /// articles changed.
    pub fn reconcile(&mut self, account: &str, unread: &[i64], starred: &[i64]) -> Result<u64> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS remote_state (kind INTEGER, id INTEGER, PRIMARY KEY (kind, id))
                 WITHOUT ROWID;
             DELETE FROM temp.remote_state;",
        )?;
        {
            let mut put =
                tx.prepare_cached("INSERT OR IGNORE INTO temp.remote_state (kind, id) VALUES (?1, ?2)")?;
            for id in unread {
                put.execute(params![0, id])?;
            }
            for id in starred {
                put.execute(params![1, id])?;
            }
        }
        let mut changed = 0;
        for (column, kind, on_when_listed) in [("read", 0, false), ("starred", 1, true)] {
            let listed = format!(
                "EXISTS (SELECT 1 FROM temp.remote_state s WHERE s.kind = {kind} AND s.id = articles.remote_id)"
            );
            let value = if on_when_listed {
                listed.clone()
            } else {
                format!("NOT {listed}")
            };
            changed += tx.execute(
                &format!(
                    "UPDATE articles SET {column} = {value}
                     WHERE remote_id IS NOT NULL AND {column} != {value}
                       AND feed_id IN (SELECT id FROM feeds WHERE account = ?1)
                       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.article_id = articles.id AND o.flag = ?2)"
                ),
                params![account, column],
            )? as u64;
        }
        tx.execute("DELETE FROM temp.remote_state", [])?;
        tx.commit()?;
        Ok(changed)
    }

    /// The account's waiting marks, oldest first.
    pub fn outbox(&self, account: &str) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, remote_id, flag, value FROM outbox WHERE account = ?1 ORDER BY seq",
        )?;
        let rows = stmt
            .query_map([account], |r| {
                let flag: String = r.get(2)?;
                Ok(OutboxEntry {
                    seq: r.get(0)?,
                    remote_id: r.get(1)?,
                    flag: if flag == "starred" {
                        SyncFlag::Starred
                    } else {
                        SyncFlag::Read
                    },
                    value: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Removes the marks the server has taken (those up to `seq`; later ones stay).
    pub fn outbox_done(&mut self, account: &str, seq: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM outbox WHERE account = ?1 AND seq <= ?2",
            params![account, seq],
        )?;
        Ok(())
    }

    /// The account as the store knows it (a default one if it has never synced).
    pub fn account_state(&self, account: &str) -> Result<AccountState> {
        let row = self
            .conn
            .query_row(
                "SELECT newest_crawl_usec, last_sync, last_success, last_error, failing_since FROM accounts
                 WHERE name = ?1",
                [account],
                |r| {
                    Ok(AccountState {
                        name: account.to_string(),
                        newest_crawl_usec: r.get(0)?,
                        last_sync: from_ts(r.get(1)?),
                        last_success: from_ts(r.get(2)?),
                        last_error: r.get(3)?,
                        failing_since: from_ts(r.get(4)?),
                        ..AccountState::default()
                    })
                },
            )
            .optional()?;
        let mut state = row.unwrap_or_else(|| AccountState {
            name: account.to_string(),
            ..AccountState::default()
        });
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [account], |r| r.get::<_, i64>(0))? as u64)
        };
        state.pending = count("SELECT count(*) FROM outbox WHERE account = ?1")?;
        state.feeds = count("SELECT count(*) FROM feeds WHERE account = ?1 AND active = 1")?;
        Ok(state)
    }

    /// Records a sync that succeeded, with the crawl time of the newest server item stored.
    pub fn record_sync_success(
        &mut self,
        account: &str,
        newest_crawl_usec: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO accounts (name, newest_crawl_usec, last_sync, last_success) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (name) DO UPDATE SET newest_crawl_usec = max(coalesce(newest_crawl_usec, 0), coalesce(?2, 0)),
                last_sync = ?3,
                last_success = ?3, last_error = NULL, failing_since = NULL",
            params![account, newest_crawl_usec, ts(now)],
        )?;
        Ok(())
    }

    /// Records a sync that failed; nothing else changes.
    pub fn record_sync_failure(&mut self, account: &str, error: &str, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO accounts (name, last_sync, last_error, failing_since) VALUES (?1, ?2, ?3, ?2)
             ON CONFLICT (name) DO UPDATE SET last_sync = ?2, last_error = ?3,
                failing_since = coalesce(failing_since, ?2)",
            params![account, ts(now), error],
        )?;
        Ok(())
    }
}

/// The item id in a long-form key, if `key` is one.
pub fn parse_item_key(key: &str) -> Option<i64> {
    let hex = key.strip_prefix("tag:google.com,2005:reader/item/")?;
    u64::from_str_radix(hex, 16).ok().map(|v| v as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArticleId, Query};

    fn article(id: i64) -> NewArticle {
        NewArticle {
            key: item_key(id),
            title: format!("item {id}"),
            author: None,
            link: Some(format!("http://example.invalid/{id}")),
            published: None,
            updated: None,
            summary: None,
            content: Some(format!("<p>body {id}</p>")),
            enclosures: vec![],
            comments: None,
            categories: Vec::new(),
        }
    }

    fn remote_feed(id: &str, folder: &str) -> RemoteFeed {
        RemoteFeed {
            id: id.to_string(),
            title: format!("Feed {id}"),
            url: Some(format!("http://example.invalid/{id}.xml")),
            site_link: None,
            folders: vec![folder.to_string()],
        }
    }

    fn store_with_items(ids: &[i64]) -> (tempfile::TempDir, Store, FeedId) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = Store::open(&dir.path().join("t.db")).expect("open");
        let rows = s
            .sync_subscriptions("fr", &[remote_feed("feed/1", "Tech")], Utc::now())
            .expect("subs");
        let feed = rows["feed/1"];
        let items: Vec<RemoteArticle> = ids
            .iter()
            .map(|&id| RemoteArticle {
                feed,
                remote_id: id,
                article: article(id),
            })
            .collect();
        s.ingest_remote(&items, Utc::now()).expect("ingest");
        (dir, s, feed)
    }

    fn id_of(s: &Store, remote: i64) -> ArticleId {
        let ids = s.ids(&Query::default()).expect("ids");
        ids.into_iter()
            .find(|id| s.body(*id).expect("body").expect("some").summary.title == format!("item {remote}"))
            .expect("article")
    }

    fn read_of(s: &Store, remote: i64) -> bool {
        s.body(id_of(s, remote))
            .expect("body")
            .expect("some")
            .summary
            .read
    }

    #[test]
    fn a_mark_on_a_synced_article_is_queued_in_the_same_write() {
        let (_d, mut s, _) = store_with_items(&[10, 11]);
        let a = id_of(&s, 10);
        s.set_read(&[a], true).expect("mark");
        s.set_starred(&[a], true).expect("star");
        let out = s.outbox("fr").expect("outbox");
        assert_eq!(out.len(), 2);
        assert_eq!(
            (out[0].remote_id, out[0].flag, out[0].value),
            (10, SyncFlag::Read, true)
        );
        assert_eq!(
            (out[1].remote_id, out[1].flag, out[1].value),
            (10, SyncFlag::Starred, true)
        );
        s.mark_all_read(&Query::default()).expect("all");
        assert_eq!(
            s.outbox("fr").expect("outbox").len(),
            3,
            "11 was queued by mark-all-read"
        );
    }

    #[test]
    fn a_waiting_mark_wins_over_the_servers_older_state() {
        let (_d, mut s, _) = store_with_items(&[10, 11, 12]);
        s.set_read(&[id_of(&s, 10)], true).expect("mark");
        // The server still says all three are unread, and 12 read.
        let changed = s.reconcile("fr", &[10, 11], &[11]).expect("reconcile");
        assert!(read_of(&s, 10), "the outbox's mark stands");
        assert!(!read_of(&s, 11));
        assert!(read_of(&s, 12), "read on the server");
        assert_eq!(changed, 2, "12 read, 11 starred");
        // Once pushed, the server's state applies again.
        let last = s.outbox("fr").expect("outbox").last().expect("one").seq;
        s.outbox_done("fr", last).expect("done");
        s.reconcile("fr", &[10, 11], &[]).expect("reconcile");
        assert!(!read_of(&s, 10));
    }

    #[test]
    fn outbox_done_keeps_marks_made_after_the_push_began() {
        let (_d, mut s, _) = store_with_items(&[10]);
        let a = id_of(&s, 10);
        s.set_read(&[a], true).expect("mark");
        let pushed = s.outbox("fr").expect("outbox").last().expect("one").seq;
        s.set_read(&[a], false).expect("unmark");
        s.outbox_done("fr", pushed).expect("done");
        let left = s.outbox("fr").expect("outbox");
        assert_eq!(left.len(), 1);
        assert!(!left[0].value);
    }

    #[test]
    fn known_items_covers_stored_and_pruned_items_and_subscriptions_retire() {
        let (_d, mut s, feed) = store_with_items(&[10, 11]);
        assert_eq!(s.known_items("fr").expect("known"), HashSet::from([10, 11]));
        assert!(s.known_items("other").expect("known").is_empty());
        s.conn
            .execute(
                "INSERT INTO pruned (feed_id, key) VALUES (?1, ?2)",
                params![feed.0, item_key(99)],
            )
            .expect("tombstone");
        assert!(s.known_items("fr").expect("known").contains(&99));
        let feeds = s.account_feeds("fr").expect("feeds");
        assert_eq!(
            feeds,
            vec![(feed, "Feed feed/1".to_string(), vec!["Tech".to_string()])]
        );
        s.sync_subscriptions("fr", &[remote_feed("feed/2", "News")], Utc::now())
            .expect("subs");
        let feeds = s.account_feeds("fr").expect("feeds");
        assert_eq!(feeds.len(), 1);
        assert_eq!(feeds[0].1, "Feed feed/2");
        assert_eq!(
            parse_item_key(&item_key(1_700_000_000_123_456)),
            Some(1_700_000_000_123_456)
        );
    }

    #[test]
    fn a_failed_sync_is_recorded_and_cleared_by_the_next_success() {
        let (_d, mut s, _) = store_with_items(&[10]);
        s.record_sync_failure("fr", "HTTP 503", Utc::now()).expect("fail");
        let st = s.account_state("fr").expect("state");
        assert_eq!(st.last_error.as_deref(), Some("HTTP 503"));
        assert_eq!(st.feeds, 1);
        s.record_sync_success("fr", Some(10), Utc::now()).expect("ok");
        let st = s.account_state("fr").expect("state");
        assert_eq!((st.last_error, st.newest_crawl_usec), (None, Some(10)));
    }
}
