//! Rules in the store: applied inside the ingest transaction to the articles it added, and
//! to every stored article when the set of active rules changes (a config edit, a rule that
//! expired). Hiding and tagging are state, recomputed from the rules on each full run; marking
//! read and starring are acts, done once per article and rule (`rule_hits`), so a user who
//! unmarks an article keeps it unmarked.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params, params_from_iter, types::Value};

use super::{Result, Store, search, ts};
use crate::model::ArticleId;
use crate::rules::{Rule, RuleAction, RuleScope};

/// What one rule matches now, for the rules view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    pub name: String,
    pub line: usize,
    pub action: String,
    /// Articles of the last 30 days it matches (for keep_only: those it hides).
    pub recent: u64,
    pub active: bool,
}

/// Which rules acted on an article, as `(rule name, action)`.
pub type Explanation = Vec<(String, String)>;

impl Store {
    /// Sets the rules ingest applies, and applies them to every stored article if the active
    /// set differs from the one last applied. Returns whether it re-ran.
    pub fn set_rules(&mut self, rules: Vec<Rule>, now: DateTime<Utc>) -> Result<bool> {
        self.rules = rules;
        self.reapply_if_changed(now)
    }

    /// Re-runs every active rule over every stored article when the active set changed.
    pub fn reapply_if_changed(&mut self, now: DateTime<Utc>) -> Result<bool> {
        let tx = super::begin(&mut self.conn)?;
        let active = active_rules(&tx, &self.rules, now)?;
        let signature = active
            .iter()
            .map(|r| format!("{}={}", r.key(), r.name))
            .collect::<Vec<_>>()
            .join("\n");
        let applied: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'rules'", [], |r| r.get(0))
            .ok();
        if applied.as_deref().unwrap_or("") == signature {
            tx.commit()?;
            return Ok(false);
        }
        tx.execute(
            "UPDATE articles SET hidden_by = NULL, rule_tags = NULL
             WHERE hidden_by IS NOT NULL OR rule_tags IS NOT NULL",
            [],
        )?;
        tx.execute(
            "DELETE FROM rule_hits WHERE action IN ('hide', 'keep_only', 'tag')",
            [],
        )?;
        for rule in &active {
            apply(&tx, rule, None, now)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('rules', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
            [&signature],
        )?;
        tx.commit()?;
        tracing::info!(rules = active.len(), "rules applied to the stored articles");
        Ok(true)
    }

    /// What a rule being written would match over every stored article, hidden ones too: the
    /// count and the newest `limit`. The query is parsed (strictly) by the caller, which has
    /// its own way to say why a query can never match.
    pub fn preview(&self, query: &str, limit: usize) -> Result<(u64, Vec<crate::model::ArticleSummary>)> {
        let q = crate::model::Query {
            search: Some(query.to_string()),
            show_hidden: true,
            ..Default::default()
        };
        Ok((self.count(&q)?, self.headlines(&q, 0, limit)?))
    }

    /// Each rule with what it matches over the last 30 days.
    pub fn rule_counts(&self, now: DateTime<Utc>) -> Result<Vec<RuleCount>> {
        let seen = first_seen(&self.conn, &self.rules)?;
        let since = ts(now) - 30 * 24 * 3600;
        let mut out = Vec::with_capacity(self.rules.len());
        for r in &self.rules {
            let (cond, mut args) = rule_condition(r, None);
            args.push(Value::Integer(since));
            let n: i64 = self.conn.query_row(
                &format!("SELECT count(*) FROM articles a WHERE ({cond}) AND a.sort_ts > ?"),
                params_from_iter(args),
                |row| row.get(0),
            )?;
            out.push(RuleCount {
                name: r.name.clone(),
                line: r.line,
                action: r.action.word().to_string(),
                recent: n as u64,
                active: r.active(seen.get(&r.key()).copied().unwrap_or(now), now),
            });
        }
        Ok(out)
    }

    /// The rules that acted on an article.
    pub fn explain(&self, id: ArticleId) -> Result<Explanation> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, action FROM rule_hits WHERE article_id = ?1 ORDER BY at, name")?;
        let rows = stmt
            .query_map([id.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// Applies the store's rules to the articles added after `before` (an article id) in this
/// transaction: the ingest's share of rule work.
pub(super) fn apply_to_new(tx: &Connection, rules: &[Rule], before: i64, now: DateTime<Utc>) -> Result<()> {
    if rules.is_empty() {
        return Ok(());
    }
    for rule in active_rules(tx, rules, now)? {
        apply(tx, &rule, Some(before), now)?;
    }
    Ok(())
}

/// Readies the rules' scratch index for an ingest when a rule looks up words: a small full-text
/// index of just the articles this transaction adds (same tokenizer as `search`), so a rule's
/// words are looked up among them and not among every stored article. Emptied each time.
pub(super) fn open_scratch(tx: &Connection, rules: &[Rule]) -> Result<bool> {
    if !rules.iter().any(|r| r.expr.uses_full_text()) {
        return Ok(false);
    }
    let exists: bool = tx
        .prepare_cached("SELECT count(*) FROM scratch.sqlite_master WHERE name = 'ruled'")?
        .query_row([], |r| r.get(0))?;
    if !exists {
        // Segments are thrown away after each ingest: nothing is worth merging.
        tx.execute_batch(
            "CREATE VIRTUAL TABLE scratch.ruled USING fts5 (
                title, body, content = '', columnsize = 0, detail = column,
                tokenize = 'unicode61 remove_diacritics 2'
            );
            INSERT INTO scratch.ruled (ruled, rank) VALUES ('automerge', 0);",
        )?;
    }
    tx.prepare_cached("INSERT INTO scratch.ruled (ruled) VALUES ('delete-all')")?
        .execute([])?;
    Ok(true)
}

/// Adds a new article's index text to the scratch index.
pub(super) fn add_to_scratch(tx: &Connection, id: i64, title: &str, body: &str) -> Result<()> {
    tx.prepare_cached("INSERT INTO scratch.ruled (rowid, title, body) VALUES (?1, ?2, ?3)")?
        .execute(params![id, title, body])?;
    Ok(())
}

/// The highest article id so far (new articles get higher ones).
pub(super) fn last_article_id(tx: &Connection) -> Result<i64> {
    Ok(tx
        .prepare_cached("SELECT coalesce(max(id), 0) FROM articles")?
        .query_row([], |r| r.get(0))?)
}

/// The rules acting at `now`; a rule met for the first time is recorded then (for `for`).
fn active_rules(tx: &Connection, rules: &[Rule], now: DateTime<Utc>) -> Result<Vec<Rule>> {
    {
        let mut seen =
            tx.prepare_cached("INSERT OR IGNORE INTO rules_seen (rule, first_seen) VALUES (?1, ?2)")?;
        for r in rules.iter().filter(|r| r.expiry.lasts.is_some()) {
            seen.execute(params![r.key(), ts(now)])?;
        }
    }
    let seen = first_seen(tx, rules)?;
    Ok(rules
        .iter()
        .filter(|r| r.active(seen.get(&r.key()).copied().unwrap_or(now), now))
        .cloned()
        .collect())
}

fn first_seen(conn: &rusqlite::Connection, rules: &[Rule]) -> Result<HashMap<String, DateTime<Utc>>> {
    let mut out = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT first_seen FROM rules_seen WHERE rule = ?1")?;
    for r in rules.iter().filter(|r| r.expiry.lasts.is_some()) {
        let key = r.key();
        if let Some(t) =
            rusqlite::OptionalExtension::optional(stmt.query_row([&key], |row| row.get::<_, i64>(0)))?
                .and_then(|t| DateTime::from_timestamp(t, 0))
        {
            out.insert(key, t);
        }
    }
    Ok(out)
}

/// The rule's scope and query as one SQL condition on `a`; for keep_only, what it hides.
/// With `after`, for the articles with a higher id only.
fn rule_condition(rule: &Rule, after: Option<i64>) -> (String, Vec<Value>) {
    let mut parts = Vec::new();
    let mut args = Vec::new();
    match &rule.scope {
        RuleScope::Global => {}
        RuleScope::Tag(t) => {
            parts.push(
                "a.feed_id IN (SELECT id FROM feeds WHERE coalesce(config_tags, '') LIKE ? ESCAPE '\\')"
                    .to_string(),
            );
            args.push(Value::Text(format!("%,{},%", escape_like(t))));
        }
        RuleScope::Feed(f) => {
            parts.push(
                "a.feed_id IN (SELECT id FROM feeds WHERE config_name = ?1x COLLATE NOCASE OR title = ?1x COLLATE NOCASE
                    OR url = ?1x OR remote_url = ?1x)"
                    .replace("?1x", "?"),
            );
            args.extend(std::iter::repeat_n(Value::Text(f.clone()), 4));
        }
    }
    let matched: Vec<(String, Vec<Value>)> = search::expr_conditions(
        &rule.expr,
        if after.is_some() {
            search::Index::Fresh
        } else {
            search::Index::Stored
        },
    );
    let mut m_sql = Vec::new();
    for (sql, a) in matched {
        m_sql.push(sql);
        args.extend(a);
    }
    let matched = format!("({})", m_sql.join(" AND "));
    parts.push(if rule.action == RuleAction::KeepOnly {
        format!("NOT {matched}")
    } else {
        matched
    });
    if let Some(after) = after {
        parts.push("a.id > ?".into());
        args.push(Value::Integer(after));
    }
    (parts.join(" AND "), args)
}

fn escape_like(v: &str) -> String {
    v.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Runs one rule over the articles with an id above `after` (all when `None`).
fn apply(tx: &Connection, rule: &Rule, after: Option<i64>, now: DateTime<Utc>) -> Result<()> {
    let (scope, mut args) = rule_condition(rule, after);
    let key = rule.key();
    // The articles it matches that it has not acted on yet.
    args.push(Value::Text(key.clone()));
    // The text depends on the rule alone (bounds are parameters): ingest reuses it per feed.
    let fresh: Vec<i64> = tx
        .prepare_cached(&format!(
            "SELECT a.id FROM articles a WHERE {scope}
             AND NOT EXISTS (SELECT 1 FROM rule_hits h WHERE h.article_id = a.id AND h.rule = ?)"
        ))?
        .query_map(params_from_iter(args), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if fresh.is_empty() {
        return Ok(());
    }
    let mut hit = tx.prepare_cached(
        "INSERT OR REPLACE INTO rule_hits (article_id, rule, name, action, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let action = rule.action.word();
    let mut changed = Vec::new();
    for id in &fresh {
        hit.execute(params![id, key, rule.name, action, ts(now)])?;
        let n = match &rule.action {
            RuleAction::Hide | RuleAction::KeepOnly => tx
                .prepare_cached("UPDATE articles SET hidden_by = ?2 WHERE id = ?1 AND hidden_by IS NULL")?
                .execute(params![id, rule.name])?,
            RuleAction::MarkRead => tx
                .prepare_cached("UPDATE articles SET read = 1 WHERE id = ?1 AND read = 0")?
                .execute([id])?,
            RuleAction::Star => tx
                .prepare_cached("UPDATE articles SET starred = 1 WHERE id = ?1 AND starred = 0")?
                .execute([id])?,
            RuleAction::Tag(t) => tx
                .prepare_cached(
                    "UPDATE articles SET rule_tags = coalesce(rule_tags, ',') || ?2 || ','
                     WHERE id = ?1 AND coalesce(rule_tags, '') NOT LIKE '%,' || ?2 || ',%'",
                )?
                .execute(params![id, t])?,
        };
        if n > 0 {
            changed.push(ArticleId(*id));
        }
    }
    // A synced article's mark goes to the server like any other.
    match &rule.action {
        RuleAction::MarkRead => super::sync::queue_marks(tx, &changed, "read", true)?,
        RuleAction::Star => super::sync::queue_marks(tx, &changed, "starred", true)?,
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
