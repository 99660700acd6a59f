//! The terminal: raw mode and the alternate screen on, and reliably off again (quit, error,
//! panic via ratatui's hook, signals), plus suspend (Ctrl-Z) and resume. The only module that
//! switches terminal modes.

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::keymap::{Key, KeyChord};

/// Enters the UI screen. ratatui installs a panic hook that restores the terminal first.
pub fn enter() -> std::io::Result<DefaultTerminal> {
    ratatui::try_init()
}

/// Leaves the UI screen.
pub fn leave() {
    ratatui::restore();
}

/// Stops the process like a shell's Ctrl-Z would, with the terminal restored meanwhile; returns
/// after `fg`, with the UI screen back.
pub fn suspend(terminal: &mut DefaultTerminal) -> std::io::Result<()> {
    leave();
    // Sending SIGTSTP through kill(1) keeps this crate free of unsafe code.
    let _ = std::process::Command::new("kill")
        .arg("-TSTP")
        .arg(std::process::id().to_string())
        .status();
    // A fresh terminal has an empty previous frame, so the next draw repaints everything.
    *terminal = enter()?;
    Ok(())
}

/// A key press as a chord; releases and repeats-as-release are ignored.
pub fn chord(ev: &KeyEvent) -> Option<KeyChord> {
    if ev.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let alt = ev.modifiers.contains(KeyModifiers::ALT);
    let key = match ev.code {
        KeyCode::Char(c) => Key::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        _ => return None,
    };
    Some(KeyChord { key, ctrl, alt })
}
