//! Bad local state: a full disk, a read-only data dir, a missing database. Each gives a clear
//! error and loses nothing. These use a small tmpfs and a read-only bind mount (tidings' tests
//! run as root on CI machines); where mounting is not permitted they say so and stop.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{Response, Server, rss};

use crate::support::tidings as run;

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Mounts a filesystem for the test and unmounts it on drop.
struct Mount(std::path::PathBuf);

impl Mount {
    fn new(args: &[&str], target: &Path) -> Option<Mount> {
        std::fs::create_dir_all(target).expect("mkdir");
        let ok = Command::new("mount")
            .args(args)
            .arg(target)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("mount {args:?} not permitted here: test not run");
        }
        ok.then(|| Mount(target.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn full_disk_during_refresh_exits_1_and_keeps_what_was_stored() {
    let server = Server::start(|req| match req.path.as_str() {
        "/small" => Response::ok(rss("Small", "s", 3)),
        _ => {
            let filler = "lorem ipsum dolor sit amet ".repeat(80);
            let items: String = (0..1500)
                .map(|i| format!("<item><guid>b{i}</guid><title>Big {i}</title><description>{filler} {i}</description></item>"))
                .collect();
            Response::ok(format!(
                "<rss version=\"2.0\"><channel><title>Big</title>{items}</channel></rss>"
            ))
        }
    });
    let dir = tempfile::tempdir().expect("tmp");
    let Some(_mnt) = Mount::new(
        &["-t", "tmpfs", "-o", "size=2m", "tmpfs"],
        &dir.path().join("data"),
    ) else {
        return;
    };
    let data = dir.path().join("data");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[feed]]\nurl = \"{}\"\nname = \"Small\"\n", server.url("/small")),
    )
    .expect("w");
    assert!(run(&config, &data, &["refresh"]).status.success());
    let ids = text(&run(&config, &data, &["list", "--json"]));
    let id = serde_json::from_str::<serde_json::Value>(&ids).expect("json")[0]["id"].to_string();
    assert!(run(&config, &data, &["mark", &id, "--star"]).status.success());
    std::fs::write(
        &config,
        format!(
            "[[feed]]\nurl = \"{}\"\nname = \"Small\"\n\n[[feed]]\nurl = \"{}\"\nname = \"Big\"\n",
            server.url("/small"),
            server.url("/big")
        ),
    )
    .expect("w");
    let out = run(&config, &data, &["refresh"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("full"), "{}", text(&out));
    let starred = run(&config, &data, &["list", "--starred", "--count"]);
    assert_eq!(
        String::from_utf8_lossy(&starred.stdout).trim(),
        "1",
        "{}",
        text(&starred)
    );
    // The small feed is whole; of the big one, whatever chunks were committed before the
    // disk filled (each chunk is its own transaction).
    assert_eq!(
        String::from_utf8_lossy(&run(&config, &data, &["list", "--feed", "Small", "--count"]).stdout).trim(),
        "3"
    );
    let all: u64 = String::from_utf8_lossy(&run(&config, &data, &["list", "--count"]).stdout)
        .trim()
        .parse()
        .expect("a count");
    assert!(all < 1503, "the big feed cannot have fit: {all}");
}

#[test]
fn read_only_data_dir_reads_but_refuses_writes_clearly() {
    let server = Server::start(|_| Response::ok(rss("Feed", "f", 2)));
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("[[feed]]\nurl = \"{}\"\n", server.url("/f"))).expect("w");
    assert!(run(&config, &data, &["refresh"]).status.success());
    let before = std::fs::read(data.join("tidings.db")).expect("db");
    let ro = dir.path().join("ro");
    let Some(_bind) = Mount::new(&["--bind", data.to_str().expect("p")], &ro) else {
        return;
    };
    let ok = Command::new("mount")
        .args(["-o", "remount,bind,ro"])
        .arg(&ro)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("read-only remount not permitted: test not run");
        return;
    }
    // Reading works: counts, lists, feeds, an article, the export.
    let count = run(&config, &ro, &["list", "--count"]);
    assert!(count.status.success(), "{}", text(&count));
    assert_eq!(String::from_utf8_lossy(&count.stdout).trim(), "2");
    for args in [&["list"][..], &["feeds"], &["show", "1"], &["export"]] {
        let out = run(&config, &ro, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
    // Writing is refused, saying why, in one line.
    let out = run(&config, &ro, &["mark", "1", "--read"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is read-only"), "{err}");
    drop(_bind);
    assert_eq!(
        std::fs::read(data.join("tidings.db")).expect("db"),
        before,
        "nothing was changed"
    );
}

#[test]
fn a_missing_database_is_recreated_and_refilled() {
    let server = Server::start(|_| Response::ok(rss("Feed", "f", 4)));
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("[[feed]]\nurl = \"{}\"\n", server.url("/f"))).expect("w");
    assert!(run(&config, &data, &["refresh"]).status.success());
    for f in ["tidings.db", "tidings.db-wal", "tidings.db-shm"] {
        let _ = std::fs::remove_file(data.join(f));
    }
    let out = run(&config, &data, &["list", "--count"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
    assert!(run(&config, &data, &["refresh"]).status.success());
    assert_eq!(
        String::from_utf8_lossy(&run(&config, &data, &["list", "--count"]).stdout).trim(),
        "4"
    );
}
