//! The `tidings` binary: parse the command line, start file logging, dispatch, and map errors
//! to exit codes (0 success, 2 usage or config error, 1 anything else).

use std::process::ExitCode;

use clap::Parser;
use tidings::cli::{Cli, Command};
use tidings::commands::{self, UsageError};
use tidings::config::{self, Paths};

fn main() -> ExitCode {
    tidings::recover::install_hook();
    let cli = Cli::parse();
    let command = cli.command();
    let result = Paths::resolve(cli.config.clone(), cli.data_dir.clone())
        .map_err(anyhow::Error::from)
        .and_then(|paths| {
            let _guard = start_logging(&paths, cli.verbose);
            match command {
                Command::Tui => tidings::event_loop::run(paths),
                other => commands::run(other, paths),
            }
        });
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("tidings: {}", tidings::text::sanitize_line(&format!("{err:#}")));
            if err.downcast_ref::<config::Error>().is_some() || err.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// Logs go to `tidings.log` in the data dir, never to the terminal. Logging is best effort: a
/// data dir that cannot be created is reported by the store, not here.
fn start_logging(paths: &Paths, verbose: u8) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    // The first run creates the data dir here, so its first session is logged too.
    std::fs::create_dir_all(&paths.data_dir).ok()?;
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("tidings={level}")));
    // Opened here rather than by tracing-appender's roller, which panics when the file cannot
    // be created (a read-only data dir must not crash a command that only reads).
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(paths.data_dir.join("tidings.log"))
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "tidings started");
    Some(guard)
}
