//! An account's secrets: the password, asked of a command (argv, never a shell) or read from
//! the environment when the account signs in, and the token the server gives back, kept in
//! the data dir readable by the user alone. Neither is ever logged.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::SyncError;
use crate::config::{AccountSpec, Secret};

/// How long a password command may take (a pinentry prompt is answered by a person).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// The password for `account`.
pub async fn password(account: &AccountSpec) -> Result<String, SyncError> {
    match &account.secret {
        Secret::Env(name) => std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| SyncError::Secret(format!("the environment variable {name} is not set"))),
        Secret::Command(argv) => run_command(argv).await,
    }
}

async fn run_command(argv: &[String]) -> Result<String, SyncError> {
    let program = argv.first().map(String::as_str).unwrap_or_default();
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(&argv[1..])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let out = tokio::time::timeout(COMMAND_TIMEOUT, cmd.output())
        .await
        .map_err(|_| SyncError::Secret(format!("password_command '{program}' took longer than 2 minutes")))?
        .map_err(|e| SyncError::Secret(format!("cannot run password_command '{program}': {e}")))?;
    if !out.status.success() {
        // Its error output may say why (a locked keyring); its standard output never shows.
        let why = String::from_utf8_lossy(&out.stderr);
        let why = crate::text::sanitize_line(why.lines().next().unwrap_or(""));
        return Err(SyncError::Secret(format!(
            "password_command '{program}' failed ({}){}",
            out.status,
            if why.is_empty() {
                String::new()
            } else {
                format!(": {why}")
            }
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string();
    if first.is_empty() {
        return Err(SyncError::Secret(format!(
            "password_command '{program}' printed nothing"
        )));
    }
    Ok(first)
}

/// Where an account's token is kept.
pub fn token_path(data_dir: &Path, account: &str) -> PathBuf {
    let safe: String = account
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    data_dir.join("accounts").join(format!("{safe}.auth"))
}

pub fn read_token(path: &Path) -> Option<String> {
    let t = std::fs::read_to_string(path).ok()?;
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Writes the token with mode 0600 (created so from the start: never readable by others,
/// not even for a moment).
pub fn write_token(path: &Path, token: &str) -> Result<(), SyncError> {
    use std::io::Write;
    let fail =
        |e: std::io::Error| SyncError::Secret(format!("cannot keep the token in {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("auth.tmp");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp).map_err(fail)?;
    f.write_all(token.as_bytes()).map_err(fail)?;
    f.sync_all().map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Forgets a token the server no longer takes.
pub fn forget_token(path: &Path) {
    let _ = std::fs::remove_file(path);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(secret: Secret) -> AccountSpec {
        AccountSpec {
            name: "fr".into(),
            kind: crate::config::AccountKind::GReader,
            url: url::Url::parse("http://127.0.0.1:1/api/greader.php").expect("url"),
            user: "u".into(),
            secret,
            refresh_interval: None,
        }
    }

    #[tokio::test]
    async fn the_password_comes_from_argv_without_a_shell() {
        let a = account(Secret::Command(vec![
            "printf".into(),
            "%s\\nsecond".into(),
            "p$(x) w;d".into(),
        ]));
        assert_eq!(password(&a).await.expect("password"), "p$(x) w;d");
        let failing = account(Secret::Command(vec![
            "sh".into(),
            "-c".into(),
            "echo locked >&2; exit 3".into(),
        ]));
        let e = password(&failing).await.expect_err("fails").to_string();
        assert!(e.contains("failed") && e.contains("locked"), "{e}");
        let missing = account(Secret::Env("TIDINGS_TEST_SURELY_UNSET".into()));
        assert!(
            password(&missing)
                .await
                .expect_err("unset")
                .to_string()
                .contains("TIDINGS_TEST_SURELY_UNSET")
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_token_file_is_the_users_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let p = token_path(dir.path(), "my/../server");
        assert!(p.starts_with(dir.path().join("accounts")));
        write_token(&p, "tok").expect("write");
        assert_eq!(read_token(&p).as_deref(), Some("tok"));
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        forget_token(&p);
        assert_eq!(read_token(&p), None);
    }
}
