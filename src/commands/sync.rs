//! `tidings sync`: one headless sync of every account (for cron), and subscribing or
//! unsubscribing on an account's server (`add --account`, `remove --account`).

use std::time::Duration;

use anyhow::{Context as _, Result};

use super::{Session, UsageError, runtime, write_stdout};
use crate::store::StoreHandle;
use crate::sync::{Backend, sync_account};

/// Syncs the accounts, a line each; exit status 1 when one failed (its marks stay queued).
pub fn run(ctx: &Session, only: Option<&str>) -> Result<i32> {
    if ctx.config.accounts.is_empty() {
        return Err(UsageError(format!(
            "no [[account]] in {}; add one with kind = \"greader\", url, user and password_command",
            ctx.config.path.display()
        ))
        .into());
    }
    let accounts = ctx.sync_accounts(only)?;
    drop(ctx.open_store()?);
    let rt = runtime()?;
    let store = ctx.open_handle()?;
    let (out, failed) = rt.block_on(sync_all(&accounts, &store));
    drop(accounts);
    store.close();
    rt.shutdown_timeout(Duration::from_secs(1));
    write_stdout(out.as_bytes())?;
    Ok(if failed { 1 } else { 0 })
}

/// Syncs each account in turn: the text to print, and whether any failed.
pub async fn sync_all(accounts: &[crate::sync::worker::Driven], store: &StoreHandle) -> (String, bool) {
    let mut out = String::new();
    let mut failed = false;
    for a in accounts {
        match sync_account(&a.backend, store, &a.name).await {
            Ok(report) => out.push_str(&format!("{}: synced: {}\n", a.name, report.summary())),
            Err(e) => {
                failed = true;
                let name = a.name.clone();
                let waiting = store
                    .read(move |s| s.account_state(&name))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .map_or(0, |s| s.pending);
                out.push_str(&format!(
                    "{}: sync failed: {}{}\n",
                    a.name,
                    crate::text::sanitize_line(&e.to_string()),
                    if waiting > 0 {
                        format!(" ({waiting} marks kept to push next time)")
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
    (out, failed)
}

/// Subscribes to `url` on the account's server, then syncs so its items are here.
pub fn subscribe(ctx: &Session, account: &str, url: &str) -> Result<i32> {
    let accounts = ctx.sync_accounts(Some(account))?;
    drop(ctx.open_store()?);
    let rt = runtime()?;
    let store = ctx.open_handle()?;
    let result = rt.block_on(async {
        let a = &accounts[0];
        let stream = a.backend.subscribe(url).await?;
        let report = sync_account(&a.backend, &store, &a.name).await?;
        Ok::<_, crate::sync::SyncError>((stream, report))
    });
    drop(accounts);
    store.close();
    rt.shutdown_timeout(Duration::from_secs(1));
    let (stream, report) = result.with_context(|| format!("cannot subscribe on '{account}'"))?;
    write_stdout(format!("subscribed on {account}: {stream}; {}\n", report.summary()).as_bytes())?;
    Ok(0)
}

/// Unsubscribes the account's feed named `needle` (its title, URL or stream id).
pub fn unsubscribe(ctx: &Session, account: &str, needle: &str) -> Result<i32> {
    let accounts = ctx.sync_accounts(Some(account))?;
    let (store, _) = ctx.open_store()?;
    let feeds = store.feeds(chrono::Utc::now())?;
    let matching: Vec<_> = feeds
        .iter()
        .filter(|f| f.account.as_deref() == Some(account))
        .filter(|f| f.url == needle || f.title.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(needle)))
        .collect();
    let [feed] = matching.as_slice() else {
        return Err(UsageError(format!(
            "{} feeds of account '{account}' are named '{needle}'; name it by its URL",
            matching.len()
        ))
        .into());
    };
    let remote = store.remote_feed_id(feed.id)?;
    drop(store);
    let Some(remote) = remote else {
        return Err(UsageError(format!("'{needle}' is not a feed of account '{account}'")).into());
    };
    let rt = runtime()?;
    let handle = ctx.open_handle()?;
    let result = rt.block_on(async {
        let a = &accounts[0];
        a.backend.unsubscribe(&remote).await?;
        sync_account(&a.backend, &handle, &a.name).await
    });
    drop(accounts);
    handle.close();
    rt.shutdown_timeout(Duration::from_secs(1));
    let report = result.with_context(|| format!("cannot unsubscribe on '{account}'"))?;
    write_stdout(
        format!(
            "unsubscribed on {account}: {} (its articles are kept until retention); {}\n",
            crate::text::display_url(&feed.url),
            report.summary()
        )
        .as_bytes(),
    )?;
    Ok(0)
}
