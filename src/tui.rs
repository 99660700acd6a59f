//! The terminal: raw mode and the alternate screen on, and reliably off again (quit, error,
//! drop, panic via ratatui's hook, signals), plus suspend (ctrl-z) and resume. The only module
//! that switches terminal modes.

use std::ops::{Deref, DerefMut};

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::keymap::{Key, KeyChord};

/// The UI screen, restored when dropped: an early return or an error after entering can
/// never leave the terminal in raw mode.
pub struct Terminal {
    inner: DefaultTerminal,
}

impl Terminal {
    /// Enters the UI screen. ratatui installs a panic hook that restores the terminal first.
    pub fn enter() -> std::io::Result<Terminal> {
        let inner = ratatui::try_init()?;
        crate::recover::install_hook();
        Ok(Terminal { inner })
    }

    /// Stops the process like a shell's ctrl-z would, with the terminal restored meanwhile;
    /// returns after `fg`, with the UI screen back.
    pub fn suspend(&mut self) -> std::io::Result<()> {
        ratatui::restore();
        // Sending SIGTSTP through kill(1) keeps this crate free of unsafe code.
        let _ = std::process::Command::new("kill")
            .arg("-TSTP")
            .arg(std::process::id().to_string())
            .status();
        // A fresh terminal has an empty previous frame, so the next draw repaints everything.
        self.inner = ratatui::try_init()?;
        crate::recover::install_hook();
        Ok(())
    }
}

impl Deref for Terminal {
    type Target = DefaultTerminal;
    fn deref(&self) -> &DefaultTerminal {
        &self.inner
    }
}

impl DerefMut for Terminal {
    fn deref_mut(&mut self) -> &mut DefaultTerminal {
        &mut self.inner
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// SIGTERM and SIGHUP end the UI cleanly (terminal restored, writes flushed).
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn new() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    pub async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {},
            _ = self.hup.recv() => {},
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
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
