//! Read and starred marks: applied at once, written by effects, undoable.

use super::*;

impl App {
    pub(super) fn toggle(&mut self, field: Field) -> Vec<Effect> {
        let Some(row) = self.headlines.selected_row() else {
            return Vec::new();
        };
        let value = match field {
            Field::Read => !row.read,
            Field::Starred => !row.starred,
        };
        self.set_selected(field, value)
    }

    pub(super) fn set_selected(&mut self, field: Field, value: bool) -> Vec<Effect> {
        let Some(row) = self.headlines.selected_row() else {
            return Vec::new();
        };
        let current = match field {
            Field::Read => row.read,
            Field::Starred => row.starred,
        };
        if current == value {
            return Vec::new();
        }
        let change = Change {
            ids: vec![row.id],
            field,
            value,
        };
        self.apply_locally(&change);
        self.undo.push(Change {
            value: !value,
            ..change.clone()
        });
        self.begin_write();
        vec![Effect::Write(change)]
    }

    /// Shows a change at once (counts included); the store catches up.
    pub(super) fn apply_locally(&mut self, change: &Change) {
        let mut unread_delta: HashMap<FeedId, i64> = HashMap::new();
        let mut starred_delta = 0i64;
        for row in self
            .headlines
            .rows
            .iter_mut()
            .filter(|r| change.ids.contains(&r.id))
        {
            match change.field {
                Field::Read if row.read != change.value => {
                    row.read = change.value;
                    *unread_delta.entry(row.feed_id).or_default() += if change.value { -1 } else { 1 };
                }
                Field::Starred if row.starred != change.value => {
                    row.starred = change.value;
                    starred_delta += if change.value { 1 } else { -1 };
                }
                _ => {}
            }
        }
        for (feed, d) in unread_delta {
            let c = self.unread.entry(feed).or_default();
            *c = c.saturating_add_signed(d);
        }
        self.starred = self.starred.saturating_add_signed(starred_delta);
        self.rebuild_entries();
    }

    pub(super) fn mark_all_read(&mut self) -> Vec<Effect> {
        let query = match self.focus {
            Focus::Feeds => match self.current_source() {
                Some(s) => self.query_for(&s),
                None => return Vec::new(),
            },
            _ => self.headlines.query.clone(),
        };
        for row in &mut self.headlines.rows {
            row.read = true;
        }
        self.begin_write();
        vec![Effect::MarkAllRead(query)]
    }

    pub(super) fn undo(&mut self) -> Vec<Effect> {
        let Some(change) = self.undo.pop() else {
            self.status.message = Some("nothing to undo".into());
            return Vec::new();
        };
        self.apply_locally(&change);
        self.status.message = Some("undoing…".into());
        self.begin_write();
        vec![Effect::Undo(change)]
    }

    /// Counts asked for now; a reply that raced a write is asked for again.
    pub(super) fn load_counts(&self) -> Effect {
        Effect::LoadCounts {
            epoch: self.writes.epoch,
            views: self.settings.views.iter().map(|v| v.query.clone()).collect(),
        }
    }

    pub(super) fn begin_write(&mut self) {
        self.writes.in_flight += 1;
        self.writes.epoch += 1;
    }

    /// A write was answered; once none is in flight, counts that went stale are reloaded.
    pub(super) fn end_write(&mut self) -> Vec<Effect> {
        self.writes.in_flight = self.writes.in_flight.saturating_sub(1);
        self.writes.epoch += 1;
        if self.writes.in_flight == 0 && std::mem::take(&mut self.writes.counts_stale) {
            return vec![self.load_counts()];
        }
        Vec::new()
    }

    /// Applies counts from the store unless a write raced them (the local counts already
    /// include it, the snapshot may not); those are asked for again once writes settle.
    pub(super) fn apply_counts(
        &mut self,
        epoch: u64,
        unread: Vec<(FeedId, u64)>,
        starred: u64,
    ) -> Vec<Effect> {
        if epoch == self.writes.epoch && self.writes.in_flight == 0 {
            self.unread = unread.into_iter().collect();
            self.starred = starred;
            return Vec::new();
        }
        if self.writes.in_flight == 0 {
            return vec![self.load_counts()];
        }
        self.writes.counts_stale = true;
        Vec::new()
    }

    /// A committed undo: said only now, and the view shows the articles again.
    pub(super) fn undone(&mut self, change: Change) -> Vec<Effect> {
        let n = change.ids.len();
        self.status.message = Some(format!("undone ({n} article{})", if n == 1 { "" } else { "s" }));
        let mut fx = self.end_write();
        fx.extend(self.reload_keeping_selection());
        fx
    }
}
