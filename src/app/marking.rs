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
        vec![Effect::MarkAllRead(query)]
    }

    pub(super) fn undo(&mut self) -> Vec<Effect> {
        let Some(change) = self.undo.pop() else {
            self.status.message = Some("nothing to undo".into());
            return Vec::new();
        };
        self.apply_locally(&change);
        self.status.message = Some(format!(
            "undone ({} article{})",
            change.ids.len(),
            if change.ids.len() == 1 { "" } else { "s" }
        ));
        let mut fx = vec![Effect::Write(change)];
        fx.push(Effect::LoadCounts);
        fx
    }
}
