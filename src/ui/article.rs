//! The distraction-free article view: the text column centred, nothing else on screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_image::sliced::{SignedPosition, SlicedImage};

use crate::app::{App, ArticleView};
use crate::config::Theme;
use crate::images::ImageState;
use crate::text::{SpanStyle, sanitize_text};

fn style_of(s: SpanStyle, theme: &Theme) -> Style {
    let mut st = Style::default();
    if s.bold {
        st = st.add_modifier(Modifier::BOLD);
    }
    if s.italic {
        st = st.add_modifier(Modifier::ITALIC);
    }
    if s.underline {
        st = st.add_modifier(Modifier::UNDERLINED);
    }
    if s.dim {
        st = st.fg(theme.read);
    }
    if s.code {
        st = st.fg(theme.accent);
    }
    if s.heading {
        st = st.fg(theme.accent);
    }
    st
}

/// The pictures whose rows are on screen, over their captions; one partly scrolled off
/// shows its visible rows.
fn draw_pictures(frame: &mut Frame<'_>, text_area: Rect, view: &ArticleView) {
    let Some(rendered) = &view.rendered else { return };
    let height = text_area.height as isize;
    for slot in &rendered.images {
        let Some(ImageState::Ready(picture)) = view.images.get(&slot.url) else {
            continue;
        };
        let top = slot.line as isize - view.scroll as isize;
        let bottom = top + slot.rows as isize;
        if slot.rows == 0 || top >= height || bottom <= 0 {
            continue;
        }
        let (from, to) = (top.max(0) as u16, bottom.min(height) as u16);
        frame.render_widget(
            Clear,
            Rect {
                y: text_area.y + from,
                height: to - from,
                ..text_area
            },
        );
        let at = SignedPosition { x: 0, y: top as i16 };
        frame.render_widget(SlicedImage::new(picture.protocol(), at), text_area);
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, view: &ArticleView, theme: &Theme) {
    let Some(rendered) = &view.rendered else {
        frame.render_widget(
            Paragraph::new(Span::styled("loading…", Style::default().fg(theme.read))),
            area,
        );
        return;
    };
    let width = (view.width as u16).min(area.width);
    let left = area.x + (area.width - width) / 2;
    let text_area = Rect {
        x: left,
        y: area.y + 1,
        width,
        height: area.height.saturating_sub(1),
    };
    let height = text_area.height as usize;
    let lines: Vec<Line> = rendered
        .lines
        .iter()
        .skip(view.scroll)
        .take(height)
        .map(|l| {
            Line::from(
                l.spans
                    .iter()
                    .map(|s| Span::styled(sanitize_text(&s.text), style_of(s.style, theme)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), text_area);
    draw_pictures(frame, text_area, view);
    let total = rendered.lines.len();
    if total > height {
        let pct = ((view.scroll + height).min(total) * 100) / total.max(1);
        let label = format!("{pct}%");
        let r = Rect {
            x: area.x + area.width.saturating_sub(label.len() as u16 + 1),
            y: area.y,
            width: label.len() as u16,
            height: 1,
        };
        let _ = app;
        frame.render_widget(
            Paragraph::new(Span::styled(label, Style::default().fg(theme.read))),
            r,
        );
    }
}
