//! The poller against a real HTTP server on 127.0.0.1 started by each test.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::{Response, Server, rss};
use tidings::feed::{FetchLimits, Fetcher};
use tidings::model::{FeedId, Query, Scope};
use tidings::poller::{FeedFailure, FeedResult, PollFeed, Refresher};
use tidings::store::StoreHandle;

struct Env {
    _dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    store: StoreHandle,
    refresher: Refresher,
    feeds: Vec<PollFeed>,
}

fn env_with(urls: &[String], timeout: Duration, max_size: u64, concurrency: usize, per_host: usize) -> Env {
    let dir = tempfile::tempdir().expect("tmp");
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let store = StoreHandle::open(&dir.path().join("t.db")).expect("store");
    let u = urls.to_vec();
    let ids = rt
        .block_on(store.write(move |s| {
            s.sync_feeds(
                &u.into_iter().map(Into::into).collect::<Vec<_>>(),
                chrono::Utc::now(),
            )
        }))
        .expect("w")
        .expect("sync");
    let fetcher = Fetcher::direct(
        "tidings-test/1",
        FetchLimits {
            timeout,
            max_size,
            max_redirects: 10,
        },
    )
    .expect("fetcher");
    let refresher = Refresher::new(fetcher, store.clone(), concurrency, per_host);
    let feeds = urls
        .iter()
        .zip(ids)
        .map(|(u, id)| PollFeed {
            id,
            url: url::Url::parse(u).expect("url"),
            refresh_interval: Duration::from_secs(1800),
        })
        .collect();
    Env {
        _dir: dir,
        rt,
        store,
        refresher,
        feeds,
    }
}

fn env(urls: &[String]) -> Env {
    env_with(urls, Duration::from_secs(5), 10 << 20, 16, 2)
}

impl Env {
    fn refresh(&self, i: usize) -> FeedResult {
        self.rt.block_on(self.refresher.refresh(&self.feeds[i], true))
    }
    fn refresh_scheduled(&self, i: usize) -> FeedResult {
        self.rt.block_on(self.refresher.refresh(&self.feeds[i], false))
    }
    fn count(&self, id: FeedId) -> u64 {
        let q = Query {
            scope: Scope::Feeds(vec![id]),
            ..Query::default()
        };
        self.rt
            .block_on(self.store.read(move |s| s.count(&q)))
            .expect("r")
            .expect("count")
    }
    fn state(&self, i: usize) -> tidings::model::FeedState {
        let id = self.feeds[i].id;
        self.rt
            .block_on(self.store.read(move |s| s.feed_state(id)))
            .expect("r")
            .expect("q")
            .expect("feed")
    }
}

#[test]
fn etag_gives_200_then_304_without_parsing() {
    let server = Server::start(|req| {
        if req.header("if-none-match") == Some("\"v1\"") {
            Response::status(304)
        } else {
            Response::ok(rss("A", "a", 3)).header("ETag", "\"v1\"")
        }
    });
    let e = env(&[server.url("/feed")]);
    assert_eq!(e.refresh(0), FeedResult::Updated { new: 3, unread: 3 });
    assert_eq!(e.refresh(0), FeedResult::NotModified);
    assert_eq!(e.state(0).last_status, Some(304));
    assert_eq!(
        server.hits("/feed"),
        2,
        "exactly one request per refresh, no retry after 304"
    );
}

#[test]
fn last_modified_gives_304() {
    let lm = "Wed, 21 Oct 2015 07:28:00 GMT";
    let server = Server::start(move |req| {
        if req.header("if-modified-since") == Some(lm) {
            Response::status(304)
        } else {
            Response::ok(rss("A", "a", 2)).header("Last-Modified", lm)
        }
    });
    let e = env(&[server.url("/feed")]);
    assert!(matches!(e.refresh(0), FeedResult::Updated { new: 2, .. }));
    assert_eq!(e.refresh(0), FeedResult::NotModified);
}

#[test]
fn gzip_bodies_are_decoded() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(rss("Z", "z", 5).as_bytes()).expect("gz");
    let body = gz.finish().expect("gz");
    let server = Server::start(move |req| {
        assert!(req.header("accept-encoding").unwrap_or("").contains("gzip"));
        Response::ok(body.clone()).header("Content-Encoding", "gzip")
    });
    let e = env(&[server.url("/feed")]);
    assert!(matches!(e.refresh(0), FeedResult::Updated { new: 5, .. }));
}

#[test]
fn bodies_still_gzip_after_http_are_unpacked() {
    // A real `.xml.gz` served as a file (no Content-Encoding), and a feed compressed twice
    // (gzip inside a gzip Content-Encoding), as misconfigured servers send them.
    let file = crate::support::feed_fixture("rss2-podcast-giantbomb-730-items.xml.gz");
    let mut inner = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    inner.write_all(rss("D", "d", 3).as_bytes()).expect("gz");
    let mut outer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    outer.write_all(&inner.finish().expect("gz")).expect("gz");
    let twice = outer.finish().expect("gz");
    let server = Server::start(move |req| match req.path.as_str() {
        "/podcast.xml.gz" => Response::ok(file.clone()).header("Content-Type", "application/x-gzip"),
        _ => Response::ok(twice.clone()).header("Content-Encoding", "gzip"),
    });
    let e = env(&[server.url("/podcast.xml.gz"), server.url("/twice")]);
    assert!(
        matches!(e.refresh(0), FeedResult::Updated { new: 730, .. }),
        "{:?}",
        e.state(0).last_error
    );
    assert!(matches!(e.refresh(1), FeedResult::Updated { new: 3, .. }));
}

#[test]
fn permanent_redirect_is_recorded_and_followed_next_time() {
    let server = Server::start(|req| match req.path.as_str() {
        "/old" => Response::status(301).header("Location", "/new"),
        "/new" => Response::ok(rss("N", "n", 1)),
        _ => Response::status(404),
    });
    let e = env(&[server.url("/old")]);
    assert!(matches!(e.refresh(0), FeedResult::Updated { .. }));
    assert_eq!(
        e.state(0).redirect_url.as_deref(),
        Some(server.url("/new").as_str())
    );
    e.refresh(0);
    assert_eq!(server.hits("/old"), 1);
    assert_eq!(server.hits("/new"), 2);
}

#[test]
fn redirect_loop_is_an_error() {
    let server = Server::start(|req| match req.path.as_str() {
        "/a" => Response::status(302).header("Location", "/b"),
        _ => Response::status(302).header("Location", "/a"),
    });
    let e = env(&[server.url("/a")]);
    match e.refresh(0) {
        FeedResult::Failed { error } => assert!(error.to_string().contains("redirect loop"), "{error}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn failing_feeds_fail_alone() {
    let server = Server::start(|req| match req.path.as_str() {
        "/ok" => Response::ok(rss("OK", "ok", 2)),
        "/missing" => Response::status(404),
        _ => Response::status(500),
    });
    let e = env(&[server.url("/ok"), server.url("/missing"), server.url("/broken")]);
    let summary = e.rt.block_on(e.refresher.run_pass(e.feeds.clone(), true, None));
    assert_eq!(summary.updated, 1);
    assert_eq!(summary.failed.len(), 2);
    assert!(
        summary
            .failed
            .iter()
            .any(|(u, err)| u.ends_with("/missing") && err.to_string() == "HTTP 404")
    );
    assert!(
        summary
            .failed
            .iter()
            .any(|(u, err)| u.ends_with("/broken") && err.to_string() == "HTTP 500")
    );
    assert_eq!(e.state(2).last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(e.count(e.feeds[0].id), 2);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = Server::start(|_| Response {
        hang: true,
        ..Response::default()
    });
    let e = env_with(&[server.url("/feed")], Duration::from_millis(800), 10 << 20, 4, 2);
    let start = Instant::now();
    match e.refresh(0) {
        FeedResult::Failed { error } => assert!(error.to_string().contains("timed out"), "{error}"),
        other => panic!("{other:?}"),
    }
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_body_over_the_limit_is_refused_while_streaming() {
    let server = Server::start(|_| Response {
        status: 200,
        stream_bytes: Some(50 << 20),
        ..Response::default()
    });
    let e = env_with(&[server.url("/huge")], Duration::from_secs(20), 256 * 1024, 4, 2);
    match e.refresh(0) {
        FeedResult::Failed { error } => assert!(error.to_string().contains("larger than"), "{error}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_xml_records_an_error_and_keeps_old_articles() {
    let broken = Arc::new(AtomicUsize::new(0));
    let b = broken.clone();
    let server = Server::start(move |_| {
        if b.load(Ordering::SeqCst) == 0 {
            Response::ok(rss("A", "a", 4))
        } else {
            Response::ok("<rss version=\"2.0\"><channel><item><title>oops</ti")
        }
    });
    let e = env(&[server.url("/feed")]);
    assert!(matches!(e.refresh(0), FeedResult::Updated { new: 4, .. }));
    broken.store(1, Ordering::SeqCst);
    match e.refresh(0) {
        FeedResult::Failed { error } => assert!(matches!(error, FeedFailure::Parse(_)), "{error}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(e.count(e.feeds[0].id), 4);
    assert!(e.state(0).last_error.is_some());
}

#[test]
fn concurrency_limits_hold_globally_and_per_host() {
    let server = Server::start(|_| Response::ok(rss("C", "c", 1)).delay(Duration::from_millis(150)));
    let mut urls = Vec::new();
    for i in 0..8 {
        urls.push(server.url_on("127.0.0.1", &format!("/f{i}")));
        urls.push(server.url_on("localhost", &format!("/f{i}")));
    }
    let e = env_with(&urls, Duration::from_secs(10), 10 << 20, 3, 2);
    let summary = e.rt.block_on(e.refresher.run_pass(e.feeds.clone(), true, None));
    assert_eq!(summary.updated, 16, "{summary:?}");
    assert!(
        server.peak_in_flight() <= 3,
        "global peak {}",
        server.peak_in_flight()
    );
    assert!(server.peak_in_flight() >= 2, "some parallelism expected");
    assert!(server.peak_for_host("127.0.0.1") <= 2);
    assert!(server.peak_for_host("localhost") <= 2);
}

#[test]
fn retry_after_defers_the_next_attempt() {
    let server = Server::start(|_| Response::status(503).header("Retry-After", "120"));
    let e = env(&[server.url("/busy")]);
    match e.refresh(0) {
        FeedResult::Failed { error } => assert!(
            error.to_string().contains("503") && error.to_string().contains("retry after 2m"),
            "{error}"
        ),
        other => panic!("{other:?}"),
    }
    let next = e.state(0).next_attempt.expect("next attempt recorded");
    let wait = next - chrono::Utc::now();
    assert!(
        wait > chrono::Duration::seconds(100) && wait <= chrono::Duration::seconds(121),
        "{wait}"
    );
    assert!(matches!(e.refresh_scheduled(0), FeedResult::Deferred { .. }));
    assert!(
        matches!(e.refresh(0), FeedResult::Deferred { .. }),
        "Retry-After holds even for a manual refresh"
    );
    assert_eq!(server.hits("/busy"), 1);
}

#[test]
fn refreshing_twice_makes_no_duplicates_and_read_stays_read() {
    let version = Arc::new(AtomicUsize::new(0));
    let v = version.clone();
    let server = Server::start(move |_| {
        let mut body = rss("A", "a", 3);
        if v.load(Ordering::SeqCst) > 0 {
            body = body.replace("Body of a 0", "Edited body of a 0");
        }
        Response::ok(body)
    });
    let e = env(&[server.url("/feed")]);
    e.refresh(0);
    let id = e.feeds[0].id;
    let q = Query {
        scope: Scope::Feeds(vec![id]),
        ..Query::default()
    };
    let ids =
        e.rt.block_on(e.store.read(move |s| s.ids(&q)))
            .expect("r")
            .expect("ids");
    let all = ids.clone();
    e.rt.block_on(e.store.write(move |s| s.set_read(&all, true)))
        .expect("w")
        .expect("read");
    version.store(1, Ordering::SeqCst);
    assert_eq!(e.refresh(0), FeedResult::Updated { new: 0, unread: 0 });
    assert_eq!(e.count(id), 3);
}
