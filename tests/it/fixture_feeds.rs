//! Every real-world feed in tests/fixtures/feeds (copied from ../shared/fixtures) through the real fetch (file://), parse
//! and store path, checked against MANIFEST.tsv (expectations from Python feedparser).

use std::io::Read;
use std::path::{Path, PathBuf};

use tidings::feed::{FetchLimits, Fetcher};
use tidings::model::Query;
use tidings::poller::{FeedResult, PollFeed, Refresher};
use tidings::store::StoreHandle;
use tidings::text::index_text;

fn fixtures() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    assert!(
        p.join("MANIFEST.tsv").exists(),
        "fixtures missing at {}",
        p.display()
    );
    p
}

struct Row {
    file: String,
    items: usize,
    first_title: String,
    expectation: String,
}

fn manifest() -> Vec<Row> {
    let text = std::fs::read_to_string(fixtures().join("MANIFEST.tsv")).expect("manifest");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (f, n, t, e) = (
        col("file"),
        col("expected_items"),
        col("expected_first_title"),
        col("parse_expectation"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Row {
                file: c[f].to_string(),
                items: c[n].parse().expect("count"),
                first_title: c[t].to_string(),
                expectation: c[e].to_string(),
            }
        })
        .collect()
}

/// Bytes of a fixture, gunzipped when needed, written to `dir` for a file:// fetch.
fn materialise(dir: &Path, file: &str) -> PathBuf {
    let src = fixtures().join(file);
    let raw = std::fs::read(&src).expect("fixture");
    let (name, bytes) = match file.strip_suffix(".gz") {
        Some(stem) => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut out)
                .expect("gunzip");
            (stem.to_string(), out)
        }
        None => (file.to_string(), raw),
    };
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn norm(s: &str) -> String {
    index_text(&index_text(s))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn every_fixture_matches_the_manifest() {
    let rows = manifest();
    assert!(rows.len() >= 40);
    let tmp = tempfile::tempdir().expect("tmp");
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let store = StoreHandle::open(&tmp.path().join("t.db")).expect("store");
    let fetcher = Fetcher::direct(
        "tidings-test",
        FetchLimits {
            timeout: std::time::Duration::from_secs(10),
            max_size: 10 << 20,
            max_redirects: 10,
        },
    )
    .expect("fetcher");
    let refresher = Refresher::new(fetcher, store.clone(), 4, 2);
    let mut problems = Vec::new();
    let mut matched = 0;
    for row in &rows {
        let path = materialise(tmp.path(), &row.file);
        let url = url::Url::from_file_path(&path).expect("file url");
        let s = url.to_string();
        let id = rt
            .block_on(store.write(move |st| st.sync_feeds(&[s.into()], chrono::Utc::now())))
            .expect("w")
            .expect("sync")[0];
        // sync_feeds with one URL deactivates the others; counts are per feed below.
        let feed = PollFeed {
            id,
            url: url.clone(),
            refresh_interval: std::time::Duration::from_secs(3600),
        };
        let result = rt.block_on(refresher.refresh(&feed, true));
        let q = Query {
            scope: tidings::model::Scope::Feeds(vec![id]),
            ..Query::default()
        };
        let stored = rt
            .block_on(store.read(move |st| st.count(&q)))
            .expect("r")
            .expect("count") as usize;
        // The document-order first title, from the parser itself.
        let bytes = std::fs::read(&path).expect("read");
        let parsed = tidings::feed::parse(&bytes, None, &url);
        let outcome = match (&row.expectation[..], &result, &parsed) {
            ("ok", FeedResult::Updated { .. }, Ok(p)) => {
                let count_ok = p.articles.len() == row.items;
                let title_ok = row.first_title.starts_with('(')
                    || p.articles
                        .first()
                        .is_some_and(|a| norm(&a.title) == norm(&row.first_title));
                if count_ok && title_ok {
                    Ok(())
                } else {
                    Err(format!(
                        "expected {} items, first {:?}; got {} items (stored {stored}), first {:?}",
                        row.items,
                        row.first_title,
                        p.articles.len(),
                        p.articles.first().map(|a| a.title.clone())
                    ))
                }
            }
            ("partial", FeedResult::Updated { .. }, Ok(p)) if !p.articles.is_empty() => Ok(()),
            ("partial", FeedResult::Failed { .. }, _) => Ok(()),
            ("error", FeedResult::Failed { error }, _) => {
                assert!(!error.to_string().is_empty());
                Ok(())
            }
            (_, FeedResult::Updated { .. }, Ok(p)) if row.items == 0 && p.articles.is_empty() => Ok(()),
            (exp, r, _) => Err(format!("expected {exp}, got {r:?}")),
        };
        match outcome {
            Ok(()) => matched += 1,
            Err(e) => problems.push(format!("{}: {e}", row.file)),
        }
        if let FeedResult::Updated { new, .. } = result {
            assert!(
                new as usize <= stored,
                "{}: new {new} > stored {stored}",
                row.file
            );
        }
    }
    println!("{matched} of {} manifest rows match", rows.len());
    for p in &problems {
        println!("  differs: {p}");
    }
    assert!(
        problems.is_empty(),
        "{} rows differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn parsing_twice_gives_the_same_keys() {
    for row in manifest() {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = materialise(tmp.path(), &row.file);
        let url = url::Url::from_file_path(&path).expect("url");
        let bytes = std::fs::read(&path).expect("read");
        if let (Ok(a), Ok(b)) = (
            tidings::feed::parse(&bytes, None, &url),
            tidings::feed::parse(&bytes, None, &url),
        ) {
            let ka: Vec<_> = a.articles.iter().map(|x| x.key.clone()).collect();
            let kb: Vec<_> = b.articles.iter().map(|x| x.key.clone()).collect();
            assert_eq!(ka, kb, "{}", row.file);
        }
    }
}
