//! `[players]`: which program opens an enclosure, by MIME type. `"audio/*" = ["mpv",
//! "--no-video"]`: an argument vector (or one string split like `browser`), never a shell
//! line; the enclosure's URL is appended as the last argument.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::Error;
use super::raw::Site;

/// One `[players]` entry, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Player {
    /// `type/subtype`, `type/*` or `*`, lower case.
    pub pattern: String,
    pub argv: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawCommand {
    Words(Vec<String>),
    Line(String),
}

pub(crate) type RawPlayers = BTreeMap<Spanned<String>, Spanned<RawCommand>>;

pub(crate) fn validate_players(raw: RawPlayers, site: &Site<'_>) -> Result<Vec<Player>, Error> {
    let mut out = Vec::with_capacity(raw.len());
    for (pattern, command) in raw {
        let key = format!("players.\"{}\"", pattern.get_ref());
        let p = pattern.get_ref().trim().to_ascii_lowercase();
        let well_formed = p == "*"
            || p.split_once('/').is_some_and(|(t, s)| {
                let token = |x: &str| {
                    !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                };
                token(t) && (s == "*" || token(s))
            });
        if !well_formed {
            return Err(site.error(
                pattern.span(),
                &key,
                format!(
                    "'{}' is not a MIME type pattern; write \"audio/mpeg\", \"video/*\" or \"*\"",
                    pattern.get_ref()
                ),
            ));
        }
        let argv = match command.get_ref() {
            RawCommand::Words(w) => w.clone(),
            RawCommand::Line(l) => {
                crate::opener::split_command(l).map_err(|m| site.error(command.span(), &key, m))?
            }
        };
        if argv.first().is_none_or(|p| p.trim().is_empty()) {
            return Err(site.error(command.span(), &key, "the command is empty".into()));
        }
        out.push(Player { pattern: p, argv });
    }
    Ok(out)
}
