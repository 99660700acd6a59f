//! The help overlay, generated from the live keymap. Flows into two columns when one does not
//! fit the terminal's height.

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
        .min(14);
    let fit_rows = area.height.saturating_sub(2).max(1) as usize;
    let columns = if rows.len() > fit_rows && area.width >= 60 {
        2
    } else {
        1
    };
    let longest = rows.iter().map(|(_, d)| wrap::width(d)).max().unwrap_or(10);
    let room = (area.width as usize).saturating_sub(3 * columns) / columns;
    let desc_w = longest.min(room.saturating_sub(key_w + 2));
    let col_w = key_w + 2 + desc_w;
    let per_col = rows.len().div_ceil(columns);
    let width = ((col_w * columns + 3 * columns) as u16).min(area.width);
    let height = ((per_col + 2) as u16).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    // Clear one column more on each side so a wide character cut by the popup edge cannot
    // leave half of itself on the border.
    let margin = Rect {
        x: popup.x.saturating_sub(1),
        width: (popup.width + 2).min(area.width.saturating_sub(popup.x.saturating_sub(1))),
        ..popup
    };
    frame.render_widget(Clear, margin);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(theme.accent))
        .title(" Keys (any key closes) ");
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let col_width = inner.width / columns as u16;
    for (c, chunk) in rows.chunks(per_col.max(1)).enumerate() {
        let lines: Vec<Line> = chunk
            .iter()
            .map(|(k, d)| {
                Line::from(vec![
                    Span::styled(
                        format!("{:>key_w$}  ", wrap::truncate(k, key_w)),
                        Style::default().add_modifier(Modifier::BOLD).fg(theme.accent),
                    ),
                    Span::raw(wrap::truncate(d, (col_width as usize).saturating_sub(key_w + 3))),
                ])
            })
            .collect();
        let r = Rect {
            x: inner.x + c as u16 * col_width,
            width: col_width,
            ..inner
        };
        frame.render_widget(Paragraph::new(lines), r);
    }
}
