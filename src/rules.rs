//! Rules: a query in the search language, a scope and an action, applied to every article as
//! it is stored and again to every stored article when the rule set changes. A rule that can
//! never match (an unknown field, a regex that does not compile) is a config error with its
//! file and line, never a silent no-op.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::store::search::{Expr, parse};

/// What a rule does to the articles it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleAction {
    /// Kept but not listed (the show-hidden toggle lists it).
    Hide,
    MarkRead,
    Star,
    /// Adds a tag to the article (for `tag:` and views).
    Tag(String),
    /// Hides every article in the scope that does not match.
    KeepOnly,
}

impl RuleAction {
    /// The name used in the store and in explanations.
    pub fn word(&self) -> &'static str {
        match self {
            RuleAction::Hide => "hide",
            RuleAction::MarkRead => "mark_read",
            RuleAction::Star => "star",
            RuleAction::Tag(_) => "tag",
            RuleAction::KeepOnly => "keep_only",
        }
    }
}

/// Which articles a rule looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleScope {
    Global,
    /// The feeds with this tag.
    Tag(String),
    /// One feed, by its name, title or URL.
    Feed(String),
}

/// When a rule stops acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Expiry {
    /// Acts up to this moment.
    pub until: Option<DateTime<Utc>>,
    /// Acts for this long after the store first saw the rule.
    pub lasts: Option<Duration>,
}

/// One validated `[[rule]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Its `name`, else "rule N" (its place in the file).
    pub name: String,
    pub query: String,
    pub expr: Expr,
    pub scope: RuleScope,
    pub action: RuleAction,
    pub expiry: Expiry,
    /// Where it is written, for messages.
    pub line: usize,
}

impl Rule {
    /// Identity across runs: the same query, scope and action is the same rule (its name may
    /// change), so a mark it made is not made again; an edited rule is a new one.
    pub fn key(&self) -> String {
        let action = match &self.action {
            RuleAction::Tag(t) => format!("tag={}", t.to_lowercase()),
            a => a.word().to_string(),
        };
        let scope = match &self.scope {
            RuleScope::Global => "global".to_string(),
            RuleScope::Tag(t) => format!("tag={}", t.to_lowercase()),
            RuleScope::Feed(f) => format!("feed={f}"),
        };
        format!("{action}|{scope}|{}", self.query.trim())
    }

    /// Whether it acts at `now`, given when the store first saw it.
    pub fn active(&self, first_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let before_until = self.expiry.until.is_none_or(|u| now <= u);
        let within = self
            .expiry
            .lasts
            .is_none_or(|d| chrono::Duration::from_std(d).is_ok_and(|d| now <= first_seen + d));
        before_until && within
    }
}

/// Parses a rule's query; the message is the query error, for the config to place.
pub fn compile(query: &str) -> Result<Expr, String> {
    parse(query, true).map_err(|e| e.to_string())
}
