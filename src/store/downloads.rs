//! The download queue: which enclosures are to be downloaded, which are done (and where)
//! and which failed (and why). The bytes themselves are `download`'s business.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Result, Store, ts};
use crate::model::{ArticleId, Enclosure};

/// One queued or finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadJob {
    pub article: ArticleId,
    pub url: String,
    /// `queued`, `done` or `failed`.
    pub state: String,
    pub file: Option<String>,
    pub error: Option<String>,
    pub title: String,
}

impl Store {
    /// Queues the article's enclosures; one already queued or done stays as it is, a failed
    /// one is tried again. Returns how many are now waiting.
    pub fn queue_download(&mut self, id: ArticleId, now: DateTime<Utc>) -> Result<usize> {
        let enclosures: Vec<Enclosure> = self
            .conn
            .query_row(
                "SELECT enclosures FROM bodies WHERE article_id = ?1",
                [id.0],
                |r| r.get::<_, Option<String>>(0),
            )
            .ok()
            .flatten()
            .and_then(|e| serde_json::from_str(&e).ok())
            .unwrap_or_default();
        let tx = self.conn.transaction()?;
        let mut n = 0;
        for e in enclosures {
            n += tx
                .prepare_cached(
                    "INSERT INTO downloads (article_id, url, state, queued) VALUES (?1, ?2, 'queued', ?3)
                     ON CONFLICT (article_id, url) DO UPDATE SET state = 'queued', error = NULL
                     WHERE state = 'failed'",
                )?
                .execute(params![id.0, e.url, ts(now)])?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// Queues the enclosures of a feed's newest `n` articles that were never queued
    /// (`auto_download = n`).
    pub fn queue_newest(
        &mut self,
        feed: crate::model::FeedId,
        n: usize,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let ids: Vec<i64> = self
            .conn
            .prepare(
                "SELECT a.id FROM articles a JOIN bodies b ON b.article_id = a.id
                 WHERE a.feed_id = ?1 AND b.enclosures IS NOT NULL
                 ORDER BY a.sort_ts DESC, a.id DESC LIMIT ?2",
            )?
            .query_map(params![feed.0, n as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // Known ones are skipped after the LIMIT, not in it: the newest N are the episodes
        // wanted, and an older one must not move up once a newer one was downloaded.
        let mut queued = 0;
        for id in ids {
            let known: bool = self
                .conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM downloads WHERE article_id = ?1)")?
                .query_row([id], |r| r.get(0))?;
            if !known {
                queued += self.queue_download(ArticleId(id), now)?;
            }
        }
        Ok(queued)
    }

    /// `queue_newest` for each (feed URL as in the config, N) of feeds with `auto_download`.
    pub fn queue_auto(&mut self, feeds: &[(String, usize)], now: DateTime<Utc>) -> Result<usize> {
        let mut n = 0;
        for (url, newest) in feeds {
            let id: Option<i64> = rusqlite::OptionalExtension::optional(self.conn.query_row(
                "SELECT id FROM feeds WHERE url = ?1",
                [url],
                |r| r.get(0),
            ))?;
            if let Some(id) = id {
                n += self.queue_newest(crate::model::FeedId(id), *newest, now)?;
            }
        }
        Ok(n)
    }

    /// Every download, waiting ones first, then the newest.
    pub fn downloads(&self) -> Result<Vec<DownloadJob>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.article_id, d.url, d.state, d.file, d.error, coalesce(a.title, '')
             FROM downloads d LEFT JOIN articles a ON a.id = d.article_id
             ORDER BY d.state != 'queued', d.queued DESC, d.article_id, d.url",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(DownloadJob {
                    article: ArticleId(r.get(0)?),
                    url: r.get(1)?,
                    state: r.get(2)?,
                    file: r.get(3)?,
                    error: r.get(4)?,
                    title: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Leaves a download queued for the next run, saying why this one stopped (a broken
    /// connection, a full disk): what is on disk resumes then.
    pub fn retry_download(&mut self, id: ArticleId, url: &str, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE downloads SET state = 'queued', error = ?3 WHERE article_id = ?1 AND url = ?2",
            params![id.0, url, error],
        )?;
        Ok(())
    }

    /// Records how a download ended: the file, or why not.
    pub fn finish_download(
        &mut self,
        id: ArticleId,
        url: &str,
        outcome: std::result::Result<&str, &str>,
    ) -> Result<()> {
        let (state, file, error) = match outcome {
            Ok(f) => ("done", Some(f), None),
            Err(e) => ("failed", None, Some(e)),
        };
        self.conn.execute(
            "UPDATE downloads SET state = ?3, file = ?4, error = ?5 WHERE article_id = ?1 AND url = ?2",
            params![id.0, url, state, file, error],
        )?;
        Ok(())
    }
}
