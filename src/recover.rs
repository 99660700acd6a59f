//! Panics that a caller recovers from (a parser crashing on a hostile feed) become that
//! caller's error: they never reach the panic hook, which would restore the terminal in the
//! middle of a session and print over the UI. Every other panic goes to the hook as before.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static RECOVERING: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the current panic hook so that panics inside [`catch`] skip it. Called after any
/// hook that restores the terminal is installed (so this one runs first).
pub fn install_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if RECOVERING.with(Cell::get) {
            tracing::warn!(panic = %info, "recovered from a panic");
            return;
        }
        previous(info);
    }));
}

/// Runs `f`; a panic inside it is returned as its message.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = RECOVERING.with(|r| r.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    RECOVERING.with(|r| r.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error_and_the_flag_is_reset() {
        super::install_hook();
        let r: Result<(), String> = super::catch(|| panic!("bad feed"));
        assert_eq!(r, Err("bad feed".into()));
        assert!(!super::RECOVERING.with(std::cell::Cell::get));
        assert_eq!(super::catch(|| 7), Ok(7));
    }
}
