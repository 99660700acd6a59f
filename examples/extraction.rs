//! Scores tidings' article extraction over `../shared/conformance/extraction` (or the folder
//! given): the scrapinghub benchmark half (human ground truth) and Mozilla Readability's test
//! pages (Readability.js's own output as the reference), with the benchmark's own metric:
//! `\w+` tokens, 4-gram shingles, precision and recall per page averaged over pages, F1 from
//! the two means. Prints the worst pages and the time per page (median, p90).
//!
//!     cargo run --release --example extraction [-- DIR [--worst N] [--bar-scrapinghub F1] [--bar-readability F1]]

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// One page: the benchmark's true/false positive and false negative shingle shares.
struct Score {
    name: String,
    tp: f64,
    fp: f64,
    fn_: f64,
    empty: bool,
}

impl Score {
    /// The benchmark's `precision_score`.
    fn precision(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fp == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fp)
        }
    }

    /// The benchmark's `recall_score`.
    fn recall(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fn_ == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fn_)
        }
    }
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("../shared/conformance/extraction");
    let mut worst = 8;
    let mut show: Option<String> = None;
    let (mut bar_sh, mut bar_rd) = (0.0, 0.0);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--worst" => worst = args.next().context("--worst N")?.parse()?,
            "--show" => show = args.next(),
            "--bar-scrapinghub" => bar_sh = args.next().context("F1")?.parse()?,
            "--bar-readability" => bar_rd = args.next().context("F1")?.parse()?,
            _ => dir = PathBuf::from(a),
        }
    }
    if !dir.join("scrapinghub/ground-truth.json").is_file() {
        bail!(
            "{}: the extraction corpus is not there (see ../shared/README.md)",
            dir.display()
        );
    }
    let mut times = Vec::new();
    let sh = scrapinghub(&dir.join("scrapinghub"), &mut times, show.as_deref())?;
    let rd = readability(&dir.join("readability"), &mut times, show.as_deref())?;
    let mut failed = false;
    for (label, scores, bar) in [("scrapinghub", &sh, bar_sh), ("readability", &rd, bar_rd)] {
        let (p, r, f1) = summary(scores);
        let empty = scores.iter().filter(|s| s.empty).count();
        println!(
            "{label}: {} pages, precision {p:.3}, recall {r:.3}, F1 {f1:.3}, no article on {empty}",
            scores.len()
        );
        let mut sorted: Vec<&Score> = scores.iter().collect();
        sorted.sort_by(|a, b| f1_of(a).total_cmp(&f1_of(b)));
        for s in sorted.iter().take(worst) {
            println!(
                "  {:<70} P {:.2} R {:.2}{}",
                s.name,
                s.precision(),
                s.recall(),
                if s.empty { " (no article)" } else { "" }
            );
        }
        if f1 < bar || empty > 0 && bar > 0.0 {
            failed = true;
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize];
    println!(
        "time per page: median {:.1} ms, p90 {:.1} ms",
        ms(at(0.5)),
        ms(at(0.9))
    );
    if failed {
        bail!("extraction below the bar");
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn f1_of(s: &Score) -> f64 {
    let (p, r) = (s.precision(), s.recall());
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// The benchmark's `metrics_from_tp_fp_fns`: precision over pages that predicted something,
/// recall over pages whose truth has something, F1 of the two means.
fn summary(scores: &[Score]) -> (f64, f64, f64) {
    let p = mean(scores.iter().filter(|s| s.tp + s.fp > 0.0).map(Score::precision));
    let r = mean(scores.iter().filter(|s| s.tp + s.fn_ > 0.0).map(Score::recall));
    let f1 = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    (p, r, f1)
}

/// The article's text as tidings shows it (the extracted HTML's words), or None.
fn extract(html: &str, url: Option<&str>, times: &mut Vec<Duration>) -> Option<String> {
    let started = Instant::now();
    let got = tidings::text::extract::extract(html, url).ok();
    times.push(started.elapsed());
    got.map(|h| tidings::text::index_text(&h))
}

fn scrapinghub(dir: &Path, times: &mut Vec<Duration>, show: Option<&str>) -> Result<Vec<Score>> {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json"))?)?;
    let mut out = Vec::new();
    let mut keys: Vec<&String> = truth.as_object().context("ground truth")?.keys().collect();
    keys.sort();
    for key in keys {
        let entry = &truth[key.as_str()];
        let mut html = String::new();
        let file = std::fs::File::open(dir.join("html").join(format!("{key}.html.gz")))?;
        flate2::read::GzDecoder::new(file).read_to_string(&mut html)?;
        let url = entry["url"].as_str();
        let pred = extract(&html, url, times);
        let want = entry["articleBody"].as_str().unwrap_or("");
        let name = url.unwrap_or(key).to_string();
        if show.is_some_and(|s| name.contains(s)) {
            print_differences(&name, want, pred.as_deref().unwrap_or(""));
        }
        out.push(score(name, want, pred.as_deref()));
    }
    Ok(out)
}

fn readability(dir: &Path, times: &mut Vec<Duration>, show: Option<&str>) -> Result<Vec<Score>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for page in names {
        let (Ok(source), Ok(expected)) = (
            std::fs::read_to_string(page.join("source.html")),
            std::fs::read_to_string(page.join("expected.html")),
        ) else {
            continue;
        };
        let want = tidings::text::index_text(&expected);
        let pred = extract(&source, Some("http://fakehost/test/page.html"), times);
        let name = page
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if show.is_some_and(|s| name.contains(s)) {
            print_differences(&name, &want, pred.as_deref().unwrap_or(""));
        }
        out.push(score(name, &want, pred.as_deref()));
    }
    Ok(out)
}

/// `\w+` tokens as Python's `re` finds them in Unicode text.
fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// 4-gram shingles with counts, as the benchmark's `_ngrams` makes them (a text of fewer than
/// four tokens is one shingle of what it has).
fn shingles(s: &str) -> HashMap<Vec<String>, usize> {
    let t = tokens(s);
    let mut m = HashMap::new();
    if t.is_empty() {
        return m;
    }
    if t.len() < 4 {
        *m.entry(t).or_insert(0) += 1;
        return m;
    }
    for w in t.windows(4) {
        *m.entry(w.to_vec()).or_insert(0) += 1;
    }
    m
}

/// The benchmark's `string_shingle_matching`: shares normalised so long pages weigh the same.
fn score(name: String, truth: &str, pred: Option<&str>) -> Score {
    let t = shingles(truth);
    let p = shingles(pred.unwrap_or(""));
    let mut tp = 0usize;
    for (k, &n) in &p {
        tp += n.min(*t.get(k).unwrap_or(&0));
    }
    let fp = p.values().sum::<usize>() - tp;
    let fn_ = t.values().sum::<usize>() - tp;
    let total = (tp + fp + fn_).max(1) as f64;
    Score {
        name,
        tp: tp as f64 / total,
        fp: fp as f64 / total,
        fn_: fn_ as f64 / total,
        empty: pred.is_none() && !truth.trim().is_empty(),
    }
}

/// Prints the runs of words one text has and the other lacks (by 4-gram shingles).
fn print_differences(name: &str, truth: &str, pred: &str) {
    println!("== {name}");
    for (label, a, b) in [("extra", pred, truth), ("missing", truth, pred)] {
        let ta = tokens(a);
        let sb = shingles(b);
        let mut run: Vec<&str> = Vec::new();
        let flush = |run: &mut Vec<&str>| {
            if run.len() >= 3 {
                println!("  {label}: {}", run.join(" "));
            }
            run.clear();
        };
        for (i, t) in ta.iter().enumerate() {
            let hit = (i.saturating_sub(3)..=i).any(|s| ta.get(s..s + 4).is_some_and(|w| sb.contains_key(w)));
            if hit {
                flush(&mut run);
            } else {
                run.push(t);
            }
        }
        flush(&mut run);
    }
}
