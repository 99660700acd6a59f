//! The feed list and the headline list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::{App, Focus, Source};
use crate::config::Theme;
use crate::text::{sanitize_line, wrap};

fn block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let style = if focused {
        Style::default().fg(theme.accent)
    } else {
        Style::default().add_modifier(Modifier::DIM)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(title, style))
}

/// Pads or cuts `s` to exactly `w` columns.
fn fit(s: &str, w: usize) -> String {
    let t = wrap::truncate(s, w);
    let pad = w.saturating_sub(wrap::width(&t));
    format!("{t}{}", " ".repeat(pad))
}

pub fn draw_feeds(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Focus::Feeds;
    let b = block(" Feeds ".into(), focused, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let height = inner.height as usize;
    let width = inner.width as usize;
    let scroll = app.feed_selected.saturating_sub(height.saturating_sub(1));
    let mut lines = Vec::with_capacity(height);
    for (i, e) in app.entries.iter().enumerate().skip(scroll).take(height) {
        let count = if e.unread > 0 {
            e.unread.to_string()
        } else {
            String::new()
        };
        // Feeds under a tag header sit further in than the header.
        let indent = match (&e.source, &e.group) {
            (Source::Feed(_), Some(_)) => "   ",
            (Source::Feed(_), None) => " ",
            _ => "",
        };
        let mark = if e.error.is_some() { "!" } else { "" };
        let label_w = width.saturating_sub(wrap::width(&count) + 1 + indent.len() + mark.len());
        let label = fit(&sanitize_line(&e.label), label_w);
        let mut style = Style::default();
        if e.unread > 0 {
            style = style.add_modifier(Modifier::BOLD);
        } else {
            style = style.fg(theme.read);
        }
        if i == app.feed_selected {
            style = style.bg(theme.selection_bg);
            if focused {
                style = style.add_modifier(Modifier::REVERSED);
            }
        }
        lines.push(Line::from(vec![
            Span::styled(indent.to_string(), style),
            Span::styled(mark.to_string(), style.fg(theme.error)),
            Span::styled(label, style),
            Span::styled(format!(" {count}"), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn draw_headlines(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let h = &app.headlines;
    let focused = app.focus == Focus::Headlines;
    let mut title = app
        .entries
        .get(app.feed_selected)
        .map(|e| sanitize_line(&e.label))
        .unwrap_or_default();
    if let Some(q) = &h.query.search {
        // A search covers every article, whatever entry is selected.
        title = format!("Search all: {}", sanitize_line(q));
    }
    let title = format!(" {} ({}) ", title, h.total);
    let b = block(title, focused, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let height = inner.height as usize;
    let width = inner.width as usize;
    if h.total == 0 {
        let failing = super::selected_entry_error(app).filter(|_| !h.loading && h.query.search.is_none());
        if let Some(error) = failing {
            // A feed that never worked has room for its whole error (the status line cuts
            // it to a line), which is often what to change: the feed a page announces.
            let text = format!("This feed fails: {}", sanitize_line(error));
            let lines: Vec<Line> = wrap::wrap(&text, width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, Style::default().fg(theme.error))))
                .collect();
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        }
        let msg = if h.loading {
            "loading…"
        } else if h.query.search.is_some() {
            "no articles match"
        } else {
            "no articles here yet (R refreshes)"
        };
        frame.render_widget(
            Paragraph::new(Span::styled(msg, Style::default().fg(theme.read))),
            inner,
        );
        return;
    }
    let show_feed = !matches!(app.current_source(), Some(Source::Feed(_)));
    let feed_w = if show_feed { (width / 5).clamp(6, 18) } else { 0 };
    let mut lines = Vec::with_capacity(height);
    let now = chrono::Utc::now();
    for i in h.scroll..(h.scroll + height).min(h.total) {
        let Some(row) = h.row(i) else {
            lines.push(Line::from(Span::styled("…", Style::default().fg(theme.read))));
            continue;
        };
        // A hidden article (listed with the show-hidden toggle) is marked and dimmed.
        let star = match (row.starred, row.hidden_by.is_some()) {
            (true, _) => "★",
            (false, true) => "⊘",
            (false, false) => " ",
        };
        let date = row
            .published
            .map(|p| fit(&app.settings.dates.short(p, now), 6))
            .unwrap_or_else(|| "      ".into());
        let feed = if show_feed {
            format!("{}  ", fit(&sanitize_line(&app.feed_name(row.feed_id)), feed_w))
        } else {
            String::new()
        };
        let used = 2 + 6 + 2 + wrap::width(&feed);
        let title = fit(&sanitize_line(&row.title), width.saturating_sub(used));
        let mut style = if row.read {
            Style::default().fg(theme.read)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        };
        if row.hidden_by.is_some() {
            style = style.add_modifier(Modifier::DIM | Modifier::ITALIC);
        }
        if i == h.selected {
            style = style.bg(theme.selection_bg);
            if focused {
                style = style.add_modifier(Modifier::REVERSED);
            }
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{star} "), style.fg(theme.starred)),
            Span::styled(format!("{date}  "), style),
            Span::styled(feed, style),
            Span::styled(title, style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
