//! The feed health view: per feed, its status, last success, HTTP status, redirect, volume and
//! newest article; stale feeds flagged.

use chrono::Utc;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::App;
use crate::config::Theme;
use crate::text::{sanitize_line, wrap};

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize, theme: &Theme) {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.accent))
        .title(title(app));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let now = Utc::now();
    let width = inner.width as usize;
    let mut lines = account_lines(app, width, theme, now);
    lines.extend(rule_lines(app, width, theme));
    let height = (inner.height as usize).saturating_sub(lines.len());
    let per_feed = 2;
    let first = first_visible(selected, height / per_feed);
    for (i, f) in app.health.iter().enumerate().skip(first) {
        if lines.len() + per_feed > inner.height as usize {
            break;
        }
        let name = app
            .feeds
            .iter()
            .find(|x| x.id == f.id)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| crate::text::display_url(&f.url));
        let (_, failing) = f.health(now);
        let mut style = Style::default();
        if i == selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let name_style = if failing {
            style.fg(theme.error)
        } else {
            style.add_modifier(Modifier::BOLD)
        };
        let stale = if f.is_stale(now) { "  STALE" } else { "" };
        lines.push(Line::from(vec![
            Span::styled(
                wrap::truncate(&sanitize_line(&name), width.saturating_sub(stale.len())),
                name_style,
            ),
            Span::styled(stale.to_string(), style.fg(theme.error)),
        ]));
        let detail = format!("  {}", sanitize_line(&f.health_line(now)));
        lines.push(Line::from(Span::styled(
            wrap::truncate(&detail, width),
            Style::default().fg(theme.read),
        )));
    }
    if app.health.is_empty() {
        lines.push(Line::from("loading…"));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Two lines per sync account, above the feeds: its name, and how its last sync went.
fn account_lines(app: &App, width: usize, theme: &Theme, now: chrono::DateTime<Utc>) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for a in &app.accounts {
        let style = if a.error.is_some() {
            Style::default().fg(theme.error)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        };
        lines.push(Line::from(Span::styled(
            wrap::truncate(&format!("account {}", sanitize_line(&a.name)), width),
            style,
        )));
        lines.push(Line::from(Span::styled(
            wrap::truncate(&format!("  {}", sanitize_line(&a.line(now))), width),
            Style::default().fg(theme.read),
        )));
    }
    lines
}

/// One line per rule: what it does and how much it matched in the last 30 days, so a rule
/// that matches nothing is seen.
fn rule_lines(app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    app.rule_counts
        .iter()
        .map(|r| {
            let text = format!(
                "rule {} (line {}): {} · {} matches in 30 days{}",
                sanitize_line(&r.name),
                r.line,
                r.action,
                r.recent,
                if r.active { "" } else { " · expired" }
            );
            let style = if r.recent == 0 || !r.active {
                Style::default().fg(theme.read)
            } else {
                Style::default()
            };
            Line::from(Span::styled(wrap::truncate(&text, width), style))
        })
        .collect()
}

/// The first feed drawn so that the selected one is the last that fits, or fits as is.
pub fn first_visible(selected: usize, fits: usize) -> usize {
    (selected + 1).saturating_sub(fits.max(1))
}

/// The title, with the keys as they are bound now.
fn title(app: &App) -> String {
    use crate::app::keymap::Action;
    let k = |a| app.keymap.hint(a);
    format!(
        " Feed health — {} applies a redirect, {} refreshes, {} closes ",
        k(Action::ApplyRedirect),
        k(Action::RefreshFeed),
        k(Action::Back)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_selected_feed_is_always_drawn() {
        // 38 rows hold 19 feeds of two lines each.
        for selected in 0..100 {
            let first = super::first_visible(selected, 19);
            assert!(first <= selected && selected < first + 19, "{selected}: {first}");
        }
        assert_eq!(super::first_visible(5, 19), 0);
    }
}
