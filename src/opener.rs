//! Opening a link in the browser: an argument vector, never a shell string, and only schemes
//! that are safe to hand to a browser.

use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("refusing to open '{0}': only http, https and mailto links are opened")]
    Scheme(String),
    #[error("'{0}' is not a valid URL")]
    Invalid(String),
    #[error("cannot start the browser '{program}': {reason}")]
    Spawn { program: String, reason: String },
}

/// Checks that a link may be opened: an absolute http, https or mailto URL.
pub fn check_url(link: &str) -> Result<url::Url, OpenError> {
    let url =
        url::Url::parse(link.trim()).map_err(|_| OpenError::Invalid(crate::text::sanitize_line(link)))?;
    match url.scheme() {
        "http" | "https" | "mailto" => Ok(url),
        _ => Err(OpenError::Scheme(crate::text::sanitize_line(link))),
    }
}

/// The command line that would open `url`: the configured browser, else the platform opener.
pub fn command_for(browser: Option<&[String]>, url: &url::Url) -> Vec<String> {
    let mut argv: Vec<String> = match browser {
        Some(cmd) if !cmd.is_empty() => cmd.to_vec(),
        _ => default_opener(),
    };
    argv.push(url.as_str().to_string());
    argv
}

fn default_opener() -> Vec<String> {
    if let Some(b) = std::env::var_os("BROWSER").filter(|b| !b.is_empty())
        && let Ok(parts) = split_command(&b.to_string_lossy())
        && !parts.is_empty()
    {
        return parts;
    }
    if cfg!(target_os = "macos") {
        vec!["open".into()]
    } else if cfg!(windows) {
        vec!["explorer".into()]
    } else {
        vec!["xdg-open".into()]
    }
}

/// Starts the browser detached from the terminal (stdin/stdout/stderr closed) and returns
/// without waiting, so GUI browsers cannot scribble over the UI.
pub fn open(browser: Option<&[String]>, link: &str) -> Result<(), OpenError> {
    let url = check_url(link)?;
    spawn_detached(&command_for(browser, &url))
}

/// Starts a program (argv, no shell) with no terminal attached, without waiting for it.
pub fn spawn_detached(argv: &[String]) -> Result<(), OpenError> {
    let (program, args) = argv.split_first().ok_or_else(|| OpenError::Spawn {
        program: String::new(),
        reason: "empty command".into(),
    })?;
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| OpenError::Spawn {
            program: program.clone(),
            reason: e.to_string(),
        })
}

/// Splits a command from the config into words: whitespace separates, double or single quotes
/// group. No shell features (variables, globs, pipes) exist here by design.
pub fn split_command(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for ch in text.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(ch);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(format!("unbalanced quote in '{text}'"));
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_safe_schemes_open() {
        assert!(check_url("https://example.org/a?b=c").is_ok());
        assert!(check_url("mailto:someone@example.org").is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "/relative",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn url_is_one_argument_even_with_shell_characters() {
        let url = check_url("https://example.org/$(touch /tmp/pwned);rm -rf ~`id`").expect("ok");
        let argv = command_for(Some(&["firefox".to_string(), "--new-tab".to_string()]), &url);
        assert_eq!(argv.len(), 3);
        assert_eq!(argv[0], "firefox");
        assert!(argv[2].starts_with("https://example.org/"));
    }

    #[test]
    fn splits_commands_without_a_shell() {
        assert_eq!(
            split_command("firefox --new-tab").expect("ok"),
            vec!["firefox", "--new-tab"]
        );
        assert_eq!(
            split_command("\"/opt/my browser/b\" -x").expect("ok"),
            vec!["/opt/my browser/b", "-x"]
        );
        assert!(split_command("\"oops").is_err());
    }

    #[test]
    fn opening_passes_the_url_verbatim_to_the_program() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("args");
        let script = dir.path().join("browser.sh");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\n", out.display()),
        )
        .expect("w");
        let status = Command::new("chmod")
            .arg("+x")
            .arg(&script)
            .status()
            .expect("chmod");
        assert!(status.success());
        let link = "https://example.org/a;b&c=$(id)";
        open(Some(&[script.display().to_string()]), link).expect("open");
        for _ in 0..100 {
            if out.exists() && std::fs::read_to_string(&out).is_ok_and(|s| s.ends_with('\n')) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(std::fs::read_to_string(&out).expect("args"), format!("{link}\n"));
    }
}
