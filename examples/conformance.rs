//! Scores tidings' feed parser over the feedparser test suite in `../shared/conformance/feedparser`
//! (or the folder given as the first argument): a file is right when its entry count and first
//! entry title match what Python feedparser 6 reads (`EXPECTED.tsv`). Prints the score per group
//! and exits non-zero below the bar, on a panic, or on a file that takes over two seconds.
//!
//!     cargo run --example conformance [-- CORPUS_DIR [--show all|GROUP|FILE] [--bar PERCENT] [--group-bar PERCENT]]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tidings::feed::parse::{self, ParsedFeed};
use url::Url;

/// Where feedparser's own runner serves the suite from; its expected links were computed there.
const SERVED_AT: &str = "http://127.0.0.1:8097/tests/";

/// Files where feedparser's answer is not one a reader should give, with the reason.
const NOT_OBSERVABLE: &[(&str, &str)] = &[(
    "illformed/rss_incomplete_cdata.xml",
    "the document ends inside its only item (an open CDATA section); feedparser keeps an empty \
     entry, tidings drops an item the bytes cut short so the next fetch stores it whole",
)];

struct Expected {
    file: String,
    group: String,
    http_headers: bool,
    entries: usize,
    first_title: String,
    first_link: String,
}

#[derive(Default)]
struct Tally {
    files: usize,
    right: usize,
    links_right: usize,
    links_expected: usize,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("../shared/conformance/feedparser");
    let mut show: Option<String> = None;
    let mut show_links = false;
    let mut bar = 0.0_f64;
    let mut group_bar = 0.0_f64;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--show" => show = args.next(),
            "--links" => show_links = true,
            "--bar" => bar = args.next().context("--bar PERCENT")?.parse()?,
            "--group-bar" => group_bar = args.next().context("--group-bar PERCENT")?.parse()?,
            _ => dir = PathBuf::from(a),
        }
    }
    let tsv = dir.join("EXPECTED.tsv");
    let text = std::fs::read_to_string(&tsv).with_context(|| {
        format!(
            "{}: the conformance corpus is not there (see ../shared/README.md)",
            tsv.display()
        )
    })?;
    let expected = read_expected(&text)?;
    std::panic::set_hook(Box::new(|_| {}));
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut panics, mut slow) = (Vec::new(), Vec::new());
    for e in &expected {
        let bytes = std::fs::read(dir.join(&e.file)).with_context(|| e.file.clone())?;
        let started = Instant::now();
        let got = std::panic::catch_unwind(|| read(e, &bytes));
        let took = started.elapsed();
        if took > Duration::from_secs(2) {
            slow.push(format!("{} ({took:?})", e.file));
        }
        let got = match got {
            Ok(g) => g,
            Err(_) => {
                panics.push(e.file.clone());
                Err("panicked".into())
            }
        };
        let tally = groups.entry(e.group.clone()).or_default();
        tally.files += 1;
        let (right, link_right) = judge(e, &got);
        tally.right += usize::from(right);
        if !e.first_link.is_empty() {
            tally.links_expected += 1;
            tally.links_right += usize::from(link_right);
        }
        let wanted = show
            .as_deref()
            .is_some_and(|s| s == "all" || e.file.starts_with(s) || e.group == s);
        if wanted && !right {
            print_miss(e, &got);
        }
        if show_links && !e.first_link.is_empty() && !link_right {
            let link = got
                .as_ref()
                .ok()
                .and_then(|f| f.articles.first())
                .and_then(|a| a.link.clone());
            println!("LINK {} want {} got {link:?}", e.file, e.first_link);
        }
    }
    let total: Tally = groups.values().fold(Tally::default(), |mut t, g| {
        t.files += g.files;
        t.right += g.right;
        t.links_right += g.links_right;
        t.links_expected += g.links_expected;
        t
    });
    println!("| group | files | right | % | first link right |");
    println!("|---|---:|---:|---:|---:|");
    for (name, t) in groups.iter().chain([(&"all".to_string(), &total)]) {
        println!(
            "| {name} | {} | {} | {:.1} | {}/{} |",
            t.files,
            t.right,
            pct(t.right, t.files),
            t.links_right,
            t.links_expected
        );
    }
    println!("panics: {}, over 2 s: {}", panics.len(), slow.len());
    for f in panics.iter().chain(&slow) {
        println!("  {f}");
    }
    let score = pct(total.right, total.files);
    // The group bar leaves out files whose expected result a reader does not show (counted in
    // the overall score all the same).
    let weak: Vec<String> = groups
        .iter()
        .filter(|(name, t)| {
            let excused = NOT_OBSERVABLE
                .iter()
                .filter(|(f, _)| f.starts_with(name.as_str()))
                .count();
            pct(t.right, t.files - excused) < group_bar
        })
        .map(|(g, _)| g.clone())
        .collect();
    println!("left out of the group bar (what feedparser finds is not what a reader should show):");
    for (file, why) in NOT_OBSERVABLE {
        println!("  {file}: {why}");
    }
    if !panics.is_empty() || !slow.is_empty() || score < bar || !weak.is_empty() {
        bail!(
            "conformance {score:.1} % (bar {bar} %), groups under {group_bar} %: {weak:?}, {} panics, {} slow",
            panics.len(),
            slow.len()
        );
    }
    Ok(())
}

fn pct(n: usize, d: usize) -> f64 {
    if d == 0 {
        100.0
    } else {
        n as f64 * 100.0 / d as f64
    }
}

fn read_expected(text: &str) -> Result<Vec<Expected>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, group, mode, entries, first_title, first_link, ..] = cols.as_slice() else {
            bail!("EXPECTED.tsv line {}: too few columns", n + 1);
        };
        out.push(Expected {
            file: file.to_string(),
            group: group.to_string(),
            http_headers: *mode == "http-headers",
            entries: entries
                .parse()
                .with_context(|| format!("EXPECTED.tsv line {}", n + 1))?,
            first_title: first_title.to_string(),
            first_link: first_link.to_string(),
        });
    }
    Ok(out)
}

/// The `Header: Name: value` lines of a file's leading comment.
fn headers(bytes: &[u8]) -> Vec<(String, String)> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    head.lines()
        .filter_map(|l| l.trim().strip_prefix("Header:"))
        .filter_map(|h| h.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

fn read(e: &Expected, bytes: &[u8]) -> Result<ParsedFeed, String> {
    let doc = Url::parse(SERVED_AT)
        .and_then(|u| u.join(&e.file))
        .map_err(|x| x.to_string())?;
    let mut source = parse::Source::new(&doc);
    let hs = if e.http_headers {
        headers(bytes)
    } else {
        Vec::new()
    };
    for (k, v) in &hs {
        match k.as_str() {
            "content-type" => source.content_type = Some(v),
            "content-location" => source.content_location = Some(v),
            "content-language" => source.content_language = Some(v),
            _ => {}
        }
    }
    if !e.http_headers {
        source.content_type = Some("application/xml");
    }
    parse::parse_source(bytes, &source).map_err(|x| x.to_string())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// (entry count and first title right, first link right)
fn judge(e: &Expected, got: &Result<ParsedFeed, String>) -> (bool, bool) {
    let Ok(feed) = got else {
        return (e.entries == 0, false);
    };
    if feed.articles.len() != e.entries {
        return (false, false);
    }
    let Some(first) = feed.articles.first() else {
        return (true, e.first_link.is_empty());
    };
    // tidings titles an untitled entry from its text; feedparser leaves the title empty.
    let title_right = collapse(&first.title) == e.first_title
        || (e.first_title.is_empty() && first.title == parse::placeholder_title(first));
    let link = first.link.as_deref().unwrap_or("");
    (title_right, link == e.first_link)
}

fn print_miss(e: &Expected, got: &Result<ParsedFeed, String>) {
    let path = Path::new(&e.file);
    match got {
        Err(x) => println!(
            "MISS {} (want {} / {:?}): error {x}",
            path.display(),
            e.entries,
            e.first_title
        ),
        Ok(f) => println!(
            "MISS {} want {} {:?} got {} {:?}",
            path.display(),
            e.entries,
            e.first_title,
            f.articles.len(),
            f.articles.first().map(|a| a.title.as_str())
        ),
    }
}
