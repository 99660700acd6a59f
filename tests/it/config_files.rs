//! Every config in tests/configs: valid ones load, invalid ones fail with the file, line,
//! column and key in the message (the `# expect:` line of each file).

use std::path::Path;

use tidings::config::Config;

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/configs")
        .join(dir);
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

#[test]
fn valid_configs_load() {
    for path in files("valid") {
        Config::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let full = Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/configs/valid/full.toml"))
        .expect("full");
    assert_eq!(full.settings.concurrency, 4);
    assert_eq!(
        full.settings.browser,
        Some(vec!["firefox".to_string(), "--new-tab".to_string()])
    );
    assert_eq!(full.settings.retention, std::time::Duration::ZERO);
    assert_eq!(
        full.feeds[0].refresh_interval,
        Some(std::time::Duration::from_secs(900))
    );
    assert!(full.feeds[0].full_text);
    assert_eq!(full.keys.len(), 2);
    let accounts =
        Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/configs/valid/account.toml"))
            .expect("accounts")
            .accounts;
    assert_eq!(
        accounts[0].name, "rss.example.org",
        "named after the host by default"
    );
    assert_eq!(
        accounts[0].secret,
        tidings::config::Secret::Command(vec!["pass".into(), "show".into(), "rss".into()])
    );
    assert_eq!(
        accounts[0].refresh_interval,
        Some(std::time::Duration::from_secs(600))
    );
    assert_eq!(accounts[1].name, "work");
    assert_eq!(
        accounts[1].secret,
        tidings::config::Secret::Env("WORK_RSS_PASSWORD".into())
    );
}

#[test]
fn invalid_configs_name_file_line_column_and_key() {
    for path in files("invalid") {
        let text = std::fs::read_to_string(&path).expect("read");
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} lacks an '# expect:' line", path.display()));
        let err = Config::load(&path).expect_err(&format!("{} should fail", path.display()));
        let msg = err.to_string();
        assert!(
            msg.contains(expect),
            "{}:\n  got:      {msg}\n  expected: {expect}",
            path.display()
        );
        assert!(msg.contains(&*path.display().to_string()), "{msg}");
    }
}
