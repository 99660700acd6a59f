//! Drawing: `draw(frame, &App, &Theme)` lays out the panes and calls one function per region.
//! Reads the model only; renders only the rows that are visible.

mod article;
mod enclosures;
mod health;
mod help;
mod lists;
mod preview;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{App, Focus, Mode};
use crate::config::Theme;
use crate::text::{sanitize_line, wrap};

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App, theme: &Theme) {
    let area = frame.area();
    let [main, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    match (&app.article, app.focus) {
        (Some(view), Focus::Article) => article::draw(frame, main, app, view, theme),
        _ => {
            let feeds_width = (area.width / 3).clamp(12, 34);
            let [left, right] =
                Layout::horizontal([Constraint::Length(feeds_width), Constraint::Min(1)]).areas(main);
            lists::draw_feeds(frame, left, app, theme);
            lists::draw_headlines(frame, right, app, theme);
        }
    }
    if let Mode::Health { selected } = app.mode {
        health::draw(frame, main, app, selected, theme);
    }
    if let Mode::RulePreview(p) = &app.mode {
        preview::draw(frame, main, app, p, theme);
    }
    if let Mode::Enclosures { selected } = app.mode {
        enclosures::draw(frame, main, app, selected, theme);
    }
    if app.mode == Mode::Downloads {
        enclosures::draw_queue(frame, main, app, theme);
    }
    draw_status(frame, status, app, theme);
    if app.mode == Mode::Help {
        help::draw(frame, area, app, theme);
    }
}

/// A bordered box near the top of `area`, centred, at most `width` wide and `height` high,
/// cleared and titled; returns the inside to draw in.
pub(crate) fn overlay(
    frame: &mut Frame<'_>,
    area: Rect,
    width: u16,
    height: u16,
    title: &str,
    theme: &Theme,
) -> Rect {
    let width = area.width.saturating_sub(4).min(width);
    let box_area = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + 1,
        width,
        height: height.min(area.height.saturating_sub(1)),
    };
    frame.render_widget(ratatui::widgets::Clear, box_area);
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(Style::default().fg(theme.accent))
        .title(title.to_string());
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    inner
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let total_unread: u64 = app
        .feeds
        .iter()
        .map(|f| app.unread.get(&f.id).copied().unwrap_or(0))
        .sum();
    let right = format!(
        " {total_unread} unread · {} help ",
        app.keymap.hint(crate::app::keymap::Action::Help)
    );
    let avail = (area.width as usize).saturating_sub(wrap::width(&right));
    let (left, style) = if let Mode::Search { input, .. } = &app.mode {
        (
            format!("/{}", sanitize_line(input)),
            Style::default().fg(theme.accent),
        )
    } else if let Mode::AddFeed { input } = &app.mode {
        (
            format!(
                "add feed (URL or page, enter adds, esc cancels): {}",
                sanitize_line(input)
            ),
            Style::default().fg(theme.accent),
        )
    } else if let Some(e) = &app.status.error {
        (sanitize_line(e), Style::default().fg(theme.error))
    } else if let Some((name, pct)) = &app.status.download {
        (
            match pct {
                Some(p) => format!("↓ {} {p}%", sanitize_line(name)),
                None => format!("↓ {}", sanitize_line(name)),
            },
            Style::default().fg(theme.accent),
        )
    } else if let Some((done, total)) = app.status.progress {
        (
            format!("refreshing {done}/{total}"),
            Style::default().fg(theme.accent),
        )
    } else if let Some(e) = selected_entry_error(app).filter(|_| app.focus == Focus::Feeds) {
        (
            format!("feed failing: {}", sanitize_line(e)),
            Style::default().fg(theme.error),
        )
    } else if let Some(m) = &app.status.message {
        (sanitize_line(m), Style::default())
    } else {
        (String::new(), Style::default())
    };
    let line = Line::from(vec![
        Span::styled(format!("{:<avail$}", wrap::truncate(&left, avail)), style),
        Span::styled(right, Style::default().add_modifier(Modifier::DIM)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// The error of the feed selected in the feed list, if it is failing.
fn selected_entry_error(app: &App) -> Option<&str> {
    app.entries
        .get(app.feed_selected)
        .and_then(|e| e.error.as_deref())
}
