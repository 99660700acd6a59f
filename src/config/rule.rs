//! `[[rule]]` and `[[view]]`: rules over articles and saved searches, checked when the file
//! is read so a rule that could never match is an error at its line, not a rule that silently
//! does nothing.

use serde::Deserialize;
use toml::Spanned;

use super::Error;
use super::raw::{Site, parse_duration};
use crate::rules::{Expiry, Rule, RuleAction, RuleScope};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    name: Option<String>,
    #[serde(rename = "match")]
    query: Spanned<String>,
    scope: Option<Spanned<String>>,
    action: Option<Spanned<String>>,
    tag: Option<Spanned<String>>,
    until: Option<Spanned<String>>,
    #[serde(rename = "for")]
    lasts: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawView {
    name: Spanned<String>,
    query: Spanned<String>,
}

/// A saved search shown in the feed list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSpec {
    pub name: String,
    pub query: String,
}

pub(crate) const RULE_KEYS: &[&str] = &["name", "match", "scope", "action", "tag", "until", "for"];
pub(crate) const VIEW_KEYS: &[&str] = &["name", "query"];

pub(crate) fn validate_rules(raw: Vec<RawRule>, site: &Site<'_>) -> Result<Vec<Rule>, Error> {
    raw.into_iter()
        .enumerate()
        .map(|(i, r)| validate_rule(i, r, site))
        .collect()
}

fn validate_rule(i: usize, r: RawRule, site: &Site<'_>) -> Result<Rule, Error> {
    let expr =
        crate::rules::compile(r.query.get_ref()).map_err(|m| site.error(r.query.span(), "rule.match", m))?;
    let action = match (r.action, r.tag) {
        (None, Some(t)) if !t.get_ref().trim().is_empty() => {
            RuleAction::Tag(t.get_ref().trim().trim_start_matches('#').to_string())
        }
        (Some(a), None) => match a.get_ref().trim() {
            "hide" => RuleAction::Hide,
            "mark_read" | "read" => RuleAction::MarkRead,
            "star" => RuleAction::Star,
            "keep_only" => RuleAction::KeepOnly,
            other => {
                return Err(site.error(
                    a.span(),
                    "rule.action",
                    format!("'{other}' is not an action; use \"hide\", \"mark_read\", \"star\", \"keep_only\", or tag = \"...\""),
                ));
            }
        },
        (Some(a), Some(_)) => {
            return Err(site.error(
                a.span(),
                "rule.action",
                "give either action or tag (the tag to add), not both".into(),
            ));
        }
        (None, t) => {
            let span = t.map_or_else(|| r.query.span(), |t| t.span());
            return Err(site.error(
                span,
                "rule",
                "the rule does nothing; add action = \"hide\" (or \"mark_read\", \"star\", \"keep_only\") or tag = \"...\""
                    .into(),
            ));
        }
    };
    let scope = match &r.scope {
        None => RuleScope::Global,
        Some(s) => scope(s.get_ref()).map_err(|m| site.error(s.span(), "rule.scope", m))?,
    };
    let until = match &r.until {
        None => None,
        Some(u) => Some(end_of(u.get_ref()).map_err(|m| site.error(u.span(), "rule.until", m))?),
    };
    let lasts = match &r.lasts {
        None => None,
        Some(d) => Some(parse_duration(d.get_ref()).map_err(|m| site.error(d.span(), "rule.for", m))?),
    };
    let (line, _) = super::line_col(site.text, r.query.span().start);
    Ok(Rule {
        name: r
            .name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("rule {}", i + 1)),
        query: r.query.into_inner(),
        expr,
        scope,
        action,
        expiry: Expiry { until, lasts },
        line,
    })
}

fn scope(s: &str) -> Result<RuleScope, String> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("global") || s.eq_ignore_ascii_case("all") {
        return Ok(RuleScope::Global);
    }
    match s.split_once(':') {
        Some(("tag", t)) if !t.trim().is_empty() => {
            Ok(RuleScope::Tag(t.trim().trim_start_matches('#').to_string()))
        }
        Some(("feed", f)) if !f.trim().is_empty() => Ok(RuleScope::Feed(f.trim().to_string())),
        _ => Err(format!(
            "'{s}' is not a scope; use \"global\", \"tag:NAME\" or \"feed:NAME\" (a feed's name or URL)"
        )),
    }
}

/// `until = "2027-01-31"`: the rule acts through that whole day (UTC); an RFC 3339 time is
/// taken as written.
fn end_of(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let s = s.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d
            .and_hms_opt(23, 59, 59)
            .map(|t| t.and_utc())
            .ok_or_else(|| format!("'{s}' is not a date"));
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("'{s}' is not a date; write it like \"2027-01-31\""))
}

pub(crate) fn validate_views(raw: Vec<RawView>, site: &Site<'_>) -> Result<Vec<ViewSpec>, Error> {
    let mut seen = std::collections::HashSet::new();
    raw.into_iter()
        .map(|v| {
            crate::rules::compile(v.query.get_ref())
                .map_err(|m| site.error(v.query.span(), "view.query", m))?;
            let name = v.name.get_ref().trim().to_string();
            if name.is_empty() || !seen.insert(name.to_lowercase()) {
                return Err(site.error(
                    v.name.span(),
                    "view.name",
                    format!("'{name}' is empty or names two views; give each view its own name"),
                ));
            }
            Ok(ViewSpec {
                name,
                query: v.query.into_inner(),
            })
        })
        .collect()
}

/// A rule's scope names a feed the config does not have (and no account could): it could
/// never act.
pub(crate) fn check_scopes(rules: &[Rule], config: &super::Config) -> Result<(), Error> {
    if !config.accounts.is_empty() {
        return Ok(());
    }
    for r in rules {
        let known = match &r.scope {
            RuleScope::Global => true,
            RuleScope::Tag(t) => {
                config
                    .feeds
                    .iter()
                    .any(|f| f.tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
                    || rules
                        .iter()
                        .any(|o| matches!(&o.action, RuleAction::Tag(x) if x.eq_ignore_ascii_case(t)))
            }
            RuleScope::Feed(n) => config
                .feeds
                .iter()
                .any(|f| f.url.as_str() == n || f.name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n))),
        };
        if !known {
            return Err(Error::Invalid {
                path: config.path.clone(),
                line: r.line,
                col: 1,
                key: "rule.scope".into(),
                message: format!("'{}' can never act: no feed is named or tagged so", r.name),
            });
        }
    }
    Ok(())
}
