//! The enclosure chooser and the download queue.
//!
//! The chooser: a box over the article listing its enclosures (name, type, size,
//! running time), the selected one highlighted; Enter or a number plays it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::config::Theme;
use crate::text::{sanitize_line, wrap};

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize, theme: &Theme) {
    let enclosures = app
        .article
        .as_ref()
        .and_then(|v| v.body.as_deref())
        .map_or(&[][..], |b| b.enclosures.as_slice());
    let inner = super::overlay(
        frame,
        area,
        100,
        enclosures.len() as u16 + 2,
        " Play — enter or 1-9 plays, esc closes ",
        theme,
    );
    let w = inner.width as usize;
    let lines: Vec<Line> = enclosures
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut parts = vec![crate::text::render::enclosure_name(e)];
            parts.extend(e.mime.as_deref().map(sanitize_line));
            parts.extend(e.length.filter(|l| *l > 0).map(crate::text::render::human_size));
            parts.extend(e.duration.map(crate::media::clock));
            let text = wrap::truncate(&format!("{}. {}", i + 1, parts.join(" · ")), w);
            let style = if i == selected {
                Style::default().fg(theme.accent).add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The download queue: each job's state, article and file (or why it failed), newest first.
pub fn draw_queue(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let inner = super::overlay(
        frame,
        area,
        110,
        app.downloads.len().max(1) as u16 + 2,
        " Downloads — D queues the article's enclosure, any key closes ",
        theme,
    );
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if app.downloads.is_empty() {
        lines.push(Line::from(Span::styled(
            "nothing queued",
            Style::default().fg(theme.read),
        )));
    }
    for j in &app.downloads {
        let style = match j.state.as_str() {
            "failed" => Style::default().fg(theme.error),
            "done" => Style::default().fg(theme.read),
            _ => Style::default(),
        };
        let detail = match (&j.file, &j.error) {
            (Some(f), _) => f.clone(),
            (_, Some(e)) => e.clone(),
            _ => j.url.clone(),
        };
        // The one downloading now shows how far it is.
        let state = match &app.status.download {
            Some((name, pct))
                if j.state == "queued" && *name == crate::download::file_name(j.article.0, &j.url) =>
            {
                pct.map_or("↓".to_string(), |p| format!("↓ {p}%"))
            }
            _ => j.state.clone(),
        };
        let text = format!(
            "{state:<6} {}  {}",
            sanitize_line(&j.title),
            sanitize_line(&detail)
        );
        lines.push(Line::from(Span::styled(wrap::truncate(&text, w), style)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
