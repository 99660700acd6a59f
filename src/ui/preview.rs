//! The rule preview: a box over the lists with the query being typed, how many articles it
//! matches (hidden ones too) and the first of them, or why it could never match.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::modes::RulePreview;
use crate::config::Theme;
use crate::text::{sanitize_line, wrap};

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, p: &RulePreview, theme: &Theme) {
    let inner = super::overlay(
        frame,
        area,
        90,
        10,
        " Try a rule — enter searches for it, esc closes ",
        theme,
    );
    let w = inner.width as usize;
    let mut lines = vec![Line::from(vec![
        Span::styled("match = ", Style::default().fg(theme.read)),
        Span::styled(
            wrap::truncate(&format!("{}▏", sanitize_line(&p.input)), w.saturating_sub(8)),
            Style::default().add_modifier(Modifier::BOLD),
        ),
    ])];
    match &p.result {
        None => lines.push(Line::from(Span::styled(
            "words, \"phrases\", -not, field:value (title content author link feed tag category enclosure), OR, /regex/",
            Style::default().fg(theme.read),
        ))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(
            wrap::truncate(&format!("never matches: {}", sanitize_line(e)), w),
            Style::default().fg(theme.error),
        ))),
        Some(Ok((count, first))) => {
            lines.push(Line::from(Span::styled(
                format!("{count} articles match"),
                Style::default().fg(theme.accent),
            )));
            for (feed, title) in first {
                let line = format!("  {}  · {}", sanitize_line(title), sanitize_line(&app.feed_name(*feed)));
                lines.push(Line::from(wrap::truncate(&line, w)));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
