//! The terminal UI's loop.

use anyhow::Result;

use crate::config::Paths;

/// Starts the terminal UI.
pub fn run(paths: Paths) -> Result<i32> {
    let _ = paths;
    anyhow::bail!("the terminal UI is not built yet; use the subcommands (tidings --help)")
}
