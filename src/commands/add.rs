//! `tidings add URL` (a feed URL or a page that announces feeds) and `tidings remove`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, bail};

use super::{Session, UsageError, write_stdout};
use crate::config::edit::{NewFeed, edit_file};
use crate::feed::discover::Candidate;
use crate::session::discovery::find_feed;

/// Lists candidates on stderr and asks on the terminal, or demands `--pick`.
fn choose_interactively(candidates: &[Candidate], pick: Option<usize>) -> Result<usize> {
    if let Some(p) = pick {
        return p
            .checked_sub(1)
            .ok_or_else(|| UsageError("--pick counts from 1".into()).into());
    }
    let mut err = std::io::stderr().lock();
    writeln!(err, "several feeds found:")?;
    for (i, c) in candidates.iter().enumerate() {
        writeln!(
            err,
            "  {}. {} ({}) {}",
            i + 1,
            c.url,
            c.kind,
            c.title.as_deref().unwrap_or("")
        )?;
    }
    if !std::io::stdin().is_terminal() {
        bail!(UsageError("several feeds found; choose one with --pick N".into()));
    }
    write!(err, "add which one? [1-{}] ", candidates.len())?;
    err.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let n: usize = line
        .trim()
        .parse()
        .map_err(|_| UsageError(format!("'{}' is not a number", line.trim())))?;
    n.checked_sub(1)
        .ok_or_else(|| UsageError("choose a number from the list".into()).into())
}

pub fn run(
    ctx: &Session,
    input: &str,
    name: Option<String>,
    tags: Vec<String>,
    pick: Option<usize>,
) -> Result<i32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let fetcher = ctx.fetcher()?;
    let found = runtime.block_on(find_feed(&fetcher, input, |c| choose_interactively(c, pick)))?;
    let display = name
        .clone()
        .or(found.title.clone())
        .unwrap_or_else(|| found.url.clone());
    let new = NewFeed {
        url: found.url.clone(),
        name: name.or(found.title),
        tags,
    };
    let (added, _) = edit_file(&ctx.config.path, |doc| doc.add_feed(&new))?;
    let msg = if added {
        format!(
            "added {} <{}>\n",
            crate::text::sanitize_line(&display),
            crate::text::display_url(&found.url)
        )
    } else {
        format!(
            "already subscribed to <{}>\n",
            crate::text::display_url(&found.url)
        )
    };
    write_stdout(msg.as_bytes())?;
    Ok(0)
}

pub fn remove(ctx: &Session, needle: &str) -> Result<i32> {
    let (removed, _) = edit_file(&ctx.config.path, |doc| doc.remove_feed(needle))?;
    match removed {
        Some(url) => {
            write_stdout(format!("removed <{url}> (its articles are kept until retention)\n").as_bytes())?;
            Ok(0)
        }
        None => Err(UsageError(format!(
            "no feed named '{needle}' in {}",
            ctx.config.path.display()
        ))
        .into()),
    }
}
