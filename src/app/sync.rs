//! Sync reports in the model: an account's feeds replaced in the list when its subscriptions
//! change, counts and the view reloaded when items or state arrived, and a server that fails
//! said in the status line and the health view (its marks wait, nothing is lost).

use chrono::{DateTime, Utc};

use super::{App, Effect};
use crate::sync::worker::SyncEvent;

/// What the health view says of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStatus {
    pub name: String,
    pub last_ok: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub feeds: usize,
}

impl AccountStatus {
    pub fn line(&self, now: DateTime<Utc>) -> String {
        let ago = crate::model::ago(self.last_ok, now);
        match &self.error {
            Some(e) => format!("sync failing: {e} · last ok {ago} · marks are kept until it is back"),
            None => format!("synced {ago} · {} feeds", self.feeds),
        }
    }
}

impl App {
    pub(super) fn on_sync(&mut self, ev: SyncEvent) -> Vec<Effect> {
        match ev {
            SyncEvent::Synced {
                account,
                report,
                feeds,
            } => {
                let status = self.account_status(&account);
                status.last_ok = Some(Utc::now());
                status.error = None;
                status.feeds = feeds.len();
                if report.new > 0 || report.changed > 0 {
                    self.status.message = Some(format!(
                        "synced {account}: {} new, {} changed",
                        report.new, report.changed
                    ));
                }
                if self
                    .status
                    .error
                    .as_deref()
                    .is_some_and(|e| e.starts_with(&sync_prefix(&account)))
                {
                    self.status.error = None;
                }
                let mut fx = Vec::new();
                let mine = |f: &super::FeedInfo| f.account.as_deref() == Some(account.as_str());
                let before: Vec<_> = self.feeds.iter().filter(|f| mine(f)).cloned().collect();
                if before != feeds {
                    self.feeds.retain(|f| !mine(f));
                    self.feeds.extend(feeds);
                    self.rebuild_entries();
                    fx.extend(self.change_view_if_gone());
                }
                fx.push(self.load_counts());
                if (report.new > 0 || report.changed > 0) && !self.headlines.loading {
                    fx.extend(self.reload_keeping_selection());
                }
                fx
            }
            SyncEvent::Pushed { .. } => Vec::new(),
            SyncEvent::Failed { account, error } => {
                self.account_status(&account).error = Some(error.clone());
                self.status.error = Some(format!(
                    "{}{error} (marks are kept until it is back)",
                    sync_prefix(&account)
                ));
                Vec::new()
            }
        }
    }

    fn account_status(&mut self, name: &str) -> &mut AccountStatus {
        let i = match self.accounts.iter().position(|a| a.name == name) {
            Some(i) => i,
            None => {
                self.accounts.push(AccountStatus {
                    name: name.to_string(),
                    last_ok: None,
                    error: None,
                    feeds: 0,
                });
                self.accounts.sort_by(|a, b| a.name.cmp(&b.name));
                self.accounts.iter().position(|a| a.name == name).unwrap_or(0)
            }
        };
        &mut self.accounts[i]
    }

    /// When the selected feed left the list (unsubscribed on the server), show what is
    /// selected now.
    fn change_view_if_gone(&mut self) -> Vec<Effect> {
        let scope = self.entries.get(self.feed_selected).map(|e| e.source.clone());
        match (scope, &self.headlines.query.scope) {
            (Some(super::Source::Feed(id)), crate::model::Scope::Feeds(ids)) if ids == &vec![id] => {
                Vec::new()
            }
            (Some(super::Source::Feed(_)), _) => self.change_view(),
            _ => Vec::new(),
        }
    }
}

fn sync_prefix(account: &str) -> String {
    format!("sync {account}: ")
}
