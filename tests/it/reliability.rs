//! Reliability: SIGKILL during ingest, concurrent processes on one store, a second UI.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::support::pty::Tui;
use crate::support::{Response, Server, rss};

use crate::support::{tidings as run, tidings_cmd as cmd};

fn json(config: &Path, data: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let out = run(config, data, args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .expect("json")
        .as_array()
        .expect("array")
        .clone()
}

fn ids_where(items: &[serde_json::Value], key: &str) -> Vec<i64> {
    let mut v: Vec<i64> = items
        .iter()
        .filter(|i| i[key] == true)
        .filter_map(|i| i["id"].as_i64())
        .collect();
    v.sort_unstable();
    v
}

/// Many feeds with many items, answering slowly enough that a refresh takes a while.
fn big_server(feeds: usize, items: usize, latency_ms: u64) -> Server {
    Server::start(move |req| {
        let n: usize = req.path.trim_start_matches("/f").parse().unwrap_or(usize::MAX);
        if n >= feeds {
            return Response::status(404);
        }
        Response::ok(rss(&format!("Feed {n}"), &format!("f{n}"), items))
            .delay(Duration::from_millis(latency_ms))
    })
}

fn config_for(dir: &Path, server: &Server, feeds: usize) -> PathBuf {
    let mut s = String::from("[settings]\nper_host = 8\nconcurrency = 8\n");
    for i in 0..feeds {
        s.push_str(&format!(
            "\n[[feed]]\nurl = \"{}\"\nname = \"Feed {i}\"\n",
            server.url(&format!("/f{i}"))
        ));
    }
    let p = dir.join("config.toml");
    std::fs::write(&p, s).expect("config");
    p
}

/// A deterministic sequence of kill delays (no rand dependency): 20..300 ms.
fn delays(n: usize) -> Vec<u64> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            20 + x % 280
        })
        .collect()
}

fn integrity(data: &Path) -> String {
    let conn = rusqlite::Connection::open(data.join("tidings.db")).expect("open");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check")
}

#[test]
fn sigkill_during_refresh_never_loses_articles_or_marks() {
    const FEEDS: usize = 40;
    const ITEMS: usize = 60;
    let server = big_server(FEEDS, ITEMS, 80);
    let dir = tempfile::tempdir().expect("tmp");
    let config = config_for(dir.path(), &server, FEEDS);
    let data = dir.path().join("data");
    let mut read: Vec<i64> = Vec::new();
    let mut starred: Vec<i64> = Vec::new();
    let mut last_count = 0usize;
    let mut kills = 0;
    for (round, delay) in delays(24).into_iter().enumerate() {
        let mut child = cmd(&config, &data, &["refresh"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().expect("try_wait").is_none() {
            child.kill().expect("SIGKILL");
            kills += 1;
        }
        child.wait().expect("reap");
        // Every committed article is still there, and nothing was duplicated.
        let all = json(&config, &data, &["list", "--json"]);
        assert!(
            all.len() >= last_count,
            "round {round}: articles went from {last_count} to {}",
            all.len()
        );
        assert!(all.len() <= FEEDS * ITEMS);
        last_count = all.len();
        // Between kills, the user marks things.
        let unread: Vec<i64> = all
            .iter()
            .filter(|i| i["read"] == false)
            .filter_map(|i| i["id"].as_i64())
            .collect();
        if let Some(id) = unread.first() {
            assert!(
                run(&config, &data, &["mark", &id.to_string(), "--read"])
                    .status
                    .success()
            );
            read.push(*id);
        }
        if let Some(id) = unread.get(1) {
            assert!(
                run(&config, &data, &["mark", &id.to_string(), "--star"])
                    .status
                    .success()
            );
            starred.push(*id);
        }
    }
    assert!(kills >= 20, "only {kills} refreshes were killed mid-run");
    // A final uninterrupted refresh completes the store.
    assert!(run(&config, &data, &["refresh"]).status.success());
    assert_eq!(integrity(&data), "ok");
    let all = json(&config, &data, &["list", "--json"]);
    assert_eq!(all.len(), FEEDS * ITEMS);
    let now_read = ids_where(&all, "read");
    let now_starred = ids_where(&all, "starred");
    for id in &read {
        assert!(now_read.contains(id), "read mark on {id} lost");
    }
    for id in &starred {
        assert!(now_starred.contains(id), "star on {id} lost");
    }
    println!(
        "{kills} kills survived; {} read and {} starred marks kept",
        read.len(),
        starred.len()
    );
}

#[test]
fn cron_refresh_while_the_ui_runs_shows_new_articles_and_keeps_marks() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let items = Arc::new(AtomicUsize::new(2));
    let n = items.clone();
    let server = Server::start(move |_| Response::ok(rss("Live", "l", n.load(Ordering::SeqCst))));
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[settings]\nrefresh_interval = \"1d\"\n\n[[feed]]\nurl = \"{}\"\nname = \"Live\"\n",
            server.url("/feed")
        ),
    )
    .expect("config");
    let data = dir.path().join("data");
    let mut ui = Tui::start(&config, &data, 100, 30);
    ui.wait_text("All unread (2)");
    ui.send("l");
    ui.send("s"); // star the newest while the cron job is about to run
    ui.wait_text("★");
    items.store(5, Ordering::SeqCst);
    let out = run(&config, &data, &["refresh"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 new articles"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The UI notices the other process's commit and shows the new articles.
    let screen = ui.wait_text("Live item 4");
    assert!(screen.contains("★"), "the star is still shown: {screen}");
    ui.send("Q");
    assert!(ui.wait_exit(Duration::from_secs(10)).success());
    let all = json(&config, &data, &["list", "--json"]);
    assert_eq!(all.len(), 5);
    assert_eq!(ids_where(&all, "starred").len(), 1);
    assert_eq!(integrity(&data), "ok");
}

#[test]
fn two_uis_on_one_data_dir_both_work_and_see_each_other() {
    let server = Server::start(|_| Response::ok(rss("Shared", "s", 3)));
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[feed]]\nurl = \"{}\"\nname = \"Shared\"\n", server.url("/feed")),
    )
    .expect("w");
    let data = dir.path().join("data");
    assert!(run(&config, &data, &["refresh"]).status.success());
    let mut a = Tui::start(&config, &data, 100, 30);
    let mut b = Tui::start(&config, &data, 100, 30);
    a.wait_text("All unread (3)");
    b.wait_text("All unread (3)");
    a.send("l");
    a.send("r");
    // B sees A's mark within its store poll.
    b.wait_for("B's count to drop", Duration::from_secs(10), |s| {
        s.contains("All unread") && s.contains(" 2 unread")
    });
    b.send("l");
    b.send("G");
    b.send("s");
    a.wait_text("★");
    a.send("Q");
    b.send("Q");
    assert!(a.wait_exit(Duration::from_secs(10)).success());
    assert!(b.wait_exit(Duration::from_secs(10)).success());
    let all = json(&config, &data, &["list", "--json"]);
    assert_eq!(ids_where(&all, "read").len(), 1);
    assert_eq!(ids_where(&all, "starred").len(), 1);
}

#[test]
fn sigkill_of_refresh_and_ui_together_keeps_ui_marks() {
    const FEEDS: usize = 20;
    let server = big_server(FEEDS, 30, 10);
    let dir = tempfile::tempdir().expect("tmp");
    let config = config_for(dir.path(), &server, FEEDS);
    let data = dir.path().join("data");
    assert!(run(&config, &data, &["refresh"]).status.success());
    let mut marked = 0;
    for delay in delays(5) {
        let mut ui = Tui::start(&config, &data, 100, 30);
        ui.wait_text("All unread (");
        let mut refresh = cmd(&config, &data, &["refresh"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        ui.send("l");
        ui.send("r");
        marked += 1;
        std::thread::sleep(Duration::from_millis(delay + 400));
        let _ = refresh.kill();
        refresh.wait().expect("reap");
        ui.kill9();
        let all = json(&config, &data, &["list", "--json"]);
        assert_eq!(
            ids_where(&all, "read").len(),
            marked,
            "a mark made in the UI was lost"
        );
    }
    assert_eq!(integrity(&data), "ok");
}

/// Another process's marks get in while a large feed is stored chunk by chunk: none fails
/// with "database is locked" and none waits for the whole feed, and the refresh stores every
/// article. (Deferred transactions once lost the refresh; SQLite's backing-off wait starved
/// the marks behind the chunks.)
#[test]
fn marks_from_another_process_run_while_a_large_feed_is_stored() {
    let round = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let r = round.clone();
    let server = Server::start(move |_| {
        let n = r.load(std::sync::atomic::Ordering::SeqCst);
        Response::ok(rss("Big", &format!("r{n}"), if n == 0 { 2 } else { 6_000 }))
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[settings]\nmax_articles = 20000\n\n[[feed]]\nurl = \"{}\"\n",
            server.url("/big")
        ),
    )
    .expect("config");
    let data = dir.path().join("data");
    assert!(run(&config, &data, &["refresh"]).status.success());
    round.store(1, std::sync::atomic::Ordering::SeqCst);
    let mut refresh = cmd(&config, &data, &["refresh"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("refresh");
    let mut marks = 0;
    let mut longest = Duration::ZERO;
    while refresh.try_wait().expect("wait").is_none() {
        let started = std::time::Instant::now();
        let flag = if marks % 2 == 0 { "--read" } else { "--unread" };
        let out = run(&config, &data, &["mark", "1", flag]);
        longest = longest.max(started.elapsed());
        assert!(
            out.status.success(),
            "a mark failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        marks += 1;
    }
    let out = refresh.wait_with_output().expect("refresh output");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("6000 new"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    eprintln!("{marks} marks, longest {longest:?}");
    assert!(marks > 0, "no mark ran during the refresh");
    // A hang guard, not a benchmark: the whole refresh takes about a second here.
    assert!(longest < Duration::from_secs(5), "a mark waited {longest:?}");
}
