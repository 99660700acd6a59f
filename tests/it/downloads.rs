//! `tidings download` against a loopback server: a download killed with SIGKILL midway resumes
//! with a Range request from the part on disk and ends with the exact file; the queue says
//! what happened; an oversized enclosure fails with a reason and leaves nothing behind.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::support::{Request, Response, Server, tidings, tidings_cmd, tidings_ok};

const SIZE: usize = 3000;

fn episode() -> Vec<u8> {
    (0..SIZE).map(|i| (i * 7 % 251) as u8).collect()
}

fn serve(req: &Request, feed: &str) -> Response {
    let body = episode();
    match req.path.as_str() {
        "/feed" => Response::ok(feed.to_string()),
        "/ep.mp3" => match req
            .header("range")
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(from) if from < SIZE => Response {
                status: 206,
                body: body[from..].to_vec(),
                ..Response::default()
            }
            .header("Content-Range", &format!("bytes {from}-{}/{SIZE}", SIZE - 1)),
            // Slow enough to be killed midway: about 3 s for the whole file.
            _ => Response {
                trickle: Some(Duration::from_millis(1)),
                ..Response::ok(body)
            },
        },
        "/huge.mp3" => Response::ok(vec![0u8; 4096]),
        _ => Response::status(404),
    }
}

fn feed_xml(base: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pod</title>\
         <item><title>Episode 1</title><guid>e1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>\
         <enclosure url=\"{base}/ep.mp3\" type=\"audio/mpeg\" length=\"{SIZE}\"/></item></channel></rss>"
    )
}

/// A config downloading into `dl/` with `settings` added, for the one feed at `feed_url`
/// with `auto_download = 1`; refreshed. Returns (dir, config, data, dl).
fn setup(feed_url: &str, settings: &str) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let (config, data, dl) = (
        dir.path().join("config.toml"),
        dir.path().join("data"),
        dir.path().join("dl"),
    );
    std::fs::write(
        &config,
        format!(
            "[settings]\ndownload_dir = \"{}\"\n{settings}\n[[feed]]\nurl = \"{feed_url}\"\nname = \"Pod\"\nauto_download = 1\n",
            dl.display(),
        ),
    )
    .expect("config");
    tidings_ok(&config, &data, &["refresh"]);
    (dir, config, data, dl)
}

#[test]
fn a_download_killed_midway_resumes_with_range_and_ends_with_the_exact_file() {
    let feed = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let f = feed.clone();
    let server = Server::start(move |req| serve(req, &f.lock().expect("feed")));
    *feed.lock().expect("feed") = feed_xml(server.url("").trim_end_matches('/'));
    let (_dir, config, data, dl) = setup(&server.url("/feed"), "");

    let mut child = tidings_cmd(&config, &data, &["download"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    let part = loop {
        let found = std::fs::read_dir(&dl).ok().and_then(|d| {
            d.flatten().map(|e| e.path()).find(|p| {
                p.extension().is_some_and(|e| e == "part") && p.metadata().is_ok_and(|m| m.len() > 300)
            })
        });
        if let Some(p) = found {
            break p;
        }
        assert!(Instant::now() < deadline, "no part file appeared");
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let kept = part.metadata().expect("part kept").len() as usize;
    assert!(kept > 0 && kept < SIZE, "{kept}");

    let out = tidings(&config, &data, &["download"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 downloaded, 0 failed"), "{stdout}");
    let file = part.with_extension("");
    assert_eq!(std::fs::read(&file).expect("the file"), episode());
    assert!(!part.exists());
    assert_eq!(file.parent(), Some(dl.as_path()));
    let resumed = server
        .requests()
        .iter()
        .filter(|r| r.path == "/ep.mp3")
        .filter_map(|r| r.header("range").map(str::to_string))
        .collect::<Vec<_>>();
    assert_eq!(resumed.len(), 1, "{resumed:?}");
    let from: usize = resumed[0]
        .trim_start_matches("bytes=")
        .trim_end_matches('-')
        .parse()
        .expect("offset");
    assert!(
        from >= kept && from > 0,
        "resumed from {from}, {kept} were on disk"
    );

    let list = tidings_ok(&config, &data, &["download", "--list"]);
    assert!(list.starts_with("done") && list.contains("Episode 1"), "{list}");
    // Nothing left to do: a second run downloads nothing.
    assert!(tidings_ok(&config, &data, &["download"]).contains("0 downloaded, 0 failed"));
}

#[test]
fn an_enclosure_over_the_size_cap_fails_with_a_reason_and_leaves_no_file() {
    let server = Server::start(|req| {
        let base = format!("http://{}", req.header("host").unwrap_or(""));
        serve(req, &feed_xml(&base).replace("/ep.mp3", "/huge.mp3"))
    });
    let (_dir, config, data, dl) = setup(&server.url("/feed"), "max_download_size = 2048\n");
    let out = tidings(&config, &data, &["download"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("larger than max_download_size"), "{stdout}");
    assert!(
        std::fs::read_dir(&dl).map(|d| d.count()).unwrap_or(0) == 0,
        "nothing left behind"
    );
    let list = tidings_ok(&config, &data, &["download", "--list"]);
    assert!(
        list.starts_with("failed") && list.contains("larger than"),
        "{list}"
    );
}

#[test]
fn a_full_disk_is_said_as_such_and_the_next_run_finishes_the_download() {
    let server = Server::start(|req| {
        let base = format!("http://{}", req.header("host").unwrap_or(""));
        match req.path.as_str() {
            "/ep.mp3" => Response::ok(episode()),
            _ => serve(req, &feed_xml(&base)),
        }
    });
    let (_dir, config, data, dl) = setup(&server.url("/feed"), "");
    // The part file is /dev/full: every write fails with ENOSPC, as on a full disk.
    std::fs::create_dir_all(&dl).expect("dl");
    std::os::unix::fs::symlink("/dev/full", dl.join("1-ep.mp3.part")).expect("symlink");
    let out = tidings(&config, &data, &["download"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("the disk is full"), "{stdout}");
    let list = tidings_ok(&config, &data, &["download", "--list"]);
    assert!(
        list.starts_with("queued") && list.contains("disk is full"),
        "still queued, with why: {list}"
    );
    // Space again: the next run downloads it.
    std::fs::remove_file(dl.join("1-ep.mp3.part")).expect("rm");
    let out = tidings_ok(&config, &data, &["download"]);
    assert!(out.contains("1 downloaded, 0 failed"), "{out}");
    assert_eq!(std::fs::read(dl.join("1-ep.mp3")).expect("file"), episode());
}
