//! `[[account]]`: a sync server whose subscriptions sit beside the config's own feeds. The
//! secret is never in the file: it comes from a command (argv, no shell) or an environment
//! variable, read when the account first signs in.

use std::collections::HashSet;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use url::Url;

use super::Error;
use super::raw::{Site, parse_duration};

/// The protocols tidings speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux).
    GReader,
}

/// Where an account's password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    /// A program and its arguments; the first line of its standard output is the password.
    Command(Vec<String>),
    /// An environment variable.
    Env(String),
}

/// One validated `[[account]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountSpec {
    /// Unique among accounts; names the account in the store, the token file and messages.
    pub name: String,
    pub kind: AccountKind,
    /// The API's base URL (for FreshRSS, `https://host/api/greader.php`).
    pub url: Url,
    pub user: String,
    pub secret: Secret,
    pub refresh_interval: Option<Duration>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAccount {
    name: Option<Spanned<String>>,
    kind: Spanned<String>,
    url: Spanned<String>,
    user: Spanned<String>,
    password_command: Option<Spanned<Vec<String>>>,
    password_env: Option<Spanned<String>>,
    refresh_interval: Option<Spanned<String>>,
    /// Refused with a message of its own: a password must never be written in the file.
    password: Option<Spanned<toml::Value>>,
}

/// Every key an `[[account]]` may hold, for "did you mean" suggestions.
pub(crate) const ACCOUNT_KEYS: &[&str] = &[
    "name",
    "kind",
    "url",
    "user",
    "password_command",
    "password_env",
    "refresh_interval",
];

pub(crate) fn validate_accounts(raw: Vec<RawAccount>, site: &Site<'_>) -> Result<Vec<AccountSpec>, Error> {
    let mut names = HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for a in raw {
        let span = a.name.as_ref().map_or_else(|| a.url.span(), Spanned::span);
        let spec = validate_account(a, site)?;
        if !names.insert(spec.name.to_lowercase()) {
            return Err(site.error(
                span,
                "account.name",
                format!("'{}' names two accounts; give each its own name", spec.name),
            ));
        }
        out.push(spec);
    }
    Ok(out)
}

fn validate_account(a: RawAccount, site: &Site<'_>) -> Result<AccountSpec, Error> {
    if let Some(p) = &a.password {
        return Err(site.error(
            p.span(),
            "account.password",
            "a password is never kept in the config; use password_command = [\"pass\", \"show\", \
             \"...\"] or password_env = \"VARIABLE\""
                .into(),
        ));
    }
    let kind = match a.kind.get_ref().as_str() {
        "greader" | "google-reader" | "freshrss" => AccountKind::GReader,
        other => {
            return Err(site.error(
                a.kind.span(),
                "account.kind",
                format!("'{other}' is not a sync protocol tidings speaks; use \"greader\""),
            ));
        }
    };
    let url = Url::parse(a.url.get_ref().trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| {
            site.error(
                a.url.span(),
                "account.url",
                format!("'{}' is not an http or https URL", a.url.get_ref()),
            )
        })?;
    let user = a.user.get_ref().trim().to_string();
    if user.is_empty() {
        return Err(site.error(a.user.span(), "account.user", "the user name is empty".into()));
    }
    let secret = match (a.password_command, a.password_env) {
        (Some(c), None) if !c.get_ref().is_empty() && !c.get_ref()[0].trim().is_empty() => {
            Secret::Command(c.into_inner())
        }
        (Some(c), None) => {
            return Err(site.error(
                c.span(),
                "account.password_command",
                "the command is empty; give the program and its arguments as a list".into(),
            ));
        }
        (None, Some(v)) if !v.get_ref().trim().is_empty() => Secret::Env(v.into_inner().trim().to_string()),
        (None, Some(v)) => {
            return Err(site.error(
                v.span(),
                "account.password_env",
                "the variable name is empty".into(),
            ));
        }
        (Some(c), Some(_)) => {
            return Err(site.error(
                c.span(),
                "account.password_command",
                "give either password_command or password_env, not both".into(),
            ));
        }
        (None, None) => {
            return Err(site.error(
                a.user.span(),
                "account",
                "the account has no password source; add password_command = [\"pass\", \"show\", \
                 \"...\"] or password_env = \"VARIABLE\""
                    .into(),
            ));
        }
    };
    let refresh_interval = match a.refresh_interval {
        Some(s) => Some(
            parse_duration(s.get_ref()).map_err(|m| site.error(s.span(), "account.refresh_interval", m))?,
        ),
        None => None,
    };
    let name = match a.name {
        Some(n) if !n.get_ref().trim().is_empty() => {
            let name = n.get_ref().trim().to_string();
            if name.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
                return Err(site.error(
                    n.span(),
                    "account.name",
                    format!("'{name}' may not hold slashes or control characters"),
                ));
            }
            name
        }
        _ => url.host_str().unwrap_or("account").to_string(),
    };
    Ok(AccountSpec {
        name,
        kind,
        url,
        user,
        secret,
        refresh_interval,
    })
}
