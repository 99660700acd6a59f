//! The UI model.

pub mod keymap;
