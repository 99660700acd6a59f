//! The search index written in groups. FTS5 writes a new segment of its index at every
//! commit and merges segments as they pile up; a cold refresh committed a segment per batch
//! of 250 articles, and merging them again was a fifth of its CPU. The writer thread
//! ([`crate::store::StoreHandle`]) instead queues each new article's index row and writes
//! the queue as one group ([`INDEX_GROUP`] articles, at the end of a refresh pass, or when
//! the writer goes idle): a few large segments, which need no merging.
//!
//! Nothing is lost in between. An article's row in `unindexed` is written in the same
//! transaction as the article; writing the group deletes those rows in the transaction that
//! indexes them, and the next open indexes whatever is still listed (a crash, a `kill -9`)
//! from the stored bodies. A queued row is written only while its article still has the
//! content it was made from, so an article pruned, edited or indexed by another process
//! meanwhile is never indexed twice or with old text.

use rusqlite::{Connection, params};

use super::Result;

/// Articles whose index rows are written together. Each group is one segment, merged 16 at a
/// time (migration 12). The writer stops taking feeds while it writes a group: 1 000 is a
/// pause the pipeline's waiting feeds cover; 2 000 was not (the parse threads fell idle), and
/// held twice the text (`benches/cold20.sh`: 4 % less wall time at 1 000; 100 000 articles:
/// 10 % less CPU and 2–4 MiB less at the peak, with 16-way merging). At 700 more segments
/// cost more than the shorter pauses saved.
pub const INDEX_GROUP: usize = 1_000;

/// One article's index row, waiting.
#[derive(Debug, Clone)]
pub(crate) struct Queued {
    pub id: i64,
    /// The content hash the row was made from.
    pub hash: String,
    pub title: String,
    pub body: String,
}

/// Lists a new article as not yet indexed (in its own transaction).
pub(super) fn list(tx: &Connection, id: i64) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO unindexed (article_id) VALUES (?1)")?
        .execute([id])?;
    Ok(())
}

/// Writes the queued rows whose article is still listed with the same content; returns how
/// many were written.
pub(super) fn write(tx: &Connection, rows: Vec<Queued>) -> Result<usize> {
    let mut written = 0;
    let mut claim = tx.prepare_cached(
        "DELETE FROM unindexed WHERE article_id = ?1
           AND (SELECT content_hash FROM articles WHERE id = ?1) = ?2",
    )?;
    let mut add = tx.prepare_cached("INSERT INTO search (rowid, title, body) VALUES (?1, ?2, ?3)")?;
    for row in rows {
        if claim.execute(params![row.id, row.hash])? == 1 {
            add.execute(params![row.id, row.title, row.body])?;
            written += 1;
        }
    }
    Ok(written)
}

/// Indexes every article still listed as unindexed, from what is stored (after a crash, or
/// rows another process had queued); returns how many.
pub(super) fn recover(conn: &mut Connection) -> Result<usize> {
    let listed: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM unindexed)", [], |r| r.get(0))?;
    if !listed {
        return Ok(0);
    }
    let tx = conn.transaction()?;
    let ids: Vec<i64> = tx
        .prepare("SELECT article_id FROM unindexed")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for &id in &ids {
        super::Store::reindex_article(&tx, crate::model::ArticleId(id))?;
    }
    tx.execute("DELETE FROM unindexed", [])?;
    tx.commit()?;
    tracing::info!(
        articles = ids.len(),
        "indexed articles a previous run had left unindexed"
    );
    Ok(ids.len())
}

/// Forgets that an article is waiting: it is indexed directly, or removed.
pub(super) fn unlist(tx: &Connection, id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM unindexed WHERE article_id = ?1")?
        .execute([id])?;
    Ok(())
}
