//! Registering the config's feeds: which rows are active, and a feed's identity across a URL
//! change. A feed is its row, not its URL: when the config stops listing a URL and starts
//! listing another one that is the same feed, the row takes the new URL and keeps its articles
//! with their read and starred marks.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Result, Store, ts};
use crate::model::FeedId;

/// A feed as the config lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WantedFeed {
    pub url: String,
    pub name: Option<String>,
    /// Lowercase tags, for `tag:` in searches.
    pub tags: Vec<String>,
}

impl From<&str> for WantedFeed {
    /// A feed with no config name.
    fn from(url: &str) -> WantedFeed {
        WantedFeed {
            url: url.to_string(),
            name: None,
            tags: Vec::new(),
        }
    }
}

impl From<String> for WantedFeed {
    fn from(url: String) -> WantedFeed {
        WantedFeed {
            url,
            name: None,
            tags: Vec::new(),
        }
    }
}

/// A feed row as registration sees it.
struct Known {
    id: i64,
    active: bool,
    redirect: Option<String>,
    name: Option<String>,
    tags: Option<String>,
}

impl Store {
    /// Makes the store's feed rows match the config: listed URLs become active (created if
    /// new), others inactive (their articles stay until retention). A new URL takes over the
    /// row of a feed that left the config when it is the same feed: the URL it permanently
    /// redirected to, the same config name, or, when one URL was swapped for one other on the
    /// same site, that one. Returns the ids in config order.
    pub fn sync_feeds(&mut self, wanted: &[WantedFeed], now: DateTime<Utc>) -> Result<Vec<FeedId>> {
        let known = self.known_feeds()?;
        // Usually nothing changed since the last run: answered from one read, without taking
        // the write lock (every command calls this on start).
        if let Some(ids) = unchanged(&known, wanted) {
            return Ok(ids);
        }
        let moves = moved_feeds(&known, wanted);
        let tx = self.conn.transaction()?;
        for (id, url, by_redirect) in &moves {
            tracing::info!(feed = id, url = %crate::text::display_url(url), "feed moved to a new URL");
            // Validators belong to the server that gave them; a redirect's target gave them.
            tx.execute(
                "UPDATE feeds SET url = ?2, redirect_url = NULL,
                     etag = CASE WHEN ?3 THEN etag END,
                     last_modified = CASE WHEN ?3 THEN last_modified END
                 WHERE id = ?1",
                params![id, url, by_redirect],
            )?;
        }
        let mut ids = Vec::with_capacity(wanted.len());
        {
            let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO feeds (url) VALUES (?1)")?;
            let mut get = tx.prepare_cached("SELECT id FROM feeds WHERE url = ?1")?;
            let mut set = tx.prepare_cached(
                "UPDATE feeds SET active = 1, removed_at = NULL, config_name = ?2, config_tags = ?3
                 WHERE id = ?1",
            )?;
            for w in wanted {
                insert.execute([&w.url])?;
                let id: i64 = get.query_row([&w.url], |r| r.get(0))?;
                set.execute(params![id, w.name, joined_tags(w)])?;
                ids.push(FeedId(id));
            }
        }
        let listed: HashSet<i64> = ids.iter().map(|i| i.0).collect();
        {
            let mut retire =
                tx.prepare_cached("UPDATE feeds SET active = 0, removed_at = ?2 WHERE id = ?1")?;
            for k in known.values().filter(|k| k.active && !listed.contains(&k.id)) {
                retire.execute(params![k.id, ts(now)])?;
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// The config's feeds' ids without writing anything (a read-only store): a feed the
    /// store has not met yet gets `FeedId(0)`, which no row has, so it simply lists nothing.
    pub fn feed_ids(&self, wanted: &[WantedFeed]) -> Result<Vec<FeedId>> {
        let known = self.known_feeds()?;
        Ok(wanted
            .iter()
            .map(|w| FeedId(known.get(&w.url).map_or(0, |k| k.id)))
            .collect())
    }

    fn known_feeds(&self) -> Result<HashMap<String, Known>> {
        let mut stmt = self
            .conn
            // An account's feeds are the server's to list, never the config's.
            .prepare_cached(
                "SELECT url, id, active, redirect_url, config_name, config_tags FROM feeds
                 WHERE account IS NULL",
            )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Known {
                        id: r.get(1)?,
                        active: r.get(2)?,
                        redirect: r.get(3)?,
                        name: r.get(4)?,
                        tags: r.get(5)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// The ids of `wanted` if the active feeds are exactly those, under the same names.
fn unchanged(known: &HashMap<String, Known>, wanted: &[WantedFeed]) -> Option<Vec<FeedId>> {
    let mut ids = Vec::with_capacity(wanted.len());
    for w in wanted {
        match known.get(&w.url) {
            Some(k) if k.active && k.name == w.name && k.tags == joined_tags(w) => ids.push(FeedId(k.id)),
            _ => return None,
        }
    }
    let urls: HashSet<&str> = wanted.iter().map(|w| w.url.as_str()).collect();
    let extra = known.iter().any(|(u, k)| k.active && !urls.contains(u.as_str()));
    (!extra).then_some(ids)
}

/// Tags as stored: `,a,b,` so `tag:a` is one LIKE without partial matches.
fn joined_tags(w: &WantedFeed) -> Option<String> {
    (!w.tags.is_empty()).then(|| format!(",{},", w.tags.join(",").to_lowercase()))
}

/// Rows that take a new URL: (row id, new URL, matched by its redirect).
fn moved_feeds(known: &HashMap<String, Known>, wanted: &[WantedFeed]) -> Vec<(i64, String, bool)> {
    let urls: HashSet<&str> = wanted.iter().map(|w| w.url.as_str()).collect();
    let mut gone: Vec<&Known> = known
        .iter()
        .filter(|(u, k)| k.active && !urls.contains(u.as_str()))
        .map(|(_, k)| k)
        .collect();
    let fresh: Vec<&WantedFeed> = wanted.iter().filter(|w| !known.contains_key(&w.url)).collect();
    let mut moves = Vec::new();
    let mut unmatched = Vec::new();
    for w in &fresh {
        let by_redirect = gone
            .iter()
            .position(|k| k.redirect.as_deref() == Some(w.url.as_str()));
        let by_name = || {
            let name = w.name.as_deref()?;
            let same: Vec<usize> = (0..gone.len())
                .filter(|&i| gone[i].name.as_deref() == Some(name))
                .collect();
            (same.len() == 1).then(|| same[0])
        };
        match by_redirect
            .map(|i| (i, true))
            .or_else(|| by_name().map(|i| (i, false)))
        {
            Some((i, redirect)) => moves.push((gone.remove(i).id, w.url.clone(), redirect)),
            None => unmatched.push(*w),
        }
    }
    // One URL swapped for one other on the same site in the same edit (http to https, a new
    // path): the same feed at a new address. A feed swapped for another site's is a new feed.
    if let ([w], [k]) = (unmatched.as_slice(), gone.as_slice()) {
        let old = known.iter().find(|(_, x)| x.id == k.id).map(|(u, _)| u.as_str());
        if old.is_some_and(|u| site(u).is_some() && site(u) == site(&w.url)) {
            moves.push((k.id, w.url.clone(), false));
        }
    }
    moves
}

/// The host of a URL without a leading `www.`, lowercased.
fn site(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").map(str::to_string).unwrap_or(host))
}
