//! The help overlay, generated from the live keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::App;
use crate::config::Theme;
use crate::text::wrap;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let rows = app.keymap.help_rows();
    let key_w = rows
        .iter()
        .map(|(k, _)| wrap::width(k))
        .max()
        .unwrap_or(4)
        .min(18);
    let desc_w = rows.iter().map(|(_, d)| wrap::width(d)).max().unwrap_or(10);
    let width = ((key_w + desc_w + 5) as u16).min(area.width);
    let height = ((rows.len() + 3) as u16).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.accent))
        .title(" Keys (any key closes) ");
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let lines: Vec<Line> = rows
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(
                    format!("{:>key_w$}  ", wrap::truncate(k, key_w)),
                    Style::default().add_modifier(Modifier::BOLD).fg(theme.accent),
                ),
                Span::raw(wrap::truncate(
                    d,
                    (inner.width as usize).saturating_sub(key_w + 2),
                )),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
